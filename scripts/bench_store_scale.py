"""Per-story cost against the number of stories already stored: it should not grow with them.

    python scripts/bench_store_scale.py [--sizes 1000,10000,100000,500000] [--postgres-sizes ...]
                                        [--repeat 3] [--no-postgres] [--no-sqlite]

A store (a SQLite file; and a PostgreSQL schema of its own, dropped afterwards, when 127.0.0.1:5432 answers)
is filled with N stored stories, as the store itself writes them (save_story and apply_outcomes): ~500 sites
(config.yaml's and generated ones) named with a long-tailed spread, ~500 stored stories a day over as many days
as N needs (500,000 is ~2.7 years), half of them mentions, a third attack reports with their incidents, the
rest copies of an attack report. Then a fixed batch of new stories goes through process_story at each N, in a
transaction rolled back afterwards so each N times the same work: attack reports arriving in order, reports
arriving a month late (told again with the stories around them), copies, mentions, and a revised report.
Printed: us per story at each N (best of --repeat), the part outside analyse() (the store's), and the ratio to
the smallest N. Then the query plan of every statement the batch ran at the largest N: each should read an
index range (no full scan of a stored table, no search on a site unbounded in time).

Goal (issue 10): per-story cost flat up to 500,000 stored stories (index-backed queries).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_mix import _ATTACKS, _DAYS, _VISITS, _fill, _news_story, generated_sites  # noqa: E402

from bot.config import load_config  # noqa: E402
from bot.matcher.dedupe import fingerprint_of  # noqa: E402
from bot.matcher.pipeline import StoryAnalysis, analyse  # noqa: E402
from bot.matcher.reconcile import IncidentOutcome  # noqa: E402
from bot.matcher.sites import Gazetteer  # noqa: E402
from bot.matcher.tokens import words  # noqa: E402
from bot.models import Attack, IncidentFacts, IncidentState, Report, Site, Source, Story  # noqa: E402
from bot.processing import process_story  # noqa: E402
from bot.store.sqlite import SQLiteStore  # noqa: E402

END = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)  # the newest stored story; the batch comes after it
# The first 1,000 stories fill the last RECENT_DAYS (longer than any window a story's processing reads: 90
# days for a republished report), so even the smallest N has every window full; the rest are older history,
# STORED_PER_DAY (stories naming a tracked site, over thousands of feeds): 500,000 reach ~2.7 years back.
RECENT = 1_000
RECENT_DAYS = 120
STORED_PER_DAY = 500
SITES = 500
CHUNK = 5_000  # stories written per transaction while filling
PROBED = ("ain-al-asad", "erbil-airport", "camp-taji")  # the batch's sites, among the most named in the fill
_VOCABULARY = [f"{a}{b}" for a in ("kar", "mol", "tes", "pran", "dul", "vek", "sor", "lim", "nav", "gor")
               for b in ("ai", "en", "ost", "ura", "ix", "el", "ama", "ond", "ir", "uk", "ep", "oz")]


class Filler:
    """Stored stories as save_story and apply_outcomes write them, in publish order, as many as asked."""

    def __init__(self, sites: list[Site], seed: int) -> None:
        self.rng = random.Random(seed)
        self.sites = sites
        ranks = {site_id: rank for rank, site_id in enumerate(PROBED)}
        ordered = sorted(sites, key=lambda s: ranks.get(s.id, len(PROBED) + self.rng.random()))
        self.site_ids = [site.id for site in ordered]
        self.weights = [1 / (rank + 5) for rank in range(len(ordered))]  # a long tail: the top site ~4%
        self.names = {site.id: site.name for site in sites}
        self.stored = 0
        self.last_attack: dict[str, tuple[int, list[Report], Attack, Story]] = {}

    @staticmethod
    def published(n: int) -> datetime:
        """The n-th story filled: the newest first, going back in time."""
        if n < RECENT:
            return END - timedelta(days=RECENT_DAYS * n / RECENT)
        return END - timedelta(days=RECENT_DAYS + (n - RECENT) / STORED_PER_DAY)

    def fill_to(self, store: Any, total: int) -> None:
        while self.stored < total:
            with store.transaction():
                self._chunk(store, min(CHUNK, total - self.stored))

    def _chunk(self, store: Any, count: int) -> None:
        pending: dict[int, tuple[list[Report], Attack, Story]] = {}  # attack story id -> its reports
        self.last_attack.clear()  # copies join an attack report of this transaction
        for _ in range(count):
            n = self.stored
            published = self.published(n) - timedelta(seconds=self.rng.uniform(0, 60))
            site = self.rng.choices(self.site_ids, self.weights)[0]
            sites = (site,) if self.rng.random() > 0.1 else (site, self.rng.choices(self.site_ids, self.weights)[0])
            roll = self.rng.random()
            story = self._story(n, published, sites[0], attack=roll < 0.35)
            analysis = StoryAnalysis(story, (), tuple(dict.fromkeys(sites)),
                                     fingerprint_of(words(f"{story.title}\n{story.text}")[1]))
            if roll < 0.35:
                attack = Attack(sites[0], published.date(), True, ("rocket",), None, self.rng.choice((None, 2)),
                                None, (story.text.split(". ")[0] + ".",))
                story_id = store.save_story(StoryAnalysis(story, (attack,), analysis.site_ids, analysis.words), None)
                reports = [_report(story_id, story, attack, is_copy=False)]
                pending[story_id] = (reports, attack, story)
                self.last_attack[sites[0]] = (story_id, reports, attack, story)
            elif roll < 0.5 and sites[0] in self.last_attack:
                original_id, reports, attack, original = self.last_attack[sites[0]]
                copy = Story(story.key, story.url, story.feed, "UPDATE: " + original.title, original.text, published)
                copy_words = fingerprint_of(words(f"{copy.title}\n{copy.text}")[1])
                story_id = store.save_story(StoryAnalysis(copy, (), analysis.site_ids, copy_words), original_id)
                reports.append(Report(story_id, published, Source(copy.url, copy.feed, copy.title), None, False, (),
                                      None, None, None, (), True))
            else:
                store.save_story(analysis, None)
            self.stored += 1
        outcomes = [_new_incident(reports, attack, story) for reports, attack, story in pending.values()]
        store.apply_outcomes(outcomes, {}, END, quiet=True)

    def _story(self, n: int, published: datetime, site_id: str, *, attack: bool) -> Story:
        day = _DAYS[published.weekday()]
        if attack:
            headline, lead = self.rng.choice(_ATTACKS)
            title = _fill(self.rng, headline, site=self.names[site_id])
            text = _fill(self.rng, lead, site=self.names[site_id], day=day)
        else:
            title, text = _news_story(self.rng)
            text = _fill(self.rng, self.rng.choice(_VISITS), site=self.names[site_id], day=day) + " " + text
        text += " " + " ".join(self.rng.choices(_VOCABULARY, k=25)) + "."  # each story's own words
        return Story(f"fill-{n}", f"https://fill{n % 13}.example/{n}", f"Fill {n % 40}", title, text, published)


def _report(story_id: int, story: Story, attack: Attack, *, is_copy: bool) -> Report:
    return Report(story_id, story.published, Source(story.url, story.feed, story.title), attack.day, True,
                  attack.weapons, attack.killed, attack.wounded, attack.claim, attack.evidence, is_copy)


def _new_incident(reports: list[Report], attack: Attack, story: Story) -> IncidentOutcome:
    facts = IncidentFacts(attack.site_id, attack.day, attack.weapons, attack.killed, attack.wounded, None,
                          story.title, attack.evidence[0], tuple(r.source for r in reports), attack.evidence[0])
    return IncidentOutcome(None, attack.site_id, IncidentState(0, attack.site_id, attack.day, tuple(reports)), facts,
                           None)


def batch(end: datetime, names: dict[str, str], seed: int = 7) -> list[Story]:
    """The same new stories at every N, placed against the end of the stored history: reports in order and
    a month late, their copies from other feeds, mentions, and one report revised."""
    rng = random.Random(seed)
    stories: list[Story] = []
    for number in range(24):
        site_id = PROBED[number % len(PROBED)]
        late = number % 3 == 2
        published = end + timedelta(hours=1 + number) - (timedelta(days=30) if late else timedelta())
        day = _DAYS[published.weekday()]
        headline, lead = _ATTACKS[number % len(_ATTACKS)]
        title = _fill(rng, headline, site=names[site_id])
        text = _fill(rng, lead, site=names[site_id], day=day) + " " + _news_story(rng)[1]
        stories.append(Story(f"new-{number}", f"https://new.example/{number}", "New", title, text, published))
        stories.append(Story(f"copy-{number}", f"https://copy.example/{number}", "Copy", "UPDATE: " + title, text,
                             published + timedelta(minutes=40)))
        visit = _fill(rng, _VISITS[number % len(_VISITS)], site=names[site_id], day=day)
        stories.append(Story(f"visit-{number}", f"https://visit.example/{number}", "Visits", visit.split(",")[0],
                             visit + " " + _news_story(rng)[1], published + timedelta(minutes=20)))
    first = stories[0]
    stories.append(Story(first.key, first.url, first.feed, first.title, first.text + " Two soldiers were wounded.",
                         first.published + timedelta(hours=3)))
    return stories


@contextmanager
def rolled_back(store: Any) -> Iterator[None]:
    """Everything inside is undone afterwards: each N times the same batch against the same fill."""
    if isinstance(store, SQLiteStore):
        store.connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            store.connection.execute("ROLLBACK")
            store._reports_cache.clear()  # it may hold what was just undone
    else:
        with store.connection.transaction(force_rollback=True):
            yield


def time_batch(store: Any, gazetteer: Gazetteer, stories: list[Story], repeat: int) -> tuple[float, float, int]:
    """us per story through process_story, us per story in analyse() alone, alerts; best of `repeat`."""
    best = analysed = float("inf")
    alerts = 0
    for _ in range(repeat):
        with rolled_back(store):
            started = time.perf_counter()
            alerts = sum(len(process_story(store, gazetteer, s, now=s.published)) for s in stories)
            best = min(best, time.perf_counter() - started)
        started = time.perf_counter()
        for story in stories:
            analyse(story, gazetteer)
        analysed = min(analysed, time.perf_counter() - started)
    return best * 1e6 / len(stories), analysed * 1e6 / len(stories), alerts


def recorded_statements(store: Any, run: Callable[[], object]) -> list[tuple[str, tuple[Any, ...]]]:
    """Every statement `run` sends to the store, with its parameters (SQLite: with them written in)."""
    seen: dict[str, tuple[Any, ...]] = {}
    if isinstance(store, SQLiteStore):
        store.connection.set_trace_callback(lambda statement: seen.setdefault(statement, ()))
        try:
            run()
        finally:
            store.connection.set_trace_callback(None)
    else:
        originals = {name: getattr(store, name) for name in ("_rows", "_row", "_run")}

        def recording(name: str) -> Callable[..., Any]:
            def call(query: str, params: Any = ()) -> Any:
                seen.setdefault(query, tuple(params))
                return originals[name](query, params)
            return call
        for name in originals:
            setattr(store, name, recording(name))
        try:
            run()
        finally:
            for name in originals:
                delattr(store, name)
    return list(seen.items())


def plans(store: Any, statements: list[tuple[str, tuple[Any, ...]]]) -> list[tuple[str, list[str]]]:
    """Each distinct read or write statement's plan (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN, the plan
    the server chooses with the statistics of the N stored: tests/store/test_store_scale_plans.py asks the same on tiny
    tables with sequential scans discouraged)."""
    shapes: dict[str, tuple[str, list[str]]] = {}
    if isinstance(store, SQLiteStore):  # the temporary tables the statements read (rolled back since)
        for statement, _ in statements:
            if statement.lstrip().upper().startswith("CREATE TEMP"):
                store.connection.execute(statement)
    for statement, params in statements:
        head = statement.lstrip().split(None, 1)[0].upper()
        if head not in ("SELECT", "UPDATE", "DELETE", "INSERT"):
            continue
        shape = re.sub(r"\s+", " ", re.sub(r"'[^']*'|\b\d+\b|\?|%s", "?", statement)).strip()
        shape = re.sub(r"\?(, \?)+", "?", re.sub(r"VALUES \(.*\)", "VALUES (...)", shape))
        if shape in shapes:
            continue
        if isinstance(store, SQLiteStore):
            lines = [row[3] for row in store.connection.execute(f"EXPLAIN QUERY PLAN {statement}")]
        else:
            lines = [row[0] for row in store.connection.execute(b"EXPLAIN " + statement.encode(), params)]
        shapes[shape] = (shape, lines)
    return list(shapes.values())


def walks_history(plan: list[str], *, postgres: bool) -> list[str]:
    """The plan lines that read more than a story needs: a full scan of a stored table, or an index search on a
    site that does not bound the time (published, an incident's day), which reads everything the site ever had."""
    walks = []
    for number, line in enumerate(plan):
        text = line.strip()
        if postgres:
            if "Seq Scan" in text:
                walks.append(text)
            elif re.search(r"Scan (using \w+ )?on (story_sites|incidents)\w*", text):
                condition = next((later for later in plan[number + 1:number + 4] if "Index Cond" in later), "")
                if "site_id" in condition and not re.search(r"\b(published|day)\b", condition):
                    walks.append(f"{text} {condition.strip()}")
        elif _scans_a_table(text) or _searches_a_site_unbounded(text):
            walks.append(text)
    return walks


def _scans_a_table(line: str) -> bool:
    return bool(re.match(r"SCAN (stories|story_sites|incidents|reports|outbox)\b", line)) and "USING" not in line


def _searches_a_site_unbounded(line: str) -> bool:
    return bool(re.match(r"SEARCH (story_sites|incidents)\b", line)) and "site_id=?" in line and \
        not re.search(r"(published|day)[>=<]", line)


def run(name: str, store: Any, gazetteer: Gazetteer, sizes: list[int], repeat: int, seed: int) -> None:
    filler = Filler(list(gazetteer.sites.values()), seed)
    names = {site.id: site.name for site in gazetteer.sites.values()}
    print(f"\n{name}: per-story cost of a batch of new stories against N stored stories (best of {repeat})")
    results = []
    for size in sizes:
        started = time.perf_counter()
        filler.fill_to(store, size)
        if not isinstance(store, SQLiteStore):
            store.connection.execute("ANALYZE")  # as autovacuum would after a fill this size: plans need statistics
        filled = time.perf_counter() - started
        stories = batch(END, names)
        total, analysed, alerts = time_batch(store, gazetteer, stories, repeat)
        results.append((size, total, total - analysed))
        print(f"  N={size:>8,}  {total:8.0f} us/story  store (outside analyse) {total - analysed:7.0f} us/story  "
              f"x{total / results[0][1]:.2f} (store x{(total - analysed) / results[0][2]:.2f}) of N={sizes[0]:,}"
              f"  [{len(stories)} stories, {alerts} alerts; filled in {filled:.0f} s]")
    last = results[-1]
    print(f"  per-story cost at N={last[0]:,} / N={sizes[0]:,}: {last[1] / results[0][1]:.2f} "
          f"(store part {last[2] / results[0][2]:.2f}); goal: flat, <= 1.25  "
          f"{'OK' if last[1] / results[0][1] <= 1.25 else 'MISSED'}")
    with rolled_back(store):
        statements = recorded_statements(store, lambda: [process_story(store, gazetteer, s, now=s.published)
                                                         for s in batch(END, names)])
    bad = 0
    print(f"  query plans at N={last[0]:,} ({len(statements)} statements):")
    for shape, lines in plans(store, statements):
        missing = walks_history(lines, postgres=not isinstance(store, SQLiteStore))
        bad += bool(missing)
        print(f"    {'WALKS   ' if missing else 'indexed '}  {shape[:150]}")
        for line in missing:
            print(f"               {line.strip()}")
    print(f"  statements that walk a table or a site's whole history: {bad}")


def postgres_url() -> str | None:
    import psycopg

    url = "postgresql://postgres@127.0.0.1:5432/test"
    try:
        psycopg.connect(url, connect_timeout=2).close()
    except psycopg.Error:
        return None
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,500000")
    parser.add_argument("--postgres-sizes", default=None, help="default: --sizes")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    sites = load_config(ROOT / "config.yaml").site_records()
    gazetteer = Gazetteer(sites + generated_sites(SITES - len(sites)))
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-store-scale-") as folder:
        store = SQLiteStore(Path(folder) / "store.sqlite")
        try:
            if not args.no_sqlite:
                run("SQLite (file, WAL)", store, gazetteer, sizes, args.repeat, args.seed)
        finally:
            store.close()
    url = None if args.no_postgres else postgres_url()
    if url is None:
        print("\nPostgreSQL: skipped (" + ("--no-postgres" if args.no_postgres else "nothing answers at "
                                           "127.0.0.1:5432") + ")")
        return
    from psycopg import connect, sql

    from bot.store.postgres import PostgresStore

    schema = f"bench_store_scale_{int(time.time())}"
    pg_sizes = [int(size) for size in (args.postgres_sizes or args.sizes).split(",")]
    try:
        pg = PostgresStore(url, schema=schema)
        try:
            run(f"PostgreSQL (schema {schema})", pg, gazetteer, pg_sizes, args.repeat, args.seed)
        finally:
            pg.close()
    finally:
        with connect(url, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


if __name__ == "__main__":
    main()
