"""The people cards' pass over the corpus: mentions, roles at each mention, attributed quotes.

Each document is read in order (a shared surname means whoever of its owners the document named
last), paragraph by paragraph, with the attribution engine's context (:mod:`bot.people.discourse`)
carried across paragraph breaks. On a large corpus each half of the documents is scanned by a
worker of its own and the halves merged in corpus order (:meth:`Scan.merge`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from bot.corpus import Document, Passage
from bot.people.attribution import Named, quote_speaker
from bot.people.attribution.quoted import someone_speaks
from bot.people.directory.drafts import Draft
from bot.people.discourse import Context
from bot.people.entities import EntityRegistry
from bot.people.matcher import NameMatcher
from bot.people.model import Mention, PersonRole, Quote
from bot.people.referents import referent
from bot.people.roles import roles_at
from bot.people.speech import SPEECH_AFTER_RE, quotations, quoted_units
from bot.text import Sentence

#: The names found in a text: ``(possible owners, start, end)`` each, in order.
Found = list[tuple[frozenset[int], int, int]]

#: Mentions and quotes kept per person: the first in corpus order. A card shows a few; an
#: archive naming someone in most of its passages would otherwise keep (and split into
#: sentences, milliseconds a paragraph) every one of them.
KEPT = 100


class Scan:
    """One pass over the corpus: mentions, roles at each mention, and attributed quotes."""

    def __init__(self, drafts: list[Draft]) -> None:
        self.drafts = drafts
        self.matcher = NameMatcher.of([(d.name, *d.aliases) for d in drafts])
        self.index = {d.name: i for i, d in enumerate(drafts)}
        self.mentions: list[list[Mention]] = [[] for _ in drafts]
        self.quotes: list[list[Quote]] = [[] for _ in drafts]
        #: The documents whose paragraphs mention each person: all of them, beyond KEPT.
        self.documents: list[set[str]] = [set() for _ in drafts]
        #: How many article paragraphs name each person (all of them, beyond KEPT), and the
        #: last one counted, so a paragraph counts once.
        self.paragraphs: list[int] = [0] * len(drafts)
        self._counted: list[str | None] = [None] * len(drafts)
        self._order = itertools.count(1)  # stamps each mention, for "named most recently"
        #: ``(passage id, text)`` of the document being read and the index of the current
        #: one: where "the group" of a role is looked up (:func:`bot.people.referents.referent`).
        self._paragraphs: list[tuple[str, str]] = []
        self._current = 0

    def document(self, doc: Document) -> None:
        """Scan one document in order (a shared surname needs the context).

        The byline comes first: it states the author's role ("Yao Chung-yuan is a professor
        …") but is not a mention in the article's text. Pronouns and bare quotations are
        resolved as the attribution engine does (:mod:`bot.people.discourse`), across
        paragraph breaks too. A paragraph that names nobody, and quotes nobody a previous
        one could resolve, is skipped before the (costly) sentence split, and so is one that
        can add nothing (see :meth:`_adds_nothing`).
        """
        last_seen: dict[int, int] = {}  # person -> order of their latest mention in the doc
        context = Context()
        passages = (*filter(None, [doc.byline_passage]), *doc.passages)
        self._paragraphs = [(p.id, p.text) for p in passages]
        for self._current, passage in enumerate(passages):
            context = context.next_paragraph() if passage.number > 1 else Context()
            found = list(self.matcher.finditer(passage.text))
            quoting = any(mark in passage.text for mark in "“‘\"")
            if not found and not (context.recent and quoting):
                continue
            if found and not (quoting and context.recent):
                inert, people = self._adds_nothing(passage, found, last_seen, quoting)
                if inert:
                    context = _context_after(context, people, quoting)
                    continue
            at = 0  # the passage's names are found once; each sentence takes its own
            for sentence in quoted_units(passage.text):
                while at < len(found) and found[at][1] < sentence.start:
                    at += 1
                mine = []
                while at < len(found) and found[at][2] <= sentence.end:
                    mine.append(found[at])
                    at += 1
                named = self._named(passage, sentence, mine, last_seen)
                quotes = [q for q in quotations(passage.text, sentence.start, sentence.end)
                          if not q.title]
                decided = quote_speaker(passage.text, sentence, quotes, named, context)
                if decided:
                    kept = self.quotes[self.index[decided[0]]]
                    if len(kept) < KEPT:
                        kept.append(Quote(passage.id, sentence.text,
                                          tuple(q.inner for q in quotes), decided[1]))
                outside = [n.who for n in named if not any(q.start < n.start < q.end
                                                           for q in quotes)]
                speaker = decided[0] if decided else (
                    "" if not outside and context.recent
                    and someone_speaks(passage.text, sentence, quotes) else None)
                context = context.after(outside, speaker, True)

    def merge(self, later: Scan, roles: list[list[PersonRole]]) -> None:
        """Add what a scan of the documents after this one's found (and the ``roles`` its
        drafts ended with), as if this scan had read them too: the first :data:`KEPT`
        mentions and quotes, every document, new roles in order. Skipping paragraphs that
        add nothing changes none of these, so the merged scan equals a single one."""
        for mentions, more_mentions in zip(self.mentions, later.mentions, strict=True):
            mentions.extend(more_mentions[:KEPT - len(mentions)])
        for quotes, more_quotes in zip(self.quotes, later.quotes, strict=True):
            quotes.extend(more_quotes[:KEPT - len(quotes)])
        for docs, more in zip(self.documents, later.documents, strict=True):
            docs |= more
        self.paragraphs = [a + b for a, b in zip(self.paragraphs, later.paragraphs, strict=True)]
        for draft, found in zip(self.drafts, roles, strict=True):
            draft.found_roles.extend(r for r in found if r not in draft.found_roles)

    def _named_in(self, person: int, passage: Passage) -> None:
        """Record that article paragraph ``passage`` names ``person``."""
        self.documents[person].add(passage.doc_id)
        if self._counted[person] != passage.id:
            self._counted[person] = passage.id
            self.paragraphs[person] += 1

    def _adds_nothing(self, passage: Passage, found: Found,
                      last_seen: dict[int, int], quoting: bool) -> tuple[bool, set[str]]:
        """Whether the passage can add nothing, and the people it names.

        It adds nothing when everyone ``found`` in it already has :data:`KEPT` mentions (and
        quotes, if the passage is ``quoting``), no role is stated at any of the names (looked
        for in the whole passage, a wider net than its sentences) and, unless it quotes, it
        names one person at most (then whom it leaves a pronoun in the next paragraph is
        known without its sentences). Then only the order of its mentions is recorded, for
        the shared surnames that follow, and it is not split into sentences.
        """
        seen = dict(last_seen)
        named: set[str] = set()
        for owners, start, end in found:
            person = _owner(owners, seen)
            if person is None:
                continue
            seen[person] = next(self._order)
            named.add(self.drafts[person].name)
            if passage.number:
                self._named_in(person, passage)
            if (len(self.mentions[person]) < KEPT
                    or (quoting and len(self.quotes[person]) < KEPT)
                    or roles_at(passage.text, passage.id, start, end)
                    or (len(named) > 1 and not quoting)):
                return False, named
        last_seen.update(seen)
        return True, named

    def _named(self, passage: Passage, sentence: Sentence, found: Found,
               last_seen: dict[int, int]) -> list[Named]:
        """The people a sentence names (``found``: its names); records their mentions and
        the roles stated there."""
        text = passage.text
        named: list[Named] = []
        for owners, start, end in found:
            person = _owner(owners, last_seen)
            if person is None:
                continue
            last_seen[person] = next(self._order)
            named.append(Named(self.drafts[person].name, "person", start, end))
            known = self.mentions[person]
            if passage.number:
                self._named_in(person, passage)
            if passage.number and len(known) < KEPT and not (
                    known and known[-1].passage == passage.id
                    and known[-1].sentence == sentence.text):
                reported = bool(SPEECH_AFTER_RE.match(text, end, sentence.end))
                known.append(Mention(passage.id, sentence.text, text[start:end],
                                     start - sentence.start, reported))
            roles = self.drafts[person].found_roles
            for role in roles_at(text, passage.id, start, end, sentence.start):
                # "who leads the group": the organisation meant is an affiliation, cited
                # where the text names it
                meant = referent(role.text, self._paragraphs, self._current, start) \
                    if role.source == "position" else None
                for kept in (role, *([PersonRole(*meant, "affiliation")] if meant else [])):
                    if kept not in roles:
                        roles.append(kept)
        return named


def scan_part(drafts: list[Draft], docs: list[Document], synonyms: Iterable[Sequence[str]]
               ) -> tuple[Scan, list[list[PersonRole]], EntityRegistry]:
    """One run of documents scanned: the scan, each draft's found roles, the entities."""
    scan = Scan(drafts)
    registry = EntityRegistry(synonyms)
    for doc in docs:
        scan.document(doc)
        for passage in doc.passages:
            registry.add_text(passage.text)
    return scan, [d.found_roles for d in drafts], registry


def _context_after(context: Context, named: set[str], quoting: bool) -> Context:
    """The context a paragraph skipped by :meth:`Scan._adds_nothing` leaves.

    Naming nobody, it leaves the context as it was; naming one person without quoting, that
    person, as any of its sentences would. Quoting (only ever skipped when no one carried
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
