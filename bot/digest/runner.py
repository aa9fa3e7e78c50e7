"""Posting due digests exactly once: claims, retries, crash recovery and catch-up.

The runner is platform-independent: it talks to Discord only through a :class:`Poster`, reads
time only through ``clock()`` and waits only through ``sleep()``, so tests drive it with a fake
clock. Every decision is derived from the database (:class:`~bot.digest.store.DigestStore`),
never from in-memory "last run" state, so a restart can neither repeat nor lose a slot:

* a slot is claimed in the database before anything is posted (a second runner, in this
  process or another, cannot claim it while the lease is live);
* it is marked ``done`` only with the message id Discord returned;
* a slot found still ``posting`` (its process died) is first looked up with
  :meth:`Poster.find_posted`, so a crash between the post and the state update is recovered
  without a second post; the deterministic :func:`idempotency_key` also goes out as the message
  nonce, which Discord deduplicates for a few minutes;
* slots missed while the bot was down: the most recent one is posted if it is within
  ``grace``, the older ones are recorded as ``skipped`` and logged.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from bot.digest.records import Claim
from bot.digest.runs import next_run, runs_between
from bot.digest.schedule import Schedule
from bot.digest.store import DigestStore

logger = logging.getLogger(__name__)

#: Slots older than this are neither posted nor recorded one by one after a long outage.
MAX_LOOKBACK = timedelta(days=7)


class DeliveryError(Exception):
    """A post failed. ``permanent``: retrying cannot help (404 unknown channel, 403 missing
    permission); otherwise (5xx, network) the runner retries with backoff."""

    def __init__(self, reason: str, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Poster(Protocol):
    """What the runner needs from the chat platform (the Discord adapter implements it)."""

    async def post(self, channel_id: int, content: str, idempotency_key: str) -> int:
        """Post ``content``; return the message id once the platform confirmed it.

        Raises :class:`DeliveryError`. The adapter should send ``idempotency_key`` as the
        message nonce with ``enforce_nonce`` and make it findable by :meth:`find_posted`.
        """
        ...

    async def find_posted(self, channel_id: int, idempotency_key: str) -> int | None:
        """The id of a recent message in the channel carrying the key, or ``None``."""
        ...


#: ``compose(schedule, topic, new_doc_ids) -> content`` (may also be a coroutine function).
Compose = Callable[[Schedule, str, list[str]], str | Awaitable[str]]


@dataclass(frozen=True)
class Outcome:
    """What happened to one slot in one pass."""

    schedule_id: int
    slot_utc: datetime
    status: Literal["done", "failed", "skipped"]
    message_id: int | None = None
    attempts: int = 0
    error: str | None = None
    recovered: bool = False  # done by finding a post an earlier, interrupted attempt made


def idempotency_key(schedule_id: int, slot: datetime) -> str:
    """Deterministic key of one slot, e.g. ``dg42-2403310100``.

    At most 25 characters for ids below 10**12, so it fits Discord's message nonce.
    """
    return f"dg{schedule_id}-{slot:%y%m%d%H%M}"


class DigestRunner:
    """Posts the digests that are due, each exactly once.

    Parameters
    ----------
    store, poster, compose:
        State, the platform, and the content builder.
    clock:
        Returns the current time as an aware UTC datetime.
    sleep:
        ``async sleep(seconds)``.
    grace:
        How late a slot may still be posted (after an outage or a late wake-up).
    max_attempts:
        Post attempts per slot before it is recorded as failed.
    backoff_base:
        Seconds before the first retry; doubled for each further one, capped at
        ``backoff_cap``.
    current_doc_ids:
        Returns the ids of the documents in the knowledge base now (for "new since the
        previous digest"); ``None`` disables the feature (``compose`` gets ``[]``).
    lease:
        How long a claim stays exclusive without renewal; renewed at every attempt, so it must
        exceed the longest backoff plus one post.
    lock_held:
        The caller holds :func:`~bot.digest.lock.acquire_lock`: any other claimer is then a
        dead process, and its claims are recovered at once instead of after their lease.
    """

    def __init__(self, store: DigestStore, poster: Poster, compose: Compose,
                 clock: Callable[[], datetime], sleep: Callable[[float], Awaitable[object]], *,
                 grace: timedelta, max_attempts: int = 4, backoff_base: float = 2.0,
                 backoff_cap: float = 300.0,
                 current_doc_ids: Callable[[], Iterable[str]] | None = None,
                 lease: timedelta = timedelta(minutes=10), lock_held: bool = False,
                 max_idle: float = 300.0, token: str | None = None) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if lease.total_seconds() <= backoff_cap:
            raise ValueError("the lease must be longer than the longest backoff")
        self.store, self.poster, self.compose = store, poster, compose
        self.clock, self.sleep = clock, sleep
        self.grace, self.max_attempts = grace, max_attempts
        self.backoff_base, self.backoff_cap = backoff_base, backoff_cap
        self.current_doc_ids, self.lease, self.lock_held = current_doc_ids, lease, lock_held
        self.max_idle = max_idle
        self._noted: set[int] = set()
        # Unique per runner (not just per pid: tests run two "processes" in one).
        self.token = token or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    # ------------------------------------------------------------------ passes

    async def run_due(self) -> list[Outcome]:
        """Deliver every slot that is due now, each exactly once; returns what happened.

        Schedules are handled concurrently, so one channel's retries do not delay another's.
        """
        now = self.clock()
        results = await asyncio.gather(
            *(self._run_schedule(s, now) for s in self.store.list_schedules()),
            return_exceptions=True)
        outcomes: list[Outcome] = []
        for result in results:
            if isinstance(result, BaseException):
                if not isinstance(result, Exception):
                    raise result  # cancellation and the like go on up
                logger.error("digest pass failed", exc_info=result)
            else:
                outcomes.extend(result)
        return outcomes

    async def catch_up(self) -> list[Outcome]:
        """At start-up: recover interrupted deliveries, post the latest missed slot of each
        schedule if within ``grace``, and record older missed slots as skipped (logged).

        It is the same rule :meth:`run_due` applies, so an overslept loop behaves the same.
        """
        outcomes = await self.run_due()
        skipped = sum(o.status == "skipped" for o in outcomes)
        logger.info("digest catch-up: %d posted, %d skipped, %d failed",
                    sum(o.status == "done" for o in outcomes), skipped,
                    sum(o.status == "failed" for o in outcomes))
        return outcomes

    def seconds_until_next(self) -> float:
        """Seconds until the next slot or claim expiry, at most ``max_idle`` (so schedules
        added by a command or another process are noticed)."""
        now = self.clock()
        wake = now + timedelta(seconds=self.max_idle)
        for schedule in self.store.list_schedules():
            try:
                wake = min(wake, next_run(schedule, now))
            except ValueError:
                continue
        for claim in self.store.open_claims():
            if claim.claimed_by != self.token and claim.lease_expires is not None:
                # Re-check a foreign claim once it can be taken over; never spin on it.
                wake = min(wake, max(claim.lease_expires, now + timedelta(seconds=1)))
        return max(0.0, (wake - now).total_seconds())

    async def run_forever(self) -> None:
        """``catch_up()``, then post due slots until cancelled."""
        await self.catch_up()
        while True:
            await self.sleep(self.seconds_until_next())
            try:
                await self.run_due()
            except Exception:  # the database was busy, say: keep the scheduler alive
                logger.exception("digest pass failed; retrying")
                await self.sleep(5.0)

    # ------------------------------------------------------------------ one schedule

    async def _run_schedule(self, schedule: Schedule, now: datetime) -> list[Outcome]:
        assert schedule.id is not None
        outcomes: list[Outcome | None] = []
        # 1. Deliveries a dead process left half done.
        for row in self.store.open_claims(schedule.id):
            claim = self.store.claim_slot(schedule.id, row.slot_utc, self.token, now,
                                          self.lease, steal=self.lock_held)
            if claim is not None:
                logger.warning("digest %s slot %s: recovering an interrupted delivery by %s",
                               schedule.id, row.slot_utc.isoformat(), row.claimed_by)
                outcomes.append(await self._deliver(schedule, claim, now))
        # 2. New slots since the last recorded one (or the schedule's creation).
        since = max(schedule.created_at, self.store.last_slot(schedule.id) or schedule.created_at)
        horizon = now - max(MAX_LOOKBACK, self.grace)
        if since < horizon:
            if next_run(schedule, since) <= horizon and schedule.id not in self._noted:
                self._noted.add(schedule.id)  # once per process, not every pass
                logger.warning("digest %s: slots missed before %s are too old to be recorded",
                               schedule.id, horizon.isoformat())
            since = horizon
        slots = runs_between(schedule, since, now)
        if not slots:
            return [o for o in outcomes if o is not None]
        *missed, latest = slots
        if now - latest > self.grace:
            missed.append(latest)
        for slot in missed:
            reason = (f"missed: not posted within {self.grace} of its time (the bot was down "
                      f"or asleep; caught up at {now:%Y-%m-%d %H:%M} UTC)")
            if self.store.mark_skipped(schedule.id, slot, reason, now):
                logger.warning("digest %s slot %s skipped: %s", schedule.id, slot.isoformat(),
                               reason)
                outcomes.append(Outcome(schedule.id, slot, "skipped", error=reason))
        if latest not in missed:
            claim = self.store.claim_slot(schedule.id, latest, self.token, now, self.lease)
            if claim is None:
                logger.info("digest %s slot %s is being delivered by another process",
                            schedule.id, latest.isoformat())
            else:
                outcomes.append(await self._deliver(schedule, claim, now))
        return [o for o in outcomes if o is not None]

    # ------------------------------------------------------------------ one slot

    async def _find(self, channel_id: int, key: str) -> int | None:
        try:
            return await self.poster.find_posted(channel_id, key)
        except Exception as exc:  # a failed look-up must not stop the delivery
            logger.warning("could not look for an earlier post %s in channel %s: %s",
                           key, channel_id, exc)
            return None

    def _done(self, schedule: Schedule, claim: Claim, message_id: int, attempts: int,
              doc_ids: Iterable[str], recovered: bool = False) -> Outcome:
        if not self.store.mark_done(claim, message_id, self.clock(),
                                    channel_id=schedule.channel_id, doc_ids=doc_ids):
            logger.warning("digest %s slot %s was already recorded as done (or the schedule "
                           "was removed)", schedule.id, claim.slot_utc.isoformat())
        logger.info("digest %s slot %s posted to channel %s as message %s%s", schedule.id,
                    claim.slot_utc.isoformat(), schedule.channel_id, message_id,
                    " (found after an interrupted delivery)" if recovered else "")
        return Outcome(claim.schedule_id, claim.slot_utc, "done", message_id, attempts,
                       recovered=recovered)

    def _failed(self, claim: Claim, reason: str, attempts: int) -> Outcome:
        self.store.mark_failed(claim, reason, self.clock())
        logger.error("digest %s slot %s failed after %d attempt(s): %s", claim.schedule_id,
                     claim.slot_utc.isoformat(), attempts, reason)
        return Outcome(claim.schedule_id, claim.slot_utc, "failed", attempts=attempts,
                       error=reason)

    async def _deliver(self, schedule: Schedule, claim: Claim, now: datetime
                       ) -> Outcome | None:
        """Post one claimed slot; ``None`` if the claim was lost to another process."""
        key = idempotency_key(claim.schedule_id, claim.slot_utc)
        current = sorted(set(self.current_doc_ids())) if self.current_doc_ids else []
        attempts = claim.attempts
        if claim.taken_over:
            found = await self._find(schedule.channel_id, key)
            if found is not None:
                return self._done(schedule, claim, found, attempts, current, recovered=True)
            if now - claim.slot_utc > self.grace:
                reason = "interrupted delivery found too late to post (older than grace)"
                self.store.mark_skipped(claim.schedule_id, claim.slot_utc, reason, now,
                                        claim=claim)
                logger.warning("digest %s slot %s skipped: %s", claim.schedule_id,
                               claim.slot_utc.isoformat(), reason)
                return Outcome(claim.schedule_id, claim.slot_utc, "skipped", attempts=attempts,
                               error=reason)
            if attempts >= self.max_attempts:
                return self._failed(claim, "gave up: attempts interrupted", attempts)

        topic = self.store.next_topic(schedule)
        new_ids = self.store.new_doc_ids(schedule.channel_id, current) or []
        try:
            content = self.compose(schedule, topic, new_ids)
            if inspect.isawaitable(content):
                content = await content
        except Exception as exc:
            logger.exception("composing digest %s failed", schedule.id)
            return self._failed(claim, f"composing the digest failed: {exc}", attempts)

        while True:
            attempts_now = self.store.begin_attempt(claim, self.clock(), self.lease)
            if attempts_now is None:
                # Our lease ran out (e.g. the machine slept) and another process took over.
                logger.warning("digest %s slot %s: claim lost to another process; not posting",
                               schedule.id, claim.slot_utc.isoformat())
                return None
            attempts = attempts_now
            try:
                message_id = await self.poster.post(schedule.channel_id, str(content), key)
                if not isinstance(message_id, int) or message_id <= 0:
                    raise DeliveryError(f"poster returned no message id ({message_id!r})",
                                        permanent=False)
            except DeliveryError as exc:
                reason, permanent = exc.reason, exc.permanent
            except Exception as exc:  # unknown: assume transient, like a network error
                reason, permanent = f"{type(exc).__name__}: {exc}", False
            else:
                return self._done(schedule, claim, message_id, attempts, current)
            if permanent or attempts >= self.max_attempts:
                return self._failed(claim, reason, attempts)
            self.store.record_error(claim, reason, self.clock())
            delay = min(self.backoff_cap, self.backoff_base * 2 ** (attempts - 1))
            logger.warning("digest %s slot %s attempt %d failed (%s); retrying in %.0f s",
                           schedule.id, claim.slot_utc.isoformat(), attempts, reason, delay)
            await self.sleep(delay)
            # A timeout can hide a post Discord did accept: look before posting again.
            found = await self._find(schedule.channel_id, key)
            if found is not None:
                return self._done(schedule, claim, found, attempts, current, recovered=True)
