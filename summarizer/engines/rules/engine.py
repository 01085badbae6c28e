"""The offline engine's entry point: one article in, one :class:`~summarizer.schema.Briefing` out.

Deterministic and linear in the length of the text. Input it cannot use raises a
:class:`~summarizer.errors.InputError`; input it can only partly read (HTML
markup, unbalanced quotation marks, text that does not look like English) still
gives a briefing, with what was done about it in ``provenance.notes``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from ...errors import EmptyTextError, InputError
from ...locate import iter_evidence
from ...schema import Briefing, Provenance, SourceInfo
from ...text import source_text
from .doc import Doc
from .evidence import mention
from .incidents import find_incidents
from .meetings import find_meetings
from .places import find_dateline, find_locations
from .positions import find_positions
from .quotes import find_quotes
from .summary import lead_summary, title_range

__all__ = ["extract"]

_TAG = re.compile(r"<(?:!--.{0,2000}?--|/?[A-Za-z][^<>]{0,500}?)>", re.DOTALL)
# Frequent English function words that other languages written in Latin script rarely use.
_ENGLISH = frozenset("the of and to was said that for with from were has have by is are its their which".split())
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def extract(text: str, *, article_date: dt.date | None = None) -> Briefing:
    """Brief one article with the rules engine (no model, no network).

    Every span is an exact slice of ``text``. Raises
    :class:`~summarizer.errors.EmptyTextError` for empty or whitespace-only text and
    :class:`~summarizer.errors.InputError` for text that is not a string or looks binary.
    """
    if not isinstance(text, str):
        raise InputError(f"extract() takes the article as str, got {type(text).__name__}; decode bytes first")
    if not text.strip():
        raise EmptyTextError("the article text is empty or only whitespace: pass the article's text")
    if article_date is not None and not isinstance(article_date, dt.date):
        raise InputError(f"article_date must be a datetime.date, got {type(article_date).__name__}")
    if len(_CONTROL.findall(text, 0, 4096)) > 8:
        raise InputError("the text contains control characters and looks binary: pass the article's text")
    notes: list[str] = []
    work = _mask_markup(text, notes)
    doc = Doc(source_text(work), article_date)
    _note_language(doc, notes)
    _note_quotes(doc, notes)
    quotes = find_quotes(doc)
    source = _source_info(text, doc)
    briefing = Briefing(
        source=source,
        summary=lead_summary(doc, dateline=source.dateline, title=source.title),
        quotes=quotes,
        meetings=find_meetings(doc),
        front_lines=find_positions(doc, quotes),
        incidents=find_incidents(doc, quotes),
        locations=find_locations(doc),
        provenance=Provenance(engine="rules", notes=notes),
    )
    if work is not text:
        briefing = _drop_masked(briefing, text, notes)
    return briefing


def _source_info(text: str, doc: Doc) -> SourceInfo:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    headline = title_range(doc)
    title = mention(doc.text, *headline) if headline is not None else None
    return SourceInfo(
        sha256=digest,
        length=len(text),
        title=title,
        dateline=find_dateline(doc),
        article_date=doc.article_date,
    )


def _mask_markup(text: str, notes: list[str]) -> str:
    """Blank out HTML tags (same length, so offsets hold); the original is what spans point into."""
    tags = 0

    def blank(m: re.Match[str]) -> str:
        nonlocal tags
        tags += 1
        return re.sub(r"[^\n]", " ", m.group())

    masked = _TAG.sub(blank, text)
    if tags == 0:
        return text
    notes.append(f"HTML markup: {tags} tags were read as blank space; items whose span would cross a tag were left out")
    return masked


def _drop_masked(briefing: Briefing, text: str, notes: list[str]) -> Briefing:
    """Leave out items whose spans cross masked markup (their text would differ from the source)."""
    kept: dict[str, list[object]] = {}
    dropped = 0
    for name in (kind.name for kind in briefing.item_kinds):  # the schema's registry of item kinds
        items = getattr(briefing, name)
        good = [
            it
            for it in items
            if all(_exact(s.start, s.end, s.text, text) for _, ev in iter_evidence(it) for s in ev.spans)
        ]
        dropped += len(items) - len(good)
        kept[name] = good
    source = briefing.source
    if source.title is not None and not all(_exact(s.start, s.end, s.text, text) for s in source.title.spans):
        source = source.model_copy(update={"title": None})
    if dropped:
        notes.append(f"{dropped} item(s) crossed HTML markup and were left out")
    prov = briefing.provenance.model_copy(update={"notes": notes}) if briefing.provenance else None
    return briefing.model_copy(update={**kept, "source": source, "provenance": prov})


def _exact(start: int | None, end: int | None, span_text: str, text: str) -> bool:
    return start is not None and end is not None and text[start:end] == span_text


def _note_language(doc: Doc, notes: list[str]) -> None:
    words = re.findall(r"[^\W\d_]+", doc.text[:20000].lower())
    if len(words) < 20:
        return
    share = sum(1 for w in words if w in _ENGLISH) / len(words)
    if share < 0.03:
        notes.append(
            f"the text does not look like English ({share:.0%} common English words): "
            "the rules engine reads English cue words only, so little or nothing may be found"
        )


def _note_quotes(doc: Doc, notes: list[str]) -> None:
    unclosed = sum(1 for q in doc.regions if not q.closed)
    if unclosed:
        notes.append(
            f"unbalanced quotation marks: {unclosed} quotation(s) never close; their text was not taken as a quote"
        )
