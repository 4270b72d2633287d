"""Where the near-duplicate threshold comes from: containment scores (bot.dedupe) of labelled copy pairs
against pairs of independent reports of the same incident, over the labelled corpus.

    python scripts/dedupe_scores.py
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import load_config  # noqa: E402
from bot.dedupe import COPY_THRESHOLD, copy_score, fingerprint, site_vocabulary  # noqa: E402
from bot.replay import feed_files, read_feed_file  # noqa: E402


def main() -> int:
    copies: list[float] = []
    independent: list[float] = []
    wrong: list[str] = []
    site_words = site_vocabulary(load_config(ROOT / "config.yaml").site_records())
    for labels_path in sorted((ROOT / "tests" / "corpus").glob("*/labels.yaml")):
        labels = yaml.safe_load(labels_path.read_text(encoding="utf-8")) or {}
        words = {}
        for path in feed_files([str(labels_path.parent / "feeds")]):
            for story in read_feed_file(path):
                words[story.url] = fingerprint(story)
        groups = [set(g) for g in labels.get("duplicates") or []]
        same_group = {(a, b) for g in groups for a, b in itertools.permutations(g, 2)}
        for incident in labels.get("incidents") or []:
            for a, b in itertools.combinations(sorted(set(incident.get("sources") or [])), 2):
                if a not in words or b not in words:
                    continue
                score = copy_score(words[a], words[b], site_words)
                is_pair = (a, b) in same_group
                (copies if is_pair else independent).append(score)
                if is_pair != (score >= COPY_THRESHOLD):
                    wrong.append(f"{labels_path.parent.name}: {score:.2f} {'copy' if is_pair else 'independent'} "
                                 f"{a} {b}")
    def describe(scores: list[float]) -> str:
        return f"n={len(scores)} min={min(scores):.2f} max={max(scores):.2f}" if scores else "n=0"
    print(f"threshold {COPY_THRESHOLD}")
    print(f"labelled copies:                      {describe(copies)}")
    print(f"independent reports of one incident:  {describe(independent)}")
    for line in wrong:
        print("misjudged:", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
