"""The store keeps the decoded reports of recent incidents between stories: what it hands out must be what
a fresh read of the database gives, after its own writes and after another process's."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.processing import process_story
from bot.sites import Gazetteer
from bot.store.sqlite import SQLiteStore
from tests.conftest import make_story
from tests.handlers.conftest import fill

EVERY_DAY = (date(2000, 1, 1), date(2100, 1, 1))


def everything(store: SQLiteStore, gazetteer: Gazetteer) -> str:
    return repr(store.incidents_between(sorted(gazetteer.sites), *EVERY_DAY))


def test_cached_reports_are_what_a_fresh_read_gives(tmp_path: Path, gazetteer: Gazetteer) -> None:
    store = SQLiteStore(tmp_path / "db.sqlite3")
    for _ in range(2):  # the second pass re-reads every story: revisions and copies hit cached incidents
        everything(store, gazetteer)
        fill(store, gazetteer)
    assert everything(store, gazetteer) == everything(SQLiteStore(tmp_path / "db.sqlite3"), gazetteer)


def test_a_report_written_by_another_process_is_seen(tmp_path: Path, gazetteer: Gazetteer) -> None:
    store = SQLiteStore(tmp_path / "db.sqlite3")
    fill(store, gazetteer)
    before = everything(store, gazetteer)
    other = SQLiteStore(tmp_path / "db.sqlite3")
    story = make_story("Three more rockets struck Ain al-Asad air base on Wednesday, wounding a soldier.",
                       "2021-03-03T18:00:00+00:00", url="https://other.example/more", feed="Other")
    assert process_story(other, gazetteer, story, now=story.published)
    assert everything(store, gazetteer) != before
    assert everything(store, gazetteer) == everything(other, gazetteer)
