"""The patterns that the sixth held-out set (tests/corpus/real-holdout-6) found in its one untuned scoring, one
test each, named after the pattern (as in its labels.yaml header). The stories are our own words, labelled by
../shared/DOMAIN.md. Publish times carry their outlet's offset: Kabul is UTC+4:30."""

from __future__ import annotations

from datetime import date

from bot.matcher.casualties import count_casualties
from bot.matcher.incidents import latest_figure
from bot.matcher.sites import Gazetteer
from bot.models import Report, Source
from tests.conftest import make_story
from tests.matcher.told import attacks, found

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


# A report with no day of its own: "hours after" dates what follows it


def test_hours_after_dates_the_earlier_attack_by_the_one_told(gazetteer: Gazetteer) -> None:
    # The drone on the embassy comes "less than 24 hours" before the Erbil attack told on Tuesday: it is dated by it
    # (explicitly), so a later report of other rockets on the embassy two days on cannot take it over.
    text = ("Rockets struck Erbil International Airport late on Tuesday, officials said. The attack came less than 24 "
            "hours after a drone was shot down over the U.S. Embassy in Baghdad.")
    reported = attacks(gazetteer, text, "2021-07-07T09:00:00+03:00")
    assert sorted((a.site_id, a.day, a.day_is_explicit) for a in reported) == [
        ("erbil-airport", date(2021, 7, 6), True), ("us-embassy-baghdad", date(2021, 7, 6), True)]


def test_hours_after_does_not_date_the_site_named_before_it(gazetteer: Gazetteer) -> None:
    # "Hours after" dates the strikes that follow it, not the drone told before it: the headline's drone is the
    # body's of late Sunday, not an attack of its own on the publish day.
    title = "Drone downed at al-Tanf garrison hours after U.S. strikes"
    text = "A drone aimed at the al-Tanf garrison was shot down late on Sunday, a U.S. official said."
    assert found(gazetteer, text, "2023-11-13T10:00:00+03:00", title) == [("al-tanf", date(2023, 11, 12))]


# A follow-up's "the May 19 attack": the month, not the modal verb


def test_a_follow_up_of_the_may_day_attack_is_dated_by_it(gazetteer: Gazetteer) -> None:
    # "May" before a day number is the month: the follow-up two days on reports the 19 May attack, not a
    # hypothetical one (nor one of its publish day).
    text = ("Officials gave new details on Friday of the May 19 attack on Bagram Airfield that killed a contractor. "
            "Dozens of militants attacked the airfield's outer wall before dawn.")
    assert found(gazetteer, text, "2010-05-21T20:30:00+04:30") == [("bagram-air-base", date(2010, 5, 19))]


# Fields: the attackers' dead, a fighter, "escaped injury", "no reports of civilian deaths"


def test_the_attackers_killed_of_them_are_no_toll() -> None:
    # "struck the attackers, killing more than 100 of them": the attackers' dead, not the site's toll.
    toll = count_casualties("Coalition jets struck the attackers, killing more than 100 of them, an official said.")
    assert toll.killed is None


def test_one_fighter_wounded_is_a_figure() -> None:
    # A partner force's "fighter" (singular) is a person: one wounded.
    assert count_casualties("One Kurdish fighter was wounded in the shelling.").wounded == 1


def test_escaped_injury_is_no_one_hurt() -> None:
    toll = count_casualties("The troops at the field came under mortar fire on Sunday but escaped injury.")
    assert (toll.killed, toll.wounded) == (0, 0)


def test_no_reports_of_civilian_deaths_is_none_killed() -> None:
    assert count_casualties("There were no reports of civilian deaths after the assault.").killed == 0


def _report(published: str, wounded: int, evidence: tuple[str, ...]) -> Report:
    return Report(0, make_story("x", published).published, Source(f"https://x.example/{published}", "X", "x"),
                  date(2021, 7, 7), True, ("rocket",), None, wounded, None, evidence, False)


def test_a_later_story_quoting_the_first_figure_corrects_nothing() -> None:
    # A wire's "two wounded (first put at three)", then a blog quoting the spokesman's first post, "Initial reports
    # indicate 3 minor injuries": the later story's only figure is the first one, older news than the wire's two.
    reports = [_report("2021-07-07T14:30:00+00:00", 2, ("Rockets struck the base, slightly wounding two people.",)),
               _report("2021-07-07T17:20:00+00:00", 3, ("Initial reports indicate 3 minor injuries.",))]
    assert latest_figure(reports, "wounded") == 2


# A report with no day of its own: "said a drone attack on X" is an attack first told, not a follow-up


def test_an_attack_first_told_with_a_is_news_of_the_story_day(gazetteer: Gazetteer) -> None:
    # "a drone attack on the oil field" (no day), told beside Wednesday's rockets: a new attack of the story's day
    # (dated, so it cannot join the field's rockets of three days before as a follow-up of them).
    text = ("Rockets struck Ain al-Asad air base on Wednesday, wounding two people. In Syria, Kurdish-led forces said "
            "a drone attack on the al-Omar oil field caused no damage.")
    reported = attacks(gazetteer, text, "2021-07-07T14:30:00+00:00")
    assert sorted((a.site_id, a.day, a.day_is_explicit) for a in reported) == [
        ("ain-al-asad", date(2021, 7, 7), True), ("al-omar-oil-field", date(2021, 7, 7), True)]


def test_the_attack_on_a_site_with_no_day_stays_a_follow_up(gazetteer: Gazetteer) -> None:
    # "the attack on" refers back to one told before: still undated, so it may join the last incident there.
    text = "Officials said the toll from the attack on the al-Omar oil field had risen to three."
    (attack,) = attacks(gazetteer, text, "2021-07-07T14:30:00+00:00")
    assert attack.day_is_explicit is False


# Left by the tuning pass, mended in session 5: the base described before its kind word, a rocket "one" and "the
# other" of, a place "rocketed", and victims counted before a toll verb whose subject looks like the defenders.


def test_the_base_described_before_its_kind_word_refers_back(gazetteer: Gazetteer) -> None:
    # "attacked the heavily fortified base": the story's Bagram, though two words describe it.
    text = ("Officials visited Bagram Air Base last month. Taliban militants attacked the heavily fortified base "
            "early Wednesday, leaving nine soldiers wounded.")
    found_attacks = attacks(gazetteer, text, "2010-05-19T21:30:00-04:00")
    assert [(a.site_id, a.day, a.wounded) for a in found_attacks] == [("bagram-air-base", date(2010, 5, 19), 9)]


def test_a_word_placing_another_base_keeps_it_apart(gazetteer: Gazetteer) -> None:
    # Only words that describe are stepped over: "the nearby base" may be another place (NEARBY_PLACE_WORDS),
    # "the Iraqi base" another base.
    text = ("Officials visited Bagram Air Base last month. Taliban militants attacked the Afghan army base early "
            "Wednesday, leaving nine soldiers wounded.")
    assert found(gazetteer, text, "2010-05-19T21:30:00-04:00") == []


def test_one_and_the_other_of_the_rockets_just_told(gazetteer: Gazetteer) -> None:
    # The reporter's dateline story: the rockets are told in one sentence, where they fell in the next.
    text = ("BAGRAM AIR FIELD - The base woke to sirens shortly after midnight on Sunday: insurgents beyond the north "
            "side fired two rockets. One hit a concrete blast wall; the other fell short of the base. No one was hurt.")
    found_attacks = attacks(gazetteer, text, "2010-08-15T05:40:00-04:00")
    assert [(a.site_id, a.day, a.weapons, a.killed, a.wounded) for a in found_attacks] == [
        ("bagram-air-base", date(2010, 8, 15), ("rocket",), 0, 0)]


def test_rockets_told_then_landing_elsewhere_are_no_attack_on_a_site(gazetteer: Gazetteer) -> None:
    text = "Insurgents fired two rockets on Sunday. One hit a car park in Kabul; the other fell in a field."
    assert found(gazetteer, text, "2010-08-15T05:40:00-04:00") == []


def test_a_site_rocketed_was_hit_by_rockets(gazetteer: Gazetteer) -> None:
    text = "Bagram Air Field was rocketed on Sunday, a spokesman said."
    assert [a.weapons for a in attacks(gazetteer, text, "2010-08-16T07:30:00+04:30")] == [("rocket",)]


def test_victims_counted_before_the_toll_verb_are_no_defenders() -> None:
    # "Soldiers" may be the defenders who shot attackers ("security forces killed two men"), but a number before
    # them with no one counted after the verb makes them its victims: headlines and "leaving ... wounded".
    assert count_casualties("Three soldiers wounded in rocket attack on Ain al-Asad").wounded == 3
    assert count_casualties("Two troops killed in drone strike on the base").killed == 2
    assert count_casualties("The attack left nine NATO soldiers wounded and 11 attackers dead.").wounded == 9
    assert count_casualties("Security forces killed two men near the gate.").killed is None
    assert count_casualties("Guards killed two attackers and wounded three.") == count_casualties("")
