"""Shared fixtures: the bundled knowledge base, and tiny knowledge directories built per test."""

from __future__ import annotations

import os
import pty
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.corpus import BUNDLED_KNOWLEDGE, load_corpus
from bot.knowledge import KnowledgeBase

REPO = Path(__file__).resolve().parent.parent


def on_a_terminal(argv: list[str], env: dict[str, str]) -> bytes:
    """Everything ``briefbot ARGV`` writes when its terminal is a pseudo-terminal, run with ENV."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: briefbot with the pty as its terminal
        os.execve(sys.executable, [sys.executable, "-m", "bot", *argv], env)
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.waitpid(pid, 0)
    os.close(fd)
    return b"".join(chunks)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The bundled corpus, indexed in memory once for the whole run."""
    return KnowledgeBase.from_corpus(load_corpus(BUNDLED_KNOWLEDGE))


def article(doc_id: str, *paragraphs: str, **meta: str) -> str:
    """The text of an article file with front matter."""
    lines = ["---", f"id: {doc_id}", *(f"{k}: {v}" for k, v in meta.items()), "---"]
    return "\n".join(lines) + "\n" + "\n\n".join(paragraphs) + "\n"


@pytest.fixture
def make_knowledge(tmp_path: Path) -> Callable[..., Path]:
    """Write a knowledge directory: ``make_knowledge({"a.md": text}, people="yaml…")``."""

    def make(articles: dict[str, str], **yaml_files: str) -> Path:
        root = tmp_path / "knowledge"
        (root / "articles").mkdir(parents=True, exist_ok=True)
        for name, text in articles.items():
            (root / "articles" / name).write_text(text, encoding="utf-8")
        for name, text in yaml_files.items():
            (root / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return make
