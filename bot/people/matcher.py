"""Finding the people of a directory in text: every form of every name, by a dictionary of words.

Multi-word forms match in any case; a bare surname only as written ("Lai", not "lai"). A name
used as the name of a group ("the Abe faction", "the Kishi camp") is not a mention of the
person. The matcher is plain data (patterns are compiled on first use), so a directory that
holds one pickles into the index snapshot.

Why not one regex of every form: Python's ``re`` tries each alternative of an alternation at
each position, so scanning a passage cost time in proportion to the number of names (minutes
for a 100,000-passage archive naming thousands of people). Here each word that starts at a
word boundary is looked up in a dictionary of the forms' first words, and only the few forms
starting with that word are tried there, with the same rule as the single regex had (the
longest form that ends at a word boundary wins; matches do not overlap). Scanning is linear
in the text, whatever the number of names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

# A name followed by one of these names a group, not the person: "the Abe faction".
_GROUP_AFTER_RE = re.compile(r"\s+(?:faction|camp|wing|bloc|doctrine|group|era|line)\b")
# A run of letters and digits that starts at a word boundary: where a name may start.
_WORD_RE = re.compile(r"(?<![^\W_])[^\W_]+")


def form_key(form: str) -> str:
    """Multi-word forms match in any case; a bare surname only as written."""
    return form.casefold() if " " in form else form


def _pattern(form: str) -> str:
    return f"(?i:{re.escape(form)})" if " " in form else re.escape(form)


@dataclass
class NameMatcher:
    """Every form of every person's name; ``owners`` maps a form to the people it may mean
    (a set, so that whether someone owns a form shared by thousands costs one look-up).

    ``starts`` maps the first word of each form (as written for a bare surname, in lower
    case for a multi-word form, which matches in any case) to its forms, longest first.
    """

    owners: dict[str, frozenset[int]]
    starts: dict[str, tuple[str, ...]]
    _compiled: dict[str, re.Pattern[str]] = field(default_factory=dict, repr=False,
                                                         compare=False)

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
        starts: dict[str, list[str]] = {}
        for form in sorted({f for names in forms for f in names if len(f) >= 2},
                           key=len, reverse=True):
            first = _WORD_RE.match(form)
            if first is None:
                # A form that does not start with a letter or digit ("’t Hooft") would need
                # another notion of "starts a word"; names never look like that.
                continue
            word = first.group()
            starts.setdefault(word.lower() if " " in form else word, []).append(form)
        return cls({k: frozenset(v) for k, v in owners.items()},
                   {k: tuple(v) for k, v in starts.items()})

    def __getstate__(self) -> dict[str, object]:
        return {"owners": self.owners, "starts": self.starts, "_compiled": {}}

    def _at(self, word: str) -> re.Pattern[str]:
        """The forms that may start with ``word`` (one of ``starts``), as one pattern."""
        pattern = self._compiled.get(word)
        if pattern is None:
            forms = [*dict.fromkeys((*self.starts.get(word, ()),
                                     *self.starts.get(word.lower(), ())))]
            forms.sort(key=len, reverse=True)
            pattern = re.compile(rf"(?:{'|'.join(map(_pattern, forms))})(?![^\W_])")
            self._compiled[word] = pattern
        return pattern

    def finditer(self, text: str, lo: int = 0, hi: int | None = None
                 ) -> Iterator[tuple[frozenset[int], int, int]]:
        """``(possible owners, start, end)`` of each name in ``text[lo:hi]``."""
        if not self.starts:
            return
        hi = len(text) if hi is None else hi
        starts = self.starts
        resume = lo  # matches do not overlap: the next one starts after the last
        for word in _WORD_RE.finditer(text, lo, hi):
            start, found = word.start(), word.group()
            if start < resume or (found not in starts and found.lower() not in starts):
                continue
            match = self._at(found).match(text, start, hi)
            if match is None:
                continue
            resume = match.end()
            if _GROUP_AFTER_RE.match(text, match.end()):
                continue
            owners = self.owners.get(form_key(match.group()))
            if owners:
                yield owners, match.start(), match.end()
