"""The one Jinja2 environment over ``prompts/``, Discord-safe escaping and message splitting.

Templates produce Discord markdown. HTML autoescaping would be wrong for that, so it is off;
instead every piece of untrusted text (corpus text, echoed user input) goes through the ``md``
filter, which escapes Discord markdown and defuses mentions, or, inside a `` `code span` ``,
through the ``code`` filter: Discord shows a markdown escape literally in code, so there the
text is left as it is and only a backtick, which would end the span, is replaced (see
:func:`bot.outgoing.echo`). A user restyles replies by putting a template of the same name in
their own directory (``Renderer(override_dir=...)``), which is searched before the bundled one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jinja2

from bot.bundled import bundled_path
from bot.outgoing import MESSAGE_LIMIT, clip, defuse_mentions, echo, strip_controls

#: Bundled templates (the repository's ``prompts/``, packaged into a wheel).
BUNDLED_PROMPTS = bundled_path("prompts")

_MARKDOWN_RE = re.compile(r"([\\*_~`|\[\]])")  # ">" and "#" only matter at a line start
_LINE_START_RE = re.compile(r"^(\s*)([#>-])", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Show ``text`` literally in Discord: escape markdown and defuse every ``@`` mention.

    Discord renders the escaped text as the original characters, so quoted corpus text still
    reads verbatim; ``@everyone`` gets a zero-width space after the ``@`` so it pings nobody
    even where ``allowed_mentions`` is not in force; control characters (bidirectional ones
    included) are dropped so they cannot flip or recolour the rest of the reply.
    """
    text = strip_controls(text)
    text = _MARKDOWN_RE.sub(r"\\\1", text)
    text = _LINE_START_RE.sub(r"\1\\\2", text)
    return defuse_mentions(text, everything=True)


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split a reply into Discord messages of at most ``limit`` characters.

    Splits at blank lines (the boundaries between points) where it can, then at line
    breaks, then between words; never inside a word unless a single word is too long.
    """
    if limit < 20:
        raise ValueError(f"limit must be at least 20 characters, got {limit}")
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    messages: list[str] = []
    current = ""
    for block in _pieces(text, limit):
        joined = f"{current}\n\n{block}" if current else block
        if len(joined) <= limit:
            current = joined
        else:
            messages.append(current)
            current = block
    if current:
        messages.append(current)
    return messages


def _pieces(text: str, limit: int) -> list[str]:
    """Blocks no longer than ``limit``: paragraphs, or lines/words of an over-long paragraph."""
    pieces: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        block = block.strip("\n")
        if len(block) <= limit:
            pieces.append(block)
            continue
        for part in _pack(block.split("\n"), "\n", limit):
            if len(part) <= limit:
                pieces.append(part)
            else:
                words = _pack(part.split(" "), " ", limit)
                pieces.extend(w[i:i + limit] for w in words for i in range(0, len(w), limit))
    return pieces


def _pack(parts: Sequence[str], sep: str, limit: int) -> list[str]:
    packed: list[str] = []
    current = ""
    for part in parts:
        joined = f"{current}{sep}{part}" if current else part
        if len(joined) <= limit or not current:
            current = joined
        else:
            packed.append(current)
            current = part
    if current:
        packed.append(current)
    return packed


class Renderer:
    """Renders result objects with ``<kind>.md.j2`` templates into Discord markdown."""

    def __init__(self, override_dir: Path | None = None,
                 escape: Callable[[str], str] = escape_markdown) -> None:
        loaders: list[jinja2.BaseLoader] = []
        if override_dir is not None:
            loaders.append(jinja2.FileSystemLoader(str(override_dir)))
        loaders.append(jinja2.FileSystemLoader(str(BUNDLED_PROMPTS)))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=False,  # Discord markdown, not HTML: see escape_markdown
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters["md"] = escape  # a terminal renders the same templates its own way
        self.env.filters["clip"] = clip
        # Inside a code span: the same for a terminal, where a span's text is literal too.
        self.env.filters["code"] = echo

    def render(self, kind: str, result: Any, **extra: Any) -> str:
        """Render ``result`` with ``prompts/<kind>.md.j2``; blank-line runs are collapsed."""
        text = self.env.get_template(f"{kind}.md.j2").render(r=result, **extra)
        return re.sub(r"\n{3,}", "\n\n", text).strip()

    def messages(self, kind: str, result: Any, limit: int = MESSAGE_LIMIT, **extra: Any
                 ) -> list[str]:
        """Render and split into Discord-sized messages."""
        return split_message(self.render(kind, result, **extra), limit)
