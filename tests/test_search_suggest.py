"""``search`` and "did you mean": every example we show answers well; suggestions are only
close spellings of real words."""

from __future__ import annotations

import re

import pytest

from bot.answers import brief, search
from bot.answers.search import query_tokens
from bot.commands import COMMANDS, run
from bot.knowledge import KnowledgeBase
from tests.conftest import REPO, article


def test_a_distance_question_finds_the_distance(kb):
    result = search(kb, "how far is Taiwan from Japan")
    assert "110km" in result.results[0].excerpt
    assert "km" in result.results[1].excerpt  # "Taiwan lies 111km west of … Yonaguni"
    assert not any("vaccine" in hit.excerpt for hit in result.results[:2])


def test_a_question_phrase_is_searched_as_its_answer_words(kb):
    tokens = query_tokens(kb.analyzer, "How  far is Yonaguni")
    assert "far" not in tokens and "km" in tokens and "yonaguni" in tokens
    assert query_tokens(kb.analyzer, "far-reaching plans") == kb.analyzer.tokens(
        "far-reaching plans")  # no question, no change


@pytest.mark.parametrize(("query", "wrong"), [
    ("USAID", "said"),
    ("Israel Iran", "rain"),
    ("USAID", "us-alliance"),
    ("vacine", "first-island-chain"),
])
def test_did_you_mean_never_offers_a_different_word(kb, query, wrong):
    result = search(kb, query)
    assert wrong not in result.suggestions
    assert wrong not in brief(kb, query).suggestions


@pytest.mark.parametrize("query", ["USAID", "Israel Iran", "Obama", "quantum"])
def test_a_word_with_no_close_spelling_gets_no_suggestion(kb, query):
    assert search(kb, query).suggestions == []


@pytest.mark.parametrize(("query", "suggestion"), [
    ("senkakku", "senkaku"),
    ("vacine", "vaccine"),
    ("tiawan", "taiwan"),
    ("thunderr", "thunder"),
    ("prposal", "proposal"),
])
def test_did_you_mean_offers_the_close_spelling(kb, query, suggestion):
    result = search(kb, query)
    assert result.results == [] and result.suggestions[0] == suggestion
    assert search(kb, suggestion).results  # and the suggestion answers


def test_did_you_mean_offers_a_topic_spelled_nearly_so(kb):
    assert "proposals" in search(kb, "prposals").suggestions
    assert "proposals" in brief(kb, "prposals").suggestions


def _good(kb, name: str, result) -> None:
    """What a good answer to an example is, per command."""
    if name == "search":
        assert result.results, result.query
        words = {t for t in query_tokens(kb.analyzer, result.query)}
        top = set(kb.analyzer.tokens(result.results[0].excerpt))
        assert len(words & top) >= min(2, len(words)), (result.query, result.results[0])
    elif name == "brief":
        assert result.found and len(result.points) >= 3
    elif name == "who":
        assert result.found and result.roles
    elif name == "source":
        assert result.found
    elif name in ("topics", "sources"):
        assert result


def test_every_help_example_answers_well(kb):
    help_result = run(kb, "help").result
    checked = 0
    for entry in help_result.commands:
        if not entry.terminal or entry.name == "help":
            continue
        command = COMMANDS[entry.name]
        for kwargs in (command.parse(entry.example), command.parse_slash(entry.slash_example)):
            _good(kb, entry.name, run(kb, entry.name, **kwargs).result)
            checked += 1
    assert checked >= 10


_README_EXAMPLE_RE = re.compile(
    r"(?:`!|briefbot )(search|who|brief) ([^`\n]+?)(?:`|\s+--(?:knowledge|format)|$)",
    re.MULTILINE)


def test_every_readme_example_answers_well(kb):
    text = (REPO / "README.md").read_text(encoding="utf-8")
    examples = _README_EXAMPLE_RE.findall(text)
    assert len(examples) >= 4
    for name, args in examples:
        kwargs = COMMANDS[name].parse(args.replace('"', ""))
        _good(kb, name, run(kb, name, **kwargs).result)


def test_the_more_frequent_of_two_close_spellings_wins_after_a_warm_start(
        make_knowledge, tmp_path):
    import dataclasses

    from bot.answers.suggest import suggest_terms
    from bot.config import load_settings

    root = make_knowledge({"a.md": article(
        "a", "The harbour is small. The harbour is old.", "A harbour town, a harbor road.")})
    settings = dataclasses.replace(load_settings(environ={}, dotenv=False),
                                   knowledge_dir=root, cache_dir=tmp_path / "cache")
    KnowledgeBase.open(settings)
    warm = KnowledgeBase.open(settings)  # the vocabulary as saved with the snapshot
    assert suggest_terms(warm, "harbur") == ["harbour", "harbor"]
    assert suggest_terms(warm, "harbor") == []  # a corpus word is no typo
