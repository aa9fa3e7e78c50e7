"""Building blocks shared by result dataclasses: citations and JSON conversion."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.corpus import Document, Passage


@dataclass(frozen=True)
class Cited:
    """A piece of corpus text with the citation a reader can follow."""

    text: str  # verbatim from the cited passage
    doc: str  # document id
    passage: str  # passage id, doc#pN
    title: str  # the document's label (headline, or its opening words)
    paragraph: int

    @classmethod
    def of(cls, doc: Document, passage: Passage, text: str | None = None) -> Cited:
        """Cite ``text`` (default: the whole passage) from ``passage`` of ``doc``."""
        text = passage.text if text is None else text
        if text not in passage.text:
            raise ValueError(f"not verbatim in {passage.id}: {text[:60]!r}")
        return cls(text, doc.id, passage.id, doc.label, passage.number)


def to_json(result: Any) -> Any:
    """A result dataclass as JSON-ready data: the machine-readable contract of a command."""
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return {f.name: to_json(getattr(result, f.name)) for f in dataclasses.fields(result)
                if not f.metadata.get("internal")}
    if isinstance(result, list | tuple):
        return [to_json(item) for item in result]
    if isinstance(result, dict):
        return {str(k): to_json(v) for k, v in result.items()}
    if isinstance(result, dt.date):
        return result.isoformat()
    return result
