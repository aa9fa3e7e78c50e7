"""Measured quality of ``brief proposals`` / ``brief obstacles``, on the bundled corpus and on
held-out articles nobody tuned a rule on.

Two gold lists, both written by reading articles (never from what the bot picks):

* ``tests/eval/proposals.yaml``: the bundled five; an item is recognised by its passages and
  key phrases;
* ``tests/data/heldout/gold.yaml``: the held-out articles; an item is recognised by its
  article (the raw file it was ingested from) and key phrases, since passage ids are only
  known after ingest.

A point covers an item when the statement it shows comes from the item's passage or article
and contains one of its phrases. The statements listed as "also made by" are credited to
their sources but not quoted, so they cover nothing: grouping two different points together
loses one of them here, as it would for a reader. The held-out
run ingests the held-out raw files beside the bundled five (the ``briefbot ingest`` code) into
a temporary knowledge directory, as a user adding articles would. Every run is scored beside
the naive baseline of the same run: the sentences of the best passages for the topic's seed
query, in rank order.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.answers.brief import BriefPoint, brief, topic_facets
from bot.corpus import BUNDLED_KNOWLEDGE, load_corpus
from bot.eval_data import EVAL_DIR, HELDOUT_DIR
from bot.knowledge import KnowledgeBase
from bot.text import fold, split_sentences

#: The gold list of the bundled corpus.
BUNDLED_GOLD = EVAL_DIR / "proposals.yaml"
#: Points asked for per topic, on the bundled five and on the bundled five plus held-out.
BUNDLED_LIMITS = {"proposals": 15, "obstacles": 10}
HELDOUT_LIMITS = {"proposals": 25, "obstacles": 25}


@dataclass(frozen=True)
class Item:
    """A distinct proposal or obstacle of a gold list."""

    id: str
    core: bool
    phrases: tuple[str, ...]
    passages: tuple[str, ...] = ()  # bundled gold: the passages that state it
    origin: str | None = None  # held-out gold: the raw file of its article


@dataclass(frozen=True)
class Statement:
    """A quoted text with where it comes from and who it is credited to."""

    text: str
    passage: str
    origin: str | None
    by: str | None


@dataclass(frozen=True)
class Coverage:
    """How one briefing run scores against a gold list."""

    label: str
    points: int
    core: tuple[str, ...]
    covered: dict[str, list[int]]  # item id -> numbers (1-based) of the points covering it
    named: tuple[str, ...]  # covered core items with a statement credited to somebody
    noise: tuple[int, ...]  # numbers of points covering no item of any gold list
    repeated_sentences: tuple[str, ...] = field(default=())
    #: Core items some statement of any group states (shown or "also made by", whatever its
    #: rank): what was found, as against what the briefing's first points show.
    found: tuple[str, ...] | None = None
    #: Groups, shown or not, whose statements state different items of the gold lists: two
    #: distinct points taken for one, the second hidden in the first's "also made by".
    merged: int | None = None
    #: Whether the report names the core items it misses. A held-out run does not: a list
    #: of what a rule misses on articles nobody tunes on invites tuning on them.
    names_missing: bool = True

    @property
    def missing(self) -> list[str]:
        """Core items no point covers."""
        return [i for i in self.core if i not in self.core_covered]

    @property
    def core_covered(self) -> list[str]:
        """Core items some point covers."""
        return [i for i in self.core if self.covered.get(i)]

    @property
    def duplicates(self) -> dict[str, list[int]]:
        """Items covered by more than one point."""
        return {i: p for i, p in self.covered.items() if len(p) > 1}

    @property
    def precision(self) -> float:
        """Share of points that cover some item."""
        return 1 - len(self.noise) / self.points if self.points else 0.0

    def figures(self) -> dict[str, object]:
        """The figures as plain data (for ``--json`` and the README)."""
        return {"run": self.label, "points": self.points,
                "core_covered": len(self.core_covered), "core": len(self.core),
                "proposers_named": len(self.named), "precision": round(self.precision, 3),
                "duplicates": len(self.duplicates),
                "repeated_sentences": len(self.repeated_sentences),
                "found_in_any_group": None if self.found is None else len(self.found),
                "groups_merging_items": self.merged,
                "missing": self.missing if self.names_missing else len(self.missing)}

    def summary(self) -> str:
        """One line of figures."""
        missing = self.missing
        if missing and self.names_missing:
            missed = f"; missing: {', '.join(missing)}"
        else:
            missed = f"; missing {len(missing)} (held out: not named)" if missing else ""
        return (f"{self.label}: {self.points} points; core covered {len(self.core_covered)}/"
                f"{len(self.core)}, credited {len(self.named)}; precision "
                f"{self.precision:.0%}; duplicates {len(self.duplicates)}, repeated sentences "
                f"{len(self.repeated_sentences)}"
                + (f"; found in any group {len(self.found)}/{len(self.core)}"
                   if self.found is not None else "")
                + (f"; groups merging items {self.merged}" if self.merged is not None else "")
                + missed)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", fold(text))


def covers(item: Item, statement: Statement) -> bool:
    """Whether ``statement`` states ``item``: right passage or article, and a key phrase."""
    if item.passages and statement.passage not in item.passages:
        return False
    if item.origin is not None and statement.origin != item.origin:
        return False
    text = _norm(statement.text)
    return any(_norm(p) in text for p in item.phrases)


def load_bundled_gold(path: Path = BUNDLED_GOLD) -> dict[str, list[Item]]:
    """The bundled gold by topic: ``{"proposals": [...], "obstacles": [...]}``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {topic: [Item(e["id"], bool(e.get("core")), tuple(e["phrases"]),
                         passages=tuple(e["passages"])) for e in entries]
            for topic, entries in data.items()}


def load_heldout_gold(directory: Path = HELDOUT_DIR) -> dict[str, list[Item]]:
    """The held-out gold by topic, every article's items together."""
    data = yaml.safe_load((directory / "gold.yaml").read_text(encoding="utf-8"))["articles"]
    gold: dict[str, list[Item]] = {"proposals": [], "obstacles": []}
    for origin, article in data.items():
        for topic, items in gold.items():
            items.extend(Item(f"{origin[:3]}:{e['id']}", bool(e.get("core")),
                              tuple(e["phrases"]), origin=origin) for e in article[topic])
    return gold


def point_statements(kb: KnowledgeBase, point: BriefPoint) -> list[Statement]:
    """The statements of a briefing point: the one shown, then those "also made by"."""
    documents = kb.corpus.documents
    return [Statement(point.text, point.passage, documents[point.doc].origin, point.by),
            *(Statement(a.text, a.passage, documents[a.doc].origin, a.by) for a in point.also)]


def grouped_statements(kb: KnowledgeBase, topic: str) -> list[list[Statement]]:
    """Every group ``topic`` has (the ones no briefing reaches too), as its statements."""
    documents = kb.corpus.documents
    return [[Statement(kb.corpus.passage(s.passage).text[s.start:s.end], s.passage,
                       documents[s.doc].origin, s.by) for s in group.statements]
            for group in topic_facets(kb, kb.corpus.topics[topic]).groups]


def _merges(items: Sequence[Item], group: Sequence[Statement]) -> bool:
    """Whether ``group`` puts together statements of different items: two statements that
    each state some item, none of them the same (one point hiding another in its "also made
    by")."""
    stated = [frozenset(i.id for i in items if covers(i, s)) for s in group]
    stated = [ids for ids in stated if ids]
    return any(a.isdisjoint(b) for n, a in enumerate(stated) for b in stated[n + 1:])


def baseline_points(kb: KnowledgeBase, topic: str, limit: int) -> list[list[Statement]]:
    """The naive briefing: the sentences of the best passages for the topic's seed query, in
    rank order, without cues, grouping or balancing (the same retrieval as ``brief``)."""
    points: list[list[Statement]] = []
    for hit in kb.index.search(kb.corpus.topics[topic].query, limit):
        origin = kb.corpus.documents[hit.passage.doc_id].origin
        points.extend([Statement(s.text, hit.passage.id, origin, None)]
                      for s in split_sentences(hit.passage.text))
    return points[:limit]


def measure(label: str, points: Sequence[Sequence[Statement]], items: Sequence[Item],
            other_items: Sequence[Item] = (),
            grouped: Sequence[Sequence[Statement]] | None = None,
            names_missing: bool = True) -> Coverage:
    """Score ``points`` (each a list of statements) against ``items``.

    A point covering only ``other_items`` (the other gold list of a mixed corpus) is not
    noise, though it counts for nothing here. ``grouped``, every group as its statements,
    gives :attr:`Coverage.found` and :attr:`Coverage.merged`; ``names_missing`` is
    :attr:`Coverage.names_missing`.
    """
    covered: dict[str, list[int]] = {}
    named: set[str] = set()
    noise = []
    for number, statements in enumerate(points, start=1):
        shown = statements[0]
        hits = [item for item in items if covers(item, shown)]
        for item in hits:
            covered.setdefault(item.id, []).append(number)
            if item.core and shown.by:
                named.add(item.id)
        if not hits and not any(covers(i, shown) for i in other_items):
            noise.append(number)
    seen: set[str] = set()
    repeated = []
    for statements in points:
        for sentence in split_sentences(statements[0].text):
            key = _norm(sentence.text)
            if key in seen:
                repeated.append(sentence.text)
            seen.add(key)
    found = merged = None
    if grouped is not None:
        found = tuple(i.id for i in items if i.core
                      and any(covers(i, s) for group in grouped for s in group))
        every = [*items, *other_items]
        merged = sum(_merges(every, group) for group in grouped)
    return Coverage(label, len(points), tuple(i.id for i in items if i.core), covered,
                    tuple(sorted(named)), tuple(noise), tuple(repeated), found, merged,
                    names_missing)


def bundled_report(kb: KnowledgeBase | None = None) -> list[Coverage]:
    """Ours and the baseline on the bundled five, per topic."""
    kb = kb or KnowledgeBase.from_corpus(load_corpus(BUNDLED_KNOWLEDGE))
    gold = load_bundled_gold()
    runs = []
    for topic, limit in BUNDLED_LIMITS.items():
        ours = [point_statements(kb, p) for p in brief(kb, topic, limit).points]
        runs += [measure(f"bundled: brief {topic} --limit {limit}", ours, gold[topic],
                         grouped=grouped_statements(kb, topic)),
                 measure(f"bundled: baseline {topic} top {limit} sentences",
                         baseline_points(kb, topic, limit), gold[topic])]
    return runs


def heldout_knowledge(directory: Path = HELDOUT_DIR, bundled: Path = BUNDLED_KNOWLEDGE,
                      *, beside: bool = True) -> tempfile.TemporaryDirectory[str]:
    """A temporary knowledge directory: the bundled one plus the held-out raw files
    ingested beside its articles, as ``briefbot ingest … --out DIR/articles`` writes them
    (with ``beside=False``, instead of them: only the bundled topics and synonyms are kept,
    ``people.yaml`` citing the bundled passages)."""
    from bot.ingest import ingest_files

    tmp = tempfile.TemporaryDirectory(prefix="briefbot-heldout-")
    root = Path(tmp.name) / "knowledge"
    if beside:
        shutil.copytree(bundled, root)
    else:
        root.mkdir()
        for name in ("topics.yaml", "synonyms.yaml"):
            shutil.copy(bundled / name, root / name)
    ingest_files(sorted(directory.glob("*.txt")), root / "articles")
    return tmp


def heldout_report(directory: Path = HELDOUT_DIR,
                   alone_limits: dict[str, int] = BUNDLED_LIMITS, *,
                   names_missing: bool | None = None) -> list[Coverage]:
    """Ours and the baseline on the bundled five plus the held-out articles, scored against
    the held-out gold (and, for the same run, the bundled gold); then the held-out articles
    alone at ``alone_limits``: by default the bundled run's limits, the figures comparable
    with the bundled ones (as many articles, as many points per article); a set of more
    articles needs more points for its figures to tell rules apart.

    The items a run misses are named (``names_missing``) only for another directory than
    the held-out one, such as the tuning articles: held-out figures are counts.
    """
    if names_missing is None:
        names_missing = directory.resolve() != HELDOUT_DIR.resolve()
    heldout, bundled = load_heldout_gold(directory), load_bundled_gold()
    with heldout_knowledge(directory) as tmp:
        kb = KnowledgeBase.from_corpus(load_corpus(Path(tmp) / "knowledge"))
        runs = []
        for topic, limit in HELDOUT_LIMITS.items():
            ours = [point_statements(kb, p) for p in brief(kb, topic, limit).points]
            plain = baseline_points(kb, topic, limit)
            runs += [
                measure(f"held-out: brief {topic} --limit {limit}", ours, heldout[topic],
                        bundled[topic], grouped=grouped_statements(kb, topic),
                        names_missing=names_missing),
                measure(f"held-out: baseline {topic} top {limit} sentences", plain,
                        heldout[topic], bundled[topic], names_missing=names_missing),
                measure(f"same run, bundled gold: brief {topic} --limit {limit}", ours,
                        bundled[topic], heldout[topic]),
            ]
    with heldout_knowledge(directory, beside=False) as tmp:
        kb = KnowledgeBase.from_corpus(load_corpus(Path(tmp) / "knowledge"))
        for topic, limit in alone_limits.items():
            ours = [point_statements(kb, p) for p in brief(kb, topic, limit).points]
            runs += [
                measure(f"held-out alone: brief {topic} --limit {limit}", ours,
                        heldout[topic], grouped=grouped_statements(kb, topic),
                        names_missing=names_missing),
                measure(f"held-out alone: baseline {topic} top {limit} sentences",
                        baseline_points(kb, topic, limit), heldout[topic],
                        names_missing=names_missing),
            ]
    return runs
