"""Test helpers: briefings built from verbatim evidence strings, located by the library."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from summarizer.locate import ground
from summarizer.schema import Briefing, DateValue, Mention, Quantity, SourceInfo, Span

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"
ISIL = FIXTURES / "anti-isil-coalition" / "article.txt"
ISIL_DATE = dt.date(2016, 10, 26)


def isil_text() -> str:
    return ISIL.read_text(encoding="utf-8")


def m(value: str, *evidence: str) -> Mention:
    """A mention whose evidence strings default to the value itself."""
    return Mention(value=value, spans=[Span.unlocated(e) for e in (evidence or (value,))])


def qty(evidence: str, **fields: Any) -> Quantity:
    return Quantity(spans=[Span.unlocated(evidence)], **fields)


def date(evidence: str, value: dt.date, precision: str = "day") -> DateValue:
    return DateValue(spans=[Span.unlocated(evidence)], date=value, precision=precision)  # type: ignore[arg-type]


def build(text: str, article_date: dt.date | None = None, **items: Any) -> Briefing:
    """A briefing of ``text`` with ``items``, its evidence located by summarizer.locate.ground."""
    draft = Briefing(source=SourceInfo.of(text, article_date=article_date), **items)
    return ground(draft, text)
