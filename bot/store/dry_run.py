"""`run --dry-run` changes nothing: it works on a throwaway copy of the SQLite database.

A dry run polls, decides and "delivers" to the console like the real bot; on the real database it would
store the stories and mark the alerts sent, and the next real run would then never post them to Discord.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.errors import ConfigError
from bot.store.postgres import is_postgres_url


@contextmanager
def dry_run_database(database: str) -> Iterator[str]:
    """The path of a copy of the SQLite database (an empty one when the file does not exist yet), removed
    afterwards. PostgreSQL is refused: a shared server cannot be copied here, point the run at a scratch one."""
    if is_postgres_url(database):
        raise ConfigError("--dry-run works on a copy of a SQLite database; with PostgreSQL, set "
                          "SITEWATCH_DATABASE to a scratch database instead")
    with tempfile.TemporaryDirectory(prefix="sitewatch-dry-run-") as folder:
        copy = Path(folder) / "dry-run.sqlite3"
        source_path = Path(database)
        if database != ":memory:" and source_path.exists():
            # The backup API copies a consistent snapshot, even while another process writes the file.
            # A file: URI, percent-encoded, so a path holding "?" or "#" still names the file; read-only.
            source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=ro", uri=True)
            target = sqlite3.connect(copy)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        yield str(copy)
