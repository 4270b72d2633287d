"""The server store: PostgreSQL, chosen when the database is a postgresql:// URL. Same methods and meaning as
SQLiteStore; the differences are where a server database can do better (real types, advisory locks)."""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from bot.errors import StoreError
from bot.matcher.dedupe import Candidate
from bot.matcher.pipeline import StoryAnalysis
from bot.matcher.reconcile import IncidentOutcome, StoredStory
from bot.models import IncidentState, Report, Site, Source, Story
from bot.store.base import (
    HEARTBEATS_KEPT,
    FeedHealth,
    FoundStory,
    PendingAlert,
    PostedMessage,
    StoreConflict,
    StoredIncident,
    story_digest,
)
from bot.store.migrations_pg import MIGRATIONS_PG
from bot.store.records import (
    MAX_SEARCH_TERM_LENGTH,
    MAX_SEARCH_TERMS,
    attack_from_json,
    attack_to_json,
    facts_from_json,
    facts_to_json,
    site_from_json,
    site_to_json,
)
from bot.store.serialised import serialised

Row = dict[str, Any]  # what the store reads through dict_row cursors
SNIPPET_WORDS = 16  # as SQLite's snippet(story_search, 1, '**', '**', '…', 16)
# The stories naming these sites published in a range: one range of story_sites' (site, published) index per
# site, whatever the number of stories the sites were ever named in.
_NAMING_SITES_BETWEEN = "SELECT story_id FROM story_sites WHERE site_id = ANY(%s) AND published BETWEEN %s AND %s"


class Row2(tuple[Any, ...]):
    """A row read by number or by column name."""

    names: dict[str, int]

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        return super().__getitem__(self.names[key] if isinstance(key, str) else key)


def named_and_numbered(cursor: psycopg.Cursor[Any]) -> Callable[[Sequence[Any]], Row2]:
    names = {column.name: number for number, column in enumerate(cursor.description or ())}
    kind = type("Row2", (Row2,), {"names": names})
    return lambda values: kind(values)


def is_postgres_url(database: str) -> bool:
    return database.startswith(("postgresql://", "postgres://"))


def redact_password(url: str) -> str:
    """A database URL for a log line: the password never reaches `docker inspect`."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def advisory_key(name: str) -> int:
    """A text (a site id) as the signed 64-bit key pg_advisory_xact_lock takes."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


@serialised
class PostgresStore:
    def __init__(self, url: str, *, single_instance: bool = False, schema: str | None = None) -> None:
        """schema: keep the tables in this schema (created if missing) instead of the URL's search_path.
        single_instance: one bot per schema, as SQLite's instance lock gives one bot per file."""
        self._lock = threading.RLock()
        self._in_transaction = False
        self._sites_locked: set[int] = set()  # the advisory keys this transaction holds
        try:
            # Autocommit: each statement outside transaction() commits alone, as with SQLite's isolation_level=None.
            self._db = psycopg.connect(url, autocommit=True, row_factory=named_and_numbered)
        except psycopg.Error as error:
            raise StoreError(f"{redact_password(url)}: cannot open database: {error}".strip()) from error
        try:
            self._db.execute("SET TIME ZONE 'UTC'")  # moments come back in UTC, as SQLite's store returns them
            if schema:
                self._create_schema(schema)
                self._db.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
            if single_instance:
                self._hold_instance_lock(url)
            self._migrate(url)
        except BaseException:
            self._db.close()
            raise

    @property
    def connection(self) -> psycopg.Connection[Any]:
        """For checks beside the interface; its rows answer row[0] and row["name"], as sqlite3.Row does."""
        return self._db

    def _create_schema(self, schema: str) -> None:
        with self._db.transaction():
            # CREATE SCHEMA IF NOT EXISTS is not safe against itself: two at once, one fails on a unique key.
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (advisory_key(f"sitewatch migrations {schema}"),))
            self._db.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))

    def _hold_instance_lock(self, url: str) -> None:
        """Until workers share the work (issue 10, item 3), two bots on one schema would post every alert
        twice: a session advisory lock, which the server drops when the connection dies."""
        schema = self._db.execute("SELECT current_schema()").fetchone()
        key = advisory_key(f"sitewatch instance {schema[0] if schema else ''}")
        held = self._db.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
        if not held or not held[0]:
            raise StoreError(f"{redact_password(url)}: another SiteWatch process is using this database")

    def _migrate(self, url: str) -> None:
        schema = self._db.execute("SELECT current_schema()").fetchone()
        if not schema or schema[0] is None:
            path = self._db.execute("SHOW search_path").fetchone()
            raise StoreError(f"{redact_password(url)}: no schema to create the tables in (search_path "
                             f"{path[0] if path else '?'}): create it first")
        with self._db.transaction():
            # Two processes starting at once on one schema: the second waits here and finds the schema done.
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (advisory_key(f"sitewatch migrations {schema[0]}"),))
            self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = self._db.execute("SELECT version FROM schema_version").fetchone()
            if row is None:
                self._db.execute("INSERT INTO schema_version (version) VALUES (0)")
            version = row[0] if row else 0
            if version > len(MIGRATIONS_PG):
                raise StoreError(f"{redact_password(url)}: database schema {version} is newer than this SiteWatch "
                                 f"({len(MIGRATIONS_PG)}); upgrade SiteWatch")
            for number, script in enumerate(MIGRATIONS_PG[version:], start=version + 1):
                try:
                    with self._db.transaction():
                        self._db.execute(script.encode())  # bytes: no placeholders to read in DDL
                        self._db.execute("UPDATE schema_version SET version = %s", (number,))
                except psycopg.Error as error:
                    raise StoreError(f"{redact_password(url)}: migration {number} failed: {error}") from error

    def close(self) -> None:
        self._db.close()

    # -- queries: dict rows inside, while `connection` keeps psycopg's plain tuples for callers -------------

    def _rows(self, query: str, params: Sequence[object] = ()) -> list[Row]:
        with self._db.cursor(row_factory=dict_row) as cursor:
            return cursor.execute(query.encode(), params).fetchall()

    def _row(self, query: str, params: Sequence[object] = ()) -> Row | None:
        with self._db.cursor(row_factory=dict_row) as cursor:
            return cursor.execute(query.encode(), params).fetchone()

    def _run(self, query: str, params: Sequence[object] = ()) -> int:
        with self._db.cursor() as cursor:
            return cursor.execute(query.encode(), params).rowcount

    def _run_many(self, query: str, params: Sequence[Sequence[object]]) -> None:
        if params:
            with self._db.cursor() as cursor:
                cursor.executemany(query.encode(), params)

    # -- stories -------------------------------------------------------------------------------------

    def seen(self, story: Story, words: Sequence[str]) -> bool:
        row = self._row("SELECT words, title FROM stories WHERE feed = %s AND key = %s", (story.feed, story.key))
        return row is not None and row["title"] == story.title and row["words"] == " ".join(words)

    def stored_digest(self, story: Story) -> str | None:
        row = self._row("SELECT COALESCE(digest, '') AS digest FROM stories WHERE feed = %s AND key = %s",
                        (story.feed, story.key))
        return str(row["digest"]) if row else None

    # -- incidents -----------------------------------------------------------------------------------

    def incidents_between(self, site_ids: Sequence[str], first: date, last: date) -> list[IncidentState]:
        if not site_ids:
            return []
        # Two index ranges, not "day IS NULL OR day BETWEEN", which walks every incident the sites ever had.
        rows = self._rows("""SELECT id, site_id, day FROM incidents WHERE site_id = ANY(%s) AND status = 'active'
                             AND day BETWEEN %s AND %s
                             UNION ALL
                             SELECT id, site_id, day FROM incidents WHERE site_id = ANY(%s) AND status = 'active'
                             AND day IS NULL ORDER BY id""", (list(site_ids), first, last, list(site_ids)))
        return [IncidentState(r["id"], r["site_id"], r["day"], self._reports(r["id"])) for r in rows]

    def _reports(self, incident_id: int) -> tuple[Report, ...]:
        rows = self._rows("SELECT * FROM reports WHERE incident_id = %s ORDER BY published, story_id", (incident_id,))
        return tuple(Report(
            story_id=r["story_id"], published=r["published"], source=Source(r["url"], r["feed"], r["title"]),
            day=r["day"], day_is_explicit=r["day_is_explicit"], weapons=tuple(r["weapons"]), killed=r["killed"],
            wounded=r["wounded"], claim=r["claim"], evidence=tuple(r["evidence"]), is_copy=r["is_copy"],
            day_edge=r["day_edge"]) for r in rows)

    def incident(self, incident_id: int) -> StoredIncident | None:
        if not -2**63 <= incident_id < 2**63:  # a number typed in chat that no bigint can be
            return None
        row = self._row("SELECT * FROM incidents WHERE id = %s", (incident_id,))
        return _stored_incident(row) if row else None

    def recent_incidents(self, since_day: date, site_id: str | None = None, limit: int = 50) -> list[StoredIncident]:
        query = "SELECT * FROM incidents WHERE status = 'active' AND (day IS NULL OR day >= %s)"
        params: list[object] = [since_day]
        if site_id:
            query += " AND site_id = %s"
            params.append(site_id)
        query += " ORDER BY day DESC NULLS LAST, id DESC LIMIT %s"  # NULLS LAST: where SQLite puts them
        params.append(limit)
        return [_stored_incident(row) for row in self._rows(query, params)]

    # -- the one write of a story: read, retell, write, in one transaction ------------------------------

    @contextmanager
    def transaction(self, site_ids: Sequence[str] = ()) -> Iterator[None]:
        """One transaction holding an advisory lock on each site the story names, taken in one order so two
        holders cannot deadlock: two workers deciding about one site take turns. READ COMMITTED, PostgreSQL's
        default, is what makes this right: every statement after the lock sees what the previous holder
        committed (a REPEATABLE READ snapshot would be taken before the wait)."""
        with self._lock:  # held for the whole block: the event loop's thread must not write inside it
            if self._in_transaction:
                self._lock_sites(site_ids)
                yield
                return
            self._in_transaction = True
            try:
                with self._db.transaction():
                    self._lock_sites(site_ids)
                    yield
            except (psycopg.errors.DeadlockDetected, psycopg.errors.UniqueViolation) as error:
                # Rolled back: another worker's story crossed this one (locks taken in opposite orders, or
                # the same entry stored by both); deciding again sees what it wrote.
                raise StoreConflict(str(error).strip().splitlines()[0] if str(error).strip() else "conflict") \
                    from error
            finally:
                self._in_transaction = False
                self._sites_locked.clear()

    def _lock_sites(self, site_ids: Iterable[str]) -> None:
        """Sites locked later in a transaction (an earlier version's) come after those it began with, so two
        workers could wait for each other; the server then fails one. Harmless with one bot per database (the
        store's lock lets one transaction run at a time); with many workers the story is decided again
        (StoreConflict, bot/feeds/polling.py)."""
        for key in sorted({advisory_key(site_id) for site_id in site_ids} - self._sites_locked):
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (key,))
            self._sites_locked.add(key)

    def story_id(self, story: Story) -> int | None:
        row = self._row("SELECT id FROM stories WHERE feed = %s AND key = %s", (story.feed, story.key))
        if row is None:
            return None
        if self._in_transaction:  # a new version of a story decides again about the sites the old one named
            self._lock_sites(r["site_id"] for r in self._rows("SELECT site_id FROM story_sites WHERE story_id = %s",
                                                              (row["id"],)))
        return int(row["id"])

    def story_sites(self, story_id: int) -> tuple[str, ...]:
        rows = self._rows("SELECT site_id FROM story_sites WHERE story_id = %s ORDER BY site_id COLLATE \"C\"",
                          (story_id,))
        return tuple(r["site_id"] for r in rows)

    def save_story(self, analysis: StoryAnalysis, copy_of: int | None) -> int:
        """Store the story and what the matcher found in it; a later version of an entry replaces it."""
        story = analysis.story
        text = "" if copy_of else story.text  # a copy's text is its original's: kept once
        values = (story.url, story.title, text, " ".join(analysis.words), story.published, copy_of,
                  Jsonb([attack_to_json(a) for a in analysis.attacks]), story_digest(story))
        story_id = self.story_id(story)
        if story_id is not None:
            self._run("UPDATE stories SET url=%s, title=%s, text=%s, words=%s, published=%s, copy_of=%s, attacks=%s, "
                      "digest=%s WHERE id=%s", (*values, story_id))
            self._run("DELETE FROM story_sites WHERE story_id = %s", (story_id,))
        else:
            row = self._row("INSERT INTO stories (url, title, text, words, published, copy_of, attacks, digest, feed, "
                            "key) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) RETURNING id",
                            (*values, story.feed, story.key))
            story_id = int(row["id"]) if row else 0
        self._run_many("INSERT INTO story_sites (story_id, site_id, published) VALUES (%s, %s, %s) "
                       "ON CONFLICT DO NOTHING",
                       [(story_id, site_id, story.published) for site_id in analysis.site_ids])
        return story_id

    def set_copy_of(self, story_id: int, original_id: int | None) -> None:
        self._run("UPDATE stories SET copy_of = %s WHERE id = %s", (original_id, story_id))

    def attack_originals(self, site_ids: Sequence[str], first: datetime, last: datetime) -> list[Candidate]:
        """Stories that report an attack at these sites, published in [first, last], copying none."""
        return [Candidate(r["id"], r["key"], r["url"], tuple(r["words"].split()))
                for r in self._stories_at(site_ids, first, last, "s.attacks <> '[]'::jsonb AND s.copy_of IS NULL")]

    def stories_without_attacks(self, site_ids: Sequence[str], first: datetime, last: datetime) -> list[Candidate]:
        """Stories naming these sites, published in [first, last], that report no attack and copy none."""
        return [Candidate(r["id"], r["key"], r["url"], tuple(r["words"].split()))
                for r in self._stories_at(site_ids, first, last, "s.attacks = '[]'::jsonb AND s.copy_of IS NULL")]

    def retell_stories(self, site_ids: Sequence[str], first: date, last: date,
                       also: Sequence[int] = ()) -> list[StoredStory]:
        """Every story that bears on the incidents at these sites published in [first, last] (an attack
        report, or a copy of one), and the stories `also` names."""
        low = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
        high = datetime.combine(last, datetime.max.time(), tzinfo=UTC)
        rows = self._stories_at(site_ids, low, high, "(s.attacks <> '[]'::jsonb OR s.copy_of IS NOT NULL)")
        seen_ids = {r["id"] for r in rows}
        missing = [i for i in also if i not in seen_ids]
        if missing:
            rows += self._rows("SELECT s.* FROM stories s WHERE s.id = ANY(%s) ORDER BY s.id", (missing,))
        return [self._stored_story(r) for r in rows]

    def newest_told(self, site_ids: Sequence[str], first: date, last: date) -> tuple[datetime, str, str] | None:
        """The (published, feed, key) of the last story told about these sites in [first, last]: a story
        after it can be told last, alone. Byte order ("C"), as Python compares strings."""
        if not site_ids:
            return None
        rows = self._rows(
            f"""SELECT s.published, s.feed, s.key FROM stories s
                WHERE s.id IN ({_NAMING_SITES_BETWEEN}) AND (s.attacks <> '[]'::jsonb OR s.copy_of IS NOT NULL)
                ORDER BY s.published DESC, s.feed COLLATE "C" DESC, s.key COLLATE "C" DESC LIMIT 1""",
            (list(site_ids), datetime.combine(first, datetime.min.time(), tzinfo=UTC),
             datetime.combine(last, datetime.max.time(), tzinfo=UTC)))
        return (rows[0]["published"], rows[0]["feed"], rows[0]["key"]) if rows else None

    def _stories_at(self, site_ids: Sequence[str], first: datetime, last: datetime, where: str) -> list[Row]:
        if not site_ids:
            return []
        return self._rows(
            f"""SELECT s.* FROM stories s WHERE s.id IN ({_NAMING_SITES_BETWEEN}) AND {where}
                ORDER BY s.published, s.id""", (list(site_ids), first, last))

    def _stored_story(self, row: Row) -> StoredStory:
        story = Story(key=row["key"], url=row["url"], feed=row["feed"], title=row["title"], text=row["text"],
                      published=row["published"])
        attacks = tuple(attack_from_json(a) for a in row["attacks"] or [])
        analysis = StoryAnalysis(story, attacks, self.story_sites(row["id"]), tuple(row["words"].split()))
        return StoredStory(row["id"], analysis, bool(attacks))

    def incidents_reported_by(self, story_ids: Sequence[int], site_ids: Sequence[str]) -> list[IncidentState]:
        """The live incidents at these sites that any of these stories reports."""
        if not story_ids or not site_ids:
            return []
        # Found through the stories' reports, the sites checked after: a site in the query would lead the planner
        # to walk every incident the sites ever had.
        rows = self._rows(
            """SELECT id, site_id, day FROM incidents WHERE status = 'active'
               AND id IN (SELECT incident_id FROM reports WHERE story_id = ANY(%s)) ORDER BY id""",
            (list(story_ids),))
        sites = set(site_ids)
        return [IncidentState(r["id"], r["site_id"], r["day"], self._reports(r["id"])) for r in rows
                if r["site_id"] in sites]

    def apply_outcomes(self, outcomes: Sequence[IncidentOutcome], copy_of: Mapping[int, int | None],
                       now: datetime, *, quiet: bool = False) -> list[tuple[int, IncidentOutcome]]:
        """Write what reconciling decided, and queue an alert for each change a reader sees (unless quiet).
        Call inside transaction() with the reads it rests on."""
        written: list[tuple[int, IncidentOutcome]] = []
        for outcome in sorted(outcomes, key=lambda o: (o.incident_id is None, o.incident_id or 0)):
            facts = Jsonb(facts_to_json(outcome.facts))
            if outcome.incident_id is None:
                row = self._row("INSERT INTO incidents (site_id, day, facts, created_at, updated_at) "
                                "VALUES (%s,%s,%s,%s,%s) RETURNING id",
                                (outcome.site_id, outcome.facts.day, facts, now, now))
                incident_id = int(row["id"]) if row else 0
            else:
                incident_id = outcome.incident_id
                self._run("UPDATE incidents SET day = %s, facts = %s, updated_at = %s, status = %s, merged_into = %s "
                          "WHERE id = %s", (outcome.facts.day, facts, now, outcome.facts.status,
                                            outcome.facts.merged_into, incident_id))
                self._run("DELETE FROM reports WHERE incident_id = %s", (incident_id,))
            for report in outcome.state.reports:
                self._save_report(incident_id, report)
            if outcome.action and not quiet:
                self._run("INSERT INTO outbox (incident_id, action, facts, created_at) VALUES (%s,%s,%s,%s)",
                          (incident_id, outcome.action, facts, now))
            written.append((incident_id, outcome))
        # A copy's text is its original's: kept once.
        self._run_many("UPDATE stories SET copy_of = %s, text = CASE WHEN %s::bigint IS NULL THEN text ELSE '' END "
                       "WHERE id = %s", [(original, original, story_id) for story_id, original in copy_of.items()])
        return written

    def _save_report(self, incident_id: int, report: Report) -> None:
        self._run(
            """INSERT INTO reports (incident_id, story_id, published, url, feed, title, day, day_is_explicit,
               weapons, killed, wounded, claim, evidence, is_copy, day_edge)
               VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)
               ON CONFLICT (incident_id, story_id) DO UPDATE SET published = excluded.published,
               url = excluded.url, feed = excluded.feed, title = excluded.title, day = excluded.day,
               day_is_explicit = excluded.day_is_explicit, weapons = excluded.weapons, killed = excluded.killed,
               wounded = excluded.wounded, claim = excluded.claim, evidence = excluded.evidence,
               is_copy = excluded.is_copy, day_edge = excluded.day_edge""",
            (incident_id, report.story_id, report.published, report.source.url, report.source.feed,
             report.source.title, report.day, report.day_is_explicit, Jsonb(list(report.weapons)), report.killed,
             report.wounded, report.claim, Jsonb(list(report.evidence)), report.is_copy, report.day_edge))

    # -- lookups for commands -------------------------------------------------------------------------

    def incident_days(self, site_id: str) -> list[date]:
        rows = self._rows("SELECT day FROM incidents WHERE site_id = %s AND day IS NOT NULL AND status = 'active' "
                          "ORDER BY day", (site_id,))
        return [r["day"] for r in rows]

    def search_stories(self, words: str, limit: int = 10) -> list[FoundStory]:
        """Stored stories matching every word (prefixes allowed), best first."""
        terms = search_terms(words)
        if not terms:
            return []
        query = " & ".join(f"'{t}':*" for t in terms)  # \w only: nothing in a term is tsquery syntax
        rows = self._rows(
            """SELECT s.id, s.title, s.url, s.feed, s.published, s.text
               FROM stories s, to_tsquery('simple', sitewatch_fold(%s)) q
               WHERE s.search @@ q ORDER BY ts_rank(s.search, q) DESC, s.id LIMIT %s""", (query, limit))
        return [FoundStory(r["id"], r["title"], r["url"], r["feed"], r["published"], snippet(r["text"], terms))
                for r in rows]

    def outbox_depth(self) -> int:
        row = self._row("SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL AND parked_at IS NULL")
        return int(row["n"]) if row else 0

    def beat(self, name: str, now: datetime) -> None:
        with self._db.transaction():
            self._run("INSERT INTO heartbeats (name, at) VALUES (%s, %s) "
                      "ON CONFLICT (name) DO UPDATE SET at = excluded.at", (name, now))
            self._run("DELETE FROM heartbeats WHERE at < %s", (now - HEARTBEATS_KEPT,))

    def last_beat(self, prefix: str) -> datetime | None:
        row = self._row("SELECT MAX(at) AS at FROM heartbeats WHERE starts_with(name, %s)", (prefix,))
        return row["at"] if row else None

    def parked_alerts(self) -> int:
        row = self._row("SELECT COUNT(*) AS n FROM outbox WHERE parked_at IS NOT NULL")
        return int(row["n"]) if row else 0

    # -- the outbox: alerts recorded before they are sent ---------------------------------------------

    def pending_alerts(self, now: datetime, limit: int = 50) -> list[PendingAlert]:
        """Unsent alerts due now, one per incident: its newest facts, and every row it stands for."""
        return self._pending(now, limit, None)

    def _pending(self, now: datetime, limit: int, incident_ids: Sequence[int] | None) -> list[PendingAlert]:
        rows = self._rows(
            """SELECT o.incident_id, array_agg(o.id ORDER BY o.id) AS ids, MAX(o.attempts) AS attempts,
                      bool_or(o.action = 'new') AS is_new,
                      (SELECT facts FROM outbox WHERE id = MAX(o.id)) AS facts
               FROM outbox o WHERE o.sent_at IS NULL AND o.parked_at IS NULL
                      AND (o.next_attempt IS NULL OR o.next_attempt <= %s)
                      AND (%s::bigint[] IS NULL OR o.incident_id = ANY(%s))
               GROUP BY o.incident_id ORDER BY MIN(o.id) LIMIT %s""",
            (now, incident_ids if incident_ids is None else list(incident_ids),
             incident_ids if incident_ids is None else list(incident_ids), limit))
        return [PendingAlert(incident_id=r["incident_id"], outbox_ids=tuple(r["ids"]),
                             facts=facts_from_json(r["facts"]), attempts=r["attempts"], is_new=r["is_new"])
                for r in rows]

    def claim_alerts(self, worker: str, now: datetime, *, lease_seconds: float, limit: int = 50) -> list[PendingAlert]:
        """Lease the incidents with alerts due that no live worker is sending; their pending alerts. The lease is
        on the incident, not on its outbox rows: a row queued while another worker sends the incident waits
        for that worker, so one incident is never posted by two workers at once."""
        claimed = self._rows(
            """UPDATE incidents SET delivery_holder = %s, delivery_until = now() + make_interval(secs => %s)
               WHERE id IN (SELECT i.id FROM incidents i
                            JOIN (SELECT incident_id, MIN(id) AS first FROM outbox
                                  WHERE sent_at IS NULL AND parked_at IS NULL
                                  AND (next_attempt IS NULL OR next_attempt <= %s) GROUP BY incident_id) due
                            ON due.incident_id = i.id
                            WHERE i.delivery_until IS NULL OR i.delivery_until < now()
                            ORDER BY due.first LIMIT %s FOR UPDATE OF i SKIP LOCKED)
               RETURNING id""", (worker, lease_seconds, now, limit))
        if not claimed:
            return []
        return self._pending(now, limit, [r["id"] for r in claimed])

    def renew_alert_claims(self, worker: str, incident_ids: Sequence[int], *, lease_seconds: float) -> set[int]:
        rows = self._rows("UPDATE incidents SET delivery_until = now() + make_interval(secs => %s) "
                          "WHERE delivery_holder = %s AND id = ANY(%s) RETURNING id",
                          (lease_seconds, worker, list(incident_ids)))
        return {int(r["id"]) for r in rows}

    def release_alerts(self, worker: str, incident_ids: Sequence[int]) -> None:
        self._run("UPDATE incidents SET delivery_holder = NULL, delivery_until = NULL "
                  "WHERE delivery_holder = %s AND id = ANY(%s)", (worker, list(incident_ids)))

    def mark_sent(self, outbox_ids: Sequence[int], now: datetime) -> None:
        self._run("UPDATE outbox SET sent_at = %s, last_error = NULL WHERE id = ANY(%s)", (now, list(outbox_ids)))

    def defer(self, outbox_ids: Sequence[int], *, error: str, retry_at: datetime) -> None:
        self._run("UPDATE outbox SET attempts = attempts + 1, last_error = %s, next_attempt = %s WHERE id = ANY(%s)",
                  (error, retry_at, list(outbox_ids)))

    def park(self, outbox_ids: Sequence[int], *, error: str, now: datetime) -> None:
        self._run("UPDATE outbox SET attempts = attempts + 1, last_error = %s, parked_at = %s WHERE id = ANY(%s)",
                  (error, now, list(outbox_ids)))

    def queue_notice(self, text: str, now: datetime) -> None:
        self._run("INSERT INTO notices (text, created_at) VALUES (%s, %s)", (text, now))

    def take_notices(self, now: datetime, limit: int = 20) -> list[tuple[int, str]]:
        """Taken in one statement; SKIP LOCKED: two delivering processes take different notices."""
        rows = self._rows("""UPDATE notices SET taken_at = %s WHERE id IN (SELECT id FROM notices WHERE taken_at IS NULL
                             ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING id, text""", (now, limit))
        return sorted((int(r["id"]), str(r["text"])) for r in rows)

    def return_notices(self, notice_ids: Sequence[int]) -> None:
        self._run("UPDATE notices SET taken_at = NULL WHERE id = ANY(%s)", (list(notice_ids),))

    def message_for(self, incident_id: int, channel_id: int) -> PostedMessage | None:
        row = self._row("SELECT * FROM messages WHERE incident_id = %s AND channel_id = %s", (incident_id, channel_id))
        return PostedMessage(row["incident_id"], row["channel_id"], row["message_id"], row["nonce"]) if row else None

    def remember_message(self, message: PostedMessage) -> None:
        """Record the nonce before posting and the message id after: a crash in between re-posts with the
        same nonce, which Discord answers with the first message instead of a second one."""
        self._run(
            """INSERT INTO messages (incident_id, channel_id, message_id, nonce) VALUES (%s, %s, %s, %s)
               ON CONFLICT (incident_id, channel_id) DO UPDATE SET message_id = excluded.message_id""",
            (message.incident_id, message.channel_id, message.message_id, message.nonce))

    # -- feeds ---------------------------------------------------------------------------------------

    def entry_digests(self, url: str) -> frozenset[str]:
        """The digests of the entries in the feed's last document that was read."""
        return frozenset(r["digest"] for r in self._rows("SELECT digest FROM feed_entries WHERE feed_url = %s",
                                                         (url,)))

    def remember_entries(self, url: str, digests: Sequence[str]) -> None:
        """The feed's current entries replace those remembered: the table holds one document per feed."""
        with self._db.transaction():
            self._run("DELETE FROM feed_entries WHERE feed_url = %s", (url,))
            self._run_many("INSERT INTO feed_entries (feed_url, digest) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                           [(url, digest) for digest in digests])

    def ensure_feed(self, url: str, name: str | None, *, added_by_command: bool = False) -> None:
        if self._run("UPDATE feeds SET name = COALESCE(%s, name) WHERE listed_url = %s", (name, url)):
            return  # listed by this URL, and moved since by a permanent redirect: kept where it went
        self._run("""INSERT INTO feeds (url, name, added_by_command) VALUES (%s, %s, %s)
                     ON CONFLICT (url) DO UPDATE SET name = COALESCE(excluded.name, feeds.name)""",
                  (url, name, added_by_command))

    def remove_feed(self, url: str) -> bool:
        """By its URL, or by the one it was listed by before a permanent redirect moved it."""
        with self._db.transaction():
            self._run("DELETE FROM feed_entries WHERE feed_url IN (SELECT url FROM feeds WHERE url = %s OR "
                      "listed_url = %s)", (url, url))  # added again, read afresh
            return self._run("DELETE FROM feeds WHERE url = %s OR listed_url = %s", (url, url)) > 0

    def feeds(self) -> list[FeedHealth]:
        return [_feed_health(r) for r in self._rows('SELECT * FROM feeds ORDER BY url COLLATE "C"')]  # SQLite's order

    def feed(self, url: str) -> FeedHealth | None:
        row = self._row("SELECT * FROM feeds WHERE url = %s", (url,))
        return _feed_health(row) if row else None

    def claim_due_feeds(self, worker: str, now: datetime, *, lease_seconds: float, limit: int | None,
                        every: bool = False) -> list[FeedHealth]:
        """Take due feeds no live worker holds, and lease them, in one statement: rows another worker is
        claiming at this moment are skipped (SKIP LOCKED), and a row it has just leased is checked again
        against its new lease. A dead worker's feeds come back when their lease ends."""
        rows = self._rows(
            """UPDATE feeds SET lease_holder = %s, lease_until = now() + make_interval(secs => %s)
               WHERE url IN (SELECT url FROM feeds WHERE (%s OR next_poll IS NULL OR next_poll <= %s)
                             AND (lease_until IS NULL OR lease_until < now())
                             ORDER BY next_poll NULLS FIRST, url COLLATE "C" LIMIT %s FOR UPDATE SKIP LOCKED)
               RETURNING *""", (worker, lease_seconds, every, now, limit))
        return sorted((_feed_health(r) for r in rows), key=lambda feed: feed.url)

    def renew_feed_leases(self, worker: str, urls: Sequence[str], *, lease_seconds: float) -> None:
        self._run("UPDATE feeds SET lease_until = now() + make_interval(secs => %s) "
                  "WHERE lease_holder = %s AND url = ANY(%s)", (lease_seconds, worker, list(urls)))

    def release_feeds(self, worker: str, urls: Sequence[str]) -> None:
        self._run("UPDATE feeds SET lease_holder = NULL, lease_until = NULL WHERE lease_holder = %s AND url = ANY(%s)",
                  (worker, list(urls)))

    def take_lease(self, name: str, holder: str, *, lease_seconds: float) -> str | None:
        """Taken when free, expired or already ours; two takers at once queue on the key, and the second
        sees the first's lease."""
        taken = self._row(
            """INSERT INTO leases (name, holder, until) VALUES (%s, %s, now() + make_interval(secs => %s))
               ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
               WHERE leases.holder = excluded.holder OR leases.until < now() RETURNING holder""",
            (name, holder, lease_seconds))
        if taken is not None:
            return None
        current = self._row("SELECT holder FROM leases WHERE name = %s", (name,))
        return str(current["holder"]) if current else "another process"

    def drop_lease(self, name: str, holder: str) -> None:
        self._run("DELETE FROM leases WHERE name = %s AND holder = %s", (name, holder))

    def record_poll(self, url: str, *, now: datetime, next_poll: datetime, ok: bool, error: str | None = None,
                    etag: str | None = None, last_modified: str | None = None, new_url: str | None = None,
                    flagged: bool | None = None, worker: str | None = None) -> bool:
        """A poll's outcome: validators and health. A permanent redirect moves the feed to its new URL. Only
        the lease's holder (or anyone, when no one holds it) records: a poller whose lease ran out and was
        taken over records nothing, and leaves the new holder's lease alone."""
        mine = "(%s::text IS NULL OR lease_holder IS NULL OR lease_holder = %s)"  # worker None: unconditional
        with self._db.transaction():
            if ok:
                recorded = self._run(
                    f"""UPDATE feeds SET etag = COALESCE(%s, etag), last_modified = COALESCE(%s, last_modified),
                       last_poll = %s, last_success = %s, consecutive_failures = 0, next_poll = %s, flagged = FALSE,
                       last_error = NULL, lease_holder = NULL, lease_until = NULL WHERE url = %s AND {mine}""",
                    (etag, last_modified, now, now, next_poll, url, worker, worker))
            else:
                recorded = self._run(
                    f"""UPDATE feeds SET last_poll = %s, last_error = %s,
                       consecutive_failures = consecutive_failures + 1, next_poll = %s,
                       flagged = COALESCE(%s, flagged), lease_holder = NULL, lease_until = NULL
                       WHERE url = %s AND {mine}""", (now, error, next_poll, flagged, url, worker, worker))
            if recorded and new_url and new_url != url:
                self._move_feed(url, new_url)
        return recorded > 0

    def _move_feed(self, url: str, new_url: str) -> None:
        """SQLite's UPDATE OR IGNORE: a row whose new key is taken stays where it was."""
        self._run("UPDATE feeds SET url = %s, listed_url = COALESCE(listed_url, %s) WHERE url = %s AND NOT EXISTS "
                  "(SELECT 1 FROM feeds WHERE url = %s)", (new_url, url, url, new_url))
        self._run("""UPDATE feed_entries e SET feed_url = %s WHERE e.feed_url = %s AND NOT EXISTS
                     (SELECT 1 FROM feed_entries t WHERE t.feed_url = %s AND t.digest = e.digest)""",
                  (new_url, url, new_url))

    # -- sites changed in chat -----------------------------------------------------------------------

    def add_site(self, site: Site, *, by: str, now: datetime) -> None:
        self._change_site(site.id, Jsonb(site_to_json(site)), by, now)

    def remove_site(self, site_id: str, *, by: str, now: datetime) -> None:
        self._change_site(site_id, None, by, now)

    def _change_site(self, site_id: str, site: Jsonb | None, by: str, now: datetime) -> None:
        self._run("""INSERT INTO site_changes (site_id, site, changed_by, changed_at) VALUES (%s, %s, %s, %s)
                     ON CONFLICT (site_id) DO UPDATE SET site = excluded.site, changed_by = excluded.changed_by,
                     changed_at = excluded.changed_at, seq = DEFAULT""", (site_id, site, by, now))

    def forget_site_changes(self, site_ids: Sequence[str]) -> list[str]:
        """Drop what chat said about these sites (the config file lists them and wins); the ids dropped."""
        changed = {r["site_id"] for r in self._rows("SELECT site_id FROM site_changes")}
        dropped = [site_id for site_id in dict.fromkeys(site_ids) if site_id in changed]
        self._run("DELETE FROM site_changes WHERE site_id = ANY(%s)", (dropped,))
        return dropped

    def tracked_sites(self, configured: Sequence[Site]) -> list[Site]:
        """The config's sites, with those added in chat and without those removed in chat."""
        changes = {r["site_id"]: r["site"]
                   for r in self._rows("SELECT site_id, site FROM site_changes ORDER BY seq")}
        sites = [s for s in configured if s.id not in changes]
        sites += [site_from_json(v) for v in changes.values() if v]
        return sites


def search_terms(words: str) -> list[str]:
    """The words a search looks for, as SQLite's store cuts them: word characters only, each once, capped."""
    terms = [t for t in (re.sub(r"[^\w]", "", w) for w in words.split()) if t]
    return [t[:MAX_SEARCH_TERM_LENGTH] for t in dict.fromkeys(terms)][:MAX_SEARCH_TERMS]


def snippet(text: str, terms: Sequence[str], size: int = SNIPPET_WORDS) -> str:
    """SQLite's snippet(): the stretch of `size` words with the most search terms, each word that starts with
    a term in **bold**, '…' where the text was cut. Accents do not count, as in the search (ts_headline
    would miss "Qaïm" for "qaim")."""
    pieces = re.findall(r"\w+|\W+", text)
    words = [n for n, piece in enumerate(pieces) if re.match(r"\w", piece)]
    if not words:
        return ""
    wanted = [_fold(term) for term in terms]
    hits = {n for n in words if any(_fold(pieces[n]).startswith(term) for term in wanted)}
    # A stretch begins two words before a hit (or at the text's start), as a reader wants it.
    starts = sorted({0, *(max(0, min(words.index(n) - 2, len(words) - size)) for n in hits)})
    best = max(starts, key=lambda start: (len(hits.intersection(words[start:start + size])), -start))
    shown = words[best:best + size]
    first = shown[0] if best > 0 else 0  # the whole text's start or end keeps its punctuation
    last = shown[-1] if shown[-1] != words[-1] else len(pieces) - 1
    body = "".join(f"**{piece}**" if n in hits else piece for n, piece in enumerate(pieces) if first <= n <= last)
    return ("…" if best > 0 else "") + body + ("…" if shown[-1] != words[-1] else "")


def _fold(word: str) -> str:
    """Lower case without accents: the search's sitewatch_fold() with 'simple''s lower case."""
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c))


def _feed_health(r: Row) -> FeedHealth:
    return FeedHealth(
        url=r["url"], name=r["name"], etag=r["etag"], last_modified=r["last_modified"], last_poll=r["last_poll"],
        last_success=r["last_success"], last_error=r["last_error"], consecutive_failures=r["consecutive_failures"],
        next_poll=r["next_poll"], flagged=r["flagged"], added_by_command=r["added_by_command"],
        listed_url=r["listed_url"])


def _stored_incident(row: Row) -> StoredIncident:
    return StoredIncident(row["id"], facts_from_json(row["facts"]), row["created_at"], row["updated_at"])
