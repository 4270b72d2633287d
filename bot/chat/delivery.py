"""The outbox -> Discord (or the console), exactly once.

Alerts are recorded in the outbox in the same transaction as the incident change (bot/store). Delivery
then sends them: one message per incident and channel, edited for every later change. Before a post the
nonce is recorded; the post carries it with enforce_nonce, so a retry after a crash returns Discord's first
message instead of a second one. When the nonce window has passed, the sink looks for its own earlier
post (the incident id is in the footer) before posting again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from bot.chat.alert_view import AlertView, has_casualties, render_alert, view_as_text, without_links
from bot.config import DiscordConfig
from bot.models import Site
from bot.store.base import PendingAlert, PostedMessage, Store

log = logging.getLogger("sitewatch.delivery")

CONSOLE_CHANNEL = 0
# Retry a failing delivery after 5 s, doubling up to 5 minutes: an hour-long outage costs a few dozen tries.
RETRY_FIRST_SECONDS = 5.0
RETRY_MAX_SECONDS = 300.0
# A delivery worker's claim on the incidents it sends: long enough for a batch through Discord's rate limits.
DELIVERY_LEASE_SECONDS = 120.0


class DeliveryUnavailable(Exception):
    """The destination failed in a way worth retrying later (5xx, 429, connection lost)."""


class MessageGone(Exception):
    """The message to edit no longer exists (deleted by a moderator): post a new one."""


class DeliveryRejected(Exception):
    """Discord refused the request itself (a 4xx other than 429): sending it again unchanged cannot help."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(f"Discord answered {status}: {text}")
        self.status = status


# A refusal of the channel (no access, missing permission, unknown channel) may be fixed by an admin: it is
# retried with the usual backoff, but parked after this many tries (about two hours at the 5-minute cap).
CHANNEL_REFUSED_STATUSES = frozenset({401, 403, 404})
PARK_AFTER_ATTEMPTS = 30


@dataclass(frozen=True, slots=True)
class Outgoing:
    channel_id: int
    incident_id: int
    view: AlertView
    mention_role_id: int | None


class AlertSink(Protocol):
    async def post(self, outgoing: Outgoing, nonce: str) -> int:
        """Post a new message; return its id. Raises DeliveryUnavailable."""
        ...

    async def edit(self, outgoing: Outgoing, message_id: int) -> None:
        """Replace the message's content. Raises DeliveryUnavailable or MessageGone."""
        ...

    async def find_posted(self, channel_id: int, incident_id: int) -> int | None:
        """The id of an earlier post of this incident in the channel, if the sink can tell."""
        ...

    async def announce(self, text: str) -> None:
        """A message for the admins (a feed failing for long)."""
        ...


def channels_for(site: Site, config: DiscordConfig) -> list[int]:
    """Where an incident at this site is posted: its site route, else its country route, else the default."""
    if site.id in config.site_channels:
        return [config.site_channels[site.id]]
    if site.country in config.country_channels:
        return [config.country_channels[site.country]]
    return [config.alert_channel_id] if config.alert_channel_id else []


def nonce_for(incident_id: int, channel_id: int) -> str:
    """Deterministic and at most 25 characters, as Discord requires."""
    return f"sw{incident_id}c{channel_id % 10**12}"[:25]


async def deliver_pending(store: Store, sink: AlertSink, sites: Mapping[str, Site], config: DiscordConfig,
                          *, now: datetime, channels: list[int] | None = None, worker: str = "local",
                          lease_seconds: float = DELIVERY_LEASE_SECONDS) -> int:
    """Send what the outbox holds, oldest incident first. Stops at the first failure (Discord is down or
    limiting us): everything left is retried later, in order. Returns how many incidents were delivered.
    Delivery workers sharing a store each claim the incidents they send: none is sent by two at once, and a
    dead worker's claims end with their lease. The claims are renewed before each incident is sent: a batch
    slowed down by Discord keeps them, and an incident whose claim was lost anyway is left to its new holder."""
    claimed = store.claim_alerts(worker, now, lease_seconds=lease_seconds)
    try:
        return await _send_claimed(store, sink, sites, config, claimed, now=now, channels=channels,
                                   claim=Claim(worker, lease_seconds))
    finally:
        store.release_alerts(worker, [pending.incident_id for pending in claimed])


@dataclass(frozen=True, slots=True)
class Claim:
    worker: str
    lease_seconds: float


async def _send_claimed(store: Store, sink: AlertSink, sites: Mapping[str, Site], config: DiscordConfig,
                        claimed: list[PendingAlert], *, now: datetime, channels: list[int] | None,
                        claim: Claim) -> int:
    delivered = 0
    for number, pending in enumerate(claimed):
        still_held = store.renew_alert_claims(claim.worker, [p.incident_id for p in claimed[number:]],
                                              lease_seconds=claim.lease_seconds)
        if pending.incident_id not in still_held:
            # Its lease ran out while the batch waited on Discord and another worker claimed it: that one sends.
            log.warning("event=delivery_claim_lost incident=%s worker=%s", pending.incident_id, claim.worker)
            continue
        site = sites.get(pending.facts.site_id) or Site(pending.facts.site_id, pending.facts.site_id, (), "??",
                                                         0.0, 0.0)
        targets = channels if channels is not None else channels_for(site, config)
        if not targets:
            # Never marked sent unseen: it waits for a route (a channel in config.yaml, then a restart).
            _defer(store, pending, now, "no channel for this site: set discord.alert_channel_id, "
                                        f"site_channels[{site.id}] or country_channels[{site.country}]")
            continue
        try:
            for channel_id in targets:
                await _deliver_one(store, sink, pending, site, channel_id, config)
        except DeliveryUnavailable as error:
            _defer(store, pending, now, str(error))
            break
        except DeliveryRejected as error:
            if error.status in CHANNEL_REFUSED_STATUSES and pending.attempts + 1 < PARK_AFTER_ATTEMPTS:
                _defer(store, pending, now, str(error))
                break
            store.park(pending.outbox_ids, error=str(error)[:300], now=now)
            log.error("event=alert_parked incident=%s attempts=%s error=%r", pending.incident_id,
                      pending.attempts + 1, str(error)[:200])
            continue
        store.mark_sent(pending.outbox_ids, now)
        delivered += 1
    return delivered


class NoticeBackoff:
    """When a process tries the admins' notices again after the sink was unavailable: 5 s, doubling up to 5
    minutes, as alerts are retried (delivery runs every few seconds: a Discord outage must not be asked the same
    notice a thousand times an hour). Kept in the process: after a restart the first try comes at once."""

    def __init__(self) -> None:
        self.failures = 0
        self.next_try: datetime | None = None

    def ready(self, now: datetime) -> bool:
        return self.next_try is None or now >= self.next_try

    def failed(self, now: datetime) -> float:
        """Record a failed try; the seconds until the next."""
        delay = min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** self.failures)
        self.failures += 1
        self.next_try = now + timedelta(seconds=delay)
        return delay

    def succeeded(self) -> None:
        self.failures = 0
        self.next_try = None


async def deliver_notices(store: Store, sink: AlertSink, *, now: datetime, backoff: NoticeBackoff | None = None) -> int:
    """Post the admins' notices that pollers queued (a feed failing for long), each once: taken from the store
    before it is posted, put back when the sink is unavailable (a crash in between loses that one notice; the
    failing feed stays flagged in /status and logged), and not tried again before `backoff` says. Returns how many
    were posted."""
    if backoff is not None and not backoff.ready(now):
        return 0
    taken = store.take_notices(now)
    for number, (notice_id, text) in enumerate(taken):
        try:
            await sink.announce(text)
        except DeliveryUnavailable as error:
            store.return_notices([waiting for waiting, _ in taken[number:]])
            delay = backoff.failed(now) if backoff is not None else 0.0
            log.warning("event=notice_deferred notice=%s retry_in=%.0fs error=%r", notice_id, delay,
                        str(error)[:200])
            return number
        except DeliveryRejected as error:  # the admin channel refuses it: sending it again cannot help
            log.error("event=notice_dropped notice=%s error=%r", notice_id, str(error)[:200])
    if backoff is not None and taken:
        backoff.succeeded()
    return len(taken)


def _defer(store: Store, pending: PendingAlert, now: datetime, error: str) -> None:
    delay = min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** pending.attempts)
    store.defer(pending.outbox_ids, error=error[:300], retry_at=now + timedelta(seconds=delay))
    log.warning("event=delivery_deferred incident=%s attempts=%s retry_in=%.0fs error=%r",
                pending.incident_id, pending.attempts + 1, delay, error[:200])


async def _deliver_one(store: Store, sink: AlertSink, pending: PendingAlert, site: Site, channel_id: int,
                       config: DiscordConfig) -> None:
    known = store.message_for(pending.incident_id, channel_id)
    mention = config.casualty_role_id if has_casualties(pending.facts) and pending.facts.status == "active" \
        else None
    if known and known.message_id:
        outgoing = Outgoing(channel_id, pending.incident_id,
                            render_alert(pending.incident_id, pending.facts, site, updated=True), mention)
        try:
            try:
                await sink.edit(outgoing, known.message_id)
            except DeliveryRejected as error:
                if error.status in CHANNEL_REFUSED_STATUSES:
                    raise
                log.warning("event=alert_refused incident=%s channel=%s error=%r retry=without_links",
                            pending.incident_id, channel_id, str(error)[:200])
                await sink.edit(replace(outgoing, view=without_links(outgoing.view)), known.message_id)
            log.info("event=alert_edited incident=%s channel=%s message=%s", pending.incident_id, channel_id,
                     known.message_id)
            return
        except MessageGone:
            log.warning("event=alert_message_gone incident=%s channel=%s", pending.incident_id, channel_id)
    outgoing = Outgoing(channel_id, pending.incident_id,
                        render_alert(pending.incident_id, pending.facts, site, updated=not pending.is_new),
                        mention)
    nonce = known.nonce if known else nonce_for(pending.incident_id, channel_id)
    if known and known.message_id is None:
        # A post was attempted and not confirmed: look before posting again.
        found = await sink.find_posted(channel_id, pending.incident_id)
        if found is not None:
            store.remember_message(PostedMessage(pending.incident_id, channel_id, found, nonce))
            await sink.edit(outgoing, found)
            return
    store.remember_message(PostedMessage(pending.incident_id, channel_id, None, nonce))
    try:
        message_id = await sink.post(outgoing, nonce)
    except DeliveryRejected as error:
        if error.status in CHANNEL_REFUSED_STATUSES:
            raise
        # Something from the feeds made Discord refuse the embed: send the alert without feed links.
        log.warning("event=alert_refused incident=%s channel=%s error=%r retry=without_links",
                    pending.incident_id, channel_id, str(error)[:200])
        message_id = await sink.post(replace(outgoing, view=without_links(outgoing.view)), nonce)
    store.remember_message(PostedMessage(pending.incident_id, channel_id, message_id, nonce))
    log.info("event=alert_posted incident=%s channel=%s message=%s", pending.incident_id, channel_id, message_id)


class ConsoleSink:
    """Dry run: alerts are printed, never sent. Message ids are counted so edits print as updates."""

    def __init__(self, write: object = print) -> None:
        self._write = write
        self._next_id = 1

    async def post(self, outgoing: Outgoing, nonce: str) -> int:
        message_id = self._next_id
        self._next_id += 1
        self._emit("NEW", outgoing)
        return message_id

    async def edit(self, outgoing: Outgoing, message_id: int) -> None:
        self._emit("UPDATED", outgoing)

    async def find_posted(self, channel_id: int, incident_id: int) -> int | None:
        return None

    async def announce(self, text: str) -> None:
        self._write(f"[ADMIN] {text}")  # type: ignore[operator]

    def _emit(self, head: str, outgoing: Outgoing) -> None:
        self._write(f"[{head}] {view_as_text(outgoing.view)}\n")  # type: ignore[operator]
