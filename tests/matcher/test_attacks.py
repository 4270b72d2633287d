"""Attack extraction, labelled by ../shared/DOMAIN.md."""

from datetime import date

import pytest

from bot.matcher.attacks import find_attacks
from bot.matcher.sites import Gazetteer
from tests.conftest import make_story


def attacks_of(gazetteer: Gazetteer, text: str, **kwargs: str) -> list[tuple[str, date | None]]:
    return [(a.site_id, a.day) for a in find_attacks(make_story(text, **kwargs), gazetteer)]


def test_rocket_attack_with_day_is_found(gazetteer: Gazetteer) -> None:
    attacks = find_attacks(make_story("Three rockets struck Ain al-Asad air base on Wednesday, wounding two "
                                      "contractors, officials said."), gazetteer)
    assert [(a.site_id, a.day, a.weapons, a.killed, a.wounded) for a in attacks] == [
        ("ain-al-asad", date(2021, 7, 7), ("rocket",), None, 2)]


def test_intercepted_drone_near_airport_is_an_attack(gazetteer: Gazetteer) -> None:
    assert attacks_of(gazetteer, "A drone was shot down near Erbil airport early Thursday, "
                                 "Kurdish officials said.") == [("erbil-airport", date(2021, 7, 8))]


def test_visit_is_not_an_attack(gazetteer: Gazetteer) -> None:
    assert attacks_of(gazetteer, "The defence minister visited Ain al-Asad air base on Wednesday to meet "
                                 "troops.") == []


def test_exercise_is_not_an_attack(gazetteer: Gazetteer) -> None:
    assert attacks_of(gazetteer, "Troops held a live-fire exercise at Al-Tanf garrison on Monday.") == []


def test_strike_launched_from_a_base_is_not_an_attack_on_it(gazetteer: Gazetteer) -> None:
    assert attacks_of(gazetteer, "U.S. warplanes that took off from Al Udeid Air Base struck militia "
                                 "depots near Albu Kamal on Tuesday.") == []


def test_old_attack_told_as_background_is_not_an_attack(gazetteer: Gazetteer) -> None:
    assert attacks_of(gazetteer, "Ain al-Asad was hit by Iranian ballistic missiles in January 2020, "
                                 "injuring more than 100 troops.") == []


def test_denial_without_attack_is_not_an_attack(gazetteer: Gazetteer) -> None:
    assert attacks_of(gazetteer, "Kataib Hezbollah denied it planned to attack the U.S. embassy in Baghdad.") == []


def test_threat_is_not_an_attack(gazetteer: Gazetteer) -> None:
    assert attacks_of(gazetteer, "The militia warned it could target Erbil airport with drones.") == []


def test_general_analysis_is_not_an_attack(gazetteer: Gazetteer) -> None:
    assert attacks_of(gazetteer, "Dozens of attacks on bases such as Ain al-Asad have followed since "
                                 "October, analysts say.") == []


def test_assad_the_president_is_not_the_base(gazetteer: Gazetteer) -> None:
    assert attacks_of(gazetteer, "Bashar al-Assad's forces shelled rebel positions on Wednesday.") == []


def test_later_reference_to_the_base_carries_the_toll(gazetteer: Gazetteer) -> None:
    attacks = find_attacks(make_story(
        "Rockets were fired at Ain al-Asad on Wednesday, officials said.\n\n"
        "Two rockets landed inside the base, wounding three contractors."), gazetteer)
    assert [(a.site_id, a.day, a.wounded) for a in attacks] == [("ain-al-asad", date(2021, 7, 7), 3)]


def test_roundup_gives_one_attack_per_site_and_day(gazetteer: Gazetteer) -> None:
    text = ("Rockets hit Ain al-Asad air base on Wednesday, wounding two.\n\n"
            "On Tuesday, a drone struck Erbil airport.\n\n"
            "Three rockets also landed in Ain Al-Assad on Monday without causing any casualties.")
    assert sorted(attacks_of(gazetteer, text)) == [
        ("ain-al-asad", date(2021, 7, 5)), ("ain-al-asad", date(2021, 7, 7)), ("erbil-airport", date(2021, 7, 6))]


def test_attack_near_but_not_at_the_site(gazetteer: Gazetteer) -> None:
    assert attacks_of(gazetteer, "A roadside bomb hit a convoy in Erbil city on Tuesday.") == []


def test_claim_of_responsibility(gazetteer: Gazetteer) -> None:
    attacks = find_attacks(make_story(
        "A drone hit Erbil airport on Wednesday. Saraya Awliya al-Dam claimed responsibility for the attack."),
        gazetteer)
    assert attacks[0].claim == "Saraya Awliya al-Dam"


def test_present_tense_report_without_day_is_publish_day(gazetteer: Gazetteer) -> None:
    # Published 23:10 UTC Wednesday = Thursday 02:10 in Baghdad.
    attacks = attacks_of(gazetteer, "Sirens sound as rockets hit the U.S. embassy in Baghdad.",
                         published="2021-07-07T23:10:00+00:00")
    assert attacks == [("us-embassy-baghdad", date(2021, 7, 8))]


def test_shared_worked_example_gives_its_five_incidents(gazetteer: Gazetteer) -> None:
    from bot.config import load_config
    from bot.feeds.parse import parse_feed
    from tests.conftest import SHARED_EXAMPLES

    example_sites = Gazetteer(load_config(SHARED_EXAMPLES / "config.yaml").site_records())
    story = parse_feed((SHARED_EXAMPLES / "seed-feed.xml").read_bytes(), "seed").stories[0]
    found = {(a.site_id, a.day, a.weapons, a.killed, a.wounded) for a in find_attacks(story, example_sites)}
    assert found == {
        ("ain-al-asad", date(2021, 7, 7), ("rocket",), None, 2),
        ("us-embassy-baghdad", date(2021, 7, 8), ("rocket",), None, None),
        ("al-omar-oil-field", date(2021, 7, 7), ("drone",), 0, 0),  # README: "no members ... were injured" is 0 and 0
        ("erbil-airport", date(2021, 7, 6), ("drone",), None, None),
        ("ain-al-asad", date(2021, 7, 5), ("rocket",), 0, 0),
    }


def test_attack_on_a_site_written_with_its_article(gazetteer: Gazetteer) -> None:
    assert attacks_of(gazetteer, "A drone attack on the U.S. garrison at al-Tanf was repelled on Sunday.") == [
        ("al-tanf", date(2021, 7, 4))]


def test_troops_at_a_site_attacked_are_an_attack_on_it(gazetteer: Gazetteer) -> None:
    assert attacks_of(gazetteer, "U.S. troops at al-Tanf garrison were attacked by two drones on Monday, the "
                                 "Pentagon said.") == [("al-tanf", date(2021, 7, 5))]


def test_jets_from_a_base_strike_elsewhere(gazetteer: Gazetteer) -> None:
    assert attacks_of(gazetteer, "Jets flying from Muwaffaq Salti Air Base bombed Islamic State positions in "
                                 "Syria on Tuesday.") == []


def test_places_beside_a_site_are_not_the_site(gazetteer: Gazetteer) -> None:
    assert attacks_of(gazetteer, "A drone struck the popular market in the centre of the city of al-Shaddadi "
                                 "this afternoon, injuring three civilians.") == []
    assert attacks_of(gazetteer, "Drone hits Peshmerga checkpoint near Khor Mor, two fighters wounded.") == []
    assert attacks_of(gazetteer, "The missiles hit an empty plot about two kilometres from the compound of the new "
                                 "U.S. consulate in Erbil on Monday.") == []


def test_ruled_out_and_retracted_attacks(gazetteer: Gazetteer) -> None:
    assert attacks_of(gazetteer, "The SDF ruled out an attack at the Koniko gas field, denying reports that a drone "
                                 "had struck the plant on Tuesday.") == []
    assert attacks_of(gazetteer, "Jordan initially said the attack had targeted the al-Tanf base on Sunday.") == []


def test_a_claimed_attack_on_a_listed_target_is_reported(gazetteer: Gazetteer) -> None:
    claim = "The group said it launched drones at dawn on Sunday at three targets: the al-Shaddadi and Rukban bases."
    assert attacks_of(gazetteer, claim) == [("al-shaddadi-base", date(2021, 7, 4))]


def test_day_of_the_provocation_is_not_the_day_of_the_attack(gazetteer: Gazetteer) -> None:
    assert attacks_of(gazetteer, "Iran's Revolutionary Guards said they had targeted al-Udeid, the largest U.S. base "
                                 "in the region, in response to U.S. strikes on Iranian nuclear sites on Sunday.",
                      published="2021-07-05T17:00:00+00:00") == [("al-udeid-air-base", date(2021, 7, 5))]


def test_verb_whose_object_is_the_site(gazetteer: Gazetteer) -> None:
    text = "Drones targeted U.S. forces at the al-Tanf garrison on Wednesday. The second struck the garrison."
    assert attacks_of(gazetteer, text) == [("al-tanf", date(2021, 7, 7))]


def test_weapon_named_near_the_site_not_in_a_later_aside(gazetteer: Gazetteer) -> None:
    (attack,) = find_attacks(make_story(
        "A drone was shot down near the new U.S. consulate compound in Erbil early on Thursday, Kurdish officials "
        "said, capping a week in which rockets and drones targeted sites used by U.S. forces and diplomats in Iraq."),
        gazetteer)
    assert attack.weapons == ("drone",)


def test_claimed_bombing_is_not_an_explosive_by_itself(gazetteer: Gazetteer) -> None:
    (attack,) = find_attacks(make_story("Mortar shells hit Camp Taji on Wednesday. A little-known group claimed "
                                        "responsibility for the bombing."), gazetteer)
    assert attack.weapons == ("mortar",)


@pytest.mark.parametrize(("text", "site"), [
    ("Rocket attack targets Iraq's Ain al-Asad airbase hosting US troops.", "ain-al-asad"),
    ("US forces in Syria's al-Omar oil field attacked by drones.", "al-omar-oil-field"),
    ("Ain al-Asad air base, which hosts U.S. troops, was hit by five rockets on Thursday.", "ain-al-asad"),
    ("Explosions heard near US embassy in Baghdad as C-RAM fires.", "us-embassy-baghdad"),
    ("The Islamic Resistance in Iraq said it targeted the Koniko base with drones on Thursday.", "conoco-gas-field"),
])
def test_headline_and_wire_phrasings(gazetteer: Gazetteer, text: str, site: str) -> None:
    assert attacks_of(gazetteer, text) == [(site, date(2021, 7, 8))]


def test_a_convoy_bound_for_a_base_is_not_the_base(gazetteer: Gazetteer) -> None:
    assert attacks_of(gazetteer, "Convoy bound for Ain al-Asad hit by roadside bomb on Wednesday.") == []


def test_claim_by_a_group_calling_itself_and_claim_told_later(gazetteer: Gazetteer) -> None:
    (attack,) = find_attacks(make_story(
        "Rockets hit Erbil airport on Monday. A little-known group calling itself Saraya Awliya al-Dam (Guardians "
        "of the Blood Brigade) claimed responsibility on Telegram."), gazetteer)
    assert attack.claim == "Saraya Awliya al-Dam"
    (attack,) = find_attacks(make_story(
        "Two drones targeted the al-Tanf garrison on Wednesday. Nobody was hurt. The Pentagon said it was "
        "assessing the damage. Officials blamed Iran. The Islamic Resistance in Iraq claimed the attack."), gazetteer)
    assert attack.claim == "Islamic Resistance in Iraq"


def test_a_base_told_again_by_its_place_alone_reports_its_own_attack(gazetteer: Gazetteer) -> None:
    # The lead names the base whole; a later sentence tells an earlier attack on it by the place's name alone.
    story = make_story("Militants fired two drones at the U.S. Harir air base on Friday, officials said. On "
                       "Wednesday, Harir, where coalition advisers are based, was also targeted by a drone, local "
                       "sources added.", "2023-10-21T09:00:00+03:00")
    assert sorted((a.site_id, a.day) for a in find_attacks(story, gazetteer)) == [
        ("harir-air-base", date(2023, 10, 18)), ("harir-air-base", date(2023, 10, 20))]
