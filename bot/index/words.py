"""The word ids of a run of passages, found in numpy from the run's UTF-8 bytes.

``text.split()`` and a dictionary lookup per word cost some 0.16 µs a word in C, most of a
build's time over 67 million words. Here the run is encoded once; its words are the runs of
bytes between whitespace (exactly the characters ``str.isspace`` accepts, as ``split`` does),
each hashed twice (128 bits, with its length), and looked up in an
open-addressing table of the words seen before. Only a word not seen before is decoded and
looked up by its text in :class:`~bot.index.analysis.WordTable`'s dictionary, which stays the
one authority on ids (and analyses it); so are words longer than :data:`LONG` bytes, whose
hashes are not trusted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

#: Words longer than this (bytes) are looked up by their text.
LONG = 48
#: What ``str.split()`` splits on beyond ASCII (a test checks it against ``str.isspace``).
WIDE_SPACES = ("\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
               "\u200a\u2028\u2029\u202f\u205f\u3000")
_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[list(b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f ")] = True
_WIDE = [np.frombuffer(c.encode(), dtype=np.uint8) for c in WIDE_SPACES]
_BASES = (np.uint64(0x100000001B3), np.uint64(0x9E3779B97F4A7C15))
_MIX = np.uint64(0xC2B2AE3D27D4EB4F)
_SPREAD = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class EncodedRun:
    """A run of passages as UTF-8, each followed by a newline."""

    blob: bytes
    ends: np.ndarray  # int64: where each passage's bytes (and its newline) end

    def __len__(self) -> int:
        return len(self.ends)


def encode(texts: Sequence[str]) -> EncodedRun | None:
    """``texts`` as an :class:`EncodedRun`; ``None`` if one is not UTF-8 (a lone
    surrogate)."""
    try:
        parts = [text.encode("utf-8") for text in texts]
    except UnicodeEncodeError:
        return None
    ends = np.cumsum([len(part) + 1 for part in parts], dtype=np.int64)
    return EncodedRun(b"\n".join(parts) + b"\n", ends)


class WordHashes:
    """Words seen before by their hashes -> id; ``lookup(word)`` gives the id of any other."""

    def __init__(self, lookup: Callable[[str], int]) -> None:
        self._lookup = lookup
        self._bits = 16
        self._keys = np.zeros((2, 1 << self._bits), dtype=np.uint64)  # 0: empty
        self._values = np.zeros(1 << self._bits, dtype=np.int32)
        self._held = 0

    def ids(self, run: EncodedRun, end: int) -> np.ndarray:
        """The id of every word of ``run`` in order, ``end`` after each passage."""
        blob = np.frombuffer(run.blob, dtype=np.uint8)
        space = _ASCII_SPACE[blob]
        _mark_wide_spaces(blob, space)
        edges = np.diff(np.concatenate(([0], (~space).view(np.int8), [0])))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        first, second = self._hashes(blob, starts, ends)
        ids = self._find(first, second)
        lengths = ends - starts
        unknown = np.flatnonzero((ids < 0) | (lengths > LONG))
        if len(unknown):
            self._learn(ids, unknown, run.blob, starts, ends, first, second, lengths)
        passages = np.searchsorted(run.ends, starts, side="right")
        breaks = np.cumsum(np.bincount(passages, minlength=len(run.ends)))
        return np.insert(ids, breaks, end)

    def _hashes(self, blob: np.ndarray, starts: np.ndarray, ends: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
        """Two polynomial hashes (mod 2**64) of each word's first :data:`LONG` bytes, the
        second mixed with its length, the first never 0: byte by byte over the words still
        that long, longest first, so each step works on a prefix of one order."""
        lengths = np.minimum(ends - starts, LONG)
        order = np.argsort((LONG - lengths).astype(np.uint8), kind="stable")  # a radix sort
        at, remaining = starts[order], lengths[order]
        hashes = np.zeros((2, len(order)), dtype=np.uint64)
        # How many words are longer than each offset: a prefix of the order.
        longer = np.searchsorted(-remaining, -np.arange(LONG), side="left")
        for offset in range(LONG):
            count = int(longer[offset])
            if not count:
                break
            byte = blob[at[:count] + offset].astype(np.uint64)
            for k, base in enumerate(_BASES):
                head = hashes[k, :count]
                head *= base
                head += byte
        found = np.empty_like(hashes)
        found[:, order] = hashes
        first, second = found
        second ^= (ends - starts).astype(np.uint64) * _MIX
        return first | np.uint64(1), second

    def _slots(self, first: np.ndarray) -> np.ndarray:
        # Fibonacci hashing: the top bits of a short word's polynomial hash are all zero.
        return ((first * _SPREAD) >> np.uint64(64 - self._bits)).astype(np.int64)

    def _find(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """The id of each hash pair, -1 if not held (linear probing, vectorised)."""
        ids = np.full(len(first), -1, dtype=np.int32)
        pending = np.arange(len(first))
        slots = self._slots(first)
        mask = (1 << self._bits) - 1
        keys, seconds = self._keys[0], self._keys[1]
        while len(pending):
            held = keys[slots]
            hit = held == first[pending]
            hit[hit] = seconds[slots[hit]] == second[pending[hit]]
            ids[pending[hit]] = self._values[slots[hit]]
            going = ~hit & (held != 0)
            pending, slots = pending[going], (slots[going] + 1) & mask
        return ids

    def _learn(self, ids: np.ndarray, unknown: np.ndarray, data: bytes,
               starts: np.ndarray, ends: np.ndarray, first: np.ndarray, second: np.ndarray,
               lengths: np.ndarray) -> None:
        """Fill in ``ids`` at ``unknown`` words from their text, in order (the dictionary
        gives a new word the next id), and hold the short ones."""
        learnt: dict[tuple[int, int], int] = {}
        for i, a, b, h1, h2, n in zip(unknown.tolist(), starts[unknown].tolist(),
                                      ends[unknown].tolist(), first[unknown].tolist(),
                                      second[unknown].tolist(), lengths[unknown].tolist(),
                                      strict=True):
            if n > LONG:
                ids[i] = self._lookup(data[a:b].decode("utf-8"))
                continue
            word_id = learnt.get((h1, h2))
            if word_id is None:
                word_id = learnt[h1, h2] = self._lookup(data[a:b].decode("utf-8"))
            ids[i] = word_id
        if learnt:
            self._hold(learnt)

    def _hold(self, learnt: dict[tuple[int, int], int]) -> None:
        if (self._held + len(learnt)) * 2 > 1 << self._bits:
            self._rehash(self._held + len(learnt))
        keys = np.asarray(list(learnt), dtype=np.uint64).reshape(-1, 2)
        values = np.fromiter(learnt.values(), dtype=np.int32, count=len(learnt))
        self._insert(keys[:, 0], keys[:, 1], values)

    def _insert(self, first: np.ndarray, second: np.ndarray, values: np.ndarray) -> None:
        """Place new keys (none held yet, all distinct), probing past taken slots."""
        slots = self._slots(first)
        mask = (1 << self._bits) - 1
        pending = np.arange(len(first))
        while len(pending):
            free = self._keys[0, slots] == 0
            # Of several new keys wanting one free slot, the first takes it.
            _, winners = np.unique(slots, return_index=True)
            take = np.zeros(len(pending), dtype=bool)
            take[winners] = True
            take &= free
            chosen, at = pending[take], slots[take]
            self._keys[0, at], self._keys[1, at] = first[chosen], second[chosen]
            self._values[at] = values[chosen]
            pending, slots = pending[~take], (slots[~take] + 1) & mask
        self._held += len(first)

    def _rehash(self, wanted: int) -> None:
        taken = np.flatnonzero(self._keys[0])
        first, second, values = self._keys[0, taken], self._keys[1, taken], self._values[taken]
        while wanted * 2 > 1 << self._bits:
            self._bits += 1
        self._keys = np.zeros((2, 1 << self._bits), dtype=np.uint64)
        self._values = np.zeros(1 << self._bits, dtype=np.int32)
        self._held = 0
        self._insert(first, second, values)


def _mark_wide_spaces(blob: np.ndarray, space: np.ndarray) -> None:
    """Mark the bytes of every non-ASCII whitespace character in ``space``."""
    for lead in {int(code[0]) for code in _WIDE}:
        at = np.flatnonzero(blob == lead)
        if not len(at):
            continue
        for code in (c for c in _WIDE if c[0] == lead):
            match = at[at + len(code) <= len(blob)]
            for offset in range(1, len(code)):
                match = match[blob[match + offset] == code[offset]]
            for offset in range(len(code)):
                space[match + offset] = True
