"""The replay command end to end, on fixture feeds: its JSON lines are a contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
    result = run_replay("--config", "config.yaml", "--json", str(FIXTURES / "broken"), str(FIXTURES / "scenario"),
                        str(FIXTURES / "missing.xml"))
    assert result.returncode == 0
    skipped = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert len(skipped) == 3
    assert all("Traceback" not in line for line in result.stderr.splitlines())
    assert any("missing.xml" in line for line in skipped)
    assert any("notes.txt" in line and "not a feed" in line for line in skipped)
    assert alerts(result.stdout)


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


def test_a_missing_path_alone_fails(tmp_path: Path) -> None:
    result = run_replay("--config", "config.yaml", str(tmp_path / "missing.xml"))
    assert result.returncode == 1
    assert "missing.xml" in result.stderr and "Traceback" not in result.stderr


def test_every_file_unreadable_fails_and_an_empty_folder_too(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_replay("--config", "config.yaml", str(empty)).returncode == 1
    for name in ("binary.xml", "notes.txt"):
        (tmp_path / name).write_bytes((FIXTURES / "broken" / name).read_bytes())
    result = run_replay("--config", "config.yaml", str(tmp_path))
    assert result.returncode == 1 and result.stderr.count("skipped") == 2
