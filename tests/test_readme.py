"""README as a new user reads it: its commands, its settings table, its links and the files
it names.

Every command README shows is run as written, in README's order, from a copy of the
repository after the two set-up commands (their venv is the one running these tests), without
network or Discord token: the lines of its ``bash`` and ``console`` blocks and the inline
commands that start with ``.venv/bin/briefbot``. ``run`` and ``sync`` must then stop with the
one-line message about the missing token. README's ``briefbot.yaml`` example is saved as the
settings file it says it is, and the data directory holds the digest database that ``run``
would have created, so ``backup`` has something to copy.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser
from bot.config import SETTINGS, settings_markdown
from bot.digest import DigestStore
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")

_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_INLINE_COMMAND = re.compile(r"`(\.venv/bin/briefbot [^`]+)`")
#: Words README uses in place of a value, and what the test types for them.
PLACEHOLDERS = {"SERVER_ID": "123456789012345678"}
#: The form of a command rather than a command (`.venv/bin/briefbot CMD`, `briefbot …`).
_FORM = re.compile(r"…|\bCMD\b")
_TOKEN_MISSING = "DISCORD_TOKEN is not set"
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)|<(https?://[^>\s]+)>")
_HEADING = re.compile(r"^#{1,6} (.+)$", re.MULTILINE)
#: Repository paths quoted in backticks: `bot/cli.py`, `tests/data/heldout/*.txt`.
_REPO_PATH = re.compile(r"`((?:bot|tests|prompts|knowledge|\.ci)/[^`\s<>]*|\.env\.example)`")


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to dashes."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_every_subcommand_is_in_the_commands_table():
    section = README.split("\n## Commands\n")[1].split("\n## ")[0]
    rows = [line.split(" | ")[0] for line in section.splitlines() if line.startswith("| `")]
    listed = {span.split()[0] for row in rows for span in re.findall(r"`([^`]+)`", row)}
    subcommands = build_parser().subcommands
    assert subcommands is not None and listed == set(subcommands.choices)


def test_the_settings_table_is_generated_from_the_settings_themselves():
    assert settings_markdown() in README


def test_every_setting_is_documented_in_readme():
    for setting in SETTINGS:
        assert f"| `{setting.name}` | `{setting.env}` |" in README, setting.name


def test_no_link_in_readme_dangles():
    anchors = {_anchor(h) for h in _HEADING.findall(_BLOCK.sub("", README))}  # not `# comments`
    links = [a or b for a, b in _LINK.findall(README)]
    assert links, "README has links; the pattern must find them"
    for link in links:
        if link.startswith("#"):
            assert link[1:] in anchors, f"no heading for {link}"
        elif link.startswith("https://"):
            assert link.startswith(("https://discord.com/", "https://no-color.org")), link
        else:
            assert (REPO / link.partition("#")[0]).exists(), f"{link} does not exist"


def test_every_repository_path_readme_names_exists():
    paths = _REPO_PATH.findall(README)
    assert len(paths) >= 10
    for path in paths:
        path = path.rstrip(".,")
        assert list(REPO.glob(path)), f"README names {path}, which is not in the repository"


def _blocks() -> list[tuple[int, str, str]]:
    """README's fenced blocks: (offset, language, text)."""
    return [(m.start(), m.group(1), m.group(2)) for m in _BLOCK.finditer(README)]


def _setup_block() -> list[str]:
    first = next(text for _, lang, text in _blocks() if lang == "bash")
    return [line for line in first.splitlines() if line and not line.startswith("#")]


def readme_commands() -> list[tuple[str, list[str]]]:
    """Every command README gives to run after the set-up, in order, with the output README
    shows under it (``console`` blocks only)."""
    found: list[tuple[int, str, list[str]]] = []
    prose = _BLOCK.sub(lambda m: " " * len(m.group(0)), README)  # offsets kept
    for offset, lang, text in _blocks():
        if lang == "bash":
            lines = [line for line in text.splitlines() if line and not line.startswith("#")]
            if lines == _setup_block():  # the set-up itself: what a briefbot command follows
                lines = [part.strip() for line in lines for part in line.split("&&")
                         if part.strip().startswith(".venv/bin/briefbot ")]
            found += [(offset, line, []) for line in lines]
        elif lang == "console":  # `$ command`, then the output README shows for it
            for line in text.splitlines():
                if line.startswith("$ "):
                    found.append((offset, line.removeprefix("$ "), []))
                elif found:
                    found[-1][2].append(line)
    found += [(m.start(), m.group(1), []) for m in _INLINE_COMMAND.finditer(prose)]
    commands: dict[str, list[str]] = {}
    for _, command, shown in sorted(found, key=lambda item: item[0]):
        command = command.split(" #")[0].strip()  # the shell's comment
        for word, value in PLACEHOLDERS.items():
            command = command.replace(word, value)
        if not _FORM.search(command):  # a command README names twice is run once
            commands[command] = commands.get(command) or shown
    return list(commands.items())


def test_the_set_up_is_what_ci_runs():
    install, tests = _setup_block()
    assert install.startswith("python3 -m venv .venv && .venv/bin/pip install")
    assert tests in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_runs_briefbot_from_the_venv_throughout():
    """A bare `briefbot` or `pytest` is not on PATH after the set-up (the venv is not active)."""
    spans = re.findall(r"`([^`\n]+)`", _BLOCK.sub("", README))
    lines = [line.removeprefix("$ ") for _, lang, text in _blocks() if lang in ("bash", "console")
             for line in text.splitlines()]
    bare = [s for s in spans + lines if re.match(r"(briefbot [a-z]+|pytest )", s)]
    assert not bare, bare


def _shape(line: str) -> str:
    """A line of output without what changes from run to run: digits and weekdays."""
    return re.sub(r"\d", "0", re.sub(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b", "Day", line))


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the repository after the set-up commands: the tests' venv is its .venv."""
    if sys.prefix == sys.base_prefix or not (Path(sys.prefix) / "bin" / "briefbot").exists():
        pytest.skip("the README commands need the tests to run in the set-up's venv")
    skipped = {".git", ".venv", ".env", "data", "build", "dist"}
    work = tmp_path / "briefbot"
    shutil.copytree(REPO, work, symlinks=True, ignore=lambda folder, names: [
        n for n in names if (Path(folder) == REPO and n in skipped) or n.startswith(".mypy")
        or n in ("__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis")
        or n.endswith(".egg-info")])
    (work / ".venv").symlink_to(sys.prefix)
    example = next(text for _, lang, text in _blocks() if lang == "yaml")
    assert example.startswith("# briefbot.yaml")
    (work / "briefbot.yaml").write_text(example, encoding="utf-8")
    DigestStore(work / "data").close()  # what `briefbot run` creates at its first start
    return work


def test_every_command_in_readme_runs_as_written(checkout: Path, tmp_path: Path):
    commands = readme_commands()
    assert len(commands) >= 12
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path / "home"),
           "LANG": "C.UTF-8", "XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": "1",
           # The checkout's own knowledge/, not the one the editable install points to.
           "BRIEFBOT_KNOWLEDGE": str(checkout / "knowledge"),
           # What `sync --dev` is documented to use.
           "BRIEFBOT_DEV_GUILD": PLACEHOLDERS["SERVER_ID"]}
    for command, shown in commands:
        done = subprocess.run(["bash", "-c", command], cwd=checkout, env=env, timeout=300,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
        said = f"{command}\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        assert "Traceback" not in done.stderr and "voice" not in done.stderr.lower(), said
        if command.split()[1] in ("run", "sync"):  # Discord's: no token here
            assert done.returncode == 1 and _TOKEN_MISSING in done.stderr, said
            section = re.search(r'see "([^"]+)" in README.md', done.stderr)
            assert section and f"## {section.group(1)}\n" in README, said
            continue
        assert done.returncode == 0 and done.stderr == "", said
        if shown:
            assert _shape(done.stdout.splitlines()[0]) == _shape(shown[0]), said
    # README says the bundled articles are exactly what ingest makes of the raw files.
    for article in (REPO / "knowledge" / "articles").glob("*.md"):
        ingested = checkout / "knowledge" / "articles" / article.name
        assert ingested.read_text(encoding="utf-8") == article.read_text(encoding="utf-8")
