"""One poll over feeds served on 127.0.0.1: unchanged entries are skipped, and matching runs off the event
loop."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.feeds.fetch import FeedFetcher
from bot.feeds.polling import PollOutcome, PollSettings, poll_due_feeds
from bot.matcher.sites import Gazetteer
from bot.models import Site
from bot.store.base import Store
from tests.conftest import Heartbeat, make_store
from tests.local_feeds import LocalFeeds

SCENARIO = Path(__file__).parent.parent / "fixtures" / "scenario"
WIRE = (SCENARIO / "wire.xml").read_text(encoding="utf-8")
NOW = datetime(2021, 3, 6, tzinfo=UTC)
SETTINGS = PollSettings(interval_seconds=600, backlog=timedelta(days=3650), failing_threshold=3)


def with_items(feed: str, *items: str) -> bytes:
    return feed.replace("</channel>", "".join(items) + "</channel>").encode()


def item(number: int, text: str = "Rockets struck Ain al-Asad air base on Friday, officials said.") -> str:
    return (f"<item><title>Report {number}</title><link>https://flash.example/{number}</link>"
            f"<guid>flash-{number}</guid><pubDate>Fri, 05 Mar 2021 22:{number % 60:02d}:00 +0000</pubDate>"
            f"<description>{text}</description></item>")


async def poll(store: Store, gazetteer: Gazetteer) -> PollOutcome:
    store.connection.execute("UPDATE feeds SET next_poll = NULL")

    async def ignore(_: str) -> None:
        return None
    async with FeedFetcher(allow_private=True) as fetcher:
        (outcome,) = await poll_due_feeds(store, fetcher, gazetteer, SETTINGS, now=NOW, rng=random.Random(1),
                                          announce=ignore)
    assert outcome.error is None
    return outcome


async def test_a_feed_served_again_with_one_new_entry_matches_only_that_entry(gazetteer: Gazetteer) -> None:
    store = make_store()
    async with LocalFeeds() as feeds:
        store.ensure_feed(feeds.serve("/wire.xml", with_items(WIRE, item(1))), "Wire")
        first = await poll(store, gazetteer)
        feeds.serve("/wire.xml", with_items(WIRE, item(1), item(2)))
        second = await poll(store, gazetteer)
    assert (first.stories, first.unchanged) == (3, 0)
    assert (second.stories, second.unchanged) == (1, 3)


async def test_an_entry_whose_text_changed_is_matched_again(gazetteer: Gazetteer) -> None:
    store = make_store()
    async with LocalFeeds() as feeds:
        store.ensure_feed(feeds.serve("/wire.xml", with_items(WIRE, item(1))), "Wire")
        await poll(store, gazetteer)
        feeds.serve("/wire.xml", with_items(WIRE, item(1, "Rockets struck Ain al-Asad air base, wounding two.")))
        second = await poll(store, gazetteer)
    assert (second.stories, second.unchanged) == (1, 2)


async def test_a_new_site_on_the_watchlist_has_every_entry_matched_again(sites: list[Site]) -> None:
    store = make_store()
    async with LocalFeeds() as feeds:
        store.ensure_feed(feeds.serve("/wire.xml", with_items(WIRE, item(1))), "Wire")
        await poll(store, Gazetteer(sites))
        store.connection.execute("UPDATE feeds SET etag = NULL, last_modified = NULL")  # no 304: the same entries
        watched = Site("flash-camp", "Camp Flash", (), "IQ", 33.0, 44.0)
        second = await poll(store, Gazetteer([*sites, watched]))
    assert (second.stories, second.unchanged) == (3, 0)


async def test_the_event_loop_keeps_ticking_while_a_huge_feed_is_matched(gazetteer: Gazetteer) -> None:
    store = make_store()
    paragraph = "<p>Rockets struck Ain al-Asad air base and the U.S. embassy in Baghdad on Friday, wounding two.</p>"
    huge = with_items(WIRE, *(item(n, f"<![CDATA[{paragraph * 100}]]>") for n in range(60)))
    async with LocalFeeds() as feeds:
        store.ensure_feed(feeds.serve("/huge.xml", huge), "Huge")
        async with Heartbeat() as heartbeat:
            started = time.perf_counter()
            outcome = await poll(store, gazetteer)
            seconds = time.perf_counter() - started
    assert outcome.stories == 62
    assert seconds > 1.0  # long enough that matching on the loop would have stopped the heartbeat
    assert heartbeat.longest < 0.5, f"the event loop stalled for {heartbeat.longest:.2f} s of a {seconds:.1f} s poll"


async def test_a_feed_removed_and_added_again_is_read_afresh(gazetteer: Gazetteer) -> None:
    store = make_store()
    async with LocalFeeds() as feeds:
        url = feeds.serve("/wire.xml", with_items(WIRE, item(1)))
        store.ensure_feed(url, "Wire")
        await poll(store, gazetteer)
        store.remove_feed(url)
        store.ensure_feed(url, "Wire")
        again = await poll(store, gazetteer)
    assert (again.stories, again.unchanged) == (3, 0)
