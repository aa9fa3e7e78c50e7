"""The answer commands as hybrid commands: ``!brief …`` and ``/brief topic:…`` alike.

Each command parses its input (slash options, or the rest of the message with the CLI's
grammar), then hands the core the same keyword arguments the CLI would, and posts the same
messages. Descriptions come from the shared command table, so ``help`` and the slash command
picker say the same thing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import commands as core
from bot.cogs.arguments import (
    GRAMMARS,
    LIMIT_MAX,
    LIMIT_MIN,
    check_lengths,
    parse_prefix,
    split_words,
)
from bot.cogs.paging import send_pages
from bot.knowledge import KnowledgeBase
from bot.render import clip

if TYPE_CHECKING:
    from bot.discord_bot import BriefBot


#: A slash command is deferred ("briefbot is thinking…") if its answer is not ready by then;
#: Discord drops interactions not acknowledged within 3 seconds.
DEFER_AFTER = 1.5
#: Discord's limits on autocomplete: 25 choices, names and values of 1-100 characters.
MAX_CHOICES = 25
CHOICE_LIMIT = 100

# app_commands.Range: commands.Range inside Optional is not turned into min/max by hybrids.
Limit = app_commands.Range[int, LIMIT_MIN, LIMIT_MAX]
Option = tuple[str, str]  # (value, label shown in the picker)


def match_choices(options: Sequence[Option], current: str,
                  limit: int = MAX_CHOICES) -> list[app_commands.Choice[str]]:
    """Autocomplete: the options matching what was typed, case-insensitively, best first.

    Values starting with the text come first, then values containing it, then options whose
    label (a title or description) contains it; each group keeps the given order.
    """
    needle = " ".join(current.split()).casefold()
    ranked: list[tuple[int, int, Option]] = []
    for position, (value, label) in enumerate(options):
        folded = value.casefold()
        if folded.startswith(needle):
            rank = 0
        elif needle in folded:
            rank = 1
        elif needle in label.casefold():
            rank = 2
        else:
            continue
        ranked.append((rank, position, (value, label)))
    ranked.sort()
    return [app_commands.Choice(name=clip(label, CHOICE_LIMIT) or value, value=value)
            for _, _, (value, label) in ranked[:limit]]


def _options(pairs: Iterable[Option]) -> list[Option]:
    # A value over 100 characters cannot be offered at all (Discord would reject the list).
    return [(value, label) for value, label in pairs if 0 < len(value) <= CHOICE_LIMIT]


def topic_options(kb: KnowledgeBase) -> list[Option]:
    """``/brief topic:`` choices: topic names, labelled with their descriptions."""
    return _options((name, f"{name} — {getattr(topic, 'description', '')}".rstrip(" —"))
                    for name, topic in kb.corpus.topics.items())


def document_options(kb: KnowledgeBase) -> list[Option]:
    """``/source id:`` choices: document ids, labelled with their titles."""
    return _options((doc_id, f"{doc_id} — {doc.title}" if doc.title else doc_id)
                    for doc_id, doc in kb.corpus.documents.items())


def people_options(kb: KnowledgeBase) -> list[Option]:
    """``/who name:`` choices: the canonical names of everyone the corpus names."""
    return _options((name, name) for name in kb.people.names())


class Briefing(commands.Cog):
    """brief, who, topics, search, sources, source and help."""

    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot
        # Autocomplete options (not named after the commands, which are attributes too).
        self.topic_choices: list[Option] = []
        self.document_choices: list[Option] = []
        self.people_choices: list[Option] = []

    async def cog_load(self) -> None:
        # Built once, off the event loop; autocomplete then only filters short lists.
        kb = self.bot.kb
        self.topic_choices, self.document_choices, self.people_choices = await asyncio.to_thread(
            lambda: (topic_options(kb), document_options(kb), people_options(kb)))

    async def answer(self, ctx: commands.Context[BriefBot], name: str, /,
                     **kwargs: Any) -> None:
        """Parse, check, run off the loop (deferring a slow slash command), send the pages."""
        grammar = GRAMMARS[name]
        if ctx.interaction is None and grammar.dest is not None:
            # A text command gets the rest of the message in its first parameter.
            kwargs = parse_prefix(name, kwargs[grammar.dest])
        check_lengths(kwargs, self.bot.settings.max_argument_length)
        work = asyncio.ensure_future(self.bot.pages(name, **kwargs))
        try:
            if ctx.interaction is not None:
                done, _ = await asyncio.wait({work}, timeout=DEFER_AFTER)
                if not done:
                    await ctx.defer()
            pages = await work
        finally:
            work.cancel()  # no-op when done; never leave it running after a failed defer
        await send_pages(ctx, pages)

    # ------------------------------------------------------------------ commands

    @commands.hybrid_command(name="brief", description=core.COMMANDS["brief"].summary)
    @app_commands.describe(topic="A topic (see /topics) or any words",
                           limit=f"How many points ({LIMIT_MIN}-{LIMIT_MAX})")
    async def brief(self, ctx: commands.Context[BriefBot], *, topic: str,
                    limit: Limit | None = None) -> None:
        """A cited briefing: the corpus's key points on a topic, each quoted once."""
        await self.answer(ctx, "brief", topic=topic, limit=limit)

    @brief.autocomplete("topic")
    async def brief_topic(self, interaction: discord.Interaction[Any],
                          current: str) -> list[app_commands.Choice[str]]:
        return match_choices(self.topic_choices, current[:CHOICE_LIMIT])

    @commands.hybrid_command(name="who", description=core.COMMANDS["who"].summary)
    @app_commands.describe(name="A name, surname or alias")
    async def who(self, ctx: commands.Context[BriefBot], *, name: str) -> None:
        """A card on a person: roles, quotes and mentions, all cited."""
        await self.answer(ctx, "who", name=name)

    @who.autocomplete("name")
    async def who_name(self, interaction: discord.Interaction[Any],
                       current: str) -> list[app_commands.Choice[str]]:
        return match_choices(self.people_choices, current[:CHOICE_LIMIT])

    @commands.hybrid_command(name="topics", description=core.COMMANDS["topics"].summary,
                             ignore_extra=False)
    async def topics(self, ctx: commands.Context[BriefBot]) -> None:
        """The topics you can brief on."""
        await self.answer(ctx, "topics")

    @commands.hybrid_command(name="search", description=core.COMMANDS["search"].summary)
    @app_commands.describe(query="Words to search for",
                           limit=f"How many passages ({LIMIT_MIN}-{LIMIT_MAX}, default 5)")
    async def search(self, ctx: commands.Context[BriefBot], *, query: str,
                     limit: Limit = 5) -> None:
        """Ranked passages for any words, each cited."""
        await self.answer(ctx, "search", query=query, limit=limit)

    @commands.hybrid_command(name="sources", description=core.COMMANDS["sources"].summary,
                             ignore_extra=False)
    async def sources(self, ctx: commands.Context[BriefBot]) -> None:
        """The articles in the knowledge base, with their metadata."""
        await self.answer(ctx, "sources")

    @commands.hybrid_command(name="source", description=core.COMMANDS["source"].summary)
    @app_commands.rename(ident="id")
    @app_commands.describe(ident="A document id, or a paragraph like doc#p3")
    async def source(self, ctx: commands.Context[BriefBot], *, ident: str) -> None:
        """One article in full, or one paragraph (ID#p3)."""
        await self.answer(ctx, "source", ident=ident)

    @source.autocomplete("ident")
    async def source_id(self, interaction: discord.Interaction[Any],
                        current: str) -> list[app_commands.Choice[str]]:
        return match_choices(self.document_choices, current[:CHOICE_LIMIT])

    @commands.hybrid_command(name="help", description=core.COMMANDS["help"].summary)
    async def help(self, ctx: commands.Context[BriefBot]) -> None:
        """Every command, with an example of each in both forms."""
        # `!help foo` reads as the CLI's "I don't know `!foo`"; `!help search` is just the help.
        words = split_words(ctx.view.read_rest()) if ctx.interaction is None else []
        if words and words[0].lower() not in core.COMMANDS:
            await self.answer(ctx, "help", unknown=words[0])
        else:
            await self.answer(ctx, "help")


async def setup(bot: BriefBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Briefing(bot))
