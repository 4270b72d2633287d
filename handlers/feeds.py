"""/feeds add|remove|list (Manage Server only). A feed is fetched and parsed once before it is accepted."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from bot.errors import CommandError, FeedError
from bot.feeds import parse_feed
from bot.http_safety import UnsafeAddress
from bot.store.sqlite import SQLiteStore
from handlers.answers import Answer, paginate, safe_text


def list_feeds(store: SQLiteStore) -> Answer:
    """The feeds being polled."""
    feeds = store.feeds()
    lines = [f"{safe_text(f.name or '')} <{f.url}>" + (" (added in chat)" if f.added_by_command else "")
             for f in feeds]
    return Answer(f"{len(feeds)} feeds", paginate(lines, per_page=25), ephemeral=True)


async def add_feed(store: SQLiteStore, url: str, *, name: str | None, check_url: Callable[[str], Awaitable[None]],
                   fetch_bytes: Callable[[str], Awaitable[bytes]]) -> Answer:
    """Add a feed after fetching and parsing it once."""
    url = url.strip()
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise CommandError("A feed URL starts with http:// or https://.")
    if store.feed(url):
        raise CommandError("That feed is already polled.")
    try:
        await check_url(url)
    except UnsafeAddress as error:
        raise CommandError(f"Not added: {error}.") from error
    try:
        data = await fetch_bytes(url)
        parsed = parse_feed(data, url)
    except FeedError as error:
        raise CommandError(f"Not added: {error}") from error
    if not parsed.stories:
        raise CommandError("Not added: the feed has no entries.")
    store.ensure_feed(url, name or parsed.title, added_by_command=True)
    return Answer("Feed added", (f"{safe_text(name or parsed.title)} <{url}>: {len(parsed.stories)} entries now, "
                                 "polled from the next cycle.",), ephemeral=True)


def remove_feed(store: SQLiteStore, url: str) -> Answer:
    """Stop polling a feed."""
    if not store.remove_feed(url.strip()):
        raise CommandError("No such feed: see /feeds list.")
    return Answer("Feed removed", (f"<{url.strip()}> is no longer polled.",), ephemeral=True)
