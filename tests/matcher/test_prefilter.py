"""A prefiltered pattern (bot.matcher.prefilter) skips text without the words a match needs, and otherwise finds
exactly what the pattern finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matcher import attacks, casualties, dates, stories
from bot.matcher.prefilter import Prefiltered, first_characters, prefiltered, required_literals
from tests.matcher.test_first_look import CORPUS


@pytest.mark.parametrize(("pattern", "flags", "needs"), [
    (r"\b(attack(?:ed|s)?|struck|came\s+under)\b", re.I, {"attack", "struck", "under"}),
    (r"\brockets?\b|\b(?:107|240)\s?mm\b", re.I, {"rocket", "107", "240"}),
    (r"Claimed\s+by", 0, {"claimed"}),
    (r"(?:killed|wounded)?\s+in\s+attacks", re.I, {"attacks"}),
    (r"\b(?:if|could)\b", re.I, None),  # "if" is in every other word: no filter
    (r"\b(?:drones?)?\s+hit", re.I, {"hit"}),
    (r"(?:\w+\s+){0,3}$", re.I, None),
    (r"\b(?:north|south)(?:[- ]?(?:east|west))?(?:ern)?\s+of\b", re.I, {"north", "south"}),
    (r"“attacked”", 0, None),  # not ASCII: compared by the pattern itself
    (r"\bphoto\b|©", re.I, {"photo", "©"}),  # "©" has no case: never in ASCII text, so it rules nothing in
    (r"\b\u212a\b|photo", re.I, None),  # the Kelvin sign matches "k" with re.I
])
def test_the_words_a_match_needs_are_read_from_the_pattern(pattern: str, flags: int, needs: set[str] | None) -> None:
    assert required_literals(pattern, flags) == (frozenset(needs) if needs is not None else None)


@pytest.mark.parametrize(("pattern", "flags", "firsts"), [
    (r"\b(?:attack|struck)\b", re.I, "as"),
    (r"(?<![.!?])(?:[.!?]+)\s", 0, r"!\.\?"),
    (r"\b(?:early\s+)?(?:monday|\d+)", re.I, r"\dem"),
    (r"(?:\w+\s+){0,3}$", 0, None),  # may match nothing
    (r"[^a-z]x", 0, None),  # any character but a few
    (r"(?i:a)b", 0, None),  # flags added inside: the lookahead would be stricter than the group
])
def test_the_first_characters_of_a_match_are_read_from_the_pattern(pattern: str, flags: int,
                                                                    firsts: str | None) -> None:
    assert first_characters(pattern, flags) == firsts


def test_a_need_without_case_is_never_in_ascii_text_but_found_in_other_text() -> None:
    pattern = prefiltered(r"\bphoto\b|©", re.I)
    assert pattern.search("The base, seen from the road.") is None
    assert pattern.search("The base © AFP.") is not None


def test_text_without_the_words_is_not_searched() -> None:
    pattern = prefiltered(r"\b(?:rockets?|mortars?)\b", re.I)
    assert pattern.search("The budget talks resumed on Monday.") is None
    assert pattern.search("Two ROCKETS hit the base.") is not None
    assert pattern.sub("", "No weapon here.") == "No weapon here."


def _module_patterns() -> list[tuple[str, Prefiltered]]:
    found = [(f"{module.__name__}.{name}", value) for module in (attacks, casualties, stories, dates)
             for name, value in vars(module).items() if isinstance(value, Prefiltered)]
    found += [(f"day {kind}", pattern) for kind, pattern in dates._PATTERNS]
    found += [(f"weapon {weapon}", pattern) for weapon, pattern in attacks.WEAPON_PATTERNS]
    found += [(f"claim {i}", pattern) for i, pattern in enumerate(attacks._CLAIM)]
    return found


PATTERNS = _module_patterns()
SENTENCES = [text for story in CORPUS for text in (story.title, *stories.split_sentences(story.text))]


def _found(pattern: re.Pattern[str] | Prefiltered, text: str) -> tuple[object, ...]:
    search = pattern.search(text)
    match = pattern.match(text)
    return ((search.span(), search.groups()) if search else None, match.span() if match else None,
            pattern.findall(text), pattern.sub("#", text), [m.span() for m in pattern.finditer(text, 3)])


def test_the_matcher_prefilters_most_of_its_patterns() -> None:
    assert len(PATTERNS) > 80
    assert sum(bool(p.needs) for _, p in PATTERNS) > 70
    assert sum(p.fast is not p.compiled for _, p in PATTERNS) > 70


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_a_prefiltered_pattern_finds_what_the_pattern_finds_on_the_corpus(name: str, pattern: Prefiltered) -> None:
    assert len(SENTENCES) > 1000
    for text in SENTENCES:
        for piece in (text, text[:40], text[-60:]):
            assert _found(pattern, piece) == _found(pattern.compiled, piece), (name, piece)


_VOCABULARY = sorted({need for _, p in PATTERNS for need in p.needs or ()} | {"Monday", "2021-07-06", "July", "7",
    "the", "at", "on", "of", "in", "base", "Ain", "al-Asad", "were", "was", "two", "3", "said", ",", ".", "-", "s",
    "by", "Islamic", "Resistance", "no", "one", "people", "troops", "to", "near", "fire", "air", "jets", "laden"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_VOCABULARY), max_size=14), st.sampled_from(["", "upper", "title"]),
       st.sampled_from(range(len(PATTERNS))))
def test_a_prefiltered_pattern_finds_what_the_pattern_finds(words: list[str], case: str, which: int) -> None:
    text = " ".join(words)
    text = text.upper() if case == "upper" else text.title() if case == "title" else text
    pattern = PATTERNS[which][1]
    assert _found(pattern, text) == _found(pattern.compiled, text)
