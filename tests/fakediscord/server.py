"""FakeDiscord: an in-memory Discord (REST API v10 + gateway) on 127.0.0.1 for end-to-end tests.

One aiohttp server serves both halves:

* REST under ``/api/v10`` (any ``/api/v{n}``), every request recorded, unknown routes answered
  404 and listed in :attr:`FakeDiscord.unhandled`;
* the gateway websocket at ``/gateway`` (READY's ``resume_gateway_url`` points at
  ``/gateway-resume`` so tests can see the client really used it).

Point a discord.py client at it with::

    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)

Bodies are checked with Discord's limits (see :mod:`.validation`) and permission rules, so a
bot that passes here is not relying on leniency the real API lacks.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import copy
import hashlib
import json
import logging
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web

from . import validation
from .gateway import Gateway, GatewayFrame, GatewaySession
from .models import (
    ADMINISTRATOR,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    DM,
    EMBED_LINKS,
    FLAG_COMPONENTS_V2,
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    FLAG_SUPPRESS_EMBEDS,
    FLAG_SUPPRESS_NOTIFICATIONS,
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MEMBERS,
    INTENT_GUILD_MESSAGES,
    INTENT_GUILDS,
    INTENT_MESSAGE_CONTENT,
    KICK_MEMBERS,
    MANAGE_GUILD,
    MANAGE_MESSAGES,
    MENTION_EVERYONE,
    PRIVILEGED_INTENTS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    Overwrite,
    SnowflakeFactory,
    iso_now,
    new_interaction_token,
)

log = logging.getLogger("fakediscord")

T = TypeVar("T")

# Interaction types.
PING = 1
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

# Interaction callback types allowed per interaction type.
_ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    PING: frozenset({1}),
    APPLICATION_COMMAND: frozenset({4, 5, 9, 12}),
    MESSAGE_COMPONENT: frozenset({4, 5, 6, 7, 9}),
    AUTOCOMPLETE: frozenset({8}),
    MODAL_SUBMIT: frozenset({4, 5, 6, 7}),
}

# Message types.
MSG_DEFAULT = 0
MSG_REPLY = 19
MSG_CHAT_INPUT_COMMAND = 20

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")
_EVERYONE = re.compile(r"@(everyone|here)\b")
_COMPONENT_TYPES_SELECT = frozenset({3, 5, 6, 7, 8})


# ---------------------------------------------------------------------------------- records


@dataclass
class RecordedRequest:
    """One REST request the client made, and what the fake answered."""

    method: str
    #: Path relative to the API base, e.g. ``/channels/123/messages`` (no query string).
    path: str
    #: The matched route template, e.g. ``POST /channels/{channel_id}/messages``; None if unhandled.
    route: str | None
    query: dict[str, str]
    #: Decoded JSON body (for multipart requests: the ``payload_json`` part), or None.
    json: Any
    #: Uploaded files: ``{"field", "filename", "content_type", "size"}``.
    files: list[dict[str, Any]]
    headers: dict[str, str]
    #: Event-loop time the request arrived (compare with :meth:`FakeDiscord.clock`).
    at: float
    status: int = 0
    #: The JSON the fake answered with (None for 204).
    response: Any = None


# Per-request storage set by the middleware for handlers.
_RECORD = web.RequestKey("fakediscord_record", RecordedRequest)
_BODY: web.RequestKey[Any] = web.RequestKey("fakediscord_body", object)
_FILES: web.RequestKey[list[dict[str, Any]]] = web.RequestKey("fakediscord_files", list)
#: Gateway events caused by the REST request being handled, sent once its reply has gone out:
#: Discord answers the request first and echoes the change on the gateway after, so a client
#: sees MESSAGE_CREATE/UPDATE for its own message only once it holds the message (and any view
#: it attached to it). None outside a request (test-side actions dispatch at once).
_AFTER_REPLY: contextvars.ContextVar[list[tuple[str, dict[str, Any]]] | None] = (
    contextvars.ContextVar("fakediscord_after_reply", default=None))


@dataclass
class Fault:
    """A queued failure for matching requests (see :meth:`FakeDiscord.fail_next`)."""

    method: str
    path: str
    status: int
    retry_after: float
    global_: bool
    times: int
    code: int | None
    message: str | None
    body: Any
    pattern: re.Pattern[str]
    #: The requests this fault answered.
    hits: list[RecordedRequest] = field(default_factory=list)


@dataclass
class InteractionRecord:
    """An interaction the fake dispatched and everything the bot did with it."""

    id: int
    token: str
    #: 2 command, 3 component, 4 autocomplete, 5 modal submit.
    type: int
    #: The INTERACTION_CREATE payload as dispatched.
    payload: dict[str, Any]
    created_at: float
    channel_id: int
    guild_id: int | None
    user: FakeUser
    #: For component / modal-from-component interactions: the message carrying the component.
    message_id: int | None = None
    #: Successful callback bodies (``{"type": ..., "data": ...}``), in order (only one is allowed).
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)

    @property
    def response(self) -> dict[str, Any] | None:
        """The callback body, once the bot has responded."""
        return self.callbacks[0] if self.callbacks else None

    @property
    def modal(self) -> dict[str, Any] | None:
        """The modal the bot opened (callback type 9), if any."""
        resp = self.response
        return resp.get("data") if resp and resp.get("type") == 9 else None


class HTTPError(Exception):
    """Raised inside handlers to answer with a Discord-style JSON error."""

    def __init__(self, status: int, code: int, message: str, errors: Any = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.body: dict[str, Any] = {"message": message, "code": code}
        if errors is not None:
            self.body["errors"] = errors


class OptionRefused(ValueError):
    """A slash command Discord's client will not send: a required option is missing, or a
    value is outside the option's declared type or bounds.

    Discord shows the problem at the option in the input box, and nothing reaches the bot (no
    interaction, no message). ``option`` is the option's name, ``spec`` what the bot synced.
    """

    def __init__(self, option: str, problem: str, spec: Mapping[str, Any] | None = None) -> None:
        super().__init__(f"Discord's client refuses /…{option}: it {problem}")
        self.option = option
        self.problem = problem
        self.spec: Mapping[str, Any] = spec or {}


def _path_pattern(path: str) -> re.Pattern[str]:
    """Compile ``/channels/{id}/messages`` (or a concrete path) into a full-match regex."""
    parts = re.split(r"(\{[^}/]*\})", path)
    regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}/?$")


def _snowflake(value: Any) -> int:
    """Accept ints, digit strings and objects with ``.id`` as ids."""
    if hasattr(value, "id"):
        return int(value.id)
    return int(value)


def _bool_query(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true", "yes")


def _json_response(
    data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    """JSON with ``Content-Type: application/json`` exactly, as Discord sends it.

    discord.py's ``json_or_text`` compares the header verbatim; aiohttp's ``json_response``
    appends ``; charset=utf-8`` and the client would then see a plain string.
    """
    body = json.dumps(data, separators=(",", ":")).encode()
    all_headers = {"Content-Type": "application/json"}
    all_headers.update(headers or {})
    return web.Response(body=body, status=status, headers=all_headers)


# ---------------------------------------------------------------------------------- server


class FakeDiscord:
    """A fake Discord for one bot: REST + gateway, recording everything, with fault injection.

    The default world is one guild ("Test Guild") owned by :attr:`owner`, with text channels
    ``#general`` and ``#random``, roles @everyone / Bot / Moderator, and members: the bot
    (Bot role), the owner, :attr:`user` ("alice", no roles) and ``mod`` (Moderator).
    """

    def __init__(
        self,
        *,
        token: str | None = None,
        heartbeat_interval: float = 41.25,
        interaction_ack_timeout: float | None = 3.0,
        allowed_privileged_intents: int = PRIVILEGED_INTENTS,
        bucket_limit: int = 50,
        bucket_window: float = 1.0,
        nonce_window: float = 300.0,
        require_synced_commands: bool = False,
        gateway_lag: float = 0.02,
        host: str = "127.0.0.1",
    ) -> None:
        """Configure the fake; nothing listens until :meth:`start` (or ``async with``).

        ``heartbeat_interval`` is in seconds (Discord's default is 41.25 s; tests want ~0.1-0.5).
        ``interaction_ack_timeout``: interactions not answered within this many seconds get
        404 "Unknown interaction", as in Discord (3 s); None disables the check.
        ``allowed_privileged_intents``: intents enabled "in the developer portal"; IDENTIFY
        asking for others is closed with 4014.
        ``bucket_limit``/``bucket_window``: the per-route rate-limit bucket advertised in
        X-RateLimit-* headers and enforced with 429s when exceeded.
        ``require_synced_commands``: make :meth:`send_slash` refuse commands never synced.
        ``gateway_lag``: seconds between the reply to a REST request and the gateway events it
        causes (the bot's own MESSAGE_CREATE, MESSAGE_UPDATE after an edit, ...), which Discord
        sends after the reply, as discord.py's view tracking expects.
        """
        self.host = host
        self.heartbeat_interval = heartbeat_interval
        self.interaction_ack_timeout = interaction_ack_timeout
        self.allowed_privileged_intents = allowed_privileged_intents
        self.bucket_limit = bucket_limit
        self.bucket_window = bucket_window
        self.nonce_window = nonce_window
        self.require_synced_commands = require_synced_commands
        self.gateway_lag = gateway_lag
        self.snowflake = SnowflakeFactory()

        # --- the world
        self.bot_user = FakeUser(self.snowflake(), "briefbot", bot=True)
        self.application_id = self.bot_user.id  # true of every bot created since 2020
        # GATEWAY_GUILD_MEMBERS_LIMITED | GATEWAY_MESSAGE_CONTENT_LIMITED
        # | APPLICATION_COMMAND_BADGE
        self.application_flags = (1 << 15) | (1 << 19) | (1 << 23)
        self.owner = FakeUser(self.snowflake(), "owner", global_name="Server Owner")
        self.user = FakeUser(self.snowflake(), "alice", global_name="Alice")
        self.moderator = FakeUser(self.snowflake(), "mod", global_name="Moderator")
        self.token = (
            token
            or f"{self.bot_user.id}.FAKE.{hashlib.sha1(str(self.bot_user.id).encode()).hexdigest()}"
        )
        guild_id = self.snowflake()
        everyone = FakeRole(guild_id, "@everyone", DEFAULT_EVERYONE_PERMISSIONS, position=0)
        bot_role = FakeRole(
            self.snowflake(), "briefbot", DEFAULT_BOT_PERMISSIONS, position=2, managed=True
        )
        mod_role = FakeRole(
            self.snowflake(),
            "Moderator",
            DEFAULT_EVERYONE_PERMISSIONS
            | MANAGE_MESSAGES
            | MANAGE_GUILD
            | KICK_MEMBERS
            | MENTION_EVERYONE,
            position=1,
        )
        self.bot_role, self.moderator_role = bot_role, mod_role
        general = FakeChannel(
            self.snowflake(), "general", guild_id=guild_id, position=0, topic="General chat"
        )
        random_ = FakeChannel(self.snowflake(), "random", guild_id=guild_id, position=1)
        self.guild = FakeGuild(
            id=guild_id,
            name="Test Guild",
            owner_id=self.owner.id,
            roles=[everyone, bot_role, mod_role],
            channels=[general, random_],
        )
        self.guild.members = {
            self.bot_user.id: FakeMember(self.bot_user, roles=[bot_role.id]),
            self.owner.id: FakeMember(self.owner),
            self.user.id: FakeMember(self.user),
            self.moderator.id: FakeMember(self.moderator, roles=[mod_role.id]),
        }
        self.guilds: list[FakeGuild] = [self.guild]
        self.users: dict[int, FakeUser] = {
            u.id: u for u in (self.bot_user, self.owner, self.user, self.moderator)
        }
        self.dm_channels: dict[int, FakeChannel] = {}

        # --- state tests inspect
        #: Messages per channel id, oldest first (includes ephemeral ones, flagged 64).
        self.messages: dict[int, list[dict[str, Any]]] = {c.id: [] for c in self.guild.channels}
        self.requests: list[RecordedRequest] = []
        #: Requests no route matched (404). A healthy run leaves this empty.
        self.unhandled: list[RecordedRequest] = []
        #: Exceptions raised inside the fake's own handlers (bugs in the fake, answered 500).
        self.server_errors: list[BaseException] = []
        self.interactions: dict[int, InteractionRecord] = {}
        #: Synced application commands: key None for global, else guild id.
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        #: Uploaded / served attachment bytes by attachment id.
        self.attachments: dict[int, bytes] = {}

        self._by_token: dict[str, InteractionRecord] = {}
        self._msg_index: dict[int, tuple[int, dict[str, Any]]] = {}
        self._nonces: dict[tuple[int, int, str], tuple[int, float]] = {}
        self._faults: list[Fault] = []
        self._buckets: dict[str, list[float]] = {}
        self._route_limits: dict[str, tuple[int, float]] = {}
        self._bot_queue: list[int] = []
        self._bot_queue_taken = 0
        self._changed = asyncio.Event()
        #: (due, event, data) echoes of REST requests, dispatched by :meth:`_echo_worker`.
        self._echoes: asyncio.Queue[tuple[float, str, dict[str, Any]]] = asyncio.Queue()
        self._echo_task: asyncio.Task[None] | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self.gateway = Gateway(self, heartbeat_interval=heartbeat_interval)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> FakeDiscord:
        """Listen on an ephemeral port on ``host``."""
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024**2)
        self._add_routes(app)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        server = site._server
        assert server is not None
        self._port = server.sockets[0].getsockname()[1]
        self._echo_task = asyncio.create_task(self._echo_worker())
        log.info("fake Discord listening on %s", self.base_url)
        return self

    async def stop(self) -> None:
        """Close gateway sockets and the HTTP server."""
        if self._runner is None:
            return
        if self._echo_task is not None:
            self._echo_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._echo_task
            self._echo_task = None
        await self.gateway.close_all()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ addresses & world

    @property
    def port(self) -> int:
        """The listening port (after :meth:`start`)."""
        if self._port is None:
            raise RuntimeError("FakeDiscord is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        """Value for ``discord.http.Route.BASE``."""
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        """Value for ``DiscordWebSocket.DEFAULT_GATEWAY`` (wrap in ``yarl.URL``)."""
        return f"ws://{self.host}:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        """Sent in READY; discord.py reconnects here to RESUME."""
        return f"ws://{self.host}:{self.port}/gateway-resume"

    @property
    def guild_id(self) -> int:
        """The default guild's id."""
        return self.guild.id

    @property
    def channel(self) -> FakeChannel:
        """The default channel, ``#general``."""
        return self.guild.channels[0]

    @property
    def channel_id(self) -> int:
        """``#general``'s id."""
        return self.channel.id

    @property
    def channels(self) -> list[FakeChannel]:
        """The default guild's channels."""
        return self.guild.channels

    def clock(self) -> float:
        """Event-loop time, the clock every ``at`` / ``since`` in this API uses."""
        return asyncio.get_running_loop().time()

    def _notify(self) -> None:
        """Wake every waiter: something observable changed."""
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    def _channel(self, channel_id: int) -> FakeChannel | None:
        for guild in self.guilds:
            channel = guild.channel(channel_id)
            if channel is not None:
                return channel
        return next((c for c in self.dm_channels.values() if c.id == channel_id), None)

    def _guild_of(self, channel: FakeChannel) -> FakeGuild | None:
        return next((g for g in self.guilds if g.id == channel.guild_id), None)

    def _user(self, user: Any) -> FakeUser:
        """Resolve None (→ :attr:`user`), a FakeUser, an id or a username to a known user."""
        if user is None:
            return self.user
        if isinstance(user, FakeUser):
            return user
        if isinstance(user, str) and not user.isdigit():
            for candidate in self.users.values():
                if candidate.username == user:
                    return candidate
            raise KeyError(f"unknown user {user!r}")
        found = self.users.get(_snowflake(user))
        if found is None:
            raise KeyError(f"unknown user id {user}")
        return found

    def permissions_for(self, user: Any, channel_id: int | None = None) -> int:
        """A user's effective permission bits in a channel (guild-wide if no channel)."""
        target = self._user(user)
        channel = self._channel(channel_id) if channel_id is not None else None
        return self.guild.channel_permissions(target.id, channel)

    async def add_member(
        self, username: str, *, roles: Iterable[int] = (), bot: bool = False
    ) -> FakeUser:
        """Create a user, add them to the guild, and dispatch GUILD_MEMBER_ADD (if subscribed)."""
        new = FakeUser(self.snowflake(), username, bot=bot)
        self.users[new.id] = new
        member = FakeMember(new, roles=list(roles))
        self.guild.members[new.id] = member
        if self._wants(INTENT_GUILD_MEMBERS):
            await self.gateway.dispatch(
                "GUILD_MEMBER_ADD", {**member.to_payload(), "guild_id": str(self.guild.id)}
            )
        self._notify()
        return new

    async def set_channel_overwrite(
        self,
        channel_id: int,
        target: Any,
        *,
        allow: int = 0,
        deny: int = 0,
        member: bool | None = None,
    ) -> None:
        """Set a permission overwrite (role or member) and dispatch CHANNEL_UPDATE.

        ``target`` is a role id / FakeRole / the guild id (for @everyone) or a user / user id.
        """
        channel = self._channel(channel_id)
        if channel is None or channel.guild_id is None:
            raise KeyError(f"unknown guild channel {channel_id}")
        target_id = _snowflake(target)
        is_member = member if member is not None else target_id in self.users
        channel.overwrites = [o for o in channel.overwrites if o.id != target_id]
        channel.overwrites.append(Overwrite(target_id, 1 if is_member else 0, allow, deny))
        if self._wants(INTENT_GUILDS):
            await self.gateway.dispatch("CHANNEL_UPDATE", channel.to_payload())
        self._notify()

    def _wants(self, intent: int) -> bool:
        intents = self.gateway.intents
        return intents is not None and bool(intents & intent) and not self.gateway.session.invalid  # type: ignore[union-attr]

    # ------------------------------------------------------------------ message payloads

    def _dm_channel(self, user: FakeUser) -> FakeChannel:
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = FakeChannel(self.snowflake(), "", type=DM, recipients=[user])
            self.dm_channels[user.id] = channel
            self.messages[channel.id] = []
        return channel

    def _resolve_mentions(
        self,
        content: str,
        allowed: Mapping[str, Any] | None,
        *,
        author: FakeUser,
        channel: FakeChannel,
        replied_author: FakeUser | None,
    ) -> dict[str, Any]:
        """Compute ``mentions``/``mention_roles``/``mention_everyone`` as Discord would.

        Mentions outside ``allowed_mentions`` stay as text but do not ping (not listed).
        """
        guild = self._guild_of(channel)
        parse = (
            ["users", "roles", "everyone"] if allowed is None else list(allowed.get("parse") or [])
        )
        allowed_users = {str(u) for u in (allowed or {}).get("users") or []}
        allowed_roles = {str(r) for r in (allowed or {}).get("roles") or []}
        perms = guild.channel_permissions(author.id, channel) if guild else 0

        user_ids: list[int] = []
        for raw in _USER_MENTION.findall(content):
            uid = int(raw)
            if (
                uid in self.users
                and uid not in user_ids
                and ("users" in parse or raw in allowed_users)
            ):
                user_ids.append(uid)
        if replied_author is not None and replied_author.id not in user_ids:
            wants_reply_ping = allowed is None or bool(allowed.get("replied_user"))
            if wants_reply_ping:
                user_ids.append(replied_author.id)
        mentions = []
        for uid in user_ids:
            entry = self.users[uid].to_payload()
            if guild is not None and uid in guild.members:
                entry["member"] = guild.members[uid].to_payload(with_user=False)
            mentions.append(entry)

        role_ids: list[str] = []
        if guild is not None:
            for raw in _ROLE_MENTION.findall(content):
                role = guild.role(int(raw))
                if role is None or raw in role_ids:
                    continue
                if ("roles" in parse or raw in allowed_roles) and (
                    role.mentionable or perms & MENTION_EVERYONE
                ):
                    role_ids.append(raw)
        everyone = bool(
            guild is not None
            and _EVERYONE.search(content)
            and "everyone" in parse
            and perms & MENTION_EVERYONE
        )
        return {"mentions": mentions, "mention_roles": role_ids, "mention_everyone": everyone}

    def _attachments_from_files(
        self, channel: FakeChannel, body: Mapping[str, Any], files: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Turn uploaded ``files[n]`` parts into attachment objects served by the fake."""
        described = {
            str(a.get("id")): a for a in body.get("attachments") or [] if isinstance(a, dict)
        }
        result = []
        for index, upload in enumerate(files):
            meta = described.get(str(index), {})
            attachment_id = self.snowflake()
            self.attachments[attachment_id] = upload["data"]
            filename = meta.get("filename") or upload["filename"] or f"file{index}"
            url = f"{self.base_url}/attachments/{channel.id}/{attachment_id}/{filename}"
            result.append(
                {
                    "id": str(attachment_id),
                    "filename": filename,
                    "description": meta.get("description"),
                    "content_type": upload.get("content_type"),
                    "size": len(upload["data"]),
                    "url": url,
                    "proxy_url": url,
                    "flags": 0,
                }
            )
        return result

    def _build_message(
        self,
        *,
        channel: FakeChannel,
        author: FakeUser,
        body: Mapping[str, Any],
        attachments: list[dict[str, Any]] | None = None,
        msg_type: int = MSG_DEFAULT,
        flags: int = 0,
        extra: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Assemble a stored message (REST shape: no guild_id/member, those are gateway-only)."""
        referenced: dict[str, Any] | None = None
        reference = body.get("message_reference")
        if isinstance(reference, dict) and reference.get("message_id"):
            found = self._msg_index.get(int(reference["message_id"]))
            if found is not None:
                referenced = found[1]
                msg_type = MSG_REPLY if msg_type == MSG_DEFAULT else msg_type
        replied_author = self.users.get(int(referenced["author"]["id"])) if referenced else None
        content = body.get("content") or ""
        payload: dict[str, Any] = {
            "id": str(self.snowflake()),
            "channel_id": str(channel.id),
            "type": msg_type,
            "content": content,
            "author": author.to_payload(),
            "attachments": attachments or [],
            "embeds": copy.deepcopy(body.get("embeds") or []),
            "components": self._number_components(copy.deepcopy(body.get("components") or [])),
            **self._resolve_mentions(
                content,
                body.get("allowed_mentions"),
                author=author,
                channel=channel,
                replied_author=replied_author,
            ),
            "pinned": False,
            "tts": bool(body.get("tts", False)),
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "flags": flags,
        }
        if body.get("nonce") is not None:
            payload["nonce"] = body["nonce"]
        if referenced is not None:
            payload["message_reference"] = {
                "type": 0,
                "message_id": referenced["id"],
                "channel_id": referenced["channel_id"],
                **({"guild_id": str(channel.guild_id)} if channel.guild_id else {}),
            }
            payload["referenced_message"] = {
                k: v for k, v in referenced.items() if k != "referenced_message"
            }
        if extra:
            payload.update(extra)
        return payload

    @staticmethod
    def _number_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Give components numeric ``id``s when absent, as Discord does in responses."""
        for counter, comp in enumerate(validation.iter_components(components), start=1):
            comp.setdefault("id", counter)
        return components

    def _store(self, channel: FakeChannel, payload: dict[str, Any], *, by_bot: bool) -> None:
        self.messages.setdefault(channel.id, []).append(payload)
        self._msg_index[int(payload["id"])] = (channel.id, payload)
        if not payload["flags"] & FLAG_EPHEMERAL:
            channel.last_message_id = int(payload["id"])
        if by_bot and not payload["flags"] & FLAG_LOADING:
            self._bot_queue.append(int(payload["id"]))
        self._notify()

    def _redact(self, payload: dict[str, Any], channel: FakeChannel) -> dict[str, Any]:
        """Blank message content for bots lacking MESSAGE_CONTENT, as Discord does (gateway + REST).

        Exempt: the bot's own messages, DMs, and messages that mention the bot.
        """
        intents = self.gateway.intents
        if intents is None or intents & INTENT_MESSAGE_CONTENT or channel.type == DM:
            return payload
        if payload["author"]["id"] == str(self.bot_user.id):
            return payload
        if any(m["id"] == str(self.bot_user.id) for m in payload.get("mentions", [])):
            return payload
        return {**payload, "content": "", "embeds": [], "attachments": [], "components": []}

    async def _dispatch_message(
        self, event: str, payload: dict[str, Any], channel: FakeChannel
    ) -> None:
        """MESSAGE_CREATE/UPDATE to the bot, if its intents subscribe to it."""
        if payload["flags"] & FLAG_EPHEMERAL:
            return  # ephemeral messages exist only for their recipient
        intent = INTENT_DIRECT_MESSAGES if channel.type == DM else INTENT_GUILD_MESSAGES
        if not self._wants(intent):
            return
        data = copy.deepcopy(self._redact(payload, channel))  # as it is now, not after edits
        guild = self._guild_of(channel)
        if guild is not None:
            data["guild_id"] = str(guild.id)
            member = guild.members.get(int(payload["author"]["id"]))
            if member is not None and not payload.get("webhook_id"):
                data["member"] = member.to_payload(with_user=False)
        await self._emit(event, data)

    async def _emit(self, event: str, data: dict[str, Any]) -> None:
        """Dispatch ``event`` now, or after the reply to the REST request that caused it."""
        pending = _AFTER_REPLY.get()
        if pending is None:
            await self.gateway.dispatch(event, data)
        else:
            pending.append((event, data))

    async def _dispatch_delete(self, payload: dict[str, Any], channel: FakeChannel) -> None:
        if payload["flags"] & FLAG_EPHEMERAL:
            return
        intent = INTENT_DIRECT_MESSAGES if channel.type == DM else INTENT_GUILD_MESSAGES
        if not self._wants(intent):
            return
        data = {"id": payload["id"], "channel_id": str(channel.id)}
        if channel.guild_id:
            data["guild_id"] = str(channel.guild_id)
        await self._emit("MESSAGE_DELETE", data)

    def _apply_edit(
        self,
        payload: dict[str, Any],
        body: Mapping[str, Any],
        channel: FakeChannel,
        files: list[dict[str, Any]],
    ) -> None:
        """Apply a PATCH-style edit in place (absent keys stay unchanged)."""
        if "content" in body:
            payload["content"] = body["content"] or ""
        if "embeds" in body:
            payload["embeds"] = copy.deepcopy(body["embeds"] or [])
        if "components" in body:
            payload["components"] = self._number_components(copy.deepcopy(body["components"] or []))
        if "flags" in body and body["flags"] is not None:
            keep = payload["flags"] & ~(FLAG_SUPPRESS_EMBEDS)
            payload["flags"] = keep | (int(body["flags"]) & FLAG_SUPPRESS_EMBEDS)
        if "attachments" in body or files:
            kept_ids = {
                str(a.get("id")) for a in body.get("attachments") or [] if isinstance(a, dict)
            }
            kept = [a for a in payload["attachments"] if a["id"] in kept_ids]
            payload["attachments"] = kept + self._attachments_from_files(channel, body, files)
        if "content" in body or "allowed_mentions" in body:
            author = self.users.get(int(payload["author"]["id"]), self.bot_user)
            payload.update(
                self._resolve_mentions(
                    payload["content"],
                    body.get("allowed_mentions"),
                    author=author,
                    channel=channel,
                    replied_author=None,
                )
            )
        if payload["flags"] & FLAG_LOADING:
            # The deferred "thinking" placeholder becomes the real answer: it now counts as a
            # new bot message for wait_for_message.
            payload["flags"] &= ~FLAG_LOADING
            self._bot_queue.append(int(payload["id"]))
        else:
            payload["edited_timestamp"] = iso_now()

    # ------------------------------------------------------------------ routing

    def _add_routes(self, app: web.Application) -> None:
        r = app.router
        api = "/api/v{version:\\d+}"
        routes: list[tuple[str, str, Callable[[web.Request], Any]]] = [
            ("GET", "/gateway", self._get_gateway),
            ("GET", "/gateway/bot", self._get_gateway_bot),
            ("GET", "/users/@me", self._get_me),
            ("POST", "/users/@me/channels", self._create_dm),
            ("GET", "/users/{user_id}", self._get_user),
            ("GET", "/oauth2/applications/@me", self._get_application),
            ("GET", "/applications/@me", self._get_application),
            ("GET", "/channels/{channel_id}", self._get_channel),
            ("GET", "/channels/{channel_id}/messages", self._get_history),
            ("POST", "/channels/{channel_id}/messages", self._create_message),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._edit_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message),
            ("POST", "/channels/{channel_id}/typing", self._typing),
            (
                "PUT",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                self._add_reaction,
            ),
            (
                "DELETE",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                self._remove_reaction,
            ),
            ("GET", "/guilds/{guild_id}", self._get_guild),
            ("GET", "/guilds/{guild_id}/channels", self._get_guild_channels),
            ("GET", "/guilds/{guild_id}/roles", self._get_roles),
            ("GET", "/guilds/{guild_id}/members", self._list_members),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member),
            ("GET", "/applications/{application_id}/commands", self._get_commands),
            ("PUT", "/applications/{application_id}/commands", self._put_commands),
            ("POST", "/applications/{application_id}/commands", self._post_command),
            ("GET", "/applications/{application_id}/commands/{command_id}", self._get_command),
            (
                "DELETE",
                "/applications/{application_id}/commands/{command_id}",
                self._delete_command,
            ),
            (
                "GET",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._get_commands,
            ),
            (
                "PUT",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._put_commands,
            ),
            (
                "POST",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._post_command,
            ),
            (
                "GET",
                "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}",
                self._get_command,
            ),
            (
                "DELETE",
                "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}",
                self._delete_command,
            ),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._interaction_callback),
            ("POST", "/webhooks/{webhook_id}/{token}", self._execute_webhook),
            (
                "GET",
                "/webhooks/{webhook_id}/{token}/messages/{message_id}",
                self._get_webhook_message,
            ),
            (
                "PATCH",
                "/webhooks/{webhook_id}/{token}/messages/{message_id}",
                self._edit_webhook_message,
            ),
            (
                "DELETE",
                "/webhooks/{webhook_id}/{token}/messages/{message_id}",
                self._delete_webhook_message,
            ),
        ]
        for method, path, handler in routes:
            r.add_route(method, api + path, handler)
        r.add_get("/gateway", self.gateway.handle)
        r.add_get("/gateway-resume", self.gateway.handle)
        r.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._serve_attachment)
        r.add_route("*", "/{tail:.*}", self._unhandled_route)

    @staticmethod
    def _route_template(request: web.Request) -> str | None:
        info = request.match_info.route.resource
        if info is None:
            return None
        canonical = info.canonical
        if canonical == "/{tail}" or not canonical.startswith("/api/"):
            return None
        return re.sub(r"^/api/v\{version\}", "", canonical)

    async def _read_body(self, request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
        if not request.body_exists:
            return None, []
        if request.content_type.startswith("multipart/"):
            # discord.py's file uploads: a payload_json part plus files[n] parts.
            body: Any = None
            files: list[dict[str, Any]] = []
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                data = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":
                    body = json.loads(data)
                else:
                    files.append(
                        {
                            "field": part.name,
                            "filename": part.filename,  # type: ignore[union-attr]
                            "content_type": part.headers.get("Content-Type"),
                            "data": bytes(data),
                        }
                    )
            return body, files
        raw = await request.read()
        if not raw:
            return None, []
        try:
            return json.loads(raw), []
        except ValueError:
            return raw.decode(errors="replace"), []

    def _bucket_key(self, request: web.Request, template: str) -> str:
        m = request.match_info
        major = "+".join(
            str(m[k])
            for k in ("channel_id", "guild_id", "webhook_id", "interaction_id", "token")
            if k in m
        )
        return f"{request.method} {template}:{major}"

    def set_rate_limit(self, method: str, route: str, *, limit: int, window: float) -> None:
        """Override one route's bucket, e.g. ``("POST", "/channels/{channel_id}/messages")``."""
        self._route_limits[f"{method.upper()} {route}"] = (limit, window)

    def _rate_headers(
        self, request: web.Request, template: str, *, consume: bool
    ) -> tuple[dict[str, str], float | None]:
        """X-RateLimit-* headers for the request's bucket, plus retry_after if it is exhausted."""
        limit, window = self._route_limits.get(
            f"{request.method} {template}", (self.bucket_limit, self.bucket_window)
        )
        key = self._bucket_key(request, template)
        now = time.time()
        state = self._buckets.get(key)
        if state is None or now >= state[0] + window:
            state = self._buckets[key] = [now, 0.0]
        exhausted = state[1] >= limit
        if consume and not exhausted:
            state[1] += 1
        reset_at = state[0] + window
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - int(state[1]))),
            "X-RateLimit-Reset": f"{reset_at:.3f}",
            "X-RateLimit-Reset-After": f"{max(0.0, reset_at - now):.3f}",
            "X-RateLimit-Bucket": hashlib.md5(f"{request.method} {template}".encode()).hexdigest()[
                :16
            ],
        }
        return headers, (max(0.001, reset_at - now) if exhausted else None)

    @staticmethod
    def _rate_limited_response(
        retry_after: float, *, global_: bool, bucket_headers: Mapping[str, str]
    ) -> web.Response:
        """A 429 as Discord sends it; discord.py only honours it when a ``Via`` header is present
        (otherwise it assumes a Cloudflare ban), so that header is essential."""
        headers = dict(bucket_headers)
        headers.update(
            {
                "Retry-After": str(math.ceil(retry_after)),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                "X-RateLimit-Scope": "global" if global_ else "user",
                "Via": "1.1 google",
            }
        )
        if global_:
            headers["X-RateLimit-Global"] = "true"
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": global_,
        }
        if global_:
            body["code"] = 0
        return _json_response(body, status=429, headers=headers)

    def _fault_response(self, fault: Fault, bucket_headers: Mapping[str, str]) -> web.Response:
        if fault.status == 429:
            return self._rate_limited_response(
                fault.retry_after, global_=fault.global_, bucket_headers=bucket_headers
            )
        defaults = {
            400: (50035, "Invalid Form Body"),
            401: (0, "401: Unauthorized"),
            403: (50013, "Missing Permissions"),
            404: (10003, "Unknown Channel"),
            500: (0, "500: Internal Server Error"),
            502: (0, "502: Bad Gateway"),
            503: (0, "503: Service Unavailable"),
        }
        code, message = defaults.get(fault.status, (0, f"{fault.status}: Error"))
        body = (
            fault.body
            if fault.body is not None
            else {
                "message": fault.message or message,
                "code": fault.code if fault.code is not None else code,
            }
        )
        return _json_response(
            body, status=fault.status, headers={**bucket_headers, "Via": "1.1 google"}
        )

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self._faults:
            if fault.method in (method, "*") and fault.pattern.match(path):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        if not request.path.startswith("/api/"):
            return await handler(request)
        path = re.sub(r"^/api/v\d+", "", request.path)
        template = self._route_template(request)
        body, files = await self._read_body(request)
        record = RecordedRequest(
            method=request.method,
            path=path,
            route=f"{request.method} {template}" if template else None,
            query=dict(request.query),
            json=body,
            files=[
                {k: v for k, v in f.items() if k != "data"} | {"size": len(f["data"])}
                for f in files
            ],
            headers=dict(request.headers),
            at=self.clock(),
        )
        self.requests.append(record)
        request[_RECORD] = record
        request[_BODY] = body
        request[_FILES] = files
        pending: list[tuple[str, dict[str, Any]]] = []
        reset = _AFTER_REPLY.set(pending)
        try:
            response = await self._respond(request, handler, path, template, record)
        finally:
            _AFTER_REPLY.reset(reset)
        if pending:
            # Send the reply, then (a moment later, in order) the gateway events it caused.
            await response.prepare(request)
            await response.write_eof()
            due = self.clock() + self.gateway_lag
            for event, data in pending:
                self._echoes.put_nowait((due, event, data))
        return response

    async def _echo_worker(self) -> None:
        """Dispatch the queued echoes of REST requests, in order, each when it falls due."""
        while True:
            due, event, data = await self._echoes.get()
            await asyncio.sleep(max(0.0, due - self.clock()))
            try:
                await self.gateway.dispatch(event, data)
            except RuntimeError as exc:  # no session (bot gone or invalidated): lost, as live
                log.info("echo %s dropped: %s", event, exc)
            finally:
                self._echoes.task_done()

    async def settle(self) -> None:
        """Wait until every gateway echo of the REST requests so far has been dispatched."""
        await self._echoes.join()

    async def _respond(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Any],
        path: str,
        template: str | None,
        record: RecordedRequest,
    ) -> web.StreamResponse:
        """Faults, auth, rate limits, then the handler: the answer to one recorded request."""
        bucket_headers: dict[str, str] = {}
        fault = self._take_fault(request.method, path)
        if template is not None:
            bucket_headers, retry_after = self._rate_headers(
                request, template, consume=fault is None
            )
        else:
            retry_after = None
        is_webhook = path.startswith(("/interactions/", "/webhooks/"))
        if template is None:
            # Unknown route: answer 404 whatever the auth, and list it in self.unhandled.
            response: web.StreamResponse = await handler(request)
        elif fault is not None:
            fault.hits.append(record)
            response = self._fault_response(fault, bucket_headers)
            log.info("fault injected: %s %s -> %d", request.method, path, fault.status)
        elif not is_webhook and request.headers.get("Authorization") != f"Bot {self.token}":
            response = _json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        elif retry_after is not None:
            response = self._rate_limited_response(
                retry_after, global_=False, bucket_headers=bucket_headers
            )
        else:
            try:
                response = await handler(request)
            except HTTPError as exc:
                response = _json_response(exc.body, status=exc.status)
            except web.HTTPException:
                raise
            except Exception as exc:
                log.exception("fake Discord handler failed for %s %s", request.method, path)
                self.server_errors.append(exc)
                response = _json_response(
                    {"message": f"fake server error: {exc!r}", "code": 0}, status=500
                )
            for key, value in bucket_headers.items():
                response.headers.setdefault(key, value)
            response.headers.setdefault("Via", "1.1 google")
        record.status = response.status
        if (
            isinstance(response, web.Response)
            and response.body is not None
            and response.content_type == "application/json"
        ):
            record.response = json.loads(response.body)  # type: ignore[arg-type]
        if record.status >= 400:
            log.debug("%s %s -> %d %s", request.method, path, record.status, record.response)
        self._notify()
        return response

    async def _unhandled_route(self, request: web.Request) -> web.Response:
        record: RecordedRequest | None = request.get(_RECORD)
        if record is not None:
            self.unhandled.append(record)
        log.warning("unhandled route: %s %s", request.method, request.path)
        return _json_response({"message": "404: Not Found", "code": 0}, status=404)

    async def _serve_attachment(self, request: web.Request) -> web.Response:
        data = self.attachments.get(int(request.match_info["attachment_id"]))
        if data is None:
            raise web.HTTPNotFound()
        return web.Response(body=data)

    # ------------------------------------------------------------------ handler helpers

    @staticmethod
    def _json(data: Any, status: int = 200) -> web.Response:
        return _json_response(data, status=status)

    def _require_channel(self, request: web.Request) -> FakeChannel:
        channel = self._channel(int(request.match_info["channel_id"]))
        if channel is None:
            raise HTTPError(404, 10003, "Unknown Channel")
        return channel

    def _require_perms(self, channel: FakeChannel, needed: int) -> None:
        guild = self._guild_of(channel)
        if guild is None:
            return
        perms = guild.channel_permissions(self.bot_user.id, channel)
        if not perms & VIEW_CHANNEL:
            raise HTTPError(403, 50001, "Missing Access")
        if perms & needed != needed:
            raise HTTPError(403, 50013, "Missing Permissions")

    def _require_message(self, channel: FakeChannel, message_id: str) -> dict[str, Any]:
        found = self._msg_index.get(int(message_id)) if message_id.isdigit() else None
        if found is None or found[0] != channel.id:
            raise HTTPError(404, 10008, "Unknown Message")
        return found[1]

    @staticmethod
    def _check_body(body: Any, *, files: list[dict[str, Any]], create: bool) -> dict[str, Any]:
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise HTTPError(400, 50109, "The request body contains invalid JSON.")
        errors = validation.validate_message(body)
        if errors:
            raise HTTPError(400, 50035, "Invalid Form Body", errors)
        if create and validation.is_empty_message(body, has_files=bool(files)):
            raise HTTPError(400, 50006, "Cannot send an empty message")
        return body

    # ------------------------------------------------------------------ REST: meta

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return self._json({"url": self.gateway_url})

    async def _get_gateway_bot(self, request: web.Request) -> web.Response:
        return self._json(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 14400000,
                    "max_concurrency": 1,
                },
            }
        )

    async def _get_me(self, request: web.Request) -> web.Response:
        return self._json(
            {
                **self.bot_user.to_payload(),
                "verified": True,
                "mfa_enabled": False,
                "flags": 0,
                "email": None,
                "locale": "en-US",
            }
        )

    async def _get_user(self, request: web.Request) -> web.Response:
        user = (
            self.users.get(int(request.match_info["user_id"]))
            if request.match_info["user_id"].isdigit()
            else None
        )
        if user is None:
            raise HTTPError(404, 10013, "Unknown User")
        return self._json(user.to_payload())

    async def _create_dm(self, request: web.Request) -> web.Response:
        body = request[_BODY] or {}
        user = self.users.get(int(body.get("recipient_id", 0)))
        if user is None:
            raise HTTPError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "recipient_id": {
                        "_errors": [{"code": "NUMBER_TYPE_COERCE", "message": "Unknown user"}]
                    }
                },
            )
        return self._json(self._dm_channel(user).to_payload())

    async def _get_application(self, request: web.Request) -> web.Response:
        return self._json(
            {
                "id": str(self.application_id),
                "name": self.bot_user.username,
                "icon": None,
                "description": "",
                "summary": "",
                "type": None,
                "hook": True,
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": hashlib.sha256(self.token.encode()).hexdigest(),
                "flags": self.application_flags,
                "owner": self.owner.to_payload(),
                "team": None,
                "bot": self.bot_user.to_payload(),
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "role_connections_verification_url": None,
                "tags": [],
                "approximate_guild_count": len(self.guilds),
                "integration_types_config": {"0": {}},
            }
        )

    # ------------------------------------------------------------------ REST: channels & messages

    async def _get_channel(self, request: web.Request) -> web.Response:
        channel = self._require_channel(request)
        self._require_perms(channel, 0)
        return self._json(channel.to_payload())

    async def _get_history(self, request: web.Request) -> web.Response:
        channel = self._require_channel(request)
        self._require_perms(channel, READ_MESSAGE_HISTORY)
        q = request.query
        try:
            limit = int(q.get("limit", "50"))
        except ValueError:
            limit = 0
        if not 1 <= limit <= 100:
            raise HTTPError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "limit": {
                        "_errors": [
                            {
                                "code": "NUMBER_TYPE_MAX",
                                "message": "int value should be between 1 and 100.",
                            }
                        ]
                    }
                },
            )
        msgs = [m for m in self.messages.get(channel.id, []) if not m["flags"] & FLAG_EPHEMERAL]
        msgs.sort(key=lambda m: int(m["id"]))
        if "around" in q:
            around = int(q["around"])
            idx = next((i for i, m in enumerate(msgs) if int(m["id"]) >= around), len(msgs))
            start = max(0, idx - limit // 2)
            page = msgs[start : start + limit]
        elif "before" in q:
            before = int(q["before"])
            page = [m for m in msgs if int(m["id"]) < before][-limit:]
        elif "after" in q:
            after = int(q["after"])
            page = [m for m in msgs if int(m["id"]) > after][:limit]
        else:
            page = msgs[-limit:]
        # Discord always answers newest first, whichever direction was asked for.
        return self._json([self._redact(m, channel) for m in reversed(page)])

    async def _get_message(self, request: web.Request) -> web.Response:
        channel = self._require_channel(request)
        self._require_perms(channel, READ_MESSAGE_HISTORY)
        message = self._require_message(channel, request.match_info["message_id"])
        if message["flags"] & FLAG_EPHEMERAL:
            raise HTTPError(404, 10008, "Unknown Message")
        return self._json(self._redact(message, channel))

    def _strip_embeds(
        self, channel: FakeChannel, body: dict[str, Any], files: list[dict[str, Any]], *,
        create: bool,
    ) -> dict[str, Any]:
        """Without Embed Links in the channel, Discord drops a bot message's embeds (no error);
        a message left with nothing to show is then refused as empty (50006)."""
        guild = self._guild_of(channel)
        if not body.get("embeds") or guild is None:
            return body
        if guild.channel_permissions(self.bot_user.id, channel) & EMBED_LINKS:
            return body
        log.info("no Embed Links in #%s: embeds dropped", channel.name)
        body = {**body, "embeds": []}
        if create and validation.is_empty_message(body, has_files=bool(files)):
            raise HTTPError(400, 50006, "Cannot send an empty message")
        return body

    async def _create_message(self, request: web.Request) -> web.Response:
        channel = self._require_channel(request)
        self._require_perms(channel, SEND_MESSAGES)
        files: list[dict[str, Any]] = request[_FILES]
        body = self._check_body(request[_BODY], files=files, create=True)
        body = self._strip_embeds(channel, body, files, create=True)

        nonce = body.get("nonce")
        nonce_key = (channel.id, self.bot_user.id, str(nonce))
        if nonce is not None and body.get("enforce_nonce"):
            seen = self._nonces.get(nonce_key)
            if seen is not None and time.time() - seen[1] < self.nonce_window:
                existing = self._msg_index.get(seen[0])
                if existing is not None:
                    log.debug("enforce_nonce: returning existing message %s", seen[0])
                    return self._json(existing[1])

        reference = body.get("message_reference")
        if isinstance(reference, dict) and reference.get("message_id"):
            target = self._msg_index.get(int(reference["message_id"]))
            if target is None and reference.get("fail_if_not_exists", True):
                raise HTTPError(
                    400,
                    50035,
                    "Invalid Form Body",
                    {
                        "message_reference": {
                            "_errors": [
                                {
                                    "code": "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                                    "message": "Unknown message",
                                }
                            ]
                        }
                    },
                )
        flags = int(body.get("flags") or 0) & (
            FLAG_SUPPRESS_EMBEDS | FLAG_SUPPRESS_NOTIFICATIONS | FLAG_COMPONENTS_V2
        )
        payload = self._build_message(
            channel=channel,
            author=self.bot_user,
            body=body,
            attachments=self._attachments_from_files(channel, body, files),
            flags=flags,
        )
        if nonce is not None:
            self._nonces[nonce_key] = (int(payload["id"]), time.time())
        self._store(channel, payload, by_bot=True)
        await self._dispatch_message("MESSAGE_CREATE", payload, channel)
        return self._json(payload)

    async def _edit_message(self, request: web.Request) -> web.Response:
        channel = self._require_channel(request)
        message = self._require_message(channel, request.match_info["message_id"])
        body = self._check_body(request[_BODY], files=request[_FILES], create=False)
        body = self._strip_embeds(channel, body, request[_FILES], create=False)
        if message["author"]["id"] != str(self.bot_user.id):
            if set(body) - {"flags"}:
                raise HTTPError(403, 50005, "Cannot edit a message authored by another user")
            self._require_perms(channel, MANAGE_MESSAGES)
        self._apply_edit(message, body, channel, request[_FILES])
        self._notify()
        await self._dispatch_message("MESSAGE_UPDATE", message, channel)
        return self._json(message)

    async def _delete_message(self, request: web.Request) -> web.Response:
        channel = self._require_channel(request)
        message = self._require_message(channel, request.match_info["message_id"])
        if message["author"]["id"] != str(self.bot_user.id):
            self._require_perms(channel, MANAGE_MESSAGES)
        self._remove_message(channel, message)
        await self._dispatch_delete(message, channel)
        return web.Response(status=204)

    def _remove_message(self, channel: FakeChannel, message: dict[str, Any]) -> None:
        self.messages[channel.id] = [
            m for m in self.messages[channel.id] if m["id"] != message["id"]
        ]
        self._msg_index.pop(int(message["id"]), None)
        message["deleted"] = True  # marker for tests holding a reference
        self._notify()

    async def _typing(self, request: web.Request) -> web.Response:
        channel = self._require_channel(request)
        self._require_perms(channel, SEND_MESSAGES)
        return web.Response(status=204)

    async def _add_reaction(self, request: web.Request) -> web.Response:
        channel = self._require_channel(request)
        message = self._require_message(channel, request.match_info["message_id"])
        emoji = request.match_info["emoji"]
        name, _, emoji_id = emoji.partition(":")
        reactions = message.setdefault("reactions", [])
        for reaction in reactions:
            if reaction["emoji"]["name"] == name:
                if not reaction["me"]:
                    reaction["me"] = True
                    reaction["count"] += 1
                break
        else:
            reactions.append(
                {
                    "count": 1,
                    "count_details": {"burst": 0, "normal": 1},
                    "me": True,
                    "me_burst": False,
                    "burst_colors": [],
                    "emoji": {"id": emoji_id or None, "name": name},
                }
            )
        self._notify()
        return web.Response(status=204)

    async def _remove_reaction(self, request: web.Request) -> web.Response:
        channel = self._require_channel(request)
        message = self._require_message(channel, request.match_info["message_id"])
        name = request.match_info["emoji"].partition(":")[0]
        for reaction in list(message.get("reactions", [])):
            if reaction["emoji"]["name"] == name and reaction["me"]:
                reaction["me"] = False
                reaction["count"] -= 1
                if reaction["count"] <= 0:
                    message["reactions"].remove(reaction)
        self._notify()
        return web.Response(status=204)

    # ------------------------------------------------------------------ REST: guilds

    def _require_guild(self, request: web.Request) -> FakeGuild:
        gid = request.match_info["guild_id"]
        guild = next((g for g in self.guilds if str(g.id) == gid), None)
        if guild is None:
            raise HTTPError(404, 10004, "Unknown Guild")
        return guild

    async def _get_guild(self, request: web.Request) -> web.Response:
        guild = self._require_guild(request)
        payload = guild.to_payload(include_all_members=False, bot_id=self.bot_user.id)
        for gateway_only in (
            "members",
            "channels",
            "threads",
            "presences",
            "voice_states",
            "joined_at",
            "large",
            "member_count",
            "unavailable",
            "lazy",
        ):
            payload.pop(gateway_only, None)
        return self._json(payload)

    async def _get_guild_channels(self, request: web.Request) -> web.Response:
        guild = self._require_guild(request)
        return self._json([c.to_payload() for c in guild.channels])

    async def _get_roles(self, request: web.Request) -> web.Response:
        guild = self._require_guild(request)
        return self._json([r.to_payload() for r in guild.roles])

    async def _list_members(self, request: web.Request) -> web.Response:
        guild = self._require_guild(request)
        if not self.allowed_privileged_intents & INTENT_GUILD_MEMBERS:
            raise HTTPError(403, 50001, "Missing Access")
        limit = int(request.query.get("limit", "1"))
        after = int(request.query.get("after", "0"))
        members = sorted(
            (m for uid, m in guild.members.items() if uid > after), key=lambda m: m.user.id
        )
        return self._json([m.to_payload() for m in members[:limit]])

    async def _get_member(self, request: web.Request) -> web.Response:
        guild = self._require_guild(request)
        uid = request.match_info["user_id"]
        member = guild.members.get(int(uid)) if uid.isdigit() else None
        if member is None:
            raise HTTPError(404, 10007, "Unknown Member")
        return self._json(member.to_payload())

    # ------------------------------------------------------------------ REST: application commands

    def _commands_scope(self, request: web.Request) -> int | None:
        if request.match_info["application_id"] != str(self.application_id):
            raise HTTPError(403, 50001, "Missing Access")
        if "guild_id" in request.match_info:
            return self._require_guild(request).id
        return None

    def _command_payload(
        self,
        body: Mapping[str, Any],
        scope: int | None,
        existing: Mapping[tuple[int, str], dict[str, Any]],
    ) -> dict[str, Any]:
        ctype = int(body.get("type", 1))
        previous = existing.get((ctype, body["name"]))
        payload = {
            "id": previous["id"] if previous else str(self.snowflake()),
            "application_id": str(self.application_id),
            "version": str(self.snowflake()),
            "type": ctype,
            "name": body["name"],
            "name_localizations": body.get("name_localizations"),
            "description": body.get("description", ""),
            "description_localizations": body.get("description_localizations"),
            "options": copy.deepcopy(body.get("options") or []),
            "default_member_permissions": body.get("default_member_permissions"),
            "nsfw": bool(body.get("nsfw", False)),
            "contexts": body.get("contexts"),
            "integration_types": body.get("integration_types") or [0],
        }
        if scope is not None:
            payload["guild_id"] = str(scope)
        else:
            payload["dm_permission"] = body.get("dm_permission", True)
        return payload

    async def _get_commands(self, request: web.Request) -> web.Response:
        return self._json(self.commands.get(self._commands_scope(request), []))

    async def _put_commands(self, request: web.Request) -> web.Response:
        scope = self._commands_scope(request)
        body = request[_BODY] if request[_BODY] is not None else []
        errors = validation.validate_commands(body)
        if errors:
            raise HTTPError(400, 50035, "Invalid Form Body", errors)
        existing = {(c["type"], c["name"]): c for c in self.commands.get(scope, [])}
        self.commands[scope] = [self._command_payload(c, scope, existing) for c in body]
        self._notify()
        return self._json(self.commands[scope])

    async def _post_command(self, request: web.Request) -> web.Response:
        scope = self._commands_scope(request)
        body = request[_BODY] or {}
        errors = validation.validate_commands([body])
        if errors:
            raise HTTPError(400, 50035, "Invalid Form Body", errors.get("0", errors))
        current = self.commands.setdefault(scope, [])
        existing = {(c["type"], c["name"]): c for c in current}
        payload = self._command_payload(body, scope, existing)
        self.commands[scope] = [c for c in current if c["id"] != payload["id"]] + [payload]
        self._notify()
        return self._json(
            payload, status=200 if (payload["type"], payload["name"]) in existing else 201
        )

    def _require_command(self, request: web.Request) -> tuple[int | None, dict[str, Any]]:
        scope = self._commands_scope(request)
        cid = request.match_info["command_id"]
        found = next((c for c in self.commands.get(scope, []) if c["id"] == cid), None)
        if found is None:
            raise HTTPError(404, 10063, "Unknown application command")
        return scope, found

    async def _get_command(self, request: web.Request) -> web.Response:
        return self._json(self._require_command(request)[1])

    async def _delete_command(self, request: web.Request) -> web.Response:
        scope, found = self._require_command(request)
        self.commands[scope] = [c for c in self.commands[scope] if c is not found]
        self._notify()
        return web.Response(status=204)

    # ------------------------------------------------------------------ REST: interactions

    def _interaction_message(
        self, record: InteractionRecord, body: Mapping[str, Any], *, loading: bool = False
    ) -> dict[str, Any]:
        """A message created by an interaction response or followup (the bot, via webhook)."""
        channel = self._channel(record.channel_id)
        assert channel is not None
        requested = int(body.get("flags") or 0)
        flags = requested & (
            FLAG_EPHEMERAL | FLAG_SUPPRESS_EMBEDS | FLAG_SUPPRESS_NOTIFICATIONS | FLAG_COMPONENTS_V2
        )
        if loading:
            flags = FLAG_LOADING | (requested & FLAG_EPHEMERAL)
        meta = {
            "id": str(record.id),
            "type": record.type,
            "user": record.user.to_payload(),
            "authorizing_integration_owners": {"0": str(record.guild_id)}
            if record.guild_id
            else {"1": str(record.user.id)},
        }
        if record.type == APPLICATION_COMMAND:
            meta["name"] = record.payload["data"]["name"]
        if record.message_id is not None:
            meta["interacted_message_id"] = str(record.message_id)
        if record.original_message_id is not None:
            meta["original_response_message_id"] = str(record.original_message_id)
        msg_type = MSG_CHAT_INPUT_COMMAND if record.type == APPLICATION_COMMAND else MSG_DEFAULT
        payload = self._build_message(
            channel=channel,
            author=self.bot_user,
            body=body,
            msg_type=msg_type,
            flags=flags,
            extra={
                "webhook_id": str(self.application_id),
                "application_id": str(self.application_id),
                "interaction_metadata": meta,
            },
        )
        self._store(channel, payload, by_bot=True)
        return payload

    async def _interaction_callback(self, request: web.Request) -> web.Response:
        record = (
            self.interactions.get(int(request.match_info["interaction_id"]))
            if request.match_info["interaction_id"].isdigit()
            else None
        )
        if record is None or record.token != request.match_info["token"]:
            raise HTTPError(404, 10062, "Unknown interaction")
        if record.callbacks:
            raise HTTPError(400, 40060, "Interaction has already been acknowledged.")
        if (
            self.interaction_ack_timeout is not None
            and self.clock() - record.created_at > self.interaction_ack_timeout
        ):
            log.warning(
                "interaction %s answered after %.2fs: Unknown interaction",
                record.id,
                self.clock() - record.created_at,
            )
            raise HTTPError(404, 10062, "Unknown interaction")
        body = request[_BODY]
        if not isinstance(body, dict) or "type" not in body:
            raise HTTPError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "type": {
                        "_errors": [
                            {"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}
                        ]
                    }
                },
            )
        ctype = int(body["type"])
        data = body.get("data") or {}
        allowed = _ALLOWED_CALLBACKS.get(record.type, frozenset())
        if ctype in (6, 7) and record.message_id is None:
            allowed = allowed - {6, 7}
        if ctype not in allowed:
            raise HTTPError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "type": {
                        "_errors": [
                            {
                                "code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                "message": f"Response type {ctype} is not valid for "
                                f"interaction type {record.type}",
                            }
                        ]
                    }
                },
            )
        files: list[dict[str, Any]] = request[_FILES]
        message: dict[str, Any] | None = None
        channel = self._channel(record.channel_id)
        assert channel is not None
        if ctype == 4:
            data = self._check_body(data, files=files, create=True)
            message = self._interaction_message(record, data)
            if files:
                message["attachments"] = self._attachments_from_files(channel, data, files)
            record.original_message_id = int(message["id"])
            await self._dispatch_message("MESSAGE_CREATE", message, channel)
        elif ctype == 5:
            message = self._interaction_message(record, data, loading=True)
            record.original_message_id = int(message["id"])
            await self._dispatch_message("MESSAGE_CREATE", message, channel)
        elif ctype in (6, 7):
            record.original_message_id = record.message_id
            if ctype == 7:
                data = self._check_body(data, files=files, create=False)
                target = self._msg_index.get(record.message_id or 0)
                if target is None:
                    raise HTTPError(404, 10008, "Unknown Message")
                message = target[1]
                self._apply_edit(message, data, channel, files)
                await self._dispatch_message("MESSAGE_UPDATE", message, channel)
        elif ctype == 8:
            errors = validation.validate_choices(data.get("choices", []))
            if errors:
                raise HTTPError(400, 50035, "Invalid Form Body", {"data": errors})
        elif ctype == 9:
            title = data.get("title") or ""
            if (
                not data.get("custom_id")
                or not 1 <= len(title) <= 45
                or not 1 <= len(data.get("components") or []) <= 5
            ):
                raise HTTPError(
                    400,
                    50035,
                    "Invalid Form Body",
                    {
                        "data": {
                            "_errors": [
                                {
                                    "code": "MODAL_INVALID",
                                    "message": "Modal needs custom_id, a 1-45 char title "
                                    "and 1-5 components",
                                }
                            ]
                        }
                    },
                )
        record.callbacks.append({"type": ctype, "data": copy.deepcopy(body.get("data"))})
        self._notify()
        if not _bool_query(request.query.get("with_response")):
            return web.Response(status=204)
        callback: dict[str, Any] = {
            "interaction": {
                "id": str(record.id),
                "type": record.type,
                "response_message_loading": ctype == 5,
                "response_message_ephemeral": bool(message and message["flags"] & FLAG_EPHEMERAL),
            }
        }
        if message is not None:
            callback["interaction"]["response_message_id"] = message["id"]
        resource: dict[str, Any] = {"type": ctype}
        if ctype in (4, 7) and message is not None:
            resource["message"] = message
        callback["resource"] = resource
        return self._json(callback)

    def _record_for_webhook(self, request: web.Request) -> InteractionRecord:
        record = self._by_token.get(request.match_info["token"])
        if record is None or request.match_info["webhook_id"] != str(self.application_id):
            raise HTTPError(404, 10015, "Unknown Webhook")
        if not record.callbacks:
            # Followups and @original only exist once the interaction is acknowledged.
            raise HTTPError(404, 10015, "Unknown Webhook")
        return record

    def _webhook_target(self, record: InteractionRecord, message_id: str) -> dict[str, Any]:
        if message_id == "@original":
            mid = record.original_message_id
        elif message_id.isdigit() and (
            int(message_id) in record.followup_ids or int(message_id) == record.original_message_id
        ):
            mid = int(message_id)
        else:
            mid = None
        found = self._msg_index.get(mid) if mid is not None else None
        if found is None:
            raise HTTPError(404, 10008, "Unknown Message")
        return found[1]

    async def _execute_webhook(self, request: web.Request) -> web.Response:
        record = self._record_for_webhook(request)
        files: list[dict[str, Any]] = request[_FILES]
        body = self._check_body(request[_BODY], files=files, create=True)
        channel = self._channel(record.channel_id)
        assert channel is not None
        original = self._msg_index.get(record.original_message_id or 0)
        if original is not None and original[1]["flags"] & FLAG_LOADING:
            # Discord: a followup straight after a deferred (type 5) response edits the
            # "thinking" message instead of creating a new one; ephemerality follows the defer.
            message = original[1]
            self._apply_edit(
                message, {k: v for k, v in body.items() if k != "flags"}, channel, files
            )
            await self._dispatch_message("MESSAGE_UPDATE", message, channel)
        else:
            message = self._interaction_message(record, body)
            if files:
                message["attachments"] = self._attachments_from_files(channel, body, files)
            record.followup_ids.append(int(message["id"]))
            await self._dispatch_message("MESSAGE_CREATE", message, channel)
        self._notify()
        if not _bool_query(request.query.get("wait")):
            return web.Response(status=204)
        return self._json(message)

    async def _get_webhook_message(self, request: web.Request) -> web.Response:
        record = self._record_for_webhook(request)
        return self._json(self._webhook_target(record, request.match_info["message_id"]))

    async def _edit_webhook_message(self, request: web.Request) -> web.Response:
        record = self._record_for_webhook(request)
        message = self._webhook_target(record, request.match_info["message_id"])
        body = self._check_body(request[_BODY], files=request[_FILES], create=False)
        channel = self._channel(record.channel_id)
        assert channel is not None
        self._apply_edit(message, body, channel, request[_FILES])
        self._notify()
        await self._dispatch_message("MESSAGE_UPDATE", message, channel)
        return self._json(message)

    async def _delete_webhook_message(self, request: web.Request) -> web.Response:
        record = self._record_for_webhook(request)
        message = self._webhook_target(record, request.match_info["message_id"])
        channel = self._channel(record.channel_id)
        assert channel is not None
        self._remove_message(channel, message)
        await self._dispatch_delete(message, channel)
        return web.Response(status=204)

    # ------------------------------------------------------------------ test-side actions: messages

    async def send_message(
        self,
        content: str,
        *,
        channel_id: int | None = None,
        author: Any = None,
        reply_to: int | None = None,
        embeds: list[dict[str, Any]] | None = None,
        attachments: Mapping[str, bytes] | None = None,
    ) -> dict[str, Any]:
        """A user posts a message: stored, then MESSAGE_CREATE dispatched (if the intents allow).

        ``author`` defaults to :attr:`user` (alice); ``attachments`` maps filename to bytes.
        Returns the stored message payload.
        """
        channel = self._channel(channel_id or self.channel_id)
        if channel is None:
            raise KeyError(f"unknown channel {channel_id}")
        user = self._user(author)
        if channel.guild_id is not None and user.id not in self.guild.members:
            raise ValueError(f"{user.username} is not a member of the guild")
        body: dict[str, Any] = {"content": content, "embeds": embeds or []}
        if reply_to is not None:
            body["message_reference"] = {"message_id": str(reply_to)}
        files = [
            {"filename": name, "data": data, "content_type": None}
            for name, data in (attachments or {}).items()
        ]
        payload = self._build_message(
            channel=channel,
            author=user,
            body=body,
            attachments=self._attachments_from_files(channel, {}, files),
        )
        self._store(channel, payload, by_bot=user.id == self.bot_user.id)
        await self._dispatch_message("MESSAGE_CREATE", payload, channel)
        return payload

    async def send_dm(self, content: str, *, author: Any = None) -> dict[str, Any]:
        """A user DMs the bot (needs the DIRECT_MESSAGES intent to be dispatched)."""
        user = self._user(author)
        channel = self._dm_channel(user)
        return await self.send_message(content, channel_id=channel.id, author=user)

    async def edit_user_message(self, message_id: int, content: str) -> dict[str, Any]:
        """A user edits their message: MESSAGE_UPDATE."""
        found = self._msg_index.get(int(message_id))
        if found is None:
            raise KeyError(f"unknown message {message_id}")
        channel = self._channel(found[0])
        assert channel is not None
        self._apply_edit(found[1], {"content": content}, channel, [])
        await self._dispatch_message("MESSAGE_UPDATE", found[1], channel)
        return found[1]

    async def delete_user_message(self, message_id: int) -> None:
        """A message disappears: MESSAGE_DELETE."""
        found = self._msg_index.get(int(message_id))
        if found is None:
            raise KeyError(f"unknown message {message_id}")
        channel = self._channel(found[0])
        assert channel is not None
        self._remove_message(channel, found[1])
        await self._dispatch_delete(found[1], channel)

    def history(self, channel_id: int | None = None) -> list[dict[str, Any]]:
        """Visible (non-ephemeral) messages in a channel, oldest first."""
        return [
            m
            for m in self.messages.get(channel_id or self.channel_id, [])
            if not m["flags"] & FLAG_EPHEMERAL
        ]

    def bot_messages(self, channel_id: int | None = None) -> list[dict[str, Any]]:
        """Messages the bot authored (REST or interaction), oldest first, ephemeral included."""
        channels = [channel_id] if channel_id is not None else list(self.messages)
        out = [
            m
            for cid in channels
            for m in self.messages.get(cid, [])
            if m["author"]["id"] == str(self.bot_user.id)
        ]
        return sorted(out, key=lambda m: int(m["id"]))

    def get_message(self, message_id: int | str) -> dict[str, Any] | None:
        """The live stored payload of a message, or None if unknown/deleted."""
        found = self._msg_index.get(int(message_id))
        return found[1] if found else None

    # ------------------------------------------------------------- test-side actions: interactions

    def _find_command(
        self, name: str, guild_id: int | None, ctype: int = 1
    ) -> dict[str, Any] | None:
        scopes = ([guild_id] if guild_id is not None else []) + [None]
        for scope in scopes:
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name and cmd["type"] == ctype:
                    return cmd
        return None

    def _option_value(
        self, otype: int, value: Any, resolved: dict[str, dict[str, Any]], channel: FakeChannel
    ) -> Any:
        """Encode one option value, filling ``resolved`` for user/channel/role options."""
        if otype == 3:
            return str(value)
        if otype == 4:
            return int(value)
        if otype == 5:
            return bool(value)
        if otype == 10:
            return float(value)
        if otype in (6, 9) and (
            isinstance(value, FakeUser)
            or (not isinstance(value, FakeRole) and _snowflake(value) in self.users)
        ):
            user = self._user(value)
            resolved.setdefault("users", {})[str(user.id)] = user.to_payload()
            member = self.guild.members.get(user.id)
            if member is not None:
                resolved.setdefault("members", {})[str(user.id)] = {
                    **member.to_payload(with_user=False),
                    "permissions": str(self.guild.channel_permissions(user.id, channel)),
                }
            return str(user.id)
        if otype in (8, 9):
            role = self.guild.role(_snowflake(value))
            if role is None:
                raise KeyError(f"unknown role {value}")
            resolved.setdefault("roles", {})[str(role.id)] = role.to_payload()
            return str(role.id)
        if otype == 7:
            target = self._channel(_snowflake(value))
            if target is None:
                raise KeyError(f"unknown channel {value}")
            resolved.setdefault("channels", {})[str(target.id)] = {
                "id": str(target.id),
                "name": target.name,
                "type": target.type,
                "parent_id": None,
                "guild_id": str(target.guild_id) if target.guild_id else None,
                "permissions": str(self.guild.channel_permissions(self.bot_user.id, target)),
                "flags": 0,
            }
            return str(target.id)
        raise ValueError(f"option type {otype} is not supported by the fake")

    @staticmethod
    def _infer_type(value: Any) -> int:
        if isinstance(value, bool):
            return 5
        if isinstance(value, int):
            return 4
        if isinstance(value, float):
            return 10
        if isinstance(value, FakeUser):
            return 6
        if isinstance(value, FakeRole):
            return 8
        if isinstance(value, FakeChannel):
            return 7
        return 3

    def _build_options(
        self,
        schema: list[dict[str, Any]] | None,
        values: Mapping[str, Any] | list[dict[str, Any]],
        channel: FakeChannel,
        *,
        focused: str | None,
    ) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
        """Encode options the way the Discord client does, validated against the synced schema."""
        resolved: dict[str, dict[str, Any]] = {}
        by_name = {o["name"]: o for o in schema or []}
        if isinstance(values, list):  # raw option dicts: the test knows best, but Discord's
            for raw in values if focused is None else ():  # server still checks the bounds
                spec = by_name.get(raw.get("name", ""))
                problem = validation.refused_option_value(spec, raw.get("value")) if spec else None
                if spec and problem is not None:
                    raise OptionRefused(raw["name"], problem, spec)
            return copy.deepcopy(values), resolved
        if schema is not None:
            unknown = set(values) - set(by_name)
            if unknown:
                raise ValueError(
                    f"unknown option(s) {sorted(unknown)}; command has {sorted(by_name)}"
                )
            if focused is None:
                missing = [n for n, o in by_name.items() if o.get("required") and n not in values]
                if missing:
                    raise OptionRefused(missing[0], "is required", by_name[missing[0]])
        options = []
        for name, value in values.items():
            spec = by_name.get(name)
            otype = int(spec["type"]) if spec else self._infer_type(value)
            if name == focused:
                # Autocomplete sends the raw text typed so far, whatever the option's type.
                options.append({"name": name, "type": otype, "value": str(value), "focused": True})
                continue
            # Only a command is submitted; autocomplete runs while options are still being typed.
            problem = validation.refused_option_value(spec, value) if spec else None
            if problem is not None and focused is None:
                raise OptionRefused(name, problem, spec)
            encoded = self._option_value(otype, value, resolved, channel)
            if (
                spec
                and spec.get("choices")
                and encoded not in [c["value"] for c in spec["choices"]]
            ):
                raise ValueError(f"{encoded!r} is not one of the choices for option {name!r}")
            options.append({"name": name, "type": otype, "value": encoded})
        return options, resolved

    async def _dispatch_interaction(
        self,
        itype: int,
        data: dict[str, Any],
        *,
        user: Any,
        channel_id: int | None,
        message: dict[str, Any] | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        who = self._user(user)
        channel = self._channel(channel_id) if channel_id is not None else self.channel
        if channel is None:
            raise KeyError(f"unknown channel {channel_id}")
        iid = self.snowflake()
        token = new_interaction_token()
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "token": token,
            "version": 1,
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "channel_id": str(channel.id),
        }
        guild = self._guild_of(channel)
        if guild is not None:
            member = guild.members.get(who.id)
            if member is None:
                raise ValueError(f"{who.username} is not a member of the guild")
            perms = guild.channel_permissions(who.id, channel)
            payload.update(
                {
                    "guild_id": str(guild.id),
                    "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
                    "guild_locale": "en-US",
                    "channel": {**channel.to_payload(), "permissions": str(perms)},
                    "member": {**member.to_payload(), "permissions": str(perms)},
                    "app_permissions": str(guild.channel_permissions(self.bot_user.id, channel)),
                    "authorizing_integration_owners": {"0": str(guild.id)},
                    "context": 0,
                }
            )
        else:
            payload.update(
                {
                    "channel": channel.to_payload(),
                    "user": who.to_payload(),
                    "app_permissions": str(VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY),
                    "authorizing_integration_owners": {"0": str(self.application_id)},
                    "context": 1,
                }
            )
        if message is not None:
            payload["message"] = copy.deepcopy(message)
        record = InteractionRecord(
            id=iid,
            token=token,
            type=itype,
            payload=payload,
            created_at=self.clock(),
            channel_id=channel.id,
            guild_id=guild.id if guild else None,
            user=who,
            message_id=int(message["id"]) if message else None,
        )
        self.interactions[iid] = record
        self._by_token[token] = record
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        self._notify()
        return record

    def _command_data(
        self,
        name: str,
        options: Mapping[str, Any] | list[dict[str, Any]] | None,
        *,
        channel: FakeChannel,
        user: FakeUser,
        focused: str | None,
    ) -> dict[str, Any]:
        """Build ``data`` for a chat-input command; ``name`` may be "cmd sub" or "cmd group sub"."""
        root, *path = name.split()
        guild_id = channel.guild_id
        cmd = self._find_command(root, guild_id)
        if cmd is None and self.require_synced_commands:
            raise LookupError(
                f"/{root} was never synced (PUT .../commands); Discord would not offer it"
            )
        if (
            cmd is not None
            and cmd.get("default_member_permissions") is not None
            and guild_id is not None
        ):
            needed = int(cmd["default_member_permissions"])
            have = self.guild.channel_permissions(user.id, channel)
            if have & needed != needed and not have & ADMINISTRATOR:
                raise PermissionError(
                    f"{user.username} cannot see /{root} (default_member_permissions={needed})"
                )
        schema: list[dict[str, Any]] | None = cmd["options"] if cmd is not None else None
        leaf_options, resolved = [], {}
        # Walk subcommand groups/subcommands down to the leaf's option schema.
        wrappers: list[tuple[int, str]] = []
        for depth, part in enumerate(path):
            kind = 2 if depth < len(path) - 1 else 1
            wrappers.append((kind, part))
            if schema is not None:
                sub = next((o for o in schema if o["name"] == part and o["type"] in (1, 2)), None)
                if sub is None:
                    raise ValueError(f"/{root} has no subcommand {part!r}")
                schema = sub.get("options") or []
        leaf_options, resolved = self._build_options(
            schema, options or {}, channel, focused=focused
        )
        for kind, part in reversed(wrappers):
            leaf_options = [{"name": part, "type": kind, "options": leaf_options}]
        data: dict[str, Any] = {
            "id": cmd["id"] if cmd else str(self.snowflake()),
            "name": root,
            "type": 1,
            "options": leaf_options,
        }
        if cmd is not None and cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    async def send_slash(
        self,
        name: str,
        options: Mapping[str, Any] | list[dict[str, Any]] | None = None,
        *,
        channel_id: int | None = None,
        user: Any = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """A user runs ``/name`` (INTERACTION_CREATE type 2).

        ``options`` maps option name to value (FakeUser/FakeRole/FakeChannel or ids for those
        types); when the command has been synced its schema gives the types and is enforced
        (unknown/missing options, choices). A list is passed through as raw option dicts.
        """
        channel = self._channel(channel_id) if channel_id is not None else self.channel
        if channel is None:
            raise KeyError(f"unknown channel {channel_id}")
        data = self._command_data(
            name, options, channel=channel, user=self._user(user), focused=None
        )
        return await self._dispatch_interaction(
            APPLICATION_COMMAND, data, user=user, channel_id=channel.id, locale=locale
        )

    async def send_autocomplete(
        self,
        name: str,
        options: Mapping[str, Any],
        *,
        focused: str | None = None,
        channel_id: int | None = None,
        user: Any = None,
    ) -> InteractionRecord:
        """A user types in an autocomplete option (INTERACTION_CREATE type 4).

        ``focused`` names the option being typed (default: the last one in ``options``).
        The bot's answer arrives as a type 8 callback: ``{"type": 8, "data": {"choices": [...]}}``.
        """
        if not options:
            raise ValueError("autocomplete needs at least the focused option")
        focused = focused or list(options)[-1]
        channel = self._channel(channel_id) if channel_id is not None else self.channel
        if channel is None:
            raise KeyError(f"unknown channel {channel_id}")
        data = self._command_data(
            name, options, channel=channel, user=self._user(user), focused=focused
        )
        return await self._dispatch_interaction(
            AUTOCOMPLETE, data, user=user, channel_id=channel.id
        )

    def _find_component(self, message: Mapping[str, Any], custom_id: str) -> dict[str, Any]:
        for comp in validation.iter_components(message.get("components") or []):
            if comp.get("custom_id") == custom_id:
                return comp
        ids = [
            c.get("custom_id")
            for c in validation.iter_components(message.get("components") or [])
            if c.get("custom_id")
        ]
        raise LookupError(f"message {message['id']} has no component {custom_id!r} (has {ids})")

    async def click_button(
        self, message_id: int | str, custom_id: str, *, user: Any = None
    ) -> InteractionRecord:
        """A user clicks a button (INTERACTION_CREATE type 3, component_type 2)."""
        message = self.get_message(message_id)
        if message is None:
            raise KeyError(f"unknown message {message_id}")
        comp = self._find_component(message, custom_id)
        if comp.get("type") != 2:
            raise TypeError(f"component {custom_id!r} is not a button")
        if comp.get("disabled"):
            raise ValueError(
                f"button {custom_id!r} is disabled; Discord would not let a user click it"
            )
        data = {"custom_id": custom_id, "component_type": 2, "id": comp.get("id")}
        return await self._dispatch_interaction(
            MESSAGE_COMPONENT,
            data,
            user=user,
            channel_id=int(message["channel_id"]),
            message=message,
        )

    async def select_option(
        self, message_id: int | str, custom_id: str, values: list[str], *, user: Any = None
    ) -> InteractionRecord:
        """A user picks ``values`` in a select menu (INTERACTION_CREATE type 3)."""
        message = self.get_message(message_id)
        if message is None:
            raise KeyError(f"unknown message {message_id}")
        comp = self._find_component(message, custom_id)
        if comp.get("type") not in _COMPONENT_TYPES_SELECT:
            raise TypeError(f"component {custom_id!r} is not a select menu")
        if comp.get("type") == 3:
            offered = {o["value"] for o in comp.get("options", [])}
            if not set(values) <= offered:
                raise ValueError(f"{values} not among the menu's options {sorted(offered)}")
        data = {
            "custom_id": custom_id,
            "component_type": comp["type"],
            "values": list(values),
            "id": comp.get("id"),
        }
        return await self._dispatch_interaction(
            MESSAGE_COMPONENT,
            data,
            user=user,
            channel_id=int(message["channel_id"]),
            message=message,
        )

    async def submit_modal(
        self, opened_by: InteractionRecord, values: Mapping[str, str], *, user: Any = None
    ) -> InteractionRecord:
        """Submit the modal the bot opened in answer to ``opened_by`` (INTERACTION_CREATE type 5).

        ``values`` maps text-input custom_id to the text typed.
        """
        modal = opened_by.modal
        if modal is None:
            raise ValueError(f"interaction {opened_by.id} was not answered with a modal")

        def fill(comp: dict[str, Any]) -> dict[str, Any]:
            if comp.get("type") == 1:
                return {"type": 1, "components": [fill(c) for c in comp.get("components", [])]}
            if comp.get("type") == 18:
                return {"type": 18, "id": comp.get("id"), "component": fill(comp["component"])}
            if comp.get("type") == 4:
                return {
                    "type": 4,
                    "id": comp.get("id"),
                    "custom_id": comp["custom_id"],
                    "value": values.get(comp["custom_id"], ""),
                }
            return {k: v for k, v in comp.items() if k in ("type", "id", "custom_id")}

        data = {
            "custom_id": modal["custom_id"],
            "components": [fill(c) for c in modal.get("components", [])],
        }
        message = self.get_message(opened_by.message_id) if opened_by.message_id else None
        return await self._dispatch_interaction(
            MODAL_SUBMIT,
            data,
            user=user if user is not None else opened_by.user,
            channel_id=opened_by.channel_id,
            message=message,
        )

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        path: str,
        *,
        status: int = 429,
        retry_after: float = 0.2,
        global_: bool = False,
        times: int = 1,
        code: int | None = None,
        message: str | None = None,
        body: Any = None,
    ) -> Fault:
        """Answer the next ``times`` requests matching ``method`` and ``path`` with an error.

        ``path`` is relative to the API base and may use ``{placeholders}`` for any segment,
        e.g. ``"/channels/{id}/messages"``; ``method`` may be ``"*"``. A 429 carries
        Retry-After, X-RateLimit-* (scope user/global), ``Via`` and the JSON
        ``{message, retry_after, global}``; other statuses get Discord's JSON error
        ``{message, code}`` (override with ``code``/``message``/``body``). Note discord.py
        retries 500/502/504 by itself after 1 s, 3 s, ... so one 500 costs a second.
        """
        fault = Fault(
            method=method.upper(),
            path=path,
            status=status,
            retry_after=retry_after,
            global_=global_,
            times=times,
            code=code,
            message=message,
            body=body,
            pattern=_path_pattern(path),
        )
        self._faults.append(fault)
        return fault

    async def drop_gateway(self, code: int | None = 4000, *, invalidate: bool = False) -> None:
        """Drop the bot's websocket: close with ``code`` (4000 → discord.py RESUMEs) or, with
        ``code=None``, abort the TCP connection. Dispatches meanwhile are replayed on RESUME.
        ``invalidate=True`` makes the RESUME fail (op 9) so the bot must IDENTIFY again."""
        await self.gateway.drop(code=code, invalidate=invalidate)

    # ------------------------------------------------------------------ observation & waiting

    @property
    def gateway_frames(self) -> list[GatewayFrame]:
        """Every frame the client sent (heartbeats, identify, resume, ...)."""
        return self.gateway.frames

    def frames(self, op: int, *, since: float = 0.0) -> list[GatewayFrame]:
        """Client frames with opcode ``op`` received at or after ``since``."""
        return [f for f in self.gateway.frames if f.op == op and f.at >= since]

    def dispatched(self, event: str, message_id: int | str | None = None) -> list[dict[str, Any]]:
        """The ``d`` of every ``event`` dispatched on the session so far (for one message id)."""
        session = self.gateway.session
        frames = session.history if session is not None else []
        return [f["d"] for f in frames if f["t"] == event
                and (message_id is None or f["d"].get("id") == str(message_id))]

    @property
    def heartbeats(self) -> list[GatewayFrame]:
        """Heartbeats (op 1) received."""
        return self.frames(1)

    @property
    def identify_count(self) -> int:
        """How many IDENTIFYs (op 2) the client sent."""
        return len(self.frames(2))

    @property
    def resume_count(self) -> int:
        """How many RESUMEs (op 6) the client sent."""
        return len(self.frames(6))

    @property
    def session(self) -> GatewaySession | None:
        """The current gateway session, if the bot has identified."""
        return self.gateway.session

    def requests_to(self, method: str, path: str, *, since: float = 0.0) -> list[RecordedRequest]:
        """Recorded requests matching ``method`` (or "*") and a ``fail_next``-style path."""
        pattern = _path_pattern(path)
        return [
            r
            for r in self.requests
            if (method == "*" or r.method == method.upper())
            and pattern.match(r.path)
            and r.at >= since
        ]

    async def wait_until(
        self, predicate: Callable[[], T], *, timeout: float = 5.0, what: str = "condition"
    ) -> T:
        """Wait until ``predicate()`` is truthy (re-checked on every change); return its value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [f"{r.method} {r.path} -> {r.status}" for r in self.requests[-8:]]
                raise TimeoutError(
                    f"timed out after {timeout}s waiting for {what}; recent requests: {recent}"
                )
            event = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def wait_for_message(
        self,
        channel_id: int | None = None,
        *,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """Return the next bot-created message not yet returned by this method.

        Covers channel.send, interaction responses (type 4), followups, and deferred
        "thinking" messages once edited into an answer. Messages are consumed in creation
        order; ones skipped by ``channel_id``/``predicate`` stay available for later calls.
        Returns a snapshot (deep copy).
        """

        def find() -> dict[str, Any] | None:
            for index in range(self._bot_queue_taken, len(self._bot_queue)):
                mid = self._bot_queue[index]
                found = self._msg_index.get(mid)
                if found is None:
                    continue
                cid, message = found
                if channel_id is not None and cid != channel_id:
                    continue
                if predicate is not None and not predicate(message):
                    continue
                # Consume it: move it to the taken prefix so order is kept for the rest.
                self._bot_queue.pop(index)
                self._bot_queue.insert(self._bot_queue_taken, mid)
                self._bot_queue_taken += 1
                return copy.deepcopy(message)
            return None

        return await self.wait_until(
            find, timeout=timeout, what=f"a bot message in {channel_id or 'any channel'}"
        )

    async def wait_for_edit(
        self,
        message_id: int | str,
        *,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """Wait until a message has been edited (and satisfies ``predicate``); return a copy."""

        def find() -> dict[str, Any] | None:
            message = self.get_message(message_id)
            if message is None or message["edited_timestamp"] is None:
                return None
            if predicate is not None and not predicate(message):
                return None
            return copy.deepcopy(message)

        return await self.wait_until(find, timeout=timeout, what=f"an edit of message {message_id}")

    async def wait_for_interaction_response(
        self, interaction: InteractionRecord | int, *, timeout: float = 5.0
    ) -> dict[str, Any]:
        """Wait for the bot's callback to an interaction; returns ``{"type": n, "data": {...}}``."""
        iid = interaction.id if isinstance(interaction, InteractionRecord) else int(interaction)
        record = self.interactions[iid]
        return await self.wait_until(
            lambda: record.response, timeout=timeout, what=f"a response to interaction {iid}"
        )

    async def wait_for_request(
        self,
        method: str,
        path: str,
        *,
        since: float = 0.0,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        timeout: float = 5.0,
    ) -> RecordedRequest:
        """Wait for a request (answered, i.e. status set) matching method/path pattern."""

        def find() -> RecordedRequest | None:
            for rec in self.requests_to(method, path, since=since):
                if rec.status and (predicate is None or predicate(rec)):
                    return rec
            return None

        return await self.wait_until(find, timeout=timeout, what=f"{method} {path}")

    async def wait_for_frame(
        self, op: int, *, since: float = 0.0, timeout: float = 5.0
    ) -> GatewayFrame:
        """Wait for the client to send a gateway frame with opcode ``op``."""
        return await self.wait_until(
            lambda: next(iter(self.frames(op, since=since)), None),
            timeout=timeout,
            what=f"gateway op {op}",
        )

    async def wait_for_heartbeats(
        self, count: int, *, since: float = 0.0, timeout: float = 5.0
    ) -> list[GatewayFrame]:
        """Wait until ``count`` heartbeats have arrived since ``since``."""
        return await self.wait_until(
            lambda: hb if len(hb := self.frames(1, since=since)) >= count else None,
            timeout=timeout,
            what=f"{count} heartbeats",
        )

    async def wait_for_session(self, *, timeout: float = 5.0) -> GatewaySession:
        """Wait until the bot has identified and is connected (READY and GUILD_CREATE sent)."""

        def ready() -> GatewaySession | None:
            session = self.gateway.session
            if session and session.conn is not None and not session.invalid:
                return session
            return None

        return await self.wait_until(ready, timeout=timeout, what="a connected gateway session")
