"""An author's argument: the two or three sentences of an article that carry it.

A sentence is a candidate when the article says it in its own voice (the attribution engine
credits it to the author, not to someone quoted or reported), stands alone (no "This…", "He…"
or answer to a question) and is a statement of reasonable length. Each candidate is scored by

* centrality: IDF-weighted cosine between its terms and the whole article's, so the sentences
  about what the article is about win over asides;
* argument cues: a claim or a recommendation weighs more than a report of facts. The cues
  are those of the ``proposals`` topic of ``topics.yaml`` ("should", "must", "needs to", "it
  is necessary", "it is time"…), matched as briefings match them (a negated or speculative
  cue counts for nothing): one definition of how the corpus's language proposes;
* place: the opening and closing paragraphs state a thesis more often than the middle.

The best are picked greedily, skipping one too similar to a sentence already picked, and shown
in reading order. Nothing is generated: each is a verbatim sentence with its citation.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from bot.answers.brief.spans import cue_strength, is_question, needs_antecedent, topic_cues
from bot.corpus import Document
from bot.knowledge import KnowledgeBase
from bot.people.attribution import attribute
from bot.text import split_sentences

#: Sentences of an article's argument shown on its author's card.
ARGUMENT_SENTENCES = 3
#: Sentences shorter or longer than this (in words) rarely state an argument quotably.
MIN_WORDS, MAX_WORDS = 8, 70
#: Two picked sentences at least this similar say the same thing.
REDUNDANT = 0.5
#: The topic whose cues say that a sentence argues for something.
ARGUMENT_TOPIC = "proposals"
_CUE_WEIGHT = 0.35
_EDGE_WEIGHT = 0.1


@dataclass(frozen=True)
class ArgumentSentence:
    """One sentence of an argument, verbatim from ``passage`` (its id)."""

    passage: str
    sentence: str


def argument(kb: KnowledgeBase, doc: Document, limit: int = ARGUMENT_SENTENCES
             ) -> list[ArgumentSentence]:
    """The sentences that carry ``doc``'s argument in its author's voice, in reading order."""
    if not doc.author or not doc.passages:
        return []
    total = max(1, len(kb.index.passages))
    frequency = kb.index.document_frequency

    def vector(text: str) -> dict[str, float]:
        counts = Counter(kb.analyzer.tokens(text))
        return {t: n * math.log(1 + total / (1 + frequency(t))) for t, n in counts.items()}

    topic = kb.corpus.topics.get(ARGUMENT_TOPIC)
    cues = topic_cues(topic) if topic is not None else ()
    whole = vector(" ".join(p.text for p in doc.passages))
    last = doc.passages[-1].number
    scored: list[tuple[float, int, ArgumentSentence, dict[str, float]]] = []
    order = 0
    for passage in doc.passages:
        sentences = split_sentences(passage.text)
        for i, sentence in enumerate(sentences):
            order += 1
            text = sentence.text
            words = len(text.split())
            previous = sentences[i - 1].text if i else None
            if (not MIN_WORDS <= words <= MAX_WORDS or is_question(text)
                    or needs_antecedent(text, previous)):
                continue
            said = attribute(kb.people, passage, [text], doc.author, doc)
            if said is None or not said.by_author:
                continue
            terms = vector(text)
            score = _cosine(terms, whole)
            # Full weight for a cue in one place (0.75); a weak cue alone counts half.
            score += _CUE_WEIGHT * min(1.0, cue_strength(cues, text) / 0.75)
            if passage.number in (1, last):
                score += _EDGE_WEIGHT
            scored.append((score, order, ArgumentSentence(passage.id, text), terms))
    scored.sort(key=lambda item: (-item[0], item[1]))
    picked: list[tuple[int, ArgumentSentence, dict[str, float]]] = []
    for _score, position, found, terms in scored:
        if len(picked) == limit:
            break
        if all(_cosine(terms, other) < REDUNDANT for _, _, other in picked):
            picked.append((position, found, terms))
    return [found for _, found, _ in sorted(picked, key=lambda item: item[0])]


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0
