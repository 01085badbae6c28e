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

import re
from dataclasses import dataclass, field

from ...lexicon import fold_name
from ...schema import ActorKind, DateValue, Meeting, Mention, Participant, ParticipantRole
from .doc import Doc
from .evidence import dates_in, mention, span
from .names import Name
from .places import places_in

__all__ = ["find_meetings"]

_CUE = re.compile(
    r"\b(?P<verb>met|meet|meets|hosted|hosts|hosting)\b"
    r"|\b(?P<noun>meeting|meetings|talks|summit|conference|consultations)\b(?! (?:call|room|hall)\b)",
    re.IGNORECASE,
)
_PARTY_KINDS = (ActorKind.COUNTRY, ActorKind.ORGANISATION, ActorKind.PERSON)
_ENUM_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)(?:the\s+)?")
_BLOCKING_WORDS = re.compile(r"\b(?:against|on|over|about|to|for|into|toward|towards|by)\s+(?:the\s+)?$")
_OBJECT_LEAD = re.compile(r"\s+(?:with|between|of|among)\s+(?:the\s+)?")
_TOPIC = re.compile(
    r"\bto\s+(?P<topic>(?:discuss|review|talk about|coordinate|prepare|negotiate|agree on|plan)\b[^.;,“”\"]{3,120})"
)
_PRESS = re.compile(r"\b(?:press|news)\s+$", re.IGNORECASE)


@dataclass
class _Draft:
    cue: tuple[int, int]
    parties: list[tuple[Name, ParticipantRole]] = field(default_factory=list)
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
    return [_build(doc, d) for d in _merge(drafts)]


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
            and _ENUM_GAP.fullmatch(text, groups[-1][-1].end, name.title[0] if name.title else name.start)
        ):
            groups[-1].append(name)
            continue
        if _BLOCKING_WORDS.search(text, max(start, name.start - 16), name.start):
            groups.append([])
            continue
        groups.append([name])
    return [g for g in groups if g]


def _draft(doc: Doc, m: re.Match[str]) -> _Draft | None:
    sa, sb = doc.sentence(m.start())
    draft = _Draft(cue=(m.start(), m.end()))
    text = doc.text
    if m.group("verb"):
        subject = [g for g in _enumerations(doc, sa, m.start()) if _ends_clause(doc, g, m.start())]
        role = ParticipantRole.HOST if m.group("verb").lower().startswith("host") else ParticipantRole.ATTENDEE
        if subject and (len(subject[-1]) >= 2 or subject[-1][0].kind is ActorKind.PERSON):
            draft.parties += [(n, role) for n in subject[-1]]
        obj = _object(doc, m.end(), sb, lead=r"\s+(?:with\s+)?(?:the\s+)?")
        draft.parties += [(n, ParticipantRole.ATTENDEE) for n in obj]
    else:
        lead = _OBJECT_LEAD.match(text, m.end(), sb)
        if lead is not None:
            draft.parties += [
                (n, ParticipantRole.ATTENDEE) for n in _object(doc, m.end(), sb, lead=_OBJECT_LEAD.pattern)
            ]
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
    topic = _TOPIC.search(text, m.end(), min(sb, m.end() + 200))
    if topic is not None and m.group("verb"):
        draft.topic = (topic.start("topic"), topic.end("topic"))
    return draft


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
    lead_name = first[0].title[0] if first[0].title else first[0].start
    return first if lead_name == m.end() else []


def _key(name: Name) -> str:
    return fold_name(name.text)


def _merge(drafts: list[_Draft]) -> list[_Draft]:
    """Meetings with parties, each absorbing the other mentions of the same place and day."""
    out: list[_Draft] = []
    for d in (d for d in drafts if d.parties):
        target = next((o for o in out if _same(o, d)), None)
        if target is None:
            out.append(d)
            continue
        names = {_key(n) for n, _ in target.parties}
        target.parties += [(n, r) for n, r in d.parties if _key(n) not in names]
        target.date = target.date or d.date
        target.topic = target.topic or d.topic
    for d in (d for d in drafts if not d.parties):
        target = next((o for o in out if _same(o, d)), None)
        if target is not None:
            target.date = target.date or d.date
            target.topic = target.topic or d.topic
    return out


def _same(a: _Draft, b: _Draft) -> bool:
    if a.location is None or b.location is None or _key(a.location) != _key(b.location):
        return False
    return a.date is None or b.date is None or a.date.date == b.date.date


def _build(doc: Doc, d: _Draft) -> Meeting:
    text = doc.text
    parties: list[Participant] = []
    for name, role in d.parties:
        kind = ActorKind.PERSON if doc.person_at(name.start, name.end) else name.kind
        person = doc.person_at(name.start, name.end)
        value = person.name if person is not None else name.text
        title = mention(text, *name.title) if name.title else None
        parties.append(
            Participant(
                name=Mention(value=value, spans=[span(text, name.start, name.end)]), kind=kind, title=title, role=role
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
