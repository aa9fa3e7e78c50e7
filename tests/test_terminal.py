"""Terminal text: folded to the width on a terminal (hanging indents, citations whole), one
stable line per paragraph when piped, colour only on a terminal and never with NO_COLOR."""

from __future__ import annotations

import io
import os
import re

from hypothesis import given
from hypothesis import strategies as st

from bot.cli import main
from bot.terminal import columns, fold, use_colour
from tests.conftest import REPO, on_a_terminal

CITATION = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*#p\d+")


def at_a_terminal(argv: list[str], width: int, **env: str) -> str:
    """What ``briefbot ARGV`` prints on a pseudo-terminal ``width`` columns wide."""
    environ = os.environ | {"PYTHONPATH": str(REPO), "COLUMNS": str(width)} | env
    return on_a_terminal(argv, environ).decode().replace("\r\n", "\n")


def test_a_terminal_gets_lines_folded_to_its_width_with_citations_whole(capsys):
    piped = (main(["brief", "proposals"]), capsys.readouterr().out)[1]
    shown = at_a_terminal(["brief", "proposals"], 60, NO_COLOR="1")
    assert shown.split() == piped.split()  # the same words, only the line breaks differ
    assert CITATION.findall(shown) == CITATION.findall(piped)
    assert max(columns(line) for line in piped.splitlines()) > 60
    for line in shown.splitlines():  # no wider than the terminal, unless one unbreakable word
        assert columns(line) <= 60 or " " not in line.strip(), line
    # A numbered point's continuation lines hang under its text, its sources under the arrow.
    first = shown[shown.index("\n1. "):].splitlines()[1:4]
    assert first[1].startswith("   ") and not first[1].startswith("    ")
    assert "\n↳ " in shown and re.search(r"\n↳ [^\n]*\n  \S", shown)


def test_colour_at_a_terminal_is_styled_and_still_folded():
    shown = at_a_terminal(["search", "senkaku"], 50)
    assert "\x1b[36m" in shown  # citations are styled (cyan) on a terminal
    assert all(columns(line) <= 50 or " " not in line.strip() for line in shown.splitlines())
    assert "\x1b[" not in at_a_terminal(["search", "senkaku"], 50, NO_COLOR="1")


def test_piped_output_keeps_one_line_per_paragraph(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")  # a narrow terminal somewhere is no reason to fold
    assert main(["search", "senkaku"]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out
    assert any(columns(line) > 40 for line in out.splitlines())


def test_hanging_indents_and_quote_bars():
    item = "1. " + " ".join(["word"] * 20)
    assert fold(item, 30).splitlines()[1].startswith("   word")
    bullet = "• " + " ".join(["word"] * 20)
    assert fold(bullet, 30).splitlines()[1].startswith("  word")
    bar = "  \x1b[2m│\x1b[0m "
    quoted = fold(bar + " ".join(["said"] * 20), 30).splitlines()
    assert len(quoted) > 1 and all(line.startswith(bar + "said") for line in quoted)
    snippet = "    " + " ".join(["text"] * 20)
    assert all(line.startswith("    text") for line in fold(snippet, 30).splitlines())


def test_a_citation_wider_than_the_terminal_is_never_split():
    line = "↳ Huynh Tam Sang · ¶26 · complicated-legacy-colonialism-relations#p26 and more"
    folded = fold(line, 20)
    assert "  complicated-legacy-colonialism-relations#p26" in folded.splitlines()
    assert folded.split() == line.split()


def test_wide_characters_and_styling_are_measured_as_drawn():
    assert columns("釣魚台") == 6
    assert columns("\x1b[1mbold\x1b[0m") == 4
    assert columns("🗂️ topics") == 9  # the emoji is two columns, its selector none


words = st.text(alphabet="abc#-1釣", min_size=1, max_size=12)


@given(st.lists(words, min_size=1, max_size=40), st.integers(10, 80))
def test_folding_keeps_every_word_and_fits_the_width(text_words, width):
    line = " ".join(text_words)
    folded = fold(line, width)
    assert folded.split() == line.split()
    for out in folded.splitlines():
        assert columns(out) <= width or " " not in out.strip()


def test_colour_only_on_a_terminal_and_never_with_a_set_no_color():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert use_colour(Tty(), environ={"NO_COLOR": ""})  # https://no-color.org: set, non-empty
    assert not use_colour(Tty(), environ={"NO_COLOR": "0"})
