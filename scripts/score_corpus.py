"""Score the matcher on the labelled corpus: precision and recall on incidents, duplicates, field accuracy.

    python scripts/score_corpus.py [--config config.yaml] [--arrival ORDER ...] [SET ...]

Each set is tests/corpus/<set>/ (feeds/ and labels.yaml, see tests/corpus/FORMAT.md). It is replayed with
`python -m bot replay`'s own code; a predicted incident is the final state of each incident id, and it is
right when its site matches a labelled incident and its date is one the label allows.

A set whose labels.yaml says `heldout: true` was written to estimate how the matcher does on reporting it was never
tuned on: it is printed marked "held-out" and kept out of the "all" total (tests/test_corpus.py does not hold it to
the 0.95 bar).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import load_config  # noqa: E402
from bot.replay import Arrival, replay  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"


@dataclass
class SetScore:
    name: str
    heldout: bool = False
    labelled: int = 0
    predicted: int = 0
    matched: int = 0
    duplicates: int = 0
    weapons_right: int = 0
    killed_right: int = 0
    wounded_right: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    wrong_fields: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.labelled if self.labelled else 1.0


def _dates(value: object) -> set[str]:
    values = value if isinstance(value, list) else [value]
    return {v.isoformat() if isinstance(v, date) else str(v) for v in values if v is not None}


def is_heldout(labels: dict[str, object]) -> bool:
    """A held-out set is scored and printed, never tuned on nor held to the bar (see the module docstring)."""
    return labels.get("heldout") is True


def predicted_incidents(set_dir: Path, config_path: Path, arrival: str = "publish") -> dict[int, dict[str, object]]:
    out = io.StringIO()
    replay([str(set_dir / "feeds")], load_config(config_path).site_records(), out, io.StringIO(), as_json=True,
           arrival=Arrival.parse(arrival))
    incidents: dict[int, dict[str, object]] = {}
    for line in out.getvalue().splitlines():
        record = json.loads(line)
        incidents[int(record["incident"])] = record
    # An incident merged into another, or withdrawn, is no longer one the bot reports.
    return {i: r for i, r in incidents.items() if r["action"] not in ("merged", "withdrawn")}


def score_set(set_dir: Path, config_path: Path, arrival: str = "publish") -> SetScore:
    labels = yaml.safe_load((set_dir / "labels.yaml").read_text(encoding="utf-8")) or {}
    expected = labels.get("incidents") or []
    predicted = predicted_incidents(set_dir, config_path, arrival)
    score = SetScore(set_dir.name, heldout=is_heldout(labels), labelled=len(expected), predicted=len(predicted))
    taken: set[int] = set()
    for incident_id, record in sorted(predicted.items()):
        matches = [i for i, label in enumerate(expected)
                   if label["site"] == record["site"] and str(record["date"]) in _dates(label["date"])]
        free = [i for i in matches if i not in taken]
        where = f"#{incident_id} {record['site']} {record['date']} {record['weapons']} " \
                f"k={record['killed']} w={record['wounded']}"
        if free:
            label = expected[free[0]]
            taken.add(free[0])
            score.matched += 1
            score.weapons_right += set(record["weapons"]) == set(label.get("weapons") or [])
            score.killed_right += record["killed"] == label.get("killed")
            score.wounded_right += record["wounded"] == label.get("wounded")
            if (set(record["weapons"]) != set(label.get("weapons") or []) or record["killed"] != label.get("killed")
                    or record["wounded"] != label.get("wounded")):
                score.wrong_fields.append(f"{where}  expected {label.get('weapons')} k={label.get('killed')} "
                                          f"w={label.get('wounded')}")
        elif matches:
            score.duplicates += 1
            score.false_alarms.append(f"{where}  (duplicate)")
        else:
            sources = [s["url"] for s in record["sources"]][:2]  # type: ignore[index]
            score.false_alarms.append(f"{where}  {sources}")
    for i, label in enumerate(expected):
        if i not in taken:
            score.misses.append(f"{label['site']} {sorted(_dates(label['date']))} {label.get('weapons')} "
                                f"{(label.get('sources') or [])[:2]}")
    return score


ARRIVALS = ("publish", "polls:5", "polls:30")  # live decisions must not depend on which feed came first


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default=str(ROOT / "config.yaml"))
    parser.add_argument("--verbose", "-v", action="store_true", help="list misses, false alarms, wrong fields")
    parser.add_argument("--arrival", action="append", help="arrival orders to score (default: publish, polls:5, "
                                                          "polls:30; see python -m bot replay --help)")
    parser.add_argument("sets", nargs="*", help="set names (default: every set in tests/corpus)")
    args = parser.parse_args()
    names = args.sets or sorted(p.name for p in CORPUS.iterdir() if (p / "labels.yaml").exists())
    for arrival in args.arrival or ARRIVALS:
        print(f"arrival {arrival}")
        print_scores(names, Path(args.config), arrival, verbose=args.verbose)
    return 0


def print_scores(names: list[str], config: Path, arrival: str, *, verbose: bool) -> None:
    total = SetScore("all")
    tuned = 0
    for name in names:
        score = score_set(CORPUS / name, config, arrival)
        label = f"{name} (held-out)" if score.heldout else name
        print(f"  {label:26} labelled {score.labelled:3}  predicted {score.predicted:3}  matched {score.matched:3}  "
              f"duplicates {score.duplicates}  precision {score.precision:.3f}  recall {score.recall:.3f}  "
              f"weapons {score.weapons_right}/{score.matched} killed {score.killed_right}/{score.matched} "
              f"wounded {score.wounded_right}/{score.matched}")
        if verbose:
            for line in score.misses:
                print("     MISS   ", line)
            for line in score.false_alarms:
                print("     FALSE  ", line)
            for line in score.wrong_fields:
                print("     FIELDS ", line)
        if score.heldout:
            continue  # the "all" total is the tuned sets'; a held-out score is read on its own line
        tuned += 1
        for attribute in ("labelled", "predicted", "matched", "duplicates", "weapons_right", "killed_right",
                          "wounded_right"):
            setattr(total, attribute, getattr(total, attribute) + getattr(score, attribute))
    if not tuned:
        return
    print(f"  {'all':26} labelled {total.labelled:3}  predicted {total.predicted:3}  matched {total.matched:3}  "
          f"duplicates {total.duplicates}  precision {total.precision:.3f}  recall {total.recall:.3f}")


if __name__ == "__main__":
    sys.exit(main())
