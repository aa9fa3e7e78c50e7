"""The benchmark: a reproducible synthetic corpus, agreement with rank-bm25, and a smoke run."""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

import pytest
from rank_bm25 import BM25Okapi

from bot import bench
from bot.bench.measure import TreeMemory, make_queries
from bot.bench.synthetic import write_corpus
from bot.corpus import load_corpus
from bot.index import bm25
from bot.knowledge import KnowledgeBase
from tests.test_bm25 import reference_top_k


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("synthetic") / "k", 400, seed=3)


def test_the_synthetic_corpus_is_valid_reproducible_and_shaped_like_articles(
        synthetic, tmp_path):
    corpus = load_corpus(synthetic)
    passages = list(corpus.passages())
    assert len(passages) == 400
    assert 15 <= len(passages) / len(corpus.documents) <= 25
    words = sorted(len(p.text.split()) for p in passages)
    assert 40 <= words[len(words) // 2] <= 80
    assert corpus.topics  # the bundled topics, so brief has something to brief on
    again = write_corpus(tmp_path / "again", 400, seed=3)
    assert ([p.text for p in load_corpus(again).passages()] == [p.text for p in passages])


@pytest.mark.parametrize("small", [bm25.PURE_PYTHON_POSTINGS, 0], ids=["python", "numpy"])
def test_rankings_agree_with_rank_bm25_on_a_synthetic_corpus(synthetic, monkeypatch, small):
    # numpy: every query takes the large-corpus path (MaxScore, each long term's best
    # passages chosen at build time); a synthetic corpus has terms in most passages.
    monkeypatch.setattr(bm25, "PURE_PYTHON_POSTINGS", small)
    kb = KnowledgeBase.from_corpus(load_corpus(synthetic))
    assert max(kb.index.document_frequency(t) for t in kb.index.vocabulary) > bm25.SAMPLE
    tokens = [kb.analyzer.tokens(p.text) for p in kb.index.passages]
    model = BM25Okapi(tokens, k1=1.2, b=0.75)
    queries = [kb.analyzer.tokens(q) for q in
               make_queries(list(kb.surface_words), seed=5, count=100)]
    agree = [len({i for i, _ in kb.index.engine.top_k(q, 10)}
                 & {i for i, _ in reference_top_k(model, tokens, q, 10)}) / 10
             for q in queries if len(reference_top_k(model, tokens, q, 10)) == 10]
    assert len(agree) > 50
    assert sum(agree) / len(agree) >= 0.99


def test_a_tiny_bench_run_reports_every_field_for_both_engines(tmp_path):
    runs = bench.run([40], workdir=tmp_path, queries=5)
    assert [r["engine"] for r in runs] == ["briefbot", "rank-bm25"]
    ours = runs[0]
    for field in ("passages", "build_s", "load_s", "query_p50_ms", "query_p95_ms",
                  "brief_p95_ms", "peak_rss_mb", "top10_agreement", "fresh_search_s"):
        assert ours[field] is not None, field
    assert ours["passages"] == 40
    assert ours["top10_agreement"] == 1.0
    assert "| briefbot | 40 |" in bench.table(runs)


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="Linux /proc only")
def test_peak_memory_counts_the_workers_a_build_forks():
    with TreeMemory(interval=0.02) as memory:
        pid = os.fork()
        if pid == 0:  # a worker holding 300 MB of its own for a moment
            block = b"x" * (300 << 20)
            time.sleep(0.5)
            os._exit(len(block) & 0)
        os.waitpid(pid, 0)
    alone = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Not counting the worker would give about ``alone``; counting it, some 300 MB more, less
    # what sampling a busy machine misses of the block while it is written (seen: 249 MB).
    assert memory.peak_mb >= alone + 200


def test_a_figure_nothing_was_timed_for_is_left_out_not_nan():
    """A small corpus may name no one to ask ``who`` about: its figures are "–" in the table
    and null in JSON, never NaN (which is no JSON)."""
    from bot.bench.measure import percentiles

    assert percentiles([]) == (None, None)
    assert percentiles([0.001, 0.002, 0.003]) == (2.0, 3.0)
    row = {"engine": "briefbot", "passages": 10, "who_p95_ms": percentiles([])[1]}
    assert "nan" not in bench.table([row])
