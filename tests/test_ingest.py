"""Tests for bot.ingest: each cleaning rule on synthetic text, then the committed corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.corpus import FRONT_MATTER_KEYS, parse_article
from bot.errors import UsageError
from bot.ingest import IngestReport, ingest_files, ingest_texts, render_article

ARTICLES = Path(__file__).resolve().parent.parent / "knowledge" / "articles"
# A copy of the raw scrapes the bundled articles were ingested from.
SEED_DIR = Path(__file__).resolve().parent / "data" / "seed-articles"

BODY = [
    "Ports along the strait handled record cargo last year, officials said.",
    "Shipping firms warned that insurance costs could double if tensions rise.",
    "“We are watching closely,” a harbour master told reporters.",
    "Analysts expect the trend to continue into the next decade.",
]
BIO = "Jane Q. Doe is a senior fellow at the Example Policy Institute."
TEASER_DONE = "Noodle sales soared again this winter. Nobody is surprised."
TEASER_CUT = "The volcano on the northern island has been rumbling for weeks, and residents"


def one(text: str, origin: str = "x.txt", **kw) -> IngestReport:
    return ingest_texts([(origin, text)], **kw)[0]


def reasons(report: IngestReport) -> list[tuple[str, str]]:
    return [(d.reason, d.text) for d in report.dropped]


def test_bio_translator_and_teasers_after_them_are_dropped() -> None:
    text = "\n".join([*BODY, BIO, "Translated by John Roe", TEASER_DONE, TEASER_CUT]) + "\n"
    report = one(text)
    assert report.paragraphs == BODY
    assert report.metadata["author"] == "Jane Q. Doe"
    assert report.metadata["translator"] == "John Roe"
    assert reasons(report) == [("byline", BIO), ("translator", "Translated by John Roe"),
                               ("after-byline", TEASER_DONE), ("after-byline", TEASER_CUT)]


def test_bio_with_apposition_gives_the_author() -> None:
    bio = ("Mai Lan Tran, a politics lecturer at the Example University, is a junior "
           "researcher at the Sample Foundation.")
    report = one("\n".join([*BODY, bio, TEASER_DONE]))
    assert report.metadata["author"] == "Mai Lan Tran"
    assert report.metadata["translator"] is None
    assert report.paragraphs == BODY


def test_file_without_bio_keeps_its_full_body() -> None:
    report = one("\n".join(BODY))
    assert report.paragraphs == BODY
    assert report.dropped == []
    assert report.metadata == {"title": None, "author": None, "translator": None, "byline": None,
                               "publisher": None, "published": None}


def test_bio_sentence_near_the_top_does_not_cut_the_article() -> None:
    report = one("\n".join([BODY[0], BIO, *BODY[1:], *BODY]))
    assert report.metadata["author"] == "Jane Q. Doe"
    assert [d.reason for d in report.dropped] == ["byline"]
    assert len(report.paragraphs) == 2 * len(BODY)


def test_truncated_final_paragraphs_are_dropped_but_closing_quotes_end_a_sentence() -> None:
    quoted = "“The port will stay open,” the mayor said, “whatever happens.”"
    report = one("\n".join([*BODY, quoted, TEASER_CUT, "and a second cut-off teaser that"]))
    assert report.paragraphs == [*BODY, quoted]
    assert [d.reason for d in report.dropped] == ["truncated", "truncated"]


def test_paragraph_repeated_across_files_is_dropped_from_both() -> None:
    first = "\n".join([*BODY[:2], TEASER_DONE])
    second = "\n".join([*BODY[2:], TEASER_DONE])
    a, b = ingest_texts([("a.txt", first), ("b.txt", second)])
    assert a.paragraphs == BODY[:2] and b.paragraphs == BODY[2:]
    assert reasons(a) == reasons(b) == [("repeated", TEASER_DONE)]
    # Alone, the same file has nothing to compare with and keeps the paragraph.
    assert one(first).paragraphs == [*BODY[:2], TEASER_DONE]


def test_headline_top_byline_noise_and_headings() -> None:
    byline = "Senior Research Fellow / Board at Example Policy Institute Mei-Ling Chen"
    text = "\n".join(["Ports and Power in Asia", "", ".", "", byline, "\xa0",
                      "(1)Why the ports matter", BODY[0], "\xa0", "(2)What comes next",
                      *BODY[1:]])
    report = one(text)
    assert report.metadata["title"] == "Ports and Power in Asia"
    assert report.metadata["author"] == "Mei-Ling Chen"
    assert report.paragraphs == BODY
    assert reasons(report) == [
        ("headline", "Ports and Power in Asia"), ("noise", "."), ("byline", byline),
        ("noise", "\xa0"), ("heading", "(1)Why the ports matter"), ("noise", "\xa0"),
        ("heading", "(2)What comes next")]
    assert report.doc_id == "ports-power-asia"


def test_a_short_first_sentence_is_not_a_headline() -> None:
    report = one("\n".join(["‘Only thunder, no rain’ is the saying.", *BODY]))
    assert report.metadata["title"] is None
    assert report.paragraphs[0] == "‘Only thunder, no rain’ is the saying."
    assert report.doc_id == "thunder-rain-saying"


def test_by_line_at_the_top() -> None:
    report = one("\n".join(["By Kenji Ito", *BODY]))
    assert report.metadata["author"] == "Kenji Ito"
    assert report.paragraphs == BODY


def test_keep_dropped_keeps_everything_and_still_extracts_metadata() -> None:
    text = "\n".join(["Ports and Power", "\xa0", *BODY, BIO, "Translated by John Roe",
                      TEASER_CUT])
    normal, kept = one(text), one(text, keep_dropped=True)
    assert kept.paragraphs == ["Ports and Power", *BODY, BIO, "Translated by John Roe",
                               TEASER_CUT]
    assert kept.metadata == normal.metadata
    assert kept.metadata["author"] == "Jane Q. Doe"
    assert kept.dropped == normal.dropped  # still reported, so the caller can show them
    assert kept.doc_id == normal.doc_id


def test_ids_are_slugs_of_the_first_sentence_and_collisions_get_suffixes() -> None:
    text = "Japan’s US-made jets over Café Waters impressed nobody. Part {} follows."
    reports = ingest_texts([(f"{n}.txt", text.format(n)) for n in range(3)])
    assert [r.doc_id for r in reports] == ["japan-us-made-jets", "japan-us-made-jets-2",
                                           "japan-us-made-jets-3"]


def test_render_round_trips_through_the_loader(tmp_path: Path) -> None:
    report = IngestReport("odd-title", "o.txt", None,
                          {"title": "Ports: “Power” and 'null'", "author": None,
                           "translator": None}, ["One.", "Two: three."], [])
    path = tmp_path / "odd-title.md"
    path.write_text(render_article(report), encoding="utf-8")
    doc = parse_article(path)
    assert (doc.id, doc.title, doc.origin) == ("odd-title", "Ports: “Power” and 'null'", "o.txt")
    assert [p.text for p in doc.passages] == ["One.", "Two: three."]


def test_ingest_files_writes_atomically_and_sets_paths(tmp_path: Path) -> None:
    src = tmp_path / "raw.txt"
    src.write_text("\n".join([*BODY, BIO, TEASER_CUT]), encoding="utf-8")
    out = tmp_path / "out"
    (report,) = ingest_files([src], out)
    assert report.path == out / f"{report.doc_id}.md"
    assert [p.name for p in out.iterdir()] == [report.path.name]  # no temp file left over
    assert report.path.read_text(encoding="utf-8") == render_article(report)
    assert [p.text for p in parse_article(report.path).passages] == BODY


@pytest.mark.parametrize(("content", "message"), [
    (None, "not found"), (b"\xff\xfe bad bytes", "not UTF-8"), (b"  \n\xc2\xa0\n", "empty"),
])
def test_bad_input_files_raise_usage_errors_naming_the_file(
        tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "input.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UsageError, match=message) as info:
        ingest_files([path], tmp_path / "out")
    assert "input.txt" in str(info.value)
    assert not (tmp_path / "out").exists()


def test_directory_and_duplicate_inputs_raise_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="directory"):
        ingest_files([tmp_path], tmp_path / "out")
    with pytest.raises(UsageError, match=r"b\.txt has the same text as a\.txt"):
        ingest_texts([("a.txt", "Same text."), ("b.txt", "Same text.\n")])
    with pytest.raises(UsageError, match=r"e\.txt: the file is empty"):
        ingest_texts([("e.txt", " \n")])
    with pytest.raises(UsageError, match="every paragraph was dropped"):
        ingest_texts([("n.txt", ".\n\xa0\n")])


# --------------------------------------------------------------------------- the corpus

TEASER_PHRASES = ("Barbie Hsu", "USAID", "Livestock Feed", "Kinmen", "Israel", "PLARF",
                  "Europe and Taiwan", "cognitive decline", "Translated by")


def committed() -> list[Path]:
    paths = sorted(ARTICLES.glob("*.md"))
    assert len(paths) == 5
    return paths


@pytest.mark.parametrize("path", committed(), ids=lambda p: p.stem)
def test_committed_articles_load_and_hold_no_teasers(path: Path) -> None:
    doc = parse_article(path)
    assert doc.id == path.stem
    assert doc.publisher is None and doc.published is None
    assert doc.origin and doc.origin.endswith(".txt")
    text = path.read_text(encoding="utf-8")
    for phrase in TEASER_PHRASES:
        assert phrase not in text
    front = text.split("---\n")[1]
    assert [line.split(":")[0] for line in front.splitlines()] == list(FRONT_MATTER_KEYS)


def test_ingesting_the_seed_articles_reproduces_the_committed_files(tmp_path: Path) -> None:
    raws = sorted(SEED_DIR.glob("*.txt"))
    reports = ingest_files(raws, tmp_path)
    produced = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.md")}
    expected = {p.name: p.read_text(encoding="utf-8") for p in committed()}
    assert produced.keys() == expected.keys()
    for name, text in expected.items():
        assert produced[name] == text, name
    # Every passage is a line of its raw file, byte for byte apart from surrounding space.
    for report in reports:
        lines = {line.strip() for line in (SEED_DIR / report.origin).read_text().splitlines()}
        assert set(report.paragraphs) <= lines


@pytest.mark.parametrize(("line", "author"), [
    ("By Kenji Ito, a visiting fellow at the Harbour Institute", "Kenji Ito"),
    ("By Kenji Ito and Mary Sue", "Kenji Ito and Mary Sue"),
    ("By Kenji Ito | Staff Writer", "Kenji Ito"),
    ("By Anna van Berg", "Anna van Berg"),
])
def test_by_lines_with_a_role_a_desk_or_two_names(line: str, author: str) -> None:
    report = one("\n".join([line, *BODY]))
    assert report.metadata["author"] == author
    assert report.metadata["byline"] == line
    assert report.paragraphs == BODY


def test_a_sentence_opening_with_by_is_no_byline() -> None:
    opening = "By March Tokyo and Taipei had agreed on a hotline."
    report = one("\n".join([opening, *BODY]))
    assert report.metadata["author"] is None
    assert report.paragraphs[0] == opening


@pytest.mark.parametrize(("line", "author"), [
    # "Studies" ends the institute's name, not a part of the author's
    ("Visiting Fellow at the Institute for Coastal Studies Maria Santos", "Maria Santos"),
    # a word the article writes in lower case ("harbour") belongs to the organisation …
    ("Senior Fellow at Pacific Harbour Maria Santos", "Maria Santos"),
    # … but a two-word name keeps both words even so ("young" is in the body too)
    ("Research Fellow at the Example Policy Institute Mark Young", "Mark Young"),
])
def test_a_role_line_ends_in_the_name_alone(line: str, author: str) -> None:
    body = [*BODY, "The harbour is busy and young sailors train there."]
    report = one("\n".join([line, *body]))
    assert report.metadata["author"] == author


@pytest.mark.parametrize(("line", "published"), [
    ("Published: March 3, 2026", "2026-03-03"),
    ("Dec. 1, 2026 10:30 AM", "2026-12-01"),
    ("Tuesday, 3 March 2026", "2026-03-03"),
    ("Updated on Aug. 2, 2021 at 5:02 p.m. JST", "2021-08-02"),
    ("2026-03-03", "2026-03-03"),
])
def test_a_date_line_at_the_top_gives_the_publication_date(tmp_path: Path, line: str,
                                                          published: str) -> None:
    report = one("\n".join(["Ports brace for a busy year", "By Jane Q. Doe", line, *BODY]))
    assert report.metadata["published"] == published
    assert ("date", line) in reasons(report)
    assert report.paragraphs == BODY
    path = tmp_path / "a.md"
    path.write_text(render_article(report), encoding="utf-8")
    assert parse_article(path).published.isoformat() == published


@pytest.mark.parametrize("line", [
    "On March 3, 2026, the ministry said the port would close.",  # a sentence, not a date line
    "February 30, 2026",  # no such day
])
def test_no_date_is_read_where_the_file_states_none(line: str) -> None:
    report = one("\n".join(["Ports brace for a busy year", "By Jane Q. Doe", line, *BODY]))
    assert report.metadata["published"] is None


@pytest.mark.parametrize("caption", [
    "Photo: A patrol vessel near Yonaguni Island. Photo: Reuters",
    "Photo caption: Fishing boats moored at Nanfang-ao harbor in Yilan County.",
    "Pictured: the destroyer Kaga leaves Yokosuka.",
    "Legislator Lin Mei-hua speaks in Taipei on Tuesday. Photo: CNA",
    "The minister arrives at the Legislative Yuan (Photo by Kyodo)",
    "Photo: Reuters",
])
def test_a_photo_caption_or_credit_is_no_paragraph(caption: str) -> None:
    report = one("\n".join([BODY[0], caption, *BODY[1:]]))
    assert report.paragraphs == BODY
    assert reasons(report) == [("caption", caption)]


@pytest.mark.parametrize("line", [
    "The photo showed the two ships side by side.",
    "Officials said the images were taken by a drone: one shows the ship.",
])
def test_a_sentence_about_a_photo_is_no_caption(line: str) -> None:
    assert one("\n".join([*BODY, line])).paragraphs == [*BODY, line]


def test_credits_above_the_body_are_read_in_any_order() -> None:
    """Headline, date, the publisher's name, a caption, then "By …": each is found, not only
    a byline in the first two lines."""
    text = "\n".join(["Ports and Power in Asia", "2026-11-20 05:30", "Taipei Times",
                      "Photo: A container ship in Kaohsiung. Photo: CNA", "By Lee Cheng-hsun",
                      *BODY, "The author is a retired captain and a researcher at the "
                      "Example Institute.", "Translated by Kyle Tsai", TEASER_DONE])
    report = one(text)
    assert report.paragraphs == BODY
    assert report.metadata["author"] == "Lee Cheng-hsun"
    assert report.metadata["published"] == "2026-11-20"
    # A bio naming no one states the role of the author the byline names.
    assert report.metadata["byline"].startswith("The author is a retired captain")
    assert report.metadata["translator"] == "Kyle Tsai"


def test_a_by_line_after_a_standfirst_is_the_byline() -> None:
    standfirst = "Cyber defense is the cheapest place for the two to begin."
    report = one("\n".join(["Ports and Power in Asia", standfirst, "By Naomi Whitfield",
                            *BODY]))
    assert report.metadata["author"] == "Naomi Whitfield"
    assert report.paragraphs == [standfirst, *BODY]


def test_a_nameless_bio_without_a_byline_leaves_the_author_unknown() -> None:
    bio = "The writer is a professor of politics at the Example University."
    report = one("\n".join([*BODY, bio, TEASER_DONE]))
    assert report.metadata["author"] is None
    assert report.metadata["byline"] == bio
    assert report.paragraphs == BODY
