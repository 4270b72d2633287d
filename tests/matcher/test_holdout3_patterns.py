"""The patterns that the third held-out set (tests/corpus/real-holdout-3) found in its one untuned scoring, one
test each, named after the pattern. The stories are our own words, labelled by ../shared/DOMAIN.md. Publish
times carry their outlet's offset: Baghdad, Damascus and Doha are UTC+3, Kabul UTC+4:30, New Delhi UTC+5:30."""

from __future__ import annotations

from datetime import date

from bot.matcher.attacks import find_attacks
from bot.matcher.casualties import count_casualties
from bot.matcher.sites import Gazetteer
from bot.models import Attack
from tests.conftest import make_story


def attacks(gazetteer: Gazetteer, text: str, published: str, title: str = "") -> list[Attack]:
    return find_attacks(make_story(text, published, title=title), gazetteer)


def found(gazetteer: Gazetteer, text: str, published: str, title: str = "") -> list[tuple[str, date | None]]:
    return sorted((a.site_id, a.day) for a in attacks(gazetteer, text, published, title))


# Tolls


def test_no_casualties_reported_wordings_are_zero_and_zero() -> None:
    # (13) None reported is none (DOMAIN.md: "no casualties", "no injuries" are 0 and 0), typos and machine
    # translation included.
    for sentence in ("Officials said there were no reports of damage or injuries at the terminal.",
                     "There were no immediate reports of casualties, the police added.",
                     "No causality has reported so far, the source told the channel.",
                     "No casualty was reported among the guards.",
                     "Dead or wounded among the workers were not reported, the statement said.",
                     "Casualties were not reported."):
        toll = count_casualties(sentence)
        assert (toll.killed, toll.wounded) == (0, 0), sentence


def test_no_reports_of_deaths_leaves_the_wounded_open() -> None:
    toll = count_casualties("Two guards were wounded; there were no reports of deaths.")
    assert (toll.killed, toll.wounded) == (0, 2)
