"""One set of reports, one set of incidents, whatever order they arrived in (issue 11).

Live, stories arrive feed by feed and poll by poll, not in publish order, and several decisions depend on
what came first: an undated first report re-dated by a later dated one, follow-ups joining an incident of the
last week, copies found against what is stored. So the incidents of the sites a story touches are not
patched by the newcomer alone: every stored report about those sites near that time is told again, in
publish order, through the same `decide` a replay uses (`replay_incidents`), and the result is laid over
what is stored (`reconcile`): incidents keep their ids, two stored incidents that turn out to be one attack
are merged into the older, and an incident left with no report is withdrawn.

Pure: the caller (bot/processing.py) loads the stories and stored incidents and writes the outcome.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from bot.matcher.dedupe import Candidate
from bot.matcher.incidents import FOLLOW_UP_DAYS, REDATE_DAYS
from bot.matcher.pipeline import PENDING_STORY, StoryAnalysis, decide, incident_facts, visible_facts
from bot.models import IncidentFacts, IncidentState, Report, Site, Story

# Copies and updates of a story appear within days; older stories are not compared.
DEDUPE_WINDOW_DAYS = 7
# How far around a story's days the stories of its sites are told again: wide enough that every decision
# about those days (follow-ups a week later, re-dating, copies within a week) sees what it would in order.
RETELL_MARGIN_DAYS = 2 * (FOLLOW_UP_DAYS + REDATE_DAYS + 1)


@dataclass(frozen=True, slots=True)
class StoredStory:
    """A story as the store keeps it: its id and its analysis (attacks, sites, words)."""

    story_id: int
    analysis: StoryAnalysis
    has_attacks: bool


@dataclass(frozen=True, slots=True)
class Retold:
    """What telling the stories again in publish order gave."""

    incidents: tuple[IncidentState, ...]  # ids are the replay's own, from 1
    copy_of: Mapping[int, int | None]  # story id -> the story id it copies, for every story told


@dataclass(frozen=True, slots=True)
class IncidentOutcome:
    """One incident after reconciling: what to store and what, if anything, to tell readers."""

    incident_id: int | None  # None: a new incident
    site_id: str
    state: IncidentState  # its reports now (empty for a merged or withdrawn incident)
    facts: IncidentFacts
    action: str | None  # "new", "update", "merged", "withdrawn", or None when nothing a reader sees changed
    merged_into: int | None = None  # for "merged": the stored id it joined
    previous: tuple[Report, ...] = ()  # the stored reports it had: only the difference is written


def story_days(analysis: StoryAnalysis) -> list[date]:
    """The days a story is about: its attacks' days and its publish day."""
    return [attack.day for attack in analysis.attacks if attack.day] + [analysis.story.published.date()]


def incident_window(analysis: StoryAnalysis) -> tuple[date, date]:
    """The incident days an attack of this story can join (follow-ups, re-dating, midnight edges)."""
    days = story_days(analysis)
    first = min(days) - timedelta(days=max(DEDUPE_WINDOW_DAYS, FOLLOW_UP_DAYS + REDATE_DAYS) + 1)
    return first, max(days) + timedelta(days=REDATE_DAYS + 1)


def retell_window(analysis: StoryAnalysis) -> tuple[date, date]:
    """The publish days of the stories told again with this one."""
    days = story_days(analysis)
    return min(days) - timedelta(days=RETELL_MARGIN_DAYS), max(days) + timedelta(days=RETELL_MARGIN_DAYS)


def told_order(story: Story) -> tuple[datetime, str, str]:
    """The order in which stories are told: publish time, then feed and key (never arrival)."""
    return story.published, story.feed, story.key


def replay_incidents(stories: Sequence[StoredStory], site_ids: Sequence[str], sites: Mapping[str, Site], *,
                     start: Sequence[IncidentState] = (), originals: Sequence[Candidate] = ()) -> Retold:
    """The incidents at these sites that these stories make when told in publish order (ties by feed and
    key, never by arrival), exactly as `python -m bot replay` tells them. `start` and `originals`: the
    incidents and attack reports already told, when every story here comes after them."""
    wanted = set(site_ids)
    incidents: dict[int, IncidentState] = {i.id: i for i in start}
    first_new = max(incidents, default=0) + 1
    # Originals passed in were read from the dedupe window of the stories told here: always candidates.
    told: list[tuple[datetime | None, Candidate]] = [(None, candidate) for candidate in originals]
    copy_of: dict[int, int | None] = {}
    for stored in sorted(stories, key=lambda s: (*told_order(s.analysis.story), s.story_id)):
        analysis = _only_sites(stored.analysis, wanted)
        story = analysis.story
        low = story.published - timedelta(days=DEDUPE_WINDOW_DAYS)
        candidates = [c for published, c in told if published is None or published >= low]
        first, last = incident_window(analysis)
        nearby = [i for i in incidents.values() if i.site_id in analysis.site_ids
                  and (i.day is None or first <= i.day <= last)]
        decision = decide(analysis, candidates, nearby, sites)
        for change in decision.changes:
            report = replace(change.report, story_id=stored.story_id)
            if change.incident_id is None:
                new_id = max(first_new, max(incidents, default=0) + 1)
                incidents[new_id] = IncidentState(new_id, change.site_id, change.day, (report,))
                continue
            current = incidents[change.incident_id]
            kept = tuple(r for r in current.reports if r.story_id not in (PENDING_STORY, stored.story_id))
            incidents[change.incident_id] = replace(current, day=change.day, reports=(*kept, report))
        is_copy = decision.original is not None and decision.original.story_id != stored.story_id
        copy_of[stored.story_id] = decision.original.story_id if is_copy and decision.original else None
        if not is_copy and stored.has_attacks:
            told.append((story.published, Candidate(stored.story_id, story.key, story.url, analysis.words)))
    return Retold(tuple(incidents.values()), copy_of)


def _only_sites(analysis: StoryAnalysis, wanted: set[str]) -> StoryAnalysis:
    """The story as it bears on these sites: a roundup's attacks elsewhere are told when those sites are."""
    if all(a.site_id in wanted for a in analysis.attacks) and all(s in wanted for s in analysis.site_ids):
        return analysis
    return replace(analysis, attacks=tuple(a for a in analysis.attacks if a.site_id in wanted),
                   site_ids=tuple(s for s in analysis.site_ids if s in wanted))


def reconcile(stored: Sequence[IncidentState], retold: Sequence[IncidentState],
              sites: Mapping[str, Site]) -> list[IncidentOutcome]:
    """Lay the retold incidents over the stored ones. A stored incident keeps its id on the retold incident
    holding most of its reports; when two stored incidents land on one, the older keeps it and the other is
    merged into it; a stored incident with no report left is withdrawn; a retold incident that no stored one
    lands on is new."""
    # A roundup reports several incidents of one site: a report is its story and the day it gave.
    reports_of = {i.id: _report_keys(i) for i in retold}
    days = {i.id: i.day for i in retold}
    owner: dict[int, int] = {}  # retold id -> stored id
    outcomes: list[IncidentOutcome] = []
    landed: list[tuple[IncidentState, int]] = []
    stories_of = {i.id: {r.story_id for r in i.reports} for i in retold}
    site_of = {i.id: i.site_id for i in retold}
    for incident in sorted(stored, key=lambda i: i.id):
        mine = _report_keys(incident)
        my_stories = {story_id for story_id, _ in mine}
        # Best: the same reports (story and day); else the same stories (a revised story that now dates the
        # attack on another day); ties go to the incident of the same day, then the first told.
        overlaps = [(len(mine & reports_of[retold_id]), len(my_stories & stories), days[retold_id] == incident.day,
                     -retold_id) for retold_id, stories in stories_of.items()
                    if site_of[retold_id] == incident.site_id and my_stories & stories]
        if not overlaps:
            outcomes.append(_closed(incident, "withdrawn", None, sites))
            continue
        target = -max(overlaps)[3]
        if target not in owner:
            owner[target] = incident.id
        landed.append((incident, target))
    for incident, target in landed:
        if owner[target] != incident.id:
            outcomes.append(_closed(incident, "merged", owner[target], sites))
    before = {i.id: i for i in stored}
    for incident in retold:
        site = sites[incident.site_id]
        facts = incident_facts(site, incident.reports)
        stored_id = owner.get(incident.id)
        if stored_id is None:
            outcomes.append(IncidentOutcome(None, incident.site_id, incident, facts, "new"))
            continue
        previous = incident_facts(site, before[stored_id].reports)
        action = "update" if visible_facts(facts) != visible_facts(previous) else None
        outcomes.append(IncidentOutcome(stored_id, incident.site_id, replace(incident, id=stored_id), facts, action,
                                        previous=before[stored_id].reports))
    return outcomes


def _report_keys(incident: IncidentState) -> set[tuple[int, object]]:
    return {(r.story_id, r.day) for r in incident.reports}


def _closed(incident: IncidentState, action: str, into: int | None, sites: Mapping[str, Site]) -> IncidentOutcome:
    facts = replace(incident_facts(sites[incident.site_id], incident.reports), status=action, merged_into=into)
    return IncidentOutcome(incident.id, incident.site_id, replace(incident, reports=()), facts, action, into,
                           previous=incident.reports)
