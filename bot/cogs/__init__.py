"""The Discord bot's features, one cog (extension) per feature.

Each module ends in ``async def setup(bot)``. :data:`EXTENSIONS` is the explicit list the bot
loads at start; an extension that fails to load is logged and skipped, so a broken feature
never keeps the others offline.
"""

from __future__ import annotations

#: Extensions loaded by :class:`bot.discord_bot.BriefBot`, in order.
EXTENSIONS: tuple[str, ...] = (
    "bot.cogs.briefing",
    "bot.cogs.citations",
    "bot.cogs.admin",
    "bot.cogs.digest",
)
