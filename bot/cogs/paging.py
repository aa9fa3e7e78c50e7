"""Sending an answer: one message, or pages behind ◀ ▶ buttons.

The pages are exactly the messages the CLI prints for the same command (``Renderer.messages``):
page *n* of the bot is message *n* of ``briefbot chat``. The page counter lives on a disabled
button between the arrows, so no page text is added and none can grow past Discord's limit.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord.ext import commands

from bot.render import escape_markdown

log = logging.getLogger(__name__)

#: Seconds of inactivity after which the buttons are disabled and the view stops. Interaction
#: tokens (which a slash answer is edited through) expire after 15 minutes; stay well inside.
PAGE_TIMEOUT = 300.0


def reply_kwargs(ctx: commands.Context[Any]) -> dict[str, Any]:
    """Answer a text command as a reply to it (without failing if it was deleted meanwhile)."""
    if ctx.interaction is not None:
        return {}
    return {"reference": ctx.message.to_reference(fail_if_not_exists=False)}


class Paginator(discord.ui.View):
    """◀ page x/y ▶ over pre-rendered pages; only the person who asked can turn them."""

    def __init__(self, pages: list[str], *, owner: discord.abc.User,
                 timeout: float | None = PAGE_TIMEOUT) -> None:
        if len(pages) < 2:
            raise ValueError(f"a paginator needs at least 2 pages, got {len(pages)}")
        super().__init__(timeout=timeout)
        self.pages = pages
        self.index = 0
        self.owner_id = owner.id
        self.owner_name = owner.display_name
        #: The message carrying the view, set by :func:`send_pages`; edited on timeout.
        self.message: discord.Message | None = None
        self._update_buttons()

    def _update_buttons(self) -> None:
        # Not `_refresh`: discord.ui.View._refresh(components) is called by the gateway on
        # MESSAGE_UPDATE, and shadowing it crashed the bot after every page turn.
        self.previous_page.disabled = self.index == 0
        self.next_page.disabled = self.index == len(self.pages) - 1
        self.counter.label = f"page {self.index + 1}/{len(self.pages)}"

    async def _show(self, interaction: discord.Interaction[Any], index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        self._update_buttons()
        await interaction.response.edit_message(content=self.pages[self.index], view=self)

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary)
    async def previous_page(self, interaction: discord.Interaction[Any],
                            button: discord.ui.Button[Paginator]) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="page", style=discord.ButtonStyle.secondary, disabled=True)
    async def counter(self, interaction: discord.Interaction[Any],
                      button: discord.ui.Button[Paginator]) -> None:
        await interaction.response.defer()  # disabled, so Discord never sends this

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary)
    async def next_page(self, interaction: discord.Interaction[Any],
                        button: discord.ui.Button[Paginator]) -> None:
        await self._show(interaction, self.index + 1)

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            f"Only {escape_markdown(self.owner_name)} can page this. "
            "Run the command yourself to get your own copy.", ephemeral=True)
        return False

    async def on_timeout(self) -> None:
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


async def send_pages(ctx: commands.Context[Any], pages: list[str], *,
                     timeout: float | None = PAGE_TIMEOUT) -> discord.Message:
    """Send ``pages`` in answer to ``ctx``: one message, or the first page with buttons."""
    if not pages:
        pages = ["(nothing to show)"]
    if len(pages) == 1:
        return await ctx.send(pages[0], **reply_kwargs(ctx))
    view = Paginator(pages, owner=ctx.author, timeout=timeout)
    view.message = await ctx.send(pages[0], view=view, **reply_kwargs(ctx))
    return view.message
