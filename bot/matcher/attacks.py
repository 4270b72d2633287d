"""Does a story report an attack on a tracked site? If so: which site, which local day, what hit it, the toll,
and who claimed it. Pure: a story and a gazetteer in, attacks out."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from bot.matcher.casualties import NUMBER_WORDS, PERSON_NOUNS, count_casualties
from bot.matcher.dates import RECENT_DAYS, DayMention, clock_edge, find_days
from bot.matcher.prefilter import Prefiltered, prefiltered
from bot.matcher.sites import (
    ARTICLES,
    NATIONALITY_GROUPS,
    NEARBY_PLACE_WORDS,
    OTHER_NATIONALITY_WORDS,
    Gazetteer,
    Mention,
    words_for_kind,
)
from bot.matcher.stories import split_sentences
from bot.matcher.story_memo import one_story, per_story
from bot.matcher.tokens import Token, tokenize, words
from bot.models import Attack, Evidence, Story

# What hit the site, in the vocabulary of DOMAIN.md. Order matters only for reading.
_WEAPON_REGEXES = (
    ("rocket", r"\brockets?\b(?![- ](?:launchers?\s+(?:was|were)\s+found|system|defen[cs]e))|\bkatyushas?\b|"
               r"\brocketed\b|"  # "the base was rocketed overnight"
               r"\b(?:107|122|240)\s?mm\b|\brpgs?\b"),
    ("missile", r"\bmissiles?\b|\bballistic\b|\bcruise\b"),
    ("mortar", r"\bmortar(?:s|ed)?\b"),
    ("drone", r"\bdrones?\b|\buavs?\b|\bunmanned\s+(?:aerial|air|aircraft|planes?)\b|\bquadcopters?\b|\bkamikaze\b|"
              r"\bone-way\s+attack|\bloitering\s+munitions?\b"),
    ("explosive", r"\bieds?\b|\bimprovised\s+explosive|\broadside\s+bombs?\b|\bcar\s+bombs?\b|\bvbieds?\b|"
                  r"\bsuicide\s+(?:bomb|bomber|bombing|attack|vest)|\bexplosive\s+devices?\b|"
                  r"(?<!\bto\s)\bbombs?\b(?![- ]laden)|"  # not the verb: "jets tried to bomb the base"
                  r"\bsticky\s+bombs?\b|\bbooby[- ]trap|"
                  # A blast at a gate is set off there, not fired in: "an explosion at the entrance to the airport"
                  r"\b(?:explosions?|blasts?)\s+(?:at|near|outside|by)\s+(?:the\s+|an?\s+)?(?:\w+\s+)?"
                  r"(?:entrance|gate|gates|checkpoint|entry)\b"),
    # ("jets ... tried to bomb the base": jets that bomb make an airstrike)
    ("airstrike", r"\bair\s?strikes?\b|\bair\s+raids?\b|\bwarplanes?\b|\bfighter\s+jets?\b|\baerial\s+bombardment|"
                  r"\bjets\s+(?:[\w-]+\s+){0,8}?(?:bombed|(?:tried|attempted)\s+to\s+bomb)\b"),
    # ("shelled with four rockets": the rockets, not artillery)
    ("artillery", r"\bartillery\b|\bshelling\b|\bshelled\b(?!\s+(?:with|by)\s+(?:[\w-]+\s+){0,2}?(?:rockets?|missiles?|"
                  r"mortars?|drones?|katyushas?)\b)|\bhowitzers?\b|\bartillery\s+shells?\b"),
    ("gunfire", r"\bgunfire\b|\bgunmen\b|\bgun\s?fights?\b|\bfire\s?fights?\b|\bgun\s+battles?\b|"
                r"\bopened\s+fire\b|\bsmall[- ]arms\b|\bsnipers?\b|\bshooting\b|"
                r"\bmachine[- ]?guns?\b|\bshots\s+(?:were\s+)?fired\b|\bfired\s+shots\b"),
    ("other", r"(?<!propelled[- ])\bgrenades?\b"),  # a rocket-propelled grenade is a rocket
)
WEAPON_PATTERNS: tuple[tuple[str, Prefiltered], ...] = tuple(
    (weapon, prefiltered(pattern, re.I)) for weapon, pattern in _WEAPON_REGEXES)
# Verbs and nouns that report something happening to a place.
_HIT = prefiltered(
    r"\b(attack(?:ed|s|ing)?|struck|strikes?|hit(?:s|ting)?|target(?:ed|ing|s)?|fired|landed|land(?:s|ing)?|"
    r"shell(?:ed|ing)|bombard(?:ed|ment)|explo(?:sion|sions|ded|de)|blasts?|impact(?:ed|s)?|intercept(?:ed|ion|s)?|"
    r"shot\s+down|downed|assault(?:ed)?|raid(?:ed)?|ambush(?:ed)?|came\s+under|fell|crashed|slammed|"
    r"rocketed|pounded|salvos?|barrage|volley|detonat(?:ed|ion)|set\s+off|sirens?|falls?|fallen|"
    r"bombed|bombing|storm(?:ed|ing)?|blew\s+up|fight(?:ing)?\s+(?:their|its|his)\s+way|fought\s+(?:their|its|his)\s+way)\b",
    re.I)
# A weapon's course to the site, read only where a weapon is named (_aimed_at): "the third aimed for Erbil airport",
# "was heading for a base ... at Erbil International Airport".
_COURSE = r"\baim(?:ed|ing)\s+(?:for|at)\b|\bheading\s+(?:for|to|toward|towards)\b"
_ATTACK_WORD = prefiltered("|".join([_HIT.pattern, *(p.pattern for _, p in WEAPON_PATTERNS), r"\bfire\b", _COURSE]),
                           re.I)
# Without a weapon named, only these say "attack": not "landed", "fell", "hit", "fired" (a plane lands).
_STRONG_HIT = prefiltered(
    r"\b(attack(?:ed|s|ing)?|struck|target(?:ed|ing)|shell(?:ed|ing)|bombard(?:ed|ment)|explo(?:sion|sions|ded)|"
    r"blasts?|assault(?:ed)?|raid(?:ed)?|ambush(?:ed)?|came\s+under|rocketed|detonat(?:ed|ion)|"
    r"bomb(?:ed|ing)|strikes?\s+(?:on|against)|"
    # Fire turned on a place is an attack with no weapon named ("insurgents fired on the airfield"), but not
    # "fired on Sunday" (a day) nor a plain "fired" (a worker is fired, a plane's engines fire).
    r"fired\s+(?:up)?on(?!\s+(?:\w+day|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|the\s+\d|\d))|"
    r"indirect[- ]fire|"
    # An armed force as the subject of "hit" ("Pakistan's military has hit Bagram Air Base"), and an attack tried
    # ("jets tried to bomb the base"): no weapon need be named.
    r"(?:military|army|air\s+force|forces|troops|jets|warplanes|militias?)\s+(?:has\s+|have\s+|had\s+)?hit|"
    r"(?:tried|attempted|trying|attempting)\s+to\s+(?:bomb|strike|attack|hit|target|shell))\b", re.I)
# "tried to bomb the base": the attempt points at what follows it.
_TRIED_TO = prefiltered(r"\b(?:tried|attempted|trying|attempting)\s+to\s+(?:bomb|strike|attack|hit|target|shell)"
                        r"\s+(?:the\s+|an?\s+)?(?:[\w.'’-]+\s+){0,3}$", re.I)
# The site as the place where sirens sounded: "warning sirens inside the U.S. consulate compound" is an alarm there,
# not a hit ("sirens sound as rockets hit the embassy" still points the rockets at it).
_SIRENS_AT = prefiltered(r"\bsirens?\s+(?:(?:sounded|sounding|sound|wailed|wailing|blared|blaring|went\s+off|were\s+"
                         r"heard|heard)\s+)?(?:inside|in|at|within|across|around|over)\s+(?:the\s+)?$", re.I)
# Said outright: not an attack on the site, or a first report taken back.
_RULED_OUT = prefiltered(
    r"\b(ruled\s+out\s+(?:an?\s+)?attack|not\s+the\s+target|(?:was|were)\s+not\s+(?:the\s+)?(?:targeted|hit|struck|"
    r"target)|(?:has|have|had)\s+not\s+been\s+(?:attacked|targeted|hit|struck)|no\s+(?:\w+\s+){0,4}(?:were|was)\s+(?:aimed|fired|launched|directed)|denying\s+reports|denied\s+reports|"
    r"not\s+caused\s+by\s+an?\s+attack|mistakenly|wrongly|erroneously|"
    r"initially\s+(?:said|reported|claimed|stated)(?!\s+(?:no|zero)\s+(?:casualties|injuries|deaths))|"
    r"controlled\s+(?:detonations?|explosions?|blasts?)|(?:was|were|is)\s+not\s+(?:an?\s+)?attacks?|"
    r"before\s+(?:it|they)\s+(?:could\s+)?(?:fire|be\s+fired|launch|be\s+launched|fired|launched|(?:was|were)\s+fired)|"
    r"launchers?\s+(?:\w+\s+){0,3}aimed\s+at|but\s+(?:was\s+|were\s+)?not\s+(?:yet\s+)?(?:fired|launched)|"
    r"(?:was|were)\s+never\s+(?:fired|launched))\b",
    re.I)
# Explosions only heard near a site, with no weapon named: a sound, no attack told on the site (what blew up, and
# where, is not said).
_HEARD_NEAR = prefiltered(r"(?:\bsounds?\s+of\s+(?:\w+\s+){0,3}?(?:explosions?|blasts?)|\b(?:explosions?|blasts?)\s+"
                          r"(?:\w+\s+){0,2}?(?:heard|audible))\b[^.;]{0,60}?\b(?:near|around|close\s+to|"
                          r"in\s+the\s+vicinity\s+of)\s+(?:the\s+)?(?:[\w.'’-]+\s+){0,3}$", re.I)
_DESTINATION = prefiltered(r"\b(?:bound|headed|heading|destined|en\s+route|on\s+(?:its|their)\s+way)\s+(?:for|to|"
                          r"toward|towards)\s+(?:the\s+)?$", re.I)
# "two kilometres from the compound": a distance puts the event away from the site.
_AT_A_DISTANCE = prefiltered(r"\b(?:\d+(?:\.\d+)?|a|one|two|three|four|five|six|seven|eight|nine|ten|several|few)\s*"
                            r"(?:kilomet(?:re|er)s?|km|miles?|met(?:re|er)s?|m|yards?)\s+(?:away\s+)?(?:from|of|north\s+of|"
                            r"south\s+of|east\s+of|west\s+of|outside)\s+(?:[\w.'’-]+\s+){0,5}$", re.I)
# "a house north-west of the airport": a place in some direction from the site, not the site.
_BEARING_FROM = prefiltered(r"\b(?:north|south|east|west)(?:[- ]?(?:east|west))?(?:ern)?\s+(?:of|from)\s+"
                           r"(?:the\s+)?(?:[\w.'’-]+\s+){0,2}$", re.I)
# Training, not fighting: mortars fired on a range during an exercise are no attack.
_DRILL = prefiltered(r"\b(exercises?|drills?|training|rehearsals?|simulated|live-fire|war\s+games)\b", re.I)
# Something fired whose kind is not said ("a projectile hit the arrivals hall"): an attack, with no weapon named.
_UNNAMED_WEAPON = prefiltered(r"\bprojectiles?\b", re.I)
# What has happened many times, or also, with no day: history, not a report ("has targeted the airport several
# times in the past", "Iran-backed groups have also targeted the garrison").
_HABITUAL = prefiltered(r"\b(?:several|many|numerous|multiple|countless|dozens\s+of)\s+times\b|"
                       r"\bon\s+(?:several|many|numerous)\s+occasions\b|\brepeatedly\b|"
                       r"\bin\s+the\s+past\b(?!\s+(?:\d+|few|two|three|24|48|several)\b)|"
                       # "was often targeted by rockets and drones in past years": a habit of the site, no attack
                       r"\b(?:often|frequently|regularly|routinely|commonly)\s+(?:been\s+)?(?:targeted|attacked|hit|"
                       r"struck|shelled)\b|\bin\s+(?:the\s+)?(?:past|previous|recent|earlier)\s+years\b|"
                       r"\b(?:has|have)\s+also\s+(?:been\s+)?(?:targeted|attacked|hit|struck|shelled)\b|"
                       # "drones have hit the airports of Abha and Jazan before", "has been hit twice before by"
                       r"\b(?:has|have)\s+(?:been\s+)?(?:\w+\s+){0,2}?(?:targeted|attacked|hit|struck|shelled)\b"
                       r"[^.;]{0,60}?\bbefore\b(?=\s*(?:[.,;]|by\b|$))", re.I)
# What did not happen: an "if" clause, a modal verb phrase ("could be targeted if Iran is attacked").
_UNREAL = prefiltered(r"\b(?:if|unless)\b[^,;.]*|\b(?:could|would|might|may(?!\s+\d{1,2}\b)|will|shall)\s+"
                     r"(?:not\s+)?(?:have\s+)?(?:be(?:en)?\s+)?\w+", re.I)
# Verbs for a real, physical event (not the noun "attacks" in analysis).
_EVENT = prefiltered(
    r"\b(indirect[- ]fire|struck|hit|fired|landed|exploded|shot\s+down|downed|intercepted|shelled|crashed|slammed|"
    r"targeted|"
    r"came\s+under|fell|detonated|pounded|rocketed|was\s+attacked|were\s+attacked|attacked|impacted|"
    r"explosions?|blasts?|under\s+(?:an?\s+)?(?:\w+\s+)?(?:attack|fire|bombardment|shelling))\b", re.I)
# Modal and threat words: an attack that has not happened.
_HYPOTHETICAL = prefiltered(
    # ("the May 19 attack": the month, not the modal verb)
    r"\b(could|would|might|may(?!\s+\d{1,2}\b)|will|shall|threat(?:en(?:ed|s)?)?|vow(?:ed|s)?|warn(?:ed|s|ing)?|plan(?:ned|s)?|"
    r"intend(?:ed|s)?|prepar(?:e|ed|ing)|capable|potential|possible|risk|fear(?:ed|s)?|if|unless|pledged|"
    r"promised|wants?\s+to|seek(?:s|ing)?\s+to|aim(?:ed|s)?\s+to)\b", re.I)
_DENIAL = prefiltered(r"\b(denied|denies|deny|denying|rejected|dismiss(?:ed|es)?|refut(?:ed|es|ing)|unfounded|"
                     r"baseless|false|fake|rumou?rs?|no\s+attack|"
                     r"not\s+(?:an?\s+|the\s+result\s+of\s+an?\s+)?attack|no\s+sign\s+of\s+(?:an?\s+)?attack|"
                     r"did\s+not\s+(?:attack|target|strike|hit)|never\s+happened)\b", re.I)
# What a denial covers: "the coalition denied that rockets had hit Ain al-Asad, calling the reports false".
_DENIED_CLAUSE = prefiltered(r"\b(?:denied|denies|deny|denying|dismissed|dismisses|rejected|rejects|refuted|refutes)\s+"
                            # "denied on Sunday reports that": the day of the denial between
                            r"(?:(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday)\s+)?"
                            r"(?:(?:the\s+)?(?:reports?|claims?|rumou?rs?)\s+)?that\b[^;]*?"
                            r"(?=,\s+(?:but|calling|saying|adding|while|though)\b|;|$)", re.I)
# "The killing of three American soldiers at Tower 22": people killed at the site, told with no attack verb.
_COUNT_WORDS = "|".join(sorted((w for w in NUMBER_WORDS if w not in ("a", "an", "single", "both", "couple", "pair")),
                               key=len, reverse=True))
_KILLED_AT = prefiltered(rf"\b(?:killings?|deaths?|wounding)\s+of\s+(?:at\s+least\s+|more\s+than\s+)?"
                        rf"(?:\d+|{_COUNT_WORDS})\s+(?:[\w.'’-]+\s+){{0,2}}?(?:{'|'.join(sorted(PERSON_NOUNS))})\s+"
                        rf"(?:at|in|inside|on)\s+(?:the\s+)?(?:[\w.'’-]+\s+){{0,2}}$", re.I)
# "more than 40 troops were wounded at Tower 22": people hurt at the site, told with no attack verb.
_HURT_AT = prefiltered(rf"\b(?:{'|'.join(sorted(PERSON_NOUNS))})\s+(?:were|was|had\s+been|have\s+been|has\s+been)\s+"
                      r"(?:\w+\s+)?(?:killed|wounded|injured|hurt)\s+(?:at|inside)\s+(?:the\s+)?$", re.I)
# After another site's name, words that make this site where that one is: "the Harir base near Erbil airport".
_LOCATES_OTHER = prefiltered(r"^(?:\s*[\w'’-]+){0,3}?\s*,?\s+(?:which\s+is\s+|located\s+|situated\s+)?"
                            r"(?:near|outside|close\s+to|next\s+to|not\s+far\s+from|"
                            r"(?:north|south|east|west)(?:[- ]?(?:east|west))?(?:ern)?\s+of)\s+(?:the\s+)?$", re.I)
# "opened fire on a checkpoint near Camp Taji": what was hit is a place near the site, not the site.
_OTHER_PLACES = frozenset({"house", "houses", "home", "homes", "farm", "farms", "building", "school", "mosque",
                           "car", "vehicle", "convoy", "truck", "residential", "camp", "post"})
_PLACE_NEAR = prefiltered(r"\b(?:on|at|in|into|struck|hit|targeted|attacked)\s+(?:an?\s+|the\s+)?(?:[\w'’-]+\s+){0,2}?"
                         rf"(?:{'|'.join(sorted(NEARBY_PLACE_WORDS | _OTHER_PLACES))})\s+"
                         r"(?:near|outside|close\s+to|next\s+to|by|not\s+far\s+from)\s+(?:the\s+)?"
                         r"(?-i:[A-Z][\w'’-]*\s+)?$", re.I)  # the kind word of a name found by its core: "Camp "
# Some place of a kind, not named, in the city or region a site is named by: "drones had targeted a U.S. base in ".
_A_PLACE_IN = prefiltered(r"\ban?\s+(?:[\w.'’-]+\s+){0,2}?(?:base|outpost|facility|camp|compound|installation|site|"
                         r"position|post)\s+(?:in|near|outside)\s+$", re.I)
# ... unless the site is named with its kind: "a facility near Baghdad International Airport".
_WITH_ITS_KIND = re.compile(r"[\w.'’-]+(?:\s+[\w.'’-]+){0,3}?\s+(?:air\s*port|air\s*base|base|airfield|field|camp|"
                            r"garrison|embassy|consulate|plant|facility|complex)\b", re.I)
# A list of places the attack words point at, the site its last item: "struck the Green Zone, Taji and the ".
_PLACE_LIST = re.compile(r"(?:(?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}\s*(?:,\s*(?:and\s+)?|\s+and\s+)){1,4}"
                         r"(?:the\s+)?$")
_NOT_ATTACK = prefiltered(
    r"\b(fire\s+breaks\s+out|blaze|caught\s+fire|short[- ]circuit|"  # drills: see _DRILL
    r"visit(?:ed|s|ing)?|toured?|handover|handed\s+over|withdraw(?:al|n)?|"
    r"contract|accident|fire\s+broke\s+out|weather|sandstorm|crash\s+landing|ceremony|inspected|met|meet|meets|"
    r"meeting|talks|discuss(?:ed)?|conference|signed|inaugurat(?:ed|ion)|opened)\b", re.I)
# Forces at a site who fire, launch or strike themselves ("troops at the garrison fired rockets at"): the site is
# where the fire came from.
_STATIONED = prefiltered(r"\b(troops|forces|soldiers|personnel|units?|batter(?:y|ies)|gunners|crews?|artillery|"
                        r"launchers|himars|jets|aircraft|warplanes|helicopters)\s+(?:stationed\s+|based\s+|"
                        r"deployed\s+)?(?:at|in)\s+(?:the\s+)?$", re.I)
_FIRED_ELSEWHERE = prefiltered(r"^[^.;:]{0,40}?(?<!were\s)(?<!was\s)(?<!been\s)\b(fired|fires|launched|launches|"
                              r"struck|strikes|hits?|shelled|shells|pounded|pounds|carried\s+out|conducted)\b"
                              r"(?![^.;]{0,12}\bby\b)", re.I)
# Forces at a site who bring down what came at it: "forces at al-Dhafra fired Patriot missiles to bring down the
# projectiles" defend the site from an attack.
_DEFENDED = prefiltered(r"^[^.;]{0,60}?\b(?:intercept(?:ed|ing)?|shot\s+down|shoot\s+down|br(?:ing|ought)\s+down|"
                       r"downed|engaged\s+(?:two|three|several|the|an?|incoming)|repelled|thwarted)\b"
                       r"(?![^.;]{0,40}\b(?:toward|towards|heading|headed|bound\s+for|en\s+route)\b)", re.I)
# Forces or weapons brought to a site: a movement, whatever weapon words it names.
_MOVED = prefiltered(r"\b(arriv(?:e|ed|es|ing|al)|(?:re)?deploy(?:ed|s|ing|ment)|relocat(?:e|ed|es|ing|ion)|"
                    r"moved|transferred|rotat(?:e|ed|ing|ion)|"
                    # ... or kept there: "60 warplanes are parked at the base, including drones"
                    r"parked|massed|massing)\b", re.I)
# Aircraft that land at a site arrive there ("four more F-16 jets landed at the base"); rockets that land hit it.
_AIRCRAFT_LANDED = prefiltered(r"\b(?:jets?|warplanes?|aircraft|planes?|fighters|f-\d+s?|helicopters?)\b[^.;]{0,60}?"
                              r"\b(?:landed|touched\s+down)\s+(?:at|in|on)\b", re.I)
# A crowd that storms a site: a protest or a riot, not fire from DOMAIN.md's weapons.
_PROTESTERS_STORMED = prefiltered(r"\b(?:protesters|demonstrators|supporters|crowds?|mobs?|rioters)\b[^.;]{0,80}?"
                                 r"\b(?:stormed|storming|broke\s+into|besieged|torched)\s+(?:the\s+|its\s+)?"
                                 r"(?:[\w.'’-]+\s+){0,3}$", re.I)
# Weapons that police or troops seize, find or defuse: no attack was made with them.
_SEIZED = prefiltered(r"\b(?:seiz(?:e|ed|es|ing|ure)|confiscat\w+|defus(?:e|ed|es|ing)|dismantl\w+)\b", re.I)
# Forces at the site, named before as "the base", who fire from it: what follows is their fire's, not the attack's.
_FIRE_FROM_THE_SITE = prefiltered(r"\b(?:troops|forces|soldiers|units?|batter(?:y|ies)|artillery|gunners)\s+"
                                 r"(?:stationed\s+|based\s+)?(?:at|in)\s+the\s+(?:base|garrison|field|airport|site|"
                                 r"facility|outpost|camp)\s+(?:\w+\s+){0,2}?(?:shelled|fired|struck|pounded|launched|"
                                 r"bombarded|hit)\b", re.I)
# A base described by the troops it hosts at the site ("a base hosting US troops at"): the site is where it is.
_HOSTING = prefiltered(r"\b(?:hosting|housing|hosts|houses)\s+(?:[\w.'’-]+\s+){0,2}$", re.I)
# Words before a site that make it where an attack came from, not what it hit.
_ORIGIN = prefiltered(r"\b(from|out\s+of|stationed\s+(?:at|in)|based\s+(?:at|in)|deployed\s+(?:at|to|in)|"
                     r"took\s+off\s+from|launched\s+from|operating\s+(?:from|out\s+of)|departed|flew\s+from|"
                     r"housed\s+(?:at|in)|forces\s+at|troops\s+at|jets\s+at|aircraft\s+at|"
                     r"(?:systems|batteries|launchers|artillery|guns|howitzers)\s+at)\s*"
                     r"(?:the\s+|\w+\s+)?$", re.I)
# After an attack word, the words that lead to its target: "fired at the", "landed inside", "attack on".
_AIM = prefiltered(r"\b(on|at|against|targeting|targeted|toward|towards|near|around|into|inside|within|struck|hit|"
                  r"attacked|hitting|striking|outside|over|in|upon|hits|strikes|rocked|shelled|pounded|rocketed|approach(?:ing)?|"
                  r"heading\s+(?:for|toward|towards)|reach(?:ing|ed)?|"
                  r"bombed|of)\s+(?:[\w.'’:,“”\"-]+\s+){0,4}(?:\b(?:al|el|ad|ar|as|at|an|ash|az)-)?$", re.I)
# Verbs whose object is what was hit, and the few words that may stand between verb and name.
_TRANSITIVE = prefiltered(r"aim(?:ed|ing)\s+(?:for|at)|"
                         r"struck|hits?|hitting|strikes|targets|targeted|targeting|attacked|attacks|shelled|bombed|"
                         r"pounded|rocketed|storm|stormed|storming", re.I)
# After a site's name: "Ain al-Asad air base, which hosts U.S. troops, was hit", "al-Omar field attacked by
# drones", "the Erbil airport attack".
_SUBJECT_HIT = prefiltered(r"^[^;!?]{0,80}?\b(was|were|had\s+been|has\s+been|came|comes|come|is|are|been)\s+"
                          r"(?:\w+\s+){0,2}?(attacked|hit|struck|targeted|under|shelled|rocketed|bombarded|rocked|"
                          r"shaken|bombed|stormed)\b|"
                          # "was the target of 15 rockets" (not "has been the target of many attacks": a history)
                          r"^[^;!?]{0,80}?\b(?:was|were)\s+the\s+target\s+of\b|"
                          # "had been the target of the drone": the one just told
                          r"^[^;!?]{0,80}?\b(?:had|has)\s+been\s+the\s+(?:intended\s+)?target\s+of\s+(?:the|this|that|an?)\s+"
                          r"(?:[\w-]+\s+)?(?:drones?|rockets?|missiles?|mortars?|attack|strike|bombing|uavs?)\b|"
                          # "suffered heavy damage in the airstrikes": the site as what the attack damaged
                          r"^[^;!?]{0,40}?\b(?:suffered|sustained)\s+(?:[\w-]+\s+){0,2}?damage\s+(?:in|from)\s+"
                          r"(?:the\s+|an?\s+)?(?:[\w-]+\s+){0,2}?(?:attacks?|strikes?|air\s?strikes?|air\s+raids?|raids?|"
                          r"bombardment|shelling|bombing|rockets?|missiles?|drones?)\b", re.I)
_PARTICIPLE_HIT = prefiltered(r"^[^;!?,]{0,30}?\b(attacked|hit|struck|targeted|shelled|rocketed|bombed)\s+(?:by|with|"
                             r"in|overnight|early|late|on)\b", re.I)
# "fires at its facilities in Abqaiq and Khurais as a result of drones": what happened there was caused by them.
_CAUSED_AFTER = prefiltered(r"^[^;!?]{0,40}?\b(?:as\s+a\s+result\s+of|caused\s+by|resulting\s+from)\b", re.I)
_ATTACK_NOUN_AFTER = prefiltered(r"^[\W\w]{0,40}?\b(attack|strike|explosion|blast|bombing)s?\b", re.I)
# "Air defences at the base intercepted a drone": what was aimed at the site was stopped there.
_DEFENCES_AT = prefiltered(r"\b(?:(?:air\s+)?defen[cs]es?\s+(?:systems?\s+)?|(?:counter|anti)-[\w-]+\s+systems?\s+)"
                          r"(?:at|of|on|over)\s+(?:the\s+)?$", re.I)
# "the base's defences shot down two drones": the site's own defences, named after it.
_ITS_DEFENCES = re.compile(r"['’]s\s+(?:(?:air|missile)\s+)?(?:defen[cs]es?|(?:[\w-]+\s+)?systems?)\b", re.I)
_STOPPED = prefiltered(r"^[^;!?]{0,120}?\b(intercepted|shot\s+down|downed|brought\s+down|destroyed)\b", re.I)
# "the Green Zone, home to the U.S. Embassy": the site describes the place that was hit.
_DESCRIBES_ANOTHER = prefiltered(r"\b(?:home\s+to|which\s+(?:houses|hosts|includes)|that\s+(?:houses|hosts))\s+"
                                r"(?:the\s+)?(?:[\w.'’-]+\s+){0,2}$", re.I)
_OBJECT_GAP = re.compile(r"\s+[“\"‘']?(?:[\w.'’-]+\s+){0,3}(?:\b(?:al|el|ad|ar|as|at|an|ash|az)-)?", re.I)
# Counts and ranges that make a sentence about attacks in general.
_GENERAL = prefiltered(r"\b(dozens|scores|hundreds|many|numerous|multiple|repeated|more\s+than\s+\d+|"
                      r"at\s+least\s+\d+|some\s+\d+|\d+)\s+"
                      r"(?:\w+\s+){0,2}attacks\b|\b(series|string|spate|wave|campaign|pace|number|frequency)\s+"
                      r"of\s+(?:\w+\s+){0,2}attacks\b|\battacks\s+(?:\w+\s+){0,4}since\b|\bsince\s+(?:the\s+)?"
                      r"(?:start|beginning|outbreak)", re.I)
# A site that only tells of the attack, in a closing attribution: "..., the U.S. embassy said."
_SPEAKER_AFTER = re.compile(r"\s+(?:said|says|reported|announced|stated|confirmed|added|wrote|tweeted)\b", re.I)
_TRAILING_SUBJECT = prefiltered(r",\s+(?:the\s+|a\s+)?(?:[\w.'’-]+\s+){0,4}[\w.'’-]+$", re.I)
# A site named only to say what a district holds: "the Green Zone, where the U.S. Embassy is located" (an area,
# not the site; "Basra airport, where the consulate is located" puts the consulate at the airport that was hit).
# (An embassy's mention may start at its city, named before "where": the name's end is what "where" reaches.)
_WHERE_BEFORE = prefiltered(r"\b(?:zone|district|area|neighbou?rhood|quarter|city|capital)\s*,?\s+where\s+(?:the\s+)?"
                            r"(?:[\w.'’-]+\s+){0,3}[\w.'’-]+$", re.I)
_IS_LOCATED = re.compile(r"\s+(?:is|are)\s+(?:also\s+)?(?:located|situated|based|housed|headquartered)\b|"
                         r"\s+(?:sits|lies|stands)\b", re.I)
_RELATIVE = re.compile(r"(?:where|which|who|whose|whom)\b", re.I)
# The killing an attack avenges is its motive, not an attack on the place where it happened.
_MOTIVE = prefiltered(r"\b(?:revenge|aveng\w*|retaliat\w*|reprisal|in\s+response|answer\w*|anniversary)\b[^;]{0,60}"
                     r"\b(?:killing|assassination|martyrdom|death|murder|slaying)s?\b[^;]*$", re.I)
# A commemoration of an attack after the site in its clause: "families gathered on Tuesday to mark the first
# anniversary of the attack": the day is the gathering's, the attack an old one.
_COMMEMORATED = prefiltered(r"\b(?:mark(?:s|ed|ing)?|commemorat\w+|remember(?:s|ed|ing)?)\s+(?:the\s+)?(?:\w+\s+)?"
                           r"anniversary\s+of\s+(?:the|this|that)\s+(?:\w+\s+){0,2}?(?:attacks?|strikes?|bombing|"
                           r"assault)\b", re.I)
# A toll counted over a country or a whole campaign, not one site's: "four people have been killed across the
# country since the strikes began".
_WIDER_TOLL_PHRASES = (
    r"across\s+the\s+(?:country|nation|kingdom|region|emirates)", r"nationwide", r"country-?wide",
    r"throughout\s+the\s+(?:country|nation|kingdom)",
    r"since\s+the\s+(?:\w+\s+){0,2}(?:strikes|attacks|war|conflict|escalation|hostilities|campaign|offensive)\s+"
    r"(?:began|started|erupted)",
)
# A toll "in attacks" (plural) is a tally of many attacks: "three contractors have been wounded in attacks on Balad"
# (spun: "in assaults"); not the toll of attacks the story tells: "in two drone attacks", "in the attacks". So is a
# wider toll.
_TALLY = prefiltered(r"\b(?:killed|wounded|injured|hurt)\s+in\s+(?!(?:the|these|those|two|three|four|both|twin)\b)"
                    r"(?:\w+\s+){0,3}(?:attacks|assaults)\b|\b(?:" + "|".join(_WIDER_TOLL_PHRASES) + r")\b", re.I)
# "revenge for the January 3 killing": a day that dates the motive (a killing), not an attack.
_MOTIVE_BEFORE_DAY = prefiltered(r"\b(?:revenge|aveng\w*|retaliat\w*|reprisal|response|answer\w*|anniversary)\s+"
                                r"(?:for|to|of)?\s*(?:the\s+)?$", re.I)
_KILLING_AFTER_DAY = prefiltered(r"^\W*(?:\w+\s+)?(?:killing|assassination|martyrdom|death|murder|slaying)\b", re.I)
# "to avenge the assassination on January 3 of Soleimani", "retaliation for the killing on Jan. 3": the same motive,
# its day told after the killing.
_MOTIVE_KILLING_BEFORE_DAY = prefiltered(r"\b(?:revenge|aveng\w*|retaliat\w*|reprisal|response|answer\w*)\b"
                                        r"[^.;]{0,30}?\b(?:killing|assassination|martyrdom|death|murder|slaying)\s+"
                                        r"(?:on|of)\s+$", re.I)
# Another attack than the one being told: its toll and weapons are not this one's.
# ("follows two earlier attacks by the group on the Harir base": counted, they are still earlier ones.)
_OTHER_ATTACK = prefiltered(r"\b(?:last\s+(?:week|month)['’]s|yesterday['’]s|(?:an?|the|two|three|four|five|several|"
                           r"\d+)\s+(?:earlier|previous|prior|similar))\s+(?:\w+\s+){0,2}(?:attacks?|strikes?|"
                           r"barrages?|assaults?)\b", re.I)
# A day in "following the incident of 22 June," dates what came before.
_EARLIER_DAY = prefiltered(r"\b(?:after|following|since)\s+(?:the\s+)?(?:\w+\s+){0,2}(?:of|on)?\s*$", re.I)
# Relative words for the publish day: weaker than a named day for the same attack in the same story.
_PUBLISH_DAY_WORDS = frozenset({"today", "tonight", "overnight", "this morning", "this afternoon", "this evening",
                                "earlier today", "at dawn"})
_CLAUSE_BREAK = prefiltered(r",\s+(?=(?:where|which|when|while|after|following|as|before|whereas|though|"
                           r"although|but|who|whose|and)\b)|\s+(?=(?:after|following|days\s+after|a\s+day\s+after|weeks\s+after|"
                           r"months\s+after|since|in\s+(?:response|retaliation|reprisal)\s+(?:to|for))\b)|"
                           r"\s[—–-]\s|;\s|\(|\)", re.I)
_CLAIM = (
    prefiltered(r"(?:calling\s+itself|calls\s+itself|known\s+as)\s+((?:[A-Z][\w'’-]*|al-[\w'’-]+)(?:\s+(?:[A-Z][\w'’-]*|"
               r"al-[\w'’-]+|of|the|in|al|wa))*)[^.;]{0,80}?\bclaimed\b"),
    prefiltered(r"((?:[A-Z][\w'’-]*|al-[\w'’-]+|of|the|for|in|al|bin|wa)(?:\s+(?:[A-Z][\w'’-]*|al-[\w'’-]+|of|the|"
               r"for|in|al|bin|wa|\([A-Z]+\)))*)\s*,?\s+(?:\w+\s+){0,2}(?:has\s+|have\s+|had\s+)?claimed\s+"
               r"(?:responsibility|the\s+attack|the\s+strike|credit|the\s+drone|the\s+rocket|it)"),
    prefiltered(r"claimed\s+by\s+(?:an?\s+|the\s+)?(?:little-known\s+|shadowy\s+|obscure\s+|Iran-backed\s+|"
               r"Iraqi\s+|militia\s+|group\s+|armed\s+)*((?:[A-Z][\w'’-]*|al-[\w'’-]+)(?:\s+(?:[A-Z][\w'’-]*|"
               r"al-[\w'’-]+|of|the|for|in|al|wa|\([A-Z]+\)))*)"),
    prefiltered(r"responsibility\s+(?:was|has\s+been)\s+claimed\s+by\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,2}?"
               r"((?:[A-Z][\w'’-]*|al-[\w'’-]+)(?:\s+(?:[A-Z][\w'’-]*|al-[\w'’-]+|of|the|for|in|al|wa))*)"),
)
_NOT_A_GROUP = re.compile(r"^(?:no|nobody|none|it|they|he|she|the|a|an|who|which|officials?|security|"
                          r"sources?|iraqi|u\.?s\.?|there)$", re.I)
_CLAIM_TRAILING = re.compile(r"^(?:The|A|An|In|On|At|But|And|Later|Earlier|Meanwhile|However|Separately|"
                             r"Statement|Telegram|Saturday|Sunday|Monday|Tuesday|Wednesday|Thursday|Friday)\s+")
_ANAPHOR_WINDOW = 4  # sentences back that "the base" may reach
WEAPON_REACH = 70  # characters either side of a site's name where the weapon that hit it is named


@dataclass
class _Draft:
    site_id: str
    day: date | None
    explicit: bool  # dated by an event day in its own sentence, not by the story's lead or publish time
    from_title: bool  # only the headline told it: it belongs to the story's dated attack on the site
    edge: str | None = None
    weak: bool = False  # dated only by "today" or "overnight": a named day for the site in the story wins
    news: bool = False  # told with no day as news, not as a follow-up (Attack.told_as_news)
    weapons: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    killed: list[tuple[int, bool]] = field(default_factory=list)  # (figure, superseded)
    wounded: list[tuple[int, bool]] = field(default_factory=list)
    some_wounded: bool = False  # "several Afghans were wounded": a toll with no figure, so no zero holds
    claim: str | None = None
    headline: str | None = None  # kept last in the evidence: a headline reads worse than a sentence
    headline_weapons: list[str] = field(default_factory=list)  # used only when the body names none
    details: list[str] = field(default_factory=list)  # later sentences that add the toll or the claim
    decided: list[Evidence] = field(default_factory=list)  # which sentence decided which fact, for --explain
    in_passing: bool = False  # told with its day past RECENT_DAYS but within PASSING_DAYS: a source only


@dataclass(frozen=True, slots=True)
class _Sentence:
    text: str
    mentions: list[Mention]
    is_title: bool = False
    carried_weapons: tuple[str, ...] = ()  # "It hit the outpost": what the sentence before named

    @property
    def tokens(self) -> list[Token]:
        """Made when first asked for (the story's memo keeps them): only sentences naming a site are asked."""
        return _tokens(self.text)


def local_publish_time(story: Story, timezone: str) -> datetime:
    try:
        zone = ZoneInfo(timezone)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return story.published.astimezone(zone)


def find_attacks(story: Story, gazetteer: Gazetteer) -> list[Attack]:
    """Every attack on a tracked site that the story reports, one per (site, local day)."""
    return analyse_story(story, gazetteer)[0]


def analyse_story(story: Story, gazetteer: Gazetteer) -> tuple[list[Attack], list[str]]:
    """The attacks a story reports, and every tracked site it names (attacked or not)."""
    with one_story():  # its sentences' days, tolls, weapons and claims are asked for again and again
        return _analyse_story(story, gazetteer)


def _analyse_story(story: Story, gazetteer: Gazetteer) -> tuple[list[Attack], list[str]]:
    sentences = _read_sentences(story, gazetteer)
    named = list(dict.fromkeys(m.site_id for s in sentences for m in s.mentions))
    # Which mentions report an attack is read first: a story that names a site without one (a visit, a
    # contract) is done before its days are read.
    reported = [_attack_mentions(sentence) if sentence.mentions else [] for sentence in sentences]
    if not any(reported):
        return [], named
    if _told_long_ago(sentences, local_publish_time(story, gazetteer.sites[named[0]].timezone)):
        return [], named
    drafts: list[_Draft] = []
    lead_days: dict[str, DayMention | None] = {}
    last_told: tuple[int, date] | None = None  # the sentence that last told an attack's day, and that day
    unarmed = any(_UNARMED_DRONE.search(s.text) for s in sentences)
    for index, sentence in enumerate(sentences):
        first_days: dict[str, date | None] = {}  # the day of each site's first attack mention in the sentence
        for mention, clause in reported[index]:
            near = _near_only_at(sentence, mention)
            if near is not None and (any(_AIMED_ELSEWHERE.search(s.text) for s in sentences) or
                                     _FIRED_INTO.search(sentence.text, 0, near)):
                continue  # "missiles fired at what they called a spy headquarters ... ten fell near the consulate",
                # "Rockets fired into the Green Zone land near the US embassy": aimed elsewhere, fell near the site
            if _only_heard_near(sentence, mention, reported, index):
                continue  # "a source reported the sound of several explosions near Erbil International Airport"
            if _REPORTED_BY_OTHERS.search(sentence.text) and _denies_reports(sentences):
                continue  # "... denied reports of a drone strike on the field. Some outlets had reported a drone
                # attack on the field on Sunday evening": the report denied, no attack told
            if unarmed and _CRASHED.search(sentence.text) and set(_weapons_in(sentence.text)) <= {"drone"}:
                continue  # "a drone crashed in the camp ... it carried no explosives, only a camera": no attack
            site = gazetteer.sites[mention.site_id]
            published = local_publish_time(story, site.timezone)
            days = find_days(sentence.text, published)
            # ("A drone was downed near the garrison hours after U.S. strikes": "hours after" dates the strikes.)
            days = [d for d in days if not (d.dates_what_follows and d.start > _name_start(sentence, mention))]
            chosen = _named_in_apposition(_day_for(days, clause, _name_start(sentence, mention), sentence.text),
                                          days, sentence.text)
            if site.id in first_days:  # a later clause on the same site: another attack only on a day of its own
                if chosen is None or chosen.day is None or chosen.old or chosen.is_report_date or \
                        chosen.from_event or not _in_clause(chosen.start, clause) or chosen.day == first_days[site.id]:
                    continue
            else:
                first_days[site.id] = chosen.day if chosen is not None else None
            if chosen is not None and chosen.old:
                if not _in_passing(chosen, published):
                    continue
                # "On 4 January, two drones attacked the base", told 24 days on: a source of that day's incident,
                # if one was opened, never a new one (pipeline.decide).
                draft = _draft_for(drafts, site.id, chosen.day, explicit=True,  # type: ignore[arg-type]
                                   from_title=index == 0 and bool(story.title))
                draft.in_passing = True
                draft.decided.append(Evidence("day", sentence.text))
                _gather(draft, sentence, mention, clause, index, sentences, published)
                continue
            if chosen is None and any(d.old or d.before_today for d in days) and not _has_recent_day(days):
                continue  # "... in January 2020, when Iranian missiles also struck the base": background;
                # "It follows a drone attack on Abha's airport earlier this month": an earlier one, undated
            if chosen is None and _OTHER_ATTACK.search(_clause_text(sentence.text, clause)):
                continue  # "last week's attack on the same base killed two": not the attack this story tells
            continued = _latest_draft(drafts, site.id) if sentence.carried_weapons else None
            if continued is not None and (chosen is None or chosen.is_report_date or chosen.day == continued.day):
                # "They landed inside the field without causing casualties, a spokesman said on Saturday": the
                # attack the sentence before told, going on.
                _gather(continued, sentence, mention, clause, index, sentences, published)
                continue
            day_text, day_list = sentence.text, days
            if (chosen is None or chosen.is_report_date) and mention.strength != "anaphor":
                told = _day_told_next(sentences, index, published)
                if told is not None:  # "... an official said on Thursday. The attack took place the day before."
                    chosen, day_text, day_list = told
            if chosen is not None and chosen.day is not None:
                weak = day_text[chosen.start:chosen.end].lower() in _PUBLISH_DAY_WORDS and not _AGAIN.search(
                    _clause_text(sentence.text, clause))
                stated = _day_stated_before(chosen, days, sentences, index, published) if day_text is sentence.text \
                    else None
                first = _counted_from_the_last_event(chosen, chosen.day, drafts, published, stated)
                if (published.date() - first).days > RECENT_DAYS:
                    continue  # "On January 14 ... Two days earlier, mortars struck the base": told as background
                joined = _days_joined_to(chosen, day_list, day_text, first)
                for day, on in ((chosen, first), *joined):
                    morning = _told_this_morning(day, on, published, day_text)
                    draft = _draft_for(drafts, site.id, on, explicit=not day.is_report_date or morning,
                                       from_title=index == 0 and bool(story.title), weak=weak)
                    # A story that tells two days apart ("late on Friday and early on Saturday") has not
                    # mistaken one attack near midnight for the next day's: no edge to cross.
                    draft.edge = draft.edge or (None if joined else day.edge or clock_edge(
                        day_text, on, site.timezone) or ("early" if morning else None))
                    draft.decided.append(Evidence("day", day_text))
                    # "Ten were injured in two attacks late on Friday and early on Saturday": the toll told with
                    # two days is the first's; only a zero ("There were no injuries") holds for each.
                    _gather(draft, sentence, mention, clause, index, sentences, published, zeros_only=day is not chosen)
                last_told = (index, first)
                continue
            else:
                draft = _latest_draft(drafts, site.id) if mention.strength == "anaphor" or not _has_recent_day(
                    days) else None
                if draft is not None:
                    draft = _draft_of_its_weapons(drafts, draft, _clause_text(sentence.text, clause))
                if draft is None and _told_as_earlier(sentence.text, clause):
                    continue  # "strikes on Friday in retaliation for the Tower 22 attack", "weeks after a drone
                    # attack on Tower 22": an earlier one, undated
                if draft is None and last_told is not None and last_told[0] == index - 1 and _ALSO.search(
                        _clause_text(sentence.text, clause)):
                    # "... attacks had targeted the embassy on Tuesday. Three drones also targeted a facility near
                    # the airport": the day the sentence before told.
                    draft = _draft_for(drafts, site.id, last_told[1], explicit=True,
                                       from_title=index == 0 and bool(story.title))
                if draft is None:
                    if site.id not in lead_days:
                        lead_days[site.id] = _lead_day(sentences, published)
                    lead = lead_days[site.id]
                    if lead is not None and lead.old:
                        continue
                    day = lead.day if lead is not None and lead.day else published.date()
                    # "Rockets again hit Ain al-Asad": a new attack, not a recap of the last one.
                    # "... said a drone attack on the al-Omar oil field did no damage": an attack first told here,
                    # not "the attack on" one told before: news of the story's day, no follow-up of an older one.
                    again = bool(_AGAIN.search(_clause_text(sentence.text, clause)) or _A_NEW_ATTACK.search(
                        sentence.text, max(0, _name_start(sentence, mention) - 60), _name_start(sentence, mention)))
                    draft = _draft_for(drafts, site.id, day, explicit=again,
                                       from_title=index == 0 and bool(story.title))
                    draft.news = draft.news or (not again and _told_as_news(sentence, mention, clause))
            _gather(draft, sentence, mention, clause, index, sentences, published)
    if len(drafts) > 1:
        _zeros_for_all_told(drafts, sentences)
    drafts = _without_headline_guesses(_merge_inferred(_merge_weak(drafts)), sentences)
    _claim_for_the_story(drafts, sentences)
    return [_finish(draft) for draft in drafts], named


# A sentence of no site that speaks of every attack just told: "Neither incident caused injuries", "None of the
# attacks caused casualties".
_OF_ALL_TOLD = prefiltered(r"^\W*(?:(?:neither|none\s+of\s+the)\s+(?:\w+\s+)?(?:incidents?|attacks?|strikes?)|"
                           r"none\s+of\s+(?:them|the\s+(?:two|three|four|five|six)))\b", re.I)  # "None of the four"
_ALL_TOLD_REACH = 4  # sentences back


def _zeros_for_all_told(drafts: list[_Draft], sentences: list[_Sentence]) -> None:
    """A none said of all the attacks just told is each one's, though other sites were told in between."""
    for index, sentence in enumerate(sentences):
        if sentence.mentions or not _OF_ALL_TOLD.match(sentence.text):
            continue
        before = {s.text for s in sentences[max(0, index - _ALL_TOLD_REACH):index]}
        for draft in drafts:
            if sentence.text not in draft.details and not before.isdisjoint(draft.evidence) and \
                    _add_toll(draft, sentence.text, zeros_only=True):
                draft.details.append(sentence.text)
                draft.decided.append(Evidence("toll", sentence.text))


# What other outlets reported, told as such: "Some outlets had reported a drone attack on the field", "Some Kurdish
# outlets had reported earlier on Saturday that drones hit the base".
_REPORTED_BY_OTHERS = prefiltered(r"\b(?:some|several|other|a\s+few|local|social|earlier)\s+(?:[\w-]+\s+){0,2}?"
                                  r"(?:outlets|media|websites|sites|channels|accounts|reports|news\s+agencies)\s+"
                                  r"(?:had\s+|have\s+)?(?:reported|claimed|said|circulated)\b", re.I)
# A story that denies reports: "denied reports of a drone strike on", "refutes reports that".
_DENIES_REPORTS = prefiltered(r"\b(?:den(?:ied|ies|y|ying)|refut(?:ed|es|ing)?|dismiss(?:ed|es|ing)|"
                              r"reject(?:ed|s|ing))\s+"
                              r"(?:(?:on\s+)?\w+day\s+)?(?:the\s+)?(?:media\s+)?(?:reports?|claims?|rumou?rs?)\b", re.I)


_STOPPED_ANYWHERE = prefiltered(r"\b(?:intercept(?:ed|ion|s)?|shot\s+down|downed|brought\s+down)\b", re.I)


def _only_heard_near(sentence: _Sentence, mention: Mention, reported: list[list[tuple[Mention, Clause]]],
                     index: int) -> bool:
    """Explosions heard near the site, no weapon or defence named, and no other sentence of the story telling an
    attack there: a sound, not an attack told ("Two blasts were heard near the consulate. The first came as its
    defences shot down a drone inside the perimeter" is one)."""
    text = sentence.text
    site_at = _name_start(sentence, mention)
    if not _HEARD_NEAR.search(text, max(0, site_at - 120), site_at) or _weapons_in(text) or \
            _DEFENCE_WEAPONS.search(text) or _STOPPED_ANYWHERE.search(text):
        return False  # "Explosions heard near US embassy in Baghdad as C-RAM fires": its defences met something
    return not any(m.site_id == mention.site_id for i, told in enumerate(reported) if i != index for m, _ in told)


def _denies_reports(sentences: list[_Sentence]) -> bool:
    return any(_DENIES_REPORTS.search(s.text) for s in sentences)


# An attack told as news: a weapon with "a" or a number, then what it did, before the site in its clause: "Two
# drones hit communications towers near the Majnoon oil field", "a reconnaissance drone went down at a facility in",
# "A drone attack targeted a U.S. base near" (a follow-up says "the attack on", "the drones that hit").
_AS_NEWS = prefiltered(r"(?:^|[^\w’'])(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|several|\d+)\s+"
                       r"(?:[\w-]+\s+){0,2}?(?:drones?|rockets?|missiles?|mortars?|projectiles?|uavs?|(?:drone|rocket|"
                       r"missile|mortar)\s+(?:attack|strike))\s+(?:\w+\s+){0,2}?(?:hit|struck|targeted|fell|crashed|"
                       r"landed|exploded|went\s+down|came\s+down|slammed)\b", re.I)
# ... unless it is told as what something answered or followed, or as what was claimed.
_NOT_AS_NEWS = prefiltered(r"\b(?:after|following|since|claim(?:ed|s|ing)?|responsibility|retaliation|response|"
                           r"revenge|reprisal|earlier|last\s+week|previous|toll)\b", re.I)


def _told_as_news(sentence: _Sentence, mention: Mention, clause: Clause) -> bool:
    site_at = _name_start(sentence, mention)
    before = " ".join(sentence.text[a:min(b, site_at)] for a, b in clause if a < site_at)
    return bool(_AS_NEWS.search(before)) and not _NOT_AS_NEWS.search(sentence.text)


# A drone the story says was unarmed: one that crashed at a site is an accident, not an attack (DOMAIN.md counts
# "one-way attack drones, armed UAVs").
_UNARMED_DRONE = prefiltered(r"\b(?:unarmed|camera|commercial|hobby|toy|photography)\s+(?:drones?|uavs?|"
                             r"quadcopters?)\b|"
                             r"\b(?:carr(?:ying|ied)|held|had|contained)\s+no\s+(?:explosives?|weapons?|bombs?|"
                             r"payload|munitions?)\b|\bonly\s+for\s+(?:photography|filming|imaging|taking\s+pictures)\b",
                             re.I)
_CRASHED = prefiltered(r"\b(?:crash(?:ed|es)?|came\s+down|fell)\b", re.I)
# Fire the story says was aimed at a place that is no tracked site: "fired missiles late Monday at what they called
# an Israeli spy headquarters", "at the home of a businessman".
_AIMED_ELSEWHERE = prefiltered(r"\b(?:fired|launched|aimed)\b[^.;]{0,60}?\bat\s+(?:what\s+(?:they|it)\s+(?:called|"
                              r"described\s+as|said\s+was)\s+)?(?:an?\s+|the\s+)?(?:[\w'’-]+\s+){0,3}"
                              r"(?:headquarters|home|house|villa|residence|hideout)\b", re.I)
# Fire the sentence aims at a place before it names the site: "Rockets fired into the Green Zone, land near ...".
_FIRED_INTO = prefiltered(r"\b(?:fired|launched|aimed|lobbed)\s+(?:into|towards?|at)\b", re.I)
# Only "near" the site: what fell near it, with no word that it hit the site itself.
_NEAR_ONLY = prefiltered(r"\b(?:fell|landed|land|lands|struck|exploded|impacted|hit)\s+"
                        r"(?:near|close\s+to|around|next\s+to)\s+(?:the\s+)?(?:[\w.'’-]+\s+){0,3}$", re.I)


def _near_only_at(sentence: _Sentence, mention: Mention) -> int | None:
    """Where the words begin that put what fell only near the site ("landed near the"), if they do."""
    # (An embassy's mention may start at its city, named earlier: "Baghdad's Green Zone, land near US embassy".)
    site_at, last_at = _name_start(sentence, mention), sentence.tokens[mention.end - 1].start
    for at in (site_at, last_at) if "," in sentence.text[site_at:last_at] else (site_at,):
        start = max(0, at - 50)
        found = _NEAR_ONLY.search(sentence.text[start:at])
        if found:
            return start + found.start()
    return None


# A story whose lead says it was told on a weekday this many days or more before its publish day ("officials said
# on Monday" on a Friday) is a late rewrite or a repost: news tells by weekday what happened days ago, not a week.
# The labels' background rule: an attack told with its day up to four weeks back is still a source of its incident.
PASSING_DAYS = 28


def _in_passing(day: DayMention, published: datetime) -> bool:
    """A day past RECENT_DAYS but within four weeks (a stated day, not "last month")."""
    return day.day is not None and RECENT_DAYS < (published.date() - day.day).days <= PASSING_DAYS


_STALE_TELLING_DAYS = 4
_WEEKDAY_NAME = prefiltered(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)


def _told_long_ago(sentences: list[_Sentence], published: datetime) -> bool:
    for sentence in sentences[:3]:
        for day in find_days(sentence.text, published):
            if day.is_report_date and day.day is not None:
                return (published.date() - day.day).days >= _STALE_TELLING_DAYS and bool(
                    _WEEKDAY_NAME.search(sentence.text, day.start, day.end))
    return False


# Local hour before which a report told "on" its publish day may be of the night before.
_MORNING_ENDS = 12


# A sentence that opens on a new event: "A drone struck ...", "BAGHDAD - Two rockets hit ..." (not "The attack on
# the base wounded three, officials said": a follow-up about an attack told before).
_FRESH_EVENT = prefiltered(r"^\W*(?:[A-Z][A-Z ,.]+\s*[-–—:]\s*)?(?:an?|one|two|three|four|five|six|several|multiple|"
                          r"\d+)\s+(?:[\w-]+\s+){0,2}?(?:drones?|rockets?|missiles?|mortars?|projectiles?|uavs?|"
                          r"shells?)\b", re.I)


def _told_this_morning(day: DayMention, on: date, published: datetime, text: str) -> bool:
    """"A drone struck the base, a source told us on Wednesday", published Wednesday morning: a new attack of
    that day, or of the night before (an edge another outlet's "Tuesday evening" may stand across)."""
    return day.is_report_date and on == published.date() and published.hour < _MORNING_ENDS and bool(
        _FRESH_EVENT.match(text))


def _attack_mentions(sentence: _Sentence) -> list[tuple[Mention, Clause]]:
    """For each site the sentence names, its first mention that reports an attack, with its clause."""
    chosen: dict[str, tuple[Mention, Clause]] = {}
    again: list[tuple[Mention, Clause]] = []
    for mention in sentence.mentions:
        if mention.site_id in chosen:
            # "On Friday the base was targeted by a missile, and on Saturday rockets fell around the base": a
            # later clause with a day of its own may tell another attack (the caller keeps it if its day differs).
            first = chosen[mention.site_id][1]
            if len(sentence.mentions) > 1 and mention.start > first[0][0]:
                clause = _clause_of(sentence.text, _name_start(sentence, mention))
                if clause[0][0] >= first[-1][1] and _DAY_WORD.search(_clause_text(sentence.text, clause)) and \
                        _reports_attack(sentence, mention, clause):
                    again.append((mention, clause))
            continue
        clause = _clause_of(sentence.text, _name_start(sentence, mention))
        if _reports_attack(sentence, mention, clause):
            chosen[mention.site_id] = (mention, clause)
    return [*chosen.values(), *again]


# A day named in a clause: a weekday, or a month with a day number.
_DAY_WORD = prefiltered(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|"
                        r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|"
                        r"\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))", re.I)


def _name_start(sentence: _Sentence, mention: Mention) -> int:
    """Where the name starts in the text, its article included: "at al-Tanf" reads "at" before the name."""
    start = mention.start
    while start > 0:
        previous = sentence.tokens[start - 1]
        glued = sentence.text[previous.end:previous.end + 1] == "-"  # "al-", "at-", "ad-"
        if not (previous.norm in ("al", "el") or (previous.norm in ARTICLES and glued)):
            break
        start -= 1
    return sentence.tokens[start].start


_tokens = per_story(tokenize)  # a sentence's tokens, made once a story, for the few sentences that need them
_words = per_story(words)  # every sentence's words as written and their norms: no Token objects
_NATIONALITY_WORDS = frozenset().union(*NATIONALITY_GROUPS)


def _read_sentences(story: Story, gazetteer: Gazetteer) -> list[_Sentence]:
    """Each sentence with the sites it names. Most sentences of a story that names a site name none: they are
    read by their words alone, and tokenized only when a name, a nationality or a word referring back to a
    site named before ("the base") may stand in them (~1 us a token)."""
    # Split here, not when the feed is read: most stories name no site, and the first look needs no sentences.
    body = split_sentences(story.text)
    texts = [story.title, *body] if story.title else list(body)
    looked = [_words(text) for text in texts]
    story_words = Counter(norm for _, norms in looked for norm in norms)
    sentences: list[_Sentence] = []
    recent: list[tuple[int, str]] = []  # (sentence index, site id) of named mentions, newest last
    learned: dict[str, frozenset[str]] = {}  # words the story itself gives a site's kind by: "installation"
    for index, (text, (written, norms)) in enumerate(zip(texts, looked, strict=True)):
        distinct = set(norms)
        # Gazetteer.find, with the first look asked of the words before any token is made.
        mentions = gazetteer.find_in_every_word(_tokens(text), story_words) \
            if gazetteer.may_name_a_site(written, norms) else []
        if not distinct.isdisjoint(_NATIONALITY_WORDS):
            mentions += gazetteer.find_by_nationality(_tokens(text), story_words,
                                                      named=(m.site_id for m in mentions))
        # "Harir" alone after the story named Harir Air Base (Gazetteer.named_again)
        told = [site_id for _, site_id in recent if not distinct.isdisjoint(gazetteer.cores_told_again(site_id))]
        if told:
            mentions += gazetteer.named_again(_tokens(text), told, mentions)
        for mention in mentions:
            learned[mention.site_id] = learned.get(mention.site_id, frozenset()) | _kind_named_by(_tokens(text),
                                                                                                 mention)
        if _may_refer_back(distinct, mentions, recent, index, gazetteer, learned):
            mentions += _anaphors(_tokens(text), mentions, recent, index, gazetteer, learned)
        mentions.sort(key=lambda m: m.start)
        for mention in mentions:
            if mention.strength == "name":
                recent.append((index, mention.site_id))
        carried = tuple(_weapons_in(texts[index - 1])) if index > 0 and _PRONOUN_HIT.match(text) else ()
        sentences.append(_Sentence(text, mentions, is_title=index == 0 and bool(story.title),
                                   carried_weapons=carried))
    if recent:
        _name_told_next(sentences, looked, gazetteer)
    return sentences


# Words that open a clause telling another event: an indefinite place after them is not the sentence's own.
_SUBORDINATE_BEFORE = prefiltered(r"\b(?:after|following|since|before|while|whereas|when|as)\b", re.I)
_CATAPHOR_REACH = 2  # sentences ahead where the site that "an air base" was is named
_INDEFINITE = frozenset({"a", "an"})


def _name_told_next(sentences: list[_Sentence], looked: list[tuple[list[str], list[str]]],
                    gazetteer: Gazetteer) -> None:
    """"An air base in western Iraq ... came under attack by rockets on Thursday evening. The army closed the roads
    around Ain al-Asad air base": an indefinite place of a site's kind, attacked in a sentence that names no site of
    that kind, is the site of that kind named in the next sentence or two (which tells no attack of its own), when
    no other site of that kind is named before it."""
    for index, sentence in enumerate(sentences):
        if _INDEFINITE.isdisjoint(looked[index][1]):
            continue
        ahead = [(k, m) for k in range(index + 1, min(len(sentences), index + 1 + _CATAPHOR_REACH))
                 for m in sentences[k].mentions if m.strength == "name"]
        if not ahead:
            continue
        kind_words = set(looked[index][1]) & frozenset().union(*(gazetteer.anchor_words(m.site_id) for _, m in ahead))
        kind_words -= frozenset().union(*(gazetteer.anchor_words(m.site_id) for m in sentence.mentions))
        if not kind_words or not _ATTACK_WORD.search(sentence.text):
            continue
        tokens = sentence.tokens
        # the first indefinite place of such a kind in the sentence
        position = next((p for p, t in enumerate(tokens) if t.norm in kind_words and _indefinite(tokens, p)), None)
        if position is None or _SUBORDINATE_BEFORE.search(sentence.text, 0, tokens[position].start):
            continue  # "... hours after Iran fired missiles at a US base in Qatar": another attack told aside
        kind_word = tokens[position].norm
        kinds = [(k, m) for k, m in ahead if kind_word in gazetteer.anchor_words(m.site_id)]
        at, first = kinds[0]
        if any(m.site_id != first.site_id for k, m in kinds if k == at):
            continue  # two sites of that kind named together: which one is not told
        if any(m.site_id == first.site_id for m, _ in _attack_mentions(sentences[at])):
            continue  # the next sentence tells its own attack on the site
        sentence.mentions.append(Mention(first.site_id, position, position + 1, "anaphor"))
        sentence.mentions.sort(key=lambda m: m.start)


def _indefinite(tokens: list[Token], position: int) -> bool:
    """Whether the word at position follows "a" or "an", past at most a few words that describe the site."""
    j = position - 1
    while j > 0 and position - j <= _MOST_DESCRIBERS and tokens[j].norm in _SITE_DESCRIBERS:
        j -= 1
    return j >= 0 and tokens[j].norm in _INDEFINITE


def _may_refer_back(distinct: set[str], named: list[Mention], recent: list[tuple[int, str]], index: int,
                    gazetteer: Gazetteer, learned: dict[str, frozenset[str]]) -> bool:
    """Whether _anaphors can find anything in a sentence of these words: "the" or "its", and a word by which a
    site named in it or a few sentences back may be referred to."""
    if "the" not in distinct and "its" not in distinct:
        return False
    told = {site_id for at, site_id in recent if index - at <= _ANAPHOR_WINDOW} | {m.site_id for m in named}
    return any(not distinct.isdisjoint(gazetteer.anchor_words(site_id)) or
               not distinct.isdisjoint(learned.get(site_id, ())) for site_id in told)


# A sentence whose subject is the weapon just told: "It hit the outpost early Sunday morning".
# "One hit a blast wall; the other fell short of the base": one of the weapons just told.
_PRONOUN_HIT = prefiltered(r"^\W*(?:it|they|one|both|the\s+other|another|the\s+(?:first|second|third))\s+"
                          r"(?:\w+\s+)?(?:hit|struck|slammed\s+into|crashed\s+into|landed|exploded|fell|targeted|"
                          r"attacked)\b", re.I)
# Words that give the name of the place noun before them: "the small desert installation known as Tower 22".
_NAMING_WORDS = frozenset({"called", "named", "dubbed", "nicknamed"})


def _kind_named_by(tokens: list[Token], mention: Mention) -> frozenset[str]:
    """The kind a naming phrase gives a site whose own name has none ("an outpost called Tower 22"): the story
    may go on to call it "the outpost" or "the base"."""
    norms = [t.norm for t in tokens[max(0, mention.start - 4):mention.start]]
    while norms and norms[-1] in ARTICLES - {"as"}:
        norms.pop()
    if len(norms) >= 3 and norms[-2:] == ["known", "as"]:
        return words_for_kind(norms[-3])
    if len(norms) >= 2 and norms[-1] in _NAMING_WORDS:
        return words_for_kind(norms[-2])
    return frozenset()


def _anaphors(tokens: list[Token], named: list[Mention], recent: list[tuple[int, str]], index: int,
              gazetteer: Gazetteer, learned: dict[str, frozenset[str]]) -> list[Mention]:
    """"The base", "the airport", "the compound": the latest site of that kind named before it, in this
    sentence or a few sentences back."""
    found: list[Mention] = []
    for position, token in enumerate(tokens[1:], start=1):
        if not _determined(tokens, position):
            continue
        if any(m.start <= position < m.end for m in named):
            continue  # part of a name: "the Ain al-Asad air base"
        following = tokens[position + 1].norm if position + 1 < len(tokens) else ""
        if following in NEARBY_PLACE_WORDS or _placed_elsewhere(tokens, position, named) or \
                _placed_at_named(tokens, position, named) or _another_country_s(tokens, position, named):
            continue
        earlier = [(index, m.site_id) for m in named if m.end <= position]
        told = [*recent, *earlier]
        for sentence_index, site_id in reversed(told):
            if index - sentence_index > _ANAPHOR_WINDOW:
                break
            if _refers_to(token.norm, site_id, gazetteer, learned):
                # "the airports of Abha and Jizan ... the same airport": of two sites of its kind named in one
                # sentence, the one the story named first, its subject
                pair = {other for i, other in told if i == sentence_index and _refers_to(token.norm, other, gazetteer,
                                                                                         learned)}
                site_id = next(other for _, other in told if other in pair) if len(pair) > 1 else site_id
                found.append(Mention(site_id, position, position + 1, "anaphor"))
                break
    return found


# Words that may describe the site between "the" and its kind word: "the heavily fortified base", "the sprawling
# desert air base". Only words that describe; "the nearby base", "the other base", "the Iraqi base" may be another.
_SITE_DESCRIBERS = frozenset({
    "air", "military", "oil", "gas", "u", "us", "american", "same", "sprawling", "main", "heavily", "fortified",
    "remote", "desert", "vast", "large", "huge", "massive", "strategic", "isolated", "besieged", "guarded",
    "tightly", "well", "secured", "largest", "biggest", "busy", "busiest", "small", "tiny"})
_MOST_DESCRIBERS = 3


def _determined(tokens: list[Token], position: int) -> bool:
    """Whether the word at position follows "the" or "its", past at most a few words that describe the site."""
    j = position - 1
    while j > 0 and position - j <= _MOST_DESCRIBERS and tokens[j].norm in _SITE_DESCRIBERS:
        j -= 1
    return tokens[j].norm in ("the", "its") and (j == position - 1 or tokens[j].norm == "the")


def _refers_to(word: str, site_id: str, gazetteer: Gazetteer, learned: dict[str, frozenset[str]]) -> bool:
    return word in gazetteer.anchor_words(site_id) or word in learned.get(site_id, frozenset())


def _placed_at_named(tokens: list[Token], position: int, named: list[Mention]) -> bool:
    """"the US base inside the Conoco gas field": a kind word placed at a site named right after it is that
    site, not the one named before."""
    if position + 1 >= len(tokens) or tokens[position + 1].norm not in ("in", "inside", "at", "within", "of"):
        return False
    return any(position + 2 <= m.start <= position + 4 and m.strength == "name" for m in named)


_COUNTRY_KINDS = (words_for_kind("embassy") | words_for_kind("consulate")) - {"compound"}  # not "an Iraqi base"


def _another_country_s(tokens: list[Token], position: int, named: list[Mention]) -> bool:
    """"... fell near the United Arab Emirates consulate, and the UAE condemned the targeting of the consulate":
    the same kind word told just before in the sentence with a nationality, and no tracked site, is the place
    referred back to."""
    word = tokens[position].norm
    if word not in _COUNTRY_KINDS:
        return False
    return any(tokens[j].norm == word and not any(m.start <= j < m.end for m in named) and any(
        t.norm in _NATIONALITY_WORDS or t.norm in OTHER_NATIONALITY_WORDS for t in tokens[max(0, j - 3):j])
        for j in range(position - 1, 0, -1))


def _placed_elsewhere(tokens: list[Token], position: int, named: list[Mention]) -> bool:
    """"the airport in the Saudi city of Najran": a kind word placed in a named city that is no tracked site
    is another place of that kind, not the site named before ("the base in Anbar province" still is)."""
    if position + 1 >= len(tokens) or tokens[position + 1].norm not in ("in", "at", "of", "near", "outside"):
        return False
    place = tokens[position + 2:position + 8]
    return any(t.norm in ("city", "town", "village", "capital") for t in place) and any(
        token.is_capitalised and not any(m.start <= j < m.end for m in named)
        for j, token in enumerate(place, start=position + 2))


Clause = tuple[tuple[int, int], ...]  # character ranges of a sentence


def _clause_of(sentence: str, offset: int) -> Clause:
    """The clause around `offset`. A relative clause after the site ("Balad air base, where contractors
    once worked, on Saturday") is stepped over: what follows its closing comma is the main clause again."""
    start, end = 0, len(sentence)
    ender: re.Match[str] | None = None
    for match in _CLAUSE_BREAK.finditer(sentence):
        if match.end() <= offset:
            start = match.end()
        elif match.start() > offset:
            end = match.start()
            ender = match
            break
    ranges = [(start, end)]
    if ender is not None and _RELATIVE.match(sentence, ender.end()):
        comma = sentence.find(",", ender.end())
        if comma != -1:
            resume = comma + 1
            stop = next((m.start() for m in _CLAUSE_BREAK.finditer(sentence) if m.start() > resume), len(sentence))
            ranges.append((resume, stop))
    return tuple(ranges)


def _clause_text(sentence: str, clause: Clause) -> str:
    return " ".join(sentence[a:b] for a, b in clause)


def _in_clause(position: int, clause: Clause) -> bool:
    return any(a <= position < b for a, b in clause)


def _reports_attack(sentence: _Sentence, mention: Mention, clause: Clause) -> bool:
    text = sentence.text
    clause_text = _clause_text(text, clause)
    site_at = _name_start(sentence, mention)
    weapons = _weapons_in(clause_text) or _weapons_in(text) or _UNNAMED_WEAPON.findall(text) or list(
        sentence.carried_weapons)
    killing = _KILLED_AT.search(text[max(0, site_at - 120):site_at]) or _HURT_AT.search(
        text[max(0, site_at - 80):site_at])
    hits = _STRONG_HIT.search(clause_text) or (_HIT.search(text) if weapons else None) or _attack_before_relative(
        text, clause) or killing
    if not (weapons or hits):
        return False  # "the Pope landed at Baghdad airport": landing, falling, hitting need a weapon
    if _DRILL.search(text) or _RULED_OUT.search(text) or _HABITUAL.search(clause_text):
        return False
    if _DESTINATION.search(text[max(0, site_at - 30):site_at]):
        return False  # "a convoy bound for Ain al-Asad was hit": the convoy, on a road elsewhere
    if _AT_A_DISTANCE.search(text[max(0, site_at - 60):site_at]) or \
            _BEARING_FROM.search(text[max(0, site_at - 30):site_at]):
        return False  # "about ten kilometres from Erbil airport", "north-west of the airport": near, not at it
    before = text[max(0, site_at - 40):site_at]
    origin = _ORIGIN.search(before)
    # "rockets fired at forces at X", "rockets landed near forces at X" and "troops at X were attacked" aim at
    # the site; "artillery based at X fired" starts there; "forces at X brought down missiles" defend it.
    after = text[sentence.tokens[mention.end - 1].end:]
    # ("counter-rocket systems at X shot down a drone", "the base's defences shot down": the site's defences.)
    defended = bool((_STATIONED.search(before) or _DEFENCES_AT.search(before) or _ITS_DEFENCES.match(after)) and
                    _DEFENDED.match(after))
    # ("an attack on US and coalition forces at the Tanf base": the forces there are what was aimed at.)
    if origin and _HOSTING.search(before[:origin.start()]):
        origin = None  # "struck an Iraqi base hosting US troops at Baghdad's airport": the base there was hit
    if origin and not defended and not re.search(r"\b(at|on|near|targeting|targeted|against|hit|struck|attacked|"
                                                 r"toward|towards)\s+"
                                                 r"(?:the\s+)?"
                                                 r"(?:[\w.'’-]+\s+){0,3}$", before[:origin.start()][-32:], re.I) \
            and not _SUBJECT_HIT.match(after[:80]):
        return False
    if _MOTIVE.search(text[:site_at]):
        return False  # "in revenge for the January 3 killing of Soleimani at Baghdad airport": the motive
    if _COMMEMORATED.search(text, site_at, next((b for a, b in clause if a <= site_at < b), len(text))):
        return False  # "... the drone strike on Tower 22 gathered on Tuesday to mark the anniversary of the attack"
    if _STATIONED.search(before) and _FIRED_ELSEWHERE.match(after) and not defended:
        return False  # "U.S. troops at the al-Tanf garrison fired rockets at a depot": the site's own fire
    if _HYPOTHETICAL.search(clause_text) and not _EVENT.search(_UNREAL.sub(" ", clause_text)):
        return False
    if _DENIAL.search(text) and not _EVENT.search(text):
        return False
    if any(m.start() < site_at < m.end() for m in _DENIED_CLAUSE.finditer(text)):
        return False  # "the coalition denied that rockets had hit the base"
    if _SIRENS_AT.search(text, max(0, site_at - 50), site_at):
        return False  # "warning sirens inside the U.S. consulate compound": an alarm, not a hit
    if _PLACE_NEAR.search(text[max(0, site_at - 70):site_at]):
        return False  # "gunmen opened fire on a checkpoint near Camp Taji": the checkpoint, not the base
    if _A_PLACE_IN.search(text[max(0, site_at - 60):site_at]) and not _WITH_ITS_KIND.match(text, site_at):
        return False  # "a U.S. base in Erbil": a base somewhere in the city, not Erbil's airport
    if _SPEAKER_AFTER.match(after) and _TRAILING_SUBJECT.search(text, max(0, site_at - 60),
                                                                sentence.tokens[mention.end - 1].end):
        return False  # "A facility at the airport was attacked, the U.S. embassy said": the speaker, not the target
    if _IS_LOCATED.match(after) and _WHERE_BEFORE.search(text, max(0, site_at - 60),
                                                         sentence.tokens[mention.end - 1].end):
        return False  # "mortars fell in the Green Zone, where the U.S. Embassy is located": the zone, not the embassy
    if _locates_another(sentence, mention, site_at):
        return False  # "the Harir base near Erbil airport": Erbil airport says where Harir is
    if _NOT_ATTACK.search(clause_text) and not (_EVENT.search(clause_text) or weapons):
        return False
    if set(weapons) <= {"airstrike"} and _AIRCRAFT_LANDED.search(clause_text):
        return False  # "F-16 jets bought from the United States landed at Balad air base": a delivery
    if _PROTESTERS_STORMED.search(text[max(0, site_at - 160):site_at]):
        return False  # "supporters of a militia stormed the U.S. Embassy compound": a crowd, not armed fire
    if _SEIZED.search(clause_text) and not _EVENT.search(clause_text):
        return False  # "police seize bomb cars in Abqaiq raid": weapons found before they were used
    if _MOVED.search(clause_text) and not _EVENT.search(clause_text):
        return False  # "fighter jets arrive at the base": aircraft or launchers moved there
    if _GENERAL.search(text) and not _EVENT.search(clause_text):
        return False
    if killing:
        return True
    if not _EVENT.search(text) and not weapons:
        # The noun alone ("attacks on the base"): only a specific attack counts ("the attack on", "Monday's").
        return bool(re.search(r"\b(the|this|an|a|latest|monday|tuesday|wednesday|thursday|friday|saturday|"
                              r"sunday)['’s]*\s+(?:\w+\s+){0,2}(?:attack|strikes?)\b", text, re.I))
    return defended or _aimed_at_site(text, site_at, sentence.tokens[mention.end - 1].end) or _listed_with_a_target(
        sentence, mention)


def _locates_another(sentence: _Sentence, mention: Mention, site_at: int) -> bool:
    """Is the site named only to say where another site, named just before it, lies?"""
    for other in sentence.mentions:
        other_end = sentence.tokens[other.end - 1].end
        if other.site_id != mention.site_id and other.strength == "name" and other_end <= site_at and \
                _LOCATES_OTHER.match(sentence.text[other_end:site_at]):
            return True
    return False


# Between two items of a list of targets: "Abqaiq (Buqayq) processing plant and the", "Taji, the".
_LIST_GAP = re.compile(r"^(?:\s*(?:[\w.'’()-]+)){0,4}?\s*(?:,?\s+as\s+well\s+as\s+|,\s*(?:and\s+)?|\s+and\s+|"
                       r"\s+or\s+)(?:the\s+|a\s+|an\s+)?$", re.I)
_NOT_IN_A_LIST = prefiltered(r"\b(said|says|told|while|after|before|from|when)\b", re.I)


def _listed_with_a_target(sentence: _Sentence, mention: Mention) -> bool:
    """A site as one item of a list whose first item the attack words point at: "drones set off fires at
    the Abqaiq plant and the Khurais oil field", "rockets hit the Green Zone, Taji and the Balad air base"."""
    text = sentence.text
    end_of_list, item = _name_start(sentence, mention), mention.site_id
    for other in reversed([m for m in sentence.mentions if m.end <= mention.start and m.strength == "name"]):
        gap = text[sentence.tokens[other.end - 1].end:end_of_list]
        same_item = other.site_id == item and re.fullmatch(r"[\s()]*", gap)  # "Abqaiq (Buqayq)": two names
        if not same_item and (not _LIST_GAP.match(gap) or _NOT_IN_A_LIST.search(gap)):
            return False
        item = other.site_id
        other_at = _name_start(sentence, other)
        if _aimed_at_site(text, other_at, sentence.tokens[other.end - 1].end):
            return True
        end_of_list = other_at
    return False


_RELATIVE_EVENT = prefiltered(r"\s*(?:which|that)\s+(?:occurred|happened|took\s+place|was\s+carried\s+out)\b", re.I)


def _attack_before_relative(text: str, clause: Clause) -> re.Match[str] | None:
    """"The attack, which occurred at the Rimelan base": the relative clause's antecedent is the attack."""
    start = clause[0][0]
    if not _RELATIVE_EVENT.match(text, start):
        return None
    return _STRONG_HIT.search(text[max(0, start - 25):start])


def _aimed_at_site(text: str, site_start: int, site_end: int) -> bool:
    """The attack words point at the site: "rockets landed in X", "an attack on X", "X came under fire";
    not "officials met at X to discuss recent rocket attacks on coalition sites"."""
    return _aimed_at(text, site_start, site_end) or any(
        _aimed_at(text, noun.start(), site_end) for noun in _named_noun(text, site_start))


# "a drone attack on a small US base in north-eastern Jordan, the base known as Tower 22": the site is named
# after the noun the attack words point at.
_NAMING = prefiltered(r"\b(?:known\s+as|called|named|dubbed|nicknamed)\s*[“\"‘']?$", re.I)
_PLACE_NOUN = prefiltered(r"\b(?:base|outpost|post|garrison|installation|facility|airfield|airport|airbase|camp|"
                         r"compound|site|station|field|plant|complex)\b", re.I)


# "projectiles fired from the Green Village base, which is located in al-Omar": fire from a base aims at no
# site named after it ("rockets launched from the village of Bayader at the base" still aim at the base).
_FROM_A_BASE = prefiltered(r"\bfrom\s+(?:the\s+|its\s+|their\s+|a\s+)?(?:[\w'’-]+\s+){0,3}?" + _PLACE_NOUN.pattern,
                          re.I)


def _named_noun(text: str, site_start: int) -> list[re.Match[str]]:
    """The place nouns of the phrase that a naming ("known as", "called") gives the site's name to."""
    naming = _NAMING.search(text[max(0, site_start - 100):site_start])
    if naming is None:
        return []
    offset = max(0, site_start - 100)
    phrase = text[offset:offset + naming.start()]
    cut = max(phrase.rfind(mark) for mark in ".;!?")
    return [noun for noun in _PLACE_NOUN.finditer(text, offset + cut + 1, offset + naming.start())]


def _aimed_at(text: str, site_start: int, site_end: int) -> bool:
    before = text[max(0, site_start - 100):site_start]
    # (An embassy's name may span its city: "Baghdad's Green Zone, home to the U.S. Embassy".)
    name_lead = text[site_start:site_end].rsplit(" ", 2)[0] + " "
    if _DESCRIBES_ANOTHER.search(before) or _DESCRIBES_ANOTHER.search(name_lead):
        return False
    if _DEFENCES_AT.search(before) and _STOPPED.match(text[site_end:]):
        return True
    if _TRIED_TO.search(before):
        return True  # "jets tried to bomb the base"
    for match in _ATTACK_WORD.finditer(before):
        gap = before[match.end():]
        if _TRANSITIVE.fullmatch(match.group()) and _OBJECT_GAP.fullmatch(gap):
            return True  # "struck the garrison", "attacked “the al-Tanf base”"
        if len(gap) <= 70 and not re.search(r"[;!?]|\b(said|says|told|and\s+then)\b", gap) and \
                not _FROM_A_BASE.search(gap) and \
                _AIM.search(gap):
            return True
    places = _PLACE_LIST.search(before)
    if places and places.start() > 0 and _aimed_at(text, site_start - len(before) + places.start(), site_end):
        return True  # "struck the Green Zone, Taji and the Balad air base": the last item of what was struck
    after = text[site_end:site_end + 100]  # room for an apposition: "X, a remote desert base, was targeted"
    # Dots inside a sentence are abbreviations ("U.S."): only ; ! ? end the reach.
    return bool(_SUBJECT_HIT.match(after) or _PARTICIPLE_HIT.match(after) or _CAUSED_AFTER.match(after)
                or (_ATTACK_NOUN_AFTER.match(after[:45]) and not re.search(r"[;]", after[:45])))


# Places at a site named after what they hold: "the airfields of warplanes", "the warplane airfields", "hangars for
# drones" were hit; the warplanes did not hit them.
_HOLDING_PLACES = ("airfields?", "hangars?", "shelters?", "runways?", "depots?", "storage", "parking", "stores?")
_HELD = ("warplanes?", "fighter\\s+jets?", "drones?", "aircraft", "missiles?", "rockets?")
# Weapons named only to be set aside: the defenders' fire at a drone, a weapon corrected away ("rockets, not drones").
_NOT_THE_WEAPON = prefiltered(r"\b(?:opened\s+fire|fired)\s+(?:on|at)\s+(?=(?:an?\s+|the\s+|two\s+|three\s+)?"
                             r"(?:drones?|uavs?)\b)|,?\s*\bnot\s+(?:by\s+)?(?:drones?|rockets?|missiles?|mortars?)\b",
                             re.I)
# ... and what a place that was hit holds; tried only on text with such a place (its words are the prefilter's).
_HOLDING_PLACE = prefiltered(rf"\b(?:{'|'.join(_HOLDING_PLACES)})\b", re.I)
_HELD_THERE = prefiltered(rf"\b(?:{'|'.join(_HOLDING_PLACES)})\s+(?:of|for)\s+(?:the\s+)?(?:\w+\s+)?"
                          rf"(?:{'|'.join(_HELD)})\b|\b(?:{'|'.join(_HELD)})\s+(?:{'|'.join(_HOLDING_PLACES)})\b", re.I)


# "bomb-laden", "explosive-packed", "booby-trapped" drones carry the explosive: they are drones
_CARRIED_EXPLOSIVE = prefiltered(r"\b(?:explosives?|bomb)[- ](?:laden|packed|rigged|loaded)\b|"
                                 r"\bbooby[- ]trapped\s+(?=(?:drones?|uavs?|aircraft|unmanned))", re.I)
# Defences named after what they stop: "counter-drone", "C-RAM", "Patriot missiles"
_DEFENCE_WEAPONS = prefiltered(r"\b(?:counter|anti)[- ](?:rocket|drone|missile|mortar)\w*|\bc-ram\b|"
                               r"\bair[- ]defen[cs]e\w*|\bpatriot\s+(?:missiles?|interceptors?|batter(?:y|ies))", re.I)


@per_story
def _weapons_in(text: str) -> list[str]:
    if _HOLDING_PLACE.search(text):
        text = _HELD_THERE.sub(" ", text)
    text = _DEFENCE_WEAPONS.sub("", _CARRIED_EXPLOSIVE.sub("", _NOT_THE_WEAPON.sub(" ", text)))
    return [weapon for weapon, pattern in WEAPON_PATTERNS if pattern.search(text)]


def _day_for(days: list[DayMention], clause: Clause, site_at: int, text: str = "") -> DayMention | None:
    """The day expression that dates this mention: in its clause first, then in its sentence; a date of
    telling ("said on Wednesday") only when nothing else dates it. The day of a motive ("revenge for the
    January 3 killing") dates nothing; one of what came before ("following the incident of 22 June") comes last."""
    def distance(day: DayMention) -> tuple[bool, int]:
        return bool(_EARLIER_DAY.search(text[:day.start])), min(abs(day.start - site_at), abs(day.end - site_at))

    days = [d for d in days if not _is_motive_day(text, d)]

    # ("less than 24 hours after a drone was shot down": its "after" opens the clause it dates.)
    in_clause = [d for d in days if _in_clause(d.start, clause) or (d.dates_what_follows and
                                                                   _in_clause(d.end - 1, clause))]
    # Outside its clause only what opens the sentence ("On Tuesday, a drone struck ..."): a day in a later
    # relative clause ("..., where troops were wounded on June 28") dates something else.
    leading = [d for d in days if d.end <= clause[0][0] and d.start < 20]
    for pool in (in_clause, leading):
        events = [d for d in pool if not d.is_report_date and (d.day is not None or d.old)]
        if events:
            return min(events, key=distance)
    reports = [d for d in days if d.day is not None and d.is_report_date]
    if reports:
        return min(reports, key=distance)
    olds = [d for d in in_clause if d.old]
    return olds[0] if olds else None


_APPOSITION = re.compile(r"\s*,\s*")


def _named_in_apposition(chosen: DayMention | None, days: list[DayMention], text: str) -> DayMention | None:
    """"Earlier today, Christmas Day": the day named beside a word for the publish day is the same day, and
    names it whatever the writer's zone makes of "today"."""
    if chosen is None or text[chosen.start:chosen.end].lower() not in _PUBLISH_DAY_WORDS:
        return chosen
    named = next((d for d in days if d.start >= chosen.end and _APPOSITION.fullmatch(text, chosen.end, d.start)), None)
    return named if named is not None and named.day is not None and not named.from_event and not named.old else chosen


def _is_motive_day(text: str, day: DayMention) -> bool:
    return bool(_MOTIVE_BEFORE_DAY.search(text[:day.start]) and _KILLING_AFTER_DAY.match(text[day.end:])) or \
        bool(_MOTIVE_KILLING_BEFORE_DAY.search(text[:day.start]))


# Between days of one list of attacks: "on 24 June and 25 June", "late on Friday and early on Saturday",
# "on Monday, then again on Tuesday".
_DAY_JOINER = re.compile(r"\s*(?:,|,?\s*and|,?\s*then)\s*(?:again\s+)?(?:on\s+)?", re.I)


def _days_joined_to(chosen: DayMention, days: list[DayMention], text: str,
                    first: date) -> list[tuple[DayMention, date]]:
    """More days joined to the chosen one (dated first), each an attack of its own, with its day."""
    joined: list[tuple[DayMention, date]] = []
    last = chosen
    for day in days:
        if day.start >= last.end and day.day is not None and not day.old and not day.is_report_date and \
                _DAY_JOINER.fullmatch(text, last.end, day.start):
            if day.day != first:
                joined.append((day, day.day))
            last = day
    return joined


def _day_stated_before(chosen: DayMention, days: list[DayMention], sentences: list[_Sentence], index: int,
                       published: datetime) -> date | None:
    """The day a relative day counted back from another event ("Two days earlier") counts from: the last event
    day stated before it in its sentence, or else in the sentence before, whether or not that told an attack on a
    site ("On January 14, rockets hit a base in the north. Two days earlier, ...")."""
    if not chosen.from_event or chosen.after_event:
        return None
    before = [d for d in days if d.end <= chosen.start]
    if not before and index > 0:
        before = find_days(sentences[index - 1].text, published)
    stated = [d.day for d in before if d.day is not None and not d.is_report_date and not d.from_event]
    return stated[-1] if stated else None


def _counted_from_the_last_event(chosen: DayMention, day: date, drafts: list[_Draft], published: datetime,
                                 stated: date | None = None) -> date:
    """"Just a day earlier" after an attack told "late on Thursday": the Wednesday, not the day before the
    publish day; counted from the day stated just before it (`stated`), else from the last attack told. With
    neither, the publish day is what it counts from."""
    back = (published.date() - day).days
    last_told = stated or next((d.day for d in reversed(drafts) if d.day is not None), None)
    if chosen.after_event and last_told is not None:  # "A day later, more rockets hit the base"
        return min(last_told + timedelta(days=chosen.after_event), published.date())
    if chosen.same_as_event and last_told is not None:  # "Rockets hit X on Monday ... On the same day, drones ..."
        return last_told
    if not chosen.from_event or back <= 0 or last_told is None:
        return day
    return last_told - timedelta(days=back)


# A sentence that goes on to say when the attack just told happened: "The attack took place the day before."
_WHEN_IT_HAPPENED = prefiltered(r"^\W*(?:(?:the|this|that)\s+(?:\w+\s+){0,2}?(?:attack|strike|assault|bombardment|"
                               r"barrage|shelling|incident)s?|it)\s+(?:\w+\s+)?(?:took\s+place|happened|occurred|came|"
                               r"was\s+(?:carried\s+out|launched|staged))\b", re.I)


# A witness's account of the attack just told: "A contractor at the base said he heard nine mortar rounds ... after
# dusk on Wednesday".
_HEARD = prefiltered(r"\b(?:heard|saw|felt|witnessed)\b[^.;]{0,80}?\b(?:blasts?|explosions?|rounds|rockets?|mortars?|"
                     r"shells|impacts?|booms?)\b", re.I)
# "after dusk on Wednesday" is a time of that day, not another event before it.
_AFTER_ANOTHER = re.compile(r"\b(?:after|following|since)\b(?!\s+(?:dusk|dark|nightfall|sunset|sundown|midnight|"
                            r"daybreak|sunrise|dawn|noon)\b)", re.I)
# "It came the day before a visit by the prime minister": a day counted from another event.
_BEFORE_ANOTHER_EVENT = re.compile(r"\s+(?:a|an|the|his|her|its|their)\b", re.I)


def _day_told_next(sentences: list[_Sentence], index: int, published: datetime) \
        -> tuple[DayMention, str, list[DayMention]] | None:
    """The day that one of the next two sentences, naming no site, gives the attack just told; with that
    sentence's text and days."""
    for follower in sentences[index + 1:index + 3]:
        # (A witness at "the base" tells the attack just told, not another: the base is the site told.)
        heard = _HEARD.search(follower.text) is not None
        if follower.mentions and not (heard and all(m.strength == "anaphor" for m in follower.mentions)):
            return None
        if not (heard or _WHEN_IT_HAPPENED.match(follower.text)):
            continue
        days = find_days(follower.text, published)
        # "The attack came hours after US air raids ... on Thursday": that day is the raids'.
        told = [d for d in days if d.day is not None and not d.old and not d.is_report_date and
                not _BEFORE_ANOTHER_EVENT.match(follower.text, d.end) and
                not _AFTER_ANOTHER.search(follower.text, 0, d.start)]
        return (told[0], follower.text, days) if told else None
    return None


def _has_recent_day(days: list[DayMention]) -> bool:
    return any(d.day is not None and not d.old for d in days)


_AGAIN = prefiltered(r"\b(again|for\s+the\s+(?:second|third|fourth|fifth)\s+time|fresh|renewed|yet\s+another|"
                    r"another\s+(?:\w+\s+){0,2}(?:attacks?|strikes?))\b", re.I)
# An attack named with "a" right before the site: "said a drone attack on the oil field did no damage".
_A_NEW_ATTACK = prefiltered(r"\b(?:said|says|reported|reports|that)\s+an?\s+(?:[\w-]+\s+){0,2}?(?:attack|strike)\s+"
                           r"(?:on|against|targeting)\s+(?:the\s+)?(?:[\w.'’-]+\s+){0,3}$", re.I)
# An attack told as one more of the same day: "Drones also targeted ...".
_ALSO = prefiltered(r"\balso\s+(?:\w+\s+)?(?:targeted|struck|hit|attacked|shelled|fell|landed|came\s+under)\b", re.I)
# A clause that tells what came before ("after U.S. strikes on Sunday") dates that, not the attack.
_EARLIER_EVENT = prefiltered(r"(?:after|following|since|days\s+after|in\s+(?:response|retaliation|reprisal))\b", re.I)


_ANSWERING = prefiltered(r"in\s+(?:response|retaliation|reprisal|revenge)\s+(?:to|for)\b", re.I)
_LONG_BEFORE = prefiltered(r"\b(?:weeks|months|years)\s*$", re.I)


def _told_as_earlier(text: str, clause: Clause) -> bool:
    """The clause tells an earlier attack as what a retaliation answered ("strikes on Friday in retaliation for
    the Tower 22 attack") or as long past ("weeks after a drone attack on Tower 22 killed three")."""
    opening = _clause_text(text, clause).lstrip(" ,")
    return bool(_ANSWERING.match(opening)) or bool(
        re.match(r"(?:after|since)\b", opening, re.I) and _LONG_BEFORE.search(text[:clause[0][0]]))


# A line that is only a date, as page templates print the day they serve a page on.
_PAGE_CLOCK = re.compile(r"[\W\d_]*(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|"
                         r"march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|"
                         r"jul|aug|sept?|oct|nov|dec|updated|published|posted|am|pm|gmt|utc)[\W\d_]*)+", re.I)


# What an attack left behind, told before it: "production at the field returned to normal after a drone hit a storage
# tank late on Thursday": the day in the "after" clause is the attack's, not an earlier event's.
_AFTERMATH = prefiltered(r"\b(?:production|operations?|output|flights?|gas\s+flows?|supplies|power)\b[^.;]{0,60}?\b"
                        r"(?:resum\w*|returned\s+to\s+normal|restored|halted|suspended|stopped|shut(?:\s+down)?)\s+"
                        r"after\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?(?:drones?|rockets?|missiles?|mortars?|"
                        r"uavs?|(?:air)?strikes?)\b", re.I)


# A campaign's start told before a day: "launched Operation Righteous Fury on 27 February".
_CAMPAIGN_LAUNCHED = prefiltered(r"\b(?:launched|began|started|opened)\s+(?:an?\s+|the\s+|its\s+|their\s+)?"
                                 r"(?:[\w-]+\s+){0,2}?(?:operation|offensive|campaign)\b[^.;!?]*$", re.I)


def _lead_day(sentences: list[_Sentence], published: datetime) -> DayMention | None:
    """The day a story's opening gives ("officials said on Wednesday"): it dates attacks told without one."""
    for sentence in sentences[:4]:
        if _PAGE_CLOCK.fullmatch(sentence.text):
            continue  # "| 18 May 2024, Saturday |": when the page was served, not what it tells
        for day in find_days(sentence.text, published):
            clause = _clause_text(sentence.text, _clause_of(sentence.text, day.start))
            earlier = _EARLIER_EVENT.match(clause.lstrip(" ,")) and not _AFTERMATH.search(sentence.text)
            if _CAMPAIGN_LAUNCHED.search(sentence.text, max(0, day.start - 80), day.start):
                continue  # "launched Operation Righteous Fury on 27 February": the campaign's day, not a strike's
            if (day.day is not None or day.old) and not earlier and not _is_motive_day(sentence.text, day):
                return day  # an old one too: "A year ago today, Iran fired ..." opens a look back
    return None


def _draft_for(drafts: list[_Draft], site_id: str, day: date, *, explicit: bool, from_title: bool,
               weak: bool = False) -> _Draft:
    for draft in drafts:
        if draft.site_id == site_id and draft.day == day:
            draft.explicit = draft.explicit or explicit
            draft.from_title = draft.from_title and from_title
            draft.weak = draft.weak and weak
            return draft
    draft = _Draft(site_id, day, explicit, from_title, weak=weak)
    drafts.append(draft)
    return draft


def _latest_draft(drafts: list[_Draft], site_id: str) -> _Draft | None:
    for draft in reversed(drafts):
        if draft.site_id == site_id:
            return draft
    return None


# What the round was, told after an attack that named no weapon: "a piece of the round, a rocket or an artillery shell".
_ROUND_NAMED = prefiltered(r"\b(?:the|that|this)\s+(?:round|projectile|munition)s?\s*,\s+((?:an?\s+)?[\w\s-]{3,50}?)"
                           r"(?:,|\.|$)", re.I)
# An opening phrase that names an attack only to time what the sentence goes on to tell.
_TIMED_BY_IT = prefiltered(r"^\W*(?:(?:shortly|just|minutes|hours|moments|soon|right|not\s+long)\s+)?"
                           r"(?:before|after)\s+the\s+(?:[\w-]+\s+){0,2}?(?:attack|strike|bombardment|assault|shelling)\s+(?:on|against)\s+"
                           r"[^,;]{2,60},", re.I)


def _draft_of_its_weapons(drafts: list[_Draft], latest: _Draft, text: str) -> _Draft:
    """Of a site's attacks told so far, the one a sentence with no day goes on about: the latest, unless it names
    none of the weapons the sentence does and one other does ("Drones were shot down at Abha on Friday. The missile
    on Wednesday wounded 26 at the airport. ... five drones launched towards Abha International Airport. No
    casualties were reported": the drones, of Friday)."""
    if not latest.weapons or sum(d.site_id == latest.site_id for d in drafts) < 2:
        return latest  # (nearly always: one attack on the site so far)
    weapons = set(_weapons_in(text))
    if not weapons or weapons & set(latest.weapons):
        return latest
    others = [d for d in drafts if d.site_id == latest.site_id and d is not latest and
              weapons & set(d.weapons or d.headline_weapons)]
    return others[0] if len(others) == 1 else latest


def _tells_other_weapons(text: str, weapons: list[str]) -> bool:
    """Does the text name weapons, none of them these?"""
    named = set(_weapons_in(text))
    return bool(named) and not named & set(weapons)


def _gather(draft: _Draft, sentence: _Sentence, mention: Mention, clause: Clause, index: int,
            sentences: list[_Sentence], published: datetime, *, zeros_only: bool = False) -> None:
    """Add what this sentence, and the next ones that go on about the same attack, say of it (of their tolls
    only the zeros when zeros_only)."""
    site_at, site_end = _name_start(sentence, mention), sentence.tokens[mention.end - 1].end
    clause_text = _clause_text(sentence.text, clause)
    # What hit the site is named near it: "A drone was shot down near the consulate, capping a week in which
    # rockets and drones targeted sites" names one drone.
    low, high = _own_stretch(sentence, mention, site_at, site_end)
    low = _with_coordinated_weapons(sentence.text, low, site_at)
    # "... struck the base in retaliation for U.S. airstrikes on the Harabesh neighbourhood": the motive's weapons
    # after the site are not the attack's.
    motive = _MOTIVE_PHRASE.search(sentence.text, site_end) if _MOTIVE_PHRASE.search(sentence.text) else None
    if motive is not None:
        high = min(high, motive.start())
    near = " ".join(sentence.text[_after_a_reply(sentence.text, max(a, low), site_at):min(b, high)] for a, b in clause)
    weapons = _weapons_in(near) or _weapons_in(_without(clause_text, motive)) or \
        _weapons_in(_without(sentence.text, motive)) or list(sentence.carried_weapons)
    weapons += [w for w in _weapons_of_its_other_clauses(sentence, mention, clause, draft.day, published)
                if w not in weapons]
    opening = _TIMED_BY_IT.match(sentence.text)
    if opening is not None and site_end <= opening.end():
        # "Shortly before the strike on al-Omar, the militia said its drones and missiles hit two bases": the
        # strike told before only times what follows; the weapons that follow are the other attack's.
        weapons = _weapons_in(opening.group())
    if index == 0 and sentence.is_title:
        draft.headline = sentence.text
        draft.headline_weapons = weapons
    else:
        draft.evidence.append(sentence.text)
        draft.weapons.extend(w for w in weapons if w not in draft.weapons)
    draft.decided += [Evidence("site", sentence.text), *([Evidence("weapons", sentence.text)] if weapons else [])]
    answered = bool(_ANSWERING.match(clause_text.lstrip(" ,")))
    scope = _toll_scope(sentence, clause, clause_text, site_end, answered)
    if scope is sentence.text:
        scope = _without_other_days(scope, clause, draft.day, published)
    if _add_toll(draft, scope, zeros_only):
        draft.decided.append(Evidence("toll", sentence.text))
    _set_claim(draft, _claim_in(sentence.text), sentence.text)
    # Told as what a retaliation answered: the next sentences go on about the retaliation.
    for follower in sentences[index + 1:index + 3] if not answered else ():
        if {m.site_id for m in follower.mentions} - {draft.site_id}:
            break  # the story has moved on to another site
        if re.fullmatch(r"[A-Z\s]+", follower.text):  # a section heading: the story moves on
            break
        if _tells_another_event(follower.text, draft.day, published):
            break  # "This comes after the missile strike on Monday night, which killed four": another attack
        if follower.mentions and draft.weapons and _tells_other_weapons(follower.text, draft.weapons):
            break  # "The missile on Wednesday wounded 26 at the airport. ... five drones fired towards the airport":
            # the story is back on another attack on the site
        if _FIRE_FROM_THE_SITE.search(follower.text):
            break  # "U.S. forces at the base then shelled a village, wounding four": the site's own fire, its toll
        named = _ROUND_NAMED.search(follower.text) if not draft.weapons else None
        if named is not None:  # "came under indirect fire ... a piece of the round, a rocket or an artillery shell"
            draft.weapons.extend(w for w in _weapons_in(named.group(1)) if w not in draft.weapons)
            if draft.weapons:
                draft.decided.append(Evidence("weapons", follower.text))
        claim = _claim_in(follower.text)
        toll = _add_toll(draft, follower.text, zeros_only)
        if toll or claim:
            draft.details.append(follower.text)
        if toll:
            draft.decided.append(Evidence("toll", follower.text))
        _set_claim(draft, claim, follower.text)


_GOES_ON = re.compile(r"\s*(?:and|then)\b", re.I)
_JOINED_ON = re.compile(r",\s+(?:and|then)\b", re.I)


def _weapons_of_its_other_clauses(sentence: _Sentence, mention: Mention, clause: Clause, day: date | None,
                                  published: datetime) -> list[str]:
    """What a clause joined on with "and" that reports an attack on the same site names: "A car bomb blew up on the
    edge of Bagram Airfield, and gunmen then tried to fight their way into the base" (a bomb, and gunfire); not a
    clause of what came before or was first reported ("after ... had first reported that three rockets landed")."""
    found: list[str] = []
    site_end = sentence.tokens[mention.end - 1].end
    for other in sentence.mentions:
        if other.site_id != mention.site_id or other.start < mention.end or \
                not _JOINED_ON.search(sentence.text, site_end, sentence.tokens[other.start].start):
            continue  # (most sentences: no later mention of the site after ", and")
        other_clause = _clause_of(sentence.text, sentence.tokens[other.start].start)
        if other_clause != clause and _GOES_ON.match(sentence.text, other_clause[0][0]) and \
                _reports_attack(sentence, other, other_clause) and \
                not _on_another_day(sentence.text, other_clause, day, published):
            found += _weapons_in(_clause_text(sentence.text, other_clause))
    return found


def _on_another_day(text: str, clause: Clause, day: date | None, published: datetime) -> bool:
    """Does the clause name a day of its own other than this one ("..., and on Saturday rockets fell around the
    base": another attack, with its own weapons)?"""
    return day is not None and any(
        d.day is not None and d.day != day and not d.is_report_date and not d.from_event and _in_clause(d.start, clause)
        for d in find_days(text, published))


# After a site's name, a description of it and then the relative clause of the attack's toll.
_APPOSITION_THEN_TOLL = prefiltered(r",\s*(?:an?|the)\s+[^,;()]{1,60},\s*(?:that|which)\s+(?:\w+\s+){0,2}?"
                                    r"(?:killed|wounded|injured|left|hurt)\b", re.I)


def _toll_scope(sentence: _Sentence, clause: Clause, clause_text: str, site_end: int, answered: bool) -> str:
    """Where the toll of the attack on this site is told: the sentence, or its clause when it names other sites;
    in "strikes in retaliation for the attack on Ain al-Asad on Wednesday, killing 40" only up to the comma after
    the site ("... for the attack on Tower 22 that killed three soldiers" keeps its relative clause)."""
    if answered:
        comma = sentence.text.find(",", site_end, clause[-1][1])
        if comma != -1 and _APPOSITION_THEN_TOLL.match(sentence.text, comma):
            comma = -1  # "... for a rocket attack on K-1, an Iraqi base near Kirkuk, that killed a contractor"
        return sentence.text[clause[0][0]:comma if comma != -1 else clause[-1][1]]
    return (len({m.site_id for m in sentence.mentions}) > 1 and clause_text) or sentence.text


def _without_other_days(sentence: str, clause: Clause, day: date | None, published: datetime) -> str:
    """The sentence without the clauses, besides the site's own, that date another day: "The attack is the third
    on the airport in three weeks; a resident was killed there on June 23" (that was another attack's toll)."""
    others = [d.start for d in find_days(sentence, published) if day is not None and d.day is not None and
              d.day != day and not d.is_report_date and not _in_clause(d.start, clause)]
    if not others:
        return sentence
    breaks = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(sentence)), len(sentence)]
    return "".join(sentence[start:end] for start, end in pairwise(breaks)
                   if _in_clause(start, clause) or not any(start <= at < end for at in others))


# Where one item of a list of attacks ends: "Rockets struck Balad air base and a drone hit Baghdad airport".
_ITEM_END = re.compile(r"\band\b|\bwhile\b|\bbut\b|\bas\b|[,;]", re.I)


# Any weapon word, and a word joined to the next by "and", "or" or a comma: "a barrage of rockets and drones".
_ANY_WEAPON = prefiltered("|".join(f"(?:{p.pattern})" for _, p in WEAPON_PATTERNS), re.I)
_JOINED_BEFORE = prefiltered(r"\b([\w-]+)\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)$", re.I)
_MOST_JOINED = 3
# What an attack answered, with its own weapons: "in retaliation for U.S. airstrikes on the Harabesh neighbourhood".
_MOTIVE_PHRASE = prefiltered(r"\b(?:in\s+)?(?:revenge|retaliation|response|reprisal)\s+(?:for|to|against)\s+[^,;]*",
                             re.I)


def _without(text: str, phrase: re.Match[str] | None) -> str:
    return text.replace(phrase.group(), " ") if phrase is not None else text


def _with_coordinated_weapons(text: str, low: int, site_at: int) -> int:
    """The reach before a site's name, widened to take in the weapons joined to the first one inside it: "A heavy
    barrage of rockets and drones hit the headquarters of the armoured units at the Conoco gas field base" names
    rockets too, though they stand past WEAPON_REACH."""
    if low <= 0:
        return low
    first = _ANY_WEAPON.search(text, low, site_at)
    if first is None:
        return low
    start = first.start()
    for _ in range(_MOST_JOINED):
        joined = _JOINED_BEFORE.search(text, max(0, start - 40), start)
        if joined is None or not _ANY_WEAPON.fullmatch(joined.group(1)):
            break
        start = joined.start(1)
    return min(low, start)


def _own_stretch(sentence: _Sentence, mention: Mention, site_at: int, site_end: int) -> tuple[int, int]:
    """The text around a site's name where what hit it is named: WEAPON_REACH either side, short of another site
    that has its own attack words ("Rockets struck Balad air base and a drone hit Baghdad airport": the drone
    is Baghdad's, the rockets Balad's)."""
    text = sentence.text
    low, high = site_at - WEAPON_REACH, site_end + WEAPON_REACH
    for other in sentence.mentions:
        if other.site_id == mention.site_id:
            continue
        other_at, other_end = _name_start(sentence, other), sentence.tokens[other.end - 1].end
        if other_end <= site_at and _HIT.search(text, other_end, site_at):
            low = max(low, other_end)
        elif other_at >= site_end and (hit := _HIT.search(text, site_end, other_at)):
            ends = list(_ITEM_END.finditer(text, site_end, hit.start()))
            if ends:
                high = min(high, ends[-1].start())
    # "two missiles launched at the base were shot down, along with a drone east of Riyadh": downed elsewhere
    elsewhere = _ALONG_WITH_ELSEWHERE.search(text, site_end, high)
    return low, elsewhere.start() if elsewhere else high


# Other things downed or struck that the text places elsewhere, told after the site's: "..., along with a drone east
# of Riyadh and several drones over the Empty Quarter".
_ALONG_WITH_ELSEWHERE = prefiltered(r",?\s+(?:along|together)\s+with\s+[^,;.]{0,40}?\b(?:(?:north|south|east|west)"
                                    r"(?:[- ]?(?:east|west))?(?:ern)?\s+of|over|heading\s+(?:for|to)|aimed\s+at)\b",
                                    re.I)


# Openings by which a story turns to another event: "Separately, a rocket hit a house ...", "This comes after the
# missile strike on Monday night, which killed four".
_ANOTHER_EVENT = prefiltered(r"^\W*(?:separately|meanwhile|elsewhere|in\s+(?:a\s+)?(?:separate|another|other)\b|"
                            r"in\s+(?:retaliation|response|reprisal|return)\b|"
                            r"also\s+on\b|earlier\b|later\b|afterwards\b|after\s+that\b|subsequently\b|(?:this|it|that|the\s+(?:\w+\s+)?(?:attack|strike|"
                            r"incident))\s+(?:comes?|came|follows?|followed)\b)", re.I)


def _tells_another_event(text: str, day: date | None, published: datetime) -> bool:
    """A sentence after the attack's that tells another event: its own day ("On Aug. 31, eight were hurt"), a
    turn ("Separately, ...", "This comes after ..."), another attack ("last week's attack"), or a tally of many
    attacks ("87 attacks since October 17, causing 66 injuries")."""
    if _ANOTHER_EVENT.match(text) or _OTHER_ATTACK.search(text) or _GENERAL.search(text):
        return True
    return any(d.old or d.before_today or (d.day is not None and d.day != day and not d.is_report_date)
               for d in find_days(text, published))  # (before_today: "the week before", "last week")


# "The shelling followed a rocket attack on the base": what stands before these words answered the attack.
_ANSWERED = prefiltered(r"\b(?:followed|came\s+after|(?:was|were)\s+in\s+(?:response|retaliation|reply)\s+(?:to|for)|"
                       r"answered|responded\s+to)\b", re.I)


def _after_a_reply(text: str, start: int, site_at: int) -> int:
    """Where the words about the attack on the site begin: after any reply told before it in the window."""
    replies = list(_ANSWERED.finditer(text, start, site_at))
    return replies[-1].end() if replies else start


# Some wounded, with no figure: "several Afghans were wounded", "wounding a number of guards".
_SOME_WOUNDED = prefiltered(r"\b(?:several|some|many|numerous|a\s+number\s+of|a\s+few|dozens\s+of|scores\s+of)\s+"
                           r"(?:[\w.'’-]+\s+){0,3}?(?:(?:were|was|had\s+been|have\s+been)\s+(?:\w+\s+)?)?"
                           r"(?:wounded|injured|hurt)\b|\b(?:wounding|injuring)\s+(?:several|some|many|numerous|"
                           r"a\s+number\s+of|a\s+few|dozens|scores)\b", re.I)


def _add_toll(draft: _Draft, scope: str, zeros_only: bool = False) -> bool:
    if _TALLY.search(scope):
        return False
    if not zeros_only and _SOME_WOUNDED.search(scope):
        draft.some_wounded = True
    toll = count_casualties(scope)
    killed, wounded = toll.killed, toll.wounded
    if zeros_only:
        killed, wounded = (killed if killed == 0 else None), (wounded if wounded == 0 else None)
    if killed is not None:
        draft.killed.append((killed, toll.superseded))
    if wounded is not None:
        draft.wounded.append((wounded, toll.superseded))
    return killed is not None or wounded is not None


def _set_claim(draft: _Draft, claim: str | None, sentence: str) -> None:
    """The first claim told wins; remember the sentence that told it."""
    if claim and not draft.claim:
        draft.claim = claim
        draft.decided.append(Evidence("claim", sentence))


_NO_CLAIM = prefiltered(r"\b(no|not|nobody|none)\b[^.]{0,40}\bclaim", re.I)


@per_story
def _claim_in(sentence: str) -> str | None:
    if _NO_CLAIM.search(sentence):
        return None
    for pattern in _CLAIM:
        match = pattern.search(sentence)
        if match:
            group = _CLAIM_TRAILING.sub("", match.group(1).strip(" ,"))
            group = re.sub(r"\s+(?:of|the|for|in|al|wa)$", "", group)
            if group and not _NOT_A_GROUP.match(group) and len(group) > 2:
                return group
    return None


def _claim_for_the_story(drafts: list[_Draft], sentences: list[_Sentence]) -> None:
    """A claim told apart from the attack ("The Islamic Resistance in Iraq claimed the attack", three
    sentences on) belongs to the story's attack when it reports one site."""
    if not drafts or len({d.site_id for d in drafts}) > 1 or all(d.claim for d in drafts):
        return
    told = next(((c, s.text) for s in sentences if (c := _claim_in(s.text))), None)
    for draft in drafts:
        if told:
            _set_claim(draft, *told)


def _merge_weak(drafts: list[_Draft]) -> list[_Draft]:
    """"Several were injured Monday ... 'a rocket attack today'" (published after local midnight): one attack,
    on the day the story names; "today" or "overnight" beside a named day of the next or last day is that day."""
    kept: list[_Draft] = []
    for draft in drafts:
        named = [d for d in drafts if d.site_id == draft.site_id and not d.weak and d.explicit and d.day and
                 draft.day and abs((d.day - draft.day).days) == 1]
        if draft.weak and named:
            _absorb(named[0], draft)
            continue
        kept.append(draft)
    return kept


def _absorb(target: _Draft, draft: _Draft) -> None:
    target.evidence.extend(e for e in draft.evidence if e not in target.evidence)
    target.headline = target.headline or draft.headline
    target.headline_weapons = target.headline_weapons or draft.headline_weapons
    target.details.extend(draft.details)
    target.weapons.extend(w for w in draft.weapons if w not in target.weapons)
    target.killed.extend(draft.killed)
    target.wounded.extend(draft.wounded)
    target.some_wounded = target.some_wounded or draft.some_wounded
    target.decided.extend(e for e in draft.decided if e.fact != "claim" or not target.claim)
    target.claim = target.claim or draft.claim


def _without_headline_guesses(drafts: list[_Draft], sentences: list[_Sentence]) -> list[_Draft]:
    """A headline sums up the body in vaguer words: "coalition base in Erbil" over a body that tells the attack on
    the Harir base in Erbil province. A site only the headline names, beside an attack the body tells on another
    site, is that attack's."""
    in_body = {m.site_id for s in sentences if not s.is_title for m in s.mentions}
    told = [d for d in drafts if not d.from_title]
    return [d for d in drafts if not (d.from_title and d.site_id not in in_body and told)]


def _merge_inferred(drafts: list[_Draft]) -> list[_Draft]:
    """A headline without a day ("Rockets hit Ain al-Asad") tells the story's dated attack on that site."""
    kept: list[_Draft] = []
    for draft in drafts:
        dated = [d for d in drafts if d.site_id == draft.site_id and d.explicit and d is not draft]
        if draft.from_title and not draft.explicit and dated:
            target = min(dated, key=lambda d: abs((d.day - draft.day).days) if d.day and draft.day else 0)
            _absorb(target, draft)
            continue
        kept.append(draft)
    return kept


def _best_figure(figures: list[tuple[int, bool]]) -> int | None:
    current = [value for value, superseded in figures if not superseded]
    pool = current or [value for value, _ in figures]
    return max(pool) if pool else None


def _wounded_figure(draft: _Draft) -> int | None:
    """The best figure, but a zero in a story that also says some were wounded is a zero for one group ("No U.S.
    troops were hurt" after "several Afghans were wounded"): no figure."""
    figure = _best_figure(draft.wounded)
    return None if figure == 0 and draft.some_wounded else figure


def _finish(draft: _Draft) -> Attack:
    return Attack(
        site_id=draft.site_id,
        day=draft.day,
        day_is_explicit=draft.explicit,
        day_edge=draft.edge,
        weapons=tuple(draft.weapons or draft.headline_weapons),
        killed=_best_figure(draft.killed),
        wounded=_wounded_figure(draft),
        claim=draft.claim,
        evidence=tuple(dict.fromkeys([*draft.evidence, *draft.details,
                                      *([draft.headline] if draft.headline else [])])),
        decided_by=_decided_by(draft),
        in_passing=draft.in_passing,
        told_as_news=draft.news and not draft.explicit,
    )


def _decided_by(draft: _Draft) -> tuple[Evidence, ...]:
    """Each (fact, sentence) once, the body's sentences before the headline; the headline's weapons only
    when the body names none, as in the attack itself."""
    kept = [e for e in draft.decided if not (e.sentence == draft.headline and e.fact == "weapons" and draft.weapons)]
    return tuple(sorted(dict.fromkeys(kept), key=lambda e: e.sentence == draft.headline))

