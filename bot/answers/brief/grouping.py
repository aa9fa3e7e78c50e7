"""The statements of a topic's points, and how they are grouped into distinct points.

:mod:`.facets` finds the statements; :func:`group_statements` puts together those that make
one point in other words (average-linkage clustering of their salient terms, from scipy), so
that a proposal three articles make is one group with three sources.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: Two statements whose salient terms are at least this similar on average (IDF-weighted
#: cosine) make one point.
GROUP_SIMILARITY = 0.2


@dataclass(frozen=True)
class Statement:
    """One statement of a point: a verbatim span of a passage and who makes it."""

    passage: str  # passage id, doc#pN
    doc: str
    start: int
    end: int
    sentences: int  # how many sentences the span quotes (more than 1 with antecedents)
    #: (passage id, start, end) of the sentence it leans on, the previous paragraph's last,
    #: when its first sentence opens with "However, …" or the like (or, once ordered, the
    #: antecedents an earlier point quotes: see ``select``).
    context: tuple[str, int, int] | None
    by: str | None
    by_author: bool
    #: How ``by`` was decided (:class:`bot.people.attribution.Attribution`): ``by_kind`` is
    #: "person" or "organisation", ``by_rule`` the rule ("name-verb", "reported", "author"…).
    by_kind: str | None
    by_rule: str | None
    cues: tuple[str, ...]
    relevance: float  # 0..1 within its topic, 1 for the best statement
    terms: frozenset[str]  # salient index terms of its own sentence, for grouping
    #: Where each quoted sentence starts, which of them makes the point (its index), and
    #: the cues of that sentence.
    starts: tuple[int, ...] = ()
    point: int = -1
    own_cues: tuple[str, ...] = ()
    #: What its sentence makes a point about, as (cue phrase, salient term of the cue's
    #: object) pairs (see :func:`~bot.answers.brief.cues.cue_objects`), for grouping.
    objects: frozenset[tuple[str, str]] = frozenset()
    #: Whether its sentence makes the point firmly (a strong cue), not only "might" or
    #: "could": a speculation names a point without making it, and lends it no support.
    firm: bool = True


@dataclass(frozen=True)
class Group:
    """A distinct point: its statements, best first (the first is the one shown)."""

    statements: tuple[Statement, ...]
    score: float  # the best statement's relevance plus support (see ``select``)

    @property
    def documents(self) -> tuple[str, ...]:
        """The documents that make the point, in order of their best statement."""
        return tuple(dict.fromkeys(s.doc for s in self.statements))

    @property
    def supporters(self) -> tuple[str, ...]:
        """The documents that make the point firmly, and the one shown, whatever its cue."""
        return tuple(dict.fromkeys([self.statements[0].doc,
                                    *(s.doc for s in self.statements if s.firm)]))


@dataclass(frozen=True)
class TopicFacets:
    """The grouped points of one topic, best first, and the documents that discuss it."""

    groups: tuple[Group, ...]
    discussed_in: int  # documents with at least one statement on the topic


def group_statements(statements: Sequence[Statement]) -> list[Group]:
    """Statements grouped by average-linkage clustering of their salient terms.

    Average linkage (rather than single) keeps a chain of loosely related statements from
    becoming one group: every member must resemble the group on average. Two statements that
    use one cue on one thing ("there is no formal diplomatic relationship or direct military
    cooperation between …", "there is no formal military exchange between …") make one point
    however little else of their sentences agrees. Statements without salient terms stay
    alone.
    """
    if not statements:
        return []
    labels = _cluster([s.terms for s in statements], [s.objects for s in statements])
    members: dict[int, list[Statement]] = {}
    for label, statement in zip(labels, statements, strict=True):
        members.setdefault(label, []).append(statement)
    groups = []
    for group in members.values():
        group.sort(key=lambda s: (-s.relevance, s.passage, s.start))
        groups.append(Group(tuple(group), group[0].relevance))
    return groups


def _cluster(term_sets: Sequence[frozenset[str]],
             objects: Sequence[frozenset[tuple[str, str]]]) -> list[int]:
    """A cluster label per term set: scipy hierarchical clustering, average linkage, over the
    cosine of term vectors weighted by IDF among these statements (a term most statements of
    the topic share, "China", says little about which point one makes); two statements
    sharing a (cue, object term) pair of ``objects`` are at distance 0."""
    if len(term_sets) == 1:
        return [0]
    # scipy ships no type stubs; its two calls here are checked by the tests.
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage  # type: ignore[import-untyped]
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]

    frequency: dict[str, int] = {}
    for terms in term_sets:
        for term in terms:
            frequency[term] = frequency.get(term, 0) + 1
    n = len(term_sets)
    vocabulary: dict[str, int] = {}
    rows, cols, values = [], [], []
    for row, terms in enumerate(term_sets):
        for term in sorted(terms):
            rows.append(row)
            cols.append(vocabulary.setdefault(term, len(vocabulary)))
            values.append(math.log((n + 1) / frequency[term]))
    matrix = csr_matrix((values, (rows, cols)), shape=(n, max(len(vocabulary), 1)))
    norms = np.sqrt(matrix.multiply(matrix).sum(axis=1)).A1
    norms[norms == 0] = 1.0
    unit = csr_matrix(matrix.multiply(1 / norms[:, None]))
    distance = np.clip(1.0 - (unit @ unit.T).toarray(), 0.0, 1.0)
    about: dict[tuple[str, str], list[int]] = {}
    for row, pairs in enumerate(objects):
        for pair in pairs:
            about.setdefault(pair, []).append(row)
    for rows_about in about.values():
        for i in rows_about:
            distance[i, rows_about] = 0.0
    np.fill_diagonal(distance, 0.0)
    tree = linkage(distance[np.triu_indices(n, k=1)], method="average")
    return [int(label) for label in fcluster(tree, t=1.0 - GROUP_SIMILARITY, criterion="distance")]
