"""Hot reload of the knowledge base: build the new one beside the old, then swap it whole.

:class:`KnowledgeHolder` is what the front-ends keep instead of a knowledge base. A command
reads :attr:`KnowledgeHolder.current` once when it starts and answers from that object to the
end, so a reload in the middle of a command never mixes two corpora. :func:`prepare_reload`
validates the knowledge directory (every problem, with file and line) and builds the candidate;
nothing is swapped unless it succeeded, so a broken edit keeps the old index serving.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Settings
from bot.corpus import Document, check_knowledge
from bot.errors import BriefbotError, KnowledgeError
from bot.knowledge import KnowledgeBase

log = logging.getLogger(__name__)


class KnowledgeHolder:
    """The knowledge base being served, swapped atomically by a reload.

    ``generation`` counts the swaps: together with the object it identifies the corpus an
    answer came from (the answer cache keys on it).
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.current = kb
        self.generation = 1

    def swap(self, kb: KnowledgeBase) -> None:
        """Serve ``kb`` from now on; commands already running keep the one they read."""
        # Generation first: an answer computed meanwhile is then cached under the old one,
        # never the new one.
        self.generation += 1
        self.current = kb


@dataclass(frozen=True)
class KnowledgeChange:
    """What a reload changed, by document id (each list sorted)."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    documents: int = 0
    passages: int = 0

    @property
    def any(self) -> bool:
        """Whether any article was added, removed or changed."""
        return bool(self.added or self.removed or self.changed)


class ReloadRefused(BriefbotError):
    """The knowledge directory has problems; the old knowledge base stays in service.

    ``problems`` are the messages, each ``file:line: problem``.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the knowledge directory")


def _content(doc: Document) -> tuple[object, ...]:
    # What a reader sees; not the file path or line numbers, which move without a change.
    return (doc.title, doc.author, doc.translator, doc.publisher, doc.published, doc.origin,
            doc.byline, tuple(p.text for p in doc.passages))


def compare(old: KnowledgeBase, new: KnowledgeBase) -> KnowledgeChange:
    """The articles ``new`` adds, removes and changes relative to ``old``."""
    before, after = old.corpus.documents, new.corpus.documents
    return KnowledgeChange(
        added=sorted(set(after) - set(before)),
        removed=sorted(set(before) - set(after)),
        changed=sorted(d for d in set(before) & set(after)
                       if _content(before[d]) != _content(after[d])),
        documents=len(after), passages=len(new.index.passages))


def _where(problem: KnowledgeError, root: Path) -> str:
    """``articles/x.md:3: problem``: the path inside the knowledge directory, which is what
    the person fixing it knows (the full path is in the log)."""
    path = problem.path.relative_to(root) if problem.path.is_relative_to(root) else problem.path
    return f"{path}:{problem.line}: {problem.problem}" if problem.line else \
        f"{path}: {problem.problem}"


def prepare_reload(settings: Settings, old: KnowledgeBase,
                   open_kb: Callable[[Settings], KnowledgeBase] = KnowledgeBase.open,
                   ) -> tuple[KnowledgeBase, KnowledgeChange]:
    """Validate and build the knowledge base of ``settings.knowledge_dir`` (blocking: run it
    off the event loop); returns it with what changed. Nothing is swapped here.

    Raises
    ------
    ReloadRefused
        With every problem the corpus loader reports (file, line).
    """
    root = Path(settings.knowledge_dir)
    problems = [_where(p, root) for p in check_knowledge(root)]
    if problems:
        raise ReloadRefused(problems)
    try:
        new = open_kb(settings)
    except BriefbotError as exc:  # e.g. an index that cannot be written
        raise ReloadRefused([str(exc)]) from None
    return new, compare(old, new)
