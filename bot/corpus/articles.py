"""Article files: YAML front matter between ``---`` lines, then paragraphs."""

from __future__ import annotations

import datetime as dt
import re
from itertools import compress
from pathlib import Path
from typing import Any

from bot.corpus.model import Document, Passage
from bot.corpus.yamlfile import LineDict, load_yaml, read_text, simple_mapping, unknown_keys
from bot.errors import KnowledgeError

#: Front-matter keys an article may carry; anything else is probably a typo.
FRONT_MATTER_KEYS = ("id", "title", "author", "translator", "byline", "publisher", "published",
                     "origin")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TEXT_KEYS = ("title", "author", "translator", "byline", "publisher", "origin")


def parse_article(path: Path, text: str | None = None,
                  problems: list[KnowledgeError] | None = None) -> Document | None:
    """Parse one article file.

    Paragraphs are separated by blank lines; the lines of one paragraph are joined with a
    space. Every problem (missing or malformed front matter, unknown or ill-typed keys, an
    impossible date, an empty body) is a :class:`KnowledgeError` with its line: appended to
    ``problems`` if given — the document is still returned when its id and body are usable,
    so later checks do not report the same fault again — else the first is raised.
    """
    found: list[KnowledgeError] = []
    document = _parse(path, text, found)
    if problems is None:
        if found:
            raise found[0]
        return document
    problems.extend(found)
    return document


def _parse(path: Path, text: str | None, problems: list[KnowledgeError]) -> Document | None:
    try:
        text = read_text(path) if text is None else text.removeprefix("\ufeff")
        lines = text.splitlines()
        if not lines or lines[0].strip() != "---":
            raise KnowledgeError(path, "missing front matter: the file must start with a "
                                       "'---' line", 1)
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is None:
            raise KnowledgeError(path, "front matter is not closed by a '---' line", 1)
        meta = simple_mapping(lines[1:end]) or load_yaml(
            path, "\n".join(lines[1:end]), line_offset=1, problems=problems)
    except KnowledgeError as exc:
        problems.append(exc)
        return None
    if not isinstance(meta, LineDict):
        problems.append(KnowledgeError(path, "front matter must be a mapping of keys to values",
                                       2))
        return None
    fields = _front_matter(path, meta, problems)

    doc_id = fields.get("id") or ""
    passages = [Passage(doc_id, n, text, line)
                for n, (text, line) in enumerate(paragraphs(lines, end + 1), 1)]
    if not passages:
        problems.append(KnowledgeError(path, "the article has no body text after its front "
                                             "matter", end + 1))
    if not doc_id or not passages:
        return None
    return Document(
        id=doc_id,
        title=fields.get("title"),
        author=fields.get("author"),
        translator=fields.get("translator"),
        publisher=fields.get("publisher"),
        published=fields.get("published"),
        origin=fields.get("origin"),
        passages=tuple(passages),
        path=path,
        byline=fields.get("byline"),
    )


def paragraphs(lines: list[str], first: int) -> list[tuple[str, int]]:
    """The paragraphs of ``lines[first:]`` with the (1-based) line each starts on: runs of
    non-blank lines, each line stripped, joined with a space."""
    stripped = list(map(str.strip, lines[first:]))
    found: list[tuple[str, int]] = []
    run: list[str] = []
    previous = -2
    # Only non-blank lines are visited (most articles have as many blank ones).
    for i in compress(range(len(stripped)), stripped):
        if i != previous + 1 and run:
            found.append((" ".join(run), first + previous - len(run) + 2))
            run = []
        run.append(stripped[i])
        previous = i
    if run:
        found.append((" ".join(run), first + previous - len(run) + 2))
    return found


def _front_matter(path: Path, meta: LineDict, problems: list[KnowledgeError]) -> dict[str, Any]:
    """The usable front-matter fields; a problem for each key that is not."""
    def line(key: str) -> int:
        return meta.key_lines.get(key, 1) + 1  # front matter starts on the file's line 2

    problems.extend(unknown_keys(path, meta, FRONT_MATTER_KEYS, noun="front-matter key",
                                 line_offset=1))
    fields: dict[str, Any] = {}
    doc_id = meta.get("id")
    if isinstance(doc_id, str) and ID_RE.match(doc_id):
        fields["id"] = doc_id
    else:
        problems.append(KnowledgeError(
            path, "front matter needs an 'id' of lower-case letters, digits and hyphens",
            line("id")))
    for key in _TEXT_KEYS:
        value = meta.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            problems.append(KnowledgeError(path, f"{key!r} must be text or left out", line(key)))
        elif value is not None:
            fields[key] = value
    published = meta.get("published")
    if isinstance(published, dt.datetime):
        fields["published"] = published.date()
    elif isinstance(published, dt.date):
        fields["published"] = published
    elif isinstance(published, str):
        try:
            fields["published"] = dt.date.fromisoformat(published)
        except ValueError:
            problems.append(KnowledgeError(
                path, f"'published' must be a date like 2021-08-02, not {published!r}",
                line("published")))
    elif published is not None:
        problems.append(KnowledgeError(path, "'published' must be a date like 2021-08-02",
                                       line("published")))
    return fields
