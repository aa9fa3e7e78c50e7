"""Tests for bot.text: folding, sentences and the analyzer, on phrases of the seed corpus."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot import sentences as sentences_module
from bot import text as text_module
from bot.text import STOPWORDS, Analyzer, Sentence, fold, split_sentences

SEED_DIR = Path(__file__).resolve().parent / "data" / "seed-articles"

SYNONYMS = [
    ["Senkaku", "Senkaku Islands", "Diaoyutai", "Diaoyutais", "釣魚台"],
    ["SDF", "Self-Defense Forces", "Japan Self-Defense Forces"],
    ["TRA", "Taiwan Relations Act"],
    ["CCP", "Chinese Communist Party"],
    ["PLA", "People's Liberation Army"],
    ["2+2", "two-plus-two", "Security Consultative Committee"],
    ["JUST Program", "Japan-U.S.-Taiwan Project", "JUST"],
    ["air defense", "air defence"],
    ["defense", "defence"],
]

# Real paragraphs of the seed articles, verbatim.
DEC_23 = (
    "On Dec. 23 last year, 127 Japanese city, township and village-level leaders launched the "
    "Japan-Taiwan Co-prosperity Leader Alliance in Tokyo. With the military threat from China "
    "continuing to grow, the alliance calls for a Japanese version of the US’ Taiwan Relations "
    "Act, and urges the Japanese government to use legislation to bolster Taiwan-Japan security "
    "so that the two sides can engage in dialogue on security issues.")
JAN_7 = (
    "On Jan. 7, US and Japanese foreign and defense ministers held the US-Japan Security "
    "Consultative Committee (2+2) Meeting.")
AUG_2 = (
    "In an interview with the Financial Times published on Aug. 2, titled “Japan calls for "
    "greater attention to survival of Taiwan,” Japanese Minister of Defense Nobuo Kishi warned "
    "about the expanding Chinese military encircling Taiwan and called on the international "
    "community to pay greater attention to Taiwan’s survival.")
US_DOTTED = (
    "It would be the best if Japan is able to create a Taiwan Relations Act, perhaps similar to "
    "that which the United States has with Taiwan. If it does that, then the Taiwan-U.S.-Japan "
    "triangular relationship will be strengthened. The U.S. has the TRA with Taiwan, and a "
    "70-year formal alliance with Japan. But there is nothing linking Japan and Taiwan. As such, "
    "the Japan-Taiwan link, despite the long historical relationship, deep cultural ties, close "
    "economic relations, and shared values, is the weaker one.")
ABE_QUOTE = (
    "Late prime minister Shinzo Abe said in 2021 that Japan and the United States could not "
    "stand by if China attacked Taiwan. ‘A Taiwan emergency is a Japanese emergency and therefore "
    "an emergency for the US-Japan Alliance,’ he said. Abe went on to call for the US to ditch "
    "its policy of strategic ambiguity, which leaves Beijing guessing about Washington’s possible "
    "response to attempted conquest of the island, and instead make it clear it would defend it.")
LII_QUOTE = (
    "Why is Japan dragging its feet? Extensive Japanese business exposure to China is one obvious "
    "reason, and another is Beijing’s diplomatic heft. ‘Japan still feels pressure from China,’ "
    "Lii Wen, now Taiwan’s presidential spokesperson, said in an interview earlier this year. "
    "‘Japan’s foreign ministry will feel the pressure more acutely,’ he said. Lii was then head "
    "of international affairs for the Democratic Progressive Party, the party of President Lai "
    "Ching-te.")
BRACKETS = (
    "For example, it cannot be ruled out that China would seize an opportunity to take over the "
    "Senkaku Islands [Diaoyutais, 釣魚台], which are claimed by Japan. Japan and China have "
    "recently stepped up their claims over disputed islands in the East China Sea, leading to a "
    "gradual deterioration of the bilateral relationship. In its defense white paper, Japan "
    "openly denounced “China’s attempt to change the status quo in the East China Sea” as Beijing "
    "continues to rapidly expand its military activities.")
PARENS = (
    "Actress Barbie Hsu (徐熙媛), known affectionately as “Big S,” recently passed away from "
    "pneumonia caused by the flu. The Mandarin word for the flu — which translates to “epidemic "
    "cold” in English — is misleading.")
# "Trump ‘s" (a stray opening quote used as an apostrophe) makes bare pysbd read the rest of the
# paragraph as one quotation; it returns 2 sentences here instead of 4.
STRAY_QUOTE = (
    "The United States Agency for International Development (USAID) has long been a cornerstone "
    "of US foreign policy, advancing not only humanitarian aid but also the US’ strategic "
    "interests worldwide. The abrupt dismantling of USAID under US President Donald Trump ‘s "
    "administration represents a profound miscalculation with dire consequences for global "
    "influence, particularly in the Indo-Pacific. By withdrawing USAID’s presence, Washington is "
    "creating a vacuum that China is eager to fill, a shift that will directly weaken Taiwan’s "
    "international position while emboldening Beijing’s efforts to isolate Taipei. USAID has "
    "been a crucial player in countering China’s global expansion, particularly in regions where")
TRACK = (
    "The important thing is to ‘start where possible' and ‘achieve results'. The substantial "
    "progress of cooperation is more important than the symbolic progress. It is not difficult "
    "for private think tanks, universities and other units to conduct joint research on "
    "strategic dialogues and ‘track 1.5 diplomacy'.")
PARAGRAPHS = [DEC_23, JAN_7, AUG_2, US_DOTTED, ABE_QUOTE, LII_QUOTE, BRACKETS, PARENS,
              STRAY_QUOTE, TRACK]


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(SYNONYMS)


def seed_paragraphs() -> list[str]:
    if not SEED_DIR.is_dir():
        return []
    return [line for path in sorted(SEED_DIR.glob("*.txt"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# ------------------------------------------------------------------------------------ fold


@pytest.mark.parametrize(("raw", "folded"), [
    ("Japan’s", "japan's"),
    ("‘Only thunder, no rain’", "'only thunder, no rain'"),
    ("“anti-China, pro-Taiwan”", '"anti-china, pro-taiwan"'),
    ("threat — the Chinese", "threat - the chinese"),
    ("2019–2021 ‒ −5 ―", "2019-2021 - -5 -"),
    ("Taiwan\u00a0Strait\u2009now\u3000here", "taiwan strait now here"),
    ("Sen\u200bka\u200dku\ufeff", "senkaku"),
    ("ＵＳ－Ｊａｐａｎ", "us-japan"),  # full-width forms, via NFKC
    ("Straße", "strasse"),
])
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


# ---------------------------------------------------------------------------------- tokens


@pytest.mark.parametrize(("phrase", "expected"), [
    # hyphenated compounds: the parts and the joined compound
    ("a greater US-Japan-Taiwan security alliance", {"us", "japan", "taiwan", "usjapantaiwan"}),
    ("the Japan-Taiwan Co-prosperity Leader Alliance", {"co", "prosper", "coprosper"}),
    ("the Japanese Self-Defense Forces have", {"self", "defens", "selfdefens"}),
    ("Taiwan Brain Trust Yu-Shih Liao", {"yu", "shih", "yushih", "liao"}),
    ("the Taiwan-U.S.-Japan triangular relationship", {"taiwan", "us", "japan", "taiwanusjapan"}),
    ("the COVID-19 pandemic", {"covid", "19", "covid19"}),
    # numbers
    ("only 110km from the westernmost point of Japan", {"110", "km"}),
    ("Security Consultative Committee (2+2) Meeting", {"2+2"}),
    ("the “two-plus-two meeting” in Washington", {"2+2", "two", "plus"}),
    ("strategic dialogues and ‘track 1.5 diplomacy'.", {"track", "1.5", "diplomaci"}),
    ("for 97 percent of its energy supply", {"97", "percent"}),
    ("in February 2019 reported", {"2019"}),
    ("and included 970,000 doses", {"970000"}),
    ("has reached 3.34 million doses.", {"3.34", "million"}),
    # possessives and the country
    ("Japan’s Sankei Shimbun", {"japan", "sankei", "shimbun"}),
    ("the Diaoyutais’ contiguous zone", {"diaoyutai", "contigu"}),
    ("The U.S. has the TRA with Taiwan", {"us", "tra"}),
    ("the US’ Taiwan Relations Act", {"us", "taiwan", "relat", "act"}),
    # CJK runs in parentheses and brackets
    ("the Senkaku Islands [Diaoyutais, 釣魚台], which", {"釣魚台", "diaoyutai", "senkaku"}),
    ("the Chunxiao (春曉) gas field", {"春曉", "chunxiao"}),
    ("President Tsai Ing-wen (蔡英文) said", {"蔡英文", "蔡英", "英文", "ingwen"}),
])
def test_tokens_keep(phrase: str, expected: set[str]) -> None:
    assert expected <= set(Analyzer().tokens(phrase))


@pytest.mark.parametrize(("phrase", "absent"), [
    ("Japan’s Sankei Shimbun", {"japan's", "japans", "s"}),
    ("military security—even just", {"securityeven", "just"}),  # an em dash is no hyphen
    ("Whether it had an official okay in doing this isn’t clear.", {"isn't", "isnt", "isn", "t"}),
    ("The abrupt dismantling of USAID under US President Donald Trump ‘s administration", {"s"}),
    ("from 2019–2021", {"20192021"}),  # a number range is no compound
    ("in the 1990s", {"s", "1990s"}),
])
def test_tokens_drop(phrase: str, absent: set[str]) -> None:
    assert not absent & set(Analyzer().tokens(phrase))


@pytest.mark.parametrize(("query", "passage"), [
    ("usjapantaiwan", "a greater US-Japan-Taiwan security alliance"),
    ("Yushih", "Taiwan Brain Trust Yu-Shih Liao"),
    ("coprosperity", "the Japan-Taiwan Co-prosperity Leader Alliance"),
    ("two-plus-two", "Security Consultative Committee (2+2) Meeting"),
    ("2+2", "the “two-plus-two meeting” in Washington"),
    ("U.S.", "US and Japanese foreign and defense ministers"),
    ("US", "The U.S. has the TRA with Taiwan"),
    ("USA", "the US’ Taiwan Relations Act"),
    ("110 km", "only 110km from the westernmost point"),
    ("TAIWAN STRAIT", "in the Taiwan Strait"),
    ("japans", "Japan’s Sankei Shimbun"),
    ("Diaoyutai", "the Diaoyutais’ contiguous zone"),
])
def test_query_forms_meet(query: str, passage: str) -> None:
    a = Analyzer()
    assert set(a.tokens(query)) & set(a.tokens(passage))


def test_tokens_are_case_and_width_insensitive() -> None:
    a = Analyzer()
    assert a.tokens("TAIWAN’S Self‑Defense") == a.tokens("taiwan's self-defense")


# ------------------------------------------------------------------------------- stopwords


@pytest.mark.parametrize(("phrase", "expected"), [
    ("there is no formal military exchange", ["formal", "militari", "exchang"]),
    ("Japan has no legal basis", ["japan", "legal", "basi"]),
    ("US", ["us"]),
    ("us", ["us"]),
    ("U.S.", ["us"]),
    ("U.S", ["us"]),
    ("U.S.A.", ["us"]),
    ("Ma Ying-jeou won", ["ma", "ying", "jeou", "won", "yingjeou"]),  # not NLTK's fragments
])
def test_stopwords(phrase: str, expected: list[str]) -> None:
    assert Analyzer().tokens(phrase) == expected


def test_stopword_list() -> None:
    assert {"the", "of", "no", "not", "nor", "isn't", "won't"} <= STOPWORDS
    assert not {"us", "ma", "won", "don", "shan"} & STOPWORDS


def test_stopwords_off() -> None:
    assert Analyzer(stopwords=False).tokens("there is no formal") == [
        "there", "is", "no", "formal"]


# -------------------------------------------------------------------------------- stemming


@pytest.mark.parametrize(("word", "stem"), [
    ("prosperity", "prosper"), ("islands", "island"), ("diaoyutais", "diaoyutai"),
    ("consultative", "consult"), ("2+2", "2+2"), ("1.5", "1.5"), ("釣魚台", "釣魚台"),
])
def test_stem(word: str, stem: str) -> None:
    assert Analyzer().stem(word) == stem


def test_stem_off() -> None:
    a = Analyzer(stem=False)
    assert a.stem("islands") == "islands"
    assert a.tokens("the Senkaku Islands") == ["senkaku", "islands"]


def test_stems_are_cached() -> None:
    Analyzer().stem("cooperation")
    hits = text_module._snowball.cache_info().hits
    Analyzer().stem("cooperation")
    assert text_module._snowball.cache_info().hits == hits + 1


# -------------------------------------------------------------------------------- synonyms


@pytest.mark.parametrize(("query", "passage", "canonical"), [
    ("Diaoyutai", "take over the Senkaku Islands, which are claimed by Japan", "syn:senkaku"),
    ("釣魚台", "170km southwest of the Senkaku islands", "syn:senkaku"),
    ("Senkaku", "through the Diaoyutais’ contiguous zone", "syn:senkaku"),
    ("TRA", "a Japanese version of the US’ Taiwan Relations Act", "syn:tra"),
    ("Taiwan Relations Act", "The U.S. has the TRA with Taiwan", "syn:tra"),
    ("SDF", "the Japanese Self-Defense Forces have also enhanced", "syn:sdf"),
    ("selfdefense forces", "the Japanese Self-Defense Forces have also enhanced", "syn:sdf"),
    ("CCP", "the same military threat — the Chinese Communist Party", "syn:ccp"),
    ("PLA", "potential People’s Liberation Army Rocket Force’s Taiwan targets", "syn:pla"),
    ("2+2", "This includes the “two-plus-two meeting” in Washington", "syn:2+2"),
    ("two plus two", "the US-Japan Security Consultative Committee Meeting", "syn:2+2"),
    ("JUST", "the JUST Program (Japan-U.S.-Taiwan Project)", "syn:just_program"),
    ("defence", "the most basic air defense information", "syn:defens"),
])
def test_synonyms_meet(analyzer: Analyzer, query: str, passage: str, canonical: str) -> None:
    assert canonical in analyzer.tokens(passage)
    if query != "JUST":  # a term of stopwords alone is ignored: "just" is also a plain word
        assert canonical in analyzer.tokens(query)


def test_synonyms_keep_original_terms(analyzer: Analyzer) -> None:
    assert {"taiwan", "relat", "act", "syn:tra"} <= set(analyzer.tokens("Taiwan Relations Act"))
    assert {"senkaku", "island", "syn:senkaku"} <= set(analyzer.tokens("Senkaku Islands"))


@pytest.mark.parametrize(("phrase", "count"), [
    ("Chinese Communist Party (CCP)", {"syn:ccp": 2}),
    ("Japan Self-Defense Forces", {"syn:sdf": 1, "syn:defens": 1}),  # nested terms: the longest
    ("the Senkaku Islands [Diaoyutais, 釣魚台]", {"syn:senkaku": 3}),
    ("air defense", {"syn:air_defens": 1, "syn:defens": 1}),  # groups may overlap
    ("Taiwan Relations", {}),  # a phrase matches whole or not at all
    ("Self-Defense", {"syn:defens": 1}),
    ("not just a seasonal nuisance", {}),
    ("JUST Program", {"syn:just_program": 1}),
])
def test_synonym_counts(analyzer: Analyzer, phrase: str, count: dict[str, int]) -> None:
    found = [t for t in analyzer.tokens(phrase) if t.startswith("syn:")]
    assert {name: found.count(name) for name in found} == count


def test_no_synonyms_no_canonical_terms() -> None:
    assert not [t for t in Analyzer().tokens(BRACKETS) if t.startswith("syn:")]
    assert Analyzer([["the", "a"]]).tokens("the Strait") == ["strait"]


# ----------------------------------------------------------------------------- fingerprint


def test_fingerprint() -> None:
    base = Analyzer(SYNONYMS).fingerprint
    assert base == Analyzer([list(group) for group in SYNONYMS]).fingerprint
    variants = [
        Analyzer(),
        Analyzer([*SYNONYMS, ["LDP", "Liberal Democratic Party"]]),
        Analyzer([["Senkaku", "Diaoyutai"], *SYNONYMS[1:]]),
        Analyzer(SYNONYMS, stem=False),
        Analyzer(SYNONYMS, stopwords=False),
    ]
    prints = {base, *(a.fingerprint for a in variants)}
    assert len(prints) == len(variants) + 1


# -------------------------------------------------------------------------------- speed


def test_tokens_fast_and_without_pysbd(monkeypatch: pytest.MonkeyPatch,
                                       analyzer: Analyzer) -> None:
    def no_pysbd() -> None:
        raise AssertionError("tokens() must not segment sentences")

    monkeypatch.setattr(sentences_module, "_segmenter", no_pysbd)
    analyzer.tokens(DEC_23)
    runs = 200
    began = time.perf_counter()
    for _ in range(runs):
        analyzer.tokens(DEC_23)  # ~70 words
    assert (time.perf_counter() - began) / runs < 0.002  # typically ~0.2 ms; slack for CI


# ------------------------------------------------------------------------------- sentences


def check_sentences(text: str, sentences: list[Sentence]) -> None:
    """Verbatim slices, stripped, in order, covering every non-whitespace character."""
    end = 0
    for sentence in sentences:
        assert sentence.text == text[sentence.start:sentence.end]
        assert sentence.text and sentence.text == sentence.text.strip()
        assert sentence.start >= end
        assert not text[end:sentence.start].strip()
        end = sentence.end
    assert not text[end:].strip()


@pytest.mark.parametrize(("paragraph", "starts"), [
    (DEC_23, ["On Dec. 23 last year", "With the military threat"]),
    (JAN_7, ["On Jan. 7, US and Japanese"]),
    (AUG_2, ["In an interview with the Financial Times published on Aug. 2"]),
    (US_DOTTED, ["It would be", "If it does that, then the Taiwan-U.S.-Japan",
                 "The U.S. has the TRA", "But there is nothing", "As such"]),
    (ABE_QUOTE, ["Late prime minister", "‘A Taiwan emergency", "Abe went on"]),
    (LII_QUOTE, ["Why is Japan", "Extensive Japanese", "‘Japan still feels", "‘Japan’s foreign",
                 "Lii was then"]),
    (BRACKETS, ["For example", "Japan and China have", "In its defense white paper"]),
    (PARENS, ["Actress Barbie Hsu (徐熙媛)", "The Mandarin word"]),
    (STRAY_QUOTE, ["The United States Agency", "The abrupt dismantling", "By withdrawing",
                   "USAID has been"]),
    (TRACK, ["The important thing", "The substantial", "It is not difficult"]),
])
def test_split_sentences(paragraph: str, starts: list[str]) -> None:
    sentences = split_sentences(paragraph)
    check_sentences(paragraph, sentences)
    assert len(sentences) == len(starts)
    for sentence, start in zip(sentences, starts, strict=True):
        assert sentence.text.startswith(start)


def test_quoted_speech_stays_with_its_speaker() -> None:
    texts = [s.text for s in split_sentences(ABE_QUOTE)]
    assert texts[1] == ("‘A Taiwan emergency is a Japanese emergency and therefore an emergency "
                        "for the US-Japan Alliance,’ he said.")
    assert split_sentences(BRACKETS)[0].text.endswith("[Diaoyutais, 釣魚台], which are claimed "
                                                       "by Japan.")


@pytest.mark.parametrize(("paragraph", "expected"), [
    ("‘Why now?’ he asked. Nothing followed.", ["‘Why now?’ he asked.", "Nothing followed."]),
    ("China vs. Japan is approx. 3 km. Next.", ["China vs. Japan is approx. 3 km.", "Next."]),
    ("Published at 5 p.m. Tuesday. Nothing else.", ["Published at 5 p.m. Tuesday.",
                                                     "Nothing else."]),
    ("He cited e.g. trade. The U.K. agreed on Sept. 11.", ["He cited e.g. trade.",
                                                          "The U.K. agreed on Sept. 11."]),
    ("  One sentence.\u00a0 Two sentences.  ", ["One sentence.", "Two sentences."]),
    ("", []),
    (" \n ", []),
])
def test_split_sentences_repairs(paragraph: str, expected: list[str]) -> None:
    sentences = split_sentences(paragraph)
    check_sentences(paragraph, sentences)
    assert [s.text for s in sentences] == expected


@pytest.mark.parametrize("paragraph", seed_paragraphs() or [pytest.param("", marks=pytest.mark.skip(
    reason="seed articles not available"))])
def test_split_sentences_covers_seed_paragraphs(paragraph: str) -> None:
    check_sentences(paragraph, split_sentences(paragraph))


def test_segmenter_is_cached() -> None:
    assert sentences_module._segmenter() is sentences_module._segmenter()
