"""Offline replay: archived feed files through the whole pipeline, in publish order, as if live.

The output is a contract (users backtest watchlists with it): one JSON object per line per alert.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.errors import FeedError
from bot.feeds import parse_feed
from bot.models import Alert, Site, Story
from bot.processing import process_story
from bot.sites import Gazetteer
from bot.store.sqlite import SQLiteStore

MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReplaySummary:
    files: int
    unreadable: int
    stories: int
    alerts: int


def feed_files(paths: Iterable[str]) -> Iterator[Path]:
    """Files named, and every file under folders named, in a stable order."""
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for file in sorted(files):
                    if not file.startswith("."):
                        yield Path(root) / file
        else:
            yield path


def load_stories(paths: Iterable[str], errors: TextIO) -> tuple[list[Story], int, int]:
    stories: list[Story] = []
    files = unreadable = 0
    for path in feed_files(paths):
        files += 1
        try:
            stories.extend(read_feed_file(path))
        except FeedError as error:
            unreadable += 1
            print(f"sitewatch: skipped {error}", file=errors)
    # Publish order, as they would have arrived; ties keep file order.
    stories.sort(key=lambda story: story.published)
    return stories, files, unreadable


def read_feed_file(path: Path) -> tuple[Story, ...]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FeedError(f"{path}: too large for a feed ({size} bytes)")
        data = path.read_bytes()
    except OSError as error:
        raise FeedError(f"{path}: cannot read: {error.strerror or error}") from error
    mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return parse_feed(data, str(path), fallback_time=mtime).stories


def replay(paths: Iterable[str], sites: Iterable[Site], out: TextIO, errors: TextIO, *,
           as_json: bool) -> ReplaySummary:
    gazetteer = Gazetteer(sites)
    stories, files, unreadable = load_stories(paths, errors)
    store = SQLiteStore(":memory:")
    alerts = 0
    try:
        for story in stories:
            for alert in process_story(store, gazetteer, story, now=story.published):
                alerts += 1
                out.write((alert_json(alert) if as_json else alert_text(alert)) + "\n")
    finally:
        store.close()
    return ReplaySummary(files, unreadable, len(stories), alerts)


def alert_record(alert: Alert) -> dict[str, object]:
    facts = alert.facts
    return {
        "action": alert.action,
        "incident": alert.incident_id,
        "site": facts.site_id,
        "date": facts.day.isoformat() if facts.day else None,
        "weapons": list(facts.weapons),
        "killed": facts.killed,
        "wounded": facts.wounded,
        "title": facts.title,
        "summary": facts.summary,
        "sources": [{"url": s.url, "feed": s.feed, "title": s.title} for s in facts.sources],
    }


def alert_json(alert: Alert) -> str:
    return json.dumps(alert_record(alert), ensure_ascii=False)


def alert_text(alert: Alert) -> str:
    facts = alert.facts
    head = "NEW" if alert.action == "new" else "UPDATED"
    lines = [f"[{head}] #{alert.incident_id} {facts.title}"]
    if facts.claim:
        lines.append(f"  Claimed by: {facts.claim}")
    if facts.summary:
        lines.append(f"  {facts.summary}")
    for number, source in enumerate(facts.sources, start=1):
        lines.append(f"  {number}. {source.feed}: {source.title} <{source.url}>")
    return "\n".join(lines)


def main_replay(config_path: str, paths: list[str], *, as_json: bool) -> int:
    from bot.config import load_config

    config = load_config(config_path)
    summary = replay(paths, config.site_records(), sys.stdout, sys.stderr, as_json=as_json)
    print(f"sitewatch: replayed {summary.stories} stories from {summary.files} files "
          f"({summary.unreadable} unreadable): {summary.alerts} alerts", file=sys.stderr)
    return 0 if summary.files > summary.unreadable else 1  # nothing was read: the paths are wrong
