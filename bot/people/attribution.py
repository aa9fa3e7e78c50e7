"""The one attribution engine: who says a sentence, as a canonical person or organisation.

People cards (quotes), briefings (who makes a point) and discovery all decide "who speaks"
here, with the reporting verbs of :mod:`bot.people.speech`. Only what the text states is used:

* ``name-verb`` / ``verb-name``: a quotation attributed to a name ("Kishi said that “…”",
  "‘…,’ said Lii Wen", "‘…,’ Lii Wen, now …, said");
* ``colon``: the one person of the clause before a colon that introduces a quotation
  ("Former envoy Mari Ueda was blunter: “…”");
* ``frame``: "In Ueda’s view, …", "According to …", or before a quotation "To Tanabe, …";
* ``pronoun``: "‘…,’ he said" or "He pointed out that …" when the previous sentence names
  exactly one person, or quoted them; at a paragraph's start, the one person the paragraph
  before named or quoted last;
* ``continuation``: a sentence that is nothing but a quotation, right after one of theirs or
  after a sentence naming only them ("Ueda was blunt. “They have the ideas.”");

A quotation the sentence splitter cut in two ("‘… . …,’ Kato said", "“…?” Kato asked.") is
attributed as one unit.
* ``reported``: a named person or organisation right before a reporting verb ("Kishi also
  said that …", "Japan’s Sankei Shimbun in February 2019 reported …"), or after one
  ("according to …"); a report of a proposal names the proposer ("… reported that Taiwanese
  officials had contacted … to propose …" is the officials');
* ``subject``: a named subject of the sentence whose clause goes on to a reporting verb
  ("the Japanese Ministry of Defense clearly demonstrated … and expressed the need …");
* ``back-reference``: "the alliance calls for …" with the alliance named earlier in the
  paragraph;
* ``author``: a sentence nobody else is said to speak is in the article's own voice.

``by`` is always a canonical name: a people-directory entry (so "Kishi" and "Japanese Minister
of Defense Nobuo Kishi" are both "Nobuo Kishi") or a named organisation ("the LDP" is
"Liberal Democratic Party"). An anonymous speaker ("a Taiwanese security insider says") or an
unresolved pronoun gives no attribution at all, never the author.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.people.discourse import Context
from bot.people.speech import (
    REPORTING_VERBS,
    SPEECH_AFTER_RE,
    SPEECH_BEFORE_RE,
    SPEECH_PARTICIPLES,
    quotations,
    quoted_units,
)
from bot.text import Sentence

if TYPE_CHECKING:
    from bot.corpus import Document, Passage
    from bot.people.directory import PeopleDirectory
    from bot.people.speech import Quotation

__all__ = ["Attribution", "Named", "attribute", "quote_speaker", "sentence_speaker"]

# Between a quotation and the name: nothing but a comma and title words.
_TITLE_GAP_RE = re.compile(r"^[\s,]*(?:(?:[A-Z][\w’'-]*|of|for)\s+){0,6}$")
_VERB_GAP_RE = re.compile(
    rf"^[\s,]*(?:{REPORTING_VERBS})\s+(?:(?:[A-Z][\w’'-]*|of|for)\s+){{0,6}}$")
_PRONOUN_AFTER_RE = re.compile(
    rf"[\s,]*(?:he|she)\s+(?:[a-z]+\s+){{0,2}}?(?:{REPORTING_VERBS})\b")
_PRONOUN_OPENING_RE = re.compile(
    rf"(?:He|She)\s+(?:[a-z]+\s+){{0,3}}?(?:{REPORTING_VERBS})\b")
_THEY_OPENING_RE = re.compile(
    rf"(?:They|It|This person|That person)\s+(?:[a-z]+\s+){{0,3}}?(?:{REPORTING_VERBS})\b")
_VERB_RE = re.compile(rf"\b(?:{REPORTING_VERBS})\b")
# The verb of a named subject's clause: a reporting verb or a speech act ("… calling for …").
_SUBJECT_VERB_RE = re.compile(rf"\b(?:{REPORTING_VERBS}|{SPEECH_PARTICIPLES})\b")
# "The Harbour Association, which represents four villages, said": a clause inside the subject.
_EMBEDDED_RE = re.compile(r",\s+(?:which|who)\b[^,;:“”‘\"]{1,150},")
# "In Ueda’s view, …" (any sentence), "To Tanabe, the port “is …”" (a quotation): the
# sentence is framed as the named person's.
_FRAME_RE = re.compile(r"(?:(?P<view>In|By)|For|To)\s+")
_VIEW_RE = re.compile(r"[’']s?\s+(?:own\s+)?(?:view|views|words|opinion|account|telling|"
                      r"assessment|judgment|judgement|estimate|estimation|reading|mind)\b"
                      r"[^,;:“”‘\"]{0,30},")
# Words between a colon and the quotation it introduces: "… differently: it “is …”".
_COLON_GAP_WORDS = 8
# "She put it bluntly: “…”": a pronoun's clause introducing a quotation with a colon.
_PRONOUN_COLON_RE = re.compile(r"(?:He|She)\s[^:;“”‘\"]{0,100}:\s*$")
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
#: Words of a subject clause after which the verb belongs to someone else.
_CLAUSE_BREAK_RE = re.compile(r";|,\s+(?:who|which|whom|while|whereas)\b|\b(?:that|because)\s+"
                              r"[A-Z]")
_SUBJECT_WORDS = 30


@dataclass(frozen=True)
class Named:
    """A person, organisation or place named at ``text[start:end]``, by canonical name."""

    who: str
    kind: str  # "person", "organisation" or "place"
    start: int
    end: int


@dataclass(frozen=True)
class Attribution:
    """Who says a sentence.

    ``by`` is canonical: a people-directory name ("Nobuo Kishi") or an organisation's name
    ("Japanese Ministry of Defense"); ``kind`` is ``"person"`` or ``"organisation"`` (a place
    that speaks, "Tokyo said", speaks for its government and counts as an organisation).
    ``by_author`` marks the article's own voice credited to its author; ``rule`` names the
    rule that decided (see the module docstring).
    """

    by: str
    kind: str
    by_author: bool = False
    rule: str = ""


def _inside(quotes: Sequence[Quotation], start: int) -> bool:
    return any(q.start < start < q.end for q in quotes)


def quote_speaker(text: str, sentence: Sentence, quotes: Sequence[Quotation],
                  named: Sequence[Named], previous_people: Set[str],
                  previous_speaker: str | None) -> tuple[str, str] | None:
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
    framed = _framed(text, sentence, outside, quoted=True)
    if framed:
        return framed, "frame"
    if any(n.kind == "person" for n in outside):
        return None  # someone else is named: a pronoun could mean them
    antecedent = _antecedent(previous_people, previous_speaker)
    if antecedent is not None:
        opening = _PRONOUN_OPENING_RE.match(text, sentence.start, sentence.end)
        if (opening and any(q.start >= opening.end() for q in quotes)) or any(
                _PRONOUN_AFTER_RE.match(text, q.end, sentence.end)
                or _PRONOUN_COLON_RE.match(text[sentence.start:q.start]) for q in quotes):
            return antecedent, "pronoun"
    only = quotes[0]
    before = previous_speaker or antecedent  # "Ueda was blunt. “They have the ideas.”"
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


def _framed(text: str, sentence: Sentence, named: Sequence[Named], quoted: bool
            ) -> str | None:
    """The person or organisation a sentence is framed as the view of: "In Ueda’s view, …",
    or, before a quotation, "To Tanabe, …" / "For Tanabe, …"."""
    frame = _FRAME_RE.match(text, sentence.start, sentence.end)
    if not frame:
        return None
    who = next((n for n in named if n.start == frame.end() and n.kind != "place"), None)
    if who is None:
        return None
    if frame["view"]:
        return who.who if _VIEW_RE.match(text, who.end, sentence.end) else None
    return who.who if quoted and text.startswith(",", who.end) else None


def _antecedent(previous_people: Set[str], previous_speaker: str | None) -> str | None:
    if len(previous_people) == 1:
        return next(iter(previous_people))
    if not previous_people:
        return previous_speaker
    return None


def sentence_speaker(text: str, sentence: Sentence, named: Sequence[Named],
                     earlier: Sequence[Named], previous_people: Set[str],
                     previous_speaker: str | None) -> tuple[str, str] | None:
    """Who speaks ``sentence`` of ``text``: ``(canonical name, rule)``, ``("", rule)`` when
    someone unnamed or unresolved does, ``None`` when the text names no speaker.

    ``named`` are the sentence's mentions, ``earlier`` those of the paragraph's earlier
    sentences (for "the alliance calls for"), the rest as for :func:`quote_speaker`.
    """
    quotes = [q for q in quotations(text, sentence.start, sentence.end) if not q.title]
    decided = quote_speaker(text, sentence, quotes, [n for n in named if n.kind == "person"],
                            previous_people, previous_speaker)
    if decided:
        return decided
    outside = [n for n in named if not _inside(quotes, n.start)]
    framed = _framed(text, sentence, outside, quoted=bool(quotes))
    if framed:
        return framed, "frame"
    match = _REPORTED_PROPOSER_RE.search(text, sentence.start, sentence.end)
    if match:
        inner = [n for n in outside if match.start("who") <= n.start < match.end("who")]
        return (inner[0].who if inner else match["who"].strip()), "reported"
    for n in outside:
        if n.kind != "place" and (SPEECH_AFTER_RE.match(text, n.end, sentence.end)
                                  or SPEECH_BEFORE_RE.search(text, sentence.start, n.start)):
            return n.who, "reported"
    subject = _subject(text, sentence, outside, quotes)
    if subject:
        return subject.who, "subject"
    masked = _masked(text, sentence, quotes)
    definite = _DEFINITE_RE.search(masked)
    if definite and definite.start() < len(masked) // 2:
        nouns = {definite["noun"], definite["noun2"] or ""}
        for n in reversed([*earlier, *named]):
            if n.kind != "person" and n.who.split()[-1].lower() in nouns:
                return n.who, "back-reference"
        return "", "back-reference"
    opening = _opening(text, sentence)
    if _PRONOUN_OPENING_RE.match(text, opening, sentence.end):
        antecedent = _antecedent(previous_people, previous_speaker)
        return (antecedent or ""), "pronoun"
    if quotes and any(_PRONOUN_AFTER_RE.match(text, q.end, sentence.end) for q in quotes):
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


def _subject(text: str, sentence: Sentence, named: Sequence[Named],
             quotes: Sequence[Quotation]) -> Named | None:
    """The named subject of the sentence's main clause, if its clause reaches a reporting verb.

    The subject opens the clause (after an opening phrase, "the" allowed); the verb follows
    within a few dozen words, with no other person named and no relative clause in between.
    """
    opening = _opening(text, sentence)
    for start in (sentence.start, opening):
        lead = re.match(r"(?:[Tt]he\s+)?", text[start:sentence.end])
        at = start + (lead.end() if lead else 0)
        subject = next((n for n in named if n.start == at and n.kind != "place"), None)
        if subject is None:
            continue
        rest = _masked(text, Sentence(subject.end, sentence.end, text[subject.end:sentence.end]),
                       quotes)
        embedded = _EMBEDDED_RE.match(rest)
        if embedded:  # "X, which represents four villages, said": the verb is X's
            rest = " " * embedded.end() + rest[embedded.end():]
        verb = _SUBJECT_VERB_RE.search(rest)
        if not verb or len(rest[:verb.start()].split()) > _SUBJECT_WORDS:
            continue
        if _CLAUSE_BREAK_RE.search(rest[:verb.start()]):
            continue
        if any(n.kind == "person" and subject.end <= n.start < subject.end + verb.start()
               for n in named):
            continue
        return subject
    return None


def group_mentions(text: str, lo: int, hi: int) -> list[Named]:
    """Unnamed groups a sentence names as such: "Taiwanese officials", "Japanese lawmakers"."""
    return [Named(m.group().strip(), "organisation", m.start(), m.end())
            for m in _GROUP_RE.finditer(text, lo, hi)]


def _speakers(people: PeopleDirectory, passage: Passage, context: Context
              ) -> Iterator[tuple[Sentence, list[Named], tuple[str, str] | None, Context]]:
    """Each unit of ``passage`` (quoted sentences merged): its mentions, its speaker and the
    context it leaves the next."""
    text = passage.text
    earlier: list[Named] = []
    for unit in quoted_units(text):
        named = people.named(text, unit.start, unit.end, doc=passage.doc_id)
        decided = sentence_speaker(text, unit, named, earlier, context.people, context.speaker)
        quotes = quotations(text, unit.start, unit.end)
        speaker = decided[0] if decided else None
        context = context.after(
            (n.who for n in named if n.kind == "person" and not _inside(quotes, n.start)),
            speaker, bool(speaker) and people.kind_of(speaker or "") == "person")
        yield unit, named, decided, context
        earlier.extend(named)


def _context_before(people: PeopleDirectory, document: Document, passage: Passage) -> Context:
    """The context the paragraphs before ``passage`` leave its first sentence.

    Read from the article's start, each paragraph once per directory (memoised in
    ``people.contexts``), as the people cards' scan reads it.
    """
    number = max(passage.number, 1)
    start = number
    while start > 1 and (document.id, start) not in people.contexts:
        start -= 1
    context = people.contexts.get((document.id, start), Context())
    for before in document.passages[start - 1:number - 1]:
        read = list(_speakers(people, before, context))
        context = (read[-1][3] if read else context).next_paragraph()
        people.contexts[(document.id, before.number + 1)] = context
    return context


def attribute(people: PeopleDirectory, passage: Passage, sentences: Sequence[str],
              author: str | None = None, document: Document | None = None
              ) -> Attribution | None:
    """Who says the point made of ``sentences`` (consecutive sentences of ``passage``).

    The last sentence is the point; earlier ones (of the span and of the paragraph) only
    resolve its pronouns and back-references ("…Lii Wen said. ‘…,’ he said." is Lii Wen's);
    given the ``document``, its paragraphs before resolve a pronoun or a bare quotation
    that opens this one (see
    :mod:`bot.people.discourse`). A quotation spanning sentences is attributed as one.
    Returns the named speaker, else the article's ``author`` (canonical) for its own voice,
    else ``None`` (no author, or a speaker the text leaves unnamed).
    """
    if not sentences:
        return None
    text = passage.text
    last = sentences[-1]
    span_start = text.find(sentences[0])
    target = text.find(last, max(span_start, 0))
    context = _context_before(people, document, passage) if document else Context()
    for unit, named, decided, _after in _speakers(people, passage, context):
        if 0 <= target < unit.end or (target < 0 and last in unit.text):
            return _attribution(people, decided, named, author)
    return None


def _attribution(people: PeopleDirectory, decided: tuple[str, str] | None,
                 named: Sequence[Named], author: str | None) -> Attribution | None:
    if decided is None:
        if not author:
            return None
        return Attribution(people.canonical(author), "person", by_author=True, rule="author")
    who, rule = decided
    if not who:
        return None
    kind = next((n.kind for n in named if n.who == who), None) or people.kind_of(who)
    return Attribution(who, "person" if kind == "person" else "organisation", rule=rule)
