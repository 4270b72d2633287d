"""An incident's title and a 1-3 sentence extractive summary, within Discord's embed limits."""

from __future__ import annotations

import heapq
import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from bot.matcher.casualties import count_casualties
from bot.models import Report, Site

TITLE_LIMIT = 256  # Discord embed title
SUMMARY_LIMIT = 1000  # well inside the 4,096 of an embed description, leaving room for sources
_WEAPON_NOUNS = {"rocket": "Rocket", "missile": "Missile", "mortar": "Mortar", "drone": "Drone",
                 "explosive": "Bomb", "airstrike": "Airstrike", "artillery": "Shelling", "gunfire": "Gunfire",
                 "other": "Armed"}
_CLAIM_WORDS = re.compile(r"\bclaim", re.I)
# The summary reads the sentences of this many best reports: an incident that a thousand outlets report
# costs no more to summarise than one with twenty (the corpus's largest have under ten).
SUMMARY_REPORTS = 20


def incident_title(site: Site, day: date | None, weapons: Sequence[str], killed: int | None,
                   wounded: int | None) -> str:
    kinds = [_WEAPON_NOUNS[w] for w in weapons if w in _WEAPON_NOUNS]
    what = " and ".join(kinds[:2]) + " attack" if kinds else "Attack"
    if len(kinds) > 1:
        what = what[0] + what[1:].lower()
    title = f"{what} on {site.name} ({site.country})"
    if day is not None:
        title += f", {day.isoformat()}"
    toll = toll_text(killed, wounded)
    if toll:
        title += f": {toll}"
    return _clip(title, TITLE_LIMIT)


def toll_text(killed: int | None, wounded: int | None) -> str:
    if killed == 0 and wounded == 0:
        return "no casualties"
    parts = []
    if killed:
        parts.append(f"{killed} killed")
    if wounded:
        parts.append(f"{wounded} wounded")
    return ", ".join(parts)


def incident_summary(reports: Sequence[Report]) -> str:
    """The best report's first sentence, then whichever sentences add the toll and the claim."""
    if not reports:
        return ""
    # nlargest keeps sorted(reverse=True)'s order, ties in report order: its first is max()'s pick.
    ranked = heapq.nlargest(SUMMARY_REPORTS, reports, key=_report_quality)
    best = ranked[0]
    chosen: list[str] = [best.evidence[0]] if best.evidence else []
    pool = [s for r in ranked for s in r.evidence]
    has_toll = any(_has_toll(s) for s in chosen)
    has_claim = any(_CLAIM_WORDS.search(s) for s in chosen)
    for sentence in pool:
        if len(chosen) >= 3:
            break
        if sentence in chosen:
            continue
        if not has_toll and _has_toll(sentence):
            chosen.append(sentence)
            has_toll = True
        elif not has_claim and _CLAIM_WORDS.search(sentence):
            chosen.append(sentence)
            has_claim = True
    return _clip(" ".join(" ".join(s.split()) for s in chosen), SUMMARY_LIMIT)


def deciding_sentence(reports: Sequence[Report]) -> str:
    """The sentence that reported the attack, from the best report: what an alert quotes as its evidence."""
    told = [r for r in reports if r.evidence]
    return " ".join(max(told, key=_report_quality).evidence[0].split()) if told else ""


# Every story re-summarises its incident from the same sentences: count each sentence's toll once.
@lru_cache(maxsize=8192)
def _has_toll(sentence: str) -> bool:
    toll = count_casualties(sentence)
    return toll.killed is not None or toll.wounded is not None


def _report_quality(report: Report) -> tuple[bool, bool, int, float]:
    """Prefer originals over copies (spun text reads badly), dated reports, then richer evidence, then the
    first report (usually the wire's)."""
    return (not report.is_copy, report.day_is_explicit, min(len(report.evidence), 3),
            -report.published.timestamp())


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0]
    return cut + "…"
