"""A real store, filled the way the bot fills it: fixture feeds through the pipeline, in publish order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.feeds.parse import parse_feed
from bot.matcher.sites import Gazetteer
from bot.processing import process_story
from bot.store.base import Store, StoredIncident
from tests.conftest import ROOT, SHARED_EXAMPLES, make_store

FIXTURES = ROOT / "tests" / "fixtures"
FEED_FILES = (*sorted((FIXTURES / "scenario").glob("*.xml")), SHARED_EXAMPLES / "seed-feed.xml")
# The fixture stories run from March to July 2021; the seed feed's were published on 8 July.
TODAY = date(2021, 7, 9)
NOW = datetime(2021, 7, 9, 12, 0, tzinfo=UTC)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def fill(store: Store, gazetteer: Gazetteer, paths: tuple[Path, ...] = FEED_FILES) -> Store:
    stories = sorted((story for path in paths for story in parse_feed(path.read_bytes(), path.name).stories),
                     key=lambda story: story.published)
    for story in stories:
        process_story(store, gazetteer, story, now=story.published)
    return store


@pytest.fixture
def store(gazetteer: Gazetteer) -> Iterator[Store]:
    filled = fill(make_store(":memory:"), gazetteer)
    yield filled
    filled.close()


@pytest.fixture
def empty_store() -> Iterator[Store]:
    store = make_store(":memory:")
    yield store
    store.close()


def incident_at(store: Store, site_id: str, day: date) -> StoredIncident:
    return next(i for i in store.recent_incidents(date.min, site_id=site_id, limit=1000) if i.facts.day == day)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
