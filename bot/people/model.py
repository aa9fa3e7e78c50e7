"""The people data model: a person and what the corpus says of them, each piece cited.

Every text field is a verbatim slice of the passage it cites, so an answer can quote it as is.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PersonRole:
    """A role as the text states it ("Japanese Minister of Defense"), with its passage."""

    text: str
    passage: str  # passage id, doc#pN
    source: str = "curated"  # "curated", or the rule that found it: title/appositive/predicate


@dataclass(frozen=True)
class Byline:
    """A front-matter credit: this person wrote or translated document ``doc``."""

    doc: str
    credit: str  # "author" or "translator"


@dataclass(frozen=True)
class Mention:
    """Where a passage names the person (by any alias): its sentence is found when a card
    shows it (:func:`bot.people.directory.mention_sentences`), not for every mention a large
    corpus has."""

    passage: str
    alias: str  # the form of the name the passage uses
    at: int  # where ``alias`` is in the passage's text


@dataclass(frozen=True)
class MentionSentence:
    """A sentence that names the person, verbatim from its passage."""

    passage: str
    sentence: str
    alias: str  # the form of the name the sentence uses
    start: int = 0  # where ``alias`` is in ``sentence``
    reported: bool = False  # the name is followed by a speech verb: "Kishi also said that …"


@dataclass(frozen=True)
class Quote:
    """A sentence with the person's own words in quotation marks, attributed to them.

    ``quoted`` holds the quotation spans (without the marks) and ``rule`` the attribution
    that decided the speaker: "name-verb" (Kishi said that “…”), "verb-name" (‘…,’ said
    Lii Wen), "pronoun" (‘…,’ he said, after a sentence naming only them) or "continuation"
    (a bare quotation right after one of theirs).
    """

    passage: str
    sentence: str
    quoted: tuple[str, ...]
    rule: str


@dataclass(frozen=True)
class Person:
    """Someone the corpus names, with everything it says of them."""

    name: str
    aliases: tuple[str, ...]
    roles: tuple[PersonRole, ...]
    bylines: tuple[Byline, ...]
    quotes: tuple[Quote, ...]
    mentions: tuple[Mention, ...]
    keys: frozenset[str]  # folded lookup keys: kishi, nobuokishi, ingwen …
    curated: bool = False  # whether people.yaml has an entry for them
    #: Article paragraphs, and articles, that name them: all of them, where ``mentions``
    #: and ``quotes`` keep the first ``people.directory.KEPT``.
    named_in: int = 0
    named_in_articles: int = 0

