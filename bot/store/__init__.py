"""Persistence behind a small interface: the pipeline never writes SQL."""

from bot.store.base import RecordedChange, Store
from bot.store.sqlite import SQLiteStore

__all__ = ["RecordedChange", "SQLiteStore", "Store"]
