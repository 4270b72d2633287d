"""Is the local PostgreSQL there? Every machine runs one at 127.0.0.1:5432 (trust auth, database `test`); the
tests use it when it answers and say plainly when it does not.

`python -m tests.postgres_probe` prints the URL that answers (exit 0), or why none did (exit 1): `make test`
runs the store tests a second time on PostgreSQL with it."""

from __future__ import annotations

import getpass
import os
import sys
from urllib.parse import urlsplit

import psycopg

ADDRESS = "127.0.0.1:5432"
# SITEWATCH_TEST_POSTGRES names another server (or, pointed at a closed port, shows what a machine without one does).
USERS = tuple(dict.fromkeys(("postgres", getpass.getuser())))
CANDIDATE_URLS = ((os.environ["SITEWATCH_TEST_POSTGRES"],) if os.environ.get("SITEWATCH_TEST_POSTGRES") else
                  tuple(f"postgresql://{user}@{ADDRESS}/test" for user in USERS))


def find_postgres() -> tuple[str | None, str]:
    """The first URL that opens, and an empty reason; or None and why the last one did not."""
    reason = "no URL tried"
    for url in CANDIDATE_URLS:
        try:
            with psycopg.connect(url, connect_timeout=3) as connection:
                connection.execute("SELECT 1")
            return url, ""
        except psycopg.Error as error:
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    address = urlsplit(CANDIDATE_URLS[-1]).netloc.rsplit("@", 1)[-1]
    return None, f"PostgreSQL not reachable at {address}: {reason}"


def main() -> int:
    url, reason = find_postgres()
    if url is None:
        print(reason)
        return 1
    print(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
