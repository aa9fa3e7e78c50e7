"""Both cores for a cold build: a function mapped over items in forked worker processes; and
the cyclic garbage collector kept out of a build's way.

A build's large steps (analysing passages, scanning documents for people, finding each topic's
points) are pure functions of data already in memory. Forked workers see that data as it is,
copy-on-write, so only each item's result is pickled back; the function and its arguments
never are. Where ``fork`` is unavailable, or for one item or one core, the items are mapped
in this process, with the same results.

A build allocates millions of objects that live as long as the corpus and hold no cycles
(passages, their texts, tuples): each collection of the oldest generation walks all of them,
which made loading a million passages four times slower, and in a forked worker it writes to
every object's header, copying the pages the parent shares. :func:`bulk` pauses collection;
forked workers start with the parent's objects frozen (``gc.freeze``), out of every collection.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: A build over fewer passages stays in one process: starting workers costs more than they
#: save (and the many small knowledge bases of tests and evaluations build quickly as it is).
PARALLEL_PASSAGES = 20_000

# The job of the workers being forked: set just before the fork, so it is never pickled.
_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def workers() -> int:
    """How many worker processes a build uses: one per core."""
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether this platform can fork workers that share the parent's memory."""
    return "fork" in multiprocessing.get_all_start_methods()


def map_forked(function: Callable[[T], R], items: Sequence[T], passages: int
               ) -> Iterator[R]:
    """``function(item)`` for each of ``items``, in order, computed in forked workers when
    the build is over at least :data:`PARALLEL_PASSAGES` ``passages``.

    Results are yielded as they arrive, in order, so a caller can report progress.
    Exceptions in a worker are raised here. Nested use (a worker mapping again) runs in that
    worker.
    """
    global _JOB
    count = min(workers(), len(items))
    if count <= 1 or passages < PARALLEL_PASSAGES or not can_fork() or _JOB is not None:
        yield from map(function, items)
        return
    _JOB = (function, items)
    gc.freeze()  # the workers' collections then leave the parent's objects, and pages, alone
    try:
        # Workers ignore Ctrl-C: the parent alone raises KeyboardInterrupt and ends the pool,
        # rather than every worker also dying noisily with a traceback of its own.
        with multiprocessing.get_context("fork").Pool(count, _ignore_sigint) as pool:
            yield from pool.imap(_run, range(len(items)))
    finally:
        _JOB = None
        gc.unfreeze()


@contextlib.contextmanager
def bulk() -> Iterator[None]:
    """No cyclic garbage collection inside (objects without cycles are still freed at once):
    for a step that allocates millions of lasting objects."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def give_back_memory() -> None:
    """Return the free pages of the C heap to the system (glibc's ``malloc_trim``; nothing
    elsewhere). An index build frees thousands of arrays of a few megabytes and millions
    of small objects; glibc keeps that memory for reuse, 0.2 GB at a million passages that
    the artifacts' builders, and their forked workers, would otherwise start on top of."""
    try:
        trim = ctypes.CDLL(None).malloc_trim  # this process's own symbols, libc's among them
    except (OSError, AttributeError):
        return  # not glibc
    trim(0)


def _run(index: int) -> Any:
    assert _JOB is not None
    function, items = _JOB
    return function(items[index])


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def halves(items: Sequence[T], weight: Callable[[T], int]) -> list[list[T]]:
    """``items`` in two runs, in order, of about equal total ``weight`` (one run if only one
    item has weight): the work of two workers, whose results merge in order."""
    total = sum(map(weight, items))
    cut, seen = 0, 0
    while cut < len(items) and seen + weight(items[cut]) <= total / 2:
        seen += weight(items[cut])
        cut += 1
    return [list(run) for run in (items[:cut], items[cut:]) if run]
