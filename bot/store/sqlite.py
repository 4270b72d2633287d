"""The default store: one SQLite file (or ":memory:" for a throwaway replay)."""

from __future__ import annotations

import fcntl
import json
import os
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

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
    StoredIncident,
    story_digest,
)
from bot.store.migrations import MIGRATIONS
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

CACHED_INCIDENTS = 256  # incidents whose decoded reports are kept between stories
# The stories naming these sites published in a range: one range of story_sites' (site, published) index per
# site, whatever the number of stories the sites were ever named in.
_NAMING_SITES_BETWEEN = "SELECT story_id FROM story_sites WHERE site_id IN ({marks}) AND published BETWEEN ? AND ?"


class InstanceLock:
    """One bot per SQLite file: two processes deciding from the same file would each post the same incident.
    An OS lock on a file beside the database, held for the life of the process; the kernel drops it when the
    process dies, even by kill -9, so a crash never leaves a stale lock behind."""

    def __init__(self, database: str | Path) -> None:
        self.path = Path(f"{database}.lock")
        self._file = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._file.seek(0)
            holder = self._file.read().strip() or "unknown"
            self._file.close()
            raise StoreError(f"{database}: another SiteWatch process (pid {holder}) is using this database; "
                             "run one bot per SQLite file (use PostgreSQL for several workers)") from None
        self._file.seek(0)
        self._file.truncate()
        self._file.write(str(os.getpid()))
        self._file.flush()

    def release(self) -> None:
        if not self._file.closed:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()



@serialised
class SQLiteStore:
    def __init__(self, path: str | Path = ":memory:", *, single_instance: bool = False) -> None:
        """single_instance: hold the database's instance lock (the running bot does; replays and tests need not)."""
        self._instance_lock = InstanceLock(path) if single_instance and str(path) != ":memory:" else None
        self._lock = threading.RLock()
        self._reports_cache: OrderedDict[int, tuple[Report, ...]] = OrderedDict()
        self._cache_version: int | None = None  # PRAGMA data_version after this connection's last commit
        try:
            self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            raise StoreError(f"{path}: cannot open database: {error}") from error
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA foreign_keys = ON")
        if str(path) != ":memory:":
            self._db.execute("PRAGMA journal_mode = WAL")
        self._migrate(path)

    @property
    def connection(self) -> sqlite3.Connection:
        return self._db

    def _migrate(self, path: str | Path) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"{path}: database schema {version} is newer than this SiteWatch "
                             f"({len(MIGRATIONS)}); upgrade SiteWatch")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            try:
                self._db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
            except sqlite3.Error as error:
                self._db.execute("ROLLBACK") if self._db.in_transaction else None
                raise StoreError(f"{path}: migration {number} failed: {error}") from error

    def close(self) -> None:
        self._db.close()
        if self._instance_lock is not None:
            self._instance_lock.release()

    # -- stories -------------------------------------------------------------------------------------

    def seen(self, story: Story, words: Sequence[str]) -> bool:
        row = self._db.execute("SELECT words, title FROM stories WHERE feed = ? AND key = ?",
                               (story.feed, story.key)).fetchone()
        return row is not None and row["title"] == story.title and row["words"] == " ".join(words)

    def stored_digest(self, story: Story) -> str | None:
        row = self._db.execute("SELECT COALESCE(digest, '') FROM stories WHERE feed = ? AND key = ?",
                               (story.feed, story.key)).fetchone()
        return str(row[0]) if row else None

    # -- incidents -----------------------------------------------------------------------------------

    def incidents_between(self, site_ids: Sequence[str], first: date, last: date) -> list[IncidentState]:
        if not site_ids:
            return []
        marks = ",".join("?" * len(site_ids))
        # Two index ranges, not "day IS NULL OR day BETWEEN", which walks every incident the sites ever had.
        rows = self._db.execute(
            f"""SELECT id, site_id, day FROM incidents WHERE site_id IN ({marks}) AND status = 'active'
                AND day BETWEEN ? AND ?
                UNION ALL
                SELECT id, site_id, day FROM incidents WHERE site_id IN ({marks}) AND status = 'active'
                AND day IS NULL ORDER BY id""",
            (*site_ids, first.isoformat(), last.isoformat(), *site_ids)).fetchall()
        return [IncidentState(r["id"], r["site_id"], _day(r["day"]), self._reports(r["id"])) for r in rows]

    def _reports(self, incident_id: int) -> tuple[Report, ...]:
        """An incident's reports, decoded once: a story about a site with a thousand reports would otherwise
        decode them all again, each time."""
        cached = self._reports_cache.pop(incident_id, None)
        if cached is None:
            cached = self._read_reports(incident_id)
        self._reports_cache[incident_id] = cached
        if len(self._reports_cache) > CACHED_INCIDENTS:
            self._reports_cache.popitem(last=False)
        return cached

    def _read_reports(self, incident_id: int) -> tuple[Report, ...]:
        rows = self._db.execute("SELECT * FROM reports WHERE incident_id = ? ORDER BY published, story_id",
                                (incident_id,)).fetchall()
        return tuple(Report(
            story_id=r["story_id"], published=datetime.fromisoformat(r["published"]),
            source=Source(r["url"], r["feed"], r["title"]), day=_day(r["day"]),
            day_is_explicit=bool(r["day_is_explicit"]), weapons=tuple(json.loads(r["weapons"])),
            killed=r["killed"], wounded=r["wounded"], claim=r["claim"],
            evidence=tuple(json.loads(r["evidence"])), is_copy=bool(r["is_copy"]), day_edge=r["day_edge"])
            for r in rows)

    def incident(self, incident_id: int) -> StoredIncident | None:
        row = self._db.execute("SELECT * FROM incidents WHERE id = ?", (incident_id,)).fetchone()
        return _stored_incident(row) if row else None

    def recent_incidents(self, since_day: date, site_id: str | None = None, limit: int = 50) -> list[StoredIncident]:
        query = "SELECT * FROM incidents WHERE status = 'active' AND (day IS NULL OR day >= ?)"
        params: list[object] = [since_day.isoformat()]
        if site_id:
            query += " AND site_id = ?"
            params.append(site_id)
        query += " ORDER BY day DESC, id DESC LIMIT ?"
        params.append(limit)
        return [_stored_incident(row) for row in self._db.execute(query, params).fetchall()]

    # -- the one write of a story: read, retell, write, in one transaction ------------------------------

    @contextmanager
    def transaction(self, site_ids: Sequence[str] = ()) -> Iterator[None]:
        """BEGIN IMMEDIATE: nothing a story's decision reads can change before its outcome is written, even
        with a second process on the file (which the instance lock refuses anyway). site_ids: unused here, the
        whole file is locked."""
        with self._lock:  # held for the whole block: the event loop's thread must not write inside it
            if self._db.in_transaction:
                yield
                return
            self._db.execute("BEGIN IMMEDIATE")
            version = self._db.execute("PRAGMA data_version").fetchone()[0]
            if version != self._cache_version:  # another connection wrote since: what is cached may be stale
                self._reports_cache.clear()
            try:
                yield
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                self._reports_cache.clear()  # it may hold what was just rolled back
                raise
            self._db.execute("COMMIT")
            self._cache_version = self._db.execute("PRAGMA data_version").fetchone()[0]

    def story_id(self, story: Story) -> int | None:
        row = self._db.execute("SELECT id FROM stories WHERE feed = ? AND key = ?",
                               (story.feed, story.key)).fetchone()
        return int(row["id"]) if row else None

    def story_sites(self, story_id: int) -> tuple[str, ...]:
        rows = self._db.execute("SELECT site_id FROM story_sites WHERE story_id = ?", (story_id,)).fetchall()
        return tuple(r["site_id"] for r in rows)

    def save_story(self, analysis: StoryAnalysis, copy_of: int | None) -> int:
        """Store the story and what the matcher found in it; a later version of an entry replaces it."""
        story = analysis.story
        text = "" if copy_of else story.text  # a copy's text is its original's: kept once
        published = _iso(story.published)
        values = (story.url, story.title, text, " ".join(analysis.words), published, copy_of,
                  json.dumps([attack_to_json(a) for a in analysis.attacks]), story_digest(story))
        story_id = self.story_id(story)
        if story_id is not None:
            self._db.execute("UPDATE stories SET url=?, title=?, text=?, words=?, published=?, copy_of=?, attacks=?, "
                             "digest=? WHERE id=?", (*values, story_id))
            self._db.execute("DELETE FROM story_sites WHERE story_id = ?", (story_id,))
        else:
            story_id = int(self._db.execute(
                "INSERT INTO stories (url, title, text, words, published, copy_of, attacks, digest, feed, key) "
                "VALUES (?,?,?,?,?,?,?,?,?,?)", (*values, story.feed, story.key)).lastrowid or 0)
        self._db.executemany("INSERT OR IGNORE INTO story_sites (story_id, site_id, published) VALUES (?, ?, ?)",
                             [(story_id, site_id, published) for site_id in analysis.site_ids])
        return story_id

    def set_copy_of(self, story_id: int, original_id: int | None) -> None:
        self._db.execute("UPDATE stories SET copy_of = ? WHERE id = ?", (original_id, story_id))

    def attack_originals(self, site_ids: Sequence[str], first: datetime, last: datetime) -> list[Candidate]:
        """Stories that report an attack at these sites, published in [first, last], copying none."""
        return [Candidate(r["id"], r["key"], r["url"], tuple(r["words"].split()))
                for r in self._stories_at(site_ids, first, last, "s.attacks != '[]' AND s.copy_of IS NULL")]

    def stories_without_attacks(self, site_ids: Sequence[str], first: datetime, last: datetime) -> list[Candidate]:
        """Stories naming these sites, published in [first, last], that report no attack and copy none."""
        return [Candidate(r["id"], r["key"], r["url"], tuple(r["words"].split()))
                for r in self._stories_at(site_ids, first, last, "s.attacks = '[]' AND s.copy_of IS NULL")]

    def retell_stories(self, site_ids: Sequence[str], first: date, last: date,
                       also: Sequence[int] = ()) -> list[StoredStory]:
        """Every story that bears on the incidents at these sites published in [first, last] (an attack
        report, or a copy of one), and the stories `also` names."""
        low = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
        high = datetime.combine(last, datetime.max.time(), tzinfo=UTC)
        rows = self._stories_at(site_ids, low, high, "(s.attacks != '[]' OR s.copy_of IS NOT NULL)")
        seen_ids = {r["id"] for r in rows}
        missing = [i for i in also if i not in seen_ids]
        for start in range(0, len(missing), 500):
            chunk = missing[start:start + 500]
            rows += self._db.execute(f"SELECT s.* FROM stories s WHERE s.id IN ({','.join('?' * len(chunk))})",
                                     chunk).fetchall()
        return [self._stored_story(r) for r in rows]

    def newest_told(self, site_ids: Sequence[str], first: date, last: date) -> tuple[datetime, str, str] | None:
        """The (published, feed, key) of the last story told about these sites in [first, last]: a story
        after it can be told last, alone."""
        if not site_ids:
            return None
        marks = ",".join("?" * len(site_ids))
        row = self._db.execute(
            f"""SELECT s.published, s.feed, s.key FROM stories s
                WHERE s.id IN ({_NAMING_SITES_BETWEEN.format(marks=marks)})
                AND (s.attacks != '[]' OR s.copy_of IS NOT NULL)
                ORDER BY s.published DESC, s.feed DESC, s.key DESC LIMIT 1""",
            (*site_ids, _iso(datetime.combine(first, datetime.min.time(), tzinfo=UTC)),
             _iso(datetime.combine(last, datetime.max.time(), tzinfo=UTC)))).fetchone()
        return (datetime.fromisoformat(row["published"]), row["feed"], row["key"]) if row else None

    def _stories_at(self, site_ids: Sequence[str], first: datetime, last: datetime, where: str) -> list[sqlite3.Row]:
        if not site_ids:
            return []
        marks = ",".join("?" * len(site_ids))
        return self._db.execute(
            f"""SELECT s.* FROM stories s WHERE s.id IN ({_NAMING_SITES_BETWEEN.format(marks=marks)}) AND {where}
                ORDER BY s.published, s.id""", (*site_ids, _iso(first), _iso(last))).fetchall()

    def _stored_story(self, row: sqlite3.Row) -> StoredStory:
        story = Story(key=row["key"], url=row["url"], feed=row["feed"], title=row["title"], text=row["text"],
                      published=datetime.fromisoformat(row["published"]))
        attacks = tuple(attack_from_json(a) for a in json.loads(row["attacks"] or "[]"))
        analysis = StoryAnalysis(story, attacks, self.story_sites(row["id"]), tuple(row["words"].split()))
        return StoredStory(row["id"], analysis, bool(attacks))

    def incidents_reported_by(self, story_ids: Sequence[int], site_ids: Sequence[str]) -> list[IncidentState]:
        """The live incidents at these sites that any of these stories reports."""
        if not story_ids or not site_ids:
            return []
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted_stories (id INTEGER PRIMARY KEY)")
        self._db.execute("DELETE FROM wanted_stories")
        self._db.executemany("INSERT OR IGNORE INTO wanted_stories (id) VALUES (?)", [(i,) for i in story_ids])
        # Found through the stories' reports, the sites checked after: a site in the query would lead the planner
        # to walk every incident the sites ever had.
        rows = self._db.execute(
            """SELECT id, site_id, day FROM incidents WHERE status = 'active'
               AND id IN (SELECT incident_id FROM reports WHERE story_id IN (SELECT id FROM wanted_stories))
               ORDER BY id""").fetchall()
        sites = set(site_ids)
        return [IncidentState(r["id"], r["site_id"], _day(r["day"]), self._reports(r["id"])) for r in rows
                if r["site_id"] in sites]

    def apply_outcomes(self, outcomes: Sequence[IncidentOutcome], copy_of: Mapping[int, int | None],
                       now: datetime, *, quiet: bool = False) -> list[tuple[int, IncidentOutcome]]:
        """Write what reconciling decided, and queue an alert for each change a reader sees (unless quiet).
        Call inside transaction() with the reads it rests on."""
        written: list[tuple[int, IncidentOutcome]] = []
        new_ids: dict[int, int] = {}
        for outcome in sorted(outcomes, key=lambda o: (o.incident_id is None, o.incident_id or 0)):
            facts_json = json.dumps(facts_to_json(outcome.facts))
            if outcome.incident_id is None:
                incident_id = int(self._db.execute(
                    "INSERT INTO incidents (site_id, day, facts, created_at, updated_at) VALUES (?,?,?,?,?)",
                    (outcome.site_id, _iso_day(outcome.facts.day), facts_json, _iso(now), _iso(now))).lastrowid or 0)
                new_ids[id(outcome)] = incident_id
            else:
                incident_id = outcome.incident_id
                self._db.execute("UPDATE incidents SET day = ?, facts = ?, updated_at = ?, status = ?, merged_into = ? "
                                 "WHERE id = ?", (_iso_day(outcome.facts.day), facts_json, _iso(now),
                                                  outcome.facts.status, outcome.facts.merged_into, incident_id))
            now_reports = set(outcome.state.reports)
            gone = [r.story_id for r in outcome.previous if r not in now_reports]
            self._db.executemany("DELETE FROM reports WHERE incident_id = ? AND story_id = ?",
                                 [(incident_id, story_id) for story_id in gone])
            kept = set(outcome.previous)
            for report in outcome.state.reports:
                if report not in kept:
                    self._save_report(incident_id, report.story_id, report)
            if outcome.action and not quiet:
                self._db.execute("INSERT INTO outbox (incident_id, action, facts, created_at) VALUES (?,?,?,?)",
                                 (incident_id, outcome.action, facts_json, _iso(now)))
            self._reports_cache.pop(incident_id, None)
            if outcome.state.reports:
                self._reports_cache[incident_id] = tuple(sorted(
                    outcome.state.reports, key=lambda r: (_iso(r.published), r.story_id)))  # as read back
            written.append((incident_id, outcome))
        # A copy's text is its original's: kept once.
        self._db.executemany("UPDATE stories SET copy_of = ?, text = CASE WHEN ? IS NULL THEN text ELSE '' END "
                             "WHERE id = ?", [(original, original, story_id) for story_id, original in copy_of.items()])
        return written

    def _save_report(self, incident_id: int, story_id: int, report: Report) -> None:
        self._db.execute(
            """INSERT OR REPLACE INTO reports (incident_id, story_id, published, url, feed, title, day,
               day_is_explicit, weapons, killed, wounded, claim, evidence, is_copy, day_edge)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            (incident_id, story_id, _iso(report.published), report.source.url, report.source.feed,
             report.source.title, _iso_day(report.day), int(report.day_is_explicit), json.dumps(report.weapons),
             report.killed, report.wounded, report.claim, json.dumps(report.evidence), int(report.is_copy),
             report.day_edge))


    # -- lookups for commands -------------------------------------------------------------------------

    def incident_days(self, site_id: str) -> list[date]:
        rows = self._db.execute("SELECT day FROM incidents WHERE site_id = ? AND day IS NOT NULL AND status = 'active' "
                                "ORDER BY day",
                                (site_id,)).fetchall()
        return [date.fromisoformat(r["day"]) for r in rows]

    def search_stories(self, words: str, limit: int = 10) -> list[FoundStory]:
        """Stored stories matching every word (prefixes allowed), best first."""
        terms = [t for t in (re.sub(r"[^\w]", "", w) for w in words.split()) if t]  # FTS5 syntax stays out
        terms = [t[:MAX_SEARCH_TERM_LENGTH] for t in dict.fromkeys(terms)][:MAX_SEARCH_TERMS]
        if not terms:
            return []
        query = " ".join(f'"{t}"*' for t in terms)
        rows = self._db.execute(
            """SELECT s.id, s.title, s.url, s.feed, s.published,
                      snippet(story_search, 1, '**', '**', '…', 16) AS snippet
               FROM story_search JOIN stories s ON s.id = story_search.rowid
               WHERE story_search MATCH ? ORDER BY rank LIMIT ?""", (query, limit)).fetchall()
        return [FoundStory(r["id"], r["title"], r["url"], r["feed"], datetime.fromisoformat(r["published"]),
                           r["snippet"]) for r in rows]

    def outbox_depth(self) -> int:
        return int(self._db.execute(
            "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND parked_at IS NULL").fetchone()[0])

    def beat(self, name: str, now: datetime) -> None:
        self._db.execute("INSERT INTO heartbeats (name, at) VALUES (?, ?) "
                         "ON CONFLICT(name) DO UPDATE SET at = excluded.at", (name, _iso(now)))
        self._db.execute("DELETE FROM heartbeats WHERE at < ?", (_iso(now - HEARTBEATS_KEPT),))

    def last_beat(self, prefix: str) -> datetime | None:
        row = self._db.execute("SELECT MAX(at) FROM heartbeats WHERE substr(name, 1, ?) = ?",
                               (len(prefix), prefix)).fetchone()
        return _moment(row[0]) if row else None

    def parked_alerts(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM outbox WHERE parked_at IS NOT NULL").fetchone()[0])

    # -- the outbox: alerts recorded before they are sent ---------------------------------------------

    def pending_alerts(self, now: datetime, limit: int = 50) -> list[PendingAlert]:
        """Unsent alerts due now, one per incident: its newest facts, and every row it stands for."""
        rows = self._db.execute(
            """SELECT incident_id, MAX(id) AS last_id, MIN(id) AS first_id, GROUP_CONCAT(id) AS ids,
                      MAX(attempts) AS attempts, SUM(action = 'new') AS news
               FROM outbox WHERE sent_at IS NULL AND parked_at IS NULL
                      AND (next_attempt IS NULL OR next_attempt <= ?)
               GROUP BY incident_id ORDER BY first_id LIMIT ?""", (_iso(now), limit)).fetchall()
        pending = []
        for row in rows:
            facts = self._db.execute("SELECT facts FROM outbox WHERE id = ?", (row["last_id"],)).fetchone()
            pending.append(PendingAlert(
                incident_id=row["incident_id"], outbox_ids=tuple(int(i) for i in str(row["ids"]).split(",")),
                facts=facts_from_json(json.loads(facts["facts"])), attempts=row["attempts"],
                is_new=bool(row["news"])))
        return pending

    def claim_alerts(self, worker: str, now: datetime, *, lease_seconds: float, limit: int = 50) -> list[PendingAlert]:
        """One process per file (the instance lock): every pending alert is this process's to send."""
        return self.pending_alerts(now, limit)

    def renew_alert_claims(self, worker: str, incident_ids: Sequence[int], *, lease_seconds: float) -> set[int]:
        return set(incident_ids)  # nothing was leased: this process sends them all

    def release_alerts(self, worker: str, incident_ids: Sequence[int]) -> None:
        return None  # nothing was leased

    def mark_sent(self, outbox_ids: Sequence[int], now: datetime) -> None:
        marks = ",".join("?" * len(outbox_ids))
        self._db.execute(f"UPDATE outbox SET sent_at = ?, last_error = NULL WHERE id IN ({marks})",
                         (_iso(now), *outbox_ids))

    def defer(self, outbox_ids: Sequence[int], *, error: str, retry_at: datetime) -> None:
        marks = ",".join("?" * len(outbox_ids))
        self._db.execute(f"UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt = ? "
                         f"WHERE id IN ({marks})", (error, _iso(retry_at), *outbox_ids))

    def park(self, outbox_ids: Sequence[int], *, error: str, now: datetime) -> None:
        marks = ",".join("?" * len(outbox_ids))
        self._db.execute(f"UPDATE outbox SET attempts = attempts + 1, last_error = ?, parked_at = ? "
                         f"WHERE id IN ({marks})", (error, _iso(now), *outbox_ids))

    def queue_notice(self, text: str, now: datetime) -> None:
        self._db.execute("INSERT INTO notices (text, created_at) VALUES (?, ?)", (text, _iso(now)))

    def take_notices(self, now: datetime, limit: int = 20) -> list[tuple[int, str]]:
        rows = self._db.execute("UPDATE notices SET taken_at = ? WHERE id IN (SELECT id FROM notices WHERE "
                                "taken_at IS NULL ORDER BY id LIMIT ?) RETURNING id, text", (_iso(now), limit))
        return sorted((int(r["id"]), str(r["text"])) for r in rows.fetchall())

    def return_notices(self, notice_ids: Sequence[int]) -> None:
        marks = ",".join("?" * len(notice_ids))
        self._db.execute(f"UPDATE notices SET taken_at = NULL WHERE id IN ({marks})", tuple(notice_ids))

    def message_for(self, incident_id: int, channel_id: int) -> PostedMessage | None:
        row = self._db.execute("SELECT * FROM messages WHERE incident_id = ? AND channel_id = ?",
                               (incident_id, channel_id)).fetchone()
        return PostedMessage(row["incident_id"], row["channel_id"], row["message_id"], row["nonce"]) if row else None

    def remember_message(self, message: PostedMessage) -> None:
        """Record the nonce before posting and the message id after: a crash in between re-posts with the
        same nonce, which Discord answers with the first message instead of a second one."""
        self._db.execute(
            """INSERT INTO messages (incident_id, channel_id, message_id, nonce) VALUES (?, ?, ?, ?)
               ON CONFLICT(incident_id, channel_id) DO UPDATE SET message_id = excluded.message_id""",
            (message.incident_id, message.channel_id, message.message_id, message.nonce))

    # -- feeds ---------------------------------------------------------------------------------------

    def entry_digests(self, url: str) -> frozenset[str]:
        """The digests of the entries in the feed's last document that was read."""
        rows = self._db.execute("SELECT digest FROM feed_entries WHERE feed_url = ?", (url,)).fetchall()
        return frozenset(r["digest"] for r in rows)

    def remember_entries(self, url: str, digests: Sequence[str]) -> None:
        """The feed's current entries replace those remembered: the table holds one document per feed."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM feed_entries WHERE feed_url = ?", (url,))
            self._db.executemany("INSERT OR IGNORE INTO feed_entries (feed_url, digest) VALUES (?, ?)",
                                 [(url, digest) for digest in digests])
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    def ensure_feed(self, url: str, name: str | None, *, added_by_command: bool = False) -> None:
        if self._db.execute("UPDATE feeds SET name = COALESCE(?, name) WHERE listed_url = ?", (name, url)).rowcount:
            return  # listed by this URL, and moved since by a permanent redirect: kept where it went
        self._db.execute("""INSERT INTO feeds (url, name, added_by_command) VALUES (?, ?, ?)
                            ON CONFLICT(url) DO UPDATE SET name = COALESCE(excluded.name, feeds.name)""",
                         (url, name, int(added_by_command)))

    def remove_feed(self, url: str) -> bool:
        """By its URL, or by the one it was listed by before a permanent redirect moved it."""
        self._db.execute("DELETE FROM feed_entries WHERE feed_url IN (SELECT url FROM feeds WHERE url = ? OR "
                         "listed_url = ?)", (url, url))  # added again, read afresh
        return self._db.execute("DELETE FROM feeds WHERE url = ? OR listed_url = ?", (url, url)).rowcount > 0

    def feeds(self) -> list[FeedHealth]:
        rows = self._db.execute("SELECT * FROM feeds ORDER BY url").fetchall()
        return [FeedHealth(
            url=r["url"], name=r["name"], etag=r["etag"], last_modified=r["last_modified"],
            last_poll=_moment(r["last_poll"]), last_success=_moment(r["last_success"]), last_error=r["last_error"],
            consecutive_failures=r["consecutive_failures"], next_poll=_moment(r["next_poll"]),
            flagged=bool(r["flagged"]), added_by_command=bool(r["added_by_command"]), listed_url=r["listed_url"])
            for r in rows]

    def feed(self, url: str) -> FeedHealth | None:
        return next((f for f in self.feeds() if f.url == url), None)

    def claim_due_feeds(self, worker: str, now: datetime, *, lease_seconds: float, limit: int | None,
                        every: bool = False) -> list[FeedHealth]:
        """One process per file (the instance lock): no lease to take, every due feed (or every feed) is this
        process's, whatever the limit."""
        return [feed for feed in self.feeds() if every or feed.next_poll is None or feed.next_poll <= now]

    def renew_feed_leases(self, worker: str, urls: Sequence[str], *, lease_seconds: float) -> None:
        return None  # nothing was leased

    def release_feeds(self, worker: str, urls: Sequence[str]) -> None:
        return None  # nothing was leased

    def take_lease(self, name: str, holder: str, *, lease_seconds: float) -> str | None:
        now = datetime.now(UTC)
        taken = self._db.execute(
            """INSERT INTO leases (name, holder, until) VALUES (?, ?, ?)
               ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, until = excluded.until
               WHERE leases.holder = excluded.holder OR leases.until < ?""",
            (name, holder, _iso(now + timedelta(seconds=lease_seconds)), _iso(now))).rowcount
        if taken:
            return None
        row = self._db.execute("SELECT holder FROM leases WHERE name = ?", (name,)).fetchone()
        return str(row["holder"]) if row else "another process"

    def drop_lease(self, name: str, holder: str) -> None:
        self._db.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))

    def record_poll(self, url: str, *, now: datetime, next_poll: datetime, ok: bool, error: str | None = None,
                    etag: str | None = None, last_modified: str | None = None, new_url: str | None = None,
                    flagged: bool | None = None, worker: str | None = None) -> bool:
        """A poll's outcome: validators and health. A permanent redirect moves the feed to its new URL. One
        process per file: no lease, every poll is recorded."""
        if ok:
            self._db.execute(
                """UPDATE feeds SET etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified),
                   last_poll = ?, last_success = ?, consecutive_failures = 0, next_poll = ?, flagged = 0,
                   last_error = NULL WHERE url = ?""",
                (etag, last_modified, _iso(now), _iso(now), _iso(next_poll), url))
        else:
            self._db.execute(
                """UPDATE feeds SET last_poll = ?, last_error = ?, consecutive_failures = consecutive_failures + 1,
                   next_poll = ?, flagged = COALESCE(?, flagged) WHERE url = ?""",
                (_iso(now), error, _iso(next_poll), None if flagged is None else int(flagged), url))
        if new_url and new_url != url:
            self._db.execute("UPDATE OR IGNORE feeds SET url = ?, listed_url = COALESCE(listed_url, ?) WHERE url = ?",
                             (new_url, url, url))
            self._db.execute("UPDATE OR IGNORE feed_entries SET feed_url = ? WHERE feed_url = ?", (new_url, url))
        return True

    # -- sites changed in chat -----------------------------------------------------------------------

    def add_site(self, site: Site, *, by: str, now: datetime) -> None:
        self._db.execute("INSERT OR REPLACE INTO site_changes (site_id, site, changed_by, changed_at) VALUES (?,?,?,?)",
                         (site.id, json.dumps(site_to_json(site)), by, _iso(now)))

    def remove_site(self, site_id: str, *, by: str, now: datetime) -> None:
        self._db.execute("INSERT OR REPLACE INTO site_changes (site_id, site, changed_by, changed_at) VALUES (?,?,?,?)",
                         (site_id, None, by, _iso(now)))

    def forget_site_changes(self, site_ids: Sequence[str]) -> list[str]:
        """Drop what chat said about these sites (the config file lists them and wins); the ids dropped."""
        changed = {r["site_id"] for r in self._db.execute("SELECT site_id FROM site_changes")}
        dropped = [site_id for site_id in dict.fromkeys(site_ids) if site_id in changed]
        self._db.executemany("DELETE FROM site_changes WHERE site_id = ?", [(site_id,) for site_id in dropped])
        return dropped

    def tracked_sites(self, configured: Sequence[Site]) -> list[Site]:
        """The config's sites, with those added in chat and without those removed in chat."""
        changes = {r["site_id"]: r["site"] for r in self._db.execute("SELECT site_id, site FROM site_changes")}
        sites = [s for s in configured if s.id not in changes]
        sites += [site_from_json(json.loads(v)) for v in changes.values() if v]
        return sites


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _iso_day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _stored_incident(row: sqlite3.Row) -> StoredIncident:
    return StoredIncident(row["id"], facts_from_json(json.loads(row["facts"])),
                          datetime.fromisoformat(row["created_at"]), datetime.fromisoformat(row["updated_at"]))
