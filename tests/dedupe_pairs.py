"""The labelled dedupe pairs in tests/fixtures/dedupe_pairs: which of two stories about one site is a copy.

stories.yaml holds a pool of feed entries; each becomes a Story through bot.feeds.parse.story_from_entry, the code
that turns a parsed feed entry into a Story (HTML stripped, mojibake repaired, broken lines mended), so a
pair scores here as it would in a replay. pairs.yaml labels pairs of them by ../shared/DOMAIN.md:
- copy: one republishes the other (verbatim, trimmed, retitled, updated, spun, translated, excerpted);
- independent: two outlets' own reports of the same attack (one incident, but not a copy);
- unrelated: two stories about the same site that are not the same story.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.feeds.parse import story_from_entry
from bot.matcher.dedupe import COPY_THRESHOLD, pair_score, site_vocabulary
from bot.matcher.sites import Gazetteer
from bot.matcher.stories import clean_title
from bot.models import Story
from bot.processing import process_story
from tests.conftest import make_store

PAIRS_DIR = Path(__file__).resolve().parent / "fixtures" / "dedupe_pairs"
LABELS = ("copy", "independent", "unrelated")


@dataclass(frozen=True, slots=True)
class LabelledPair:
    id: str
    a: str  # story ids in stories.yaml
    b: str
    label: str  # one of LABELS
    kind: str  # how the two relate: "spun", "wire-brief", "templated-brief", ...
    why: str

    @property
    def is_copy(self) -> bool:
        return self.label == "copy"


def story_records(folder: Path = PAIRS_DIR) -> list[dict[str, Any]]:
    """stories.yaml's entries as written, in file order."""
    return list(_read_yaml(folder / "stories.yaml").get("stories") or [])


def load_stories(folder: Path = PAIRS_DIR) -> dict[str, Story]:
    """Every story in the pool by its id. Raises ValueError on a repeated id or an entry feeds would skip."""
    stories: dict[str, Story] = {}
    for record in story_records(folder):
        story_id = str(record["id"])
        if story_id in stories:
            raise ValueError(f"stories.yaml: story id {story_id!r} appears twice")
        stories[story_id] = story_from_record(record)
    return stories


def story_from_record(record: Mapping[str, Any]) -> Story:
    """Build the Story a feed parser would build from this entry (feedparser's dict shape, UTC struct_time)."""
    entry = {
        "id": str(record["link"]),
        "link": str(record["link"]),
        "title": str(record["title"]),
        "summary": str(record["text"]),
        "published_parsed": _published(record["published"]).utctimetuple(),
    }
    story = story_from_entry(entry, clean_title(str(record["feed"])), None)
    if story is None:
        raise ValueError(f"stories.yaml: story {record['id']!r} has no title or body")
    return story


def load_pairs(folder: Path = PAIRS_DIR) -> list[LabelledPair]:
    """The labelled pairs in file order. Raises ValueError on an unknown label."""
    pairs = []
    for record in _read_yaml(folder / "pairs.yaml").get("pairs") or []:
        pair = LabelledPair(id=str(record["id"]), a=str(record["a"]), b=str(record["b"]),
                            label=str(record["label"]), kind=str(record["kind"]), why=str(record.get("why") or ""))
        if pair.label not in LABELS:
            raise ValueError(f"pairs.yaml: pair {pair.id} has label {pair.label!r}, not one of {LABELS}")
        pairs.append(pair)
    return pairs


def _published(value: object) -> datetime:
    """An ISO time with its offset; YAML may already have parsed it."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError(f"stories.yaml: published time {value!r} has no offset")
    return moment.astimezone(UTC)


def _read_yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@dataclass(frozen=True, slots=True)
class CopyJudgement:
    text_score: float  # bot.matcher.dedupe's score of the two texts
    judged_copy: bool  # what the pipeline decided: the later story was stored as a copy of the earlier

    @property
    def decision_score(self) -> float:
        """The text score the decision rests on: 0 when the pipeline refused a textual match because the
        later story reports an attack the earlier one does not (a templated brief, another site)."""
        refused = not self.judged_copy and self.text_score >= COPY_THRESHOLD
        return 0.0 if refused else self.text_score


def judge_pair(first: Story, second: Story, gazetteer: Gazetteer) -> CopyJudgement:
    """Run the two stories through the live path (process_story on a fresh store) in publish order, and read
    back whether the later one was stored as a copy of the earlier one."""
    earlier, later = sorted((first, second), key=lambda story: story.published)
    later = replace(later, feed=later.feed + " (later)") if later.feed == earlier.feed and later.key == earlier.key \
        else later
    store = make_store()  # on PostgreSQL too: the copy decision reads the store's candidates
    try:
        process_story(store, gazetteer, earlier, now=earlier.published)
        process_story(store, gazetteer, later, now=later.published)
        # attacks: JSON text on SQLite, a list on PostgreSQL.
        rows = {r["key"]: r for r in store.connection.execute("SELECT key, copy_of, attacks FROM stories")}
    finally:
        store.close()
    site_words = site_vocabulary(gazetteer.sites.values())
    score = pair_score(earlier, later, site_words)
    same_entry = later.key == earlier.key or (bool(later.url) and later.url == earlier.url)  # an update
    if same_entry:
        return CopyJudgement(score, True)
    if all(key in rows and rows[key]["attacks"] in ("[]", []) for key in (earlier.key, later.key)):
        # Two stories that report no attack touch no incident, so the pipeline never compares them: they
        # are judged by the text rule alone, the one it would apply.
        return CopyJudgement(score, score >= COPY_THRESHOLD)
    row = rows.get(later.key)
    return CopyJudgement(score, row is not None and row["copy_of"] is not None)
