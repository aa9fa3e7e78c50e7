"""The Discord front-end: the bot, its start-up, and the one place errors become replies.

The core (``bot.commands`` and everything under it) never imports discord; this package and
``bot.cogs`` are the adapter. Its rooms:

* :mod:`~bot.discord_bot.launch`: :func:`run_bot` and :func:`sync_commands`, what the CLI calls
  (``briefbot run`` / ``briefbot sync``); they own the process and hand the dependencies to
  the bot through its constructor;
* :mod:`~bot.discord_bot.client`: :class:`BriefBot` itself (context, answers, reload,
  cooldowns, the error events);
* :mod:`~bot.discord_bot.error_replies`: what a user is told when a command fails.

Importing it has no side effects.
"""

from bot.discord_bot.client import BriefBot, open_knowledge
from bot.discord_bot.launch import run_bot, sync_commands

__all__ = ["BriefBot", "open_knowledge", "run_bot", "sync_commands"]
