"""``brief TOPIC``: an extractive briefing — the corpus's key points on a topic, each quoted
verbatim once, with its citation and, where the text says, who makes it.

The package:

* :mod:`.resolve` reads the argument: a topic of ``topics.yaml`` (loosely), free text, or a
  near miss / unknown words that get suggestions instead of a briefing;
* :mod:`.spans` cuts passages into quotable sentences, bringing the antecedent of a sentence
  that leans on the one before, and finds cue phrases;
* :mod:`.select` scores the spans (cues, query terms, passage score) and picks them with MMR
  so no point repeats another;
* :mod:`bot.people.attribution` names the speaker of each point, or the article's author.

Nothing is generated: every point's ``text`` is a slice of its passage; the templates add only
connecting words.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.answers.brief.resolve import Resolution, resolve
from bot.answers.brief.select import (
    PASSAGES_PER_POINT,
    RELEVANCE_FLOOR,
    Candidate,
    TermWeights,
    candidates,
    mmr,
    reading_order,
)
from bot.answers.brief.spans import Span
from bot.corpus import Document, Topic
from bot.errors import UsageError
from bot.knowledge import KnowledgeBase
from bot.people.attribution import attribute

if TYPE_CHECKING:
    from bot.render import Renderer

__all__ = ["MAX_POINTS", "BriefPoint", "BriefResult", "BriefSource", "brief"]

#: The most points one briefing gives (``--limit`` accepts 1 to this).
MAX_POINTS = 25
#: The default briefing never has more points than this, however short they are.
DEFAULT_MAX_POINTS = 10
#: Characters kept free in the default message for a longer command prefix or a restyled
#: template; the bundled template with the ``!`` prefix is what is measured.
HEADROOM = 30
_MESSAGE_LIMIT = 2000  # Discord's limit on one message (bot.render.MESSAGE_LIMIT)
_MEASURE_PREFIX = "!"


@dataclass(frozen=True)
class BriefPoint:
    """One point: a verbatim span of a passage, its citation and who says it."""

    text: str  # verbatim from the cited passage: one sentence, or a sentence and its antecedent
    doc: str
    passage: str  # doc#pN
    title: str  # the document's label
    paragraph: int
    by: str | None  # the speaker the sentence names, or the author for the article's own voice
    by_author: bool  # ``by`` is the article's author (no other speaker is named)
    cues: list[str]  # the topic's cue phrases found in the point
    score: float  # relevance, 1.0 for the best candidate of the topic
    sentences: int  # sentences quoted (more than 1 with an antecedent, or merged neighbours)
    span: Span = field(repr=False, compare=False, metadata={"internal": True})


@dataclass(frozen=True)
class BriefSource:
    """A document cited by the briefing."""

    doc: str
    title: str
    author: str | None
    points: int  # how many points quote it


@dataclass(frozen=True)
class BriefResult:
    """The answer to ``brief TOPIC``.

    ``status``: ``"topic"`` (a named topic), ``"adhoc"`` (free text), ``"near-miss"`` (looks
    like a topic name: see ``suggestions``), ``"unknown"`` (no word in the corpus),
    ``"common"`` (only common words) or ``"empty"`` (matches, but nothing quotable as a point).
    """

    topic: str  # the topic's name, or the ad-hoc text
    query: str  # what was asked, as typed
    found: bool
    status: str
    description: str | None
    points: list[BriefPoint]
    sources: list[BriefSource]
    discussed_in: int  # documents with at least one candidate point
    documents: int  # documents in the knowledge base
    available: int  # distinct points found (at most MAX_POINTS); more than shown: use --limit
    limit: int | None  # the --limit asked for; None for "what fits one message"
    suggestions: list[str] = field(default_factory=list)  # close topics or corpus words
    unknown_words: list[str] = field(default_factory=list)  # words of the query not in the corpus
    topics: list[str] = field(default_factory=list)  # topic names, to offer when nothing matched


#: Measures a result as it will be posted: the length of its rendering.
Measure = Callable[[BriefResult], int]


def brief(kb: KnowledgeBase, topic: str, limit: int | None = None, *,
          measure: Measure | None = None) -> BriefResult:
    """Brief on ``topic``: a named topic (see ``topics``) or any words.

    Without ``limit``, gives as many points (up to :data:`DEFAULT_MAX_POINTS`) as fit one
    Discord message, measured with ``measure`` (default: the length of the bundled template's
    rendering). With ``limit``, gives up to that many.

    Raises
    ------
    UsageError
        When ``topic`` is empty or ``limit`` is not between 1 and :data:`MAX_POINTS`.
    """
    text = " ".join(str(topic).split())
    if not text:
        raise UsageError("Brief on what? Give a topic, e.g. `brief proposals` "
                         "(`topics` lists them), or any words.")
    if limit is not None and not 1 <= limit <= MAX_POINTS:
        raise UsageError(f"--limit must be between 1 and {MAX_POINTS}, not {limit}.")
    resolution = resolve(kb, text)
    if resolution.topic is None:
        return _not_found(kb, text, resolution, resolution.status, limit)

    weights = TermWeights(kb)
    pool = candidates(kb, resolution.topic, weights, passages=PASSAGES_PER_POINT * MAX_POINTS)
    ranked = mmr(pool, weights, MAX_POINTS)
    if not ranked:
        return _not_found(kb, text, resolution, "empty", limit)
    run = _Run(kb, text, resolution, resolution.topic, limit,
               discussed=len({c.doc.id for c in pool if c.relevance >= RELEVANCE_FLOOR}))
    run.available = len(run.result(ranked).points)
    if limit is None:
        return _fit_one_message(run, ranked, measure or _rendered_length)
    # Neighbouring sentences merge into one point, so take more until there are enough.
    count = min(limit, len(ranked))
    result = run.result(ranked[:count])
    while len(result.points) < limit and count < len(ranked):
        count += 1
        result = run.result(ranked[:count])
    return result


@dataclass
class _Run:
    """One briefing being assembled: what every candidate selection of it shares."""

    kb: KnowledgeBase
    text: str
    resolution: Resolution
    topic: Topic
    limit: int | None
    discussed: int
    available: int = 0

    def result(self, picked: list[Candidate]) -> BriefResult:
        """The briefing made of the ``picked`` candidates."""
        points = _merge_adjacent([_point(self.kb, c) for c in reading_order(picked)],
                                 self.kb)
        counts: dict[str, int] = {}
        for point in points:
            counts[point.doc] = counts.get(point.doc, 0) + 1
        documents = self.kb.corpus.documents
        sources = [BriefSource(d.id, d.label, d.author, counts[d.id])
                   for d in (documents[doc_id] for doc_id in counts)]
        return BriefResult(
            topic=self.topic.name, query=self.text, found=True, status=self.resolution.status,
            description=self.topic.description or None, points=points, sources=sources,
            discussed_in=self.discussed, documents=len(documents), available=self.available,
            limit=self.limit, suggestions=self.resolution.suggestions,
            unknown_words=self.resolution.unknown_words,
        )


def _fit_one_message(run: _Run, ranked: list[Candidate], measure: Measure) -> BriefResult:
    """The default briefing: the best points, in rank order, that fit one Discord message.

    A point too long for what is left is skipped in favour of shorter ones after it, so one
    long quotation does not cut the briefing short; it stays available with ``--limit``.
    Only the best :data:`DEFAULT_MAX_POINTS` are considered: a weak short point must not slip
    in because it fits where a strong long one did not.
    """
    budget = _MESSAGE_LIMIT - HEADROOM
    taken = ranked[:1]  # the best point is given even if it alone were too long
    best = run.result(taken)
    for candidate in ranked[1:DEFAULT_MAX_POINTS]:
        attempt = run.result([*taken, candidate])
        if measure(attempt) <= budget:
            taken.append(candidate)
            best = attempt
    return best


def _point(kb: KnowledgeBase, candidate: Candidate) -> BriefPoint:
    return _point_of(kb, candidate.span, candidate.doc, list(candidate.cues),
                     candidate.relevance)


def _point_of(kb: KnowledgeBase, span: Span, doc: Document, cues: list[str], score: float
              ) -> BriefPoint:
    who = attribute(kb.people, span.passage, span.sentences, doc.author)
    return BriefPoint(
        text=span.text, doc=doc.id, passage=span.passage.id, title=doc.label,
        paragraph=span.passage.number, by=who.by if who else None,
        by_author=bool(who and who.by_author), cues=cues,
        score=round(score, 4), sentences=len(span.sentences), span=span,
    )


def _merge_adjacent(points: list[BriefPoint], kb: KnowledgeBase) -> list[BriefPoint]:
    """Points in reading order, consecutive sentences of one paragraph quoted as one point.

    "Japan has donated… The third batch arrived… The combined number…" reads better as one
    quotation with one citation than as three; a different speaker keeps its own point.
    """
    merged: list[BriefPoint] = []
    for point in points:
        last = merged[-1] if merged else None
        if last is not None and last.span.touches(point.span) and \
                (last.by, last.by_author) == (point.by, point.by_author):
            doc = kb.corpus.documents[point.doc]
            cues = last.cues + [c for c in point.cues if c not in last.cues]
            merged[-1] = _point_of(kb, last.span.join(point.span), doc, cues,
                                   max(last.score, point.score))
        else:
            merged.append(point)
    return merged


def _not_found(kb: KnowledgeBase, text: str, resolution: Resolution, status: str,
               limit: int | None) -> BriefResult:
    topic = resolution.topic
    return BriefResult(
        topic=topic.name if topic else text, query=text, found=False, status=status,
        description=(topic.description or None) if topic else None, points=[], sources=[],
        discussed_in=0, documents=len(kb.corpus.documents), available=0, limit=limit,
        suggestions=resolution.suggestions, unknown_words=resolution.unknown_words,
        topics=list(kb.corpus.topics),
    )


@functools.cache
def _renderer() -> Renderer:
    from bot.render import Renderer

    return Renderer()


def _rendered_length(result: BriefResult) -> int:
    """The length of ``result`` rendered by the bundled ``brief`` template.

    Imported lazily: answers stay independent of rendering except for this measurement.
    """
    return len(_renderer().render("brief", result, prefix=_MEASURE_PREFIX))
