"""Who is in the directory: curated ``people.yaml`` entries merged over discovered people.

Curated entries win: their name, aliases and roles replace what the rules found; the rules
still supply everyone the YAML does not list, so a new article's people appear without editing
YAML. Front-matter credits (bylines) are matched to the merged people here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.corpus import Corpus, PersonEntry
from bot.people.discover import Candidate
from bot.people.model import Byline, PersonRole
from bot.people.names import implied_aliases, name_key, split_credit
from bot.people.roles import nameless_bio


@dataclass
class Draft:
    """A person while the directory is being built."""

    name: str
    aliases: tuple[str, ...]
    curated_roles: tuple[PersonRole, ...] = ()
    found_roles: list[PersonRole] = field(default_factory=list)
    curated: bool = False


def drafts(entries: list[PersonEntry], candidates: list[Candidate]) -> list[Draft]:
    """Curated entries, then every candidate no entry covers (matched by name or alias key)."""
    found: list[Draft] = []
    by_key: dict[str, Draft] = {}
    for entry in entries:
        draft = Draft(entry.name, entry.aliases or implied_aliases(entry.name),
                      tuple(PersonRole(r.text, r.passage) for r in entry.roles), curated=True)
        found.append(draft)
        for key in (name_key(entry.name), *map(name_key, entry.aliases)):
            by_key.setdefault(key, draft)
    for cand in candidates:
        known = by_key.get(name_key(cand.name))
        if known is not None:
            draft = known
        else:
            aliases = tuple(dict.fromkeys((*implied_aliases(cand.name), *cand.aliases)))
            draft = Draft(cand.name, aliases)
            found.append(draft)
            by_key[name_key(cand.name)] = draft
        draft.found_roles.extend(r for r in cand.roles if r not in draft.found_roles)
    return found


def bylines(corpus: Corpus, people: list[Draft]
            ) -> tuple[list[list[Byline]], list[list[PersonRole]]]:
    """Each person's front-matter credits, matched by name or alias, and the roles stated
    for them by a byline that names no one: "The author is a retired captain …" is the
    role of an article's one author (cited as its byline, ``doc#byline``)."""
    by_key: dict[str, int] = {}
    for index, draft in enumerate(people):
        for key in (name_key(draft.name), *map(name_key, draft.aliases)):
            by_key.setdefault(key, index)
    found: list[list[Byline]] = [[] for _ in people]
    roles: list[list[PersonRole]] = [[] for _ in people]
    for doc in corpus.documents.values():
        for credit, value in (("author", doc.author), ("translator", doc.translator)):
            for name in split_credit(value or ""):
                if name_key(name) in by_key:
                    found[by_key[name_key(name)]].append(Byline(doc.id, credit))
        authors = split_credit(doc.author or "")
        bio = nameless_bio(doc.byline) if doc.byline else None
        if doc.byline and bio and not bio[2] and len(authors) == 1 and \
                name_key(authors[0]) in by_key:
            roles[by_key[name_key(authors[0])]].append(
                PersonRole(doc.byline[bio[0]:bio[1]], f"{doc.id}#byline", "bio"))
    return found, roles
