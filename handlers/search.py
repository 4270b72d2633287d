"""/search over stored stories."""

from __future__ import annotations

from bot.errors import CommandError
from bot.store.sqlite import SQLiteStore
from handlers.answers import Answer, paginate, safe_text


def search(store: SQLiteStore, words: str) -> Answer:
    """Stored stories that contain all these words."""
    if not words.strip():
        raise CommandError("Give some words to search for.")
    found = store.search_stories(words, limit=30)
    if not found:
        return Answer(f"No stored story matches {safe_text(words)}", ("Nothing found.",))
    lines = [f"[{safe_text(s.title)[:120]}]({s.url}) · {safe_text(s.feed)} · {s.published:%Y-%m-%d}\n"
             f"> {safe_text(s.snippet.replace('**', ''))[:300]}" for s in found]
    return Answer(f"{len(found)} stories match {safe_text(words)}", paginate(lines, per_page=6))
