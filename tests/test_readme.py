"""README as a new user reads it: its settings table, its links and the files it names."""

from __future__ import annotations

import re

from bot.config import SETTINGS, settings_markdown
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")

_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)|<(https?://[^>\s]+)>")
_HEADING = re.compile(r"^#{1,6} (.+)$", re.MULTILINE)
#: Repository paths quoted in backticks: `bot/cli.py`, `tests/data/heldout/*.txt`.
_REPO_PATH = re.compile(r"`((?:bot|tests|prompts|knowledge|\.ci)/[^`\s<>]*|\.env\.example)`")


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to dashes."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_the_settings_table_is_generated_from_the_settings_themselves():
    assert settings_markdown() in README


def test_every_setting_is_documented_in_readme():
    for setting in SETTINGS:
        assert f"| `{setting.name}` | `{setting.env}` |" in README, setting.name


def test_no_link_in_readme_dangles():
    anchors = {_anchor(h) for h in _HEADING.findall(README)}
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
