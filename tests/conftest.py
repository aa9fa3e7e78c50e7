"""Shared fixtures: the bundled knowledge base, and tiny knowledge directories built per test."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.corpus import BUNDLED_KNOWLEDGE, load_corpus
from bot.knowledge import KnowledgeBase

REPO = Path(__file__).resolve().parent.parent


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
