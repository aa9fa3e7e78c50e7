"""The BM25 index: ranking on a tiny corpus, score_positions, and the engine's interface."""

from __future__ import annotations

import pytest

from bot.corpus import load_corpus
from bot.index import PassageIndex
from bot.index.bm25 import PostingsEngine
from bot.index.build import build_postings
from bot.text import Analyzer
from tests.conftest import article

ARTICLES = {
    "a.md": article("a", "The Senkaku Islands are disputed.", "Vaccines arrived in Taipei."),
    "b.md": article("b", "Coast guards could cooperate quietly.", "Nothing about islands."),
}


def test_top_k_ranks_matching_passages_and_leaves_out_the_rest(make_knowledge):
    corpus = load_corpus(make_knowledge(ARTICLES))
    index = PassageIndex.build(corpus, Analyzer())
    assert [h.passage.id for h in index.search("senkaku islands")] == ["a#p1", "b#p2"]
    assert index.search("kimchi") == []
    with pytest.raises(ValueError, match="limit must be at least 1, got 0"):
        index.search("senkaku", 0)


def test_the_engine_rejects_an_empty_corpus():
    with pytest.raises(ValueError, match="0 documents"):
        build_postings([], Analyzer(), 1.2, 0.75)
    with pytest.raises(ValueError, match="0 documents"):
        PostingsEngine({}, 0, [0], [], [], [])


def test_score_positions_matches_search_scores_in_the_order_given(make_knowledge):
    corpus = load_corpus(make_knowledge(ARTICLES))
    index = PassageIndex.build(corpus, Analyzer())
    tokens = Analyzer().tokens("senkaku islands")
    hits = index.search_tokens(tokens, 5)
    positions = [h.position for h in hits]
    assert index.score_positions(tokens, positions[::-1]) == [h.score for h in hits][::-1]
    assert index.score_positions(tokens, [1]) == [0.0]  # "Vaccines arrived": no shared term
    assert index.score_positions(tokens, []) == []
    with pytest.raises(IndexError, match="no passage at position 9"):
        index.score_positions(tokens, [9])


def test_term_statistics_and_did_you_mean_words_come_with_the_index(make_knowledge):
    corpus = load_corpus(make_knowledge(ARTICLES))
    index = PassageIndex.build(corpus, Analyzer())
    assert index.document_frequency("island") == 2
    assert index.document_frequency("kimchi") == 0
    assert "senkaku" in index.vocabulary
    assert index.surface_words["islands"] == 2
    assert next(iter(index.surface_words)) == "islands"  # most frequent first


def test_another_engine_can_replace_the_scoring_without_touching_the_rest(make_knowledge):
    class CountEngine:
        """Scores by the number of query terms a passage has: a stand-in engine."""

        def __init__(self, documents):
            self.documents = [set(d) for d in documents]
            self.vocabulary = {t: i for i, t in enumerate(set().union(*self.documents))}

        def top_k(self, query, k):
            scores = [(i, float(len(doc & set(query)))) for i, doc in enumerate(self.documents)]
            return sorted((s for s in scores if s[1]), key=lambda s: -s[1])[:k]

    corpus = load_corpus(make_knowledge(ARTICLES))
    passages = list(corpus.passages())
    analyzer = Analyzer()
    engine = CountEngine([analyzer.tokens(p.text) for p in passages])
    index = PassageIndex(passages, engine, analyzer)
    hits = index.search("coast guards cooperate")
    assert [(h.passage.id, h.score) for h in hits] == [("b#p1", 3.0)]


def test_pruned_top_k_is_every_passage_scored_for_common_rare_and_repeated_terms(
        tmp_path, monkeypatch):
    # Queries of common terms only (an intersection), common with rare ones (MaxScore), a
    # repeated term, and k from 1 to beyond the build-time sample: the top k of the pruned
    # search is the top k of every passage scored, ties by position.
    import numpy as np

    from bot.bench.synthetic import write_corpus
    from bot.index import bm25

    monkeypatch.setattr(bm25, "PURE_PYTHON_POSTINGS", 0)
    corpus = load_corpus(write_corpus(tmp_path / "k", 600, seed=7))
    index = PassageIndex.build(corpus, Analyzer(corpus.synonyms))
    engine = index.engine
    arrays = {name: np.asarray(a) for name, a in engine.arrays().items()}
    by_df = sorted(index.vocabulary, key=lambda t: (-index.document_frequency(t), t))
    common, middling, rare = by_df[:6], by_df[40:46], by_df[-6:]
    queries = [[common[0]], [common[0], common[0]], common[:3], [common[1], common[4]],
               [common[2], middling[0], rare[0]], [rare[1], common[0], common[3]],
               middling[:3], [middling[4], rare[2], rare[3]]]

    def exhaustive(query: list[str], k: int) -> list[tuple[int, float]]:
        total, held = np.zeros(len(index.passages)), np.zeros(len(index.passages), bool)
        for term in query:
            t = engine.vocabulary[term]
            lo, hi = arrays["indptr"][t], arrays["indptr"][t + 1]
            total[arrays["docs"][lo:hi]] += arrays["scores"][lo:hi]
            held[arrays["docs"][lo:hi]] = True
        matching = np.flatnonzero(held)
        order = np.lexsort((matching, -total[matching]))[:k]
        return list(zip(matching[order].tolist(), total[matching][order].tolist(), strict=True))

    assert index.document_frequency(common[0]) > bm25.SAMPLE
    for query in queries:
        for k in (1, 10, 25, bm25.SAMPLE + 20):
            assert engine.top_k(query, k) == exhaustive(query, k), (query, k)
