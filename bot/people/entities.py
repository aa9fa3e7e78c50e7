"""Organisations and places the corpus names: what a name is when it is not a person.

A capitalised run of words ("the Japanese Ministry of Defense", "Liberal Democratic Party",
"Japan-Taiwan Co-prosperity Leader Alliance", "Sankei Shimbun") is an organisation when one of
its words is an organisation head (ministry, party, alliance, shimbun …), and an acronym of two
to six capitals (LDP, SDF) is one too. A run is a place when it is a known country, region or
city (Japan, Okinawa) or ends in a place head (Taiwan Strait, Senkaku Islands). A possessive
ends a run: "Liberal Democratic Party’s Abe faction" names the party, then "Abe faction".

Aliases come from the text ("Liberal Democratic Party (LDP)") and from ``synonyms.yaml``
groups ([LDP, Liberal Democratic Party]); an entity's canonical name is its longest spelled-out
form, so "the LDP" and "the Liberal Democratic Party" are one organisation in every reply.
Finding entities is one regex pass per passage, linear in the corpus.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from bot.people.names import name_key

#: Countries, regions and cities: such a name alone is a place.
_PLACES_TEXT = """
    japan china taiwan tokyo taipei beijing washington us usa u.s. america korea vietnam
    australia india europe eu uk britain france germany russia asia pacific indo-pacific
    okinawa senkaku senkakus diaoyutai diaoyutais yonaguni kinmen matsu xiamen fuzhou hanoi
    seoul canada philippines manila singapore indonesia malaysia thailand mongolia ukraine
    israel iran moscow london paris brussels kaohsiung taichung tainan hsinchu osaka kyoto
    hong kong macau tibet xinjiang guam hawaii hokkaido kyushu ryukyu
"""
PLACES = frozenset(_PLACES_TEXT.split())
#: Adjectives of the places, and the place each names: "Japanese" → Japan.
DEMONYM_PLACES = {
    "japanese": "Japan", "chinese": "China", "taiwanese": "Taiwan", "american": "United States",
    "korean": "Korea", "vietnamese": "Vietnam", "australian": "Australia", "indian": "India",
    "european": "Europe", "british": "Britain", "french": "France", "german": "Germany",
    "russian": "Russia", "asian": "Asia", "canadian": "Canada", "philippine": "Philippines",
    "filipino": "Philippines", "israeli": "Israel", "iranian": "Iran", "ukrainian": "Ukraine",
    "okinawan": "Okinawa",
}
DEMONYMS = frozenset(DEMONYM_PLACES)
#: The last word of a place: "Taiwan Strait", "Senkaku Islands".
_PLACE_HEADS_TEXT = """
    strait straits sea ocean island islands isle isles bay river mountain mountains province
    prefecture county city district region peninsula chain township village
"""
PLACE_HEADS = frozenset(_PLACE_HEADS_TEXT.split())
#: Words that make a capitalised run an organisation.
_ORG_HEADS_TEXT = """
    party ministry government administration cabinet diet parliament congress senate assembly
    council committee commission agency bureau department office house court forces army navy
    guard alliance federation forum institute institution university college school academy
    foundation trust center centre bank company corporation group shimbun times post journal
    daily review herald tribune press news network television radio magazine gazette telegraph
    guardian economist reuters bloomberg command union league association coalition caucus
    faction organization organisation cooperative co-operative society club fund chamber
    authority consortium laboratory police board service services secretariat directorate
    industries
"""
ORG_HEADS = frozenset(_ORG_HEADS_TEXT.split())
#: Capitalised acronyms that are places, not organisations.
_PLACE_ACRONYMS = frozenset({"us", "usa", "uk", "prc", "roc", "eu"})

# A capitalised word; "of", "for", "and", "on" (optionally with "the") may join two of them.
_CAP = r"[A-Z][\w’'.&-]*"
# Not glued to a word before it: the capital is matched first, so that ``re`` skips to the
# next capital in C, and the character before it is checked then.
_RUN_RE = re.compile(
    rf"[A-Z](?<![\w’'-].)[\w’'.&-]*(?:\s+(?:(?:of|for|and|on)\s+(?:the\s+)?)?{_CAP})*")
_ACRONYM_RE = re.compile(r"^[A-Z]{2,6}s?$")
_ALIAS_RE = re.compile(r"\s*\(([A-Z][A-Za-z]{1,7})\)")
_POSSESSIVE_RE = re.compile(r"[’']s?$")
_JOIN_WORDS = frozenset({"of", "for", "and", "on", "the"})
# Capitalised words that open a sentence or clause but start no name.
_OPENERS_TEXT = """
    a an the in on at as by to of for from with after before during when while since until but
    and or if so then however meanwhile yet still also although though whereas because last
    this that these those next more most such its his her their our it he she they we i
"""
_OPENERS = frozenset(_OPENERS_TEXT.split())


@dataclass(frozen=True)
class Entity:
    """A named organisation or place: ``kind`` is ``"organisation"`` or ``"place"``."""

    name: str  # canonical: the longest spelled-out form the corpus uses
    kind: str
    aliases: tuple[str, ...] = ()
    passages: int = 0  # passages that name it, for "mentioned in N passages"


def classify(name: str) -> str | None:
    """``"organisation"``, ``"place"`` or ``None`` for a capitalised name as written."""
    words = name.split()
    if not words:
        return None
    bare = [_bare(w) for w in words]
    if len(words) == 1 and _ACRONYM_RE.match(_POSSESSIVE_RE.sub("", words[0])):
        return "place" if bare[0].rstrip("s") in _PLACE_ACRONYMS or bare[0] in PLACES \
            else "organisation"
    if any(w in ORG_HEADS for w in bare):
        return "organisation"
    if (bare[-1] in PLACE_HEADS and len(bare) > 1) or " ".join(bare) in PLACES or (
            len(bare) == 1 and bare[0] in PLACES):
        return "place"
    if all(part in PLACES for w in bare for part in w.split("-")):  # "Japan-Taiwan"
        return "place"
    return None


@functools.lru_cache(maxsize=1 << 17)  # a few thousand words make every run
def _bare(word: str) -> str:
    """A word of a name as :func:`classify` compares it: no possessive, lower case."""
    return _POSSESSIVE_RE.sub("", word).lower().strip(".,")


def runs(text: str, lo: int = 0, hi: int | None = None) -> Iterator[tuple[int, int]]:
    """Spans of capitalised runs in ``text[lo:hi]``, openers trimmed, split at possessives."""
    for match in _RUN_RE.finditer(text, lo, len(text) if hi is None else hi):
        base = match.start()
        for start, end in _run_names(match.group()):
            yield base + start, base + end


def entities_in(text: str, lo: int = 0, hi: int | None = None
                ) -> Iterator[tuple[int, int, str]]:
    """``(start, end, kind)`` of every organisation and place named in ``text[lo:hi]``."""
    for match in _RUN_RE.finditer(text, lo, len(text) if hi is None else hi):
        base = match.start()
        for start, end, kind in _run_entities(match.group()):
            yield base + start, base + end, kind


_TRIMMED = _OPENERS | _JOIN_WORDS


# A run's names and entities depend on the run's text alone, and a corpus repeats the same few
# thousand runs ("Japan", "Liberal Democratic Party") in every other passage: each distinct run
# is split and classified once.
@functools.lru_cache(maxsize=1 << 16)
def _run_names(run: str) -> tuple[tuple[int, int], ...]:
    """The spans (within ``run``) of the names in one capitalised run."""
    if "’" not in run and "'" not in run and "  " not in run and run.isprintable():
        return _plain_run_names(run)
    pieces = list(re.finditer(r"\S+", run))
    names: list[tuple[int, int]] = []
    start = 0
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1
        if (_POSSESSIVE_RE.search(piece.group()) and piece.group()[:1].isupper()) or last:
            chunk = pieces[start:i + 1]
            while chunk and chunk[0].group().lower() in _TRIMMED:
                chunk = chunk[1:]
            while chunk and chunk[-1].group().lower() in _JOIN_WORDS:
                chunk = chunk[:-1]
            if chunk:
                word = chunk[-1].group()
                bare = _POSSESSIVE_RE.sub("", word)
                if bare.endswith(".") and "." not in bare[:-1]:  # "Taipei." ends a sentence
                    bare = bare[:-1]
                names.append((chunk[0].start(), chunk[-1].end() - (len(word) - len(bare))))
            start = i + 1
    return tuple(names)


def _plain_run_names(run: str) -> tuple[tuple[int, int], ...]:
    """:func:`_run_names` of a run without possessives, its words one space apart (most
    runs): one name, the run less its openers and trailing joiners."""
    words = run.split(" ")
    first, last = 0, len(words)
    while first < last and words[first].lower() in _TRIMMED:
        first += 1
    while last > first and words[last - 1].lower() in _JOIN_WORDS:
        last -= 1
    if first == last:
        return ()
    start = sum(len(w) + 1 for w in words[:first])
    end = start + sum(len(w) + 1 for w in words[first:last]) - 1
    word = words[last - 1]
    if word.endswith(".") and "." not in word[:-1]:  # "Taipei." ends a sentence
        end -= 1
    return ((start, end),)


@functools.lru_cache(maxsize=1 << 16)
def _run_entities(run: str) -> tuple[tuple[int, int, str], ...]:
    """``(start, end, kind)`` (within ``run``) of the entities one capitalised run names."""
    return tuple((start, end, kind) for start, end in _run_names(run)
                 if (kind := classify(run[start:end])))


@functools.lru_cache(maxsize=1 << 16)
def _run_keys(run: str) -> tuple[tuple[str, str, str], ...]:
    """``(name, key, kind)`` of each entity one capitalised run names."""
    return tuple((run[start:end], entity_key(run[start:end]), kind)
                 for start, end, kind in _run_entities(run))


@functools.lru_cache(maxsize=1 << 16)  # the same few thousand names, in every passage
def entity_key(name: str) -> str:
    """The lookup key of an entity name: "the LDP", "LDP’s" and "ldp" agree."""
    return name_key(re.sub(r"^(?:the|The)\s+", "", name.strip()))


class EntityRegistry:
    """Collects entities passage by passage, then :meth:`finish` merges aliases."""

    def __init__(self, synonyms: Iterable[Sequence[str]] = ()) -> None:
        self._synonyms = [tuple(group) for group in synonyms]
        self._kinds: dict[str, str] = {}
        self._forms: dict[str, str] = {}  # key -> the form first seen
        self._counts: Counter[str] = Counter()
        self._aliases: list[tuple[str, str]] = []  # (full name, acronym) from the text

    def add_text(self, text: str) -> None:
        """Record the entities one passage names (each counted once per passage)."""
        seen: set[str] = set()
        kinds = self._kinds
        for run in _RUN_RE.findall(text):
            for name, key, kind in _run_keys(run):
                if key not in kinds:
                    kinds[key] = kind
                    self._forms[key] = name
                seen.add(key)
        self._counts.update(seen)
        if "(" in text:  # "Liberal Democratic Party (LDP)": an acronym given in the text
            for start, end, kind in entities_in(text):
                alias = _ALIAS_RE.match(text, end)
                if alias and kind == "organisation":
                    self._aliases.append((text[start:end], alias[1]))

    def merge(self, later: EntityRegistry) -> None:
        """Add what a registry of the passages after this one's recorded, as if this one had
        read them too."""
        for key, kind in later._kinds.items():
            self._kinds.setdefault(key, kind)
        for key, form in later._forms.items():
            self._forms.setdefault(key, form)
        self._counts.update(later._counts)
        self._aliases.extend(later._aliases)

    def finish(self) -> dict[str, Entity]:
        """Every entity by each of its keys (canonical name and aliases)."""
        parent: dict[str, str] = {}

        def root(key: str) -> str:
            while parent.get(key, key) != key:
                key = parent[key]
            return key

        def union(a: str, b: str) -> None:
            parent[root(a)] = root(b)

        for full, acronym in self._aliases:
            union(entity_key(acronym), entity_key(full))
            self._forms.setdefault(entity_key(acronym), acronym)
            self._kinds.setdefault(entity_key(acronym), "organisation")
        for group in self._synonyms:
            keys = [entity_key(term) for term in group]
            known = [k for k in keys if k in self._kinds]
            if not known:
                continue
            for term, key in zip(group, keys, strict=True):
                if term[:1].isupper() and classify(term) == self._kinds[known[0]]:
                    self._forms.setdefault(key, term)
                    self._kinds.setdefault(key, self._kinds[known[0]])
                    union(key, known[0])
            # [TRA, Taiwan Relations Act]: the acronym of a law or a phrase is no organisation.
            if any(classify(term) is None for term in group if not _ACRONYM_RE.match(term)):
                for key in keys:
                    if key in self._kinds and _ACRONYM_RE.match(self._forms[key]):
                        del self._kinds[key]
        members: dict[str, list[str]] = {}
        for key in self._kinds:
            members.setdefault(root(key), []).append(key)
        found: dict[str, Entity] = {}
        for keys in members.values():
            forms = [self._forms[k] for k in keys]
            spelled = [f for f in forms if not _ACRONYM_RE.match(f)] or forms
            name = max(spelled, key=lambda f: (len(f), f))
            name = re.sub(r"^(?:the|The)\s+", "", name)
            entity = Entity(name, self._kinds[keys[0]],
                            tuple(sorted({f for f in forms if f != name})),
                            sum(self._counts.get(k, 0) for k in keys))
            for key in keys:
                found[key] = entity
        return found
