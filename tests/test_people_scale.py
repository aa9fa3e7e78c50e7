"""People at scale: the name matcher finds exactly what one regex of every form finds, in time
linear in the text, and a directory keeps a bounded number of mentions per person."""

from __future__ import annotations

import random
import re
from pathlib import Path

from bot.corpus import BUNDLED_KNOWLEDGE, load_corpus
from bot.people.directory import KEPT, PeopleDirectory, scan
from bot.people.matcher import NameMatcher, form_key
from tests.conftest import article

_GROUP_AFTER_RE = re.compile(r"\s+(?:faction|camp|wing|bloc|doctrine|group|era|line)\b")


def reference(forms: list[tuple[str, ...]], text: str, lo: int, hi: int
              ) -> list[tuple[frozenset[int], int, int]]:
    """The matcher's rule as one alternation of every form, longest first."""
    owners: dict[str, list[int]] = {}
    for index, names in enumerate(forms):
        for form in dict.fromkeys(names):
            if len(form) >= 2 and index not in owners.setdefault(form_key(form), []):
                owners[form_key(form)].append(index)
    alternatives = [f"(?i:{re.escape(f)})" if " " in f else re.escape(f)
                    for f in sorted({f for names in forms for f in names if len(f) >= 2},
                                    key=len, reverse=True)]
    pattern = re.compile(rf"(?<![^\W_])(?:{'|'.join(alternatives)})(?![^\W_])")
    return [(frozenset(owners[form_key(m.group())]), m.start(), m.end())
            for m in pattern.finditer(text, lo, hi) if not _GROUP_AFTER_RE.match(text, m.end())]


def test_longest_form_case_rules_and_groups() -> None:
    matcher = NameMatcher.of([("Nobuo Kishi", "Kishi"), ("Shinzo Abe", "Abe"),
                              ("Lai Ching-te", "Lai"), ("Tsai Ing-wen", "Tsai", "Ing-wen")])
    text = ("NOBUO KISHI met Kishi; the Abe faction met Abe. lai said Lai, "
            "and tsai ing-wen (Ing-wen) left. Kishiro and Abed are other people.")
    found = [(sorted(owners), text[start:end]) for owners, start, end in matcher.finditer(text)]
    assert found == [([0], "NOBUO KISHI"), ([0], "Kishi"), ([1], "Abe"), ([2], "Lai"),
                     ([3], "tsai ing-wen"), ([3], "Ing-wen")]


def test_agrees_with_one_regex_of_every_form() -> None:
    rng = random.Random(7)
    parts = ["Kishi", "Abe", "Lai", "Tsai", "Ing-wen", "Chen", "Shih", "Mei", "Li", "Wu"]
    forms = [tuple(dict.fromkeys((" ".join(rng.sample(parts, rng.randint(1, 3))),
                                  rng.choice(parts)))) for _ in range(40)]
    words = [*parts, *(p.lower() for p in parts), *(p.upper() for p in parts), "the", "camp",
             "said", "Kishiro", "x-Lai", "Abe_", "2Wu"]
    matcher = NameMatcher.of(forms)
    for _ in range(200):
        text = "".join(rng.choice(words) + rng.choice([" ", " ", ", ", "-", ". ", "’s "])
                       for _ in range(30))
        lo, hi = sorted(rng.sample(range(len(text) + 1), 2))
        assert list(matcher.finditer(text)) == reference(forms, text, 0, len(text))
        assert list(matcher.finditer(text, lo, hi)) == reference(forms, text, lo, hi)


def test_a_person_named_everywhere_keeps_the_first_mentions(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    for number in range(3):
        paragraphs = [f"Prime Minister Nobuo Kishi said the plan {number}-{i} works. Kishi "
                      f"left early." for i in range(KEPT)]
        (articles / f"a{number}.md").write_text(
            f"---\nid: a{number}\ntitle: A{number}\npublisher: P\npublished: 2024-01-0"
            f"{number + 1}\n---\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    directory = PeopleDirectory.build(load_corpus(tmp_path))
    [kishi] = directory.find("Kishi")
    assert len(kishi.mentions) == KEPT
    assert [m.passage for m in kishi.mentions[:2]] == ["a0#p1", "a0#p1"]
    assert kishi.roles[0].text == "Prime Minister"
    # Beyond the kept mentions, every paragraph and document still counts as naming him.
    assert (kishi.named_in, kishi.named_in_articles) == (3 * KEPT, 3)


def test_skipping_paragraphs_at_the_cap_keeps_what_a_full_scan_keeps(monkeypatch) -> None:
    # With a cap of 2, most of the bundled corpus's paragraphs are skipped unsplit; the
    # directory must still hold exactly the first 2 mentions and quotes a full scan finds.
    corpus = load_corpus(BUNDLED_KNOWLEDGE)
    monkeypatch.setattr(scan, "KEPT", 10**9)
    full = PeopleDirectory.build(corpus)
    monkeypatch.setattr(scan, "KEPT", 2)
    capped = PeopleDirectory.build(corpus)
    assert [(p.name, p.roles, p.mentions[:2], p.quotes[:2]) for p in full] == [
        (p.name, p.roles, p.mentions, p.quotes) for p in capped]


def test_a_surname_many_authors_share_means_the_one_named_before(tmp_path: Path) -> None:
    # Fifty authors called Kato: the paragraph's "Kato" is the one it named in full, and
    # elsewhere the one the document names (here, its author), never a guess among fifty.
    articles = tmp_path / "articles"
    articles.mkdir()
    for number in range(50):
        given = "".join(chr(ord("a") + int(d)) for d in f"{number:02d}").capitalize() + "ko"
        body = ("Governor Rina Kato spoke first. Later, Kato said the port would open."
                if number == 0 else "The harbour stayed shut all week.")
        (articles / f"a{number}.md").write_text(
            f"---\nid: a{number}\ntitle: A{number}\nauthor: {given} Kato\npublisher: P\n"
            f"published: 2024-01-01\n---\n{body}\n\nKato wrote this report.\n",
            encoding="utf-8")
    directory = PeopleDirectory.build(load_corpus(tmp_path))
    text = "Governor Rina Kato spoke first. Later, Kato said the port would open."
    assert [n.who for n in directory.named(text, doc="a0") if n.kind == "person"] == [
        "Rina Kato", "Rina Kato"]
    assert [n.who for n in directory.named("Kato wrote this report.", doc="a7")] == ["Ahko Kato"]
    assert directory.named("Kato wrote this report.") == []


def test_a_saved_directory_answers_as_the_built_one() -> None:
    import pickle

    built = PeopleDirectory.build(load_corpus(BUNDLED_KNOWLEDGE))
    loaded = pickle.loads(pickle.dumps(built))
    assert loaded.names() == built.names()
    assert loaded.find("Kishi") == built.find("Kishi")
    assert loaded.closest("Kishy") == built.closest("Kishy")
    assert list(loaded) == list(built)


def _quotes_after(tmp_path: Path, middle: str) -> list[tuple[str, ...]]:
    """Mari Ueda's quotes when ``middle`` stands between the paragraph naming her and
    "‘We need radar,’ she said." (which only the context can give her)."""
    articles = tmp_path / "articles"
    articles.mkdir(exist_ok=True)
    (articles / "u.md").write_text(article(
        "u", "Mari Ueda, a former envoy, met the mayor.", middle,
        "‘We need radar,’ she said."), encoding="utf-8")
    [ueda] = PeopleDirectory.build(load_corpus(tmp_path)).find("Ueda")
    return [q.quoted for q in ueda.quotes]


def test_a_paragraph_naming_no_one_keeps_or_ends_the_context_as_its_sentences_would(
        tmp_path: Path) -> None:
    # Read unsplit: no pronoun and no sentence that is a quotation, so it credits no quote.
    assert _quotes_after(tmp_path, "The port, “quiet” as ever, waited.") == [
        ("We need radar",)]
    # Someone unnamed speaks outside the quotation: "she" is no longer Ueda.
    assert _quotes_after(tmp_path, "Officials said “the port is quiet” today.") == []
    # Words inside a quotation are not the paragraph's: Ueda is still the one.
    assert _quotes_after(tmp_path, "The port was “quiet, officials said” today.") == [
        ("We need radar",)]
