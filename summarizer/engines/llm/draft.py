"""What the model fills: values plus the verbatim words of the article that support them.

A :class:`Draft` carries no offsets. :func:`to_briefing` turns it into a
:class:`~summarizer.schema.Briefing` whose spans are ``Span.unlocated(evidence)``;
:func:`summarizer.locate.ground` then finds them in the source. The model never
computes offsets, and nothing it says is taken as verified before the validator ran.

The JSON Schema sent to the model is kept lean: no per-field titles, short
descriptions only where the rule matters ("verbatim").
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, get_args, get_origin

from instructor import ResponseSchema
from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode

from ...schema import (
    ActorKind,
    Briefing,
    DatePrecision,
    DateValue,
    EventType,
    Evidence,
    Incident,
    IncidentSubType,
    Location,
    LocationKind,
    Meeting,
    Mention,
    Participant,
    ParticipantRole,
    Position,
    PositionStatus,
    Quantity,
    QuantityQualifier,
    Quote,
    QuoteKind,
    SourceInfo,
    SummaryPoint,
    check_bounds,
)

__all__ = [
    "DRAFTS",
    "ITEM_LISTS",
    "Draft",
    "DraftBase",
    "IncidentDraft",
    "LocationDraft",
    "MeetingDraft",
    "Num",
    "ParticipantDraft",
    "PointDraft",
    "PositionDraft",
    "QuoteDraft",
    "Ref",
    "When",
    "derive_draft",
    "draft_from_briefing",
    "draft_item",
    "draft_model",
    "repair_model",
    "schema_hash",
    "to_briefing",
]

VERBATIM = "verbatim words copied from the article"


class _Lean(GenerateJsonSchema):
    """JSON Schema without per-field titles: fewer prompt tokens, same contract."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


class _D(ResponseSchema):
    # Subclassing instructor's ResponseSchema matters: instructor 1.17 wraps any other
    # model in a fresh create_model() subclass on every request, which rebuilds the
    # model and its JSON Schema each time (~20 ms for a Draft).
    model_config = ConfigDict(extra="ignore")

    @classmethod
    def model_json_schema(
        cls,
        by_alias: bool | None = True,
        ref_template: str = "#/$defs/{model}",
        schema_generator: type[GenerateJsonSchema] = _Lean,
        mode: JsonSchemaMode = "validation",
        **kwargs: Any,
    ) -> dict[str, Any]:
        # Generating a schema costs milliseconds; the engine and instructor ask for it on
        # every request. Memoised per class and arguments; callers get their own copy.
        key = (cls, by_alias, ref_template, schema_generator, mode, tuple(sorted(kwargs.items())))
        cached = _SCHEMAS.get(key)
        if cached is None:
            schema = super().model_json_schema(by_alias, ref_template, schema_generator, mode, **kwargs)
            cached = _SCHEMAS[key] = json.dumps(schema)
        return dict(json.loads(cached))  # a fresh copy, ten times cheaper than copy.deepcopy


_SCHEMAS: dict[tuple[Any, ...], str] = {}


def _blank_to_none(v: object) -> object:
    return None if isinstance(v, str) and not v.strip() else v


class Ref(_D):
    """A name, place or phrase."""

    value: str = Field(min_length=1, description="the name as you would write it in full")
    evidence: str | None = Field(default=None, description=f"{VERBATIM}; omit when identical to value")

    _blank = field_validator("evidence", mode="before")(_blank_to_none)


class Num(_D):
    """A number as the article states it."""

    evidence: str = Field(min_length=1, description=f"{VERBATIM}, e.g. 'five or six kilometer'")
    low: float | None = None
    high: float | None = None
    best: float | None = None
    qualifier: QuantityQualifier = QuantityQualifier.EXACT
    unit: str | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Num:
        check_bounds(self.low, self.high, self.best)
        return self


class When(_D):
    """A date as the article states it, resolved to a calendar date where the article date allows."""

    evidence: str = Field(min_length=1, description=f"{VERBATIM}, e.g. 'Oct. 25'")
    date: dt.date | None = Field(description="the calendar date; null when the article date is unknown")
    precision: DatePrecision = DatePrecision.DAY


class ParticipantDraft(_D):
    name: Ref
    kind: ActorKind = ActorKind.OTHER
    title: Ref | None = None
    represents: Ref | None = None
    role: ParticipantRole = ParticipantRole.ATTENDEE


class MeetingDraft(_D):
    cue: str = Field(min_length=1, description=VERBATIM)
    location: Ref | None = None
    date: When | None = None
    topic: Ref | None = None
    participants: list[ParticipantDraft] = Field(default_factory=list)


class QuoteDraft(_D):
    text: str = Field(min_length=1, description="direct: the exact words inside the quotation marks")
    kind: QuoteKind = QuoteKind.DIRECT
    speaker: Ref
    speaker_kind: ActorKind = ActorKind.PERSON
    speaker_title: Ref | None = None
    cue: str | None = Field(default=None, description=f"{VERBATIM}, e.g. 'said', 'told AFP'")
    addressee: Ref | None = None

    _blank = field_validator("cue", mode="before")(_blank_to_none)


class PositionDraft(_D):
    force: Ref
    location: Ref | None = None
    objective: Ref | None = None
    distance: Num | None = None
    direction: Ref | None = None
    status: PositionStatus = PositionStatus.UNKNOWN
    status_cue: str | None = Field(default=None, description=VERBATIM)
    as_of: When | None = None
    claimed_by: Ref | None = None

    _blank = field_validator("status_cue", mode="before")(_blank_to_none)


class IncidentDraft(_D):
    event_type: EventType
    sub_type: IncidentSubType = IncidentSubType.OTHER
    cue: str = Field(min_length=1, description=VERBATIM)
    location: Ref | None = None
    date: When | None = None
    actors: list[Ref] = Field(default_factory=list)
    count: Num | None = None
    fatalities: Num | None = None
    injured: Num | None = None
    affected: Num | None = None
    reported_by: Ref | None = None


class LocationDraft(_D):
    name: Ref
    kind: LocationKind = LocationKind.OTHER


class PointDraft(_D):
    text: str = Field(min_length=1, description="one summary sentence in your words")
    evidence: list[str] = Field(default_factory=list, description=f"{VERBATIM} that support it")


class DraftBase(_D):
    """A briefing of the article. Every string marked verbatim must be copied exactly from it."""

    # Every field has a default: with unknown keys ignored, any JSON object would parse as an
    # empty draft (a wrapped answer, a stray inner object). See :mod:`.answers`.
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, description=VERBATIM)
    dateline: str | None = Field(default=None, description=VERBATIM)

    _blank = field_validator("title", "dateline", mode="before")(_blank_to_none)

    # The list field of each item kind and its draft item model; the briefing class it drafts.
    ITEM_TYPES: ClassVar[dict[str, type[_D]]] = {}
    BRIEFING: ClassVar[type[Briefing]] = Briefing


# The draft of each item model, written by hand where the model needs words of its own (field
# descriptions, what "verbatim" means there). An item model without an entry gets a draft
# derived from its fields (:func:`derive_draft`): a new item kind needs no draft of its own.
DRAFTS: dict[type[BaseModel], type[_D]] = {
    Meeting: MeetingDraft,
    Participant: ParticipantDraft,
    Quote: QuoteDraft,
    Position: PositionDraft,
    Incident: IncidentDraft,
    Location: LocationDraft,
    SummaryPoint: PointDraft,
}


@functools.cache
def draft_model(briefing: type[Briefing] = Briefing) -> type[DraftBase]:
    """The draft of a briefing class: ``title``, ``dateline`` and a list per item kind, in order."""
    types = {k.name: draft_item(k.model) for k in briefing.item_kinds}
    fields: dict[str, Any] = {name: (list[t], Field(default_factory=list)) for name, t in types.items()}  # type: ignore[valid-type]
    model = create_model("Draft", __base__=DraftBase, __doc__=DraftBase.__doc__, **fields)
    model.ITEM_TYPES = types
    model.BRIEFING = briefing
    return model


def draft_item(model: type[BaseModel]) -> type[_D]:
    """The draft of an item model: its hand-written one, or one derived from its fields."""
    found = DRAFTS.get(model)
    return found if found is not None else derive_draft(model)


# A Mention field under one of these names holds words copied from the article (a cue), not a name.
_VERBATIM_FIELDS = frozenset({"cue", "status_cue", "text"})


@functools.cache
def derive_draft(model: type[BaseModel]) -> type[_D]:
    """A draft for ``model``: Mention -> Ref (a cue-like field -> verbatim str), Quantity -> Num, DateValue -> When."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        required = info.is_required()
        kind = _draft_type(name, info.annotation)
        if required:
            fields[name] = (kind, Field(description=info.description))
        elif isinstance(info.default, list) or info.default_factory is list:
            fields[name] = (kind, Field(default_factory=list, description=info.description))
        else:
            fields[name] = (kind | None if info.default is None else kind, info.default)
    return create_model(f"{model.__name__}Draft", __base__=_D, **fields)


def _draft_type(name: str, annotation: Any) -> Any:
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is list:
        return list[_draft_type(name, args[0])]  # type: ignore[misc]
    if args and type(None) in args:  # X | None
        (inner,) = [a for a in args if a is not type(None)]
        return _draft_type(name, inner)
    if annotation is Mention:
        return str if name in _VERBATIM_FIELDS else Ref
    if annotation is Quantity:
        return Num
    if annotation is DateValue:
        return When
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return draft_item(annotation)
    return annotation


if TYPE_CHECKING:
    Draft = DraftBase
else:
    Draft = draft_model(Briefing)
ITEM_LISTS = tuple(Draft.ITEM_TYPES)


def schema_json(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@functools.cache
def schema_hash(model: type[BaseModel] = Draft) -> str:
    """sha256 of the model's canonical JSON Schema."""
    return hashlib.sha256(schema_json(model).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- targeted re-asks


class _Repair(_D):
    model_config = ConfigDict(extra="forbid")  # as Draft: an answer of another shape is no repair


class _Fix(_D):
    ref: str = Field(description="the ref of the item you fix, e.g. 'quotes[2]'")


@functools.cache
def repair_model(kinds: frozenset[str]) -> type[BaseModel]:
    """The answer to a targeted re-ask: corrected items of the given kinds, and withdrawn refs.

    Only the kinds that failed appear in the schema, so the re-ask carries no more
    schema than it needs.
    """
    fields: dict[str, Any] = {}
    for kind in ITEM_LISTS:
        if kind in kinds:
            base = Draft.ITEM_TYPES[kind]
            fix = create_model(f"{base.__name__.removesuffix('Draft')}Fix", __base__=(_Fix, base))
            fields[kind] = (list[fix], Field(default_factory=list))
    fields["withdrawn"] = (
        list[str],
        Field(default_factory=list, description="refs of items the article does not support"),
    )
    return create_model("Repair", __base__=_Repair, **fields)


# --------------------------------------------------------------------------- draft -> briefing


# The briefing is described as plain data and validated in one call: pydantic builds the
# ~550 objects of a 1,000-word article's briefing a third faster than one constructor
# call per object, with the same validation.

Data = dict[str, Any]


def _span(text: str) -> list[Data]:
    return [{"text": text}]  # Span.unlocated(text)


def _ref(r: Ref | None) -> Data | None:
    return None if r is None else {"value": r.value, "spans": _span(r.evidence or r.value)}


def _cue(s: str | None) -> Data | None:
    return None if s is None else {"value": s, "spans": _span(s)}


def _num(n: Num | None) -> Data | None:
    if n is None:
        return None
    return {
        "low": n.low,
        "high": n.high,
        "best": n.best,
        "qualifier": n.qualifier,
        "unit": n.unit,
        "spans": _span(n.evidence),
    }


def _when(w: When | None) -> Data | None:
    return None if w is None else {"date": w.date, "precision": w.precision, "spans": _span(w.evidence)}


def _item(draft: BaseModel, model: type[BaseModel]) -> Data:
    """The data of item ``model`` that ``draft`` describes, field by field (spans unlocated)."""
    if isinstance(draft, PointDraft):  # a summary point holds its spans itself
        return {"text": draft.text, "spans": [{"text": e} for e in draft.evidence if e.strip()]}
    return {name: _value(getattr(draft, name), model, name) for name in type(draft).model_fields}


def _value(value: Any, model: type[BaseModel], name: str) -> Any:
    if value is None:
        return None
    convert = _CONVERTERS.get(type(value))  # the common case, one look-up
    if convert is not None:
        return convert(value)
    if isinstance(value, list):
        return [_value(v, model, name) for v in value]
    if isinstance(value, Ref):
        return _ref(value)
    if isinstance(value, Num):
        return _num(value)
    if isinstance(value, When):
        return _when(value)
    if isinstance(value, str) and name in _mention_fields(model):
        return _cue(value)  # verbatim words: the value is its own evidence
    if isinstance(value, BaseModel):
        return _item(value, _item_model(model, name))
    return value


_CONVERTERS: dict[type, Callable[[Any], Data | None]] = {Ref: _ref, Num: _num, When: _when}


@functools.cache
def _mention_fields(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(n for n, f in model.model_fields.items() if Mention in (f.annotation, *get_args(f.annotation)))


@functools.cache
def _item_model(model: type[BaseModel], name: str) -> type[BaseModel]:
    """The model of field ``name`` of ``model`` (or of its list's elements)."""
    annotation = model.model_fields[name].annotation
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    raise TypeError(f"{model.__name__}.{name} holds no model")


def _mention(data: Data | None) -> Mention | None:
    return None if data is None else Mention.model_validate(data)


def to_briefing(draft: DraftBase, text: str, *, article_date: dt.date | None = None) -> Briefing:
    """The briefing a draft describes, every span unlocated (run :func:`summarizer.locate.ground` next)."""
    briefing = type(draft).BRIEFING
    source = SourceInfo.of(text, article_date=article_date)
    source = source.model_copy(
        update={"title": _mention(_cue(draft.title)), "dateline": _mention(_cue(draft.dateline))}
    )
    data: Data = {"source": source}
    for kind in briefing.item_kinds:
        data[kind.name] = [_item(d, kind.model) for d in getattr(draft, kind.name)]
    return briefing.model_validate(data)


# --------------------------------------------------------------------------- briefing -> draft


def _evidence_text(ev: Evidence | None) -> str | None:
    return None if ev is None or not ev.spans else ev.spans[0].text


def _to_ref(m: Mention | None) -> dict[str, Any] | None:
    if m is None:
        return None
    ev = _evidence_text(m)
    return {"value": m.value} if ev in (None, m.value) else {"value": m.value, "evidence": ev}


def _to_num(q: Quantity | None) -> dict[str, Any] | None:
    if q is None:
        return None
    out = q.model_dump(mode="json", exclude={"spans"}, exclude_none=True)
    out["evidence"] = _evidence_text(q) or ""
    return out


def _to_when(d: DateValue | None) -> dict[str, Any] | None:
    if d is None:
        return None
    date = d.date.isoformat() if d.date is not None else None
    return {"evidence": _evidence_text(d) or "", "date": date, "precision": d.precision.value}


_CONVERT: dict[type[BaseModel], Callable[[Any], dict[str, Any] | None]] = {
    Mention: _to_ref,
    Quantity: _to_num,
    DateValue: _to_when,
}


def _item_plain(item: BaseModel) -> dict[str, Any]:
    plain: dict[str, Any] = {}
    for name in type(item).model_fields:
        value = getattr(item, name)
        if value is None or (isinstance(value, list) and not value):
            continue
        if isinstance(value, Mention) and name in _VERBATIM_FIELDS:
            plain[name] = value.value
        elif type(value) in _CONVERT:
            plain[name] = _CONVERT[type(value)](value)
        elif isinstance(value, list):
            plain[name] = [_CONVERT[type(v)](v) if type(v) in _CONVERT else _item_plain(v) for v in value]
        elif isinstance(value, BaseModel):
            plain[name] = _item_plain(value)
        else:
            plain[name] = value.value if hasattr(value, "value") else value
    return plain


def draft_from_briefing(briefing: Briefing) -> DraftBase:
    """The draft a model would have given for ``briefing`` (evidence = each value's first span)."""
    source = briefing.source
    data: dict[str, Any] = {"title": _evidence_text(source.title), "dateline": _evidence_text(source.dateline)}
    for kind in briefing.item_kinds:
        items = getattr(briefing, kind.name)
        if kind.model is SummaryPoint:
            data[kind.name] = [{"text": p.text, "evidence": [s.text for s in p.spans]} for p in items]
        else:
            data[kind.name] = [_item_plain(it) for it in items]
    return draft_model(type(briefing)).model_validate(data)
