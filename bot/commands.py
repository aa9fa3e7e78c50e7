"""The command table every front-end shares: names, parameters, help text and the core call.

Each command declares its parameters once (:class:`bot.grammar.Param`). The CLI derives its
argparse subcommands from them, the chat REPL and the bot's prefix commands parse text with
:func:`bot.grammar.parse_text`, the Discord cog builds the slash options, and ``help`` shows
usage and examples in the syntax of the front-end asking. Every front-end then calls :func:`run`
with the same keyword arguments and renders the :class:`Reply` with the template of its kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot import answers  # each answer's module is imported when first run
from bot.errors import UsageError
from bot.grammar import Param, example_args, limit, parse_slash_text, parse_text, synopsis
from bot.knowledge import KnowledgeBase

#: The longest text argument any command accepts.
MAX_ARGUMENT_CHARS = 1000


@dataclass(frozen=True)
class Command:
    """One user-facing command."""

    name: str
    summary: str
    call: Callable[..., Any]
    params: tuple[Param, ...] = ()
    #: Values of a working example (``{"query": "senkaku"}``); ``{doc}`` names a document.
    example: Mapping[str, str] = field(default_factory=dict)
    #: Where the grammar lives elsewhere (the digest group): the arguments ``help`` shows,
    #: and an example as text and as slash options.
    args: str | None = None
    examples: tuple[str, str] = ("", "")
    #: Answered in a terminal (the CLI and ``chat``); the digest group is Discord's alone.
    terminal: bool = True

    def synopsis(self, slash: bool = False) -> str:
        """``QUERY [--limit N]`` (or ``query:… [limit:…]``): how its arguments are typed."""
        return self.args if self.args is not None else synopsis(self.params, slash)

    def parse(self, text: str) -> dict[str, Any]:
        """Keyword arguments of :func:`run` from chat or prefix text (``x --limit 3``)."""
        return parse_text(self.params, text)

    def parse_slash(self, text: str) -> dict[str, Any]:
        """Keyword arguments from slash syntax typed as text (``query:x limit:3``)."""
        return parse_slash_text(self.params, text)


@dataclass(frozen=True)
class Reply:
    """What a command produced: the template ``kind`` and the result object to render."""

    kind: str
    result: Any


@dataclass(frozen=True)
class HelpEntry:
    """A line of ``help``: the command and its example in every syntax."""

    name: str
    summary: str
    args: str  # QUERY [--limit N]
    slash_args: str  # query:… [limit:…]
    example: str  # as chat and prefix commands type it
    shell_example: str  # as a shell command line quotes it
    slash_example: str
    terminal: bool


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
    entries = []
    for c in COMMANDS.values():
        values = {key: value.format(doc=doc) for key, value in c.example.items()}
        text, slash = c.examples if c.args is not None else (
            example_args(c.params, values, "text"), example_args(c.params, values, "slash"))
        entries.append(HelpEntry(c.name, c.summary, c.synopsis(), c.synopsis(slash=True), text,
                                 example_args(c.params, values, "shell"), slash, c.terminal))
    suggestions = _close_commands(unknown) if unknown else None
    return HelpResult(entries, unknown, suggestions)


def _close_commands(name: str) -> list[str]:
    """Command names close to a mistyped ``name``."""
    from bot.answers.suggest import close_matches  # rapidfuzz: only for a mistyped command

    return close_matches(name, list(COMMANDS), cutoff=60)


def _digest_here(kb: KnowledgeBase, **_: Any) -> None:
    raise UsageError("Digests are posted on Discord. In a terminal, `briefbot digest` shows "
                     "what would be posted now and `briefbot digest --schedule` the next runs.")


COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        Command("brief", "A cited briefing: the corpus's key points on a topic, each quoted once.",
                lambda kb, topic, limit: answers.brief(kb, topic, limit),
                (Param("topic", "A topic (see topics) or any words", complete="topics"),
                 limit("points", None)),
                {"topic": "proposals"}),
        Command("who", "A card on a person: roles, quotes and mentions, all cited.",
                lambda kb, name: answers.who(kb, name),
                (Param("name", "A name, surname or alias", complete="people"),),
                {"name": "Kishi"}),
        Command("topics", "The topics you can brief on.", lambda kb: answers.topics(kb)),
        Command("search", "Ranked passages for any words, each cited.",
                lambda kb, query, limit: answers.search(kb, query, limit),
                (Param("query", "Words to search for"), limit("passages", 5)),
                {"query": "how far is Taiwan from Japan"}),
        Command("sources", "The articles in the knowledge base, with their metadata.",
                lambda kb: answers.sources(kb)),
        Command("source", "One article in full, or one paragraph (ID#p3).",
                lambda kb, id: answers.source(kb, id),
                (Param("id", "A document id, or a paragraph like doc#p3", words="one",
                       complete="documents"),),
                {"id": "{doc}"}),
        Command("digest", "Briefings posted to a channel on a schedule (subscribe, list and "
                "remove need Manage Server).", _digest_here,
                args="preview [TOPIC] · list · subscribe · remove ID",
                examples=("preview proposals", "preview topic:proposals"), terminal=False),
        Command("help", "Every command, with an example of each form.", _help,
                (Param("unknown", "A command you tried", words="one", default=None,
                       hidden=True),)),
    )
}


def usage_line(prefix: str, name: str, slash: bool = False) -> str:
    """``!search QUERY [--limit N]``: how command ``name`` is typed after ``prefix``.

    ``prefix`` is the bot's (``!``), ``/`` with ``slash`` for slash options, or ``briefbot ``
    for a shell.
    """
    return f"{prefix}{name} {COMMANDS[name].synopsis(slash)}".strip()


def usage_problem(problem: str, name: str, prefix: str, slash: bool = False) -> str:
    """The reply to a usage error in command ``name``: what is wrong, then how it is typed."""
    return f"⚠️ {problem}\nUsage: `{usage_line(prefix, name, slash)}`"


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
        hints = _close_commands(name)
        hint = f" Did you mean `{hints[0]}`?" if hints else ""
        raise UsageError(f"Unknown command `{name}`.{hint} Try `help`.")
    defaults = {p.name: p.default for p in command.params if not p.required}
    return Reply(name, command.call(kb, **(defaults | kwargs)))
