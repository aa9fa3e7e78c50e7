"""Placeholder until the feature lands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BriefResult:
    """Placeholder."""


def brief(kb: Any, *args: Any) -> BriefResult:
    """Placeholder."""
    raise NotImplementedError
