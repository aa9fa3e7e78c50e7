"""The answer commands as hybrid commands, generated from the command table.

``!search x --limit 3`` and ``/search query:x limit:3`` are the same command: its slash
options (types, 1-25 ranges, descriptions, autocomplete) are built from the parameters the
command table declares, and a prefix invocation hands the rest of the message to the table's
own text grammar, the one ``briefbot chat`` uses. Both then call the core with the same
keyword arguments and post the same messages.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Optional

import discord
from discord import app_commands
from discord.ext import commands

from bot import commands as core
from bot.cogs.replies import send_reply
from bot.errors import BriefbotError
from bot.grammar import Completion, Param
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

Option = tuple[str, str]  # (value, label shown in the picker)
Choices = list[app_commands.Choice[str]]


class ArgumentTooLong(BriefbotError):
    """An argument is longer than ``max_argument_length``: refused before any work is done."""


def check_lengths(kwargs: dict[str, Any], max_length: int) -> None:
    """Refuse any text argument longer than ``max_length`` characters.

    Raises
    ------
    ArgumentTooLong
        With a message for the user that gives both numbers.
    """
    for value in kwargs.values():
        if isinstance(value, str) and len(value) > max_length:
            raise ArgumentTooLong(
                f"That is too long for me: {len(value)} characters, and I take at most "
                f"{max_length}. Try fewer words.")


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


OPTION_SOURCES: dict[Completion, Callable[[KnowledgeBase], list[Option]]] = {
    "topics": topic_options, "people": people_options, "documents": document_options}


class Answers(commands.Cog):
    """What the answer commands share; :data:`Briefing` adds the commands from the table."""

    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot
        #: Autocomplete options by source, built once at load.
        self.choices: dict[Completion, list[Option]] = {}

    async def cog_load(self) -> None:
        await self.on_knowledge_reloaded(self.bot.kb)

    @commands.Cog.listener()
    async def on_knowledge_reloaded(self, kb: KnowledgeBase) -> None:
        # Built once per knowledge base, off the event loop; autocomplete only filters lists.
        self.choices = await asyncio.to_thread(
            lambda: {source: build(kb) for source, build in OPTION_SOURCES.items()})

    def complete(self, source: Completion, current: str) -> Choices:
        """Autocomplete choices from one source for what was typed so far."""
        return match_choices(self.choices.get(source, []), current[:CHOICE_LIMIT])

    async def answer(self, ctx: commands.Context[BriefBot], name: str,
                     options: dict[str, Any]) -> None:
        """Parse, check, run off the loop (deferring a slow slash command), send the answer."""
        if ctx.interaction is None:  # a prefix command: the rest of the message, our grammar
            options = core.COMMANDS[name].parse(ctx.view.read_rest())
        check_lengths(options, self.bot.settings.max_argument_length)
        work = asyncio.ensure_future(self.bot.answer_for(name, **options))
        try:
            if ctx.interaction is not None:
                done, _ = await asyncio.wait({work}, timeout=DEFER_AFTER)
                if not done:
                    await ctx.defer()
            answer = await work
        finally:
            work.cancel()  # no-op when done; never leave it running after a failed defer
        await send_reply(ctx, answer)


# ------------------------------------------------------------------ commands from the table


class TableCommand(commands.HybridCommand[Any, ..., None]):
    """A hybrid command whose prefix form is parsed by the command table's grammar.

    discord.py would split the message by the callback's signature, which is the slash
    signature; instead the callback reads the rest of the message itself (``answer``).
    """

    def __init__(self, func: Any, /, **kwargs: Any) -> None:
        signature = func.__signature__
        super().__init__(func, **kwargs)
        # HybridAppCommand deletes __signature__ after reading it; copies need it again.
        func.__signature__ = signature

    async def _parse_arguments(self, ctx: commands.Context[Any]) -> None:
        if ctx.interaction is not None:
            await super()._parse_arguments(ctx)
            return
        ctx.args = [ctx] if self.cog is None else [self.cog, ctx]
        ctx.kwargs = {}


def _annotation(param: Param) -> Any:
    if param.kind is str:
        annotation: Any = str
    else:  # app_commands.Range: commands.Range inside Optional gets no min/max in hybrids
        annotation = app_commands.Range[int, param.minimum, param.maximum]
    return Optional[annotation] if param.default is None else annotation  # noqa: UP045


def _completer(source: Completion) -> Callable[[discord.Interaction[Any], str],
                                               Awaitable[Choices]]:
    async def complete(interaction: discord.Interaction[Any], current: str) -> Choices:
        cog = interaction.client.get_cog("Briefing")
        return cog.complete(source, current) if isinstance(cog, Answers) else []
    return complete


def table_command(spec: core.Command) -> TableCommand:
    """The hybrid command for one entry of the command table."""
    async def callback(self: Answers, ctx: commands.Context[BriefBot], **options: Any) -> None:
        await self.answer(ctx, spec.name, options)

    shown = [p for p in spec.params if not p.hidden]
    # discord.py reads parameters with its own inspect.Parameter subclass.
    positional, keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY
    callback.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        commands.Parameter("self", positional),
        commands.Parameter("ctx", positional),
        *(commands.Parameter(p.name, keyword, annotation=_annotation(p),
                             default=inspect.Parameter.empty if p.required else p.default)
          for p in shown)])
    callback.__name__ = spec.name
    callback.__qualname__ = f"Briefing.{spec.name}"  # a method: discord.py skips `self`
    callback.__doc__ = spec.summary
    app_commands.describe(**{p.name: p.help for p in shown})(callback)
    app_commands.autocomplete(**{p.name: _completer(p.complete) for p in shown
                                 if p.complete})(callback)
    return TableCommand(callback, name=spec.name, description=spec.summary)


#: brief, who, topics, search, sources, source and help. Built by the cog metaclass itself,
#: which collects commands only from the class namespace it creates (the digest group lives in
#: its own cog).
Briefing = commands.CogMeta("Briefing", (Answers,), {
    "__doc__": "The answer commands of the command table.",
    **{spec.name: table_command(spec) for spec in core.COMMANDS.values() if spec.terminal}})


async def setup(bot: BriefBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Briefing(bot))
