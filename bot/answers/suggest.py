""""Did you mean": close spellings of real corpus words and topic names.

A suggestion is a word the corpus uses that is a small number of edits away from the typed
word (optimal string alignment: an insertion, deletion, substitution or swap of neighbours is
one edit): one edit for words of up to five letters, two for longer ones, none below four
letters. It starts with the same letter — a typo rarely changes the first one, and the rule
keeps "USAID" from suggesting "said" and "Iran" from suggesting "rain". Among equally close
words the more frequent wins.

The vocabulary is bucketed once per corpus (the ``vocabulary`` artifact, saved with the index)
by first letter, length and second or third letter. A lookup compares the word only with the
words of the same first letter and a nearby length that share its second or third letter, or
have them swapped or shifted by one — which every one- or two-edit typo past the first two
letters does — so it stays fast on the vocabulary of a million passages.
"""

from __future__ import annotations

import functools
from array import array
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.knowledge import KnowledgeBase
from bot.text import fold

#: Words shorter than this get no suggestion: too many real words are one edit from them.
MIN_LETTERS = 4


def max_edits(length: int) -> int:
    """How many edits a suggestion may be from a typed word of ``length`` letters."""
    if length < MIN_LETTERS:
        return 0
    return 1 if length <= 5 else 2


#: One bucket: its words joined by newlines, most frequent first, and their counts.
Bucket = tuple[str, array]


@dataclass
class Vocabulary:
    """Corpus words by ``(first letter, position, letter there, length)`` for positions 1
    and 2 (each word is in two buckets), most frequent first within a bucket.

    A bucket is one string (its words joined by newlines) and an array of their counts:
    a start unpickles a few thousand objects rather than every word twice, and a lookup
    splits only the buckets it reads.
    """

    buckets: dict[tuple[str, int, str, int], Bucket]

    def _words(self, key: tuple[str, int, str, int]) -> tuple[list[str], array]:
        found = self.buckets.get(key)
        return (found[0].split("\n"), found[1]) if found else ([], array("q"))

    def close(self, word: str, limit: int = 2) -> list[str]:
        """Corpus words that are close spellings of ``word`` (folded), closest first."""
        word = fold(word)
        edits = max_edits(len(word))
        if not edits:
            return []
        first, second, third = word[0], word[1], word[2]
        if word in self._words((first, 1, second, len(word)))[0]:
            return []  # a corpus word (every word is in the bucket of its own letters)
        found: dict[str, tuple[int, int]] = {}
        for length in range(len(word) - edits, len(word) + edits + 1):
            # same 2nd or 3rd letter; swapped 2nd and 3rd; a letter dropped or added at the 2nd
            for position, letter in ((1, second), (2, third), (1, third), (2, second)):
                words, counts = self._words((first, position, letter, length))
                for match, distance, at in process.extract(
                        word, words, scorer=OSA.distance, score_cutoff=edits, limit=limit):
                    found[match] = (int(distance), -counts[at])
        return sorted(found, key=lambda match: (*found[match], match))[:limit]


def build_vocabulary(kb: KnowledgeBase) -> Vocabulary:
    """The ``vocabulary`` artifact: the index's surface words, bucketed for :meth:`close`."""
    words: dict[tuple[str, int, str, int], list[str]] = {}
    for word in kb.surface_words:  # most frequent first, so each bucket is too
        for position in (1, 2):
            words.setdefault((word[0], position, word[position], len(word)), []).append(word)
    counts = kb.surface_words
    return Vocabulary({key: ("\n".join(bucket), array("q", (counts[w] for w in bucket)))
                       for key, bucket in words.items()})


def close_matches(word: str, choices: list[str], *, limit: int = 3, cutoff: float = 75.0
                  ) -> list[str]:
    """The choices that look most like ``word`` (case-insensitive), best first.

    For short closed lists (commands, document ids) where a partial match helps:
    "colonialism" finds the document id that contains it.
    """
    if not word or not choices:
        return []
    folded = {fold(c): c for c in choices}
    found = process.extract(fold(word), list(folded), scorer=fuzz.WRatio, limit=limit,
                            score_cutoff=cutoff)
    return [folded[match] for match, _score, _ in found]


def close_topics(kb: KnowledgeBase, text: str, *, limit: int = 2) -> list[str]:
    """Topic names whose name or an alias is a close spelling of ``text`` as a whole."""
    typed = _folded(text)
    scored: list[tuple[int, str]] = []
    for topic in kb.corpus.topics.values():
        for name in (topic.name, *topic.aliases):
            folded = _folded(name)
            distance = OSA.distance(typed, folded)
            if folded[:1] == typed[:1] and distance <= max_edits(len(folded)):
                scored.append((distance, topic.name))
    return list(dict.fromkeys(name for _, name in sorted(scored)))[:limit]


@functools.lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    """``text`` folded, spaces collapsed (cached: every suggestion compares the topic names)."""
    return " ".join(fold(text).split())


def suggest_terms(kb: KnowledgeBase, query: str, *, limit: int = 5) -> list[str]:
    """Close spellings of the words of ``query`` the corpus lacks, then of topic names."""
    vocabulary: Vocabulary = kb.artifact("vocabulary")
    suggestions: list[str] = []
    for word in fold(query).split():
        word = word.strip(".,;:!?()[]'\"")
        for match in vocabulary.close(word):
            if match not in suggestions:
                suggestions.append(match)
    for topic in close_topics(kb, query):
        if topic not in suggestions:
            suggestions.append(topic)
    return suggestions[:limit]
