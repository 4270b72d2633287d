"""/status: feed health, relative times from the `now` passed in, outbox depth, uptime."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.store.base import Store
from handlers.status import ago, duration, status
from tests.handlers.conftest import NOW

WIRE = "https://wire.example/rss"
BROKEN = "https://broken.example/rss"
SLOW = "https://slow.example/rss"


@pytest.mark.parametrize(("seconds", "shown"), [
    (0, "0 s"), (45, "45 s"), (60, "1 min"), (725, "12 min 5 s"), (3_600, "1 h"), (7_500, "2 h 5 min"),
    (93_780, "1 d 2 h"), (86_403, "1 d"),
])
def test_durations_use_their_two_largest_units(seconds: int, shown: str) -> None:
    assert duration(seconds) == shown


@pytest.mark.parametrize(("moment", "shown"), [
    (None, "never"), (NOW - timedelta(seconds=20), "just now"), (NOW - timedelta(minutes=3, seconds=50), "3 min ago"),
    (NOW - timedelta(hours=2, minutes=59), "2 h ago"), (NOW - timedelta(days=4), "4 d ago"),
    (NOW + timedelta(minutes=5), "in 5 min"),
])
def test_relative_times_are_computed_from_the_now_passed_in(moment: datetime | None, shown: str) -> None:
    assert ago(moment, NOW) == shown


def test_status_shows_each_feeds_health_and_the_outbox(store: Store) -> None:
    store.ensure_feed(WIRE, "Wire News")
    store.ensure_feed(SLOW, "Slow Outlet")
    store.ensure_feed(BROKEN, "Broken **Outlet** @everyone")
    store.record_poll(WIRE, now=NOW - timedelta(minutes=3), next_poll=NOW, ok=True)
    store.record_poll(SLOW, now=NOW - timedelta(days=2), next_poll=NOW, ok=True)
    for _ in range(2):
        store.record_poll(SLOW, now=NOW - timedelta(minutes=10), next_poll=NOW, ok=False, error="timeout")
    for attempt in range(6):
        store.record_poll(BROKEN, now=NOW - timedelta(hours=1), next_poll=NOW, ok=False,
                          error="HTTP 500 <@99> _oops_", flagged=attempt == 5)
    answer = status(store, now=NOW, started_at=NOW - timedelta(days=1, hours=3, minutes=5), sites_count=26)
    page = answer.pages[0]
    assert answer.ephemeral and answer.colour is not None
    assert f"outbox {store.outbox_depth()} waiting" in page and store.outbox_depth() > 0
    assert "**Up** 1 d 3 h · 26 sites" in page
    assert "**Feeds** 3: 1 ok, 1 failing, 1 flagged" in page
    lines = [line for line in page.splitlines() if line.startswith("**") and " · " in line and "Up" not in line]
    assert "flagged, failing 6 times · polled 1 h ago · never succeeded" in lines[0]  # worst first
    assert "@everyone" not in lines[0] and "\\*\\*Outlet\\*\\*" in lines[0]
    assert "**Slow Outlet** · ⚠️ failing 2 times · polled 10 min ago · last success 2 d ago" in page
    assert "**Wire News** · ✅ ok · polled 3 min ago · last success 3 min ago" in page
    assert "> HTTP 500 <\u200b@99> \\_oops\\_" in page


def test_status_without_feeds_says_how_to_add_one(empty_store: Store) -> None:
    page = status(empty_store, now=NOW, started_at=NOW, sites_count=0).pages[0]
    assert "No feeds" in page and "/feeds add" in page and "**Up** 0 s" in page


def test_a_feed_never_polled_is_not_called_ok(store: Store) -> None:
    store.ensure_feed(WIRE, "Wire News")
    page = status(store, now=NOW, started_at=NOW, sites_count=1).pages[0]
    assert "**Wire News** · ⏳ not polled yet" in page and "polled never" not in page
    assert "0 ok, 0 failing, 0 flagged, 1 not polled yet" in page


def test_a_feed_that_never_worked_says_so(store: Store) -> None:
    store.ensure_feed(BROKEN, "Broken")
    store.record_poll(BROKEN, now=NOW - timedelta(minutes=5), next_poll=NOW, ok=False, error="HTTP 404")
    page = status(store, now=NOW, started_at=NOW, sites_count=1).pages[0]
    assert "**Broken** · ⚠️ failing 1 time · polled 5 min ago · never succeeded" in page


def test_the_feed_list_shows_where_each_feed_comes_from(store: Store) -> None:
    from handlers.feeds import list_feeds

    store.ensure_feed(SLOW, "Slow Outlet")
    store.ensure_feed(BROKEN, "Chat Outlet", added_by_command=True)
    page = list_feeds(store).pages[0]
    assert "**Slow Outlet** · ⏳ not polled yet · from the config file" in page
    assert "**Chat Outlet** · ⏳ not polled yet · added in chat" in page
