"""Killed and wounded counts in a sentence: "two members", "injuring 14", "no casualties"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.matcher.prefilter import prefiltered
from bot.matcher.story_memo import per_story
from bot.matcher.tokens import words

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100, "dozen": 12, "both": 2,
    "couple": 2, "pair": 2,
}
KILLED_WORDS = frozenset({"killed", "dead", "died", "slain", "killing", "deaths", "fatalities", "dying",
                          "kills", "kill", "perished", "fatally"})
WOUNDED_WORDS = frozenset({"wounded", "injured", "hurt", "injuring", "wounding", "injuries", "wounds",
                           "injures", "casualties"})
_ACTIVE_FORMS = frozenset({"killing", "wounding", "injuring", "killed", "wounded", "injured", "kills",
                           "injures", "wounds", "kill"})
_PRESENT_ACTIVE = frozenset({"killing", "wounding", "injuring", "kills", "injures", "kill"})
# Subjects that kill attackers, not victims: "guards killed two gunmen".
_DEFENDERS = frozenset({"forces", "guards", "police", "army", "defenders", "troops", "soldiers", "sentries"})
PERSON_NOUNS = frozenset({
    "people", "person", "persons", "soldier", "soldiers", "troops", "troop", "servicemen", "serviceman",
    "servicemembers", "members", "member", "personnel", "contractor", "contractors", "civilian", "civilians",
    "worker", "workers", "employee", "employees", "staff", "staffer", "guard", "guards", "officer", "officers",
    "americans", "american", "iraqis", "iraqi", "marines", "marine", "sailors", "airmen", "fighters", "troopers",
    "children", "child", "women", "men", "man", "woman", "policemen", "police", "others", "security",
    "engineers", "engineer", "diplomats", "diplomat", "citizens", "nationals", "individuals", "pilots",
    "service", "them", "medic", "medics", "doctor", "doctors", "nurse", "nurses", "driver", "drivers",
    "journalist", "journalists", "technician", "technicians", "subcontractor", "subcontractors",
    "defender", "defenders", "fighter",  # "One SDF fighter was wounded" ("fighters" alone are the attackers')
    # people named by where they are from: "two Americans and a Briton"
    "briton", "britons", "afghan", "afghans", "syrian", "syrians", "kurd", "kurds", "saudi", "saudis",
    "jordanian", "jordanians", "yemeni", "yemenis", "foreigner", "foreigners", "expatriate", "expatriates",
    "residents", "resident", "passengers", "passenger", "travellers", "travelers", "visitors", "visitor",
})
# People on the attacking side: "two gunmen were killed" is not the site's toll.
ATTACKER_NOUNS = frozenset({"attackers", "attacker", "gunmen", "gunman", "militants", "militant", "assailants",
                            "assailant", "bomber", "bombers", "insurgents", "insurgent", "terrorists",
                            "terrorist", "infiltrators", "jihadists", "fighters", "outlaws", "suspects",
                            "perpetrators", "militiamen", "kidnappers", "raiders"})
# After a number these are things, not people: "three rockets", "14 km".
_NOT_PEOPLE = frozenset({"rockets", "rocket", "missiles", "missile", "drones", "drone", "mortars", "mortar",
                         "shells", "rounds", "bombs", "days", "day", "hours", "hour", "km", "kilometers",
                         "kilometres", "miles", "meters", "metres", "percent", "years", "year", "times",
                         "weeks", "months", "attacks", "attack", "projectiles", "vehicles", "minutes",
                         "sites", "bases", "explosions", "blasts", "am", "pm", "gmt", "utc"})
# Nouns whose people follow "of": "the death of two guards", "the injuries of eighteen others".
_NOUN_OF = {"death": "killed", "deaths": "killed", "killing": "killed", "injuries": "wounded", "injury": "wounded",
            "wounding": "wounded", "injuring": "wounded"}
_BE_VERBS = frozenset({"were", "was", "been", "are", "is", "being"})
# After "a", words that make it no figure: "killed and wounded a number of people", "a handful of guards".
_VAGUE_AMOUNTS = frozenset({"number", "few", "handful", "lot", "host", "series"})
_QUANTIFIERS = frozenset({"at", "least", "more", "than", "about", "around", "nearly", "almost", "some",
                          "over", "up", "to", "another", "additional", "further", "of", "the", "those"})
_SUPERSEDED = prefiltered(r"\b(first|initially|originally|earlier|previously|initial)\b\s*(said|reported|"
                         r"put|gave|stated|announced|counted|reports?|toll|figure|statement)?", re.I)
# "None of the four caused casualties", "None of them caused injuries": said of every attack just told.
_NONE_OF_THEM_CAUSED = (r"none\s+of\s+(?:the\s+|them\s+|these\s+|those\s+)(?:\w+\s+)?(?:caused|left|resulted\s+in)\s+"
                        r"(?:any\s+)?")
# Words before "casualties", "losses" or "victims" that say there were none: "caused no casualties", "without
# causing any losses", "causing neither human nor material losses", "Neither attack caused casualties".
_NONE_CAUSED = (
    r"no\s+", r"without\s+(?:causing\s+|leaving\s+)?(?:any\s+)?", r"did\s+not\s+cause\s+(?:any\s+)?",
    r"caused\s+no\s+", r"zero\s+", r"free\s+of\s+", r"(?:caus(?:ed|ing|es)|left|leaving)\s+neither\s+",
    r"neither\s+(?:\w+\s+){1,2}?(?:caused|left|resulted\s+in|brought\s+about)\s+(?:any\s+)?",
    _NONE_OF_THEM_CAUSED,
)
_NO_CASUALTIES = prefiltered(
    r"\b(?:" + "|".join(_NONE_CAUSED) + r")(?:reported\s+|immediate\s+reported\s+|"
    r"human\s+(?:(?:n?or|and)\s+material\s+)?)?(?:(?:material\s+)?damage\s+(?:or|and)\s+)?"
    r"(casualties|losses|victims|casualty|causalit(?:y|ies)|casualit(?:y|ies))\b", re.I)  # typos seen in briefs
# Before a statement of none, a turn that makes it contradict what came before: "a local source said three people
# were injured, but the command said the attack caused no casualties" (the later, firmer word wins).
_BUT = re.compile(r"\bbut\b", re.I)
# "a figure it later raised to 14", "five, later revised to ten": the later figure of what was counted before.
_RAISED_TO = prefiltered(r"\b(?:raised|revised|increased|lifted|updated|upped)\s+(?:it\s+|that\s+|the\s+\w+\s+)?"
                        r"(?:up\s+)?to\s+(?:at\s+least\s+|more\s+than\s+)?(\w+)", re.I)
# Words that end a list of casualty groups ("two officers and two airmen"): past them a number counts else.
_PART_STOP = KILLED_WORDS | WOUNDED_WORDS | ATTACKER_NOUNS | _NOT_PEOPLE | frozenset({
    "were", "was", "said", "the", "in", "on", "at", "by", "after", "while", "when", "with", "had", "have"})
# "Nobody remained wounded" (machine translation) says what "nobody was wounded" says.
_NO_ONE = prefiltered(r"\b(?:no\s*(?:one|body)|nobody|none\s+of\s+(?:the\s+)?\w+)\s+(?:\w+\s+){0,2}"
                     r"(?:was|were|had\s+been|has\s+been|remained|remains)\s+(?:\w+\s+)?(killed|hurt|injured|wounded|harmed)"
                     r"(?:\s+(?:or|nor|and)\s+(killed|hurt|injured|wounded|harmed))?", re.I)
_NO_PEOPLE = prefiltered(r"\bno\s+(?:[\w.-]+\s+){0,5}?(?:were|was|had\s+been|have\s+been)\s+(?:\w+\s+)?"
                        r"(killed|hurt|injured|wounded|harmed)(?:\s+(?:or|nor|and)\s+(killed|hurt|injured|wounded|"
                        r"harmed))?", re.I)
# ("exploded inside the base without causing any injuries": none, as "no injuries" is; "Neither incident caused
# injuries or material damage": none in either)
_NO_NOUN = prefiltered(r"\b(?:no\s+|without\s+(?:causing\s+|leaving\s+)?(?:any\s+)?|"
                      r"neither\s+(?:\w+\s+){1,2}?(?:caused|left|resulted\s+in)\s+(?:any\s+)?|"
                      + _NONE_OF_THEM_CAUSED + r")"
                      r"(?:immediate\s+)?(?:reported\s+)?"
                      r"(injuries|deaths|fatalities|dead|wounded)\b"
                      r"(?!\s+(?:were\s+)?(?:immediately\s+)?reported)", re.I)
_NO_NOUN_REPORTED = prefiltered(r"\bno\s+(injuries|deaths|fatalities)\s+(?:were\s+|have\s+been\s+)?reported",
                               re.I)
# "There were no reports of damage or injuries": none reported is none ("no immediate reports" is not yet known).
_NO_REPORTS_OF = prefiltered(r"\bno\s+(?:other\s+)?reports?\s+of\s+(?:any\s+)?(?:civilian\s+)?(?:(?:material\s+)?"
                            r"damage\s+(?:or|and|nor)\s+)?(casualties|injuries|injured|wounded|deaths|dead|fatalities)"
                            r"\b", re.I)
# "The troops escaped injury", "escaped unharmed": no one hurt, as "no one was hurt" says.
_ESCAPED = prefiltered(r"\bescaped\s+(?:without\s+)?(?:any\s+)?(?:injury|injuries|harm|unhurt|unharmed|unscathed)\b",
                      re.I)
# "Dead or wounded among the guards were not reported" (machine translation), "casualties were not reported".
_NOT_REPORTED = prefiltered(r"\b(dead|deaths|fatalities|casualties|injuries|wounded|injured)(?:\s+(?:or|and|nor)\s+"
                           r"(?:dead|deaths|casualties|injuries|wounded|injured))?\s+(?:among\s+(?:\w+\s+){1,3}?)?"
                           r"(?:were|was|have\s+been|has\s+been)\s+not\s+reported", re.I)
_WOUNDED_NAMED = re.compile(r"wound|injur|casualt", re.I)
_TOLL = prefiltered(r"\b(death|injury|casualty)?\s*toll\s+(?:[\w'’]+\s+){0,8}?(?:rose|risen|climbed|increased|"
                   r"reached|stands|stood|jumped|rises|climbs)\s+(?:at\s+|to\s+)?(?:at\s+least\s+)?(\w+)", re.I)

# "bringing the number of wounded to three", "the number of dead rose to 4", "raising the death toll to 5"
_NUMBER_OF = prefiltered(r"\b(?:(?:bringing|raising|pushing|taking)\s+the\s+|the\s+)"
                        r"(death\s+toll|toll|number\s+of\s+(?:the\s+)?(?:dead|deaths|killed|fatalities|wounded|"
                        r"injured|injuries|casualties))\s+(?:\w+\s+){0,3}?(?:to|at)\s+(?:at\s+least\s+)?(\w+)",
                        re.I)

# "the number of U.S. troops wounded in Sunday's attack on the base has risen to more than 40"
_RISEN_TO = prefiltered(r"\bnumber\s+of\s+(?:[\w.'’]+\s+){0,3}?(dead|deaths|killed|fatalities|wounded|injured|"
                       r"injuries)\b[^.;]{0,160}?\b(?:risen|rose|climbed|increased|reached|grown|grew|jumped|"
                       r"stands\s+at|stood\s+at)\s+(?:to\s+)?(?:more\s+than\s+|at\s+least\s+|over\s+|nearly\s+|"
                       r"some\s+)?(\w+)", re.I)


# A figure given as a floor, not a count: "more than 30 were wounded" does not contradict an earlier "at least 34".
_LOWER_BOUND = prefiltered(r"\b(?:more\s+than|over|upwards\s+of|in\s+excess\s+of|at\s+least|no\s+fewer\s+than|"
                          r"not\s+less\s+than)\s+(\w+)(?:\s+(\w+))?", re.I)


def states_a_floor(sentences: tuple[str, ...] | list[str], figure: int) -> bool:
    """Do these sentences give `figure` of people only as a lower bound ("more than 30", "at least 30 troops")?"""
    return any(_number(match.group(1).lower()) == figure and (match.group(2) or "").lower() not in _NOT_PEOPLE
               for sentence in sentences for match in _LOWER_BOUND.finditer(sentence))


def states_only_a_first_figure(sentences: tuple[str, ...] | list[str], field: str, figure: int) -> bool:
    """Do these sentences give `figure` (of the "killed" or "wounded") only as a first figure ("Initial reports
    indicate 3 minor injuries")? Then it is older news than a later story's telling, not a correction."""
    tolls = [count_casualties(sentence) for sentence in sentences]
    giving = [toll for toll in tolls if getattr(toll, field) == figure]
    return bool(giving) and all(toll.superseded for toll in giving)


@dataclass(frozen=True, slots=True)
class Toll:
    killed: int | None
    wounded: int | None
    superseded: bool  # "he first said three people were injured": an older figure


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word) if len(word) < 5 else None
    return NUMBER_WORDS.get(word)


# A death or injury the sentence itself says the attack did not cause: "died of a cardiac incident ..., but not in
# one of the drone attacks".
_NOT_BY_THE_ATTACK = prefiltered(r"\bnot\s+(?:in|from|during|by|as\s+a\s+result\s+of|because\s+of|due\s+to|"
                                r"related\s+to)\s+(?:one\s+of\s+)?(?:the|an?|any|these|those)\s+(?:\w+\s+){0,2}"
                                r"(?:attacks?|strikes?|barrages?)\b|\b(?:died|death)\s+(?:\w+\s+){0,2}of\s+(?:an?\s+)?"
                                r"(?:cardiac|heart\s+attack|natural\s+causes|illness)", re.I)


# "Eight US service members received treatment for traumatic brain injury": people treated for injuries are hurt.
_TREATED_FOR = prefiltered(r"\b(\w+)\s+(?:[\w.]+\s+){0,3}?(?:received|receiving|were\s+treated|treated|underwent|"
                          r"were\s+evaluated|evaluated)\s+(?:\w+\s+){0,2}?for\s+(?:[\w-]+\s+){0,3}?"
                          r"(?:injur(?:y|ies)|wounds|concussions?)\b", re.I)


# An apposition of the unit between the people counted and their verb: "Four soldiers of the 39th Support Battalion,
# part of the Arkansas National Guard's 39th Brigade, were killed" counts the four soldiers (read with it set aside).
_APPOSITION = prefiltered(r",\s+(?:part\s+of|members?\s+of|a\s+unit\s+of|assigned\s+to|attached\s+to|"
                          r"serving\s+(?:with|in)|all\s+(?:from|of)|both\s+(?:from|of)|from)\s+[^,;.]{3,80}?,\s+"
                          r"((?:were|was|had\s+been|have\s+been)\s+(?:\w+\s+)?(?:killed|wounded|injured|hurt|slain))\b",
                          re.I)

_words = per_story(words)  # the sentences a story reads are mostly the ones whose words it read already


@per_story
def count_casualties(sentence: str) -> Toll:
    if _NOT_BY_THE_ATTACK.search(sentence):
        return Toll(None, None, False)
    none = _NO_CASUALTIES.search(sentence)
    if none and _BUT.search(sentence, 0, none.start()) and ";" not in sentence[:none.start()]:
        return Toll(0, 0, False)
    words = _words(_APPOSITION.sub(r" \1", sentence))[1]  # shared: never changed
    killed: list[int] = []
    wounded: list[int] = []
    for index, word in enumerate(words):
        if word in _NOUN_OF and words[index + 1:index + 2] == ["of"]:
            # "causing the death of two guards and the injuries of eighteen others"
            value = _count_after(words, index)
            if value is not None:
                (killed if _NOUN_OF[word] == "killed" else wounded).append(value)
            continue
        if word in KILLED_WORDS:
            target = killed
        elif word in WOUNDED_WORDS and word != "casualties" and not (word == "wounds" and index > 0 and
                                                                    words[index - 1] in ("his", "her", "their")):
            target = wounded
        else:
            continue
        value = None
        passive = index > 0 and words[index - 1] in _BE_VERBS  # "16 were injured, three of them critically"
        if word in _ACTIVE_FORMS and not passive:
            before = set(_subject_words(words, index))
            value = _count_after(words, index)
            if value is not None and not before & _BE_VERBS and (before & _DEFENDERS or _fired_back(words, index)):
                # "security forces killed two men": attackers shot by defenders are no toll. With no one counted
                # after the verb the defenders are its victims: "two soldiers killed in a drone strike", "leaving
                # nine soldiers wounded".
                continue
        if value is None and word not in _PRESENT_ACTIVE:
            value = _count_before(words, index)  # "killing" has its victims after it, never before
        if value is not None:
            target.append(value)
    for match in _TOLL.finditer(sentence):
        value = _number(match.group(2).lower())
        if value is not None:
            (wounded if _toll_counts_wounded(match.group(1), sentence[:match.start()]) else killed).append(value)
    for match in _RISEN_TO.finditer(sentence):
        value = _number(match.group(2).lower())
        if value is not None:
            (killed if match.group(1).lower() in ("dead", "deaths", "killed", "fatalities") else wounded).append(value)
    for match in _NUMBER_OF.finditer(sentence):
        value = _number(match.group(2).lower())
        what = match.group(1).lower()
        if value is not None and "casualties" not in what:
            counts_wounded = re.search(r"wounded|injured|injuries", what) or (
                what == "toll" and _toll_counts_wounded(None, sentence[:match.start()]))
            (wounded if counts_wounded else killed).append(value)
    for match in _TREATED_FOR.finditer(sentence):
        value = _number(match.group(1).lower())
        if value is not None:
            wounded.append(value)
    raised = _raised_figures(sentence, killed, wounded)
    zero_killed, zero_wounded = (True, True) if none else _zeros(sentence)
    return Toll(
        max(killed) if killed else (0 if zero_killed else None),
        max(wounded) if wounded else (0 if zero_wounded else None),
        bool(_SUPERSEDED.search(sentence)) and bool(killed or wounded) and not raised,
    )


def _toll_counts_wounded(kind: str | None, before: str) -> bool:
    """"The injury toll", or a bare "the toll" after only the wounded were counted ("Five soldiers were wounded
    ...; the toll later rose to ten"). A bare toll otherwise counts the dead."""
    if kind:
        return kind.lower() == "injury"
    counted = set(words(before)[1])
    return bool(counted & WOUNDED_WORDS) and not counted & KILLED_WORDS


def _raised_figures(sentence: str, killed: list[int], wounded: list[int]) -> bool:
    """"The coalition first put the wounded at 12, a figure it later raised to 14": 14 wounded, the current
    figure. The raised figure counts what the last casualty word before it counted."""
    found = False
    for match in _RAISED_TO.finditer(sentence):
        value = _number(match.group(1).lower())
        before = words(sentence[:match.start()])[1]
        what = next((w for w in reversed(before) if w in KILLED_WORDS or w in WOUNDED_WORDS), None)
        if value is None or what is None:
            continue
        (killed if what in KILLED_WORDS else wounded).append(value)
        found = True
    return found


def _zeros(sentence: str) -> tuple[bool, bool]:
    """Whether the sentence says no one was killed, and no one wounded (its "no casualties" is read before)."""
    zero_killed = zero_wounded = False
    # "No one was hurt", "no injuries": 0 killed and 0 wounded (../shared/DOMAIN.md); "no one was killed",
    # "no deaths": 0 killed only; "no one was killed or wounded": both.
    for pattern in (_NO_ONE, _NO_PEOPLE):
        for match in pattern.finditer(sentence):
            for what in filter(None, (match.group(1), match.group(2))):
                zero_killed = True
                zero_wounded = zero_wounded or what.lower() != "killed"
    if _ESCAPED.search(sentence):
        zero_killed = zero_wounded = True
    for pattern in (_NO_NOUN, _NO_NOUN_REPORTED, _NO_REPORTS_OF, _NOT_REPORTED):
        for match in pattern.finditer(sentence):
            zero_killed = True
            zero_wounded = (zero_wounded or match.group(1).lower() not in ("deaths", "fatalities", "dead")
                            or _WOUNDED_NAMED.search(match.group(0)) is not None)  # "dead or wounded"
    return zero_killed, zero_wounded


_FIRED_BACK_REACH = 12  # words before a toll verb


def _fired_back(words: list[str], index: int) -> bool:
    """"security forces fired back at those who launched the rockets, killing three": the defenders' fire killed
    them, the attackers, though their word stands too far back to be the verb's subject."""
    window = words[max(0, index - _FIRED_BACK_REACH):index]
    return any((word in ("fired", "shot") and window[k + 1:k + 2] == ["back"]) or
               (word in ("returned", "returning") and window[k + 1:k + 2] == ["fire"])
               for k, word in enumerate(window))


def _subject_words(words: list[str], index: int) -> list[str]:
    """The few words before a toll verb that may be its subject: in "the drone killed three soldiers and wounded
    30", the soldiers are the first verb's victims, and "the drone" is the subject of both."""
    for j in range(index - 1, max(-1, index - 9), -1):
        if words[j] in KILLED_WORDS or words[j] in WOUNDED_WORDS:
            # "... killed two men and wounded three": both verbs share the first one's subject
            return _subject_words(words, j) if words[index - 1] == "and" else words[max(j + 1, index - 4):index]
    return words[max(0, index - 4):index]


def _count_after(words: list[str], index: int) -> int | None:
    """Active voice: "killing two", "wounded three soldiers", "injuring at least 14"."""
    j = index + 1
    while j < len(words) and j <= index + 4 and words[j] in _QUANTIFIERS:
        j += 1
    if j >= len(words):
        return None
    value = _number(words[j])
    if value is None or (words[j] in ("a", "an") and not _person_follows(words, j)) or _vague(words, j):
        return None
    following = words[j + 1] if j + 1 < len(words) else ""
    defenders = following == "fighters" and words[j + 2:j + 3] == ["of"]  # "two fighters of the partner force"
    if following in _NOT_PEOPLE or (following in ATTACKER_NOUNS and not defenders):
        return None
    if words[j] == "both" and words[j + 1:j + 3] == ["of", "them"]:
        return None  # "killing both of them": whom "them" means is not known here
    if words[j + 1:j + 3] == ["of", "them"] and set(words[max(0, index - 4):index]) & ATTACKER_NOUNS:
        return None  # "aircraft struck the attackers, killing more than 100 of them": the attackers' dead
    return value + _parts_after(words, j)


def _count_before(words: list[str], index: int) -> int | None:
    """Passive or adjective: "two people were lightly wounded", "34 wounded", "a contractor died"."""
    saw_person = False
    part: int | None = None  # "six others, including a soldier, were wounded": the soldier is one of the six
    for j in range(index - 1, max(-1, index - 9), -1):
        word = words[j]
        if word in ATTACKER_NOUNS:
            return part
        if word in PERSON_NOUNS:
            saw_person = True
        if word in KILLED_WORDS or word in WOUNDED_WORDS or word in _NOT_PEOPLE:
            return part
        value = _number(word)
        if value is None:
            continue
        following = words[j + 1] if j + 1 < len(words) else ""
        if following in _NOT_PEOPLE or _vague(words, j):
            return None
        if word in ("a", "an", "one", "single") and not saw_person:
            return None
        if word in ("a", "an") and j > 0 and words[j - 1] in ("of", "in", "at", "on", "near", "by"):
            return None
        if saw_person or index - j <= 3:
            if part is None and j > 0 and words[j - 1] in _INCLUDING:
                part = value + _parts_before(words, j)  # the whole may come before it
                continue
            return value + _parts_before(words, j)
        return part
    return part


# Parts of one toll add up: "two officers and two airmen", "13 U.S. service members and at least 60 Afghans".
# A part's number has one to four words of its people before the next "and": "between 10 and 20" is a range.
_PART_NOUN_WORDS = 4
_PART_JOINERS = frozenset({"and", "plus"})
# Before a number, words that make it a part of a figure already told: "170 people, including 13 soldiers".
_PART_OF_A_WHOLE = frozenset({"including", "among", "incl", "of"})
_INCLUDING = frozenset({"including", "among", "incl"})


def _part_value(words: list[str], j: int) -> int | None:
    """The number at j when it counts people ("60 Afghans", "a contractor"), not things nor "two of them"."""
    value = _number(words[j]) if 0 <= j < len(words) else None
    following = words[j + 1] if j + 1 < len(words) else ""
    if value is None or following in ("", "of") or following in _NOT_PEOPLE or following in ATTACKER_NOUNS:
        return None
    if words[j] in ("a", "an", "both") and not _person_follows(words, j):
        return None
    return value


def _ends_a_part(word: str) -> bool:
    return word in _PART_JOINERS or word in _PART_STOP or _number(word) is not None


def _parts_after(words: list[str], j: int) -> int:
    """"killing two Americans and a British soldier": the parts after the first add up (one more here)."""
    total = 0
    while True:
        k = j + 1
        while k < len(words) and k - j <= _PART_NOUN_WORDS and not _ends_a_part(words[k]):
            k += 1
        if k == j + 1 or k >= len(words) or words[k] not in _PART_JOINERS:
            return total
        m = k + 1
        while m < len(words) and words[m] in _QUANTIFIERS:
            m += 1
        value = _part_value(words, m)
        if value is None:
            return total
        total, j = total + value, m


def _parts_before(words: list[str], j: int) -> int:
    """"Three soldiers, two of them seriously, and two Iraqi police were wounded": 3 + 2, not 2."""
    total = 0
    while True:
        k = j - 1
        while k >= 0 and words[k] in _QUANTIFIERS:
            k -= 1
        part = _part_before(words, k) if k >= 1 and words[k] in _PART_JOINERS else None
        if part is None:
            return total
        total, j = total + (_part_value(words, part) or 0), part


def _aside_before(words: list[str], joiner: int) -> int:
    """Where a part's "with ... injuries" aside starts, if one ends at the joiner ("four Americans with traumatic
    brain injuries and one Iraqi wounded": the Americans are a part); else the joiner."""
    if joiner > 0 and words[joiner - 1] in WOUNDED_WORDS:
        for m in range(joiner - 2, max(-1, joiner - 6), -1):
            if words[m] == "with":
                return m
    return joiner


def _part_before(words: list[str], joiner: int) -> int | None:
    """Where the part before a joiner starts: its number, past an aside ("two of them seriously")."""
    aside = _aside_before(words, joiner)
    for m in range(aside - 1, max(-1, aside - 9), -1):
        if words[m] in _PART_STOP or (_number(words[m]) is not None and m == joiner - 1):
            return None  # past the list, or a range: "between 10 and 20"
        if _number(words[m]) is None or words[m + 1] == "of":
            continue
        if (m > 0 and words[m - 1] in _PART_OF_A_WHOLE) or _part_value(words, m) is None:
            return None  # "170 people, including 13 soldiers, and about 150 were wounded": no parts
        return m
    return None


def _vague(words: list[str], j: int) -> bool:
    """"A number of", "a few": an amount, not a figure."""
    return words[j] in ("a", "an") and j + 1 < len(words) and words[j + 1] in _VAGUE_AMOUNTS


def _person_follows(words: list[str], j: int) -> bool:
    return any(w in PERSON_NOUNS for w in words[j + 1:j + 4])
