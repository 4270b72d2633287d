"""Answers remembered while one story is read (bot.matcher.story_memo), and forgotten with it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.matcher.dates import find_days
from bot.matcher.story_memo import one_story, per_story

asked: list[str] = []


@per_story
def _shout(text: str) -> str:
    asked.append(text)
    return text.upper()


def test_a_question_is_answered_once_within_a_story() -> None:
    asked.clear()
    with one_story():
        assert [_shout("a"), _shout("a"), _shout("b")] == ["A", "A", "B"]
    assert asked == ["a", "b"]


def test_nothing_is_remembered_from_one_story_to_the_next_or_outside_a_story() -> None:
    asked.clear()
    with one_story():
        _shout("a")
    with one_story():
        _shout("a")
    _shout("a")
    _shout("a")
    assert asked == ["a"] * 4


def test_one_instant_in_two_time_zones_is_two_questions() -> None:
    # 22:30 UTC on Monday is already Tuesday in Baghdad: "on Monday" is the day before there, the same day in UTC.
    instant = datetime(2024, 3, 4, 22, 30, tzinfo=UTC)
    in_baghdad = instant.astimezone(ZoneInfo("Asia/Baghdad"))
    assert instant == in_baghdad
    with one_story():
        days = [find_days("Rockets hit the base today.", moment)[0].day for moment in (instant, in_baghdad)]
    assert [str(day) for day in days] == ["2024-03-04", "2024-03-05"]
