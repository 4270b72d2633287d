"""Offline replay: archived feed files through the whole pipeline, in publish order, as if live.

The output is a contract (users backtest watchlists with it): one JSON object per line per alert.
With --explain, each alert also names the sentences that decided its site, day, weapons, toll and claim.
"""

from __future__ import annotations

import json
import marshal
import math
import os
import pickle
import signal
import sqlite3
import sys
import tempfile
import zlib
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.errors import FeedError
from bot.feeds.parse import parse_feed
from bot.matcher.attacks import find_attacks
from bot.matcher.casualties import count_casualties
from bot.matcher.pipeline import StoryAnalysis, analyse
from bot.matcher.sites import Gazetteer
from bot.models import EVIDENCE_FACTS, Alert, Attack, IncidentFacts, Report, Site, Source, Story
from bot.processing import process_story
from bot.store.sqlite import SQLiteStore

MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReplaySummary:
    files: int
    unreadable: int
    stories: int
    alerts: int
    missing: tuple[str, ...] = ()  # paths named that do not exist


@dataclass(frozen=True, slots=True)
class Explained:
    """One sentence that decided one fact of an alert, and the source that said it."""

    fact: str  # one of EVIDENCE_FACTS
    sentence: str | None  # None: no sentence states it (a day inferred from the story's opening or publish time)
    source: Source

    def as_json(self) -> dict[str, object]:
        return {"fact": self.fact, "sentence": self.sentence, "source": self.source.url or self.source.feed}


def feed_files(paths: Iterable[str]) -> Iterator[Path]:
    """Files named, and every file under folders named, in a stable order."""
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for file in sorted(files):
                    if not file.startswith("."):
                        yield Path(root) / file
        else:
            yield path


def load_stories(paths: Iterable[str], errors: TextIO) -> tuple[list[Story], int, int]:
    stories: list[Story] = []
    files = unreadable = 0
    for path in feed_files(paths):
        files += 1
        try:
            stories.extend(read_feed_file(path))
        except FeedError as error:
            unreadable += 1
            print(f"sitewatch: skipped {error}", file=errors)
    # Publish order, as they would have arrived; ties keep file order.
    stories.sort(key=lambda story: story.published)
    return stories, files, unreadable


def read_feed_file(path: Path) -> tuple[Story, ...]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FeedError(f"{path}: too large for a feed ({size} bytes)")
        data = path.read_bytes()
    except OSError as error:
        raise FeedError(f"{path}: cannot read: {error.strerror or error}") from error
    mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return parse_feed(data, str(path), fallback_time=mtime).stories


@dataclass(frozen=True, slots=True)
class Arrival:
    """The order in which a replay feeds stories to the pipeline. "publish": every story at its publish time,
    in publish order. "polls:MINUTES": as a live bot sees them: each feed is polled every MINUTES minutes at a
    phase of its own, a story appears at its feed's first poll after it was published, and each poll's
    entries are processed feed by feed."""

    poll_minutes: float | None = None  # None: publish order

    @classmethod
    def parse(cls, text: str) -> Arrival:
        if text == "publish":
            return cls()
        name, _, minutes = text.partition(":")
        try:
            value = float(minutes or DEFAULT_POLL_MINUTES)
        except ValueError:
            value = -1.0
        if name != "polls" or not 0 < value <= 7 * 24 * 60:
            raise ValueError(f"--arrival {text!r}: use 'publish' or 'polls[:MINUTES]', e.g. polls:5")
        return cls(value)

    def schedule(self, stories: Sequence[Story]) -> list[tuple[Story, datetime]]:
        """Each story (given in publish order) with the moment the pipeline sees it, in the order it sees them."""
        timed = [(story, self.seen_at(story)) for story in stories]
        if self.poll_minutes is None:
            return timed
        return sorted(timed, key=lambda item: (item[1], item[0].feed, item[0].published, item[0].key))

    def seen_at(self, story: Story) -> datetime:
        """The moment the pipeline sees the story: its publish time, or its feed's first poll after it."""
        if self.poll_minutes is None:
            return story.published
        interval = self.poll_minutes * 60
        phase = zlib.crc32(story.feed.encode()) % int(interval) if interval >= 1 else 0.0
        seconds = story.published.timestamp() - phase
        polled = phase + math.ceil(seconds / interval) * interval
        return datetime.fromtimestamp(polled, tz=UTC)


# A story's place in the queue and its packed self, as a worker process hands them over: (seen at, feed,
# published, key, story, analysis or None, whether it may name a site: 0 only when its analysis says it names
# none). The queue adds the last part of the order, the file order.
ArrivalRow = tuple[int, bytes, int, bytes, bytes, bytes | None, int]


def arrival_row(story: Story, arrival: Arrival, analysis: StoryAnalysis | None = None) -> ArrivalRow:
    # The analysis of a story naming no site is not kept: such a story is processed only when another version of
    # it names one (rare), and is analysed again then, rather than every story's fingerprint made and carried.
    kept = analysis if analysis is not None and analysis.site_ids else None
    return (_microseconds(arrival.seen_at(story)), _in_code_point_order(story.feed), _microseconds(story.published),
            _in_code_point_order(story.key), _packed(story), _packed_analysis(kept) if kept is not None else None,
            int(analysis is None or bool(analysis.site_ids)))


class ArrivalQueue:
    """The stories of a replay, spilled to a temporary SQLite file as the files are read and read back in
    arrival order: memory stays flat however many stories the files hold. The order is Arrival.schedule's
    over load_stories' (publish time, then file order): (seen at, feed, published, key, file order). Stories
    must be added file by file in file order (whichever worker read them first); each may carry its analysis."""

    def __init__(self, folder: str, arrival: Arrival) -> None:
        self.arrival = arrival
        self.count = 0
        self._db = sqlite3.connect(str(Path(folder) / "arrivals.sqlite"), isolation_level=None)
        self._db.execute("PRAGMA journal_mode = OFF")  # a throwaway file: nothing to recover after a crash
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("CREATE TABLE arrivals (seen_at INTEGER, feed BLOB, published INTEGER, key BLOB, "
                         "seq INTEGER, story BLOB, analysis BLOB, may_name_site INTEGER)")
        self._db.execute("BEGIN")

    def add(self, stories: Iterable[Story]) -> None:
        self.add_rows(arrival_row(story, self.arrival) for story in stories)

    def add_rows(self, rows: Iterable[ArrivalRow]) -> None:
        start = self.count
        numbered = [(*row[:4], seq, *row[4:]) for seq, row in enumerate(rows, start=start)]
        self.count += len(numbered)
        self._db.executemany("INSERT INTO arrivals VALUES (?, ?, ?, ?, ?, ?, ?, ?)", numbered)

    def in_order(self, *, every_story: bool = True) -> Iterator[tuple[Story, datetime, StoryAnalysis | None]]:
        """Each story with the moment the pipeline sees it, in the order it sees them, and its analysis when
        it came with one. every_story=False leaves out the entries that, by their analyses, name no site in
        any version: processing one reads the store and does nothing (bot/processing.py stores only a story
        that names a site, or a revision of one stored), so only the order of the others matters."""
        self._db.execute("COMMIT")
        # Publish order: each story seen at its publish time, ties in file order.
        order = "seen_at, seq" if self.arrival.poll_minutes is None else "seen_at, feed, published, key, seq"
        self._db.execute(f"CREATE INDEX arrival_order ON arrivals ({order})")
        wanted = ""
        if not every_story:
            self._db.execute("CREATE INDEX naming_entries ON arrivals (feed, key) WHERE may_name_site")
            wanted = ("WHERE may_name_site OR EXISTS (SELECT 1 FROM arrivals AS version WHERE version.may_name_site "
                      "AND version.feed = arrivals.feed AND version.key = arrivals.key)")
        for data, analysis in self._db.execute(f"SELECT story, analysis FROM arrivals {wanted} ORDER BY {order}"):
            story = _unpacked(data)
            yield story, self.arrival.seen_at(story), \
                _unpacked_analysis(story, analysis) if analysis is not None else None

    def close(self) -> None:
        self._db.close()


_STORY_FIELDS = tuple(each.name for each in fields(Story))
_PUBLISHED = _STORY_FIELDS.index("published")


def _packed(story: Story) -> bytes:
    """A story as bytes, every field (marshal: a third of pickle's time on a dataclass; the file is this
    process's own)."""
    values = [getattr(story, name) for name in _STORY_FIELDS]
    values[_PUBLISHED] = story.published.isoformat()  # the instant and its UTC offset, exactly
    return marshal.dumps(tuple(values))


def _unpacked(data: bytes) -> Story:
    values = list(marshal.loads(data))
    values[_PUBLISHED] = datetime.fromisoformat(values[_PUBLISHED])
    return Story(*values)


def _packed_analysis(analysis: StoryAnalysis) -> bytes:
    """A story's analysis, without the story (packed beside it). Most news names no site and has no attack:
    marshal alone; the few attacks (dataclasses holding dates) are pickled inside."""
    attacks = pickle.dumps(analysis.attacks, protocol=pickle.HIGHEST_PROTOCOL) if analysis.attacks else b""
    return marshal.dumps((analysis.site_ids, analysis.words, attacks))


def _unpacked_analysis(story: Story, data: bytes) -> StoryAnalysis:
    site_ids, words, attacks = marshal.loads(data)
    return StoryAnalysis(story, pickle.loads(attacks) if attacks else (), site_ids, words)


def _microseconds(moment: datetime) -> int:
    """A moment as a number that sorts as the moments do, exactly (a float would round microseconds)."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _in_code_point_order(text: str) -> bytes:
    """Text as bytes that SQLite compares as Python compares the strings, code point by code point (UTF-32BE;
    surrogatepass: a feed may carry a lone surrogate)."""
    return text.encode("utf-32-be", "surrogatepass")


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


DEFAULT_POLL_MINUTES = 5


def replay(paths: Iterable[str], sites: Iterable[Site], out: TextIO, errors: TextIO, *,
           as_json: bool, explain: bool = False, arrival: Arrival = Arrival(), jobs: int = 1) -> ReplaySummary:
    """jobs > 1: the files are read and their stories analysed in that many worker processes; the stories
    are still processed one by one in arrival order, so the output is the same whatever the number."""
    sites = tuple(sites)
    gazetteer = Gazetteer(sites)
    named = list(paths)
    missing = tuple(name for name in named if not Path(name).exists())
    for name in missing:
        print(f"sitewatch: error: {name}: no such file or folder", file=errors)
    with tempfile.TemporaryDirectory(prefix="sitewatch-replay-") as folder:
        queue = ArrivalQueue(folder, arrival)
        store = throwaway_store(folder)
        try:
            files, unreadable = spill_stories([name for name in named if name not in missing], queue, errors,
                                              gazetteer=gazetteer, jobs=jobs)
            explainer = Explainer(gazetteer, store, folder) if explain else None
            alerts = 0
            # --explain remembers every story it is shown, so it is shown every one.
            for story, seen_at, analysis in queue.in_order(every_story=explain):
                if explainer is not None:
                    explainer.remember(story, analysis)
                for alert in process_story(store, gazetteer, story, now=seen_at, analysis=analysis):
                    alerts += 1
                    evidence = explainer.explain(alert) if explainer is not None else None
                    out.write((alert_json(alert, evidence) if as_json else alert_text(alert, evidence)) + "\n")
        finally:
            store.close()
            queue.close()
            if explainer is not None:
                explainer.close()
    return ReplaySummary(files, unreadable, queue.count, alerts, missing)


def throwaway_store(folder: str) -> SQLiteStore:
    """The replay's own store, in a file that the page cache holds rather than the process: the stories it
    keeps (those naming a site) would otherwise grow in memory with the replay. Nothing
    in it outlives the replay, so no commit waits for the disk."""
    store = SQLiteStore(Path(folder) / "store.sqlite")
    store.connection.execute("PRAGMA synchronous = OFF")
    # Nothing searches a replay's stories: they are not indexed for /search (a third of a stored story's cost).
    for trigger in REPLAY_UNUSED_TRIGGERS:
        store.connection.execute(f"DROP TRIGGER {trigger}")
    return store


REPLAY_UNUSED_TRIGGERS = ("stories_search_insert", "stories_search_update", "stories_search_delete")


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity, as os.process_cpu_count does from Python 3.13)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Files in flight per worker: enough that no worker waits for the next file, few enough that the finished
# files waiting for an earlier, longer one to be queued (they go in in file order) keep memory flat.
FILES_IN_FLIGHT_PER_JOB = 2


def spill_stories(paths: Iterable[str], queue: ArrivalQueue, errors: TextIO, *, gazetteer: Gazetteer | None = None,
                  jobs: int = 1) -> tuple[int, int]:
    """Every story of the files into the queue, in file order: how many files, how many unreadable. With
    jobs > 1, the files are read in that many worker processes (their stories analysed there, when given the
    gazetteer), a few files at a time, and taken back in file order whichever finishes first."""
    files = unreadable = 0

    def add(rows: list[ArrivalRow] | FeedError) -> None:
        nonlocal unreadable
        if isinstance(rows, FeedError):
            unreadable += 1
            print(f"sitewatch: skipped {rows}", file=errors)
        else:
            queue.add_rows(rows)

    if jobs <= 1:
        for path in feed_files(paths):
            files += 1
            add(_read_rows(path, queue.arrival, None))
        return files, unreadable
    pool = ProcessPoolExecutor(jobs, initializer=_start_reader, initargs=(gazetteer, queue.arrival))
    try:
        in_flight: deque[Future[list[ArrivalRow] | FeedError]] = deque()
        for path in feed_files(paths):
            files += 1
            in_flight.append(pool.submit(_read_and_analyse, path))
            if len(in_flight) >= FILES_IN_FLIGHT_PER_JOB * jobs:
                add(in_flight.popleft().result())
        while in_flight:
            add(in_flight.popleft().result())
    finally:
        pool.shutdown(cancel_futures=True)
    return files, unreadable


def _read_rows(path: Path, arrival: Arrival, gazetteer: Gazetteer | None) -> list[ArrivalRow] | FeedError:
    """A file's stories as queue rows, analysed when given the gazetteer; or why the file cannot be read."""
    try:
        stories = read_feed_file(path)
    except FeedError as error:
        return error
    return [arrival_row(story, arrival, analyse(story, gazetteer) if gazetteer is not None else None)
            for story in stories]


_reader: tuple[Gazetteer | None, Arrival] | None = None  # a worker process's own, made once by _start_reader


def _start_reader(gazetteer: Gazetteer | None, arrival: Arrival) -> None:
    """A worker's start. Where processes fork (Linux), the gazetteer is the replay's own, shared as it stands, not
    sent over a pipe or built again (~1 s a worker at 50,000 sites); elsewhere it is pickled to each worker."""
    global _reader
    # Ctrl-C is the replay process's to handle: it stops the pool, rather than every worker printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _reader = (gazetteer, arrival)


def _read_and_analyse(path: Path) -> list[ArrivalRow] | FeedError:
    assert _reader is not None, "a reading pool's worker starts with _start_reader"
    gazetteer, arrival = _reader
    return _read_rows(path, arrival, gazetteer)


@dataclass
class Explainer:
    """Finds, for an alert, which report decided each fact and which of its sentences said it. The stories
    are analysed again, on demand: the store keeps a report's sentences, not which fact each one decided."""

    gazetteer: Gazetteer
    store: SQLiteStore
    folder: str  # the remembered stories are kept in a file here: memory stays flat however many are replayed
    attacks: dict[Source, list[Attack]] = field(default_factory=dict)  # of the stories alerts were explained by

    def __post_init__(self) -> None:
        self._db = sqlite3.connect(str(Path(self.folder) / "explained.sqlite"), isolation_level=None)
        self._db.execute("PRAGMA journal_mode = OFF")  # a throwaway file, as the arrival queue's
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("CREATE TABLE stories (url BLOB, feed BLOB, title BLOB, story BLOB, "
                         "PRIMARY KEY (url, feed, title)) WITHOUT ROWID")

    def remember(self, story: Story, analysis: StoryAnalysis | None = None) -> None:
        """The latest version of each story. One whose analysis names no site cannot have decided anything an
        alert shows: it is not kept, and it takes the place of its earlier version all the same."""
        source = Source(story.url, story.feed, story.title)
        if analysis is not None and not analysis.site_ids:
            self._db.execute("DELETE FROM stories WHERE url = ? AND feed = ? AND title = ?", source_key(source))
        else:
            self._db.execute("INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?)", (*source_key(source),
                                                                                   _packed(story)))
        self.attacks.pop(source, None)  # a revision of a story replaces what its earlier version said

    def story(self, source: Source) -> Story | None:
        row = self._db.execute("SELECT story FROM stories WHERE url = ? AND feed = ? AND title = ?",
                               source_key(source)).fetchone()
        return _unpacked(row[0]) if row else None

    def close(self) -> None:
        self._db.close()

    def explain(self, alert: Alert) -> list[Explained]:
        found: dict[tuple[str, str | None, Source], None] = {}
        for fact, report in deciding_reports(alert.facts, self._reports(alert)):
            for sentence in self._sentences(fact, report, alert.facts):
                found[(fact, sentence, report.source)] = None
        return sorted((Explained(*key) for key in found), key=lambda e: EVIDENCE_FACTS.index(e.fact))

    def _reports(self, alert: Alert) -> tuple[Report, ...]:
        day = alert.facts.day or date.min  # an undated incident is listed for any range
        for incident in self.store.incidents_between([alert.facts.site_id], day, day):
            if incident.id == alert.incident_id:
                return incident.reports
        return ()

    def _sentences(self, fact: str, report: Report, facts: IncidentFacts) -> list[str | None]:
        attacks = [a for a in self._attacks_of(report.source) if a.site_id == facts.site_id]
        attacks = [a for a in attacks if a.day == report.day] or attacks
        said = list(dict.fromkeys(" ".join(e.sentence.split()) for a in attacks for e in a.decided_by
                                  if e.fact == fact))
        if fact == "toll":
            # Several figures may be told ("first said three were injured"): quote the ones the alert shows.
            said = [s for s in said if _states_toll(s, facts)] or said
        if fact == "day" and not said:
            return [None]
        return list(said)

    def _attacks_of(self, source: Source) -> list[Attack]:
        if source not in self.attacks:
            story = self.story(source)
            self.attacks[source] = find_attacks(story, self.gazetteer) if story is not None else []
        return self.attacks[source]


def source_key(source: Source) -> tuple[bytes, bytes, bytes]:
    """A source as SQLite keeps it, exactly: bytes (a feed may carry a lone surrogate, which SQLite's text is not)."""
    return (source.url.encode("utf-8", "surrogatepass"), source.feed.encode("utf-8", "surrogatepass"),
            source.title.encode("utf-8", "surrogatepass"))


def deciding_reports(facts: IncidentFacts, reports: Iterable[Report]) -> list[tuple[str, Report]]:
    """Which report decided each fact the alert shows, by the rules that merged them (bot/matcher/incidents.py):
    the best report tells the attack, the explicit day wins, the latest figure and claim win."""
    by_time = sorted(reports, key=lambda r: r.published)
    told = [r for r in by_time if r.evidence] or by_time
    if not told:
        return []
    best = next((r for r in told if r.evidence and " ".join(r.evidence[0].split()) == facts.evidence), told[0])
    chosen: list[tuple[str, Report]] = [("site", best)]
    dated = [r for r in told if r.day == facts.day and facts.day is not None]
    if dated:
        chosen.append(("day", next((r for r in dated if r.day_is_explicit), dated[0])))
    originals = [r for r in told if not r.is_copy] or told
    for weapon in facts.weapons:
        naming = [r for r in originals if weapon in r.weapons] or [r for r in told if weapon in r.weapons]
        chosen += [("weapons", naming[0])] if naming else []
    for figure in ("killed", "wounded"):
        value = getattr(facts, figure)
        stating = [r for r in told if value is not None and getattr(r, figure) == value]
        chosen += [("toll", stating[-1])] if stating else []
    claiming = [r for r in told if facts.claim and r.claim == facts.claim]
    chosen += [("claim", claiming[-1])] if claiming else []
    return list(dict.fromkeys(chosen))


def _states_toll(sentence: str, facts: IncidentFacts) -> bool:
    toll = count_casualties(sentence)
    return (toll.killed is not None and toll.killed == facts.killed) or \
        (toll.wounded is not None and toll.wounded == facts.wounded)


def alert_record(alert: Alert) -> dict[str, object]:
    facts = alert.facts
    record: dict[str, object] = {"action": alert.action, "incident": alert.incident_id}
    if alert.action == "merged":
        record["into"] = facts.merged_into
    return record | {
        "site": facts.site_id,
        "date": facts.day.isoformat() if facts.day else None,
        "weapons": list(facts.weapons),
        "killed": facts.killed,
        "wounded": facts.wounded,
        "title": facts.title,
        "summary": facts.summary,
        "sources": [{"url": s.url, "feed": s.feed, "title": s.title} for s in facts.sources],
    }


def alert_json(alert: Alert, evidence: list[Explained] | None = None) -> str:
    record = alert_record(alert)
    if evidence is not None:  # only with --explain: without it the contract stays byte for byte
        record["evidence"] = [e.as_json() for e in evidence]
    return json.dumps(record, ensure_ascii=False)


def alert_text(alert: Alert, evidence: list[Explained] | None = None) -> str:
    facts = alert.facts
    head = {"new": "NEW", "merged": f"MERGED into #{facts.merged_into}", "withdrawn": "WITHDRAWN"}.get(
        alert.action, "UPDATED")
    lines = [f"[{head}] #{alert.incident_id} {facts.title}"]
    if facts.claim:
        lines.append(f"  Claimed by: {facts.claim}")
    if facts.summary:
        lines.append(f"  {facts.summary}")
    for number, source in enumerate(facts.sources, start=1):
        lines.append(f"  {number}. {source.feed}: {source.title} <{source.url}>")
    if evidence is not None:
        lines += explain_lines(evidence)
    return "\n".join(lines)


def explain_lines(evidence: list[Explained]) -> list[str]:
    """Per source, each sentence once, led by the facts it decided: "site, weapons: “Rockets hit ...”"."""
    by_source: dict[Source, dict[str | None, list[str]]] = {}
    for item in evidence:
        by_source.setdefault(item.source, {}).setdefault(item.sentence, []).append(item.fact)
    lines = []
    for source, sentences in by_source.items():
        where = f"{source.feed} <{source.url}>" if source.url else source.feed
        lines.append(f"  Evidence from {where}:")
        for sentence, facts in sentences.items():
            said = f"“{sentence}”" if sentence is not None else \
                "no sentence dates the attack: inferred from the story's opening or its publish time"
            lines.append(f"    {', '.join(facts)}: {said}")
    return lines


def main_replay(config_path: str, paths: list[str], *, as_json: bool, explain: bool = False,
                arrival: str = "publish", jobs: int | None = None) -> int:
    """Exit 2, as grep does, when a path is missing or no file could be read: a backtest on nothing must not
    pass for a backtest that found nothing."""
    from bot.config import load_config

    config = load_config(config_path)
    try:
        order = Arrival.parse(arrival)
    except ValueError as error:
        print(f"sitewatch: error: {error}", file=sys.stderr)
        return 2
    summary = replay(paths, config.site_records(), sys.stdout, sys.stderr, as_json=as_json, explain=explain,
                     arrival=order, jobs=jobs if jobs is not None else available_cpus())
    if summary.files == summary.unreadable:
        if summary.files:
            print(f"sitewatch: error: none of the {summary.files} files could be read as a feed", file=sys.stderr)
        elif not summary.missing:
            print("sitewatch: error: no files found in " + ", ".join(paths), file=sys.stderr)
        return 2
    print(f"sitewatch: replayed {summary.stories} stories from {summary.files} files "
          f"({summary.unreadable} unreadable): {summary.alerts} alerts", file=sys.stderr)
    return 2 if summary.missing else 0
