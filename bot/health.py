"""python -m bot health: is the running bot doing its job? For a container HEALTHCHECK (and any supervisor).

Healthy (exit 0) when the store opens and a poll was recorded recently, or when no feed is due (every feed is
backing off). Otherwise exit 1 with one line saying why: a health check is read in `docker inspect`, one line
there says everything. Never exit 2: Docker reserves it.

`--role` is the checked process's (`run --role`): feed polls are the pollers' (and `all`'s) to keep fresh; alerts
waiting to be sent are the delivering processes' (`delivery` and `all`): with alerts waiting, a process on this
host must have run its delivery in the last DELIVERY_STALE_AFTER (it runs every few seconds, and records so every
30 s; through a Discord outage it still runs, retrying). A gateway process is healthy when the store answers."""

from __future__ import annotations

import os
import socket
import sqlite3
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from bot.config import Config, load_config
from bot.errors import SiteWatchError, StoreError
from bot.store import open_store
from bot.store.base import FeedHealth, Store
from bot.store.postgres import is_postgres_url, redact_password
from bot.store.sqlite import SQLiteStore

# The newest poll may be this many feed intervals old: one is the schedule itself, the rest absorbs the
# jitter, a long cycle over many feeds and the scheduler's tick.
STALE_AFTER_INTERVALS = 3
# Never less: the scheduler looks for due feeds every 20 s, so with intervals under a minute a healthy bot
# could be caught between two ticks.
MIN_STALE_AFTER = timedelta(minutes=1)

HEALTHY, UNHEALTHY = 0, 1
ROLES = ("all", "poller", "delivery", "discord")  # as `run --role` (bot/service.py, which this check does not load)
POLLING_ROLES = frozenset({"all", "poller"})
DELIVERING_ROLES = frozenset({"all", "delivery"})
# Alerts waiting while no delivery has run on this host for this long are stuck: its delivery hangs or died.
DELIVERY_STALE_AFTER = timedelta(minutes=10)


def delivery_beat_prefix() -> str:
    """The heartbeats of this host's delivering processes (bot/service.py: "delivery@host:pid"). In a container
    the host is the container: its own process is the one checked."""
    return f"delivery@{socket.gethostname()}:"


@dataclass(frozen=True, slots=True)
class Verdict:
    healthy: bool
    reason: str  # one line


def shortest_interval(feeds: Sequence[FeedHealth], intervals: Mapping[str, timedelta],
                      default: timedelta) -> timedelta:
    """The shortest interval any stored feed polls at (its own in the config file, else poll_interval)."""
    return min((intervals.get(feed.url, default) for feed in feeds), default=default)


def judge_polling(feeds: Sequence[FeedHealth], interval: timedelta, now: datetime) -> Verdict:
    """Polls are recorded recently, or nothing has been due for long: a dead poller leaves due feeds unpolled.

    The newest poll may be STALE_AFTER_INTERVALS intervals old; past that, the bot is unhealthy when some feed
    has been due for more than one interval (a live poller takes a due feed at its next tick)."""
    limit = max(STALE_AFTER_INTERVALS * interval, MIN_STALE_AFTER)
    if not feeds:
        return Verdict(False, "no feed in the store: nothing is being polled")
    polls = [feed.last_poll for feed in feeds if feed.last_poll is not None]
    if not polls:
        return Verdict(False, f"no feed poll recorded yet ({len(feeds)} feeds)")
    age = now - max(polls)
    if age <= limit:
        return Verdict(True, f"newest feed poll {_duration(age)} ago ({len(feeds)} feeds)")
    due_before = now - max(interval, MIN_STALE_AFTER)
    # A feed never polled (just added) counts as due: a live poller takes it at its next tick.
    overdue_since = [feed.next_poll or now for feed in feeds if feed.next_poll is None or feed.next_poll < due_before]
    if not overdue_since:
        waiting = min(feed.next_poll for feed in feeds if feed.next_poll is not None)
        return Verdict(True, f"no feed overdue (failing feeds back off): the next poll is due at {_moment(waiting)}")
    return Verdict(False, f"the newest feed poll was {_duration(age)} ago (limit {_duration(limit)}) and "
                          f"{len(overdue_since)} of {len(feeds)} feeds are overdue, "
                          f"since {_moment(min(overdue_since))}")


def judge_delivery(waiting: int, last_run: datetime | None, now: datetime) -> Verdict:
    """Alerts waiting are being sent (or retried through an outage) when a delivery ran lately on this host."""
    if not waiting:
        return Verdict(True, "no alert waiting to be sent")
    if last_run is not None and now - last_run <= DELIVERY_STALE_AFTER:
        return Verdict(True, f"{waiting} alerts waiting to be sent, the newest delivery run "
                             f"{_duration(now - last_run)} ago")
    ran = "no delivery run recorded on this host" if last_run is None else \
        f"the newest delivery run on this host was {_duration(now - last_run)} ago (limit " \
        f"{_duration(DELIVERY_STALE_AFTER)})"
    return Verdict(False, f"{waiting} alerts waiting to be sent and {ran}: delivery is stuck or not running")


def check_health(config: Config, database: str, now: datetime, role: str = "all") -> Verdict:
    if role not in ROLES:
        return Verdict(False, f"--role {role}: choose one of {', '.join(ROLES)}")
    store = open_existing_store(database)
    try:
        waiting = store.outbox_depth()
        delivery = judge_delivery(waiting, store.last_beat(delivery_beat_prefix()), now) \
            if role in DELIVERING_ROLES else None
        if role not in POLLING_ROLES:
            if delivery is not None and not delivery.healthy:
                return delivery
            return Verdict(True, f"the store answers, {waiting} alerts waiting to be sent (role {role}: feed "
                                 "polls are the pollers' to check)")
        feeds = store.feeds()
    finally:
        store.close()
    intervals = {feed.url: timedelta(minutes=feed.interval) for feed in config.feeds if feed.interval is not None}
    polling = judge_polling(feeds, shortest_interval(feeds, intervals, timedelta(minutes=config.poll_interval)), now)
    return delivery if polling.healthy and delivery is not None and not delivery.healthy else polling


def open_existing_store(database: str) -> Store:
    """Open the bot's store without creating one: a health check that made an empty file would hide a bot that
    never started. No instance lock: the running bot holds it. A server database is opened as it is (a schema
    the bot has not made yet shows as no polls at all)."""
    if is_postgres_url(database):
        return open_store(database, single_instance=False)
    if "://" in database:
        raise StoreError(f"{redact_password(database)}: not a SQLite file or a postgresql:// URL")
    if not Path(database).is_file():
        raise StoreError(f"{database}: no database: the bot has not started here")
    return SQLiteStore(database)


def main_health(config_path: str, role: str = "all") -> int:
    try:
        config = load_config(config_path)
        database = os.environ.get("SITEWATCH_DATABASE") or config.database
        verdict = check_health(config, database, datetime.now(UTC), role)
    except (SiteWatchError, sqlite3.Error, psycopg.Error, OSError) as error:  # damaged: unhealthy, no traceback
        verdict = Verdict(False, str(error).splitlines()[0] if str(error) else type(error).__name__)
    if verdict.healthy:
        print(f"sitewatch: healthy: {verdict.reason}")
        return HEALTHY
    print(f"sitewatch: unhealthy: {verdict.reason}", file=sys.stderr)
    return UNHEALTHY


def _duration(span: timedelta) -> str:
    seconds = max(0, round(span.total_seconds()))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def _moment(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
