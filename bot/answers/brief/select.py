"""Choosing the points of a briefing: score candidate spans, then pick them with MMR.

1. Retrieve passages with the topic's expanded query (BM25, several times more passages than
   points), and offer every quotable span of them (see :mod:`.spans`).
2. A span on a topic with cue phrases must contain one in its last sentence — a proposal
   point must propose something; an ad-hoc topic's span must share a query term.
3. Relevance mixes the cues found, the query terms the span contains (IDF-weighted) and its
   passage's BM25 score.
4. Maximal marginal relevance picks spans one at a time, trading relevance against the
   IDF-weighted cosine similarity to the spans already picked, and drops a span outright when
   it is a near-repeat of one picked (the same proposal in other words) or overlaps it.

Greedy MMR picks in the same order whatever the count, so the first ``n`` of a long run are the
best ``n``: one run serves the default, ``--limit`` and "how many are there".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.answers.brief.spans import (
    Cue,
    Span,
    candidate_spans,
    compile_cue,
    cue_count,
    matched_cues,
)
from bot.corpus import Document, Topic
from bot.knowledge import KnowledgeBase
from bot.text import fold, split_sentences

#: Passages retrieved per point asked for, and at least this many: sentences, not passages,
#: are the points, and a passage often holds one good sentence among several.
PASSAGES_PER_POINT = 3
MIN_PASSAGES = 24
#: MMR trade-off: weight of relevance against similarity to the points already chosen.
MMR_LAMBDA = 0.7
#: A span this similar to one already chosen repeats it (the same proposal in other words).
NEAR_DUPLICATE = 0.4
#: Spans scoring below this share of the best one are noise rather than points.
RELEVANCE_FLOOR = 0.2
# Score of a span by how many places hold a cue: the first cue says the span is on topic; a
# second (a proposal that "calls for … and urges …") says so more firmly; more add nothing.
_CUE_SCORE = (0.0, 0.75, 1.0)
#: Two points from one paragraph are at least this similar: a paragraph usually makes one
#: point, so a second sentence of it more often restates the first than a new source does.
SAME_PASSAGE_SIMILARITY = 0.3
# Relevance weights: cue phrases, query terms, passage score (topics with cues / ad-hoc).
_WEIGHTS_CUED = (0.5, 0.3, 0.2)
_WEIGHTS_ADHOC = (0.0, 0.65, 0.35)
# Spans longer than this many characters cost a reader more than they usually add.
_LONG_SPAN = 320


@dataclass(frozen=True)
class Candidate:
    """A quotable span with what made it relevant."""

    span: Span
    doc: Document
    cues: tuple[str, ...]
    relevance: float  # 0..1, 1 for the best candidate
    terms: frozenset[str]
    passage_rank: int  # rank of its passage in the retrieval, 0 = best
    aspects: frozenset[str] = frozenset()  # the topic's sub-queries the span covers


@dataclass(frozen=True)
class Aspect:
    """A sub-query of a topic ("Taiwan Relations Act | pass a law"), covered by a span that
    says one of its alternative phrasings."""

    text: str
    phrases: tuple[Cue, ...]  # phrasings matched in the text, like cue phrases
    concepts: frozenset[str]  # synonym terms ("syn:tra") of phrasings that are synonyms

    def covered_by(self, text: str, terms: frozenset[str]) -> bool:
        """Whether a span with this ``text`` and these index ``terms`` covers the aspect."""
        return bool(self.concepts & terms) or bool(matched_cues(self.phrases, text))


def topic_aspects(kb: KnowledgeBase, topic: Topic) -> list[Aspect]:
    """The sub-queries of a topic whose query lists them separated by ``;``.

    An aspect may give alternative phrasings separated by ``|``. A phrasing that is a synonym
    of ``synonyms.yaml`` ("Taiwan Relations Act") is said by any of its synonyms (TRA);
    any other phrasing must occur as written (case, quotes and dashes aside).
    """
    if ";" not in topic.query:
        return []
    synonyms = {fold(term) for group in kb.corpus.synonyms for term in group}
    aspects = []
    for part in topic.query.split(";"):
        phrases: list[Cue] = []
        concepts: set[str] = set()
        for phrase in (p.strip() for p in part.split("|")):
            canonical = [t for t in kb.analyzer.tokens(phrase) if t.startswith("syn:")]
            if fold(phrase) in synonyms and canonical:
                concepts.add(canonical[0])
            elif phrase:
                phrases.append(compile_cue(phrase))
        if phrases or concepts:
            aspects.append(Aspect(" ".join(part.split()), tuple(phrases), frozenset(concepts)))
    return aspects


class TermWeights:
    """IDF of every indexed term: rare terms say more about what a span is about."""

    def __init__(self, kb: KnowledgeBase) -> None:
        df: Counter[str] = Counter()
        for tokens in kb.index.tokens:
            df.update(set(tokens))
        n = len(kb.index.tokens)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self._unseen = math.log(1 + (n + 0.5) / 0.5)

    def idf(self, term: str) -> float:
        """The BM25 IDF of ``term`` (high for a term the index does not hold)."""
        return self._idf.get(term, self._unseen)

    def cosine(self, a: frozenset[str], b: frozenset[str]) -> float:
        """Cosine similarity of two term sets, each term weighted by its IDF."""
        if not a or not b:
            return 0.0
        shared = sum(self.idf(t) ** 2 for t in a & b)
        if not shared:
            return 0.0
        norm_a = math.sqrt(sum(self.idf(t) ** 2 for t in a))
        norm_b = math.sqrt(sum(self.idf(t) ** 2 for t in b))
        return shared / (norm_a * norm_b)


def candidates(kb: KnowledgeBase, topic: Topic, weights: TermWeights, *,
               passages: int) -> list[Candidate]:
    """Every span of the best ``passages`` passages that qualifies as a point, scored."""
    query = frozenset(kb.analyzer.tokens(topic.query))
    hits = kb.index.search_tokens(sorted(query), passages)
    if not hits:
        return []
    cues = [compile_cue(phrase) for phrase in topic.cues]
    aspects = topic_aspects(kb, topic)
    top_score = hits[0].score or 1.0
    raw: list[tuple[Span, Document, tuple[str, ...], int, float, float, frozenset[str], int]] = []
    for rank, hit in enumerate(hits):
        doc = kb.corpus.documents[hit.passage.doc_id]
        for span in candidate_spans(hit.passage, split_sentences(hit.passage.text)):
            found = _cues_of(cues, span)
            if cues and not found:
                continue
            terms = frozenset(kb.analyzer.tokens(span.text))
            overlap = sum(weights.idf(t) for t in terms & query)
            if not cues and not overlap:
                continue
            raw.append((span, doc, found, cue_count(cues, span.text), overlap,
                        hit.score / top_score, terms, rank))
    if not raw:
        return []
    best_overlap = max(r[4] for r in raw) or 1.0
    w_cue, w_query, w_passage = _WEIGHTS_CUED if cues else _WEIGHTS_ADHOC
    scored = []
    for span, doc, found, places, overlap, passage_score, terms, rank in raw:
        score = (w_cue * _CUE_SCORE[min(places, len(_CUE_SCORE) - 1)]
                 + w_query * overlap / best_overlap + w_passage * passage_score)
        scored.append((span, doc, found, score * _length_factor(span), terms, rank))
    best = max(s[3] for s in scored) or 1.0
    return [Candidate(span, doc, found, score / best, terms, rank,
                      frozenset(a.text for a in aspects if a.covered_by(span.text, terms)))
            for span, doc, found, score, terms, rank in scored]


def _cues_of(cues: Sequence[Cue], span: Span) -> tuple[str, ...]:
    """Cues of the span, or none when its last sentence (the point itself) has none.

    A span that only has cues in the sentences brought along for context is really about
    those sentences, which are candidates of their own.
    """
    if not cues or not matched_cues(cues, span.sentences[-1]):
        return ()
    return tuple(matched_cues(cues, span.text))


def _length_factor(span: Span) -> float:
    """Mildly prefer spans a reader takes in at a glance."""
    length = len(span.text)
    if length <= _LONG_SPAN:
        return 1.0
    return math.sqrt(_LONG_SPAN / length)


def mmr(pool: Iterable[Candidate], weights: TermWeights, count: int) -> list[Candidate]:
    """Up to ``count`` candidates by maximal marginal relevance, best first.

    A candidate overlapping a chosen span, repeating a chosen sentence, or at least
    :data:`NEAR_DUPLICATE` similar to a chosen point is never chosen; nor is one below
    :data:`RELEVANCE_FLOOR`.
    """
    remaining = sorted((c for c in pool if c.relevance >= RELEVANCE_FLOOR),
                       key=lambda c: (-c.relevance, c.span.passage.id, c.span.start))
    chosen: list[Candidate] = []
    seen_sentences: set[str] = set()
    covered: set[str] = set()  # aspects of the chosen points
    while remaining and len(chosen) < count:
        best: Candidate | None = None
        best_value = -math.inf
        keep: list[Candidate] = []
        for candidate in remaining:
            if _repeats(candidate, chosen, seen_sentences):
                continue
            similarity = max((_similarity(weights, candidate, c) for c in chosen),
                             default=_aspect_redundancy(candidate, covered))
            similarity = max(similarity, _aspect_redundancy(candidate, covered))
            if similarity >= NEAR_DUPLICATE:
                continue
            keep.append(candidate)
            value = MMR_LAMBDA * candidate.relevance - (1 - MMR_LAMBDA) * similarity
            if value > best_value:
                best, best_value = candidate, value
        if best is None:
            break
        chosen.append(best)
        seen_sentences.update(fold(s) for s in best.span.sentences)
        covered.update(best.aspects)
        remaining = [c for c in keep if c is not best]
    return chosen


def _aspect_redundancy(candidate: Candidate, covered: set[str]) -> float:
    """The share of the candidate's aspects already covered: 1.0 repeats a chosen point's
    subject (a second call for a Taiwan Relations Act), 0.0 is all new or has none."""
    if not candidate.aspects:
        return 0.0
    return len(candidate.aspects & covered) / len(candidate.aspects)


def _similarity(weights: TermWeights, a: Candidate, b: Candidate) -> float:
    similarity = weights.cosine(a.terms, b.terms)
    if a.span.passage.id == b.span.passage.id:
        return max(similarity, SAME_PASSAGE_SIMILARITY)
    return similarity


def _repeats(candidate: Candidate, chosen: Sequence[Candidate], seen: set[str]) -> bool:
    """Whether the candidate quotes text a chosen point already quotes."""
    if any(fold(s) in seen for s in candidate.span.sentences):
        return True
    return any(candidate.span.overlaps(c.span) for c in chosen)


def reading_order(chosen: Sequence[Candidate]) -> list[Candidate]:
    """Points grouped by document, documents in the order of their best point, each
    document's points in reading order.

    Selection is by relevance; presentation follows the articles, so one author's argument
    reads in its own order and a source's citations run forward.
    """
    first_pick: dict[str, int] = {}
    for i, candidate in enumerate(chosen):
        first_pick.setdefault(candidate.doc.id, i)
    return sorted(chosen, key=lambda c: (first_pick[c.doc.id], c.span.passage.number,
                                         c.span.start))
