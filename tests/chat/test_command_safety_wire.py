"""Admin commands over the real wire (discord.py against the local Discord-compatible server): the Manage
Server permission is checked when a command runs, invalid input is refused before any write, and /feeds add
reads a feed the way a poll does. Nothing mocked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.chat.client import SiteWatchClient
from bot.config import parse_config
from tests.chat.test_bot_wire import SCENARIO, client_for, config_text
from tests.conftest import make_store
from tests.fake_discord import FakeDiscordServer, running_client
from tests.fake_discord.models import FakeUser
from tests.local_feeds import LocalFeeds, rss_with_entries

EPHEMERAL = 64
NEW_SITE = {"id": "test-base", "name": "Test Base", "country": "IQ", "lat": 33.0, "lon": 44.0}


async def ask(server: FakeDiscordServer, command: str, options: dict[str, Any],
              user: FakeUser | None = None) -> tuple[str, bool]:
    """Run `/group sub` with options as `user` (the guild owner by default): the answer's text, and whether
    only the asker saw it."""
    group, _, sub = command.partition(" ")
    kinds = {str: 3, int: 4, float: 10}
    raw = [{"type": 1, "name": sub, "options": [{"type": kinds[type(v)], "name": k, "value": v}
                                                for k, v in options.items()]}]
    interaction = await server.dispatch_slash_command(group, raw, user=user)
    await server.wait_until(lambda: interaction.responded, what=f"/{command}")
    callback = interaction.callbacks[0]
    if callback.type == 5:  # deferred: the answer comes as a follow-up
        await server.wait_until(lambda: bool(interaction.followup_ids), what=f"/{command} follow-up")
        data = server.messages[interaction.followup_ids[0]].request_payload
    else:
        data = callback.data or {}
    text = (data.get("content") or "") + "".join((e.get("title") or "") + (e.get("description") or "")
                                                 for e in data.get("embeds", []))
    return text, bool(int(data.get("flags") or 0) & EPHEMERAL)


def saved_state(client: SiteWatchClient) -> tuple[object, ...]:
    """Everything /feeds and /track can change: the feeds, the site changes, the sites matched against."""
    store = client.service.store
    changes = store.connection.execute("SELECT * FROM site_changes ORDER BY site_id").fetchall()
    return (store.feeds(), [tuple(row) for row in changes], sorted(client.service.gazetteer.sites))


async def test_admin_commands_refuse_a_member_without_manage_server_and_change_nothing(tmp_path: Path) -> None:
    async with FakeDiscordServer(heartbeat_interval_ms=200) as server, LocalFeeds() as feeds:
        wire = feeds.serve("/wire.xml", (SCENARIO / "wire.xml").read_bytes())
        extra = feeds.serve("/kurdish.xml", (SCENARIO / "kurdish.xml").read_bytes())
        member = server.add_member("member")  # @everyone's permissions only: no Manage Server
        client = client_for(parse_config(config_text(server, wire)), make_store(tmp_path / "db.sqlite3"),
                            guild_ready_timeout=0.1)
        async with running_client(client, server):
            for group in ("feeds", "track"):  # still hidden from members by default: Manage Server is 1 << 5
                assert str(server.find_command(group)["default_member_permissions"]) == str(1 << 5)
            before = saved_state(client)
            for command, options in [("feeds add", {"url": extra}), ("feeds remove", {"url": wire}),
                                     ("track add", NEW_SITE), ("track remove", {"id": "ain-al-asad"}),
                                     ("feeds list", {})]:
                text, private = await ask(server, command, options, user=member)
                assert (text, private) == ("You need the Manage Server permission for that.", True), command
            assert saved_state(client) == before
            assert "/kurdish.xml" not in feeds.hits  # refused before the feed was fetched

            # The owner (every permission) is let through by the same check.
            text, _ = await ask(server, "track add", NEW_SITE)
            assert "tracked as `test-base`" in text and "test-base" in client.service.gazetteer.sites
        server.assert_clean()


async def test_track_add_with_an_invalid_field_saves_nothing(tmp_path: Path) -> None:
    async with FakeDiscordServer(heartbeat_interval_ms=200) as server, LocalFeeds() as feeds:
        wire = feeds.serve("/wire.xml", (SCENARIO / "wire.xml").read_bytes())
        client = client_for(parse_config(config_text(server, wire)), make_store(tmp_path / "db.sqlite3"),
                            guild_ready_timeout=0.1)
        async with running_client(client, server):
            before = saved_state(client)
            for changes, problem in [
                ({"name": "Base " + "x" * 4_500}, "name: string should have at most 100 characters"),
                ({"aliases": ";".join(["Camp " + "y" * 150, "Other"])},
                 "aliases: string should have at most 100 characters"),
                ({"timezone": "Asia/" + "z" * 4_500}, "timezone: string should have at most 64 characters"),
                ({"id": "t" * 65}, "id: string should have at most 64 characters"),
                ({"lat": 95.0}, "lat: input should be less than or equal to 90"),
            ]:
                text, private = await ask(server, "track add", {**NEW_SITE, **changes})
                assert text == f"Not tracked: {problem}" and private
                assert saved_state(client) == before
        server.assert_clean()


async def test_feeds_add_reads_a_feed_larger_than_one_read_whole(tmp_path: Path) -> None:
    async with FakeDiscordServer(heartbeat_interval_ms=200) as server, LocalFeeds() as feeds:
        wire = feeds.serve("/wire.xml", (SCENARIO / "wire.xml").read_bytes())
        big = feeds.serve("/big.xml", rss_with_entries(400), trickle=8192)  # 84 KB in 11 pieces
        client = client_for(parse_config(config_text(server, wire)), make_store(tmp_path / "db.sqlite3"),
                            guild_ready_timeout=0.1)
        async with running_client(client, server):
            text, private = await ask(server, "feeds add", {"url": big})
            assert "**Big Feed**" in text and "has 400 entries" in text and private
            assert client.service.store.feed(big) is not None
        server.assert_clean()
