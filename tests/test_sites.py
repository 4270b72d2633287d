import pytest

from bot.sites import Gazetteer
from bot.tokens import tokenize


def found(gazetteer: Gazetteer, sentence: str) -> set[str]:
    tokens = tokenize(sentence)
    return {m.site_id for m in gazetteer.find(tokens, frozenset(t.norm for t in tokens))}


@pytest.mark.parametrize("sentence", [
    "Rockets hit Ain al-Asad air base", "Rockets hit Ayn al-Asad on Monday", "rockets landed in Ain Al-Assad",
    "drones targeted al-Asad airbase", "a drone hit the Asad Air Base", "missiles struck Ein el-Assad",
])
def test_ain_al_asad_spellings(gazetteer: Gazetteer, sentence: str) -> None:
    assert found(gazetteer, sentence) == {"ain-al-asad"}


@pytest.mark.parametrize("sentence", [
    "Bashar al-Assad said", "the Assad government denied it", "President Assad's forces shelled Idlib",
    "al-Assad regime troops", "Syria's Assad met the envoy",
])
def test_people_named_assad_are_not_the_base(gazetteer: Gazetteer, sentence: str) -> None:
    assert found(gazetteer, sentence) == set()


@pytest.mark.parametrize("sentence", [
    "a drone struck Erbil Airport", "the airport in Arbil", "Irbil's international airport was hit",
    "Hewler airport", "rockets hit Erbil air base",
])
def test_erbil_airport_spellings(gazetteer: Gazetteer, sentence: str) -> None:
    assert found(gazetteer, sentence) == {"erbil-airport"}


def test_the_city_of_erbil_is_not_the_airport(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "A drone exploded in Erbil city on Tuesday") == set()


@pytest.mark.parametrize(("sentence", "site"), [
    ("drones attacked al-Tanf", "al-tanf"), ("At Tanf garrison", "al-tanf"), ("the Tanf base", "al-tanf"),
    ("the Al Omar oil field", "al-omar-oil-field"), ("the Koniko gas field", "conoco-gas-field"),
    ("Khormor gas field", "khor-mor-gas-field"), ("the Kor Mor field", "khor-mor-gas-field"),
    ("K-1 air base", "k1-air-base"), ("Q-West", "qayyarah-airfield"), ("Qayyarah airfield", "qayyarah-airfield"),
    ("Camp Taji", "camp-taji"), ("the Harrir base", "harir-air-base"), ("al-Udaid air base", "al-udeid-air-base"),
    ("Shadadi base", "al-shaddadi-base"), ("Tower 22", "tower-22"),
    ("the U.S. embassy inside the Baghdad Green Zone", "us-embassy-baghdad"),
])
def test_transliterations_and_written_forms(gazetteer: Gazetteer, sentence: str, site: str) -> None:
    assert found(gazetteer, sentence) == {site}


def test_another_countrys_embassy_is_not_the_us_embassy(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "the British embassy in Baghdad") == set()


def test_a_person_named_like_a_site_is_not_it(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "Ahmed al-Omar said the talks went well") == set()


def test_short_english_words_never_match_a_name(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "in an area near the border, as said") == set()


def test_a_named_base_in_a_city_is_not_the_citys_airport(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "drones hit the Harir base in Erbil province") == {"harir-air-base"}


def test_the_us_embassy_without_a_city_is_the_one_the_story_is_about(gazetteer: Gazetteer) -> None:
    from collections import Counter

    from bot.attacks import find_attacks
    from tests.conftest import make_story

    # "BAGHDAD / AMMAN" in the dateline names both cities; the story is about Baghdad.
    story = make_story("BAGHDAD / AMMAN (Wire) - Two rockets were fired at the U.S. embassy inside the Baghdad "
                       "Green Zone early Thursday. The embassy's C-RAM intercepted one, officials in Baghdad said.")
    assert {a.site_id for a in find_attacks(story, gazetteer)} == {"us-embassy-baghdad"}
    tokens = tokenize("Sirens sounded at the U.S. embassy.")
    words = Counter(["baghdad", "baghdad", "amman"])
    assert [m.site_id for m in gazetteer.find_by_nationality(tokens, words)] == ["us-embassy-baghdad"]


@pytest.mark.parametrize(("sentence", "site"), [
    ("drones attacked the Conoco base", "conoco-gas-field"), ("a rocket hit the Omar base", "al-omar-oil-field"),
    ("rockets hit Erbil base late on Monday", "erbil-airport"),
])
def test_the_coalition_base_at_a_field_or_airport_is_the_site(gazetteer: Gazetteer, sentence: str, site: str) -> None:
    assert found(gazetteer, sentence) == {site}
