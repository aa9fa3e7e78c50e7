"""The command line as a user runs it: exit codes, output, JSON, and the chat REPL."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import Session, chat, main
from bot.config import load_settings
from tests.conftest import REPO, article


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_prints_cited_passages_best_first(capsys):
    code, out, err = run(capsys, "search", "Japanese version of the Taiwan Relations Act")
    assert code == 0, err
    assert "`taiwan-japan-facing-military#p14`" in out
    assert out.index("**1.**") < out.index("**2.**")


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
    assert "`--limit` must be a whole number from 1 to 25, not 99." in out
    assert "I don't know `!frobnicate`" in out
    assert "Usage: `!search QUERY [--limit N]`" in out
    assert "Traceback" not in out
    assert len(blocks) == 6 and blocks[4] == "" and blocks[5] == ""


def test_python_dash_m_bot_runs_the_cli():
    proc = subprocess.run([sys.executable, "-m", "bot", "search", "coast guard", "--json"],
                          capture_output=True, text=True, cwd=Path(REPO), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["results"][0]["passage"] == "thunder-rain-chinese-saying#p23"
