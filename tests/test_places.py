"""Places from the gazetteer: a new article's countries and cities are said to be places.

The article (``tests/data/places/``) was written for these tests: it names places no hand
list of the bundled corpus holds, some as speakers ("Nairobi said"), beside people whose
names are also towns ("Paul Jackson").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers.who import who
from bot.brief_eval import heldout_knowledge
from bot.corpus import load_corpus
from bot.knowledge import KnowledgeBase
from bot.people.places import is_place

PLACES_DIR = Path(__file__).resolve().parent / "data" / "places"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    with heldout_knowledge(PLACES_DIR) as tmp:
        return KnowledgeBase.from_corpus(load_corpus(Path(tmp) / "knowledge"))


@pytest.mark.parametrize("name", ["Poland", "Kenya", "Nairobi", "Warsaw", "New Delhi",
                                  "Gdańsk", "Texas"])
def test_who_a_new_articles_place_says_it_is_a_place(kb, name):
    card = who(kb, name)
    assert not card.found and card.reason == "place", (name, card.reason)
    assert card.search_query == name


def test_people_named_like_towns_keep_their_cards(kb):
    assert who(kb, "Jackson").name == "Paul Jackson"
    assert who(kb, "Austin").name == "Lloyd Austin"
    assert who(kb, "Wanjiru").found


def test_a_place_is_a_whole_name_from_the_gazetteer():
    assert is_place("Mombasa") and is_place("the Philippines") and is_place("Gdansk")
    assert not is_place("Kishi") and not is_place("Reading the report") and not is_place("")
