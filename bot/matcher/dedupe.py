"""Near-duplicate stories: the same wire story republished, trimmed, retitled, updated or machine-spun.

Copies keep the order of the original's words even when a spinner swaps a third of them, so the longest
common subsequence (rapidfuzz LCSseq) of two stories' *distinctive* words says "copy"; two outlets writing
up one attack share names, numbers and the vocabulary of attacks, but not their own prose in order.

What is not distinctive is dropped before comparing: function words, the vocabulary every attack report and
every news brief uses ("rockets", "struck", "coalition", "officials", "said"), days, months and numbers, and
the names of the sites the stories are about. Without that, "Ain al-Asad air base Monday coalition" was
more than half of a short attack report, and a visit story naming the base swallowed the attack (issue 9).
The vocabulary is a fixed table rather than frequencies counted over recent stories, so that whether one
story copies another never depends on which other stories arrived first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import filterfalse, islice

from rapidfuzz.distance import LCSseq

from bot.matcher.tokens import tokenize
from bot.models import Site, Story

# Words every story shares; they say nothing about who copied whom.
_FUNCTION_WORDS = frozenset("""
a an the of in on at to and or but by for with from into near as that this these those it its is was were are
be been has have had he she they their them his her we our you i not no said says told say according also
after before over under while when where which who whom whose than then there here up down out about
""".split())
# Words that any report of an attack, or any brief about a base, uses in about the same order: two
# independent reports of one attack share them, so they cannot tell a copy from an independent report.
_GENERIC_WORDS = frozenset("""
attack attacks attacked attacking strike strikes struck striking hit hits hitting target targeted targeting
targets fired fire firing launched launch landed land fell fall exploded explosion explosions blast
rocket rockets missile missiles mortar mortars drone drones uav uavs shell shells shelling bomb bombs ied
airstrike airstrikes artillery gunfire katyusha ballistic cruise projectile projectiles
killed wounded injured injuries casualties dead died hurt damage damaged losses
base bases air airport airfield field fields oil gas embassy consulate compound camp garrison facility plant
military forces troops soldiers personnel service members army us american iraqi syrian coalition security
official officials spokesman spokesperson statement source sources ministry government group militia
militias iran iranian backed report reported reports reporting news agency
monday tuesday wednesday thursday friday saturday sunday today yesterday tonight night morning evening
afternoon early late overnight week weeks day days hour hours
january february march april may june july august september october november december
one two three four five six seven eight nine ten eleven twelve first second third least more
iraq syria jordan baghdad erbil western northern southern eastern province region city
assault assaults stated officers troopers authorities teams injures kills wounding killing
""".split())  # the last line: what spinners swap those words for ("assault", "stated", "officers")
# Article spinners and machine translation swap words from a thesaurus ("said" -> "stated", "workers" ->
# "employees", "war" -> "battle"): each group is compared as one word, so a spun copy keeps its order of
# words while an independent report, written in its own order, gains nothing from it.
_SYNONYM_GROUPS = """
said stated declared announced added | began started commenced | war battle conflict fighting combat
raise raised increase increased rise rose | keep maintain preserve | area space zone territory region
groups teams factions | operating working | respond reply retaliate | government authorities administration
targeted focused aimed | several number various many numerous | times instances occasions | more greater
middle center centre | responsibility accountability duty | security safety | province governorate
workers employees staff | production manufacturing output | causing inflicting | power energy electricity
local native | blaze fire hearth | neighbourhoods neighborhoods areas districts | cars automobiles vehicles
witnesses eyewitnesses | suspended halted stopped | nearby close neighbouring near | used utilized employed
help assist support supports helps | quick immediate | latest newest recent | including together | house home
kill slay | troops troopers | officials officers | minor small slight light lightly | claim claimed
statement communique | evacuated moved flown | hospital clinic | injuries injured wounds | serious severe grave
bomber attacker assailant | gunmen armed | checking inspecting examining | papers documents | helped collaborated
adopted claimed | flocking gather gathering crowding | continue pursue | confirmed acknowledged
""".strip()
_SYNONYMS = {word: group.split()[0] for group in _SYNONYM_GROUPS.replace("\n", " | ").split("|")
             for word in group.split()}
FINGERPRINT_WORDS = 600  # enough for any lead, bounded so a 10,000-word page costs the same as a story
# Share of the shorter story's distinctive words found, in order, in the longer one. Measured by
# scripts/dedupe_scores.py on the 308 labelled pairs of tests/fixtures/dedupe_pairs: copies (verbatim,
# trimmed, retitled, updated, spun, translated, excerpted) score 0.50-1.00, independent reports of one attack
# 0.00-0.42 and unrelated stories about one site 0.00-0.41; the threshold sits between the two.
COPY_THRESHOLD = 0.46
# A copy shares at least this many distinctive words in order: two templated briefs ("Rockets hit X on
# Tuesday, no casualties") share almost nothing distinctive, and are never taken for copies of each other.
MIN_SHARED_WORDS = 6
# Below this many distinctive words a short item (a one-line brief) could be contained by chance in a long
# report, so the shorter text must also be at least this share of the longer one: both ways, not one.
SHORT_TEXT_WORDS = 30
# Two briefs about one attack share about this much of their words in order through the vocabulary of
# attack reports alone (labelled independent briefs: 0.05-0.59; spun, cut and verbatim copies: 0.68-1.0);
# only what goes beyond it counts, so a brief needs 0.65 of its words in order to reach COPY_THRESHOLD.
BRIEF_SHARED_BY_CHANCE = 0.3
SHORT_TEXT_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Candidate:
    story_id: int
    key: str
    url: str
    words: tuple[str, ...]


def fingerprint(story: Story) -> tuple[str, ...]:
    """The story's content words in order, folded (case, diacritics, punctuation gone)."""
    return fingerprint_of(t.norm for t in tokenize(f"{story.title}\n{story.text}"))


def fingerprint_of(norms: Iterable[str]) -> tuple[str, ...]:
    """The fingerprint of a story's folded words (tokens.words or tokenize of its title and text)."""
    return tuple(islice(filterfalse(_FUNCTION_WORDS.__contains__, norms), FINGERPRINT_WORDS))


def site_vocabulary(sites: Iterable[Site]) -> frozenset[str]:
    """The folded words of these sites' names and aliases: every report about a site repeats them."""
    return frozenset(t.norm for site in sites for name in (site.name, *site.aliases) for t in tokenize(name))


def distinctive(words: tuple[str, ...], site_words: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The words that can show copying: no generic vocabulary, number or site name."""
    kept = (_singular(w) for w in words if w not in _GENERIC_WORDS and w not in site_words and not w.isdigit())
    return tuple(_SYNONYMS.get(w, w) for w in kept if w not in _GENERIC_WORDS)


def _singular(word: str) -> str:
    """A plural's singular, crudely: a spinner or translator swaps "bombers" for "attacker" as often as not."""
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")) else word


def is_copy(first: tuple[str, ...], second: tuple[str, ...], site_words: frozenset[str] = frozenset()) -> bool:
    """Whether two fingerprints are one story and its copy, judged on their distinctive words."""
    return copy_score(first, second, site_words) >= COPY_THRESHOLD


def copy_score(first: tuple[str, ...], second: tuple[str, ...], site_words: frozenset[str] = frozenset()) -> float:
    """Share of the shorter text's distinctive words found in order in the longer one; 0 when they share
    too few of them. A one-line brief is nearly all generic words, so it is judged on all its words against
    a text of about its length (the pipeline then refuses a "copy" that reports an attack its original does
    not: two templated briefs about two days read alike)."""
    return _copy_score(first, distinctive(first, site_words), second, site_words)


def _copy_score(first: tuple[str, ...], first_distinctive: tuple[str, ...], second: tuple[str, ...],
                site_words: frozenset[str]) -> float:
    """copy_score, given the first text's distinctive words (a story is scored against each candidate)."""
    short, long = sorted((first_distinctive, distinctive(second, site_words)), key=len)
    if len(short) < MIN_SHARED_WORDS:
        # Both ways: a brief is a copy of a text of about its length, or of the lead of a longer one (a
        # trimmed copy keeps the title and first sentences), never of words scattered through a long story.
        short, long = sorted((first, second), key=len)
        if not short:
            return 0.0
        lead = long[:max(len(short), round(len(short) / SHORT_TEXT_SHARE))]
        share = LCSseq.similarity(short, lead) / len(short)
        return max(0.0, (share - BRIEF_SHARED_BY_CHANCE) / (1 - BRIEF_SHARED_BY_CHANCE))
    shared = _shared_in_order(short, long)
    return shared / len(short) if shared >= MIN_SHARED_WORDS else 0.0


def _shared_in_order(short: tuple[str, ...], long: tuple[str, ...]) -> int:
    if len(short) < SHORT_TEXT_WORDS and len(short) < SHORT_TEXT_SHARE * len(long):
        return _best_window_overlap(short, long)
    return int(LCSseq.similarity(short, long))


def _best_window_overlap(short: tuple[str, ...], long: tuple[str, ...]) -> int:
    """The most of a short text found in order within one stretch of a long one twice its length. A trimmed
    copy or an excerpt is one stretch of its original; a brief whose words merely all occur somewhere in a
    long story is not."""
    width = 2 * len(short)
    step = max(1, len(short) // 2)
    return max(LCSseq.similarity(short, long[start:start + width])
               for start in range(0, max(1, len(long) - len(short) + 1), step))


def ranked_originals(story: Story, words: tuple[str, ...], candidates: Iterable[Candidate],
                     site_words: frozenset[str] = frozenset()) -> list[Candidate]:
    """The earlier stories this one may copy or update, best first: an earlier version of the same entry
    (same link or guid) first, then copies by score."""
    scored: list[tuple[float, Candidate]] = []
    own: tuple[str, ...] | None = None  # the story's distinctive words, made for the first candidate
    for candidate in candidates:
        if candidate.key == story.key or (story.url and candidate.url == story.url):
            return [candidate]
        own = distinctive(words, site_words) if own is None else own
        score = _copy_score(words, own, candidate.words, site_words)
        if score >= COPY_THRESHOLD:
            scored.append((score, candidate))
    scored.sort(key=lambda item: (-item[0], item[1].story_id))
    return [candidate for _, candidate in scored]


def find_original(story: Story, words: tuple[str, ...], candidates: Iterable[Candidate],
                  site_words: frozenset[str] = frozenset()) -> Candidate | None:
    """The earlier story this one copies (or updates: same link or guid), best match first."""
    ranked = ranked_originals(story, words, candidates, site_words)
    return ranked[0] if ranked else None


def pair_score(first: Story, second: Story, site_words: frozenset[str] = frozenset()) -> float:
    """How much of a copy of each other two stories look, 0..1 (scripts/dedupe_scores.py prints it)."""
    return copy_score(fingerprint(first), fingerprint(second), site_words)
