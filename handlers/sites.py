"""/site, /sites and site autocomplete: the site a person means, whatever the spelling.

A query is compared word by word with each of a site's names (its name, its aliases and its id): every query
word finds its closest word of the name, and the words that tell sites apart count four times as much as the
ones that say what kind of place it is ("base", "airport", "U.S."). So "erbil airprot" is Erbil airport and
not the U.S. consulate in Erbil, and "london airport" is nothing at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import pairwise

from rapidfuzz.distance import Indel

from bot.errors import CommandError
from bot.matcher.sites import ARTICLES, GENERIC_NAME_WORDS
from bot.matcher.tokens import fold, sound_key, spelling, tokenize
from bot.models import Site
from bot.store.base import Store
from handlers.answers import Answer, clip, incident_line, paginate, safe_text
from handlers.charts import chart_window, weekly_chart

# Calibrated on config.yaml's 26 sites (tests/handlers/test_sites.py): misspellings and transliterations score
# 0.80-1.0 ("ayn al assad" 0.98, "erbil airprot" 0.93, "irbil airport" 0.84, one wrong letter of five as in
# "udaid" 0.80); places that are not tracked stay under 0.75 ("bagram" 0.73 against Basra, "paris" 0.67,
# "kabul airport" 0.56).
MATCH_SCORE = 0.78
HINT_SCORE = 0.6  # worth a "did you mean"; "zzzz qqqq" scores 0.5 against K-1 and Q-West
# Two sites this close are both meant as far as the words tell ("baghdad": the airport or the embassy?).
AMBIGUOUS_MARGIN = 0.05
# Kind-of-place and whose-place words: they tell few sites apart, so they weigh a quarter of a name word.
WEAK_WEIGHT = 0.25
_WEAK_WORDS = frozenset(spelling(word) for word in (
    "base", "airbase", "air", "airport", "airfield", "field", "oilfield", "gasfield", "oil", "gas", "plant",
    "facility", "complex", "refinery", "installation", "garrison", "outpost", "camp", "station", "zone", "landing",
    "embassy", "consulate", "mission", "general", "military", "international", "joint", "processing", "us",
    "usa", "american", "united", "states", "uk", "british", "of", "in", "and", *GENERIC_NAME_WORDS))
# Short words are one letter from many others: only the same word or a vowel swap (Ain/Ayn) counts, a little less.
VOWEL_SWAP_SIMILARITY = 0.9
AUTOCOMPLETE_LIMIT = 25  # Discord shows at most 25 choices
CHOICE_NAME_LIMIT = 100  # and cuts a choice's name at 100 characters
LAST_INCIDENTS = 10


@dataclass(frozen=True, slots=True)
class _NameWords:
    site_index: int
    words: tuple[str, ...]  # spelled words of one name, and each pair of neighbours joined (K-1 is K1)


def _words(text: str) -> list[str]:
    return [spelling(token.norm) for token in tokenize(text) if token.norm not in ARTICLES]


@lru_cache(maxsize=16)
def _name_index(sites: tuple[Site, ...]) -> tuple[_NameWords, ...]:
    index = []
    for site_index, site in enumerate(sites):
        for name in (site.name, *site.aliases, site.id.replace("-", " ")):
            words = _words(name)
            joined = [a + b for a, b in pairwise(words)]
            index.append(_NameWords(site_index, (*words, *joined)))
    return tuple(index)


def _word_similarity(written: str, expected: str, *, prefix: bool) -> float:
    if written == expected or (prefix and expected.startswith(written)):
        return 1.0
    if len(written) < 4 or len(expected) < 4:
        same_sound = len(written) == len(expected) and sound_key(written) == sound_key(expected)
        return VOWEL_SWAP_SIMILARITY if same_sound else 0.0
    return Indel.normalized_similarity(written, expected)


def _name_score(query: Sequence[str], name: Sequence[str], *, prefix_last: bool) -> float:
    weights = [WEAK_WEIGHT if word in _WEAK_WORDS else 1.0 for word in query]
    if all(word in _WEAK_WORDS for word in query):  # "air base": nothing else to go on
        weights = [1.0] * len(query)
    total = 0.0
    for position, (word, weight) in enumerate(zip(query, weights, strict=True)):
        prefix = prefix_last and position == len(query) - 1
        total += weight * max(_word_similarity(word, candidate, prefix=prefix) for candidate in name)
    return total / sum(weights)


def rank_sites(sites: Sequence[Site], query: str, *, prefix_last: bool = False) -> list[tuple[float, Site]]:
    """Every site with its best score (0-1) over its names, best first. With `prefix_last` the query's last
    word may be the start of a word (it is still being typed)."""
    words = _words(query)
    if not words:
        return []
    ordered = tuple(sites)
    best: dict[int, float] = {}
    for name in _name_index(ordered):
        score = _name_score(words, name.words, prefix_last=prefix_last)
        best[name.site_index] = max(best.get(name.site_index, 0.0), score)
    return sorted(((score, ordered[i]) for i, score in best.items()), key=lambda item: (-item[0], item[1].name))


def _names(site: Site) -> tuple[str, ...]:
    return (site.name, *site.aliases)


def find_site(sites: Sequence[Site], query: str) -> Site:
    """The tracked site a person means: its id, its name, an alias, or a misspelling of one."""
    query = query.strip()
    if not fold(query):
        raise CommandError("Name a site: /sites lists them all.")
    for site in sites:
        if query.lower() == site.id or any(fold(query) == fold(name) for name in _names(site)):
            return site
    ranked = rank_sites(sites, query)
    shown = safe_text(query, 100)
    if ranked and ranked[0][0] >= MATCH_SCORE:
        best_score, best = ranked[0]
        rivals = [site for score, site in ranked[1:6] if score >= best_score - AMBIGUOUS_MARGIN]
        if rivals:
            options = ", ".join(f"{safe_text(s.name)} (`{s.id}`)" for s in (best, *rivals))
            raise CommandError(f"“{shown}” could be {options}: which one?")
        return best
    hints = [safe_text(site.name) for score, site in ranked[:3] if score >= HINT_SCORE]
    raise CommandError(f"No tracked site matches “{shown}”."
                       + (f" Did you mean {' or '.join(hints)}?" if hints else " /sites lists them all."))


def autocomplete(sites: Sequence[Site], current: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[tuple[str, str]]:
    """(name, id) choices for what has been typed so far: names that start with it, then close spellings."""
    alphabetical = sorted(sites, key=lambda s: fold(s.name))
    typed = fold(current)
    if not typed:
        return [(clip(s.name, CHOICE_NAME_LIMIT), s.id) for s in alphabetical[:limit]]
    starting = [s for s in alphabetical
                if fold(s.id).startswith(typed) or any(fold(name).startswith(typed) for name in _names(s))]
    close = [site for score, site in rank_sites(sites, current, prefix_last=True)
             if score >= HINT_SCORE and site not in starting]
    return [(clip(s.name, CHOICE_NAME_LIMIT), s.id) for s in [*starting, *close][:limit]]


def site(store: Store, sites: Sequence[Site], query: str, *, today: date) -> Answer:
    """A tracked site: where it is, its last incidents and a chart of incidents per week."""
    found = find_site(sites, query)
    lines = [f"**Id:** `{found.id}`",
             f"**Country:** {found.country}",
             f"**Coordinates:** {_coordinates(found.lat, found.lon)} "
             f"([map](https://www.openstreetmap.org/?mlat={found.lat}&mlon={found.lon}#map=12/{found.lat}/{found.lon}))",
             f"**Also called:** {', '.join(safe_text(a) for a in found.aliases) or 'no other names'}",
             f"**Time zone:** {found.timezone} (incident dates are local days there)", ""]
    last = store.recent_incidents(date.min, site_id=found.id, limit=LAST_INCIDENTS)
    days = store.incident_days(found.id)
    if last:
        lines.append("**Last incidents**")
        lines += [incident_line(stored.id, stored.facts) for stored in last]
        if len(days) > len(last):
            lines.append(f"(the last {len(last)} of {len(days)} dated incidents: /recent lists more)")
    else:
        lines.append("No incidents recorded.")
    chart = None
    if days:
        first_week, weeks = chart_window(days, today=today)
        chart = (f"{found.id}-weekly.png", weekly_chart(f"{found.name}: incidents per week", days, today=today))
        lines += ["", f"Below: incidents per week for the {weeks} weeks from {first_week.isoformat()}."]
    else:
        lines += ["", "No dated incidents, so no chart."]
    return Answer(safe_text(found.name, 120), paginate(lines, per_page=25), file=chart)


def list_sites(sites: Sequence[Site]) -> Answer:
    """Every tracked site, by country."""
    ordered = sorted(sites, key=lambda s: (s.country, fold(s.name)))
    lines = [f"{s.country} · {safe_text(s.name)} · `{s.id}`" for s in ordered]
    return Answer(f"{len(lines)} tracked sites", paginate(lines, per_page=30) if lines
                  else ("No sites are tracked: /track add adds one.",))


def _coordinates(lat: float, lon: float) -> str:
    return f"{abs(lat):.4f}°{'N' if lat >= 0 else 'S'}, {abs(lon):.4f}°{'E' if lon >= 0 else 'W'}"
