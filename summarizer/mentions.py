"""Who speaks, as the source says it: the subject of a speech cue, and whom a pronoun or a title refers to.

:func:`speech_cues` and :func:`cue_subject` read the subject of a speech cue from the
words around it ("said X", "X, the commander, said", "according to X"), inside a window
the caller gives; :func:`subject_person` says which person a subject names;
:func:`pronoun_antecedent` says whom a "he said" continues (the subject of the sentence
before, or two people where the text is ambiguous), and :func:`title_antecedent` whom
"the minister" refers back to. The validator checks a quote's speaker with them.

What a name is -- a person's, an organisation's, a place's -- and who the people of a
text are is :mod:`summarizer.names`, which these read. Pure; what is read from a whole
source is cached on it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .lexicon import MARKS, PRONOUNS, SPEECH_FORMS, fold_name, is_capitalised
from .names import (
    PARTICLES,
    NameKind,
    PersonMention,
    aliases,
    antecedent,
    classify,
    has_name_prefix,
    is_person_word,
    is_title,
    mention_starts,
    person_like,
    person_mentions,
    place_names,
)
from .text import QuoteRegion, SourceText

__all__ = [
    "PARTICIPLE_LEADS",
    "Subject",
    "clause_subjects",
    "cue_subject",
    "is_party_state",
    "pronoun_antecedent",
    "pronoun_at",
    "quotation_at",
    "quotation_end",
    "same_person",
    "speech_cues",
    "subject_person",
    "tag_verb",
    "title_antecedent",
]

_LETTERS = re.compile(r"[A-Za-z]+")

_PRONOUN_RE = re.compile(r"\b(" + "|".join(PRONOUNS) + r")\b", re.IGNORECASE)


def pronoun_at(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Personal pronouns in ``text[start:end]`` as (start, end, word)."""
    return [(m.start(), m.end(), m.group()) for m in _PRONOUN_RE.finditer(text, start, end)]


# --------------------------------------------------------------------------- who speaks
#
# The subject of a speech cue, read from the words around it: before it ("Hollande said",
# "Maj. Nabil Haddou, a ministry spokesman, said", "He also appealed") or, when nothing of
# its clause comes first, after it ("“...,” said Col. John Dorrian, a spokesman",
# "according to the city's governor, Faisal Amiri"). Words are read chunk by chunk
# (chunks end at commas, dashes, brackets and quotations), and only inside the window the
# caller gives: the work is bounded by the cue's sentence, never the whole text.

_TOKEN_RE = re.compile(rf"\w(?:[\w{MARKS}’'.-]*[\w{MARKS}])?|[,;:()\[\]—–]")  # marks: NFD "Duchâtel" is one word
_QUOTED = "“"  # the token that stands for a quotation cut out of a window
_BREAKS = frozenset({",", ";", ":", "(", ")", "[", "]", "—", "–", _QUOTED})
_HE_SHE = frozenset({"he", "she"})
_SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "we", "i", "it"})
_RELATIVES = frozenset("who whom whose which where when".split())
# Words that may lead a participle cue after a comma: "Berg said, before adding that ..." (mentions and the engine).
PARTICIPLE_LEADS = frozenset({"before", "after", "while", "when"})
_PARTY_STATE = re.compile(r"[DRI]-[A-Z][A-Za-z.]*")


def is_party_state(word: str) -> bool:
    """ "D-Mass.", "R-Texas": a U.S. lawmaker's party and state, set off by commas after the name; it names
    nobody (the validator's and the engine's subject readers both skip it)."""
    return _PARTY_STATE.fullmatch(word) is not None


_CONJUNCTIONS = frozenset("and but while whereas although though as with".split())  # "..., with X warning"
_AUXILIARIES = frozenset("had has have would will".split())
_SKIPPABLE = frozenset(
    "also later then further again previously once reportedly earlier recently separately however meanwhile".split()
)
_DEFINITE = frozenset("the this that these those his her its their our".split())
_PREPOSITIONS = frozenset("of for from at in with on near by to inside outside".split())
# Words that make a stretch a clause, not a noun phrase: it cannot be the subject of the cue after it.
_NOT_NP = frozenset(
    """is was were are be been being had has have would will could should must may might can did does do
    not no it we i you me us him them whether if than because so said says told asked""".split()
)
_NOUN_LEAD = re.compile(r"(?:\b(?:the|a|an|its|his|her|their|our|this|that|no)|['’]s)\s+$", re.IGNORECASE)
_MAX_SUBJECT = 300  # characters a subject may stand from its cue

Token = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class _Named:
    """A proper name found in a subject: where it is, as written."""

    start: int
    end: int
    name: str
    person: bool = False  # the syntax says it is a person's


@dataclass(frozen=True, slots=True)
class Subject:
    """Who a cue gives the words to, as the text says it.

    ``kind`` is ``"name"`` (a proper name, as written, at ``[name_start, name_end)``),
    ``"pronoun"`` ("he", "she", "they", "it"; ``head`` is the word), ``"title"`` (a definite
    title that refers back to a person named before: "the minister"; ``name`` is that
    person's full name) or ``"description"`` ("the interior ministry", "one surgeon", "the
    four leaders"). ``[start, end)`` covers the subject phrase, appositions included;
    ``head`` is the head word of a description and ``definite`` whether "the" or a
    possessive leads it. ``person`` marks a name the syntax says is a person's ("a woman
    who gave her name as Umm Ahmad") and a description that may be one person ("the
    45-year-old"). :func:`subject_person` says which person, if any, a subject names.
    """

    start: int
    end: int
    kind: str
    name: str | None = None
    head: str = ""
    definite: bool = False
    person: bool = False
    name_start: int = -1
    name_end: int = -1


_TO = re.compile(r"\s+to\b")


def speech_cues(src: SourceText, start: int, end: int) -> list[tuple[int, int]]:
    """Speech cues (:data:`~summarizer.lexicon.SPEECH_FORMS` and "according to") in ``[start, end)``
    outside quotations, less cue words used as nouns ("the ministry's promise", "a call for") or
    capitalised ("the United States", "Tell Hawa")."""
    text = src.text
    inside, ends = _merged(_quoted(src, start, end))
    out: list[tuple[int, int]] = []
    for word_start, word_end, word in _cue_words(src, start, end):
        cue_end = word_end
        if word == "according" or word == "According":
            to = _TO.match(text, cue_end, end)
            if to is None:
                continue
            cue_end = to.end()
        k = bisect.bisect_right(inside, word_start) - 1
        if k >= 0 and word_start < ends[k]:
            continue  # inside a quotation
        if _NOUN_LEAD.search(text, max(start, word_start - 12), word_start):
            continue
        out.append((word_start, cue_end))
    return out


def _is_cue_word(word: str) -> bool:
    """ "according", or a speech form in lower case (a sentence opening "Said ..." is rare)."""
    return word in ("according", "According") or (not word[0].isupper() and word in SPEECH_FORMS)


def _cue_words(src: SourceText, start: int, end: int) -> list[tuple[int, int, str]]:
    """The words of ``_LETTERS.finditer(text, start, end)`` that may be cues (:func:`_is_cue_word`), in order.

    The runs of one character class in a range are the text's runs cut to the range, so the runs
    inside it come from an index of the whole text's cue words (built once per text) and only a
    run cut by either end of the range is read there."""
    text = src.text
    index: tuple[list[int], list[tuple[int, int, str]]] | None = src.memo.get("speech_cue_words")
    if index is None:
        found = [(m.start(), m.end(), m.group()) for m in _LETTERS.finditer(text) if _is_cue_word(m.group())]
        index = src.memo["speech_cue_words"] = ([w[0] for w in found], found)
    starts, found = index
    end = min(end, len(text))
    out: list[tuple[int, int, str]] = []
    lo, hi = start, end
    if 0 < start < end and _is_letter(text[start - 1]) and _is_letter(text[start]):  # a run cut by the start
        m = _LETTERS.match(text, start, end)
        assert m is not None
        lo = m.end()
        if _is_cue_word(m.group()):
            out.append((m.start(), m.end(), m.group()))
    tail: tuple[int, int, str] | None = None
    if lo < end < len(text) and _is_letter(text[end - 1]) and _is_letter(text[end]):  # a run cut by the end
        a = end - 1
        while a > lo and _is_letter(text[a - 1]):
            a -= 1
        hi = a
        if _is_cue_word(text[a:end]):
            tail = (a, end, text[a:end])
    k = bisect.bisect_left(starts, lo)
    while k < len(found) and found[k][0] < hi:
        if found[k][1] <= hi:
            out.append(found[k])
        k += 1
    if tail is not None:
        out.append(tail)
    return out


def _is_letter(c: str) -> bool:
    return c.isascii() and c.isalpha()  # _LETTERS: [A-Za-z]


def _merged(ranges: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """The starts and ends of the union of sorted half-open ranges (a nested quotation lies inside its
    enclosing one): disjoint and in order, so that whether an offset is in any of them is one bisection."""
    starts: list[int] = []
    ends: list[int] = []
    for a, b in ranges:
        if ends and a <= ends[-1]:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return starts, ends


def tag_verb(src: SourceText, start: int, end: int) -> tuple[int, int] | None:
    """The verb of an attribution tag right after a quotation when it is not a speech cue of the lexicon:
    "“...,” Halloran testified", "“...,” the commander radioed". A past tense (a lowercase word in
    -ed) after one to five words of a subject, at the start of ``[start, end)``."""
    words = 0
    for a, b, word in _tokens(src, start, end)[:8]:
        if word in _BREAKS:
            if words:
                return None
            continue
        if words and word[0].islower() and len(word) > 4 and word.endswith("ed"):
            return a, b
        words += 1
        if words > 5:
            return None
    return None


def cue_subject(src: SourceText, cue: tuple[int, int], lo: int, hi: int) -> Subject | None:
    """The subject of the cue ``text[cue[0]:cue[1]]``, read within ``[lo, hi)``; None when unclear."""
    cs, ce = cue
    if src.text[cs:ce].lower().startswith("according"):
        return _subject_after(src, _tokens(src, ce, min(hi, ce + _MAX_SUBJECT)))
    before = _tokens(src, max(lo, cs - _MAX_SUBJECT), cs)
    while before and (before[-1][2].lower() in _SKIPPABLE or before[-1][2].lower() in _AUXILIARIES):
        before.pop()  # "X later said", "X had described ... as"
    participle = src.text[cs:ce].lower().endswith("ing")
    if participle and len(before) >= 2 and before[-1][2].lower() in PARTICIPLE_LEADS and before[-2][2] == ",":
        before.pop()  # "..., before adding that": the participle hangs on the clause before, like ", adding"
    if any(t[2] not in _BREAKS for t in before):
        return _subject_before(src, before)
    return _subject_after(src, _tokens(src, ce, min(hi, ce + _MAX_SUBJECT)))


def clause_subjects(src: SourceText, start: int, end: int) -> list[tuple[tuple[int, int], Subject]]:
    """The speech cues in ``[start, end)`` with their subjects, last cue first. A cue joined by "and",
    and a participle after a comma with no subject of its own ("Hollande said, calling for"), hang on
    the cue before them: they have none of their own ("..., with X warning" has one).

    Memoised per range on the SourceText (a copy of the list is returned): each "he said" walks back
    over the sentences before it, and the next one over most of the same sentences."""
    memo: dict[tuple[int, int], list[tuple[tuple[int, int], Subject]]]
    memo = src.memo.setdefault("clause_subjects", {})
    cached = memo.get((start, end))
    if cached is not None:
        return list(cached)
    cues = speech_cues(src, start, end)
    out: list[tuple[tuple[int, int], Subject]] = []
    for k in range(len(cues) - 1, -1, -1):
        cs, ce = cues[k]
        if k > 0 and src.text[start:cs].rstrip().lower().endswith(" and"):
            continue
        found = cue_subject(src, (cs, ce), start, end)
        if found is not None:
            out.append(((cs, ce), found))
    memo[(start, end)] = out
    return list(out)


def _quoted(src: SourceText, start: int, end: int) -> list[tuple[int, int]]:
    """The parts of ``[start, end)`` inside quotations, less a quotation the range lies strictly inside."""
    regions = src.quotes
    starts: list[int] | None = src.memo.get("quote_starts")
    if starts is None:
        starts = src.memo["quote_starts"] = [r.start for r in regions]
    out: list[tuple[int, int]] = []
    for k in range(bisect.bisect_left(starts, end) - 1, -1, -1):
        r = regions[k]
        r_end = quotation_end(src, r)
        if r_end > start and not (r.start < start and end < r_end):
            out.append((max(start, r.start), min(end, r_end)))
        if r.end <= start and not r.nested:
            break  # quotations do not overlap, except those nested inside another
    return sorted(out)


_DOUBLED_CLOSE = re.compile(r"’’|''")


def quotation_at(src: SourceText, start: int, end: int) -> QuoteRegion | None:
    """The (top-level) quotation ``[start, end)`` lies in, up to where it ends (:func:`quotation_end`)."""
    region = src.enclosing_quote(start, end)
    return region if region is not None and end <= quotation_end(src, region) else None


def quotation_end(src: SourceText, region: QuoteRegion) -> int:
    """Where a quotation ends: after its closing mark. One the text leaves unclosed (its region runs
    to the end of the paragraph) ends at the first doubled single mark in it, the closing of
    quotations typed “...’’ or ``...'' -- so that "“...,’’ she said" has its cue outside."""
    if region.closed or region.nested:
        return region.end
    m = _DOUBLED_CLOSE.search(src.text, region.start + 1, region.end)
    return m.end() if m is not None else region.end


def _tokens(src: SourceText, start: int, end: int) -> list[Token]:
    """Words and punctuation of ``[start, end)``; a quotation inside the range becomes one break token."""
    text = src.text
    out: list[Token] = []
    pos = start
    for a, b in _quoted(src, start, end):
        out.extend((m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text, pos, max(pos, a)))
        out.append((a, a, _QUOTED))
        pos = max(pos, b)
    out.extend((m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text, pos, end))
    return out


def _chunks(tokens: list[Token]) -> list[list[Token]]:
    out: list[list[Token]] = [[]]
    depth = 0
    for t in tokens:
        if t[2] in ("(", "["):
            depth += 1
        elif t[2] in (")", "]"):
            depth = max(0, depth - 1)
        elif depth:
            continue  # a parenthetical ("(VLA)") is not read
        elif t[2] in _BREAKS:
            out.append([])
        else:
            out[-1].append(t)
    return out


def _subject_before(src: SourceText, tokens: list[Token]) -> Subject | None:
    """ "X said", "X, the commander, said", "X, who ..., said", "the minister said", "he said"."""
    chunks = _chunks(tokens)
    if len(chunks) > 1 and not chunks[-1]:
        chunks.pop()  # "Sokol, said"
    description: list[Token] | None = None
    for chunk in reversed(chunks[-5:]):
        while chunk and chunk[0][2].lower() in _CONJUNCTIONS:
            chunk = chunk[1:]
        if not chunk:
            break
        first = chunk[0][2].lower()
        if first in _RELATIVES or all(
            t[2][0].isdigit() or t[2].lower() in _SKIPPABLE or is_party_state(t[2]) for t in chunk
        ):
            continue  # ", who asked not to be named,", ", 41,", ", however,", ", D-Mass.,"
        if description is None and len(chunk) == 1 and first in _SUBJECT_PRONOUNS:
            return Subject(chunk[0][0], chunk[0][1], "pronoun", head=first)
        named = _name_in(chunk, at_end=True, whole=description is not None)
        if named is not None:
            end = description[-1][1] if description else chunk[-1][1]
            return _name_subject(named, named.start, end)
        named = _named_as(chunk) if description is None else None
        if named is not None:
            return _name_subject(named, chunk[0][0], chunk[-1][1])
        if description is not None:
            break
        description = chunk  # an apposition, or the subject itself: a name may stand to its left
    return _describe(src, description) if description else None


def _named_as(chunk: list[Token]) -> _Named | None:
    """ "a commander who gave his name as Abu Omar", "a woman who identified herself only as Umm Ahmad": a
    description whose relative clause names the person it describes (a name here is a person's even
    where its first word could lead a place name)."""
    words = [t[2] for t in chunk]
    if not any(w.lower() in _RELATIVES for w in words[1:]):
        return None
    i = len(words)
    while i > 0 and (_name_token(words[i - 1]) or (i < len(words) and fold_name(words[i - 1]) in PARTICLES)):
        i -= 1
    if i == len(words) or i == 0 or words[i - 1].lower() != "as":
        return None
    return _Named(chunk[i][0], chunk[-1][1], " ".join(words[i:]), person=True)


def _subject_after(src: SourceText, tokens: list[Token]) -> Subject | None:
    """ "said X", "said convoy leader X, ...", "according to X", "according to the city's governor, X"."""
    chunks = _chunks(tokens)
    if not chunks or not chunks[0]:
        return None
    first = chunks[0]
    if first[0][2].lower() == "to":
        first = first[1:]
    if not first:
        return None
    if len(first) == 1 and first[0][2].lower() in _SUBJECT_PRONOUNS:
        return Subject(first[0][0], first[0][1], "pronoun", head=first[0][2].lower())
    named = _name_in(first, at_end=False, whole=False)
    if named is not None:
        return _name_subject(named, named.start, first[-1][1])
    described = _describe(src, first)
    if described is not None and len(chunks) > 1 and chunks[1] and is_title(described.head):
        apposed = _name_in(chunks[1], at_end=False, whole=True)  # "the city's governor, Faisal Amiri"
        if apposed is not None:
            return _name_subject(apposed, described.start, chunks[1][-1][1])
    return described


def _name_subject(named: _Named, start: int, end: int) -> Subject:
    return Subject(start, end, "name", name=named.name, person=named.person, name_start=named.start, name_end=named.end)


def _name_token(word: str) -> bool:
    if has_name_prefix(word):
        return True  # "al-Harthy"
    if not is_capitalised(word) or (word.isupper() and len(word) > 1):
        return False  # lowercase, or an acronym ("NATO", "AFP"); a word of a caseless script may be a name
    return is_person_word(word)


def _lead_word(word: str) -> bool:
    """A word that may lead a name: a title, a determiner or possessive, an affiliation ("NATO", "Thai")."""
    low = fold_name(word)
    return is_title(word) or low in _DEFINITE or low in ("a", "an") or word.endswith(("’s", "'s")) or word[0].isupper()


def _noun_word(word: str) -> bool:
    """A lowercase word that may stand in a role before a name ("taxi union boss", "convoy leader")."""
    low = word.lower()
    return low not in _PREPOSITIONS and low not in _NOT_NP and low not in PRONOUNS and not low.endswith(("ed", "ing"))


def _name_in(chunk: list[Token], *, at_end: bool, whole: bool) -> _Named | None:
    """The proper name that ends (``at_end``) or begins ``chunk``, led only by titles, determiners,
    affiliations or role nouns ("their commander, General X", "DLF spokesman X", "convoy leader X");
    with ``whole``, the chunk is nothing but the name and such words."""
    words = [t[2] for t in chunk]
    i, j = _name_run(words, at_end=at_end)
    if whole and j < len(words):
        return None
    run, lead = chunk[i:j], words[:i]
    if not run or len(lead) > 5:
        return None
    if not all(_lead_word(w) or (not whole and _noun_word(w)) for w in lead):
        return None
    name = " ".join(t[2] for t in run)
    k = i  # what the name names is read with the particle or acronym it is written with: "Al Jazeera", "BBC Arabic"
    while k > 0 and (fold_name(words[k - 1]) in PARTICLES or (words[k - 1].isupper() and len(words[k - 1]) > 1)):
        k -= 1
    if not person_like(name) or (k < i and not person_like(" ".join(words[k:j]))):
        return None
    return _Named(run[0][0], run[-1][1], name)


def _name_run(words: list[str], *, at_end: bool) -> tuple[int, int]:
    """``[i, j)``: the run of name words (particles inside it: "Pieter de Graaf") that ends the words
    (``at_end``) or comes first among their first six."""
    if at_end:
        i = j = len(words)
        while i > 0 and (_name_token(words[i - 1]) or (i < j and fold_name(words[i - 1]) in PARTICLES)):
            i -= 1
    else:
        i = j = next((k for k, w in enumerate(words[:6]) if _name_token(w)), len(words))
        while j < len(words) and (_name_token(words[j]) or (j > i and fold_name(words[j]) in PARTICLES)):
            j += 1
    while i < j and fold_name(words[i]) in PARTICLES:
        i += 1
    while j > i and fold_name(words[j - 1]) in PARTICLES:
        j -= 1
    return i, j


def subject_person(src: SourceText, subject: Subject) -> str | None:
    """The full name of the person a subject names or refers to, or None when it names none: the person
    mention at the name, the person whose first or last name it is ("Anchalee" for "Anchalee
    Wongsiri"), or a lone name that is neither a place nor a common noun opening its sentence
    ("Organisers said") -- a nom de guerre ("..., Sokol, said")."""
    if subject.kind == "title" or (subject.kind == "name" and subject.person):
        return subject.name
    if subject.kind != "name" or subject.name is None:
        return None
    mentions = person_mentions(src)
    full = _person_named(src, mentions, subject.name_start, subject.name_end, subject.name)
    if full is not None:
        return full
    if " " in subject.name or subject.name in place_names(src):
        return None
    if not _tokens(src, _sentence_start(src, subject.name_start), subject.name_start):
        return None
    return subject.name


def _sentence_start(src: SourceText, offset: int) -> int:
    return src.sentences[src.sentence_index(offset)][0] if src.sentences else 0


def _person_named(src: SourceText, mentions: list[PersonMention], start: int, end: int, name: str) -> str | None:
    """The full name of the person named at ``[start, end)``: the person mention there, else the person
    whose name has this one word as its first or last ("Anchalee" for "Anchalee Wongsiri")."""
    words = set(fold_name(name).split())
    k = bisect.bisect_right(mention_starts(src), start)
    for p in mentions[max(0, k - 1) : k + 1]:
        if p.start < end and start < p.end and words <= set(fold_name(p.name).split()):
            return p.name
    if len(words) == 1:
        for p in mentions:
            parts = p.name.split()
            if len(parts) > 1 and name in (parts[0], parts[-1]):
                return p.name
    return None


def _describe(src: SourceText, chunk: list[Token]) -> Subject | None:
    """A description as a subject; a definite title ("the minister") is resolved to the person it refers to."""
    if len(chunk) > 2 and chunk[0][2].lower() == "according" and chunk[1][2].lower() == "to":
        chunk = chunk[2:]
    cut = next((k for k, t in enumerate(chunk) if k and t[2].lower() in _RELATIVES), len(chunk))
    chunk = chunk[:cut]  # "a commander who gave only his nom de guerre"
    if chunk and chunk[0][2].lower() in _PREPOSITIONS:  # "on the day the province's governor": the last noun phrase
        cut = max((k for k, t in enumerate(chunk) if t[2].lower() in ("the", "a", "an")), default=0)
        chunk = chunk[cut:] if cut else []
    if not chunk or len(chunk) > 10 or any(t[2].lower() in _NOT_NP for t in chunk):
        return None
    head = chunk[-1][2]
    for k, t in enumerate(chunk[1:], 1):
        if t[2].lower() in _PREPOSITIONS:
            head = chunk[k - 1][2]
            break
    lead = chunk[0][2]
    definite = fold_name(lead) in _DEFINITE or lead.endswith(("’s", "'s"))
    start, end = chunk[0][0], chunk[-1][1]
    low = fold_name(head)
    if definite and is_title(head) and not low.endswith("s"):
        person = title_antecedent(src, start, low)
        if person is not None:
            return Subject(start, end, "title", name=person.name, head=low, definite=True, person=True)
    return Subject(start, end, "description", head=low, definite=definite, person=_one_person(low))


_NOT_PEOPLE = frozenset("statement report communique communiqué message letter post video".split())


def _one_person(head: str) -> bool:
    """Whether a description with this head word may be one person ("the 45-year-old", "the doctor"),
    not a body, a document or a group ("the ministry", "a statement", "the four leaders")."""
    plural = head.endswith("s") and not head.endswith(("ss", "us", "is"))
    return not plural and classify(head) is NameKind.OTHER and head not in _NOT_PEOPLE


def title_antecedent(src: SourceText, offset: int, title: str) -> PersonMention | None:
    """The person "the <title>" at ``offset`` refers to: the nearest earlier person mention, within two
    paragraphs, given that title ("Interior Minister Walid Sarraf", "Faris Oudeh, the housing minister,")."""
    text = src.text
    floor = src.paragraphs[max(0, src.paragraph_index(offset) - 2)][0] if src.paragraphs else 0
    pattern = re.compile(rf"\b{re.escape(title)}\b", re.IGNORECASE)
    mentions = person_mentions(src)
    for k in range(bisect.bisect_left(mention_starts(src), offset) - 1, -1, -1):
        p = mentions[k]
        if p.start < floor:
            break
        before = text[max(0, p.start - 40) : p.start]
        after = re.match(r"[^.;]{0,80}", text[p.end : p.end + 80])
        if pattern.search(before) or (after and after.group().startswith(",") and pattern.search(after.group())):
            return p
    return None


# --------------------------------------------------------------------------- pronouns


def pronoun_antecedent(src: SourceText, offset: int) -> tuple[str, ...]:
    """Who the subject pronoun ("he", "she") at ``offset`` refers to.

    The person who is the subject of the nearest earlier sentence (in this paragraph or the
    one before) whose subject is a person: the speaker a "he said" continues. When another
    person is named between that subject and the pronoun (outside quotations), both are
    returned, the subject first: the text is ambiguous. With no such sentence, the nearest
    earlier person mention (:func:`antecedent`). Empty when nobody comes before.
    """
    memo: dict[int, tuple[str, ...]] = src.memo.setdefault("pronoun_antecedents", {})
    if offset not in memo:
        quote = quotation_at(src, offset, offset + 1)
        memo[offset] = _resolve_pronoun(src, offset, 0) if quote is None else _quoted_antecedent(src, quote, offset)
    return memo[offset]


def _quoted_antecedent(src: SourceText, quote: QuoteRegion, offset: int) -> tuple[str, ...]:
    """A pronoun inside a quotation refers to someone the speaker named before it in the quotation ("my
    father, Henryk, ... he said"); the reporter's sentences around it are not its context."""
    chunks = _chunks(_tokens(src, quote.inner_start, offset))
    for chunk in reversed(chunks[-12:]):
        named = _name_in(chunk, at_end=True, whole=False) if chunk else None
        person = subject_person(src, _name_subject(named, named.start, named.end)) if named is not None else None
        if person is not None:
            return (person,)
    return ()


def _resolve_pronoun(src: SourceText, offset: int, depth: int) -> tuple[str, ...]:
    found = _previous_subject(src, offset, depth)
    if found is None:
        person = antecedent(src, offset)
        return (person.name,) if person is not None else ()
    names, at = found
    rival = _person_between(src, at, offset, names)
    return names if rival is None else (*names, rival)


_LOOKBACK = 1_500  # characters: three or four long wire sentences


def _previous_subject(src: SourceText, offset: int, depth: int) -> tuple[tuple[str, ...], int] | None:
    """The person subject of the nearest sentence before ``offset`` that has one, and where it stands."""
    if not src.sentences:
        return None
    # This paragraph or the one before, and never further back than a long sentence reaches: in one
    # endless "sentence" each pronoun would otherwise read everything before it (quadratic work).
    floor = max(src.paragraphs[max(0, src.paragraph_index(offset) - 1)][0], offset - _LOOKBACK)
    k = src.sentence_index(offset)
    for s in range(k, max(-1, k - 8), -1):
        a, b = src.sentences[s]
        if b <= floor:
            break
        found = _person_subject(src, max(a, floor), min(b, offset), depth)
        if found is not None:
            return found
    return None


def _person_subject(src: SourceText, a: int, b: int, depth: int) -> tuple[tuple[str, ...], int] | None:
    """The person a sentence (``[a, b)``) is about: a speech cue's subject, else a person it opens with."""
    if b <= a:
        return None
    for _, subject in clause_subjects(src, a, b):
        person = subject_person(src, subject)
        if person is not None:
            return (person,), subject.start
        if subject.kind == "pronoun" and subject.head in _HE_SHE and depth < 3:
            names = _resolve_pronoun(src, subject.start, depth + 1)
            if names:
                return names, subject.start
    mentions = person_mentions(src)
    k = bisect.bisect_left(mention_starts(src), a)
    if k < len(mentions) and mentions[k].start < b and quotation_at(src, mentions[k].start, mentions[k].end) is None:
        lead = [t[2] for t in _tokens(src, a, mentions[k].start)]
        if len(lead) <= 5 and all(_lead_word(w) for w in lead):  # "Housing Minister Faris Oudeh defended ..."
            return (mentions[k].name,), mentions[k].start
    return None


def _person_between(src: SourceText, lo: int, hi: int, names: tuple[str, ...]) -> str | None:
    """The last person named in ``(lo, hi)`` outside quotations who is none of ``names`` (nor one of them
    in another script: "Mahmoud al-Husseini" after "محمود الحسيني (...)")."""
    mentions = person_mentions(src)
    also = aliases(src)
    names = (*names, *(a for n in names for a in also.get(n, ())))
    for k in range(bisect.bisect_left(mention_starts(src), hi) - 1, -1, -1):
        p = mentions[k]
        if p.start <= lo:
            break
        if quotation_at(src, p.start, p.end) is None and not any(same_person(p.name, n) for n in names):
            return p.name
    return None


def same_person(a: str, b: str) -> bool:
    """Whether two names may be one person: equal, or the words of one all in the other ("Demir", "Rasha Demir")."""
    x, y = set(fold_name(a).split()), set(fold_name(b).split())
    return bool(x and y) and (x <= y or y <= x)
