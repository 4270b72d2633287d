"""The labelled corpus (tests/corpus, labelled by ../shared/DOMAIN.md): precision and recall on incidents
at least 0.95, and no incident reported twice. scripts/score_corpus.py prints the same figures."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "corpus"
SETS = sorted(p.name for p in CORPUS.iterdir() if (p / "labels.yaml").exists())

spec = importlib.util.spec_from_file_location("score_corpus", ROOT / "scripts" / "score_corpus.py")
assert spec and spec.loader
score_corpus = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = score_corpus  # its dataclasses look their module up
spec.loader.exec_module(score_corpus)


def test_there_is_a_labelled_corpus() -> None:
    assert len(SETS) >= 2


@pytest.mark.parametrize("name", SETS)
def test_labelled_set_scores_at_least_095_without_duplicates(name: str) -> None:
    score = score_corpus.score_set(CORPUS / name, ROOT / "config.yaml")
    details = "\n".join(score.misses + score.false_alarms)
    assert score.duplicates == 0, details
    assert score.precision >= 0.95, details
    assert score.recall >= 0.95, details


def test_every_labelled_link_is_in_the_feeds() -> None:
    import yaml

    from bot.replay import feed_files, read_feed_file

    for name in SETS:
        links = {s.url for p in feed_files([str(CORPUS / name / "feeds")]) for s in read_feed_file(Path(p))}
        labels = yaml.safe_load((CORPUS / name / "labels.yaml").read_text(encoding="utf-8"))
        for incident in labels.get("incidents") or []:
            assert set(incident["sources"]) <= links, name
