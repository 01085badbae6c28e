"""What a capitalised run of a text names, and who the people of the text are.

One reading of names for the whole library: the validator's speaker check, the offline
engine's actors and speakers, and the who-speaks reader of :mod:`summarizer.mentions` all
ask this module. Its word lists are data (``summarizer/data/names.toml``), read once here.

* :func:`classify` -- what a name names by its own words: a news outlet ("AFP"), an armed
  group ("Hashd al-Shaabi", "ISIL fighters"), a country, an organisation ("Interior
  Ministry"), a place ("Tahrir Square") or, when none of its words says, ``OTHER`` (a
  person, or a place the words around it mark). :func:`kind_of` gives it as an ActorKind.
* :func:`names_in` -- every name run in a range, split from the title before it ("NATO
  Secretary General | Jens Stoltenberg") and classified; a titled name is a person's.
* :func:`person_mentions` -- the people of a text: names led by a title, or two-word and
  longer names that nothing marks as another kind or as a place, and later mentions of
  their surnames. Only people: no outlet, body, group or place is a person mention, so
  :func:`antecedent` -- the nearest person mentioned before an offset, what a "he said"
  falls back on -- never gives one.
* :func:`acronyms` -- the acronyms the text defines ("the Vesna Liberation Army (VLA)").
* :func:`aliases` -- the people the text names twice at once, in two scripts: "Олена Коваль
  (Olena Koval)", a name and its transliteration in brackets.

Pure and linear in the text; what is read from a whole source is cached on it.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from .lexicon import (
    CASELESS,
    LOWER,
    MARKS,
    MONTHS,
    PERSON_TITLES,
    UPPER,
    WEEKDAYS,
    alias_keys,
    demonym_country,
    fold_name,
    is_capitalised,
    is_country,
    words,
)
from .schema import ActorKind
from .text import SourceText

__all__ = [
    "ARMED_GROUPS",
    "PARTICLES",
    "Name",
    "NameKind",
    "PersonMention",
    "acronyms",
    "aliases",
    "antecedent",
    "classify",
    "has_name_prefix",
    "is_org_word",
    "is_outlet",
    "is_person_word",
    "is_title",
    "kind_of",
    "mention_starts",
    "names_in",
    "person_like",
    "person_mentions",
    "place_names",
]


def _folded(name: str) -> frozenset[str]:
    return frozenset(fold_name(w) for w in words("names", name))


def _alternation(items: frozenset[str]) -> str:
    return "|".join(sorted(items, key=lambda w: (-len(w), w)))


# --------------------------------------------------------------------------- the lists

_NOT_NAMES = words("names", "not_names")
# Words no person's name holds: function words, words of other names, months and weekdays.
_NOT_PERSON = _NOT_NAMES | words("names", "not_person_words") | frozenset(MONTHS) | frozenset(WEEKDAYS)
_ORG_WORDS = words("names", "org_words")
_PLACE_WORDS = words("names", "place_words")
_OUTLETS = _folded("outlets")
_OUTLET_MARKERS = _folded("outlet_markers")
ARMED_GROUPS = _folded("armed_groups")
_ARMED_MARKERS = _folded("armed_group_markers")
_ARMED_WORDS = words("names", "armed_group_words")
PARTICLES = words("names", "particles")
_PREFIXES = words("names", "name_prefixes")
_TITLE_MODIFIERS = words("names", "title_modifiers")
_OF_HEADS = words("names", "of_heads")
_DOT_WORDS = words("names", "dot_abbreviations")
_PLACE_HEADS = words("names", "place_heads")
_PLACE_PREPOSITIONS = words("names", "place_prepositions")
_PLACE_NOUNS = words("names", "place_nouns")
_PLACE_RELATIONS = words("names", "place_relations")
_ROUTES = words("names", "routes")
_ACRONYM_SKIPS = words("names", "acronym_skips")

_PREFIXED = re.compile(rf"(?:{_alternation(_PREFIXES)})-[A-Z]")  # "al-Assadi", "abu-Bakr"


# --------------------------------------------------------------------------- words


@functools.lru_cache(maxsize=8192)
def is_title(word: str) -> bool:
    """A person title or role word ("Minister", "Col.", "spokesman"), or its plural."""
    low = fold_name(word)
    parts = re.split(r"[-\s]+", low) if "-" in word else []
    if len(parts) > 1:  # "Secretary-General", "commander-in-chief", "editor-in-chief"
        return (
            parts[0] in PERSON_TITLES
            and parts[-1] in PERSON_TITLES
            and all(p in PERSON_TITLES or p in ("in", "of", "at") for p in parts[1:-1])
        )
    return low in PERSON_TITLES or (low.endswith("s") and low[:-1] in PERSON_TITLES)


def is_org_word(word: str) -> bool:
    """A word that makes a capitalised run an organisation's name ("Ministry", "Guards", "Herald")."""
    return fold_name(word) in _ORG_WORDS


def is_person_word(word: str) -> bool:
    """Whether a capitalised word may be part of a person's name: no function word ("The",
    "According"), no word of other names ("Sunni", "State", "Officials"), no month or weekday, no title."""
    return fold_name(word) not in _NOT_PERSON and not is_title(word)


def has_name_prefix(word: str) -> bool:
    """ "al-Harthy", "abu-Bakr": a lowercase name prefix joined to a capital by a hyphen."""
    return _PREFIXED.match(word) is not None


# --------------------------------------------------------------------------- what a name names


class NameKind(StrEnum):
    """What a name names by its own words (:func:`classify`)."""

    OUTLET = "outlet"
    ARMED_GROUP = "armed_group"
    COUNTRY = "country"
    ORGANISATION = "organisation"
    PLACE = "place"
    OTHER = "other"  # a person's name, or a place only the words around it mark


_ACTOR_KINDS = {
    NameKind.OUTLET: ActorKind.ORGANISATION,
    NameKind.ARMED_GROUP: ActorKind.ARMED_GROUP,
    NameKind.COUNTRY: ActorKind.COUNTRY,
    NameKind.ORGANISATION: ActorKind.ORGANISATION,
    NameKind.PLACE: ActorKind.OTHER,  # a place is no actor: the engine's places read it from its context
    NameKind.OTHER: ActorKind.OTHER,
}


@functools.lru_cache(maxsize=16384)
def classify(name: str) -> NameKind:
    """What ``name`` (without its title) names, from the gazetteer and the word lists of names.toml."""
    key = fold_name(name)
    parts = key.split()
    folded = [fold_name(w) for w in name.split()]
    if key in ARMED_GROUPS or any(p in _ARMED_MARKERS for p in parts):
        return NameKind.ARMED_GROUP
    if any(w.rstrip("s") in _ARMED_WORDS for w in folded):
        return NameKind.ARMED_GROUP
    if is_country(name):
        return NameKind.COUNTRY
    if key in _OUTLETS or any(p in _OUTLET_MARKERS for p in parts):
        return NameKind.OUTLET
    if any(w in _ORG_WORDS for w in folded) or len(alias_keys(name)) > 1:
        return NameKind.ORGANISATION
    if len(folded) == 1 and name.isupper() and len(name) >= 2:
        return NameKind.ORGANISATION  # "NATO", "DLF"
    if any(w in _PLACE_WORDS for w in folded):
        return NameKind.PLACE
    return NameKind.OTHER


def kind_of(name: str) -> ActorKind:
    """:func:`classify` as the kind of an actor: an outlet is an organisation, a place no kind of its own."""
    return _ACTOR_KINDS[classify(name)]


def is_outlet(name: str) -> bool:
    """A news outlet ("AFP", "The Associated Press"): it relays what others say."""
    return classify(name) is NameKind.OUTLET


def person_like(name: str) -> bool:
    """Whether a name may be a person's by its own words: none of them names another kind, and it is no
    demonym ("Iraqi")."""
    return classify(name) is NameKind.OTHER and demonym_country(name) is None


# --------------------------------------------------------------------------- names in a range of text

_TOKEN = re.compile(
    rf"(?:[A-Z]\.){{2,}}(?:-[\w’']+)*|[^\W\d_][\w{MARKS}’'&]*(?:-[\w{MARKS}’']+)*\.?|\d[\d,.]*\d|\d|[^\w\s{MARKS}]"
)
# Stretches that may hold a name run: capitalised words joined by spaces, one line break or a particle.
# Only these are tokenised, so the lowercase bulk of an article costs one regex scan.
_CAP = rf"(?:(?:{_alternation(_PREFIXES)})-)?[{UPPER}{CASELESS}][\w{MARKS}’'&.-]*"  # any script
_JOINER = rf"(?:[ \t]+|[ \t]*\n[ \t]*)(?:(?:{_alternation(PARTICLES | {'of'})})[ \t]+)?"
_CANDIDATE = re.compile(rf"(?<![\w’'.-]){_CAP}(?:{_JOINER}{_CAP})*")
_POSSESSIVE = re.compile(r"[’']s?$")


@dataclass(frozen=True, slots=True)
class Name:
    """A name found in the text: its offsets, the title before it (if any), and its kind."""

    start: int
    end: int
    text: str
    kind: ActorKind
    title: tuple[int, int] | None = None  # offsets of "President", "Col.", "Secretary General"
    represents: tuple[int, int] | None = None  # "French", "NATO": whom a titled person represents


@dataclass(frozen=True, slots=True)
class _Tok:
    start: int
    end: int
    text: str


def _capitalised(t: str) -> bool:
    return is_capitalised(t) or has_name_prefix(t)


def _tokens(text: str, start: int, end: int) -> list[_Tok]:
    out: list[_Tok] = []
    for m in _TOKEN.finditer(text, start, end):
        a, b, word = m.start(), m.end(), m.group()
        if word.endswith(".") and len(word) > 1 and not _keeps_dot(word):
            b -= 1
            word = word[:-1]
        out.append(_Tok(a, b, word))
    return out


def _keeps_dot(word: str) -> bool:
    stem = word[:-1]
    if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]?", word) or (len(stem) == 1 and stem.isupper()):
        return True
    return stem.lower() in _DOT_WORDS or stem.lower() in MONTHS


def _modifier(word: str) -> bool:
    """Words that may lead a title: "French", "NATO", "Defense", "Deputy"."""
    return fold_name(word) in _TITLE_MODIFIERS or _affiliation(word)


def _affiliation(word: str) -> bool:
    """ "French", "Iraq", "NATO": words before a title that say whom its holder represents."""
    return demonym_country(word) is not None or is_country(word) or (word.isupper() and len(word) >= 2)


# The second syllable of a hyphenated given name ("Hau-yip", "Jong-un", "Ing-wen"): two to four lowercase
# letters that are no English word ending an adjective ("Hamas-run", "Soviet-era", "Kurdish-led").
_SYLLABLE = (
    r"(?!(?:led|run|held|born|made|era|old|like|wide|long|term|free|rich|poor|only|type|size|bred|fed|paid|hit"
    r"|torn|sold|area|zone|day|week|year|time|side|city|left|ward|ish|less|ful|up|in|out|off|on|over|dominated)"
    r"(?![a-z]))[a-z]{2,4}"
)
_GIVEN_NAME = re.compile(rf"[A-Z][a-zà-ÿ'’]+-{_SYLLABLE}")


def _hyphen_modifier(word: str) -> bool:
    """ "U.S.-led", "Tehran-backed", "Kurdish-controlled": an adjective, not part of a name ("Hau-yip" is)."""
    return (
        "-" in word
        and word.rsplit("-", 1)[1][:1].islower()
        and not has_name_prefix(word)
        and not _GIVEN_NAME.fullmatch(word)
    )


def _runs(text: str, start: int, end: int) -> list[list[_Tok]]:
    """Runs of capitalised tokens separated only by spaces (or name particles)."""
    runs: list[list[_Tok]] = []
    cur: list[_Tok] = []
    pending: list[_Tok] = []  # particles seen after the run, kept if another capital follows
    for tok in _tokens(text, start, end):
        word = tok.text
        gap_ok = bool(cur) and _gap_ok(text, (pending[-1] if pending else cur[-1]).end, tok.start)
        if _capitalised(word) and not _hyphen_modifier(word) and word[:1].isalpha() and not _date_word(word):
            possessive = _POSSESSIVE.search(word)
            ends = possessive is not None
            if possessive:  # "Iraq’s Kirkuk": the owner ends its run
                tok = _Tok(tok.start, tok.start + possessive.start(), word[: possessive.start()])
            elif word.endswith(".") and word[:-1].lower() in MONTHS:  # "in May. On Tuesday": the stop ends it
                tok, ends = _Tok(tok.start, tok.end - 1, word[:-1]), True
            if cur and gap_ok and pending and not _of_goes_on(cur, pending, word):
                runs.append(cur)
                cur, pending = [], []
            if cur and gap_ok:
                cur.extend(pending)
                cur.append(tok)
            else:
                if cur:
                    runs.append(cur)
                cur = [tok]
            pending = []
            if ends:
                runs.append(cur)
                cur = []
            continue
        particle = word.lower() in PARTICLES or (
            word == "of" and bool(cur) and (fold_name(cur[-1].text) in _OF_HEADS or is_title(cur[-1].text))
        )
        if cur and gap_ok and particle and not pending:
            pending = [tok]
            continue
        if cur:
            runs.append(cur)
        cur, pending = [], []
    if cur:
        runs.append(cur)
    return runs


def _of_goes_on(cur: list[_Tok], pending: list[_Tok], word: str) -> bool:
    """ "Secretary of State", "Minister of Defence": a title goes on with "of" only into title words (no
    "Governor of Texas Greg Abbott" run: the place is no part of the title, and where the name starts is unsure)."""
    if pending[0].text != "of" or fold_name(cur[-1].text) in _OF_HEADS or not is_title(cur[-1].text):
        return True
    return _modifier(word) or is_title(word)


def _date_word(word: str) -> bool:
    low = _POSSESSIVE.sub("", word.rstrip(".")).lower()
    return (low in MONTHS and low != "may") or low in WEEKDAYS


def _gap_ok(text: str, a: int, b: int) -> bool:
    gap = text[a:b]
    return 0 < len(gap) <= 3 and gap.isspace() and gap.count("\n") <= 1


def _split_title(run: list[_Tok]) -> int:
    """Index where the name starts after a leading title ("French President | Francois Hollande"), else 0."""
    last_title = -1
    for i, tok in enumerate(run):
        if is_title(tok.text) or (last_title >= 0 and run[last_title + 1 : i] and run[last_title + 1].text == "of"):
            last_title = i  # "Secretary of State": the words after a title's "of" complete it
        elif tok.text == "of" and last_title == i - 1 >= 0:
            continue
        elif not _modifier(tok.text):
            break
    if last_title < 0:
        return 0
    return last_title + 1


_LOWER_TITLE = re.compile(r"(?:(?P<aff>[A-Z][\w.’'-]*)[ \t]+)?(?P<title>[a-z]+)[ \t]+$")


def _lowercase_title(text: str, start: int) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """A lowercase title right before a name ("DLF spokesman", "UN envoy"), and the affiliation before it."""
    m = _LOWER_TITLE.search(text, max(0, start - 40), start)
    if m is None or not is_title(m.group("title")):
        return None
    aff = m.group("aff")
    represents = (m.start("aff"), m.end("aff")) if aff and _affiliation(aff) else None
    return (m.start("title"), m.end("title")), represents


def names_in(text: str, start: int, end: int) -> list[Name]:
    """Every name run in ``text[start:end]``, split from its title and classified.

    A name led by a person title is a person. Other runs keep the kind
    :func:`kind_of` gives them (``other`` when nothing is known: a place, or a
    person whom the caller may recognise from context).
    """
    out: list[Name] = []
    for run in (r for m in _CANDIDATE.finditer(text, start, end) for r in _runs(text, m.start(), m.end())):
        while run and fold_name(run[0].text) in _NOT_NAMES:
            run = run[1:]
        if not run:
            continue
        cut = _split_title(run)
        if cut >= len(run):
            continue  # a title with no name: "NATO Defense Ministers"
        out.append(_name(text, run, cut))
    return out


def _name(text: str, run: list[_Tok], cut: int) -> Name:
    """The name of a run whose title (if any) ends before ``run[cut]``."""
    body = run[cut:]
    a, b = body[0].start, body[-1].end
    name = text[a:b]
    kind = kind_of(name)
    if cut == 0:
        led = _lowercase_title(text, run[0].start)
        if led is not None and kind is ActorKind.OTHER:  # "UN envoy David Lindqvist"
            return Name(a, b, name, ActorKind.PERSON, led[0], led[1])
        return Name(a, b, name, kind)
    lead = 0
    while lead < cut - 1 and _affiliation(run[lead].text):
        lead += 1
    title = (run[lead].start, run[cut - 1].end)
    represents = (run[0].start, run[lead - 1].end) if lead else None
    return Name(a, b, name, ActorKind.PERSON if kind is ActorKind.OTHER else kind, title, represents)


# --------------------------------------------------------------------------- the people of a text

_PARTICLE = rf"(?:(?:{_alternation(PARTICLES | _PREFIXES)})[-\s])"
# A name word of any script: capitalised ("Koval", "Коваль", "Duchâtel" with its combining marks, NFD), or
# in a script with no case ("الحسيني"); or an initial.
_CASED_WORD = rf"[{UPPER}][{LOWER}{MARKS}'’]+"
_NAME_TOKEN = (
    rf"(?:{_CASED_WORD}(?:-{_CASED_WORD})*(?:-{_SYLLABLE})?|[{CASELESS}][{CASELESS}{MARKS}]+|[A-Z]\.)(?![\w{MARKS}-])"
)
_GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"  # spaces, or one line break (hard-wrapped text), never a blank line
_NAME_RE = re.compile(rf"\b{_NAME_TOKEN}(?:{_GAP}{_PARTICLE}?{_NAME_TOKEN}){{0,7}}")
_PLACE_APPOSITION = re.compile(rf"\b(?:{_alternation(_PLACE_NOUNS)})\s*,\s*$")  # "the capital, Kel Amar"
_PLACE_NOUN_AFTER = re.compile(rf"[ \t]+(?:{_alternation(_PLACE_NOUNS)})\b")  # "Kel Amar district"
_CLAUSE_MARK = re.compile(r"[\n.!?;:,”\"]")
_LETTERS = re.compile(r"[A-Za-z]+")
_LETTERS_DOTS = re.compile(r"[A-Za-z.]+")
_NON_SPACE = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class PersonMention:
    start: int
    end: int
    name: str  # the full name this mention refers to (surname mentions carry the full name)


@functools.lru_cache(maxsize=8192)
def _clean(tokens: tuple[str, ...]) -> tuple[int, int, bool]:
    """Cut a capitalised run down to its name: what follows the last title word, less leading
    demonyms, countries and words of no person's name, up to the next such word or title.
    Returns (first, end, title seen)."""
    titles = [k for k, t in enumerate(tokens) if is_title(t)]
    i = titles[-1] + 1 if titles else 0
    while i < len(tokens) and (
        fold_name(tokens[i]) in _NOT_PERSON or demonym_country(tokens[i]) or is_country(tokens[i])
    ):
        i += 1
    j = i
    while j < len(tokens) and is_person_word(tokens[j]):
        j += 1
    return i, j, bool(titles)


def _in_place_slot(text: str, start: int, end: int) -> bool:
    """Whether the words around ``[start, end)`` put a place there: "in Tell Hawa", "the village of X",
    "3 km south of X", "the capital, X", "the road between X and Y", "X district"."""
    window = text[max(0, start - 40) : start]
    if _PLACE_APPOSITION.search(window) or _PLACE_NOUN_AFTER.match(text, end):
        return True
    before = [w.lower() for w in _LETTERS.findall(_CLAUSE_MARK.split(window)[-1])]
    if not before:
        return False
    last, prev = before[-1], before[-2] if len(before) > 1 else ""
    if last in _PLACE_PREPOSITIONS or (last == "of" and (prev in _PLACE_NOUNS or prev in _PLACE_RELATIONS)):
        return True
    if last == "and" and "between" in before:  # "the road between Sannar and Birat"
        k = len(before) - 1 - before[::-1].index("between")
        return k > 0 and before[k - 1] in _ROUTES
    return last == "between" and prev in _ROUTES


def _titled(text: str, start: int) -> bool:
    """Whether the words just before ``start`` end in a person title ("President", "spokesman,")."""
    before = _LETTERS_DOTS.findall(text[max(0, start - 40) : start])
    return bool(before) and is_title(before[-1])


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
        tokens = [(t.start(), t.group()) for t in _NON_SPACE.finditer(m.group())]
        first, end, title_seen = _clean(tuple(t for _, t in tokens))
        if first >= end:
            continue
        kept = [t for _, t in tokens[first:end]]
        name_start = m.start() + tokens[first][0]
        name_end = m.start() + tokens[end - 1][0] + len(kept[-1])
        name = " ".join(kept)
        if not person_like(name):
            continue
        titled = title_seen or _titled(text, name_start)
        if not titled and (fold_name(kept[0]) in _PLACE_HEADS or _in_place_slot(text, name_start, name_end)):
            places.add(name)
            continue
        preceded_by_the = text[max(0, name_start - 4) : name_start].lower() == "the "
        initials = any(len(t) == 2 and t[1] == "." for t in kept)
        if titled or (len(kept) >= 2 and not preceded_by_the and not initials):
            candidates.append((PersonMention(name_start, name_end, name), titled))
    found = [p for p, titled in candidates if titled or p.name not in places]
    found = _with_surnames(text, found)
    src.memo["place_names"] = frozenset(places)
    src.memo["person_mentions"] = found
    return found


def place_names(src: SourceText) -> frozenset[str]:
    """Names the text puts where a place goes ("in Kel Amar"): no person's, wherever they stand."""
    person_mentions(src)
    found: frozenset[str] = src.memo["place_names"]
    return found


def mention_starts(src: SourceText) -> list[int]:
    """Where the person mentions start, in order (for bisection; cached)."""
    starts: list[int] | None = src.memo.get("person_mention_starts")
    if starts is None:
        starts = src.memo["person_mention_starts"] = [p.start for p in person_mentions(src)]
    return starts


def _expand(p: PersonMention, ending: dict[str, str]) -> PersonMention:
    """A partial name ("De Graaf") takes the full name it ends ("Pieter de Graaf"): the longest one
    (``ending``: :func:`_endings`), when it is longer than the partial name."""
    name = ending.get(" " + fold_name(p.name))
    if name is not None and len(name) > len(p.name):
        return PersonMention(p.start, p.end, name)
    return p


def _endings(longer: list[str]) -> dict[str, str]:
    """Each whole-word ending of a folded name (" de graaf", " graaf" of "Pieter de Graaf"), mapped to the
    first of ``longer`` (longest first) that ends so: what comparing a partial name with every full name in
    that order finds, in one look-up."""
    out: dict[str, str] = {}
    for name in longer:
        folded = " " + fold_name(name)
        for k, ch in enumerate(folded):
            if ch == " ":
                out.setdefault(folded[k:], name)
    return out


def _with_surnames(text: str, full: list[PersonMention]) -> list[PersonMention]:
    """Add surname-only mentions ("Hollande", "Al-Harthy") of people named in full. A surname that two
    people share goes to the one named last before it."""
    ending = _endings(sorted({p.name for p in full}, key=len, reverse=True))
    full = [_expand(p, ending) for p in full]
    by_surname: dict[str, list[PersonMention]] = {}
    for p in full:
        parts = p.name.split()
        if len(parts) >= 2 and p.name == " ".join(parts):
            by_surname.setdefault(parts[-1], []).append(p)
    if not by_surname:
        return full
    surname_starts = {s: [p.start for p in people] for s, people in by_surname.items()}  # in order, like full
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
        surname = forms[m.group()]
        people = by_surname[surname]
        k = bisect.bisect_left(surname_starts[surname], m.start())  # how many are named before it
        who = people[k - 1] if k else people[0]
        extra.append(PersonMention(m.start(), m.end(), who.name))
    return sorted(full + extra, key=lambda p: p.start)


def antecedent(src: SourceText, offset: int) -> PersonMention | None:
    """The nearest person mentioned before ``offset``: what a pronoun refers to when nothing closer says.

    A person mention is only ever a person's (no outlet, organisation, armed group or place is one),
    so no walk back over such names is needed.
    """
    mentions = person_mentions(src)
    ends = src.memo.get("person_mention_ends")
    if ends is None:
        ends = src.memo["person_mention_ends"] = [p.end for p in mentions]
    # Mentions are ordered by start and do not overlap, so their ends are ordered too.
    k = bisect.bisect_right(ends, offset) - 1
    return mentions[k] if k >= 0 else None


# --------------------------------------------------------------------------- transliterations


def aliases(src: SourceText) -> dict[str, frozenset[str]]:
    """The other names of people the text names in two scripts at once: a name and, right after it in
    brackets, its transliteration ("محمود الحسيني (Mahmoud al-Husseini)"), both person mentions. Each
    name maps to the other (cached on the SourceText)."""
    cached: dict[str, frozenset[str]] | None = src.memo.get("aliases")
    if cached is not None:
        return cached
    text = src.text
    found: dict[str, frozenset[str]] = {}
    mentions = person_mentions(src)
    for p, q in itertools.pairwise(mentions):
        bracketed = text[p.end : q.start] == " (" and text[q.end : q.end + 1] == ")"
        if bracketed and p.name != q.name and _scripts(p.name) != _scripts(q.name):
            found[p.name] = found.get(p.name, frozenset()) | {q.name}
            found[q.name] = found.get(q.name, frozenset()) | {p.name}
    src.memo["aliases"] = found
    return found


def _scripts(name: str) -> frozenset[str]:
    """The scripts of a name's letters, by the first word of their Unicode names ("LATIN", "CYRILLIC")."""
    return frozenset(unicodedata.name(c, "?").split()[0] for c in name if c.isalpha())


# --------------------------------------------------------------------------- acronyms

_ACRONYM_DEF = re.compile(r"\(\s*([A-Z][A-Z0-9&-]{1,7})\s*\)")
_WORD = re.compile(r"[\w'’]+(?:-[\w'’]+)*")


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
        before = list(_WORD.finditer(text, max(0, m.start() - 120), m.start()))
        for k in range(1, min(len(before), 10) + 1):
            run = before[-k:]
            if _spells(acr, [w.group() for w in run]):
                found.setdefault(acr, text[run[0].start() : run[-1].end()])
                break
    src.memo["acronyms"] = found
    return found


def _spells(acr: str, run: list[str]) -> bool:
    if run and fold_name(run[0]) in _ACRONYM_SKIPS:
        return False
    letters = "".join(ch for ch in acr.upper() if ch.isalpha())
    initials = "".join(p[0].upper() for w in run for p in w.split("-") if p)
    significant = "".join(p[0].upper() for w in run for p in w.split("-") if p and fold_name(p) not in _ACRONYM_SKIPS)
    return letters in (initials, significant)
