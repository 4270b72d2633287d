"""The hostile inputs that used to stall the event loop, timed at a given scale.

    python scripts/bench_stalls.py [--scale 1.0] [--only NAME]

At scale 1 the sizes are those of issue 8: 100 KB of "U.S. " (sentence splitting), 20,000 nested <div>
(HTML cleaning), 1,000 entries naming one site (matching and incident summaries), a 6,000-character
/search. Prints one line per case: its size and wall time.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import load_config  # noqa: E402
from bot.errors import CommandError  # noqa: E402
from bot.matcher.sites import Gazetteer  # noqa: E402
from bot.matcher.stories import clean_text, split_sentences  # noqa: E402
from bot.models import Story  # noqa: E402
from bot.processing import process_story  # noqa: E402
from bot.store.sqlite import SQLiteStore  # noqa: E402
from handlers.search import search  # noqa: E402

NOW = datetime(2021, 3, 6, tzinfo=UTC)


def abbreviations(scale: float) -> tuple[str, Callable[[], object]]:
    text = "U.S. " * int(20_000 * scale)
    return f"split_sentences of {len(text):,} chars of 'U.S. '", lambda: split_sentences(text)


def nested_divs(scale: float) -> tuple[str, Callable[[], object]]:
    depth = int(20_000 * scale)
    html = "<div>" * depth + "Rockets hit the base." + "</div>" * depth
    return f"clean_text of {depth:,} nested <div>", lambda: clean_text(html)


def one_site_entries(scale: float) -> tuple[str, Callable[[], object]]:
    count = int(1_000 * scale)
    gazetteer = Gazetteer(load_config(str(ROOT / "config.yaml")).site_records())
    stories = [Story(f"k{n}", f"https://wire.example/{n}", "Wire", f"Rockets hit Ain al-Asad air base, report {n}",
                     f"Three rockets struck Ain al-Asad air base on Friday, officials said in statement number {n}. "
                     f"The base hosts U.S. troops.", NOW - timedelta(hours=12) + timedelta(seconds=n))
               for n in range(count)]

    def run() -> object:
        store = SQLiteStore()
        return [process_story(store, gazetteer, story, NOW) for story in stories]
    return f"process_story of {count:,} entries naming one site", run


def long_search(scale: float) -> tuple[str, Callable[[], object]]:
    store = SQLiteStore()
    gazetteer = Gazetteer(load_config(str(ROOT / "config.yaml")).site_records())
    for n in range(200):
        text = f"Rockets struck Ain al-Asad air base on Friday, report {n} by analyst {n * 7919 % 1000}."
        process_story(store, gazetteer, Story(f"s{n}", f"https://x.example/{n}", "Wire", f"Rockets hit Ain al-Asad {n}",
                                              text, NOW), NOW)
    words = " ".join(f"{n % 10}{chr(97 + n % 26)}" for n in range(int(2_000 * scale)))[:int(6_000 * scale)]

    def run() -> object:
        with contextlib.suppress(CommandError):  # refused: what a member sees; the store's cap is timed below
            search(store, words)
        return store.search_stories(words, limit=25)
    return f"/search and the store's search of {len(words):,} characters", run


CASES = {"abbreviations": abbreviations, "nested_divs": nested_divs, "one_site_entries": one_site_entries,
         "long_search": long_search}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only", choices=sorted(CASES))
    args = parser.parse_args()
    for name, case in CASES.items():
        if args.only and name != args.only:
            continue
        label, run = case(args.scale)
        started = time.perf_counter()
        run()
        print(f"{label}: {time.perf_counter() - started:.2f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
