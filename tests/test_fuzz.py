"""Fuzzing (hypothesis): the shared parser, every command, the renderer and the analyzer.

Whatever a user types, no exception escapes; every message the bot would post is within
Discord's 2,000 characters, carries no live mention and no control character; the analyzer
is total. Runs derandomized with a small budget so CI stays fast and repeatable;
``HYPOTHESIS_PROFILE=explore`` searches much longer.
"""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import commands
from bot.chat import bot_pages
from bot.config import load_settings
from bot.errors import UsageError
from bot.grammar import parse_slash_text, parse_text
from bot.outgoing import MESSAGE_LIMIT, outgoing
from bot.render import escape_markdown, split_message
from bot.session import Session
from bot.text import fold, split_sentences

settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True,
                          database=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "2000")),
                          deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Pieces users (and attackers) type, mixed with arbitrary text.
PIECES = ["@everyone", "@here", "<@123456789012345678>", "<@!42>", "<@&987654321>", "<#555>",
          "--limit", "--limit=3", "5", "-1", "99", "--", "-x", "topic:", "query:", "name:",
          "limit:", "id:", '"', "'", "`", "```", "*", "**", "_", "~~", "|", ">", "#", "-#",
          "\x1b[2J", "\x1b]0;t\x07", "\x00", "\u202e", "\u2066", "\r", "\x85", "senkaku",
          "Kishi", "proposals", "security-japan-taiwan#p3", "釣魚台", "a" * 1200, "ﬁ", "İ"]
TEXT = st.lists(st.sampled_from(PIECES) | st.text(max_size=30), max_size=8).map(" ".join)

RAW_MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d|<#\d", re.IGNORECASE)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                     "\u2066-\u2069]")


def assert_postable(message: str) -> None:
    """What Discord would accept and show without harm."""
    assert 0 < len(message) <= MESSAGE_LIMIT, len(message)
    assert not RAW_MENTION.search(message), RAW_MENTION.search(message)
    assert not CONTROL.search(message), repr(CONTROL.search(message))


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    cache = tmp_path_factory.mktemp("fuzz-cache")
    return Session(load_settings(environ={"BRIEFBOT_CACHE_DIR": str(cache)}, dotenv=False))


@pytest.mark.parametrize("name", sorted(commands.COMMANDS))
@given(text=TEXT)
def test_the_shared_parser_accepts_or_refuses_with_a_usage_error(name: str, text: str) -> None:
    params = commands.COMMANDS[name].params
    for parse in (parse_text, parse_slash_text):
        try:
            parse(params, text)
        except UsageError as exc:
            assert_postable(outgoing(str(exc)))


@pytest.mark.parametrize("name", [*sorted(commands.COMMANDS), "serch", "x" * 1001])
@given(text=TEXT, slash=st.booleans())
def test_every_command_answers_with_postable_messages(session: Session, name: str, text: str,
                                                     slash: bool) -> None:
    line = f"{'/' if slash else '!'}{name} {text}"
    pages = bot_pages(session, line)
    assert pages, line  # a command always gets an answer
    for page in pages:
        assert_postable(page)


@given(text=st.text(max_size=3000), limit=st.integers(min_value=20, max_value=MESSAGE_LIMIT))
def test_the_renderer_splits_and_escapes_any_text(text: str, limit: int) -> None:
    for message in split_message(text, limit):
        assert len(message) <= limit
    escaped = escape_markdown(text)
    assert not RAW_MENTION.search(escaped) and not CONTROL.search(escaped)
    assert not CONTROL.search(outgoing(text, "terminal"))
    if outgoing(text).strip():
        assert_postable(outgoing(escaped))
    assert outgoing(outgoing(text)) == outgoing(text)


@given(text=st.text(max_size=500) | TEXT)
def test_the_analyzer_is_total(session: Session, text: str) -> None:
    terms = session.kb.analyzer.tokens(text)
    assert isinstance(terms, list) and all(isinstance(t, str) and t for t in terms)
    assert isinstance(fold(text), str)
    for sentence in split_sentences(text):
        assert sentence.text.strip()
