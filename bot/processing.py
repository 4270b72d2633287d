"""One story through the pipeline: read the state it may touch, decide (pure), write it back at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.incidents import FOLLOW_UP_DAYS, REDATE_DAYS
from bot.models import Alert, Story
from bot.pipeline import analyse, decide
from bot.sites import Gazetteer
from bot.store.base import Store

# Copies and updates of a story appear within days; older stories are not compared.
DEDUPE_WINDOW_DAYS = 7


def process_story(store: Store, gazetteer: Gazetteer, story: Story, now: datetime, *,
                  quiet: bool = False) -> list[Alert]:
    """Store the story if it names a tracked site; return the alerts (new or updated incidents) it causes.
    A quiet story (a new feed's old backlog) updates incidents but queues no alert."""
    analysis = analyse(story, gazetteer)
    if not analysis.site_ids or store.seen(story, analysis.words):
        return []
    candidates = store.dedupe_candidates(story, analysis.site_ids, DEDUPE_WINDOW_DAYS)
    published_day = story.published.date()
    days = [attack.day for attack in analysis.attacks if attack.day] + [published_day]
    first = min(days) - timedelta(days=max(DEDUPE_WINDOW_DAYS, FOLLOW_UP_DAYS + REDATE_DAYS) + 1)
    last = max(days) + timedelta(days=REDATE_DAYS + 1)
    incidents = store.incidents_between(analysis.site_ids, first, last)
    decision = decide(analysis, candidates, incidents, gazetteer.sites)
    recorded = store.record(analysis, decision.original, decision.changes, now, quiet=quiet)
    return [Alert(r.change.action, r.incident_id, r.change.facts, gazetteer.sites[r.change.site_id])
            for r in recorded if r.change.action and not quiet]
