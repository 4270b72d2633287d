"""The patterns that the ninth held-out set (tests/corpus/real-holdout-9) found in its one untuned scoring, one
test each, named after the pattern (as in its labels.yaml header). The stories are our own words, labelled by
../shared/DOMAIN.md. Publish times carry their outlet's offset: Baghdad and Erbil are UTC+3."""

from __future__ import annotations

from datetime import date

from bot.matcher.sites import Gazetteer
from tests.matcher.told import found

# Site name: another country's consulate in the site's city


def test_another_countrys_consulate_is_not_the_us_one(gazetteer: Gazetteer) -> None:
    # "United" is one of the U.S.'s words, but the nationality nearest "consulate" is the Emirates': not the U.S.
    # consulate in Erbil.
    text = ("Two explosive drones were aimed at the United Arab Emirates consulate in Erbil on Sunday, "
            "Kurdish officials said.")
    assert found(gazetteer, text, "2026-03-09T09:00:00+03:00") == []


def test_the_us_consulate_in_the_same_city_is_still_the_site(gazetteer: Gazetteer) -> None:
    text = "Two explosive drones were aimed at the United States consulate in Erbil on Sunday, officials said."
    assert found(gazetteer, text, "2026-03-09T09:00:00+03:00") == [("us-consulate-erbil", date(2026, 3, 8))]


def test_the_consulate_after_another_countrys_consulate_is_that_one(gazetteer: Gazetteer) -> None:
    # "the consulate" refers back to the Emirati consulate just told, not to the U.S. consulate of the first
    # sentence: no attack of Saturday on the site, and the first sentence's drone keeps the publish day.
    title = "Drone downed near US consulate in Erbil"
    text = ("A drone was shot down near the US Consulate in Erbil, security sources said. "
            "Air defences have been busy over the city for a week. "
            "The regional government counts more than a hundred drones since the war began. "
            "On Saturday, wreckage of a drone fell beside the UAE consulate, and Abu Dhabi denounced the attack "
            "on the consulate.")
    assert found(gazetteer, text, "2026-03-10T18:00:00+03:00", title) == [("us-consulate-erbil", date(2026, 3, 10))]
