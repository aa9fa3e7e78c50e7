"""The loaded knowledge base: corpus, analyzer and index, built once and shared by every answer.

Artifacts: data built once per corpus
-------------------------------------
Anything an answer derives from the whole corpus (the people directory, the brief facets, the
vocabulary for "did you mean") is an *artifact*: plain picklable data built by a pure function
of the knowledge base, saved with the index under the corpus hash, so that a start with an
unchanged corpus loads it instead of recomputing it.

To register one, add a line to :data:`ARTIFACTS`::

    "people": Artifact("bot.people.directory:build_directory", version=1),

* ``build`` names a function ``(kb: KnowledgeBase) -> data`` as ``"module:function"``; the
  module is imported only when the artifact is built, so a start that does not need it never
  pays for its imports. It may read ``kb.corpus``, ``kb.analyzer``, ``kb.index`` and other
  artifacts through ``kb.artifact(name)`` (no cycles).
* ``version``: bump it when the data's shape changes. Any change to the code under ``bot/``
  also rebuilds artifacts, so a stale directory never survives an upgrade.
* Answers read it with ``kb.artifact("people")`` (or a typed property such as
  :attr:`KnowledgeBase.people`); the first call in a process builds or loads it, later calls
  return the same object.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.corpus import Corpus, load_corpus
from bot.index import PassageIndex
from bot.text import Analyzer, fold

if TYPE_CHECKING:
    from bot.people import PeopleDirectory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Artifact:
    """A registered artifact: its builder as ``"module:function"`` and its data version."""

    build: str
    version: int = 1

    def builder(self) -> Callable[[KnowledgeBase], Any]:
        """Import and return the build function."""
        module, _, function = self.build.partition(":")
        return getattr(importlib.import_module(module), function)


#: Every artifact, by name (see the module docstring for how to register one).
ARTIFACTS: dict[str, Artifact] = {
    "people": Artifact("bot.people.directory:build_directory"),
}


@dataclass
class KnowledgeBase:
    """A corpus with its analyzer and BM25 index. Answers are pure functions of this."""

    corpus: Corpus
    analyzer: Analyzer
    index: PassageIndex
    _artifacts: dict[str, Any] = field(default_factory=dict, repr=False)
    _building: set[str] = field(default_factory=set, repr=False)

    @classmethod
    def open(cls, settings: Settings) -> KnowledgeBase:
        """Load and validate ``settings.knowledge_dir`` and load or build its index.

        Raises
        ------
        KnowledgeError
            For the first problem in the knowledge directory (file, line, problem).
        """
        corpus = load_corpus(settings.knowledge_dir)
        analyzer = Analyzer(corpus.synonyms)
        index = PassageIndex.load_or_build(corpus, analyzer, settings.cache_dir,
                                           k1=settings.bm25_k1, b=settings.bm25_b)
        log.info("knowledge base %s: %d documents, %d passages (index %s)",
                 corpus.root, len(corpus.documents), len(index.passages),
                 "from cache" if index.loaded_from_cache else "built")
        return cls(corpus, analyzer, index)

    @classmethod
    def from_corpus(cls, corpus: Corpus, *, k1: float = 1.2, b: float = 0.75) -> KnowledgeBase:
        """Index a corpus in memory (no cache): for tests and tools."""
        analyzer = Analyzer(corpus.synonyms)
        return cls(corpus, analyzer, PassageIndex.build(corpus, analyzer, k1=k1, b=b))

    def artifact(self, name: str) -> Any:
        """The artifact registered as ``name`` in :data:`ARTIFACTS`, built on first use."""
        if name in self._artifacts:
            return self._artifacts[name]
        if name not in ARTIFACTS:
            raise KeyError(f"no artifact {name!r} is registered")
        if name in self._building:
            raise RuntimeError(f"artifact {name!r} depends on itself")
        self._building.add(name)
        try:
            value = self._artifacts[name] = ARTIFACTS[name].builder()(self)
        finally:
            self._building.discard(name)
        return value

    @property
    def people(self) -> PeopleDirectory:
        """Everyone the corpus names: curated ``people.yaml`` entries plus discovered names."""
        return self.artifact("people")

    @cached_property
    def surface_words(self) -> dict[str, int]:
        """Folded words of the corpus (4+ letters) with their counts, for "did you mean"."""
        counts: dict[str, int] = {}
        for passage in self.index.passages:
            for word in fold(passage.text).split():
                word = word.strip(".,;:!?()[]'\"-")
                if len(word) >= 4 and word.isalpha():
                    counts[word] = counts.get(word, 0) + 1
        return counts
