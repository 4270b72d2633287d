from __future__ import annotations

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
