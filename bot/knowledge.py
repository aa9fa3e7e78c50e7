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
* ``reports``: the builder also takes ``progress``, a ``report(done, total)`` callback (or
  ``None``), and reports what it counts; a terminal then shows a bar. Every build shows at
  least a line saying which artifact is being built.
* ``version``: bump it when the data's shape changes. Any change to the code under ``bot/``
  also rebuilds artifacts, so a stale directory never survives an upgrade.
* Answers read it with ``kb.artifact("people")`` (or a typed property such as
  :attr:`KnowledgeBase.people`); the first call in a process builds or loads it, later calls
  return the same object.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.corpus import Corpus, load_corpus
from bot.index import PassageIndex, Progress
from bot.parallel import give_back_memory
from bot.progress import Reporter
from bot.snapshot import Snapshot, snapshot_key
from bot.text import Analyzer

if TYPE_CHECKING:
    from bot.answers.brief.facets import TopicFacets
    from bot.people import PeopleDirectory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Artifact:
    """A registered artifact: its builder as ``"module:function"`` and its data version."""

    build: str
    version: int = 1
    reports: bool = False

    def builder(self) -> Callable[..., Any]:
        """Import and return the build function."""
        module, _, function = self.build.partition(":")
        return getattr(importlib.import_module(module), function)


#: Every artifact, by name (see the module docstring for how to register one).
ARTIFACTS: dict[str, Artifact] = {
    "people": Artifact("bot.people.directory:build_directory"),
    "vocabulary": Artifact("bot.answers.suggest:build_vocabulary", version=2),
    "brief-facets": Artifact("bot.answers.brief.facets:build_facets", reports=True),
}


@dataclass
class KnowledgeBase:
    """A corpus with its analyzer and BM25 index. Answers are pure functions of this."""

    corpus: Corpus
    analyzer: Analyzer
    index: PassageIndex
    #: Where artifacts are saved and looked for; ``None`` keeps them in memory only.
    snapshot: Snapshot | None = None
    #: Where a build reports its steps (see :meth:`open`); ``None`` shows nothing.
    progress: Reporter | None = field(default=None, repr=False)
    _artifacts: dict[str, Any] = field(default_factory=dict, repr=False)
    _building: set[str] = field(default_factory=set, repr=False)

    @classmethod
    def open(cls, settings: Settings, progress: Progress | None = None) -> KnowledgeBase:
        """Open ``settings.knowledge_dir``: its snapshot if current, else load, validate,
        index and snapshot it (building every registered artifact), reporting ``progress``
        while passages are analysed. A :class:`~bot.progress.Reporter` (``reporter(…)``)
        also shows a line for every later step, a bar where it counts, for as long as the
        knowledge base builds artifacts.

        Raises
        ------
        KnowledgeError
            For the first problem in the knowledge directory (file, line, problem).
        """
        root, k1, b = settings.knowledge_dir, settings.bm25_k1, settings.bm25_b
        snapshot = (Snapshot(settings.cache_dir, snapshot_key(root, k1, b))
                    if settings.cache_dir is not None else None)
        steps = progress if isinstance(progress, Reporter) else None
        loaded = snapshot.load() if snapshot is not None else None
        if loaded is not None:
            corpus, index = loaded
        else:
            with _step(steps, "reading articles"):
                corpus = load_corpus(root)
                if snapshot is not None:
                    corpus = snapshot.stage(corpus)  # the index build then holds no texts
            index = PassageIndex.build(corpus, Analyzer(corpus.synonyms), k1=k1, b=b,
                                       progress=progress)
            if snapshot is not None:
                with _step(steps, "saving the index"):
                    snapshot.save(corpus, index)
                    # The artifacts are built over the snapshot just saved, as a warm start
                    # reads it: the build's arrays and texts (over 1 GB at a million passages)
                    # are given back first, and only the pages a builder reads are mapped in.
                    if (saved := snapshot.load()) is not None:
                        corpus, index = saved
                        index.loaded_from_cache = False
            give_back_memory()
        kb = cls(corpus, index.analyzer, index, snapshot, steps)
        if loaded is None:
            for name in ARTIFACTS:  # built with the index, so no start pays for them
                kb.artifact(name)
        log.info("knowledge base %s: %d documents, %d passages (%s)",
                 corpus.root, len(corpus.documents), len(index.passages),
                 "from its snapshot" if loaded is not None else "indexed")
        return kb

    @classmethod
    def from_corpus(cls, corpus: Corpus, *, k1: float = 1.2, b: float = 0.75) -> KnowledgeBase:
        """Index a corpus in memory (no snapshot): for tests and tools."""
        analyzer = Analyzer(corpus.synonyms)
        return cls(corpus, analyzer, PassageIndex.build(corpus, analyzer, k1=k1, b=b))

    def artifact(self, name: str) -> Any:
        """The artifact registered as ``name`` in :data:`ARTIFACTS`: from memory, else from
        the snapshot, else built (and saved to the snapshot)."""
        if name in self._artifacts:
            return self._artifacts[name]
        if name not in ARTIFACTS:
            raise KeyError(f"no artifact {name!r} is registered")
        if name in self._building:
            raise RuntimeError(f"artifact {name!r} depends on itself")
        spec = ARTIFACTS[name]
        found, value = (self.snapshot.load_artifact(name, spec.version)
                        if self.snapshot is not None else (False, None))
        if not found:
            self._building.add(name)
            try:
                with _step(self.progress, f"building {name}") as step:
                    build = spec.builder()
                    value = build(self, progress=step) if spec.reports else build(self)
            finally:
                self._building.discard(name)
            if self.snapshot is not None:
                self.snapshot.save_artifact(name, spec.version, value)
        self._artifacts[name] = value
        return value

    @property
    def people(self) -> PeopleDirectory:
        """Everyone the corpus names: curated ``people.yaml`` entries plus discovered names."""
        return self.artifact("people")

    @property
    def brief_facets(self) -> dict[str, TopicFacets]:
        """The grouped points of every named topic with cues (see ``answers.brief.facets``)."""
        return self.artifact("brief-facets")

    @property
    def surface_words(self) -> dict[str, int]:
        """Folded words of the corpus (4+ letters) with their counts, most frequent first,
        for "did you mean"."""
        return self.index.surface_words


@contextlib.contextmanager
def _step(progress: Reporter | None, desc: str) -> Iterator[Reporter | None]:
    """The next step of a build, on its own progress line (cleared when it is done)."""
    step = progress.phase(desc) if progress is not None else None
    try:
        yield step
    finally:
        if step is not None:
            step.close()
