"""The digest database file: created owner-only, opened only if it is a briefbot store, backed up
and restored.

Tables (``PRAGMA user_version`` :data:`SCHEMA_VERSION`):

``schedules``
    One row per schedule. ``key`` is UNIQUE and set for schedules declared in the settings
    file, so :meth:`~bot.digest.DigestStore.sync_declared` upserts them across restarts.
    ``rotation`` counts delivered digests and picks the next topic. Ids are AUTOINCREMENT,
    never reused, because they are part of the idempotency key of a post.
``deliveries``
    One row per fired slot, UNIQUE(schedule_id, slot_utc): status ``posting`` (claimed; with
    ``claimed_by``, ``claimed_at`` and ``lease_expires``), ``done`` (always with a
    ``message_id``), ``failed`` (``last_error`` says why) or ``skipped``; plus ``attempts``.
``digest_channels`` / ``channel_docs``
    Per channel: when its baseline was taken, and the document ids already announced there.

The file holds every subscription and the delivery history, so it is never overwritten: a
file that is empty, not SQLite, damaged, of another schema or of a newer version is refused
with :class:`StoreError`, which says what to do. A new store is built under a temporary name
and renamed into place, so a half-created one never passes for a real one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.digest.lock import LockHeld, ProcessLock, take_lock
from bot.errors import BriefbotError
from bot.private_files import create_private, warn_if_shared

log = logging.getLogger(__name__)

DB_NAME = "digests.sqlite3"
SCHEMA_VERSION = 1
_HEADER = b"SQLite format 3\x00"

_SCHEMA = f"""
CREATE TABLE schedules (
    id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE, guild_id INTEGER,
    channel_id INTEGER NOT NULL, time_of_day TEXT, days TEXT, cron TEXT, tz TEXT NOT NULL,
    topics TEXT NOT NULL, rotation INTEGER NOT NULL DEFAULT 0, created_by TEXT,
    created_at TEXT NOT NULL,
    CHECK ((time_of_day IS NULL) <> (cron IS NULL)));
CREATE TABLE deliveries (
    schedule_id INTEGER NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
    slot_utc TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('posting', 'done', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, message_id INTEGER,
    claimed_by TEXT, claimed_at TEXT, lease_expires TEXT, updated_at TEXT NOT NULL,
    UNIQUE (schedule_id, slot_utc),
    CHECK (status <> 'done' OR message_id IS NOT NULL));
CREATE INDEX deliveries_status ON deliveries (status, lease_expires);
CREATE TABLE digest_channels (
    channel_id INTEGER PRIMARY KEY, baseline_at TEXT NOT NULL);
CREATE TABLE channel_docs (
    channel_id INTEGER NOT NULL, doc_id TEXT NOT NULL, first_seen TEXT NOT NULL,
    PRIMARY KEY (channel_id, doc_id));
PRAGMA user_version = {SCHEMA_VERSION};
"""

#: The columns each table must have for this version of briefbot to use the file.
_COLUMNS = {
    "schedules": {"id", "key", "guild_id", "channel_id", "time_of_day", "days", "cron", "tz",
                  "topics", "rotation", "created_by", "created_at"},
    "deliveries": {"schedule_id", "slot_utc", "status", "attempts", "last_error", "message_id",
                   "claimed_by", "claimed_at", "lease_expires", "updated_at"},
    "digest_channels": {"channel_id", "baseline_at"},
    "channel_docs": {"channel_id", "doc_id", "first_seen"},
}


class StoreError(BriefbotError):
    """The digest database cannot be used as it is; the message names the file and the remedy."""

    def __init__(self, path: Path, problem: str, remedy: str | None = None) -> None:
        self.path, self.problem = path, problem
        if remedy is None:
            remedy = (
                "This file holds the digest subscriptions and their delivery history, so "
                "briefbot will not overwrite it. Restore a backup (`briefbot restore FILE`, "
                "from those `briefbot backup` writes; see README, \"Backup and restore\"), or "
                "move it aside to start without "
                f"digests: `mv {path} {path}.broken` (and its -wal/-shm files, if any).")
        super().__init__(f"{path}: {problem}. {remedy}")


def _problem(db: sqlite3.Connection) -> str | None:
    """Why the open database is not a store this briefbot can use, or ``None``."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        return (f"it was written by a newer briefbot (schema version {version}; this one "
                f"knows {SCHEMA_VERSION}): upgrade briefbot, or restore a backup from this "
                "version")
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if version < SCHEMA_VERSION or not set(_COLUMNS) <= tables:
        missing = ", ".join(sorted(set(_COLUMNS) - tables)) or "none"
        return (f"it is an SQLite database but not a briefbot digest store (schema version "
                f"{version}, missing tables: {missing})")
    for table, needed in _COLUMNS.items():
        have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        if not needed <= have:
            return (f"its table {table} lacks the columns {', '.join(sorted(needed - have))}; "
                    "it is not a briefbot digest store")
    check = [row[0] for row in db.execute("PRAGMA quick_check(5)")]
    if check != ["ok"]:
        return f"it is damaged (SQLite integrity check: {'; '.join(check)})"
    return None


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    # mode=ro: SQLite itself refuses every write, so a read-only command cannot change the file.
    target = f"{path.resolve().as_uri()}?mode={'ro' if read_only else 'rw'}"
    # Autocommit mode: every write is one statement or an explicit BEGIN IMMEDIATE transaction,
    # so the atomicity of each step is visible in the code that does it.
    db = sqlite3.connect(target, uri=True, timeout=10.0, isolation_level=None)
    db.row_factory = sqlite3.Row
    return db


def open_store(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """Open ``path`` if it is a valid briefbot store; without ``read_only``, create it if absent.

    Raises
    ------
    StoreError
        If the file exists but is not a store this briefbot can use (it is left untouched), or
        if ``read_only`` and it does not exist.
    """
    if not path.exists():
        if read_only:
            raise StoreError(path, "there is no digest database here",
                             "`briefbot run` creates it; check the data directory setting.")
        _create(path)
    elif path.is_file():
        warn_if_shared(path, "the digest database")
        with open(path, "rb") as handle:
            header = handle.read(len(_HEADER))
        if not header:
            raise StoreError(path, "the file is empty (0 bytes), not a digest database")
        if header != _HEADER:
            raise StoreError(path, "the file is not an SQLite database")
    else:
        raise StoreError(path, "this is not a regular file")
    # Checked over a read-only connection, so not even a damaged file can be written to.
    try:
        db = _connect(path, read_only=True)
    except sqlite3.Error as exc:
        raise StoreError(path, f"SQLite cannot open it ({exc})") from None
    try:
        problem = _problem(db)
    except sqlite3.DatabaseError as exc:
        problem = f"it is damaged or not a database ({exc})"
    if problem is not None:
        db.close()
        raise StoreError(path, problem)
    if not read_only:
        db.close()
        db = _connect(path, read_only=False)
    if not read_only:
        db.execute("PRAGMA journal_mode=WAL")
        # A ``done`` mark that is lost to a power cut would cost a second post.
        db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    return db


def _create(path: Path) -> None:
    """A new, empty store at ``path``, built under a temporary name and renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f".{path.name}.{os.getpid()}.new")
    building.unlink(missing_ok=True)
    create_private(building)
    try:
        db = sqlite3.connect(building, isolation_level=None)
        try:
            db.executescript(_SCHEMA)
        finally:
            db.close()
        # os.link refuses to replace: if another process created the store meanwhile, its
        # file wins and ours is dropped.
        with contextlib.suppress(FileExistsError):
            os.link(building, path)
        log.info("created the digest database %s", path)
    finally:
        building.unlink(missing_ok=True)


def backup(data_dir: Path, out: Path | None = None) -> Path:
    """Write a consistent copy of the digest database with SQLite's online backup API.

    Safe while the bot runs: the copy is one point in time, even mid-delivery. Parameters:
    ``out`` is the file to write (default ``<data_dir>/backups/digests-<UTC time>.sqlite3``);
    it must not exist. Returns the path written (mode 0600).

    Raises
    ------
    StoreError
        If there is no valid store to back up, or ``out`` already exists.
    """
    source_path = Path(data_dir) / DB_NAME
    if out is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        out = Path(data_dir) / "backups" / f"digests-{stamp}.sqlite3"
    if out.exists():
        raise StoreError(out, "the file already exists", "Choose another name for the backup.")
    source = open_store(source_path, read_only=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    try:
        _copy(source, partial, out)
        os.replace(partial, out)
    finally:
        source.close()
        partial.unlink(missing_ok=True)
    log.info("backed up %s to %s", source_path, out)
    return out


def restore(data_dir: Path, backup_file: Path) -> Path | None:
    """Put a backup back as the digest database of ``data_dir``.

    Refused while another process (a running bot) holds the data directory's lock, which is
    held meanwhile so that no bot starts halfway. ``backup_file`` is checked as a store is at
    start (a briefbot digest database of a schema this version knows, undamaged) before
    anything is touched. The database it replaces becomes ``digests.sqlite3.bak``, with its
    ``-wal`` and ``-shm`` files beside it as ``.bak-wal`` and ``.bak-shm``: a stale
    write-ahead log is never replayed onto the restored copy (SQLite would silently merge it
    in), and the replaced state can still be opened.

    Returns
    -------
    Path | None
        The ``.bak`` file, or ``None`` when there was no database to replace.

    Raises
    ------
    StoreError
        If the bot is running, ``backup_file`` is not a usable store, or a ``.bak`` from an
        earlier restore is still there (it is never overwritten). Nothing is changed then.
    """
    target = Path(data_dir) / DB_NAME
    kept = target.with_name(f"{target.name}.bak")
    choose = "Nothing was changed; give a file written by `briefbot backup`."
    if not backup_file.is_file():
        raise StoreError(backup_file, "there is no such file", choose)
    if target.exists() and backup_file.resolve() == target.resolve():
        raise StoreError(backup_file, "this is the digest database itself", choose)
    try:
        source = open_store(backup_file, read_only=True)
    except StoreError as exc:
        raise StoreError(backup_file, exc.problem, choose) from None
    staging = target.with_name(f".{target.name}.{os.getpid()}.restoring")
    try:
        with _data_dir_lock(target):
            if kept.exists():
                raise StoreError(kept, "a database replaced by an earlier restore is kept here",
                                 "Move it somewhere else first; nothing was changed.")
            _copy(source, staging, target)
            replaced = target.exists()
            if replaced:
                os.link(target, kept)  # the old file stays whole while the new one moves in
            for suffix in ("-wal", "-shm"):
                side = target.with_name(target.name + suffix)
                if side.exists():
                    os.replace(side, kept.with_name(kept.name + suffix))
            os.replace(staging, target)
            open_store(target).close()  # opens as at start: the check a bot would make
    finally:
        source.close()
        staging.unlink(missing_ok=True)
    log.info("restored %s from %s%s", target, backup_file,
             f"; the replaced database is kept as {kept}" if replaced else "")
    return kept if replaced else None


def _data_dir_lock(target: Path) -> ProcessLock:
    """The lock of the data directory of ``target``, or a :class:`StoreError` if a bot has it."""
    try:
        return take_lock(target.parent)
    except LockHeld as held:
        raise StoreError(target, f"a bot is using it ({held.holder} holds {held.path})",
                         "Stop the bot, then restore; nothing was changed.") from None


def _copy(source: sqlite3.Connection, out: Path, meant: Path) -> None:
    """Write a consistent, owner-only copy of ``source`` at ``out``, the temporary name of
    ``meant``, and check it.

    Raises
    ------
    StoreError
        Naming ``meant``, if the copy fails SQLite's integrity check (``out`` is then left for
        the caller to remove).
    """
    out.unlink(missing_ok=True)
    create_private(out)
    copy = sqlite3.connect(out)
    try:
        source.backup(copy)
        # One self-contained file (the live store's WAL mode would be copied too): opening it,
        # even read-only, then leaves no -wal and -shm files beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise StoreError(meant, "the copy failed SQLite's integrity check",
                             "Nothing was written; try again.")
    finally:
        copy.close()
