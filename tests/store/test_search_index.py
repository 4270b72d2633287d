"""The search index follows a story's title and text, and only them: marking a story a copy, or storing its
attacks again, does not write it again (migration 10)."""

from __future__ import annotations

import sqlite3

import pytest

from bot.matcher.pipeline import StoryAnalysis
from bot.store.base import Store
from bot.store.sqlite import SQLiteStore
from tests.conftest import make_store, make_story, on_postgres, sqlite_only


def _stored(store: Store, text: str, title: str = "Rockets hit the base") -> int:
    analysis = StoryAnalysis(make_story(text, title=title, url="https://wire.example/a"), (), ("ain-al-asad",), ())
    return store.save_story(analysis, None)


def _found(store: Store, words: str) -> list[int]:
    return [found.id for found in store.search_stories(words)]


def test_search_follows_a_revised_text_and_title_and_a_story_marked_a_copy_stays_found() -> None:
    store = make_store()
    story_id = _stored(store, "Two rockets struck the runway on Monday.")
    assert _found(store, "runway") == [story_id]
    store.set_copy_of(story_id, None)
    assert _found(store, "runway") == [story_id]
    revised = StoryAnalysis(make_story("Three drones struck the hangar on Monday.", title="Drones hit the base",
                                       url="https://wire.example/a"), (), ("ain-al-asad",), ())
    assert store.save_story(revised, None) == story_id
    assert _found(store, "runway") == [] and _found(store, "rockets") == []
    assert _found(store, "hangar") == [story_id] and _found(store, "drones") == [story_id]
    store.close()


@sqlite_only("SQLite's FTS5 shadow tables")
def test_marking_a_story_a_copy_does_not_write_the_sqlite_search_index_again() -> None:
    store = make_store()
    assert isinstance(store, SQLiteStore)
    story_id = _stored(store, "Two rockets struck the runway on Monday.")
    db: sqlite3.Connection = store.connection
    before = db.total_changes
    store.set_copy_of(story_id, None)
    assert db.total_changes - before == 1  # the row alone: no 'delete' and insert of its index entry
    store.close()


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL only: its search column")
def test_on_postgresql_the_search_column_is_computed_only_when_title_or_text_change() -> None:
    store = make_store()
    story_id = _stored(store, "Two rockets struck the runway on Monday.")
    db = store.connection
    db.execute("UPDATE stories SET search = NULL WHERE id = %s", (story_id,))  # a generated column refuses this
    store.set_copy_of(story_id, None)
    assert db.execute("SELECT search FROM stories WHERE id = %s", (story_id,)).fetchone()[0] is None
    db.execute("UPDATE stories SET text = %s WHERE id = %s", ("Drones struck the hangar.", story_id))
    assert "hangar" in db.execute("SELECT search::text FROM stories WHERE id = %s", (story_id,)).fetchone()[0]
    store.close()
