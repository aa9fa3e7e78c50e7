"""Whom a sentence's quotations belong to: the rules the people cards and briefings share.

``name-verb`` / ``verb-name``, ``colon``, ``frame``, ``pronoun`` and ``continuation`` (see
:mod:`bot.people.attribution`). Each rule reads only the sentence and the :class:`Context`
the sentences before it leave.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.people.discourse import Context
from bot.people.speech import (
    PLURAL_VERBS,
    REPORTING_VERBS,
    SPEECH_PARTICIPLES,
    speech_verb,
)
from bot.text import Sentence

if TYPE_CHECKING:
    from bot.people.speech import Quotation

__all__ = ["PRONOUN_AFTER_RE", "PRONOUN_OPENING_RE", "SPEECH_WORD_RE", "Named", "antecedent",
           "framed", "inside", "masked", "quote_speaker", "someone_speaks"]

# Between a quotation and the name: nothing but a comma and title words.
_TITLE_GAP_RE = re.compile(r"^[\s,]*(?:(?:[A-Z][\w’'-]*|of|for)\s+){0,6}$")
_VERB_GAP_RE = re.compile(
    rf"^[\s,]*(?:{REPORTING_VERBS})\s+(?:(?:[A-Z][\w’'-]*|of|for)\s+){{0,6}}$")
#: "‘…,’ he said": a pronoun and its verb right after a quotation.
PRONOUN_AFTER_RE = re.compile(
    rf"[\s,]*(?:he|she)\s+(?:[a-z]+\s+){{0,2}}?(?:{REPORTING_VERBS})\b")
#: "He also stressed …", "She said …": a sentence opened by a pronoun and its verb.
PRONOUN_OPENING_RE = re.compile(
    rf"(?:He|She)\s+(?:[a-z]+\s+){{0,3}}?(?:{REPORTING_VERBS})\b")
# "In Ueda’s view, …" (any sentence), "To Tanabe, the port “is …”" (a quotation): the
# sentence is framed as the named person's.
_FRAME_RE = re.compile(r"(?:(?P<view>In|By)|For|To)\s+")
_VIEW_RE = re.compile(r"[’']s?\s+(?:own\s+)?(?:view|views|words|opinion|account|telling|"
                      r"assessment|judgment|judgement|estimate|estimation|reading|mind)\b"
                      r"[^,;:“”‘\"]{0,30},")
_OF_FRAME_RE = re.compile(r"In\s+the\s+(?:words|view|eyes|opinion|judgment|judgement|"
                          r"estimation|assessment)\s+of\s+(?:the\s+)?")
# Words between a colon and the quotation it introduces: "… differently: it “is …”".
_COLON_GAP_WORDS = 8
# "She put it bluntly: “…”", "His answer: “…”": a pronoun's clause introducing a quotation
# with a colon.
_PRONOUN_COLON_RE = re.compile(r"(?:He|She|His|Her)\s[^:;“”‘\"]{0,100}:\s*$")


# Any word that says someone speaks, outside quotations: for :func:`someone_speaks`.
SPEECH_WORD_RE = re.compile(
    rf"\b(?:{REPORTING_VERBS}|{SPEECH_PARTICIPLES}|{PLURAL_VERBS}|according\s+to)\b")


@dataclass(frozen=True)
class Named:
    """A person, organisation or place named at ``text[start:end]``, by canonical name."""

    who: str
    kind: str  # "person", "organisation" or "place"
    start: int
    end: int


def inside(quotes: Sequence[Quotation], start: int) -> bool:
    """Whether ``start`` falls inside one of ``quotes``."""
    return any(q.start < start < q.end for q in quotes)


def someone_speaks(text: str, sentence: Sentence, quotes: Sequence[Quotation]) -> bool:
    """Whether someone the quotation rules cannot name speaks ``sentence``: a speech word
    outside its quotations and no "He said …" opening it. The people cards' scan, which
    names speakers by those rules alone, leaves a pronoun after such a sentence unresolved
    ("A senior official said …. He added …" is not the person named before), as the
    attribution engine does when it finds the speaker unnamed."""
    if PRONOUN_OPENING_RE.match(text, sentence.start, sentence.end):
        return False
    return bool(SPEECH_WORD_RE.search(masked(sentence, quotes)))


def masked(sentence: Sentence, quotes: Sequence[Quotation]) -> str:
    """The sentence with its quotations blanked out (same length)."""
    chars = list(sentence.text)
    for q in quotes:
        for i in range(max(q.start, sentence.start), min(q.end, sentence.end)):
            chars[i - sentence.start] = " "
    return "".join(chars)


def antecedent(context: Context) -> str | None:
    """Whom "he" or "she" means after ``context``, or ``None`` when the text leaves it open.

    The one person the previous sentence names; else the person it quoted; else, when it
    names and quotes nobody, the one person the paragraph named or quoted last ("Mori
    visited the port. The cranes rust. She said …" is Mori). An organisation speaking in
    between leaves it open: "he" is never the ministry, and may be one of its people.
    """
    if len(context.people) == 1:
        return next(iter(context.people))
    if context.people:
        return None
    if context.speaker is not None:
        return context.speaker if context.speaker == context.recent else None
    return context.recent


def quote_speaker(text: str, sentence: Sentence, quotes: Sequence[Quotation],
                  named: Sequence[Named], context: Context) -> tuple[str, str] | None:
    """Who the quotations of ``sentence`` belong to, and by which rule; ``None`` if unsure.

    ``quotes`` are the sentence's quotations (titles excluded), ``named`` its mentions and
    ``context`` what the sentences before it leave (:mod:`bot.people.discourse`).
    """
    if not quotes:
        return None
    outside = [n for n in named if not inside(quotes, n.start)]
    for n in outside:
        # The first of several speakers named ("…,” X and Y said") is credited.
        verb = speech_verb(text, n.start, n.end, sentence.end)
        if verb and any(q.start >= verb.end() for q in quotes):
            return n.who, "name-verb"
        for q in quotes:
            if q.end <= n.start:
                gap = text[q.end:n.start]
                if verb and _TITLE_GAP_RE.match(gap):
                    return n.who, "name-verb"
                if _VERB_GAP_RE.match(gap):
                    return n.who, "verb-name"
    introduced = _colon_speaker(text, sentence, quotes, outside)
    if introduced:
        return introduced, "colon"
    frame = framed(text, sentence, outside, quoted=True)
    if frame:
        return frame, "frame"
    if any(n.kind == "person" for n in outside):
        return None  # someone else is named: a pronoun could mean them
    person = antecedent(context)
    if person is not None:
        opening = PRONOUN_OPENING_RE.match(text, sentence.start, sentence.end)
        if (opening and any(q.start >= opening.end() for q in quotes)) or any(
                PRONOUN_AFTER_RE.match(text, q.end, sentence.end)
                or _PRONOUN_COLON_RE.match(text[sentence.start:q.start]) for q in quotes):
            return person, "pronoun"
    only = quotes[0]
    before = context.speaker or person  # "Ueda was blunt. “They have the ideas.”"
    if (before is not None and len(quotes) == 1 and only.start == sentence.start
            and only.end >= sentence.end - 1):
        return before, "continuation"
    return None


def _colon_speaker(text: str, sentence: Sentence, quotes: Sequence[Quotation],
                   outside: Sequence[Named]) -> str | None:
    """The one person of a clause that introduces a quotation with a colon: "Former envoy
    Mari Ueda was blunter: “…”" is hers, whatever the verb; so is "Tanabe sees the port
    differently: it “is …”" (a few words between the colon and the quotation)."""
    for q in quotes:
        colon = text.rfind(":", sentence.start, q.start)
        if colon < 0 or len(text[colon + 1:q.start].split()) > _COLON_GAP_WORDS or any(
                colon < n.start < q.start for n in outside if n.kind == "person"):
            continue
        clause = max(text.rfind(";", sentence.start, colon) + 1, sentence.start)
        people = {n.who for n in outside if n.kind == "person" and clause <= n.start < colon}
        if len(people) == 1:
            return next(iter(people))
    return None


def framed(text: str, sentence: Sentence, named: Sequence[Named], quoted: bool) -> str | None:
    """The person or organisation a sentence is framed as the view of: "In Ueda’s view, …",
    "In the words of Ueda, …", or, before a quotation (``quoted``), "To Tanabe, …" / "For
    Tanabe, …"."""
    of = _OF_FRAME_RE.match(text, sentence.start, sentence.end)
    if of:  # "In the words of Kato, …", "In the view of the ministry, …"
        who = next((n for n in named if n.start == of.end() and n.kind != "place"), None)
        return who.who if who and text.startswith(",", who.end) else None
    frame = _FRAME_RE.match(text, sentence.start, sentence.end)
    if not frame:
        return None
    who = next((n for n in named if n.start == frame.end() and n.kind != "place"), None)
    if who is None:
        return None
    if frame["view"]:
        return who.who if _VIEW_RE.match(text, who.end, sentence.end) else None
    return who.who if quoted and text.startswith(",", who.end) else None
