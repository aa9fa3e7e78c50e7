"""Cue phrases: what makes a sentence a point of a topic's kind, and how firmly.

A topic lists its cues as plain phrases ("should", "calls for", "obstacle*"); here they are
compiled into patterns, found in sentences, weighed (:func:`cue_strength`: negated,
speculative or aside cues count for less or nothing), and the thing each cue is about — its
object, the words after it — is read (:func:`cue_objects`), so that two statements using the
same cue on the same thing can be told to make one point.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.corpus import Topic
from bot.text import fold

_WORD_RE = re.compile(r"[^\W_]+")
_DOTTED_ACRONYM_RE = re.compile(r"(?<![^\W_])(?:[a-z]\.){2,}(?![^\W_])")


def normalise(text: str) -> str:
    """Fold ``text`` for cue matching: case, quotes and dashes folded, U.S. → us."""
    return _DOTTED_ACRONYM_RE.sub(lambda m: m[0].replace(".", ""), fold(text))


@dataclass(frozen=True)
class Cue:
    """A cue phrase of a topic and the pattern that finds it."""

    phrase: str
    pattern: re.Pattern[str]
    weak: bool = False  # marks a point only weakly on its own (see ``cue_strength``)
    #: What a text must hold for the pattern to match it: these words, and ``stem`` (for a
    #: cue of "hurdle*" alone). A cheap test that rules out most sentences before the
    #: pattern runs.
    words: frozenset[str] = frozenset()
    stem: str = ""

    def may_match(self, folded: str, words: frozenset[str]) -> bool:
        """Whether a text folded by :func:`normalise`, whose words (:func:`cue_words`) are
        ``words``, may hold the cue."""
        return self.words <= words and self.stem in folded


def compile_cue(phrase: str, *, weak: bool = False) -> Cue:
    """A cue matching whole words, case-insensitively; a trailing ``*`` matches any ending.

    Words are matched in order with any punctuation or spacing between them, so "pressure
    from China" also finds "pressure from China,’".
    """
    words = normalise(phrase).split()
    parts = []
    for word in words:
        if word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"[^\W_]*")
        else:
            parts.append(re.escape(word))
    pattern = re.compile(r"(?<![^\W_])" + r"[\s,;:'\"]+".join(parts) + r"(?![^\W_])")
    literal = [w for w in words if not w.endswith("*")]
    return Cue(phrase, pattern, weak, cue_words(" ".join(literal)),
               "" if literal or not words else words[0][:-1])



def cue_words(folded: str) -> frozenset[str]:
    """The words of a text folded by :func:`normalise`, as :meth:`Cue.may_match` takes them."""
    return frozenset(_WORD_RE.findall(folded))


@functools.lru_cache(maxsize=256)
def topic_cues(topic: Topic) -> tuple[Cue, ...]:
    """The compiled cues of ``topic``: its ``cues``, then its ``weak_cues`` marked weak."""
    return (*(compile_cue(p) for p in topic.cues),
            *(compile_cue(p, weak=True) for p in topic.weak_cues))


def matched_cues(cues: Sequence[Cue], text: str) -> list[str]:
    """The phrases of ``cues`` that occur in ``text``, in the order of ``cues``."""
    folded = normalise(text)
    words = cue_words(folded)
    return [cue.phrase for cue in cues
            if cue.may_match(folded, words) and cue.pattern.search(folded)]


# Modals of possibility propose only weakly ("Japan could help Taiwan…": a topic lists them as
# weak cues), and not at all when they speculate: "could be seen as", "might be interpreted",
# "could not stand by", "could also potentially involve", "it cannot be ruled out", or foresee
# a loss or a harm ("a company … might lose those orders", "could provoke Beijing").
_EPISTEMIC_RE = re.compile(
    r"(?<![^\W_])(?:(?:could|might|may|can|would)(?:\s+(?:also|well|even|easily|quickly))?\s+"
    r"(?:not\b|never\b|potentially\b|possibly\b|be\s+[a-z]+(?:ed|en|wn)\b"
    r"|(?:lose|suffer|fail|collapse|escalate|provoke|trigger|anger|hurt|damage|harm|undermine"
    r"|jeopardi[sz]e|spark|backfire|worsen|alienate|antagoni[sz]e)\b)"
    r"|cannot\s+be\s+(?:ruled\s+out|denied|excluded|overstated)\b)")
# A cue negated ("it is not difficult", "nor reluctant"), denied to exist ("there is no
# institutional reason why …", "there is no need to …") or asked about ("whether Taiwan and
# Japan should …") makes no point. ("Japan has no legal basis" does: the lack is the point.)
_NEGATED_RE = re.compile(r"(?:\bnot|\bnever|n't|\bnor|\bwhether(?:\s+[^\W_]+){0,6}"
                         r"|\bthere\s+(?:is|are|was|were)\s+no(?:\s+[^\W_]+){0,2})\s+$")
# "need to" after a determiner or an adjective is the noun, which describes as often as it
# proposes ("a pressing need to support Taiwan has not been a constant"); after its subject
# it is the verb, which proposes ("the two governments need to share radar tracks").
_NOUN_NEED_RE = re.compile(
    r"(?<![^\W_])(?:(?:a|an|the|this|that|such|no|any|its|their|our|his|her|whose)\s+"
    r"(?:[^\W_]+(?:ing|ent|al|ous|ic|ive)\s+)?"
    r"|(?:pressing|urgent|growing|clear|real|obvious|great|strong|acute)\s+)$")
# A modal of obligation in what a difficulty "is that …" ("The main problem is that every
# step must be taken without a treaty") states a constraint, not a proposal.
_CONSTRAINT_RE = re.compile(
    r"\b(?:problem|difficulty|obstacle|hurdle|trouble|catch|snag|drawback|challenge)s?"
    r"\s+(?:is|are|was|were|remains?)\s+that(?:\s+[^\W_]+){0,8}\s+$")
_OBLIGATION_RE = re.compile(r"(?:must|should|ought to|ha(?:s|ve) to|needs? to)")
# An obligation of fact rather than of duty: what a route or a supply forces ("most tankers
# bound for the island must pass through waters that Japan patrols", "Taiwan has to import
# almost all of its energy") proposes nothing.
_OF_FACT_RE = re.compile(
    r"(?:\s+[^\W_]+ly)?\s+(?:pass\s+(?:through|by|near|close|over)|cross|transit|travel|sail"
    r"|fly|import)(?![^\W_])")
# An obligation to think rather than to act ("Tokyo must also weigh its own exposure", "Japan
# should remember that …", "must consider whether …") names no step to take: it proposes only
# weakly. ("should consider joint patrols" names one, and is a proposal.)
_DELIBERATE_RE = re.compile(
    r"(?:\s+(?:also|still|first|now|carefully|seriously|[^\W_]+ly))?\s+(?:weigh|remember"
    r"|recogni[sz]e|reali[sz]e|understand|acknowledge|accept|(?:bear|keep)\s+in\s+mind"
    r"|be\s+aware|reckon\s+with|take\s+(?:into\s+account|account\s+of)|ask\s+(?:itself"
    r"|themselves|himself|herself)|consider\s+(?:whether|how|if|what|why))(?![^\W_])")
# A call that someone stop or refrain ("urged Japan to stop sending lawmakers to Taiwan",
# "called on Tokyo not to …") protests an action rather than proposing one.
_CALL_RE = re.compile(r"(?:urg|call|ask|press|advocat|recommend)")
_PROTEST_RE = re.compile(r"(?:\s+[^\W_]+){0,3}?\s+(?:not\s+to|to\s+(?:stop|cease|refrain|halt|end))"
                         r"(?![^\W_])")
# An obligation that follows from something else ("any such step would have to be approved
# by the cabinet", "Japan will need to amend its laws") states a requirement, not a proposal.
_CONSEQUENCE_RE = re.compile(r"(?<![^\W_])(?:would|will)(?:\s+(?:also|still|then|[^\W_]+ly))?\s+$")
# A cue named as what to get past ("ways to circumvent diplomatic restrictions", "to break
# through the barriers") belongs to a proposal: the sentence is not giving a reason.
_OVERCOME_RE = re.compile(r"\b(?:circumvent\w*|overcom\w*|get(?:ting)?\s+around|bypass\w*"
                          r"|break(?:ing)?\s+through)(?:\s+[^\W_]+){0,2}\s+$")
# A cue whose object is only a pronoun ending the sentence ("voices in Japan are calling for
# it.") names nothing: the point is made elsewhere.
_BARE_OBJECT_RE = re.compile(r"[\s,]+(?:it|this|that|them|so)[\s'\".!;:)]*$"
                             # "… declined to comment": a reporter's formula, no point
                             r"|\s+(?:to\s+)?comment(?![^\W_])")
# The world at large as the one a call is addressed to: "the international community must
# …", "called on other democracies to …", "should cooperate with countries that share its
# values". Such a call asks no one in particular to act, so it is a point only weakly (see
# ``cue_strength``).
_NATIONS = r"(?:countries|nations|democracies|governments|states|partners)"
_AUDIENCE = (r"(?:the\s+)?(?:international\s+community|(?:whole\s+|rest\s+of\s+the\s+)?world(?!')"
             rf"|(?:other|all|like-minded|fellow)\s+{_NATIONS}|{_NATIONS}\s+(?:that|which|who)"
             r"\s+share|everyone|everybody|democracies)")
# The audience as the subject just before the cue ("the international community must now …").
_AUDIENCE_BEFORE_RE = re.compile(rf"(?<![^\W_]){_AUDIENCE}(?:\s+[^\W_]+)?\s+$")
_NEAR = 48  # characters before a cue that can hold its subject
# The quoted title of a work ("an interview titled “Japan calls for greater attention …”")
# names it: a cue inside makes no point of the sentence's.
_TITLE_RE = re.compile(r"(?<![^\W_])(?:titled|entitled|headlined)\s+\"[^\"]*\"?")
# The audience as the object just after it ("called on the international community to …"), or
# as the partner of the action it calls for ("should closely cooperate with countries that
# share …", "should also deepen its ties with other democracies").
_AUDIENCE_AFTER_RE = re.compile(
    rf"(?:[\s\"']+(?:also|then|now|too|further|[^\W_]+ly))?"
    rf"(?:(?:[\s\"']+[^\W_]+){{1,3}}?\s+with)?[\s\"']+{_AUDIENCE}(?![^\W_])")
# A non-restrictive relative clause (", which stretches from Japan to Indonesia and restricts
# China's access") says something of the noun before it: a cue in it is background to the
# sentence's claim, not the claim. ", which is a good starting point" judges the clause
# before it, and is the claim.
_RELATIVE_RE = re.compile(
    r",\s+(?:which(?!\s+(?:is|was|would|will|could|may|might)\b)|who|whose)\s[^,;:()]*$")
#: Score of a sentence by how many places hold a cue: one, or two and more (a proposal that
#: "calls for … and urges …" says so more firmly, though not much: the score scales the
#: whole relevance of a point, see ``facets``).
_PLACE_SCORE = (0.0, 0.75, 0.85)
_WEAK_SCORE = 0.5


@dataclass(frozen=True)
class _Place:
    """Where a cue makes a sentence a point: its match in the folded sentence."""

    start: int
    end: int
    phrase: str
    weak: bool  # a weak cue, or one aside
    aside: bool  # addressed to the world at large, or in a relative clause


def _places(cues: Sequence[Cue], folded: str) -> list[_Place]:
    """The cue matches of a sentence folded by :func:`normalise` that make it a point (see
    :func:`cue_strength`), in order; those aside only when there is no other."""
    words = cue_words(folded)
    present = [cue for cue in cues if cue.may_match(folded, words)]
    if not present:
        return []
    speculative = [(m.start(), m.end()) for m in _EPISTEMIC_RE.finditer(folded)]
    speculative += [(m.start(), m.end()) for m in _TITLE_RE.finditer(folded)]
    places = []
    for cue in present:
        for match in cue.pattern.finditer(folded):
            if any(lo <= match.start() < hi for lo, hi in speculative):
                continue
            if not cue.phrase.startswith(("not ", "no ")) and \
                    _NEGATED_RE.search(folded, 0, match.start()):
                continue
            if _BARE_OBJECT_RE.match(folded, match.end()) or \
                    _OVERCOME_RE.search(folded, 0, match.start()) or \
                    (_OBLIGATION_RE.fullmatch(cue.phrase)
                     and (_CONSTRAINT_RE.search(folded, 0, match.start())
                          or _CONSEQUENCE_RE.search(folded, 0, match.start())
                          or _OF_FACT_RE.match(folded, match.end()))) or \
                    (_CALL_RE.match(cue.phrase) and _PROTEST_RE.match(folded, match.end())):
                continue
            noun = (cue.phrase.startswith("need ")
                    and _NOUN_NEED_RE.search(folded, 0, match.start()) is not None) or \
                (_OBLIGATION_RE.fullmatch(cue.phrase) is not None
                 and _DELIBERATE_RE.match(folded, match.end()) is not None)
            aside = bool(_RELATIVE_RE.search(folded, 0, match.start())
                         or _AUDIENCE_BEFORE_RE.search(folded, max(0, match.start() - _NEAR),
                                                       match.start())
                         or _AUDIENCE_AFTER_RE.match(folded, match.end()))
            places.append(_Place(match.start(), match.end(), cue.phrase,
                                 cue.weak or aside or noun, aside))
    # A cue aside adds nothing to a sentence's other cues.
    return sorted([p for p in places if not p.aside] or places,
                  key=lambda p: (p.start, p.end))


def _distinct(places: Sequence[_Place]) -> int:
    """How many places of the sentence hold a cue (overlapping matches are one)."""
    count, end = 0, -1
    for place in places:
        if place.start >= end:
            count += 1
        end = max(end, place.end)
    return count


def cue_strength(cues: Sequence[Cue], sentence: str) -> float:
    """How firmly ``sentence`` is a point of the cues' kind, 0 (not at all) to 1.

    Cues found in two places count more than in one; a sentence whose only cues are weak ones
    (a topic's ``weak_cues``: "could", "pressure") counts half; a modal that speculates, a
    negated cue, one inside an embedded question ("whether … should"), one whose object is a
    bare pronoun ending the sentence ("calling for it.") or a comment ("declined to comment"),
    and one named as what to get past
    ("ways to circumvent diplomatic restrictions") count for nothing; a call on the world at
    large ("the international community must …", "called on other democracies to …") and a
    cue in a relative clause (", which … restricts China's access") count as weak cues, and
    only when the sentence has no other.
    """
    places = _places(cues, normalise(sentence))
    if not places:
        return 0.0
    score = _PLACE_SCORE[min(_distinct(places), len(_PLACE_SCORE) - 1)]
    return score if any(not p.weak for p in places) else score * _WEAK_SCORE


# Where the object of a cue ends: a clause boundary, or a word opening another clause.
_OBJECT_END_RE = re.compile(
    r"[,;:.!?()\u2014\u2013\"]|\s-\s|(?<![^\W_])(?:that|which|who|because|since|as|while|but"
    r"|so|if|when|although|though|whereas)(?![^\W_])")
#: Words after a cue read as its object.
OBJECT_WORDS = 6
# A cue followed by a verb ("should establish …", "needs to …") or a clause ("fear that …"):
# its object is an action or an event, and their words ("set up", "share", "Beijing would")
# recur in distinct points.
_VERB_NEXT_RE = re.compile(
    r"(?<![^\W_])(?:should|must|to|could|might|would|can|will|shall|that)$")


def cue_objects(cues: Sequence[Cue], sentence: str) -> tuple[tuple[str, str], ...]:
    """What ``sentence`` makes a point about, read after its cue: (cue phrase, object text)
    for a sentence whose one (strong) cue place makes it a point ("there is no formal military
    exchange between …" gives ("no formal", "military exchange between the two countries"));
    nothing for a sentence of several cue places, which may make several points, of weak cues
    only, common in other senses, or of a cue followed by a verb ("should", "needs to"), whose
    object is an action. The object stops at a clause boundary, after :data:`OBJECT_WORDS`
    words; adverbs ("-ly") are left out."""
    folded = normalise(sentence)
    places = _places(cues, folded)
    if _distinct(places) != 1:
        return ()
    objects = []
    for place in (p for p in places if not p.weak and not _VERB_NEXT_RE.search(p.phrase)):
        rest = folded[place.end:]
        stop = _OBJECT_END_RE.search(rest)
        words = [w for w in _WORD_RE.findall(rest[:stop.start()] if stop else rest)
                 [:OBJECT_WORDS] if not w.endswith("ly")]
        # "urged Tokyo to let Taiwanese companies bid …": whom a call is made on, then an
        # action, like a modal's.
        if words and "to" not in words:
            objects.append((place.phrase, " ".join(words)))
    return tuple(objects)
