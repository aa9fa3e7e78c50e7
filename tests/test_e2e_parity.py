"""One grammar: the same odd lines mean the same thing in ``briefbot chat`` and on Discord.

Each line of the transcript below is typed into chat and posted to the fake Discord, where the
real bot process answers it. Where chat reports a usage error, the bot must reply with exactly
that text. Where chat runs a command, the bot's reply must be the very message it sends for the
slash command with the arguments chat understood: so a line read differently by the two (a flag
taken for query words, a query cut short) cannot pass, whatever the reply looks like.
"""

from __future__ import annotations

import shlex
from typing import Any

import pytest

from bot.chat import Call, chat_outcome, interpret
from bot.commands import COMMANDS, Reply
from bot.config import load_settings
from bot.session import Session
from tests import test_e2e_discord as e2e
from tests.fakediscord import FakeDiscord, OptionRefused
from tests.test_e2e_discord import answer_to, ask, new_user

pytestmark = pytest.mark.asyncio(loop_scope="module")
PREFIX = "!"

# The fixtures of the Discord end-to-end tests: a fake Discord and the bot process against it.
fake = e2e.fake
bot = e2e.bot

#: Lines as people type them, odd ones included.
PREFIX_LINES = [
    "!search x --bogus",
    "!search -x",
    "!search x --json",
    "!search -- -x",
    '!search "coast guard"',
    "!search China's navy --limit 2",
    "!search senkaku --limit 0",
    "!search senkaku --limit 26",
    "!search senkaku --limit -1",
    "!search senkaku --limit=3",
    "!search --limit 2 senkaku islands",
    "!search senkaku --limit",
    "!search senkaku --limit abc",
    "!search",
    '!who "Nobuo Kishi"',
    "!who Kishi's",
    "!source a b",
    "!topics extra",
    "!SEARCH senkaku --limit 1",
    "!help search --limit 2",
    "!serch senkaku",
    "!search query:senkaku",
]

#: Slash syntax typed in chat, and the options a Discord client sends for the same input.
SLASH_LINES = [
    ("/search query:coast guard limit:3", "search", {"query": "coast guard", "limit": 3}),
    ("/search query:x", "search", {"query": "x"}),
    ("/source id:security-japan-taiwan#p14", "source", {"id": "security-japan-taiwan#p14"}),
    ("/brief topic:senkaku limit:2", "brief", {"topic": "senkaku", "limit": 2}),
    ("/who name:Kishi", "who", {"name": "Kishi"}),
]

#: Slash input Discord's client will not send, the options typed, and the option it blames.
REFUSED_SLASH_LINES = [
    ("/search query:senkaku limit:26", "search", {"query": "senkaku", "limit": 26}, "limit"),
    ("/search query:senkaku limit:0", "search", {"query": "senkaku", "limit": 0}, "limit"),
    ("/brief topic:senkaku limit:abc", "brief", {"topic": "senkaku", "limit": "abc"}, "limit"),
    ("/search limit:3", "search", {"limit": 3}, "query"),
]


def understood(line: str) -> Call | str | None:
    """How chat reads ``line``, checked to be what chat then answers."""
    call = interpret(line, PREFIX)
    answered = chat_outcome(Session(load_settings(environ={}, dotenv=False)), line)
    assert isinstance(answered, Reply) if isinstance(call, Call) else answered == call, line
    return call


def shown(message: dict[str, Any]) -> tuple[str, Any]:
    """What a reader sees of a message: its text and its embeds (not ids or flags)."""
    return message.get("content", ""), message.get("embeds", [])


async def canonical_answer(fake: FakeDiscord, call: Call) -> dict[str, Any]:
    """The bot's answer to ``call`` typed unambiguously: as slash options, or (for what only
    text can say, like ``help`` about an unknown word) as ``!name word``."""
    user = await new_user(fake)
    command = COMMANDS[call.name]
    hidden = {p.name for p in command.params if p.hidden and call.kwargs.get(p.name)}
    if hidden:
        words = " ".join(shlex.quote(str(call.kwargs[name])) for name in sorted(hidden))
        return await ask(fake, f"{PREFIX}{call.name} {words}", user)
    options = {k: v for k, v in call.kwargs.items() if v is not None}
    return await answer_to(fake, await fake.send_slash(call.name, options, user=user))


@pytest.mark.parametrize("line", PREFIX_LINES)
async def test_a_prefix_line_means_the_same_in_chat_and_on_discord(
        fake: FakeDiscord, bot: Any, line: str) -> None:
    call = understood(line)
    reply = await ask(fake, line, await new_user(fake))
    if isinstance(call, str):  # a usage error: the same words, the same usage line
        assert reply["content"] == call
    else:
        assert isinstance(call, Call)
        assert shown(reply) == shown(await canonical_answer(fake, call))


@pytest.mark.parametrize(("line", "name", "options"), SLASH_LINES)
async def test_slash_syntax_typed_in_chat_is_the_slash_command(
        fake: FakeDiscord, bot: Any, line: str, name: str, options: dict[str, Any]) -> None:
    call = understood(line)
    assert isinstance(call, Call) and call.name == name
    typed = await fake.send_slash(name, options, user=await new_user(fake))
    assert shown(await answer_to(fake, typed)) == shown(await canonical_answer(fake, call))


@pytest.mark.parametrize(("line", "name", "options", "option"), REFUSED_SLASH_LINES)
async def test_slash_input_discord_refuses_is_refused_in_chat_for_the_same_reason(
        fake: FakeDiscord, bot: Any, line: str, name: str, options: dict[str, Any],
        option: str) -> None:
    refused = understood(line)
    assert isinstance(refused, str) and f"`{option}:`" in refused, refused
    before = len(fake.interactions)
    with pytest.raises(OptionRefused) as caught:
        await fake.send_slash(name, options, user=await new_user(fake))
    assert caught.value.option == option
    spec = caught.value.spec  # as the bot synced it: chat states the same range
    if "min_value" in spec:
        assert f"from {spec['min_value']} to {spec['max_value']}" in refused
    if option in options:  # sent as raw option dicts, past the client: Discord refuses it too
        raw = [{"name": k, "type": 4 if k == "limit" else 3, "value": v}
               for k, v in options.items()]
        with pytest.raises(OptionRefused):
            await fake.send_slash(name, raw, user=await new_user(fake))
    assert len(fake.interactions) == before  # the bot never hears of it
