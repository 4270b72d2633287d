"""What the matcher finds in a story told in a test: the helpers every pattern test file reads stories by."""

from __future__ import annotations

from datetime import date

from bot.matcher.attacks import find_attacks
from bot.matcher.sites import Gazetteer
from bot.models import Attack
from tests.conftest import make_story


def attacks(gazetteer: Gazetteer, text: str, published: str, title: str = "") -> list[Attack]:
    return find_attacks(make_story(text, published, title=title), gazetteer)


def found(gazetteer: Gazetteer, text: str, published: str, title: str = "") -> list[tuple[str, date | None]]:
    """Each attack's site and day, in order."""
    return sorted((a.site_id, a.day) for a in attacks(gazetteer, text, published, title))
