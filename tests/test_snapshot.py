"""The snapshot: a warm start re-parses and re-analyses nothing; any change rebuilds."""

from __future__ import annotations

import dataclasses
import io
import os
import pickle
import subprocess
import sys

import pytest

from bot import commands
from bot import corpus as corpus_module
from bot.answers.results import to_json
from bot.config import load_settings
from bot.corpus import BUNDLED_KNOWLEDGE
from bot.index import build as build_module
from bot.knowledge import ARTIFACTS, KnowledgeBase
from bot.people.directory import PeopleDirectory
from bot.progress import reporter
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


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_cold_start_shows_each_step_and_each_artifact_being_built(settings):
    tty = Terminal()
    KnowledgeBase.open(settings, progress=reporter("indexing", stream=tty))
    drawn = tty.getvalue()
    steps = ["reading articles", "indexing", "saving the index",
             *(f"building {name}" for name in ARTIFACTS)]
    assert all(step in drawn for step in steps), drawn
    assert sorted(steps, key=drawn.index) == steps  # in the order they are done
    tty.truncate(0)
    KnowledgeBase.open(settings, progress=reporter("indexing", stream=tty))
    assert tty.getvalue() == ""  # a warm start builds nothing


@pytest.fixture
def bundled_settings(tmp_path):
    """The bundled corpus with an empty cache of its own."""
    base = load_settings(environ={}, dotenv=False)
    return dataclasses.replace(base, knowledge_dir=BUNDLED_KNOWLEDGE, cache_dir=tmp_path / "cache")


WARM_COLD_COMMANDS = [
    ("search", {"query": "senkaku"}),
    ("search", {"query": "how far is Taiwan from Japan", "limit": 10}),
    ("search", {"query": "senkaku islnds"}),  # "did you mean"
    ("brief", {"topic": "proposals"}),
    ("brief", {"topic": "coast guard cooperation"}),
    ("who", {"name": "Kishi"}),
    ("topics", {}),
    ("sources", {}),
]


def test_a_warm_start_answers_exactly_as_a_cold_one(bundled_settings):
    cold = KnowledgeBase.open(bundled_settings)
    warm = KnowledgeBase.open(bundled_settings)
    assert not cold.index.loaded_from_cache and warm.index.loaded_from_cache
    doc = next(iter(cold.corpus.documents))
    calls = [*WARM_COLD_COMMANDS, ("source", {"id": doc}), ("source", {"id": f"{doc}#p2"}),
             ("source", {"id": f"{doc}#byline"})]
    for name, kwargs in calls:
        assert (to_json(commands.run(warm, name, **kwargs).result)
                == to_json(commands.run(cold, name, **kwargs).result)), (name, kwargs)


def test_passages_read_from_a_snapshot_are_the_files_paragraphs_verbatim(make_knowledge,
                                                                          tmp_path):
    texts = ["Tokyo’s “quiet” line — 日本と台湾 — held. Ça va: naïve café, 110km.",
             "A second paragraph\nwritten over two lines.", "Third: émigré 🌊 waters."]
    root = make_knowledge({"u.md": article("u", *texts, title="Ünïcode",
                                           byline="By Łukasz Ōta")})
    settings = dataclasses.replace(load_settings(environ={}, dotenv=False), knowledge_dir=root,
                                   cache_dir=tmp_path / "cache")
    parsed = KnowledgeBase.open(settings).corpus
    warm = KnowledgeBase.open(settings)
    assert warm.index.loaded_from_cache
    doc = warm.corpus.documents["u"]
    assert [p.text for p in doc.passages] == [t.replace("\n", " ") for t in texts]
    assert doc == parsed.documents["u"]
    assert [p.line for p in doc.passages] == [p.line for p in parsed.documents["u"].passages]
    assert warm.corpus.passage("u#p3") == parsed.passage("u#p3")
    assert warm.corpus.passage("u#byline").text == "By Łukasz Ōta"
    assert list(warm.index.passages) == list(parsed.passages())
    hit = warm.index.search("café")[0]
    assert hit.passage.text == texts[0] and hit.passage.id == "u#p1"


def test_a_corpus_read_from_a_snapshot_pickles_as_plain_data(settings):
    KnowledgeBase.open(settings)
    warm = KnowledgeBase.open(settings)
    copy = pickle.loads(pickle.dumps(warm.corpus))
    assert type(copy.documents) is dict and type(copy.documents["a"].passages) is tuple
    assert copy.documents == warm.corpus.documents
    assert pickle.loads(pickle.dumps(warm.index.passages)) == list(warm.index.passages)


@pytest.mark.parametrize("damage", ["truncate texts", "truncate postings", "empty index",
                                    "drop texts"])
def test_a_truncated_or_incomplete_snapshot_is_rebuilt(settings, damage):
    KnowledgeBase.open(settings)
    (snapshot,) = settings.cache_dir.glob("snapshot-*")
    if damage == "truncate texts":
        data = (snapshot / "texts.bin").read_bytes()
        (snapshot / "texts.bin").write_bytes(data[:len(data) // 2])
    elif damage == "truncate postings":
        with open(snapshot / "postings.bin", "r+b") as handle:
            handle.truncate(16)
    elif damage == "empty index":
        (snapshot / "index.pickle").write_bytes(b"")
    else:
        (snapshot / "texts.bin").unlink()
    kb = KnowledgeBase.open(settings)
    assert not kb.index.loaded_from_cache
    assert kb.index.search("vaccines")[0].passage.text == "Vaccines arrived in Taipei."
    assert KnowledgeBase.open(settings).index.loaded_from_cache


def test_a_new_or_removed_article_rebuilds(settings):
    KnowledgeBase.open(settings)
    (settings.knowledge_dir / "articles" / "c.md").write_text(article("c", "Okinawa radar."))
    added = KnowledgeBase.open(settings)
    assert not added.index.loaded_from_cache and "c" in added.corpus.documents
    (settings.knowledge_dir / "articles" / "c.md").unlink()
    removed = KnowledgeBase.open(settings)
    assert "c" not in removed.corpus.documents and not removed.index.search("radar")


def test_a_warm_search_process_loads_only_what_search_needs(tmp_path):
    """A warm ``briefbot search`` on the bundled corpus unpickles no passage and imports
    neither numpy, discord.py, nor the brief and people modules (each costs a start)."""
    probe = ("import pickle, sys\n"
             "from bot.cli import main\n"
             "loads = []\n"
             "real = pickle.load\n"
             "pickle.load = lambda f, **k: loads.append(f.name) or real(f, **k)\n"
             "code = main(['search', 'senkaku'])\n"
             "heavy = ['numpy', 'discord', 'bot.answers.brief', 'bot.people', 'rapidfuzz']\n"
             "print(code, [m for m in heavy if m in sys.modules],\n"
             "      sorted(n.rsplit('/', 1)[-1] for n in loads), file=sys.stderr)\n")
    env = {**os.environ, "BRIEFBOT_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):  # the first run builds the snapshot
        run = subprocess.run([sys.executable, "-c", probe], env=env, cwd=tmp_path,
                             capture_output=True, text=True, check=True)
    assert "senkaku" in run.stdout.lower()
    assert run.stderr.strip() == "0 [] ['corpus.pickle', 'index.pickle']"


def test_a_rebuilt_snapshot_replaces_the_one_it_supersedes(settings):
    KnowledgeBase.open(settings)
    leftover = settings.cache_dir / ".snapshot-crashed"
    leftover.mkdir()
    os.utime(leftover, (0, 0))  # left by a save that crashed long ago
    (settings.knowledge_dir / "articles" / "b.md").write_text(article("b", "Radar in Okinawa."))
    KnowledgeBase.open(settings)
    assert len(list(settings.cache_dir.iterdir())) == 1  # one snapshot, the current one
    KnowledgeBase.open(dataclasses.replace(settings, bm25_k1=2.0))
    assert len(list(settings.cache_dir.iterdir())) == 2  # other settings: a snapshot each
    assert KnowledgeBase.open(settings).index.loaded_from_cache


def test_code_changed_once_the_code_on_disk_is_not_what_was_stamped(tmp_path, monkeypatch):
    """What ``briefbot bench`` checks before timing fresh processes: a commit landing in the
    checkout mid-run would make them rebuild every artifact."""
    from bot import snapshot

    assert not snapshot.code_changed()
    added = tmp_path / "added.py"
    added.write_text("", encoding="utf-8")
    listed = snapshot._code_files
    monkeypatch.setattr(snapshot, "_code_files", lambda names: [*listed(names), added])
    assert snapshot.code_changed()


def test_an_upgrade_that_keeps_the_index_replaces_the_old_codes_artifacts(settings,
                                                                           monkeypatch):
    """New code over an unchanged index keeps the snapshot but rebuilds its artifacts: the
    old code's copies (as large as the corpus's people and topics) are removed, not left to
    pile up with every upgrade."""
    from bot import snapshot

    KnowledgeBase.open(settings).artifact("people")
    folder = next(settings.cache_dir.iterdir())
    old = sorted(p.name for p in folder.glob("artifact-people-*"))
    assert len(old) == 1
    monkeypatch.setattr(snapshot, "code_stamp", lambda: "0123456789abcdef")
    kb = KnowledgeBase.open(settings)
    assert kb.index.loaded_from_cache  # the index is the same: only the artifacts rebuild
    assert kb.artifact("people").find("Fumio Kishi")
    assert [p.name for p in folder.glob("artifact-people-*")] == \
        ["artifact-people-v1-0123456789abcdef.pickle"]
    assert not (folder / old[0]).exists()
