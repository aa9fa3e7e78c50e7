"""Candidate points: sentences that can stand alone, or that bring the sentence they lean on.

A briefing quotes sentences out of their paragraph, so a sentence that opens with "This…",
"He also stressed…" or "Otherwise…" would lose its meaning. Such a sentence is offered together
with the sentence(s) before it in the same paragraph, as one contiguous verbatim span; when it
opens its paragraph there is nothing to bring, and it is not offered at all. A question is never
a point by itself ("Why is Japan dragging its feet?"), but it travels with the sentence that
answers it. A sentence of a few words that only names its point ("Another difficulty is
bureaucratic.") brings the sentence after it, which spells the point out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.corpus import Passage
from bot.people.speech import REPORTING_VERBS
from bot.text import STOPWORDS, Sentence, fold, split_sentences

#: How many sentences back a span may reach for an antecedent.
MAX_ANTECEDENTS = 2

_OPENING_QUOTES = "‘'\"“"
# Words that, opening a sentence, point back at the sentence before it.
_BACK_POINTERS = frozenset({
    "this", "that", "these", "those", "he", "she", "they", "his", "her", "their", "its",
    "such", "otherwise", "another", "both", "him", "them",
})
#: A sentence of fewer words than this rarely says what it is about ("Japan was indifferent.").
_SHORT_SENTENCE = 6
#: A sentence of fewer words than this, followed by another, announces what that one says.
_ANNOUNCING = 7
#: ... or of at most this many words that are not function words.
_ANNOUNCING_CONTENT = 3
_BACK_PHRASES = ("one possibility", "one option", "the latter", "the former")
# Connectives that answer or qualify the sentence before: "However, Abe's administration
# rejected the proposal" is only half a point without what it rejects.
_CONNECTIVES = frozenset({
    "however", "but", "yet", "still", "instead", "nevertheless", "nonetheless", "therefore",
    "thus", "hence", "consequently", "accordingly", "meanwhile", "moreover", "furthermore",
    "besides", "likewise", "similarly", "conversely", "so", "then", "nor",
})
_CONNECTIVE_PHRASES = ("even so", "in addition", "on the contrary", "in other words",
                       "for example", "for instance", "as a result", "in turn", "by contrast",
                       "on the other hand", "in this regard", "to that end")
# A speaker named only by a demonstrative: "…,’ that person says." / "the official said".
_DEMONSTRATIVE_SPEAKER_RE = re.compile(
    r"\b(?:that|this|the)\s+(?:person|official|insider|source|spokes(?:person|man|woman))\s+"
    r"(?:said|says|added|adds|noted|notes|argued|argues|told)\b")
# "The exercises include…": a definite subject whose noun the sentence before introduced.
_DEFINITE_OPENING_RE = re.compile(r"(?:the|these|those)\s+([a-z]+)")
# Subject pronouns early in a sentence ("Altogether, then, it clearly prefers…").
_EARLY_PRONOUN_RE = re.compile(r"\b(?:it|they|them|he|she|him)\b")
_EARLY_WORDS = 10
# "It is hoped that…", "It would be the best if…": "it" points at nothing.
_EXPLETIVE_IT_RE = re.compile(
    r"\bit\s+(?:is|was|would|will|could|may|might|cannot|can|seems|has)\b.*?"
    r"\b(?:that|if|to|for|whether)\b")
# "…,’ he said." The speaker is in the sentence before.
_PRONOUN_SPEAKER_RE = re.compile(
    rf"[’”'\"],?\s+(?:he|she|they)\s+(?:{REPORTING_VERBS})\b")
# "…the alliance calls for…", "The newspaper article said…": a speaker named earlier. The
# noun is a common one, in lower case: "the United States" is a name, not "the … states".
_DEFINITE_SUBJECT_RE = re.compile(
    rf"\b(?i:the)\s+(?P<noun>[a-z]+)(?:\s+[a-z]+)?\s+(?:{REPORTING_VERBS})\b")


_WORD_RE = re.compile(r"[^\W_]+")
_COMPOUND_WORD_RE = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")  # "isn't", "self-defense"
_TOKEN_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class Span:
    """Consecutive sentences of one passage: ``text == passage.text[start:end]``."""

    passage: Passage
    start: int
    end: int
    sentences: tuple[str, ...]  # the sentences of the span, first to last
    leans_out: bool = False  # its first sentence leans on the paragraph before
    #: Where in ``sentences`` the sentence making the point is: the last, or the one before
    #: when the span brings the sentence that spells it out ("Another difficulty is
    #: bureaucratic. The coast guard answers to a ministry that …").
    point: int = -1
    starts: tuple[int, ...] = ()  # where each of ``sentences`` starts in the passage

    @property
    def text(self) -> str:
        """The span, verbatim."""
        return self.passage.text[self.start:self.end]

    @property
    def own(self) -> str:
        """The sentence that makes the point (its cue must be in it)."""
        return self.sentences[self.point]

    @property
    def up_to_point(self) -> tuple[str, ...]:
        """The sentences up to the one making the point: who says it is decided there."""
        return self.sentences[:len(self.sentences) + self.point + 1]


def is_question(sentence: str) -> bool:
    """Whether ``sentence`` asks rather than states."""
    return sentence.rstrip("’”'\" ").endswith("?")


def needs_antecedent(sentence: str, previous: str | None = None) -> bool:
    """Whether ``sentence`` depends on the sentence before it for its meaning.

    True for a sentence opening with a pronoun or demonstrative ("This…", "He…", "Such…"),
    "Otherwise", "Another", a non-expletive early "it/they", a quotation attributed to a bare
    pronoun ("…,’ he said."), a definite subject that says or asks something ("the alliance
    calls for…"), and the answer to a question.
    """
    text = fold(sentence).lstrip(_OPENING_QUOTES + " ")
    words = _COMPOUND_WORD_RE.findall(text)
    if not words or is_question(sentence):
        return False  # a question opens a subject rather than continuing one
    if previous is not None and is_question(previous):
        return True
    if words[0] in _BACK_POINTERS or text.startswith(_BACK_PHRASES):
        return True
    if words[0] in _CONNECTIVES or text.startswith(_CONNECTIVE_PHRASES):
        return True
    if _DEMONSTRATIVE_SPEAKER_RE.search(text):
        return True
    if previous is not None and _refers_back(text, fold(previous)):
        return True
    if previous is not None and len(words) < _SHORT_SENTENCE:
        return True  # "Japan was indifferent." — to what, the sentence before says
    full = " ".join(words)
    early_end = len(" ".join(words[:_EARLY_WORDS]))
    for pronoun in _EARLY_PRONOUN_RE.finditer(full, 0, early_end):
        if pronoun[0] != "it" or not _EXPLETIVE_IT_RE.match(full, pronoun.start()):
            return True
    if _PRONOUN_SPEAKER_RE.search(text):
        return True
    # "The initiative suggests…" names its subject earlier; even when that is outside the
    # paragraph, quoting the sentence alone would hide who is speaking.
    return bool(_DEFINITE_SUBJECT_RE.search(sentence))


# "That is true, and it is the central obstacle …": a demonstrative standing for the sentence
# before, as the subject of a verb, comments on that sentence's point rather than making one.
# "This is why Japan should …" gives a reason for a point of its own.
_COMMENT_RE = re.compile(
    r"(?:(?:this|that)\s+(?:is|was|would|will|could|may|might|means|meant|has|had|remains|seems)"
    r"|(?:these|those)\s+(?:are|were|would|will|could|may|might|mean|have|had|remain))"
    r"(?![^\W_])(?!\s+(?:why|how|because|where|when)\b)")


def comments_on_previous(sentence: str) -> bool:
    """Whether ``sentence`` opens with a demonstrative standing for the sentence before it, as
    the subject of a verb ("That is true, and …", "This would mean …"): it goes on with that
    sentence's point."""
    return _COMMENT_RE.match(fold(sentence).lstrip(_OPENING_QUOTES + " ")) is not None


def _refers_back(text: str, previous: str) -> bool:
    """Whether ``text`` opens with "The <noun>" naming something ``previous`` introduced
    ("…held joint exercises… The exercises include…")."""
    match = _DEFINITE_OPENING_RE.match(text)
    if not match or len(match[1]) < 4:
        return False
    stem = match[1].rstrip("s")
    return not {stem, stem + "s", stem + "es"}.isdisjoint(_TOKEN_RE.findall(previous))


def candidate_spans(passage: Passage, sentences: Sequence[Sentence] | None = None
                    ) -> list[Span]:
    """Every span of ``passage`` that can be quoted as a point, in reading order.

    Each sentence yields one span ending with it: the sentence alone, or with up to
    :data:`MAX_ANTECEDENTS` sentences before it. A span whose first sentence leans on the
    paragraph before ("However, …" opening a paragraph) is marked :attr:`Span.leans_out`: the
    caller brings that paragraph's last sentence as context. Questions yield none, nor do
    chains of back-references longer than :data:`MAX_ANTECEDENTS`.
    """
    if sentences is None:
        sentences = split_sentences(passage.text)
    spans: list[Span] = []
    for i, sentence in enumerate(sentences):
        if is_question(sentence.text):
            continue
        first = i
        leans_out = False
        while first > i - MAX_ANTECEDENTS - 1:
            previous = sentences[first - 1].text if first > 0 else None
            if not needs_antecedent(sentences[first].text, previous):
                break
            if first == 0:
                leans_out = True
                break
            first -= 1
        else:
            continue  # the chain of back-references reaches too far back
        last, point = i, -1
        if i + 1 < len(sentences) and _announces(sentence.text, sentences[i + 1].text):
            last, point = i + 1, -2
        chosen = sentences[first:last + 1]
        spans.append(Span(passage, chosen[0].start, chosen[-1].end,
                          tuple(s.text for s in chosen), leans_out, point,
                          tuple(s.start for s in chosen)))
    return spans


def _announces(sentence: str, following: str) -> bool:
    """Whether ``sentence`` only names what ``following`` spells out: a sentence of a few
    words ("Another difficulty is bureaucratic.", "The real problem is political will."), or
    of a few words that are not function words ("Manufacturers have reasons of their own for
    hesitation.", "There is also a problem of people."), followed by one that neither asks
    nor turns to something else ("But …")."""
    words = _COMPOUND_WORD_RE.findall(fold(sentence))
    if not words or is_question(following):
        return False
    # One that points back ("This opens …") goes on with the sentence before instead.
    content = [w for w in words if w not in STOPWORDS]
    if len(words) >= _ANNOUNCING and (len(content) > _ANNOUNCING_CONTENT
                                      or words[0] in _BACK_POINTERS):
        return False
    opening = _WORD_RE.findall(fold(following).lstrip(_OPENING_QUOTES + " "))[:1]
    return bool(opening) and opening[0] not in _CONNECTIVES
