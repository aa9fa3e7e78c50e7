"""Files that hold a secret or user state (``.env``, the digest database): owner-only.

Files briefbot creates get mode 0600; an existing one that other users can read is reported
(its owner may have reasons, so it is not changed behind their back).
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)


def create_private(path: Path) -> None:
    """Create an empty file readable and writable by its owner only.

    Raises
    ------
    FileExistsError
        If ``path`` exists (it is never truncated).
    """
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def warn_if_shared(path: Path, what: str) -> bool:
    """Log a warning when other users may read or write ``path``; True when it is owner-only
    (or absent)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return True
    if mode & 0o077:
        log.warning("%s %s has mode %03o, so other users can read it; run `chmod 600 %s`",
                    what, path, mode, path)
        return False
    return True
