""""Did you mean": close corpus words and topic names for a query that found nothing."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from bot.knowledge import KnowledgeBase
from bot.text import fold


def close_matches(word: str, choices: list[str], *, limit: int = 3, cutoff: float = 75.0
                  ) -> list[str]:
    """The choices that look most like ``word`` (case-insensitive), best first."""
    if not word or not choices:
        return []
    folded = {fold(c): c for c in choices}
    found = process.extract(fold(word), list(folded), scorer=fuzz.WRatio, limit=limit,
                            score_cutoff=cutoff)
    return [folded[match] for match, _score, _ in found]


def suggest_terms(kb: KnowledgeBase, query: str, *, limit: int = 5) -> list[str]:
    """Corpus words close to the words of ``query``, then topics, without repeats."""
    words = list(kb.surface_words)  # most frequent first
    suggestions: list[str] = []
    for word in fold(query).split():
        if len(word) < 3:
            continue
        for match in process.extract(word, words, scorer=fuzz.ratio, limit=2, score_cutoff=70):
            if match[0] != word and match[0] not in suggestions:
                suggestions.append(match[0])
    for topic in close_matches(query, list(kb.corpus.topics), limit=2, cutoff=60):
        if topic not in suggestions:
            suggestions.append(topic)
    return suggestions[:limit]
