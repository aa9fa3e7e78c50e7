"""When a digest fires, as data: the :class:`Schedule` record and the parsers that build it.

A schedule is either a local time of day on some days of the week ("09:00", "mon-fri") or a
five-field cron expression, always read as *wall-clock time* in an IANA time zone. The run-time
arithmetic (next run, DST) is in :mod:`bot.digest.runs`.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from typing import Any

# cronsim (the cron engine of healthchecks.io) is used only as a *naive* calendar iterator:
# it parses the expression (names, ranges, steps, L, #, Debian's day-of-month/day-of-week OR
# rule) and yields matching wall-clock times. DST is resolved by bot.digest.runs.resolve_local, so
# cron and "time + days" schedules share one set of DST rules and cronsim's own tz heuristics
# (which differ for expressions with "*" in the hour field) never apply. croniter was not
# chosen: it has a history of DST bugs and its maintenance has been uncertain.
from cronsim import CronSim, CronSimError
from rapidfuzz import fuzz, process, utils

from bot.errors import ConfigError, UsageError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAYS: frozenset[int] = frozenset(range(7))
_DAY_ALIASES = {
    "daily": ALL_DAYS, "everyday": ALL_DAYS, "every day": ALL_DAYS, "*": ALL_DAYS,
    "weekdays": frozenset(range(5)), "weekends": frozenset({5, 6}),
}
#: Cron expressions must leave at least this long between two runs: a digest is a briefing,
#: and a typo such as "* 9 * * *" (every minute from 09:00 to 09:59) must not flood a channel.
MIN_CRON_INTERVAL = timedelta(hours=1)
_TIME_RE = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\.?)?$", re.IGNORECASE)


class ScheduleError(ValueError):
    """A schedule value is invalid; ``field`` names the offending key."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Schedule:
    """One digest subscription: where it posts, when, and about what.

    Exactly one of ``time_of_day`` (with ``days``) and ``cron`` is set. ``days`` holds
    ``date.weekday()`` numbers (0 = Monday) of the *local* date. ``key`` is the stable identity
    of a schedule declared in the settings file (``None`` for ``/digest subscribe``).
    """

    channel_id: int
    tz: str
    topics: list[str]
    time_of_day: time | None = None
    days: frozenset[int] = ALL_DAYS
    cron: str | None = None
    id: int | None = None
    guild_id: int | None = None
    created_by: str | None = None
    created_at: datetime = field(default_factory=_utcnow)
    key: str | None = None

    def __post_init__(self) -> None:
        if (self.time_of_day is None) == (self.cron is None):
            raise ScheduleError("time", "give either a time of day or a cron expression")
        if self.time_of_day is not None and not self.days:
            raise ScheduleError("days", "at least one day of the week is needed")
        if not self.topics or not all(isinstance(t, str) and t.strip() for t in self.topics):
            raise ScheduleError("topics", "at least one non-empty topic is needed")
        if self.created_at.tzinfo is None:
            raise ScheduleError("created_at", "created_at must be an aware UTC datetime")
        self.tz = parse_timezone(self.tz)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The schedule's time zone."""
        return zoneinfo.ZoneInfo(self.tz)

    @property
    def when(self) -> str:
        """The timing alone, canonical: ``"09:00 mon-fri"`` or ``"cron 0 9 * * 1"``."""
        if self.cron is not None:
            return f"cron {self.cron}"
        assert self.time_of_day is not None
        return f"{self.time_of_day:%H:%M} {format_days(self.days)}"

    def topic_at(self, rotation: int) -> str:
        """The topic of the digest after ``rotation`` delivered ones: the topics in turn.

        The one place the rotation is computed (runner, previews and ``/digest preview``).
        """
        return self.topics[rotation % len(self.topics)]

    def describe(self) -> str:
        """A one-line human description, e.g. ``"09:00 mon-fri (Asia/Taipei)"``."""
        return f"{self.when} ({self.tz})"


# --------------------------------------------------------------------------- value parsers


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def parse_timezone(name: Any) -> str:
    """Validate an IANA zone name; returns its canonical spelling.

    Raises
    ------
    ScheduleError
        For an unknown zone, suggesting close names ("Asia/Taipe" → "Asia/Taipei").
    """
    if not isinstance(name, str) or not name.strip():
        raise ScheduleError("tz", "a time zone such as 'Asia/Taipei' is needed")
    text = name.strip()
    canonical = _zone_names().get(text.lower())
    if canonical is not None:
        return canonical
    close = process.extract(text, sorted(_zone_names().values()), scorer=fuzz.WRatio,
                            processor=utils.default_process, limit=3, score_cutoff=70)
    hint = f"; did you mean {' or '.join(repr(m[0]) for m in close)}?" if close else ""
    raise ScheduleError("tz", f"unknown time zone {text!r}{hint} (use an IANA name such as "
                              "'Europe/Berlin')")


def parse_time_of_day(value: Any) -> time:
    """Parse ``"09:00"``, ``"9:30"``, ``"21:05"``, ``"9am"`` or ``"9:30 pm"`` into a time."""
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 9:30 as the sexagesimal number 570.
        raise ScheduleError("time", f"{value!r} is a number; quote the time, e.g. \"09:30\"")
    match = _TIME_RE.match(str(value).strip()) if isinstance(value, str) else None
    if not match:
        raise ScheduleError("time", f"{value!r} is not a time of day like \"09:00\"")
    hour, minute, ampm = int(match[1]), int(match[2] or 0), match[3]
    if ampm:
        if not 1 <= hour <= 12:
            raise ScheduleError("time", f"{value!r}: the hour must be 1-12 with am/pm")
        hour = hour % 12 + (12 if ampm[0].lower() == "p" else 0)
    elif match[2] is None:
        raise ScheduleError("time", f"{value!r} is not a time of day like \"09:00\"")
    if hour > 23 or minute > 59:
        raise ScheduleError("time", f"{value!r} is not a time of day (00:00-23:59)")
    return time(hour, minute)


_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _day(word: str) -> int:
    word = word.strip().lower()
    if len(word) >= 3:
        for number, full in enumerate(_FULL_DAY_NAMES):
            if full.startswith(word):  # "mon", "tues", "thurs", "monday"
                return number
    close = process.extractOne(word, DAY_NAMES, scorer=fuzz.ratio, score_cutoff=50)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ScheduleError("days", f"unknown day {word!r}{hint} (use mon, tue, ... sun)")


def parse_days(value: Any) -> frozenset[int]:
    """Parse ``"daily"``, ``"weekdays"``, ``"mon-fri"``, ``"mon,wed"``, ``"fri-mon"``, a list."""
    if value is None:
        return ALL_DAYS
    items = value if isinstance(value, list | tuple) else [value]
    days: set[int] = set()
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ScheduleError("days", f"{item!r} is not a day such as 'mon' or 'mon-fri'")
        for part in item.replace(" ", ",").split(","):
            part = part.strip().lower()
            if not part:
                continue
            if part in _DAY_ALIASES:
                days |= _DAY_ALIASES[part]
            elif "-" in part:
                first, _, last = part.partition("-")
                start, end = _day(first), _day(last)
                # A range may wrap the week ("fri-mon" = fri, sat, sun, mon).
                days.update((start + i) % 7 for i in range((end - start) % 7 + 1))
            else:
                days.add(_day(part))
    if not days:
        raise ScheduleError("days", "no day of the week given")
    return frozenset(days)


def format_days(days: frozenset[int]) -> str:
    """Canonical text for a day set: ``daily``, ``mon-fri``, ``mon,wed`` (parses back)."""
    if days == ALL_DAYS:
        return "daily"
    ordered = sorted(days)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{DAY_NAMES[ordered[0]]}-{DAY_NAMES[ordered[-1]]}"
    return ",".join(DAY_NAMES[d] for d in ordered)


def parse_cron(expr: Any) -> str:
    """Validate a five-field cron expression (minute hour day-of-month month day-of-week).

    Six-field (seconds) expressions are refused, and so are expressions that can fire more
    often than :data:`MIN_CRON_INTERVAL`.
    """
    if not isinstance(expr, str) or len(expr.split()) != 5:
        raise ScheduleError("cron", f"{expr!r} is not a five-field cron expression such as "
                                    "'0 9 * * mon-fri'")
    text = " ".join(expr.split())
    try:
        runs = CronSim(text, datetime(2024, 1, 1))
        previous = next(runs)
        for _ in range(48):
            current = next(runs)
            if current - previous < MIN_CRON_INTERVAL:
                raise ScheduleError("cron", f"{text!r} fires more often than once an hour")
            previous = current
    except CronSimError as exc:
        raise ScheduleError("cron", f"{text!r} is not a valid cron expression: {exc}") from None
    except StopIteration:
        pass  # Rare schedules ("0 9 29 2 *") end the 48-run probe early; that is fine.
    return text


def _topics(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not all(isinstance(t, str) for t in value):
        raise ScheduleError("topics", "topics must be a topic name or a list of topic names")
    topics = [t.strip() for t in value if t.strip()]
    if not topics:
        raise ScheduleError("topics", "at least one topic name is needed")
    return topics


def _snowflake(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ScheduleError(name, f"{value!r} is not a Discord id")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ScheduleError(name, f"{value!r} is not a Discord id") from None
    if number <= 0:
        raise ScheduleError(name, f"{value!r} is not a Discord id")
    return number


# --------------------------------------------------------------------------- record parsers

_YAML_KEYS = {
    "name": "name", "key": "name", "channel": "channel", "channel_id": "channel",
    "guild": "guild", "guild_id": "guild", "time": "time", "days": "days", "cron": "cron",
    "timezone": "tz", "tz": "tz", "topic": "topics", "topics": "topics",
}


def parse_schedule(mapping: Mapping[str, Any], where: str) -> Schedule:
    """Build a :class:`Schedule` from one entry of ``digests:`` in the settings YAML.

    Parameters
    ----------
    mapping:
        Keys: ``channel`` (id), ``timezone`` (or ``tz``), ``topic`` or ``topics``, and either
        ``time`` (+ optional ``days``, default daily) or ``cron``; optional ``guild`` and
        ``name`` (the stable key; default derived from channel and timing).
    where:
        Where the entry came from, e.g. ``"briefbot.yaml: digests[0]"``; starts every message.

    Raises
    ------
    ConfigError
        Naming ``where`` and the offending key.
    """
    if not isinstance(mapping, Mapping):
        raise ConfigError(f"{where}: a digest must be a mapping such as "
                          "{channel: 123, time: '09:00', timezone: Asia/Taipei, topic: ai}")
    values: dict[str, Any] = {}
    for raw_key, value in mapping.items():
        key = _YAML_KEYS.get(str(raw_key).lower())
        if key is None:
            close = process.extractOne(str(raw_key), list(_YAML_KEYS), scorer=fuzz.ratio,
                                       score_cutoff=60)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"{where}: unknown key {raw_key!r}{hint}")
        if key in values:
            raise ConfigError(f"{where}: {raw_key!r} repeats another key for the same thing")
        values[key] = value
    for required in ("channel", "tz", "topics"):
        if required not in values:
            label = {"tz": "timezone", "topics": "topic"}.get(required, required)
            raise ConfigError(f"{where}: missing key {label!r}")
    if ("time" in values) == ("cron" in values):
        raise ConfigError(f"{where}: give either 'time' (with optional 'days') or 'cron'")
    if "cron" in values and "days" in values:
        raise ConfigError(f"{where}: 'days' goes with 'time'; a cron expression has its own")
    try:
        schedule = Schedule(
            channel_id=_snowflake(values["channel"], "channel"),
            guild_id=_snowflake(values["guild"], "guild") if "guild" in values else None,
            tz=parse_timezone(values["tz"]),
            topics=_topics(values["topics"]),
            time_of_day=parse_time_of_day(values["time"]) if "time" in values else None,
            days=parse_days(values.get("days")) if "time" in values else ALL_DAYS,
            cron=parse_cron(values["cron"]) if "cron" in values else None,
            created_by="settings",
        )
    except ScheduleError as exc:
        label = {"tz": "timezone"}.get(exc.field, exc.field)
        raise ConfigError(f"{where}: {label}: {exc}") from None
    name = values.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise ConfigError(f"{where}: name: must be a non-empty text")
    # The key survives restarts so syncing upserts instead of duplicating. Without a name it is
    # derived from channel and timing (not topics, so editing topics keeps the history).
    schedule.key = ("settings:name:" + name.strip() if name else
                    f"settings:{schedule.channel_id}:{schedule.when}:{schedule.tz}")
    return schedule


def parse_subscribe(*, channel_id: int, time: str, tz: str, topics: str | list[str],
                    days: str = "daily", guild_id: int | None = None,
                    created_by: str | None = None, now: datetime | None = None) -> Schedule:
    """Build a :class:`Schedule` from the ``/digest subscribe`` arguments.

    Raises
    ------
    UsageError
        With a message for the user, e.g. ``time: '25:00' is not a time of day (00:00-23:59)``.
    """
    try:
        return Schedule(channel_id=channel_id, guild_id=guild_id, tz=parse_timezone(tz),
                        topics=_topics(topics), time_of_day=parse_time_of_day(time),
                        days=parse_days(days), created_by=created_by,
                        created_at=now or _utcnow())
    except ScheduleError as exc:
        raise UsageError(f"{exc.field}: {exc}") from None
