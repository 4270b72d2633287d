"""The patterns that the held-out set (tests/corpus/real-holdout) found in its one untuned scoring, one test each,
named after the pattern. The stories are our own words, labelled by ../shared/DOMAIN.md. Publish times are UTC
unless an offset says otherwise: Baghdad, Damascus and Amman are UTC+3."""

from __future__ import annotations

from datetime import date

from bot.matcher.casualties import count_casualties
from bot.matcher.dates import clock_edge
from bot.matcher.incidents import latest_figure
from bot.matcher.sites import Gazetteer
from bot.models import Alert, Report, Source, Story
from bot.processing import process_story
from bot.store.base import Store
from tests.conftest import make_store, make_story
from tests.matcher.told import attacks


def days(gazetteer: Gazetteer, text: str, published: str, title: str = "") -> list[tuple[str, date | None]]:
    return [(a.site_id, a.day) for a in attacks(gazetteer, text, published, title)]


def process(store: Store, gazetteer: Gazetteer, story: Story) -> list[Alert]:
    return process_story(store, gazetteer, story, now=story.published)


def incident_days(store: Store, site_id: str) -> list[date | None]:
    return sorted(i.facts.day for i in store.recent_incidents(date(2020, 1, 1)) if i.facts.site_id == site_id)


# Sites


def test_site_named_only_in_a_naming_phrase_then_it_hit_the_outpost(gazetteer: Gazetteer) -> None:
    # Tower 22's name has no kind word: "the small installation known as Tower 22" gives it one, and "It hit the
    # outpost" carries the drone of the sentence before.
    text = ("An enemy drone came in low while a friendly drone was flying back to the small installation known as "
            "Tower 22, officials said on Tuesday. It hit the outpost early Sunday morning, striking living quarters.")
    (attack,) = attacks(gazetteer, text, "2024-01-30T18:00:00+00:00")
    assert (attack.site_id, attack.day, attack.weapons) == ("tower-22", date(2024, 1, 28), ("drone",))


def test_people_wounded_at_the_site_with_no_attack_verb(gazetteer: Gazetteer) -> None:
    text = "Beyond the dead, the Pentagon said more than 40 soldiers were wounded at Tower 22, most of them lightly."
    (attack,) = attacks(gazetteer, text, "2024-01-31T09:00:00+00:00")
    assert (attack.site_id, attack.wounded) == ("tower-22", 40)


def test_the_tanf_base_after_forces_at(gazetteer: Gazetteer) -> None:
    # "an attack on US and coalition forces at X": the forces at the site are what was aimed at.
    text = "On Friday, a US official reported a drone attack on US and coalition forces at the Tanf base in Syria."
    assert days(gazetteer, text, "2023-11-10T18:00:00+00:00") == [("al-tanf", date(2023, 11, 10))]


def test_headline_base_in_a_city_over_a_body_that_names_harir(gazetteer: Gazetteer) -> None:
    text = ("The Kurdistan counter-terrorism service said on Thursday that the coalition base at Harir Airport in "
            "Erbil province was targeted by two drones late on Wednesday.")
    found = days(gazetteer, text, "2023-11-09T06:30:00+00:00", title="Drones target coalition base in Erbil")
    assert found == [("harir-air-base", date(2023, 11, 8))]


def test_missiles_that_fell_near_the_consulate_aimed_at_another_target(gazetteer: Gazetteer) -> None:
    # Fired at a named other target, falling near the consulate: not an attack on it, and not its toll.
    text = ("The Revolutionary Guards fired ballistic missiles late Monday at what they called a spy headquarters in "
            "Erbil. Ten missiles fell near the U.S. Consulate, local sources said. Four civilians were killed when a "
            "missile struck the home of a businessman.")
    assert days(gazetteer, text, "2024-01-16T14:00:00+00:00") == []


def test_missiles_that_landed_near_the_consulate_with_no_other_target_still_count(gazetteer: Gazetteer) -> None:
    text = ("A dozen ballistic missiles struck Erbil early on Sunday, some of them landing near the new U.S. "
            "consulate compound, officials said.")
    assert days(gazetteer, text, "2022-03-13T03:10:00+00:00") == [("us-consulate-erbil", date(2022, 3, 13))]


def test_the_us_base_inside_another_named_site_is_no_anaphor(gazetteer: Gazetteer) -> None:
    # "the US base inside the Conoco gas field" is Conoco's, not the Kharab al-Jir base named before: its day and
    # its missiles are not the Rmeilan attack's.
    text = ("Eight soldiers received treatment for brain injuries after the drone attack on the Kharab al-Jir base, "
            "a spokesman said on Tuesday. Also on Tuesday, militants fired four missiles towards the US base inside "
            "the Conoco gas field.")
    found = {a.site_id: a for a in attacks(gazetteer, text, "2024-08-14T15:00:00+00:00")}
    rmeilan, conoco = found["rmeilan-airfield"], found["conoco-gas-field"]
    assert (rmeilan.day_is_explicit, rmeilan.weapons, rmeilan.wounded) == (False, ("drone",), 8)
    assert (conoco.day, conoco.weapons) == (date(2024, 8, 13), ("missile",))


# Days and incidents


def test_another_drone_attack_reported_on_saturday_is_a_new_incident(gazetteer: Gazetteer) -> None:
    store = make_store()
    process(store, gazetteer, make_story("A drone set a fuel depot at Harir air base on fire on Thursday evening.",
                                         "2023-11-09T19:00:00+00:00", url="https://a.example/thu"))
    process(store, gazetteer, make_story(
        "Harir air base, which hosts coalition forces, was targeted by an armed drone, a source reported on "
        "Saturday.", "2023-11-11T10:00:00+00:00", title="Harir air base hit by another drone attack",
        url="https://a.example/sat"))
    assert incident_days(store, "harir-air-base") == [date(2023, 11, 9), date(2023, 11, 11)]


def test_second_attack_told_in_passing(gazetteer: Gazetteer) -> None:
    # Already held when this round began (the set's header lists it from an older scoring): kept as a guard.
    text = ("A drone struck Victoria Base at Baghdad airport without causing casualties, a source told the Tigris "
            "Post on Wednesday. Air defences at the base downed another drone late Sunday before it reached the "
            "perimeter.")
    assert sorted(days(gazetteer, text, "2026-03-04T05:37:00+00:00")) == [
        ("baghdad-airport", date(2026, 3, 1)), ("baghdad-airport", date(2026, 3, 4))]


def test_page_clock_line_dates_nothing(gazetteer: Gazetteer) -> None:
    # The headline and the body tell one attack: the "| 18 May 2024, Saturday |" line is when the page was served.
    text = ("| 18 May 2024, Saturday |\n\nAir defences at Ain al-Asad air base shot down a drone hovering near the "
            "base, military sources said on Friday.")
    found = days(gazetteer, text, "2024-05-18T09:00:00+00:00", title="Drone shot down over Ain al-Asad air base")
    assert found == [("ain-al-asad", date(2024, 5, 17))]


def test_came_hours_after_another_event_on_thursday_dates_that_event(gazetteer: Gazetteer) -> None:
    text = ("Rockets landed near the al-Omar oil field at around 11 a.m. local time (0800 GMT) on Friday, a "
            "channel reported. The attack came hours after US air raids that answered a drone strike on Thursday.")
    assert days(gazetteer, text, "2023-03-24T13:30:00+00:00") == [("al-omar-oil-field", date(2023, 3, 24))]


def test_zoned_clock_time_near_local_midnight_has_an_edge() -> None:
    # 5 p.m. Eastern on 9 August is midnight in Syria; 9 a.m. Eastern is mid-afternoon there.
    assert clock_edge("On August 9 at about 5 p.m. ET, a drone attacked", date(2024, 8, 9), "Asia/Damascus") == "late"
    assert clock_edge("On August 9 at 9 a.m. ET, a drone attacked", date(2024, 8, 9), "Asia/Damascus") is None


def test_friday_5pm_et_and_early_saturday_are_one_incident(gazetteer: Gazetteer) -> None:
    store = make_store()
    process(store, gazetteer, make_story(
        "A US base at Kharab al-Jir was attacked by a drone on Friday, August 9. 'On August 9 at about 5 p.m. ET, "
        "there was a drone attack against forces at Rumalyn Landing Zone,' an official said.",
        "2024-08-10T03:30:00+00:00", url="https://a.example/fri"))
    process(store, gazetteer, make_story(
        "Early on Saturday, local sources reported several explosions inside the US base at Kharab al-Jir.",
        "2024-08-11T07:38:00+00:00", url="https://b.example/sat"))
    assert len(incident_days(store, "rmeilan-airfield")) == 1


def test_struck_told_on_wednesday_morning_joins_tuesday_evening(gazetteer: Gazetteer) -> None:
    store = make_store()
    process(store, gazetteer, make_story("A drone struck near Victoria base at Baghdad airport on Tuesday evening.",
                                         "2026-03-03T18:30:00+00:00", url="https://a.example/tue"))
    process(store, gazetteer, make_story(
        "A drone struck Victoria Base at Baghdad airport, a security source told the Tigris Post on Wednesday.",
        "2026-03-04T05:37:00+00:00", url="https://b.example/wed"))
    # One incident; which of the two days it shows, the reports leave open (the corpus label allows both).
    assert len(incident_days(store, "baghdad-airport")) == 1


def test_struck_told_on_wednesday_morning_alone_is_wednesday(gazetteer: Gazetteer) -> None:
    (attack,) = attacks(gazetteer, "A drone struck Victoria Base at Baghdad airport, a security source told the "
                                   "Tigris Post on Wednesday.", "2026-03-04T05:37:00+00:00")
    assert (attack.day, attack.day_is_explicit, attack.day_edge) == (date(2026, 3, 4), True, "early")


def test_morning_follow_up_told_on_its_publish_day_joins_the_earlier_attack(gazetteer: Gazetteer) -> None:
    # Only a new event ("A drone struck ...") told on a morning is taken as that day's: a follow-up about the attack
    # told before stays a source of it.
    store = make_store()
    process(store, gazetteer, make_story("Rockets hit Ain al-Asad air base on Monday evening, officials said.",
                                         "2024-08-05T19:00:00+00:00", url="https://a.example/mon"))
    process(store, gazetteer, make_story(
        "The rocket attack on Ain al-Asad air base wounded three soldiers, the coalition said on Wednesday.",
        "2024-08-07T06:00:00+00:00", url="https://b.example/wed"))
    assert incident_days(store, "ain-al-asad") == [date(2024, 8, 5)]


# Figures


def test_died_of_a_cardiac_incident_not_in_the_attack() -> None:
    toll = count_casualties("A civilian contractor died of a cardiac incident while sheltering, but not in one of "
                            "the drone attacks.")
    assert (toll.killed, toll.wounded) == (None, None)


def test_parts_with_an_injuries_aside_add_up() -> None:
    toll = count_casualties("Some missiles struck the base, leaving four Americans with traumatic brain injuries "
                            "and one Iraqi wounded.")
    assert toll.wounded == 5


def _report(published: str, wounded: int, explicit: bool) -> Report:
    return Report(0, make_story("x", published).published, Source(f"https://x.example/{published}", "X", "x"),
                  date(2024, 1, 20), explicit, ("missile",), None, wounded, None, (), False)


def test_passing_clause_cannot_lower_a_dated_figure() -> None:
    # "The attack comes days after the group targeted the base, injuring an Iraqi" after "four Americans ... and
    # one Iraqi": the passing clause counts one part, not the toll.
    reports = [_report("2024-01-25T15:00:00+00:00", 5, True), _report("2024-01-25T21:40:00+00:00", 1, False)]
    assert latest_figure(reports, "wounded") == 5


def test_also_on_wednesday_overnight_clause_keeps_its_no_casualties(gazetteer: Gazetteer) -> None:
    text = ("Harir air base was attacked again on Thursday evening by drones; a fuel store caught fire. Also on "
            "Wednesday overnight, two drones attacked the Harir base without causing any casualties.")
    found = {a.day: (a.killed, a.wounded) for a in attacks(gazetteer, text, "2023-11-09T20:50:00+00:00")}
    assert found == {date(2023, 11, 9): (None, None), date(2023, 11, 8): (0, 0)}


def test_treated_for_injuries_is_wounded() -> None:
    # The later figure that supersedes "initially there were no injuries".
    assert count_casualties("Eight service members received treatment for traumatic brain injury, a spokesman "
                            "said.").wounded == 8


def test_no_casualties_from_the_skirmishes_belongs_to_the_shelling(gazetteer: Gazetteer) -> None:
    text = ("A rocket attack targeted the U.S. base in the Conoco field last night, state television reported. "
            "Afterwards the SDF shelled fighters on the other bank of the river. No casualties were reported from "
            "the skirmishes.")
    (attack,) = attacks(gazetteer, text, "2024-08-14T06:00:00+00:00")
    assert (attack.site_id, attack.killed, attack.wounded) == ("conoco-gas-field", None, None)


def test_weapon_of_the_next_sentence_about_another_site_is_not_taken(gazetteer: Gazetteer) -> None:
    text = ("Six missiles rained down on the US base on the Al-Omar oil field early on Friday, sources said. "
            "Separately on Friday, sources reported rocket fire inside the US base at the Conoco gas field.")
    found = {a.site_id: a.weapons for a in attacks(gazetteer, text, "2023-10-27T11:00:00+00:00")}
    assert found == {"al-omar-oil-field": ("missile",), "conoco-gas-field": ("rocket",)}


# Stale stories


def test_repost_told_on_a_weekday_long_before_its_publish_day_is_no_new_report(gazetteer: Gazetteer) -> None:
    # A farm re-serves a wire story months later: "officials said on Monday" on a Friday is not this week's news.
    text = ("A hostile drone was mistaken for a friendly one returning to the installation known as Tower 22, two "
            "officials said on Monday. It hit the outpost early Sunday morning.")
    assert days(gazetteer, text, "2024-11-22T10:00:00+00:00") == []
    # The same story on the day it was told is the report it was.
    assert days(gazetteer, text, "2024-01-29T21:00:00+00:00") == [("tower-22", date(2024, 1, 28))]
