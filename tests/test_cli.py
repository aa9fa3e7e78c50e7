"""The command line as a user runs it: exit codes, output, JSON, and the chat REPL."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.chat import interpret
from bot.cli import main
from bot.commands import COMMANDS
from bot.config import load_settings
from bot.grammar import split_words
from bot.session import Session
from bot.terminal import to_terminal
from tests.conftest import REPO, article, on_a_terminal
from tests.test_e2e_parity import PREFIX_LINES


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_prints_cited_passages_best_first(capsys):
    code, out, err = run(capsys, "search", "Japanese version of the Taiwan Relations Act")
    assert code == 0, err
    assert "· taiwan-japan-facing-military#p14 ·" in out
    assert out.index("\n1. ") < out.index("\n2. ")


def test_search_json_is_the_contract(capsys):
    code, out, _ = run(capsys, "search", "Diaoyutai", "--limit", "3", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["query"] == "Diaoyutai"
    assert 1 <= len(data["results"]) <= 3
    for hit in data["results"]:
        assert {"doc", "title", "passage", "text", "score"} <= hit.keys()
        assert isinstance(hit["score"], float)
    assert any("Senkaku" in hit["text"] for hit in data["results"])


def test_search_for_km_finds_both_distances(capsys):
    _, out, _ = run(capsys, "search", "how far is Taiwan from Japan in km", "--json")
    texts = [hit["text"] for hit in json.loads(out)["results"][:2]]
    assert any("110km" in t for t in texts) and any("111km" in t for t in texts)


def test_no_match_is_a_clear_reply_with_suggestions_and_exit_0(capsys):
    code, out, _ = run(capsys, "search", "senkakku")
    assert code == 0
    assert "Nothing in the corpus matches" in out
    assert "senkaku" in out.lower()
    code, out, _ = run(capsys, "search", "the of and")
    assert code == 0 and "too common" in out


@pytest.mark.parametrize(
    "argv",
    [["search"], ["search", "x", "--limit", "0"], ["search", "x", "--limit", "many"],
     ["frobnicate"], ["source"], ["sources", "--bogus"]],
)
def test_bad_usage_exits_2_with_a_usage_message(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert "usage:" in err and out == ""


def test_a_huge_query_is_refused_clearly(capsys):
    code, _, err = run(capsys, "search", "senkaku " * 500)
    assert code == 2
    assert "the most I take is 1,000" in err


def test_sources_lists_every_document_and_unknown_metadata_stays_unknown(capsys):
    code, out, _ = run(capsys, "sources", "--json")
    assert code == 0
    sources = json.loads(out)["sources"]
    assert len(sources) == 5
    assert all(s["published"] is None and s["publisher"] is None for s in sources)
    code, out, _ = run(capsys, "sources")
    assert "Author not stated" in out and "Yu-Shih Liao" in out


def test_source_shows_a_document_a_paragraph_or_suggestions(capsys):
    _, out, _ = run(capsys, "source", "security-japan-taiwan#p14", "--json")
    data = json.loads(out)
    assert data["found"] and [p["passage"] for p in data["paragraphs"]] == [
        "security-japan-taiwan#p14"]
    _, out, _ = run(capsys, "source", "security-japan")
    assert "No source" in out and "security-japan-taiwan" in out


def test_every_command_takes_a_knowledge_directory(capsys, make_knowledge):
    root = make_knowledge({"x.md": article("kimchi-doc", "Kimchi diplomacy is delicious.")})
    code, out, _ = run(capsys, "search", "kimchi", "--knowledge", str(root), "--json")
    assert code == 0
    assert json.loads(out)["results"][0]["passage"] == "kimchi-doc#p1"
    code, out, _ = run(capsys, "--knowledge", str(root), "sources", "--json")
    assert [s["doc"] for s in json.loads(out)["sources"]] == ["kimchi-doc"]


def test_check_exits_nonzero_and_names_file_and_line(capsys, make_knowledge):
    root = make_knowledge({"ok.md": article("ok", "Fine."), "bad.md": "---\nid: [x\n---\nbody\n"})
    code, out, _ = run(capsys, "check", "--knowledge", str(root))
    assert code == 1
    assert f"{root / 'articles' / 'bad.md'}:2:" in out
    code, out, _ = run(capsys, "check")
    assert code == 0 and "OK" in out


def test_a_broken_knowledge_directory_is_an_error_not_a_traceback(capsys, make_knowledge):
    root = make_knowledge({"bad.md": "no front matter"})
    code, _, err = run(capsys, "search", "x", "--knowledge", str(root))
    assert code == 1
    assert "bad.md:1: missing front matter" in err and "Traceback" not in err


def test_ingest_prints_what_it_dropped(capsys, tmp_path):
    raw = tmp_path / "raw.txt"
    raw.write_text("A body paragraph that ends.\nAnother one, also complete.\n"
                   "Jane Doe is a professor of things at a university.\n"
                   "A teaser about something else that stops in the middle of", encoding="utf-8")
    code, out, _ = run(capsys, "ingest", str(raw), "--out", str(tmp_path / "out"))
    assert code == 0
    assert "dropped (byline): Jane Doe" in out and "author: Jane Doe" in out
    assert "stops in the middle of" in out
    written = next((tmp_path / "out").glob("*.md")).read_text()
    assert "teaser" not in written and "Jane Doe" in written


def test_python_dash_m_bot_runs_the_cli():
    proc = subprocess.run([sys.executable, "-m", "bot", "search", "coast guard", "--json"],
                          capture_output=True, text=True, cwd=Path(REPO), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["results"][0]["passage"] == "thunder-rain-chinese-saying#p23"


def test_bare_briefbot_prints_usage_and_exits_2(capsys):
    code, out, err = run(capsys)
    assert code == 2 and out == ""
    assert err.startswith("usage: briefbot") and "briefbot help" in err


def test_version_comes_from_the_package_metadata(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"briefbot {version('briefbot')}"


def test_terminal_output_has_no_markdown_escapes_or_markup(capsys):
    for argv in (["search", "Diaoyutai senkaku", "--limit", "10"], ["sources"],
                 ["source", "complicated-legacy-colonialism-relations#p11"], ["brief", "senkaku"],
                 ["who", "Kishi"], ["topics"], ["help"]):
        code, out, _ = run(capsys, *argv)
        assert code == 0, argv
        assert "\\" not in out and "**" not in out and "`" not in out, argv
        assert "\x1b[" not in out  # no colour when not on a terminal
    _, out, _ = run(capsys, "source", "complicated-legacy-colonialism-relations#p11")
    assert "[Diaoyutais, 釣魚台]" in out  # the corpus's own brackets, unescaped
    assert "002_275b2542cd664c9b.txt" in out


def test_hints_and_help_use_the_shells_syntax(capsys):
    _, out, _ = run(capsys, "brief", "proposals")
    assert "More: briefbot brief proposals --limit " in out and "!brief" not in out
    _, out, _ = run(capsys, "search", "senkakku")
    assert "briefbot search senkaku" in out
    _, out, _ = run(capsys, "help")
    assert "briefbot search QUERY [--limit N]" in out
    assert "briefbot ingest FILE… [--out DIR] [--keep-dropped]" in out  # terminal-only too
    assert "\n!" not in out and "e.g. !" not in out and "· /" not in out


def test_colour_only_on_a_terminal_and_never_with_no_color():
    from bot.terminal import use_colour

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert use_colour(Tty(), environ={})
    assert not use_colour(Tty(), environ={"NO_COLOR": "1"})
    assert not use_colour(io.StringIO(), environ={})


def test_a_terminal_gets_colour_and_no_color_turns_it_off():
    import os

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"PYTHONPATH": str(REPO)}
    assert b"\x1b[1m" in on_a_terminal(["search", "senkaku"], env)
    assert b"\x1b[" not in on_a_terminal(["search", "senkaku"], env | {"NO_COLOR": "1"})


@pytest.mark.parametrize(("argv", "problem"), [
    (["search", "x", "--limit", "26"], "--limit must be a whole number from 1 to 25, not 26."),
    (["search", "x", "--limit=0"], "must be a whole number from 1 to 25, not 0"),
    (["search", "x", "--limit", "-1"], "not -1"),
    (["search", "x", "--limit"], "--limit needs a value: --limit N."),
    (["search", "x", "--bogus"], "Unknown option --bogus. It takes --limit N."),
    (["search", "-x"], "Unknown option -x."),
    (["search"], "Missing QUERY (words to search for)."),
])
def test_limit_edge_cases_and_unknown_options_exit_2(capsys, argv, problem):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert problem in err
    # The usage of the subcommand, not the top level's.
    assert "usage: briefbot search QUERY [--limit N]" in err


def test_a_tool_subcommand_names_what_it_does_not_know_with_its_own_usage(capsys):
    code, _, err = run(capsys, "check", "--bogus")
    assert code == 2
    assert "unrecognized arguments: --bogus" in err and "usage: briefbot check" in err


def test_options_may_stand_anywhere_as_in_chat(capsys):
    code, out, _ = run(capsys, "search", "coast", "--limit", "1", "guard", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["query"] == "coast guard" and len(data["results"]) == 1


@pytest.mark.parametrize("line", PREFIX_LINES)
def test_the_command_line_reads_a_line_as_chat_does(capsys, line):
    """The parity transcript, typed as shell words: the same problem, or the same answer."""
    name, *words = split_words(line.removeprefix("!"))
    if name not in COMMANDS or not COMMANDS[name].terminal:
        pytest.skip("`!SEARCH`, `!serch`: a shell has no case folding or command suggestions")
    if "--json" in words:
        pytest.skip("--json is the command line's own option (chat and Discord answer in text)")
    call = interpret(line, "!")
    code, out, err = run(capsys, name, *words)
    if isinstance(call, str):
        problem = call.removeprefix("⚠️ ").split("\n")[0]
        assert code == 2 and err.startswith(f"briefbot: {to_terminal(problem, False)}\n"), err
        assert f"usage: briefbot {name}" in err
    else:
        session = Session(load_settings(environ={}, dotenv=False))
        assert code == 0 and out == session.answer(call.name, call.kwargs, False) + "\n"


@pytest.mark.parametrize("name", [c.name for c in COMMANDS.values() if c.terminal])
def test_a_subcommand_is_typed_and_described_as_the_command_table_says(capsys, name):
    with pytest.raises(SystemExit) as done:
        main([name, "-h"])
    out = capsys.readouterr().out
    assert done.value.code == 0
    command = COMMANDS[name]
    assert out.startswith(f"usage: briefbot {name} {command.synopsis()}".replace("  ", " "))
    for param in command.params:
        assert (param.help in out) != param.hidden, param.name


def test_eval_outside_a_checkout_says_where_to_run_it(capsys, monkeypatch, tmp_path):
    # An installed package has no tests/ beside bot/: what a plain install's user meets.
    monkeypatch.setattr("bot.eval_data.EVAL_DIR", tmp_path / "tests" / "eval")
    code, out, err = run(capsys, "eval")
    assert code == 2 and out == ""
    assert "run it from a clone" in err and "Traceback" not in err
