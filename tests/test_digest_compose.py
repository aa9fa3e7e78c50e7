"""Digest content and listings: compose() within Discord's limit, cited, with the news; and
``briefbot digest`` / ``briefbot digest --schedule``."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.corpus import load_corpus
from bot.digest import DigestStore, Schedule, idempotency_key, parse_schedule
from bot.digest.compose import (
    DIGEST_LIMIT,
    MAX_NEW_LISTED,
    build_digest,
    compose,
    find_marker,
    with_marker,
)
from bot.digest.overview import full_list, guild_list
from bot.knowledge import KnowledgeBase
from bot.render import MESSAGE_LIMIT, Renderer
from tests.conftest import article

CITATION = re.compile(r"`([a-z0-9-]+)#p(\d+)`")
# Monday 2024-06-03 09:00 Asia/Taipei = 01:00 UTC.
SLOT = datetime(2024, 6, 3, 1, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def schedule(*topics: str, **kwargs: object) -> Schedule:
    options: dict = {"channel_id": 42, "tz": "Asia/Taipei", "topics": list(topics),
                     "time_of_day": time(9, 0), "id": 7}
    options.update(kwargs)
    return Schedule(**options)


def test_every_topic_fits_one_message_with_its_marker(kb, renderer):
    everything = list(kb.corpus.documents)
    for topic in kb.corpus.topics:
        for new in ([], everything):
            text = compose(kb, schedule(topic), topic, new, renderer, "!")
            assert len(text) <= DIGEST_LIMIT, (topic, len(text))
            assert len(with_marker(text, idempotency_key(10**11, SLOT))) <= MESSAGE_LIMIT
            assert CITATION.search(text), f"{topic}: no doc#pN citation"


def test_points_are_verbatim_and_cited(kb, renderer):
    result = build_digest(kb, schedule("proposals"), "proposals", [], renderer, "!")
    assert result.brief.found and result.brief.points
    text = renderer.render("digest", result, prefix="!")
    for point in result.brief.points:
        passage = kb.corpus.documents[point.doc].passage(point.paragraph)
        assert point.text in passage.text
        assert f"`{point.passage}`" in text
    for doc, number in CITATION.findall(text):
        kb.corpus.documents[doc].passage(int(number))  # every citation resolves


def test_first_digest_says_nothing_new(kb, renderer):
    text = compose(kb, schedule("senkaku"), "senkaku", [], renderer, "!")
    assert "🗞️ **Digest: senkaku**" in text
    assert "Nothing new since the last digest." in text
    assert "`!source " not in text


def test_new_documents_are_listed_with_title_author_and_source_command(kb, renderer):
    new = ["security-japan-taiwan", "thunder-rain-chinese-saying"]
    text = compose(kb, schedule("cyber"), "cyber", new, renderer, "?")
    news = text[text.index("New in the knowledge base"):]
    assert "*Security between Japan and Taiwan* — Yu-Shih Liao · `?source security-japan-taiwan`" \
        in news
    # No author in the article: said so, never invented.
    assert "author not stated · `?source thunder-rain-chinese-saying`" in news
    assert "Nothing new" not in news


def test_ids_no_longer_in_the_knowledge_base_are_left_out(kb, renderer):
    result = build_digest(kb, None, "cyber", ["gone-article", "security-japan-taiwan"],
                          renderer, "!")
    assert [d.doc for d in result.new] == ["security-japan-taiwan"]


def test_rotating_topics_give_different_digests(kb, renderer):
    first = compose(kb, schedule("proposals", "obstacles"), "proposals", [], renderer, "!")
    second = compose(kb, schedule("proposals", "obstacles"), "obstacles", [], renderer, "!")
    assert first != second and "Digest: obstacles" in second


def test_a_topic_with_nothing_to_say_still_makes_a_digest(kb, renderer):
    text = compose(kb, schedule("zzqx"), "zzqx", ["security-japan-taiwan"], renderer, "!")
    assert "Nothing in the knowledge base makes a point on **zzqx** yet" in text
    assert "`!source security-japan-taiwan`" in text


def test_the_brief_shrinks_first_then_the_list(kb, renderer):
    everything = list(kb.corpus.documents)

    def fit(limit: int):
        digest = build_digest(kb, None, "obstacles", everything, renderer, "!", limit=limit)
        text = renderer.render("digest", digest, prefix="!")
        assert len(text) <= limit
        return digest, text

    roomy, _ = fit(DIGEST_LIMIT)
    fewer_points, _ = fit(1300)
    assert 1 <= len(fewer_points.brief.points) < len(roomy.brief.points)
    assert len(fewer_points.new) == len(everything)  # the news is kept whole
    one_point, text = fit(900)
    assert len(one_point.brief.points) == 1 and 0 < len(one_point.new) < len(everything)
    assert f"…and {one_point.new_more} more: `!sources`" in text
    nothing, text = fit(300)
    assert nothing.brief_trimmed and "`!brief obstacles`" in text


def test_many_new_documents_are_counted_not_listed(make_knowledge, renderer):
    articles = {f"a{i:02}.md": article(f"doc-{i:02}", f"Paragraph about ferries number {i}.",
                                       title=f"Ferry news {i}", author="A. Writer")
                for i in range(MAX_NEW_LISTED + 3)}
    articles["x.md"] = article("doc-x", "An @everyone ping and **bold** words about ferries.",
                               title="'**Loud** @everyone'", author="'B <@123>'")
    small = KnowledgeBase.from_corpus(load_corpus(make_knowledge(articles)))
    ids = list(small.corpus.documents)
    text = compose(small, None, "ferries", ids, renderer, "!")
    assert len(text) <= DIGEST_LIMIT
    assert f"…and {len(ids) - MAX_NEW_LISTED} more: `!sources`" in text
    assert text.count("`!source doc-") == MAX_NEW_LISTED
    # Corpus text is escaped: nobody is pinged, no markdown injected.
    assert "@everyone" not in text and "<@123>" not in text


def test_marker_round_trip_and_no_false_match():
    key = idempotency_key(42, SLOT)
    assert find_marker(with_marker("hello\n", key)) == key
    assert with_marker("hello", key).endswith("\n-# digest dg42-2406030100")
    assert find_marker("hello") is None
    assert find_marker("quoted: -# digest dg42-2406030100") is None  # not on its own line
    assert find_marker(None) is None  # type: ignore[arg-type]


# ------------------------------------------------------------------ listings


def stored_world(data_dir: Path) -> tuple[DigestStore, list[Schedule]]:
    """A store with one declared schedule (delivered once), one stale declared, one by command."""
    declared = [parse_schedule({"channel": 111, "guild": 9, "time": "09:00", "days": "mon-fri",
                                "timezone": "Asia/Taipei", "topics": ["proposals", "obstacles"]},
                               "test: digests[0]")]
    stale = parse_schedule({"channel": 222, "time": "10:00", "timezone": "UTC",
                            "topic": "senkaku"}, "test: digests[1]")
    store = DigestStore(data_dir)
    store.sync_declared([*declared, stale])
    store.add_schedule(schedule("cyber", channel_id=333, guild_id=9, id=None,
                                created_at=SLOT - timedelta(days=3)))
    first = store.list_schedules()[0]
    claim = store.claim_slot(first.id, SLOT, "t", SLOT, timedelta(minutes=10))
    assert claim is not None
    store.begin_attempt(claim, SLOT, timedelta(minutes=10))
    store.mark_done(claim, 555, SLOT, channel_id=111, doc_ids=["security-japan-taiwan"])
    return store, declared


def test_full_list_merges_settings_and_store(tmp_path):
    store, declared = stored_world(tmp_path)
    now = SLOT + timedelta(hours=1)
    rows = full_list(declared, store, now).schedules
    assert [(r.id, r.source, r.channel_id) for r in rows] == [
        (1, "settings", 111), (2, "settings", 222), (3, "command", 333)]
    first, stale, runtime = rows
    assert first.last_run_utc == SLOT and first.last_status == "done"
    assert first.next_run_utc == datetime(2024, 6, 4, 1, 0, tzinfo=UTC)
    assert first.next_run_local.isoformat() == "2024-06-04T09:00:00+08:00"
    assert stale.note and "removed when the bot starts" in stale.note
    assert runtime.note is None and runtime.last_run_utc is None
    # Declared but never synced: listed without an id.
    fresh = parse_schedule({"channel": 444, "time": "07:30", "timezone": "UTC", "topic": "x"},
                           "test")
    assert full_list([fresh], None, now).schedules[0].id is None
    assert guild_list(store, now, 9, channel_ids={222}).schedules[1].channel_id == 222
    store.close()


def test_list_template_shows_last_and_next_run_in_local_and_utc(tmp_path, renderer):
    store, declared = stored_world(tmp_path)
    listing = full_list(declared, store, SLOT + timedelta(hours=1))
    text = renderer.render("digest_list", listing, prefix="!")
    assert "**#1** · channel 111 · 09:00 mon-fri (Asia/Taipei) · topics: proposals, obstacles" \
        in text
    assert "next: Tue 2024-06-04 09:00 Asia/Taipei = 2024-06-04 01:00 UTC" in text
    assert "last: 2024-06-03 01:00 UTC" in text
    on_discord = renderer.render("digest_list", guild_list(store, SLOT, 9), prefix="!",
                                 discord=True)
    assert "<#111>" in on_discord and f"<t:{int(SLOT.timestamp())}:R>" in on_discord
    store.close()


# ------------------------------------------------------------------ CLI


@pytest.fixture
def cli_env(tmp_path, monkeypatch) -> Path:
    """A settings file with one declared digest; data and cache in tmp_path."""
    config = tmp_path / "briefbot.yaml"
    config.write_text("digests:\n  - channel: 111\n    time: '09:00'\n    days: mon-fri\n"
                      "    timezone: Asia/Taipei\n    topics: [proposals, obstacles]\n",
                      encoding="utf-8")
    monkeypatch.setenv("BRIEFBOT_CONFIG", str(config))
    monkeypatch.setenv("BRIEFBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFBOT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "data"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_digest_prints_each_schedules_next_digest(cli_env, capsys):
    code, out, err = run(capsys, "digest")
    assert code == 0, err
    assert out.startswith("── digest (preview) to channel 111 · topic proposals ──")
    assert "🗞️ Digest: proposals" in out and re.search(r" [a-z0-9-]+#p\d+\n", out)
    assert not cli_env.exists()  # looking creates no state


def test_cli_digest_uses_the_stores_rotation_and_news(cli_env, capsys):
    store, _ = stored_world(cli_env)  # schedule 1 delivered once: next topic "obstacles"
    store.close()
    code, out, err = run(capsys, "digest")
    assert code == 0, err
    assert "── digest #1 to channel 111 · topic obstacles ──" in out
    code, out, _ = run(capsys, "digest", "--json")
    first = json.loads(out)[0]
    assert first["topic"] == "obstacles"
    assert "security-japan-taiwan" not in first["new_doc_ids"]  # announced already
    assert first["new_doc_ids"]  # the rest is news in channel 111


def test_cli_digest_topic_preview(cli_env, capsys):
    code, out, err = run(capsys, "digest", "--topic", "senkaku")
    assert code == 0, err
    assert "topic senkaku ──" in out and "Nothing new since the last digest." in out
    code, out, _ = run(capsys, "digest", "--topic", "senkaku", "--json")
    data = json.loads(out)
    assert data[0]["digest"]["brief"]["points"][0]["passage"].count("#p") == 1


def test_cli_digest_schedule_lists_local_and_utc(cli_env, capsys):
    code, out, err = run(capsys, "digest", "--schedule")
    assert code == 0, err
    assert "(new) · channel 111 · 09:00 mon-fri (Asia/Taipei)" in out
    assert re.search(r"next: \w{3} \d{4}-\d\d-\d\d 09:00 Asia/Taipei = \d{4}-\d\d-\d\d 01:00 UTC",
                     out)
    code, out, _ = run(capsys, "digest", "--schedule", "--json")
    row = json.loads(out)["schedules"][0]
    assert row["next_run_local"].endswith("T09:00:00+08:00")
    assert row["next_run_utc"].endswith("T01:00:00+00:00")


def test_cli_digest_bad_settings_and_bad_usage(tmp_path, monkeypatch, capsys):
    config = tmp_path / "bad.yaml"
    config.write_text("digests:\n  - channel: 1\n    time: '25:00'\n    timezone: UTC\n"
                      "    topic: x\n", encoding="utf-8")
    monkeypatch.setenv("BRIEFBOT_CONFIG", str(config))
    code, _, err = run(capsys, "digest", "--schedule")
    assert code == 1 and "digests[0]: time:" in err
    code, _, err = run(capsys, "digest", "--schedule", "--topic", "x")
    assert code == 2 and "not allowed with" in err
