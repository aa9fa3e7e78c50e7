"""The knowledge directory: documents, passages, people, topics and synonyms.

Loading validates everything and raises :class:`~bot.errors.KnowledgeError` naming the file,
the line and the problem. A bad file is never skipped silently: :func:`check_knowledge`
collects every problem so ``briefbot check`` can report them all at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.bundled import bundled_path
from bot.errors import KnowledgeError

#: The knowledge directory that ships with the package (the bundled corpus).
BUNDLED_KNOWLEDGE = bundled_path("knowledge")

#: Front-matter keys an article may carry; anything else is probably a typo.
FRONT_MATTER_KEYS = ("id", "title", "author", "translator", "byline", "publisher", "published",
                     "origin")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PASSAGE_RE = re.compile(r"^(?P<doc>[a-z0-9][a-z0-9-]*)#(?:p(?P<n>\d+)|(?P<byline>byline))$")


@dataclass(frozen=True)
class Passage:
    """One paragraph of a document: the unit that is indexed and cited."""

    doc_id: str
    number: int  # 1-based paragraph number within the document; 0 for the byline
    text: str
    line: int = 0  # line of the article file where the paragraph starts

    @property
    def id(self) -> str:
        """The stable citation id, ``<doc>#p<number>`` (``<doc>#byline`` for the byline)."""
        return f"{self.doc_id}#p{self.number}" if self.number else f"{self.doc_id}#byline"


@dataclass(frozen=True)
class Document:
    """An article: metadata from its front matter and its body as passages.

    Metadata the text does not support stays ``None``; nothing is filled in.
    """

    id: str
    title: str | None
    author: str | None
    translator: str | None
    publisher: str | None
    published: dt.date | None
    origin: str | None
    passages: tuple[Passage, ...]
    path: Path | None = None
    #: The author line or bio printed with the article, verbatim. Not part of the body (it is
    #: not indexed) but citable as ``<doc>#byline``, e.g. for the author's stated role.
    byline: str | None = None

    @property
    def byline_passage(self) -> Passage | None:
        """The byline as a citable passage (number 0), if the article has one."""
        return Passage(self.id, 0, self.byline) if self.byline else None

    @property
    def label(self) -> str:
        """A title to show: the headline if known, else the opening words of the article.

        The fallback quotes the text verbatim rather than inventing a headline.
        """
        if self.title:
            return self.title
        words = self.passages[0].text.split() if self.passages else []
        opening = " ".join(words[:8])
        return f"“{opening}…”" if len(words) > 8 else f"“{opening}”"

    def passage(self, number: int) -> Passage:
        """Return paragraph ``number`` (1-based); ``KeyError`` if there is none."""
        if not 1 <= number <= len(self.passages):
            raise KeyError(f"{self.id}#p{number}")
        return self.passages[number - 1]


@dataclass(frozen=True)
class Role:
    """A role of a person as the corpus states it, with the passage that states it."""

    text: str
    passage: str  # passage id


@dataclass(frozen=True)
class PersonEntry:
    """A curated entry of ``people.yaml``."""

    name: str
    aliases: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Topic:
    """A named topic of ``topics.yaml``: what to search for and which cue phrases mark a point."""

    name: str
    description: str
    query: str
    cues: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    line: int = 0


@dataclass
class Corpus:
    """Everything loaded from one knowledge directory."""

    root: Path
    documents: dict[str, Document]
    people: list[PersonEntry] = field(default_factory=list)
    topics: dict[str, Topic] = field(default_factory=dict)
    synonyms: list[tuple[str, ...]] = field(default_factory=list)

    def passages(self) -> Iterator[Passage]:
        """Every passage of every document, in document order."""
        for doc in self.documents.values():
            yield from doc.passages

    def passage(self, passage_id: str) -> Passage:
        """Look up a passage by its id (``doc#p3``); ``KeyError`` if unknown."""
        match = _PASSAGE_RE.match(passage_id)
        if not match or match["doc"] not in self.documents:
            raise KeyError(passage_id)
        doc = self.documents[match["doc"]]
        if match["byline"]:
            if doc.byline_passage is None:
                raise KeyError(passage_id)
            return doc.byline_passage
        return doc.passage(int(match["n"]))

    def fingerprint(self) -> str:
        """A hash of every passage and of the synonyms: changes whenever the index must."""
        digest = hashlib.sha256()
        for passage in self.passages():
            digest.update(f"{passage.id}\0{passage.text}\0".encode())
        for doc in self.documents.values():
            digest.update(f"{doc.id}\0{doc.label}\0{doc.author}\0{doc.byline}\0".encode())
        for group in self.synonyms:
            digest.update(("\x1f".join(group) + "\0").encode())
        return digest.hexdigest()


# --------------------------------------------------------------------------- YAML with lines


class _LineDict(dict):
    """A mapping that remembers the line it started on in its YAML file."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    """``safe_load`` that records the starting line of every mapping."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    mapping = _LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path, text: str | None = None, line_offset: int = 0) -> Any:
    """Parse YAML safely; a syntax error becomes a :class:`KnowledgeError` with its line."""
    if text is None:
        text = _read_text(path)
    try:
        return yaml.load(text, Loader=_LineLoader)  # _LineLoader is a SafeLoader: safe
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        problem = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise KnowledgeError(path, f"invalid YAML: {problem}", line) from exc
    except yaml.YAMLError as exc:
        raise KnowledgeError(path, f"invalid YAML: {exc}") from exc


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise KnowledgeError(path, f"not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise KnowledgeError(path, f"cannot read: {exc.strerror}") from exc


def _line_of(value: Any, default: int = 0) -> int:
    return getattr(value, "line", default)


def _string_list(path: Path, value: Any, what: str, line: int) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise KnowledgeError(path, f"{what} must be a list of non-empty strings", line)
    return tuple(v.strip() for v in value)


# --------------------------------------------------------------------------- articles


def parse_article(path: Path, text: str | None = None) -> Document:
    """Parse one article file: YAML front matter between ``---`` lines, then paragraphs.

    Paragraphs are separated by blank lines; the lines of one paragraph are joined with a
    space. Raises :class:`KnowledgeError` for missing or malformed front matter, unknown or
    ill-typed keys, and an empty body.
    """
    if text is None:
        text = _read_text(path)
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise KnowledgeError(path, "missing front matter: the file must start with a '---' line", 1)
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise KnowledgeError(path, "front matter is not closed by a '---' line", 1) from None
    meta = load_yaml(path, "\n".join(lines[1:end]), line_offset=1)
    if not isinstance(meta, dict):
        raise KnowledgeError(path, "front matter must be a mapping of keys to values", 2)
    _check_front_matter(path, meta, lines, end)

    passages: list[Passage] = []
    buffer: list[str] = []
    start = 0
    for number, line in enumerate([*lines[end + 1 :], ""], start=end + 2):
        if line.strip():
            if not buffer:
                start = number
            buffer.append(line.strip())
        elif buffer:
            passages.append(Passage(meta["id"], len(passages) + 1, " ".join(buffer), start))
            buffer = []
    if not passages:
        raise KnowledgeError(path, "the article has no body text after its front matter", end + 1)

    published = meta.get("published")
    return Document(
        id=meta["id"],
        title=meta.get("title"),
        author=meta.get("author"),
        translator=meta.get("translator"),
        publisher=meta.get("publisher"),
        published=published,
        origin=meta.get("origin"),
        passages=tuple(passages),
        path=path,
        byline=meta.get("byline"),
    )


def _check_front_matter(path: Path, meta: dict, lines: list[str], end: int) -> None:
    def line_of(key: str) -> int:
        for i in range(1, end):
            if lines[i].split(":", 1)[0].strip() == key:
                return i + 1
        return 2

    for key in meta:
        if key not in FRONT_MATTER_KEYS:
            allowed = ", ".join(FRONT_MATTER_KEYS)
            raise KnowledgeError(path, f"unknown front-matter key {key!r} (allowed: {allowed})",
                                 line_of(str(key)))
    doc_id = meta.get("id")
    if not isinstance(doc_id, str) or not _ID_RE.match(doc_id):
        raise KnowledgeError(
            path, "front matter needs an 'id' of lower-case letters, digits and hyphens",
            line_of("id"))
    for key in ("title", "author", "translator", "byline", "publisher", "origin"):
        value = meta.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise KnowledgeError(path, f"{key!r} must be text or left out", line_of(key))
    published = meta.get("published")
    if isinstance(published, str):
        try:
            meta["published"] = dt.date.fromisoformat(published)
        except ValueError:
            raise KnowledgeError(path, f"'published' must be a date like 2021-08-02, "
                                       f"not {published!r}", line_of("published")) from None
    elif isinstance(published, dt.datetime):
        meta["published"] = published.date()
    elif published is not None and not isinstance(published, dt.date):
        raise KnowledgeError(path, "'published' must be a date like 2021-08-02",
                             line_of("published"))


# --------------------------------------------------------------------------- people, topics


def parse_people(path: Path) -> list[PersonEntry]:
    """Parse ``people.yaml``: ``people:`` is a list of {name, aliases, roles: [{role, passage}]}."""
    data = load_yaml(path)
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("people", []), list):
        raise KnowledgeError(path, "expected a mapping with a 'people:' list", _line_of(data, 1))
    entries: list[PersonEntry] = []
    for item in data.get("people") or []:
        line = _line_of(item)
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise KnowledgeError(path, "each person needs a 'name'", line or None)
        roles: list[Role] = []
        for role in item.get("roles") or []:
            if (not isinstance(role, dict) or not isinstance(role.get("role"), str)
                    or not isinstance(role.get("passage"), str)):
                raise KnowledgeError(path, f"each role of {item['name']!r} needs 'role' and "
                                           "'passage' (a passage id such as doc#p3)",
                                     _line_of(role, line))
            roles.append(Role(role["role"].strip(), role["passage"].strip()))
        entries.append(PersonEntry(
            name=item["name"].strip(),
            aliases=_string_list(path, item.get("aliases"), f"aliases of {item['name']!r}", line),
            roles=tuple(roles),
            line=line,
        ))
    return entries


def parse_topics(path: Path) -> dict[str, Topic]:
    """Parse ``topics.yaml``: ``topics:`` maps a name to {description, query, cues, aliases}."""
    data = load_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("topics", {}), dict):
        raise KnowledgeError(path, "expected a mapping with a 'topics:' mapping", _line_of(data, 1))
    topics: dict[str, Topic] = {}
    for name, spec in (data.get("topics") or {}).items():
        line = _line_of(spec)
        if not isinstance(name, str) or not _ID_RE.match(name):
            raise KnowledgeError(path, f"topic name {name!r} must be lower-case words joined "
                                       "by hyphens", line or None)
        if not isinstance(spec, dict) or not isinstance(spec.get("description"), str):
            raise KnowledgeError(path, f"topic {name!r} needs a 'description'", line or None)
        query = spec.get("query", name.replace("-", " "))
        if not isinstance(query, str) or not query.strip():
            raise KnowledgeError(path, f"topic {name!r}: 'query' must be text", line)
        topics[name] = Topic(
            name=name,
            description=spec["description"].strip(),
            query=query.strip(),
            cues=_string_list(path, spec.get("cues"), f"cues of topic {name!r}", line),
            aliases=_string_list(path, spec.get("aliases"), f"aliases of topic {name!r}", line),
            line=line,
        )
    return topics


def parse_synonyms(path: Path) -> list[tuple[str, ...]]:
    """Parse ``synonyms.yaml``: ``synonyms:`` is a list of groups of equivalent terms."""
    data = load_yaml(path)
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("synonyms", []), list):
        raise KnowledgeError(path, "expected a mapping with a 'synonyms:' list", _line_of(data, 1))
    groups = []
    for group in data.get("synonyms") or []:
        terms = _string_list(path, group, "a synonym group", _line_of(data, 1))
        if len(terms) < 2:
            raise KnowledgeError(path, f"synonym group {list(terms)} needs at least two terms")
        groups.append(terms)
    return groups


# --------------------------------------------------------------------------- the directory


def check_knowledge(root: Path) -> list[KnowledgeError]:
    """Return every problem in a knowledge directory (empty when it is valid)."""
    return _load(root)[1]


def load_corpus(root: Path | None = None) -> Corpus:
    """Load and validate a knowledge directory; raise the first :class:`KnowledgeError`."""
    corpus, problems = _load(root or BUNDLED_KNOWLEDGE)
    if problems:
        raise problems[0]
    return corpus


def _load(root: Path) -> tuple[Corpus, list[KnowledgeError]]:
    """Load what can be loaded and collect every problem, without stopping at the first."""
    root = Path(root)
    problems: list[KnowledgeError] = []
    articles_dir = root / "articles"
    if not articles_dir.is_dir():
        problems.append(KnowledgeError(root, "no 'articles/' directory: not a knowledge directory"))
        return Corpus(root, {}), problems

    documents: dict[str, Document] = {}
    paths = sorted(articles_dir.glob("*.md"))
    if not paths:
        problems.append(KnowledgeError(articles_dir, "no articles (*.md) found"))
    for path in paths:
        try:
            doc = parse_article(path)
        except KnowledgeError as exc:
            problems.append(exc)
            continue
        if doc.id in documents:
            first = documents[doc.id].path
            problems.append(KnowledgeError(path, f"duplicate id {doc.id!r} (also in {first})", 2))
            continue
        documents[doc.id] = doc

    corpus = Corpus(root, documents)
    for name, parse, attr in (("people.yaml", parse_people, "people"),
                              ("topics.yaml", parse_topics, "topics"),
                              ("synonyms.yaml", parse_synonyms, "synonyms")):
        path = root / name
        if not path.exists():
            continue
        try:
            setattr(corpus, attr, parse(path))
        except KnowledgeError as exc:
            problems.append(exc)
    problems.extend(_check_references(corpus))
    return corpus, problems


def _check_references(corpus: Corpus) -> Iterator[KnowledgeError]:
    """Every role in people.yaml must cite a passage that exists and contains the role text."""
    path = corpus.root / "people.yaml"
    for person in corpus.people:
        for role in person.roles:
            try:
                passage = corpus.passage(role.passage)
            except KeyError:
                yield KnowledgeError(path, f"{person.name}: role cites unknown passage "
                                           f"{role.passage!r}", person.line or None)
                continue
            if role.text not in passage.text:
                yield KnowledgeError(path, f"{person.name}: role {role.text!r} is not verbatim "
                                           f"in {role.passage}", person.line or None)
