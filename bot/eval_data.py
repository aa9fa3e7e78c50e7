"""Where ``briefbot eval`` finds what it scores against: the repository's ``tests/``.

The judged queries, the gold lists, the raw articles the baseline indexes and the held-out
articles are test data, kept with the tests in a checkout. An installed package carries
``bot/``, ``knowledge/`` and ``prompts/`` only, so there ``eval`` says where to run it rather
than failing on the first missing file.
"""

from __future__ import annotations

from pathlib import Path

from bot.errors import UsageError

#: The repository's test data (present in a checkout, absent from an installed package).
TESTS = Path(__file__).resolve().parent.parent / "tests"
#: Judged queries and the bundled corpus's gold lists.
EVAL_DIR = TESTS / "eval"
#: The raw scraped articles the search baseline indexes.
SEED_RAW = TESTS / "data" / "seed-articles"
#: The held-out articles (raw scraped ``*.txt``) and their gold list.
HELDOUT_DIR = TESTS / "data" / "heldout"


def require_checkout() -> None:
    """Raise a :class:`UsageError` saying where to run ``eval`` when the gold lists are not
    here (an installed package rather than a checkout of the repository)."""
    if not EVAL_DIR.is_dir():
        raise UsageError(
            "`briefbot eval` scores against gold lists kept in the repository's tests/ "
            "directory, which an installed package does not carry: run it from a clone "
            "(see README, Measured quality).")
