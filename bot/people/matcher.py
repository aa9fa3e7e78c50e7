"""Finding the people of a directory in text: every form of every name, by two tries.

Multi-word forms match in any case; a bare surname only as written ("Lai", not "lai"). A name
used as the name of a group ("the Abe faction", "the Kishi camp") is not a mention of the
person. The matcher is plain data (its patterns are compiled on first use), so a directory
that holds one pickles into the index snapshot.

Why tries: Python's ``re`` tries each alternative of an alternation at each position, so one
regex of every form cost time in proportion to the number of names, and a loop over every word
of every passage in Python cost most of a large build. Here the forms are two regexes shaped
as tries (one character per branch, so a position costs the same whatever the number of
names): the bare forms, matched as written, and the multi-word forms, matched in the
lower-cased text. ``re`` scans for both in C; Python only sees the names found. The rule is
the one a single regex of every form would apply (at a word start the longest form that ends
at a word boundary wins; matches do not overlap).
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


#: A trie of forms: each character to the rest; ``""`` marks where a form ends.
_Trie = dict[str, "_Trie"]


def _trie(forms: Sequence[str]) -> str:
    """A regex matching exactly ``forms``, longest first, branching one character at a time."""
    root: _Trie = {}
    for form in forms:
        node = root
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: _Trie) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items())
                    if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body  # greedy: the longer form first

    return emit(root)


@dataclass
class NameMatcher:
    """Every form of every person's name; ``owners`` maps a form to the people it may mean
    (a set, so that whether someone owns a form shared by thousands costs one look-up).

    ``bare`` are the one-word forms as written, ``spaced`` the multi-word forms in lower case.
    """

    owners: dict[str, frozenset[int]]
    bare: tuple[str, ...]
    spaced: tuple[str, ...]
    _compiled: dict[str, re.Pattern[str]] = field(default_factory=dict, repr=False,
                                                  compare=False)
    _tries: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

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
        # A form that does not start with a letter or digit ("’t Hooft") would need another
        # notion of "starts a word"; names never look like that.
        every = {f for names in forms for f in names if len(f) >= 2 and f[0].isalnum()}
        return cls({k: frozenset(v) for k, v in owners.items()},
                   tuple(sorted(f for f in every if " " not in f)),
                   tuple(sorted({f.lower() for f in every if " " in f})))

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_compiled": {}, "_tries": {}}

    def _pattern(self, name: str) -> re.Pattern[str]:
        """``bare``: a bare form, anywhere (its start is checked by the caller); ``spaced``:
        a multi-word form after a character that is no letter or digit (consumed, so ``re``
        can skip the letters in C); ``first``: one at the very position searched;
        ``anycase``: one in text whose lower case changes its length (rare)."""
        pattern = self._compiled.get(name)
        if pattern is None:
            trie = _trie(self.bare) if name == "bare" else self._spaced_trie()
            source = {"bare": f"(?:{trie})(?![^\\W_])",
                      "spaced": f"[\\W_]({trie})(?![^\\W_])",
                      "first": f"({trie})(?![^\\W_])",
                      "anycase": f"(?<![^\\W_])({trie})(?![^\\W_])"}[name]
            pattern = re.compile(source, re.IGNORECASE if name == "anycase" else 0)
            self._compiled[name] = pattern
        return pattern

    def _spaced_trie(self) -> str:
        """The multi-word forms' trie, built once for the three patterns that use it."""
        if "trie" not in self._tries:
            self._tries["trie"] = _trie(self.spaced)
        return self._tries["trie"]

    def _bare_at(self, text: str, pos: int, hi: int) -> tuple[int, int] | None:
        """The first bare form in ``text[pos:hi]`` that starts a word, as ``(start, end)``."""
        pattern = self._pattern("bare")
        match = pattern.search(text, pos, hi)
        while match is not None and match.start() and text[match.start() - 1].isalnum():
            match = pattern.search(text, match.end(), hi)  # inside a word: the word ends there
        return match.span() if match else None

    def _spaced_at(self, lowered: str, pos: int, hi: int) -> tuple[int, int] | None:
        """The first multi-word form in ``lowered[pos:hi]`` (``pos`` and ``hi`` as in the
        original text: the lower case has its length)."""
        if pos == 0 and (first := self._pattern("first").match(lowered, 0, hi)):
            return first.span(1)
        match = self._pattern("spaced").search(lowered, max(pos - 1, 0), hi)
        return match.span(1) if match else None

    def _hits(self, text: str, lo: int, hi: int) -> Iterator[tuple[int, int]]:
        """``(start, end)`` of the names of ``text[lo:hi]``: at each word start from the end
        of the last one, the longest form that matches there."""
        if len(text.lower()) != len(text):  # rare: a letter whose lower case is longer
            for match in self._pattern("anycase").finditer(text, lo, hi):
                yield match.span(1)
            return
        lowered = text.lower() if self.spaced else ""
        bare = self._bare_at(text, lo, hi) if self.bare else None
        spaced = self._spaced_at(lowered, lo, hi) if self.spaced else None
        while bare or spaced:
            # the earlier; where both start together, the multi-word form (the longer)
            hit = spaced if spaced and (not bare or spaced[0] <= bare[0]) else bare
            assert hit is not None
            yield hit
            # What started before the end of this name is passed over: look again after it.
            if bare and bare[0] < hit[1]:
                bare = self._bare_at(text, hit[1], hi)
            if spaced and spaced[0] < hit[1]:
                spaced = self._spaced_at(lowered, hit[1], hi)

    def finditer(self, text: str, lo: int = 0, hi: int | None = None
                 ) -> Iterator[tuple[frozenset[int], int, int]]:
        """``(possible owners, start, end)`` of each name in ``text[lo:hi]``."""
        hi = len(text) if hi is None else hi
        for start, end in self._hits(text, lo, hi):
            if _GROUP_AFTER_RE.match(text, end):
                continue
            owners = self.owners.get(form_key(text[start:end]))
            if owners:
                yield owners, start, end
