"""The figures of an incident: events, dead and wounded, people displaced, abducted or arrested, crowd sizes.

A figure counts only when the words of the event govern it: "killing at least 14",
"six dead", "some 1,500 families were forced from", "kidnapped two aid workers", "more
than 200 people were arrested", "tens of thousands marched", "a crowd of some 5,000".
A figure that only describes a place ("the village's 2,000 residents", "home to
40,000 people", "a town of 30,000") is never one.
"""

from __future__ import annotations

import re

from ...lexicon import MONTHS, alternation, table, words
from ...schema import Quantity
from .doc import Doc
from .evidence import quantities_in, span, to_quantity

__all__ = ["PEOPLE", "arrested", "casualties", "count_before", "crowd", "governed"]

# The vague counts below a million that stand for a figure ("dozens", "thousands"; summarizer/data/quantities.toml).
VAGUE_COUNTS = frozenset(w for w, n in table("quantities", "vague_counts").items() if " " not in w and n < 1_000_000)
# A figure's number: digits, "one" to "ninety" and "hundred" spelled out (not "zero", "a", "an"), or a vague count.
_NUMBER_WORDS = (
    {w for w, n in table("quantities", "small_numbers").items() if n >= 1 and w not in ("a", "an", "ones")}
    | set(table("quantities", "tens"))
    | {"hundred"}
    | VAGUE_COUNTS
)
_NUMBER_WORD = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{alternation(_NUMBER_WORDS)})"
_QUALIFIED = rf"(?:(?:{alternation(words('quantities', 'figure_qualifiers'))})\s+)?\b{_NUMBER_WORD}\b"
# "at least 14 people were killed", "six dead": the number before the verb
_MONTH_BEFORE = re.compile(  # "on Oct. 10 killed at least four": 10 is a day, not a figure
    rf"\b(?:{alternation({m[:3] for m in MONTHS})})[a-z]*\.?\s+$", re.I
)
_KILLED_BEFORE = re.compile(
    rf"(?P<n>{_QUALIFIED}(?:\s+(?:or|to)\s+{_NUMBER_WORD})?)\s+(?:[a-z]+\s+){{0,2}}?"
    r"(?:were\s+|was\s+|have\s+been\s+|had\s+been\s+)?(?P<verb>killed|dead|died|wounded|injured|hurt)\b",
    re.I,
)
# "killing at least 14 people", "wounded 30 others", "shot dead two men": the number after it
_KILLED_AFTER = re.compile(
    rf"\b(?P<verb>killing|wounding|injuring|killed|wounded|injured|shot\s+dead)\s+(?P<n>{_QUALIFIED}"
    rf"(?:\s+(?:or|to)\s+{_NUMBER_WORD})?)\b",
    re.I,
)
# People a figure may count: "families", "aid workers", "protesters".
PEOPLE = rf"(?:{alternation(words('incidents', 'people'))})"
_PEOPLE_AFTER = re.compile(rf"\s+(?:of\s+)?(?:[\w’'-]+\s+){{0,4}}?{PEOPLE}\b", re.I)
# Figures that describe a place, not an event: "home to 40,000 people", "the village's 2,000 residents".
_DESCRIBES_PLACE = re.compile(
    r"(?:\bhome\s+to|\bpopulation\s+of|\b(?:town|city|village|camp|district|community)\s+of|[’']s|\bits|\btheir"
    r"|\ball|\bhouses?|\bhousing|\bhosts?|\bsheltering|\bwhere)\s+(?:(?:some|about|around|nearly|over|more\s+than)\s+)?$",
    re.I,
)
_COUNT_GAP = re.compile(
    r"\s+(?:(?:simultaneous|coordinated|separate|deadly|twin|multiple|new|more|further|major)\s+){0,2}$", re.I
)
_ARREST_BEFORE = re.compile(
    rf"(?P<n>{_QUALIFIED})\s+(?:[\w’'-]+\s+){{0,3}}?(?:were\s+|was\s+|have\s+been\s+|had\s+been\s+)"
    r"(?:arrested|detained|rounded\s+up|taken\s+into\s+custody)\b"
    rf"|(?P<m>{_QUALIFIED})\s+(?:arrests|detentions)\b",
    re.I,
)
_ARREST_AFTER = re.compile(
    rf"\b(?:arrested|detained|rounded\s+up|arresting|detaining)\s+(?P<n>{_QUALIFIED})\s+(?:[\w’'-]+\s+){{0,2}}?"
    rf"(?:{PEOPLE}|suspects|looters)\b",
    re.I,
)
# Between a crowd's size and the cue: "tens of thousands marched", "thousands of angry protesters".
_CROWD_GAP = re.compile(rf"\s+(?:of\s+(?:[\w’'-]+\s+){{0,2}}?)?(?:{PEOPLE}\s+)?(?:[a-z]+\s+)?", re.I)
_CROWD_DREW = re.compile(
    rf"\b(?:drew|drawing|attracted|brought\s+out|(?:was|were)\s+(?:joined|attended)\s+by)\s+(?P<n>{_QUALIFIED})\b",
    re.I,
)
_CROWD_OF = re.compile(rf"\bcrowds?\s+of\s+(?P<n>{_QUALIFIED}(?:\s+(?:or|to)\s+{_NUMBER_WORD})?)\b", re.I)


def casualties(doc: Doc, sa: int, sb: int, verbs: frozenset[str]) -> Quantity | None:
    """The first figure of ``[sa, sb)`` tied to one of ``verbs`` (killed / wounded ...)."""
    text = doc.text
    if not any(text.find(v, sa, sb) >= 0 for v in verbs):
        return None
    found = [
        (m.start("n"), m.end("n"))
        for pattern in (_KILLED_BEFORE, _KILLED_AFTER)
        for m in pattern.finditer(text, sa, sb)
        if m.group("verb").split()[0].lower() in verbs
        and not _MONTH_BEFORE.search(text, max(0, m.start("n") - 12), m.start("n"))
    ]
    for a, b in sorted(found):
        parsed = [q for _, _, q in quantities_in(text, a, b) if q.unit is None]
        if parsed:
            return to_quantity(text, a, parsed[-1])
    return None


def count_before(doc: Doc, sa: int, cue_a: int) -> Quantity | None:
    """ "four simultaneous suicide bomb attacks": the number right before the cue."""
    gap = _COUNT_GAP.search(doc.text, sa, cue_a)
    if gap is None:
        return None
    for _a, b, q in reversed(quantities_in(doc.text, max(sa, gap.start() - 40), gap.start())):
        if b == gap.start() and q.unit is None:
            return to_quantity(doc.text, max(sa, gap.start() - 40), q)
    return None


def _people_figure(doc: Doc, a: int, b: int, end: int, *, need_noun: bool = True) -> Quantity | None:
    """The quantity ``text[a:b]`` with the people it counts ("some 1,500 families"), or None."""
    text = doc.text
    if _DESCRIBES_PLACE.search(text, max(0, a - 30), a):
        return None
    if re.search(r"\b(?i:no|not\s+a\s+single)\s+$", text[max(0, a - 16) : a]):
        return None  # "no one was detained": nobody
    tail = _PEOPLE_AFTER.match(text, b, end)
    if tail is None and need_noun:
        return None
    parsed = [q for _, _, q in quantities_in(text, a, b) if q.unit is None]
    if not parsed:
        return None
    q = parsed[-1]
    stop = tail.end() if tail is not None else b
    if any(u.unit is not None for _, _, u in quantities_in(text, a, stop)):
        return None  # "some 3 km": a distance, not people
    unit = tail.group().split()[-1].lower() if tail is not None else None
    return Quantity(low=q.low, high=q.high, best=q.best, qualifier=q.qualifier, unit=unit, spans=[span(text, a, stop)])


def governed(doc: Doc, clause: tuple[int, int], cue: tuple[int, int]) -> Quantity | None:
    """People the cue's verb governs: its object ("forced some 1,500 families from", "kidnapped two aid
    workers") or its subject ("More than 3,000 families have fled", "Two workers of X were abducted")."""
    text = doc.text
    ca, cb = clause
    cue_a, cue_b = cue
    after = quantities_in(text, cue_b, min(cb, cue_b + 60))
    if after and re.fullmatch(r"\s*(?:out\s+)?", text[cue_b : after[0][0]]):
        return _people_figure(doc, after[0][0], after[0][1], cb)
    for a, b, _q in reversed(quantities_in(text, ca, cue_a)):
        found = _people_figure(doc, a, b, cue_a)
        if found is None:
            continue
        between = text[found.spans[0].end or b : cue_a]
        return found if re.fullmatch(r"[^,;:()]*", between) and len(between.split()) <= 10 else None
    return None


def arrested(doc: Doc, sa: int, sb: int) -> Quantity | None:
    """ "more than 200 people were arrested", "police detained 45 protesters", "some 60 arrests"."""
    text = doc.text
    for m in _ARREST_BEFORE.finditer(text, sa, sb):
        group = "n" if m.group("n") is not None else "m"
        figure = _people_figure(doc, m.start(group), m.end(group), sb, need_noun=False)
        if figure is not None:
            return figure
    for m in _ARREST_AFTER.finditer(text, sa, sb):
        figure = _people_figure(doc, m.start("n"), m.end("n"), sb, need_noun=False)
        if figure is not None:
            return figure
    return None


def crowd(doc: Doc, clause: tuple[int, int], cue: tuple[int, int]) -> Quantity | None:
    """The size of a crowd: "a crowd of some 5,000", "tens of thousands marched", "thousands of protesters"."""
    text = doc.text
    ca, cb = clause
    m = _CROWD_OF.search(text, ca, cb) or _CROWD_DREW.search(text, cue[1], cb)
    if m is not None:
        return _people_figure(doc, m.start("n"), m.end("n"), cb, need_noun=False)
    before = [(a, b) for a, b, q in quantities_in(text, ca, cue[0]) if q.unit is None]
    if not before:
        return None
    a, b = before[-1]
    if _CROWD_GAP.fullmatch(text, b, cue[0]) is None:
        return None
    return _people_figure(doc, a, b, cue[1], need_noun=False)
