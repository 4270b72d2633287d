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



# An attack told with no weapon word: fire turned on the site


def test_fired_on_a_site_is_an_attack_with_no_weapon_named(gazetteer: Gazetteer) -> None:
    # "Insurgents fired on" the airfield reports an attack though no weapon is named in its sentence.
    text = "Militants fired on Bagram Airfield late on Tuesday night, a coalition spokesman said."
    assert found(gazetteer, text, "2012-09-12T08:00:00+04:30") == [("bagram-air-base", date(2012, 9, 11))]


def test_indirect_fire_aimed_at_a_site_is_an_attack(gazetteer: Gazetteer) -> None:
    text = "Indirect fire aimed at Bagram Airfield on Monday killed two contractors, officials said."
    assert found(gazetteer, text, "2012-09-11T10:00:00+04:30") == [("bagram-air-base", date(2012, 9, 10))]


def test_fired_on_a_day_is_no_attack_word(gazetteer: Gazetteer) -> None:
    # "fired on Friday" names a day, not a target: a worker fired on Friday at the airfield is no attack.
    text = "A civilian worker at Bagram Airfield was fired on Friday after a dispute with his manager."
    assert found(gazetteer, text, "2012-09-15T10:00:00+04:30") == []


def test_a_zero_for_one_group_is_no_zero_when_some_were_wounded(gazetteer: Gazetteer) -> None:
    # "No U.S. troops were hurt" after "several Afghans were wounded" says nothing of the whole toll: no figure,
    # so it cannot beat another story's firmer count.
    text = ("Gunmen attacked Afghan guards at the main gate of Bagram Airfield early Monday. One guard was killed "
            "and several Afghans were wounded, a spokesman said. No U.S. troops were hurt.")
    (attack,) = attacks(gazetteer, text, "2012-09-10T15:00:00+04:30")
    assert (attack.site_id, attack.killed, attack.wounded) == ("bagram-air-base", 1, None)
