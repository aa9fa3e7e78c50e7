"""Follow a citation in one click: the menu under an answer shows a cited paragraph.

The menu lists the citations of the page it sits under (``[1] Yu-Shih Liao``, with the passage
id); picking one shows that paragraph, verbatim, to the person who picked it alone (an
ephemeral reply). The menu is a dynamic item: its state (the passage ids) lives in the
message's own options, so it works on every answer the bot ever posted, across restarts,
without keeping anything per message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot import commands as core
from bot.answers.labels import short_labels
from bot.cogs.embeds import Citation, clean_embed, embed_cleaner, source_pages
from bot.render import clip

if TYPE_CHECKING:
    from bot.discord_bot import BriefBot

log = logging.getLogger(__name__)

#: Discord's limits on a select menu: 25 options, labels/values/descriptions of 100 characters.
OPTIONS_MAX = 25
OPTION_TEXT_MAX = 100


def paragraph_embed(bot: BriefBot, passage: str) -> dict[str, Any] | None:
    """The embed showing cited ``passage`` verbatim, or None if it no longer exists."""
    reply = core.run(bot.kb, "source", id=passage)
    pages = source_pages(reply.result, short_labels(bot.kb.corpus.documents.values()),
                         bot.settings.command_prefix)
    return pages[0].embed if pages else None


class CiteMenu(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"briefbot:cite"):
    """The select menu of an answer's citations."""

    CUSTOM_ID = "briefbot:cite"

    def __init__(self, options: Sequence[discord.SelectOption] = ()) -> None:
        super().__init__(discord.ui.Select(
            custom_id=self.CUSTOM_ID, placeholder="Show a cited paragraph…",
            options=list(options), min_values=1, max_values=1, row=0))

    @classmethod
    def offering(cls, citations: Sequence[Citation]) -> CiteMenu:
        """A menu offering ``citations`` (the first 25, as Discord allows)."""
        options = [discord.SelectOption(label=clip(f"[{c.number}] {c.label}", OPTION_TEXT_MAX),
                                        value=c.passage, description=c.passage)
                   for c in citations if len(c.passage) <= OPTION_TEXT_MAX]
        return cls(options[:OPTIONS_MAX])

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any],
                             item: discord.ui.Item[Any], match: Any, /) -> CiteMenu:
        """Rebuilt from the message's own component when someone picks an option."""
        options = item.options if isinstance(item, discord.ui.Select) else []
        return cls(options)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Show the picked paragraph to the picker alone."""
        bot: BriefBot = interaction.client
        passage = self.item.values[0] if self.item.values else ""
        embed = await asyncio.to_thread(paragraph_embed, bot, passage)
        if embed is None:
            await interaction.response.send_message(
                f"`{clip(passage, 60)}` is no longer in the knowledge base.", ephemeral=True)
            return
        clean = discord.Embed.from_dict(clean_embed(embed, embed_cleaner(bot.redactor.redact)))
        await interaction.response.send_message(embed=clean, ephemeral=True)


async def setup(bot: BriefBot) -> None:
    """Extension entry point: the menu answers on every message that carries it."""
    bot.add_dynamic_items(CiteMenu)
