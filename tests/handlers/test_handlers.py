"""Command logic over a real store filled from fixture feeds."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.errors import CommandError
from bot.feeds import parse_feed
from bot.models import Site
from bot.processing import process_story
from bot.sites import Gazetteer
from bot.store.sqlite import SQLiteStore
from handlers import feeds, incidents, search, status, track
from handlers import sites as site_commands
from handlers.answers import paginate
from tests.conftest import SHARED_EXAMPLES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOW = datetime(2021, 7, 9, tzinfo=UTC)


@pytest.fixture
def store(gazetteer: Gazetteer) -> SQLiteStore:
    filled = SQLiteStore()
    paths = [*sorted((FIXTURES / "scenario").glob("*.xml")), SHARED_EXAMPLES / "seed-feed.xml"]
    stories = sorted((s for p in paths for s in parse_feed(p.read_bytes(), p.name).stories),
                     key=lambda s: s.published)
    for story in stories:
        process_story(filled, gazetteer, story, now=story.published)
    return filled


@pytest.mark.parametrize("query", ["ain asad", "Ayn al Assad", "ain-al-asad", "AIN AL-ASAD AIR BASE"])
def test_fuzzy_site_lookup(sites: list[Site], query: str) -> None:
    assert site_commands.find_site(sites, query).id == "ain-al-asad"


def test_misspelt_airport_is_found(sites: list[Site]) -> None:
    assert site_commands.find_site(sites, "erbil airprot").id == "erbil-airport"


def test_unknown_site_gets_suggestions_or_a_clear_no(sites: list[Site]) -> None:
    with pytest.raises(CommandError, match="No tracked site matches"):
        site_commands.find_site(sites, "zzzz qqqq")


def test_autocomplete(sites: list[Site]) -> None:
    assert site_commands.autocomplete(sites, "tanf")[0] == ("Al-Tanf Garrison", "al-tanf")
    assert len(site_commands.autocomplete(sites, "")) == min(25, len(sites))


def test_site_answer_has_incidents_and_a_png_chart(store: SQLiteStore, sites: list[Site]) -> None:
    answer = site_commands.site(store, sites, "ain asad", today=NOW.date())
    assert "Last incidents" in answer.pages[0]
    assert answer.file is not None and answer.file[1].startswith(b"\x89PNG\r\n\x1a\n")


def test_recent_and_incident(store: SQLiteStore, sites: list[Site]) -> None:
    answer = incidents.recent(store, sites, today=date(2021, 7, 9), days=7)
    assert "ain-al-asad" not in answer.pages[0] and "Ain al-Asad Air Base" in answer.pages[0]
    first = store.recent_incidents(date(2021, 1, 1))[-1]
    detail = incidents.incident(store, sites, first.id)
    assert "Sources" in detail.pages[0]
    with pytest.raises(CommandError, match="No incident #999"):
        incidents.incident(store, sites, 999)


def test_search_and_status(store: SQLiteStore) -> None:
    assert "match" in search.search(store, "Bayader rockets").title
    with pytest.raises(CommandError):
        search.search(store, "  ")
    store.ensure_feed("https://wire.example/rss", "Wire")
    answer = status.status(store, now=NOW, started_at=NOW, sites_count=26)
    assert "Wire" in answer.pages[0] and answer.ephemeral


async def test_add_feed_fetches_and_parses_once(store: SQLiteStore) -> None:
    async def allow(url: str) -> None:
        return None

    async def fixture_bytes(url: str) -> bytes:
        return (FIXTURES / "scenario" / "wire.xml").read_bytes()

    async def broken_bytes(url: str) -> bytes:
        return (FIXTURES / "broken" / "notes.txt").read_bytes()

    answer = await feeds.add_feed(store, "https://wire.example/rss", name=None, check_url=allow,
                                  fetch_bytes=fixture_bytes)
    assert "2 entries" in answer.pages[0]
    assert store.feed("https://wire.example/rss") is not None
    with pytest.raises(CommandError, match="not a feed"):
        await feeds.add_feed(store, "https://other.example/", name=None, check_url=allow, fetch_bytes=broken_bytes)
    with pytest.raises(CommandError, match="http"):
        await feeds.add_feed(store, "ftp://x", name=None, check_url=allow, fetch_bytes=fixture_bytes)


async def test_add_feed_refuses_private_addresses(store: SQLiteStore) -> None:
    from bot.http_safety import check_url

    async def refuse(url: str) -> None:
        await check_url(url, allow_private=False)

    async def never(url: str) -> bytes:
        raise AssertionError("must not fetch")

    with pytest.raises(CommandError, match="private"):
        await feeds.add_feed(store, "http://169.254.169.254/latest", name=None, check_url=refuse, fetch_bytes=never)


def test_track_add_validates_and_remove(store: SQLiteStore, sites: list[Site]) -> None:
    with pytest.raises(CommandError, match="country"):
        track.track_add(store, sites, site_id="x-base", name="X", country="Iraq", lat=1, lon=2, by="me", now=NOW)
    track.track_add(store, sites, site_id="x-base", name="X Base", country="IQ", lat=1, lon=2, by="me", now=NOW)
    assert any(s.id == "x-base" for s in store.tracked_sites(sites))
    track.track_remove(store, sites, "ain-al-asad", by="me", now=NOW)
    assert not any(s.id == "ain-al-asad" for s in store.tracked_sites(sites))


def test_long_answers_paginate() -> None:
    pages = paginate([f"line {n} " + "x" * 300 for n in range(100)])
    assert len(pages) > 5 and all(len(p) <= 4000 for p in pages)
