"""The fake gateway: a WebSocket speaking Discord's JSON protocol, v10.

discord.py 2.7 dials ``DiscordWebSocket.DEFAULT_GATEWAY`` with ``?v=10&encoding=json&compress=zlib-stream``
(``zstd-stream`` if the ``zstandard`` package is installed). Asked for zlib-stream, the fake compresses every
message into one binary frame with a shared zlib context ending in Z_SYNC_FLUSH, as Discord does; asked for
anything else, it sends plain text frames, which discord.py also reads.

Sessions are kept after a connection drops, with the events sent on them, so a RESUME replays what the
client missed, then RESUMED. Unknown or invalidated sessions get INVALID_SESSION (op 9, d=false).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from tests.fake_discord.models import JSON, PRIVILEGED_INTENTS

if TYPE_CHECKING:
    from tests.fake_discord.server import FakeDiscordServer

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE_UPDATE = 3
OP_VOICE_STATE_UPDATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_GUILD_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

CLOSE_UNKNOWN_OPCODE = 4001
CLOSE_DECODE_ERROR = 4002
CLOSE_NOT_AUTHENTICATED = 4003
CLOSE_AUTHENTICATION_FAILED = 4004
CLOSE_DISALLOWED_INTENTS = 4014

SessionPayload = JSON | Callable[["GatewaySession"], JSON | None]


@dataclass
class GatewaySession:
    id: str
    intents: int
    shard: list[int] | None
    seq: int = 0
    sent: list[JSON] = field(default_factory=list)  # every dispatch frame, for replay on RESUME
    connection: GatewayConnection | None = None
    invalidated: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def wants(self, intent: int | None) -> bool:
        return intent is None or bool(self.intents & intent)


@dataclass
class GatewayConnection:
    ws: web.WebSocketResponse
    request: web.Request
    path: str
    query: dict[str, str]
    session: GatewaySession | None = None
    heartbeats: int = 0
    received: list[JSON] = field(default_factory=list)
    close_code: int | None = None
    closed_by_server: bool = False
    _compressor: Any = None  # zlib compress object when the client asked for zlib-stream
    _send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        if self.query.get("compress") == "zlib-stream":
            self._compressor = zlib.compressobj()

    @property
    def compression(self) -> str | None:
        return "zlib-stream" if self._compressor is not None else None

    @property
    def open(self) -> bool:
        return not self.ws.closed

    async def send(self, payload: JSON) -> None:
        text = json.dumps(payload, separators=(",", ":"))
        async with self._send_lock:
            if self.ws.closed:
                return
            with contextlib.suppress(ConnectionError, RuntimeError):
                if self._compressor is None:
                    await self.ws.send_str(text)
                else:
                    chunk = self._compressor.compress(text.encode()) + self._compressor.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(chunk)

    async def close(self, code: int) -> None:
        self.closed_by_server = True
        await self.ws.close(code=code)

    def abort(self) -> None:
        """Cut the TCP connection without a close frame, like a network outage."""
        self.closed_by_server = True
        if self.request.transport is not None:
            self.request.transport.abort()


class Gateway:
    def __init__(self, server: FakeDiscordServer) -> None:
        self._server = server
        self.heartbeat_interval_ms = 41_250
        self.ack_heartbeats = True
        self.down = False
        self.allowed_privileged_intents = PRIVILEGED_INTENTS
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: list[GatewayConnection] = []
        self.identifies: list[JSON] = []
        self.resumes: list[JSON] = []
        self.presence_updates: list[JSON] = []
        self.member_requests: list[JSON] = []
        self.unknown_ops: list[JSON] = []
        self.refused_handshakes = 0

    # -- views ----------------------------------------------------------------------------------------------

    @property
    def open_connections(self) -> list[GatewayConnection]:
        return [conn for conn in self.connections if conn.open and conn.session is not None]

    @property
    def live_sessions(self) -> list[GatewaySession]:
        return [session for session in self.sessions.values() if not session.invalidated]

    @property
    def heartbeat_count(self) -> int:
        return sum(conn.heartbeats for conn in self.connections)

    # -- dispatch -------------------------------------------------------------------------------------------

    async def dispatch(self, event: str, data: SessionPayload, *, intent: int | None = None) -> int:
        """Send a DISPATCH to every live session (buffered for those momentarily disconnected, replayed on
        RESUME). ``data`` may be a function of the session returning None to skip it. Returns how many
        sessions got it."""
        count = 0
        for session in self.live_sessions:
            if not session.wants(intent):
                continue
            payload = data(session) if callable(data) else data
            if payload is None:
                continue
            await self._send_dispatch(session, event, payload)
            count += 1
        self._server.notify()
        return count

    async def _send_dispatch(self, session: GatewaySession, event: str, data: JSON) -> None:
        async with session.lock:
            session.seq += 1
            frame = {"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data}
            session.sent.append(frame)
            if session.connection is not None and session.connection.open:
                await session.connection.send(frame)

    # -- faults -------------------------------------------------------------------------------------------

    async def drop(self, *, code: int = 4000, abrupt: bool = False) -> int:
        """Close every open connection (sessions stay resumable). ``abrupt`` cuts TCP with no close frame."""
        dropped = 0
        for conn in list(self.connections):
            if not conn.open:
                continue
            dropped += 1
            if abrupt:
                conn.abort()
            else:
                await conn.close(code)
        return dropped

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT: the client closes and RESUMEs."""
        for conn in self.open_connections:
            await conn.send({"op": OP_RECONNECT, "d": None})

    async def invalidate_sessions(self, *, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION; unless resumable, forget the sessions so the client IDENTIFYs anew."""
        for session in self.live_sessions:
            if not resumable:
                session.invalidated = True
            if session.connection is not None and session.connection.open:
                await session.connection.send({"op": OP_INVALID_SESSION, "d": resumable})

    async def close_all(self, code: int = 1001) -> None:
        for conn in list(self.connections):
            if conn.open:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(conn.close(code), timeout=1.0)
                if conn.open:
                    conn.abort()

    # -- the WebSocket ------------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.down:
            self.refused_handshakes += 1
            self._server.notify()
            return self._server.error_response(503, 0, "503: Service Unavailable")
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        conn = GatewayConnection(ws=ws, request=request, path=request.path, query=dict(request.query))
        self.connections.append(conn)
        self._server.notify()
        try:
            await conn.send({"op": OP_HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    try:
                        frame = json.loads(message.data)
                    except ValueError:
                        await conn.close(CLOSE_DECODE_ERROR)
                        break
                    conn.received.append(frame)
                    await self._on_frame(conn, frame)
                elif message.type is WSMsgType.BINARY:
                    self.unknown_ops.append({"binary": bytes(message.data[:64]).hex()})
                    await conn.close(CLOSE_DECODE_ERROR)
                    break
        finally:
            conn.close_code = ws.close_code
            session = conn.session
            if session is not None and session.connection is conn:
                session.connection = None
                # Discord ends a session the client closes cleanly (1000/1001); other closes stay resumable.
                if ws.close_code in (1000, 1001) and not conn.closed_by_server:
                    session.invalidated = True
            self._server.notify()
        return ws

    async def _on_frame(self, conn: GatewayConnection, frame: JSON) -> None:
        op = frame.get("op")
        data = frame.get("d")
        if op == OP_HEARTBEAT:
            conn.heartbeats += 1
            if self.ack_heartbeats:
                await conn.send({"op": OP_HEARTBEAT_ACK})
        elif op == OP_IDENTIFY:
            await self._identify(conn, data or {})
        elif op == OP_RESUME:
            await self._resume(conn, data or {})
        elif conn.session is None:
            await conn.close(CLOSE_NOT_AUTHENTICATED)
        elif op == OP_PRESENCE_UPDATE:
            self.presence_updates.append(data or {})
        elif op == OP_VOICE_STATE_UPDATE:
            self.unknown_ops.append(frame)
        elif op == OP_REQUEST_GUILD_MEMBERS:
            await self._request_members(conn, data or {})
        else:
            self.unknown_ops.append(frame)
            await conn.close(CLOSE_UNKNOWN_OPCODE)
        self._server.notify()

    async def _identify(self, conn: GatewayConnection, data: JSON) -> None:
        self.identifies.append(data)
        if data.get("token") != self._server.token:
            await conn.close(CLOSE_AUTHENTICATION_FAILED)
            return
        intents = int(data.get("intents", 0))
        if intents & PRIVILEGED_INTENTS & ~self.allowed_privileged_intents:
            await conn.close(CLOSE_DISALLOWED_INTENTS)
            return
        shard = data.get("shard")
        session = GatewaySession(id=secrets.token_hex(16), intents=intents, shard=shard, connection=conn)
        self.sessions[session.id] = session
        conn.session = session
        server = self._server
        ready: JSON = {
            "v": 10,
            "user": {**server.bot_user.payload(), "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(guild.id), "unavailable": True} for guild in server.guilds.values()],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": server.resume_gateway_url,
            "application": {"id": str(server.application_id), "flags": server.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "geo_ordered_rtc_regions": [],
            "_trace": ["fake-discord"],
        }
        if shard is not None:
            ready["shard"] = shard
        await self._send_dispatch(session, "READY", ready)
        for guild in server.guilds.values():
            await self._send_dispatch(session, "GUILD_CREATE", guild.payload())

    async def _resume(self, conn: GatewayConnection, data: JSON) -> None:
        self.resumes.append(data)
        session = self.sessions.get(str(data.get("session_id")))
        if data.get("token") != self._server.token:
            await conn.close(CLOSE_AUTHENTICATION_FAILED)
            return
        if session is None or session.invalidated:
            await conn.send({"op": OP_INVALID_SESSION, "d": False})
            return
        last_seq = int(data.get("seq") or 0)
        async with session.lock:
            previous = session.connection
            session.connection = conn
            conn.session = session
            if previous is not None and previous is not conn and previous.open:
                previous.abort()
            for frame in session.sent:
                if frame["s"] > last_seq:
                    await conn.send(frame)
        await self._send_dispatch(session, "RESUMED", {"_trace": ["fake-discord"]})

    async def _request_members(self, conn: GatewayConnection, data: JSON) -> None:
        self.member_requests.append(data)
        guild = self._server.guilds.get(int(data.get("guild_id", 0)))
        if guild is None or conn.session is None:
            return
        wanted = {int(user_id) for user_id in data.get("user_ids") or []}
        query = str(data.get("query") or "").lower()
        members = [
            member.payload() for member in guild.members.values()
            if (not wanted or member.user.id in wanted) and member.user.username.lower().startswith(query)
        ]
        chunk: JSON = {"guild_id": str(guild.id), "members": members, "chunk_index": 0, "chunk_count": 1}
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await self._send_dispatch(conn.session, "GUILD_MEMBERS_CHUNK", chunk)
