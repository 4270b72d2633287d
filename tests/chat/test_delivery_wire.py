"""Delivery over the real wire: the real discord.py client against the local Discord-compatible server.
A Discord outage delays alerts but never drops or doubles them; a restart posts nothing twice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import pytest

from bot.chat.delivery import PARK_AFTER_ATTEMPTS, deliver_pending
from bot.chat.discord_sink import DiscordSink
from bot.config import DiscordConfig
from bot.feeds.parse import parse_feed
from bot.matcher.sites import Gazetteer
from bot.models import Story
from bot.processing import process_story
from bot.store.base import PostedMessage, Store
from tests.conftest import make_store
from tests.fake_discord import FakeDiscordServer, running_client

SCENARIO = Path(__file__).parent.parent / "fixtures" / "scenario"
POST = "POST /channels/{channel_id}/messages"
LATER = datetime(2030, 1, 1, tzinfo=UTC)  # past any retry delay


def scenario_stories() -> list:
    stories = [s for name in ("wire.xml", "farm.xml", "kurdish.xml")
               for s in parse_feed((SCENARIO / name).read_bytes(), name).stories]
    return sorted(stories, key=lambda s: s.published)


@pytest.fixture
async def client(server: FakeDiscordServer) -> AsyncIterator[discord.Client]:
    bot = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.1)
    async with running_client(bot, server) as ready:
        yield ready


def sink_for(client: discord.Client) -> DiscordSink:
    assert client.user is not None
    return DiscordSink(client.http, admin_channel_id=None, bot_user_id=client.user.id)


async def deliver(store: Store, client: discord.Client, server: FakeDiscordServer, gazetteer: Gazetteer,
                  now: datetime = LATER) -> int:
    return await deliver_pending(store, sink_for(client), gazetteer.sites,
                                 DiscordConfig(alert_channel_id=server.channel.id), now=now)


async def test_first_report_posts_one_embed_and_second_outlet_edits_it(
        server: FakeDiscordServer, client: discord.Client, gazetteer: Gazetteer) -> None:
    store = make_store()
    wire, *others = scenario_stories()
    process_story(store, gazetteer, wire, now=wire.published)
    assert await deliver(store, client, server, gazetteer) == 1
    (message,) = server.messages_in()
    assert message.embeds[0]["footer"]["text"].endswith(f"#{1}")
    assert "Ain al-Asad" in message.embeds[0]["title"]
    assert message.allowed_mentions == {"parse": []}
    assert message.enforce_nonce and message.nonce
    # The alert quotes the sentence that reported the attack: it came through the outbox intact.
    shown = {field["name"]: field["value"] for field in message.embeds[0]["fields"]}
    assert "rockets struck Ain al-Asad air base" in shown["Evidence"]

    for story in others:
        process_story(store, gazetteer, story, now=story.published)
    await deliver(store, client, server, gazetteer)
    (message,) = server.messages_in()  # still one message: edited in place
    assert message.edits
    assert "Sources (4)" in [f["name"] for f in message.embeds[0]["fields"]]
    assert store.outbox_depth() == 0


async def test_discord_down_then_back_delays_but_never_drops_or_doubles(
        server: FakeDiscordServer, client: discord.Client, gazetteer: Gazetteer) -> None:
    store = make_store()
    wire = scenario_stories()[0]
    process_story(store, gazetteer, wire, now=wire.published)
    server.set_down()
    now = datetime(2029, 1, 1, tzinfo=UTC)
    assert await deliver(store, client, server, gazetteer, now=now) == 0
    assert server.messages_in() == [] and store.outbox_depth() == 1
    assert await deliver(store, client, server, gazetteer, now=now) == 0  # not due again yet: backoff
    server.set_down(False)
    assert await deliver(store, client, server, gazetteer, now=now + timedelta(hours=1)) == 1
    assert await deliver(store, client, server, gazetteer, now=now + timedelta(hours=2)) == 0
    assert len(server.messages_in()) == 1


async def test_a_500_after_discord_stored_the_post_does_not_double_it(
        server: FakeDiscordServer, client: discord.Client, gazetteer: Gazetteer) -> None:
    store = make_store()
    wire = scenario_stories()[0]
    process_story(store, gazetteer, wire, now=wire.published)
    server.fail_next(POST, status=500, after_processing=True)  # stored, then answered 500: discord.py retries
    assert await deliver(store, client, server, gazetteer) == 1
    assert len(server.messages_in()) == 1
    assert server.count(POST) == 2


async def test_crash_between_post_and_record_finds_the_earlier_post(
        server: FakeDiscordServer, client: discord.Client, gazetteer: Gazetteer) -> None:
    store = make_store()
    wire = scenario_stories()[0]
    (alert,) = process_story(store, gazetteer, wire, now=wire.published)
    # The bot recorded its intent, posted, and died before recording the message id.
    store.remember_message(PostedMessage(alert.incident_id, server.channel.id, None, "lost-nonce"))
    from bot.chat.alert_view import render_alert
    from bot.chat.delivery import Outgoing

    view = render_alert(alert.incident_id, alert.facts, alert.site, updated=False)
    await sink_for(client).post(Outgoing(server.channel.id, alert.incident_id, view, None), "lost-nonce-2")
    assert await deliver(store, client, server, gazetteer) == 1
    assert len(server.messages_in()) == 1  # found by the incident id in its footer, edited, not re-posted


async def test_restart_posts_nothing_twice(server: FakeDiscordServer, gazetteer: Gazetteer, tmp_path: Path) -> None:
    database = tmp_path / "sitewatch.sqlite3"
    store = make_store(database)
    stories = scenario_stories()
    for story in stories:
        process_story(store, gazetteer, story, now=story.published)
    async with running_client(discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.1),
                              server) as first:
        await deliver(store, first, server, gazetteer)
    store.close()
    posted = len(server.messages_in())

    store = make_store(database)  # the bot restarts and sees the same entries again
    for story in stories:
        process_story(store, gazetteer, story, now=story.published)
    async with running_client(discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.1),
                              server) as second:
        assert await deliver(store, second, server, gazetteer) == 0
    assert len(server.messages_in()) == posted == 1


async def test_rate_limited_post_is_waited_out_and_sent_once(
        server: FakeDiscordServer, client: discord.Client, gazetteer: Gazetteer) -> None:
    store = make_store()
    wire = scenario_stories()[0]
    process_story(store, gazetteer, wire, now=wire.published)
    server.rate_limit_next(POST, count=2, retry_after=0.05)
    assert await deliver(store, client, server, gazetteer) == 1
    assert len(server.messages_in()) == 1 and server.count(POST) == 3


def story_with_link(link: str, title: str = "Rockets hit Ain al-Asad air base") -> Story:
    text = "Three rockets struck Ain al-Asad air base in western Iraq on Monday, the coalition said."
    return Story(key=f"key:{title}:{link}", url=link, feed="Odd Feed", title=title, text=text,
                 published=datetime(2021, 7, 5, 15, tzinfo=UTC))


@pytest.mark.parametrize("link", ["/news/2021/rockets", "javascript:alert(1)", "http://", "https:///path",
                                  "ftp://x.example/a", "http://x.example/a b)](https://evil.example"])
async def test_alert_with_a_bad_entry_link_is_posted_without_it(
        server: FakeDiscordServer, client: discord.Client, gazetteer: Gazetteer, link: str) -> None:
    store = make_store()
    process_story(store, gazetteer, story_with_link(link), now=datetime(2021, 7, 5, 16, tzinfo=UTC))
    assert await deliver(store, client, server, gazetteer) == 1
    (message,) = server.messages_in()
    embed = message.embeds[0]
    assert embed.get("url") in (None, "http://x.example/a%20b%29%5D%28https://evil.example")
    sources = next(f["value"] for f in embed["fields"] if f["name"].startswith("Sources"))
    assert "](https://evil.example" not in sources  # no masked link injected
    assert store.outbox_depth() == 0


async def test_alert_refused_by_discord_is_sent_again_without_feed_links(
        server: FakeDiscordServer, client: discord.Client, gazetteer: Gazetteer) -> None:
    store = make_store()
    process_story(store, gazetteer, story_with_link("https://news.example/a"), now=datetime(2021, 7, 5, 16, tzinfo=UTC))
    server.fail_next(POST, status=400)
    assert await deliver(store, client, server, gazetteer) == 1
    (message,) = server.messages_in()
    assert "url" not in message.embeds[0]
    assert "news.example" not in str(message.embeds[0])
    assert store.outbox_depth() == 0


async def test_alert_refused_twice_is_parked_with_a_log_line_and_the_next_one_goes_out(
        server: FakeDiscordServer, client: discord.Client, gazetteer: Gazetteer,
        caplog: pytest.LogCaptureFixture) -> None:
    store = make_store()
    now = datetime(2021, 7, 5, 16, tzinfo=UTC)
    process_story(store, gazetteer, story_with_link("https://news.example/a"), now=now)
    server.fail_next(POST, status=400, count=2)
    assert await deliver(store, client, server, gazetteer) == 0
    assert "event=alert_parked incident=1" in caplog.text
    assert store.outbox_depth() == 0 and store.parked_alerts() == 1
    other = replace(story_with_link("https://news.example/b", "Drone hits Erbil airport"),
                    text="A drone struck Erbil airport on Monday, officials said.")
    process_story(store, gazetteer, other, now=now)
    assert await deliver(store, client, server, gazetteer) == 1  # the parked one does not block the queue
    assert len(server.messages_in()) == 1


async def test_missing_permission_is_retried_with_backoff_then_parked(
        server: FakeDiscordServer, client: discord.Client, gazetteer: Gazetteer) -> None:
    store = make_store()
    process_story(store, gazetteer, story_with_link("https://news.example/a"), now=datetime(2021, 7, 5, 16, tzinfo=UTC))
    server.fail_next(POST, status=403, count=None)
    moment = LATER
    for attempt in range(PARK_AFTER_ATTEMPTS):
        assert await deliver(store, client, server, gazetteer, now=moment) == 0
        assert (store.parked_alerts() == 1) == (attempt == PARK_AFTER_ATTEMPTS - 1)
        moment += timedelta(hours=1)
    assert server.messages_in() == []


async def test_incident_without_a_channel_stays_pending_and_is_logged(
        server: FakeDiscordServer, client: discord.Client, gazetteer: Gazetteer,
        caplog: pytest.LogCaptureFixture) -> None:
    store = make_store()
    process_story(store, gazetteer, story_with_link("https://news.example/a"), now=datetime(2021, 7, 5, 16, tzinfo=UTC))
    unrouted = await deliver_pending(store, sink_for(client), gazetteer.sites, DiscordConfig(), now=LATER)
    assert unrouted == 0 and store.outbox_depth() == 1
    assert "no channel for this site: set discord.alert_channel_id" in caplog.text
    assert await deliver(store, client, server, gazetteer, now=LATER + timedelta(hours=1)) == 1  # routed later


RETRACTED = ("The coalition ruled out an attack on Ain al-Asad air base on Monday: the blasts heard there were a "
             "controlled detonation of old munitions.")


def dated_story(day: str, url: str, published: datetime, extra: str = "") -> Story:
    text = f"Three rockets struck Ain al-Asad air base in western Iraq on {day}, the coalition said.{extra}"
    return Story(key=url, url=url, feed="Wire", title=f"Rockets hit Ain al-Asad on {day}", text=text,
                 published=published)


def footer_id(message: object) -> str:
    return message.embeds[0]["footer"]["text"].rsplit("#", 1)[1]  # type: ignore[attr-defined]


async def test_merged_incident_is_edited_once_to_say_so_and_a_restart_posts_nothing_twice(
        server: FakeDiscordServer, gazetteer: Gazetteer, tmp_path: Path) -> None:
    database = tmp_path / "sitewatch.sqlite3"
    monday = dated_story("Monday", "https://wire.example/monday", datetime(2021, 7, 6, 8, tzinfo=UTC))
    tuesday = dated_story("Tuesday", "https://farm.example/rockets", datetime(2021, 7, 7, 8, tzinfo=UTC))
    corrected = dated_story("Monday", "https://farm.example/rockets", datetime(2021, 7, 7, 8, tzinfo=UTC),
                            " (Corrects day of attack.)")
    store = make_store(database)
    async with running_client(discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.1),
                              server) as first:
        for story in (monday, tuesday):
            process_story(store, gazetteer, story, now=story.published)
        assert await deliver(store, first, server, gazetteer) == 2
        process_story(store, gazetteer, corrected, now=corrected.published + timedelta(hours=1))
        assert await deliver(store, first, server, gazetteer, now=LATER + timedelta(minutes=1)) == 2
    store.close()
    by_incident = {footer_id(m): m for m in server.messages_in()}
    assert set(by_incident) == {"1", "2"}
    merged = by_incident["2"]
    assert len(merged.edits) == 1 and merged.embeds[0]["title"].startswith("Merged into #1")
    assert "Sources (2)" in [f["name"] for f in by_incident["1"].embeds[0]["fields"]]

    store = make_store(database)  # restart: the same entries are seen again
    for story in (monday, corrected):
        process_story(store, gazetteer, story, now=story.published + timedelta(hours=2))
    async with running_client(discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.1),
                              server) as second:
        assert await deliver(store, second, server, gazetteer, now=LATER + timedelta(hours=1)) == 0
    store.close()
    assert len(server.messages_in()) == 2 and len(merged.edits) == 1


async def test_withdrawn_incident_alert_is_edited_once_to_say_so(
        server: FakeDiscordServer, client: discord.Client, gazetteer: Gazetteer) -> None:
    store = make_store()
    report = dated_story("Monday", "https://wire.example/rockets", datetime(2021, 7, 5, 12, tzinfo=UTC))
    process_story(store, gazetteer, report, now=report.published)
    assert await deliver(store, client, server, gazetteer) == 1
    retraction = Story(key=report.key, url=report.url, feed="Wire", title="No attack on Ain al-Asad",
                       text=RETRACTED, published=report.published)
    (alert,) = process_story(store, gazetteer, retraction, now=report.published + timedelta(hours=2))
    assert alert.action == "withdrawn"
    assert await deliver(store, client, server, gazetteer, now=LATER + timedelta(minutes=1)) == 1
    (message,) = server.messages_in()
    assert len(message.edits) == 1 and message.embeds[0]["title"].startswith("Withdrawn:")
    assert "no report of it is left" in message.embeds[0]["description"]
    assert await deliver(store, client, server, gazetteer, now=LATER + timedelta(hours=1)) == 0
    assert len(message.edits) == 1
