"""Hygiene of every outgoing text: the last step before anything is sent to Discord or printed.

:func:`outgoing` is the one function every reply, error, digest post and line of CLI output
passes through. It is idempotent (cleaning a clean text changes nothing), so a text that
passes two hooks on its way out is not altered twice. :func:`echo` is for the other end:
a piece of user input quoted back inside a reply, clipped and unable to break out of the
code span it is shown in.

The functions here are plain text in, text out; the front-ends (``bot.cli``,
``bot.discord_bot``, the digest poster) call them, the core never needs to.
"""

from __future__ import annotations

import io
import re
from typing import Literal, TextIO, cast

#: Discord's limit on the content of one message.
MESSAGE_LIMIT = 2000
#: How much of a piece of user input is quoted back in a reply (a command word, an argument).
ECHO_LIMIT = 60

ZERO_WIDTH_SPACE = "\u200b"
# C0 controls except tab and newline (ESC, NUL, BEL, CR…), DEL, C1 controls, and the Unicode
# bidirectional marks, embeddings, overrides and isolates: echoed, they would move the cursor,
# recolour the terminal or reverse the rest of the reply.
_CONTROLS_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                          "\u2066-\u2069]")
# Mentions that notify: @everyone, @here, users <@id> / <@!id> and roles <@&id>. The lookahead
# stops at an inserted zero-width space, which is what makes defusing idempotent.
_PING_RE = re.compile(r"@(?=(?:everyone|here)\b)|<@(?=[!&]?\d)", re.IGNORECASE)
# Everything that could look like a mention in echoed text: any "@word", and channel links.
_ANY_MENTION_RE = re.compile(r"@(?=[^\s\u200b])|<(?=#)")

# Terminal colour and style (Select Graphic Rendition) sequences, the only ones the CLI writes.
_SGR_RE = re.compile(r"\x1b\[[0-9;]*m")

Medium = Literal["discord", "terminal"]


def strip_controls(text: str) -> str:
    """``text`` without control characters (tab and newline kept; CRLF becomes LF)."""
    return _CONTROLS_RE.sub("", text.replace("\r\n", "\n"))


def defuse_mentions(text: str, *, everything: bool = False) -> str:
    """Put a zero-width space into every mention that would notify someone.

    Discord shows the text unchanged but parses no mention, even where ``allowed_mentions``
    is not in force. With ``everything``, also any ``@word`` and channel links (``<#id>``):
    for user input quoted back, which should never turn into a link.
    """
    pattern = _ANY_MENTION_RE if everything else _PING_RE
    return pattern.sub(lambda m: m[0] + ZERO_WIDTH_SPACE, text)


def clip(text: str, limit: int) -> str:
    """Cut ``text`` at a word boundary to at most ``limit`` characters, marking the cut.

    Runs of whitespace become one space: for a title or a quoted argument, not for a message.
    """
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    if text[len(cut)] != " ":  # the cut falls inside a word: drop the partial word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def fit(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """``text`` if it fits in ``limit`` characters, else cut at a line or word break and marked.

    A last resort: front-ends split long replies into pages first (``render.split_message``);
    this only catches a message that no one split, so it never reaches Discord as a 400.
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    for sep in ("\n", " "):
        at = cut.rfind(sep)
        if at >= limit // 2:
            cut = cut[:at]
            break
    return cut.rstrip() + "…"


def outgoing(text: str, medium: Medium = "discord", *, limit: int = MESSAGE_LIMIT) -> str:
    """The text as it may leave the bot: the one function every outgoing text passes through.

    Control characters are removed everywhere. For Discord, notifying mentions are defused
    and the message is fitted to ``limit`` (Discord refuses longer ones outright); a terminal
    has no mentions and no limit.
    """
    text = strip_controls(str(text))
    if medium == "terminal":
        return text
    return fit(defuse_mentions(text), limit)


def echo(text: str, limit: int = ECHO_LIMIT) -> str:
    """User input quoted back inside a ``code span``: clean, clipped, and kept inside it.

    Backticks become apostrophes (one would close the span early) and every mention-like
    piece is defused, so ``!serch @everyone`` is answered without pinging anyone.
    """
    return defuse_mentions(clip(strip_controls(str(text)), limit).replace("`", "'"),
                           everything=True)


class TerminalStream(io.TextIOBase):
    """A text stream that passes everything written to it through :func:`outgoing`.

    The CLI writes through one of these, so no print in it can put a control character (an
    escape sequence from a corpus file or from the command line) on the user's terminal. Only
    colour and style sequences (SGR, ``ESC [ … m``) pass: the terminal renderer writes them
    after cleaning its text with :func:`outgoing`, so none of them came from the input.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        """Write ``text`` cleaned; returns the length of ``text`` as given."""
        styles = _SGR_RE.findall(text)
        parts = [outgoing(part, "terminal") for part in _SGR_RE.split(text)]
        self._stream.write("".join(p + s for p, s in zip(parts, [*styles, ""], strict=True)))
        return len(text)

    def flush(self) -> None:
        """Flush the underlying stream."""
        self._stream.flush()

    def isatty(self) -> bool:
        """Whether the underlying stream is a terminal."""
        return self._stream.isatty()

    def writable(self) -> bool:
        """Always: this is an output stream."""
        return True


def terminal(stream: TextIO) -> TextIO:
    """``stream`` wrapped in a :class:`TerminalStream`, typed as the text stream it stands for."""
    return cast(TextIO, TerminalStream(stream))
