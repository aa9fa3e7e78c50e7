"""The people directory: curated ``people.yaml`` entries merged with discovered people.

Built once per corpus (the knowledge base caches it), so a ``who`` lookup is a dictionary
access. Curated entries win: their name, aliases and roles replace what the rules found; the
rules still supply everyone the YAML does not list, so a new article's people appear without
editing YAML.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from bot import parallel
from bot.corpus import Corpus, Document, Passage, PersonEntry
from bot.people.attribution import Named, officials_mentions, quote_speaker
from bot.people.attribution.quoted import someone_speaks
from bot.people.discourse import Context
from bot.people.discover import Candidate, discover, roles_at
from bot.people.entities import DEMONYM_PLACES, Entity, EntityRegistry, entities_in, entity_key
from bot.people.matcher import NameMatcher
from bot.people.model import Byline, Mention, Person, PersonRole, Quote
from bot.people.names import implied_aliases, lookup_keys, name_key, split_credit
from bot.people.referents import referent
from bot.people.speech import SPEECH_AFTER_RE, quotations, quoted_units
from bot.text import Sentence, fold

if TYPE_CHECKING:
    from bot.knowledge import KnowledgeBase

# Words a user may put before a name ("President Tsai", "Mr Kishi"): dropped on a retry.
_HONORIFICS_TEXT = """mr mrs ms miss dr prof professor sir president vice prime minister
    deputy defense defence foreign secretary former late chairman premier general the"""
_HONORIFICS = frozenset(_HONORIFICS_TEXT.split())


@dataclass
class _Draft:
    """A person while the directory is being built."""

    name: str
    aliases: tuple[str, ...]
    curated_roles: tuple[PersonRole, ...] = ()
    found_roles: list[PersonRole] = field(default_factory=list)
    curated: bool = False


def _drafts(entries: list[PersonEntry], candidates: list[Candidate]) -> list[_Draft]:
    """Curated entries, then every candidate no entry covers (matched by name or alias key)."""
    drafts: list[_Draft] = []
    by_key: dict[str, _Draft] = {}
    for entry in entries:
        draft = _Draft(entry.name, entry.aliases or implied_aliases(entry.name),
                       tuple(PersonRole(r.text, r.passage) for r in entry.roles), curated=True)
        drafts.append(draft)
        for key in (name_key(entry.name), *map(name_key, entry.aliases)):
            by_key.setdefault(key, draft)
    for cand in candidates:
        known = by_key.get(name_key(cand.name))
        if known is not None:
            draft = known
        else:
            aliases = tuple(dict.fromkeys((*implied_aliases(cand.name), *cand.aliases)))
            draft = _Draft(cand.name, aliases)
            drafts.append(draft)
            by_key[name_key(cand.name)] = draft
        draft.found_roles.extend(r for r in cand.roles if r not in draft.found_roles)
    return drafts


#: Mentions and quotes kept per person: the first in corpus order. A card shows a few; an
#: archive naming someone in most of its passages would otherwise keep (and split into
#: sentences, milliseconds a paragraph) every one of them.
KEPT = 100


class _Scan:
    """One pass over the corpus: mentions, roles at each mention, and attributed quotes."""

    def __init__(self, drafts: list[_Draft]) -> None:
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
            for sentence in quoted_units(passage.text):
                named = self._named(passage, sentence, last_seen)
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

    def merge(self, later: _Scan, roles: list[list[PersonRole]]) -> None:
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

    def _adds_nothing(self, passage: Passage, found: list[tuple[tuple[int, ...], int, int]],
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

    def _named(self, passage: Passage, sentence: Sentence, last_seen: dict[int, int]
               ) -> list[Named]:
        """The people a sentence names; records their mentions and the roles stated there."""
        text = passage.text
        named: list[Named] = []
        for owners, start, end in self.matcher.finditer(text, sentence.start, sentence.end):
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
            found = self.drafts[person].found_roles
            for role in roles_at(text, passage.id, start, end, sentence.start):
                # "who leads the group": the organisation meant is an affiliation, cited
                # where the text names it
                meant = referent(role.text, self._paragraphs, self._current, start) \
                    if role.source == "position" else None
                for kept in (role, *([PersonRole(*meant, "affiliation")] if meant else [])):
                    if kept not in found:
                        found.append(kept)
        return named


def _scan_part(drafts: list[_Draft], docs: list[Document], synonyms: Iterable[Sequence[str]]
               ) -> tuple[_Scan, list[list[PersonRole]], EntityRegistry]:
    """One run of documents scanned: the scan, each draft's found roles, the entities."""
    scan = _Scan(drafts)
    registry = EntityRegistry(synonyms)
    for doc in docs:
        scan.document(doc)
        for passage in doc.passages:
            registry.add_text(passage.text)
    return scan, [d.found_roles for d in drafts], registry


def _context_after(context: Context, named: set[str], quoting: bool) -> Context:
    """The context a paragraph skipped by :meth:`_Scan._adds_nothing` leaves.

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


def _owner(owners: tuple[int, ...], last_seen: dict[int, int]) -> int | None:
    """The person a name means: its one owner, or for a shared surname whoever of its owners
    the document named last (``None`` if it named none of them yet)."""
    if len(owners) == 1:
        return owners[0]
    named = [p for p in owners if p in last_seen]
    return max(named, key=last_seen.__getitem__) if named else None


def build_directory(kb: KnowledgeBase) -> PeopleDirectory:
    """The ``people`` artifact of a knowledge base (registered in ``bot.knowledge``)."""
    return PeopleDirectory.build(kb.corpus)


@dataclass
class PeopleDirectory:
    """Everyone the corpus names, with roles, quotes and mentions, looked up by any alias."""

    people: tuple[Person, ...] = ()
    _by_key: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)
    #: Organisations and places by each key of their names ("ldp", "liberaldemocraticparty").
    entities: dict[str, Entity] = field(default_factory=dict, repr=False)
    _matcher: NameMatcher = field(default_factory=lambda: NameMatcher.of([]), repr=False)
    #: The documents mentioning or crediting each person (by index), every one of them.
    _documents: tuple[frozenset[str], ...] = field(default=(), repr=False)
    #: The attribution engine's memo: the context at the start of paragraph ``(doc, n)``,
    #: so attributing any sentence reads each earlier paragraph once. Never pickled.
    contexts: dict[tuple[str, int], Context] = field(default_factory=dict, repr=False,
                                                     compare=False)

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "contexts": {}}

    @classmethod
    def build(cls, corpus: Corpus) -> PeopleDirectory:
        """Discover people in ``corpus``, merge ``people.yaml`` over them and cite everything.

        One pass per document for people, one regex pass per passage for organisations and
        places: linear in the corpus.
        """
        drafts = _drafts(corpus.people, discover(corpus))
        scan = _Scan(drafts)
        registry = EntityRegistry(corpus.synonyms)
        # Both cores: each half of the documents is scanned by a worker of its own, and the
        # halves are merged in corpus order, which gives what one scan would.
        halves = parallel.halves(list(corpus.documents.values()), lambda d: len(d.passages))
        for part, part_roles, part_entities in parallel.map_forked(
                lambda docs: _scan_part(drafts, docs, corpus.synonyms), halves,
                sum(len(d.passages) for half in halves for d in half)):
            scan.merge(part, part_roles)
            registry.merge(part_entities)
        bylines = _bylines(corpus, drafts)
        rank = {p.id: i for i, p in enumerate(corpus.passages())}
        people = []
        for index, draft in enumerate(drafts):
            roles = draft.curated_roles or tuple(draft.found_roles)
            people.append(Person(
                name=draft.name,
                aliases=draft.aliases,
                roles=tuple(sorted(roles, key=lambda r: rank.get(r.passage, 0))),
                bylines=tuple(bylines[index]),
                quotes=tuple(scan.quotes[index]),
                mentions=tuple(scan.mentions[index]),
                keys=lookup_keys(draft.name, draft.aliases),
                named_in=scan.paragraphs[index],
                named_in_articles=len(scan.documents[index]),
                curated=draft.curated,
            ))
        by_key: dict[str, list[int]] = {}
        for index, person in enumerate(people):
            for key in person.keys:
                by_key.setdefault(key, []).append(index)
        person_keys = {name_key(f) for d in drafts for f in (d.name, *d.aliases)}
        entities = {k: e for k, e in registry.finish().items() if k not in person_keys}
        return cls(tuple(people), {k: tuple(v) for k, v in by_key.items()}, entities,
                   scan.matcher, tuple(frozenset(docs | {b.doc for b in bylines[i]})
                                       for i, docs in enumerate(scan.documents)))

    # -- queries

    def __iter__(self) -> Iterator[Person]:
        return iter(self.people)

    def __len__(self) -> int:
        return len(self.people)

    def names(self) -> list[str]:
        """Canonical names, sorted: for autocomplete and "who is in the corpus"."""
        return sorted((p.name for p in self.people), key=fold)

    def find(self, query: str) -> list[Person]:
        """The people ``query`` names exactly (case, spaces and hyphens aside).

        One person is a match; several mean the query is ambiguous (a shared surname);
        none means it is not a name the corpus uses. A full name beats a shared part.
        """
        key = name_key(query)
        hits = self._by_key.get(key, ())
        if not hits:
            words = [w for w in fold(query).split() if w.strip(".") not in _HONORIFICS]
            if words and len(words) < len(query.split()):
                hits = self._by_key.get(name_key(" ".join(words)), ())
        people = [self.people[i] for i in hits]
        exact = [p for p in people if name_key(p.name) == key]
        return exact if len(exact) == 1 else people

    def entity(self, query: str) -> Entity | None:
        """The organisation or place ``query`` names ("Japan", "the LDP"), if any."""
        return self.entities.get(entity_key(query))

    def canonical(self, name: str) -> str:
        """The directory's name for ``name`` (a person or an entity), else ``name`` itself."""
        people = self.find(name)
        if len(people) == 1:
            return people[0].name
        found = self.entity(name)
        return found.name if found else name

    def kind_of(self, name: str) -> str | None:
        """``"person"``, ``"organisation"``, ``"place"`` or ``None`` for a canonical name."""
        if len(self.find(name)) == 1:
            return "person"
        found = self.entity(name)
        return found.kind if found else None

    def named(self, text: str, lo: int = 0, hi: int | None = None, doc: str | None = None
              ) -> list[Named]:
        """Everyone ``text[lo:hi]`` names, by canonical name, in text order.

        People first (a shared surname counts when the text before ``lo`` names one of its
        owners in full, else when document ``doc`` names only one of them), then a place's
        officials ("Taiwanese officials" are Taiwan, speaking as an organisation), then the
        organisations and places that nothing before overlaps.
        """
        hi = len(text) if hi is None else hi
        found: list[Named] = []
        for owners, start, end in self._matcher.finditer(text, lo, hi):
            if len(owners) > 1:
                before = text[:start].casefold()
                owners = tuple(i for i in owners if self.people[i].name.casefold() in before) \
                    or tuple(i for i in owners if doc and self._in_document(i, doc))
            if len(owners) == 1:
                found.append(Named(self.people[owners[0]].name, "person", start, end))
        taken = [(n.start, n.end) for n in found]
        for start, end, word in officials_mentions(text, lo, hi):
            place = self.entity(DEMONYM_PLACES.get(word.lower(), word))
            if place and place.kind == "place" and not any(s < end and start < e
                                                           for s, e in taken):
                found.append(Named(place.name, "organisation", start, end))
                taken.append((start, end))
        for start, end, _kind in entities_in(text, lo, hi):
            entity = self.entities.get(entity_key(text[start:end]))
            if entity and not any(s < end and start < e for s, e in taken):
                found.append(Named(entity.name, entity.kind, start, end))
                taken.append((start, end))
        return sorted(found, key=lambda n: n.start)

    def _in_document(self, index: int, doc: str) -> bool:
        """Whether person ``index`` is mentioned in, or credited with, document ``doc``."""
        # One set look-up: an author credited with thousands of articles would otherwise
        # cost a scan of their bylines at every shared surname.
        return doc in self._documents[index]

    def closest(self, query: str, limit: int = 3) -> list[tuple[str, float]]:
        """Canonical names most like ``query`` with their scores (0–100), best first.

        Compares the query with every name, alias and name part, so "Kishy" finds Nobuo
        Kishi and "lai chingte" Lai Ching-te.
        """
        key = name_key(query)
        if not key:
            return []
        scored = []
        for person in self.people:
            score = max(fuzz.ratio(key, k) for k in person.keys)
            scored.append((person.name, round(score, 1)))
        scored.sort(key=lambda item: (-item[1], fold(item[0])))
        return scored[:limit]


def _bylines(corpus: Corpus, drafts: list[_Draft]) -> list[list[Byline]]:
    """Each person's front-matter credits, matched by name or alias."""
    by_key: dict[str, int] = {}
    for index, draft in enumerate(drafts):
        for key in (name_key(draft.name), *map(name_key, draft.aliases)):
            by_key.setdefault(key, index)
    found: list[list[Byline]] = [[] for _ in drafts]
    for doc in corpus.documents.values():
        for credit, value in (("author", doc.author), ("translator", doc.translator)):
            for name in split_credit(value or ""):
                if name_key(name) in by_key:
                    found[by_key[name_key(name)]].append(Byline(doc.id, credit))
    return found
