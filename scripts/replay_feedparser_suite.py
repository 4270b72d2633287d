"""Replay every file of feedparser's own test suite (from its source distribution on PyPI).

    python scripts/replay_feedparser_suite.py [--keep DIR]

Prints how many files were read, how many were refused with a one-line error, and fails (exit 1) on any
traceback. The suite is hostile input by design: broken encodings, entities, illegal XML, odd dates.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fetch_suite(into: Path) -> Path:
    """Download feedparser's sdist (the installed version) and unpack its tests/ folder."""
    wanted = version("feedparser")
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                    "--dest", str(into), f"feedparser=={wanted}"], check=True)
    archive = next(into.glob("feedparser-*.tar.gz"))
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if "/tests/" in m.name and m.isfile()]
        tar.extractall(into, members=members, filter="data")
    return next(into.glob("feedparser-*/tests"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", help="an unpacked feedparser tests/ folder (skips the download)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        suite = Path(args.suite) if args.suite else fetch_suite(Path(scratch))
        files = [p for p in suite.rglob("*") if p.is_file()]
        result = subprocess.run(
            [sys.executable, "-m", "bot", "replay", "--config", str(ROOT / "config.yaml"), "--json", str(suite)],
            cwd=ROOT, capture_output=True, text=True, check=False)
    skipped = [line for line in result.stderr.splitlines() if line.startswith("sitewatch: skipped")]
    tracebacks = result.stderr.count("Traceback")
    print(f"feedparser {version('feedparser')} test suite: {len(files)} files, {len(skipped)} refused with "
          f"one line each, {len(result.stdout.splitlines())} alerts, exit {result.returncode}, "
          f"{tracebacks} tracebacks")
    print(result.stderr.splitlines()[-1] if result.stderr else "")
    return 0 if result.returncode == 0 and tracebacks == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
