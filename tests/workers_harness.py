"""Worker processes for the many-workers tests and benchmark: a config over local feeds, `python -m bot run
--role ...` subprocesses on one PostgreSQL schema, what they stored, and what a single-process replay of the
same documents makes."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from bot.config import load_config
from bot.replay import replay
from tests.worker_feeds import write_documents

ROOT = Path(__file__).resolve().parent.parent
SITES = (ROOT / "config.yaml").read_text(encoding="utf-8").split("\nfeeds:")[0]


def create_schema(url: str, name: str) -> str:
    """A schema of its own on the server, and the URL that puts the tables in it."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    return f"{url}?options=-csearch_path%3D{name}"


def drop_schema(url: str, name: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))


def config_file(folder: Path, feed_urls: list[str], *, channel_id: int | None = None,
                guild_id: int | None = None) -> Path:
    feeds = "".join(f"\n  - {{url: '{url}'}}" for url in feed_urls) or " []"
    discord = f"discord:\n  alert_channel_id: {channel_id}\n" if channel_id else ""
    discord += f"  guild_id: {guild_id}\n" if guild_id else ""
    path = folder / "config.yaml"
    # A long interval: in a test's minute, no feed is due twice.
    path.write_text(f"{SITES}\nfeeds:{feeds}\nallow_private_feeds: true\nbacklog_hours: 175200\n"
                    f"poll_interval: 60\n{discord}", encoding="utf-8")
    return path


def start_worker(role: str, config: Path, database: str, log_to: Path, *, out_to: Path | None = None,
                 poll_tick: float = 1.0, lease: float = 3.0, **env: str) -> subprocess.Popen[bytes]:
    """`python -m bot run --role ROLE` on this database; its log lines appended to log_to, what it prints
    (console alerts) to out_to."""
    environment = {key: value for key, value in os.environ.items() if key != "DISCORD_TOKEN"}
    environment |= {"SITEWATCH_DATABASE": database, "SITEWATCH_LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
                    **env}
    with log_to.open("ab") as log, (out_to or Path(os.devnull)).open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config), "--role", role,
                                 "--poll-tick", str(poll_tick), "--lease", str(lease)],
                                cwd=ROOT, env=environment, stdout=out, stderr=log)


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def kill_one(pollers: list[subprocess.Popen[bytes]], database: str, rng: random.Random) -> set[str]:
    """SIGKILL a live poller, chosen at random (no goodbye: its leases and open transaction are left behind);
    the URLs of the feeds it held when it died, the only ones another poller may fetch again."""
    victim = rng.choice([poller for poller in pollers if poller.poll() is None])
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    return {url for (url,) in query(database, "SELECT url FROM feeds WHERE lease_holder LIKE %s",
                                    (f"%:{victim.pid}",))}


def query(database: str, text: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(database, autocommit=True) as connection:
        try:
            return connection.execute(text.encode(), params).fetchall()
        except psycopg.errors.UndefinedTable:  # the workers have not made the tables yet
            return []


def every_feed_polled(database: str, count: int) -> Callable[[], bool]:
    def check() -> bool:
        rows = query(database, "SELECT COUNT(*) FILTER (WHERE last_poll IS NOT NULL), COUNT(*) FROM feeds")
        return bool(rows) and rows[0] == (count, count)
    return check


def polled_count(database: str) -> int:
    """How many feeds have been polled at least once (none while the workers have not made the tables yet)."""
    rows = query(database, "SELECT COUNT(*) FROM feeds WHERE last_poll IS NOT NULL")
    return int(rows[0][0]) if rows else 0


def replayed_incidents(documents: dict[str, bytes], folder: Path) -> list[tuple[str, str, int]]:
    """(site, day, sources) of each incident a single-process replay of the same documents makes."""
    out, errors = io.StringIO(), io.StringIO()
    replay(write_documents(documents, folder), load_config(ROOT / "config.yaml").site_records(), out, errors,
           as_json=True)
    final: dict[int, dict[str, Any]] = {}
    for line in out.getvalue().splitlines():
        record = json.loads(line)
        final[record["incident"]] = record
    return sorted((r["site"], r["date"], len(r["sources"])) for r in final.values()
                  if r["action"] not in ("merged", "withdrawn"))


def stored_incidents(database: str) -> list[tuple[str, str, int]]:
    rows = query(database, """SELECT i.site_id, i.day::text, (SELECT COUNT(*) FROM reports r WHERE r.incident_id = i.id)
                            FROM incidents i WHERE i.status = 'active'""")
    return sorted((site, day, int(reports)) for site, day, reports in rows)


def new_alerts_per_incident(database: str) -> list[int]:
    return [int(n) for (n,) in query(database, "SELECT COUNT(*) FILTER (WHERE action = 'new') FROM outbox "
                                             "GROUP BY incident_id")]
