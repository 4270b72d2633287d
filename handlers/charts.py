"""A PNG timeline of incidents per week, drawn in memory with matplotlib."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

import matplotlib

matplotlib.use("Agg")  # no screen: render to bytes

from matplotlib import pyplot as plt


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_counts(days: Sequence[date], *, last_week: date, weeks: int = 26) -> list[tuple[date, int]]:
    """Incidents per week (Monday first) for the `weeks` weeks ending with `last_week`, zeros included."""
    counts = Counter(week_start(d) for d in days)
    end = week_start(last_week)
    return [(end - timedelta(weeks=n), counts.get(end - timedelta(weeks=n), 0)) for n in range(weeks - 1, -1, -1)]


def weekly_chart(title: str, days: Sequence[date], *, today: date, weeks: int = 26) -> bytes:
    series = weekly_counts(days, last_week=max([today, *days]) if days else today, weeks=weeks)
    figure, axes = plt.subplots(figsize=(8, 3), dpi=100)
    try:
        axes.bar([w for w, _ in series], [c for _, c in series], width=5, color="#c0392b")
        axes.set_title(title, fontsize=11)
        axes.set_ylabel("incidents per week")
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.grid(axis="y", alpha=0.3)
        figure.autofmt_xdate()
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)
