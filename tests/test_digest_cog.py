"""The Discord side of digests with fake channels and contexts (no network, no real sleeps):
DiscordPoster's nonce, marker, error mapping and history scan; the scheduler's lifecycle; the
``/digest`` commands and their checks; autocomplete."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp
import discord
import pytest
from discord.ext import commands

from bot.cogs.digest import Digests, timezone_choices, topic_choices
from bot.cogs.digest_poster import DiscordPoster
from bot.config import Settings, load_settings
from bot.digest import DeliveryError, DigestStore, idempotency_key
from bot.digest.compose import DIGEST_LIMIT, find_marker
from bot.digest.overview import declared_schedules
from bot.errors import ConfigError, UsageError
from bot.reload import KnowledgeHolder
from bot.render import Renderer

BOT_ID, GUILD_ID, CHANNEL_ID, OTHER_CHANNEL = 900, 10, 111, 112
KEY = idempotency_key(3, datetime(2024, 6, 3, 1, 0, tzinfo=UTC))


# ------------------------------------------------------------------ fakes


@dataclass
class FakeMessage:
    id: int
    content: str
    author: Any


class FakeChannel(discord.abc.Messageable):
    """Enough of a text channel: send (with an optional failure), history, permissions."""

    def __init__(self, channel_id: int = CHANNEL_ID, guild: Any = None) -> None:
        self.id, self.guild = channel_id, guild
        self.mention = f"<#{channel_id}>"
        self.sent: list[dict[str, Any]] = []
        self.messages: list[FakeMessage] = []  # oldest first
        self.fail_with: BaseException | None = None
        self.history_limits: list[int | None] = []
        self.can_post = True
        self.posted = asyncio.Event()

    async def _get_channel(self) -> Any:  # pragma: no cover - send is overridden
        return self

    async def send(self, content: str | None = None, **kwargs: Any) -> FakeMessage:  # type: ignore[override]
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append({"content": content, **kwargs})
        message = FakeMessage(5000 + len(self.messages), content or "", SimpleNamespace(id=BOT_ID))
        self.messages.append(message)
        self.posted.set()
        return message

    async def history(self, *, limit: int | None = 100, **_: Any  # type: ignore[override]
                      ) -> AsyncIterator[FakeMessage]:
        self.history_limits.append(limit)
        for message in list(reversed(self.messages))[:limit]:
            yield message

    def permissions_for(self, member: Any) -> discord.Permissions:
        return discord.Permissions(send_messages=self.can_post, read_message_history=True)


@dataclass
class FakeClient:
    """What DiscordPoster and the cog use of a bot."""

    channels: dict[int, FakeChannel] = field(default_factory=dict)
    user: Any = field(default_factory=lambda: SimpleNamespace(id=BOT_ID))
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    partial: list[int] = field(default_factory=list)

    def get_channel(self, channel_id: int) -> FakeChannel | None:
        return self.channels.get(channel_id)

    def get_partial_messageable(self, channel_id: int) -> FakeChannel:
        self.partial.append(channel_id)
        return self.channels.setdefault(channel_id, FakeChannel(channel_id))

    async def wait_until_ready(self) -> None:
        await self.ready.wait()

    async def can_run(self, ctx: Any, *, call_once: bool = False) -> bool:
        return True  # no global checks


def http_error(status: int, cls: type[discord.HTTPException] = discord.HTTPException
               ) -> discord.HTTPException:
    return cls(SimpleNamespace(status=status, reason="Reason"), {"message": "nope", "code": 1})


# ------------------------------------------------------------------ DiscordPoster


async def test_post_sends_the_key_as_nonce_and_marker_and_returns_the_id():
    channel = FakeChannel()
    poster = DiscordPoster(FakeClient({CHANNEL_ID: channel}))  # type: ignore[arg-type]
    message_id = await poster.post(CHANNEL_ID, "🗞️ **Digest**", KEY)
    sent = channel.sent[0]
    assert message_id == channel.messages[0].id
    assert sent["nonce"] == KEY and len(KEY) <= 25  # Discord's nonce limit
    assert sent["content"] == f"🗞️ **Digest**\n-# digest {KEY}"
    assert sent["allowed_mentions"].to_dict() == {"parse": []}
    assert await poster.find_posted(CHANNEL_ID, KEY) == message_id


async def test_an_uncached_channel_is_addressed_by_id():
    client = FakeClient()
    poster = DiscordPoster(client)  # type: ignore[arg-type]
    await poster.post(OTHER_CHANNEL, "x", KEY)
    assert client.partial == [OTHER_CHANNEL]


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (http_error(404, discord.NotFound), True),
        (http_error(403, discord.Forbidden), True),
        (http_error(400), True),  # e.g. a rejected body: sending it again cannot help
        (http_error(500, discord.DiscordServerError), False),
        (http_error(503, discord.DiscordServerError), False),
        (http_error(429), False),
        (aiohttp.ClientConnectionError("reset"), False),
        (aiohttp.ServerDisconnectedError(), False),
        (TimeoutError(), False),
        (ConnectionResetError("peer"), False),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else str(v),
)
async def test_discord_failures_map_to_delivery_errors(error, permanent):
    channel = FakeChannel()
    channel.fail_with = error
    poster = DiscordPoster(FakeClient({CHANNEL_ID: channel}))  # type: ignore[arg-type]
    with pytest.raises(DeliveryError) as info:
        await poster.post(CHANNEL_ID, "x", KEY)
    assert info.value.permanent is permanent
    assert info.value.__cause__ is error


async def test_a_send_that_hangs_times_out_as_transient():
    channel = FakeChannel()
    never = asyncio.Event()

    async def hang(*args: Any, **kwargs: Any) -> None:
        await never.wait()

    channel.send = hang  # type: ignore[method-assign]
    poster = DiscordPoster(FakeClient({CHANNEL_ID: channel}), timeout=0.01)  # type: ignore[arg-type]
    with pytest.raises(DeliveryError) as info:
        await poster.post(CHANNEL_ID, "x", KEY)
    assert not info.value.permanent


async def test_find_posted_matches_only_the_bots_own_marker():
    channel = FakeChannel()
    someone = SimpleNamespace(id=1)
    channel.messages = [
        FakeMessage(1, f"digest\n-# digest {KEY}", SimpleNamespace(id=BOT_ID)),
        FakeMessage(2, f"copied\n-# digest {KEY}", someone),  # a user pasting it is no post
        FakeMessage(3, "-# digest dg3-2406040100", SimpleNamespace(id=BOT_ID)),  # next slot
        FakeMessage(4, f"quoting -# digest {KEY} inline", SimpleNamespace(id=BOT_ID)),
    ]
    poster = DiscordPoster(FakeClient({CHANNEL_ID: channel}))  # type: ignore[arg-type]
    assert await poster.find_posted(CHANNEL_ID, KEY) == 1
    assert await poster.find_posted(CHANNEL_ID, "dg9-2406030100") is None
    assert channel.history_limits == [50, 50]


async def test_find_posted_maps_errors_too():
    channel = FakeChannel()

    async def forbidden(**_: Any) -> AsyncIterator[FakeMessage]:
        raise http_error(403, discord.Forbidden)
        yield  # pragma: no cover

    channel.history = forbidden  # type: ignore[method-assign]
    poster = DiscordPoster(FakeClient({CHANNEL_ID: channel}))  # type: ignore[arg-type]
    with pytest.raises(DeliveryError) as info:
        await poster.find_posted(CHANNEL_ID, KEY)
    assert info.value.permanent


# ------------------------------------------------------------------ the cog


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    base = load_settings(environ={}, dotenv=False)
    return dataclasses.replace(base, data_dir=tmp_path / "data", cache_dir=tmp_path / "cache")


@pytest.fixture
def world(kb, settings) -> Iterator[SimpleNamespace]:
    guild = SimpleNamespace(id=GUILD_ID, me=SimpleNamespace(id=BOT_ID))
    channels = {CHANNEL_ID: FakeChannel(CHANNEL_ID, guild),
                OTHER_CHANNEL: FakeChannel(OTHER_CHANNEL, guild)}
    guild.channels = list(channels.values())
    client = FakeClient(channels)
    cog = Digests(client, settings, KnowledgeHolder(kb), Renderer(),  # type: ignore[arg-type]
                  store=DigestStore(settings.data_dir))
    yield SimpleNamespace(cog=cog, client=client, guild=guild, channels=channels)
    cog.store.close()


class Ctx:
    """A command context: who, where, and what the command sent."""

    def __init__(self, world: SimpleNamespace, *, manager: bool = True, in_guild: bool = True,
                 channel_id: int = CHANNEL_ID) -> None:
        self.bot = world.client
        self.guild = world.guild if in_guild else None
        self.channel = world.channels[channel_id]
        self.author = SimpleNamespace(
            id=7, guild_permissions=discord.Permissions(manage_guild=manager))
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.deferred = False
        self.command: Any = None
        self.interaction = None

    async def send(self, content: str, **kwargs: Any) -> None:
        self.sent.append((content, kwargs))

    async def defer(self, **_: Any) -> None:
        self.deferred = True

    @property
    def reply(self) -> str:
        return "\n".join(content for content, _ in self.sent)


async def subscribe(world: SimpleNamespace, ctx: Ctx, *args: str, topics: str = "proposals",
                    channel_id: int = CHANNEL_ID) -> None:
    cog = world.cog
    await cog.subscribe.callback(cog, ctx, world.channels[channel_id], *args, topics=topics)


async def test_subscribe_saves_a_schedule_and_says_when_it_runs(world):
    ctx = Ctx(world)
    await subscribe(world, ctx, "09:00", "mon-fri", "asia/taipei", topics="proposals, obstacles")
    [schedule] = world.cog.store.list_schedules(GUILD_ID)
    assert (schedule.channel_id, schedule.tz, schedule.topics) == (
        CHANNEL_ID, "Asia/Taipei", ["proposals", "obstacles"])
    assert schedule.describe() == "09:00 mon-fri (Asia/Taipei)"
    assert "Digest **#1** scheduled: <#111>, 09:00 mon-fri (Asia/Taipei)" in ctx.reply
    assert "Next: " in ctx.reply and "Asia/Taipei = " in ctx.reply and ":R>)" in ctx.reply
    assert world.cog._wake.is_set()  # the scheduler re-plans at once


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("25:00", "daily", "UTC"), "time: '25:00' is not a time of day"),
        (("9", "daily", "UTC"), "time:"),
        (("09:00", "funday", "UTC"), "days: unknown day 'funday'"),
        (("09:00", "daily", "Asia/Taipe"), "did you mean 'Asia/Taipei'"),
        (("09:00", "daily", "Mars/Olympus"), "tz: unknown time zone"),
    ],
)
async def test_subscribe_validates_time_days_and_zone(world, args, problem):
    ctx = Ctx(world)
    with pytest.raises(UsageError, match=re.escape(problem)):
        await subscribe(world, ctx, *args)
    assert world.cog.store.list_schedules() == [] and ctx.sent == []


async def test_subscribe_refuses_a_channel_the_bot_cannot_post_in(world):
    world.channels[OTHER_CHANNEL].can_post = False
    with pytest.raises(UsageError, match="I cannot post digests in <#112>"):
        await subscribe(world, Ctx(world), "09:00", "daily", "UTC", channel_id=OTHER_CHANNEL)


async def test_subscribe_notes_a_topic_that_is_not_one(world):
    ctx = Ctx(world)
    await subscribe(world, ctx, "09:00", "daily", "UTC", topics="proposal")
    assert "`proposal` is not a topic (did you mean `proposals`?)" in ctx.reply


@pytest.mark.parametrize("name", ["subscribe", "list", "remove"])
async def test_managing_needs_manage_server_and_a_server(world, name):
    command = world.cog.digest.get_command(name)
    assert await command.can_run(Ctx(world, manager=True))
    # The standard discord.py check errors, for the central error handler to word.
    with pytest.raises(commands.MissingPermissions) as info:
        await command.can_run(Ctx(world, manager=False))
    assert info.value.missing_permissions == ["manage_guild"]
    with pytest.raises(commands.NoPrivateMessage):
        await command.can_run(Ctx(world, in_guild=False))


async def test_anyone_may_preview(world):
    assert await world.cog.digest.get_command("preview").can_run(Ctx(world, manager=False))


async def test_list_shows_last_and_next_run_and_errors(world):
    cog = world.cog
    await subscribe(world, Ctx(world), "09:00", "daily", "Asia/Taipei")
    await subscribe(world, Ctx(world), "18:30", "fri", "Europe/Berlin", channel_id=OTHER_CHANNEL)
    slot = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=2)
    claim = cog.store.claim_slot(1, slot, "t", slot, timedelta(minutes=10))
    cog.store.begin_attempt(claim, slot, timedelta(minutes=10))
    cog.store.mark_failed(claim, "posting to channel 111: 403 Missing Access", slot)
    ctx = Ctx(world)
    await cog.list_.callback(cog, ctx)
    text = ctx.reply
    assert "**2 digest schedules**" in text
    assert "**#1** · <#111> · 09:00 daily (Asia/Taipei)" in text
    assert "**#2** · <#112> · 18:30 fri (Europe/Berlin)" in text
    assert "latest slot failed" in text and "403 Missing Access" in text
    assert text.count("next: ") == 2 and " Asia/Taipei = " in text and "UTC (<t:" in text
    assert all(kwargs.get("ephemeral") for _, kwargs in ctx.sent)


async def test_list_of_a_server_without_schedules(world):
    ctx = Ctx(world)
    await world.cog.list_.callback(world.cog, ctx)
    assert "No digest schedules in this server" in ctx.reply
    assert "`!digest subscribe #channel 09:00 mon-fri Asia/Taipei proposals`" in ctx.reply


async def test_remove_a_schedule_but_not_a_declared_or_foreign_one(world):
    cog = world.cog
    await subscribe(world, Ctx(world), "09:00", "daily", "UTC")
    ctx = Ctx(world)
    await cog.remove.callback(cog, ctx, 1)
    assert "Digest #1 removed (<#111>, 09:00 daily (UTC))" in ctx.reply
    assert cog.store.list_schedules() == []
    with pytest.raises(UsageError, match="no digest schedule #1 in this server"):
        await cog.remove.callback(cog, Ctx(world), 1)
    declared = dataclasses.replace(
        cog.settings, digests=({"channel": CHANNEL_ID, "time": "08:00", "timezone": "UTC",
                                "topic": "senkaku"},))
    cog.store.sync_declared(declared_schedules(declared))
    [settings_schedule] = cog.store.list_schedules()
    with pytest.raises(UsageError, match="comes from the bot's settings file"):
        await cog.remove.callback(cog, Ctx(world), settings_schedule.id)
    foreign = cog.store.add_schedule(dataclasses.replace(settings_schedule, key=None,
                                                         guild_id=999, channel_id=555))
    with pytest.raises(UsageError, match="no digest schedule"):
        await cog.remove.callback(cog, Ctx(world), foreign.id)


async def test_preview_posts_the_digest_without_marker(world):
    cog = world.cog
    await subscribe(world, Ctx(world), "09:00", "daily", "UTC", topics="senkaku, cyber")
    ctx = Ctx(world, manager=False)
    await cog.preview.callback(cog, ctx)
    assert ctx.deferred
    [(content, _)] = ctx.sent
    assert content.startswith("🗞️ **Digest: senkaku**") and len(content) <= DIGEST_LIMIT
    assert "#p" in content and find_marker(content) is None  # a preview is not a delivery
    ctx = Ctx(world, channel_id=OTHER_CHANNEL)
    await cog.preview.callback(cog, ctx, topic="white-paper")
    assert ctx.sent[0][0].startswith("🗞️ **Digest: white-paper**")


async def test_autocomplete_zones_and_topics(world):
    assert timezone_choices("taip") == ["Asia/Taipei"]
    assert "Asia/Taipei" in timezone_choices("")
    assert len(timezone_choices("a")) == 25
    assert timezone_choices("new_y")[0] == "America/New_York"
    assert timezone_choices("new york")[0] == "America/New_York"
    assert topic_choices(["proposals", "obstacles"], "pro") == ["proposals"]
    assert topic_choices(["proposals", "obstacles"], "proposals, ob") == ["proposals, obstacles"]
    cog = world.cog
    zones = await cog._timezone_autocomplete(None, "Europe/Ber")  # type: ignore[arg-type]
    assert [c.value for c in zones] == ["Europe/Berlin"]
    days = await cog._days_autocomplete(None, "wee")  # type: ignore[arg-type]
    assert [c.value for c in days] == ["weekdays", "weekends"]
    topics = await cog._topics_autocomplete(None, "sen")  # type: ignore[arg-type]
    assert [c.value for c in topics] == ["senkaku"]


# ------------------------------------------------------------------ the scheduler's lifecycle


async def test_scheduler_starts_after_ready_posts_the_due_slot_and_stops_on_unload(kb, settings):
    now = datetime.now(UTC)
    slot = (now - timedelta(minutes=1)).replace(second=0, microsecond=0)
    declared = dataclasses.replace(settings, digests=(
        {"channel": CHANNEL_ID, "time": f"{slot:%H:%M}", "timezone": "UTC", "topic": "senkaku"},))
    # Declared yesterday (a slot before a schedule existed is never due), bot down at the slot.
    with DigestStore(declared.data_dir) as store:
        store.sync_declared([dataclasses.replace(s, created_at=slot - timedelta(days=1))
                             for s in declared_schedules(declared)])
    channel = FakeChannel()
    client = FakeClient({CHANNEL_ID: channel})
    cog = Digests(client, declared, KnowledgeHolder(kb), Renderer(),  # type: ignore[arg-type]
                  store=DigestStore(declared.data_dir))
    await cog.cog_load()
    assert cog.runner is not None and cog.task is not None and cog.lock is not None
    second = Digests(client, declared, KnowledgeHolder(kb), Renderer(),  # type: ignore[arg-type]
                  store=DigestStore(declared.data_dir))
    await second.cog_load()  # the same data directory: commands only, no scheduler
    assert second.lock is None and second.task is None
    await second.cog_unload()
    [schedule] = cog.store.list_schedules()
    await asyncio.sleep(0)
    assert channel.sent == []  # nothing before READY
    client.ready.set()
    await asyncio.wait_for(channel.posted.wait(), 10)
    sent = channel.sent[0]
    assert sent["nonce"] == idempotency_key(schedule.id, slot)
    assert find_marker(sent["content"]) == sent["nonce"]
    await cog.cog_unload()
    assert cog.task.cancelled()
    assert [d.status for d in DigestStore(declared.data_dir).deliveries(schedule.id)] == ["done"]


async def test_a_bad_settings_entry_fails_the_load_before_taking_the_lock(kb, settings):
    broken = dataclasses.replace(settings, digests=(
        {"channel": CHANNEL_ID, "time": "9:61", "timezone": "UTC", "topic": "senkaku"},))
    cog = Digests(FakeClient(), broken, KnowledgeHolder(kb), Renderer(),  # type: ignore[arg-type]
                  store=DigestStore(broken.data_dir))
    with pytest.raises(ConfigError, match=r"digests\[0\]: time:"):
        await cog.cog_load()
    assert cog.lock is None and cog.task is None
    healthy = Digests(FakeClient(), settings, KnowledgeHolder(kb), Renderer(),  # type: ignore[arg-type]
                  store=DigestStore(settings.data_dir))
    await healthy.cog_load()  # the lock is free
    assert healthy.lock is not None
    await healthy.cog_unload()
    cog.store.close()
