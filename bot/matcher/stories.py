"""Feed entry text -> clean prose: HTML stripped, mojibake repaired, broken line breaks mended, sentences."""

from __future__ import annotations

import re
import warnings

import ftfy
from bs4 import BeautifulSoup, CData, MarkupResemblesLocatorWarning, NavigableString, PageElement, Tag

from bot.matcher.prefilter import prefiltered

warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)

# Tags after which a reader sees a new paragraph; every other tag is inline and joins its text.
_BLOCK_TAGS = ("p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
               "tr", "table", "section", "article", "figure", "figcaption", "header", "footer", "hr")
_DROP_TAGS = ("script", "style", "noscript", "iframe", "form", "button", "svg")

# Abbreviations that end with a period but rarely end a sentence; republished copies break lines after them.
ABBREVIATIONS = frozenset({
    "u.s", "u.n", "u.k", "u.a.e", "e.u", "col", "gen", "lt", "maj", "sgt", "capt", "cpl", "pvt", "adm",
    "brig", "cmdr", "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "st", "no", "vs", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "est", "inc", "co",
    "corp", "ltd", "jr", "sr", "dept", "mt", "ft", "a.m", "p.m", "i.e", "e.g", "etc", "d.c",
})
# Words that usually open a sentence: after an abbreviation at a line end they mark a real break.
_SENTENCE_OPENERS = frozenset({
    "the", "a", "an", "in", "on", "at", "he", "she", "it", "they", "we", "i", "but", "and", "this", "that",
    "there", "these", "those", "no", "one", "two", "three", "iraqi", "meanwhile", "however", "earlier",
    "later", "officials", "security", "according", "its", "his", "their", "since", "after", "before",
})
# A line ending in one of these words cannot end a sentence.
_DANGLING_WORDS = frozenset({
    "the", "a", "an", "of", "in", "on", "at", "to", "and", "or", "by", "for", "with", "from", "into", "near",
    "as", "that", "its", "their", "his", "her", "was", "were", "is", "are", "said", "told", "than",
})
_TERMINAL = ".!?:;\"'”’)]…"
# Paragraphs that are not the story's own text: photo captions (their dates are the photo's), headlines of
# linked stories ("Also read: ..."), and the page clock a scraper kept ("Tuesday, January 18, 2022").
_CAPTION = prefiltered(r"\((?:[\w.]+\s+){0,3}photo\b[^)]*\)|\bphoto(?:\s+credit)?\s*:|\b(?:file|archive)\s+"
                      r"(?:photo|picture|image)\b|\bphoto\s+(?:by|courtesy)\b|\b(?:image\s+)?credit\s*:|©", re.I)
_LINKED_HEADLINE = re.compile(r"^(?:also\s+read|read\s+also|read\s+more|read\s+next|read|related(?:\s+(?:stories|"
                              r"posts|articles|news))?|see\s+also|more\s+on\s+this|recommended)\s*[:|»>]", re.I)
_PAGE_CLOCK = re.compile(r"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+[a-z]+\.?|"
                         r"[a-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?),?\s+\d{4}(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?\s*"
                         r"(?:[ap]\.?m\.?|gmt|utc)?)?$", re.I)
CAPTION_MAX = 300  # a caption is short; a long paragraph that credits a photo is still the story
_TEXT_TYPES = (NavigableString, CData)  # what BeautifulSoup's get_text() reads
_BLOCK_END = NavigableString("\n")
# Longer than any abbreviation or run of initials: the end of a longer word is all a line check reads.
_LONGEST_WORD = 64
_BLANK_LINES = re.compile(r"\n(?:[ \t\f\v\r]*+\n)+")
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")
_SPACES = re.compile(r"[ \t\f\v]+")


def clean_text(raw: str) -> str:
    """Turn a feed entry's HTML or text body into plain paragraphs separated by one blank line."""
    text = _strip_html(raw) if "<" in raw or "&" in raw else raw
    text = repair_text(_BLANK_LINES.sub("\n", text))
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() if _has_spaces_to_collapse(line) else line.strip()
             for line in text.split("\n")]
    paragraphs = _mend_lines([line for line in lines if line])
    if len(paragraphs) == 1:  # a one-paragraph brief that ends in its photo credit: its sentences are the story
        paragraphs = [_before_caption(paragraphs[0])]
    else:  # a paragraph that tells who said it before its credit is the story's, as some outlets print every one
        paragraphs = [_before_caption(p) if _reported_before_credit(p) else p for p in paragraphs]
    return "\n\n".join(p for p in paragraphs if p and not is_apart_from_story(p))


def repair_text(text: str) -> str:
    """Mojibake, control characters and stray entities repaired (ftfy). ftfy costs ~50 µs a line, and blank
    lines are dropped by the caller anyway: 20,000 nested <div> leave 40,000. Printable ASCII without an
    entity has nothing to repair: most feed text is that, and skips ftfy."""
    if not may_need_repair(text):
        return text
    return ftfy.fix_text(text, uncurl_quotes=False)


def may_need_repair(text: str) -> bool:
    """What ftfy may change: anything but printable ASCII, tabs and newlines (it turns \r into \n), or an
    entity. Asked with str methods (~1 us for a story; a regex for the same took ~7)."""
    return not text.isascii() or "&" in text or not text.replace("\t", " ").replace("\n", " ").isprintable()


def _has_spaces_to_collapse(line: str) -> bool:
    """Single spaces are left as they are: a line without more is not rebuilt."""
    return "  " in line or "\t" in line or "\f" in line or "\v" in line


def is_apart_from_story(paragraph: str) -> bool:
    """A caption, a linked headline or a page clock: text on the page that tells nothing of this story."""
    return bool(_LINKED_HEADLINE.match(paragraph) or _PAGE_CLOCK.match(paragraph)
                or (len(paragraph) <= CAPTION_MAX and _CAPTION.search(paragraph)))


def _before_caption(paragraph: str) -> str:
    """A one-paragraph brief that ends in its photo's credit ("Drones hit the base on Monday. Photo: AFP")
    keeps its sentences: only the credit goes. In a longer story the same shape is a caption ("A helicopter
    over the base in May 2021. Photo: ..."), dropped whole by is_apart_from_story."""
    found = _CAPTION.search(paragraph) if len(paragraph) <= CAPTION_MAX else None
    if found is None:
        return paragraph
    ends = [m.end() for m in re.finditer(r"[.!?][\"'”’)]*\s", paragraph[:found.start()])]
    return paragraph[:ends[-1]].strip() if ends else paragraph


# An attribution that ends a sentence: "..., an Iraqi military statement said." A caption shows, it does not quote.
_ATTRIBUTED = re.compile(r"\b(?:said|says|told|reported|announced|confirmed)\b[^.!?]{0,40}[.!?][\"'”’)]*\s*$", re.I)


def _reported_before_credit(paragraph: str) -> bool:
    found = _CAPTION.search(paragraph) if len(paragraph) <= CAPTION_MAX else None
    return found is not None and bool(_ATTRIBUTED.search(paragraph, 0, found.start()))


def clean_title(raw: str) -> str:
    return " ".join(clean_text(raw).split())


def _strip_html(raw: str) -> str:
    """The document's text, a line break around each block tag, without scripts and the like. One walk over
    the tree: editing the tree in place costs a walk per tag, which 20,000 nested <div> make quadratic."""
    parts: list[str] = []
    # A stack of (children, next index) instead of recursion: nesting depth is the feed's to choose.
    stack: list[tuple[list[PageElement], int]] = [(BeautifulSoup(raw, "lxml").contents, 0)]
    while stack:
        children, index = stack.pop()
        if index == len(children):
            continue
        child = children[index]
        stack.append((children, index + 1))
        if isinstance(child, Tag):
            if child.name in _DROP_TAGS:
                continue
            if child.name in _BLOCK_TAGS:
                parts.append("\n")
                stack.append(([_BLOCK_END], 0))
            stack.append((child.contents, 0))
        elif type(child) in _TEXT_TYPES:  # not comments, doctypes or processing instructions
            parts.append(str(child))
    return "".join(parts)


def _last_word(line: str) -> str:
    """The line's last word, looked for from the end: splitting the whole line each time is quadratic when
    many broken lines are joined into one. A word longer than any abbreviation is cut to its end."""
    end = len(line)
    while end and line[end - 1].isspace():
        end -= 1
    start = end
    while start and end - start < _LONGEST_WORD and not line[start - 1].isspace():
        start -= 1
    return line[start:end]


def _ends_with_abbreviation(line: str) -> bool:
    return _is_abbreviation(_last_word(line))


def _is_abbreviation(word: str) -> bool:
    if not word.endswith("."):
        return False
    stem = word.rstrip(".").lower().lstrip("(\"'“")
    return stem in ABBREVIATIONS or bool(_INITIALS.fullmatch(stem))


def should_join(previous: str, following: str) -> bool:
    """Is the break between these two lines a broken line break in mid-sentence?"""
    first = following[0]
    if first.islower() or first in ",;:)]–—-%":
        return True
    if _ends_with_abbreviation(previous):
        opener = re.sub(r"[^\w]", "", following.split()[0]).lower()
        return opener not in _SENTENCE_OPENERS
    if previous[-1] in _TERMINAL:
        return False
    return _last_word(previous).lower().strip(",") in _DANGLING_WORDS


def _mend_lines(lines: list[str]) -> list[str]:
    # Each mended line is kept as a list of pieces and joined once: joining as it grows is quadratic.
    mended: list[list[str]] = []
    for line in lines:
        previous = _line_end(mended[-1]) if mended else ""
        if mended and should_join(previous, line):
            pieces = mended[-1]
            if line[0] in ",;:" and previous.endswith(".") and not _ends_with_abbreviation(previous):
                pieces[-1] = pieces[-1][:-1]  # "Air Force base.\n\n, injuring": the period was the break's
            if line[0] not in ",;:)]%":
                pieces.append(" ")
            pieces.append(line)
        else:
            mended.append([line])
    return ["".join(pieces) for pieces in mended]


def _line_end(pieces: list[str]) -> str:
    """The last characters of a line being mended, enough for should_join to read its last word."""
    tail: list[str] = []
    length = 0
    for piece in reversed(pieces):
        tail.append(piece)
        length += len(piece)
        if length > _LONGEST_WORD:
            break
    return "".join(reversed(tail))[-(_LONGEST_WORD + 1):]


# Not inside a run of punctuation, and possessive: a 5 MB run of periods is read once, not once per period.
# The leading lookahead only restates the group's first character, but lets the search skip to the punctuation
# (~15 -> ~9 us a story).
_SENTENCE_END = re.compile(r"(?=[.!?…])(?<![.!?…])([.!?…]++[\"'”’)\]]*+)\s++(?=[\"'“‘(\[]?[A-Z0-9])")
_FIRST_WORD = re.compile(r"\s*(\S*)")


# A name's middle initial: "Col. Myles B. Caggins III" (a capitalised name, one capital letter and its period).
_MIDDLE_INITIAL = re.compile(r"\b[A-Z][a-z]+\s[A-Z]\.$")


def split_sentences(text: str) -> tuple[str, ...]:
    """Split clean text into sentences, not at `U.S.`, `Col.` or initials."""
    sentences: list[str] = []
    for paragraph in text.split("\n\n"):
        start = 0
        for match in _SENTENCE_END.finditer(paragraph):
            # Only the word before the period is read: slicing from the sentence start is quadratic when a
            # paragraph is one long run of "U.S. U.S. ...".
            if match.group(1).startswith(".") and (_is_abbreviation(
                    _word_ending_at(paragraph, start, match.start(1) + 1)) or _MIDDLE_INITIAL.search(
                    paragraph, max(start, match.start(1) - _LONGEST_WORD), match.start(1) + 1)) and \
                    not _ends_like_sentence(paragraph, match.end()):
                continue
            sentences.append(paragraph[start:match.end(1)].strip())
            start = match.end()
        tail = paragraph[start:].strip()
        if tail:
            sentences.append(tail)
    return tuple(s for s in sentences if s)


def _word_ending_at(paragraph: str, start: int, end: int) -> str:
    """The last word of paragraph[start:end] (which ends in a word), at most _LONGEST_WORD long: rsplit reads
    whitespace as isspace() does, in C."""
    window = paragraph[max(start, end - _LONGEST_WORD):end]
    return "" if not window or window[-1].isspace() else window.rsplit(None, 1)[-1]


def _ends_like_sentence(paragraph: str, next_start: int) -> bool:
    """After an abbreviation, a sentence opener such as "The" still marks a real sentence end."""
    match = _FIRST_WORD.match(paragraph, next_start)
    following = match.group(1) if match else ""
    return bool(following) and following.lower().strip("\"'“") in _SENTENCE_OPENERS - {"no", "one", "two",
                                                                                       "three"}
