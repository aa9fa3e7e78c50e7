"""Measured quality of ``brief proposals`` and ``brief obstacles``.

``tests/eval/proposals.yaml`` lists, from a reading of the five articles, the distinct
proposals and obstacles with the passages and phrases by which a point is recognised as
covering one. Here the briefings are run with a fixed ``--limit`` and scored:

* coverage: the share of core items some point covers (the headline figure), and of all items;
* precision: the share of points that cover at least one listed item (the rest is noise);
* duplicates: two points covering the same item, or quoting the same sentence — must be none.

``python tests/test_eval_brief.py`` (or ``coverage_report()``) prints the figures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bot.answers.brief import BriefPoint, brief
from bot.corpus import BUNDLED_KNOWLEDGE, load_corpus
from bot.knowledge import KnowledgeBase
from bot.text import fold, split_sentences

GOLD = Path(__file__).resolve().parent / "eval" / "proposals.yaml"

#: topic -> (--limit of the run, minimum share of core items covered, minimum precision).
#: The thresholds are what the current selection achieves, rounded down, so a regression fails.
RUNS: dict[str, tuple[int, float, float]] = {
    "proposals": (15, 0.80, 0.90),
    "obstacles": (10, 0.90, 0.90),
}


@dataclass(frozen=True)
class Item:
    """A distinct proposal or obstacle of the gold list."""

    id: str
    item: str
    core: bool
    passages: tuple[str, ...]
    phrases: tuple[str, ...]

    def covered_by(self, point: BriefPoint) -> bool:
        """Whether ``point`` quotes one of the item's passages with one of its phrases."""
        text = _norm(point.text)
        return point.passage in self.passages and any(_norm(p) in text for p in self.phrases)


@dataclass(frozen=True)
class Coverage:
    """How one briefing run scores against the gold list."""

    topic: str
    limit: int
    points: int
    core: tuple[str, ...]  # ids of the core items
    covered: dict[str, list[int]]  # item id -> numbers (1-based) of the points covering it
    all_items: tuple[str, ...]
    noise: tuple[int, ...]  # numbers of points covering no item
    repeated_sentences: tuple[str, ...]

    @property
    def core_covered(self) -> list[str]:
        """Core items some point covers."""
        return [i for i in self.core if self.covered.get(i)]

    @property
    def core_share(self) -> float:
        """Share of core items covered."""
        return len(self.core_covered) / len(self.core)

    @property
    def all_share(self) -> float:
        """Share of all items covered."""
        return sum(1 for i in self.all_items if self.covered.get(i)) / len(self.all_items)

    @property
    def precision(self) -> float:
        """Share of points that cover some item."""
        return 1 - len(self.noise) / self.points if self.points else 0.0

    @property
    def duplicates(self) -> dict[str, list[int]]:
        """Items covered by more than one point."""
        return {i: points for i, points in self.covered.items() if len(points) > 1}

    def summary(self) -> str:
        """One paragraph of figures for a report."""
        missing = [i for i in self.core if i not in self.core_covered]
        return (
            f"brief {self.topic} --limit {self.limit}: {self.points} points; "
            f"core {self.topic} covered {len(self.core_covered)}/{len(self.core)} "
            f"({self.core_share:.0%}), all listed {self.all_share:.0%} "
            f"({sum(1 for i in self.all_items if self.covered.get(i))}/{len(self.all_items)}); "
            f"precision {self.precision:.0%}; duplicates {len(self.duplicates)}, "
            f"repeated sentences {len(self.repeated_sentences)}"
            + (f"; missing: {', '.join(missing)}" if missing else "")
        )


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", fold(text))


def load_gold(path: Path = GOLD) -> dict[str, list[Item]]:
    """The gold lists by topic: ``{"proposals": [...], "obstacles": [...]}``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        topic: [Item(e["id"], e["item"], bool(e.get("core")), tuple(e["passages"]),
                     tuple(e["phrases"])) for e in entries]
        for topic, entries in data.items()
    }


@dataclass(frozen=True)
class PlainPoint:
    """A point of the baseline: a sentence and the passage it comes from."""

    text: str
    passage: str


def baseline_points(kb: KnowledgeBase, topic: str, limit: int) -> list[PlainPoint]:
    """The naive briefing: the sentences of the best passages for the topic's query, in
    rank order, without cue phrases or de-duplication (same retrieval as ``brief``)."""
    points = []
    for hit in kb.index.search(kb.corpus.topics[topic].query, 25):
        points.extend(PlainPoint(s.text, hit.passage.id) for s in split_sentences(hit.passage.text))
    return points[:limit]


def measure(kb: KnowledgeBase, topic: str, limit: int, items: Sequence[Item],
            points: Sequence[BriefPoint | PlainPoint] | None = None) -> Coverage:
    """Score ``points`` (default: ``brief topic --limit limit``) against ``items``."""
    if points is None:
        points = brief(kb, topic, limit).points
    covered: dict[str, list[int]] = {}
    noise = []
    for number, point in enumerate(points, start=1):
        hits = [item.id for item in items if item.covered_by(point)]
        for item_id in hits:
            covered.setdefault(item_id, []).append(number)
        if not hits:
            noise.append(number)
    seen: set[str] = set()
    repeated = []
    for point in points:
        for sentence in split_sentences(point.text):
            key = _norm(sentence.text)
            if key in seen:
                repeated.append(sentence.text)
            seen.add(key)
    return Coverage(topic, limit, len(points), tuple(i.id for i in items if i.core),
                    covered, tuple(i.id for i in items), tuple(noise), tuple(repeated))


def coverage_report(kb: KnowledgeBase | None = None) -> str:
    """The figures of every run and of its baseline, one line each (for the README)."""
    kb = kb or KnowledgeBase.from_corpus(load_corpus(BUNDLED_KNOWLEDGE))
    gold = load_gold()
    lines = []
    for topic, (limit, _, _) in RUNS.items():
        ours = measure(kb, topic, limit, gold[topic])
        plain = measure(kb, topic, limit, gold[topic], baseline_points(kb, topic, limit))
        lines += [ours.summary(), "  baseline (top sentences, no cues or MMR): " + plain.summary(),
                  f"  coverage ratio: x{ours.core_share / max(plain.core_share, 1e-9):.2f}"]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------ tests


@pytest.fixture(scope="module")
def gold() -> dict[str, list[Item]]:
    return load_gold()


def test_gold_list_is_consistent_with_the_corpus(kb, gold):
    """Every passage exists and every item's phrases occur in its passages: a typo in the
    gold list would otherwise make an item impossible to cover."""
    for topic, items in gold.items():
        assert len({i.id for i in items}) == len(items), f"duplicate ids in {topic}"
        for item in items:
            texts = [_norm(kb.corpus.passage(p).text) for p in item.passages]
            for phrase in item.phrases:
                assert any(_norm(phrase) in t for t in texts), (item.id, phrase)


@pytest.mark.parametrize("topic", list(RUNS))
def test_briefing_covers_the_distinct_items(kb, gold, topic):
    limit, min_core, min_precision = RUNS[topic]
    coverage = measure(kb, topic, limit, gold[topic])
    print("\n" + coverage.summary())
    assert coverage.core_share >= min_core, coverage.summary()
    assert coverage.precision >= min_precision, coverage.summary()


@pytest.mark.parametrize("topic", list(RUNS))
def test_briefing_has_no_duplicates(kb, gold, topic):
    limit = RUNS[topic][0]
    coverage = measure(kb, topic, limit, gold[topic])
    assert coverage.duplicates == {}, coverage.summary()
    assert coverage.repeated_sentences == (), coverage.summary()


@pytest.mark.parametrize("topic", list(RUNS))
def test_every_limit_is_a_prefix_free_of_duplicates(kb, gold, topic):
    """Asking for fewer points never brings a duplicate in: no item twice at any limit."""
    for limit in range(1, RUNS[topic][0] + 1):
        coverage = measure(kb, topic, limit, gold[topic])
        assert coverage.duplicates == {}, coverage.summary()


if __name__ == "__main__":
    print(coverage_report())


@pytest.mark.parametrize("topic", sorted(RUNS))
def test_briefing_beats_the_naive_top_sentences_baseline(kb, gold, topic):
    limit = RUNS[topic][0]
    ours = measure(kb, topic, limit, gold[topic])
    plain = measure(kb, topic, limit, gold[topic], baseline_points(kb, topic, limit))
    assert ours.core_share > plain.core_share
    assert len(ours.duplicates) < max(len(plain.duplicates), 1)
