"""One poll of the due feeds: fetch (conditional GET), parse, run each new entry through the pipeline,
record the feed's health. The alerts themselves wait in the outbox for bot/chat/delivery.py."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import weakref
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.errors import FeedError
from bot.feeds.fetch import FeedFetcher, FetchRequest, FetchResult, next_poll_delay
from bot.feeds.parse import parse_feed
from bot.matcher.sites import Gazetteer
from bot.models import Alert, Story
from bot.processing import process_story
from bot.store.base import FeedHealth, Store, StoreConflict

log = logging.getLogger("sitewatch.polling")

STORY_ATTEMPTS = 3  # a story undone by a conflict with another worker is decided again, up to this often


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


@dataclass(frozen=True, slots=True)
class Claiming:
    """How a poller takes its feeds from a store that other pollers share (PostgreSQL): in batches, each feed
    leased to this worker until polled; the lease is renewed while the poll goes on, so only a dead worker's
    feeds are taken over. One process on SQLite: every due feed is this process's."""

    worker: str = "local"
    lease_seconds: float = 120.0
    batch: int = 50  # feeds claimed at a time: more are claimed when half have been answered


async def poll_due_feeds(store: Store, fetcher: FeedFetcher, gazetteer: Gazetteer, settings: PollSettings,
                         *, now: datetime, rng: random.Random,
                         announce: Callable[[str], Awaitable[None]], every: bool = False,
                         claiming: Claiming = Claiming()) -> list[PollOutcome]:
    """Claim the due feeds (with `every`, every feed whatever its schedule), fetch them concurrently (the
    fetcher keeps to one request per host), and process each answer as it arrives, in a worker thread: one
    feed's stories are matched at a time. Feeds are claimed in batches while the poll goes on, so pollers
    sharing a store split the due feeds between them."""
    fetching: dict[asyncio.Task[FetchResult], FeedHealth] = {}
    held: set[str] = set()  # claimed and not yet recorded: their leases are renewed
    claimed: set[str] = set()
    exhausted = False
    outcomes = []
    renewing = asyncio.create_task(_renew_leases(store, claiming, held))
    try:
        while True:
            if not exhausted and len(fetching) <= claiming.batch // 2:
                fresh = [feed for feed in store.claim_due_feeds(
                    claiming.worker, now, lease_seconds=claiming.lease_seconds,
                    limit=None if every else claiming.batch - len(fetching), every=every)
                    if feed.url not in claimed]
                exhausted = every or not fresh  # `every` takes them all at once; a feed is polled once a call
                for feed in fresh:
                    claimed.add(feed.url)
                    held.add(feed.url)
                    request = FetchRequest(feed.url, feed.etag, feed.last_modified)
                    fetching[asyncio.create_task(fetcher.fetch(request))] = feed
            if not fetching:
                return outcomes
            # Each answer is processed as it arrives, while the others are still being fetched: no body waits
            # for the slowest feed, and 10,000 answers are never held at once.
            done, _ = await asyncio.wait(fetching, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                feed = fetching.pop(task)  # popped: an answer is let go once processed
                outcomes.append(await _apply_safely(feed, task.result(), store, gazetteer, settings, now=now,
                                                    rng=rng, announce=announce, worker=claiming.worker))
                held.discard(feed.url)
    finally:
        renewing.cancel()
        for task in fetching:
            task.cancel()
        if held:  # stopped in the middle (SIGTERM): what was not polled is handed back at once, not at lease end
            store.release_feeds(claiming.worker, sorted(held))


async def _apply_safely(feed: FeedHealth, result: FetchResult, store: Store, gazetteer: Gazetteer,
                        settings: PollSettings, *, now: datetime, rng: random.Random,
                        announce: Callable[[str], Awaitable[None]], worker: str | None = None) -> PollOutcome:
    try:
        return await apply_fetch(feed, result, store, gazetteer, settings, now=now, jitter=rng.random(),
                                 announce=announce, worker=worker)
    except Exception as error:  # one feed's failure must never stop the others, nor the next tick
        log.exception("event=feed_crashed url=%s", feed.url)
        problem = f"internal error: {type(error).__name__}: {error}"[:300]
        failed = FetchResult(feed.url, "error", None, None, None, None, None, problem, 0.0)
        return await apply_fetch(feed, failed, store, gazetteer, settings, now=now, jitter=rng.random(),
                                 announce=announce, worker=worker)


async def _renew_leases(store: Store, claiming: Claiming, held: set[str]) -> None:
    """Every third of a lease, extend the leases of the feeds still being polled (a slow host, a big feed)."""
    while True:
        await asyncio.sleep(claiming.lease_seconds / 3)
        if held:
            try:
                # In a thread: the store may be busy with a story's transaction for a while.
                await asyncio.to_thread(store.renew_feed_leases, claiming.worker, sorted(held),
                                        lease_seconds=claiming.lease_seconds)
            except Exception:  # the next renewal tries again; the poll itself goes on
                log.exception("event=lease_renewal_failed feeds=%d", len(held))


async def apply_fetch(feed: FeedHealth, result: FetchResult, store: Store, gazetteer: Gazetteer,
                      settings: PollSettings, *, now: datetime, jitter: float,
                      announce: Callable[[str], Awaitable[None]], worker: str | None = None) -> PollOutcome:
    """Record one feed's answer (its stories matched first). `worker`: the poller holding the feed's lease; when
    another one took the feed over meanwhile, its poll is the one recorded (and announced), not this one."""
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
        if not store.record_poll(feed.url, now=now, next_poll=now + timedelta(seconds=delay), ok=True,
                                 etag=result.etag, last_modified=result.last_modified,
                                 new_url=result.permanent_redirect, worker=worker):
            _superseded(feed.url, worker)
        log.info("event=feed_polled url=%s status=%s stories=%d unchanged=%d alerts=%d", feed.url, result.status,
                 stories, unchanged, alerts)
        return PollOutcome(feed.url, result.status, stories, alerts, None, unchanged)
    failures = feed.consecutive_failures + 1
    flag_now = failures >= settings.failing_threshold and not feed.flagged
    delay = next_poll_delay(settings.interval_for(feed.url), failures, jitter)
    recorded = store.record_poll(feed.url, now=now, next_poll=now + timedelta(seconds=delay), ok=False,
                                 error=error, flagged=True if flag_now else None, worker=worker)
    log.warning("event=feed_failed url=%s failures=%d retry_in=%.0fs error=%r", feed.url, failures, delay, error)
    if not recorded:
        _superseded(feed.url, worker)
    elif flag_now:
        await announce(f"Feed {feed.name or feed.url} has failed {failures} times in a row: {error}")
    return PollOutcome(feed.url, "error", 0, 0, error)


def _superseded(url: str, worker: str | None) -> None:
    log.warning("event=poll_superseded url=%s worker=%s reason=the lease ended mid-poll and another poller took "
                "the feed over: its poll is the one recorded", url, worker)


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
            alerts += len(_process_with_retries(store, gazetteer, story, now, quiet=story.published < quiet_before))
        except Exception:  # one story the matcher cannot take is logged and skipped
            log.exception("event=story_failed url=%s story=%r", url, story.key[:200])
    store.remember_entries(url, [_remembered(digest, watchlist) for digest in parsed.entry_digests])
    return len(parsed.stories), alerts, parsed.unchanged


def _process_with_retries(store: Store, gazetteer: Gazetteer, story: Story, now: datetime, *,
                          quiet: bool) -> list[Alert]:
    """Two workers deciding about overlapping sites may each wait for the other; the server then undoes one
    story's transaction: it is decided again, from what the other wrote."""
    for attempt in range(1, STORY_ATTEMPTS + 1):
        try:
            return process_story(store, gazetteer, story, now, quiet=quiet)
        except StoreConflict as conflict:
            if attempt == STORY_ATTEMPTS:
                raise
            log.warning("event=story_retried url=%s story=%r attempt=%d reason=%s", story.feed, story.key[:200],
                        attempt, conflict)
    return []


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
