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

Arguments are found when a card asks for them, for the few articles it shows (milliseconds
each), rather than for every article when the index is built: at a million passages that
would be some 30,000 articles and minutes of a build. Each sentence is split and analysed
once; whether it may be quoted alone, its cues and its attribution (the costly steps) are
decided only while it can still be among the best, which picks exactly what deciding every
sentence in full would. Attribution reads the article's earlier paragraphs only for a sentence
that overlaps a quotation: only through one can they take a sentence from its author.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.answers.brief.cues import cue_strength, topic_cues
from bot.answers.brief.spans import is_question, needs_antecedent
from bot.corpus import Document
from bot.people.attribution import attribute
from bot.people.speech import quotations
from bot.text import split_sentences

if TYPE_CHECKING:
    from bot.knowledge import KnowledgeBase
    from bot.people import Person

#: Sentences of an article's argument shown on its author's card.
ARGUMENT_SENTENCES = 3
#: Articles of one author whose argument the card shows: the most recently published.
ARGUMENT_ARTICLES = 3
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


def argument(kb: KnowledgeBase, doc: Document, limit: int = ARGUMENT_SENTENCES
             ) -> list[ArgumentSentence]:
    """The sentences that carry ``doc``'s argument in its author's voice, in reading order."""
    return _Scorer(kb).argument(doc, limit)


class _Scorer:
    """Finds arguments over one knowledge base: its cues compiled once, each term's IDF
    looked up once per card."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        topic = kb.corpus.topics.get(ARGUMENT_TOPIC)
        self.cues = topic_cues(topic) if topic is not None else ()
        self.total = max(1, len(kb.index.passages))
        self.idf: dict[str, float] = {}

    def vector(self, tokens: list[str]) -> dict[str, float]:
        """IDF-weighted term counts of analysed ``tokens``."""
        idf = self.idf
        vector = {}
        for term, count in Counter(tokens).items():
            weight = idf.get(term)
            if weight is None:
                frequency = self.kb.index.document_frequency(term)
                weight = idf[term] = math.log(1 + self.total / (1 + frequency))
            vector[term] = count * weight
        return vector

    def cue(self, text: str) -> float:
        """The weight of ``text``'s argument cues: full for a cue in one place (0.75), half
        for a weak cue alone."""
        return _CUE_WEIGHT * min(1.0, cue_strength(self.cues, text) / 0.75)

    def argument(self, doc: Document, limit: int = ARGUMENT_SENTENCES
                 ) -> list[ArgumentSentence]:
        """See :func:`argument`."""
        if not doc.author or not doc.passages:
            return []
        analyzer = self.kb.analyzer
        last = doc.passages[-1].number
        cue_bound = _CUE_WEIGHT if self.cues else 0.0
        # Every sentence first with the most its cues could add: a bound on its score, so
        # that whether it may be quoted alone, its cues and its attribution are decided only
        # for sentences that can still win.
        read = [(passage, sentences, i, analyzer.tokens(sentence.text))
                for passage in doc.passages
                for sentences in [split_sentences(passage.text)]
                for i, sentence in enumerate(sentences)]
        whole = self.vector([t for *_, tokens in read for t in tokens])
        whole_norm = _norm(whole)
        heap: list[tuple[float, int, bool, int]] = []
        vectors = []
        for k, (passage, _, i, tokens) in enumerate(read):
            terms = self.vector(tokens)
            vectors.append((terms, _norm(terms)))
            edge = _EDGE_WEIGHT if passage.number in (1, last) else 0.0
            bound = _cosine(terms, vectors[k][1], whole, whole_norm) + edge + cue_bound
            heap.append((-bound, passage.number * 1000 + i, False, k))
        heapq.heapify(heap)
        picked: list[tuple[int, ArgumentSentence, int]] = []
        while heap and len(picked) < limit:
            score, order, exact, k = heapq.heappop(heap)
            passage, sentences, i, _ = read[k]
            text = sentences[i].text
            if not exact:
                previous = sentences[i - 1].text if i else None
                if (not MIN_WORDS <= len(text.split()) <= MAX_WORDS or is_question(text)
                        or needs_antecedent(text, previous)):
                    continue
                heapq.heappush(heap, (score + cue_bound - self.cue(text), order, True, k))
                continue
            terms, norm = vectors[k]
            if any(_cosine(terms, norm, *vectors[other]) >= REDUNDANT
                   for _, _, other in picked):
                continue
            # The paragraphs before can only take a sentence from the author, and only through
            # a quotation (a pronoun's or a continuation's): the costly reading of the article
            # up to this paragraph is left for a sentence in the author's voice without it
            # that overlaps a quotation.
            said = attribute(self.kb.people, passage, [text], doc.author)
            start, end = sentences[i].start, sentences[i].end
            if (said is not None and said.by_author
                    and any(q.start < end and start < q.end for q in quotations(passage.text))):
                said = attribute(self.kb.people, passage, [text], doc.author, doc)
            if said is not None and said.by_author:
                picked.append((order, ArgumentSentence(passage.id, text), k))
        return [found for _, found, _ in sorted(picked, key=lambda item: item[0])]


def _ordinal(doc: Document) -> int:
    return doc.published.toordinal() if doc.published else 0


def _norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(w * w for w in vector.values()))


def _cosine(a: dict[str, float], a_norm: float, b: dict[str, float], b_norm: float
            ) -> float:
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    norm = a_norm * b_norm
    return dot / norm if norm else 0.0
