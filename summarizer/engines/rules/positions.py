"""Front-line positions: who moved where, toward what, how far, and in what state.

Each rule is a movement or position cue with the slots it fills:

- "advanced to within five or six kilometer of Mosul": advancing, distance, objective;
- "retook / recaptured / seized X": captured, location;
- "inching / edging / moving closer to X", "closing in on X", "reached the outskirts of X":
  advancing, objective;
- "making gains on the northeastern front", "advancing from the south": advancing, direction;
- "battled / fought / clashed ... in X": contested, location;
- "preparing for a push to the west": preparing, direction;
- "withdrew / retreated / pulled back from X": withdrawn, location.

The force is the subject of the cue (its noun phrase must name a force or an armed
group); "we" inside a commander's quotation is the force of the position just
before it, claimed by the quote's speaker. No force, no position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...schema import DateValue, Mention, Position, PositionStatus, Quantity, Quote
from .doc import Doc, Word
from .evidence import dates_in, mention, quantities_in, to_quantity
from .names import ARMED_GROUPS, Name
from .places import places_in
from .speakers import SKIPPABLE

__all__ = ["find_positions", "force_mention"]

_COMPASS = r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?"
_FORCE_HEADS = frozenset(
    """forces force troops fighters militants soldiers army militia militias men units rebels peshmerga service
    police brigade brigades division battalion jihadists insurgents gunmen commandos marines regiment
    battalions divisions units fighter""".split()
)
_CLAUSE_LEADS = re.compile(r"^(?:as|meanwhile|but|and|while|when|after|before|since|although|though|the)\b\s*", re.I)
_AUX = r"(?:(?:have|has|had|were|are|is|was|been|be|also|now|still|reportedly)\s+){0,3}"

_Rule = tuple[re.Pattern[str], PositionStatus, str]
_RULES: list[_Rule] = [
    (
        re.compile(
            rf"\b{_AUX}(?P<cue>advanc\w*|push\w*|mov\w*|c[oa]me|got|closed)\s+(?:to\s+)?within\s+"
            r"(?P<dist>[\w.,\- ]{1,40}?\s*(?:km|kms|kilomet(?:er|re)s?|miles?|met(?:er|re)s?))\s+(?:of|from)\s+",
            re.I,
        ),
        PositionStatus.ADVANCING,
        "objective",
    ),
    (
        re.compile(
            rf"\b{_AUX}(?P<cue>retook|recaptured|captured|seized|liberated|regained|overran|took control of)\s+", re.I
        ),
        PositionStatus.CAPTURED,
        "location",
    ),
    (
        re.compile(
            rf"\b{_AUX}(?P<cue>(?:inching|edging|moving|creeping|pushing|inched|edged|moved|crept|pushed)\s+closer\s+to)\s+",
            re.I,
        ),
        PositionStatus.ADVANCING,
        "objective",
    ),
    (
        re.compile(rf"\b{_AUX}(?P<cue>clos(?:ing|ed|e)\s+in\s+on|reach(?:ed|ing)?\s+the\s+outskirts\s+of)\s+", re.I),
        PositionStatus.ADVANCING,
        "objective",
    ),
    (
        re.compile(
            rf"\b{_AUX}(?P<cue>(?:making|made|make)\s+(?:significant\s+|steady\s+|rapid\s+|some\s+)?gains)"
            rf"(?:\s+(?:on|along|in)\s+the\s+(?P<dir>{_COMPASS})\s+front)?",
            re.I,
        ),
        PositionStatus.ADVANCING,
        "",
    ),
    (
        re.compile(
            rf"\b{_AUX}(?P<cue>advancing|advanced|pushing|pushed|moving)\s+from\s+the\s+(?P<dir>{_COMPASS})\b", re.I
        ),
        PositionStatus.ADVANCING,
        "objective-later",
    ),
    (
        re.compile(rf"\b{_AUX}(?P<cue>battled|fought|clashed\s+with|are\s+battling|were\s+battling)\s+", re.I),
        PositionStatus.CONTESTED,
        "location-later",
    ),
    (
        re.compile(
            rf"\b{_AUX}(?P<cue>preparing\s+(?:for\s+a\s+(?:push|offensive|assault|attack)|to\s+(?:attack|advance|push|storm)))"
            rf"(?:\s+(?:to|toward|towards|on)\s+the\s+(?P<dir>{_COMPASS}))?",
            re.I,
        ),
        PositionStatus.PREPARING,
        "",
    ),
    (
        re.compile(rf"\b{_AUX}(?P<cue>withdrew|retreated|pulled\s+back|pulled\s+out)\s+from\s+", re.I),
        PositionStatus.WITHDRAWN,
        "location",
    ),
]
# Every rule's cue contains one of these: sentences without any are skipped at once.
_KEYWORDS = re.compile(
    r"advanc|push|mov|came|come|got|closed|closer|closing|retook|recaptur|captur|seiz|liberat|regain|overran"
    r"|took control|reach|gains|battl|fought|clashed|prepar|withdr|retreat|pulled",
    re.I,
)
_REACHING = re.compile(r"\b(?:reach(?:ing|ed)?\s+the\s+outskirts\s+of|toward|towards)\s+", re.I)
_MODIFIER = re.compile(r"\s+(?:backed|supported|aided|assisted|led|trained|armed)\s+by\b", re.I)
_WE = re.compile(r"\b(?:we|our forces|our troops|our fighters)\b", re.I)


@dataclass(frozen=True, slots=True)
class _Found:
    cue: tuple[int, int]
    status: PositionStatus
    sentence: tuple[int, int]


def find_positions(doc: Doc, quotes: list[Quote] | None = None) -> list[Position]:
    out: list[Position] = []
    for sa, sb in doc.sentences_with(_KEYWORDS):
        for rule, status, slot in _RULES:
            for m in rule.finditer(doc.text, sa, sb):
                pos = _position(doc, m, status, slot, (sa, sb), out, quotes or [])
                if pos is not None:
                    out.append(pos)
    return out


def _position(
    doc: Doc,
    m: re.Match[str],
    status: PositionStatus,
    slot: str,
    sentence: tuple[int, int],
    earlier: list[Position],
    quotes: list[Quote],
) -> Position | None:
    text = doc.text
    sa, sb = sentence
    cue_a, cue_b = m.start("cue"), m.end("cue")
    force, claimed = _force(doc, sa, m.start()), None
    if force is None:
        force, claimed = _first_person_force(doc, sa, m.start(), earlier, quotes)
    if force is None:
        return None
    place = _place_after(doc, m.end(), sb, max_words=12 if status is PositionStatus.CAPTURED else 6)
    place = place if slot in ("objective", "location") else None
    if slot == "objective-later":
        later = _REACHING.search(text, m.end(), sb)
        place = _place_after(doc, later.end(), sb) if later else None
    if slot == "location-later":
        found = places_in(doc, m.end(), sb)
        place = found[0][0] if found else None
    if slot in ("objective", "location") and place is None and status is not PositionStatus.CAPTURED:
        return None
    location = _location_phrase(doc, m.end(), place) if status is PositionStatus.CAPTURED else place
    return Position(
        force=force,
        location=_mention_of(doc, location) if slot.startswith("location") else None,
        objective=_mention_of(doc, place) if slot.startswith("objective") else None,
        distance=_distance(doc, m) if "dist" in m.re.groupindex else None,
        direction=_direction(doc, m, place),
        status=status,
        status_cue=mention(text, cue_a, cue_b),
        as_of=_as_of(doc, m.end(), sb),
        claimed_by=claimed,
    )


def _mention_of(doc: Doc, target: Name | tuple[int, int] | None) -> Mention | None:
    if target is None:
        return None
    if isinstance(target, Name):
        return mention(doc.text, target.start, target.end)
    return mention(doc.text, *target)


def _place_after(doc: Doc, start: int, end: int, *, max_words: int = 6) -> Name | None:
    """The first name after ``start`` when it is a place and no more than ``max_words`` words away."""
    names = doc.names(start, min(end, start + 12 * max_words))
    if not names:
        return None
    between = doc.text[start : names[0].start]
    if len(between.split()) > max_words or re.search(r"[,;:]", between):
        return None
    found = places_in(doc, names[0].start, names[0].end)
    return found[0][0] if found else None


def _location_phrase(doc: Doc, start: int, place: Name | None) -> tuple[int, int] | None:
    """ "areas close to the eastern outskirts of Mosul": the captured ground up to its place name."""
    if place is not None and place.start - start <= 80:
        return start, place.end
    return None


def _distance(doc: Doc, m: re.Match[str]) -> Quantity | None:
    a, b = m.start("dist"), m.end("dist")
    found = [(s, e, q) for s, e, q in quantities_in(doc.text, a, b) if q.unit is not None]
    if not found:
        return None
    _, _, q = found[0]
    return to_quantity(doc.text, a, q)


def _direction(doc: Doc, m: re.Match[str], place: Name | None) -> Mention | None:
    if "dir" in m.re.groupindex and m.group("dir"):
        return mention(doc.text, m.start("dir"), m.end("dir"))
    if place is not None:
        d = re.search(
            rf"\b({_COMPASS})\s+(?:outskirts|edge|suburbs|districts|neighbou?rhoods|side)\b",
            doc.text[m.end() : place.start],
            re.I,
        )
        if d is not None:
            return mention(doc.text, m.end() + d.start(1), m.end() + d.end(1))
    return None


def _as_of(doc: Doc, start: int, end: int) -> DateValue | None:
    dates = dates_in(doc.text, start, end, doc.article_date)
    return dates[0][1] if dates else None


# --------------------------------------------------------------------------- the force


def _force(doc: Doc, sa: int, cue_start: int) -> Mention | None:
    """The subject noun phrase before the cue, when it names a force or an armed group."""
    text = doc.text
    words = doc.words(sa, cue_start)
    while words and words[-1].text.lower() in SKIPPABLE:
        words.pop()
    chunks: list[list[Word]] = [[]]
    for w in words:
        if w.text == ",":
            chunks.append([])
        else:
            chunks[-1].append(w)
    # "X, a paramilitary group ..., were preparing": skip the apposition.
    chunk = chunks[-3] if len(chunks) >= 3 and not chunks[-1] else chunks[-1]
    # The subject's clause: after the last "but" / "while" / "as" / ";".
    for i in range(len(chunk) - 1, -1, -1):
        if chunk[i].text.lower() in ("but", "while", "as", ";", "and", "when") and i + 1 < len(chunk):
            chunk = chunk[i + 1 :]
            break
    if not chunk or len(chunk) > 12 or doc.quote_at(chunk[0].start) is not None:
        return None
    a, b = chunk[0].start, chunk[-1].end
    phrase = text[a:b]
    lead = _CLAUSE_LEADS.match(phrase)
    if lead is not None:
        a += lead.end()
    return force_mention(doc, a, b)


def force_mention(doc: Doc, a: int, b: int) -> Mention | None:
    """A mention of ``text[a:b]`` when that phrase names a force or an armed group (else None)."""
    text = doc.text
    modifier = _MODIFIER.search(text, a, b)
    if modifier is not None:
        b = modifier.start()
    phrase = text[a:b]
    m = re.match(r"(?:[\w,]+\s+of\s+)?(?:forces|troops|fighters|men|units|members)\s+from\s+(?:the\s+)?", phrase, re.I)
    if m is not None and m.end() < len(phrase):
        return mention(text, a + m.end(), b)
    words = [w.lower().strip("’'") for w in re.findall(r"[\w’'-]+", phrase)]
    if not words:
        return None
    groups = [n for n in doc.names(a, b) if n.kind.value == "armed_group" or n.text.lower() in ARMED_GROUPS]
    if words[-1] in _FORCE_HEADS or any(w in _FORCE_HEADS for w in words[-2:]) or groups:
        return mention(text, a, b)
    return None


def _first_person_force(
    doc: Doc, sa: int, cue_start: int, earlier: list[Position], quotes: list[Quote]
) -> tuple[Mention | None, Mention | None]:
    """ "we have advanced" inside a quotation: the force of the position just before, claimed by the speaker."""
    region = doc.quote_at(cue_start)
    if region is None or not _WE.search(doc.text, max(region.start, cue_start - 40), cue_start):
        return None, None
    quote = next((q for q in quotes if _covers(q, region.start, region.end)), None)
    if quote is None or not earlier:
        return None, None
    prev = earlier[-1]
    prev_at = prev.force.spans[0].start if prev.force.spans else None
    if prev_at is None or doc.paragraph(region.start) - doc.paragraph(prev_at) > 1:
        return None, None
    return prev.force, quote.speaker


def _covers(q: Quote, start: int, end: int) -> bool:
    return any(s.start is not None and start <= s.start and s.end is not None and s.end <= end for s in q.text.spans)
