"""Patterns that real reporting on the Iraqi sites showed (tests/corpus/real-iraq), each in a small story of our
own, labelled by ../shared/DOMAIN.md. Baghdad is UTC+3: publish times below are UTC."""

from __future__ import annotations

from datetime import date

import pytest

from bot.matcher.casualties import count_casualties
from bot.matcher.sites import Gazetteer
from bot.matcher.stories import clean_text
from tests.matcher.told import attacks


def days(gazetteer: Gazetteer, text: str, published: str, title: str = "") -> list[tuple[str, date | None]]:
    return [(a.site_id, a.day) for a in attacks(gazetteer, text, published, title)]


# Text on the page that is not the story


def test_photo_caption_is_not_the_story(gazetteer: Gazetteer) -> None:
    text = ("<figure><figcaption>An Iraqi F-16 fighter jet parked at Balad Airbase. (Photo: AFP)"
            "</figcaption></figure><p>Officials at the base said the new runway will open in May.</p>")
    assert days(gazetteer, text, "2022-03-18T06:00:00+00:00") == []


def test_file_photo_line_is_dropped() -> None:
    assert clean_text("<p>FILE PHOTO: Camp Taji</p><p>Rockets hit the base.</p>") == "Rockets hit the base."


def test_linked_headline_is_not_the_story(gazetteer: Gazetteer) -> None:
    text = ("<p>Two rockets landed near the U.S. embassy in Baghdad early on Tuesday. No one was hurt.</p>"
            "<p>Also read: U.S. drone strike near Baghdad airport kills Soleimani</p>")
    assert days(gazetteer, text, "2020-01-21T06:00:00+00:00") == [("us-embassy-baghdad", date(2020, 1, 21))]


def test_page_clock_is_not_the_story() -> None:
    assert clean_text("<p>Tuesday, January 18, 2022</p><p>Rockets hit Balad air base on 9th June.</p>") == (
        "Rockets hit Balad air base on 9th June.")


# Days


def test_dateline_is_not_the_attack_day(gazetteer: Gazetteer) -> None:
    assert days(gazetteer, "Baghdad March 18 2022: Balad Air Base, Iraq's largest, was struck by four rockets "
                           "late on Thursday, a security source said.", "2022-03-18T06:15:00+00:00") == [
        ("balad-air-base", date(2022, 3, 17))]


def test_dateline_with_a_colon_is_not_the_attack_day(gazetteer: Gazetteer) -> None:
    assert days(gazetteer, "Baghdad June 26 2022: The Khor Mor gas field came under rocket fire on June 25, "
                           "local media said.", "2022-06-26T09:30:00+00:00") == [
        ("khor-mor-gas-field", date(2022, 6, 25))]


def test_weekday_before_a_date_is_that_date(gazetteer: Gazetteer) -> None:
    assert days(gazetteer, "Friday 5 January: a one-way attack drone hit Harir air base; no casualties.",
                "2024-01-12T09:30:00+00:00") == [("harir-air-base", date(2024, 1, 5))]


def test_a_year_ago_today_is_background(gazetteer: Gazetteer) -> None:
    text = ("A year ago today, Iran fired ballistic missiles at Ain al-Asad air base. "
            "Eleven missiles struck the base.")
    assert days(gazetteer, text, "2021-01-08T06:00:00+00:00") == []


def test_targeted_several_times_in_the_past_is_no_attack(gazetteer: Gazetteer) -> None:
    text = ("Erbil International Airport will resume night flights next month. The airport has been targeted "
            "by rockets and drones several times in the past.")
    assert days(gazetteer, text, "2024-03-19T07:00:00+00:00") == []


def test_at_dawn_is_the_publish_day_and_the_motive_date_is_not(gazetteer: Gazetteer) -> None:
    text = ("TEHRAN, Jan. 8 (PH) - The IRGC targeted the U.S.-occupied Ain al-Assad base with dozens of "
            "missiles at dawn. The operation was carried out in revenge for the January 3 assassination of "
            "General Soleimani by a U.S. drone near Baghdad International Airport.")
    assert days(gazetteer, text, "2020-01-08T01:00:00+00:00") == [("ain-al-asad", date(2020, 1, 8))]


def test_us_outlet_today_after_local_midnight_keeps_the_named_day(gazetteer: Gazetteer) -> None:
    # 17:26 in Washington is 00:26 on Tuesday in Iraq: the quote's "today" is Monday there.
    text = ("Several U.S. personnel were injured Monday in a suspected rocket attack on Al-Asad Airbase in Iraq. "
            "\"We can confirm a suspected rocket attack today against U.S. forces at Al-Asad Airbase,\" the "
            "official said.")
    assert days(gazetteer, text, "2024-08-05T21:26:00+00:00") == [("ain-al-asad", date(2024, 8, 5))]


def test_today_told_again_is_a_new_attack_beside_a_named_day(gazetteer: Gazetteer) -> None:
    text = ("The Khor Mor gas field has been hit by rockets twice in two days. At about 4:00 am today the field "
            "was attacked again. Friday's attack on the Khor Mor field caused no damage.")
    assert sorted(days(gazetteer, text, "2022-06-25T07:25:00+00:00")) == [
        ("khor-mor-gas-field", date(2022, 6, 24)), ("khor-mor-gas-field", date(2022, 6, 25))]


def test_two_days_joined_are_two_attacks_and_the_day_before_them_is_not_theirs(gazetteer: Gazetteer) -> None:
    text = ("Dana Gas said that, following the incident of 22 June, two more rockets landed within the Khor Mor "
            "block on 24 June 2022 and 25 June 2022 respectively. There were no injuries.")
    assert sorted(days(gazetteer, text, "2022-06-26T05:00:00+00:00")) == [
        ("khor-mor-gas-field", date(2022, 6, 24)), ("khor-mor-gas-field", date(2022, 6, 25))]


# Not an attack on the site


def test_motive_killing_at_a_site_is_not_an_attack_on_it(gazetteer: Gazetteer) -> None:
    text = ("Iran fired ballistic missiles early on Wednesday at Ain al-Asad air base. The Guards said the "
            "strikes avenged the January 3 killing of Qassem Soleimani in a U.S. drone strike at Baghdad airport.")
    assert days(gazetteer, text, "2020-01-08T02:40:00+00:00") == [("ain-al-asad", date(2020, 1, 8))]


def test_launcher_destroyed_before_it_fired_is_not_an_attack(gazetteer: Gazetteer) -> None:
    text = ("A U.S. airstrike late on Monday destroyed a truck-mounted rocket launcher about 7 km east of "
            "Ain al-Asad air base before it could fire.")
    assert days(gazetteer, text, "2024-01-09T08:00:00+00:00",
                title="U.S. airstrike destroys rocket launcher aimed at Ain al-Asad") == []


def test_rockets_fired_from_a_base_are_not_an_attack_on_it(gazetteer: Gazetteer) -> None:
    text = ("U.S. Army rocket artillery based at Qayyarah Airfield West fired dozens of rockets at Islamic "
            "State positions around Hawija on Thursday. The rocket systems at Q-West have fired more than 400 "
            "rockets since the campaign began.")
    assert days(gazetteer, text, "2017-09-21T15:00:00+00:00") == []


def test_denial_that_dismisses_reports_is_not_an_attack(gazetteer: Gazetteer) -> None:
    text = "The field has been the target of many drone and rocket attacks previously."
    assert days(gazetteer, text, "2023-01-27T11:32:00+00:00",
                title="Kurdish official dismisses reports of an attack on Khor Mor as \"unfounded\"") == []


def test_a_base_near_erbil_is_not_erbil_airport(gazetteer: Gazetteer) -> None:
    text = "An armed drone targeted al-Harir airbase, which hosts U.S. forces near Erbil, on Saturday."
    assert days(gazetteer, text, "2023-12-30T17:45:00+00:00", title="Armed drone hits US base near Erbil") == [
        ("harir-air-base", date(2023, 12, 30))]


def test_site_as_one_item_of_a_list(gazetteer: Gazetteer) -> None:
    text = ("A rocket landed at dawn on Wednesday at a camp housing workers of the Rumaila and Zubair oil fields "
            "west of Basra, wounding three Iraqi workers.")
    assert [(a.site_id, a.day, a.wounded) for a in attacks(gazetteer, text, "2019-06-19T08:20:00+00:00")] == [
        ("rumaila-oil-field", date(2019, 6, 19), 3)]


# Figures


def test_figures_of_what_the_attack_followed_are_not_its_own(gazetteer: Gazetteer) -> None:
    text = ("Three drones heading for the coalition base at Erbil International Airport were destroyed on "
            "Tuesday at 05:05. This comes after the missile strike on Erbil on Monday night, which killed four "
            "civilians and wounded six.")
    assert [(a.day, a.killed, a.wounded) for a in attacks(gazetteer, text, "2024-01-16T06:10:00+00:00")] == [
        (date(2024, 1, 16), None, None)]


def test_last_weeks_attack_toll_is_not_this_attacks(gazetteer: Gazetteer) -> None:
    text = ("At least 25 rockets hit Camp Taji on Saturday. Three U.S. service members, two of them seriously, "
            "and two Iraqi soldiers were wounded. Last week's attack on the same base killed two U.S. personnel "
            "and triggered U.S. airstrikes.")
    found = attacks(gazetteer, text, "2020-03-14T21:30:00+00:00")
    assert [(a.day, a.weapons, a.killed, a.wounded) for a in found] == [(date(2020, 3, 14), ("rocket",), None, 5)]


def test_tally_of_attacks_is_not_the_toll(gazetteer: Gazetteer) -> None:
    text = ("Three rockets hit Balad air base on Wednesday. At least three foreign subcontractors and one Iraqi "
            "have been wounded in attacks on the base this year.")
    assert [(a.wounded) for a in attacks(gazetteer, text, "2021-06-09T20:40:00+00:00")] == [None]


def test_toll_in_the_other_clause_of_a_sentence_about_one_site(gazetteer: Gazetteer) -> None:
    text = ("At least two missiles were aimed at Erbil's airport; one landed near the airport without exploding, "
            "and there were no casualties there.")
    assert [(a.killed, a.wounded) for a in attacks(gazetteer, text, "2020-01-08T02:40:00+00:00")] == [(0, 0)]


@pytest.mark.parametrize(("sentence", "killed", "wounded"), [
    ("Rockets struck the base, killing two Americans and a British soldier.", 3, None),
    ("Two officers and two airmen were hurt.", None, 4),
    ("Three U.S. service members, two of them seriously, and two Iraqi soldiers were wounded.", None, 5),
    ("It wounded four U.S. service members and two Iraqi federal police officers.", None, 6),
])
def test_parts_add_up(sentence: str, killed: int | None, wounded: int | None) -> None:
    toll = count_casualties(sentence)
    assert (toll.killed, toll.wounded) == (killed, wounded)


def test_later_raised_figure_wins() -> None:
    toll = count_casualties("The coalition first put the number of wounded at 12, a figure it later raised to 14.")
    assert (toll.wounded, toll.superseded) == (14, False)


def test_no_one_was_hurt_is_zero_and_zero() -> None:
    toll = count_casualties("No one was hurt, two security officials said.")
    assert (toll.killed, toll.wounded) == (0, 0)


def test_air_defences_at_a_site_intercepting_a_drone_is_an_attack_on_it(gazetteer: Gazetteer) -> None:
    text = ("A drone struck Victoria Base inside Baghdad International Airport, a source said on Wednesday. "
            "Air defences at the base, which hosts a U.S. logistics centre, downed another drone late Sunday.")
    assert sorted(days(gazetteer, text, "2026-03-04T05:37:00+00:00")) == [
        ("baghdad-airport", date(2026, 3, 1)), ("baghdad-airport", date(2026, 3, 4))]


def test_a_place_home_to_the_embassy_is_not_the_embassy(gazetteer: Gazetteer) -> None:
    text = ("Two projectiles struck near the Baghdad Operations Command in Baghdad's Green Zone, home to the U.S. "
            "Embassy, late on Wednesday, the military said.")
    assert days(gazetteer, text, "2020-03-26T09:00:00+00:00") == []


def test_defenders_fire_at_a_drone_is_not_the_attacks_weapon(gazetteer: Gazetteer) -> None:
    text = ("Iraqi Kurdish forces opened fire on a drone attempting to approach the Khor Mor gas field in Iraq's "
            "Kurdistan region late Sunday night, two security sources said.")
    assert [a.weapons for a in attacks(gazetteer, text, "2025-11-23T21:58:00+00:00")] == [("drone",)]


def test_weapon_corrected_away_is_not_the_attacks(gazetteer: Gazetteer) -> None:
    text = "A security official said two rockets, not drones, fell inside the Baghdad airport base on Friday."
    assert [a.weapons for a in attacks(gazetteer, text, "2026-03-06T21:50:00+00:00")] == [("rocket",)]


# Patterns where the real-iraq and real-region tuning met (merge of the two branches)


def test_a_named_base_in_erbil_province_is_not_erbil_airport(gazetteer: Gazetteer) -> None:
    text = "A weaponized drone struck Harir air base in Erbil province on Friday, officials said."
    assert days(gazetteer, text, "2024-01-05T16:40:00+00:00") == [("harir-air-base", date(2024, 1, 5))]


def test_no_injuries_after_two_joined_days_holds_for_each(gazetteer: Gazetteer) -> None:
    text = ("Two more rockets landed within the Khor Mor block on 24 June 2022 and 25 June 2022 respectively. "
            "There were no injuries.")
    assert sorted((a.day, a.killed, a.wounded) for a in attacks(gazetteer, text, "2022-06-26T05:00:00+00:00")) == [
        (date(2022, 6, 24), 0, 0), (date(2022, 6, 25), 0, 0)]


def test_days_joined_by_and_again_are_two_attacks(gazetteer: Gazetteer) -> None:
    text = "Drones struck Ain al-Asad air base on Monday and again on Tuesday, the coalition said."
    assert sorted(days(gazetteer, text, "2024-01-10T08:00:00+00:00")) == [
        ("ain-al-asad", date(2024, 1, 8)), ("ain-al-asad", date(2024, 1, 9))]


def test_no_one_hurt_in_the_attacks_told_is_their_toll(gazetteer: Gazetteer) -> None:
    text = "Three rockets hit Balad air base on Wednesday. No one was hurt in the attacks, officials said."
    assert [(a.killed, a.wounded) for a in attacks(gazetteer, text, "2021-06-09T20:40:00+00:00")] == [(0, 0)]


def test_spun_tally_of_assaults_is_not_the_toll(gazetteer: Gazetteer) -> None:
    text = ("Three rockets hit Balad air base on Wednesday. Not less than three overseas subcontractors and one Iraqi "
            "subcontractor have been wounded in assaults on Balad this 12 months.")
    assert [(a.wounded) for a in attacks(gazetteer, text, "2021-06-09T20:40:00+00:00")] == [None]
