"""Incidents and dedupe, labelled by ../shared/DOMAIN.md: one attack on one site on one local day is one
incident, whoever reports it; near-duplicates add a source, never an incident."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.matcher.dedupe import copy_score, fingerprint, is_copy
from bot.matcher.sites import Gazetteer
from bot.models import Alert, Story
from bot.processing import process_story
from bot.store.base import Store
from tests.conftest import make_store, make_story

WIRE = ("BAGHDAD (Wire) - At least ten rockets struck Ain al-Asad air base in Iraq's western Anbar province early on "
        "Wednesday, the U.S.-led coalition said. Two civilian contractors were wounded in the attack, coalition "
        "spokesman Col. Wayne Marotto said, adding that the base's air defences engaged several rockets. There was "
        "no immediate claim of responsibility for the attack, the latest in a string of strikes on U.S. targets.")
SPUN = ("BAGHDAD (Wire) - A minimum of ten rockets hit Ain al-Asad airbase in Iraq's western Anbar province early "
        "on Wednesday, the U.S.\n\n\n\n-led coalition stated. Two civilian contractors had been injured in the "
        "assault, coalition spokesman Col.\n\n\n\nWayne Marotto stated, including that the base's air defences "
        "engaged a number of rockets. There was no quick claim of duty for the assault, the newest in a string of "
        "strikes on U.S. targets.")
INDEPENDENT = ("Ten Grad rockets were launched at Ayn al-Assad base on Wednesday morning from the village of "
               "Bayader, an Iraqi security source told our correspondent. Security forces found the launch pad "
               "mounted on a burnt-out truck near the highway. Two foreign workers were hurt, the source added.")


def process(store: Store, gazetteer: Gazetteer, story: Story) -> list[Alert]:
    return process_story(store, gazetteer, story, now=story.published)


def test_spun_copy_scores_as_copy_and_independent_report_does_not() -> None:
    wire, spun, other = (fingerprint(make_story(t)) for t in (WIRE, SPUN, INDEPENDENT))
    assert is_copy(wire, spun), copy_score(wire, spun)
    assert not is_copy(wire, other), copy_score(wire, other)


def test_spun_copy_adds_source_not_alert(gazetteer: Gazetteer) -> None:
    store = make_store()
    first = process(store, gazetteer, make_story(WIRE, "2021-03-03T07:10:00+00:00", url="https://wire.example/a"))
    second = process(store, gazetteer, make_story(SPUN, "2021-03-03T11:45:00+00:00", url="https://farm.example/a",
                                                  feed="Farm"))
    assert [a.action for a in first] == ["new"]
    assert [a.action for a in second] == ["update"]
    assert second[0].incident_id == first[0].incident_id
    assert len(second[0].facts.sources) == 2
    copy_text = store.connection.execute("SELECT text, copy_of FROM stories WHERE url LIKE '%farm%'").fetchone()
    assert copy_text["text"] == "" and copy_text["copy_of"] is not None  # a copy is stored once


def test_independent_report_is_a_source_of_the_same_incident(gazetteer: Gazetteer) -> None:
    store = make_store()
    first = process(store, gazetteer, make_story(WIRE, "2021-03-03T07:10:00+00:00", url="https://wire.example/a"))
    second = process(store, gazetteer, make_story(INDEPENDENT, "2021-03-03T12:00:00+00:00",
                                                  url="https://kurd.example/b", feed="Kurd"))
    assert [a.action for a in second] == ["update"]
    assert second[0].incident_id == first[0].incident_id
    assert store.connection.execute("SELECT COUNT(*) FROM stories WHERE copy_of IS NULL").fetchone()[0] == 2


def test_copy_of_a_story_without_incident_adds_nothing(gazetteer: Gazetteer) -> None:
    store = make_store()
    process(store, gazetteer, make_story("The defence minister visited Ain al-Asad air base on Wednesday and met "
                                         "the troops stationed there, officials said in a long statement.",
                                         url="https://wire.example/visit"))
    alerts = process(store, gazetteer, make_story("The defence minister toured Ain al-Asad airbase on Wednesday and "
                                                  "met the troops stationed there, officials stated in a long "
                                                  "statement.", url="https://farm.example/visit"))
    assert alerts == []


def test_follow_up_without_day_updates_the_toll(gazetteer: Gazetteer) -> None:
    store = make_store()
    first = process(store, gazetteer, make_story(WIRE, "2021-03-03T07:10:00+00:00", url="https://wire.example/a"))
    later = process(store, gazetteer, make_story(
        "A U.S. contractor who was wounded in the rocket attack on Ain al-Asad air base has died, the Pentagon "
        "said on Friday. The toll from the attack rose to one dead and two wounded.",
        "2021-03-05T15:00:00+00:00", url="https://wire.example/b"))
    assert [(a.action, a.incident_id, a.facts.killed) for a in later] == [("update", first[0].incident_id, 1)]


def test_attack_on_another_day_is_another_incident(gazetteer: Gazetteer) -> None:
    store = make_store()
    process(store, gazetteer, make_story(WIRE, "2021-03-03T07:10:00+00:00", url="https://wire.example/a"))
    again = process(store, gazetteer, make_story(
        "Three more rockets hit Ain al-Asad air base on Friday night, causing no casualties, security sources said.",
        "2021-03-06T06:00:00+00:00", url="https://wire.example/c"))
    assert [(a.action, a.facts.day.isoformat() if a.facts.day else None) for a in again] == [("new", "2021-03-05")]


def test_updated_article_replaces_its_earlier_version(gazetteer: Gazetteer) -> None:
    store = make_store()
    process(store, gazetteer, make_story(WIRE, "2021-03-03T07:10:00+00:00", url="https://wire.example/a",
                                         key="wire-a"))
    updated = process(store, gazetteer, make_story(
        WIRE + " UPDATE: A third contractor was hurt in the attack on the base, bringing the number of wounded to "
        "three, officials said.",
        "2021-03-03T09:00:00+00:00", url="https://wire.example/a", key="wire-a"))
    assert [(a.action, a.facts.wounded, len(a.facts.sources)) for a in updated] == [("update", 3, 1)]


def test_the_same_entry_seen_again_is_ignored(gazetteer: Gazetteer) -> None:
    store = make_store()
    story = make_story(WIRE, "2021-03-03T07:10:00+00:00", url="https://wire.example/a")
    assert process(store, gazetteer, story)
    assert process(store, gazetteer, story) == []


def test_first_report_without_a_day_is_redated_by_a_later_dated_report(gazetteer: Gazetteer) -> None:
    store = make_store()
    first = process(store, gazetteer, make_story("Sirens sounded as rockets hit Ain al-Asad air base, a security "
                                                 "source said.", "2021-03-03T23:30:00+00:00",
                                                 url="https://flash.example/1"))
    later = process(store, gazetteer, make_story(WIRE.replace("early on Wednesday", "late on Wednesday"),
                                                 "2021-03-04T08:00:00+00:00", url="https://wire.example/a"))
    assert first[0].facts.day.isoformat() == "2021-03-04"  # type: ignore[union-attr]
    assert [(a.action, a.incident_id) for a in later] == [("update", first[0].incident_id)]
    assert later[0].facts.day.isoformat() == "2021-03-03"  # type: ignore[union-attr]


def test_backlog_is_stored_quietly(gazetteer: Gazetteer) -> None:
    store = make_store()
    story = make_story(WIRE, "2021-03-03T07:10:00+00:00")
    assert process_story(store, gazetteer, story, now=datetime(2021, 3, 20, tzinfo=UTC), quiet=True) == []
    assert store.outbox_depth() == 0
    assert store.recent_incidents(datetime(2021, 3, 1).date())


def test_search_with_quotes_and_operators_does_not_break(gazetteer: Gazetteer) -> None:
    store = make_store()
    process(store, gazetteer, make_story(WIRE, "2021-03-03T07:10:00+00:00", url="https://wire.example/a"))
    assert store.search_stories('a"b OR ( rockets* "Marotto') == []
    assert store.search_stories("rockets marotto")


def test_late_tuesday_and_early_wednesday_from_two_outlets_are_one_attack(gazetteer: Gazetteer) -> None:
    store = make_store()
    first = process(store, gazetteer, make_story(
        "Iran fired ballistic missiles at Ain al-Asad air base late on Tuesday, U.S. officials said.",
        "2020-01-08T01:30:00+00:00", url="https://us.example/a"))
    second = process(store, gazetteer, make_story(
        "Missiles struck the Ain al-Asad base in western Iraq early on Wednesday, Iraqi officials said.",
        "2020-01-08T06:00:00+00:00", url="https://iq.example/b"))
    assert [a.action for a in second] == ["update"] and second[0].incident_id == first[0].incident_id


def test_two_attacks_on_neighbouring_days_stay_two(gazetteer: Gazetteer) -> None:
    store = make_store()
    process(store, gazetteer, make_story("Rockets hit Ain al-Asad air base on Tuesday afternoon.",
                                         "2020-01-08T08:00:00+00:00", url="https://us.example/a"))
    second = process(store, gazetteer, make_story("Rockets hit Ain al-Asad air base early on Wednesday.",
                                                  "2020-01-08T09:00:00+00:00", url="https://iq.example/b"))
    assert [a.action for a in second] == ["new"]


def test_an_attack_told_as_again_is_a_new_incident(gazetteer: Gazetteer) -> None:
    store = make_store()
    process(store, gazetteer, make_story(WIRE, "2021-03-03T07:10:00+00:00", url="https://wire.example/a"))
    again = process(store, gazetteer, make_story("Rockets again struck Ain al-Asad air base, security sources said.",
                                                 "2021-03-06T09:00:00+00:00", url="https://flash.example/2"))
    assert [(a.action, str(a.facts.day)) for a in again] == [("new", "2021-03-06")]
