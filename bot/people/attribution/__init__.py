"""The one attribution engine: who says a sentence, as a canonical person or organisation.

People cards (quotes), briefings (who makes a point) and discovery all decide "who speaks"
here, with the reporting verbs of :mod:`bot.people.speech`. Only what the text states is used:

* ``name-verb`` / ``verb-name``: a quotation attributed to a name ("Kishi said that “…”",
  "‘…,’ said Lii Wen", "‘…,’ Lii Wen, now …, said");
* ``colon``: the one person of the clause before a colon that introduces a quotation
  ("Former envoy Mari Ueda was blunter: “…”");
* ``frame``: "In Ueda’s view, …", "In the words of Ueda, …", "According to …", or before a
  quotation "To Tanabe, …";
* ``pronoun``: "‘…,’ he said" or "He pointed out that …" when the previous sentence names
  exactly one person, or quoted them, or named no one after the paragraph last named one
  ("Mori visited the port. The cranes rust. She said …"); at a paragraph's start, the one
  person the paragraph before named or quoted last;
* ``continuation``: a sentence that is nothing but a quotation, right after one of theirs or
  after a sentence naming only them ("Ueda was blunt. “They have the ideas.”");
* ``reported``: a named person or organisation right before a reporting verb ("Kishi also
  said that …", "Japan’s Sankei Shimbun in February 2019 reported …", "Ken Ito, the
  harbour master, who said …"), or after one ("according to …"); a report of a proposal
  names the proposer ("… reported that Taiwanese officials had contacted … to propose …" is
  Taiwan's: a place's unnamed officials speak for its government, and so does a place that
  is the subject, "China has repeatedly warned …"); officials of a named body speak for it
  ("Officials at the Ministry of Foreign Affairs argue …");
* ``subject``: a named subject of the sentence whose clause goes on to a reporting verb
  ("the Japanese Ministry of Defense clearly demonstrated … and expressed the need …"), or
  a person's own office ("Shinzo Abe’s administration …, saying …" is Abe's);
* ``led-by``: an unnamed body speaking through its named leader ("The group, led by
  lawmaker Ken Tanabe, said …");
* ``back-reference``: "the alliance calls for …" with the alliance named earlier in the
  paragraph;
* ``unnamed``: people the text does not name speak ("analysts say", "a senior official
  said", "according to officials", "Japanese lawmakers said"): nobody, and not the author;
* ``author``: a sentence nobody else is said to speak is in the article's own voice.

A quotation the sentence splitter cut in two ("‘… . …,’ Kato said", "“…?” Kato asked.") is
attributed as one unit. The quotation rules live in :mod:`.quoted`, the rest in
:mod:`.reported`; this module reads a passage through them in order.

``by`` is always a canonical name: a people-directory entry (so "Kishi" and "Japanese Minister
of Defense Nobuo Kishi" are both "Nobuo Kishi") or a named organisation ("the LDP" is
"Liberal Democratic Party"). An anonymous speaker ("a Taiwanese security insider says") or an
unresolved pronoun gives no attribution at all, never the author.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.people.attribution.quoted import Named, inside, quote_speaker
from bot.people.attribution.reported import Resolver, officials_mentions, sentence_speaker
from bot.people.discourse import Context, Unread
from bot.people.referents import referent
from bot.people.speech import quotations, quoted_units
from bot.text import Sentence

if TYPE_CHECKING:
    from bot.corpus import Document, Passage
    from bot.people.directory import PeopleDirectory

__all__ = ["Attribution", "Named", "attribute", "officials_mentions", "quote_speaker",
           "sentence_speaker"]


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


def _speakers(people: PeopleDirectory, passage: Passage, context: Context,
              document: Document | None = None
              ) -> Iterator[tuple[Sentence, list[Named], tuple[str, str] | None, Context]]:
    """Each unit of ``passage`` (quoted sentences merged): its mentions, its speaker and the
    context it leaves the next. Given the ``document``, "The council said …" is the council
    named in the paragraphs around (:func:`bot.people.referents.referent`)."""
    text = passage.text
    earlier: list[Named] = []
    resolve = _resolver(people, document, passage) if document is not None else None
    for unit in quoted_units(text):
        named = people.named(text, unit.start, unit.end, doc=passage.doc_id)
        decided = sentence_speaker(text, unit, named, earlier, context, resolve)
        quotes = quotations(text, unit.start, unit.end)
        speaker = decided[0] if decided else None
        context = context.after(
            (n.who for n in named if n.kind == "person" and not inside(quotes, n.start)),
            speaker, bool(speaker) and people.kind_of(speaker or "") == "person")
        yield unit, named, decided, context
        earlier.extend(named)


def _resolver(people: PeopleDirectory, document: Document, passage: Passage) -> Resolver:
    """Whom "the council" at a position of ``passage`` means: the organisation of the
    article the text ties to the noun, by its canonical name."""
    def resolve(noun: str, at: int) -> str | None:
        paragraphs = [(p.id, p.text) for p in document.passages]  # only when asked: rare
        found = referent(f"the {noun}", paragraphs, max(passage.number, 1) - 1, at)
        entity = people.entity(found[0]) if found else None
        return entity.name if entity else None
    return resolve


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
        read = list(_speakers(people, before, context, document))
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
    # Read only if a sentence up to the point needs it (a pronoun, a bare quotation): most
    # points are decided within their paragraph, and reading the article before is the cost.
    context = Unread(lambda: _context_before(people, document, passage)) if document else \
        Context()
    for unit, named, decided, _after in _speakers(people, passage, context, document):
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
