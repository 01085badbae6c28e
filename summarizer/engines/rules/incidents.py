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

import bisect
import re
from dataclasses import dataclass

from ...lexicon import fold_name
from ...schema import ActorKind, DateValue, EventType, Incident, IncidentSubType, Mention, Quantity
from .doc import Doc
from .evidence import dates_in, mention, quantities_in, span, to_quantity
from .names import MEDIA, Name, kind_of
from .places import place_like, with_suffix
from .positions import force_mention, subject_force

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
            r"\b(?:roadside\s+bombs?|car\s+bombs?|(?:bomb\s+)?blasts?|IEDs?)\b"
            r"(?=[^.;]{0,80}\b(?:explod|detonat|went\s+off|kill|wound|struck|hit|destroy))"
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
        re.compile(r"\b(?:shot\s+dead|gunned\s+down|executed|massacred|beheaded)\b", re.I),
        E.VIOLENCE_AGAINST_CIVILIANS,
        S.ATTACK,
    ),
    (
        re.compile(r"\b(?:retook|recaptured|captured|seized|took\s+control\s+of|overran|regained)\b", re.I),
        E.BATTLES,
        S.GOVERNMENT_REGAINS_TERRITORY,  # or a non-state actor's gain: decided by the actor
    ),
    (
        re.compile(r"\b(?:abducted|kidnapped|abduction|kidnapping)\b", re.I),
        E.VIOLENCE_AGAINST_CIVILIANS,
        S.ABDUCTION,
    ),
    (
        re.compile(
            r"\b(?:(?:have|has|had)\s+had\s+to\s+leave|were\s+forced\s+to\s+(?:leave|flee)|fled\s+their\s+homes"
            r"|were\s+displaced|(?:have|has|had)\s+(?:now\s+)?(?:left|fled)|driven\s+(?=[^.;]{0,40}\bfrom\s+their\s+homes))",
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
    r"\b(?:air|suicide|strike|raid|shell|artillery|mortar|rocket|bomb|blast|IED|clash|battl|firefight|gun|fighting|attack"
    r"|assault|ambush|abduct|kidnap|leave|forced|fled|displaced|protest|demonstrat|riot|shot|gunned|executed"
    r"|massacred|beheaded|took|captur|recaptur|retook|seiz|overran|regained|left|driven)",
    re.I,
)
_NOT_EVENT = re.compile(
    r"\b(?:defus\w*|disarm\w*|detect\w*|counter|against\s+future|prevent\w*|risk\s+of|threat\s+of)\s+$", re.I
)
_COUNT_GAP = re.compile(
    r"\s+(?:(?:simultaneous|coordinated|separate|deadly|twin|multiple|new|more|further|major)\s+){0,2}$", re.I
)
_PLACE_LEAD = re.compile(
    r"(?:\b(?:in|near|at|on|outside|around|inside|out\s+of|from)\s+(?:the\s+)?(?:[\w-]+(?:[’']s)?\s+){0,3}?"
    r"|\b(?:town|city|village|province|district),\s+|\b(?:town|city|village|province|district)\s+of\s+"
    r"|\b(?:shelling|bombing|bombardment|siege|capture|recapture)\s+of\s+(?:the\s+)?)$"
)
_LEAVE_LEAD = re.compile(
    r"\b(?:leave|left|flee|fled|from|out\s+of|in|near|toward|towards)\s+(?:the\s+)?(?:[\w-]+(?:[’']s)?\s+){0,2}?$"
)
_CLAUSE_BREAK = re.compile(
    r";|,\s+(?:state-run\s+|the\s+)?[\w ]{0,40}?\b(?:reported|said|told)\b|,\s+(?:on\s+the\s+day|while|but|which|who)\b"
)
_SUBJECT = re.compile(
    r"^\s*(?:meanwhile\s*,?\s*|but\s+|and\s+)?([^,;]{1,80}?)\s+"
    r"(?:conducted|carried\s+out|launched|staged|claimed|battled|clashed(?:\s+with)?|fought|retook|recaptured|captured"
    r"|seized|took\s+control\s+of|overran|regained|shot\s+dead|gunned\s+down|executed|abducted|kidnapped)\b"
    r"(?:\s+\S+){0,6}\s*$",
    re.I,
)
_NUMBER_WORD = (
    r"(?:\d{1,3}(?:,\d{3})+|\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred"
    r"|dozens|scores|hundreds|thousands)"
)
_QUALIFIED = (
    rf"(?:(?:at\s+least|more\s+than|about|some|nearly|almost|over|up\s+to|around|an\s+estimated)\s+)?\b{_NUMBER_WORD}\b"
)
# "at least 14 people were killed", "six dead": the number before the verb
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
_AFFECTED = re.compile(
    r"\s+(?:of\s+(?:[\w’'-]+\s+){0,4}?)?(?:families|people|civilians|residents|refugees|villagers|children)\b", re.I
)
WINDOW = 300  # characters around a cue that its rules may read (keeps the engine linear)
_BOUND = re.compile(r"\b(?:since|until|till|before|by|through)\s+$", re.I)
_LEADING_DATE = re.compile(r"(?:also\s+)?(?P<when>[^,;]{2,30}?)\s*,\s", re.I)
_GOVERNMENT = re.compile(
    r"\b(?:government|pro-government|army|army’s|army's|troops|military|soldiers|police|national|federal|regime)\b",
    re.I,
)
_NON_STATE = re.compile(r"\b(?:rebels?|rebel|insurgents?|militants?|jihadists?|fighters|gunmen)\b", re.I)
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
    last: tuple[int, _Draft] | None = None  # the latest incident and the sentence it came from
    sents = doc.src.sentences
    for sa, sb in doc.sentences_with(_KEYWORDS):
        taken: list[tuple[int, int]] = []  # sorted, disjoint cue ranges already read
        for pattern, etype, sub in _CUES:
            for m in pattern.finditer(doc.text, sa, sb):
                if _overlaps(taken, m.start(), m.end()):
                    continue
                if _NOT_EVENT.search(doc.text, max(sa, m.start() - 30), m.start()):
                    continue
                found = _incident(doc, m, etype, sub, (sa, sb))
                if found is None:
                    continue
                bisect.insort(taken, (m.start(), m.end()))
                draft, incident = found
                if last is not None and _continues(doc, last, draft, sents, sa) and out:
                    out[-1] = _absorb(out[-1], incident)  # "Rebel shelling ... The worst attack, on June 12, ..."
                    continue
                last = (sa, draft)
                key = (draft.sub_type, fold_name(draft.location.text) if draft.location else "")
                same = seen.setdefault(key, [])
                if draft.location is None or not any(_same_event(draft, d) for d in same):
                    same.append(draft)
                    out.append(incident)
    return out


def _overlaps(taken: list[tuple[int, int]], a: int, b: int) -> bool:
    i = bisect.bisect_left(taken, (a, a))
    return any(s < b and a < e for s, e in taken[max(0, i - 1) : i + 1])


def _continues(doc: Doc, last: tuple[int, _Draft], draft: _Draft, sents: list[tuple[int, int]], sa: int) -> bool:
    """A generic "the worst attack" right after a typed incident, in the next sentence of its paragraph."""
    prev_sa, prev = last
    if draft.sub_type is not S.ATTACK or draft.event_type is not E.BATTLES or prev.sub_type is S.ATTACK:
        return False
    i = doc.src.sentence_index(sa)
    return i > 0 and sents[i - 1][0] == prev_sa and doc.paragraph(prev_sa) == doc.paragraph(sa)


def _absorb(first: Incident, later: Incident) -> Incident:
    """The later, anaphoric mention adds its place, date and figures to the incident it refers to."""
    update: dict[str, object] = {}
    if later.location is not None:
        update["location"] = later.location
    for name in ("date", "fatalities", "injured", "count", "affected"):
        if getattr(first, name) is None and getattr(later, name) is not None:
            update[name] = getattr(later, name)
    return first.model_copy(update=update)


def _incident(
    doc: Doc, m: re.Match[str], etype: EventType, sub: IncidentSubType, sentence: tuple[int, int]
) -> tuple[_Draft, Incident] | None:
    text = doc.text
    start, end = sentence
    cue_a, cue_b = m.start(), m.end()
    sa, sb = max(start, cue_a - WINDOW), min(end, cue_b + WINDOW)  # bounded work per cue: linear time
    if sub is S.ATTACK and etype is E.BATTLES:  # "the worst attack": the cue is the noun
        cue_a = cue_b - len(re.search(r"\w+$", m.group()).group())  # type: ignore[union-attr]
    clause_end = _clause_end(text, cue_b, sb)
    place = _place(doc, cue_b, clause_end, sub) or _place(doc, _clause_start(text, sa, cue_a), cue_a, sub)
    dates = _event_dates(doc, cue_b, clause_end) or (_leading_date(doc, sa, cue_a) if sa == start else [])
    date = dates[0][1] if dates else None
    actors = _actors(doc, sa, cue_a, cue_b, sb, sub)
    affected = _affected(doc, sa, sb) if sub is S.DISPLACEMENT else None
    if place is None and date is None and affected is None:
        return None
    if sub is S.GOVERNMENT_REGAINS_TERRITORY:
        found = _territory(actors)
        if found is None or place is None:
            return None
        etype, sub = found
    place = with_suffix(doc, place) if place is not None else None
    draft = _Draft(etype, sub, (cue_a, cue_b), place, date)
    cue = mention(text, cue_a, cue_b)
    assert cue is not None
    incident = Incident(
        event_type=etype,
        sub_type=sub,
        cue=cue,
        location=mention(text, place.start, place.end) if place else None,
        date=date,
        actors=actors,
        count=_count(doc, sa, cue_a),
        fatalities=_casualties(doc, sa, sb, ("killed", "dead", "died", "killing", "shot")),
        injured=_casualties(doc, sa, sb, ("wounded", "injured", "hurt", "wounding", "injuring")),
        affected=affected,
        reported_by=_reported_by(doc, cue_b, sb),
    )
    return draft, incident


def _event_dates(doc: Doc, start: int, end: int) -> list[tuple[int, DateValue]]:
    """Dates of the clause that say when it happened ("on June 10"), not a bound ("since Sunday")."""
    return [
        (a, d)
        for a, d in dates_in(doc.text, start, end, doc.article_date)
        if not _BOUND.search(doc.text, max(0, a - 8), a)
    ]


def _leading_date(doc: Doc, sa: int, cue_a: int) -> list[tuple[int, DateValue]]:
    """A date that opens the sentence ("On June 10, an air strike ...", "Yesterday, artillery fire ...")."""
    m = _LEADING_DATE.match(doc.text, sa, cue_a)
    if m is None:
        return []
    dates = dates_in(doc.text, m.start("when"), m.end("when"), doc.article_date)
    return dates[:1]


def _territory(actors: list[Mention]) -> tuple[EventType, IncidentSubType] | None:
    """Who took ground decides the sub-type; with no clear actor the capture is left out."""
    if not actors:
        return None
    who = actors[0].value
    if _GOVERNMENT.search(who):
        return E.BATTLES, S.GOVERNMENT_REGAINS_TERRITORY
    if _NON_STATE.search(who) or kind_of(who) is ActorKind.ARMED_GROUP:
        return E.BATTLES, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY
    return None


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
    found = [
        n for n in doc.names(start, end) if place_like(doc, n) and lead.search(doc.text, max(0, n.start - 40), n.start)
    ]
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
    """The first figure of the sentence tied to one of ``verbs`` (killed / wounded ...)."""
    text = doc.text
    if not any(text.find(v, sa, sb) >= 0 for v in verbs):
        return None
    found = [
        (m.start("n"), m.end("n"))
        for pattern in (_KILLED_BEFORE, _KILLED_AFTER)
        for m in pattern.finditer(text, sa, sb)
        if m.group("verb").split()[0].lower() in verbs
    ]
    for a, b in sorted(found):
        parsed = [q for _, _, q in quantities_in(text, a, b) if q.unit is None]
        if parsed:
            return to_quantity(text, a, parsed[-1])
    return None


def _affected(doc: Doc, sa: int, sb: int) -> Quantity | None:
    """ "hundreds of displaced Sunni Arab families", "More than 2,300 families", "some 4,500 people"."""
    text = doc.text
    for a, b, q in quantities_in(text, sa, sb):
        tail = _AFFECTED.match(text, b, sb)
        if tail is not None and q.unit is None:
            unit = tail.group().split()[-1].lower()
            return Quantity(
                low=q.low, high=q.high, best=q.best, qualifier=q.qualifier, unit=unit, spans=[span(text, a, tail.end())]
            )
    return None


def _actors(doc: Doc, sa: int, cue_a: int, cue_b: int, sb: int, sub: IncidentSubType) -> list[Mention]:
    """Who acted: the subject of the cue's verb (both sides when coordinated) and, for battles, its object."""
    text = doc.text
    out: list[Mention] = []
    ca = _clause_start(text, sa, cue_a)
    subject = _SUBJECT.search(text[ca:cue_b])
    force: Mention | None = None
    if subject is not None:
        a, b = ca + subject.start(1), ca + subject.end(1)
        force = force_mention(doc, a, b)
        names = [n for n in doc.names(a, b) if n.kind.value in ("armed_group", "organisation", "country")]
        if force is None and len(names) == 1 and names[0].start == a:
            force = Mention(value=names[0].text, spans=[span(text, names[0].start, names[0].end)])
    if force is None and sub is S.GOVERNMENT_REGAINS_TERRITORY:
        force = subject_force(doc, sa, cue_a)[0]  # "The army’s 9th Division, advancing ..., captured"
    if force is not None:
        out.extend(_sides(doc, force))
    if sub is S.ARMED_CLASH and re.match(r"battled|clashed\s+with|fought", text[cue_a:cue_b], re.I):
        obj = re.match(r"\s+([^,;]{1,60}?)\s+(?:for|on|in|near|at|,|;)", text[cue_b:sb])
        if obj is not None:
            other = force_mention(doc, cue_b + obj.start(1), cue_b + obj.end(1))
            if other is not None:
                out.append(other)
    return out


def _sides(doc: Doc, force: Mention) -> list[Mention]:
    """ "Government troops and DLF fighters": two actors."""
    s = force.spans[0]
    if s.start is None or s.end is None:
        return [force]
    m = re.search(r"\s+and\s+", s.text)
    if m is None:
        return [force]
    left = force_mention(doc, s.start, s.start + m.start())
    right = force_mention(doc, s.start + m.end(), s.end)
    return [left, right] if left is not None and right is not None else [force]


def _reported_by(doc: Doc, start: int, end: int) -> Mention | None:
    for name in doc.names(start, end):
        if fold_name(name.text) in MEDIA and _REPORTED.match(doc.text, name.end + 1, min(end, name.end + 12)):
            return mention(doc.text, name.start, name.end)
    return None
