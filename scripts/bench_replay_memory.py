"""Replay's peak memory against the number of stories replayed: it should not grow with them.

    python scripts/bench_replay_memory.py [--sizes 10000,50000,100000] [--arrival publish] [--seed S] [--jobs N]
                                          [--explain]

For each size, the realistic mix of scripts/bench_mix.py (93% news naming no site, 2% naming a site, 5%
attack reports and their copies) is written as RSS files, then replayed by `replay` in a fresh Python process
of its own, which reports its peak resident memory (VmHWM), the largest peak of its worker processes (with
--jobs above 1: they read and analyse the files) and its time per story. The goal (issue 10): replay memory
flat in the number of stories, so the peak at the largest size over the smallest stays near 1, in the replay
process and in each worker.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def peak_rss_kb() -> int:
    """The process's peak resident memory (VmHWM), in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def replay_in_this_process(folder: str, arrival: str, jobs: int, explain: bool) -> None:
    """The child's side: replay the folder, print one JSON line with the figures."""
    from bot.config import load_config
    from bot.replay import Arrival, replay

    sites = load_config(ROOT / "config.yaml").site_records()
    before = peak_rss_kb()
    out = io.StringIO()
    started = time.perf_counter()
    summary = replay([folder], sites, out, io.StringIO(), as_json=True, arrival=Arrival.parse(arrival), jobs=jobs,
                     explain=explain)
    seconds = time.perf_counter() - started
    workers_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest reaped worker's, in kB
    print(json.dumps({"stories": summary.stories, "alerts": summary.alerts, "seconds": seconds,
                      "peak_kb": peak_rss_kb(), "imports_kb": before, "workers_kb": workers_kb,
                      "output_chars": len(out.getvalue())}))


def measure(size: int, seed: int, arrival: str, jobs: int, explain: bool) -> dict[str, float]:
    from bench_mix import generate_mix, write_feeds

    with tempfile.TemporaryDirectory(prefix="bench-replay-memory-") as folder:
        write_feeds(generate_mix(size, seed), Path(folder))
        child = subprocess.run([sys.executable, __file__, "--child", folder, "--arrival", arrival,
                                "--jobs", str(jobs), *(["--explain"] if explain else [])],
                               capture_output=True, text=True, check=True)
    return json.loads(child.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--arrival", default="publish")
    parser.add_argument("--jobs", type=int, default=None, help="replay's worker processes (default: one per CPU)")
    parser.add_argument("--explain", action="store_true", help="replay with --explain (its evidence per alert)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    from bot.replay import available_cpus

    jobs = args.jobs or available_cpus()
    if args.child:
        replay_in_this_process(args.child, args.arrival, jobs, args.explain)
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    results = [measure(size, args.seed, args.arrival, jobs, args.explain) for size in sizes]
    smallest = results[0]["peak_kb"]
    print(f"replay peak memory (VmHWM, one process per size; arrival {args.arrival}; --jobs {jobs}):")
    for size, result in zip(sizes, results, strict=True):
        workers = f"  largest worker {result['workers_kb'] / 1024:6.1f} MB" if jobs > 1 else ""
        print(f"  {size:>8,} stories  peak {result['peak_kb'] / 1024:7.1f} MB "
              f"(imports {result['imports_kb'] / 1024:.1f} MB)  x{result['peak_kb'] / smallest:.2f} of {sizes[0]:,}"
              f"{workers}  {result['seconds'] * 1e6 / result['stories']:6.0f} us/story  {result['alerts']:,} alerts")
    ratio = results[-1]["peak_kb"] / smallest
    print(f"peak at {sizes[-1]:,} / peak at {sizes[0]:,}: {ratio:.2f} (goal: flat, <= 1.25)  "
          f"{'OK' if ratio <= 1.25 else 'MISSED'}")
    if jobs > 1:
        workers = results[-1]["workers_kb"] / max(results[0]["workers_kb"], 1)
        print(f"largest worker at {sizes[-1]:,} / at {sizes[0]:,}: {workers:.2f} (goal: flat, <= 1.25)  "
              f"{'OK' if workers <= 1.25 else 'MISSED'}")


if __name__ == "__main__":
    main()
