"""Scheduled digests on Discord: the scheduler loop and the ``/digest`` commands.

The delivery logic (claims, retries, catch-up, exactly once) lives in
:class:`bot.digest.DigestRunner`, and :class:`~bot.cogs.digest_poster.DiscordPoster` sends
what it composes; this module is the cog. :class:`Digests` gets the store the entry point
opened (``briefbot run`` refuses to start on a database that is not a valid store), syncs the
settings file's schedules into it, takes the data directory's process lock (without it,
commands work but nothing is scheduled), and runs the runner in a task started in
``cog_load``, after ``wait_until_ready``, cancelled in ``cog_unload``. Without a store
(``briefbot sync`` only publishes the commands) it neither opens the database nor takes the
lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zoneinfo
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.suggest import close_matches
from bot.cogs.digest_poster import DiscordPoster
from bot.config import Settings
from bot.digest import (
    DigestRunner,
    DigestStore,
    ProcessLock,
    Schedule,
    acquire_lock,
    next_run,
    parse_subscribe,
)
from bot.digest.compose import compose
from bot.digest.overview import declared_schedules, guild_list, is_declared
from bot.errors import BriefbotError, UsageError
from bot.knowledge import KnowledgeBase
from bot.reload import KnowledgeHolder
from bot.render import Renderer

logger = logging.getLogger(__name__)

#: The most runtime schedules one server may have (a typo loop must not flood channels).
MAX_SCHEDULES_PER_GUILD = 25
#: Autocomplete answers at most this many choices (Discord's limit).
MAX_CHOICES = 25
#: What the ``days`` option suggests (any form :func:`~bot.digest.parse_days` reads is accepted).
DAY_PRESETS = ("daily", "weekdays", "weekends", "mon-fri", "mon,wed,fri", "tue,thu", "mon",
               "fri", "sat,sun")


@lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def timezone_choices(current: str) -> list[str]:
    """Up to 25 IANA zone names containing what was typed, the ones starting with it first."""
    typed = current.strip().lower().replace(" ", "_")
    if not typed:
        return ["UTC", "Asia/Taipei", "Asia/Tokyo", "Europe/London", "Europe/Berlin",
                "America/New_York", "America/Los_Angeles"]
    starts = [z for z in _zones() if z.lower().startswith(typed)
              or z.lower().split("/")[-1].startswith(typed)]
    contains = [z for z in _zones() if typed in z.lower() and z not in starts]
    return (starts + contains)[:MAX_CHOICES]


def topic_choices(topics: list[str], current: str) -> list[str]:
    """Complete the topic being typed after the last comma, keeping the ones before it."""
    done, _, typing = current.rpartition(",")
    head = [t.strip() for t in done.split(",") if t.strip()]
    word = typing.strip().lower()
    matches = [t for t in topics if t.lower().startswith(word) and t not in head]
    matches += [t for t in topics if word in t.lower() and t not in matches and t not in head]
    return [", ".join([*head, t]) for t in matches][:MAX_CHOICES]


def _stamp(moment: datetime, tz: str) -> str:
    local = moment.astimezone(zoneinfo.ZoneInfo(tz))
    return (f"{local:%a %Y-%m-%d %H:%M} {tz} = {moment:%H:%M} UTC "
            f"(<t:{int(moment.timestamp())}:R>)")


class Digests(commands.Cog):
    """Scheduled digests: a cited brief and what is new, posted to a channel on a schedule."""

    def __init__(self, bot: commands.Bot, settings: Settings, knowledge: KnowledgeHolder,
                 renderer: Renderer, *, store: DigestStore | None) -> None:
        self.bot, self.settings, self.knowledge, self.renderer = bot, settings, knowledge, renderer
        self.prefix = settings.command_prefix
        self._store = store
        self.lock: ProcessLock | None = None
        self.runner: DigestRunner | None = None
        self.task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base served now (a digest composes from the one current when it
        starts)."""
        return self.knowledge.current

    @property
    def store(self) -> DigestStore:
        """The digest store; a process without one (``briefbot sync``) answers no commands."""
        if self._store is None:
            raise BriefbotError("Digests are not available in this process.")
        return self._store

    # ------------------------------------------------------------------ lifecycle

    async def cog_load(self) -> None:
        """Take the scheduler lock, sync the declared schedules and start the loop."""
        if self._store is None:
            return  # commands registered only (for syncing them), no state touched
        # A bad entry in the settings file fails the load (logged with file and key) before
        # anything is held.
        declared = declared_schedules(self.settings)
        self.lock = acquire_lock(self.settings.data_dir)
        if self.lock is None:
            return  # acquire_lock logged why; /digest commands still work
        # Only the scheduling process syncs: its settings file is the one that runs.
        try:
            synced = self.store.sync_declared(declared)
        except Exception:
            self.lock.release()
            self.lock = None
            raise
        logger.info("digest schedules from the settings file: %d added, %d updated, "
                    "%d removed, %d unchanged", len(synced.added), len(synced.updated),
                    len(synced.removed), len(synced.unchanged))
        self.runner = DigestRunner(
            self.store, DiscordPoster(self.bot), self.compose_digest, lambda: datetime.now(UTC),
            self._sleep, grace=timedelta(minutes=self.settings.digest_grace_minutes),
            current_doc_ids=lambda: list(self.kb.corpus.documents), lock_held=True)
        self.task = asyncio.create_task(self._run(), name="digest-scheduler")

    async def cog_unload(self) -> None:
        """Stop the loop, release the lock and close the store."""
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        if self.lock is not None:
            self.lock.release()
        if self._store is not None:
            self._store.close()

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        assert self.runner is not None
        try:
            await self.runner.run_forever()  # catch_up() first, then every due slot
        except Exception:  # run_forever survives failed passes; this is a bug: say so loudly
            logger.exception("the digest scheduler stopped; digests will not be posted")

    async def _sleep(self, seconds: float) -> None:
        # A subscribe/remove wakes the loop so a new schedule's first slot is not slept over.
        # (A retry backoff cut short by it only means an earlier retry.)
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    async def compose_digest(self, schedule: Schedule | None, topic: str,
                             new_doc_ids: list[str]) -> str:
        """The digest content, composed off the event loop (ranking takes a moment)."""
        return await asyncio.to_thread(compose, self.kb, schedule, topic, new_doc_ids,
                                       self.renderer, self.prefix)

    # ------------------------------------------------------------------ commands

    @commands.hybrid_group(name="digest", invoke_without_command=True)
    async def digest(self, ctx: commands.Context[Any]) -> None:
        """Scheduled digests: a cited brief plus what is new, posted to a channel."""
        p = self.prefix
        await ctx.send(f"`{p}digest preview [topic]` shows a digest now. Members with Manage "
                       f"Server: `{p}digest subscribe #channel 09:00 mon-fri Asia/Taipei "
                       f"proposals,obstacles`, `{p}digest list`, `{p}digest remove ID`.")

    @digest.command(name="subscribe")
    @commands.guild_only()
    @commands.has_guild_permissions(manage_guild=True)
    @app_commands.describe(
        channel="Where to post", time="Local time of day, e.g. 09:00",
        days="daily, weekdays, mon-fri, mon,wed,fri …", timezone="IANA zone, e.g. Asia/Taipei",
        topics="One topic, or several separated by commas (one per digest, in turn)")
    async def subscribe(self, ctx: commands.Context[Any], channel: discord.TextChannel,
                        time: str, days: str, timezone: str, *, topics: str) -> None:
        """Post a digest to a channel at a local time on some days (Manage Server)."""
        assert ctx.guild is not None
        if channel.guild.id != ctx.guild.id:
            raise UsageError("Pick a channel of this server.")
        needed = channel.permissions_for(ctx.guild.me)
        if not (needed.send_messages and needed.read_message_history):
            raise UsageError(f"I cannot post digests in {channel.mention}: I need Send Messages "
                             "and Read Message History there.")
        if len(self.store.list_schedules(ctx.guild.id)) >= MAX_SCHEDULES_PER_GUILD:
            raise UsageError(f"This server already has {MAX_SCHEDULES_PER_GUILD} digest "
                             f"schedules; remove one first (`{self.prefix}digest list`).")
        now = datetime.now(UTC)
        schedule = parse_subscribe(channel_id=channel.id, guild_id=ctx.guild.id, time=time,
                                   days=days, tz=timezone, topics=topics,
                                   created_by=f"{ctx.author} ({ctx.author.id})", now=now)
        schedule = self.store.add_schedule(schedule)
        self._wake.set()
        lines = [f"✅ Digest **#{schedule.id}** scheduled: {channel.mention}, "
                 f"{schedule.describe()}, topics: {', '.join(schedule.topics)}.",
                 f"Next: {_stamp(next_run(schedule, now), schedule.tz)}."]
        unknown = [t for t in schedule.topics if t not in self.kb.corpus.topics]
        for topic in unknown:
            hint = close_matches(topic, list(self.kb.corpus.topics), limit=1, cutoff=60)
            lines.append(f"Note: `{topic.replace('`', '')}` is not a topic"
                         + (f" (did you mean `{hint[0]}`?)" if hint else "")
                         + "; the digest will brief on those words.")
        if self.runner is None:
            lines.append("⚠️ The scheduler is not running in this bot process (another "
                         "process holds the data directory); the schedule is saved.")
        await ctx.send("\n".join(lines))

    @subscribe.autocomplete("timezone")
    async def _timezone_autocomplete(self, interaction: discord.Interaction, current: str
                                     ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in timezone_choices(current)]

    @subscribe.autocomplete("days")
    async def _days_autocomplete(self, interaction: discord.Interaction, current: str
                                 ) -> list[app_commands.Choice[str]]:
        typed = current.strip().lower()
        return [app_commands.Choice(name=d, value=d) for d in DAY_PRESETS if typed in d]

    @subscribe.autocomplete("topics")
    async def _topics_autocomplete(self, interaction: discord.Interaction, current: str
                                   ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=c[:100], value=c[:100])
                for c in topic_choices(list(self.kb.corpus.topics), current)]

    @digest.command(name="list")
    @commands.guild_only()
    @commands.has_guild_permissions(manage_guild=True)
    async def list_(self, ctx: commands.Context[Any]) -> None:
        """This server's digest schedules: last run, last error, next run (Manage Server)."""
        assert ctx.guild is not None
        listing = guild_list(self.store, datetime.now(UTC), ctx.guild.id,
                             {c.id for c in ctx.guild.channels})
        for message in self.renderer.messages("digest_list", listing, prefix=self.prefix,
                                              discord=True):
            await ctx.send(message, ephemeral=True)

    @digest.command(name="remove")
    @commands.guild_only()
    @commands.has_guild_permissions(manage_guild=True)
    @app_commands.rename(schedule_id="id")
    @app_commands.describe(schedule_id="The schedule's number, from /digest list")
    async def remove(self, ctx: commands.Context[Any], schedule_id: int) -> None:
        """Stop a digest schedule by its number (Manage Server)."""
        assert ctx.guild is not None
        schedule = self.store.get_schedule(schedule_id)
        channels = {c.id for c in ctx.guild.channels}
        if schedule is None or not (schedule.guild_id == ctx.guild.id or (
                schedule.guild_id is None and schedule.channel_id in channels)):
            raise UsageError(f"There is no digest schedule #{schedule_id} in this server "
                             f"(see `{self.prefix}digest list`).")
        if is_declared(schedule):
            raise UsageError(f"Digest #{schedule_id} comes from the bot's settings file; remove it "
                             "there (it would come back at the next start).")
        self.store.remove_schedule(schedule_id)
        self._wake.set()
        await ctx.send(f"🗑️ Digest #{schedule_id} removed (<#{schedule.channel_id}>, "
                       f"{schedule.describe()}).")

    @digest.command(name="preview")
    @app_commands.describe(topic="A topic (default: this channel's next digest topic)")
    async def preview(self, ctx: commands.Context[Any], *, topic: str | None = None) -> None:
        """Show the digest that would be posted here now, on a topic or the channel's next."""
        await ctx.defer()
        channel_id = ctx.channel.id
        here = [s for s in self.store.list_schedules() if s.channel_id == channel_id]
        if topic is None or not topic.strip():
            if here:
                topic = self.store.next_topic(here[0])
            else:
                topic = next(iter(self.kb.corpus.topics), "news")
        new = self.store.new_doc_ids(channel_id, list(self.kb.corpus.documents)) or []
        await ctx.send(await self.compose_digest(here[0] if here else None, topic.strip(), new))

    @preview.autocomplete("topic")
    async def _preview_autocomplete(self, interaction: discord.Interaction, current: str
                                    ) -> list[app_commands.Choice[str]]:
        word = current.strip().lower()
        return [app_commands.Choice(name=t, value=t) for t in self.kb.corpus.topics
                if word in t.lower()][:MAX_CHOICES]


async def setup(bot: commands.Bot) -> None:
    """Add the digest cog; the bot carries ``settings``, ``knowledge`` and ``digest_store`` (and
    maybe ``renderer``)."""
    renderer = getattr(bot, "renderer", None) or Renderer()
    store = getattr(bot, "digest_store", None)
    cog = Digests(bot, bot.settings, bot.knowledge, renderer,  # type: ignore[attr-defined]
                  store=store)
    try:
        await bot.add_cog(cog)
    except Exception:
        if store is not None:
            store.close()  # cog_unload never runs for a cog that failed to load
        raise
