"""``briefbot chat``: type what you would type on Discord, read the answer in the terminal.

A line is read exactly as the bot reads a message (``!search x --limit 3``), or as the slash
command it spells (``/search query:x limit:3``); the answer is the bot's, rendered as terminal
text. At a terminal the prompt has line editing and history (readline; the history file lives
in the data directory), Ctrl-C clears the line and Ctrl-D leaves. From a pipe it prints one
reply block per line, ended by ``-- end of reply --``, so a transcript can be replayed.
"""

from __future__ import annotations

import contextlib
import logging
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bot import commands
from bot.errors import BriefbotError, UsageError
from bot.outgoing import ECHO_LIMIT, clip, outgoing
from bot.session import Session

log = logging.getLogger(__name__)

#: Printed after every reply block when reading from a pipe, so transcripts parse.
BLOCK_END = "-- end of reply --\n"
#: Lines kept in the history file.
HISTORY_LENGTH = 1000
#: Seconds between wake-ups of the prompt, the most a Ctrl-C can wait to take effect.
WAKE_INTERVAL = 0.1


@dataclass(frozen=True)
class Call:
    """A command and the keyword arguments a line asks it to run with."""

    name: str
    kwargs: dict[str, Any]
    slash: bool = False  # typed as a slash command: its errors show the slash usage


def interpret(line: str, prefix: str) -> Call | str | None:
    """How the bot reads one message: a command call, a usage error's text, or nothing.

    ``!name words`` is read as the bot reads a prefix command; ``/name option:value`` as the
    slash command it spells; an unknown name asks ``help`` about it. The error text is worded
    as the bot words it.
    """
    slash = line.startswith("/") and line[1:2].isalpha()
    if not (slash or line.startswith(prefix)):
        return None
    name, _, rest = line[1 if slash else len(prefix):].strip().partition(" ")
    name = name.lower()
    if not name:
        return None
    command = commands.COMMANDS.get(name)
    if command is None:
        # Clipped: an over-long word (`!` + 1,001 characters) gets the same one short answer.
        return Call("help", {"unknown": clip(name, ECHO_LIMIT)})
    if not command.terminal:  # a Discord-only command, e.g. digest: the core says so
        return Call(name, {})
    try:
        return Call(name, command.parse_slash(rest) if slash else command.parse(rest), slash)
    except UsageError as exc:
        return commands.usage_problem(str(exc), name, "/" if slash else prefix, slash=slash)


def chat_outcome(session: Session, line: str) -> commands.Reply | str | None:
    """What the bot answers to one message: a reply to render, an error text, or silence."""
    call = interpret(line, session.settings.command_prefix)
    if not isinstance(call, Call):
        return call
    try:
        return commands.run(session.kb, call.name, **call.kwargs)
    except UsageError as exc:
        if not commands.COMMANDS[call.name].terminal:
            return f"⚠️ {exc}"
        prefix = "/" if call.slash else session.settings.command_prefix
        return commands.usage_problem(str(exc), call.name, prefix, slash=call.slash)
    except BriefbotError as exc:
        return f"⚠️ {exc}"


def chat_reply(session: Session, line: str) -> str:
    """What ``chat`` prints for one line: the bot's answer as terminal text ("" for silence)."""
    outcome = chat_outcome(session, line)
    if outcome is None or isinstance(outcome, str):
        return session.terminal.text(outcome or "")
    return session.text(outcome, session.settings.command_prefix)


def bot_pages(session: Session, line: str) -> list[str]:
    """The Discord messages the bot posts for the same line (none when it stays silent)."""
    outcome = chat_outcome(session, line)
    if outcome is None or isinstance(outcome, str):
        return [outgoing(outcome)] if outcome else []
    return session.messages(outcome.kind, outcome.result)


def chat(session: Session, stdin: TextIO, out: TextIO) -> int:
    """Run the REPL on ``stdin``: prompted at a terminal, one block per line from a pipe."""
    if not stdin.isatty():
        for line in stdin:
            reply = chat_reply(session, line.strip())
            if reply:
                print(reply, file=out)
            print(BLOCK_END, end="", file=out, flush=True)
        return 0
    prefix = session.settings.command_prefix
    print(f"briefbot chat — type {prefix}help; Ctrl-D (or {prefix}quit) leaves.", file=out)
    with _history(session.settings.data_dir / "chat_history"), _ctrl_c_interrupts():
        while True:
            try:
                line = _read_line("> ").strip()
            except KeyboardInterrupt:  # Ctrl-C: drop the line, keep the session
                print(file=out)
                continue
            except EOFError:  # Ctrl-D
                print(file=out)
                return 0
            if line in (f"{prefix}quit", f"{prefix}exit", "quit", "exit"):
                return 0
            try:
                reply = chat_reply(session, line)
            except KeyboardInterrupt:  # Ctrl-C during an answer (the first index build): stop it
                print("\ninterrupted", file=out, flush=True)
                continue
            if reply:
                print(reply, file=out, flush=True)


@contextlib.contextmanager
def _ctrl_c_interrupts() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt in the REPL, even if the process started with SIGINT
    ignored.

    Python turns SIGINT into KeyboardInterrupt only when its parent left the signal at its
    default; a shell script that starts a command with ``&`` (as a CI job or a launcher may)
    makes it ignored, and then Ctrl-C at the prompt did nothing at all. At this prompt the
    user means it, so the REPL takes the signal back while it runs. The no-op SIGALRM handler
    serves :func:`_read_line`; SA_RESTART (``siginterrupt(False)``) lets readline's reads and
    writes resume after it, while its ``select`` is never resumed and so still wakes up.
    """
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    previous_alarm = signal.signal(signal.SIGALRM, lambda signum, frame: None)
    signal.siginterrupt(signal.SIGALRM, False)
    try:
        yield
    finally:
        # None: a handler set outside Python, which cannot be put back from here.
        if previous_int is not None:
            signal.signal(signal.SIGINT, previous_int)
        if previous_alarm is not None:
            signal.signal(signal.SIGALRM, previous_alarm)


def _read_line(prompt: str) -> str:
    """``input(prompt)``, woken every :data:`WAKE_INTERVAL` so that a Ctrl-C is never lost.

    CPython's readline loop looks for signals only when its ``select`` is interrupted; a SIGINT
    that lands just before it re-enters ``select`` (while it echoes a key) is noticed only at
    the next keypress (python/cpython#112585), so Ctrl-C right after typing did nothing. A
    periodic alarm interrupts that ``select``, and the pending Ctrl-C then takes effect.
    """
    signal.setitimer(signal.ITIMER_REAL, WAKE_INTERVAL, WAKE_INTERVAL)
    try:
        return input(prompt)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


@contextlib.contextmanager
def _history(path: Path) -> Iterator[None]:
    """Line editing and a history kept across sessions, where readline exists."""
    try:
        import readline  # not on every platform; importing it gives input() line editing
    except ImportError:
        yield
        return
    readline.set_history_length(HISTORY_LENGTH)
    with contextlib.suppress(OSError):  # no history yet
        readline.read_history_file(path)
    try:
        yield
    finally:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(path)
        except OSError as exc:  # a read-only data dir must not spoil leaving the REPL
            log.warning("could not save the chat history to %s: %s", path, exc)
