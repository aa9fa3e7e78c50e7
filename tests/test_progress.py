"""The progress bar: drawn on a terminal, absent when output is piped."""

from __future__ import annotations

import io

from bot.progress import progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_pipe_sees_no_progress_bar() -> None:
    piped = io.StringIO()
    assert list(progress(range(5), desc="indexing", stream=piped)) == [0, 1, 2, 3, 4]
    assert piped.getvalue() == ""


def test_a_terminal_sees_the_bar_and_it_is_cleared_at_the_end() -> None:
    tty = Terminal()
    assert list(progress(iter(range(3)), total=3, desc="indexing", stream=tty)) == [0, 1, 2]
    drawn = tty.getvalue()
    assert "indexing" in drawn and "/3" in drawn
    assert drawn.endswith("\r") and drawn.split("\r")[-2].strip() == ""  # cleared at the end
