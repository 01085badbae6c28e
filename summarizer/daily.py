"""The daily briefing: many articles' briefings merged into one, every item keeping its sources.

:func:`merge` takes the per-article results of a run (a :class:`DailyArticle` each:
its briefing and the text its spans index into, or the error it failed with) and
builds a :class:`DailyBriefing`. The same meeting, incident or front-line position
reported by several articles becomes one item that keeps every source article and
its spans; the same quote carried by two outlets is one quote with two sources.
Figures are never averaged: where sources disagree, the item lists each source's
figure in ``conflicts`` ("3 killed (AFP) / 5 killed (Reuters)").

Sameness is decided by values, not by wording:

- meetings: the same place and date (participants are merged by normalised name);
- incidents: the same event type, place and date;
- front lines: the same force and place (status, as-of date and distance kept per source);
- quotes: the same words, ignoring case, punctuation and quotation marks;
- highlights (summary points): the same words.

An item without a place is never merged (there is nothing to tell two such items
apart). An item's date is its own, else its article's date.

What verification dropped is listed in ``dropped``; an item the validator only
warned about carries its warnings in ``flags``: both are shown by every renderer.
This module is pure: it reads briefings and builds the model, nothing else.
``schemas/daily.schema.json`` is generated from :class:`DailyBriefing`
(``python -m summarizer.schema``) and a test fails when it drifts.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import gc
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from .schema import (
    Briefing,
    DateValue,
    Incident,
    Meeting,
    Position,
    Quantity,
    QuantityQualifier,
    Quote,
    Severity,
    Span,
    SummaryPoint,
    ValidationReport,
    model_json_schema,
    schema_text,
)

__all__ = [
    "DAILY_SCHEMA_VERSION",
    "DailyArticle",
    "DailyBriefing",
    "DailyCounts",
    "DailyHighlight",
    "DailyIncident",
    "DailyMeeting",
    "DailyPosition",
    "DailyQuote",
    "DroppedMark",
    "FigureConflict",
    "FigureReport",
    "Flag",
    "ItemSource",
    "MergedName",
    "daily_json_schema",
    "daily_json_schema_text",
    "item_at",
    "merge",
    "write_daily_json_schema",
]

DAILY_SCHEMA_VERSION = "1.0"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- the model


class DailyArticle(_Model):
    """One input of the run: its briefing and text, or why it failed."""

    id: str = Field(description="the article as the user named it: a path, '<path>:<line>' or a feed id")
    ok: bool
    path: str | None = None
    line: int | None = Field(default=None, description="line number in a JSONL feed")
    title: str | None = Field(default=None, description="from the page's or feed's metadata, else the briefing's")
    url: str | None = None
    outlet: str | None = Field(default=None, description="the publisher, from metadata")
    date: _dt.date | None = None
    text: str | None = Field(default=None, description="the briefed text: every span of this article indexes into it")
    briefing: Briefing | None = None
    error: str | None = None
    error_type: str | None = None

    @property
    def label(self) -> str:
        """How an item names this article: the outlet, else the title, else the id."""
        return self.outlet or self.title or self.id


class ItemSource(_Frozen):
    """Where one article reports an item: the item's path in that article's briefing and its spans."""

    article: str = Field(description="DailyArticle.id")
    path: str = Field(description="the item in that article's briefing, e.g. 'incidents[2]'")
    spans: tuple[Span, ...] = Field(default=(), description="the spans of the item's anchor (cue, quote text, force)")


class Flag(_Frozen):
    """A validator warning on an item: kept, but not verified in full."""

    article: str
    path: str
    code: str
    message: str


class DroppedMark(_Frozen):
    """An item (or field) that verification removed from an article's briefing."""

    article: str
    path: str
    reason: str


class MergedName(_Frozen):
    """A participant named by one or more articles (merged by normalised name)."""

    name: str
    title: str | None = None
    represents: str | None = None
    articles: tuple[str, ...]


class FigureReport(_Frozen):
    """One figure as some of the sources give it."""

    value: str = Field(description="as shown, e.g. '3' or '≥ 20'")
    text: str = Field(description="the source's words, e.g. 'three people'")
    articles: tuple[str, ...]


class FigureConflict(_Frozen):
    """Sources that disagree on a figure: each figure with who reports it, never averaged."""

    field: str = Field(description="the item field, e.g. 'fatalities'")
    reports: tuple[FigureReport, ...]


ItemT = TypeVar("ItemT", bound=BaseModel)


class _Merged(_Model, Generic[ItemT]):
    item: ItemT = Field(description="the item as its first source reports it (spans index into that article)")
    sources: list[ItemSource]
    flags: list[Flag] = Field(default_factory=list)
    conflicts: list[FigureConflict] = Field(default_factory=list)

    @property
    def articles(self) -> list[str]:
        seen: dict[str, None] = {}
        for s in self.sources:
            seen.setdefault(s.article, None)
        return list(seen)


class DailyHighlight(_Merged[SummaryPoint]):
    pass


class DailyMeeting(_Merged[Meeting]):
    participants: list[MergedName] = Field(default_factory=list)


class DailyPosition(_Merged[Position]):
    area: str = Field(description="the place the position is at (or heading for), else 'unspecified'")


class DailyIncident(_Merged[Incident]):
    pass


class DailyQuote(_Merged[Quote]):
    pass


class DailyCounts(_Frozen):
    articles: int = 0
    failed: int = 0
    fields_checked: int = Field(default=0, description="fields whose spans the validator looked up in the source")
    fields_matched: int = Field(default=0, description="of those, the fields their spans support")
    dropped: int = 0
    flagged: int = 0


class DailyBriefing(_Model):
    """Every article of a run, merged: sections in the order an analyst reads them."""

    schema_version: str = DAILY_SCHEMA_VERSION
    kind: Literal["daily"] = "daily"
    day: _dt.date | None = Field(default=None, description="the briefing day")
    created_at: _dt.datetime | None = None
    highlights: list[DailyHighlight] = Field(default_factory=list)
    meetings: list[DailyMeeting] = Field(default_factory=list)
    front_lines: list[DailyPosition] = Field(default_factory=list, description="sorted by area")
    incidents: list[DailyIncident] = Field(default_factory=list)
    quotes: list[DailyQuote] = Field(default_factory=list)
    dropped: list[DroppedMark] = Field(default_factory=list)
    counts: DailyCounts = Field(default_factory=DailyCounts)
    articles: list[DailyArticle] = Field(default_factory=list)

    def article(self, article_id: str) -> DailyArticle:
        for a in self.articles:
            if a.id == article_id:
                return a
        raise KeyError(article_id)


# The sections, in reading order: (field, heading).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("highlights", "Highlights"),
    ("meetings", "Meetings"),
    ("front_lines", "Front lines"),
    ("incidents", "Incidents"),
    ("quotes", "Quotes"),
)


# --------------------------------------------------------------------------- keys

_NON_WORD = re.compile(r"[^\w]+")
FIGURE_FIELDS = ("fatalities", "injured", "count", "affected")


@functools.lru_cache(maxsize=65_536)
def norm(value: str | None) -> str:
    """A value reduced to its words: case, punctuation and a leading "the" ignored.

    NFC first, so that a decomposed accent stays part of its word; folding quote marks,
    dashes and spaces (``text.fold_marks``) is not needed: ``\\W`` turns them all into one space.
    """
    if not value:
        return ""
    words = _NON_WORD.sub(" ", unicodedata.normalize("NFC", value).casefold()).strip()
    return words[4:] if words.startswith("the ") else words


def _day(d: DateValue | None, fallback: _dt.date | None) -> str:
    if d is not None and getattr(d, "date", None) is not None:
        return str(d.date)
    return str(fallback) if fallback is not None else ""


def _place(m: Any) -> str:
    return norm(m.value) if m is not None else ""


def show_figure(q: Quantity) -> str:
    """A quantity as a short figure: '3', '2–4', '≥ 20'."""

    def f(x: float | None) -> str:
        return "?" if x is None else (str(int(x)) if float(x).is_integer() else str(x))

    if q.qualifier is QuantityQualifier.RANGE:
        return f"{f(q.low)}–{f(q.high)}"
    if q.qualifier in (QuantityQualifier.AT_LEAST, QuantityQualifier.MORE_THAN, QuantityQualifier.VAGUE):
        return f"≥ {f(q.low)}"
    if q.qualifier in (QuantityQualifier.AT_MOST, QuantityQualifier.LESS_THAN):
        return f"≤ {f(q.high)}"
    return f(q.best if q.best is not None else q.low)


# --------------------------------------------------------------------------- merging


class _Run:
    """What the merge knows of one article while it walks the items."""

    def __init__(self, article: DailyArticle) -> None:
        assert article.briefing is not None
        self.article = article
        self.briefing = article.briefing
        self.flags = _warnings_by_item(self.briefing)


def _warnings_by_item(b: Briefing) -> dict[str, list[tuple[str, str]]]:
    """Validator warnings keyed by the item's path in the *verified* briefing.

    The report's paths index the briefing before verification; dropped items shift the
    indices of those after them, so each path is mapped through the drops.
    """
    report: ValidationReport | None = b.validation
    if report is None:
        return {}
    removed: dict[str, list[int]] = {}
    for d in b.provenance.dropped if b.provenance is not None else []:
        m = _ITEM_PATH.fullmatch(d.path)
        if m:
            removed.setdefault(m.group(1), []).append(int(m.group(2)))
    out: dict[str, list[tuple[str, str]]] = {}
    for issue in report.issues:
        if issue.severity is not Severity.WARNING:
            continue
        m = _ITEM_PATH.match(issue.path)
        if not m:
            continue
        kind, index = m.group(1), int(m.group(2))
        gone = removed.get(kind, [])
        if index in gone:
            continue
        now = index - sum(1 for g in gone if g < index)
        out.setdefault(f"{kind}[{now}]", []).append((str(issue.code), issue.message))
    return out


_ITEM_PATH = re.compile(r"([a-z_]+)\[(\d+)\]")  # "incidents[2]": whole (fullmatch) or leading an issue's path (match)

M = TypeVar("M", bound=_Merged[Any])


class _Section(Generic[M]):
    """One section being merged: items keyed by sameness, in first-seen order."""

    def __init__(self, make: Callable[..., M], key: Callable[[Any, _Run], tuple[str, ...] | None]) -> None:
        self.make = make
        self.key = key
        self.by_key: dict[tuple[str, ...], M] = {}
        self.items: list[M] = []

    def add(self, item: Any, path: str, spans: Sequence[Span], run: _Run, **extra: Any) -> tuple[M, bool]:
        # Built without validation: every part is already a validated value (the spans of a validated
        # briefing), and validating 40,000 sources again is most of a large merge's time.
        source = ItemSource.model_construct(article=run.article.id, path=path, spans=tuple(spans))
        flags = [Flag(article=run.article.id, path=path, code=c, message=m) for c, m in run.flags.get(path, [])]
        key = self.key(item, run)
        merged = self.by_key.get(key) if key is not None else None
        if merged is not None:
            merged.sources.append(source)
            merged.flags.extend(flags)
            return merged, False
        merged = self.make(item=item, sources=[source], flags=flags, **extra)
        if key is not None:
            self.by_key[key] = merged
        self.items.append(merged)
        return merged, True


def _meeting_key(m: Meeting, run: _Run) -> tuple[str, ...] | None:
    place = _place(m.location)
    return ("meeting", place, _day(m.date, run.article.date or run.briefing.source.article_date)) if place else None


def _incident_key(i: Incident, run: _Run) -> tuple[str, ...] | None:
    place = _place(i.location)
    if not place:
        return None
    when = _day(i.date, run.article.date or run.briefing.source.article_date)
    return ("incident", i.event_type.value, i.sub_type.value, place, when)


def _position_key(p: Position, run: _Run) -> tuple[str, ...] | None:
    place = _place(p.location) or _place(p.objective)
    return ("position", norm(p.force.value), place) if place else None


def _quote_key(q: Quote, run: _Run) -> tuple[str, ...] | None:
    words = norm(q.text.value)
    return ("quote", words) if words else None


def _point_key(p: SummaryPoint, run: _Run) -> tuple[str, ...] | None:
    words = norm(p.text)
    return ("point", words) if words else None


def _add_participants(merged: DailyMeeting, meeting: Meeting, article_id: str) -> None:
    index = {norm(p.name): i for i, p in enumerate(merged.participants)}
    for p in meeting.participants:
        key = norm(p.name.value)
        if not key:
            continue
        at = index.get(key)
        if at is None:
            index[key] = len(merged.participants)
            merged.participants.append(
                MergedName(
                    name=p.name.value,
                    title=p.title.value if p.title else None,
                    represents=p.represents.value if p.represents else None,
                    articles=(article_id,),
                )
            )
            continue
        old = merged.participants[at]
        if article_id not in old.articles:
            merged.participants[at] = old.model_copy(update={"articles": (*old.articles, article_id)})


def _figures(merged: _Merged[Any], briefings: dict[str, Briefing], fields: Iterable[str]) -> list[FigureConflict]:
    """Each figure field on which the item's sources disagree, with every source's figure."""
    out: list[FigureConflict] = []
    for name in fields:
        by_value: dict[str, tuple[str, list[str]]] = {}
        for src in merged.sources:
            item = item_at(briefings[src.article], src.path)
            q = getattr(item, name, None)
            if q is None:
                continue
            shown = show_figure(q)
            text = q.spans[0].text if q.spans else shown
            entry = by_value.setdefault(shown, (text, []))
            if src.article not in entry[1]:
                entry[1].append(src.article)
        if len(by_value) > 1:
            reports = tuple(FigureReport(value=v, text=t, articles=tuple(a)) for v, (t, a) in by_value.items())
            out.append(FigureConflict(field=name, reports=reports))
    return out


def item_at(b: Briefing, path: str) -> Any:
    """The top-level item at ``path`` (``"quotes[2]"``, as an :class:`ItemSource` names it)."""
    m = _ITEM_PATH.fullmatch(path)
    assert m is not None
    return getattr(b, m.group(1))[int(m.group(2))]


def merge(
    articles: Sequence[DailyArticle],
    *,
    day: _dt.date | None = None,
    created_at: _dt.datetime | None = None,
) -> DailyBriefing:
    """Merge per-article results into one daily briefing (pure: the inputs are not changed).

    Article ids must be unique; a failed article (``ok=False``) is listed, never merged.
    """
    with _no_cyclic_gc():
        return _merge(articles, day=day, created_at=created_at)


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while the merge allocates.

    A merge of 1,000 articles builds some 40,000 small objects, none in a cycle; the
    collector's passes over the growing heap were a third to half of its time, and most
    of its variance. Reference counting still frees everything as usual.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _merge(
    articles: Sequence[DailyArticle],
    *,
    day: _dt.date | None,
    created_at: _dt.datetime | None,
) -> DailyBriefing:
    ids = [a.id for a in articles]
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"merge(): article ids must be unique, repeated: {dupes[:5]}")
    highlights = _Section(DailyHighlight, _point_key)
    meetings = _Section(DailyMeeting, _meeting_key)
    positions = _Section(DailyPosition, _position_key)
    incidents = _Section(DailyIncident, _incident_key)
    quotes = _Section(DailyQuote, _quote_key)
    dropped: list[DroppedMark] = []
    briefings: dict[str, Briefing] = {}
    checked = matched = 0
    for article in articles:
        if not article.ok or article.briefing is None:
            continue
        run = _Run(article)
        b = run.briefing
        briefings[article.id] = b
        if b.validation is not None:
            checked += b.validation.fields_checked
            matched += b.validation.fields_verified
        if b.provenance is not None:
            dropped += [DroppedMark(article=article.id, path=d.path, reason=d.reason) for d in b.provenance.dropped]
        for i, p in enumerate(b.summary):
            highlights.add(p, f"summary[{i}]", p.spans, run)
        for i, m in enumerate(b.meetings):
            merged, _ = meetings.add(m, f"meetings[{i}]", m.cue.spans, run)
            _add_participants(merged, m, article.id)
        for i, pos in enumerate(b.front_lines):
            place = pos.location or pos.objective
            area = place.value if place is not None else "unspecified"
            positions.add(pos, f"front_lines[{i}]", pos.force.spans, run, area=area)
        for i, inc in enumerate(b.incidents):
            incidents.add(inc, f"incidents[{i}]", inc.cue.spans, run)
        for i, q in enumerate(b.quotes):
            quotes.add(q, f"quotes[{i}]", q.text.spans, run)
    for merged_incident in incidents.items:
        if len(merged_incident.sources) > 1:
            merged_incident.conflicts = _figures(merged_incident, briefings, FIGURE_FIELDS)
    for merged_position in positions.items:
        if len(merged_position.sources) > 1:
            merged_position.conflicts = _figures(merged_position, briefings, ("distance",))
    front = sorted(positions.items, key=lambda p: (norm(p.area) if p.area != "unspecified" else "\uffff", p.area))
    sections: list[list[Any]] = [highlights.items, meetings.items, front, incidents.items, quotes.items]
    flagged = sum(1 for items in sections for it in items if it.flags)
    counts = DailyCounts(
        articles=len(articles),
        failed=sum(1 for a in articles if not a.ok),
        fields_checked=checked,
        fields_matched=matched,
        dropped=len(dropped),
        flagged=flagged,
    )
    return DailyBriefing(
        day=day,
        created_at=created_at,
        highlights=highlights.items,
        meetings=meetings.items,
        front_lines=front,
        incidents=incidents.items,
        quotes=quotes.items,
        dropped=dropped,
        counts=counts,
        articles=list(articles),
    )


# --------------------------------------------------------------------------- JSON Schema


def daily_json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`DailyBriefing`, as exported to ``schemas/``."""
    return model_json_schema(DailyBriefing, "daily", DAILY_SCHEMA_VERSION)


def daily_json_schema_text() -> str:
    return schema_text(daily_json_schema())


def write_daily_json_schema(directory: Path) -> Path:
    path = directory / "daily.schema.json"
    path.write_text(daily_json_schema_text(), encoding="utf-8")
    return path
