"""The fake Discord server, proven with the real discord.py client over real HTTP and WebSocket."""

from __future__ import annotations

import asyncio
import io
import struct
import time
import zlib
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.http import Route

from tests.fake_discord import FakeDiscordServer, configure_discord_py, running_client

MESSAGES_ROUTE = "POST /channels/{channel_id}/messages"


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def make_client(intents: discord.Intents | None = None) -> discord.Client:
    return discord.Client(intents=intents or discord.Intents.default(), guild_ready_timeout=0.1)


@pytest.fixture
async def client(server: FakeDiscordServer) -> AsyncIterator[discord.Client]:
    async with running_client(make_client(), server) as ready:
        yield ready


def text_channel(client: discord.Client, server: FakeDiscordServer) -> discord.TextChannel:
    channel = client.get_channel(server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_client_connects_becomes_ready_and_sees_the_guild(
    server: FakeDiscordServer, client: discord.Client
) -> None:
    assert client.user is not None and client.user.id == server.bot_user.id
    assert client.application_id == server.application_id
    guild = client.get_guild(server.guild.id)
    assert guild is not None and guild.name == "SiteWatch Test"
    channel = text_channel(client, server)
    assert channel.name == "alerts"
    assert guild.me is not None and channel.permissions_for(guild.me).send_messages

    (connection,) = server.gateway.connections
    assert connection.query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    assert connection.compression == "zlib-stream"
    assert server.gateway.identifies[0]["intents"] == discord.Intents.default().value
    await server.wait_until(lambda: server.gateway.heartbeat_count >= 2, what="heartbeats")
    await server.wait_until(lambda: client.latency != float("inf"), what="a heartbeat ACK")
    assert server.count("GET /users/@me") == 1
    assert server.count("GET /oauth2/applications/@me") == 1


async def test_send_stores_embed_nonce_and_allowed_mentions_then_edit(
    server: FakeDiscordServer, client: discord.Client
) -> None:
    channel = text_channel(client, server)
    embed = discord.Embed(title="Attack near Palmyra", description="Two killed.", colour=0xC0392B)
    embed.add_field(name="Source", value="news.example")

    sent = await channel.send(embed=embed, nonce="incident-42", allowed_mentions=discord.AllowedMentions.none())

    (stored,) = server.messages_in()
    assert stored.id == sent.id
    assert stored.nonce == "incident-42" and stored.enforce_nonce
    assert stored.allowed_mentions == {"parse": []}
    assert stored.embeds[0]["title"] == "Attack near Palmyra"
    assert stored.embeds[0]["fields"] == [{"name": "Source", "value": "news.example", "inline": True}]
    assert sent.embeds[0].title == "Attack near Palmyra"

    edited = await sent.edit(content="update", embed=embed.set_footer(text="1 source"))
    assert edited.edited_at is not None
    assert stored.content == "update" and stored.embeds[0]["footer"] == {"text": "1 source"}
    assert [edit.before_content for edit in stored.edits] == [""]

    fetched = await channel.fetch_message(sent.id)
    assert fetched.content == "update"
    second = await channel.send("later")
    assert [m.id async for m in channel.history(limit=10)] == [second.id, sent.id]


@pytest.mark.parametrize("after_processing", [False, True], ids=["refused", "stored-then-500"])
async def test_a_500_then_success_stores_exactly_one_message(
    server: FakeDiscordServer, client: discord.Client, after_processing: bool
) -> None:
    # stored-then-500 is the worst case: the message was stored, then the answer was lost. discord.py
    # retries (after 1 s) with the same nonce and enforce_nonce=true, so the retry returns the original.
    server.fail_next(MESSAGES_ROUTE, status=500, after_processing=after_processing)
    sent = await text_channel(client, server).send("alert")
    assert server.count(MESSAGES_ROUTE) == 2
    assert [m.id for m in server.messages_in()] == [sent.id]


async def test_enforce_nonce_returns_the_original_message(
    server: FakeDiscordServer, client: discord.Client
) -> None:
    channel_id = server.channel.id

    async def post(body: dict[str, object]) -> int:
        route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel_id)
        data = await client.http.request(route, json=body)
        return int(data["id"])

    first = await post({"content": "a", "nonce": "n-1", "enforce_nonce": True})
    assert await post({"content": "a", "nonce": "n-1", "enforce_nonce": True}) == first
    assert await post({"content": "a", "nonce": "n-1"}) != first  # without enforce_nonce: a new message
    # channel.send has no enforce_nonce parameter, but discord.py 2.7 always sends enforce_nonce=true.
    channel = text_channel(client, server)
    again = await channel.send("b", nonce="n-2")
    assert (await channel.send("b", nonce="n-2")).id == again.id
    assert len(server.messages_in()) == 3


async def test_rate_limit_is_waited_out_and_outage_raises(server: FakeDiscordServer, client: discord.Client) -> None:
    channel = text_channel(client, server)
    server.rate_limit_next(MESSAGES_ROUTE, retry_after=0.05)
    started = time.monotonic()
    await channel.send("after a 429")
    assert time.monotonic() - started < 1.0
    assert server.count(MESSAGES_ROUTE) == 2
    server.rate_limit_next(None, retry_after=0.05, is_global=True)  # None: whatever route comes next
    await channel.send("after a global 429")
    assert server.count(MESSAGES_ROUTE) == 4

    server.set_down()
    with pytest.raises(discord.DiscordServerError):
        await channel.send("during the outage")
    server.set_down(False)
    await channel.send("after the outage")
    assert [m.content for m in server.messages_in()] == ["after a 429", "after a global 429", "after the outage"]


async def test_file_upload_is_recorded(server: FakeDiscordServer, client: discord.Client) -> None:
    png = tiny_png()
    await text_channel(client, server).send("chart", file=discord.File(io.BytesIO(png), filename="chart.png"))
    (stored,) = server.messages_in()
    (attachment,) = stored.attachments
    assert (attachment.filename, attachment.data, attachment.content_type) == ("chart.png", png, "image/png")


async def test_discord_limits_are_enforced(server: FakeDiscordServer, client: discord.Client) -> None:
    channel = text_channel(client, server)
    with pytest.raises(discord.HTTPException) as error:
        await channel.send(embed=discord.Embed(description="x" * 4097))
    assert error.value.status == 400 and error.value.code == 50035
    assert "embeds.0.description" in error.value.text
    assert server.messages_in() == []


async def test_slash_command_runs_and_its_response_reaches_the_server(server: FakeDiscordServer) -> None:
    bot = make_client()
    tree = app_commands.CommandTree(bot)
    guild = discord.Object(id=server.guild.id)
    calls: list[str] = []

    @tree.command(name="status", description="Show a site's status", guild=guild)
    async def status(interaction: discord.Interaction, site: str) -> None:
        calls.append(site)
        await interaction.response.send_message(f"{site}: quiet", allowed_mentions=discord.AllowedMentions.none())

    @tree.command(name="chart", description="Deferred answer with a file", guild=guild)
    async def chart(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.edit_original_response(content="chart ready")
        await interaction.followup.send("the file", file=discord.File(io.BytesIO(tiny_png()), filename="c.png"))

    @tree.command(name="whois", description="A member option, sent with resolved data", guild=guild)
    async def whois(interaction: discord.Interaction, member: discord.Member) -> None:
        await interaction.response.send_message(f"{member.name} {member.guild_permissions.administrator}",
                                                ephemeral=True)

    async with running_client(bot, server):
        synced = await tree.sync(guild=guild)
        assert [command.name for command in synced] == ["status", "chart", "whois"]
        assert [command["name"] for command in server.commands[server.guild.id]] == ["status", "chart", "whois"]
        assert [command.id for command in await tree.fetch_commands(guild=guild)] == [c.id for c in synced]

        interaction = await server.dispatch_slash_command("status", {"site": "Palmyra"})
        response = await server.wait_for_response(interaction)
        assert calls == ["Palmyra"]
        assert response.type == 4 and response.data is not None
        assert response.data["content"] == "Palmyra: quiet"
        assert interaction.original_message_id is not None
        assert server.messages[interaction.original_message_id].content == "Palmyra: quiet"

        deferred = await server.dispatch_slash_command("chart")
        await server.wait_until(lambda: len(deferred.followup_ids) == 1, what="the followup")
        assert deferred.callbacks[0].type == 5
        assert deferred.original_message_id is not None
        assert server.messages[deferred.original_message_id].content == "chart ready"
        followup = server.messages[deferred.followup_ids[0]]
        assert followup.attachments[0].filename == "c.png" and followup.attachments[0].data == tiny_png()

        reader = server.add_member("reader")
        asked = await server.dispatch_slash_command("whois", {"member": reader.id})
        answer = await server.wait_for_response(asked)
        assert answer.data == {"content": "reader False", "tts": False, "flags": 64}
        assert asked.original_message_id is not None and server.messages[asked.original_message_id].ephemeral
        assert asked.original_message_id not in [m.id async for m in text_channel(bot, server).history()]


async def test_autocomplete_answers_choices(server: FakeDiscordServer) -> None:
    bot = make_client()
    tree = app_commands.CommandTree(bot)
    guild = discord.Object(id=server.guild.id)

    async def sites(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        names = ["Palmyra", "Petra", "Nimrud"]
        return [app_commands.Choice(name=n, value=n) for n in names if n.lower().startswith(current.lower())]

    @tree.command(name="watch", description="Watch a site", guild=guild)
    @app_commands.autocomplete(site=sites)
    async def watch(interaction: discord.Interaction, site: str) -> None:
        await interaction.response.send_message(site)

    async with running_client(bot, server):
        await tree.sync(guild=guild)
        interaction = await server.dispatch_autocomplete("watch", {"site": "p"}, focused="site")
        response = await server.wait_for_response(interaction)
        assert response.type == 8 and response.data is not None
        assert [choice["value"] for choice in response.data["choices"]] == ["Palmyra", "Petra"]


async def test_a_slow_command_without_defer_misses_the_interaction_window(server: FakeDiscordServer) -> None:
    server.interaction_timeout = 0.1
    bot = make_client()
    tree = app_commands.CommandTree(bot)
    failures: list[BaseException] = []

    @tree.error
    async def on_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        failures.append(error.__cause__ or error)

    @tree.command(name="slow", description="Too slow", guild=discord.Object(id=server.guild.id))
    async def slow(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.3)
        await interaction.response.send_message("late")

    async with running_client(bot, server):
        await tree.sync(guild=discord.Object(id=server.guild.id))
        await server.dispatch_slash_command("slow")
        await server.wait_until(lambda: bool(failures), what="the command to fail")
        assert isinstance(failures[0], discord.NotFound) and failures[0].code == 10062


@pytest.mark.parametrize("abrupt", [False, True], ids=["close-frame", "tcp-cut"])
async def test_dropped_websocket_reconnects_resumes_and_replays(server: FakeDiscordServer, abrupt: bool) -> None:
    bot = make_client()
    tree = app_commands.CommandTree(bot)
    resumed = asyncio.Event()
    bot.event(_set_on_resumed(resumed))

    @tree.command(name="ping", description="Ping", guild=discord.Object(id=server.guild.id))
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    async with running_client(bot, server):
        await tree.sync(guild=discord.Object(id=server.guild.id))
        assert await server.drop_gateway(abrupt=abrupt) == 1
        # Sent while the client is away: buffered in the session, replayed on RESUME.
        interaction = await server.dispatch_slash_command("ping")
        await asyncio.wait_for(resumed.wait(), timeout=5)
        response = await server.wait_for_response(interaction)
        assert response.data is not None and response.data["content"] == "pong"
        assert len(server.gateway.identifies) == 1 and len(server.gateway.resumes) == 1
        assert server.gateway.connections[-1].path == "/gateway-resume"
        assert bot.is_ready() and not bot.is_closed()


def _set_on_resumed(event: asyncio.Event) -> Callable[[], Coroutine[Any, Any, None]]:
    async def on_resumed() -> None:  # bot.event() registers it by this name
        event.set()

    return on_resumed


class NoIdentifyDelayClient(discord.Client):
    """discord.py sleeps 5 s before every IDENTIFY but the first; tests need not."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


async def test_gateway_outage_is_retried_until_it_ends(server: FakeDiscordServer) -> None:
    bot = make_client()
    resumed = asyncio.Event()
    bot.event(_set_on_resumed(resumed))
    async with running_client(bot, server):
        server.set_gateway_down()
        await server.drop_gateway()
        await server.wait_until(lambda: server.gateway.refused_handshakes >= 1, what="a refused reconnect")
        server.set_gateway_down(False)
        await asyncio.wait_for(resumed.wait(), timeout=5)  # discord.py backs off 0-2 s, then RESUMEs
        assert len(server.gateway.resumes) == 1 and len(server.gateway.identifies) == 1


async def test_a_button_click_reaches_the_view_and_updates_the_message(server: FakeDiscordServer) -> None:
    bot = make_client()
    clicks: list[int] = []

    class Acknowledge(discord.ui.View):
        @discord.ui.button(label="Seen", custom_id="alert:seen")
        async def seen(self, interaction: discord.Interaction, button: discord.ui.Button[Acknowledge]) -> None:
            clicks.append(interaction.user.id)
            await interaction.response.edit_message(content="seen by tester", view=None)

    async with running_client(bot, server):
        sent = await text_channel(bot, server).send("alert", view=Acknowledge(timeout=None))
        stored = server.messages[sent.id]
        assert stored.components[0]["components"][0]["custom_id"] == "alert:seen"
        interaction = await server.dispatch_component(sent.id, "alert:seen")
        response = await server.wait_for_response(interaction)
        assert response.type == 7 and clicks == [server.owner.id]
        assert stored.content == "seen by tester" and stored.components == []
        assert [edit.before_content for edit in stored.edits] == ["alert"]


async def test_invalid_session_makes_the_client_identify_again(server: FakeDiscordServer) -> None:
    bot = NoIdentifyDelayClient(intents=discord.Intents.default(), guild_ready_timeout=0.1)
    async with running_client(bot, server):
        (first_session,) = server.gateway.live_sessions
        await server.gateway.invalidate_sessions()
        await server.wait_until(lambda: len(server.gateway.identifies) == 2, what="a new IDENTIFY")
        await server.wait_until(lambda: len(server.gateway.live_sessions) == 1, what="a new session")
        assert server.gateway.live_sessions[0] is not first_session
        await server.wait_until(lambda: bot.is_ready() and bot.get_guild(server.guild.id) is not None,
                                what="ready again")


async def test_user_messages_obey_the_message_content_intent(server: FakeDiscordServer) -> None:
    seen: dict[str, list[str]] = {"default": [], "content": []}
    plain = make_client()
    reader = make_client(discord.Intents.default() | discord.Intents(message_content=True))

    @plain.event
    async def on_message(message: discord.Message) -> None:
        seen["default"].append(message.content)

    reader.event(_record_messages(seen["content"]))

    async with running_client(plain, server), running_client(reader, server):
        await server.post_user_message("Palmyra was hit")
        await server.wait_until(lambda: bool(seen["default"] and seen["content"]), what="both clients")
    assert seen == {"default": [""], "content": ["Palmyra was hit"]}


def _record_messages(into: list[str]) -> Callable[[discord.Message], Coroutine[Any, Any, None]]:
    async def on_message(message: discord.Message) -> None:  # bot.event() registers it by this name
        into.append(message.content)

    return on_message


async def test_unknown_routes_fail_loudly_and_are_recorded(server: FakeDiscordServer, client: discord.Client) -> None:
    with pytest.raises(discord.NotFound):
        await client.http.request(Route("GET", "/guilds/{guild_id}/audit-logs", guild_id=server.guild.id))
    assert [(r.method, r.route) for r in server.unknown_routes] == [("GET", None)]
    with pytest.raises(AssertionError, match="audit-logs"):
        server.assert_clean()
    server.unknown_routes.clear()


async def test_a_wrong_token_is_refused(server: FakeDiscordServer) -> None:
    bot = make_client()
    base_before = Route.BASE
    with configure_discord_py(server.base_url, server.gateway_url), pytest.raises(discord.LoginFailure):
        assert server.base_url == Route.BASE
        await bot.start("not-the-token")
    await bot.close()
    assert base_before == Route.BASE
    assert server.requests[-1].status == 401
