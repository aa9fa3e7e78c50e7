"""Command parameters, declared once, and the text grammar every front-end reads them with.

A :class:`Param` says what a command takes: name, type, range, default, help text and where
autocomplete gets its choices. The command table (:mod:`bot.commands`) lists them; from it the
CLI builds its argparse subcommands, the Discord cog its slash options, ``help`` its usage
lines, and this module parses the text of a chat line or prefix command (``!search x --limit
3``) and of slash syntax typed as text (``/search query:x limit:3``). Chat and the bot call the
same functions here, so one line means the same thing in both.

Pure functions, no discord import.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.errors import UsageError
from bot.outgoing import echo  # user input quoted back: clipped, defused

#: How many results a ``--limit`` may ask for: enough to read, few enough for a reply.
LIMIT_RANGE = (1, 25)

#: A parameter without a default must be given.
REQUIRED: Any = object()

#: How a positional parameter takes its words: all the rest, joined (``QUERY``), or one word.
Words = Literal["rest", "one"]
#: Where autocomplete takes its choices from (the Discord cog maps these to option lists).
Completion = Literal["topics", "people", "documents"]
#: The syntaxes an example is shown in: chat/prefix text, a shell command line, slash options.
Style = Literal["text", "shell", "slash"]

_NEGATIVE_NUMBER = re.compile(r"^-\d+$|^-\d*\.\d+$")


@dataclass(frozen=True)
class Param:
    """One parameter of a command, as every front-end offers it."""

    #: Keyword of the core call, the slash option and the CLI's ``--name``.
    name: str
    help: str
    #: ``str`` or ``int``; an ``int`` is a ``--name N`` option, a ``str`` a positional.
    kind: type = str
    words: Words = "rest"
    default: Any = REQUIRED
    minimum: int | None = None
    maximum: int | None = None
    complete: Completion | None = None
    #: Text-only and left out of usage lines and slash options (``help``'s "what you typed").
    hidden: bool = False
    #: Shown in usage lines: ``QUERY``, ``ID``, ``N``.
    metavar: str = ""

    @property
    def is_option(self) -> bool:
        """Options are typed ``--name N``; everything else is positional."""
        return self.kind is not str

    @property
    def required(self) -> bool:
        """Whether the command cannot run without it."""
        return self.default is REQUIRED

    @property
    def shown(self) -> str:
        """The metavar in usage lines."""
        return self.metavar or ("N" if self.is_option else self.name.upper())

    def value(self, raw: str) -> Any:
        """The value of ``raw`` for this parameter.

        Raises
        ------
        ValueError
            Saying what is wrong without naming the parameter (``must be a whole number from
            1 to 25, not 26``): each syntax names it its own way.
        """
        if self.kind is str:
            return raw
        wants = (f"must be a whole number from {self.minimum} to {self.maximum}"
                 if self.minimum is not None and self.maximum is not None
                 else "must be a whole number")
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"{wants}, not `{echo(raw)}`") from None
        low, high = self.minimum, self.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValueError(f"{wants}, not {value}")
        return value


def limit(what: str, default: int | None) -> Param:
    """The ``--limit N`` option, with the one range every command shares."""
    shown_default = f", default {default}" if default is not None else ""
    low, high = LIMIT_RANGE
    return Param("limit", f"How many {what} ({low}-{high}{shown_default})", kind=int,
                 default=default, minimum=low, maximum=high)


def split_words(text: str) -> list[str]:
    """Shell-style words (``"Nobuo Kishi"`` is one); plain whitespace when quotes don't pair up.

    An apostrophe in ``China's navy`` must not make the command fail, hence the fallback.
    """
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _looks_like_option(word: str) -> bool:
    return word.startswith("-") and word != "-" and not _NEGATIVE_NUMBER.match(word)


def _unknown_option(word: str, params: Sequence[Param]) -> UsageError:
    options = [p for p in params if p.is_option]
    offered = (" It takes " + ", ".join(f"`--{p.name} {p.shown}`" for p in options) + "."
               if options else " It takes no options.")
    return UsageError(f"Unknown option `{echo(word)}`.{offered} To look for a word that starts "
                      f"with `-`, put `--` before it.")


def parse_text(params: Sequence[Param], text: str) -> dict[str, Any]:
    """Keyword arguments from the text after a command name (``x --limit 3``).

    Options may stand anywhere (``--limit 3`` or ``--limit=3``); ``--`` ends them. Free text
    is joined back with single spaces. Every parameter absent from the text gets its default.

    Raises
    ------
    UsageError
        For an unknown option, a missing or bad option value, a missing required argument, or
        words left over; the caller adds the usage line.
    """
    return parse_words(params, split_words(text))


def parse_words(params: Sequence[Param], words: Sequence[str]) -> dict[str, Any]:
    """:func:`parse_text` for text already split into words."""
    options = {p.name: p for p in params if p.is_option}
    positional_params = [p for p in params if not p.is_option]
    values: dict[str, Any] = {}
    positional: list[str] = []
    options_done = False
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if options_done or not _looks_like_option(word):
            positional.append(word)
            continue
        if word == "--":
            options_done = True
            continue
        name, has_value, raw = word.removeprefix("--").partition("=")
        param = options.get(name) if word.startswith("--") else None
        if param is None:
            raise _unknown_option(word.partition("=")[0], params)
        if not has_value:
            if index >= len(words) or _looks_like_option(words[index]):
                raise UsageError(f"`--{name}` needs a value: `--{name} {param.shown}`.")
            raw = words[index]
            index += 1
        try:
            values[name] = param.value(raw)
        except ValueError as exc:
            raise UsageError(f"`--{name}` {exc}.") from None

    for param in positional_params:
        if positional:
            taken = positional if param.words == "rest" else positional[:1]
            positional = positional[len(taken):]
            values[param.name] = " ".join(taken)
        elif param.required:
            raise UsageError(f"Missing {param.shown} ({param.help[0].lower()}{param.help[1:]}).")
    if positional:
        raise UsageError(f"Too many words: `{echo(' '.join(positional))}`.")
    return {p.name: values.get(p.name, p.default) for p in params}


_SLASH_OPTION = re.compile(r"(?:(?<=\s)|^)([a-z_]+):")


def parse_slash_text(params: Sequence[Param], text: str) -> dict[str, Any]:
    """Keyword arguments from slash syntax typed as text: ``query:coast guard limit:3``.

    An option's value runs to the next ``name:`` of one of the command's options, as in
    Discord's own input box; an unknown ``name:`` is part of the value before it.

    Raises
    ------
    UsageError
        For text before the first option, an unknown option, a missing required option or a
        value out of range.
    """
    offered = {p.name: p for p in params if not p.hidden}
    marks = [m for m in _SLASH_OPTION.finditer(text) if m.group(1) in offered]
    lead = text[:marks[0].start()] if marks else text
    if lead.strip():
        hint = " ".join(f"{p.name}:…" for p in offered.values())
        raise UsageError(f"Slash options are typed as `name:value`"
                         f"{' (' + hint + ')' if hint else ''}; "
                         f"`{echo(lead)}` is not one.")
    values: dict[str, Any] = {}
    ends = [m.start() for m in marks[1:]] + ([len(text)] if marks else [])
    for mark, end in zip(marks, ends, strict=True):
        name, raw = mark.group(1), text[mark.end():end].strip()
        if not raw:
            raise UsageError(f"`{name}:` needs a value.")
        param = offered[name]
        try:
            values[name] = param.value(raw)
        except ValueError as exc:
            raise UsageError(f"`{name}:` {exc}.") from None
    for param in params:
        if param.name not in values:
            if param.required:
                raise UsageError(f"Missing `{param.name}:`.")
            values[param.name] = param.default
    return values


def synopsis(params: Sequence[Param], slash: bool = False) -> str:
    """The arguments part of a usage line: ``QUERY [--limit N]``, or ``query:… [limit:…]``."""
    parts = []
    for p in params:
        if p.hidden:
            continue
        shown = f"{p.name}:…" if slash else f"--{p.name} {p.shown}" if p.is_option else p.shown
        parts.append(shown if p.required else f"[{shown}]")
    return " ".join(parts)


def example_args(params: Sequence[Param], values: dict[str, str], style: Style) -> str:
    """The arguments of a working example in one syntax: chat/prefix text, shell or slash."""
    parts = []
    for p in params:
        if p.name not in values:
            continue
        value = values[p.name]
        if style == "slash":
            parts.append(f"{p.name}:{value}")
        elif p.is_option:
            parts.append(f"--{p.name} {value}")
        elif style == "shell":
            parts.append(" ".join(shlex.quote(word) for word in value.split()))
        else:
            parts.append(value)
    return " ".join(parts)
