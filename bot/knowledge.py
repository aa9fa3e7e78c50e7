"""The loaded knowledge base: corpus, analyzer and index, built once and shared by every answer."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property

from bot.config import Settings
from bot.corpus import Corpus, load_corpus
from bot.index import PassageIndex
from bot.people import PeopleDirectory
from bot.text import Analyzer, fold

log = logging.getLogger(__name__)


@dataclass
class KnowledgeBase:
    """A corpus with its analyzer and BM25 index. Answers are pure functions of this."""

    corpus: Corpus
    analyzer: Analyzer
    index: PassageIndex

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

    @cached_property
    def people(self) -> PeopleDirectory:
        """Everyone the corpus names: curated ``people.yaml`` entries plus discovered names."""
        return PeopleDirectory.build(self.corpus)

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
