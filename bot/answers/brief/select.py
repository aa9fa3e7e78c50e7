"""Ordering the points of a briefing: the best first, sources balanced.

The points are the groups of :mod:`.facets`. A group's score is its best statement's
relevance plus its support — how many documents make the point firmly — since a proposal three
articles make matters more to a reader than one made in passing once. The order is greedy: at
each step the group with the highest score, less :data:`SOURCE_PENALTY` for every point its
document already has beyond its fair share, so that one article does not fill a briefing
when several discuss the topic. A statement quoting what a point already taken quotes is
left out of its group (its antecedents alone become context); a group left with fewer
statements competes again at its lesser score, and one left with none is dropped. A point
shows one statement per paragraph: another sentence of the shown statement's paragraph (or
of one "also made by" paragraph) is the same source saying it again, not another source, so
"also made by" never cites the paragraph the point quotes.

Greedy order is the same whatever the count, so the first ``n`` points are the best ``n``: one
ordering serves the default briefing, ``--limit``, the digest and "how many are there".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.answers.brief.facets import Group, Statement
    from bot.knowledge import KnowledgeBase

#: Weight of support: the share of the widest group's documents a group's documents are.
W_SUPPORT = 0.3
#: Subtracted from a group's score for each point its document already has beyond its fair
#: share (its share of the groups).
SOURCE_PENALTY = 0.1
#: Groups scoring below this share of the best one are noise rather than points.
RELEVANCE_FLOOR = 0.2


class TermWeights:
    """IDF of every indexed term: rare terms say more about what a statement is about."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._index = kb.index
        self._size = len(kb.index.passages)

    def idf(self, term: str) -> float:
        """The BM25 IDF of ``term`` (high for a term the index does not hold)."""
        f = self._index.document_frequency(term)
        return math.log(1 + (self._size - f + 0.5) / (f + 0.5))



def _overlaps(a: Statement, b: Statement) -> bool:
    return a.passage == b.passage and a.start < b.end and b.start < a.end


def _unquoted(statement: Statement, taken: Sequence[Statement]) -> Statement | None:
    """``statement`` without the antecedents that ``taken`` statements already quote, those
    becoming its context ("Japan also faces constitutional restrictions…" shown, then
    "Altogether, then, it clearly prefers…" after it); ``None`` when the sentence making its
    point is quoted already, when it has context of its own, or when it only goes on with
    the point it leans on (a cue of its own sentence is one of that point's: "‘Japan still
    feels pressure,’ … ‘The ministry will feel the pressure more acutely,’ he said.")."""
    overlapping = [t for t in taken if _overlaps(statement, t)]
    if not overlapping:
        return statement
    if statement.context is not None or not statement.starts or \
            any(set(statement.own_cues) & set(t.own_cues) for t in overlapping):
        return None
    own = len(statement.starts) + statement.point if statement.point < 0 else statement.point
    for first in range(1, own + 1):
        rest = replace(statement, start=statement.starts[first])
        if not any(_overlaps(rest, t) for t in taken):
            return replace(rest, sentences=statement.sentences - first,
                           context=(statement.passage, statement.start,
                                    statement.starts[first]),
                           starts=statement.starts[first:], point=own - first)
    return None


def order_groups(groups: Sequence[Group], limit: int) -> list[Group]:
    """Up to ``limit`` groups, best first, sources balanced (see the module docstring).

    Each group's score is set to its relevance plus support, and its statements are ordered
    so that the first is the one shown.
    """
    if not groups:
        return []
    widest = max(len(g.supporters) for g in groups)

    def supported(group: Group) -> Group:
        """``group`` scored: its shown statement's relevance plus its support."""
        support = W_SUPPORT * (len(group.supporters) - 1) / (widest - 1) if widest > 1 else 0.0
        return replace(group, score=round(group.statements[0].relevance + support, 4))

    scored = [supported(g) for g in groups]
    floor = RELEVANCE_FLOOR * max(g.score for g in scored)
    remaining = sorted((g for g in scored if g.score >= floor),
                       key=lambda g: (-g.score, g.statements[0].passage, g.statements[0].start))
    chosen: list[Group] = []
    # A document's fair share of the points: its share of the groups (of their statements
    # shown first). One article with most of the distinct points may have most of the
    # briefing; one with a few repeated ones may not crowd out the rest.
    share: dict[str, float] = {}
    for group in remaining:
        doc = group.statements[0].doc
        share[doc] = share.get(doc, 0.0) + 1 / len(remaining)
    per_doc: dict[str, int] = {}
    taken: list[Statement] = []
    while remaining and len(chosen) < limit:
        best_i, best_value = 0, -math.inf
        for i, group in enumerate(remaining):
            doc = group.statements[0].doc
            over = per_doc.get(doc, 0) + 1 - (len(chosen) + 1) * share.get(doc, 0.0)
            value = group.score - SOURCE_PENALTY * max(0.0, over)
            if value > best_value:
                best_i, best_value = i, value
        group = remaining.pop(best_i)
        # A statement quoting text a chosen point already quotes (shown or "also made by")
        # is dropped: no sentence appears twice in a briefing.
        # The statement shown may leave out antecedents a chosen point quotes (they become
        # its context); those "also made by" are never shown in full, so they may not.
        statements: list[Statement] = []
        for statement in group.statements:
            kept = _unquoted(statement, taken) if not statements else statement
            if kept is not None and not any(_overlaps(kept, t) for t in [*taken, *statements]):
                statements.append(kept)
        if not statements:
            continue
        if len(statements) < len(group.statements):
            # What is left is a lesser point (fewer sources, perhaps another statement
            # shown): it competes again at its own score.
            remaining.append(supported(replace(group, statements=tuple(statements))))
            continue
        # Every statement is taken, so that a sentence left out below is quoted by no
        # later point either.
        taken.extend(statements)
        by_passage = {s.passage: s for s in reversed(statements)}  # each paragraph's best
        group = replace(group, statements=tuple(s for s in statements
                                                if by_passage[s.passage] is s))
        chosen.append(group)
        first = group.statements[0]
        per_doc[first.doc] = per_doc.get(first.doc, 0) + 1
    return chosen
