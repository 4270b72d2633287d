"""Config loading time for large watchlists: 10,000 and 50,000 generated sites, in block and flow style.

    python scripts/bench_config.py [--sites 10000 50000]

Prints, per size, the best of --repeat runs: the seconds to parse and validate the file, and the time per
1,000 sites: loading is linear when the last column stays flat as the size grows.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import parse_config  # noqa: E402

ZONES = ("Asia/Baghdad", "Asia/Damascus", "Asia/Amman", "Asia/Riyadh", "UTC")


def watchlist(count: int) -> str:
    """A config of `count` distinct sites, with feeds and site routes, as a large deployment writes it."""
    lines = ["sites:"]
    for number in range(count):
        lines.append(f"  - {{id: site-{number}, name: Site number {number}, aliases: [Alias {number}], "
                     f"country: IQ, lat: {number % 90}.5, lon: {number % 180}.25, timezone: {ZONES[number % 5]}}}")
    lines.append("feeds:")
    lines += [f"  - {{url: 'https://news{number}.example/rss', interval: 10}}" for number in range(count // 100)]
    lines.append("discord:\n  alert_channel_id: 1\n  site_channels:")
    lines += [f"    site-{number}: {number + 2}" for number in range(0, count, 10)]
    return "\n".join(lines) + "\n"


def _timed_load(text: str, count: int) -> float:
    started = time.perf_counter()
    config = parse_config(text, "bench.yaml")
    elapsed = time.perf_counter() - started
    assert len(config.sites) == count
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (the machine may be busy)")
    args = parser.parse_args()
    print(f"{'sites':>8} {'seconds':>8} {'ms/1000 sites':>14}")
    for count in args.sites:
        text = watchlist(count)
        elapsed = min(_timed_load(text, count) for _ in range(args.repeat))
        print(f"{count:>8} {elapsed:>8.2f} {elapsed * 1e6 / count:>14.1f}")


if __name__ == "__main__":
    main()
