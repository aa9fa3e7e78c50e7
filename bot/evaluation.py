"""Retrieval evaluation: nDCG@k and MRR of our index against a plain BM25 baseline.

The baseline is what one gets in five minutes: rank-bm25 over the raw scraped lines (teasers
included), tokens from ``lower().split()``. Both run in the same process over the same
queries, so the report is a ratio measured in one run, not a number from another machine.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rank_bm25 import BM25Okapi

from bot.corpus import Corpus, load_yaml
from bot.errors import KnowledgeError
from bot.knowledge import KnowledgeBase

#: A ranking function: query → passage ids, best first (``None`` for text that is not a
#: passage of the corpus, such as a teaser line the baseline indexed).
Ranker = Callable[[str, int], list[str | None]]


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain with exponential gain: sum of (2^g - 1) / log2(rank + 1)."""
    return sum((2 ** g - 1) / math.log2(rank + 2) for rank, g in enumerate(gains))


def ndcg_at_k(ranking: Sequence[str | None], relevant: Mapping[str, int], k: int) -> float:
    """nDCG@k of one ranking against graded judgements (unjudged = 0).

    Raises
    ------
    ValueError
        When ``k`` is below 1 or nothing is relevant (the ideal DCG would be 0).
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    if ideal <= 0:
        raise ValueError("nDCG is undefined without a relevant passage")
    return dcg([relevant.get(p, 0) if p else 0 for p in ranking[:k]]) / ideal


def reciprocal_rank(ranking: Sequence[str | None], relevant: Mapping[str, int]) -> float:
    """1 / rank of the first relevant passage, 0 if none is ranked."""
    for rank, passage in enumerate(ranking, start=1):
        if passage and relevant.get(passage, 0) > 0:
            return 1.0 / rank
    return 0.0


@dataclass(frozen=True)
class Judged:
    """A query with its graded relevant passages."""

    query: str
    relevant: dict[str, int]


@dataclass(frozen=True)
class SystemScore:
    """Mean metrics of one system over the query set."""

    name: str
    ndcg5: float
    mrr: float
    foreign: int  # results that are not passages of the corpus (teasers, bylines)


@dataclass(frozen=True)
class EvalReport:
    """Our index against the baseline, over the same queries, in one run."""

    queries: int
    ours: SystemScore
    baseline: SystemScore

    @property
    def ndcg_ratio(self) -> float:
        """Our nDCG@5 as a multiple of the baseline's."""
        return self.ours.ndcg5 / self.baseline.ndcg5 if self.baseline.ndcg5 else math.inf


def load_judgements(path: Path, corpus: Corpus) -> list[Judged]:
    """Read a query file (``queries: [{query, relevant: {passage: grade}}]``).

    Raises
    ------
    KnowledgeError
        For a malformed file or a passage id that is not in the corpus.
    """
    data = load_yaml(path)
    judged = []
    for item in (data or {}).get("queries", []):
        for passage in item["relevant"]:
            try:
                corpus.passage(passage)
            except KeyError:
                raise KnowledgeError(path, f"unknown passage {passage!r} for query "
                                           f"{item['query']!r}", getattr(item, "line", None)
                                     ) from None
        judged.append(Judged(item["query"], dict(item["relevant"])))
    return judged


def our_ranker(kb: KnowledgeBase) -> Ranker:
    """Rank with the knowledge base's analyzer and index."""
    return lambda query, k: [hit.passage.id for hit in kb.index.search(query, k)]


def baseline_ranker(raw_files: Sequence[Path], corpus: Corpus, *, k1: float = 1.2,
                    b: float = 0.75) -> Ranker:
    """Plain rank-bm25 over the raw lines of the scraped files, ``lower().split()`` tokens.

    A raw line is mapped back to the passage with the same text, or ``None`` (a teaser or
    byline: text the ingest step removed).
    """
    by_text = {p.text: p.id for p in corpus.passages()}
    lines = [line.strip() for path in raw_files
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    bm25 = BM25Okapi([line.lower().split() for line in lines], k1=k1, b=b)

    def rank(query: str, k: int) -> list[str | None]:
        scores = bm25.get_scores(query.lower().split())
        order = sorted(range(len(lines)), key=lambda i: -scores[i])
        return [by_text.get(lines[i]) for i in order[:k] if scores[i] > 0]

    return rank


def score(name: str, ranker: Ranker, judged: Sequence[Judged], k: int = 5) -> SystemScore:
    """Mean nDCG@k and MRR (over the top 10) of ``ranker`` on the judged queries."""
    ndcgs, rrs, foreign = [], [], 0
    for item in judged:
        ranking = ranker(item.query, 10)
        foreign += sum(1 for p in ranking[:k] if p is None)
        ndcgs.append(ndcg_at_k(ranking, item.relevant, k))
        rrs.append(reciprocal_rank(ranking, item.relevant))
    return SystemScore(name, sum(ndcgs) / len(ndcgs), sum(rrs) / len(rrs), foreign)


def evaluate(kb: KnowledgeBase, judged: Sequence[Judged], raw_files: Sequence[Path]
             ) -> EvalReport:
    """Score our index and the baseline on the same queries."""
    baseline = baseline_ranker(raw_files, kb.corpus)
    return EvalReport(len(judged), score("briefbot", our_ranker(kb), judged),
                      score("baseline (raw lines, lower().split())", baseline, judged))
