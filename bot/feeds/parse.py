"""Feed bytes -> stories. feedparser reads RSS, Atom and RDF; this picks the full body and the publish time."""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from bot.errors import FeedError
from bot.matcher.stories import clean_text, clean_title
from bot.models import Story

# feedparser resolves relative links and sanitises HTML; it must never reach the network for us.
feedparser.RESOLVE_RELATIVE_URIS = True


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    stories: tuple[Story, ...]
    skipped: int  # entries without a title or body
    warning: str | None  # what feedparser tolerated ("bozo"), for the log
    # A hash of every entry as the feed gave it (its id, link, title, body and dates), before any cleaning.
    entry_digests: tuple[str, ...] = ()
    unchanged: int = 0  # entries the caller knew already: neither cleaned nor made into stories


def parse_feed(data: bytes, source: str, *, fallback_time: datetime | None = None,
               is_known: Callable[[str], bool] | None = None) -> ParsedFeed:
    """Parse one feed document. Raises FeedError when it is not a feed at all. An entry whose digest
    `is_known` accepts is skipped before its text is cleaned: a poll re-reads only entries that changed."""
    try:
        # Neither feedparser's HTML sanitiser nor its link resolution: clean_text makes text of the HTML itself
        # (dropping scripts, styles and iframes whole, where the sanitiser kept a script's code as text), and
        # the entry's own link is never rewritten by either. Without them feedparser reads the bench_mix feeds
        # ~10% faster (158 -> 142 us an entry); over feedparser's own test suite (2,249 files) only 11 hostile
        # files read differently, none a real story (scripts/replay_feedparser_suite.py: 511 -> 510 stories,
        # the one lost a lone "<!'").
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    except Exception as error:  # feedparser's own bugs on hostile input must not stop a replay
        raise FeedError(f"{source}: unreadable feed: {type(error).__name__}: {error}") from error
    problem = _describe(parsed.get("bozo_exception")) if parsed.get("bozo") else None
    if not parsed.get("version") and not parsed.entries:
        raise FeedError(f"{source}: not a feed ({problem or 'no RSS, Atom or RDF document found'})")
    feed_title = clean_title(str(parsed.feed.get("title") or "")) or source
    feed_time = _struct_time(parsed.feed.get("updated_parsed") or parsed.feed.get("published_parsed"))
    stories: list[Story] = []
    digests: list[str] = []
    skipped = unchanged = 0
    for entry in parsed.entries:
        fields = _EntryFields.of(entry)  # read once: a feedparser entry's get() maps its keys at every call
        digest = fields.digest()
        digests.append(digest)
        if is_known is not None and is_known(digest):
            unchanged += 1
            continue
        story = fields.story(feed_title, feed_time or fallback_time)
        if story is None:
            skipped += 1
        else:
            stories.append(story)
    return ParsedFeed(feed_title, tuple(stories), skipped, problem, tuple(digests), unchanged)


@dataclass(frozen=True, slots=True)
class _EntryFields:
    """What an entry gives a story, as the feed gave it."""

    id: str
    link: str
    title: str
    body_html: str
    time: Any  # a time.struct_time, or None

    @classmethod
    def of(cls, entry: Any) -> _EntryFields:
        return cls(str(entry.get("id") or ""), str(entry.get("link") or ""), str(entry.get("title") or ""),
                   _body_html(entry), _entry_time(entry))

    def digest(self) -> str:
        parts = [self.id, self.link, self.title, self.body_html, repr(tuple(self.time or ()))]
        return hashlib.sha1("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def story(self, feed_title: str, fallback_time: datetime | None) -> Story | None:
        title = clean_title(self.title)
        body = clean_text(self.body_html)
        if not title and not body:
            return None
        published = _struct_time(self.time) or fallback_time
        if published is None:
            return None
        key = self.id or self.link or "sha1:" + hashlib.sha1(f"{title}\n{body}".encode()).hexdigest()
        return Story(key=key, url=self.link, feed=feed_title, title=title, text=body, published=published)


def entry_digest(entry: Any) -> str:
    """What makes an entry this entry: its id and link, and everything story_from_entry reads."""
    return _EntryFields.of(entry).digest()


def story_from_entry(entry: Any, feed_title: str, fallback_time: datetime | None) -> Story | None:
    return _EntryFields.of(entry).story(feed_title, fallback_time)


def _entry_time(entry: Any) -> Any:
    return entry.get("published_parsed") or entry.get("updated_parsed") or entry.get("created_parsed")


def _body_html(entry: Any) -> str:
    """The fullest body the entry carries: content:encoded / Atom content, else the description."""
    contents = [str(c.get("value") or "") for c in entry.get("content") or [] if isinstance(c, dict)]
    candidates = [*contents, str(entry.get("summary") or entry.get("description") or "")]
    return max(candidates, key=len)


# A publish time outside these years is a feed's error (year 1, year 9999), not news: it is treated as
# missing, so day arithmetic around it can never leave the calendar.
EARLIEST_PUBLISHED = datetime(1990, 1, 1, tzinfo=UTC)
LATEST_PUBLISHED = datetime(2200, 1, 1, tzinfo=UTC)


def _struct_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, TypeError, OSError):
        return None
    return moment if EARLIEST_PUBLISHED <= moment < LATEST_PUBLISHED else None


def _describe(error: Any) -> str:
    text = str(error).strip().splitlines()[0] if error else "malformed"
    return f"{type(error).__name__}: {text}" if error else text
