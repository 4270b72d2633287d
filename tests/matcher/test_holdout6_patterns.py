"""The patterns that the sixth held-out set (tests/corpus/real-holdout-6) found in its one untuned scoring, one
test each, named after the pattern (as in its labels.yaml header). The stories are our own words, labelled by
../shared/DOMAIN.md. Publish times carry their outlet's offset: Kabul is UTC+4:30."""

from __future__ import annotations

from datetime import date

from bot.matcher.attacks import find_attacks
from bot.matcher.sites import Gazetteer
from bot.models import Attack
from tests.conftest import make_story


def attacks(gazetteer: Gazetteer, text: str, published: str, title: str = "") -> list[Attack]:
    return find_attacks(make_story(text, published, title=title), gazetteer)


def found(gazetteer: Gazetteer, text: str, published: str, title: str = "") -> list[tuple[str, date | None]]:
    return sorted((a.site_id, a.day) for a in attacks(gazetteer, text, published, title))


# Site name: an airfield's kind word written as two words


def test_air_field_in_two_words_is_the_airfield(gazetteer: Gazetteer) -> None:
    # "Bagram Air Field" is Bagram Airfield, as "Bagram Air Base" already is: the wire's, the Gulf outlet's and the
    # reporter's stories named no site.
    text = "An early morning rocket attack on Bagram Air Field killed one person on Monday, NATO said."
    assert found(gazetteer, text, "2010-03-15T17:09:00+04:30") == [("bagram-air-base", date(2010, 3, 15))]

