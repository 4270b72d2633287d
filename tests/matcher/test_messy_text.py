"""The same story, made as messy as republished copies are, gives the same attacks."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest

from bot.config import load_config
from bot.feeds.parse import parse_feed
from bot.matcher.attacks import find_attacks
from bot.matcher.sites import Gazetteer
from bot.matcher.stories import clean_text
from bot.models import Story
from tests.conftest import SHARED_EXAMPLES


def seed() -> tuple[Story, str, Gazetteer]:
    gazetteer = Gazetteer(load_config(SHARED_EXAMPLES / "config.yaml").site_records())
    raw = (SHARED_EXAMPLES / "seed-feed.xml").read_text(encoding="utf-8")
    body = html.unescape(re.search(r"<description>(.*?)</description>", raw.split("<item>")[1], re.S).group(1))
    story = parse_feed(raw.encode(), "seed").stories[0]
    return story, body, gazetteer


def mojibake(text: str) -> str:
    return text.encode("utf-8").decode("cp1252", errors="replace")


def as_html(text: str) -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p).replace('’', '&#8217;')}</p>" for p in paragraphs)


def single_spaced(text: str) -> str:
    return re.sub(r"\n{2,}", "\n", text)


def hard_wrapped(text: str) -> str:
    return re.sub(r"(.{60,}?) ", lambda m: m.group(1) + "\n", text)


def broken_after_abbreviations(text: str) -> str:
    return re.sub(r"(U\.S\.|Col\.|Gen\.) ", r"\1\n\n\n\n", text)


MESSES: dict[str, Callable[[str], str]] = {
    "mojibake": mojibake, "html": as_html, "single-spaced": single_spaced, "hard-wrapped": hard_wrapped,
    "broken-after-abbreviations": broken_after_abbreviations,
    "all-at-once": lambda t: as_html(broken_after_abbreviations(mojibake(t))),
}


@pytest.mark.parametrize("mess", sorted(MESSES))
def test_messy_copies_give_the_same_attacks(mess: str) -> None:
    story, body, gazetteer = seed()
    expected = {(a.site_id, a.day) for a in find_attacks(story, gazetteer)}
    text = clean_text(MESSES[mess](body))
    messy = Story(story.key, story.url, story.feed, story.title, text, story.published)
    assert {(a.site_id, a.day) for a in find_attacks(messy, gazetteer)} == expected
    assert len(expected) == 5
