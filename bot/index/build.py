"""Building the BM25 postings: analyse every passage once, count terms, precompute scores.

Analysis is the slow part: :mod:`bot.index.analysis` analyses each distinct word once and
counts terms in numpy, over runs of passages that a large corpus splits between worker
processes (one per core). The parent gives the runs' terms ids in order of first occurrence
and places their pairs into the postings.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.index.analysis import Run, WordTable, analyse_run
from bot.index.bm25 import SAMPLE, okapi_idf
from bot.parallel import map_forked
from bot.text import Analyzer

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


def build_postings(texts: Sequence[str], analyzer: Analyzer, k1: float, b: float,
                   progress: Progress | None = None) -> Postings:
    """Analyse ``texts`` (one per passage) and precompute rank-bm25's Okapi scores."""
    if not texts:
        raise ValueError("cannot build a BM25 index over 0 documents")
    bounds = [(i, min(i + CHUNK_PASSAGES, len(texts)))
              for i in range(0, len(texts), CHUNK_PASSAGES)]
    table = WordTable(analyzer)  # each worker fills its own copy
    merger = _Merger()
    for done, run in enumerate(map_forked(
            lambda bound: analyse_run(table, texts[bound[0]:bound[1]]), bounds,
            len(texts))):
        merger.add(run)
        if progress is not None:
            progress(bounds[done][1], len(texts))
    return merger.postings(len(texts), k1, b)


class _Merger:
    """Runs, as they arrive, in the ids of the whole corpus (see :mod:`bot.index.analysis`)."""

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        self.surface: dict[str, int] = {}
        self.surface_counts = np.zeros(0, dtype=np.int64)
        # (pid, generation) -> a process's term ids (then its surface ids) -> ours
        self.ids: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        self.runs: list[Run] = []

    def add(self, run: Run) -> None:
        terms, surface = self.ids.get((run.pid, run.generation),
                                      (np.zeros(0, dtype=np.int32),) * 2)
        terms = _assign(terms, run.new_terms, self.vocabulary)
        surface = _assign(surface, run.new_surface, self.surface)
        self.ids[run.pid, run.generation] = terms, surface
        if len(self.surface_counts) < len(self.surface):
            self.surface_counts = np.concatenate([
                self.surface_counts,
                np.zeros(len(self.surface) - len(self.surface_counts), dtype=np.int64)])
        self.surface_counts[surface[run.surface]] += run.surface_counts
        run.terms = terms[run.terms]
        run.surface = run.surface_counts = np.zeros(0, dtype=np.int32)
        run.new_terms, run.new_surface = [], []
        self.runs.append(run)

    def postings(self, size: int, k1: float, b: float) -> Postings:
        """Pairs grouped by term (passages ascending), and their scores.

        Run by run into arrays of the final size, each pair scored as it is placed and each
        run's memory given back, so the merge never holds a sort of all the pairs (gigabytes
        at a million passages) nor their term frequencies.
        """
        runs, vocabulary = self.runs, self.vocabulary
        lengths = np.concatenate([run.lengths for run in runs])
        frequencies = np.zeros(len(vocabulary), dtype=np.int64)
        for run in runs:
            frequencies[run.terms] += run.sizes
        avgdl = int(lengths.sum()) / size
        idf = np.asarray(okapi_idf(frequencies.tolist(), size), dtype=np.float64)
        indptr = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(frequencies, out=indptr[1:])
        docs = np.empty(int(indptr[-1]), dtype=np.int32)
        scores = np.empty(int(indptr[-1]), dtype=np.float64)
        cursor = indptr[:-1].copy()  # where each term's next pair goes
        offset = 0
        for run in runs:  # in passage order, so each term's passages stay ascending
            ends = np.cumsum(run.sizes, dtype=np.int64)
            at = np.repeat(cursor[run.terms] - (ends - run.sizes), run.sizes) + np.arange(
                int(ends[-1]) if len(ends) else 0, dtype=np.int64)
            docs[at] = run.docs.astype(np.int32) + offset
            # rank-bm25's expression, operation for operation (k1 * norm once a passage), so
            # every score is bit-identical.
            tf = run.counts.astype(np.float64)
            k1_norm = k1 * ((1 - b) + (b * run.lengths) / avgdl)
            scores[at] = np.repeat(idf[run.terms], run.sizes) * (
                tf * (k1 + 1) / (tf + k1_norm[run.docs]))
            cursor[run.terms] += run.sizes
            offset += len(run.lengths)
            run.docs = run.counts = np.zeros(0, dtype=np.uint16)  # memory back
        self.runs = []
        maxscore = (np.maximum.reduceat(scores, indptr[:-1]) if len(vocabulary)
                    else np.zeros(0))
        order = np.argsort(-self.surface_counts, kind="stable")  # Counter.most_common's
        words = list(self.surface)
        surface = {words[i]: count for i, count in zip(
            order.tolist(), self.surface_counts[order].tolist(), strict=True)}
        return Postings(vocabulary, size, indptr, docs, scores, maxscore,
                        *best_postings(indptr, docs, scores), surface)


def _assign(mapping: np.ndarray, new: list[tuple[int, str]], ids: dict[str, int]
            ) -> np.ndarray:
    """``mapping`` (a process's ids -> ours) extended with ``new`` (id, string) pairs, each
    string given the next id of ``ids`` unless it has one."""
    if not new:
        return mapping
    top = max(i for i, _ in new) + 1
    if len(mapping) < top:
        mapping = np.concatenate([mapping, np.zeros(top - len(mapping), dtype=np.int32)])
    for i, string in new:
        mapping[i] = ids.setdefault(string, len(ids))
    return mapping


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
