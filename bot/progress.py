"""Progress bars for long jobs (ingest, index builds): on a terminal only, silent when piped.

tqdm rather than rich: it is one small, dependency-free package that does exactly this job
(and turns itself into a plain pass-through iterator when disabled), while rich is a whole
terminal-rendering framework of which a progress bar would be all we used.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TextIO, TypeVar

if TYPE_CHECKING:
    from tqdm import tqdm

T = TypeVar("T")


def progress(iterable: Iterable[T], total: int | None = None, desc: str = "",
             stream: TextIO | None = None) -> Iterator[T]:
    """Iterate over ``iterable``, drawing a bar on ``stream`` (stderr) if it is a terminal.

    The bar is cleared when done, so it never ends up in a transcript; piped or redirected
    output, and logs, see nothing of it.
    """
    out = stream if stream is not None else sys.stderr
    interactive = hasattr(out, "isatty") and out.isatty()
    yield from _tqdm()(iterable, total=total, desc=desc, file=out, disable=not interactive,
                    leave=False, dynamic_ncols=True)


def reporter(desc: str, stream: TextIO | None = None) -> Callable[[int, int], None]:
    """A ``report(done, total)`` callback drawing the same bar, for jobs that count rather
    than iterate (an index build reports passages analysed)."""
    out = stream if stream is not None else sys.stderr
    bar: tqdm | None = None

    def report(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = _tqdm()(total=total, desc=desc, file=out, leave=False, dynamic_ncols=True,
                       disable=not (hasattr(out, "isatty") and out.isatty()))
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return report


def _tqdm() -> type[tqdm]:
    """tqdm, imported when a job runs (not with every command), without its monitor thread.

    The monitor is a thread that outlives the bar; in ``chat`` the kernel may then deliver
    Ctrl-C's SIGINT to it rather than to the main thread waiting in readline, and the
    keypress is lost (the REPL hangs until the next key). Our bars update often enough
    without it.
    """
    from tqdm import tqdm

    tqdm.monitor_interval = 0
    return tqdm
