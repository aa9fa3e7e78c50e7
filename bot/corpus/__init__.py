"""The knowledge directory: documents, passages, people, topics and synonyms.

Loading validates everything: :func:`check_knowledge` returns every problem of every file at
once, each a :class:`~bot.errors.KnowledgeError` naming the file and the line, and
:func:`load_corpus` refuses a directory with any problem (:class:`CorpusProblems`, whose
message is the whole report). A bad file is never skipped silently.
"""

from bot.corpus.articles import FRONT_MATTER_KEYS, parse_article
from bot.corpus.curated import parse_people, parse_synonyms, parse_topics
from bot.corpus.load import (
    BUNDLED_KNOWLEDGE,
    CorpusProblems,
    check_knowledge,
    load_corpus,
    problem_report,
)
from bot.corpus.model import Corpus, Document, Passage, PersonEntry, Role, Topic
from bot.corpus.yamlfile import load_yaml

__all__ = [
    "BUNDLED_KNOWLEDGE",
    "FRONT_MATTER_KEYS",
    "Corpus",
    "CorpusProblems",
    "Document",
    "Passage",
    "PersonEntry",
    "Role",
    "Topic",
    "check_knowledge",
    "load_corpus",
    "load_yaml",
    "parse_article",
    "parse_people",
    "parse_synonyms",
    "parse_topics",
    "problem_report",
]
