"""The patterns that the tenth held-out set (tests/corpus/real-holdout-10) found in its one untuned scoring, one
test each, named after the pattern (as in its labels.yaml header). The stories are our own words, labelled by
../shared/DOMAIN.md. Publish times carry their outlet's offset: Baghdad is UTC+3, Kabul UTC+4:30."""

from __future__ import annotations

from datetime import date

from bot.matcher.casualties import count_casualties
from bot.matcher.sites import Gazetteer
from tests.matcher.told import attacks, found

# Site name: the place attacked is described first ("an air base") and named only in the next sentence


def test_an_air_base_attacked_is_the_air_base_named_next(gazetteer: Gazetteer) -> None:
    text = ("An air base in western Iraq hosting U.S. troops was struck by rockets and drones on Thursday night, "
            "Iraqi officials said. Soldiers sealed off the roads around Ain al-Asad air base and searched "
            "the desert for the launchers. No casualties were reported yet.")
    (attack,) = attacks(gazetteer, text, "2023-10-19T23:30:00+03:00")
    assert (attack.site_id, attack.day, attack.weapons) == ("ain-al-asad", date(2023, 10, 19), ("rocket", "drone"))


def test_an_air_base_attacked_aside_is_not_the_site_named_next(gazetteer: Gazetteer) -> None:
    # The indefinite base is another attack's, told after "after": the lead's own targets are not the site.
    text = ("Drones hit radar systems at two army bases early on Tuesday, hours after Iran fired missiles at a US "
            "base in Qatar, sources said. At Camp Taji, north of Baghdad, officials inspected the damage to a radar.")
    assert ("camp-taji", date(2025, 6, 24)) not in [
        (a.site_id, a.day) for a in attacks(gazetteer, text, "2025-06-24T07:50:00+03:00") if "missile" in a.weapons]


def test_an_air_base_attacked_is_not_a_site_named_beside_another_of_its_kind(gazetteer: Gazetteer) -> None:
    # Two bases named together after it: which one was attacked is not told.
    text = ("A base in Iraq that hosts coalition troops came under rocket fire on Thursday night, officials said. "
            "Coalition advisers have been stationed at Ain al-Asad air base and Harir air base since 2014.")
    assert found(gazetteer, text, "2023-10-20T09:00:00+03:00") == []


def test_an_air_base_attacked_is_not_the_site_named_next_with_its_own_attack(gazetteer: Gazetteer) -> None:
    # The next sentence tells its own attack on the named base: the lead's base is another.
    text = ("A base in Syria that hosts coalition troops came under rocket fire on Tuesday, officials said. "
            "On Monday, a drone struck Ain al-Asad air base in Iraq.")
    assert found(gazetteer, text, "2023-10-25T09:00:00+03:00") == [("ain-al-asad", date(2023, 10, 23))]


# Tolls: attackers killed by defenders who fired back


def test_attackers_killed_by_defenders_firing_back_are_no_toll() -> None:
    toll = count_casualties("Security forces fired back at the men who had launched the rockets, killing three "
                            "militia members.")
    assert (toll.killed, toll.wounded) == (None, None)


def test_a_rocket_killing_people_is_still_a_toll() -> None:
    toll = count_casualties("A rocket hit the barracks at dawn, killing three soldiers.")
    assert toll.killed == 3


# Attack phrasings not seen before: an armed force that "has hit" the site, an attack tried


def test_a_military_that_has_hit_the_site_is_an_attack(gazetteer: Gazetteer) -> None:
    text = "Pakistan's air force has hit Bagram Air Base, commercial satellite pictures show."
    assert found(gazetteer, text, "2026-03-03T10:40:00+05:30") == [("bagram-air-base", date(2026, 3, 3))]


def test_a_visitor_who_hit_the_road_to_the_site_is_no_attack(gazetteer: Gazetteer) -> None:
    text = "The minister hit the road to Bagram Air Base on Sunday to meet the new commander."
    assert found(gazetteer, text, "2026-03-03T10:40:00+05:30") == []


def test_jets_that_tried_to_bomb_the_site_made_an_airstrike_on_it(gazetteer: Gazetteer) -> None:
    # Aimed at the site and driven off is an attack (DOMAIN.md); "to bomb" is the jets' act, not a planted bomb.
    text = ("Explosions were heard near the town of Bagram before dawn on Sunday. Provincial officials said "
            "foreign jets crossed the border and tried to bomb Bagram Air Base, but anti-aircraft fire drove them "
            "away.")
    (attack,) = attacks(gazetteer, text, "2026-03-02T09:00:00+04:30")
    assert (attack.site_id, attack.day, attack.weapons) == ("bagram-air-base", date(2026, 3, 1), ("airstrike",))


# The site as what suffered damage in the attack; a campaign's launch day is not the strike's


def test_the_site_that_suffered_damage_in_airstrikes_was_attacked(gazetteer: Gazetteer) -> None:
    text = "Bagram Air Base sustained serious damage in the air strikes the neighbouring air force flew this week."
    (attack,) = attacks(gazetteer, text, "2026-03-04T15:00:00+05:00")
    assert (attack.site_id, attack.weapons) == ("bagram-air-base", ("airstrike",))


def test_damage_from_a_sandstorm_is_no_attack(gazetteer: Gazetteer) -> None:
    text = "Bagram Air Base suffered heavy damage from a sandstorm that swept Parwan on Sunday."
    assert found(gazetteer, text, "2026-03-04T15:00:00+05:00") == []


def test_the_day_a_campaign_was_launched_does_not_date_its_strikes(gazetteer: Gazetteer) -> None:
    text = ("Bagram Air Base suffered heavy damage in the airstrikes, state television said. The army launched "
            "Operation Iron Gate on 27 February 2026 after border clashes, and has since struck many targets.")
    assert found(gazetteer, text, "2026-03-04T15:00:00+05:00") == [("bagram-air-base", date(2026, 3, 4))]


# Tolls: a none said of every attack just told, by their number


def test_none_of_the_four_caused_casualties_is_none() -> None:
    toll = count_casualties("None of the four caused casualties or damage, a defence official said.")
    assert (toll.killed, toll.wounded) == (0, 0)


def test_none_of_the_wounded_is_no_statement_of_none() -> None:
    toll = count_casualties("None of the wounded caused the delay at the gate.")
    assert (toll.killed, toll.wounded) == (None, None)


def test_none_of_the_four_is_none_for_each_attack_just_told(gazetteer: Gazetteer) -> None:
    text = ("A drone struck Ain al-Asad air base late on Thursday. Rockets hit the Conoco gas field the same night. "
            "None of the four caused casualties, the official added.")
    assert {(a.site_id, a.killed, a.wounded) for a in attacks(gazetteer, text, "2023-11-24T05:40:00+03:00")} == {
        ("ain-al-asad", 0, 0), ("conoco-gas-field", 0, 0)}


# Weapons: every weapon of a list that hit the site, though the list starts far from its name; a motive's weapons
# are not the attack's


def test_a_list_of_weapons_far_before_the_site_is_all_its(gazetteer: Gazetteer) -> None:
    # The drones stand within WEAPON_REACH of the name, the rockets and missiles joined to them past it.
    text = ("A fierce salvo of missiles, rockets and drones slammed into the command post of U.S. tank crews at the "
            "Conoco gas field base in Deir Ezzor early on Sunday, sources said.")
    (attack,) = attacks(gazetteer, text, "2024-09-29T10:00:00+03:00")
    assert attack.weapons == ("rocket", "missile", "drone")


def test_the_weapons_of_a_motive_after_the_site_are_not_the_attacks(gazetteer: Gazetteer) -> None:
    text = ("Local factions struck the Conoco gas field base again on Sunday in retaliation for U.S. airstrikes on a "
            "village near Deir Ezzor, and the shelling hit the headquarters.")
    (attack,) = attacks(gazetteer, text, "2024-09-29T18:00:00+03:00")
    assert attack.weapons == ("artillery",)


def test_the_attack_on_the_site_as_a_motive_keeps_its_weapons(gazetteer: Gazetteer) -> None:
    text = ("U.S. jets struck militia depots on Sunday in response to the rocket attack on K-1 Air Base on Friday, "
            "officials said.")
    assert [a.weapons for a in attacks(gazetteer, text, "2019-12-29T20:00:00+03:00")] == [("rocket",)]
