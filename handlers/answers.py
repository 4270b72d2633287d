"""What a command answers, as plain data; bot/discord_commands.py turns it into embeds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.alert_view import escape_feed_text

PAGE_LIMIT = 4000  # an embed description holds 4,096 characters
LINES_PER_PAGE = 15


@dataclass(frozen=True, slots=True)
class Answer:
    title: str
    pages: tuple[str, ...]
    file: tuple[str, bytes] | None = None  # (file name, bytes): the /site chart
    ephemeral: bool = False
    colour: int | None = None


def paginate(lines: Iterable[str], *, limit: int = PAGE_LIMIT, per_page: int = LINES_PER_PAGE) -> tuple[str, ...]:
    """Lines into pages of at most `per_page` lines and `limit` characters; an over-long line is cut."""
    pages: list[str] = []
    current: list[str] = []
    for line in lines:
        line = line if len(line) <= limit else line[:limit - 1] + "…"
        if current and (len(current) >= per_page or sum(len(c) + 1 for c in current) + len(line) > limit):
            pages.append("\n".join(current))
            current = []
        current.append(line)
    if current:
        pages.append("\n".join(current))
    return tuple(pages) or ("Nothing to show.",)


def safe_text(text: str) -> str:
    """Text from feeds in an answer: no pings, no markdown of its own."""
    return escape_feed_text(" ".join(text.split()))
