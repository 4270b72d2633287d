"""`run --dry-run` works on a copy: the database it copies is read, never written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.store.dry_run import dry_run_database
from tests.conftest import sqlite_only


@sqlite_only("--dry-run copies a SQLite file")
def test_the_copy_holds_the_rows_even_when_the_path_has_uri_characters(tmp_path: Path) -> None:
    original = tmp_path / "odd?name#1.sqlite3"
    with sqlite3.connect(original) as db:
        db.execute("CREATE TABLE t (x INTEGER)")
        db.execute("INSERT INTO t VALUES (7)")
    before = original.read_bytes()
    with dry_run_database(str(original)) as copy:
        with sqlite3.connect(copy) as db:
            assert db.execute("SELECT x FROM t").fetchall() == [(7,)]
            db.execute("INSERT INTO t VALUES (8)")
        copied = Path(copy)
    assert original.read_bytes() == before and not copied.exists()


def test_a_missing_database_gives_an_empty_copy_and_creates_nothing(tmp_path: Path) -> None:
    with dry_run_database(str(tmp_path / "none.sqlite3")) as copy, sqlite3.connect(copy) as db:
        assert db.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
    assert list(tmp_path.iterdir()) == []


def test_postgresql_is_refused() -> None:
    with pytest.raises(ConfigError, match="--dry-run works on a copy of a SQLite database"), \
            dry_run_database("postgresql://nobody@127.0.0.1:9/none"):
        pass
