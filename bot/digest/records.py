"""What the digest store returns (one frozen dataclass per kind of row) and how it writes times.

Times are stored as fixed-width ISO text in UTC (``2024-03-31T01:00:00.000000Z``), so string
comparison in SQL is chronological: :func:`to_db` and :func:`from_db` are the only two places
that know the format.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from bot.digest.schedule import Schedule

#: The state of one delivery row (see :mod:`bot.digest.database`).
Status = Literal["posting", "done", "failed", "skipped"]


def to_db(moment: datetime) -> str:
    """Fixed-width UTC text for an aware datetime (sorts chronologically)."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}; use aware UTC")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db(text: str | None) -> datetime | None:
    """The inverse of :func:`to_db`."""
    if text is None:
        return None
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


@dataclass(frozen=True)
class Delivery:
    """One row of ``deliveries``."""

    schedule_id: int
    slot_utc: datetime
    status: Status
    attempts: int
    last_error: str | None
    message_id: int | None
    claimed_by: str | None
    claimed_at: datetime | None
    lease_expires: datetime | None
    updated_at: datetime


@dataclass(frozen=True)
class Claim:
    """The right to deliver one slot. ``taken_over``: an earlier claimer may have posted."""

    schedule_id: int
    slot_utc: datetime
    token: str
    attempts: int
    taken_over: bool


@dataclass(frozen=True)
class SyncResult:
    """What :meth:`DigestStore.sync_declared` changed (schedule ids)."""

    added: list[int]
    updated: list[int]
    removed: list[int]
    unchanged: list[int]


@dataclass(frozen=True)
class ScheduleStatus:
    """What ``/digest list`` shows for one schedule."""

    schedule: Schedule
    next_run: datetime | None
    last_run: datetime | None
    last_message_id: int | None
    last_status: Status | None
    last_error: str | None
    last_error_slot: datetime | None
