"""`python -m bot run`'s client end to end over the real wire: the real discord.py against the local
Discord-compatible server, feeds from a local HTTP server. Nothing mocked."""

from __future__ import annotations

from pathlib import Path

from bot.config import parse_config
from bot.discord_app import build_client
from bot.store.sqlite import SQLiteStore
from tests.conftest import ROOT
from tests.fake_discord import FakeDiscordServer, running_client
from tests.local_feeds import LocalFeeds

SCENARIO = Path(__file__).parent / "fixtures" / "scenario"
SITES = (ROOT / "config.yaml").read_text(encoding="utf-8").split("\nfeeds:")[0]


def config_text(server: FakeDiscordServer, *feed_urls: str) -> str:
    feeds = "".join(f"  - {{url: '{u}'}}\n" for u in feed_urls)
    return (f"{SITES}\nfeeds:\n{feeds}allow_private_feeds: true\nbacklog_hours: 200000\n"
            f"discord:\n  alert_channel_id: {server.channel.id}\n  guild_id: {server.guild.id}\n")


def alerts(server: FakeDiscordServer) -> list:
    return [m for m in server.messages_in()
            if m.embeds and str(m.embeds[0].get("footer", {}).get("text", "")).startswith("SiteWatch incident")]


async def poll_now(client: object) -> None:
    service = client.service  # type: ignore[attr-defined]
    service.store.connection.execute("UPDATE feeds SET next_poll = NULL")
    await service.poll_once()


async def test_feed_entry_posts_once_second_outlet_edits_commands_answer_restart_posts_nothing(
        tmp_path: Path) -> None:
    database = tmp_path / "sitewatch.sqlite3"
    async with FakeDiscordServer(heartbeat_interval_ms=200) as server, LocalFeeds() as feeds:
        wire = feeds.serve("/wire.xml", (SCENARIO / "wire.xml").read_bytes())
        farm = feeds.serve("/farm.xml", b'<?xml version="1.0"?><rss version="2.0"><channel><title>Farm</title>'
                                        b"</channel></rss>")
        config = parse_config(config_text(server, wire, farm))

        client = build_client(config, SQLiteStore(database), guild_ready_timeout=0.1)
        async with running_client(client, server):
            assert {c["name"] for c in server.commands[server.guild.id]} >= {
                "recent", "site", "incident", "sites", "search", "status", "feeds", "track"}
            await poll_now(client)
            await server.wait_until(lambda: len(server.messages_in()) == 1, what="the first alert")
            (alert,) = server.messages_in()
            assert "Ain al" in alert.embeds[0]["title"] and alert.allowed_mentions == {"parse": []}

            # A second outlet's spun copy of the same report: the same message is edited, nothing new posted.
            feeds.serve("/farm.xml", (SCENARIO / "farm.xml").read_bytes())
            await poll_now(client)
            await server.wait_until(lambda: bool(server.messages_in()[0].edits), what="the edit")
            assert len(server.messages_in()) == 1

            interaction = await server.dispatch_slash_command("incident", {"id": 1})
            response = await server.wait_for_response(interaction)
            assert response.type == 4 and "Sources" in response.data["embeds"][0]["description"]

            interaction = await server.dispatch_slash_command("site", {"name": "ayn al assad"})
            response = await server.wait_for_response(interaction)
            assert response.files and response.files[0].filename.endswith(".png")

            interaction = await server.dispatch_slash_command("status")
            response = await server.wait_for_response(interaction)
            assert "outbox 0 waiting" in response.data["embeds"][0]["description"]

            interaction = await server.dispatch_slash_command("incident", {"id": 999})
            response = await server.wait_for_response(interaction)
            assert response.data["content"] == "No incident #999." and response.data["flags"] & 64

        # Restart on the same database: the same entries come again and nothing is posted twice.
        again = build_client(config, SQLiteStore(database), guild_ready_timeout=0.1)
        async with running_client(again, server):
            await poll_now(again)
            await again.service.deliver_once()  # type: ignore[attr-defined]
        assert len(alerts(server)) == 1
        server.assert_clean()
