"""Credit lines of a scraped article: who wrote it and who translated it.

A byline at the top ("By Kenji Ito, a fellow at …", "<role> at <org> <Name>"), a closing bio
("<Name> is a professor …", "— <Name> is …"; "The author is …" names no one but states the
role) or a "Translated by <Name>" line names the author or the translator; :mod:`bot.ingest`
drops the line from the body and keeps the name (and the byline, which states the author's
role) in the front matter. A photo caption or credit is dropped too (:func:`is_caption`).
"""

from __future__ import annotations

import re

from bot.people.discover import NOT_NAME
from bot.people.roles import nameless_bio

BIO_MAX_WORDS = 60
_BYLINE_MAX_WORDS = 20

_ROLE = (r"professor|lecturer|researcher|fellow|scholar|analyst|director|editor|writer|"
         r"columnist|journalist|correspondent|reporter|student|consultant|advis[eo]r|"
         r"commentator|chair(?:man|woman)?|founder|president|member|associate|candidate|"
         r"officer|ambassador|legislator|lawyer|economist|committee")
ROLE_RE = re.compile(rf"\b(?:{_ROLE})\b", re.IGNORECASE)
# Words that end an organisation's name: in "… at Taiwan Brain Trust Yu-Shih Liao" the
# person's name is what follows the last of them.
_ORG_RE = re.compile(r"(?:trust|university|foundation|institute|institution|council|cent(?:er|re)"
                     r"|association|ministry|agency|academy|college|school|society|committee|"
                     r"office|department|bureau|party|forum|group|company|corporation|times|"
                     r"network|fund|bank|commission|organi[sz]ation|club)", re.IGNORECASE)
_NAME_WORD = r"(?:[A-Z][\w-]*(?:['’][A-Z][\w-]*)?\.?)"
_NAME = rf"{_NAME_WORD}(?: (?:(?:de|van|der|von|bin|al|da|di|le|la) )?{_NAME_WORD}){{1,4}}"
# "<Name> is a professor …" / "<Name>, an … lecturer …, is a junior researcher at …", also
# set off by a dash: "— <Name> is …"
_BIO_RE = re.compile(rf"^(?:[—–-]\s*)?(?P<name>{_NAME})(?:, .*?,)? (?:is|was)\b(?P<rest>.*)$")
# "By Kenji Ito", "By Kenji Ito and Mary Sue", "By Kenji Ito, a fellow at …", "By Kenji Ito |
# Staff": the names, then nothing or a separator and the author's role or desk.
_BY_RE = re.compile(rf"^By (?P<name>{_NAME}(?:(?:,| and| &) {_NAME})*?)"
                    r"(?:$|(?:,|\s+[|–—-])\s+\S)")
# A photo caption or credit: "Photo: A patrol vessel near Yonaguni. Photo: Reuters", "Photo
# caption: …", "Pictured: …", "… in Kaohsiung. Photo: CNA", "(Photo by Kyodo)".
_CAPTION_RE = re.compile(
    r"^[\[(]?(?:(?:file|top|main|lead)\s+)?(?:photo(?:graph)?|image|picture|caption)s?"
    r"(?:\s+caption)?\s*[:：]|^[\[(]?pictured\b"
    r"|(?:^|[.!?)”’\"]\s+|\()(?:photo(?:graph)?|image|picture)s?\s*(?:[:：]|by\b|courtesy\b"
    r"|credit\b)[^.!?]{0,60}[.)]?\)?$", re.IGNORECASE)
_TRANSLATOR_RE = re.compile(r"^Translat(?:ed|ion)(?: and edited)? by (?P<name>.+?)\.?$")
_NOT_A_NAME = frozenset({"The", "This", "That", "These", "Those", "A", "An", "Our", "His", "Her",
                         "Its", "Their", "It"})
_CLOSERS = "”’\"')]»"
_SENTENCE_END = (".", "!", "?", "…")


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends with sentence-final punctuation (before closing quotes)."""
    return text.rstrip(_CLOSERS).endswith(_SENTENCE_END)


def lowercase_words(raw: str) -> frozenset[str]:
    """The words a file writes in lower case: such a word is no part of a name there."""
    return frozenset(re.findall(r"(?<![\w’'-])[a-z][a-z’'-]*", raw))


def _is_name_word(word: str, lowercase: frozenset[str] = frozenset()) -> bool:
    """Whether a capitalised word of a credit line can be part of the author's name.

    Not an organisation or role word ("Institute", "Fellow"), not a word no personal name
    holds ("Studies", "Policy", "Japan": the people rules' list) and not in ``lowercase``.
    """
    bare = word.rstrip(".").lower()
    return bool(re.fullmatch(_NAME_WORD, word) and not _ORG_RE.fullmatch(word)
                and not ROLE_RE.fullmatch(word) and bare not in NOT_NAME
                and bare not in lowercase)


def _role_line_name(text: str, lowercase: frozenset[str]) -> str | None:
    """The name at the end of "<role> at <org> <Name>"; None if the line is not one.

    The name is the run of name words that ends the line: "… at the Institute for Maritime
    Studies Daniel Okafor" is Daniel Okafor. Past its first two words, a word the file also
    writes in lower case ("Maritime" beside "maritime") ends it: names such as "Mark Young"
    keep their two words.
    """
    if len(text.split()) > _BYLINE_MAX_WORDS or ends_sentence(text):
        return None
    head, sep, _ = text.rpartition(" at ")
    if not sep or not ROLE_RE.search(head):
        head, sep, _ = text.rpartition(" of ")
        if not sep or not ROLE_RE.search(head):
            return None
    tail: list[str] = []
    for word in reversed(text.split()):
        if not _is_name_word(word, lowercase if len(tail) >= 2 else frozenset()):
            break
        tail.insert(0, word)
    return " ".join(tail) if 2 <= len(tail) <= 4 else None


def is_caption(text: str) -> bool:
    """Whether ``text`` is a photo caption or credit, not a paragraph of the article."""
    return bool(_CAPTION_RE.search(text))


def closing_byline(text: str) -> tuple[str, str | None] | None:
    """(reason, name) for a bio sentence or a translator line, else None. The name is
    ``None`` for a bio that names no one ("The author is a researcher at …"): it states the
    role of whoever the byline names, if any."""
    if (match := _TRANSLATOR_RE.match(text)) and len(match["name"].split()) <= 8:
        return "translator", match["name"]
    if len(text.split()) > BIO_MAX_WORDS:
        return None
    match = _BIO_RE.match(text)
    if (match and ROLE_RE.search(match["rest"])
            and match["name"].split()[0] not in _NOT_A_NAME):
        return "byline", match["name"]
    if (bio := nameless_bio(text)) and ROLE_RE.search(text, bio[0], bio[1]):
        return "byline", None
    return None


def by_line(text: str) -> str | None:
    """The names of a "By <Name>[, <role>]" line ("By Kenji Ito and Mary Sue"), else None."""
    match = _BY_RE.match(text)
    if match and len(text.split()) <= BIO_MAX_WORDS and all(
            _is_name_word(w) for w in re.findall(r"[^\s,&]+", match["name"])
            if not w.islower()):  # "and", "van", "de" join the names
        return match["name"]
    return None


def top_byline(text: str, lowercase: frozenset[str]) -> tuple[str, str | None] | None:
    """Bylines allowed near the top: also "By <Name>[, <role>]" and "<role> at <org> <Name>"."""
    if (name := by_line(text)) or (name := _role_line_name(text, lowercase)):
        return "byline", name
    return closing_byline(text)
