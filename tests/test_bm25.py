"""The engine against rank-bm25, the reference it must agree with: same scores, same order."""

from __future__ import annotations

import pytest
from rank_bm25 import BM25Okapi

from bot.index import bm25


def reference_top_k(model: BM25Okapi, tokens: list[list[str]], query: list[str], k: int
                    ) -> list[tuple[int, float]]:
    """rank-bm25's ranking as the index reports it: passages sharing a query term, best
    first, ties by position."""
    scores = model.get_scores(query)
    terms = set(query)
    matching = [i for i, doc in enumerate(tokens) if terms & set(doc)]
    ranked = sorted(matching, key=lambda i: (-scores[i], i))[:k]
    return [(i, float(scores[i])) for i in ranked]


def queries_of(kb) -> list[list[str]]:
    """Topic queries, every distinct word of a sample of passages, and mixtures of them."""
    queries = [kb.analyzer.tokens(t.query) for t in kb.corpus.topics.values()]
    words = sorted({t for p in list(kb.index.passages)[::7] for t in kb.analyzer.tokens(p.text)})
    queries += [[w] for w in words]
    queries += [[words[i], words[-1 - i], words[i]] for i in range(0, len(words), 5)]
    return [q for q in queries if q]


@pytest.mark.parametrize("small", [bm25.PURE_PYTHON_POSTINGS, 0], ids=["python", "numpy"])
def test_rankings_and_scores_are_identical_to_rank_bm25_on_the_bundled_corpus(
        kb, monkeypatch, small):
    monkeypatch.setattr(bm25, "PURE_PYTHON_POSTINGS", small)
    tokens = [kb.analyzer.tokens(p.text) for p in kb.index.passages]
    model = BM25Okapi(tokens, k1=1.2, b=0.75)
    for query in queries_of(kb):
        assert kb.index.engine.top_k(query, 10) == reference_top_k(model, tokens, query, 10)
        positions = list(range(0, len(tokens), 3))
        assert kb.index.score_positions(query, positions) == [
            float(s) for s in model.get_batch_scores(query, positions)]
