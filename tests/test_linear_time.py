"""Every text step takes time in proportion to its input: ten times the input may take at most about ten
times as long (the bound leaves room for noise, not for a quadratic step, which would take a hundred).

No timeouts: each step runs on an input of size n and of size 10n, and the two best-of-several times are
compared, so a slow or busy machine scales both alike.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from bot.matcher.pipeline import analyse, incident_facts
from bot.matcher.sites import Gazetteer
from bot.matcher.stories import clean_text, split_sentences
from bot.matcher.summary import incident_summary
from bot.matcher.tokens import tokenize
from bot.models import Report, Site, Source
from tests.conftest import make_story

T = TypeVar("T")
# Linear steps measure 8-11x on a quiet machine, up to ~19x while other programs compete for the two cores;
# a quadratic one measures 50-100x.
MOST_GROWTH = 20
SITE = Site("ain-al-asad", "Ain al-Asad Air Base", (), "IQ", 33.8, 42.4, "Asia/Baghdad")
ATTACK = ("<p>Rockets struck Ain al-Asad air base and the U.S. embassy in Baghdad on Friday, wounding two. "
          "No group claimed the attack.</p>")


def best_time(step: Callable[[], object], repeats: int = 5) -> float:
    """The fastest of several runs, without the garbage collector: its pauses grow with every object alive,
    which is the test's own input, not the step's work."""
    times = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeats):
            started = time.perf_counter()
            step()
            times.append(time.perf_counter() - started)
    finally:
        gc.enable()
    return min(times)


def growth(step: Callable[[T], object], input_of_size: Callable[[int], T], n: int) -> float:
    """How many times longer the step takes on an input ten times the size (inputs built untimed). Another
    program busy on the machine can slow one measurement: the lowest of up to five is kept, which a linear
    step gets under the bound and a quadratic one, ten times above it, never does."""
    small, large = input_of_size(n), input_of_size(10 * n)
    step(large)  # warm caches and imports before either is timed
    ratios = []
    for _ in range(5):
        ratios.append(best_time(lambda: step(large), repeats=3) / best_time(lambda: step(small)))
        if min(ratios) < MOST_GROWTH:
            break
    return min(ratios)


def many_reports(count: int) -> list[Report]:
    start = datetime(2021, 3, 5, 12, tzinfo=UTC)
    return [Report(n + 1, start + timedelta(minutes=n), Source(f"https://news{n}.example/a", f"News {n}", "Rockets"),
                   date(2021, 3, 5), n % 2 == 0, ("rocket",), None, 2 if n % 7 == 0 else None, None,
                   (f"Rockets struck Ain al-Asad air base on Friday, outlet {n} said.",
                    f"Officials gave no further detail in statement {n}."), n % 3 == 0)
            for n in range(count)]


def test_sentence_splitting_of_many_abbreviations_is_linear() -> None:
    assert growth(split_sentences, lambda n: "U.S. " * n, 4_000) < MOST_GROWTH


def test_sentence_splitting_of_a_run_of_periods_is_linear() -> None:
    assert growth(split_sentences, lambda n: "." * n + "x The end.", 100_000) < MOST_GROWTH


def test_mending_lines_broken_after_abbreviations_is_linear() -> None:
    assert growth(clean_text, lambda n: "U.S.\n" * n, 1_000) < MOST_GROWTH


def test_html_cleaning_of_deep_nesting_is_linear() -> None:
    assert growth(clean_text, lambda n: "<div>" * n + "Rockets hit the base." + "</div>" * n, 1_000) < MOST_GROWTH


def test_tokenizing_is_linear() -> None:
    assert growth(tokenize, lambda n: "U.S. troops at Ain al-Asad, 3 rockets. " * n, 1_000) < MOST_GROWTH


def test_analysing_a_long_story_is_linear(gazetteer: Gazetteer) -> None:
    assert growth(lambda story: analyse(story, gazetteer), lambda n: make_story(ATTACK * n), 20) < MOST_GROWTH


def test_summarising_an_incident_with_many_reports_is_linear() -> None:
    assert growth(incident_summary, many_reports, 1_000) < MOST_GROWTH


def test_the_facts_of_an_incident_with_many_reports_take_linear_time() -> None:
    assert growth(lambda reports: incident_facts(SITE, reports), many_reports, 1_000) < MOST_GROWTH
