"""The coverage audit: what the source says that a briefing leaves out.

``audit(briefing, source)`` lists the direct quotations, casualty figures and dates
of the source and checks each against the briefing's spans. It answers the question
precision cannot: the validator proves that what a briefing says is in the article;
the audit measures how much of what the article says the briefing kept. Pure and
linear in the length of the source.

- A *quotation* is any quotation of three words or more, or a shorter one in a sentence
  with a speech verb; it is covered when the briefing's quote spans cover at least half of it.
- A *casualty figure* is a number in the same clause as a casualty word ("killed",
  "wounded", "displaced", "fled" ...); it is covered when a quantity, quote or summary
  span of the briefing contains it.
- A *date* is any date expression ("Oct. 25", "on Tuesday", "yesterday"); it is
  covered when a date, quote or summary span of the briefing contains it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from .errors import InputError
from .lexicon import SPEECH_RE, alternation, finditer_at_words, words
from .locate import iter_evidence
from .parse import parse_dates, parse_quantities
from .schema import Briefing, Coverage, CoverageItem, DateValue, Quantity, Quote, Span, SummaryPoint
from .text import QuoteRegion, SourceText, source_text

__all__ = ["audit"]

_MIN_QUOTE_WORDS = 3
_CASUALTY = re.compile(rf"\b(?:{alternation(words('incidents', 'casualty_words'))})\b", re.IGNORECASE)
# Each casualty phrase opens with a word followed by a space or the closing \b: a match opens a word that is
# one of these (lexicon.finditer_at_words); None if a phrase of the data file does not open with a word.
_CASUALTY_OPENERS = (
    frozenset(m.group().lower() for m in map(re.compile(r"\w+").match, words("incidents", "casualty_words")) if m)
    if all(re.match(r"\w", w) for w in words("incidents", "casualty_words"))
    else None
)
_CLAUSE = re.compile(r"[;,.:!?]\s|\s[—–-]\s")
_WINDOW = 80  # a figure counts when it lies this close to a casualty word, inside the same clause


def audit(briefing: Briefing, source: str) -> Coverage:
    """Direct quotations, casualty figures and dates of ``source`` that ``briefing`` does not cover."""
    if not isinstance(briefing, Briefing):
        raise InputError(f"audit() takes a Briefing, got {type(briefing).__name__}")
    if not isinstance(source, str):
        raise InputError(f"audit() takes the source text as str, got {type(source).__name__}")
    src = source_text(source)
    spans = _spans(briefing)
    quote_spans = _union(spans[Quote])
    broad = spans[Quote] + spans[SummaryPoint]
    figure_spans = _union(spans[Quantity] + broad)
    date_spans = _union(spans[DateValue] + broad)
    found: list[tuple[CoverageItem, bool]] = []
    for a, b in _quotations(src, spans[Quote]):
        item = CoverageItem(kind="quote", start=a, end=b, text=source[a:b])
        found.append((item, _covered_half(a, b, quote_spans)))
    dates = _dates(src)
    for a, b in _figures(src, dates):
        found.append((CoverageItem(kind="figure", start=a, end=b, text=source[a:b]), _inside(a, b, figure_spans)))
    for a, b in dates:
        found.append((CoverageItem(kind="date", start=a, end=b, text=source[a:b]), _inside(a, b, date_spans)))
    missing = tuple(sorted((item for item, ok in found if not ok), key=lambda i: (i.start, i.kind)))
    return Coverage(found=len(found), covered=len(found) - len(missing), missing=missing)


# --------------------------------------------------------------------------- what the source holds


def _quotations(src: SourceText, quoted: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Content ranges of the source's quotations worth covering (``quoted``: the briefing's quote spans)."""
    out: list[tuple[int, int]] = []
    short: list[tuple[QuoteRegion, int, int]] = []
    for q in src.quote_index().regions:
        if not q.closed:
            continue
        a, b = q.inner_start, q.inner_end
        while a < b and src.text[a].isspace():
            a += 1
        while b > a and src.text[b - 1].isspace():
            b -= 1
        if b <= a:
            continue
        if len(src.text[a:b].split(None, _MIN_QUOTE_WORDS - 1)) >= _MIN_QUOTE_WORDS:
            out.append((a, b))
        else:
            short.append((q, a, b))
    attributed = _attributed(src, [q for q, _, _ in short], quoted)
    out.extend((a, b) for q, a, b in short if (a, b) in attributed)
    return sorted(out)


def _attributed(src: SourceText, regions: list[QuoteRegion], quoted: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which of the short quotations ``regions`` are worth covering: those the briefing quotes
    (``quoted``), and those whose sentence has a speech verb (He appealed for “vigilance”); a
    scare-quoted word in plain narration is not a quotation."""
    out = set(quoted)
    # Quotations do not overlap, so a sentence lies in at most three distinct windows: with each
    # window searched once, the searches read the text about once in all, however many
    # quotations share a sentence (one endless sentence of quotation marks).
    speech: dict[tuple[int, int], bool] = {}
    for q in regions:
        win = src.sentence_window(q.start, q.end, radius=0)
        found = speech.get(win)
        if found is None:
            found = speech[win] = SPEECH_RE.search(src.text, *win) is not None
        if found:
            out.add((q.inner_start, q.inner_end))
    return out


def _figures(src: SourceText, date_ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    text = src.text
    dates = _union(date_ranges)
    out: list[tuple[int, int]] = []
    for a, b in src.sentences:
        found = (
            _CASUALTY.finditer(text, a, b)
            if _CASUALTY_OPENERS is None
            else finditer_at_words(_CASUALTY, text, _CASUALTY_OPENERS, pos=a, endpos=b)
        )
        cues = [m.start() for m in found]
        if not cues:
            continue
        for q in parse_quantities(text[a:b]):
            qa, qb = a + q.start, a + q.end
            if q.unit is not None or _is_year(text[qa:qb]) or _overlap(qa, qb, dates):
                continue  # a distance, a year, or the day of a date ("Oct. 25")
            # Only the cues within the window can share the figure's clause: bisect to them, so that a
            # long sentence full of figures and cues costs no more per figure than a short one.
            near = cues[bisect.bisect_left(cues, qa - _WINDOW) : bisect.bisect_right(cues, qb + _WINDOW)]
            if any(_same_clause(text, qa, qb, c) for c in near):
                out.append((qa, qb))
    return out


def _is_year(s: str) -> bool:
    return re.fullmatch(r"(?:19|20)\d\d", s.strip()) is not None


def _same_clause(text: str, qa: int, qb: int, cue: int) -> bool:
    lo, hi = (qb, cue) if cue >= qb else (cue, qa)
    if hi - lo > _WINDOW:
        return False
    return _CLAUSE.search(text, lo, hi) is None


def _dates(src: SourceText) -> list[tuple[int, int]]:
    return [(d.start, d.end) for d in parse_dates(src.text)]


# --------------------------------------------------------------------------- what the briefing covers


_KINDS = (Quantity, DateValue, SummaryPoint)


def _spans(briefing: Briefing) -> dict[type, list[tuple[int, int]]]:
    """Located spans of the quotes' texts, and of every quantity, date and summary point: one walk of the
    briefing (it was one walk per kind)."""
    out: dict[type, list[tuple[int, int]]] = {Quote: [], **{kind: [] for kind in _KINDS}}
    for prefix, item in briefing.items():
        if isinstance(item, Quote):
            out[Quote].extend(_located(item.text.spans))
        for _, ev in iter_evidence(item, prefix):
            for kind in _KINDS:
                if isinstance(ev, kind):
                    out[kind].extend(_located(ev.spans))
    return out


def _located(spans: Iterable[Span]) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in spans if s.start is not None and s.end is not None]


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint ranges covering the same characters as ``spans``."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _overlap(a: int, b: int, union: list[tuple[int, int]]) -> int:
    """How many characters of ``[a, b)`` the disjoint ranges ``union`` cover."""
    i = max(0, bisect.bisect_right(union, (a, a)) - 1)
    covered = 0
    while i < len(union) and union[i][0] < b:
        s, e = union[i]
        covered += max(0, min(e, b) - max(s, a))
        i += 1
    return covered


def _covered_half(a: int, b: int, union: list[tuple[int, int]]) -> bool:
    return _overlap(a, b, union) * 2 >= b - a


def _inside(a: int, b: int, union: list[tuple[int, int]]) -> bool:
    return _overlap(a, b, union) == b - a
