"""The parties of a meeting: enumerations of names, delegations named by a demonym, and role phrases.

- An *enumeration* is a run of countries, organisations and people joined by commas
  and "and" ("the United States, Germany, the U.K. and France").
- A *delegation* is a demonym before a delegation noun ("Armenian and Azerbaijani
  envoys", "the Turkish delegation"): the country is the party, the demonym its span.
  "mediators" and "observers" give the role.
- A *role phrase* says how a party takes part: "at the invitation of X", "hosted by X"
  (host); "mediated / brokered / facilitated by X", "under the auspices of X",
  "X, which mediated", "with X acting as mediator", "Qatari-mediated" (mediator);
  "chaired by X" (chair); "X attended the talks as observers" (guest).

Role phrases are read only in the sentence of a meeting cue: "a ceasefire mediated by
Egypt" alone is no meeting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...lexicon import MONTHS, WEEKDAYS, demonym_country, fold_name, is_country
from ...names import Name
from ...schema import ActorKind, Mention, ParticipantRole
from .doc import Doc
from .evidence import span
from .places import place_at

__all__ = [
    "Party",
    "after_delegates",
    "enumerations",
    "object_names",
    "party_value",
    "phrase_start",
    "represents",
    "role_parties",
    "title_role",
]

R = ParticipantRole
_PARTY_KINDS = (ActorKind.COUNTRY, ActorKind.ORGANISATION, ActorKind.PERSON, ActorKind.ARMED_GROUP)
# Titles that say the role: "UN mediator Jane Doe", "EU observer Karl Berg".
_TITLE_ROLES = {"mediator": ParticipantRole.MEDIATOR, "facilitator": ParticipantRole.MEDIATOR}
_ENUM_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)(?:the\s+)?")
_BLOCKING_WORDS = re.compile(r"\b(?:against|on|over|about|to|for|into|toward|towards|by)\s+(?:the\s+)?$")
_DELEGATION = re.compile(
    r"(?:\s+and\s+[A-Z][\w’']+)?\s+(?:(?:government|military|army|rebel|official|foreign\s+ministry)\s+)?"
    r"(?:(?P<mediator>mediators?)|(?P<guest>observers?)|delegations?|envoys?|negotiators?|diplomats?|emissar(?:y|ies)"
    r"|representatives?|officials|counterparts?|foreign\s+ministers?|defen[cs]e\s+ministers?)\b"
)
# "the delegations of Chile and Peru", "representatives from the UN": the countries and bodies are the parties.
_DELEGATES_OF = re.compile(
    r"(?:(?:the|two|both|their)\s+)?(?:delegations?|envoys|representatives|negotiators|leaders|heads\s+of\s+state"
    r"|(?:foreign|defen[cs]e)\s+ministers|ministers|officials|presidents|prime\s+ministers|diplomats)"
    r"\s+(?:of|from)\s+(?:the\s+)?(?:(?:government|authorities|administration)\s+(?:of|in)\s+)?",
    re.IGNORECASE,
)
_GOVERNMENT_OF = re.compile(r"\b(?:government|authorities|administration)\s+(?:of|in)\s+(?:the\s+)?$", re.I)
_DELEGATES_END = re.compile(
    r"\b(?:delegations?|envoys|representatives|negotiators|diplomats)\s+(?:of|from)\s+(?:the\s+)?"
    r"(?:(?:government|authorities|administration)\s+(?:of|in)\s+)?$",
    re.IGNORECASE,
)
_ROLE_BY = re.compile(
    r"\b(?:(?P<host>at\s+the\s+invitation\s+of|hosted\s+by|convened\s+by|organi[sz]ed\s+by"
    r"|host\s+(?:country|nation|government)|the\s+hosts?,)"
    r"|(?P<mediator>mediated\s+by|brokered\s+by|facilitated\s+by|under\s+the\s+auspices\s+of"
    r"|(?:under|with|through)\s+the\s+mediation\s+of|mediators?\s+(?:from|of))"
    r"|(?P<chair>chaired\s+by|presided\s+over\s+by)|(?P<guest>observers?\s+(?:from|of))"
    r"|(?P<attendee>attended\s+by|joined\s+by|brought\s+together|bringing\s+together|brings\s+together))\s+",
    re.IGNORECASE,
)
_ROLE_AS = re.compile(
    r"\s*,?\s+(?:(?:(?:was|were|is|are)\s+)?(?:acting|acted|serving|served|attending|participating|present"
    r"|sitting\s+in|sat\s+in|attended|joined|took\s+part)"
    r"(?:\s+(?:in\s+)?(?:the\s+)?(?:talks|meetings?|negotiations|sessions?|round|summit|conference))?\s+)?"
    r"as\s+(?:an?\s+|the\s+)?(?:(?P<mediator>mediators?|facilitators?|go-betweens?)|(?P<guest>observers?|guests?)"
    r"|(?P<host>hosts?)|(?P<chair>chairs?|chairm[ae]n))\b",
    re.IGNORECASE,
)
_ROLE_VERB = re.compile(
    r"\s*,?\s+(?:(?:which|who)\s+)?(?:(?:has|had|have|is|was|were|are)\s+)?(?:also\s+)?"
    r"(?:(?P<mediator>mediated|mediates|mediating|brokered|brokers|brokering|facilitated|facilitates|facilitating)"
    r"|(?P<chair>chaired|chairs|chairing|presided\s+over))\b",
    re.IGNORECASE,
)
_HYPHEN_ROLE = re.compile(
    r"\b(?P<who>[A-Z][\w’'.]*)-(?:(?P<mediator>mediated|brokered|facilitated|sponsored)|(?P<host>hosted)"
    r"|(?P<chair>chaired))\b"
    r"|\bunder\s+(?P<under>[A-Z][\w’'.]*)\s+(?P<auspices>auspices|mediation|sponsorship|chairmanship)\b"
)
_ROLES = ("host", "mediator", "chair", "guest", "attendee")


@dataclass
class Party:
    name: Name
    role: ParticipantRole
    represents: Mention | None = None


def phrase_start(name: Name) -> int:
    """Where a name's phrase begins: its affiliation ("Latvian"), else its title, else the name."""
    starts = [name.start]
    if name.represents is not None:
        starts.append(name.represents[0])
    if name.title is not None:
        starts.append(name.title[0])
    return min(starts)


def party_value(doc: Doc, name: Name) -> str | None:
    """The country a delegation's demonym stands for ("Turkish" -> "Turkey"), else None."""
    if name.kind is ActorKind.COUNTRY and not is_country(name.text):
        return demonym_country(name.text)
    return None


def _as_party(doc: Doc, name: Name) -> Name | None:
    """The name as a party (a delegation's demonym becomes a country), or None when it is none."""
    if name.kind in _PARTY_KINDS:
        return name
    if doc.person_at(name.start, name.end) is not None:
        return name
    demonym = name.title is None and " " not in name.text and demonym_country(name.text) is not None
    if demonym and _DELEGATION.match(doc.text, name.end, name.end + 80):
        return Name(name.start, name.end, name.text, ActorKind.COUNTRY)
    return None


def _as_unknown_party(doc: Doc, name: Name) -> Name | None:
    """A name the gazetteer does not know ("Varnia", a country invented or too new for it) where only a party
    can stand: "delegations from X and Y", "talks between X and Y". A place of the article is a country then."""
    words = name.text.split()
    if name.kind is not ActorKind.OTHER or name.title is not None or len(words) > 4:
        return None
    if any(demonym_country(w) or fold_name(w) in MONTHS or fold_name(w) in WEEKDAYS for w in words):
        return None
    governed = _GOVERNMENT_OF.search(doc.text, max(0, name.start - 40), name.start) is not None
    kind = ActorKind.COUNTRY if governed or place_at(doc, name) is not None else ActorKind.OTHER
    return Name(name.start, name.end, name.text, kind)


def enumerations(doc: Doc, start: int, end: int, *, loose: bool = False) -> list[list[Name]]:
    """Runs of parties joined by commas and "and" (a name inside a blocking phrase starts no run).

    Names the gazetteer does not know are parties in a party's place: with ``loose`` (the caller read
    "between" or "delegations from" before ``start``), or after "delegations from" in the range."""
    text = doc.text
    groups: list[list[Name]] = []
    loose_group = False
    names = doc.names(start, end)
    for k, found in enumerate(names):
        nxt = names[k + 1] if k + 1 < len(names) else None
        if nxt is not None and nxt.represents is not None and nxt.represents[0] <= found.start < nxt.represents[1]:
            continue  # "UN" in "UN envoy David Lindqvist": the envoy's affiliation, not a party of its own
        name = _as_party(doc, found)
        last = groups[-1][-1] if groups and groups[-1] else None
        joins = last is not None and _ENUM_GAP.fullmatch(text, last.end, max(phrase_start(found), last.end))
        open_loose = loose or (bool(joins) and loose_group) or after_delegates(doc, found, start)
        if name is None and open_loose:
            name = _as_unknown_party(doc, found)
        if name is None:
            groups.append([])
            loose_group = False
            continue
        if last is not None and _of_affiliation(doc, last, name):
            groups[-1][-1] = Name(last.start, last.end, last.text, last.kind, last.title, (name.start, name.end))
            continue  # "President Amina Otieno of Kenya": whom she represents
        if last is not None and joins:
            groups[-1].append(name)
            continue
        if _BLOCKING_WORDS.search(text, max(start, phrase_start(name) - 16), phrase_start(name)):
            groups.append([])
            loose_group = False
            continue
        groups.append([name])
        loose_group = open_loose
    return [g for g in groups if g]


def after_delegates(doc: Doc, name: Name, start: int) -> bool:
    return _DELEGATES_END.search(doc.text, max(start, name.start - 80), name.start) is not None


def _of_affiliation(doc: Doc, person: Name, name: Name) -> bool:
    if name.kind not in (ActorKind.COUNTRY, ActorKind.ORGANISATION) or person.represents is not None:
        return False
    if person.kind is not ActorKind.PERSON and doc.person_at(person.start, person.end) is None:
        return False
    return re.fullmatch(r"\s+of\s+(?:the\s+)?", doc.text[person.end : name.start]) is not None


def object_names(doc: Doc, start: int, end: int, *, lead: str) -> list[Name]:
    """The enumeration that begins right after ``lead`` (a regex matched at ``start``)."""
    m = re.compile(lead).match(doc.text, start, end)
    if m is None:
        return []
    at = m.end()
    delegates = _DELEGATES_OF.match(doc.text, at, end)
    at = delegates.end() if delegates is not None else at
    loose = delegates is not None or re.search(r"\bbetween\s+(?:the\s+)?$", doc.text[m.start() : m.end()]) is not None
    groups = enumerations(doc, at, min(end, at + 400), loose=loose)
    if not groups:
        return []
    first = groups[0]
    return first if phrase_start(first[0]) == at else []


def _role(m: re.Match[str]) -> ParticipantRole:
    return next(R(g) for g in _ROLES if g in m.re.groupindex and m.group(g) is not None)


def _noun_role(doc: Doc, group: list[Name]) -> ParticipantRole | None:
    """ "Omani and Turkish mediators": the delegation noun after the group says the role."""
    m = _DELEGATION.match(doc.text, group[-1].end, group[-1].end + 80)
    if m is None or group[-1].kind is not ActorKind.COUNTRY or is_country(group[-1].text):
        return None
    return R.MEDIATOR if m.group("mediator") else R.GUEST if m.group("guest") else None


def role_parties(doc: Doc, start: int, end: int) -> list[Party]:
    """Parties that the role phrases of ``[start, end)`` (a meeting cue's sentence) name, with their roles."""
    text = doc.text
    out: list[Party] = []
    for m in _ROLE_BY.finditer(text, start, end):
        names = object_names(doc, m.end(), end, lead=r"(?:the\s+)?")
        out += [Party(n, _role(m)) for n in names]
    for group in enumerations(doc, start, end):
        after = group[-1].end
        said = _ROLE_AS.match(text, after, end) or _ROLE_VERB.match(text, after, end)
        role = _role(said) if said is not None else _noun_role(doc, group)
        if role is not None:
            out += [Party(n, role) for n in group]
    for m in _HYPHEN_ROLE.finditer(text, start, end):
        slot = "who" if m.group("who") is not None else "under"
        who = m.group(slot)
        if demonym_country(who) or is_country(who):
            kind = ActorKind.COUNTRY
        elif who.replace(".", "").isupper() and len(who) >= 2:
            kind = ActorKind.ORGANISATION
        else:
            continue
        role = _role(m) if slot == "who" else R.CHAIR if m.group("auspices") == "chairmanship" else R.MEDIATOR
        out.append(Party(Name(m.start(slot), m.end(slot), who, kind), role))
    return out


def title_role(doc: Doc, name: Name) -> ParticipantRole | None:
    """The role a person's title gives: "UN mediator Jane Doe" mediates."""
    if name.title is None:
        return None
    words = doc.text[name.title[0] : name.title[1]].lower().split()
    return _TITLE_ROLES.get(words[-1]) if words else None


def represents(doc: Doc, name: Name) -> Mention | None:
    """ "Latvian Foreign Minister ...": Latvia; "NATO Secretary General ...": NATO."""
    if name.represents is None:
        return None
    a, b = name.represents
    word = doc.text[a:b]
    country = demonym_country(word)
    return Mention(value=country or " ".join(word.split()), spans=[span(doc.text, a, b)])
