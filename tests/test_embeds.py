"""Embed pages of every answer kind: within Discord's limits, every point cited and resolved.

Each page is checked with the fake Discord's own validator (Discord's documented limits, the
same check that answers 400), over answers that stress the layout: every topic with the most
points, every person, broad searches at the largest limit, every source in full.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
from typing import Any

import pytest

from bot import commands as core
from bot.answers.labels import short_label, short_labels
from bot.cli import main as cli_main
from bot.cogs.embeds import SOURCES_FIELD, embed_pages, embed_size
from bot.corpus import Document, Passage
from bot.knowledge import KnowledgeBase
from tests.fakediscord import validation

MARKER = re.compile(r" \[(\d+)\]")
LIMIT_MAX = 25


def pages_of(kb: KnowledgeBase, command: str, /, **kwargs: Any) -> list[dict[str, Any]]:
    reply = core.run(kb, command, **kwargs)
    pages = embed_pages(reply.kind, reply.result, short_labels(kb.corpus.documents.values()), "!")
    assert pages, f"{command} {kwargs} has no embed layout"
    return [page.embed for page in pages]


def sources_of(embed: dict[str, Any]) -> dict[int, str]:
    """The Sources field read back: marker number → the passage id it resolves to."""
    value = next((f["value"] for f in embed.get("fields", []) if f["name"] == SOURCES_FIELD), "")
    resolved = {}
    for line in value.splitlines():
        doc = re.search(r"`([^`]+)`", line)
        assert doc, line
        for number, place in re.findall(r"\[(\d+)\] #([^\s,]+)", line[doc.end():]):
            resolved[int(number)] = f"{doc[1]}#{place}"
    return resolved


def stress_cases(kb: KnowledgeBase) -> list[tuple[str, dict[str, Any]]]:
    cases: list[tuple[str, dict[str, Any]]] = [("topics", {})]
    cases += [("brief", {"topic": t, "limit": LIMIT_MAX}) for t in kb.corpus.topics]
    cases += [("who", {"name": n}) for n in kb.people.names()]
    cases += [("search", {"query": q, "limit": LIMIT_MAX})
              for q in ("japan taiwan china security", "defense", "senkaku")]
    cases += [("source", {"id": d}) for d in kb.corpus.documents]
    return cases


def test_every_page_is_within_discords_limits(kb: KnowledgeBase) -> None:
    for name, kwargs in stress_cases(kb):
        for embed in pages_of(kb, name, **kwargs):
            assert validation.validate_message({"embeds": [embed]}) is None, (name, kwargs)
            assert embed_size(embed) <= validation.EMBED_TOTAL_MAX


def test_every_marker_resolves_to_a_label_and_a_passage_that_exists(kb: KnowledgeBase) -> None:
    for name, kwargs in stress_cases(kb):
        if name in ("topics", "source"):
            continue
        for embed in pages_of(kb, name, **kwargs):
            used = {int(n) for n in MARKER.findall(embed["description"])}
            listed = sources_of(embed)
            assert used == set(listed), (name, kwargs)  # each number resolved
            for passage in listed.values():
                doc, place = passage.split("#")
                if place == "byline":
                    assert kb.corpus.documents[doc].byline, passage
                else:
                    kb.corpus.documents[doc].passage(int(place.removeprefix("p")))  # KeyError


def test_brief_points_are_quoted_verbatim_on_their_pages(kb: KnowledgeBase) -> None:
    reply = core.run(kb, "brief", topic="proposals", limit=LIMIT_MAX)
    text = "\n".join(e["description"] for e in pages_of(kb, "brief", topic="proposals",
                                                          limit=LIMIT_MAX))
    unescaped = re.sub(r"\\(.)", r"\1", text)
    for point in reply.result.points:
        assert point.text in unescaped


def citation_overhead(embed: dict[str, Any]) -> float:
    """Share of an embed's characters spent on citations: the markers and the sources field."""
    markers = sum(len(m) for m in MARKER.findall(embed["description"])) + 3 * len(
        MARKER.findall(embed["description"]))  # " [", "]" around each number
    sources = sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", [])
                  if f["name"] == SOURCES_FIELD)
    return (markers + sources) / embed_size(embed)


def test_default_brief_spends_at_most_a_fifth_on_citations() -> None:
    """The reviewer's check: `briefbot brief proposals --format discord`, as printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli_main(["brief", "proposals", "--format", "discord"]) == 0
    first = json.loads(out.getvalue())[0]["embeds"][0]
    assert MARKER.search(first["description"])
    assert citation_overhead(first) <= 0.20


@pytest.mark.parametrize(("meta", "expected"), [
    ({"author": "Yao Chung-yuan"}, "Yao Chung-yuan"),
    ({"author": "A. Author", "publisher": "Taipei Times"}, "A. Author, Taipei Times"),
    ({"publisher": "Taipei Times", "published": "2021-08-02"}, "Taipei Times, 2021-08-02"),
    ({}, "“Only thunder, no rain is…”"),
    ({"title": "A Headline"}, "“Only thunder, no rain is…”"),  # a label, not the title
])
def test_short_label_uses_only_what_the_article_states(
        meta: dict[str, str], expected: str) -> None:
    text = "Only thunder, no rain is the Chinese saying."
    published = dt.date.fromisoformat(meta["published"]) if "published" in meta else None
    doc = Document("d", meta.get("title"), meta.get("author"), None, meta.get("publisher"),
                   published, None, (Passage("d", 1, text),))
    assert short_label(doc) == expected
