"""Near-duplicate stories: the same wire story republished, trimmed, retitled, updated or machine-spun.

Copies keep the order of the original's content words even when a spinner swaps a third of them, so the
longest common subsequence of content words (rapidfuzz LCSseq) over the shorter text says "copy"; two
outlets writing up one attack share names and numbers but not their order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import LCSseq

from bot.models import Story
from bot.tokens import tokenize

# Words every story about an attack shares; they say nothing about who copied whom.
_FUNCTION_WORDS = frozenset("""
a an the of in on at to and or but by for with from into near as that this these those it its is was were are
be been has have had he she they their them his her we our you i not no said says told say according also
after before over under while when where which who whom whose than then there here up down out about
""".split())
FINGERPRINT_WORDS = 600  # enough for any lead, bounded so a 10,000-word page costs the same as a story
# Containment of the shorter text's content words, in order, in the longer one. In tests/corpus labelled
# spun, trimmed and retitled copies score 0.53-0.88, independent reports of one attack 0.09-0.40
# (scripts/dedupe_scores.py prints the current figures).
COPY_CONTAINMENT = 0.5
# Below this many content words a short item (a one-line brief) could be contained by chance in a long
# report, so the shorter text must also be at least this share of the longer one.
SHORT_TEXT_WORDS = 30
SHORT_TEXT_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Candidate:
    story_id: int
    key: str
    url: str
    words: tuple[str, ...]


def fingerprint(story: Story) -> tuple[str, ...]:
    """The story's content words in order, folded (case, diacritics, punctuation gone)."""
    words = [t.norm for t in tokenize(f"{story.title}\n{story.text}") if t.norm not in _FUNCTION_WORDS]
    return tuple(words[:FINGERPRINT_WORDS])


def containment(first: tuple[str, ...], second: tuple[str, ...]) -> float:
    shorter = min(len(first), len(second))
    if shorter == 0:
        return 0.0
    return LCSseq.similarity(first, second) / shorter


def is_copy(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    shorter, longer = sorted((len(first), len(second)))
    if shorter == 0:
        return False
    if shorter < SHORT_TEXT_WORDS and shorter < SHORT_TEXT_SHARE * longer:
        return False
    return containment(first, second) >= COPY_CONTAINMENT


def find_original(story: Story, words: tuple[str, ...], candidates: Iterable[Candidate]) -> Candidate | None:
    """The earlier story this one copies (or updates: same link or guid), best match first."""
    best: tuple[float, Candidate] | None = None
    for candidate in candidates:
        if candidate.key == story.key or (story.url and candidate.url == story.url):
            return candidate
        if is_copy(words, candidate.words):
            score = containment(words, candidate.words)
            if best is None or score > best[0]:
                best = (score, candidate)
    return best[1] if best else None


def pair_score(first: Story, second: Story) -> float:
    """How much of a copy of each other two stories look, 0..1 (scripts/dedupe_scores.py prints it)."""
    return containment(fingerprint(first), fingerprint(second))


def is_copy_pair(first: Story, second: Story) -> bool:
    """Whether one of two stories is a near-duplicate of the other, by text alone."""
    return is_copy(fingerprint(first), fingerprint(second))
