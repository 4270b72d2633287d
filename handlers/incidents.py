"""/recent and /incident: incidents as the store holds them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

from bot.chat.alert_view import COLOUR_KILLED, COLOUR_NO_TOLL, COLOUR_WOUNDED
from bot.errors import CommandError
from bot.models import IncidentFacts, Site
from bot.store.base import Store, StoredIncident
from handlers.answers import Answer, clip, incident_line, link, paginate, safe_text
from handlers.sites import find_site

MAX_DAYS = 365
# /recent over a year of a busy region: more than this is better narrowed to one site.
RECENT_LIMIT = 500
SOURCE_TITLE_LIMIT = 150


def recent(store: Store, sites: Sequence[Site], *, site_query: str | None = None, days: int = 7,
           today: date) -> Answer:
    """Incidents of the last days, newest first, at one site or all."""
    if not 1 <= days <= MAX_DAYS:
        raise CommandError(f"Days must be between 1 and {MAX_DAYS}.")
    site = find_site(sites, site_query) if site_query and site_query.strip() else None
    since = today - timedelta(days=days - 1)  # today is one of the days
    found = [stored for stored in store.recent_incidents(since, site_id=site.id if site else None,
                                                         limit=RECENT_LIMIT + 1)
             if _within(stored, since)]
    where = f" at {safe_text(site.name)}" if site else ""
    period = (f"in the last {days} days (since {since.isoformat()})" if days > 1
              else f"today ({today.isoformat()})")
    if not found:
        return Answer(clip(f"No incidents{where} {period}", 256), ("Nothing reported.",))
    by_id = {s.id: s for s in sites}
    entries = [_entry(stored, by_id) for stored in found[:RECENT_LIMIT]]
    if len(found) > RECENT_LIMIT:
        entries.append(f"… and more: only the newest {RECENT_LIMIT} are listed; name a site to narrow it down.")
    count = f"{RECENT_LIMIT}+" if len(found) > RECENT_LIMIT else str(len(found))
    noun = "incident" if len(found) == 1 else "incidents"
    return Answer(clip(f"{count} {noun}{where} {period}", 256), paginate(entries, per_page=10))


def incident(store: Store, sites: Sequence[Site], incident_id: int) -> Answer:
    """One incident: every fact and every source."""
    stored = store.incident(incident_id) if incident_id > 0 else None
    if stored is None:
        raise CommandError(f"No incident #{incident_id}.")
    facts = stored.facts
    site = {s.id: s for s in sites}.get(facts.site_id)
    lines = [
        f"**Incident** #{stored.id}",
        f"**Site:** {_site_name(facts.site_id, site)} (`{facts.site_id}`)",
        f"**Date:** {_day(facts)}" + (f" (local day, {site.timezone})" if site and facts.day else ""),
        f"**Weapons:** {', '.join(facts.weapons) or 'not stated'}",
        f"**Killed:** {_figure(facts.killed)} · **Wounded:** {_figure(facts.wounded)}",
    ]
    if facts.claim:
        lines.append(f"**Claimed by:** {safe_text(facts.claim, 300)}")
    lines.append(f"**First reported:** {_utc(stored.created_at)} · **last updated:** {_utc(stored.updated_at)}")
    if facts.summary:
        lines += ["", safe_text(facts.summary, 1500)]
    lines += ["", f"**Sources** ({len(facts.sources)})"]
    lines += [f"{number}. " + link(f"{source.feed}: {source.title}", source.url, SOURCE_TITLE_LIMIT)
              for number, source in enumerate(facts.sources, start=1)]
    title = safe_text(facts.title, 200) or f"Incident #{stored.id}"
    return Answer(title, paginate(lines, per_page=30), colour=_colour(facts))


def _within(stored: StoredIncident, since: date) -> bool:
    """The store lists undated incidents whatever `since`: keep those first reported in the period."""
    return stored.facts.day is not None or stored.created_at.astimezone(UTC).date() >= since


def _entry(stored: StoredIncident, sites: Mapping[str, Site]) -> str:
    facts = stored.facts
    head = incident_line(stored.id, facts, _site_name(facts.site_id, sites.get(facts.site_id)))
    title = safe_text(facts.title, 200)
    return f"{head}\n{title}" if title else head


def _site_name(site_id: str, site: Site | None) -> str:
    """A site removed since keeps its id."""
    return safe_text(site.name) if site else f"`{site_id}` (no longer tracked)"


def _day(facts: IncidentFacts) -> str:
    return facts.day.isoformat() if facts.day else "date unknown"


def _figure(count: int | None) -> str:
    return "not stated" if count is None else str(count)


def _utc(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _colour(facts: IncidentFacts) -> int:
    """The alert's colours: deaths red, wounded orange, otherwise amber."""
    if facts.killed:
        return COLOUR_KILLED
    return COLOUR_WOUNDED if facts.wounded else COLOUR_NO_TOLL
