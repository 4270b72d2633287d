import pytest

from bot.matcher.casualties import count_casualties


@pytest.mark.parametrize(("sentence", "killed", "wounded"), [
    ("Two people were lightly wounded as a result of a rocket fired at the base", None, 2),
    ("at least 14 rockets targeting a base, injuring two members of the American service.", None, 2),
    ("Three rockets landed without causing any casualties.", 0, 0),
    ("no members of the U.S. service were injured and no damage was reported", 0, 0),
    ("Three U.S. soldiers were killed and more than 40 were wounded", 3, 40),
    ("a civilian contractor was killed", 1, None),
    ("The death toll rose to three", 3, None),
    ("a contractor later died of his wounds", 1, None),
    ("No injuries were reported.", 0, 0),
    ("There were no immediate reports of casualties.", None, None),
    ("killing 2 and wounding 34", 2, 34),
    ("the attack killed three soldiers", 3, None),
    ("Nobody was hurt.", 0, 0),  # DOMAIN.md (updated): "no one was hurt", "no injuries" are 0 and 0
    ("No one was killed.", 0, None),
    ("No U.S. or coalition troops were killed or wounded.", 0, 0),
])
def test_tolls_in_words_and_digits(sentence: str, killed: int | None, wounded: int | None) -> None:
    toll = count_casualties(sentence)
    assert (toll.killed, toll.wounded) == (killed, wounded)


def test_attackers_killed_by_guards_are_not_counted() -> None:
    toll = count_casualties("Guards opened fire and two gunmen were killed.")
    assert toll.killed is None


def test_first_figure_is_marked_superseded() -> None:
    assert count_casualties("He first said three people were injured.").superseded


def test_numbers_of_rockets_are_not_people() -> None:
    assert count_casualties("Three rockets were fired and 14 drones launched.") == count_casualties("")


@pytest.mark.parametrize(("sentence", "killed", "wounded"), [
    ("bringing the number of wounded to three", None, 3),
    ("the number of dead rose to 4", 4, None),
    ("raising the death toll to five", 5, None),
])
def test_running_totals(sentence: str, killed: int | None, wounded: int | None) -> None:
    toll = count_casualties(sentence)
    assert (toll.killed, toll.wounded) == (killed, wounded)


@pytest.mark.parametrize("sentence", ["There were no casualties.", "without causing human losses",
                                      "The attack caused no casualties."])
def test_no_casualties_is_zero_killed_and_wounded(sentence: str) -> None:
    toll = count_casualties(sentence)
    assert (toll.killed, toll.wounded) == (0, 0)


@pytest.mark.parametrize("sentence", [
    "Security forces kill two men preparing rocket attack on Victory base",
    "a force clashed with the two men west of the airport, killing both of them",
])
def test_attackers_killed_by_defenders_in_active_voice(sentence: str) -> None:
    assert count_casualties(sentence).killed is None


def test_number_risen_to_after_a_long_aside() -> None:
    toll = count_casualties("The number of U.S. troops wounded in Sunday's drone attack on Tower 22, a logistics "
                            "outpost in Jordan, has risen to more than 40, Pentagon spokespeople said.")
    assert toll.wounded == 40
