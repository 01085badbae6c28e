"""Capitalised name phrases in a stretch of text: who or what they name, and the titles before them.

A *name run* is a sequence of capitalised tokens ("NATO Secretary General Jens
Stoltenberg", "Abdelghani al-Assadi", "U.K.") joined by single spaces and the
particles of Arabic and European names. A run is split into a title part
("NATO Secretary General") and the name itself, and the name is classified:
country (ISO 3166 gazetteer in :mod:`summarizer.lexicon`), organisation, armed
group, person, or other. Everything is a single left-to-right pass over the range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...lexicon import MONTHS, PERSON_TITLES, WEEKDAYS, alias_keys, demonym_country, fold_name, is_country
from ...schema import ActorKind

__all__ = [
    "ARMED_GROUPS",
    "MEDIA",
    "Name",
    "is_org_word",
    "is_title_word",
    "kind_of",
    "names_in",
]

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}(?:-[\w’']+)*|[^\W\d_][\w’'&]*(?:-[\w’']+)*\.?|\d[\d,.]*\d|\d|[^\w\s]")
# Stretches that may hold a name run: capitalised words joined by spaces, one line break or a particle.
# Only these are tokenised, so the lowercase bulk of an article costs one regex scan.
_CAP = r"(?:(?:al|el|ad|ash|as|az|at|an|ar|abu|bin|ibn|ben)-)?[A-ZÀ-ÖØ-Þ][\w’'&.-]*"
_JOINER = r"(?:[ \t]+|[ \t]*\n[ \t]*)(?:(?:al|el|bin|ibn|ben|van|von|der|den|de|da|di|du|la|le|dos|das|of)[ \t]+)?"
_CANDIDATE = re.compile(rf"(?<![\w’'.-]){_CAP}(?:{_JOINER}{_CAP})*")
_PARTICLES = frozenset("al el bin ibn ben van von der den de da di du la le dos das".split())
# Heads of institutional names that go on with "of": "Organization of American States", "Ministry of Defence".
_OF_HEADS = frozenset(
    """organization organisation league ministry council union community bank court office commission committee
    federation association conference assembly""".split()
)
_ARABIC_PREFIX = re.compile(r"(?:al|el|ad|ash|as|az|at|an|ar|abu|bin|ibn|ben)-[A-Z]")
_POSSESSIVE = re.compile(r"[’']s?$")
_DOT_WORDS = frozenset("col gen lt maj capt sgt cpl mr mrs ms dr prof sen rep gov st adm brig cmdr jr sr mt ft".split())
_TITLE_MODIFIERS = frozenset(
    """foreign defense defence deputy vice prime acting former interior state first chief general senior
    top army military police security armed finance economy justice health energy trade assistant under""".split()
)
# Titles the shared lexicon does not list.
_EXTRA_TITLES = frozenset(
    """commissioner commissioners coordinator negotiator premier undersecretary inspector superintendent
    brigadier spokesman spokeswoman mediator facilitator""".split()
)
_NOT_NAMES = frozenset(
    """the a an in on at as by for from to of and but or if when while after before since meanwhile however
    speaking according this that these those there their its his her our we they he she it i you also
    earlier later last next on off yet still both each all some many most other another such one two""".split()
)
_ORG_WORDS = frozenset(
    """agency press news times post service services ministry council union party army forces force front
    brigade brigades militia militias movement organization organisation group committee coalition university
    institute bank company corporation command office department guard guards police parliament assembly
    congress senate government cabinet court commission alliance federation network mission battalion
    division regiment corps navy authority authorities association foundation fund program programme
    ministers ministries administration herald tribune gazette journal chronicle telegraph broadcaster league""".split()
)

# Well-known armed groups (folded names); any run containing "militia" or "brigade" is one too.
ARMED_GROUPS = frozenset(
    fold_name(n)
    for n in (
        "ISIL", "ISIS", "Daesh", "Islamic State", "Islamic State of Iraq and the Levant", "al-Qaeda",
        "al-Qaida", "Taliban", "al-Shabaab", "Boko Haram", "Hezbollah", "Hamas", "Houthis", "PKK", "YPG",
        "SDF", "Nusra Front", "Hashed al-Shaabi", "Hashd al-Shaabi", "Asaib Ahl al-Haq", "Wagner",
    )
)  # fmt: skip
_ARMED_TOKENS = frozenset(fold_name(n) for n in "ISIL ISIS Daesh Taliban Hezbollah Hamas Houthis PKK YPG SDF".split())

# News agencies and outlets: they report, they are not the speakers of what they report.
MEDIA = frozenset(
    fold_name(n)
    for n in (
        "AFP",
        "Agence France-Presse",
        "Reuters",
        "AP",
        "Associated Press",
        "The Associated Press",
        "Anadolu Agency",
        "Anadolu",
        "BBC",
        "CNN",
        "Al Jazeera",
        "Xinhua",
        "TASS",
        "Interfax",
        "RIA Novosti",
        "dpa",
        "EFE",
        "ANSA",
        "Bloomberg",
    )
)


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


def is_title_word(word: str) -> bool:
    low = fold_name(word)
    return low in PERSON_TITLES or low in _EXTRA_TITLES or (low.endswith("s") and low[:-1] in PERSON_TITLES)


def is_org_word(word: str) -> bool:
    return fold_name(word) in _ORG_WORDS


def _capitalised(t: str) -> bool:
    return t[:1].isupper() or bool(_ARABIC_PREFIX.match(t))


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
    low = fold_name(word)
    return (
        low in _TITLE_MODIFIERS
        or demonym_country(word) is not None
        or is_country(word)
        or (word.isupper() and len(word) >= 2)
    )


def _affiliation(word: str) -> bool:
    """ "French", "Iraq", "NATO": words before a title that say whom its holder represents."""
    return demonym_country(word) is not None or is_country(word) or (word.isupper() and len(word) >= 2)


def _hyphen_modifier(word: str) -> bool:
    """ "U.S.-led", "Tehran-backed", "Kurdish-controlled": an adjective, not part of a name."""
    return "-" in word and word.rsplit("-", 1)[1][:1].islower() and not _ARABIC_PREFIX.match(word)


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
        particle = word.lower() in _PARTICLES or (word == "of" and bool(cur) and fold_name(cur[-1].text) in _OF_HEADS)
        if cur and gap_ok and particle and not pending:
            pending = [tok]
            continue
        if cur:
            runs.append(cur)
        cur, pending = [], []
    if cur:
        runs.append(cur)
    return runs


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
        if is_title_word(tok.text):
            last_title = i
        elif not _modifier(tok.text):
            break
    if last_title < 0:
        return 0
    return last_title + 1


_LOWER_TITLE = re.compile(r"(?:(?P<aff>[A-Z][\w.’'-]*)[ \t]+)?(?P<title>[a-z]+)[ \t]+$")


def _lowercase_title(text: str, start: int) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """A lowercase title right before a name ("DLF spokesman", "UN envoy"), and the affiliation before it."""
    m = _LOWER_TITLE.search(text, max(0, start - 40), start)
    if m is None or not is_title_word(m.group("title")):
        return None
    aff = m.group("aff")
    represents = (m.start("aff"), m.end("aff")) if aff and _affiliation(aff) else None
    return (m.start("title"), m.end("title")), represents


def kind_of(name: str) -> ActorKind:
    """What a name (without its title) names, from the gazetteer and the organisation word lists."""
    key = fold_name(name)
    if key in ARMED_GROUPS or any(t in _ARMED_TOKENS for t in key.split()):
        return ActorKind.ARMED_GROUP
    words = name.split()
    if any(fold_name(w).rstrip("s") in ("militia", "brigade", "battalion", "front", "liberation") for w in words):
        return ActorKind.ARMED_GROUP
    if is_country(name):
        return ActorKind.COUNTRY
    if key in MEDIA or any(is_org_word(w) for w in words) or len(alias_keys(name)) > 1:
        return ActorKind.ORGANISATION
    if len(words) == 1 and name.isupper() and len(name) >= 2:
        return ActorKind.ORGANISATION
    if any(fold_name(w) in MONTHS or fold_name(w) in WEEKDAYS for w in words):
        return ActorKind.OTHER
    return ActorKind.OTHER


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
        body = run[cut:]
        a, b = body[0].start, body[-1].end
        name = text[a:b]
        if cut == 0:
            led = _lowercase_title(text, run[0].start)
            if led is not None and kind_of(name) is ActorKind.OTHER:  # "UN envoy David Lindqvist"
                out.append(Name(a, b, name, ActorKind.PERSON, led[0], led[1]))
                continue
        if cut > 0:
            lead = 0
            while lead < cut - 1 and _affiliation(run[lead].text):
                lead += 1
            title = (run[lead].start, run[cut - 1].end)
            represents = (run[0].start, run[lead - 1].end) if lead else None
            kind = kind_of(name)
            out.append(Name(a, b, name, ActorKind.PERSON if kind is ActorKind.OTHER else kind, title, represents))
        else:
            out.append(Name(a, b, name, kind_of(name)))
    return out
