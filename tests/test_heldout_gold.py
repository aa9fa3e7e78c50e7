"""The held-out gold is about the held-out articles: every key phrase and quote is in its text.

A phrase that is not verbatim in its article could never be matched, so coverage measured
against it would be silently low; this keeps the gold honest as the files are edited.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.text import fold

HELDOUT = Path(__file__).resolve().parent / "data" / "heldout"
GOLD = yaml.safe_load((HELDOUT / "gold.yaml").read_text(encoding="utf-8"))["articles"]


@pytest.mark.parametrize("name", sorted(GOLD))
def test_gold_phrases_and_quotes_are_verbatim_in_their_article(name: str) -> None:
    text = fold((HELDOUT / name).read_text(encoding="utf-8"))
    article = GOLD[name]
    for kind in ("proposals", "obstacles"):
        for item in article[kind]:
            assert item["phrases"], f"{name}: {item['id']} has no phrase"
            for phrase in item["phrases"]:
                assert fold(phrase) in text, f"{name}: {item['id']}: {phrase!r}"
    for person in article["people"]:
        for quote in person["quotes"]:
            assert fold(quote) in text, f"{name}: {person['name']}: {quote!r}"


def test_every_heldout_article_has_gold() -> None:
    assert sorted(p.name for p in HELDOUT.glob("*.txt")) == sorted(GOLD)
