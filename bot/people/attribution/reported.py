"""Who speaks a sentence that reports speech, quoted or not: the briefings' rules.

``reported``, ``led-by``, ``subject``, ``back-reference``, ``pronoun`` and ``unnamed`` (see
:mod:`bot.people.attribution`), after the quotation rules of
:mod:`bot.people.attribution.quoted`. Every pattern is a plain regex over one sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bot.people.attribution.quoted import (
    PRONOUN_AFTER_RE,
    PRONOUN_OPENING_RE,
    Named,
    antecedent,
    framed,
    inside,
    masked,
    quote_speaker,
)
from bot.people.discourse import Context
from bot.people.roles import title_before
from bot.people.speech import (
    AFFILIATION,
    PLURAL_VERBS,
    REPORTING_VERBS,
    SPEECH_AFTER_RE,
    SPEECH_BEFORE_RE,
    SPEECH_PARTICIPLES,
    quotations,
    speech_verb,
)
from bot.text import Sentence

if TYPE_CHECKING:
    from bot.people.speech import Quotation

__all__ = ["officials_mentions", "sentence_speaker"]

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
#: "Taiwanese officials", "Japanese government officials": a place's unnamed officials speak
#: for its government (other groups, "Japanese lawmakers", stay unnamed speakers).
_OFFICIALS_RE = re.compile(r"(?<![\w’'-])(?P<place>[A-Z][\w’'-]*)\s+(?:government\s+)?"
                           r"(?:officials|government|authorities|diplomats)\b")
# "The group, led by lawmaker Ken Tanabe, said …", "A panel chaired by Mayor Rina Kato urged
# …": an unnamed body speaks through the person who leads it.
_LED_BY_RE = re.compile(r"(?:(?:The|A|An)\s+)?[^,;:“”‘\"]{1,80}?,?\s+"
                        r"(?:led|headed|chaired|convened)\s+by\s+")
# Words between "led by" and the leader's name: a title ("ruling party lawmaker").
_LEADER_GAP_RE = re.compile(r"^(?:[\w’'.-]+\s+){0,8}$")
# "Ken Ito, the harbour master, who said …": a relative clause that reports the person.
_WHO_SAID_RE = re.compile(
    rf"(?:,\s*[^,;“”‘\"]{{1,100}}?)?,\s+who\s+(?:[a-z]+\s+){{0,2}}?(?:{REPORTING_VERBS})\b")
# "analysts say", "A senior official said", "according to officials": people the text does
# not name speak, so the sentence is nobody's we can name (and not the author's).
_UNNAMED_WORDS = ("official", "leader", "lawmaker", "legislator", "diplomat", "politician",
                  "analyst", "expert", "critic", "observer", "scholar", "source", "resident",
                  "officer", "insider", "aide", "spokesman", "spokeswoman", "spokesperson",
                  "person", "people", "authorities")
_UNNAMED = f"(?:{'|'.join(_UNNAMED_WORDS)})"
_UNNAMED_RE = re.compile(rf"\b{_UNNAMED}s?\b", re.IGNORECASE)
# "the two governments' advisers said", "Researchers warn": a group named by a plural common
# noun right before a reporting verb is unnamed too, whatever the noun (the list above holds
# the singulars and the words that also speak after "according to"). A capital is a name's
# but at the sentence's start.
_GROUP_SPEAKS_RE = re.compile(
    rf"(?P<noun>(?:^[A-Z]|(?<![\w’'-])[a-z])[a-z]{{2,}}[a-rt-z]s)\s+"
    rf"(?:(?:also|often|still|have|had)\s+)?(?:{REPORTING_VERBS}|{PLURAL_VERBS})\b")
# Words in -s before a verb that are no plural noun ("He has always said", "this says").
_NOT_PLURAL = frozenset({"always", "perhaps", "sometimes", "nevertheless", "afterwards",
                         "besides", "whereas", "towards", "unless", "does", "this", "thus"})
# Those who speak for the body they are "of" or "at": "officials at the ministry".
_OFFICIAL_RE = re.compile(r"(?:official|officer|diplomat|aide|spokes(?:man|woman|person))s?"
                          r"|authorities", re.IGNORECASE)
# "Officials at the ministry argue": the plural's verb, which the reporting verbs leave out.
_PLURAL_VERB_RE = re.compile(
    rf"(?:{AFFILIATION})?\s+(?:(?:also|still|often|privately|publicly)\s+)?(?:{PLURAL_VERBS})\b")
_ACCORDING_UNNAMED_RE = re.compile(rf"\baccording\s+to\s+(?:[\w’'-]+\s+){{0,3}}?{_UNNAMED}s?\b")
# "Shinzo Abe’s administration …, saying …": a person's own office speaks for them.
_OWN_BODY_RE = re.compile(r"[’']s\s+(?:administration|government|cabinet|office|aides?|"
                          r"spokesperson|spokesman|spokeswoman|campaign)\b")
#: Words of a subject clause after which the verb belongs to someone else.
_CLAUSE_BREAK_RE = re.compile(r";|,\s+(?:who|which|whom|while|whereas)\b|\b(?:that|because)\s+"
                              r"[A-Z]")
_SUBJECT_WORDS = 30
_PASSIVE_RE = re.compile(r"\b(?:was|were|is|are|be|been|being)\s+(?:[a-z]+ly\s+)?$")
_THE_RE = re.compile(r"(?:[Tt]he\s+)?")


#: Whom "the council" at a position means in the paragraphs before: a canonical name or None.
Resolver = Callable[[str, int], "str | None"]


def sentence_speaker(text: str, sentence: Sentence, named: Sequence[Named],
                     earlier: Sequence[Named], context: Context,
                     resolve: Resolver | None = None) -> tuple[str, str] | None:
    """Who speaks ``sentence`` of ``text``: ``(canonical name, rule)``, ``("", rule)`` when
    someone unnamed or unresolved does, ``None`` when the text names no speaker.

    ``named`` are the sentence's mentions, ``earlier`` those of the paragraph's earlier
    sentences (for "the alliance calls for"), ``context`` what the sentences before leave and
    ``resolve`` finds "the council" the paragraph does not name in the article around it.
    """
    marks = quotations(text, sentence.start, sentence.end)
    quotes = [q for q in marks if not q.title]
    decided = quote_speaker(text, sentence, quotes, [n for n in named if n.kind == "person"],
                            context)
    if decided:
        return decided
    outside = [n for n in named if not inside(marks, n.start)]  # a title speaks for no one
    openings = {_after_the(text, start, sentence.end)
                for start in (sentence.start, _opening(text, sentence))}
    frame = framed(text, sentence, outside, quoted=bool(quotes))
    if frame:
        return frame, "frame"
    match = _REPORTED_PROPOSER_RE.search(text, sentence.start, sentence.end)
    if match:
        inner = [n for n in outside if match.start("who") <= n.start < match.end("who")]
        return (inner[0].who if inner else ""), "reported"
    for n in outside:
        if n.kind == "place":
            # "China has repeatedly warned that …": a place that speaks, as the subject, is
            # its government
            if n.start in openings and SPEECH_AFTER_RE.match(text, n.end, sentence.end):
                return n.who, "reported"
            continue
        if n.kind != "person" and _apposed_person(text, n.end, outside):
            continue  # "A spokeswoman for the Coast Guard, Emi Oshiro, told …": hers
        # The first of several speakers named ("Kenji Mori and Aiko Tanaka said") is credited.
        if (speech_verb(text, n.start, n.end, sentence.end)
                or SPEECH_BEFORE_RE.search(text, sentence.start, n.start)
                or (n.kind == "person" and _WHO_SAID_RE.match(text, n.end, sentence.end))):
            return n.who, "reported"
    subject = _subject(text, sentence, outside, quotes)
    if subject:
        return subject.who, "subject"
    leader = _leader(text, sentence, outside, quotes)
    if leader:
        return leader.who, "led-by"
    office = _office_of(text, sentence, outside, quotes)
    if office:
        return office.who, "subject"
    blank = masked(sentence, quotes)
    unnamed = _unnamed(text, sentence, blank, outside)
    if unnamed is not None:
        return unnamed
    definite = _DEFINITE_RE.search(blank)
    if definite and definite.start() < len(blank) // 2:
        nouns = {definite["noun"], definite["noun2"] or ""}
        for n in reversed([*earlier, *named]):
            if n.kind != "person" and n.who.split()[-1].lower() in nouns:
                return n.who, "back-reference"
        at = sentence.start + definite.start()
        meant = next((m for m in (resolve(noun, at) for noun in (definite["noun2"],
                                                                  definite["noun"]) if noun)
                      if m), None) if resolve else None
        return (meant or ""), "back-reference"
    if _group_speaks(text, sentence, blank, named):
        return "", "unnamed"
    opening = _opening(text, sentence)
    if PRONOUN_OPENING_RE.match(text, opening, sentence.end):
        return (antecedent(context) or ""), "pronoun"
    if quotes and any(PRONOUN_AFTER_RE.match(text, q.end, sentence.end) for q in quotes):
        return "", "pronoun"
    if _THEY_OPENING_RE.match(text, opening, sentence.end):
        return "", "pronoun"
    if quotes and _VERB_RE.search(blank):  # "‘…,’ a Taiwanese security insider says."
        return "", "unnamed"
    return None


def _apposed_person(text: str, end: int, named: Sequence[Named]) -> bool:
    """Whether a person is named in apposition right after ``end`` (", Emi Oshiro,")."""
    return any(n.kind == "person" and n.start > end and not text[end:n.start].strip(", ")
               for n in named)


def _unnamed(text: str, sentence: Sentence, masked: str, named: Sequence[Named]
             ) -> tuple[str, str] | None:
    """People the text does not name speak ("analysts say", "according to officials"):
    ``("", "unnamed")``; officials of a named organisation speak for it ("Officials at the
    Ministry of Foreign Affairs argue …" is the ministry's). ``None`` if no such speaker."""
    folded = masked.lower()
    if not any(word in folded for word in _UNNAMED_WORDS):
        return None  # a substring test spares the regexes almost every sentence
    if _ACCORDING_UNNAMED_RE.search(masked):
        return "", "unnamed"
    for m in _UNNAMED_RE.finditer(masked):
        at = sentence.start + m.end()
        if _apposed_person(text, at, named):
            continue  # "The ministry’s spokesman, Ken Ito, said": a named person speaks
        verb = SPEECH_AFTER_RE.match(text, at, sentence.end) or _PLURAL_VERB_RE.match(
            text, at, sentence.end)
        if verb is None:
            continue
        if verb["affiliation"] and _OFFICIAL_RE.fullmatch(m.group()):
            lo, hi = verb.span("affiliation")
            body = next((n for n in named if n.kind == "organisation" and lo <= n.start < hi),
                        None)
            if body is not None:
                return body.who, "reported"
        return "", "unnamed"
    return None


def _group_speaks(text: str, sentence: Sentence, masked: str, named: Sequence[Named]) -> bool:
    """Whether a group named by a plural common noun speaks ("the advisers said"), no named
    person in apposition to it."""
    return any(group["noun"].lower() not in _NOT_PLURAL
               and not _apposed_person(text, sentence.start + group.end("noun"), named)
               for group in _GROUP_SPEAKS_RE.finditer(masked))


def _after_the(text: str, start: int, end: int) -> int:
    """``start``, past a "the " there."""
    lead = _THE_RE.match(text, start, end)
    return lead.end() if lead else start


def _opening(text: str, sentence: Sentence) -> int:
    """Where the main clause starts: after an opening phrase ("More concretely, ")."""
    match = _INTRO_RE.match(text, sentence.start, sentence.end)
    return match.end() if match else sentence.start


def _clause_verb(text: str, sentence: Sentence, at: int, named: Sequence[Named],
                 quotes: Sequence[Quotation]) -> bool:
    """Whether the clause going on from ``at`` reaches its reporting verb: within a few dozen
    words, with no other person named and no relative clause in between (a clause inside
    the subject, ", which represents four villages,", is passed over)."""
    rest = masked(Sentence(at, sentence.end, text[at:sentence.end]), quotes)
    embedded = _EMBEDDED_RE.match(rest)
    if embedded:  # "X, which represents four villages, said": the verb is X's
        rest = " " * embedded.end() + rest[embedded.end():]
    verb = _SUBJECT_VERB_RE.search(rest)
    if not verb or len(rest[:verb.start()].split()) > _SUBJECT_WORDS:
        return False
    if _PASSIVE_RE.search(rest, 0, verb.start()):
        return False  # "Tanabe was asked about …": not the subject's words
    if _CLAUSE_BREAK_RE.search(rest[:verb.start()]):
        return False
    return not any(n.kind == "person" and at <= n.start < at + verb.start() for n in named)


def _subject(text: str, sentence: Sentence, named: Sequence[Named],
             quotes: Sequence[Quotation]) -> Named | None:
    """The named subject of the sentence's main clause, if its clause reaches a reporting verb.

    The subject opens the clause (after an opening phrase, "the" allowed).
    """
    for start in (sentence.start, _opening(text, sentence)):
        at = _after_the(text, start, sentence.end)
        subject = next((n for n in named if n.start == at and n.kind != "place"), None)
        if subject is not None and _clause_verb(text, sentence, subject.end, named, quotes):
            return subject
    return None


def _leader(text: str, sentence: Sentence, named: Sequence[Named],
            quotes: Sequence[Quotation]) -> Named | None:
    """The person an unnamed subject is led by, when the subject's clause reaches a reporting
    verb: "The group, led by ruling party lawmaker Ken Tanabe, said …" is Tanabe's."""
    if " by " not in sentence.text:
        return None  # spares the regex almost every sentence
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


def _office_of(text: str, sentence: Sentence, named: Sequence[Named],
               quotes: Sequence[Quotation]) -> Named | None:
    """The person whose own office is the subject and speaks: "However, then-prime minister
    Shinzo Abe’s administration … declined to respond, saying …" is Abe's (a title may
    stand before the name; the Abe faction or party is no office of his)."""
    if "’s " not in sentence.text and "'s " not in sentence.text:
        return None  # no possessive: spares the rest almost every sentence
    opening = _opening(text, sentence)
    at = _after_the(text, opening, sentence.end)
    person = next((n for n in named if n.start >= at), None)
    if person is None or person.kind != "person":
        return None
    title = title_before(text, person.start, at)
    if person.start != at and (title is None or title[0] != at):
        return None
    office = _OWN_BODY_RE.match(text, person.end, sentence.end)
    if office and _clause_verb(text, sentence, office.end(), named, quotes):
        return person
    return None


def officials_mentions(text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """``(start, end, place word)`` of each "Taiwanese officials" of ``text[lo:hi]``: whose
    government speaks there ("Taiwanese", "Taiwan")."""
    return [(m.start(), m.end(), m["place"]) for m in _OFFICIALS_RE.finditer(text, lo, hi)]
