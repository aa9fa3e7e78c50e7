"""An answer as Discord shows it: embed pages where the bot may post embeds, else plain text.

:func:`answer_of` lays out one core reply both ways (off the event loop); :func:`send_reply`
picks the embeds, or falls back to the plain text the templates render where the bot lacks
Embed Links in the channel, saying why once per channel. :func:`discord_payloads` is what
``briefbot … --format discord`` prints: the message bodies the bot sends for each page.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import discord
from discord.ext import commands

from bot.cogs.embeds import EmbedPage, clean_embed, embed_cleaner, embed_pages
from bot.cogs.paging import AnswerView, Page, needs_view, send_answer, text_pages
from bot.commands import Reply
from bot.outgoing import outgoing
from bot.render import MESSAGE_LIMIT, Renderer

#: Said once per channel (per process) where embeds cannot be shown.
NO_EMBEDS_NOTICE = ("ℹ️ I lack the **Embed Links** permission in this channel, so answers "
                    "come as plain text, without the citation menu. A server admin can grant "
                    "it to show them as cards.")

#: Channels already told about :data:`NO_EMBEDS_NOTICE` since the bot started.
_told_no_embeds: set[int] = set()


@dataclass(frozen=True)
class Answer:
    """One reply laid out for Discord: its text pages, and its embed pages where it has any."""

    text: list[str]
    embeds: list[EmbedPage] | None = None

    def pages(self, *, embeds: bool = True) -> list[Page]:
        """The pages to send: embed pages if there are any and ``embeds``, else the text."""
        if embeds and self.embeds:
            return [Page(embed=page) for page in self.embeds]
        return text_pages(self.text)


def answer_of(reply: Reply, renderer: Renderer, *, prefix: str, labels: Mapping[str, str],
              redact: Callable[[str], str] = str) -> Answer:
    """Lay ``reply`` out as text (the template) and as embeds, every text through
    :func:`bot.outgoing.outgoing` after ``redact`` (the bot passes its token redactor), so
    ``--format discord`` prints exactly what the bot sends."""
    text = [outgoing(redact(m)) for m in renderer.messages(reply.kind, reply.result,
                                                            prefix=prefix)]
    pages = embed_pages(reply.kind, reply.result, labels, prefix)
    if pages is None:
        return Answer(text)
    return Answer(text, [EmbedPage(clean_embed(p.embed, embed_cleaner(redact)), p.citations)
                         for p in pages])



def can_embed(ctx: commands.Context[Any]) -> bool:
    """Whether an answer to ``ctx`` may carry embeds.

    Interaction responses and DMs always may; a channel message needs Embed Links there
    (without it Discord silently drops the embeds).
    """
    if ctx.interaction is not None or ctx.guild is None:
        return True
    return ctx.channel.permissions_for(ctx.me).embed_links  # type: ignore[arg-type]


def with_notice(pages: list[str], channel_id: int) -> list[str]:
    """``pages`` headed by :data:`NO_EMBEDS_NOTICE` the first time ``channel_id`` gets text."""
    if channel_id in _told_no_embeds:
        return pages
    _told_no_embeds.add(channel_id)
    if pages and len(NO_EMBEDS_NOTICE) + 2 + len(pages[0]) <= MESSAGE_LIMIT:
        return [f"{NO_EMBEDS_NOTICE}\n\n{pages[0]}", *pages[1:]]
    return [NO_EMBEDS_NOTICE, *pages]


async def send_reply(ctx: commands.Context[Any], answer: Answer) -> discord.Message:
    """Send ``answer`` in reply to ``ctx``: as embeds where allowed, else as plain text."""
    if not answer.embeds or can_embed(ctx):
        return await send_answer(ctx, answer.pages())
    return await send_answer(ctx, text_pages(with_notice(answer.text, ctx.channel.id)))


def _body(view: AnswerView | None, page: Page) -> dict[str, Any]:
    body: dict[str, Any] = {}
    message = page.message()
    if message["content"] is not None:
        body["content"] = message["content"]
    if message["embeds"]:
        body["embeds"] = [embed.to_dict() for embed in message["embeds"]]
    if view is not None:
        body["components"] = view.to_components()
    body["allowed_mentions"] = discord.AllowedMentions.none().to_dict()
    return body


async def discord_payloads(answer: Answer) -> list[dict[str, Any]]:
    """The JSON body of the message the bot posts for ``answer``, then of each page turn.

    Built with discord.py's own serialisation (embeds, the view's components), so it is what
    goes over the wire, less the per-send reply reference and nonce.
    """
    pages = answer.pages()
    if not needs_view(pages):
        return [_body(None, pages[0])]
    view = AnswerView(pages)
    bodies = []
    for index in range(len(pages)):
        view.turn_to(index)
        bodies.append(_body(view, view.page))
    view.stop()
    return bodies


def discord_json(answer: Answer) -> str:
    """:func:`discord_payloads` as indented JSON, for ``--format discord``."""
    return json.dumps(asyncio.run(discord_payloads(answer)), ensure_ascii=False, indent=2)
