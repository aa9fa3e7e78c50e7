"""The bot itself: :class:`BriefBot`, its command context, and how it computes answers.

It receives its settings, knowledge base and digest store from the entry point
(:mod:`bot.discord_bot.launch`); its error events hand every failure to
:mod:`bot.discord_bot.error_replies`.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import commands as core
from bot.answer_cache import AnswerCache, answer_key
from bot.answers.labels import short_labels
from bot.cogs import EXTENSIONS
from bot.cogs.paging import send_pages
from bot.cogs.replies import Answer, answer_of
from bot.config import Settings
from bot.digest import DigestStore
from bot.discord_bot.error_replies import (
    cooldown_message,
    describe_error,
    send_error,
    send_interaction_error,
    unwrap,
)
from bot.knowledge import KnowledgeBase
from bot.logs import TokenRedactor, token_secrets
from bot.outgoing import ECHO_LIMIT, clip, outgoing
from bot.reload import KnowledgeChange, KnowledgeHolder, ReloadRefused, prepare_reload
from bot.render import Renderer

log = logging.getLogger(__name__)

#: Worker threads computing answers. One: answers are pure-Python CPU work, so under the GIL a
#: second thread adds no throughput, only a contender the event loop must win the GIL back
#: from after every socket call (tests/test_load.py measured the loop's own worst stall at
#: about 55 ms with one thread and up to 118 ms with two). Identical questions share one
#: computation, so the queue holds distinct questions only.
ANSWER_THREADS = 1


def open_knowledge(settings: Settings) -> KnowledgeBase:
    """Load the knowledge base and build what the first commands would otherwise wait for."""
    kb = KnowledgeBase.open(settings)
    kb.people  # noqa: B018 - built now, off the event loop, rather than on the first /who
    return kb


def freeze_long_lived() -> None:
    """Put everything alive now, the knowledge base above all, out of the cyclic GC's sight.

    The knowledge base is tens of thousands of objects that live until a reload; without this
    every full collection walks them all (about 100 ms, measured), and a collection triggered
    while replies are being sent stalls the event loop that long. Call it off the loop: the
    collection it starts with holds the GIL. Objects frozen before are unfrozen first, so a
    replaced knowledge base can still be collected.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class OutgoingContext(commands.Context["BriefBot"]):
    """The context of every command: whatever a cog sends passes through ``bot.outgoing``.

    One hook for all cogs (answers, digest and admin replies, prefix and slash alike), so a
    new ``ctx.send`` cannot forget the hygiene.
    """

    async def send(self, content: str | None = None, **kwargs: Any) -> discord.Message:
        """Send ``content`` cleaned by :meth:`BriefBot.outgoing`, with the other arguments."""
        if content is not None:
            content = self.bot.outgoing(str(content))
        return await super().send(content, **kwargs)


class BriefBot(commands.Bot):
    """The briefing bot: prefix and slash commands over the shared command table.

    Receives its settings, knowledge base and digest store from the entry point; cogs reach
    them as ``bot.settings``, ``bot.kb`` and ``bot.digest_store`` (``None``: a process that only
    syncs commands and must not touch digest state). Replies never ping anyone
    (``AllowedMentions.none()``).
    """

    def __init__(self, settings: Settings, kb: KnowledgeBase, *,
                 renderer: Renderer | None = None,
                 extensions: tuple[str, ...] = EXTENSIONS,
                 digest_store: DigestStore | None = None) -> None:
        intents = discord.Intents.default()
        intents.message_content = True  # prefix commands read message text
        # A text bot never joins voice: without this, discord.py warns at every start that
        # PyNaCl and davey (voice libraries) are missing, which reads like a broken install.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=settings.command_prefix,
            intents=intents,
            help_command=None,  # `help` is ours, rendered from the command table
            allowed_mentions=discord.AllowedMentions.none(),
            case_insensitive=True,
            strip_after_prefix=True,
            owner_ids=set(settings.owner_ids),  # empty: the application's owner or team
        )
        self.settings = settings
        self.knowledge = KnowledgeHolder(kb)
        self.answers: AnswerCache[Answer] = AnswerCache()
        self.answer_threads = ThreadPoolExecutor(ANSWER_THREADS, "briefbot-answer")
        self._reloading = asyncio.Lock()
        self.digest_store = digest_store
        self.renderer = renderer or Renderer()
        self.extensions_to_load = extensions
        self.redactor = TokenRedactor(token_secrets(settings.discord_token))
        self.cooldowns = commands.CooldownMapping.from_cooldown(
            settings.cooldown_uses, settings.cooldown_seconds, commands.BucketType.user)
        # Tell a prefix user about their cooldown once per window, not once per message.
        self.cooldown_warnings = commands.CooldownMapping.from_cooldown(
            1, settings.cooldown_seconds, commands.BucketType.user)
        self.add_check(self.check_cooldown)
        self.tree.error(self.on_app_command_error)

    async def get_context(self, origin: discord.Message | discord.Interaction[Any],
                          /, *, cls: Any = OutgoingContext) -> Any:
        """Every command (prefix, hybrid or slash) runs with an :class:`OutgoingContext`."""
        return await super().get_context(origin, cls=cls)

    async def setup_hook(self) -> None:
        """Load the cogs. Slash commands are not synced here: see ``!sync``/``briefbot sync``."""
        for extension in self.extensions_to_load:
            try:
                await self.load_extension(extension)
            except commands.ExtensionError:
                log.exception("extension %s failed to load; continuing without it", extension)

    async def close(self) -> None:
        """Disconnect, then stop the answer threads (an answer still computing is dropped)."""
        await super().close()
        self.answer_threads.shutdown(wait=False, cancel_futures=True)

    async def on_ready(self) -> None:
        """Log the connection: who the bot is, how many guilds, which prefix."""
        log.info("connected as %s (id %s) to %d guild(s); prefix %r", self.user,
                 getattr(self.user, "id", "?"), len(self.guilds), self.settings.command_prefix)

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base being served now (a reload swaps it)."""
        return self.knowledge.current

    # -------------------------------------------------------------- answers

    async def answer_for(self, name: str, /, **kwargs: Any) -> Answer:
        """Run command ``name`` on the core and lay it out as text and embeds.

        The knowledge base is read once, here: the command finishes on it even if a reload
        swaps it meanwhile. Identical questions share one computation (:mod:`bot.answer_cache`),
        which runs in a worker thread so retrieval never stalls the gateway heartbeat.
        """
        kb, generation = self.knowledge.current, self.knowledge.generation
        key = answer_key(generation, name, kwargs)
        loop = asyncio.get_running_loop()
        return await self.answers.get(key, lambda: loop.run_in_executor(
            self.answer_threads, self.render_answer, name, kwargs, kb))

    def render_answer(self, name: str, kwargs: dict[str, Any],
                      kb: KnowledgeBase | None = None) -> Answer:
        """Blocking part of :meth:`answer_for` (on ``kb``, default the one served now)."""
        kb = kb or self.kb
        reply = core.run(kb, name, **kwargs)
        return answer_of(reply, self.renderer, prefix=self.settings.command_prefix,
                         labels=short_labels(kb.corpus.documents.values()),
                         redact=self.redactor.redact)

    async def pages(self, name: str, /, **kwargs: Any) -> list[str]:
        """The plain-text messages of :meth:`answer_for`: what the CLI's ``chat`` prints."""
        return list((await self.answer_for(name, **kwargs)).text)

    def outgoing(self, text: str) -> str:
        """Every text the bot sends: the token redacted (defence in depth), then
        :func:`bot.outgoing.outgoing` (control characters, mentions, Discord's limit)."""
        return outgoing(self.redactor.redact(text))

    async def reload_knowledge(self) -> KnowledgeChange:
        """Validate and build the knowledge directory beside the served one, then swap.

        One reload at a time; building runs off the event loop. Cogs hear of a swap through
        the ``on_knowledge_reloaded(kb)`` event (to refresh autocomplete lists, say).

        Raises
        ------
        ReloadRefused
            With every problem found (file, line); the old knowledge base keeps serving.
        """
        async with self._reloading:
            new, change = await asyncio.to_thread(prepare_reload, self.settings, self.kb,
                                                  open_knowledge)
            self.knowledge.swap(new)
            self.answers.clear()
            await asyncio.to_thread(freeze_long_lived)
        log.info("knowledge reloaded: %d added, %d removed, %d changed; %d documents, "
                 "%d passages", len(change.added), len(change.removed), len(change.changed),
                 change.documents, change.passages)
        self.dispatch("knowledge_reloaded", new)
        return change

    async def reload_and_log(self) -> None:
        """SIGHUP: reload, logging what changed or why nothing did."""
        try:
            await self.reload_knowledge()
        except ReloadRefused as exc:
            log.error("reload refused, still serving the previous knowledge base: %s\n%s",
                      exc, "\n".join(exc.problems))
        except Exception:
            log.exception("reload failed; still serving the previous knowledge base")

    async def sync_tree(self, guild_id: int | None) -> list[app_commands.AppCommand]:
        """Publish the slash commands globally, or copy them to one guild (instant, for dev)."""
        if guild_id is None:
            return await self.tree.sync()
        guild = discord.Object(id=guild_id)
        self.tree.copy_global_to(guild=guild)
        return await self.tree.sync(guild=guild)

    # -------------------------------------------------------------- cooldown

    async def check_cooldown(self, ctx: commands.Context[Any]) -> bool:
        """Global check: each user may run ``cooldown_uses`` commands per ``cooldown_seconds``.

        One bucket per user across all commands, prefix and slash alike.
        """
        bucket = self.cooldowns.get_bucket(ctx.message)
        if bucket is None:
            return True
        retry_after = bucket.update_rate_limit()
        if retry_after:
            raise commands.CommandOnCooldown(bucket, retry_after, commands.BucketType.user)
        return True

    def _may_warn(self, ctx: commands.Context[Any]) -> bool:
        bucket = self.cooldown_warnings.get_bucket(ctx.message)
        return not (bucket and bucket.update_rate_limit())

    def _within_cooldown(self, ctx: commands.Context[Any]) -> bool:
        bucket = self.cooldowns.get_bucket(ctx.message)
        return not (bucket and bucket.update_rate_limit())

    # -------------------------------------------------------------- the central error handler

    async def on_command_error(self, ctx: commands.Context[Any],
                               error: commands.CommandError) -> None:
        """Every failed prefix or hybrid command ends here: a short reply, or a logged bug."""
        try:
            cause = unwrap(error)
            if isinstance(cause, commands.CommandNotFound):
                await self._unknown_command(ctx)
                return
            if isinstance(cause, commands.CommandOnCooldown):
                if ctx.interaction is None and not self._may_warn(ctx):
                    return  # stay quiet rather than answer every message of a flood
                message: str | None = cooldown_message(
                    self.settings.cooldown_uses, self.settings.cooldown_seconds,
                    cause.retry_after)
            else:
                rest = ctx.view.read_rest() if isinstance(cause, commands.TooManyArguments) else ""
                name = ctx.command.qualified_name if ctx.command else None
                message = describe_error(cause, name, command_prefix=self.settings.command_prefix,
                                         extra=rest, slash=ctx.interaction is not None)
            if message:
                await send_error(ctx, self.outgoing(message))
        except Exception:  # the handler itself must never take a command down with it
            log.exception("the error handler failed on %r", error)

    async def on_app_command_error(self, interaction: discord.Interaction[Any],
                                   error: app_commands.AppCommandError) -> None:
        """Errors of slash commands that are not hybrid (and of stale synced commands)."""
        await self.report_interaction_error(interaction, error)

    async def report_interaction_error(self, interaction: discord.Interaction[Any],
                                       error: BaseException) -> None:
        """Reply ephemerally to a failed interaction (slash command or button)."""
        try:
            command = interaction.command
            message = describe_error(unwrap(error), command.name if command else None,
                                     command_prefix=self.settings.command_prefix, slash=True)
            if message:
                await send_interaction_error(interaction, self.outgoing(message))
        except Exception:
            log.exception("the error handler failed on %r", error)

    async def _unknown_command(self, ctx: commands.Context[Any]) -> None:
        """``!serch``: the help, headed by "did you mean", as the CLI's ``chat`` answers it."""
        # Unknown commands count against the cooldown too: the help is a long reply to flood.
        if not self._within_cooldown(ctx):
            return
        # Clipped: an over-long word (`!` + 1,001 characters) gets the same one short answer.
        name = clip((ctx.invoked_with or "").lower(), ECHO_LIMIT)
        await send_pages(ctx, await self.pages("help", unknown=name))
