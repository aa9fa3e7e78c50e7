"""`briefbot check` finds every problem of every file at once, each with its line; a broken
corpus is refused with that report by every front-end, never with a traceback."""

from __future__ import annotations

import logging

import pytest

from bot.cli import main
from bot.config import load_settings
from bot.corpus import BUNDLED_KNOWLEDGE, CorpusProblems, check_knowledge, load_corpus
from bot.corpus.model import TOPIC_KEYS
from tests.conftest import article

GOOD = article("alpha", "Nobuo Kishi is the Minister of Defense.", "A second paragraph.",
               title="Alpha")
# Line numbers below are those of the files as written here.
BAD_ARTICLE = "\n".join([
    "---",                      # 1
    "id: beta",                 # 2
    "titel: Oops",              # 3  unknown key
    "published: 2021-13-45",    # 4  no such date
    "author: ''",               # 5  empty text
    "---",                      # 6
    "Body text.",               # 7
]) + "\n"
PEOPLE = """\
people:
  - name: Nobuo Kishi
    aliases: [Kishi, Minister]
    roles:
      - {role: Minister of Defense, passage: alpha#p1}
      - {role: Minister of Defense, passage: alpha#p9}
  - name: '  '
  - name: Taro Kono
    aliases:
      - Kono
      - minister
"""
TOPICS = """\
topics:
  defence:
    description: Defence.
    query: defence
  defence:
    description: Defence again.
  empty:
    description: Nothing to search for.
    query: ' ; | '
"""
SYNONYMS = """\
synonyms:
  - [SDF, Self-Defense Forces]
  - [alone]
"""


def test_every_problem_of_every_file_is_reported_with_its_line(make_knowledge):
    root = make_knowledge({"alpha.md": GOOD, "beta.md": BAD_ARTICLE},
                          people=PEOPLE, topics=TOPICS, synonyms=SYNONYMS)
    found = {(p.path.name, p.line, p.problem) for p in check_knowledge(root)}
    expected = [
        ("beta.md", 3, "unknown front-matter key 'titel'"),
        ("beta.md", 4, "'published' must be a date like 2021-08-02, not '2021-13-45'"),
        ("beta.md", 5, "'author' must be text"),
        ("people.yaml", 6, "role cites unknown passage 'alpha#p9'"),
        ("people.yaml", 7, "needs a non-empty 'name'"),
        ("people.yaml", 11, "'minister' of 'Taro Kono' is already the name or an alias of "
                            "'Nobuo Kishi' (line 3)"),
        ("topics.yaml", 5, "key 'defence' is given twice (first on line 2)"),
        ("topics.yaml", 9, "topic 'empty': 'query' must be words"),
        ("synonyms.yaml", 3, "synonym group ['alone'] needs at least two terms"),
    ]
    for name, line, problem in expected:
        assert any(n == name and ln == line and problem in p for n, ln, p in found), (
            name, line, problem, sorted(found, key=str))
    assert len(found) == len(expected), sorted(found, key=str)


def test_an_impossible_date_anywhere_in_yaml_is_a_line_error_not_a_traceback(make_knowledge):
    people = "people:\n  - name: A\n    aliases: [2021-13-45]\n"
    root = make_knowledge({"alpha.md": GOOD}, people=people)
    # A date-like alias is just text; a date-like value where a date is wanted is refused.
    assert check_knowledge(root) == []
    assert load_corpus(root).people[0].aliases == ("2021-13-45",)


def test_a_utf8_byte_order_mark_is_accepted(make_knowledge):
    root = make_knowledge({"alpha.md": GOOD})
    for path in (root / "articles" / "alpha.md",):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    (root / "synonyms.yaml").write_bytes(b"\xef\xbb\xbfsynonyms:\n  - [SDF, Self-Defense Forces]\n")
    corpus = load_corpus(root)
    assert corpus.documents["alpha"].title == "Alpha"
    assert corpus.synonyms == [("SDF", "Self-Defense Forces")]


def test_load_corpus_refuses_with_the_whole_report(make_knowledge):
    root = make_knowledge({"alpha.md": GOOD, "beta.md": BAD_ARTICLE}, synonyms=SYNONYMS)
    with pytest.raises(CorpusProblems) as caught:
        load_corpus(root)
    report = str(caught.value)
    assert "beta.md:3:" in report and "beta.md:4:" in report and "synonyms.yaml:3:" in report
    assert report.endswith(f"4 problem(s) in {root}")


def test_check_prints_every_problem_and_exits_1(make_knowledge, capsys):
    root = make_knowledge({"alpha.md": GOOD, "beta.md": BAD_ARTICLE}, synonyms=SYNONYMS)
    assert main(["check", "--knowledge", str(root)]) == 1
    out = capsys.readouterr().out
    assert out.count(str(root)) >= 5 and "4 problem(s)" in out


@pytest.mark.parametrize("argv", [["search", "defence"], ["brief", "proposals"],
                                  ["who", "Kishi"]])
def test_answers_on_a_broken_corpus_give_the_report(make_knowledge, capsys, tmp_path, argv,
                                                    monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = make_knowledge({"alpha.md": GOOD, "beta.md": BAD_ARTICLE})
    code = main([*argv, "--knowledge", str(root)])
    _out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in err
    assert "beta.md:4: 'published' must be a date" in err and "3 problem(s)" in err


def test_the_bot_refuses_to_start_on_a_broken_corpus(make_knowledge, tmp_path, caplog):
    from bot.discord_bot import run_bot

    root = make_knowledge({"alpha.md": GOOD, "beta.md": BAD_ARTICLE})
    settings = load_settings(None, {"DISCORD_TOKEN": "MTIz.abc.def",
                                    "BRIEFBOT_KNOWLEDGE": str(root),
                                    "BRIEFBOT_DATA_DIR": str(tmp_path / "data"),
                                    "BRIEFBOT_CACHE_DIR": str(tmp_path / "cache"),
                                    # Nothing listens here: reaching the network would fail.
                                    "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",
                                    "DISCORD_GATEWAY_URL": "ws://127.0.0.1:9/"})
    with caplog.at_level(logging.ERROR):
        assert run_bot(settings) == 1
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "beta.md:3: unknown front-matter key" in logged and "3 problem(s)" in logged


# ------------------------------------------------------------------------------ unknown keys

TYPO_TOPICS = """\
topics:
  defence:
    description: Defence.
    qurey: defence budget
    cues: [should]
    weak_cue: [could]
"""
TYPO_PEOPLE = """\
people:
  - name: Nobuo Kishi
    alias: [Kishi]
    roles:
      - {role: Minister of Defense, pasage: alpha#p1}
  - nmae: Taro Kono
"""


def _problems(root):
    return [(p.path.name, p.line, p.problem) for p in check_knowledge(root)]


def test_a_misspelt_topic_key_is_named_with_its_line_and_the_key_meant(make_knowledge):
    root = make_knowledge({"alpha.md": GOOD}, topics=TYPO_TOPICS)
    found = _problems(root)
    assert ("topics.yaml", 4, "topic 'defence': unknown key 'qurey' (did you mean 'query'? "
            "valid keys: description, query, cues, weak_cues, aliases)") in found
    assert any(line == 6 and "unknown key 'weak_cue' (did you mean 'weak_cues'?" in problem
               for _name, line, problem in found), found
    assert len(found) == 2, found


def test_misspelt_person_and_role_keys_are_named_with_their_lines(make_knowledge):
    root = make_knowledge({"alpha.md": GOOD}, people=TYPO_PEOPLE)
    found = {(line, problem) for _name, line, problem in _problems(root)}
    assert (3, "person 'Nobuo Kishi': unknown key 'alias' (did you mean 'aliases'? "
               "valid keys: name, aliases, roles)") in found
    assert any(line == 5 and "role of 'Nobuo Kishi': unknown key 'pasage' (did you mean "
               "'passage'?" in problem for line, problem in found), found
    # A person without a name says why: the key that was meant to be it.
    assert any(line == 6 and "unknown key 'nmae' (did you mean 'name'?" in problem
               for line, problem in found), found


def test_a_misspelt_section_is_named(make_knowledge):
    synonyms = "synonyms:\n  - [SDF, Self-Defense Forces]\nsynonym:\n  - [a, b]\n"
    root = make_knowledge({"alpha.md": GOOD}, synonyms=synonyms)
    assert _problems(root) == [("synonyms.yaml", 3, "unknown key 'synonym' (did you mean "
                                                    "'synonyms'? valid keys: synonyms)")]


def test_a_misspelt_key_is_reported_by_check_and_refused_at_load(make_knowledge, capsys,
                                                                 tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = make_knowledge({"alpha.md": GOOD}, topics="topics:\n  defence:\n"
                                                     "    description: Defence.\n")
    # First a good start, so the cache is warm: the edit below must still be seen.
    assert main(["brief", "defence", "--knowledge", str(root)]) == 0
    (root / "topics.yaml").write_text(TYPO_TOPICS, encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--knowledge", str(root)]) == 1
    out = capsys.readouterr().out
    assert f"{root / 'topics.yaml'}:4: topic 'defence': unknown key 'qurey'" in out
    assert main(["brief", "defence", "--knowledge", str(root)]) == 1
    assert "topics.yaml:4: topic 'defence': unknown key 'qurey'" in capsys.readouterr().err
    with pytest.raises(CorpusProblems, match="did you mean 'query'"):
        load_corpus(root)


def test_every_topic_key_is_read_and_documented(make_knowledge):
    """Each key of TOPIC_KEYS reaches the Topic, and the bundled topics.yaml explains it."""
    spec = {key: "a phrase" if kind == "phrases" else f"some {key}"
            for key, kind in TOPIC_KEYS.items()}
    topics = "topics:\n  defence:\n" + "".join(f"    {k}: {v}\n" for k, v in spec.items())
    root = make_knowledge({"alpha.md": GOOD}, topics=topics)
    topic = load_corpus(root).topics["defence"]
    for key, kind in TOPIC_KEYS.items():
        assert getattr(topic, key) == (("a phrase",) if kind == "phrases" else spec[key]), key
    header = (BUNDLED_KNOWLEDGE / "topics.yaml").read_text(encoding="utf-8").split("\ntopics:")[0]
    assert [key for key in TOPIC_KEYS if f"#   {key} " not in header] == []
