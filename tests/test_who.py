"""``who``: person cards, name matching, suggestions, the JSON contract and the Discord card."""

from __future__ import annotations

import json

import pytest

from bot.answers import search, who
from bot.answers.results import to_json
from bot.cli import main
from bot.corpus import BUNDLED_KNOWLEDGE, load_corpus, parse_people
from bot.errors import UsageError
from bot.knowledge import KnowledgeBase
from bot.render import MESSAGE_LIMIT, Renderer
from tests.conftest import article

CURATED = parse_people(BUNDLED_KNOWLEDGE / "people.yaml")
RENDERER = Renderer()


def render(result) -> str:
    return RENDERER.render("who", result, prefix="!")


def assert_verbatim(kb: KnowledgeBase, item) -> None:
    passage = kb.corpus.passage(item.passage)
    assert item.passage.startswith(item.doc + "#")
    assert item.text in passage.text, (item.passage, item.text)


# ------------------------------------------------------------------ every card


@pytest.mark.parametrize("entry", CURATED, ids=[e.name for e in CURATED])
def test_every_curated_person_has_a_card_with_verbatim_citations(kb, entry):
    card = who(kb, entry.name)
    assert card.found and card.name == entry.name
    assert card.roles, "at least one role: from the text, a byline or a front-matter credit"
    assert [(c.text, c.passage) for c in card.role_citations] == [
        (r.text, r.passage) for r in entry.roles]
    for item in (*card.role_citations, *card.quotes, *card.mentions):
        assert_verbatim(kb, item)
    for q in card.quotes:
        assert all(span in q.text for span in q.quoted)
    for m in card.mentions:
        assert m.name_as in m.text
    rendered = render(card)
    first = {}
    for c in card.role_citations:  # the card cites each role text once, at its first passage
        first.setdefault(c.text, c)
    for c in first.values():
        assert f"`{c.passage}`" in rendered
    assert all(len(m) <= MESSAGE_LIMIT for m in RENDERER.messages("who", card, prefix="!"))


def test_every_person_named_in_the_text_has_a_role_from_the_text(kb):
    for entry in CURATED:
        card = who(kb, entry.name)
        if card.mentions:
            assert card.role_citations, entry.name


def test_every_author_and_translator_card_shows_their_article(kb):
    credits = [(name, credit, doc) for doc in kb.corpus.documents.values()
               for credit, name in (("author", doc.author), ("translator", doc.translator))
               if name]
    assert len(credits) == 6
    for name, credit, doc in credits:
        card = who(kb, name)
        assert (doc.id, credit) in [(a.doc, a.credit) for a in card.authored]
        assert f"{credit} of " in " ".join(card.roles)
        rendered = render(card)
        assert f"`{doc.id}`" in rendered
        assert ("Wrote" if credit == "author" else "Translated") in rendered


# ------------------------------------------------------------------ quotes and mentions


def test_kishi_has_his_quotes_and_not_a_headline(kb):
    card = who(kb, "Kishi")
    quoted = " ".join(span for q in card.quotes for span in q.quoted)
    assert "closely cooperate with countries that share the same fundamental values" in quoted
    assert "the peace and stability of Taiwan are directly connected to Japan" in quoted
    assert "Japan calls for greater attention" not in quoted  # an article title he was quoted in
    # "Kishi’s strong voice": a surname mention without a pronoun.
    assert any(m.text.startswith("Kishi’s strong voice") for m in card.mentions)
    assert any(m.reported and m.text.startswith("Kishi also said") for m in card.mentions)


def test_lii_wen_has_both_quotes_including_he_said(kb):
    card = who(kb, "lii wen")
    assert [q.quoted for q in card.quotes] == [
        ("Japan still feels pressure from China",),
        ("Japan’s foreign ministry will feel the pressure more acutely",),
    ]
    assert card.quotes[1].text == ("‘Japan’s foreign ministry will feel the pressure more "
                                   "acutely,’ he said.")
    assert "now Taiwan’s presidential spokesperson" in card.roles


def test_abe_quote_and_the_abe_faction_is_not_a_mention_of_abe(kb):
    card = who(kb, "Abe")
    assert [q.text for q in card.quotes] == [
        "‘A Taiwan emergency is a Japanese emergency and therefore an emergency for the "
        "US-Japan Alliance,’ he said."]
    assert not any("Abe faction" in m.text for m in card.mentions)
    assert not any("Abe faction" in q.text for q in card.quotes)
    assert {d.doc for d in card.documents} == {"taiwan-japan-facing-military",
                                               "thunder-rain-chinese-saying"}


def test_tsai_quote_after_the_chinese_name(kb):
    card = who(kb, "Tsai")
    assert card.quotes[0].quoted == (
        "Taiwan and Japan are confronted with the same threats in the East Asian region",)


# ------------------------------------------------------------------ matching


@pytest.mark.parametrize(("query", "name"), [
    ("KISHI", "Nobuo Kishi"), ("nobuo kishi", "Nobuo Kishi"), ("Kishi Nobuo", "Nobuo Kishi"),
    ("Nobuo", "Nobuo Kishi"), ("yushih liao", "Yu-Shih Liao"), ("Liao", "Yu-Shih Liao"),
    ("ingwen", "Tsai Ing-wen"), ("Tsai Ingwen", "Tsai Ing-wen"), ("tsai ing-wen", "Tsai Ing-wen"),
    ("蔡英文", "Tsai Ing-wen"), ("President Tsai", "Tsai Ing-wen"), ("lai chingte", "Lai Ching-te"),
    ("Lii", "Lii Wen"), ("  lii   wen ", "Lii Wen"), ("xi", "Xi Jinping"),
    ("huynh", "Huynh Tam Sang"), ("Abe’s", "Shinzo Abe"), ("yao chungyuan", "Yao Chung-yuan"),
])
def test_names_match_by_any_case_part_or_spelling(kb, query, name):
    card = who(kb, query)
    assert card.found and card.name == name


@pytest.mark.parametrize(("query", "suggestion"), [
    ("Kishy", "Nobuo Kishi"), ("Lii Wenn", "Lii Wen"), ("Tsay Ing-wen", "Tsai Ing-wen"),
    ("Yoshihide Sugga", "Yoshihide Suga"),
])
def test_a_typo_gets_suggestions_not_a_card(kb, query, suggestion):
    card = who(kb, query)
    assert not card.found and card.reason == "typo"
    assert suggestion in card.suggestions
    assert card.name is None and not card.mentions and not card.quotes and not card.roles
    assert f"`!who {suggestion}`" in render(card)


@pytest.mark.parametrize("query", ["Obama", "Taylor Swift", "Joe Biden", "defense"])
def test_a_name_not_in_the_corpus_gets_no_card(kb, query):
    card = who(kb, query)
    assert not card.found and card.reason == "unknown"
    assert card.suggestions == []  # no name is close: none is offered as if it were
    assert not card.mentions and not card.quotes and not card.roles
    rendered = render(card)
    assert f"No one called **{query}** is named in the corpus" in rendered
    assert "Nobuo Kishi" in rendered  # the list of who is


def test_a_miss_short_of_a_typo_offers_only_the_close_names(kb):
    card = who(kb, "Xi Jin")
    assert not card.found and card.reason == "unknown"
    assert card.suggestions == ["Xi Jinping"]
    assert "Closest names: `!who Xi Jinping`." in render(card)


@pytest.mark.parametrize(("query", "written", "reason", "says"), [
    ("Scarborough Shoal", "Scarborough Shoal", "named", "is named in the corpus"),
    ("scarborough shoal", "Scarborough Shoal", "named", "is named in the corpus"),
    ("scarborough", "Scarborough", "named", "is named in the corpus"),
    ("Warsaw", "Warsaw", "place", "is a place the corpus names"),
])
def test_a_name_the_text_writes_but_not_as_a_person_is_never_called_unnamed(
        make_knowledge, query, written, reason, says):
    """Shoals, cities and bodies no entity rule found are still names the article writes:
    the answer says so (a place, when the gazetteer holds it) and points to the search that
    finds them, instead of claiming the corpus never names them. A word the text mostly
    writes in lower case is no such name."""
    root = make_knowledge({"shoal.md": article(
        "shoal",
        "Ships collided near Scarborough Shoal on Monday, and analysts in Warsaw watched.",
        "The League of Coastal Mayors wants patrols. The defense ministry said the patrols "
        "near the shoal would continue, and defense spending will rise.",
        "Senator Rosa Villanueva said the Ministry of Defense must act.",
        author="Ann Writer",
    )})
    kb = KnowledgeBase.from_corpus(load_corpus(root))
    result = who(kb, query)
    assert (result.found, result.reason, result.name) == (False, reason, written)
    assert says in render(result)
    assert f"`!search {written}`" in render(result)
    hits = search(kb, written).results
    assert hits and written in hits[0].text
    common = who(kb, "defense")
    assert (common.found, common.reason) == (False, "unknown")


def test_a_shared_surname_lists_the_candidates(make_knowledge):
    root = make_knowledge({"wang.md": article(
        "wangs", "Foreign Minister Wang Yi met Ambassador Linda Wang in Beijing.")})
    kb = KnowledgeBase.from_corpus(load_corpus(root))
    card = who(kb, "wang")
    assert not card.found and card.reason == "ambiguous"
    assert card.suggestions == ["Linda Wang", "Wang Yi"]
    assert "`!who Linda Wang`, `!who Wang Yi`" in render(card)
    assert who(kb, "Linda Wang").found


@pytest.mark.parametrize("query", ["", "   ", "``"])
def test_an_empty_name_is_a_usage_error(kb, query):
    with pytest.raises(UsageError):
        who(kb, query)


# ------------------------------------------------------------------ JSON and the card


def test_json_is_the_contract(kb):
    data = to_json(who(kb, "Kishi"))
    assert data["query"] == "Kishi" and data["found"] is True
    assert data["name"] == "Nobuo Kishi"
    assert data["aliases"] == ["Kishi"]
    assert data["roles"] == ["Japanese Minister of Defense"]
    assert data["suggestions"] == []
    for key in ("quotes", "mentions", "role_citations"):
        assert data[key]
        for item in data[key]:
            assert {"text", "doc", "passage"} <= item.keys()
            assert all(isinstance(item[k], str) for k in ("text", "doc", "passage"))
    assert {"doc", "title", "passage", "paragraph"} <= data["role_citations"][0].keys()
    for internal in ("role_groups", "shown_quotes", "shown_mentions", "everyone", "excerpt"):
        assert internal not in json.dumps(data)
    json.dumps(data)  # serialisable

    missing = to_json(who(kb, "Obama"))
    assert missing["found"] is False and missing["name"] is None
    assert missing["mentions"] == [] and missing["suggestions"] == []
    author = to_json(who(kb, "Yu-Shih Liao"))
    assert author["authored"] == [{"doc": "security-japan-taiwan",
                                   "title": "Security between Japan and Taiwan",
                                   "credit": "author"}]


def test_the_kishi_card_fits_one_discord_message(kb):
    card = who(kb, "Kishi")
    rendered = render(card)
    assert len(rendered) <= MESSAGE_LIMIT
    assert rendered.startswith("👤 **Nobuo Kishi**")
    for item in (*card.shown_quotes, *card.shown_mentions):
        assert f"`{item.passage}`" in rendered
    assert "…and 1 more paragraph — `!search Kishi`" in rendered


def test_the_card_escapes_discord_markdown(make_knowledge):
    root = make_knowledge({"odd.md": article(
        "odd", "President Maria Lopez said “**everyone** @here should _read_ this.”")})
    kb = KnowledgeBase.from_corpus(load_corpus(root))
    rendered = render(who(kb, "Lopez"))
    assert r"\*\*everyone\*\*" in rendered and "@\u200bhere" in rendered


def test_cli_who_json(capsys):
    code = main(["who", "Kishi", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert data["found"] is True and data["name"] == "Nobuo Kishi"


# ------------------------------------------------------- places, organisations and authors


@pytest.mark.parametrize(("query", "reason", "name"), [
    ("Japan", "place", "Japan"),
    ("Okinawa", "place", "Okinawa"),
    ("the LDP", "organisation", "Liberal Democratic Party"),
    ("LDP", "organisation", "Liberal Democratic Party"),
    ("Sankei Shimbun", "organisation", "Sankei Shimbun"),
])
def test_a_place_or_organisation_is_said_to_be_one_and_points_to_search(kb, query, reason,
                                                                          name):
    result = who(kb, query)
    assert (result.found, result.reason, result.name) == (False, reason, name)
    text = Renderer().render("who", result, prefix="!")
    assert "not a person" in text
    assert f"`!search {name}`" in text
    assert search(kb, name).results  # and the search it points to finds something


def test_an_author_card_shows_the_argument_of_each_article(kb):
    result = who(kb, "Yao Chung-yuan")
    assert [a.doc for a in result.arguments] == ["formal-diplomatic-relationship-direct",
                                                 "taiwan-japan-facing-military"]
    for argued in result.arguments:
        assert 2 <= len(argued.sentences) <= 3
        paragraphs = [s.paragraph for s in argued.sentences]
        assert paragraphs == sorted(paragraphs)  # reading order
        for s in argued.sentences:
            assert s.text in kb.corpus.passage(s.passage).text  # verbatim, cited
    thesis = result.arguments[1].sentences[0].text
    assert thesis.startswith("To break through diplomatic restrictions and cooperate militarily")
    data = to_json(result)
    assert data["arguments"][0]["sentences"][0]["passage"].startswith(
        "formal-diplomatic-relationship-direct#p")
    assert "The argument" in Renderer().render("who", result, prefix="!")


def test_an_argument_is_the_authors_own_voice_never_a_quote(kb):
    for name in ("Huynh Tam Sang", "Yu-Shih Liao", "Yao Chung-yuan"):
        for argued in who(kb, name).arguments:
            for s in argued.sentences:
                assert "said" not in s.text and "’ he" not in s.text, s.text


def test_a_translator_or_a_person_in_the_news_has_no_arguments(kb):
    assert who(kb, "Eddy Chang").arguments == []
    assert who(kb, "Kishi").arguments == []


def test_a_new_articles_organisations_places_and_factions(make_knowledge):
    """Without people.yaml: an organisation or place of a new article is not a person, the
    "Kato faction" is no mention of Rina Kato, and her card has one name throughout."""
    root = make_knowledge({"ferry.md": article(
        "ferry",
        "Governor Rina Kato said the Harbour Residents Association had asked for boats.",
        "The Kato faction in the assembly opposes the plan. Kato said Yonaguni needs a port.",
        author="Ann Writer",
    )})
    kb = KnowledgeBase.from_corpus(load_corpus(root))
    for query, reason in [("Harbour Residents Association", "organisation"),
                          ("the Harbour Residents Association", "organisation"),
                          ("Yonaguni", "place")]:
        result = who(kb, query)
        assert (result.found, result.reason) == (False, reason), query
        assert "`!search" in render(result)
    card = who(kb, "Kato")
    assert card.found and card.name == "Rina Kato"
    assert not any("Kato faction" in m.text for m in card.mentions)
    assert [m.text for m in card.mentions] == [
        "Governor Rina Kato said the Harbour Residents Association had asked for boats.",
        "Kato said Yonaguni needs a port."]


def test_an_authors_card_argues_their_latest_articles_cold_and_warm(
        make_knowledge, tmp_path):
    import dataclasses

    from bot.config import load_settings

    opinion = ("Japan should open a coast guard hotline with Taiwan before the next crisis "
               "begins in the strait.")
    root = make_knowledge({
        f"op{n}.md": article(f"op{n}", opinion.replace("hotline", f"hotline number {n}"),
                             "The ministers met in Tokyo last week and talked for hours.",
                             "Both governments should publish the rules of such a channel "
                             "so that fishermen and sailors know what to expect.",
                             author="Ann Writer", published=f"2024-0{n}-01")
        for n in range(1, 6)})
    settings = dataclasses.replace(load_settings(environ={}, dotenv=False),
                                   knowledge_dir=root, cache_dir=tmp_path / "cache")
    cold = who(KnowledgeBase.open(settings), "Ann Writer")
    # The card argues the most recent articles only, and still lists every one.
    assert [a.doc for a in cold.arguments] == ["op3", "op4", "op5"]
    assert len(cold.authored) == 5
    assert cold.arguments[0].sentences[0].text.startswith("Japan should open")
    warm = who(KnowledgeBase.open(settings), "Ann Writer")
    assert to_json(warm)["arguments"] == to_json(cold)["arguments"]


def test_the_counts_on_a_card_are_true_beyond_the_mentions_kept(make_knowledge):
    from bot.people.directory import KEPT

    paragraphs = [f"Prime Minister Nobuo Kishi said plan {i} works. “It does,” Kishi said."
                  for i in range(KEPT + 50)]
    root = make_knowledge({"a.md": article("a", *paragraphs[:90]),
                           "b.md": article("b", *paragraphs[90:])})
    card = who(KnowledgeBase.from_corpus(load_corpus(root)), "Kishi")
    assert len(card.mentions) == KEPT and len(card.quotes) == KEPT  # what is kept
    assert (card.named_in, card.named_in_articles) == (KEPT + 50, 2)  # what is true
    text = render(card)
    assert f"Named** in {KEPT + 50} paragraphs of 2 articles" in text
    assert f"In their own words** ({KEPT}+)" in text
    assert f"…and at least {KEPT - 3} more quotes" in text
    shown = {m.passage for m in card.shown_mentions} | {q.passage for q in card.shown_quotes}
    assert f"…and {KEPT + 50 - len(shown)} more paragraphs" in text


def test_an_argument_never_takes_a_quotation_that_continues_an_earlier_speaker(
        make_knowledge):
    """A paragraph that is only a quotation, after one naming a speaker, is that speaker's
    (the paragraph before decides it), however well it would state the article's point."""
    claim = "“A deep harbour for the coast guard must be dredged at Yonaguni within two years.”"
    root = make_knowledge({"op.md": article(
        "op",
        "Japan should fund coast guard patrols near Yonaguni before the next crisis.",
        "The mayor of the island, Rina Kato, spoke to reporters at the port on Monday.",
        claim,
        "Fishermen on the island have long asked for a safer harbour in winter storms.",
        author="Ann Writer")})
    kb = KnowledgeBase.from_corpus(load_corpus(root))
    [argued] = who(kb, "Ann Writer").arguments
    assert argued.sentences[0].text.startswith("Japan should fund")
    assert claim not in [s.text for s in argued.sentences]
