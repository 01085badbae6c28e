"""Person mentions in a source: the antecedents that pronoun and title speakers resolve to.

A person mention is a capitalised name of one to four tokens (with Arabic and
European particles such as "al-", "bin", "van") that is led by a title
("French President Francois Hollande", "Col. John Dorrian"), or is a two-token
name that is neither a place, an organisation nor a group ("Jens Stoltenberg").
Once a full name is known, later mentions of its surname ("Hollande said") are
mentions of the same person. Pure and linear in the text; cached per source.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .lexicon import PERSON_TITLES, PRONOUNS, demonym_country, fold_name, is_country
from .text import SourceText

__all__ = ["PersonMention", "acronyms", "antecedent", "person_mentions", "pronoun_at"]

_PARTICLE = r"(?:(?:al|el|ad|ash|as|az|at|an|abu|bin|ibn|ben|van|von|der|de|da|di|du|la|le)[-\s])"
_NAME_TOKEN = r"(?:[A-Z][a-zà-ÿ'’]+(?:-[A-Z][a-zà-ÿ'’]+)*|[A-Z]\.)(?![\w-])"
_GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"  # spaces, or one line break (hard-wrapped text), never a blank line
_NAME_RE = re.compile(rf"\b{_NAME_TOKEN}(?:{_GAP}{_PARTICLE}?{_NAME_TOKEN}){{0,7}}")

# Capitalised words that start a sequence but are not names.
_NOT_NAME = frozenset(
    """the a an in on at as by for from to of and but or if when while after before since meanwhile
    however speaking according this that these those there their its his her our we they he she it
    i you sunni shiite shia kurdish kurds arab arabs christian muslim jewish western eastern northern
    southern islamic humanitarian federal iraqi forces state government ministry monday tuesday wednesday
    thursday friday saturday sunday january february march april may june july august september october
    november december jan feb mar apr jun jul aug sep sept oct nov dec then later now also still yet earlier
    today yesterday tomorrow tonight here where what why how who whom which with without during under over
    about against between among through despite although though because so both each every all some many
    most several other another such no not only even just instead last next first second new asked
    officials residents witnesses critics analysts diplomats sources police troops soldiers rebels""".split()
)
_ORG_WORDS = frozenset(
    """agency press news times post service services ministry council union party army forces force
    front brigade brigades militia movement organization organisation group committee coalition
    university institute bank company corporation command office department agency reuters afp ap
    district province city town region county street square palace hotel airport base camp ministers
    defense defence foreign affairs security national international nations united republic castle hall house
    building bridge river sea island port harbour harbor center centre stadium mosque church hospital school
    market road highway valley mountain mountains lake gulf strait bay desert plain hills herald gazette
    tribune journal chronicle telegraph guardian observer daily weekly radio television tv channel broadcaster
    newspaper magazine wire monitor avenue boulevard lane guard guards division battalion regiment squadron
    armoured armored infantry""".split()
)
# First words of Arabic, Hebrew and Turkic place names ("Tell Hawa", "Wadi Rahma", "Kafr Dalal").
_PLACE_HEADS = frozenset(
    """wadi tel tell kafr umm qasr dar harat ras bir ain ayn jabal jebel deir dayr khan beit bayt sidi bab
    tal hay hayy souk suq mazraat qaryat nahr jisr marj""".split()
)
# Prepositions that put a place, not a person, after them (unless a title comes between).
_PLACE_PREPOSITIONS = frozenset("in at near into outside inside toward towards around across through via".split())
_PLACE_NOUNS = frozenset(
    "village town city capital district province region area neighbourhood neighborhood suburb camp outskirts".split()
)


@dataclass(frozen=True, slots=True)
class PersonMention:
    start: int
    end: int
    name: str  # the full name this mention refers to (surname mentions carry the full name)


def _is_title(word: str) -> bool:
    low = fold_name(word)
    return low in PERSON_TITLES or (low.endswith("s") and low[:-1] in PERSON_TITLES)


def _leads_name(token: str) -> bool:
    """A word that may stand before a name without being part of it ("The", "Latvian", "France")."""
    return fold_name(token) in _NOT_NAME or demonym_country(token) is not None or is_country(token)


def _clean(tokens: list[str]) -> tuple[int, int, bool]:
    """Cut a capitalised run down to its name: what follows the last title word, less leading
    demonyms, countries and function words, up to the first month, weekday or function word.
    Returns (first, end, title seen)."""
    titles = [k for k, t in enumerate(tokens) if _is_title(t)]
    i = titles[-1] + 1 if titles else 0
    while i < len(tokens) and (
        fold_name(tokens[i]) in _NOT_NAME or demonym_country(tokens[i]) or is_country(tokens[i])
    ):
        i += 1
    j = i
    while j < len(tokens) and fold_name(tokens[j]) not in _NOT_NAME and not _is_title(tokens[j]):
        j += 1
    return i, j, bool(titles)


def _after_place_word(text: str, start: int) -> bool:
    """Whether the word before ``start`` puts a place there ("in Tell Hawa", "the village of X")."""
    window = text[max(0, start - 30) : start]
    if re.search(r"\b(?:capital|city|town|village|province|region|district)\s*,\s*$", window):
        return True  # "the capital, Kel Amar"
    before = re.split(r"[\n.!?;:,”\"]", window)[-1]
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", before)]
    if not words:
        return False
    return words[-1] in _PLACE_PREPOSITIONS or (words[-1] == "of" and len(words) > 1 and words[-2] in _PLACE_NOUNS)


def _titled(text: str, start: int) -> bool:
    """Whether the words just before ``start`` end in a person title ("President", "spokesman,")."""
    before = text[max(0, start - 40) : start]
    words = re.findall(r"[A-Za-z.]+", before)
    return bool(words) and _is_title(words[-1])


def person_mentions(src: SourceText) -> list[PersonMention]:
    """Person mentions in order of position (cached on the SourceText).

    A name that stands anywhere in the text where a place goes ("in Kel Amar", "the
    capital, Kel Amar") is a place everywhere in it, unless a title leads it.
    """
    cached: list[PersonMention] | None = src.memo.get("person_mentions")
    if cached is not None:
        return cached
    text = src.text
    candidates: list[tuple[PersonMention, bool]] = []  # (mention, led by a title)
    places: set[str] = set()
    for m in _NAME_RE.finditer(text):
        tokens = [(t.start(), t.group()) for t in re.finditer(r"\S+", m.group())]
        first, end, title_seen = _clean([t for _, t in tokens])
        if first >= end:
            continue
        kept = [t for _, t in tokens[first:end]]
        name_start = m.start() + tokens[first][0]
        name_end = m.start() + tokens[end - 1][0] + len(kept[-1])
        name = " ".join(kept)
        if {fold_name(t) for t in kept} & _ORG_WORDS or is_country(name):
            continue
        titled = title_seen or _titled(text, name_start)
        if not titled and (fold_name(kept[0]) in _PLACE_HEADS or _after_place_word(text, name_start)):
            places.add(name)
            continue
        preceded_by_the = text[max(0, name_start - 4) : name_start].lower() == "the "
        initials = any(len(t) == 2 and t[1] == "." for t in kept)
        if titled or (len(kept) >= 2 and not preceded_by_the and not initials):
            candidates.append((PersonMention(name_start, name_end, name), titled))
    found = [p for p, titled in candidates if titled or p.name not in places]
    found = _with_surnames(text, found)
    src.memo["person_mentions"] = found
    return found


def _expand(p: PersonMention, names: list[str]) -> PersonMention:
    """A partial name ("De Graaf") takes the full name it ends ("Pieter de Graaf")."""
    key = " " + fold_name(p.name)
    for name in names:
        if len(name) > len(p.name) and (" " + fold_name(name)).endswith(key):
            return PersonMention(p.start, p.end, name)
    return p


def _with_surnames(text: str, full: list[PersonMention]) -> list[PersonMention]:
    """Add surname-only mentions ("Hollande", "Al-Harthy") of people named in full. A surname that two
    people share goes to the one named last before it."""
    longer = sorted({p.name for p in full}, key=len, reverse=True)
    full = [_expand(p, longer) for p in full]
    by_surname: dict[str, list[PersonMention]] = {}
    for p in full:
        parts = p.name.split()
        if len(parts) >= 2 and p.name == " ".join(parts):
            by_surname.setdefault(parts[-1], []).append(p)
    if not by_surname:
        return full
    forms = {form: s for s in by_surname for form in (s, s[0].upper() + s[1:])}
    covered = sorted((p.start, p.end) for p in full)
    starts = [a for a, _ in covered]
    pattern = re.compile(
        r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + r")\b"
    )
    extra: list[PersonMention] = []
    for m in pattern.finditer(text):
        k = bisect.bisect_right(starts, m.start()) - 1
        if k >= 0 and covered[k][0] <= m.start() < covered[k][1]:
            continue
        if text[max(0, m.start() - 4) : m.start()].lower() == "the ":
            continue  # "the Herald" is not Mr Herald
        people = by_surname[forms[m.group()]]
        before = [p for p in people if p.start < m.start()]
        who = before[-1] if before else people[0]
        extra.append(PersonMention(m.start(), m.end(), who.name))
    return sorted(full + extra, key=lambda p: p.start)


_PRONOUN_RE = re.compile(r"\b(" + "|".join(PRONOUNS) + r")\b", re.IGNORECASE)


def pronoun_at(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Personal pronouns in ``text[start:end]`` as (start, end, word)."""
    return [(m.start(), m.end(), m.group()) for m in _PRONOUN_RE.finditer(text, start, end)]


def antecedent(src: SourceText, offset: int) -> PersonMention | None:
    """The nearest person mention that ends before ``offset``."""
    mentions = person_mentions(src)
    ends = src.memo.get("person_mention_ends")
    if ends is None:
        ends = src.memo["person_mention_ends"] = [p.end for p in mentions]
    # Mentions are ordered by start and do not overlap, so their ends are ordered too.
    k = bisect.bisect_right(ends, offset) - 1
    return mentions[k] if k >= 0 else None


_ACRONYM_DEF = re.compile(r"\(\s*([A-Z][A-Z0-9&-]{1,7})\s*\)")
_WORD = re.compile(r"[\w'’]+(?:-[\w'’]+)*")
_SMALL_WORDS = frozenset("of the for and de du des la le al el".split())


def acronyms(src: SourceText) -> dict[str, str]:
    """Acronyms the text defines, mapped to their full names: "the Vesna Liberation Army (VLA)" gives
    ``{"VLA": "Vesna Liberation Army"}``. The full name is the shortest run of words before the
    bracket whose initials (hyphenated parts and small words allowed) spell the acronym."""
    cached: dict[str, str] | None = src.memo.get("acronyms")
    if cached is not None:
        return cached
    found: dict[str, str] = {}
    text = src.text
    for m in _ACRONYM_DEF.finditer(text):
        acr = m.group(1)
        words = list(_WORD.finditer(text, max(0, m.start() - 120), m.start()))
        for k in range(1, min(len(words), 10) + 1):
            run = words[-k:]
            if _spells(acr, [w.group() for w in run]):
                found.setdefault(acr, text[run[0].start() : run[-1].end()])
                break
    src.memo["acronyms"] = found
    return found


def _spells(acr: str, words: list[str]) -> bool:
    if words and fold_name(words[0]) in _SMALL_WORDS:
        return False
    letters = "".join(ch for ch in acr.upper() if ch.isalpha())
    initials = "".join(p[0].upper() for w in words for p in w.split("-") if p)
    significant = "".join(p[0].upper() for w in words for p in w.split("-") if p and fold_name(p) not in _SMALL_WORDS)
    return letters in (initials, significant)
