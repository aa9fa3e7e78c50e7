"""Choosing the points of a briefing: score candidate spans, then pick them with MMR.

1. Retrieve passages with the topic's expanded query (BM25, several passages per point), and
   offer every quotable span of them (see :mod:`.spans`).
2. On a topic with cue phrases a span must have one in its last sentence — a proposal point
   must propose something; on an ad-hoc topic it must share a query term.
3. Relevance mixes the cue phrases found (one or two places), what the span is about (for a
   topic whose query lists aspects, "Taiwan Relations Act; coast guards; …": whether it names
   one; otherwise BM25 of its query terms), its passage's BM25 score, how many documents make
   the same point (support) and, mildly, brevity.
4. Maximal marginal relevance picks spans one at a time, trading relevance against the
   similarity to the points already picked: IDF-weighted cosine of their terms, a floor for
   two sentences of one paragraph, and the share of the span's aspects already covered. A
   span that similar to a picked point (the same proposal in other words), overlapping it or
   repeating one of its sentences is dropped outright.

Greedy MMR picks in the same order whatever the count, so the first ``n`` of a long run are the
best ``n``: one run serves the default, ``--limit`` and "how many are there".
"""

from __future__ import annotations

import functools
import math
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
from bot.corpus import Document, Passage, Topic
from bot.knowledge import KnowledgeBase
from bot.text import Analyzer, fold, split_sentences

#: Passages retrieved per point: sentences, not passages, are the points, and a passage often
#: holds one good sentence among several.
PASSAGES_PER_POINT = 3
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
_BM25_K1 = 1.2
_BM25_B = 0.75
#: Weight of support: how many documents make the same proposal (see ``_support``).
W_SUPPORT = 0.15
#: Added to a candidate's MMR value in proportion to the share of its aspects no chosen point
#: covers yet: among equals, the point that brings a new proposal goes first.
NOVELTY = 0.1
# A span of this many characters or more loses _LENGTH_PENALTY of its relevance, shorter
# ones proportionally less.
_LONG_SPAN = 450
_LENGTH_PENALTY = 0.15


@dataclass(frozen=True)
class Candidate:
    """A quotable span with what made it relevant."""

    span: Span
    doc: Document
    cues: tuple[str, ...]
    relevance: float  # 0..1, 1 for the best candidate
    terms: frozenset[str]  # index terms of the span
    aspects: frozenset[str] = frozenset()  # the topic's aspects the span names


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
        self._index = kb.index
        self._size = len(kb.index.passages)

    def idf(self, term: str) -> float:
        """The BM25 IDF of ``term`` (high for a term the index does not hold)."""
        f = self._index.document_frequency(term)
        return math.log(1 + (self._size - f + 0.5) / (f + 0.5))

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
    found: list[_Found] = []
    for hit in hits:
        doc = kb.corpus.documents[hit.passage.doc_id]
        for span in _spans(hit.passage):
            span_cues = _cues_of(cues, span)
            if cues and not span_cues:
                continue
            tokens = _tokens(kb.analyzer, span.text)
            terms = frozenset(tokens)
            if not cues and not terms & query:
                continue
            found.append(_Found(span, doc, span_cues, cue_count(cues, span.text), terms,
                                len(tokens), hit.score / top_score))
    if not found:
        return []
    covers = [frozenset(a.text for a in aspects if a.covered_by(f.span.text, f.terms))
              for f in found]
    if aspects:
        # A topic with aspects says what matters: naming one of them is what counts, not
        # how many query words a span happens to repeat.
        query_scores = [1.0 if c else 0.0 for c in covers]
    else:
        average = sum(f.length for f in found) / len(found)
        query_scores = [_query_score(weights, f.terms & query, f.length / average)
                        for f in found]
    best_query = max(query_scores) or 1.0
    w_cue, w_query, w_passage = _WEIGHTS_CUED if cues else _WEIGHTS_ADHOC
    scores = [
        (w_cue * _CUE_SCORE[min(f.cue_places, len(_CUE_SCORE) - 1)]
         + w_query * q / best_query + w_passage * f.passage_score) * _length_factor(f.span)
        for f, q in zip(found, query_scores, strict=True)
    ]
    support = _support(found, covers)
    scores = [score + W_SUPPORT * sup for score, sup in zip(scores, support, strict=True)]
    best = max(scores) or 1.0
    return [Candidate(f.span, f.doc, f.cues, score / best, f.terms, aspect_set)
            for f, score, aspect_set in zip(found, scores, covers, strict=True)]


def _support(found: Sequence[_Found], covers: Sequence[frozenset[str]]) -> list[float]:
    """How widely each span's aspects are made across the documents, 0..1.

    A proposal three articles make matters more to a reader than one made in passing once,
    so its best statement should lead. Spans without aspects get 0.
    """
    documents: dict[str, set[str]] = {}
    for f, aspect_set in zip(found, covers, strict=True):
        for aspect in aspect_set:
            documents.setdefault(aspect, set()).add(f.doc.id)
    widest = max((len(docs) for docs in documents.values()), default=1)
    if widest <= 1:
        return [0.0] * len(found)
    return [max(((len(documents[a]) - 1) / (widest - 1) for a in aspect_set), default=0.0)
            for aspect_set in covers]


@dataclass(frozen=True)
class _Found:
    """A span that qualified, with the raw material of its score."""

    span: Span
    doc: Document
    cues: tuple[str, ...]
    cue_places: int
    terms: frozenset[str]
    length: int  # index terms, repeats included
    passage_score: float  # its passage's BM25 score over the best passage's


@functools.lru_cache(maxsize=8192)
def _spans(passage: Passage) -> tuple[Span, ...]:
    """The quotable spans of a passage. Cached: sentence splitting is the slow step, and a
    passage (frozen, compared by value) always splits the same way."""
    return tuple(candidate_spans(passage, split_sentences(passage.text)))


@functools.lru_cache(maxsize=32768)
def _tokens(analyzer: Analyzer, text: str) -> tuple[str, ...]:
    """The index terms of a span's text (cached with the spans)."""
    return tuple(analyzer.tokens(text))


def _query_score(weights: TermWeights, matched: frozenset[str], relative_length: float
                 ) -> float:
    """BM25 of a span for the query terms it holds (each once), so a long span does not win
    by merely having more words."""
    norm = 1 - _BM25_B + _BM25_B * relative_length
    return sum(weights.idf(t) * (_BM25_K1 + 1) / (1 + _BM25_K1 * norm) for t in matched)


def _cues_of(cues: Sequence[Cue], span: Span) -> tuple[str, ...]:
    """Cues of the span, or none when its last sentence (the point itself) has none.

    A span that only has cues in the sentences brought along for context is really about
    those sentences, which are candidates of their own.
    """
    if not cues or not matched_cues(cues, span.sentences[-1]):
        return ()
    return tuple(matched_cues(cues, span.text))


def _length_factor(span: Span) -> float:
    """Gently prefer shorter spans: among equals, the one a reader takes in at a glance, and
    one more point fits the message."""
    return 1 - _LENGTH_PENALTY * min(len(span.text), _LONG_SPAN) / _LONG_SPAN


def mmr(pool: Iterable[Candidate], weights: TermWeights, count: int) -> list[Candidate]:
    """Up to ``count`` candidates by maximal marginal relevance, best first.

    A candidate overlapping a chosen span, repeating a chosen sentence, or at least
    :data:`NEAR_DUPLICATE` similar to a chosen point is never chosen; nor is one below
    :data:`RELEVANCE_FLOOR`.
    """
    remaining = sorted((c for c in pool if c.relevance >= RELEVANCE_FLOOR),
                       key=lambda c: (-c.relevance, c.span.passage.id, c.span.start))
    # Each candidate's highest similarity to a chosen point, updated as points are chosen.
    nearest = dict.fromkeys(map(id, remaining), 0.0)
    chosen: list[Candidate] = []
    seen_sentences: set[str] = set()
    covered: set[str] = set()  # aspects of the chosen points
    while remaining and len(chosen) < count:
        best: Candidate | None = None
        best_value = -math.inf
        keep: list[Candidate] = []
        for candidate in remaining:
            if chosen:
                nearest[id(candidate)] = max(nearest[id(candidate)],
                                             _similarity(weights, candidate, chosen[-1]))
            if _repeats(candidate, chosen[-1:], seen_sentences):
                continue
            similarity = max(nearest[id(candidate)], _aspect_redundancy(candidate, covered))
            if similarity >= NEAR_DUPLICATE:
                continue
            keep.append(candidate)
            value = (MMR_LAMBDA * candidate.relevance - (1 - MMR_LAMBDA) * similarity
                     + NOVELTY * _aspect_novelty(candidate, covered))
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


def _aspect_novelty(candidate: Candidate, covered: set[str]) -> float:
    """The share of the candidate's aspects no chosen point covers yet."""
    if not candidate.aspects:
        return 0.0
    return len(candidate.aspects - covered) / len(candidate.aspects)


def _similarity(weights: TermWeights, a: Candidate, b: Candidate) -> float:
    """How much ``a`` repeats ``b``: term cosine, at least the same-paragraph floor."""
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
