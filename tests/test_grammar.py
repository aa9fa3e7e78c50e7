"""The one text grammar of chat and prefix commands, and slash syntax typed as text."""

from __future__ import annotations

import pytest

from bot.commands import COMMANDS, usage_line
from bot.errors import UsageError
from bot.grammar import LIMIT_RANGE, split_words


def parse(name: str, text: str) -> dict[str, object]:
    return COMMANDS[name].parse(text)


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("search", "senkaku islands --limit 3", {"query": "senkaku islands", "limit": 3}),
    ("search", "senkaku", {"query": "senkaku", "limit": 5}),
    ("search", "--limit=3 senkaku", {"query": "senkaku", "limit": 3}),
    ("search", "senkaku --limit 3 islands", {"query": "senkaku islands", "limit": 3}),
    ("search", "-- --limit 3", {"query": "--limit 3", "limit": 5}),
    ("search", "China's navy", {"query": "China's navy", "limit": 5}),
    ("search", '"coast guard" ships', {"query": "coast guard ships", "limit": 5}),
    ("search", "-1 degrees", {"query": "-1 degrees", "limit": 5}),  # a number, not an option
    ("brief", "--limit=2 proposals", {"topic": "proposals", "limit": 2}),
    ("brief", "proposals", {"topic": "proposals", "limit": None}),
    ("who", '"Nobuo Kishi"', {"name": "Nobuo Kishi"}),
    ("source", "doc#p3", {"id": "doc#p3"}),
    ("help", "", {"unknown": None}),
    ("help", "frobnicate", {"unknown": "frobnicate"}),
    ("topics", "", {}),
])
def test_the_grammar_reads_what_people_type(name: str, text: str, expected: dict) -> None:
    assert parse(name, text) == expected


@pytest.mark.parametrize(("name", "text", "problem"), [
    ("search", "", "Missing QUERY (words to search for)."),
    ("search", "x --bogus", "Unknown option `--bogus`. It takes `--limit N`."),
    ("search", "-x", "Unknown option `-x`."),
    ("search", "x --json", "Unknown option `--json`."),
    ("search", "x --limit 0", "`--limit` must be a whole number from 1 to 25, not 0."),
    ("search", "x --limit 26", "`--limit` must be a whole number from 1 to 25, not 26."),
    ("search", "x --limit -1", "`--limit` must be a whole number from 1 to 25, not -1."),
    ("search", "x --limit=abc", "`--limit` must be a whole number from 1 to 25, not `abc`."),
    ("search", "x --limit", "`--limit` needs a value: `--limit N`."),
    ("search", "x --limit --limit 3", "`--limit` needs a value"),
    ("source", "", "Missing ID"),
    ("source", "a b", "Too many words: `b`."),
    ("sources", "extra", "Too many words: `extra`."),
    ("topics", "--limit 3", "Unknown option `--limit`. It takes no options."),
])
def test_bad_lines_are_usage_errors_that_say_what_is_wrong(
        name: str, text: str, problem: str) -> None:
    with pytest.raises(UsageError) as info:
        parse(name, text)
    assert str(info.value).startswith(problem)


def test_an_unknown_option_says_how_to_search_for_a_dash_word() -> None:
    with pytest.raises(UsageError, match="put `--` before it"):
        parse("search", "-x")
    assert parse("search", "-- -x") == {"query": "-x", "limit": 5}


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("search", "query:coast guard limit:3", {"query": "coast guard", "limit": 3}),
    ("search", "query:x", {"query": "x", "limit": 5}),
    ("search", "limit:2 query:taiwan: a view", {"query": "taiwan: a view", "limit": 2}),
    ("source", "id:doc#p3", {"id": "doc#p3"}),
    ("brief", "topic:proposals", {"topic": "proposals", "limit": None}),
    ("topics", "", {}),
])
def test_slash_syntax_typed_as_text(name: str, text: str, expected: dict) -> None:
    assert COMMANDS[name].parse_slash(text) == expected


@pytest.mark.parametrize(("name", "text", "problem"), [
    ("search", "", "Missing `query:`."),
    ("search", "coast guard", "Slash options are typed as `name:value`"),
    ("search", "query:x limit:26", "`limit:` must be a whole number from 1 to 25, not 26."),
    ("search", "query:", "`query:` needs a value."),
    ("help", "unknown:x", "Slash options are typed"),  # hidden: not a slash option
])
def test_bad_slash_text_is_a_usage_error(name: str, text: str, problem: str) -> None:
    with pytest.raises(UsageError) as info:
        COMMANDS[name].parse_slash(text)
    assert str(info.value).startswith(problem)


def test_usage_lines_in_every_syntax_come_from_the_same_parameters() -> None:
    assert usage_line("!", "search") == "!search QUERY [--limit N]"
    assert usage_line("briefbot ", "search") == "briefbot search QUERY [--limit N]"
    assert usage_line("/", "search", slash=True) == "/search query:… [limit:…]"
    assert usage_line("!", "source") == "!source ID"
    assert usage_line("!", "help") == "!help"


def test_the_limit_range_is_declared_once() -> None:
    limits = [p for c in COMMANDS.values() for p in c.params if p.name == "limit"]
    assert len(limits) == 2
    assert all((p.minimum, p.maximum) == LIMIT_RANGE == (1, 25) for p in limits)


def test_unpaired_quotes_fall_back_to_plain_words() -> None:
    assert split_words('"unclosed quote') == ['"unclosed', "quote"]
