from __future__ import annotations

import asyncio
import atexit
import itertools
import os
import time
import weakref
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from bot.config import load_config
from bot.matcher.sites import Gazetteer
from bot.matcher.stories import clean_text
from bot.models import Site, Story
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SQLiteStore
from tests.fake_discord import FakeDiscordServer

ROOT = Path(__file__).resolve().parent.parent
SHARED_EXAMPLES = ROOT.parent / "shared" / "examples"

# Set to a postgresql:// URL, every store-behaviour test runs on PostgreSQL instead of SQLite (`make test`
# does this in a second pass when a server answers at 127.0.0.1:5432).
TEST_DATABASE = os.environ.get("SITEWATCH_TEST_DATABASE", "")
_schema_numbers = itertools.count(1)
_schemas: dict[str, str] = {}  # a test's database path -> its PostgreSQL schema, so a reopened path finds its data
_open_stores: weakref.WeakSet[PostgresStore] = weakref.WeakSet()


def on_postgres() -> bool:
    return TEST_DATABASE.startswith(("postgresql://", "postgres://"))


def sqlite_only(reason: str) -> pytest.MarkDecorator:
    """For a test of something only SQLite has (a file, its lock, a throwaway in-memory store): skipped, saying
    why, when the suite runs on PostgreSQL."""
    return pytest.mark.skipif(on_postgres(), reason=f"SQLite only: {reason}")


def make_store(path: str | Path = ":memory:") -> SQLiteStore | PostgresStore:
    """A fresh store for a test: SQLite (a path, or memory) unless SITEWATCH_TEST_DATABASE names a PostgreSQL
    server; then a schema of its own, the same one each time the same path is opened again."""
    if not on_postgres():
        return SQLiteStore(path)
    return make_postgres_store(TEST_DATABASE, path)


def make_postgres_store(url: str, path: str | Path = ":memory:") -> PostgresStore:
    key = str(path)
    if key == ":memory:" and _emptied_schemas.get(url):
        store: PostgresStore = ThrowawayStore(url, _emptied_schemas[url].pop())
        empty_tables(store)
        _open_stores.add(store)
        return store
    if key == ":memory:" or key not in _schemas:
        schema = f"sitewatch_test_{os.getpid()}_{next(_schema_numbers)}"
        if key != ":memory:":
            _schemas[key] = schema
        if not _created_schemas:
            atexit.register(drop_test_schemas)  # a script importing this module outside pytest cleans up too
        _created_schemas.setdefault(url, []).append(schema)
    else:
        schema = _schemas[key]
    store = ThrowawayStore(url, schema) if key == ":memory:" else PostgresStore(url, schema=schema)
    _open_stores.add(store)
    return store


_emptied_schemas: dict[str, list[str]] = {}  # server URL -> schemas of closed throwaway stores, to reuse


class ThrowawayStore(PostgresStore):
    """make_store()'s store on PostgreSQL: its schema goes back to the pool when it closes, and is emptied for
    the next one (a new schema and its migrations cost ~0.2 s, emptying one ~1 ms: 308 dedupe pairs each
    judged on a fresh store)."""

    def __init__(self, url: str, schema: str) -> None:
        super().__init__(url, schema=schema)
        self._pooled: tuple[str, str] | None = (url, schema)

    def close(self) -> None:
        super().close()
        if self._pooled is not None:
            url, schema = self._pooled
            self._pooled = None
            _emptied_schemas.setdefault(url, []).append(schema)


def empty_tables(store: PostgresStore) -> None:
    """Every row of every table but schema_version deleted, and the id sequences started again: the store is as
    new."""
    connection = store.connection
    with connection.transaction():
        for table in deletion_order(connection):
            connection.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
        for (sequence,) in connection.execute(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()").fetchall():
            connection.execute("SELECT setval(%s, 1, false)", (sequence,))


def deletion_order(connection: psycopg.Connection[Any]) -> list[str]:
    """The schema's tables, each after every table whose rows point at it (a foreign key)."""
    tables = {name for (name,) in connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename != 'schema_version'")}
    points_at: dict[str, set[str]] = {table: set() for table in tables}
    for source, target in connection.execute(
            """SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c
               WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace""").fetchall():
        if source != target and source in tables and target in tables:
            points_at[target].add(source)
    order: list[str] = []
    while points_at:
        free = sorted(table for table, sources in points_at.items() if not sources - set(order))
        assert free, f"a cycle of foreign keys between {sorted(points_at)}"
        order += free
        for table in free:
            del points_at[table]
    return order


_created_schemas: dict[str, list[str]] = {}


def database_for(path: str | Path) -> str:
    """What SITEWATCH_DATABASE says to open, in another process or through open_store, the store that
    make_store(path) opens: the SQLite file, or the server URL whose search_path is that path's schema (made
    now if the path was never opened)."""
    if not on_postgres():
        return str(path)
    if str(path) not in _schemas:
        make_postgres_store(TEST_DATABASE, path).close()
    joiner = "&" if "?" in TEST_DATABASE else "?"
    return f"{TEST_DATABASE}{joiner}options=-csearch_path%3D{_schemas[str(path)]}"


def drop_test_schemas() -> list[str]:
    """Close what the tests left open, then drop every schema this run made; the names dropped."""
    for store in list(_open_stores):
        store.close()
    dropped = []
    for url, schemas in _created_schemas.items():
        with psycopg.connect(url, autocommit=True) as connection:
            for schema in schemas:
                connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
                dropped.append(schema)
    _created_schemas.clear()
    _schemas.clear()
    _emptied_schemas.clear()
    return dropped


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "server: uses the local PostgreSQL server whatever the store of the run "
                                       "(`make test` runs it in its PostgreSQL pass only)")


@pytest.fixture(autouse=True)
def _close_postgres_stores() -> Iterator[None]:
    """A test's PostgreSQL connections end with it: the server is shared and counts connections."""
    yield
    for store in list(_open_stores):
        store.close()


@pytest.fixture(scope="session", autouse=True)
def _drop_postgres_schemas() -> Iterator[None]:
    yield
    drop_test_schemas()


@pytest.fixture(scope="session")
def sites() -> list[Site]:
    return load_config(ROOT / "config.yaml").site_records()


@pytest.fixture(scope="session")
def gazetteer(sites: list[Site]) -> Gazetteer:
    return Gazetteer(sites)


def make_story(text: str, published: str = "2021-07-08T05:32:00+00:00", *, title: str = "",
               url: str = "https://news.example/story", feed: str = "News", key: str | None = None) -> Story:
    body = clean_text(text)
    return Story(key=key or url, url=url, feed=feed, title=title, text=body,
                 published=datetime.fromisoformat(published).astimezone(UTC))


class Heartbeat:
    """Ticks every 10 ms on the event loop while a block runs: `gaps` are the times between ticks. A step run
    on the loop instead of a worker thread shows as one gap as long as the step."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._done = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Heartbeat:
        self._task = asyncio.create_task(self._beat())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._done.set()
        if self._task is not None:
            await self._task

    async def _beat(self) -> None:
        while not self._done.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.01)
            self.gaps.append(time.perf_counter() - started)

    @property
    def longest(self) -> float:
        assert self.gaps, "the heartbeat never ran: the event loop was blocked the whole time"
        return max(self.gaps)


@pytest.fixture
async def server() -> AsyncIterator[FakeDiscordServer]:
    """A Discord-compatible server on 127.0.0.1 (tests/fake_discord), checked clean when the test ends."""
    async with FakeDiscordServer(heartbeat_interval_ms=200) as fake:
        yield fake
        fake.assert_clean()
