"""/track add|remove (Manage Server only): sites changed in chat, kept in the store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import ValidationError

from bot.config import SiteConfig
from bot.errors import CommandError
from bot.models import Site
from bot.store.sqlite import SQLiteStore
from handlers.answers import Answer, safe_text


def track_add(store: SQLiteStore, configured: Sequence[Site], *, site_id: str, name: str, country: str, lat: float,
              lon: float, aliases: Sequence[str] = (), timezone: str = "UTC", by: str, now: datetime) -> Answer:
    """Track a new site."""
    try:
        checked = SiteConfig(id=site_id, name=name, aliases=list(aliases), country=country, lat=lat, lon=lon,
                             timezone=timezone)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise CommandError(f"{field}: {first['msg'].removeprefix('Value error, ')}") from error
    if any(s.id == site_id for s in store.tracked_sites(configured)):
        raise CommandError(f"A site with id {site_id!r} is already tracked.")
    store.add_site(checked.to_site(), by=by, now=now)
    return Answer("Site tracked", (f"{safe_text(name)} ({country}) is tracked as `{site_id}`.",), ephemeral=True)


def track_remove(store: SQLiteStore, configured: Sequence[Site], site_id: str, *, by: str, now: datetime) -> Answer:
    """Stop tracking a site."""
    if not any(s.id == site_id for s in store.tracked_sites(configured)):
        raise CommandError(f"No tracked site {site_id!r}: see /sites.")
    store.remove_site(site_id, by=by, now=now)
    return Answer("Site removed", (f"`{site_id}` is no longer tracked; its incidents stay on record.",),
                  ephemeral=True)
