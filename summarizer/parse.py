"""Reading values out of text: quantities, dates, and whether a name is supported by a span.

Pure functions over short strings (a span, a sentence). Offsets in the results are
relative to the string parsed.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from .lexicon import MEASURE_UNITS, MONTHS, WEEKDAYS, alias_keys, alternation, demonym_country, fold_name, table, words
from .schema import QuantityQualifier

__all__ = [
    "ParsedDate",
    "ParsedQuantity",
    "canonical_unit",
    "name_supported",
    "parse_dates",
    "parse_quantities",
    "phrase_supported",
]

# --------------------------------------------------------------------------- numbers

# Number words, scales, vague counts, qualifiers and units: summarizer/data/quantities.toml.
_UNITS: dict[str, int] = table("quantities", "small_numbers")
_TENS: dict[str, int] = table("quantities", "tens")
_SCALES: dict[str, int] = table("quantities", "scales")
_VAGUE: dict[str, int] = table("quantities", "vague_counts")
_QUALIFIERS = {words: QuantityQualifier(q) for words, q in table("quantities", "qualifiers").items()}
_UNIT_WORDS = MEASURE_UNITS

_WORD_NUM = (
    r"(?:(?:"
    + "|".join(sorted(list(_TENS) + [u for u in _UNITS if u not in ("a", "an", "ones")], key=len, reverse=True))
    + r")(?:[\s-]+(?:"
    + "|".join(sorted([*_TENS, *_UNITS, *_SCALES, "and"], key=len, reverse=True))
    + r"))*"
    + r"|(?:a|an)\s+(?:hundred|thousand|million|dozen))"
)
_DIGIT_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUM = rf"(?:{_DIGIT_NUM})(?:\s+(?:million|billion|thousand))?|{_WORD_NUM}|dozen"
_VAGUE_RE = "|".join(sorted((re.escape(v) for v in _VAGUE), key=len, reverse=True))
_QUAL_RE = "|".join(sorted((re.escape(q) for q in _QUALIFIERS), key=len, reverse=True))
_UNIT_RE = "|".join(sorted((re.escape(u) for u in _UNIT_WORDS), key=len, reverse=True))
_QUANTITY_RE = re.compile(
    rf"\b(?:(?P<qual>{_QUAL_RE})\s+)?"
    rf"(?:(?P<vague>{_VAGUE_RE})"
    rf"|(?:between\s+)?(?P<a>{_NUM})(?:\s*(?:-|–|—|or|to|and)\s*(?P<b>{_NUM}))?)"
    rf"(?:\s*(?P<unit>{_UNIT_RE})\b)?(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ParsedQuantity:
    start: int
    end: int
    text: str
    low: float | None
    high: float | None
    best: float | None
    qualifier: QuantityQualifier
    unit: str | None


def _word_value(words: str) -> float | None:
    total, current = 0.0, 0.0
    seen = False
    for w in re.split(r"[\s-]+", words.lower()):
        if w in ("and", ""):
            continue
        if w in ("a", "an"):
            current = max(current, 1)
            seen = True
        elif w in _UNITS:
            current += _UNITS[w]
            seen = True
        elif w in _TENS:
            current += _TENS[w]
            seen = True
        elif w == "dozen":
            current = (current or 1) * 12
            seen = True
        elif w == "hundred":
            current = (current or 1) * 100
            seen = True
        elif w in _SCALES:
            total += (current or 1) * _SCALES[w]
            current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def _number_value(s: str) -> float | None:
    s = s.strip()
    m = re.fullmatch(r"([\d.,]+)(?:\s+(million|billion|thousand))?", s, re.IGNORECASE)
    if m:
        try:
            value = float(m.group(1).replace(",", ""))
        except ValueError:
            return None
        if m.group(2):
            value *= _SCALES[m.group(2).lower()]
        return value
    return _word_value(s)


def canonical_unit(word: str | None) -> str | None:
    if word is None:
        return None
    return _UNIT_WORDS.get(word.lower().strip(), word.lower().strip())


def parse_quantities(text: str) -> list[ParsedQuantity]:
    """Every quantity stated in ``text``: numbers, number words, ranges, qualifiers, vague counts."""
    out: list[ParsedQuantity] = []
    for m in _QUANTITY_RE.finditer(text):
        qual = _QUALIFIERS.get(m.group("qual").lower()) if m.group("qual") else None
        unit = canonical_unit(m.group("unit"))
        if m.group("vague"):
            v = float(_VAGUE[re.sub(r"\s+", " ", m.group("vague").lower())])
            out.append(
                ParsedQuantity(m.start(), m.end(), m.group(), v, None, None, qual or QuantityQualifier.VAGUE, unit)
            )
            continue
        a = _number_value(m.group("a"))
        if a is None:
            continue
        if m.group("a").lower() in ("a", "an"):
            continue
        b = _number_value(m.group("b")) if m.group("b") else None
        if b is not None and b > a:
            out.append(ParsedQuantity(m.start(), m.end(), m.group(), a, b, None, qual or QuantityQualifier.RANGE, unit))
            continue
        if b is not None:  # "5 and 3" is not a range: keep the first number only
            end = m.start("a") + len(m.group("a"))
            out.append(_single(m.start(), end, text[m.start() : end], a, qual, None))
            continue
        out.append(_single(m.start(), m.end(), m.group(), a, qual, unit))
    return out


def _single(
    start: int, end: int, text: str, v: float, qual: QuantityQualifier | None, unit: str | None
) -> ParsedQuantity:
    if qual in (QuantityQualifier.AT_LEAST, QuantityQualifier.MORE_THAN):
        return ParsedQuantity(start, end, text, v, None, None, qual, unit)
    if qual in (QuantityQualifier.AT_MOST, QuantityQualifier.LESS_THAN):
        return ParsedQuantity(start, end, text, None, v, None, qual, unit)
    if qual is QuantityQualifier.APPROXIMATE:
        return ParsedQuantity(start, end, text, None, None, v, qual, unit)
    return ParsedQuantity(start, end, text, v, v, v, QuantityQualifier.EXACT, unit)


# --------------------------------------------------------------------------- dates

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
# A month named alone needs its full name, and never "may" (the modal): "in March", not "in may".
_LONE_MONTH_RE = alternation(set(table("dates", "month_names")) - {"may"})
_RELATIVE_DAYS = table("dates", "relative_days")
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_DATE_RE = re.compile(
    rf"\b(?:(?P<iso>(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}}))"
    rf"|(?P<md>(?P<m1>{_MONTH_RE})\.?\s+{_DAY.replace('day', 'd1')}(?:,?\s+(?P<y1>\d{{4}}))?)"
    rf"|(?P<dm>{_DAY.replace('day', 'd2')}\s+(?:of\s+)?(?P<m2>{_MONTH_RE})\.?(?:,?\s+(?P<y2>\d{{4}}))?)"
    rf"|(?P<my>(?P<m3>{_MONTH_RE})\.?,?\s+(?P<y3>\d{{4}}))"
    rf"|(?P<mo>(?:{alternation(words('dates', 'month_leads'))})\s+(?P<m4>{_LONE_MONTH_RE}))"
    rf"|(?P<yr>(?:{alternation(words('dates', 'year_leads'))})\s+(?P<y5>(?:19|20)\d{{2}}))"
    rf"|(?P<rel>(?P<dir>last|next|this)\s+)?(?P<wd>{alternation(WEEKDAYS)})"
    rf"|(?P<near>{alternation(_RELATIVE_DAYS)}))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ParsedDate:
    start: int
    end: int
    text: str
    date: dt.date | None  # None when it cannot be resolved (weekday with no article date)
    precision: str  # "day" | "month" | "year"
    year_stated: bool


def _nearest_year(month: int, day: int, ref: dt.date) -> dt.date | None:
    best: dt.date | None = None
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            cand = dt.date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((cand - ref).days) < abs((best - ref).days):
            best = cand
    return best


def _make(month: int, day: int, year: str | None, ref: dt.date | None) -> tuple[dt.date | None, bool]:
    if year:
        try:
            return dt.date(int(year), month, day), True
        except ValueError:
            return None, True
    if ref is None:
        try:
            return dt.date(1900, month, day), False  # placeholder year; caller compares month/day
        except ValueError:
            return None, False
    return _nearest_year(month, day, ref), False


def parse_dates(text: str, article_date: dt.date | None = None) -> list[ParsedDate]:
    """Dates stated in ``text``, resolved against ``article_date`` ("Oct. 25", "on Tuesday",
    "yesterday"). A date with no year and no article date gets year 1900 and
    ``year_stated=False``: compare its month and day only."""
    out: list[ParsedDate] = []
    for m in _DATE_RE.finditer(text):
        g = m.groupdict()
        date: dt.date | None
        precision, year_stated = "day", True
        if g["iso"]:
            try:
                date = dt.date(int(g["iy"]), int(g["im"]), int(g["id"]))
            except ValueError:
                continue
        elif g["md"] or g["dm"]:
            month = MONTHS[(g["m1"] or g["m2"]).lower()]
            day = int(g["d1"] or g["d2"])
            if not 1 <= day <= 31:
                continue
            date, year_stated = _make(month, day, g["y1"] or g["y2"], article_date)
        elif g["my"]:
            date, precision = dt.date(int(g["y3"]), MONTHS[g["m3"].lower()], 1), "month"
        elif g["mo"]:
            month = MONTHS[g["m4"].lower()]
            year_stated = False
            date = _nearest_year(month, 1, article_date) if article_date else dt.date(1900, month, 1)
            precision = "month"
        elif g["yr"]:
            date, precision = dt.date(int(g["y5"]), 1, 1), "year"
        elif g["wd"]:
            date = _weekday(WEEKDAYS[g["wd"].lower()], (g["dir"] or "").lower(), article_date)
            year_stated = article_date is not None
        else:
            shift = _RELATIVE_DAYS[g["near"].lower()]
            date = None if article_date is None else article_date + dt.timedelta(days=shift)
            year_stated = article_date is not None
        out.append(ParsedDate(m.start(), m.end(), m.group(), date, precision, year_stated))
    return out


def _weekday(weekday: int, direction: str, ref: dt.date | None) -> dt.date | None:
    if ref is None:
        return None
    back = (ref.weekday() - weekday) % 7
    if direction == "next":
        return ref + dt.timedelta(days=(weekday - ref.weekday()) % 7 or 7)
    if direction == "last" and back == 0:
        back = 7
    return ref - dt.timedelta(days=back)


# --------------------------------------------------------------------------- names

_STOP = frozenset("the a an of and in on at for to from by with its their his her s de al el la le".split())


@functools.lru_cache(maxsize=4096)
def _tokens(s: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", fold_name(s)))


def _contains_seq(hay: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    if n == 0 or n > len(hay):
        return False
    return any(hay[i : i + n] == needle for i in range(len(hay) - n + 1))


def _short_form_in(key: str, span: str) -> bool:
    """Short aliases ("US", "UK", "UN") must appear in capitals: "us" the pronoun is not the US."""
    undotted = span.replace(".", "")
    return re.search(rf"\b{re.escape(key.upper())}\b", undotted) is not None


def name_supported(value: str, span: str) -> bool:
    """Whether a name (person, place, organisation, country) is supported by ``span``.

    True when the span names it under any alias after folding ("U.S." / "US" /
    "United States"), by a part of a person's name ("Hollande" for "Francois
    Hollande"), or by a demonym ("Iraqi forces" for "Iraq").
    """
    span_toks = _tokens(span)
    for key in alias_keys(value):
        toks = tuple(key.split())
        if not toks:
            continue
        if len(key.replace(" ", "")) <= 3:
            if _short_form_in(key, span):
                return True
        elif _contains_seq(span_toks, toks):
            return True
    value_toks = [t for t in _tokens(value) if t not in _STOP]
    if not value_toks:
        return False
    # A part of the name: the span's capitalised tokens all belong to the value.
    caps = [fold_name(w) for w in re.findall(r"\b[A-Z][\w'-]*", span)]
    caps = [c for w in caps for c in re.findall(r"\w+", w) if c not in _STOP]
    if caps and len(max(caps, key=len)) >= 3 and all(c in value_toks for c in caps):
        return True
    # A demonym: "Iraqi" supports "Iraq".
    for word in re.findall(r"\b[A-Z][a-z]+\b", span):
        country = demonym_country(word)
        if country is not None and fold_name(country) in alias_keys(value):
            return True
    return False


def phrase_supported(value: str, span: str) -> bool:
    """Whether a free phrase (a cue, a topic, a force) is supported: it occurs in the span
    after folding, or all its content words do, or it is a supported name."""
    v, s = _tokens(value), _tokens(span)
    if _contains_seq(s, v):
        return True
    content = [t for t in v if t not in _STOP]
    if content and all(t in s for t in content):
        return True
    return name_supported(value, span)
