"""Okapi BM25 from precomputed per-term scores: rank-bm25's ``BM25Okapi``, fast.

Every (term, passage) score ``idf * tf * (k1 + 1) / (tf + k1 * norm)`` is computed once, at
build time, with rank-bm25's IDF (``log((N - df + 0.5) / (df + 0.5))``, negative values
replaced by ``epsilon`` times the average IDF) and in its exact floating-point order; a query
then only adds the stored scores of its terms, token by token as rank-bm25 does, so the
scores and therefore the rankings are the same to the last bit.

The postings are three flat arrays (``indptr`` by term, passage ``docs`` ascending within a
term, ``scores``) that the snapshot memory-maps, with, for each term held by more than
:data:`SAMPLE` passages, the :data:`SAMPLE` passages where it scores best (``best`` sliced by
``bestptr``, chosen at build time: an ``argpartition`` over a long postings list costs
milliseconds a query). A large query scores only passages that can still reach the top ``k``:

* a threshold first: the ``k``-th best full score among the passages where each query term
  scores best (a lower bound of the final ``k``-th score);
* a term without which the others' best scores together stay below it is *required*: only
  passages holding it, with a score there high enough, can place (a query of common terms
  is then an intersection, started from the list with the fewest such passages);
* otherwise MaxScore: terms whose best scores together stay below the threshold cannot place
  a passage alone, so candidates come from the other terms' lists;
* the remaining terms are looked up for the candidates one by one, weightiest first, each
  dropping those that can no longer reach the threshold; the few left are scored exactly.

Every selection is among candidates: no ``argpartition`` or ``np.unique`` over a long vector
(numpy 2.x is slow at both).

Small postings are scored in plain Python, so a small corpus never imports numpy (about a
tenth of a second at start); both paths add the same numbers in the same order.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

#: rank-bm25's ``BM25Okapi`` floor for negative IDF, as a share of the average IDF.
EPSILON = 0.25
#: At most this many postings per query are scored in plain Python rather than numpy.
PURE_PYTHON_POSTINGS = 4096
#: Passages sampled for the first top-k threshold of a large query.
SAMPLE = 256


class PostingsEngine:
    """BM25 top-k and scores over memory-mapped postings (see the module docstring).

    ``vocabulary`` maps a term to its id; ``indptr[t]:indptr[t + 1]`` is the slice of
    ``docs``/``scores`` holding term ``t``; ``maxscore[t]`` is its best score. The arrays may be
    numpy arrays or typed memoryviews of the same layout (int64, int32, float64, float64).
    """

    def __init__(self, vocabulary: dict[str, int], size: int, indptr: Any, docs: Any,
                 scores: Any, maxscore: Any, bestptr: Any = None, best: Any = None) -> None:
        if size < 1:
            raise ValueError("cannot build a BM25 index over 0 documents")
        self.vocabulary = vocabulary
        self.size = size
        self._indptr = indptr
        self._docs = docs
        self._scores = scores
        self._maxscore = maxscore
        self._bestptr = bestptr if bestptr is not None else [0] * (len(vocabulary) + 1)
        self._best = best if best is not None else []
        self._np: Any = None  # numpy views of the arrays, made on the first large query

    # -- the Engine interface

    def top_k(self, query: Sequence[str], k: int) -> list[tuple[int, float]]:
        """The ``k`` best passages as (position, score), best first, ties by position;
        passages sharing no term with the query are left out."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        ids = [self.vocabulary[t] for t in query if t in self.vocabulary]
        if not ids:
            return []
        if self._postings(set(ids)) <= PURE_PYTHON_POSTINGS:
            totals = self._python_totals(ids)
            # The k best without sorting every matching passage.
            return heapq.nsmallest(k, totals.items(), key=lambda item: (-item[1], item[0]))
        return self._numpy_top_k(ids, k)

    def scores(self, query: Sequence[str], positions: Sequence[int]) -> list[float]:
        """The scores of the passages at ``positions``, in that order (0.0 if unmatched)."""
        ids = [self.vocabulary[t] for t in query if t in self.vocabulary]
        if not ids or not positions:
            return [0.0] * len(positions)
        if self._postings(set(ids)) <= PURE_PYTHON_POSTINGS:
            totals = self._python_totals(ids)
            return [totals.get(p, 0.0) for p in positions]
        np = self._numpy()[0]
        wanted = np.asarray(positions, dtype=np.int64)
        return self._exact(ids, wanted).tolist()

    def arrays(self) -> dict[str, Any]:
        """The postings arrays by name, for saving."""
        return {"indptr": self._indptr, "docs": self._docs, "scores": self._scores,
                "maxscore": self._maxscore, "bestptr": self._bestptr, "best": self._best}

    def document_frequency(self, term: str) -> int:
        """How many passages hold ``term``."""
        t = self.vocabulary.get(term)
        return 0 if t is None else int(self._indptr[t + 1] - self._indptr[t])

    # -- plain Python, for small postings

    def _postings(self, ids: set[int]) -> int:
        return sum(int(self._indptr[t + 1] - self._indptr[t]) for t in ids)

    def _python_totals(self, ids: list[int]) -> dict[int, float]:
        """Passage -> score, summed token by token in query order like rank-bm25."""
        totals: dict[int, float] = {}
        docs, scores = self._docs, self._scores
        for t in ids:
            for j in range(int(self._indptr[t]), int(self._indptr[t + 1])):
                doc = int(docs[j])
                totals[doc] = totals.get(doc, 0.0) + scores[j]
        return totals

    # -- numpy, for large postings

    def _numpy(self) -> tuple[Any, Any, Any, Any, Any]:
        if self._np is None:
            import numpy as np  # only a large query needs it: keep it out of small starts

            self._np = (np, np.asarray(self._indptr, dtype=np.int64),
                        np.asarray(self._docs, dtype=np.int32),
                        np.asarray(self._scores, dtype=np.float64),
                        np.asarray(self._maxscore, dtype=np.float64))
        return self._np

    def _slice(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        _, indptr, docs, scores, _ = self._numpy()
        start, end = int(indptr[t]), int(indptr[t + 1])
        return docs[start:end], scores[start:end]

    def _exact(self, ids: list[int], wanted: np.ndarray) -> np.ndarray:
        """Scores of the passages ``wanted`` (ascending), added token by token in query
        order, looked up by binary search in each term's postings."""
        np = self._numpy()[0]
        total = np.zeros(len(wanted))
        for t in ids:
            docs, scores = self._slice(t)
            at = np.searchsorted(docs, wanted)
            at[at == len(docs)] = 0
            found = docs[at] == wanted if len(docs) else np.zeros(len(wanted), dtype=bool)
            total += np.where(found, scores[at] if len(docs) else 0.0, 0.0)
        return total

    def _numpy_top_k(self, ids: list[int], k: int) -> list[tuple[int, float]]:
        np, _, _, _, maxscore = self._numpy()
        counts: dict[int, int] = {}
        for t in ids:
            counts[t] = counts.get(t, 0) + 1
        # The most each term can add to a passage's score.
        bound = {t: counts[t] * max(float(maxscore[t]), 0.0) for t in counts}
        lengths = {t: len(self._slice(t)[0]) for t in counts}
        # A threshold: the k-th best full score among likely winners, the passages where
        # each of the query's terms scores best (any k passages give a lower bound of the
        # final k-th score). Above SAMPLE, k may exceed them: then nothing is pruned.
        threshold = -math.inf
        sample = _union(np, [self._sample(t) for t in counts])
        if len(sample) >= k:
            threshold = _kth_largest(np, self._exact(ids, sample), k)
        if threshold > 0 and (required := self._required(counts, bound, threshold)):
            candidates = self._intersection(required, counts, bound, threshold, k)
        else:
            candidates = self._essential_union(counts, bound, threshold, k)
        if len(candidates) * 16 < sum(lengths.values()):
            totals = self._exact(ids, candidates)
        else:
            totals = self._dense(ids, candidates)
        if len(candidates) > k:
            if threshold == -math.inf:
                threshold = _kth_largest(np, totals, k)
            keep = np.flatnonzero(totals >= threshold)
            candidates, totals = candidates[keep], totals[keep]
        order = np.lexsort((candidates, -totals))[:k]
        return list(zip(candidates[order].tolist(), totals[order].tolist(), strict=True))

    def _required(self, counts: dict[int, int], bound: dict[int, float], threshold: float
                  ) -> list[int]:
        """The terms every passage of the top k holds: those without which the others'
        best possible scores together stay below ``threshold``."""
        total = sum(bound.values())
        return [t for t in counts if (total - bound[t]) * (1 + 1e-9) < threshold]

    def _intersection(self, required: list[int], counts: dict[int, int],
                      bound: dict[int, float], threshold: float, k: int) -> np.ndarray:
        """The passages holding every ``required`` term that can still reach ``threshold``
        (ascending).

        In each required term's list only the passages where it scores high enough, with
        every other term at its best, can; the list with the fewest of them gives the
        candidates, which are looked up in the others' lists (a binary search each), dropping
        those that can no longer reach the threshold after each term.
        """
        np = self._numpy()[0]
        total = sum(bound.values())
        masks = {}
        for t in required:
            # A hair below the least score that reaches the threshold: rounding never drops
            # a passage that ties it.
            least = (threshold * (1 - 1e-9) - (total - bound[t])) / counts[t]
            masks[t] = self._slice(t)[1] >= least
        order = sorted(required, key=lambda t: (int(np.count_nonzero(masks[t])), t))
        docs, scores = self._slice(order[0])
        keep = np.flatnonzero(masks[order[0]])
        candidates, partial = docs[keep], scores[keep] * counts[order[0]]
        rest = total - bound[order[0]]  # the most the terms not yet looked up can add
        for t in order[1:]:
            docs, scores = self._slice(t)
            if not len(candidates) or not len(docs):
                return candidates[:0]
            rest -= bound[t]
            at = np.searchsorted(docs, candidates)
            at[at == len(docs)] = 0
            found = np.flatnonzero(docs[at] == candidates)
            candidates, partial = candidates[found], partial[found] + scores[at[found]] * counts[t]
            keep = np.flatnonzero((partial + rest) * (1 + 1e-9) >= threshold)
            candidates, partial = candidates[keep], partial[keep]
        return self._narrow(candidates, partial, set(counts) - set(required), counts, bound,
                            threshold, k)

    def _essential_union(self, counts: dict[int, int], bound: dict[int, float],
                         threshold: float, k: int) -> np.ndarray:
        """The passages that can reach ``threshold`` (ascending), by MaxScore: terms whose best
        possible scores together stay below it cannot place a passage alone, so candidates
        come from the other, essential, terms' lists; of those, the ones whose score there
        plus the rest at their best cannot reach it are dropped, and the rest looked up term
        by term."""
        np = self._numpy()[0]
        essential, rest = sorted(counts, key=lambda t: (bound[t], t)), 0.0
        if threshold > 0:
            for i, t in enumerate(essential):
                if (rest + bound[t]) * (1 + 1e-9) >= threshold:
                    essential = essential[i:]
                    break
                rest += bound[t]
        slices = [self._slice(t) for t in essential]
        if len(slices) == 1:
            candidates, partial = slices[0][0], slices[0][1] * counts[essential[0]]
        elif sum(len(d) for d, _ in slices) * 64 > self.size:
            # A large union: scattering into one array is linear, sorting the lists is not.
            total = np.zeros(self.size)
            held = np.zeros(self.size, dtype=bool)
            for t, (docs, scores) in zip(essential, slices, strict=True):
                total[docs] += scores * counts[t]
                held[docs] = True
            candidates = np.flatnonzero(held).astype(np.int32)
            partial = total[candidates]
        else:
            docs = np.concatenate([d for d, _ in slices])
            scores = np.concatenate([s * counts[t]
                                     for t, (_, s) in zip(essential, slices, strict=True)])
            order = np.argsort(docs, kind="stable")
            docs, scores = docs[order], scores[order]
            starts = np.flatnonzero(np.concatenate(([True], docs[1:] != docs[:-1])))
            candidates, partial = docs[starts], np.add.reduceat(scores, starts)
        if threshold > 0 and len(candidates) > k:
            keep = np.flatnonzero((partial + rest) * (1 + 1e-9) >= threshold)
            candidates, partial = candidates[keep], partial[keep]
            candidates = self._narrow(candidates, partial, set(counts) - set(essential),
                                      counts, bound, threshold, k)
        return candidates

    def _narrow(self, candidates: np.ndarray, partial: np.ndarray, terms: set[int],
                counts: dict[int, int], bound: dict[int, float], threshold: float, k: int
                ) -> np.ndarray:
        """``candidates`` (with ``partial``, their scores from the other terms) less those
        that cannot reach ``threshold``: ``terms`` are looked up one by one, weightiest
        first, until at most ``k`` candidates are left."""
        np = self._numpy()[0]
        rest = sum(bound[t] for t in terms)
        for t in sorted(terms, key=lambda t: (-bound[t], t)):
            if len(candidates) <= k:
                break
            docs, scores = self._slice(t)
            rest -= bound[t]
            at = np.searchsorted(docs, candidates)
            at[at == len(docs)] = 0
            partial = partial + np.where(docs[at] == candidates, scores[at], 0.0) * counts[t]
            keep = np.flatnonzero((partial + rest) * (1 + 1e-9) >= threshold)
            candidates, partial = candidates[keep], partial[keep]
        return candidates

    def _sample(self, t: int) -> np.ndarray:
        """Passages where term ``t`` scores best, ascending: its :data:`SAMPLE` best if
        chosen at build time, else all of its postings."""
        np = self._numpy()[0]
        lo, hi = int(self._bestptr[t]), int(self._bestptr[t + 1])
        if hi > lo:
            return np.asarray(self._best[lo:hi], dtype=np.int32)
        return self._slice(t)[0]

    def _dense(self, ids: list[int], candidates: np.ndarray) -> np.ndarray:
        """Scores of ``candidates`` by scattering each token's postings into one array."""
        np = self._numpy()[0]
        total = np.zeros(self.size)
        for t in ids:
            docs, scores = self._slice(t)
            total[docs] += scores  # a term lists a passage once: no lost updates
        return total[candidates]


def _union(np: Any, arrays: list[np.ndarray]) -> np.ndarray:
    """The distinct values of ``arrays``, ascending. Sorting, not ``np.unique``: numpy 2.x
    finds unique integers by hashing, some sixty times slower on a few thousand."""
    if len(arrays) == 1:
        return arrays[0]
    values = np.sort(np.concatenate(arrays))
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def _kth_largest(np: Any, values: np.ndarray, k: int) -> float:
    """The ``k``-th largest of ``values`` (at least ``k`` of them)."""
    return float(np.partition(values, len(values) - k)[len(values) - k])


def okapi_idf(document_frequencies: Sequence[int], size: int) -> list[float]:
    """rank-bm25's ``BM25Okapi`` IDF of each term, in its floating-point order: terms in the
    order they first occur, negative IDF replaced by ``EPSILON`` times the average."""
    idf = [math.log(size - df + 0.5) - math.log(df + 0.5) for df in document_frequencies]
    total = 0.0
    for value in idf:  # a plain running sum, as rank-bm25 adds them
        total += value
    floor = EPSILON * (total / len(idf)) if idf else 0.0
    return [floor if value < 0 else value for value in idf]
