"""Result objects as terminal text: the same templates as Discord, laid out for a terminal.

The CLI renders with the very templates the bot uses (``prompts/*.md.j2``), so a user who
restyles a reply by editing one template restyles it everywhere, and the brief and person
layouts are written once. Two things differ:

* corpus and user text is not markdown-escaped (a terminal would show ``\\[`` and ``000\\_x``);
  it is shielded instead, so a ``*`` or `` ` `` in the corpus is never taken for markup;
* the templates' own markup is turned into terminal styling afterwards: ``**bold**`` and
  ``*italic*`` become ANSI bold and italic, `` `code` `` cyan, ``> quote`` an indented bar,
  ``-# note`` dim; without colour (piped output, ``NO_COLOR``) they become plain text.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, TextIO

from bot.outgoing import outgoing
from bot.render import Renderer

#: Characters the templates use as markup; corpus text is shielded from being read as such.
_MARKUP = "*_`~|>#-\\[]"
# Private-use code points stand in for those characters inside literal text until the markup
# has been converted; corpus text never contains them (the analyzer would not index them).
_SHIELD = {ord(c): chr(0xE000 + i) for i, c in enumerate(_MARKUP)}
_UNSHIELD = {ord(shielded): chr(original) for original, shielded in _SHIELD.items()}

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])|(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)")
_CODE = re.compile(r"`([^`\n]+)`")
_QUOTE = re.compile(r"^> ?", re.MULTILINE)
_SMALL = re.compile(r"^-# (.*)$", re.MULTILINE)

#: ANSI styles (SGR codes).
STYLES = {"bold": "1", "dim": "2", "italic": "3", "code": "36"}


def shield(text: str) -> str:
    """Mark ``text`` as literal: its characters will not be taken for markup."""
    return str(text).translate(_SHIELD)


def use_colour(stream: TextIO, environ: dict[str, str] | None = None) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org)."""
    env = os.environ if environ is None else environ
    return bool(getattr(stream, "isatty", lambda: False)()) and not env.get("NO_COLOR")


def to_terminal(text: str, colour: bool) -> str:
    """Turn the templates' Discord markup into terminal styling, or into plain text."""
    # Cleaned first (bot.outgoing): the only escape sequences that reach a terminal are ours.
    text = outgoing(text, "terminal")

    def style(name: str) -> Any:
        def apply(match: re.Match[str]) -> str:
            inner = next(g for g in match.groups() if g is not None)
            return f"\x1b[{STYLES[name]}m{inner}\x1b[0m" if colour else inner
        return apply

    # Code first: what a code span holds is literal, as in markdown (`!search *x*`).
    text = _CODE.sub(lambda m: style("code")(m).translate(_SHIELD), text)
    text = _BOLD.sub(style("bold"), text)
    text = _ITALIC.sub(style("italic"), text)
    text = _SMALL.sub(style("dim"), text)
    bar = "\x1b[2m│\x1b[0m " if colour else "  "
    text = _QUOTE.sub("  " + bar, text)
    return text.translate(_UNSHIELD)


class TerminalRenderer:
    """Renders result objects as text for a terminal (colour optional)."""

    def __init__(self, colour: bool = False, override_dir: Path | None = None) -> None:
        self.colour = colour
        self.templates = Renderer(override_dir, escape=shield)

    def render(self, kind: str, result: Any, **extra: Any) -> str:
        """The reply for ``result`` (template ``kind``), with markup turned into styling."""
        return to_terminal(self.templates.render(kind, result, **extra), self.colour)

    def text(self, message: str) -> str:
        """A message written with inline markup (an error, a hint) as terminal text."""
        return to_terminal(message, self.colour)
