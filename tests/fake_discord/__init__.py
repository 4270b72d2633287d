"""A fake Discord (REST + gateway) on 127.0.0.1 for tests that drive the real discord.py client.

    async with FakeDiscordServer(heartbeat_interval_ms=200) as server:
        async with running_client(discord.Client(intents=..., guild_ready_timeout=0.1), server) as client:
            await client.get_channel(server.channel.id).send("hi")
            assert server.messages_in()[0].content == "hi"
        server.assert_clean()          # no unknown route / opcode, no handler crash

Pointing discord.py at it by hand: ``with configure_discord_py(server.base_url, server.gateway_url): ...``
(or keep the returned object and call ``.restore()``).

Faults (routes named by discord.py's ``Route.key``, e.g. "POST /channels/{channel_id}/messages"; None = any):
``fail_next(route, count=1, status=500, after_processing=False)``, ``rate_limit_next(route, retry_after=0.05,
is_global=False)``, ``set_down()`` / ``set_down(False)`` (all REST 503), ``set_gateway_down()``,
``drop_gateway(code=4000, abrupt=False)``, ``gateway.request_reconnect()``, ``gateway.invalidate_sessions()``,
``clear_faults()``; ``count(route)`` and ``requests`` tell what arrived.

State: ``messages`` (id -> StoredMessage) and ``messages_in(channel_id)``, ``commands`` (guild id or None ->
list), ``interactions`` (id -> FakeInteraction with ``callbacks``, ``original_message_id``, ``followup_ids``),
``unknown_routes``, ``errors``, ``gateway.identifies / resumes / connections / sessions``.

Driving the bot: ``dispatch_slash_command(name, {option: value})``, ``dispatch_autocomplete(...)``,
``dispatch_component(message_id, custom_id)``, ``post_user_message(content)``, ``dispatch(event, data)``;
then ``await wait_for_response(interaction)`` or ``await wait_until(predicate)``.
"""

from tests.fake_discord.client import DiscordPyEndpoints, configure_discord_py, running_client
from tests.fake_discord.gateway import Gateway, GatewayConnection, GatewaySession
from tests.fake_discord.models import (
    FakeChannel,
    FakeGuild,
    FakeInteraction,
    FakeUser,
    Fault,
    InteractionCallback,
    MessageEdit,
    RecordedRequest,
    StoredAttachment,
    StoredMessage,
    UploadedFile,
)
from tests.fake_discord.server import ApiError, FakeDiscordServer

__all__ = [
    "ApiError",
    "DiscordPyEndpoints",
    "FakeChannel",
    "FakeDiscordServer",
    "FakeGuild",
    "FakeInteraction",
    "FakeUser",
    "Fault",
    "Gateway",
    "GatewayConnection",
    "GatewaySession",
    "InteractionCallback",
    "MessageEdit",
    "RecordedRequest",
    "StoredAttachment",
    "StoredMessage",
    "UploadedFile",
    "configure_discord_py",
    "running_client",
]
