"""The knowledge base's artifacts: registered builders, built once per knowledge base."""

from __future__ import annotations

import pytest

from bot import knowledge
from bot.corpus import load_corpus
from bot.knowledge import Artifact, KnowledgeBase
from tests.conftest import article

CALLS: list[str] = []


def count_passages(kb: KnowledgeBase) -> int:
    """A test artifact: the number of passages (recording that it was built)."""
    CALLS.append("count")
    return len(kb.index.passages)


def loops(kb: KnowledgeBase) -> None:
    kb.artifact("loop")


def test_an_artifact_is_built_once_on_first_use(make_knowledge, monkeypatch):
    monkeypatch.setitem(knowledge.ARTIFACTS, "count",
                        Artifact(f"{__name__}:count_passages"))
    monkeypatch.setitem(knowledge.ARTIFACTS, "loop", Artifact(f"{__name__}:loops"))
    kb = KnowledgeBase.from_corpus(load_corpus(make_knowledge({"a.md": article("a", "x", "y")})))
    CALLS.clear()
    assert kb.artifact("count") == 2
    assert kb.artifact("count") == 2
    assert CALLS == ["count"]
    with pytest.raises(KeyError, match="no artifact 'nope'"):
        kb.artifact("nope")
    with pytest.raises(RuntimeError, match="depends on itself"):
        kb.artifact("loop")
