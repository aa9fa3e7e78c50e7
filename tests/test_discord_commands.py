"""The Discord adapter without Discord: cogs, error handler, paging, settings, logging.

The real :class:`BriefBot` with the real cogs, driven through small fakes of the Context and
Interaction surface the cogs use (dpytest 0.7 has no interactions, so no slash commands,
autocomplete or buttons). The full discord.py machinery is covered by ``test_e2e_discord.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json
import logging
import shlex
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import discord
import pytest
import yarl
from discord import app_commands
from discord.ext import commands

from bot import commands as core
from bot.chat import bot_pages
from bot.cli import main as cli_main
from bot.cogs.briefing import match_choices
from bot.cogs.embeds import EmbedPage
from bot.cogs.paging import AnswerView, Page, text_pages
from bot.cogs.replies import NO_EMBEDS_NOTICE, Answer
from bot.config import Settings, load_settings
from bot.discord_bot import BriefBot, run_bot, sync_commands
from bot.discord_bot.error_replies import GENERIC_APOLOGY, unwrap
from bot.discord_bot.launch import (
    INTENT_MISSING,
    TOKEN_REJECTED,
    _startup_problem,
    apply_endpoints,
)
from bot.errors import BriefbotError, ConfigError, UsageError
from bot.knowledge import KnowledgeBase
from bot.logs import TokenRedactor, configure_logging, token_secrets
from bot.render import MESSAGE_LIMIT
from bot.session import Session

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.s3cret-signature-part-0123456789"
LONG_DOC = "security-japan-taiwan"


# ------------------------------------------------------------------------------ fakes


@dataclass
class FakeUser:
    id: int = 1001
    display_name: str = "Alice"
    name: str = "alice"


@dataclass
class FakeMessage:
    content: str = ""
    author: FakeUser = field(default_factory=FakeUser)
    view: Any = None
    edits: list[dict[str, Any]] = field(default_factory=list)

    def to_reference(self, *, fail_if_not_exists: bool = True) -> tuple[str, bool]:
        return ("reference", fail_if_not_exists)

    async def edit(self, **kwargs: Any) -> None:
        self.edits.append(kwargs)


@dataclass
class FakeResponse:
    """``interaction.response``: records what the bot answered."""

    done: bool = False
    sent: list[dict[str, Any]] = field(default_factory=list)

    def is_done(self) -> bool:
        return self.done

    async def send_message(self, content: str, **kwargs: Any) -> None:
        self.done = True
        self.sent.append({"content": content, **kwargs})

    async def edit_message(self, **kwargs: Any) -> None:
        self.done = True
        self.sent.append({"edit": True, **kwargs})

    async def defer(self, **kwargs: Any) -> None:
        self.done = True


@dataclass
class FakeFollowup:
    sent: list[dict[str, Any]] = field(default_factory=list)

    async def send(self, content: str, **kwargs: Any) -> None:
        self.sent.append({"content": content, **kwargs})


@dataclass
class FakeInteraction:
    user: FakeUser = field(default_factory=FakeUser)
    response: FakeResponse = field(default_factory=FakeResponse)
    followup: FakeFollowup = field(default_factory=FakeFollowup)
    command: Any = None
    client: Any = None


@dataclass
class FakePermissions:
    embed_links: bool


@dataclass
class FakeChannel:
    """A guild channel where the bot has (or lacks) Embed Links."""

    embed_links: bool
    id: int = field(default_factory=lambda: next(_channel_ids))

    def permissions_for(self, member: Any) -> FakePermissions:
        return FakePermissions(self.embed_links)


_channel_ids = itertools.count(1)


class FakeContext:
    """The part of ``commands.Context`` the cogs and the error handler use.

    A DM by default (embeds allowed); ``embed_links=False`` is a fresh guild channel where
    the bot lacks Embed Links, so answers come as the plain text the CLI prints.
    """

    def __init__(self, bot: BriefBot, name: str | None = None, *, slash: bool = False,
                 author: FakeUser | None = None, rest: str = "",
                 embed_links: bool = True) -> None:
        self.bot = bot
        self.author = author or FakeUser()
        self.message = FakeMessage(author=self.author)
        self.interaction = FakeInteraction(user=self.author) if slash else None
        self.command = bot.get_command(name) if name else None
        self.invoked_with = name
        self.guild = None if embed_links else object()
        self.channel = FakeChannel(embed_links)
        self.me = object()
        self.clean_prefix = bot.settings.command_prefix
        self.view = commands.view.StringView(rest)
        self.sent: list[dict[str, Any]] = []
        self.deferred = False

    async def send(self, content: str | None = None, **kwargs: Any) -> FakeMessage:
        self.sent.append({"content": content, **kwargs})
        return FakeMessage(content=content or "", view=kwargs.get("view"))

    async def defer(self) -> None:
        assert not self.sent, "deferred after answering"
        self.deferred = True


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture
def root_logging(monkeypatch: pytest.MonkeyPatch) -> logging.Logger:
    """The root logger, with its level and handler list restored after the test."""
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))
    monkeypatch.setattr(root, "level", root.level)
    return root


def make_settings(**environ: str) -> Settings:
    return load_settings(environ={"DISCORD_TOKEN": TOKEN, **environ}, dotenv=False)


@pytest.fixture
async def bot(kb: KnowledgeBase) -> AsyncIterator[BriefBot]:
    async with BriefBot(make_settings(), kb,
                        extensions=("bot.cogs.briefing", "bot.cogs.admin")) as client:
        await client.setup_hook()
        yield client


@pytest.fixture
def session(kb: KnowledgeBase) -> Session:
    """The CLI's session over the same knowledge base: the reference for every reply."""
    chat = Session(make_settings())
    chat._kb = kb
    return chat


def cog(bot: BriefBot) -> Any:
    """The loaded cog (load_extension executes the module afresh: no isinstance on it)."""
    found = bot.get_cog("Briefing")
    assert found is not None
    return found


async def run_prefix(bot: BriefBot, line: str, **ctx_kwargs: Any) -> FakeContext:
    """Dispatch ``!name rest`` the way discord.py would, errors to the central handler."""
    name, _, rest = line.removeprefix(bot.settings.command_prefix).partition(" ")
    ctx = FakeContext(bot, name, rest=rest, **ctx_kwargs)
    if ctx.command is None:
        await bot.on_command_error(ctx, commands.CommandNotFound(f'"{name}" is not found'))
        return ctx
    try:  # a table command reads the rest of the message itself, as on Discord
        await ctx.command.callback(ctx.command.cog, ctx)
    except commands.CommandError as exc:
        await bot.on_command_error(ctx, exc)
    except Exception as exc:
        await bot.on_command_error(ctx, commands.CommandInvokeError(exc))
    return ctx


def posted(ctx: FakeContext) -> list[str]:
    """Every text page the bot would show for its first reply (the view holds the rest),
    less the one-time note that embeds are not allowed in the channel."""
    first = ctx.sent[0]
    view = first.get("view")
    pages = ([p.content or "" for p in view.pages] if isinstance(view, AnswerView)
             else [first["content"]])
    if pages[0] == NO_EMBEDS_NOTICE:
        return pages[1:]
    return [pages[0].removeprefix(NO_EMBEDS_NOTICE + "\n\n"), *pages[1:]]


def posted_payloads(ctx: FakeContext) -> list[dict[str, Any]]:
    """The first reply as the JSON bodies of its pages (embeds, or content), less mentions."""
    first = ctx.sent[0]
    view = first.get("view")
    pages = view.pages if isinstance(view, AnswerView) else [
        Page(content=first["content"]) if first.get("content") is not None
        else Page(embed=EmbedPage(first["embeds"][0].to_dict()))]
    bodies = []
    for page in pages:
        message = page.message()
        bodies.append({"content": message["content"]} if message["content"] is not None
                      else {"embeds": [e.to_dict() for e in message["embeds"]]})
    return bodies


def cli_payloads(line: str) -> list[dict[str, Any]]:
    """``briefbot … --format discord`` for a chat line: the bodies the bot must send."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli_main([*shlex.split(line.removeprefix("!")), "--format", "discord"]) == 0
    return [{k: v for k, v in body.items() if k in ("content", "embeds")}
            for body in json.loads(out.getvalue())]


# ------------------------------------------------------------------------------ the bot


async def test_bot_is_safe_by_default(kb: KnowledgeBase) -> None:
    settings = make_settings(BRIEFBOT_PREFIX="?", BRIEFBOT_OWNER_IDS="7 8")
    async with BriefBot(settings, kb, extensions=()) as client:
        assert client.allowed_mentions is not None
        assert client.allowed_mentions.to_dict() == {"parse": []}
        assert client.help_command is None
        assert client.intents.message_content
        assert client.command_prefix == "?"
        assert client.owner_ids == {7, 8}


async def test_every_table_command_is_hybrid_with_the_tables_summary(bot: BriefBot) -> None:
    for name, command in core.COMMANDS.items():
        assert len(command.summary) <= 100, name  # Discord's limit on a slash description
        if name == "digest":  # a group in its own cog, checked in tests/test_digest_cog.py
            continue
        hybrid = bot.get_command(name)
        assert isinstance(hybrid, commands.HybridCommand), name
        slash = bot.tree.get_command(name)
        assert slash is not None and slash.description == command.summary
        assert len(slash.description) <= 100


async def test_limit_options_are_bounded_integers(bot: BriefBot) -> None:
    for name in ("brief", "search"):
        slash = bot.tree.get_command(name)
        assert isinstance(slash, app_commands.Command)
        limit = next(o for o in slash.to_dict(bot.tree)["options"] if o["name"] == "limit")
        assert (limit["type"], limit["min_value"], limit["max_value"]) == (4, 1, 25)
    source = bot.tree.get_command("source")
    assert isinstance(source, app_commands.Command)
    assert [o["name"] for o in source.to_dict(bot.tree)["options"]] == ["id"]


async def test_a_failing_extension_is_logged_and_skipped(
        kb: KnowledgeBase, caplog: pytest.LogCaptureFixture) -> None:
    async with BriefBot(make_settings(), kb,
                        extensions=("tests.no_such_cog", "bot.cogs.briefing")) as client:
        with caplog.at_level(logging.ERROR, "bot.discord_bot"):
            await client.setup_hook()
        assert client.get_cog("Briefing") is not None
        assert "tests.no_such_cog failed to load" in caplog.text


# ------------------------------------------------------------------------------ same as the CLI


@pytest.mark.parametrize("line", [
    "!brief proposals",
    "!brief proposals --limit 3",
    "!who Kishi",
    '!who "Nobuo Kishi"',
    "!search senkaku --limit 2",
    "!search --limit=2 senkaku",
    "!search China's navy",
    f"!source {LONG_DOC}",
    f"!source {LONG_DOC}#p3",
    "!sources",
    "!topics",
    "!help",
    "!help foo",
    "!search senkaku --limit 99",
    "!search senkaku --limit",
    "!search senkaku --limit abc",
    "!search",
    "!source a b",
    "!sources extra",
    "!topics extra",
    "!serch senkaku",
    "!search *bold* @everyone",
])
async def test_prefix_replies_are_the_cli_messages(
        bot: BriefBot, session: Session, line: str) -> None:
    """Where the bot may not post embeds, it posts exactly what ``briefbot chat`` prints."""
    expected = bot_pages(session, line)
    ctx = await run_prefix(bot, line, embed_links=False)
    assert posted(ctx) == expected
    assert all(len(page) <= MESSAGE_LIMIT for page in posted(ctx))
    assert ctx.sent[0]["reference"] == ("reference", False)  # a reply that survives deletion


@pytest.mark.parametrize(("name", "options", "line"), [
    ("search", {"query": "senkaku", "limit": 2}, "!search senkaku --limit 2"),
    ("brief", {"topic": "proposals", "limit": None}, "!brief proposals"),
    ("who", {"name": "Kishi"}, "!who Kishi"),
    ("source", {"id": LONG_DOC}, f"!source {LONG_DOC}"),
    ("help", {}, "!help"),
    ("topics", {}, "!topics"),
])
async def test_slash_replies_are_the_cli_payloads(
        bot: BriefBot, name: str, options: dict[str, Any], line: str) -> None:
    """A slash answer is what ``briefbot … --format discord`` prints, page for page."""
    ctx = FakeContext(bot, name, slash=True)
    await ctx.command.callback(cog(bot), ctx, **options)
    assert posted_payloads(ctx) == await asyncio.to_thread(cli_payloads, line)
    assert "reference" not in ctx.sent[0] and not ctx.deferred


async def test_help_about_a_known_command_is_the_plain_help(
        bot: BriefBot, session: Session) -> None:
    # The CLI answers `!help search` with "I don't know `!search`"; the bot does not.
    ctx = await run_prefix(bot, "!help search")
    assert posted(ctx) == bot_pages(session, "!help")


async def test_markdown_and_mentions_in_echoed_input_are_defused(bot: BriefBot) -> None:
    ctx = await run_prefix(bot, "!search *bold* @everyone __x__", embed_links=False)
    content = ctx.sent[0]["content"]
    assert "\\*bold\\*" in content and "\\_\\_x\\_\\_" in content
    assert "@\u200beveryone" in content and "@everyone" not in content


async def test_a_slow_slash_command_is_deferred_first(
        bot: BriefBot, monkeypatch: pytest.MonkeyPatch) -> None:
    real = bot.render_answer
    on_loop_thread = []

    def slow(name: str, kwargs: dict[str, Any], kb: Any) -> Answer:
        on_loop_thread.append(_in_loop())
        time.sleep(0.2)
        return real(name, kwargs, kb)

    monkeypatch.setattr(bot, "render_answer", slow)
    monkeypatch.setattr(bot.extensions["bot.cogs.briefing"], "DEFER_AFTER", 0.05)
    ctx = FakeContext(bot, "search", slash=True)
    await ctx.command.callback(cog(bot), ctx, query="senkaku", limit=1)
    assert ctx.deferred and len(ctx.sent) == 1
    assert on_loop_thread == [False]  # the core ran in a worker thread, not on the loop


def _in_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.mark.parametrize("slash", [False, True])
async def test_overlong_arguments_are_refused_before_any_work(
        bot: BriefBot, monkeypatch: pytest.MonkeyPatch, slash: bool) -> None:
    monkeypatch.setattr(bot, "render_answer", _fail)
    query = "x" * (bot.settings.max_argument_length + 1)
    if slash:
        ctx = FakeContext(bot, "search", slash=True)
        try:
            await ctx.command.callback(cog(bot), ctx, query=query, limit=5)
        except BriefbotError as exc:
            await bot.on_command_error(ctx, commands.CommandInvokeError(exc))
        reply = ctx.sent[0]
        assert reply["ephemeral"] is True
    else:
        reply = (await run_prefix(bot, f"!search {query}")).sent[0]
    most = bot.settings.max_argument_length
    assert reply["content"] == (f"⚠️ That is too long for me: {len(query)} characters, and I "
                                f"take at most {most}. Try fewer words.")


def _fail(*args: Any) -> list[str]:
    raise AssertionError("the core must not run")


# ------------------------------------------------------------------------------ cooldown


async def test_cooldown_counts_every_command_of_a_user(kb: KnowledgeBase) -> None:
    settings = make_settings(BRIEFBOT_COOLDOWN_USES="2", BRIEFBOT_COOLDOWN_SECONDS="30")
    async with BriefBot(settings, kb, extensions=("bot.cogs.briefing",)) as client:
        ctx = FakeContext(client, "search")
        assert await client.check_cooldown(ctx) and await client.check_cooldown(ctx)
        with pytest.raises(commands.CommandOnCooldown) as info:
            await client.check_cooldown(ctx)
        assert await client.check_cooldown(FakeContext(client, "search", author=FakeUser(2)))

        await client.on_command_error(ctx, info.value)
        await client.on_command_error(ctx, info.value)  # a flood gets one answer per window
        assert len(ctx.sent) == 1
        assert ctx.sent[0]["content"].startswith(
            "⏳ Easy there: you can run 2 commands every 30 seconds. Try again in ")

        slash = FakeContext(client, "search", slash=True)
        await client.on_command_error(slash, info.value)
        await client.on_command_error(slash, info.value)
        assert [s["ephemeral"] for s in slash.sent] == [True, True]  # always acknowledged


# ------------------------------------------------------------------------------ errors


class Boom(Exception):
    pass


@pytest.mark.parametrize(("error", "reply"), [
    (UsageError("Tell me what to search for."),
     "⚠️ Tell me what to search for.\nUsage: `!search QUERY [--limit N]`"),
    (commands.TooManyArguments(), "⚠️ Too many words: ``.\nUsage: `!search QUERY [--limit N]`"),
    (BriefbotError("No such document."), "⚠️ No such document."),
    (commands.NotOwner(), "⛔ Only the bot's owner can use that command."),
    (commands.NoPrivateMessage(), "⛔ That command only works in a server."),
    (commands.CheckFailure(), "⛔ You can't use that command here."),
    (commands.BadArgument("bad"), "⚠️ bad\nUsage: `!search QUERY [--limit N]`"),
    (Boom("kaput"), GENERIC_APOLOGY),
])
async def test_the_central_handler_words_each_error(
        bot: BriefBot, error: Exception, reply: str) -> None:
    ctx = FakeContext(bot, "search")
    await bot.on_command_error(ctx, commands.CommandInvokeError(error))
    assert [s["content"] for s in ctx.sent] == [reply]


async def test_unexpected_errors_are_logged_with_traceback(
        bot: BriefBot, caplog: pytest.LogCaptureFixture) -> None:
    try:
        raise Boom("kaput")
    except Boom as exc:
        error = exc
    ctx = FakeContext(bot, "search", slash=True)
    with caplog.at_level(logging.ERROR, "bot.discord_bot"):
        await bot.on_command_error(ctx, commands.CommandInvokeError(error))
    assert ctx.sent == [{"content": GENERIC_APOLOGY, "ephemeral": True}]
    record = next(r for r in caplog.records if r.exc_info)
    assert record.exc_info[1] is error and "kaput" not in ctx.sent[0]["content"]


async def test_hybrid_slash_errors_are_unwrapped(bot: BriefBot) -> None:
    command = bot.tree.get_command("search")
    assert isinstance(command, app_commands.Command)
    inner = UsageError("nope")
    wrapped = commands.HybridCommandError(app_commands.CommandInvokeError(command, inner))
    assert unwrap(wrapped) is inner


async def test_a_forbidden_channel_gets_no_reply_and_the_handler_never_raises(
        bot: BriefBot) -> None:
    forbidden = discord.Forbidden(_Response(403), {"message": "Missing Permissions", "code": 50013})
    ctx = FakeContext(bot, "search")
    await bot.on_command_error(ctx, commands.CommandInvokeError(forbidden))
    assert ctx.sent == []

    async def broken_send(content: str, **kwargs: Any) -> None:
        raise discord.HTTPException(_Response(500), "down")

    ctx.send = broken_send  # type: ignore[method-assign]
    await bot.on_command_error(ctx, commands.CommandInvokeError(UsageError("x")))  # no raise


@dataclass
class _Response:
    status: int
    reason: str = "error"


async def test_tree_errors_reply_ephemerally(bot: BriefBot) -> None:
    interaction = FakeInteraction(command=None)
    await bot.on_app_command_error(interaction,  # type: ignore[arg-type]
                                   app_commands.CommandNotFound("old", []))
    assert interaction.response.sent == [{
        "content": "⚠️ That slash command is out of date. Try `/help` for the current ones.",
        "ephemeral": True}]
    await bot.report_interaction_error(interaction, Boom())  # type: ignore[arg-type]
    assert interaction.followup.sent == [{"content": GENERIC_APOLOGY, "ephemeral": True}]


async def test_no_reply_carries_the_token(bot: BriefBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.renderer, "messages", lambda *a, **k: [f"leak {TOKEN}"])
    ctx = await run_prefix(bot, "!sources")
    assert TOKEN not in ctx.sent[0]["content"] and "[REDACTED]" in ctx.sent[0]["content"]


# ------------------------------------------------------------------------------ paging


async def test_pages_turn_only_for_the_asker() -> None:
    pages = ["one", "two", "three"]
    view = AnswerView(text_pages(pages), owner_id=1, owner_name="Al*ice", timeout=None)
    assert (view.previous_page.disabled, view.counter.label, view.next_page.disabled) == (
        True, "page 1/3", False)
    stranger = FakeInteraction(user=FakeUser(2, "Bob"))
    assert await view.interaction_check(stranger) is False  # type: ignore[arg-type]
    assert stranger.response.sent == [{
        "content": "Only Al\\*ice can page this. Run the command yourself to get your own copy.",
        "ephemeral": True}]

    for expected in ("two", "three"):
        click = FakeInteraction(user=FakeUser(1))
        assert await view.interaction_check(click)  # type: ignore[arg-type]
        await view.next_page.callback(click)  # type: ignore[arg-type]
        assert click.response.sent[0]["content"] == expected
    assert view.next_page.disabled and view.counter.label == "page 3/3"
    back = FakeInteraction(user=FakeUser(1))
    await view.previous_page.callback(back)  # type: ignore[arg-type]
    assert back.response.sent[0]["content"] == "two" and not view.next_page.disabled


async def test_pages_stop_cleanly_on_timeout() -> None:
    view = AnswerView(text_pages(["a", "b"]), owner_id=FakeUser().id, timeout=0.05)
    message = FakeMessage()
    view.message = message  # type: ignore[assignment]
    view._start_listening_from_store(_Store())  # what discord.py does once the message is sent
    assert await view.wait() is True  # timed out
    await asyncio.sleep(0.05)  # on_timeout runs as its own task
    assert view.is_finished()
    assert all(item.disabled for item in view.children if isinstance(item, discord.ui.Button))
    assert message.edits == [{"view": view}]


class _Store:
    def remove_view(self, view: discord.ui.View) -> None:
        pass


async def test_a_single_page_has_no_buttons() -> None:
    view = AnswerView(text_pages(["only"]), owner_id=FakeUser().id)
    assert view.children == [] and not view.is_dispatchable()


# ------------------------------------------------------------------------------ autocomplete


def test_match_choices_is_case_insensitive_prefix_first_and_capped() -> None:
    options = [("china-threat", "China threat"), ("east-china-sea", "East China Sea"),
               ("energy", "Energy — security of CHINA's supply")]
    assert [c.value for c in match_choices(options, "CHIN")] == [
        "china-threat", "east-china-sea", "energy"]
    many = [(f"t{i}", "x" * 150) for i in range(40)]
    choices = match_choices(many, "t")
    assert len(choices) == 25 and all(len(c.name) <= 100 for c in choices)
    assert match_choices(options, "") and match_choices(options, "zzz") == []


async def test_autocomplete_callbacks(bot: BriefBot) -> None:
    found = cog(bot)
    interaction: Any = FakeInteraction()
    interaction.client = bot
    for command, option, typed, expected in [("brief", "topic", "PROP", "proposals"),
                                             ("who", "name", "kis", "Nobuo Kishi"),
                                             ("source", "id", "secur", LONG_DOC)]:
        slash = bot.tree.get_command(command)
        assert isinstance(slash, app_commands.Command)
        complete = slash._params[option].autocomplete
        assert complete is not None, (command, option)
        assert expected in [c.value for c in await complete(interaction, typed)]
    assert found.complete("topics", "PROP")


# ------------------------------------------------------------------------------ admin


async def test_sync_is_owner_only_and_checks_its_scope(
        bot: BriefBot, monkeypatch: pytest.MonkeyPatch) -> None:
    sync = bot.get_command("sync")
    assert sync is not None and sync.checks  # commands.is_owner()
    calls: list[int | None] = []

    async def fake_sync(guild_id: int | None) -> list[Any]:
        calls.append(guild_id)
        return [app_commands.Command(name="x", description="x", callback=_noop)]

    monkeypatch.setattr(bot, "sync_tree", fake_sync)
    ctx = FakeContext(bot, "sync")
    await sync.callback(sync.cog, ctx)
    assert calls == [None] and ctx.sent[0]["content"] == "✅ Synced 1 slash command globally: /x"
    with pytest.raises(UsageError, match="in the server"):
        await sync.callback(sync.cog, ctx, "guild")  # no guild in a DM
    with pytest.raises(UsageError, match="not one of"):
        await sync.callback(sync.cog, ctx, "everywhere")


async def _noop(interaction: discord.Interaction) -> None:
    pass


# ------------------------------------------------------------------------------ start-up


def test_redactor_hides_the_token_in_messages_args_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(TokenRedactor(token_secrets(TOKEN)))
    logger = logging.getLogger("discord.http.test_redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("header Authorization: Bot %s", TOKEN)
        logger.warning("signature alone: " + TOKEN.rsplit(".", 1)[-1])
        try:
            raise ValueError(f"bad header {TOKEN}")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert TOKEN not in text and "s3cret-signature" not in text
    assert text.count("[REDACTED]") == 3 and "ValueError: bad header [REDACTED]" in text


def test_configure_logging_filters_every_root_handler(root_logging: logging.Logger) -> None:
    root = root_logging
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root.handlers = [handler]
    root.level = logging.WARNING
    configure_logging(make_settings(BRIEFBOT_LOG_LEVEL="INFO"))
    configure_logging(make_settings())  # idempotent: one filter, not two
    assert root.level == logging.INFO and len(handler.filters) == 1
    logging.getLogger("discord.gateway").info("identify with %s", TOKEN)  # a child logger
    assert TOKEN not in stream.getvalue() and "[REDACTED]" in stream.getvalue()
    with pytest.raises(ConfigError, match="log_level"):
        configure_logging(make_settings(BRIEFBOT_LOG_LEVEL="LOUD"))


def test_apply_endpoints_sets_discord_py_class_attributes(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    with caplog.at_level(logging.INFO, "bot.discord_bot"):
        apply_endpoints(make_settings(DISCORD_API_BASE="http://127.0.0.1:9/api/v10/",
                                      DISCORD_GATEWAY_URL="ws://127.0.0.1:9/gateway"))
    assert discord.http.Route.BASE == "http://127.0.0.1:9/api/v10"
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    assert isinstance(gateway, yarl.URL) and str(gateway) == "ws://127.0.0.1:9/gateway"
    assert "http://127.0.0.1:9/api/v10" in caplog.text and TOKEN not in caplog.text
    with pytest.raises(ConfigError, match="discord_gateway_url"):
        apply_endpoints(make_settings(DISCORD_GATEWAY_URL="https://example.invalid"))


@pytest.mark.parametrize("entry", [run_bot, lambda s: sync_commands(s, None)])
@pytest.mark.parametrize(("token", "problem"), [
    ("", "DISCORD_TOKEN is not set"),
    ("abc def.ghi", "contains spaces"),
])
def test_a_missing_or_malformed_token_exits_1_with_one_line(
        entry: Callable[[Settings], int], token: str, problem: str,
        caplog: pytest.LogCaptureFixture, root_logging: logging.Logger) -> None:
    settings = load_settings(environ={"DISCORD_TOKEN": token} if token else {}, dotenv=False)
    with caplog.at_level(logging.ERROR, "bot.discord_bot"):
        assert entry(settings) == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and problem in errors[0] and "\n" not in errors[0]
    assert not token or token not in caplog.text


@pytest.mark.parametrize(("error", "problem"), [
    (discord.LoginFailure("Improper token has been passed."), TOKEN_REJECTED),
    (discord.HTTPException(_Response(401), {"message": "401: Unauthorized", "code": 0}),
     TOKEN_REJECTED),
    (discord.PrivilegedIntentsRequired(None), INTENT_MISSING),
    (ConnectionRefusedError(111, "Connection refused"), "Cannot reach Discord at"),
])
def test_startup_failures_are_explained_in_one_line(error: Exception, problem: str) -> None:
    explained = _startup_problem(error, make_settings())
    assert explained is not None and explained.startswith(problem) and "\n" not in explained
    assert TOKEN not in explained
