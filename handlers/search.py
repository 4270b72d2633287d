"""/search over the stories the store keeps (those that named a tracked site)."""

from __future__ import annotations

import re

from bot.errors import CommandError
from bot.store.base import FoundStory, Store
from bot.store.records import MAX_SEARCH_TERM_LENGTH, MAX_SEARCH_TERMS
from handlers.answers import Answer, clip, link, paginate, safe_text

SEARCH_LIMIT = 25
RESULTS_PER_PAGE = 5
# The store marks the words found in a snippet with ** on either side.
HIGHLIGHT = "**"
# The store quotes each word for SQLite full-text search; a quote or other punctuation inside a word would end
# its quoting early ('a"b' is a syntax error there), so a search is made of letters and digits only.
_WORD = re.compile(r"[^\W_]+")


def search(store: Store, words: str) -> Answer:
    """Stored stories containing all these words (word starts match too), best first."""
    terms = list(dict.fromkeys(_WORD.findall(words)))
    if not terms:
        raise CommandError("Give one or more words to search for.")
    # Each word is a prefix query over the whole index: thousands of them held the bot for minutes.
    if len(terms) > MAX_SEARCH_TERMS:
        raise CommandError(f"Search for at most {MAX_SEARCH_TERMS} words.")
    if any(len(term) > MAX_SEARCH_TERM_LENGTH for term in terms):
        raise CommandError(f"Search for words of at most {MAX_SEARCH_TERM_LENGTH} letters.")
    query = " ".join(terms)
    shown = safe_text(query, 100)
    found = store.search_stories(query, limit=SEARCH_LIMIT)
    if not found:
        return Answer(clip(f"No stored story matches “{shown}”", 256),
                      ("Only stories that named a tracked site are kept.",))
    entries = [_entry(story) for story in found]
    count = f"{len(found)}+" if len(found) == SEARCH_LIMIT else str(len(found))
    noun = "story matches" if len(found) == 1 else "stories match"
    return Answer(clip(f"{count} {noun} “{shown}”", 256), paginate(entries, per_page=RESULTS_PER_PAGE))


def _entry(story: FoundStory) -> str:
    head = f"{link(story.title, story.url, 150)} · {safe_text(story.feed, 60)} · {story.published:%Y-%m-%d}"
    snippet = _snippet(story.snippet)
    # A near-copy of another story keeps only its title, so it matched there and has no text to quote.
    return f"{head}\n> {snippet}" if snippet.strip() else head


def _snippet(snippet: str) -> str:
    """The snippet escaped, its highlighted words bold again."""
    parts = snippet.split(HIGHLIGHT)
    if len(parts) % 2 == 0:  # the story's own text held a "**": highlights cannot be told apart
        return safe_text(snippet.replace(HIGHLIGHT, ""), 400)
    return "".join(f"**{_keep_spaces(part)}**" if index % 2 else _keep_spaces(part)
                   for index, part in enumerate(parts) if part)


def _keep_spaces(part: str) -> str:
    """safe_text trims; a piece between highlights keeps one space where it had some."""
    text = safe_text(part)
    if not text:
        return " " if part else ""
    return (" " if part[0].isspace() else "") + text + (" " if part[-1].isspace() else "")
