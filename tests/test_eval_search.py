"""Measured retrieval quality: our analyzer + BM25 against the plain baseline, in one run.

Run ``briefbot eval`` for the same figures as a table.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bot.evaluation import evaluate, load_judgements, ndcg_at_k, reciprocal_rank

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "eval" / "search_queries.yaml"
RAW = sorted((HERE / "data" / "seed-articles").glob("*.txt"))


def test_ndcg_matches_a_hand_computed_value():
    relevant = {"a": 2, "b": 1}
    # DCG = (2^2-1)/log2(3) + (2^1-1)/log2(4) for ranking [x, a, b]; ideal = 3/1 + 1/log2(3)
    expected = (3 / math.log2(3) + 1 / 2) / (3 + 1 / math.log2(3))
    assert ndcg_at_k(["x", "a", "b"], relevant, 5) == pytest.approx(expected)
    assert ndcg_at_k(["a", "b"], relevant, 5) == pytest.approx(1.0)
    assert ndcg_at_k([None, "x"], relevant, 5) == 0.0
    with pytest.raises(ValueError):
        ndcg_at_k(["a"], {}, 5)


def test_reciprocal_rank_is_one_over_the_first_relevant_rank():
    assert reciprocal_rank(["x", None, "b"], {"b": 1}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x"], {"b": 1}) == 0.0


def test_the_query_set_is_big_enough_and_cites_real_passages(kb):
    judged = load_judgements(QUERIES, kb.corpus)
    assert len(judged) >= 25
    assert all(item.relevant for item in judged)


def test_analyzer_beats_the_plain_baseline_clearly(kb):
    report = evaluate(kb, load_judgements(QUERIES, kb.corpus), RAW)
    print(f"\nnDCG@5 {report.ours.ndcg5:.3f} vs baseline {report.baseline.ndcg5:.3f} "
          f"(x{report.ndcg_ratio:.2f}); MRR {report.ours.mrr:.3f} vs {report.baseline.mrr:.3f}; "
          f"teaser/byline results {report.ours.foreign} vs {report.baseline.foreign}")
    assert report.ours.ndcg5 >= 0.75
    assert report.ours.ndcg5 >= 1.15 * report.baseline.ndcg5
    assert report.ours.mrr > report.baseline.mrr
    # Nothing we return is teaser or byline text; the baseline does return some.
    assert report.ours.foreign == 0
    assert report.baseline.foreign > 0


TEASER_PHRASES = ("Barbie Hsu", "USAID", "Livestock Feed", "Kinmen", "Israel", "PLARF",
                  "islands of stability", "cognitive decline")


@pytest.mark.parametrize("query", [*TEASER_PHRASES, "flu pneumonia actress", "instant noodles",
                                   "Trump administration", "Rocket Force targets"])
def test_no_teaser_text_is_ever_returned(kb, query):
    for hit in kb.index.search(query, 25):
        assert not any(phrase in hit.passage.text for phrase in TEASER_PHRASES)
