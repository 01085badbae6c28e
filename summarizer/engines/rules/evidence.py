"""Evidence from exact offsets: every span the rules engine emits is a slice of the source.

The rules engine reads offsets straight off the source, so its spans are exact by
construction: ``Span(start, end, text=text[start:end], status="exact")``. Values are
the sliced text with whitespace runs folded to one space.
"""

from __future__ import annotations

import datetime as dt

from ...parse import ParsedDate, ParsedQuantity, parse_dates, parse_quantities
from ...schema import DatePrecision, DateValue, MatchStatus, Mention, Quantity, QuantityQualifier, Span

__all__ = ["dates_in", "day_key", "mention", "quantities_in", "span", "to_date", "to_quantity", "trim"]

_TRIM_TAIL = " \t\r\n,;:"


def span(text: str, start: int, end: int) -> Span:
    """The exact span ``text[start:end]``."""
    return Span(start=start, end=end, text=text[start:end], status=MatchStatus.EXACT)


def trim(text: str, start: int, end: int, *, tail: str = _TRIM_TAIL) -> tuple[int, int]:
    """Narrow ``[start, end)`` past leading whitespace and trailing whitespace / ``tail`` characters."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in tail:
        end -= 1
    return start, end


def mention(text: str, start: int, end: int, value: str | None = None) -> Mention | None:
    """A mention of ``text[start:end]`` (trimmed); None when nothing is left."""
    start, end = trim(text, start, end)
    if end <= start:
        return None
    shown = value if value is not None else " ".join(text[start:end].split())
    if not shown:
        return None
    return Mention(value=shown, spans=[span(text, start, end)])


def to_quantity(text: str, base: int, pq: ParsedQuantity) -> Quantity:
    """A :class:`Quantity` from a quantity parsed out of ``text[base:...]``."""
    return Quantity(
        low=pq.low,
        high=pq.high,
        best=pq.best,
        qualifier=QuantityQualifier(pq.qualifier),
        unit=pq.unit,
        spans=[span(text, base + pq.start, base + pq.end)],
    )


def quantities_in(text: str, start: int, end: int) -> list[tuple[int, int, ParsedQuantity]]:
    """Quantities stated in ``text[start:end]`` as (absolute start, absolute end, parsed)."""
    return [(start + q.start, start + q.end, q) for q in parse_quantities(text[start:end])]


def to_date(text: str, base: int, pd: ParsedDate, article_date: dt.date | None) -> DateValue | None:
    """A :class:`DateValue`, or None for a day that does not exist ("Feb. 30, 2024").

    Its ``date`` is None (unresolved, the span kept as evidence) when the calendar date needs the
    article date and none is known ("on Tuesday", "Oct. 25"): a year is never guessed.
    """
    known = pd.year_stated or article_date is not None
    if known and pd.date is None:
        return None
    return DateValue(
        date=pd.date if known else None,
        precision=DatePrecision(pd.precision),
        spans=[span(text, base + pd.start, base + pd.end)],
    )


def dates_in(text: str, start: int, end: int, article_date: dt.date | None) -> list[tuple[int, DateValue]]:
    """Dates stated in ``text[start:end]`` as (absolute start, value), resolved where they can be."""
    out: list[tuple[int, DateValue]] = []
    for pd in parse_dates(text[start:end], article_date):
        value = to_date(text, start, pd, article_date)
        if value is not None:
            out.append((start + pd.start, value))
    return out


def day_key(d: DateValue) -> dt.date | str:
    """What makes two dates the same day: the calendar date, or the words of an unresolved one ("tuesday")."""
    if d.date is not None:
        return d.date
    return " ".join(d.spans[0].text.lower().split()) if d.spans else ""
