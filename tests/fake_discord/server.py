"""A Discord-compatible HTTP + WebSocket server for tests, driven by the real discord.py client.

    async with FakeDiscordServer() as server, running_client(discord.Client(...), server) as client:
        ...

REST lives under ``server.base_url`` (``http://127.0.0.1:PORT/api/v10``), the gateway at ``server.gateway_url``.
Routes are named by discord.py's ``Route.key`` ("POST /channels/{channel_id}/messages"); fault injection and
the per-route request counts use the same names. A request to any other route gets 404 with a JSON error
and is recorded in ``server.unknown_routes``; a crash of a handler answers 400 (not 5xx, which discord.py
would retry for 25 s) and is recorded in ``server.errors``. ``server.assert_clean()`` checks both.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import mimetypes
import secrets
import socket
import time
import traceback
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, Self

from aiohttp import BodyPartReader, web

from tests.fake_discord.gateway import Gateway, GatewaySession
from tests.fake_discord.models import (
    EVERYONE_PERMISSIONS,
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    INTENT_GUILD_MESSAGES,
    INTENT_MESSAGE_CONTENT,
    JSON,
    FakeChannel,
    FakeGuild,
    FakeInteraction,
    FakeMember,
    FakeRole,
    FakeUser,
    Fault,
    InteractionCallback,
    MessageEdit,
    RecordedRequest,
    SnowflakeFactory,
    StoredAttachment,
    StoredMessage,
    UploadedFile,
    utcnow,
)
from tests.fake_discord.validation import InvalidFormBody, validate_message

API_PREFIX = "/api/v10"
GATEWAY_PATH = "/gateway"
RESUME_GATEWAY_PATH = "/gateway-resume"
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
INTERACTION_TOKEN_LIFETIME = 15 * 60.0
# Interaction callback types that create the "original response" message.
CALLBACK_MESSAGE = 4
CALLBACK_DEFERRED_MESSAGE = 5
CALLBACK_DEFERRED_UPDATE = 6
CALLBACK_UPDATE_MESSAGE = 7
# Application command option types whose value is a snowflake with "resolved" data.
OPTION_USER, OPTION_CHANNEL, OPTION_ROLE = 6, 7, 8


class ApiError(Exception):
    """Raised by a handler to answer a Discord JSON error (e.g. 404 code 10008 "Unknown Message")."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass
class RestCall:
    """One REST request, parsed: path parameters, query, JSON body (or multipart payload_json) and files."""

    request: web.Request
    route: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[UploadedFile] = field(default_factory=list)

    def int_param(self, name: str) -> int:
        try:
            return int(self.params[name])
        except ValueError:
            raise ApiError(404, 0, f"404: Not Found ({name}={self.params[name]!r})") from None

    @property
    def body(self) -> JSON:
        return self.json if isinstance(self.json, dict) else {}


Handler = Callable[[RestCall], Awaitable[web.StreamResponse]]


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """discord.py only decodes JSON when Content-Type is exactly ``application/json`` (no charset), which is
    what aiohttp's ``json_response`` would add; so the body is bytes and the header set by hand."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", "Via": "1.1 google", **(headers or {})},
    )


def no_content() -> web.Response:
    return web.Response(status=204, headers={"Via": "1.1 google"})


class FakeDiscordServer:
    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        guild_name: str = "SiteWatch Test",
        channel_name: str = "alerts",
        heartbeat_interval_ms: int = 41_250,
        nonce_window: float = 300.0,
        interaction_timeout: float | None = 3.0,
        dispatch_message_events: bool = True,
    ) -> None:
        self.snowflake = SnowflakeFactory()
        self.token = token
        self.nonce_window = nonce_window
        self.interaction_timeout = interaction_timeout
        self.dispatch_message_events = dispatch_message_events
        self.application_id = self.snowflake()
        self.application_flags = (1 << 13) | (1 << 15) | (1 << 19)  # the three *_LIMITED intent flags
        self.bot_user = FakeUser(id=self.application_id, username="SiteWatch", bot=True)
        self.owner = FakeUser(id=self.snowflake(), username="tester", global_name="Tester")
        self.guilds: dict[int, FakeGuild] = {}
        self.guild = self._make_guild(guild_name, channel_name)
        self.guilds[self.guild.id] = self.guild
        self.channel = next(iter(self.guild.channels.values()))

        self.messages: dict[int, StoredMessage] = {}
        self.commands: dict[int | None, list[JSON]] = {}  # guild id (None: global) -> registered commands
        self.interactions: dict[int, FakeInteraction] = {}
        self.requests: list[RecordedRequest] = []
        self.request_counts: Counter[str] = Counter()
        self.unknown_routes: list[RecordedRequest] = []
        self.errors: list[str] = []
        self.faults: list[Fault] = []
        self.rest_down = False
        self.stopping = False
        self.gateway = Gateway(self)
        self.gateway.heartbeat_interval_ms = heartbeat_interval_ms

        self._nonces: dict[tuple[int, int, str], StoredMessage] = {}
        self._interaction_times: dict[int, float] = {}
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # -- lifecycle ----------------------------------------------------------------------------------------

    async def start(self) -> Self:
        app = web.Application(client_max_size=4 * ATTACHMENT_SIZE_LIMIT)
        for method, template, handler, auth in self._routes():
            app.router.add_route(method, API_PREFIX + template, self._wrap(method, template, handler, auth))
        app.router.add_get(GATEWAY_PATH, self.gateway.handle)
        app.router.add_get(RESUME_GATEWAY_PATH, self.gateway.handle)
        app.router.add_route("*", "/{tail:.*}", self._unknown_route)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self

    async def stop(self) -> None:
        self.stopping = True
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeDiscordServer is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """What ``discord.http.Route.BASE`` must be."""
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """What ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` must be (discord.py adds the query)."""
        return f"ws://127.0.0.1:{self.port}{GATEWAY_PATH}"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{RESUME_GATEWAY_PATH}"

    # -- waiting --------------------------------------------------------------------------------------------

    def notify(self) -> None:
        """Wake ``wait_until`` waiters; called after every request and gateway frame."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0, what: str = "") -> None:
        """Wait until ``predicate()`` holds; it is rechecked on every server event and every 50 ms."""
        deadline = time.monotonic() + timeout
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"fake discord: timed out after {timeout}s waiting for {what or predicate}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(left, 0.05))

    # -- fault injection ----------------------------------------------------------------------------------

    def fail_next(
        self, route: str | None = None, *, count: int | None = 1, status: int = 500, after_processing: bool = False
    ) -> Fault:
        """Answer the next ``count`` requests on ``route`` (a Route.key; None: any REST route) with ``status``.
        ``count=None``: until ``clear_faults``. discord.py retries 500/502/504/524 after 1, 3, 5, 7 s."""
        fault = Fault(status=status, route=route, remaining=count, after_processing=after_processing)
        self.faults.append(fault)
        return fault

    def rate_limit_next(
        self, route: str | None = None, *, count: int | None = 1, retry_after: float = 0.05, is_global: bool = False
    ) -> Fault:
        """Answer 429 with Retry-After and JSON retry_after (discord.py sleeps that long, then retries)."""
        fault = Fault(status=429, route=route, remaining=count, retry_after=retry_after, global_rate_limit=is_global)
        self.faults.append(fault)
        return fault

    def set_down(self, down: bool = True) -> None:
        """While down, every REST request answers 503 (discord.py raises DiscordServerError at once)."""
        self.rest_down = down

    def set_gateway_down(self, down: bool = True) -> None:
        """While down, WebSocket handshakes are refused with 503 (existing connections stay; drop them with
        ``drop_gateway``). discord.py keeps retrying with exponential backoff."""
        self.gateway.down = down

    def clear_faults(self) -> None:
        self.faults.clear()
        self.rest_down = False
        self.gateway.down = False

    def _take_fault(self, route: str) -> Fault | None:
        for fault in self.faults:
            if fault.matches(route) and (fault.remaining is None or fault.remaining > 0):
                fault.hits += 1
                if fault.remaining is not None:
                    fault.remaining -= 1
                return fault
        return None

    def _fault_response(self, fault: Fault) -> web.Response:
        if fault.status != 429:
            return self.error_response(fault.status, 0, f"{fault.status}: {HTTPStatus(fault.status).phrase}")
        body = {
            "message": "You are being rate limited.",
            "retry_after": fault.retry_after,
            "global": fault.global_rate_limit,
            "code": 0,
        }
        headers = {
            "Retry-After": f"{fault.retry_after:g}",
            "X-RateLimit-Scope": "global" if fault.global_rate_limit else "user",
        }
        if fault.global_rate_limit:
            headers["X-RateLimit-Global"] = "true"
        return json_response(body, status=429, headers=headers)

    def error_response(self, status: int, code: int, message: str, errors: JSON | None = None) -> web.Response:
        body: JSON = {"message": message, "code": code}
        if errors:
            body["errors"] = errors
        return json_response(body, status=status)

    # -- reading the recorded state ----------------------------------------------------------------------

    def messages_in(self, channel_id: int | None = None, *, include_deleted: bool = False) -> list[StoredMessage]:
        """Messages of a channel (default: the test channel), oldest first, ephemeral ones included."""
        wanted = self.channel.id if channel_id is None else channel_id
        return [
            message for message in self.messages.values()
            if message.channel_id == wanted and (include_deleted or not message.deleted)
        ]

    def count(self, route: str) -> int:
        """Requests received on a route (Route.key), faults included."""
        return self.request_counts[route]

    def interaction_responses(self) -> list[InteractionCallback]:
        return [callback for interaction in self.interactions.values() for callback in interaction.callbacks]

    def assert_clean(self) -> None:
        """Fail if the client hit an unknown route or opcode, or a handler crashed."""
        problems = [f"unknown route: {r.method} {r.path}" for r in self.unknown_routes]
        problems += [f"unknown gateway op: {op}" for op in self.gateway.unknown_ops]
        problems += [f"handler error: {error}" for error in self.errors]
        if problems:
            raise AssertionError("fake discord saw problems:\n" + "\n".join(problems))

    # -- the world ------------------------------------------------------------------------------------------

    def _make_guild(self, name: str, channel_name: str) -> FakeGuild:
        guild_id = self.snowflake()
        guild = FakeGuild(id=guild_id, name=name, owner_id=self.owner.id)
        guild.roles[guild_id] = FakeRole(id=guild_id, name="@everyone", permissions=EVERYONE_PERMISSIONS, position=0)
        bot_role = FakeRole(id=self.snowflake(), name=self.bot_user.username, permissions=EVERYONE_PERMISSIONS,
                            position=1, managed=True, bot_id=self.bot_user.id)
        guild.roles[bot_role.id] = bot_role
        guild.members[self.owner.id] = FakeMember(user=self.owner, role_ids=[])
        guild.members[self.bot_user.id] = FakeMember(user=self.bot_user, role_ids=[bot_role.id])
        channel = FakeChannel(id=self.snowflake(), guild_id=guild_id, name=channel_name, position=0)
        guild.channels[channel.id] = channel
        return guild

    def add_member(self, username: str, *, permissions: int | None = None) -> FakeUser:
        """A guild member; with ``permissions``, it gets a role carrying them (on top of @everyone).
        Call before the client connects, or the client will not know the member."""
        user = FakeUser(id=self.snowflake(), username=username)
        role_ids: list[int] = []
        if permissions is not None:
            role = FakeRole(id=self.snowflake(), name=f"{username}-role", permissions=permissions,
                            position=len(self.guild.roles))
            self.guild.roles[role.id] = role
            role_ids.append(role.id)
        self.guild.members[user.id] = FakeMember(user=user, role_ids=role_ids)
        return user

    async def add_text_channel(self, name: str) -> FakeChannel:
        """A new text channel in the test guild, announced with CHANNEL_CREATE."""
        channel = FakeChannel(id=self.snowflake(), guild_id=self.guild.id, name=name,
                              position=len(self.guild.channels))
        self.guild.channels[channel.id] = channel
        await self.gateway.dispatch("CHANNEL_CREATE", channel.payload())
        return channel

    def _channel(self, channel_id: int) -> tuple[FakeGuild, FakeChannel]:
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild, guild.channels[channel_id]
        raise ApiError(404, 10003, "Unknown Channel")

    def _guild(self, guild_id: int) -> FakeGuild:
        try:
            return self.guilds[guild_id]
        except KeyError:
            raise ApiError(404, 10004, "Unknown Guild") from None

    # -- gateway shortcuts ----------------------------------------------------------------------------------

    async def dispatch(self, event: str, data: JSON, *, intent: int | None = None) -> int:
        """Send any DISPATCH event to the connected clients (see Gateway.dispatch)."""
        return await self.gateway.dispatch(event, data, intent=intent)

    async def drop_gateway(self, *, code: int = 4000, abrupt: bool = False) -> int:
        """Close the WebSocket connections (an outage); the client reconnects and RESUMEs."""
        return await self.gateway.drop(code=code, abrupt=abrupt)

    # -- interactions -------------------------------------------------------------------------------------

    def find_command(self, name: str, guild_id: int | None = None) -> JSON:
        for scope in (self.guild.id if guild_id is None else guild_id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name:
                    return command
        known = [command["name"] for commands in self.commands.values() for command in commands]
        raise LookupError(f"no application command {name!r} registered (registered: {known})")

    async def dispatch_slash_command(
        self,
        name: str,
        options: dict[str, Any] | list[JSON] | None = None,
        *,
        user: FakeUser | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """INTERACTION_CREATE for a registered chat-input command. ``options`` as {name: value} (typed from
        the registered schema; users/channels/roles by id get ``resolved`` data) or as raw option dicts."""
        command = self.find_command(name)
        option_list, resolved = self._options(command, options)
        data: JSON = {"id": command["id"], "name": name, "type": command.get("type", 1), "options": option_list}
        if resolved:
            data["resolved"] = resolved
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return await self._dispatch_interaction(2, data, user=user, channel_id=channel_id, locale=locale)

    async def dispatch_autocomplete(
        self, name: str, options: dict[str, Any], focused: str, *, user: FakeUser | None = None
    ) -> FakeInteraction:
        """INTERACTION_CREATE type 4 (autocomplete) with ``focused`` the option being typed."""
        command = self.find_command(name)
        option_list, _ = self._options(command, options)
        for option in option_list:
            if option["name"] == focused:
                option["focused"] = True
        data: JSON = {"id": command["id"], "name": name, "type": 1, "options": option_list}
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return await self._dispatch_interaction(4, data, user=user)

    async def dispatch_component(
        self, message_id: int, custom_id: str, *, component_type: int = 2, values: list[str] | None = None,
        user: FakeUser | None = None,
    ) -> FakeInteraction:
        """INTERACTION_CREATE type 3: a click on a button (2) or a select menu choice (3, with values)."""
        message = self.messages[message_id]
        data: JSON = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        return await self._dispatch_interaction(3, data, user=user, channel_id=message.channel_id,
                                                message=message)

    async def wait_for_response(self, interaction: FakeInteraction, timeout: float = 5.0) -> InteractionCallback:
        await self.wait_until(lambda: interaction.responded, timeout, f"a response to interaction {interaction.id}")
        assert interaction.response is not None
        return interaction.response

    def _options(self, command: JSON, options: dict[str, Any] | list[JSON] | None) -> tuple[list[JSON], JSON]:
        if options is None:
            return [], {}
        if isinstance(options, list):
            return options, {}
        declared = {option["name"]: option for option in command.get("options", [])}
        result: list[JSON] = []
        resolved: JSON = {}
        for name, value in options.items():
            if name in declared:
                kind = int(declared[name]["type"])
            elif isinstance(value, bool):
                kind = 5
            elif isinstance(value, int):
                kind = 4
            elif isinstance(value, float):
                kind = 10
            else:
                kind = 3
            if kind in (OPTION_USER, OPTION_CHANNEL, OPTION_ROLE):
                self._resolve(kind, int(value), resolved)
                value = str(value)
            result.append({"name": name, "type": kind, "value": value})
        return result, resolved

    def _resolve(self, kind: int, target: int, resolved: JSON) -> None:
        if kind == OPTION_USER:
            member = self.guild.members[target]
            resolved.setdefault("users", {})[str(target)] = member.user.payload()
            member_data = member.payload(permissions=self.guild.permissions_for(target))
            del member_data["user"]
            resolved.setdefault("members", {})[str(target)] = member_data
        elif kind == OPTION_CHANNEL:
            channel_data = {**self.guild.channels[target].payload(), "permissions": str(self.guild.permissions_for(
                self.bot_user.id))}
            resolved.setdefault("channels", {})[str(target)] = channel_data
        else:
            resolved.setdefault("roles", {})[str(target)] = self.guild.roles[target].payload()

    async def _dispatch_interaction(
        self, kind: int, data: JSON, *, user: FakeUser | None, channel_id: int | None = None,
        locale: str = "en-US", message: StoredMessage | None = None,
    ) -> FakeInteraction:
        guild = self.guild
        user = user or self.owner
        channel = guild.channels[self.channel.id if channel_id is None else channel_id]
        interaction = FakeInteraction(id=self.snowflake(), token=f"aW50ZXJhY3Rpb24{secrets.token_urlsafe(48)}",
                                      type=kind, payload={}, channel_id=channel.id, guild_id=guild.id, user=user)
        bot_permissions = guild.permissions_for(self.bot_user.id)
        user_permissions = guild.permissions_for(user.id)
        payload: JSON = {
            "id": str(interaction.id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "guild_id": str(guild.id),
            "guild": guild.partial_payload(),
            "channel_id": str(channel.id),
            "channel": {**channel.payload(), "permissions": str(user_permissions)},
            "member": guild.members[user.id].payload(permissions=user_permissions),
            "token": interaction.token,
            "version": 1,
            "app_permissions": str(bot_permissions),
            "locale": locale,
            "guild_locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if message is not None:
            payload["message"] = message.payload()
        interaction.payload = payload
        self.interactions[interaction.id] = interaction
        self._interaction_times[interaction.id] = time.monotonic()
        if await self.gateway.dispatch("INTERACTION_CREATE", payload) == 0:
            raise RuntimeError("fake discord: no gateway session to deliver the interaction to")
        return interaction

    # -- messages -------------------------------------------------------------------------------------------

    async def post_user_message(
        self, content: str, *, user: FakeUser | None = None, channel_id: int | None = None
    ) -> StoredMessage:
        """A message from a human in the guild, dispatched as MESSAGE_CREATE. As on Discord, sessions without
        the MESSAGE_CONTENT intent get empty content unless the bot is mentioned."""
        guild, channel = self._channel(self.channel.id if channel_id is None else channel_id)
        author = user or self.owner
        return await self._store_message(guild, channel, author, {"content": content}, [])

    async def _store_message(
        self, guild: FakeGuild, channel: FakeChannel, author: FakeUser, body: JSON, files: list[UploadedFile],
        *, webhook_id: int | None = None, interaction_id: int | None = None, extra_flags: int = 0,
    ) -> StoredMessage:
        validate_message(body, has_files=bool(files), creating=True)
        message = StoredMessage(
            id=self.snowflake(),
            channel_id=channel.id,
            guild_id=guild.id,
            author=author,
            content=str(body.get("content") or ""),
            embeds=list(body.get("embeds") or []),
            allowed_mentions=body.get("allowed_mentions"),
            nonce=None if body.get("nonce") is None else str(body["nonce"]),
            enforce_nonce=bool(body.get("enforce_nonce")),
            tts=bool(body.get("tts")),
            flags=(int(body.get("flags") or 0) & ~FLAG_LOADING) | extra_flags,
            components=list(body.get("components") or []),
            message_reference=body.get("message_reference"),
            webhook_id=webhook_id,
            interaction_id=interaction_id,
            request_payload=body,
        )
        message.attachments = self._attachments(channel.id, body, files, [])
        self.messages[message.id] = message
        if not message.ephemeral:
            channel.last_message_id = message.id
            await self._dispatch_message("MESSAGE_CREATE", message)
        return message

    def _attachments(
        self, channel_id: int, body: JSON, files: list[UploadedFile], existing: list[StoredAttachment]
    ) -> list[StoredAttachment]:
        """New uploads (``files[n]`` described by ``attachments[i].id == n``) plus the kept existing ones."""
        if sum(len(upload.data) for upload in files) > ATTACHMENT_SIZE_LIMIT:
            raise ApiError(413, 40005, "Request entity too large")
        uploads = {index: upload for index, upload in enumerate(files)}
        by_id = {attachment.id: attachment for attachment in existing}
        described = body.get("attachments")
        if described is None:
            described = [{"id": index} for index in uploads]
        result: list[StoredAttachment] = []
        for item in described:
            item_id = int(item["id"])
            if item_id in by_id:
                result.append(by_id[item_id])
            elif item_id in uploads:
                upload = uploads[item_id]
                filename = str(item.get("filename") or upload.filename)
                result.append(StoredAttachment(
                    id=self.snowflake(), channel_id=channel_id, filename=filename, data=upload.data,
                    content_type=mimetypes.guess_type(filename)[0] or upload.content_type,
                    description=item.get("description"),
                ))
            else:
                raise InvalidFormBody({"attachments": {"_errors": [
                    {"code": "ATTACHMENT_NOT_FOUND", "message": f"Unknown attachment id {item_id}"}]}})
        return result

    def _edit_message(self, message: StoredMessage, body: JSON, files: list[UploadedFile]) -> None:
        validate_message(body, has_files=bool(files), creating=False)
        message.edits.append(MessageEdit(at=utcnow(), payload=body, before_content=message.content,
                                         before_embeds=message.embeds))
        if "content" in body:
            message.content = str(body["content"] or "")
        if "embeds" in body:
            message.embeds = list(body["embeds"] or [])
        if "allowed_mentions" in body:
            message.allowed_mentions = body["allowed_mentions"]
        if "components" in body:
            message.components = list(body["components"] or [])
        if "attachments" in body or files:
            message.attachments = self._attachments(message.channel_id, body, files, message.attachments)
        message.flags &= ~FLAG_LOADING
        message.edited_at = utcnow()

    async def _dispatch_message(self, event: str, message: StoredMessage) -> None:
        if not self.dispatch_message_events or message.ephemeral:
            return
        guild = self.guilds[message.guild_id] if message.guild_id is not None else None

        def payload_for(session: GatewaySession) -> JSON:
            data = message.payload()
            if guild is not None and message.webhook_id is None:
                member = guild.members[message.author.id].payload()
                del member["user"]
                data["member"] = member
            sees_content = (
                session.intents & INTENT_MESSAGE_CONTENT
                or message.author.id == self.bot_user.id
                or self.bot_user.mention() in message.content
            )
            if not sees_content:
                data.update(content="", embeds=[], attachments=[], components=[])
            return data

        await self.gateway.dispatch(event, payload_for, intent=INTENT_GUILD_MESSAGES)

    def _visible_messages(self, channel_id: int) -> list[StoredMessage]:
        return [message for message in self.messages_in(channel_id) if not message.ephemeral]

    # -- REST plumbing ------------------------------------------------------------------------------------

    def _wrap(
        self, method: str, template: str, handler: Handler, auth: bool
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        route = f"{method} {template}"

        async def serve(request: web.Request) -> web.StreamResponse:
            return await self._serve(request, route, handler, auth)

        return serve

    async def _serve(self, request: web.Request, route: str, handler: Handler, auth: bool) -> web.StreamResponse:
        body, files = await self._read_body(request)
        record = RecordedRequest(method=request.method, path=request.path, route=route, query=dict(request.query),
                                 body=body if not files else {"payload": body, "files": [f.filename for f in files]})
        self.requests.append(record)
        self.request_counts[route] += 1
        call = RestCall(request=request, route=route, params=dict(request.match_info), query=dict(request.query),
                        json=body, files=files)
        response = await self._answer(call, handler, auth)
        record.status = response.status
        self.notify()
        return response

    async def _answer(self, call: RestCall, handler: Handler, auth: bool) -> web.StreamResponse:
        if self.rest_down:
            return self.error_response(503, 0, "503: Service Unavailable")
        fault = self._take_fault(call.route)
        if fault is not None and not fault.after_processing:
            return self._fault_response(fault)
        if auth and call.request.headers.get("Authorization") != f"Bot {self.token}":
            return self.error_response(401, 0, "401: Unauthorized")
        try:
            response = await handler(call)
        except ApiError as error:
            response = self.error_response(error.status, error.code, error.message)
        except InvalidFormBody as error:
            response = json_response(error.body(), status=400)
        except Exception as error:
            self.errors.append(f"{call.route}: {traceback.format_exc()}")
            response = self.error_response(400, 0, f"fake discord handler crashed: {error!r}")
        if fault is not None:
            return self._fault_response(fault)
        return response

    async def _read_body(self, request: web.Request) -> tuple[Any, list[UploadedFile]]:
        if not request.can_read_body:
            return None, []
        if request.content_type == "multipart/form-data":
            payload: Any = None
            files: list[UploadedFile] = []
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader):
                    continue
                data = await part.read(decode=False)
                if part.name == "payload_json":
                    payload = json.loads(data)
                else:
                    files.append(UploadedFile(field=part.name or "", filename=part.filename or "",
                                              data=bytes(data), content_type=part.headers.get("Content-Type")))
            return payload, files
        raw = await request.read()
        if not raw:
            return None, []
        try:
            return json.loads(raw), []
        except ValueError:
            return raw.decode(errors="replace"), []

    async def _unknown_route(self, request: web.Request) -> web.Response:
        body, _ = await self._read_body(request)
        record = RecordedRequest(method=request.method, path=request.path, route=None, query=dict(request.query),
                                 body=body, status=404)
        self.requests.append(record)
        self.unknown_routes.append(record)
        self.notify()
        return self.error_response(404, 0, f"fake discord: no route for {request.method} {request.path}")

    def _routes(self) -> Iterable[tuple[str, str, Handler, bool]]:
        return [
            ("GET", "/gateway", self._get_gateway, False),
            ("GET", "/gateway/bot", self._get_gateway_bot, True),
            ("GET", "/users/@me", self._get_me, True),
            ("GET", "/users/{user_id}", self._get_user, True),
            ("GET", "/oauth2/applications/@me", self._get_application, True),
            ("GET", "/applications/@me", self._get_application, True),
            ("GET", "/guilds/{guild_id}", self._get_guild, True),
            ("GET", "/guilds/{guild_id}/channels", self._get_guild_channels, True),
            ("GET", "/guilds/{guild_id}/roles", self._get_guild_roles, True),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member, True),
            ("GET", "/channels/{channel_id}", self._get_channel, True),
            ("POST", "/channels/{channel_id}/typing", self._typing, True),
            ("GET", "/channels/{channel_id}/messages", self._list_messages, True),
            ("POST", "/channels/{channel_id}/messages", self._create_message, True),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message, True),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._patch_message, True),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message, True),
            ("GET", "/applications/{application_id}/commands", self._list_commands, True),
            ("PUT", "/applications/{application_id}/commands", self._put_commands, True),
            ("POST", "/applications/{application_id}/commands", self._post_command, True),
            ("GET", "/applications/{application_id}/commands/{command_id}", self._get_command, True),
            ("DELETE", "/applications/{application_id}/commands/{command_id}", self._delete_command, True),
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", self._list_commands, True),
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self._put_commands, True),
            ("POST", "/applications/{application_id}/guilds/{guild_id}/commands", self._post_command, True),
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}", self._get_command, True),
            ("DELETE", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}",
             self._delete_command, True),
            ("POST", "/interactions/{webhook_id}/{webhook_token}/callback", self._interaction_callback, False),
            ("POST", "/webhooks/{webhook_id}/{webhook_token}", self._followup, False),
            ("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/@original", self._get_webhook_message, False),
            ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original", self._patch_webhook_message, False),
            ("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/@original", self._delete_webhook_message,
             False),
            ("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", self._get_webhook_message, False),
            ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", self._patch_webhook_message,
             False),
            ("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", self._delete_webhook_message,
             False),
        ]

    # -- REST handlers: identity ------------------------------------------------------------------------

    async def _get_gateway(self, call: RestCall) -> web.Response:
        return json_response({"url": self.gateway_url})

    async def _get_gateway_bot(self, call: RestCall) -> web.Response:
        return json_response({
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1},
        })

    async def _get_me(self, call: RestCall) -> web.Response:
        return json_response({**self.bot_user.payload(), "verified": True, "mfa_enabled": False, "email": None})

    async def _get_user(self, call: RestCall) -> web.Response:
        user_id = call.int_param("user_id")
        for member in self.guild.members.values():
            if member.user.id == user_id:
                return json_response(member.user.payload())
        raise ApiError(404, 10013, "Unknown User")

    async def _get_application(self, call: RestCall) -> web.Response:
        return json_response({
            "id": str(self.application_id),
            "name": self.bot_user.username,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": self.application_flags,
            "owner": self.owner.payload(),
            "team": None,
            "bot": self.bot_user.payload(),
            "rpc_origins": [],
            "interactions_endpoint_url": None,
            "approximate_guild_count": len(self.guilds),
            "redirect_uris": [],
            "tags": [],
        })

    # -- REST handlers: guild and channels --------------------------------------------------------------

    async def _get_guild(self, call: RestCall) -> web.Response:
        data = self._guild(call.int_param("guild_id")).payload()
        for key in ("channels", "members", "threads", "presences", "voice_states", "joined_at", "member_count"):
            data.pop(key, None)
        return json_response(data)

    async def _get_guild_channels(self, call: RestCall) -> web.Response:
        guild = self._guild(call.int_param("guild_id"))
        return json_response([channel.payload() for channel in guild.channels.values()])

    async def _get_guild_roles(self, call: RestCall) -> web.Response:
        guild = self._guild(call.int_param("guild_id"))
        return json_response([role.payload() for role in guild.roles.values()])

    async def _get_member(self, call: RestCall) -> web.Response:
        guild = self._guild(call.int_param("guild_id"))
        member = guild.members.get(call.int_param("user_id"))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return json_response(member.payload())

    async def _get_channel(self, call: RestCall) -> web.Response:
        _, channel = self._channel(call.int_param("channel_id"))
        return json_response(channel.payload())

    async def _typing(self, call: RestCall) -> web.Response:
        self._channel(call.int_param("channel_id"))
        return no_content()

    # -- REST handlers: messages ------------------------------------------------------------------------

    async def _list_messages(self, call: RestCall) -> web.Response:
        _, channel = self._channel(call.int_param("channel_id"))
        limit = max(1, min(100, int(call.query.get("limit", 50))))
        newest_first = sorted(self._visible_messages(channel.id), key=lambda message: message.id, reverse=True)
        if "before" in call.query:
            newest_first = [m for m in newest_first if m.id < int(call.query["before"])]
        if "after" in call.query:
            newest_first = [m for m in newest_first if m.id > int(call.query["after"])][-limit:]
        if "around" in call.query:
            around = int(call.query["around"])
            older = [m for m in newest_first if m.id <= around][: (limit + 1) // 2]
            newer = [m for m in newest_first if m.id > around][-(limit // 2):] if limit > 1 else []
            newest_first = newer + older
        return json_response([message.payload() for message in newest_first[:limit]])

    async def _create_message(self, call: RestCall) -> web.Response:
        guild, channel = self._channel(call.int_param("channel_id"))
        body = call.body
        nonce = body.get("nonce")
        key = (channel.id, self.bot_user.id, str(nonce))
        earlier = self._nonces.get(key) if nonce is not None else None
        if earlier is not None and (utcnow() - earlier.created_at).total_seconds() >= self.nonce_window:
            earlier = None
        if earlier is not None and body.get("enforce_nonce"):
            # Discord: same author, same nonce, within a few minutes -> the original, nothing created.
            if earlier.deleted:
                raise ApiError(404, 10008, "Unknown Message")
            return json_response(earlier.payload())
        message = await self._store_message(guild, channel, self.bot_user, body, call.files)
        if nonce is not None and earlier is None:
            self._nonces[key] = message
        return json_response(message.payload())

    def _message(self, channel_id: int, message_id: int) -> StoredMessage:
        message = self.messages.get(message_id)
        if message is None or message.deleted or message.channel_id != channel_id:
            raise ApiError(404, 10008, "Unknown Message")
        return message

    async def _get_message(self, call: RestCall) -> web.Response:
        _, channel = self._channel(call.int_param("channel_id"))
        return json_response(self._message(channel.id, call.int_param("message_id")).payload())

    async def _patch_message(self, call: RestCall) -> web.Response:
        _, channel = self._channel(call.int_param("channel_id"))
        message = self._message(channel.id, call.int_param("message_id"))
        if message.author.id != self.bot_user.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self._edit_message(message, call.body, call.files)
        await self._dispatch_message("MESSAGE_UPDATE", message)
        return json_response(message.payload())

    async def _delete_message(self, call: RestCall) -> web.Response:
        _, channel = self._channel(call.int_param("channel_id"))
        message = self._message(channel.id, call.int_param("message_id"))
        await self._delete(message)
        return no_content()

    async def _delete(self, message: StoredMessage) -> None:
        message.deleted = True
        if self.dispatch_message_events and not message.ephemeral:
            data = {"id": str(message.id), "channel_id": str(message.channel_id), "guild_id": str(message.guild_id)}
            await self.gateway.dispatch("MESSAGE_DELETE", data, intent=INTENT_GUILD_MESSAGES)

    # -- REST handlers: application commands --------------------------------------------------------------

    def _command_scope(self, call: RestCall) -> int | None:
        if call.int_param("application_id") != self.application_id:
            raise ApiError(403, 50001, "Missing Access")
        if "guild_id" not in call.params:
            return None
        return self._guild(call.int_param("guild_id")).id

    def _normalise_command(self, data: JSON, scope: int | None, existing: list[JSON]) -> JSON:
        kind = int(data.get("type", 1))
        name = str(data.get("name", ""))
        description = str(data.get("description", ""))
        errors: JSON = {}
        if not 1 <= len(name) <= 32 or (kind == 1 and name != name.lower()):
            errors["name"] = {"_errors": [{"code": "APPLICATION_COMMAND_INVALID_NAME", "message": "Invalid name"}]}
        if kind == 1 and not 1 <= len(description) <= 100:
            errors["description"] = {"_errors": [{"code": "BASE_TYPE_BAD_LENGTH",
                                                  "message": "Must be between 1 and 100 in length."}]}
        if errors:
            raise InvalidFormBody(errors)
        previous = next((c for c in existing if c["name"] == name and c["type"] == kind), None)
        command: JSON = {
            "id": previous["id"] if previous else str(self.snowflake()),
            "application_id": str(self.application_id),
            "version": str(self.snowflake()),
            "type": kind,
            "name": name,
            "name_localizations": data.get("name_localizations"),
            "description": description,
            "description_localizations": data.get("description_localizations"),
            "options": data.get("options") or [],
            "default_member_permissions": data.get("default_member_permissions"),
            "nsfw": bool(data.get("nsfw", False)),
            "contexts": data.get("contexts"),
            "integration_types": data.get("integration_types") or [0],
        }
        if scope is None:
            command["dm_permission"] = data.get("dm_permission", True)
        else:
            command["guild_id"] = str(scope)
        return command

    async def _list_commands(self, call: RestCall) -> web.Response:
        return json_response(self.commands.get(self._command_scope(call), []))

    async def _put_commands(self, call: RestCall) -> web.Response:
        scope = self._command_scope(call)
        existing = self.commands.get(scope, [])
        incoming = call.json if isinstance(call.json, list) else []
        names = [(int(c.get("type", 1)), c.get("name")) for c in incoming]
        if len(names) != len(set(names)):
            raise InvalidFormBody({"_errors": [{"code": "APPLICATION_COMMANDS_DUPLICATE_NAME",
                                                "message": "Application command names must be unique"}]})
        self.commands[scope] = [self._normalise_command(data, scope, existing) for data in incoming]
        return json_response(self.commands[scope])

    async def _post_command(self, call: RestCall) -> web.Response:
        scope = self._command_scope(call)
        existing = self.commands.setdefault(scope, [])
        command = self._normalise_command(call.body, scope, existing)
        existing[:] = [c for c in existing if c["id"] != command["id"]] + [command]
        return json_response(command, status=201)

    def _command(self, call: RestCall) -> tuple[list[JSON], JSON]:
        commands = self.commands.get(self._command_scope(call), [])
        for command in commands:
            if command["id"] == call.params["command_id"]:
                return commands, command
        raise ApiError(404, 10063, "Unknown application command")

    async def _get_command(self, call: RestCall) -> web.Response:
        return json_response(self._command(call)[1])

    async def _delete_command(self, call: RestCall) -> web.Response:
        commands, command = self._command(call)
        commands.remove(command)
        return no_content()

    # -- REST handlers: interaction responses -------------------------------------------------------------

    async def _interaction_callback(self, call: RestCall) -> web.Response:
        interaction = self.interactions.get(call.int_param("webhook_id"))
        if interaction is None or interaction.token != call.params["webhook_token"]:
            raise ApiError(404, 10062, "Unknown interaction")
        age = time.monotonic() - self._interaction_times[interaction.id]
        if self.interaction_timeout is not None and age > self.interaction_timeout and not interaction.responded:
            raise ApiError(404, 10062, "Unknown interaction")
        if interaction.responded:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        body = call.body
        kind = int(body.get("type", 0))
        data = body.get("data")
        interaction.callbacks.append(InteractionCallback(type=kind, data=data, files=call.files))
        message: StoredMessage | None = None
        guild, channel = self._channel(interaction.channel_id)
        flags = int((data or {}).get("flags") or 0)
        if kind == CALLBACK_MESSAGE:
            message = await self._store_message(guild, channel, self.bot_user, data or {}, call.files,
                                                webhook_id=self.application_id, interaction_id=interaction.id)
        elif kind == CALLBACK_DEFERRED_MESSAGE:
            message = StoredMessage(id=self.snowflake(), channel_id=channel.id, guild_id=guild.id,
                                    author=self.bot_user, flags=FLAG_LOADING | (flags & FLAG_EPHEMERAL),
                                    webhook_id=self.application_id, interaction_id=interaction.id)
            self.messages[message.id] = message
            await self._dispatch_message("MESSAGE_CREATE", message)
        elif kind == CALLBACK_UPDATE_MESSAGE and "message" in interaction.payload:
            message = self.messages[int(interaction.payload["message"]["id"])]
            self._edit_message(message, data or {}, call.files)
            await self._dispatch_message("MESSAGE_UPDATE", message)
        if message is not None and kind in (CALLBACK_MESSAGE, CALLBACK_DEFERRED_MESSAGE):
            interaction.original_message_id = message.id
        self.notify()
        if call.query.get("with_response") not in ("1", "true", "True"):
            return no_content()
        summary: JSON = {
            "id": str(interaction.id),
            "type": interaction.type,
            "response_message_loading": kind == CALLBACK_DEFERRED_MESSAGE,
            "response_message_ephemeral": bool(message is not None and message.ephemeral),
        }
        resource: JSON = {"type": kind}
        if message is not None and kind in (CALLBACK_MESSAGE, CALLBACK_DEFERRED_MESSAGE, CALLBACK_UPDATE_MESSAGE):
            summary["response_message_id"] = str(message.id)
            resource["message"] = message.payload()
        return json_response({"interaction": summary, "resource": resource})

    def _webhook_interaction(self, call: RestCall) -> FakeInteraction:
        token = call.params["webhook_token"]
        interaction = next((i for i in self.interactions.values() if i.token == token), None)
        if interaction is None or call.int_param("webhook_id") != self.application_id:
            raise ApiError(404, 10015, "Unknown Webhook")
        age = time.monotonic() - self._interaction_times[interaction.id]
        if not interaction.responded or age > INTERACTION_TOKEN_LIFETIME:
            raise ApiError(404, 10015, "Unknown Webhook")
        return interaction

    def _webhook_message(self, call: RestCall) -> tuple[FakeInteraction, StoredMessage]:
        interaction = self._webhook_interaction(call)
        raw_id = call.params.get("message_id", "@original")
        message_id = interaction.original_message_id if raw_id == "@original" else int(raw_id)
        allowed = {interaction.original_message_id, *interaction.followup_ids}
        message = self.messages.get(message_id) if message_id is not None else None
        if message is None or message.deleted or message_id not in allowed:
            raise ApiError(404, 10008, "Unknown Message")
        return interaction, message

    async def _followup(self, call: RestCall) -> web.Response:
        interaction = self._webhook_interaction(call)
        guild, channel = self._channel(interaction.channel_id)
        message = await self._store_message(guild, channel, self.bot_user, call.body, call.files,
                                            webhook_id=self.application_id, interaction_id=interaction.id)
        interaction.followup_ids.append(message.id)
        if call.query.get("wait") in ("1", "true", "True"):
            return json_response(message.payload())
        return no_content()

    async def _get_webhook_message(self, call: RestCall) -> web.Response:
        return json_response(self._webhook_message(call)[1].payload())

    async def _patch_webhook_message(self, call: RestCall) -> web.Response:
        _, message = self._webhook_message(call)
        self._edit_message(message, call.body, call.files)
        await self._dispatch_message("MESSAGE_UPDATE", message)
        return json_response(message.payload())

    async def _delete_webhook_message(self, call: RestCall) -> web.Response:
        _, message = self._webhook_message(call)
        await self._delete(message)
        return no_content()
