"""When a schedule fires: next runs as aware UTC instants, with the DST rules.

DST semantics (the same for time-of-day and cron schedules, see :func:`resolve_local`):

* a local time that does not exist (spring-forward gap, e.g. 02:30 in Europe/Berlin on the last
  Sunday of March) fires once, at the first valid instant after the gap (03:00 local);
* a local time that occurs twice (fall-back overlap) fires once, at its first occurrence
  (``fold=0``);
* a local *date* that does not exist at all (Pacific/Apia skipped 2011-12-30 when it crossed
  the date line) fires nothing: its slot is not moved onto the next day, which has its own;
* so every existing local date that matches fires exactly once: no double fire, no skipped day.

Everything is computed from aware UTC instants with ``astimezone`` (never ``replace(tzinfo=)``
on a UTC value: that is the discord.py ``tasks.loop(time=...)`` bug of issues #7659/#7676), and
:func:`next_run` is strictly after its argument, so a loop that wakes a little early or late can
neither fire a slot twice nor jump over one.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from cronsim import CronSim

from bot.digest.schedule import Schedule


def resolve_local(naive: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    """The UTC instant at which the wall-clock time ``naive`` fires in ``zone``.

    An ambiguous time (fall-back) resolves to its first occurrence (``fold=0``); a time that
    does not exist (spring-forward gap) resolves to the end of the gap, found by bisection so
    that any gap length (even Samoa's skipped day in 2011) is handled.
    """
    first = naive.replace(tzinfo=zone, fold=0)
    instant = first.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == naive:
        return instant
    # In a gap, fold=1 applies the post-transition offset (an instant before the transition)
    # and fold=0 the pre-transition one (an instant after it): bisect to the transition.
    low = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = instant
    after_offset = high.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == after_offset:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


@lru_cache(maxsize=256)
def day_exists(day: date, tz: str) -> bool:
    """Whether any instant has the local date ``day`` in zone ``tz``.

    False only for a date a zone skipped entirely, such as 2011-12-30 in Pacific/Apia: the start
    of the day then lies in a gap that ends on a later date.
    """
    zone = zoneinfo.ZoneInfo(tz)
    return resolve_local(datetime.combine(day, time(0)), zone).astimezone(zone).date() == day


def _check_aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime (UTC), got naive {moment!r}")
    return moment.astimezone(UTC)


def _local_candidates(schedule: Schedule, after_local: datetime) -> Iterator[datetime]:
    """Wall-clock times matching the schedule, ascending, from about ``after_local`` on."""
    if schedule.cron is not None:
        yield from CronSim(schedule.cron, after_local)
        return
    assert schedule.time_of_day is not None
    # Start a day early: a gap at midnight can move the previous date's slot forward.
    day = after_local.date() - timedelta(days=1)
    while day < date.max:
        if day.weekday() in schedule.days:
            yield datetime.combine(day, schedule.time_of_day)
        day += timedelta(days=1)


def iter_runs(schedule: Schedule, after: datetime) -> Iterator[datetime]:
    """Every run strictly after ``after``, ascending, as aware UTC datetimes."""
    after = _check_aware(after, "after")
    zone = schedule.zone
    last = after
    for naive in _local_candidates(schedule, after.astimezone(zone).replace(tzinfo=None)):
        if not day_exists(naive.date(), schedule.tz):
            continue  # a skipped calendar day: firing "at the end of the gap" would double
        instant = resolve_local(naive, zone)
        # Strictly increasing: several gap times collapse onto one instant, and during the
        # second pass of an overlap the wall clock repeats times that already fired.
        if instant > last:
            last = instant
            yield instant


def next_run(schedule: Schedule, after: datetime) -> datetime:
    """The first run strictly after ``after`` (aware UTC in, aware UTC out).

    Raises
    ------
    ValueError
        If ``after`` is naive, or the cron expression never matches again.
    """
    for instant in iter_runs(schedule, after):
        return instant
    raise ValueError(f"schedule {schedule.describe()} has no run after {after.isoformat()}")


def runs_between(schedule: Schedule, start: datetime, end: datetime) -> list[datetime]:
    """The runs ``r`` with ``start < r <= end``, ascending (aware UTC)."""
    end = _check_aware(end, "end")
    runs: list[datetime] = []
    for instant in iter_runs(schedule, start):
        if instant > end:
            break
        runs.append(instant)
    return runs
