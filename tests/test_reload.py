"""Hot reload and the answer cache, in one bot process without a Discord connection.

The bot's own methods are driven directly (``pages`` is what every command calls); the core is
counted or paused by wrapping ``bot.commands.run``, never replaced by a canned answer.
"""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot import commands as core
from bot.answer_cache import AnswerCache, answer_key
from bot.cogs.admin import describe_change, describe_refusal
from bot.config import Settings, load_settings
from bot.corpus import BUNDLED_KNOWLEDGE
from bot.discord_bot import BriefBot, open_knowledge
from bot.errors import UsageError
from bot.reload import ReloadRefused
from tests.conftest import article

NEW_ARTICLE = article("harbour-drill", "Officials said the harbour drill tested port defences "
                      "at Keelung for the first time.", title="Harbour drill")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(BUNDLED_KNOWLEDGE, knowledge)
    base = load_settings(environ={}, dotenv=False)
    return dataclasses.replace(base, knowledge_dir=knowledge, data_dir=tmp_path / "data",
                               cache_dir=tmp_path / "cache")


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[BriefBot]:
    kb = await asyncio.to_thread(open_knowledge, settings)
    async with BriefBot(settings, kb) as running:
        await running.setup_hook()  # the cogs, as at start (no login: nothing is sent)
        yield running


class CoreCalls:
    """Wraps the core's entry point: counts calls, remembers the knowledge base of each, and
    can hold them until released (from the test's thread)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, hold: bool = False) -> None:
        self.real = core.run
        self.calls: list[tuple[Any, str, dict[str, Any]]] = []
        self.started = threading.Event()
        self.release = threading.Event()
        if not hold:
            self.release.set()
        monkeypatch.setattr(core, "run", self)

    def __call__(self, kb: Any, name: str, /, **kwargs: Any) -> Any:
        self.calls.append((kb, name, kwargs))
        self.started.set()
        assert self.release.wait(10), "the test never released the core"
        return self.real(kb, name, **kwargs)


async def test_a_good_reload_swaps_and_says_what_changed(bot, settings):
    old = bot.kb
    articles = settings.knowledge_dir / "articles"
    (articles / "harbour-drill.md").write_text(NEW_ARTICLE, encoding="utf-8")
    (articles / "short-lived.md").write_text(article("short-lived", "Gone soon."),
                                             encoding="utf-8")
    edited = sorted(articles.glob("*.md"))[1]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA closing paragraph added.\n",
                      encoding="utf-8")
    change = await bot.reload_knowledge()
    assert change.added == ["harbour-drill", "short-lived"] and change.removed == []
    assert len(change.changed) == 1 and change.documents == len(old.corpus.documents) + 2
    assert bot.kb is not old and "harbour-drill" in bot.kb.corpus.documents
    reply = describe_change(change)
    assert "2 articles added: `harbour-drill`, `short-lived`" in reply
    assert "1 article changed" in reply and "removed" not in reply
    (articles / "short-lived.md").unlink()
    change = await bot.reload_knowledge()
    assert (change.added, change.removed, change.changed) == ([], ["short-lived"], [])
    # The running cogs see the new corpus: autocomplete offers the new article.
    briefing = bot.get_cog("Briefing")
    assert any(value == "harbour-drill" for value, _ in briefing.choices["documents"])
    pages = await bot.pages("source", id="harbour-drill")
    assert "Keelung" in pages[0]


async def test_an_unchanged_reload_says_so(bot):
    change = await bot.reload_knowledge()
    assert not change.any and "No article changed." in describe_change(change)


async def test_a_failing_reload_keeps_the_old_index_and_lists_every_problem(bot, settings):
    old = bot.kb
    articles = settings.knowledge_dir / "articles"
    (articles / "zz-one.md").write_text("---\ntitle: no id\n---\nBody.\n", encoding="utf-8")
    (articles / "zz-two.md").write_text("---\nid: Bad Id\n---\nBody.\n", encoding="utf-8")
    with pytest.raises(ReloadRefused) as refused:
        await bot.reload_knowledge()
    assert bot.kb is old
    problems = refused.value.problems
    assert any(p.startswith("articles/zz-one.md:2: ") for p in problems), problems
    assert any(p.startswith("articles/zz-two.md:2: ") for p in problems), problems
    reply = describe_refusal(refused.value, "!")
    assert "Still serving the previous knowledge base" in reply and "articles/zz-one.md:2" in reply
    assert len(reply) <= 2000
    assert (await bot.pages("search", query="senkaku"))  # still answering


async def test_a_command_in_flight_finishes_on_the_knowledge_base_it_started_with(
        bot, settings, monkeypatch):
    old = bot.kb
    core_calls = CoreCalls(monkeypatch, hold=True)
    asked = asyncio.create_task(bot.pages("sources"))
    assert await asyncio.to_thread(core_calls.started.wait, 10)
    (settings.knowledge_dir / "articles" / "harbour-drill.md").write_text(
        NEW_ARTICLE, encoding="utf-8")
    await bot.reload_knowledge()  # while the command is still computing
    core_calls.release.set()
    answer = "\n".join(await asked)
    assert core_calls.calls[0][0] is old and "Harbour drill" not in answer
    after = "\n".join(await bot.pages("sources"))
    assert core_calls.calls[-1][0] is bot.kb and "Harbour drill" in after


async def test_a_burst_of_the_same_question_costs_one_computation(bot, monkeypatch):
    core_calls = CoreCalls(monkeypatch, hold=True)
    burst = [asyncio.create_task(bot.pages("brief", topic=topic, limit=None))
             for topic in ["proposals", " proposals", "proposals  "] * 10]
    assert await asyncio.to_thread(core_calls.started.wait, 10)
    await asyncio.sleep(0.05)  # the whole burst is waiting on the one computation
    core_calls.release.set()
    answers = await asyncio.gather(*burst)
    assert len(core_calls.calls) == 1 and all(a == answers[0] for a in answers)
    await bot.pages("brief", topic="proposals", limit=None)  # later: from the cache
    assert len(core_calls.calls) == 1
    await bot.pages("brief", topic="proposals", limit=3)  # another question
    assert len(core_calls.calls) == 2
    await bot.reload_knowledge()  # a reload invalidates every cached answer
    await bot.pages("brief", topic="proposals", limit=None)
    assert len(core_calls.calls) == 3


async def test_errors_are_not_cached_and_reach_every_waiter(bot, monkeypatch):
    core_calls = CoreCalls(monkeypatch)
    for _ in range(2):
        with pytest.raises(UsageError):
            await asyncio.gather(bot.pages("search", query="x" * 1001),
                                 bot.pages("search", query="x" * 1001))
    assert len(core_calls.calls) == 2


async def test_the_cache_is_a_bounded_lru_and_a_cancelled_waiter_does_not_cancel_the_rest():
    cache: AnswerCache[int] = AnswerCache(size=2)
    computed: list[str] = []

    async def compute(name: str) -> int:
        computed.append(name)
        await asyncio.sleep(0)
        return len(computed)

    for name in ("a", "b", "a", "c", "b"):
        await cache.get(answer_key(1, name, {}), lambda name=name: compute(name))
    assert computed == ["a", "b", "c", "b"]  # "b" was the least recently used when "c" came
    gate = asyncio.Event()

    async def slow() -> int:
        await gate.wait()
        return 7

    first = asyncio.create_task(cache.get(answer_key(1, "slow", {}), slow))
    second = asyncio.create_task(cache.get(answer_key(1, "slow", {}), slow))
    await asyncio.sleep(0)
    first.cancel()
    gate.set()
    assert await second == 7 and first.cancelled()
    assert answer_key(1, "x", {"q": ["unhashable"]}) is None
    assert answer_key(1, "x", {"q": " a  b "}) == answer_key(1, "x", {"q": "a b"})
    assert answer_key(1, "x", {"q": "A b"}) != answer_key(1, "x", {"q": "a b"})
    assert answer_key(2, "x", {}) != answer_key(1, "x", {})
