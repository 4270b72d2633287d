"""/track: sites added and removed in chat, validated like the config's."""

from __future__ import annotations

from typing import Any

import pytest

from bot.errors import CommandError
from bot.models import Site
from bot.store.base import Store
from handlers.sites import find_site
from handlers.track import track_add, track_remove
from tests.handlers.conftest import NOW

NEW_SITE: dict[str, Any] = {"id": "ain-issa-base", "name": "Ain Issa base", "country": "SY", "lat": 36.38,
                            "lon": 38.86, "aliases": ["Ayn Issa outpost"], "timezone": "Asia/Damascus"}


def add(store: Store, sites: list[Site], **changes: Any) -> str:
    answer = track_add(store, sites, **{**NEW_SITE, **changes}, by="1234", now=NOW)
    assert answer.ephemeral
    return answer.pages[0]


def test_a_tracked_site_joins_the_effective_list(empty_store: Store, sites: list[Site]) -> None:
    text = add(empty_store, sites, country="sy")  # ISO codes are case-insensitive
    assert "**Ain Issa base** (SY) is tracked as `ain-issa-base`" in text
    tracked = empty_store.tracked_sites(sites)
    assert len(tracked) == len(sites) + 1
    added = find_site(tracked, "ayn isa")
    assert added == Site("ain-issa-base", "Ain Issa base", ("Ayn Issa outpost",), "SY", 36.38, 38.86,
                         "Asia/Damascus")


@pytest.mark.parametrize(("changes", "field"), [
    ({"country": "Syria"}, "country: must be an ISO 3166-1 alpha-2 code"),
    ({"id": "Ain Issa"}, "id: must be lower-case letters"),
    ({"lat": 91.0}, "lat: input should be less than or equal to 90"),
    ({"lon": -181.0}, "lon: input should be greater than or equal to -180"),
    ({"timezone": "Mars/Olympus"}, "timezone: unknown IANA time zone"),
    ({"aliases": ["ok", "  "]}, "aliases: an alias is blank"),
    ({"name": "   "}, "name: string should have at least 1 character"),
    ({"name": "Base " + "x" * 4_500}, "name: string should have at most 100 characters"),
    ({"aliases": ["Camp " + "y" * 100]}, "aliases: string should have at most 100 characters"),
    ({"aliases": [f"Camp {n}" for n in range(51)]}, "aliases: list should have at most 50 items"),
    ({"id": "x" * 65}, "id: string should have at most 64 characters"),
    ({"timezone": "Asia/" + "z" * 300}, "timezone: string should have at most 64 characters"),
])
def test_invalid_fields_are_named(empty_store: Store, sites: list[Site], changes: dict[str, Any],
                                  field: str) -> None:
    with pytest.raises(CommandError, match=f"^Not tracked: {field}"):
        add(empty_store, sites, **changes)
    assert empty_store.tracked_sites(sites) == sites


def test_an_id_already_tracked_is_refused(empty_store: Store, sites: list[Site]) -> None:
    with pytest.raises(CommandError, match="`ain-al-asad` is already tracked"):
        add(empty_store, sites, id="ain-al-asad")
    add(empty_store, sites)
    with pytest.raises(CommandError, match="`ain-issa-base` is already tracked"):
        add(empty_store, sites, name="Another name", aliases=[])


def test_a_name_already_tracked_is_refused(empty_store: Store, sites: list[Site]) -> None:
    with pytest.raises(CommandError, match="already names `erbil-airport`"):
        add(empty_store, sites, id="erbil-2", aliases=["Hewler Airport"])


def test_a_removed_site_leaves_the_list_and_can_come_back(empty_store: Store, sites: list[Site]) -> None:
    text = track_remove(empty_store, sites, "ain-al-asad", by="1234", now=NOW).pages[0]
    assert "Ain al-Asad Air Base" in text and "incidents stay on record" in text
    assert "ain-al-asad" not in {site.id for site in empty_store.tracked_sites(sites)}
    with pytest.raises(CommandError, match="No tracked site has the id"):
        track_remove(empty_store, sites, "ain-al-asad", by="1234", now=NOW)
    add(empty_store, sites, id="ain-al-asad", name="Ain al-Asad Air Base", aliases=[], country="IQ")
    assert "ain-al-asad" in {site.id for site in empty_store.tracked_sites(sites)}


def test_removing_by_a_name_suggests_the_id(empty_store: Store, sites: list[Site]) -> None:
    with pytest.raises(CommandError, match="Did you mean `al-tanf`"):
        track_remove(empty_store, sites, "tanf garrison", by="1234", now=NOW)
    assert empty_store.tracked_sites(sites) == sites
