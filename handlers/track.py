"""/track add|remove (Manage Server only): sites changed in chat, kept in the store.

A site added in chat is validated whole by the config's own SiteConfig (its limits included) before
anything is written: a refusal leaves the store as it was.

The sites in effect are the config's, with those added in chat and without those removed in chat:
store.tracked_sites(configured_sites). The caller rebuilds its gazetteer after a change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import ValidationError

from bot.config import SITE_NAME_LIMIT, SiteConfig
from bot.errors import CommandError
from bot.matcher.tokens import fold
from bot.models import Site
from bot.store.base import Store
from handlers.answers import Answer, safe_text
from handlers.sites import HINT_SCORE, rank_sites


def track_add(store: Store, configured_sites: Sequence[Site], *, id: str, name: str, country: str,
              lat: float, lon: float, aliases: Sequence[str] = (), timezone: str = "UTC", by: str,
              now: datetime) -> Answer:
    """Track a new site: its stories alert from the next poll on."""
    try:
        checked = SiteConfig(id=id.strip(), name=" ".join(name.split()), aliases=[a.strip() for a in aliases],
                             country=country.strip().upper(), lat=lat, lon=lon, timezone=timezone.strip())
    except ValidationError as error:
        raise CommandError(f"Not tracked: {_first_problem(error)}") from error
    tracked = store.tracked_sites(configured_sites)
    if any(site.id == checked.id for site in tracked):
        raise CommandError(f"Not tracked: a site with id `{checked.id}` is already tracked.")
    for name_given in (checked.name, *checked.aliases):
        same = next((s for s in tracked if fold(name_given) in {fold(n) for n in (s.name, *s.aliases)}), None)
        if same:
            raise CommandError(f"Not tracked: “{safe_text(name_given)}” already names `{same.id}` "
                               f"({safe_text(same.name)}).")
    site = checked.to_site()
    # The answer is made before the write: once the site is saved, nothing may fail.
    answer = Answer("Site tracked", (f"**{safe_text(site.name)}** ({site.country}) is tracked as `{site.id}`; "
                                     "stories from the next poll on are matched against it.",), ephemeral=True)
    store.add_site(site, by=by, now=now)
    return answer


def track_remove(store: Store, configured_sites: Sequence[Site], site_id: str, *, by: str,
                 now: datetime) -> Answer:
    """Stop tracking a site; its incidents stay on record."""
    site_id = site_id.strip()
    tracked = store.tracked_sites(configured_sites)
    site = next((s for s in tracked if s.id == site_id), None)
    if site is None:
        ranked = rank_sites(tracked, site_id)
        hint = (f" Did you mean `{ranked[0][1].id}` ({safe_text(ranked[0][1].name)})?"
                if ranked and ranked[0][0] >= HINT_SCORE else " /sites lists the ids.")
        raise CommandError(f"No tracked site has the id “{safe_text(site_id, 100)}”.{hint}")
    # Clipped: a site saved before names had a limit may have a name longer than an answer holds.
    answer = Answer("Site removed", (f"**{safe_text(site.name, SITE_NAME_LIMIT)}** (`{site.id}`) is no longer "
                                     "tracked; its incidents stay on record.",), ephemeral=True)
    store.remove_site(site.id, by=by, now=now)
    return answer


def _first_problem(error: ValidationError) -> str:
    """Pydantic's first complaint as "field: what is wrong", e.g. "country: must be an ISO 3166-1 alpha-2 code"."""
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "site"
    message = first["msg"].removeprefix("Value error, ")
    return f"{field}: {message[:1].lower()}{message[1:]}"
