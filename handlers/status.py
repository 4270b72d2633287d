"""/status: feeds and their health, the outbox, uptime."""

from __future__ import annotations

from datetime import datetime

from bot.store.sqlite import SQLiteStore
from handlers.answers import Answer, paginate, safe_text


def ago(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never"
    seconds = int((now - moment).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{max(seconds, 0)} s ago"


def status(store: SQLiteStore, *, now: datetime, started_at: datetime, sites_count: int) -> Answer:
    """The bot's health: feeds, outbox and uptime."""
    feeds = store.feeds()
    failing = [f for f in feeds if f.consecutive_failures]
    lines = [f"Up since {ago(started_at, now).replace(' ago', '')} · {sites_count} sites · {len(feeds)} feeds "
             f"({len(failing)} failing) · outbox {store.outbox_depth()} waiting", ""]
    for feed in sorted(feeds, key=lambda f: (-f.consecutive_failures, f.url)):
        health = "🚩 flagged" if feed.flagged else f"failing ×{feed.consecutive_failures}" \
            if feed.consecutive_failures else "ok"
        line = (f"**{safe_text(feed.name or feed.url)}** · {health} · polled {ago(feed.last_poll, now)} · "
                f"last success {ago(feed.last_success, now)}")
        if feed.last_error:
            line += f" · {safe_text(feed.last_error)[:120]}"
        lines.append(line)
    return Answer("SiteWatch status", paginate(lines, per_page=20), ephemeral=True)
