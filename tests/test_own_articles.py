"""A new user's own articles: what the bot answers about what they name, beyond the bundled five.

The raw articles (``tests/data/newcomer/``) were written for these tests in the scraped
layout (headline, date, publisher, byline, photo caption, body, the author's bio, teasers), in
varying order. They name
countries that speak ("Saudi Arabia said"), organisations the bundled corpus never names
(Keio University, a ministry, both inside longer runs of capitals), people named like towns
(Marcus Jackson), a paragraph making one proposal in two sentences, and authors whose role
only their closing bio states, one in a bio naming no one ("The author is …").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers.brief import brief
from bot.answers.who import who
from bot.brief_eval import heldout_knowledge
from bot.cli import main
from bot.corpus import load_corpus
from bot.knowledge import KnowledgeBase

NEWCOMER_DIR = Path(__file__).resolve().parent / "data" / "newcomer"


@pytest.fixture(scope="module")
def knowledge():
    """The articles ingested on their own, with the bundled topics and synonyms."""
    with heldout_knowledge(NEWCOMER_DIR, beside=False) as tmp:
        yield Path(tmp) / "knowledge"


@pytest.fixture(scope="module")
def kb(knowledge) -> KnowledgeBase:
    return KnowledgeBase.from_corpus(load_corpus(knowledge))


@pytest.mark.parametrize("name", ["Saudi Arabia", "Sri Lanka", "South Africa", "New Zealand",
                                  "Costa Rica"])
def test_a_country_that_says_something_is_a_place_not_a_person(kb, name):
    card = who(kb, name)
    assert not card.found and card.reason == "place", (name, card.reason)
    assert name not in kb.people.names()


def test_people_named_like_towns_still_have_cards(kb):
    assert who(kb, "Jackson").name == "Marcus Jackson"
    assert who(kb, "Ravi Fernando").roles == ["Chemical engineer"]


@pytest.mark.parametrize("name", ["Keio University", "Ministry of Water Supply",
                                  "National Water Board", "Asian Institute of Hydrology",
                                  "Ceylon Electricity Corporation", "Green Future Party",
                                  "Japan International Cooperation Agency"])
def test_an_organisation_the_article_names_is_said_to_be_one(kb, name):
    """Also where the text names it only inside a longer run of capitals ("Professor Aiko
    Sato of Keio University", "the Sri Lankan Ministry of Water Supply")."""
    card = who(kb, name)
    assert not card.found and card.reason == "organisation", (name, card.reason)
    assert card.search_query == name


@pytest.mark.parametrize(("name", "answer"), [
    ("Saudi Arabia", "Saudi Arabia is a place the corpus names, not a person"),
    ("Keio University", "Keio University is an organisation the corpus names, not a person"),
])
def test_who_a_place_or_organisation_on_the_command_line(knowledge, capsys, monkeypatch,
                                                         tmp_path, name, answer):
    monkeypatch.setenv("BRIEFBOT_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["who", name, "--knowledge", str(knowledge)]) == 0
    assert answer in capsys.readouterr().out


def test_a_name_of_common_words_is_still_only_named(kb):
    assert who(kb, "Water Supply").reason == "named"


def test_also_made_by_cites_other_paragraphs_only(kb):
    """"Taiwan faces millions of Chinese cyber attacks …, and Japan should learn …" and
    "Japan and Taiwan should share cyber threat data …" are one point of one paragraph: the
    point shows one of them, and its "also made by" cites no other sentence of that paragraph
    (the same source, not another one)."""
    result = brief(kb, "proposals", 25)
    cyber = next(p for p in result.points if "cyber" in p.text)
    assert cyber.passage == "opinion-tokyo-taipei-start#p3"
    for point in result.points:
        cited = [point.passage, *(a.passage for a in point.also)]
        assert len(cited) == len(set(cited)), cited
    for source in result.sources:
        assert source.points == sum(source.doc in p.documents for p in result.points)


def test_a_briefing_on_the_command_line_cites_the_shown_paragraph_once(knowledge, capsys,
                                                                        monkeypatch, tmp_path):
    monkeypatch.setenv("BRIEFBOT_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["brief", "proposals", "--limit", "25", "--knowledge", str(knowledge)]) == 0
    out = capsys.readouterr().out
    assert out.count("opinion-tokyo-taipei-start#p3") == 1, out


@pytest.mark.parametrize(("name", "role"), [
    ("Mariko Hasegawa", "a senior fellow at the Sasakawa Institute for Ocean Policy"),
    ("Naomi Whitfield", "a research fellow at the Pacific Security Institute in Honolulu"),
    ("Lee Cheng-hsun", "a retired captain of the Republic of China Navy and a researcher at "
                       "the Institute for National Defense and Security Research"),
    ("Chen Hui-wen", "a reporter at the Liberty Times"),
])
def test_an_authors_closing_bio_gives_their_role(kb, name, role):
    """The byline says only "By <Name>"; the bio closing the article ("<Name> is …", "— <Name>
    is …", "The author is …" naming no one, a bio of each of two authors) is the article's own
    statement of the author's role: kept as the byline, cited."""
    card = who(kb, name)
    assert card.found and role in card.roles, card.roles
    cited = next(c for c in card.role_citations if c.text == role)
    assert cited.passage.endswith("#byline") and role in kb.corpus.passage(cited.passage).text


def test_ingest_keeps_the_bio_as_the_byline_and_drops_the_teasers(tmp_path, capsys):
    out = tmp_path / "knowledge" / "articles"
    assert main(["ingest", *map(str, sorted(NEWCOMER_DIR.glob("*.txt"))), "--out",
                 str(out)]) == 0
    printed = capsys.readouterr().out
    assert "byline: — Naomi Whitfield is a research fellow at the Pacific Security" in printed
    assert "byline: Mariko Hasegawa is a senior fellow at the Sasakawa Institute" in printed
    body = "".join(p.read_text(encoding="utf-8").split("---", 2)[2] for p in out.glob("*.md"))
    for teaser in ("Read more:", "Related:", "Comments will be moderated", "is a research fellow",
                   "is a senior fellow", "The author is", "Photo", "Taipei Times\n"):
        assert teaser not in body


def test_credits_below_a_date_a_publisher_and_a_caption_are_read(kb):
    """"By Lee Cheng-hsun" stands fifth, under a date line, the publisher's name and a photo
    caption; "By Mariko Sato and Chen Hui-wen" under an "Updated" date: both are the
    articles' authors, and their dates are kept."""
    docs = {d.origin: d for d in kb.corpus.documents.values()}
    assert docs["submarine-know-how.txt"].author == "Lee Cheng-hsun"
    assert docs["submarine-know-how.txt"].translator == "Kyle Tsai"
    assert docs["fishing-boats.txt"].author == "Mariko Sato and Chen Hui-wen"
    assert str(docs["submarine-know-how.txt"].published) == "2026-11-20"
    assert who(kb, "Mariko Sato").found
