"""The pure pipeline: a story, and the state it may touch, in; the incident changes it causes out.

    analyse(story)                      -> which sites, which attacks, the dedupe fingerprint
    decide(analysis, candidates, state) -> copy of what?, which incidents are new or changed, their facts

The caller (bot/processing.py) reads the state from the store, and writes the decision back in one
transaction; nothing here touches a database, the network or the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from bot.matcher.attacks import analyse_story
from bot.matcher.dedupe import Candidate, fingerprint_of, ranked_originals, site_vocabulary
from bot.matcher.incidents import incident_day, latest_claim, latest_figure, match_incident, merged_weapons
from bot.matcher.sites import Gazetteer
from bot.matcher.summary import deciding_sentence, incident_summary, incident_title
from bot.matcher.tokens import words
from bot.models import Attack, IncidentFacts, IncidentState, Report, Site, Source, Story

PENDING_STORY = 0  # story_id of reports from the story being decided; the store fills in the real id


class _Fingerprint:
    """StoryAnalysis.words, the dedupe fingerprint, which analyse leaves as the story's folded words until it is
    first read: a story that names no site and has no earlier version is never stored or compared (~93% of
    news), so it never needs one. A tuple given is kept as it is."""

    def __get__(self, analysis: StoryAnalysis | None, owner: type | None = None) -> tuple[str, ...]:
        if analysis is None:
            raise AttributeError("words")  # no default: a dataclass asks the class for one
        words = analysis.__dict__["_words"]
        if isinstance(words, _Norms):
            words = analysis.__dict__["_words"] = fingerprint_of(words.norms)
        return words

    def __set__(self, analysis: StoryAnalysis, words: tuple[str, ...] | _Norms) -> None:
        analysis.__dict__["_words"] = words


@dataclass(frozen=True, slots=True)
class _Norms:
    norms: list[str]  # tokens.words of the story's title and text


# Not slotted: `words` is a descriptor over the instance's dictionary.
@dataclass(frozen=True)
class StoryAnalysis:
    story: Story
    attacks: tuple[Attack, ...]
    site_ids: tuple[str, ...]  # every tracked site the story names, attacked or not
    words: _Fingerprint = _Fingerprint()  # tuple[str, ...] when read


@dataclass(frozen=True, slots=True)
class IncidentChange:
    """A story's report joining an incident. Facts are derived later, once, from the final reports."""

    incident_id: int | None  # None: a new incident
    site_id: str
    report: Report
    day: date | None  # the incident's day with this report


@dataclass(frozen=True, slots=True)
class Decision:
    original: Candidate | None  # the earlier story this one copies or updates
    changes: tuple[IncidentChange, ...]


def analyse(story: Story, gazetteer: Gazetteer) -> StoryAnalysis:
    """Most news names no tracked site: one pass over the story's words rejects it before any sentence work
    (the same words make its dedupe fingerprint, when it is read)."""
    written, norms = words(f"{story.title}\n{story.text}")
    fingerprint = _Norms(norms)  # made into the fingerprint when read
    if not gazetteer.may_name_a_site(written, norms):
        return StoryAnalysis(story, (), (), fingerprint)  # type: ignore[arg-type]
    attacks, site_ids = analyse_story(story, gazetteer)
    return StoryAnalysis(story, tuple(attacks), tuple(site_ids), fingerprint)  # type: ignore[arg-type]


def decide(analysis: StoryAnalysis, candidates: Iterable[Candidate], incidents: Sequence[IncidentState],
           sites: Mapping[str, Site]) -> Decision:
    story = analysis.story
    original = _find_original(analysis, candidates, incidents, sites)
    is_copy = original is not None and not _same_entry(story, original)
    is_revision = original is not None and not is_copy
    source = Source(story.url, story.feed, story.title)
    # An updated article replaces what its earlier version said.
    state = {i.id: _without_source(i, source, story.key) if is_revision else i for i in incidents}
    pending: dict[int, IncidentState] = {}
    next_new = -1
    touched: dict[int, Report] = {}
    # Of a story's attacks on one site, the one on an incident's own day takes that incident first: another day
    # told beside it ("rockets on Sunday; on Saturday, drones") may not redate it away.
    for attack in sorted(analysis.attacks, key=lambda a: not any(
            i.site_id == a.site_id and i.day == a.day for i in incidents)):
        report = _report(story, source, attack, is_copy)
        # Attacks of one story were already told apart by (site, day): match only earlier incidents.
        site = sites.get(attack.site_id)
        incident = match_incident(attack, list(state.values()), site.timezone if site else "UTC")
        if attack.in_passing and (incident is None or incident.id < 0 or incident.day != attack.day):
            continue  # an attack told weeks later in passing joins its own day's incident or nothing
        if incident is None:
            if is_copy:
                continue  # copies never add an incident
            incident = IncidentState(next_new, attack.site_id, attack.day, ())
            next_new -= 1
        if incident.id in touched:  # a second attack of this story on the same incident: keep the richer
            report = _richer(touched[incident.id], report)
        touched[incident.id] = report
        updated = replace(incident, reports=(*[r for r in incident.reports if r.story_id != PENDING_STORY],
                                             report))
        (pending if incident.id < 0 else state)[incident.id] = updated
    if is_copy and original is not None and not analysis.attacks:
        # A copy in which the matcher found no attack (spun past recognition) is a source of everything its
        # original reported; one that reports attacks itself is a source of those alone (a trimmed copy of a
        # roundup tells only the attacks it kept).
        for incident in incidents:
            if incident.id not in touched and any(r.story_id == original.story_id for r in incident.reports):
                report = Report(PENDING_STORY, story.published, source, None, False, (), None, None, None, (),
                                True)
                touched[incident.id] = report
                state[incident.id] = replace(incident, reports=(*incident.reports, report))
    changes = []
    for incident_id, report in touched.items():
        current = pending.get(incident_id) or state[incident_id]
        changes.append(IncidentChange(None if incident_id < 0 else incident_id, current.site_id, report,
                                      incident_day(current.reports)[0]))
    return Decision(original, tuple(changes))


def _find_original(analysis: StoryAnalysis, candidates: Iterable[Candidate], incidents: Sequence[IncidentState],
                   sites: Mapping[str, Site]) -> Candidate | None:
    """The earlier version of this entry, or the story it copies. A story that reports an attack its
    supposed original does not report is never its copy, however alike the texts: a copy tells nothing new,
    and a real attack must never hide behind a visit story or a templated brief about the same site."""
    site_words = site_vocabulary(sites[site_id] for site_id in analysis.site_ids if site_id in sites)
    for candidate in ranked_originals(analysis.story, analysis.words, candidates, site_words):
        if _same_entry(analysis.story, candidate) or not _reports_another_attack(analysis, candidate, incidents):
            return candidate
    return None


def _same_entry(story: Story, candidate: Candidate) -> bool:
    return candidate.key == story.key or (bool(story.url) and candidate.url == story.url)


def _reports_another_attack(analysis: StoryAnalysis, original: Candidate,
                            incidents: Sequence[IncidentState]) -> bool:
    """Whether the story reports an attack (a site, or a site on a stated day) the original did not."""
    reported_days: dict[str, set[object]] = {}
    for incident in incidents:
        days = {r.day for r in incident.reports if r.story_id == original.story_id}
        if days:
            reported_days.setdefault(incident.site_id, set()).update({*days, incident.day})
    for attack in analysis.attacks:
        if attack.in_passing:
            continue  # told in passing weeks later: no new attack
        days = reported_days.get(attack.site_id)
        if days is None or (attack.day_is_explicit and attack.day not in days):
            return True
    return False


def incident_facts(site: Site, reports: Sequence[Report]) -> IncidentFacts:
    day, _ = incident_day(reports)
    weapons = merged_weapons(reports)
    killed = latest_figure(reports, "killed")
    wounded = latest_figure(reports, "wounded")
    sources: dict[str, Source] = {}
    for report in sorted(reports, key=lambda r: r.published):
        sources.setdefault(report.source.url or report.source.title, report.source)
    return IncidentFacts(
        site_id=site.id, day=day, weapons=weapons, killed=killed, wounded=wounded,
        claim=latest_claim(reports), title=incident_title(site, day, weapons, killed, wounded),
        summary=incident_summary(reports), sources=tuple(sources.values()), evidence=deciding_sentence(reports),
    )


def visible_facts(facts: IncidentFacts) -> tuple[object, ...]:
    """What an alert shows that is worth an edit: not a reworded summary alone."""
    return (facts.day, facts.weapons, facts.killed, facts.wounded, facts.claim, facts.sources)


def _report(story: Story, source: Source, attack: Attack, is_copy: bool) -> Report:
    return Report(PENDING_STORY, story.published, source, attack.day, attack.day_is_explicit, attack.weapons,
                  attack.killed, attack.wounded, attack.claim, attack.evidence, is_copy, attack.day_edge)


def _richer(first: Report, second: Report) -> Report:
    return replace(first, weapons=tuple(dict.fromkeys((*first.weapons, *second.weapons))),
                   killed=first.killed if first.killed is not None else second.killed,
                   wounded=first.wounded if first.wounded is not None else second.wounded,
                   claim=first.claim or second.claim, evidence=(*first.evidence, *second.evidence),
                   day_is_explicit=first.day_is_explicit or second.day_is_explicit)


def _without_source(incident: IncidentState, source: Source, key: str) -> IncidentState:
    return replace(incident, reports=tuple(r for r in incident.reports if r.source.url != source.url))
