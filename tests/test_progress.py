"""The progress bar: drawn on a terminal, absent when output is piped."""

from __future__ import annotations

import io

from bot.progress import progress, reporter


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


def test_each_step_of_a_job_gets_its_own_line_then_a_bar_once_it_counts() -> None:
    tty = Terminal()
    job = reporter("indexing", stream=tty)
    job(2, 4)
    job(4, 4)
    quiet = job.phase("building people")  # counts nothing: a line saying what is done
    quiet.close()
    counting = job.phase("building brief-facets")
    counting(1, 12)
    counting(12, 12)
    lines = [line.strip() for line in tty.getvalue().split("\r")]
    assert any(line.startswith("indexing") and "/4" in line for line in lines)
    assert any(line.startswith("building people…") for line in lines)
    assert any(line.startswith("building brief-facets") and "/12" in line for line in lines)
    assert lines[-2] == ""  # every line cleared at the end


def test_a_pipe_sees_no_step_either() -> None:
    piped = io.StringIO()
    job = reporter("indexing", stream=piped)
    job(1, 1)
    step = job.phase("building people")
    step(3, 3)
    step.close()
    assert piped.getvalue() == ""
