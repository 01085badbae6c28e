"""Meetings: a consultation cue and all its parties, each with its own span.

Cues are the verbs "met / meet / hosted" and the nouns "meeting / talks / summit /
conference". Participants are the countries, organisations and people in an
enumeration that is the cue's subject ("The defense ministers of the United States,
Germany, the U.K., ... and France met"), the object of "with / between / of" after it
("talks with Turkey and Russia"), or a single titled person as the subject
("President X met ..."). A meeting with no participant is left out; meetings in the
same place on the same day are one meeting.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ...lexicon import demonym_country, fold_name
from ...schema import ActorKind, DateValue, Meeting, Mention, Participant, ParticipantRole
from .doc import Doc
from .evidence import dates_in, mention, span
from .names import Name
from .places import places_in

__all__ = ["find_meetings"]

_CUE = re.compile(
    r"\b(?P<verb>met|meet|meets|hosted|hosts|hosting|convened|convenes|discussed|discuss(?=\s+(?-i:[A-Z])))\b"
    r"|\b(?P<noun>meeting|meetings|talks|summit|conference|consultations)\b(?! (?:call|room|hall)\b)",
    re.IGNORECASE,
)
# After a meeting: "NATO's X attended as an observer", "the EU was represented by Commissioner Y".
_JOIN = re.compile(
    r"\b(?P<attended>attended)\b(?P<guest>\s+as\s+(?:an?\s+)?(?:observers?|guests?))?"
    r"|\bwas\s+represented\s+by\s+(?P<by>)"
    r"|\b(?:was|were)\s+joined\s+by\s+(?P<joined>)",
    re.IGNORECASE,
)
_PARTY_KINDS = (ActorKind.COUNTRY, ActorKind.ORGANISATION, ActorKind.PERSON)
_BODY_WORDS = re.compile(r"\b(?:Council|Assembly|Committee|Commission|Parliament|Cabinet|Congress|Senate|Board)\b")
_ENUM_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)(?:the\s+)?")
_BLOCKING_WORDS = re.compile(r"\b(?:against|on|over|about|to|for|into|toward|towards|by)\s+(?:the\s+)?$")
_OBJECT_LEAD = re.compile(r"\s+(?:with|between|of|among)\s+(?:the\s+)?")
_TOPIC = re.compile(
    r"\bto\s+(?P<topic>(?:discuss|review|talk about|coordinate|prepare|negotiate|agree on|plan)\b[^.;,“”\"]{3,120})"
)
_DISCUSS_TOPIC = re.compile(r"\s+(?P<topic>[^.;,“”\"]{2,80}?)(?=\s+(?:on|at|in|next|this|last)\b|[.;,]|$)")
_PRESS = re.compile(r"\b(?:press|news)\s+$", re.IGNORECASE)
WINDOW = 400  # characters around a cue that its rules may read (keeps the engine linear)
_JOIN_PARAGRAPHS = 1  # how far after a meeting "X attended" may still add to it


@dataclass
class _Party:
    name: Name
    role: ParticipantRole
    represents: Mention | None = None


@dataclass
class _Draft:
    cue: tuple[int, int]
    parties: list[_Party] = field(default_factory=list)
    location: Name | None = None
    date: DateValue | None = None
    topic: tuple[int, int] | None = None


def find_meetings(doc: Doc) -> list[Meeting]:
    drafts: list[_Draft] = []
    text = doc.text
    for m in _CUE.finditer(text):
        if doc.quote_at(m.start()) is not None or _PRESS.search(text, max(0, m.start() - 12), m.start()):
            continue
        draft = _draft(doc, m)
        if draft is not None:
            drafts.append(draft)
    meetings = _merge(drafts)
    _add_joins(doc, meetings)
    return [_build(doc, d) for d in meetings]


def _start(name: Name) -> int:
    """Where a name's phrase begins: its affiliation ("Latvian"), else its title, else the name."""
    if name.represents is not None:
        return name.represents[0]
    return name.title[0] if name.title else name.start


def _party(doc: Doc, name: Name) -> bool:
    if name.kind not in _PARTY_KINDS:
        return doc.person_at(name.start, name.end) is not None
    return True


def _enumerations(doc: Doc, start: int, end: int) -> list[list[Name]]:
    """Runs of names joined by commas and "and" (a name inside a blocking phrase starts no run)."""
    text = doc.text
    groups: list[list[Name]] = []
    for name in doc.names(start, end):
        if not _party(doc, name):
            groups.append([])
            continue
        if (
            groups
            and groups[-1]
            and _ENUM_GAP.fullmatch(text, groups[-1][-1].end, max(_start(name), groups[-1][-1].end))
        ):
            groups[-1].append(name)
            continue
        if _BLOCKING_WORDS.search(text, max(start, _start(name) - 16), _start(name)):
            groups.append([])
            continue
        groups.append([name])
    return [g for g in groups if g]


def _parties(doc: Doc, names: list[Name], role: ParticipantRole) -> list[_Party]:
    return [_Party(n, role, _represents(doc, n)) for n in names]


def _represents(doc: Doc, name: Name) -> Mention | None:
    """ "Latvian Foreign Minister ...": Latvia; "NATO Secretary General ...": NATO."""
    if name.represents is None:
        return None
    a, b = name.represents
    word = doc.text[a:b]
    country = demonym_country(word)
    return Mention(value=country or " ".join(word.split()), spans=[span(doc.text, a, b)])


def _draft(doc: Doc, m: re.Match[str]) -> _Draft | None:
    sa, sb = doc.sentence(m.start())
    sa, sb = max(sa, m.start() - WINDOW), min(sb, m.end() + WINDOW)  # bounded work per cue: linear time
    draft = _Draft(cue=(m.start(), m.end()))
    text = doc.text
    verb = (m.group("verb") or "").lower()
    if verb:
        subject = [g for g in _enumerations(doc, sa, m.start()) if _ends_clause(doc, g, m.start())]
        role = ParticipantRole.HOST if verb.startswith("host") else ParticipantRole.ATTENDEE
        if subject and _subject_ok(subject[-1], verb):
            draft.parties += _parties(doc, subject[-1], role)
        if not verb.startswith(("discuss", "convene")):
            obj = _object(doc, m.end(), sb, lead=r"\s+(?:with\s+)?(?:the\s+)?")
            draft.parties += _parties(doc, obj, ParticipantRole.ATTENDEE)
        joined = re.search(r"\bjoined\s+by\s+", text[m.end() : sb])
        if joined is not None:
            at = m.end() + joined.end()
            draft.parties += _parties(doc, _object(doc, at, sb, lead=""), ParticipantRole.ATTENDEE)
    else:
        lead = _OBJECT_LEAD.match(text, m.end(), sb)
        if lead is not None:
            draft.parties += _parties(
                doc, _object(doc, m.end(), sb, lead=_OBJECT_LEAD.pattern), ParticipantRole.ATTENDEE
            )
    tail = min(sb, m.end() + 80)
    places = [
        (n, k)
        for n, k in places_in(doc, m.end(), tail)
        if re.search(r"\b(?:in|at)\s+$", text[max(0, n.start - 6) : n.start])
    ]
    if places:
        draft.location = places[0][0]
    dates = dates_in(text, m.end(), tail, doc.article_date)
    if dates:
        draft.date = dates[0][1]
    if verb.startswith("discuss"):
        topic = _DISCUSS_TOPIC.match(text, m.end(), sb)
        draft.topic = (topic.start("topic"), topic.end("topic")) if topic else None
    elif verb:
        found = _TOPIC.search(text, m.end(), min(sb, m.end() + 200))
        draft.topic = (found.start("topic"), found.end("topic")) if found else None
    return draft


def _subject_ok(group: list[Name], verb: str) -> bool:
    """An enumeration, a person, or (for "discuss" / "convene") a deliberative body."""
    if len(group) >= 2 or group[0].kind is ActorKind.PERSON or group[0].title is not None:
        return True
    return verb.startswith(("discuss", "convene")) and _BODY_WORDS.search(group[0].text) is not None


def _ends_clause(doc: Doc, group: list[Name], cue_start: int) -> bool:
    """The enumeration is the cue's subject: only a few words lie between its end and the cue."""
    between = doc.text[group[-1].end : cue_start]
    return len(between.split()) <= 6 and not re.search(r"[;:“”\"]", between)


def _object(doc: Doc, start: int, end: int, *, lead: str) -> list[Name]:
    m = re.compile(lead).match(doc.text, start, end)
    if m is None:
        return []
    groups = _enumerations(doc, m.end(), min(end, m.end() + 400))
    if not groups:
        return []
    first = groups[0]
    return first if _start(first[0]) == m.end() else []


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
        known = {_key(p.name) for p in target.parties}
        if m.group("attended") is not None:
            subject = [g for g in _enumerations(doc, sa, m.start()) if _ends_clause(doc, g, m.start())]
            role = ParticipantRole.GUEST if m.group("guest") else ParticipantRole.ATTENDEE
            found = _parties(doc, subject[-1], role) if subject and _subject_ok(subject[-1], "attend") else []
        else:
            names = _object(doc, m.end(), sb, lead="")
            found = _parties(doc, names, ParticipantRole.ATTENDEE)
            if m.group("by") is not None and len(found) == 1 and found[0].represents is None:
                found[0].represents = _represented(doc, sa, m.start())
        target.parties += [p for p in found if _key(p.name) not in known]


def _represented(doc: Doc, sa: int, at: int) -> Mention | None:
    """The body named just before "was represented by"."""
    names = [n for n in doc.names(sa, at) if n.kind in (ActorKind.ORGANISATION, ActorKind.COUNTRY)]
    if not names or doc.text[names[-1].end : at].strip():
        return None
    n = names[-1]
    return Mention(value=n.text, spans=[span(doc.text, n.start, n.end)])


def _key(name: Name) -> str:
    return fold_name(name.text)


def _merge(drafts: list[_Draft]) -> list[_Draft]:
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
        names = {_key(p.name) for p in target.parties}
        target.parties += [p for p in d.parties if _key(p.name) not in names]
        target.date = target.date or d.date
        target.topic = target.topic or d.topic
    for d in (d for d in drafts if not d.parties):
        target = _find_same(by_place, d)
        if target is not None:
            target.date = target.date or d.date
            target.topic = target.topic or d.topic
    return out


def _find_same(by_place: dict[str, list[_Draft]], d: _Draft) -> _Draft | None:
    if d.location is None:
        return None
    return next((o for o in by_place.get(_key(d.location), []) if _same(o, d)), None)


def _same(a: _Draft, b: _Draft) -> bool:
    if a.location is None or b.location is None or _key(a.location) != _key(b.location):
        return False
    return a.date is None or b.date is None or a.date.date == b.date.date


def _build(doc: Doc, d: _Draft) -> Meeting:
    text = doc.text
    parties: list[Participant] = []
    for p in d.parties:
        name = p.name
        person = doc.person_at(name.start, name.end)
        kind = ActorKind.PERSON if person is not None else name.kind
        value = person.name if person is not None else name.text
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
