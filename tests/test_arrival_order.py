"""Issue 11: one set of reports, one set of incidents, whatever order they arrive in. Labelled by
../shared/DOMAIN.md: one attack on one site on one local day is one incident, whoever reports it and
whenever the report arrives; a revised story that no longer reports an attack withdraws its report."""

from __future__ import annotations

import io
import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import load_config
from bot.matcher.reconcile import reconcile
from bot.matcher.sites import Gazetteer
from bot.models import Alert, IncidentState, Report, Site, Source, Story
from bot.processing import process_story
from bot.replay import Arrival, load_stories, replay
from tests.conftest import ROOT, make_store, make_story

CORPUS = ROOT / "tests" / "corpus"
SETS = sorted(p.name for p in CORPUS.iterdir() if (p / "labels.yaml").exists())
ORIGINAL = ("Three rockets struck Ain al-Asad air base in western Iraq on Monday, the coalition said. "
            "There were no casualties.")
RETRACTION = ("The coalition ruled out an attack on Ain al-Asad air base on Monday: the blasts heard there were a "
              "controlled detonation of old munitions.")
FOLLOW_UP = ("Iraqi security forces found the launcher used in the rocket attack on Ain al-Asad air base, "
             "officials said. The attack on the base caused no casualties.")


def final_incidents(alerts: list[Alert]) -> set[tuple[str, object, frozenset[str]]]:
    """What the bot reports in the end: each incident's last state, less those merged or withdrawn."""
    last = {alert.incident_id: alert for alert in alerts}
    return {(a.facts.site_id, a.facts.day, frozenset(s.url for s in a.facts.sources))
            for a in last.values() if a.action not in ("merged", "withdrawn")}


def run(stories: list[tuple[Story, datetime]], gazetteer: Gazetteer) -> list[Alert]:
    store = make_store()
    alerts: list[Alert] = []
    for story, seen_at in stories:
        alerts += process_story(store, gazetteer, story, now=seen_at)
    return alerts


def test_follow_up_arriving_before_its_original_gives_the_incident_of_publish_order(gazetteer: Gazetteer) -> None:
    original = make_story(ORIGINAL, "2021-07-05T12:00:00+00:00", url="https://wire.example/rockets")
    follow_up = make_story(FOLLOW_UP, "2021-07-07T09:00:00+00:00", url="https://other.example/launcher")
    in_order = run([(original, original.published), (follow_up, follow_up.published)], gazetteer)
    late = datetime(2021, 7, 7, 10, tzinfo=UTC)  # the wire's feed was polled last
    reversed_arrival = run([(follow_up, follow_up.published), (original, late)], gazetteer)
    assert final_incidents(reversed_arrival) == final_incidents(in_order)
    (incident,) = final_incidents(reversed_arrival)
    assert incident[1] == datetime(2021, 7, 5).date()


def test_revised_story_dating_its_attack_on_another_day_is_merged_into_that_incident(
        gazetteer: Gazetteer) -> None:
    store = make_store()
    monday = make_story(ORIGINAL, "2021-07-06T08:00:00+00:00", url="https://wire.example/monday")
    tuesday = make_story(ORIGINAL.replace("Monday", "Tuesday"), "2021-07-07T08:00:00+00:00",
                         url="https://farm.example/rockets")
    (first,) = process_story(store, gazetteer, monday, now=monday.published)
    (second,) = process_story(store, gazetteer, tuesday, now=tuesday.published)
    assert (first.action, second.action) == ("new", "new")
    corrected = make_story(ORIGINAL + " (Corrects day of attack to Monday.)", "2021-07-07T08:00:00+00:00",
                           url="https://farm.example/rockets")
    changes = {a.action: a for a in process_story(store, gazetteer, corrected, now=corrected.published)}
    assert set(changes) == {"merged", "update"}
    assert changes["merged"].incident_id == second.incident_id
    assert changes["merged"].facts.merged_into == first.incident_id
    assert changes["update"].incident_id == first.incident_id
    assert len(changes["update"].facts.sources) == 2
    assert [i.id for i in store.recent_incidents(datetime(2021, 7, 1).date())] == [first.incident_id]


def test_revised_story_that_no_longer_reports_the_attack_withdraws_its_incident(gazetteer: Gazetteer) -> None:
    store = make_store()
    first = make_story(ORIGINAL, "2021-07-05T12:00:00+00:00", url="https://wire.example/rockets")
    (alert,) = process_story(store, gazetteer, first, now=first.published)
    revised = make_story(RETRACTION, "2021-07-05T12:00:00+00:00", url="https://wire.example/rockets")
    (withdrawn,) = process_story(store, gazetteer, revised, now=revised.published + timedelta(hours=2))
    assert (withdrawn.action, withdrawn.incident_id) == ("withdrawn", alert.incident_id)
    assert withdrawn.facts.status == "withdrawn"
    assert store.recent_incidents(datetime(2021, 7, 1).date()) == []


def test_an_incident_keeps_its_other_reports_when_one_story_is_revised_away(gazetteer: Gazetteer) -> None:
    store = make_store()
    wire = make_story(ORIGINAL, "2021-07-05T12:00:00+00:00", url="https://wire.example/rockets")
    other = make_story("Katyusha rockets hit Ain al-Asad base on Monday afternoon, a security source told us.",
                       "2021-07-05T13:00:00+00:00", url="https://local.example/katyusha")
    process_story(store, gazetteer, wire, now=wire.published)
    process_story(store, gazetteer, other, now=other.published)
    revised = make_story(RETRACTION, "2021-07-05T12:00:00+00:00", url="https://wire.example/rockets")
    (alert,) = process_story(store, gazetteer, revised, now=revised.published + timedelta(hours=3))
    assert alert.action == "update"
    assert [s.url for s in alert.facts.sources] == ["https://local.example/katyusha"]


def test_replay_contract_says_merged_into() -> None:
    site = Site("ain-al-asad", "Ain al-Asad Air Base", (), "IQ", 33.8, 42.4, "Asia/Baghdad")

    def report(story_id: int, day: int) -> Report:
        source = Source(f"https://x.example/{story_id}", "X", "A")
        return Report(story_id, datetime(2021, 7, day, tzinfo=UTC), source, datetime(2021, 7, day).date(), True,
                      ("rocket",), None, None, None, ("Rockets hit the base.",), False)

    stored = [IncidentState(1, site.id, datetime(2021, 7, 5).date(), (report(10, 5),)),
              IncidentState(2, site.id, datetime(2021, 7, 6).date(), (report(11, 6),))]
    retold = [IncidentState(1, site.id, datetime(2021, 7, 5).date(), (report(10, 5), report(11, 5)))]
    outcomes = {o.incident_id: o for o in reconcile(stored, retold, {site.id: site})}
    assert (outcomes[2].action, outcomes[2].merged_into, outcomes[2].state.reports) == ("merged", 1, ())
    assert outcomes[1].action == "update"


def test_arrival_orders_are_parsed_strictly() -> None:
    assert Arrival.parse("publish").poll_minutes is None
    assert Arrival.parse("polls").poll_minutes == 5
    assert Arrival.parse("polls:30").poll_minutes == 30
    for bad in ("poll:5", "polls:0", "polls:x", "random"):
        with pytest.raises(ValueError, match="--arrival"):
            Arrival.parse(bad)


@pytest.mark.parametrize("name", SETS)
def test_every_labelled_set_gives_the_same_incidents_polled_every_5_and_30_minutes(name: str) -> None:
    sites = load_config(ROOT / "config.yaml").site_records()
    finals = []
    for arrival in ("publish", "polls:5", "polls:30"):
        out = io.StringIO()
        replay([str(CORPUS / name / "feeds")], sites, out, io.StringIO(), as_json=True,
               arrival=Arrival.parse(arrival))
        last = {r["incident"]: r for r in map(json.loads, out.getvalue().splitlines())}
        finals.append({(r["site"], r["date"], tuple(sorted(s["url"] for s in r["sources"]))) for r in last.values()
                       if r["action"] not in ("merged", "withdrawn")})
    assert finals[1] == finals[0] and finals[2] == finals[0]


def _set_stories(name: str) -> list[Story]:
    stories, _, _ = load_stories([str(CORPUS / name / "feeds")], io.StringIO())
    return stories


@pytest.fixture(scope="module")
def config_gazetteer() -> Gazetteer:
    return Gazetteer(load_config(ROOT / "config.yaml").site_records())


@pytest.mark.parametrize("name", SETS)
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), hours=st.sampled_from([1, 3, 6]),
       poll_minutes=st.sampled_from([5, 30, 120]))
def test_any_arrival_order_gives_the_incidents_of_publish_order(
        name: str, seed: int, hours: int, poll_minutes: int, config_gazetteer: Gazetteer) -> None:
    """Stories published within a few hours of each other arrive in any order, and each feed's entries
    arrive together at its polls: the final incidents (site, day, sources) are those of publish order."""
    stories = _set_stories(name)
    rng = random.Random(seed)
    phases = {feed: rng.uniform(0, poll_minutes * 60) for feed in {s.feed for s in stories}}

    def arrival(story: Story) -> datetime:
        delayed = story.published + timedelta(seconds=rng.uniform(0, hours * 3600))
        step = poll_minutes * 60
        polls = -(-(delayed.timestamp() - phases[story.feed]) // step)
        return datetime.fromtimestamp(phases[story.feed] + polls * step, tz=UTC)

    arrivals = {id(s): arrival(s) for s in stories}
    versions: dict[tuple[str, str], datetime] = {}
    for story in stories:  # publish order: a feed never serves an entry's older version after its newer one
        entry = (story.feed, story.key)
        arrivals[id(story)] = max(arrivals[id(story)], versions.get(entry, arrivals[id(story)]))
        versions[entry] = arrivals[id(story)]
    position = {id(s): n for n, s in enumerate(stories)}  # an entry's versions keep their order
    shuffled = sorted(((s, arrivals[id(s)]) for s in stories),
                      key=lambda item: (item[1], item[0].feed, item[0].key, position[id(item[0])]))
    in_order = run([(s, s.published) for s in stories], config_gazetteer)
    assert final_incidents(run(shuffled, config_gazetteer)) == final_incidents(in_order)



def test_a_roundup_of_two_sites_never_merges_one_site_into_the_other(gazetteer: Gazetteer) -> None:
    store = make_store()
    roundup = make_story("Drones struck Ain al-Asad air base and Erbil airport on Monday, officials said.",
                         "2021-07-05T12:00:00+00:00", url="https://wire.example/roundup")
    later = make_story("Three rockets struck Ain al-Asad air base in western Iraq on Monday, the coalition said. "
                       "Erbil airport was on alert.", "2021-07-05T15:00:00+00:00", url="https://local.example/asad")
    first = process_story(store, gazetteer, roundup, now=roundup.published)
    assert sorted(a.facts.site_id for a in first) == ["ain-al-asad", "erbil-airport"]
    second = process_story(store, gazetteer, later, now=later.published)
    assert [a.action for a in second] == ["update"] and second[0].facts.site_id == "ain-al-asad"
    assert {i.facts.site_id for i in store.recent_incidents(datetime(2021, 7, 1).date())} == {
        "ain-al-asad", "erbil-airport"}
