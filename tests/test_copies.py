"""Issue 9: a real attack report is never swallowed as a "copy" of an unrelated story about the same site.
Labelled by ../shared/DOMAIN.md: a copy is the same story republished, trimmed, retitled, updated, spun or
translated; a story that reports an attack its supposed original does not report is never its copy."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.matcher.dedupe import copy_score, fingerprint, site_vocabulary
from bot.models import Site
from bot.replay import replay
from tests.conftest import make_story

EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "examples"
AIN_AL_ASAD = Site("ain-al-asad", "Ain al-Asad Air Base", (), "IQ", 33.79, 42.44, "Asia/Baghdad")
VISIT = ("Officials visited Ain al-Asad air base on Monday to review a new canteen, hospital wing and the runway "
         "extension funded by the coalition.")
ATTACK = ("Three rockets struck Ain al-Asad air base in western Iraq on Monday, the coalition said. There were no "
          "casualties.")
NOTES = [
    "Coalition officials visited Ain al-Asad air base on Monday to review the new {thing} and said the work "
    "would finish soon.",
    "A sandstorm closed Ain al-Asad air base to flights on Monday morning, the coalition said; the {thing} was "
    "not affected.",
    "Iraqi and coalition officers held an exercise at Ain al-Asad air base on Monday around the {thing}.",
    "The coalition said on Monday that a contract for the {thing} at Ain al-Asad air base had been signed.",
]
THINGS = ["canteen", "hospital wing", "runway", "fuel depot", "gym", "hangar", "water plant", "barracks",
          "radar", "school"]


def rss(items: list[tuple[str, str, datetime]]) -> str:
    entries = "".join(
        f"<item><title>{title}</title><link>http://news.example/{n}</link>"
        f"<pubDate>{when.strftime('%a, %d %b %Y %H:%M:%S GMT')}</pubDate><description>{text}</description></item>"
        for n, (title, text, when) in enumerate(items))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{entries}</channel></rss>'


def replay_alerts(tmp_path: Path, feed: str) -> list[dict[str, object]]:
    path = tmp_path / "feed.xml"
    path.write_text(feed, encoding="utf-8")
    out = io.StringIO()
    replay([str(path)], [AIN_AL_ASAD], out, io.StringIO(), as_json=True)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_attack_after_a_visit_story_about_the_same_base_is_one_alert(tmp_path: Path) -> None:
    monday = datetime(2021, 7, 5, 10, tzinfo=UTC)
    alerts = replay_alerts(tmp_path, rss([("Officials visit Ain al-Asad", VISIT, monday),
                                          ("Rockets hit Ain al-Asad air base", ATTACK, monday + timedelta(hours=5))]))
    assert [(a["action"], a["site"], a["date"]) for a in alerts] == [("new", "ain-al-asad", "2021-07-05")]


def test_the_shared_copy_trap_gives_one_incident(tmp_path: Path) -> None:
    out = io.StringIO()
    replay([str(EXAMPLES / "copy-trap.xml")], [AIN_AL_ASAD], out, io.StringIO(), as_json=True)
    assert [json.loads(line)["action"] for line in out.getvalue().splitlines()] == ["new"]


def test_attack_after_a_thousand_notes_naming_the_base_is_one_alert(tmp_path: Path) -> None:
    start = datetime(2021, 7, 5, 6, tzinfo=UTC)
    notes = [(f"Ain al-Asad note {n}", NOTES[n % len(NOTES)].format(thing=THINGS[n % len(THINGS)]),
              start + timedelta(seconds=20 * n)) for n in range(1000)]
    attack = [("Rockets hit Ain al-Asad air base", ATTACK, start + timedelta(hours=7))]
    alerts = replay_alerts(tmp_path, rss(notes + attack))
    assert [(a["action"], a["date"]) for a in alerts] == [("new", "2021-07-05")]


def test_a_short_brief_is_not_a_copy_of_a_long_story_containing_its_words() -> None:
    brief = make_story("Rockets hit Ain al-Asad air base on Monday, the coalition said; no casualties were reported "
                       "among the personnel stationed there.")
    long_story = make_story(" ".join([
        "Militias fired a salvo at the coalition's western garrison before dawn, officials in Anbar said."] + [
        f"Paragraph {n}: the coalition said personnel stationed at the base reported the attack to commanders, "
        f"and no casualties were reported after crews checked hangar {n} and the perimeter on Monday."
        for n in range(30)]))
    words = site_vocabulary([AIN_AL_ASAD])
    assert copy_score(fingerprint(brief), fingerprint(long_story), words) == 0.0


def test_a_trimmed_lead_of_a_long_story_is_still_its_copy() -> None:
    lead = ("Militants fired a volley of rockets at Ain al-Asad air base before dawn, wrecking a maintenance "
            "hangar and a fuel truck, while sirens sounded across the sprawling desert compound for nearly an hour.")
    rest = " ".join(f"Analysts in Amman and Beirut debated paragraph {n} of the background on regional politics, "
                    f"tribal alliances, pipeline tariffs and parliamentary elections." for n in range(25))
    words = site_vocabulary([AIN_AL_ASAD])
    assert copy_score(fingerprint(make_story(lead)), fingerprint(make_story(lead + " " + rest)), words) >= 0.9


LONG_WIRE = ("Three rockets struck Ain al-Asad air base in Iraq's western Anbar province on Monday, the U.S.-led "
             "coalition said, the latest in a string of attacks on bases that host American troops. There were no "
             "casualties and damage was being assessed, coalition spokesman Colonel Dale Prentiss said on Twitter. "
             "Iraqi security forces later found a burned-out truck with a makeshift launch rail near the town of "
             "al-Baghdadi, about eight kilometres east of the base, according to a military statement. No group "
             "claimed responsibility, although western officials have blamed earlier rocket and drone attacks on "
             "Iran-aligned militias demanding that the remaining foreign troops leave the country.")


def test_a_long_story_republished_weeks_later_is_background_not_a_new_attack(tmp_path: Path) -> None:
    monday = datetime(2021, 7, 5, 12, tzinfo=UTC)
    later = monday + timedelta(days=23)
    alerts = replay_alerts(tmp_path, rss([("Rockets hit Ain al-Asad air base", LONG_WIRE, monday),
                                          ("Rockets hit Ain al-Asad air base", LONG_WIRE, later)]))
    assert [(a["action"], a["date"]) for a in alerts] == [("new", "2021-07-05")]


def test_a_templated_brief_weeks_later_is_a_new_attack(tmp_path: Path) -> None:
    monday = datetime(2021, 7, 5, 12, tzinfo=UTC)
    alerts = replay_alerts(tmp_path, rss([("Rockets hit Ain al-Asad air base", ATTACK, monday),
                                          ("Rockets hit Ain al-Asad air base", ATTACK, monday + timedelta(days=21))]))
    assert [(a["action"], a["date"]) for a in alerts] == [("new", "2021-07-05"), ("new", "2021-07-26")]
