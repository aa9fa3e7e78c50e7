"""The Discord front-end: the bot, its start-up, and the one place errors become replies.

The core (``bot.commands`` and everything under it) never imports discord; this module and
``bot.cogs`` are the adapter. :func:`run_bot` and :func:`sync_commands` are what the CLI calls
(``briefbot run`` / ``briefbot sync``): they own the process (logging, the Discord endpoints,
the knowledge base built off the event loop) and hand the dependencies to :class:`BriefBot`
through its constructor. Importing this module has no side effects.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import math
import signal
import sys
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import discord
import yarl
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
from bot.errors import BriefbotError, ConfigError, UsageError
from bot.knowledge import KnowledgeBase
from bot.logs import TokenRedactor, configure_logging, token_secrets
from bot.outgoing import ECHO_LIMIT, clip, echo, outgoing
from bot.private_files import warn_if_shared
from bot.reload import KnowledgeChange, KnowledgeHolder, ReloadRefused, prepare_reload
from bot.render import Renderer

log = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"

#: Worker threads computing answers. One: answers are pure-Python CPU work, so under the GIL a
#: second thread adds no throughput, only a contender the event loop must win the GIL back
#: from after every socket call (tests/test_load.py measured the loop's own worst stall at
#: about 55 ms with one thread and up to 118 ms with two). Identical questions share one
#: computation, so the queue holds distinct questions only.
ANSWER_THREADS = 1
#: The interpreter's thread switch interval while serving, in seconds (Python's default is
#: 0.005): the event loop waits up to this long for the GIL each time it comes back from a
#: socket call while an answer is computing, and a reply takes dozens of such calls.
SWITCH_INTERVAL = 0.001

#: What a user sees when something unexpected broke (the details go to the log).
GENERIC_APOLOGY = ("😵 Sorry, something went wrong on my side while answering that. "
                   "It has been logged; please try again later.")
TOKEN_REJECTED = ("Discord rejected the bot token (401 Unauthorized). Reset it in the Discord "
                  "developer portal (your application → Bot → Reset Token) and put the new one in "
                  "DISCORD_TOKEN (environment or .env).")
TOKEN_MISSING = ("DISCORD_TOKEN is not set. Copy the bot token from the Discord developer portal "
                 "(your application → Bot → Reset Token) into the environment or .env; "
                 "see \"Run it on your server\" in README.md.")
INTENT_MISSING = ("Discord refused the Message Content intent, which the prefix commands need. "
                  "Enable it in the developer portal (your application → Bot → Privileged "
                  "Gateway Intents → Message Content Intent) and start again.")


class StartupError(BriefbotError):
    """The bot could not log in or connect; the message says what to do about it."""


# ------------------------------------------------------------------------------ process set-up


def apply_endpoints(settings: Settings) -> None:
    """Point discord.py at ``discord_api_base`` and ``discord_gateway_url``.

    discord.py 2.7 builds every REST URL from the class attribute ``Route.BASE`` (a str) and
    opens the first gateway connection at ``DiscordWebSocket.DEFAULT_GATEWAY`` (a
    ``yarl.URL``); resumes go to READY's ``resume_gateway_url``, which the server chooses.
    """
    base = settings.discord_api_base.rstrip("/")
    gateway = settings.discord_gateway_url
    if not base.startswith(("https://", "http://")):
        raise ConfigError(f"setting discord_api_base: {base!r} is not an http(s) URL")
    if not gateway.startswith(("wss://", "ws://")):
        raise ConfigError(f"setting discord_gateway_url: {gateway!r} is not a ws(s) URL")
    discord.http.Route.BASE = base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    if base != DEFAULT_API_BASE:
        log.info("using the Discord API at %s (not Discord's own)", base)
    if gateway != DEFAULT_GATEWAY_URL:
        log.info("using the Discord gateway at %s (not Discord's own)", gateway)


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


def unwrap(error: BaseException) -> BaseException:
    """The exception a command really raised, out of discord.py's wrappers."""
    wrappers = (commands.CommandInvokeError, commands.HybridCommandError,
                commands.ConversionError, app_commands.CommandInvokeError)
    while isinstance(error, wrappers) and error.original is not None:
        error = error.original
    return error


# ------------------------------------------------------------------------------ the bot


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

    def cooldown_message(self, retry_after: float) -> str:
        """The friendly reply to a user who is going too fast."""
        uses, seconds = self.settings.cooldown_uses, self.settings.cooldown_seconds
        return (f"⏳ Easy there: you can run {uses} command{'s' if uses != 1 else ''} every "
                f"{seconds:g} seconds. Try again in {math.ceil(retry_after)} s.")

    def _may_warn(self, ctx: commands.Context[Any]) -> bool:
        bucket = self.cooldown_warnings.get_bucket(ctx.message)
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
                message: str | None = self.cooldown_message(cause.retry_after)
            else:
                rest = ctx.view.read_rest() if isinstance(cause, commands.TooManyArguments) else ""
                name = ctx.command.qualified_name if ctx.command else None
                message = self.describe_error(cause, name, extra=rest,
                                              slash=ctx.interaction is not None)
            if message:
                await self.send_error(ctx, message)
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
            message = self.describe_error(unwrap(error), command.name if command else None,
                                          slash=True)
            if message:
                await self.send_interaction_error(interaction, message)
        except Exception:
            log.exception("the error handler failed on %r", error)

    def describe_error(self, error: BaseException, name: str | None,
                       extra: str = "", slash: bool = False) -> str | None:
        """The user-facing reply to ``error`` in command ``name`` (None: say nothing).

        Expected problems get a short explanation (with the usage line where the arguments
        were wrong, as the CLI's ``chat`` prints it); anything else is logged with its
        traceback and the user gets a generic apology.
        """
        prefix = "/" if slash else self.settings.command_prefix
        known = name if name in core.COMMANDS else None
        usage = f"\nUsage: `{core.usage_line(prefix, known, slash)}`" if known else ""
        if isinstance(error, commands.TooManyArguments):
            return f"⚠️ Too many words: `{echo(extra)}`.{usage}"
        if isinstance(error, UsageError) and known:
            return core.usage_problem(str(error), known, prefix, slash)
        if isinstance(error, BriefbotError):
            return f"⚠️ {error}"
        if isinstance(error, commands.NotOwner):
            return "⛔ Only the bot's owner can use that command."
        if isinstance(error, commands.NoPrivateMessage | app_commands.NoPrivateMessage):
            return "⛔ That command only works in a server."
        if isinstance(error, commands.MissingPermissions | app_commands.MissingPermissions):
            needed = ", ".join(p.replace("_", " ").replace("guild", "server").title()
                               for p in error.missing_permissions)
            return f"⛔ You need the {needed} permission to use that command."
        if isinstance(error, commands.CheckFailure | app_commands.CheckFailure):
            return "⛔ You can't use that command here."
        if isinstance(error, commands.UserInputError | app_commands.TransformerError):
            return f"⚠️ {error}{usage}"
        if isinstance(error, commands.DisabledCommand):
            return "⛔ That command is switched off at the moment."
        if isinstance(error, app_commands.CommandNotFound):
            return "⚠️ That slash command is out of date. Try `/help` for the current ones."
        if isinstance(error, discord.Forbidden):
            log.warning("no permission to answer in a channel (command %s): %s", name, error)
            return None  # replying would be refused the same way
        log.error("command %s failed", name, exc_info=error)
        return GENERIC_APOLOGY

    async def send_error(self, ctx: commands.Context[Any], message: str) -> None:
        """An error reply to a command: ephemeral for slash, a reply to the message otherwise."""
        try:
            if ctx.interaction is not None:
                await ctx.send(self.outgoing(message), ephemeral=True)
            else:
                await ctx.send(self.outgoing(message), reference=ctx.message.to_reference(
                    fail_if_not_exists=False))
        except discord.HTTPException as exc:
            log.warning("could not deliver an error reply: %s", exc)

    async def send_interaction_error(self, interaction: discord.Interaction[Any],
                                     message: str) -> None:
        """An ephemeral error reply to an interaction, whether or not it was answered yet."""
        try:
            if interaction.response.is_done():
                await interaction.followup.send(self.outgoing(message), ephemeral=True)
            else:
                await interaction.response.send_message(self.outgoing(message), ephemeral=True)
        except discord.HTTPException as exc:
            log.warning("could not deliver an error reply: %s", exc)

    async def _unknown_command(self, ctx: commands.Context[Any]) -> None:
        """``!serch``: the help, headed by "did you mean", as the CLI's ``chat`` answers it."""
        # Unknown commands count against the cooldown too: the help is a long reply to flood.
        if not self._within_cooldown(ctx):
            return
        # Clipped: an over-long word (`!` + 1,001 characters) gets the same one short answer.
        name = clip((ctx.invoked_with or "").lower(), ECHO_LIMIT)
        await send_pages(ctx, await self.pages("help", unknown=name))

    def _within_cooldown(self, ctx: commands.Context[Any]) -> bool:
        bucket = self.cooldowns.get_bucket(ctx.message)
        return not (bucket and bucket.update_rate_limit())


# ------------------------------------------------------------------------------ entry points


def _token(settings: Settings) -> str:
    token = (settings.discord_token or "").strip()
    if not token:
        raise ConfigError(TOKEN_MISSING)
    if any(ch.isspace() for ch in token):
        raise ConfigError("DISCORD_TOKEN contains spaces or line breaks; copy the token again "
                          "from the Discord developer portal.")
    return token


def _startup_problem(exc: BaseException, settings: Settings) -> str | None:
    """A one-line, actionable explanation of a failed login/connect (never the token)."""
    if isinstance(exc, discord.LoginFailure):
        return TOKEN_REJECTED
    if isinstance(exc, discord.HTTPException) and exc.status == 401:
        return TOKEN_REJECTED
    if isinstance(exc, discord.ConnectionClosed) and exc.code == 4004:
        return TOKEN_REJECTED
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return INTENT_MISSING
    if isinstance(exc, discord.HTTPException):
        return f"Discord answered {exc.status}: {exc.text or exc}"
    if isinstance(exc, OSError | discord.GatewayNotFound | TimeoutError):
        return (f"Cannot reach Discord at {settings.discord_api_base} "
                f"({type(exc).__name__}: {exc}); check the network or DISCORD_API_BASE.")
    return None


def _handle_signals(bot: BriefBot) -> None:
    """SIGINT/SIGTERM disconnect cleanly; SIGHUP reloads the knowledge base."""
    loop = asyncio.get_running_loop()
    running: set[asyncio.Task[None]] = set()

    def start(work: Coroutine[Any, Any, None]) -> None:
        task = loop.create_task(work)
        running.add(task)  # keep a reference until it is done
        task.add_done_callback(running.discard)

    def stop(sig: signal.Signals) -> None:
        log.info("%s received: disconnecting", sig.name)
        start(bot.close())

    def reload() -> None:
        log.info("SIGHUP received: reloading the knowledge base")
        start(bot.reload_and_log())

    with contextlib.suppress(NotImplementedError, RuntimeError, AttributeError):  # Windows
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop, sig)
        loop.add_signal_handler(signal.SIGHUP, reload)


async def _serve(settings: Settings, token: str, store: DigestStore) -> None:
    kb = await asyncio.to_thread(open_knowledge, settings)
    await asyncio.to_thread(freeze_long_lived)
    async with BriefBot(settings, kb, digest_store=store) as bot:
        _handle_signals(bot)
        try:
            await bot.start(token)
        except (discord.DiscordException, OSError, TimeoutError) as exc:
            problem = _startup_problem(exc, settings)
            if problem is None:
                raise
            raise StartupError(problem) from None


async def _sync(settings: Settings, token: str, guild_id: int | None) -> list[str]:
    kb = await asyncio.to_thread(open_knowledge, settings)
    async with BriefBot(settings, kb) as bot:
        try:
            await bot.login(token)  # in discord.py 2.7 login() runs setup_hook: cogs loaded
            synced = await bot.sync_tree(guild_id)
        except (discord.DiscordException, OSError, TimeoutError) as exc:
            problem = _startup_problem(exc, settings)
            if problem is None:
                raise
            raise StartupError(problem) from None
    return [command.name for command in synced]


def run_bot(settings: Settings) -> int:
    """``briefbot run``: connect to Discord and answer commands until stopped.

    Returns the exit code: 0 after a clean stop (SIGINT/SIGTERM), 1 when the bot cannot start
    (missing or rejected token, missing intent, bad knowledge), with one logged line saying why.
    """
    try:
        configure_logging(settings)
        token = _token(settings)
        warn_if_shared(Path(".env"), "the settings file holding DISCORD_TOKEN,")
        apply_endpoints(settings)
        # Before connecting, and on the thread that will use it (sqlite3 connections are
        # per-thread): a database that is not a valid store stops the start (StoreError says
        # what to do) instead of being replaced or leaving the bot up without its digests.
        with DigestStore(settings.data_dir) as store:
            sys.setswitchinterval(SWITCH_INTERVAL)
            asyncio.run(_serve(settings, token, store))
    except BriefbotError as exc:
        log.error("%s", exc)
        return 1
    except KeyboardInterrupt:
        pass
    except Exception:  # logged through the redacting handlers, not Python's bare traceback
        log.exception("the bot stopped unexpectedly")
        return 1
    return 0


def sync_commands(settings: Settings, guild_id: int | None) -> int:
    """``briefbot sync [--guild ID]``: publish the slash commands, then disconnect.

    Logs in over HTTP only (no gateway), and neither opens the digest store nor takes the
    scheduler lock, so it can run beside a serving bot. Discord limits how many commands an
    application may create per day, so this is a deliberate step rather than something every
    start does.
    Returns the exit code (0 synced, 1 failed with one logged line saying why).
    """
    try:
        configure_logging(settings)
        token = _token(settings)
        apply_endpoints(settings)
        names = asyncio.run(_sync(settings, token, guild_id))
    except BriefbotError as exc:
        log.error("%s", exc)
        return 1
    except Exception:  # logged through the redacting handlers, not Python's bare traceback
        log.exception("syncing the slash commands failed")
        return 1
    where = f"to guild {guild_id}" if guild_id is not None else "globally"
    log.info("synced %d slash commands %s: %s", len(names), where, ", ".join(sorted(names)))
    return 0
