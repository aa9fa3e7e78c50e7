"""The fake Discord server, proven against a real discord.py ``commands.Bot`` run in-process.

Each test starts a fresh fake and a fresh bot pointed at it (Route.BASE and DEFAULT_GATEWAY
patched and restored by monkeypatch), so these exercise discord.py's real HTTP, rate-limit,
gateway, resume, interaction and view code paths against the fake.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator, Callable

import aiohttp
import discord
import pytest
import yarl
from discord import app_commands
from discord.ext import commands

from tests.fakediscord import FakeDiscord
from tests.fakediscord.models import EMBED_LINKS

HEARTBEAT = 0.1  # seconds; small so heartbeat flow is observable quickly


class ButtonView(discord.ui.View):
    """One button that edits its message when clicked."""

    def __init__(self) -> None:
        super().__init__(timeout=30)
        self.clicked_by: int | None = None

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.primary, custom_id="confirm")
    async def confirm(
        self, interaction: discord.Interaction, button: discord.ui.Button[ButtonView]
    ) -> None:
        self.clicked_by = interaction.user.id
        await interaction.response.edit_message(content="confirmed", view=None)


class CounterView(discord.ui.View):
    """A button that counts clicks in the message it sits on, keeping the view attached."""

    def __init__(self) -> None:
        super().__init__(timeout=30)
        self.count = 0
        #: Component payloads discord.py handed to the view from MESSAGE_UPDATE.
        self.refreshed: list[list[discord.Component]] = []

    def _refresh(self, components: list[discord.Component]) -> None:
        self.refreshed.append(components)
        super()._refresh(components)

    @discord.ui.button(label="+1", custom_id="count")
    async def add(self, interaction: discord.Interaction,
                  button: discord.ui.Button[CounterView]) -> None:
        self.count += 1
        button.label = f"+1 ({self.count})"
        await interaction.response.edit_message(content=f"count {self.count}", view=self)


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    """A one-field modal that thanks the user on submit."""

    text: discord.ui.TextInput[FeedbackModal] = discord.ui.TextInput(
        label="Your feedback", custom_id="fb"
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"thanks: {self.text.value}")


class PickView(discord.ui.View):
    """A select menu that reports the pick with a deferred update then an edit."""

    @discord.ui.select(
        custom_id="pick",
        options=[
            discord.SelectOption(label="Red", value="red"),
            discord.SelectOption(label="Blue", value="blue"),
        ],
    )
    async def pick(
        self, interaction: discord.Interaction, select: discord.ui.Select[PickView]
    ) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content=f"picked {select.values[0]}")


def _many_fields(count: int) -> discord.Embed:
    embed = discord.Embed(title="fields")
    for i in range(count):
        embed.add_field(name=f"n{i}", value="v")
    return embed


class TestBot(commands.Bot):
    """A minimal bot with a prefix command, a hybrid command (+ autocomplete) and a view."""

    __test__ = False  # not a pytest class

    def __init__(self, *, message_content: bool = True) -> None:
        intents = discord.Intents.default()
        intents.message_content = message_content
        super().__init__(
            command_prefix="!",
            intents=intents,
            # discord.py waits this long after the last GUILD_CREATE before on_ready (default 2 s).
            guild_ready_timeout=0.05,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.ready = asyncio.Event()
        self.resumed = asyncio.Event()
        self.last_view: ButtonView | None = None
        self.counter: CounterView | None = None
        self.seen: list[str] = []
        #: Ids of the messages the bot sent, once the REST call creating each returned.
        self.sent_ids: set[int] = set()
        #: For each echo of the bot's own message: had its REST call returned already?
        self.echo_after_reply: list[bool] = []

    async def setup_hook(self) -> None:
        @self.command()
        async def ping(ctx: commands.Context[TestBot]) -> None:
            await ctx.send("pong")

        @self.command()
        async def shout(ctx: commands.Context[TestBot]) -> None:
            # Explicitly allows only user pings even though @everyone appears.
            await ctx.send(
                f"@everyone hey {ctx.author.mention}",
                allowed_mentions=discord.AllowedMentions(everyone=False, users=True, roles=False),
            )

        @self.command()
        async def menu(ctx: commands.Context[TestBot]) -> None:
            self.last_view = ButtonView()
            await ctx.send("Please confirm", view=self.last_view)

        @self.hybrid_command(description="Repeat some text")
        @app_commands.describe(text="What to repeat")
        async def echo(ctx: commands.Context[TestBot], text: str) -> None:
            await ctx.send(f"echo: {text}", embed=discord.Embed(title="Echo", description=text))

        @echo.autocomplete("text")
        async def echo_complete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            words = ["apple", "apricot", "banana"]
            return [app_commands.Choice(name=w, value=w) for w in words if w.startswith(current)]

        @self.command()
        async def count(ctx: commands.Context[TestBot]) -> None:
            self.counter = CounterView()
            sent = await ctx.send("count 0", view=self.counter)
            self.sent_ids.add(sent.id)

        @self.command()
        async def pickone(ctx: commands.Context[TestBot]) -> None:
            await ctx.send("pick a colour", view=PickView())

        @self.command()
        async def upload(ctx: commands.Context[TestBot]) -> None:
            await ctx.send(
                "here", file=discord.File(io.BytesIO(b"file body"), filename="notes.txt")
            )

        @self.tree.command(description="Private answer plus a public followup")
        async def ask(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("secret", ephemeral=True)
            await interaction.followup.send("public followup")
            original = await interaction.original_response()
            await interaction.edit_original_response(content=original.content + " (edited)")

        @self.tree.command(description="Open the feedback form")
        async def feedback(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(FeedbackModal())

        @self.hybrid_command(description="Slow command that defers")
        async def slow(ctx: commands.Context[TestBot]) -> None:
            await ctx.defer()
            await asyncio.sleep(0.05)
            await ctx.send("done slowly")

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # discord.py sleeps 5 s before every re-IDENTIFY (Discord's identify rate limit);
        # skip that here so the invalid-session test stays fast.
        return None

    async def on_ready(self) -> None:
        self.ready.set()

    async def on_resumed(self) -> None:
        self.resumed.set()

    async def on_message(self, message: discord.Message) -> None:
        self.seen.append(message.content)
        if self.user is not None and message.author.id == self.user.id:
            self.echo_after_reply.append(message.id in self.sent_ids)
        await self.process_commands(message)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(heartbeat_interval=HEARTBEAT) as server:
        yield server
        # Every test doubles as a check that the bot hit only routes the fake knows.
        assert server.unhandled == [], [f"{r.method} {r.path}" for r in server.unhandled]
        assert server.server_errors == []


def point_discord_at(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
    """Aim discord.py at the fake: the two settings the real bot process also needs."""
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url)
    )


@contextlib.asynccontextmanager
async def running(client: TestBot, token: str) -> AsyncIterator[TestBot]:
    """Run ``client`` until the block ends, then close it cleanly."""
    task = asyncio.create_task(client.start(token))
    try:
        ready = asyncio.create_task(client.ready.wait())
        done, _ = await asyncio.wait({ready, task}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if task in done:
            task.result()  # start() ended early: surface its exception
        assert ready in done, "bot did not become ready"
        yield client
    finally:
        await client.close()
        await asyncio.wait_for(task, timeout=5)


@pytest.fixture
async def bot(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[TestBot]:
    point_discord_at(fake, monkeypatch)
    async with running(TestBot(), fake.token) as client:
        yield client


async def test_ready_and_guild_available(fake: FakeDiscord, bot: TestBot) -> None:
    guild = bot.get_guild(fake.guild_id)
    assert guild is not None and not guild.unavailable
    assert bot.user is not None and bot.user.id == fake.bot_user.id
    assert bot.application_id == fake.application_id
    assert {c.name for c in guild.text_channels} == {"general", "random"}
    me = guild.me
    channel = guild.get_channel(fake.channel_id)
    assert isinstance(channel, discord.TextChannel)
    assert channel.permissions_for(me).send_messages
    assert guild.owner_id == fake.owner.id
    # Login used exactly these routes.
    assert [r.route for r in fake.requests] == ["GET /users/@me", "GET /oauth2/applications/@me"]
    assert fake.identify_count == 1
    assert fake.gateway.connections[0].query["compress"] == "zlib-stream"
    await fake.wait_for_heartbeats(3)


async def test_prefix_command_replies_with_allowed_mentions(
    fake: FakeDiscord, bot: TestBot
) -> None:
    await fake.send_message("!ping")
    reply = await fake.wait_for_message(fake.channel_id)
    assert reply["content"] == "pong"
    post = fake.requests_to("POST", "/channels/{id}/messages")[-1]
    # The bot-wide AllowedMentions.none() travels with every send.
    assert post.json["allowed_mentions"] == {"parse": []}
    assert post.json["enforce_nonce"] is True and post.json["nonce"]

    await fake.send_message("!shout", author=fake.user)
    shout = await fake.wait_for_message()
    body = fake.requests_to("POST", "/channels/{id}/messages")[-1].json
    assert body["allowed_mentions"]["parse"] == ["users"]
    assert shout["mention_everyone"] is False  # @everyone was not allowed (and not pinged)
    assert [m["id"] for m in shout["mentions"]] == [str(fake.user.id)]


async def test_slash_and_autocomplete(fake: FakeDiscord, bot: TestBot) -> None:
    record = await fake.send_slash("echo", {"text": "hello"})
    response = await fake.wait_for_interaction_response(record)
    assert response["type"] == 4
    assert response["data"]["content"] == "echo: hello"
    assert response["data"]["embeds"][0]["title"] == "Echo"
    message = await fake.wait_for_message()
    assert message["content"] == "echo: hello"
    assert message["interaction_metadata"]["id"] == str(record.id)

    auto = await fake.send_autocomplete("echo", {"text": "ap"})
    choices = await fake.wait_for_interaction_response(auto)
    assert choices == {
        "type": 8,
        "data": {
            "choices": [
                {"name": "apple", "value": "apple"},
                {"name": "apricot", "value": "apricot"},
            ]
        },
    }


async def test_deferred_slash_followup_edits_thinking_message(
    fake: FakeDiscord, bot: TestBot
) -> None:
    record = await fake.send_slash("slow")
    assert (await fake.wait_for_interaction_response(record))["type"] == 5
    answer = await fake.wait_for_message()
    assert answer["content"] == "done slowly"
    assert int(answer["id"]) == record.original_message_id  # the followup replaced "thinking..."
    assert record.followup_ids == []


async def test_resume_after_dropped_gateway(fake: FakeDiscord, bot: TestBot) -> None:
    session_id = fake.session.session_id  # type: ignore[union-attr]
    before = fake.clock()
    await fake.drop_gateway(code=4000)
    # Dispatched while the bot is disconnected: must be replayed on RESUME, not lost.
    await fake.send_message("!ping")
    resume = await fake.wait_for_frame(6, since=before)
    assert resume.d["session_id"] == session_id
    assert (await fake.wait_for_message())["content"] == "pong"
    await asyncio.wait_for(bot.resumed.wait(), 5)
    assert fake.identify_count == 1 and fake.resume_count == 1
    last = fake.gateway.connections[-1]
    assert last.path == "/gateway-resume" and last.kind == "resume" and last.replayed >= 1
    await fake.wait_for_heartbeats(2, since=fake.clock())  # heartbeats continue on the new socket

    # An abrupt TCP drop is resumed too.
    await fake.drop_gateway(code=None)
    await fake.wait_until(lambda: fake.resume_count == 2, what="second RESUME")
    await fake.send_message("!ping")
    assert (await fake.wait_for_message())["content"] == "pong"
    assert fake.identify_count == 1


async def test_invalidated_session_reidentifies(fake: FakeDiscord, bot: TestBot) -> None:
    await fake.drop_gateway(code=4000, invalidate=True)
    await fake.wait_until(lambda: fake.identify_count == 2, what="a fresh IDENTIFY")
    await fake.wait_for_session()
    await fake.send_message("!ping")
    assert (await fake.wait_for_message())["content"] == "pong"


async def test_rate_limited_send_is_retried_once(fake: FakeDiscord, bot: TestBot) -> None:
    fault = fake.fail_next("POST", "/channels/{id}/messages", status=429, retry_after=0.2)
    start = fake.clock()
    await fake.send_message("!ping")
    reply = await fake.wait_for_message()
    assert reply["content"] == "pong"
    posts = fake.requests_to("POST", "/channels/{id}/messages", since=start)
    assert [p.status for p in posts] == [429, 200]
    assert posts[1].at - posts[0].at >= 0.2
    assert fault.hits == [posts[0]]
    assert [m["content"] for m in fake.bot_messages()] == ["pong"]  # delivered exactly once


async def test_forbidden_send_raises(fake: FakeDiscord, bot: TestBot) -> None:
    channel = bot.get_channel(fake.channel_id)
    assert isinstance(channel, discord.TextChannel)
    fake.fail_next("POST", f"/channels/{fake.channel_id}/messages", status=403)
    with pytest.raises(discord.Forbidden) as info:
        await channel.send("nope")
    assert info.value.code == 50013
    with pytest.raises(discord.HTTPException) as too_long:
        await channel.send("x" * 2001)
    assert too_long.value.status == 400 and too_long.value.code == 50035


@pytest.mark.parametrize("embeds", [
    [discord.Embed(title="t" * 257)],
    [discord.Embed(description="d" * 4097)],
    [discord.Embed(title="t").set_footer(text="f" * 2049)],
    [discord.Embed(title="t").add_field(name="n" * 257, value="v")],
    [discord.Embed(title="t").add_field(name="n", value="v" * 1025)],
    [_many_fields(26)],
    [discord.Embed(description="d" * 3500), discord.Embed(description="d" * 2501)],  # > 6,000
], ids=["title", "description", "footer", "field-name", "field-value", "fields", "total"])
async def test_embeds_over_discords_limits_are_refused(
    fake: FakeDiscord, bot: TestBot, embeds: list[discord.Embed]
) -> None:
    channel = bot.get_channel(fake.channel_id)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.HTTPException) as refused:
        await channel.send(embeds=embeds)
    assert refused.value.status == 400 and refused.value.code == 50035
    assert fake.bot_messages() == []


async def test_more_than_ten_embeds_are_refused(fake: FakeDiscord) -> None:
    """discord.py refuses this itself, so ask the fake directly, as another client could."""
    async with aiohttp.ClientSession() as http:
        response = await http.post(
            f"{fake.api_base}/channels/{fake.channel_id}/messages",
            headers={"Authorization": f"Bot {fake.token}"},
            json={"embeds": [{"title": str(i)} for i in range(11)]})
        body = await response.json()
    assert response.status == 400 and body["code"] == 50035 and "embeds" in body["errors"]


async def test_embeds_need_embed_links_in_the_channel(fake: FakeDiscord, bot: TestBot) -> None:
    await fake.set_channel_overwrite(fake.channel_id, fake.bot_role.id, deny=EMBED_LINKS)
    await until(lambda: not bot.get_channel(fake.channel_id).permissions_for(  # type: ignore
        bot.get_guild(fake.guild_id).me).embed_links)  # type: ignore[union-attr]
    channel = bot.get_channel(fake.channel_id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("text", embed=discord.Embed(title="card"))
    assert sent.content == "text" and sent.embeds == []  # dropped silently, as Discord does
    with pytest.raises(discord.HTTPException) as empty:
        await channel.send(embed=discord.Embed(title="card"))
    assert empty.value.status == 400 and empty.value.code == 50006


async def test_button_click_on_view(fake: FakeDiscord, bot: TestBot) -> None:
    await fake.send_message("!menu")
    menu = await fake.wait_for_message()
    assert menu["components"][0]["components"][0]["custom_id"] == "confirm"
    record = await fake.click_button(menu["id"], "confirm", user=fake.user)
    response = await fake.wait_for_interaction_response(record)
    assert response["type"] == 7
    assert response["data"]["content"] == "confirmed"
    stored = fake.get_message(menu["id"])
    assert stored is not None and stored["content"] == "confirmed" and stored["components"] == []
    assert bot.last_view is not None and bot.last_view.clicked_by == fake.user.id


async def until(condition: Callable[[], object], timeout: float = 2.0) -> None:
    """Wait for the in-process bot to have handled what the fake sent it."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


async def test_own_messages_and_edits_are_echoed_after_the_reply(
    fake: FakeDiscord, bot: TestBot
) -> None:
    """As on Discord: MESSAGE_CREATE/UPDATE for the bot's own message follow the REST reply,
    so discord.py already tracks the message's view and hands it every update."""
    await fake.send_message("!count")
    message = await fake.wait_for_message(predicate=lambda m: m["content"] == "count 0")
    await fake.settle()
    await until(lambda: bot.echo_after_reply)
    assert bot.echo_after_reply == [True]
    for clicks in (1, 2):
        record = await fake.click_button(message["id"], "count", user=fake.user)
        assert (await fake.wait_for_interaction_response(record))["type"] == 7
        await fake.settle()
        update = fake.dispatched("MESSAGE_UPDATE", message["id"])[-1]
        assert update["content"] == f"count {clicks}"
        assert update["components"][0]["components"][0]["label"] == f"+1 ({clicks})"
    assert bot.counter is not None and bot.counter.count == 2
    await until(lambda: len(bot.counter.refreshed) == 2)  # each update reached the view


async def test_tree_sync_and_synced_slash(fake: FakeDiscord, bot: TestBot) -> None:
    synced = await bot.tree.sync()
    put = await fake.wait_for_request("PUT", f"/applications/{fake.application_id}/commands")
    expected = {"echo", "slow", "ask", "feedback"}
    assert {c["name"] for c in put.json} == expected
    assert {c.name for c in synced} == expected
    # Ids survive a re-sync, as with Discord's bulk overwrite.
    again = await bot.tree.sync()
    assert {c.id for c in again} == {c.id for c in synced}

    guild = discord.Object(fake.guild_id)
    bot.tree.copy_global_to(guild=guild)
    await bot.tree.sync(guild=guild)
    assert fake.requests_to("PUT", "/applications/{app}/guilds/{guild}/commands")
    record = await fake.send_slash("echo", {"text": "synced"})
    assert record.payload["data"]["guild_id"] == str(fake.guild_id)  # guild copy wins
    assert (await fake.wait_for_interaction_response(record))["data"]["content"] == "echo: synced"
    with pytest.raises(ValueError):
        await fake.send_slash("echo", {"txt": "typo"})


async def test_history_and_enforce_nonce(fake: FakeDiscord, bot: TestBot) -> None:
    for i in range(5):
        await fake.send_message(f"m{i}")
    channel = bot.get_channel(fake.channel_id)
    assert isinstance(channel, discord.TextChannel)
    newest = [m.content async for m in channel.history(limit=3)]
    assert newest == ["m4", "m3", "m2"]
    oldest = [m.content async for m in channel.history(limit=2, oldest_first=True)]
    assert oldest == ["m0", "m1"]

    first = await channel.send("digest", nonce="digest-1")
    second = await channel.send("digest", nonce="digest-1")
    assert first.id == second.id
    assert [m["content"] for m in fake.bot_messages()].count("digest") == 1


async def test_ephemeral_followup_and_original(fake: FakeDiscord, bot: TestBot) -> None:
    record = await fake.send_slash("ask")
    secret = await fake.wait_for_message()
    assert secret["content"] == "secret" and secret["flags"] & 64
    public = await fake.wait_for_message()
    assert public["content"] == "public followup" and not public["flags"] & 64
    assert record.followup_ids == [int(public["id"])]
    edited = await fake.wait_for_edit(secret["id"])
    assert edited["content"] == "secret (edited)"
    assert fake.requests_to("GET", "/webhooks/{app}/{token}/messages/@original")
    # Ephemeral messages never show up in channel history.
    assert [m["content"] for m in fake.history()] == ["public followup"]


async def test_modal_and_select(fake: FakeDiscord, bot: TestBot) -> None:
    opener = await fake.send_slash("feedback")
    assert (await fake.wait_for_interaction_response(opener))["type"] == 9
    submitted = await fake.submit_modal(opener, {"fb": "great bot"})
    assert (await fake.wait_for_interaction_response(submitted))["data"][
        "content"
    ] == "thanks: great bot"

    await fake.send_message("!pickone")
    menu = await fake.wait_for_message(predicate=lambda m: m["content"] == "pick a colour")
    picked = await fake.select_option(menu["id"], "pick", ["blue"])
    assert (await fake.wait_for_interaction_response(picked))["type"] == 6
    assert (await fake.wait_for_edit(menu["id"]))["content"] == "picked blue"


async def test_dm_and_file_upload(fake: FakeDiscord, bot: TestBot) -> None:
    dm = await fake.send_dm("!ping")
    reply = await fake.wait_for_message(int(dm["channel_id"]))
    assert reply["content"] == "pong"

    await fake.send_message("!upload")
    message = await fake.wait_for_message()
    attachment = message["attachments"][0]
    assert attachment["filename"] == "notes.txt" and attachment["size"] == len(b"file body")
    post = fake.requests_to("POST", "/channels/{id}/messages")[-1]
    assert post.files[0]["filename"] == "notes.txt" and post.json["content"] == "here"
    channel = bot.get_channel(fake.channel_id)
    assert isinstance(channel, discord.TextChannel)
    fetched = await channel.fetch_message(int(message["id"]))
    assert await fetched.attachments[0].read() == b"file body"


async def test_message_content_intent_is_enforced(
    fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_discord_at(fake, monkeypatch)
    async with running(TestBot(message_content=False), fake.token) as client:
        await fake.send_message("!ping")
        await fake.send_message(f"hello {fake.bot_user.mention}")
        await fake.wait_until(lambda: len(client.seen) == 2, what="both messages")
        # Like Discord: without the intent content is blank unless the bot is mentioned,
        # so the prefix command never fires.
        assert client.seen == ["", f"hello {fake.bot_user.mention}"]
        assert fake.bot_messages() == []


async def test_disallowed_privileged_intent_closes_4014(monkeypatch: pytest.MonkeyPatch) -> None:
    async with FakeDiscord(heartbeat_interval=HEARTBEAT, allowed_privileged_intents=0) as strict:
        point_discord_at(strict, monkeypatch)
        client = TestBot()  # asks for message_content, which this "portal" has not enabled
        with pytest.raises(discord.PrivilegedIntentsRequired):
            await asyncio.wait_for(client.start(strict.token), timeout=5)
        await client.close()
        assert strict.gateway.connections[0].close_code == 4014
