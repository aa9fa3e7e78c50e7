"""Answers: pure functions of the knowledge base that return result dataclasses.

Nothing here does I/O or knows about Discord; front-ends render the results with templates.
"""

from bot.answers.search import SearchResult, search
from bot.answers.sources import SourceResult, SourcesResult, source, sources

__all__ = ["SearchResult", "SourceResult", "SourcesResult", "search", "source", "sources"]
