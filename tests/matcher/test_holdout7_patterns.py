"""The patterns that the seventh held-out set (tests/corpus/real-holdout-7) found in its one untuned scoring, one
test each, named after the pattern (as in its labels.yaml header). The stories are our own words, labelled by
../shared/DOMAIN.md. Publish times carry their outlet's offset: Baghdad is UTC+3, Syria UTC+2 or +3."""

from __future__ import annotations

from datetime import date

from bot.matcher.sites import Gazetteer
from bot.processing import process_story
from tests.conftest import make_store, make_story
from tests.matcher.told import attacks, found

# The four-week rule: an attack told in passing with its day 15-28 days back


def test_an_attack_told_weeks_later_is_told_in_passing(gazetteer: Gazetteer) -> None:
    # Past RECENT_DAYS (14) but within the labels' four weeks: read, but only as a telling in passing.
    text = "On 6 January, three drones targeted Ain al-Asad air base and were shot down, the coalition said then."
    (attack,) = attacks(gazetteer, text, "2024-01-27T10:00:00+03:00")
    assert (attack.site_id, attack.day, attack.in_passing) == ("ain-al-asad", date(2024, 1, 6), True)


def test_an_attack_told_more_than_four_weeks_later_is_background(gazetteer: Gazetteer) -> None:
    text = "On 6 January, three drones targeted Ain al-Asad air base and were shot down, the coalition said then."
    assert found(gazetteer, text, "2024-02-10T10:00:00+03:00") == []


def test_an_attack_told_in_passing_is_a_source_of_its_incident_never_a_new_one(gazetteer: Gazetteer) -> None:
    store = make_store()
    wire = make_story("Three drones targeted Ain al-Asad air base early on Saturday and were shot down, the "
                      "coalition said.", "2024-01-06T11:00:00+03:00", url="https://wire.example/a")
    first = process_story(store, gazetteer, wire, now=wire.published)
    recap = ("A minister visited Baghdad on Saturday. On 6 January, three drones targeted Ain al-Asad air base, "
             "and on 9 January rockets struck Ain al-Asad air base, officials recalled.")
    daily = make_story(recap, "2024-01-27T10:00:00+03:00", url="https://daily.example/b", feed="Daily")
    later = process_story(store, gazetteer, daily, now=daily.published)
    assert [a.action for a in first] == ["new"]
    # A source of the 6 January incident; the 9 January attack, told first here 18 days on, opens nothing.
    assert [(a.action, a.incident_id, len(a.facts.sources)) for a in later] == [("update", first[0].incident_id, 2)]


# Listing: a site added with ", as well as"


def test_a_site_after_comma_as_well_as_is_one_of_the_list(gazetteer: Gazetteer) -> None:
    # The militia says it hit two bases, "as well as" a third: each is a target of the claim.
    text = ("A militia said its drones had struck the Rumailan base in Hasakah, as well as the al-Shaddadi base "
            "farther south, on Friday.")
    assert found(gazetteer, text, "2024-01-06T09:00:00+02:00") == [("al-shaddadi-base", date(2024, 1, 5)),
                                                                   ("rmeilan-airfield", date(2024, 1, 5))]


# Site name: the place where sirens sounded is not what was hit


def test_sirens_inside_a_site_are_no_attack_on_it(gazetteer: Gazetteer) -> None:
    # Blasts near the airport, alarms at the consulate: the consulate raised the alarm, it was not hit.
    text = ("People in Erbil heard two explosions near the airport and warning sirens inside the U.S. consulate "
            "compound on Monday night.")
    assert ("us-consulate-erbil", date(2025, 7, 14)) not in found(gazetteer, text, "2025-07-15T08:00:00+03:00")


def test_sirens_as_rockets_hit_a_site_are_still_an_attack(gazetteer: Gazetteer) -> None:
    text = "Sirens wailed on Monday as two rockets hit the U.S. consulate in Erbil."
    assert found(gazetteer, text, "2025-07-15T08:00:00+03:00") == [("us-consulate-erbil", date(2025, 7, 14))]


# Site name: a city's airport is not every "<city> base"


def test_city_base_is_not_the_city_airport(gazetteer: Gazetteer) -> None:
    # "Baghdad base" is a base somewhere in Baghdad; Baghdad International Airport needs "airport" or "air base".
    assert found(gazetteer, "Mortars hit a Baghdad base on Monday.", "2011-06-07T09:00:00+03:00",
                 title="Three soldiers hurt as mortars hit Baghdad base") == []


def test_city_air_base_is_still_the_city_airport(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "Mortars hit Baghdad air base on Monday.", "2011-06-07T09:00:00+03:00") == [
        ("baghdad-airport", date(2011, 6, 6))]


# Day: a report day ("the military said Thursday") gives way to the day a witness tells


def test_a_witness_day_dates_an_attack_told_only_with_its_report_day(gazetteer: Gazetteer) -> None:
    # "said Thursday" is when it was told; the guard at the base heard the blasts on Wednesday evening.
    text = ("Mortar rounds killed one soldier and wounded six at Camp Taji, the military said Thursday. A guard at "
            "the base said he heard five explosions after dark on Wednesday.")
    assert found(gazetteer, text, "2007-10-11T14:00:00+00:00") == [("camp-taji", date(2007, 10, 10))]


def test_a_later_telling_without_a_witness_keeps_the_report_day(gazetteer: Gazetteer) -> None:
    # No witness, no day of the attack: the day it was told (the story's own) stands.
    text = ("Mortar rounds killed one soldier and wounded six at Camp Taji, the military said Thursday. A guard at "
            "the base said security would be tightened after Wednesday's meeting.")
    assert found(gazetteer, text, "2007-10-11T14:00:00+00:00") == [("camp-taji", date(2007, 10, 11))]


# Fields: a unit's apposition between the people counted and their verb


def test_a_unit_apposition_does_not_cut_the_toll_from_its_verb(gazetteer: Gazetteer) -> None:
    text = ("Mortars struck Camp Taji on Saturday. Three soldiers of the 2nd Engineer Company, part of the Ohio "
            "National Guard's 37th Brigade, were killed.")
    (attack,) = attacks(gazetteer, text, "2004-04-25T09:00:00+03:00")
    assert (attack.site_id, attack.killed) == ("camp-taji", 3)



# Fields: a habit of the site told as background adds no weapon


def test_a_site_often_targeted_in_past_years_is_no_attack(gazetteer: Gazetteer) -> None:
    text = "Erbil airport has frequently been targeted by rockets and drones in recent years."
    assert found(gazetteer, text, "2025-07-15T09:00:00+03:00") == []


def test_a_habit_told_after_an_attack_adds_no_weapon_to_it(gazetteer: Gazetteer) -> None:
    text = ("On July 3, a drone was shot down near Erbil airport, officials said. Erbil airport was often targeted "
            "by rockets in past years.")
    (attack,) = attacks(gazetteer, text, "2025-07-15T09:00:00+03:00")
    assert (attack.site_id, attack.day, attack.weapons) == ("erbil-airport", date(2025, 7, 3), ("drone",))


# Fields: an attack named only to time another adds the other's weapons to nothing


def test_an_attack_named_to_time_another_takes_none_of_its_weapons(gazetteer: Gazetteer) -> None:
    # Tuesday's missiles on the field; the militia's drones and missiles struck the other bases.
    text = ("Missiles hit the al-Omar oil field on Tuesday evening. Shortly before the strike on al-Omar, a militia "
            "said its drones had hit the al-Shaddadi base.")
    told = {(a.site_id, a.day): a.weapons for a in attacks(gazetteer, text, "2024-01-03T10:00:00+02:00")}
    assert told == {("al-omar-oil-field", date(2024, 1, 2)): ("missile",),
                    ("al-shaddadi-base", date(2024, 1, 2)): ("drone",)}


# Fields: "indirect fire" names no weapon; the round told after it does


def test_the_round_named_after_indirect_fire_gives_the_weapons(gazetteer: Gazetteer) -> None:
    text = ("The base at Qayyarah West Airfield came under indirect fire on Tuesday, an official said. Nobody was "
            "hurt. Engineers later found a piece of the round, a mortar or a rocket, near the runway.")
    (attack,) = attacks(gazetteer, text, "2016-09-21T18:00:00+03:00")
    assert (attack.site_id, attack.day, set(attack.weapons)) == ("qayyarah-airfield", date(2016, 9, 20),
                                                                 {"mortar", "rocket"})


def test_indirect_fire_alone_names_no_weapon(gazetteer: Gazetteer) -> None:
    text = "The base at Qayyarah West Airfield came under indirect fire on Tuesday, an official said."
    (attack,) = attacks(gazetteer, text, "2016-09-21T18:00:00+03:00")
    assert attack.weapons == ()
