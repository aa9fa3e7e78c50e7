"""Which organisation "the group" means: "Mayor Abe, who leads the group, said …".

News writing names a body once ("the Harbour Safety Council, a group of island mayors, …")
and then calls it "the group" or "the council". A role stated with such a definite noun
("leads the group", "chairs the council") says little on a card, and "The council said …"
three paragraphs on is the council's: the organisation meant says who. The referent is the
nearest organisation named before, in its paragraph or the few before (or, with a stated tie,
the few after), that the text ties to the noun:

* the noun is in its name: "the council" is the "Harbour Safety Council" ("the newspaper"
  is a name ending in Shimbun, Times, Post …);
* an appositive or predicate calls it one: "the Harbour Safety Council, a group of …",
  "The council is an alliance of …";
* it is introduced as one: "a group called the Harbour Safety Council", "a new body, the
  Harbour Safety Council,".

Failing these, a word for any body ("the group", "the body", "the coalition") means the
nearest body of members named in its paragraph or the one before (a council, an association,
a league …), never a ministry, a newspaper or a company. Only a role or a speaker written with
such a noun is looked up, so the cost is nil for almost every sentence."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.people.entities import entities_in

__all__ = ["referent"]

_NOUNS = (r"group|council|committee|association|alliance|coalition|body|organisation|"
          r"organization|network|forum|caucus|federation|league|union|panel|commission|"
          r"foundation|institute|agency|board|campaign|initiative|society|club|chamber|"
          r"ministry|department|bureau|office|party|guard|army|navy|newspaper|paper")
#: A role that ends in a definite noun: "leads the group", "chairs the council".
_DEFINITE_OBJECT_RE = re.compile(rf"\bthe\s+(?P<noun>{_NOUNS})$")
#: Paragraphs before and after the role's own that are searched for the referent.
_PARAGRAPHS_BACK = 4
_PARAGRAPHS_AHEAD = 2
_CLASS_WORDS = r"(?:[\w’'-]+\s+){0,3}?"
#: Nouns that may mean any body of members, whatever its name.
_GENERIC = frozenset({"group", "body", "organisation", "organization", "coalition",
                      "network", "alliance"})
#: Heads of the names of bodies of members: what a generic "the group" may mean.
_BODY_HEADS = frozenset({"council", "committee", "association", "alliance", "coalition",
                         "league", "union", "federation", "caucus", "forum", "society",
                         "network", "group", "club", "chamber", "panel", "consortium",
                         "cooperative", "co-operative", "initiative", "campaign"})


#: Nouns a name need not contain to be one: "the newspaper" is the "Sankei Shimbun".
_KIND_HEADS = dict.fromkeys(("newspaper", "paper"), frozenset(
    {"shimbun", "times", "post", "journal", "daily", "herald", "tribune", "gazette",
     "telegraph", "guardian", "news", "press", "review", "magazine"}))


def _tied(text: str, start: int, end: int, noun: str) -> bool:
    """Whether the organisation at ``text[start:end]`` is called a ``noun`` by the text."""
    words = set(text[start:end].lower().split())
    if noun in words or words & _KIND_HEADS.get(noun, frozenset()):
        return True
    after = re.compile(rf",\s+(?:a|an|the)\s+{_CLASS_WORDS}{noun}\b"
                       rf"|\s+(?:is|was|has\s+been)\s+(?:a|an)\s+{_CLASS_WORDS}{noun}\b")
    before = re.compile(rf"\b{noun},?\s+(?:(?:is\s+|was\s+)?(?:called|named|known\s+as|"
                        rf"formally|officially)\s+)?(?:the\s+)?$", re.IGNORECASE)
    return bool(after.match(text, end) or before.search(text, max(0, start - 40), start))


def referent(role: str, paragraphs: Sequence[tuple[str, str]], current: int, at: int
             ) -> tuple[str, str] | None:
    """The organisation a role's "the group" refers to: ``(name as written, passage id)``.

    ``paragraphs`` are ``(passage id, text)`` of the whole article, the role stated in
    ``paragraphs[current]`` at ``at`` (where the person is named). The organisation is
    looked for before the role, then after it ("Mayor Abe, who leads the group, … The group,
    the Harbour Safety Council, …"; only a stated tie counts there). ``None`` when the role
    ends in no such noun or nothing is tied to it.
    """
    match = _DEFINITE_OBJECT_RE.search(role)
    if not match:
        return None
    noun = match["noun"]
    before, nearest = _before(paragraphs, current, at, noun)
    for ahead in range(min(len(paragraphs) - current, _PARAGRAPHS_AHEAD + 1)):
        if before is not None and before[0] <= ahead:
            break  # what is tied before is nearer (or as near)
        passage, text = paragraphs[current + ahead]
        for start, end in _organisations(text, at if ahead == 0 else 0, len(text)):
            if _tied(text, start, end, noun):
                return text[start:end], passage
    if before is not None:
        return before[1]
    return nearest if noun in _GENERIC else None


def _before(paragraphs: Sequence[tuple[str, str]], current: int, at: int, noun: str
            ) -> tuple[tuple[int, tuple[str, str]] | None, tuple[str, str] | None]:
    """The nearest organisation before the role tied to ``noun`` (with its distance in
    paragraphs), and the nearest body of members in the role's paragraph or the one before."""
    nearest: tuple[str, str] | None = None
    for back in range(min(current, _PARAGRAPHS_BACK) + 1):
        passage, text = paragraphs[current - back]
        for start, end in reversed(_organisations(text, 0, at if back == 0 else len(text))):
            if _tied(text, start, end, noun):
                return (back, (text[start:end], passage)), nearest
            if nearest is None and back <= 1 and _BODY_HEADS & set(
                    text[start:end].lower().split()):
                nearest = text[start:end], passage
    return None, nearest


def _organisations(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    return [(s, e) for s, e, kind in entities_in(text, lo, hi) if kind == "organisation"]
