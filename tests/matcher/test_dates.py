from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matcher import dates
from bot.matcher.dates import find_days
from bot.matcher.stories import split_sentences
from tests.matcher.test_first_look import CORPUS

# Thursday 2021-07-08 05:32 UTC is 08:32 in Baghdad.
BAGHDAD_THURSDAY = datetime(2021, 7, 8, 5, 32, tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Asia/Baghdad"))


def first_day(text: str, published: datetime = BAGHDAD_THURSDAY) -> date | None:
    days = find_days(text, published)
    return days[0].day if days else None


@pytest.mark.parametrize(("text", "expected"), [
    ("rockets hit the base on Wednesday", date(2021, 7, 7)),
    ("rockets hit the base early Thursday", date(2021, 7, 8)),
    ("a drone struck late Monday", date(2021, 7, 5)),
    ("Tuesday night's attack", date(2021, 7, 6)),
    ("in Wednesday’s attack", date(2021, 7, 7)),
    ("the attack yesterday", date(2021, 7, 7)),
    ("overnight, rockets fell", date(2021, 7, 8)),
    ("on July 7, 2021", date(2021, 7, 7)),
    ("on 6 July", date(2021, 7, 6)),
    ("last Thursday", date(2021, 7, 1)),
])
def test_day_words_resolve_against_publish_time(text: str, expected: date) -> None:
    assert first_day(text) == expected


def test_publish_time_late_in_utc_is_next_day_in_baghdad() -> None:
    # Wednesday 22:30 UTC is Thursday 01:30 in Baghdad: "early Thursday" is that same Thursday.
    published = datetime(2021, 7, 7, 22, 30, tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Asia/Baghdad"))
    assert first_day("rockets hit early Thursday", published) == date(2021, 7, 8)
    assert first_day("a drone hit on Wednesday", published) == date(2021, 7, 7)


@pytest.mark.parametrize("text", ["hit by Iranian missiles in January 2020", "an attack last year",
                                  "the base was struck two years ago", "wounded on June 1"])
def test_old_attacks_are_background(text: str) -> None:
    days = find_days(text, BAGHDAD_THURSDAY)
    assert days and days[0].old


def test_date_of_telling_is_marked() -> None:
    days = find_days("officials said on Wednesday that rockets hit", BAGHDAD_THURSDAY)
    assert days[0].is_report_date
    assert not find_days("rockets hit on Wednesday, officials said", BAGHDAD_THURSDAY)[0].is_report_date


def test_a_named_holiday_is_its_day() -> None:
    # Published Thursday 8 July 2021: the last Christmas Day and New Year's Eve, told as background (old).
    christmas = dates.find_days("Earlier today, Christmas Day, a drone struck the base", BAGHDAD_THURSDAY)[-1]
    assert (christmas.day, christmas.old) == (date(2020, 12, 25), True)
    assert dates.find_days("late on New Year’s  Eve", BAGHDAD_THURSDAY)[0].day == date(2020, 12, 31)


def test_days_ago() -> None:
    assert first_day("The trip comes two days after rockets struck the base") == date(2021, 7, 6)


# The cheap first look of find_days (possible_kinds) skips a pattern only when its words are missing.
@pytest.mark.parametrize(("phrases", "words"), [
    (dates.OLD_PHRASES, dates.OLD_WORDS), (dates.VAGUE_RECENT, dates.VAGUE_WORDS),
    (tuple(dates.RELATIVE_DAYS), dates.RELATIVE_WORDS), (dates.WEEKDAYS, ("day",)),
    (tuple(dates.HOLIDAYS), dates.HOLIDAY_WORDS),
    (tuple(dates.MONTHS), ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
])
def test_every_day_phrase_has_a_word_the_first_look_asks_for(phrases: tuple[str, ...], words: tuple[str, ...]) -> None:
    assert [p for p in phrases if not any(w in p for w in words)] == []


_DAY_WORDS = [*dates.OLD_PHRASES, *dates.VAGUE_RECENT, *dates.RELATIVE_DAYS, *dates.WEEKDAYS, *dates.MONTHS,
              *dates.HOLIDAYS, "New Year’s", "Christmas",
              "Monday's", "2021-07-06", "2020", "7", "31st", "days", "ago", "later", "in", "since", "of", "early",
              "late", "night", "said", "on", "BAGHDAD", "-", ",", ":", "(AP)", "the", "rockets", "Sept.", "mid-"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_DAY_WORDS), max_size=12), st.booleans())
def test_skipping_the_patterns_of_missing_words_finds_the_same_days(words: list[str], upper: bool) -> None:
    sentence = " ".join(words).upper() if upper else " ".join(words)
    assert dates.scan_days(sentence, BAGHDAD_THURSDAY, dates.possible_kinds(sentence)) == dates.scan_days(
        sentence, BAGHDAD_THURSDAY)


def test_skipping_the_patterns_of_missing_words_finds_the_same_days_on_the_corpus() -> None:
    sentences = [text for story in CORPUS for text in (story.title, *split_sentences(story.text))]
    assert len(sentences) > 1000
    for sentence in sentences:
        assert dates.scan_days(sentence, BAGHDAD_THURSDAY, dates.possible_kinds(sentence)) == dates.scan_days(
            sentence, BAGHDAD_THURSDAY), sentence
