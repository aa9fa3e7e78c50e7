"""The process of ``briefbot run`` and ``briefbot sync``: what the CLI calls.

:func:`run_bot` and :func:`sync_commands` own the process: logging, the Discord endpoints,
the token, signals, the digest store and the knowledge base built off the event loop, all
handed to :class:`~bot.discord_bot.client.BriefBot` through its constructor. A failed login or
connection becomes one actionable line (:func:`_startup_problem`), never the token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import discord
import yarl

from bot.config import Settings
from bot.digest import DigestStore
from bot.discord_bot.client import BriefBot, freeze_long_lived, open_knowledge
from bot.errors import BriefbotError, ConfigError
from bot.logs import configure_logging
from bot.private_files import warn_if_shared

log = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"

#: The interpreter's thread switch interval while serving, in seconds (Python's default is
#: 0.005): the event loop waits up to this long for the GIL each time it comes back from a
#: socket call while an answer is computing, and a reply takes dozens of such calls.
SWITCH_INTERVAL = 0.001

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
