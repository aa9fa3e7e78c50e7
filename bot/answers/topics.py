"""``topics``: the named topics of ``topics.yaml`` a reader can brief on."""

from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge import KnowledgeBase


@dataclass(frozen=True)
class TopicInfo:
    """One named topic: what ``brief NAME`` is about, and other names it answers to."""

    name: str
    description: str
    aliases: list[str]


@dataclass(frozen=True)
class TopicsResult:
    """The answer to ``topics``: every named topic, in the order of ``topics.yaml``."""

    topics: list[TopicInfo]


def topics(kb: KnowledgeBase) -> TopicsResult:
    """List the named topics with their descriptions and aliases."""
    return TopicsResult([TopicInfo(t.name, t.description, list(t.aliases))
                         for t in kb.corpus.topics.values()])
