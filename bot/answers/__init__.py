"""Answers: pure functions of the knowledge base that return result dataclasses.

Nothing here does I/O or knows about Discord; front-ends render the results with templates.
Each answer's module is imported when it is first used (``answers.brief`` compiles hundreds
of patterns at import), so a process that only searches never pays for the others.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.answers.brief import BriefResult, brief
    from bot.answers.search import SearchResult, search
    from bot.answers.sources import SourceResult, SourcesResult, source, sources
    from bot.answers.topics import TopicsResult, topics
    from bot.answers.who import WhoResult, who

#: Each public name and the module that defines it.
_MODULES = {
    "BriefResult": "brief", "brief": "brief",
    "SearchResult": "search", "search": "search",
    "SourceResult": "sources", "SourcesResult": "sources", "source": "sources",
    "sources": "sources",
    "TopicsResult": "topics", "topics": "topics",
    "WhoResult": "who", "who": "who",
}

__all__ = [
    "BriefResult", "SearchResult", "SourceResult", "SourcesResult", "TopicsResult", "WhoResult",
    "brief", "search", "source", "sources", "topics", "who",
]


def __getattr__(name: str) -> Any:
    """Import the module defining ``name`` on first use (PEP 562)."""
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


class _Answers(types.ModuleType):
    """This package, where ``answers.brief`` stays the function ``brief``.

    Importing a submodule binds it on its package under its own name, and most answers share
    their module's name: ``import bot.answers.who`` anywhere would turn ``answers.who`` into
    the module. The eager imports this package once had rebound the functions afterwards;
    lazily, the binding is refused instead (the module stays in ``sys.modules``).
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _MODULES and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Answers
