"""One story through the pipeline: read the state it may touch, decide (pure), write it back at once.

A story's own attacks are stored with it; then every stored story about the same sites near that time is
told again in publish order and laid over the stored incidents (bot/reconcile.py), so the incidents do not
depend on the order in which feeds delivered the stories.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.dedupe import COPY_THRESHOLD, copy_score, find_original, site_vocabulary
from bot.models import Alert, Story
from bot.pipeline import StoryAnalysis, analyse
from bot.reconcile import DEDUPE_WINDOW_DAYS, reconcile, replay_incidents, retell_window
from bot.sites import Gazetteer
from bot.store.base import Store


def process_story(store: Store, gazetteer: Gazetteer, story: Story, now: datetime, *,
                  quiet: bool = False) -> list[Alert]:
    """Store the story if it names a tracked site; return the alerts (new, updated, merged or withdrawn
    incidents) it causes. A quiet story (a new feed's old backlog) updates incidents but queues no alert."""
    analysis = analyse(story, gazetteer)
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
        if not analysis.attacks:
            # A story without an attack of its own matters only as a copy of one that has: a source.
            originals = store.attack_originals(site_ids, story.published - window, story.published)
            original = find_original(story, analysis.words, [c for c in originals if c.story_id != earlier_version],
                                     site_words)
        story_id = store.save_story(analysis, original.story_id if original else None)
        if analysis.attacks:
            _adopt_later_copies(store, analysis, story_id, site_ids, site_words)
        elif original is None and earlier_version is None:
            return []  # a mention, a visit, a note: stored for search and for copies, no incident touched
        return _retell(store, gazetteer, analysis, story_id, site_ids, now, quiet=quiet)


def _adopt_later_copies(store: Store, analysis: StoryAnalysis, story_id: int, site_ids: tuple[str, ...],
                        site_words: frozenset[str]) -> None:
    """Copies in which the matcher found no attack may have arrived before their original: they become its
    copies now, as they would have had the original come first."""
    published = analysis.story.published
    for later in store.stories_without_attacks(site_ids, published, published + timedelta(days=DEDUPE_WINDOW_DAYS)):
        if later.story_id != story_id and copy_score(later.words, analysis.words, site_words) >= COPY_THRESHOLD:
            store.set_copy_of(later.story_id, story_id)


def _retell(store: Store, gazetteer: Gazetteer, analysis: StoryAnalysis, story_id: int, site_ids: tuple[str, ...],
            now: datetime, *, quiet: bool) -> list[Alert]:
    first, last = retell_window(analysis)
    stories = store.retell_stories(site_ids, first, last)
    incidents = store.incidents_reported_by([s.story_id for s in stories] + [story_id], site_ids)
    # Every report of an incident touched is told again, even one published outside the window.
    told = {s.story_id for s in stories}
    also = sorted({r.story_id for i in incidents for r in i.reports} - told)
    if also:
        stories = stories + store.retell_stories((), first, last, also=also)
    retold = replay_incidents(stories, site_ids, gazetteer.sites)
    outcomes = reconcile(incidents, retold.incidents, gazetteer.sites)
    written = store.apply_outcomes(outcomes, retold.copy_of, now, quiet=quiet)
    return [Alert(outcome.action, incident_id, outcome.facts, gazetteer.sites[outcome.site_id])
            for incident_id, outcome in written if outcome.action and not quiet]
