"""Reporting verbs and quotation marks: the vocabulary every attribution rule shares.

One list of reporting verbs serves discovery ("Kishi said" is evidence of a person), people
cards (quotes and reported speech) and briefings (who makes a point), so the three never
disagree on whether a sentence says who speaks.

A quotation is text between matching quotation marks (“…”, ‘…’ or ‘…', "…"); an apostrophe
inside a word (Japan’s) never closes one. A quotation introduced as a title ("titled “…”")
is nobody's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import Sentence, split_sentences

#: Verbs that report what someone says, writes, proposes or asks for (past and present).
REPORTING_VERBS = (
    r"said|says|say|wrote|writes|told|tells|added|adds|stated|states|argued|argues|noted|notes|"
    r"stressed|stresses|warned|warns|asked|asks|explained|explains|insisted|insists|remarked|"
    r"declared|declares|replied|commented|tweeted|posted|claimed|claims|urged|urges|recalled|"
    r"recalls|emphasized|emphasised|emphasizes|emphasises|predicted|called|calls|proposed|"
    r"proposes|advocated|advocates|underlined|underlines|suggested|suggests|hoped|hopes|"
    r"realized|realised|pointed\s+out|points\s+out|recommended|recommends|demanded|demands|"
    r"reported|reports|echoed|expressed|expresses|announced|announces|pledged|pledges|"
    r"vowed|vows|believes|believed|concluded|concludes|acknowledged|acknowledges|"
    r"confirmed|confirms|denied|denies|admitted|admits|revealed|reveals|disclosed|"
    # "Abe went on to call for …": a base form only after a verb that sets it going
    r"(?:went\s+on|goes\s+on|go\s+on|continued|proceeded|was\s+quick|were\s+quick)\s+to\s+"
    r"(?:say|call|urge|propose|argue|warn|ask|suggest|add|stress|insist|note|demand|"
    r"recommend)|"
    # "As Ueda puts it, …", "Ueda put it bluntly:", never "Japan put it on the agenda"
    r"puts?\s+it(?=\s*[,:]|\s+(?:this|that|another|bluntly|simply|plainly|succinctly)\b)"
)
#: Reporting verbs of a plural subject, which :data:`REPORTING_VERBS` leaves out ("analysts
#: argue"): base forms are too common to report speech after a name.
PLURAL_VERBS = (r"argue|warn|claim|insist|note|urge|suggest|believe|contend|maintain|agree|fear|"
                r"worry|doubt|complain")
#: A speech act in the participle: "… sent a petition to the ministry calling for a plan".
SPEECH_PARTICIPLES = r"calling\s+for|urging|demanding|asking\s+for|proposing|saying"
_MONTHS_DAYS = (r"(?:January|February|March|April|May|June|July|August|September|October|"
                r"November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)")
# Words between a name and its verb: adverbs and dates ("last month", "on Tuesday"), never a
# clause of its own, nor a passive ("Tanabe was asked", "Kishi is said to …": not their words).
_NOT_ADVERB = (r"(?!(?:and|or|but|who|which|that|his|her|their|its|was|were|is|are|be|been|"
               r"being)\b)")
_FILLER = rf"(?:{_NOT_ADVERB}[a-z]+|{_MONTHS_DAYS}|\d{{1,4}})"
#: "of Kyoto University", "at the Pacific Forum": an affiliation right after a name.
AFFILIATION = (r"\s+(?:of|at|from)\s+(?P<affiliation>(?:the\s+)?[A-Z][\w’'.&-]*"
               r"(?:\s+(?:(?:of|for|and|on)\s+(?:the\s+)?)?[A-Z][\w’'.&-]*){0,6})")
#: After a name: optional (parenthesis) or affiliation, optional place ("in Tokyo"), optional
#: ", appositive,", a few adverbs, a verb.
SPEECH_AFTER_RE = re.compile(
    rf"(?:\s*\([^()]{{1,60}}\)|{AFFILIATION})?(?:\s+in\s+[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){{0,2}})?"
    rf"(?:,\s*[^,;“”‘]{{1,100}}?,)?\s+"
    rf"(?:{_FILLER}\s+){{0,3}}(?P<verb>{REPORTING_VERBS})\b")
#: Before a name: "said X", "said Japanese Minister of Defense X", "according to X".
SPEECH_BEFORE_RE = re.compile(
    rf"(?:\b(?:{REPORTING_VERBS})|\b[Aa]ccording to)\s+(?:(?:[A-Z][\w’'-]*|of|for)\s+){{0,6}}$")

#: The names listed after a name, which share its verb: ", Aiko Tanaka and Ken Abe" in
#: "Kenji Mori, Aiko Tanaka and Ken Abe said".
_LISTED_NAME = r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3}"
_LISTED_AFTER_RE = re.compile(rf"(?:,\s+{_LISTED_NAME})*,?\s+and\s+{_LISTED_NAME}")
# Before a name closing an apposition or ending a list: "The ministry’s spokesman, Ken Ito,
# said", "The advisers, Ken Abe and Rina Kato, said".
_APPOSED_BEFORE_RE = re.compile(r"(?:,|\sand)\s$")


def speech_verb(text: str, start: int, end: int, hi: int | None = None) -> re.Match[str] | None:
    """The reporting verb before ``hi`` of which the name at ``text[start:end]`` is the
    subject, or one of the subjects: "X said", "X of Y University, a former minister,
    said", "X and Y said", "X, Y and Z said", or a name closing an apposition, "the
    advisers, X and Y, said"; ``None`` if there is none."""
    hi = len(text) if hi is None else hi
    verb = SPEECH_AFTER_RE.match(text, end, hi)
    if verb is not None:
        return verb
    listed = _LISTED_AFTER_RE.match(text, end, hi)
    if listed is not None:
        verb = SPEECH_AFTER_RE.match(text, listed.end(), hi)
        if verb is not None:
            return verb
    elif not _APPOSED_BEFORE_RE.search(text, max(0, start - 5), start):
        return None  # "Japan, said to be …" closes no apposition
    last = listed.end() if listed is not None else end
    return SPEECH_AFTER_RE.match(text, last + 1, hi) if text.startswith(",", last) else None


_CLOSERS = {"“": "”", "‘": "’'", '"': '"'}
_OPENER_RE = re.compile("|".join(map(re.escape, _CLOSERS)))
_CLOSER_RES = {mark: re.compile(f"[{re.escape(closers)}]") for mark, closers in _CLOSERS.items()}
_TITLE_INTRO_RE = re.compile(
    r"\b(?:titled|entitled|headlined|headline|called|dubbed|named|known as|so-called|"
    r"the (?:term|phrase|word|slogan))\s*,?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Quotation:
    """Quotation marks in a passage: ``start``/``end`` include the marks."""

    start: int
    end: int
    inner: str  # the quoted words, verbatim, without the marks or a trailing comma
    title: bool  # introduced as a title ("titled “…”"): nobody's words


def quotations(text: str, lo: int = 0, hi: int | None = None) -> list[Quotation]:
    """The quotations that open and close within ``text[lo:hi]``, in order."""
    hi = len(text) if hi is None else hi
    found: list[Quotation] = []
    # Marks are found by regex, not by a loop over every character: this runs for every
    # sentence attributed.
    opener = _OPENER_RE.search(text, lo, hi)
    while opener is not None:
        i = opener.start()
        j = _closing(text, i, hi) if i == 0 or not text[i - 1].isalnum() else -1
        if j < 0:
            opener = _OPENER_RE.search(text, i + 1, hi)
            continue
        inner = text[i + 1:j].strip().rstrip(",").rstrip()
        title = bool(_TITLE_INTRO_RE.search(text[max(lo, i - 40):i]))
        if inner:
            found.append(Quotation(i, j + 1, inner, title))
        opener = _OPENER_RE.search(text, j + 1, hi)
    return found


def _closing(text: str, i: int, hi: int) -> int:
    """Where the quotation opened at ``i`` closes (before ``hi``), or -1: the first closing
    mark not followed by a letter or digit, at least one character on."""
    closer = _CLOSER_RES[text[i]].search(text, i + 2, hi)
    while closer is not None:
        j = closer.start()
        if j + 1 >= len(text) or not text[j + 1].isalnum():
            return j
        closer = _CLOSER_RES[text[i]].search(text, j + 1, hi)
    return -1


# A sentence that only says who spoke: "Kato asked.", "said Governor Rina Kato."
_ATTRIBUTION_ONLY_RE = re.compile(
    rf"^(?:[\w’'-]+\s+){{0,6}}?(?:{REPORTING_VERBS})(?:\s+[\w’'-]+){{0,6}}?[.!?]$")
#: Sentences one quotation may span: a longer stretch means unbalanced marks, not a quote.
_MAX_QUOTED_SENTENCES = 6


def quoted_units(text: str) -> list[Sentence]:
    """The sentences of ``text``, those one quotation spans merged into one unit.

    "“Storms do not read maps. Neither should rescuers,” said Kato." is one unit, so the
    attribution at its end covers its first sentence too; so does "Kato said: “… . …”".
    """
    sentences = split_sentences(text)
    quotes = [q for q in quotations(text) if not q.title]
    units: list[Sentence] = []
    i = 0
    while i < len(sentences):
        j = i
        while j + 1 < len(sentences) and j - i + 1 < _MAX_QUOTED_SENTENCES and any(
                sentences[i].start <= q.start < sentences[j].end < q.end for q in quotes):
            j += 1
        # "“… . Why wait?” Kato asked.": the splitter cut the attribution off its quotation.
        if (j + 1 < len(sentences) and sentences[j].text[-1] in "”’\""
                and _ATTRIBUTION_ONLY_RE.match(sentences[j + 1].text)):
            j += 1
        start, end = sentences[i].start, sentences[j].end
        units.append(Sentence(start, end, text[start:end]))
        i = j + 1
    return units
