"""Long articles: split at paragraph / sentence boundaries with overlap, then merge the pieces back.

:func:`plan_chunks` cuts ``[start, end)`` of the article into ranges of at most
``size`` characters that begin and end on paragraph boundaries (sentence
boundaries inside a paragraph too long for one chunk; whitespace as a last
resort), each overlapping the previous by up to ``overlap`` characters, so an
item that straddles a cut is seen whole by one of the two chunks.

:func:`assemble` grounds each piece's draft against the piece's own text, shifts
its offsets by the piece's start (so spans are offsets into the whole article),
and drops the copies of an item that two overlapping pieces both reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ...locate import ground
from ...schema import Briefing, ItemKind, SourceInfo, ValidationReport
from ...text import source_text
from .draft import Draft, to_briefing

__all__ = ["Piece", "assemble", "plan_chunks", "split_in_two"]


@dataclass(frozen=True, slots=True)
class Piece:
    """A model's draft of ``text[start:end]``."""

    start: int
    end: int
    draft: Draft
    # The draft grounded and validated against text[start:end], when the re-ask loop already did it.
    checked: tuple[Briefing, ValidationReport] | None = None


# --------------------------------------------------------------------------- splitting


def _units(text: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """Paragraphs in ``[start, end)``; a paragraph longer than ``size`` as sentences, or as words."""
    src = source_text(text)
    out: list[tuple[int, int]] = []
    for pa, pb in src.paragraphs:
        a, b = max(pa, start), min(pb, end)
        if a >= b:
            continue
        if b - a <= size:
            out.append((a, b))
            continue
        for sa, sb in src.sentences:
            x, y = max(sa, a), min(sb, b)
            if x >= y:
                continue
            out.extend([(x, y)] if y - x <= size else _hard_split(text, x, y, size))
    return out


def _hard_split(text: str, a: int, b: int, size: int) -> list[tuple[int, int]]:
    """A sentence longer than a chunk: cut at the last whitespace before each limit."""
    out: list[tuple[int, int]] = []
    while b - a > size:
        cut = text.rfind(" ", a + size // 2, a + size)
        cut = cut if cut > a else a + size
        out.append((a, cut))
        a = cut
    out.append((a, b))
    return out


def plan_chunks(text: str, *, size: int, overlap: int, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Ranges covering ``text[start:end]``, each at most ``size`` long, overlapping by up to ``overlap``."""
    end = len(text) if end is None else end
    if end - start <= size:
        return [(start, end)]
    units = _units(text, start, end, size)
    if not units:
        return [(start, end)]
    chunks: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        a = units[i][0]
        j = i
        while j + 1 < len(units) and units[j + 1][1] - a <= size:
            j += 1
        chunks.append((a, units[j][1]))
        if j + 1 >= len(units):
            break
        # The next chunk starts at the earliest unit that ends within ``overlap`` of this chunk's end.
        k = j + 1
        while k - 1 > i and units[j][1] - units[k - 1][0] <= overlap and units[j + 1][1] - units[k - 1][0] <= size:
            k -= 1
        i = k
    return chunks


def split_in_two(text: str, start: int, end: int, *, overlap: int) -> list[tuple[int, int]] | None:
    """Two overlapping halves of ``[start, end)`` for a model that ran out of tokens; None when it cannot split."""
    units = _units(text, start, end, max(1, (end - start) // 2))
    if len(units) < 2:
        return None
    middle = (start + end) / 2
    m = min(range(len(units) - 1), key=lambda i: abs(units[i][1] - middle))  # the last unit of the first half
    k = m + 1
    while k - 1 > 0 and units[m][1] - units[k - 1][0] <= overlap:
        k -= 1
    return [(units[0][0], units[m][1]), (units[k][0], units[-1][1])]


# --------------------------------------------------------------------------- merging


def _shift(node: Any, offset: int) -> Any:
    """A dumped model with every located span moved by ``offset``."""
    if isinstance(node, dict):
        out = {k: _shift(v, offset) for k, v in node.items()}
        if "status" in out and "text" in out and out.get("start") is not None:
            out["start"] += offset
            out["end"] += offset
        return out
    if isinstance(node, list):
        return [_shift(v, offset) for v in node]
    return node


def _shifted(model: BaseModel, offset: int) -> BaseModel:
    if offset == 0:
        return model
    return type(model).model_validate(_shift(model.model_dump(mode="python"), offset))


def _anchor(kind: ItemKind, item: BaseModel) -> tuple[int, int, str] | None:
    """What identifies ``item`` (its anchor field's first span and value); copies from overlapping pieces share it."""
    if kind.anchor is None:
        return None
    ev = getattr(item, kind.anchor)
    value = str(getattr(ev, "value", "")).casefold()
    span = ev.spans[0] if ev.spans else None
    if span is None or span.start is None or span.end is None:
        return (-1, -1, value)
    return (span.start, span.end, value)


def _same(kind: ItemKind, a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    if kind.same_by == "value":
        return a[2] == b[2]
    if a[0] < 0 or b[0] < 0:  # unlocated: compare the values
        return a[2] == b[2]
    return a[0] < b[1] and b[0] < a[1]


def _pieces_grounded(pieces: list[Piece], text: str, article_date: dt.date | None) -> Iterator[tuple[int, Briefing]]:
    for k, p in enumerate(pieces):
        sub = text[p.start : p.end]
        yield k, ground(to_briefing(p.draft, sub, article_date=article_date), sub)


def assemble(pieces: list[Piece], text: str, *, article_date: dt.date | None = None) -> Briefing:
    """One grounded briefing of ``text`` from the drafts of its pieces (offsets into ``text``)."""
    if len(pieces) == 1 and pieces[0].start == 0 and pieces[0].end == len(text):
        return ground(to_briefing(pieces[0].draft, text, article_date=article_date), text)
    kinds = pieces[0].draft.BRIEFING.item_kinds
    lists: dict[str, list[BaseModel]] = {kind.name: [] for kind in kinds}
    seen: dict[str, list[tuple[int, tuple[int, int, str]]]] = {kind.name: [] for kind in kinds}
    source = SourceInfo.of(text, article_date=article_date)
    for k, g in _pieces_grounded(pieces, text, article_date):
        offset = pieces[k].start
        if source.title is None and g.source.title is not None:
            source = source.model_copy(update={"title": _shifted(g.source.title, offset)})
        if source.dateline is None and g.source.dateline is not None:
            source = source.model_copy(update={"dateline": _shifted(g.source.dateline, offset)})
        for kind in kinds:
            for item in getattr(g, kind.name):
                moved = _shifted(item, offset)
                key = _anchor(kind, moved)
                if key is not None and any(pk != k and _same(kind, key, other) for pk, other in seen[kind.name]):
                    continue
                if key is not None:
                    seen[kind.name].append((k, key))
                lists[kind.name].append(moved)
    briefing = pieces[0].draft.BRIEFING
    return briefing.model_validate({"source": source, **{k: [i.model_dump() for i in v] for k, v in lists.items()}})
