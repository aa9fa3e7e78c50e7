"""The one attribution engine: canonical speakers for quotes, cards and briefings."""

from __future__ import annotations

import pytest

from bot.answers.brief import MAX_POINTS, brief
from bot.corpus import Passage, load_corpus
from bot.knowledge import KnowledgeBase
from bot.people import PeopleDirectory
from bot.people.attribution import attribute
from bot.text import split_sentences
from tests.conftest import article


def _sentence(kb: KnowledgeBase, passage_id: str, opening: str) -> tuple[Passage, str]:
    passage = kb.corpus.passage(passage_id)
    found = [s.text for s in split_sentences(passage.text) if s.text.startswith(opening)]
    assert found, opening
    return passage, found[0]


@pytest.mark.parametrize(("passage_id", "opening", "by", "kind", "by_author"), [
    # the ministry's sentence is the ministry's, not the author's
    ("complicated-legacy-colonialism-relations#p5", "More concretely, the Japanese Ministry",
     "Japanese Ministry of Defense", "organisation", False),
    # a title before the name is not part of the speaker: one canonical name
    ("complicated-legacy-colonialism-relations#p13", "In a meeting with the US Secretary",
     "Nobuo Kishi", "person", False),
    ("complicated-legacy-colonialism-relations#p16", "Kishi wrote", "Nobuo Kishi", "person",
     False),
    ("complicated-legacy-colonialism-relations#p25", "President Tsai Ing-wen",
     "Tsai Ing-wen", "person", False),
    # an acronym is its organisation's full name
    ("security-japan-taiwan#p7", "The LDP has realized", "Liberal Democratic Party",
     "organisation", False),
    # "the alliance calls for" after the alliance is named
    ("taiwan-japan-facing-military#p7", "With the military threat",
     "Japan-Taiwan Co-prosperity Leader Alliance", "organisation", False),
    # "…’ he said" after a sentence that names only Lii Wen
    ("thunder-rain-chinese-saying#p18", "‘Japan’s foreign ministry", "Lii Wen", "person",
     False),
    # the article's own voice is its author's
    ("security-japan-taiwan#p14", "", "Yu-Shih Liao", "person", True),
])
def test_speakers_are_canonical(kb, passage_id, opening, by, kind, by_author):
    passage, sentence = _sentence(kb, passage_id, opening)
    author = kb.corpus.documents[passage.doc_id].author
    found = attribute(kb.people, passage, [sentence], author)
    assert found is not None
    assert (found.by, found.kind, found.by_author) == (by, kind, by_author)


@pytest.mark.parametrize(("passage_id", "opening"), [
    ("thunder-rain-chinese-saying#p4", "‘There are … areas"),  # "a Taiwanese security insider"
    ("thunder-rain-chinese-saying#p5", "There should be"),  # "that person says"
    ("security-japan-taiwan#p2", "He pointed out"),  # a pronoun nobody before resolves
])
def test_an_unnamed_speaker_is_nobody_not_the_author(kb, passage_id, opening):
    passage, sentence = _sentence(kb, passage_id, opening)
    assert attribute(kb.people, passage, [sentence], "Someone Else") is None


def test_a_brief_names_each_speaker_once(kb):
    """Across a briefing a person appears under one name, never a raw stretch of text."""
    names = {p.name for p in kb.people}
    organisations = {e.name for e in kb.people.entities.values()}
    for topic in kb.corpus.topics:
        for point in brief(kb, topic, MAX_POINTS).points:
            if point.by:
                assert point.by in names | organisations | {"Taiwanese officials"}, point.by


def test_a_new_article_titles_places_and_relative_clauses(make_knowledge):
    text = article(
        "mayors",
        "Okinawa Governor Denny Tamaki said the bases must shrink.",
        "Kaohsiung Mayor Chen Chi-mai, who leads the group, visited Tokyo. “We need a "
        "hotline,” Chen said. “And drills.”",
        "Taiwanese Minister of Foreign Affairs Lin Chia-lung on Tuesday said ties were warm.",
        author="Ann Writer")
    corpus = load_corpus(make_knowledge({"mayors.md": text}))
    people = PeopleDirectory.build(corpus)
    assert {"Denny Tamaki", "Chen Chi-mai", "Lin Chia-lung", "Ann Writer"} <= set(
        people.names())
    doc = corpus.documents["mayors"]
    said = [attribute(people, p, [s.text], doc.author)
            for p in doc.passages for s in split_sentences(p.text)]
    assert [a.by if a else None for a in said] == [
        "Denny Tamaki", "Ann Writer", "Chen Chi-mai", "Chen Chi-mai", "Lin Chia-lung"]
