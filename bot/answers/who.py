"""Placeholder until the feature lands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WhoResult:
    """Placeholder."""


def who(kb: Any, *args: Any) -> WhoResult:
    """Placeholder."""
    raise NotImplementedError
