"""The data model of a briefing: every value a user might act on carries its spans.

A *span* is a half-open ``[start, end)`` pair of offsets into the exact string the
caller passed, the text found there, and how it was found (its match status). An
evidence-bearing value (:class:`Mention`, :class:`Quantity`, :class:`DateValue`)
holds the typed value plus one or more spans that support it. Engines may emit
spans that only carry ``text`` (status ``unlocated``); :func:`summarizer.locate.ground`
finds them in the source and fills the offsets.

This module imports nothing of ours; ``schemas/briefing.schema.json`` is generated
from it (``python -m summarizer.schema``) and a test fails when the file drifts.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "1.0"

__all__ = [
    "ITEM_KINDS",
    "SCHEMA_VERSION",
    "ActorKind",
    "Briefing",
    "Coverage",
    "CoverageItem",
    "DatePrecision",
    "DateValue",
    "DroppedItem",
    "EventType",
    "Evidence",
    "Incident",
    "IncidentSubType",
    "Issue",
    "ItemKind",
    "Location",
    "LocationKind",
    "MatchStatus",
    "Meeting",
    "Mention",
    "Participant",
    "ParticipantRole",
    "Position",
    "PositionStatus",
    "Provenance",
    "Quantity",
    "QuantityQualifier",
    "Quote",
    "QuoteKind",
    "Severity",
    "SourceInfo",
    "Span",
    "SummaryPoint",
    "TokenUsage",
    "ValidationReport",
    "check_bounds",
    "issue_codes_table",
    "model_json_schema",
    "schema_text",
    "text_sha256",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- spans


class MatchStatus(StrEnum):
    """How a span was found in the source."""

    EXACT = "exact"  # the evidence string occurs verbatim
    NORMALIZED = "normalized"  # equal after NFKC, quote marks, dashes, whitespace, case, digit commas
    FUZZY = "fuzzy"  # within a bounded edit distance of a source substring
    UNLOCATED = "unlocated"  # not found: no offsets, never a guessed one


class Span(_Frozen):
    """A half-open ``[start, end)`` slice of the source string, with the text found there.

    ``start`` / ``end`` are ``None`` exactly when ``status`` is ``unlocated``; then
    ``text`` is the evidence string as the engine gave it.
    """

    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    text: str
    status: MatchStatus = MatchStatus.UNLOCATED

    @model_validator(mode="after")
    def _consistent(self) -> Span:
        located = self.start is not None and self.end is not None
        if (self.start is None) != (self.end is None):
            raise ValueError("span: start and end must both be set or both be null")
        if located and self.status is MatchStatus.UNLOCATED:
            raise ValueError("span: an unlocated span has no offsets")
        if not located and self.status is not MatchStatus.UNLOCATED:
            raise ValueError(f"span: status {self.status.value!r} needs start and end")
        if located and self.start is not None and self.end is not None and self.start > self.end:
            raise ValueError(f"span: start {self.start} is after end {self.end}")
        return self

    @property
    def located(self) -> bool:
        return self.start is not None

    @classmethod
    def unlocated(cls, text: str) -> Span:
        return cls(text=text)


class Evidence(_Model):
    """Base of every evidence-bearing value: the spans of the source that support it."""

    spans: list[Span] = Field(default_factory=list)


class Mention(Evidence):
    """A name, place, organisation, phrase or verbatim text, with its spans."""

    value: str = Field(min_length=1)


class QuantityQualifier(StrEnum):
    EXACT = "exact"  # "14 killed"
    APPROXIMATE = "approximate"  # "about 20", "some 300"
    RANGE = "range"  # "five or six", "two to three", "5-6"
    AT_LEAST = "at_least"  # "at least 14"
    MORE_THAN = "more_than"  # "more than 14", "over 14"
    AT_MOST = "at_most"  # "up to 14", "at most 14"
    LESS_THAN = "less_than"  # "fewer than 14", "under 14"
    VAGUE = "vague"  # "dozens", "hundreds of families": a conservative lower bound


class Quantity(Evidence):
    """A counted or measured value as the source states it.

    ``low`` / ``high`` bound it (``None`` when open), ``best`` is the single
    estimate where the source gives one. "five or six kilometer" is
    ``low=5, high=6, best=None, qualifier=range, unit="km"``; "hundreds of families"
    is ``low=100, qualifier=vague``; "at least 14" is ``low=14, qualifier=at_least``.
    """

    low: float | None = None
    high: float | None = None
    best: float | None = None
    qualifier: QuantityQualifier = QuantityQualifier.EXACT
    unit: str | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Quantity:
        check_bounds(self.low, self.high, self.best)
        return self


def text_sha256(text: str) -> str:
    """sha256 of the UTF-8 bytes of ``text``: how a briefing, a cache entry and a run file name their source."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_bounds(low: float | None, high: float | None, best: float | None) -> None:
    """A quantity states at least one number, and its low bound is not above its high one."""
    if low is None and high is None and best is None:
        raise ValueError("quantity: give at least one of low, high, best")
    if low is not None and high is not None and low > high:
        raise ValueError(f"quantity: low {low} is above high {high}")


class DatePrecision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class DateValue(Evidence):
    """A date as the source states it, resolved against the article date where needed.

    ``date`` is ``None`` when the calendar date is unresolved: the source gives a date
    relative to the article ("on Tuesday", "yesterday") or one without a year ("Oct. 25")
    and no article date is known. Its spans still hold what the source says.
    """

    date: _dt.date | None = Field(description="the calendar date; null when unresolved (no article date known)")
    precision: DatePrecision = DatePrecision.DAY


# --------------------------------------------------------------------------- items


class ActorKind(StrEnum):
    PERSON = "person"
    COUNTRY = "country"
    ORGANISATION = "organisation"
    ARMED_GROUP = "armed_group"
    OTHER = "other"


class ParticipantRole(StrEnum):
    HOST = "host"
    CHAIR = "chair"
    ATTENDEE = "attendee"
    GUEST = "guest"
    MEDIATOR = "mediator"
    UNKNOWN = "unknown"


class Participant(_Model):
    """One party to a meeting: a person, a country or an organisation."""

    name: Mention
    kind: ActorKind = ActorKind.OTHER
    title: Mention | None = None
    represents: Mention | None = None
    role: ParticipantRole = ParticipantRole.ATTENDEE


class Meeting(_Model):
    """A consultation (meet, host, talks, summit, conference) and all its parties."""

    cue: Mention
    location: Mention | None = None
    date: DateValue | None = None
    topic: Mention | None = None
    participants: list[Participant] = Field(default_factory=list)


class QuoteKind(StrEnum):
    DIRECT = "direct"  # verbatim, inside quotation marks
    INDIRECT = "indirect"  # reported speech: "he said NATO would expand ..."


class Quote(_Model):
    """Something a source said. A direct quote's ``text`` is verbatim source text."""

    text: Mention
    kind: QuoteKind = QuoteKind.DIRECT
    speaker: Mention
    speaker_kind: ActorKind = ActorKind.PERSON
    speaker_title: Mention | None = None
    cue: Mention | None = None
    addressee: Mention | None = None


class PositionStatus(StrEnum):
    ADVANCING = "advancing"
    HOLDING = "holding"
    CONTESTED = "contested"
    WITHDRAWN = "withdrawn"
    CAPTURED = "captured"
    PREPARING = "preparing"
    UNKNOWN = "unknown"


class Position(_Model):
    """A front-line position: who, where, toward what, how far, and in what state."""

    force: Mention
    location: Mention | None = None
    objective: Mention | None = None
    distance: Quantity | None = None
    direction: Mention | None = None
    status: PositionStatus = PositionStatus.UNKNOWN
    status_cue: Mention | None = None
    as_of: DateValue | None = None
    claimed_by: Mention | None = None


class EventType(StrEnum):
    """ACLED-like event types."""

    BATTLES = "battles"
    EXPLOSIONS_REMOTE_VIOLENCE = "explosions_remote_violence"
    VIOLENCE_AGAINST_CIVILIANS = "violence_against_civilians"
    PROTESTS = "protests"
    RIOTS = "riots"
    STRATEGIC_DEVELOPMENTS = "strategic_developments"


class IncidentSubType(StrEnum):
    ARMED_CLASH = "armed_clash"
    GOVERNMENT_REGAINS_TERRITORY = "government_regains_territory"
    NON_STATE_ACTOR_OVERTAKES_TERRITORY = "non_state_actor_overtakes_territory"
    AIR_STRIKE = "air_strike"
    SUICIDE_BOMB = "suicide_bomb"
    SHELLING = "shelling"
    REMOTE_EXPLOSIVE = "remote_explosive"
    ATTACK = "attack"
    ABDUCTION = "abduction"
    DISPLACEMENT = "displacement"
    PROTEST = "protest"
    RIOT = "riot"
    OTHER = "other"


class Incident(_Model):
    """A violent or strategic event, coded ACLED-like, with its counts as quantities."""

    event_type: EventType
    sub_type: IncidentSubType = IncidentSubType.OTHER
    cue: Mention
    location: Mention | None = None
    date: DateValue | None = None
    actors: list[Mention] = Field(default_factory=list)
    count: Quantity | None = None
    fatalities: Quantity | None = None
    injured: Quantity | None = None
    affected: Quantity | None = None
    reported_by: Mention | None = None


class LocationKind(StrEnum):
    CITY = "city"
    TOWN = "town"
    REGION = "region"
    COUNTRY = "country"
    OTHER = "other"


class Location(_Model):
    name: Mention
    kind: LocationKind = LocationKind.OTHER


class SummaryPoint(Evidence):
    """A summary bullet in the engine's words, with the spans it rests on."""

    text: str = Field(min_length=1)


# --------------------------------------------------------------------------- report


class Severity(StrEnum):
    ERROR = "error"  # the value is not supported by the source
    WARNING = "warning"  # plausible but not proven (e.g. no cue for an enum choice)
    INFO = "info"  # a note (e.g. speaker resolved through a pronoun)


class IssueCode(StrEnum):
    """What the validator found, one code per kind of finding (described in :data:`ISSUE_CODES`)."""

    NO_EVIDENCE = "no_evidence"
    UNLOCATED = "unlocated"
    SPAN_TEXT_MISMATCH = "span_text_mismatch"
    SOURCE_MISMATCH = "source_mismatch"
    VALUE_NOT_IN_SPAN = "value_not_in_span"
    QUOTE_NOT_VERBATIM = "quote_not_verbatim"
    NOT_IN_QUOTATION_MARKS = "not_in_quotation_marks"
    SPEAKER_NOT_NEAR = "speaker_not_near"
    SPEAKER_MISMATCH = "speaker_mismatch"
    CUE_NOT_NEAR = "cue_not_near"
    QUANTITY_MISMATCH = "quantity_mismatch"
    DATE_MISMATCH = "date_mismatch"
    FAR_FROM_ITEM = "far_from_item"
    FUZZY_MATCH = "fuzzy_match"
    QUALIFIER_MISMATCH = "qualifier_mismatch"
    UNIT_NOT_IN_SPAN = "unit_not_in_span"
    ENUM_WITHOUT_CUE = "enum_without_cue"
    DATE_UNRESOLVED = "date_unresolved"
    RELATED_FAR = "related_far"
    NAMED_BY_DESCRIPTION = "named_by_description"
    SPEAKER_AMBIGUOUS = "speaker_ambiguous"
    SPEAKER_UNATTRIBUTED = "speaker_unattributed"
    SPEAKER_VIA_PRONOUN = "speaker_via_pronoun"


# Each code's severity and meaning: the one place they are described (the validator's docs table
# is generated from it, and a test checks that every code has an entry).
ISSUE_CODES: dict[IssueCode, tuple[Severity, str]] = {
    IssueCode.NO_EVIDENCE: (Severity.ERROR, "a value with no span"),
    IssueCode.UNLOCATED: (Severity.ERROR, "an evidence string that was not found in the source"),
    IssueCode.SPAN_TEXT_MISMATCH: (Severity.ERROR, "``source[start:end]`` is not the span's text"),
    IssueCode.SOURCE_MISMATCH: (Severity.ERROR, "the briefing was made from another text (sha256)"),
    IssueCode.VALUE_NOT_IN_SPAN: (Severity.ERROR, "a name, place or phrase its span does not contain"),
    IssueCode.QUOTE_NOT_VERBATIM: (Severity.ERROR, "a direct quote that differs from the source's words"),
    IssueCode.NOT_IN_QUOTATION_MARKS: (Severity.ERROR, 'a "direct quote" that is not inside quotation marks'),
    IssueCode.SPEAKER_NOT_NEAR: (Severity.ERROR, "the speaker is not named near the quote"),
    IssueCode.SPEAKER_MISMATCH: (
        Severity.ERROR,
        'the source gives the quote to someone else: its cue\'s subject ("said X", "X told AFP"), '
        'the person its "he said" continues, or the speaker of the quote before it that it continues',
    ),
    IssueCode.CUE_NOT_NEAR: (Severity.ERROR, 'the cue ("said", "told AFP") is not beside the quote'),
    IssueCode.QUANTITY_MISMATCH: (Severity.ERROR, "low / high / best differ from the numbers in the span"),
    IssueCode.DATE_MISMATCH: (Severity.ERROR, "the date differs from what the span says"),
    IssueCode.FAR_FROM_ITEM: (Severity.ERROR, "a date or figure taken from another part of the article"),
    IssueCode.FUZZY_MATCH: (Severity.WARNING, "evidence matched the source only approximately"),
    IssueCode.QUALIFIER_MISMATCH: (Severity.WARNING, "the qualifier (at least, about, range) differs from the span's"),
    IssueCode.UNIT_NOT_IN_SPAN: (Severity.WARNING, "the unit does not appear in the span"),
    IssueCode.ENUM_WITHOUT_CUE: (
        Severity.WARNING,
        "an enum choice (incident type, position status) with no cue word near the item",
    ),
    IssueCode.DATE_UNRESOLVED: (
        Severity.WARNING,
        'a relative date ("on Tuesday") with no article date to resolve it: kept, its calendar date unresolved',
    ),
    IssueCode.RELATED_FAR: (
        Severity.WARNING,
        "a date or figure from a nearby part of the article, not the item's own sentence",
    ),
    IssueCode.NAMED_BY_DESCRIPTION: (
        Severity.WARNING,
        'the source refers to the person by a description ("the minister"), not by name',
    ),
    IssueCode.SPEAKER_AMBIGUOUS: (
        Severity.WARNING,
        'the text allows the speaker and someone else: a pronoun after two people, "the 45-year-old"',
    ),
    IssueCode.SPEAKER_UNATTRIBUTED: (
        Severity.WARNING,
        "nothing gives a direct quote to anyone; the speaker is only named beside it",
    ),
    IssueCode.SPEAKER_VIA_PRONOUN: (Severity.INFO, "the speaker was resolved through a pronoun"),
}


def issue_codes_table() -> str:
    """The codes as a reStructuredText table (code, severity, meaning), for the validator's docs."""
    rows = [(f"``{code.value}``", sev.value, text) for code, (sev, text) in ISSUE_CODES.items()]
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    rule = f"{'=' * widths[0]}  {'=' * widths[1]}  {'=' * 60}"
    lines = [rule, f"{'code':<{widths[0]}}  {'severity':<{widths[1]}}  meaning", rule]
    lines += [f"{c:<{widths[0]}}  {s:<{widths[1]}}  {t}" for c, s, t in rows]
    return "\n".join([*lines, rule])


class Issue(_Frozen):
    """One finding of the validator, about one field."""

    code: IssueCode
    severity: Severity
    path: str
    message: str
    start: int | None = None
    end: int | None = None


class CoverageItem(_Frozen):
    """Something the source contains that the briefing does not cover."""

    kind: Literal["quote", "figure", "date"]
    start: int
    end: int
    text: str


class Coverage(_Frozen):
    found: int = 0
    covered: int = 0
    missing: tuple[CoverageItem, ...] = ()

    @property
    def rate(self) -> float:
        return 1.0 if self.found == 0 else self.covered / self.found


class ValidationReport(_Frozen):
    """What the validator found. Frozen; the briefing it describes is never changed."""

    source_sha256: str
    issues: tuple[Issue, ...] = ()
    fields_checked: int = 0
    fields_verified: int = 0
    coverage: Coverage | None = None
    # About the answer as a whole, added by the verification step (``summarizer.verify``): e.g.
    # that the model returned nothing for an article with quotations, or that a re-ask failed.
    notes: tuple[str, ...] = ()

    @property
    def grounding_rate(self) -> float:
        """Share of checked fields that passed every error-level check."""
        return 1.0 if self.fields_checked == 0 else self.fields_verified / self.fields_checked

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        return not self.errors

    def for_path(self, prefix: str) -> tuple[Issue, ...]:
        """Issues whose path is ``prefix`` or lies below it."""
        return tuple(i for i in self.issues if i.path == prefix or i.path.startswith((prefix + ".", prefix + "[")))


# --------------------------------------------------------------------------- briefing


class SourceInfo(_Model):
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    length: int = Field(ge=0, description="length of the source in characters (code points)")
    title: Mention | None = None
    dateline: Mention | None = None
    article_date: _dt.date | None = None
    # Where ``article_date`` came from: the caller (``date=``, ``--date``, metadata) or the article's
    # dateline ("PARIS, Nov. 2 (Reuters) -", its year from the briefing day); None when no date is known.
    article_date_source: Literal["given", "dateline"] | None = None

    @classmethod
    def of(cls, text: str, *, article_date: _dt.date | None = None) -> SourceInfo:
        """The source metadata of ``text`` (sha256 of its UTF-8 bytes, length in code points)."""
        return cls(sha256=text_sha256(text), length=len(text), article_date=article_date)


class TokenUsage(_Model):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class DroppedItem(_Frozen):
    """An item removed because it could not be verified, and why."""

    path: str
    reason: str


class Provenance(_Model):
    engine: Literal["llm", "rules", "gold"]
    model: str | None = None
    endpoint_host: str | None = None
    prompt_id: str | None = None
    schema_version: str = SCHEMA_VERSION
    created_at: _dt.datetime | None = None
    attempts: int = 0
    reasks: int = 0
    usage: TokenUsage = Field(default_factory=TokenUsage)
    cached: bool = False
    dropped: list[DroppedItem] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


_PATH_TOKEN = re.compile(r"([A-Za-z_]+)|\[(\d+)\]")


@dataclass(frozen=True, slots=True)
class ItemKind:
    """One kind of briefing item, described once; every part of the library reads it from here.

    ``name`` is the list field of the briefing (``"quotes"``) and ``model`` its item model;
    ``anchor`` names the field whose first span identifies an item (two chunks of a long
    article that report the same item share it), and ``same_by`` says how two anchors are
    compared: ``"span"`` (overlapping spans) or ``"value"`` (the same value, e.g. a place
    named in both chunks); ``heading`` is the section title in reports. Renderers
    (:mod:`summarizer.render`), draft models (:mod:`summarizer.engines.llm.draft`) and
    scoring (:mod:`summarizer.evals`) look kinds up by ``name``; tests check each has its entry.
    """

    name: str
    model: type[BaseModel]
    anchor: str | None
    heading: str
    same_by: Literal["span", "value"] = "span"


ITEM_KINDS: tuple[ItemKind, ...] = (
    ItemKind("meetings", Meeting, "cue", "Meetings"),
    ItemKind("quotes", Quote, "text", "Quotes"),
    ItemKind("front_lines", Position, "force", "Front lines"),
    ItemKind("incidents", Incident, "cue", "Incidents"),
    ItemKind("locations", Location, "name", "Places", same_by="value"),
    ItemKind("summary", SummaryPoint, None, "Summary"),
)
_SOURCE_FIELDS = ("title", "dateline")  # evidence-bearing fields of the source, dropped like item fields


class Briefing(_Model):
    """A structured briefing of one article. Every value carries spans of the source."""

    schema_version: str = SCHEMA_VERSION
    source: SourceInfo
    meetings: list[Meeting] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    front_lines: list[Position] = Field(default_factory=list)
    incidents: list[Incident] = Field(default_factory=list)
    locations: list[Location] = Field(default_factory=list)
    summary: list[SummaryPoint] = Field(default_factory=list)
    provenance: Provenance | None = None
    validation: ValidationReport | None = None

    # The kinds of item this briefing holds, in order. A subclass that adds a list field adds its
    # kind here (tests/test_item_kinds.py shows a new kind end to end).
    item_kinds: ClassVar[tuple[ItemKind, ...]] = ITEM_KINDS

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        missing = [k.name for k in cls.item_kinds if k.name not in cls.model_fields]
        if missing:
            raise TypeError(f"{cls.__name__}.item_kinds names fields the model lacks: {missing}")

    @classmethod
    def item_kind(cls, name: str) -> ItemKind:
        for kind in cls.item_kinds:
            if kind.name == name:
                return kind
        raise KeyError(f"{cls.__name__} has no item kind {name!r}")

    def verified(self, report: ValidationReport | None = None) -> Briefing:
        """A copy that keeps only what passed validation.

        An error on a required field drops its item (a quote, an incident, a
        participant); an error on an optional field clears that field. The
        dropped paths are listed in ``provenance.dropped``. ``self`` is unchanged.
        """
        report = report if report is not None else self.validation
        if report is None:
            raise ValueError("verified(): no validation report; run summarizer.validate first")
        data = self.model_dump(mode="python")
        dropped: list[DroppedItem] = []
        removals: dict[tuple[Any, ...], str] = {}
        for issue in report.errors:
            target = _removal_target(self, issue.path)
            if target is not None and target not in removals:
                removals[target] = f"{issue.code}: {issue.message}"
        # Remove list elements from the highest index down so indices stay valid.
        for target in sorted(removals, key=_removal_order, reverse=True):
            _apply_removal(data, target)
            dropped.append(DroppedItem(path=_format_path(target), reason=removals[target]))
        out = type(self).model_validate(data)
        prov = out.provenance or Provenance(engine="gold")
        if out.provenance is not None or dropped:
            prov = prov.model_copy(update={"dropped": [*prov.dropped, *sorted(dropped, key=lambda d: d.path)]})
            out = out.model_copy(update={"provenance": prov})
        return out.model_copy(update={"validation": report})

    def items(self) -> list[tuple[str, BaseModel]]:
        """Every top-level item with its path, e.g. ``("quotes[2]", Quote(...))``."""
        out: list[tuple[str, BaseModel]] = []
        for kind in self.item_kinds:
            for i, item in enumerate(getattr(self, kind.name)):
                out.append((f"{kind.name}[{i}]", item))
        return out


def _parse_path(path: str) -> list[str | int]:
    return [name if name else int(idx) for name, idx in _PATH_TOKEN.findall(path)]


def _removal_target(briefing: Briefing, path: str) -> tuple[Any, ...] | None:
    """Decide what to remove for an error at ``path``: an optional field or a list element."""
    parts = _parse_path(path)
    if len(parts) >= 2 and parts[0] == "source" and parts[1] in _SOURCE_FIELDS:
        return ("source", parts[1], None)  # a title / dateline that failed: cleared
    if not parts or parts[0] not in {k.name for k in briefing.item_kinds}:
        return None  # e.g. "source.sha256": nothing to drop, the briefing is of another text
    node: Any = briefing
    last_list_elem: tuple[Any, ...] | None = None
    for depth, part in enumerate(parts):
        if isinstance(part, int):
            last_list_elem = tuple(parts[: depth + 1])
            node = node[part]
            continue
        field = type(node).model_fields.get(part) if isinstance(node, BaseModel) else None
        if field is None:
            break
        if depth > 0 and not field.is_required() and field.default is None:
            # An optional field (e.g. quotes[0].addressee): clear it, keep the item.
            return (*parts[:depth], part, None)
        node = getattr(node, part)
        if depth > 0 and isinstance(node, list) and part == "spans":
            break
    return last_list_elem


def _removal_order(target: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((0, p) if isinstance(p, str) else (1, p) for p in target if p is not None)


def _apply_removal(data: dict[str, Any], target: tuple[Any, ...]) -> None:
    node: Any = data
    if target[-1] is None:  # clear an optional field
        *head, name, _ = target
        for p in head:
            node = node[p]
        node[name] = None
        return
    *head, index = target
    for p in head:
        node = node[p]
    del node[index]


def _format_path(target: tuple[Any, ...]) -> str:
    out = ""
    for p in target:
        if p is None:
            continue
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


def model_json_schema(model: type[BaseModel], name: str, version: str) -> dict[str, Any]:
    """A model's JSON Schema as the contract files in ``schemas/`` hold it (``$id`` names it and its version)."""
    schema = model.model_json_schema()
    schema["$id"] = f"https://summarizer.invalid/schemas/{name}-{version}.schema.json"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def schema_text(schema: dict[str, Any]) -> str:
    """A schema as committed: sorted keys, two-space indent, a final newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`Briefing`, as exported to ``schemas/``."""
    return model_json_schema(Briefing, "briefing", SCHEMA_VERSION)


def json_schema_text() -> str:
    return schema_text(json_schema())


def write_json_schema(directory: Path) -> Path:
    path = directory / "briefing.schema.json"
    path.write_text(json_schema_text(), encoding="utf-8")
    return path


if __name__ == "__main__":  # python -m summarizer.schema [DIR]: both contracts, briefing and daily
    import sys

    from summarizer.daily import write_daily_json_schema  # the daily briefing builds on this module

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "schemas"
    print(write_json_schema(target))
    print(write_daily_json_schema(target))
