"""The sentence splitter's shortcuts give exactly pysbd's boundaries.

Every paragraph of the bundled, tuning and held-out articles and of a synthetic corpus is
split by plain pysbd and by ours: a plain paragraph (split without most of pysbd) and a line
whose abbreviation pass is skipped must end their sentences where pysbd does.
"""

from __future__ import annotations

from pathlib import Path

import pysbd
import pytest

from bot import sentences
from bot.bench.synthetic import write_corpus
from bot.brief_eval import heldout_knowledge
from bot.corpus import BUNDLED_KNOWLEDGE, load_corpus
from bot.eval_data import HELDOUT_DIR

TUNING_DIR = Path(__file__).resolve().parent / "data" / "tuning"


def _paragraphs(root: Path) -> list[str]:
    return [p.text for p in load_corpus(root).passages()]


@pytest.fixture(scope="module")
def real() -> list[str]:
    """Every paragraph of the bundled, tuning and held-out articles."""
    found = _paragraphs(BUNDLED_KNOWLEDGE)
    for directory in (TUNING_DIR, HELDOUT_DIR):
        with heldout_knowledge(directory, beside=False) as tmp:
            found += _paragraphs(Path(tmp) / "knowledge")
    return found


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The paragraphs of a synthetic corpus (bundled sentence shapes, other words)."""
    return _paragraphs(write_corpus(tmp_path_factory.mktemp("synthetic") / "k", 800, seed=1))


def _reference(text: str) -> list[int]:
    """Plain pysbd's sentence ends, as it reports them."""
    if not text.strip():
        return []
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return [span.end for span in segmenter.segment(text)]


@pytest.mark.parametrize("corpus", ["real", "synthetic"])
def test_plain_paragraphs_end_their_sentences_where_pysbd_does(
        corpus: str, request: pytest.FixtureRequest) -> None:
    paragraphs = [sentences._APOSTROPHE_RE.sub("\u02bc", text)
                  for text in request.getfixturevalue(corpus)]
    plain = [(text, ends) for text in paragraphs
             if (ends := sentences._plain_ends(text)) is not None]
    assert len(plain) >= len(paragraphs) / 2  # the shortcut is the common case
    for text, ends in plain:
        assert ends == _reference(text), text


@pytest.mark.parametrize("corpus", ["real", "synthetic"])
def test_pysbd_without_its_idle_abbreviation_pass_splits_as_pysbd(
        corpus: str, request: pytest.FixtureRequest) -> None:
    for text in request.getfixturevalue(corpus)[:400]:
        shadow = sentences._APOSTROPHE_RE.sub("\u02bc", text)
        assert sentences._pysbd_ends(shadow) == _reference(shadow), text


def test_a_paragraph_pysbd_needs_is_not_taken_for_plain() -> None:
    for text in ("He met Mr. Abe. Then he left.", "Pick 1. Then pick 2. Then stop.",
                 "Both (1) and (2) apply. Then it ends.", "It was 19.’ he said. Then more.",
                 "12. Twelve. Then.",
                 "See (a) the plan. Then go.", "Wow! Great.", "Why?? Because.",
                 "He said 'no.' Then left.", "The U.S.A. said so. Fine.", "Wait... Then go.",
                 "He met the Gen. Then left.", "It is. Then it was."):
        assert sentences._plain_ends(text) is None, text


@pytest.mark.parametrize("text", [
    "Talks with the U.S. The end came soon.", "Talks with the U.S. Navy began. Then more.",
    "Taiwan-U.S.-Japan talks. Then more.", "In the U.S. I saw it. Then left.",
    "The U.S., Japan and Taiwan met. Then more.", "He said “the U.S.” Then he left.",
    "He said “leave the U.S.” and went. Fine.", "U.S. officials said so. Then more.",
    "They met the U.S. in 2021.5 ways. Then more.", "Ask the U.S."])
def test_us_ends_sentences_where_pysbd_ends_them(text: str) -> None:
    assert sentences._plain_ends(text) == _reference(text)


@pytest.mark.parametrize("text", [
    "It rose 5. Then it fell.", "They won in 2019. The next year was worse.",
    "The G7. Leaders met. Later the G20. Again.", "It hit COVID-19. Beds ran out.",
    "Talks (2+2) were held. Japan agreed.", "Route 66. It is long."])
def test_a_number_ending_a_sentence_ends_it_where_pysbd_does(text: str) -> None:
    assert sentences._plain_ends(text) == _reference(text)
