"""Progress bars for long jobs (ingest, index builds): on a terminal only, silent when piped.

tqdm rather than rich: it is one small, dependency-free package that does exactly this job
(and turns itself into a plain pass-through iterator when disabled), while rich is a whole
terminal-rendering framework of which a progress bar would be all we used.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

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
    yield from tqdm(iterable, total=total, desc=desc, file=out, disable=not interactive,
                    leave=False, dynamic_ncols=True)
