"""``brief TOPIC``: an extractive briefing — the corpus's distinct points on a topic, each
quoted verbatim once, with its citation, who makes it and who else makes it.

The package:

* :mod:`.resolve` reads the argument: a topic of ``topics.yaml`` (loosely), free text, or a
  near miss / unknown words that get suggestions instead of a briefing;
* :mod:`.spans` cuts passages into quotable sentences, bringing the antecedent of a sentence
  that leans on the one before, and finds cue phrases;
* :mod:`.facets` finds a topic's statements and groups those that make one point, when the
  index is built (named topics) or when asked (free text);
* :mod:`.select` orders the groups: best first, sources balanced;
* :mod:`bot.people.attribution` names the speaker of each statement, or the article's
  author.

The core chooses points on content alone and returns all of them, best first; how many fit a
message, and paging, is the front-ends' business. Nothing is generated: every point's
``text`` is a slice of its passage; the templates add only connecting words.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.answers.brief.facets import Group, Statement, TopicFacets, find_facets
from bot.answers.brief.resolve import Resolution, resolve
from bot.answers.brief.select import TermWeights
from bot.corpus import Topic
from bot.errors import UsageError
from bot.knowledge import KnowledgeBase

__all__ = ["MAX_POINTS", "AlsoMade", "BriefPoint", "BriefResult", "BriefSource", "brief",
           "topic_facets"]

#: The most points one briefing gives (``--limit`` accepts 1 to this).
MAX_POINTS = 25
#: Points of a briefing without ``--limit``: the best ones, however long (front-ends page).
DEFAULT_POINTS = 10
#: Passages an ad-hoc briefing examines (its points are found when asked).
ADHOC_POOL = 75


@dataclass(frozen=True)
class AlsoMade:
    """Another statement of a point's group: the same point made elsewhere, verbatim."""

    text: str
    doc: str
    passage: str  # doc#pN
    title: str
    by: str | None
    by_author: bool
    by_kind: str | None  # "person" or "organisation" (see ``BriefPoint``)
    by_rule: str | None


@dataclass(frozen=True)
class BriefPoint:
    """One point: a verbatim span of a passage, its citation, who says it and who else."""

    text: str  # verbatim from the cited passage: one sentence, or a sentence and its antecedent
    doc: str
    passage: str  # doc#pN
    title: str  # the document's label
    paragraph: int
    by: str | None  # the speaker the sentence names, or the author for the article's own voice
    by_author: bool  # ``by`` is the article's author (no other speaker is named)
    #: What ``by`` is, "person" or "organisation", and how the attribution engine decided it
    #: (``bot.people.attribution``): "name-verb" or "verb-name" (a quotation attributed to a
    #: name), "pronoun", "continuation", "reported" ("X said that …"), "subject",
    #: "back-reference" ("the alliance calls for …") or "author" (the article's own voice).
    by_kind: str | None
    by_rule: str | None
    cues: list[str]  # the topic's cue phrases found in the point
    score: float  # the group's score: relevance of its best statement plus support
    sentences: int  # sentences quoted (more than 1 with an antecedent)
    #: The sentence the point leans on when that is the previous paragraph's last one
    #: ("However, …" opening a paragraph), or the sentences before it in its paragraph when
    #: an earlier point quotes them, verbatim, and its passage.
    context: str | None = None
    context_passage: str | None = None
    #: The same point made by other statements (other articles, other speakers), best first.
    also: list[AlsoMade] = field(default_factory=list)

    @property
    def documents(self) -> list[str]:
        """Every document that makes the point, this one first."""
        return list(dict.fromkeys([self.doc, *(a.doc for a in self.also)]))


@dataclass(frozen=True)
class BriefSource:
    """A document cited by the briefing."""

    doc: str
    title: str
    author: str | None
    points: int  # how many points quote it (as the shown statement or as "also made by")


@dataclass(frozen=True)
class BriefResult:
    """The answer to ``brief TOPIC``: every chosen point, best first.

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
    discussed_in: int  # documents with at least one statement on the topic
    documents: int  # documents in the knowledge base
    available: int  # distinct points found (at most MAX_POINTS); more than shown: use --limit
    limit: int | None  # the --limit asked for; None for the default
    suggestions: list[str] = field(default_factory=list)  # close topics or corpus words
    unknown_words: list[str] = field(default_factory=list)  # words of the query not in the corpus
    topics: list[str] = field(default_factory=list)  # topic names, to offer when nothing matched

    def first(self, count: int) -> BriefResult:
        """The same briefing with only its first ``count`` points (and their sources): what a
        front-end with room for fewer shows, so it never picks different points."""
        points = self.points[:max(count, 0)]
        return replace(self, points=points, sources=_sources(points, self.sources))


def brief(kb: KnowledgeBase, topic: str, limit: int | None = None) -> BriefResult:
    """Brief on ``topic``: a named topic (see ``topics``) or any words.

    Gives the best ``limit`` points (default :data:`DEFAULT_POINTS`), best first, each with
    every other statement of the same point; how many fit a message is the front-end's
    concern.

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
    facets = topic_facets(kb, resolution.topic, limit or DEFAULT_POINTS)
    if not facets.groups:
        return _not_found(kb, text, resolution, "empty", limit)
    groups = facets.groups[:MAX_POINTS]
    points = [_point(kb, g) for g in groups[:limit or DEFAULT_POINTS]]
    documents = kb.corpus.documents
    # Only the cited documents: an archive holds tens of thousands, a briefing cites a few.
    cited = dict.fromkeys(doc for point in points for doc in point.documents)
    every = [BriefSource(doc, documents[doc].label, documents[doc].author, 0) for doc in cited]
    return BriefResult(
        topic=resolution.topic.name, query=text, found=True, status=resolution.status,
        description=resolution.topic.description or None, points=points,
        sources=_sources(points, every), discussed_in=facets.discussed_in,
        documents=len(documents), available=len(groups), limit=limit,
        suggestions=resolution.suggestions, unknown_words=resolution.unknown_words,
    )


def topic_facets(kb: KnowledgeBase, topic: Topic, shown: int = MAX_POINTS) -> TopicFacets:
    """The grouped points of ``topic``: from the index snapshot for a named topic, found
    now for free text, where only the groups a briefing can count are kept and only the
    ``shown`` best are attributed (attributing is most of the cost of a free-text brief)."""
    if topic.name in kb.corpus.topics and topic.cues:
        return kb.brief_facets[topic.name]
    return find_facets(kb, topic, TermWeights(kb), ADHOC_POOL, MAX_POINTS, attributed=shown)


def _sources(points: list[BriefPoint], candidates: list[BriefSource]) -> list[BriefSource]:
    """The documents the points cite, in order of first citation, with their point counts."""
    counts: dict[str, int] = {}
    for point in points:
        for doc in point.documents:
            counts[doc] = counts.get(doc, 0) + 1
    by_id = {s.doc: s for s in candidates}
    return [replace(by_id[doc], points=n) for doc, n in counts.items()]


def _point(kb: KnowledgeBase, group: Group) -> BriefPoint:
    shown, *others = group.statements
    passage = kb.corpus.passage(shown.passage)
    documents = kb.corpus.documents
    context = context_passage = None
    if shown.context is not None:
        context_passage, start, end = shown.context
        context = kb.corpus.passage(context_passage).text[start:end].rstrip()
    return BriefPoint(
        text=passage.text[shown.start:shown.end], doc=shown.doc, passage=shown.passage,
        title=documents[shown.doc].label, paragraph=passage.number, by=shown.by,
        by_author=shown.by_author, by_kind=shown.by_kind, by_rule=shown.by_rule,
        cues=list(shown.cues), score=group.score,
        sentences=shown.sentences, context=context, context_passage=context_passage,
        also=[_also(kb, s) for s in others],
    )


def _also(kb: KnowledgeBase, statement: Statement) -> AlsoMade:
    text = kb.corpus.passage(statement.passage).text[statement.start:statement.end]
    return AlsoMade(text, statement.doc, statement.passage,
                    kb.corpus.documents[statement.doc].label, statement.by,
                    statement.by_author, statement.by_kind, statement.by_rule)


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
