import re

import ftfy
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.matcher import stories
from bot.matcher.stories import clean_text, repair_text, split_sentences
from bot.replay import read_feed_file
from tests.conftest import ROOT


def test_line_breaks_after_us_are_mended() -> None:
    text = clean_text("Iraqi and Syrian U.S.\n\n\n\ndiplomats and troops were targeted, U.S.\n\n\n\nofficials said.")
    assert text == "Iraqi and Syrian U.S. diplomats and troops were targeted, U.S. officials said."


def test_break_before_capitalised_word_after_abbreviation_is_mended() -> None:
    assert clean_text("at least 14 rockets targeting a U.S.\n\n\n\nAir Force base.") == (
        "at least 14 rockets targeting a U.S. Air Force base.")


def test_paragraph_starting_with_comma_joins_and_drops_stray_period() -> None:
    assert clean_text("targeting a base.\n\n\n\n, injuring two members.") == "targeting a base, injuring two members."


def test_real_paragraphs_stay_apart() -> None:
    text = clean_text("Rockets hit the base.\n\nThe Pentagon said nobody was hurt.\n\nCLIMBING\n\nTalks go on.")
    assert text.split("\n\n") == ["Rockets hit the base.", "The Pentagon said nobody was hurt.", "CLIMBING",
                                  "Talks go on."]


def test_html_tags_and_entities_are_stripped() -> None:
    text = clean_text("<p>Rockets hit the <b>Ain al-Asad</b> base&#8217;s perimeter &amp; runway.</p>"
                      "<p>No one was hurt.<br/>Officials said.</p><script>var x=1;</script>")
    assert text == "Rockets hit the Ain al-Asad base’s perimeter & runway.\n\nNo one was hurt.\n\nOfficials said."


def test_mojibake_is_repaired() -> None:
    assert clean_text("the baseâ€™s perimeter â€” officials said") == "the base’s perimeter — officials said"


def test_sentences_do_not_split_at_titles_and_us() -> None:
    sentences = split_sentences("U.S. Army Col. Wayne Marotto said two rockets hit. Gen. Smith agreed. "
                                "The U.S. embassy was targeted.")
    assert sentences == ("U.S. Army Col. Wayne Marotto said two rockets hit.", "Gen. Smith agreed.",
                         "The U.S. embassy was targeted.")


def test_sentence_ends_after_us_when_a_new_sentence_opens() -> None:
    assert split_sentences("Drones were fired at the U.S. The Pentagon said.") == (
        "Drones were fired at the U.S.", "The Pentagon said.")


def test_a_brief_ending_in_its_photo_credit_keeps_its_sentences() -> None:
    assert clean_text("Drones hit Ain al-Asad air base on Monday night. Photo: AFP / File") == \
        "Drones hit Ain al-Asad air base on Monday night."
    assert clean_text("<p>Rockets struck the base, officials said. (Reuters photo) Smoke rises.</p>") == \
        "Rockets struck the base, officials said."


def test_a_caption_paragraph_is_still_dropped() -> None:
    assert clean_text("File photo: Ain al-Asad air base in January 2020.\n\nDrones hit the base on Monday.") == \
        "Drones hit the base on Monday."


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=200))
def test_ascii_text_skips_ftfy_with_the_same_result(text: str) -> None:
    assert repair_text(text) == ftfy.fix_text(text, uncurl_quotes=False)


def test_corpus_feeds_clean_as_with_ftfy_on_every_text(monkeypatch: pytest.MonkeyPatch) -> None:
    feeds = sorted((ROOT / "tests" / "corpus").glob("*/feeds/*.xml"))
    fast = [read_feed_file(path) for path in feeds]
    monkeypatch.setattr(stories, "repair_text", lambda text: ftfy.fix_text(text, uncurl_quotes=False))
    assert [read_feed_file(path) for path in feeds] == fast
    assert sum(len(f) for f in fast) > 100


def test_mojibake_in_ascii_looking_text_is_still_repaired() -> None:
    assert clean_text("Rockets hit the base &amp; the airport") == "Rockets hit the base & the airport"
    assert repair_text("caf\u00c3\u00a9") == "caf\u00e9"


def test_a_described_caption_inside_a_longer_story_is_dropped_whole() -> None:
    text = ("Drones struck Harir air base on Friday, officials said.\n\n"
            "A helicopter flies over Harir air base in May 2021. Photo: Hawler Herald")
    assert clean_text(text) == "Drones struck Harir air base on Friday, officials said."


def _word_ending_at_by_letters(paragraph: str, start: int, end: int) -> str:
    """The last word before `end`, read back a letter at a time (what stories._word_ending_at does in C)."""
    begin = end
    while begin > start and end - begin < 64 and not paragraph[begin - 1].isspace():
        begin -= 1
    return paragraph[begin:end]


@given(st.text(alphabet=st.sampled_from("ab. \u00a0\u2003\n\tU"), max_size=90), st.data())
def test_the_word_before_a_sentence_end_is_read_as_letter_by_letter(paragraph: str, data: st.DataObject) -> None:
    end = data.draw(st.integers(0, len(paragraph)))
    start = data.draw(st.integers(0, end))
    assert stories._word_ending_at(paragraph, start, end) == _word_ending_at_by_letters(paragraph, start, end)


@given(st.text(alphabet=st.sampled_from("ab &\t\n\r\x00\x1f\x7f\x80é\u00a0~ "), max_size=30))
def test_text_is_sent_to_ftfy_exactly_when_it_has_more_than_printable_ascii_tabs_and_newlines(text: str) -> None:
    assert stories.may_need_repair(text) == bool(re.search(r"[^\t\n\x20-\x7e]|&", text))
