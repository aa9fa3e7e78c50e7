"""End to end: `!reload` and SIGHUP on the real bot process, against the fake Discord."""

from __future__ import annotations

import asyncio
import shutil
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.corpus import BUNDLED_KNOWLEDGE
from tests.conftest import REPO, article
from tests.fakediscord import FakeDiscord, shown_text
from tests.test_e2e_discord import BotProcess, ask, bot_env, new_user, running_bot

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(heartbeat_interval=1.0) as server:
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reload") / "knowledge"
    shutil.copytree(BUNDLED_KNOWLEDGE, root)
    return root


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(fake: FakeDiscord, knowledge: Path) -> AsyncIterator[BotProcess]:
    workdir = knowledge.parent
    env = {**bot_env(fake, workdir, fake.token), "BRIEFBOT_KNOWLEDGE": str(knowledge),
           "BRIEFBOT_COOLDOWN_USES": "50"}
    async with running_bot(fake, [sys.executable, "-m", "bot", "run"], workdir, env,
                           cwd=REPO) as running:
        yield running


async def test_reload_is_owner_only(fake: FakeDiscord, bot: BotProcess) -> None:
    refused = await ask(fake, "!reload", await new_user(fake))
    assert refused["content"].startswith("⛔ Only the bot's owner"), refused["content"]


async def test_reload_serves_a_new_article_or_keeps_the_old_index_with_the_problems(
        fake: FakeDiscord, bot: BotProcess, knowledge: Path) -> None:
    user = await new_user(fake)
    before = shown_text(await ask(fake, "!source harbour-drill", user))
    assert "No source `harbour-drill`" in before
    (knowledge / "articles" / "harbour-drill.md").write_text(article(
        "harbour-drill", "Officials said the harbour drill tested port defences at Keelung.",
        title="Harbour drill"), encoding="utf-8")
    done = (await ask(fake, "!reload", fake.owner))["content"]
    assert done.startswith("✅ Reloaded") and "1 article added: `harbour-drill`" in done, done
    assert "Keelung" in shown_text(await ask(fake, "!source harbour-drill", user))

    (knowledge / "articles" / "zz-broken.md").write_text("---\ntitle: no id\n---\nBody.\n",
                                                         encoding="utf-8")
    refused = (await ask(fake, "!reload", fake.owner))["content"]
    assert refused.startswith("⚠️ Reload refused: 1 problem"), refused
    assert "articles/zz-broken.md:2:" in refused and "Still serving" in refused
    assert "Keelung" in shown_text(await ask(fake, "!source harbour-drill", user))
    (knowledge / "articles" / "zz-broken.md").unlink()


async def test_sighup_reloads(fake: FakeDiscord, bot: BotProcess, knowledge: Path) -> None:
    (knowledge / "articles" / "night-shift.md").write_text(article(
        "night-shift", "The night shift watched the strait from Yonaguni."), encoding="utf-8")
    reloads = bot.logs().count("knowledge reloaded:")
    bot.proc.send_signal(signal.SIGHUP)
    for _ in range(100):
        if bot.logs().count("knowledge reloaded:") > reloads:
            break
        await asyncio.sleep(0.1)
    lines = [line for line in bot.logs().splitlines() if "knowledge reloaded:" in line]
    assert len(lines) == reloads + 1 and "1 added" in lines[-1], bot.logs()[-3000:]
    reply = await ask(fake, "!source night-shift", await new_user(fake))
    assert "Yonaguni" in shown_text(reply)
