"""Rendering: Discord-safe escaping and splitting replies within Discord's limits."""

from __future__ import annotations

import re

import pytest

from bot import commands
from bot.render import (
    BUNDLED_PROMPTS,
    MESSAGE_LIMIT,
    Renderer,
    clip,
    escape_markdown,
    split_message,
)
from bot.terminal import TerminalRenderer


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("@everyone look", "@\u200beveryone look"),
        ("hi @here", "hi @\u200bhere"),
        ("<@123456> and <@&987>", "<@\u200b123456> and <@\u200b&987>"),
        ("**bold** _it_ `code` ~~s~~ ||spoiler||",
         r"\*\*bold\*\* \_it\_ \`code\` \~\~s\~\~ \|\|spoiler\|\|"),
        ("# heading", r"\# heading"),
        ("> quote", r"\> quote"),
        ("[link](http://x)", r"\[link\](http://x)"),
        ("Japan’s “first island chain” — 釣魚台", "Japan’s “first island chain” — 釣魚台"),
        ("abc\u202edef\u2066x", "abcdefx"),
    ],
)
def test_escape_markdown_shows_text_literally_and_pings_nobody(raw, shown):
    assert escape_markdown(raw) == shown


def test_split_message_keeps_short_replies_whole():
    assert split_message("one\n\ntwo") == ["one\n\ntwo"]
    assert split_message("   ") == []


def test_split_message_splits_at_point_boundaries_within_the_limit():
    points = [f"**{i}.** " + "word " * 60 for i in range(20)]
    messages = split_message("\n\n".join(p.strip() for p in points))
    assert len(messages) > 1
    assert all(len(m) <= MESSAGE_LIMIT for m in messages)
    # Every point is whole in exactly one message.
    for point in points:
        assert sum(point.strip() in m for m in messages) == 1


def test_split_message_breaks_an_oversized_paragraph_between_words():
    text = " ".join(f"w{i}" for i in range(2000))
    messages = split_message(text, limit=500)
    assert all(len(m) <= 500 for m in messages)
    assert " ".join(messages).split() == text.split()


def test_clip_cuts_at_a_word_and_marks_it():
    assert clip("alpha beta gamma", 11) == "alpha beta…"
    assert clip("short", 10) == "short"


_JINJA = re.compile(r"({{.*?}}|{%.*?%}|{#.*?#})", re.DOTALL)


def _expressions_in_code_spans(template: str) -> list[str]:
    """The ``{{ … }}`` expressions a template prints inside a `` `code span` ``."""
    expressions: list[str] = []
    skeleton = ""
    for piece in _JINJA.split(template):
        if piece.startswith("{{"):
            skeleton += f"\0{len(expressions)}\0"
            expressions.append(piece)
        elif not piece.startswith(("{%", "{#")):
            skeleton += piece
    inside = [int(i) for span in re.findall(r"`[^`\n]*`", skeleton)
              for i in re.findall(r"\0(\d+)\0", span)]
    return [expressions[i] for i in inside]


@pytest.mark.parametrize("template", sorted(p.name for p in BUNDLED_PROMPTS.glob("*.j2")))
def test_no_template_markdown_escapes_inside_a_code_span(template):
    # Discord shows a backslash escape literally inside `code`: `000\_x` instead of `000_x`.
    text = (BUNDLED_PROMPTS / template).read_text(encoding="utf-8")
    assert not [e for e in _expressions_in_code_spans(text) if "|md" in e.replace(" ", "")]


@pytest.mark.parametrize(("name", "kwargs", "shown"), [
    ("source", {"id": "no_such*doc"}, "`no_such*doc`"),
    ("source", {"id": "a`b"}, "`a'b`"),
    ("help", {"unknown": "frob_n*c"}, "`!frob_n*c`"),
])
def test_text_in_a_code_span_is_shown_as_typed_and_cannot_end_it(kb, name, kwargs, shown):
    reply = commands.run(kb, name, **kwargs)
    discord = Renderer().render(reply.kind, reply.result, prefix="!")
    assert shown in discord and "\\" not in discord.split("\n")[0]
    terminal = TerminalRenderer().render(reply.kind, reply.result, prefix="!")
    assert shown.strip("`") in terminal and "\\" not in terminal
