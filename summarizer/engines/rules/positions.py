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

from ...schema import ActorKind, DateValue, Mention, Position, PositionStatus, Quantity, Quote, QuoteKind
from .doc import Doc, Word
from .evidence import dates_in, mention, quantities_in, span, to_quantity
from .names import ARMED_GROUPS, Name
from .places import place_like, places_in
from .speakers import SKIPPABLE, speaker_before

__all__ = ["find_positions", "force_mention", "subject_force"]

_COMPASS = r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?"
_DIST = (
    r"(?P<dist>(?:(?:about|some|around|nearly|almost|roughly|approximately)\s+)?(?:[\w.\-\s]|,(?=\d)){1,40}?\s*"
    r"(?:km|kms|kilomet(?:er|re)s?|miles?|met(?:er|re)s?))\b"
)
_FORCE_HEADS = frozenset(
    """forces force troops fighters militants soldiers army militia militias men units rebels peshmerga service
    police brigade brigades division battalion jihadists insurgents gunmen commandos marines regiment
    battalions divisions units fighter""".split()
)
_CLAUSE_LEADS = re.compile(r"^(?:as|meanwhile|but|and|while|when|after|before|since|although|though)\b\s*", re.I)
_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.I)
_BEFORE_CUE = frozenset(SKIPPABLE | {"to", "claimed", "claims", "appeared", "appears", "seemed", "now", "still"})
_CLAIMED = frozenset({"claimed", "claims"})

_Rule = tuple[re.Pattern[str], PositionStatus, str]
_RULES: list[_Rule] = [
    (
        re.compile(
            rf"\b(?P<cue>advanc\w*|push\w*|mov\w*|c[oa]me|got|closed)\s+(?:to\s+)?within\s+{_DIST}\s+(?:of|from)\s+",
            re.I,
        ),
        PositionStatus.ADVANCING,
        "objective",
    ),
    (
        re.compile(
            rf"\b(?P<cue>advanc\w*|push\w*|mov\w*)\s+{_DIST}\s+(?:[\w’'\-]+\s+){{0,6}}?(?:toward|towards|on)\s+", re.I
        ),
        PositionStatus.ADVANCING,
        "objective",
    ),
    (
        re.compile(
            r"\b(?P<cue>retook|recaptured|captured|seized|liberated|regained|overran|took\s+control\s+of"
            r"|(?:had|has|have)\s+taken)\s+",
            re.I,
        ),
        PositionStatus.CAPTURED,
        "location",
    ),
    (
        re.compile(
            r"\b(?P<cue>(?:inching|edging|moving|creeping|pushing|inched|edged|moved|crept|pushed)\s+closer\s+to)\s+",
            re.I,
        ),
        PositionStatus.ADVANCING,
        "objective",
    ),
    (
        re.compile(r"\b(?P<cue>clos(?:ing|ed|e)\s+in\s+on|reach(?:ed|ing)?\s+the\s+outskirts\s+of)\s+", re.I),
        PositionStatus.ADVANCING,
        "objective",
    ),
    (
        re.compile(
            rf"\b(?P<cue>advancing|advanced|pushing|pushed|heading|headed)\s+(?:(?P<dir>{_COMPASS})\s+)?(?:toward|towards)\s+",
            re.I,
        ),
        PositionStatus.ADVANCING,
        "objective",
    ),
    (
        re.compile(
            r"\b(?P<cue>(?:making|made|make)\s+(?:significant\s+|steady\s+|rapid\s+|some\s+)?gains)"
            rf"(?:\s+(?:on|along|in)\s+the\s+(?P<dir>{_COMPASS})\s+front)?",
            re.I,
        ),
        PositionStatus.ADVANCING,
        "",
    ),
    (
        re.compile(rf"\b(?P<cue>advancing|advanced|pushing|pushed|moving)\s+from\s+the\s+(?P<dir>{_COMPASS})\b", re.I),
        PositionStatus.ADVANCING,
        "objective-later",
    ),
    (
        re.compile(r"\b(?P<cue>battled|fought|clashed\s+with|are\s+battling|were\s+battling)\s+", re.I),
        PositionStatus.CONTESTED,
        "location-later",
    ),
    (
        re.compile(
            r"\b(?P<cue>preparing\s+(?:for\s+a\s+(?:push|offensive|assault|attack)|to\s+(?:attack|advance|push|storm)))"
            rf"(?:\s+(?:to|toward|towards|on)\s+the\s+(?P<dir>{_COMPASS}))?",
            re.I,
        ),
        PositionStatus.PREPARING,
        "",
    ),
    (
        re.compile(r"\b(?P<cue>withdrew|retreated|pulled\s+back|pulled\s+out)\s+from\s+", re.I),
        PositionStatus.WITHDRAWN,
        "location",
    ),
    (
        re.compile(
            r"\b(?P<cue>(?:held|holding|hold|maintained|kept)\s+(?:their|its|his|her|the)\s+(?:positions?|lines?|ground))"
            rf"\s+{_DIST}\s+(?P<dir>{_COMPASS})\s+of\s+",
            re.I,
        ),
        PositionStatus.HOLDING,
        "objective",
    ),
    (
        re.compile(
            r"\b(?P<cue>(?:held|holding|hold|maintained|kept)\s+(?:their|its|his|her|the)\s+(?:positions?|lines?|ground))"
            r"\s+(?:around|at|near|in|outside)\s+",
            re.I,
        ),
        PositionStatus.HOLDING,
        "location",
    ),
    (
        re.compile(
            r"\b(?P<cue>(?:held|hold|holds|holding|controlled|controls|control)\s+the\s+"
            r"(?:checkpoint|town|city|village|bridge|crossing|road|base|airport|hill|ridge|district))\b",
            re.I,
        ),
        PositionStatus.HOLDING,
        "",
    ),
    (
        re.compile(r"\b(?P<cue>(?:remained|remain|remains|stayed|were|are)\s+dug\s+in|dug\s+in|entrenched)\b", re.I),
        PositionStatus.HOLDING,
        "",
    ),
]
# Every rule's cue contains one of these: sentences without any are skipped at once.
_KEYWORDS = re.compile(
    r"\b(?:advanc|push|mov|came|come|got|closed|closer|closing|retook|recaptur|captur|seiz|liberat|regain|overran"
    r"|took control|taken|reach|gains|battl|fought|clashed|prepar|withdr|retreat|pulled|head|held|hold|maintain"
    r"|kept|control|dug in|entrenched)",
    re.I,
)
_REACHING = re.compile(r"\b(?:reach(?:ing|ed)?\s+the\s+outskirts\s+of|toward|towards)\s+", re.I)
_MODIFIER = re.compile(r"\s+(?:backed|supported|aided|assisted|led|trained|armed)\s+by\b", re.I)
_FORCES_OF = re.compile(
    r"(?:[\w,]+\s+of\s+)?(?:\w+\s+)?(?:forces|troops|fighters|men|units|members)\s+(?:from|of)\s+(?:the\s+)?", re.I
)
_WE = re.compile(r"\b(?:we|our forces|our troops|our fighters)\b", re.I)
_THIRD_PERSON = re.compile(r"^(?:it|they|its\s+\w+|their\s+\w+)$", re.I)
_REPORTING = frozenset("said says claimed claims announced reported stated".split())
_SAID_BEFORE = re.compile(r"\b(?:said|says|claimed|claims|announced|reported|stated)\s+(?:that\s+)?$", re.I)
_PRIORITY = {
    PositionStatus.CAPTURED: 0,
    PositionStatus.WITHDRAWN: 0,
    PositionStatus.HOLDING: 1,
    PositionStatus.CONTESTED: 1,
    PositionStatus.ADVANCING: 2,
    PositionStatus.PREPARING: 3,
    PositionStatus.UNKNOWN: 4,
}


def find_positions(doc: Doc, quotes: list[Quote] | None = None) -> list[Position]:
    out: list[Position] = []
    by_region = _quotes_by_region(doc, quotes or [])
    for sa, sb in doc.sentences_with(_KEYWORDS):
        found: list[tuple[int, Position]] = []
        cues: set[int] = set()
        for rule, status, slot in _RULES:
            for m in rule.finditer(doc.text, sa, sb):
                if m.start("cue") in cues:
                    continue
                lo, hi = max(sa, m.start() - 300), min(sb, m.end() + 300)
                pos = _position(doc, m, status, slot, (lo, hi), out, by_region)
                if pos is not None:
                    found.append((m.start("cue"), pos))
                    cues.add(m.start("cue"))
        out.extend(_merge_sentence([p for _, p in sorted(found, key=lambda fp: fp[0])]))
    return out


def _merge_sentence(positions: list[Position]) -> list[Position]:
    """Positions of one force in one sentence are one position ("advancing from the south, captured X")."""
    out: list[Position] = []
    for p in positions:
        same = next((o for o in out if o.force.spans == p.force.spans), None)
        if same is None:
            out.append(p)
            continue
        first, second = (same, p) if _PRIORITY[same.status] <= _PRIORITY[p.status] else (p, same)
        merged = first.model_copy(
            update={k: getattr(second, k) for k in type(first).model_fields if getattr(first, k) is None}
        )
        out[out.index(same)] = merged
    return out


def _position(
    doc: Doc,
    m: re.Match[str],
    status: PositionStatus,
    slot: str,
    sentence: tuple[int, int],
    earlier: list[Position],
    quotes: dict[int, Quote],
) -> Position | None:
    text = doc.text
    sa, sb = sentence
    cue_a, cue_b = m.start("cue"), m.end("cue")
    force, claimed = subject_force(doc, sa, cue_a)
    if force is None:
        force, claimed = _first_person_force(doc, sa, cue_a, earlier, quotes)
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
    if status is PositionStatus.CAPTURED and place is None:
        return None
    return Position(
        force=force,
        location=_mention_of(doc, place) if slot.startswith("location") else None,
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
    return names[0] if place_like(doc, names[0]) else None  # "toward X", "within 5 km of X": X is a place


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


def subject_force(doc: Doc, sa: int, cue_start: int) -> tuple[Mention | None, Mention | None]:
    """The subject noun phrase before the cue when it names a force or an armed group, and who claims the move."""
    text = doc.text
    words = doc.words(max(sa, cue_start - 300), cue_start)
    claimed = False
    while words and words[-1].text.lower() in _BEFORE_CUE:
        claimed = claimed or words[-1].text.lower() in _CLAIMED
        words.pop()
    chunks: list[list[Word]] = [[]]
    for w in words:
        if w.text in (",", "—", "–", ";", ":"):
            chunks.append([])
        else:
            chunks[-1].append(w)
    # "X, a paramilitary group ..., were preparing": skip the apposition.
    # "X, advancing from the south, captured": the participle's subject is X too.
    chunk = chunks[-1] if chunks[-1] else (chunks[-3] if len(chunks) >= 3 else chunks[0])
    # The subject's clause: after the last "but" / "while" / "as" / ";".
    for i in range(len(chunk) - 1, -1, -1):
        if chunk[i].text.lower() in ("but", "while", "as", ";", "and", "when") and i + 1 < len(chunk):
            chunk = chunk[i + 1 :]
            break
    said = [i for i, w in enumerate(chunk) if w.text.lower() in _REPORTING]
    if said and said[-1] + 1 < len(chunk):  # "The army also said it ...": the reported clause's subject
        chunk = chunk[said[-1] + 1 :]
        chunk = chunk[1:] if chunk[0].text.lower() == "that" and len(chunk) > 1 else chunk
    if not chunk or len(chunk) > 12 or doc.quote_at(chunk[0].start) is not None:
        return None, None
    a, b = chunk[0].start, chunk[-1].end
    lead = _CLAUSE_LEADS.match(text[a:b])
    if lead is not None:
        a += lead.end()
    if _THIRD_PERSON.match(text[a:b]):
        force = _reporting_force(doc, sa, a)  # "The army said it had taken ...": the army
        return force, force
    force = force_mention(doc, a, b)
    return force, force if claimed and force is not None else None


def _reporting_force(doc: Doc, sa: int, pronoun: int) -> Mention | None:
    """The force or group that reports its own move: the subject of "said" right before the pronoun."""
    cue = _SAID_BEFORE.search(doc.text, max(sa, pronoun - 30), pronoun)
    if cue is None:
        return None
    who = speaker_before(doc, sa, cue.start())
    if who is None or who.kind not in (ActorKind.ORGANISATION, ActorKind.ARMED_GROUP, ActorKind.COUNTRY):
        return None
    return Mention(value=who.value, spans=[span(doc.text, who.start, who.end)])


def force_mention(doc: Doc, a: int, b: int) -> Mention | None:
    """A mention of ``text[a:b]`` when that phrase names a force or an armed group (else None)."""
    text = doc.text
    modifier = _MODIFIER.search(text, a, b)
    if modifier is not None:
        b = modifier.start()
    phrase = text[a:b]
    m = _FORCES_OF.match(phrase)
    if m is not None and m.end() < len(phrase):
        return mention(text, a + m.end(), b)
    det = _DETERMINER.match(phrase)
    if det is not None:
        a, phrase = a + det.end(), phrase[det.end() :]
    words = [w.lower().strip("’'") for w in re.findall(r"[\w’'-]+", phrase)]
    if not words:
        return None
    groups = [n for n in doc.names(a, b) if n.kind.value == "armed_group" or n.text.lower() in ARMED_GROUPS]
    if words[-1] in _FORCE_HEADS or any(w in _FORCE_HEADS for w in words[-2:]) or groups:
        return mention(text, a, b)
    return None


def _quotes_by_region(doc: Doc, quotes: list[Quote]) -> dict[int, Quote]:
    """Direct quotes keyed by the start of the quotation that holds them."""
    out: dict[int, Quote] = {}
    for q in quotes:
        at = q.text.spans[0].start if q.text.spans else None
        region = doc.quote_at(at) if at is not None else None
        if region is not None and q.kind is QuoteKind.DIRECT:
            out.setdefault(region.start, q)
    return out


def _first_person_force(
    doc: Doc, sa: int, cue_start: int, earlier: list[Position], quotes: dict[int, Quote]
) -> tuple[Mention | None, Mention | None]:
    """ "we have advanced" inside a quotation: the force of the position just before, claimed by the speaker."""
    region = doc.quote_at(cue_start)
    if region is None or not _WE.search(doc.text, max(region.start, cue_start - 40), cue_start):
        return None, None
    quote = quotes.get(region.start)
    if quote is None or not earlier:
        return None, None
    prev = earlier[-1]
    prev_at = prev.force.spans[0].start if prev.force.spans else None
    if prev_at is None or doc.paragraph(region.start) - doc.paragraph(prev_at) > 1:
        return None, None
    return prev.force, quote.speaker
