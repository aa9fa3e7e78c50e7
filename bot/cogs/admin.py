"""Owner-only maintenance: ``!sync`` publishes the slash commands, ``!reload`` the knowledge.

Slash commands are synced on request, never on start: Discord limits how many commands an
application may create per day, and a bot that restarts in a loop would exhaust that.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.errors import UsageError
from bot.reload import KnowledgeChange, ReloadRefused

if TYPE_CHECKING:
    from bot.discord_bot import BriefBot

log = logging.getLogger(__name__)

SCOPES = ("global", "guild", "clear")
#: Problems listed in a refused reload's reply (the rest are counted; ``briefbot check`` and
#: the log have them all).
SHOWN_PROBLEMS = 10
#: Document ids named per list in a reload's reply.
SHOWN_IDS = 10


def _ids(ids: list[str]) -> str:
    shown = ", ".join(f"`{i}`" for i in ids[:SHOWN_IDS])
    return shown + (f" and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else "")


def describe_change(change: KnowledgeChange) -> str:
    """The reply to a reload that succeeded: what changed, and the size of what is served."""
    lines = ["✅ Reloaded the knowledge base."]
    for label, ids in (("added", change.added), ("removed", change.removed),
                       ("changed", change.changed)):
        if ids:
            lines.append(f"{len(ids)} article{'s' if len(ids) != 1 else ''} {label}: {_ids(ids)}")
    if not change.any:
        lines.append("No article changed.")
    lines.append(f"Now serving {change.documents} articles, {change.passages} passages.")
    return "\n".join(lines)


def describe_refusal(refused: ReloadRefused, prefix: str) -> str:
    """The reply to a refused reload: the problems (file, line) and that nothing changed."""
    problems = refused.problems
    lines = [f"⚠️ Reload refused: {len(problems)} problem{'s' if len(problems) != 1 else ''} in "
             "the knowledge directory. Still serving the previous knowledge base."]
    lines += [f"• {p[:150]}" for p in problems[:SHOWN_PROBLEMS]]  # 10 × 150 fits a message
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(f"… and {len(problems) - SHOWN_PROBLEMS} more (`briefbot check` lists all).")
    lines.append(f"Fix them and `{prefix}reload` again.")
    return "\n".join(lines)


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


    @commands.command(name="reload", hidden=True)
    @commands.is_owner()
    async def reload(self, ctx: commands.Context[BriefBot]) -> None:
        """Owner only. `!reload` re-reads the knowledge directory and serves it if it is valid;
        otherwise it lists the problems and keeps serving the current one."""
        async with ctx.typing():
            try:
                change = await self.bot.reload_knowledge()
            except ReloadRefused as refused:
                log.warning("%s asked for a reload; refused: %s", ctx.author.id,
                            "; ".join(refused.problems))
                reply = describe_refusal(refused, ctx.clean_prefix)
            else:
                log.info("%s reloaded the knowledge base", ctx.author.id)
                reply = describe_change(change)
        await ctx.send(self.bot.outgoing(reply),
                       reference=ctx.message.to_reference(fail_if_not_exists=False))


async def setup(bot: BriefBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Admin(bot))
