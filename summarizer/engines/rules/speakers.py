"""Who speaks: the subject of a speech cue, before it ("X said") or after it ("said X").

The subject is read chunk by chunk (chunks are separated by commas), right to left
from the cue. A chunk names the speaker ("Hollande", "Col. John Dorrian"), is a
pronoun resolved to the nearest earlier person mention ("he"), refers back to a titled
person ("the minister"), or describes the speaker ("local health officials", "the
interior ministry"). A relative clause (", who asked not to be named,") is skipped; a
description followed by a name to its left is that name's apposition ("Jawwad
al-Tulaibawi, spokesman for the Asaib Ahl al-Haq militia, said"). Anything else is not
a clear speaker and gives None: precision first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...lexicon import PERSON_TITLES, fold_name
from ...mentions import is_party_state, pronoun_antecedent
from ...names import ARMED_GROUPS, Name, is_org_word, is_outlet, is_title, kind_of
from ...schema import ActorKind
from .doc import Doc, Word

__all__ = ["SKIPPABLE", "Speaker", "speaker_after", "speaker_before", "title_head"]

_PRONOUNS = frozenset({"he", "she"})
_ARMED_HEADS = frozenset("militia front rebels insurgents fighters militants".split())
# Heads of descriptions of a body that are no org word of names.toml ("the military said").
_ORG_HEADS = frozenset(
    """military company firm airline carrier operator embassy union party navy regulator watchdog coastguard
    manufacturer insurer bank hospital university club federation association institute foundation network
    consortium utility""".split()
)
_CONJUNCTIONS = frozenset("and but while whereas although though as".split())
_RELATIVE = frozenset("who which whose where when whom".split())
_APPOSITION_LEAD = frozenset("a an the their his her its our".split())
_DETERMINERS = frozenset("the a an".split())
_QUANTIFIERS = frozenset("one two three several some many most other".split())
SKIPPABLE = frozenset(
    """also later then further again previously once reportedly earlier recently separately quickly
    has had have would will was is were are been later on""".split()
)
# Asides between a speaker and the cue, set off by commas: "X, however, said", "X, for his part, said".
_ASIDES = frozenset(
    {
        "however",
        "meanwhile",
        "though",
        "too",
        "moreover",
        "instead",
        "nevertheless",
        "nonetheless",
        "also",
        "in turn",
        "in response",
        "for his part",
        "for her part",
        "for its part",
        "for their part",
    }
)
_LEADING_ADVERBS = frozenset("then later also meanwhile finally eventually".split())  # "Then the commander radioed"
_CHUNK_BREAK = frozenset({",", ";", "—", "–", "[", "]", ":", "“", "”", '"'})
_PREPOSITIONS = frozenset("at from in of for with on near by to inside outside".split())
_NOT_NP = frozenset(
    """is was were are be been being had has have would will could should must may might can did does do
    that this these those there it they we i you not no who which what when where if as than because
    said says told asked according""".split()
)
SPEAKER_NOUNS = (
    frozenset(
        """official officials source sources resident residents witness witnesses spokesman spokeswoman spokesperson
    ministry army military police agency group groups council statement charity organisation organization
    government authorities authority minister ministers governor commander commanders doctor doctors surgeon
    nurse medic medics worker workers monitor monitors observer observers analyst analysts diplomat diplomats
    officer officers activist activists villager villagers survivor survivors leader leaders mayor president
    chief prosecutor court committee coalition alliance militia front unit campaigners lawyer lawyers envoy
    ambassador delegation negotiator negotiators farmers teachers relatives member members staff employees
    engineer engineers coordinator director administration cabinet office spokesmen agencies residents
    rebels insurgents fighters militants protesters demonstrators police commission directorate department
    bureau service captain skipper pilot crew driver drivers passenger passengers guard guards soldier soldiers
    journalist journalists manager managers owner owners founder boss editor""".split()
    )
    | _ORG_HEADS
)
_MAX_PARAGRAPHS_BACK = 3  # a pronoun's antecedent must be this close
_TITLE_REFERENCE_PARAGRAPHS = 2


@dataclass(frozen=True, slots=True)
class Speaker:
    """A resolved speaker: its value and kind, where it is named, and the title given beside it."""

    value: str
    kind: ActorKind
    start: int  # the words naming the speaker here (a name, a pronoun, a description)
    end: int
    title: tuple[int, int] | None = None
    media: bool = False  # a news outlet ("AFP reported"): a relay, not a speaker
    phrase_start: int = -1  # where the whole subject phrase (appositions included) begins


_AGE = re.compile(r"\d{1,3}-years?-old")
_AGE_NUMBER = re.compile(r"\d{1,3}")


def _aside(chunk: list[Word]) -> bool:
    """What stands between a name and its cue and names nobody: an aside (", however,"), an age (", 54,"),
    a U.S. party and state (", D-Mass.,")."""
    if len(chunk) == 1 and (_AGE_NUMBER.fullmatch(chunk[0].text) or is_party_state(chunk[0].text)):
        return True
    return " ".join(w.text.lower() for w in chunk) in _ASIDES


def _chunks(words: list[Word]) -> list[list[Word]]:
    out: list[list[Word]] = [[]]
    depth = 0
    for w in words:
        if w.text == "(":
            depth += 1
        elif w.text == ")":
            depth = max(0, depth - 1)
        elif depth:
            continue  # a parenthetical ("(DLF)") belongs to the chunk but is not read
        elif w.text in _CHUNK_BREAK:
            out.append([])
        else:
            out[-1].append(w)
    return out


def title_head(doc: Doc, chunk: list[Word]) -> tuple[int, int] | None:
    """The title noun of a description: "spokesman" in "spokesman for the militia", "nurse" in "a nurse at ..."."""
    words = chunk[1:] if chunk and chunk[0].text.lower() in _APPOSITION_LEAD else chunk
    head: Word | None = None
    for w in words:
        if w.text.lower() in _PREPOSITIONS:
            break
        head = w
    if head is None:
        return None
    low = fold_name(head.text)
    if low in SPEAKER_NOUNS or is_title(head.text):
        return head.start, head.end
    return None


def _antecedent_person(doc: Doc, offset: int) -> tuple[str, int] | None:
    """The nearest person mentioned before ``offset`` and where (:func:`summarizer.names.antecedent`: person
    mentions are only people's, never an outlet's, a body's or a place's, as the validator reads them)."""
    person = doc.antecedent(offset)
    return None if person is None else (person.name, person.start)


def _pronoun(doc: Doc, w: Word) -> Speaker | None:
    """Whom "he"/"she" refers to, as the validator reads it (:func:`summarizer.mentions.pronoun_antecedent`: the
    subject of the sentence before, not a person named inside the quotation): one person, or no speaker."""
    resolved = pronoun_antecedent(doc.src, w.start)
    if len(resolved) != 1:
        return None  # nobody, or ambiguous
    found = _antecedent_person(doc, w.start)
    if found is not None:  # else the subject of a sentence before, named by a surname alone ("Berg said.")
        if doc.paragraph(w.start) - doc.paragraph(found[1]) > _MAX_PARAGRAPHS_BACK:
            return None
        if doc.quote_at(found[1]) is not None and doc.quote_at(w.start) is None and resolved[0] == found[0]:
            return None  # only someone named inside a quotation ("“X will lose,” she said")
    return Speaker(resolved[0], ActorKind.PERSON, w.start, w.end, phrase_start=w.start)


def _family_name_first(doc: Doc, word: str, before: int) -> str:
    """ "Liu" after "Liu Xiaoming": a one-word name that opens the full name of exactly one person named earlier
    (a family name written first) is that person; the mention finder expands only last words."""
    index: dict[str, list[tuple[int, str]]] | None = doc.src.memo.get("names_by_first_word")
    if index is None:  # built once per text: each lookup then reads only the names that open with ``word``
        index = doc.src.memo["names_by_first_word"] = {}
        for p in doc.people:
            if " " in p.name:
                index.setdefault(p.name.split()[0], []).append((p.start, p.name))
    full = set()
    for start, name in index.get(word, ()):
        if start >= before:
            break
        full.add(name)
        if len(full) > 1:
            return word
    return full.pop() if full else word


def _from_name(doc: Doc, name: Name, title: tuple[int, int] | None) -> Speaker:
    person = doc.person_at(name.start, name.end)
    kind = name.kind
    value = name.text
    if person is not None and kind in (ActorKind.PERSON, ActorKind.OTHER):
        kind, value = ActorKind.PERSON, person.name
    elif kind is ActorKind.OTHER:
        kind = ActorKind.PERSON
    if kind is ActorKind.PERSON and " " not in value:
        value = _family_name_first(doc, value, name.start)
    start = name.title[0] if name.title else name.start
    return Speaker(
        value,
        kind,
        name.start,
        name.end,
        title=name.title or title,
        media=is_outlet(name.text),
        phrase_start=start,
    )


def _named(doc: Doc, chunk: list[Word], *, at_end: bool) -> Name | None:
    """The name that ends (``at_end``) or starts the chunk, led by at most a few other words."""
    names = doc.names(chunk[0].start, chunk[-1].end)
    if not names:
        return None
    if at_end:
        name = names[-1]
        lead = _lead(name)
        if name.end != chunk[-1].end:
            return None
        if not any(
            w.end <= lead and w.text.lower() not in ("the", "a", "an") and not _AGE.fullmatch(w.text) for w in chunk
        ):
            return name if sum(1 for w in chunk if w.end <= lead) <= 2 else None
        return name if _role_lead(name, chunk, lead) else None
    name = names[0]
    if len(names) > 1 and names[1].title is not None and not doc.text[name.end : names[1].title[0]].strip():
        name = names[1]  # "U.N. spokesman Stephane Dujarric": the first name is whom the titled one represents
    lead = _lead(name)
    if any(w.end <= lead and w.text.lower() != "the" for w in chunk):
        return name if _role_lead(name, chunk, lead) else None
    return name


def _role_lead(name: Name, chunk: list[Word], lead: int) -> bool:
    """ "convoy leader Jonas Albrecht", "United Nations spokesman Stephane Dujarric", "airline boss Tony
    Fernandes": a role word before the name (its title, or a lowercase title word), led by at most three
    words that qualify it (lowercase nouns, a body's name, a possessive) and nothing that reads as a clause."""
    before = [w for w in chunk if w.end <= lead]
    if name.title is None:
        if not _descriptive_lead(chunk, lead):
            return False
        before = before[:-1]
    if before and before[0].text.lower() in _APPOSITION_LEAD:
        before = before[1:]
    return len(before) <= 3 and all(_qualifier(w.text) for w in before)


def _qualifier(word: str) -> bool:
    low = word.lower()
    if _AGE.fullmatch(low):
        return True  # "the 54-year-old"
    if not word[:1].isalpha() or low in _NOT_NP or low in _PREPOSITIONS or low in _CONJUNCTIONS or low in _RELATIVE:
        return False
    return word[:1].isupper() or not (low.endswith(("ed", "ing")) and len(low) > 4)


def _modifies(doc: Doc, name: Name, chunk: list[Word]) -> bool:
    """The name only qualifies a noun after it: "the Zarqa health directorate", "the Gaza health ministry"."""
    after = [w for w in chunk if w.start >= name.end]
    return bool(after) and after[0].text.isalpha() and after[0].text.islower() and after[0].text not in _NOT_NP


def _lead(name: Name) -> int:
    """Where a name's phrase starts: its affiliation ("NATO"), else its title, else the name."""
    if name.represents is not None:
        return name.represents[0]
    return name.title[0] if name.title else name.start


def _descriptive_lead(chunk: list[Word], lead: int) -> bool:
    """ "DLF spokesman Karim Nasser": a lowercase title word right before the name is part of it."""
    before = [w for w in chunk if w.end <= lead]
    return bool(before) and is_title(before[-1].text) and before[-1].text.islower()


def _description(doc: Doc, chunk: list[Word]) -> Speaker | None:
    """ "local health officials", "the interior ministry", "a medical source at Birat’s hospital"."""
    if not chunk or len(chunk) > 9 or any(w.text.lower() in _NOT_NP or w.text[:1].isdigit() for w in chunk):
        return None
    if chunk[0].text.lower() in _PREPOSITIONS:  # "on the day the province’s governor": the last noun phrase
        cut = max((i for i, w in enumerate(chunk) if w.text.lower() in _DETERMINERS), default=-1)
        return _description(doc, chunk[cut:]) if cut > 0 else None
    lead = [w.text.lower() for w in chunk[:3]]
    if len(lead) == 3 and lead[0] in ("a", "an") and lead[1] in ("statement", "report") and lead[2] in ("from", "by"):
        return _description(doc, chunk[3:])  # "a statement from the neighborhood council"
    np = _noun_phrase(chunk)
    if not np or np[-1].text.endswith(("’s", "'s", "’", "'")):
        return None  # nothing, or a possessive ("the ministry's"): not a subject
    a, b = np[0].start, np[-1].end
    value = " ".join(doc.text[a:b].split())
    head = fold_name(np[-1].text)
    kind = kind_of(value)
    named = any(w.text[:1].isupper() for w in np)
    if named and kind in (ActorKind.ARMED_GROUP, ActorKind.COUNTRY):
        return Speaker(value, kind, a, b, phrase_start=chunk[0].start)
    if named and kind is ActorKind.ORGANISATION and (len(np) > 1 or head in SPEAKER_NOUNS):
        return Speaker(value, kind, a, b, media=is_outlet(value), phrase_start=chunk[0].start)
    if head not in SPEAKER_NOUNS and head.rstrip("s") not in SPEAKER_NOUNS:
        return None
    if fold_name(value) in ARMED_GROUPS or head in _ARMED_HEADS:
        kind = ActorKind.ARMED_GROUP
    elif is_org_word(head) or head in _ORG_HEADS:
        kind = ActorKind.ORGANISATION
    else:
        kind = ActorKind.PERSON
    return Speaker(value, kind, a, b, phrase_start=chunk[0].start)


def _noun_phrase(chunk: list[Word]) -> list[Word]:
    """The words of a description up to its head: no determiner, no trailing prepositional phrase."""
    words = chunk[1:] if chunk[0].text.lower() in _DETERMINERS else chunk
    np: list[Word] = []
    for w in words:
        low = w.text.lower()
        if np and (low in _PREPOSITIONS or (low.endswith("ed") and len(low) > 4)):
            break  # "a medical source at ...", "residents reached by phone"
        np.append(w)
    return np


def _title_reference(doc: Doc, chunk: list[Word]) -> Speaker | None:
    """ "the minister" right after "Interior Minister Walid Sarraf ..." refers to him."""
    if len(chunk) != 2 or chunk[0].text.lower() != "the" or fold_name(chunk[1].text) not in PERSON_TITLES:
        return None
    found = _antecedent_person(doc, chunk[0].start)
    if found is None:
        return None
    name, at = found
    if doc.paragraph(chunk[0].start) - doc.paragraph(at) > _TITLE_REFERENCE_PARAGRAPHS:
        return None
    before = doc.text[max(0, at - 60) : at]
    if not re.search(rf"\b{re.escape(chunk[1].text)}\b", before, re.IGNORECASE):
        return None
    return Speaker(name, ActorKind.PERSON, chunk[0].start, chunk[1].end, phrase_start=chunk[0].start)


def _read(doc: Doc, chunk: list[Word], *, at_end: bool) -> Speaker | None:
    if len(chunk) == 1 and chunk[0].text.lower() in _PRONOUNS:
        return _pronoun(doc, chunk[0])
    name = _named(doc, chunk, at_end=at_end)
    if name is not None:
        title = None
        if name.title is None and _descriptive_lead(chunk, name.start):
            before = [w for w in chunk if w.end <= name.start]
            title = (before[-1].start, before[-1].end)
        return _from_name(doc, name, title)
    return _title_reference(doc, chunk) or _description(doc, chunk)


def speaker_before(doc: Doc, start: int, cue_start: int, *, absolute: bool = False) -> Speaker | None:
    """The subject of a cue at ``cue_start``, named within ``[start, cue_start)`` (at most 300 characters back);
    with ``absolute``, an "-ing" cue may have its subject after "with" ("with X warning of “...”")."""
    words = doc.words(max(start, cue_start - 300), cue_start)
    while words and words[-1].text.lower() in SKIPPABLE:
        words.pop()
    chunks = _chunks(words)
    while chunks and not chunks[-1]:
        chunks.pop()
    title: tuple[int, int] | None = None
    if absolute:  # "with X warning of ...": X is the subject of an "-ing" cue
        cue = doc.words(cue_start, min(len(doc.text), cue_start + 30))
        absolute = bool(cue) and cue[0].text.lower().endswith("ing")
    for depth, chunk in enumerate(reversed(chunks)):
        while chunk and (
            chunk[0].text.lower() in _CONJUNCTIONS
            or chunk[0].text.lower() in _LEADING_ADVERBS
            or (absolute and chunk[0].text.lower() == "with")
        ):
            chunk = chunk[1:]  # "..., while Westin pledged", "and residents said", "with Weiss warning"
        if not chunk or depth > 2:
            return None
        if chunk[0].text.lower() in _RELATIVE or _aside(chunk):
            continue  # ", who asked not to be named,", ", however,", ", 54,", ", D-Mass.,"
        found = _read(doc, chunk, at_end=True)
        if found is None:
            if chunk[0].text.lower() not in _APPOSITION_LEAD:
                return None
            title = title or title_head(doc, chunk)
            continue  # an apposition with no speaker noun: the name is further left
        if _is_description(found, doc):
            left = _left_name(doc, chunks, depth)
            if left is not None:  # "Jawwad al-Tulaibawi, spokesman for the militia, said"
                return _with_title(left, title or title_head(doc, chunk))
        return _with_title(found, title)
    return None


def _left_name(doc: Doc, chunks: list[list[Word]], depth: int) -> Speaker | None:
    """The name in the chunk left of an apposition (``depth`` counts chunks from the right)."""
    index = len(chunks) - 2 - depth
    if index < 0 or not chunks[index]:
        return None
    chunk = chunks[index]
    if len(chunk) == 1 and chunk[0].text.lower() in _PRONOUNS:
        return None
    name = _named(doc, chunk, at_end=True)
    return None if name is None else _from_name(doc, name, None)


def _is_pronoun(s: Speaker, doc: Doc) -> bool:
    return doc.text[s.start : s.end].lower() in _PRONOUNS


def _is_description(s: Speaker, doc: Doc) -> bool:
    """ "local officials", "the U.S. commander" (a lowercase head), "several residents": no one's name."""
    words = doc.text[s.start : s.end].split()
    return words[0][:1].islower() or words[-1][:1].islower() or words[0].lower() in _QUANTIFIERS


def _with_title(s: Speaker, title: tuple[int, int] | None) -> Speaker:
    if s.title is not None or title is None:
        return s
    return Speaker(s.value, s.kind, s.start, s.end, title, s.media, min(s.phrase_start, title[0]))


def speaker_after(doc: Doc, cue_end: int, end: int) -> Speaker | None:
    """The speaker named just after a cue ("said Col. John Dorrian, a spokesman ...", "according to the
    city’s governor, Faisal Amiri")."""
    chunks = _chunks(doc.words(cue_end, min(end, cue_end + 300)))
    if not chunks or not chunks[0]:
        return None
    first = chunks[0]
    if len(first) == 1 and first[0].text.lower() in _PRONOUNS:
        return _pronoun(doc, first[0])
    name = _named(doc, first, at_end=False)
    if name is not None and _modifies(doc, name, first):
        described = _description(doc, first)  # "according to the Zarqa health directorate"
        if described is not None:
            return described
    if name is not None:
        title = None
        if len(chunks) > 1 and chunks[1] and chunks[1][0].text.lower() in _APPOSITION_LEAD:
            title = title_head(doc, chunks[1])
        return _from_name(doc, name, title)
    described = _title_reference(doc, first) or _description(doc, first)
    if described is None:
        return None
    if len(chunks) > 1 and chunks[1] and title_head(doc, first) is not None:
        named = _named(doc, chunks[1], at_end=False)
        if named is not None and named.kind in (ActorKind.PERSON, ActorKind.OTHER):
            return _from_name(doc, named, title_head(doc, first))  # "the city’s governor, Faisal Amiri"
    return described
