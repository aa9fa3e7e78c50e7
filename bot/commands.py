"""The command table every front-end shares: names, usage, help text and the core call.

The CLI, the chat REPL and the Discord cogs parse arguments their own way, then call
:func:`run` with the same names and get back a :class:`Reply` to render with the template of
the same kind. Adding a command here makes it known to ``help`` everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot import answers
from bot.answers.suggest import close_matches
from bot.errors import UsageError
from bot.knowledge import KnowledgeBase

#: The longest text argument any command accepts.
MAX_ARGUMENT_CHARS = 1000


@dataclass(frozen=True)
class Command:
    """One user-facing command."""

    name: str
    args: str  # e.g. "QUERY [--limit N]"
    summary: str
    example: str  # arguments of a working example, e.g. "senkaku"
    slash_example: str  # the same as slash-command options, e.g. "query:senkaku"
    call: Callable[..., Any]


@dataclass(frozen=True)
class Reply:
    """What a command produced: the template ``kind`` and the result object to render."""

    kind: str
    result: Any


@dataclass(frozen=True)
class HelpEntry:
    """A line of ``help``."""

    name: str
    args: str
    summary: str
    example: str
    slash_example: str


@dataclass(frozen=True)
class HelpResult:
    """The answer to ``help``."""

    commands: list[HelpEntry]
    unknown: str | None = None
    suggestions: list[str] | None = None


def _help(kb: KnowledgeBase, unknown: str | None = None) -> HelpResult:
    if unknown in COMMANDS:  # `help search` asks about a known command: the list answers it
        unknown = None
    # Examples may name a document; use one that exists in this knowledge base.
    doc = next(iter(kb.corpus.documents), "doc-id")
    entries = [HelpEntry(c.name, c.args, c.summary, c.example.format(doc=doc),
                         c.slash_example.format(doc=doc)) for c in COMMANDS.values()]
    suggestions = close_matches(unknown, list(COMMANDS), cutoff=60) if unknown else None
    return HelpResult(entries, unknown, suggestions)


def _digest_here(kb: KnowledgeBase, **_: Any) -> None:
    raise UsageError("Digests are posted on Discord. In a terminal, `briefbot digest` shows "
                     "what would be posted now and `briefbot digest --schedule` the next runs.")


COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        Command("brief", "TOPIC [--limit N]",
                "A cited briefing: the corpus's key points on a topic, each quoted once.",
                "proposals", "topic:proposals",
                lambda kb, topic, limit=None: answers.brief(kb, topic, limit)),
        Command("who", "NAME", "A card on a person: roles, quotes and mentions, all cited.",
                "Kishi", "name:Kishi", lambda kb, name: answers.who(kb, name)),
        Command("topics", "", "The topics you can brief on.", "", "",
                lambda kb: answers.topics(kb)),
        Command("search", "QUERY [--limit N]", "Ranked passages for any words, each cited.",
                "how far is Taiwan from Japan", "query:how far is Taiwan from Japan",
                lambda kb, query, limit=5: answers.search(kb, query, limit)),
        Command("sources", "", "The articles in the knowledge base, with their metadata.",
                "", "", lambda kb: answers.sources(kb)),
        Command("source", "ID", "One article in full, or one paragraph (ID#p3).",
                "{doc}", "id:{doc}", lambda kb, ident: answers.source(kb, ident)),
        Command("digest", "preview [TOPIC] · list · subscribe · remove ID",
                "Briefings posted to a channel on a schedule (subscribe, list and remove need "
                "Manage Server).", "preview proposals", "preview topic:proposals", _digest_here),
        Command("help", "", "Every command, with an example of each form.", "", "", _help),
    )
}


def usage_line(prefix: str, name: str) -> str:
    """``!search QUERY [--limit N]``: how command ``name`` is typed."""
    return f"{prefix}{name} {COMMANDS[name].args}".strip()


def run(kb: KnowledgeBase, name: str, /, **kwargs: Any) -> Reply:
    """Run command ``name`` against the knowledge base.

    Raises
    ------
    UsageError
        For an unknown command (with suggestions) or arguments the command rejects.
    """
    for key, value in kwargs.items():
        # Every front-end gets the same ceiling; Discord adds its own, lower one from settings.
        if isinstance(value, str) and len(value) > MAX_ARGUMENT_CHARS:
            raise UsageError(f"That {key} is {len(value):,} characters long; the most I take is "
                             f"{MAX_ARGUMENT_CHARS:,}.")
    command = COMMANDS.get(name)
    if command is None:
        hints = close_matches(name, list(COMMANDS), cutoff=60)
        hint = f" Did you mean `{hints[0]}`?" if hints else ""
        raise UsageError(f"Unknown command `{name}`.{hint} Try `help`.")
    return Reply(name, command.call(kb, **kwargs))
