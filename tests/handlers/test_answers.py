"""Answers fit Discord's embeds, and feed text in them can neither ping nor bring its own markdown."""

from __future__ import annotations

import re

import pytest

from handlers.answers import PAGE_LIMIT, Answer, clip, link, paginate, safe_text


def test_long_answers_paginate_within_the_embed_limit() -> None:
    pages = paginate([f"line {n} " + "x" * 300 for n in range(100)])
    assert len(pages) > 5
    assert all(len(page) <= PAGE_LIMIT < 4096 for page in pages)
    assert "".join(pages).count("line ") == 100


def test_pages_hold_at_most_per_page_entries_and_never_split_one() -> None:
    entries = [f"**#{n}** head\nsecond line of {n}" for n in range(25)]
    pages = paginate(entries, per_page=10)
    assert [page.count("**#") for page in pages] == [10, 10, 5]
    assert all(page.count("head") == page.count("second line") for page in pages)


def test_an_entry_longer_than_a_page_is_cut_to_fit() -> None:
    pages = paginate(["y" * 10_000, "short"], limit=4000)
    assert len(pages[0]) == 4000 and pages[0].endswith("…")
    assert pages[1] == "short"


def test_no_lines_still_make_one_page() -> None:
    assert paginate([]) == ("Nothing to show.",)


def test_an_answer_refuses_a_page_discord_would_refuse() -> None:
    with pytest.raises(ValueError):
        Answer("Too long", ("z" * 4097,))
    with pytest.raises(ValueError):
        Answer("No pages", ())


def test_feed_markdown_is_escaped() -> None:
    text = safe_text("**bold** _it_ `code` ~~gone~~ ||spoiler|| [click](https://evil.example) back\\slash")
    unescaped = re.findall(r"(?<!\\)[*_`~|\[\]]", text.replace("\\\\", ""))
    assert unescaped == []
    assert text.startswith("\\*\\*bold\\*\\*")


@pytest.mark.parametrize(("start", "escaped"), [
    ("> quoted", "\\> quoted"), ("# Header", "\\# Header"), ("-# subtext", "\\-# subtext"), ("- item", "\\- item"),
    ("12. item", "12\\. item"), ("2021 was", "2021 was"),
])
def test_feed_text_cannot_start_a_quote_header_or_list(start: str, escaped: str) -> None:
    assert safe_text(start) == escaped


@pytest.mark.parametrize("ping", ["@everyone", "@here", "@EVERYONE", "<@123456>", "<@!123456>", "<@&42>", "<#7>"])
def test_feed_mentions_are_defused(ping: str) -> None:
    text = safe_text(f"Attack reported {ping} now")
    assert ping not in text
    assert text.replace("\u200b", "") == f"Attack reported {ping} now"


def test_feed_text_becomes_one_line() -> None:
    assert safe_text("  Rockets\n\nhit   the base \t") == "Rockets hit the base"


def test_clipping_happens_before_escaping_so_no_escape_is_cut_in_half() -> None:
    text = safe_text("a" * 9 + "_" + "b" * 50, limit=10)
    assert not text.rstrip("…").endswith("\\")
    assert len(clip("word " * 100, 50)) <= 50


def test_links_keep_their_url_whole_and_escape_their_text() -> None:
    assert link("Wire: [Rockets]", "https://news.example/a_(b)") == \
        "[Wire: \\[Rockets\\]](https://news.example/a_%28b%29)"
    assert link("No link", "javascript:alert(1)") == "No link"
