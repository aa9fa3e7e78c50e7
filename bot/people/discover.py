"""Discovery: the people an article names, found by rules over its text and front matter.

A person is a run of two to four capitalised name words (Nobuo Kishi, Tsai Ing-wen, Huynh Tam
Sang) with evidence that it is a person:

* a role stated at it (:mod:`bot.people.roles`): a title ("Japanese Minister of Defense
  Nobuo Kishi"), an appositive, a predicate, a position held or an affiliation;
* a speech verb: "Tsai Ing-wen (蔡英文) said", "said Lii Wen";
* or a credit: the ``author`` and ``translator`` fields of the front matter, unless the credit
  names a place or an organisation (see :func:`credited_people`).

The article's ``byline`` (the author line kept in the front matter, citable as
``doc#byline``) is read like a paragraph, so "Yao Chung-yuan is a professor and former …" there
gives the author's role.

Every word of a name found in the text must look like a name: not a stoplisted place,
organisation or title word (nor a hyphenated compound of places, "Japan-Taiwan"), and never
written in lower case elsewhere in the corpus. That keeps out "Taiwan Strait", "Sankei
Shimbun", "Financial Times" and "Liberal Democratic Party".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bot import parallel
from bot.corpus import Corpus, Document
from bot.people.entities import DEMONYMS, ORG_HEADS, PLACE_HEADS, PLACES
from bot.people.model import PersonRole
from bot.people.names import name_key, split_credit
from bot.people.roles import (
    FUNCTION_WORDS,
    JOINERS,
    MONTHS_DAYS,
    TITLE_FILLERS,
    TITLE_WORDS,
    may_have_role,
    roles_at,
)
from bot.people.speech import SPEECH_BEFORE_RE, speech_verb
from bot.text import split_sentences

# Words a person's name never contains, besides the places and organisation words of
# :mod:`bot.people.entities`.
_NOT_NAME_WORDS_TEXT = """
    east west north south northern southern eastern western zone force military self-defense
    defense defence security foreign affairs national international global democratic liberal
    progressive communist republican conservative labour labor program programme project
    framework strategy policy paper book law act treaty accord pact summit meeting consultation
    conference dialogue exchange war relations cooperation co-operation training brain think
    tank inc holdings media weekly monitor studies research science sciences initiative
"""
_NOT_NAME_WORDS = _NOT_NAME_WORDS_TEXT.split()
#: Words no credited name contains: places, organisation and place words, weekdays. Fewer
#: than :data:`NOT_NAME`, as a credit needs no evidence of a name beyond its shape: a given
#: name may be a month ("June") or a title word ("King"), and a surname is often written in
#: lower case elsewhere ("Young").
_CREDIT_NOT_NAME = PLACES | DEMONYMS | ORG_HEADS | PLACE_HEADS | frozenset(
    _NOT_NAME_WORDS + MONTHS_DAYS[12:])
NOT_NAME = frozenset(MONTHS_DAYS + FUNCTION_WORDS + _NOT_NAME_WORDS) | TITLE_WORDS | PLACES | (
    DEMONYMS | ORG_HEADS | PLACE_HEADS) | (
    TITLE_FILLERS - JOINERS)

# One name word: Kishi, Ing-wen, Yu-Shih, McDonald, O’Brien, Ngô.
_NAME_WORD = (r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)?"
              r"(?:['’][A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)?(?:-[A-Za-zÀ-ÿ][a-zß-öø-ÿ]+)*")
_NAME_WORD_RE = re.compile(_NAME_WORD)
# A run of two or more name words separated by single spaces (one word is no name), not
# glued to a word or hyphen before it: the capital is matched first, so that ``re`` skips to
# the next capital in C, and the character before it is checked then.
_RUN_RE = re.compile(rf"[A-ZÀ-ÖØ-Þ](?<![\w’'-].){_NAME_WORD[len('[A-ZÀ-ÖØ-Þ]'):]}"
                     rf"(?: {_NAME_WORD})+(?![\w-])")
_CJK_PAREN_RE = re.compile(r"\s*\(([\u3400-\u9fff\uf900-\ufaff]{2,8})\)")
@dataclass(frozen=True)
class Candidate:
    """A person found by the rules, with the roles and evidence that found them."""

    name: str
    roles: tuple[PersonRole, ...] = ()
    aliases: tuple[str, ...] = ()  # e.g. the Chinese characters given in parentheses
    evidence: tuple[str, ...] = ()  # "title:doc#p3", "said:doc#p7", "author:doc" …


_LOWERCASE_RE = re.compile(r"(?<![\w’'-])[a-z][a-z’'-]*")


def _lowercase_in(docs: Sequence[Document]) -> frozenset[str]:
    """Every word ``docs`` write in lower case somewhere: such a word is no name.

    A lower-case word holds no whitespace and what precedes it is no whitespace, so the
    words of a text are those of its whitespace-separated pieces: each distinct piece is
    read once (a corpus repeats the same few in every passage), the distinct pieces joined
    into one text for a single pass of the pattern.
    """
    pieces: set[str] = set()
    for doc in docs:
        for passage in doc.passages:
            pieces.update(passage.text.split())
    return frozenset(_LOWERCASE_RE.findall(" ".join(pieces)))


def is_name_word(word: str, lowercase: frozenset[str]) -> bool:
    """Whether a capitalised word can be part of a personal name: no stoplisted word, nor a
    compound of places ("Japan-Taiwan"), nor a word the corpus writes in lower case."""
    bare = word.lower()
    return (bare not in NOT_NAME and bare not in lowercase and len(bare) >= 2
            and not ("-" in bare and any(p in PLACES or p in DEMONYMS for p in bare.split("-"))))


# Letters, joined by a hyphen or an apostrophe (Chung-yuan, O’Brien), never a possessive.
_CREDIT_WORD_RE = re.compile(r"(?![\w’'-]*[’']s$)[^\W\d_]+(?:[’'-][^\W\d_]+)*\.?")
_ACRONYM_RE = re.compile(r"[A-Z]{2,6}s?")


def credited_people(credit: str) -> list[str]:
    """The people a front-matter credit names ("A and B" is two): each a name of words of
    letters (an initial may keep its full stop), no possessive, no acronym (unless all of it is
    in capitals) and no place or organisation word, so "Taiwan News", "Reuters" or "SDF
    Japan" credit no person."""
    found = []
    for name in split_credit(credit):
        words = name.split()
        shouting = name.isupper()
        if all(_CREDIT_WORD_RE.fullmatch(w) and (shouting or not _ACRONYM_RE.fullmatch(w))
               and not any(part in _CREDIT_NOT_NAME for part in w.lower().strip(".").split("-"))
               for w in words):
            found.append(name)
    return found



def name_runs(text: str, lowercase: frozenset[str], lo: int = 0, hi: int | None = None
              ) -> Iterator[tuple[int, int]]:
    """Spans of ``text[lo:hi]`` that read as a personal name of two to four words.

    The name is the run's last name words: leading title, place and organisation words are
    dropped ("Defense Nobuo Kishi" → "Nobuo Kishi", "Kaohsiung Mayor Chen Chi-mai" → "Chen
    Chi-mai"); a run that ends in such a word ("Taiwan Brain Trust") is no name.
    """
    for run in _RUN_RE.finditer(text, lo, len(text) if hi is None else hi):
        span = _name_in_run(run.group(), lowercase)
        if span:
            yield run.start() + span[0], run.start() + span[1]


# A corpus repeats the same runs ("Prime Minister Shinzo Abe") in passage after passage.
@functools.lru_cache(maxsize=1 << 16)
def _name_in_run(run: str, lowercase: frozenset[str]) -> tuple[int, int] | None:
    """The span (within ``run``) of the name a run of name words ends in, if any."""
    words = list(_NAME_WORD_RE.finditer(run))
    first = len(words)
    while first > 0 and is_name_word(words[first - 1].group(), lowercase):
        first -= 1
    words = words[first:]
    return (words[0].start(), words[-1].end()) if 2 <= len(words) <= 4 else None


#: Characters before a name read for "said X": the verb and six title words fit; fewer than
#: twelve spaces in them may not, and then the whole sentence before is read.
_SAID_WINDOW = 200


def _said(text: str, start: int, end: int, floor: int) -> bool:
    """Whether the name at ``text[start:end]`` says something: "X said", "X and Y said",
    "said X"."""
    if speech_verb(text, start, end):
        return True
    lo = max(floor, start - _SAID_WINDOW)
    if lo > floor and text.count(" ", lo, start) < 12:
        lo = floor
    return bool(SPEECH_BEFORE_RE.search(text, lo, start))


def _may_name_someone(text: str, lowercase: frozenset[str]) -> bool:
    """Whether a name run of the whole paragraph has evidence of a person.

    The rules read one sentence at a time, but a name never spans a sentence boundary and
    the evidence they accept within a sentence is also there in the whole paragraph, so a
    paragraph failing this test yields no one: most paragraphs, tested without splitting.
    """
    return any((may_have_role(text, start, end) and roles_at(text, "", start, end))
               or _said(text, start, end, 0) for start, end in name_runs(text, lowercase))


def discover(corpus: Corpus) -> list[Candidate]:
    """Everyone the corpus names with evidence of being a person, in order of first mention.

    Each document's credits come first, then its byline, then its paragraphs. On a large
    corpus each half of the documents is read by a worker of its own (:mod:`bot.parallel`)
    and the evidence is added in corpus order, as one pass would add it.
    """
    docs = list(corpus.documents.values())
    halves = parallel.halves(docs, lambda d: len(d.passages))
    passages = sum(len(d.passages) for d in docs)
    lowercase = frozenset().union(*parallel.map_forked(_lowercase_in, halves, passages))
    # name key -> (name as first found, roles, aliases, evidence), each in order, without
    # repeats: kept as dicts until the end, as a name may have evidence in every article
    found: dict[str, tuple[str, dict[PersonRole, None], dict[str, None], list[str]]] = {}
    for evidence in parallel.map_forked(lambda run: list(_evidence(run, lowercase)), halves,
                                        passages):
        for name, seen, roles, aliases in evidence:
            _name, known_roles, known_aliases, seen_at = found.setdefault(
                name_key(name), (name, {}, {}, []))
            known_roles.update(dict.fromkeys(roles))
            known_aliases.update(dict.fromkeys(aliases))
            seen_at.append(seen)
    return [Candidate(name, tuple(roles), tuple(aliases), tuple(seen_at))
            for name, roles, aliases, seen_at in found.values()]


def _evidence(docs: Sequence[Document], lowercase: frozenset[str]
              ) -> Iterator[tuple[str, str, tuple[PersonRole, ...], tuple[str, ...]]]:
    """``(name, evidence, roles, aliases)`` for each piece of evidence of a person in
    ``docs``, in order."""
    for doc in docs:
        for credit, value in (("author", doc.author), ("translator", doc.translator)):
            for name in credited_people(value or ""):
                yield name, f"{credit}:{doc.id}", (), ()
        for passage in (*filter(None, [doc.byline_passage]), *doc.passages):
            text = passage.text
            if not _may_name_someone(text, lowercase):  # spare the (slow) sentence split
                continue
            for sentence in split_sentences(text):
                for start, end in name_runs(text, lowercase, sentence.start, sentence.end):
                    roles = (roles_at(text, passage.id, start, end, sentence.start)
                             if may_have_role(text, start, end) else [])
                    kinds = [r.source for r in roles]
                    if _said(text, start, end, sentence.start):
                        kinds.append("said")
                    if not kinds:
                        continue
                    cjk = _CJK_PAREN_RE.match(text, end)
                    yield (text[start:end], f"{'+'.join(kinds)}:{passage.id}", tuple(roles),
                           (cjk[1],) if cjk else ())
