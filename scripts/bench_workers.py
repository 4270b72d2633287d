"""Many workers on PostgreSQL (issue 10): poller processes over 2,000 feeds served on 127.0.0.1, one of them
killed with SIGKILL every few seconds (and replaced), and two delivery workers printing alerts to their
console; what they stored is counted against a single-process replay of the same documents.

    python scripts/bench_workers.py [--feeds 2000] [--pollers 4] [--kill-every 3] [--latency 0.005]
                                    [--database postgresql://postgres@127.0.0.1:5432/test]

Prints the wall time until every feed was polled and every alert delivered, the feeds fetched more than once
(and how many of them a killed poller held when it died: only those may be), the incidents against the
replay's, and the alerts printed per incident.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.local_feeds import LocalFeeds  # noqa: E402
from tests.postgres_probe import find_postgres  # noqa: E402
from tests.worker_feeds import ATTACKS, feed_documents  # noqa: E402
from tests.workers_harness import (  # noqa: E402
    config_file,
    create_schema,
    drop_schema,
    every_feed_polled,
    new_alerts_per_incident,
    query,
    replayed_incidents,
    start_worker,
    stop_workers,
    stored_incidents,
)


def outbox_empty(database: str) -> bool:
    rows = query(database, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND parked_at IS NULL")
    return bool(rows) and rows[0][0] == 0


async def run(args: argparse.Namespace, url: str, folder: Path) -> int:
    schema = f"sitewatch_bench_workers_{os.getpid()}"
    database = create_schema(url, schema)
    documents = feed_documents(args.feeds)
    log = folder / "workers.log"
    rng = random.Random(7)
    killed_held: set[str] = set()
    kills = 0
    try:
        async with LocalFeeds() as server:
            urls = [server.serve(path, body, delay=args.latency) for path, body in documents.items()]
            config = config_file(folder, urls)
            started = time.perf_counter()
            pollers = [start_worker("poller", config, database, log, lease=args.lease)
                       for _ in range(args.pollers)]
            delivery = [start_worker("delivery", config, database, log, out_to=folder / f"alerts-{n}.txt")
                        for n in range(2)]
            everyone = pollers + delivery
            polled = every_feed_polled(database, len(urls))
            next_kill = time.perf_counter() + args.kill_every
            try:
                while not (polled() and outbox_empty(database)):
                    if time.perf_counter() > started + args.timeout:
                        print(f"timed out after {args.timeout:.0f} s; log: {log}")
                        return 1
                    if args.kill_every and time.perf_counter() >= next_kill and not polled():
                        victim = rng.choice([p for p in pollers if p.poll() is None])
                        victim.send_signal(signal.SIGKILL)
                        victim.wait()
                        # Its leases outlive it (until they end): what it held when it died.
                        held = query(database, "SELECT url FROM feeds WHERE lease_holder LIKE %s",
                                     (f"%:{victim.pid}",))
                        killed_held.update(path for (path,) in held)
                        kills += 1
                        replacement = start_worker("poller", config, database, log, lease=args.lease)
                        pollers.append(replacement)
                        everyone.append(replacement)
                        next_kill = time.perf_counter() + args.kill_every
                    await asyncio.sleep(0.2)
                elapsed = time.perf_counter() - started
                await asyncio.sleep(4)  # a last delivery tick: nothing more may be printed
            finally:
                stop_workers(everyone)
        hits = server.hits
        printed = Counter()
        for n in range(2):
            for line in (folder / f"alerts-{n}.txt").read_text(encoding="utf-8").splitlines():
                if line.startswith("[NEW]"):
                    printed["new"] += 1
        twice = {path for path, count in hits.items() if count > 1}
        held_paths = {held.split(str(server.port), 1)[-1] for held in killed_held}
        incidents = stored_incidents(database)
        replayed = replayed_incidents(documents, folder / "files")
        news = new_alerts_per_incident(database)
        print(f"feeds {len(urls)}, pollers {args.pollers} (+{kills} replacements after SIGKILL every "
              f"{args.kill_every:g} s), 2 delivery workers, latency {args.latency * 1000:g} ms per answer")
        print(f"every feed polled and every alert delivered in {elapsed:.1f} s")
        print(f"feeds never fetched: {len(set(documents) - set(hits))}; fetched more than once: {len(twice)} "
              f"(of them held by a killed poller: {len(twice & held_paths)}; not held: {len(twice - held_paths)})")
        print(f"incidents: {len(incidents)} stored, {len(replayed)} in the replay, {len(ATTACKS)} attacks; "
              f"same as the replay: {incidents == replayed}")
        print(f"'new' alerts queued per incident: {sorted(Counter(news).items())}; "
              f"[NEW] lines printed by the delivery workers: {printed['new']}")
        ok = (incidents == replayed and not (twice - held_paths) and news == [1] * len(incidents)
              and printed["new"] == len(incidents) and set(hits) == set(documents))
        print("OK" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        drop_schema(url, schema)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--pollers", type=int, default=4)
    parser.add_argument("--kill-every", type=float, default=3.0, help="seconds; 0: kill none")
    parser.add_argument("--lease", type=float, default=3.0, help="a poller's lease on a feed, seconds")
    parser.add_argument("--latency", type=float, default=0.005, help="each feed answer's delay, seconds")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--database", help="a PostgreSQL server URL (default: the local one)")
    args = parser.parse_args()
    url = args.database
    if url is None:
        url, reason = find_postgres()
        if url is None:
            print(f"SKIPPED: {reason}")
            return 1
    with tempfile.TemporaryDirectory() as folder:
        return asyncio.run(run(args, url, Path(folder)))


if __name__ == "__main__":
    sys.exit(main())
