"""What a digest says: a short cited brief on its topic plus the documents new to the channel.

:func:`compose` is a pure function of the knowledge base, the schedule, the topic, the new
document ids, the renderer and the command prefix; the runner calls it (off the event loop)
and the ``/digest preview`` command and ``briefbot digest`` call it too, so a preview is exactly
what would be posted.

A digest is one Discord message. The news (new documents) is the part a digest exists for, so
it is kept whole where it can be; the brief is shortened to fit (fewer points), then the list of
new documents, and only then the brief is replaced by a pointer to ``brief TOPIC``. Room is
kept for the delivery marker (:func:`marker`) the Discord adapter appends.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from bot.answers.brief import BriefResult, brief
from bot.digest.schedule import Schedule
from bot.knowledge import KnowledgeBase
from bot.outgoing import outgoing
from bot.render import MESSAGE_LIMIT, Renderer

logger = logging.getLogger(__name__)

#: Template of a digest: ``prompts/digest.md.j2``.
KIND = "digest"
#: Characters kept free for the marker line (``"\n-# digest "`` + a key of at most 25).
MARKER_ROOM = 40
#: The longest digest content :func:`compose` returns.
DIGEST_LIMIT = MESSAGE_LIMIT - MARKER_ROOM
#: New documents listed by name at most; more are counted and pointed at ``sources``.
MAX_NEW_LISTED = 10

_MARKER_RE = re.compile(r"^-# digest (dg\d+-\d{10})\s*$", re.MULTILINE)


@dataclass(frozen=True)
class NewDocument:
    """A document added since the channel's previous digest, as the digest lists it."""

    doc: str
    title: str  # the document's label (headline, or its opening words)
    author: str | None


@dataclass(frozen=True)
class DigestResult:
    """The content of one digest, before layout (``prompts/digest.md.j2`` gets it as ``r``).

    ``brief_trimmed``: the brief's points were dropped to fit one message (the template then
    points at ``brief TOPIC``). ``new_more``: new documents not listed by name.
    """

    topic: str
    schedule: str | None  # e.g. "09:00 mon-fri (Asia/Taipei)"; None for a preview
    brief: BriefResult
    new: list[NewDocument]
    new_more: int = 0
    brief_trimmed: bool = False


def new_documents(kb: KnowledgeBase, doc_ids: Iterable[str]) -> list[NewDocument]:
    """The documents of ``doc_ids`` that are in the knowledge base, in id order."""
    documents = kb.corpus.documents
    return [NewDocument(doc_id, documents[doc_id].label, documents[doc_id].author)
            for doc_id in sorted(set(doc_ids)) if doc_id in documents]


def build_digest(kb: KnowledgeBase, schedule: Schedule | None, topic: str,
                 new_doc_ids: Iterable[str], renderer: Renderer, prefix: str, *,
                 limit: int = DIGEST_LIMIT) -> DigestResult:
    """The digest on ``topic`` that fits ``limit`` characters once rendered.

    Parameters
    ----------
    schedule:
        The schedule it is for (described in the header), or ``None`` for a preview.
    new_doc_ids:
        Documents added since the channel's previous digest (empty for its first one).
    limit:
        The longest rendering allowed; default :data:`DIGEST_LIMIT`.

    Raises
    ------
    ValueError
        If ``limit`` leaves no room for a digest at all (below 200 characters).
    """
    if limit < 200:
        raise ValueError(f"limit must be at least 200 characters, got {limit}")
    docs = new_documents(kb, new_doc_ids)
    described = schedule.describe() if schedule is not None else None

    def length(result: DigestResult) -> int:
        return len(renderer.render(KIND, result, prefix=prefix))

    full = brief(kb, topic)

    def fitted(listed: int) -> DigestResult:
        # The brief's own points, best first: as many of the first ones as fit, so a digest
        # never shows a point `brief TOPIC` would not (at least one, trimmed below if even
        # that does not fit).
        def digest(count: int) -> DigestResult:
            return DigestResult(topic, described, full.first(count), docs[:listed],
                                len(docs) - listed)

        count = len(full.points)
        while count > 1 and length(digest(count)) > limit:
            count -= 1
        return digest(count)

    listed = min(len(docs), MAX_NEW_LISTED)
    result = fitted(listed)
    while length(result) > limit and listed > 0:
        listed -= 1  # even one point does not fit beside the list: list fewer documents
        result = fitted(listed)
    if length(result) > limit and result.brief.points:
        result = replace(result, brief=replace(result.brief, points=[], sources=[]),
                         brief_trimmed=True)
    return result


def compose(kb: KnowledgeBase, schedule: Schedule | None, topic: str,
            new_doc_ids: Iterable[str], renderer: Renderer, prefix: str, *,
            limit: int = DIGEST_LIMIT) -> str:
    """The digest as posted (without the marker): Discord markdown of at most ``limit`` chars.

    Every point quotes its passage verbatim with a ``doc#pN`` citation; every new document is
    listed with its title, author and the ``source ID`` command that shows it.
    """
    text = renderer.render(KIND, build_digest(kb, schedule, topic, new_doc_ids, renderer,
                                              prefix, limit=limit), prefix=prefix)
    if len(text) > limit:
        # Only a restyled template can get here (the bundled one fits by construction);
        # a cut digest is better than none.
        logger.warning("digest on %r is %d characters even when shortened; cutting it to %d",
                       topic, len(text), limit)
        text = text[: limit - 1].rstrip() + "…"
    return text


def marker(key: str) -> str:
    """The line that makes a posted digest findable: Discord subtext, e.g.
    ``-# digest dg42-2406030100``.

    Discord returns a message's nonce only in the response to its creation, so a delivery
    interrupted after the post can only be recognised in the channel history by its content.
    """
    return f"-# digest {key}"


def with_marker(content: str, key: str) -> str:
    """The digest post: ``content`` made fit to send (:func:`bot.outgoing.outgoing`), with
    the :func:`marker` line appended within Discord's limit."""
    line = marker(key)
    return f"{outgoing(content, limit=MESSAGE_LIMIT - len(line) - 1).rstrip()}\n{line}"


def find_marker(content: str) -> str | None:
    """The idempotency key of the marker line in ``content``, or ``None``."""
    match = _MARKER_RE.search(content or "")
    return match[1] if match else None
