"""/site, /sites and site autocomplete: fuzzy lookup whatever the spelling."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rapidfuzz import fuzz, process

from bot.errors import CommandError
from bot.models import Site
from bot.store.sqlite import SQLiteStore
from bot.tokens import fold, spelling, tokenize
from handlers.answers import Answer, paginate, safe_text
from handlers.charts import weekly_chart

# WRatio on folded names: "ain asad" scores 90+ against "Ain al-Asad Air Base"; unrelated names stay under 60.
MATCH_SCORE = 70
AUTOCOMPLETE_LIMIT = 25  # Discord shows at most 25 choices


def _key(text: str) -> str:
    return " ".join(spelling(t.norm) for t in tokenize(text) if t.norm not in ("al", "el", "the"))


def _choices(sites: Sequence[Site]) -> dict[int, str]:
    keys: dict[int, str] = {}
    for index, site in enumerate(sites):
        keys[index] = " | ".join(_key(name) for name in (site.name, *site.aliases, site.id.replace("-", " ")))
    return keys


def find_site(sites: Sequence[Site], query: str) -> Site:
    """The tracked site a person means: an id, a name, an alias or a misspelling of one."""
    query = query.strip()
    for site in sites:
        if query == site.id or fold(query) == fold(site.name):
            return site
    ranked = process.extract(_key(query), _choices(sites), scorer=fuzz.WRatio, limit=3)
    if ranked and ranked[0][1] >= MATCH_SCORE:
        return sites[ranked[0][2]]
    hints = ", ".join(sites[r[2]].name for r in ranked if r[1] >= 40)
    raise CommandError(f"No tracked site matches {query!r}." + (f" Did you mean: {hints}?" if hints else ""))


def autocomplete(sites: Sequence[Site], current: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[tuple[str, str]]:
    """(name, id) choices for what has been typed so far."""
    if not current.strip():
        return [(s.name, s.id) for s in sorted(sites, key=lambda s: s.name.lower())[:limit]]
    ranked = process.extract(_key(current), _choices(sites), scorer=fuzz.WRatio, limit=limit)
    return [(sites[r[2]].name, sites[r[2]].id) for r in ranked if r[1] >= 50]


def site(store: SQLiteStore, sites: Sequence[Site], query: str, *, today: date) -> Answer:
    """A site, its last incidents and a weekly chart of incidents."""
    found = find_site(sites, query)
    lines = [f"**{safe_text(found.name)}** ({found.country}) · {found.lat:.4f}, {found.lon:.4f} · "
             f"time zone {found.timezone}"]
    if found.aliases:
        lines.append("Also called: " + ", ".join(safe_text(a) for a in found.aliases))
    incidents = store.recent_incidents(date(1900, 1, 1), site_id=found.id, limit=10)
    lines.append("")
    lines.append("**Last incidents**" if incidents else "No incidents recorded.")
    for stored in incidents:
        facts = stored.facts
        lines.append(f"#{stored.id} {facts.day.isoformat() if facts.day else '?'} · {safe_text(facts.title)}")
    days = store.incident_days(found.id)
    chart = (f"{found.id}-weekly.png", weekly_chart(f"{found.name}: incidents per week", days, today=today)) \
        if days else None
    return Answer(safe_text(found.name), paginate(lines, per_page=20), file=chart)


def list_sites(sites: Sequence[Site]) -> Answer:
    """Every tracked site."""
    lines = [f"`{s.id}` {safe_text(s.name)} ({s.country})" for s in sorted(sites, key=lambda s: (s.country, s.name))]
    return Answer(f"{len(lines)} tracked sites", paginate(lines, per_page=25))
