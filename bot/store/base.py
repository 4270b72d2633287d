"""The Store interface: SQLite (bot/store/sqlite.py) and PostgreSQL (bot/store/postgres.py) implement it."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.matcher.dedupe import Candidate
from bot.matcher.pipeline import StoryAnalysis
from bot.matcher.reconcile import IncidentOutcome, StoredStory
from bot.models import IncidentFacts, IncidentState, Site, Story

HEARTBEATS_KEPT = timedelta(days=7)  # a process gone longer than this is forgotten (one row per process)


def story_digest(story: Story) -> str:
    """What the matcher's verdict on an entry rests on and `seen` compares: its title and text. Stored with the
    story, so that an entry read again unchanged is known before it is analysed."""
    return hashlib.sha1(f"{story.title}\x00{story.text}".encode("utf-8", "surrogatepass")).hexdigest()


class StoreConflict(Exception):
    """A transaction undone because another worker's write crossed it (a deadlock between two workers'
    locks): doing the same again, from what the other wrote, succeeds."""


@dataclass(frozen=True, slots=True)
class StoredIncident:
    id: int
    facts: IncidentFacts
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class FoundStory:
    id: int
    title: str
    url: str
    feed: str
    published: datetime
    snippet: str


@dataclass(frozen=True, slots=True)
class FeedHealth:
    url: str
    name: str | None
    etag: str | None
    last_modified: str | None
    last_poll: datetime | None
    last_success: datetime | None
    last_error: str | None
    consecutive_failures: int
    next_poll: datetime | None
    flagged: bool  # failing long enough to be shown in /status and announced once
    added_by_command: bool
    listed_url: str | None = None  # the URL it was listed by, when a permanent redirect moved it


@dataclass(frozen=True, slots=True)
class PendingAlert:
    incident_id: int
    outbox_ids: tuple[int, ...]  # every unsent row of the incident: one send covers them all
    facts: IncidentFacts  # the newest
    attempts: int
    is_new: bool


@dataclass(frozen=True, slots=True)
class PostedMessage:
    incident_id: int
    channel_id: int
    message_id: int | None  # None: the post was attempted with this nonce but not confirmed
    nonce: str


class Store(Protocol):
    def seen(self, story: Story, words: Sequence[str]) -> bool:
        """Has exactly this entry (feed, key, same text) been processed already?"""
        ...

    def stored_digest(self, story: Story) -> str | None:
        """The story_digest of the stored version of this entry (feed, key): None when none is stored, "" when
        it was stored before digests were kept."""
        ...

    def transaction(self, site_ids: Sequence[str] = ()) -> AbstractContextManager[None]:
        """One story's reads and writes, isolated from every other writer; at least every writer deciding
        about one of these sites (the sites the story names) waits for it."""
        ...

    def story_id(self, story: Story) -> int | None:
        ...

    def story_sites(self, story_id: int) -> tuple[str, ...]:
        ...

    def save_story(self, analysis: StoryAnalysis, copy_of: int | None) -> int:
        ...

    def set_copy_of(self, story_id: int, original_id: int | None) -> None:
        ...

    def attack_originals(self, site_ids: Sequence[str], first: datetime, last: datetime) -> list[Candidate]:
        ...

    def stories_without_attacks(self, site_ids: Sequence[str], first: datetime, last: datetime) -> list[Candidate]:
        ...

    def retell_stories(self, site_ids: Sequence[str], first: date, last: date,
                       also: Sequence[int] = ()) -> list[StoredStory]:
        ...

    def newest_told(self, site_ids: Sequence[str], first: date, last: date) -> tuple[datetime, str, str] | None:
        ...

    def incidents_reported_by(self, story_ids: Sequence[int], site_ids: Sequence[str]) -> list[IncidentState]:
        ...

    def incidents_between(self, site_ids: Sequence[str], first: date, last: date) -> list[IncidentState]:
        ...

    def apply_outcomes(self, outcomes: Sequence[IncidentOutcome], copy_of: Mapping[int, int | None],
                       now: datetime, *, quiet: bool = False) -> list[tuple[int, IncidentOutcome]]:
        """Write the incidents, their reports and the alerts they cause (unless quiet)."""
        ...

    def entry_digests(self, url: str) -> frozenset[str]:
        ...

    def remember_entries(self, url: str, digests: Sequence[str]) -> None:
        ...

    def pending_alerts(self, now: datetime, limit: int = 50) -> list[PendingAlert]:
        ...

    def claim_alerts(self, worker: str, now: datetime, *, lease_seconds: float, limit: int = 50) -> list[PendingAlert]:
        """The pending alerts of incidents no other live worker is sending, leased to `worker` for
        lease_seconds: a claimed incident is not sent by another worker until the lease ends or is released.
        One process per database (SQLite): the pending alerts."""
        ...

    def renew_alert_claims(self, worker: str, incident_ids: Sequence[int], *, lease_seconds: float) -> set[int]:
        """Extend this worker's leases on these incidents for lease_seconds from now: the ids it still holds
        (a lease that ran out and was claimed by another worker is lost). One process per database: all."""
        ...

    def release_alerts(self, worker: str, incident_ids: Sequence[int]) -> None:
        """End this worker's leases on these incidents' delivery (sent, deferred or left for later)."""
        ...

    def mark_sent(self, outbox_ids: Sequence[int], now: datetime) -> None:
        ...

    def defer(self, outbox_ids: Sequence[int], *, error: str, retry_at: datetime) -> None:
        ...

    def park(self, outbox_ids: Sequence[int], *, error: str, now: datetime) -> None:
        """Stop retrying these alerts: Discord refuses them for good. They stay in the outbox, marked."""
        ...

    def parked_alerts(self) -> int:
        ...

    def queue_notice(self, text: str, now: datetime) -> None:
        """A message for the admins (a feed failing for long), posted by whichever process delivers."""
        ...

    def take_notices(self, now: datetime, limit: int = 20) -> list[tuple[int, str]]:
        """The oldest waiting notices (id, text), taken at once: no other process takes them too."""
        ...

    def return_notices(self, notice_ids: Sequence[int]) -> None:
        """Notices taken but not posted (the sink failed): waiting again."""
        ...

    def message_for(self, incident_id: int, channel_id: int) -> PostedMessage | None:
        ...

    def remember_message(self, message: PostedMessage) -> None:
        ...

    def incident(self, incident_id: int) -> StoredIncident | None:
        ...

    def recent_incidents(self, since_day: date, site_id: str | None = None, limit: int = 50) -> list[StoredIncident]:
        ...

    def incident_days(self, site_id: str) -> list[date]:
        ...

    def search_stories(self, words: str, limit: int = 10) -> list[FoundStory]:
        ...

    def outbox_depth(self) -> int:
        ...

    def beat(self, name: str, now: datetime) -> None:
        """Record that the named work ran now (a heartbeat); beats a week old are forgotten."""
        ...

    def last_beat(self, prefix: str) -> datetime | None:
        """The newest heartbeat of any name starting with `prefix`."""
        ...

    def feeds(self) -> list[FeedHealth]:
        ...

    def feed(self, url: str) -> FeedHealth | None:
        ...

    def ensure_feed(self, url: str, name: str | None, *, added_by_command: bool = False) -> None:
        ...

    def remove_feed(self, url: str) -> bool:
        ...

    def claim_due_feeds(self, worker: str, now: datetime, *, lease_seconds: float, limit: int | None,
                        every: bool = False) -> list[FeedHealth]:
        """Due feeds (with `every`, all) that no other live worker holds, at most `limit`, leased to `worker`
        for lease_seconds; record_poll ends the lease. One process per database (SQLite): the due feeds."""
        ...

    def renew_feed_leases(self, worker: str, urls: Sequence[str], *, lease_seconds: float) -> None:
        """Extend this worker's leases on feeds it is still polling."""
        ...

    def release_feeds(self, worker: str, urls: Sequence[str]) -> None:
        """End this worker's leases on feeds it will not poll after all (it is stopping): due for anyone now."""
        ...

    def take_lease(self, name: str, holder: str, *, lease_seconds: float) -> str | None:
        """Take or renew the named lease (the Discord gateway) unless another holder's is still running:
        None when `holder` has it now, else who holds it."""
        ...

    def drop_lease(self, name: str, holder: str) -> None:
        ...

    def record_poll(self, url: str, *, now: datetime, next_poll: datetime, ok: bool, error: str | None = None,
                    etag: str | None = None, last_modified: str | None = None, new_url: str | None = None,
                    flagged: bool | None = None, worker: str | None = None) -> bool:
        """Record a poll's outcome and end `worker`'s lease on the feed. False, recording nothing, when another
        worker holds the feed now: this one's lease ended mid-poll and the feed was taken over; the newer
        holder's poll is the one recorded. worker None: recorded whoever holds the feed."""
        ...

    def add_site(self, site: Site, *, by: str, now: datetime) -> None:
        ...

    def remove_site(self, site_id: str, *, by: str, now: datetime) -> None:
        ...

    def forget_site_changes(self, site_ids: Sequence[str]) -> list[str]:
        ...

    def tracked_sites(self, configured: Sequence[Site]) -> list[Site]:
        ...

    def close(self) -> None:
        ...
