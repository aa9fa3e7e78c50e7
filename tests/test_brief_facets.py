"""The building blocks of briefings: spans that bring their antecedent, cue phrases as the
grammar of a kind of point, statements grouped by what they say, and groups ordered with
sources balanced."""

from __future__ import annotations

import importlib
from dataclasses import replace
from pathlib import Path

import pytest

from bot.answers.brief.cues import (
    compile_cue,
    cue_objects,
    cue_strength,
    matched_cues,
    topic_cues,
)
from bot.answers.brief.grouping import Statement, group_statements
from bot.answers.brief.select import order_groups
from bot.answers.brief.spans import candidate_spans, comments_on_previous, needs_antecedent
from bot.brief_eval import heldout_knowledge
from bot.corpus import Passage, load_corpus
from bot.knowledge import KnowledgeBase

TUNING_DIR = Path(__file__).resolve().parent / "data" / "tuning"


@pytest.mark.parametrize(
    ("sentence", "previous", "needs"),
    [
        ("This is the current political reality.", "X.", True),
        ("He also stressed the importance of it.", None, True),
        ("Otherwise, the two sides cannot exchange information.", "X.", True),
        ("‘Japan’s foreign ministry will feel the pressure more acutely,’ he said.", "X.", True),
        ("Altogether, then, it clearly prefers to manage it through the US.", "X.", True),
        ("Japan was indifferent.", "Tsai asked for dialogue.", True),
        ("Extensive business exposure is one reason.", "Why is Japan dragging its feet?", True),
        ("With threats growing, the alliance calls for a law.", "They launched the Alliance.",
         True),
        ("It would be the best if Japan is able to create a Taiwan Relations Act.", None, False),
        ("It is hoped that Japan will start a simulation.", "X.", False),
        ("Japan should use the operational framework of the alliance.", "X.", False),
        ("Japan was indifferent.", None, False),
        # "the United States" is a name, not a definite subject of the verb "states"
        ("Japan, the United States, and Taiwan should start disaster relief drills.", "X.",
         False),
    ],
)
def test_needs_antecedent(sentence, previous, needs):
    assert needs_antecedent(sentence, previous) is needs


def test_candidate_spans_bring_antecedents_within_the_paragraph():
    passage = Passage("d", 1, "This opens the paragraph of the article. Japan must act on the "
                              "proposal quickly. This is why the article matters so much. Why "
                              "does Japan wait? Business exposure to China is one reason.")
    spans = candidate_spans(passage)
    assert [span.leans_out for span in spans] == [True, False, False, False]
    texts = [span.text for span in spans]
    assert texts == [
        "This opens the paragraph of the article.",
        "Japan must act on the proposal quickly.",
        "Japan must act on the proposal quickly. This is why the article matters so much.",
        "Why does Japan wait? Business exposure to China is one reason.",
    ]


def test_a_short_sentence_that_names_a_point_brings_the_one_that_spells_it_out():
    spelled = candidate_spans(Passage("d", 2, (
        "The real problem is political will. Business leaders depend on the Chinese market "
        "and lobby against any change. Several ministries hesitate to act on the proposals.")))
    first = spelled[0]
    assert first.text.startswith("The real problem is political will. Business leaders")
    assert first.text.endswith("lobby against any change.")
    assert first.own == "The real problem is political will." and first.point == -2
    assert first.up_to_point == ("The real problem is political will.",)
    assert spelled[-1].own == spelled[-1].text  # a long sentence stands alone
    # what follows with "But …" turns elsewhere: the short sentence stays alone
    turned = candidate_spans(Passage("d", 2, "Another hurdle is legal. But the courts have "
                                             "not ruled on the question so far."))
    assert turned[0].text == "Another hurdle is legal." and turned[0].point == -1
    # a longer sentence of few words that are not function words names its point too
    named = candidate_spans(Passage("d", 8, (
        "Manufacturers have reasons of their own for hesitation. Several large Japanese "
        "machine builders sell machine tools in China and are afraid of losing them.")))
    assert named[0].point == -2 and named[0].text.endswith("afraid of losing them.")


def test_the_point_of_a_sentence_that_names_it_is_what_the_next_spells_out(kb):
    """Two statements grouped by what they say: for "There is also a problem of people.", what
    the sentence after it says."""
    from bot.answers.brief.facets import _point_terms

    span = candidate_spans(Passage("d", 6, (
        "There is also a problem of people. Few officers of the Self-Defense Forces speak "
        "Mandarin, and fewer still have ever set foot in Taiwan.")))[0]
    assert span.own == "There is also a problem of people."
    assert {"peopl", "mandarin", "offic"} <= _point_terms(kb, span)


def test_cues_match_whole_words_and_count_places_once():
    cues = [compile_cue(c) for c in ("propose", "to propose", "urge*", "pressure from china")]
    text = "Officials came to propose a mechanism and urged action; ‘pressure from China,’ he said"
    assert matched_cues(cues, text) == ["propose", "to propose", "urge*", "pressure from china"]
    assert cue_strength(cues, text) == 0.85  # three places: as firm as two
    assert cue_strength(cues, "Officials came to propose a mechanism.") == 0.75
    assert matched_cues(cues, "a proposal") == []


def test_modals_of_possibility_propose_weakly_and_speculation_not_at_all():
    cues = [compile_cue("should"), compile_cue("could", weak=True), compile_cue("might", weak=True)]
    assert cue_strength(cues, "Japan should pass a law.") == 0.75
    assert cue_strength(cues, "Japan could help Taiwan stockpile gas.") == 0.375
    assert cue_strength(cues, "The paper could be seen as a warning.") == 0.0
    assert cue_strength(cues, "Japan could not stand by.") == 0.0
    # Foreseeing a loss or a harm is no proposal.
    assert cue_strength(cues, "A company seen to help might lose those orders overnight.") == 0.0
    assert cue_strength(cues, "Such a step could provoke Beijing.") == 0.0


def test_an_obligation_to_think_rather_than_act_proposes_only_weakly():
    """"Tokyo must also weigh its own exposure" names no step to take; "should consider
    joint patrols" names one."""
    cues = [compile_cue(c) for c in ("must", "should", "needs to")]
    assert cue_strength(cues, "Tokyo must also weigh its own exposure to a blockade.") == 0.375
    assert cue_strength(cues, "Japan should remember that Taiwan is a democracy.") == 0.375
    assert cue_strength(cues, "The cabinet must consider whether the law allows it.") == 0.375
    assert cue_strength(cues, "Tokyo needs to bear in mind the cost.") == 0.375
    assert cue_strength(cues, "Japan should consider joint patrols with Taiwan.") == 0.75
    assert cue_strength(cues, "Japan must carefully share radar data.") == 0.75
    # Any firm cue besides keeps the sentence a firm proposal.
    assert cue_strength(cues, "Japan must weigh the risks, and it should open a hotline.") \
        == 0.85


def test_a_cue_denied_to_exist_or_in_an_idiom_of_doubt_makes_no_point():
    cues = [compile_cue(c) for c in ("reason", "need to", "legal basis", "cannot")]
    assert cue_strength(cues, "Yet there is no institutional reason why it could not.") == 0.0
    assert cue_strength(cues, "There is no need to hurry.") == 0.0
    assert cue_strength(cues, "It cannot be ruled out that China would seize the islands.") == 0
    # the lack itself is the point
    assert cue_strength(cues, "Japan has no legal basis for security ties.") == 0.75
    assert cue_strength(cues, "One reason is business exposure.") == 0.75


def test_declining_to_comment_is_no_reason():
    cues = [compile_cue("declin*", weak=True)]
    assert cue_strength(cues, "A spokesperson for the ministry declined to comment.") == 0.0
    assert cue_strength(cues, "Abe's administration declined to respond.") == 0.375


def test_a_call_whose_object_is_a_bare_pronoun_proposes_nothing():
    cues = [compile_cue("calling for"), compile_cue("urge*")]
    assert cue_strength(cues, "Authoritative voices in Japan are calling for it.") == 0.0
    assert cue_strength(cues, "Lawmakers urged this.") == 0.0
    assert cue_strength(cues, "Voices are calling for it to start talks now.") == 0.75
    assert cue_strength(cues, "They urged that a hotline be set up.") == 0.75


def test_a_call_on_the_world_at_large_proposes_only_weakly():
    """A call on "the international community" or "other democracies" asks no one in
    particular to act: it counts as a weak cue, and adds nothing to another cue."""
    cues = [compile_cue(c) for c in ("must", "should", "called on", "calls for")]
    assert cue_strength(cues, "The international community must face up to the situation.") \
        == 0.375
    assert cue_strength(cues, "Other democracies should pay more attention to it.") == 0.375
    assert cue_strength(cues, "Kishi called on the international community to pay attention.") \
        == 0.375
    assert cue_strength(cues, "Japan calls for attention and called on the world to act.") \
        == 0.75
    assert cue_strength(cues, "Japan must open a hotline with the world's busiest port.") == 0.75
    assert cue_strength(cues, "Taipei and Tokyo should act.") == 0.75
    # The world at large as the partner of the action called for.
    assert cue_strength(cues, "Japan should “closely cooperate with countries that share the "
                              "same fundamental values.”") == 0.375
    assert cue_strength(cues, "Japan should work with like-minded democracies.") == 0.375
    assert cue_strength(cues, "Japan should also work with like-minded democracies.") == 0.375
    assert cue_strength(cues, "Japan should also deepen its ties with other democracies in "
                              "the region.") == 0.375
    assert cue_strength(cues, "Japan should work with Taiwan's coast guard.") == 0.75


def test_an_obligation_inside_a_difficulty_states_a_constraint_not_a_proposal():
    cues = [compile_cue(c) for c in ("must", "should", "the main problem")]
    assert cue_strength(cues, "The main problem is that every step must be taken without a "
                              "treaty.") == 0.75  # the difficulty's own cue, not "must"
    assert cue_strength([cues[0]], "The main problem is that every step must be taken "
                                   "without a treaty.") == 0.0
    assert cue_strength([cues[1]], "The problem is that Japan should act first.") == 0.0
    assert cue_strength([cues[1]], "Japan should act first.") == 0.75


def test_an_obligation_of_fact_proposes_nothing():
    cues = [compile_cue(c) for c in ("must", "has to")]
    assert cue_strength(cues, "Taiwan has to import almost all of its energy, and most tankers "
                              "bound for the island must pass through waters Japan patrols.") \
        == 0.0
    assert cue_strength(cues, "Chinese aircraft must regularly cross the Miyako Strait.") == 0.0
    assert cue_strength(cues, "Japan must pass a law.") == 0.75  # a law, not a strait
    assert cue_strength(cues, "Japan has to share radar tracks.") == 0.75


def test_a_protest_or_a_requirement_proposes_nothing():
    """A call that someone stop protests an action; an obligation that follows from something
    else ("would have to be approved") states a requirement."""
    cues = [compile_cue(c) for c in ("urged", "called on", "have to", "need to")]
    assert cue_strength(cues, "China's foreign ministry urged Japan to stop sending lawmakers "
                              "to Taiwan.") == 0.0
    assert cue_strength(cues, "Beijing called on Tokyo not to receive the delegation.") == 0.0
    assert cue_strength(cues, "Any such step would have to be approved by Japan's cabinet.") \
        == 0.0
    assert cue_strength(cues, "Japan will also need to amend its laws.") == 0.0
    assert cue_strength(cues, "Huang urged Tokyo to allow Taiwanese officers to attend.") == 0.75
    assert cue_strength(cues, "The two governments need to share radar tracks.") == 0.75


def test_an_obstacle_named_as_what_to_get_past_gives_no_reason():
    cues = [compile_cue("restrict*"), compile_cue("barrier*")]
    assert cue_strength(cues, "They might think of ways to circumvent diplomatic restrictions.") \
        == 0.0
    assert cue_strength(cues, "It would help them break through the barriers.") == 0.0
    assert cue_strength(cues, "Japan faces constitutional restrictions.") == 0.75


def test_a_cue_in_a_relative_clause_is_background_not_the_point():
    """", which … restricts China's access" says something of the island chain: a weak cue,
    adding nothing to another; ", which is a good starting point" judges the clause before."""
    cues = [compile_cue(c) for c in ("restrict*", "constitutional", "starting point")]
    assert cue_strength(cues, "Seizure of Taiwan would mean China would own part of the first "
                              "island chain, which stretches from Japan to Indonesia and "
                              "restricts China's access to the Pacific.") == 0.375
    assert cue_strength(cues, "Japan, which faces constitutional limits, waits.") == 0.375
    assert cue_strength(cues, "Japan faces constitutional limits.") == 0.75
    assert cue_strength(cues, "Cyber cooperation has a lower threshold, which is a good "
                              "starting point.") == 0.75


def test_a_refusal_shows_the_stall_and_is_only_a_weak_reason(kb):
    """"Japan was indifferent", "Japan has still rejected Taiwanese requests" say that it
    stalls, not why: weak obstacle cues in the bundled topics, as "declined" is."""
    cues = topic_cues(kb.corpus.topics["obstacles"])
    assert cue_strength(cues, "Japan was indifferent to the request.") == 0.375
    assert cue_strength(cues, "Japan has still rejected Taiwanese requests.") == 0.375
    assert cue_strength(cues, "Tokyo rejected it, fearing Beijing's response for fear of "
                              "retaliation.") == 0.85


def test_a_fear_held_is_a_reason_and_a_fear_named_only_a_weak_one(kb):
    cues = topic_cues(kb.corpus.topics["obstacles"])
    assert cue_strength(cues, "Japanese officials also fear that Beijing would answer with "
                              "economic coercion.") == 0.75
    assert cue_strength(cues, "Some in Tokyo also worry that a joint project would hand "
                              "Beijing a pretext.") == 0.75
    assert cue_strength(cues, "Officers trained inside the alliance hesitate to improvise a "
                              "second channel.") == 0.75
    assert cue_strength(cues, "There is also a problem of people.") == 0.75
    assert cue_strength(cues, "The catch is that any exchange must be funded twice.") == 0.75
    assert cue_strength(cues, "Any such step would have to be approved by the cabinet.") == 0.75
    # something missing, said of someone, is a reason; a lack as the subject only weakly
    assert cue_strength(cues, "There is also a lack of trust within Taiwan.") == 0.75
    assert cue_strength(cues, "Japan's navy also lacks a common radio frequency.") == 0.75
    assert cue_strength(cues, "Lack of cooperation means, for example, that the air forces "
                              "must guess.") == 0.375
    assert cue_strength(cues, "Japan has growing worries about China's rearmament.") == 0.375


def test_the_object_of_a_cue_is_what_a_one_point_sentence_is_about():
    cues = [compile_cue(c) for c in ("no formal", "should", "rejected", "lack*")]
    assert cue_objects(cues, "Although both face the same threat, there is no formal military "
                             "exchange between the two countries.") == \
        (("no formal", "military exchange between the two countries"),)
    # adverbs are left out; after a modal the object is an action, shared by distinct points
    assert cue_objects(cues, "Japan rejected outright the hotline plan, officials say.") == \
        (("rejected", "outright the hotline plan"),)
    assert cue_objects(cues, "Japan should open a direct hotline.") == ()
    # nor after a call on someone to act: whom it is made on, then an action
    assert cue_objects([compile_cue("urged")],
                       "Chen urged Tokyo to let Taiwanese companies bid.") == ()
    # nor after a cue that opens a clause: "Beijing would …" recurs in distinct fears
    assert cue_objects([compile_cue("fear* that")],
                       "Officials fear that Beijing would answer with coercion.") == ()
    # a sentence with two cue places may make two points; a weak cue's object says nothing
    assert cue_objects(cues, "Abe rejected the proposal, saying there are no formal ties.") \
        == ()
    assert cue_objects([compile_cue("lack*", weak=True)], "A lack of trust.") == ()


def test_one_cue_on_one_thing_is_one_point_in_whatever_other_words():
    """"there is no formal diplomatic relationship or direct military cooperation between …"
    and "there is no formal military exchange between …" share few words, one cue and its
    object's "military": one point. Other points stay apart."""
    a = replace(_statement("a", 1, 0.9, "diplomat", "relationship", "direct", "militari",
                           "threaten", "law"),
                objects=frozenset({("no formal", "diplomat"), ("no formal", "militari")}))
    b = replace(_statement("b", 1, 0.8, "militari", "exchang", "threat", "ccp", "face"),
                objects=frozenset({("no formal", "militari"), ("no formal", "exchang")}))
    c = replace(_statement("c", 1, 0.7, "militari", "constitut", "action"),
                objects=frozenset({("constitutional", "restrict")}))
    groups = group_statements([a, b, c])
    assert sorted(len(g.statements) for g in groups) == [1, 2]
    assert next(g for g in groups if len(g.statements) == 2).documents == ("a", "b")


def test_a_need_named_as_a_noun_proposes_only_weakly(kb):
    """"The need to …" describes as often as it proposes ("a pressing need to support Taiwan
    has not been a constant"): in the bundled topics a weak proposal cue; "needs to" is not."""
    cues = topic_cues(kb.corpus.topics["proposals"])
    assert cue_strength(cues, "Such a pressing need to support Taiwan has not been a constant.") \
        == 0.375
    assert cue_strength(cues, "Japan needs to fund joint research.") == 0.75
    # after its subject, "need to" is the verb
    assert cue_strength(cues, "Beyond that, the two governments need to share radar tracks.") \
        == 0.75
    assert cue_strength(cues, "There is an urgent need to share radar tracks.") == 0.375


def _statement(doc: str, number: int, relevance: float, *terms: str) -> Statement:
    return Statement(f"{doc}#p{number}", doc, 0, 10, 1, None, None, False, None, None,
                     ("should",), relevance, frozenset(terms))


def test_one_point_in_other_words_is_one_group_and_other_points_stay_apart():
    made_twice = [_statement("a", 1, 0.9, "coast", "guard", "drill", "annual"),
                  _statement("b", 4, 0.7, "coast", "guard", "drill", "joint")]
    other = [_statement("a", 2, 0.8, "export", "control", "chip"),
             _statement("c", 1, 0.6, "evacuation", "plan", "nationals")]
    groups = group_statements([*made_twice, *other])
    assert sorted(len(g.statements) for g in groups) == [1, 1, 2]
    pair = next(g for g in groups if len(g.statements) == 2)
    assert pair.documents == ("a", "b")  # best statement first: the one shown


def test_one_article_with_many_points_does_not_fill_the_briefing():
    """Sources balanced: each document gets about its share of the distinct points."""
    prolific = [_statement("a", n, 0.83 - n / 1000, f"term{n}") for n in range(1, 9)]
    others = [_statement(d, 1, 0.8, f"{d}term") for d in ("b", "c")]
    groups = group_statements([*prolific, *others])
    # "a" has 8 of the 10 points, each a little better than the others' one: its share of
    # the first 5 is 4, and the fifth goes to another source.
    first = [g.statements[0].doc for g in order_groups(groups, 5)]
    assert first == ["a", "a", "a", "a", "b"]
    assert [g.statements[0].doc for g in order_groups(groups, 10)].count("a") == 8


def test_a_point_after_one_already_shown_leaves_it_as_context():
    """"Altogether, then, it clearly prefers…" leans on "Japan also faces constitutional
    restrictions…", an obstacle of its own shown first: the later point quotes its own
    sentence with that one as context; one that only goes on with the same point (a cue of
    the point it leans on) is not shown again."""
    shown = Statement("a#p1", "a", 0, 40, 1, None, None, False, None, None,
                      ("constitutional",), 0.9, frozenset({"constitut"}), (0,), -1,
                      ("constitutional",))
    prefers = Statement("a#p1", "a", 0, 90, 2, None, None, False, None, None,
                        ("constitutional", "prefer*"), 0.8, frozenset({"prefer"}), (0, 41), -1,
                        ("prefer*",))
    same = Statement("a#p1", "a", 0, 90, 2, None, None, False, None, None,
                     ("constitutional",), 0.7, frozenset({"acut"}), (0, 41), -1,
                     ("constitutional",))
    groups = order_groups(group_statements([shown, prefers, same]), 10)
    assert len(groups) == 2
    later = groups[1].statements[0]
    assert (later.start, later.end, later.sentences) == (41, 90, 1)
    assert later.context == ("a#p1", 0, 41)


def test_a_preference_for_another_way_is_a_reason(kb):
    """"Altogether, then, it clearly prefers to manage security issues … through the United
    States" is found among the obstacles ("prefers to")."""
    texts = [kb.corpus.passage(s.passage).text[s.start:s.end]
             for g in kb.brief_facets["obstacles"].groups for s in g.statements]
    assert any("clearly prefers to manage security issues" in t for t in texts)
    cues = topic_cues(kb.corpus.topics["obstacles"])
    assert cue_strength(cues, "Altogether, it prefers to manage them through the US.") == 0.75


def test_a_sentence_commenting_on_a_point_is_not_another_point():
    """"… a government it does not recognize. That is true, and it is the central obstacle to
    any formal arrangement." (a tuning article): the comment makes the point of the sentence
    it stands for, so it is no statement of its own; "This is why …" would be."""
    with heldout_knowledge(TUNING_DIR, beside=False) as tmp:
        kb = KnowledgeBase.from_corpus(load_corpus(Path(tmp) / "knowledge"))
        texts = [kb.corpus.passage(s.passage).text[s.start:s.end]
                 for g in kb.brief_facets["obstacles"].groups for s in g.statements]
    assert any(t.startswith("Critics will object") for t in texts)
    assert not any("That is true" in t for t in texts)
    assert comments_on_previous("That is true, and it is the central obstacle.")
    assert not comments_on_previous("That person says Japan should act.")
    assert not comments_on_previous("This is why Japan should act.")


def test_a_cue_in_the_quoted_title_of_a_work_makes_no_point():
    cues = [compile_cue("calls for"), compile_cue("called on")]
    assert cue_strength(cues, "In an interview titled “Japan calls for attention,” he spoke.") \
        == 0.0
    assert cue_strength(cues, "Japan calls for attention.") == 0.75

def test_a_point_whose_other_sources_are_quoted_already_loses_their_support():
    """Support counts the sources a point still shows: when another article's statement of it
    is quoted by an earlier point, it competes as a one-source point."""
    taken = _statement("a", 1, 0.9, "hotline")
    pair = [_statement("b", 1, 0.6, "drill", "annual"), _statement("a", 1, 0.5, "drill", "joint")]
    single = _statement("c", 1, 0.7, "export")
    groups = order_groups(group_statements([taken, *pair, single]), 10)
    assert [g.statements[0].doc for g in groups] == ["a", "c", "b"]
    assert groups[2].documents == ("b",)


def test_who_makes_a_point_is_not_what_it_is_about(kb):
    """The people and organisations a sentence names say who acts or speaks: two statements
    sharing only "the Japanese Ministry of Defense" are not one point."""
    from bot.answers.brief.facets import _point_terms

    passage = Passage("d", 1, "Officials at the Japanese Ministry of Defense argue that joint "
                              "planning would violate the spirit of the Joint Communique.")
    terms = _point_terms(kb, candidate_spans(passage)[0])
    assert {"joint", "communiqu"} <= terms
    assert not {"ministri", "japanes"} & terms
    # nor are the titles before a speaker's name, nor the verbs of any action
    passage = Passage("d", 2, "The delegation, led by former defense minister Yuki Arakawa, "
                              "said Taiwanese officers should hold an annual meeting.")
    assert not {"former", "minist", "hold"} & _point_terms(kb, candidate_spans(passage)[0])
    passage = Passage("d", 3, "Deputy Foreign Minister Lee Wen-chi proposed a forum of "
                              "retired admirals.")
    assert "forum" in (terms := _point_terms(kb, candidate_spans(passage)[0]))
    assert "foreign" not in terms
    passage = Passage("d", 2, "Yao Chung-yuan, a retired Ground Self-Defense Force general, "
                              "said Japan and Taiwan should agree on common drone standards.")
    terms = _point_terms(kb, candidate_spans(passage)[0])
    assert {"drone", "standard"} <= terms and not {"ground", "forc", "syn:sdf"} & terms


def test_a_speculation_names_a_point_but_lends_it_no_support():
    """"Tokyo might pass laws …" beside "it is necessary … to pass a law": one point, still
    shown with both sources, but supported by the one that makes it."""
    firm = _statement("a", 1, 0.7, "drill", "annual", "pass")
    speculation = replace(_statement("b", 1, 0.4, "drill", "joint", "pass"), firm=False)
    other = _statement("c", 1, 0.8, "export")
    groups = order_groups(group_statements([firm, speculation, other]), 10)
    assert [g.statements[0].doc for g in groups] == ["c", "a"]
    assert groups[1].documents == ("a", "b")


@pytest.mark.parametrize("text", [
    "Last year, former Deputy Foreign Minister Lee Wen-chi SAID Japan should act.",
    "Kishi pointed   out that the ministry must hold talks.", "İstanbul officials said so.",
    "The ſecretary ſaid nothing.", "It was 2019, ıt said.", "Japan must share radar data."])
def test_who_and_when_are_left_out_of_a_points_terms_whatever_the_case(text):
    facets = importlib.import_module("bot.answers.brief.facets")
    assert facets._without_who_and_when(text) == facets._NOT_THE_POINT_RE.sub(" ", text)
