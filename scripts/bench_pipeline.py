"""Stories per second through the whole pipeline (clean -> match -> dedupe -> incidents -> SQLite), with the
default 20-odd tracked sites and with 5,000.

    python scripts/bench_pipeline.py [--rounds N]

The 5,000-site watchlist is the real one plus generated sites with transliteration-like names, so the
gazetteer's index holds many near-collisions. Target: with 5,000 sites at least half the speed with 20.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import load_config  # noqa: E402
from bot.matcher.sites import Gazetteer  # noqa: E402
from bot.models import Site, Story  # noqa: E402
from bot.processing import process_story  # noqa: E402
from bot.replay import feed_files, read_feed_file  # noqa: E402
from bot.store.sqlite import SQLiteStore  # noqa: E402

_ONSETS = ["b", "d", "f", "gh", "h", "j", "k", "kh", "l", "m", "n", "q", "r", "s", "sh", "t", "w", "y", "z"]
_VOWELS = ["a", "i", "u", "aa", "ee", "ai", "ou"]
_KINDS = ["Air Base", "airport", "oil field", "gas field", "camp", "garrison", "embassy", "base", ""]


def generated_sites(count: int, seed: int = 7) -> list[Site]:
    rng = random.Random(seed)
    sites = []
    for index in range(count):
        words = ["".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.randint(2, 3))).title()
                 for _ in range(rng.randint(1, 2))]
        article = rng.choice(["", "", "Al-", "Ain "])
        name = f"{article}{' '.join(words)} {rng.choice(_KINDS)}".strip()
        sites.append(Site(f"gen-{index}", name, (), "IQ", 33.0, 44.0, "Asia/Baghdad"))
    return sites


def corpus_stories() -> list[Story]:
    paths = [ROOT / "tests" / "corpus", ROOT / "tests" / "fixtures" / "scenario", ROOT.parent / "shared" / "examples"]
    stories: list[Story] = []
    for path in feed_files(str(p) for p in paths if p.exists()):
        if path.suffix == ".xml":
            stories.extend(read_feed_file(path))
    return sorted(stories, key=lambda s: s.published)


def stories_per_second(gazetteer: Gazetteer, stories: list[Story], rounds: int) -> float:
    started = time.perf_counter()
    total = 0
    for round_number in range(rounds):
        store = SQLiteStore(":memory:")
        for story in stories:
            # a fresh key each round, so nothing is skipped as already seen
            fresh = replace(story, key=f"{story.key}#{round_number}")
            process_story(store, gazetteer, fresh, now=story.published)
            total += 1
        store.close()
    return total / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    real = load_config(ROOT / "config.yaml").site_records()
    stories = corpus_stories()
    small = real[:20]
    large = real + generated_sites(5000 - len(real))
    build_started = time.perf_counter()
    large_gazetteer = Gazetteer(large)
    build_seconds = time.perf_counter() - build_started
    small_gazetteer = Gazetteer(small)
    stories_per_second(small_gazetteer, stories[:20], 1)  # warm-up: imports, regex compilation
    fast = stories_per_second(small_gazetteer, stories, args.rounds)
    slow = stories_per_second(large_gazetteer, stories, args.rounds)
    print(f"stories: {len(stories)} x {args.rounds} rounds")
    print(f"20 sites:    {fast:8.1f} stories/s")
    print(f"5,000 sites: {slow:8.1f} stories/s  ({slow / fast:.0%} of the 20-site speed; target >= 50%)")
    print(f"gazetteer build for 5,000 sites: {build_seconds * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
