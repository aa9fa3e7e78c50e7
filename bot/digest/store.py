"""Durable digest state: schedules, slot claims and deliveries, and announced documents.

The tables are described in :mod:`bot.digest.database`, which also decides whether a file may
be opened at all. *First digest of a channel*: nothing is announced as new (the whole
knowledge base is not "news"); the documents present then become the baseline, and every
later digest announces ``current - seen``. Ids are marked seen only when a digest was
actually posted, so a failed post does not swallow news.

The rows it returns are the dataclasses of :mod:`bot.digest.records`, which also owns the
format of stored times. The database runs in WAL mode with ``synchronous=FULL``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from bot.digest.database import DB_NAME, open_store
from bot.digest.records import Claim, Delivery, ScheduleStatus, SyncResult, from_db, to_db
from bot.digest.runs import next_run
from bot.digest.schedule import Schedule, format_days, parse_days


class DigestStore:
    """Schedules, slot deliveries and announced documents in ``<data_dir>/digests.sqlite3``.

    One instance per process (one connection); several processes may share the file.
    """

    def __init__(self, data_dir: Path | str, *, read_only: bool = False) -> None:
        """Open (or, unless ``read_only``, create) ``<data_dir>/digests.sqlite3``.

        ``read_only`` opens the file with SQLite's ``mode=ro``: a listing or preview can then
        never change it, even by mistake.

        Raises
        ------
        StoreError
            If the file is not a valid briefbot store (it is left as it is), or is missing and
            ``read_only`` is set.
        """
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DB_NAME
        self.read_only = read_only
        self._db = open_store(self.path, read_only=read_only)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # BEGIN IMMEDIATE takes the write lock up front, so the reads inside are not stale.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> DigestStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ schedules

    @staticmethod
    def _row_to_schedule(row: sqlite3.Row) -> Schedule:
        return Schedule(
            id=row["id"], key=row["key"], guild_id=row["guild_id"], channel_id=row["channel_id"],
            time_of_day=time.fromisoformat(row["time_of_day"]) if row["time_of_day"] else None,
            days=parse_days(row["days"]) if row["days"] else parse_days(None),
            cron=row["cron"], tz=row["tz"], topics=json.loads(row["topics"]),
            created_by=row["created_by"], created_at=from_db(row["created_at"]),  # type: ignore[arg-type]
        )

    @staticmethod
    def _columns(schedule: Schedule) -> dict[str, object]:
        return {
            "guild_id": schedule.guild_id, "channel_id": schedule.channel_id,
            "time_of_day": schedule.time_of_day.strftime("%H:%M") if schedule.time_of_day
            else None,
            "days": format_days(schedule.days) if schedule.time_of_day else None,
            "cron": schedule.cron, "tz": schedule.tz, "topics": json.dumps(schedule.topics),
        }

    def add_schedule(self, schedule: Schedule) -> Schedule:
        """Insert a schedule; returns it with its new ``id``."""
        cols = {**self._columns(schedule), "key": schedule.key, "created_by": schedule.created_by,
                "created_at": to_db(schedule.created_at)}
        cursor = self._db.execute(
            f"INSERT INTO schedules ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            tuple(cols.values()))
        return replace(schedule, id=cursor.lastrowid)

    def get_schedule(self, schedule_id: int) -> Schedule | None:
        """The schedule with this id, or ``None``."""
        row = self._db.execute("SELECT * FROM schedules WHERE id = ?", (schedule_id,)).fetchone()
        return self._row_to_schedule(row) if row else None

    def list_schedules(self, guild_id: int | None = None) -> list[Schedule]:
        """All schedules (of one guild if given), oldest first."""
        if guild_id is None:
            rows = self._db.execute("SELECT * FROM schedules ORDER BY id")
        else:
            rows = self._db.execute("SELECT * FROM schedules WHERE guild_id = ? ORDER BY id",
                                    (guild_id,))
        return [self._row_to_schedule(row) for row in rows]

    def remove_schedule(self, schedule_id: int, guild_id: int | None = None) -> bool:
        """Delete a schedule and its delivery history; ``guild_id`` guards cross-guild removal.

        Returns
        -------
        bool
            Whether a schedule was removed.
        """
        sql, args = "DELETE FROM schedules WHERE id = ?", [schedule_id]
        if guild_id is not None:
            sql, args = sql + " AND guild_id = ?", [schedule_id, guild_id]
        return self._db.execute(sql, args).rowcount == 1

    def sync_declared(self, declared: Sequence[Schedule]) -> SyncResult:
        """Make the settings-declared schedules (``key`` starting ``settings:``) match ``declared``.

        Upserts by ``key`` (a restart changes nothing; an edited entry keeps its id, history and
        topic rotation) and removes declared schedules that left the settings file.

        Raises
        ------
        ValueError
            If a schedule has no ``settings:`` key, or two share a key.
        """
        keys = [s.key for s in declared]
        if any(not k or not k.startswith("settings:") for k in keys):
            raise ValueError("declared schedules need a key starting with 'settings:'")
        if len(set(keys)) != len(keys):
            raise ValueError("two declared schedules have the same key; give them names")
        result = SyncResult([], [], [], [])
        with self._transaction():
            existing = {row["key"]: row for row in self._db.execute(
                "SELECT * FROM schedules WHERE key LIKE 'settings:%'")}
            for schedule in declared:
                row = existing.pop(schedule.key, None)
                cols = self._columns(schedule)
                if row is None:
                    result.added.append(self.add_schedule(schedule).id)  # type: ignore[arg-type]
                elif any(row[name] != value for name, value in cols.items()):
                    self._db.execute(
                        f"UPDATE schedules SET {', '.join(f'{c} = ?' for c in cols)} "
                        "WHERE id = ?", (*cols.values(), row["id"]))
                    result.updated.append(row["id"])
                else:
                    result.unchanged.append(row["id"])
            for row in existing.values():
                self._db.execute("DELETE FROM schedules WHERE id = ?", (row["id"],))
                result.removed.append(row["id"])
        return result

    def rotation(self, schedule_id: int) -> int:
        """How many digests of this schedule were delivered: the next topic's index."""
        row = self._db.execute("SELECT rotation FROM schedules WHERE id = ?",
                               (schedule_id,)).fetchone()
        return row["rotation"] if row else 0

    def next_topic(self, schedule: Schedule) -> str:
        """The topic of the schedule's next digest (its first, if it is not stored yet)."""
        return schedule.topic_at(self.rotation(schedule.id) if schedule.id is not None else 0)

    # ------------------------------------------------------------------ deliveries

    def claim_slot(self, schedule_id: int, slot: datetime, token: str, now: datetime,
                   lease: timedelta, *, steal: bool = False) -> Claim | None:
        """Atomically claim a slot for delivery by process ``token``.

        A new slot is inserted as ``posting``. A slot left in ``posting`` is taken over only once
        its lease has expired (or, with ``steal=True``, at once if another token holds it: for a
        caller that holds the process lock and so knows the other claimer is dead).

        Returns
        -------
        Claim | None
            ``None`` if the slot is finished or someone else holds a live claim.
        """
        slot_db, now_db, until = to_db(slot), to_db(now), to_db(now + lease)
        inserted = self._db.execute(
            "INSERT INTO deliveries (schedule_id, slot_utc, status, claimed_by, claimed_at, "
            "lease_expires, updated_at) VALUES (?, ?, 'posting', ?, ?, ?, ?) "
            "ON CONFLICT (schedule_id, slot_utc) DO NOTHING",
            (schedule_id, slot_db, token, now_db, until, now_db)).rowcount
        if inserted:
            return Claim(schedule_id, slot, token, 0, taken_over=False)
        # One UPDATE with the lease test in its WHERE clause: two processes cannot both win.
        taken = self._db.execute(
            "UPDATE deliveries SET claimed_by = ?, claimed_at = ?, lease_expires = ?, "
            "updated_at = ? WHERE schedule_id = ? AND slot_utc = ? AND status = 'posting' "
            "AND (lease_expires <= ? OR (? AND claimed_by IS NOT ?)) RETURNING attempts",
            (token, now_db, until, now_db, schedule_id, slot_db, now_db, steal, token)).fetchone()
        if taken is None:
            return None
        return Claim(schedule_id, slot, token, taken["attempts"], taken_over=True)

    def begin_attempt(self, claim: Claim, now: datetime, lease: timedelta) -> int | None:
        """Count one more attempt and renew the lease; ``None`` if the claim was lost."""
        row = self._db.execute(
            "UPDATE deliveries SET attempts = attempts + 1, lease_expires = ?, updated_at = ? "
            "WHERE schedule_id = ? AND slot_utc = ? AND status = 'posting' AND claimed_by = ? "
            "RETURNING attempts",
            (to_db(now + lease), to_db(now), claim.schedule_id, to_db(claim.slot_utc),
             claim.token)).fetchone()
        return row["attempts"] if row else None

    def record_error(self, claim: Claim, error: str, now: datetime) -> None:
        """Note a transient error on a claimed slot (it stays ``posting``)."""
        self._db.execute(
            "UPDATE deliveries SET last_error = ?, updated_at = ? WHERE schedule_id = ? AND "
            "slot_utc = ? AND claimed_by = ?",
            (error, to_db(now), claim.schedule_id, to_db(claim.slot_utc), claim.token))

    def mark_done(self, claim: Claim, message_id: int, now: datetime, *,
                  channel_id: int | None = None, doc_ids: Iterable[str] = ()) -> bool:
        """Record a confirmed post, advance the topic rotation and mark ``doc_ids`` as seen in
        ``channel_id``, all in one transaction.

        Returns
        -------
        bool
            ``False`` if the slot was already done (e.g. another process recovered it).

        Raises
        ------
        ValueError
            Without a real message id: a slot is never done on hope.
        """
        if not isinstance(message_id, int) or isinstance(message_id, bool) or message_id <= 0:
            raise ValueError(f"mark_done needs the posted message id, got {message_id!r}")
        with self._transaction():
            changed = self._db.execute(
                "UPDATE deliveries SET status = 'done', message_id = ?, lease_expires = NULL, "
                "updated_at = ? WHERE schedule_id = ? AND slot_utc = ? AND status <> 'done'",
                (message_id, to_db(now), claim.schedule_id, to_db(claim.slot_utc))).rowcount
            if changed:
                self._db.execute("UPDATE schedules SET rotation = rotation + 1 WHERE id = ?",
                                 (claim.schedule_id,))
                if channel_id is not None:
                    self._mark_seen(channel_id, doc_ids, now)
        return bool(changed)

    def mark_failed(self, claim: Claim, reason: str, now: datetime) -> bool:
        """Record a slot as failed for good, with the reason shown by ``/digest list``."""
        return self._db.execute(
            "UPDATE deliveries SET status = 'failed', last_error = ?, lease_expires = NULL, "
            "updated_at = ? WHERE schedule_id = ? AND slot_utc = ? AND status = 'posting' "
            "AND claimed_by = ?",
            (reason, to_db(now), claim.schedule_id, to_db(claim.slot_utc), claim.token)
        ).rowcount == 1

    def mark_skipped(self, schedule_id: int, slot: datetime, reason: str, now: datetime, *,
                     claim: Claim | None = None) -> bool:
        """Record a slot that will not be posted (missed while down, or older than grace).

        Without ``claim`` the slot must be unrecorded (insert-if-absent, so two processes
        skipping the same slot is harmless); with it, the claimed slot is closed.
        """
        if claim is None:
            return self._db.execute(
                "INSERT INTO deliveries (schedule_id, slot_utc, status, last_error, updated_at) "
                "VALUES (?, ?, 'skipped', ?, ?) ON CONFLICT (schedule_id, slot_utc) DO NOTHING",
                (schedule_id, to_db(slot), reason, to_db(now))).rowcount == 1
        return self._db.execute(
            "UPDATE deliveries SET status = 'skipped', last_error = ?, lease_expires = NULL, "
            "updated_at = ? WHERE schedule_id = ? AND slot_utc = ? AND status = 'posting' "
            "AND claimed_by = ?",
            (reason, to_db(now), schedule_id, to_db(slot), claim.token)).rowcount == 1

    @staticmethod
    def _delivery(row: sqlite3.Row) -> Delivery:
        times = ("slot_utc", "claimed_at", "lease_expires", "updated_at")
        values = dict(zip(row.keys(), tuple(row), strict=True))  # a Row iterates its values
        fields: dict[str, Any] = {k: from_db(v) if k in times else v for k, v in values.items()}
        return Delivery(**fields)

    def deliveries(self, schedule_id: int) -> list[Delivery]:
        """Every recorded slot of a schedule, oldest first."""
        return [self._delivery(row) for row in self._db.execute(
            "SELECT * FROM deliveries WHERE schedule_id = ? ORDER BY slot_utc", (schedule_id,))]

    def open_claims(self, schedule_id: int | None = None) -> list[Delivery]:
        """Slots still ``posting`` (in flight, or left behind by a process that died)."""
        sql = "SELECT * FROM deliveries WHERE status = 'posting'"
        args: tuple[int, ...] = ()
        if schedule_id is not None:
            sql, args = sql + " AND schedule_id = ?", (schedule_id,)
        return [self._delivery(row) for row in self._db.execute(sql + " ORDER BY slot_utc", args)]

    def last_slot(self, schedule_id: int) -> datetime | None:
        """The latest slot recorded in any status, or ``None``."""
        row = self._db.execute("SELECT MAX(slot_utc) AS slot FROM deliveries "
                               "WHERE schedule_id = ?", (schedule_id,)).fetchone()
        return from_db(row["slot"])

    def status(self, schedule: Schedule, now: datetime) -> ScheduleStatus:
        """Last run, last error and next run of one schedule, for ``/digest list``."""
        sid = schedule.id

        def latest(where: str) -> sqlite3.Row | None:
            return self._db.execute(f"SELECT * FROM deliveries WHERE schedule_id = ? {where} "
                                    "ORDER BY slot_utc DESC LIMIT 1", (sid,)).fetchone()

        last, done = latest(""), latest("AND status = 'done'")
        error = latest("AND last_error IS NOT NULL AND status <> 'done'")
        try:
            upcoming: datetime | None = next_run(schedule, now)
        except ValueError:
            upcoming = None
        return ScheduleStatus(
            schedule=schedule, next_run=upcoming,
            last_run=from_db(done["slot_utc"]) if done else None,
            last_message_id=done["message_id"] if done else None,
            last_status=last["status"] if last else None,
            last_error=error["last_error"] if error else None,
            last_error_slot=from_db(error["slot_utc"]) if error else None)

    def list_status(self, now: datetime, guild_id: int | None = None) -> list[ScheduleStatus]:
        """:meth:`status` for every schedule (of one guild if given)."""
        return [self.status(s, now) for s in self.list_schedules(guild_id)]

    # ------------------------------------------------------------------ announced documents

    def new_doc_ids(self, channel_id: int, current: Iterable[str]) -> list[str] | None:
        """Documents in ``current`` not yet announced in the channel, sorted.

        Returns ``None`` when the channel has no baseline yet (its first digest): the caller
        announces nothing as new, and :meth:`mark_done` records the baseline.
        """
        if self._db.execute("SELECT 1 FROM digest_channels WHERE channel_id = ?",
                            (channel_id,)).fetchone() is None:
            return None
        seen = {row[0] for row in self._db.execute(
            "SELECT doc_id FROM channel_docs WHERE channel_id = ?", (channel_id,))}
        return sorted(set(current) - seen)

    def _mark_seen(self, channel_id: int, doc_ids: Iterable[str], now: datetime) -> None:
        self._db.execute("INSERT OR IGNORE INTO digest_channels VALUES (?, ?)",
                         (channel_id, to_db(now)))
        self._db.executemany("INSERT OR IGNORE INTO channel_docs VALUES (?, ?, ?)",
                             [(channel_id, doc, to_db(now)) for doc in set(doc_ids)])
