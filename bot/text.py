"""Text analysis: Unicode folding and the one analyzer for index and query.

The same :class:`Analyzer` turns passages into index terms and queries into query terms, so any
rule here applies to both sides. Folding is for matching only: displayed text is always the
verbatim passage.

Decisions worth knowing:

* ``US``, ``U.S.`` and ``USA`` all become the term ``us``, and ``us`` is not a stopword: in this
  corpus it is far more often the country than the pronoun, and a query typed in lower case
  ("us japan alliance") means the country.
* Negations (``no``, ``not``, ``nor``) are stopwords, as is conventional for BM25: "no formal
  relations" would otherwise favour every passage that says "no" anywhere.
* A synonym group adds one canonical term ``syn:<first term analysed>`` (``syn:senkaku``,
  ``syn:2+2``) next to the original terms, so both the alias and the literal words match.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import snowballstemmer

# Sentence splitting lives in bot.sentences; importers have long found it here.
from bot.sentences import Sentence, split_sentences

__all__ = ["ANALYZER_VERSION", "STOPWORDS", "Analyzer", "Sentence", "fold", "split_sentences"]

#: Bump whenever a tokenisation rule changes: it is part of the index cache key.
ANALYZER_VERSION = 1

# Quotes, dashes, spaces and invisible characters that NFKC leaves alone.
_FOLD_TABLE = str.maketrans(
    {**dict.fromkeys("‘’‚‛′`", "'"), **dict.fromkeys("“”„‟″«»", '"'),
     **dict.fromkeys("‐‑‒–—―⁃−﹘﹣⸺⸻", "-"), **dict.fromkeys("\u00a0\u1680\u2000\u2001\u2002"
     "\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000", " "),
     **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e", None)})

#: NLTK's English list, minus the contraction fragments that are also real words ("ma" as in
#: Ma Ying-jeou, "won", "don", "shan"): contractions stay whole here, so the fragments never
#: appear. Plus whole contractions and Latin abbreviations. "us" is deliberately absent.
_STOPWORD_TEXT = """
i me my myself we our ours ourselves you you're you've you'll you'd your yours yourself
yourselves he him his himself she she's her hers herself it it's its itself they them their
theirs themselves what which who whom this that that'll these those am is are was were be been
being have has had having do does did doing a an the and but if or because as until while of at
by for with about against between into through during before after above below to from up down
in out on off over under again further then once here there when where why how all any both each
few more most other some such no nor not only own same so than too very s t can will just don't
should should've now d ll m o re ve y ain't aren't couldn't didn't doesn't hadn't hasn't haven't
isn't mightn't mustn't needn't shan't shouldn't wasn't weren't won't wouldn't can't cannot i'm
i've i'll i'd we're we've we'll we'd they're they've they'll they'd he'd he'll she'd she'll
it'll eg ie etc
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_CJK = "\u2e80-\u2fff\u3005\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af" \
       "\uf900-\ufaff\U00020000-\U0002fa1f"
_CJK_RUN_RE = re.compile(f"[{_CJK}]+")
# Em dashes and bars punctuate ("security—even"); only hyphens and en dashes join compounds.
_BREAK_DASH_RE = re.compile("[—―⸺⸻]")
# Dotted acronyms (u.s., e.g., d.c.) lose their dots before tokenising: U.S. and US agree.
_ACRONYM_RE = re.compile(r"(?<![^\W_])[a-z](?:\.[a-z])+\.?(?![^\W_])")
# A chunk: alphanumeric atoms joined by single hyphens, apostrophes or numeric punctuation.
_CHUNK_RE = re.compile(r"[^\W_]+(?:[-'.,+][^\W_]+)*")
# Inside a hyphen segment: a number (1.5, 970,000, 2+2) with an optional unit, or a word.
_PIECE_RE = re.compile(r"(\d+(?:[.,]\d+)*(?:\+\d+)*)([^\W\d_]+)?|([^\W\d_][^\W_]*(?:'[^\W_]+)*)")
_THOUSANDS_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th", "s"})  # 2nd, 1990s: the number is enough
_NUMBER_WORDS = {w: str(n) for n, w in enumerate(
    ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"))}
_ALIASES = {"usa": "us"}
#: Distinct words whose analysis an analyzer remembers (a few hundred bytes each).
_MEMO_WORDS = 1_000_000
_STEMMER_NAME = "snowball-english-" + importlib.metadata.version("snowballstemmer")


def fold(text: str) -> str:
    """Fold ``text`` for matching, never for display.

    NFKC, curly quotes to ``'``/``"``, every dash to ``-``, odd spaces to ``' '``, zero-width
    characters removed, then ``casefold``.
    """
    return unicodedata.normalize("NFKC", text).translate(_FOLD_TABLE).casefold()


# -------------------------------------------------------------------------------- analyzer


_STEMMER = snowballstemmer.stemmer("english")
_STEMMER_LOCK = threading.Lock()  # a snowballstemmer object keeps per-call state


@functools.lru_cache(maxsize=200_000)
def _snowball(word: str) -> str:
    with _STEMMER_LOCK:
        return _STEMMER.stemWord(word)


class Analyzer:
    """Turns text into index/query terms: fold, tokenise, drop stopwords, stem, add synonyms."""

    def __init__(self, synonyms: Iterable[Sequence[str]] = (), *, stem: bool = True,
                 stopwords: bool = True) -> None:
        self._stem_on = stem
        self._memo: dict[str, tuple[tuple[str, ...], ...]] = {}
        self._stopwords = STOPWORDS if stopwords else frozenset()
        self._groups = tuple(tuple(str(term) for term in group) for group in synonyms)
        # Phrases match on the full word sequence, stopwords included: "JUST Program" must not
        # shrink to "program", nor "Defense of Japan" match "defense, Japan". A term made only
        # of stopwords (a bare "JUST") cannot be told from the word, so it is ignored.
        found: dict[tuple[str, ...], list[str]] = {}
        for group in self._groups:
            analyzed = [self._analyze(term) for term in group]
            forms = [(full, joined) for terms, extras, full, joined in analyzed if terms or extras]
            if not forms:
                continue
            canonical = "syn:" + "_".join(forms[0][0])
            for full, joined in forms:
                for phrase in (tuple(full), tuple(joined)):
                    if canonical not in found.setdefault(phrase, []):
                        found[phrase].append(canonical)
        #: first word -> [(phrase, canonical term)], longest phrase first
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for phrase, names in sorted(found.items(), key=lambda item: -len(item[0])):
            self._phrases.setdefault(phrase[0], []).extend((phrase, name) for name in names)

    def stem(self, word: str) -> str:
        """The stem of one folded word; identity if stemming is off or ``word`` is no word."""
        if self._stem_on and word.isalpha() and not _CJK_RUN_RE.search(word):
            return _snowball(word)
        return word

    def tokens(self, text: str) -> list[str]:
        """The index/query terms of ``text``: its terms, compound and CJK extras, synonyms.

        Each synonym-group occurrence adds its canonical term once; matches of one group do not
        overlap (the longest wins), matches of different groups may ("air defense" is both
        ``air defense`` and ``defense``).
        """
        terms, extras, full, _ = self._analyze(text)
        found: list[str] = []
        covered: dict[str, int] = {}  # canonical term -> end of its last match
        for i, word in enumerate(full):
            for phrase, name in self._phrases.get(word, ()):
                if covered.get(name, 0) <= i and (
                        len(phrase) == 1 or tuple(full[i:i + len(phrase)]) == phrase):
                    found.append(name)
                    covered[name] = i + len(phrase)
        return terms + extras + found

    def word_terms(self, word: str) -> tuple[list[str], list[str], list[str]]:
        """``(terms, extras, full)`` of one whitespace-free ``word``, not remembered: what
        :meth:`tokens` assembles a text from, for a caller keeping its own table of words (the
        index build). ``terms`` and ``extras`` are the word's index terms, ``full`` the words
        synonym phrases match on (see :attr:`phrases`)."""
        terms, extras, full, _ = self._analyze_word(word)
        return terms, extras, full

    @property
    def phrases(self) -> Mapping[str, Sequence[tuple[tuple[str, ...], str]]]:
        """Synonym phrases by their first ``full`` word: ``(phrase, canonical term)``, longest
        first. :meth:`tokens` adds a canonical term at each match, scanning the full words in
        order, unless the previous match of the same canonical term still covers the word."""
        return self._phrases

    @property
    def fingerprint(self) -> str:
        """A stable hash of every setting that changes the terms; part of the index cache key."""
        settings = {"version": ANALYZER_VERSION, "stem": self._stem_on, "stemmer": _STEMMER_NAME,
                    "stopwords": sorted(self._stopwords), "synonyms": self._groups}
        blob = json.dumps(settings, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    # -- internals

    def _word(self, word: str) -> tuple[str, bool]:
        """One surface word to ``(its term, whether it is a stopword)``."""
        word = word.removesuffix("'s")  # possessive: Japan’s -> japan
        stop = word in self._stopwords  # before the apostrophe goes: "isn't", "won't"
        word = word.replace("'", "")
        word = _ALIASES.get(word, word)
        return self.stem(word), stop or not word or word in self._stopwords

    def _pieces(self, segment: str) -> list[str]:
        """The surface words of one hyphen-free segment: numbers, units and words."""
        if segment.isalpha():  # the common case, without the regex
            return [segment]
        out: list[str] = []
        for number, unit, word in _PIECE_RE.findall(segment):
            if word:
                out.append(word)
                continue
            if "," in number:
                out.extend([number.replace(",", "")] if _THOUSANDS_RE.fullmatch(number)
                           else number.split(","))
            else:
                out.append(number)
            if unit and unit not in _ORDINAL_SUFFIXES:
                out.append(unit)  # 110km -> 110, km
        return out

    def _analyze(self, text: str) -> tuple[list[str], list[str], list[str], list[str]]:
        """``(terms, extras, full, joined)`` of ``text`` (see :meth:`_analyze_word`).

        No rule reaches across whitespace, so each distinct whitespace-separated word is
        analysed once and remembered: a large corpus repeats the same words millions of times.
        """
        terms: list[str] = []
        extras: list[str] = []
        full: list[str] = []
        joined: list[str] = []
        memo = self._memo
        for word in text.split():
            parts = memo.get(word)
            if parts is None:
                parts = tuple(tuple(part) for part in self._analyze_word(word))
                if len(memo) < _MEMO_WORDS:
                    memo[word] = parts
            terms += parts[0]
            extras += parts[1]
            full += parts[2]
            joined += parts[3]
        return terms, extras, full, joined

    def _analyze_word(self, text: str) -> tuple[list[str], list[str], list[str], list[str]]:
        """``(terms, extras, full, joined)`` of ``text``.

        ``terms``: in text order, stopwords dropped, compounds split into their parts.
        ``extras``: joined compounds, "2+2" for "two-plus-two", CJK bigrams.
        ``full``: every word including stopwords (for phrase matching), and ``joined`` the same
        with each compound as one word, so a synonym written either way matches.
        """
        text = fold(_BREAK_DASH_RE.sub(" ", text))
        if _CJK_RUN_RE.search(text):  # a CJK run is a token of its own, even next to Latin
            text = _CJK_RUN_RE.sub(r" \g<0> ", text)
        text = _ACRONYM_RE.sub(lambda m: m[0].replace(".", ""), text)
        terms: list[str] = []
        extras: list[str] = []
        full: list[str] = []
        joined: list[str] = []
        for chunk in _CHUNK_RE.findall(text):
            if _CJK_RUN_RE.match(chunk):
                terms.append(chunk)
                full.append(chunk)
                joined.append(chunk)
                extras.extend(chunk[k:k + 2] for k in range(len(chunk) - 1) if len(chunk) > 2)
                continue
            segments = [self._pieces(segment) for segment in chunk.split("-")]
            words = [self._word(w) for seg in segments for w in seg]
            terms.extend(term for term, stop in words if not stop)
            full.extend(term for term, _ in words)
            if len(segments) == 1:
                joined.extend(term for term, _ in words)
                continue
            surface = [w.removesuffix("'s").replace("'", "") for seg in segments for w in seg]
            if any(w.isalpha() for w in surface):  # not for number ranges like 2019-2021
                compound, stop = self._word("".join(surface))
                joined.append(compound)
                if not stop:
                    extras.append(compound)
            else:
                joined.extend(term for term, _ in words)
            if len(surface) == 3 and surface[1] == "plus":  # two-plus-two -> 2+2
                left, right = (_NUMBER_WORDS.get(w, w) for w in (surface[0], surface[2]))
                if left.isdigit() and right.isdigit():
                    extras.append(f"{left}+{right}")
        return terms, extras, full, joined
