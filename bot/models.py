"""Plain frozen records that flow through the pipeline: story -> attack -> incident -> alert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

WEAPONS = ("rocket", "missile", "mortar", "drone", "explosive", "airstrike", "artillery", "gunfire", "other")
# The facts of an attack that a sentence can decide, in the order an explanation lists them.
EVIDENCE_FACTS = ("site", "day", "weapons", "toll", "claim")


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    name: str
    aliases: tuple[str, ...]
    country: str
    lat: float
    lon: float
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class Story:
    """One feed entry, cleaned: `text` is plain prose with paragraphs separated by blank lines."""

    key: str  # stable identity within a feed: the guid, else the link
    url: str
    feed: str
    title: str
    text: str
    published: datetime  # timezone-aware


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence and the fact of an attack it decided: why an alert says what it says."""

    fact: str  # one of EVIDENCE_FACTS; "toll" covers killed and wounded
    sentence: str


@dataclass(frozen=True, slots=True)
class Attack:
    """One attack on one site, as one story tells it."""

    site_id: str
    day: date | None
    day_is_explicit: bool  # False when the day was inferred from the story's lead or publish time
    weapons: tuple[str, ...]
    killed: int | None
    wounded: int | None
    claim: str | None
    evidence: tuple[str, ...]  # the sentences that report it, best first
    day_edge: str | None = None  # "late" or "early": the attack came near midnight
    decided_by: tuple[Evidence, ...] = ()  # which sentence decided which fact; no "day" when it was inferred
    # Told in passing with its day 15-28 days back (past dates.RECENT_DAYS, within the labels' four weeks): a
    # source of the site's incident of that day if there is one, never a new incident.
    in_passing: bool = False
    # Told with no day as news, not a follow-up: "Two drones hit communications towers near the Majnoon oil field"
    # (not "the attack on ..."): it may not join the site's incident of an earlier, stated day.
    told_as_news: bool = False


@dataclass(frozen=True, slots=True)
class Source:
    url: str
    feed: str
    title: str


@dataclass(frozen=True, slots=True)
class Report:
    """What one story said about one incident; an incident's facts derive from its reports."""

    story_id: int
    published: datetime
    source: Source
    day: date | None
    day_is_explicit: bool
    weapons: tuple[str, ...]
    killed: int | None
    wounded: int | None
    claim: str | None
    evidence: tuple[str, ...]
    is_copy: bool  # a near-duplicate of an earlier story
    day_edge: str | None = None


@dataclass(frozen=True, slots=True)
class IncidentState:
    """A stored incident with every report so far: what the pipeline needs to add one more."""

    id: int
    site_id: str
    day: date | None
    reports: tuple[Report, ...]


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    site_id: str
    day: date | None
    weapons: tuple[str, ...]
    killed: int | None
    wounded: int | None
    claim: str | None
    title: str
    summary: str
    sources: tuple[Source, ...]
    evidence: str = ""  # the sentence that reported the attack, from the best report: shown in the alert
    status: str = "active"  # "merged" into another incident, or "withdrawn" when no report is left
    merged_into: int | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    action: str  # "new", "update", "merged" (into facts.merged_into) or "withdrawn"
    incident_id: int
    facts: IncidentFacts
    site: Site
