"""End to end: the unmodified bot, as its own process, against the fake Discord.

One bot process serves the whole module (started once, terminated in teardown). It is pointed
at the fake only through its settings (DISCORD_API_BASE, DISCORD_GATEWAY_URL), logs at DEBUG
to a file, and is driven the way users drive Discord: messages, slash commands, autocomplete,
button clicks; faults are injected at the fake (a dropped gateway, a 429, a bad token).
Each test acts as a user of its own, so the per-user cooldown of one test never touches another.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.chat import bot_pages
from bot.cli import build_parser
from bot.cli import main as cli_main
from bot.cogs.replies import NO_EMBEDS_NOTICE
from bot.config import load_settings
from bot.errors import UsageError
from bot.knowledge import KnowledgeBase
from bot.session import Session
from tests.fakediscord import FakeDiscord, FakeUser, InteractionRecord, shown_text
from tests.fakediscord.models import EMBED_LINKS
from tests.test_embeds import sources_of

REPO = Path(__file__).resolve().parent.parent
COOLDOWN_USES = 4
CITATION = re.compile(r"`[a-z0-9-]+#p\d+`")
ZWSP = "\u200b"
ANSWER_COMMANDS = {"brief", "who", "topics", "search", "sources", "source", "help"}

pytestmark = pytest.mark.asyncio(loop_scope="module")

# The documented entry point once the CLI has `run`; until then the same function, called directly.
FALLBACK = ("import sys; from bot.config import load_settings; from bot.discord_bot import run_bot;"
            " sys.exit(run_bot(load_settings()))")


def bot_command() -> list[str]:
    """``python -m bot run`` if the CLI knows ``run``, else the function it will call."""
    try:
        build_parser().parse_args(["run"])
    except UsageError:
        return [sys.executable, "-c", FALLBACK]
    return [sys.executable, "-m", "bot", "run"]


def sync_command(guild_id: int) -> list[str]:
    """``python -m bot sync --guild ID`` if the CLI knows ``sync``, else the function it calls."""
    try:
        build_parser().parse_args(["sync", "--guild", str(guild_id)])
    except UsageError:
        return [sys.executable, "-c", "import sys; from bot.config import load_settings; "
                "from bot.discord_bot import sync_commands; "
                f"sys.exit(sync_commands(load_settings(), {guild_id}))"]
    return [sys.executable, "-m", "bot", "sync", "--guild", str(guild_id)]


def bot_env(fake: FakeDiscord, workdir: Path, token: str | None) -> dict[str, str]:
    """The process environment: ours minus any Discord/briefbot settings, plus the test's."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DISCORD_", "BRIEFBOT_"))}
    env.update({
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "BRIEFBOT_DATA_DIR": str(workdir / "data"),
        "BRIEFBOT_CACHE_DIR": str(workdir / "cache"),
        "BRIEFBOT_LOG_LEVEL": "DEBUG",  # the most verbose logs are the likeliest to leak
        "BRIEFBOT_COOLDOWN_USES": str(COOLDOWN_USES),
        "BRIEFBOT_COOLDOWN_SECONDS": "60",
        "PYTHONPATH": str(REPO),
        "PYTHONUNBUFFERED": "1",
    })
    if token is not None:
        env["DISCORD_TOKEN"] = token
    return env


def cites(message: dict[str, Any]) -> bool:
    """Whether a reply cites a passage: inline (``doc#p7``) or in an embed's Sources field."""
    return bool(CITATION.search(message.get("content") or "")) or any(
        sources_of(embed) for embed in message.get("embeds") or [])


def cli_payloads(line: str) -> list[dict[str, Any]]:
    """What ``briefbot … --format discord`` prints for a chat line: one body per page."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli_main([*shlex.split(line.removeprefix("!")), "--format", "discord"]) == 0
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def cli_pages(line: str) -> list[str]:
    """The messages the bot must send for ``line``, as ``briefbot chat`` reads it."""
    return bot_pages(Session(load_settings(environ={}, dotenv=False)), line)


@dataclass
class BotProcess:
    proc: subprocess.Popen[bytes]
    log: Path
    token: str

    def logs(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


_names = itertools.count(1)


async def ask(fake: FakeDiscord, content: str, user: FakeUser,
              channel_id: int | None = None) -> dict[str, Any]:
    """Post ``content`` as ``user`` and return the bot's reply to that message."""
    asked = await fake.send_message(content, author=user, channel_id=channel_id)
    return await fake.wait_for_message(
        predicate=lambda m: (m.get("message_reference") or {}).get("message_id") == asked["id"],
        timeout=10)


async def answer_to(fake: FakeDiscord, record: InteractionRecord) -> dict[str, Any]:
    """The message that answered an interaction (sent at once, or the edited deferral)."""
    return await fake.wait_for_message(
        predicate=lambda m: (m.get("interaction_metadata") or {}).get("id") == str(record.id),
        timeout=10)


async def click(fake: FakeDiscord, message: dict[str, Any], custom_id: str,
                user: FakeUser) -> tuple[InteractionRecord, dict[str, Any]]:
    """Click a button and return the interaction with the bot's response.

    discord.py starts listening to a view only when the POST that created its message has
    returned, which can be a few milliseconds after the fake stored the message. No person
    clicks that fast, but a test can: an unanswered first click is simply tried again.
    """
    for _ in range(3):
        record = await fake.click_button(message["id"], custom_id, user=user)
        try:
            return record, await fake.wait_for_interaction_response(record, timeout=1)
        except TimeoutError:
            continue
    raise AssertionError(f"nobody answered clicks on {custom_id} of message {message['id']}")


async def new_user(fake: FakeDiscord) -> FakeUser:
    """A fresh guild member, so each test has a cooldown bucket of its own."""
    return await fake.add_member(f"user{next(_names)}")


@contextlib.asynccontextmanager
async def running_bot(fake: FakeDiscord, command: list[str], workdir: Path,
                      env: dict[str, str], *, cwd: Path) -> AsyncIterator[BotProcess]:
    """The bot as a process connected to ``fake``; on exit SIGTERM, and it must exit 0."""
    log = workdir / "bot.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=sink, stderr=subprocess.STDOUT)
    running = BotProcess(proc, log, fake.token)
    try:
        try:
            await fake.wait_for_session(timeout=30)
        except TimeoutError:
            pytest.fail(f"the bot never connected; its log:\n{running.logs()[-3000:]}")
        yield running
    finally:
        proc.terminate()  # SIGTERM: the bot disconnects and exits 0
        try:
            code = await asyncio.to_thread(proc.wait, 15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
    assert code == 0, running.logs()[-3000:]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(heartbeat_interval=1.0, require_synced_commands=True) as server:
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(fake: FakeDiscord, tmp_path_factory: pytest.TempPathFactory
              ) -> AsyncIterator[BotProcess]:
    workdir = tmp_path_factory.mktemp("bot")
    async with running_bot(fake, bot_command(), workdir, bot_env(fake, workdir, fake.token),
                           cwd=workdir) as running:
        # Publish the slash commands the way an owner does, to this guild (instant).
        await fake.send_message("!sync guild", author=fake.owner)
        synced = await fake.wait_for_message(timeout=10)
        assert synced["content"].startswith("✅ Synced "), synced
        assert {c["name"] for c in fake.commands[fake.guild_id]} >= ANSWER_COMMANDS
        yield running


async def test_brief_prefix_posts_cited_points(fake: FakeDiscord, bot: BotProcess) -> None:
    user = await new_user(fake)
    reply = await ask(fake, "!brief proposals", user)  # answered as a reply to the message
    assert cites(reply), reply
    # What `briefbot brief proposals --format discord` prints:
    body = (await asyncio.to_thread(cli_payloads, "!brief proposals"))[0]
    assert reply["embeds"] == body["embeds"] and reply["content"] == ""
    assert reply["components"][0]["components"][0]["custom_id"] == "briefbot:cite"
    post = fake.requests_to("POST", "/channels/{id}/messages")[-1]
    assert post.json["allowed_mentions"] == {"parse": []}


async def test_who_slash_answers_with_the_card(fake: FakeDiscord, bot: BotProcess) -> None:
    user = await new_user(fake)
    record = await fake.send_slash("who", {"name": "Kishi"}, user=user)
    response = await fake.wait_for_interaction_response(record, timeout=10)
    assert response["type"] in (4, 5)  # answered at once, or deferred then edited
    card = await answer_to(fake, record)
    assert "Nobuo Kishi" in shown_text(card) and cites(card)
    assert not card["flags"] & 64  # an answer is public; only errors are ephemeral


async def test_autocomplete_offers_topics_people_and_documents(
        fake: FakeDiscord, bot: BotProcess) -> None:
    async def values(command: str, option: str, typed: str) -> list[str]:
        record = await fake.send_autocomplete(command, {option: typed})
        response = await fake.wait_for_interaction_response(record)
        assert response["type"] == 8
        choices = response["data"]["choices"]
        assert len(choices) <= 25
        return [c["value"] for c in choices]

    assert "proposals" in await values("brief", "topic", "prop")
    assert "Nobuo Kishi" in await values("who", "name", "kis")
    assert "security-japan-taiwan" in await values("source", "id", "SECUR")  # any case
    assert await values("brief", "topic", "zzzz-nothing") == []


async def test_long_answer_pages_with_buttons_only_for_the_asker(
        fake: FakeDiscord, bot: BotProcess) -> None:
    user, other = await new_user(fake), await new_user(fake)
    bodies = await asyncio.to_thread(cli_payloads, "!source security-japan-taiwan")
    pages = [body["embeds"] for body in bodies]
    assert len(pages) > 1
    first = await ask(fake, "!source security-japan-taiwan", user)
    assert first["embeds"] == pages[0]
    buttons = first["components"][0]["components"]
    assert [b["label"] for b in buttons] == ["◀", f"page 1/{len(pages)}", "▶"]
    assert buttons[0]["disabled"] and buttons[1]["disabled"] and not buttons[2].get("disabled")

    _, turned = await click(fake, first, buttons[2]["custom_id"], user)
    assert turned["type"] == 7
    stored = fake.get_message(first["id"])
    assert stored is not None and stored["embeds"] == pages[1]
    assert stored["components"][0]["components"][1]["label"] == f"page 2/{len(pages)}"

    refused, response = await click(fake, first, buttons[2]["custom_id"], other)
    assert response["type"] == 4 and response["data"]["flags"] & 64  # ephemeral
    assert response["data"]["content"].startswith(f"Only {user.username} can page this")
    await answer_to(fake, refused)  # the ephemeral note, consumed
    assert fake.get_message(first["id"])["embeds"] == pages[1]  # unchanged


async def test_page_turns_are_echoed_and_the_bot_keeps_answering(
        fake: FakeDiscord, bot: BotProcess) -> None:
    """Discord sends MESSAGE_UPDATE after each page turn; discord.py hands it to the view."""
    user = await new_user(fake)
    first = await ask(fake, "!source security-japan-taiwan", user)
    bodies = await asyncio.to_thread(cli_payloads, "!source security-japan-taiwan")
    pages = len(bodies)
    for turn in range(2, 4):
        stored = fake.get_message(first["id"])
        assert stored is not None
        forward = stored["components"][0]["components"][2]["custom_id"]
        await click(fake, stored, forward, user)
        await fake.settle()  # the MESSAGE_UPDATE of the edit has reached the bot
        update = fake.dispatched("MESSAGE_UPDATE", first["id"])[-1]
        assert update["components"][0]["components"][1]["label"] == f"page {turn}/{pages}"
        assert update["embeds"] == bodies[turn - 1]["embeds"]  # the full message, embeds too
    assert bot.proc.poll() is None, bot.logs()[-3000:]  # the update did not end the process
    reply = await ask(fake, "!search coast guard --limit 1", user)
    assert cites(reply)
    assert "Traceback" not in bot.logs()


async def test_citation_menu_shows_the_paragraph_to_whoever_picks_it(
        fake: FakeDiscord, bot: BotProcess, kb: KnowledgeBase) -> None:
    asker, reader = await new_user(fake), await new_user(fake)
    answer = await ask(fake, "!brief proposals", asker)
    menu = answer["components"][0]["components"][0]
    assert menu["type"] == 3 and menu["custom_id"] == "briefbot:cite"
    cited = sources_of(answer["embeds"][0])
    assert [o["value"] for o in menu["options"]] == [cited[n] for n in sorted(cited)]
    passage = menu["options"][1]["value"]
    for user in (asker, reader):  # not only the asker: anyone may follow a citation
        record = await fake.select_option(answer["id"], "briefbot:cite", [passage], user=user)
        response = await fake.wait_for_interaction_response(record, timeout=10)
        assert response["type"] == 4 and response["data"]["flags"] & 64  # ephemeral
        shown_to_them = await answer_to(fake, record)
        doc, number = passage.split("#p")
        text = kb.corpus.documents[doc].passage(int(number)).text
        assert text in re.sub(r"\\(.)", r"\1", shown_text(shown_to_them))  # verbatim
        assert passage in shown_text(shown_to_them)
    assert fake.get_message(answer["id"])["embeds"] == answer["embeds"]  # the answer stays


async def test_without_embed_links_answers_are_plain_text_and_say_why_once(
        fake: FakeDiscord, bot: BotProcess) -> None:
    user = await new_user(fake)
    channel = fake.channels[1]
    await fake.set_channel_overwrite(channel.id, fake.bot_role.id, deny=EMBED_LINKS)
    first = await ask(fake, "!search senkaku --limit 2", user, channel.id)  # fits beside it
    assert first["embeds"] == []
    assert first["content"] == f"{NO_EMBEDS_NOTICE}\n\n{cli_pages('!search senkaku --limit 2')[0]}"
    again = await ask(fake, "!brief proposals", user, channel.id)
    kinds = {c["type"] for row in again["components"] for c in row["components"]}
    assert 3 not in kinds  # no citation menu: the text carries its citations inline
    assert again["content"] == cli_pages("!brief proposals")[0]  # said once only
    await fake.set_channel_overwrite(channel.id, fake.bot_role.id)  # granted again
    card = await ask(fake, "!who Kishi", user, channel.id)
    assert card["embeds"] and "Nobuo Kishi" in card["embeds"][0]["title"]


async def test_mentions_in_echoed_input_ping_nobody(fake: FakeDiscord, bot: BotProcess) -> None:
    user = await new_user(fake)
    role = fake.moderator_role.id
    reply = await ask(fake, f"!search @everyone <@&{role}> *bold*", user)
    post = fake.requests_to("POST", "/channels/{id}/messages")[-1]
    assert post.json["allowed_mentions"] == {"parse": []}
    assert f"@{ZWSP}everyone" in shown_text(reply) and "@everyone" not in shown_text(reply)
    assert "\\*bold\\*" in shown_text(reply)  # markdown shown literally, not applied
    assert reply["mention_everyone"] is False and reply["mention_roles"] == []


async def test_rate_limited_reply_is_delivered_exactly_once(
        fake: FakeDiscord, bot: BotProcess) -> None:
    user = await new_user(fake)
    fault = fake.fail_next("POST", "/channels/{id}/messages", status=429, retry_after=0.3)
    start = fake.clock()
    reply = await ask(fake, "!search senkaku --limit 1", user)
    posts = fake.requests_to("POST", "/channels/{id}/messages", since=start)
    assert [p.status for p in posts] == [429, 200]
    assert len(fault.hits) == 1
    assert [shown_text(m) for m in fake.bot_messages()].count(shown_text(reply)) == 1


async def test_dropped_gateway_is_resumed(fake: FakeDiscord, bot: BotProcess) -> None:
    user = await new_user(fake)
    session_id = fake.session.session_id  # type: ignore[union-attr]
    identifies = fake.identify_count
    before = fake.clock()
    await fake.drop_gateway(code=4000)
    asked = ask(fake, "!search senkaku --limit 1", user)  # posted while the bot is away
    reply = await asyncio.wait_for(asked, 20)
    resume = await fake.wait_for_frame(6, since=before)
    assert resume.d["session_id"] == session_id
    assert cites(reply)
    assert fake.identify_count == identifies  # RESUME, not a new IDENTIFY
    assert fake.gateway.connections[-1].path == "/gateway-resume"


async def test_cooldown_is_per_user_across_prefix_and_slash(
        fake: FakeDiscord, bot: BotProcess) -> None:
    user = await new_user(fake)
    for _ in range(COOLDOWN_USES):
        assert cites(await ask(fake, "!search senkaku --limit 1", user))
    slow_down = await ask(fake, "!search senkaku --limit 1", user)
    assert slow_down["content"].startswith("⏳ Easy there"), slow_down["content"]
    record = await fake.send_slash("search", {"query": "senkaku"}, user=user)
    response = await fake.wait_for_interaction_response(record)
    assert response["data"]["content"].startswith("⏳") and response["data"]["flags"] & 64
    await answer_to(fake, record)
    # Someone else is not affected.
    other = await new_user(fake)
    assert cites(await ask(fake, "!search senkaku --limit 1", other))


async def test_unknown_command_and_bad_usage(fake: FakeDiscord, bot: BotProcess) -> None:
    user = await new_user(fake)
    helped = await ask(fake, "!serch senkaku", user)
    assert helped["content"] == cli_pages("!serch senkaku")[0]
    assert "Did you mean `!search`?" in helped["content"]
    assert (await ask(fake, "!help serch", user))["content"] == cli_pages("!help serch")[0]
    usage = await ask(fake, "!search senkaku --limit 99", user)
    assert usage["content"] == cli_pages("!search senkaku --limit 99")[0]
    assert usage["content"].endswith("Usage: `!search QUERY [--limit N]`")


async def test_sync_is_owner_only(fake: FakeDiscord, bot: BotProcess) -> None:
    puts = len(fake.requests_to("PUT", "/applications/{app}/commands"))
    refused = await ask(fake, "!sync", await new_user(fake))
    assert refused["content"].startswith("⛔ Only the bot's owner")
    assert len(fake.requests_to("PUT", "/applications/{app}/commands")) == puts
    assert {c["name"] for c in fake.commands[fake.guild_id]} >= ANSWER_COMMANDS


def run_to_exit(fake: FakeDiscord, workdir: Path, token: str | None,
                command: list[str] | None = None) -> tuple[int, str, float]:
    start = time.monotonic()
    done = subprocess.run(command or bot_command(), cwd=workdir,
                          env=bot_env(fake, workdir, token),
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    output = (done.stdout + done.stderr).decode(errors="replace")
    return done.returncode, output, time.monotonic() - start


async def test_rejected_token_exits_1_with_one_line(
        fake: FakeDiscord, bot: BotProcess, tmp_path: Path) -> None:
    wrong = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.wrong-secret-part-0123456789abcdefghij"
    code, output, _ = await asyncio.to_thread(run_to_exit, fake, tmp_path, wrong)
    assert code == 1, output
    lines = [line for line in output.splitlines() if "rejected the bot token" in line]
    assert len(lines) == 1, output
    assert "Reset Token" in lines[0] and "DISCORD_TOKEN" in lines[0]
    assert "Traceback" not in output
    assert wrong not in output and "wrong-secret-part" not in output


async def test_missing_token_exits_1(fake: FakeDiscord, tmp_path: Path) -> None:
    code, output, _ = await asyncio.to_thread(run_to_exit, fake, tmp_path, None)
    assert code == 1, output
    assert "DISCORD_TOKEN is not set" in output and "Traceback" not in output


async def test_sync_commands_publishes_over_http_only(
        fake: FakeDiscord, bot: BotProcess, tmp_path: Path) -> None:
    connections, start = len(fake.gateway.connections), fake.clock()
    command = sync_command(fake.guild_id)
    code, output, _ = await asyncio.to_thread(run_to_exit, fake, tmp_path, fake.token, command)
    assert code == 0, output
    put = fake.requests_to("PUT", "/applications/{app}/guilds/{guild}/commands", since=start)
    assert len(put) == 1 and {c["name"] for c in put[0].json} >= ANSWER_COMMANDS
    assert len(fake.gateway.connections) == connections  # logged in over HTTP only
    assert "synced" in output and fake.token not in output


async def test_token_never_logged_and_no_stray_routes(fake: FakeDiscord, bot: BotProcess) -> None:
    """Runs last in the module: everything above has been logged by now, at DEBUG."""
    logs = bot.logs()
    assert "heartbeat" in logs.lower() or "WebSocket Event" in logs  # DEBUG was really on
    secret = bot.token.rsplit(".", 1)[-1]
    assert bot.token not in logs and secret not in logs
    assert fake.unhandled == [], [f"{r.method} {r.path}" for r in fake.unhandled]
    assert fake.server_errors == []
    assert "Traceback" not in logs, logs[-3000:]



async def test_start_up_logs_no_voice_library_warnings(fake: FakeDiscord, bot: BotProcess) -> None:
    """A text bot says nothing about PyNaCl or davey: such warnings read like a broken install."""
    user = await new_user(fake)
    assert cites(await ask(fake, "!search senkaku --limit 1", user))  # started and answering
    assert "voice will NOT be supported" not in bot.logs()
