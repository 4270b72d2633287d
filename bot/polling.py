"""One poll of the due feeds: fetch (conditional GET), parse, run each new entry through the pipeline,
record the feed's health. The alerts themselves wait in the outbox for bot/delivery.py."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.errors import FeedError
from bot.feeds import parse_feed
from bot.fetch import FeedFetcher, FetchRequest, FetchResult, next_poll_delay
from bot.processing import process_story
from bot.sites import Gazetteer
from bot.store.base import FeedHealth, Store

log = logging.getLogger("sitewatch.polling")


@dataclass(frozen=True, slots=True)
class PollOutcome:
    url: str
    status: str  # ok | not_modified | error
    stories: int  # entries read and matched: new or changed since the feed's last document
    alerts: int
    error: str | None
    unchanged: int = 0  # entries skipped, as the last document had them


@dataclass(frozen=True, slots=True)
class PollSettings:
    interval_seconds: float
    backlog: timedelta  # entries published earlier than this before now are stored without alerting
    failing_threshold: int  # consecutive failures before a feed is flagged and announced
    feed_intervals: Mapping[str, float] = field(default_factory=dict)  # url -> seconds, where the config sets one

    def interval_for(self, url: str) -> float:
        return self.feed_intervals.get(url, self.interval_seconds)


def is_due(feed: FeedHealth, now: datetime) -> bool:
    return feed.next_poll is None or feed.next_poll <= now


async def poll_due_feeds(store: Store, fetcher: FeedFetcher, gazetteer: Gazetteer, settings: PollSettings,
                         *, now: datetime, rng: random.Random,
                         announce: Callable[[str], Awaitable[None]], every: bool = False) -> list[PollOutcome]:
    """Fetch every due feed (with `every`, every feed whatever its schedule) concurrently (the fetcher keeps to
    one request per host), and process each answer as it arrives, in a worker thread: one feed's stories are
    matched at a time."""
    due = [feed for feed in store.feeds() if every or is_due(feed, now)]
    # Each answer is processed as it arrives, while the others are still being fetched: no body waits for the
    # slowest feed, and 10,000 answers are never held at once.
    fetching = {asyncio.create_task(fetcher.fetch(FetchRequest(f.url, f.etag, f.last_modified))): f for f in due}
    outcomes = []
    async for feed, result in _as_answered(fetching):
        try:
            outcome = await apply_fetch(feed, result, store, gazetteer, settings, now=now, jitter=rng.random(),
                                        announce=announce)
        except Exception as error:  # one feed's failure must never stop the others, nor the next tick
            log.exception("event=feed_crashed url=%s", feed.url)
            problem = f"internal error: {type(error).__name__}: {error}"[:300]
            result = FetchResult(feed.url, "error", None, None, None, None, None, problem, 0.0)
            outcome = await apply_fetch(feed, result, store, gazetteer, settings, now=now, jitter=rng.random(),
                                        announce=announce)
        outcomes.append(outcome)
    return outcomes


async def _as_answered(fetching: dict[asyncio.Task[FetchResult], FeedHealth]) -> AsyncIterator[
        tuple[FeedHealth, FetchResult]]:
    pending = set(fetching)
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            yield fetching.pop(task), task.result()  # popped: an answer is let go once processed


async def apply_fetch(feed: FeedHealth, result: FetchResult, store: Store, gazetteer: Gazetteer,
                      settings: PollSettings, *, now: datetime, jitter: float,
                      announce: Callable[[str], Awaitable[None]]) -> PollOutcome:
    error = result.error
    stories = alerts = unchanged = 0
    if result.status == "ok" and result.body is not None:
        try:
            # Parsing and matching a hostile feed take seconds: the event loop (Discord's heartbeat, the
            # commands, delivery) goes on meanwhile.
            stories, alerts, unchanged = await asyncio.to_thread(
                read_and_match, result.body, feed.url, store, gazetteer, now=now,
                quiet_before=now - settings.backlog)
        except FeedError as problem:
            error = str(problem)
    elif result.status == "error" and not error:
        error = f"HTTP {result.http_status}"
    if error is None:
        delay = next_poll_delay(settings.interval_for(feed.url), 0, jitter)
        store.record_poll(feed.url, now=now, next_poll=now + timedelta(seconds=delay), ok=True, etag=result.etag,
                          last_modified=result.last_modified, new_url=result.permanent_redirect)
        log.info("event=feed_polled url=%s status=%s stories=%d unchanged=%d alerts=%d", feed.url, result.status,
                 stories, unchanged, alerts)
        return PollOutcome(feed.url, result.status, stories, alerts, None, unchanged)
    failures = feed.consecutive_failures + 1
    flag_now = failures >= settings.failing_threshold and not feed.flagged
    delay = next_poll_delay(settings.interval_for(feed.url), failures, jitter)
    store.record_poll(feed.url, now=now, next_poll=now + timedelta(seconds=delay), ok=False, error=error,
                      flagged=True if flag_now else None)
    log.warning("event=feed_failed url=%s failures=%d retry_in=%.0fs error=%r", feed.url, failures, delay, error)
    if flag_now:
        await announce(f"Feed {feed.name or feed.url} has failed {failures} times in a row: {error}")
    return PollOutcome(feed.url, "error", 0, 0, error)


def read_and_match(body: bytes, url: str, store: Store, gazetteer: Gazetteer, *, now: datetime,
                   quiet_before: datetime) -> tuple[int, int, int]:
    """Parse a feed document and match its new or changed entries (in a worker thread): how many were
    matched, the alerts they queued, how many were skipped as unchanged. Raises FeedError."""
    watchlist = watchlist_digest(gazetteer)
    known = store.entry_digests(url)
    parsed = parse_feed(body, url, is_known=lambda digest: _remembered(digest, watchlist) in known)
    alerts = 0
    for story in sorted(parsed.stories, key=lambda s: s.published):
        try:
            alerts += len(process_story(store, gazetteer, story, now, quiet=story.published < quiet_before))
        except Exception:  # one story the matcher cannot take is logged and skipped
            log.exception("event=story_failed url=%s story=%r", url, story.key[:200])
    store.remember_entries(url, [_remembered(digest, watchlist) for digest in parsed.entry_digests])
    return len(parsed.stories), alerts, parsed.unchanged


def _remembered(entry_digest: str, watchlist: str) -> str:
    """An entry is unchanged only for the watchlist it was matched with: a site added later may be in it."""
    return hashlib.sha1(f"{watchlist}:{entry_digest}".encode()).hexdigest()


_WATCHLISTS: weakref.WeakKeyDictionary[Gazetteer, str] = weakref.WeakKeyDictionary()


def watchlist_digest(gazetteer: Gazetteer) -> str:
    """A hash of every tracked site, computed once per gazetteer (a watchlist change builds a new one)."""
    digest = _WATCHLISTS.get(gazetteer)
    if digest is None:
        sites = sorted(repr(site) for site in gazetteer.sites.values())
        digest = _WATCHLISTS[gazetteer] = hashlib.sha1("\n".join(sites).encode()).hexdigest()
    return digest
