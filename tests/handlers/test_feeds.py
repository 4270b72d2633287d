"""/feeds: a feed is accepted only after one fetch that parses as a feed with entries; private addresses are
refused before anything is fetched."""

from __future__ import annotations

import re
import time
from functools import partial
from pathlib import Path

import pytest

from bot.errors import CommandError
from bot.feeds.fetch import fetch_once
from bot.feeds.http_safety import check_url
from bot.feeds.parse import parse_feed
from bot.store.base import Store
from handlers.feeds import add_feed, list_feeds, refuse_private_literal, remove_feed
from tests.conftest import Heartbeat
from tests.handlers.conftest import FIXTURES
from tests.local_feeds import LocalFeeds, StandInInternet, StaticDNS, rss_with_entries

WIRE_FILE = FIXTURES / "scenario" / "wire.xml"


class FixtureWeb:
    """check_url and fetch_bytes over fixture files: real literal-address checks, no network."""

    def __init__(self, path: Path, *, allow_private: bool = False) -> None:
        self.path = path
        self.allow_private = allow_private
        self.fetched: list[str] = []

    async def check_url(self, url: str) -> None:
        refuse_private_literal(url, self.allow_private)

    async def fetch_bytes(self, url: str) -> bytes:
        self.fetched.append(url)
        return self.path.read_bytes()


async def add(store: Store, url: str, web: FixtureWeb, name: str | None = None) -> str:
    answer = await add_feed(store, url, name=name, check_url=web.check_url, fetch_bytes=web.fetch_bytes)
    assert answer.ephemeral
    return answer.pages[0]


@pytest.mark.parametrize("host", [
    "127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "[::1]",
    "[fe80::1]", "[fd00::5]", "[::ffff:127.0.0.1]", "2130706433", "0x7f.1", "127.1", "localhost", "feeds.localhost",
    "224.0.0.1", "100.64.1.1", "[2002:c0a8:0101::]", "[64:ff9b::a00:1]",
])
def test_private_and_internal_literal_addresses_are_refused(host: str) -> None:
    with pytest.raises(CommandError, match="Not added"):
        refuse_private_literal(f"http://{host}/feed.xml", allow_private=False)
    refuse_private_literal(f"http://{host}/feed.xml", allow_private=True)


@pytest.mark.parametrize("url", ["https://93.184.216.34/rss", "https://[2606:4700::1111]/rss", "https://news.example/rss"])
def test_public_addresses_and_names_pass_the_literal_check(url: str) -> None:
    refuse_private_literal(url, allow_private=False)


async def test_a_feed_is_fetched_once_parsed_and_stored(empty_store: Store) -> None:
    web = FixtureWeb(WIRE_FILE)
    entries = len(parse_feed(WIRE_FILE.read_bytes(), "wire").stories)
    text = await add(empty_store, "https://wire.example/rss", web)
    assert web.fetched == ["https://wire.example/rss"]
    assert f"has {entries} entries" in text and "**Wire News**" in text
    feed = empty_store.feed("https://wire.example/rss")
    assert feed is not None and feed.added_by_command and feed.name == "Wire News"


async def test_a_name_given_replaces_the_feeds_title(empty_store: Store) -> None:
    await add(empty_store, "https://wire.example/rss", FixtureWeb(WIRE_FILE), name="  The  Wire ")
    feed = empty_store.feed("https://wire.example/rss")
    assert feed is not None and feed.name == "The Wire"


async def test_a_private_address_is_refused_before_any_fetch(empty_store: Store) -> None:
    web = FixtureWeb(WIRE_FILE)
    with pytest.raises(CommandError, match="private or internal"):
        await add(empty_store, "http://169.254.169.254/latest/meta-data", web)
    assert web.fetched == [] and empty_store.feeds() == []
    await add(empty_store, "http://10.0.0.5/rss", FixtureWeb(WIRE_FILE, allow_private=True))
    assert empty_store.feed("http://10.0.0.5/rss") is not None


async def test_whatever_check_url_raises_becomes_the_refusal(empty_store: Store) -> None:
    class Refused(Exception):
        pass

    async def refuse(url: str) -> None:
        raise Refused("refused: feeds.example resolves to 10.0.0.7")

    web = FixtureWeb(WIRE_FILE)
    with pytest.raises(CommandError, match=re.escape("Not added: refused: feeds.example resolves to 10.0.0.7")):
        await add_feed(empty_store, "https://feeds.example/rss", check_url=refuse, fetch_bytes=web.fetch_bytes)
    assert web.fetched == []


@pytest.mark.parametrize("url", ["ftp://wire.example/rss", "wire.example/rss", "javascript:alert(1)", "https://",
                                 "https://user:pw@wire.example/rss", "https://wire.example/r ss",
                                 "https://wire.example:99999/rss", "https://wire.example/<rss>"])
async def test_an_invalid_url_is_refused_before_any_check_or_fetch(empty_store: Store, url: str) -> None:
    web = FixtureWeb(WIRE_FILE)
    with pytest.raises(CommandError):
        await add(empty_store, url, web)
    assert web.fetched == [] and empty_store.feeds() == []


@pytest.mark.parametrize(("fixture", "message"), [
    ("broken/notes.txt", "is not an RSS, Atom or RDF feed"), ("broken/binary.xml", "is not an RSS, Atom or RDF feed"),
    ("broken/truncated.xml", "has no entries"),
])
async def test_what_is_not_a_feed_with_entries_is_refused(empty_store: Store, fixture: str,
                                                          message: str) -> None:
    with pytest.raises(CommandError, match=message):
        await add(empty_store, "https://other.example/feed", FixtureWeb(FIXTURES / fixture))
    assert empty_store.feeds() == []


async def test_a_download_failure_is_one_clear_line(empty_store: Store) -> None:
    async def unreachable(url: str) -> bytes:
        raise ConnectionRefusedError(111, "Connection refused")

    with pytest.raises(CommandError, match=r"could not download .* \(ConnectionRefusedError\)"):
        await add_feed(empty_store, "https://down.example/rss", check_url=FixtureWeb(WIRE_FILE).check_url,
                       fetch_bytes=unreachable)


async def test_a_feed_already_polled_is_not_added_twice(empty_store: Store) -> None:
    empty_store.ensure_feed("https://wire.example/rss", "Wire News")
    web = FixtureWeb(WIRE_FILE)
    with pytest.raises(CommandError, match="already polled"):
        await add(empty_store, "https://wire.example/rss", web)
    assert web.fetched == []


async def test_feeds_are_listed_and_removed(empty_store: Store) -> None:
    empty_store.ensure_feed("https://config.example/rss", "From_config")
    await add(empty_store, "https://wire.example/rss", FixtureWeb(WIRE_FILE))
    listing = list_feeds(empty_store)
    assert listing.title == "2 feeds" and listing.ephemeral
    page = listing.pages[0]
    assert "**From\\_config** · ⏳ not polled yet · from the config file\n<https://config.example/rss>" in page
    assert "**Wire News** · ⏳ not polled yet · added in chat\n<https://wire.example/rss>" in page

    assert "no longer polled." in remove_feed(empty_store, " https://wire.example/rss ").pages[0]
    assert "config file" in remove_feed(empty_store, "https://config.example/rss").pages[0]
    assert list_feeds(empty_store).title == "No feeds"


def test_removing_an_unknown_feed_suggests_a_close_one(empty_store: Store) -> None:
    empty_store.ensure_feed("https://wire.example/rss", "Wire News")
    with pytest.raises(CommandError, match=re.escape("Did you mean <https://wire.example/rss>?")):
        remove_feed(empty_store, "https://wire.example/rss/")
    with pytest.raises(CommandError, match="/feeds list"):
        remove_feed(empty_store, "https://elsewhere.example/feed")


async def add_over_http(store: Store, url: str, internet: StandInInternet, *,
                        allow_private: bool = False) -> str:
    """/feeds add with check_url and fetch_bytes as bot/chat/commands.py passes them, over stand-in DNS."""
    answer = await add_feed(store, url, check_url=partial(check_url, allow_private=allow_private),
                            fetch_bytes=partial(fetch_once, allow_private=allow_private, resolver=internet))
    return answer.pages[0]


@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/internal.xml", "http://intranet.example:{port}/internal.xml"])
async def test_a_redirect_to_an_internal_address_is_refused(empty_store: Store, target: str) -> None:
    async with LocalFeeds() as feeds:
        feeds.serve("/internal.xml", WIRE_FILE.read_bytes())  # "Wire News" must not come back in the reply
        feeds.serve("/feed", b"", status=302, location=target.format(port=feeds.port))
        dns = StaticDNS({"news.example": [["127.0.0.1"]], "intranet.example": [["127.0.0.1"]]})
        internet = StandInInternet(dns, public={"news.example"})
        with pytest.raises(CommandError, match=r"Not added: could not download .*private or internal") as refusal:
            await add_over_http(empty_store, f"http://news.example:{feeds.port}/feed", internet)
        assert "Wire" not in str(refusal.value)
        assert feeds.hits == {"/feed": 1} and empty_store.feeds() == []


async def test_a_redirect_between_public_hosts_is_followed(empty_store: Store) -> None:
    async with LocalFeeds() as feeds:
        feeds.serve("/wire.xml", WIRE_FILE.read_bytes())
        feeds.serve("/feed", b"", status=301, location=f"http://cdn.example:{feeds.port}/wire.xml")
        dns = StaticDNS({"news.example": [["127.0.0.1"]], "cdn.example": [["127.0.0.1"]]})
        internet = StandInInternet(dns, public={"news.example", "cdn.example"})
        text = await add_over_http(empty_store, f"http://news.example:{feeds.port}/feed", internet)
        assert "**Wire News**" in text and feeds.hits == {"/feed": 1, "/wire.xml": 1}


async def test_a_feed_larger_than_one_read_is_read_whole(empty_store: Store) -> None:
    body = rss_with_entries(400)
    async with LocalFeeds() as feeds:
        url = feeds.serve("/big.xml", body, trickle=8192)  # 84 KB in 11 pieces
        text = await add_over_http(empty_store, url, StandInInternet(StaticDNS({}), set()), allow_private=True)
        assert len(body) > 80_000 and "has 400 entries" in text


async def test_feeds_add_parses_a_huge_feed_off_the_event_loop(empty_store: Store) -> None:
    entry = ("<item><title>Entry {n}</title><link>https://feeds.example/{n}</link>"
             "<pubDate>Mon, 05 Jul 2021 10:00:00 GMT</pubDate><description><![CDATA["
             + "<div>" * 400 + "Rockets struck a market." + "</div>" * 400 + "]]></description></item>")
    huge = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>'
            + "".join(entry.format(n=n) for n in range(300)) + "</channel></rss>").encode()
    async def allow(url: str) -> None:
        return None

    async def fetch(url: str) -> bytes:
        return huge

    async with Heartbeat() as heartbeat:
        started = time.perf_counter()
        answer = await add_feed(empty_store, "https://feeds.example/huge", check_url=allow, fetch_bytes=fetch)
        seconds = time.perf_counter() - started
    assert "300 entries" in answer.pages[0], seconds
    assert seconds > 0.5  # long enough that parsing on the loop would have stopped the heartbeat
    assert heartbeat.longest < 0.5 * seconds, f"the event loop stalled for {heartbeat.longest:.2f} s of {seconds:.1f} s"
