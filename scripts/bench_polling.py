"""One poll cycle over 1,000 feeds served on 127.0.0.1 (90% answer 304), and the delay from the poll that
sees a new attack to its post (console sink).

    python scripts/bench_polling.py [--feeds 1000] [--trace-memory]

Prints wall time of the cycle, timed without tracemalloc (which slows it ~4x), the process's peak resident
memory, and the poll-to-post delay. --trace-memory runs the cycle under tracemalloc for its peak Python memory
(the time printed then is inflated).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.chat.delivery import ConsoleSink  # noqa: E402
from bot.config import parse_config  # noqa: E402
from bot.service import Service, run_service  # noqa: E402
from bot.store.sqlite import SQLiteStore  # noqa: E402
from tests.local_feeds import LocalFeeds  # noqa: E402

SITES = (ROOT / "config.yaml").read_text(encoding="utf-8").split("\nfeeds:")[0]
NOW = datetime(2021, 3, 6, tzinfo=UTC)


def quiet_feed(number: int, entries: int = 20) -> bytes:
    items = "".join(
        f"<item><title>Market report {number}-{i}</title><link>https://n{number}.example/{i}</link>"
        f"<pubDate>Wed, 03 Mar 2021 0{i % 10}:00:00 +0000</pubDate><description>Oil prices rose on Wednesday as "
        f"traders weighed supply; the ministry said exports from Basra would resume.</description></item>"
        for i in range(entries))
    head = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {number}</title>'
    return f"{head}{items}</channel></rss>".encode()


ATTACK = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Flash</title><item><title>Rockets hit Ain '
          b'al-Asad air base</title><link>https://flash.example/1</link><pubDate>Fri, 05 Mar 2021 22:00:00 +0000'
          b'</pubDate><description>Three rockets struck Ain al-Asad air base late on Friday, wounding one '
          b'contractor, officials said.</description></item></channel></rss>')


async def main_async(count: int, trace_memory: bool) -> None:
    posted_at: list[float] = []

    def record(line: str) -> None:
        if line.startswith("[NEW]"):
            posted_at.append(time.perf_counter())

    async with LocalFeeds() as feeds:
        urls = [feeds.serve(f"/f{n}.xml", quiet_feed(n)) for n in range(count)]
        feed_lines = "".join(f"  - {{url: '{u}'}}\n" for u in urls)
        config = parse_config(f"{SITES}\nfeeds:\n{feed_lines}allow_private_feeds: true\nbacklog_hours: 200000\n")
        service = Service(config, SQLiteStore(), ConsoleSink(record), console=True, clock=lambda: NOW)
        await run_service(service, once=True)  # first cycle: every feed answers 200 and is stored
        for n in range(0, count, 10):  # 10% change; 90% will answer 304
            feeds.serve(f"/f{n}.xml", quiet_feed(n, entries=21))
        # Timed without tracemalloc (it slows Python ~4x); memory measured on a second, identical cycle.
        service.store.connection.execute("UPDATE feeds SET next_poll = NULL")
        if trace_memory:
            tracemalloc.start()
        started = time.perf_counter()
        await run_service(service, once=True)
        seconds = time.perf_counter() - started
        if trace_memory:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            memory = f"peak traced memory {peak / 2**20:.1f} MiB (time inflated by tracemalloc)"
        else:
            memory = f"process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
        statuses = [f.consecutive_failures for f in service.store.feeds()]
        print(f"poll cycle over {count} feeds on 127.0.0.1 (90% 304): {seconds:.2f} s, {memory}, "
              f"failures {sum(1 for s in statuses if s)}")

        feeds.serve("/f1.xml", ATTACK)
        service.store.connection.execute("UPDATE feeds SET next_poll = NULL")
        started = time.perf_counter()
        await run_service(service, once=True)
        if posted_at:
            print(f"delay from the poll that sees a new attack to its post: {posted_at[-1] - started:.2f} s "
                  f"(the whole cycle over {count} feeds included)")
        else:
            print("the new attack was not posted")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--trace-memory", action="store_true", help="peak Python memory; inflates the time")
    args = parser.parse_args()
    asyncio.run(main_async(args.feeds, args.trace_memory))
    return 0


if __name__ == "__main__":
    sys.exit(main())
