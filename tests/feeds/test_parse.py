"""Feed bytes -> stories (bot.feeds.parse)."""

from __future__ import annotations

from html import escape

from bot.feeds.parse import parse_feed
from bot.matcher.stories import split_sentences


def _feed_with_body(body: str) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>Base hit</title>'
            f"<link>https://wire.example/1</link><pubDate>Mon, 04 Mar 2024 10:00:00 GMT</pubDate>"
            f"<description>{escape(body)}</description></item></channel></rss>").encode()


def test_a_body_that_is_a_whole_page_with_a_script_keeps_its_text_and_drops_the_code() -> None:
    # feedparser's sanitiser (off: clean_text reads the HTML itself) kept this script's code as text and lost
    # the paragraph after it.
    body = ('<html><head><title>Rockets hit the base</title></head><body onload="executeMe();">'
            '<!-- <script> --></script><script>function executeMe() { document.write("x"); }</script>'
            "<p>Two rockets hit the base on Monday.</p></body></html>")
    story = parse_feed(_feed_with_body(body), "wire").stories[0]
    assert "Two rockets hit the base on Monday." in split_sentences(story.text)
    assert "executeMe" not in story.text


def test_the_entry_link_is_kept_as_the_feed_gives_it() -> None:
    story = parse_feed(_feed_with_body("<p>Two rockets hit the base.</p>"), "wire").stories[0]
    assert (story.url, story.title, story.text) == ("https://wire.example/1", "Base hit", "Two rockets hit the base.")
