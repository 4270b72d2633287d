"""The JSON shapes both stores write (sites, incident facts, a story's attacks) and the limits of a search:
one definition, so SQLite and PostgreSQL read what either wrote and refuse the same searches."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.models import Attack, Evidence, IncidentFacts, Site, Source

# Each search term is a prefix query over the whole index: a 6,000-character search took minutes. Longer
# searches are cut here whoever calls, and refused with a reason by /search.
MAX_SEARCH_TERMS = 8
MAX_SEARCH_TERM_LENGTH = 40


def site_to_json(site: Site) -> dict[str, object]:
    return {"id": site.id, "name": site.name, "aliases": list(site.aliases), "country": site.country,
            "lat": site.lat, "lon": site.lon, "timezone": site.timezone}


def site_from_json(data: dict[str, object]) -> Site:
    return Site(str(data["id"]), str(data["name"]), tuple(data.get("aliases") or ()),  # type: ignore[arg-type]
                str(data["country"]), float(data["lat"]), float(data["lon"]),  # type: ignore[arg-type]
                str(data.get("timezone") or "UTC"))


def facts_to_json(facts: IncidentFacts) -> dict[str, object]:
    return {"site_id": facts.site_id, "day": _iso_day(facts.day), "weapons": list(facts.weapons),
            "killed": facts.killed, "wounded": facts.wounded, "claim": facts.claim, "title": facts.title,
            "summary": facts.summary, "evidence": facts.evidence, "status": facts.status,
            "merged_into": facts.merged_into,
            "sources": [{"url": s.url, "feed": s.feed, "title": s.title} for s in facts.sources]}


def facts_from_json(data: dict[str, object]) -> IncidentFacts:
    sources = data.get("sources") or []
    assert isinstance(sources, list)
    return IncidentFacts(
        site_id=str(data["site_id"]), day=_day(data.get("day")),  # type: ignore[arg-type]
        weapons=tuple(data.get("weapons") or ()),  # type: ignore[arg-type]
        killed=data.get("killed"), wounded=data.get("wounded"),  # type: ignore[arg-type]
        claim=data.get("claim"), title=str(data.get("title") or ""),  # type: ignore[arg-type]
        summary=str(data.get("summary") or ""),
        sources=tuple(Source(s["url"], s["feed"], s["title"]) for s in sources),
        evidence=str(data.get("evidence") or ""), status=str(data.get("status") or "active"),
        merged_into=data.get("merged_into"))  # type: ignore[arg-type]


def attack_to_json(attack: Attack) -> dict[str, object]:
    return {"site_id": attack.site_id, "day": _iso_day(attack.day), "day_is_explicit": attack.day_is_explicit,
            "weapons": list(attack.weapons), "killed": attack.killed, "wounded": attack.wounded,
            "claim": attack.claim, "evidence": list(attack.evidence), "day_edge": attack.day_edge,
            "decided_by": [[e.fact, e.sentence] for e in attack.decided_by],
            **({"in_passing": True} if attack.in_passing else {}),
            **({"told_as_news": True} if attack.told_as_news else {})}


def attack_from_json(data: dict[str, Any]) -> Attack:
    return Attack(site_id=data["site_id"], day=_day(data.get("day")), day_is_explicit=bool(data["day_is_explicit"]),
                  weapons=tuple(data.get("weapons") or ()), killed=data.get("killed"), wounded=data.get("wounded"),
                  claim=data.get("claim"), evidence=tuple(data.get("evidence") or ()), day_edge=data.get("day_edge"),
                  decided_by=tuple(Evidence(f, t) for f, t in data.get("decided_by") or ()),
                  in_passing=bool(data.get("in_passing")), told_as_news=bool(data.get("told_as_news")))


def _iso_day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
