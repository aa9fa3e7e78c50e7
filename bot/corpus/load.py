"""A whole knowledge directory: load it, or find every problem in it at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bot.bundled import bundled_path
from bot.corpus.articles import parse_article
from bot.corpus.curated import parse_people, parse_synonyms, parse_topics
from bot.corpus.model import Corpus
from bot.corpus.stored import CorpusPacker
from bot.errors import KnowledgeError
from bot.parallel import bulk

#: The knowledge directory that ships with the package (the bundled corpus).
BUNDLED_KNOWLEDGE = bundled_path("knowledge")


class CorpusProblems(KnowledgeError):
    """A knowledge directory with problems: the message lists every one, file and line.

    ``problems`` holds them all; ``path``, ``line`` and ``problem`` are those of the first,
    so code that shows one :class:`KnowledgeError` still shows the first problem.
    """

    def __init__(self, root: Path, problems: list[KnowledgeError]) -> None:
        first = problems[0]
        super().__init__(first.path, first.problem, first.line)
        self.root = Path(root)
        self.problems = list(problems)

    def __str__(self) -> str:
        return problem_report(self.root, self.problems)


def problem_report(root: Path, problems: list[KnowledgeError]) -> str:
    """Every problem on its own line, then how many (what ``briefbot check`` prints)."""
    if not problems:
        return f"{root}: OK"
    return "\n".join([*map(str, problems), f"{len(problems)} problem(s) in {root}"])


def check_knowledge(root: Path) -> list[KnowledgeError]:
    """Return every problem in a knowledge directory (empty when it is valid)."""
    return _load(root)[1]


def load_corpus(root: Path | None = None) -> Corpus:
    """Load and validate a knowledge directory.

    Raises :class:`CorpusProblems` listing every problem if there is any.
    """
    root = Path(root or BUNDLED_KNOWLEDGE)
    with bulk():
        corpus, problems = _load(root)
    if problems:
        raise CorpusProblems(root, problems)
    return corpus


def _load(root: Path) -> tuple[Corpus, list[KnowledgeError]]:
    """Load what can be loaded and collect every problem, without stopping at the first."""
    root = Path(root)
    problems: list[KnowledgeError] = []
    articles_dir = root / "articles"
    if not articles_dir.is_dir():
        problems.append(KnowledgeError(root, "no 'articles/' directory: not a knowledge directory"))
        return Corpus(root, {}), problems

    packer = CorpusPacker()  # each article packed as it is parsed (see ``stored``)
    seen: dict[str, Path | None] = {}
    paths = sorted(articles_dir.glob("*.md"))
    if not paths:
        problems.append(KnowledgeError(articles_dir, "no articles (*.md) found"))
    for path in paths:
        doc = parse_article(path, problems=problems)
        if doc is None:
            continue
        if doc.id in seen:
            problems.append(KnowledgeError(
                path, f"duplicate id {doc.id!r} (also in {seen[doc.id]})", 2))
            continue
        seen[doc.id] = doc.path
        packer.add(doc)

    corpus = Corpus(root, packer.documents())
    if (root / "people.yaml").exists():
        corpus.people = parse_people(root / "people.yaml", problems)
    if (root / "topics.yaml").exists():
        corpus.topics = parse_topics(root / "topics.yaml", problems)
    if (root / "synonyms.yaml").exists():
        corpus.synonyms = parse_synonyms(root / "synonyms.yaml", problems)
    problems.extend(_check_references(corpus))
    return corpus, problems


def _check_references(corpus: Corpus) -> Iterator[KnowledgeError]:
    """Every role in people.yaml must cite a passage that exists and contains the role text."""
    path = corpus.root / "people.yaml"
    for person in corpus.people:
        for role in person.roles:
            line = role.line or person.line or None
            try:
                passage = corpus.passage(role.passage)
            except KeyError:
                yield KnowledgeError(path, f"{person.name}: role cites unknown passage "
                                           f"{role.passage!r}", line)
                continue
            if role.text not in passage.text:
                yield KnowledgeError(path, f"{person.name}: role {role.text!r} is not verbatim "
                                           f"in {role.passage}", line)
