"""The statements of a topic's points, and how they are grouped into distinct points.

:mod:`.facets` finds the statements; :func:`group_statements` puts together those that make
one point in other words (average-linkage clustering of their salient terms), so
that a proposal three articles make is one group with three sources.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

#: Two statements whose salient terms are at least this similar on average (IDF-weighted
#: cosine) make one point.
GROUP_SIMILARITY = 0.2
# Far above the rounding of a cosine of a few hundred terms, far below a real difference.
_MARGIN = 1e-9


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
    """A cluster label per term set: hierarchical clustering, average linkage, over the
    cosine distance of term vectors weighted by IDF among these statements (a term most
    statements of the topic share, "China", says little about which point one makes); two
    statements sharing a (cue, object term) pair of ``objects`` are at distance 0.

    The clusters are cut at ``1 - GROUP_SIMILARITY``. A free-text brief's few hundred
    statements fall into small sets of close ones, each clustered on its own, exactly
    (:func:`_components`): scipy, some 0.3 s to import for the first free-text brief of a
    process, decides only where a near tie would let the order of merging decide
    (:func:`_linkage`).
    """
    if len(term_sets) == 1:
        return [0]
    weighted = _weighted(term_sets)
    labels = _components(weighted, objects)
    return labels if labels is not None else _linkage(weighted, objects)


class _Weighted(NamedTuple):
    """The statements' IDF-weighted term vectors as sparse coordinates."""

    size: int  # statements (rows)
    terms: int  # distinct terms (columns)
    rows: list[int]
    cols: list[int]
    values: list[float]


def _weighted(term_sets: Sequence[frozenset[str]]) -> _Weighted:
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
    return _Weighted(n, max(len(vocabulary), 1), rows, cols, values)


def _about(objects: Sequence[frozenset[tuple[str, str]]]) -> list[list[int]]:
    """The rows of each (cue, object term) pair: statements at distance 0 from each other."""
    about: dict[tuple[str, str], list[int]] = {}
    for row, pairs in enumerate(objects):
        for pair in pairs:
            about.setdefault(pair, []).append(row)
    return list(about.values())


def _components(weighted: _Weighted, objects: Sequence[frozenset[tuple[str, str]]]
                ) -> list[int] | None:
    """The clusters, found one set of statements closer than the cut to each other at a
    time, or ``None`` where rounding or a tie could decide.

    Average linkage merges two clusters at the mean distance of their members, so statements
    farther than the cut from every statement of a set never join it below the cut: each
    connected set of close statements is clustered alone (:func:`_merged`). Distances within
    :data:`_MARGIN` of the cut, where rounding (this product's or scipy's) could fall either
    side, are left to scipy.
    """
    import numpy as np

    n = weighted.size
    norms = [0.0] * n
    by_term: dict[int, list[tuple[int, float]]] = {}
    for row, col, value in zip(weighted.rows, weighted.cols, weighted.values, strict=True):
        norms[row] += value * value
        by_term.setdefault(col, []).append((row, value))
    scale = [1 / math.sqrt(norm) if norm else 1.0 for norm in norms]
    # Only a term two statements share brings them closer, and most of a brief's terms are
    # one statement's: the cosines are summed term by term over those few (a matrix product
    # would cost more, and spin BLAS threads on a shared machine).
    similarity = np.zeros((n, n))
    for found in by_term.values():
        if len(found) > 1:
            members = [row for row, _value in found]
            unit = np.array([value * scale[row] for row, value in found])
            similarity[np.ix_(members, members)] += np.outer(unit, unit)
    distance = 1.0 - similarity
    for rows_about in _about(objects):
        for i in rows_about:
            distance[i, rows_about] = 0.0
    np.fill_diagonal(distance, 0.0)
    cut = 1.0 - GROUP_SIMILARITY
    if np.any(np.abs(distance - cut) <= _MARGIN):
        return None
    sets = list(range(n))  # a representative per statement, joined below
    for i, j in zip(*np.nonzero(np.triu(distance < cut, k=1)), strict=True):
        old, new = sets[int(j)], sets[int(i)]
        sets = [new if s == old else s for s in sets]
    labels = [0] * n
    connected: dict[int, list[int]] = {}
    for row, s in enumerate(sets):
        connected.setdefault(s, []).append(row)
    for rows in connected.values():
        clusters = _merged(distance[np.ix_(rows, rows)].tolist(), cut)
        if clusters is None:
            return None
        for cluster in clusters:
            for member in cluster:
                labels[rows[member]] = rows[cluster[0]]
    return labels


def _merged(distance: list[list[float]], cut: float) -> list[list[int]] | None:
    """Average linkage of a few statements below ``cut``, closest clusters first: the
    clusters (lists of indices of ``distance``), or ``None`` when two merges that share a
    cluster are within :data:`_MARGIN` of the closest (which one goes first decides, and
    scipy's order is then the one to follow) or a merge is that close to the cut."""
    clusters = [[i] for i in range(len(distance))]
    # Total distance between the members of two clusters: their mean, over their sizes.
    totals = [row[:] for row in distance]
    alive = list(range(len(clusters)))
    while len(alive) > 1:
        candidates = sorted((totals[a][b] / (len(clusters[a]) * len(clusters[b])), a, b)
                            for a, b in itertools.combinations(alive, 2))
        best, a, b = candidates[0]
        if best > cut - _MARGIN:
            return None if best <= cut + _MARGIN else [clusters[c] for c in alive]
        for other, x, y in candidates[1:]:
            if other - best > _MARGIN:
                break
            if {x, y} & {a, b}:
                return None
        clusters[a] += clusters[b]
        for c in alive:
            totals[a][c] += totals[b][c]
            totals[c][a] = totals[a][c]
        alive.remove(b)
    return [clusters[c] for c in alive]


def _linkage(weighted: _Weighted, objects: Sequence[frozenset[tuple[str, str]]]) -> list[int]:
    """The clusters by scipy's average-linkage clustering, cut at ``1 - GROUP_SIMILARITY``."""
    # scipy ships no type stubs; its two calls here are checked by the tests.
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage  # type: ignore[import-untyped]
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]

    n = weighted.size
    matrix = csr_matrix((weighted.values, (weighted.rows, weighted.cols)),
                        shape=(n, weighted.terms))
    norms = np.sqrt(matrix.multiply(matrix).sum(axis=1)).A1
    norms[norms == 0] = 1.0
    unit = csr_matrix(matrix.multiply(1 / norms[:, None]))
    distance = np.clip(1.0 - (unit @ unit.T).toarray(), 0.0, 1.0)
    for rows_about in _about(objects):
        for i in rows_about:
            distance[i, rows_about] = 0.0
    np.fill_diagonal(distance, 0.0)
    tree = linkage(distance[np.triu_indices(n, k=1)], method="average")
    return [int(label) for label in fcluster(tree, t=1.0 - GROUP_SIMILARITY, criterion="distance")]
