"""A cold build on both cores gives what one process gives.

The index's analysis and the people scan are split over forked workers on a large corpus;
here the threshold is lowered so a small synthetic corpus takes the same path.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from bot import parallel
from bot.bench.synthetic import write_corpus
from bot.corpus import Corpus, load_corpus
from bot.index.build import build_postings
from bot.people import PeopleDirectory, discover
from bot.text import Analyzer

#: The synthetic text draws its capitalised words from the bundled articles, whose people it
#: then names everywhere; its random bylines credit no one, so the people are listed.
PEOPLE = ["Nobuo Kishi", "Shinzo Abe", "Taro Aso", "Yoshihide Suga", "Lloyd Austin",
          "Tsai Ing-wen", "Lai Ching-te", "Lii Wen", "Xi Jinping", "Yao Chung-yuan",
          "Huynh Tam Sang", "Yu-Shih Liao"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = write_corpus(tmp_path_factory.mktemp("synthetic") / "k", 1500, seed=2)
    (root / "people.yaml").write_text(
        "people:\n" + "".join(f"  - name: {name}\n" for name in PEOPLE), encoding="utf-8")
    return load_corpus(root)


def _forked(monkeypatch: pytest.MonkeyPatch, forked: bool) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_PASSAGES", 0 if forked else 10**9)


def test_map_forked_keeps_the_order_of_the_items_and_runs_in_workers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    if not parallel.can_fork() or parallel.workers() < 2:
        pytest.skip("needs fork and two cores")
    _forked(monkeypatch, True)
    results = list(parallel.map_forked(lambda n: (n * n, os.getpid()), list(range(20)), 1))
    assert [square for square, _ in results] == [n * n for n in range(20)]
    assert os.getpid() not in {pid for _, pid in results}


def test_a_small_build_stays_in_this_process() -> None:
    pids = set(parallel.map_forked(lambda _: os.getpid(), [1, 2, 3], 100))
    assert pids == {os.getpid()}


def test_the_people_scan_in_two_halves_finds_what_one_scan_finds(
        corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    _forked(monkeypatch, False)
    one = PeopleDirectory.build(corpus)
    _forked(monkeypatch, True)
    two = PeopleDirectory.build(corpus)
    assert len(one) > 10
    assert one == two
    assert [p.roles for p in one] == [p.roles for p in two]  # roles in the same order
    assert list(one.entities) == list(two.entities)


def test_discovery_in_two_halves_finds_the_same_people_in_the_same_order(
        corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    _forked(monkeypatch, False)
    one = discover(corpus)
    _forked(monkeypatch, True)
    assert discover(corpus) == one


def test_postings_analysed_by_workers_are_the_same_arrays(
        corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [p.text for p in corpus.passages()]
    monkeypatch.setattr("bot.index.build.CHUNK_PASSAGES", 400)  # several chunks to merge
    _forked(monkeypatch, False)
    one = build_postings(texts, Analyzer(corpus.synonyms), 1.2, 0.75)
    _forked(monkeypatch, True)
    two = build_postings(texts, Analyzer(corpus.synonyms), 1.2, 0.75)
    assert list(one.vocabulary) == list(two.vocabulary)
    for name in ("indptr", "docs", "scores", "maxscore", "bestptr", "best"):
        assert np.array_equal(getattr(one, name), getattr(two, name)), name
