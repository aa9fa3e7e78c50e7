"""The hand-kept files: ``people.yaml``, ``topics.yaml`` and ``synonyms.yaml``.

Each parser reports every problem of its file with the line of the offending value and keeps
every entry it can use, so one bad entry neither hides the next problem nor the good entries.
A key the parser does not read (``qurey:``, ``aliasses:``) is a problem at its line, with the
closest valid key suggested: left alone it would be a typo that silently changes the answers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.corpus.articles import ID_RE
from bot.corpus.model import TOPIC_KEYS, PersonEntry, Role, Topic
from bot.corpus.yamlfile import LineDict, LineList, line_of, load_yaml, unknown_keys
from bot.errors import KnowledgeError

T = TypeVar("T")
_Parser = Callable[[Path, Any, list[KnowledgeError]], T]

#: The keys of a person in ``people.yaml``, and of each of their roles (what the parser reads).
PERSON_KEYS = ("name", "aliases", "roles")
ROLE_KEYS = ("role", "passage")


def parse_people(path: Path, problems: list[KnowledgeError] | None = None
                 ) -> list[PersonEntry]:
    """Parse ``people.yaml``: ``people:`` is a list of {name, aliases, roles: [{role, passage}]}.

    Problems are appended to ``problems`` if given, else the first is raised (so are all
    parsers here). Names must not be empty and no name or alias may belong to two people.
    """
    return _parse(path, "people", LineList, _people, problems, default=[])


def parse_topics(path: Path, problems: list[KnowledgeError] | None = None
                 ) -> dict[str, Topic]:
    """Parse ``topics.yaml``: ``topics:`` maps a name to a mapping of the keys of
    :data:`~bot.corpus.model.TOPIC_KEYS` (description, query, cues, weak_cues, aliases)."""
    return _parse(path, "topics", LineDict, _topics, problems, default={})


def parse_synonyms(path: Path, problems: list[KnowledgeError] | None = None
                   ) -> list[tuple[str, ...]]:
    """Parse ``synonyms.yaml``: ``synonyms:`` is a list of groups of two or more terms."""
    return _parse(path, "synonyms", LineList, _synonyms, problems, default=[])


def _parse(path: Path, section: str, kind: type, parser: _Parser[T],
           problems: list[KnowledgeError] | None, default: T) -> T:
    found: list[KnowledgeError] = []
    result = default
    try:
        data = load_yaml(path, problems=found)
        if data is not None:
            body = data.get(section) if isinstance(data, dict) else None
            if not isinstance(data, dict) or not isinstance(body, kind | None):
                shape = "list" if kind is LineList else "mapping"
                raise KnowledgeError(path, f"expected a mapping with a '{section}:' {shape}",
                                     line_of(body, line_of(data, 1)))
            if body:
                result = parser(path, body, found)
            if isinstance(data, LineDict):
                found.extend(unknown_keys(path, data, (section,)))
    except KnowledgeError as exc:
        found.append(exc)
    if problems is None:
        if found:
            raise found[0]
    else:
        problems.extend(found)
    return result


def _key(text: str) -> str:
    """How names and aliases are compared: case and spacing do not make a new name."""
    return " ".join(text.casefold().split())


def _string_list(path: Path, value: Any, what: str, line: int,
                 problems: list[KnowledgeError]) -> tuple[str, ...]:
    """The non-empty strings of a list (or one string); a problem for each other item."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = LineList([value])
        value.line, value.item_lines = line, [line]
    if not isinstance(value, list):
        problems.append(KnowledgeError(path, f"{what} must be a list of text", line_of(value,
                                                                                       line)))
        return ()
    kept = []
    for index, item in enumerate(value):
        if isinstance(item, str) and item.strip():
            kept.append(item.strip())
        else:
            where = value.line_of(index) if isinstance(value, LineList) else line
            problems.append(KnowledgeError(path, f"{what}: item {item!r} must be non-empty "
                                                 "text", where))
    return tuple(kept)


def _people(path: Path, items: LineList, problems: list[KnowledgeError]) -> list[PersonEntry]:
    entries: list[PersonEntry] = []
    claimed: dict[str, tuple[str, int]] = {}  # name or alias key -> (person, line)
    for index, item in enumerate(items):
        line = line_of(item, items.line_of(index))
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(item, LineDict):  # checked first: `nmae:` is why a name is missing
            who = f"person {name.strip()!r}: " if isinstance(name, str) and name.strip() else ""
            problems.extend(unknown_keys(path, item, PERSON_KEYS, owner=who))
        if not isinstance(name, str) or not name.strip():
            problems.append(KnowledgeError(path, "each person needs a non-empty 'name'",
                                           item.line_of("name") if isinstance(item, LineDict)
                                           else line))
            continue
        name = name.strip()
        aliases = _string_list(path, item.get("aliases"), f"aliases of {name!r}",
                               item.line_of("aliases"), problems)
        for alias_index, claim in enumerate((name, *aliases)):
            where = (item.line_of("name") if alias_index == 0
                     else _item_line(item.get("aliases"), alias_index - 1, line))
            owner = claimed.get(_key(claim))
            if owner and owner[0] != name:
                problems.append(KnowledgeError(path, f"{claim!r} of {name!r} is already the name "
                                                     f"or an alias of {owner[0]!r} (line "
                                                     f"{owner[1]})", where))
            elif not owner:
                claimed[_key(claim)] = (name, where)
        entries.append(PersonEntry(name=name, aliases=aliases,
                                   roles=_roles(path, name, item.get("roles"), line, problems),
                                   line=line))
    return entries


def _item_line(value: Any, index: int, default: int) -> int:
    return value.line_of(index) if isinstance(value, LineList) else default


def _roles(path: Path, name: str, value: Any, line: int,
           problems: list[KnowledgeError]) -> tuple[Role, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(KnowledgeError(path, f"roles of {name!r} must be a list", line))
        return ()
    roles = []
    for role in value:
        if isinstance(role, LineDict):
            problems.extend(unknown_keys(path, role, ROLE_KEYS, owner=f"role of {name!r}: "))
        text, passage = (role.get("role"), role.get("passage")) if isinstance(role, dict) else (
            None, None)
        if not (isinstance(text, str) and text.strip() and isinstance(passage, str)):
            problems.append(KnowledgeError(path, f"each role of {name!r} needs 'role' and "
                                                 "'passage' (a passage id such as doc#p3)",
                                           line_of(role, line)))
            continue
        roles.append(Role(text.strip(), passage.strip(), line_of(role, line)))
    return tuple(roles)


def _topics(path: Path, specs: LineDict, problems: list[KnowledgeError]) -> dict[str, Topic]:
    topics: dict[str, Topic] = {}
    claimed: dict[str, str] = {}  # topic name or alias key -> topic
    for name, spec in specs.items():
        line = specs.line_of(name)
        if not isinstance(name, str) or not ID_RE.match(name):
            problems.append(KnowledgeError(path, f"topic name {name!r} must be lower-case words "
                                                 "joined by hyphens", line))
            continue
        if isinstance(spec, LineDict):
            problems.extend(unknown_keys(path, spec, list(TOPIC_KEYS), owner=f"topic {name!r}: "))
        description = spec.get("description") if isinstance(spec, dict) else None
        if not isinstance(description, str) or not description.strip():
            problems.append(KnowledgeError(path, f"topic {name!r} needs a 'description'",
                                           line_of(spec, line)))
            continue
        query = spec.get("query", name.replace("-", " "))
        if not isinstance(query, str) or not query.replace(";", " ").replace("|", " ").strip():
            problems.append(KnowledgeError(path, f"topic {name!r}: 'query' must be words to "
                                                 "search for", spec.line_of("query")))
            continue
        # Any: each value goes to the Topic field of its key, all tuples of text.
        phrases: dict[str, Any] = {
            key: _string_list(path, spec.get(key), f"{key} of topic {name!r}", spec.line_of(key),
                              problems)
            for key, kind in TOPIC_KEYS.items() if kind == "phrases"}
        for claim in (name, *phrases["aliases"]):
            owner = claimed.setdefault(_key(claim), name)
            if owner != name:
                problems.append(KnowledgeError(path, f"topic {name!r}: {claim!r} already names "
                                                     f"topic {owner!r}", spec.line_of("aliases")))
        topics[name] = Topic(name=name, description=description.strip(), query=query.strip(),
                             line=line, **phrases)
    return topics


def _synonyms(path: Path, groups: LineList, problems: list[KnowledgeError]
              ) -> list[tuple[str, ...]]:
    kept = []
    for index, group in enumerate(groups):
        line = groups.line_of(index)
        terms = _string_list(path, group, "a synonym group", line, problems)
        if len(terms) < 2:
            problems.append(KnowledgeError(path, f"synonym group {list(terms)} needs at least "
                                                 "two terms", line))
            continue
        if len(set(map(_key, terms))) < len(terms):
            problems.append(KnowledgeError(path, f"synonym group {list(terms)} repeats a term",
                                           line))
        kept.append(terms)
    return kept
