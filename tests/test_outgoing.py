"""Hygiene of every outgoing text: no control characters, no live mention, within the limit."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from bot.chat import bot_pages, chat
from bot.cli import main
from bot.config import load_settings
from bot.digest.compose import find_marker, with_marker
from bot.outgoing import MESSAGE_LIMIT, ZERO_WIDTH_SPACE, echo, outgoing, terminal
from bot.session import Session
from tests.conftest import REPO

ESC, NUL = "\x1b", "\x00"
NASTY = f"{ESC}[31mred{ESC}[0m {NUL} \x07 \x9b \u202eevil\u202c \u2066x\u2069 \r\nnext\tcol"


def test_control_characters_are_removed_and_newlines_and_tabs_kept():
    for medium in ("discord", "terminal"):
        cleaned = outgoing(NASTY, medium)
        assert cleaned == "[31mred[0m    evil x \nnext\tcol"


@pytest.mark.parametrize("mention", ["@everyone", "@here", "<@123>", "<@!123>", "<@&456>"])
def test_pinging_mentions_are_defused(mention):
    cleaned = outgoing(f"hi {mention} there")
    assert mention not in cleaned
    assert cleaned.replace(ZERO_WIDTH_SPACE, "") == f"hi {mention} there"


def test_outgoing_is_idempotent_and_fits_discord():
    text = ("@everyone <@&1> " * 50 + "word " * 600).strip()
    once = outgoing(text)
    assert outgoing(once) == once
    assert len(once) <= MESSAGE_LIMIT and once.endswith("…")


def test_echo_clips_keeps_inside_a_code_span_and_defuses_channels_too():
    quoted = echo("`" + "@someone <#789> " + "x" * 500)
    assert len(quoted) <= 70 and quoted.endswith("…")
    assert "`" not in quoted and "<#" not in quoted and "@s" not in quoted


def test_a_digest_post_is_cleaned_and_keeps_its_marker_within_the_limit():
    key = "dg1-2406030100"
    post = with_marker("@here " + "point. " * 400, key)
    assert len(post) <= MESSAGE_LIMIT and "@here" not in post
    assert find_marker(post) == key
    assert with_marker(post.rsplit("\n", 1)[0], key) == post  # idempotent


def test_cli_output_carries_no_control_characters(capsys):
    assert main(["search", f"senkaku {ESC}[2J{NUL}"]) == 0
    out, _ = capsys.readouterr()
    assert ESC not in out and NUL not in out and "Senkaku" in out
    assert main(["source", f"{ESC}]0;pwned{chr(7)}"]) in (0, 1, 2)
    out, err = capsys.readouterr()
    assert ESC not in out + err and "\x07" not in out + err


def test_terminal_stream_cleans_every_write():
    sink = io.StringIO()
    stream = terminal(sink)
    print(f"a{ESC}b", "c\x9bd", f"{ESC}[1mbold{ESC}[0m {ESC}]0;title\x07{ESC}[2J", file=stream)
    # Colour (SGR) is what the terminal renderer writes after cleaning; nothing else passes.
    assert sink.getvalue() == f"ab cd {ESC}[1mbold{ESC}[0m ]0;title[2J\n"


def test_an_over_long_command_word_gets_one_short_reply_and_chat_goes_on():
    session = Session(load_settings(environ={}, dotenv=False))
    out = io.StringIO()
    lines = ["!" + "a" * 1001, "!" + "@everyone" * 120, "!search senkaku --limit 1"]
    assert chat(session, io.StringIO("\n".join(lines) + "\n"), out) == 0
    blocks = out.getvalue().split("-- end of reply --")
    assert len(blocks) == 4 and blocks[3].strip() == ""
    for block, line in zip(blocks[:2], lines, strict=False):
        first_line = block.strip().split("\n", 1)[0]
        assert "I don't know" in first_line and "…" in first_line and len(first_line) < 120
        pages = bot_pages(session, line)  # what the bot posts for the same line
        assert len(pages) == 1 and len(pages[0]) <= MESSAGE_LIMIT
        assert "@everyone" not in pages[0] and "I don't know" in pages[0]
    assert "#p" in blocks[2]


def test_the_chat_process_survives_an_over_long_word():
    proc = subprocess.run([sys.executable, "-m", "bot", "chat"], cwd=REPO, timeout=60,
                          input="!" + "a" * 1001 + "\n!topics\n", capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("-- end of reply --") == 2 and "proposals" in proc.stdout
