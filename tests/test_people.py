"""People: discovery over the bundled corpus and new articles, names, quotes, curation."""

from __future__ import annotations

import pytest

from bot.corpus import BUNDLED_KNOWLEDGE, Corpus, check_knowledge, load_corpus, parse_people
from bot.knowledge import KnowledgeBase
from bot.people import MentionSentence, PeopleDirectory, Person, discover
from bot.people.directory import mention_sentences
from bot.people.discover import NOT_NAME
from bot.people.names import implied_aliases, lookup_keys, name_key, split_credit, split_name
from bot.people.speech import quotations
from tests.conftest import article

#: Everyone the five articles name, read off the articles (front matter included).
EXPECTED = {
    # named in the text
    "Nobuo Kishi", "Shinzo Abe", "Taro Aso", "Yoshihide Suga", "Lloyd Austin", "Tsai Ing-wen",
    "Lai Ching-te", "Lii Wen", "Xi Jinping",
    # authors and translators (front matter)
    "Yao Chung-yuan", "Huynh Tam Sang", "Yu-Shih Liao", "Eddy Chang", "Edward Jones",
}
#: Capitalised phrases of the corpus that are not people.
JUNK = ["Taiwan Strait", "Japan Forum", "Defense of Japan", "Sankei Shimbun", "Financial Times",
        "Liberal Democratic Party", "Democratic Progressive Party", "Taiwan Relations Act",
        "Senkaku Islands", "East China Sea", "Global Cooperation", "Taiwan Brain Trust",
        "Japan Self-Defense Forces", "National Security Strategy", "Ho Chi Minh", "Diet"]


def sentences(corpus: Corpus, person: Person) -> list[MentionSentence]:
    """The sentences of a person's mentions, as a card shows them."""
    return mention_sentences(person.mentions, lambda pid: corpus.passage(pid).text)


@pytest.fixture(scope="module")
def candidates(kb: KnowledgeBase):
    """Discovery over the bundled corpus, rules only, run once."""
    return {c.name: c for c in discover(kb.corpus)}


# ------------------------------------------------------------------ discovery, bundled corpus


def test_discovery_finds_everyone_the_articles_name_and_nobody_else(candidates):
    assert set(candidates) == EXPECTED


def test_discovery_produces_no_junk(candidates):
    found = set(candidates)
    for junk in JUNK:
        assert junk not in found
    for name in found:
        assert 2 <= len(name.split()) <= 4, name
        assert not any(word.lower() in NOT_NAME for word in name.split()), name


@pytest.mark.parametrize(("name", "role"), [
    ("Nobuo Kishi", "Japanese Minister of Defense"),  # title before the name
    ("Lloyd Austin", "US Secretary of Defense"),
    ("Yoshihide Suga", "Japanese Prime Minister"),
    ("Taro Aso", "Japanese Deputy Prime Minister"),
    ("Taro Aso", "former prime minister"),
    ("Shinzo Abe", "then-Japanese prime minister"),
    ("Shinzo Abe", "Late prime minister"),
    ("Xi Jinping", "Chinese leader"),
    ("Lai Ching-te", "President"),
    ("Lii Wen", "now Taiwan’s presidential spokesperson"),  # appositive, curly apostrophe
    ("Yao Chung-yuan", "a professor and former deputy director of the Ministry of National "
                       "Defense’s strategic planning department"),  # "X is a …" in the byline
    ("Yu-Shih Liao", "Senior Research Fellow / Advisory Committee at Taiwan Brain Trust"),
    ("Huynh Tam Sang", "a junior researcher at the Taiwan NextGen Foundation"),
])
def test_discovery_reads_roles_as_the_text_states_them(kb, candidates, name, role):
    candidate = candidates[name]
    assert role in [r.text for r in candidate.roles]
    for r in candidate.roles:
        assert r.text in kb.corpus.passage(r.passage).text


def test_roles_are_found_at_surname_mentions_too(kb):
    # "Lii was then head of …": the surname alone, a predicate after it.
    corpus = load_corpus(BUNDLED_KNOWLEDGE)
    corpus.people = []  # rules only
    lii = next(p for p in PeopleDirectory.build(corpus) if p.name == "Lii Wen")
    assert "then head of international affairs for the Democratic Progressive Party" in [
        r.text for r in lii.roles]


def test_discovery_reads_bylines_and_translators_from_front_matter(candidates):
    evidence = {name: c.evidence for name, c in candidates.items()}
    assert "translator:formal-diplomatic-relationship-direct" in evidence["Edward Jones"]
    assert "translator:taiwan-japan-facing-military" in evidence["Eddy Chang"]
    assert "author:security-japan-taiwan" in evidence["Yu-Shih Liao"]


def test_a_credit_naming_a_place_or_an_organisation_is_no_person(make_knowledge):
    articles = {f"{n}.md": article(f"a{n}", "The talks went on.", author=credit)
                for n, credit in enumerate(["Taiwan Taipei", "Reuters", "Abe’s Japanese",
                                            "SDF Staff", "Harriet Sumner and June King",
                                            "Mark Young"])}
    corpus = load_corpus(make_knowledge(articles))
    assert {c.name for c in discover(corpus)} == {"Harriet Sumner", "June King", "Mark Young"}
    directory = PeopleDirectory.build(corpus)
    assert directory.find("Taiwan Taipei") == [] and directory.find("Taipei") == []


def test_curated_yaml_covers_everyone_discovery_finds(kb):
    curated = {entry.name for entry in parse_people(BUNDLED_KNOWLEDGE / "people.yaml")}
    assert curated == EXPECTED
    assert check_knowledge(BUNDLED_KNOWLEDGE) == []


# ------------------------------------------------------------------ a new article, no YAML


NEW_ARTICLE = article(
    "new-minister",
    "Defense Minister Hiroshi Tanaka said on Monday that the fleet would sail. "
    "“We will not back down,” Tanaka said.",
    "Maria Lopez, a senior adviser to the prime minister, warned that talks could stall. "
    "‘The window is closing,’ she said.",
    "The Pacific Forum said the plan was sound. The Kobe Shimbun reported the same. The Tanaka "
    "doctrine is popular in Osaka Bay.",
    author="Jan Novak",
)


def test_a_new_article_gets_its_people_without_yaml(make_knowledge):
    corpus = load_corpus(make_knowledge({"new.md": NEW_ARTICLE}))
    found = {c.name: [r.text for r in c.roles] for c in discover(corpus)}
    assert found == {
        "Jan Novak": [],
        "Hiroshi Tanaka": ["Defense Minister"],
        "Maria Lopez": ["a senior adviser to the prime minister"],
    }
    directory = PeopleDirectory.build(corpus)
    tanaka = directory.find("tanaka")[0]
    assert tanaka.aliases == ("Tanaka",)
    assert [q.quoted for q in tanaka.quotes] == [("We will not back down",)]
    # "the Tanaka doctrine" names a doctrine, not the person: no mention, no quote
    assert not any("Tanaka doctrine" in m.sentence for m in sentences(corpus, tanaka))
    lopez = directory.find("Maria Lopez")[0]
    assert [(q.quoted, q.rule) for q in lopez.quotes] == [(("The window is closing",), "pronoun")]
    assert directory.find("Jan Novak")[0].bylines[0].credit == "author"


def test_curated_entries_override_discovered_ones(make_knowledge):
    root = make_knowledge({"new.md": NEW_ARTICLE}, people="""
        people:
          - name: Hiroshi Tanaka
            aliases: [Tanaka, Hiro]
            roles:
              - role: Minister
                passage: new-minister#p1
        """)
    directory = PeopleDirectory.build(load_corpus(root))
    tanaka = directory.find("Hiro")[0]
    assert tanaka.curated
    assert [(r.text, r.source) for r in tanaka.roles] == [("Minister", "curated")]
    assert tanaka.aliases == ("Tanaka", "Hiro")
    # Discovery still supplies everyone the YAML leaves out.
    assert {"Maria Lopez", "Jan Novak"} <= set(directory.names())
    assert len(directory.find("Hiroshi Tanaka")) == 1  # merged, not duplicated


def test_a_curated_role_must_be_verbatim(make_knowledge):
    root = make_knowledge({"new.md": NEW_ARTICLE}, people="""
        people:
          - name: Hiroshi Tanaka
            roles:
              - role: Prime Minister
                passage: new-minister#p1
        """)
    problems = check_knowledge(root)
    assert len(problems) == 1 and "not verbatim" in problems[0].problem


def test_a_shared_surname_is_ambiguous_and_mentions_follow_the_text(make_knowledge):
    root = make_knowledge({"wang.md": article(
        "wangs",
        "Foreign Minister Wang Yi met Ambassador Linda Wang in Beijing.",
        "Chinese leader Xi Jinping praised Wang Yi. Wang said the talks went well.",
        "Later, Linda Wang spoke. Wang said “nothing is agreed.”",
    )})
    corpus = load_corpus(root)
    directory = PeopleDirectory.build(corpus)
    assert {p.name for p in directory.find("Wang")} == {"Wang Yi", "Linda Wang"}
    assert [p.name for p in directory.find("wang yi")] == ["Wang Yi"]
    # "Wang said" means whoever the text named last.
    wang_yi = directory.find("Wang Yi")[0]
    linda_wang = directory.find("Linda Wang")[0]
    assert any(m.sentence == "Wang said the talks went well."
               for m in sentences(corpus, wang_yi))
    assert [q.quoted for q in linda_wang.quotes] == [("nothing is agreed.",)]
    assert not wang_yi.quotes


# ------------------------------------------------------------------ names


@pytest.mark.parametrize(("name", "surname"), [
    ("Yao Chung-yuan", "Yao"), ("Tsai Ing-wen", "Tsai"), ("Lai Ching-te", "Lai"),
    ("Xi Jinping", "Xi"), ("Huynh Tam Sang", "Huynh"), ("Lii Wen", "Lii"),
    ("Yu-Shih Liao", "Liao"), ("Nobuo Kishi", "Kishi"), ("Shinzo Abe", "Abe"),
    ("Taro Aso", "Aso"), ("Yoshihide Suga", "Suga"), ("Lloyd Austin", "Austin"),
    ("Joe Biden", "Biden"), ("Eddy Chang", "Chang"), ("Edward Jones", "Jones"),
])
def test_name_order(name, surname):
    assert split_name(name)[1] == surname


def test_implied_aliases_and_keys():
    assert implied_aliases("Yu-Shih Liao") == ("Liao", "Yushih Liao")
    assert implied_aliases("Tsai Ing-wen") == ("Tsai", "Tsai Ingwen")
    assert implied_aliases("Lii Wen") == ("Lii",)
    assert name_key("Yu-Shih Liao") == name_key("yushih liao") == "yushihliao"
    assert name_key("Abe’s") == "abe"
    keys = lookup_keys("Tsai Ing-wen", ("Tsai",))
    assert {"tsaiingwen", "tsai", "ingwen", "ingwentsai"} <= keys
    assert split_credit("A. Writer and B. Other, C. Third") == ["A. Writer", "B. Other",
                                                                 "C. Third"]


def test_every_curated_entry_lists_its_implied_surname():
    for entry in parse_people(BUNDLED_KNOWLEDGE / "people.yaml"):
        assert split_name(entry.name)[1] in entry.aliases, entry.name


# ------------------------------------------------------------------ quotations and speakers


def test_quotations_skip_in_word_apostrophes_and_mark_titles():
    text = "‘Japan’s foreign ministry will feel it,’ he said, in a piece titled “Why now.”"
    found = quotations(text)
    assert [(q.inner, q.title) for q in found] == [
        ("Japan’s foreign ministry will feel it", False), ("Why now.", True)]


def test_quote_attribution_on_the_bundled_corpus(kb):
    rules = {p.name: sorted((q.passage, q.rule) for q in p.quotes) for p in kb.people}
    assert rules["Nobuo Kishi"] == [
        ("complicated-legacy-colonialism-relations#p16", "name-verb"),  # Kishi wrote that “…”
        ("complicated-legacy-colonialism-relations#p21", "name-verb"),  # Kishi … said … “…”
    ]
    assert rules["Lii Wen"] == [("thunder-rain-chinese-saying#p18", "name-verb"),
                                ("thunder-rain-chinese-saying#p18", "pronoun")]
    assert rules["Shinzo Abe"] == [("thunder-rain-chinese-saying#p7", "pronoun")]
    assert rules["Tsai Ing-wen"] == [("complicated-legacy-colonialism-relations#p25",
                                      "name-verb")]
    assert rules["Taro Aso"] == [("thunder-rain-chinese-saying#p8", "name-verb")]
    # Nobody else is quoted: the anonymous insider, the FT headline and the white paper's
    # phrases belong to no one.
    quoted = {name for name, r in rules.items() if r}
    assert quoted == {"Nobuo Kishi", "Lii Wen", "Shinzo Abe", "Tsai Ing-wen", "Taro Aso"}


def test_a_pronoun_after_two_names_is_not_attributed(make_knowledge):
    root = make_knowledge({"two.md": article(
        "two",
        "Defense Minister Hiroshi Tanaka met President Maria Lopez. “We agree,” he said.",
    )})
    directory = PeopleDirectory.build(load_corpus(root))
    assert all(not p.quotes for p in directory)


# ------------------------------------------------------------------ the directory


def test_the_directory_is_built_once_per_knowledge_base(kb):
    assert kb.people is kb.people


def test_names_are_the_canonical_names_sorted(kb):
    names = kb.people.names()
    assert set(names) == EXPECTED
    assert names == sorted(names, key=str.casefold)


def test_positions_held_and_occupations_are_roles(make_knowledge):
    corpus = load_corpus(make_knowledge({"roles.md": article(
        "roles",
        "Harbour councillor Jiro Abe, who chairs the Island Ferry Association, said the boats "
        "were old.",
        "Kenji Sato, a Yonaguni Town Council member, agreed. Mayor Rina Kato, who leads the "
        "group, met him.",
        "Mari Ueda, a retired teacher, runs the Naha Shelter Fund. Ken Ito, who ran away in "
        "1990, said nothing.",
    )}))
    found = {c.name: [r.text for r in c.roles] for c in discover(corpus)}
    assert found == {
        "Jiro Abe": ["Harbour councillor", "chairs the Island Ferry Association"],
        "Kenji Sato": ["a Yonaguni Town Council member"],
        "Rina Kato": ["Mayor", "leads the group"],
        "Mari Ueda": ["a retired teacher", "runs the Naha Shelter Fund"],
        "Ken Ito": [],  # "ran away" holds nothing
    }


def test_a_card_quotes_what_the_attribution_engine_credits(make_knowledge):
    """Across paragraph breaks, and for a quotation the splitter cut off its attribution."""
    from bot.people.attribution import attribute
    from bot.text import split_sentences

    corpus = load_corpus(make_knowledge({"sato.md": article(
        "sato",
        "Harbour chief Kenji Sato said on Monday that the ferries were ready.",
        "“Crews are not,” he added.",
        "The port keeps two tugs.",
        "“Drills cost little. Why wait?” Sato asked. “Storms come every year.”",
        author="Ann Writer",
    )}))
    people = PeopleDirectory.build(corpus)
    sato = people.find("Kenji Sato")[0]
    assert [(q.quoted, q.rule) for q in sato.quotes] == [
        (("Crews are not",), "pronoun"),
        (("Drills cost little. Why wait?",), "name-verb"),
        (("Storms come every year.",), "continuation")]
    doc = corpus.documents["sato"]
    for quote in sato.quotes:
        passage = corpus.passage(quote.passage)
        for sentence in split_sentences(quote.sentence):
            said = attribute(people, passage, [sentence.text], doc.author, doc)
            assert said is not None and said.by == "Kenji Sato", sentence.text


def test_abbreviated_titles_ages_affiliations_and_residents(make_knowledge):
    corpus = load_corpus(make_knowledge({"more.md": article(
        "more",
        "Dr. Mari Ueda of Kyoto University said the sea was warming.",
        "Ken Ito, 62, a retired captain, agreed. Gen. Jiro Abe confirmed the report.",
        "Yonaguni resident Emi Oshiro, whose family has fished for generations, opposes the "
        "port. Taro Sato of Japan said nothing.",  # a place is no affiliation
        # The full stop that ends a sentence ends no role.
        "A better approach is patience, said Professor Ana Lim of the University of the "
        "Philippines. Ben Ota of the U.S. Naval Institute said the talks go on.",
    )}))
    found = {c.name: [r.text for r in c.roles] for c in discover(corpus)}
    assert found == {
        "Ana Lim": ["Professor", "the University of the Philippines"],
        "Ben Ota": ["the U.S. Naval Institute"],
        "Mari Ueda": ["Dr.", "Kyoto University"],
        "Ken Ito": ["a retired captain"],
        "Jiro Abe": ["Gen."],
        "Emi Oshiro": ["Yonaguni resident"],
        "Taro Sato": [],
    }


def test_a_title_a_name_stands_in_apposition_to_is_its_role(make_knowledge):
    corpus = load_corpus(make_knowledge({"apposed.md": article(
        "apposed",
        "The ministry’s spokesman, Ken Ito, said the talks were useful.",
        "A spokeswoman for the Coast Guard, Emi Oshiro, told reporters the boats were ready.",
        "In a meeting with the minister, Jiro Abe said little.",  # no apposition: no role
    )}))
    found = {c.name: [r.text for r in c.roles] for c in discover(corpus)}
    assert found == {"Ken Ito": ["The ministry’s spokesman"],
                     "Emi Oshiro": ["A spokeswoman for the Coast Guard"], "Jiro Abe": []}


def test_the_group_a_role_names_is_the_organisation_the_article_ties_to_it(make_knowledge):
    """ "Mayor Abe, who leads the group" on a card says which group, cited where it is named."""
    corpus = load_corpus(make_knowledge({"groups.md": article(
        "groups",
        "The Harbour Safety Council, a group of island mayors, met in Naha.",
        "Naha Mayor Jiro Abe, who leads the group, said drills must start.",
        "A coalition called the Ferry Users League wrote to the ministry. Ken Sato, who "
        "chairs the league, said fares were high.",
        "Governor Rina Kato, who chairs the panel, spoke next.",  # no panel named anywhere
        "Island mayors met the minister. Mayor Emi Oshiro, who leads the group, asked for "
        "boats.",
        "The group, formally the Southern Ports Alliance, was founded in 2020.",
    )}))
    people = PeopleDirectory.build(corpus)
    roles = {p.name: [(r.text, r.passage) for r in p.roles] for p in people}
    assert ("Harbour Safety Council", "groups#p1") in roles["Jiro Abe"]
    assert ("Ferry Users League", "groups#p3") in roles["Ken Sato"]
    assert roles["Rina Kato"] == [("Governor", "groups#p4"), ("chairs the panel", "groups#p4")]
    # named after the role, with a stated tie ("The group, formally the …")
    assert ("Southern Ports Alliance", "groups#p6") in roles["Emi Oshiro"]
