"""The directory's people as saved: names and lookup keys at hand, each card's data decoded when
asked for.

A large archive names tens of thousands of people with up to :data:`~.scan.KEPT` mentions and
quotes each; unpickling all of them took seconds at a million passages, before a ``who`` card
could show one person. Saved, each person is one pickled blob (bytes unpickle at memory speed),
and only the people an answer shows are decoded. Matching names in text and suggesting names
need only ``names`` and ``keys``, which are kept plain.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

from bot.people.model import Person


class StoredPeople(Sequence[Person]):
    """The people of a directory, by index; a person's card data is decoded on first access."""

    def __init__(self, people: Iterable[Person] = ()) -> None:
        given = list(people)
        self.names: tuple[str, ...] = tuple(p.name for p in given)
        self.keys: tuple[frozenset[str], ...] = tuple(p.keys for p in given)
        self._decoded: list[Person | None] = list(given)
        self._blobs: tuple[bytes, ...] = ()

    def __getstate__(self) -> dict[str, object]:
        blobs = self._blobs or tuple(pickle.dumps(p, pickle.HIGHEST_PROTOCOL)
                                     for p in self._decoded)
        return {"names": self.names, "keys": self.keys, "blobs": blobs}

    def __setstate__(self, state: dict[str, tuple[object, ...]]) -> None:
        self.names = state["names"]  # type: ignore[assignment]
        self.keys = state["keys"]  # type: ignore[assignment]
        self._blobs = state["blobs"]  # type: ignore[assignment]
        self._decoded = [None] * len(self.names)

    def _person(self, index: int) -> Person:
        person = self._decoded[index]
        if person is None:
            person = pickle.loads(self._blobs[index])
            self._decoded[index] = person
        return person

    @overload
    def __getitem__(self, index: int) -> Person: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Person, ...]: ...

    def __getitem__(self, index: int | slice) -> Person | tuple[Person, ...]:
        if isinstance(index, slice):
            return tuple(self._person(i) for i in range(*index.indices(len(self))))
        return self._person(range(len(self.names))[index])  # negative and bad indexes too

    def __len__(self) -> int:
        return len(self.names)

    def __iter__(self) -> Iterator[Person]:
        return (self._person(i) for i in range(len(self.names)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StoredPeople({len(self)} people)"
