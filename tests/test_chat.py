"""``briefbot chat``: the bot's grammar in a terminal, from a pipe and at a real (pseudo) tty."""

from __future__ import annotations

import contextlib
import io
import os
import pty
import select
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import bot_pages, chat, chat_outcome, chat_reply
from bot.commands import Reply
from bot.config import load_settings
from bot.session import Session
from tests.conftest import REPO


def session() -> Session:
    return Session(load_settings(None, {}, dotenv=False))


def replay(lines: str) -> str:
    out = io.StringIO()
    assert chat(session(), io.StringIO(lines), out) == 0
    return out.getvalue()


def test_chat_replays_a_transcript_one_reply_block_per_line():
    transcript = REPO / "tests" / "data" / "transcripts" / "chat.txt"
    commands, expected = transcript.read_text(encoding="utf-8").split("\n=== replies ===\n", 1)
    assert replay(commands) == expected


def test_chat_answers_bad_input_without_crashing():
    out = replay("!search\n!frobnicate\n!search \"unclosed\n!search x --limit 99\nhello\n")
    blocks = out.split("-- end of reply --\n")
    assert "Missing QUERY" in out
    assert "--limit must be a whole number from 1 to 25, not 99." in out
    assert "I don't know !frobnicate" in out
    assert "Usage: !search QUERY [--limit N]" in out
    assert "Traceback" not in out
    assert len(blocks) == 6 and blocks[4] == "" and blocks[5] == ""


def test_slash_syntax_typed_in_chat_is_the_slash_command():
    chat_session = session()
    typed = chat_outcome(chat_session, "/search query:coast guard limit:2")
    prefixed = chat_outcome(chat_session, "!search coast guard --limit 2")
    assert isinstance(typed, Reply) and isinstance(prefixed, Reply)
    assert typed == prefixed
    assert chat_reply(chat_session, "/search query:x limit:26") == (
        "⚠️ limit: must be a whole number from 1 to 25, not 26.\n"
        "Usage: /search query:… [limit:…]")
    assert chat_reply(chat_session, "/frobnicate").startswith("❓ I don't know !frobnicate")


def test_chat_prints_terminal_text_and_the_bot_posts_markdown():
    chat_session = session()
    line = "!source complicated-legacy-colonialism-relations#p11"
    assert "[Diaoyutais, 釣魚台]" in chat_reply(chat_session, line)
    assert "\\[Diaoyutais, 釣魚台\\]" in bot_pages(chat_session, line)[0]
    assert bot_pages(chat_session, "not a command") == []


# ------------------------------------------------------------------------------ at a terminal


class Terminal:
    """``briefbot chat`` on a pseudo-terminal; every wait has a deadline, so a REPL that stops
    answering fails the test with what it printed instead of hanging the run."""

    def __init__(self, data_dir: Path, sigint: signal.Handlers = signal.SIG_DFL) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT_")}
        # A cache of its own: the first session builds the index, as on a user's first run.
        env |= {"BRIEFBOT_DATA_DIR": str(data_dir), "BRIEFBOT_CACHE_DIR": str(data_dir / "cache"),
                "PYTHONPATH": str(REPO), "NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "100"}
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the REPL, with the pty as its terminal
            # The SIGINT disposition the REPL inherits is chosen here, not by however the
            # test run was started (a shell script's `&` makes it ignored).
            signal.signal(signal.SIGINT, sigint)
            os.execve(sys.executable, [sys.executable, "-m", "bot", "chat"], env)
        self.buffer = b""

    def expect(self, text: str, timeout: float = 30) -> str:
        """Read until ``text`` appears; return what came before it (and drop both)."""
        deadline = time.monotonic() + timeout
        while text.encode() not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                raise AssertionError(f"no {text!r} within {timeout}s; saw {self.buffer!r}")
            try:
                self.buffer += os.read(self.fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                raise AssertionError(f"exited before {text!r}; saw {self.buffer!r}") from None
        before, _, self.buffer = self.buffer.partition(text.encode())
        return before.decode(errors="replace")

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def exit_code(self, timeout: float = 15) -> int:
        """Wait for the REPL to exit (reading what it prints meanwhile); its exit code."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):  # drain, so the child never blocks on output
                if select.select([self.fd], [], [], 0.05)[0]:
                    self.buffer += os.read(self.fd, 65536)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.pid = 0
                return os.waitstatus_to_exitcode(status)
        raise AssertionError(f"chat did not exit within {timeout}s; saw {self.buffer!r}")

    def close(self) -> None:
        """Kill the REPL if it is still running, and close the terminal."""
        if self.pid:
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
        os.close(self.fd)


@contextlib.contextmanager
def terminal(data_dir: Path, sigint: signal.Handlers = signal.SIG_DFL) -> Iterator[Terminal]:
    """A REPL on a pseudo-terminal, killed on the way out whatever happened."""
    term = Terminal(data_dir, sigint)
    try:
        yield term
    finally:
        term.close()


# Ignored: as a launcher or CI script that starts briefbot with `&` leaves SIGINT; Python then
# installs no KeyboardInterrupt handler of its own, and Ctrl-C used to do nothing at all.
@pytest.mark.parametrize("sigint", [signal.SIG_DFL, signal.SIG_IGN], ids=["default", "ignored"])
def test_the_repl_edits_keeps_history_survives_ctrl_c_and_leaves_on_ctrl_d(tmp_path, sigint):
    with terminal(tmp_path, sigint) as term:
        term.expect("> ")
        term.send("!search half-typed")
        term.expect("half-typed")  # readline has the line (keys sent earlier could race it)
        term.send("\x03")  # Ctrl-C: the line is dropped, the REPL stays
        term.expect("> ")
        term.send("!topicz\x7fs\r")  # a typo fixed with Backspace: line editing
        assert "topics to brief on" in term.expect("> ")
        term.send("\x1b[A\r")  # Up recalls the last line from the history
        assert "topics to brief on" in term.expect("> ")
        term.send("\x04")  # Ctrl-D leaves
        assert term.exit_code() == 0
    assert "Traceback" not in term.buffer.decode(errors="replace")
    history = (tmp_path / "chat_history").read_text(encoding="utf-8").splitlines()
    assert history == ["!topics"]  # Ctrl-C dropped the half-typed line; repeats kept once
    # The next session starts with that history.
    with terminal(tmp_path, sigint) as again:
        again.expect("> ")
        again.send("\x1b[A\r")
        assert "topics to brief on" in again.expect("> ")
        again.send("\x04")
        assert again.exit_code() == 0


def test_ctrl_c_during_an_answer_stops_it_and_keeps_the_session(tmp_path, monkeypatch):
    """Ctrl-C while a command runs (say the first index build) returns to the prompt."""
    typed = iter(["!topics", "!help"])
    # What is typed at the prompt, then Ctrl-D.
    monkeypatch.setattr("builtins.input", lambda prompt: next(typed, None) or _ctrl_d())

    def answer(chat_session: Session, line: str) -> str:
        if line == "!topics":
            raise KeyboardInterrupt  # Ctrl-C arrives while this answer is being worked out
        return f"answer to {line}"

    monkeypatch.setattr("bot.chat.chat_reply", answer)
    tty = io.StringIO()
    tty.isatty = lambda: True  # type: ignore[method-assign]
    out = io.StringIO()
    settings = load_settings(None, {"BRIEFBOT_DATA_DIR": str(tmp_path)}, dotenv=False)
    try:
        assert chat(Session(settings), tty, out) == 0
    except KeyboardInterrupt:  # caught here: escaping, it would stop the whole pytest run
        pytest.fail("Ctrl-C during an answer ended the REPL")
    assert "interrupted\nanswer to !help\n" in out.getvalue()


def _ctrl_d() -> str:
    raise EOFError
