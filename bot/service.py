"""python -m bot run: the long-running service. Polls on a schedule (APScheduler, in the event loop),
delivers the outbox, and, with a Discord token, runs the Discord client; without one, prints alerts.

On PostgreSQL the work can be split between processes by role (--role): pollers claim feeds with leases,
delivery workers claim the outbox's incidents, and one process holds the Discord gateway."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.chat.delivery import (
    CONSOLE_CHANNEL,
    DELIVERY_LEASE_SECONDS,
    AlertSink,
    ConsoleSink,
    NoticeBackoff,
    deliver_notices,
    deliver_pending,
)
from bot.config import Config, load_config
from bot.errors import ConfigError
from bot.feeds.fetch import FeedFetcher, fetch_once
from bot.feeds.http_safety import check_url
from bot.feeds.polling import Claiming, PollOutcome, PollSettings, poll_due_feeds
from bot.matcher.sites import Gazetteer
from bot.metrics import Metrics, serve_metrics
from bot.store import open_store
from bot.store.base import Store
from bot.store.dry_run import dry_run_database
from bot.store.postgres import is_postgres_url, redact_password

log = logging.getLogger("sitewatch.service")

POLL_TICK_SECONDS = 20  # how often due feeds are looked for; each feed keeps its own interval
DELIVERY_TICK_SECONDS = 3
DELIVERY_BEAT_SECONDS = 30  # how often a delivering process records that it runs (bot/health.py reads it)
FEED_LEASE_SECONDS = 120.0  # a poller's hold on a feed it polls, renewed while the poll goes on
FEED_PROBE_SECONDS = 20.0  # /feeds add: one fetch of the new feed before it is accepted
FEED_PROBE_BYTES = 5_000_000

ROLES = ("all", "poller", "delivery", "discord")
POLLING_ROLES = frozenset({"all", "poller"})
DELIVERING_ROLES = frozenset({"all", "delivery", "discord"})
GATEWAY_ROLES = frozenset({"all", "discord"})  # with a Discord token


def worker_name() -> str:
    """Who holds a lease, as an operator reads it: the machine and the process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def delivery_beat_name(worker: str) -> str:
    """The heartbeat of a worker's delivery: "delivery@host:pid" (health looks for this host's)."""
    return f"delivery@{worker}"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Service:
    """Everything a running bot holds; the Discord layer and the tests reach the store through it."""

    config: Config
    store: Store
    sink: AlertSink
    console: bool
    clock: Callable[[], datetime] = utc_now
    started_at: datetime = field(default_factory=utc_now)
    rng: random.Random = field(default_factory=random.Random)
    fetcher: FeedFetcher | None = None
    metrics: Metrics = field(default_factory=Metrics)
    role: str = "all"  # poller | delivery | discord | all: what this process does (ROLES)
    worker: str = field(default_factory=worker_name)
    lease_seconds: float = FEED_LEASE_SECONDS
    poll_tick: float = POLL_TICK_SECONDS
    gazetteer: Gazetteer = field(init=False)
    _poll_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _delivery_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _notice_backoff: NoticeBackoff = field(default_factory=NoticeBackoff)
    _last_beat: datetime | None = None

    def __post_init__(self) -> None:
        let_the_file_win(self.config, self.store)
        self.reload_sites()

    def reload_sites(self) -> None:
        self.gazetteer = Gazetteer(self.store.tracked_sites(self.config.site_records()))

    @property
    def polls(self) -> bool:
        return self.role in POLLING_ROLES

    @property
    def delivers(self) -> bool:
        return self.role in DELIVERING_ROLES

    def reload_sites_if_changed(self) -> None:
        """A site added or removed in chat by the process holding the gateway reaches this one's next poll."""
        tracked = self.store.tracked_sites(self.config.site_records())
        if {site.id: site for site in tracked} != dict(self.gazetteer.sites):
            self.gazetteer = Gazetteer(tracked)
            log.info("event=sites_reloaded sites=%d", len(tracked))

    @property
    def settings(self) -> PollSettings:
        return PollSettings(interval_seconds=self.config.poll_interval * 60,
                            backlog=timedelta(hours=self.config.backlog_hours),
                            failing_threshold=self.config.failing_feed_threshold,
                            feed_intervals={feed.url: feed.interval * 60 for feed in self.config.feeds
                                            if feed.interval is not None})

    async def poll_once(self, *, every: bool = False) -> list[PollOutcome]:
        """Poll the feeds that are due (with `every`, all of them) and, unless only polling, deliver what
        they raised."""
        if self.fetcher is None:
            raise RuntimeError("the service has no fetcher: use it inside run()")
        async with self._poll_lock:  # a slow poll is never overlapped by the next tick
            if self.role != "all":  # another process may have changed the watchlist
                self.reload_sites_if_changed()
            claiming = Claiming(worker=self.worker, lease_seconds=self.lease_seconds)
            outcomes = await poll_due_feeds(self.store, self.fetcher, self.gazetteer, self.settings,
                                            now=self.clock(), rng=self.rng, announce=self.queue_notice,
                                            every=every, claiming=claiming)
        for outcome in outcomes:
            self.metrics.polls.labels(outcome.status).inc()
            self.metrics.stories.inc(outcome.stories)
            self.metrics.alerts.labels("queued").inc(outcome.alerts)
            if outcome.error:
                self.metrics.poll_errors.inc()
        if self.delivers:
            await self.deliver_once()
        return outcomes

    async def queue_notice(self, text: str) -> None:
        """A notice for the admins goes through the store: a poller has no Discord, a delivering process posts it."""
        self.store.queue_notice(text, self.clock())

    async def deliver_once(self) -> int:
        async with self._delivery_lock:
            self._beat_delivery()
            depth = self.store.outbox_depth()
            delivered = await deliver_pending(self.store, self.sink, self.gazetteer.sites, self.config.discord,
                                              now=self.clock(),
                                              channels=[CONSOLE_CHANNEL] if self.console else None,
                                              worker=self.worker, lease_seconds=DELIVERY_LEASE_SECONDS)
            await deliver_notices(self.store, self.sink, now=self.clock(), backoff=self._notice_backoff)
        self.metrics.delivered.inc(delivered)
        if depth and not delivered:
            self.metrics.delivery_failures.inc()
        return delivered

    def _beat_delivery(self) -> None:
        """Tell `health` that this process's delivery runs: alerts waiting while no delivery runs are stuck.
        Written at most every DELIVERY_BEAT_SECONDS (delivery runs every 3 s)."""
        now = self.clock()
        if self._last_beat is None or (now - self._last_beat).total_seconds() >= DELIVERY_BEAT_SECONDS:
            self.store.beat(delivery_beat_name(self.worker), now)
            self._last_beat = now

    def refresh_gauges(self) -> None:
        self.metrics.outbox_depth.set(self.store.outbox_depth())

    async def run(self, *, stop: asyncio.Event) -> list[PollOutcome]:
        """Poll and deliver until stop is set: the Discord client runs this inside its event loop."""
        return await run_service(self, stop=stop)

    async def check_feed_url(self, url: str) -> None:
        await check_url(url, allow_private=self.config.allow_private_feeds)

    async def fetch_feed_bytes(self, url: str) -> bytes:
        # A feed is read as a poll reads it: every redirect hop checked, the whole body up to the cap.
        return await fetch_once(url, allow_private=self.config.allow_private_feeds, timeout=FEED_PROBE_SECONDS,
                                max_bytes=FEED_PROBE_BYTES)


def let_the_file_win(config: Config, store: Store) -> None:
    """The config file decides for what it lists; chat (/feeds add, /track) adds to it, until the next start.

    Feeds: the file's are polled, with the file's names; a feed no longer in the file stops being polled unless
    it was added with /feeds add. Sites: a site the file lists is tracked as the file defines it, whatever
    /track add or /track remove said about that id before this start."""
    listed = {feed.url for feed in config.feeds}
    for feed in config.feeds:
        store.ensure_feed(feed.url, feed.name)
    for stored in store.feeds():
        if stored.url not in listed and stored.listed_url not in listed and not stored.added_by_command:
            store.remove_feed(stored.url)
            log.info("event=feed_dropped url=%s reason=no longer in the config file", stored.url)
    overridden = store.forget_site_changes([site.id for site in config.sites])
    for site_id in overridden:
        log.info("event=site_change_dropped site=%s reason=the config file lists this site", site_id)


async def run_service(service: Service, *, once: bool = False,
                      stop: asyncio.Event | None = None) -> list[PollOutcome]:
    """Poll and deliver, as the service's role says, until `stop` is set; with `once`, poll every feed once
    (and deliver) and return the outcomes."""
    async with FeedFetcher(allow_private=service.config.allow_private_feeds) as fetcher:
        service.fetcher = fetcher
        if once:
            if service.polls:
                return await service.poll_once(every=True)
            await service.deliver_once()
            return []
        stop = stop or asyncio.Event()
        scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone="UTC")
        # The scheduler keeps real time (the service's clock may be a test's fixed moment).
        if service.polls:
            scheduler.add_job(service.poll_once, "interval", seconds=service.poll_tick, next_run_time=utc_now(),
                              max_instances=1, coalesce=True, id="poll")
        if service.delivers:
            scheduler.add_job(service.deliver_once, "interval", seconds=DELIVERY_TICK_SECONDS, max_instances=1,
                              coalesce=True, id="deliver")
        scheduler.start()
        metrics_runner = None
        if service.config.metrics_port:
            metrics_runner = await serve_metrics(service.metrics, service.config.metrics_port,
                                                 service.refresh_gauges)
        try:
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            if metrics_runner is not None:
                await metrics_runner.cleanup()
    return []


def configure_logging() -> None:
    logging.basicConfig(level=os.environ.get("SITEWATCH_LOG_LEVEL", "INFO"),
                        format="%(asctime)s level=%(levelname)s logger=%(name)s %(message)s")
    # APScheduler logs two INFO lines per job run: every 3 s for delivery.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


@dataclass(frozen=True, slots=True)
class RunOptions:
    """What `python -m bot run` was asked to do, beyond the config file."""

    role: str = "all"
    dry_run: bool = False
    once: bool = False
    poll_tick: float = POLL_TICK_SECONDS
    lease_seconds: float = FEED_LEASE_SECONDS


def role_problem(role: str, database: str, *, discord_mode: bool) -> str | None:
    """Why this role cannot run here, in one line; None when it can."""
    if role not in ROLES:
        return f"--role {role}: choose one of {', '.join(ROLES)}"
    if role != "all" and not is_postgres_url(database):
        return (f"--role {role} needs PostgreSQL (SITEWATCH_DATABASE=postgresql://...): on SQLite one process "
                "does everything, run --role all (the default)")
    if role == "discord" and not discord_mode:
        return "--role discord holds the Discord gateway: it needs DISCORD_TOKEN, and no --dry-run"
    return None


def main_run(config_path: str, options: RunOptions = RunOptions()) -> int:
    configure_logging()
    config = load_config(config_path)
    token = config.discord_token
    discord_mode = bool(token) and not options.dry_run
    if discord_mode and (problem := config.discord_route_problem()):
        raise ConfigError(f"{config_path}: {problem}")
    database = os.environ.get("SITEWATCH_DATABASE") or config.database
    if problem := role_problem(options.role, database, discord_mode=discord_mode):
        raise ConfigError(problem)
    if options.dry_run:
        with dry_run_database(database) as copy:
            log.info("event=dry_run database=%s copy=%s", redact_password(database), copy)
            return _run(config, copy, options, discord_mode=False, single_instance=False)
    # SQLite: a second bot on this file stops here, in one line. PostgreSQL: workers share the store through
    # leases (feeds, the outbox's incidents, the gateway).
    return _run(config, database, options, discord_mode=discord_mode,
                single_instance=not is_postgres_url(database))


def _run(config: Config, database: str, options: RunOptions, *, discord_mode: bool, single_instance: bool) -> int:
    token = config.discord_token
    store = open_store(database, single_instance=single_instance)
    try:
        service = Service(config, store, ConsoleSink(), console=True, role=options.role,
                          poll_tick=options.poll_tick, lease_seconds=options.lease_seconds)
        if token and discord_mode and options.role in GATEWAY_ROLES:
            from bot.chat.client import run_discord

            return asyncio.run(run_discord(service, token, stop_on_signals=stop_on_signals))
        if token and discord_mode and options.role == "delivery":
            from bot.chat.client import run_rest_delivery

            return asyncio.run(run_rest_delivery(service, token, stop_on_signals=stop_on_signals))
        log.info("event=start mode=console role=%s worker=%s reason=%s database=%s sites=%d feeds=%d",
                 options.role, service.worker, "dry-run" if options.dry_run else "no DISCORD_TOKEN",
                 redact_password(database), len(config.sites), len(config.feeds))
        outcomes = asyncio.run(_run_console(service, once=options.once))
    finally:
        store.close()
    if options.once:
        return _once_exit_code(outcomes)
    log.info("event=stopped mode=console role=%s", options.role)
    return 0


async def _run_console(service: Service, *, once: bool) -> list[PollOutcome]:
    return await run_service(service, once=once, stop=stop_on_signals())


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM (docker stop), in the running loop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, _stopper(stop, signum))
    return stop


def _stopper(stop: asyncio.Event, signum: int) -> Callable[[], None]:
    def on_signal() -> None:
        log.info("event=stopping signal=%s", signal.Signals(signum).name)
        stop.set()
    return on_signal


def _once_exit_code(outcomes: list[PollOutcome]) -> int:
    """--once fails when there were feeds and every one of them failed: nothing was learnt."""
    failed = sum(1 for outcome in outcomes if outcome.status == "error")
    log.info("event=polled_once feeds=%d failed=%d", len(outcomes), failed)
    if outcomes and failed == len(outcomes):
        log.error("event=all_feeds_failed feeds=%d", failed)
        return 1
    return 0
