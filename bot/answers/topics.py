"""Placeholder until the feature lands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TopicsResult:
    """Placeholder."""


def topics(kb: Any, *args: Any) -> TopicsResult:
    """Placeholder."""
    raise NotImplementedError
