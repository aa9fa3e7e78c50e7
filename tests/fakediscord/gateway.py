"""The fake gateway: HELLO, IDENTIFY/READY, heartbeats, dispatch with sequence numbers, RESUME.

Behaviour follows Discord's gateway docs where discord.py depends on it:

* every dispatch gets the next ``s``; the session keeps them so a RESUME can replay what the
  client missed (events raised while the socket was down are queued, not lost);
* the client closing with 1000/1001 ends the session (a later RESUME gets INVALID_SESSION);
* ``?compress=zlib-stream`` is honoured with one shared zlib stream per connection, flushed
  with Z_SYNC_FLUSH per message, which is the framing discord.py's decompressor waits for.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .models import INTENT_GUILD_MEMBERS, PRIVILEGED_INTENTS

if TYPE_CHECKING:
    from .server import FakeDiscord

log = logging.getLogger("fakediscord.gateway")

# Opcodes.
DISPATCH = 0
HEARTBEAT = 1
IDENTIFY = 2
PRESENCE_UPDATE = 3
VOICE_STATE_UPDATE = 4
RESUME = 6
RECONNECT = 7
REQUEST_GUILD_MEMBERS = 8
INVALID_SESSION = 9
HELLO = 10
HEARTBEAT_ACK = 11

# Close codes discord.py treats as fatal (it raises instead of reconnecting).
FATAL_CLOSE_CODES = frozenset({4004, 4010, 4011, 4012, 4013, 4014})


@dataclass
class GatewayFrame:
    """One frame the client sent us (``op``/``d``), stamped with connection and loop time."""

    connection: int
    op: int
    d: Any
    at: float


@dataclass
class ConnectionInfo:
    """What tests can inspect about one websocket connection."""

    id: int
    path: str
    query: dict[str, str]
    opened_at: float
    #: "identify" or "resume" once the client has said which, else "".
    kind: str = ""
    closed_at: float | None = None
    close_code: int | None = None
    #: Dispatches re-sent to this connection by a RESUME.
    replayed: int = 0


@dataclass
class _Connection:
    info: ConnectionInfo
    ws: web.WebSocketResponse
    transport: asyncio.Transport | None
    compressor: Any | None
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    session: GatewaySession | None = None

    @property
    def open(self) -> bool:
        return not self.ws.closed and self.info.closed_at is None


@dataclass
class GatewaySession:
    """A gateway session: survives dropped sockets until invalidated."""

    session_id: str
    intents: int
    identify: dict[str, Any]
    seq: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    conn: _Connection | None = None
    invalid: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Gateway:
    """Serves the gateway websocket for one :class:`FakeDiscord`."""

    def __init__(self, fake: FakeDiscord, *, heartbeat_interval: float) -> None:
        self._fake = fake
        self.heartbeat_interval = heartbeat_interval
        #: Whether heartbeats are ACKed; switch off to simulate a zombied connection.
        self.ack_heartbeats = True
        self.frames: list[GatewayFrame] = []
        #: Everything we sent: {"connection", "op", "t", "s", "at"} (payload ``d`` omitted).
        self.sent: list[dict[str, Any]] = []
        self.connections: list[ConnectionInfo] = []
        self.sessions: dict[str, GatewaySession] = {}
        self.session: GatewaySession | None = None
        self._conns: list[_Connection] = []

    # ------------------------------------------------------------------ websocket handler

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """aiohttp handler for both the initial and the resume gateway URL."""
        # autoping: aiohttp answers protocol-level pings; Discord's heartbeats are op 1 frames.
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        transport = request.transport
        await ws.prepare(request)
        loop = asyncio.get_running_loop()
        info = ConnectionInfo(
            id=len(self.connections) + 1,
            path=request.path,
            query=dict(request.query),
            opened_at=loop.time(),
        )
        self.connections.append(info)
        compress = request.query.get("compress")
        compressor = zlib.compressobj() if compress == "zlib-stream" else None
        if compress and compress != "zlib-stream":
            # zstd-stream (Python 3.14 / zstandard installed): discord.py also accepts text
            # frames, so fall back to uncompressed rather than fail.
            log.info("compression %r not implemented; sending text frames", compress)
        conn = _Connection(info=info, ws=ws, transport=transport, compressor=compressor)
        self._conns.append(conn)
        log.debug("gateway connection %d opened on %s", info.id, request.path)
        self._fake._notify()
        try:
            await self._send(
                conn,
                {
                    "op": HELLO,
                    "d": {
                        "heartbeat_interval": int(self.heartbeat_interval * 1000),
                        "_trace": ["fakediscord"],
                    },
                    "s": None,
                    "t": None,
                },
            )
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_text(conn, msg.data)
                elif msg.type is WSMsgType.BINARY:
                    # Clients never send compressed payloads to Discord.
                    await self._close(conn, 4002, "Decode error")
                elif msg.type is WSMsgType.ERROR:
                    log.debug("gateway connection %d error: %s", info.id, ws.exception())
        except ConnectionResetError:
            pass
        finally:
            self._on_closed(conn)
        return ws

    def _on_closed(self, conn: _Connection) -> None:
        if conn.info.closed_at is None:
            conn.info.closed_at = asyncio.get_running_loop().time()
            if conn.info.close_code is None:  # not set by a server-side close
                conn.info.close_code = conn.ws.close_code
        session = conn.session
        if session is not None and session.conn is conn:
            session.conn = None
            # Discord ends the session when the client closes normally; any other code keeps
            # it resumable. (Server-side drops detach the connection first, so skip this.)
            if conn.info.close_code in (1000, 1001):
                session.invalid = True
        if conn in self._conns:
            self._conns.remove(conn)
        log.debug("gateway connection %d closed (code %s)", conn.info.id, conn.info.close_code)
        self._fake._notify()

    async def _on_text(self, conn: _Connection, raw: str) -> None:
        try:
            payload = json.loads(raw)
            op = payload["op"]
        except (ValueError, KeyError, TypeError):
            await self._close(conn, 4002, "Decode error")
            return
        data = payload.get("d")
        self.frames.append(GatewayFrame(conn.info.id, op, data, asyncio.get_running_loop().time()))
        self._fake._notify()
        if op == HEARTBEAT:
            if self.ack_heartbeats:
                await self._send(conn, {"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        elif op == IDENTIFY:
            await self._on_identify(conn, data or {})
        elif op == RESUME:
            await self._on_resume(conn, data or {})
        elif conn.session is None:
            await self._close(conn, 4003, "Not authenticated.")
        elif op == REQUEST_GUILD_MEMBERS:
            await self._on_request_members(conn.session, data or {})
        elif op in (PRESENCE_UPDATE, VOICE_STATE_UPDATE):
            pass  # recorded above; nothing to simulate
        else:
            await self._close(conn, 4001, "Unknown opcode.")

    async def _on_identify(self, conn: _Connection, data: dict[str, Any]) -> None:
        fake = self._fake
        if conn.session is not None:
            await self._close(conn, 4005, "Already authenticated.")
            return
        if data.get("token") != fake.token:
            await self._close(conn, 4004, "Authentication failed.")
            return
        if "intents" not in data:
            await self._close(conn, 4013, "Invalid intent(s).")
            return
        intents = int(data["intents"])
        if intents & PRIVILEGED_INTENTS & ~fake.allowed_privileged_intents:
            await self._close(conn, 4014, "Disallowed intent(s).")
            return
        conn.info.kind = "identify"
        if self.session is not None:
            self.session.invalid = True
        session = GatewaySession(session_id=secrets.token_hex(16), intents=intents, identify=data)
        self.sessions[session.session_id] = session
        self.session = session
        conn.session = session
        async with session.lock:
            session.conn = conn
            ready = {
                "v": 10,
                "user": {
                    **fake.bot_user.to_payload(),
                    "verified": True,
                    "mfa_enabled": False,
                    "flags": 0,
                    "email": None,
                },
                "guilds": [{"id": str(g.id), "unavailable": True} for g in fake.guilds],
                "session_id": session.session_id,
                "session_type": "normal",
                "resume_gateway_url": fake.resume_gateway_url,
                "application": {"id": str(fake.application_id), "flags": fake.application_flags},
                "private_channels": [],
                "presences": [],
                "relationships": [],
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": ["fake"],
                "user_settings": {},
                "auth": {},
                "_trace": ["fakediscord"],
            }
            if "shard" in data:
                ready["shard"] = data["shard"]
            await self._dispatch_locked(session, "READY", ready)
            for guild in fake.guilds:
                payload = guild.to_payload(
                    include_all_members=bool(intents & INTENT_GUILD_MEMBERS),
                    bot_id=fake.bot_user.id,
                )
                await self._dispatch_locked(session, "GUILD_CREATE", payload)
        log.debug("session %s identified (intents %d)", session.session_id, intents)
        fake._notify()

    async def _on_resume(self, conn: _Connection, data: dict[str, Any]) -> None:
        fake = self._fake
        if data.get("token") != fake.token:
            await self._close(conn, 4004, "Authentication failed.")
            return
        conn.info.kind = "resume"
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or session.invalid:
            # d=false: not resumable, the client must IDENTIFY afresh.
            await self._send(conn, {"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        last_seen = data.get("seq") or 0
        async with session.lock:
            old = session.conn
            if old is not None and old is not conn and old.open:
                await self._close(old, 4000, "Session resumed elsewhere.")
            conn.session = session
            for frame in session.history:
                if frame["s"] > last_seen:
                    await self._send(conn, frame)
                    conn.info.replayed += 1
            session.conn = conn
            await self._dispatch_locked(session, "RESUMED", {"_trace": ["fakediscord"]})
        log.debug(
            "session %s resumed from seq %s (%d replayed)",
            session.session_id,
            last_seen,
            conn.info.replayed,
        )
        fake._notify()

    async def _on_request_members(self, session: GatewaySession, data: dict[str, Any]) -> None:
        for guild in self._fake.guilds:
            if str(guild.id) != str(data.get("guild_id")):
                continue
            wanted = {str(u) for u in data.get("user_ids") or []}
            query = (data.get("query") or "").lower()
            members = [
                m.to_payload()
                for uid, m in guild.members.items()
                if (not wanted or str(uid) in wanted) and m.user.username.lower().startswith(query)
            ]
            chunk: dict[str, Any] = {
                "guild_id": str(guild.id),
                "members": members,
                "chunk_index": 0,
                "chunk_count": 1,
            }
            if data.get("nonce"):
                chunk["nonce"] = data["nonce"]
            await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    # ------------------------------------------------------------------ sending

    async def _send(self, conn: _Connection, payload: dict[str, Any]) -> bool:
        """Send one frame; False if the socket is gone (the frame stays in history for RESUME)."""
        if not conn.open:
            return False
        text = json.dumps(payload, separators=(",", ":"))
        try:
            async with conn.send_lock:
                if conn.compressor is not None:
                    data = conn.compressor.compress(text.encode()) + conn.compressor.flush(
                        zlib.Z_SYNC_FLUSH
                    )
                    await conn.ws.send_bytes(data)
                else:
                    await conn.ws.send_str(text)
        except (ConnectionResetError, RuntimeError) as exc:
            log.debug("send on connection %d failed: %s", conn.info.id, exc)
            return False
        self.sent.append(
            {
                "connection": conn.info.id,
                "op": payload.get("op"),
                "t": payload.get("t"),
                "s": payload.get("s"),
                "at": asyncio.get_running_loop().time(),
            }
        )
        return True

    async def _dispatch_locked(self, session: GatewaySession, event: str, data: Any) -> int:
        session.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.history.append(frame)
        if session.conn is not None:
            await self._send(session.conn, frame)
        return session.seq

    async def dispatch(self, event: str, data: Any) -> int:
        """Send a DISPATCH on the live session, or queue it for RESUME while disconnected.

        Returns the sequence number used.
        """
        session = self.session
        if session is None or session.invalid:
            raise RuntimeError(
                f"cannot dispatch {event}: no gateway session (has the bot identified?)"
            )
        async with session.lock:
            return await self._dispatch_locked(session, event, data)

    @property
    def intents(self) -> int | None:
        """The current session's intents, or None before any IDENTIFY."""
        return self.session.intents if self.session is not None else None

    # ------------------------------------------------------------------ fault injection

    async def _close(self, conn: _Connection, code: int, reason: str) -> None:
        log.debug("closing gateway connection %d with %d (%s)", conn.info.id, code, reason)
        conn.info.close_code = code
        try:
            await asyncio.wait_for(conn.ws.close(code=code, message=reason.encode()), timeout=2)
        except (TimeoutError, ConnectionResetError, RuntimeError):
            if conn.transport is not None:
                conn.transport.abort()

    async def drop(self, *, code: int | None = 4000, invalidate: bool = False) -> None:
        """Kill the live connection: with a close ``code``, or abruptly (TCP abort) if None.

        The session stays resumable unless ``invalidate`` is true; events dispatched until the
        client comes back are queued and replayed on RESUME.
        """
        session = self.session
        if session is None or session.conn is None:
            raise RuntimeError("no live gateway connection to drop")
        conn = session.conn
        session.conn = None
        if invalidate:
            session.invalid = True
        if code is None:
            if conn.transport is not None:
                conn.transport.abort()
            conn.info.close_code = None
            conn.info.closed_at = asyncio.get_running_loop().time()
        else:
            await self._close(conn, code, "Dropped by test")
        self._fake._notify()

    async def send_reconnect(self) -> None:
        """Send op 7 RECONNECT: the client should reconnect and RESUME."""
        session = self.session
        if session is None or session.conn is None:
            raise RuntimeError("no live gateway connection")
        await self._send(session.conn, {"op": RECONNECT, "d": None, "s": None, "t": None})

    async def invalidate_session(self, *, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION; ``resumable=False`` forces a fresh IDENTIFY."""
        session = self.session
        if session is None or session.conn is None:
            raise RuntimeError("no live gateway connection")
        if not resumable:
            session.invalid = True
        await self._send(
            session.conn, {"op": INVALID_SESSION, "d": resumable, "s": None, "t": None}
        )

    async def request_heartbeat(self) -> None:
        """Send op 1: the client must heartbeat immediately."""
        session = self.session
        if session is None or session.conn is None:
            raise RuntimeError("no live gateway connection")
        await self._send(session.conn, {"op": HEARTBEAT, "d": None, "s": None, "t": None})

    async def close_all(self) -> None:
        """Close every socket (server shutdown); 1001 "going away" like Discord's restarts."""
        for conn in list(self._conns):
            if conn.open:
                try:
                    await asyncio.wait_for(
                        conn.ws.close(code=1001, message=b"Server shutdown"), timeout=1
                    )
                except (TimeoutError, ConnectionResetError, RuntimeError):
                    if conn.transport is not None:
                        conn.transport.abort()
