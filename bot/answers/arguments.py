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

Arguments are found when the index is built (the ``arguments`` artifact) for the articles an
author's card shows, so ``who`` only reads them. Splitting into sentences and attributing
them are the costly steps (milliseconds a paragraph); a sentence is scored in full (its
cues, then its attribution) only while it can still be among the best, which picks exactly
what scoring every sentence in full would.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.answers.brief.spans import cue_strength, is_question, needs_antecedent, topic_cues
from bot.corpus import Document, Passage
from bot.parallel import map_forked
from bot.people.attribution import attribute
from bot.text import split_sentences

if TYPE_CHECKING:
    from bot.knowledge import KnowledgeBase
    from bot.people import Person

#: Sentences of an article's argument shown on its author's card.
ARGUMENT_SENTENCES = 3
#: Articles of one author whose argument the card shows: the most recently published.
ARGUMENT_ARTICLES = 3
#: Articles argued per unit of work when a build uses both cores.
ARGUMENT_CHUNK = 64
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


def argued_documents(kb: KnowledgeBase, person: Person) -> list[Document]:
    """The articles ``person`` wrote (not translated) whose argument their card shows: the
    :data:`ARGUMENT_ARTICLES` most recently published, in the order of their bylines."""
    docs = kb.corpus.documents
    written = [docs[b.doc] for b in person.bylines if b.credit == "author" and b.doc in docs]
    newest = sorted(range(len(written)), key=lambda i: (
        written[i].published is None, -_ordinal(written[i]), i))
    return [written[i] for i in sorted(newest[:ARGUMENT_ARTICLES])]


def build_arguments(kb: KnowledgeBase) -> dict[str, tuple[ArgumentSentence, ...]]:
    """The ``arguments`` artifact: the argument of every article an author's card shows,
    by document id (registered in ``bot.knowledge``). A large corpus's articles are argued
    on both cores, :data:`ARGUMENT_CHUNK` at a time."""
    docs = list({d.id: d for p in kb.people for d in argued_documents(kb, p)}.values())
    chunks = [docs[i:i + ARGUMENT_CHUNK] for i in range(0, len(docs), ARGUMENT_CHUNK)]
    found: dict[str, tuple[ArgumentSentence, ...]] = {}
    argued = map_forked(lambda chunk: [tuple(argument(kb, d)) for d in chunk], chunks,
                        sum(len(d.passages) for d in docs))
    for chunk, arguments in zip(chunks, argued, strict=True):
        found.update(zip((d.id for d in chunk), arguments, strict=True))
    return found


def argument(kb: KnowledgeBase, doc: Document, limit: int = ARGUMENT_SENTENCES
             ) -> list[ArgumentSentence]:
    """The sentences that carry ``doc``'s argument in its author's voice, in reading order."""
    if not doc.author or not doc.passages:
        return []
    vector = _vectorizer(kb)
    topic = kb.corpus.topics.get(ARGUMENT_TOPIC)
    cues = topic_cues(topic) if topic is not None else ()
    whole = vector(" ".join(p.text for p in doc.passages))
    last = doc.passages[-1].number

    def edge(passage: Passage) -> float:
        return _EDGE_WEIGHT if passage.number in (1, last) else 0.0

    # Each candidate first with the most its cues could add: a bound on its score, so the
    # costly cue match and attribution run only for sentences that can still win.
    heap: list[tuple[float, int, bool, Passage, str, dict[str, float]]] = []
    for passage in doc.passages:
        sentences = split_sentences(passage.text)
        for i, sentence in enumerate(sentences):
            text = sentence.text
            previous = sentences[i - 1].text if i else None
            if (not MIN_WORDS <= len(text.split()) <= MAX_WORDS or is_question(text)
                    or needs_antecedent(text, previous)):
                continue
            terms = vector(text)
            bound = _cosine(terms, whole) + edge(passage) + (_CUE_WEIGHT if cues else 0.0)
            heap.append((-bound, passage.number * 1000 + i, False, passage, text, terms))
    heapq.heapify(heap)
    picked: list[tuple[int, ArgumentSentence, dict[str, float]]] = []
    while heap and len(picked) < limit:
        score, order, exact, passage, text, terms = heapq.heappop(heap)
        if not exact:
            # Full weight for a cue in one place (0.75); a weak cue alone counts half.
            cue = _CUE_WEIGHT * min(1.0, cue_strength(cues, text) / 0.75) if cues else 0.0
            heapq.heappush(heap, (score + _CUE_WEIGHT - cue if cues else score, order, True,
                                  passage, text, terms))
            continue
        if any(_cosine(terms, other) >= REDUNDANT for _, _, other in picked):
            continue
        said = attribute(kb.people, passage, [text], doc.author, doc)
        if said is not None and said.by_author:
            picked.append((order, ArgumentSentence(passage.id, text), terms))
    return [found for _, found, _ in sorted(picked, key=lambda item: item[0])]


def _ordinal(doc: Document) -> int:
    return doc.published.toordinal() if doc.published else 0


def _vectorizer(kb: KnowledgeBase) -> Callable[[str], dict[str, float]]:
    """IDF-weighted term counts of a text, with this index's document frequencies."""
    total = max(1, len(kb.index.passages))
    frequency = kb.index.document_frequency

    def vector(text: str) -> dict[str, float]:
        counts = Counter(kb.analyzer.tokens(text))
        return {t: n * math.log(1 + total / (1 + frequency(t))) for t, n in counts.items()}

    return vector


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0
