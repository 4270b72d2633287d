"""/recent and /incident."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from bot.errors import CommandError
from bot.models import IncidentFacts, Site
from bot.store.sqlite import SQLiteStore
from bot.summary import toll_text
from handlers.answers import Answer, paginate, safe_text
from handlers.sites import find_site


def incident_line(incident_id: int, facts: IncidentFacts, sites: dict[str, Site]) -> str:
    site = sites.get(facts.site_id)
    name = site.name if site else facts.site_id
    when = facts.day.isoformat() if facts.day else "date unknown"
    toll = toll_text(facts.killed, facts.wounded) or "toll not stated"
    weapons = ", ".join(facts.weapons) or "weapon not stated"
    return f"**#{incident_id}** {when} · {safe_text(name)} · {weapons} · {toll} · {len(facts.sources)} sources"


def recent(store: SQLiteStore, sites: Sequence[Site], *, today: date, site_query: str | None = None,
           days: int = 7) -> Answer:
    """Incidents of the last days, newest first, for one site or all."""
    if not 1 <= days <= 365:
        raise CommandError("Days must be between 1 and 365.")
    site = find_site(sites, site_query) if site_query else None
    found = store.recent_incidents(today - timedelta(days=days), site_id=site.id if site else None, limit=200)
    by_id = {s.id: s for s in sites}
    where = f" at {site.name}" if site else ""
    if not found:
        return Answer(f"No incidents{where} in the last {days} days", ("Nothing reported.",))
    lines = [incident_line(i.id, i.facts, by_id) for i in found]
    return Answer(f"{len(found)} incidents{where} in the last {days} days", paginate(lines))


def incident(store: SQLiteStore, sites: Sequence[Site], incident_id: int) -> Answer:
    """One incident with every source."""
    stored = store.incident(incident_id)
    if stored is None:
        raise CommandError(f"No incident #{incident_id}.")
    facts = stored.facts
    by_id = {s.id: s for s in sites}
    lines = [incident_line(incident_id, facts, by_id)]
    if facts.claim:
        lines.append(f"Claimed by: {safe_text(facts.claim)}")
    lines += ["", safe_text(facts.summary), "", "**Sources**"]
    lines += [f"{n}. [{safe_text(s.feed)}: {safe_text(s.title)[:150]}]({s.url})" if s.url else
              f"{n}. {safe_text(s.feed)}: {safe_text(s.title)}" for n, s in enumerate(facts.sources, start=1)]
    return Answer(safe_text(facts.title), paginate(lines, per_page=25))
