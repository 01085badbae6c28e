"""Evaluation: fixture articles on disk, and field-level scores of a briefing against gold.

A fixture is a folder ``fixtures/articles/<id>/`` with ``article.txt``, ``meta.json``
(:class:`FixtureMeta`) and, once authored, ``gold.json`` (a :class:`~summarizer.schema.Briefing`).
Every load error is a :class:`~summarizer.errors.FixtureError` that names the file.

Scoring pairs the predicted items of each field with the gold items one-to-one by
optimal assignment (``scipy.optimize.linear_sum_assignment``, or an exact search for
small lists when scipy is not installed) over a similarity in ``[0, 1]``; pairs
below :data:`CUTOFF` do not count. Matched pairs are true positives, unmatched
predictions false positives, unmatched gold items false negatives. Similarities:

* quote content: overlap of the quote's spans (intersection over union) when both
  sides are located, else normalised string similarity (1 - edit distance / length);
* names (participants, locations, forces, speakers): the best of span overlap (Dice),
  an alias match ("U.K." / "United Kingdom") and overlap of content words;
* incidents: cue, type, place and date, weighted 0.4 / 0.2 / 0.2 / 0.2;
* positions: force (needed, >= 0.5), place and status, weighted 0.5 / 0.3 / 0.2.

Per field the report gives micro P/R/F1 (counts summed over articles) and macro
P/R/F1 (mean over the articles where gold or prediction has items of that field;
precision is 1.0 with no predictions and recall 1.0 with no gold items), plus the
accuracy of attributes over matched pairs, e.g. the speaker of matched quotes.

Sub-fields (:data:`SUBFIELD_LABELS`: quote content and speaker, participant name,
incident type / place / date / fatalities, front-line force / place / distance /
status, ...) each get their own row: P/R/F1 over the items that state the sub-field
(a matched pair counts when the prediction agrees with gold), and accuracy over the
matched pairs whose gold states it. Numbers agree within :data:`NUMBER_TOLERANCE`
(relative); dates at the coarser of the two precisions (a month-precision date agrees
with any day of that month).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, computed_field
from rapidfuzz.distance import Levenshtein

from .errors import ConfigurationError, FixtureError
from .files import read_model
from .lexicon import alias_keys, fold_name
from .schema import (
    Briefing,
    DatePrecision,
    DateValue,
    Evidence,
    Incident,
    Location,
    Mention,
    Participant,
    ParticipantRole,
    Position,
    PositionStatus,
    Quantity,
    Quote,
    QuoteKind,
    text_sha256,
)
from .text import fold_marks

__all__ = [
    "CUTOFF",
    "FIELDS",
    "FIELD_LABELS",
    "NUMBER_TOLERANCE",
    "SUBFIELDS",
    "SUBFIELD_LABELS",
    "ArticleScore",
    "AttributeScore",
    "EvalReport",
    "FieldScore",
    "FieldSummary",
    "Fixture",
    "FixtureMeta",
    "Match",
    "SubfieldScore",
    "SubfieldSummary",
    "assign",
    "fixtures_root",
    "item_anchor",
    "items_of",
    "load_fixture",
    "load_fixtures",
    "name_similarity",
    "render_markdown",
    "same_person",
    "same_quantity",
    "score_briefing",
    "score_many",
    "span_dice",
    "span_iou",
    "summarise_field",
    "text_similarity",
]

CUTOFF = 0.5
FIELD_LABELS = {  # the scored fields, in report order, with their labels (``_SPECS`` says how each is scored)
    "quotes": "direct quotes: content",
    "quote_speakers": "direct quotes: content + speaker",
    "indirect_quotes": "indirect quotes: content",
    "participants": "meeting participants",
    "incidents": "incidents",
    "front_lines": "front-line positions",
    "locations": "locations",
}
FIELDS = tuple(FIELD_LABELS)
SUBFIELD_LABELS = {  # "<field>.<sub-field>": label; each has its own P/R/F1 and accuracy row (``_SUBS``)
    "quotes.content": "direct quote content",
    "quotes.speaker": "direct quote speaker",
    "indirect_quotes.content": "indirect quote content",
    "indirect_quotes.speaker": "indirect quote speaker",
    "participants.name": "participant name",
    "participants.role": "participant role",
    "participants.represents": "participant represents",
    "incidents.type": "incident type",
    "incidents.place": "incident place",
    "incidents.date": "incident date",
    "incidents.fatalities": "incident fatalities",
    "front_lines.force": "front-line force",
    "front_lines.place": "front-line place",
    "front_lines.distance": "front-line distance",
    "front_lines.status": "front-line status",
    "locations.name": "location name",
}
SUBFIELDS = tuple(SUBFIELD_LABELS)
NUMBER_TOLERANCE = 0.02  # relative: 1,200 and 1,210 are the same figure, 14 and 15 are not

# --------------------------------------------------------------------------- fixtures


class FixtureMeta(BaseModel):
    """``meta.json`` of a fixture article."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    date: dt.date
    origin: str = Field(min_length=1)
    topics: tuple[str, ...] = ()
    # "dev": seen while the rules engine was tuned; "heldout": written afterwards by someone who did not read it
    split: Literal["dev", "heldout"] = "dev"


@dataclass(frozen=True, slots=True)
class Fixture:
    """One fixture article: its folder, metadata, text and gold briefing (if authored)."""

    id: str
    path: Path
    meta: FixtureMeta
    text: str
    gold: Briefing | None


def fixtures_root() -> Path:
    """``fixtures/articles`` of the source checkout this package was imported from."""
    root = Path(__file__).resolve().parent.parent / "fixtures" / "articles"
    if not root.is_dir():
        raise FixtureError(f"no fixtures at {root}: pass root= to load_fixtures(), or run from a source checkout")
    return root


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError as exc:
        raise FixtureError(f"{path}: missing; every fixture folder needs article.txt and meta.json") from exc
    except UnicodeDecodeError as exc:
        raise FixtureError(f"{path}: not valid UTF-8 at byte {exc.start}; save the file as UTF-8") from exc


_M = TypeVar("_M", bound=BaseModel)


def _load_model(path: Path, model: type[_M]) -> _M:
    return read_model(path, model, text=_read(path))  # _read: a missing fixture file says what a folder needs


def load_fixture(folder: Path) -> Fixture:
    """Load one fixture folder; raise :class:`FixtureError` naming the file that is wrong."""
    text = _read(folder / "article.txt")
    meta = _load_model(folder / "meta.json", FixtureMeta)
    if meta.id != folder.name:
        raise FixtureError(f"{folder / 'meta.json'}: id {meta.id!r} differs from the folder name {folder.name!r}")
    gold_path = folder / "gold.json"
    gold = _load_model(gold_path, Briefing) if gold_path.exists() else None
    if gold is not None and gold.source.sha256 != text_sha256(text):
        raise FixtureError(
            f"{gold_path}: made from another text than article.txt (sha256 differs); "
            f"regenerate it with fixtures/tools/author_gold.py {meta.id}"
        )
    return Fixture(id=meta.id, path=folder, meta=meta, text=text, gold=gold)


def load_fixtures(root: Path | None = None) -> list[Fixture]:
    """Every fixture under ``root`` (default :func:`fixtures_root`), sorted by id."""
    base = fixtures_root() if root is None else root
    if not base.is_dir():
        raise FixtureError(f"{base}: not a directory of fixture articles")
    return [load_fixture(p) for p in sorted(base.iterdir()) if p.is_dir() and (p / "article.txt").exists()]


# --------------------------------------------------------------------------- result models


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _ratio(num: int, den: int, empty: float) -> float:
    return empty if den == 0 else num / den


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


class Match(_Frozen):
    gold: int
    predicted: int
    similarity: float


class AttributeScore(_Frozen):
    """How often an attribute of matched pairs agrees with gold (pairs where gold states it)."""

    name: str
    correct: int
    total: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def accuracy(self) -> float:
        return _ratio(self.correct, self.total, 1.0)


class _Tally(_Frozen):
    """Counts of one field and the micro precision / recall / F1 they give."""

    field: str
    gold: int
    predicted: int
    tp: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.predicted, 1.0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.gold, 1.0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)


class SubfieldScore(_Tally):
    """One sub-field of one field of one article (``field`` is ``"<field>.<sub-field>"``).

    ``gold`` / ``predicted``: items that state the sub-field; ``tp``: matched pairs whose
    prediction agrees with gold; ``matched``: matched pairs whose gold states it.
    """

    matched: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def accuracy(self) -> float:
        return _ratio(self.tp, self.matched, 1.0)


class FieldScore(_Tally):
    """One field of one article."""

    matches: tuple[Match, ...] = ()
    missed: tuple[int, ...] = ()  # gold indices with no match
    extra: tuple[int, ...] = ()  # predicted indices with no match
    attributes: tuple[AttributeScore, ...] = ()
    subfields: tuple[SubfieldScore, ...] = ()


class ArticleScore(_Frozen):
    article_id: str
    fields: tuple[FieldScore, ...]

    def field(self, name: str) -> FieldScore:
        return _by_name(self.fields, name)


class SubfieldSummary(SubfieldScore):
    """One sub-field over all articles: micro and macro P/R/F1, accuracy over all matched pairs."""

    articles: int
    macro_precision: float
    macro_recall: float
    macro_f1: float


class FieldSummary(_Tally):
    """One field over all articles: micro and macro P/R/F1 and attribute accuracies."""

    articles: int  # articles in the macro average (gold or prediction non-empty)
    macro_precision: float
    macro_recall: float
    macro_f1: float
    attributes: tuple[AttributeScore, ...] = ()
    subfields: tuple[SubfieldSummary, ...] = ()


class EvalReport(_Frozen):
    articles: tuple[ArticleScore, ...]
    fields: tuple[FieldSummary, ...]

    def field(self, name: str) -> FieldSummary:
        return _by_name(self.fields, name)


_F = TypeVar("_F", FieldScore, FieldSummary)


def _by_name(fields: Sequence[_F], name: str) -> _F:
    for f in fields:
        if f.field == name:
            return f
    raise KeyError(f"no field {name!r}; fields are {', '.join(FIELDS)}")


# --------------------------------------------------------------------------- assignment

_SMALL = 12  # exact search without scipy up to this many items on the smaller side


def assign(sim: Sequence[Sequence[float]], *, cutoff: float = CUTOFF) -> list[Match]:
    """One-to-one pairs (gold row, predicted column) maximising the total similarity.

    Similarities below ``cutoff`` count as zero and never form a pair.
    """
    if not sim or not sim[0]:
        return []
    weights = [[s if s >= cutoff else 0.0 for s in row] for row in sim]
    pairs = _solve(weights)
    return sorted(
        (Match(gold=i, predicted=j, similarity=round(sim[i][j], 6)) for i, j in pairs if sim[i][j] >= cutoff),
        key=lambda m: m.gold,
    )


def _solve(weights: list[list[float]]) -> list[tuple[int, int]]:
    try:
        from scipy.optimize import linear_sum_assignment
    except ImportError:
        if min(len(weights), len(weights[0])) <= _SMALL:
            return _assign_small(weights)
        raise ConfigurationError(
            f"scoring {len(weights)} x {len(weights[0])} items needs scipy: pip install scipy "
            "(it comes with summarizer[dev])"
        ) from None
    rows, cols = linear_sum_assignment(weights, maximize=True)
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True)]


def _assign_small(weights: list[list[float]]) -> list[tuple[int, int]]:
    """Exact maximum-weight assignment by dynamic programming over column subsets."""
    n, m = len(weights), len(weights[0])
    if m > n:
        flipped = _assign_small([list(col) for col in zip(*weights, strict=True)])
        return sorted((i, j) for j, i in flipped)
    best: dict[int, tuple[float, tuple[tuple[int, int], ...]]] = {0: (0.0, ())}
    for i, row in enumerate(weights):
        nxt = dict(best)
        for mask, (score, pairs) in best.items():
            for j, w in enumerate(row):
                if w > 0 and not mask & (1 << j):
                    key, cand = mask | (1 << j), score + w
                    if key not in nxt or cand > nxt[key][0]:
                        nxt[key] = (cand, (*pairs, (i, j)))
        best = nxt
    return list(max(best.values(), key=lambda v: v[0])[1])


# --------------------------------------------------------------------------- similarities

_GENERIC = frozenset(
    """the a an of and in on at for to from by with its their his her s de al el forces force troops
    fighters militants units unit men group""".split()
)


def _ranges(ev: Evidence | None) -> list[tuple[int, int]]:
    if ev is None:
        return []
    return sorted((s.start, s.end) for s in ev.spans if s.start is not None and s.end is not None and s.end > s.start)


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in ranges:
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> tuple[int, int, int]:
    """(intersection, |a|, |b|) in characters of two sets of ranges."""
    ma, mb = _merged(a), _merged(b)
    inter = sum(max(0, min(x2, y2) - max(x1, y1)) for x1, x2 in ma for y1, y2 in mb)
    return inter, sum(y - x for x, y in ma), sum(y - x for x, y in mb)


def span_iou(a: Evidence | None, b: Evidence | None) -> float | None:
    """Intersection over union of the spans; ``None`` when either side has no located span."""
    ra, rb = _ranges(a), _ranges(b)
    if not ra or not rb:
        return None
    inter, la, lb = _overlap(ra, rb)
    return inter / (la + lb - inter)


def span_dice(a: Evidence | None, b: Evidence | None) -> float | None:
    ra, rb = _ranges(a), _ranges(b)
    if not ra or not rb:
        return None
    inter, la, lb = _overlap(ra, rb)
    return 2 * inter / (la + lb)


def _fold(s: str) -> str:
    return " ".join(fold_marks(s).lower().replace('"', " ").split()).strip(" ,.'")


def text_similarity(a: str, b: str) -> float:
    """1 - normalised edit distance of the folded strings (quote marks, case, whitespace)."""
    return float(Levenshtein.normalized_similarity(_fold(a), _fold(b)))


def _words(s: str) -> set[str]:
    toks = set(re.findall(r"\w+", fold_name(s)))
    content = toks - _GENERIC
    return content or toks


def name_similarity(a: Mention | None, b: Mention | None) -> float:
    """Best of span overlap, alias match and content-word overlap (Dice) of two names."""
    if a is None or b is None:
        return 0.0
    if alias_keys(a.value) & alias_keys(b.value):
        return 1.0
    wa, wb = _words(a.value), _words(b.value)
    words = 2 * len(wa & wb) / (len(wa) + len(wb)) if wa and wb else 0.0
    return max(words, span_dice(a, b) or 0.0)


def same_person(gold: str, predicted: str) -> bool:
    """Whether two speaker names denote the same person or body ("Hollande" / "Francois Hollande")."""
    if alias_keys(gold) & alias_keys(predicted):
        return True
    wg, wp = _words(gold), _words(predicted)
    if not wg or not wp:
        return False
    return wp <= wg or wg <= wp


def _optional(a: Any, b: Any, same: Callable[[Any, Any], float]) -> float:
    """Similarity of an optional attribute: 1 when both are absent, 0.5 when one is."""
    if a is None and b is None:
        return 1.0
    if a is None or b is None:
        return 0.5
    return same(a, b)


def _same_date(a: DateValue, b: DateValue) -> float:
    return 1.0 if _dates_agree(a, b) else 0.0


def _values(q: Quantity) -> set[float]:
    return {round(v, 6) for v in (q.low, q.high, q.best) if v is not None}


def same_quantity(a: Quantity, b: Quantity, *, tolerance: float = NUMBER_TOLERANCE) -> bool:
    """The same stated numbers (low / high / best as a set) within ``tolerance`` (relative), whatever the qualifier."""
    va, vb = sorted(_values(a)), sorted(_values(b))
    if va == vb:
        return True
    return len(va) == len(vb) and all(
        abs(x - y) <= tolerance * max(abs(x), abs(y)) for x, y in zip(va, vb, strict=True)
    )


# --------------------------------------------------------------------------- per-field similarity


def _quote_similarity(g: Quote, p: Quote) -> float:
    iou = span_iou(g.text, p.text)
    return iou if iou is not None else text_similarity(g.text.value, p.text.value)


def _participant_similarity(g: Participant, p: Participant) -> float:
    direct = name_similarity(g.name, p.name)
    via = max(name_similarity(g.represents, p.name), name_similarity(g.name, p.represents))
    return max(direct, 0.8 * via)


def _location_similarity(g: Location, p: Location) -> float:
    return name_similarity(g.name, p.name)


def _cue_similarity(g: Mention, p: Mention) -> float:
    return max(span_dice(g, p) or 0.0, name_similarity(g, p))


def _incident_similarity(g: Incident, p: Incident) -> float:
    kind = 1.0 if g.sub_type == p.sub_type else 0.5 if g.event_type == p.event_type else 0.0
    place = _optional(g.location, p.location, name_similarity)
    when = _optional(g.date, p.date, _same_date)
    return 0.4 * _cue_similarity(g.cue, p.cue) + 0.2 * kind + 0.2 * place + 0.2 * when


def _places(pos: Position) -> list[Mention]:
    return [m for m in (pos.location, pos.objective) if m is not None]


def _place_similarity(gp: list[Mention], pp: list[Mention]) -> float:
    if gp and pp:
        return max(name_similarity(a, b) for a in gp for b in pp)
    return 1.0 if not gp and not pp else 0.5


def _position_similarity(g: Position, p: Position) -> float:
    force = name_similarity(g.force, p.force)
    if force < CUTOFF:
        return 0.0
    place = _place_similarity(_places(g), _places(p))
    status = 1.0 if g.status == p.status else 0.0
    return 0.5 * force + 0.3 * place + 0.2 * status


# --------------------------------------------------------------------------- attributes


def _quote_attributes(pairs: list[tuple[Quote, Quote]]) -> list[AttributeScore]:
    ok = sum(same_person(g.speaker.value, p.speaker.value) for g, p in pairs)
    return [AttributeScore(name="speaker", correct=ok, total=len(pairs))]


def _tally(name: str, pairs: Iterable[tuple[Any, Any]], same: Callable[[Any, Any], bool]) -> AttributeScore:
    """Agreement over the pairs where gold states the attribute (a missing prediction is wrong)."""
    stated = [(g, p) for g, p in pairs if g is not None]
    ok = sum(p is not None and same(g, p) for g, p in stated)
    return AttributeScore(name=name, correct=ok, total=len(stated))


def _names_agree(a: Mention, b: Mention) -> bool:
    return name_similarity(a, b) >= CUTOFF


_COARSER = {DatePrecision.DAY: 0, DatePrecision.MONTH: 1, DatePrecision.YEAR: 2}


def _dates_agree(a: DateValue, b: DateValue) -> bool:
    """The same calendar date at the coarser of the two precisions ("June 2024" agrees with June 5, 2024);
    an unresolved date (None) agrees only with one unresolved in the same words."""
    if a.date is None or b.date is None:
        return a.date is None and b.date is None and _date_words(a) == _date_words(b)
    coarse = max(_COARSER[a.precision], _COARSER[b.precision])
    if coarse == 2:
        return a.date.year == b.date.year
    if coarse == 1:
        return (a.date.year, a.date.month) == (b.date.year, b.date.month)
    return a.date == b.date


def _date_words(d: DateValue) -> str:
    return " ".join(d.spans[0].text.lower().split()) if d.spans else ""


def _incident_attributes(pairs: list[tuple[Incident, Incident]]) -> list[AttributeScore]:
    figures = [
        (getattr(g, name), getattr(p, name))
        for g, p in pairs
        for name in ("count", "fatalities", "injured", "affected")
    ]
    return [
        _tally("type", ((g.sub_type, p.sub_type) for g, p in pairs), lambda a, b: a == b),
        _tally("date", ((g.date, p.date) for g, p in pairs), _dates_agree),
        _tally("location", ((g.location, p.location) for g, p in pairs), _names_agree),
        _tally("figures", figures, same_quantity),
    ]


def _position_attributes(pairs: list[tuple[Position, Position]]) -> list[AttributeScore]:
    return [
        _tally("status", ((g.status, p.status) for g, p in pairs), lambda a, b: a == b),
        _tally("distance", ((g.distance, p.distance) for g, p in pairs), same_quantity),
        _tally("as_of", ((g.as_of, p.as_of) for g, p in pairs), _dates_agree),
        _tally("claimed_by", ((g.claimed_by, p.claimed_by) for g, p in pairs), _names_agree),
    ]


def _participant_attributes(pairs: list[tuple[Participant, Participant]]) -> list[AttributeScore]:
    known = [(g.role, p.role) for g, p in pairs if g.role is not ParticipantRole.UNKNOWN]
    return [
        _tally("role", known, lambda a, b: a == b),
        _tally("represents", ((g.represents, p.represents) for g, p in pairs), _names_agree),
    ]


# --------------------------------------------------------------------------- sub-fields


def _always(g: Any, p: Any) -> bool:
    return True  # the pair was matched on this very sub-field


def _stated_role(item: Participant) -> ParticipantRole | None:
    return None if item.role is ParticipantRole.UNKNOWN else item.role


def _stated_status(item: Position) -> PositionStatus | None:
    return None if item.status is PositionStatus.UNKNOWN else item.status


def _places_or_none(item: Position) -> list[Mention] | None:
    return _places(item) or None


def _places_agree(a: list[Mention], b: list[Mention]) -> bool:
    return _place_similarity(a, b) >= CUTOFF


def _eq(a: Any, b: Any) -> bool:
    return bool(a == b)


def _speaker_agrees(a: Mention, b: Mention) -> bool:
    return same_person(a.value, b.value)


# (sub-field, the value an item states or None, whether two stated values agree), per field
_SUBS: dict[str, tuple[tuple[str, Callable[[Any], Any], Callable[[Any, Any], bool]], ...]] = {
    "quotes": (("content", lambda q: q.text, _always), ("speaker", lambda q: q.speaker, _speaker_agrees)),
    "indirect_quotes": (("content", lambda q: q.text, _always), ("speaker", lambda q: q.speaker, _speaker_agrees)),
    "participants": (
        ("name", lambda p: p.name, _always),
        ("role", _stated_role, _eq),
        ("represents", lambda p: p.represents, _names_agree),
    ),
    "incidents": (
        ("type", lambda i: i.sub_type, _eq),
        ("place", lambda i: i.location, _names_agree),
        ("date", lambda i: i.date, _dates_agree),
        ("fatalities", lambda i: i.fatalities, same_quantity),
    ),
    "front_lines": (
        ("force", lambda p: p.force, _always),
        ("place", _places_or_none, _places_agree),
        ("distance", lambda p: p.distance, same_quantity),
        ("status", _stated_status, _eq),
    ),
    "locations": (("name", lambda loc: loc.name, _always),),
}


def _subfield_scores(
    name: str, g_items: Sequence[Any], p_items: Sequence[Any], pairs: list[tuple[Any, Any]]
) -> list[SubfieldScore]:
    out = []
    for sub, value, agree in _SUBS.get(name, ()):
        stated = [(value(g), value(p)) for g, p in pairs if value(g) is not None]
        out.append(
            SubfieldScore(
                field=f"{name}.{sub}",
                gold=sum(value(g) is not None for g in g_items),
                predicted=sum(value(p) is not None for p in p_items),
                tp=sum(p is not None and agree(g, p) for g, p in stated),
                matched=len(stated),
            )
        )
    return out


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class _Spec:
    kind: str  # the item kind (``Briefing.item_kinds``) whose items are scored
    items: Callable[[Briefing], Sequence[Any]]
    similarity: Callable[[Any, Any], float]
    attributes: Callable[[list[tuple[Any, Any]]], list[AttributeScore]]


def _quotes(kind: QuoteKind) -> Callable[[Briefing], list[Quote]]:
    return lambda b: [q for q in b.quotes if q.kind is kind]


def _no_attributes(pairs: list[tuple[Any, Any]]) -> list[AttributeScore]:
    return []


_SPECS: dict[str, _Spec] = {
    "quotes": _Spec("quotes", _quotes(QuoteKind.DIRECT), _quote_similarity, _quote_attributes),
    "indirect_quotes": _Spec("quotes", _quotes(QuoteKind.INDIRECT), _quote_similarity, _quote_attributes),
    "participants": _Spec(
        "meetings",
        lambda b: [p for m in b.meetings for p in m.participants],
        _participant_similarity,
        _participant_attributes,
    ),
    "incidents": _Spec("incidents", lambda b: b.incidents, _incident_similarity, _incident_attributes),
    "front_lines": _Spec("front_lines", lambda b: b.front_lines, _position_similarity, _position_attributes),
    "locations": _Spec("locations", lambda b: b.locations, _location_similarity, _no_attributes),
}
# Item kinds no field scores, and why (tests/test_item_kinds.py: every kind is scored or listed here).
UNSCORED_KINDS = {"summary": "points in the engine's own words: their spans are validated, their wording is not scored"}
SCORED_KINDS = frozenset(spec.kind for spec in _SPECS.values())


def _score_field(name: str, spec: _Spec, predicted: Briefing, gold: Briefing) -> FieldScore:
    g_items, p_items = spec.items(gold), spec.items(predicted)
    sim = [[spec.similarity(g, p) for p in p_items] for g in g_items]
    matches = assign(sim) if g_items and p_items else []
    pairs = [(g_items[m.gold], p_items[m.predicted]) for m in matches]
    return FieldScore(
        field=name,
        gold=len(g_items),
        predicted=len(p_items),
        tp=len(matches),
        matches=tuple(matches),
        missed=tuple(sorted(set(range(len(g_items))) - {m.gold for m in matches})),
        extra=tuple(sorted(set(range(len(p_items))) - {m.predicted for m in matches})),
        attributes=tuple(spec.attributes(pairs)),
        subfields=tuple(_subfield_scores(name, g_items, p_items, pairs)),
    )


def _speaker_field(quotes: FieldScore, predicted: Briefing, gold: Briefing) -> FieldScore:
    """Direct quotes counted right only when both the content and the speaker match."""
    g_items, p_items = _quotes(QuoteKind.DIRECT)(gold), _quotes(QuoteKind.DIRECT)(predicted)
    right = tuple(
        m for m in quotes.matches if same_person(g_items[m.gold].speaker.value, p_items[m.predicted].speaker.value)
    )
    return FieldScore(
        field="quote_speakers",
        gold=quotes.gold,
        predicted=quotes.predicted,
        tp=len(right),
        matches=right,
        missed=tuple(sorted(set(range(quotes.gold)) - {m.gold for m in right})),
        extra=tuple(sorted(set(range(quotes.predicted)) - {m.predicted for m in right})),
    )


def items_of(briefing: Briefing, field: str) -> list[Any]:
    """The items of ``briefing`` that ``field`` scores (``quote_speakers``: the direct quotes)."""
    return list(_SPECS["quotes" if field == "quote_speakers" else field].items(briefing))


def item_anchor(item: Any) -> str:
    """The text an item is known by in a diff: a quote's words, a name, a force, an incident's cue."""
    for attr in ("text", "name", "force", "cue"):
        value = getattr(item, attr, None)
        if isinstance(value, Mention):
            return " ".join(value.value.split())
    return type(item).__name__


def score_briefing(predicted: Briefing, gold: Briefing, *, article_id: str = "") -> ArticleScore:
    """Score one predicted briefing against its gold, field by field."""
    scores = {name: _score_field(name, spec, predicted, gold) for name, spec in _SPECS.items()}
    scores["quote_speakers"] = _speaker_field(scores["quotes"], predicted, gold)
    return ArticleScore(article_id=article_id, fields=tuple(scores[name] for name in FIELDS))


def _macro(active: Sequence[_Tally]) -> dict[str, float]:
    n = len(active)
    return {
        "macro_precision": sum(f.precision for f in active) / n if n else 1.0,
        "macro_recall": sum(f.recall for f in active) / n if n else 1.0,
        "macro_f1": sum(f.f1 for f in active) / n if n else 1.0,
    }


def _summarise_sub(name: str, rows: list[SubfieldScore]) -> SubfieldSummary:
    active = [r for r in rows if r.gold or r.predicted]
    return SubfieldSummary(
        field=name,
        gold=sum(r.gold for r in rows),
        predicted=sum(r.predicted for r in rows),
        tp=sum(r.tp for r in rows),
        matched=sum(r.matched for r in rows),
        articles=len(active),
        **_macro(active),
    )


def summarise_field(name: str, per_article: Sequence[FieldScore]) -> FieldSummary:
    """One field over articles: micro (summed counts) and macro (mean over active articles) scores.

    Uses only the counts of each :class:`FieldScore` (not its matches), so scores read back
    from a run file (:mod:`summarizer.evalrun`) aggregate the same way.
    """
    active = [f for f in per_article if f.gold or f.predicted]
    attrs: dict[str, tuple[int, int]] = {}
    subs: dict[str, list[SubfieldScore]] = {}
    for f in per_article:
        for a in f.attributes:
            c, t = attrs.get(a.name, (0, 0))
            attrs[a.name] = (c + a.correct, t + a.total)
        for sf in f.subfields:
            subs.setdefault(sf.field, []).append(sf)
    return FieldSummary(
        field=name,
        gold=sum(f.gold for f in per_article),
        predicted=sum(f.predicted for f in per_article),
        tp=sum(f.tp for f in per_article),
        articles=len(active),
        **_macro(active),
        attributes=tuple(AttributeScore(name=k, correct=c, total=t) for k, (c, t) in attrs.items()),
        subfields=tuple(_summarise_sub(k, rows) for k, rows in subs.items()),
    )


def score_many(results: Iterable[tuple[str, Briefing, Briefing]]) -> EvalReport:
    """Score ``(article_id, predicted, gold)`` triples; micro and macro averages per field."""
    articles = tuple(score_briefing(p, g, article_id=i) for i, p, g in results)
    fields = tuple(summarise_field(name, [a.field(name) for a in articles]) for name in FIELDS)
    return EvalReport(articles=articles, fields=fields)


# --------------------------------------------------------------------------- rendering


def render_markdown(report: EvalReport, *, per_article: bool = False, subfields: bool = False) -> str:
    """The report as Markdown tables: P/R/F1 per field, then attribute accuracies (or, with
    ``subfields``, P/R/F1 and accuracy per sub-field)."""
    lines = [
        f"Articles: {len(report.articles)}; items paired one-to-one, similarity cut-off {CUTOFF}.",
        "",
        "| field | gold | predicted | matched | P | R | F1 | macro P | macro R | macro F1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for f in report.fields:
        lines.append(
            f"| {FIELD_LABELS[f.field]} | {f.gold} | {f.predicted} | {f.tp} | {f.precision:.2f} | {f.recall:.2f} "
            f"| {f.f1:.2f} | {f.macro_precision:.2f} | {f.macro_recall:.2f} | {f.macro_f1:.2f} |"
        )
    if subfields:
        lines += ["", *_subfield_lines(report)]
    else:
        lines += [
            "",
            "| field | attribute (over matched pairs) | correct | of | accuracy |",
            "|---|---|---:|---:|---:|",
        ]
        for f in report.fields:
            for a in f.attributes:
                lines.append(f"| {FIELD_LABELS[f.field]} | {a.name} | {a.correct} | {a.total} | {a.accuracy:.2f} |")
    if per_article:
        lines += ["", "| article | " + " | ".join(FIELD_LABELS[n] + " F1" for n in FIELDS) + " |"]
        lines.append("|---|" + "---:|" * len(FIELDS))
        for art in report.articles:
            cells = " | ".join(f"{f.f1:.2f} ({f.tp}/{f.gold}/{f.predicted})" for f in art.fields)
            lines.append(f"| {art.article_id} | {cells} |")
        lines.append("")
        lines.append("Cells: F1 (matched / gold / predicted).")
    return "\n".join(lines) + "\n"


def _subfield_lines(report: EvalReport) -> list[str]:
    lines = [
        "| sub-field | gold | predicted | agreed | P | R | F1 | macro F1 | accuracy (of matched) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for f in report.fields:
        for s in f.subfields:
            lines.append(
                f"| {SUBFIELD_LABELS[s.field]} | {s.gold} | {s.predicted} | {s.tp} | {s.precision:.2f} "
                f"| {s.recall:.2f} | {s.f1:.2f} | {s.macro_f1:.2f} | {s.accuracy:.2f} ({s.tp}/{s.matched}) |"
            )
    return lines
