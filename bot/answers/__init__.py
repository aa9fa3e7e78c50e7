"""Answers: pure functions of the knowledge base that return result dataclasses.

Nothing here does I/O or knows about Discord; front-ends render the results with templates.
"""

from bot.answers.brief import BriefResult, brief
from bot.answers.search import SearchResult, search
from bot.answers.sources import SourceResult, SourcesResult, source, sources
from bot.answers.topics import TopicsResult, topics
from bot.answers.who import WhoResult, who

__all__ = [
    "BriefResult", "SearchResult", "SourceResult", "SourcesResult", "TopicsResult", "WhoResult",
    "brief", "search", "source", "sources", "topics", "who",
]
