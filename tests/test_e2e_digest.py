"""One digest delivered end to end: the unmodified bot process (``python -m bot run``) against
the fake Discord server, then restarted on the same data directory without posting again."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import re
import signal
import sys
from collections.abc import AsyncIterator, Awaitable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_settings
from bot.digest import DigestStore, idempotency_key
from bot.digest.compose import find_marker
from bot.digest.overview import declared_schedules
from tests.conftest import REPO
from tests.fakediscord import FakeDiscord

T = TypeVar("T")
ZONE = ZoneInfo("Asia/Taipei")
CATCH_UP_LINE = "digest catch-up:"


class BotProcess:
    """``python -m bot run`` as a child process, its log collected line by line."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.lines: list[str] = []
        self.proc: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    async def start(self) -> BotProcess:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=REPO, env=self.env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        self._reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        async for raw in self.proc.stderr:
            self.lines.append(raw.decode(errors="replace").rstrip())
            self._changed.set()
        self._changed.set()

    async def wait_for_log(self, text: str, timeout: float = 15.0) -> str:
        """The first log line containing ``text``; fails with the log if the bot exits first."""
        async def find() -> str:
            while True:
                for line in self.lines:
                    if text in line:
                        return line
                assert self.proc is not None
                if self.proc.returncode is not None or (self._reader and self._reader.done()):
                    pytest.fail(f"the bot exited before logging {text!r}:\n{self.log}")
                self._changed.clear()
                await self._changed.wait()

        try:
            return await asyncio.wait_for(find(), timeout)
        except TimeoutError:
            pytest.fail(f"no {text!r} in the bot's log within {timeout}s:\n{self.log}")

    async def alive_while(self, awaitable: Awaitable[T]) -> T:
        """Await ``awaitable``; fail at once with the log if the bot exits meanwhile."""
        assert self.proc is not None
        waiting = asyncio.ensure_future(awaitable)
        exited = asyncio.ensure_future(self.proc.wait())
        await asyncio.wait({waiting, exited}, return_when=asyncio.FIRST_COMPLETED)
        if not waiting.done():
            waiting.cancel()
            pytest.fail(f"the bot exited with {self.proc.returncode}:\n{self.log}")
        exited.cancel()
        return waiting.result()

    @property
    def log(self) -> str:
        return "\n".join(self.lines[-40:])

    async def stop(self) -> int | None:
        """SIGTERM (the bot closes cleanly), then SIGKILL if it hangs."""
        if self.proc is None or self.proc.returncode is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        if self._reader is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._reader, 5)
        return self.proc.returncode


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(heartbeat_interval=1.0) as server:
        yield server


@pytest.fixture
async def processes() -> AsyncIterator[list[BotProcess]]:
    started: list[BotProcess] = []
    yield started
    for process in started:  # teardown even when the test failed half way
        await process.stop()


async def test_a_due_digest_is_posted_once_across_a_restart(fake, processes, tmp_path: Path):
    now = datetime.now(UTC)
    slot = (now - timedelta(minutes=1)).replace(second=0, microsecond=0)
    local = slot.astimezone(ZONE)
    config = tmp_path / "briefbot.yaml"
    config.write_text(
        "digest_grace_minutes: 60\n"
        "digests:\n"
        f"  - channel: {fake.channel_id}\n"
        f"    guild: {fake.guild_id}\n"
        f"    time: '{local:%H:%M}'\n"
        "    days: daily\n"
        "    timezone: Asia/Taipei\n"
        "    topics: [senkaku, cyber]\n", encoding="utf-8")
    data = tmp_path / "data"
    env = {**os.environ, "BRIEFBOT_CONFIG": str(config), "BRIEFBOT_DATA_DIR": str(data),
           "BRIEFBOT_CACHE_DIR": str(tmp_path / "cache"), "DISCORD_TOKEN": fake.token,
           "DISCORD_API_BASE": fake.api_base, "DISCORD_GATEWAY_URL": fake.gateway_url,
           "BRIEFBOT_LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
    # The schedule was declared yesterday and the bot was down at today's slot (a slot before a
    # schedule existed is never due): the start-up catch-up must post it, within the grace.
    settings = load_settings(config, environ={}, dotenv=False)
    with DigestStore(data) as store:
        store.sync_declared([dataclasses.replace(s, created_at=slot - timedelta(days=1))
                             for s in declared_schedules(settings)])
        [schedule] = store.list_schedules()
    key = idempotency_key(schedule.id, slot)

    first = await BotProcess(env).start()
    processes.append(first)
    message = await first.alive_while(fake.wait_for_message(fake.channel_id, timeout=20))
    content = message["content"]
    assert content.startswith("🗞️ **Digest: senkaku**"), content
    assert re.search(r"`[a-z0-9-]+#p\d+`", content)  # cited
    assert "Nothing new since the last digest." in content  # the channel's first digest
    assert find_marker(content) == key and len(content) <= 2000
    post = fake.requests_to("POST", f"/channels/{fake.channel_id}/messages")
    assert len(post) == 1
    assert post[0].json["nonce"] == key and post[0].json["enforce_nonce"] is True
    assert post[0].json["allowed_mentions"] == {"parse": []}
    await first.wait_for_log(CATCH_UP_LINE)
    assert await first.stop() == 0, first.log

    second = await BotProcess(env).start()
    processes.append(second)
    line = await second.wait_for_log(CATCH_UP_LINE)
    assert "0 posted" in line, second.log
    await asyncio.sleep(1.0)  # anything the restart might still send would arrive by now
    assert len(fake.requests_to("POST", f"/channels/{fake.channel_id}/messages")) == 1
    assert [m["content"] for m in fake.bot_messages(fake.channel_id)] == [content]
    with DigestStore(data) as store:
        [delivery] = store.deliveries(schedule.id)
    assert (delivery.status, delivery.message_id) == ("done", int(message["id"]))

    # The same running bot manages schedules: refused without Manage Server (the central error
    # handler words the standard check failure), accepted for a moderator, then listed.
    random = fake.channels[1]
    await fake.send_message(f"!digest subscribe <#{random.id}> 09:00 mon-fri Asia/Taipei "
                            "proposals", channel_id=random.id, author=fake.user)
    refusal = await fake.wait_for_message(random.id, timeout=10)
    assert refusal["content"].startswith("⛔"), refusal["content"]
    complete = await fake.send_autocomplete("digest subscribe", {"timezone": "taip"},
                                            channel_id=random.id, user=fake.moderator)
    choices = (await fake.wait_for_interaction_response(complete))["data"]["choices"]
    assert [c["value"] for c in choices] == ["Asia/Taipei"]
    record = await fake.send_slash(
        "digest subscribe", {"channel": random, "time": "09:00", "days": "mon-fri",
                             "timezone": "Asia/Taipei", "topics": "proposals,obstacles"},
        channel_id=random.id, user=fake.moderator)
    reply = (await fake.wait_for_interaction_response(record))["data"]["content"]
    assert f"Digest **#2** scheduled: <#{random.id}>, 09:00 mon-fri (Asia/Taipei)" in reply
    record = await fake.send_slash("digest list", channel_id=random.id, user=fake.moderator)
    listing = (await fake.wait_for_interaction_response(record))["data"]
    assert listing["flags"] & 64  # ephemeral
    assert f"**#1** · <#{fake.channel_id}> · {local:%H:%M} daily (Asia/Taipei)" in listing[
        "content"]
    assert f"last: {slot:%Y-%m-%d %H:%M} UTC" in listing["content"]
    assert f"**#2** · <#{random.id}> · 09:00 mon-fri (Asia/Taipei)" in listing["content"]
