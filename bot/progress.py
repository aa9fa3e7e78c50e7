"""Progress bars for long jobs (ingest, index builds): on a terminal only, silent when piped.

tqdm rather than rich: it is one small, dependency-free package that does exactly this job
(and turns itself into a plain pass-through iterator when disabled), while rich is a whole
terminal-rendering framework of which a progress bar would be all we used.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

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


def reporter(desc: str, stream: TextIO | None = None) -> Reporter:
    """A ``report(done, total)`` callback drawing the same bar, for jobs that count rather
    than iterate (an index build reports passages analysed)."""
    return Reporter(desc, stream)


class Reporter:
    """``report(done, total)`` draws a bar on ``stream`` (stderr) if it is a terminal, cleared
    when ``done`` reaches ``total``; :meth:`phase` gives the next step of the same job its own
    line, for a job of several steps (an index build, then each artifact).
    """

    def __init__(self, desc: str, stream: TextIO | None = None) -> None:
        self.desc = desc
        self._out = stream if stream is not None else sys.stderr
        self._bar: tqdm | None = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is not None and self._bar.total != total:
            self.close()  # the phase line becomes a bar once there is something to count
        if self._bar is None:
            self._bar = self._open(total=total)
        self._bar.update(done - self._bar.n)
        if done >= total:
            self.close()

    def phase(self, desc: str) -> Reporter:
        """A reporter for the next step, ``desc``, its line drawn at once (so a step that
        counts nothing still says what is being done), a bar once it reports counts."""
        step = Reporter(desc, self._out)
        step._bar = step._open(total=None, bar_format="{desc}… {elapsed}")
        return step

    def close(self) -> None:
        """Clear the line (the step is done)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _open(self, **options: Any) -> tqdm:
        interactive = hasattr(self._out, "isatty") and self._out.isatty()
        return _tqdm()(desc=self.desc, file=self._out, leave=False, dynamic_ncols=True,
                       disable=not interactive, **options)


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
