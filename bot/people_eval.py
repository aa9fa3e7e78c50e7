"""Measured quality of people discovery and attribution, on the bundled corpus and on
held-out articles nobody tuned a rule on.

Two gold lists, both written by reading articles: ``tests/eval/people.yaml`` (the bundled
five, by document id) and the ``people`` of ``tests/data/heldout/gold.yaml`` (by raw file
name). For each article's gold person or organisation:

* **found**: the directory built *without* ``people.yaml`` (discovery alone) has them — a
  person under that name, an organisation as a named entity;
* **role**: a found person's discovered roles (or front-matter credit) share at least half
  of the gold role's content words;
* **quotes**: each gold quote phrase is located in its article and the attribution engine
  credits that sentence to the gold name (canonical); a quote credited to someone else is
  counted apart from one left unattributed.

The held-out articles are ingested beside the bundled five (the ``briefbot ingest`` code), as
a user adding articles would; the bundled run is reported with and without ``people.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.brief_eval import heldout_knowledge
from bot.corpus import BUNDLED_KNOWLEDGE, Corpus, Document, load_corpus
from bot.eval_data import EVAL_DIR, HELDOUT_DIR
from bot.knowledge import KnowledgeBase
from bot.people import PeopleDirectory
from bot.people.attribution import attribute
from bot.people.names import name_key
from bot.text import Analyzer, fold, split_sentences

#: The people gold of the bundled corpus.
BUNDLED_PEOPLE_GOLD = EVAL_DIR / "people.yaml"
_ROLE_OVERLAP = 0.5


@dataclass
class PeopleScore:
    """How discovery and attribution do against one gold list."""

    label: str
    people: int = 0
    found: int = 0
    roles: int = 0
    roles_found: int = 0
    quotes: int = 0
    quotes_right: int = 0
    quotes_wrong: int = 0  # credited to someone else
    missing: list[str] = field(default_factory=list)
    roles_missing: list[str] = field(default_factory=list)  # found, but not that role
    wrong: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, object]:
        """The figures as plain data (for ``--json`` and the README)."""
        return {"run": self.label, "people": self.people, "found": self.found,
                "roles": self.roles, "roles_found": self.roles_found, "quotes": self.quotes,
                "quotes_right": self.quotes_right, "quotes_wrong": self.quotes_wrong,
                "missing": self.missing, "roles_missing": self.roles_missing,
                "wrong": self.wrong}

    def summary(self) -> str:
        """One line of figures."""
        return (f"{self.label}: people found {self.found}/{self.people}, roles "
                f"{self.roles_found}/{self.roles}, quotes attributed right "
                f"{self.quotes_right}/{self.quotes} ({self.quotes_wrong} to someone else)"
                + (f"; missing: {', '.join(self.missing)}" if self.missing else "")
                + (f"; role not found: {'; '.join(self.roles_missing)}"
                   if self.roles_missing else ""))


def _load(path: Path) -> dict[str, list[dict[str, Any]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["articles"]
    return {key: article.get("people") or [] for key, article in data.items()}


def _document(corpus: Corpus, key: str) -> Document | None:
    """The document a gold key names: its id (bundled) or the raw file it came from."""
    return corpus.documents.get(key) or next(
        (d for d in corpus.documents.values() if d.origin == key), None)


def _same(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)


def _has(directory: PeopleDirectory, name: str, kind: str) -> bool:
    if kind == "organisation":
        entity = directory.entity(name)
        return entity is not None and entity.kind == "organisation"
    return any(_same(p.name, name) for p in directory.find(name))


def _role_found(analyzer: Analyzer, directory: PeopleDirectory, name: str, role: str) -> bool:
    person = next(p for p in directory.find(name) if _same(p.name, name))
    wanted = set(analyzer.tokens(role))
    if {"author", "byline", "translat"} & wanted:
        credits = {b.credit for b in person.bylines}
        return bool(credits & {"author", "translator"}) and (
            "translat" not in wanted or "translator" in credits)
    have = set(analyzer.tokens(" ".join(r.text for r in person.roles)))
    return bool(wanted) and len(wanted & have) / len(wanted) >= _ROLE_OVERLAP


def score(label: str, corpus: Corpus, gold: Mapping[str, list[dict[str, Any]]],
          analyzer: Analyzer) -> PeopleScore:
    """Discovery (without ``people.yaml``) and attribution against ``gold``."""
    directory = PeopleDirectory.build(corpus)
    result = PeopleScore(label)
    for key, people in gold.items():
        doc = _document(corpus, key)
        if doc is None:
            raise ValueError(f"{label}: no document for gold article {key!r}")
        for entry in people:
            name, kind = entry["name"], entry.get("kind", "person")
            result.people += 1
            present = _has(directory, name, kind)
            result.found += present
            if not present:
                result.missing.append(name)
            if kind == "person" and entry.get("role"):
                result.roles += 1
                role_found = present and _role_found(analyzer, directory, name, entry["role"])
                result.roles_found += role_found
                if present and not role_found:
                    result.roles_missing.append(f"{name}: {entry['role']}")
            for phrase in entry.get("quotes") or []:
                result.quotes += 1
                by = _speaker_of(directory, doc, phrase)
                if by is not None and _same(by, directory.canonical(name)):
                    result.quotes_right += 1
                elif by is not None:
                    result.quotes_wrong += 1
                    result.wrong.append(f"{phrase[:40]}… → {by} (not {name})")
    return result


def _speaker_of(directory: PeopleDirectory, doc: Document, phrase: str) -> str | None:
    """Whom the engine credits with the sentence of ``doc`` that holds ``phrase``."""
    wanted = _fold(phrase)
    for passage in doc.passages:
        for sentence in split_sentences(passage.text):
            if wanted in _fold(sentence.text):
                found = attribute(directory, passage, [sentence.text], doc.author, doc)
                return found.by if found else None
    raise ValueError(f"gold quote not in {doc.id}: {phrase!r}")


def _fold(text: str) -> str:
    return " ".join(fold(text).replace("'", "").replace('"', "").split())


def people_report(kb: KnowledgeBase | None = None) -> list[PeopleScore]:
    """The people figures: bundled (discovery alone, and with ``people.yaml``) and held-out
    (held-out articles ingested beside the bundled five, discovery alone)."""
    bundled_gold = _load(BUNDLED_PEOPLE_GOLD)
    corpus = kb.corpus if kb is not None else load_corpus(BUNDLED_KNOWLEDGE)
    analyzer = kb.analyzer if kb is not None else Analyzer(corpus.synonyms)
    rules_only = Corpus(corpus.root, corpus.documents, [], corpus.topics, corpus.synonyms)
    runs = [score("people, bundled, discovery alone", rules_only, bundled_gold, analyzer),
            score("people, bundled, with people.yaml", corpus, bundled_gold, analyzer)]
    heldout_gold = _load(HELDOUT_DIR / "gold.yaml")
    with heldout_knowledge(HELDOUT_DIR) as tmp:
        heldout = load_corpus(Path(tmp) / "knowledge")
        heldout = Corpus(heldout.root, heldout.documents, [], heldout.topics, heldout.synonyms)
        runs.append(score("people, held-out, discovery alone", heldout, heldout_gold,
                          analyzer))
    return runs
