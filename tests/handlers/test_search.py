"""/search over the stored stories, with the matching words shown in context."""

from __future__ import annotations

import pytest

from bot.errors import CommandError
from bot.store.base import Store
from handlers.search import search


def test_search_finds_stories_with_all_the_words_and_shows_snippets(store: Store) -> None:
    answer = search(store, "rockets Anbar")
    page = answer.pages[0]
    assert answer.title.endswith("match “rockets Anbar”")
    assert "[Rockets hit Iraq's Ain al-Asad air base, two contractors wounded]" \
           "(https://wire.example/2021/03/03/rockets-ain-al-asad) · Wire News · 2021-03-03" in page
    assert "\n> " in page and "**rockets**" in page.lower()


def test_a_word_start_is_enough(store: Store) -> None:
    assert "contractor" in search(store, "contract").pages[0].lower()


def test_no_match_is_an_answer_not_an_error(store: Store) -> None:
    answer = search(store, "submarine")
    assert answer.title == "No stored story matches “submarine”"


@pytest.mark.parametrize("words", ["", "   ", '"*()', "--"])
def test_an_empty_search_is_refused(store: Store, words: str) -> None:
    with pytest.raises(CommandError, match="words to search for"):
        search(store, words)


@pytest.mark.parametrize("words", ['rock"ets', "rockets AND", "NEAR(rockets", "rockets*", "ain-al-asad"])
def test_punctuation_in_a_search_is_not_a_query_error(store: Store, words: str) -> None:
    search(store, words)


def test_the_searched_words_are_escaped_in_the_title(store: Store) -> None:
    assert "@everyone" not in search(store, "@everyone **x**").title


def test_a_search_of_more_than_eight_words_is_refused(store: Store) -> None:
    with pytest.raises(CommandError, match="at most 8 words"):
        search(store, " ".join(f"word{n}" for n in range(750)))


def test_a_repeated_word_counts_once(store: Store) -> None:
    assert "**rockets**" in search(store, "rockets " * 750).pages[0].lower()


def test_a_word_longer_than_forty_letters_is_refused(store: Store) -> None:
    with pytest.raises(CommandError, match="at most 40 letters"):
        search(store, "rockets " + "a" * 41)


def test_the_store_reads_only_the_first_eight_distinct_words(store: Store) -> None:
    words = "rockets hit Iraq Ain al Asad air base"  # all in one stored title
    assert store.search_stories(words, limit=5)
    assert store.search_stories(words + " submarine", limit=5)  # a ninth word is not searched for
    assert not store.search_stories("submarine " + words, limit=5)
