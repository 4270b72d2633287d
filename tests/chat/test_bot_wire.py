"""`python -m bot run`'s client end to end over the real wire: the real discord.py against the local
Discord-compatible server, feeds from a local HTTP server. Nothing mocked."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.chat.client import SiteWatchClient, build_client
from bot.chat.delivery import ConsoleSink
from bot.config import Config, parse_config
from bot.service import Service
from bot.store.base import Store
from tests.conftest import ROOT, make_store
from tests.fake_discord import FakeDiscordServer, running_client
from tests.local_feeds import LocalFeeds

SCENARIO = Path(__file__).parent.parent / "fixtures" / "scenario"
SITES = (ROOT / "config.yaml").read_text(encoding="utf-8").split("\nfeeds:")[0]


def client_for(config: Config, store: Store, **options: Any) -> SiteWatchClient:
    """The client `python -m bot run` builds around its service, without the signal handlers."""
    return build_client(Service(config, store, ConsoleSink(), console=False), **options)


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

        client = client_for(config, make_store(database), guild_ready_timeout=0.1)
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
        again = client_for(config, make_store(database), guild_ready_timeout=0.1)
        async with running_client(again, server):
            await poll_now(again)
            await again.service.deliver_once()  # type: ignore[attr-defined]
        assert len(alerts(server)) == 1
        server.assert_clean()


async def test_every_lookup_and_admin_command_answers_over_the_wire(tmp_path: Path) -> None:
    async with FakeDiscordServer(heartbeat_interval_ms=200) as server, LocalFeeds() as feeds:
        wire = feeds.serve("/wire.xml", (SCENARIO / "wire.xml").read_bytes())
        extra = feeds.serve("/kurdish.xml", (SCENARIO / "kurdish.xml").read_bytes())
        config = parse_config(config_text(server, wire))
        client = client_for(config, make_store(tmp_path / "db.sqlite3"), guild_ready_timeout=0.1)
        client.service.clock = lambda: datetime(2021, 3, 6, tzinfo=UTC)  # the fixtures' week
        async with running_client(client, server):
            await poll_now(client)

            async def ask(name: str, options: dict[str, object] | None = None) -> dict:
                group, _, sub = name.partition(" ")
                if sub:  # a subcommand is an option of type 1 carrying its own options
                    kinds = {str: 3, int: 4, float: 10}
                    raw = [{"type": 1, "name": sub, "options": [
                        {"type": kinds[type(v)], "name": k, "value": v} for k, v in (options or {}).items()]}]
                    interaction = await server.dispatch_slash_command(group, raw)
                else:
                    interaction = await server.dispatch_slash_command(name, options or {})
                await server.wait_until(lambda: interaction.responded, what=f"/{name}")
                if interaction.callbacks[0].type == 5:  # deferred: the answer comes as a follow-up
                    await server.wait_until(lambda: bool(interaction.followup_ids), what=f"/{name} follow-up")
                    return server.messages[interaction.followup_ids[0]].request_payload  # type: ignore[return-value]
                return interaction.callbacks[0].data or {}

            def text(answer: dict) -> str:
                return (answer.get("content") or "") + "".join(
                    (e.get("title") or "") + (e.get("description") or "") for e in answer.get("embeds", []))

            assert "tracked sites" in text(await ask("sites"))
            assert "Ain al-Asad" in text(await ask("recent", {"days": 7}))
            assert "Marotto" in text(await ask("search", {"words": "Marotto"}))
            assert wire in text(await ask("feeds list"))
            added = text(await ask("feeds add", {"url": extra}))
            assert "entries" in added and client.service.store.feed(extra) is not None  # type: ignore[attr-defined]
            assert "no longer" in text(await ask("feeds remove", {"url": extra}))
            assert "tracked" in text(await ask("track add", {"id": "test-base", "name": "Test Base", "country": "IQ",
                                                             "lat": 33.0, "lon": 44.0}))
            assert "test-base" in client.service.gazetteer.sites  # type: ignore[attr-defined]
            text(await ask("track remove", {"id": "test-base"}))
            assert "test-base" not in client.service.gazetteer.sites  # type: ignore[attr-defined]

            choices = await server.dispatch_autocomplete("site", {"name": "ayn asad"}, focused="name")
            await server.wait_until(lambda: choices.responded, what="autocomplete")
            assert choices.callbacks[0].type == 8
            assert choices.callbacks[0].data["choices"][0]["value"] == "ain-al-asad"  # type: ignore[index]
        server.assert_clean()
