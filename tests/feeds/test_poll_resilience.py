"""A story, or a feed, that fails is logged and skipped; every other story and feed is still polled."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

import bot.feeds.polling
from bot.chat.delivery import ConsoleSink
from bot.config import parse_config
from bot.feeds.parse import parse_feed
from bot.service import Service, run_service
from tests.conftest import ROOT, make_store, sqlite_only
from tests.local_feeds import LocalFeeds
from tests.test_service import SITES, config_for

ATTACK = ("<item><title>{title}</title><link>http://news.example/{slug}</link><pubDate>{date}</pubDate>"
          "<description>Three rockets struck Ain al-Asad air base in western Iraq on Monday, the coalition said. "
          "{extra}</description></item>")
PATHOLOGICAL_DATES = ["Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT", "9999-12-31T23:59:59Z",
                      "0001-01-01T00:00:00Z", "Sat, 01 Jan 1000 00:00:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT",
                      "not a date at all"]


def feed_of(*items: str) -> bytes:
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
            + "".join(items) + "</channel></rss>").encode()


def attack_item(slug: str, date: str, title: str = "Rockets hit Ain al-Asad air base", extra: str = "") -> str:
    return ATTACK.format(title=title, slug=slug, date=date, extra=extra)


@pytest.mark.parametrize("date", PATHOLOGICAL_DATES)
def test_pathological_publish_time_is_treated_as_missing(date: str) -> None:
    (story,) = parse_feed(feed_of(attack_item("a", date)), "feed",
                          fallback_time=datetime(2021, 7, 5, 12, tzinfo=UTC)).stories
    assert story.published == datetime(2021, 7, 5, 12, tzinfo=UTC)


@pytest.mark.parametrize("date", PATHOLOGICAL_DATES)
async def test_entry_with_a_pathological_date_never_stops_polling(date: str) -> None:
    printed: list[str] = []
    async with LocalFeeds() as feeds:
        odd = feeds.serve("/odd.xml", feed_of(attack_item("odd", date, "Rockets hit Ain al-Asad again",
                                                          "Two days ago another rocket fell near the base.")))
        good = feeds.serve("/good.xml", feed_of(
            ATTACK.format(title="Drone hits Erbil airport", slug="good", date="Mon, 05 Jul 2021 15:00:00 GMT",
                          extra="").replace("Ain al-Asad air base in western Iraq", "Erbil airport")))
        service = Service(parse_config(config_for(odd, good)), make_store(), ConsoleSink(printed.append),
                          console=True, clock=lambda: datetime(2021, 7, 6, tzinfo=UTC))
        await run_service(service, once=True)
        await run_service(service, once=True)  # the next tick polls again, nothing stuck
    assert any("Erbil" in line for line in printed if line.startswith("[NEW]"))
    assert all(feed.consecutive_failures == 0 for feed in service.store.feeds())


async def test_a_story_the_matcher_fails_on_is_logged_and_the_others_go_on(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    real = bot.feeds.polling.process_story

    def failing_on_one(store, gazetteer, story, now, **kwargs):  # type: ignore[no-untyped-def]
        if "poison" in story.title:
            raise RuntimeError("matcher bug")
        return real(store, gazetteer, story, now, **kwargs)

    monkeypatch.setattr(bot.feeds.polling, "process_story", failing_on_one)
    printed: list[str] = []
    async with LocalFeeds() as feeds:
        url = feeds.serve("/mixed.xml", feed_of(
            attack_item("poison", "Mon, 05 Jul 2021 14:00:00 GMT", "poison story"),
            attack_item("fine", "Mon, 05 Jul 2021 15:00:00 GMT")))
        service = Service(parse_config(config_for(url)), make_store(), ConsoleSink(printed.append), console=True,
                          clock=lambda: datetime(2021, 7, 6, tzinfo=UTC))
        await run_service(service, once=True)
    assert "event=story_failed" in caplog.text and "poison" in caplog.text
    assert sum(line.startswith("[NEW]") for line in printed) == 1


async def test_a_feed_that_crashes_is_recorded_as_failing_and_the_others_go_on(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    real = bot.feeds.polling.parse_feed

    def crashing_on_one(data: bytes, source: str, **kwargs):  # type: ignore[no-untyped-def]
        if source.endswith("/crash.xml"):
            raise OverflowError("date value out of range")
        return real(data, source, **kwargs)

    monkeypatch.setattr(bot.feeds.polling, "parse_feed", crashing_on_one)
    printed: list[str] = []
    async with LocalFeeds() as feeds:
        crash = feeds.serve("/crash.xml", feed_of(attack_item("c", "Mon, 05 Jul 2021 14:00:00 GMT")))
        good = feeds.serve("/good.xml", feed_of(attack_item("g", "Mon, 05 Jul 2021 15:00:00 GMT")))
        service = Service(parse_config(config_for(crash, good)), make_store(), ConsoleSink(printed.append),
                          console=True, clock=lambda: datetime(2021, 7, 6, tzinfo=UTC))
        await run_service(service, once=True)
    failing = {f.url: f for f in service.store.feeds()}
    assert failing[crash].consecutive_failures == 1 and "OverflowError" in (failing[crash].last_error or "")
    assert failing[good].consecutive_failures == 0
    assert sum(line.startswith("[NEW]") for line in printed) == 1
    assert "event=feed_crashed" in caplog.text


@sqlite_only("the instance lock on a database file (PostgreSQL workers share a store by leases)")
def test_second_bot_on_one_database_refuses_to_start_in_one_line(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    config = tmp_path / "config.yaml"
    config.write_text(SITES + f"\nfeeds: []\ndatabase: {database}\n", encoding="utf-8")
    # No token: the console bot, on the real file (a --dry-run works on a copy and takes no lock).
    no_token = {key: value for key, value in os.environ.items() if key != "DISCORD_TOKEN"}
    first = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config)], env=no_token,
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while not (tmp_path / "bot.sqlite3.lock").exists() or not (tmp_path / "bot.sqlite3.lock").read_text():
            assert first.poll() is None and time.monotonic() < deadline, first.communicate()
            time.sleep(0.05)
        second = subprocess.run([sys.executable, "-m", "bot", "run", "--config", str(config), "--once"],
                                cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        (line,) = second.stderr.strip().splitlines()
        assert "another SiteWatch process" in line and f"pid {first.pid}" in line
    finally:
        first.kill()  # like kill -9: the kernel drops the lock with the process
        first.wait()
    third = subprocess.run([sys.executable, "-m", "bot", "run", "--config", str(config), "--once"],
                           cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert third.returncode == 0, third.stderr


async def test_answers_are_processed_as_they_arrive_not_after_the_slowest_feed() -> None:
    printed: list[str] = []
    async with LocalFeeds() as slow_host, LocalFeeds() as quick_host:
        slow = slow_host.serve("/a-slow.xml", feed_of(attack_item("s", "Mon, 05 Jul 2021 14:00:00 GMT")), delay=1.0)
        quick = quick_host.serve("/b-quick.xml", feed_of(attack_item("q", "Mon, 05 Jul 2021 15:00:00 GMT",
                                                                     "Rockets hit Ain al-Asad again")))
        service = Service(parse_config(config_for(slow, quick)), make_store(), ConsoleSink(printed.append),
                          console=True, clock=lambda: datetime(2021, 7, 6, tzinfo=UTC))
        outcomes = await run_service(service, once=True)
    assert [o.url for o in outcomes] == [quick, slow]  # the quick feed was matched while the slow one loaded
