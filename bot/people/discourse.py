"""What the text read so far leaves the next sentence: whom a pronoun or a bare quotation means.

News writing names a speaker once and then goes on with "he said", "She also stressed …" or a
quotation standing alone, often into the next paragraph. Within a paragraph the previous
sentence decides (the one person it names, else whom it quoted); at a paragraph break, the
one person the paragraph named or quoted last carries over, so "He also stressed …" opening a
paragraph is the person last speaking when that is unambiguous. A later sentence naming two
people, or spoken by someone unnamed ("a senior official said"), leaves it unresolved; one
naming nobody leaves it as it was. Only people carry over a
paragraph break: "He" is never the ministry that spoke last.

The people cards' quote scan and the attribution engine both read a document through this one
class, so a card and a briefing agree on who said a sentence.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Context:
    """The state after a sentence.

    ``people``: the people it names outside quotations; ``speaker``: who speaks it (a
    person or an organisation), if anyone named does; ``recent``: the one person named or
    speaking last in the paragraph, ``spoke`` whether that was as its speaker.
    """

    people: frozenset[str] = frozenset()
    speaker: str | None = None
    recent: str | None = None
    spoke: bool = False

    def after(self, named_people: Iterable[str], speaker: str | None,
              speaker_is_person: bool) -> Context:
        """The context after a sentence naming ``named_people`` and spoken by ``speaker``
        (``""``: by someone the text does not name, "a senior official said")."""
        named = frozenset(named_people)
        persons = named | ({speaker} if speaker and speaker_is_person else set())
        if len(persons) == 1:
            recent = next(iter(persons))
            return Context(named, speaker or None, recent, recent == speaker)
        if persons or speaker == "":  # two people, or someone unnamed: "he" may be either
            return Context(named, speaker or None)
        return self._carried(speaker or None)

    def _carried(self, speaker: str | None) -> Context:
        """The context after a sentence that names no person and that no one unnamed speaks
        (``speaker`` is an organisation or no one): the paragraph's recent person stays."""
        return Context(frozenset(), speaker, self.recent, self.spoke)

    def next_paragraph(self) -> Context:
        """The context a paragraph break leaves: the one person last named or speaking."""
        return Context(frozenset({self.recent}) if self.recent else frozenset(),
                       self.recent if self.spoke else None, self.recent, self.spoke)


class Unread(Context):
    """A context not read yet: ``read()`` gives it when a sentence first needs it.

    What the paragraphs before leave a passage is known only by reading the article from its
    start, and most sentences never ask (their speaker is named, or nobody is): only a
    pronoun, a bare quotation or a comparison with whom spoke last reads it. A sentence that
    decides the context on its own (naming one person, or two) leaves a read one; one that
    keeps the paragraph's recent person leaves it unread still.
    """

    _read: Callable[[], Context]

    def __init__(self, read: Callable[[], Context]) -> None:
        object.__setattr__(self, "_read", read)  # frozen, as every context

    @functools.cached_property
    def _context(self) -> Context:
        return self._read()

    @property
    def people(self) -> frozenset[str]:
        return self._context.people

    @property
    def speaker(self) -> str | None:
        return self._context.speaker

    @property
    def recent(self) -> str | None:
        return self._context.recent

    @property
    def spoke(self) -> bool:
        return self._context.spoke

    def _carried(self, speaker: str | None) -> Context:
        return Unread(lambda: self._context._carried(speaker))
