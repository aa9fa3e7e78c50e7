"""Owner-only maintenance: publishing the slash commands with ``!sync``.

Slash commands are synced on request, never on start: Discord limits how many commands an
application may create per day, and a bot that restarts in a loop would exhaust that.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.errors import UsageError

if TYPE_CHECKING:
    from bot.discord_bot import BriefBot

log = logging.getLogger(__name__)

SCOPES = ("global", "guild", "clear")


class Admin(commands.Cog):
    """Commands for the bot's owner (``owner_ids``, or the application's owner)."""

    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot

    @commands.command(name="sync", hidden=True)
    @commands.is_owner()
    async def sync(self, ctx: commands.Context[BriefBot], scope: str = "global") -> None:
        """Owner only. `!sync` publishes the slash commands everywhere; `!sync guild` copies
        them to this server at once (for development); `!sync clear` removes this server's
        copies again."""
        scope = scope.lower()
        if scope not in SCOPES:
            raise UsageError(f"`{scope}` is not one of: {', '.join(SCOPES)}. "
                             f"Usage: `{ctx.clean_prefix}sync [guild|clear]`")
        if scope == "global":
            synced = await self.bot.sync_tree(None)
            where = "globally"
        elif ctx.guild is None:
            raise UsageError(f"Run `{ctx.clean_prefix}sync {scope}` in the server it is for.")
        elif scope == "guild":
            synced = await self.bot.sync_tree(ctx.guild.id)
            where = "to this server"
        else:
            self.bot.tree.clear_commands(guild=ctx.guild)
            synced = await self.bot.tree.sync(guild=ctx.guild)
            where = "to this server (its copies removed)"
        log.info("%s synced %d slash commands %s", ctx.author.id, len(synced), where)
        names = ", ".join(f"/{c.name}" for c in sorted(synced, key=lambda c: c.name))
        await ctx.send(f"✅ Synced {len(synced)} slash command{'s' if len(synced) != 1 else ''} "
                       f"{where}{': ' + names if names else '.'}")


async def setup(bot: BriefBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Admin(bot))
