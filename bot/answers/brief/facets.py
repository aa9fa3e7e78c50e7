"""The points of a topic, found in the corpus and grouped: one group per distinct point.

A topic names its subject (the seed query) and the language of its kind of point (the cues);
it never lists the points. When the index is built, :func:`build_facets`:

1. retrieves the passages on the subject (the seed query, :data:`FACET_POOL` at most);
2. keeps those whose text holds a cue (one regular expression: the cheap prefilter, so the
   slow sentence splitter only sees passages that can yield a point);
3. offers every quotable span whose own sentence holds a cue (see :mod:`.spans`), scored by
   its cues and its passage's BM25 score;
4. groups the spans that make one point in other words (see :mod:`.grouping`), so that a
   proposal three articles make is one group with three sources;
5. orders the groups best first, balancing sources (see :mod:`.select`).

The result is plain picklable data, saved with the index, so a briefing on a named topic
only reads it. An ad-hoc topic (free text) runs the same steps on its query at question time.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bot.answers.brief.cues import cue_objects, cue_strength, matched_cues, topic_cues
from bot.answers.brief.grouping import Group, Statement, TopicFacets, group_statements
from bot.answers.brief.select import TermWeights, order_groups
from bot.answers.brief.spans import Span, candidate_spans, comments_on_previous
from bot.corpus import Passage, Topic
from bot.index import Hit, Progress
from bot.parallel import map_forked
from bot.people.attribution import attribute
from bot.people.speech import REPORTING_VERBS
from bot.text import Analyzer, split_sentences

if TYPE_CHECKING:
    from bot.knowledge import KnowledgeBase

# The points' data live in .grouping; briefs, snapshots and the ordering take them from here.
__all__ = ["FACET_POOL", "MAX_GROUPS", "Group", "Statement", "TopicFacets", "build_facets",
           "find_facets", "group_statements"]

#: Passages on a topic's subject examined for its points: a briefing shows at most
#: :data:`MAX_GROUPS` points, and the best statements of them are among the passages that
#: are most about the subject, however large the archive.
FACET_POOL = 200
#: Groups kept per topic, best first (``brief --limit`` gives at most this many).
MAX_GROUPS = 80
#: Paragraphs either side of a passage on the subject that are examined too: an article on
#: the subject states a point in a paragraph that need not repeat the subject's words ("The
#: real problem is political will. Business leaders remain dependent on …").
NEIGHBOURS = 2
#: A neighbour's passage score: this share of the score of the passage on the subject.
NEIGHBOUR_SCORE = 0.5
# Relevance weights: the cues of the statement's own sentence, the share of the seed query's
# words that sentence holds — whether it is about the subject, not merely in a passage about
# it; each word counts alike, since the subject's own words ("Japan", "Taiwan") are the
# commonest of a corpus on it, and weighting by rarity would favour sentences dense with
# "security cooperation dialogue" over "Japan and Taiwan share satellite data" — and its
# passage's BM25 score. How firmly the sentence is a point (its cue strength) scales the
# sum, so that one which only might propose ("Tokyo might pass laws …") cannot outrank one
# that proposes by holding more of the subject's words. Ad-hoc topics have no cues (strength
# 1), and their words count by IDF.
_W_CUE, _W_SUBJECT, _W_PASSAGE = 0.45, 0.35, 0.1
_W_SUBJECT_ADHOC, _W_PASSAGE_ADHOC = 0.65, 0.35
# An apposition right after a person's name: ", a retired Ground Self-Defense Force
# general,", ", who chairs the legislature's … committee,".
_APPOSITION_RE = re.compile(r",\s+(?:a|an|the|now|then|former|who)\s[^,;:]*,")
# How the analyzer stems a place's demonym made of its name: "Japanese" (japanes) and
# "Taiwanese" are the subject's words as much as "Japan" and "Taiwan".
_DEMONYM_ENDINGS = ("es", "ese", "n", "an", "ian", "ish")
# Cue strength of a firm point: one strong cue (see ``cues.cue_strength``).
_FIRM = 0.75
# A span of this many characters or more loses _LENGTH_PENALTY of its relevance.
_LONG_SPAN = 450
_LENGTH_PENALTY = 0.15


# Words of a statement that say who makes it and when, not what it says: reporting verbs,
# dates, the titles before a speaker's name ("former defense minister Yuki Arakawa",
# "Deputy Foreign Minister Lee Wen-chi"); and the verbs of any action ("hold", "set up",
# "establish", "invite"), and "also", which recur in distinct proposals ("hold an annual
# drill on rerouting tankers", "invite Taiwanese engineers to the annual exercise it
# holds").
_NOT_THE_POINT = (
    rf"\b(?:{REPORTING_VERBS}|last|this|next|year|month|week|ago|\d+|former|retired|deputy"
    r"|vice|(?:foreign\s+)?minister|admiral|general|president|legislator|lawmaker|secretary"
    r"|spokes\w+|commandant|director|chair(?:man|woman)?|researcher|analyst|professor"
    r"|also|hold|holds|held|set|sets|make|makes|take|takes|give|use|let|allow|invite|create"
    r"|establish|build|open|start|begin|launch|provide|help|agree)\b")
_NOT_THE_POINT_RE = re.compile(_NOT_THE_POINT, re.IGNORECASE)
# The same, on a lowered text: some four times faster than ignoring case.
_NOT_THE_POINT_LOWER_RE = re.compile(_NOT_THE_POINT)


def build_facets(kb: KnowledgeBase, progress: Progress | None = None
                 ) -> dict[str, TopicFacets]:
    """The grouped points of every named topic with cues: the snapshot artifact of briefs.

    Topics are found one per worker process at a time (see :mod:`bot.parallel`), each
    reported to ``progress(done, total)`` as it arrives."""
    weights = TermWeights(kb)
    kb.artifact("people")  # loaded (or built) once, here, rather than in each worker
    topics = [(name, topic) for name, topic in kb.corpus.topics.items() if topic.cues]
    facets: dict[str, TopicFacets] = {}
    for (name, _), found in zip(topics, map_forked(
            lambda item: find_facets(kb, item[1], weights, FACET_POOL), topics,
            len(kb.index.passages)), strict=True):
        facets[name] = found
        if progress is not None:
            progress(len(facets), len(topics))
    return facets


def find_facets(kb: KnowledgeBase, topic: Topic, weights: TermWeights, pool: int,
                keep: int = MAX_GROUPS, attributed: int | None = None) -> TopicFacets:
    """Steps 1-5 of the module docstring for one topic, over its best ``pool`` passages,
    keeping its best ``keep`` groups, of which the best ``attributed`` (default: all) say
    who makes each statement; the others leave ``by`` empty."""
    query = kb.analyzer.tokens(topic.query)
    hits = kb.index.search_tokens(sorted(set(query)), pool)
    passages = _with_neighbours(kb, hits) if topic.cues else \
        [(hit.passage, hit.score) for hit in hits]
    statements, said = _statements(kb, topic, frozenset(query), weights, passages)
    groups = order_groups(group_statements(statements), keep)
    # Who makes a point never decides which points there are, and attributing is the costly
    # step (it reads the article up to the statement): only the statements kept are.
    attributed = len(groups) if attributed is None else attributed
    return TopicFacets(tuple(replace(g, statements=tuple(_attributed(kb, s, said)
                                                         for s in g.statements))
                             if i < attributed else g for i, g in enumerate(groups)),
                       len({s.doc for s in statements}))


def _attributed(kb: KnowledgeBase, statement: Statement,
                said: dict[tuple[str, int, int, int], tuple[str, ...]]) -> Statement:
    """``statement`` with who makes it, from the sentences up to its point (``said``)."""
    passage = kb.corpus.passage(statement.passage)
    doc = kb.corpus.documents[statement.doc]
    key = (statement.passage, statement.start, statement.end, statement.point)
    sentences = said.get(key) or (passage.text[statement.start:statement.end],)
    who = attribute(kb.people, passage, sentences, doc.author, doc)
    return replace(statement, by=who.by if who else None, by_author=bool(who and who.by_author),
                   by_kind=who.kind if who else None, by_rule=who.rule if who else None)


@dataclass(frozen=True)
class _Found:
    """A span that qualified, with the raw material of its relevance."""

    span: Span
    cues: tuple[str, ...]
    own_cues: tuple[str, ...]
    strength: float  # how firmly its own sentence is a point (cues), 0..1; 1 ad hoc
    subject: float  # IDF-weighted seed-query terms in its own sentence (ad hoc: the span)
    passage: float  # its passage's BM25 score over the best passage's
    objects: frozenset[tuple[str, str]]  # (cue, salient term of its object)


def _with_neighbours(kb: KnowledgeBase, hits: Sequence[Hit]) -> list[tuple[Passage, float]]:
    """The passages of ``hits`` with their scores, then the :data:`NEIGHBOURS` paragraphs
    either side of each that are not hits, scored :data:`NEIGHBOUR_SCORE` of the best hit
    beside them."""
    scores = {hit.passage.id: hit.score for hit in hits}
    found = [(hit.passage, hit.score) for hit in hits]
    near: dict[str, tuple[Passage, float]] = {}
    for hit in hits:
        doc = kb.corpus.documents[hit.passage.doc_id]
        first = max(1, hit.passage.number - NEIGHBOURS)
        for number in range(first, min(len(doc.passages), hit.passage.number + NEIGHBOURS) + 1):
            passage = doc.passage(number)
            score = hit.score * NEIGHBOUR_SCORE
            if passage.id not in scores and score > near.get(passage.id, (passage, 0.0))[1]:
                near[passage.id] = (passage, score)
    return found + sorted(near.values(), key=lambda ps: (-ps[1], ps[0].id))


def _statements(kb: KnowledgeBase, topic: Topic, query: frozenset[str], weights: TermWeights,
                passages: Sequence[tuple[Passage, float]]
                ) -> tuple[list[Statement], dict[tuple[str, int, int, int], tuple[str, ...]]]:
    """The topic's statements in ``passages``, not yet attributed, and by (passage, start,
    end, point) the sentences of each up to its point, which decide who makes it."""
    if not passages:
        return [], {}
    phrases = (*topic.cues, *topic.weak_cues)
    cues = topic_cues(topic)
    prefilter = _prefilter(phrases)
    # Terms every statement shares (the subject's words, the cue words) say nothing about
    # which point it makes.
    generic = query | frozenset(t for c in phrases for t in kb.analyzer.tokens(c)) | \
        frozenset(q + ending for q in query for ending in _DEMONYM_ENDINGS)
    top = max(score for _passage, score in passages) or 1.0
    found: list[_Found] = []
    for passage, passage_score in passages:
        if prefilter is not None and not prefilter.search(passage.text):
            continue
        for span in _spans(passage):
            if cues:
                strength = cue_strength(cues, span.own)
                if not strength:
                    continue
                about = frozenset(_tokens(kb.analyzer, span.own)) & query
                span_cues = tuple(matched_cues(cues, span.text))
                own_cues = tuple(matched_cues(cues, span.own))
                objects = frozenset((phrase, term) for phrase, text in cue_objects(cues, span.own)
                                    for term in _tokens(kb.analyzer, text) if term not in generic)
            else:
                about = frozenset(_tokens(kb.analyzer, span.text)) & query
                if not about:
                    continue
                strength, span_cues, own_cues, objects = 1.0, (), (), frozenset()
            found.append(_Found(span, span_cues, own_cues, strength,
                                _subject(weights, about, bool(cues)), passage_score / top,
                                objects))
    most = _subject(weights, query, bool(cues)) or 1.0  # the share of the query it holds
    w_cue, w_subject, w_passage = (_W_CUE, _W_SUBJECT, _W_PASSAGE) if cues else \
        (0.0, _W_SUBJECT_ADHOC, _W_PASSAGE_ADHOC)
    scores = [f.strength * (w_cue + w_subject * f.subject / most + w_passage * f.passage)
              * _length_factor(f.span) for f in found]
    best = max(scores, default=1.0) or 1.0
    statements: list[Statement] = []
    said: dict[tuple[str, int, int, int], tuple[str, ...]] = {}
    # Where each point-making sentence starts: a sentence that only comments on one of them
    # ("… a government it does not recognize. That is true, and it is the central
    # obstacle …") makes that one's point, not another.
    points = {(f.span.passage.id, f.span.starts[f.span.point]) for f in found if f.span.starts}
    for f, score in zip(found, scores, strict=True):
        doc = kb.corpus.documents[f.span.passage.doc_id]
        context = _context_passage(kb, f.span)
        if f.span.leans_out and context is None:
            continue  # it leans on a paragraph that is not there (the article's first)
        if _before(f.span, context) in points and comments_on_previous(f.span.own):
            continue
        statements.append(Statement(
            f.span.passage.id, doc.id, f.span.start, f.span.end, len(f.span.sentences),
            context, None, False, None, None, f.cues,
            # Its point's terms (naming who is in it, the costly part) only for a kept span.
            round(score / best, 4), _point_terms(kb, f.span) - generic, f.span.starts,
            f.span.point, f.own_cues,
            f.objects, f.strength >= _FIRM))
        said[f.span.passage.id, f.span.start, f.span.end, f.span.point] = f.span.up_to_point
    return statements, said


def _before(span: Span, context: tuple[str, int, int] | None) -> tuple[str, int] | None:
    """Where the sentence before the one making ``span``'s point starts (passage id and
    offset): in the span, or the previous paragraph's last (``context``)."""
    own = len(span.starts) + span.point if span.point < 0 else span.point
    if own > 0:
        return span.passage.id, span.starts[own - 1]
    return (context[0], context[1]) if context is not None else None


def _subject(weights: TermWeights, terms: frozenset[str], named: bool) -> float:
    """How much of a query ``terms`` are: their number for a named topic's seed query (its
    words are the subject's, alike), their IDF for free text (a reader's rarer words say
    more of what they ask)."""
    return float(len(terms)) if named else sum(weights.idf(t) for t in terms)


def _point_terms(kb: KnowledgeBase, span: Span) -> frozenset[str]:
    """The terms of ``span``'s own sentence that say what its point is: without the people
    it names and who they are, the organisations, the reporting verbs and the dates, which
    say who makes it and when ("Last year,
    former prime minister Taro Aso said Japan should …" and "Kishi underlined the need to …"
    make one point if the rest agrees)."""
    text = span.passage.text
    start = text.find(span.own, span.start)
    # A sentence that only names its point brings the one spelling it out: both say what it is.
    end = start + len(span.own) if span.point == -1 else span.end
    kept, at = [], start
    for named in kb.people.named(text, start, end):
        if named.kind in ("person", "organisation"):
            last = named.end
            if named.kind == "person":
                # Who they are goes with the name: "Masato Ishii, a retired Ground
                # Self-Defense Force general, said …".
                apposition = _APPOSITION_RE.match(text, last, end)
                last = apposition.end() if apposition else last
            if named.start >= at:
                kept.append(text[at:named.start])
                at = last
    kept.append(text[at:end])
    return frozenset(_tokens(kb.analyzer, _without_who_and_when(" ".join(kept))))


def _without_who_and_when(text: str) -> str:
    """``text`` with each word of :data:`_NOT_THE_POINT_RE` made a space.

    Matched in lower case where that is the same: where lowering keeps every letter in its
    place, and the text has no "ı" or "ſ", which ``re`` ignoring case takes for "i" and "s"."""
    lowered = text.lower()
    if len(lowered) != len(text) or "ı" in text or "ſ" in text:
        return _NOT_THE_POINT_RE.sub(" ", text)
    kept: list[str] = []
    at = 0
    for match in _NOT_THE_POINT_LOWER_RE.finditer(lowered):
        kept += (text[at:match.start()], " ")
        at = match.end()
    kept.append(text[at:])
    return "".join(kept)


def _context_passage(kb: KnowledgeBase, span: Span) -> tuple[str, int, int] | None:
    """The last sentence of the paragraph before ``span``'s, when its first sentence leans
    on that paragraph."""
    if not span.leans_out or span.passage.number <= 1:
        return None
    previous = kb.corpus.documents[span.passage.doc_id].passage(span.passage.number - 1)
    sentences = split_sentences(previous.text)
    if not sentences:
        return None
    return previous.id, sentences[-1].start, sentences[-1].end


def _prefilter(cues: Sequence[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern finding a word of every cue (its longest, the rarest
    likely): a passage without a match cannot yield a point, so it is never split into
    sentences."""
    if not cues:
        return None
    heads = sorted({max(c.split(), key=len).rstrip("*") for c in cues if c.split()})
    return re.compile(r"(?i)\b(?:" + "|".join(map(re.escape, heads)) + r")")


def _length_factor(span: Span) -> float:
    """Gently prefer shorter spans: among equals, the one a reader takes in at a glance."""
    return 1 - _LENGTH_PENALTY * min(len(span.text), _LONG_SPAN) / _LONG_SPAN


@functools.lru_cache(maxsize=8192)
def _spans(passage: Passage) -> tuple[Span, ...]:
    """The quotable spans of a passage. Cached: sentence splitting is the slow step, and a
    passage (frozen, compared by value) always splits the same way."""
    return tuple(candidate_spans(passage, split_sentences(passage.text)))


@functools.lru_cache(maxsize=32768)
def _tokens(analyzer: Analyzer, text: str) -> tuple[str, ...]:
    """The index terms of a text (cached with the spans)."""
    return tuple(analyzer.tokens(text))
