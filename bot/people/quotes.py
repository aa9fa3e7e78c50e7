"""Quotations and who said them.

A quotation is text between matching quotation marks (“…”, ‘…’ or ‘…', "…"); an apostrophe
inside a word (Japan’s) never closes one. A quotation introduced as a title ("titled “…”")
is nobody's words. A sentence's quotations belong to a person when:

* ``name-verb``: the name is followed by a speech verb ("Kishi said", "Kishi last month said
  in an interview that “…”", "Lii Wen, now …, said", "Tsai Ing-wen (蔡英文) said that “…”")
  and a quotation follows the verb or ends right before the name;
* ``verb-name``: a quotation is followed by a verb and then the name ("‘…,’ said Lii Wen");
* ``pronoun``: the sentence names nobody and says "he said"/"she wrote" about its quotation,
  and the previous sentence of the paragraph names exactly one person, or quoted them;
* ``continuation``: the sentence is nothing but a quotation, right after a sentence that
  quoted someone.

Reported speech without quotation marks ("Kishi also said that …") is a mention, not a quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.people.discover import SPEECH_AFTER_RE, SPEECH_VERBS
from bot.text import Sentence

_CLOSERS = {"“": "”", "‘": "’'", '"': '"'}
_TITLE_INTRO_RE = re.compile(
    r"\b(?:titled|entitled|headlined|headline|called|dubbed|named|known as|so-called|"
    r"the (?:term|phrase|word|slogan))\s*,?\s*$", re.IGNORECASE)
# Between a quotation and the name: nothing but a comma and title words.
_TITLE_GAP_RE = re.compile(r"^[\s,]*(?:(?:[A-Z][\w’'-]*|of|for)\s+){0,6}$")
_VERB_GAP_RE = re.compile(
    rf"^[\s,]*(?:{SPEECH_VERBS})\s+(?:(?:[A-Z][\w’'-]*|of|for)\s+){{0,6}}$")
_PRONOUN = r"(?:he|she)"
_PRONOUN_AFTER_RE = re.compile(rf"[\s,]*{_PRONOUN}\s+(?:[a-z]+\s+){{0,2}}?(?:{SPEECH_VERBS})\b")
_PRONOUN_OPENING_RE = re.compile(
    rf"(?:He|She)\s+(?:[a-z]+\s+){{0,3}}?(?:{SPEECH_VERBS})\b")


@dataclass(frozen=True)
class Quotation:
    """Quotation marks in a passage: ``start``/``end`` include the marks."""

    start: int
    end: int
    inner: str  # the quoted words, verbatim, without the marks or a trailing comma
    title: bool  # introduced as a title ("titled “…”"): nobody's words


def quotations(text: str, lo: int = 0, hi: int | None = None) -> list[Quotation]:
    """The quotations that open and close within ``text[lo:hi]``, in order."""
    hi = len(text) if hi is None else hi
    found: list[Quotation] = []
    i = lo
    while i < hi:
        closers = _CLOSERS.get(text[i])
        if closers is None or (i > 0 and text[i - 1].isalnum()):
            i += 1
            continue
        j = i + 2  # a quotation holds at least one character
        while j < hi and not (text[j] in closers and (j + 1 >= len(text)
                                                      or not text[j + 1].isalnum())):
            j += 1
        if j >= hi:
            i += 1
            continue
        inner = text[i + 1:j].strip().rstrip(",").rstrip()
        title = bool(_TITLE_INTRO_RE.search(text[max(lo, i - 40):i]))
        if inner:
            found.append(Quotation(i, j + 1, inner, title))
        i = j + 1
    return found


@dataclass(frozen=True)
class Named:
    """A mention of person ``person`` (an index) at ``text[start:end]``."""

    person: int
    start: int
    end: int


def _inside(quotes: list[Quotation], start: int) -> bool:
    return any(q.start < start < q.end for q in quotes)


def speaker(text: str, sentence: Sentence, quotes: list[Quotation], named: list[Named],
            previous_people: set[int], previous_speaker: int | None
            ) -> tuple[int, str] | None:
    """Who the quotations of ``sentence`` belong to, and by which rule; ``None`` if unsure.

    ``quotes`` are the sentence's quotations (titles excluded), ``named`` its mentions,
    ``previous_people`` the people the previous sentence of the paragraph names outside
    quotations and ``previous_speaker`` whom that sentence quoted.
    """
    if not quotes:
        return None
    outside = [n for n in named if not _inside(quotes, n.start)]
    for n in outside:
        verb = SPEECH_AFTER_RE.match(text, n.end, sentence.end)
        if verb and any(q.start >= verb.end() for q in quotes):
            return n.person, "name-verb"
        for q in quotes:
            if q.end <= n.start:
                gap = text[q.end:n.start]
                if verb and _TITLE_GAP_RE.match(gap):
                    return n.person, "name-verb"
                if _VERB_GAP_RE.match(gap):
                    return n.person, "verb-name"
    if outside:
        return None  # someone else is named: a pronoun could mean them
    antecedent = None
    if len(previous_people) == 1:
        antecedent = next(iter(previous_people))
    elif not previous_people and previous_speaker is not None:
        antecedent = previous_speaker
    if antecedent is not None:
        opening = _PRONOUN_OPENING_RE.match(text, sentence.start, sentence.end)
        if (opening and any(q.start >= opening.end() for q in quotes)) or any(
                _PRONOUN_AFTER_RE.match(text, q.end, sentence.end) for q in quotes):
            return antecedent, "pronoun"
    only = quotes[0]
    if (previous_speaker is not None and len(quotes) == 1 and only.start == sentence.start
            and only.end >= sentence.end - 1):
        return previous_speaker, "continuation"
    return None
