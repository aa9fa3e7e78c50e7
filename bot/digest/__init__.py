"""Scheduled digests, independent of Discord: schedules, durable state and the runner.

The entry point opens the :class:`DigestStore` of the data directory (a file that is not a
valid store stops start-up with :class:`StoreError`); the Discord adapter takes
:func:`acquire_lock` (a second bot process on the same directory gets ``None`` and must not
schedule), syncs the schedules of the settings file (:func:`parse_schedule` +
:meth:`DigestStore.sync_declared`), implements :class:`Poster`, and runs
:meth:`DigestRunner.run_forever`.
"""

from bot.digest.database import StoreError, backup, restore
from bot.digest.lock import ProcessLock, acquire_lock
from bot.digest.records import Claim, Delivery, ScheduleStatus, SyncResult
from bot.digest.runner import (
    DeliveryError,
    DigestRunner,
    Outcome,
    Poster,
    idempotency_key,
)
from bot.digest.runs import next_run, runs_between
from bot.digest.schedule import (
    Schedule,
    ScheduleError,
    format_days,
    parse_days,
    parse_schedule,
    parse_subscribe,
    parse_time_of_day,
    parse_timezone,
)
from bot.digest.store import DigestStore

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
    "StoreError",
    "SyncResult",
    "acquire_lock",
    "backup",
    "format_days",
    "idempotency_key",
    "next_run",
    "parse_days",
    "parse_schedule",
    "parse_subscribe",
    "parse_time_of_day",
    "parse_timezone",
    "restore",
    "runs_between",
]
