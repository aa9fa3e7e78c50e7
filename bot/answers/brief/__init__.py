"""``brief TOPIC``: an extractive briefing — the corpus's key points on a topic, each quoted
verbatim once, with its citation and, where the text says, who makes it.

The package:

* :mod:`.resolve` reads the argument: a topic of ``topics.yaml`` (loosely), free text, or a
  near miss / unknown words that get suggestions instead of a briefing;
* :mod:`.spans` cuts passages into quotable sentences, bringing the antecedent of a sentence
  that leans on the one before, and finds cue phrases;
* :mod:`.select` scores the spans (cues, query terms, passage score) and picks them with MMR
  so no point repeats another;
* :mod:`.attribution` names the speaker of each point, or the article's author.

Nothing is generated: every point's ``text`` is a slice of its passage; the templates add only
connecting words.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.answers.brief.attribution import attribute
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
from bot.errors import UsageError
from bot.knowledge import KnowledgeBase

__all__ = ["MAX_POINTS", "BriefPoint", "BriefResult", "BriefSource", "brief"]

#: The most points one briefing gives (``--limit`` accepts 1 to this).
MAX_POINTS = 25
#: The default briefing never has more points than this, however short they are.
DEFAULT_MAX_POINTS = 10
#: Characters kept free in the default message for a longer command prefix or a restyled
#: template; the bundled template with the ``!`` prefix is what is measured.
HEADROOM = 60
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
    sentences: int  # sentences quoted (more than 1 when an antecedent was brought along)


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
    suggestions: list[str] = field(default_factory=list)
    unknown_words: list[str] = field(default_factory=list)


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
    discussed = len({c.doc.id for c in pool if c.relevance >= RELEVANCE_FLOOR})

    if limit is not None:
        return _result(kb, text, resolution, ranked[:limit], len(ranked), discussed, limit)
    return _fit_one_message(kb, text, resolution, ranked, discussed, measure or _rendered_length)


def _fit_one_message(kb: KnowledgeBase, text: str, resolution: Resolution,
                     ranked: list[Candidate], discussed: int, measure: Measure) -> BriefResult:
    """The default briefing: the best points, in rank order, that fit one Discord message.

    A point too long for what is left is skipped in favour of shorter ones after it, so one
    long quotation does not cut the briefing short; it stays available with ``--limit``.
    """
    budget = _MESSAGE_LIMIT - HEADROOM
    taken: list[Candidate] = []
    best = _result(kb, text, resolution, ranked[:1], len(ranked), discussed, None)
    for candidate in ranked[1:]:
        if len(taken) + 1 >= DEFAULT_MAX_POINTS:
            break
        attempt = _result(kb, text, resolution, [ranked[0], *taken, candidate], len(ranked),
                          discussed, None)
        if measure(attempt) <= budget:
            taken.append(candidate)
            best = attempt
    return best


def _result(kb: KnowledgeBase, text: str, resolution: Resolution, picked: list[Candidate],
            available: int, discussed: int, limit: int | None) -> BriefResult:
    assert resolution.topic is not None
    shown = reading_order(picked)
    points = [_point(c) for c in shown]
    counts: dict[str, int] = {}
    for point in points:
        counts[point.doc] = counts.get(point.doc, 0) + 1
    sources = [BriefSource(d.id, d.label, d.author, counts[d.id])
               for d in (kb.corpus.documents[doc_id] for doc_id in counts)]
    topic = resolution.topic
    return BriefResult(
        topic=topic.name, query=text, found=True, status=resolution.status,
        description=topic.description or None, points=points, sources=sources,
        discussed_in=discussed, documents=len(kb.corpus.documents), available=available,
        limit=limit, suggestions=resolution.suggestions,
        unknown_words=resolution.unknown_words,
    )


def _point(candidate: Candidate) -> BriefPoint:
    span, doc = candidate.span, candidate.doc
    who = attribute(span.sentences, doc.author)
    return BriefPoint(
        text=span.text, doc=doc.id, passage=span.passage.id, title=doc.label,
        paragraph=span.passage.number, by=who.by, by_author=who.by_author,
        cues=list(candidate.cues), score=round(candidate.relevance, 4),
        sentences=len(span.sentences),
    )


def _not_found(kb: KnowledgeBase, text: str, resolution: Resolution, status: str,
               limit: int | None) -> BriefResult:
    topic = resolution.topic
    return BriefResult(
        topic=topic.name if topic else text, query=text, found=False, status=status,
        description=(topic.description or None) if topic else None, points=[], sources=[],
        discussed_in=0, documents=len(kb.corpus.documents), available=0, limit=limit,
        suggestions=resolution.suggestions or list(kb.corpus.topics)[:4],
        unknown_words=resolution.unknown_words,
    )


@functools.cache
def _renderer():  # noqa: ANN202 - bot.render is imported lazily, see _rendered_length
    from bot.render import Renderer

    return Renderer()


def _rendered_length(result: BriefResult) -> int:
    """The length of ``result`` rendered by the bundled ``brief`` template.

    Imported lazily: answers stay independent of rendering except for this measurement.
    """
    return len(_renderer().render("brief", result, prefix=_MEASURE_PREFIX))
