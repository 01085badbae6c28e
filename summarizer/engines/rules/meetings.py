"""Meetings: a consultation cue and all its parties, each with its own span.

Cues are the verbs "met / meet / hosted / convened / sat down / brought together" and
the nouns "meeting / talks / negotiations / mediation / summit / conference". Parties
(see :mod:`.parties`) are the countries, organisations and people in an enumeration
that is the cue's subject ("The defense ministers of the United States, Germany, the
U.K., ... and France met"; "Delegations from Sudan and South Sudan held talks"), the
object of "with / between / of" after it ("talks with Turkey and Russia"), a single
titled person or host as the subject ("President X met ...", "Qatar hosted ..."), and
whoever a role phrase of the cue's sentence names ("at the invitation of X", "mediated
by X", "X attended as an observer"). A meeting with no party is left out. Mentions of
one meeting are one meeting: those in one sentence, a definite "the talks" in the next
sentences with no place or date of its own, and those in the same place on the same day.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ...lexicon import fold_name
from ...names import Name
from ...parse import name_supported
from ...schema import ActorKind, DateValue, Meeting, Mention, Participant, ParticipantRole
from .doc import Doc
from .evidence import dates_in, day_key, mention, span
from .parties import (
    Party,
    after_delegates,
    enumerations,
    object_names,
    party_value,
    represents,
    role_parties,
    title_role,
)
from .places import leading_place, places_in

__all__ = ["find_meetings"]

R = ParticipantRole
_CUE = re.compile(
    r"\b(?P<verb>met|meet|meets|hosted|hosts|hosting|convened|convenes|sat\s+down|sit\s+down|sitting\s+down"
    r"|brought\s+together|discussed|discuss(?=\s+(?-i:[A-Z])))\b"
    r"|\b(?P<noun>meeting|meetings|talks|negotiations|mediation|summit|conference|consultations)\b"
    r"(?! (?:call|room|hall|organisers|organizers)\b)",
    re.IGNORECASE,
)
# After a meeting: "NATO's X attended as an observer", "the EU was represented by Commissioner Y".
_JOIN = re.compile(
    r"\b(?P<attended>attended|(?:was|were)\s+present|took\s+part|participated)\b"
    r"(?P<guest>\s+as\s+(?:an?\s+)?(?:observers?|guests?))?"
    r"|\bwas\s+represented\s+by\s+(?P<by>)"
    r"|\b(?:was|were)\s+joined\s+by\s+(?P<joined>)"
    r"|\bthe\s+hosts?,\s+(?P<host>)"
    # "X chaired the sessions" (a meeting noun that is no cue of its own)
    r"|\b(?:(?P<chair>chaired)|(?P<mediator>mediated))(?=\s+(?:the|these|those|their|its)\s+(?:[\w-]+\s+)?"
    r"(?:sessions?|round|proceedings|process|dialogue)\b)",
    re.IGNORECASE,
)
_BODY_WORDS = re.compile(r"\b(?:Council|Assembly|Committee|Commission|Parliament|Cabinet|Congress|Senate|Board)\b")
_OBJECT_LEAD = re.compile(r"\s+(?:with|between|of|among)\s+(?:the\s+)?")
_BETWEEN = re.compile(r"\bbetween\s+(?:the\s+)?")
# "held talks", "began a new round of negotiations", "attended the summit": the subject takes part.
_NOUN_VERB = re.compile(
    r"\b(?:held|hold|holds|holding|began|begin|begun|opened|resumed|concluded|wrapped\s+up|started|attended|attend"
    r"|joined|took\s+part\s+in|entered)\s+(?:[\w’'-]+\s+){0,5}?$",
    re.IGNORECASE,
)
_TOPIC = re.compile(
    r"\bto\s+(?P<topic>(?:discuss|review|talk about|coordinate|prepare|negotiate|agree on|plan)\b[^.;,“”\"]{3,120})"
)
_DISCUSS_TOPIC = re.compile(r"\s+(?P<topic>[^.;,“”\"]{2,80}?)(?=\s+(?:on|at|in|next|this|last)\b|[.;,]|$)")
# What a single country or body hosts or attends when that makes it a party: "hosted the talks".
_MEETING_OBJECT = re.compile(
    r"\s+(?:the\s+|a\s+|an\s+)?(?:[\w’'-]+\s+){0,4}?(?:talks|meetings?|summit|conference|negotiations|round"
    r"|delegations|envoys|leaders|ministers|mediation|consultations|sides)\b"
    r"|\s+as\s+(?:an?\s+)?(?:observers?|guests?)\b|\s*[.;]",
    re.IGNORECASE,
)
_PRESS = re.compile(r"\b(?:press|news)\s+$", re.IGNORECASE)
_PLACE_LEAD = re.compile(
    r"\b(?:in|at)\s+(?:the\s+)?(?:(?:[\w’'-]+\s+){0,3}?(?:city|town|capital|port|village|resort|island)(?:\s+of|,)\s+)?$"
)
_LEADING_DATE = re.compile(r"\s*(?P<when>[^,;]{2,30}?)\s*,\s")
_DEFINITE = re.compile(r"\b(?:the|these|those|this|that)\s+(?:[\w-]+\s+){0,2}?$", re.IGNORECASE)
_SPECIFIC = (R.HOST, R.MEDIATOR, R.CHAIR, R.GUEST)
WINDOW = 400  # characters around a cue that its rules may read (keeps the engine linear)
_JOIN_PARAGRAPHS = 1  # how far after a meeting "X attended" or "the talks" may still add to it


@dataclass
class _Draft:
    cue: tuple[int, int]
    sentence: int
    definite: bool
    parties: list[Party] = field(default_factory=list)
    location: Name | None = None
    date: DateValue | None = None
    topic: tuple[int, int] | None = None


def find_meetings(doc: Doc) -> list[Meeting]:
    drafts: list[_Draft] = []
    text = doc.text
    for m in _CUE.finditer(text):
        if doc.quote_at(m.start()) is not None or _PRESS.search(text, max(0, m.start() - 12), m.start()):
            continue
        drafts.append(_draft(doc, m))
    meetings = _merge(doc, drafts)
    _add_joins(doc, meetings)
    return [_build(doc, d) for d in meetings]


def _parties(doc: Doc, names: list[Name], role: ParticipantRole) -> list[Party]:
    """Parties in ``role``; a title that says the role ("UN mediator Jane Doe") says it instead of "attendee"."""
    return [Party(n, title_role(doc, n) or role if role is R.ATTENDEE else role, represents(doc, n)) for n in names]


def _draft(doc: Doc, m: re.Match[str]) -> _Draft:
    sa, sb = doc.sentence(m.start())
    sa, sb = max(sa, m.start() - WINDOW), min(sb, m.end() + WINDOW)  # bounded work per cue: linear time
    text = doc.text
    definite = _DEFINITE.search(text, max(sa, m.start() - 30), m.start()) is not None
    draft = _Draft(cue=(m.start(), m.end()), sentence=doc.src.sentence_index(m.start()), definite=definite)
    verb = " ".join((m.group("verb") or "").lower().split())
    parties = _verb_parties(doc, m, verb, sa, sb) if verb else _noun_parties(doc, m, sa, sb)
    parties += [Party(p.name, p.role, represents(doc, p.name)) for p in role_parties(doc, sa, sb)]
    parties += [p for p in _titled_parties(doc, sa, sb) if p.role is not R.ATTENDEE]
    _add_parties(draft, parties)
    tail = min(sb, m.end() + 80)
    draft.location = _location(doc, m.end(), tail) or leading_place(doc, sa, m.start())
    dates = dates_in(text, m.end(), tail, doc.article_date) or _leading_date(doc, sa, m.start())
    if dates:
        draft.date = dates[0][1]
    if verb.startswith("discuss"):
        topic = _DISCUSS_TOPIC.match(text, m.end(), sb)
        draft.topic = (topic.start("topic"), topic.end("topic")) if topic else None
    elif verb:
        found = _TOPIC.search(text, m.end(), min(sb, m.end() + 200))
        draft.topic = (found.start("topic"), found.end("topic")) if found else None
    return draft


def _titled_parties(doc: Doc, sa: int, sb: int) -> list[Party]:
    """People of the cue's sentence whose title says their role ("UN mediator Jane Doe")."""
    return _parties(doc, [n for n in doc.names(sa, sb) if title_role(doc, n) is not None], R.ATTENDEE)


def _verb_parties(doc: Doc, m: re.Match[str], verb: str, sa: int, sb: int) -> list[Party]:
    """The subject of "met / hosted / sat down" and its object ("met with X", "brought together A and B")."""
    text = doc.text
    out: list[Party] = []
    obj: list[Name] = []
    if not verb.startswith(("discuss", "convene")):
        det = r"(?:the\s+|his\s+|her\s+|their\s+|its\s+)?"  # "hosted his Iranian counterpart"
        lead = rf"\s+(?:with\s+)?{det}" if not verb.startswith("sat") else rf"\s+with\s+{det}"
        obj = object_names(doc, m.end(), sb, lead=lead)
    subject = [g for g in enumerations(doc, sa, m.start()) if _ends_clause(doc, g, m.start())]
    role = R.HOST if verb.startswith("host") else R.ATTENDEE
    # A single country or body hosts or sits down with someone only when the object says so ("hosted talks").
    context = bool(obj) or _MEETING_OBJECT.match(text, m.end(), sb) is not None
    delegates = bool(subject) and after_delegates(doc, subject[-1][0], sa)  # "A delegation from Kenya met ..."
    ok = bool(subject) and (delegates or _subject_ok(subject[-1], verb, context=context))
    if ok and not verb.startswith("brought"):
        out += _parties(doc, subject[-1], role)
    out += _parties(doc, obj, R.ATTENDEE)
    joined = re.search(r"\bjoined\s+by\s+", text[m.end() : sb])
    if joined is not None:
        at = m.end() + joined.end()
        out += _parties(doc, object_names(doc, at, sb, lead=""), R.ATTENDEE)
    return out


def _noun_parties(doc: Doc, m: re.Match[str], sa: int, sb: int) -> list[Party]:
    """ "talks with / between A and B", "A and B held talks", "talks in X between A and B"."""
    text = doc.text
    out: list[Party] = []
    if _OBJECT_LEAD.match(text, m.end(), sb) is not None:
        out += _parties(doc, object_names(doc, m.end(), sb, lead=_OBJECT_LEAD.pattern), R.ATTENDEE)
    else:
        between = _BETWEEN.search(text, m.end(), min(sb, m.end() + 60))
        if between is not None and not re.search(r"[,;:.]", text[m.end() : between.start()]):
            out += _parties(doc, object_names(doc, between.start(), sb, lead=_BETWEEN.pattern), R.ATTENDEE)
    held = _NOUN_VERB.search(text, max(sa, m.start() - 60), m.start())
    if held is not None:
        subject = [g for g in enumerations(doc, sa, held.start()) if _ends_clause(doc, g, held.start())]
        if subject and _subject_ok(subject[-1], "hold"):
            out += _parties(doc, subject[-1], R.ATTENDEE)
    return out


def _location(doc: Doc, start: int, end: int) -> Name | None:
    """The first place after the cue that "in / at" introduces ("in Lima", "in the Swiss city of Geneva")."""
    for name, _kind in places_in(doc, start, end):
        if _PLACE_LEAD.search(doc.text, max(start, name.start - 50), name.start):
            return name
    return None


def _leading_date(doc: Doc, sa: int, cue_start: int) -> list[tuple[int, DateValue]]:
    """ "On Tuesday, the delegations met ...": a date that opens the sentence."""
    m = _LEADING_DATE.match(doc.text, sa, cue_start)
    if m is None:
        return []
    return dates_in(doc.text, m.start("when"), m.end("when"), doc.article_date)[:1]


def _subject_ok(group: list[Name], verb: str, *, context: bool = True) -> bool:
    """An enumeration or a person; a single country or body for "host / hold talks / sit down / attend" when
    ``context`` says the object is a meeting; a deliberative body for "discuss" / "convene"."""
    if len(group) >= 2 or group[0].kind is ActorKind.PERSON or group[0].title is not None:
        return True
    if verb.startswith(("host", "hold", "sat", "sit", "attend")):
        return context and group[0].kind in (ActorKind.COUNTRY, ActorKind.ORGANISATION)
    return verb.startswith(("discuss", "convene")) and _BODY_WORDS.search(group[0].text) is not None


def _ends_clause(doc: Doc, group: list[Name], cue_start: int) -> bool:
    """The enumeration is the cue's subject: only a few words lie between its end and the cue."""
    between = doc.text[group[-1].end : cue_start]
    return len(between.split()) <= 6 and not re.search(r"[;:“”\"]", between)


def _add_joins(doc: Doc, meetings: list[_Draft]) -> None:
    """ "X attended as an observer", "the EU was represented by Y", "she was joined by A, B and C"."""
    if not meetings:
        return
    text = doc.text
    ordered = sorted(meetings, key=lambda d: d.cue[0])
    starts = [d.cue[0] for d in ordered]
    for m in _JOIN.finditer(text):
        i = bisect.bisect_left(starts, m.start()) - 1
        if i < 0 or doc.paragraph(m.start()) - doc.paragraph(ordered[i].cue[0]) > _JOIN_PARAGRAPHS:
            continue
        target = ordered[i]
        sa, sb = doc.sentence(m.start())
        sa, sb = max(sa, m.start() - WINDOW), min(sb, m.end() + WINDOW)
        led = R.CHAIR if m.group("chair") is not None else R.MEDIATOR if m.group("mediator") is not None else None
        if m.group("attended") is not None or led is not None:
            subject = [g for g in enumerations(doc, sa, m.start()) if _ends_clause(doc, g, m.start())]
            role = led or (R.GUEST if m.group("guest") else R.ATTENDEE)
            context = led is not None or m.group("guest") is not None
            context = context or _MEETING_OBJECT.match(text, m.end(), sb) is not None
            ok = subject and _subject_ok(subject[-1], "attend", context=context)
            found = _parties(doc, subject[-1], role) if ok else []
        else:
            names = object_names(doc, m.end(), sb, lead="")
            found = _parties(doc, names, R.HOST if m.group("host") is not None else R.ATTENDEE)
            if m.group("by") is not None and len(found) == 1 and found[0].represents is None:
                found[0].represents = _represented(doc, sa, m.start())
        _add_parties(target, found)


def _represented(doc: Doc, sa: int, at: int) -> Mention | None:
    """The body named just before "was represented by"."""
    names = [n for n in doc.names(sa, at) if n.kind in (ActorKind.ORGANISATION, ActorKind.COUNTRY)]
    if not names or doc.text[names[-1].end : at].strip():
        return None
    n = names[-1]
    return Mention(value=n.text, spans=[span(doc.text, n.start, n.end)])


def _key(name: Name) -> str:
    return fold_name(name.text)


def _add_parties(target: _Draft, found: list[Party]) -> None:
    """Add new parties; a party already there takes the more specific role ("attendee" -> "mediator")."""
    known = {_key(p.name): p for p in target.parties}
    for p in found:
        old = known.get(_key(p.name))
        if old is None:
            target.parties.append(p)
            known[_key(p.name)] = p
        elif old.role not in _SPECIFIC and p.role in _SPECIFIC:
            old.role = p.role


def _absorb(target: _Draft, d: _Draft) -> None:
    _add_parties(target, d.parties)
    target.location = target.location or d.location
    target.date = target.date or d.date
    target.topic = target.topic or d.topic


def _compatible(a: _Draft, b: _Draft) -> bool:
    if a.location is not None and b.location is not None and _key(a.location) != _key(b.location):
        return False
    return a.date is None or b.date is None or day_key(a.date) == day_key(b.date)


def _merge(doc: Doc, drafts: list[_Draft]) -> list[_Draft]:
    """One draft per meeting: same sentence, then later definite references, then same place and day."""
    merged: list[_Draft] = []
    for d in drafts:
        prev = merged[-1] if merged else None
        same_sentence = prev is not None and prev.sentence == d.sentence and _compatible(prev, d)
        reference = (
            prev is not None
            and d.definite
            and d.location is None
            and d.date is None
            and doc.paragraph(d.cue[0]) - doc.paragraph(prev.cue[0]) <= _JOIN_PARAGRAPHS
        )
        if prev is not None and (same_sentence or reference):
            _absorb(prev, d)
        else:
            merged.append(d)
    return _merge_by_place(merged)


def _merge_by_place(drafts: list[_Draft]) -> list[_Draft]:
    """Meetings with parties, each absorbing the other mentions of the same place and day."""
    out: list[_Draft] = []
    by_place: dict[str, list[_Draft]] = {}
    for d in (d for d in drafts if d.parties):
        target = _find_same(by_place, d)
        if target is None:
            out.append(d)
            if d.location is not None:
                by_place.setdefault(_key(d.location), []).append(d)
            continue
        _absorb(target, d)
    for d in (d for d in drafts if not d.parties):
        target = _find_same(by_place, d)
        if target is not None:
            target.date = target.date or d.date
            target.topic = target.topic or d.topic
    return out


def _find_same(by_place: dict[str, list[_Draft]], d: _Draft) -> _Draft | None:
    if d.location is None:
        return None
    return next((o for o in by_place.get(_key(d.location), []) if _compatible(o, d)), None)


def _build(doc: Doc, d: _Draft) -> Meeting:
    text = doc.text
    parties: list[Participant] = []
    for p in d.parties:
        name = p.name
        person = doc.person_at(name.start, name.end)
        if person is not None and not name_supported(person.name, text[name.start : name.end]):
            person = None  # a mention that overlaps the name but is another one
        kind = ActorKind.PERSON if person is not None else name.kind
        value = person.name if person is not None else party_value(doc, name) or name.text
        parties.append(
            Participant(
                name=Mention(value=value, spans=[span(text, name.start, name.end)]),
                kind=kind,
                title=mention(text, *name.title) if name.title else None,
                represents=p.represents,
                role=p.role,
            )
        )
    cue = mention(text, *d.cue)
    assert cue is not None
    return Meeting(
        cue=cue,
        location=mention(text, d.location.start, d.location.end) if d.location else None,
        date=d.date,
        topic=mention(text, *d.topic) if d.topic else None,
        participants=parties,
    )
