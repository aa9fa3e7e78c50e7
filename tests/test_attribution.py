"""The one attribution engine: canonical speakers for quotes, cards and briefings."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers.brief import MAX_POINTS, brief
from bot.corpus import Passage, load_corpus
from bot.ingest import ingest_files
from bot.knowledge import KnowledgeBase
from bot.people import PeopleDirectory
from bot.people.attribution import attribute
from bot.text import split_sentences
from tests.conftest import article


def _sentence(kb: KnowledgeBase, passage_id: str, opening: str) -> tuple[Passage, str]:
    passage = kb.corpus.passage(passage_id)
    found = [s.text for s in split_sentences(passage.text) if s.text.startswith(opening)]
    assert found, opening
    return passage, found[0]


@pytest.mark.parametrize(("passage_id", "opening", "by", "kind", "by_author"), [
    # the ministry's sentence is the ministry's, not the author's
    ("complicated-legacy-colonialism-relations#p5", "More concretely, the Japanese Ministry",
     "Japanese Ministry of Defense", "organisation", False),
    # a title before the name is not part of the speaker: one canonical name
    ("complicated-legacy-colonialism-relations#p13", "In a meeting with the US Secretary",
     "Nobuo Kishi", "person", False),
    ("complicated-legacy-colonialism-relations#p16", "Kishi wrote", "Nobuo Kishi", "person",
     False),
    ("complicated-legacy-colonialism-relations#p25", "President Tsai Ing-wen",
     "Tsai Ing-wen", "person", False),
    # an acronym is its organisation's full name
    ("security-japan-taiwan#p7", "The LDP has realized", "Liberal Democratic Party",
     "organisation", False),
    # "the alliance calls for" after the alliance is named
    ("taiwan-japan-facing-military#p7", "With the military threat",
     "Japan-Taiwan Co-prosperity Leader Alliance", "organisation", False),
    # "…’ he said" after a sentence that names only Lii Wen
    ("thunder-rain-chinese-saying#p18", "‘Japan’s foreign ministry", "Lii Wen", "person",
     False),
    # the article's own voice is its author's
    ("security-japan-taiwan#p14", "", "Yu-Shih Liao", "person", True),
])
def test_speakers_are_canonical(kb, passage_id, opening, by, kind, by_author):
    passage, sentence = _sentence(kb, passage_id, opening)
    author = kb.corpus.documents[passage.doc_id].author
    found = attribute(kb.people, passage, [sentence], author)
    assert found is not None
    assert (found.by, found.kind, found.by_author) == (by, kind, by_author)


@pytest.mark.parametrize(("passage_id", "opening"), [
    ("thunder-rain-chinese-saying#p4", "‘There are … areas"),  # "a Taiwanese security insider"
    ("thunder-rain-chinese-saying#p5", "There should be"),  # "that person says"
    ("security-japan-taiwan#p2", "He pointed out"),  # a pronoun nobody before resolves
])
def test_an_unnamed_speaker_is_nobody_not_the_author(kb, passage_id, opening):
    passage, sentence = _sentence(kb, passage_id, opening)
    assert attribute(kb.people, passage, [sentence], "Someone Else") is None


def test_a_brief_names_each_speaker_once(kb):
    """Across a briefing a person appears under one name, never a raw stretch of text."""
    names = {p.name for p in kb.people}
    organisations = {e.name for e in kb.people.entities.values()}
    for topic in kb.corpus.topics:
        for point in brief(kb, topic, MAX_POINTS).points:
            if point.by:
                assert point.by in names | organisations, point.by


def test_a_new_article_titles_places_and_relative_clauses(make_knowledge):
    text = article(
        "mayors",
        "Okinawa Governor Denny Tamaki said the bases must shrink.",
        "Kaohsiung Mayor Chen Chi-mai, who leads the group, visited Tokyo. “We need a "
        "hotline,” Chen said. “And drills.”",
        "Taiwanese Minister of Foreign Affairs Lin Chia-lung on Tuesday said ties were warm.",
        author="Ann Writer")
    corpus = load_corpus(make_knowledge({"mayors.md": text}))
    people = PeopleDirectory.build(corpus)
    assert {"Denny Tamaki", "Chen Chi-mai", "Lin Chia-lung", "Ann Writer"} <= set(
        people.names())
    doc = corpus.documents["mayors"]
    said = [attribute(people, p, [s.text], doc.author)
            for p in doc.passages for s in split_sentences(p.text)]
    assert [a.by if a else None for a in said] == [
        "Denny Tamaki", "Ann Writer", "Chen Chi-mai", "Chen Chi-mai", "Lin Chia-lung"]


def _speakers(make_knowledge, *paragraphs: str, **others: str) -> list[tuple[str, str | None]]:
    """(sentence opening, speaker) for every sentence of an article written for the test,
    each attributed with the paragraph before it, as briefings and the evaluation do."""
    corpus = load_corpus(make_knowledge({"a.md": article("a", *paragraphs, author="Ann Writer"),
                                         **others}))
    people = PeopleDirectory.build(corpus)
    doc = corpus.documents["a"]
    found = []
    for passage in doc.passages:
        for s in split_sentences(passage.text):
            said = attribute(people, passage, [s.text], doc.author, doc)
            found.append((s.text[:24], said.by if said else None))
    return found


def test_a_pronoun_opening_a_paragraph_is_the_person_last_speaking(make_knowledge):
    assert _speakers(
        make_knowledge,
        "Harbour chief Kenji Sato said on Monday that the ferries were ready. The port also "
        "keeps two tugs on call.",
        "He also stressed that drills must start in spring.",
        "Governor Rina Kato and Mayor Jiro Abe met the fleet in Naha.",
        "He said the talks went well.",  # two people before: unresolved
        "The Coast Guard said the plan was sound.",
        "He added that boats were short.",  # "he" is no organisation
    ) == [
        ("Harbour chief Kenji Sato", "Kenji Sato"), ("The port also keeps two ", "Ann Writer"),
        ("He also stressed that dr", "Kenji Sato"),
        ("Governor Rina Kato and M", "Ann Writer"), ("He said the talks went w", None),
        ("The Coast Guard said the", "Coast Guard"), ("He added that boats were", None)]


def test_a_quotation_spanning_sentences_is_attributed_as_one(make_knowledge):
    assert _speakers(
        make_knowledge,
        "‘Storms do not read maps. Neither should rescuers,’ said Governor Rina Kato.",
        "“Drills cost little. Why wait?” Kato asked.",
        "“Boats are ready,” Kato said.",
        "“Crews are not.”",  # a bare quotation opening a paragraph continues hers
    ) == [
        ("‘Storms do not read maps", "Rina Kato"), ("Neither should rescuers,", "Rina Kato"),
        ("“Drills cost little. Why", "Rina Kato"), ("Kato asked.", "Rina Kato"),
        ("“Boats are ready,” Kato ", "Rina Kato"), ("“Crews are not.”", "Rina Kato")]


def test_a_colon_introduces_the_quotation_of_the_person_before_it(make_knowledge):
    assert _speakers(
        make_knowledge,
        "Former envoy Mari Ueda was blunter: “The clerks have the plans but no orders.”",
        "Ueda knows the ministry well. She put it this way: “Nobody signs.”",
    ) == [
        ("Former envoy Mari Ueda w", "Mari Ueda"), ("Ueda knows the ministry ", "Ann Writer"),
        ("She put it this way: “No", "Mari Ueda")]


def test_an_organisation_subject_keeps_its_verb_past_a_relative_clause(make_knowledge):
    assert _speakers(
        make_knowledge,
        "The Harbour Residents Association, which represents four villages, sent a petition "
        "to the ministry calling for a ferry plan.",
        "The Island Fishing Cooperative, which Mayor Jiro Abe founded, asked for boats.",
    ) == [("The Harbour Residents As", "Harbour Residents Association"),
          # the mayor is inside the relative clause: the cooperative asks
          ("The Island Fishing Coope", "Island Fishing Cooperative")]


def test_a_shared_surname_is_the_one_its_article_names(make_knowledge):
    other = article("b", "Aki Mori wrote the first draft.", author="Jun Mori")
    assert _speakers(
        make_knowledge,
        "Fisheries Minister Aki Mori said the quota would hold.",
        "Mori said the fleet would stay in port.",
        **{"b.md": other},
    ) == [("Fisheries Minister Aki M", "Aki Mori"), ("Mori said the fleet woul", "Aki Mori")]


def test_frames_and_introductions_name_the_speaker(make_knowledge):
    assert _speakers(
        make_knowledge,
        "Former envoy Mari Ueda has watched the ministry for decades.",
        "According to Ueda, “the clerks are waiting.”",
        "As Ueda puts it, “the clerks are waiting for a signal.”",
        "In Ueda’s view, the clerks lack orders.",
        "In the words of Ueda, the clerks are “waiting for a signal”.",
        "Retired admiral Ken Tanabe commanded the fleet. To Tanabe, the port “is civil "
        "infrastructure”.",
        "Tanabe sees the port differently: it “is a lifeline”.",
        "For Japan, the port is “a red line”.",  # a place frames nothing: the author's
        "Japan put it on the agenda in May.",  # "put it" reports speech only as a phrase
        "Ueda is blunt about the clerks. “They have the ideas.”",  # the one person before
    ) == [
        ("Former envoy Mari Ueda h", "Ann Writer"), ("According to Ueda, “the ", "Mari Ueda"),
        ("As Ueda puts it, “the cl", "Mari Ueda"), ("In Ueda’s view, the cler", "Mari Ueda"),
        ("In the words of Ueda, th", "Mari Ueda"),
        ("Retired admiral Ken Tana", "Ann Writer"), ("To Tanabe, the port “is ", "Ken Tanabe"),
        ("Tanabe sees the port dif", "Ken Tanabe"), ("For Japan, the port is “", "Ann Writer"),
        ("Japan put it on the agen", "Ann Writer"), ("Ueda is blunt about the ", "Ann Writer"),
        ("“They have the ideas.”", "Mari Ueda")]


def test_paragraph_contexts_are_read_once_and_never_pickled(make_knowledge):
    import pickle

    corpus = load_corpus(make_knowledge({"a.md": article(
        "a", "Harbour chief Kenji Sato said the ferries were ready.", "The port is old.",
        "He also stressed that drills must start.", author="Ann Writer")}))
    people = PeopleDirectory.build(corpus)
    doc = corpus.documents["a"]
    last = doc.passages[-1]
    first = attribute(people, last, [last.text], doc.author, doc)
    assert set(people.contexts) == {("a", 2), ("a", 3)}
    assert attribute(people, last, [last.text], doc.author, doc) == first
    assert first is not None and first.by == "Kenji Sato"
    assert pickle.loads(pickle.dumps(people)).contexts == {}


def test_a_point_decided_in_its_own_paragraph_does_not_read_the_paragraphs_before(
        make_knowledge, monkeypatch):
    import bot.people.attribution as engine

    corpus = load_corpus(make_knowledge({"a.md": article(
        "a", "Harbour chief Kenji Sato said the ferries were ready.", "The port is old.",
        "Mayor Aiko Ueda said drills must start. The cranes rust.",
        "He also stressed that drills must start.", author="Ann Writer")}))
    people = PeopleDirectory.build(corpus)
    doc = corpus.documents["a"]
    read: list[int] = []
    before = engine._speakers

    def counting(people, passage, context, document=None):
        read.append(passage.number)
        return before(people, passage, context, document)

    monkeypatch.setattr(engine, "_speakers", counting)
    third = doc.passages[2]
    # Its speaker is named, and "The cranes rust" keeps the paragraph's person: no pronoun
    # asks who spoke before.
    for sentences in (["Mayor Aiko Ueda said drills must start."], ["The cranes rust."]):
        read.clear()
        assert attribute(people, third, sentences, doc.author, doc) is not None
        assert read == [3]
    assert people.contexts == {}
    # "He" opening the last paragraph needs the one before, and that one decides on its own.
    read.clear()
    last = doc.passages[-1]
    found = attribute(people, last, [last.text], doc.author, doc)
    assert found is not None and found.by == "Aiko Ueda"
    assert read == [4, 1, 2, 3]


def test_a_pronoun_means_the_person_the_paragraph_named_last(make_knowledge):
    assert _speakers(
        make_knowledge,
        "Fisheries chief Aki Mori toured the port on Monday. The cranes are old and rust. "
        "She said the quota would hold.",
        "Harbour chief Kenji Sato spoke first. The Coast Guard said the plan was sound. "
        "He added that boats were short.",  # an organisation spoke in between: open
    ) == [
        ("Fisheries chief Aki Mori", "Ann Writer"), ("The cranes are old and r", "Ann Writer"),
        ("She said the quota would", "Aki Mori"),
        ("Harbour chief Kenji Sato", "Ann Writer"), ("The Coast Guard said the", "Coast Guard"),
        ("He added that boats were", None)]


def test_an_unnamed_body_speaks_through_the_person_leading_it(make_knowledge):
    assert _speakers(
        make_knowledge,
        "A cross-party group of lawmakers met on Friday. The group, led by ruling party "
        "lawmaker Ken Tanabe, said Japan should hold drills.",
        "In May, a panel chaired by Mayor Rina Kato urged Tokyo to fund boats.",
        "The Harbour Safety Council, led by Mayor Jiro Abe, called for a hotline.",
        "The group, led by Ken Tanabe, met the minister.",  # no reporting verb: the author's
    ) == [
        ("A cross-party group of l", "Ann Writer"), ("The group, led by ruling", "Ken Tanabe"),
        ("In May, a panel chaired ", "Rina Kato"),
        # a named body is the speaker itself
        ("The Harbour Safety Counc", "Harbour Safety Council"),
        ("The group, led by Ken Ta", "Ann Writer")]


def test_titles_appositions_and_relative_clauses_before_the_verb(make_knowledge):
    assert _speakers(
        make_knowledge,
        "Japan Coast Guard spokesman Taro Yamada said the patrols would continue.",
        "coast guard spokesman Jiro Sakai told reporters the fleet was small.",
        "Japan Coast Guard Commandant Yoshio Ishii told lawmakers the fleet was thin.",
        "Ken Ito, a spokesman for the Coast Guard, said the patrols would go on.",
        "Mari Ueda, 54, a retired diplomat, argued that Tokyo must act.",
        "The plan was drafted by Ken Ito, the harbour master, who said it was cheap.",
        "Ken Sato, who chairs the Island Trade Committee, said tariffs hurt.",
        "Mari Ueda went on to call for a standing channel.",
    ) == [
        ("Japan Coast Guard spokes", "Taro Yamada"), ("coast guard spokesman Ji", "Jiro Sakai"),
        ("Japan Coast Guard Comman", "Yoshio Ishii"), ("Ken Ito, a spokesman for", "Ken Ito"),
        ("Mari Ueda, 54, a retired", "Mari Ueda"), ("The plan was drafted by ", "Ken Ito"),
        ("Ken Sato, who chairs the", "Ken Sato"), ("Mari Ueda went on to cal", "Mari Ueda")]


def test_quotations_across_sentences_stay_with_their_speaker(make_knowledge):
    assert _speakers(
        make_knowledge,
        "“We cannot wait. The storms will not,” Governor Rina Kato said on Friday. "
        "“Boats are cheap.”",
        "“Drills save lives,” said Kato. She added that the budget was small. "
        "“Money is short.”",
    ) == [
        ("“We cannot wait. The sto", "Rina Kato"), ("“Boats are cheap.”", "Rina Kato"),
        ("“Drills save lives,” sai", "Rina Kato"),
        ("She added that the budge", "Rina Kato"), ("“Money is short.”", "Rina Kato")]


def test_unnamed_speakers_are_nobody_and_officials_speak_for_their_body(make_knowledge):
    assert _speakers(
        make_knowledge,
        "Taiwan lies near Japan. The biggest hurdle, analysts say, is Tokyo’s fear.",
        "The boats talk by fax, according to officials on both sides.",
        "A senior official said the talks were useful.",
        "Japanese lawmakers said the plan was weak.",  # a group with no name: nobody
        "Taiwanese officials said the drills were routine.",  # Taiwan's government speaks
        "Officials at the Ministry of Foreign Affairs argue that joint planning is unlawful.",
        "Analysts at Kyoto University warn that the sea is warming.",  # no spokesmen of it
        # Where the speaker is, and a clause on why they are not named, before the verb.
        "A Fisheries Agency official in Tokyo, who asked not to be named because he was not "
        "authorized to speak to the media, said any change would need the cabinet.",
    ) == [
        ("Taiwan lies near Japan.", "Ann Writer"), ("The biggest hurdle, anal", None),
        ("The boats talk by fax, a", None), ("A senior official said t", None),
        ("Japanese lawmakers said ", None), ("Taiwanese officials said", "Taiwan"),
        ("Officials at the Ministr", "Ministry of Foreign Affairs"),
        ("Analysts at Kyoto Univer", None), ("A Fisheries Agency offic", None)]


def test_a_group_named_by_any_plural_noun_is_nobody_not_the_author(make_knowledge):
    """The list of unnamed speakers' words is not the rule: advisers, researchers or
    fishermen the text does not name speak, and the article's own voice is only what nobody
    else is said to say."""
    assert _speakers(
        make_knowledge,
        "Japan and Taiwan should set up a joint patrol, the two governments’ advisers said "
        "in a report on Monday.",
        "Researchers warn that the cables are exposed.",
        "The patrol should start in May.",
    ) == [
        ("Japan and Taiwan should ", None), ("Researchers warn that th", None),
        ("The patrol should start ", "Ann Writer")]


def test_a_persons_own_office_speaks_for_them_but_not_their_faction(make_knowledge):
    assert _speakers(
        make_knowledge,
        "However, then-prime minister Ken Abe’s administration rejected the plan by declining "
        "to respond, saying only that there were no ties.",
        "Mayor Rina Kato’s office said the ferry would run.",
        "The Abe faction said nothing new.",
        "Japan rejected Rina Kato’s plan, calling it costly.",  # the plan is hers, not the words
    ) == [
        ("However, then-prime mini", "Ken Abe"), ("Mayor Rina Kato’s office", "Rina Kato"),
        ("The Abe faction said not", "Ann Writer"), ("Japan rejected Rina Kato", "Ann Writer")]


def test_a_place_that_speaks_as_the_subject_is_its_government(make_knowledge):
    assert _speakers(
        make_knowledge,
        "China has repeatedly warned that any official contact would cross a red line.",
        "Envoy Ken Ito of Tokyo said Beijing warned him.",  # a place inside the clause: Ito's
        "An op-ed titled “Japan says no” ran on Friday.",  # a title speaks for nobody
        "Japan rejected the plan in May.",  # no reporting verb: the author's
    ) == [
        ("China has repeatedly war", "China"), ("Envoy Ken Ito of Tokyo s", "Ken Ito"),
        ("An op-ed titled “Japan s", "Ann Writer"), ("Japan rejected the plan ", "Ann Writer")]


def test_a_name_in_apposition_to_a_title_speaks_and_a_passive_does_not(make_knowledge):
    assert _speakers(
        make_knowledge,
        "The ministry’s spokesman, Ken Ito, said the talks were useful.",
        "A spokeswoman for the Coast Guard, Emi Oshiro, told reporters the boats were ready.",
        "Harbour chief Kenji Sato was asked about the plan. His answer: “Not yet.”",
        "Sato is said to favour a delay.",
    ) == [
        ("The ministry’s spokesman", "Ken Ito"), ("A spokeswoman for the Co", "Emi Oshiro"),
        ("Harbour chief Kenji Sato", "Ann Writer"), ("His answer: “Not yet.”", "Kenji Sato"),
        ("Sato is said to favour a", "Ann Writer")]


def test_people_listed_before_one_verb_are_people_and_the_first_speaks(make_knowledge):
    """"X and Y said", "the advisers, X and Y, said": each listed name is a person (a card
    of their own), and the statement is the first one's, not the author's."""
    paragraphs = (
        "“We cannot wait for another storm,” Kenji Mori and Aiko Tanaka said on Monday.",
        "The advisers, Ken Abe and Rina Kato, said the port should buy new boats.",
        "Mori, a former harbour chief, said the council must pay for them.")
    assert _speakers(make_knowledge, *paragraphs) == [
        ("“We cannot wait for anot", "Kenji Mori"), ("The advisers, Ken Abe an", "Ken Abe"),
        ("Mori, a former harbour c", "Kenji Mori")]
    people = PeopleDirectory.build(load_corpus(make_knowledge({"a.md": article("a", *paragraphs)})))
    assert {"Kenji Mori", "Aiko Tanaka", "Ken Abe", "Rina Kato"} <= {p.name for p in people}


def test_the_council_speaking_paragraphs_later_is_the_council_named_before(make_knowledge):
    assert _speakers(
        make_knowledge,
        "The Harbour Safety Council, a group of island mayors, met in Naha on Monday.",
        "Storms close the port each winter.",
        "The council said the boats were too old. The group also urged Tokyo to pay for drills.",
        "The ministry said nothing.",  # no ministry named: someone unnamed, not the author
    ) == [
        ("The Harbour Safety Counc", "Ann Writer"), ("Storms close the port ea", "Ann Writer"),
        ("The council said the boa", "Harbour Safety Council"),
        ("The group also urged Tok", "Harbour Safety Council"),
        ("The ministry said nothin", None)]


def test_after_someone_unnamed_speaks_he_is_not_the_person_named_before(make_knowledge):
    corpus = load_corpus(make_knowledge({"a.md": article(
        "a", "Harbour chief Kenji Sato spoke on Monday. A senior official said the plan was "
        "weak. He added that boats were short.",
        "Governor Rina Kato met reporters. “We need boats,” a security insider said. “And "
        "drills,” he said.", author="Ann Writer")}))
    people = PeopleDirectory.build(corpus)
    doc = corpus.documents["a"]
    said = [attribute(people, p, [s.text], doc.author, doc)
            for p in doc.passages for s in split_sentences(p.text)]
    assert [a.by if a else None for a in said] == [
        "Ann Writer", None, None, "Ann Writer", None, None]
    # the card agrees: the insider's words are not the governor's
    assert people.find("Rina Kato")[0].quotes == ()


def test_the_newspaper_is_the_paper_named_before(make_knowledge):
    assert _speakers(
        make_knowledge,
        "The Naha Times in May reported that the ferries would stop.",
        "The newspaper article said that the port had no money.",
    ) == [("The Naha Times in May re", "Naha Times"),
          ("The newspaper article sa", "Naha Times")]


def test_the_tuning_articles_credit_each_statement_to_whoever_makes_it(tmp_path):
    """Raw scraped articles, ingested as a user would: the people they quote and report."""
    raws = sorted((Path(__file__).parent / "data" / "tuning").glob("*.txt"))
    ingest_files(raws, tmp_path / "knowledge" / "articles")
    corpus = load_corpus(tmp_path / "knowledge")
    people = PeopleDirectory.build(corpus)
    said = {}
    for doc in corpus.documents.values():
        for passage in doc.passages:
            for s in split_sentences(passage.text):
                found = attribute(people, passage, [s.text], doc.author, doc)
                said[s.text[:30]] = found.by if found else None
    assert {opening: said[opening] for opening in [
        "Former Japan Coast Guard comma",  # a title with an organisation before the name
        "“A drill costs little and save",  # "…,” he said
        "Taiwanese Legislator Lin Mei-h",  # "X, who chairs …, urged"
        "The biggest hurdle, analysts s",  # unnamed: not the author's
        "China has repeatedly warned th",  # a place speaking is its government
        "The group, led by Liberal Demo",  # an unnamed body through its leader
        "Officials at the Ministry of F",  # officials speak for their ministry
        "He said the Diet should pass a",  # a pronoun after "Tanabe dismissed the concerns."
        "Tokyo should treat Taiwan’s se",  # the opinion writer's own voice
    ]} == {
        "Former Japan Coast Guard comma": "Kenji Morioka",
        "“A drill costs little and save": "Kenji Morioka",
        "Taiwanese Legislator Lin Mei-h": "Lin Mei-hua",
        "The biggest hurdle, analysts s": None,
        "China has repeatedly warned th": "China",
        "The group, led by Liberal Demo": "Hiroshi Tanabe",
        "Officials at the Ministry of F": "Ministry of Foreign Affairs",
        "He said the Diet should pass a": "Hiroshi Tanabe",
        "Tokyo should treat Taiwan’s se": "Daniel Okonkwo",
    }
