"""The cue table of :mod:`.incidents`: which words start an incident, and its ACLED-like type and sub-type.

Order matters: in a sentence, a cue's words are read by the first pattern that
matches them ("seized two aid workers" is an abduction before it can be a capture;
"rioters" a riot before "clashed" can be an armed clash).
"""

from __future__ import annotations

import re

from ...schema import EventType, IncidentSubType
from .figures import PEOPLE
from .unrest import PROTEST_CUE, RIOT_CUE

__all__ = ["CUES", "KEYWORDS"]

E, S = EventType, IncidentSubType
_TAKE_PEOPLE = re.compile(
    r"\b(?:seized|snatched|grabbed|captured|took)(?=\s+(?:(?:at\s+least|some|about|more\s+than)\s+)?"
    rf"(?:[\w-]+\s+){{0,2}}?{PEOPLE}\b)",
    re.I,
)
CUES: list[tuple[re.Pattern[str], EventType, IncidentSubType]] = [
    (
        re.compile(r"\bsuicide\s+(?:car\s+|truck\s+)?(?:bomb(?:ing)?s?(?:\s+attacks?)?|attacks?|bombers?)\b", re.I),
        E.EXPLOSIONS_REMOTE_VIOLENCE,
        S.SUICIDE_BOMB,
    ),
    (
        re.compile(
            r"\b(?:air\s?strikes?|air\s+raids?|drone\s+(?:strikes?|attacks?)"
            r"|(?:conduct\w*|carr\w*\s+out|launch\w*)\s+(?:\w+\s+)?strikes)\b",
            re.I,
        ),
        E.EXPLOSIONS_REMOTE_VIOLENCE,
        S.AIR_STRIKE,
    ),
    (
        re.compile(
            r"\b(?:shelling|shelled|artillery\s+fire|mortar\s+(?:fire|rounds|attacks?)|rocket\s+attacks?)\b", re.I
        ),
        E.EXPLOSIONS_REMOTE_VIOLENCE,
        S.SHELLING,
    ),
    (
        re.compile(
            r"\b(?:roadside\s+bombs?|car\s+bombs?|(?:bomb\s+)?blasts?|IEDs?)\b"
            r"(?=[^.;]{0,80}\b(?:explod|detonat|went\s+off|kill|wound|struck|hit|destroy))"
        ),
        E.EXPLOSIONS_REMOTE_VIOLENCE,
        S.REMOTE_EXPLOSIVE,
    ),
    (_TAKE_PEOPLE, E.VIOLENCE_AGAINST_CIVILIANS, S.ABDUCTION),
    (RIOT_CUE, E.RIOTS, S.RIOT),
    (
        re.compile(
            r"\b(?:clashes|clashed|battled|firefights?|gun\s*battles?|fighting\s+(?:is|was|has\s+been)\s+ongoing)\b",
            re.I,
        ),
        E.BATTLES,
        S.ARMED_CLASH,  # or a riot when a crowd clashed with the police: decided by the words around it
    ),
    (
        re.compile(
            r"\b(?:an?|the)\s+(?:\w+\s+){0,2}?(?:attack|assault|raid|ambush)\b(?!\s+(?:on|against)\s+(?:Mosul|the\s+city)\b)",
            re.I,
        ),
        E.BATTLES,
        S.ATTACK,
    ),
    (
        re.compile(r"\b(?:shot\s+dead|gunned\s+down|executed|massacred|beheaded)\b", re.I),
        E.VIOLENCE_AGAINST_CIVILIANS,
        S.ATTACK,
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
    ),
    (
        re.compile(r"\b(?:abducted|kidnapped|abduction|kidnapping|taken\s+hostage|held\s+hostage)\b", re.I),
        E.VIOLENCE_AGAINST_CIVILIANS,
        S.ABDUCTION,
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
    ),
    (PROTEST_CUE, E.PROTESTS, S.PROTEST),
]
# Every cue above contains one of these: sentences without any are skipped at once.
KEYWORDS = re.compile(
    r"\b(?:air|suicide|strike|raid|shell|artillery|mortar|rocket|bomb|blast|IED|clash|battl|firefight|gun|fighting|attack"
    r"|assault|ambush|abduct|kidnap|leave|forc|fled|displaced|protest|demonstrat|riot|shot|gunned|executed"
    r"|massacred|beheaded|took|captur|recaptur|retook|seiz|overran|regained|left|driven|drone|evict|expel|uproot"
    r"|hostage|snatch|grabb|march|rall|crowd|streets|loot|fire|torch|ransack|vandal|sit-in|entered|violent|stones"
    r"|rocks|pelt|alight)",
    re.I,
)
