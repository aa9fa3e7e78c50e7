"""What the reader asked a briefing on: a named topic, an ad-hoc query, or a near miss.

Names match loosely: case, spacing, hyphens and word endings do not matter ("Proposals",
"proposal", "china threats", "US alliance"), nor does choosing an alias. Anything else is an
ad-hoc topic whose words are the query, with two guards so a typo never yields a briefing on
something else:

* text that looks like a topic name or alias ("proposls") but is not one, and has a word the
  corpus does not contain, is a near miss: the reply suggests the topic instead of briefing;
* text with no word in the corpus is unknown: the reply suggests close corpus words and topics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bot.answers.suggest import suggest_terms
from bot.corpus import Topic
from bot.knowledge import KnowledgeBase
from bot.text import fold

#: How alike (rapidfuzz ratio, 0-100) text and a topic name must be to count as a near miss.
NEAR_MISS_SCORE = 80.0

_WORD_RE = re.compile(r"[^\W_]+(?:[.+][^\W_]+)*")


@dataclass(frozen=True)
class Resolution:
    """The reading of a ``brief`` argument.

    ``status`` is ``"topic"`` (a named topic), ``"adhoc"`` (free text with corpus hits),
    ``"near-miss"`` (looks like a topic name), ``"unknown"`` (no word in the corpus) or
    ``"common"`` (only words too common to search for).
    """

    text: str
    status: str
    topic: Topic | None = None
    suggestions: list[str] = field(default_factory=list)
    unknown_words: list[str] = field(default_factory=list)


def topic_key(kb: KnowledgeBase, text: str) -> tuple[str, ...]:
    """``text`` as stemmed words, so "China threats" and "china-threat" agree."""
    return tuple(kb.analyzer.stem(w) for w in _WORD_RE.findall(fold(text)))


def _names(topic: Topic) -> list[str]:
    return [topic.name, *topic.aliases]


def find_topic(kb: KnowledgeBase, text: str) -> Topic | None:
    """The topic whose name or alias ``text`` is, loosely; ``None`` if there is none."""
    key = topic_key(kb, text)
    if not key:
        return None
    for topic in kb.corpus.topics.values():  # names first: an alias never hides a name
        if topic_key(kb, topic.name) == key:
            return topic
    for topic in kb.corpus.topics.values():
        if any(topic_key(kb, alias) == key for alias in topic.aliases):
            return topic
    return None


def near_topics(kb: KnowledgeBase, text: str, *, limit: int = 3) -> list[str]:
    """Topic names that ``text`` looks like (by its name or an alias), best first."""
    folded = " ".join(_WORD_RE.findall(fold(text)))
    scored: dict[str, float] = {}
    for topic in kb.corpus.topics.values():
        for name in _names(topic):
            candidate = " ".join(_WORD_RE.findall(fold(name)))
            scored[topic.name] = max(scored.get(topic.name, 0.0), fuzz.ratio(folded, candidate))
    ranked = sorted(((score, name) for name, score in scored.items()
                     if score >= NEAR_MISS_SCORE), key=lambda sn: (-sn[0], sn[1]))
    return [name for _score, name in ranked][:limit]


def resolve(kb: KnowledgeBase, text: str) -> Resolution:
    """Read ``text`` as a topic name, an ad-hoc query, a near miss or unknown words."""
    topic = find_topic(kb, text)
    if topic is not None:
        return Resolution(text, "topic", topic)
    tokens = kb.analyzer.tokens(text)
    if not tokens:
        return Resolution(text, "common")
    vocabulary = kb.index.vocabulary
    unknown = [w for w in _WORD_RE.findall(text)
               if (terms := kb.analyzer.tokens(w)) and not set(terms) & vocabulary]
    # A typo of a topic name is a word the corpus lacks that looks like the name: "proposl",
    # "proposl cooperation". "vaccines in antarctica" is a query (antarctica is no typo).
    typos = [t for w in ([text, *unknown] if unknown else []) for t in near_topics(kb, w)]
    if typos:
        return Resolution(text, "near-miss", suggestions=list(dict.fromkeys(typos)),
                          unknown_words=unknown)
    if not set(tokens) & vocabulary:
        return Resolution(text, "unknown", suggestions=suggest_terms(kb, text),
                          unknown_words=unknown)
    adhoc = Topic(name=" ".join(text.split()), description="", query=text)
    return Resolution(text, "adhoc", adhoc, suggestions=near_topics(kb, text),
                      unknown_words=unknown)
