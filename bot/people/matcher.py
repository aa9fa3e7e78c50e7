"""Finding the people of a directory in text: every form of every name, in one regex.

Multi-word forms match in any case; a bare surname only as written ("Lai", not "lai"). A name
used as the name of a group ("the Abe faction", "the Kishi camp") is not a mention of the
person. The matcher is plain data (the pattern is compiled on first use), so a directory that
holds one pickles into the index snapshot.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

# A name followed by one of these names a group, not the person: "the Abe faction".
_GROUP_AFTER_RE = re.compile(r"\s+(?:faction|camp|wing|bloc|doctrine|group|era|line)\b")


def form_key(form: str) -> str:
    """Multi-word forms match in any case; a bare surname only as written."""
    return form.casefold() if " " in form else form


@dataclass
class NameMatcher:
    """Every form of every person's name; ``owners`` maps a form to the people it may mean."""

    owners: dict[str, tuple[int, ...]]
    source: str  # the regex, empty when there are no names
    _compiled: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, forms: Sequence[Sequence[str]]) -> NameMatcher:
        """A matcher over ``forms[i]``, the name and aliases of person ``i``."""
        owners: dict[str, list[int]] = {}
        for index, names in enumerate(forms):
            for form in dict.fromkeys(names):
                if len(form) >= 2:
                    found = owners.setdefault(form_key(form), [])
                    if index not in found:
                        found.append(index)
        alternatives = [f"(?i:{re.escape(f)})" if " " in f else re.escape(f)
                        for f in sorted({f for names in forms for f in names if len(f) >= 2},
                                        key=len, reverse=True)]
        source = rf"(?<![^\W_])(?:{'|'.join(alternatives)})(?![^\W_])" if alternatives else ""
        return cls({k: tuple(v) for k, v in owners.items()}, source)

    def __getstate__(self) -> dict[str, object]:
        return {"owners": self.owners, "source": self.source, "_compiled": None}

    def finditer(self, text: str, lo: int = 0, hi: int | None = None
                 ) -> Iterator[tuple[tuple[int, ...], int, int]]:
        """``(possible owners, start, end)`` of each name in ``text[lo:hi]``."""
        if not self.source:
            return
        if self._compiled is None:
            self._compiled = re.compile(self.source)
        for match in self._compiled.finditer(text, lo, len(text) if hi is None else hi):
            if _GROUP_AFTER_RE.match(text, match.end()):
                continue
            owners = self.owners.get(form_key(match.group()), ())
            if owners:
                yield owners, match.start(), match.end()
