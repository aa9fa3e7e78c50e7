"""BM25 over passages, behind a small engine interface, cached on disk.

The cache is keyed by a hash of the corpus, the analyzer settings and the BM25 parameters: an
unchanged corpus loads its tokens from disk instead of re-analysing every passage, and any
change to the articles, the synonyms or the analyzer rebuilds the index by itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Protocol

from rank_bm25 import BM25Okapi

from bot.corpus import Corpus, Passage
from bot.text import Analyzer

log = logging.getLogger(__name__)

#: Bump when the cache file layout changes, so old caches are ignored rather than misread.
CACHE_FORMAT = 1


class Engine(Protocol):
    """What the index needs from a ranking engine; a faster one can replace rank-bm25 here."""

    def top_k(self, query: Sequence[str], k: int) -> list[tuple[int, float]]:
        """The ``k`` best documents for the query tokens as (position, score), best first,
        leaving out documents that share no term with the query."""
        ...

    def scores(self, query: Sequence[str], positions: Sequence[int]) -> list[float]:
        """The scores of the documents at ``positions`` for the query tokens, in that order
        (0.0 for a document that shares no term with the query)."""
        ...


class RankBM25Engine:
    """Okapi BM25 scoring from ``rank-bm25`` over pre-tokenised documents."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float, b: float) -> None:
        if not documents:
            raise ValueError("cannot build a BM25 index over 0 documents")
        self._documents = [set(doc) for doc in documents]
        self._bm25 = BM25Okapi([list(doc) for doc in documents], k1=k1, b=b)

    def top_k(self, query: Sequence[str], k: int) -> list[tuple[int, float]]:
        """See :meth:`Engine.top_k`."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        terms = set(query)
        if not terms:
            return []
        scores = self._bm25.get_scores(list(query))
        ranked = sorted(
            (i for i, doc in enumerate(self._documents) if doc & terms),
            key=lambda i: (-scores[i], i),
        )
        return [(i, float(scores[i])) for i in ranked[:k]]

    def scores(self, query: Sequence[str], positions: Sequence[int]) -> list[float]:
        """See :meth:`Engine.scores`."""
        if not positions:
            return []
        return [float(s) for s in self._bm25.get_batch_scores(list(query), list(positions))]


#: Builds an engine from analysed documents and BM25 parameters: ``RankBM25Engine`` or a
#: faster replacement. Scoring is the only part that changes; analysis, the token cache and
#: every answer stay as they are.
EngineFactory = Callable[[Sequence[Sequence[str]], float, float], Engine]


@dataclass(frozen=True)
class Hit:
    """A passage retrieved for a query, with its BM25 score."""

    passage: Passage
    score: float
    position: int  # of the passage in ``PassageIndex.passages``, for ``score_positions``


class PassageIndex:
    """Search over every passage of a corpus with one analyzer."""

    def __init__(self, passages: Sequence[Passage], tokens: Sequence[Sequence[str]],
                 analyzer: Analyzer, k1: float, b: float,
                 engine: EngineFactory = RankBM25Engine) -> None:
        self.passages = list(passages)
        self.tokens = [list(t) for t in tokens]
        self.analyzer = analyzer
        self.engine: Engine = engine(self.tokens, k1, b)
        self.loaded_from_cache = False

    @classmethod
    def build(cls, corpus: Corpus, analyzer: Analyzer, *, k1: float = 1.2,
              b: float = 0.75) -> PassageIndex:
        """Analyse every passage and index it."""
        passages = list(corpus.passages())
        return cls(passages, [analyzer.tokens(p.text) for p in passages], analyzer, k1, b)

    @classmethod
    def load_or_build(cls, corpus: Corpus, analyzer: Analyzer, cache_dir: Path | None, *,
                      k1: float = 1.2, b: float = 0.75) -> PassageIndex:
        """Load the cached tokens for this exact corpus and analyzer, or build and cache them.

        A missing, stale or unreadable cache is rebuilt; failing to write the cache is logged
        and otherwise harmless.
        """
        if cache_dir is None:
            return cls.build(corpus, analyzer, k1=k1, b=b)
        key = cache_key(corpus, analyzer, k1, b)
        path = Path(cache_dir) / f"index-{key[:32]}.json"
        passages = list(corpus.passages())
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("key") == key and data.get("ids") == [p.id for p in passages]:
                index = cls(passages, data["tokens"], analyzer, k1, b)
                index.loaded_from_cache = True
                log.debug("index loaded from %s", path)
                return index
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring unreadable index cache %s: %s", path, exc)
        index = cls.build(corpus, analyzer, k1=k1, b=b)
        index.save(path, key)
        return index

    def save(self, path: Path, key: str) -> None:
        """Write the analysed passages atomically (temp file, then rename)."""
        payload = {"key": key, "format": CACHE_FORMAT,
                   "ids": [p.id for p in self.passages], "tokens": self.tokens}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".index-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, ensure_ascii=False)
            os.replace(tmp, path)
            log.debug("index cached at %s", path)
        except OSError as exc:
            log.warning("could not cache the index at %s: %s", path, exc)

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

    @cached_property
    def document_frequencies(self) -> Counter[str]:
        """How many passages hold each term (computed once per index, not per answer)."""
        frequencies: Counter[str] = Counter()
        for tokens in self.tokens:
            frequencies.update(set(tokens))
        return frequencies

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every indexed term."""
        return frozenset(self.document_frequencies)


def cache_key(corpus: Corpus, analyzer: Analyzer, k1: float, b: float) -> str:
    """The hash that decides whether a cached index still fits."""
    parts = [str(CACHE_FORMAT), corpus.fingerprint(), analyzer.fingerprint, repr(k1), repr(b)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()
