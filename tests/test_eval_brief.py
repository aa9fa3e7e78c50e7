"""Measured quality of ``brief proposals`` / ``brief obstacles`` (see ``bot.brief_eval``).

On the bundled five (gold ``tests/eval/proposals.yaml``) and on the held-out articles ingested
beside them (gold ``tests/data/heldout/gold.yaml``, written before any code ran on them): the
core items covered, proposers named, every point verbatim and cited, and the naive
top-sentences baseline of the same run beaten. The thresholds are today's figures rounded
down, so a regression fails; ``briefbot eval`` prints the figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers.brief import brief
from bot.brief_eval import (
    HELDOUT_LIMITS,
    bundled_report,
    heldout_knowledge,
    heldout_report,
    load_bundled_gold,
    load_heldout_gold,
)
from bot.corpus import load_corpus
from bot.eval_data import HELDOUT_DIR
from bot.knowledge import KnowledgeBase
from bot.text import fold

#: run label prefix -> (minimum core items covered, minimum named, most duplicates)
BUNDLED_FLOOR = {"proposals": (13, 11, 1), "obstacles": (12, 4, 1)}
HELDOUT_FLOOR = {"proposals": (9, 8, 1), "obstacles": (10, 9, 1)}
#: The held-out articles alone, at the bundled run's limits (the comparable figures).
#: (Named 10, not 11, since 83e5dcf: a statement a group speaks, "the advisers said", is no longer
#: credited to the author by default. Obstacles 8, not 9, since photo captions are no longer
#: ingested as paragraphs: two fewer passages moved one item out of the first ten; the
#: held-out articles are not where the ranking is tuned.)
HELDOUT_ALONE_FLOOR = {"proposals": (12, 10, 1), "obstacles": (8, 8, 1)}
#: Least share of points that state some gold item (bundled).
BUNDLED_PRECISION = {"proposals": 0.95, "obstacles": 0.95}


@pytest.fixture(scope="module")
def bundled(kb):
    return {c.label: c for c in bundled_report(kb)}


@pytest.fixture(scope="module")
def heldout():
    return {c.label: c for c in heldout_report()}


def _run(report, prefix, topic):
    return next(c for label, c in report.items() if label.startswith(prefix) and topic in label)


def test_bundled_gold_is_consistent_with_the_corpus(kb):
    """Every item's phrases occur in its passages: a typo would make it impossible to cover."""
    for topic, items in load_bundled_gold().items():
        assert len({i.id for i in items}) == len(items), topic
        for item in items:
            texts = [" ".join(fold(kb.corpus.passage(p).text).split()) for p in item.passages]
            for phrase in item.phrases:
                assert any(fold(phrase) in text for text in texts), (item.id, phrase)


@pytest.mark.parametrize("topic", sorted(BUNDLED_FLOOR))
def test_bundled_briefing_covers_the_distinct_items_and_beats_the_baseline(bundled, topic):
    ours = _run(bundled, "bundled: brief", topic)
    plain = _run(bundled, "bundled: baseline", topic)
    least, named, duplicates = BUNDLED_FLOOR[topic]
    assert len(ours.core_covered) >= least, ours.summary()
    assert len(ours.named) >= named, ours.summary()
    assert len(ours.duplicates) <= duplicates, ours.summary()
    assert ours.repeated_sentences == (), ours.summary()
    assert ours.merged == 0, ours.summary()  # no group hides one item under another
    assert len(ours.core_covered) > len(plain.core_covered), plain.summary()
    assert ours.precision >= BUNDLED_PRECISION[topic], ours.summary()


def _holds_its_floor(runs, label: str, topic: str, floor: tuple[int, int, int]) -> None:
    """The run LABEL covers, names and repeats no worse than FLOOR, and beats its baseline."""
    ours = _run(runs, f"{label}: brief", topic)
    plain = _run(runs, f"{label}: baseline", topic)
    least, named, duplicates = floor
    assert len(ours.core_covered) >= least, ours.summary()
    assert len(ours.named) >= named, ours.summary()
    assert len(ours.duplicates) <= duplicates, ours.summary()
    assert len(ours.core_covered) > len(plain.core_covered), plain.summary()


@pytest.mark.parametrize("topic", sorted(HELDOUT_ALONE_FLOOR))
def test_heldout_articles_alone_at_the_bundled_limits(heldout, topic):
    """As many articles and points as the bundled run: figures to compare with it."""
    _holds_its_floor(heldout, "held-out alone", topic, HELDOUT_ALONE_FLOOR[topic])


@pytest.mark.parametrize("report", ["bundled", "heldout"])
def test_every_point_shown_is_among_the_points_found(request, report):
    """``found`` counts every group, so it holds whatever the first points cover."""
    for coverage in request.getfixturevalue(report).values():
        if coverage.found is not None:
            assert set(coverage.core_covered) <= set(coverage.found), coverage.summary()


#: Articles written to tune the rules on (not held out): alone, at the held-out run's limits
#: (ten articles hold more points than the bundled limits show: there, figures would not
#: tell rules apart).
TUNING_DIR = Path(__file__).resolve().parent / "data" / "tuning"
TUNING_FLOOR = {"proposals": 25, "obstacles": 24}
#: The same articles ingested beside the bundled five, at the held-out run's limits: where
#: a change of ranking shows first.
TUNING_MIXED_FLOOR = {"proposals": 13, "obstacles": 15}


@pytest.mark.parametrize("topic", sorted(TUNING_FLOOR))
def test_the_articles_written_for_tuning_keep_their_figures(topic):
    gold = load_heldout_gold(TUNING_DIR)
    for item in gold[topic]:
        origin = item.id.split(":")[0]
        text = fold(next(TUNING_DIR.glob(f"{origin}*.txt")).read_text(encoding="utf-8"))
        assert all(fold(p) in text for p in item.phrases), item.id
    runs = {c.label: c for c in heldout_report(TUNING_DIR, HELDOUT_LIMITS)}
    ours = _run(runs, "held-out alone: brief", topic)
    assert len(ours.core_covered) >= TUNING_FLOOR[topic], ours.summary()
    mixed = _run(runs, "held-out: brief", topic)
    assert len(mixed.core_covered) >= TUNING_MIXED_FLOOR[topic], mixed.summary()


@pytest.mark.parametrize("topic", sorted(HELDOUT_FLOOR))
def test_heldout_briefing_covers_articles_nobody_tuned_on(heldout, topic):
    _holds_its_floor(heldout, "held-out", topic, HELDOUT_FLOOR[topic])


def test_heldout_points_are_verbatim_and_cited():
    gold = load_heldout_gold()
    assert gold["proposals"] and gold["obstacles"]
    with heldout_knowledge() as tmp:
        kb = KnowledgeBase.from_corpus(load_corpus(Path(tmp) / "knowledge"))
        origins = {d.origin for d in kb.corpus.documents.values()}
        assert {p.name for p in HELDOUT_DIR.glob("*.txt")} <= origins
        for topic, limit in HELDOUT_LIMITS.items():
            for point in brief(kb, topic, limit).points:
                for statement in (point, *point.also):
                    passage = kb.corpus.passage(statement.passage)
                    assert statement.text in passage.text
                    assert passage.doc_id == statement.doc


def test_a_point_in_a_paragraph_without_the_subjects_words_is_found():
    """The paragraphs beside those on the subject are read too: "The real problem is political
    will. Japanese business leaders remain deeply dependent on the Chinese market…" names no
    word of the seed query, yet it is a reason its article gives."""
    with heldout_knowledge(TUNING_DIR, beside=False) as tmp:
        kb = KnowledgeBase.from_corpus(load_corpus(Path(tmp) / "knowledge"))
        texts = [kb.corpus.passage(s.passage).text[s.start:s.end]
                 for g in kb.brief_facets["obstacles"].groups for s in g.statements]
    assert any("dependent on the Chinese market" in t for t in texts)


def test_heldout_figures_count_what_they_miss_without_naming_it(heldout):
    """``briefbot eval`` shows how many held-out items a briefing misses, never which: a list
    of them would invite tuning a rule on articles kept out of tuning. The tuning articles'
    runs name theirs, for whoever tunes on them."""
    held = [c for label, c in heldout.items() if not label.startswith("same run")]
    assert any(c.missing for c in held)
    for run in held:
        assert not any(item in run.summary() for item in run.missing), run.label
        assert run.figures()["missing"] == len(run.missing)
    tuning = heldout_report(TUNING_DIR, HELDOUT_LIMITS)
    missed = next(c for c in tuning if c.missing)
    assert all(item in missed.summary() for item in missed.missing)
