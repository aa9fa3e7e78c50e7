"""Passages to (term, passage, count) triples for the index: each distinct word analysed once.

The index terms of a text are those :meth:`bot.text.Analyzer.tokens` gives, counted per
passage. No rule reaches across whitespace except synonym phrases, so a process keeps a
:class:`WordTable`: every distinct whitespace-separated word gets an id the first time it is
seen, with its terms, extras, full words and "did you mean" words as ids. A passage then costs
one ``split`` and one dictionary lookup per word, in C; expanding words into terms, matching
synonym phrases and counting pairs are numpy operations over a whole run of passages.

A run's result names only the terms and words the process had not reported before, in order of
first occurrence in the run (terms: a passage's terms, then its extras, then its synonyms, as
``tokens`` orders them), so the merge can give ids in order of first occurrence over the whole
corpus without receiving each run's vocabulary.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.index.words import WordHashes, encode
from bot.text import Analyzer, fold

#: A table past this many distinct words starts afresh (a few hundred bytes a word).
TABLE_WORDS = 2_000_000
#: Word and term id 0 ends a passage: no phrase spans it.
_END = 0
_SURFACE_STRIP = ".,;:!?()[]'\"-"
#: Punctuation no rule reads at either end of a word (see ``_Words``).
_EDGES = ".,;:!?()[]'\"‘’“”"


class _Ids(dict[str, int]):
    """Strings to ids in order of first use (id 0 is reserved), with the strings by id."""

    def __init__(self) -> None:
        super().__init__()
        self.strings: list[str] = [""]

    def __missing__(self, string: str) -> int:
        self[string] = len(self.strings)
        self.strings.append(string)
        return self[string]


class _Ragged:
    """A list of id tuples, one per word id, as numpy ``(ptr, flat)`` for gathering."""

    def __init__(self) -> None:
        self.ptr: list[int] = [0]
        self.flat: list[int] = []
        self._arrays = (np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32))

    def add(self, ids: list[int]) -> None:
        self.flat.extend(ids)
        self.ptr.append(len(self.flat))

    def size(self) -> int:
        """How many tuples it holds."""
        return len(self.ptr) - 1

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``(ptr, flat)``, converting only what was added since the last call."""
        ptr, flat = self._arrays
        if len(ptr) < len(self.ptr):
            ptr = np.concatenate([ptr, np.asarray(self.ptr[len(ptr):], dtype=np.int64)])
            flat = np.concatenate([flat, np.asarray(self.flat[len(flat):], dtype=np.int32)])
            self._arrays = ptr, flat
        return ptr, flat

    def gather(self, words: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ids of ``words`` one after another; how many each word gave, and where its
        ids start in the result."""
        ptr, flat = self.arrays()
        starts = ptr[words]
        counts = ptr[words + 1] - starts
        at = _expand(starts, counts)
        ends = np.cumsum(counts)
        return flat[at], counts, ends - counts


class WordTable:
    """One process's distinct words and the term and surface-word ids each gives."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.generation = 0
        self._start()

    def _start(self) -> None:
        self.words = _Words(self)
        self.hashes = WordHashes(self.words.__getitem__)
        self.terms = _Ids()
        self.surface = _Ids()
        self.term_parts, self.extra_parts, self.full_parts, self.surface_parts = (
            _Ragged(), _Ragged(), _Ragged(), _Ragged())
        for ragged in (self.term_parts, self.extra_parts, self.surface_parts):
            ragged.add([])  # word 0 ends a passage: no terms
        self.full_parts.add([_END])
        # Phrases by first full word: [(rank, rest of the phrase, canonical term)], each
        # first word's list in the analyzer's order (longest first).
        self.phrases: dict[int, list[tuple[int, tuple[int, ...], int]]] = {}
        for first, entries in self.analyzer.phrases.items():
            self.phrases[self.terms[first]] = [
                (rank, tuple(self.terms[w] for w in phrase[1:]), self.terms[name])
                for rank, (phrase, name) in enumerate(entries)]
        self.reported_terms = np.zeros(0, dtype=bool)
        self.reported_surface = np.zeros(0, dtype=bool)

    def renew_if_full(self) -> bool:
        """Start afresh if the table holds :data:`TABLE_WORDS` words; whether it did."""
        if len(self.words) < TABLE_WORDS:
            return False
        self.generation += 1
        self._start()
        return True

    def add(self, word: str) -> None:
        """Analyse a new ``word``: its parts get ids (the word's own id is its position)."""
        terms, extras, full = self.analyzer.word_terms(word)
        ids = self.terms
        self.term_parts.add([ids[t] for t in terms])
        self.extra_parts.add([ids[t] for t in extras])
        self.full_parts.add([ids[t] for t in full])
        surface = []
        for folded in fold(word).split():
            folded = folded.strip(_SURFACE_STRIP)
            if len(folded) >= 4 and folded.isalpha():
                surface.append(self.surface[folded])
        self.surface_parts.add(surface)


class _Words(dict[str, int]):
    """Word -> id; a word not seen before is analysed on lookup."""

    def __init__(self, table: WordTable) -> None:
        super().__init__()
        self._table = table

    def __missing__(self, word: str) -> int:
        # An ASCII word between punctuation ("(Taiwan),") analyses as the word alone, in
        # lower case: a third as many analyses over a large corpus.
        core = word.strip(_EDGES)
        if core and core.isascii() and core.isalpha() and (core := core.lower()) != word:
            self[word] = self[core]
        else:
            self._table.add(word)
            self[word] = self._table.term_parts.size() - 1
        return self[word]


@dataclass
class Run:
    """One run of passages, analysed: its (term, passage, count) triples grouped by term.

    Term and surface ids are those of the process's table (``pid``, ``generation``);
    ``new_terms``/``new_surface`` name the ids it had not reported before, in order of first
    occurrence. Compact: ~5 bytes a pair, and a million passages hold some 45 million pairs.
    """

    pid: int
    generation: int
    new_terms: list[tuple[int, str]]
    new_surface: list[tuple[int, str]]
    terms: np.ndarray  # int32 term of each group of pairs, ascending
    sizes: np.ndarray  # int32 pairs in each group
    docs: np.ndarray  # uint16 passage within the run, ascending within a group
    counts: np.ndarray  # uint8/uint16/int32 term frequency
    lengths: np.ndarray  # int64 tokens per passage
    surface: np.ndarray  # int32 surface-word ids of the run
    surface_counts: np.ndarray  # int64 their counts


def analyse_run(table: WordTable, texts: Sequence[str]) -> Run:
    """The index triples of ``texts`` (at most 65,536 passages)."""
    if len(texts) > 1 << 16:
        raise ValueError("a run holds at most 65,536 passages")
    table.renew_if_full()
    known = table.term_parts.size()  # words analysed before this run
    if (encoded := encode(texts)) is not None:
        words = table.hashes.ids(encoded, _END)
    else:  # not UTF-8: each word looked up by its text
        ids = array("i")
        extend, end, lookup = ids.extend, ids.append, table.words.__getitem__
        for text in texts:
            extend(map(lookup, text.split()))
            end(_END)
        words = np.frombuffer(ids, dtype=np.int32)
    passage_of = np.cumsum(words == _END) - (words == _END)  # each word's passage
    terms, term_counts, term_at = table.term_parts.gather(words)
    extras, extra_counts, extra_at = table.extra_parts.gather(words)
    full, full_counts, _ = table.full_parts.gather(words)
    synonyms, synonym_docs = _synonyms(table, full, np.repeat(passage_of, full_counts))
    streams = ((terms, np.repeat(passage_of, term_counts), term_counts, term_at),
               (extras, np.repeat(passage_of, extra_counts), extra_counts, extra_at),
               (synonyms, synonym_docs, None, None))
    new_terms = _new_terms(table, words, known, streams)
    surface, surface_counts, new_surface = _surface(table, words, known)
    tokens = np.concatenate([terms, extras, synonyms])
    docs = np.concatenate([stream[1] for stream in streams])
    lengths = np.bincount(docs, minlength=len(texts)).astype(np.int64)
    # Pairs grouped by term, passages ascending: one sort of keys over the run's terms
    # renumbered densely (in the same order), int32 when they fit.
    present = np.zeros(len(table.terms.strings), dtype=bool)
    present[tokens] = True
    dense = np.cumsum(present, dtype=np.int64) - 1
    key_type = np.int32 if (int(dense[-1]) + 1) * len(texts) < 1 << 31 else np.int64
    keys = np.sort(dense[tokens].astype(key_type) * len(texts) + docs.astype(key_type))
    starts = _run_starts(keys)  # each distinct (term, passage)
    pair_counts = np.diff(starts, append=len(keys))
    keys = keys[starts]
    group_of = keys // len(texts)
    groups = _run_starts(group_of)
    return Run(os.getpid(), table.generation, new_terms, new_surface,
               np.flatnonzero(present)[group_of[groups]].astype(np.int32),
               np.diff(groups, append=len(keys)).astype(np.int32),
               (keys % len(texts)).astype(np.uint16), _narrow(pair_counts), lengths,
               surface, surface_counts)


def _run_starts(values: np.ndarray) -> np.ndarray:
    """Where each run of equal ``values`` starts."""
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))


def _new_terms(table: WordTable, words: np.ndarray, known: int,
               streams: tuple[tuple[np.ndarray, np.ndarray, np.ndarray | None,
                                    np.ndarray | None], ...]) -> list[tuple[int, str]]:
    """The terms of the run not reported before, in order of first occurrence (a passage's
    terms, then its extras, then its synonyms), marked reported.

    A word analysed in an earlier run had its terms and extras reported there, so only the
    first occurrence of each word new in this run, and the synonyms, can bring a new term.
    """
    strings = table.terms.strings
    if len(table.reported_terms) < len(strings):
        table.reported_terms = np.concatenate([
            table.reported_terms, np.zeros(len(strings) - len(table.reported_terms), bool)])
    reported = table.reported_terms
    occurrences = np.flatnonzero(words >= known)
    _, first = np.unique(words[occurrences], return_index=True)
    firsts = occurrences[first]
    ids, keys = [], []
    for section, (stream, docs, counts, at) in enumerate(streams):
        if counts is None or at is None:
            picked = np.arange(len(stream))
        else:
            picked = _expand(at[firsts], counts[firsts])
        picked = picked[~reported[stream[picked]]]
        ids.append(stream[picked])
        keys.append((docs[picked], np.full(len(picked), section), picked))
    passages, sections, positions = (np.concatenate(k) for k in zip(*keys, strict=True))
    new = np.concatenate(ids)[np.lexsort((positions, sections, passages))]
    unique, first = np.unique(new, return_index=True)
    ordered = unique[np.argsort(first)]
    reported[ordered] = True
    return [(i, strings[i]) for i in ordered.tolist()]


def _surface(table: WordTable, words: np.ndarray, known: int
             ) -> tuple[np.ndarray, np.ndarray, list[tuple[int, str]]]:
    """The run's "did you mean" words with their counts, and those not reported before in
    order of first occurrence (marked reported): new words got their ids in that order."""
    strings = table.surface.strings
    if len(table.reported_surface) < len(strings):
        table.reported_surface = np.concatenate([
            table.reported_surface,
            np.zeros(len(strings) - len(table.reported_surface), bool)])
    counts = np.bincount(words, minlength=table.surface_parts.size())
    counts[_END] = 0
    used = np.flatnonzero(counts)
    ids, per_word, _ = table.surface_parts.gather(used)
    totals = np.bincount(ids, weights=np.repeat(counts[used], per_word),
                         minlength=len(strings))
    held = np.flatnonzero(totals)
    ptr, flat = table.surface_parts.arrays()
    new = flat[ptr[known]:]
    new = new[~table.reported_surface[new]]
    unique, first = np.unique(new, return_index=True)
    ordered = unique[np.argsort(first)]
    table.reported_surface[ordered] = True
    return (held.astype(np.int32), totals[held].astype(np.int64),
            [(i, strings[i]) for i in ordered.tolist()])


def _expand(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``range(start, start + count)`` for each pair, one after another."""
    ends = np.cumsum(counts, dtype=np.int64)
    return np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64) + np.repeat(
        starts - (ends - counts), counts)


def _narrow(counts: np.ndarray) -> np.ndarray:
    top = int(counts.max(initial=0))
    return counts.astype(np.uint8 if top < 1 << 8 else np.uint16 if top < 1 << 16 else np.int32)


def _synonyms(table: WordTable, full: np.ndarray, docs: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """The canonical terms the synonym phrases add over ``full`` (a run's full words, each
    passage ended by ``_END``), in ``tokens``' order, with their passages.

    At each word, each phrase starting there that matches counts once for its canonical term,
    the longest first, unless an earlier match of that term still covers the word.
    """
    empty = np.zeros(0, dtype=np.int32)
    if not table.phrases or not len(full):
        return empty, empty.astype(np.int64)
    longest = max(len(rest) for entries in table.phrases.values() for _, rest, _ in entries)
    padded = np.concatenate([full, np.full(longest, _END, dtype=full.dtype)])
    starts = np.zeros(len(table.terms.strings), dtype=bool)
    starts[list(table.phrases)] = True
    candidates = np.flatnonzero(starts[full])
    first = full[candidates]
    found: list[tuple[np.ndarray, int, int, int]] = []  # positions, rank, canonical, length
    for word in np.unique(first).tolist():
        at = candidates[first == word]
        for rank, rest, name in table.phrases[word]:
            match = at
            for offset, term in enumerate(rest, 1):
                match = match[padded[match + offset] == term]
            if len(match):
                found.append((match, rank, name, len(rest) + 1))
    if not found:
        return empty, empty.astype(np.int64)
    positions = np.concatenate([m for m, _, _, _ in found])
    ranks, names, sizes = (np.concatenate([np.full(len(m), f[i]) for m, *f in found])
                           for i in range(3))
    # One match per (canonical term, position): the first in the phrase order.
    order = np.lexsort((ranks, positions, names))
    positions, ranks, names, sizes = (a[order] for a in (positions, ranks, names, sizes))
    head = np.ones(len(order), dtype=bool)
    head[1:] = (names[1:] != names[:-1]) | (positions[1:] != positions[:-1])
    positions, ranks, names, sizes = (a[head] for a in (positions, ranks, names, sizes))
    keep = _uncovered(positions, names, sizes)
    positions, ranks, names = positions[keep], ranks[keep], names[keep]
    order = np.lexsort((ranks, positions))
    return names[order].astype(np.int32), docs[positions[order]]


def _uncovered(positions: np.ndarray, names: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Which matches (sorted by canonical term, then position) no earlier kept match of the
    same term covers. Overlaps are rare: only terms that have one are walked in Python."""
    keep = np.ones(len(positions), dtype=bool)
    same = names[1:] == names[:-1]
    overlap = same & (positions[1:] < positions[:-1] + sizes[:-1])
    for name in np.unique(names[1:][overlap]).tolist():
        end = -1
        for i in np.flatnonzero(names == name).tolist():
            keep[i] = positions[i] >= end
            if keep[i]:
                end = int(positions[i] + sizes[i])
    return keep
