"""Word tokens with the normalised forms that name matching compares."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Dotted abbreviations (U.S., U.A.E.) are one token; hyphens and apostrophes split words (al-Asad -> al, Asad).
_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W_]+", re.UNICODE)
# The same tokens in ASCII text, found ~40% faster without Unicode classes.
_ASCII_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Za-z0-9]+", re.ASCII)
# Part of every dotted abbreviation ("U.S.", "U.A.E."): text without one has only runs of letters and digits as
# tokens. Opening on a literal, it is found by a fast scan for ".", not tried at every position (8 us -> 1 us).
_DOTTED_PAIR = re.compile(r"\.[A-Za-z]\.", re.ASCII)
_ASCII_SEPARATORS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})
_VOWELS = frozenset("aeiouy")
# Spellings that transliterations swap freely: Conoco/Koniko, Qayyarah/Kayara, Khor/Kor, Baghdad/Bagdad; the jim
# written "dj" (French) or "dzh" (Russian): Madjnun/Madzhnun/Majnoon.
_LETTER_SWAPS = (("dzh", "j"), ("dj", "j"), ("ph", "f"), ("kh", "k"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("q", "k"),
                 ("c", "k"), ("ou", "u"), ("ee", "i"), ("oo", "u"))


# Not frozen: a frozen dataclass sets each field through object.__setattr__, and tokens are made by the
# hundred per story (a third of a site-naming story's time went to building them). Nothing changes one.
@dataclass(slots=True)
class Token:
    text: str  # as written
    norm: str  # lower-case ASCII without diacritics or dots: "U.S." -> "us", "Ḥarīr" -> "harir"
    start: int
    end: int

    @property
    def is_capitalised(self) -> bool:
        return self.text[:1].isupper()


@lru_cache(maxsize=65536)  # per word, bounded: news repeats its words
def fold(word: str) -> str:
    """Lower-case ASCII: diacritics and Arabic transliteration marks dropped."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum())).lower()


def tokenize(text: str) -> list[Token]:
    if text.isascii():  # most text: a token's norm is its lower case without the dots of an abbreviation
        lower = text.lower()
        return [Token(text[start:end], lower[start:end].replace(".", ""), start, end)
                for start, end in map(re.Match.span, _ASCII_TOKEN.finditer(text))]
    return tokenize_folding(text)


def tokenize_folding(text: str) -> list[Token]:
    """tokenize, folding every word (tokenize takes this path for text that is not all ASCII)."""
    tokens = []
    for match in _TOKEN.finditer(text):
        norm = fold(match.group())
        if norm:
            tokens.append(Token(match.group(), norm, match.start(), match.end()))
    return tokens


def words(text: str) -> tuple[list[str], list[str]]:
    """Every token as written and its norm, as tokenize finds them, without building Token objects: the first
    look and the dedupe fingerprint read every story, and most name no site. An ASCII token's norm is its
    lower case without the dots of an abbreviation; tokens hold no space, so all are folded in one string."""
    if text.isascii():
        if not _DOTTED_PAIR.search(text):
            # No dotted abbreviation: the tokens are the runs of letters and digits, split apart in C (~5x
            # faster than the regex).
            spaced = text.translate(_ASCII_SEPARATORS)
            return spaced.split(), spaced.lower().split()
        written = _ASCII_TOKEN.findall(text)
        return written, " ".join(written).lower().replace(".", "").split(" ") if written else []
    written = _TOKEN.findall(text)
    pairs = [(word, norm) for word in written if (norm := fold(word))]
    return [word for word, _ in pairs], [norm for _, norm in pairs]


@lru_cache(maxsize=65536)
def spelling(norm: str) -> str:
    """A word's spelling with transliteration noise removed: swaps applied, doubled letters collapsed,
    a final -ah/-eh reduced (Qayyarah/Qayara)."""
    word = norm
    for old, new in _LETTER_SWAPS:
        word = word.replace(old, new)
    word = re.sub(r"(.)\1+", r"\1", word)
    if len(word) > 3 and word.endswith("h") and word[-2] in _VOWELS:
        word = word[:-1]
    return word


@lru_cache(maxsize=65536)
def sound_key(norm: str) -> str:
    """A coarse key that most transliterations of one name share: Ain/Ayn/Ein -> "an", Erbil/Irbil/Arbil ->
    "arbl", Asad/Assad -> "asd". Candidates sharing a key are then checked with rapidfuzz."""
    word = spelling(norm)
    if not word:
        return ""
    if word.isdigit():
        return word
    head = "a" if word[0] in _VOWELS else word[0]
    tail = "".join(c for c in word[1:] if c not in _VOWELS)
    return re.sub(r"(.)\1+", r"\1", head + tail)
