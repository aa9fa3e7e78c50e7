"""A corpus read back from a snapshot, whose passages are made only when asked for.

A warm start must not unpickle a million passages to answer one query. The snapshot keeps
every passage text in one UTF-8 blob with typed arrays of offsets, paragraph numbers and
lines (all memory-mapped), and a small table of document metadata. :class:`StoredPassages`
makes a :class:`~bot.corpus.model.Passage` from them when it is indexed, and
:class:`StoredDocuments` makes a :class:`~bot.corpus.model.Document` (whose passages are a
:class:`PassageRun` of the same store) when it is looked up. The text comes back exactly as
it was written, so whatever is shown is still the passage verbatim.

Each pickles as the plain tuple, list or dict it stands for: an artifact that keeps a
document never tries to pickle a memory map.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, overload

from bot.corpus.model import Document, Passage

#: The fields of a :class:`Document` a snapshot keeps as its row, in order: all but the
#: passages, which come from the arrays. Derived, so a new metadata field needs no edit here.
ROW_FIELDS = tuple(f.name for f in dataclasses.fields(Document) if f.name != "passages")


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
        text = str(self._texts[self._starts[i]:self._starts[i + 1]], "utf-8")
        return Passage(self._doc_ids[self._docs[i]], self._numbers[i], text, self._lines[i])

    def __reduce__(self) -> tuple[Any, ...]:
        return list, (list(self),)


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

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (dict(self),)
