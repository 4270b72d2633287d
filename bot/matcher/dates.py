"""Day expressions in news text ("on Wednesday", "early Thursday", "July 7", "in January 2020"), resolved
against the story's publish time in the site's time zone."""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.matcher.prefilter import Prefiltered, prefiltered
from bot.matcher.story_memo import per_story

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
          "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
          "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12}
# Days before the publish day that a relative phrase means.
RELATIVE_DAYS = {
    "yesterday": 1, "last night": 1, "the previous day": 1, "the day before": 1, "a day earlier": 1,
    "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0, "overnight": 0,
    "earlier today": 0, "earlier in the day": 0, "on the same day": 0, "at dawn": 0,
    "later in the day": 0, "earlier that day": 0, "later that day": 0,
}
# Of those, the ones that mean the day last told, if any ("... on Tuesday. Earlier in the day, rockets hit the
# base"): the publish day only when no day was told before.
SAME_AS_EVENT = frozenset({"on the same day", "earlier in the day", "later in the day", "earlier that day",
                           "later that day"})
# Days named by a fixed-date holiday (month, day): "earlier today, Christmas Day" names the day whatever the
# writer's zone makes of "today".
HOLIDAYS = {"christmas day": (12, 25), "christmas eve": (12, 24), "boxing day": (12, 26),
            "new year's day": (1, 1), "new year's eve": (12, 31)}
# Phrases that put an attack in the past beyond "recent" (days, not years).
OLD_PHRASES = ("last year", "years ago", "a year ago", "one year ago", "months ago", "last month", "anniversary",
               "previous year", "in the past year", "earlier this year", "last summer", "last winter",
               "last spring", "last autumn", "last fall", "a decade", "years earlier", "years before",
               # "A year ago today": the anniversary, not today
               "a year ago today", "one year ago today", "years ago today", "a year on", "one year on", "years on",
               "a year ago tonight", "one year ago tonight", "years ago tonight", "years ago this week",
               # Habits, not an attack: "has been targeted several times in the past"
               "in the past", "several times", "many times", "numerous times", "more than once",
               "on several occasions", "on many occasions", "repeatedly")
# Phrases that say "recently" without naming a day.
VAGUE_RECENT = ("this week", "earlier this week", "in the past 24 hours", "in recent days", "last week",
                "over the weekend", "this weekend", "past few days", "past week", "earlier this month",
                "last weekend", "the previous week", "the week before", "a week earlier", "a week before")
# Of those, the ones that rule the publish day out: an attack told with one of them alone is an earlier one.
VAGUE_PAST = frozenset({"earlier this week", "last week", "earlier this month", "last weekend", "the previous week",
                        "the week before", "a week earlier", "a week before"})
_SMALL_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
# How old an attack may be and still be news rather than background.
RECENT_DAYS = 14

_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december|" \
         r"jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
# "Friday 5 January", "Tuesday, January 16": the weekday belongs to the date.
_WEEKDAY_OF_DATE = r"(?:(?:(?:early|late)\s+(?:on\s+)?)?(?:monday|tuesday|wednesday|thursday|friday|saturday|" \
                   r"sunday),?\s+(?:the\s+)?)?"
_PATTERNS: tuple[tuple[str, Prefiltered], ...] = (
    ("month_day", prefiltered(rf"\b{_WEEKDAY_OF_DATE}{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?",
                             re.I)),
    ("day_month", prefiltered(rf"\b{_WEEKDAY_OF_DATE}(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}"
                             rf"(?:,?\s+(\d{{4}}))?", re.I)),
    ("iso", prefiltered(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    # "6/23/25", "23/6/2025": month and day in the order that makes a date (nearest the publish day when both do)
    ("numeric", prefiltered(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])")),
    ("holiday", prefiltered(r"\b(" + "|".join(re.escape(name).replace("'", "['’]?").replace(r"\ ", r"\s+")
                                       for name in HOLIDAYS) + r")\b", re.I)),
    ("weekday", prefiltered(r"\b(?:(early|late|last|final|this|past)\s+(?:on\s+)?)?(monday|tuesday|wednesday|thursday|"
                           r"friday|saturday|sunday)(?:['’]s)?(?:\s+(morning|afternoon|evening|night|overnight))?\b",
                           re.I)),
    # "in January 2020", and with no preposition: "compared the moment with September 2019, when ..."
    ("month_year", prefiltered(rf"\b(?:(?:in|since|during|of)\s+)?(?:early\s+|late\s+|mid-?)?{_MONTH}\s+(\d{{4}})\b",
                              re.I)),
    ("year", prefiltered(r"\b(?:in|since|during|of)\s+(?:early\s+|late\s+|mid-?)?((?:19|20)\d{2})\b", re.I)),
    ("month", prefiltered(rf"\b(?:in|since|during|last|(?:at\s+)?the\s+(?:end|beginning|start|middle)\s+of)\s+"
                         rf"(?:early\s+|late\s+|mid-?)?{_MONTH}\b(?!\s+\d)", re.I)),
    ("days_ago", prefiltered(r"\b(a|one|two|three|four|five|six|seven|\d)\s+days?\s+(?:ago|earlier|before|after|"
                            r"prior)\b", re.I)),
    # "A day later, more rockets hit the base": counted on from the day last told.
    ("days_later", prefiltered(r"\b(a|one|two|three|four|five|six|seven|\d)\s+days?\s+later\b", re.I)),
    # "The attack came less than 24 hours after a drone was shot down over the embassy": what came after it is told
    # of the same day as the attack last told (or the day before it, which the label of a merge allows).
    ("hours_after", prefiltered(r"\b(?:(?:less|fewer)\s+than\s+|just\s+|only\s+|barely\s+|mere\s+|some\s+|about\s+|"
                               r"within\s+)?(?:\d{1,2}\s+|a\s+few\s+|few\s+|several\s+)?hours\s+after\b", re.I)),
    # Before "old": "in the past 24 hours" is recent, though "in the past" alone is a habit.
    ("vague", prefiltered(r"\b(" + "|".join(map(re.escape, VAGUE_RECENT)) + r")\b", re.I)),
    ("old", prefiltered(r"\b(" + "|".join(sorted(map(re.escape, OLD_PHRASES), key=len, reverse=True)) + r")\b",
                       re.I)),
    ("relative", prefiltered(r"\b(" + "|".join(sorted(map(re.escape, RELATIVE_DAYS), key=len, reverse=True))
                            + r")\b", re.I)),
    # "at around 11:45 p.m. local time", no day named: the last such hour at the site before the story was served.
    ("local_clock", prefiltered(r"\bat\s+(?:about\s+|around\s+|approximately\s+)?(\d{1,2})(?:[:.](\d{2}))?\s*"
                               r"([ap])\.?\s?m\.?\s+local\s+time\b", re.I)),
)
# A dateline opens a story with where and when it was filed ("TEHRAN, Jan. 8 (PH) -", "Baghdad June 26 2022:"):
# the filing day, never the attack's.
_DATELINE_PLACE = re.compile(r"\s*(?:(?!(?:On|In|At|By|Early|Late|Last|Since|From|Until|Monday|Tuesday|Wednesday|"
                             r"Thursday|Friday|Saturday|Sunday)\b)[A-Z][\w.'’-]*[ ,/]*){1,4}")
# The agency in brackets ends it even without a dash: "Baghdad, Feb 16 (ISN) A civilian contractor was killed".
_DATELINE_END = re.compile(r"\s*(?:,?\s*\d{4})?\s*(?:\([^)]{1,40}\)\s*(?:--|[-–—:]|(?=[A-Z\"“]))|--|[-–—:])")
# Relative days counted from another event of the story, not from the publish time.
_FROM_EVENT = re.compile(r"\b(?:earlier|before|prior|previous|same)\b", re.I)
_REPORT_VERBS = prefiltered(r"\b(said|says|told|announced|reported|confirmed|added|stated|statement|"
                           r"tweeted|wrote|posted)\s+(?:\w+\s+){0,2}$|\btold\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s+){1,3}on\s+$")
# A day followed by what was said or done about the attack: "the government on Friday condemned the drone attack",
# "the ministry on Sunday said" date the telling, not the attack.
_REACTION_AFTER = prefiltered(r"\s*(?:condemned|denounced|deplored|decried|blamed|said|says|announced|confirmed|"
                              r"stated|told|reported)\b", re.I)
# The day an earlier figure was given: "50 have been diagnosed, up from 34 on Friday" dates the count, not an attack.
_EARLIER_FIGURE = prefiltered(r"\b(?:up|down)\s+from\s+(?:about\s+|around\s+)?(?:\d[\d,]*|[a-z]+)\s+"
                              r"(?:[\w.]+\s+){0,2}?(?:(?:reported|given|announced)\s+)?(?:on\s+)?$", re.I)
# A clock time with its zone: "at about 5 p.m. ET", "2300 GMT" is told in the writer's zone, not the site's.
_CLOCK = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s?m\.?\s*(ET|EST|EDT|GMT|UTC)\b", re.I)
_CLOCK_ZONES = {"et": "America/New_York", "est": "America/New_York", "edt": "America/New_York", "gmt": "UTC",
                "utc": "UTC"}
# Hours of the site's day within which a told time is near its midnight.
_NEAR_MIDNIGHT = (2, 22)


@dataclass(frozen=True, slots=True)
class DayMention:
    start: int  # character offsets in the sentence
    end: int
    day: date | None  # None: recent, day not stated ("this week"), or old without a day
    old: bool  # background: beyond RECENT_DAYS before the publish day
    is_report_date: bool  # "officials said on Wednesday": when it was told, a weaker clue
    edge: str | None = None  # "late" (late Tuesday, Tuesday night) or "early" (early Wednesday, overnight)
    before_today: bool = False  # "earlier this month", "last week": recent, not the publish day, no day given
    from_event: bool = False  # "a day earlier", "the day before": counted back from the day last told, if any
    after_event: int = 0  # "a day later": this many days after the day last told (the publish day if none)
    same_as_event: bool = False  # "on the same day": the day last told, if any (else the publish day)
    dates_what_follows: bool = False  # "hours after": it dates only an attack told after it


def find_days(sentence: str, published_local: datetime) -> list[DayMention]:
    """Every day expression in a sentence, resolved. Overlapping matches keep the first pattern's. Asked again
    of a sentence while its story is read, it answers from memory (story_memo); the answer is not to be changed."""
    # The offset is part of the question: one instant in two time zones compares equal, but may be two days.
    return _find_days(sentence, published_local, published_local.utcoffset())


@per_story
def _find_days(sentence: str, published_local: datetime, _offset: timedelta | None) -> list[DayMention]:
    return scan_days(sentence, published_local, possible_kinds(sentence))


# Words that every day expression of a kind is written with, in lower case (tests/matcher/test_dates.py checks them
# against the phrases): a sentence with none of them cannot hold one of that kind.
_MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
DIGITS = re.compile(r"[0-9]")
VAGUE_WORDS = ("day", "week", "hour", "month")
OLD_WORDS = ("year", "month", "anniversar", "last ", "decade", "past", "times", "once", "occasion", "repeated")
RELATIVE_WORDS = ("day", "night", "morning", "afternoon", "evening", "dawn")
HOLIDAY_WORDS = ("christmas", "boxing", "new year")
_ALL_KINDS = frozenset(kind for kind, _ in _PATTERNS)


def possible_kinds(sentence: str) -> frozenset[str] | set[str]:
    """The kinds of day expression whose words the sentence has: a dozen patterns tried on every sentence cost
    ~75 us, these substring checks a few. Only for ASCII text, where lower() is how re.I compares (in Unicode
    "ſunday" matches "sunday" too, and a digit class matches every script's digits)."""
    if not sentence.isascii():
        return _ALL_KINDS
    lower = sentence.lower()
    kinds = set()
    if "day" in lower:
        kinds.update(("weekday", "days_ago", "days_later", "vague", "relative"))
    else:
        if any(word in lower for word in VAGUE_WORDS):
            kinds.add("vague")
        if any(word in lower for word in RELATIVE_WORDS):
            kinds.add("relative")
    if "hours after" in lower:
        kinds.add("hours_after")
    if "local time" in lower:
        kinds.add("local_clock")
    if any(word in lower for word in HOLIDAY_WORDS):
        kinds.add("holiday")
    if any(word in lower for word in OLD_WORDS):
        kinds.add("old")
    digits = DIGITS.search(sentence) is not None
    if digits:
        kinds.add("year")
        if "-" in sentence:
            kinds.add("iso")
        if "/" in sentence:
            kinds.add("numeric")
    if any(stem in lower for stem in _MONTH_STEMS):
        kinds.add("month")
        if digits:
            kinds.update(("month_day", "day_month", "month_year"))
    return kinds


def scan_days(sentence: str, published_local: datetime,
              kinds: frozenset[str] | set[str] = _ALL_KINDS) -> list[DayMention]:
    """find_days, trying only the patterns of these kinds."""
    found: list[DayMention] = []
    taken: list[tuple[int, int]] = []
    today = published_local.date()
    for kind, pattern in _PATTERNS:
        if kind not in kinds:
            continue
        for match in pattern.finditer(sentence):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            if in_dateline(sentence, match.start(), match.end()):
                taken.append((match.start(), match.end()))
                continue
            if kind == "relative" and _names_an_outlet(sentence, match):
                continue
            resolved = _resolve(kind, match, published_local)
            if resolved is None:
                continue
            day, old = resolved
            if day is not None and (today - day).days > RECENT_DAYS:
                old = True
            if day is not None and (day - today).days > 1:  # the future: a plan, not an attack
                continue
            report = bool(_REPORT_VERBS.search(sentence[:match.start()]) or _EARLIER_FIGURE.search(
                sentence, max(0, match.start() - 60), match.start()) or _REACTION_AFTER.match(sentence, match.end()))
            taken.append((match.start(), match.end()))
            later = _small_number(match.group(1)) if kind == "days_later" else 0
            found.append(DayMention(match.start(), match.end(), day, old, report, _edge(match.group(0)),
                                    kind == "vague" and match.group(1).lower() in VAGUE_PAST,
                                    bool(_FROM_EVENT.search(match.group(0))) or bool(later), later,
                                    (kind == "relative" and match.group(0).lower() in SAME_AS_EVENT) or
                                    kind == "hours_after",
                                    kind == "hours_after"))
    found.sort(key=lambda d: d.start)
    # "Yesterday (6/23/25)": the date in brackets says which day the relative word means.
    return [d for d, after in zip(found, found[1:] + found[:1], strict=True)
            if not (after.start > d.end and after.day is not None and _BRACKETED.fullmatch(sentence, d.end, after.start)
                    and sentence[d.start:d.end].lower() in RELATIVE_DAYS)]


_BRACKETED = re.compile(r"\s*\(\s*")
_CAPITALISED_WORD_BEFORE = re.compile(r"[A-Z][\w'’-]*\s+$")
_LOWER_CASE_WORD = re.compile(r"\b[a-z]{4,}\b")


def _names_an_outlet(sentence: str, match: re.Match[str]) -> bool:
    """"the Baghdad Today website", "USA Today": a capitalised "Today" after a capitalised word is a name (but
    not in a headline written in title case: "Rockets Hit Erbil Airport Today")."""
    return match.group(0).startswith("Today") and bool(
        _CAPITALISED_WORD_BEFORE.search(sentence, max(0, match.start() - 30), match.start())) and bool(
        _LOWER_CASE_WORD.search(sentence))



def in_dateline(sentence: str, start: int, end: int) -> bool:
    """Is sentence[start:end] the date of the dateline that opens the sentence?"""
    return bool(_DATELINE_PLACE.fullmatch(sentence[:start]) and _DATELINE_END.match(sentence, end))


def _edge(phrase: str) -> str | None:
    """Near midnight two outlets may give neighbouring days for one attack: remember which side."""
    phrase = phrase.lower()
    # "Wednesday overnight": the night after that Wednesday, told by its day
    if re.search(r"\b(late|night|evening|tonight)\b|day\s+overnight\b", phrase):
        return "late"
    if re.search(r"\b(early|overnight|dawn)\b", phrase):
        return "early"
    return None


def _resolve(kind: str, match: re.Match[str], published_local: datetime) -> tuple[date | None, bool] | None:
    today = published_local.date()
    if kind == "weekday":
        qualifier = (match.group(1) or "").lower()
        weekday = WEEKDAYS.index(match.group(2).lower())
        back = (today.weekday() - weekday) % 7
        if qualifier in ("last", "final") and back == 0:  # "final Friday": a spinner's "last Friday"
            back = 7
        return today - timedelta(days=back), False
    if kind == "days_ago":
        return today - timedelta(days=_small_number(match.group(1))), False
    if kind in ("days_later", "hours_after"):
        return today, False  # the attacks module counts it on from the day last told
    if kind == "relative":
        back = RELATIVE_DAYS[match.group(1).lower()]
        if back == 0 and _later_than_published(match, published_local):
            back = 1  # "today at 10:31 p.m. local time" in a brief published at 02:30: the writer's today, not ours
        if back == 0 and match.group(1).lower() == "at dawn" and published_local.hour < _DAWN_HOUR:
            back = 1  # "at dawn" in a copy served at midnight: no dawn has come yet that day, so the one before
        return today - timedelta(days=back), False
    if kind in ("month_day", "day_month"):
        month_word, day_text = (match.group(1), match.group(2)) if kind == "month_day" else (
            match.group(2), match.group(1))
        month = MONTHS[month_word.lower().rstrip(".")]
        year = int(match.group(3)) if match.group(3) else None
        return _calendar_day(year, month, int(day_text), today)
    if kind == "holiday":
        month, day = HOLIDAYS[_holiday_name(match.group(1))]
        return _calendar_day(None, month, day, today)
    if kind == "iso":
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3))), False
        except ValueError:
            return None
    if kind == "numeric":  # of the orders that make a date, the one nearest the publish day (not after it)
        year = int(match.group(3)) + (2000 if len(match.group(3)) == 2 else 0)
        first, second = int(match.group(1)), int(match.group(2))
        candidates = [date(year, month, day) for month, day in ((first, second), (second, first))
                      if 1 <= month <= 12 and 1 <= day <= monthrange(year, month)[1]]
        if not candidates:
            return None
        return min(candidates, key=lambda d: (d > today + timedelta(days=1), abs((today - d).days))), False
    if kind == "month_year":
        if match.group(1).lower() in ("may", "mar") and match.group(1)[0].islower():
            return None  # "may 2020 bring", "mar": verbs, not months
        month = MONTHS[match.group(1).lower().rstrip(".")]
        year = int(match.group(2))
        return None, (year, month) < (today.year, today.month)
    if kind == "year":
        return None, int(match.group(1)) < today.year
    if kind == "month":
        month = MONTHS[match.group(1).lower().rstrip(".")]
        if match.group(1).lower() in ("may", "mar") and match.group(1)[0].islower():
            return None  # "in may", "mar": verbs, not months
        # "last June" read in March, "last March" read in March: a month gone by, or a year ago
        return None, month != today.month or match.group(0).lower().startswith("last")
    if kind == "local_clock":
        return today - timedelta(days=1 if _clock_after(match, published_local) else 0), False
    if kind == "old":
        return None, True
    return None, False  # vague but recent


# The earliest local hour dawn comes in the region: a story published before it tells of the dawn before.
_DAWN_HOUR = 4
# A local clock time right after a word for the publish day: "today at approximately 10:31 p.m. local time".
_LOCAL_CLOCK = re.compile(r"\s+(?:at\s+)?(?:about\s+|around\s+|approximately\s+)?(\d{1,2})(?:[:.](\d{2}))?\s*"
                          r"([ap])\.?\s?m\.?\s+local\s+time\b", re.I)


def _later_than_published(match: re.Match[str], published_local: datetime) -> bool:
    """Does the site's local clock time told after "today" come later than the publish time? Then "today" is
    the writer's (a U.S. afternoon), and the attack came the evening before the publish day at the site."""
    clock = _LOCAL_CLOCK.match(match.string, match.end())
    return clock is not None and _clock_after(clock, published_local)


def _clock_after(clock: re.Match[str], published_local: datetime) -> bool:
    """Whether a clock time (hour, minutes or none, "a" or "p") comes later in the day than the publish time."""
    hour = int(clock.group(1)) % 12 + (12 if clock.group(3).lower() == "p" else 0)
    return (hour, int(clock.group(2) or 0)) > (published_local.hour, published_local.minute)


def _holiday_name(phrase: str) -> str:
    """"New Year’s  Day" -> "new year's day", as HOLIDAYS spells it."""
    return " ".join(phrase.lower().replace("’", "'").split()).replace("years", "year's")


def _small_number(word: str) -> int:
    return int(word) if word.isdigit() else _SMALL_NUMBERS[word.lower()]


def _calendar_day(year: int | None, month: int, day: int, today: date) -> tuple[date | None, bool] | None:
    try:
        if year is not None:
            return date(year, month, day), False
        candidate = date(today.year, month, day)
        if (candidate - today).days > 1:  # "on December 30" read in January is last year's
            candidate = date(today.year - 1, month, day)
        return candidate, False
    except ValueError:
        return None


def clock_edge(text: str, day: date, timezone: str) -> str | None:
    """Which side of the site's midnight a zoned clock time told for `day` falls ("On August 9 at about 5 p.m.
    ET" is midnight in Syria): near midnight another outlet may give the next or the last day."""
    match = _CLOCK.search(text)
    if match is None:
        return None
    hour = int(match.group(1)) % 12 + (12 if match.group(3).lower() == "p" else 0)
    told = datetime(day.year, day.month, day.day, hour, int(match.group(2) or 0),
                    tzinfo=ZoneInfo(_CLOCK_ZONES[match.group(4).lower()]))
    try:
        local = told.astimezone(ZoneInfo(timezone))
    except (KeyError, ValueError):
        return None
    if local.date() > day or local.hour >= _NEAR_MIDNIGHT[1]:
        return "late"
    if local.date() < day or local.hour < _NEAR_MIDNIGHT[0]:
        return "early"
    return None
