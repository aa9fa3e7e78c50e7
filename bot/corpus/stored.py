"""A corpus held compactly, whose passages are made only when asked for.

A warm start must not unpickle a million passages to answer one query, and a cold one should
not hold a million passage objects: as ``str`` most texts (any curly quote makes a text two
bytes a character) and their objects took 0.9 GB at a million passages, and forked workers
that merely read them wrote to every object's reference count, copying every page. So a
corpus keeps every passage text in one UTF-8 blob with typed arrays of offsets, paragraph
numbers and lines, and a small table of document metadata: built as the articles are parsed
(:class:`CorpusPacker`), and memory-mapped from a snapshot, which stores the same arrays.
:class:`StoredPassages` makes a :class:`~bot.corpus.model.Passage` from them when it is
indexed, and :class:`StoredDocuments` makes a :class:`~bot.corpus.model.Document` (whose
passages are a :class:`PassageRun` of the same store) when it is looked up. The text comes
back exactly as it was written, so whatever is shown is still the passage verbatim.

Each pickles as the plain tuple, list or dict it stands for: an artifact that keeps a
document never tries to pickle a memory map.
"""

from __future__ import annotations

import dataclasses
import os
from array import array
from collections.abc import Iterator, Mapping, Sequence
from itertools import accumulate, islice, repeat
from operator import attrgetter
from pathlib import Path
from typing import Any, overload

from bot.corpus.model import Document, Passage

#: The fields of a :class:`Document` a snapshot keeps as its row, in order: all but the
#: passages, which come from the arrays. Derived, so a new metadata field needs no edit here.
ROW_FIELDS = tuple(f.name for f in dataclasses.fields(Document) if f.name != "passages")
_TEXT, _NUMBER, _LINE = attrgetter("text"), attrgetter("number"), attrgetter("line")


def document_row(doc: Document) -> tuple[Any, ...]:
    """The row of ``doc`` (its path as text: cheap to load)."""
    return tuple(str(value) if isinstance(value, Path) else value
                 for value in (getattr(doc, name) for name in ROW_FIELDS))


class StoredPassages(Sequence[Passage]):
    """Every passage of a corpus, in document order, made from the snapshot's arrays.

    ``texts`` is the UTF-8 blob, ``starts[i]:starts[i + 1]`` the bytes of passage ``i``;
    ``docs[i]`` indexes ``doc_ids``; ``numbers`` and ``lines`` are the passages' own.
    """

    def __init__(self, doc_ids: Sequence[str], texts: Any, starts: Any, docs: Any,
                 numbers: Any, lines: Any) -> None:
        self._doc_ids = doc_ids
        self._texts = texts
        self._starts = starts
        self._docs = docs
        self._numbers = numbers
        self._lines = lines

    def __len__(self) -> int:
        return len(self._numbers)

    @overload
    def __getitem__(self, i: int) -> Passage: ...

    @overload
    def __getitem__(self, i: slice) -> list[Passage]: ...

    def __getitem__(self, i: int | slice) -> Passage | list[Passage]:
        if isinstance(i, slice):
            return [self._make(j) for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(f"no passage at position {i}")
        return self._make(i)

    def __iter__(self) -> Iterator[Passage]:
        return (self._make(i) for i in range(len(self)))

    def _make(self, i: int) -> Passage:
        return Passage(self._doc_ids[self._docs[i]], self._numbers[i], self._text(i),
                       self._lines[i])

    def _text(self, i: int) -> str:
        return str(self._texts[self._starts[i]:self._starts[i + 1]], "utf-8")

    def texts(self) -> Sequence[str]:
        """The passages' texts alone, each decoded when indexed, for an index build: a worker
        decodes its own share and touches no object of the parent's (a slice is read in one
        piece)."""
        return _Texts(self)

    def _texts_of(self, positions: range) -> list[str]:
        if not positions:
            return []
        base = self._starts[positions.start]
        blob = memoryview(self._texts[base:self._starts[positions.stop]])
        return [str(blob[self._starts[j] - base:self._starts[j + 1] - base], "utf-8")
                for j in positions]

    def arrays(self) -> tuple[Any, dict[str, Any]]:
        """The UTF-8 blob and the arrays by their snapshot names, for saving."""
        return self._texts, {"starts": self._starts, "passage_doc": self._docs,
                             "numbers": self._numbers, "lines": self._lines}

    def __reduce__(self) -> tuple[Any, ...]:
        return list, (list(self),)


class _Texts(Sequence[str]):
    """The texts of a :class:`StoredPassages` (see :meth:`StoredPassages.texts`)."""

    def __init__(self, store: StoredPassages) -> None:
        self._store = store

    def __len__(self) -> int:
        return len(self._store)

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            positions = range(*i.indices(len(self)))
            if positions.step == 1:
                return self._store._texts_of(positions)
            return [self._store._text(j) for j in positions]
        return self._store._text(range(len(self))[i])


class FileBytes:
    """The bytes of a file, read (``pread``) when sliced: where a snapshot's passages get
    their texts. Not memory-mapped: the kernel maps the pages around every page a process
    reads (64 kB), so the few thousand passages a briefing or a facets build reads, spread
    over the file, soon had the whole of it mapped, 0.4 GB of every such process's memory
    at a million passages. A read is one system call."""

    def __init__(self, path: Path, size: int) -> None:
        self._fd = -1
        fd = os.open(path, os.O_RDONLY)
        if os.fstat(fd).st_size != size:
            os.close(fd)
            raise ValueError(f"{path.name} is not {size} bytes long")
        self._fd, self._size = fd, size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, i: slice) -> bytes:
        start, stop, step = i.indices(self._size)
        if step != 1:
            raise ValueError("FileBytes reads runs of bytes only")
        return os.pread(self._fd, max(stop - start, 0), start)

    def __del__(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)


class PassageRun(Sequence[Passage]):
    """The passages ``start:stop`` of a store: one document's, equal to their tuple."""

    def __init__(self, store: StoredPassages, start: int, stop: int) -> None:
        self._store = store
        self._start = start
        self._stop = stop

    def __len__(self) -> int:
        return self._stop - self._start

    @overload
    def __getitem__(self, i: int) -> Passage: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[Passage, ...]: ...

    def __getitem__(self, i: int | slice) -> Passage | tuple[Passage, ...]:
        if isinstance(i, slice):
            return tuple(self._store[j] for j in range(self._start, self._stop)[i])
        return self._store[range(self._start, self._stop)[i]]  # IndexError past either end

    def __iter__(self) -> Iterator[Passage]:
        return (self._store[j] for j in range(self._start, self._stop))

    def __eq__(self, other: object) -> bool:
        # A document read from a snapshot equals the same document parsed from its file.
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return tuple, (tuple(self),)


class StoredDocuments(Mapping[str, Document]):
    """Documents by id, in corpus order, each made (once) on first lookup.

    ``rows`` are :func:`document_row` tuples (``ROW_FIELDS``, id first);
    ``bounds[d]:bounds[d + 1]`` are the positions of document ``d``'s passages in ``store``.
    """

    def __init__(self, rows: Sequence[tuple[Any, ...]], store: StoredPassages, bounds: Any
                 ) -> None:
        self._rows = rows
        self._store = store
        self._bounds = bounds
        self._order = {row[0]: d for d, row in enumerate(rows)}
        self._made: dict[str, Document] = {}

    def __getitem__(self, doc_id: str) -> Document:
        doc = self._made.get(doc_id)
        if doc is None:
            d = self._order[doc_id]  # KeyError for an unknown id, as a dict gives
            fields = dict(zip(ROW_FIELDS, self._rows[d], strict=True))
            if fields["path"] is not None:
                fields["path"] = Path(fields["path"])
            passages = PassageRun(self._store, self._bounds[d], self._bounds[d + 1])
            doc = Document(passages=passages, **fields)
            self._made[doc_id] = doc
        return doc

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._order

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def passages(self) -> StoredPassages:
        """Every passage of every document, in order."""
        return self._store

    def rows(self) -> Sequence[tuple[Any, ...]]:
        """The documents' :func:`document_row` tuples, in order."""
        return self._rows

    def arrays(self) -> tuple[Any, dict[str, Any]]:
        """The UTF-8 blob and every array by its snapshot name (``bounds`` too)."""
        texts, arrays = self._store.arrays()
        return texts, {**arrays, "bounds": self._bounds}

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (dict(self),)


class CorpusPacker:
    """Documents packed into :class:`StoredDocuments` one by one, as they are parsed, so
    their passage objects never outlive their article."""

    def __init__(self) -> None:
        self._texts = bytearray()
        self._starts, self._bounds = array("q", [0]), array("q", [0])
        self._docs, self._numbers, self._lines = array("i"), array("i"), array("i")
        self._rows: list[tuple[Any, ...]] = []

    def add(self, doc: Document) -> None:
        """Append ``doc`` (its passages in order) to the store."""
        passages = doc.passages
        # Each step in C: a million passages take about a second.
        data = [text.encode("utf-8") for text in map(_TEXT, passages)]
        self._texts += b"".join(data)
        self._starts.extend(islice(accumulate(map(len, data), initial=self._starts[-1]), 1,
                                   None))
        self._docs.extend(repeat(len(self._rows), len(data)))
        self._numbers.extend(map(_NUMBER, passages))
        self._lines.extend(map(_LINE, passages))
        self._bounds.append(len(self._numbers))
        self._rows.append(document_row(doc))

    def documents(self) -> StoredDocuments:
        """The documents added, in order (the packer is done with)."""
        store = StoredPassages([row[0] for row in self._rows], memoryview(self._texts),
                               self._starts, self._docs, self._numbers, self._lines)
        return StoredDocuments(self._rows, store, self._bounds)


def packed(documents: Mapping[str, Document]) -> StoredDocuments:
    """``documents`` as :class:`StoredDocuments` (themselves if they are already)."""
    if isinstance(documents, StoredDocuments):
        return documents
    packer = CorpusPacker()
    for doc in documents.values():
        packer.add(doc)
    return packer.documents()
