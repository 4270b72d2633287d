"""The site gazetteer: finds tracked sites in a sentence, whatever the spelling.

Every site name and alias is split into its *core* (Ain al-Asad), its *kind* words (air base) and articles.
Core words are indexed by a coarse sound key (tokens.sound_key), so a sentence costs one dictionary look-up
per word however many sites are tracked; the few candidates that share a key are confirmed with rapidfuzz.
"""

from __future__ import annotations

import gc
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter, itemgetter

from rapidfuzz import process
from rapidfuzz.distance import Indel

from bot.matcher.tokens import Token, sound_key, spelling
from bot.matcher.tokens import words as name_words
from bot.models import Site

ARTICLES = frozenset({"al", "el", "ad", "ar", "as", "at", "an", "ash", "az", "the", "a"})

# Words that say what kind of place a name is; each maps to the words a story may use for it later
# ("the base", "the airport") or next to its core ("Erbil airport", "the airport in Erbil").
_KIND_GROUPS: dict[str, frozenset[str]] = {
    "base": frozenset({"base", "airbase", "garrison", "outpost", "camp", "installation", "airfield", "facility",
                       "compound", "complex"}),
    "airport": frozenset({"airport", "airfield", "base", "airbase", "compound"}),
    "embassy": frozenset({"embassy", "compound", "mission", "chancery"}),
    "consulate": frozenset({"consulate", "compound", "mission"}),
    "field": frozenset({"field", "oilfield", "gasfield", "plant", "facility", "installation", "site"}),
    "facility": frozenset({"facility", "plant", "installation", "complex", "refinery"}),
}
_KIND_OF_WORD = {
    "base": "base", "airbase": "base", "garrison": "base", "outpost": "base", "camp": "base",
    "installation": "base", "zone": "base", "station": "base", "tower": "base",
    "airport": "airport", "airfield": "airport",
    "embassy": "embassy", "consulate": "consulate",
    "field": "field", "oilfield": "field", "gasfield": "field",
    "facility": "facility", "plant": "facility", "refinery": "facility", "complex": "facility",
}
# Words that may stand right beside a core to name the site: "Erbil airport", "Camp Taji".
_KIND_NEIGHBOURS: dict[str, frozenset[str]] = {
    "base": frozenset({"base", "airbase", "garrison", "outpost", "camp", "installation", "airfield", "zone"}),
    "airport": frozenset({"airport", "airfield", "airbase"}),
    "embassy": frozenset({"embassy"}),
    "consulate": frozenset({"consulate"}),
    # "discipline": what article spinners put for "field" ("Conoco gasoline discipline")
    "field": frozenset({"field", "oilfield", "gasfield", "fields", "discipline"}),
    "facility": frozenset({"facility", "plant", "refinery", "complex"}),
}
# After a core only, these also name the site: the coalition base at a field or airport is "the Conoco
# base", "the Omar base", "Erbil air base" (before it, "a base in Erbil" could be any base in the city).
_KIND_FOLLOWERS: dict[str, frozenset[str]] = {
    "airport": frozenset({"base", "airbase"}),
    "field": frozenset({"base", "facility", "plant", "installation"}),
    "facility": frozenset({"base"}),
}
# Words that tell a story about an oil or gas site, beside its kind words: a bare "Abqaiq" there is the plant.
_BARE_NAME_CONTEXT = frozenset({"oil", "gas", "crude", "aramco", "barrels", "output", "production", "petroleum"})
# Before a field's core with "at", these also name its site: "the base at Conoco" (not "a base in Erbil").
_KIND_LEADERS: dict[str, frozenset[str]] = {"field": frozenset({"base"})}
# English words that a sound key can confuse with a name (in/Ain, said/Saida): never a site's core.
STOPWORDS = frozenset({
    "in", "on", "an", "and", "at", "as", "is", "it", "its", "of", "or", "to", "the", "a", "i", "we", "he",
    "she", "was", "were", "are", "be", "been", "by", "for", "from", "with", "into", "near", "said", "says",
    "one", "two", "new", "old", "not", "no", "all", "any", "also", "after", "before", "over", "under", "out",
    "up", "down", "off", "than", "that", "this", "there", "their", "they", "them", "his", "her", "who", "which",
    "while", "when", "where", "about", "air", "base", "field", "oil", "gas", "us", "our", "has", "had", "have",
    "if", "so", "but", "do", "did", "done", "may", "can", "will", "would", "could", "north", "south", "east",
    "west", "area", "told", "city", "town", "military", "forces", "troops", "attack",
})
# Words of a name that are neither core nor kind: dropped when splitting a name.
_NAME_FILLER = frozenset({"air", "military", "international", "oil", "gas", "general", "landing", "joint",
                          "processing", "of", "in", "and", "us", "regional"}) - {"us"}
_KIND_WORDS = frozenset(_KIND_OF_WORD) - {"tower"}  # "Tower 22" is a name, not a kind


def words_for_kind(word: str) -> frozenset[str]:
    """The words that refer back to a place of this kind: "installation" -> base, outpost, garrison ..."""
    kind = _KIND_OF_WORD.get(word) if word in _KIND_WORDS else None
    return _KIND_GROUPS[kind] | {word} if kind else frozenset()


# Words that may stand between a core and its kind word: "Erbil's international airport". Not "near": "a base
# near Erbil" is some base outside the city (Harir), not Erbil's airport.
_BRIDGE = frozenset({"s", "international", "air", "military", "oil", "gas", "main", "in", "of", "at",
                     "the", "us", "american", "coalition", "joint", "major", "sprawling", "nearby", "key",
                     "landing", "city", "town", "regional", "worldwide",  # spun copies: "Abha Worldwide Airport"
                     "gasoline", "petrol",  # and "Conoco gasoline discipline"
                     "occupation", "occupying"})  # a partisan outlet's "the Harir US occupation base"

NATIONALITY_GROUPS = (
    frozenset({"us", "usa", "american", "america", "united", "states"}),
    frozenset({"uk", "british", "britain"}),
    frozenset({"french", "france"}),
    frozenset({"turkish", "turkey"}),
    frozenset({"iranian", "iran"}),
    frozenset({"russian", "russia"}),
)
_NATIONALITY_OF = {word: group for group in NATIONALITY_GROUPS for word in group}
# Words that make the embassy or consulate before them another country's (or body's) though no tracked site is
# named by them: the nationality nearest the kind word is the building's ("the United Arab Emirates consulate" is
# not the U.S. one though "United" is one of the U.S.'s words).
OTHER_NATIONALITY_WORDS = frozenset({
    "emirates", "emirati", "uae", "saudi", "qatari", "kuwaiti", "bahraini", "omani", "jordanian", "egyptian",
    "syrian", "iraqi", "kurdish", "israeli", "lebanese", "german", "italian", "spanish", "dutch", "canadian",
    "australian", "japanese", "chinese", "indian", "pakistani", "afghan", "korean", "polish", "greek",
    "kingdom", "nations",  # "the United Kingdom embassy", "the United Nations compound"
})


def _nearest_nationality_is(group: frozenset[str], norms: list[str], k: int) -> bool:
    """Whether, of the three words before the kind word at k, the nationality nearest it is of this group."""
    for j in range(k - 1, max(-1, k - 4), -1):
        if norms[j] in group:
            return True
        if norms[j] in _NATIONALITY_OF or norms[j] in OTHER_NATIONALITY_WORDS:
            return False
    return False

# Before a matched name these mark a person, not a place (Bashar al-Assad, President Assad) ...
PERSON_MARKERS = frozenset({
    "bashar", "hafez", "hafiz", "maher", "asma", "rifaat", "bushra", "president", "presidents", "mr", "mrs",
    "ms", "dr", "sheikh", "shaikh", "imam", "minister", "general", "gen", "colonel", "col", "ahmed", "ahmad",
    "mohammed", "muhammad", "mohammad", "ali", "hassan", "hussein", "abu", "ibn", "bin", "umm", "mahmoud",
    "khalid", "khaled", "omar", "abdul", "abdel", "said", "saeed", "mustafa", "salah", "leader", "ruler",
    "dictator", "regime", "spokesman", "commander",
})
# ... and after it, a government or family rather than a site.
GROUP_MARKERS = frozenset({
    "government", "regime", "family", "loyalists", "loyalist", "administration", "dynasty", "clan", "era",
    "rule", "forces", "army", "troops", "supporters", "ally", "allies", "cabinet", "presidency", "s",
})

# After a name these make it a place beside the site: "the Baghdad airport road", "the base's village".
NEARBY_PLACE_WORDS = frozenset({
    "road", "roads", "highway", "street", "route", "district", "neighbourhood", "neighborhood", "village",
    "town", "city", "province", "governorate", "checkpoint", "bridge", "junction", "intersection",
    "roundabout", "area", "outskirts", "market", "hospital", "crossing",
})

# A core word is compared by spelling with this Indel similarity: 0.75 accepts Erbil/Irbil (0.8),
# Udeid/Udaid (0.8), Konoko/Koniko (0.83), and rejects Omar/Amir (0.5), Asad/Assem (0.44).
_SAME_WORD = 0.75
_SAME_CONSONANTS = 0.65


@dataclass(frozen=True, slots=True)
class NameForm:
    site_id: str
    core: tuple[str, ...]  # folded core words: ("ain", "asad")
    core_spellings: tuple[str, ...]
    kinds: frozenset[str]  # kind groups named: {"base"}
    article_before_core: bool  # "Al-Tanf": a bare "al-Tanf" in text still means the site
    has_kind: bool
    nationality_positions: tuple[int, ...]  # where the core names a country: "US" of US Embassy Baghdad


@dataclass(frozen=True, slots=True)
class Mention:
    site_id: str
    start: int  # token index within the sentence
    end: int
    strength: str  # "name": the name itself; "anaphor": "the base" referring back


# The U.S. military's name for a coalition base at a place: "Mission Support Site Conoco", at the gas field.
_MISSION_SUPPORT_SITE = ("mission", "support", "site")


def _is_mission_support_site(norms: Sequence[str], end: int) -> bool:
    """Whether the words just before `end` are "Mission Support Site"."""
    return end >= 3 and tuple(norms[end - 3:end]) == _MISSION_SUPPORT_SITE


def split_name(name: str) -> tuple[tuple[str, ...], frozenset[str], bool, bool]:
    """'Ain al-Asad Air Base' -> (("ain", "asad"), {"base"}, article_before_core, has_kind)."""
    words = name_words(name)[1]
    core: list[str] = []
    kinds: set[str] = set()
    for at in range(len(words) - 3):  # "Mission Support Site Conoco": a coalition base at Conoco
        if _is_mission_support_site(words, at + 3):
            words = words[:at] + words[at + 3:]
            kinds.add("base")
            break
    article_before_core = False
    for index, word in enumerate(words):
        kind = _KIND_OF_WORD.get(word)
        if kind and (word != "tower" or index + 1 == len(words)):
            kinds.add(kind)
        elif word in ARTICLES and index + 1 < len(words):
            article_before_core = article_before_core or not core
        elif word not in _NAME_FILLER:
            core.append(word)
    if not core:  # a name made only of kind words ("The Base"): keep it whole
        core = [w for w in words if w not in ARTICLES]
        kinds = set()
    return tuple(core), frozenset(kinds), article_before_core, bool(kinds)


class Gazetteer:
    def __init__(self, sites: Iterable[Site]) -> None:
        self.sites: dict[str, Site] = {}
        self._forms: list[NameForm] = []
        self._index: dict[str, list[tuple[NameForm, int]]] = defaultdict(list)
        self._anchor_words: dict[str, frozenset[str]] = {}
        # Embassies and consulates by the words of their core besides the nationality (the city), so that
        # "the U.S. embassy" costs a look-up per story word, not a loop over every site.
        self._by_city: dict[str, list[NameForm]] = defaultdict(list)
        # For the first look (may_name_a_site): index keys under which a form can match with no kind word
        # beside it; keys whose forms need one; keys of names of several words (checked whole where found);
        # names written joined ("Khormor", "K1").
        self._free_keys: set[str] = set()
        self._kind_keys: set[str] = set()
        self._whole_keys: set[str] = set()
        self._joined_keys: set[str] = set()
        self._joined_spellings: set[str] = set()
        self._article_spellings: set[str] = set()  # "al-Tanf" with no kind word: only its exact spelling
        self._forget_words()  # words by what they may start (_file_word), remembered across stories
        self._whole_forms_of: dict[str, dict[int, dict[str, list[tuple[NameForm, int]]]]] = {}
        self._whole_forms_by_neighbour: dict[tuple[str, int, str], list[tuple[NameForm, int]]] = {}
        self._candidates_of: dict[tuple[str, bool], list[tuple[NameForm, int]]] = {}
        self._grouped_of: dict[tuple[str, bool], _Grouped | None] = {}
        self._beside_of: dict[tuple[_Grouped, int, str], list[int]] = {}  # by a word's group, side, neighbour
        self._name_words: dict[str, frozenset[str]] = {}  # every folded word of a site's names, but articles
        # The spellings that a word of a core of several words needs beside it ("tal" of Tal Kas), and an index of
        # them made when first asked (see _besides_matched).
        self._beside_spellings: set[str] = set()
        self._beside_index: _BesideIndex | None = None
        self._cores_told_again: dict[str, frozenset[str]] = {}  # see named_again
        # Forms of a name written with "airport" (Baghdad International Airport), by which "Erbil air base" is the
        # airport but a bare "Baghdad base" is any base in the city.
        self._airport_forms: set[NameForm] = set()
        # The cyclic garbage collector is paused meanwhile, as in config loading: each collection would walk
        # every form built so far again (50,000 sites: ~2.1 s with it, ~1.5 s without).
        collecting = gc.isenabled()
        gc.disable()
        try:
            for site in sites:
                self.add(site)
        finally:
            if collecting:
                gc.enable()

    def add(self, site: Site) -> None:
        self.sites[site.id] = site
        self._forget_words()
        self._whole_forms_of.clear()
        self._whole_forms_by_neighbour.clear()
        self._candidates_of.clear()
        self._beside_index = None
        self._grouped_of.clear()
        self._beside_of.clear()
        self._name_words[site.id] = frozenset(
            norm for name in (site.name, *site.aliases) for norm in name_words(name)[1]) - ARTICLES
        anchors: set[str] = set()
        if _TOLD_AGAIN_KINDS.issuperset(split_name(site.name)[1]):
            self._cores_told_again[site.id] = frozenset(
                core[0] for core, _, _, has_kind in map(split_name, (site.name, *site.aliases))
                if len(core) == 1 and has_kind and core[0] not in _NATIONALITY_OF and core[0] not in STOPWORDS
                and core[0] not in PERSON_MARKERS)  # "Omar" alone is a man as often as al-Omar
        for name in (site.name, *site.aliases):
            core, kinds, article_before_core, has_kind = split_name(name)
            form = NameForm(site.id, core, tuple(spelling(w) for w in core), kinds, article_before_core,
                            has_kind, tuple(i for i, word in enumerate(core) if word in _NATIONALITY_OF))
            self._forms.append(form)
            if kinds == _AIRPORT_ONLY and "airport" in name_words(name)[1]:
                self._airport_forms.add(form)
            if form.nationality_positions and form.kinds:
                for position, word in enumerate(core):
                    if position not in form.nationality_positions:
                        self._by_city[word].append(form)
            position = _index_position(core)
            if position is not None:
                key = sound_key(core[position])
                self._index[key].append((form, position))
                self._file_for_first_look(form, position, key)
                if len(core) > 1 and not form.nationality_positions:  # the word _whole_forms files it by
                    self._beside_spellings.add(form.core_spellings[position - 1 if position > 0 else 1])
            if len(core) > 1:  # "Khor Mor" is also written "Khormor", "K-1" is "K1"
                key = sound_key("".join(core))
                self._index[key].append((form, -1))
                self._joined_keys.add(key)
                self._joined_spellings.add("".join(form.core_spellings))
            for kind in kinds:
                anchors |= _KIND_GROUPS[kind]
                anchors.add(kind)
        self._anchor_words[site.id] = frozenset(anchors | self._anchor_words.get(site.id, frozenset()))

    def _file_for_first_look(self, form: NameForm, position: int, key: str) -> None:
        """What a match under `key` needs (see _match_name): a lone core with a kind ("Erbil" of Erbil airport)
        or an embassy needs a kind word; a core of several words needs them all, or a kind word."""
        if form.nationality_positions or (len(form.core) == 1 and form.has_kind):
            self._kind_keys.add(key)
            if form.article_before_core:
                self._article_spellings.add(form.core_spellings[0])
        elif len(form.core) == 1:
            self._free_keys.add(key)
        else:
            self._kind_keys.add(key)
            self._whole_keys.add(key)

    def may_name_a_site(self, written: Sequence[str], norms: Sequence[str]) -> bool:
        """The first look: False only when `find` and `find_by_nationality` can find no site in any sentence
        of a story with these words (as written, and their norms: tokens.words of its title and text). It asks
        for what a match needs, story-wide: a word filed under an index key, the kind word that a bare "Erbil" or
        "Baghdad" needs (so everyday city news is rejected), or the nationality and city of an embassy."""
        distinct = set(norms)
        if len(self._seen_words) > _MAX_LOOKS:  # a bounded memory of the words seen; never mid-story
            self._forget_words()
        for norm in distinct - self._seen_words:
            self._file_word(norm)
        if not distinct.isdisjoint(self._looks[_FREE]):
            return True
        after_article = distinct & self._looks[_AFTER_ARTICLE]
        # A name's spelling after its article is rare (a word or two a story): its positions are found by
        # list.index in C, not by a Python loop over every watched position.
        if after_article and any(i and _article_written(written[i - 1], norms[i - 1])
                                 for i in _positions(norms, after_article)):
            return True
        # With a large watchlist most stories have a dozen or more words of names of several words (late, local,
        # league: their sound keys are those of generated names), and few words that such a name needs beside
        # one of them ("Tal" of Tal Lata): only the watched words beside one of those are read whole.
        if self._any_whole_name(self._beside_needed(distinct, norms), norms):
            return True
        split = self._split_name(written, norms)
        if split & _FREE:
            return True
        if distinct.isdisjoint(_FIRST_LOOK_KIND_WORDS):  # most news: nothing else is asked
            return False
        return bool(split & _NEEDS_KIND) or not distinct.isdisjoint(self._looks[_NEEDS_KIND]) or (
            not distinct.isdisjoint(_NATIONALITY_OF) and any(norm in self._by_city for norm in distinct))

    def _file_word(self, norm: str) -> None:
        """Remember what one word can be the start of, by itself (see may_name_a_site)."""
        self._seen_words.add(norm)
        if norm not in ARTICLES:  # any other word, even "was", may stand beside a word of a name ("Ain Was")
            besides = self._besides_matched(norm)
            if besides:
                self._looks[_BESIDE].add(norm)
                self._besides_of[norm] = besides
        if norm in ARTICLES or norm in STOPWORDS or (len(norm) < 2 and not norm.isdigit()):
            return
        key = sound_key(norm)
        written_spelling = spelling(norm)
        if key in self._free_keys or written_spelling in self._joined_spellings:
            self._looks[_FREE].add(norm)
            return
        if key in self._kind_keys or key in self._joined_keys:
            self._looks[_NEEDS_KIND].add(norm)
        if key in self._whole_keys and self._whole_forms(norm):  # its key's names may be spelled otherwise
            for expected in {expected for by_spelling in self._whole_forms(norm).values() for expected in by_spelling}:
                self._wanting.setdefault(expected, set()).add(norm)
        if written_spelling in self._article_spellings:
            self._looks[_AFTER_ARTICLE].add(norm)

    def _forget_words(self) -> None:
        self._seen_words: set[str] = set()
        self._looks: dict[int, set[str]] = {look: set() for look in (_FREE, _NEEDS_KIND, _AFTER_ARTICLE, _BESIDE)}
        # A spelling needed beside a word of a name of several words: the words seen that may be that word.
        self._wanting: dict[str, set[str]] = {}
        self._besides_of: dict[str, frozenset[str]] = {}  # a _BESIDE word: the spellings of those it may be
        self._pair_looks: dict[tuple[str, str], int] = {}  # _split_pair by two words as written

    def _beside_needed(self, distinct: set[str], norms: Sequence[str]) -> list[int]:
        """The positions of the story's watched words (words of names of several words, by which the index files
        them) that stand beside (past articles, as _extend reads a name) a word one of their names may need there:
        every position where _any_whole_name can find a name. Most stories have no such word, or an everyday one
        ("was" of Tal Was) beside none of the few watched words that need it; the pairs are found from the side
        of fewer words."""
        besides = distinct & self._looks[_BESIDE]
        if not besides:
            return []
        wanting = self._wanting
        needed: set[str] = set()
        watched: set[str] = set()  # the watched words that need one of those
        for word in besides:
            for expected in self._besides_of[word]:
                wanted_by = distinct.intersection(wanting.get(expected, ()))
                if wanted_by:
                    needed.add(word)
                    watched |= wanted_by
        if not needed:
            return []
        last = len(norms) - 1
        if len(watched) < len(needed):  # "Tel Aviv" and every "was", "said" and "had" of the story
            found = []
            for i in _positions(norms, watched):
                for side in (-1, 1):
                    j = _past_articles(norms, i + side, side)
                    if 0 <= j <= last and norms[j] in needed:
                        found.append(i)
                        break
            return found
        beside_found = set()
        for j in _positions(norms, needed):
            for side in (-1, 1):
                i = _past_articles(norms, j + side, side)
                if 0 <= i <= last and norms[i] in watched:
                    beside_found.add(i)
        return sorted(beside_found)

    def _besides_matched(self, norm: str) -> frozenset[str]:
        """The spellings needed beside a word of a name (_beside_spellings) that this word may be, as _extend
        compares them."""
        index = self._beside_index
        if index is None:
            index = self._beside_index = _BesideIndex(self._beside_spellings)
        return index.matched(spelling(norm))

    def _split_name(self, written: Sequence[str], norms: Sequence[str]) -> int:
        """A joined name written as two capitalised words, "Q West": _FREE for its exact spelling, _NEEDS_KIND
        for a close one (a match then needs a kind word beside it)."""
        look = 0
        # Two words in a row that do not start with a lower-case ASCII letter: every capital and digit (and a few
        # more, checked below). Their first letters are gathered and searched in C, twice as fast as a loop.
        firsts = "".join(map(_first_letter, written))
        known = self._pair_looks
        if len(known) > _MAX_LOOKS:
            known.clear()
        for i in [found.start() for found in _NOT_LOWER_PAIR.finditer(firsts)]:
            # A word's norm is its fold (tokens.words, tokens.tokenize): the words as written say it all. News
            # repeats its pairs of names ("Iraqi Stars", "Tel Aviv"): one look-up each.
            pair = (written[i], written[i + 1])
            pair_look = known.get(pair)
            if pair_look is None:
                pair_look = known[pair] = self._split_pair(written[i], norms[i], written[i + 1], norms[i + 1])
            if pair_look == _FREE:
                return _FREE
            look |= pair_look
        return look

    def _split_pair(self, first: str, first_norm: str, second: str, second_norm: str) -> int:
        if not _may_be_split_words(first, first_norm, second, second_norm):
            return 0
        joined = first_norm + second_norm
        if sound_key(joined) not in self._joined_keys:
            return 0
        return _FREE if spelling(joined) in self._joined_spellings else _NEEDS_KIND

    def _any_whole_name(self, positions: list[int], norms: Sequence[str]) -> bool:
        """Whether a name of several words stands whole at one of these positions of the story, as _match_name
        reads it in a sentence (a sentence has fewer neighbours than the story: never more matches). With a
        large watchlist a story has a few dozen such positions, so the loop keeps to dictionary look-ups."""
        spellings: list[str] | None = None  # of every word, made only when a name may stand whole
        known = self._whole_forms_by_neighbour
        filed = self._whole_forms_of
        last = len(norms) - 1
        for i in positions:
            norm = norms[i]
            sides = filed.get(norm)
            for side in sides if sides is not None else self._whole_forms(norm):
                j = _past_articles(norms, i + side, side)  # the word beside, as _extend reads a name
                if not 0 <= j <= last:
                    continue
                forms = known.get((norm, side, norms[j]))
                if forms is None:
                    forms = self._whole_forms_beside(norm, side, norms[j])
                if not forms:
                    continue  # the word beside is not the name's: none of these names stands here
                spellings = spellings or list(map(spelling, norms))
                if any(self._extend(form, position, i, norms, spellings) is not None for form, position in forms):
                    return True
        return False

    def _whole_forms_beside(self, norm: str, side: int, beside: str) -> list[tuple[NameForm, int]]:
        """The names of several words that this word may be part of with the word `beside` on that side
        (_whole_forms, narrowed by spelling); remembered, so a story costs a look-up per watched word and side."""
        key = (norm, side, beside)
        found = self._whole_forms_by_neighbour.get(key)
        if found is None:
            if len(self._whole_forms_by_neighbour) > _MAX_LOOKS:
                self._whole_forms_by_neighbour.clear()
            beside_spelling = spelling(beside)
            found = self._whole_forms_by_neighbour[key] = [
                named for expected, forms in self._whole_forms(norm)[side].items()
                if _same_word(beside_spelling, expected) for named in forms]
        return found

    def _whole_forms(self, norm: str) -> dict[int, dict[str, list[tuple[NameForm, int]]]]:
        """Names of several words one of whose words this word may be, by the side on which they need a word
        beside it (before: -1, after: 1), then by that word; remembered, as a common word's key can stand for
        many names of a large watchlist."""
        grouped = self._whole_forms_of.get(norm)
        if grouped is None:
            if len(self._whole_forms_of) > _MAX_LOOKS:
                self._whole_forms_of.clear()
            grouped = self._whole_forms_of[norm] = {}
            written_spelling = spelling(norm)
            for form, position in self._index[sound_key(norm)]:
                # Not an embassy's: it needs its kind word, which the first look asks for its key (_NEEDS_KIND).
                if position >= 0 and len(form.core) > 1 and not form.nationality_positions and \
                        _same_word(written_spelling, form.core_spellings[position], loose=True):
                    side = -1 if position > 0 else 1
                    grouped.setdefault(side, {}).setdefault(form.core_spellings[position + side], []).append(
                        (form, position))
        return grouped

    def _in_context(self, site_id: str, story_words: Collection[str]) -> bool:
        """A bare name (Abqaiq, Khurais) means the site in a story with a word of its kind: plants, oil, fields.
        With no story words to look at, the name alone is taken."""
        if not story_words:
            return True
        anchors = self._anchor_words.get(site_id, frozenset())
        context = anchors | {w + "s" for w in anchors} | {w[:-1] + "ies" for w in anchors if w.endswith("y")}
        context |= _BARE_NAME_CONTEXT if anchors & (_KIND_GROUPS["field"] | _KIND_GROUPS["facility"]) else set()
        return any(word in story_words for word in context)

    def cores_told_again(self, site_id: str) -> frozenset[str]:
        """The lone cores by which a story that has named the site may name it again alone (see named_again)."""
        return self._cores_told_again.get(site_id, frozenset())

    def named_again(self, tokens: list[Token], told: Iterable[str], taken: Sequence[Mention] = ()) -> list[Mention]:
        """"Harir" alone in a story that has named Harir Air Base: a base, field or plant named after a place is
        told by that name alone once the story has named it whole. Not an airport or an embassy: "Erbil" and
        "Baghdad" alone are the cities. `told`: the sites named earlier in the story; `taken`: the sentence's
        mentions so far."""
        norms = [t.norm for t in tokens]
        found: list[Mention] = []
        for site_id in dict.fromkeys(told):
            cores = self.cores_told_again(site_id)
            for i, norm in enumerate(norms):
                # As written in the name and capitalised: "harir" in lower case is no name.
                if norm not in cores or not tokens[i].is_capitalised or \
                        any(m.start <= i < m.end for m in (*taken, *found)):
                    continue
                if _beside_another_place((i, i + 1), norms) or self._names_person((i, i + 1), norms, tokens,
                                                                                  partial=True):
                    continue  # "the town of Harir", "Harir district", "Governor Harir", "the Harir family"
                found.append(Mention(site_id, i, i + 1, "name"))
        return found

    def anchor_words(self, site_id: str) -> frozenset[str]:
        """The words by which a story may refer back to the site: "the base", "the airport"."""
        return self._anchor_words.get(site_id, frozenset())

    def find(self, tokens: list[Token], story_words: Collection[str] = ()) -> list[Mention]:
        """Sites named in one sentence's tokens. `story_words` (all folded words of the story) lets
        "the U.S. embassy" count when the story names Baghdad elsewhere."""
        norms = [t.norm for t in tokens]
        # The first look, asked of the sentence alone, rules out most sentences of a story that names a site
        # elsewhere: with 50,000 sites every word has candidates to try (~1 ms a sentence).
        if not self.may_name_a_site([t.text for t in tokens], norms):
            return []
        return self.find_in_every_word(tokens, story_words)

    def find_in_every_word(self, tokens: list[Token], story_words: Collection[str] = (), *,
                           quick: bool = True) -> list[Mention]:
        """find, without the first look: every word's candidates tried (quick: those that _cannot_match left
        out, which changes nothing but the time)."""
        # Spans by site, made Mentions only when they are kept: at 50,000 sites a name has a dozen partial
        # matches of other names, which _closest then puts out.
        mentions: dict[str, list[tuple[int, int]]] = {}
        closeness: dict[str, list[tuple[int, int, int]]] = {}  # by site: each match's span and closeness
        norms = [t.norm for t in tokens]
        spellings = [spelling(n) for n in norms]
        # What the words around a span say, whatever the name: a common word of a large watchlist has dozens of
        # candidate names, and most share a few kinds and the same span.
        around = _Around()
        for i, norm in enumerate(norms):
            if i + 1 < len(norms) and _may_be_split_name(tokens[i], tokens[i + 1]):
                # "Q-West", "K-1", "Khor Mor" written as two words of a joined name
                joined = norm + norms[i + 1]
                for form, position in self._index.get(sound_key(joined), ()):
                    if position == -1 and self._joined_name(form, spelling(joined), (i, i + 2), norms, tokens,
                                                            around) \
                            and not _beside_another_place((i, i + 2), norms):
                        self._keep(mentions, form.site_id, (i, i + 2))
                        exact = spelling(joined) == "".join(form.core_spellings)
                        closeness.setdefault(form.site_id, []).append((i, i + 2, _EXACT if exact else _WHOLE_NAME))
            if norm in ARTICLES or norm in STOPWORDS or (len(norm) < 2 and not norm.isdigit()):
                continue
            if quick:
                capitalised = tokens[i].is_capitalised
                grouped = self._grouped_of.get((norm, capitalised), _UNKNOWN)
                if grouped is _UNKNOWN:
                    grouped = self._group(norm, spellings[i], capitalised)
                if grouped is None:  # most words: no candidate
                    continue
                candidates = self._may_match(grouped, i, norms, spellings, tokens, around)
            else:
                candidates = [(form, position, None) for form, position in
                              self._candidates(norm, spellings[i], tokens[i].is_capitalised)]
            for form, position, whole in candidates:
                span = self._match_at(form, position, i, norms, spellings, tokens, story_words, around, whole)
                if span:
                    self._keep(mentions, form.site_id, span)
                    closeness.setdefault(form.site_id, []).append(
                        (span[0], span[1], _closeness(form, position, span, norms, spellings)))
        found = [(site_id, start, end) for site_id, spans in mentions.items() for start, end in spans]
        if len(found) > 1:
            found = _closest(found, closeness, lambda site_id, start, end: self._written_as_named(
                site_id, start, end, norms))
        return sorted([Mention(site_id, start, end, "name") for site_id, start, end in found], key=_start)

    def _written_as_named(self, site_id: str, start: int, end: int, norms: list[str]) -> bool:
        """Whether a word of the site's own names stands, as written, in or beside the mention: "Camp Taji" is
        Camp Taji's name, not Al-Thajee Outpost's, though both are spelled alike."""
        own = self._name_words.get(site_id, frozenset())
        return not own.isdisjoint(norms[max(0, start - 2):end + 2])

    def _candidates(self, norm: str, written_spelling: str, capitalised: bool) -> list[tuple[NameForm, int]]:
        """The names filed under the word's key whose word it may be by spelling (_match_name checks again,
        in context); remembered, as a common word's key can stand for many names of a large watchlist."""
        found = self._candidates_of.get((norm, capitalised))
        if found is None:
            if len(self._candidates_of) > _MAX_LOOKS:
                self._candidates_of.clear()
            found = self._candidates_of[(norm, capitalised)] = [
                (form, position) for form, position in self._index.get(sound_key(norm), ())
                if _same_word(written_spelling, "".join(form.core_spellings) if position == -1 else
                              form.core_spellings[position], loose=capitalised)]
        return found

    def _may_match(self, grouped: _Grouped, i: int, norms: list[str], spellings: list[str], tokens: list[Token],
                   around: _Around) -> Sequence[tuple[NameForm, int, bool | None]]:
        """The candidates of the word at i (_group) that _cannot_match leaves in, in their order. What it asks is
        asked once per group of candidates that need the same thing (see _Grouped): at 50,000 sites a common word
        has dozens. With each, whether its core stands whole on the word's own span, when that is known already
        (see _match_name): a lone core always does, a core of several words not without its neighbour."""
        if not grouped.conditional:
            return grouped.unknown
        if len(grouped.candidates) <= _FEW_CANDIDATES:  # a small watchlist: asking each is cheaper than grouping
            return [(form, position, None) for form, position in grouped.candidates
                    if not self._cannot_match(form, position, i, norms, spellings, tokens, around)]
        kept = set(grouped.always)
        neighboured: set[int] = set()  # the cores of several words whose neighbour stands beside the word
        span = (i, i + 1)
        for kinds, members in grouped.by_kinds.items():
            if self._kind_beside_kinds(kinds, span, norms, tokens, around):
                kept.update(members)
        if grouped.after_article and i > 0 and _article_written(tokens[i - 1].text, norms[i - 1]):
            kept.update(grouped.after_article)
        for side in grouped.sides:
            j = _past_articles(norms, i + side, side)  # the word beside, as _extend reads it
            if not 0 <= j < len(norms):
                continue
            beside = self._beside_of.get((grouped, side, norms[j]))
            if beside is None:
                beside = self._group_beside(grouped, side, norms[j])
            neighboured.update(beside)
            for member in beside:
                if member not in kept:
                    form, position = grouped.candidates[member]
                    if self._extend(form, position, i, norms, spellings) is not None:
                        kept.add(member)
        shapes = grouped.shapes
        return [(*grouped.candidates[member], None if shapes[member] is None or member in neighboured
                 else shapes[member]) for member in sorted(kept)]

    def _group(self, norm: str, written_spelling: str, capitalised: bool) -> _Grouped | None:
        """The word's candidates (_candidates) grouped by what _cannot_match asks of each; None when it has none."""
        if len(self._grouped_of) > _MAX_LOOKS:
            self._grouped_of.clear()
        candidates = self._candidates(norm, written_spelling, capitalised)
        grouped = None
        if candidates:
            grouped = _Grouped(candidates, unknown=[(form, position, None) for form, position in candidates])
            for member, (form, position) in enumerate(candidates):
                if position < 0 or form.nationality_positions or (len(form.core) == 1 and not form.has_kind):
                    grouped.always.append(member)
                    grouped.shapes.append(None)
                    continue
                grouped.conditional = True
                grouped.shapes.append(len(form.core) == 1)
                grouped.by_kinds.setdefault(form.kinds, []).append(member)
                if len(form.core) > 1:
                    side = -1 if position > 0 else 1
                    grouped.by_beside.setdefault(side, {}).setdefault(
                        form.core_spellings[position + side], []).append(member)
                elif form.article_before_core:
                    grouped.after_article.append(member)
            grouped.sides = tuple(grouped.by_beside)
        self._grouped_of[(norm, capitalised)] = grouped
        return grouped

    def _group_beside(self, grouped: _Grouped, side: int, beside: str) -> list[int]:
        """The candidates of several core words whose word on that side may be `beside` (as _extend compares
        it); remembered by word, side and neighbour, as news repeats its pairs of words."""
        if len(self._beside_of) > _MAX_LOOKS:
            self._beside_of.clear()
        beside_spelling = spelling(beside)
        found = self._beside_of[(grouped, side, beside)] = [
            member for expected, members in grouped.by_beside[side].items()
            if _same_word(beside_spelling, expected) for member in members]
        return found

    @staticmethod
    def _keep(mentions: dict[str, list[tuple[int, int]]], site_id: str, span: tuple[int, int]) -> None:
        """Every separate mention of a site; overlapping matches of one name widen into one."""
        found = mentions.setdefault(site_id, [])
        for index, (start, end) in enumerate(found):
            if span[0] < end and start < span[1]:
                found[index] = (min(span[0], start), max(span[1], end))
                return
        found.append(span)

    def _cannot_match(self, form: NameForm, position: int, i: int, norms: list[str], spellings: list[str],
                      tokens: list[Token], around: _Around) -> bool:
        """What _match_name would say quickly: a word of a name with no kind word beside it is the name only if
        the name stands whole there, or, for a lone core, after its article."""
        if position < 0 or form.nationality_positions or (len(form.core) == 1 and not form.has_kind):
            return False
        if self._kind_beside(form, (i, i + 1), norms, tokens, around):
            return False
        if len(form.core) > 1:
            return self._extend(form, position, i, norms, spellings) is None
        return not (form.article_before_core and i > 0 and _article_written(tokens[i - 1].text, norms[i - 1]))

    def _match_at(self, form: NameForm, position: int, i: int, norms: list[str], spellings: list[str],
                  tokens: list[Token], story_words: Collection[str], around: _Around,
                  whole: bool | None = None) -> tuple[int, int] | None:
        span = self._match_name(form, position, i, norms, spellings, tokens, story_words, around, whole)
        if span is None:
            return None
        beside_place = around.beside_place.get(span)
        if beside_place is None:
            beside_place = around.beside_place[span] = _beside_another_place(span, norms)
        return None if beside_place else span

    def _match_name(self, form: NameForm, position: int, i: int, norms: list[str], spellings: list[str],
                    tokens: list[Token], story_words: Collection[str], around: _Around,
                    whole: bool | None = None) -> tuple[int, int] | None:
        """`whole`, when the caller knows it of a candidate of the word (_may_match): whether its core stands whole
        on the word's own span; the word is then its name's word by spelling already (_candidates)."""
        if whole is not None:
            span = (i, i + 1)
        elif position == -1:  # the joined core: "Khormor" for Khor Mor
            if not self._joined_name(form, spellings[i], (i, i + 1), norms, tokens, around):
                return None
            span = (i, i + 1)
            whole = True
        else:
            if not _same_word(spellings[i], form.core_spellings[position], loose=tokens[i].is_capitalised):
                return None
            span = self._extend(form, position, i, norms, spellings)
            whole = span is not None
            if span is None:
                span = (i, i + 1)
        if form.nationality_positions:
            return self._match_with_nationality(form, span, norms, tokens)
        if whole and (len(form.core) > 1 or not form.has_kind):
            if not form.has_kind and len(form.core) == 1 and not self._in_context(form.site_id, story_words):
                return None  # "a patrol in Abqaiq": the town, in a story with no word of the site's kind
            return None if self._names_person(span, norms, tokens, partial=False) else span
        # One core word alone (Erbil, Tanf, or Asad out of Ain al-Asad): it needs its kind word beside it,
        # or, for names written with an article (Al-Tanf), the article. A generic word of a longer core says
        # nothing alone: "the base in the village of X" is no "Green Village base".
        if not whole and len(form.core) > 1 and form.core[position] in GENERIC_NAME_WORDS:
            return None
        # Beside a kind word, a word in lower case is a name only as spelled: "Air Base late on" is no Latha.
        lower_case_variant = not tokens[i].is_capitalised and spellings[i] != (
            "".join(form.core_spellings) if position == -1 else form.core_spellings[position])
        if not lower_case_variant and self._kind_beside(form, span, norms, tokens, around):
            if form in self._airport_forms and _bare_base_after(span, norms):
                return None  # "rockets hit Baghdad base": a base in the city, not its airport
            person = around.person_before_kind.get(span)
            if person is None:
                person = around.person_before_kind[span] = self._names_person(span, norms, tokens, partial=True,
                                                                              kind_after=True)
            return None if person else span
        article_written = span[0] > 0 and _article_written(tokens[span[0] - 1].text, norms[span[0] - 1])
        # With its article alone, only the name's own spelling says it: al-Sudani is a man, not al-Sududhan.
        if whole and form.article_before_core and article_written and _written_exactly(form, span, norms, spellings):
            return None if self._names_person((span[0] - 1, span[1]), norms, tokens, partial=True) else span
        return None

    def _joined_name(self, form: NameForm, written: str, span: tuple[int, int], norms: list[str],
                     tokens: list[Token], around: _Around) -> bool:
        """A name of several words written as one ("Khormor", "QWest") or glued from two ("Q West"): the
        exact spelling, or a close one with a capital and its kind word beside. Ordinary words glued or
        misread ("talks" for Tal Kas, "in Dubai" for Ain Dhoub) have neither."""
        whole = "".join(form.core_spellings)
        if written == whole:
            return True
        return tokens[span[0]].is_capitalised and _same_word(written, whole) and \
            self._kind_beside(form, span, norms, tokens, around)

    def _extend(self, form: NameForm, position: int, i: int, norms: list[str],
                spellings: list[str]) -> tuple[int, int] | None:
        """Match the whole core around its word `position`, found at token i; articles are skipped."""
        start = i
        for expected in reversed(form.core_spellings[:position]):
            start -= 1
            while start >= 0 and norms[start] in ARTICLES:
                start -= 1
            if start < 0 or not _same_word(spellings[start], expected):
                return None
        end = i + 1
        for expected in form.core_spellings[position + 1:]:
            while end < len(norms) and norms[end] in ARTICLES:
                end += 1
            if end >= len(norms) or not _same_word(spellings[end], expected):
                return None
            end += 1
        return (start, end)

    @staticmethod
    def _kind_beside(form: NameForm, span: tuple[int, int], norms: list[str], tokens: list[Token],
                     around: _Around) -> bool:
        """Erbil airport, Erbil's international airport, the airport in Erbil, Camp Taji, Tanf garrison. Of the
        form, only its kinds are read: the answer is remembered by kinds and span for the sentence."""
        return Gazetteer._kind_beside_kinds(form.kinds, span, norms, tokens, around)

    @staticmethod
    def _kind_beside_kinds(kinds: frozenset[str], span: tuple[int, int], norms: list[str], tokens: list[Token],
                           around: _Around) -> bool:
        key = (kinds, span)
        found = around.kind_beside.get(key)
        if found is None:
            found = around.kind_beside[key] = _kind_beside(kinds, span, norms, tokens)
        return found

    def _match_with_nationality(self, form: NameForm, span: tuple[int, int], norms: list[str],
                                tokens: list[Token]) -> tuple[int, int] | None:
        """An embassy or consulate: "the U.S. embassy in Baghdad", or "the U.S. embassy" in a story that
        names Baghdad. A British embassy in Baghdad is not the U.S. one."""
        groups = [_NATIONALITY_OF[form.core[p]] for p in form.nationality_positions]
        anchors = {k for k in form.kinds} | {"compound"} if form.kinds else set()
        window = range(max(0, span[0] - 8), min(len(norms), span[1] + 8))
        kind_at = [j for j in window if norms[j] in anchors]
        if not kind_at:
            return None
        for k in kind_at:
            found = [next((j for j in range(k - 1, max(-1, k - 4), -1) if norms[j] in group), None)
                     for group in groups]
            if all(j is not None for j in found) and all(_nearest_nationality_is(g, norms, k) for g in groups):
                start = min(j for j in found if j is not None)
                # A dateline's city ("BAGHDAD (Agency) - Rockets landed near the U.S. Embassy") places the embassy
                # but is no part of its name: the words before the name say what hit it.
                if not _dateline_city(span, tokens) or _joined_as_name(norms, span[1], start):
                    start = min(start, span[0])
                return start, max(span[1], k + 1)
        return None

    def find_by_nationality(self, tokens: list[Token], story_words: Mapping[str, int],
                            named: Iterable[str] = ()) -> list[Mention]:
        """"The U.S. embassy" with no city: the site whose other core words the story names elsewhere. When
        the sentence names one such site, or the story names two cities, the one the story names most."""
        norms = [t.norm for t in tokens]
        if not any(norm in _NATIONALITY_OF for norm in norms):
            return []
        named = set(named)
        forms = {id(f): f for word in story_words for f in self._by_city.get(word, ())}
        candidates: list[tuple[int, Mention, tuple[frozenset[str], frozenset[str]]]] = []
        for form in forms.values():
            rest = [w for p, w in enumerate(form.core) if p not in form.nationality_positions]
            if not all(w in story_words for w in rest):
                continue
            groups = [_NATIONALITY_OF[form.core[p]] for p in form.nationality_positions]
            for k, norm in enumerate(norms):
                if norm in form.kinds and all(_nearest_nationality_is(g, norms, k) for g in groups):
                    weight = min(story_words[w] for w in rest) if rest else 0
                    candidates.append((weight, Mention(form.site_id, max(0, k - 1), k + 1, "name"),
                                       (frozenset().union(*groups), form.kinds)))
                    break
        best: dict[tuple[frozenset[str], frozenset[str]], tuple[int, Mention]] = {}
        for weight, mention, kind in candidates:
            if kind not in best or weight > best[kind][0]:
                best[kind] = (weight, mention)
        taken = {kind for _, mention, kind in candidates if mention.site_id in named}
        return [mention for kind, (_, mention) in best.items() if kind not in taken and mention.site_id not in named]

    def _names_person(self, span: tuple[int, int], norms: list[str], tokens: list[Token], *, partial: bool,
                      kind_after: bool = False) -> bool:
        """Bashar al-Assad, President Assad, the Assad government: a person or a group, not the site."""
        before = span[0] - 1
        while before >= 0 and norms[before] in ARTICLES - {"the"}:
            before -= 1
        if before >= 0 and norms[before] in PERSON_MARKERS:
            return True
        if not partial or kind_after:
            return False
        after = span[1]
        return after < len(norms) and norms[after] in GROUP_MARKERS


# Words of a name that say little alone: a core is found through its most distinctive other word.
GENERIC_NAME_WORDS = frozenset({
    "ain", "ayn", "ein", "tal", "tell", "jabal", "jebel", "wadi", "bir", "abu", "umm", "bab", "deir", "dayr",
    "kafr", "ras", "qasr", "khan", "new", "old", "north", "south", "east", "west", "upper", "lower", "great",
    "greater", "little", "big", "village", "city", "town", "port", "gate", "tower", "camp", "green", "red",
    "white", "black", "prince", "king", "queen", "sheikh", "saint", "st", "mount", "lake", "river", "al",
})


def _index_position(core: tuple[str, ...]) -> int | None:
    """Which word of a core the index files it under: the longest distinctive one, the last on a tie."""
    choices = [(p, w) for p, w in enumerate(core) if w not in _NATIONALITY_OF and w not in STOPWORDS]
    if not choices:
        return None
    distinctive = [(p, w) for p, w in choices if w not in GENERIC_NAME_WORDS] or choices
    return max(distinctive, key=lambda item: (len(item[1]), item[0]))[0]


@lru_cache(maxsize=1 << 18)  # a large watchlist asks the same pairs of every story
def _same_word(written: str, expected: str, *, loose: bool = False) -> bool:
    """`loose`: a capitalised word, the one a name is indexed by, may differ from it in inner vowels."""
    if written == expected:
        return True
    if len(written) < 4 or len(expected) < 4:
        # Short words are one letter from many others: only a vowel swap of the same length (Ain/Ayn/Ein), or a
        # long vowel written as two (Jair/Jir, Deir/Dir).
        if len(written) == len(expected):
            return sound_key(written) == sound_key(expected)
        return _vowel_written_twice(written, expected) or _vowel_written_twice(expected, written)
    if written[:1] != expected[:1] and not (written[:1] in "aeiouy" and expected[:1] in "aeiouy"):
        return False
    similarity = Indel.normalized_similarity(written, expected)
    return similarity >= _SAME_WORD or (loose and _vowels_apart(written, expected, similarity))


def _vowel_written_twice(longer: str, shorter: str) -> bool:
    """Jair for Jir: the longer word is the shorter (three letters at least: "in" is no Ain) with one more vowel
    beside a vowel."""
    if len(longer) != len(shorter) + 1 or len(shorter) < 3:
        return False
    vowels = "aeiouy"
    return any(longer[i] in vowels and (longer[i - 1] in vowels or longer[i + 1] in vowels)
               and longer[:i] + longer[i + 1:] == shorter for i in range(1, len(longer) - 1))


def _vowels_apart(written: str, expected: str, similarity: float) -> bool:
    """Long names that differ only in inner vowels: Rumalyn/Rumeilan (0.67). Same consonants, same first two
    and last letters, so that English words stay out (cruise/Khurais, shuhada/Shaddadi)."""
    return min(len(written), len(expected)) >= 6 and similarity >= _SAME_CONSONANTS and \
        written[:2] == expected[:2] and written[-1] == expected[-1] and sound_key(written) == sound_key(expected)


# The kinds of site whose lone core a story may use again for it (Gazetteer.named_again).
_TOLD_AGAIN_KINDS = frozenset({"base", "field", "facility"})
_HOST_PLACES = frozenset({"city", "town", "village"})  # "the base in the village of X" is the base at X


def _written_exactly(form: NameForm, span: tuple[int, int], norms: list[str], spellings: list[str]) -> bool:
    written = tuple(spellings[j] for j in range(*span) if norms[j] not in ARTICLES)
    return written == form.core_spellings


# How closely a match spells its name: a spelling variant (Beelad for Balad) or a part of a longer name (Bailad
# of Abu Bailad) yields to another site whose name the same words spell exactly.
_PART, _WHOLE_NAME, _EXACT = 0, 1, 2


def _closeness(form: NameForm, position: int, span: tuple[int, int], norms: list[str], spellings: list[str]) -> int:
    if form.nationality_positions:
        return _EXACT  # a nationality, a kind and a city: as close as a name gets
    if span[1] - span[0] == 1:  # most matches: the word itself, never an article
        written: tuple[str, ...] = (spellings[span[0]],) if norms[span[0]] not in ARTICLES else ()
    else:
        written = tuple(spellings[j] for j in range(*span) if norms[j] not in ARTICLES)
    if position == -1:
        return _EXACT if "".join(written) == "".join(form.core_spellings) else _WHOLE_NAME
    if written == form.core_spellings:
        return _EXACT
    return _WHOLE_NAME if len(written) == len(form.core) else _PART


@dataclass(slots=True)
class _Around:
    """What the words around a span of one sentence say, remembered while the sentence's words are tried."""
    kind_beside: dict[tuple[frozenset[str], tuple[int, int]], bool] = field(default_factory=dict)
    beside_place: dict[tuple[int, int], bool] = field(default_factory=dict)
    person_before_kind: dict[tuple[int, int], bool] = field(default_factory=dict)  # _names_person, kind_after


@dataclass(slots=True, eq=False)  # told apart by identity: _beside_of is keyed by the group itself
class _Grouped:
    """A word's candidate names, by what _cannot_match asks of them. `always`: none can be ruled out (a joined
    name, an embassy, a lone core with no kind). Every other one is in by_kinds: a kind word beside the word
    keeps it in. Else a lone core with its article needs the article before it (after_article), and a core
    of several words needs them all: by_beside files those by the side of the word they need next (-1 before,
    1 after) and that word's spelling, so that only the ones whose neighbour is there reach _extend."""
    candidates: list[tuple[NameForm, int]]
    unknown: list[tuple[NameForm, int, bool | None]] = field(default_factory=list)  # each, shape not told
    # Whether the core stands whole on the word's own span (a lone core), or not unless its neighbour is there
    # (False: a core of several words); None: not known before _match_name.
    shapes: list[bool | None] = field(default_factory=list)
    always: list[int] = field(default_factory=list)
    conditional: bool = False
    by_kinds: dict[frozenset[str], list[int]] = field(default_factory=dict)
    after_article: list[int] = field(default_factory=list)
    by_beside: dict[int, dict[str, list[int]]] = field(default_factory=dict)
    sides: tuple[int, ...] = ()


_FEW_CANDIDATES = 3
_start = attrgetter("start")
_UNKNOWN = _Grouped([])  # not yet grouped (None: grouped, and no candidates)


class _BesideIndex:
    """Spellings, found by any spelling _same_word takes for them (not loose), without comparing every one: a short
    word is only ever the same as one of its length and sound key, a longer one only as one of the same first
    letter (or both vowels) close enough by Indel, which rapidfuzz finds in C."""

    def __init__(self, spellings: Iterable[str]) -> None:
        self._short: dict[tuple[int, str], list[str]] = defaultdict(list)
        self._long: dict[str, list[str]] = defaultdict(list)  # by first letter, the vowels together
        self._vowel_more: dict[tuple[int, str], list[str]] = defaultdict(list)  # by length, letters but inner vowels
        for expected in spellings:
            if len(expected) < 4:
                self._short[(len(expected), sound_key(expected))].append(expected)
            elif expected:
                self._long[_first_letter_class(expected)].append(expected)
            if len(expected) in (3, 4):  # Jair for Jir (_vowel_written_twice): a vowel more keeps the rest
                self._vowel_more[(len(expected), _inner_consonants(expected))].append(expected)

    def matched(self, written: str) -> frozenset[str]:
        if len(written) < 4:
            near = list(self._short.get((len(written), sound_key(written)), ()))
        else:
            choices = self._long.get(_first_letter_class(written), ())
            near = [found for found, _, _ in process.extract(written, choices, scorer=Indel.normalized_similarity,
                                                             score_cutoff=_SAME_WORD - 0.01, limit=None)]
        if len(written) in (3, 4):  # a word of three letters and one of four with a vowel more (Jir, Jair)
            near += self._vowel_more.get((7 - len(written), _inner_consonants(written)), ())
        return frozenset(expected for expected in near if _same_word.__wrapped__(written, expected))


def _inner_consonants(word: str) -> str:
    """The first letter and the others but vowels: what a vowel added beside another leaves alone."""
    return word[:1] + "".join(c for c in word[1:] if c not in "aeiouy")


def _first_letter_class(word: str) -> str:
    return "a" if word[:1] in "aeiouy" else word[:1]


_Found = tuple[str, int, int]  # a mention's site, start and end


def _closest(mentions: list[_Found], closeness: Mapping[str, list[tuple[int, int, int]]],
             written_as_named: Callable[[str, int, int], bool]) -> list[_Found]:
    """Of sites named by overlapping words, those whose names they spell most closely, and then those with a
    word of their own names written there. `closeness`: each site's matches, their spans and closeness."""
    bests = []
    for site_id, start, end in mentions:
        matches = closeness[site_id]
        # A site matched once has one mention, made of that match.
        bests.append(matches[0][2] if len(matches) == 1 else max(
            (c for a, b, c in matches if a < end and start < b), default=_PART))
    # Only a mention at least as close can put one out, so they are read from the closest down; whether the
    # site's own words are written there is asked only between mentions as close (at 50,000 sites a name has a
    # dozen partial matches beside one exact one, put out without it).
    ranked = sorted(range(len(mentions)), key=bests.__getitem__, reverse=True)
    named: dict[int, bool] = {}

    def as_named(index: int) -> bool:
        if index not in named:
            named[index] = written_as_named(*mentions[index])
        return named[index]

    kept = []
    for index, (site_id, start, end) in enumerate(mentions):
        best = bests[index]
        for other in ranked:
            other_best = bests[other]
            if other_best < best:
                kept.append((site_id, start, end))
                break
            other_site, other_start, other_end = mentions[other]
            if other_site != site_id and other_start < end and start < other_end and (
                    other_best > best or (as_named(other) and not as_named(index))):
                break
        else:
            kept.append((site_id, start, end))
    return kept


_AIRPORT_ONLY = frozenset({"airport"})


def _bare_base_after(span: tuple[int, int], norms: list[str]) -> bool:
    """Is the kind word after the core a bare "base" ("Baghdad base", "Baghdad's military base"), not "air base"
    nor "airport"?"""
    for j in range(span[1], min(len(norms), span[1] + 4)):
        if norms[j] == "base":
            return norms[j - 1] != "air"
        if norms[j] not in _BRIDGE and norms[j] not in ARTICLES:
            return False
    return False


@lru_cache(maxsize=64)
def _kind_words(kinds: frozenset[str]) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """For a name's kinds: the words that may stand beside its core, those that may follow it, and those that
    may lead it with "at" (see _kind_beside). A few kinds, so made once each, not once per match."""
    anchors = frozenset().union(*(_KIND_NEIGHBOURS[kind] for kind in kinds))
    followers = anchors | frozenset().union(*(_KIND_FOLLOWERS.get(kind, frozenset()) for kind in kinds))
    leaders = frozenset().union(*(_KIND_LEADERS.get(kind, frozenset()) for kind in kinds))
    return anchors, followers, leaders


def _kind_beside(kinds: frozenset[str], span: tuple[int, int], norms: list[str], tokens: list[Token]) -> bool:
    """Gazetteer._kind_beside, by kinds."""
    anchors, followers, leaders = _kind_words(kinds)
    if not anchors:
        return False
    if _under_one_plural_kind(norms, tokens, span, anchors):
        return True
    for j in range(span[1], min(len(norms), span[1] + 4)):
        if norms[j] in followers:
            return True
        if norms[j] == "field" and norms[j - 1] == "air" and "airfield" in followers:
            return True  # the kind written as two words: "Bagram Air Field" is Bagram Airfield
        if norms[j] == "and" and _kind_after_list(norms, tokens, j, anchors):
            return True  # "the Rumaila and Zubair oil fields": one item of a list of sites of one kind
        if norms[j] not in _BRIDGE and norms[j] not in ARTICLES:
            break
    for j in range(span[0] - 1, max(-1, span[0] - 7), -1):
        if _is_mission_support_site(norms, j + 1) and "base" in followers:
            return True  # the base at a place, by its official name: "Mission Support Site Conoco"
        if norms[j] in anchors or (norms[j] in leaders and "at" in norms[j + 1:span[0]]):
            # "the Harir base in Erbil", "the U.S. Harir military base in Erbil": a kind word with its own name
            # before it (past lower-case bridge words, when "in" places it) is another place; "the Iraqi air base
            # of Balad" is Balad's.
            named = j - 1
            # ("the Harir US occupation base in Erbil": past "US" too, a nationality, to the name.)
            while named > 0 and "in" in norms[j + 1:span[0]] and norms[named] in _BRIDGE and \
                    (not tokens[named].is_capitalised or norms[named] in _NATIONALITY_BRIDGE):
                named -= 1
            named_before = named >= 0 and tokens[named].is_capitalised and norms[named] not in _BRIDGE \
                and norms[named] not in ARTICLES and norms[named] not in STOPWORDS
            return not named_before
        if norms[j] not in _BRIDGE and norms[j] not in ARTICLES:
            break
    return False


# Words that may join a city to an embassy's name: "Baghdad's U.S. embassy", "the U.S. embassy compound in Baghdad".
_NATIONALITY_BRIDGE = _BRIDGE & NATIONALITY_GROUPS[0]
_CITY_JOINERS = ARTICLES | _BRIDGE | _KIND_GROUPS["embassy"] | _KIND_GROUPS["consulate"] | {"general"}


def _dateline_city(span: tuple[int, int], tokens: list[Token]) -> bool:
    """A sentence's first word followed by punctuation, as a wire's dateline: "BAGHDAD (Agency) -",
    "Baghdad, Feb 16 (Agency) -"."""
    return span == (0, 1) and len(tokens) > 1 and tokens[1].start - tokens[0].end > 1


def _joined_as_name(norms: list[str], start: int, end: int) -> bool:
    """Whether the words from start to end are only words that join a name's city to the rest of it."""
    return all(norm in _CITY_JOINERS for norm in norms[start:end])


def _article_written(written: str, norm: str) -> bool:
    """The Arabic article of a name: "al-Tanf", "At-Tanf"; not the English "the", "a", "at"."""
    return norm in _ARABIC_ARTICLES or written in ("At", "As", "Ad", "Ar")


_ARABIC_ARTICLES = ARTICLES - {"the", "a", "an", "at"}


def _may_be_split_name(first: Token, second: Token) -> bool:
    return _may_be_split_words(first.text, first.norm, second.text, second.norm)


def _may_be_split_words(first: str, first_norm: str, second: str, second_norm: str) -> bool:
    """Two words that may be one name written apart: both capitalised or digits (Q West, K 1), and the first
    no article or common word: "a new", "in Baghdad", "by our" are English, not Ain New, Ain Baghad, Bir Your."""
    return (first[:1].isupper() or first_norm.isdigit()) and (second[:1].isupper() or second_norm.isdigit()) \
        and first_norm not in ARTICLES and first_norm not in STOPWORDS


def _past_articles(norms: Sequence[str], j: int, step: int) -> int:
    """The first position from j, going by step, whose word is no article (past either end when there is none)."""
    while 0 <= j < len(norms) and norms[j] in ARTICLES:
        j += step
    return j


def _positions(items: Sequence[str], wanted: Iterable[str]) -> list[int]:
    """Where the wanted words stand in items, in no particular order."""
    found = []
    for word in wanted:
        at = -1
        try:
            while True:
                at = items.index(word, at + 1)
                found.append(at)
        except ValueError:
            pass
    return found


_first_letter = itemgetter(0)
# Every position i of such a pair i, i + 1: the second is only looked at, so pairs may overlap ("ABC": 0 and 1).
# Opening on a character class, not a lookahead, lets re skip to the next candidate in C.
_NOT_LOWER_PAIR = re.compile(r"[^a-z](?=[^a-z])")

# What a word may be to the first look: a match by itself, a name's core that needs its kind word beside it,
# a word of a name of several words (checked whole where it stands), a name written with its Arabic article.
_FREE, _NEEDS_KIND, _AFTER_ARTICLE = 1, 2, 4
_BESIDE = 8  # a word that a name of several words may need beside its word filed in the index (see _wanting)
_MAX_LOOKS = 500_000

# Every word that can be the kind word a bare core needs beside it, or an embassy's kind.
_FIRST_LOOK_KIND_WORDS = frozenset().union(*_KIND_NEIGHBOURS.values(), *_KIND_FOLLOWERS.values(),
                                           *_KIND_LEADERS.values(), _KIND_GROUPS, {"compound"},
                                           _MISSION_SUPPORT_SITE[:1])  # one word of the phrase is enough
# ... and their plurals, which name the items of a pair of names: "Abha and Jizan airports".
_FIRST_LOOK_KIND_WORDS |= frozenset(word[:-1] + "ies" if word.endswith("y") else word + "es" if word.endswith("x")
                                    else word + "s" for word in _FIRST_LOOK_KIND_WORDS)


def _kind_after_list(norms: list[str], tokens: list[Token], joiner: int, anchors: frozenset[str]) -> bool:
    """After "and": one or two capitalised words (the other name) and then the plural kind word."""
    for j in range(joiner + 1, min(len(norms), joiner + 5)):
        if _plural_kind(norms[j], anchors) and j > joiner + 1:
            return True
        if not (tokens[j].is_capitalised or norms[j] in _BRIDGE or norms[j] in ARTICLES):
            return False
    return False


def _beside_another_place(span: tuple[int, int], norms: list[str]) -> bool:
    after = span[1]
    if after < len(norms) and norms[after] in ("a", "an") and not _HOST_PLACES.isdisjoint(norms[after + 1:after + 4]):
        return True  # "Abqaiq, an eastern town": the place the site is named after, as "the town of Abqaiq"
    while after < len(norms) and norms[after] in _KIND_WORDS | {"s", "air", "international"}:
        after += 1
    before = _past_articles(norms, span[0] - 1, -1)
    if after < len(norms) and norms[after] in NEARBY_PLACE_WORDS:
        # "the Baghdad airport road" is a road near the site; "the facility in al-Shaddadi town" is the site, but
        # "Harir air base in Erbil province" is a base somewhere in a province
        return not (norms[after] in _HOST_PLACES and before > 0 and norms[before] == "in" and
                    norms[before - 1] in _KIND_WORDS)
    # "the market in al-Shaddadi", "a checkpoint near Khor Mor": a place beside the site; but "the airport in
    # the city of Jizan" is the city's airport
    return before > 0 and norms[before] in ("of", "in", "near", "outside") and \
        norms[before - 1] in NEARBY_PLACE_WORDS | {"centre", "center", "countryside", "suburbs"} and \
        not (norms[before - 1] in _HOST_PLACES and _KIND_WORDS & set(norms[max(0, before - 5):before - 1]))


def _plural_kind(word: str, anchors: frozenset[str]) -> bool:
    """A plural of one of these kind words: "airports", "facilities", "fields"."""
    if not word.endswith("s"):
        return False
    return word in anchors or word[:-1] in anchors or (word.endswith("ies") and word[:-3] + "y" in anchors) or (
        word.endswith("es") and word[:-2] in anchors)


_LIST_JOINERS = frozenset({"and", "or"})
_OTHER_NAME_WORDS = 2  # capitalised words of the other name of a pair: "Abha and Jizan", "Ain al-Asad and Al Udeid"


def _under_one_plural_kind(norms: list[str], tokens: list[Token], span: tuple[int, int],
                           anchors: frozenset[str]) -> bool:
    """Two names under one plural kind word: "Abha and Jizan airports", "the airports of Abha and Jizan". The
    other name is one or two capitalised words joined to this one by "and" or "or"."""
    after, before = span[1], span[0] - 1
    if after < len(norms) and norms[after] in _LIST_JOINERS:  # the first name of the pair
        other_end = _past_other_name(norms, tokens, after + 1, 1)
        return other_end is not None and (_plural_kind_beside(norms, other_end, 1, anchors) or
                                          _plural_kind_beside(norms, before, -1, anchors))
    before = _past_articles(norms, before, -1)  # "Abha and the Jizan airports"
    if before >= 0 and norms[before] in _LIST_JOINERS:  # the second
        other_start = _past_other_name(norms, tokens, before - 1, -1)
        return other_start is not None and (_plural_kind_beside(norms, after, 1, anchors) or
                                            _plural_kind_beside(norms, other_start, -1, anchors))
    return False


def _past_other_name(norms: list[str], tokens: list[Token], j: int, step: int) -> int | None:
    """Where the other name of a pair, starting at j and read by step, ends (the first position past its
    capitalised words and articles); None when no short name stands there."""
    taken = 0
    while 0 <= j < len(norms):
        if norms[j] not in ARTICLES:
            if not tokens[j].is_capitalised or norms[j] in STOPWORDS:
                break
            taken += 1
        j += step
    return j if 1 <= taken <= _OTHER_NAME_WORDS else None


def _plural_kind_beside(norms: list[str], j: int, step: int, anchors: frozenset[str]) -> bool:
    """A plural kind word at j or past a few bridge words from it, going by step: "international airports"."""
    for _ in range(3):
        if not 0 <= j < len(norms):
            return False
        if _plural_kind(norms[j], anchors):
            return True
        if norms[j] not in _BRIDGE and norms[j] not in ARTICLES:
            return False
        j += step
    return False
