"""``sources`` and ``source ID``: the documents of the knowledge base and their metadata."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from bot.answers.suggest import close_matches
from bot.corpus import Document
from bot.errors import UsageError
from bot.knowledge import KnowledgeBase


@dataclass(frozen=True)
class SourceInfo:
    """A document's metadata. ``None`` means the text does not say."""

    doc: str
    title: str  # the headline, or the article's opening words when it has none
    headline: str | None
    author: str | None
    translator: str | None
    byline: str | None
    publisher: str | None
    published: dt.date | None
    origin: str | None
    paragraphs: int

    @classmethod
    def of(cls, doc: Document) -> SourceInfo:
        """Describe ``doc``."""
        return cls(doc.id, doc.label, doc.title, doc.author, doc.translator, doc.byline,
                   doc.publisher, doc.published, doc.origin, len(doc.passages))


@dataclass(frozen=True)
class SourcesResult:
    """The answer to ``sources``."""

    sources: list[SourceInfo]


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a document, verbatim, with its citation id."""

    passage: str
    number: int
    text: str


@dataclass(frozen=True)
class SourceResult:
    """The answer to ``source ID``: a document, or one paragraph of it when asked ``doc#p3``."""

    query: str
    found: bool
    source: SourceInfo | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


def sources(kb: KnowledgeBase) -> SourcesResult:
    """Every document with its metadata, in id order."""
    return SourcesResult([SourceInfo.of(d) for d in kb.corpus.documents.values()])


_CITATION_RE = re.compile(r"^(?P<doc>[^#\s]+)(?:#p(?P<n>\d+)|#(?P<byline>byline))?$")


def source(kb: KnowledgeBase, ident: str) -> SourceResult:
    """One document by id, or one paragraph by passage id (``doc#p3``).

    Unknown ids get the closest document ids as suggestions.

    Raises
    ------
    UsageError
        When ``ident`` is empty.
    """
    ident = ident.strip().strip("`")
    if not ident:
        raise UsageError("Which source? Give a document id, e.g. `source "
                         f"{next(iter(kb.corpus.documents), 'doc-id')}`.")
    match = _CITATION_RE.match(ident.lower())
    doc = kb.corpus.documents.get(match["doc"]) if match else None
    if doc is None:
        return SourceResult(ident, False,
                            suggestions=close_matches(ident, list(kb.corpus.documents), cutoff=50))
    passages = doc.passages
    if match and match["byline"] and doc.byline_passage:
        passages = (doc.byline_passage,)
    elif match and match["n"]:
        number = int(match["n"])
        if not 1 <= number <= len(doc.passages):
            return SourceResult(ident, False, SourceInfo.of(doc),
                                suggestions=[f"{doc.id}#p1 … {doc.id}#p{len(doc.passages)}"])
        passages = (doc.passage(number),)
    return SourceResult(ident, True, SourceInfo.of(doc),
                        [Paragraph(p.id, p.number, p.text) for p in passages])
