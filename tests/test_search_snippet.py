"""The PostgreSQL store's search snippets read as SQLite's snippet() does (no server needed)."""

from __future__ import annotations

import re

from bot.store.postgres import snippet


def test_the_stretch_with_the_terms_is_shown_marked_and_cut_with_ellipses() -> None:
    text = " ".join(f"w{n}" for n in range(40)) + " Rockets hit the base near Al-Qaïm, officials said. " + \
        " ".join(f"z{n}" for n in range(30))
    shown = snippet(text, ["rock", "qaim"])
    assert shown.startswith("…w38 w39 **Rockets** hit") and shown.endswith("…")
    assert "Al-**Qaïm**" in shown and len(re.findall(r"\w+", shown)) == 16  # sixteen words, as SQLite's


def test_a_short_text_is_shown_whole_with_its_punctuation() -> None:
    assert snippet("Short text about rockets.", ["rock"]) == "Short text about **rockets**."
    assert snippet("", ["rock"]) == ""
