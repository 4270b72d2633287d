"""Polling over HTTP against a feed server on 127.0.0.1: no mocks."""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.feeds.fetch import FeedFetcher, FetchFailed, FetchRequest, fetch_once, next_poll_delay
from bot.feeds.http_safety import SafeResolver, UnsafeAddress, check_ip, check_url
from tests.local_feeds import LocalFeeds, StandInInternet, StaticDNS

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'


async def test_conditional_get_answers_304_with_validators_sent() -> None:
    async with LocalFeeds() as feeds, FeedFetcher(allow_private=True) as fetcher:
        url = feeds.serve("/feed", FEED)
        first = await fetcher.fetch(FetchRequest(url))
        assert (first.status, first.body, first.http_status) == ("ok", FEED, 200)
        second = await fetcher.fetch(FetchRequest(url, first.etag, first.last_modified))
        assert second.status == "not_modified" and second.body is None and second.etag == first.etag
        assert feeds.headers_seen["/feed"][1]["If-None-Match"] == first.etag
        assert feeds.headers_seen["/feed"][1]["If-Modified-Since"] == first.last_modified


async def test_gzip_is_decoded() -> None:
    async with LocalFeeds() as feeds, FeedFetcher(allow_private=True) as fetcher:
        result = await fetcher.fetch(FetchRequest(feeds.serve("/gz", FEED, gzip=True)))
        assert result.body == FEED


async def test_permanent_redirect_is_reported_and_temporary_is_not() -> None:
    async with LocalFeeds() as feeds, FeedFetcher(allow_private=True) as fetcher:
        target = feeds.serve("/new", FEED)
        moved = feeds.serve("/old", b"", status=301, location="/new")
        temporary = feeds.serve("/tmp", b"", status=302, location="/new")
        chain = feeds.serve("/chain", b"", status=308, location="/tmp")
        assert (await fetcher.fetch(FetchRequest(moved))).permanent_redirect == target
        assert (await fetcher.fetch(FetchRequest(temporary))).permanent_redirect is None
        result = await fetcher.fetch(FetchRequest(chain))
        assert result.body == FEED and result.permanent_redirect is None


async def test_redirect_to_a_private_address_is_refused() -> None:
    async with LocalFeeds() as feeds, FeedFetcher(allow_private=False) as fetcher:
        # The first hop itself is on loopback: refused before any request is sent.
        result = await fetcher.fetch(FetchRequest(feeds.serve("/feed", FEED)))
        assert result.status == "error" and "private" in (result.error or "")
        assert feeds.hits == {}


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.5", "192.168.1.1", "169.254.169.254", "::1",
                                     "::ffff:10.0.0.1", "0.0.0.0", "fd00::1",
                                     # carrier-grade NAT (and some clouds' metadata), 6to4 of 192.168.1.1,
                                     # NAT64 of 10.0.0.1, IPv4-compatible 127.0.0.1, multicast, broadcast
                                     "100.64.1.1", "2002:c0a8:0101::", "64:ff9b::a00:1", "::7f00:1",
                                     "224.0.0.1", "ff0e::1", "255.255.255.255", "fe80::1%eth0"])
def test_internal_addresses_are_refused(address: str) -> None:
    with pytest.raises(UnsafeAddress):
        check_ip(address, allow_private=False)
    check_ip(address, allow_private=True)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "2002:5db8:d822::", "::ffff:93.184.216.34"])
def test_public_addresses_pass(address: str) -> None:
    check_ip(address, allow_private=False)


def answer(*addresses: str) -> list[list[str]]:
    return [list(addresses)]


async def test_the_resolver_keeps_only_the_public_addresses_of_an_answer() -> None:
    dns = StaticDNS({"mixed.example": answer("10.0.0.7", "93.184.216.34", "::1", "2606:4700::1111"),
                     "inside.example": answer("100.64.1.1", "2002:c0a8:0101::")})
    resolver = SafeResolver(dns)
    kept = await resolver.resolve("mixed.example", 80)
    assert [a["host"] for a in kept] == ["93.184.216.34", "2606:4700::1111"]
    with pytest.raises(UnsafeAddress, match=re.escape("inside.example resolves to 100.64.1.1, 2002:c0a8:0101::")):
        await resolver.resolve("inside.example", 80)
    assert len(await SafeResolver(dns, allow_private=True).resolve("inside.example", 80)) == 2


async def test_every_resolution_is_checked_so_dns_rebinding_gets_nowhere() -> None:
    # The name answers public to the first lookup (a check) and loopback to the next (the connection).
    dns = StaticDNS({"rebind.example": [["93.184.216.34"], ["127.0.0.1"]]})
    resolver = SafeResolver(dns)
    assert [a["host"] for a in await resolver.resolve("rebind.example", 80)] == ["93.184.216.34"]
    with pytest.raises(UnsafeAddress, match=re.escape("rebind.example resolves to 127.0.0.1")):
        await resolver.resolve("rebind.example", 80)


async def test_a_name_resolving_to_a_private_address_is_refused_when_connecting() -> None:
    async with LocalFeeds() as feeds:
        url = f"http://feeds.example:{feeds.port}/feed"
        feeds.serve("/feed", FEED)
        dns = StaticDNS({"feeds.example": answer("127.0.0.1")})
        async with FeedFetcher(allow_private=False, resolver=SafeResolver(dns)) as fetcher:
            refused = await fetcher.fetch(FetchRequest(url))
        assert refused.status == "error" and "feeds.example resolves to 127.0.0.1" in (refused.error or "")
        assert feeds.hits == {} and dns.lookups["feeds.example"] == 1  # resolved, checked, never connected
        # The same name and server with private feeds allowed: the resolver is what refused, nothing else.
        async with FeedFetcher(allow_private=True, resolver=SafeResolver(dns, allow_private=True)) as fetcher:
            assert (await fetcher.fetch(FetchRequest(url))).body == FEED


async def test_the_default_resolver_refuses_localhost_by_name() -> None:
    async with LocalFeeds() as feeds, FeedFetcher(allow_private=False) as fetcher:
        feeds.serve("/feed", FEED)
        result = await fetcher.fetch(FetchRequest(f"http://localhost:{feeds.port}/feed"))
        assert result.status == "error" and "private or internal" in (result.error or "")
        assert feeds.hits == {}


@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/internal", "http://[::ffff:127.0.0.1]:{port}/internal",
                                    "http://intranet.example:{port}/internal"])
async def test_every_redirect_hop_is_checked(target: str) -> None:
    async with LocalFeeds() as feeds:
        feeds.serve("/internal", FEED)
        feeds.serve("/feed", b"", status=302, location=target.format(port=feeds.port))
        internet = StandInInternet(StaticDNS({"news.example": answer("127.0.0.1"),
                                              "intranet.example": answer("127.0.0.1")}), public={"news.example"})
        async with FeedFetcher(allow_private=False, resolver=internet) as fetcher:
            result = await fetcher.fetch(FetchRequest(f"http://news.example:{feeds.port}/feed"))
        assert result.status == "error" and "private or internal" in (result.error or "")
        assert feeds.hits == {"/feed": 1}


async def test_fetch_once_reads_the_whole_body_up_to_the_cap() -> None:
    body = FEED.replace(b"<title>T</title>", b"<title>" + b"T" * 300_000 + b"</title>")
    async with LocalFeeds() as feeds:
        url = feeds.serve("/big", body, trickle=16_384)
        assert await fetch_once(url, allow_private=True) == body
        with pytest.raises(FetchFailed, match="larger than 100000 bytes"):
            await fetch_once(url, allow_private=True, max_bytes=100_000)
        with pytest.raises(FetchFailed, match="private or internal"):
            await fetch_once(url, allow_private=False)


async def test_non_http_urls_are_refused() -> None:
    with pytest.raises(UnsafeAddress):
        await check_url("file:///etc/passwd", allow_private=True)


async def test_slow_server_times_out() -> None:
    async with LocalFeeds() as feeds, FeedFetcher(allow_private=True, timeout=0.3) as fetcher:
        result = await fetcher.fetch(FetchRequest(feeds.serve("/slow", FEED, delay=2.0)))
        assert result.status == "error" and "timeout" in (result.error or "")


async def test_huge_response_is_cut_at_the_cap() -> None:
    async with LocalFeeds() as feeds, FeedFetcher(allow_private=True, max_bytes=200_000) as fetcher:
        result = await fetcher.fetch(FetchRequest(feeds.serve("/huge", b"", huge_bytes=50_000_000)))
        assert result.status == "error" and "larger than 200000" in (result.error or "")
        assert result.elapsed < 5


async def test_server_error_and_refused_connection_are_errors() -> None:
    async with LocalFeeds() as feeds, FeedFetcher(allow_private=True) as fetcher:
        broken = await fetcher.fetch(FetchRequest(feeds.serve("/500", b"", status=500)))
        assert (broken.status, broken.error) == ("error", "HTTP 500")
        port = feeds.port
    async with FeedFetcher(allow_private=True) as fetcher:
        refused = await fetcher.fetch(FetchRequest(f"http://127.0.0.1:{port}/gone"))
        assert refused.status == "error" and refused.error


async def test_one_request_at_a_time_per_host_but_hosts_in_parallel() -> None:
    together = [0, 0]
    async with LocalFeeds(together=together) as one, LocalFeeds(together=together) as two, \
            FeedFetcher(allow_private=True) as fetcher:
        urls = [one.serve(f"/f{i}", FEED, delay=0.05) for i in range(6)]
        urls += [two.serve(f"/f{i}", FEED, delay=0.05) for i in range(6)]
        results = await asyncio.gather(*(fetcher.fetch(FetchRequest(u)) for u in urls))
        assert all(r.status == "ok" for r in results)
        assert one.most_in_flight == 1 and two.most_in_flight == 1  # never two at once on one host
        assert together[1] == 2  # while the two hosts were served side by side


def test_backoff_doubles_and_is_capped_and_jittered() -> None:
    assert next_poll_delay(300, 0, 0.5) == 300
    assert next_poll_delay(300, 0, 0.0) == 270 and next_poll_delay(300, 0, 0.999) < 330
    assert next_poll_delay(300, 3, 0.5) == 2400
    assert next_poll_delay(300, 20, 0.5) == 6 * 3600


async def test_a_slow_hosts_queue_never_holds_every_slot() -> None:
    """Feeds come grouped by host: the host's turn is taken before a concurrency slot, so another host's feed
    is fetched while the slow host's queue waits its turn."""
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
    done: list[str] = []
    async with LocalFeeds() as slow, LocalFeeds() as quick:
        slow_urls = [slow.serve(f"/s{n}.xml", body, delay=0.15) for n in range(6)]
        quick_url = quick.serve("/q.xml", body)
        async with FeedFetcher(allow_private=True, max_concurrency=2) as fetcher:

            async def fetch(url: str, name: str) -> None:
                await fetcher.fetch(FetchRequest(url, None, None))
                done.append(name)

            await asyncio.gather(*(fetch(u, "slow") for u in slow_urls), fetch(quick_url, "quick"))
    assert done.index("quick") < 2, done  # not behind the slow host's queue
