"""BM25 over passages behind a small engine interface, with its arrays saved under the corpus hash.

:class:`PassageIndex` is what answers use: ``search``, ``score_positions`` and term statistics,
all from one engine (:mod:`bot.index.bm25`: rank-bm25's Okapi BM25 from precomputed scores).
:mod:`bot.index.build` builds the arrays; :mod:`bot.snapshot` saves and memory-maps them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from typing import Protocol

from bot.corpus import Corpus, Passage
from bot.corpus.stored import packed
from bot.index.bm25 import PostingsEngine
from bot.text import Analyzer


class Engine(Protocol):
    """What the index needs from a ranking engine."""

    vocabulary: dict[str, int]

    def top_k(self, query: Sequence[str], k: int) -> list[tuple[int, float]]:
        """The ``k`` best documents for the query tokens as (position, score), best first,
        leaving out documents that share no term with the query."""
        ...

    def scores(self, query: Sequence[str], positions: Sequence[int]) -> list[float]:
        """The scores of the documents at ``positions`` for the query tokens, in that order
        (0.0 for a document that shares no term with the query)."""
        ...

    def document_frequency(self, term: str) -> int:
        """How many documents hold ``term``."""
        ...


#: ``progress(done, total)`` while passages are analysed.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Hit:
    """A passage retrieved for a query, with its BM25 score."""

    passage: Passage
    score: float
    position: int  # of the passage in ``PassageIndex.passages``, for ``score_positions``


class PassageIndex:
    """Search over every passage of a corpus with one analyzer and one engine."""

    def __init__(self, passages: Sequence[Passage], engine: Engine, analyzer: Analyzer,
                 surface_words: dict[str, int] | None = None) -> None:
        self.passages = passages
        self.engine = engine
        self.analyzer = analyzer
        #: Folded words of 4+ letters with their counts, most frequent first, for "did you
        #: mean" (counted while analysing, so a suggestion never rescans the corpus).
        self.surface_words = surface_words or {}
        self.loaded_from_cache = False

    @classmethod
    def build(cls, corpus: Corpus, analyzer: Analyzer, *, k1: float = 1.2, b: float = 0.75,
              progress: Progress | None = None) -> PassageIndex:
        """Analyse every passage and index it."""
        from bot.index.build import build_postings  # numpy: only when building

        # The corpus's own store (packed if it is not yet): no passage object is made.
        passages = packed(corpus.documents).passages
        postings = build_postings(passages.texts(), analyzer, k1, b, progress)
        engine = PostingsEngine(postings.vocabulary, postings.size, postings.indptr,
                                postings.docs, postings.scores, postings.maxscore,
                                postings.bestptr, postings.best)
        return cls(passages, engine, analyzer, postings.surface_words)

    def search(self, query: str, limit: int = 5) -> list[Hit]:
        """The best passages for a free-text query, best first (none when nothing matches)."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        return self.search_tokens(self.analyzer.tokens(query), limit)

    def search_tokens(self, tokens: Sequence[str], limit: int) -> list[Hit]:
        """Like :meth:`search`, for tokens already analysed."""
        return [Hit(self.passages[i], score, i) for i, score in self.engine.top_k(tokens, limit)]

    def score_positions(self, tokens: Sequence[str], positions: Sequence[int]) -> list[float]:
        """BM25 scores of the passages at ``positions`` for analysed query ``tokens``, in the
        order given: the same engine, k1 and b as :meth:`search`, so a caller re-scoring
        passages (``brief``) never needs a BM25 of its own. A repeated token counts twice,
        as in a search."""
        for position in positions:
            if not 0 <= position < len(self.passages):
                raise IndexError(f"no passage at position {position}")
        return self.engine.scores(tokens, positions)

    def document_frequency(self, term: str) -> int:
        """How many passages hold ``term`` (0 for a term the index does not hold)."""
        return self.engine.document_frequency(term)

    @property
    def vocabulary(self) -> Set[str]:
        """Every indexed term."""
        return self.engine.vocabulary.keys()
