"""The digest runner and its store: exactly-once delivery with a fake clock and no real sleeps."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.digest import (
    DeliveryError,
    DigestRunner,
    DigestStore,
    Schedule,
    acquire_lock,
    idempotency_key,
    parse_days,
    parse_schedule,
)

GRACE = timedelta(hours=1)
LEASE = timedelta(minutes=10)
REPO = Path(__file__).resolve().parent.parent
# Monday 2024-06-03 09:00 Asia/Taipei = 01:00 UTC.
SLOT = datetime(2024, 6, 3, 1, 0, tzinfo=UTC)


class ProcessDied(BaseException):
    """Simulates the process being killed: nothing in the runner may catch it."""


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class FakeSleep:
    """Records the delays and moves the fake clock instead of waiting."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock, self.calls = clock, []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.clock.advance(seconds=seconds)


@dataclass
class FakeDiscord:
    """A channel history shared by every "process"; post() can fail or 'die'."""

    messages: list[tuple[int, str, str, int]] = field(default_factory=list)
    failures: list[BaseException] = field(default_factory=list)
    die_after_post: bool = False
    lookups: int = 0

    async def post(self, channel_id: int, content: str, idempotency_key: str) -> int:
        await asyncio.sleep(0)  # let another runner interleave, as real I/O would
        if self.failures:
            raise self.failures.pop(0)
        message_id = 1000 + len(self.messages)
        self.messages.append((channel_id, content, idempotency_key, message_id))
        if self.die_after_post:
            self.die_after_post = False
            raise ProcessDied
        return message_id

    async def find_posted(self, channel_id: int, idempotency_key: str) -> int | None:
        self.lookups += 1
        for channel, _content, key, message_id in self.messages:
            if channel == channel_id and key == idempotency_key:
                return message_id
        return None


class Composer:
    def __init__(self) -> None:
        self.calls: list[tuple[int | None, str, list[str]]] = []

    def __call__(self, schedule: Schedule, topic: str, new_doc_ids: list[str]) -> str:
        self.calls.append((schedule.id, topic, new_doc_ids))
        return f"digest about {topic}; new: {', '.join(new_doc_ids) or 'none'}"


@dataclass
class World:
    """One data directory, one Discord, one clock; runners are "processes" on them."""

    data_dir: Path
    clock: FakeClock
    discord: FakeDiscord
    compose: Composer
    docs: set[str]
    stores: list[DigestStore] = field(default_factory=list)

    def store(self) -> DigestStore:
        store = DigestStore(self.data_dir)
        self.stores.append(store)
        return store

    def runner(self, store: DigestStore | None = None, **kwargs: object) -> DigestRunner:
        options: dict = {"grace": GRACE, "max_attempts": 3, "backoff_base": 2.0,
                         "lease": LEASE, "current_doc_ids": lambda: set(self.docs),
                         "max_idle": 10 * 86400.0}
        options.update(kwargs)
        return DigestRunner(store or self.store(), self.discord, self.compose, self.clock,
                            FakeSleep(self.clock), **options)

    def add(self, *, topics: tuple[str, ...] = ("ai",), channel: int = 10, days: str = "daily",
            created: datetime = SLOT - timedelta(hours=1)) -> Schedule:
        schedule = Schedule(channel_id=channel, tz="Asia/Taipei", topics=list(topics),
                            time_of_day=time(9), days=parse_days(days), created_at=created,
                            guild_id=1)
        return self.store().add_schedule(schedule)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World(tmp_path / "data", FakeClock(SLOT), FakeDiscord(), Composer(), {"d1", "d2"})
    yield w
    for store in w.stores:
        store.close()


# --------------------------------------------------------------------------- normal delivery


async def test_a_due_slot_is_posted_exactly_once(world: World) -> None:
    schedule = world.add()
    runner = world.runner()
    world.clock.now = SLOT - timedelta(milliseconds=100)  # a loop that wakes a bit early
    assert await runner.run_due() == []
    assert runner.seconds_until_next() == pytest.approx(0.1)
    world.clock.now = SLOT + timedelta(milliseconds=5)
    [outcome] = await runner.run_due()
    assert (outcome.status, outcome.slot_utc, outcome.attempts) == ("done", SLOT, 1)
    assert outcome.message_id == 1000
    assert await runner.run_due() == []
    world.clock.advance(minutes=30)
    assert await runner.run_due() == []
    assert len(world.discord.messages) == 1
    assert world.discord.messages[0][2] == idempotency_key(schedule.id, SLOT)  # type: ignore[arg-type]
    assert runner.seconds_until_next() == pytest.approx(
        (SLOT + timedelta(days=1) - world.clock.now).total_seconds())
    assert world.runner(max_idle=300.0).seconds_until_next() == 300.0  # notices new schedules


async def test_schedule_created_after_todays_slot_waits_for_tomorrow(world: World) -> None:
    world.add(created=SLOT + timedelta(minutes=5))
    world.clock.advance(minutes=10)
    assert await world.runner().catch_up() == []
    assert world.discord.messages == []


def test_idempotency_key_is_deterministic_and_fits_a_discord_nonce() -> None:
    key = idempotency_key(123_456_789_012, SLOT)
    assert key == idempotency_key(123_456_789_012, SLOT) == "dg123456789012-2406030100"
    assert len(key) <= 25
    assert idempotency_key(1, SLOT) != idempotency_key(1, SLOT + timedelta(days=1))


# --------------------------------------------------------------------------- crash recovery


async def test_restart_between_post_and_state_update_neither_loses_nor_doubles(
        world: World) -> None:
    schedule = world.add()
    world.discord.die_after_post = True
    first = world.runner()
    with pytest.raises(ProcessDied):
        await first.run_due()
    first.store.close()  # the process is gone; its claim is still "posting" in the database
    assert len(world.discord.messages) == 1

    world.clock.advance(minutes=1)
    second = world.runner()
    # The dead process's lease still looks live: a lock-less runner waits for it to expire.
    assert await second.run_due() == []
    assert second.seconds_until_next() == pytest.approx((LEASE - timedelta(minutes=1)).seconds)
    world.clock.advance(minutes=10)
    [outcome] = await second.run_due()
    assert (outcome.status, outcome.recovered, outcome.message_id) == ("done", True, 1000)
    assert len(world.discord.messages) == 1
    [row] = second.store.deliveries(schedule.id)  # type: ignore[arg-type]
    assert (row.status, row.message_id) == ("done", 1000)
    assert await second.run_due() == []


async def test_restart_with_the_process_lock_recovers_at_once(world: World) -> None:
    world.add()
    world.discord.die_after_post = True
    with pytest.raises(ProcessDied):
        await world.runner().run_due()
    [outcome] = await world.runner(lock_held=True).catch_up()
    assert (outcome.status, outcome.recovered) == ("done", True)
    assert len(world.discord.messages) == 1


async def test_crash_before_the_post_is_retried_once(world: World) -> None:
    schedule = world.add()
    world.discord.failures = [ProcessDied()]
    with pytest.raises(ProcessDied):
        await world.runner().run_due()
    [outcome] = await world.runner(lock_held=True).catch_up()
    assert (outcome.status, outcome.recovered, outcome.attempts) == ("done", False, 2)
    assert [m[2] for m in world.discord.messages] == [idempotency_key(schedule.id, SLOT)]  # type: ignore[arg-type]


# --------------------------------------------------------------------------- failures


async def test_transient_failures_are_retried_with_backoff(world: World) -> None:
    world.add()
    world.discord.failures = [DeliveryError("503 Service Unavailable", permanent=False),
                              DeliveryError("connection reset", permanent=False)]
    runner = world.runner()
    [outcome] = await runner.run_due()
    assert (outcome.status, outcome.attempts, outcome.message_id) == ("done", 3, 1000)
    assert runner.sleep.calls == [2.0, 4.0]  # type: ignore[attr-defined]
    assert world.discord.lookups == 2  # looked for a post hidden by each error before retrying
    assert len(world.discord.messages) == 1


async def test_transient_failures_give_up_after_max_attempts(world: World) -> None:
    schedule = world.add()
    world.discord.failures = [DeliveryError(f"502 Bad Gateway #{i}", False) for i in range(5)]
    runner = world.runner()
    [outcome] = await runner.run_due()
    assert (outcome.status, outcome.attempts, outcome.error) == ("failed", 3, "502 Bad Gateway #2")
    assert runner.sleep.calls == [2.0, 4.0]  # type: ignore[attr-defined]
    [status] = runner.store.list_status(world.clock.now)
    assert status.schedule.id == schedule.id and status.last_error == "502 Bad Gateway #2"


async def test_permanent_failure_is_recorded_at_once_and_listed(world: World) -> None:
    world.add()
    world.discord.failures = [DeliveryError("404 Unknown Channel", permanent=True)]
    runner = world.runner()
    [outcome] = await runner.run_due()
    assert (outcome.status, outcome.attempts, outcome.error) == ("failed", 1,
                                                                 "404 Unknown Channel")
    assert runner.sleep.calls == []  # type: ignore[attr-defined]
    [status] = runner.store.list_status(world.clock.now, guild_id=1)
    assert (status.last_status, status.last_error, status.last_error_slot) == (
        "failed", "404 Unknown Channel", SLOT)
    assert status.last_run is None and status.next_run == SLOT + timedelta(days=1)
    assert await runner.run_due() == []  # a failed slot is final, not retried every pass

    world.clock.now = SLOT + timedelta(days=1)
    [outcome] = await runner.run_due()
    [status] = runner.store.list_status(world.clock.now)
    assert (status.last_run, status.last_message_id, status.last_status) == (
        SLOT + timedelta(days=1), 1000, "done")


async def test_failed_lookup_does_not_stop_recovery(world: World) -> None:
    world.add()
    world.discord.failures = [ProcessDied()]
    with pytest.raises(ProcessDied):
        await world.runner().run_due()

    async def broken_lookup(channel_id: int, key: str) -> int | None:
        raise DeliveryError("403 Missing Access", permanent=True)

    world.discord.find_posted = broken_lookup  # type: ignore[method-assign]
    [outcome] = await world.runner(lock_held=True).catch_up()
    assert outcome.status == "done" and len(world.discord.messages) == 1


# --------------------------------------------------------------------------- catch-up


async def test_catch_up_posts_the_latest_missed_slot_within_grace_and_skips_older(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    schedule = world.add(created=SLOT - timedelta(days=3, hours=1))
    world.clock.now = SLOT + timedelta(minutes=30)  # down since before three slots ago
    runner = world.runner()
    with caplog.at_level(logging.WARNING, logger="bot.digest.runner"):
        outcomes = await runner.catch_up()
    assert [(o.slot_utc, o.status) for o in outcomes] == [
        (SLOT - timedelta(days=3), "skipped"), (SLOT - timedelta(days=2), "skipped"),
        (SLOT - timedelta(days=1), "skipped"), (SLOT, "done")]
    assert len(world.discord.messages) == 1
    assert sum("skipped: missed: not posted within 1:00:00" in r.message
               for r in caplog.records) == 3
    assert await runner.catch_up() == []  # a second restart changes nothing
    assert [d.status for d in runner.store.deliveries(schedule.id)] == [  # type: ignore[arg-type]
        "skipped", "skipped", "skipped", "done"]


async def test_catch_up_skips_a_slot_older_than_grace(world: World,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    world.add()
    world.clock.now = SLOT + GRACE + timedelta(minutes=1)
    with caplog.at_level(logging.WARNING):
        [outcome] = await world.runner().catch_up()
    assert outcome.status == "skipped" and world.discord.messages == []
    assert "skipped" in caplog.text


async def test_a_long_outage_records_only_a_week_of_skipped_slots(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    world.add(created=SLOT - timedelta(days=30))
    world.clock.now = SLOT + timedelta(minutes=1)
    runner = world.runner()
    with caplog.at_level(logging.WARNING):
        outcomes = await runner.catch_up()
        await runner.run_due()
    assert [o.status for o in outcomes] == ["skipped"] * 6 + ["done"]  # 7 days back
    assert caplog.text.count("too old to be recorded") == 1


# --------------------------------------------------------------------------- two processes


async def test_two_runners_on_the_same_database_post_a_due_slot_once(world: World) -> None:
    world.add()
    world.add(channel=20)
    a, b = world.runner(), world.runner()
    # While the first pass awaits Discord, the other passes find live claims and stand back.
    results = await asyncio.gather(a.run_due(), b.run_due(), a.run_due(), b.catch_up())
    assert sorted(o.status for r in results for o in r) == ["done", "done"]
    assert sorted(m[0] for m in world.discord.messages) == [10, 20]
    assert await b.run_due() == [] and len(world.discord.messages) == 2


def test_a_claim_is_exclusive_while_its_lease_is_live(world: World) -> None:
    schedule = world.add()
    sid = schedule.id
    assert sid is not None
    one, two = world.store(), world.store()
    claim = one.claim_slot(sid, SLOT, "one", SLOT, LEASE)
    assert claim is not None and not claim.taken_over
    assert one.claim_slot(sid, SLOT, "one", SLOT, LEASE) is None
    assert two.claim_slot(sid, SLOT, "two", SLOT + timedelta(minutes=9), LEASE) is None
    stolen = two.claim_slot(sid, SLOT, "two", SLOT + LEASE, LEASE)
    assert stolen is not None and stolen.taken_over
    with pytest.raises(ValueError, match="message id"):
        two.mark_done(stolen, None, SLOT)  # type: ignore[arg-type]
    assert not one.mark_failed(claim, "late", SLOT)  # the old claimer lost its claim
    assert two.mark_done(stolen, 77, SLOT) and not one.mark_done(claim, 78, SLOT)
    assert [(d.status, d.message_id) for d in one.deliveries(sid)] == [("done", 77)]


def test_the_process_lock_refuses_a_second_holder(tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    lock = acquire_lock(tmp_path)
    assert lock is not None
    with caplog.at_level(logging.WARNING):
        assert acquire_lock(tmp_path) is None  # a second open file description
    assert "locked by another process" in caplog.text
    probe = ("import sys; from bot.digest.lock import acquire_lock; "
             "print('held' if acquire_lock(sys.argv[1]) else 'refused')")
    other = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], cwd=REPO,
                           capture_output=True, text=True, check=True)
    assert other.stdout.strip() == "refused"
    lock.release()
    other = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], cwd=REPO,
                           capture_output=True, text=True, check=True)
    assert other.stdout.strip() == "held"


# --------------------------------------------------------------------------- content


async def test_topic_rotation_differs_between_consecutive_digests(world: World) -> None:
    world.add(topics=("chips", "ai", "security"))
    runner = world.runner()
    for day in range(5):
        world.clock.now = SLOT + timedelta(days=day)
        if day == 2:
            world.discord.failures = [DeliveryError("403 Missing Permissions", True)]
        await runner.run_due()
    topics = [topic for _sid, topic, _new in world.compose.calls]
    # The failed day (security) did not count: the next digest tries it again.
    assert topics == ["chips", "ai", "security", "security", "chips"]
    posted = [m[1].split(";")[0] for m in world.discord.messages]
    assert all(a != b for a, b in pairwise(posted))


async def test_new_documents_are_detected_per_channel(world: World) -> None:
    world.add(channel=10)
    runner = world.runner()
    await runner.run_due()  # first digest of channel 10: baseline, nothing announced as new
    world.docs |= {"d3"}
    world.clock.now = SLOT + timedelta(days=1)
    world.add(channel=20, created=world.clock.now - timedelta(hours=1))
    world.discord.failures = [DeliveryError("404 Unknown Channel", True)]  # channel 10 fails
    await runner.run_due()
    world.docs |= {"d4"}
    world.clock.now = SLOT + timedelta(days=2)
    await runner.run_due()
    world.clock.now = SLOT + timedelta(days=3)
    await runner.run_due()
    news = [(sid, new) for sid, _topic, new in world.compose.calls]
    assert news == [
        (1, []),            # channel 10, first digest
        (1, ["d3"]),        # channel 10: d3 is new (this post fails) ...
        (2, []),            # channel 20, first digest: baseline includes d3
        (1, ["d3", "d4"]),  # ... so d3 is still new for channel 10
        (2, ["d4"]),
        (1, []), (2, []),
    ]


# --------------------------------------------------------------------------- settings sync


def test_settings_schedules_sync_without_duplicates(world: World) -> None:
    entry = {"name": "morning", "channel": 10, "time": "09:00", "days": "mon-fri",
             "timezone": "Asia/Taipei", "topics": ["ai"]}
    store = world.store()
    first = store.sync_declared([parse_schedule(entry, "digests[0]")])
    again = store.sync_declared([parse_schedule(entry, "digests[0]")])  # a restart
    assert len(first.added) == 1 and again.unchanged == first.added and not again.added
    edited = store.sync_declared([parse_schedule({**entry, "topics": ["chips"]}, "digests[0]")])
    assert edited.updated == first.added
    [schedule] = store.list_schedules()
    assert schedule.topics == ["chips"] and schedule.id == first.added[0]
    assert store.sync_declared([]).removed == first.added and store.list_schedules() == []


async def test_run_forever_catches_up_then_sleeps_until_the_next_slot(world: World) -> None:
    world.add()
    delays: list[float] = []

    async def sleep_then_stop(seconds: float) -> None:
        delays.append(seconds)
        if len(delays) == 2:
            raise asyncio.CancelledError
        world.clock.advance(seconds=seconds)

    runner = world.runner(max_idle=2 * 86400.0)
    runner.sleep = sleep_then_stop
    with pytest.raises(asyncio.CancelledError):
        await runner.run_forever()
    assert delays[0] == 86400.0
    assert len(world.discord.messages) == 2  # today's at catch-up, tomorrow's after the sleep


@pytest.mark.parametrize("start", [datetime(2024, 3, 29, 12, tzinfo=UTC),
                                   datetime(2024, 10, 25, 12, tzinfo=UTC)])
async def test_the_loop_posts_once_per_local_day_through_dst_changes(world: World,
                                                                     start: datetime) -> None:
    # 02:30 Europe/Berlin falls in the spring gap and in the autumn overlap.
    store = world.store()
    store.add_schedule(Schedule(channel_id=10, tz="Europe/Berlin", topics=["ai"],
                                time_of_day=time(2, 30), created_at=start))
    world.clock.now = start
    runner = world.runner(store, max_idle=3600.0)
    while world.clock.now < start + timedelta(days=4):
        await runner.run_due()
        # Wake a millisecond early, as asyncio.sleep may: it must not cause a double post.
        world.clock.advance(seconds=max(runner.seconds_until_next() - 0.001, 0.0005))
    posted = [d.slot_utc.astimezone(ZoneInfo("Europe/Berlin")) for d in store.deliveries(1)
              if d.status == "done"]
    assert [p.day for p in posted] == [(start + timedelta(days=n)).day for n in range(1, 5)]
    # The gap day posts at 03:00 (first valid instant), the overlap day at the first 02:30.
    assert [p.strftime("%H:%M%z") for p in posted] in (
        ["02:30+0100", "03:00+0200", "02:30+0200", "02:30+0200"],
        ["02:30+0200", "02:30+0200", "02:30+0100", "02:30+0100"])
    assert len(world.discord.messages) == 4
