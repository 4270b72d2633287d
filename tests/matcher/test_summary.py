"""An incident's summary: the best report's lead, then the toll and the claim from the next best."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

import bot.matcher.summary
from bot.matcher.casualties import Toll, count_casualties
from bot.matcher.summary import SUMMARY_REPORTS, incident_summary
from bot.models import Report, Source

START = datetime(2021, 3, 5, 12, tzinfo=UTC)
TOLL = "Two contractors were wounded in the attack, officials said."


def report(number: int, *evidence: str) -> Report:
    return Report(number, START + timedelta(minutes=number), Source(f"https://news{number}.example/a",
                                                                     f"News {number}", "Rockets"),
                  date(2021, 3, 5), True, ("rocket",), None, None, None,
                  evidence or (f"Rockets struck Ain al-Asad air base on Friday, outlet {number} said.",), False)


def test_the_toll_comes_from_another_report_when_the_best_has_none() -> None:
    best = report(0, "Rockets struck Ain al-Asad air base on Friday.", "Officials gave no detail.")
    summary = incident_summary([best, report(1, "Rockets struck the base.", TOLL)])
    assert summary == f"Rockets struck Ain al-Asad air base on Friday. {TOLL}"


def test_only_the_best_reports_are_read_for_the_toll() -> None:
    reports = [report(n) for n in range(SUMMARY_REPORTS)]
    late = replace(report(SUMMARY_REPORTS, TOLL), day_is_explicit=False)  # ranked below every other
    assert TOLL not in incident_summary([*reports, late])
    assert TOLL in incident_summary([*reports[:-1], late])


def test_summarising_a_thousand_reports_again_counts_no_sentence_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    counted: list[str] = []

    def counting(sentence: str) -> Toll:
        counted.append(sentence)
        return count_casualties(sentence)

    monkeypatch.setattr(bot.matcher.summary, "count_casualties", counting)
    bot.matcher.summary._has_toll.cache_clear()
    reports = [report(n, f"Rockets struck the base, outlet {n} said.", f"Statement {n} gave no detail.")
               for n in range(1_000)]
    incident_summary(reports)
    incident_summary([*reports, report(1_000)])
    assert len(counted) == len(set(counted)) <= 2 * SUMMARY_REPORTS
