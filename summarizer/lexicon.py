"""Word lists shared by the validator, the offline engine and the coverage audit.

The lists themselves are data: ``summarizer/data/<domain>.toml`` (format and rules in
``summarizer/data/README.md``), read here once and exposed as :func:`words`,
:func:`table` and :func:`pattern`, and as the derived forms below (speech verbs in every
inflection, a regular expression of them).

Countries come from ``pycountry`` (ISO 3166, maintained upstream); what ISO does
not carry (short forms such as "U.S.", demonyms, common organisations) is listed
here once.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import Any

import pycountry

__all__ = [
    "CASELESS",
    "DISTANCE_UNITS",
    "LOWER",
    "MARKS",
    "MEASURE_UNITS",
    "MONTHS",
    "PERSON_TITLES",
    "PRONOUNS",
    "SPEECH_FORMS",
    "SPEECH_RE",
    "SPEECH_VERBS",
    "UPPER",
    "WEEKDAYS",
    "alias_keys",
    "alternation",
    "country_names",
    "data_files",
    "demonym_country",
    "finditer_at_words",
    "fold_name",
    "is_capitalised",
    "is_country",
    "pattern",
    "table",
    "words",
]

# --------------------------------------------------------------------------- the data files


@functools.cache
def _domain(name: str) -> dict[str, Any]:
    """``summarizer/data/<name>.toml``, parsed once (the format: summarizer/data/README.md)."""
    with resources.files("summarizer").joinpath("data", f"{name}.toml").open("rb") as f:
        return tomllib.load(f)


def _entry(domain: str, name: str, key: str) -> Any:
    try:
        return _domain(domain)[name][key]
    except KeyError as exc:
        raise KeyError(f"summarizer/data/{domain}.toml has no [{name}] with a {key!r} key") from exc


def words(domain: str, name: str) -> frozenset[str]:
    """The word list ``[name].words`` of ``summarizer/data/<domain>.toml``."""
    return frozenset(_entry(domain, name, "words"))


def table(domain: str, name: str) -> dict[str, Any]:
    """The mapping ``[name].table`` of ``summarizer/data/<domain>.toml``."""
    return dict(_entry(domain, name, "table"))


def pattern(domain: str, name: str) -> str:
    """The regular expression ``[name].pattern`` of ``summarizer/data/<domain>.toml``."""
    return str(_entry(domain, name, "pattern"))


def alternation(phrases: Iterable[str]) -> str:
    """The phrases as the branches of a regular expression, longest first ("gun battle" before "gun"),
    escaped, a space in a phrase matching any run of whitespace: ``a\\s+b|c`` (wrap it in a group)."""
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(set(phrases), key=lambda p: (-len(p), p)))


_WORD_RUN = re.compile(r"\w+")


def finditer_at_words(
    pattern: re.Pattern[str],
    text: str,
    openers: frozenset[str],
    prefixes: tuple[str, ...] = (),
    pos: int = 0,
    endpos: int | None = None,
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, pos, endpos)`` for a case-insensitive pattern whose every match opens a word
    (after a \\b) whose letters are one of ``openers`` or begin with one of ``prefixes`` (lowercase).

    The pattern is tried only at such words, and at every word with a digit, an underscore or a
    non-ASCII letter, instead of at every position of the text: the same matches, for a fraction
    of the cost of a pattern with many alternatives on a long text.
    """
    end = len(text) if endpos is None else endpos
    last = pos
    match = pattern.match
    for w in _WORD_RUN.finditer(text, pos, end):
        start = w.start()
        if start < last:
            continue
        word = w.group()
        if word.isascii() and word.isalpha():  # ASCII letters: case-insensitive equality is lower() equality
            low = word.lower()
            if low not in openers and not low.startswith(prefixes):
                continue
        m = match(text, start, end)
        if m is not None:
            last = m.end()
            yield m


def data_files() -> list[str]:
    """The domains there are data files for (``speech``, ``names``, ...)."""
    folder = resources.files("summarizer").joinpath("data")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


# --------------------------------------------------------------------------- speech

SPEECH_VERBS = words("speech", "speech_verbs")


def _inflections(verb: str) -> set[str]:
    forms = {verb, verb + "s", verb + "ed", verb + "ing"}
    if verb.endswith("e"):
        forms |= {verb + "d", verb[:-1] + "ing"}
    if verb.endswith("y"):
        forms |= {verb[:-1] + "ied", verb[:-1] + "ies"}
    if verb.endswith(("sh", "ch", "ss", "x")):
        forms.add(verb + "es")
    return forms


# Speech verbs in every form: "warned", "denies", "told", "wrote", "according to".
_IRREGULAR_SPEECH = frozenset(table("speech", "irregular_forms")) | words("speech", "speech_phrases")
# The one-word forms, lower case, for a word-by-word scan (SPEECH_RE also has the multi-word ones).
SPEECH_FORMS = frozenset(
    {f for v in SPEECH_VERBS for f in _inflections(v)} | {w for w in _IRREGULAR_SPEECH if " " not in w}
)
SPEECH_RE = re.compile(
    r"\b(?:" + "|".join(sorted(SPEECH_FORMS | _IRREGULAR_SPEECH, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)

PRONOUNS = {
    "he": "m",
    "him": "m",
    "his": "m",
    "she": "f",
    "her": "f",
    "they": "p",
    "them": "p",
    "their": "p",
}

PERSON_TITLES = words("names", "person_titles")

# Month names and short forms -> month number; weekday names -> Monday 0 (summarizer/data/dates.toml).
MONTHS = table("dates", "month_names") | table("dates", "month_abbreviations")
WEEKDAYS = table("dates", "weekdays")

# --------------------------------------------------------------------------- quantities

# Unit word -> canonical unit ("kilometres" -> "km"), and the words of a distance among them ("m" and
# "mi" alone are left out: "10 m" is as often ten million).
MEASURE_UNITS: dict[str, str] = table("quantities", "measure_units")
DISTANCE_UNITS = frozenset(w for w, unit in MEASURE_UNITS.items() if unit in ("km", "mi", "m")) - {"m", "mi"}

# --------------------------------------------------------------------------- letters of every script
#
# Names are read in any script, not only in ASCII: a Cyrillic name is capitalised as a Latin one is,
# an Arabic one has no case at all, and a name typed with combining marks (NFD: "e" + U+0301) holds
# marks between its letters. These are the bodies of regular-expression character classes (``[...]``)
# of the Basic Multilingual Plane's letters and marks by Unicode category, built once.


def _char_classes(*categories: str) -> dict[str, str]:
    """Each category's BMP code points as the escaped ranges of a character class, in one pass."""
    ranges: dict[str, list[tuple[int, int]]] = {cat: [] for cat in categories}
    for cp in range(0x10000):
        spans = ranges.get(unicodedata.category(chr(cp)))
        if spans is None:
            continue
        if spans and spans[-1][1] == cp - 1:
            spans[-1] = (spans[-1][0], cp)
        else:
            spans.append((cp, cp))
    return {
        cat: "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in spans)
        for cat, spans in ranges.items()
    }


_CLASSES = _char_classes("Lu", "Lt", "Ll", "Lo", "Mn", "Mc")
UPPER = _CLASSES["Lu"] + _CLASSES["Lt"]  # capitals of every cased script: "K", "É", "Ł", "К"
LOWER = _CLASSES["Ll"]
CASELESS = _CLASSES["Lo"]  # letters of scripts with no case: Arabic, Hebrew, CJK, ...
MARKS = _CLASSES["Mn"] + _CLASSES["Mc"]  # combining marks: what follows a letter in NFD text, Arabic vowel signs


def is_capitalised(word: str) -> bool:
    """Whether a word opens with a capital, or with a letter of a script that has no case (Arabic "الحسيني"):
    what may begin a name in any script."""
    first = word[:1]
    return first.isupper() or first.istitle() or (first.isalpha() and first.lower() == first.upper())


# --------------------------------------------------------------------------- places

# Short forms and names ISO 3166 does not carry, keyed by the ISO alpha-2 code; demonyms (adjective -> country code,
# None for those of no single country); organisations with short forms: summarizer/data/places.toml, organisations.toml.
_EXTRA_COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    code: tuple(names) for code, names in table("places", "country_aliases").items()
}
_DEMONYMS: dict[str, str | None] = {
    **table("places", "demonyms"),
    **dict.fromkeys(words("places", "demonyms_of_no_country")),
}
_ORG_ALIASES = tuple((short, *names) for short, names in table("organisations", "org_aliases").items())


@functools.lru_cache(maxsize=65536)
@functools.lru_cache(maxsize=8192)
def fold_name(s: str) -> str:
    """Name key: NFKD without diacritics, case-folded, dots and quote marks dropped, dashes
    and whitespace to single spaces. "U.S." -> "us", "François" -> "francois".

    Memoised (a pure function of its argument: the same names are folded again and again)."""
    if not s.isascii():  # ASCII is its own NFKD and has no combining marks
        s = unicodedata.normalize("NFKD", s)
        s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r"['’]s\b", "", s.casefold())
    s = re.sub(r"[.'\"“”‘’]", "", s)
    s = re.sub(r"[\s\-‐‑‒–—]+", " ", s)
    return s.strip()


@functools.lru_cache(maxsize=1)
def _alias_groups() -> dict[str, frozenset[str]]:
    """Folded alias -> the folded aliases of the same entity (itself included)."""
    groups: list[set[str]] = []
    for country in pycountry.countries:
        names = {country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)}
        names |= set(_EXTRA_COUNTRY_ALIASES.get(country.alpha_2, ()))
        groups.append({fold_name(n) for n in names if n})
    groups.extend({fold_name(n) for n in g} for g in _ORG_ALIASES)
    out: dict[str, frozenset[str]] = {}
    for g in groups:
        frozen = frozenset(g)
        for name in g:
            out[name] = out.get(name, frozenset()) | frozen
    return out


@functools.lru_cache(maxsize=1)
def _country_keys() -> frozenset[str]:
    keys: set[str] = set()
    for country in pycountry.countries:
        for n in (country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)):
            if n:
                keys.add(fold_name(n))
        keys |= {fold_name(n) for n in _EXTRA_COUNTRY_ALIASES.get(country.alpha_2, ())}
    return frozenset(keys)


@functools.lru_cache(maxsize=16384)
def alias_keys(name: str) -> frozenset[str]:
    """Folded forms under which ``name`` may appear: itself plus known aliases."""
    key = fold_name(name)
    keys = set(_alias_groups().get(key, frozenset()))
    keys.add(key)
    if key.startswith("the "):
        keys |= alias_keys(key[4:])
    return frozenset(keys)


@functools.lru_cache(maxsize=16384)
def is_country(name: str) -> bool:
    key = fold_name(name)
    return key in _country_keys() or (key.startswith("the ") and key[4:] in _country_keys())


@functools.lru_cache(maxsize=1)
def country_names() -> tuple[str, ...]:
    """Every country name and short form, longest first (for scanning text)."""
    names: set[str] = set()
    for country in pycountry.countries:
        for n in (country.name, getattr(country, "common_name", None)):
            if n and "," not in n:
                names.add(n)
        names |= set(_EXTRA_COUNTRY_ALIASES.get(country.alpha_2, ()))
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


@functools.lru_cache(maxsize=1)
def _derived_demonyms() -> dict[str, str]:
    """Regular demonyms derived from one-word country names: Latvia -> Latvian, Syria -> Syrian."""
    out: dict[str, str] = {}
    for country in pycountry.countries:
        name = str(getattr(country, "common_name", country.name))
        if " " in name or len(name) < 4:
            continue
        stem = name[:-1] if name[-1] in "aeiouy" else name
        for suffix in ("an", "ian", "ese", "ean"):
            out.setdefault(fold_name(stem + suffix), name)
        if name[-1] not in "aeiouy":
            out.setdefault(fold_name(name + "i"), name)  # Oman -> Omani, Qatar -> Qatari
    return out


@functools.lru_cache(maxsize=4096)
def demonym_country(word: str) -> str | None:
    """ "Iraqi" -> "Iraq", "Latvian" -> "Latvia" (the ISO short name), or None."""
    key = fold_name(word)
    if key in _DEMONYMS:
        code = _DEMONYMS[key]
        country = pycountry.countries.get(alpha_2=code) if code else None
        return None if country is None else str(getattr(country, "common_name", country.name))
    return _derived_demonyms().get(key)
