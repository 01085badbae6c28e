"""Who speaks: the subject of a speech cue, before it ("X said") or after it ("said X").

The subject is read clause by clause, right to left from the cue: the comma-separated
chunk just before the cue names the speaker ("Hollande said"), is a pronoun resolved to
the nearest earlier person mention ("he said"), or is an apposition
("..., spokesman for the Asaib Ahl al-Haq militia, said") that sends the reader one
chunk further left ("Jawwad al-Tulaibawi"). Anything else is not a clear speaker and
gives None: precision first.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...lexicon import fold_name
from ...schema import ActorKind
from .doc import Doc, Word
from .names import MEDIA, Name, is_title_word, names_in

__all__ = ["SKIPPABLE", "Speaker", "speaker_after", "speaker_before"]

_PRONOUNS = frozenset({"he", "she"})
_APPOSITION_LEAD = frozenset("a an the their his her its our".split())
SKIPPABLE = frozenset(
    """also later then further again previously once reportedly earlier recently separately quickly
    has had have would will was is were are had been later on""".split()
)
_CHUNK_BREAK = frozenset({",", ";", "(", ")", "—", "–", "[", "]"})
_MAX_PARAGRAPHS_BACK = 3  # a pronoun's antecedent must be this close


@dataclass(frozen=True, slots=True)
class Speaker:
    """A resolved speaker: its value, where it is named near the cue, and where a pronoun's person is."""

    value: str
    kind: ActorKind
    start: int
    end: int
    antecedent: tuple[int, int] | None = None
    title: tuple[int, int] | None = None
    media: bool = False  # a news outlet ("AFP reported"): a relay, not a speaker


def _chunks(words: list[Word]) -> list[list[Word]]:
    out: list[list[Word]] = [[]]
    for w in words:
        if w.text in _CHUNK_BREAK:
            out.append([])
        else:
            out[-1].append(w)
    return out


def _from_name(doc: Doc, name: Name, title: tuple[int, int] | None) -> Speaker:
    person = doc.person_at(name.start, name.end)
    kind = name.kind
    value = name.text
    if person is not None and kind in (ActorKind.PERSON, ActorKind.OTHER):
        kind, value = ActorKind.PERSON, person.name
    elif kind is ActorKind.OTHER:
        kind = ActorKind.PERSON
    return Speaker(value, kind, name.start, name.end, title=name.title or title, media=fold_name(name.text) in MEDIA)


def _pronoun(doc: Doc, w: Word) -> Speaker | None:
    person = doc.antecedent(w.start)
    if person is None:
        return None
    if doc.src.paragraph_index(w.start) - doc.src.paragraph_index(person.start) > _MAX_PARAGRAPHS_BACK:
        return None
    return Speaker(person.name, ActorKind.PERSON, w.start, w.end, antecedent=(person.start, person.end))


def _is_apposition(chunk: list[Word]) -> bool:
    first = chunk[0].text
    return first in _APPOSITION_LEAD or (first.islower() and is_title_word(first))


def _named(doc: Doc, chunk: list[Word], *, at_end: bool) -> Name | None:
    """The name that ends (``at_end``) or starts the chunk, led by at most a few other words."""
    names = names_in(doc.text, chunk[0].start, chunk[-1].end)
    if not names:
        return None
    if at_end:
        name = names[-1]
        lead = name.title[0] if name.title else name.start
        if name.end != chunk[-1].end or sum(1 for w in chunk if w.end <= lead) > 2:
            return None
        return name
    name = names[0]
    lead = name.title[0] if name.title else name.start
    if any(w.end <= lead and w.text.lower() != "the" for w in chunk):
        return None
    return name


def speaker_before(doc: Doc, start: int, cue_start: int) -> Speaker | None:
    """The subject of a cue at ``cue_start``, named within ``[start, cue_start)``."""
    words = doc.words(start, cue_start)
    while words and words[-1].text.lower() in SKIPPABLE:
        words.pop()
    chunks = [c for c in _chunks(words)]
    while chunks and not chunks[-1]:
        chunks.pop()
    title: tuple[int, int] | None = None
    for depth, chunk in enumerate(reversed(chunks)):
        if not chunk or depth > 2:
            return None
        if len(chunk) == 1 and chunk[0].text.lower() in _PRONOUNS:
            return _pronoun(doc, chunk[0]) if depth == 0 else None
        name = _named(doc, chunk, at_end=True)
        if name is not None:
            return _from_name(doc, name, title)
        if not _is_apposition(chunk) or (depth == 0 and len(chunks) == 1):
            return None
        lead = 1 if chunk[0].text in ("a", "an", "the") else 0
        if title is None and len(chunk) - lead <= 10:
            title = (chunk[lead].start, chunk[-1].end)
    return None


def speaker_after(doc: Doc, cue_end: int, end: int) -> Speaker | None:
    """The speaker named just after a cue ("said Col. John Dorrian, a spokesman ...")."""
    words = doc.words(cue_end, end)
    chunks = _chunks(words)
    if not chunks or not chunks[0]:
        return None
    first = chunks[0]
    if len(first) == 1 and first[0].text.lower() in _PRONOUNS:
        return _pronoun(doc, first[0])
    name = _named(doc, first, at_end=False)
    if name is None:
        return None
    title = None
    if len(chunks) > 1 and chunks[1] and _is_apposition(chunks[1]) and len(chunks[1]) <= 10:
        lead = 1 if chunks[1][0].text in ("a", "an", "the") else 0
        title = (chunks[1][lead].start, chunks[1][-1].end)
    return _from_name(doc, name, title)
