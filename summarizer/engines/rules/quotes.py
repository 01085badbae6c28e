"""Quotes: direct quotations paired by :mod:`summarizer.text` with a cue and a speaker, and reported speech.

A direct quote is a quotation of at least three words attributed in its own sentence:
a speech cue right after the closing mark ("...,” he said", "...,” said Col. John
Dorrian", "...” attack on Mosul, he said"), or right before the opening mark
("Hollande told reporters: “...”"). A quotation with no clear cue and speaker is
left out. Indirect quotes are "SPEAKER CUE (that) CLAUSE" with a named or
pronoun-resolved speaker and a clause that reads as reported speech.
"""

from __future__ import annotations

import re

from ...schema import ActorKind, Mention, Quote, QuoteKind, Span
from ...text import QuoteRegion
from .cues import INDIRECT_CUES, speech_lemma
from .doc import Doc, Word
from .evidence import mention, span, trim
from .names import names_in
from .speakers import Speaker, speaker_after, speaker_before

__all__ = ["find_quotes"]

_MIN_WORDS = 3
_MAX_LEAD_GAP = 4  # words allowed between a cue and the opening mark after it ("told reporters:")
_ADDRESSEES = frozenset({"reporters", "journalists", "lawmakers", "parliament", "supporters", "delegates"})
_FINITE = frozenset(
    """would will had has have was were is are could should must might may can did does do
    needed wanted planned intended""".split()
)
_CLAUSE_LEAD = frozenset("the a an it they he she we there this that these those his her its their".split())
_INDIRECT_ADVERBIAL = re.compile(
    r"\s*(?:,\s*)?(?:(?:on|last|this|next|late|early)\s+(?:\w+\.?\s+)?\w+|in\s+a\s+(?:statement|speech|interview))\s*(?:,\s*)?"
)


def find_quotes(doc: Doc) -> list[Quote]:
    """Direct quotes first (in source order), then indirect ones."""
    quotes: list[Quote] = []
    for region in doc.regions:
        q = _direct(doc, region)
        if q is not None:
            quotes.append(q)
    quotes.extend(_indirect(doc))
    return quotes


# --------------------------------------------------------------------------- direct


def _content(doc: Doc, region: QuoteRegion) -> Mention | None:
    text = doc.text
    spans: list[Span] = []
    for i, (a, b) in enumerate(region.pieces):
        tail = " \t\r\n,;:" if i == len(region.pieces) - 1 else " \t\r\n"
        a, b = trim(text, a, b, tail=tail)
        if b > a:
            spans.append(span(text, a, b))
    if not spans:
        return None
    value = " ".join(" ".join(s.text.split()) for s in spans)
    if len(value.split()) < _MIN_WORDS or "<" in value:
        return None
    return Mention(value=value, spans=spans)


def _direct(doc: Doc, region: QuoteRegion) -> Quote | None:
    if not region.closed:
        return None
    content = _content(doc, region)
    if content is None:
        return None
    found = _cue_after(doc, region) or _cue_before(doc, region)
    if found is None:
        return None
    cue, speaker = found
    return _quote(doc, content, QuoteKind.DIRECT, cue, speaker)


def _zone_after(doc: Doc, region: QuoteRegion) -> tuple[int, int]:
    _, end = doc.sentence(region.end - 1)
    for other in doc.regions:  # the zone stops at the next quotation of the sentence
        if region.end <= other.start < end:
            end = other.start
            break
    return region.end, max(region.end, end)


def _zone_before(doc: Doc, region: QuoteRegion) -> tuple[int, int]:
    start, _ = doc.sentence(region.start)
    prev = doc.quote_at(region.start - 1) if region.start > 0 else None
    if prev is not None and prev is not region:
        start = max(start, prev.end)
    for other in doc.regions:
        if start <= other.end <= region.start:
            start = other.end
    return min(start, region.start), region.start


def _cue_after(doc: Doc, region: QuoteRegion) -> tuple[Word, Speaker] | None:
    a, b = _zone_after(doc, region)
    words = doc.words(a, b)
    for i, w in enumerate(words):
        if w.text.lower() == "according" and i + 1 < len(words) and words[i + 1].text.lower() == "to":
            who = speaker_after(doc, words[i + 1].end, b)
            return (Word(w.start, words[i + 1].end, doc.text[w.start : words[i + 1].end]), who) if who else None
        if speech_lemma(w.text) is None:
            continue
        inverted = not doc.text[a : w.start].strip(" \t\n,")
        who = speaker_after(doc, w.end, b) if inverted else speaker_before(doc, a, w.start)
        if who is not None and not who.media:
            return w, who
        if who is None or not who.media:
            return None  # the first cue after the quote is its cue; no clear speaker, no attribution
    return None


def _cue_before(doc: Doc, region: QuoteRegion) -> tuple[Word, Speaker] | None:
    a, b = _zone_before(doc, region)
    words = doc.words(a, b)
    for i in range(len(words) - 1, -1, -1):
        w = words[i]
        if speech_lemma(w.text) is None:
            continue
        gap = words[i + 1 :]
        if not _lead_in(gap):
            return None
        who = speaker_before(doc, a, w.start)
        return (w, who) if who is not None and not who.media else None
    return None


def _lead_in(gap: list[Word]) -> bool:
    """Whether the words between a cue and an opening mark introduce the quotation."""
    if not gap:
        return True
    if len(gap) > _MAX_LEAD_GAP or gap[-1].text not in (":", ",", "that"):
        return False
    return all(w.text in (":", ",", "that") or w.text[:1].isupper() or w.text in _ADDRESSEES for w in gap)


# --------------------------------------------------------------------------- building


def _speaker_mention(doc: Doc, who: Speaker) -> Mention:
    spans = [span(doc.text, who.start, who.end)]
    if who.antecedent is not None:
        spans.append(span(doc.text, *who.antecedent))
    return Mention(value=who.value, spans=spans)


def _addressee(doc: Doc, cue: Word) -> Mention | None:
    if speech_lemma(cue.text) != "tell":
        return None
    words = doc.words(cue.end, min(len(doc.text), cue.end + 60))
    if not words:
        return None
    if words[0].text in _ADDRESSEES:
        return mention(doc.text, words[0].start, words[0].end)
    names = names_in(doc.text, words[0].start, words[-1].end)
    if names and names[0].start == words[0].start and not names[0].title:
        return mention(doc.text, names[0].start, names[0].end)
    return None


def _quote(doc: Doc, content: Mention, kind: QuoteKind, cue: Word, who: Speaker) -> Quote:
    text = doc.text
    addressee = _addressee(doc, cue)
    cue_end = addressee.spans[0].end if addressee is not None and addressee.spans[0].end is not None else cue.end
    title = mention(text, *who.title) if who.title else None
    return Quote(
        text=content,
        kind=kind,
        speaker=_speaker_mention(doc, who),
        speaker_kind=who.kind,
        speaker_title=title,
        cue=mention(text, cue.start, cue_end),
        addressee=addressee,
    )


# --------------------------------------------------------------------------- indirect


def _indirect(doc: Doc) -> list[Quote]:
    out: list[Quote] = []
    text = doc.text
    for sa, sb in doc.src.sentences:
        if doc.regions_in(sa, sb):
            continue  # a sentence with a quotation: its speech is the quotation's
        words = doc.words(sa, sb)
        for i, w in enumerate(words):
            lemma = speech_lemma(w.text)
            if lemma is None or lemma not in INDIRECT_CUES or w.text.lower().endswith("ing"):
                continue
            who = speaker_before(doc, _clause_start(words, i, sa), w.start)
            if who is None or who.media or who.kind not in (ActorKind.PERSON, ActorKind.ORGANISATION):
                continue
            clause = _reported_clause(doc, w, sb)
            if clause is None:
                continue
            a, b = trim(text, clause[0], clause[1], tail=" \t\r\n,;:.")
            content = mention(text, a, b)
            if content is not None and len(content.value.split()) >= 4:
                out.append(_quote(doc, content, QuoteKind.INDIRECT, w, who))
            break  # one reported statement per sentence
    return out


def _clause_start(words: list[Word], i: int, sa: int) -> int:
    """Start of the clause that ends at word ``i``: after the last ";" or sentence start."""
    for j in range(i - 1, -1, -1):
        if words[j].text in (";", "—", "–"):
            return words[j].end
    return sa


def _reported_clause(doc: Doc, cue: Word, sb: int) -> tuple[int, int] | None:
    """The reported clause after a cue: "... that CLAUSE" or "... CLAUSE-with-a-finite-verb"."""
    text = doc.text
    pos = cue.end
    if speech_lemma(cue.text) == "tell":
        addressee = _addressee(doc, cue)
        if addressee is None or addressee.spans[0].end is None:
            return None
        pos = addressee.spans[0].end
    m = _INDIRECT_ADVERBIAL.match(text, pos, sb)
    if m is not None and m.group().strip():
        pos = m.end()
    words = doc.words(pos, sb)
    if not words:
        return None
    if words[0].text == "that":
        return words[0].end, sb
    if words[0].text in (",", ":"):
        return None
    head = [w.text.lower() for w in words[:6]]
    starts_clause = head[0] in _CLAUSE_LEAD or words[0].text[:1].isupper()
    if starts_clause and any(h in _FINITE for h in head[1:]):
        return words[0].start, sb
    return None
