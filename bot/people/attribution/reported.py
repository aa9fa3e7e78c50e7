"""Who speaks a sentence that reports speech, quoted or not: the briefings' rules.

``reported``, ``led-by``, ``subject``, ``back-reference``, ``pronoun`` and ``unnamed`` (see
:mod:`bot.people.attribution`), after the quotation rules of
:mod:`bot.people.attribution.quoted`. Every pattern is a plain regex over one sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.people.attribution.quoted import (
    PRONOUN_AFTER_RE,
    PRONOUN_OPENING_RE,
    Named,
    antecedent,
    framed,
    inside,
    quote_speaker,
)
from bot.people.discourse import Context
from bot.people.speech import (
    REPORTING_VERBS,
    SPEECH_AFTER_RE,
    SPEECH_BEFORE_RE,
    SPEECH_PARTICIPLES,
    quotations,
)
from bot.text import Sentence

if TYPE_CHECKING:
    from bot.people.speech import Quotation

__all__ = ["group_mentions", "sentence_speaker"]

_THEY_OPENING_RE = re.compile(
    rf"(?:They|It|This person|That person)\s+(?:[a-z]+\s+){{0,3}}?(?:{REPORTING_VERBS})\b")
_VERB_RE = re.compile(rf"\b(?:{REPORTING_VERBS})\b")
# The verb of a named subject's clause: a reporting verb or a speech act ("… calling for …").
_SUBJECT_VERB_RE = re.compile(rf"\b(?:{REPORTING_VERBS}|{SPEECH_PARTICIPLES})\b")
# "The Harbour Association, which represents four villages, said": a clause inside the subject.
_EMBEDDED_RE = re.compile(r",\s+(?:which|who)\b[^,;:“”‘\"]{1,150},")
# "More concretely, ", "In February 2019, ", "On Dec. 23 last year, ": an opening phrase.
_INTRO_RE = re.compile(r"(?:[A-Z][^,;:“”‘’\"]{0,50}?,\s+)")
# "the alliance calls for", "The newspaper article said": a speaker named before.
_DEFINITE_RE = re.compile(
    rf"\b[Tt]he\s+(?P<noun>[a-z]+)(?:\s+(?P<noun2>[a-z]+))?\s+(?:{REPORTING_VERBS})\b")
# "… reported that Taiwanese officials had contacted … to propose …": the proposer is inside.
_GROUP = (r"(?:[A-Z][\w’'-]*\s+)+(?:officials|leaders|lawmakers|legislators|diplomats|"
          r"politicians|government|authorities)")
_REPORTED_PROPOSER_RE = re.compile(
    rf"\b(?:reported|said|says|wrote)\s+that\s+(?P<who>{_GROUP})\b.{{0,120}}?\b(?:to\s+)?"
    r"(?:propose|proposed|urge|urged|ask|asked|call\s+for|called\s+for)\b")
_GROUP_RE = re.compile(_GROUP)
# "The group, led by lawmaker Ken Tanabe, said …", "A panel chaired by Mayor Rina Kato urged
# …": an unnamed body speaks through the person who leads it.
_LED_BY_RE = re.compile(r"(?:(?:The|A|An)\s+)?[^,;:“”‘\"]{1,80}?,?\s+"
                        r"(?:led|headed|chaired|convened)\s+by\s+")
# Words between "led by" and the leader's name: a title ("ruling party lawmaker").
_LEADER_GAP_RE = re.compile(r"^(?:[\w’'.-]+\s+){0,8}$")
# "Ken Ito, the harbour master, who said …": a relative clause that reports the person.
_WHO_SAID_RE = re.compile(
    rf"(?:,\s*[^,;“”‘\"]{{1,100}}?)?,\s+who\s+(?:[a-z]+\s+){{0,2}}?(?:{REPORTING_VERBS})\b")
#: Words of a subject clause after which the verb belongs to someone else.
_CLAUSE_BREAK_RE = re.compile(r";|,\s+(?:who|which|whom|while|whereas)\b|\b(?:that|because)\s+"
                              r"[A-Z]")
_SUBJECT_WORDS = 30


def sentence_speaker(text: str, sentence: Sentence, named: Sequence[Named],
                     earlier: Sequence[Named], context: Context) -> tuple[str, str] | None:
    """Who speaks ``sentence`` of ``text``: ``(canonical name, rule)``, ``("", rule)`` when
    someone unnamed or unresolved does, ``None`` when the text names no speaker.

    ``named`` are the sentence's mentions, ``earlier`` those of the paragraph's earlier
    sentences (for "the alliance calls for") and ``context`` what the sentences before leave.
    """
    quotes = [q for q in quotations(text, sentence.start, sentence.end) if not q.title]
    decided = quote_speaker(text, sentence, quotes, [n for n in named if n.kind == "person"],
                            context)
    if decided:
        return decided
    outside = [n for n in named if not inside(quotes, n.start)]
    frame = framed(text, sentence, outside, quoted=bool(quotes))
    if frame:
        return frame, "frame"
    match = _REPORTED_PROPOSER_RE.search(text, sentence.start, sentence.end)
    if match:
        inner = [n for n in outside if match.start("who") <= n.start < match.end("who")]
        return (inner[0].who if inner else match["who"].strip()), "reported"
    for n in outside:
        if n.kind != "place" and (SPEECH_AFTER_RE.match(text, n.end, sentence.end)
                                  or SPEECH_BEFORE_RE.search(text, sentence.start, n.start)
                                  or (n.kind == "person"
                                      and _WHO_SAID_RE.match(text, n.end, sentence.end))):
            return n.who, "reported"
    subject = _subject(text, sentence, outside, quotes)
    if subject:
        return subject.who, "subject"
    leader = _leader(text, sentence, outside, quotes)
    if leader:
        return leader.who, "led-by"
    masked = _masked(text, sentence, quotes)
    definite = _DEFINITE_RE.search(masked)
    if definite and definite.start() < len(masked) // 2:
        nouns = {definite["noun"], definite["noun2"] or ""}
        for n in reversed([*earlier, *named]):
            if n.kind != "person" and n.who.split()[-1].lower() in nouns:
                return n.who, "back-reference"
        return "", "back-reference"
    opening = _opening(text, sentence)
    if PRONOUN_OPENING_RE.match(text, opening, sentence.end):
        return (antecedent(context) or ""), "pronoun"
    if quotes and any(PRONOUN_AFTER_RE.match(text, q.end, sentence.end) for q in quotes):
        return "", "pronoun"
    if _THEY_OPENING_RE.match(text, opening, sentence.end):
        return "", "pronoun"
    if quotes and _VERB_RE.search(masked):  # "‘…,’ a Taiwanese security insider says."
        return "", "unnamed"
    return None


def _masked(text: str, sentence: Sentence, quotes: Sequence[Quotation]) -> str:
    """The sentence with its quotations blanked out (same length)."""
    chars = list(sentence.text)
    for q in quotes:
        for i in range(max(q.start, sentence.start), min(q.end, sentence.end)):
            chars[i - sentence.start] = " "
    return "".join(chars)


def _opening(text: str, sentence: Sentence) -> int:
    """Where the main clause starts: after an opening phrase ("More concretely, ")."""
    match = _INTRO_RE.match(text, sentence.start, sentence.end)
    return match.end() if match else sentence.start


def _clause_verb(text: str, sentence: Sentence, at: int, named: Sequence[Named],
                 quotes: Sequence[Quotation]) -> bool:
    """Whether the clause going on from ``at`` reaches its reporting verb: within a few dozen
    words, with no other person named and no relative clause in between (a clause inside
    the subject, ", which represents four villages,", is passed over)."""
    rest = _masked(text, Sentence(at, sentence.end, text[at:sentence.end]), quotes)
    embedded = _EMBEDDED_RE.match(rest)
    if embedded:  # "X, which represents four villages, said": the verb is X's
        rest = " " * embedded.end() + rest[embedded.end():]
    verb = _SUBJECT_VERB_RE.search(rest)
    if not verb or len(rest[:verb.start()].split()) > _SUBJECT_WORDS:
        return False
    if _CLAUSE_BREAK_RE.search(rest[:verb.start()]):
        return False
    return not any(n.kind == "person" and at <= n.start < at + verb.start() for n in named)


def _subject(text: str, sentence: Sentence, named: Sequence[Named],
             quotes: Sequence[Quotation]) -> Named | None:
    """The named subject of the sentence's main clause, if its clause reaches a reporting verb.

    The subject opens the clause (after an opening phrase, "the" allowed).
    """
    for start in (sentence.start, _opening(text, sentence)):
        lead = re.match(r"(?:[Tt]he\s+)?", text[start:sentence.end])
        at = start + (lead.end() if lead else 0)
        subject = next((n for n in named if n.start == at and n.kind != "place"), None)
        if subject is not None and _clause_verb(text, sentence, subject.end, named, quotes):
            return subject
    return None


def _leader(text: str, sentence: Sentence, named: Sequence[Named],
            quotes: Sequence[Quotation]) -> Named | None:
    """The person an unnamed subject is led by, when the subject's clause reaches a reporting
    verb: "The group, led by ruling party lawmaker Ken Tanabe, said …" is Tanabe's."""
    # From the sentence's start first: an opening phrase may be "The group, " itself.
    led = _LED_BY_RE.match(text, sentence.start, sentence.end) or _LED_BY_RE.match(
        text, _opening(text, sentence), sentence.end)
    if not led:
        return None
    leader = next((n for n in named if n.start >= led.end() and n.kind == "person"), None)
    if leader is None or not _LEADER_GAP_RE.match(text[led.end():leader.start]):
        return None
    after = leader.end + 1 if text.startswith(",", leader.end) else leader.end
    return leader if _clause_verb(text, sentence, after, named, quotes) else None


def group_mentions(text: str, lo: int, hi: int) -> list[Named]:
    """Unnamed groups a sentence names as such: "Taiwanese officials", "Japanese lawmakers"."""
    return [Named(m.group().strip(), "organisation", m.start(), m.end())
            for m in _GROUP_RE.finditer(text, lo, hi)]
