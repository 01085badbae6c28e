"""Incidents, coded ACLED-like: an attack cue with its type, place, date, counts and actors.

The cue fixes event type and sub-type ("suicide bomb attacks" -> explosions /
suicide bomb; "airstrikes" -> explosions / air strike; "clashes", "battled" -> battles /
armed clash; "shelling" -> explosions / shelling; "had to leave", "displaced" ->
strategic developments / displacement). The other fields come from the cue's
sentence: the place after "in / near / at", the date resolved from the article date,
a count just before the cue ("four simultaneous suicide bomb attacks"), fatalities
and injured ("killing at least 14"), the people affected ("hundreds of displaced
families"), the actors (the cue's subject and, for battles, its object) and who
reports it. An incident with neither a place nor a date is left out, and mentions
of the same event (same sub-type, place and day) are one incident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...lexicon import fold_name
from ...schema import DateValue, EventType, Incident, IncidentSubType, Mention, Quantity
from .doc import Doc
from .evidence import dates_in, mention, quantities_in, span, to_quantity
from .names import MEDIA, Name
from .places import places_in
from .positions import force_mention

__all__ = ["find_incidents"]

E, S = EventType, IncidentSubType
_CUES: list[tuple[re.Pattern[str], EventType, IncidentSubType]] = [
    (
        re.compile(r"\bsuicide\s+(?:car\s+|truck\s+)?(?:bomb(?:ing)?s?(?:\s+attacks?)?|attacks?|bombers?)\b", re.I),
        E.EXPLOSIONS_REMOTE_VIOLENCE,
        S.SUICIDE_BOMB,
    ),
    (
        re.compile(
            r"\b(?:air\s?strikes?|air\s+raids?|drone\s+strikes?|(?:conduct\w*|carr\w*\s+out|launch\w*)\s+(?:\w+\s+)?strikes)\b",
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
            r"\b(?:roadside\s+bombs?|car\s+bombs?|(?:bomb\s+)?blasts?|IEDs?)\b(?=[^.;]{0,80}\b(?:explod|detonat|went\s+off|kill|wound|struck|hit))"
        ),
        E.EXPLOSIONS_REMOTE_VIOLENCE,
        S.REMOTE_EXPLOSIVE,
    ),
    (
        re.compile(
            r"\b(?:clashes|clashed|battled|firefights?|gun\s*battles?|fighting\s+(?:is|was|has\s+been)\s+ongoing)\b",
            re.I,
        ),
        E.BATTLES,
        S.ARMED_CLASH,
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
        re.compile(r"\b(?:abducted|kidnapped|abduction|kidnapping)\b", re.I),
        E.VIOLENCE_AGAINST_CIVILIANS,
        S.ABDUCTION,
    ),
    (
        re.compile(
            r"\b(?:(?:have|has|had)\s+had\s+to\s+leave|were\s+forced\s+to\s+(?:leave|flee)|fled\s+their\s+homes|were\s+displaced)\b",
            re.I,
        ),
        E.STRATEGIC_DEVELOPMENTS,
        S.DISPLACEMENT,
    ),
    (
        re.compile(r"\b(?:protests?|protesters|demonstrations?|demonstrators)\b", re.I),
        E.PROTESTS,
        S.PROTEST,
    ),
    (re.compile(r"\b(?:riots?|rioters|rioting)\b", re.I), E.RIOTS, S.RIOT),
]
# Every cue above contains one of these: sentences without any are skipped at once.
_KEYWORDS = re.compile(
    r"suicide|strike|raid|shell|artillery|mortar|rocket|bomb|blast|IED|clash|battl|firefight|gun|fighting|attack"
    r"|assault|ambush|abduct|kidnap|leave|forced|fled|displaced|protest|demonstrat|riot",
    re.I,
)
_NOT_EVENT = re.compile(
    r"\b(?:defus\w*|disarm\w*|detect\w*|counter|against\s+future|prevent\w*|risk\s+of|threat\s+of)\s+$", re.I
)
_COUNT_GAP = re.compile(
    r"\s+(?:(?:simultaneous|coordinated|separate|deadly|twin|multiple|new|more|further|major)\s+){0,2}$", re.I
)
_PLACE_LEAD = re.compile(
    r"(?:\b(?:in|near|at|on|outside|around|inside)\s+(?:the\s+)?(?:[\w-]+(?:[’']s)?\s+){0,3}?"
    r"|\b(?:town|city|village|province|district),\s+)$"
)
_LEAVE_LEAD = re.compile(
    r"\b(?:leave|left|flee|fled|from|out\s+of|in|near)\s+(?:the\s+)?(?:[\w-]+(?:[’']s)?\s+){0,2}?$"
)
_CLAUSE_BREAK = re.compile(
    r";|,\s+(?:state-run\s+|the\s+)?[\w ]{0,40}?\b(?:reported|said|told)\b|,\s+(?:on\s+the\s+day|while|but|which|who)\b"
)
_SUBJECT = re.compile(
    r"^\s*(?:meanwhile\s*,?\s*|but\s+|and\s+)?([^,;]{1,80}?)\s+"
    r"(?:conducted|carried\s+out|launched|staged|claimed|battled|clashed\s+with|fought)\b(?:\s+\S+){0,6}\s*$",
    re.I,
)
_KILLED = re.compile(
    r"(?P<a>(?:[\w,.-]+\s+){1,4}?)(?:people\s+|civilians\s+|soldiers\s+|fighters\s+|militants\s+|others\s+|persons\s+)?"
    r"(?:were\s+|was\s+|have\s+been\s+|had\s+been\s+)?(?P<verb>killed|dead|died|wounded|injured|hurt)\b"
    r"|(?:killing|wounding|injuring|killed|wounded|injured)\s+(?P<b>(?:[\w,.-]+\s+){0,3}?[\w,.-]+)(?=\s+(?:people|civilians|soldiers|others|persons|and|,|\.|$))",
    re.I,
)
_AFFECTED = re.compile(
    r"\s+of\s+(?:[\w’'-]+\s+){0,4}?(?:families|people|civilians|residents|refugees|villagers|children)\b", re.I
)
_REPORTED = re.compile(r"\b(?:reported|said|reports|says)\b")


@dataclass
class _Draft:
    event_type: EventType
    sub_type: IncidentSubType
    cue: tuple[int, int]
    location: Name | None
    date: DateValue | None


def find_incidents(doc: Doc) -> list[Incident]:
    out: list[Incident] = []
    seen: dict[tuple[IncidentSubType, str], list[_Draft]] = {}
    for sa, sb in doc.sentences_with(_KEYWORDS):
        taken: list[tuple[int, int]] = []
        for pattern, etype, sub in _CUES:
            for m in pattern.finditer(doc.text, sa, sb):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                if _NOT_EVENT.search(doc.text, max(sa, m.start() - 30), m.start()):
                    continue
                found = _incident(doc, m, etype, sub, (sa, sb))
                if found is None:
                    continue
                taken.append((m.start(), m.end()))
                draft, incident = found
                key = (draft.sub_type, fold_name(draft.location.text) if draft.location else "")
                same = seen.setdefault(key, [])
                if draft.location is None or not any(_same_event(draft, d) for d in same):
                    same.append(draft)
                    out.append(incident)
    return out


def _incident(
    doc: Doc, m: re.Match[str], etype: EventType, sub: IncidentSubType, sentence: tuple[int, int]
) -> tuple[_Draft, Incident] | None:
    text = doc.text
    sa, sb = sentence
    cue_a, cue_b = m.start(), m.end()
    if sub is S.ATTACK:
        cue_a = cue_b - len(re.search(r"\w+$", m.group()).group())  # type: ignore[union-attr]
    clause_end = _clause_end(text, cue_b, sb)
    place = _place(doc, cue_b, clause_end, sub) or _place(doc, _clause_start(text, sa, cue_a), cue_a, sub)
    dates = dates_in(text, cue_b, clause_end, doc.article_date)
    date = dates[0][1] if dates else None
    if place is None and date is None:
        return None
    draft = _Draft(etype, sub, (cue_a, cue_b), place, date)
    cue = mention(text, cue_a, cue_b)
    assert cue is not None
    incident = Incident(
        event_type=etype,
        sub_type=sub,
        cue=cue,
        location=mention(text, place.start, place.end) if place else None,
        date=date,
        actors=_actors(doc, sa, cue_a, cue_b, sb, sub),
        count=_count(doc, sa, cue_a),
        fatalities=_casualties(doc, sa, sb, ("killed", "dead", "died", "killing")),
        injured=_casualties(doc, sa, sb, ("wounded", "injured", "hurt", "wounding", "injuring")),
        affected=_affected(doc, sa, cue_a) if sub is S.DISPLACEMENT else None,
        reported_by=_reported_by(doc, cue_b, sb),
    )
    return draft, incident


def _same_event(a: _Draft, b: _Draft) -> bool:
    if a.sub_type is not b.sub_type:
        return False
    if a.location is None or b.location is None or fold_name(a.location.text) != fold_name(b.location.text):
        return False
    return a.date is None or b.date is None or a.date.date == b.date.date


def _clause_start(text: str, sa: int, cue_a: int) -> int:
    """Start of the cue's clause: after the last comma, semicolon or dash before it."""
    cut = max(text.rfind(",", sa, cue_a), text.rfind(";", sa, cue_a), text.rfind(" - ", sa, cue_a))
    return sa if cut < 0 else cut + 1


def _clause_end(text: str, cue_b: int, sb: int) -> int:
    """End of the cue's clause: the next semicolon, or a comma that starts a new clause."""
    m = _CLAUSE_BREAK.search(text, cue_b, sb)
    return m.start() if m else sb


def _place(doc: Doc, start: int, end: int, sub: IncidentSubType) -> Name | None:
    lead = _LEAVE_LEAD if sub is S.DISPLACEMENT else _PLACE_LEAD
    found = [n for n, _ in places_in(doc, start, end) if lead.search(doc.text, max(0, n.start - 40), n.start)]
    if not found:
        return None
    first = found[0]
    if len(found) > 1 and re.fullmatch(r"[’']s\s+", doc.text[first.end : found[1].start]):
        return found[1]  # "Iraq’s Kirkuk": the city, not the country
    return first


def _count(doc: Doc, sa: int, cue_a: int) -> Quantity | None:
    gap = _COUNT_GAP.search(doc.text, sa, cue_a)
    if gap is None:
        return None
    for _a, b, q in reversed(quantities_in(doc.text, max(sa, gap.start() - 40), gap.start())):
        if b == gap.start() and q.unit is None:
            return to_quantity(doc.text, max(sa, gap.start() - 40), q)
    return None


def _casualties(doc: Doc, sa: int, sb: int, verbs: tuple[str, ...]) -> Quantity | None:
    text = doc.text
    if not any(text.find(v, sa, sb) >= 0 for v in verbs):
        return None
    for m in _KILLED.finditer(text, sa, sb):
        if m.group("verb") and m.group("verb").lower() in verbs:
            a, b = m.start("a"), m.end("a")
        elif m.group("b") and m.group().split()[0].lower() in verbs:
            a, b = m.start("b"), m.end("b")
        else:
            continue
        found = quantities_in(text, a, b)
        if found and found[-1][2].unit is None:
            return to_quantity(text, a, found[-1][2])
    return None


def _affected(doc: Doc, sa: int, cue_a: int) -> Quantity | None:
    text = doc.text
    for a, b, q in quantities_in(text, sa, cue_a):
        tail = _AFFECTED.match(text, b, cue_a)
        if tail is not None and q.unit is None:
            unit = tail.group().split()[-1].lower()
            return Quantity(
                low=q.low, high=q.high, best=q.best, qualifier=q.qualifier, unit=unit, spans=[span(text, a, tail.end())]
            )
    return None


def _actors(doc: Doc, sa: int, cue_a: int, cue_b: int, sb: int, sub: IncidentSubType) -> list[Mention]:
    text = doc.text
    out: list[Mention] = []
    ca = _clause_start(text, sa, cue_a)
    subject = _SUBJECT.search(text[ca:cue_b])
    if subject is not None:
        a, b = ca + subject.start(1), ca + subject.end(1)
        force = force_mention(doc, a, b)
        names = [n for n in doc.names(a, b) if n.kind.value in ("armed_group", "organisation", "country")]
        if force is not None:
            out.append(force)
        elif len(names) == 1 and names[0].start == a:
            out.append(Mention(value=names[0].text, spans=[span(text, names[0].start, names[0].end)]))
    if sub is S.ARMED_CLASH and re.match(r"battled|clashed\s+with|fought", text[cue_a:cue_b], re.I):
        obj = re.match(r"\s+([^,;]{1,60}?)\s+(?:for|on|in|near|at|,|;)", text[cue_b:sb])
        if obj is not None:
            force = force_mention(doc, cue_b + obj.start(1), cue_b + obj.end(1))
            if force is not None:
                out.append(force)
    return out


def _reported_by(doc: Doc, start: int, end: int) -> Mention | None:
    for name in doc.names(start, end):
        if fold_name(name.text) in MEDIA and _REPORTED.match(doc.text, name.end + 1, min(end, name.end + 12)):
            return mention(doc.text, name.start, name.end)
    return None
