"""Hygiene end to end: what the real bot sends to the (strict) fake Discord, through every path.

Uses the bot process and fake server of ``test_e2e_discord`` (their fixtures, started once for
this module), so the replies checked here are the ones Discord would receive and display.
"""

from __future__ import annotations

import pytest

from tests import test_e2e_discord as e2e
from tests.fakediscord import FakeDiscord
from tests.test_e2e_discord import BotProcess, ask, cites, new_user

# The module's own bot process and fake server, from the same fixtures as test_e2e_discord.
fake = e2e.fake
bot = e2e.bot

pytestmark = pytest.mark.asyncio(loop_scope="module")
MENTION_ARTEFACTS = ("@everyone", "@here", "<@&", "<@!")


def assert_clean(message: dict) -> None:
    content = message["content"]
    assert len(content) <= 2000
    assert not any(raw in content for raw in MENTION_ARTEFACTS), content
    assert not any(ord(c) < 32 and c not in "\n\t" for c in content), content
    assert message["mention_everyone"] is False and message["mention_roles"] == []


async def test_an_over_long_command_word_gets_one_short_reply(fake: FakeDiscord,
                                                              bot: BotProcess) -> None:
    user = await new_user(fake)
    asked_for = "!" + "a" * 1001
    reply = await ask(fake, asked_for, user)
    assert_clean(reply)
    first_line = reply["content"].split("\n", 1)[0]
    assert "I don't know" in first_line and len(first_line) < 120
    await fake.settle()
    replies = [m for m in fake.bot_messages()
               if (m.get("message_reference") or {}).get("message_id")
               == reply["message_reference"]["message_id"]]
    assert len(replies) == 1
    assert cites(await ask(fake, "!search senkaku --limit 1", user))
    assert "Traceback" not in bot.logs()


async def test_error_replies_defuse_mentions_and_clip_the_echo(fake: FakeDiscord,
                                                               bot: BotProcess) -> None:
    user = await new_user(fake)
    role = fake.moderator_role.id
    # An unbounded echo of 1,500 characters used to make Discord refuse the reply (400).
    reply = await ask(fake, f"!sources @everyone <@&{role}> <@{user.id}> " + "@here " * 250,
                      user)
    assert_clean(reply)
    assert reply["content"].startswith("⚠️ Too many words") and len(reply["content"]) < 200
    usage = await ask(fake, f"!search senkaku --limit @everyone{chr(27)}[2J", user)
    assert_clean(usage)
    assert "Usage: `!search" in usage["content"]
