"""The /site chart: incidents per week, empty weeks included, as an 800 x 300 PNG."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from handlers.charts import MAX_WEEKS, MIN_WEEKS, weekly_chart, weekly_counts
from tests.handlers.conftest import PNG_SIGNATURE, png_size

TODAY = date(2021, 7, 9)  # a Friday


def test_every_week_is_counted_and_empty_weeks_are_zero() -> None:
    days = [date(2021, 3, 3), date(2021, 7, 5), date(2021, 7, 7)]
    series = weekly_counts(days, today=TODAY)
    mondays = [monday for monday, _ in series]
    assert all(monday.weekday() == 0 for monday in mondays)
    assert all(b - a == timedelta(weeks=1) for a, b in pairwise(mondays))
    assert mondays[0] == date(2021, 3, 1) and mondays[-1] == date(2021, 7, 5)
    counts = dict(series)
    assert counts[date(2021, 3, 1)] == 1 and counts[date(2021, 7, 5)] == 2
    assert sum(counts.values()) == 3 and list(counts.values()).count(0) == len(series) - 2


def test_the_window_is_at_least_a_quarter_and_at_most_a_year() -> None:
    assert len(weekly_counts([TODAY], today=TODAY)) == MIN_WEEKS
    assert len(weekly_counts([], today=TODAY)) == MIN_WEEKS
    old_and_new = [TODAY - timedelta(days=900), TODAY]
    series = weekly_counts(old_and_new, today=TODAY)
    assert len(series) == MAX_WEEKS and sum(count for _, count in series) == 1


def test_a_site_quiet_for_over_a_year_charts_the_year_up_to_its_last_incident() -> None:
    series = weekly_counts([date(2021, 3, 3), date(2021, 7, 7)], today=date(2026, 11, 25))
    assert series[-1] == (date(2021, 7, 5), 1)
    assert len(series) == 19 and sum(count for _, count in series) == 2


def test_a_local_day_ahead_of_utc_today_is_still_charted() -> None:
    sunday = date(2021, 7, 11)
    series = weekly_counts([sunday + timedelta(days=1)], today=sunday)  # Monday already, east of UTC
    assert series[-1] == (date(2021, 7, 12), 1)


def test_the_chart_is_an_800_by_300_png() -> None:
    png = weekly_chart("Ain al-Asad Air Base: incidents per week", [date(2021, 3, 3), date(2021, 7, 7)], today=TODAY)
    assert png.startswith(PNG_SIGNATURE)
    assert png_size(png) == (800, 300)
