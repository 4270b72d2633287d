"""Where the near-duplicate threshold comes from: bot.matcher.dedupe's pair_score, and the pipeline's own
copy decision (tests/dedupe_pairs.py judge_pair), on labelled pairs.

Two labelled sources:
- tests/fixtures/dedupe_pairs: copies of every kind, independent reports of one attack, and unrelated
  stories about one site (tests/dedupe_pairs.py loads them);
- tests/corpus: within each incident's sources, the labelled duplicate groups (copies) and every other
  pair of sources (independent reports of one incident).

For each, per label and kind: n, min and max score, how many the pipeline misjudged; then the margin (the
lowest copy score minus the highest non-copy score: negative means the scores overlap and no threshold
separates them) and every misjudged pair. A report, not a test: it always exits 0.

    python scripts/dedupe_scores.py
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bot.matcher.dedupe as dedupe  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.matcher.sites import Gazetteer  # noqa: E402
from bot.models import Story  # noqa: E402
from bot.replay import feed_files, read_feed_file  # noqa: E402
from tests.dedupe_pairs import judge_pair, load_pairs, load_stories  # noqa: E402

COPY = "copy"


@dataclass(frozen=True, slots=True)
class ScoredPair:
    id: str
    label: str  # "copy" or what the pair is instead ("independent", "unrelated")
    kind: str
    score: float
    judged_copy: bool

    @property
    def misjudged(self) -> bool:
        return self.judged_copy != (self.label == COPY)


def copy_threshold() -> float:
    return dedupe.COPY_THRESHOLD


GAZETTEER = Gazetteer(load_config(ROOT / "config.yaml").site_records())


def score_pair(pair_id: str, label: str, kind: str, first: Story, second: Story) -> ScoredPair:
    """The pipeline's own judgement (process_story on a fresh store), and the text score it rests on."""
    judgement = judge_pair(first, second, GAZETTEER)
    return ScoredPair(pair_id, label, kind, judgement.decision_score, judgement.judged_copy)


def score_labelled_pairs() -> list[ScoredPair]:
    stories = load_stories()
    return [score_pair(p.id, p.label, p.kind, stories[p.a], stories[p.b]) for p in load_pairs()]


def score_corpus_pairs() -> list[ScoredPair]:
    scored = []
    for labels_path in sorted((ROOT / "tests" / "corpus").glob("*/labels.yaml")):
        scored.extend(_score_corpus_set(labels_path))
    return scored


def _score_corpus_set(labels_path: Path) -> Iterator[ScoredPair]:
    labels = yaml.safe_load(labels_path.read_text(encoding="utf-8")) or {}
    by_url: dict[str, Story] = {}
    for path in feed_files([str(labels_path.parent / "feeds")]):
        for story in read_feed_file(path):
            by_url[story.url] = story
    copies = {frozenset(pair) for group in labels.get("duplicates") or []
              for pair in itertools.combinations(group, 2)}
    for incident in labels.get("incidents") or []:
        for a, b in itertools.combinations(sorted(set(incident.get("sources") or [])), 2):
            if a in by_url and b in by_url:
                label = COPY if frozenset((a, b)) in copies else "independent"
                yield score_pair(f"{labels_path.parent.name}: {a} {b}", label, "corpus", by_url[a], by_url[b])


def margin(pairs: Iterable[ScoredPair]) -> tuple[float, ScoredPair, ScoredPair] | None:
    """The lowest copy score minus the highest non-copy score, with the two pairs that set it."""
    pairs = list(pairs)
    copies = [p for p in pairs if p.label == COPY]
    others = [p for p in pairs if p.label != COPY]
    if not copies or not others:
        return None
    lowest = min(copies, key=lambda p: p.score)
    highest = max(others, key=lambda p: p.score)
    return lowest.score - highest.score, lowest, highest


def summary_rows(pairs: list[ScoredPair]) -> Iterator[str]:
    groups: dict[tuple[str, str], list[ScoredPair]] = {}
    for pair in pairs:
        groups.setdefault((pair.label, "(all)"), []).append(pair)
        groups.setdefault((pair.label, pair.kind), []).append(pair)
    yield f"  {'label':<12} {'kind':<16} {'n':>4} {'min':>6} {'max':>6} {'misjudged':>10}"
    for (label, kind), members in sorted(groups.items(), key=lambda item: (_label_order(item[0][0]), item[0][1])):
        scores = [p.score for p in members]
        wrong = sum(p.misjudged for p in members)
        yield f"  {label:<12} {kind:<16} {len(members):>4} {min(scores):>6.2f} {max(scores):>6.2f} {wrong:>10}"


def _label_order(label: str) -> tuple[int, str]:
    return (0 if label == COPY else 1, label)


def report(title: str, pairs: list[ScoredPair]) -> None:
    print(f"\n{title}: {len(pairs)} pairs")
    if not pairs:
        return
    for row in summary_rows(pairs):
        print(row)
    print_margin("margin (lowest copy - highest non-copy)", pairs)
    other_labels = sorted({p.label for p in pairs} - {COPY})
    for label in other_labels if len(other_labels) > 1 else ():
        print_margin(f"  against {label} alone", [p for p in pairs if p.label in (COPY, label)])
    wrong = [p for p in pairs if p.misjudged]
    print(f"  misjudged by the pipeline: {len(wrong)} of {len(pairs)}")
    for pair in sorted(wrong, key=lambda p: (_label_order(p.label), p.kind, p.id)):
        verdict = "judged copy" if pair.judged_copy else "judged not a copy"
        print(f"    {pair.id} {pair.label}/{pair.kind} {pair.score:.2f} {verdict}")


def print_margin(title: str, pairs: list[ScoredPair]) -> None:
    found = margin(pairs)
    if found is None:
        print(f"  {title}: n/a (needs copies and non-copies)")
        return
    gap, lowest, highest = found
    print(f"  {title}: {gap:+.2f}   lowest copy {lowest.id} {lowest.kind} {lowest.score:.2f}; "
          f"highest non-copy {highest.id} {highest.label}/{highest.kind} {highest.score:.2f}")


def main() -> int:
    threshold = copy_threshold()
    print(f"copy threshold in bot.matcher.dedupe: {threshold if threshold is not None else 'not found'}")
    for title, score in (("labelled pairs (tests/fixtures/dedupe_pairs)", score_labelled_pairs),
                         ("corpus sources of one incident (tests/corpus)", score_corpus_pairs)):
        try:
            report(title, score())
        except Exception as error:  # a report: one broken source must not hide the other
            print(f"\n{title}: could not score: {type(error).__name__}: {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
