"""Many workers on one PostgreSQL store (`python -m bot run --role ...`): pollers split the due feeds with
leases and never poll one twice in an interval; four pollers over 2,000 feeds, one killed with SIGKILL every
3 s, lose and double nothing; delivery workers post every alert once; one process holds the Discord gateway.
On SQLite, only `--role all`.

The PostgreSQL tests use the local server (127.0.0.1:5432) whatever the store of the run (marked `server`),
and are skipped, saying why, when it does not answer."""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import random
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import bot.feeds.polling
from bot.chat.client import GATEWAY_LEASE, wait_for_gateway
from bot.chat.delivery import CONSOLE_CHANNEL, ConsoleSink, Outgoing, deliver_pending
from bot.config import DiscordConfig, load_config, parse_config
from bot.feeds.fetch import FeedFetcher
from bot.feeds.parse import parse_feed
from bot.feeds.polling import Claiming, PollSettings, poll_due_feeds, read_and_match
from bot.matcher.sites import Gazetteer
from bot.models import Site
from bot.processing import process_story
from bot.service import Service, role_problem, run_service
from bot.store.base import StoreConflict
from bot.store.postgres import PostgresStore
from tests.conftest import ROOT, make_store
from tests.fake_discord import FakeDiscordServer
from tests.local_feeds import LocalFeeds
from tests.postgres_probe import find_postgres
from tests.worker_feeds import ATTACKS, OUTLETS_PER_ATTACK, feed_documents
from tests.workers_harness import (
    config_file,
    create_schema,
    drop_schema,
    every_feed_polled,
    kill_one,
    new_alerts_per_incident,
    polled_count,
    query,
    replayed_incidents,
    start_worker,
    stop_workers,
    stored_incidents,
)

URL, UNREACHABLE = find_postgres()


def needs_postgres(test: Callable[..., Any]) -> Callable[..., Any]:
    """Worker processes on the local server: marked `server`, skipped (saying why) when it does not answer."""
    return pytest.mark.server(pytest.mark.skipif(URL is None, reason=UNREACHABLE)(test))


_numbers = itertools.count(1)
NOW = datetime(2021, 7, 12, tzinfo=UTC)
POST = "POST /channels/{channel_id}/messages"


@pytest.fixture
def schema() -> Iterator[str]:
    assert URL is not None
    name = f"sitewatch_workers_{os.getpid()}_{next(_numbers)}"
    create_schema(URL, name)
    yield name
    drop_schema(URL, name)


def url_in(schema: str) -> str:
    return f"{URL}?options=-csearch_path%3D{schema}"


async def until(check: Callable[[], bool], workers: list[subprocess.Popen[bytes]], log: Path,
                timeout: float = 45.0) -> None:
    """Wait (without blocking the feed server in this loop) until check() holds; fail if a worker died."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        dead = [w for w in workers if w.poll() is not None and w.returncode != -signal.SIGKILL]
        assert not dead, log.read_text(encoding="utf-8")[-3000:]
        assert asyncio.get_running_loop().time() < deadline, log.read_text(encoding="utf-8")[-3000:]
        await asyncio.sleep(0.2)


@needs_postgres
async def test_four_pollers_poll_every_feed_once_and_make_each_attack_one_incident(
        schema: str, tmp_path: Path) -> None:
    documents = feed_documents(300)
    log = tmp_path / "workers.log"
    async with LocalFeeds() as server:
        urls = [server.serve(path, body) for path, body in documents.items()]
        config = config_file(tmp_path, urls)
        workers = [start_worker("poller", config, url_in(schema), log) for _ in range(4)]
        try:
            await until(every_feed_polled(url_in(schema), len(urls)), workers, log)
            await asyncio.sleep(2)  # two more ticks of each poller: still nothing due again
        finally:
            stop_workers(workers)
    assert all(worker.returncode == 0 for worker in workers), log.read_text(encoding="utf-8")[-3000:]
    assert set(server.hits) == set(documents)
    assert [path for path, hits in server.hits.items() if hits != 1] == []
    incidents = stored_incidents(url_in(schema))
    assert incidents == replayed_incidents(documents, tmp_path / "files")
    assert len(incidents) == len(ATTACKS) and {n for _, _, n in incidents} == {OUTLETS_PER_ATTACK}
    assert new_alerts_per_incident(url_in(schema)) == [1] * len(ATTACKS)
    # Pollers never send.
    assert query(url_in(schema), "SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL") == [(0,)]


@needs_postgres
async def test_four_pollers_over_2000_feeds_one_killed_at_each_fifth_polled_lose_and_double_nothing(
        schema: str, tmp_path: Path) -> None:
    """Issue 10's test: four pollers over 2,000 local feeds, one of them killed with SIGKILL and replaced each time
    another fifth of the feeds has been polled (every second or two: by progress, not by the clock, so that a
    faster or slower machine kills as often while the polls go on), a delivery worker printing the alerts. A feed
    may be fetched again only when a poller died holding it (it fetched it, perhaps, and never recorded the poll):
    live pollers never fetch a feed twice in its interval. The incidents are those of a single-process replay of
    the same documents, each posted once."""
    documents = feed_documents(2000)
    database, log, alerts = url_in(schema), tmp_path / "workers.log", tmp_path / "alerts.txt"
    rng = random.Random(10)
    held_by_the_killed: set[str] = set()
    kills = 0
    async with LocalFeeds() as server:
        # A slow answer each (5 ms): polls overlap the kills.
        urls = [server.serve(path, body, delay=0.005) for path, body in documents.items()]
        config = config_file(tmp_path, urls)
        pollers = [start_worker("poller", config, database, log) for _ in range(4)]
        delivery = start_worker("delivery", config, database, log, out_to=alerts)
        polled = every_feed_polled(database, len(urls))
        try:
            for fifth in range(1, 5):
                await until(lambda fifth=fifth: polled_count(database) >= fifth * len(urls) // 5, pollers, log)
                held_by_the_killed |= await asyncio.to_thread(kill_one, pollers, database, rng)
                kills += 1
                pollers.append(start_worker("poller", config, database, log))
            await until(polled, pollers, log)
            await until(lambda: not query(database, "SELECT 1 FROM outbox WHERE sent_at IS NULL"),
                        [*pollers, delivery], log)
            settled = dict(server.hits)
            await asyncio.sleep(4)  # past the last lease and a few poll ticks: nothing is due again
            assert server.hits == settled
        finally:
            stop_workers([*pollers, delivery])
    assert kills >= 3 and held_by_the_killed, "no poller died holding a feed: the test proved nothing"
    assert all(poller.returncode in (0, -signal.SIGKILL) for poller in pollers), \
        ([poller.returncode for poller in pollers], log.read_text()[-3000:])
    assert set(server.hits) == set(documents)  # nothing lost
    fetched_again = {server.url(path) for path, hits in server.hits.items() if hits > 1}
    print(f"{kills} pollers killed, holding {len(held_by_the_killed)} feeds; {len(fetched_again)} feeds fetched "
          f"again, {len(fetched_again - held_by_the_killed)} of them not held by a killed poller")
    assert fetched_again <= held_by_the_killed  # nothing doubled by live pollers
    incidents = stored_incidents(database)
    assert incidents == replayed_incidents(documents, tmp_path / "files")
    assert len(incidents) == len(ATTACKS) and {n for _, _, n in incidents} == {OUTLETS_PER_ATTACK}
    assert new_alerts_per_incident(database) == [1] * len(ATTACKS)
    printed = alerts.read_text(encoding="utf-8").splitlines()
    assert sum(line.startswith("[NEW]") for line in printed) == len(ATTACKS)  # one alert each


@needs_postgres
async def test_two_delivery_workers_post_every_alert_once(schema: str, tmp_path: Path) -> None:
    assert URL is not None
    documents = feed_documents(len(ATTACKS) * OUTLETS_PER_ATTACK, ordinary_per_feed=0)
    gazetteer = Gazetteer(load_config(ROOT / "config.yaml").site_records())
    store = PostgresStore(URL, schema=schema)
    stories = sorted((story for path, body in documents.items() for story in parse_feed(body, path).stories),
                     key=lambda story: story.published)
    first_reports, later_reports = stories[:len(ATTACKS) * 2], stories[len(ATTACKS) * 2:]
    log = tmp_path / "workers.log"
    try:
        async with FakeDiscordServer(heartbeat_interval_ms=200) as discord_server:
            config = config_file(tmp_path, [], channel_id=discord_server.channel.id)
            env = {"DISCORD_TOKEN": discord_server.token, "DISCORD_API_BASE": discord_server.base_url}
            # Discord makes the first posts wait (429, retry after 1 s): a worker is mid-send on its first
            # incidents when the other's next tick comes.
            discord_server.rate_limit_next(POST, count=len(ATTACKS), retry_after=1.0)
            workers = [start_worker("delivery", config, url_in(schema), log, **env) for _ in range(2)]
            try:
                for wave in (first_reports, later_reports):  # new incidents, then updates while they are sent
                    for story in wave:
                        process_story(store, gazetteer, story, NOW)
                    await until(lambda: store.outbox_depth() == 0, workers, log)
            finally:
                stop_workers(workers)
            posted = discord_server.messages_in(discord_server.channel.id)
            posts = [r for r in discord_server.requests if r.route == POST and r.status == 200]
            discord_server.assert_clean()
    finally:
        store.close()
    assert all(worker.returncode == 0 for worker in workers), log.read_text(encoding="utf-8")[-3000:]
    assert len(posts) == len(ATTACKS) and len(posted) == len(ATTACKS)  # a nonce's second post would answer 200
    assert query(url_in(schema), "SELECT COUNT(*) FROM messages") == [(len(ATTACKS),)]


@needs_postgres
def test_due_feeds_are_split_between_pollers_and_a_dead_ones_come_back_after_its_lease(schema: str) -> None:
    assert URL is not None
    first, second = PostgresStore(URL, schema=schema), PostgresStore(URL, schema=schema)
    try:
        for number in range(10):
            first.ensure_feed(f"https://news.example/{number}", None)
        taken = first.claim_due_feeds("a", NOW, lease_seconds=60, limit=4)
        rest = second.claim_due_feeds("b", NOW, lease_seconds=60, limit=100)
        assert len(taken) == 4 and len(rest) == 6
        assert {f.url for f in taken}.isdisjoint(f.url for f in rest)
        assert second.claim_due_feeds("b", NOW, lease_seconds=60, limit=100) == []  # all leased
        first.record_poll(taken[0].url, now=NOW, next_poll=NOW + timedelta(minutes=5), ok=True)
        assert second.claim_due_feeds("b", NOW, lease_seconds=60, limit=100) == []  # polled: not due
        every = first.claim_due_feeds("a", NOW, lease_seconds=0, limit=None, every=True)
        assert [f.url for f in every] == [taken[0].url]  # every feed, but only those no live worker holds
        for feed in taken[1:]:  # "a" dies; its leases end
            first.connection.execute("UPDATE feeds SET lease_until = now() - interval '1 second' WHERE url = %s",
                                     (feed.url,))
        taken_over = second.claim_due_feeds("b", NOW, lease_seconds=60, limit=100)
        assert sorted(f.url for f in taken_over) == sorted(f.url for f in taken[1:])
    finally:
        first.close()
        second.close()


@needs_postgres
def test_a_poller_whose_feed_was_taken_over_records_nothing_over_the_new_holder(schema: str) -> None:
    assert URL is not None
    first, second = PostgresStore(URL, schema=schema), PostgresStore(URL, schema=schema)
    try:
        first.ensure_feed("https://news.example/rss", None)
        (feed,) = first.claim_due_feeds("a", NOW, lease_seconds=60, limit=10)
        first.connection.execute("UPDATE feeds SET lease_until = now() - interval '1 second'")  # "a" is slow
        assert [f.url for f in second.claim_due_feeds("b", NOW, lease_seconds=60, limit=10)] == [feed.url]
        late = first.record_poll(feed.url, now=NOW, next_poll=NOW + timedelta(hours=9), ok=False, error="timeout",
                                 worker="a")
        assert late is False  # "b" polls it now: its poll is the one recorded
        after = second.feed(feed.url)
        assert after is not None and after.last_poll is None and after.consecutive_failures == 0
        assert query(url_in(schema), "SELECT lease_holder FROM feeds") == [("b",)]  # "b"'s lease untouched
        assert second.record_poll(feed.url, now=NOW, next_poll=NOW + timedelta(hours=1), ok=True, worker="b")
        assert query(url_in(schema), "SELECT lease_holder, next_poll = %s FROM feeds",
                     (NOW + timedelta(hours=1),)) == [(None, True)]
    finally:
        first.close()
        second.close()


@needs_postgres
def test_an_incident_claimed_by_one_delivery_worker_is_not_sent_by_another(schema: str) -> None:
    assert URL is not None
    gazetteer = Gazetteer(load_config(ROOT / "config.yaml").site_records())
    first, second = PostgresStore(URL, schema=schema), PostgresStore(URL, schema=schema)
    try:
        documents = feed_documents(len(ATTACKS), ordinary_per_feed=0)
        for path, body in documents.items():
            for story in parse_feed(body, path).stories:
                process_story(first, gazetteer, story, NOW)
        mine = first.claim_alerts("a", NOW, lease_seconds=60, limit=2)
        theirs = second.claim_alerts("b", NOW, lease_seconds=60)
        assert len(mine) == 2 and len(theirs) == len(ATTACKS) - 2
        assert {p.incident_id for p in mine}.isdisjoint(p.incident_id for p in theirs)
        first.release_alerts("a", [mine[0].incident_id])  # left unsent (Discord down): back for anyone
        assert [p.incident_id for p in second.claim_alerts("b", NOW, lease_seconds=60)] == [mine[0].incident_id]
        assert second.claim_alerts("b", NOW, lease_seconds=60) == []
    finally:
        first.close()
        second.close()


class SlowSink(ConsoleSink):
    """A console whose every post takes `seconds` (Discord making us wait), and runs `during` at its post number
    `at` (1-based): what another worker does meanwhile."""

    def __init__(self, seconds: float, *, at: int = 0, during: Callable[[], None] = lambda: None) -> None:
        super().__init__(lambda _: None)
        self.seconds, self.at, self.during = seconds, at, during
        self.posted: list[int] = []

    async def post(self, outgoing: Outgoing, nonce: str) -> int:
        await asyncio.sleep(self.seconds)
        self.posted.append(outgoing.incident_id)
        if len(self.posted) == self.at:
            self.during()
        return await super().post(outgoing, nonce)


def stores_with_one_alert_per_attack(schema: str) -> tuple[PostgresStore, PostgresStore]:
    assert URL is not None
    gazetteer = Gazetteer(load_config(ROOT / "config.yaml").site_records())
    first, second = PostgresStore(URL, schema=schema), PostgresStore(URL, schema=schema)
    for path, body in feed_documents(3, ordinary_per_feed=0).items():  # three attacks, one report each
        for story in parse_feed(body, path).stories:
            process_story(first, gazetteer, story, NOW)
    return first, second


@needs_postgres
async def test_a_slow_delivery_batch_keeps_its_claims_by_renewing_them(schema: str) -> None:
    first, second = stores_with_one_alert_per_attack(schema)
    taken: list[int] = []
    try:
        # Each post takes 1.2 s against a 2 s lease: the third incident, claimed at 0 s, would be free at 2 s.
        sink = SlowSink(1.2, at=2, during=lambda: taken.extend(
            p.incident_id for p in second.claim_alerts("b", NOW, lease_seconds=60)))
        sites = {site.id: site for site in load_config(ROOT / "config.yaml").site_records()}
        sent = await deliver_pending(first, sink, sites, DiscordConfig(), now=NOW, channels=[CONSOLE_CHANNEL],
                                     worker="a", lease_seconds=2.0)
    finally:
        first.close()
        second.close()
    assert sent == 3 and len(set(sink.posted)) == 3
    assert taken == []  # at 2.4 s every claim of "a" was still alive: renewed before each post


@needs_postgres
async def test_a_delivery_worker_that_lost_a_claim_leaves_the_incident_to_its_new_holder(
        schema: str, caplog: pytest.LogCaptureFixture) -> None:
    first, second = stores_with_one_alert_per_attack(schema)
    taken: list[int] = []

    def stalled_then_taken_over() -> None:  # "a" stalled past its leases, and "b" claimed what was left
        first.connection.execute("UPDATE incidents SET delivery_until = now() - interval '1 second'")
        taken.extend(p.incident_id for p in second.claim_alerts("b", NOW, lease_seconds=60))

    try:
        sink = SlowSink(0, at=1, during=stalled_then_taken_over)
        sites = {site.id: site for site in load_config(ROOT / "config.yaml").site_records()}
        sent = await deliver_pending(first, sink, sites, DiscordConfig(), now=NOW, channels=[CONSOLE_CHANNEL],
                                     worker="a", lease_seconds=60)
    finally:
        first.close()
        second.close()
    # "b" holds all three now (the one "a" is posting too: the post's nonce makes a second post of it return
    # the first message); "a" finishes the post under way and sends neither of the two others.
    assert len(taken) == 3
    assert sent == 1 and len(sink.posted) == 1
    assert caplog.text.count("event=delivery_claim_lost") == 2


@needs_postgres
async def test_a_second_gateway_process_waits_in_one_line_and_takes_over_when_the_lease_ends(
        schema: str, caplog: pytest.LogCaptureFixture) -> None:
    assert URL is not None
    first, second = PostgresStore(URL, schema=schema), PostgresStore(URL, schema=schema)
    try:
        assert first.take_lease(GATEWAY_LEASE, "host-a:1", lease_seconds=60) is None
        assert first.take_lease(GATEWAY_LEASE, "host-a:1", lease_seconds=60) is None  # renewed
        stop = asyncio.Event()
        caplog.set_level(logging.INFO, logger="sitewatch.discord")
        waiting = asyncio.create_task(wait_for_gateway(second, "host-b:2", stop, lease_seconds=0.3))
        await asyncio.sleep(0.5)
        assert not waiting.done()
        (line,) = [r.getMessage() for r in caplog.records if "gateway_waiting" in r.getMessage()]
        assert "holder=host-a:1" in line
        first.connection.execute("UPDATE leases SET until = now() - interval '1 second'")  # host-a stopped renewing
        assert await asyncio.wait_for(waiting, timeout=5) is True
        assert first.take_lease(GATEWAY_LEASE, "host-a:1", lease_seconds=60) == "host-b:2"
        second.drop_lease(GATEWAY_LEASE, "host-b:2")  # a clean stop hands it over at once
        assert first.take_lease(GATEWAY_LEASE, "host-a:1", lease_seconds=60) is None
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize("role", ["poller", "delivery", "discord"])
def test_roles_other_than_all_refuse_sqlite_in_one_line(role: str, tmp_path: Path) -> None:
    config = config_file(tmp_path, [])
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("DISCORD_TOKEN", "SITEWATCH_DATABASE")}
    environment["SITEWATCH_DATABASE"] = str(tmp_path / "bot.sqlite3")
    done = subprocess.run([sys.executable, "-m", "bot", "run", "--config", str(config), "--role", role, "--once"],
                          cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert f"--role {role} needs PostgreSQL" in line and "--role all" in line


def test_compose_runs_the_gateway_role_in_its_own_profile() -> None:
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    assert services["discord"]["command"][-2:] == ["--role", "discord"]
    assert services["discord"]["profiles"] == ["discord"]  # not started by a plain `docker compose up`
    assert {name: s["command"][-1] for name, s in services.items() if name != "postgres"} == {
        "poller": "poller", "delivery": "delivery", "discord": "discord"}


def test_compose_checks_each_services_health_for_its_own_role() -> None:
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    image_check = re.search(r"HEALTHCHECK --interval=(\S+) --timeout=(\S+) --start-period=(\S+) --retries=(\d+)",
                            (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    assert image_check is not None
    for name in ("poller", "delivery", "discord"):
        check = services[name]["healthcheck"]
        assert check["test"] == ["CMD", "python", "-m", "bot", "health", "--config", "config.yaml", "--role",
                                 services[name]["command"][-1]]
        assert (check["interval"], check["timeout"], check["start_period"], str(check["retries"])) == \
            image_check.groups()


def test_a_story_undone_by_a_conflict_with_another_worker_is_decided_again(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    real = bot.feeds.polling.process_story
    undone: list[str] = []

    def conflicting_once(store, gazetteer, story, now, **kwargs):  # type: ignore[no-untyped-def]
        if not undone:
            undone.append(story.key)
            raise StoreConflict("deadlock detected")
        return real(store, gazetteer, story, now, **kwargs)

    monkeypatch.setattr(bot.feeds.polling, "process_story", conflicting_once)
    gazetteer = Gazetteer(load_config(ROOT / "config.yaml").site_records())
    store = make_store()
    body = feed_documents(1, ordinary_per_feed=0)["/feed-00000.xml"]
    stories, alerts, _ = read_and_match(body, "https://one.example/feed", store, gazetteer, now=NOW,
                                        quiet_before=NOW - timedelta(days=3650))
    assert undone and stories == 1 and alerts == 1
    assert "event=story_retried" in caplog.text


@needs_postgres
def test_two_workers_locking_sites_in_opposite_orders_get_a_conflict_not_a_hang(schema: str) -> None:
    assert URL is not None
    first, second = PostgresStore(URL, schema=schema), PostgresStore(URL, schema=schema)
    both_hold_one = threading.Barrier(2, timeout=10)
    outcomes: dict[str, str] = {}

    def lock(store: PostgresStore, name: str, sites: tuple[str, str]) -> None:
        try:
            with store.transaction(site_ids=[sites[0]]):
                both_hold_one.wait()
                with store.transaction(site_ids=[sites[1]]):  # as a story's earlier version names another site
                    pass
            outcomes[name] = "committed"
        except StoreConflict:
            outcomes[name] = "conflict"

    try:
        threads = [threading.Thread(target=lock, args=(first, "a", ("site-x", "site-y"))),
                   threading.Thread(target=lock, args=(second, "b", ("site-y", "site-x")))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        first.close()
        second.close()
    assert sorted(outcomes.values()) == ["committed", "conflict"]


@needs_postgres
async def test_a_poller_stopped_mid_poll_hands_its_unpolled_feeds_back_at_once(schema: str) -> None:
    assert URL is not None
    gazetteer = Gazetteer(load_config(ROOT / "config.yaml").site_records())
    store = PostgresStore(URL, schema=schema)
    settings = PollSettings(interval_seconds=600, backlog=timedelta(days=3650), failing_threshold=3)

    async def ignore(_: str) -> None:
        return None

    try:
        async with LocalFeeds() as server, FeedFetcher(allow_private=True) as fetcher:
            for path, body in feed_documents(3).items():
                store.ensure_feed(server.serve(path, body, delay=2), None)  # answers after the stop
            polling = asyncio.create_task(poll_due_feeds(
                store, fetcher, gazetteer, settings, now=NOW, rng=random.Random(1), announce=ignore,
                claiming=Claiming(worker="stopping", lease_seconds=600)))
            while not server.hits:
                await asyncio.sleep(0.05)
            assert len(query(url_in(schema), "SELECT 1 FROM feeds WHERE lease_holder = 'stopping'")) == 3
            polling.cancel()
            with pytest.raises(asyncio.CancelledError):
                await polling
        taken = store.claim_due_feeds("next", NOW, lease_seconds=60, limit=None)
    finally:
        store.close()
    assert len(taken) == 3  # not left leased for ten minutes


@needs_postgres
async def test_one_discord_process_holds_the_gateway_and_a_second_takes_over_when_it_stops(
        schema: str, tmp_path: Path) -> None:
    log = tmp_path / "workers.log"
    async with FakeDiscordServer(heartbeat_interval_ms=200) as discord_server:
        config = config_file(tmp_path, [], channel_id=discord_server.channel.id, guild_id=discord_server.guild.id)
        env = {"DISCORD_TOKEN": discord_server.token, "DISCORD_API_BASE": discord_server.base_url,
               "DISCORD_GATEWAY_URL": discord_server.gateway_url}
        first = start_worker("discord", config, url_in(schema), log, **env)
        workers = [first]
        try:
            await until(lambda: len(discord_server.gateway.identifies) == 1, workers, log)
            workers.append(start_worker("discord", config, url_in(schema), log, **env))
            await until(lambda: "event=gateway_waiting" in log.read_text(encoding="utf-8"), workers, log)
            await asyncio.sleep(1)
            assert len(discord_server.gateway.identifies) == 1  # the second one waits: no second client
            first.send_signal(signal.SIGTERM)
            assert await asyncio.to_thread(first.wait, 20) == 0
            await until(lambda: len(discord_server.gateway.identifies) == 2, workers[1:], log, timeout=20)
        finally:
            stop_workers(workers)
    (waiting,) = [line for line in log.read_text(encoding="utf-8").splitlines() if "gateway_waiting" in line]
    assert f":{first.pid} " in waiting
    assert all(worker.returncode == 0 for worker in workers), log.read_text(encoding="utf-8")[-3000:]


async def test_a_poller_queues_alerts_without_sending_and_a_delivery_worker_sends_without_polling(
        tmp_path: Path) -> None:
    printed: list[str] = []
    store = make_store(tmp_path / "db.sqlite3")
    async with LocalFeeds() as server:
        documents = feed_documents(len(ATTACKS), ordinary_per_feed=0)
        config = parse_config(config_file(tmp_path, [server.serve(p, b) for p, b in documents.items()])
                              .read_text(encoding="utf-8"))
        poller = Service(config, store, ConsoleSink(printed.append), console=True, role="poller", clock=lambda: NOW)
        await run_service(poller, once=True)
        assert printed == [] and store.outbox_depth() == len(ATTACKS)
        delivery = Service(config, store, ConsoleSink(printed.append), console=True, role="delivery",
                           clock=lambda: NOW)
        store.connection.execute("UPDATE feeds SET next_poll = NULL")
        await run_service(delivery, once=True)
    assert sum(line.startswith("[NEW]") for line in printed) == len(ATTACKS) and store.outbox_depth() == 0
    assert sum(server.hits.values()) == len(ATTACKS)  # the delivery worker fetched nothing


async def test_a_pollers_notice_of_a_failing_feed_is_posted_once_by_a_delivering_process(tmp_path: Path) -> None:
    printed: list[str] = []
    store = make_store(tmp_path / "db.sqlite3")
    async with LocalFeeds() as server:
        broken = server.serve("/broken.xml", b"", status=500)
        config = parse_config(config_file(tmp_path, [broken]).read_text(encoding="utf-8")
                              + "failing_feed_threshold: 1\n")
        poller = Service(config, store, ConsoleSink(printed.append), console=True, role="poller", clock=lambda: NOW)
        await run_service(poller, once=True)
        assert printed == []  # a poller has no Discord: the notice waits in the store
        delivery = Service(config, store, ConsoleSink(printed.append), console=True, role="delivery",
                           clock=lambda: NOW)
        await run_service(delivery, once=True)
        await run_service(delivery, once=True)
    assert printed == [f"[ADMIN] Feed {broken} has failed 1 times in a row: HTTP 500"]


def test_a_notice_is_taken_by_one_delivering_process_and_put_back_when_it_cannot_be_posted(
        tmp_path: Path) -> None:
    first = make_store(tmp_path / "db.sqlite3")
    second = make_store(tmp_path / "db.sqlite3")  # another process, on PostgreSQL
    for number in range(3):
        first.queue_notice(f"notice {number}", NOW)
    mine = first.take_notices(NOW, limit=2)
    assert [text for _, text in mine] == ["notice 0", "notice 1"]
    assert [text for _, text in second.take_notices(NOW)] == ["notice 2"]
    assert second.take_notices(NOW) == []
    first.return_notices([mine[1][0]])  # Discord was down
    assert second.take_notices(NOW) == [mine[1]]


def test_a_poller_sees_a_site_added_in_chat_by_another_process(tmp_path: Path) -> None:
    config = parse_config(config_file(tmp_path, []).read_text(encoding="utf-8"))
    store = make_store(tmp_path / "db.sqlite3")
    poller = Service(config, store, ConsoleSink(), console=True, role="poller")
    site = Site("camp-example", "Camp Example", (), "IQ", 33.0, 44.0)
    store.add_site(site, by="tester", now=NOW)  # as the gateway process's /track add does
    assert "camp-example" not in poller.gazetteer.sites
    poller.reload_sites_if_changed()
    assert poller.gazetteer.sites["camp-example"] == site
    unchanged = poller.gazetteer
    poller.reload_sites_if_changed()
    assert poller.gazetteer is unchanged  # no change, no rebuild


def test_the_gateway_role_needs_a_token_and_other_roles_need_postgresql() -> None:
    assert role_problem("all", "bot.sqlite3", discord_mode=True) is None
    assert role_problem("poller", "postgresql://db/sitewatch", discord_mode=False) is None
    assert role_problem("delivery", "postgresql://db/sitewatch", discord_mode=False) is None
    assert "needs DISCORD_TOKEN" in str(role_problem("discord", "postgresql://db/sitewatch", discord_mode=False))
    assert "needs PostgreSQL" in str(role_problem("poller", "bot.sqlite3", discord_mode=False))


@needs_postgres
async def test_a_delivery_worker_with_a_refused_token_stops_in_one_line(schema: str, tmp_path: Path) -> None:
    async with FakeDiscordServer() as discord_server:
        config = config_file(tmp_path, [], channel_id=discord_server.channel.id)
        environment = {key: value for key, value in os.environ.items() if key != "SITEWATCH_LOG_LEVEL"}
        environment |= {"SITEWATCH_DATABASE": url_in(schema), "SITEWATCH_LOG_LEVEL": "ERROR",
                        "DISCORD_TOKEN": "not-the-token", "DISCORD_API_BASE": discord_server.base_url}
        done = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "bot", "run", "--config", str(config), "--role", "delivery"],
            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert "Discord refused DISCORD_TOKEN" in line
