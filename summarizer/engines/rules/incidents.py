"""Incidents, coded ACLED-like: an event cue with its type, place, date, counts and actors.

The cue (see :mod:`.incident_cues`) fixes event type and sub-type ("suicide bomb
attacks" -> explosions / suicide bomb; "airstrikes", "a drone strike" -> explosions /
air strike; "clashes", "battled" -> battles / armed clash, or riots when a crowd clashed
with the police; "rioters", "looted", "set fire to" -> riots; "marched", "protesters" ->
protests; "kidnapped", "seized two aid workers" -> abduction; "had to leave", "were
forced from", "evicted" -> strategic developments / displacement). The other fields
come from the cue's sentence: the place after "in / near / at", the date of the cue's
own clause (else the one that opens the sentence) resolved from the article date, the
figures its words govern (:mod:`.figures`: "four simultaneous", "killing at least 14",
"some 1,500 families were forced from", "tens of thousands marched", "more than 200
arrested"), the actors (the cue's subject and, for battles, its object) and who
reports it. An incident with neither a place, a date nor a figure of people is left
out; a protest that was only planned or a noun that qualifies another ("the protest
organisers") is none (:mod:`.unrest`). Mentions of one event are one incident: the same
sub-type in one sentence, a definite "the worst attack" in the next sentence, and the
same sub-type, place and day anywhere.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass

from ...lexicon import alternation, fold_name, words
from ...names import Name, is_outlet, kind_of
from ...schema import ActorKind, DateValue, EventType, Incident, IncidentSubType, Mention, Quantity, Quote
from .doc import Doc
from .evidence import dates_in, day_key, mention, span
from .figures import arrested, casualties, count_before, crowd, governed
from .forces import Claims, force_mention, subject_force
from .incident_cues import CUES, STEMS
from .places import leading_place, place_like, place_referred, with_suffix
from .positions import REFERENCE
from .summary import title_range
from .unrest import by_force, force_object, is_riot_clash, protest_happened

__all__ = ["find_incidents"]

E, S = EventType, IncidentSubType
_NOT_EVENT = re.compile(
    r"\b(?:defus\w*|disarm\w*|detect\w*|counter|against\s+future|prevent\w*|risk\s+of|threat\s+of)\s+$"
    r"|\b(?:face|faced|facing|risk|risked|risking|threatened\s+with|could|would|will|may|might)\s+(?:be|being)\s+"
    r"(?:forcibly\s+)?$"
    # none, or one that may come: "carried out no air strikes", "any air strike on X will be answered",
    # "residents fear more shelling", "warned of possible attacks"
    r"|\b(?:no|any|possible|potential|future|(?:fears?|feared|fearing)\s+(?:of\s+)?(?:more|further|new|renewed))\s+$"
    r"|\b(?:an?\s+end\s+to|a\s+(?:halt|stop)\s+to|ban\s+on|calls?\s+for|called\s+for)\s+(?:the\s+)?(?:[\w-]+\s+)?$",
    re.I,
)
_PLACE_LEAD = re.compile(
    r"(?:\b(?:in|near|at|on|outside|around|inside|out\s+of|from|through|across|along)\s+(?:the\s+)?"
    r"(?:[\w-]+(?:[’']s)?\s+){0,3}?"
    r"|\b(?:hit|struck|pounded|targeted|shelled|bombed)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?"  # "shelling hit Tervanik"
    r"|\b(?:town|city|village|province|district|capital),\s+"
    r"|\b(?:town|city|village|province|district|streets|square|centre|center|outskirts)\s+of\s+"
    r"|\b(?:shelling|bombing|bombardment|siege|capture|recapture)\s+of\s+(?:the\s+)?)$"
)
_LEAVE_LEAD = re.compile(
    r"\b(?:leave|left|flee|fled|from|out\s+of|in|at|near|around|outside|inside|toward|towards)\s+(?:the\s+)?"
    r"(?:[\w-]+(?:[’']s)?\s+){0,2}?$"
)
_CLAUSE_BREAK = re.compile(
    r";|,\s+(?:state-run\s+|the\s+)?[\w ]{0,40}?\b(?:reported|said|told)\b|,\s+(?:on\s+the\s+day|while|but|which|who)\b"
    r"|,\s+(?:after|before|when|since)\b|,?\s+(?:a|one|two|three|four|five|several|few)\s+(?:days?|hours?|weeks?)\s+"
    r"(?:after|before|later|earlier)\b"
)
_FIGURE_BREAK = re.compile(
    r";|,\s+(?:and|but|while|whereas)\s+(?=(?:an?|the|some|another)\s)"
    # "..., and 12 people died in a road accident": a clause about another event
    r"|,\s+(?:and|while)\s+(?=[^,;.]{0,60}\b(?:separate(?:ly)?|accidents?|crash|elsewhere|another)\b)"
    # "..., a town where 12 people were killed in a similar attack last year": an earlier event's toll
    r"|,\s+[^,;]{0,40}?\b(?:where|in\s+which)\b(?=[^.;]{0,80}\b(?:similar|previous|earlier|another|separate"
    r"|last\s+(?:year|month|week)|in\s+\d{4})\b)"
)
_SUBORDINATE = re.compile(r"\b(?:after|before|when|while|as|since|because|said|says|told|that|where)\s+", re.I)
_CLAUSE_MARK = re.compile(r",(?!\d{3})|;| - ")
_SUBJECT = re.compile(
    r"^\s*(?:meanwhile\s*,?\s*|but\s+|and\s+)?([^,;]{1,80}?)\s+"
    r"(?:conducted|carried\s+out|launched|staged|claimed|battled|clashed(?:\s+with)?|fought|retook|recaptured|captured"
    r"|seized|took\s+control\s+of|took|overran|regained|shot\s+dead|gunned\s+down|executed|abducted|kidnapped"
    r"|snatched|grabbed|set\s+fire\s+to|torched|looted|ransacked|evicted|expelled|forced|opened\s+fire|ambushed"
    r"|stormed|raided|attacked)\b"
    r"(?:\s+\S+){0,6}\s*$",
    re.I,
)
WINDOW = 300  # characters around a cue that its rules may read (keeps the engine linear)
_BOUND_SPAN = re.compile(r"(?:since|until|till|before|by|through)\b", re.I)  # the parser's span may hold it
_BOUND = re.compile(r"\b(?:since|until|till|before|by|through)\s+$", re.I)
_LEADING_DATE = re.compile(r"(?:also\s+)?(?P<when>[^,;]{2,30}?)\s*,\s", re.I)
# Which side took ground (summarizer/data/forces.toml).
_GOVERNMENT = re.compile(rf"\b(?:{alternation(words('forces', 'government_side'))})\b", re.I)
_NON_STATE = re.compile(rf"\b(?:{alternation(words('forces', 'non_state_side'))})\b", re.I)
_REPORTED = re.compile(r"\b(?:reported|said|reports|says)\b")
# The words a death toll and a number of injured hang on (summarizer/data/incidents.toml).
_FATALITY_CUES = words("incidents", "fatality_cues")
_INJURY_CUES = words("incidents", "injury_cues")


_UNREST = (S.PROTEST, S.RIOT)
_ARREST_WORDS = re.compile(r"\b(?:arrest\w*|detain\w*|rounded\s+up|custody)\b", re.I)
_DEFINITE = re.compile(r"(?:the|that|this)\b", re.I)
# "the shelling of civilian areas must stop": a demand, not an event.
_MUST_STOP = re.compile(r"[^.;]{0,60}?\b(?:must|should|has\s+to|have\s+to)\s+(?:stop|end|cease)\b", re.I)
# Who launches strikes from the air: a force, a country, a coalition; "dockworkers launched strikes" is a labour strike.
_STRIKER = re.compile(r"\b(?:coalition|air\s+force|jets|warplanes|aircraft|drones|navy|military|planes)\b", re.I)
_CLASH_VERB = re.compile(r"clashed|battled|fought", re.I)
_TRANSITIVE = re.compile(r"(?:forced|driven|evict|expel|forcibly|uproot)", re.I)  # the displaced are the object
_PROTEST_REFERENCE = re.compile(
    r"\b(?:the|that|this)\s+(?:[\w-]+\s+)?(?:march|protest|rally|demonstration|sit-in)\b|\b(?:protesters|demonstrators)\b",
    re.I,
)
_REFER_PARAGRAPHS = 1  # how far after its protest "the march turned violent" may come
_PROTEST_REFER_PARAGRAPHS = 3  # how far after its protest "the march set off from X" may come (a headline before)
_DEFINITE_BEFORE = re.compile(r"\b(?:the|that|this|Sunday's|Saturday's|[Tt]he\s+day's)\s+(?:[\w-]+\s+)?$", re.I)
_ARREST_SENTENCES = 3  # "Police arrested 200 people." may follow its riot by this many sentences (next paragraph)


@dataclass
class _Draft:
    event_type: EventType
    sub_type: IncidentSubType
    cue: tuple[int, int]
    location: Name | None
    date: DateValue | None
    sentence: int = -1
    definite: bool = False
    refers: bool = False  # a riot with no place or date of its own in a sentence about "the march"


def find_incidents(doc: Doc, quotes: list[Quote] | None = None) -> list[Incident]:
    claims = Claims(quotes or [])
    out: list[tuple[_Draft, Incident]] = []
    seen: dict[tuple[IncidentSubType, str], list[_Draft]] = {}
    headline = title_range(doc)
    titled: list[tuple[_Draft, Incident]] = []
    dated: dict[tuple[IncidentSubType, dt.date | str], int] = {}  # sub-type and day -> the first such incident in out
    for sa, sb, stems in doc.sentences_with(STEMS):
        for draft, incident in _sentence_incidents(doc, sa, sb, stems):
            if headline is not None and headline[0] <= draft.cue[0] < headline[1]:
                titled.append((draft, incident))
                continue
            if draft.refers:
                found = _from_protest(doc, out, draft, incident)
                if found is None:
                    continue
                draft, incident = found
            earlier = _protest_referred(doc, out, draft)
            if earlier is not None:  # "The march set off from X": the march reported before, not another
                out[earlier] = (out[earlier][0], _absorb(out[earlier][1], incident, place=False))
                continue
            if out and _continues(doc, out[-1][0], draft):
                out[-1] = (out[-1][0], _absorb(out[-1][1], incident))  # "Rebel shelling ... The worst attack, ..."
                continue
            day = (draft.sub_type, day_key(draft.date)) if draft.date is not None else None
            if draft.location is None and day is not None and day in dated:
                k = dated[day]  # "Sunday's shelling also destroyed ...": the shelling of that day, told before
                out[k] = (out[k][0], _absorb(out[k][1], incident, place=False))
                continue
            key = (draft.sub_type, fold_name(draft.location.text) if draft.location else "")
            same = seen.setdefault(key, [])
            if draft.location is None or not any(_same_event(draft, d) for d in same):
                same.append(draft)
                if day is not None:
                    dated.setdefault(day, len(out))
                out.append((draft, incident))
    out = _headline_restated(_quoted_restated(doc, out), titled)
    _add_arrests(doc, out)
    return [_reported(incident, claims, draft) for draft, incident in out]


def _quoted_restated(doc: Doc, out: list[tuple[_Draft, Incident]]) -> list[tuple[_Draft, Incident]]:
    """An incident told inside a quotation ("“They shelled the market,” said X") when the article reports one of
    the same sub-type, place and day in its own words is that one retold: left out."""
    # (sub-type, place or "") -> the days of the incidents told in the article's own words (None: no day)
    told: dict[tuple[IncidentSubType, str], set[dt.date | str | None]] = {}
    quoted: list[bool] = []
    for d, _ in out:
        quoted.append(doc.quote_at(d.cue[0]) is not None)
        if not quoted[-1]:
            day = day_key(d.date) if d.date is not None else None
            told.setdefault((d.sub_type, fold_name(d.location.text) if d.location else ""), set()).add(day)
            told.setdefault((d.sub_type, "*"), set()).add(day)  # any place
    kept: list[tuple[_Draft, Incident]] = []
    for (d, i), q in zip(out, quoted, strict=True):
        if q:
            places = ("*",) if d.location is None else (fold_name(d.location.text), "")
            day = day_key(d.date) if d.date is not None else None
            days = set().union(*(told.get((d.sub_type, p), set()) for p in places))
            if days and (day is None or None in days or day in days):
                continue
        kept.append((d, i))
    return kept


def _headline_restated(
    out: list[tuple[_Draft, Incident]], titled: list[tuple[_Draft, Incident]]
) -> list[tuple[_Draft, Incident]]:
    """The headline's incident ("Air strike kills 12 in X market") is the body's first of the same sub-type, which
    the lead tells in full: the headline adds only what the body lacks, and stands alone only without one."""
    kept: list[tuple[_Draft, Incident]] = []
    for draft, incident in out:
        twin = next((k for k, (d, _) in enumerate(titled) if d.sub_type is draft.sub_type), None)
        if twin is not None:
            incident = _absorb(incident, titled.pop(twin)[1], place=False)
        kept.append((draft, incident))
    return titled + kept


def _protest_referred(doc: Doc, out: list[tuple[_Draft, Incident]], draft: _Draft) -> int | None:
    """The index of the protest a definite "the march" / "that rally" refers back to: the latest one reported in
    the paragraphs just before, on no other day."""
    a = draft.cue[0]
    if draft.sub_type is not S.PROTEST or not _DEFINITE_BEFORE.search(doc.text, max(0, a - 30), a):
        return None
    para = doc.paragraph(a)
    for k in range(len(out) - 1, -1, -1):  # in text order: stops at the first one too far back
        prev = out[k][0]
        if para - doc.paragraph(prev.cue[0]) > _PROTEST_REFER_PARAGRAPHS:
            return None
        if prev.sub_type is not S.PROTEST:
            continue
        same_day = prev.date is None or draft.date is None or day_key(prev.date) == day_key(draft.date)
        return k if same_day else None
    return None


def _from_protest(
    doc: Doc, out: list[tuple[_Draft, Incident]], draft: _Draft, incident: Incident
) -> tuple[_Draft, Incident] | None:
    """ "The march turned violent ...": a riot takes the place and date of the protest just before it."""
    protest = next((d for d, _ in reversed(out) if d.sub_type is S.PROTEST), None)
    if protest is None or doc.paragraph(draft.cue[0]) - doc.paragraph(protest.cue[0]) > _REFER_PARAGRAPHS:
        return None
    if protest.location is None and protest.date is None:
        return None
    update = {"location": mention(doc.text, protest.location.start, protest.location.end) if protest.location else None}
    inherited = _Draft(draft.event_type, draft.sub_type, draft.cue, protest.location, protest.date, draft.sentence)
    return inherited, incident.model_copy(update={**update, "date": protest.date})


def _reported(incident: Incident, claims: Claims, draft: _Draft) -> Incident:
    """Who reports the incident when no outlet was named: the speaker of the quote that holds its cue."""
    if incident.reported_by is not None:
        return incident
    return incident.model_copy(update={"reported_by": claims.at(draft.cue[0])})


def _sentence_incidents(doc: Doc, sa: int, sb: int, stems: frozenset[str]) -> list[tuple[_Draft, Incident]]:
    """The incidents of one sentence in text order; mentions of one sub-type in it are one incident."""
    taken: list[tuple[int, int]] = []  # sorted, disjoint cue ranges already read
    found: list[tuple[_Draft, Incident]] = []
    for pattern, etype, sub, needs in CUES:
        if stems.isdisjoint(needs):
            continue
        for m in pattern.finditer(doc.text, sa, sb):
            if _overlaps(taken, m.start(), m.end()) or _NOT_EVENT.search(doc.text, max(sa, m.start() - 30), m.start()):
                continue
            made = _incident(doc, m, etype, sub, (sa, sb))
            if made is not None:
                bisect.insort(taken, (m.start(), m.end()))
                found.append(made)
    found.sort(key=lambda di: di[0].cue[0])
    if any(d.sub_type is S.RIOT for d, _ in found):  # protesters who riot: one riot
        found = [(d, i) for d, i in found if d.sub_type is not S.PROTEST] + [
            (d, i) for d, i in found if d.sub_type is S.PROTEST and i.location is not None and not _near_riot(d, found)
        ]
        found.sort(key=lambda di: di[0].cue[0])
    found = _generic_attacks_absorbed(doc, found)
    out: list[tuple[_Draft, Incident]] = []
    for draft, incident in found:
        same = next((k for k, (d, _) in enumerate(out) if d.sub_type is draft.sub_type and _compatible(d, draft)), None)
        if same is None:
            out.append((draft, incident))
        else:
            out[same] = (out[same][0], _absorb(out[same][1], incident, place=False))
    return out


def _generic_attacks_absorbed(doc: Doc, found: list[tuple[_Draft, Incident]]) -> list[tuple[_Draft, Incident]]:
    """ "In a separate attack on Monday, shelling killed two": the noun "attack" names the typed event of its
    sentence (shelling, a strike, a bomb), not another one; its place, date and figures go to that event."""
    typed = [k for k, (d, _) in enumerate(found) if d.event_type is E.EXPLOSIONS_REMOTE_VIOLENCE]
    if not typed:
        return found
    out = list(found)
    dropped: set[int] = set()
    for k, (d, incident) in enumerate(found):
        if d.sub_type is not S.ATTACK or d.event_type is not E.BATTLES or doc.text[d.cue[0] : d.cue[1]].endswith("ed"):
            continue
        target = next((t for t in typed if _compatible(found[t][0], d)), None)
        if target is None:
            continue
        out[target] = (out[target][0], _absorb(out[target][1], incident, place=False))
        dropped.add(k)
    return [di for k, di in enumerate(out) if k not in dropped]


def _near_riot(draft: _Draft, found: list[tuple[_Draft, Incident]]) -> bool:
    return any(d.sub_type is S.RIOT and _compatible(d, draft) for d, _ in found)


def _compatible(a: _Draft, b: _Draft) -> bool:
    if a.location is not None and b.location is not None and fold_name(a.location.text) != fold_name(b.location.text):
        return False
    return a.date is None or b.date is None or day_key(a.date) == day_key(b.date)


def _overlaps(taken: list[tuple[int, int]], a: int, b: int) -> bool:
    i = bisect.bisect_left(taken, (a, a))
    return any(s < b and a < e for s, e in taken[max(0, i - 1) : i + 1])


def _continues(doc: Doc, prev: _Draft, draft: _Draft) -> bool:
    """A definite "the worst attack" right after a typed incident, in the next sentence of its paragraph."""
    if draft.sub_type is not S.ATTACK or draft.event_type is not E.BATTLES or prev.sub_type is S.ATTACK:
        return False
    if not draft.definite or draft.sentence != prev.sentence + 1:
        return False
    return doc.paragraph(prev.cue[0]) == doc.paragraph(draft.cue[0])


def _absorb(first: Incident, later: Incident, *, place: bool = True) -> Incident:
    """A later mention of the same event adds its place, date and figures to it."""
    update: dict[str, object] = {}
    if later.location is not None and (place or first.location is None):
        update["location"] = later.location
    for name in ("date", "fatalities", "injured", "count", "affected", "reported_by"):
        if getattr(first, name) is None and getattr(later, name) is not None:
            update[name] = getattr(later, name)
    if not first.actors and later.actors:
        update["actors"] = later.actors
    return first.model_copy(update=update)


def _add_arrests(doc: Doc, found: list[tuple[_Draft, Incident]]) -> None:
    """ "Police arrested more than 200 people" in the next sentences of a protest or riot: the people affected."""
    sents = doc.src.sentences
    for k, (draft, incident) in enumerate(found):
        if draft.sub_type not in _UNREST or incident.affected is not None:
            continue
        stop = draft.sentence + _ARREST_SENTENCES
        if k + 1 < len(found):  # up to the next incident's sentence
            stop = min(stop, max(draft.sentence, found[k + 1][0].sentence - 1))
        for i in range(draft.sentence + 1, min(stop, len(sents) - 1) + 1):
            sa, sb = sents[i]
            if doc.paragraph(sa) - doc.paragraph(draft.cue[0]) > 1:
                break
            opens = _leading_date(doc, sa, sb)
            if opens and draft.date is not None and day_key(opens[0][1]) != day_key(draft.date):
                break  # "On Monday, a smaller group rallied ...": another day, another crowd
            figure = arrested(doc, sa, min(sb, sa + 2 * WINDOW)) if _ARREST_WORDS.search(doc.text, sa, sb) else None
            if figure is not None:
                found[k] = (draft, incident.model_copy(update={"affected": figure}))
                break


def _incident(
    doc: Doc, m: re.Match[str], etype: EventType, sub: IncidentSubType, sentence: tuple[int, int]
) -> tuple[_Draft, Incident] | None:
    text = doc.text
    start, end = sentence
    cue_a, cue_b = m.start(), m.end()
    sa, sb = max(start, cue_a - WINDOW), min(end, cue_b + WINDOW)  # bounded work per cue: linear time
    definite = False
    if sub is S.ATTACK and etype is E.BATTLES:  # "the worst attack": the cue is the noun
        definite = _DEFINITE.match(m.group()) is not None
        cue_a = cue_b - len(re.search(r"\w+$", m.group()).group())  # type: ignore[union-attr]
    clause = (_clause_start(text, sa, cue_a), _clause_end(text, cue_b, sb))
    kind = _kind(doc, m, etype, sub, clause, sentence)
    if kind is None:
        return None
    etype, sub = kind
    place = _place(doc, cue_b, clause[1], sub) or _place(doc, clause[0], cue_a, sub)
    place = place or (leading_place(doc, start, cue_a) if sa == start else None)
    ref = REFERENCE.match(text, cue_b, clause[1]) if place is None else None
    place = place_referred(doc, ref.start("noun"), ref.group("noun")) if ref is not None else place
    if place is None and clause[0] > sa and not any(p.search(text, sa, clause[0]) for p, *_ in CUES):
        place = _place(doc, sa, clause[0], sub)  # "at the X camp, and about 400 families were evicted"
    dates = _event_dates(doc, cue_b, clause[1]) or _date_before(doc, clause[0], cue_a)
    dates = dates or (_leading_date(doc, sa, cue_a) if sa == start else [])
    date = dates[0][1] if dates else None
    actors = _actors(doc, sa, cue_a, cue_b, sb, sub)
    affected = _affected(doc, sub, clause, (cue_a, cue_b), (sa, sb))
    refers = sub is S.RIOT and _PROTEST_REFERENCE.search(text, start, end) is not None
    if place is None and date is None and affected is None and not refers:
        return None
    if sub is S.GOVERNMENT_REGAINS_TERRITORY:
        found = _territory(actors)
        if found is None or place is None:
            return None
        etype, sub = found
    place = with_suffix(doc, place) if place is not None else None
    draft = _Draft(etype, sub, (cue_a, cue_b), place, date, doc.src.sentence_index(cue_a), definite)
    draft.refers = refers and place is None and date is None
    figures = _figure_window(text, sa, cue_a, cue_b, sb)
    cue = mention(text, cue_a, cue_b)
    assert cue is not None
    incident = Incident(
        event_type=etype,
        sub_type=sub,
        cue=cue,
        location=mention(text, place.start, place.end) if place else None,
        date=date,
        actors=actors,
        count=_count(doc, sub, clause, (cue_a, cue_b), sa),
        fatalities=casualties(doc, *figures, _FATALITY_CUES),
        injured=casualties(doc, *figures, _INJURY_CUES),
        affected=affected,
        reported_by=_reported_by(doc, cue_b, sb),
    )
    return draft, incident


def _kind(
    doc: Doc,
    m: re.Match[str],
    etype: EventType,
    sub: IncidentSubType,
    clause: tuple[int, int],
    sentence: tuple[int, int],
) -> tuple[EventType, IncidentSubType] | None:
    """The cue's type in its context: a protest that happened, a riot, a displacement not of a force."""
    if _MUST_STOP.match(doc.text, m.end(), clause[1]):
        return None
    if sub is S.PROTEST:
        return (etype, sub) if protest_happened(doc, m, clause) else None
    if (
        sub is S.AIR_STRIKE
        and re.match(r"(?:conduct|carr|launch)", m.group(), re.I)
        and not _strikers(doc, clause[0], m.start())
    ):
        return None
    if sub is S.ARMED_CLASH and _CLASH_VERB.match(m.group()) and not is_riot_clash(doc, (m.start(), m.end()), sentence):
        after = (m.end(), min(clause[1], m.end() + 60))
        if re.match(r"\s+over\b", doc.text[m.end() : m.end() + 8]) or not (
            by_force(doc, clause[0], m.start()) or by_force(doc, *after)
        ):
            return None  # "the two ministers clashed over the budget": no armed side, no battle
    if sub is S.RIOT and re.match(r"(?:set|torch|loot|ransack|vandal|threw|hurl|throw|pelt)", m.group(), re.I):
        return None if by_force(doc, clause[0], m.start()) else (etype, sub)
    if sub is S.ATTACK and etype is E.BATTLES and re.match(r"(?:ambush|storm|raid|attack)ed", m.group(), re.I):
        return (etype, sub) if by_force(doc, clause[0], m.start()) else None  # "Rebels ambushed an army convoy"
    if sub is S.ARMED_CLASH and is_riot_clash(doc, (m.start(), m.end()), sentence):
        return E.RIOTS, S.RIOT
    if sub is S.DISPLACEMENT and not _TRANSITIVE.match(m.group()) and by_force(doc, clause[0], m.start()):
        return None  # "the rebels had left the town": a withdrawal, not people displaced
    if sub is S.DISPLACEMENT and _TRANSITIVE.match(m.group()) and force_object(doc, m.end(), clause[1]):
        return None  # "expelled the fighters from two villages": ground taken, not people displaced
    return etype, sub


def _strikers(doc: Doc, start: int, end: int) -> bool:
    """A force, a country or an air arm before the cue: who launches strikes from the air."""
    if by_force(doc, start, end) or _STRIKER.search(doc.text, start, end):
        return True
    return any(n.kind is ActorKind.COUNTRY for n in doc.names(start, end))


def _affected(
    doc: Doc, sub: IncidentSubType, clause: tuple[int, int], cue: tuple[int, int], window: tuple[int, int]
) -> Quantity | None:
    """People displaced or abducted (governed by the cue), or arrested at a protest or riot."""
    if sub in (S.DISPLACEMENT, S.ABDUCTION):
        return governed(doc, clause, cue)
    if sub in _UNREST:
        return arrested(doc, *window)
    return None


def _count(doc: Doc, sub: IncidentSubType, clause: tuple[int, int], cue: tuple[int, int], sa: int) -> Quantity | None:
    """How many events ("four simultaneous attacks"), or for a protest or riot how many people took part."""
    if sub in _UNREST:
        return crowd(doc, clause, cue)
    return count_before(doc, sa, cue[0])


def _figure_window(text: str, sa: int, cue_a: int, cue_b: int, sb: int) -> tuple[int, int]:
    """Where the cue's dead and wounded are counted: its sentence, up to another coordinated clause with a subject
    of its own ("..., aid groups said, and a drone strike ... killed six")."""
    lo = sa
    for m in _FIGURE_BREAK.finditer(text, sa, cue_a):
        lo = m.end()
    after = _FIGURE_BREAK.search(text, cue_b, sb)
    return lo, after.start() if after else sb


def _event_dates(doc: Doc, start: int, end: int) -> list[tuple[int, DateValue]]:
    """Dates of the clause that say when it happened ("on June 10"), not a bound ("since Sunday")."""
    return [
        (a, d)
        for a, d in dates_in(doc.text, start, end, doc.article_date)
        if not _BOUND.search(doc.text, max(0, a - 8), a) and not _BOUND_SPAN.match(doc.text, a)
    ]


def _date_before(doc: Doc, ca: int, cue_a: int) -> list[tuple[int, DateValue]]:
    """A date right before the cue in its clause ("Rebels on Friday shelled ..."), nothing between but an adverb."""
    dates = _event_dates(doc, ca, cue_a)
    if not dates:
        return []
    a, value = dates[-1]
    end = value.spans[0].end or a
    return [(a, value)] if re.fullmatch(r"\s+(?:[a-z]+ly\s+)?", doc.text[end:cue_a]) else []


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
    return a.date is None or b.date is None or day_key(a.date) == day_key(b.date)


def _clause_start(text: str, sa: int, cue_a: int) -> int:
    """Start of the cue's clause: after the last comma (not one inside "1,500"), semicolon or dash before it."""
    cut = -1
    for m in _CLAUSE_MARK.finditer(text, sa, cue_a):
        cut = m.end()
    return sa if cut < 0 else cut


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


def _actors(doc: Doc, sa: int, cue_a: int, cue_b: int, sb: int, sub: IncidentSubType) -> list[Mention]:
    """Who acted: the subject of the cue's verb (both sides when coordinated) and, for battles, its object."""
    text = doc.text
    out: list[Mention] = []
    ca = _clause_start(text, sa, cue_a)
    for cut in _SUBORDINATE.finditer(text, ca, cue_a):  # "Police said ... after some protesters set fire to"
        ca = cut.end()
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
        if is_outlet(name.text) and _REPORTED.match(doc.text, name.end + 1, min(end, name.end + 12)):
            return mention(doc.text, name.start, name.end)
    return None
