"""The PostgreSQL store against the local server (127.0.0.1:5432, database `test`), whatever
SITEWATCH_TEST_DATABASE says: the same migrations as SQLite's, the pipeline's tests, search parity, and what a
server adds (a lock per site, one bot per schema). Skipped, with the reason, when no server answers."""

from __future__ import annotations

import asyncio
import inspect
import itertools
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

import tests.conftest
from bot.config import parse_config
from bot.errors import StoreError
from bot.health import check_health
from bot.matcher.pipeline import StoryAnalysis
from bot.matcher.sites import Gazetteer
from bot.models import Alert
from bot.processing import process_story
from bot.store import PostgresStore, SQLiteStore, open_store
from bot.store.migrations import MIGRATIONS
from bot.store.migrations_pg import MIGRATIONS_PG
from bot.store.postgres import advisory_key
from tests import test_pipeline
from tests.conftest import ROOT, make_story
from tests.handlers.conftest import fill
from tests.local_feeds import LocalFeeds
from tests.postgres_probe import find_postgres
from tests.test_pipeline import INDEPENDENT, WIRE
from tests.test_service import SCENARIO, config_for
from tests.workers_harness import drop_schema

URL, UNREACHABLE = find_postgres()
pytestmark = [pytest.mark.server, pytest.mark.skipif(URL is None, reason=UNREACHABLE)]
_numbers = itertools.count(1)


def test_both_stores_have_the_same_migrations_with_the_same_comments() -> None:
    assert len(MIGRATIONS_PG) == len(MIGRATIONS)
    sqlite_notes = migration_comments(ROOT / "bot" / "store" / "migrations.py")
    postgres_notes = migration_comments(ROOT / "bot" / "store" / "migrations_pg.py")
    assert len(sqlite_notes) == len(MIGRATIONS)
    for number, (said, translated) in enumerate(zip(sqlite_notes, postgres_notes, strict=True), start=1):
        assert translated.startswith(said), f"migration {number}: {translated!r} does not say {said!r}"


def migration_comments(path: Path) -> list[str]:
    """The comment block above each migration's script, in order."""
    notes: list[str] = []
    block: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            block.append(stripped.lstrip("# "))
        elif stripped == '"""' and block:
            notes.append(" ".join(block))
            block = []
        else:
            block = []
    return [note for note in notes if re.match(r"\d+:", note)]


@pytest.fixture
def schema() -> Iterator[str]:
    """A schema of this test's own, dropped after it."""
    assert URL is not None
    name = f"sitewatch_pgtest_{os.getpid()}_{next(_numbers)}"
    yield name
    drop_schema(URL, name)


def open_schema(schema: str, **options: Any) -> PostgresStore:
    assert URL is not None
    return PostgresStore(URL, schema=schema, **options)


def url_in(schema: str) -> str:
    """The server URL that puts the tables in this schema, as an operator would write it."""
    return f"{URL}?options=-csearch_path%3D{schema}"


def test_migrations_run_once_and_a_newer_schema_is_refused(schema: str) -> None:
    store = open_schema(schema)
    assert store.connection.execute("SELECT version FROM schema_version").fetchone()[0] == len(MIGRATIONS_PG)
    store.ensure_feed("https://news.example/rss", "News")
    store.close()
    again = open_schema(schema)  # opening again migrates nothing and keeps the data
    assert [f.url for f in again.feeds()] == ["https://news.example/rss"]
    again.connection.execute("UPDATE schema_version SET version = 99")
    again.close()
    with pytest.raises(StoreError, match="database schema 99 is newer than this SiteWatch"):
        open_schema(schema)


def test_open_store_picks_the_store_by_the_database_named(schema: str) -> None:
    with pytest.raises(StoreError, match="no schema to create the tables in"):
        open_store(url_in(schema), single_instance=False)  # the operator makes the schema the URL names
    open_schema(schema).close()
    postgres = open_store(url_in(schema), single_instance=False)
    assert isinstance(postgres, PostgresStore)
    assert postgres.connection.execute("SELECT current_schema()").fetchone()[0] == schema
    postgres.close()
    sqlite = open_store(":memory:", single_instance=False)
    assert isinstance(sqlite, SQLiteStore)
    sqlite.close()


def test_a_second_bot_on_one_schema_is_refused_until_the_first_stops(schema: str) -> None:
    first = open_schema(schema, single_instance=True)
    with pytest.raises(StoreError, match="another SiteWatch process is using this database"):
        open_schema(schema, single_instance=True)
    open_schema(schema).close()  # a health check or a tool without the lock still opens it
    first.close()
    open_schema(schema, single_instance=True).close()


def test_health_reads_a_postgres_store(schema: str) -> None:
    feed, polled_at = "https://news.example/rss", datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
    store = open_schema(schema)
    store.ensure_feed(feed, None)
    store.record_poll(feed, now=polled_at, next_poll=polled_at + timedelta(minutes=5), ok=True)
    store.close()
    config = parse_config(config_for(feed))
    assert check_health(config, url_in(schema), polled_at + timedelta(minutes=10)).healthy
    assert not check_health(config, url_in(schema), polled_at + timedelta(hours=1)).healthy


async def test_the_bot_runs_on_postgres_and_health_reads_it(schema: str, tmp_path: Path) -> None:
    open_schema(schema).close()
    config = tmp_path / "config.yaml"
    environment = {"PATH": "/usr/bin:/bin", "SITEWATCH_DATABASE": url_in(schema)}
    async with LocalFeeds() as feeds:
        config.write_text(config_for(feeds.serve("/wire.xml", (SCENARIO / "wire.xml").read_bytes())))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(config), "--once", cwd=ROOT, env=environment,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()
    assert "database=postgresql://" in stderr.decode()
    store = open_schema(schema)
    assert store.recent_incidents(datetime(2021, 1, 1).date()) and store.outbox_depth() == 0  # console: sent
    store.close()
    health = subprocess.run([sys.executable, "-m", "bot", "health", "--config", str(config)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False, env=environment)
    assert health.returncode == 0 and health.stdout.startswith("sitewatch: healthy"), health.stderr


def test_a_dead_server_is_one_line_without_the_password() -> None:
    with pytest.raises(StoreError) as refused:
        open_store("postgresql://sitewatch:s3cret-word@127.0.0.1:9/sitewatch", single_instance=True)
    assert "postgresql://sitewatch:***@127.0.0.1:9/sitewatch: cannot open database" in str(refused.value)
    assert "s3cret-word" not in str(refused.value)


# -- a lock per site: two workers deciding about one site take turns ------------------------------------------

def test_two_workers_with_two_reports_of_one_attack_make_one_incident(schema: str, gazetteer: Gazetteer) -> None:
    """Both workers read the site's incidents at once would each find none and each open one: the second
    must wait for the first's transaction. A third connection holds the site's lock until both are waiting."""
    open_schema(schema).close()
    wire = make_story(WIRE, "2021-03-03T07:10:00+00:00", url="https://wire.example/a")
    other = make_story(INDEPENDENT, "2021-03-03T12:00:00+00:00", url="https://kurd.example/b", feed="Kurd")
    alerts: list[Alert] = []
    with site_held("ain-al-asad") as waiting:
        workers = [worker(schema, gazetteer, story, alerts) for story in (wire, other)]
        wait_until(lambda: waiting() == 2, "both workers waiting for the site's lock")
    for thread in workers:
        thread.join(timeout=60)
    store = open_schema(schema)
    incidents = store.recent_incidents(datetime(2021, 1, 1).date())
    store.close()
    assert len(incidents) == 1 and len(incidents[0].facts.sources) == 2
    assert sorted(alert.action for alert in alerts) == ["new", "update"]


def test_a_worker_on_another_site_does_not_wait(schema: str, gazetteer: Gazetteer) -> None:
    open_schema(schema).close()
    alerts: list[Alert] = []
    with site_held("erbil-airport"):
        thread = worker(schema, gazetteer, make_story(WIRE, "2021-03-03T07:10:00+00:00"), alerts)
        thread.join(timeout=60)
        assert not thread.is_alive()
    assert [alert.action for alert in alerts] == ["new"]


def test_a_new_version_of_a_story_waits_for_the_sites_its_old_version_named(schema: str,
                                                                            gazetteer: Gazetteer) -> None:
    """The new version names another site, but deciding it retells the old site's incident too."""
    store = open_schema(schema)
    first = make_story(WIRE, "2021-03-03T07:10:00+00:00", url="https://wire.example/a")
    process_story(store, gazetteer, first, now=first.published)
    store.close()
    edited = make_story("Two drones attacked Erbil airport on Wednesday night, officials said.",
                        "2021-03-03T09:00:00+00:00", url="https://wire.example/a")
    alerts: list[Alert] = []
    with site_held("ain-al-asad") as waiting:
        thread = worker(schema, gazetteer, edited, alerts)
        wait_until(lambda: waiting() == 1, "the worker waiting for the old version's site")
    thread.join(timeout=60)
    assert not thread.is_alive()


class site_held:
    """Hold a site's advisory lock from another connection; the callable counts sessions waiting for a lock."""

    def __init__(self, site_id: str) -> None:
        assert URL is not None
        self.connection = psycopg.connect(URL, autocommit=True)
        self.site_id = site_id

    def __enter__(self) -> Callable[[], int]:
        self.connection.execute("BEGIN")
        self.connection.execute("SELECT pg_advisory_xact_lock(%s)", (advisory_key(self.site_id),))
        return self.waiting

    def waiting(self) -> int:
        row = self.connection.execute("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                                      "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                                      ).fetchone()
        return int(row[0]) if row else 0

    def __exit__(self, *_: object) -> None:
        self.connection.execute("COMMIT")
        self.connection.close()


def worker(schema: str, gazetteer: Gazetteer, story: Any, alerts: list[Alert]) -> threading.Thread:
    """A worker of its own: its own connection, in its own thread."""
    def run() -> None:
        store = open_schema(schema)
        try:
            alerts.extend(process_story(store, gazetteer, story, now=story.published))
        finally:
            store.close()
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


# -- the same answers as SQLite ------------------------------------------------------------------------------

@pytest.mark.parametrize("words", ["rockets", "rock", "ain asad", "contract", "drone erbil", "submarine",
                                   "rockets AND", "attack base"])
def test_search_finds_what_sqlite_finds(schema: str, gazetteer: Gazetteer, words: str) -> None:
    sqlite, postgres = fill(SQLiteStore(), gazetteer), fill(open_schema(schema), gazetteer)
    try:
        found = [{(s.url, s.title, s.published) for s in store.search_stories(words, limit=500)}
                 for store in (sqlite, postgres)]
        assert found[0] == found[1]
        for story in postgres.search_stories(words, limit=3):
            assert "**" in story.snippet or not story.snippet
    finally:
        sqlite.close()
        postgres.close()


def test_search_ignores_accents_as_sqlite_does(schema: str) -> None:
    store = open_schema(schema)
    story = make_story("Mortars fell near Al-Qaïm overnight, officials said.", title="Shelling near Al-Qaïm",
                       url="https://news.example/qaim")
    store.save_story(StoryAnalysis(story, (), (), ()), None)
    (found,) = store.search_stories("qaim")
    assert found.url == "https://news.example/qaim" and "**Qaïm**" in found.snippet
    assert store.search_stories("QAÏ") and not store.search_stories("qaimx")
    store.close()


PIPELINE_TESTS = sorted((name, test) for name, test in vars(test_pipeline).items() if name.startswith("test_")
                        and "gazetteer" in inspect.signature(test).parameters)


@pytest.mark.parametrize(("name", "test"), PIPELINE_TESTS, ids=[name for name, _ in PIPELINE_TESTS])
def test_the_pipeline_tests_pass_on_postgres(name: str, test: Callable[..., None], gazetteer: Gazetteer,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tests.conftest, "TEST_DATABASE", URL)  # make_store() now opens PostgreSQL
    test(gazetteer)


def test_two_processes_starting_on_a_new_schema_migrate_it_once(schema: str) -> None:
    errors: list[BaseException] = []

    def start() -> None:
        try:
            open_schema(schema).close()
        except BaseException as error:  # any error fails the test below
            errors.append(error)
    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    store = open_schema(schema)
    assert store.connection.execute("SELECT version FROM schema_version").fetchall() == [(len(MIGRATIONS_PG),)]
    store.close()
