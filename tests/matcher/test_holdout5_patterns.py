"""The patterns that the fifth held-out set (tests/corpus/real-holdout-5) found in its one untuned scoring, one
test each, named after the pattern (numbers as in its labels.yaml header). The stories are our own words,
labelled by ../shared/DOMAIN.md. Publish times carry their outlet's offset: Baghdad, Erbil and Riyadh are UTC+3,
Abu Dhabi UTC+4."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.matcher.dates import find_days
from bot.matcher.sites import Gazetteer
from bot.matcher.stories import clean_text
from tests.matcher.told import attacks, found

# (1) Site name: a wire dateline's city is no part of the site's name


def test_a_dateline_city_is_not_where_the_embassy_name_starts(gazetteer: Gazetteer) -> None:
    # (1) The gazetteer matches the embassy from the dateline's "BAGHDAD" to "Embassy in Baghdad"; the words that
    # put the rockets at it ("fell near the") come after the dateline, before the embassy's own name, and so does
    # the day.
    text = "BAGHDAD (Agency) - Two rockets fell near the U.S. Embassy in Baghdad late on Monday, police said."
    assert found(gazetteer, text, "2020-01-07T06:00:00+03:00") == [("us-embassy-baghdad", date(2020, 1, 6))]
    (attack,) = attacks(gazetteer, text, "2020-01-07T06:00:00+03:00")
    assert attack.day_is_explicit


# (2) Day: a local clock time with no day, told after the site's midnight


def test_a_local_clock_time_later_than_the_publish_time_is_the_evening_before() -> None:
    # (2) "at around 11:45 p.m. local time" in a U.S. story served at 02:40 in Baghdad: the last 11:45 p.m. at the
    # site was the evening before; "at 1 a.m. local time" in the same story is that night, the publish day.
    published = datetime(2020, 1, 9, 2, 40, tzinfo=ZoneInfo("Asia/Baghdad"))
    (day,) = find_days("Two rockets landed near the embassy at around 11:45 p.m. local time.", published)
    assert day.day == date(2020, 1, 8) and not day.is_report_date
    (day,) = find_days("A drone was shot down at 1 a.m. local time, a spokesman wrote.", published)
    assert day.day == date(2020, 1, 9)


def test_an_attack_told_by_local_clock_time_has_its_own_day(gazetteer: Gazetteer) -> None:
    # (2) Told so, the day is stated, not guessed from the publish time: the report cannot join another day's
    # incident at the same site.
    text = ("Two small rockets landed near the U.S. Embassy in Baghdad at around 11:30 p.m. local time, a spokesman "
            "said.")
    (attack,) = attacks(gazetteer, text, "2020-01-08T18:40:00-05:00")
    assert (attack.site_id, attack.day, attack.day_is_explicit) == ("us-embassy-baghdad", date(2020, 1, 8), True)


# (3) Story text and site role: a credited paragraph that quotes its source; a base hosting troops at the site


def test_a_paragraph_that_quotes_its_source_before_a_photo_credit_is_the_story() -> None:
    # (3) Some syndicates print a photo credit after paragraphs of the story itself; a caption shows a scene, it
    # does not end in who said it.
    story = ("<p>Drones struck the base on Tuesday, causing no casualties, a security official said. (Photo: AFP)</p>"
             "<p>The base has hosted coalition advisers since 2014.</p>")
    assert clean_text(story).startswith("Drones struck the base on Tuesday, causing no casualties, a security official")
    assert "(Photo" not in clean_text(story)
    caption = ("<p>A soldier stands guard at the gate of the base in May 2021. (Photo: AFP)</p>"
               "<p>The base has hosted coalition advisers since 2014.</p>")
    assert "soldier" not in clean_text(caption)


def test_a_base_hosting_troops_at_the_site_is_the_site_that_was_hit(gazetteer: Gazetteer) -> None:
    # (3) "a base hosting US troops at X": the troops are there, the rockets hit it; not fire from X.
    text = ("Two rockets hit an Iraqi base hosting U.S. troops at Baghdad International Airport on Tuesday, officials "
            "said.")
    assert found(gazetteer, text, "2022-01-04T20:00:00+03:00") == [("baghdad-airport", date(2022, 1, 4))]


# (4) Background: a crowd that stormed a site, told as what came before


def test_protesters_storming_an_embassy_are_no_armed_attack_on_it(gazetteer: Gazetteer) -> None:
    # (4) The strikes in the sentence hit the militia, and the crowd carried no weapon of DOMAIN.md's list.
    text = ("The rockets came a week after protesters stormed the U.S. Embassy compound in Baghdad following U.S. air "
            "strikes on a militia.")
    assert found(gazetteer, text, "2020-01-05T20:00:00+03:00") == []
    text = "Rockets struck the U.S. Embassy compound in Baghdad on Sunday, security sources said."
    assert found(gazetteer, text, "2020-01-05T20:00:00+03:00") == [("us-embassy-baghdad", date(2020, 1, 5))]


# (5) Background: "has been hit ... before"


def test_a_site_hit_before_is_history_not_a_report(gazetteer: Gazetteer) -> None:
    # (5) The present perfect with "before" tells earlier attacks, undated: no incident on the publish day.
    for text in ("Militia drones have hit Erbil International Airport before, officials said.",
                 "The al-Tanf garrison has been struck twice before by Russian jets."):
        assert found(gazetteer, text, "2021-10-27T10:00:00+03:00") == [], text
    text = "Militia drones hit Erbil International Airport on Tuesday, officials said."
    assert found(gazetteer, text, "2021-10-27T10:00:00+03:00") == [("erbil-airport", date(2021, 10, 26))]


# (6) Not an attack: aircraft that land at a site


def test_fighter_jets_landing_at_a_base_are_a_delivery(gazetteer: Gazetteer) -> None:
    # (6) Rockets that land hit; jets that land arrive.
    text = "Six F-35 fighter jets landed at Al Dhafra Air Base on Monday, the air force said."
    assert found(gazetteer, text, "2019-04-16T12:00:00+04:00") == []
    text = "Two drones landed at Al Dhafra Air Base on Monday and exploded, the ministry said."
    assert found(gazetteer, text, "2019-04-16T12:00:00+04:00") == [("al-dhafra-air-base", date(2019, 4, 15))]


# (7) Not an attack: weapons seized before they were used


def test_weapons_seized_near_a_site_are_no_attack(gazetteer: Gazetteer) -> None:
    # (7) A seizure names weapons, a place and a raid (the police's), and nothing was fired.
    assert found(gazetteer, "", "2020-06-15T12:00:00+03:00", title="Police seize bomb cars in Camp Taji raid") == []
    assert found(gazetteer, "Police raided a farm at Camp Taji on Sunday and seized three rockets and a launcher.",
                 "2020-06-15T12:00:00+03:00") == []
    text = "Rockets hit Camp Taji on Sunday; police later seized the launcher in a nearby orchard."
    assert found(gazetteer, text, "2020-06-15T12:00:00+03:00") == [("camp-taji", date(2020, 6, 14))]


# Fields: whose toll a sentence tells


def test_the_toll_of_fire_from_the_site_is_not_the_attacks(gazetteer: Gazetteer) -> None:
    # (fields) Forces at the base fire back at a village: the four wounded are that fire's, not the rockets'.
    text = ("Rockets fell on the U.S. base at the Conoco gas field on Monday evening. U.S. forces at the base then "
            "shelled a nearby village, wounding four civilians.")
    (attack,) = attacks(gazetteer, text, "2024-10-14T21:00:00+03:00")
    assert (attack.site_id, attack.wounded) == ("conoco-gas-field", None)
    text = "Rockets fell on the U.S. base at the Conoco gas field on Monday. Two soldiers at the base were hurt."
    (attack,) = attacks(gazetteer, text, "2024-10-14T21:00:00+03:00")
    assert attack.wounded == 2


def test_a_defender_killed_is_the_attacks_toll(gazetteer: Gazetteer) -> None:
    # (fields) "one defender was killed": one of the site's people (the attackers are not counted).
    text = ("Suicide bombers attacked the rebel base at al-Tanf at dawn on Sunday. A rebel said one defender was "
            "killed and several wounded.")
    (attack,) = attacks(gazetteer, text, "2016-08-07T16:30:00+03:00")
    assert (attack.site_id, attack.killed) == ("al-tanf", 1)
