"""One story through the pipeline: read the state it may touch, decide (pure), write it back at once.

A story's own attacks are stored with it; then every stored story about the same sites near that time is
told again in publish order and laid over the stored incidents (bot/matcher/reconcile.py), so the incidents do not
depend on the order in which feeds delivered the stories.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from bot.matcher.dedupe import (
    COPY_THRESHOLD,
    SHORT_TEXT_WORDS,
    Candidate,
    copy_score,
    distinctive,
    find_original,
    site_vocabulary,
)
from bot.matcher.pipeline import StoryAnalysis, analyse
from bot.matcher.reconcile import (
    DEDUPE_WINDOW_DAYS,
    Retold,
    StoredStory,
    incident_window,
    reconcile,
    replay_incidents,
    retell_window,
    told_order,
)
from bot.matcher.sites import Gazetteer
from bot.models import Alert, IncidentState, Story
from bot.store.base import Store, story_digest

# A farm or aggregator republishes a wire story weeks later; further back, a story is history, not a copy.
REPUBLISHED_WITHIN_DAYS = 90
# Nearly word for word: spun and trimmed copies of one wire story score 0.5-1.0, so only the closest count
# here, where a match silences the story's attacks (tests/fixtures/dedupe_pairs: no independent report of an
# attack and no unrelated story above 0.42).
REPUBLISHED_SCORE = 0.7


def process_story(store: Store, gazetteer: Gazetteer, story: Story, now: datetime, *,
                  quiet: bool = False, analysis: StoryAnalysis | None = None) -> list[Alert]:
    """Store the story if it names a tracked site; return the alerts (new, updated, merged or withdrawn
    incidents) it causes. A quiet story (a new feed's old backlog) updates incidents but queues no alert.
    `analysis`, when given, must be analyse(story, gazetteer), made ahead (a replay's worker processes)."""
    stored = store.stored_digest(story)
    if stored == story_digest(story):
        return []  # this entry again, unchanged: decided when it came first, nothing to analyse
    if analysis is None:
        analysis = analyse(story, gazetteer)
    if not analysis.site_ids and stored is None:
        return []  # most news: names no tracked site, no earlier version to undo; nothing to read or write
    with store.transaction(site_ids=analysis.site_ids):
        earlier_version = store.story_id(story)
        if not analysis.site_ids and earlier_version is None:
            return []
        if earlier_version is not None and store.seen(story, analysis.words):
            return []
        site_ids = tuple(dict.fromkeys(
            (*analysis.site_ids, *(store.story_sites(earlier_version) if earlier_version else ()))))
        site_words = site_vocabulary(gazetteer.sites[s] for s in site_ids if s in gazetteer.sites)
        window = timedelta(days=DEDUPE_WINDOW_DAYS)
        original = None
        if analysis.attacks and (stale := _republished_from(store, analysis, site_ids, site_words)) is not None:
            # An old story republished weeks later ("On Wednesday" now reads as last Wednesday) is background
            # (DOMAIN.md): a source of nothing new. It is kept, as a copy of what it repeats.
            analysis = replace(analysis, attacks=())
            original = stale
        elif not analysis.attacks:
            # A story without an attack of its own matters only as a copy of one that has: a source.
            originals = store.attack_originals(site_ids, story.published - window, story.published)
            original = find_original(story, analysis.words, [c for c in originals if c.story_id != earlier_version],
                                     site_words)
        first, last = retell_window(analysis)
        # Most stories arrive after everything told about their sites: then telling them last is telling
        # everything again in publish order, at the cost of one story.
        newest = store.newest_told(site_ids, first, last)
        in_order = earlier_version is None and (newest is None or newest < told_order(story))
        story_id = store.save_story(analysis, original.story_id if original else None)
        if analysis.attacks and _adopt_later_copies(store, analysis, story_id, site_ids, site_words):
            in_order = False
        elif not analysis.attacks and original is None and earlier_version is None:
            return []  # a mention, a visit, a note: stored for search and for copies, no incident touched
        if in_order:
            return _tell_last(store, gazetteer, analysis, story_id, site_ids, now, quiet=quiet)
        return _retell(store, gazetteer, story_id, site_ids, (first, last), now, quiet=quiet)


def _republished_from(store: Store, analysis: StoryAnalysis, site_ids: tuple[str, ...],
                      site_words: frozenset[str]) -> Candidate | None:
    """The attack report, older than the copy window, that this story republishes nearly word for word.
    Only long texts count: a templated brief ("Rockets hit X on Monday; no casualties") repeats itself for
    every new attack, and must never hide one."""
    if len(distinctive(analysis.words, site_words)) < SHORT_TEXT_WORDS:
        return None
    published = analysis.story.published
    older = store.attack_originals(site_ids, published - timedelta(days=REPUBLISHED_WITHIN_DAYS),
                                   published - timedelta(days=DEDUPE_WINDOW_DAYS))
    for candidate in older:
        if len(distinctive(candidate.words, site_words)) >= SHORT_TEXT_WORDS and \
                copy_score(analysis.words, candidate.words, site_words) >= REPUBLISHED_SCORE:
            return candidate
    return None


def _adopt_later_copies(store: Store, analysis: StoryAnalysis, story_id: int, site_ids: tuple[str, ...],
                        site_words: frozenset[str]) -> bool:
    """Copies in which the matcher found no attack may have arrived before their original: they become its
    copies now, as they would have had the original come first. Whether there were any."""
    published = analysis.story.published
    adopted = False
    for later in store.stories_without_attacks(site_ids, published, published + timedelta(days=DEDUPE_WINDOW_DAYS)):
        if later.story_id != story_id and copy_score(later.words, analysis.words, site_words) >= COPY_THRESHOLD:
            store.set_copy_of(later.story_id, story_id)
            adopted = True
    return adopted


def _tell_last(store: Store, gazetteer: Gazetteer, analysis: StoryAnalysis, story_id: int,
               site_ids: tuple[str, ...], now: datetime, *, quiet: bool) -> list[Alert]:
    """The story comes after every story told about its sites: decide it against the stored incidents."""
    first, last = incident_window(analysis)
    incidents = store.incidents_between(site_ids, first, last)
    published = analysis.story.published
    originals = [c for c in store.attack_originals(site_ids, published - timedelta(days=DEDUPE_WINDOW_DAYS),
                                                   published) if c.story_id != story_id]
    stored = StoredStory(story_id, analysis, bool(analysis.attacks))
    retold = replay_incidents([stored], site_ids, gazetteer.sites, start=incidents, originals=originals)
    # Only what the story touched is laid over the store: the other incidents came back as they went in.
    before = {incident.id: incident for incident in incidents}
    touched = tuple(i for i in retold.incidents if before.get(i.id) is not i)
    touched_before = [before[i.id] for i in touched if i.id in before]
    return _write(store, gazetteer, touched_before, Retold(touched, retold.copy_of), now, quiet=quiet)


def _retell(store: Store, gazetteer: Gazetteer, story_id: int, site_ids: tuple[str, ...],
            window: tuple[date, date], now: datetime, *, quiet: bool) -> list[Alert]:
    first, last = window
    stories = store.retell_stories(site_ids, first, last)
    incidents = store.incidents_reported_by([s.story_id for s in stories] + [story_id], site_ids)
    # Every report of an incident touched is told again, even one published outside the window.
    told = {s.story_id for s in stories}
    also = sorted({r.story_id for i in incidents for r in i.reports} - told)
    if also:
        stories = stories + store.retell_stories((), first, last, also=also)
    retold = replay_incidents(stories, site_ids, gazetteer.sites)
    return _write(store, gazetteer, incidents, retold, now, quiet=quiet)


def _write(store: Store, gazetteer: Gazetteer, incidents: list[IncidentState], retold: Retold, now: datetime, *,
           quiet: bool) -> list[Alert]:
    outcomes = reconcile(incidents, retold.incidents, gazetteer.sites)
    written = store.apply_outcomes(outcomes, retold.copy_of, now, quiet=quiet)
    return [Alert(outcome.action, incident_id, outcome.facts, gazetteer.sites[outcome.site_id])
            for incident_id, outcome in written if outcome.action and not quiet]
