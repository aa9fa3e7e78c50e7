"""The BM25 index: ranking on a tiny corpus, and the on-disk cache."""

from __future__ import annotations

import json

import pytest

from bot.corpus import load_corpus
from bot.index import PassageIndex, RankBM25Engine
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


def test_engine_rejects_an_empty_corpus():
    with pytest.raises(ValueError, match="0 documents"):
        RankBM25Engine([], k1=1.2, b=0.75)


def test_unchanged_corpus_loads_from_cache_without_reanalysing(make_knowledge, tmp_path,
                                                               monkeypatch):
    root = make_knowledge(ARTICLES)
    cache = tmp_path / "cache"
    first = PassageIndex.load_or_build(load_corpus(root), Analyzer(), cache)
    assert not first.loaded_from_cache
    assert len(list(cache.glob("index-*.json"))) == 1

    def no_analysis(self, text):
        raise AssertionError("the cached index re-analysed a passage")

    monkeypatch.setattr(Analyzer, "tokens", no_analysis)
    second = PassageIndex.load_or_build(load_corpus(root), Analyzer(), cache)
    assert second.loaded_from_cache
    assert second.tokens == first.tokens


def test_changed_corpus_or_analyzer_rebuilds_by_itself(make_knowledge, tmp_path):
    root = make_knowledge(ARTICLES)
    cache = tmp_path / "cache"
    PassageIndex.load_or_build(load_corpus(root), Analyzer(), cache)

    (root / "articles" / "b.md").write_text(article("b", "Coast guards met in Okinawa."))
    changed = PassageIndex.load_or_build(load_corpus(root), Analyzer(), cache)
    assert not changed.loaded_from_cache
    assert changed.search("okinawa")[0].passage.id == "b#p1"

    other = PassageIndex.load_or_build(load_corpus(root), Analyzer(stem=False), cache)
    assert not other.loaded_from_cache
    bm25 = PassageIndex.load_or_build(load_corpus(root), Analyzer(), cache, k1=2.0)
    assert not bm25.loaded_from_cache


def test_a_corrupt_cache_is_rebuilt_not_fatal(make_knowledge, tmp_path):
    root = make_knowledge(ARTICLES)
    cache = tmp_path / "cache"
    PassageIndex.load_or_build(load_corpus(root), Analyzer(), cache)
    for path in cache.glob("index-*.json"):
        path.write_text("{not json", encoding="utf-8")
    index = PassageIndex.load_or_build(load_corpus(root), Analyzer(), cache)
    assert not index.loaded_from_cache
    assert index.search("vaccines")[0].passage.id == "a#p2"
    assert json.loads(next(cache.glob("index-*.json")).read_text())["ids"][0] == "a#p1"


def test_another_engine_can_replace_the_scoring_without_touching_the_rest(make_knowledge):
    class CountEngine:
        """Scores by the number of query terms a passage has: a stand-in engine."""

        def __init__(self, documents, k1, b):
            self.documents = [set(d) for d in documents]

        def top_k(self, query, k):
            scores = [(i, float(len(doc & set(query)))) for i, doc in enumerate(self.documents)]
            return sorted((s for s in scores if s[1]), key=lambda s: -s[1])[:k]

    corpus = load_corpus(make_knowledge(ARTICLES))
    passages = list(corpus.passages())
    analyzer = Analyzer()
    index = PassageIndex(passages, [analyzer.tokens(p.text) for p in passages], analyzer,
                         1.2, 0.75, engine=CountEngine)
    hits = index.search("coast guards cooperate")
    assert [(h.passage.id, h.score) for h in hits] == [("b#p1", 3.0)]


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
