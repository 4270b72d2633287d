"""Persistence behind a small interface: the pipeline never writes SQL."""

from bot.store.base import Store
from bot.store.sqlite import SQLiteStore

__all__ = ["SQLiteStore", "Store"]
