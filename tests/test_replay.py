"""The replay command end to end, on fixture feeds: its JSON lines are a contract."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.config import load_config
from bot.matcher.pipeline import analyse
from bot.matcher.sites import Gazetteer
from bot.models import Site, Source, Story
from bot.replay import (
    Arrival,
    ArrivalQueue,
    Explainer,
    _packed_analysis,
    _unpacked_analysis,
    arrival_row,
    load_stories,
    replay,
    spill_stories,
    throwaway_store,
)
from tests.conftest import ROOT, SHARED_EXAMPLES

FIXTURES = Path(__file__).parent / "fixtures"
CONTRACT_KEYS = ["action", "incident", "site", "date", "weapons", "killed", "wounded", "title", "summary",
                 "sources"]


def run_replay(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "replay", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)


def alerts(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_worked_example_replays_to_its_five_incidents() -> None:
    result = run_replay("--config", str(SHARED_EXAMPLES / "config.yaml"), "--json",
                        str(SHARED_EXAMPLES / "seed-feed.xml"))
    assert result.returncode == 0, result.stderr
    records = alerts(result.stdout)
    assert [list(r) for r in records] == [CONTRACT_KEYS] * 5
    assert {(r["action"], r["site"], r["date"]) for r in records} == {
        ("new", "ain-al-asad", "2021-07-07"), ("new", "us-embassy-baghdad", "2021-07-08"),
        ("new", "al-omar-oil-field", "2021-07-07"), ("new", "erbil-airport", "2021-07-06"),
        ("new", "ain-al-asad", "2021-07-05")}


def test_every_report_of_one_attack_is_one_incident_updated_in_place() -> None:
    result = run_replay("--config", "config.yaml", "--json", str(FIXTURES / "scenario"))
    records = alerts(result.stdout)
    assert [r["action"] for r in records].count("new") == 1
    last = records[-1]
    assert (last["site"], last["date"], last["weapons"]) == ("ain-al-asad", "2021-03-03", ["rocket"])
    # The follow-up's toll ("The contractor was killed and two others were wounded") updates the incident.
    assert (last["killed"], last["wounded"]) == (1, 2)
    assert len(last["sources"]) == 4  # wire, its spun copy, the Kurdish outlet, the follow-up
    assert all(r["incident"] == last["incident"] for r in records)


def test_a_meeting_at_the_airport_is_not_an_incident() -> None:
    records = alerts(run_replay("--config", "config.yaml", "--json", str(FIXTURES / "scenario")).stdout)
    assert "erbil-airport" not in {r["site"] for r in records}


def test_unreadable_files_get_one_line_each_and_the_rest_goes_on() -> None:
    result = run_replay("--config", "config.yaml", "--json", str(FIXTURES / "broken"), str(FIXTURES / "scenario"))
    assert result.returncode == 0
    skipped = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert len(skipped) == 2
    assert all("Traceback" not in line for line in result.stderr.splitlines())
    assert any("notes.txt" in line and "not a feed" in line for line in skipped)
    assert alerts(result.stdout)


def test_a_missing_path_exits_2_with_one_line_and_the_rest_goes_on() -> None:
    # As grep does: what can be read is replayed, but a typo in a path must not pass for a clean run.
    result = run_replay("--config", "config.yaml", "--json", str(FIXTURES / "scenario"), str(FIXTURES / "missing.xml"))
    assert result.returncode == 2
    named = [line for line in result.stderr.splitlines() if "missing.xml" in line]
    assert named == [f"sitewatch: error: {FIXTURES / 'missing.xml'}: no such file or folder"]
    assert alerts(result.stdout)


def test_only_a_missing_path_exits_2_with_one_line() -> None:
    result = run_replay("--config", "config.yaml", "--json", str(FIXTURES / "missing.xml"))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [f"sitewatch: error: {FIXTURES / 'missing.xml'}: no such file or folder"]


def test_every_file_unreadable_exits_2_with_one_line_saying_so(tmp_path: Path) -> None:
    for name in ("binary.xml", "notes.txt"):
        (tmp_path / name).write_bytes((FIXTURES / "broken" / name).read_bytes())
    result = run_replay("--config", "config.yaml", "--json", str(tmp_path))
    assert (result.returncode, result.stdout) == (2, "")
    lines = result.stderr.splitlines()
    assert len(lines) == 3 and sum("skipped" in line for line in lines) == 2
    assert lines[-1] == "sitewatch: error: none of the 2 files could be read as a feed"


def test_an_empty_folder_exits_2_with_one_line(tmp_path: Path) -> None:
    result = run_replay("--config", "config.yaml", "--json", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"sitewatch: error: no files found in {tmp_path}"]


def test_replayed_feed_snapshots_do_not_repeat_alerts(tmp_path: Path) -> None:
    # Archives often hold several snapshots of one feed: the same entries must not alert twice.
    for name in ("monday.xml", "tuesday.xml"):
        (tmp_path / name).write_bytes((FIXTURES / "scenario" / "wire.xml").read_bytes())
    records = alerts(run_replay("--config", "config.yaml", "--json", str(tmp_path)).stdout)
    assert [r["action"] for r in records].count("new") == 1
    assert len(records) == 2  # the report, then the follow-up's toll


def test_text_output_is_for_people() -> None:
    result = run_replay("--config", str(SHARED_EXAMPLES / "config.yaml"), str(SHARED_EXAMPLES / "seed-feed.xml"))
    assert result.stdout.count("[NEW]") == 5
    assert "{" not in result.stdout.splitlines()[0]


def test_a_config_holding_only_sites_is_enough(tmp_path: Path) -> None:
    config = tmp_path / "sites.yaml"
    config.write_text("sites:\n  - {id: erbil-airport, name: Erbil International Airport, aliases: [], "
                      "country: IQ, lat: 36.2, lon: 43.9, timezone: Asia/Baghdad}\n")
    result = run_replay("--config", str(config), "--json", str(SHARED_EXAMPLES / "seed-feed.xml"))
    assert [(r["site"], r["date"]) for r in alerts(result.stdout)] == [("erbil-airport", "2021-07-06")]


def test_bad_config_names_the_key(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("sites:\n  - id: x\n    name: X\n    country: Iraq\n    lat: 1\n    lon: 2\n")
    result = run_replay("--config", str(config), "--json", str(SHARED_EXAMPLES / "seed-feed.xml"))
    assert result.returncode == 2
    assert "line 4" in result.stderr and "sites.0.country" in result.stderr


# -- replay --explain -------------------------------------------------------------------------------------

SEED = ("--config", str(SHARED_EXAMPLES / "config.yaml"), str(SHARED_EXAMPLES / "seed-feed.xml"))
SEED_URL = "https://iraq-news.example/2021/07/08/iraqi-and-syrian-us-diplomats-and-troops"


def explained(*args: str) -> list[dict[str, object]]:
    result = run_replay("--json", "--explain", *args)
    assert result.returncode == 0, result.stderr
    return alerts(result.stdout)


def told(record: dict[str, object], fact: str) -> list[dict[str, object]]:
    return [e for e in record["evidence"] if e["fact"] == fact]  # type: ignore[union-attr]


def test_explain_adds_only_an_evidence_key_and_leaves_the_json_contract_byte_for_byte() -> None:
    plain = run_replay("--json", *SEED).stdout.splitlines()
    records = explained(*SEED)
    assert len(records) == len(plain) == 5
    for record, line in zip(records, plain, strict=True):
        assert list(record) == [*CONTRACT_KEYS, "evidence"]
        assert json.dumps({k: v for k, v in record.items() if k != "evidence"}, ensure_ascii=False) == line
        assert all(list(e) == ["fact", "sentence", "source"] for e in record["evidence"])  # type: ignore[union-attr]
        assert {"site", "day", "weapons"} <= {e["fact"] for e in record["evidence"]}  # type: ignore[union-attr]
    assert '"evidence"' not in "\n".join(plain)


def test_explain_names_the_sentence_that_dated_the_attack_or_says_the_day_was_inferred() -> None:
    records = {(r["site"], r["date"]): r for r in explained(*SEED)}
    erbil = records[("erbil-airport", "2021-07-06")]
    (day,) = told(erbil, "day")
    assert str(day["sentence"]).startswith("On Tuesday, a drone struck Erbil Airport")
    assert day["source"] == SEED_URL
    # "Two people were lightly wounded ... Ain al-Asad": no sentence dates it, the publish time does.
    assert told(records[("ain-al-asad", "2021-07-07")], "day") == [
        {"fact": "day", "sentence": None, "source": SEED_URL}]


def test_explain_quotes_the_toll_the_alert_shows_not_a_superseded_figure() -> None:
    first = explained(*SEED)[0]
    tolls = [str(e["sentence"]) for e in told(first, "toll")]
    assert any(s.startswith("Two people were lightly wounded") for s in tolls)
    assert "He first said three people were injured." not in tolls


def test_explain_follows_the_report_that_decided_each_fact() -> None:
    last = explained("--config", "config.yaml", str(FIXTURES / "scenario"))[-1]
    assert (last["killed"], last["wounded"]) == (1, 2)
    # The follow-up's toll decided the figures; the first wire story, which dated the attack, the day.
    assert {e["source"] for e in told(last, "toll")} == {"https://wire.example/2021/03/04/contractor-dies"}
    assert "The contractor was killed and two others were wounded, officials said." in [
        e["sentence"] for e in told(last, "toll")]
    (day,) = told(last, "day")
    assert day["source"] == "https://wire.example/2021/03/03/rockets-ain-al-asad"
    assert "early on Wednesday" in str(day["sentence"])


def test_explain_names_a_claim_told_sentences_after_the_attack(tmp_path: Path) -> None:
    feed = tmp_path / "wire.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test Wire</title>'
        "<item><title>Rockets hit Ain al-Asad air base</title><link>https://t.example/asad</link>"
        "<pubDate>Wed, 10 Jan 2024 09:00:00 +0000</pubDate><description>Three rockets struck Ain al-Asad air base "
        "on Tuesday, Iraqi security officials said. Damage was being assessed. Flights were not affected. "
        "The Islamic Resistance in Iraq claimed responsibility for the attack in a statement.</description>"
        "</item></channel></rss>")
    (record,) = explained("--config", "config.yaml", str(feed))
    assert told(record, "claim") == [{"fact": "claim", "source": "https://t.example/asad", "sentence":
                                      "The Islamic Resistance in Iraq claimed responsibility for the attack in a "
                                      "statement."}]
    assert [e["sentence"] for e in told(record, "day")] == [
        "Three rockets struck Ain al-Asad air base on Tuesday, Iraqi security officials said."]


def test_explain_text_indents_the_deciding_sentences_under_each_alert() -> None:
    result = run_replay("--explain", *SEED)
    blocks = result.stdout.split("[NEW]")[1:]
    assert len(blocks) == 5
    for block in blocks:
        lines = block.splitlines()
        start = lines.index(f"  Evidence from Iraq News <{SEED_URL}>:")
        assert lines[start + 1].startswith("    ") and "site" in lines[start + 1].split(":")[0]
    assert "    day: no sentence dates the attack" in blocks[0]
    assert "Evidence" not in run_replay(*SEED).stdout


# -- the arrival queue: stories on disk, back in the order the whole list would have been sorted in -----------

def tied_stories() -> list[Story]:
    """Ties at every level of the order: one moment, feeds and keys beyond ASCII (code point order is not
    UTF-16's), one entry twice in one feed, another time zone."""
    moment = datetime(2024, 3, 1, 6, 0, tzinfo=UTC)
    stories = []
    for number, (feed, key) in enumerate([("Wire", "b"), ("Wire", "a"), ("Été", "z"), ("Zed", "\U0001d538"),
                                          ("Zed", "\uff21"), ("Wire", "a"), ("wire", "A")]):
        published = moment + timedelta(minutes=3 * (number % 3))
        stories.append(Story(key, f"https://x.example/{number}", feed, f"Title {number}", f"Text {number}.",
                             published))
    stories.append(Story("late", "https://x.example/tz", "Wire", "Zoned", "Text.",
                         moment.astimezone(timezone(timedelta(hours=3)))))
    return stories


@pytest.mark.parametrize("arrival", ["publish", "polls:5", "polls:30"])
def test_the_arrival_queue_gives_the_order_of_sorting_every_story_in_memory(arrival: str, tmp_path: Path) -> None:
    order = Arrival.parse(arrival)
    stories, _, _ = load_stories([str(ROOT / "tests" / "corpus" / "real-iraq" / "feeds")], io.StringIO())
    for number, batch in enumerate((tied_stories(), stories)):
        folder = tmp_path / str(number)
        folder.mkdir()
        queue = ArrivalQueue(str(folder), order)
        for start in range(0, len(batch), 3):  # file by file, as replay adds them
            queue.add(batch[start:start + 3])
        got = [(story, seen_at) for story, seen_at, _ in queue.in_order()]
        queue.close()
        want = order.schedule(sorted(batch, key=lambda story: story.published))
        assert [(id_of(s), at) for s, at in got] == [(id_of(s), at) for s, at in want]
        assert [s.text for s, _ in got] == [s.text for s, _ in want]
        assert [s.published.utcoffset() for s, _ in got] == [s.published.utcoffset() for s, _ in want]


def id_of(story: Story) -> tuple[object, ...]:
    return (story.key, story.url, story.feed, story.title, story.text, story.published)


# -- replay --jobs: files read and analysed in worker processes, the same output --------------------------------

CORPUS_SETS = sorted(p.name for p in (ROOT / "tests" / "corpus").iterdir() if (p / "labels.yaml").exists())


def replayed(paths: list[Path], jobs: int, arrival: str = "publish", explain: bool = False) -> tuple[str, str]:
    out, errors = io.StringIO(), io.StringIO()
    replay([str(p) for p in paths], load_config(ROOT / "config.yaml").site_records(), out, errors, as_json=True,
           explain=explain, arrival=Arrival.parse(arrival), jobs=jobs)
    return out.getvalue(), errors.getvalue()


@pytest.mark.parametrize("arrival", ["publish", "polls:5"])
@pytest.mark.parametrize("name", CORPUS_SETS)
def test_every_corpus_set_replays_the_same_with_one_job_and_two(name: str, arrival: str) -> None:
    feeds = ROOT / "tests" / "corpus" / name / "feeds"
    alone = replayed([feeds], 1, arrival)
    assert alone[0]
    assert replayed([feeds], 2, arrival) == alone


def rss(entries: list[tuple[str, str, str]], feed: str = "Test Wire") -> str:
    items = "".join(f"<item><title>{title}</title><link>https://t.example/{key}</link><guid>{key}</guid>"
                    f"<pubDate>Mon, 08 Jan 2024 09:00:00 +0000</pubDate><description>{text}</description></item>"
                    for key, title, text in entries)
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{feed}</title>{items}' \
           "</channel></rss>"


def test_files_finishing_out_of_order_are_queued_in_file_order(tmp_path: Path) -> None:
    # One entry, one moment, in two files: the first file's version, then the second's (a revision). The
    # first file is big, so its worker finishes after the others'; were the stories queued as workers finish,
    # the revision would come first and the first version would be the one that stands.
    report = ("asad", "Rockets hit Ain al-Asad air base",
              "Three rockets struck Ain al-Asad air base in western Iraq on Monday, the coalition said.")
    revised = ("asad", "Blasts at Ain al-Asad air base",
               "The coalition ruled out an attack on Ain al-Asad air base on Monday: the blasts were a controlled "
               "detonation of old munitions.")
    filler = [(f"news-{n}", f"Talks in Baghdad, round {n}", "Talks on the budget resumed in Baghdad on Monday. "
               "A new round of talks would begin next week, officials said. " * 4) for n in range(1500)]
    (tmp_path / "a-big.xml").write_text(rss([*filler, report]))
    (tmp_path / "b-notes.txt").write_bytes((FIXTURES / "broken" / "notes.txt").read_bytes())
    (tmp_path / "c-revised.xml").write_text(rss([revised]))
    (tmp_path / "d-binary.xml").write_bytes((FIXTURES / "broken" / "binary.xml").read_bytes())
    (tmp_path / "e-wire.xml").write_bytes((FIXTURES / "scenario" / "wire.xml").read_bytes())
    alone = replayed([tmp_path], 1)
    first, then = [r for r in alerts(alone[0]) if r["site"] == "ain-al-asad" and str(r["date"]).startswith("2024")]
    assert (first["action"], then["action"], then["incident"]) == ("new", "update", first["incident"])
    assert [s["title"] for s in then["sources"]] == ["Blasts at Ain al-Asad air base"]
    skipped = alone[1].splitlines()
    assert len(skipped) == 2 and "b-notes.txt" in skipped[0] and "d-binary.xml" in skipped[1]
    assert replayed([tmp_path], 2) == alone
    assert replayed([tmp_path], 3, "polls:5") == replayed([tmp_path], 1, "polls:5")


def test_a_revision_naming_no_site_still_withdraws_what_its_first_version_reported(tmp_path: Path) -> None:
    # With workers, entries naming no site in any version are not processed (it would do nothing); one whose
    # earlier version named a site is.
    report = ("gone", "Rockets hit Ain al-Asad air base",
              "Three rockets struck Ain al-Asad air base in western Iraq on Monday, the coalition said.")
    revised = ("gone", "Blasts in western Iraq", "The blasts heard in western Iraq on Monday were a controlled "
               "detonation of old munitions, the army said.")
    (tmp_path / "a.xml").write_text(rss([report]))
    (tmp_path / "b.xml").write_text(rss([revised, ("other", "Talks in Baghdad", "Talks resumed on Monday.")]))
    alone = replayed([tmp_path], 1)
    assert [r["action"] for r in alerts(alone[0])] == ["new", "withdrawn"]
    assert replayed([tmp_path], 2) == alone


def test_explain_is_the_same_with_worker_processes() -> None:
    assert replayed([FIXTURES / "scenario"], 2, explain=True) == replayed([FIXTURES / "scenario"], 1, explain=True)


def test_a_workers_analysis_comes_back_exactly_as_analyse_made_it() -> None:
    gazetteer = Gazetteer(load_config(ROOT / "config.yaml").site_records())
    stories, _, _ = load_stories([str(ROOT / "tests" / "corpus")], io.StringIO())
    analyses = [analyse(story, gazetteer) for story in stories]
    assert any(a.attacks for a in analyses) and any(not a.site_ids for a in analyses)
    for analysis in analyses:
        assert _unpacked_analysis(analysis.story, _packed_analysis(analysis)) == analysis


def test_a_worker_hands_back_the_analysis_only_of_a_story_naming_a_site() -> None:
    # The rest are processed only when another version names a site, and are analysed again then.
    gazetteer = Gazetteer(load_config(ROOT / "config.yaml").site_records())
    stories, _, _ = load_stories([str(ROOT / "tests" / "corpus")], io.StringIO())
    rows = [arrival_row(story, Arrival(), analyse(story, gazetteer)) for story in stories]
    naming = [row for row in rows if row[6]]
    assert naming and len(naming) < len(rows)
    assert all(row[5] is not None for row in naming)
    assert all(row[5] is None for row in rows if not row[6])


def test_workers_read_with_the_gazetteer_they_are_given_or_only_read(tmp_path: Path) -> None:
    # The replay's own gazetteer goes to the workers (not one built again from the sites, ~1 s at 50,000).
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "a.xml").write_text(rss([("depot", "Rockets hit Qarmat Test Depot",
                                       "Two rockets struck the Qarmat Test Depot on Monday, officials said."),
                                      ("talks", "Talks in Baghdad", "Talks resumed on Monday.")]))
    gazetteer = Gazetteer([Site("qarmat-depot", "Qarmat Test Depot", (), "IQ", 33.0, 44.0)])
    for given, expected in ((gazetteer, {"depot": ("qarmat-depot",), "talks": None}),
                            (None, {"depot": None, "talks": None})):
        queue = ArrivalQueue(str(tmp_path), Arrival())
        spill_stories([str(feeds)], queue, io.StringIO(), gazetteer=given, jobs=2)
        got = {story.key: analysis.site_ids if analysis is not None else None
               for story, _, analysis in queue.in_order()}
        queue.close()
        (tmp_path / "arrivals.sqlite").unlink()
        assert got == expected


def test_a_replays_store_keeps_no_search_index(tmp_path: Path) -> None:
    store = throwaway_store(str(tmp_path))
    triggers = {row[0] for row in store.connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    store.close()
    assert not triggers & {"stories_search_insert", "stories_search_update", "stories_search_delete"}


def test_explain_keeps_the_stories_it_is_shown_in_a_file_exactly_and_only_those_naming_a_site(tmp_path: Path) -> None:
    gazetteer = Gazetteer(load_config(ROOT / "config.yaml").site_records())
    explainer = Explainer(gazetteer, throwaway_store(str(tmp_path)), str(tmp_path))
    story = Story("k", "https://t.example/a", "Wire \ud800", "Blasts in western Iraq \udcff",
                  "Two rockets struck Ain al-Asad air base on Monday.",
                  datetime(2024, 1, 8, 9, tzinfo=timezone(timedelta(hours=3))))
    source = Source(story.url, story.feed, story.title)
    explainer.remember(story, analyse(story, gazetteer))
    assert explainer.story(source) == story and explainer.story(source).published.utcoffset() == timedelta(hours=3)
    assert not vars(explainer).get("stories")  # nothing kept in this process's memory
    # A later version that names no site replaces it: nothing it said can decide an alert any more.
    retold = replace(story, text="The blasts heard on Monday were a controlled detonation, the army said.")
    explainer.remember(retold, analyse(retold, gazetteer))
    assert explainer.story(source) is None
    explainer.close()


def test_jobs_flag_gives_the_same_output_and_refuses_zero() -> None:
    one = run_replay("--config", "config.yaml", "--json", "--jobs", "1", str(FIXTURES / "scenario"))
    two = run_replay("--config", "config.yaml", "--json", "--jobs", "2", str(FIXTURES / "scenario"))
    assert (two.returncode, two.stdout, two.stderr) == (0, one.stdout, one.stderr) and one.stdout
    zero = run_replay("--config", "config.yaml", "--jobs", "0", str(FIXTURES / "scenario"))
    assert zero.returncode == 2 and "--jobs" in zero.stderr
