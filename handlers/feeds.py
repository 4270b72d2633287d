"""/feeds list|add|remove (Manage Server only). A feed is fetched and parsed once before it is accepted.

Network access is passed in: `check_url` refuses addresses the config does not allow (private, loopback,
link-local), `fetch_bytes` downloads once (in the bot, bot.feeds.fetch.fetch_once: redirects checked hop by hop and
the whole body read, as a poll does). `refuse_private_literal` is the part of such a check that needs no DNS:
a host written as an IP address, or localhost.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from rapidfuzz import fuzz, process

from bot.errors import CommandError, FeedError, SiteWatchError
from bot.feeds.http_safety import is_public
from bot.feeds.parse import parse_feed
from bot.store.base import Store
from handlers.answers import Answer, clip, paginate, safe_text, safe_url
from handlers.status import health

log = logging.getLogger("sitewatch.commands.feeds")

URL_LIMIT = 2000  # longer is not a feed address anyone types
NAME_LIMIT = 100
# A URL this close to a polled one is probably it with a typo or a slash more or less.
URL_SUGGESTION_SCORE = 90
# Characters RFC 3986 leaves out of URLs; in an answer they would also end a <link> early.
_NOT_IN_URLS = frozenset('<>"{}|\\^`')


def refuse_private_literal(url: str, allow_private: bool) -> None:
    """Raise CommandError when the URL's host is an address on a private, loopback, link-local or otherwise
    internal network (written as an IP, in any form the resolver accepts) or localhost, unless allowed."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    if allow_private:
        return
    if host == "localhost" or host.endswith(".localhost"):
        raise CommandError(f"Not added: {host} is this machine.")
    address = _literal_address(host)
    if address is None:
        return
    if not is_public(address):
        raise CommandError(f"Not added: {host} is a private or internal address.")


def _literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    # The resolver also reads 2130706433, 0x7f.1 and 127.1 as 127.0.0.1: they are literals too.
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def list_feeds(store: Store) -> Answer:
    """The feeds being polled."""
    feeds = sorted(store.feeds(), key=lambda f: (f.name or f.url).lower())
    # The origin decides what a restart does: the config file's come back, chat's stay until removed.
    lines = [f"**{safe_text(feed.name or feed.url, NAME_LIMIT)}** · {health(feed)}"
             + (" · added in chat" if feed.added_by_command else " · from the config file")
             + f"\n<{safe_url(feed.url)}>" for feed in feeds]
    if not lines:
        return Answer("No feeds", ("No feeds are polled: add some to config.yaml or with /feeds add.",),
                      ephemeral=True)
    return Answer(f"{len(feeds)} feeds", paginate(lines, per_page=15), ephemeral=True)


async def add_feed(store: Store, url: str, *, name: str | None = None,
                   check_url: Callable[[str], Awaitable[None]],
                   fetch_bytes: Callable[[str], Awaitable[bytes]]) -> Answer:
    """Poll a new feed, once it has been fetched and read as a feed with entries."""
    url = _checked_url(url)
    if store.feed(url) is not None:
        raise CommandError(f"<{url}> is already polled.")
    try:
        await check_url(url)
    except CommandError:
        raise
    except Exception as error:  # whatever check_url raises is its refusal, and says why
        raise CommandError(f"Not added: {error}") from error
    try:
        data = await fetch_bytes(url)
    except CommandError:
        raise
    except SiteWatchError as error:  # a refusal or failure that says why in one line (bot.feeds.fetch.FetchFailed)
        log.info("event=feed_probe_failed url=%s error=%r", url, error)
        raise CommandError(f"Not added: could not download <{url}>: {safe_text(str(error), 300)}") from error
    except Exception as error:  # network failures of every kind: one line for the person, the detail in the log
        log.info("event=feed_probe_failed url=%s error=%r", url, error)
        raise CommandError(f"Not added: could not download <{url}> ({type(error).__name__}).") from error
    try:
        # A hostile feed takes seconds to parse: off the event loop, as polling does.
        parsed = await asyncio.to_thread(parse_feed, data, url)
    except FeedError as error:
        raise CommandError(f"Not added: <{url}> is not an RSS, Atom or RDF feed.") from error
    if not parsed.stories:
        raise CommandError(f"Not added: <{url}> is a feed but has no entries with a title or text.")
    shown = clip(" ".join((name or "").split()), NAME_LIMIT) or parsed.title
    store.ensure_feed(url, shown, added_by_command=True)
    log.info("event=feed_added url=%s entries=%d", url, len(parsed.stories))
    entries = f"{len(parsed.stories)} entr" + ("y" if len(parsed.stories) == 1 else "ies")
    return Answer("Feed added", (f"**{safe_text(shown)}** <{url}> has {entries}; it is polled from the next "
                                 "cycle.",), ephemeral=True)


def remove_feed(store: Store, url: str) -> Answer:
    """Stop polling a feed."""
    url = url.strip()
    feed = store.feed(url)
    if feed is None:
        known = [f.url for f in store.feeds()]
        close = process.extractOne(url, known, scorer=fuzz.ratio, score_cutoff=URL_SUGGESTION_SCORE)
        hint = f" Did you mean <{close[0]}>?" if close else " /feeds list shows them."
        raise CommandError(f"No feed “{safe_text(url, 200)}” is polled.{hint}")
    store.remove_feed(url)
    note = "" if feed.added_by_command else " It is in the config file: remove it there too, or it returns at restart."
    return Answer("Feed removed", (f"**{safe_text(feed.name or url, NAME_LIMIT)}** <{url}> is no longer polled."
                                   + note,), ephemeral=True)


def _checked_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise CommandError("A feed URL starts with http:// or https:// and names a host.")
    if len(url) > URL_LIMIT or any(c.isspace() or not c.isprintable() or c in _NOT_IN_URLS for c in url):
        raise CommandError("That is not a feed URL: it is too long or has spaces or <>\"{}|\\^` in it.")
    if parts.username is not None or parts.password is not None:
        raise CommandError("A feed URL must not carry a user name or password.")
    try:
        _ = parts.port  # raises on a port that is not a number or out of range
    except ValueError as error:
        raise CommandError("That feed URL's port is not valid.") from error
    return url
