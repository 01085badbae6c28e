"""The daily briefing as one self-contained HTML page: the items beside the texts they came from.

:func:`to_html` writes a single HTML5 file (inline CSS and JS, no external asset, works
offline). The left column holds the sections of a :class:`~summarizer.daily.DailyBriefing`;
the right, sticky column holds every source article's text. Clicking an item (a button,
so Tab and Enter work) highlights its spans in each of its source articles and scrolls the
first into view; clicking it again moves to the next source.

Safety: article and model text only ever enters the page through :func:`html.escape`
(or the Markdown-to-HTML step below, which escapes every literal run); the data the script
needs (segment ranges, never text) sits in a ``<script type="application/json">`` block
with ``<``, ``>``, ``&`` and U+2028/U+2029 escaped; metadata URLs become links only when
they are http(s). The Content-Security-Policy allows the one inline script by its hash, so
even an unescaped ``onerror=`` or ``<script>`` could not run.

Offsets: spans are Python code-point offsets and JS strings are UTF-16, so no offset is
computed in the browser. Each article's text is cut, here, at every span boundary; a piece
inside at least one span becomes a ``<span class="g">`` (the n-th of its article), and a
span is sent as the range of piece numbers it covers. Highlighting is toggling a class on
those pieces: overlapping spans and astral characters need no special case.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import html
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel

from .daily import (
    DailyArticle,
    DailyBriefing,
    DailyHighlight,
    DailyIncident,
    DailyMeeting,
    DailyPosition,
    DailyQuote,
    FigureConflict,
    item_at,
    merge,
    norm,
)
from .locate import iter_evidence
from .render import RENDERERS
from .schema import Briefing, Span

__all__ = ["briefing_to_daily", "to_html"]

Merged = DailyHighlight | DailyMeeting | DailyPosition | DailyIncident | DailyQuote


def to_html(daily: DailyBriefing) -> str:
    """The daily briefing as one self-contained HTML page (a string, ready to write as UTF-8)."""
    page = _Page(daily)
    left = [_header(daily), *page.sections()]
    right = [page.article_html(i, a) for i, a in enumerate(daily.articles)]
    return _document(daily, "\n".join(left), "\n".join(right), page.span_data())


def briefing_to_daily(
    briefing: Briefing,
    text: str,
    *,
    id: str,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    date: _dt.date | None = None,
) -> DailyBriefing:
    """One article's briefing as a daily briefing of one article (what :func:`to_html` renders)."""
    article = DailyArticle(id=id, ok=True, title=title, url=url, outlet=outlet, date=date, text=text, briefing=briefing)
    return merge([article], day=date or briefing.source.article_date)


# --------------------------------------------------------------------------- escaping


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


_WHERE = re.compile(r" \\\[\d+–\d+(?:, (\w+))?\\\]$")


def _md_to_html(line: str) -> str:
    """One line from :data:`summarizer.render.RENDERERS` as HTML.

    Those lines escape every Markdown character of their values with a backslash, so an
    unescaped ``**`` or ``_`` is the renderer's own emphasis; everything else is literal
    text and is escaped here. The trailing ``[start–end]`` offsets are dropped (the page
    shows the spans themselves), a non-exact match status kept.
    """
    line = _WHERE.sub(lambda m: f" _({m.group(1)} match)_" if m.group(1) else "", line)
    out: list[str] = []
    open_tags: list[str] = []
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            out.append(_e(line[i + 1]))
            i += 2
            continue
        tag = "strong" if line.startswith("**", i) else "em" if ch == "_" else None
        if tag is None:
            out.append(_e(ch))
        elif open_tags and open_tags[-1] == tag:
            out.append(f"</{open_tags.pop()}>")
        else:
            open_tags.append(tag)
            out.append(f"<{tag}>")
        i += 2 if tag == "strong" else 1
    out += [f"</{t}>" for t in reversed(open_tags)]
    return "".join(out)


def _safe_json(data: object) -> str:
    """JSON that cannot end its ``<script>`` block or be read as HTML."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _link(url: str | None) -> str:
    if not url:
        return ""
    if urlsplit(url).scheme.lower() in ("http", "https"):
        return f'<a href="{_e(url)}" rel="noopener noreferrer" target="_blank">{_e(url)}</a>'
    return f'<span class="url">{_e(url)}</span>'


# --------------------------------------------------------------------------- article texts


@dataclass
class _Text:
    """The spans registered on one article; :meth:`build` cuts its text at their boundaries."""

    text: str
    keys: dict[tuple[int, int], int] = field(default_factory=dict)
    ranges: list[tuple[int, int]] = field(default_factory=list)

    def add(self, span: Span) -> int | None:
        if span.start is None or span.end is None:
            return None
        start, end = max(0, span.start), min(len(self.text), span.end)
        if start >= end:
            return None
        return self.keys.setdefault((start, end), len(self.keys))

    def build(self) -> str:
        """The text as HTML; fills :attr:`ranges` (per span key: its pieces' numbers, half-open)."""
        points = sorted({0, len(self.text)} | {p for key in self.keys for p in key})
        at = {p: i for i, p in enumerate(points)}
        depth = [0] * len(points)
        for start, end in self.keys:
            depth[at[start]] += 1
            depth[at[end]] -= 1
        out: list[str] = []
        piece = [-1] * len(points)
        covered, n = 0, 0
        for i in range(len(points) - 1):
            covered += depth[i]
            chunk = _e(self.text[points[i] : points[i + 1]])
            if covered > 0:
                piece[i], n = n, n + 1
                out.append(f'<span class="g">{chunk}</span>')
            else:
                out.append(chunk)
        self.ranges = [(piece[at[s]], piece[at[e] - 1] + 1) for s, e in self.keys]
        return "".join(out)


# --------------------------------------------------------------------------- the page


_FIGURE_WORD = {"fatalities": "killed", "injured": "injured", "affected": "affected", "count": ""}


class _Page:
    """Numbers the articles, registers every item's spans, renders the sections."""

    def __init__(self, daily: DailyBriefing) -> None:
        self.daily = daily
        self.index = {a.id: i for i, a in enumerate(daily.articles)}
        self.texts = {i: _Text(a.text) for i, a in enumerate(daily.articles) if a.text is not None}
        # item id -> per source: (article number, anchor span keys, other span keys)
        self.items: dict[str, list[tuple[int, list[int], list[int]]]] = {}

    # ----------------------------------------------------------------- spans

    def _register(self, item_id: str, merged: Merged) -> None:
        entries = []
        for src in merged.sources:
            i = self.index.get(src.article)
            text = self.texts.get(i) if i is not None else None
            if i is None or text is None:
                continue
            anchor = [k for s in src.spans if (k := text.add(s)) is not None]
            briefing = self.daily.articles[i].briefing
            spans = [s for _, ev in iter_evidence(item_at(briefing, src.path)) for s in ev.spans] if briefing else []
            others = {k for s in spans if (k := text.add(s)) is not None} - set(anchor)
            entries.append((i, anchor, sorted(others)))
        self.items[item_id] = entries

    def span_data(self) -> dict[str, Any]:
        """For the script: per item, per source, the piece ranges of its spans (call after the articles)."""
        out: dict[str, list[list[Any]]] = {}
        for item_id, entries in self.items.items():
            out[item_id] = [
                [i, [self.texts[i].ranges[k] for k in anchor], [self.texts[i].ranges[k] for k in others]]
                for i, anchor, others in entries
            ]
        return {"items": out}

    # ----------------------------------------------------------------- items

    def label(self, article_id: str) -> str:
        i = self.index.get(article_id)
        if i is None:
            return article_id
        name = self.daily.articles[i].label
        return f"{i + 1} · {name if len(name) <= 40 else name[:39] + '…'}"

    def _item(self, kind: str, n: int, merged: Merged, line: str) -> str:
        item_id = f"{kind}-{n}"
        self._register(item_id, merged)
        chips = "".join(
            f'<span class="chip" title="{_e(self.daily.article(a).title or a)}">{_e(self.label(a))}</span>'
            for a in merged.articles
        )
        extra = [self._conflict(c) for c in merged.conflicts]
        if isinstance(merged, DailyMeeting) and len(merged.sources) > 1:
            extra.append(self._participants(merged))
        extra += [
            f'<span class="flag"><b>Warning — not fully verified:</b> {_e(f.message)} '
            f'<span class="meta">({_e(f.code)}, {_e(self.label(f.article))} {_e(f.path)})</span></span>'
            for f in merged.flags
        ]
        cls = "item flagged" if merged.flags else "item"
        return (
            f'<li><button type="button" class="{cls}" data-item="{_e(item_id)}" aria-pressed="false">'
            f'<span class="line">{line}</span><span class="src">{chips}</span>{"".join(extra)}</button></li>'
        )

    def _conflict(self, c: FigureConflict) -> str:
        word = _FIGURE_WORD.get(c.field)
        shown = " / ".join(
            f"{_e(r.value)}{' ' + word if word else ''} ({_e(', '.join(self.label(a) for a in r.articles))})"
            if word is not None
            else f"“{_e(r.text)}” ({_e(', '.join(self.label(a) for a in r.articles))})"
            for r in c.reports
        )
        return f'<span class="conflict"><b>Sources disagree on {_e(c.field)}:</b> {shown}</span>'

    def _participants(self, m: DailyMeeting) -> str:
        people = []
        for p in m.participants:
            details = ", ".join(d for d in (p.title, p.represents) if d)
            people.append(f"{_e(p.name)}{f' ({_e(details)})' if details else ''}")
        return f'<span class="people"><b>Participants, all sources:</b> {", ".join(people)}</span>'

    def _list(self, kind: str, render: str, items: Sequence[Merged]) -> str:
        body = "".join(self._item(kind, n, m, _line(render, m)) for n, m in enumerate(items))
        return f'<ul class="items">{body}</ul>'

    # ----------------------------------------------------------------- sections

    def sections(self) -> list[str]:
        d = self.daily
        out = []
        for kind, render, heading in (
            ("highlights", "summary", "Highlights"),
            ("meetings", "meetings", "Meetings"),
            ("front_lines", "front_lines", "Front lines"),
            ("incidents", "incidents", "Incidents"),
            ("quotes", "quotes", "Quotes"),
        ):
            items: list[Merged] = getattr(d, kind)
            if not items:
                continue
            body = self._areas(items) if kind == "front_lines" else self._list(kind, render, items)
            out.append(_section(kind, f"{heading} <span class='n'>{len(items)}</span>", body))
        out += [self._dropped(), self._failed()]
        return [s for s in out if s]

    def _areas(self, positions: Sequence[Merged]) -> str:
        groups: dict[str, list[tuple[int, DailyPosition]]] = {}
        for n, p in enumerate(positions):
            assert isinstance(p, DailyPosition)
            groups.setdefault(norm(p.area) or p.area, []).append((n, p))
        parts = []
        for members in groups.values():
            area = members[0][1].area
            items = "".join(self._item("front_lines", n, p, _line("front_lines", p)) for n, p in members)
            parts.append(f'<h3 class="area">{_e(area)}</h3><ul class="items">{items}</ul>')
        return "".join(parts)

    def _dropped(self) -> str:
        if not self.daily.dropped:
            return ""
        rows = "".join(
            f'<li><span class="meta">{_e(self.label(m.article))} · {_e(m.path)}</span> {_e(m.reason)}</li>'
            for m in self.daily.dropped
        )
        note = "<p class='note'>Items that verification removed: they are not in the sections above.</p>"
        return _section(
            "dropped",
            f"Dropped by verification <span class='n'>{len(self.daily.dropped)}</span>",
            f"{note}<ul class='plain'>{rows}</ul>",
            cls="marked",
        )

    def _failed(self) -> str:
        failed = [(i, a) for i, a in enumerate(self.daily.articles) if not a.ok]
        if not failed:
            return ""
        rows = "".join(
            f'<li><span class="meta">{i + 1} · {_e(a.label)}</span> '
            f"{_e(a.error_type or 'error')}: {_e(a.error or 'no briefing')}</li>"
            for i, a in failed
        )
        return _section(
            "failed",
            f"Failed articles <span class='n'>{len(failed)}</span>",
            f"<ul class='plain'>{rows}</ul>",
            cls="marked",
        )

    # ----------------------------------------------------------------- articles

    def article_html(self, i: int, a: DailyArticle) -> str:
        title = a.title or (a.briefing.source.title.value if a.briefing and a.briefing.source.title else a.id)
        facts = [x for x in (a.outlet, a.date.isoformat() if a.date else None) if x]
        meta = " · ".join(_e(x) for x in facts)
        head = (
            f'<header><h2><span class="num">{i + 1}</span> <span class="t">{_e(title)}</span></h2>'
            f'<p class="meta">{meta}{" · " if meta and a.url else ""}{_link(a.url)}</p>'
            f'<p class="meta id">{_e(a.id)}</p></header>'
        )
        text = self.texts.get(i)
        if not a.ok:
            body = f'<p class="flag">Failed: {_e(a.error_type or "error")}: {_e(a.error or "")}</p>'
        elif text is None:
            body = '<p class="note">The text was not kept: its spans cannot be shown.</p>'
        else:
            body = f'<div class="text" id="text-{i}">{text.build()}</div>'
            if a.briefing is not None and a.briefing.source.length != len(text.text):
                body = (
                    '<p class="flag">This text is not the one briefed (lengths differ): highlights may be off.</p>'
                    + body
                )
        return f'<article id="art-{i}">{head}{body}</article>'


def _line(render: str, m: Merged) -> str:
    """The item's line in the words of :mod:`summarizer.render` (a merged meeting lists its people apart)."""
    item: BaseModel = m.item
    if isinstance(m, DailyMeeting) and len(m.sources) > 1:
        item = m.item.model_copy(update={"participants": []})
    return _md_to_html(RENDERERS[render](item))


def _section(kind: str, heading: str, body: str, *, cls: str = "") -> str:
    return f'<section id="{kind}" class="{cls}"><h2>{heading}</h2>{body}</section>'


# --------------------------------------------------------------------------- header


def _day(d: DailyBriefing) -> str:
    if d.day is not None:
        return d.day.isoformat()
    dates = sorted({a.date for a in d.articles if a.date is not None})
    if not dates:
        return "undated"
    return dates[0].isoformat() if len(dates) == 1 else f"{dates[0].isoformat()} – {dates[-1].isoformat()}"


def _engines(d: DailyBriefing) -> str:
    seen: Counter[tuple[str, str | None, str | None]] = Counter()
    for a in d.articles:
        p = a.briefing.provenance if a.briefing is not None else None
        if p is not None:
            seen[(p.engine, p.model, p.prompt_id)] += 1
    parts = []
    for (engine, model, prompt), n in seen.most_common():
        what = f"{engine} engine" + (f", model {model}" if model else "") + (f", prompt {prompt}" if prompt else "")
        parts.append(f"{_e(what)} ({n} article{'s' if n != 1 else ''})")
    return "; ".join(parts) or "no briefing"


def _header(d: DailyBriefing) -> str:
    c = d.counts
    ok = c.articles - c.failed
    lines = [
        f"{c.articles:,} article{'s' if c.articles != 1 else ''}, {c.failed:,} failed",
        f"Made by: {_engines(d)}",
        f"{c.fields_matched:,} of {c.fields_checked:,} checked fields matched their source spans "
        f"(in {ok:,} briefed article{'s' if ok != 1 else ''}); {c.dropped:,} item(s) dropped by verification, "
        f"{c.flagged:,} item(s) kept with a warning",
    ]
    if d.created_at is not None:
        lines.append(f"Created {_e(d.created_at.isoformat(timespec='minutes'))}")
    facts = "".join(f"<li>{x}</li>" for x in lines)
    hint = (
        "<p class='note noprint'>Select an item (click, or Tab and Enter) to show it in its source texts: "
        "<span class='key a'>the item's words</span> (the quote, the cue, the force) and "
        "<span class='key b'>its other fields</span> (speaker, place, date, figures).</p>"
    )
    return f"<header class='top'><h1>Daily briefing — {_e(_day(d))}</h1><ul class='facts'>{facts}</ul>{hint}</header>"


# --------------------------------------------------------------------------- the document


def _document(d: DailyBriefing, left: str, right: str, data: dict[str, Any]) -> str:
    digest = base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode("ascii")
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Daily briefing — {_e(_day(d))}</title><style>{_CSS}</style></head>\n"
        f'<body><div class="layout"><main id="briefing">{left}</main>\n'
        f'<aside id="pane" aria-label="Source articles"><div id="status" aria-live="polite">'
        "Source articles</div>\n"
        f"{right}</aside></div>\n"
        f'<script type="application/json" id="span-data">{_safe_json(data)}</script>\n'
        f"<script>{_SCRIPT}</script></body></html>\n"
    )


_CSS = """
:root{--ink:#1f2328;--muted:#59636e;--line:#d8dee4;--bg:#f6f8fa;--accent:#2f5d8a;
--hl:#ffe28a;--hl-edge:#b98900;--hl2:#dbe7f5;--warn:#8a4b00;--warn-bg:#fff4e0;--bad:#8b1a1a}
*{box-sizing:border-box}
html{font-size:15px}
body{margin:0;color:var(--ink);background:#fff;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;line-height:1.45}
.layout{display:grid;grid-template-columns:minmax(0,1.1fr) minmax(0,1fr);min-height:100vh}
main{padding:1.5rem 2rem 4rem;max-width:60rem}
#pane{position:sticky;top:0;height:100vh;overflow-y:auto;background:var(--bg);
border-left:1px solid var(--line);padding:0 1.75rem 50vh}
#status{position:sticky;top:0;z-index:1;background:var(--bg);border-bottom:1px solid var(--line);
margin:0 -1.75rem;padding:.6rem 1.75rem;font-size:.85rem;color:var(--muted)}
h1{font-size:1.55rem;margin:0 0 .5rem;font-weight:650}
h2{font-size:1.1rem;margin:2rem 0 .6rem;padding-bottom:.3rem;border-bottom:1px solid var(--line);font-weight:650}
h3.area{font-size:.95rem;margin:1.1rem 0 .3rem;color:var(--muted);font-weight:600}
.n{color:var(--muted);font-weight:400;font-size:.85em;margin-left:.3rem}
.facts{list-style:none;padding:0;margin:0;color:var(--muted);font-size:.9rem}
.facts li{margin:.15rem 0}
.note{color:var(--muted);font-size:.85rem;margin:.4rem 0}
ul.items{list-style:none;padding:0;margin:0}
ul.items li{margin:0}
button.item{display:block;width:100%;text-align:left;font:inherit;color:inherit;background:none;
border:0;border-left:3px solid transparent;border-radius:0 4px 4px 0;padding:.45rem .6rem;margin:.1rem 0;cursor:pointer}
button.item:hover{background:var(--bg)}
button.item:focus-visible{outline:2px solid var(--accent);outline-offset:1px}
button.item[aria-pressed=true]{background:#fff8db;border-left-color:var(--hl-edge)}
button.item.flagged{border-left-color:var(--warn)}
.line{display:block}
.src{display:block;margin-top:.2rem}
.chip{display:inline-block;font-size:.75rem;color:var(--muted);border:1px solid var(--line);border-radius:999px;
padding:0 .5rem;margin:0 .3rem .1rem 0;background:#fff}
.flag,.conflict,.people{display:block;font-size:.85rem;margin-top:.25rem;padding:.2rem .5rem;border-radius:3px}
.flag{color:var(--warn);background:var(--warn-bg)}
.conflict{color:var(--bad);background:#fdeeee}
.people{color:var(--muted)}
.meta{color:var(--muted);font-size:.85rem}
section.marked{border:1px solid #e6c9a8;background:var(--warn-bg);border-radius:6px;
padding:0 1rem .6rem;margin-top:2rem}
section.marked h2{border-color:#e6c9a8;margin-top:.8rem}
ul.plain{padding-left:1.1rem;margin:.3rem 0;font-size:.9rem}
ul.plain li{margin:.25rem 0}
article{margin:1.4rem 0 2.2rem}
article header h2{font-size:1.05rem;margin:0 0 .2rem;border:0;padding:0}
article .num{display:inline-block;min-width:1.6rem;color:#fff;background:var(--accent);border-radius:4px;
text-align:center;font-size:.8rem;padding:.05rem .3rem;margin-right:.3rem;vertical-align:.1rem}
article .id{font-size:.75rem;margin:0 0 .6rem}
article header p{margin:0}
a{color:var(--accent)}
.url{word-break:break-all}
.text{white-space:pre-wrap;overflow-wrap:anywhere;
font-family:Charter,"Bitstream Charter","Sitka Text",Cambria,Georgia,serif;
font-size:1rem;line-height:1.6;background:#fff;border:1px solid var(--line);border-radius:6px;padding:1rem 1.2rem}
.g.hl2{background:var(--hl2)}
.g.hl{background:var(--hl);--t:inset 0 1px 0 var(--hl-edge),inset 0 -1px 0 var(--hl-edge);box-shadow:var(--t);
-webkit-box-decoration-break:clone;box-decoration-break:clone}
.g.hl.hs{box-shadow:var(--t),inset 2px 0 0 var(--hl-edge)}
.g.hl.he{box-shadow:var(--t),inset -2px 0 0 var(--hl-edge)}
.g.hl.hs.he{box-shadow:var(--t),inset 2px 0 0 var(--hl-edge),inset -2px 0 0 var(--hl-edge)}
.key{padding:0 .3rem}.key.a{background:var(--hl);box-shadow:inset 0 0 0 1px var(--hl-edge)}.key.b{background:var(--hl2)}
@media (max-width:900px){.layout{display:block}#pane{position:static;height:auto;overflow:visible;
border-left:0;border-top:1px solid var(--line);padding-bottom:2rem}main{padding:1rem}}
@media print{.layout{display:block}#pane{position:static;height:auto;overflow:visible;border:0;background:#fff;
padding:0}#status,.noprint{display:none}button.item{padding:.2rem 0}.chip{border-color:#999}
article{break-inside:auto}section{break-inside:auto}a{color:inherit}}
"""

_SCRIPT = """(function(){"use strict";
var data=JSON.parse(document.getElementById("span-data").textContent).items;
var pane=document.getElementById("pane"),status=document.getElementById("status");
var pieces={},lit=[],current=null,stops=[],at=0;
function segs(a){if(!pieces[a]){var el=document.getElementById("text-"+a);
pieces[a]=el?el.querySelectorAll("span.g"):[];}return pieces[a];}
function mark(a,ranges,cls){var s=segs(a),first=null;for(var r=0;r<ranges.length;r++){
for(var i=ranges[r][0];i<ranges[r][1];i++){var e=s[i];if(!e)continue;e.classList.add(cls);lit.push(e);
if(!first)first=e;}if(cls==="hl"&&s[ranges[r][0]]){s[ranges[r][0]].classList.add("hs");
s[ranges[r][1]-1].classList.add("he");}}return first;}
function clear(){for(var i=0;i<lit.length;i++)lit[i].classList.remove("hl","hl2","hs","he");lit=[];
var on=document.querySelectorAll("button.item[aria-pressed=true]");
for(var j=0;j<on.length;j++)on[j].setAttribute("aria-pressed","false");}
function reveal(el){var scrolls=getComputedStyle(pane).overflowY!=="visible"&&pane.scrollHeight>pane.clientHeight;
if(scrolls){var top=el.getBoundingClientRect().top-pane.getBoundingClientRect().top+pane.scrollTop;
pane.scrollTop=Math.max(0,top-pane.clientHeight/3);}else{el.scrollIntoView({block:"center"});}}
function title(a){var h=document.querySelector("#art-"+a+" h2 .t");return "article "+(a+1)+(h?", "+h.textContent:"");}
function say(){var n=stops.length;status.textContent=n===0?"This item has no located span in the texts."
:"Source "+(at+1)+" of "+n+": "+title(stops[at].a)+(n>1?" \u2014 select the item again for the next source":"");}
function select(btn){var id=btn.getAttribute("data-item");
if(id===current&&stops.length>1){at=(at+1)%stops.length;reveal(stops[at].el);say();return;}
clear();current=id;stops=[];at=0;var srcs=data[id]||[];
for(var k=0;k<srcs.length;k++){var f=mark(srcs[k][0],srcs[k][1],"hl");var g=mark(srcs[k][0],srcs[k][2],"hl2");
if(f||g)stops.push({el:f||g,a:srcs[k][0]});}
btn.setAttribute("aria-pressed","true");if(stops.length)reveal(stops[0].el);say();}
document.addEventListener("click",function(ev){var b=ev.target.closest("button.item");if(b)select(b);});
})();"""
