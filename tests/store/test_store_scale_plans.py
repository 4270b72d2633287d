"""A story's cost does not grow with the stories stored (issue 10): every statement its processing runs is
served by an index range, never a walk over a site's whole history; migration 8 brings an older database
there; and an entry read again unchanged is not analysed again, nor a story naming no site given a
transaction."""

from __future__ import annotations

import importlib.util
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

import bot.processing
from bot.matcher.sites import Gazetteer
from bot.models import Story
from bot.processing import process_story
from bot.store.base import story_digest
from bot.store.migrations import MIGRATIONS
from bot.store.migrations_pg import MIGRATIONS_PG
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SQLiteStore
from tests.conftest import ROOT, make_story
from tests.postgres_probe import find_postgres
from tests.test_pipeline import INDEPENDENT, SPUN, WIRE
from tests.workers_harness import drop_schema

# The rule the benchmark prints its verdicts by: one definition (scripts/bench_store_scale.py).
_spec = importlib.util.spec_from_file_location("bench_store_scale", ROOT / "scripts" / "bench_store_scale.py")
assert _spec is not None and _spec.loader is not None
bench_store_scale = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_store_scale)
walks_history = bench_store_scale.walks_history

URL, UNREACHABLE = find_postgres()
on_postgres = pytest.mark.skipif(URL is None, reason=UNREACHABLE)
MENTION = "Officials visited Ain al-Asad air base on Monday to review the coalition's training mission there."


def scenario() -> list[Story]:
    """Every path through process_story: a report in order, another report, a copy, a mention, a report
    arriving late (told again with the stories around it), a revised report, and news naming no site."""
    return [
        make_story(WIRE, "2021-03-03T07:10:00+00:00", url="https://wire.example/a"),
        make_story(INDEPENDENT, "2021-03-03T12:00:00+00:00", url="https://kurd.example/b", feed="Kurd"),
        make_story(SPUN, "2021-03-03T14:00:00+00:00", url="https://farm.example/c", feed="Farm"),
        make_story(MENTION, "2021-03-08T09:00:00+00:00", url="https://wire.example/d"),
        make_story(INDEPENDENT, "2021-03-03T09:00:00+00:00", url="https://late.example/e", feed="Late"),
        make_story(WIRE + " Two more rockets fell outside the base.", "2021-03-03T16:00:00+00:00",
                   url="https://wire.example/a"),
        make_story("The league's new season opens in Basra on Friday.", "2021-03-09T09:00:00+00:00",
                   url="https://sport.example/f"),
    ]


# -- SQLite: EXPLAIN QUERY PLAN of every statement --------------------------------------------------------

def sqlite_statements(store: SQLiteStore, gazetteer: Gazetteer, stories: list[Story]) -> list[str]:
    statements: list[str] = []
    store.connection.set_trace_callback(statements.append)
    try:
        for story in stories:
            process_story(store, gazetteer, story, now=story.published)
    finally:
        store.connection.set_trace_callback(None)
    return statements


def test_every_statement_of_a_story_reads_an_index_range_on_sqlite(gazetteer: Gazetteer) -> None:
    store = SQLiteStore()
    statements = sqlite_statements(store, gazetteer, scenario())
    reads = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE"))]
    assert any("story_sites" in s for s in reads) and any("FROM incidents" in s for s in reads)
    for statement in reads:
        plan = [row[3] for row in store.connection.execute(f"EXPLAIN QUERY PLAN {statement}")]
        assert not walks_history(plan, postgres=False), (statement, plan)


def test_the_old_queries_would_have_walked_a_sites_history() -> None:
    """The check above can fail: the queries before migration 8 are caught by it."""
    store = SQLiteStore()
    old = ["SELECT s.* FROM stories s WHERE s.published BETWEEN '1' AND '2' AND s.id IN "
           "(SELECT story_id FROM story_sites WHERE site_id IN ('a'))",
           "SELECT id FROM incidents WHERE site_id IN ('a') AND (day IS NULL OR day BETWEEN '1' AND '2')"]
    for statement in old:
        plan = [row[3] for row in store.connection.execute(f"EXPLAIN QUERY PLAN {statement}")]
        assert walks_history(plan, postgres=False), plan


# -- migration 8 on a database of version 7 ---------------------------------------------------------------

def version_7_database(path: Path) -> None:
    """A database as SiteWatch left it before migration 8, holding one stored story naming two sites."""
    db = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:7], start=1):
        db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    db.execute("INSERT INTO stories (id, feed, key, url, title, text, words, published) VALUES "
               "(1, 'News', 'https://wire.example/a', 'https://wire.example/a', '', ?, 'x', "
               "'2021-03-03T07:10:00+00:00')", (WIRE,))
    db.executemany("INSERT INTO story_sites (story_id, site_id) VALUES (1, ?)", [("ain-al-asad",), ("erbil",)])
    db.close()


def test_a_version_7_sqlite_database_gets_publish_times_beside_its_sites(tmp_path: Path) -> None:
    version_7_database(tmp_path / "old.sqlite")
    store = SQLiteStore(tmp_path / "old.sqlite")
    db = store.connection
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 12
    assert [tuple(row) for row in db.execute("SELECT site_id, published FROM story_sites ORDER BY site_id")] == [
        ("ain-al-asad", "2021-03-03T07:10:00+00:00"), ("erbil", "2021-03-03T07:10:00+00:00")]
    assert {row[1] for row in db.execute("PRAGMA index_list(story_sites)")} >= {"story_sites_site_published"}
    story = make_story(WIRE, "2021-03-03T07:10:00+00:00", url="https://wire.example/a")
    assert store.stored_digest(story) == ""  # stored before digests: known, but analysed once more


# -- an entry read again -----------------------------------------------------------------------------------

@pytest.fixture
def analyses(monkeypatch: pytest.MonkeyPatch) -> list[Story]:
    """The stories process_story analyses, in order."""
    analysed: list[Story] = []
    real = bot.processing.analyse

    def counting(story: Story, gazetteer: Gazetteer) -> Any:
        analysed.append(story)
        return real(story, gazetteer)
    monkeypatch.setattr(bot.processing, "analyse", counting)
    return analysed


def test_an_entry_read_again_unchanged_is_not_analysed_again(gazetteer: Gazetteer, analyses: list[Story]) -> None:
    store = SQLiteStore()
    story = make_story(WIRE, "2021-03-03T07:10:00+00:00", url="https://wire.example/a")
    assert process_story(store, gazetteer, story, now=story.published)
    assert store.stored_digest(story) == story_digest(story)
    assert process_story(store, gazetteer, story, now=story.published) == []
    revised = make_story(WIRE + " Two more rockets fell outside the base.", "2021-03-03T09:00:00+00:00",
                         url="https://wire.example/a")
    process_story(store, gazetteer, revised, now=revised.published)
    assert analyses == [story, revised]


def test_a_story_naming_no_site_opens_no_transaction(gazetteer: Gazetteer) -> None:
    store = SQLiteStore()
    news = make_story("The league's new season opens in Basra on Friday.", url="https://sport.example/f")
    statements = sqlite_statements(store, gazetteer, [news])
    assert not [s for s in statements if s.upper().startswith(("BEGIN", "INSERT", "UPDATE"))], statements


# -- PostgreSQL: the same, with EXPLAIN --------------------------------------------------------------------

@pytest.fixture
def pg_schema() -> Iterator[str]:
    assert URL is not None
    name = f"sitewatch_plans_{os.getpid()}"
    yield name
    drop_schema(URL, name)


@on_postgres
def test_every_statement_of_a_story_uses_an_index_range_on_postgres(pg_schema: str, gazetteer: Gazetteer,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    assert URL is not None
    store = PostgresStore(URL, schema=pg_schema)
    statements: dict[str, tuple[Any, ...]] = {}
    def recording(real: Any) -> Any:
        def run(query: str, params: Any = ()) -> Any:
            statements.setdefault(query, tuple(params))
            return real(query, params)
        return run
    for name in ("_rows", "_row", "_run"):
        monkeypatch.setattr(store, name, recording(getattr(store, name)))
    for story in scenario():
        process_story(store, gazetteer, story, now=story.published)
    assert any("story_sites" in s for s in statements) and any("FROM incidents" in s for s in statements)
    for statement, params in statements.items():
        if not statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
            continue
        with store.connection.transaction(force_rollback=True):
            # Tiny tables: the planner would rightly scan them. Told not to, it still must when no index serves.
            store.connection.execute("SET LOCAL enable_seqscan = off")
            plan = [row[0] for row in store.connection.execute(b"EXPLAIN " + statement.encode(), params)]
        assert not walks_history(plan, postgres=True), (statement, plan)
    store.close()


@on_postgres
def test_a_version_7_postgres_schema_gets_publish_times_beside_its_sites(pg_schema: str) -> None:
    assert URL is not None
    with psycopg.connect(URL, autocommit=True) as db:
        db.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(pg_schema)))
        db.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(pg_schema)))
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        db.execute("INSERT INTO schema_version (version) VALUES (7)")
        for script in MIGRATIONS_PG[:7]:
            db.execute(script.encode())
        db.execute("INSERT INTO stories (id, feed, key, url, title, text, words, published) VALUES "
                   "(1, 'News', 'k', 'https://wire.example/a', '', 'text', 'x', '2021-03-03T07:10:00+00:00')")
        db.execute("INSERT INTO story_sites (story_id, site_id) VALUES (1, 'ain-al-asad'), (1, 'erbil')")
    store = PostgresStore(URL, schema=pg_schema)
    rows = store.connection.execute("SELECT site_id, published::text FROM story_sites ORDER BY site_id").fetchall()
    assert [tuple(row) for row in rows] == [("ain-al-asad", "2021-03-03 07:10:00+00"),
                                            ("erbil", "2021-03-03 07:10:00+00")]
    assert store.connection.execute("SELECT version FROM schema_version").fetchone()[0] == len(MIGRATIONS_PG)
    store.close()
