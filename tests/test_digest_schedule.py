"""Schedules: parsing, validation and wall-clock run times across DST (no clock, no sleeps)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise

import pytest
import yaml

from bot.digest.runs import next_run, resolve_local, runs_between
from bot.digest.schedule import (
    ALL_DAYS,
    Schedule,
    format_days,
    parse_cron,
    parse_days,
    parse_schedule,
    parse_subscribe,
    parse_time_of_day,
    parse_timezone,
)
from bot.errors import ConfigError, UsageError

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def daily(at: str, tz: str, days: str = "daily") -> Schedule:
    return Schedule(channel_id=1, tz=tz, topics=["ai"], time_of_day=parse_time_of_day(at),
                    days=parse_days(days), created_at=EPOCH)


def cron(expr: str, tz: str) -> Schedule:
    return Schedule(channel_id=1, tz=tz, topics=["ai"], cron=parse_cron(expr), created_at=EPOCH)


# --------------------------------------------------------------------------- Europe/Berlin


def test_berlin_time_inside_spring_forward_gap_fires_once_at_end_of_gap() -> None:
    # 2024-03-31: 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist that day.
    s = daily("02:30", "Europe/Berlin")
    runs = runs_between(s, utc(2024, 3, 29), utc(2024, 4, 2))
    assert runs == [
        utc(2024, 3, 29, 1, 30),  # 02:30 CET
        utc(2024, 3, 30, 1, 30),
        utc(2024, 3, 31, 1, 0),   # the gap: once, at 03:00 CEST, the first valid instant
        utc(2024, 4, 1, 0, 30),   # 02:30 CEST
    ]
    assert next_run(s, utc(2024, 3, 30, 1, 30)) == utc(2024, 3, 31, 1, 0)
    assert next_run(s, utc(2024, 3, 31, 1, 0)) == utc(2024, 4, 1, 0, 30)


def test_berlin_normal_time_across_spring_forward() -> None:
    s = daily("09:00", "Europe/Berlin")
    assert runs_between(s, utc(2024, 3, 30), utc(2024, 4, 1)) == [
        utc(2024, 3, 30, 8, 0), utc(2024, 3, 31, 7, 0)]


def test_berlin_time_inside_fall_back_overlap_fires_once_at_first_occurrence() -> None:
    # 2024-10-27: 03:00 CEST falls back to 02:00 CET, so 02:30 happens twice.
    s = daily("02:30", "Europe/Berlin")
    runs = runs_between(s, utc(2024, 10, 26), utc(2024, 10, 29))
    assert runs == [utc(2024, 10, 26, 0, 30), utc(2024, 10, 27, 0, 30), utc(2024, 10, 28, 1, 30)]
    # Asked again during the second 02:xx (CET), the answer is tomorrow, not a second fire.
    assert next_run(s, utc(2024, 10, 27, 0, 30)) == utc(2024, 10, 28, 1, 30)
    assert next_run(s, utc(2024, 10, 27, 1, 15)) == utc(2024, 10, 28, 1, 30)
    # Asked just before the first 02:30, it is that first one.
    assert next_run(s, utc(2024, 10, 27, 0, 29)) == utc(2024, 10, 27, 0, 30)


def test_berlin_normal_time_across_fall_back() -> None:
    s = daily("09:00", "Europe/Berlin")
    assert runs_between(s, utc(2024, 10, 26), utc(2024, 10, 28)) == [
        utc(2024, 10, 26, 7, 0), utc(2024, 10, 27, 8, 0)]


def test_a_whole_year_fires_exactly_once_per_local_day() -> None:
    for at in ("00:30", "02:00", "02:30", "03:00", "09:00", "23:59"):
        s = daily(at, "Europe/Berlin")
        runs = runs_between(s, utc(2023, 12, 31, 12), utc(2024, 12, 31, 12))
        local_days = [r.astimezone(s.zone).date() for r in runs]
        assert len(runs) == 366 and len(set(local_days)) == 366, at
        assert runs == sorted(set(runs))


# --------------------------------------------------------------------------- America/New_York


def test_new_york_dst_both_ways() -> None:
    gap = daily("02:30", "America/New_York")  # 2024-03-10 02:00 EST -> 03:00 EDT
    assert runs_between(gap, utc(2024, 3, 9), utc(2024, 3, 12)) == [
        utc(2024, 3, 9, 7, 30), utc(2024, 3, 10, 7, 0), utc(2024, 3, 11, 6, 30)]
    overlap = daily("01:30", "America/New_York")  # 2024-11-03 02:00 EDT -> 01:00 EST
    assert runs_between(overlap, utc(2024, 11, 2), utc(2024, 11, 5)) == [
        utc(2024, 11, 2, 5, 30), utc(2024, 11, 3, 5, 30), utc(2024, 11, 4, 6, 30)]
    normal = daily("09:00", "America/New_York")
    assert next_run(normal, utc(2024, 3, 9, 14, 0)) == utc(2024, 3, 10, 13, 0)
    assert next_run(normal, utc(2024, 11, 2, 13, 0)) == utc(2024, 11, 3, 14, 0)


# --------------------------------------------------------------------------- Asia/Taipei


def test_taipei_weekdays_at_nine_is_one_am_utc_and_skips_the_weekend() -> None:
    s = daily("09:00", "Asia/Taipei", "mon-fri")
    # Friday 2024-06-07 09:00 Taipei = 01:00 UTC; the next is Monday.
    assert next_run(s, utc(2024, 6, 7, 0, 59)) == utc(2024, 6, 7, 1, 0)
    assert next_run(s, utc(2024, 6, 7, 1, 0)) == utc(2024, 6, 10, 1, 0)
    assert len(runs_between(s, utc(2024, 6, 2), utc(2024, 6, 16))) == 10


def test_taipei_weekday_is_the_local_day_not_the_utc_day() -> None:
    # Monday 07:00 in Taipei is Sunday 23:00 UTC.
    s = daily("07:00", "Asia/Taipei", "mon")
    assert next_run(s, utc(2024, 6, 2, 12, 0)) == utc(2024, 6, 2, 23, 0)
    assert next_run(s, utc(2024, 6, 2, 23, 0)) == utc(2024, 6, 9, 23, 0)


def test_monday_only_schedule_is_weekly() -> None:
    s = daily("09:00", "Europe/Berlin", "monday")
    runs = runs_between(s, utc(2024, 3, 1), utc(2024, 4, 30))
    assert all(r.astimezone(s.zone).weekday() == 0 for r in runs)
    assert len(runs) == 9
    assert {b - a for a, b in pairwise(runs)} == {
        timedelta(days=7), timedelta(days=7, hours=-1)}  # one week spans spring-forward


def test_next_run_is_strictly_after_and_needs_aware_input() -> None:
    s = daily("09:00", "UTC")
    assert next_run(s, utc(2024, 1, 1, 9, 0)) == utc(2024, 1, 2, 9, 0)
    assert next_run(s, utc(2024, 1, 1, 8, 59, 59)) == utc(2024, 1, 1, 9, 0)
    with pytest.raises(ValueError, match="aware"):
        next_run(s, datetime(2024, 1, 1))


def test_resolve_local_handles_a_skipped_day() -> None:
    # Samoa skipped 2011-12-30 entirely; a 09:00 slot that day fires at the first instant.
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Pacific/Apia")
    instant = resolve_local(datetime(2011, 12, 30, 9, 0), zone)
    assert instant.astimezone(zone).replace(tzinfo=None) == datetime(2011, 12, 31, 0, 0)


@pytest.mark.parametrize("make", [lambda: daily("09:00", "Pacific/Apia"),
                                  lambda: cron("0 9 * * *", "Pacific/Apia")])
def test_a_day_the_zone_skipped_fires_nothing_rather_than_twice_the_next_day(make) -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Pacific/Apia")
    runs = runs_between(make(), utc(2011, 12, 27), utc(2012, 1, 2))
    local = [r.astimezone(zone) for r in runs]
    assert [(d.date().isoformat(), f"{d:%H:%M}") for d in local] == [
        ("2011-12-27", "09:00"), ("2011-12-28", "09:00"), ("2011-12-29", "09:00"),
        ("2011-12-31", "09:00"), ("2012-01-01", "09:00"), ("2012-01-02", "09:00")]


# --------------------------------------------------------------------------- cron


def test_cron_weekdays_in_taipei() -> None:
    s = cron("0 9 * * mon-fri", "Asia/Taipei")
    assert next_run(s, utc(2024, 6, 7, 1, 0)) == utc(2024, 6, 10, 1, 0)


def test_cron_follows_the_same_dst_rules_as_time_and_days() -> None:
    for at, days, expr in (("02:30", "daily", "30 2 * * *"), ("01:30", "sun", "30 1 * * 0"),
                           ("09:00", "mon-fri", "0 9 * * 1-5")):
        for tz in ("Europe/Berlin", "America/New_York"):
            start, end = utc(2023, 12, 31), utc(2025, 1, 1)
            assert runs_between(cron(expr, tz), start, end) == runs_between(
                daily(at, tz, days), start, end), (expr, tz)


def test_hourly_cron_fires_once_per_wall_clock_hour_across_dst() -> None:
    s = cron("0 * * * *", "Europe/Berlin")
    spring = runs_between(s, utc(2024, 3, 30, 23), utc(2024, 3, 31, 3))
    assert spring == [utc(2024, 3, 31, h) for h in (0, 1, 2, 3)]  # 01:00, 03:00, 04:00, 05:00
    fall = runs_between(s, utc(2024, 10, 26, 23), utc(2024, 10, 27, 3))
    assert fall == [utc(2024, 10, 27, 0), utc(2024, 10, 27, 2), utc(2024, 10, 27, 3)]


def test_cron_validation() -> None:
    assert parse_cron("  0  9 * *   1 ") == "0 9 * * 1"
    for bad, message in (("0 9 * *", "five-field"), ("0 0 9 * * *", "five-field"),
                         ("61 9 * * *", "not a valid"), ("*/5 * * * *", "once an hour"),
                         ("* 9 * * *", "once an hour")):
        with pytest.raises(ValueError, match=message):
            parse_cron(bad)


# --------------------------------------------------------------------------- value parsers


def test_days_parsing() -> None:
    assert parse_days("daily") == ALL_DAYS
    assert parse_days("mon-fri") == frozenset(range(5)) == parse_days("weekdays")
    assert parse_days("mon,wed") == frozenset({0, 2}) == parse_days(["Monday", "wed"])
    assert parse_days("fri-mon") == frozenset({4, 5, 6, 0})
    assert format_days(parse_days("mon-fri")) == "mon-fri"
    assert format_days(parse_days("sun,mon")) == "mon,sun"
    with pytest.raises(ValueError, match="did you mean 'mon'"):
        parse_days("mno")


def test_time_parsing() -> None:
    assert parse_time_of_day("09:00") == time(9) == parse_time_of_day("9am")
    assert parse_time_of_day("9:30 pm") == time(21, 30)
    for bad in ("25:00", "9", "noon", 570, "12:60"):
        with pytest.raises(ValueError):
            parse_time_of_day(bad)


def test_timezone_typo_suggests_close_names() -> None:
    assert parse_timezone("asia/taipei") == "Asia/Taipei"
    with pytest.raises(ValueError, match="did you mean 'Asia/Taipei'"):
        parse_timezone("Asia/Taipe")


# --------------------------------------------------------------------------- record parsers

SETTINGS = """
digests:
  - name: taipei-morning
    channel: 123456789012345678
    guild: 42
    time: "09:00"
    days: mon-fri
    timezone: Asia/Taipei
    topics: [chips, ai]
  - channel: 222
    cron: "0 9 * * mon"
    tz: Europe/Berlin
    topic: security
"""


def test_parse_schedule_from_settings_yaml() -> None:
    entries = yaml.safe_load(SETTINGS)["digests"]
    first = parse_schedule(entries[0], "briefbot.yaml: digests[0]")
    assert (first.channel_id, first.guild_id, first.tz) == (123456789012345678, 42, "Asia/Taipei")
    assert first.time_of_day == time(9) and first.days == frozenset(range(5))
    assert first.topics == ["chips", "ai"] and first.key == "settings:name:taipei-morning"
    second = parse_schedule(entries[1], "briefbot.yaml: digests[1]")
    assert second.cron == "0 9 * * mon" and second.topics == ["security"]
    assert second.key == parse_schedule(entries[1], "elsewhere").key  # stable across restarts


@pytest.mark.parametrize(("entry", "message"), [
    ({"channel": 1, "time": "09:00", "timezone": "Asia/Taipe", "topic": "ai"},
     "digests[3]: timezone: unknown time zone 'Asia/Taipe'; did you mean 'Asia/Taipei'"),
    ({"channel": 1, "time": "09:00", "tz": "UTC"}, "digests[3]: missing key 'topic'"),
    ({"channel": 1, "time": 570, "tz": "UTC", "topic": "ai"}, "digests[3]: time: 570 is a number"),
    ({"channel": 1, "time": "09:00", "days": "mnday", "tz": "UTC", "topic": "ai"},
     "digests[3]: days: unknown day 'mnday'"),
    ({"channel": 1, "tiem": "09:00", "tz": "UTC", "topic": "ai"},
     "digests[3]: unknown key 'tiem'; did you mean 'time'"),
    ({"channel": 1, "time": "09:00", "cron": "0 9 * * *", "tz": "UTC", "topic": "ai"},
     "either 'time'"),
    ({"channel": "general", "time": "09:00", "tz": "UTC", "topic": "ai"},
     "digests[3]: channel: 'general' is not a Discord id"),
    ({"channel": 1, "cron": "*/10 * * * *", "tz": "UTC", "topic": "ai"},
     "digests[3]: cron: '*/10 * * * *' fires more often"),
])
def test_parse_schedule_errors_name_where_and_key(entry: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_schedule(entry, "briefbot.yaml: digests[3]")


def test_parse_subscribe_arguments() -> None:
    now = utc(2024, 6, 1, 12)
    s = parse_subscribe(channel_id=5, time="09:00", days="mon-fri", tz="Asia/Taipei",
                        topics="chips, ai", guild_id=7, created_by="1234", now=now)
    assert (s.time_of_day, s.days, s.topics, s.created_at) == (
        time(9), frozenset(range(5)), ["chips", "ai"], now)
    assert s.describe() == "09:00 mon-fri (Asia/Taipei)"
    with pytest.raises(UsageError, match="tz: unknown time zone 'Asia/Taipe'"):
        parse_subscribe(channel_id=5, time="09:00", tz="Asia/Taipe", topics="ai")
