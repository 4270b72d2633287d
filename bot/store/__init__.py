"""Persistence behind a small interface: the pipeline never writes SQL."""

from bot.store.base import Store
from bot.store.postgres import PostgresStore, is_postgres_url
from bot.store.sqlite import SQLiteStore

__all__ = ["PostgresStore", "SQLiteStore", "Store", "open_store"]


def open_store(database: str, *, single_instance: bool) -> SQLiteStore | PostgresStore:
    """A postgresql:// URL opens PostgreSQL; anything else is a SQLite file (":memory:" for a throwaway)."""
    if is_postgres_url(database):
        return PostgresStore(database, single_instance=single_instance)
    return SQLiteStore(database, single_instance=single_instance)
