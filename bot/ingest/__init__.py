"""Turn raw scraped articles into ``knowledge/articles/<id>.md`` files.

A scraped file holds one paragraph per line: the article body, then (in this publisher's
layout) the author's bio and a "Translated by" line, then teasers of unrelated articles,
mostly cut off mid-sentence. The rules below separate the body from the rest without
knowing any particular text, so they apply to the next scraped article too. Each dropped
paragraph is reported with one reason, the first that applies in this order:

``noise``         only punctuation or whitespace (NBSP spacer lines, a lone ".")
``headline``      a short first line without sentence-final punctuation (becomes the title)
``byline``        an author line at the top or a "<Name> is a professor …" bio (gives author;
                  the front matter's ``byline`` keeps the first line that states the
                  author's role, so a closing bio wins over a bare "By <Name>")
``caption``       a photo caption or credit ("Photo: … Photo: CNA", "Photo caption: …")
``date``          a line near the top that is only a date, "Published: March 3, 2026"
                  (gives published; see :mod:`.dates`)
``translator``    a "Translated by <Name>" line (gives the translator)
``after-byline``  everything after the closing bio/translator lines: the teasers
``repeated``      a paragraph found verbatim in another file ingested in the same batch
``truncated``     the last paragraph(s) of a file that do not end a sentence
``heading``       a short line without sentence-final punctuation inside the body; kept,
                  it would become a tiny passage that BM25 over-ranks
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from bot.errors import UsageError
from bot.ingest.credits import (
    ROLE_RE,
    by_line,
    closing_byline,
    ends_sentence,
    is_caption,
    lowercase_words,
    top_byline,
)
from bot.ingest.dates import publication_date
from bot.people.names import split_credit
from bot.progress import progress

_HEADLINE_MAX_WORDS = 12
_HEADING_MAX_WORDS = 15
_ID_WORDS = 4
#: Lines after the headline that may credit the author or date the article, in any order
#: among a standfirst, the publisher's name and a caption.
_TOP_LINES = 5

_ENUMERATED_RE = re.compile(r"^\(?\d+[.)]")

_STOPWORD_TEXT = """
a about above across after again against all along also although am amid among an and any
are around as at be because been before behind being below between beyond both but by can
could despite did do does doing down during each even ever few for from further had has have
having he her here hers him his how however i if in into is it its itself just may me might
more most must my no nor not now of off on once only or other our ours out over own per same
shall she should since so some such than that the their theirs them then there these they
this those though through to too toward towards under unlike until up upon very via was we
were what when where whether which while who whom whose why will with within without would
yet you your"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@dataclass
class Dropped:
    """A paragraph the rules took out of the body, and why (one of the module's reasons)."""

    reason: str
    text: str


@dataclass
class IngestReport:
    """The outcome for one input file. ``path`` is set once the article is written.

    With ``keep_dropped`` the flagged paragraphs stay in ``paragraphs`` and are still
    listed in ``dropped``, so a caller can show what the rules would have removed.
    """

    doc_id: str
    origin: str
    path: Path | None
    metadata: dict[str, str | None]
    paragraphs: list[str]
    dropped: list[Dropped] = field(default_factory=list)


@dataclass
class _Para:
    raw: str
    text: str
    reason: str | None = None


def _is_headline(text: str) -> bool:
    return (len(text.split()) <= _HEADLINE_MAX_WORDS and not ends_sentence(text)
            and not _ENUMERATED_RE.match(text))


def _split(raw: str) -> list[_Para]:
    """One paragraph per non-blank line; lines with no letter or digit are noise."""
    paras = []
    for line in raw.splitlines():
        if not line.strip(" \t"):  # an ordinary blank line only separates paragraphs
            continue
        text = line.strip()
        noise = not any(ch.isalnum() for ch in text)
        paras.append(_Para(line, text, "noise" if noise else None))
    return paras


def _mark_layout(paras: list[_Para]) -> dict[str, str | None]:
    """Apply the per-file rules (headline, bylines, teasers); return the metadata found."""
    lowercase = lowercase_words("\n".join(p.text for p in paras))
    meta: dict[str, str | None] = {"title": None, "author": None, "translator": None,
                                   "byline": None, "published": None}
    for para in paras:
        if para.reason is None and is_caption(para.text):
            para.reason = "caption"
    content = [p for p in paras if p.reason is None]

    def take(para: _Para, found: tuple[str, str | None]) -> None:
        reason, name = found
        para.reason = reason
        key = "author" if reason == "byline" else "translator"
        meta[key] = meta[key] or name
        # Kept verbatim so the author's stated role can be cited (doc#byline): the first
        # author line, unless it states no role ("By Taro Yamada") and a later one, the
        # closing bio of that author, does ("Taro Yamada is a senior fellow at …", or "The
        # author is …", which names no one).
        if reason == "byline" and (meta["byline"] is None or (
                not ROLE_RE.search(meta["byline"]) and ROLE_RE.search(para.text)
                and (name is None or name in split_credit(meta["author"] or "")))):
            meta["byline"] = para.text

    start = 0
    if len(content) > 1 and (_is_headline(content[0].text)
            and not top_byline(content[0].text, lowercase)):
        content[0].reason, meta["title"] = "headline", content[0].text
        start = 1
    # Credits and dates stand above the body, before its first sentence, in any order with
    # the publisher's name; a "By <Name>" line may also follow a standfirst.
    body_started = False
    for para in content[start:start + _TOP_LINES]:
        found = top_byline(para.text, lowercase)
        if found and (not body_started or by_line(para.text)):
            take(para, found)
        elif not body_started and (date := publication_date(para.text)):
            para.reason = "date"
            meta["published"] = meta["published"] or date.isoformat()
        elif ends_sentence(para.text):
            body_started = True

    # The bio closes the article only in the second half of the file: a bio sentence near
    # the top is a standfirst, and cutting after it would throw the article away.
    last_block: int | None = None
    for k, para in enumerate(content):
        if para.reason:
            continue
        if found := closing_byline(para.text):
            take(para, found)
            if last_block is not None or k >= len(content) / 2:
                last_block = k
        elif last_block is not None:
            break
    if last_block is not None:
        for para in content[last_block + 1:]:
            para.reason = para.reason or "after-byline"
    return meta


def _mark_repeated(docs: list[list[_Para]]) -> None:
    """Drop paragraphs found verbatim in more than one file (scraped teasers)."""
    counts = Counter(text for paras in docs for text in {p.text for p in paras if not p.reason})
    for paras in docs:
        for para in paras:
            if para.reason is None and counts[para.text] > 1:
                para.reason = "repeated"


def _mark_tail_and_headings(paras: list[_Para]) -> None:
    for para in reversed(paras):
        if para.reason:
            continue
        if ends_sentence(para.text):
            break
        para.reason = "truncated"
    for para in paras:
        if (para.reason is None and not ends_sentence(para.text)
                and len(para.text.split()) <= _HEADING_MAX_WORDS):
            para.reason = "heading"


@cache
def _segmenter():  # pysbd is slow to set up; build it once, on first use
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def _slug(text: str) -> str:
    text = re.sub(r"['’]s\b", "", text)  # "Japan’s" -> "Japan", not "japan-s"
    text = unicodedata.normalize("NFKD", re.sub(r"['’]", "", text))
    words = re.findall(r"[A-Za-z0-9]+", text.encode("ascii", "ignore").decode())
    # "US" is a country, "us" a pronoun: an all-capitals word is never a stopword.
    keep = [w for w in words if w.lower() not in _STOPWORDS or (w.isupper() and len(w) > 1)]
    return "-".join(keep[:_ID_WORDS]).lower()


def _make_id(title: str | None, first: str, origin: str) -> str:
    source = title or (_segmenter().segment(first) or [first])[0]
    return _slug(source) or _slug(Path(origin).stem.replace("_", " ")) or "article"


def ingest_texts(items: Sequence[tuple[str, str]], *,
                 keep_dropped: bool = False) -> list[IngestReport]:
    """Separate body from bylines, teasers and noise in (origin file name, raw text) pairs.

    The pairs are processed together because the "repeated" rule compares files. Raises
    :class:`UsageError` for an empty text, two identical texts, or a text left with no body.
    """
    seen: dict[str, str] = {}
    for origin, text in items:
        if not text.strip():
            raise UsageError(f"{origin}: the file is empty")
        if text.strip() in seen:
            raise UsageError(f"{origin} has the same text as {seen[text.strip()]}; "
                             "ingest it only once")
        seen[text.strip()] = origin

    docs = [_split(text) for _, text in items]
    metas = [_mark_layout(paras) for paras in docs]
    _mark_repeated(docs)
    for paras in docs:
        _mark_tail_and_headings(paras)

    reports: list[IngestReport] = []
    used: set[str] = set()
    for (origin, _), paras, meta in zip(items, docs, metas, strict=True):
        body = [p.text for p in paras if p.reason is None]
        if not body and not keep_dropped:
            raise UsageError(f"{origin}: every paragraph was dropped as noise, byline or "
                             "teaser; keep them with the keep-dropped option")
        # The id comes from the body as the rules see it, so keep_dropped cannot change it.
        first = (body or [p.text for p in paras if p.text])[0]
        base = doc_id = _make_id(meta["title"], first, origin)
        suffix = 1
        while doc_id in used:
            suffix += 1
            doc_id = f"{base}-{suffix}"
        used.add(doc_id)
        reports.append(IngestReport(
            doc_id=doc_id,
            origin=origin,
            path=None,
            metadata={**meta, "publisher": None},
            paragraphs=[p.text for p in paras if p.text] if keep_dropped else body,
            dropped=[Dropped(p.reason, p.text or p.raw) for p in paras if p.reason],
        ))
    return reports


def render_article(report: IngestReport) -> str:
    """The ``.md`` text: YAML front matter, then one paragraph per line, blank-line separated."""
    meta: dict[str, object] = {"id": report.doc_id}
    for key in ("title", "author", "translator", "byline", "publisher", "published"):
        meta[key] = report.metadata.get(key)
    meta["origin"] = report.origin
    # safe_dump quotes whatever needs it (colons, quotes, "null"); a huge width keeps a
    # long title on one line.
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1_000_000)
    return f"---\n{front}---\n" + "\n\n".join(report.paragraphs) + "\n"


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"input file not found: {path}") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a directory, not an article file") from None
    except OSError as exc:
        raise UsageError(f"cannot read input file {path}: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark is not part of the article
    except UnicodeDecodeError as exc:
        raise UsageError(f"input file {path} is not UTF-8 text (bad byte at offset "
                         f"{exc.start})") from None
    if not text.strip():
        raise UsageError(f"input file {path} is empty")
    return text


def _write_atomic(path: Path, text: str) -> None:
    # A reader (the bot reloading its corpus) must never see a half-written article.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; articles are ordinary files
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def ingest_files(paths: Sequence[Path], out_dir: Path, *,
                 keep_dropped: bool = False) -> list[IngestReport]:
    """Read and ingest the files together, write ``<out_dir>/<id>.md`` for each one.

    Returns the reports with ``path`` set. Raises :class:`UsageError` naming the file for
    a missing, unreadable, non-UTF-8 or empty input, or an output that cannot be written.
    """
    items = [(Path(p).name, _read(Path(p))) for p in progress(paths, desc="reading")]
    reports = ingest_texts(items, keep_dropped=keep_dropped)
    out_dir = Path(out_dir)
    for report in progress(reports, desc="writing"):
        report.path = out_dir / f"{report.doc_id}.md"
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            _write_atomic(report.path, render_article(report))
        except OSError as exc:
            raise UsageError(f"cannot write {report.path}: {exc.strerror or exc}") from None
    return reports
