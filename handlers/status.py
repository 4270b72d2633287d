"""/status: the feeds and their health, the outbox, uptime. Times are relative to the `now` passed in."""

from __future__ import annotations

from datetime import datetime

from bot.store.base import FeedHealth, Store
from handlers.answers import Answer, paginate, safe_text

COLOUR_OK = 0x2ECC71
COLOUR_FAILING = 0xF1C40F
COLOUR_FLAGGED = 0xC0392B
ERROR_LIMIT = 120
_UNITS = (("d", 86_400), ("h", 3_600), ("min", 60), ("s", 1))


def _in_units(seconds: float) -> list[tuple[int, str]]:
    """93,780 s -> [(1, "d"), (2, "h"), (3, "min"), (0, "s")]."""
    left = max(int(seconds), 0)
    counts = []
    for unit, size in _UNITS:
        count, left = divmod(left, size)
        counts.append((count, unit))
    return counts


def duration(seconds: float) -> str:
    """A span in its two largest units: "3 d 4 h", "2 h 5 min", "12 min", "40 s"."""
    counts = _in_units(seconds)
    first = next((i for i, (count, _) in enumerate(counts) if count), len(counts) - 1)
    return " ".join(f"{count} {unit}" for count, unit in counts[first:first + 2] if count) or "0 s"


def ago(moment: datetime | None, now: datetime) -> str:
    """"3 min ago", "2 h ago", "just now", "never"; a moment after `now` is "in 5 min"."""
    if moment is None:
        return "never"
    seconds = (now - moment).total_seconds()
    if abs(seconds) < 60:
        return "just now"
    span = _largest_unit(abs(seconds))
    return f"{span} ago" if seconds > 0 else f"in {span}"


def _largest_unit(seconds: float) -> str:
    count, unit = next((c, u) for c, u in _in_units(seconds) if c or u == "s")
    return f"{count} {unit}"


def health(feed: FeedHealth) -> str:
    """not polled yet, ok, failing N times, or flagged (failing long enough to be announced)."""
    times = f"{feed.consecutive_failures} time" + ("s" if feed.consecutive_failures != 1 else "")
    if feed.flagged:
        return f"🚩 flagged, failing {times}"
    if feed.consecutive_failures:
        return f"⚠️ failing {times}"
    return "✅ ok" if feed.last_poll is not None else "⏳ not polled yet"


def _history(feed: FeedHealth, now: datetime) -> str:
    """When it was polled and when it last worked: only what is known."""
    if feed.last_poll is None:
        return ""
    success = f"last success {ago(feed.last_success, now)}" if feed.last_success else "never succeeded"
    return f" · polled {ago(feed.last_poll, now)} · {success}"


def status(store: Store, *, now: datetime, started_at: datetime, sites_count: int) -> Answer:
    """SiteWatch's health: the feeds, the alerts waiting to be sent, uptime."""
    feeds = store.feeds()
    failing = sum(1 for feed in feeds if feed.consecutive_failures and not feed.flagged)
    flagged = sum(1 for feed in feeds if feed.flagged)
    unpolled = sum(1 for feed in feeds if feed.last_poll is None)
    waiting = store.outbox_depth()
    lines = [f"**Up** {duration((now - started_at).total_seconds())} · {sites_count} sites · "
             f"outbox {waiting} waiting",
             f"**Feeds** {len(feeds)}: {len(feeds) - failing - flagged - unpolled} ok, {failing} failing, "
             f"{flagged} flagged" + (f", {unpolled} not polled yet" if unpolled else ""),
             ""]
    # The feeds that need looking at first.
    for feed in sorted(feeds, key=lambda f: (not f.flagged, -f.consecutive_failures, (f.name or f.url).lower())):
        line = f"**{safe_text(feed.name or feed.url, 80)}** · {health(feed)}{_history(feed, now)}"
        if feed.consecutive_failures and feed.last_error:
            line += f"\n> {safe_text(feed.last_error, ERROR_LIMIT)}"
        lines.append(line)
    if not feeds:
        lines.append("No feeds: add some to config.yaml or with /feeds add.")
    colour = COLOUR_FLAGGED if flagged else COLOUR_FAILING if failing else COLOUR_OK
    return Answer("SiteWatch status", paginate(lines, per_page=20), ephemeral=True, colour=colour)
