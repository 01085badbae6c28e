"""Places: the dateline, and the places an article names with their spans.

A place is a country from the ISO 3166 gazetteer, or a capitalised name that the
text itself marks as a place: after a preposition of place ("in Mosul", "near
Rutba", "Iraq’s Kirkuk"), or before a place noun ("Anbar province", "the Tal Afar
district"), or after one ("the town of Bartalla", "a remote western town, Rutba").
Names of people, organisations and armed groups, demonyms, months and weekdays are never places.
Where the context marks a name as a place without saying of which kind ("in Paris"), the
gazetteer (:mod:`.gazetteer`: GeoNames, ISO 3166-2) types it; the context's kind wins
("the town of X", "X province"), and an invented place the data does not know stays "other".
"""

from __future__ import annotations

import re

from ...lexicon import (
    DISTANCE_UNITS,
    MONTHS,
    WEEKDAYS,
    alternation,
    demonym_country,
    fold_name,
    is_country,
    table,
    words,
)
from ...names import Name
from ...parse import read_dateline
from ...schema import ActorKind, Location, LocationKind, Mention
from .doc import Doc
from .evidence import mention, span
from .gazetteer import place_kind

__all__ = [
    "find_dateline",
    "find_locations",
    "leading_place",
    "place_at",
    "place_like",
    "place_referred",
    "places_in",
    "with_suffix",
]

# The words that make a name a place, and of which kind: summarizer/data/places.toml.
_STRONG_PREPOSITIONS = words("places", "strong_prepositions")
_PLACE_NOUNS = {noun: LocationKind(kind) for noun, kind in table("places", "place_kinds").items()}
_SUFFIX = re.compile(rf"[ \t]+(?:{alternation(words('places', 'place_suffixes'))})\b")
# Roads and gates named by a number: "Route 7", "Gate 4", "Highway 12".
_NUMBERED = words("places", "numbered_places")
_AREA_NOUNS = alternation(words("places", "area_nouns"))
_KIND_BEFORE = re.compile(rf"\b({_AREA_NOUNS})(?: of|,)\s+$")  # "the town of", "the capital, "
_NUMBER_AFTER = re.compile(r"[ \t]+\d{1,4}[A-Z]?\b")
# "the road between Sannar and Birat": both ends of a road or a border are places.
_BETWEEN = re.compile(
    rf"\b(?:{alternation(words('names', 'routes'))})\s+between\s+(?:the\s+)?"
    r"(?:[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3}\s+and\s+(?:the\s+)?)?$"
)
# "the outskirts of", "north-east of", "3 km of", "the town of" (names.toml's place relations, the directions, units).
_RELATIONS = words("names", "place_relations") | words("positions", "directions") | DISTANCE_UNITS
_OF_PLACE = re.compile(rf"\b(?:{_AREA_NOUNS}|{alternation(_RELATIONS)})\s+of\s+(?:the\s+)?$", re.I)
_MODIFIES_PLACE = re.compile(r"[ \t]+(?:city|town|village|province|district|capital|region|port)\s+of\b")
_LEADING_PLACE = re.compile(r"\s*(?:In|At|Near|Outside|Inside)\s+(?:the\s+)?")
_SETTLEMENTS = frozenset({"town", "city", "village"})
# The suffixes of an administrative area, which copy may leave out ("violence across Wadi Rahma").
_AREA_SUFFIXES = tuple(
    sorted(n for n in words("places", "place_suffixes") if _PLACE_NOUNS.get(n) is LocationKind.REGION)
)
_SETTLEMENT_KINDS = frozenset({LocationKind.TOWN, LocationKind.CITY, LocationKind.OTHER})
_REFER_CHARS = 1500  # how far back "the town" may look for the place it refers to
_POSSESSIVE_AFTER = re.compile(r"[’']s?\b")
_ADJECTIVES = words("places", "place_adjectives")


def _is_place_name(doc: Doc, name: Name) -> bool:
    if name.kind not in (ActorKind.OTHER, ActorKind.COUNTRY) or name.title is not None:
        return False
    if fold_name(name.text) in MONTHS or fold_name(name.text) in WEEKDAYS:
        return False  # "in May", "May 12"
    words = name.text.split()
    if (demonym_country(words[0]) and not is_country(name.text)) or fold_name(name.text) in _ADJECTIVES:
        return False  # "Omani", "Turkish officials"
    if _MODIFIES_PLACE.match(doc.text, name.end):
        return False  # "the Peruvian city of Cusco": the name before "city of" says whose
    return not any(fold_name(w) in _ADJECTIVES for w in words)


def _kind_after(doc: Doc, name: Name) -> LocationKind | None:
    m = re.match(r"\s+([a-z]+)\b", doc.text[name.end : name.end + 20])
    return _PLACE_NOUNS.get(m.group(1)) if m else None


def _kind_before(doc: Doc, name: Name) -> LocationKind | None:
    before = doc.text[max(0, name.start - 30) : name.start]
    m = _KIND_BEFORE.search(before)
    return _PLACE_NOUNS.get(m.group(1)) if m else None


def _preposition(doc: Doc, name: Name) -> str | None:
    before = doc.text[max(0, name.start - 40) : name.start]
    if _OF_PLACE.search(before) or _BETWEEN.search(before):
        return "in"  # "the outskirts of Birat", "3 km south of Tel Maskan", "the road between X and Y"
    m = re.search(r"\b([a-z]+|In|At|Near|Outside|Inside)\s+(?:the\s+)?(?:(?:[A-Z][\w]*)['’]s\s+)?$", before)
    return m.group(1).lower() if m else None  # "In Geneva, ..." opens a sentence


def place_like(doc: Doc, name: Name) -> bool:
    """Whether a name may be a place where the words around it say a place comes ("fled X", "toward X")."""
    if place_at(doc, name) is not None:
        return True
    return _is_place_name(doc, name) and doc.person_at(name.start, name.end) is None


def place_at(doc: Doc, name: Name) -> LocationKind | None:
    """The kind of place ``name`` is, or None when the text does not mark it as a place."""
    if not _is_place_name(doc, name):
        return None
    if fold_name(name.text) in _NUMBERED and _NUMBER_AFTER.match(doc.text, name.end):
        return LocationKind.OTHER  # "Route 7"
    strong = _preposition(doc, name) in _STRONG_PREPOSITIONS
    if is_country(name.text):
        return LocationKind.COUNTRY if strong else None
    marked = _kind_after(doc, name) or _kind_before(doc, name)
    if marked is not None:
        return marked
    if name.text in _known(doc) or (strong and not _POSSESSIVE_AFTER.match(doc.text, name.end)):
        return place_kind(name.text) or LocationKind.OTHER  # the context says a place, the gazetteer which kind
    return None


def with_suffix(doc: Doc, name: Name) -> Name:
    """The place name with the place noun that follows it: "Anbar province", "Zahra valley"."""
    m = _SUFFIX.match(doc.text, name.end)
    if m is None and fold_name(name.text) in _NUMBERED:
        m = _NUMBER_AFTER.match(doc.text, name.end)
    if m is None:
        return name
    return Name(name.start, m.end(), doc.text[name.start : m.end()], name.kind, name.title, name.represents)


def _known(doc: Doc) -> frozenset[str]:
    """Names the text marks as places somewhere with a strong cue (cached on the source)."""
    cached = doc.src.memo.get("rules.places")
    if isinstance(cached, frozenset):
        return cached
    found: set[str] = set()
    for name in doc.names(0, len(doc.text)):
        if not _is_place_name(doc, name):
            continue
        marked = _kind_after(doc, name) or _kind_before(doc, name)
        placed = _preposition(doc, name) in _STRONG_PREPOSITIONS and not _POSSESSIVE_AFTER.match(doc.text, name.end)
        if marked or placed:
            found.add(name.text)
    out = frozenset(found)
    doc.src.memo["rules.places"] = out
    return out


def places_in(doc: Doc, start: int, end: int) -> list[tuple[Name, LocationKind]]:
    """Places named in ``[start, end)``, in order."""
    out: list[tuple[Name, LocationKind]] = []
    for name in doc.names(start, end):
        kind = place_at(doc, name)
        if kind is not None:
            out.append((name, kind))
    return out


def leading_place(doc: Doc, sa: int, limit: int) -> Name | None:
    """ "In Geneva, the two delegations met ...": the place of a phrase that opens the sentence at ``sa``."""
    lead = _LEADING_PLACE.match(doc.text, sa, limit)
    if lead is None:
        return None
    found = doc.names(lead.end(), limit)
    if not found or found[0].start != lead.end() or doc.text[found[0].end : found[0].end + 1] != ",":
        return None
    return found[0] if place_like(doc, found[0]) else None


def place_referred(doc: Doc, offset: int, noun: str) -> Name | None:
    """The place that "the town" / "the checkpoint" at ``offset`` refers to: the nearest place named before it
    in its paragraph or the one before, of a kind that fits ("the checkpoint": a name with "checkpoint")."""
    para = doc.paragraph(offset)
    start = doc.src.paragraphs[max(0, para - 1)][0]
    noun = noun.lower()
    for name, kind in reversed(places_in(doc, max(start, offset - _REFER_CHARS), offset)):
        full = with_suffix(doc, name)
        after = re.match(r"\s+([a-z]+)", doc.text[name.end : name.end + 20])
        named = full.text.lower().endswith(noun) or (after is not None and after.group(1) == noun)
        if named or (noun in _SETTLEMENTS and full is name and kind in _SETTLEMENT_KINDS):
            return full
    return None


def find_locations(doc: Doc, *, max_spans: int = 5) -> list[Location]:
    """Every place the article names, once each, with up to ``max_spans`` spans."""
    seen: dict[str, tuple[Name, LocationKind, list[Name], bool]] = {}  # ..., whether the context gave the kind
    for bare, kind in places_in(doc, 0, len(doc.text)):
        name = with_suffix(doc, bare)
        key = fold_name(name.text)
        marked = (_kind_after(doc, bare) or _kind_before(doc, bare)) is not None
        if key not in seen:
            seen[key] = (name, kind, [name], marked)
            continue
        first, best_kind, all_names, best_marked = seen[key]
        all_names.append(name)
        if (best_kind is LocationKind.OTHER and kind is not LocationKind.OTHER) or (marked and not best_marked):
            seen[key] = (first, kind, all_names, marked)  # "in Sannar" (gazetteer) ... "the town of Sannar" (text)
    _merge_bare_areas(seen)
    out: list[Location] = []
    for first, kind, all_names, _ in seen.values():
        spans = [span(doc.text, n.start, n.end) for n in all_names[:max_spans]]
        out.append(Location(name=Mention(value=first.text, spans=spans), kind=kind))
    return out


def _merge_bare_areas(seen: dict[str, tuple[Name, LocationKind, list[Name], bool]]) -> None:
    """ "across Wadi Rahma" and "Wadi Rahma province" are one place when nothing types the bare name (no context,
    no gazetteer): an area named without its noun. "Kirkuk" (a city) and "Kirkuk province" stay two."""
    for key in [k for k, v in seen.items() if v[1] is LocationKind.OTHER]:
        area = next((f"{key} {noun}" for noun in _AREA_SUFFIXES if f"{key} {noun}" in seen), None)
        if area is None:
            continue
        first, kind, names, marked = seen[area]
        merged = sorted([*names, *seen.pop(key)[2]], key=lambda n: n.start)
        seen[area] = (first, kind, merged, marked)


def find_dateline(doc: Doc) -> Mention | None:
    """The dateline ("BAGHDAD (Reuters) -", "MOSUL, Iraq, Oct. 25 (AFP) -"): :func:`~summarizer.parse.read_dateline`."""
    found = read_dateline(doc.text)
    return None if found is None else mention(doc.text, found.start, found.end)
