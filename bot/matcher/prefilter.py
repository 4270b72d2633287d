"""A regular expression that first asks whether the text has any of the words a match cannot do without.

Python's `re` tries a pattern such as `\\b(could|would|might|...)\\b` at every position of a sentence: ~100 ns
a character, 5-40 us a sentence for the attack vocabulary, and most sentences hold none of it. Every match of
such a pattern contains one of a few literal strings (one per branch of the alternation), read here from the
pattern's own syntax tree; a plain substring test for them (in C, ~50 ns each) rules most sentences out.
The test is only a necessary condition, so a prefiltered pattern finds exactly what the pattern finds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from re import _constants as constants  # type: ignore[attr-defined]
from re import _parser as parser  # type: ignore[attr-defined]
from typing import Any

# Literal strings shorter than this say little: any sentence has an "a" or an "on".
_SHORTEST_USEFUL = 3

Needs = frozenset[str]  # a match contains at least one of these (lower case)


def required_literals(pattern: str, flags: int = 0) -> Needs | None:
    """Lower-case strings one of which every match of the pattern contains, or None when none can be told."""
    return _needs_of_sequence(parser.parse(pattern, flags))


def _needs_of_sequence(items: Any) -> Needs | None:
    """A sequence matches only if each of its items does: any one item's needs are the sequence's. Runs of
    literal characters are one literal; the best choice is the one whose shortest string is longest."""
    choices: list[Needs] = []
    run: list[str] = []
    for op, argument in items:
        if op is constants.LITERAL:
            run.append(chr(argument))
            continue
        if run:
            choices.append(frozenset({"".join(run)}))
            run = []
        if op in (constants.AT, constants.ASSERT, constants.ASSERT_NOT):
            continue  # zero-width, but a literal run across it is not kept: its text may be split by nothing
        needs = _needs_of_item(op, argument)
        if needs is not None:
            choices.append(needs)
    if run:
        choices.append(frozenset({"".join(run)}))
    usable = [_lower(needs) for needs in choices]
    usable = [needs for needs in usable if needs is not None]
    if not usable:
        return None
    return max(usable, key=lambda needs: min(map(len, needs)))


def _needs_of_item(op: Any, argument: Any) -> Needs | None:
    if op is constants.SUBPATTERN:
        return _needs_of_sequence(argument[-1])
    if op is constants.BRANCH:  # each branch needs its own: the alternation needs any of them
        needs: set[str] = set()
        for branch in argument[1]:
            branch_needs = _needs_of_sequence(branch)
            if branch_needs is None:
                return None
            needs |= branch_needs
        return frozenset(needs)
    if op in (constants.MAX_REPEAT, constants.MIN_REPEAT, getattr(constants, "POSSESSIVE_REPEAT", None)):
        low, _, body = argument
        return _needs_of_sequence(body) if low >= 1 else None
    if op is getattr(constants, "ATOMIC_GROUP", None):
        return _needs_of_sequence(argument)
    return None


def _lower(needs: Needs) -> Needs | None:
    """The needs in lower case, as the text is compared; none when one is too short, or not ASCII and cased
    (Unicode case folding matches "K" (Kelvin) with "k"). A need without case, such as "©", can never be in the
    ASCII text that is compared: it is kept, and rules nothing in."""
    if any(len(need) < _SHORTEST_USEFUL and need.isascii() for need in needs):
        return None
    if any(not need.isascii() and not _uncased(need) for need in needs):
        return None
    return frozenset(need.lower() for need in needs)


def _uncased(text: str) -> bool:
    return all(c.lower() == c == c.upper() and c.casefold() == c for c in text)


# How a match may begin, as the text of a character class: a pattern led by `\b` or a lookbehind gets no fast
# scan from `re`, which then tries every position; a lookahead for the first characters restores it (_HIT:
# ~20 -> ~10 us a sentence). Built from the same syntax tree, compiled with the same flags, so it accepts
# exactly the characters the pattern's first step does.
_CATEGORY_CLASSES = {constants.CATEGORY_DIGIT: r"\d", constants.CATEGORY_WORD: r"\w", constants.CATEGORY_SPACE: r"\s",
                     constants.CATEGORY_NOT_DIGIT: r"\D", constants.CATEGORY_NOT_WORD: r"\W",
                     constants.CATEGORY_NOT_SPACE: r"\S"}
_ZERO_WIDTH = (constants.AT, constants.ASSERT, constants.ASSERT_NOT)
_REPEATS = tuple(op for op in (constants.MAX_REPEAT, constants.MIN_REPEAT,
                               getattr(constants, "POSSESSIVE_REPEAT", None)) if op is not None)


def first_characters(pattern: str, flags: int = 0) -> str | None:
    """The pattern's possible first characters as the inside of a character class, or None when they cannot
    be told (a match may be empty, or start with any character)."""
    found = _firsts_of_sequence(parser.parse(pattern, flags))
    return None if found is None or found[1] else "".join(sorted(found[0]))


def _firsts_of_sequence(items: Any) -> tuple[set[str], bool] | None:
    """(class parts any first character is in, whether the sequence may match nothing)."""
    parts: set[str] = set()
    for op, argument in items:
        if op in _ZERO_WIDTH:
            continue  # takes no character: the next item's is the first
        item = _firsts_of_item(op, argument)
        if item is None:
            return None
        parts |= item[0]
        if not item[1]:
            return parts, False
    return parts, True


def _firsts_of_item(op: Any, argument: Any) -> tuple[set[str], bool] | None:
    if op is constants.LITERAL:
        return {re.escape(chr(argument))}, False
    if op is constants.IN:
        parts = set()
        for kind, value in argument:
            if kind is constants.LITERAL:
                parts.add(re.escape(chr(value)))
            elif kind is constants.RANGE:
                parts.add(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
            elif kind is constants.CATEGORY and value in _CATEGORY_CLASSES:
                parts.add(_CATEGORY_CLASSES[value])
            else:
                return None  # a negated class, or a category not written here
        return parts, False
    if op is constants.SUBPATTERN:
        # A group that adds flags ("(?i:...)") matches more than the lookahead, compiled without them, would let by.
        return None if argument[1] else _firsts_of_sequence(argument[-1])
    if op is getattr(constants, "ATOMIC_GROUP", None):
        return _firsts_of_sequence(argument)
    if op is constants.BRANCH:
        parts = set()
        may_be_empty = False
        for branch in argument[1]:
            found = _firsts_of_sequence(branch)
            if found is None:
                return None
            parts |= found[0]
            may_be_empty = may_be_empty or found[1]
        return parts, may_be_empty
    if op in _REPEATS:
        low, _, body = argument
        found = _firsts_of_sequence(body)
        return None if found is None else (found[0], found[1] or low == 0)
    return None  # any character, a back-reference, ...


def _with_first_characters(compiled: re.Pattern[str]) -> re.Pattern[str]:
    firsts = first_characters(compiled.pattern, compiled.flags)
    if not firsts:
        return compiled
    try:
        return re.compile(f"(?=[{firsts}])(?:{compiled.pattern})", compiled.flags)
    except re.error:  # a pattern that opens with its own flags: left as it is
        return compiled


class Prefiltered:
    """A compiled pattern behind a substring test on ASCII text: search, match, fullmatch, finditer, findall and
    sub give what the pattern gives. Text that is not ASCII always goes to the pattern."""

    __slots__ = ("compiled", "fast", "flags", "needs", "pattern")
    needs: tuple[str, ...] | None

    def __init__(self, compiled: re.Pattern[str]) -> None:
        self.compiled = compiled
        self.fast = _with_first_characters(compiled)  # what runs: the pattern behind a lookahead, if it helps
        self.pattern = compiled.pattern
        self.flags = compiled.flags
        needs = required_literals(compiled.pattern, compiled.flags)
        self.needs = tuple(sorted(needs)) if needs is not None else None

    def _may_match(self, text: str) -> bool:
        global _last_lowered
        needs = self.needs
        if needs is None:
            return True
        # ~100 tests a story, most of a sentence already lowered (and so ASCII): no function call for it.
        known, lower = _last_lowered
        if known is not text:
            if not text.isascii():
                return True
            lower = text.lower()
            _last_lowered = (text, lower)
        for need in needs:  # noqa: SIM110 - a loop, not any(): no generator to start, ~100 times a story
            if need in lower:
                return True
        return False

    def search(self, text: str, *span: int) -> re.Match[str] | None:
        return self.fast.search(text, *span) if self._may_match(text) else None

    def match(self, text: str, *span: int) -> re.Match[str] | None:
        return self.fast.match(text, *span) if self._may_match(text) else None

    def fullmatch(self, text: str, *span: int) -> re.Match[str] | None:
        return self.fast.fullmatch(text, *span) if self._may_match(text) else None

    def finditer(self, text: str, *span: int) -> Iterator[re.Match[str]]:
        return self.fast.finditer(text, *span) if self._may_match(text) else iter(())

    def findall(self, text: str, *span: int) -> list[Any]:
        return self.fast.findall(text, *span) if self._may_match(text) else []

    def sub(self, replacement: str | Callable[[re.Match[str]], str], text: str, count: int = 0) -> str:
        return self.fast.sub(replacement, text, count) if self._may_match(text) else text


def prefiltered(pattern: str, flags: int = 0) -> Prefiltered:
    """re.compile(pattern, flags), prefiltered."""
    return Prefiltered(re.compile(pattern, flags))


# Many patterns test one sentence in turn: it is lowered once (Prefiltered._may_match). One entry, replaced whole
# (safe across threads).
_last_lowered: tuple[str, str] = ("", "")
