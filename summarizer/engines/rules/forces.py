"""Who holds a front-line position: the force or armed group that is the subject of a cue.

The subject is the noun phrase before the cue when it names a force ("Iraqi
forces", "the 9th Armoured Division", "DLF fighters") or an armed group; "it" / "they"
after "The army said" is the force that reports its own move; "we" inside a
commander's quotation is the force of the position just before it, claimed by the
quote's speaker.
"""

from __future__ import annotations

import bisect
import re

from ...lexicon import alternation, words
from ...names import ARMED_GROUPS
from ...parse import name_supported, phrase_supported
from ...schema import ActorKind, Mention, Position, Quote, QuoteKind
from .doc import Doc, Word
from .evidence import mention, span
from .speakers import SKIPPABLE, speaker_before

__all__ = ["Claims", "first_person_force", "force_mention", "quotes_by_region", "subject_force"]

# The heads of a force's name, and the generic names that refer back to an armed group (summarizer/data/forces.toml).
_FORCE_HEADS = words("forces", "force_heads")
_CLAUSE_LEADS = re.compile(r"^(?:as|meanwhile|but|and|while|when|after|before|since|although|though)\b\s*", re.I)
_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.I)
_BEFORE_CUE = frozenset(SKIPPABLE | {"to", "claimed", "claims", "appeared", "appears", "seemed", "now", "still"})
_CLAIMED = frozenset({"claimed", "claims"})
_MODIFIER = re.compile(r"\s+(?:backed|supported|aided|assisted|led|trained|armed)\s+by\b", re.I)
_FORCES_OF = re.compile(
    r"(?:[\w,]+\s+of\s+)?(?:\w+\s+)?(?:forces|troops|fighters|men|units|members)\s+(?:from|of)\s+(?:the\s+)?", re.I
)
_GENERIC = words("forces", "generic_armed_groups")
_ANTECEDENT_PARAGRAPHS = 2
_OWNER = re.compile(r"(?<=\w)(?:[’']s?)\s*$")
_WE = re.compile(r"\b(?:we|our forces|our troops|our fighters)\b", re.I)
_THIRD_PERSON = re.compile(r"^(?:it|they|its\s+\w+|their\s+\w+)$", re.I)
_REPORTING = words("speech", "reporting_verbs")
_SAID_BEFORE = re.compile(rf"\b(?:{alternation(_REPORTING)})\s+(?:that\s+)?$", re.I)


def subject_force(doc: Doc, sa: int, cue_start: int) -> tuple[Mention | None, Mention | None]:
    """The subject noun phrase before the cue when it names a force or an armed group, and who claims the move."""
    text = doc.text
    words = doc.words(max(sa, cue_start - 300), cue_start)
    claimed = False
    while words and words[-1].text.lower() in _BEFORE_CUE:
        claimed = claimed or words[-1].text.lower() in _CLAIMED
        words.pop()
    chunks: list[list[Word]] = [[]]
    for w in words:
        if w.text in (",", "—", "–", ";", ":"):
            chunks.append([])
        else:
            chunks[-1].append(w)
    # "X, a paramilitary group ..., were preparing": skip the apposition.
    # "X, advancing from the south, captured": the participle's subject is X too.
    chunk = chunks[-1] if chunks[-1] else (chunks[-3] if len(chunks) >= 3 else chunks[0])
    # The subject's clause: after the last "but" / "while" / "as" / ";".
    for i in range(len(chunk) - 1, -1, -1):
        if chunk[i].text.lower() in ("but", "while", "as", ";", "and", "when") and i + 1 < len(chunk):
            chunk = chunk[i + 1 :]
            break
    said = [i for i, w in enumerate(chunk) if w.text.lower() in _REPORTING]
    if said and said[-1] + 1 < len(chunk):  # "The army also said it ...": the reported clause's subject
        chunk = chunk[said[-1] + 1 :]
        chunk = chunk[1:] if chunk[0].text.lower() == "that" and len(chunk) > 1 else chunk
    if not chunk or len(chunk) > 12 or doc.quote_at(chunk[0].start) is not None:
        return None, None
    a, b = chunk[0].start, chunk[-1].end
    dash = text.rfind(" - ", a, b)  # "MARUN, Oct. 12 - Fighters of ...": a dateline's dash ends no subject
    a = dash + 3 if dash >= 0 else a
    lead = _CLAUSE_LEADS.match(text[a:b])
    if lead is not None:
        a += lead.end()
    if _THIRD_PERSON.match(text[a:b]):
        force = _reporting_force(doc, sa, a)  # "The army said it had taken ...": the army
        return force, force
    force = force_mention(doc, a, b)
    return force, force if claimed and force is not None else None


def _reporting_force(doc: Doc, sa: int, pronoun: int) -> Mention | None:
    """The force or group that reports its own move: the subject of "said" right before the pronoun."""
    cue = _SAID_BEFORE.search(doc.text, max(sa, pronoun - 30), pronoun)
    if cue is None:
        return None
    who = speaker_before(doc, sa, cue.start())
    if who is None or who.kind not in (ActorKind.ORGANISATION, ActorKind.ARMED_GROUP, ActorKind.COUNTRY):
        return None
    return Mention(value=who.value, spans=[span(doc.text, who.start, who.end)])


def force_mention(doc: Doc, a: int, b: int) -> Mention | None:
    """A mention of ``text[a:b]`` when that phrase names a force or an armed group (else None)."""
    text = doc.text
    modifier = _MODIFIER.search(text, a, b)
    if modifier is not None:
        b = modifier.start()
    owner = _OWNER.search(text, a, b)  # "the rebels’ withdrawal": the rebels
    if owner is not None:
        b = owner.start()
    phrase = text[a:b]
    m = _FORCES_OF.match(phrase)
    if m is not None and m.end() < len(phrase):
        return mention(text, a + m.end(), b)
    det = _DETERMINER.match(phrase)
    if det is not None:
        a, phrase = a + det.end(), phrase[det.end() :]
    words = [w.lower().strip("’'") for w in re.findall(r"[\w’'-]+", phrase)]
    if not words:
        return None
    groups = [n for n in doc.names(a, b) if n.kind.value == "armed_group" or n.text.lower() in ARMED_GROUPS]
    if words[-1] in _FORCE_HEADS or any(w in _FORCE_HEADS for w in words[-2:]) or groups:
        found = mention(text, a, b)
        return _with_antecedent(doc, found, a) if found is not None and words[-1] in _GENERIC else found
    return None


def _with_antecedent(doc: Doc, found: Mention, at: int) -> Mention:
    """ "the rebels" after "the Daravan Liberation Front (DLF)": the group named last before, within
    :data:`_ANTECEDENT_PARAGRAPHS`; its name is the value, and both mentions are spans."""
    if found.value.lower().strip("’'") not in _GENERIC:
        return found  # "Southern rebels", "ISIL militants": a force named in its own words
    first = doc.src.paragraphs[max(0, doc.paragraph(at) - _ANTECEDENT_PARAGRAPHS)][0]
    groups = [n for n in doc.names(first, at) if n.kind is ActorKind.ARMED_GROUP]
    if not groups:
        return found
    g = groups[-1]
    return Mention(value=g.text, spans=[span(doc.text, g.start, g.end), *found.spans])


def quotes_by_region(doc: Doc, quotes: list[Quote]) -> dict[int, Quote]:
    """Direct quotes keyed by the start of the quotation that holds them."""
    out: dict[int, Quote] = {}
    for q in quotes:
        at = q.text.spans[0].start if q.text.spans else None
        region = doc.quote_at(at) if at is not None else None
        if region is not None and q.kind is QuoteKind.DIRECT:
            out.setdefault(region.start, q)
    return out


def first_person_force(
    doc: Doc, sa: int, cue_start: int, earlier: list[Position], quotes: dict[int, Quote]
) -> tuple[Mention | None, Mention | None]:
    """ "we have advanced" inside a quotation: the force of the position just before, claimed by the speaker."""
    region = doc.quote_at(cue_start)
    if region is None or not _WE.search(doc.text, max(region.start, cue_start - 40), cue_start):
        return None, None
    quote = quotes.get(region.start)
    if quote is None or not earlier:
        return None, None
    prev = earlier[-1]
    prev_at = prev.force.spans[0].start if prev.force.spans else None
    if prev_at is None or doc.paragraph(region.start) - doc.paragraph(prev_at) > 1:
        return None, None
    return prev.force, quote.speaker


class Claims:
    """Who says what: the speaker of the quote, direct or reported, whose text holds an offset.

    "Government troops pushed to within 3 km of X, military officials said": the position is
    claimed by the officials; "An air strike ... killed 14, local health officials said": they
    report the incident. A speaker whose span does not name it (a pronoun) is left out.
    """

    def __init__(self, quotes: list[Quote]) -> None:
        spans = sorted(
            (s.start, s.end, q.speaker)
            for q in quotes
            for s in q.text.spans
            if s.start is not None and s.end is not None and _names_itself(q.speaker)
        )
        self._spans = spans
        self._starts = [a for a, _, _ in spans]

    def at(self, offset: int) -> Mention | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        for a, b, speaker in reversed(self._spans[max(0, i - 2) : i + 1]):
            if a <= offset < b:
                return speaker
        return None


def _names_itself(m: Mention) -> bool:
    return bool(m.spans) and all(name_supported(m.value, s.text) or phrase_supported(m.value, s.text) for s in m.spans)
