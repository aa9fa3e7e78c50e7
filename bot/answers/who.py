"""``who NAME``: a card on a person the corpus names: roles, quotes and mentions, all cited.

The card only ever shows what the people directory found for one person the query names
exactly (any case, surname alone, hyphens and spaces aside). A near miss ("Kishy") or a name
the corpus does not use ("Obama") gets suggestions instead: never a card for a guess, and
never passages that merely share a word with the query. A place or an organisation the corpus
names ("Japan", "the LDP", "Nairobi": places also from the gazetteer of
:mod:`bot.people.places`; organisations also by their head word, "Keio University" inside
"Professor Aiko Sato of Keio University") is said to be one, with the ``search`` that finds
what it says;
so is any other name the text spells with capitals ("Scarborough Shoal"), which the card must
not call unnamed.
An author's card also shows, per article, the sentences that carry its argument.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.answers.arguments import argued_documents, argument
from bot.answers.results import Cited
from bot.corpus import Document
from bot.errors import UsageError
from bot.knowledge import KnowledgeBase
from bot.people import Person
from bot.people.directory import KEPT, mention_sentences
from bot.people.entities import classify
from bot.people.places import is_place

#: Score (0–100, rapidfuzz ratio on folded names) from which a miss is taken for a typo.
TYPO_SCORE = 75.0
#: Score below which a name is not offered at all: a short query scores some 40–55 against
#: any name ("Obama" and Huynh Tam Sang, "@everyone" and Edward Jones), which helps no one.
CLOSE_SCORE = 60.0
#: How many quotes and mentions a card shows; the JSON carries all of them.
QUOTES_SHOWN = 3
MENTIONS_SHOWN = 3
#: Characters of a mention shown on the card: a window of its sentence around the name.
EXCERPT_CHARS = 150
#: Passages (best first for the query) looked through for the query as a name in the text.
NAMED_PASSAGES = 10
#: Lower-case words a name may hold between its capitalised ones: "Bank of Japan".
_NAME_JOINERS = frozenset({"of", "the", "and", "for", "on", "de", "da", "van", "von", "al"})


@dataclass(frozen=True)
class QuoteCitation(Cited):
    """A quote: ``text`` is the sentence, ``quoted`` the words inside its quotation marks."""

    quoted: tuple[str, ...] = ()
    rule: str = ""  # how the speaker was decided: name-verb, verb-name, pronoun, continuation


@dataclass(frozen=True)
class MentionCitation(Cited):
    """A sentence that names the person; ``reported`` when it reports their words."""

    name_as: str = ""  # the form of the name the sentence uses ("Kishi")
    reported: bool = False  # "Kishi also said that …": reported speech, no quotation marks
    # A window of the sentence around the name, for the card.
    excerpt: str = field(default="", metadata={"internal": True})
    partial_start: bool = field(default=False, metadata={"internal": True})
    partial_end: bool = field(default=False, metadata={"internal": True})


@dataclass(frozen=True)
class Authored:
    """An article the person wrote or translated, from its front matter."""

    doc: str
    title: str
    credit: str  # "author" or "translator"


@dataclass(frozen=True)
class ArticleArgument:
    """The sentences that carry one article's argument, in its author's voice, in order."""

    doc: str
    title: str
    sentences: list[Cited]


@dataclass(frozen=True)
class RoleGroup:
    """One role text with every passage that states it (for the card)."""

    text: str
    citations: list[Cited]


@dataclass(frozen=True)
class DocumentMentions:
    """The passages of one document that name the person."""

    doc: str
    title: str
    passages: list[str]


@dataclass(frozen=True)
class WhoResult:
    """The answer to ``who NAME``.

    ``found`` is true only for a single person the query names exactly. Otherwise
    ``reason`` says why ("ambiguous": several people share the name; "typo": it looks like
    a name in the corpus; "organisation" or "place": the query names one, ``name`` is its
    canonical name and ``search_query`` what to search for; "named": the text spells the
    query as a name, ``name`` as it is written there, but not as a person's; "unknown": the
    corpus names nothing by that name)
    and ``suggestions`` holds the candidates or the closest names.

    ``arguments`` (authors only): per article they wrote (the most recent few, see
    ``answers.arguments``), the 2–3 sentences in the author's own voice that carry its
    argument, each cited.
    """

    query: str
    found: bool
    name: str | None = None
    aliases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    quotes: list[QuoteCitation] = field(default_factory=list)
    mentions: list[MentionCitation] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    reason: str | None = None
    role_citations: list[Cited] = field(default_factory=list)
    authored: list[Authored] = field(default_factory=list)
    documents: list[DocumentMentions] = field(default_factory=list)
    arguments: list[ArticleArgument] = field(default_factory=list)
    search_query: str | None = None
    #: Article paragraphs and articles that name them, all of them: ``mentions`` and
    #: ``quotes`` hold the first :data:`bot.people.directory.KEPT` of each.
    named_in: int = 0
    named_in_articles: int = 0
    #: Whether ``quotes`` stopped at that cap (there may be more).
    quotes_capped: bool = False
    # For the template only.
    role_groups: list[RoleGroup] = field(default_factory=list, metadata={"internal": True})
    shown_quotes: list[QuoteCitation] = field(default_factory=list,
                                              metadata={"internal": True})
    shown_mentions: list[MentionCitation] = field(default_factory=list,
                                                  metadata={"internal": True})
    search_hint: str = field(default="", metadata={"internal": True})
    everyone: list[str] = field(default_factory=list, metadata={"internal": True})

    @property
    def more_quotes(self) -> int:
        """Quotes left off the card."""
        return len(self.quotes) - len(self.shown_quotes)

    @property
    def more_mentions(self) -> int:
        """Paragraphs that name them and that the card shows neither as a mention nor as
        a quote."""
        named = {m.passage for m in self.mentions}
        shown = {m.passage for m in self.shown_mentions} | (
            {q.passage for q in self.shown_quotes} & named)
        return max(0, self.named_in - len(shown))


def who(kb: KnowledgeBase, name: str) -> WhoResult:
    """The card of the person ``name`` names, or suggestions when it names no one person.

    Raises
    ------
    UsageError
        When ``name`` is empty.
    """
    query = " ".join(name.split()).strip("`")
    if not query:
        raise UsageError("Whose card? Give a name, e.g. `who Kishi`.")
    directory = kb.people
    matches = directory.find(query)
    if len(matches) == 1:
        return card(kb, query, matches[0])
    everyone = directory.names()
    if matches:
        return WhoResult(query, False, suggestions=sorted(p.name for p in matches),
                         reason="ambiguous", everyone=everyone)
    entity = directory.entity(query)
    if entity is not None:
        return WhoResult(query, False, name=entity.name, aliases=list(entity.aliases),
                         reason=entity.kind, search_query=entity.name, everyone=everyone)
    written = named_in_text(kb, query)
    if written is not None:
        # A name the text writes that no entity is keyed by, as it stands inside a longer
        # run of capitals (a headline's "Poland and Kenya open …", "Professor Aiko Sato of
        # Keio University"), is still a place if the gazetteer holds it and an organisation
        # if its words say so (University, Ministry, Agency …: ``classify``).
        reason = "place" if is_place(written) else classify(written) or "named"
        return WhoResult(query, False, name=written, reason=reason, search_query=written,
                         everyone=everyone)
    closest = directory.closest(query)
    typos = [n for n, score in closest if score >= TYPO_SCORE]
    if typos:
        return WhoResult(query, False, suggestions=typos, reason="typo", everyone=everyone)
    return WhoResult(query, False, suggestions=[n for n, score in closest if score >= CLOSE_SCORE],
                     reason="unknown", everyone=everyone)


def named_in_text(kb: KnowledgeBase, query: str) -> str | None:
    """``query`` as the text writes it where it spells it as a name (each word capitalised,
    but for joiners such as "of") more often than not, in the passages that rank best for
    it; ``None`` otherwise. A word the text mostly writes in lower case ("defense", though
    "Ministry of Defense" capitalises it) is a common word, not a name."""
    if not any(ch.isalpha() for ch in query):
        return None
    pattern = re.compile(rf"(?<!\w){re.escape(query)}(?!\w)", re.IGNORECASE)
    spellings: list[str] = []
    common = 0
    for hit in kb.index.search(query, NAMED_PASSAGES):
        for found in pattern.finditer(hit.passage.text):
            words = found.group().split()
            if words[0][:1].isupper() and all(
                    w[:1].isupper() or w.lower() in _NAME_JOINERS for w in words):
                spellings.append(found.group())
            else:
                common += 1
    return spellings[0] if len(spellings) > common else None


def card(kb: KnowledgeBase, query: str, person: Person) -> WhoResult:
    """The full card of ``person``: every role, quote and mention cited verbatim."""
    docs = kb.corpus.documents

    def cite(passage_id: str, text: str) -> Cited:
        return Cited.of(docs[passage_id.split("#")[0]], kb.corpus.passage(passage_id), text)

    role_citations = [cite(r.passage, r.text) for r in person.roles]
    authored = [Authored(b.doc, docs[b.doc].label, b.credit) for b in person.bylines]
    quotes = []
    for q in person.quotes:
        base = cite(q.passage, q.sentence)
        quotes.append(QuoteCitation(base.text, base.doc, base.passage, base.title,
                                    base.paragraph, q.quoted, q.rule))
    mentions = []
    for m in mention_sentences(person.mentions, lambda pid: kb.corpus.passage(pid).text):
        base = cite(m.passage, m.sentence)
        lo, hi = excerpt_span(m.sentence, m.start, len(m.alias))
        mentions.append(MentionCitation(
            base.text, base.doc, base.passage, base.title, base.paragraph, m.alias, m.reported,
            m.sentence[lo:hi], lo > 0, hi < len(m.sentence)))
    shown_quotes = quotes[:QUOTES_SHOWN]
    return WhoResult(
        query=query,
        found=True,
        name=person.name,
        aliases=list(person.aliases),
        roles=[*dict.fromkeys(r.text for r in person.roles),
               *(_credit_role(docs[b.doc], b.credit) for b in person.bylines)],
        quotes=quotes,
        mentions=mentions,
        role_citations=role_citations,
        authored=authored,
        documents=_by_document(mentions),
        arguments=_arguments(kb, person, cite),
        role_groups=_role_groups(role_citations),
        shown_quotes=shown_quotes,
        shown_mentions=_pick_mentions(mentions, shown_quotes, MENTIONS_SHOWN),
        search_hint=person.aliases[0] if person.aliases else person.name,
        named_in=max(person.named_in, len({m.passage for m in mentions})),
        named_in_articles=max(person.named_in_articles, len({m.doc for m in mentions})),
        quotes_capped=len(person.quotes) >= KEPT,
    )


def _arguments(kb: KnowledgeBase, person: Person, cite: Callable[[str, str], Cited]
               ) -> list[ArticleArgument]:
    """The argument of each article of ``person``'s that their card shows."""
    return [ArticleArgument(doc.id, doc.label, [cite(s.passage, s.sentence) for s in argued])
            for doc in argued_documents(kb, person) if (argued := argument(kb, doc))]


def _credit_role(doc: Document, credit: str) -> str:
    """"author of “Title”" — the role a front-matter credit gives."""
    title = f"“{doc.title}”" if doc.title else doc.label
    return f"{credit} of {title}"


def _role_groups(citations: list[Cited]) -> list[RoleGroup]:
    groups: dict[str, list[Cited]] = {}
    for citation in citations:
        groups.setdefault(citation.text, []).append(citation)
    return [RoleGroup(text, cites) for text, cites in groups.items()]


def _by_document(mentions: Sequence[Cited]) -> list[DocumentMentions]:
    groups: dict[str, DocumentMentions] = {}
    for m in mentions:
        group = groups.setdefault(m.doc, DocumentMentions(m.doc, m.title, []))
        if m.passage not in group.passages:
            group.passages.append(m.passage)
    return list(groups.values())


def _pick_mentions(mentions: list[MentionCitation], quotes: list[QuoteCitation], limit: int
                   ) -> list[MentionCitation]:
    """The mentions a card has room for, in document order, none repeating a shown quote.

    Reported speech ("Kishi also said that …") goes first, as what a person said is what a
    reader asks "who" for; then each document's first mention, so every document shows.
    """
    shown = {(q.passage, q.text) for q in quotes}
    rest = [m for m in mentions if (m.passage, m.text) not in shown]
    firsts: dict[str, MentionCitation] = {}
    for m in rest:
        firsts.setdefault(m.doc, m)
    picked: list[MentionCitation] = []
    for m in [*(m for m in rest if m.reported), *firsts.values(), *rest]:
        if m not in picked and len(picked) < limit:
            picked.append(m)
    return [m for m in rest if m in picked]


_CLAUSE_BREAK_RE = re.compile(r"[,;:—][’”']?\s+")


def excerpt_span(sentence: str, start: int, length: int, budget: int = EXCERPT_CHARS
                 ) -> tuple[int, int]:
    """A window of whole words of ``sentence``, about ``budget`` characters, around the name
    at ``sentence[start:start + length]``.

    It starts at the clause the name opens if that is close ("…, Japanese Minister of
    Defense Nobuo Kishi warned …"), else a few words before the name.
    """
    if len(sentence) <= budget:
        return 0, len(sentence)
    lo = max(0, min(start - budget // 3, len(sentence) - budget))
    breaks = [m.end() for m in _CLAUSE_BREAK_RE.finditer(sentence, 0, start)
              if start - m.end() <= budget // 2]
    if breaks:
        lo = breaks[-1]
    elif lo > 0:  # start on a word
        space = sentence.find(" ", lo, start)
        lo = space + 1 if space != -1 else start
    hi = min(len(sentence), max(lo + budget, start + length))
    if hi < len(sentence):  # end on a word
        cut = sentence.rfind(" ", lo, hi)
        hi = cut if cut > start + length else hi
    return lo, hi
