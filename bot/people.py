"""People the corpus names (placeholder until the people feature lands)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.corpus import Corpus


@dataclass
class PeopleDirectory:
    """Everyone the corpus names."""

    @classmethod
    def build(cls, corpus: Corpus) -> PeopleDirectory:
        """Discover people in ``corpus``."""
        return cls()
