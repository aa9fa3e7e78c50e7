"""Who says a point: the speaker a sentence names, or the article's author.

Only what the text states is used. A quotation attributed to a name ("…,’ Lii Wen … said"), a
named subject of a reporting verb ("Kishi wrote that…", "the alliance calls for…" with the
alliance named in the sentence before) or a proposer named in a report ("…reported that
Taiwanese officials had contacted … to propose…") gives the speaker. A sentence with no such
attribution is in the article's own voice, so it is the author's, when the front matter names
one. A bare pronoun or "that person" whose referent is not in the quoted span gives nobody.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.text import STOPWORDS

_REPORTING = (
    r"(?:said|says|say|argued|argues|urged|urges|called|calls|call|proposed|proposes|"
    r"advocated|advocates|wrote|writes|underlined|underlines|stressed|stresses|warned|warns|"
    r"asked|asks|suggested|suggests|hopes|hoped|realized|realised|noted|notes|pointed\s+out|"
    r"added|insisted|declared|recommended|demanded|reported|reports|echoed)"
)
_MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
           r"December)")
# A word of a name or title: capitalised, a parenthesis (蔡英文), or a title's small words.
_NAME_WORD = (r"(?:[A-Z][\w’'.-]*|\([^)]*\)|of|former|late|then|prime|minister|president|"
              r"deputy|foreign|defense|defence|secretary|de|van|von)")
# Between a subject and its verb: adverbs and auxiliaries ("also", "this month echoed this
# sentiment and", "went on to"), dates ("in February 2019").
_FILLER = rf"(?:[a-z]+|{_MONTHS}|\d+)"
_SUBJECT_RE = re.compile(
    rf"(?<![\w’'-])(?P<who>{_NAME_WORD}(?:\s+{_NAME_WORD})*)\s+(?:{_FILLER}\s+){{0,6}}?"
    rf"(?P<verb>{_REPORTING})\b")
_QUOTE_SPEAKER_RE = re.compile(
    r"[’”'\"],?\s+(?P<who>[^,’”'\"‘“]{2,60}?)(?:,\s[^,]{2,80},)?\s+"
    r"(?:said|says|added|adds|noted|notes|asked|asks)\b")
# "the alliance calls for", "The newspaper article said": a speaker named elsewhere.
_DEFINITE_RE = re.compile(rf"\b[Tt]he\s+(?P<noun>[a-z]+)(?:\s+[a-z]+)?\s+{_REPORTING}\b")
# "…reported that Taiwanese officials had contacted … to propose…": the proposer is inside.
_REPORTED_PROPOSER_RE = re.compile(
    r"\breported\s+that\s+(?P<who>(?:[A-Z][\w’'-]*\s+)+(?:officials|leaders|lawmakers|"
    r"legislators|diplomats|politicians|government))\b.{0,120}?\b(?:to\s+)?"
    r"(?:propose|proposed|urge|urged|ask|asked|call\s+for|called\s+for)\b")
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "this", "that", "these",
                       "those", "that person", "this person", "the person"})
_QUOTATION_RE = re.compile(r"“[^”]*”|\"[^\"]*\"")
_PARENTHESIS_RE = re.compile(r"\s*\([^)]*\)")
_OPENERS = (STOPWORDS - {"the", "a", "an"}) | {"last", "then", "also", "still", "yet"}


@dataclass(frozen=True)
class Attribution:
    """Who says a point. ``by`` is ``None`` when the text does not say."""

    by: str | None
    by_author: bool = False  # ``by`` is the article's author: the sentence is in its own voice


def _clean(who: str) -> str:
    """A speaker as shown: without parenthesised glosses and trailing title words."""
    who = _PARENTHESIS_RE.sub("", who).strip(" ,")
    words = who.split()
    # Capitalised function words open the sentence, not the name ("In 2019", "Last year");
    # articles stay ("the LDP", "a Taiwanese security insider").
    while len(words) > 1 and words[0][:1].isupper() and words[0].lower() in _OPENERS:
        words = words[1:]
    return " ".join(words)


def _is_name(who: str) -> bool:
    """Whether ``who`` names somebody: it has a capitalised word that is not a stopword."""
    return any(w[:1].isupper() and w.lower() not in STOPWORDS for w in who.split())


def _named_before(noun: str, earlier: Sequence[str]) -> str | None:
    """The proper name ending with ``noun`` (capitalised) in the earlier sentences."""
    pattern = re.compile(rf"((?:[A-Z][\w’'-]*\s+){{0,6}}{re.escape(noun.capitalize())})\b")
    for sentence in reversed(earlier):
        found = pattern.findall(sentence)
        if found:
            return max(found, key=len)
    return None


def speaker(sentence: str, earlier: Sequence[str] = ()) -> str | None:
    """The speaker ``sentence`` names, ``"?"`` for an unresolved pronoun, ``None`` for none.

    ``earlier`` are the sentences quoted before it, used to resolve "he" and "the alliance".
    """
    match = _REPORTED_PROPOSER_RE.search(sentence)
    if match:
        return match["who"].strip()
    match = _QUOTE_SPEAKER_RE.search(sentence)
    if match:
        who = match["who"].strip()
        if who.lower() in _PRONOUNS:
            return _earlier_speaker(earlier)
        return _clean(who)
    match = _DEFINITE_RE.search(sentence)
    if match and match.start() < len(sentence) // 2:
        return _named_before(match["noun"], earlier) or "?"
    # A quoted title or quotation is not the sentence's subject ("titled “Japan calls for…”").
    unquoted = _QUOTATION_RE.sub(lambda m: "x" * len(m[0]), sentence)
    for match in _SUBJECT_RE.finditer(unquoted):
        who = _clean(match["who"])
        if who.lower() in _PRONOUNS:
            return _earlier_speaker(earlier)
        if _is_name(who):
            return who
    return None


def _earlier_speaker(earlier: Sequence[str]) -> str:
    for i in range(len(earlier) - 1, -1, -1):
        who = speaker(earlier[i], earlier[:i])
        if who and who != "?":
            return who
    return "?"


def attribute(sentences: Sequence[str], author: str | None) -> Attribution:
    """Who says the span made of ``sentences``: its last sentence's speaker, else the author.

    The last sentence is the point; earlier ones were brought along for context and resolve
    its pronouns ("…Lii Wen said. ‘…,’ he said." is Lii Wen's).
    """
    who = speaker(sentences[-1], sentences[:-1])
    if who == "?":
        return Attribution(None)
    if who:
        return Attribution(who)
    # A speaker named only in an earlier sentence does not speak the last one ("Kishi said
    # X. This means Y." — Y is the author's reading).
    return Attribution(author, by_author=author is not None)
