"""A fake Discord (REST API v10 + gateway) for end-to-end tests of briefbot.

Usage::

    async with FakeDiscord(heartbeat_interval=0.2) as fake:
        discord.http.Route.BASE = fake.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
        ...  # start the bot with fake.token, then drive it:
        await fake.send_message("!ping")
        reply = await fake.wait_for_message()
"""

from .gateway import ConnectionInfo, GatewayFrame, GatewaySession
from .models import FakeChannel, FakeGuild, FakeMember, FakeRole, FakeUser, Overwrite
from .server import (
    FakeDiscord,
    Fault,
    HTTPError,
    InteractionRecord,
    OptionRefused,
    RecordedRequest,
)
from .validation import shown_text

__all__ = [
    "ConnectionInfo",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeMember",
    "FakeRole",
    "FakeUser",
    "Fault",
    "GatewayFrame",
    "GatewaySession",
    "HTTPError",
    "InteractionRecord",
    "OptionRefused",
    "Overwrite",
    "RecordedRequest",
    "shown_text",
]
