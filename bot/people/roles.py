"""Roles stated at a name: the rules that read what the text says a person is or does.

At ``text[start:end]``, a name may have

* a title right before it: "Japanese Minister of Defense Nobuo Kishi", "President Lai
  Ching-te", "then-Japanese prime minister Shinzo Abe", "Dr. Mari Ueda";
* an appositive right after it: "Lii Wen, now Taiwan’s presidential spokesperson, said",
  "Ken Ito, 62, a retired captain,";
* a predicate: "Yao Chung-yuan is a professor and former deputy director of …";
* a position held: "Chen Chi-mai, who leads the group," or "Kao chairs the Friendship
  Association" (a verb such as chairs, leads, heads, runs, founded, advises, sits on);
* an affiliation: "Dr. Mari Ueda of Kyoto University said" (an organisation, not a place);
* a title it stands in apposition to: "The ministry’s spokesman, Ken Ito, said".

Titles, appositives and predicates must contain a title word (minister, president, leader,
spokesperson, member, teacher …). Discovery (:mod:`bot.people.discover`) takes a role as
evidence of a person, and the directory's scan runs the same rules at every mention of a
known person, so a role is found wherever the text states it.
"""

from __future__ import annotations

import re

from bot.people.entities import classify
from bot.people.model import PersonRole
from bot.people.speech import AFFILIATION

# Words that make a title, an appositive or a predicate a role ("minister", "spokesperson").
_TITLE_WORDS_TEXT = """
    minister ministers president vice-president secretary secretary-general leader leaders
    spokesperson spokesman spokeswoman premier chancellor chairman chairwoman chairperson chair
    governor mayor senator congressman congresswoman lawmaker legislator parliamentarian mp
    ambassador envoy diplomat attache general admiral commander chief director head professor
    fellow researcher analyst adviser advisor official officer representative editor
    correspondent journalist reporter columnist scholar expert founder ceo emperor king queen
    prince princess speaker commissioner councillor councilor lieutenant colonel captain
    lecturer author translator actor actress singer writer novelist activist lawyer historian
    dr prof gen adm col lt rep gov resident member manager teacher student engineer doctor nurse
    fisherman pilot owner organizer organiser coordinator economist politician negotiator
    strategist commentator consultant entrepreneur businessman businesswoman
    commandant superintendent inspector sergeant
"""
TITLE_WORDS = frozenset(_TITLE_WORDS_TEXT.split())

# Lower-case words that may stand inside a title before a name ("former prime minister").
_TITLE_FILLERS_TEXT = """
    prime former late deputy vice foreign defense defence finance economy senior acting current
    outgoing incoming retired presidential national security cabinet opposition of for and
"""
TITLE_FILLERS = frozenset(_TITLE_FILLERS_TEXT.split())
# Words that join the parts of a title: "Minister of Defense", "Fellow / Advisory Committee".
JOINERS = frozenset({"of", "for", "and", "at", "/"})
# "Dr. Mari Ueda", "Gen. Ken Ito": an abbreviated title keeps its full stop.
_ABBREVIATED_TITLE_RE = re.compile(r"^(?:Dr|Prof|Gen|Adm|Col|Lt|Rep|Gov)\.$")
_PREFIXED_RE = re.compile(r"^(?:then|ex|former|late)-", re.IGNORECASE)
_TOKEN_RE = re.compile(r"\S+")

_MONTHS_DAYS_TEXT = """january february march april may june july august september october
    november december monday tuesday wednesday thursday friday saturday sunday"""
MONTHS_DAYS = _MONTHS_DAYS_TEXT.split()
# Capitalised words that open a sentence or a clause but never a title or a name.
_FUNCTION_WORDS_TEXT = """a an the in on at as by to of for from with after before during when
    while since until but and or if so then however meanwhile yet still also although though
    whereas because last this that these those next yesterday today tomorrow earlier later
    his her their its our my your he she they we it i mr mrs ms dr prof sir dame"""
FUNCTION_WORDS = _FUNCTION_WORDS_TEXT.split()

_PAREN_RE = re.compile(r"\s*\([^()]{1,60}\)")
# "X, <phrase>," — the phrase may hold in-word apostrophes (Taiwan’s) but no quotation.
_APPOSITIVE_RE = re.compile(r",\s+(?P<role>[^,;:!?()“”\"‘]{2,240}?)(?=,|\.(?:\s|$)|$)")
_PREDICATE_RE = re.compile(
    r"\s+(?:is|was|has been|had been|remains|became|serves as|served as)\s+"
    r"(?P<role>[^,;:!?()“”\"‘]{2,140}?)(?=[,;:!?]|\.(?:\s|$)|$)")
_AFFILIATION_RE = re.compile(AFFILIATION)
_AGE_RE = re.compile(r",\s+\d{1,3}(?=,)")
# Verbs that state a position held: "…, who chairs the Friendship Association," and "Kao
# chairs the Friendship Association" give the role "chairs the Friendship Association".
_ROLE_VERBS = (r"chairs|chaired|leads|led|heads|headed|directs|directed|runs|ran|founded|"
               r"co-founded|advises|advised|represents|represented|manages|managed|commands|"
               r"commanded|oversees|oversaw|teaches|taught|edits|edited|coordinates|"
               r"coordinated|serves\s+as|served\s+as|serves\s+on|served\s+on|sits\s+on|sat\s+on")
# The object names what is held: "the group", "a coalition", "Naha", never "it" or "away".
_ROLE_CLAUSE_RE = re.compile(
    rf"(?P<who>,\s+who\s+(?:(?:now|also|currently|still|once)\s+)?|\s+(?:now\s+|also\s+)?)"
    rf"(?P<role>(?:{_ROLE_VERBS})\s+(?:(?:the|a|an|his|her|their)\s|[A-Z])"
    r"[^,;:!?()“”\"‘]{1,120}?)"
    r"(?=[,;:!?]|\.(?:\s|$)|$)")
# "The ministry’s spokesman", "A spokeswoman for the Coast Guard": a title phrase a name
# stands in apposition to.
_APPOSED_TITLE_RE = re.compile(
    r"\s*(?P<title>(?:[Tt]he|[Aa]n?|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[A-Z][\w-]*[’']s?)\s+"
    r"(?:[\w’'-]+\s+){0,4}?(?P<head>[\w-]+)(?:\s+(?:of|for|at)\s+[^,;:]{1,60})?)")
_ROLE_OPENERS = frozenset(("a", "an", "the", "now", "then", "former", "currently", "also",
                           "still", "once"))
_CLAUSE_OPENERS = frozenset(("and", "or", "but", "who", "whom", "whose", "which", "where",
                             "when", "while", "that"))


def has_title_word(phrase: str) -> bool:
    """Whether ``phrase`` contains a title word ("Japanese Minister of Defense": yes)."""
    words = re.split(r"[\s-]+", phrase.lower().replace("’s", "").replace("'s", ""))
    return any(w.strip(".,") in TITLE_WORDS for w in words)


#: Characters before a name that :func:`title_before` reads first (twelve words of a title
#: mostly fit, and a longer one is read again up to the floor), so a long paragraph costs no
#: more than a short one.
_TITLE_WINDOW = 100


def title_before(text: str, start: int, floor: int = 0) -> tuple[int, int] | None:
    """The span of a title that ends right before ``start`` ("Japanese Minister of Defense").

    Scans back from the name over capitalised words and title fillers ("former", "prime",
    "of") within the sentence starting at ``floor``; stops at punctuation, digits and other
    words. Leading joiners, function words, months and days are trimmed.
    """
    if not text.endswith(" ", floor, start):
        return None
    window = max(floor, start - _TITLE_WINDOW)
    chosen = _title_words(text, window, start, window > floor)
    if chosen is None:  # the scan reached the window's edge: read back to the floor
        chosen = _title_words(text, floor, start, False) or []
    while chosen and (chosen[0].group().lower() in JOINERS | set(FUNCTION_WORDS)
                      or chosen[0].group().lower() in MONTHS_DAYS):
        chosen.pop(0)
    while chosen and chosen[-1].group().lower() in JOINERS:
        chosen.pop()
    if not chosen or not has_title_word(" ".join(m.group() for m in chosen)):
        return None
    return chosen[0].start(), chosen[-1].end()


def _title_words(text: str, lo: int, start: int, cut: bool) -> list[re.Match[str]] | None:
    """The words of ``text[lo:start]`` a title before ``start`` may be, in order; ``None``
    if ``lo`` is a ``cut`` (it may fall inside a word) and the scan back reached it."""
    chosen: list[re.Match[str]] = []
    tokens = list(_TOKEN_RE.finditer(text, lo, start))
    for i in range(len(tokens) - 1, -1, -1):
        token = tokens[i].group()
        bare = token.lower()
        if ((token[-1] in ",;:.!?)]”’\"'" and not _ABBREVIATED_TITLE_RE.match(token))
                or len(chosen) >= 12):
            break
        if i == 0 and cut:
            return None
        if bare in JOINERS:
            # "Minister of Defense", never "the party of President": the word before a
            # joiner must itself belong to a title.
            left = tokens[i - 1].group() if i else ""
            if not left or not (left[0].isupper() or left.lower() in TITLE_WORDS):
                break
        elif not (token[0].isupper() or bare in TITLE_FILLERS or bare in TITLE_WORDS
                  or _PREFIXED_RE.match(token)):
            break
        chosen.append(tokens[i])
    chosen.reverse()
    return chosen


def _after_parenthesis(text: str, end: int) -> int:
    match = _PAREN_RE.match(text, end)
    return match.end() if match else end


def appositive_after(text: str, end: int) -> tuple[int, int] | None:
    """The span of an appositive role after a name: "Lii Wen, now Taiwan’s … spokesperson,"
    (an age may come first: "Ken Ito, 62, a retired captain,")."""
    end = _after_parenthesis(text, end)
    age = _AGE_RE.match(text, end)
    match = _APPOSITIVE_RE.match(text, age.end() if age else end)
    if not match:
        return None
    role = match["role"].strip()
    if _is_clause(role) or len(role.split()) > 30 or not has_title_word(role):
        return None
    return match.start("role"), match.start("role") + len(role)


def predicate_after(text: str, end: int) -> tuple[int, int] | None:
    """The span of a predicate role: "Lii was then head of international affairs for …".

    The verb may follow an appositive: "Huynh Tam Sang, an … lecturer …, is a junior
    researcher at …".
    """
    starts = [_after_parenthesis(text, end)]
    appositive = _APPOSITIVE_RE.match(text, starts[0])
    if appositive and text.startswith(",", appositive.end()):
        starts.append(appositive.end() + 1)
    for start in starts:
        match = _PREDICATE_RE.match(text, start)
        if not match:
            continue
        role = match["role"].strip()
        words = role.split()
        if (words and len(words) <= 16 and has_title_word(role)
                and (words[0].lower() in _ROLE_OPENERS or words[0].lower() in TITLE_WORDS)):
            return match.start("role"), match.start("role") + len(role)
    return None


def position_after(text: str, end: int) -> tuple[int, int] | None:
    """The span of a position held, stated by a verb after the name: "Kao, who chairs the
    Friendship Association," or "Kao chairs the Friendship Association" (the role is
    "chairs the Friendship Association"); an appositive may stand between ("Kao, a
    legislator, chairs …")."""
    starts = [_after_parenthesis(text, end)]
    appositive = _APPOSITIVE_RE.match(text, starts[0])
    if appositive and text.startswith(",", appositive.end()) and not _is_clause(
            appositive["role"]):
        starts.append(appositive.end() + 1)
    for start in starts:
        match = _ROLE_CLAUSE_RE.match(text, start)
        if match and len(match["role"].split()) <= 16:
            return match.start("role"), match.end("role")
    return None


def _is_clause(phrase: str) -> bool:
    """Whether an appositive-looking phrase is a clause ("who …", "and …"), not a noun."""
    words = phrase.split()
    return not words or words[0].lower() in _CLAUSE_OPENERS


def affiliation_after(text: str, end: int) -> tuple[int, int] | None:
    """The span of an organisation right after a name: "Mari Ueda of Kyoto University"."""
    match = _AFFILIATION_RE.match(text, end)
    if not match or classify(match["affiliation"]) != "organisation":
        return None
    start, stop = match.span("affiliation")
    # A word may hold dots ("U.S."), but a lone one at its end closes the sentence: "of the
    # University of the Philippines. Ben Ota …" names the university, and no more.
    for word in re.finditer(r"\S+", text[start:stop]):
        if word.group().endswith(".") and "." not in word.group()[:-1]:
            return start, start + word.end() - 1
    return start, stop


def apposed_title_before(text: str, start: int, end: int, floor: int = 0
                         ) -> tuple[int, int] | None:
    """The span of a title the name stands in apposition to: "The ministry’s spokesman, Ken
    Ito, said", "A spokeswoman for the Coast Guard, Emi Oshiro, told" (the name closed by a
    comma; the phrase opens its clause with a determiner or a possessive and its head, before
    any "of/for/at", is a title word)."""
    if not text.startswith(",", _after_parenthesis(text, end)) or not text.endswith(
            ", ", floor, start):
        return None
    comma = start - 2
    opening = max(floor, *(text.rfind(mark, floor, comma) + 1 for mark in ".;:,()“”\""))
    phrase = _APPOSED_TITLE_RE.fullmatch(text, opening, comma)
    if phrase is None or phrase["head"].lower() not in TITLE_WORDS:
        return None
    return phrase.start("title"), comma


# What must follow a name for a rule after it to apply: a comma or a parenthesis (appositive,
# age, position, apposed title), a predicate's verb, an affiliation's preposition or a verb of
# a position held. Each rule's own pattern starts with one of these.
_AFTER_ROLE_RE = re.compile(
    r"\s*[,(]|\s+(?:is|was|has|had|remains|became|serves|served|now|also|of|at|from|sits|sat|"
    + "|".join(v for v in _ROLE_VERBS.split("|") if "\\s" not in v) + r")(?![\w-])")


def may_have_role(text: str, start: int, end: int) -> bool:
    """Whether :func:`roles_at` may find a role at ``text[start:end]``, whatever its floor:
    the cheap test of what each rule needs next to the name, which most mentions fail."""
    if _AFTER_ROLE_RE.match(text, end):
        return True
    if not start or text[start - 1] != " ":
        return False  # a title before, the one rule left, ends with a space before the name
    before = text[max(0, start - 40):start - 1].rsplit(None, 1)
    if not before:
        return False
    token = before[-1]
    if len(before) == 1 and start - 1 > 40:
        return True  # a token that may go on past the few characters read: let the rule see
    if token[-1] in ",;:.!?)]”’\"'" and not _ABBREVIATED_TITLE_RE.match(token):
        return False
    bare = token.lower()
    return (token[0].isupper() or bare in TITLE_FILLERS or bare in TITLE_WORDS
            or bare in JOINERS or bool(_PREFIXED_RE.match(token)))


def roles_at(text: str, passage_id: str, start: int, end: int, floor: int = 0
             ) -> list[PersonRole]:
    """The roles the text states for the name at ``text[start:end]``, each verbatim."""
    found = []
    for kind, span in (("title", title_before(text, start, floor)),
                       ("appositive", appositive_after(text, end)),
                       ("predicate", predicate_after(text, end)),
                       ("position", position_after(text, end)),
                       ("affiliation", affiliation_after(text, end)),
                       ("title", apposed_title_before(text, start, end, floor))):
        if span:
            found.append(PersonRole(text[span[0]:span[1]], passage_id, kind))
    return found


# A bio naming no one: "The author is a retired captain …", "The writers are researchers …".
_NAMELESS_BIO_RE = re.compile(r"^(?:[—–-]\s*)?(?:The|This) (?:author|writer|columnist"
                              r"|commentator)(?P<plural>s)? (?:is|are|was|were) (?P<role>.+?)\.?$")


def nameless_bio(text: str) -> tuple[int, int, bool] | None:
    """Where a bio that names no one ("The author is a researcher at …") states the role:
    ``(start, end, plural)`` of ``text``, plural for "The authors are …"; else None."""
    match = _NAMELESS_BIO_RE.match(text)
    return (match.start("role"), match.end("role"), bool(match["plural"])) if match else None

