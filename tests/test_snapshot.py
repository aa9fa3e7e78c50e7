"""The snapshot: a warm start re-parses and re-analyses nothing; any change rebuilds."""

from __future__ import annotations

import dataclasses

import pytest

from bot import corpus as corpus_module
from bot.config import load_settings
from bot.index import build as build_module
from bot.knowledge import KnowledgeBase
from bot.people.directory import PeopleDirectory
from bot.text import Analyzer
from tests.conftest import article

ARTICLES = {
    "a.md": article("a", "The Senkaku Islands are disputed, said Fumio Kishi.",
                    "Vaccines arrived in Taipei."),
    "b.md": article("b", "Coast guards could cooperate quietly.", "Nothing about islands."),
}


@pytest.fixture
def settings(make_knowledge, tmp_path):
    base = load_settings(environ={}, dotenv=False)
    return dataclasses.replace(base, knowledge_dir=make_knowledge(ARTICLES),
                               cache_dir=tmp_path / "cache")


def forbid(monkeypatch, target, name):
    def refuse(*args, **kwargs):
        raise AssertionError(f"a warm start called {name}")

    monkeypatch.setattr(target, name, refuse)


def test_a_warm_start_parses_analyses_and_discovers_nothing(settings, monkeypatch):
    cold = KnowledgeBase.open(settings)
    assert not cold.index.loaded_from_cache
    expected = [(h.passage, h.score) for h in cold.index.search("senkaku islands")]
    people = [p.name for p in cold.people]

    forbid(monkeypatch, corpus_module, "parse_article")
    forbid(monkeypatch, corpus_module, "load_yaml")
    forbid(monkeypatch, build_module, "build_postings")
    forbid(monkeypatch, PeopleDirectory, "build")
    analysed: list[str] = []
    tokens = Analyzer.tokens
    monkeypatch.setattr(Analyzer, "tokens", lambda self, text: analysed.append(text)
                        or tokens(self, text))

    warm = KnowledgeBase.open(settings)
    assert warm.index.loaded_from_cache
    assert [(h.passage, h.score) for h in warm.index.search("senkaku islands")] == expected
    assert analysed == ["senkaku islands"]  # the query, and no passage
    assert [p.name for p in warm.people] == people
    assert warm.corpus.documents == cold.corpus.documents
    assert warm.surface_words == cold.surface_words


def test_a_changed_article_or_bm25_setting_rebuilds(settings):
    KnowledgeBase.open(settings)
    (settings.knowledge_dir / "articles" / "b.md").write_text(
        article("b", "Coast guards met in Okinawa."))
    changed = KnowledgeBase.open(settings)
    assert not changed.index.loaded_from_cache
    assert changed.index.search("okinawa")[0].passage.id == "b#p1"
    assert KnowledgeBase.open(settings).index.loaded_from_cache
    other = KnowledgeBase.open(dataclasses.replace(settings, bm25_k1=2.0))
    assert not other.index.loaded_from_cache


def test_a_damaged_snapshot_is_rebuilt_not_fatal(settings):
    KnowledgeBase.open(settings)
    for path in settings.cache_dir.glob("snapshot-*/corpus.pickle"):
        path.write_bytes(b"not a pickle")
    kb = KnowledgeBase.open(settings)
    assert not kb.index.loaded_from_cache
    assert kb.index.search("vaccines")[0].passage.id == "a#p2"
    assert KnowledgeBase.open(settings).index.loaded_from_cache


def test_progress_is_reported_while_a_cold_start_analyses(settings):
    seen: list[tuple[int, int]] = []
    KnowledgeBase.open(settings, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(4, 4)]
