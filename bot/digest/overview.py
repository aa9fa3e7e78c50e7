"""What the schedules look like from outside: lists for ``/digest list`` and ``briefbot digest``.

Plain functions over the settings, the store and a time, returning data the
``digest_list`` template lays out; nothing here posts or knows about Discord.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from bot.config import Settings
from bot.digest.compose import DigestResult, build_digest
from bot.digest.database import DB_NAME
from bot.digest.records import ScheduleStatus
from bot.digest.runs import next_run
from bot.digest.schedule import Schedule, parse_schedule
from bot.digest.store import DigestStore
from bot.knowledge import KnowledgeBase
from bot.render import Renderer

SETTINGS_KEY_PREFIX = "settings:"


@dataclass(frozen=True)
class ScheduleRow:
    """One schedule as listed: where, when, about what, and how its runs went.

    ``source`` is ``"settings"`` (declared in the settings file) or ``"command"`` (added with
    ``/digest subscribe``). Times are aware datetimes: ``*_utc`` in UTC, ``next_run_local`` in
    the schedule's zone.
    """

    id: int | None  # None: declared but not yet in the store (the bot adds it at start)
    source: str
    guild_id: int | None
    channel_id: int
    when: str  # "09:00 mon-fri" or "cron 0 9 * * 1"
    tz: str
    topics: list[str]
    next_run_utc: datetime | None
    next_run_local: datetime | None
    last_run_utc: datetime | None
    last_status: str | None
    last_error: str | None
    note: str | None = None


@dataclass(frozen=True)
class ScheduleList:
    """The schedules of one guild (or all of them), as of ``now`` (UTC)."""

    now: datetime
    schedules: list[ScheduleRow]
    guild_id: int | None = None


@dataclass(frozen=True)
class DigestPreview:
    """What one schedule would post now (``briefbot digest``); ``schedule_id`` None: a preview
    not tied to a schedule."""

    schedule_id: int | None
    channel_id: int | None
    topic: str
    new_doc_ids: list[str]
    digest: DigestResult


def is_declared(schedule: Schedule) -> bool:
    """Whether the schedule comes from the settings file (``/digest remove`` must refuse it)."""
    return bool(schedule.key and schedule.key.startswith(SETTINGS_KEY_PREFIX))


def declared_schedules(settings: Settings) -> list[Schedule]:
    """The schedules of the settings file's ``digests:`` list, validated.

    Raises
    ------
    ConfigError
        Naming the file, the entry (``digests[2]``) and the offending key.
    """
    where = str(settings.source) if settings.source else "settings"
    return [parse_schedule(entry, f"{where}: digests[{number}]")
            for number, entry in enumerate(settings.digests)]


def open_existing_store(data_dir: Path) -> DigestStore | None:
    """The store in ``data_dir``, read-only, if the bot ever created one (a listing creates
    and changes nothing).

    Raises
    ------
    StoreError
        If the file is there but is not a valid store.
    """
    return DigestStore(data_dir, read_only=True) if (Path(data_dir) / DB_NAME).exists() else None


def row(status: ScheduleStatus, note: str | None = None) -> ScheduleRow:
    """A :class:`ScheduleRow` from the store's status of one schedule."""
    schedule = status.schedule
    return ScheduleRow(
        id=schedule.id, source="settings" if is_declared(schedule) else "command",
        guild_id=schedule.guild_id, channel_id=schedule.channel_id, when=schedule.when,
        tz=schedule.tz, topics=list(schedule.topics), next_run_utc=status.next_run,
        next_run_local=status.next_run.astimezone(schedule.zone) if status.next_run else None,
        last_run_utc=status.last_run, last_status=status.last_status,
        last_error=status.last_error, note=note)


def guild_list(store: DigestStore, now: datetime, guild_id: int,
               channel_ids: Collection[int] = ()) -> ScheduleList:
    """The schedules of one guild: those recorded with its id, plus schedules declared without
    a guild whose channel is one of ``channel_ids`` (the guild's channels)."""
    rows = [row(status) for status in store.list_status(now)
            if status.schedule.guild_id == guild_id
            or (status.schedule.guild_id is None and status.schedule.channel_id in channel_ids)]
    return ScheduleList(now, rows, guild_id)


def full_list(declared: Iterable[Schedule], store: DigestStore | None, now: datetime
              ) -> ScheduleList:
    """Every schedule, from the settings file and the store, as the bot will run them.

    A declared schedule shows the settings file's values (the bot syncs them at start) with the
    id and history the store has under its key; the store's declared schedules that left the
    settings file, and the ones added by command, are listed too.
    """
    stored = {s.key: s for s in store.list_schedules()} if store else {}
    rows: list[ScheduleRow] = []
    for schedule in declared:
        known = stored.pop(schedule.key, None)
        if known is None:
            rows.append(row(_status(None, schedule, now),
                            note="not in the store yet: added when the bot starts"))
        else:
            rows.append(row(_status(store, replace(schedule, id=known.id), now)))
    for schedule in stored.values():
        note = ("no longer in the settings file: removed when the bot starts"
                if is_declared(schedule) else None)
        rows.append(row(_status(store, schedule, now), note=note))
    rows.sort(key=lambda r: (r.id is None, r.id or 0))
    return ScheduleList(now, rows)


def _status(store: DigestStore | None, schedule: Schedule, now: datetime) -> ScheduleStatus:
    if store is not None and schedule.id is not None:
        return store.status(schedule, now)
    # Not stored: no history, only the next run.
    return ScheduleStatus(schedule, _next(schedule, now), None, None, None, None, None)


def _next(schedule: Schedule, now: datetime) -> datetime | None:
    try:
        return next_run(schedule, now)
    except ValueError:
        return None


def previews(kb: KnowledgeBase, declared: Iterable[Schedule], store: DigestStore | None,
             renderer: Renderer, prefix: str, topic: str | None = None) -> list[DigestPreview]:
    """What would be posted now: one preview per schedule, with its next topic in the rotation
    and the documents new to its channel; or one preview on ``topic`` (or, without schedules,
    on the knowledge base's first topic) as a channel's first digest would show it.
    """
    if topic is None:
        stored = {s.key: s for s in store.list_schedules()} if store else {}
        schedules = [replace(s, id=stored.pop(s.key).id) if s.key in stored else s
                     for s in declared]
        schedules += list(stored.values())
        if schedules:
            current = list(kb.corpus.documents)
            result = []
            for schedule in schedules:
                chosen = store.next_topic(schedule) if store else schedule.topic_at(0)
                new = (store.new_doc_ids(schedule.channel_id, current) if store else None) or []
                result.append(DigestPreview(
                    schedule.id, schedule.channel_id, chosen, new,
                    build_digest(kb, schedule, chosen, new, renderer, prefix)))
            return result
        topic = next(iter(kb.corpus.topics), None) or "news"
    return [DigestPreview(None, None, topic, [], build_digest(kb, None, topic, [], renderer,
                                                             prefix))]
