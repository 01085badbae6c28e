"""Front-line positions: who moved where, toward what, how far, and in what state.

Each rule is a movement or position cue with the slots it fills:

- "advanced to within five or six kilometer of Mosul": advancing, distance, objective;
- "retook / recaptured / seized X": captured, location;
- "inching / edging / moving closer to X", "closing in on X", "reached the outskirts of X":
  advancing, objective;
- "making gains on the northeastern front": advancing, direction; "advancing from the south (toward X)":
  advancing, the direction they come from ("from the south", as written), objective;
- "pushing north from X (toward Y)": advancing, direction, location X (where they set out), objective;
- "battled / fought / clashed ... in X": contested, location;
- "preparing for a push to the west": preparing, direction;
- "withdrew / retreated / pulled back from X", "fell back to X", "abandoned X": withdrawn, location;
- "took the town of X", "took X", "seized control of X": captured, location;
- "has held the town of X", "still holds X", "dug in around X": holding, location (if named);
- "are now about 10 miles from X", "were within 3 km of X", "positioned some 20 km north of X":
  distance, direction and objective, with the status the words give (within: advancing;
  positioned, stationed, deployed: holding; else unknown).

Any cue followed by a distance to a place ("withdrew to about 10 miles from X", "dug in on a
ridge some 2 km north of X") takes that distance, its direction and the place as objective.
The force is the subject of the cue (:mod:`.forces`): no force, no position. A clash of
a crowd with the police is no front line, and seizing people is no capture.
"""

from __future__ import annotations

import re

from ...lexicon import DISTANCE_UNITS, alternation, words
from ...names import Name
from ...schema import DateValue, Mention, Position, PositionStatus, Quantity, Quote, Span
from .doc import Doc, Stems
from .evidence import dates_in, mention, quantities_in, to_quantity
from .figures import PEOPLE
from .forces import Claims, first_person_force, quotes_by_region, subject_force
from .places import place_like, place_referred, places_in
from .unrest import is_riot_clash

__all__ = ["REFERENCE", "RULES", "STEMS", "find_positions"]

# Shortest first, as the rules were written: where nothing bounds it, "northeast" gives "north".
_COMPASS = rf"(?:{'|'.join(sorted(words('positions', 'directions'), key=lambda w: (len(w), w)))})(?:ern)?"
# Distances: the qualifiers and units of summarizer/data/quantities.toml.
_ABOUT = words("quantities", "distance_qualifiers")
_UNIT = rf"(?:{alternation(DISTANCE_UNITS)})"
_DIST = rf"(?P<dist>(?:(?:{alternation(_ABOUT)})\s+)?(?:[\w.\-\s]|,(?=\d)){{1,40}}?\s*{_UNIT})\b"
# A distance with nothing before its number but a qualifier: "about 10 miles", "some 20 km", "two-and-a-half km".
_SHORT_DIST = (
    rf"(?P<dist>(?:(?:{alternation(_ABOUT | words('quantities', 'distance_limits'))})\s+)?"
    rf"(?:\d[\d.,]*|[a-z]+(?:[\s-]+[a-z]+){{0,3}}?)\s*{_UNIT})\b"
)
_Rule = tuple[re.Pattern[str], PositionStatus, str, tuple[str, ...]]  # pattern, status, slot, stems
_UNITS = ("km", "kilomet", "mile", "metre", "meter")
RULES: list[_Rule] = [
    (
        re.compile(
            rf"\b(?P<cue>advanc\w*|push\w*|mov\w*|c[oa]me|got|closed)\s+(?:to\s+)?within\s+{_DIST}\s+(?:of|from)\s+",
            re.I,
        ),
        PositionStatus.ADVANCING,
        "objective",
        ("within",),
    ),
    (
        re.compile(
            rf"\b(?P<cue>advanc\w*|push\w*|mov\w*)\s+{_DIST}\s+(?:[\w’'\-]+\s+){{0,6}}?(?:toward|towards|on)\s+", re.I
        ),
        PositionStatus.ADVANCING,
        "objective",
        _UNITS,
    ),
    (
        re.compile(
            r"\b(?P<cue>retook|recaptured|captured|seized|liberated|regained|overran|(?:took|seized|gained)\s+control\s+of"
            r"|took\s+over|(?:had|has|have)\s+taken|entered|took(?=\s+(?:the\s+)?(?:[a-z-]+\s+)?(?:town|city|village|district"
            r"|hill|crossing|airport|base|bridge|port|airbase|checkpoint)\b|\s+(?-i:[A-Z])))\s+",
            re.I,
        ),
        PositionStatus.CAPTURED,
        "location",
        ("retook", "recaptur", "captur", "seiz", "liberat", "regain", "overran", "control", "took", "taken", "entered"),
    ),
    (
        re.compile(
            r"\b(?P<cue>(?:inching|edging|moving|creeping|pushing|inched|edged|moved|crept|pushed)\s+closer\s+to)\s+",
            re.I,
        ),
        PositionStatus.ADVANCING,
        "objective",
        ("closer",),
    ),
    (
        re.compile(r"\b(?P<cue>clos(?:ing|ed|e)\s+in\s+on|reach(?:ed|ing)?\s+the\s+outskirts\s+of)\s+", re.I),
        PositionStatus.ADVANCING,
        "objective",
        ("closing in", "closed in", "close in", "outskirts"),
    ),
    (
        re.compile(
            rf"\b(?P<cue>advancing|advanced|pushing|pushed|heading|headed)\s+(?:(?P<dir>{_COMPASS})\s+)?(?:toward|towards)\s+",
            re.I,
        ),
        PositionStatus.ADVANCING,
        "objective",
        ("toward",),
    ),
    (
        re.compile(
            r"\b(?P<cue>(?:making|made|make)\s+(?:significant\s+|steady\s+|rapid\s+|some\s+)?gains)"
            rf"(?:\s+(?:on|along|in)\s+the\s+(?P<dir>{_COMPASS})\s+front)?",
            re.I,
        ),
        PositionStatus.ADVANCING,
        "",
        ("gains",),
    ),
    (
        # The direction they come from, as written: "advancing from the south" is not heading south.
        re.compile(
            rf"\b(?P<cue>advancing|advanced|pushing|pushed|moving|moved|attacking|attacked)\s+"
            rf"(?P<dir>from\s+the\s+{_COMPASS})\b",
            re.I,
        ),
        PositionStatus.ADVANCING,
        "objective-later",
        ("advanc", "push", "moving", "moved", "attack"),
    ),
    (
        # "pushing north from Kirkuk (toward X)": heading north, setting out from Kirkuk.
        re.compile(
            rf"\b(?P<cue>(?i:advancing|advanced|pushing|pushed|moving|moved|heading|headed))\s+(?P<dir>{_COMPASS})\s+"
            r"from\s+(?:the\s+)?(?=[A-Z])"
        ),
        PositionStatus.ADVANCING,
        "origin",
        ("advanc", "push", "moving", "moved", "head"),
    ),
    (
        re.compile(r"\b(?P<cue>battled|fought|clashed\s+with|are\s+battling|were\s+battling)\s+", re.I),
        PositionStatus.CONTESTED,
        "location-later",
        ("battl", "fought", "clashed"),
    ),
    (
        re.compile(
            r"\b(?P<cue>preparing\s+(?:for\s+a\s+(?:push|offensive|assault|attack)|to\s+(?:attack|advance|push|storm)))"
            rf"(?:\s+(?:to|toward|towards|on)\s+the\s+(?P<dir>{_COMPASS}))?",
            re.I,
        ),
        PositionStatus.PREPARING,
        "",
        ("preparing",),
    ),
    (
        re.compile(
            r"\b(?P<cue>withdrew|withdrawn|retreated|pulled\s+back|pulled\s+out|fell\s+back)"
            r"\s+(?:from|to|towards?|into|behind|inside)\s+",
            re.I,
        ),
        PositionStatus.WITHDRAWN,
        "location",
        ("withdr", "retreat", "pulled", "fell back"),
    ),
    (
        re.compile(r"(?<=[’'s] )(?P<cue>withdrawal|retreat|pull-?back|pull-?out)\s+(?:from)\s+", re.I),
        PositionStatus.WITHDRAWN,
        "location",  # "the rebels’ withdrawal from Birat": the owner is the force
        ("withdrawal", "retreat", "pull"),
    ),
    (
        re.compile(
            r"\b(?P<cue>abandoned)\s+(?:(?:their|its|the)\s+(?:positions?|posts?|bases?|lines?)\s+(?:in|at|around|near)\s+)?",
            re.I,
        ),
        PositionStatus.WITHDRAWN,
        "location",
        ("abandoned",),
    ),
    (
        re.compile(
            r"\b(?P<cue>(?:held|holding|hold|maintained|kept)\s+(?:their|its|his|her|the)\s+(?:positions?|lines?|ground))"
            rf"\s+{_DIST}\s+(?P<dir>{_COMPASS})\s+of\s+",
            re.I,
        ),
        PositionStatus.HOLDING,
        "objective",
        _UNITS,
    ),
    (
        re.compile(
            r"\b(?P<cue>(?:held|holding|hold|holds|maintained|kept)\s+(?:their|its|his|her|the|a)\s+"
            r"(?:positions?|lines?|ground|front))\s+(?:around|at|near|in|outside)\s+",
            re.I,
        ),
        PositionStatus.HOLDING,
        "location",
        ("position", "line", "ground", "front"),
    ),
    (
        re.compile(
            r"\b(?P<cue>(?:still\s+)?(?:held|hold|holds|holding|controlled|controls|control)\s+the\s+"
            r"(?:checkpoint|town|city|village|bridge|crossing|road|base|airport|hill|ridge|district))\b",
            re.I,
        ),
        PositionStatus.HOLDING,
        "location-if-named",
        ("held", "hold", "control"),
    ),
    (
        re.compile(
            r"\b(?P<cue>(?:still\s+)?(?:held|holds|holding|controlled|controls))\s+(?=(?:the\s+)?(?:[a-z]+\s+)?[A-Z])"
        ),
        PositionStatus.HOLDING,
        "location",
        ("held", "holds", "holding", "controlled", "controls"),
    ),
    (
        re.compile(
            r"\b(?P<cue>(?:held|holding|hold|holds|maintained|kept)\s+(?:their|its|his|her|the|a)\s+"
            r"(?:positions?|lines?|ground|front))\b",
            re.I,
        ),
        PositionStatus.HOLDING,
        "",  # with a distance to a place after it, that place is the objective
        ("position", "line", "ground", "front"),
    ),
    (
        re.compile(
            r"\b(?P<cue>(?:remained|remain|remains|stayed|were|are|was|is)\s+dug\s+in|dug\s+in|entrenched)\b"
            r"(?:\s+(?:around|at|near|in|outside|on|along)\b)?",
            re.I,
        ),
        PositionStatus.HOLDING,
        "location-if-named",
        ("dug", "entrenched"),
    ),
    (
        re.compile(
            r"\b(?P<cue>(?:(?:are|were|is|was|remained|remain|remains|stood|lay|now|still|only|just|positioned|stationed"
            r"|deployed|based)\s+){1,3})(?:(?P<within>within)\s+)?"
            rf"{_SHORT_DIST}\s+(?:(?P<dir>{_COMPASS})\s+of|from|of|short\s+of|outside)\s+(?:the\s+)?",
            re.I,
        ),
        PositionStatus.UNKNOWN,  # advancing ("within"), holding ("positioned") or unknown: see _state
        "objective",
        _UNITS,
    ),
]
# The stems of all rules, found in one pass over the lower-cased text (see :meth:`.Doc.sentences_with`).
STEMS = Stems(*(stems for *_, stems in RULES))
_DIST_TO = re.compile(rf"\b{_DIST}\s+(?:(?P<dir>{_COMPASS})\s+of|from|short\s+of|outside)\s+", re.I)
_NOT_DONE = re.compile(
    r"\b(?:could|would|will|may|might|must|should|can|cannot|not|never|n[o’']t)\s+(?:yet\s+|be\s+|have\s+)?"
    r"(?:\w+ly\s+)?$|\bto\s+(?:\w+ly\s+)?$",  # "claimed to have advanced" is a claim of a move made
    re.I,
)
# A capture of unnamed ground near a place: "retook areas close to X", "seized positions north of X".
_NEAR_OBJECT = re.compile(
    r"\s*(?:the\s+|some\s+|several\s+|a\s+few\s+)?(?:[\w-]+\s+)?(?:areas?|ground|positions|territory|villages"
    r"|neighbou?rhoods|hills|heights)\s+(?:close\s+to|near|around|outside|(?:just\s+)?(?:north|south|east|west)"
    r"(?:-?(?:east|west))?(?:ern)?\s+of|on\s+the\s+(?:\w+\s+)?(?:outskirts|edge|edges)\s+of)\b",
    re.I,
)
_PEOPLE_OBJECT = re.compile(rf"\s+(?:(?:at\s+least|some|about|more\s+than)\s+)?(?:[\w-]+\s+){{0,2}}?{PEOPLE}\b", re.I)
_APPOSITION = re.compile(r"\s*(?:the\s+)?(?:[\w’'-]+\s+){0,3}?(?:capital|city|town|village|stronghold),\s+$", re.I)
REFERENCE = re.compile(
    r"\s*the\s+(?P<noun>town|city|village|checkpoint|crossing|bridge|airport|base|camp)(?:[’']s)?\b(?!\s+of\b)", re.I
)
_LEADING_DATE = re.compile(r"\s*(?:also\s+)?(?P<when>[^,;]{2,30}?)\s*,\s")
_SINCE = re.compile(r"\bsince\b", re.I)  # "since March" (the parser's span may hold "since")
_REACHING = re.compile(r"\b(?:reach(?:ing|ed)?\s+the\s+outskirts\s+of|toward|towards)\s+", re.I)
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
    by_region = quotes_by_region(doc, quotes or [])
    claims = Claims(quotes or [])
    for sa, sb, stems in doc.sentences_with(STEMS):
        found: list[tuple[int, Position]] = []
        cues: set[int] = set()
        for rule, status, slot, needs in RULES:
            if stems.isdisjoint(needs):
                continue
            for m in rule.finditer(doc.text, sa, sb):
                if m.start("cue") in cues:
                    continue
                lo, hi = max(sa, m.start() - 300), min(sb, m.end() + 300)
                pos = _position(doc, m, status, slot, (lo, hi), out, by_region)
                if pos is not None and pos.claimed_by is None:  # "..., military officials said"
                    pos = pos.model_copy(update={"claimed_by": claims.at(m.start("cue"))})
                if pos is not None:
                    found.append((m.start("cue"), pos))
                    cues.add(m.start("cue"))
        for pos in _merge_sentence([p for _, p in sorted(found, key=lambda fp: fp[0])]):
            if out and pos.force is out[-1].force:  # "we have advanced ...": the force just before, retold
                out[-1] = _restated(doc, out[-1], pos)
            else:
                out.append(pos)
    return out


def _restated(doc: Doc, prev: Position, again: Position) -> Position:
    """One position from a report and its force's own retelling in a quote: the report's fields, with what the
    retelling adds; the retelling's move wins over a capture of unnamed ground near a place ("retook areas close
    to X", then "we have advanced to within 5 km of X")."""
    cue = prev.status_cue.spans[0] if prev.status_cue and prev.status_cue.spans else None
    near = (
        prev.status is PositionStatus.CAPTURED
        and cue is not None
        and cue.end is not None
        and _NEAR_OBJECT.match(doc.text, cue.end) is not None
    )
    base, extra = (again, prev.model_copy(update={"location": None})) if near else (prev, again)
    fields = type(base).model_fields
    return base.model_copy(update={k: getattr(extra, k) for k in fields if getattr(base, k) is None})


def _merge_sentence(positions: list[Position]) -> list[Position]:
    """Positions of one force in one sentence are one position ("advancing from the south, captured X")."""
    out: list[Position] = []
    at: dict[tuple[Span, ...], int] = {}  # a force's spans (frozen, hashable) -> its position in ``out``
    for p in positions:
        key = tuple(p.force.spans)
        index = at.get(key)
        if index is None:
            at[key] = len(out)
            out.append(p)
            continue
        same = out[index]
        first, second = (same, p) if _PRIORITY[same.status] <= _PRIORITY[p.status] else (p, same)
        merged = first.model_copy(
            update={k: getattr(second, k) for k in type(first).model_fields if getattr(first, k) is None}
        )
        out[index] = merged  # the same force spans: ``key`` still names it
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
    sa, sb = sentence
    cue_a = m.start("cue")
    if not _applies(doc, m, status, sentence):
        return None
    force, claimed = subject_force(doc, sa, cue_a)
    if force is None:
        force, claimed = first_person_force(doc, sa, cue_a, earlier, quotes)
    if force is None:
        return None
    place = _slot_place(doc, m, status, slot, sb)
    if place is None and (slot in ("objective", "location", "origin") or status is PositionStatus.CAPTURED):
        return None
    status, cue = _state(doc, m, status)
    distance = _distance(doc, m) if "dist" in m.re.groupindex else None
    direction = _direction(doc, m, place)
    objective = place if slot.startswith("objective") else None
    location = place if slot.startswith("location") or slot == "origin" else None
    if slot == "origin" and place is not None:  # "pushing north from X toward Y": Y is the objective
        objective = _slot_place(doc, m, status, "objective-later", sb)
    far = _distance_place(doc, m.end(), sb) if distance is None else None
    if far is not None and (place is None or place.start >= far[2].start):
        distance, direction, objective = far
        location = location if location is not None and location.start < far[2].start else None
    return Position(
        force=force,
        location=_mention_of(doc, location),
        objective=_mention_of(doc, objective),
        distance=distance,
        direction=direction,
        status=status,
        status_cue=cue,
        as_of=_as_of(doc, m.end(), sb) or _leading_date(doc, sa, cue_a),
        claimed_by=claimed,
    )


def _applies(doc: Doc, m: re.Match[str], status: PositionStatus, sentence: tuple[int, int]) -> bool:
    """Not a crowd's clash with the police, not people seized ("seized two aid workers"), not a move that may only
    come or did not happen ("could reach the outskirts of", "plan to push toward", "has not retaken")."""
    if _NOT_DONE.search(doc.text, max(sentence[0], m.start("cue") - 30), m.start("cue")):
        return False
    if status is PositionStatus.CONTESTED and is_riot_clash(doc, (m.start("cue"), m.end("cue")), sentence):
        return False
    return not (status is PositionStatus.CAPTURED and _PEOPLE_OBJECT.match(doc.text, m.end("cue"), sentence[1]))


def _slot_place(doc: Doc, m: re.Match[str], status: PositionStatus, slot: str, sb: int) -> Name | None:
    text = doc.text
    if slot in ("objective", "location"):
        max_words = 12 if status is PositionStatus.CAPTURED else 6
        return _place_after(doc, m.end(), sb, max_words=max_words, refer=True)
    if slot == "location-if-named":
        own = re.search(r"\bthe\s+(\w+)$", m.group("cue"))  # "still held the checkpoint": the one named before
        if own is not None and _place_after(doc, m.end(), sb, max_words=2) is None:
            return place_referred(doc, m.start("cue") + own.start(1), own.group(1))
        return _place_after(doc, m.end(), sb, max_words=4, refer=True)
    if slot == "objective-later":
        later = _REACHING.search(text, m.end(), sb)
        return _place_after(doc, later.end(), sb) if later else None
    if slot == "origin":
        return _place_after(doc, m.end(), sb, max_words=2)
    if slot == "location-later":
        found = places_in(doc, m.end(), sb)
        return found[0][0] if found else None
    return None


def _state(doc: Doc, m: re.Match[str], status: PositionStatus) -> tuple[PositionStatus, Mention | None]:
    """The status and its cue; for a bare distance ("are now 10 miles from X") the words decide."""
    if status is not PositionStatus.UNKNOWN:
        return status, mention(doc.text, m.start("cue"), m.end("cue"))
    if m.group("within"):
        return PositionStatus.ADVANCING, mention(doc.text, m.start("within"), m.end("within"))
    held = re.search(r"\b(?:positioned|stationed|deployed|based|remained|remain|remains)\b", m.group("cue"), re.I)
    if held is not None:
        return PositionStatus.HOLDING, mention(doc.text, m.start("cue") + held.start(), m.start("cue") + held.end())
    return PositionStatus.UNKNOWN, None


def _distance_place(doc: Doc, start: int, end: int) -> tuple[Quantity, Mention | None, Name] | None:
    """ "... about 10 miles from X", "... some 2 km north of X" right after a cue: distance, direction, place."""
    m = _DIST_TO.search(doc.text, start, min(end, start + 120))
    if m is None:
        return None
    place = _place_after(doc, m.end(), end, max_words=4, refer=True)
    distance = _distance(doc, m)
    if place is None or distance is None:
        return None
    direction = mention(doc.text, m.start("dir"), m.end("dir")) if m.group("dir") else None
    return distance, direction, place


def _mention_of(doc: Doc, target: Name | tuple[int, int] | None) -> Mention | None:
    if target is None:
        return None
    if isinstance(target, Name):
        return mention(doc.text, target.start, target.end)
    return mention(doc.text, *target)


def _place_after(doc: Doc, start: int, end: int, *, max_words: int = 6, refer: bool = False) -> Name | None:
    """The first name after ``start`` when it is a place and no more than ``max_words`` words away; with
    ``refer``, "the town" / "the checkpoint" right after ``start`` is the place it refers back to."""
    if refer:
        ref = REFERENCE.match(doc.text, start, end)
        if ref is not None:
            return place_referred(doc, ref.start("noun"), ref.group("noun"))
    names = doc.names(start, min(end, start + 12 * max_words))
    if not names:
        return None
    between = doc.text[start : names[0].start]
    if len(between.split()) > max_words or (re.search(r"[,;:]", between) and not _APPOSITION.fullmatch(between)):
        return None  # "the provincial capital, Norvi" is one place
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
        of = re.search(rf"\b({_COMPASS})\s+of\s+(?:the\s+)?$", doc.text[m.end() : place.start], re.I)
        if of is not None:  # "toward the hills north of Kapra"
            return mention(doc.text, m.end() + of.start(1), m.end() + of.end(1))
        d = re.search(
            rf"\b({_COMPASS})\s+(?:outskirts|edge|suburbs|districts|neighbou?rhoods|side)\b",
            doc.text[m.end() : place.start],
            re.I,
        )
        if d is not None:
            return mention(doc.text, m.end() + d.start(1), m.end() + d.end(1))
    return None


def _leading_date(doc: Doc, sa: int, cue_a: int) -> DateValue | None:
    """ "Late on Thursday, rebel units captured ...": a date that opens the cue's sentence."""
    start = doc.sentence(cue_a)[0]
    m = _LEADING_DATE.match(doc.text, start, cue_a) if start >= sa else None
    if m is None:
        return None
    dates = dates_in(doc.text, m.start("when"), m.end("when"), doc.article_date)
    return dates[0][1] if dates else None


def _as_of(doc: Doc, start: int, end: int) -> DateValue | None:
    """The date of the position ("on Monday", "by Tuesday evening"); not where it began ("since March")."""
    dates = [
        (a, d)
        for a, d in dates_in(doc.text, start, end, doc.article_date)
        if not _SINCE.search(doc.text, max(0, a - 7), a + 6)
    ]
    return dates[0][1] if dates else None
