"""The labelled dedupe pairs (tests/fixtures/dedupe_pairs): a well-formed set, stories built as a feed builds
them, and bot.matcher.dedupe agreeing with every label (scripts/dedupe_scores.py prints the scores)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import UTC
from pathlib import Path

import pytest

from bot.config import load_config
from bot.matcher.sites import Gazetteer
from bot.matcher.stories import split_sentences
from bot.models import Story
from tests.dedupe_pairs import LABELS, LabelledPair, judge_pair, load_pairs, load_stories, story_records

ROOT = Path(__file__).resolve().parent.parent

# The kinds the set must cover, each with enough pairs to say something about it.
REQUIRED_KINDS = {
    "copy": ("verbatim", "trimmed", "brief-cut", "retitled", "updated", "spun", "translated", "aggregator"),
    "independent": ("same-attack", "wire-brief", "brief-vs-brief"),
    "unrelated": ("visit", "exercise", "handover", "contract", "weather", "court", "other-attack",
                  "templated-brief", "brief-in-long"),
}
MIN_PAIRS_PER_KIND = 5


@pytest.fixture(scope="module")
def stories() -> dict[str, Story]:
    return load_stories()


@pytest.fixture(scope="module")
def pairs() -> list[LabelledPair]:
    return load_pairs()


def test_story_ids_are_unique() -> None:
    ids = Counter(str(record["id"]) for record in story_records())
    assert [story_id for story_id, count in ids.items() if count > 1] == []


def test_pair_ids_are_unique(pairs: list[LabelledPair]) -> None:
    ids = Counter(pair.id for pair in pairs)
    assert [pair_id for pair_id, count in ids.items() if count > 1] == []


def test_every_pair_joins_two_stories_of_the_pool(pairs: list[LabelledPair], stories: dict[str, Story]) -> None:
    broken = [pair.id for pair in pairs if pair.a not in stories or pair.b not in stories or pair.a == pair.b]
    assert broken == []


def test_no_two_pairs_join_the_same_stories(pairs: list[LabelledPair]) -> None:
    joined = Counter(frozenset((pair.a, pair.b)) for pair in pairs)
    assert [sorted(key) for key, count in joined.items() if count > 1] == []


def test_at_least_200_pairs_and_50_of_each_label(pairs: list[LabelledPair]) -> None:
    assert len(pairs) >= 200
    per_label = Counter(pair.label for pair in pairs)
    assert {label: per_label[label] >= 50 for label in LABELS} == dict.fromkeys(LABELS, True), per_label


def test_every_required_kind_is_well_represented(pairs: list[LabelledPair]) -> None:
    per_kind = Counter((pair.label, pair.kind) for pair in pairs)
    thin = {(label, kind): per_kind[label, kind] for label, kinds in REQUIRED_KINDS.items() for kind in kinds
            if per_kind[label, kind] < MIN_PAIRS_PER_KIND}
    assert thin == {}


def test_stories_are_cleaned_like_feed_entries(stories: dict[str, Story]) -> None:
    assert stories["asad-0705-aggregator"].text.startswith("BAGHDAD (Levant Wire) - Three rockets")
    assert "<p>" not in stories["asad-0705-aggregator"].text
    assert "Iraq’s western Anbar" in stories["asad-0705-farm-spun"].text  # mojibake "â€™" repaired
    lead = stories["asad-0705-farm-spun"].text.split("\n\n")[0]
    assert "-led coalition stated" in lead  # the hard line breaks after "U.S." mended into one paragraph
    assert split_sentences(stories["asad-0705-farm-spun"].text)[0].endswith("host American troops.")


def test_stories_keep_link_feed_and_publish_time_in_utc(stories: dict[str, Story]) -> None:
    story = stories["asad-0705-kurdnow"]  # published 15:25 at +03:00
    assert (story.key, story.url, story.feed) == (
        "https://kurdistannow.example/en/story/25118", "https://kurdistannow.example/en/story/25118", "Kurdistan Now")
    assert story.published.tzinfo == UTC and (story.published.hour, story.published.minute) == (12, 25)


def test_a_repeated_story_id_is_refused(tmp_path: Path) -> None:
    entry = ('  - {id: same, feed: F, link: "https://f.example/1", title: T, published: "2021-07-05T10:00:00+00:00", '
             'text: Rockets hit the base.}\n')
    (tmp_path / "stories.yaml").write_text("stories:\n" + entry + entry, encoding="utf-8")
    with pytest.raises(ValueError, match="twice"):
        load_stories(tmp_path)


def test_a_publish_time_without_offset_is_refused(tmp_path: Path) -> None:
    (tmp_path / "stories.yaml").write_text(
        'stories:\n  - {id: a, feed: F, link: "https://f.example/1", title: T, published: "2021-07-05T10:00:00", '
        'text: Rockets hit the base.}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="offset"):
        load_stories(tmp_path)


def test_an_unknown_label_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pairs.yaml").write_text("pairs:\n  - {id: p1, a: x, b: y, label: duplicate, kind: spun}\n",
                                         encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        load_pairs(tmp_path)


def test_labelled_pairs_separate_without_error(pairs: list[LabelledPair], stories: dict[str, Story]) -> None:
    gazetteer = Gazetteer(load_config(ROOT / "config.yaml").site_records())
    misjudged = {pair.id for pair in pairs
                 if judge_pair(stories[pair.a], stories[pair.b], gazetteer).judged_copy != pair.is_copy}
    assert misjudged == set()


def test_scores_script_prints_the_margin_of_the_labelled_pairs() -> None:
    # The script's own figures, on its default store: the test above judges the pairs on PostgreSQL too.
    environment = {key: value for key, value in os.environ.items() if key != "SITEWATCH_TEST_DATABASE"}
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "dedupe_scores.py")], capture_output=True,
                         text=True, check=False, cwd=ROOT, env=environment)
    assert run.returncode == 0, run.stderr
    labelled = run.stdout.split("labelled pairs (tests/fixtures/dedupe_pairs):")[1].split("corpus sources")[0]
    assert "margin (lowest copy - highest non-copy): " in labelled
    assert "misjudged by the pipeline: " in labelled
