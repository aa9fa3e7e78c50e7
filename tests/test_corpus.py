"""Loading and validating a knowledge directory: every problem names its file and line."""

from __future__ import annotations

import pytest

from bot.corpus import check_knowledge, load_corpus, parse_article
from bot.errors import KnowledgeError
from tests.conftest import article

GOOD = article("alpha", "First paragraph.", "Second paragraph\nwrapped on two lines.",
               title="Alpha", author="A. Writer")


def test_articles_become_passages_with_stable_ids(make_knowledge):
    corpus = load_corpus(make_knowledge({"alpha.md": GOOD}))
    doc = corpus.documents["alpha"]
    assert [p.id for p in doc.passages] == ["alpha#p1", "alpha#p2"]
    assert doc.passages[1].text == "Second paragraph wrapped on two lines."
    assert corpus.passage("alpha#p2") == doc.passages[1]
    assert doc.author == "A. Writer" and doc.published is None


def test_a_loaded_corpus_holds_each_articles_paragraphs_verbatim_in_order(make_knowledge):
    texts = {"b.md": article("b", "Tokyo’s “quiet” line — 日本と台湾.", "Ça va 🌊", "Plain."),
             "a.md": GOOD, "c.md": article("c", "Only one.", byline="By Łukasz Ōta")}
    root = make_knowledge(texts)
    corpus = load_corpus(root)
    parsed = {d.id: d for d in (parse_article(root / "articles" / n) for n in sorted(texts))}
    assert list(corpus.documents) == ["alpha", "b", "c"]  # file order
    assert dict(corpus.documents) == parsed
    assert list(corpus.passages()) == [p for d in parsed.values() for p in d.passages]
    assert corpus.passage("b#p2").text == "Ça va 🌊"
    assert corpus.passage("c#byline").text == "By Łukasz Ōta"



def test_paragraphs_are_runs_of_non_blank_lines_with_the_line_they_start_on(make_knowledge):
    text = "---\nid: gamma\n---\n\n  One\n  two  \n \t \nThree\n\n\n Four\nfive\n"
    doc = load_corpus(make_knowledge({"gamma.md": text})).documents["gamma"]
    assert [(p.text, p.line) for p in doc.passages] == [
        ("One two", 5), ("Three", 8), ("Four five", 11)]


def test_untitled_document_is_labelled_by_its_own_opening_words(make_knowledge):
    text = article("beta", "One two three four five six seven eight nine ten.")
    doc = load_corpus(make_knowledge({"beta.md": text})).documents["beta"]
    assert doc.title is None
    assert doc.label == "“One two three four five six seven eight…”"


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("no front matter\n", 1, "missing front matter"),
        ("---\nid: x\nbody\n", 1, "not closed"),
        ("---\nid: x\ntitle: [unclosed\n---\nbody\n", 3, "invalid YAML"),
        ("---\nid: x\ntitel: Oops\n---\nbody\n", 3, "unknown front-matter key 'titel'"),
        ("---\ntitle: T\n---\nbody\n", 2, "needs an 'id'"),
        ("---\nid: Has Spaces\n---\nbody\n", 2, "needs an 'id'"),
        ("---\nid: x\npublished: last week\n---\nbody\n", 3, "'published' must be a date"),
        ("---\nid: x\n---\n\n   \n", 3, "no body text"),
        ("---\n- a list\n---\nbody\n", 2, "must be a mapping"),
    ],
)
def test_malformed_articles_name_file_line_and_problem(make_knowledge, text, line, problem):
    root = make_knowledge({"bad.md": text})
    with pytest.raises(KnowledgeError) as info:
        load_corpus(root)
    assert info.value.path.name == "bad.md"
    assert info.value.line == line
    assert problem in str(info.value)
    assert str(info.value).startswith(f"{root / 'articles' / 'bad.md'}:{line}:")


def test_duplicate_ids_are_reported_with_both_files(make_knowledge):
    root = make_knowledge({"a.md": GOOD, "b.md": GOOD})
    problems = check_knowledge(root)
    assert len(problems) == 1
    assert "duplicate id 'alpha'" in str(problems[0]) and "a.md" in str(problems[0])
    assert problems[0].path.name == "b.md"


def test_check_reports_every_bad_file_not_just_the_first(make_knowledge):
    root = make_knowledge({"a.md": GOOD, "b.md": "oops", "c.md": "---\nid: c\n---\n"},
                          topics="topics: [not, a, mapping]\n")
    names = sorted(p.path.name for p in check_knowledge(root))
    assert names == ["b.md", "c.md", "topics.yaml"]


@pytest.mark.parametrize(
    ("name", "text", "line", "problem"),
    [
        ("people", "people:\n  - name: A\n    roles: [\n", 4, "invalid YAML"),
        ("people", "people:\n  - aliases: [B]\n", 2, "needs a non-empty 'name'"),
        ("people", "people:\n  - name: A\n    roles:\n      - role: chief\n", 4,
         "needs 'role' and 'passage'"),
        ("people", "people:\n  - name: A\n    roles:\n      - {role: chief, passage: zz#p1}\n", 4,
         "unknown passage 'zz#p1'"),
        ("people", "people:\n  - name: A\n    roles:\n      - {role: chief, passage: alpha#p1}\n",
         4, "not verbatim in alpha#p1"),
        ("topics", "topics:\n  china:\n    query: x\n", 3, "needs a 'description'"),
        ("topics", "topics:\n  Bad Name:\n    description: x\n", 2, "lower-case words"),
        ("synonyms", "synonyms:\n  - [alone]\n", 2, "at least two terms"),
    ],
)
def test_malformed_yaml_files_name_file_line_and_problem(make_knowledge, name, text, line,
                                                         problem):
    root = make_knowledge({"alpha.md": GOOD}, **{name: text})
    with pytest.raises(KnowledgeError) as info:
        load_corpus(root)
    assert info.value.path.name == f"{name}.yaml"
    assert info.value.line == line
    assert problem in str(info.value)


def test_a_directory_without_articles_is_an_error(tmp_path):
    with pytest.raises(KnowledgeError, match="no 'articles/' directory"):
        load_corpus(tmp_path)


def test_the_bundled_knowledge_is_valid():
    from bot.corpus import BUNDLED_KNOWLEDGE

    assert check_knowledge(BUNDLED_KNOWLEDGE) == []



SIMPLE = [["id: a-1", 'title: "Quiet: Members # Say"'], ["title: 'It''s here'"],
          ["author: Tokyo  Defense  "], ["published: 2020-01-02"], ["published: 2021-13-45"],
          ["origin: http://x.org/a#b"], ["title: with [brackets] {braces}, commas"],
          ["title: Japan’s “view”", "byline: Ueda, a scholar:x"], ["title: 1e3"],
          ["title: null", "author: ~"]]
NOT_SIMPLE = ["author: yes", "title: 12", "title: 1.5",
              "title: a: b", "title: a #note", "title: -dash", "title: *alias", "title: &a b",
              "title: 'open", 'title: "esc\\"aped"', "title:", "title:x", "yes: key",
              " id: indented", "- item", "title: |", "title: >", "title: ? q", "title: @x",
              "title: %x", "title: !tag", "published: 2020-01-02 10:00:00", "title: a:",
              "title: =", "title: tab\there", "title: \x07bell", "# comment", "",
              "title: [a, b]", "title: {a: b}"]


@pytest.mark.parametrize("lines", SIMPLE)
def test_simple_front_matter_reads_as_yaml_reads_it(lines):
    """Front matter is read without PyYAML when it is simple: it must be what PyYAML gives,
    types and line numbers included."""
    from pathlib import Path

    from bot.corpus.yamlfile import load_yaml, simple_mapping

    simple, expected = simple_mapping(lines), load_yaml(Path("x.md"), "\n".join(lines))
    assert simple is not None
    assert [(k, v, type(v)) for k, v in simple.items()] == [
        (k, v, type(v)) for k, v in expected.items()]
    assert (simple.line, simple.key_lines) == (expected.line, expected.key_lines)


@pytest.mark.parametrize("lines", [[line] for line in NOT_SIMPLE]
                         + [["id: a", "title: b", "id: c"], ["id: a", "", "title: b"]])
def test_front_matter_that_is_not_simple_is_left_to_yaml(lines):
    from bot.corpus.yamlfile import simple_mapping

    assert simple_mapping(lines) is None
