"""What a Discord user is told when a command does not run, and how it reaches them.

:func:`describe_error` is the one translation of an exception into a reply: expected problems
get a short explanation, anything else is logged with its traceback and answered with
:data:`GENERIC_APOLOGY`. :class:`~bot.discord_bot.client.BriefBot`'s error events call it and
deliver the reply with :func:`send_error` or :func:`send_interaction_error`.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import commands as core
from bot.errors import BriefbotError, UsageError
from bot.outgoing import echo

log = logging.getLogger(__name__)

#: What a user sees when something unexpected broke (the details go to the log).
GENERIC_APOLOGY = ("😵 Sorry, something went wrong on my side while answering that. "
                   "It has been logged; please try again later.")


def unwrap(error: BaseException) -> BaseException:
    """The exception a command really raised, out of discord.py's wrappers."""
    wrappers = (commands.CommandInvokeError, commands.HybridCommandError,
                commands.ConversionError, app_commands.CommandInvokeError)
    while isinstance(error, wrappers) and error.original is not None:
        error = error.original
    return error


def describe_error(error: BaseException, name: str | None, *, command_prefix: str,
                   extra: str = "", slash: bool = False) -> str | None:
    """The user-facing reply to ``error`` in command ``name`` (None: say nothing).

    Expected problems get a short explanation (with the usage line where the arguments
    were wrong, as the CLI's ``chat`` prints it); anything else is logged with its
    traceback and the user gets a generic apology. ``extra`` is the text left over when
    there were too many words; ``slash`` writes usage lines as slash commands.
    """
    prefix = "/" if slash else command_prefix
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


def cooldown_message(uses: int, seconds: float, retry_after: float) -> str:
    """The friendly reply to a user who ran more than ``uses`` commands in ``seconds``."""
    return (f"⏳ Easy there: you can run {uses} command{'s' if uses != 1 else ''} every "
            f"{seconds:g} seconds. Try again in {math.ceil(retry_after)} s.")


async def send_error(ctx: commands.Context[Any], message: str) -> None:
    """An error reply to a command: ephemeral for slash, a reply to the message otherwise.

    ``message`` is sent as it is: the caller has passed it through the bot's ``outgoing``.
    """
    try:
        if ctx.interaction is not None:
            await ctx.send(message, ephemeral=True)
        else:
            await ctx.send(message, reference=ctx.message.to_reference(fail_if_not_exists=False))
    except discord.HTTPException as exc:
        log.warning("could not deliver an error reply: %s", exc)


async def send_interaction_error(interaction: discord.Interaction[Any], message: str) -> None:
    """An ephemeral error reply to an interaction, whether or not it was answered yet.

    ``message`` is sent as it is: the caller has passed it through the bot's ``outgoing``.
    """
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException as exc:
        log.warning("could not deliver an error reply: %s", exc)
