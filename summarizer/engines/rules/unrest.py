"""Protests and riots: when a crowd word is an event, and when a clash is a riot.

- A protest cue is an event only when something happened: not when it is planned or
  to come ("a protest was planned for next week", "protesters said they would
  return"), and not when the noun only qualifies another ("the protest organisers").
- A march, a rally or a street protest needs a crowd as its subject ("tens of thousands
  marched", "students took to the streets"), never a force ("troops marched into");
  "a crowd gathered" is a protest only with its signs (chants, slogans, demands).
- A clash between a crowd and the police is a riot (ACLED: a violent demonstration),
  and so are burning and looting by anyone but a force or an armed group.
"""

from __future__ import annotations

import re

from ...lexicon import alternation, words
from ...schema import ActorKind
from .doc import Doc
from .figures import PEOPLE, VAGUE_COUNTS

__all__ = ["PROTEST_CUE", "RIOT_CUE", "by_force", "force_object", "is_riot_clash", "protest_happened"]

PROTEST_CUE = re.compile(
    r"\b(?:(?P<agent>protesters|protestors|demonstrators|marchers)"
    r"|(?P<noun>protests?|demonstrations?|rall(?:y|ies)|sit-ins?|(?-i:march(?:es)?))"
    r"|(?P<verb>marched|protested|demonstrated|took\s+to\s+the\s+streets|rallied)"
    r"|(?P<crowd>crowds?\s+(?:of\s+[\w\s,]{1,30}?\s+)?(?:gathered|assembled|massed)))\b",
    re.IGNORECASE,
)
RIOT_CUE = re.compile(
    r"\b(?:riots?(?!\s+(?:police|gear|squads?|shields?|control|officers|units?|act)\b)|rioters|rioting|looted"
    r"|looting|looters|set\s+fire\s+to|set\s+on\s+fire|set\s+alight|torched|ransacked|vandali[sz]ed"
    r"|turned\s+violent|(?:threw|hurled|throwing|hurling|pelted|pelting)\s+(?:\w+\s+)?(?:stones|rocks|bottles"
    r"|petrol\s+bombs|molotov\s+cocktails|firebombs))\b",
    re.IGNORECASE,
)
# A protest that has not (yet) happened: "a planned march", "the protest was scheduled for", "would march".
_PLANNED_BEFORE = re.compile(
    r"\b(?:planned|scheduled|upcoming|proposed|future)\s+(?:[\w-]+\s+)?$"
    r"|\b(?:called\s+off|cancel+ed|postponed|banned|ban\s+on)\s+(?:an?|the|their|its|this|that)\s+(?:[\w-]+\s+)?$",
    re.IGNORECASE,
)  # and one that did not: "organisers called off a march", "the ban on the rally"
_PLANNED_AFTER = re.compile(
    r"\s+(?:[\w-]+\s+){0,3}?(?:is|are|was|were|has\s+been|have\s+been|had\s+been)\s+"
    r"(?:planned|scheduled|due|expected|called|set|announced|banned)\b"
    r"|\s+(?:planned|scheduled|due|set)\s+(?:for|on)\b",  # "a march planned for Sunday"
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"\b(?:will|would|plans?\s+to|planning\s+to|intends?\s+to|threaten(?:ed|s)?\s+to|vow(?:ed|s)?\s+to"
    r"|to\s+be\s+held|next\s+(?:week|month|year)|tomorrow)\b",
    re.IGNORECASE,
)
_COMPOUND = re.compile(
    r"\s+(?:organi[sz]ers?|leaders?|movements?|groups?|camps?|slogans?|songs?|sites?|votes?|organi[sz]ations?"
    r"|permits?|bans?)\b",
    re.IGNORECASE,
)
# Who fights, who polices, who riots: summarizer/data/forces.toml.
_FORCES = re.compile(rf"\b(?:{alternation(words('forces', 'armed_units'))})\b", re.IGNORECASE)
_ARMED = re.compile(rf"\b(?:{alternation(words('forces', 'armed_clash_sides'))})\b", re.IGNORECASE)
_CROWD = re.compile(rf"\b(?:{PEOPLE}|crowds?|mobs?|thousands|hundreds|dozens|opposition)\b", re.IGNORECASE)
_RIOT_CROWD = re.compile(rf"\b(?:{alternation(words('forces', 'riot_crowds'))})\b", re.IGNORECASE)
_POLICE = re.compile(rf"\b(?:{alternation(words('forces', 'police'))})\b", re.IGNORECASE)
_SIGNS = re.compile(
    r"\b(?:chant\w*|slogans?|banners?|placards?|demand\w*|protest\w*|denounc\w*|call(?:ed|ing)?\s+for)\b",
    re.IGNORECASE,
)
_OBJECT = re.compile(r"\s+(?:out\s+)?(?:the\s+|its\s+|their\s+|all\s+)?(?:[\w-]+\s+){0,2}?(?P<head>[\w-]+)\b")
# A protest in words only: "lodged a formal protest", "resigned in protest", "a demonstration of force".
_DIPLOMATIC = re.compile(
    r"\b(?:lodg\w*|fil(?:e|ed|es|ing)|register\w*|submit\w*|deliver\w*|issu\w*|sen[dt]|made|make)\s+"
    r"(?:an?\s+|the\s+|its\s+)?(?:formal\s+|official\s+|diplomatic\s+|strong\s+|written\s+)?$|\bin\s+$",
    re.IGNORECASE,
)
_SHOW_OF = re.compile(r"\s+of\s+(?:force|strength|power|resolve|military|firepower|unity)\b", re.IGNORECASE)
_NUMBER_SUBJECT = re.compile(rf"\b(?:\d[\d,]*|{alternation(VAGUE_COUNTS)})\s*$", re.IGNORECASE)


def protest_happened(doc: Doc, m: re.Match[str], clause: tuple[int, int]) -> bool:
    """Whether the protest cue ``m`` reports a protest that took place (see the module docstring)."""
    text = doc.text
    ca, cb = clause
    if _FUTURE.search(text, ca, cb) or _PLANNED_AFTER.match(text, m.end(), cb):
        return False
    if _PLANNED_BEFORE.search(text, max(ca, m.start() - 30), m.start()):
        return False
    if m.group("noun") and _COMPOUND.match(text, m.end(), cb):
        return False
    if m.group("noun") and (_SHOW_OF.match(text, m.end(), cb) or _diplomatic(text, m)):
        return False
    subject = text[ca : m.start()]
    if m.group("verb"):
        if _FORCES.search(subject):
            return False
        return _CROWD.search(subject) is not None or _NUMBER_SUBJECT.search(subject) is not None
    if m.group("crowd"):
        return _SIGNS.search(text, ca, cb) is not None
    return True


def force_object(doc: Doc, start: int, end: int) -> bool:
    """Whether the object right after a verb at ``start`` is a force ("expelled the fighters", "drove out rebels")."""
    m = _OBJECT.match(doc.text, start, min(end, start + 60))
    return m is not None and (_FORCES.fullmatch(m.group("head")) is not None or by_force(doc, m.start("head"), m.end()))


def _diplomatic(text: str, m: re.Match[str]) -> bool:
    before = _DIPLOMATIC.search(text, max(0, m.start() - 40), m.start())
    if before is None:
        return False
    return not before.group().lower().startswith("in") or m.group().lower() == "protest"  # "killed in protests"


def is_riot_clash(doc: Doc, cue: tuple[int, int], sentence: tuple[int, int]) -> bool:
    """A clash of a crowd with the police ("youths clashed with police"), and no armed side in it."""
    text = doc.text
    lo, hi = max(sentence[0], cue[0] - 80), min(sentence[1], cue[1] + 60)
    window = text[lo:hi]
    armed = _ARMED.search(window)
    return bool(_POLICE.search(window) and _RIOT_CROWD.search(window) and not armed)


def by_force(doc: Doc, clause_start: int, cue_start: int) -> bool:
    """Whether a force or an armed group is the subject before the cue ("militants torched a school",
    "the rebels were driven out of", "DLF vehicles had left"): then burning is no riot, and leaving no
    displacement."""
    if _FORCES.search(doc.text, clause_start, cue_start) is not None:
        return True
    return any(n.kind is ActorKind.ARMED_GROUP for n in doc.names(clause_start, cue_start))
