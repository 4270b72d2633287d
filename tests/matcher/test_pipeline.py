"""analyse: a story's fingerprint is made when it is first read, and is the same as if made at once."""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError, replace

import pytest

from bot.config import load_config
from bot.matcher import pipeline
from bot.matcher.dedupe import fingerprint
from bot.matcher.pipeline import StoryAnalysis, analyse
from bot.matcher.sites import Gazetteer
from tests.conftest import ROOT, make_story

GAZETTEER = Gazetteer(load_config(ROOT / "config.yaml").site_records())
NEWS = make_story("The central bank in Baghdad said on Monday that inflation slowed to 3.1 percent in March.",
                  title="Inflation slows in Iraq")
ATTACK = make_story("Three rockets struck Ain al-Asad air base on Monday, causing no casualties, officials said.",
                    title="Rockets hit Ain al-Asad")


@pytest.fixture
def fingerprints_made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    made: list[int] = []
    real = pipeline.fingerprint_of

    def counted(norms: list[str]) -> tuple[str, ...]:
        made.append(1)
        return real(norms)

    monkeypatch.setattr(pipeline, "fingerprint_of", counted)
    return made


def test_news_naming_no_site_makes_no_fingerprint_until_read(fingerprints_made: list[int]) -> None:
    analysis = analyse(NEWS, GAZETTEER)
    assert analysis.site_ids == () and fingerprints_made == []
    assert analysis.words == fingerprint(NEWS)
    assert analysis.words == fingerprint(NEWS) and len(fingerprints_made) == 1  # made once, then kept


@pytest.mark.parametrize("story", [NEWS, ATTACK], ids=["news", "attack"])
def test_a_fingerprint_made_later_is_the_one_made_at_once(story: object) -> None:
    analysis = analyse(story, GAZETTEER)  # type: ignore[arg-type]
    eager = StoryAnalysis(analysis.story, analysis.attacks, analysis.site_ids, fingerprint(analysis.story))
    assert analyse(story, GAZETTEER) == eager  # type: ignore[arg-type]
    assert hash(analyse(story, GAZETTEER)) == hash(eager)  # type: ignore[arg-type]
    assert replace(analyse(story, GAZETTEER), attacks=()).words == eager.words  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(analyse(story, GAZETTEER))) == eager  # type: ignore[arg-type]


def test_an_analysis_stays_frozen() -> None:
    analysis = analyse(NEWS, GAZETTEER)
    with pytest.raises(FrozenInstanceError):
        analysis.words = ()  # type: ignore[misc,assignment]
    with pytest.raises(TypeError):
        StoryAnalysis(NEWS, (), ())  # type: ignore[call-arg]
