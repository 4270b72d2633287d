"""/site, /sites and autocomplete: the site a person means, whatever the spelling."""

from __future__ import annotations

from datetime import date

import pytest

from bot.errors import CommandError
from bot.matcher.tokens import fold
from bot.models import Site
from bot.store.base import Store
from handlers import sites as site_commands
from handlers.answers import PAGE_LIMIT
from tests.handlers.conftest import PNG_SIGNATURE, TODAY, incident_at, png_size


@pytest.mark.parametrize(("query", "site_id"), [
    ("ain asad", "ain-al-asad"), ("ayn al assad", "ain-al-asad"), ("AIN AL-ASAD AIR BASE", "ain-al-asad"),
    ("ain-al-asad", "ain-al-asad"), ("assad airbase", "ain-al-asad"),
    ("erbil airprot", "erbil-airport"), ("irbil airport", "erbil-airport"), ("Hewler", "erbil-airport"),
    ("k-1", "k1-air-base"), ("q west", "qayyarah-airfield"), ("kayyarah", "qayyarah-airfield"),
    ("khormor", "khor-mor-gas-field"), ("koniko", "conoco-gas-field"), ("udaid", "al-udeid-air-base"),
    ("at tanf", "al-tanf"), ("embassy baghdad", "us-embassy-baghdad"), ("camp victory", "baghdad-airport"),
    ("tower 22", "tower-22"), ("abqaiq-oil-facility", "abqaiq-oil-facility"),
])
def test_a_site_is_found_by_any_spelling_or_its_id(sites: list[Site], query: str, site_id: str) -> None:
    assert site_commands.find_site(sites, query).id == site_id


@pytest.mark.parametrize("query", ["baghdad", "erbil", "us embassy"])
def test_a_name_two_sites_share_asks_which_one(sites: list[Site], query: str) -> None:
    with pytest.raises(CommandError, match="which one") as raised:
        site_commands.find_site(sites, query)
    assert str(raised.value).count("`") >= 4  # both ids offered


@pytest.mark.parametrize("query", ["london airport", "kandahar airport", "camp lemonnier", "paris", "bastion"])
def test_untracked_places_are_not_matched(sites: list[Site], query: str) -> None:
    with pytest.raises(CommandError, match="No tracked site matches"):
        site_commands.find_site(sites, query)


def test_a_near_miss_gets_suggestions_and_nonsense_gets_the_list(sites: list[Site]) -> None:
    with pytest.raises(CommandError, match=r"Did you mean .*Al-Tanf Garrison"):
        site_commands.find_site(sites, "tamf")
    with pytest.raises(CommandError, match="/sites lists them all"):
        site_commands.find_site(sites, "zzzz qqqq")
    with pytest.raises(CommandError, match="Name a site"):
        site_commands.find_site(sites, " -- ")


def test_autocomplete_without_input_offers_the_first_25_alphabetically(sites: list[Site]) -> None:
    choices = site_commands.autocomplete(sites, "")
    assert len(sites) > 25 and len(choices) == 25
    names = [name for name, _ in choices]
    # Sorted as folded names: "Al Udeid" sorts as "AlUdeid", after "Al-Omar".
    assert names == sorted(names, key=fold)
    assert names[:2] == ["Abha International Airport", "Abqaiq oil processing facility"]


def test_autocomplete_puts_names_that_start_with_the_input_first(sites: list[Site]) -> None:
    assert site_commands.autocomplete(sites, "erb") == [
        ("Erbil International Airport", "erbil-airport"), ("U.S. Consulate General Erbil", "us-consulate-erbil")]
    assert site_commands.autocomplete(sites, "al")[0][0].startswith("Al")


def test_autocomplete_understands_a_word_still_being_typed_and_misspelt(sites: list[Site]) -> None:
    assert site_commands.autocomplete(sites, "ayn al as")[0] == ("Ain al-Asad Air Base", "ain-al-asad")
    assert site_commands.autocomplete(sites, "xqzv") == []
    assert len(site_commands.autocomplete(sites, "base", limit=5)) <= 5


def test_autocomplete_choice_names_fit_discord(sites: list[Site]) -> None:
    long = Site("long-one", "Base " + "x" * 200, (), "IQ", 1.0, 2.0)
    assert all(len(name) <= 100 for name, _ in site_commands.autocomplete([*sites, long], "base"))


def test_site_answer_has_the_facts_last_incidents_and_a_weekly_png(store: Store, sites: list[Site]) -> None:
    answer = site_commands.site(store, sites, "ayn al assad", today=TODAY)
    page = answer.pages[0]
    assert answer.title == "Ain al-Asad Air Base"
    for fact in ("`ain-al-asad`", "IQ", "33.7856°N, 42.4412°E", "Asia/Baghdad", "Last incidents"):
        assert fact in page
    newest, oldest = incident_at(store, "ain-al-asad", date(2021, 7, 7)), incident_at(store, "ain-al-asad",
                                                                                       date(2021, 3, 3))
    assert page.index(f"#{newest.id}**") < page.index(f"#{oldest.id}**")
    assert "1 killed, 2 wounded" in page
    assert answer.file is not None
    name, png = answer.file
    assert name.endswith(".png") and png.startswith(PNG_SIGNATURE) and png_size(png) == (800, 300)


def test_site_without_incidents_has_no_chart_and_says_so(store: Store, sites: list[Site]) -> None:
    answer = site_commands.site(store, sites, "tanf", today=TODAY)
    assert answer.file is None
    assert "No incidents recorded" in answer.pages[0] and "no chart" in answer.pages[0]
    assert "At Tanf base" in answer.pages[0]


def test_list_sites_pages_a_long_list(sites: list[Site]) -> None:
    many = [Site(f"site-{n}", f"Site number {n}", (), "IQ", 1.0, 2.0) for n in range(200)]
    answer = site_commands.list_sites(many)
    assert answer.title == "200 tracked sites" and len(answer.pages) > 1
    assert all(len(page) <= PAGE_LIMIT for page in answer.pages)
    assert site_commands.list_sites(sites).pages[0].startswith("AE · Al Dhafra Air Base")
