"""Reading values out of text: quantities, dates, datelines, and whether a name is supported by a span.

Pure functions over short strings (a span, a sentence). Offsets in the results are
relative to the string parsed. :func:`read_dateline` reads the opening of a whole
article: the dateline ("PARIS, Nov. 2 (Reuters) -") and the date it writes.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .lexicon import (
    CASELESS,
    MARKS,
    MEASURE_UNITS,
    MONTHS,
    UPPER,
    WEEKDAYS,
    alias_keys,
    alternation,
    demonym_country,
    finditer_at_words,
    fold_name,
    table,
    words,
)
from .schema import QuantityQualifier
from .text import source_text

__all__ = [
    "Dateline",
    "ParsedDate",
    "ParsedQuantity",
    "canonical_unit",
    "name_supported",
    "parse_dates",
    "parse_quantities",
    "phrase_supported",
    "read_dateline",
]

# --------------------------------------------------------------------------- scanning


def _first_words(phrases: Iterable[str]) -> frozenset[str]:
    return frozenset(re.match(r"\w*", p).group().lower() for p in phrases)  # type: ignore[union-attr]


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
# Where a match of _QUANTITY_RE can start (see lexicon.finditer_at_words): a qualifier, "between" or "a" / "an" is
# followed by a space, so it is the whole word; a number word or a vague count may run into what follows
# it ("fiveor six", "dozenskm"), so the word only begins with it; digits are always tried.
_QUANTITY_OPENERS = _first_words((*_QUALIFIERS, "between", "a", "an"))
_QUANTITY_PREFIXES = tuple(
    sorted(_first_words((*_VAGUE, *_TENS, *(u for u in _UNITS if u not in ("a", "an", "ones")), "dozen")))
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
    for m in finditer_at_words(_QUANTITY_RE, text, _QUANTITY_OPENERS, _QUANTITY_PREFIXES):
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
# Where a match of _DATE_RE can start: every branch opens with a digit or with one of these words,
# followed by a non-word character (a dot, a space, a dash, or the pattern's closing \b).
_DATE_OPENERS = _first_words(
    (
        *MONTHS,
        *WEEKDAYS,
        *_RELATIVE_DAYS,
        *words("dates", "month_leads"),
        *words("dates", "year_leads"),
        "last",
        "next",
        "this",
    )
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
    for m in finditer_at_words(_DATE_RE, text, _DATE_OPENERS):
        g = m.groupdict()
        date: dt.date | None
        precision, year_stated = "day", True
        if g["iso"]:
            try:
                date = dt.date(int(g["iy"]), int(g["im"]), int(g["id"]))
            except ValueError:
                continue
        elif g["md"] or g["dm"]:
            month, day = _month_day(m)
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


def _month_day(m: re.Match[str]) -> tuple[int, int]:
    """The month and day of a match of ``_DATE_RE`` that names both ("Oct. 25", "25 October")."""
    return MONTHS[(m.group("m1") or m.group("m2")).lower()], int(m.group("d1") or m.group("d2"))


def _weekday(weekday: int, direction: str, ref: dt.date | None) -> dt.date | None:
    if ref is None:
        return None
    back = (ref.weekday() - weekday) % 7
    if direction == "next":
        return ref + dt.timedelta(days=(weekday - ref.weekday()) % 7 or 7)
    if direction == "last" and back == 0:
        back = 7
    return ref - dt.timedelta(days=back)


# --------------------------------------------------------------------------- datelines

# "PARIS, Nov. 2 (Reuters) -", "MOSUL, Iraq, Oct. 25 (AFP) —", "KYIV, 2 November 2024 -", "GAZA (AP) –":
# a place (in capitals, or any place before a wire service's name), an optional region or country, an
# optional date (month and day, either order, the year optional) and agency, then a dash.
_DATELINE_MONTH = rf"(?=[A-Z])(?i:{_MONTH_RE})\b\.?"
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z'’.\- ]{1,40}?|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2})"
    r"(?:, (?P<extra>[A-Z][A-Za-z.]+(?: [A-Z][a-z]+)?))?"
    rf"(?:,? (?P<date>{_DATELINE_MONTH} [0-3]?\d(?:, \d{{4}})?|[0-3]?\d {_DATELINE_MONTH}(?:,? \d{{4}})?))?"
    r"(?P<agency> ?\((?:AFP|Reuters|AP|UPI|dpa|Xinhua|Anadolu|[A-Z][A-Za-z ]{1,30})\))?"
    r" ?[-—–]{1,2} "
)
_HEADLINE_LINES = 2  # lines of the first paragraph, after the first, where a dateline may start
_DATELINE_PARAGRAPHS = 3


@dataclass(frozen=True, slots=True)
class Dateline:
    """The dateline that opens an article. ``start`` / ``end``: from the place to the agency (or the date, or
    the place), the dash left out; ``date``: the date it writes, offsets into the article, or None
    ("PARIS (Reuters) -")."""

    start: int
    end: int
    date: ParsedDate | None


def read_dateline(text: str, *, day: dt.date | None = None) -> Dateline | None:
    """The dateline at the start of the article ``text`` (after a headline and a byline, if any).

    A date written without a year takes the year that puts it nearest on or before ``day``
    (the briefing day: "Dec. 30" read on Jan. 2 is of the year before); without ``day``, such
    a date is unresolved (``date.date`` None). A written year is kept as written.
    """
    for a, b in _dateline_starts(text):
        m = _DATELINE.match(text, a, b)
        if m is None:
            continue
        place = m.group("place")
        if not (m.group("agency") or (place.isupper() and len(place) >= 3)):
            continue
        end = max(m.end(g) for g in ("place", "extra", "date", "agency") if m.group(g))
        return Dateline(m.start(), end, _dateline_date(m, day))
    return None


def _dateline_starts(text: str) -> list[tuple[int, int]]:
    """Where a dateline may start, with the end of its paragraph: the first paragraphs, and the lines of the
    first one after its first (a headline on a line of its own above the body)."""
    paras = source_text(text).paragraphs[:_DATELINE_PARAGRAPHS]
    if not paras:
        return []
    out = list(paras)
    a, b = paras[0]
    lines = [m.end() for m in re.finditer(r"\n[ \t]*", text[a:b])][:_HEADLINE_LINES]
    out[1:1] = [(a + k, b) for k in lines]
    return out


def _dateline_date(m: re.Match[str], day: dt.date | None) -> ParsedDate | None:
    if not m.group("date"):
        return None
    written = _DATE_RE.fullmatch(m.group("date"))
    if written is None or not (written.group("md") or written.group("dm")):
        return None
    month, dom = _month_day(written)
    year = written.group("y1") or written.group("y2")
    date = _make(month, dom, year, None)[0] if year else _on_or_before(month, dom, day)
    return ParsedDate(m.start("date"), m.end("date"), m.group("date"), date, "day", year is not None)


def _on_or_before(month: int, dom: int, ref: dt.date | None) -> dt.date | None:
    """The latest ``month``/``dom`` not after ``ref`` (Feb. 29: of the last leap year); None without ``ref``."""
    if ref is None:
        return None
    for year in range(ref.year, ref.year - 8, -1):
        try:
            cand = dt.date(year, month, dom)
        except ValueError:
            continue
        if cand <= ref:
            return cand
    return None


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


# A capitalised word of any script ("Koval", "Коваль"), or a word of a script with no case ("الحسيني").
_CAPITALISED = re.compile(rf"\b[{UPPER}{CASELESS}][\w{MARKS}'-]*")


def name_supported(value: str, span: str) -> bool:
    """Whether a name (person, place, organisation, country) is supported by ``span``.

    True when the span names it under any alias after folding ("U.S." / "US" /
    "United States"), by a part of a person's name ("Hollande" for "Francois
    Hollande", "Коваль" for "Олена Коваль"), or by a demonym ("Iraqi forces" for "Iraq").
    Both are compared in NFC, so that a name typed with combining marks reads as its
    precomposed spelling.
    """
    value, span = unicodedata.normalize("NFC", value), unicodedata.normalize("NFC", span)
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
    caps = [fold_name(w) for w in _CAPITALISED.findall(span)]
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
