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


TRICKY = [
    "Japan Self-Defense Forces and the Self-Defense Forces (SDF) met; the SDF, JSDF.",
    "The Senkaku Islands, the Senkakus and 釣魚台 (Diaoyutai Islands): Senkaku",
    "Islands of the two-plus-two, the 2+2 and the Security Consultative Committee.",
    "U.S. and US-Japan-Taiwan ties: (Taiwan), TAIWAN, taiwan's “Taiwan” ‘Taiwan’",
    "970,000 troops, 1.5 billion, 110km, the 1990s, 2019-2021 and 3rd fleets.",
    "the of and not",
    "",
    "defense defence air defense air defence Defense of Japan white paper, Taipei-Tokyo",
    "Tsai Ing-wen, 蔡英文 and Xi Jinping met a coast guard and coast guards.",
    "no\u00a0break\u3000wide\tspaced\x1cwords\u2009thin 🙂 emoji 🙂",
    "a-word-far-longer-than-forty-eight-bytes-which-is-looked-up-by-its-text-alone "
    "a-word-far-longer-than-forty-eight-bytes-which-is-looked-up-by-its-text-alone! "
    "a-word-far-longer-than-forty-eight-bytes-which-is-looked-up-by-its-text-alone",
]


def _reference(texts: list[str], analyzer: Analyzer) -> tuple[list[str], dict, dict]:
    """What the index must hold, from ``Analyzer.tokens`` passage by passage: terms in order
    of first occurrence, each term's passages, and the "did you mean" words with their
    counts, most frequent first."""
    from collections import Counter

    from bot.text import fold

    vocabulary: dict[str, None] = {}
    passages: dict[str, list[int]] = {}
    raw: Counter[str] = Counter()
    for p, text in enumerate(texts):
        tokens = analyzer.tokens(text)
        vocabulary.update(dict.fromkeys(tokens))
        for term in dict.fromkeys(tokens):
            passages.setdefault(term, []).append(p)
        raw.update(text.split())
    surface: Counter[str] = Counter()
    for written, count in raw.items():
        for word in fold(written).split():
            word = word.strip(".,;:!?()[]'\"-")
            if len(word) >= 4 and word.isalpha():
                surface[word] += count
    return list(vocabulary), passages, dict(surface.most_common())


@pytest.mark.parametrize("run, table_words", [(1000, 10**6), (2, 10**6), (3, 4)],
                         ids=["one-run", "runs", "tables-renewed"])
def test_the_index_holds_exactly_the_terms_the_analyzer_gives_each_passage(
        monkeypatch, run, table_words):
    """The build counts words through its own table and matches phrases in numpy: in runs,
    and with tables renewed mid-build, it must still hold what ``tokens`` gives."""
    from rank_bm25 import BM25Okapi

    monkeypatch.setattr("bot.index.build.CHUNK_PASSAGES", run)
    monkeypatch.setattr("bot.index.analysis.TABLE_WORDS", table_words)
    analyzer = Analyzer(load_corpus().synonyms)  # the bundled synonym groups
    texts = TRICKY * 2 + [t.upper() for t in TRICKY] + ["a lone \ud800 surrogate"]
    postings = build_postings(texts, analyzer, 1.2, 0.75)
    vocabulary, passages, surface = _reference(texts, analyzer)
    assert list(postings.vocabulary) == vocabulary
    assert {"syn:senkaku", "syn:sdf", "syn:2+2", "syn:defens"} <= set(vocabulary)
    assert postings.surface_words == surface and list(postings.surface_words) == list(surface)
    model = BM25Okapi([analyzer.tokens(t) for t in texts], k1=1.2, b=0.75)
    for term, t in postings.vocabulary.items():
        held = postings.docs[postings.indptr[t]:postings.indptr[t + 1]]
        assert held.tolist() == passages[term], term
        assert postings.scores[postings.indptr[t]:postings.indptr[t + 1]].tolist() == \
            model.get_scores([term])[held].tolist(), term


def test_words_are_what_str_split_gives_and_get_the_ids_a_dictionary_gives():
    """Word ids are found in numpy from the bytes: the same words as ``split`` (every
    whitespace character), numbered in order of first occurrence, across calls that grow the
    table; text that is not UTF-8 is left to the caller."""
    import sys

    from bot.index.words import WIDE_SPACES, WordHashes, encode

    assert set(WIDE_SPACES) == {chr(c) for c in range(128, sys.maxunicode + 1)
                                if chr(c).isspace()}
    ids: dict[str, int] = {}
    hashes = WordHashes(lambda word: ids.setdefault(word, len(ids) + 1))
    texts = [" ".join(f"w{i * 7 + j}{WIDE_SPACES[j % len(WIDE_SPACES)]}x{j}" for j in range(40))
             for i in range(3000)] + TRICKY
    for start in (0, 1000, 500, 2500):  # growing, then seen before, then both
        run = texts[start:start + 1500]
        encoded = encode(run)
        assert encoded is not None
        found = hashes.ids(encoded, 0)
        expected = [i for text in run for i in [*map(ids.__getitem__, text.split()), 0]]
        assert found.tolist() == expected
    assert encode(["lone \ud800 surrogate"]) is None
