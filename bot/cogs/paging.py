"""Sending an answer: one message, or pages behind ◀ ▶ buttons; a citation menu under embeds.

A page is plain text (exactly a message the CLI prints for the same command) or an embed page
(:mod:`bot.cogs.embeds`). The page counter lives on a disabled button between the arrows, so
no page text is added and none can grow past Discord's limits. Under an embed page that cites
passages sits the citation menu (:mod:`bot.cogs.citations`), rebuilt on every page turn.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import discord
from discord.ext import commands

from bot.cogs.citations import CiteMenu
from bot.cogs.embeds import EmbedPage
from bot.render import escape_markdown

log = logging.getLogger(__name__)

#: Seconds of inactivity after which the buttons are disabled and the view stops. Interaction
#: tokens (which a slash answer is edited through) expire after 15 minutes; stay well inside.
PAGE_TIMEOUT = 300.0


@dataclass(frozen=True)
class Page:
    """What one page shows: text, or an embed page (with the citations of its menu)."""

    content: str | None = None
    embed: EmbedPage | None = None

    def message(self) -> dict[str, Any]:
        """Keyword arguments of ``send``/``edit`` for this page (without the view)."""
        if self.embed is None:
            return {"content": self.content, "embeds": []}
        return {"content": None, "embeds": [discord.Embed.from_dict(self.embed.embed)]}


def text_pages(pages: Sequence[str]) -> list[Page]:
    """Plain-text pages, as the templates render them."""
    return [Page(content=text) for text in pages] or [Page(content="(nothing to show)")]


def reply_kwargs(ctx: commands.Context[Any]) -> dict[str, Any]:
    """Answer a text command as a reply to it (without failing if it was deleted meanwhile)."""
    if ctx.interaction is not None:
        return {}
    return {"reference": ctx.message.to_reference(fail_if_not_exists=False)}


class AnswerView(discord.ui.View):
    """The components under an answer: the citation menu, and ◀ page x/y ▶ over several pages.

    Only the person who asked can turn the pages; anyone may use the citation menu (the
    paragraph is shown to them alone). With one page there are no buttons and nothing to
    time out: the menu is a dynamic item that works on any message, even after a restart.
    """

    def __init__(self, pages: Sequence[Page], *, owner_id: int | None = None,
                 owner_name: str = "", timeout: float | None = PAGE_TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self.pages = list(pages)
        self.index = 0
        self.owner_id = owner_id
        self.owner_name = owner_name
        #: The message carrying the view, set by :func:`send_answer`; edited on timeout.
        self.message: discord.Message | None = None
        if len(self.pages) < 2:
            for button in (self.previous_page, self.counter, self.next_page):
                self.remove_item(button)
        self.turn_to(0)

    @property
    def page(self) -> Page:
        """The page shown now."""
        return self.pages[self.index]

    def turn_to(self, index: int) -> None:
        """Show page ``index`` (clamped): its buttons' states and its citation menu."""
        # Not `_refresh`: discord.ui.View._refresh(components) is called by the gateway on
        # MESSAGE_UPDATE, and shadowing it crashed the bot after every page turn.
        self.index = max(0, min(index, len(self.pages) - 1))
        self.previous_page.disabled = self.index == 0
        self.next_page.disabled = self.index == len(self.pages) - 1
        self.counter.label = f"page {self.index + 1}/{len(self.pages)}"
        for item in [c for c in self.children if isinstance(c, CiteMenu)]:
            self.remove_item(item)
        citations = self.page.embed.citations if self.page.embed else ()
        if citations:
            self.add_item(CiteMenu.offering(citations))

    def is_dispatchable(self) -> bool:
        # One page: nothing but the dynamic citation menu, which needs no per-message state.
        return len(self.pages) > 1

    async def _show(self, interaction: discord.Interaction[Any], index: int) -> None:
        self.turn_to(index)
        await interaction.response.edit_message(**self.page.message(), view=self)

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary,
                       custom_id="briefbot:page:previous", row=1)
    async def previous_page(self, interaction: discord.Interaction[Any],
                            button: discord.ui.Button[AnswerView]) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="page", style=discord.ButtonStyle.secondary, disabled=True,
                       custom_id="briefbot:page:counter", row=1)
    async def counter(self, interaction: discord.Interaction[Any],
                      button: discord.ui.Button[AnswerView]) -> None:
        await interaction.response.defer()  # disabled, so Discord never sends this

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary,
                       custom_id="briefbot:page:next", row=1)
    async def next_page(self, interaction: discord.Interaction[Any],
                        button: discord.ui.Button[AnswerView]) -> None:
        await self._show(interaction, self.index + 1)

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        # Only the buttons get here: the citation menu is a dynamic item, open to everyone.
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            f"Only {escape_markdown(self.owner_name)} can page this. "
            "Run the command yourself to get your own copy.", ephemeral=True)
        return False

    async def on_timeout(self) -> None:
        if len(self.pages) < 2:
            return  # no buttons to disable
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.message is None:
            return
        try:
            await self.message.edit(view=self)
        except discord.HTTPException as exc:  # deleted meanwhile, or the token expired
            log.debug("could not disable the page buttons: %s", exc)

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception,
                       item: discord.ui.Item[Any]) -> None:
        report = getattr(interaction.client, "report_interaction_error", None)
        if report is None:
            log.error("paging failed", exc_info=error)
            return
        await report(interaction, error)


def needs_view(pages: Sequence[Page]) -> bool:
    """Pages to turn, or citations to follow."""
    return len(pages) > 1 or bool(pages[0].embed and pages[0].embed.citations)


async def send_answer(ctx: commands.Context[Any], pages: Sequence[Page], *,
                      timeout: float | None = PAGE_TIMEOUT) -> discord.Message:
    """Send ``pages`` in answer to ``ctx``: the first page, with the view it needs."""
    pages = list(pages) or text_pages([])
    if not needs_view(pages):
        return await ctx.send(**pages[0].message(), **reply_kwargs(ctx))
    view = AnswerView(pages, owner_id=ctx.author.id, owner_name=ctx.author.display_name,
                      timeout=timeout)
    view.message = await ctx.send(**view.page.message(), view=view, **reply_kwargs(ctx))
    return view.message


async def send_pages(ctx: commands.Context[Any], pages: list[str], *,
                     timeout: float | None = PAGE_TIMEOUT) -> discord.Message:
    """Send plain-text ``pages`` in answer to ``ctx``: one message, or the first with buttons."""
    return await send_answer(ctx, text_pages(pages), timeout=timeout)
