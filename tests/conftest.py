from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import load_config
from bot.models import Site, Story
from bot.sites import Gazetteer
from bot.stories import clean_text, split_sentences

ROOT = Path(__file__).resolve().parent.parent
SHARED_EXAMPLES = ROOT.parent / "shared" / "examples"


@pytest.fixture(scope="session")
def sites() -> list[Site]:
    return load_config(ROOT / "config.yaml").site_records()


@pytest.fixture(scope="session")
def gazetteer(sites: list[Site]) -> Gazetteer:
    return Gazetteer(sites)


def make_story(text: str, published: str = "2021-07-08T05:32:00+00:00", *, title: str = "",
               url: str = "https://news.example/story", feed: str = "News", key: str | None = None) -> Story:
    body = clean_text(text)
    return Story(key=key or url, url=url, feed=feed, title=title, text=body,
                 published=datetime.fromisoformat(published).astimezone(UTC), sentences=split_sentences(body))


class Heartbeat:
    """Ticks every 10 ms on the event loop while a block runs: `gaps` are the times between ticks. A step run
    on the loop instead of a worker thread shows as one gap as long as the step."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._done = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Heartbeat:
        self._task = asyncio.create_task(self._beat())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._done.set()
        if self._task is not None:
            await self._task

    async def _beat(self) -> None:
        while not self._done.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.01)
            self.gaps.append(time.perf_counter() - started)

    @property
    def longest(self) -> float:
        assert self.gaps, "the heartbeat never ran: the event loop was blocked the whole time"
        return max(self.gaps)
