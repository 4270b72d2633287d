"""/recent and /incident over a store filled from the fixture feeds."""

from __future__ import annotations

from datetime import date

import pytest

from bot.errors import CommandError
from bot.matcher.sites import Gazetteer
from bot.models import Site
from bot.processing import process_story
from bot.store.base import Store
from handlers import incidents
from tests.conftest import make_story
from tests.handlers.conftest import TODAY, incident_at


def test_recent_lists_the_last_days_newest_first_with_every_column(store: Store, sites: list[Site]) -> None:
    answer = incidents.recent(store, sites, today=TODAY)
    page = "\n".join(answer.pages)
    assert answer.title.startswith("5 incidents in the last 7 days")  # the five of the worked example
    erbil = incident_at(store, "erbil-airport", date(2021, 7, 6))
    assert (f"**#{erbil.id}** · 2021-07-06 · Erbil International Airport · drone · toll not stated\n"
            "Drone attack on Erbil International Airport (IQ), 2021-07-06") in page
    days = [line.split(" · ")[1] for line in page.splitlines() if line.startswith("**#")]
    assert days == sorted(days, reverse=True) and days[-1] == "2021-07-05"
    assert "2021-03-03" not in page  # months earlier


def test_recent_at_one_site_takes_any_spelling(store: Store, sites: list[Site]) -> None:
    answer = incidents.recent(store, sites, site_query="ayn al assad", days=365, today=TODAY)
    page = answer.pages[0]
    assert answer.title.startswith("3 incidents at Ain al-Asad Air Base")
    assert "1 killed, 2 wounded" in page and "2 wounded" in page and "no casualties" in page
    assert "Erbil" not in page


def test_recent_says_so_when_nothing_happened(store: Store, sites: list[Site]) -> None:
    answer = incidents.recent(store, sites, site_query="tower 22", today=TODAY)
    assert answer.title.startswith("No incidents at Tower 22") and answer.pages == ("Nothing reported.",)


@pytest.mark.parametrize("days", [0, -3, 366])
def test_recent_refuses_days_out_of_range(store: Store, sites: list[Site], days: int) -> None:
    with pytest.raises(CommandError, match="between 1 and 365"):
        incidents.recent(store, sites, days=days, today=TODAY)


def test_recent_with_an_unknown_site_says_which_sites_exist(store: Store, sites: list[Site]) -> None:
    with pytest.raises(CommandError, match="No tracked site matches"):
        incidents.recent(store, sites, site_query="camp lemonnier", today=TODAY)


def test_incident_shows_every_fact_and_numbers_every_source(store: Store, sites: list[Site]) -> None:
    stored = incident_at(store, "ain-al-asad", date(2021, 3, 3))
    answer = incidents.incident(store, sites, stored.id)
    page = "\n".join(answer.pages)
    assert answer.title == "Rocket attack on Ain al-Asad Air Base (IQ), 2021-03-03: 1 killed, 2 wounded"
    for fact in ("Ain al-Asad Air Base (`ain-al-asad`)", "2021-03-03 (local day, Asia/Baghdad)", "rocket",
                 "**Killed:** 1 · **Wounded:** 2", "**Sources** (4)", "2021-03-03 07:10 UTC"):
        assert fact in page
    assert "At least ten rockets struck Ain al-Asad" in page
    links = [line for line in page.splitlines() if line[:1].isdigit()]
    assert [line.split(". ", 1)[0] for line in links] == ["1", "2", "3", "4"]
    assert links[0] == ("1. [Wire News: Rockets hit Iraq's Ain al-Asad air base, two contractors wounded]"
                        "(https://wire.example/2021/03/03/rockets-ain-al-asad)")
    assert answer.colour is not None


@pytest.mark.parametrize("incident_id", [42, 0, -1])
def test_an_unknown_incident_is_a_clear_no(store: Store, sites: list[Site], incident_id: int) -> None:
    with pytest.raises(CommandError, match=rf"^No incident #{incident_id}\.$"):
        incidents.incident(store, sites, incident_id)


def test_feed_text_in_an_incident_cannot_ping_or_break_markdown(empty_store: Store, sites: list[Site],
                                                                 gazetteer: Gazetteer) -> None:
    story = make_story("Three rockets struck Ain al-Asad air base in western Iraq on Wednesday, wounding two "
                       "soldiers, the coalition said.", "2021-07-07T09:00:00+00:00",
                       title="**BREAKING** @everyone <@1234> rockets hit [the base](https://evil.example)",
                       url="https://news.example/a_(1)", feed="Evil_Feed ||spoiler||")
    assert process_story(empty_store, gazetteer, story, now=story.published)
    stored = incident_at(empty_store, "ain-al-asad", date(2021, 7, 7))
    page = incidents.incident(empty_store, sites, stored.id).pages[0]
    source = next(line for line in page.splitlines() if line.startswith("1. "))
    assert "@everyone" not in source and "<@1234>" not in source
    assert "\\*\\*BREAKING\\*\\*" in source and "\\[the base\\]" in source and "Evil\\_Feed \\|\\|" in source
    assert source.endswith("(https://news.example/a_%281%29)")


def test_an_incident_at_a_site_no_longer_tracked_keeps_its_id(store: Store, sites: list[Site]) -> None:
    stored = incident_at(store, "erbil-airport", date(2021, 7, 6))
    rest = [site for site in sites if site.id != "erbil-airport"]
    assert "`erbil-airport` (no longer tracked)" in incidents.incident(store, rest, stored.id).pages[0]
    assert "`erbil-airport` (no longer tracked)" in incidents.recent(store, rest, today=TODAY).pages[0]
