"""Merging attacks into incidents: one attack on one site on one local day, whoever reports it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from bot.matcher.casualties import states_a_floor, states_only_a_first_figure
from bot.models import Attack, IncidentState, Report

# A report that gives no day of its own ("the toll from the attack on the base rose to three") belongs to
# the site's latest incident up to this many days before its inferred day: follow-ups, claims and weekly
# recaps come within a week, while a new attack is nearly always told with its day ("on Monday").
FOLLOW_UP_DAYS = 7
# A first report without a day is dated by its publish time; a later report with a day a day or two
# earlier is the same attack, now dated.
REDATE_DAYS = 2


def match_incident(attack: Attack, incidents: Sequence[IncidentState], timezone: str = "UTC") -> IncidentState | None:
    """The incident this attack report belongs to, or None for a new one. `timezone`: the site's, in which an
    undated incident's stories were published."""
    same_site = [i for i in incidents if i.site_id == attack.site_id]
    if attack.day is None:
        return max(same_site, key=_latest_report, default=None)
    if attack.day_is_explicit:
        for incident in same_site:
            if incident.day == attack.day:
                return incident
        across_midnight = _across_midnight(attack, same_site)
        if across_midnight is not None:
            return across_midnight
        # An undated incident is re-dated only to a day its stories could tell: an attack of Tuesday is not the
        # one a story served on Monday evening told ("a group on Monday claimed a drone attack on the base").
        # Nor is it a day after the one the incident's reports gave it (a lead's "on Monday" in a story served on
        # Tuesday morning dates it Monday: Tuesday evening's attack is another).
        undated = [i for i in same_site if not incident_day(i.reports)[1] and i.day is not None
                   and 0 <= (i.day - attack.day).days <= REDATE_DAYS and _told_by(i, attack.day, timezone)]
        return min(undated, key=lambda i: abs((i.day - attack.day).days), default=None)  # type: ignore[operator]
    recent = [i for i in same_site if i.day is not None and 0 <= (attack.day - i.day).days <= FOLLOW_UP_DAYS]
    if attack.told_as_news:
        # News of its own day is no follow-up of an attack dated days before; it may still be one that a report
        # of the evening before gave no day either.
        recent = [i for i in recent if i.day == attack.day or (
            not incident_day(i.reports)[1] and (attack.day - i.day).days <= 1)]
    if recent:
        return max(recent, key=lambda i: (i.day, _latest_report(i)))
    ahead = [i for i in same_site if i.day is not None and 0 < (i.day - attack.day).days <= 1]
    return ahead[0] if ahead else None


def _told_by(incident: IncidentState, day: date, timezone: str) -> bool:
    """Was any of the incident's stories published on or after this day, at the site?"""
    try:
        zone = ZoneInfo(timezone)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return any(r.published.astimezone(zone).date() >= day for r in incident.reports)


def _across_midnight(attack: Attack, incidents: Sequence[IncidentState]) -> IncidentState | None:
    """"Early Wednesday" from one outlet and "late Tuesday" from another: one attack near midnight."""
    if attack.day is None or attack.day_edge is None:
        return None
    step, other = (-1, "late") if attack.day_edge == "early" else (1, "early")
    for incident in incidents:
        if incident.day is not None and (incident.day - attack.day).days == step and any(
                r.day_edge == other and r.day == incident.day for r in incident.reports):
            return incident
    return None


def _latest_report(incident: IncidentState) -> object:
    return max((r.published for r in incident.reports), default=None) or 0


def incident_day(reports: Sequence[Report]) -> tuple[date | None, bool]:
    """The day most reports that date the attack themselves give; else the earliest report's guess."""
    explicit = Counter(r.day for r in reports if r.day_is_explicit and r.day is not None)
    if explicit:
        best = max(explicit.items(), key=lambda item: (item[1], item[0]))
        return best[0], True
    guessed = [r for r in sorted(reports, key=lambda r: r.published) if r.day is not None]
    return (guessed[0].day if guessed else None), False


def latest_figure(reports: Sequence[Report], field: str) -> int | None:
    """The latest figure any report gives, unless it is lower and looser: a copy republished late, a floor
    ("more than 30" after "at least 34") that the figure already held does not contradict, or a passing retelling
    with no day of its own ("days after the group targeted the base, injuring an Iraqi") after a dated report's
    figure, cannot lower it."""
    value: int | None = None
    dated_value = False
    for report in sorted(reports, key=lambda r: r.published):
        figure = getattr(report, field)
        if figure is None:
            continue
        if value is not None and figure < value and (report.is_copy or states_a_floor(report.evidence, figure) or (
                dated_value and not report.day_is_explicit)):
            continue
        if value is not None and figure != value and states_only_a_first_figure(report.evidence, field, figure):
            continue  # a later story quoting the first figure ("initial reports indicate 3") corrects nothing
        value, dated_value = figure, report.day_is_explicit
    return value


def merged_weapons(reports: Sequence[Report]) -> tuple[str, ...]:
    """Every weapon the reports name. A spinner swaps "missiles" for "rockets", so copies count only when
    no original report names a weapon."""
    originals = [r for r in reports if not r.is_copy and r.weapons]
    weapons: dict[str, None] = {}
    for report in sorted(originals or reports, key=lambda r: r.published):
        weapons.update(dict.fromkeys(report.weapons))
    return tuple(weapons)


def latest_claim(reports: Sequence[Report]) -> str | None:
    claims = [r.claim for r in sorted(reports, key=lambda r: r.published) if r.claim]
    return claims[-1] if claims else None
