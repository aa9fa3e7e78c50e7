"""Result objects as terminal text: the same templates as Discord, laid out for a terminal.

The CLI renders with the very templates the bot uses (``prompts/*.md.j2``), so a user who
restyles a reply by editing one template restyles it everywhere, and the brief and person
layouts are written once. Two things differ:

* corpus and user text is not markdown-escaped (a terminal would show ``\\[`` and ``000\\_x``);
  it is shielded instead, so a ``*`` or `` ` `` in the corpus is never taken for markup;
* the templates' own markup is turned into terminal styling afterwards: ``**bold**`` and
  ``*italic*`` become ANSI bold and italic, `` `code` `` cyan, ``> quote`` an indented bar,
  ``-# note`` dim; without colour (piped output, ``NO_COLOR``) they become plain text.

On a terminal, lines are also folded to its width, list items and quotes with a hanging
indent; piped output keeps one line per paragraph, so scripts see stable lines.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
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

_SGR = re.compile(r"\x1b\[[0-9;]*m")
# What a folded line's continuations hang under: leading spaces, then a list or citation
# marker (`1.`, `•`, `↳`, `—`, `¶3`, styled or not) or a quote's bar, then a space.
_LEAD = re.compile(r" *(?:(?:\x1b\[[0-9;]*m)?(?:(?P<bar>│)|\d+\.|[•↳—]|¶\d+)(?:\x1b\[0m)? )?")
# Characters a terminal draws nothing for (text presentation, zero-width space and joiners).
_ZERO_WIDTH = frozenset("\ufe0e\u200b\u200c\u200d")
_EMOJI_STYLE = "\ufe0f"  # variation selector 16: show the character before it as an emoji


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


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes: styling none, CJK and emoji two each."""
    width = last = 0
    for char in _SGR.sub("", text):
        if char == _EMOJI_STYLE:  # draws the narrow symbol before it as a wide emoji (🗂️)
            width, last = width + 2 - last, 2
        elif char in _ZERO_WIDTH or unicodedata.combining(char):
            continue
        else:
            last = 2 if unicodedata.east_asian_width(char) in "WF" else 1
            width += last
    return width


def fold(text: str, width: int) -> str:
    """Fold each line of ``text`` wider than ``width`` columns at its spaces.

    Continuations hang under the text after a list marker or repeat a quote's bar. A word is
    never split, so a citation (``doc-id#p7``) or a URL stays whole even when it is wider
    than the terminal (which then wraps it itself).
    """
    return "\n".join(_fold_line(line, width) for line in text.split("\n"))


def _fold_line(line: str, width: int) -> str:
    if columns(line) <= width:
        return line
    lead = _LEAD.match(line)
    assert lead is not None  # every part of the pattern is optional
    start = lead.group(0)
    hang = start if lead.group("bar") else " " * columns(start)
    if columns(hang) > width // 2:  # a deep indent on a narrow terminal: no room to hang
        hang = ""
    lines: list[str] = []
    current, used, bare = start, columns(start), True  # bare: no word on this line yet
    for word in line[len(start):].split(" "):
        size = columns(word)
        if not bare and used + 1 + size > width:
            lines.append(current)
            current, used, bare = hang, columns(hang), True
        if not bare:
            current, used = current + " ", used + 1
        current, used, bare = current + word, used + size, False
    lines.append(current)
    return "\n".join(lines)


class TerminalRenderer:
    """Renders result objects as text for a terminal (colour and folding optional)."""

    def __init__(self, colour: bool = False, override_dir: Path | None = None,
                 fold: bool = False) -> None:
        self.colour = colour
        self.folding = fold  # to the terminal's width, read at each reply (it may be resized)
        self.templates = Renderer(override_dir, escape=shield)

    def render(self, kind: str, result: Any, **extra: Any) -> str:
        """The reply for ``result`` (template ``kind``), with markup turned into styling."""
        return self.text(self.templates.render(kind, result, **extra))

    def text(self, message: str) -> str:
        """A message written with inline markup (an error, a hint) as terminal text."""
        text = to_terminal(message, self.colour)
        return fold(text, shutil.get_terminal_size().columns) if self.folding else text
