"""The people directory: everyone the corpus names, looked up by any alias or found in text.

Built once per corpus (the knowledge base caches it), so a ``who`` lookup is a dictionary
access, and :meth:`PeopleDirectory.named` (which every briefing and attribution calls for each
sentence) costs the same however many people share a surname.

A name discovery finds speaking that is, as a whole, a place of the gazetteer ("Saudi Arabia
said", "Sri Lanka said": :mod:`bot.people.places`) is no person: it is a place, and where the
text names it, it is named as the organisation it speaks for, its government, as a place's
officials are ("Taiwanese officials"). People named like towns ("Paul Jackson") are not
wholly places and stay people.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from bot import parallel
from bot.corpus import Corpus
from bot.people.attribution import Named, officials_mentions
from bot.people.directory.drafts import bylines, drafts
from bot.people.directory.scan import Found, Scan, scan_part
from bot.people.directory.stored import StoredPeople
from bot.people.discourse import Context
from bot.people.discover import discover
from bot.people.entities import DEMONYM_PLACES, Entity, EntityRegistry, entities_in, entity_key
from bot.people.matcher import NameMatcher
from bot.people.model import Person
from bot.people.names import lookup_keys, name_key
from bot.people.places import is_place
from bot.text import fold

if TYPE_CHECKING:
    from bot.knowledge import KnowledgeBase

# Words a user may put before a name ("President Tsai", "Mr Kishi"): dropped on a retry.
_HONORIFICS_TEXT = """mr mrs ms miss dr prof professor sir president vice prime minister
    deputy defense defence foreign secretary former late chairman premier general the"""
_HONORIFICS = frozenset(_HONORIFICS_TEXT.split())


def build_directory(kb: KnowledgeBase) -> PeopleDirectory:
    """The ``people`` artifact of a knowledge base (registered in ``bot.knowledge``)."""
    return PeopleDirectory.build(kb.corpus)


def _passage_rank(corpus: Corpus) -> Callable[[str], tuple[int, int]]:
    """The order of passages by id, as :meth:`Corpus.passages` gives them (a byline, which
    is not among them, ranks with the first), without making every passage."""
    order = {doc_id: i for i, doc_id in enumerate(corpus.documents)}

    def rank(passage_id: str) -> tuple[int, int]:
        doc, _, number = passage_id.partition("#p")
        return (order[doc], int(number)) if number.isdigit() and doc in order else (0, 1)
    return rank


@dataclass
class PeopleDirectory:
    """Everyone the corpus names, with roles, quotes and mentions, looked up by any alias."""

    #: Everyone, by index (each card's data decoded when first asked for, once loaded).
    people: StoredPeople = field(default_factory=StoredPeople)
    _by_key: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)
    #: Organisations and places by each key of their names ("ldp", "liberaldemocraticparty").
    entities: dict[str, Entity] = field(default_factory=dict, repr=False)
    _matcher: NameMatcher = field(default_factory=lambda: NameMatcher.of([]), repr=False)
    #: The people (by index) each document mentions or credits, of those who share a name
    #: with someone: what tells them apart (:meth:`_resolved`).
    _document_people: dict[str, frozenset[int]] = field(default_factory=dict, repr=False)
    #: The gazetteer places discovery found speaking (see the module docstring), and the
    #: matcher that finds them in text, by index.
    speaking_places: tuple[str, ...] = ()
    _speaking_matcher: NameMatcher = field(default_factory=lambda: NameMatcher.of([]),
                                           repr=False)
    #: The attribution engine's memo: the context at the start of paragraph ``(doc, n)``,
    #: so attributing any sentence reads each earlier paragraph once. Never pickled.
    contexts: dict[tuple[str, int], Context] = field(default_factory=dict, repr=False,
                                                     compare=False)
    #: The names found in the text :meth:`named` read last, and their starts: its callers
    #: ask for a passage sentence by sentence. Never pickled.
    _last: tuple[str, Found, list[int]] = field(default=("", [], []), repr=False,
                                                compare=False)

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "contexts": {}, "_last": ("", [], [])}

    @classmethod
    def build(cls, corpus: Corpus) -> PeopleDirectory:
        """Discover people in ``corpus``, merge ``people.yaml`` over them and cite everything.

        One pass per document for people, one regex pass per passage for organisations and
        places: linear in the corpus.
        """
        found = discover(corpus)
        # The gazetteer is read only here, once per name found, and only by a build.
        places = {c.name for c in found if is_place(c.name)}
        people_drafts = drafts(corpus.people, [c for c in found if c.name not in places])
        scan = Scan(people_drafts)
        registry = EntityRegistry(corpus.synonyms)
        # Both cores: each half of the documents is scanned by a worker of its own, and the
        # halves are merged in corpus order, which gives what one scan would.
        halves = parallel.halves(list(corpus.documents.values()), lambda d: len(d.passages))
        for part, part_roles, part_entities in parallel.map_forked(
                lambda docs: scan_part(people_drafts, docs, corpus.synonyms), halves,
                sum(len(d.passages) for half in halves for d in half)):
            scan.merge(part, part_roles)
            registry.merge(part_entities)
        credits, bio_roles = bylines(corpus, people_drafts)
        rank = _passage_rank(corpus)
        people = []
        for index, draft in enumerate(people_drafts):
            roles = draft.curated_roles or (*draft.found_roles, *bio_roles[index])
            people.append(Person(
                name=draft.name,
                aliases=draft.aliases,
                roles=tuple(sorted(roles, key=lambda r: rank(r.passage))),
                bylines=tuple(credits[index]),
                quotes=tuple(scan.quotes[index]),
                mentions=tuple(scan.mentions[index]),
                keys=lookup_keys(draft.name, draft.aliases),
                named_in=scan.paragraphs[index],
                named_in_articles=scan.articles[index],
                curated=draft.curated,
            ))
        by_key: dict[str, list[int]] = {}
        for index, person in enumerate(people):
            for key in person.keys:
                by_key.setdefault(key, []).append(index)
        person_keys = {name_key(f) for d in people_drafts for f in (d.name, *d.aliases)}
        entities = {k: e for k, e in registry.finish().items() if k not in person_keys}
        speaking = sorted(places)
        for name in speaking:
            entities.setdefault(entity_key(name), Entity(name, "place"))
        in_documents: dict[str, set[int]] = {}
        for index, docs in scan.documents.items():
            for doc in (*docs, *(b.doc for b in credits[index])):
                in_documents.setdefault(doc, set()).add(index)
        return cls(StoredPeople(people), {k: tuple(v) for k, v in by_key.items()}, entities,
                   scan.matcher, {d: frozenset(p) for d, p in in_documents.items()},
                   tuple(speaking), NameMatcher.of([(name,) for name in speaking]))

    # -- queries

    def __iter__(self) -> Iterator[Person]:
        return iter(self.people)

    def __len__(self) -> int:
        return len(self.people)

    def names(self) -> list[str]:
        """Canonical names, sorted: for autocomplete and "who is in the corpus"."""
        return sorted(self.people.names, key=fold)

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

        People first (a shared surname counts when the text before it names one of its
        owners by a name they alone have, else when document ``doc`` names only one of
        them), then a place's officials ("Taiwanese officials" are Taiwan, speaking as an
        organisation) and the places found speaking ("Saudi Arabia", the same), then the
        organisations and places that nothing before overlaps.
        """
        hi = len(text) if hi is None else hi
        names, starts = self._names_in(text)
        found: list[Named] = []
        for at in range(bisect.bisect_left(starts, lo), len(names)):
            owners, start, end = names[at]
            if end > hi:
                break
            if len(owners) > 1:
                owners = self._resolved(owners, names[:at], doc)
            if len(owners) == 1:
                found.append(Named(self.people.names[next(iter(owners))], "person", start, end))
        taken = [(n.start, n.end) for n in found]
        for start, end, word in officials_mentions(text, lo, hi):
            place = self.entity(DEMONYM_PLACES.get(word.lower(), word))
            if place and place.kind == "place" and not any(s < end and start < e
                                                           for s, e in taken):
                found.append(Named(place.name, "organisation", start, end))
                taken.append((start, end))
        for owners, start, end in self._speaking_matcher.finditer(text, lo, hi):
            if not any(s < end and start < e for s, e in taken):
                found.append(Named(self.speaking_places[next(iter(owners))], "organisation",
                                   start, end))
                taken.append((start, end))
        for start, end, _kind in entities_in(text, lo, hi):
            entity = self.entities.get(entity_key(text[start:end]))
            if entity and not any(s < end and start < e for s, e in taken):
                found.append(Named(entity.name, entity.kind, start, end))
                taken.append((start, end))
        return sorted(found, key=lambda n: n.start)

    def _names_in(self, text: str) -> tuple[Found, list[int]]:
        """The people's names in the whole of ``text`` and where each starts (memoised for
        the last text: callers read a passage sentence by sentence)."""
        last, names, starts = self._last
        if text != last:
            names = list(self._matcher.finditer(text))
            starts = [start for _, start, _ in names]
            self._last = (text, names, starts)
        return names, starts

    def _resolved(self, owners: frozenset[int], before: Found, doc: str | None
                  ) -> frozenset[int]:
        """Which of a shared name's ``owners`` it means: those named ``before`` it by a name
        of their own, else those document ``doc`` names. Never a walk over every owner."""
        earlier = frozenset(next(iter(o)) for o, _, _ in before if len(o) == 1) & owners
        if earlier or not doc:
            return earlier
        # A set intersection walks the smaller set: the document's few people.
        return self._document_people.get(doc, frozenset()) & owners

    def closest(self, query: str, limit: int = 3) -> list[tuple[str, float]]:
        """Canonical names most like ``query`` with their scores (0–100), best first.

        Compares the query with every name, alias and name part, so "Kishy" finds Nobuo
        Kishi and "lai chingte" Lai Ching-te.
        """
        key = name_key(query)
        if not key:
            return []
        scored = []
        for name, keys in zip(self.people.names, self.people.keys, strict=True):
            scored.append((name, round(max(fuzz.ratio(key, k) for k in keys), 1)))
        scored.sort(key=lambda item: (-item[1], fold(item[0])))
        return scored[:limit]
