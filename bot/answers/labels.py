"""Short source labels: how a citation names its document in a few words.

A label is built only from what the article states: its author, publisher and date where the
front matter gives them, else its opening words quoted verbatim. Never an invented title.
Front-ends show it next to the citation id (``doc#p7``) the reader can follow.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.corpus import Document

#: Opening words quoted when the front matter names neither author, publisher nor date.
OPENING_WORDS = 5


def short_label(doc: Document) -> str:
    """A few words naming ``doc``: "Author, Publisher, 2021-08-02", or its opening words.

    >>> short_label(Document("d", None, "Yao Chung-yuan", None, None, None, None, ()))
    'Yao Chung-yuan'
    """
    parts = [doc.author, doc.publisher, doc.published.isoformat() if doc.published else None]
    known = [part.strip() for part in parts if part and part.strip()]
    if known:
        return ", ".join(known)
    words = doc.passages[0].text.split() if doc.passages else []
    if not words:
        return doc.id
    opening = " ".join(words[:OPENING_WORDS])
    return f"“{opening}…”" if len(words) > OPENING_WORDS else f"“{opening}”"


def short_labels(documents: Iterable[Document]) -> dict[str, str]:
    """Document id → :func:`short_label`, for every document."""
    return {doc.id: short_label(doc) for doc in documents}
