"""Sentence splitting: pysbd's boundaries, made fast where that provably changes nothing, repaired.

:func:`split_sentences` cuts a passage into verbatim sentences. pysbd (it knows "Dec. 23",
"U.S.", "e.g." and quotations) finds the boundaries, at about a millisecond and a half a
paragraph; :func:`split_sentences` then repairs its known misses. Two shortcuts give exactly
pysbd's boundaries for less:

* a *plain* paragraph (most of them; see :func:`_plain_ends`) is split by pysbd's own
  boundary patterns without the rules that could not apply to it, some thirty times faster;
* pysbd's abbreviation pass, most of what is left, is skipped on a line with no abbreviation
  before a period, where it would change nothing.

``tests/test_text.py`` checks both against plain pysbd on the bundled, tuning and held-out
articles and a synthetic corpus.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
from dataclasses import dataclass

import pysbd
from pysbd.between_punctuation import BetweenPunctuation
from pysbd.lang.english import English
from pysbd.lists_item_replacer import ListItemReplacer
from pysbd.utils import TextSpan


@dataclass(frozen=True)
class Sentence:
    """A sentence of a passage: ``text == passage_text[start:end]``, without edge whitespace."""

    start: int
    end: int
    text: str


# In-word apostrophes (Taiwan’s) and stray ones before a contraction (Trump ‘s) make pysbd read
# whole stretches as one quotation and stop splitting. Hiding them behind U+02BC keeps the
# length, so pysbd's offsets stay valid for the original text.
_APOSTROPHE_RE = re.compile(r"(?<=[^\W_])['’](?=[^\W_])|(?<!\S)‘(?=(?:s|t|d|m|re|ve|ll)\b)")
_LEADING_CLOSERS_RE = re.compile(r"[’”)\]}»]+")
_LAST_WORD_RE = re.compile(r"([^\W\d_]+)\.$")
# Titles and the like: a sentence does not end on them.
_NEVER_FINAL = {"mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "adm",
                "sen", "rep", "gov", "vs", "approx"}
# Abbreviations that precede a number: "Dec. 23", "No. 1".
_BEFORE_NUMBER = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
                  "dec", "no", "nos", "vol", "art", "p", "pp", "fig", "ch", "sec", "ca"}
# "at 5 p.m. Tuesday": a time goes on into its day or month.
_AFTER_TIME_RE = re.compile(r"\b[ap]\.m\.$")
_DAYS_MONTHS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
                "January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"}
_SEGMENTER_LOCK = threading.Lock()  # a Segmenter keeps per-call state


# pysbd's abbreviation pass tries each of its 188 abbreviations on every line with several
# regexes, and alters a line only where one of them, after whitespace or at the start, is
# followed by a period. One search for that (the abbreviations as pysbd writes them into its
# patterns, case-insensitive as its search is) tells whether the pass would change anything.
_ABBREVIATIONS = [a.strip() for a in English.Abbreviation.ABBREVIATIONS]
_ABBREVIATION_BEFORE_PERIOD_RE = re.compile(rf"(?<!\S)(?:{'|'.join(_ABBREVIATIONS)})\.",
                                            re.IGNORECASE)
_LONGEST_ABBREVIATION = max(map(len, _ABBREVIATIONS))


def _abbreviation_before_period(text: str) -> bool:
    """Whether one of pysbd's abbreviations, after whitespace or at the start, is followed
    by a period somewhere in ``text``. Tried just before each period: across the whole text,
    the 188 alternatives cost some 80 us a paragraph."""
    at = text.find(".")
    while at >= 0:
        if _ABBREVIATION_BEFORE_PERIOD_RE.search(text, max(at - _LONGEST_ABBREVIATION, 0),
                                                 at + 1):
            return True
        at = text.find(".", at + 1)
    return False


class _AbbreviationReplacer(English.AbbreviationReplacer):
    """pysbd's English abbreviation pass, skipping a line it would leave unchanged."""

    def search_for_abbreviations_in_string(self, text: str) -> str:
        if not _abbreviation_before_period(text):
            return text
        return str(super().search_for_abbreviations_in_string(text))


class _English(English):
    AbbreviationReplacer = _AbbreviationReplacer


class _Segmenter(pysbd.Segmenter):
    """pysbd's segmenter, finding each sentence's offsets with ``str.find``.

    pysbd locates each sentence it returns by compiling a regex of that sentence (``escaped
    sentence + \\s*``): a new pattern per sentence, which is two fifths of its time and
    evicts its own abbreviation patterns from ``re``'s cache. This is the same search (the
    first occurrence, trailing whitespace included, that ends after the previous sentence)
    without the regexes.
    """

    def sentences_with_char_spans(self, sentences: list[str]) -> list[TextSpan]:
        if not all(sentences):  # an empty sentence matches everywhere: pysbd's own rule
            return super().sentences_with_char_spans(sentences)
        return _locate(self.original_text, sentences)


def _locate(text: str, sentences: list[str]) -> list[TextSpan]:
    """pysbd's spans of ``sentences`` (none empty) in ``text``: each sentence's first
    occurrence, with its trailing whitespace, that ends after the previous span."""
    spans: list[TextSpan] = []
    prior = 0
    for sentence in sentences:
        pos = 0
        while (start := text.find(sentence, pos)) >= 0:
            end = start + len(sentence)
            while end < len(text) and text[end].isspace():  # what re's \s matches
                end += 1
            if end > prior:
                spans.append(TextSpan(text[start:end], start, end))
                prior = end
                break
            pos = end
    return spans


@functools.cache
def _segmenter() -> pysbd.Segmenter:
    segmenter = _Segmenter(language="en", clean=False, char_span=True)
    segmenter.language_module = _English
    return segmenter


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())


def _joins_previous(previous: str, following: str) -> bool:
    """Whether pysbd cut between two pieces that are really one sentence."""
    if following[0].islower():  # "‘Why now?’ he asked."
        return True
    first_word = following.split(None, 1)[0].strip(".,;:")
    if _AFTER_TIME_RE.search(previous) and first_word in _DAYS_MONTHS:
        return True
    match = _LAST_WORD_RE.search(previous)
    if not match:
        return False
    word = match[1].lower()
    return word in _NEVER_FINAL or (word in _BEFORE_NUMBER and following[0].isdigit())


def split_sentences(text: str) -> list[Sentence]:
    """Split a passage into sentences whose texts are verbatim slices of ``text``.

    pysbd finds the boundaries (it knows "Dec. 23", "U.S.", "e.g." and quotations); the rules
    here repair its known misses. Pieces are cut only at pysbd's boundaries and then merged, so
    the sentences always cover every non-whitespace character of ``text``. Cached: one build
    splits a passage for several purposes (brief statements, their attribution, people).
    """
    return list(_split_sentences(text))


# A plain paragraph is split by pysbd's own boundary patterns without the rest of pysbd. It is
# one line with single spaces, of characters that none of the skipped rules looks at (letters,
# digits, CJK, curly quotes, brackets, dashes, "?", "…", a little punctuation: no "!", "??",
# "--", straight quotes or pysbd's placeholder symbols), with no bracket pysbd reads as a list
# item, and each of its periods is a decimal point or ends a word before a space, a closing
# quote or the end, a word that is not a single letter or one of pysbd's abbreviations when a
# space or the start precedes it (pysbd only looks for those there), or ends a number before
# a space or the end, a number not opening the line nor, with another right after it, a
# numbered list ("COVID-19. Beds …"; see :func:`_ends_number`). Then pysbd's
# abbreviation, number, list and ellipsis rules change nothing but its decimal points, and
# what is left is: protect the decimal points and the punctuation inside quotes and brackets,
# find the sentences with its boundary pattern, split them after a quotation that ends one,
# and locate them as pysbd does.
_PLAIN_CHARS = (r"[A-Za-z0-9,;:%$/+.?()\[\]\u2026\u3400-\u4dbf\u4e00-\u9fff"
                r"\u02bc\u2018\u2019\u201c\u201d\u2013\u2014-]+")
_PLAIN_RE = re.compile(f"{_PLAIN_CHARS}(?: {_PLAIN_CHARS})*")
# A period that may end a sentence, with the letters before it.
_PERIOD_RE = re.compile(r"(?<![A-Za-z])([A-Za-z]*)\.(?=[ ’”]|$)")
# A decimal point, which pysbd's number rules protect.
_DECIMAL_RE = re.compile(r"(?<=\d)\.(?=\d)")
# What pysbd protects the punctuation of, in its order (the others need excluded characters).
_QUOTED_RES = tuple(re.compile(pattern) for pattern in (
    BetweenPunctuation.BETWEEN_SINGLE_QUOTE_SLANTED_REGEX,
    BetweenPunctuation.BETWEEN_SQUARE_BRACKETS_REGEX_2, BetweenPunctuation.BETWEEN_PARENS_REGEX_2,
    BetweenPunctuation.BETWEEN_QUOTE_SLANTED_REGEX_2))
# Brackets that pysbd reads as list items or moves onto lines of their own.
_LIST_ITEM_RES = tuple(re.compile(pattern) for pattern in (
    ListItemReplacer.ROMAN_NUMERALS_IN_PARENTHESES, English.PARENS_BETWEEN_DOUBLE_QUOTES_REGEX))
# Numbers pysbd reads as list items ("2)", " 3. "), when two of them follow each other.
_NUMBERED_PARENS_RE = re.compile(ListItemReplacer.NUMBERED_LIST_PARENS_REGEX)
_NUMBERED_PERIODS_RE = re.compile(ListItemReplacer.NUMBERED_LIST_REGEX_1)
_LETTER_ITEM_RE = re.compile(ListItemReplacer.ALPHABETICAL_LIST_WITH_PARENS)
_LIST_LETTERS = frozenset((*ListItemReplacer.LATIN_NUMERALS, *ListItemReplacer.ROMAN_NUMERALS))
_BOUNDARY_RE = re.compile(English.SENTENCE_BOUNDARY_REGEX)
_QUOTE_ENDS_RE = re.compile(English.QUOTATION_AT_END_OF_SENTENCE_REGEX)
_AFTER_QUOTE_END_RE = re.compile(English.SPLIT_SPACE_QUOTATION_AT_END_OF_SENTENCE_REGEX)
# pysbd's stand-ins for a period and a question mark that end no sentence.
_PROTECTED, _PROTECTED_QUESTION = "\u222f", "&\u14f7&"
# "U.S." as pysbd's abbreviation rules leave it: both periods protected, except the last when
# one of its sentence starters follows ("… the U.S. The …").
_US_RE = re.compile(r"(?<![^\W_])U\.S\.(?=[ ,’”-]|$)")
_US_HIDDEN = f"U{_PROTECTED}S{_PROTECTED}"
_US_STARTERS = "|".join(English.AbbreviationReplacer.SENTENCE_STARTERS)
_US_BEFORE_STARTER_RE = re.compile(f"{_US_HIDDEN}(?= (?:{_US_STARTERS}) )")
_US_ENDING = f"U{_PROTECTED}S."


def _protect(match: re.Match[str]) -> str:
    return match[0].replace(".", _PROTECTED).replace("?", _PROTECTED_QUESTION)


def _numbered_list(pattern: re.Pattern[str], text: str) -> bool:
    """Whether pysbd's list pass would mark numbers of ``text`` found by ``pattern`` as list
    items: it does so only where two found one after the other are consecutive (or 9 and 0),
    so a lone "(2+2)" or "in 19. " is left alone."""
    numbers = [int(found) for found in pattern.findall(text)]
    return any(b == a + 1 or {a, b} == {0, 9} for a, b in itertools.pairwise(numbers))


def _ends_number(text: str, at: int) -> bool:
    """Whether the period at ``at``, right after a digit ("COVID-19. Beds …", "the G7."), is
    one pysbd's number rules leave as it is: a space or the end follows it, the number does
    not open the line, and no two numbers of ``text`` make a numbered list."""
    return (text[at - 1:at].isascii() and text[at - 1:at].isdigit()
            and text[at + 1:at + 2] in ("", " ")
            and not text[:at].isdigit()
            and not _numbered_list(_NUMBERED_PERIODS_RE, text))


def _plain_ends(text: str) -> list[int] | None:
    """Where pysbd's sentences of a plain ``text`` end (trailing whitespace included), or
    ``None`` when ``text`` is not plain and needs pysbd itself."""
    if not _PLAIN_RE.fullmatch(text) or "--" in text or "??" in text:
        return None
    if ("(" in text or ")" in text) and (
            _numbered_list(_NUMBERED_PARENS_RE, text)
            or any(pattern.search(text) for pattern in _LIST_ITEM_RES)
            or any(item in _LIST_LETTERS for item in _LETTER_ITEM_RE.findall(text))):
        return None
    # "U.S.": its periods end no sentence, unless one of pysbd's sentence starters follows.
    scan = _US_RE.sub(_US_HIDDEN, text) if "U.S." in text else text
    if _abbreviation_before_period(scan):
        return None
    periods = 0
    for match in _PERIOD_RE.finditer(scan):
        # Only a letter after a space or at the start is a list item or an initial to pysbd
        # ("Taiwanʼs." or "“Go." is not).
        word, start = match[1], match.start()
        if not word and not _ends_number(scan, start):
            return None
        if word and len(word) < 2 and (start == 0 or scan[start - 1] == " "):
            return None
        periods += 1
    if periods + len(_DECIMAL_RE.findall(scan)) != scan.count("."):
        return None
    marked = _DECIMAL_RE.sub(_PROTECTED, _US_BEFORE_STARTER_RE.sub(_US_ENDING, scan))
    if "." in marked or "?" in marked:
        if marked[-1] not in ".?":
            marked += "\u0238"  # pysbd's temporary end
        for quoted in _QUOTED_RES:
            marked = quoted.sub(_protect, marked)
        found = [m[0].replace(_PROTECTED, ".").replace(_PROTECTED_QUESTION, "?")
                 .replace("\u0238", "")
                 for m in _BOUNDARY_RE.finditer(marked)]
    else:
        found = [text]
    sentences: list[str] = []
    for sentence in found:
        if _QUOTE_ENDS_RE.search(sentence):
            sentences.extend(_AFTER_QUOTE_END_RE.split(sentence))
        else:
            sentences.append(sentence.strip())
    if not all(sentences):  # pysbd locates an empty sentence by its own rule
        return None
    return [span.end for span in _locate(text, sentences)]


def _pysbd_ends(text: str) -> list[int]:
    """Where pysbd's sentences of ``text`` end (trailing whitespace included)."""
    if not text.strip():
        return []
    with _SEGMENTER_LOCK:
        return [span.end for span in _segmenter().segment(text)]


@functools.lru_cache(maxsize=16384)
def _split_sentences(text: str) -> tuple[Sentence, ...]:
    shadow = _APOSTROPHE_RE.sub("\u02bc", text)
    ends = _plain_ends(shadow)
    if ends is None:
        ends = _pysbd_ends(shadow)
    cuts = [*sorted({end for end in ends if 0 < end < len(text)}), len(text)]
    merged: list[tuple[int, int]] = []
    start = 0
    for cut in cuts:
        lo, hi = _strip(text, start, cut)
        start = cut
        if lo >= hi:
            continue
        if merged:
            closers = _LEADING_CLOSERS_RE.match(text, lo, hi)
            if closers:  # a closing quote or bracket belongs to the sentence it closes
                merged[-1] = (merged[-1][0], closers.end())
                lo, hi = _strip(text, closers.end(), hi)
                if lo >= hi:
                    continue
            if _joins_previous(text[slice(*merged[-1])], text[lo:hi]):
                merged[-1] = (merged[-1][0], hi)
                continue
        merged.append((lo, hi))
    return tuple(Sentence(lo, hi, text[lo:hi]) for lo, hi in merged)
