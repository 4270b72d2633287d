"""Replay over every feed in feedparser's own test suite: no crash, no traceback, one line per refusal."""

import subprocess
import sys

from tests.conftest import ROOT


def test_replay_survives_feedparsers_test_suite() -> None:
    # Downloads feedparser's sdist from the package registry (reachable in CI) and replays all its files.
    result = subprocess.run([sys.executable, "scripts/replay_feedparser_suite.py"], cwd=ROOT, capture_output=True,
                            text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 tracebacks" in result.stdout
