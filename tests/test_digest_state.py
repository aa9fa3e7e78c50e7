"""Digest state is never silently lost: bad files are refused, read-only commands stay
read-only, backups are consistent and restore safely, files are owner-only, and `sync` touches
no state."""

from __future__ import annotations

import dataclasses
import logging
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings, load_settings
from bot.digest import DigestStore, Schedule, StoreError
from bot.digest.database import DB_NAME, SCHEMA_VERSION
from bot.digest.lock import LOCK_NAME, acquire_lock

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def schedule(topics: list[str] | None = None) -> Schedule:
    return Schedule(channel_id=42, tz="Asia/Taipei", topics=topics or ["senkaku", "proposals"],
                    time_of_day=time(9, 0), created_at=NOW - timedelta(days=1))


def sqlite_with(path: Path, script: str) -> None:
    db = sqlite3.connect(path)
    db.executescript(script)
    db.close()


def snapshot(data: Path) -> dict[str, tuple[bytes, int]]:
    """Content and modification time of every file in the data directory, except the -wal and
    -shm side files SQLite itself creates for any reader of a WAL database."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(data.iterdir())
            if p.is_file() and not p.name.endswith(("-wal", "-shm"))}


BROKEN = {
    "empty": (lambda p: p.write_bytes(b""), "empty"),
    "garbage": (lambda p: p.write_bytes(b"not a database\n" * 200), "not an SQLite database"),
    "other schema": (lambda p: sqlite_with(p, "CREATE TABLE notes (body TEXT);"),
                     "not a briefbot digest store"),
    "newer version": (lambda p: sqlite_with(
        p, f"CREATE TABLE schedules (id);\nPRAGMA user_version = {SCHEMA_VERSION + 1};"),
        "newer briefbot"),
    "truncated": (lambda p: p.write_bytes(_valid_store_bytes(p)[:4096 + 100]), "damaged"),
}


def _valid_store_bytes(path: Path) -> bytes:
    """The bytes of a real store with a little history (built beside ``path``)."""
    data = path.parent / "donor"
    with DigestStore(data) as store:
        for n in range(40):
            store.add_schedule(schedule([f"topic {n}"]))
        store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return (data / DB_NAME).read_bytes()


@pytest.mark.parametrize("kind", list(BROKEN))
def test_a_file_that_is_not_a_valid_store_is_refused_and_left_untouched(tmp_path, kind):
    data = tmp_path / "data"
    data.mkdir()
    make, expected = BROKEN[kind]
    make(data / DB_NAME)
    before = snapshot(data)
    for read_only in (False, True):
        with pytest.raises(StoreError) as info:
            DigestStore(data, read_only=read_only)
        message = str(info.value)
        assert str(data / DB_NAME) in message and expected in message
        assert "Restore a backup" in message and "mv " in message  # what to do about it
    assert snapshot(data) == before


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    base = load_settings(environ={}, dotenv=False)
    return dataclasses.replace(base, data_dir=tmp_path / "data", cache_dir=tmp_path / "cache",
                               discord_token="MTIz.fake.token-for-a-start-that-stops-early")


def test_run_stops_before_connecting_on_a_garbage_database(settings, caplog):
    from bot.discord_bot import run_bot

    settings.data_dir.mkdir()
    (settings.data_dir / DB_NAME).write_bytes(b"\x00garbage" * 64)
    before = snapshot(settings.data_dir)
    with caplog.at_level(logging.ERROR):
        assert run_bot(settings) == 1
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert str(settings.data_dir / DB_NAME) in record.getMessage()
    assert "not an SQLite database" in record.getMessage() and record.exc_info is None
    assert snapshot(settings.data_dir) == before


def cli(tmp_path: Path, monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFBOT_CACHE_DIR", str(tmp_path / "cache"))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_read_only_commands_never_write_the_database(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    with DigestStore(data) as store:
        store.add_schedule(schedule())
    before = snapshot(data)
    for args in (["digest", "--schedule"], ["digest"], ["digest", "--topic", "senkaku"]):
        code, _, err = cli(tmp_path, monkeypatch, capsys, *args)
        assert code == 0, err
    assert snapshot(data) == before
    with DigestStore(data, read_only=True) as store, pytest.raises(sqlite3.OperationalError,
                                                                   match="readonly"):
        store.add_schedule(schedule())


def test_digest_schedule_on_a_corrupt_database_gives_the_message_not_a_traceback(
        tmp_path, monkeypatch, capsys):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / DB_NAME).write_bytes(b"garbage" * 100)
    code, out, err = cli(tmp_path, monkeypatch, capsys, "digest", "--schedule")
    assert code == 1 and out == ""
    assert "Traceback" not in err and "not an SQLite database" in err
    assert str(Path("data") / DB_NAME) in err or str(tmp_path / "data" / DB_NAME) in err


def test_backup_is_a_consistent_owner_only_copy_that_restores(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    store = DigestStore(data)  # kept open, as a running bot keeps it
    added = store.add_schedule(schedule())
    code, out, err = cli(tmp_path, monkeypatch, capsys, "backup")
    assert code == 0, err
    [copy] = (data / "backups").glob("digests-*.sqlite3")
    assert str(copy.name) in out
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    store.add_schedule(schedule(["later"]))  # after the backup: not in it
    store.close()
    # Restore as README says: the copy becomes the data directory's database.
    restored = tmp_path / "restored"
    restored.mkdir()
    copy.rename(restored / DB_NAME)
    with DigestStore(restored) as again:
        assert [s.id for s in again.list_schedules()] == [added.id]
    code, _, err = cli(tmp_path, monkeypatch, capsys, "backup", "--out", str(restored / DB_NAME))
    assert code == 1 and "already exists" in err


def _crash_after_adding(data: Path, topic: str) -> None:
    """A bot process that adds a schedule and is killed: its write-ahead log stays behind."""
    code = ("import os, signal, sys; from datetime import time; from pathlib import Path; "
            "from bot.digest import DigestStore, Schedule; "
            "store = DigestStore(Path(sys.argv[1])); "
            "store.add_schedule(Schedule(channel_id=42, tz='UTC', topics=[sys.argv[2]], "
            "time_of_day=time(9, 0))); os.kill(os.getpid(), signal.SIGKILL)")
    subprocess.run([sys.executable, "-c", code, str(data), topic], check=False)
    assert (data / f"{DB_NAME}-wal").exists()


def test_restore_puts_a_backup_back_and_keeps_the_replaced_database(tmp_path, monkeypatch,
                                                                    capsys):
    data = tmp_path / "data"
    with DigestStore(data) as store:
        store.add_schedule(schedule(["before"]))
    code, _, err = cli(tmp_path, monkeypatch, capsys, "backup", "--out", "kept.sqlite3")
    assert code == 0, err
    _crash_after_adding(data, "after")
    code, out, err = cli(tmp_path, monkeypatch, capsys, "restore", "kept.sqlite3")
    assert code == 0, err
    assert f"kept as {data / (DB_NAME + '.bak')}" in out
    # The crashed bot's log is not replayed onto the backup...
    with DigestStore(data) as store:
        assert [s.topics for s in store.list_schedules()] == [["before"]]
    assert stat.S_IMODE((data / DB_NAME).stat().st_mode) == 0o600
    # ...but kept with the replaced database, which still opens with everything it had.
    aside = tmp_path / "aside"
    aside.mkdir()
    for suffix in ("", "-wal"):
        (data / f"{DB_NAME}.bak{suffix}").rename(aside / f"{DB_NAME}{suffix}")
    with DigestStore(aside, read_only=True) as store:
        assert [s.topics for s in store.list_schedules()] == [["before"], ["after"]]


def test_restore_never_overwrites_an_earlier_bak(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    DigestStore(data).close()
    assert cli(tmp_path, monkeypatch, capsys, "backup", "--out", "kept.sqlite3")[0] == 0
    assert cli(tmp_path, monkeypatch, capsys, "restore", "kept.sqlite3")[0] == 0
    before = snapshot(data)
    code, out, err = cli(tmp_path, monkeypatch, capsys, "restore", "kept.sqlite3")
    assert code == 1 and out == ""
    assert f"{DB_NAME}.bak: a database replaced by an earlier restore" in err
    # Only the lock file was written (its holder's pid), by the restore that took it.
    before.pop(LOCK_NAME)
    assert {k: v for k, v in snapshot(data).items() if k != LOCK_NAME} == before


def test_restore_is_refused_while_the_bot_runs(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    DigestStore(data).close()
    assert cli(tmp_path, monkeypatch, capsys, "backup", "--out", "kept.sqlite3")[0] == 0
    with acquire_lock(data) as running:  # what the running bot's scheduler holds
        assert running is not None
        before = snapshot(data)
        code, out, err = cli(tmp_path, monkeypatch, capsys, "restore", "kept.sqlite3")
    assert code == 1 and out == ""
    assert f"a bot is using it (pid {os.getpid()}" in err and "Stop the bot" in err
    assert snapshot(data) == before


@pytest.mark.parametrize("kind", [*BROKEN, "missing"])
def test_restore_refuses_a_file_that_is_not_a_digest_database(tmp_path, monkeypatch, capsys,
                                                              kind):
    data = tmp_path / "data"
    with DigestStore(data) as store:
        store.add_schedule(schedule())
    candidate = tmp_path / "candidate.sqlite3"
    make, expected = BROKEN.get(kind, (lambda p: None, "there is no such file"))
    make(candidate)
    before = snapshot(data)
    code, out, err = cli(tmp_path, monkeypatch, capsys, "restore", str(candidate))
    assert code == 1 and out == ""
    assert str(candidate) in err and expected in err and "Nothing was changed" in err
    assert snapshot(data) == before and not (data / LOCK_NAME).exists()


def test_a_new_database_is_owner_only_and_a_shared_one_is_reported(tmp_path, caplog):
    data = tmp_path / "data"
    DigestStore(data).close()
    assert stat.S_IMODE((data / DB_NAME).stat().st_mode) == 0o600
    (data / DB_NAME).chmod(0o644)
    with caplog.at_level(logging.WARNING):
        DigestStore(data).close()
    assert any("chmod 600" in r.getMessage() and DB_NAME in r.getMessage()
               for r in caplog.records)


def test_dotenv_readable_by_others_is_reported(tmp_path, caplog):
    from bot.private_files import warn_if_shared

    env = tmp_path / ".env"
    env.write_text("DISCORD_TOKEN=x\n")
    env.chmod(0o640)
    with caplog.at_level(logging.WARNING):
        assert not warn_if_shared(env, "the settings file")
    assert "chmod 600" in caplog.text
    env.chmod(0o600)
    assert warn_if_shared(env, "the settings file")


def test_the_topic_rotation_is_the_same_for_runner_preview_and_command(tmp_path, kb):
    from bot.digest import Claim
    from bot.digest.overview import previews
    from bot.render import Renderer

    data = tmp_path / "data"
    with DigestStore(data) as store:
        added = store.add_schedule(schedule(["senkaku", "proposals", "obstacles"]))
        seen = []
        for n in range(4):
            seen.append(store.next_topic(added))
            [preview] = previews(kb, [], store, Renderer(), "!")
            assert preview.topic == seen[-1]
            slot = NOW + timedelta(days=n)
            store.claim_slot(added.id, slot, "t", NOW, timedelta(minutes=5))
            store.mark_done(Claim(added.id, slot, "t", 0, False), 1000 + n, NOW)
    assert seen == ["senkaku", "proposals", "obstacles", "senkaku"]


async def test_sync_neither_opens_the_store_nor_takes_the_lock(settings, kb):
    from bot.discord_bot import BriefBot

    async with BriefBot(settings, kb) as bot:  # what `briefbot sync` builds
        await bot.setup_hook()
        assert "digest" in {c.name for c in bot.tree.get_commands()}
        assert bot.get_cog("Digests") is not None
    assert not (settings.data_dir / DB_NAME).exists()
    assert not (settings.data_dir / LOCK_NAME).exists()
