"""The directory's pass over the corpus: each person's mentions, roles and quotes.

Documents are read in order (a shared surname means whoever of its owners the document named
last), paragraph by paragraph. Every name found is recorded where it stands; its sentence is
found only when a card shows it (:func:`mention_sentences`). Splitting a paragraph into
sentences costs milliseconds, so only two kinds are split: one that may state a role at a
name (:func:`bot.people.roles.may_have_role`), whose rules read within the sentence, and one
read through the attribution engine's context (:mod:`bot.people.discourse`, carried across
paragraph breaks) because a quotation in it may be kept for someone. On a large corpus each
half of the documents is scanned by a worker of its own and the halves merged in corpus order
(:meth:`Scan.merge`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence

from bot.corpus import Document, Passage
from bot.people.attribution import Named, quote_speaker
from bot.people.attribution.quoted import SPEECH_WORD_RE, someone_speaks
from bot.people.directory.drafts import Draft
from bot.people.discourse import Context
from bot.people.entities import EntityRegistry
from bot.people.matcher import NameMatcher
from bot.people.model import Mention, MentionSentence, PersonRole, Quote
from bot.people.referents import referent
from bot.people.roles import may_have_role, roles_at
from bot.people.speech import quotations, quoted_units, speech_verb
from bot.text import Sentence

#: The names found in a text: ``(possible owners, start, end)`` each, in order.
Found = list[tuple[frozenset[int], int, int]]
#: The names of a paragraph with the person each means: ``(person, start, end)``.
_Hits = list[tuple[int, int, int]]

#: Mentions and quotes kept per person: the first in corpus order. A card shows a few; an
#: archive naming someone in most of its passages would otherwise keep every one of them.
KEPT = 100


class Scan:
    """One pass over the corpus: mentions, roles at each mention, and attributed quotes."""

    def __init__(self, drafts: list[Draft]) -> None:
        self.drafts = drafts
        self.matcher = NameMatcher.of([(d.name, *d.aliases) for d in drafts])
        self.index = {d.name: i for i, d in enumerate(drafts)}
        self.mentions: list[list[Mention]] = [[] for _ in drafts]
        self.quotes: list[list[Quote]] = [[] for _ in drafts]
        #: How many documents' paragraphs mention each person (all of them, beyond KEPT),
        #: and, for each person who shares a name with another, which documents: the one
        #: the directory tells them apart by (``PeopleDirectory._resolved``).
        self.articles: list[int] = [0] * len(drafts)
        self.shared = {p for owners in self.matcher.owners.values() if len(owners) > 1
                       for p in owners}
        self.documents: dict[int, set[str]] = {p: set() for p in sorted(self.shared)}
        #: How many article paragraphs name each person (all of them, beyond KEPT).
        self.paragraphs: list[int] = [0] * len(drafts)
        self._order = itertools.count(1)  # stamps each mention, for "named most recently"
        #: The passages of the document being read and the index of the current one: where
        #: "the group" of a role is looked up (:func:`bot.people.referents.referent`).
        self._passages: Sequence[Passage] = ()
        self._current = 0
        self._in_document: set[int] = set()  # the people its paragraphs named so far

    def document(self, doc: Document, passages: Sequence[Passage] | None = None) -> None:
        """Scan one document in order (a shared surname needs the context); ``passages``
        are its paragraphs if the caller has them at hand.

        The byline comes first: it states the author's role ("Yao Chung-yuan is a professor
        …") but is not a mention in the article's text. Pronouns and bare quotations are
        resolved as the attribution engine does (:mod:`bot.people.discourse`), but a
        paragraph is read through that context only when it names someone who may still
        have a quote kept, or quotes while the context holds such a person. Any other
        paragraph naming people leaves the context holding one of them or no one, and
        whom it holds then matters to no quote kept: it is left as no one.
        """
        last_seen: dict[int, int] = {}  # person -> order of their latest mention in the doc
        context = Context()
        read = (*filter(None, [doc.byline_passage]),
                *(doc.passages if passages is None else passages))
        self._passages = read
        self._in_document = set()
        for self._current, passage in enumerate(read):
            context = context.next_paragraph() if passage.number > 1 else Context()
            text = passage.text
            found = list(self.matcher.finditer(text))
            quoting = any(mark in text for mark in "“‘\"")
            if not found and not (context.recent and quoting):
                continue
            hits = self._resolved(found, last_seen)
            kept_all = [len(self.mentions[p]) >= KEPT for p, _, _ in hits]
            units = self._record(passage, hits)
            if not (quoting and self._has_room(context.recent)) and not any(
                    len(self.quotes[p]) < KEPT for p, _, _ in hits):
                if hits:
                    context = Context()  # see the docstring: whom it holds does not matter
                elif found:
                    context = context.after((), None, True)
                continue
            if found and not (quoting and context.recent):
                people = {self.drafts[p].name for p, _, _ in hits}
                if (all(kept_all) and (len(people) < 2 or quoting)
                        and not (quoting and any(len(self.quotes[p]) < KEPT
                                                 for p, _, _ in hits))
                        and not (units and _states_a_role(text, hits))):
                    context = _context_after(context, people, quoting)
                    continue
            if not hits and not _may_quote_unnamed(text):
                context = _unnamed_context(text, context)
                continue
            unsplit = (_unsplit_context(text, hits, self.drafts)
                       if hits and not quoting and not units else None)
            context = unsplit or self._attribute(passage, units or quoted_units(text), hits,
                                                 context)

    def _has_room(self, name: str | None) -> bool:
        """Whether the person ``name`` may still have a quote kept."""
        return name is not None and len(self.quotes[self.index[name]]) < KEPT

    def _resolved(self, found: Found, last_seen: dict[int, int]) -> _Hits:
        """Who each name of a paragraph means, in order (a shared surname: see
        :func:`_owner`), stamping each as named most recently."""
        hits = []
        for owners, start, end in found:
            person = _owner(owners, last_seen)
            if person is not None:
                last_seen[person] = next(self._order)
                hits.append((person, start, end))
        return hits

    def _record(self, passage: Passage, hits: _Hits) -> list[Sentence] | None:
        """Record the mentions of a paragraph and the roles stated at them; the paragraph's
        sentences if it had to be split for a role (the rules read within a sentence)."""
        text = passage.text
        if passage.number:
            for person, start, end in hits:
                if len(self.mentions[person]) < KEPT:
                    self.mentions[person].append(Mention(passage.id, text[start:end], start))
            for person in {p for p, _, _ in hits}:
                self.paragraphs[person] += 1
                if person not in self._in_document:
                    self._in_document.add(person)
                    self.articles[person] += 1
                    if person in self.documents:
                        self.documents[person].add(passage.doc_id)
        roled = [hit for hit in hits if may_have_role(text, hit[1], hit[2])]
        if not roled:
            return None
        units = quoted_units(text)
        for person, start, end in roled:
            floor = next((u.start for u in units if u.start <= start and end <= u.end), None)
            if floor is None:
                continue  # a name across a sentence break is no mention
            roles = self.drafts[person].found_roles
            for role in roles_at(text, passage.id, start, end, floor):
                # "who leads the group": the organisation meant is an affiliation, cited
                # where the text names it
                meant = referent(role.text, [(p.id, p.text) for p in self._passages],
                                 self._current, start) if role.source == "position" else None
                for kept in (role, *([PersonRole(*meant, "affiliation")] if meant else [])):
                    if kept not in roles:
                        roles.append(kept)
        return units

    def _attribute(self, passage: Passage, units: list[Sentence], hits: _Hits,
                   context: Context) -> Context:
        """Read a paragraph's sentences through the attribution engine: keep the quotes it
        credits to people with room for more; the context it leaves the next."""
        text = passage.text
        for unit in units:
            named = [Named(self.drafts[p].name, "person", start, end) for p, start, end in hits
                     if unit.start <= start and end <= unit.end]
            quotes = [q for q in quotations(text, unit.start, unit.end) if not q.title]
            decided = quote_speaker(text, unit, quotes, named, context)
            if decided:
                kept = self.quotes[self.index[decided[0]]]
                if len(kept) < KEPT:
                    kept.append(Quote(passage.id, unit.text, tuple(q.inner for q in quotes),
                                      decided[1]))
            outside = [n.who for n in named if not any(q.start < n.start < q.end
                                                       for q in quotes)]
            speaker = decided[0] if decided else (
                "" if not outside and context.recent
                and someone_speaks(text, unit, quotes) else None)
            context = context.after(outside, speaker, True)
        return context

    def merge(self, later: Scan, roles: list[list[PersonRole]]) -> None:
        """Add what a scan of the documents after this one's found (and the ``roles`` its
        drafts ended with), as if this scan had read them too: the first :data:`KEPT`
        mentions and quotes, every count and document, new roles in order (the halves'
        documents are distinct, so their counts add up)."""
        for mentions, more_mentions in zip(self.mentions, later.mentions, strict=True):
            mentions.extend(more_mentions[:KEPT - len(mentions)])
        for quotes, more_quotes in zip(self.quotes, later.quotes, strict=True):
            quotes.extend(more_quotes[:KEPT - len(quotes)])
        self.articles = [a + b for a, b in zip(self.articles, later.articles, strict=True)]
        for person, docs in self.documents.items():
            docs |= later.documents[person]
        self.paragraphs = [a + b for a, b in zip(self.paragraphs, later.paragraphs, strict=True)]
        for draft, found in zip(self.drafts, roles, strict=True):
            draft.found_roles.extend(r for r in found if r not in draft.found_roles)


def scan_part(drafts: list[Draft], docs: list[Document], synonyms: Iterable[Sequence[str]]
               ) -> tuple[Scan, list[list[PersonRole]], EntityRegistry]:
    """One run of documents scanned: the scan, each draft's found roles, the entities."""
    scan = Scan(drafts)
    registry = EntityRegistry(synonyms)
    for doc in docs:
        passages = tuple(doc.passages)  # made once for both
        scan.document(doc, passages)
        for passage in passages:
            registry.add_text(passage.text)
    return scan, [d.found_roles for d in drafts], registry


def mention_sentences(mentions: Iterable[Mention], text_of: Callable[[str], str]
                      ) -> list[MentionSentence]:
    """Each mention with the sentence it stands in (a quotation spanning sentences is one,
    as attribution reads it), ``text_of`` giving a passage's text by id; a second mention
    in the sentence of the one before adds nothing."""
    found: list[MentionSentence] = []
    units: dict[str, tuple[str, list[Sentence]]] = {}
    for mention in mentions:
        if mention.passage not in units:
            text = text_of(mention.passage)
            units[mention.passage] = (text, quoted_units(text))
        text, sentences = units[mention.passage]
        end = mention.at + len(mention.alias)
        unit = next((u for u in sentences if u.start <= mention.at and end <= u.end), None)
        if unit is None or (found and found[-1].passage == mention.passage
                            and found[-1].sentence == unit.text):
            continue
        found.append(MentionSentence(mention.passage, unit.text, mention.alias,
                                     mention.at - unit.start,
                                     speech_verb(text, mention.at, end, unit.end) is not None))
    return found


#: What ends every sentence of a paragraph without quotations but its last (the splitter's
#: boundaries there follow one of these; ";", ":" and line breaks are counted to be safe).
_ENDS = ".!?…;:\n"


def _unsplit_context(text: str, hits: _Hits, drafts: Sequence[Draft]) -> Context | None:
    """The context a paragraph without quotations leaves, read off where its names and
    sentence ends are (``None`` if that cannot tell, and its sentences must be read).

    Only the person it leaves matters (a paragraph break keeps no more): the one its last
    sentence naming anyone names, unless that sentence names two, or a later one is spoken by
    someone unnamed (:func:`~bot.people.attribution.quoted.someone_speaks`).
    """
    last = hits[-1][0]
    cut = max(text.rfind(end, 0, hits[-1][1]) for end in _ENDS)  # the last sentence starts after
    if len({p for p, start, _ in hits if start > cut}) > 1:
        return Context()
    if any(p != last for p, start, _ in hits if start <= cut):
        return None  # another person earlier, maybe in its sentence ("Dr." ends none)
    after = [i for i in (text.find(end, hits[-1][2]) for end in _ENDS) if i >= 0]
    if after and SPEECH_WORD_RE.search(text, min(after)):
        return None  # a later sentence may be someone else's words
    return Context(frozenset(), None, drafts[last].name, False)


# What a quotation in a paragraph naming no one needs to be anyone's: a pronoun ("‘…,’ he
# said", "She added: “…”") or a sentence that is the quotation (a continuation).
_PRONOUN_RE = re.compile(r"\b(?:[Hh]e|[Ss]he|His|Her)\b")
_OPENS_SENTENCE_RE = re.compile(r"(?:^|[^\w,]\s+)[“‘\"]")


def _may_quote_unnamed(text: str) -> bool:
    """Whether a paragraph naming no one may credit a quotation to whom the context holds."""
    return bool(_PRONOUN_RE.search(text) or _OPENS_SENTENCE_RE.search(text))


def _unnamed_context(text: str, context: Context) -> Context:
    """The context a quoting paragraph leaves that names no one and credits no quotation:
    as it was, unless words outside its quotations say someone unnamed speaks (then no
    one), as its sentences read one by one would leave it."""
    quotes = [q for q in quotations(text) if not q.title]
    if any(not any(q.start < m.start() < q.end for q in quotes)
           for m in SPEECH_WORD_RE.finditer(text)):
        return Context()
    return context.after((), None, True)


def _states_a_role(text: str, hits: _Hits) -> bool:
    """Whether the paragraph states a role at one of its names, read in the whole paragraph
    (a wider net than its sentences)."""
    return any(may_have_role(text, start, end) and roles_at(text, "", start, end)
               for _, start, end in hits)


def _context_after(context: Context, named: set[str], quoting: bool) -> Context:
    """The context a paragraph leaves, unsplit, when everyone it names has their mentions
    (and, if it quotes, their quotes) and no role is stated at them.

    Naming nobody, it leaves the context as it was; naming one person without quoting, that
    person, as any of its sentences would. Quoting (only ever left unread when no one carried
    over from before and everyone it names has their quotes), it is left as no one: whom it
    really leaves is one of the people it names or no one, and a quote of theirs would not
    be kept either way.
    """
    if not named:
        return context.after((), None, True)
    if quoting:
        return Context()
    return Context(frozenset(named), None, next(iter(named)), False)


def _owner(owners: frozenset[int], last_seen: dict[int, int]) -> int | None:
    """The person a name means: its one owner, or for a shared surname whoever of its owners
    the document named last (``None`` if it named none of them yet)."""
    if len(owners) == 1:
        return next(iter(owners))
    # Whichever is smaller is walked: a surname thousands of authors share costs no more
    # than one that two people share.
    named = [p for p in owners if p in last_seen] if len(owners) < len(last_seen) else [
        p for p in last_seen if p in owners]
    return max(named, key=last_seen.__getitem__) if named else None
