"""python -m bot health, the container's HEALTHCHECK: exit 0 only when the store opens and feeds are polled
on time; otherwise exit 1 (never Docker's reserved 2) and one line saying why."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import parse_config
from bot.health import check_health, judge_polling
from tests.conftest import ROOT, database_for, make_store, sqlite_only
from tests.local_feeds import LocalFeeds
from tests.test_service import SCENARIO, config_for

FEED = "https://news.example/rss"
HOURLY = "https://hourly.example/rss"
POLLED_AT = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)


def health(config: Path, database: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "health", "--config", str(config)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False,
                          env={"PATH": "/usr/bin:/bin", "SITEWATCH_DATABASE": database})


def assert_unhealthy_in_one_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1, result
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("sitewatch: unhealthy: ")
    for word in words:
        assert word in line


def database_with_one_poll(path: Path, *, ok: bool = True, next_poll: datetime | None = None,
                           urls: tuple[str, ...] = (FEED,)) -> str:
    """A store as the bot leaves it after polling its feeds once at POLLED_AT."""
    store = make_store(path)
    for url in urls:
        store.ensure_feed(url, None)
        store.record_poll(url, now=POLLED_AT, next_poll=next_poll or POLLED_AT + timedelta(minutes=5), ok=ok,
                          error=None if ok else "HTTP 500")
    store.close()
    return database_for(path)


def test_health_fails_on_a_fresh_empty_database(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(config_for(FEED))
    make_store(tmp_path / "db.sqlite3").close()
    assert_unhealthy_in_one_line(health(config, database_for(tmp_path / "db.sqlite3")), "no feed in the store")


@sqlite_only("a database file that does not exist")
def test_health_fails_when_no_database_and_creates_none(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(config_for(FEED))
    database = tmp_path / "db.sqlite3"
    assert_unhealthy_in_one_line(health(config, str(database)), str(database), "the bot has not started")
    assert not database.exists()


async def test_health_passes_once_the_bot_has_polled(tmp_path: Path) -> None:
    config, database = tmp_path / "config.yaml", database_for(tmp_path / "db.sqlite3")
    async with LocalFeeds() as feeds:
        config.write_text(config_for(feeds.serve("/wire.xml", (SCENARIO / "wire.xml").read_bytes())))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(config), "--once", cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", "SITEWATCH_DATABASE": database},
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()
    result = health(config, database)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("sitewatch: healthy: newest feed poll") and result.stderr == ""


def test_feeds_known_but_never_polled_is_unhealthy(tmp_path: Path) -> None:
    store = make_store(tmp_path / "db.sqlite3")
    store.ensure_feed(FEED, None)
    store.close()
    verdict = check_health(parse_config(config_for(FEED)), database_for(tmp_path / "db.sqlite3"), POLLED_AT)
    assert not verdict.healthy and verdict.reason == "no feed poll recorded yet (1 feeds)"


def test_health_fails_when_polls_stop_for_three_intervals(tmp_path: Path) -> None:
    database = database_with_one_poll(tmp_path / "db.sqlite3")
    config = parse_config(config_for(FEED))  # poll_interval: 5 minutes
    assert check_health(config, database, POLLED_AT + timedelta(minutes=15)).healthy
    verdict = check_health(config, database, POLLED_AT + timedelta(minutes=16))
    assert not verdict.healthy
    assert verdict.reason == ("the newest feed poll was 16 min ago (limit 15 min) and 1 of 1 feeds are overdue, "
                              "since 2026-03-06T12:05:00Z")


def test_health_passes_while_every_feed_backs_off(tmp_path: Path) -> None:
    # A failing feed waits up to 6 h between polls: a live bot that has nothing due is healthy.
    database = database_with_one_poll(tmp_path / "db.sqlite3", ok=False, next_poll=POLLED_AT + timedelta(hours=6))
    verdict = check_health(parse_config(config_for(FEED)), database, POLLED_AT + timedelta(hours=1))
    assert verdict.healthy and "2026-03-06T18:00:00Z" in verdict.reason


def test_a_feeds_own_interval_sets_how_old_a_poll_may_be(tmp_path: Path) -> None:
    text = config_for(FEED).replace(f"{{url: '{FEED}'}}", f"{{url: '{HOURLY}', interval: 60}}")
    database = database_with_one_poll(tmp_path / "db.sqlite3", urls=(HOURLY,),
                                      next_poll=POLLED_AT + timedelta(hours=1))
    assert check_health(parse_config(text), database, POLLED_AT + timedelta(hours=2)).healthy
    # The same silence is a dead poller for a feed on the 5-minute default.
    default = database_with_one_poll(tmp_path / "default.sqlite3", next_poll=POLLED_AT + timedelta(minutes=5))
    assert not check_health(parse_config(config_for(FEED)), default, POLLED_AT + timedelta(hours=2)).healthy


def test_a_tiny_interval_does_not_make_the_limit_shorter_than_the_scheduler_tick(tmp_path: Path) -> None:
    # Six-second polls, the last 50 s ago: between two of the scheduler's 20 s ticks, not dead.
    database_with_one_poll(tmp_path / "db.sqlite3", next_poll=POLLED_AT + timedelta(seconds=6))
    store = make_store(tmp_path / "db.sqlite3")
    feeds = store.feeds()
    store.close()
    assert judge_polling(feeds, timedelta(seconds=6), POLLED_AT + timedelta(seconds=50)).healthy
    assert not judge_polling(feeds, timedelta(seconds=6), POLLED_AT + timedelta(seconds=90)).healthy


@sqlite_only("a damaged database file")
def test_a_damaged_database_is_one_line_and_exit_1(tmp_path: Path) -> None:
    config, database = tmp_path / "config.yaml", tmp_path / "db.sqlite3"
    config.write_text(config_for(FEED))
    database.write_bytes(b"this is not an SQLite database\n" * 200)
    assert_unhealthy_in_one_line(health(config, str(database)), "not a database")


def test_a_bad_config_is_unhealthy_not_docker_reserved_exit_2(tmp_path: Path) -> None:
    assert_unhealthy_in_one_line(health(tmp_path / "missing.yaml", str(tmp_path / "db.sqlite3")), "missing.yaml")


def test_a_database_url_never_shows_its_password(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(config_for(FEED))
    result = health(config, "postgresql://sitewatch:s3cret-word@127.0.0.1:9/sitewatch")
    assert_unhealthy_in_one_line(result, "postgresql://sitewatch:***@127.0.0.1:9/sitewatch")
    assert "s3cret-word" not in result.stderr


def test_a_delivery_or_gateway_process_is_healthy_whatever_the_feeds(tmp_path: Path) -> None:
    database = database_with_one_poll(tmp_path / "db.sqlite3")
    config = parse_config(config_for(FEED))
    stale = POLLED_AT + timedelta(hours=2)  # no poller ran for two hours
    assert not check_health(config, database, stale).healthy
    assert not check_health(config, database, stale, "poller").healthy
    for role in ("delivery", "discord"):
        verdict = check_health(config, database, stale, role)
        assert verdict.healthy and verdict.reason.startswith("the store answers, 0 alerts waiting")


def test_the_role_reaches_the_check_and_an_unknown_role_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(config_for(FEED))
    database = database_with_one_poll(tmp_path / "db.sqlite3")  # polled in 2026-03: stale by now
    role = subprocess.run([sys.executable, "-m", "bot", "health", "--config", str(config), "--role", "delivery"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
                          env={"PATH": "/usr/bin:/bin", "SITEWATCH_DATABASE": database})
    assert role.returncode == 0 and role.stdout.startswith("sitewatch: healthy: the store answers"), role.stderr
    assert_unhealthy_in_one_line(health(config, database), "overdue")
    unknown = subprocess.run([sys.executable, "-m", "bot", "health", "--config", str(config), "--role", "pollr"],
                             cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
                             env={"PATH": "/usr/bin:/bin", "SITEWATCH_DATABASE": database})
    assert_unhealthy_in_one_line(unknown, "--role pollr: choose one of all, poller, delivery, discord")


def test_the_health_check_knows_the_roles_the_service_runs() -> None:
    from bot import health, service

    assert health.ROLES == service.ROLES and health.POLLING_ROLES == service.POLLING_ROLES


def database_with_a_waiting_alert(path: Path, *, delivery_ran_at: datetime | None) -> str:
    """Fresh polls, one alert waiting to be sent, and this host's delivery last run at delivery_ran_at."""
    from bot.matcher.sites import Gazetteer
    from bot.processing import process_story
    from bot.service import delivery_beat_name
    from tests.conftest import make_story

    database = database_with_one_poll(path)
    store = make_store(path)
    gazetteer = Gazetteer(parse_config(config_for(FEED)).site_records())
    story = make_story("Two rockets struck Ain al-Asad air base in western Iraq on Friday, officials said.",
                       "2026-03-06T11:00:00+00:00", title="Rockets hit Ain al-Asad")
    assert process_story(store, gazetteer, story, now=POLLED_AT)
    store.beat(delivery_beat_name("another-host:7"), POLLED_AT + timedelta(minutes=9))  # not this host's
    if delivery_ran_at is not None:
        store.beat(delivery_beat_name(f"{socket.gethostname()}:41"), delivery_ran_at)
    assert store.outbox_depth() == 1
    store.close()
    return database


def test_alerts_waiting_on_a_delivery_that_stopped_running_here_are_unhealthy(tmp_path: Path) -> None:
    config = parse_config(config_for(FEED))
    now = POLLED_AT + timedelta(minutes=11)
    for ran_at, healthy in ((None, False), (POLLED_AT, False), (POLLED_AT + timedelta(minutes=2), True)):
        database = database_with_a_waiting_alert(tmp_path / f"db-{healthy}-{ran_at is None}.sqlite3",
                                                 delivery_ran_at=ran_at)
        for role in ("all", "delivery"):
            verdict = check_health(config, database, now, role)
            assert verdict.healthy is healthy, (role, ran_at, verdict)
        assert check_health(config, database, now, "discord").healthy  # the gateway sends nothing
        assert check_health(config, database, now, "poller").healthy  # nor does a poller
    stuck = check_health(config, database_with_a_waiting_alert(tmp_path / "stuck.sqlite3", delivery_ran_at=POLLED_AT),
                         now, "delivery")
    assert stuck.reason == ("1 alerts waiting to be sent and the newest delivery run on this host was 11 min ago "
                            "(limit 10 min): delivery is stuck or not running")


def test_no_alert_waiting_needs_no_delivery_run(tmp_path: Path) -> None:
    database = database_with_one_poll(tmp_path / "db.sqlite3")
    verdict = check_health(parse_config(config_for(FEED)), database, POLLED_AT + timedelta(minutes=1), "delivery")
    assert verdict.healthy and verdict.reason.startswith("the store answers, 0 alerts waiting")


def test_heartbeats_by_prefix_newest_first_and_forgotten_after_a_week() -> None:
    store = make_store()
    store.beat("delivery@a:1", POLLED_AT)
    store.beat("delivery@a:2", POLLED_AT + timedelta(seconds=30))
    store.beat("delivery@a:1", POLLED_AT + timedelta(seconds=10))  # the same process again: one row
    store.beat("delivery@ab:3", POLLED_AT + timedelta(minutes=5))
    assert store.last_beat("delivery@a:") == POLLED_AT + timedelta(seconds=30)
    assert store.last_beat("delivery@c:") is None
    store.beat("delivery@c:1", POLLED_AT + timedelta(days=8))  # a week on: the others are forgotten
    assert store.last_beat("delivery@a:") is None and store.last_beat("delivery@") == POLLED_AT + timedelta(days=8)
    store.close()


async def test_a_delivering_service_records_its_runs_where_health_looks_every_30_seconds() -> None:
    from bot.chat.delivery import ConsoleSink
    from bot.health import delivery_beat_prefix
    from bot.service import Service

    now = [POLLED_AT]
    service = Service(parse_config(config_for(FEED)), make_store(), ConsoleSink(lambda _: None), console=True,
                      clock=lambda: now[0])
    for seconds in (0, 3, 29, 31):
        now[0] = POLLED_AT + timedelta(seconds=seconds)
        await service.deliver_once()
        beaten = POLLED_AT + timedelta(seconds=0 if seconds < 30 else 31)  # every 30 s, not at every 3-s run
        assert service.store.last_beat(delivery_beat_prefix()) == beaten
    service.store.close()
