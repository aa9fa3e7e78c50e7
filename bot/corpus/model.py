"""What a knowledge directory holds: documents and their passages, people, topics, synonyms."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

#: A passage id: ``<doc>#p<n>`` or ``<doc>#byline``.
PASSAGE_RE = re.compile(r"^(?P<doc>[a-z0-9][a-z0-9-]*)#(?:p(?P<n>\d+)|(?P<byline>byline))$")


@dataclass(frozen=True, slots=True)
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
    #: A tuple when parsed from one file; in a loaded corpus, a lazy run of its stored passages
    #: (:mod:`bot.corpus.stored`).
    passages: Sequence[Passage]
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
    line: int = 0  # line of people.yaml where the role is written


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
    #: Cues that mark a point only weakly on their own ("could", "pressure"): a sentence
    #: with no other cue counts half.
    weak_cues: tuple[str, ...] = ()


#: The keys a topic of ``topics.yaml`` may have, and what each holds: ``"text"`` (one line) or
#: ``"phrases"`` (a list of text, or one text), read into the :class:`Topic` field of the same
#: name. The one list: the parser refuses any other key (a typo would be ignored silently),
#: and reads every ``"phrases"`` key by this table, so a new one is a field above and a line here.
TOPIC_KEYS: dict[str, Literal["text", "phrases"]] = {
    "description": "text",
    "query": "text",
    "cues": "phrases",
    "weak_cues": "phrases",
    "aliases": "phrases",
}


@dataclass
class Corpus:
    """Everything loaded from one knowledge directory."""

    root: Path
    #: Loaded (or read from a snapshot), a mapping that makes each document on lookup from the
    #: packed passages (:mod:`bot.corpus.stored`); any mapping will do.
    documents: Mapping[str, Document]
    people: list[PersonEntry] = field(default_factory=list)
    topics: dict[str, Topic] = field(default_factory=dict)
    synonyms: list[tuple[str, ...]] = field(default_factory=list)

    def passages(self) -> Iterator[Passage]:
        """Every passage of every document, in document order."""
        for doc in self.documents.values():
            yield from doc.passages

    def passage(self, passage_id: str) -> Passage:
        """Look up a passage by its id (``doc#p3``); ``KeyError`` if unknown."""
        match = PASSAGE_RE.match(passage_id)
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
