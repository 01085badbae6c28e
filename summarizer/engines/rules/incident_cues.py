"""The cue table of :mod:`.incidents`: which words start an incident, and its ACLED-like type and sub-type.

Each cue has keyword stems, one of which a sentence must hold before its pattern is
tried there. Order matters: in a sentence, a cue's words are read by the first pattern that
matches them ("seized two aid workers" is an abduction before it can be a capture;
"rioters" a riot before "clashed" can be an armed clash).
"""

from __future__ import annotations

import re

from ...lexicon import alternation, words
from ...schema import EventType, IncidentSubType
from .doc import Stems
from .figures import PEOPLE
from .unrest import PROTEST_CUE, RIOT_CUE

__all__ = ["CUES", "STEMS"]

E, S = EventType, IncidentSubType
_TAKE_PEOPLE = re.compile(
    r"\b(?:seized|snatched|grabbed|captured|took)(?=\s+(?:(?:at\s+least|some|about|more\s+than)\s+)?"
    rf"(?:[\w-]+\s+){{0,2}}?{PEOPLE}\b)",
    re.I,
)
_CIVILIANS = rf"(?:{alternation(words('incidents', 'civilians'))})"
CUES: list[tuple[re.Pattern[str], EventType, IncidentSubType, tuple[str, ...]]] = [
    (
        re.compile(r"\bsuicide\s+(?:car\s+|truck\s+)?(?:bomb(?:ing)?s?(?:\s+attacks?)?|attacks?|bombers?)\b", re.I),
        E.EXPLOSIONS_REMOTE_VIOLENCE,
        S.SUICIDE_BOMB,
        ("suicide",),
    ),
    (
        re.compile(
            r"\b(?:air\s?strikes?|air\s+raids?|drone\s+(?:strikes?|attacks?)"
            r"|(?:conduct\w*|carr\w*\s+out|launch\w*)\s+(?:\w+\s+)?strikes)\b",
            re.I,
        ),
        E.EXPLOSIONS_REMOTE_VIOLENCE,
        S.AIR_STRIKE,
        ("air", "drone", "strikes"),
    ),
    (
        re.compile(
            r"\b(?:shelling|shelled|artillery\s+fire|mortar\s+(?:fire|rounds|attacks?)|rocket\s+attacks?"
            r"|missiles?\s+(?:strikes?|attacks?)|missiles?(?=[^.;]{0,60}\b(?:struck|hit|landed|slammed|killed|wounded"
            r"|destroyed)))\b",
            re.I,
        ),
        E.EXPLOSIONS_REMOTE_VIOLENCE,
        S.SHELLING,
        ("shell", "artillery", "mortar", "rocket", "missile"),
    ),
    (
        re.compile(
            r"\b(?:roadside\s+bombs?|car\s+bombs?|(?:bomb\s+)?blasts?|IEDs?|(?i:explosions?|landmines?))\b"
            r"(?=[^.;]{0,80}\b(?:explod|detonat|went\s+off|kill|wound|struck|hit|destroy|ripped))"
        ),
        E.EXPLOSIONS_REMOTE_VIOLENCE,
        S.REMOTE_EXPLOSIVE,
        ("bomb", "blast", "ied", "explosion", "landmine"),
    ),
    (
        _TAKE_PEOPLE,
        E.VIOLENCE_AGAINST_CIVILIANS,
        S.ABDUCTION,
        ("seized", "snatched", "grabbed", "captured", "took"),
    ),
    (
        RIOT_CUE,
        E.RIOTS,
        S.RIOT,
        ("riot", "loot", "fire", "alight", "torch", "ransack", "vandal", "violent", "threw", "hurl", "throw", "pelt"),
    ),
    (
        re.compile(
            r"\b(?:clashes|clashed|battled|firefights?|gun\s*battles?|fighting\s+(?:is|was|has\s+been)\s+ongoing)\b",
            re.I,
        ),
        E.BATTLES,
        S.ARMED_CLASH,  # or a riot when a crowd clashed with the police: decided by the words around it
        ("clash", "battled", "firefight", "gun", "fighting"),
    ),
    (
        re.compile(
            r"\b(?:an?|the)\s+(?:\w+\s+){0,2}?(?:attack|assault|raid|ambush)\b",
            re.I,
        ),
        E.BATTLES,
        S.ATTACK,
        ("attack", "assault", "raid", "ambush"),
    ),
    (
        re.compile(r"\b(?:ambushed|stormed|raided|attacked)\b", re.I),
        E.BATTLES,
        S.ATTACK,  # only with a force or an armed group as the subject: decided by the words before it
        ("ambush", "storm", "raid", "attack"),
    ),
    (
        re.compile(
            r"\b(?:shot\s+dead|gunned\s+down|executed|massacred|beheaded"
            rf"|opened\s+fire\s+(?:on|at)(?=\s+(?:[\w-]+\s+){{0,3}}?{_CIVILIANS}\b))\b",
            re.I,
        ),
        E.VIOLENCE_AGAINST_CIVILIANS,
        S.ATTACK,
        ("shot", "gunned", "executed", "massacred", "beheaded", "opened fire"),
    ),
    (
        re.compile(
            r"\b(?:retook|recaptured|captured|seized|took\s+control\s+of|overran|regained"
            r"|entered(?=\s+(?:the\s+)?(?:[a-z-]+\s+)?(?:town|city|village|district|camp|base|[A-Z]))"
            r"|took(?=\s+(?:the\s+)?(?:(?:strategic|key|border|hilltop|northern|southern|eastern|western|nearby)\s+)?"
            r"(?:town|city|village|district|hill|crossing|airport|base|bridge|port|airbase)\b))\b",
            re.I,
        ),
        E.BATTLES,
        S.GOVERNMENT_REGAINS_TERRITORY,  # or a non-state actor's gain: decided by the actor
        ("retook", "recaptured", "captured", "seized", "took", "overran", "regained", "entered"),
    ),
    (
        re.compile(r"\b(?:abducted|kidnapped|abduction|kidnapping|taken\s+hostage|held\s+hostage)\b", re.I),
        E.VIOLENCE_AGAINST_CIVILIANS,
        S.ABDUCTION,
        ("abduct", "kidnap", "hostage"),
    ),
    (
        re.compile(
            r"\b(?:(?:have|has|had)\s+had\s+to\s+leave|were\s+forced\s+to\s+(?:leave|flee)|fled\s+their\s+homes"
            r"|were\s+displaced|(?:have|has|had)\s+(?:now\s+)?(?:left|fled)|driven\s+(?=[^.;]{0,40}\bfrom\s+their\s+homes)"
            r"|(?:were|was|been|being)\s+(?:forcibly\s+)?(?:forced|driven)\s+(?:from|out\s+of|out)"
            r"|forced\s+(?=[^.;]{0,40}\b(?:from|out\s+of)\s+their\s+homes)"
            rf"|(?:forced|drove|driven)(?=\s+(?:[\w,]+\s+){{0,3}}?{PEOPLE}\s+(?:from|out\s+of)\b)"
            r"|evicted|evictions?|expelled|forcibly\s+(?:removed|relocated|displaced)|uprooted)",
            re.I,
        ),
        E.STRATEGIC_DEVELOPMENTS,
        S.DISPLACEMENT,
        ("leave", "forced", "fled", "displaced", "left", "driven", "drove", "evict", "expel", "forcibly", "uproot"),
    ),
    (
        PROTEST_CUE,
        E.PROTESTS,
        S.PROTEST,
        ("protest", "demonstrat", "march", "rall", "sit-in", "streets", "crowd"),
    ),
]
# The stems of all cues, found in one pass over the lower-cased text (see :meth:`.Doc.sentences_with`).
STEMS = Stems(*(stems for *_, stems in CUES))
