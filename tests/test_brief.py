"""``brief`` and ``topics``: verbatim cited points (and "also made by" statements), paging
rather than overflowing, counts that agree, the same points in a digest, loose topic names,
suggestions for near misses and unknown words, the JSON contract and the CLI."""

from __future__ import annotations

import json

import pytest

from bot.answers import brief, topics
from bot.answers.brief import DEFAULT_POINTS, MAX_POINTS, BriefResult
from bot.answers.brief.resolve import find_topic
from bot.answers.brief.spans import needs_antecedent
from bot.answers.results import to_json
from bot.cli import main
from bot.corpus import load_corpus
from bot.digest.compose import build_digest
from bot.errors import UsageError
from bot.knowledge import KnowledgeBase
from bot.render import MESSAGE_LIMIT, Renderer
from bot.text import split_sentences
from tests.conftest import article

REQUIRED_TOPICS = ("proposals", "obstacles", "china-threat", "white-paper", "us-alliance",
                   "senkaku", "vaccines", "cyber", "energy", "first-island-chain")
ADHOC = ("coast guard", "Kishi", "Senkaku islands dispute", "vaccines in antarctica",
         "Taiwan Relations Act", "how far is Taiwan from Japan")


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def render(renderer: Renderer, result: BriefResult) -> list[str]:
    return renderer.messages("brief", result, prefix="!")


def all_briefs(kb: KnowledgeBase, limit: int | None = None) -> list[BriefResult]:
    return [brief(kb, t, limit) for t in (*kb.corpus.topics, *ADHOC)]


# ------------------------------------------------------------------ verbatim, cited points


@pytest.mark.parametrize("limit", [None, MAX_POINTS])
def test_every_point_is_verbatim_in_its_cited_passage(kb, limit):
    for result in all_briefs(kb, limit):
        assert result.found, result.query
        for point in result.points:
            passage = kb.corpus.passage(point.passage)
            doc = kb.corpus.documents[point.doc]
            assert point.text in passage.text, (result.query, point.passage)
            assert point.text == point.text.strip() and point.text
            assert passage.doc_id == point.doc and passage.number == point.paragraph
            assert point.title == doc.label
            for also in point.also:
                other = kb.corpus.passage(also.passage)
                assert also.text in other.text and other.doc_id == also.doc
            if point.context is not None:
                assert point.context in kb.corpus.passage(point.context_passage).text


@pytest.mark.parametrize("limit", [None, MAX_POINTS])
def test_points_are_whole_sentences_and_never_repeat(kb, limit):
    for result in all_briefs(kb, limit):
        seen: set[str] = set()
        for point in result.points:
            passage = kb.corpus.passage(point.passage)
            sentences = {(s.start, s.end) for s in split_sentences(passage.text)}
            start = passage.text.index(point.text)
            assert any(s == start for s, _ in sentences), point.text[:60]
            assert any(e == start + len(point.text) for _, e in sentences), point.text[-60:]
            for sentence in split_sentences(point.text):
                assert sentence.text not in seen, (result.query, sentence.text)
                seen.add(sentence.text)


def test_no_point_opens_with_a_dangling_reference(kb):
    """A point never starts with "This…", "He…" or an answer without its question, unless it
    carries the previous paragraph's last sentence as its context ("However, …")."""
    for result in all_briefs(kb, MAX_POINTS):
        for point in result.points:
            first = split_sentences(point.text)[0].text
            assert not needs_antecedent(first) or point.context, (result.query, first)
            assert not first.endswith("?") or len(split_sentences(point.text)) > 1


def test_a_point_that_leans_on_the_paragraph_before_carries_it(kb):
    """"However, … rejected the proposal" opens its paragraph: the proposal it rejects is
    the last sentence of the paragraph before, and the point shows it."""
    points = brief(kb, "obstacles", MAX_POINTS).points
    rejected = [p for p in points if p.text.startswith("However, then-Japanese prime minister")]
    assert len(rejected) == 1
    assert rejected[0].context_passage == "taiwan-japan-facing-military#p3"
    assert "to propose the establishment of a reciprocal mechanism" in rejected[0].context


def test_a_pronoun_quote_brings_its_speaker(kb):
    """"‘…,’ he said." is quoted with the sentence naming him, and credited to him."""
    result = brief(kb, "obstacles", MAX_POINTS)
    statements = [*result.points, *(a for p in result.points for a in p.also)]
    pressure = [p for p in statements if "Japan still feels pressure" in p.text]
    assert len(pressure) == 1 and pressure[0].by == "Lii Wen"
    for point in statements:
        if "foreign ministry will feel" in point.text:
            assert point.text.startswith("‘Japan still feels pressure from China,’ Lii Wen")


def test_a_proposal_point_proposes_something(kb):
    for point in brief(kb, "proposals", MAX_POINTS).points:
        assert point.cues, point.text


# ----------------------------------------------------------------- proposals and obstacles


def test_proposals_name_who_proposes(kb):
    """Every statement of a point names its proposer, the shown one and those "also made by",
    however far down the points it comes."""
    by_passage = {s.passage: s for group in kb.brief_facets["proposals"].groups
                  for s in group.statements}
    assert by_passage["taiwan-japan-facing-military#p7"].by == \
        "Japan-Taiwan Co-prosperity Leader Alliance"
    # "Taiwanese officials" speak for Taiwan's government: a name `who` knows
    assert by_passage["taiwan-japan-facing-military#p3"].by == "Taiwan"
    assert by_passage["complicated-legacy-colonialism-relations#p25"].by == "Tsai Ing-wen"
    author_voice = by_passage["security-japan-taiwan#p4"]  # the article's own voice
    assert (author_voice.by, author_voice.by_author) == ("Yu-Shih Liao", True)


def test_the_taiwan_relations_act_is_proposed_once(kb):
    points = brief(kb, "proposals", MAX_POINTS).points
    assert sum("Taiwan Relations Act" in p.text for p in points) == 1


def test_obstacles_give_the_reasons(kb):
    text = " ".join(p.text for p in brief(kb, "obstacles", 10).points)
    for reason in ("business exposure", "diplomatic heft", "no legal basis",
                   "constitutional restrictions", "conservative", "no formal diplomatic"):
        assert reason in text


# --------------------------------------------------------------------- length and splitting


def test_a_long_default_brief_pages_instead_of_overflowing(kb, renderer):
    for result in all_briefs(kb):
        assert 1 <= len(result.points) <= DEFAULT_POINTS, result.query
        messages = render(renderer, result)
        assert all(len(m) <= MESSAGE_LIMIT for m in messages), result.query
        for number in range(1, len(result.points) + 1):
            assert sum(m.count(f"**{number}.** ") for m in messages) == 1, result.query


def test_the_template_never_decides_what_is_selected(kb, tmp_path):
    """Restyling ``brief.md.j2`` changes the look only: the core picks the same points."""
    (tmp_path / "brief.md.j2").write_text("{{ r.points|length }}" + "x" * 5000)
    before = brief(kb, "proposals")
    Renderer(tmp_path).render("brief", before, prefix="!")
    assert brief(kb, "proposals").points == before.points


@pytest.mark.parametrize("topic", ["proposals", "obstacles"])
def test_a_digest_shows_the_first_points_of_the_brief(kb, renderer, topic):
    """Brief and digest pick the same points for a topic: a digest only shows fewer."""
    points = brief(kb, topic).points
    digest = build_digest(kb, None, topic, [], renderer, "!").brief.points
    assert digest and digest == points[:len(digest)]


def test_header_counts_agree_with_what_is_shown(kb, renderer):
    for limit in (3, None, MAX_POINTS):
        result = brief(kb, "proposals", limit)
        text = "".join(render(renderer, result))
        shown = len(result.points)
        assert result.available >= shown
        if result.available > shown:
            assert f"The best {shown} of {result.available} distinct points" in text
        else:
            assert f"All {shown} distinct points" in text
        assert f"--limit {result.available}" in text or result.available == shown
        cited = {doc for p in result.points for doc in p.documents}
        assert {s.doc for s in result.sources} == cited
        assert sum(s.points for s in result.sources) == sum(len(p.documents)
                                                            for p in result.points)


def test_no_reply_quotes_a_sentence_twice_even_among_also_made_by(kb):
    for result in all_briefs(kb, MAX_POINTS):
        seen: set[tuple[str, str]] = set()
        for point in result.points:
            for passage, text in [(point.passage, point.text),
                                  *((a.passage, a.text) for a in point.also)]:
                for sentence in split_sentences(text):
                    assert (passage, sentence.text) not in seen, (result.query, sentence.text)
                    seen.add((passage, sentence.text))


def test_limit_asks_for_more_and_splits_at_point_boundaries(kb, renderer):
    result = brief(kb, "proposals", 15)
    assert len(result.points) == 15
    messages = render(renderer, result)
    assert len(messages) > 1
    assert all(len(m) <= MESSAGE_LIMIT for m in messages)
    for number in range(1, 16):
        assert sum(m.count(f"**{number}.** ") for m in messages) == 1


@pytest.mark.parametrize("limit", [0, MAX_POINTS + 1, -3])
def test_limit_out_of_range_is_a_usage_error(kb, limit):
    with pytest.raises(UsageError, match="--limit"):
        brief(kb, "proposals", limit)


def test_empty_topic_is_a_usage_error(kb):
    with pytest.raises(UsageError, match="topic"):
        brief(kb, "   ")


# ------------------------------------------------------------------------- topic matching


@pytest.mark.parametrize(
    ("asked", "name"),
    [
        ("proposals", "proposals"), ("Proposals", "proposals"), ("proposal", "proposals"),
        (" PROPOSALS ", "proposals"), ("recommendations", "proposals"),
        ("obstacle", "obstacles"), ("Obstacles", "obstacles"), ("barriers", "obstacles"),
        ("why not", "obstacles"), ("china threat", "china-threat"),
        ("China-Threats", "china-threat"), ("US alliance", "us-alliance"),
        ("white papers", "white-paper"), ("Diaoyutai", "senkaku"), ("covid", "vaccines"),
        ("first island chain", "first-island-chain"),
    ],
)
def test_topic_names_match_loosely(kb, asked, name):
    result = brief(kb, asked)
    assert (result.status, result.topic, result.found) == ("topic", name, True)
    assert result.description == kb.corpus.topics[name].description


@pytest.mark.parametrize(
    ("asked", "suggested"),
    [("proposls", "proposals"), ("proposl", "proposals"), ("obstacels", "obstacles"),
     ("proposl cooperation", "proposals"), ("senkak", "senkaku"), ("vacines", "vaccines")],
)
def test_near_miss_suggests_the_topic_instead_of_briefing(kb, renderer, asked, suggested):
    result = brief(kb, asked)
    assert (result.found, result.status, result.points) == (False, "near-miss", [])
    assert result.suggestions[0] == suggested
    text = render(renderer, result)[0]
    assert f"`!brief {suggested}`" in text and "no topic" in text


def test_unknown_words_get_a_clear_reply(kb, renderer):
    result = brief(kb, "zzzz qqqq")
    assert (result.found, result.status, result.points) == (False, "unknown", [])
    text = render(renderer, result)[0]
    assert "Nothing in the articles matches **zzzz qqqq**" in text
    assert "`proposals`" in text and "`!topics`" in text
    assert "Traceback" not in text


def test_unknown_word_near_a_corpus_word_is_suggested(kb):
    result = brief(kb, "Kishu")
    assert result.status == "unknown"
    assert "kishi" in result.suggestions


def test_only_common_words(kb, renderer):
    result = brief(kb, "the of and")
    assert (result.found, result.status) == (False, "common")
    assert "too common" in render(renderer, result)[0]


def test_adhoc_text_with_hits_is_briefed(kb, renderer):
    result = brief(kb, "coast guard")
    assert (result.found, result.status) == (True, "adhoc")
    assert any("coast guards" in p.text for p in result.points)
    partial = brief(kb, "vaccines in antarctica")
    assert partial.status == "adhoc" and partial.unknown_words == ["antarctica"]
    assert "No match for: antarctica" in render(renderer, partial)[0]


def test_find_topic_ignores_unrelated_text(kb):
    assert find_topic(kb, "coast guard") is None
    assert find_topic(kb, "") is None


def test_user_text_is_escaped_in_replies(kb, renderer):
    text = render(renderer, brief(kb, "zzzz **bold** @everyone"))[0]
    assert "**bold**" not in text and "\\*\\*bold\\*\\*" in text
    assert "@everyone" not in text


# ---------------------------------------------------------------------------- JSON and CLI


def test_json_contract(kb):
    data = to_json(brief(kb, "proposals"))
    assert data["topic"] == "proposals" and data["found"] is True
    assert data["points"] and data["sources"]
    for point in data["points"]:
        assert {"text", "doc", "passage", "title", "paragraph", "by"} <= set(point)
        assert "span" not in point  # internal
        assert isinstance(point["text"], str) and "#p" in point["passage"]
    cited = {d for p in data["points"] for d in [p["doc"], *(a["doc"] for a in p["also"])]}
    assert [s["doc"] for s in data["sources"]] == list(dict.fromkeys(
        d for p in data["points"] for d in [p["doc"], *(a["doc"] for a in p["also"])]))
    assert cited == {s["doc"] for s in data["sources"]}
    for source in data["sources"]:
        assert {"doc", "title", "author"} <= set(source)
    json.dumps(data)  # serialisable as it is


def test_json_says_how_each_proposer_was_determined(kb):
    """``by_kind`` and ``by_rule`` say what ``by`` is and which attribution rule found it."""
    data = to_json(brief(kb, "proposals", MAX_POINTS))
    statements = [s for p in data["points"] for s in (p, *p["also"])]
    how = {s["passage"]: (s["by"], s["by_kind"], s["by_rule"]) for s in statements}
    assert how["security-japan-taiwan#p4"] == ("Yu-Shih Liao", "person", "author")
    assert how["taiwan-japan-facing-military#p7"] == (
        "Japan-Taiwan Co-prosperity Leader Alliance", "organisation", "back-reference")
    for statement in statements:
        if statement["by"] is None:
            assert statement["by_kind"] is None and statement["by_rule"] is None
        else:
            assert statement["by_kind"] in {"person", "organisation"}
            assert (statement["by_rule"] == "author") == statement["by_author"]


def test_sources_footer_names_authors_or_says_not_stated(kb, renderer):
    result = brief(kb, "obstacles")
    text = "".join(render(renderer, result))
    for source in result.sources:
        assert (source.author or "author not stated") in text


def test_cli_brief_proposals_json(capsys):
    assert main(["brief", "proposals", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["topic"] == "proposals" and len(data["points"]) >= 3


def test_cli_brief_renders_and_handles_misses(capsys):
    assert main(["brief", "obstacles"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("📋 Brief: obstacles") and "↳" in out
    assert main(["brief", "proposl"]) == 0
    assert "briefbot brief proposals" in capsys.readouterr().out  # the terminal's syntax
    assert main(["brief", "proposals", "--limit", "12"]) == 0
    assert "\n12. " in capsys.readouterr().out  # one text, not Discord-sized messages


def test_cli_topics(capsys):
    assert main(["topics"]) == 0
    out = capsys.readouterr().out
    for name in REQUIRED_TOPICS:
        assert f"\n{name} — " in out


# --------------------------------------------------------------------------------- topics


def test_required_topics_are_defined(kb):
    for name in REQUIRED_TOPICS:
        topic = kb.corpus.topics[name]
        assert topic.description and topic.query and topic.cues, name


def test_topics_lists_names_and_descriptions(kb):
    result = topics(kb)
    assert [t.name for t in result.topics] == list(kb.corpus.topics)
    assert all(t.description for t in result.topics)


def test_topics_and_brief_on_a_knowledge_base_without_topics(make_knowledge, renderer):
    root = make_knowledge({"a.md": article(
        "a", "Alpha ships sail north. They should cooperate with beta ports.",
        "Beta ports are busy.", title="Alpha")})
    kb = KnowledgeBase.from_corpus(load_corpus(root))
    assert "No named topics" in renderer.render("topics", topics(kb), prefix="!")
    result = brief(kb, "beta ports")
    assert result.found and result.points
    for point in result.points:
        assert point.text in kb.corpus.passage(point.passage).text
    missing = brief(kb, "zzzz")
    assert missing.status == "unknown" and missing.topics == []
    assert "See `!topics`" in renderer.render("brief", missing, prefix="!")


def test_brief_is_deterministic(kb):
    assert brief(kb, "proposals", 10) == brief(kb, "proposals", 10)
