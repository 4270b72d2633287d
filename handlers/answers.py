"""What a command answers, as plain data, and the text helpers every answer uses.

The Discord layer (bot/chat/commands.py) turns an Answer into an embed; nothing here imports discord.
Text that comes from feeds (titles, summaries, feed names, errors) goes through `safe_text` or `link`:
it can then neither ping anyone nor bring markdown of its own into the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.matcher.summary import toll_text
from bot.models import IncidentFacts

TITLE_LIMIT = 256  # an embed title
PAGE_LIMIT = 4000  # an embed description holds 4,096 characters; the rest is margin for the footer's page count
LINES_PER_PAGE = 20  # more lines than this on a phone is a wall of text even when it fits
EMPTY_PAGE = "Nothing to show."

# Characters that start markdown anywhere: escapes, emphasis, code, strike, spoilers, masked links.
_MARKDOWN = re.compile(r"([\\*_`~|\[\]])")
# ... and at the start of a line: quotes, headers, subtext (-#), lists ("1." is escaped at its dot).
_LINE_START = re.compile(r"^(\d*)([>#+-]|(?<=\d)\.)")
_MASS_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)
_ZERO_WIDTH = "\u200b"
# Inside the (...) of a masked link these would end the URL early or split it.
_URL_BREAKERS = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", '"': "%22"}


@dataclass(frozen=True, slots=True)
class Answer:
    title: str
    pages: tuple[str, ...]  # one embed description each; the Discord layer adds previous/next buttons
    file: tuple[str, bytes] | None = None  # (file name, bytes): the /site chart
    ephemeral: bool = False  # shown only to the person who asked
    colour: int | None = None

    def __post_init__(self) -> None:
        if not self.pages:
            raise ValueError("an answer needs at least one page")
        if len(self.title) > TITLE_LIMIT:
            raise ValueError(f"answer title longer than {TITLE_LIMIT} characters")
        if any(len(page) > PAGE_LIMIT for page in self.pages):
            raise ValueError(f"answer page longer than {PAGE_LIMIT} characters")


def paginate(lines: Iterable[str], limit: int = PAGE_LIMIT, per_page: int = LINES_PER_PAGE) -> tuple[str, ...]:
    """Entries (a line, or a few lines that belong together) into pages of at most `per_page` entries and
    `limit` characters; an entry is never split across pages, one longer than a page is cut."""
    pages: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if len(line) > limit:
            line = line[:limit - 1].rstrip("\\") + "…"
        if current and (len(current) >= per_page or size + 1 + len(line) > limit):
            pages.append("\n".join(current))
            current, size = [], 0
        size += len(line) + (1 if current else 0)
        current.append(line)
    if current:
        pages.append("\n".join(current))
    return tuple(pages) or (EMPTY_PAGE,)


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word where one is near, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.7:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def safe_text(text: str, limit: int | None = None) -> str:
    """Feed text for an answer: one line, clipped to `limit` before escaping, markdown escaped, and
    @everyone, @here and <@…>/<#…>/<@&…> mentions defused with a zero-width space."""
    text = " ".join(text.split())
    if limit is not None:
        text = clip(text, limit)
    text = _MARKDOWN.sub(r"\\\1", text)
    text = _LINE_START.sub(r"\1\\\2", text)
    text = text.replace("<", "<" + _ZERO_WIDTH)
    return _MASS_MENTION.sub(lambda match: "@" + _ZERO_WIDTH + match.group(1), text)


def safe_url(url: str) -> str:
    """A URL that stays whole inside a masked link's parentheses."""
    return "".join(_URL_BREAKERS.get(character, character) for character in url.strip())


def incident_line(incident_id: int, facts: IncidentFacts, site_name: str | None = None) -> str:
    """"**#7** · 2021-07-05 · Ain al-Asad Air Base · rocket · no casualties"; `site_name` already safe."""
    parts = [f"**#{incident_id}**", facts.day.isoformat() if facts.day else "date unknown",
             *([site_name] if site_name else []), ", ".join(facts.weapons) or "weapon not stated",
             toll_text(facts.killed, facts.wounded) or "toll not stated"]
    return " · ".join(parts)


def link(text: str, url: str, limit: int | None = None) -> str:
    """A masked link with escaped text; plain escaped text when the URL is not http(s)."""
    shown = safe_text(text, limit) or safe_text(url)
    if not url.lower().startswith(("http://", "https://")):
        return shown
    return f"[{shown}]({safe_url(url)})"
