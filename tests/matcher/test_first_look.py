"""The first look (Gazetteer.may_name_a_site) rejects most news before any sentence work, and never a story in
which the full matcher finds a site; the fast path of `analyse` gives what the full path gives."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import load_config
from bot.matcher import sites as sites_module
from bot.matcher.attacks import analyse_story
from bot.matcher.dedupe import fingerprint
from bot.matcher.pipeline import analyse
from bot.matcher.sites import Gazetteer
from bot.matcher.stories import split_sentences
from bot.matcher.tokens import tokenize, tokenize_folding, words
from bot.models import Attack, Site, Story
from bot.replay import feed_files, read_feed_file
from tests.conftest import ROOT, SHARED_EXAMPLES, make_story

SITES = load_config(ROOT / "config.yaml").site_records()
# Names of a large watchlist as bench_mix.py makes them, whose words are close to everyday ones.
LARGE = [*SITES, *(Site(f"extra-{i}", name, (), "IQ", 33.0, 44.0, "Asia/Baghdad") for i, name in enumerate([
    "Ain Nawa Air Base", "Tal Kas Oil Field", "Bir Your Airfield", "Al-Sududhan Refinery", "Camp Dhuwair",
    "Tal Afaar Garrison", "Jabal Qasim Outpost", "Umm Qasr Port", "Al-Kawa Refinery", "Abu Ghraib",
    "Wadi Shaddad Gas Field", "Qasr Sheerin Airport", "Tower 22", "K-1 Air Base", "Q-West",
]))]
# The benchmark's own watchlist of 50,000 (scripts/bench_mix.py): a common word there has dozens of candidate names,
# so the shortcuts that skip work per group of candidates are tried on the scale they are made for.
_spec = importlib.util.spec_from_file_location("bench_mix", ROOT / "scripts" / "bench_mix.py")
assert _spec is not None and _spec.loader is not None
bench_mix = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_mix)
HUGE = [*SITES, *bench_mix.generated_sites(50_000 - len(SITES))]
GAZETTEERS = {"config": Gazetteer(SITES), "large": Gazetteer(LARGE), "50k": Gazetteer(HUGE)}


def _corpus_stories() -> list[Story]:
    folders = [*sorted((ROOT / "tests" / "corpus").glob("*/feeds")), ROOT / "tests" / "fixtures", SHARED_EXAMPLES]
    return [story for path in feed_files(str(f) for f in folders if f.exists()) if path.suffix == ".xml"
            for story in _readable(path)]


def _readable(path: object) -> tuple[Story, ...]:
    try:
        return read_feed_file(path)  # type: ignore[arg-type]
    except Exception:
        return ()


CORPUS = _corpus_stories()


def _first_look(story: Story, gazetteer: Gazetteer) -> bool:
    return gazetteer.may_name_a_site(*words(f"{story.title}\n{story.text}"))


def _full_matcher(story: Story, gazetteer: Gazetteer) -> tuple[list[Attack], list[str]]:
    """analyse_story when every candidate of every word of every sentence is tried: the first look, which the
    matcher asks of each sentence (through find, or before find_in_every_word), passes all, and no candidate is
    left out; the reference must not take the shortcuts it checks."""
    every_word = partial(gazetteer.find_in_every_word, quick=False)
    gazetteer.find = every_word  # type: ignore[method-assign]
    gazetteer.find_in_every_word = every_word  # type: ignore[method-assign]
    gazetteer.may_name_a_site = lambda written, norms: True  # type: ignore[method-assign]
    try:
        return analyse_story(story, gazetteer)
    finally:
        del gazetteer.find, gazetteer.find_in_every_word, gazetteer.may_name_a_site


def _named_by_the_full_matcher(story: Story, gazetteer: Gazetteer) -> list[str]:
    return _full_matcher(story, gazetteer)[1]


@pytest.mark.parametrize("name", sorted(GAZETTEERS))
def test_the_first_look_passes_every_corpus_story_that_names_a_site(name: str) -> None:
    gazetteer = GAZETTEERS[name]
    naming = [s for s in CORPUS if _named_by_the_full_matcher(s, gazetteer)]
    assert len(naming) > 100
    assert [s.key for s in naming if not _first_look(s, gazetteer)] == []


def test_the_first_look_rejects_everyday_news_that_names_no_site() -> None:
    gazetteer = GAZETTEERS["large"]
    news = make_story("Talks between Baghdad and Erbil over a new budget resumed on Tuesday. Officials in Kabul "
                      "said trade with Basra grew. Mohammed Shia al-Sudani met the ambassador in Baghdad. "
                      "Zakho beat Al-Quwa Al-Jawiya 2-1.", title="Budget talks resume")
    assert not _first_look(news, gazetteer)


@pytest.mark.parametrize("sentence", ["A drone hit Erbil airport.", "The U.S. embassy in Baghdad was targeted.",
                                      "Rockets hit al-Tanf.", "Khormor was shelled.", "Shells hit Q West.",
                                      "Mission Support Site Shaddadi was shelled."])
def test_the_first_look_passes_a_site_written_in_many_ways(sentence: str) -> None:
    assert _first_look(make_story(sentence), GAZETTEERS["large"])


# Transliteration noise of tests/matcher/test_sites.py: Ain/Ayn/Ein, Asad/Assad, Erbil/Irbil, Qayyarah/Kayara, K-1/K1.
_SWAPS = [("ai", "ay"), ("ai", "ei"), ("a", "e"), ("e", "i"), ("i", "ee"), ("u", "ou"), ("q", "k"), ("k", "kh"),
          ("s", "ss"), ("l", "ll"), ("ah", "a"), ("-", " "), ("-", ""), (" ", "-"), ("Al-", "al-"), ("Al-", "el-"),
          ("al-", ""), ("Air Base", "air base"), ("Air Base", "airbase"), ("International ", "")]
_BEFORE = ["Rockets hit", "A drone struck", "Officials visited", "Shelling near", "News from", "the talks at",
           "A new report on", "Protesters marched to", "in", "At"]
_AFTER = ["on Monday.", "late on Friday, officials said.", "and a nearby village.", "airport was closed.",
          "base was hit.", ", the ministry said.", "."]
_FILLER = ["Talks over a new budget resumed in Baghdad.", "Erbil beat Duhok 2-1 on Sunday.",
           "Kabul city news: the market reopened.", "The U.S. envoy arrived in Amman.", "The base rate rose."]


@st.composite
def site_stories(draw: st.DrawFn) -> tuple[str, Story]:
    gazetteer_name = draw(st.sampled_from(sorted(GAZETTEERS)))
    site = draw(st.sampled_from(list(GAZETTEERS[gazetteer_name].sites.values())))
    name = draw(st.sampled_from([site.name, *site.aliases]))
    for old, new in draw(st.lists(st.sampled_from(_SWAPS), max_size=3)):
        if old in name and draw(st.booleans()):
            name = name.replace(old, new, 1)
    name = draw(st.sampled_from([name, name.lower(), name.upper(), name.title()]))
    sentence = f"{draw(st.sampled_from(_BEFORE))} {name} {draw(st.sampled_from(_AFTER))}"
    before = draw(st.lists(st.sampled_from(_FILLER), max_size=2))
    after = draw(st.lists(st.sampled_from(_FILLER), max_size=2))
    as_title = draw(st.booleans())
    if as_title:
        return gazetteer_name, make_story(" ".join([*before, *after]) or "No text.", title=sentence.rstrip("."))
    return gazetteer_name, make_story(" ".join([*before, sentence, *after]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(site_stories())
def test_the_first_look_never_rejects_a_story_in_which_the_matcher_finds_a_site(case: tuple[str, Story]) -> None:
    name, story = case
    gazetteer = GAZETTEERS[name]
    named = _named_by_the_full_matcher(story, gazetteer)
    if named:
        assert _first_look(story, gazetteer)
    assert analyse_story(story, gazetteer)[1] == named


@given(st.text(alphabet=st.sampled_from("aAbZ1.- \u0130\u1e24\u0101\u00e9_\u00b2\u2160\nU.S."), max_size=40))
def test_words_are_the_tokens_of_tokenize(text: str) -> None:
    tokens = tokenize(text)
    assert words(text) == ([t.text for t in tokens], [t.norm for t in tokens])


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=60))
def test_words_are_the_tokens_of_tokenize_in_ascii_text(text: str) -> None:
    tokens = tokenize(text)
    assert words(text) == ([t.text for t in tokens], [t.norm for t in tokens])


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=60))
def test_the_ascii_tokens_are_the_folded_tokens(text: str) -> None:
    assert tokenize(text) == tokenize_folding(text)


def test_the_ascii_tokens_are_the_folded_tokens_on_the_corpus() -> None:
    texts = [text for story in CORPUS for text in (story.title, *split_sentences(story.text)) if text.isascii()]
    assert len(texts) > 1000
    assert [tokenize(text) for text in texts] == [tokenize_folding(text) for text in texts]


@pytest.mark.parametrize("name", sorted(GAZETTEERS))
def test_analyse_gives_what_the_full_path_gives_on_the_corpus(name: str) -> None:
    gazetteer = GAZETTEERS[name]
    for story in CORPUS:
        attacks, site_ids = _full_matcher(story, gazetteer)
        assert analyse(story, gazetteer) == replace(analyse(story, gazetteer), attacks=tuple(attacks),
                                                    site_ids=tuple(site_ids), words=fingerprint(story))


def test_a_full_memory_of_words_never_loses_a_story(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sites_module, "_MAX_LOOKS", 3)
    gazetteer = Gazetteer(SITES)
    story = make_story("Talks resumed in Baghdad, officials said, after rockets hit Ain al-Asad air base on Monday.")
    assert all(_first_look(story, gazetteer) for _ in range(3))


def test_a_site_added_later_is_seen_in_pairs_of_words_already_looked_at() -> None:
    """The first look remembers what a pair of capitalised words can be ("Q West"); a site added after must
    not be hidden by what was remembered before it."""
    gazetteer = Gazetteer([site for site in SITES if site.id != "qayyarah-airfield"])
    story = make_story("Three rockets struck Q West on Monday, officials said.")
    assert not _first_look(story, gazetteer)
    gazetteer.add(next(site for site in SITES if site.id == "qayyarah-airfield"))
    assert _first_look(story, gazetteer)
    assert analyse(story, gazetteer).site_ids == ("qayyarah-airfield",)


@pytest.mark.parametrize("name", sorted(GAZETTEERS))
def test_find_asks_the_first_look_of_each_sentence_and_loses_nothing(name: str) -> None:
    gazetteer = GAZETTEERS[name]
    sentences = [tokenize(text) for story in CORPUS for text in (story.title, *split_sentences(story.text))]
    naming = [tokens for tokens in sentences if gazetteer.find_in_every_word(tokens)]
    assert len(naming) > 300
    assert [gazetteer.find(tokens) for tokens in sentences] == [gazetteer.find_in_every_word(tokens, quick=False)
                                                                for tokens in sentences]


@pytest.mark.parametrize("name", sorted(GAZETTEERS))
def test_leaving_out_candidates_that_cannot_match_changes_nothing(name: str) -> None:
    gazetteer = GAZETTEERS[name]
    sentences = [tokenize(text) for story in CORPUS for text in (story.title, *split_sentences(story.text))]
    assert [gazetteer.find_in_every_word(tokens) for tokens in sentences] == [
        gazetteer.find_in_every_word(tokens, quick=False) for tokens in sentences]


def test_only_the_sentences_that_may_name_or_refer_to_a_site_are_tokenized(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.matcher import attacks

    made: list[str] = []

    def recording(text: str) -> list[object]:
        made.append(text)
        return tokenize(text)

    monkeypatch.setattr(attacks, "_tokens", recording)
    story = make_story(
        "The defence minister visited Ain al-Asad air base on Monday. Fans packed the stadium in Baghdad. "
        "Talks over a new television deal resumed. Officials said the base would get a new runway. "
        "Shares rose after a new agreement on electricity imports.", title="Minister visits Ain al-Asad")
    attacks_found, site_ids = analyse_story(story, GAZETTEERS["config"])
    assert site_ids == ["ain-al-asad"] and not attacks_found
    # The title and first sentence name the site; "the base" refers back to it; the rest are read by their words.
    assert set(made) == {"Minister visits Ain al-Asad", "The defence minister visited Ain al-Asad air base on Monday.",
                         "Officials said the base would get a new runway."}


# The benchmark's mix (scripts/bench_mix.py): everyday news, tracked sites named without an attack, attack reports.
_MIX_ENTRIES = bench_mix.generate_mix(1500, 2024)
MIX = [make_story(entry["body"], entry["published"], title=entry["title"], key=f"mix-{index}")
       for index, entry in enumerate(_MIX_ENTRIES)]
MIX_KINDS = {f"mix-{index}": entry["kind"] for index, entry in enumerate(_MIX_ENTRIES)}


def test_the_fast_paths_give_the_full_matcher_on_the_benchmark_mix_at_50000_sites() -> None:
    """Every sentence of the mix: `find` (the first look, then only the candidates that may match) names what
    trying every candidate names; a story is passed by the first look whenever the full matcher names a site."""
    gazetteer = GAZETTEERS["50k"]
    sentences = [tokenize(text) for story in MIX for text in (story.title, *split_sentences(story.text))]
    full = [gazetteer.find_in_every_word(tokens, quick=False) for tokens in sentences]
    assert sum(map(bool, full)) > 200
    assert [gazetteer.find(tokens) for tokens in sentences] == full
    naming = [story for story in MIX if _named_by_the_full_matcher(story, gazetteer)]
    assert {MIX_KINDS[story.key] for story in naming} == {"visit", "attack"}
    assert [story.key for story in naming if not _first_look(story, gazetteer)] == []


def test_no_false_site_in_the_benchmark_news_at_50000_sites() -> None:
    gazetteer = GAZETTEERS["50k"]
    news = [story for story in MIX if MIX_KINDS[story.key] == "news"]
    assert len(news) > 1000
    named = [(story.key, analyse(story, gazetteer).site_ids) for story in news]
    assert [(key, site_ids) for key, site_ids in named if site_ids] == []


def _shape(site: Site) -> str:
    """What a site's name asks of a match (see Gazetteer._group): the kind of shortcut it goes through."""
    core, kinds, article_before_core, _ = sites_module.split_name(site.name)
    position = sites_module._index_position(core)
    if len(core) > 1:
        return "after" if position == 0 else "before"  # the side of the word its indexed word needs
    return "article" if article_before_core else "kind" if kinds else "bare"


_BY_SHAPE: dict[str, list[Site]] = {}
for _site in HUGE:
    _BY_SHAPE.setdefault(_shape(_site), []).append(_site)
# Words that stand beside names in news, or are the words some generated names need beside their own ("Ain Was").
_GLUE = ["and", "near", "the", "al", "al-", "el-", "at", "late on", "hit", "was", "said", "had", "is", "in", "of",
         "'s", ",", "Tal", "Ain", "Qasr", "Abu", "one", "Bir", "Umm", "Wadi", "Jabal", "day", "Tel Aviv", "his"]
_KINDS = ["air base", "Air Base", "airport", "base", "oil field", "airfields", "bases", "camp", "Camp", "refinery",
          "garrison", "outpost", "gas fields", "international airport", "military base"]


@st.composite
def crowded_sentences(draw: st.DrawFn) -> str:
    """Sentences in which names of the 50,000-site watchlist, whole, in part, misspelled, in any case, stand
    beside each other, articles, kind words and the words their names need beside their indexed word."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        choice = draw(st.sampled_from(["name", "name", "core", "glue", "kind"]))
        if choice in ("name", "core"):
            site = draw(st.sampled_from(_BY_SHAPE[draw(st.sampled_from(sorted(_BY_SHAPE)))]))
            name = site.name
            if choice == "core":
                name = " ".join(sites_module.split_name(name)[0])
            for old, new in draw(st.lists(st.sampled_from(_SWAPS), max_size=2)):
                if old in name:
                    name = name.replace(old, new, 1)
            parts.append(draw(st.sampled_from([name, name.lower(), name.title(), name.upper()])))
        else:
            parts.extend(draw(st.lists(st.sampled_from(_GLUE if choice == "glue" else _KINDS), min_size=1,
                                       max_size=2)))
    return " ".join([draw(st.sampled_from(["Rockets hit", "Officials in", "A", "The"])), *parts, "on Monday."])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_sentences())
def test_the_fast_paths_give_the_full_matcher_among_crowded_names(sentence: str) -> None:
    gazetteer = GAZETTEERS["50k"]
    tokens = tokenize(sentence)
    full = gazetteer.find_in_every_word(tokens, quick=False)
    assert gazetteer.find_in_every_word(tokens) == full
    assert gazetteer.find(tokens) == full
    if full:
        story = make_story(f"Talks over a new budget resumed in Baghdad. {sentence} The base rate rose late on Friday.")
        assert _first_look(story, gazetteer)


_LETTERS = "abdiklstuwy"


@st.composite
def spellings_and_a_near_one(draw: st.DrawFn) -> tuple[list[str], str]:
    """Spellings, and a word one or two letters from one of them (or from none)."""
    spellings = draw(st.lists(st.text(alphabet=_LETTERS, min_size=1, max_size=8), min_size=1, max_size=30))
    written = draw(st.sampled_from(spellings))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(written)))
        letter = draw(st.sampled_from(_LETTERS))
        written = draw(st.sampled_from([written[:at] + letter + written[at:], written[:at] + written[at + 1:],
                                        written[:at] + letter + written[at + 1:]])) or letter
    return spellings, written


@given(spellings_and_a_near_one())
def test_the_index_of_needed_neighbours_finds_what_same_word_takes(case: tuple[list[str], str]) -> None:
    """The first look's index of the words longer names need beside their own finds exactly those _same_word
    takes for the written word (not loose, as _extend compares them)."""
    spellings, written = case
    index = sites_module._BesideIndex(spellings)
    assert index.matched(written) == {expected for expected in spellings if sites_module._same_word(written, expected)}
