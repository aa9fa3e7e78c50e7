"""People the corpus names: discovery, the curated directory, roles, quotes and mentions.

``from bot.people import PeopleDirectory`` is the entry point; the knowledge base builds one
per corpus. This package must not import :mod:`bot.knowledge` or :mod:`bot.answers` (they
import it).
"""

from bot.people.directory import PeopleDirectory
from bot.people.discover import Candidate, discover
from bot.people.model import Byline, Mention, MentionSentence, Person, PersonRole, Quote

__all__ = [
           "Byline",
           "Candidate",
           "Mention",
           "MentionSentence",
           "PeopleDirectory",
           "Person",
           "PersonRole",
           "Quote",
           "discover",
]
