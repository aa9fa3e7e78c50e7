"""Arguments of text (prefix) commands: ``!search senkaku --limit 3`` → keyword arguments.

Slash commands get typed options from Discord; a prefix command gets the rest of the message as
one string. This module turns that string into the keyword arguments of
:func:`bot.commands.run` with the grammar the CLI's ``chat`` REPL uses (shell-style words, the
words joined back for free-text arguments, ``--limit N`` or ``--limit=N`` anywhere), and words
its errors the same way, so ``!search x --limit 99`` gets the reply ``chat`` prints.

Pure functions, no discord import: tested directly.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any

from bot.errors import BriefbotError, UsageError

#: The range the CLI accepts for ``--limit`` (and the slash commands' ``limit`` option).
LIMIT_MIN, LIMIT_MAX = 1, 25

_NEGATIVE_NUMBER = re.compile(r"^-\d+$|^-\d*\.\d+$")


class ArgumentTooLong(BriefbotError):
    """An argument is longer than ``max_argument_length``: refused before any work is done."""


@dataclass(frozen=True)
class Grammar:
    """How one command reads its text arguments."""

    #: Keyword of the core call (``query``), or None for commands without arguments.
    dest: str | None = None
    #: The name error messages show (the CLI's: ``query``, ``ID``).
    shown: str = ""
    #: Several words joined into one argument (``nargs="+"``) rather than exactly one word.
    joined: bool = True
    #: Whether ``--limit N`` is accepted, and its default when absent.
    has_limit: bool = False
    limit_default: int | None = None


#: The text grammar of every prefix command that takes arguments (``help`` takes none).
GRAMMARS: dict[str, Grammar] = {
    "brief": Grammar("topic", "topic", has_limit=True, limit_default=None),
    "who": Grammar("name", "name"),
    "topics": Grammar(),
    "search": Grammar("query", "query", has_limit=True, limit_default=5),
    "sources": Grammar(),
    "source": Grammar("ident", "ID", joined=False),
    "help": Grammar(),
}


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


def _limit(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(f"argument --limit: not a whole number: {raw!r}") from None
    if not LIMIT_MIN <= value <= LIMIT_MAX:
        raise UsageError(
            f"argument --limit: must be between {LIMIT_MIN} and {LIMIT_MAX}, not {value}")
    return value


def missing_message(grammar: Grammar) -> str:
    """The problem reported when the required argument is absent."""
    return f"the following arguments are required: {grammar.shown}"


def parse_prefix(name: str, text: str) -> dict[str, Any]:
    """Keyword arguments of command ``name`` from the text after it.

    Raises
    ------
    UsageError
        Worded as the CLI words it (``argument --limit: ...``, ``the following arguments are
        required: query``, ``unrecognized arguments: ...``); the caller adds the usage line.
    """
    grammar = GRAMMARS[name]
    words = split_words(text)
    positional: list[str] = []
    limit = grammar.limit_default
    options_done = False
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if options_done:
            positional.append(word)
        elif word == "--":
            options_done = True
        elif grammar.has_limit and word.startswith("--limit="):
            limit = _limit(word.partition("=")[2])
        elif grammar.has_limit and word == "--limit":
            if index >= len(words) or _looks_like_option(words[index]):
                raise UsageError("argument --limit: expected one argument")
            limit = _limit(words[index])
            index += 1
        else:
            positional.append(word)

    kwargs: dict[str, Any] = {}
    if grammar.dest is None:
        extra = positional
    elif not positional:
        raise UsageError(missing_message(grammar))
    elif grammar.joined:
        kwargs[grammar.dest], extra = " ".join(positional), []
    else:
        kwargs[grammar.dest], extra = positional[0], positional[1:]
    if extra:
        raise UsageError(f"unrecognized arguments: {' '.join(extra)}")
    if grammar.has_limit:
        kwargs["limit"] = limit
    return kwargs


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
