"""Building the BM25 postings: analyse every passage once, count terms, precompute scores.

Analysis is the slow part. The analyzer remembers each distinct word, and a large corpus is
split over worker processes (one per core), each analysing a contiguous run of passages and
returning compact arrays; the parent only merges vocabularies and sorts.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.index.bm25 import SAMPLE, okapi_idf
from bot.parallel import map_forked
from bot.text import Analyzer, fold

log = logging.getLogger(__name__)

#: Passages per unit of work (and per progress step).
CHUNK_PASSAGES = 5_000

#: ``progress(done, total)``: called as passages are analysed.
Progress = Callable[[int, int], None]


@dataclass
class Postings:
    """The arrays of a BM25 index (see :mod:`bot.index.bm25`)."""

    vocabulary: dict[str, int]  # term -> id, in order of first occurrence
    size: int  # passages
    indptr: np.ndarray  # int64 [terms + 1]
    docs: np.ndarray  # int32 [pairs], ascending within a term
    scores: np.ndarray  # float64 [pairs]
    maxscore: np.ndarray  # float64 [terms]
    bestptr: np.ndarray  # int64 [terms + 1]: slices of ``best``
    best: np.ndarray  # int32: each long term's SAMPLE best passages, ascending
    surface_words: dict[str, int]  # folded words of 4+ letters -> count, most frequent first


@dataclass
class _Chunk:
    """One run of passages, analysed: (term, passage) pairs with their counts.

    Compact (8 bytes a pair): a million passages hold some 45 million pairs, which the merge
    holds while it builds the postings.
    """

    words: list[str]  # local term ids -> terms, in order of first occurrence
    terms: np.ndarray  # int32 local (then, once merged, global) term id of each pair
    docs: np.ndarray  # uint16 passage within the chunk; pairs in passage order
    counts: np.ndarray  # uint16 term frequency (int32 in a chunk with a longer passage)
    lengths: np.ndarray  # int64 tokens per passage
    surface: Counter[str]  # folded words of 4+ letters, with their counts (see surface_words)


def _analyse(analyzer: Analyzer, texts: Sequence[str]) -> _Chunk:
    vocabulary: dict[str, int] = {}
    ids: list[int] = []
    lengths: list[int] = []
    raw: Counter[str] = Counter()
    for text in texts:
        raw.update(text.split())
        tokens = analyzer.tokens(text)
        lengths.append(len(tokens))
        ids.extend([vocabulary.setdefault(t, len(vocabulary)) for t in tokens])
    width = max(len(vocabulary), 1)
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    pairs, counts = np.unique(doc * width + np.asarray(ids, dtype=np.int64),
                              return_counts=True)
    return _Chunk(list(vocabulary), (pairs % width).astype(np.int32),
                  (pairs // width).astype(np.uint16),
                  counts.astype(np.uint16 if counts.max(initial=0) < 1 << 16 else np.int32),
                  np.asarray(lengths, dtype=np.int64), _folded_counts(raw))


def build_postings(texts: Sequence[str], analyzer: Analyzer, k1: float, b: float,
                   progress: Progress | None = None) -> Postings:
    """Analyse ``texts`` (one per passage) and precompute rank-bm25's Okapi scores."""
    if not texts:
        raise ValueError("cannot build a BM25 index over 0 documents")
    bounds = [(i, min(i + CHUNK_PASSAGES, len(texts)))
              for i in range(0, len(texts), CHUNK_PASSAGES)]
    vocabulary: dict[str, int] = {}
    surface: Counter[str] = Counter()
    chunks: list[_Chunk] = []
    for chunk in map_forked(lambda bound: _analyse(analyzer, texts[bound[0]:bound[1]]), bounds,
                            len(texts)):
        # Global term ids (in order of first occurrence) as each chunk arrives, so that only
        # its arrays are kept: a chunk's own words, a few hundred MB over a million passages,
        # are dropped at once.
        local = np.asarray([vocabulary.setdefault(w, len(vocabulary)) for w in chunk.words],
                           dtype=np.int32)
        chunk.terms = local[chunk.terms] if len(local) else chunk.terms
        surface.update(chunk.surface)
        chunk.words, chunk.surface = [], Counter()
        chunks.append(chunk)
        if progress is not None:
            progress(bounds[len(chunks) - 1][1], len(texts))
    return _merge(chunks, vocabulary, surface, len(texts), k1, b)


def _merge(chunks: list[_Chunk], vocabulary: dict[str, int], surface: Counter[str], size: int,
           k1: float, b: float) -> Postings:
    """Pairs grouped by term (passages ascending), and their scores.

    Chunk by chunk, into arrays of the final size, so the merge holds the compact chunks and
    the postings but never a sort of all the pairs (gigabytes at a million passages).
    """
    total_length = sum(int(chunk.lengths.sum()) for chunk in chunks)
    frequencies = np.zeros(len(vocabulary), dtype=np.int64)
    for chunk in chunks:
        frequencies += np.bincount(chunk.terms, minlength=len(vocabulary))
    avgdl = total_length / size
    idf = np.asarray(okapi_idf(frequencies.tolist(), size), dtype=np.float64)
    indptr = np.zeros(len(vocabulary) + 1, dtype=np.int64)
    np.cumsum(frequencies, out=indptr[1:])
    docs = np.empty(int(indptr[-1]), dtype=np.int32)
    scores = np.empty(int(indptr[-1]), dtype=np.float64)
    cursor = indptr[:-1].copy()  # where each term's next pair goes
    offset = 0
    for chunk in chunks:  # in passage order, so each term's passages stay ascending
        order = np.argsort(chunk.terms, kind="stable")
        term = chunk.terms[order]
        doc = chunk.docs[order].astype(np.int64)
        tf = chunk.counts[order].astype(np.float64)
        # rank-bm25's expression, operation for operation, so every score is bit-identical.
        norm = (1 - b) + (b * chunk.lengths[doc]) / avgdl
        starts = np.flatnonzero(np.diff(term, prepend=-1))  # each term's first pair
        runs = np.diff(starts, append=len(term))
        at = cursor[term] + (np.arange(len(term)) - np.repeat(starts, runs))
        docs[at] = doc + offset
        scores[at] = idf[term] * (tf * (k1 + 1) / (tf + k1 * norm))
        cursor[term[starts]] += runs
        offset += len(chunk.lengths)
        chunk.terms = chunk.docs = chunk.counts = np.zeros(0, dtype=np.int32)  # memory back
    maxscore = (np.maximum.reduceat(scores, indptr[:-1]) if len(vocabulary)
                else np.zeros(0))
    return Postings(vocabulary, size, indptr, docs, scores, maxscore,
                    *best_postings(indptr, docs, scores), dict(surface.most_common()))


def best_postings(indptr: np.ndarray, docs: np.ndarray, scores: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """For each term held by more than :data:`SAMPLE` passages, the ``SAMPLE`` where it
    scores best (ascending), as ``(bestptr, best)``; other terms get an empty slice."""
    lengths = np.diff(indptr)
    long_terms = np.flatnonzero(lengths > SAMPLE)
    counts = np.zeros(len(lengths), dtype=np.int64)
    counts[long_terms] = SAMPLE
    bestptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(counts, out=bestptr[1:])
    best = np.empty(int(bestptr[-1]), dtype=np.int32)
    for i, t in enumerate(long_terms.tolist()):
        lo, hi = int(indptr[t]), int(indptr[t + 1])
        top = np.argpartition(scores[lo:hi], hi - lo - SAMPLE)[-SAMPLE:]
        best[i * SAMPLE:(i + 1) * SAMPLE] = np.sort(docs[lo:hi][top])
    return bestptr, best


def _folded_counts(raw: Counter[str]) -> Counter[str]:
    """Folded words of 4+ letters (edge punctuation stripped) with their counts, in order of
    first occurrence: "did you mean" offers them, most frequent first. Each distinct written
    word is folded once."""
    counts: Counter[str] = Counter()
    for written, count in raw.items():
        for word in fold(written).split():
            word = word.strip(".,;:!?()[]'\"-")
            if len(word) >= 4 and word.isalpha():
                counts[word] += count
    return counts
