"""Rendering a briefing: Markdown for people, JSON for programs.

Article text only ever enters the output as escaped data, never as a template:
every value is passed through :func:`_md`, which escapes Markdown and HTML
syntax and folds line breaks, so an article containing ``{{``, ``<script>`` or
``# heading`` renders as those characters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from .daily import SECTIONS, DailyArticle, DailyBriefing, DailyMeeting, FigureConflict, show_figure
from .schema import (
    Briefing,
    Coverage,
    DateValue,
    Incident,
    Location,
    Meeting,
    Mention,
    Position,
    Quantity,
    Quote,
    QuoteKind,
    Span,
    SummaryPoint,
    ValidationReport,
)

__all__ = ["RENDERERS", "daily_to_markdown", "to_json", "to_json_many", "to_jsonl_line", "to_markdown"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MAX_LISTED = 20


def to_json(briefing: Briefing, *, indent: int = 2) -> str:
    """The briefing as JSON (the schema in ``schemas/briefing.schema.json``), ending in a newline."""
    return briefing.model_dump_json(indent=indent, exclude_none=False) + "\n"


def to_json_many(briefings: Iterable[Briefing], *, indent: int = 2) -> str:
    """Several briefings as one JSON array."""
    items = [json.loads(b.model_dump_json()) for b in briefings]
    return json.dumps(items, indent=indent, ensure_ascii=False) + "\n"


def to_markdown(briefing: Briefing) -> str:
    """The briefing as Markdown: header and provenance, items by kind, validation and coverage."""
    parts = [_header(briefing)]
    for kind in briefing.item_kinds:
        line = RENDERERS[kind.name]
        parts += _section(kind.heading, [line(item) for item in getattr(briefing, kind.name)])
    if briefing.validation is not None:
        parts += _validation(briefing.validation)
        if briefing.validation.coverage is not None:
            parts += _coverage(briefing.validation.coverage)
    parts += _notes(briefing)
    return "\n".join(parts).rstrip() + "\n"


# --------------------------------------------------------------------------- pieces


def _md(value: object) -> str:
    """Escape a value for inline Markdown: special characters escaped, line breaks folded."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _where(spans: list[Span]) -> str:
    located = [s for s in spans if s.start is not None]
    if not located:
        return " _(unlocated)_" if spans else ""
    s = located[0]
    status = "" if s.status.value == "exact" else f", {s.status.value}"
    return f" \\[{s.start}–{s.end}{status}\\]"


def _m(m: Mention | None) -> str:
    return "" if m is None else _md(m.value)


def _section(title: str, lines: list[str]) -> list[str]:
    if not lines:
        return []
    return [f"## {title}", "", *(f"- {line}" for line in lines), ""]


def _header(b: Briefing) -> str:
    title = _m(b.source.title) if b.source.title else "Briefing"
    lines = [f"# {title}", ""]
    facts = []
    if b.source.dateline is not None:
        facts.append(f"dateline {_m(b.source.dateline)}")
    if b.source.article_date is not None:
        facts.append(f"article date {b.source.article_date.isoformat()}")
    facts.append(f"{b.source.length} characters, sha256 {b.source.sha256[:12]}…")
    lines.append("_" + " · ".join(facts) + "_")
    prov = b.provenance
    if prov is not None:
        engine = f"engine **{prov.engine}**"
        if prov.model:
            engine += f" (model {_md(prov.model)}{', ' + _md(prov.endpoint_host) if prov.endpoint_host else ''})"
        extra = [f"schema {prov.schema_version}"]
        if prov.attempts:
            extra.append(f"{prov.attempts} attempt(s), {prov.reasks} re-ask(s)")
        if prov.usage.total_tokens:
            extra.append(f"{prov.usage.total_tokens} tokens")
        if prov.cached:
            extra.append("from cache")
        lines.append("")
        lines.append(f"Provenance: {engine} · " + " · ".join(extra))
    lines.append("")
    return "\n".join(lines)


def _quote(q: Quote) -> str:
    who = f"**{_md(q.speaker.value)}**"
    if q.speaker_title is not None:
        who += f" ({_m(q.speaker_title)})"
    cue = f" {_m(q.cue)}" if q.cue is not None else ""
    if q.addressee is not None and q.cue is not None and q.addressee.value not in q.cue.value:
        cue += f" to {_m(q.addressee)}"
    body = f"“{_md(q.text.value)}”" if q.kind is QuoteKind.DIRECT else f"_(reported)_ {_md(q.text.value)}"
    return f"{who}{cue}: {body}{_where(q.text.spans)}"


def _date(d: DateValue | None) -> str:
    if d is None:
        return ""
    if d.date is None:  # "on Tuesday" with no article date: the source's words, marked
        said = " ".join(d.spans[0].text.split()) if d.spans else "a date"
        return f"{_md(said.removeprefix('on '))} (date unresolved)"
    shown = {"day": d.date.isoformat(), "month": d.date.strftime("%Y-%m"), "year": str(d.date.year)}
    return shown[d.precision.value]


def _quantity(q: Quantity | None) -> str:
    if q is None:
        return ""
    unit = f" {_md(q.unit)}" if q.unit else ""
    text = _md(q.spans[0].text) if q.spans else ""
    value = show_figure(q)
    return f"{value}{unit} (“{text}”)" if text else f"{value}{unit}"


def _meeting_head(m: Meeting) -> str:
    head = _m(m.cue)
    if m.location is not None:
        head += f" in {_m(m.location)}"
    if m.date is not None:
        head += f" on {_date(m.date)}"
    if m.topic is not None:
        head += f" — {_m(m.topic)}"
    return head


def _meeting(m: Meeting) -> str:
    head = _meeting_head(m)
    people = []
    for p in m.participants:
        entry = _md(p.name.value)
        details = [d for d in (_m(p.title), _m(p.represents), p.role.value if p.role.value != "attendee" else "") if d]
        if details:
            entry += f" ({', '.join(details)})"
        people.append(entry)
    return f"{head}: {', '.join(people)}" if people else head


def _position(p: Position) -> str:
    out = f"**{_md(p.force.value)}** — {p.status.value}"
    if p.status_cue is not None:
        out += f" (“{_m(p.status_cue)}”)"
    details = []
    if p.location is not None:
        details.append(f"at {_m(p.location)}")
    if p.objective is not None:
        details.append(f"toward {_m(p.objective)}")
    if p.distance is not None:
        details.append(f"within {_quantity(p.distance)}")
    if p.direction is not None:
        details.append(f"direction {_m(p.direction)}")
    if p.as_of is not None:
        details.append(f"as of {_date(p.as_of)}")
    if p.claimed_by is not None:
        details.append(f"claimed by {_m(p.claimed_by)}")
    return out + (", " + ", ".join(details) if details else "")


def _incident(i: Incident) -> str:
    out = f"**{i.sub_type.value.replace('_', ' ')}** ({i.event_type.value.replace('_', ' ')}): “{_m(i.cue)}”"
    details = []
    if i.location is not None:
        details.append(f"in {_m(i.location)}")
    if i.date is not None:
        details.append(f"on {_date(i.date)}")
    if i.actors:
        details.append("actors " + ", ".join(_md(a.value) for a in i.actors))
    for name in ("count", "fatalities", "injured", "affected"):
        q = getattr(i, name)
        if q is not None:
            details.append(f"{name} {_quantity(q)}")
    if i.reported_by is not None:
        details.append(f"reported by {_m(i.reported_by)}")
    return out + (", " + ", ".join(details) if details else "")


def _location(loc: Location) -> str:
    return f"{_md(loc.name.value)} ({loc.kind.value})"


def _point(p: SummaryPoint) -> str:
    return f"{_md(p.text)}{_where(p.spans)}"


# One line per item, by kind (``Briefing.item_kinds`` names them; a test checks each has its entry).
RENDERERS: dict[str, Callable[[Any], str]] = {
    "meetings": _meeting,
    "quotes": _quote,
    "front_lines": _position,
    "incidents": _incident,
    "locations": _location,
    "summary": _point,
}


def _validation(r: ValidationReport) -> list[str]:
    lines = [
        "## Validation",
        "",
        f"{r.fields_verified} of {r.fields_checked} checked fields matched their source spans "
        f"(this counts what could be found in the text, not whether the briefing is complete); "
        f"{len(r.errors)} error(s), {len(r.warnings)} warning(s).",
        "",
    ]
    shown = [i for i in r.issues if i.severity.value != "info"][:_MAX_LISTED]
    lines += [f"- {i.severity.value} `{i.code}` at `{i.path}`: {_md(i.message)}" for i in shown]
    hidden = len([i for i in r.issues if i.severity.value != "info"]) - len(shown)
    if hidden > 0:
        lines.append(f"- … and {hidden} more")
    return [*lines, ""] if shown else lines


def _coverage(c: Coverage) -> list[str]:
    lines = [
        "## Coverage",
        "",
        f"{c.covered} of {c.found} quotations, casualty figures and dates in the source are covered ({c.rate:.0%}).",
        "",
    ]
    for item in c.missing[:_MAX_LISTED]:
        lines.append(f"- missing {item.kind}: “{_md(item.text)}” \\[{item.start}–{item.end}\\]")
    if len(c.missing) > _MAX_LISTED:
        lines.append(f"- … and {len(c.missing) - _MAX_LISTED} more")
    return [*lines, ""] if c.missing else lines


def _notes(b: Briefing) -> list[str]:
    prov = b.provenance
    if prov is None:
        return []
    lines = [_md(n) for n in prov.notes]
    lines += [f"dropped `{d.path}`: {_md(d.reason)}" for d in prov.dropped]
    return _section("Notes", lines)


# --------------------------------------------------------------------------- the daily briefing


def to_jsonl_line(article: DailyArticle) -> str:
    """One input of a run as a JSON line: its id, path, metadata, text and briefing, or its error."""
    return article.model_dump_json(exclude_none=False) + "\n"


def daily_to_markdown(daily: DailyBriefing) -> str:
    """The daily briefing as Markdown for email and chat: sections, each item naming its articles.

    Articles are numbered in the list at the end; an item cites them as ``[1]``, ``[2]``.
    Items the validator warned about are marked **unverified**; what verification dropped
    has its own section.
    """
    numbers = {a.id: n for n, a in enumerate(daily.articles, start=1)}
    parts = [_daily_header(daily)]
    for name, heading in SECTIONS:
        items = getattr(daily, name)
        if not items:
            continue
        parts += [f"## {heading}", ""]
        if name == "front_lines":
            area = None
            for it in items:
                if it.area != area:
                    area = it.area
                    parts += [f"### {_md(area)}", ""]
                parts += _daily_item(it, RENDERERS[name](it.item), numbers)
            parts.append("")
            continue
        for it in items:
            line = _daily_meeting(it) if isinstance(it, DailyMeeting) else RENDERERS[_KIND_OF[name]](it.item)
            parts += _daily_item(it, line, numbers)
        parts.append("")
    if daily.dropped:
        parts += ["## Dropped by verification", ""]
        parts += [f"- **dropped** [{numbers.get(d.article, '?')}] `{d.path}`: {_md(d.reason)}" for d in daily.dropped]
        parts.append("")
    failed = [a for a in daily.articles if not a.ok]
    if failed:
        parts += ["## Failed articles", ""]
        parts += [f"- **failed** [{numbers[a.id]}] {_md(a.id)}: {_md(a.error or 'unknown error')}" for a in failed]
        parts.append("")
    parts += ["## Articles", ""]
    parts += [f"{numbers[a.id]}. {_article_line(a)}" for a in daily.articles]
    return "\n".join(parts).rstrip() + "\n"


_KIND_OF = {"highlights": "summary"}  # daily sections named apart from their item kind
for _name, _ in SECTIONS:
    _KIND_OF.setdefault(_name, _name)


def _daily_header(d: DailyBriefing) -> str:
    title = f"# Daily briefing — {d.day.isoformat()}" if d.day else "# Daily briefing"
    c = d.counts
    engines = sorted({_engine_label(a.briefing) for a in d.articles if a.briefing is not None})
    facts = [f"{c.articles} article(s)" + (f", {c.failed} failed" if c.failed else "")]
    if engines:
        facts.append("engine " + ", ".join(_md(e) for e in engines))
    facts.append(f"{c.fields_matched:,} of {c.fields_checked:,} checked fields matched their source spans")
    if c.dropped or c.flagged:
        facts.append(f"{c.dropped} dropped, {c.flagged} item(s) unverified")
    return f"{title}\n\n_" + " · ".join(facts) + "_\n"


def _engine_label(b: Briefing) -> str:
    prov = b.provenance
    if prov is None:
        return "unknown"
    return prov.engine + (f" ({prov.model})" if prov.model else "")


def _cite(articles: list[str], numbers: dict[str, int]) -> str:
    return "".join(f"[{numbers[a]}]" for a in articles if a in numbers)


def _daily_item(it: Any, line: str, numbers: dict[str, int]) -> list[str]:
    out = [f"- {line} {_cite(it.articles, numbers)}"]
    out += [f"  - conflicting {c.field}: {_conflict(c, numbers)}" for c in it.conflicts]
    out += [f"  - **unverified** [{numbers.get(f.article, '?')}] `{f.code}`: {_md(f.message)}" for f in it.flags]
    return out


def _conflict(c: FigureConflict, numbers: dict[str, int]) -> str:
    return " / ".join(f"{_md(r.value)} (“{_md(r.text)}”) {_cite(list(r.articles), numbers)}" for r in c.reports)


def _daily_meeting(it: DailyMeeting) -> str:
    head = _meeting_head(it.item)
    people = [_md(p.name) + (f" ({_md(p.title)})" if p.title else "") for p in it.participants]
    return f"{head}: {', '.join(people)}" if people else head


def _article_line(a: DailyArticle) -> str:
    title = _md(a.title) if a.title else _md(a.id)
    details = [x for x in (_md(a.outlet) if a.outlet else "", a.date.isoformat() if a.date else "") if x]
    if a.url:
        details.append(f"<{_md(a.url)}>" if a.url.startswith(("http://", "https://")) else _md(a.url))
    if a.title:
        details.append(f"`{a.id}`")
    if not a.ok:
        details.append("**failed**")
    return title + (f" — {', '.join(details)}" if details else "")
