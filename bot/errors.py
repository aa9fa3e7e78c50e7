"""Domain exceptions. Their messages are written for the user who will read them."""

from __future__ import annotations

from pathlib import Path


class BriefbotError(Exception):
    """An expected failure whose message can be shown to the user as it is."""


class UsageError(BriefbotError):
    """The command was called with arguments it cannot use."""


class KnowledgeError(BriefbotError):
    """A file in the knowledge directory is malformed.

    The message always names the file and, where known, the line.
    """

    def __init__(self, path: Path | str, problem: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.problem = problem
        self.line = line
        where = f"{self.path}:{line}" if line else str(self.path)
        super().__init__(f"{where}: {problem}")


class ConfigError(BriefbotError):
    """A setting is missing or invalid; the message names the setting."""
