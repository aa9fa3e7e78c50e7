"""Rendering: Discord-safe escaping and splitting replies within Discord's limits."""

from __future__ import annotations

import pytest

from bot.render import MESSAGE_LIMIT, clip, escape_markdown, split_message


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
