"""The process lock on the data directory: one bot process runs the digest scheduler, and
``briefbot restore`` replaces the database only when no bot holds it."""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import IO

logger = logging.getLogger(__name__)

LOCK_NAME = "digests.lock"


class ProcessLock:
    """An exclusive ``flock`` on ``<data_dir>/digests.lock``, held until :meth:`release`.

    The kernel drops it when the process dies, so it never goes stale.
    """

    def __init__(self, path: Path, handle: IO[str]) -> None:
        self.path = path
        self._handle: IO[str] | None = handle

    def release(self) -> None:
        """Unlock and close (idempotent)."""
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> ProcessLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class LockHeld(Exception):
    """Another process holds the data directory's lock; ``holder`` is what it wrote there."""

    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(f"{path} is locked by another process ({holder})")
        self.path, self.holder = path, holder


def take_lock(data_dir: Path | str) -> ProcessLock:
    """Become the one process that may run the digest scheduler or replace the database.

    Raises
    ------
    LockHeld
        When another process holds it. Locks are per open file, so a second attempt in the
        same process is refused too.
    """
    path = Path(data_dir) / LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - kept open while locked
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise LockHeld(path, holder) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}\n")
    handle.flush()
    return ProcessLock(path, handle)


def acquire_lock(data_dir: Path | str) -> ProcessLock | None:
    """Try to become the one process that runs the digest scheduler for ``data_dir``.

    Returns
    -------
    ProcessLock | None
        The held lock, or ``None`` (logged) when another process holds it: the caller must
        then not schedule digests.
    """
    try:
        return take_lock(data_dir)
    except LockHeld as held:
        logger.warning("digest scheduler not started: %s is locked by another process (%s); "
                       "is a second bot running against the same data directory?", held.path,
                       held.holder)
        return None
