"""Scheduled digests, independent of Discord: schedules, durable state and the runner.

The Discord adapter builds a :class:`DigestStore` on the data directory, takes
:func:`acquire_lock` (a second bot process on the same directory gets ``None`` and must not
schedule), syncs the schedules of the settings file (:func:`parse_schedule` +
:meth:`DigestStore.sync_declared`), implements :class:`Poster`, and runs
:meth:`DigestRunner.run_forever`.
"""

from bot.digest.runner import (
    DeliveryError,
    DigestRunner,
    Outcome,
    Poster,
    idempotency_key,
)
from bot.digest.schedule import (
    Schedule,
    ScheduleError,
    format_days,
    next_run,
    parse_days,
    parse_schedule,
    parse_subscribe,
    parse_time_of_day,
    parse_timezone,
    runs_between,
)
from bot.digest.store import (
    Claim,
    Delivery,
    DigestStore,
    ProcessLock,
    ScheduleStatus,
    SyncResult,
    acquire_lock,
)

__all__ = [
    "Claim",
    "Delivery",
    "DeliveryError",
    "DigestRunner",
    "DigestStore",
    "Outcome",
    "Poster",
    "ProcessLock",
    "Schedule",
    "ScheduleError",
    "ScheduleStatus",
    "SyncResult",
    "acquire_lock",
    "format_days",
    "idempotency_key",
    "next_run",
    "parse_days",
    "parse_schedule",
    "parse_subscribe",
    "parse_time_of_day",
    "parse_timezone",
    "runs_between",
]
