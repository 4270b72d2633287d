"""The /site chart: incidents per week as a PNG, drawn in memory (matplotlib's Agg canvas, no screen, no pyplot
state shared between commands)."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import MO, DateFormatter, MonthLocator, WeekdayLocator
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# A year at most: 52 bars still read at 800 px. At least a quarter, so one incident is not one fat bar.
MAX_WEEKS = 52
MIN_WEEKS = 13
# An incident's day is the site's local day, which can be a day ahead of the UTC `today` passed in.
LOCAL_DAY_AHEAD = timedelta(days=1)
SIZE_INCHES = (8, 3)
DPI = 100  # 800 x 300 pixels
BAR_COLOUR = "#c0392b"


def week_start(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def chart_window(days: Sequence[date], *, today: date) -> tuple[date, int]:
    """(first Monday, number of weeks) to chart: from the first incident's week to this week, within bounds.
    A site quiet for longer than the window gets the window up to its last incident instead of a flat line."""
    end = week_start(max([today, *(d for d in days if d <= today + LOCAL_DAY_AHEAD)]))
    if days and week_start(max(days)) <= end - timedelta(weeks=MAX_WEEKS):
        end = week_start(max(days))
    first = week_start(min(days)) if days else end
    weeks = min(max((end - first).days // 7 + 1, MIN_WEEKS), MAX_WEEKS)
    return end - timedelta(weeks=weeks - 1), weeks


def weekly_counts(days: Sequence[date], *, today: date) -> list[tuple[date, int]]:
    """(Monday, incidents that week) for every week of the chart window, weeks without incidents as 0."""
    first, weeks = chart_window(days, today=today)
    counts = Counter(week_start(day) for day in days)
    return [(first + timedelta(weeks=n), counts.get(first + timedelta(weeks=n), 0)) for n in range(weeks)]


def weekly_chart(title: str, days: Sequence[date], *, today: date) -> bytes:
    """A bar chart of incidents per week, as PNG bytes."""
    series = weekly_counts(days, today=today)
    weeks = [monday for monday, _ in series]
    counts = [count for _, count in series]
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    bars = axes.bar(weeks, counts, width=5, align="edge", color=BAR_COLOUR)
    axes.bar_label(bars, labels=[str(c) if c else "" for c in counts], fontsize=9, padding=2)
    axes.set_title(title, fontsize=12)
    axes.set_ylabel("incidents", fontsize=10)
    axes.set_xlabel(f"week starting Monday · {weeks[0]:%d %b %Y} to {weeks[-1]:%d %b %Y}", fontsize=9)
    axes.set_ylim(0, max([*counts, 1]) * 1.25)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    axes.xaxis.set_major_locator(MonthLocator())
    # Month names alone over half a year: the x label carries the years.
    axes.xaxis.set_major_formatter(DateFormatter("%b" if len(series) > 26 else "%d %b"))
    axes.xaxis.set_minor_locator(WeekdayLocator(byweekday=MO))  # a tick per week: the empty weeks show
    axes.set_xlim(weeks[0] - timedelta(days=3), weeks[-1] + timedelta(days=8))
    axes.tick_params(labelsize=9)
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
