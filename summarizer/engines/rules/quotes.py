"""Quotes: direct quotations with their cue and speaker, and reported speech.

Direct quotes are the quotations :mod:`summarizer.text` pairs (nested single-quoted
ones included), attributed in their own sentence:

- a cue right after the closing mark ("...,” he said", "...,” said Col. John Dorrian",
  "...” attack on Mosul, he said", "...,” according to ...");
- else the nearest cue before the opening mark in the same sentence ("Hollande told
  reporters: “...”", "He also appealed for ... “vigilance”"); a participle cue
  ("..., calling for “...”") takes the speaker of the clause it hangs on;
- else, for a quotation that opens a sentence, the speaker of the quotation before it
  in the same paragraph (the second sentence of a statement, with no cue).

Reported speech is "SPEAKER CUE (that) CLAUSE" ("Lehtola said Finland would ..."),
"SPEAKER urged X to ...", or "CLAUSE, SPEAKER CUE." ("..., local health officials said").
A quotation or statement with no clear cue and speaker is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...lexicon import words
from ...mentions import PARTICIPLE_LEADS
from ...schema import Mention, Quote, QuoteKind, Span
from ...text import QuoteRegion
from .cues import INDIRECT_CUES, speech_lemma
from .doc import Doc, Word
from .evidence import mention, span, trim
from .speakers import Speaker, speaker_after, speaker_before

__all__ = ["find_quotes"]

_LEAD_IN = frozenset({":", ",", "that"})
_CUE_PARTICLES = frozenset({("on", "call"), ("on", "urge"), ("against", "warn"), ("of", "warn")})
# Who is told, which cues take an infinitive, irregular pasts of a reported clause: summarizer/data/speech.toml.
_ADDRESSEES = words("speech", "addressees")
_OUTLET = re.compile(r"(?:\s+(?:broadcaster|newspaper|daily|agency|news\s+agency|radio|television|channel|website))?")
_FINITE = frozenset(
    """would will had has have was were is are could should must might may can did does do
    needed wanted planned intended""".split()
)
_NO_CLAUSE = frozenset(
    """to for of in on at with by from about into over after before during , : “ " ” ‘ ’ ' and or but
    as if whether how what when where why who which""".split()
)
_IRREGULAR_PAST = words("speech", "irregular_past")
_ADVERBIAL = re.compile(
    r"\s*(?:(?:on|last|this|next|late|early)\s+(?:\w+\.?\s+)?\w+|in\s+a\s+(?:\w+\s+)?(?:statement|speech|interview|address))"
    r"(?:\s+(?:issued|posted|published)(?:\s+\w+){0,4})?\s*"
)
_CLAUSE_CUT = re.compile(
    r";|[“”\"]|,\s+(?:while|but|whereas|which|who|adding|saying|although|though|according|an?)\b"
    r"|\s+and\s+(?:would|will|could|should|might|must|urged|said|added|called|warned|pledged|promised|insisted)\b"
    r"|\s+and\s+\w+ed\s+(?:the|a|an|its|his|her|their)\b"
    r"|\s+after\s+(?:a|an|the)\b"
)
_NOUN_LEADS = frozenset("the a an its his her their our my your this that whose".split())
WINDOW = 400  # characters around a cue that its rules may read (keeps the engine linear)
_INFINITIVE_CUES = words("speech", "infinitive_cues")
_TO_INFINITIVE = words("speech", "to_infinitive_cues")


@dataclass(frozen=True, slots=True)
class _Attribution:
    cue: Mention | None
    speaker: Speaker
    addressee: Mention | None = None


def find_quotes(doc: Doc) -> list[Quote]:
    """Direct quotes in source order, then reported speech."""
    direct: list[tuple[QuoteRegion, _Attribution]] = []
    quotes: list[Quote] = []
    for region in doc.src.quotes:
        if not region.closed:
            continue
        content = _content(doc, region)
        if content is None:
            continue
        found = _attribute(doc, region) or _coordinated(doc, region, direct) or _continued(doc, region, direct)
        if found is None:
            continue
        direct.append((region, found))
        quotes.append(_quote(doc, content, QuoteKind.DIRECT, found))
    quotes.extend(_indirect(doc))
    return quotes


# --------------------------------------------------------------------------- direct


def _content(doc: Doc, region: QuoteRegion) -> Mention | None:
    text = doc.text
    spans: list[Span] = []
    for a, b in region.pieces:
        a, b = trim(text, a, b, tail=" \t\r\n")
        if b > a:
            spans.append(span(text, a, b))
    if not spans:
        return None
    value = " ".join(" ".join(s.text.split()) for s in spans)
    if "<" in value or not re.search(r"\w", value):
        return None
    return Mention(value=value, spans=spans)


def _attribute(doc: Doc, region: QuoteRegion) -> _Attribution | None:
    return _cue_after(doc, region) or _cue_before(doc, region)


def _outer(doc: Doc, region: QuoteRegion) -> tuple[int, int] | None:
    """For a nested quotation, the piece of its enclosing quotation that holds it."""
    if not region.nested:
        return None
    outer = doc.quote_at(region.start)
    if outer is None:
        return None
    for a, b in outer.pieces:
        if a <= region.start and region.end <= b:
            return a, b
    return None


def _zone_after(doc: Doc, region: QuoteRegion) -> tuple[int, int]:
    _, end = doc.sentence(region.end - 1)
    end = min(end, region.end + WINDOW)
    outer = _outer(doc, region)
    if outer is not None:
        end = min(end, outer[1])
    nxt = [r.start for r in doc.regions_in(region.end, end) if r.start >= region.end]
    return region.end, max(region.end, min([end, *nxt]))


def _zone_before(doc: Doc, region: QuoteRegion) -> tuple[int, int]:
    start, _ = doc.sentence(region.start)
    start = max(start, region.start - WINDOW)
    outer = _outer(doc, region)
    if outer is not None:
        start = max(start, outer[0])
    else:
        for other in doc.regions_in(start, region.start):
            if other.end <= region.start:
                start = max(start, other.end)
    return min(start, region.start), region.start


def _cue_after(doc: Doc, region: QuoteRegion) -> _Attribution | None:
    a, b = _zone_after(doc, region)
    words = doc.words(a, b)
    for i, w in enumerate(words):
        if w.text.lower() == "according" and i + 1 < len(words) and words[i + 1].text.lower() == "to":
            who = speaker_after(doc, words[i + 1].end, b)
            cue = mention(doc.text, w.start, words[i + 1].end)
            return _Attribution(cue, who) if who is not None and not who.media else None
        if speech_lemma(w.text) is None or _noun_use(words, i):
            continue
        inverted = not doc.text[a : w.start].strip(" \t\n,")
        who = speaker_after(doc, w.end, b) if inverted else speaker_before(doc, a, w.start)
        if who is not None and not who.media:
            return _attribution(doc, w, who)
        if who is None or not who.media:
            return None  # the first cue after the quotation is its cue; no clear speaker, no attribution
    return None


def _cue_before(doc: Doc, region: QuoteRegion) -> _Attribution | None:
    a, b = _zone_before(doc, region)
    words = doc.words(a, b)
    for i in range(len(words) - 1, -1, -1):
        w = words[i]
        if w.text.lower() == "according" and i + 1 < len(words) and words[i + 1].text.lower() == "to":
            return _according_before(doc, words, i)
        if speech_lemma(w.text) is None or _noun_use(words, i):
            continue
        gap = words[i + 1 :]
        if gap and gap[-1].text not in _LEAD_IN and not (region.nested or _fragment(doc, region)):
            return None
        who = _subject(doc, words, i, a, absolute=True)
        if who is None and _hangs(words, i) and not any(speech_lemma(x.text) for x in words[: i - 1]):
            who = _hung_subject(doc, w)  # "accused X of “...” and warned that “...”": the head is before a quote
        return _attribution(doc, w, who) if who is not None and not who.media else None
    return None


def _according_before(doc: Doc, words: list[Word], i: int) -> _Attribution | None:
    """ "According to Berg, the plan was “dead on arrival”": the source named before the quotation's clause."""
    to = words[i + 1]
    comma = next((w for w in words[i + 2 :] if w.text == ","), None)
    if comma is None:
        return None
    who = speaker_after(doc, to.end, comma.end)
    if who is None or who.media or who.end > comma.start:
        return None
    return _Attribution(mention(doc.text, words[i].start, to.end), who)


def _hung_subject(doc: Doc, cue: Word) -> Speaker | None:
    """The speaker of a coordinated or participle cue whose head cue stands before an earlier quotation of the
    sentence: the sentence's words outside quotations are read back to it."""
    start = max(doc.sentence(cue.start)[0], cue.start - WINDOW)
    words = [x for x in doc.words(start, cue.end) if doc.quote_at(x.start) is None]
    if not words or words[-1].start != cue.start:
        return None
    who = _subject(doc, words, len(words) - 1, start)
    if who is not None or not cue.text.lower().endswith("ing") or any(speech_lemma(x.text) for x in words[:-1]):
        return who
    # "Berg criticised the plan, calling it “...”": a participle with no speech verb before it takes the subject
    # of the sentence's first verb, when that subject opens the sentence.
    verb = next((k for k, x in enumerate(words[:-1]) if _finite(x.text.lower())), None)
    if verb is None or verb == 0 or any(x.text in (",", ";", ":") for x in words[:verb]):
        return None
    found = speaker_before(doc, start, words[verb].start)
    return found if found is not None and found.phrase_start <= words[0].start + 4 else None


_JOINED = re.compile(r"\s*,?\s*(?:and|or|but)(?:\s+that)?\s*$")


def _coordinated(doc: Doc, region: QuoteRegion, earlier: list[tuple[QuoteRegion, _Attribution]]) -> _Attribution | None:
    """ "... said that “...” and that “...”", "described it as “...” and “...”": a quotation joined to the one
    before it in the same sentence by a conjunction takes its attribution."""
    if region.nested or not earlier:
        return None
    prev, attribution = earlier[-1]
    if prev.nested or prev.end > region.start or doc.sentence(prev.start) != doc.sentence(region.start):
        return None
    return attribution if _JOINED.fullmatch(doc.text, prev.end, region.start) else None


def _noun_use(words: list[Word], i: int) -> bool:
    """ "the ministry's promise", "a call for": a cue word used as a noun is no cue."""
    if i == 0:
        return False
    prev = words[i - 1].text.lower()
    return prev in _NOUN_LEADS or prev.endswith(("’s", "'s"))


def _fragment(doc: Doc, region: QuoteRegion) -> bool:
    """A quotation that does not open its sentence: a phrase quoted inside the reporter's sentence."""
    start, _ = doc.sentence(region.start)
    if start >= region.start:
        return False
    # A sentence starts at a non-space character, so one is enough; the slice (as long as the sentence
    # so far, once per quotation of an endless sentence) is only read if that ever changes.
    return not doc.text[start].isspace() or bool(doc.text[start : region.start].strip())


def _subject(
    doc: Doc, words: list[Word], i: int, a: int, heads: dict[int, int | None] | None = None, *, absolute: bool = False
) -> Speaker | None:
    """The speaker of the cue ``words[i]``; a participle after a comma takes its clause's speaker.

    ``heads`` memoises, for the cues of ``words``, the cue each one's clause hangs on (see :func:`_head_cue`);
    ``absolute``: the cue opens a quotation after it, and "with X warning of" names X (:func:`speaker_before`).
    """
    head = _head_cue(words, i, {} if heads is None else heads)
    return None if head is None else speaker_before(doc, a, words[head].start, absolute=absolute and head == i)


def _hangs(words: list[Word], i: int) -> bool:
    """A participle after a comma ("..., calling for") or a coordinated cue ("X said ... and urged ...")."""
    if i == 0:
        return False
    if words[i].text.lower().endswith("ing") and i >= 2 and words[i - 2].text == ",":
        return words[i - 1].text.lower() in PARTICIPLE_LEADS  # "..., before adding that"
    return (words[i].text.lower().endswith("ing") and words[i - 1].text == ",") or words[i - 1].text.lower() == "and"


def _head_cue(words: list[Word], i: int, heads: dict[int, int | None]) -> int | None:
    """The cue whose subject ``words[i]`` takes: itself, or for a cue that hangs on an earlier one, the head of
    the nearest speech verb before it (None when there is none). Followed in a loop, not by recursion, and
    memoised in ``heads``: a sentence chaining thousands of participles costs each cue only the words back to
    the previous speech verb."""
    chain: list[int] = []
    head: int | None = i
    while head is not None:
        if head in heads:
            head = heads[head]
            break
        if not _hangs(words, head):
            break
        chain.append(head)
        head = next((j for j in range(head - 2, -1, -1) if speech_lemma(words[j].text) is not None), None)
    for k in chain:
        heads[k] = head
    return head


def _continued(doc: Doc, region: QuoteRegion, earlier: list[tuple[QuoteRegion, _Attribution]]) -> _Attribution | None:
    """A quotation that opens a sentence with no cue: the next sentence of the quotation before it."""
    if region.nested or _fragment(doc, region) or not earlier:
        return None
    prev, attribution = earlier[-1]
    if prev.nested:
        return None
    here, there = doc.paragraph(region.start), doc.paragraph(prev.start)
    if here != there and not (here == there + 1 and attribution.cue is not None and _follow_on(doc, prev, region)):
        return None
    return _Attribution(None, attribution.speaker)


def _follow_on(doc: Doc, prev: QuoteRegion, region: QuoteRegion) -> bool:
    """A paragraph that is only a quotation, right after a paragraph that ends with an attributed one: the
    same speaker goes on (wire copy sets a statement's next paragraph apart with no cue)."""
    a, b = doc.src.paragraphs[doc.paragraph(region.start)]
    _, pb = doc.src.paragraphs[doc.paragraph(prev.start)]
    if doc.text[a : region.start].strip() or doc.text[region.end : b].strip(" \t\r\n."):
        return False
    return not any(r.start >= prev.end for r in doc.regions_in(prev.end, pb))  # no later quotation there


def _attribution(doc: Doc, cue: Word, who: Speaker) -> _Attribution:
    addressee = _addressee(doc, cue)
    end = cue.end
    if addressee is not None and addressee.spans[0].end is not None and speech_lemma(cue.text) == "tell":
        end = addressee.spans[0].end
    else:
        nxt = doc.words(cue.end, min(len(doc.text), cue.end + 12))
        lemma = speech_lemma(cue.text)
        particle = nxt[0].text.lower() if nxt else ""
        if (particle == "for" or (particle, lemma) in _CUE_PARTICLES) and nxt[0].start - cue.end <= 1:
            end = nxt[0].end  # "calling for", "appealed for"
    return _Attribution(mention(doc.text, cue.start, end), who, addressee)


def _addressee(doc: Doc, cue: Word) -> Mention | None:
    if speech_lemma(cue.text) != "tell":
        return None
    text = doc.text
    m = re.compile(r"\s+(?:the\s+)?").match(text, cue.end)
    start = m.end() if m else cue.end
    words = doc.words(start, min(len(text), start + 60))
    if not words:
        return None
    if words[0].text in _ADDRESSEES and words[0].text not in ("me", "us"):
        return mention(text, words[0].start, words[0].end)
    names = doc.names(words[0].start, words[-1].end)
    if names and names[0].start == words[0].start and not names[0].title:
        return mention(text, names[0].start, names[0].end)
    return None


def _quote(doc: Doc, content: Mention, kind: QuoteKind, found: _Attribution) -> Quote:
    who = found.speaker
    return Quote(
        text=content,
        kind=kind,
        speaker=Mention(value=who.value, spans=[span(doc.text, who.start, who.end)]),
        speaker_kind=who.kind,
        speaker_title=mention(doc.text, *who.title) if who.title else None,
        cue=found.cue,
        addressee=found.addressee,
    )


# --------------------------------------------------------------------------- reported speech


def _indirect(doc: Doc) -> list[Quote]:
    out: list[Quote] = []
    for sa, sb in doc.src.sentences:
        words = doc.words(sa, sb)
        heads: dict[int, int | None] = {}
        taken = sa
        for i, w in enumerate(words):
            according = w.text.lower() == "according" and i + 1 < len(words) and words[i + 1].text.lower() == "to"
            lemma = None if according else speech_lemma(w.text)
            if not according and (lemma is None or (lemma not in INDIRECT_CUES and lemma not in _INFINITIVE_CUES)):
                continue  # not a cue: the cheap test first, most words are none
            if w.start < taken or doc.quote_at(w.start) is not None:
                continue
            lo, hi = max(sa, w.start - WINDOW), min(sb, w.end + WINDOW)  # bounded work per cue: linear time
            if according:
                found = _according(doc, w, words[i + 1], sa, hi) if w.start - sa <= WINDOW else None
                if found is not None:
                    (a, b), attribution = found
                    content = mention(doc.text, *trim(doc.text, a, b, tail=" \t\r\n,;:."))
                    if content is not None:
                        out.append(_quote(doc, content, QuoteKind.INDIRECT, attribution))
                continue
            if lemma is None or _noun_use(words, i):
                continue
            found = _reported(doc, words, i, (sa, lo, hi), lemma, heads)
            if found is None:
                continue
            (a, b), attribution = found
            content = mention(doc.text, *trim(doc.text, a, b, tail=" \t\r\n,;:."))
            if content is not None and len(content.value.split()) >= 3:
                out.append(_quote(doc, content, QuoteKind.INDIRECT, attribution))
                taken = max(b, w.end)
    return out


def _reported(
    doc: Doc, words: list[Word], i: int, bounds: tuple[int, int, int], lemma: str, heads: dict[int, int | None]
) -> tuple[tuple[int, int], _Attribution] | None:
    """Reported speech around cue ``words[i]``; ``bounds`` are the sentence start and the cue's window;
    ``heads`` the memo of :func:`_head_cue` for the sentence's ``words``."""
    sa, lo, hi = bounds
    w = words[i]
    backward = _backward(doc, w, sa, hi) if w.start - sa <= WINDOW else None
    if backward is not None:
        return backward
    who = _subject(doc, words, i, _clause_start(doc, words, i, lo), heads)
    if who is None or who.media:
        return None
    clause = _forward_clause(doc, w, hi, lemma)
    if clause is None:
        return None
    return clause, _attribution(doc, w, who)


def _clause_start(doc: Doc, words: list[Word], i: int, sa: int) -> int:
    """Where the cue's clause starts: after the last semicolon or quotation before it, else the sentence."""
    start = sa
    for j in range(i - 1, -1, -1):
        if words[j].start < sa:
            break
        if words[j].text in (";", "“", "”", '"'):
            return words[j].end
    for r in doc.regions_in(sa, words[i].start):
        start = max(start, r.end)
    return start


def _cut(doc: Doc, a: int, b: int) -> tuple[int, int] | None:
    m = _CLAUSE_CUT.search(doc.text, a, b)
    end = m.start() if m is not None else b
    return (a, end) if len(doc.text[a:end].split()) >= 3 else None


def _forward_clause(doc: Doc, cue: Word, sb: int, lemma: str) -> tuple[int, int] | None:
    """The reported clause after a cue: "(that) CLAUSE", "X to VERB ...", "to have ..."."""
    text = doc.text
    pos = cue.end
    if lemma == "tell":
        addressee = _addressee(doc, cue)
        if addressee is None or addressee.spans[0].end is None:
            return None
        pos = addressee.spans[0].end
        tail = _OUTLET.match(text, pos)  # "told the LRT broadcaster that ..."
        pos = tail.end() if tail else pos
    adverbial = _ADVERBIAL.match(text, pos, sb)
    if adverbial is not None and adverbial.group().strip():
        pos = adverbial.end()
    words = doc.words(pos, sb)
    if not words:
        return None
    head = [w.text.lower() for w in words[:8]]
    if head[0] == "that":
        return _cut(doc, words[0].end, sb)
    if lemma in _INFINITIVE_CUES:
        if head[0] == "on":
            words, head = words[1:], head[1:]
        if words and "to" in head[1:6] and head[0] not in ("to", "for", ",", ":"):
            return _cut(doc, words[0].start, sb)
        return None
    if lemma in _TO_INFINITIVE and head[0] == "to":
        return _cut(doc, words[0].start, sb)
    if head[0] in _NO_CLAUSE or head[0] in _FINITE:
        return None
    clause_head = head[: head.index(",")] if "," in head else head
    if any(_finite(h) for h in clause_head[1:7]):
        return _cut(doc, words[0].start, sb)
    return None


def _finite(word: str) -> bool:
    """A word that reads as a finite verb of a reported clause ("would", "had", "welcomed", "went")."""
    return word in _FINITE or word in _IRREGULAR_PAST or (len(word) > 4 and word.endswith("ed"))


def _backward(doc: Doc, cue: Word, sa: int, sb: int) -> tuple[tuple[int, int], _Attribution] | None:
    """ "CLAUSE, SPEAKER said." / "CLAUSE, according to SPEAKER.": the statement comes first."""
    text = doc.text
    after = text[cue.end : sb]
    adverbial = _ADVERBIAL.match(text, cue.end, sb)
    rest = text[adverbial.end() : sb] if adverbial is not None and adverbial.group().strip() else after
    if lemma_of(cue) == "tell":
        addressee = _addressee(doc, cue)
        if addressee is None or addressee.spans[0].end is None:
            return None
        rest = text[addressee.spans[0].end : sb]
    if not re.match(r"\s*(?:[,.]|$)", rest):
        return None
    who = speaker_before(doc, sa, cue.start)
    if who is None or who.media:
        return None
    phrase = who.phrase_start if who.phrase_start >= 0 else who.start
    comma = text.rfind(",", sa, phrase)
    if comma < 0 or text[comma + 1 : phrase].strip().lower() not in ("", "the", "a", "an"):
        return None
    start = _after_lead_adverbial(doc, sa, comma)
    if doc.regions_in(start, comma):
        return None
    clause = (start, comma)
    if len(text[start:comma].split()) < 4:
        return None
    return clause, _attribution(doc, cue, who)


def _according(doc: Doc, w: Word, to: Word, sa: int, sb: int) -> tuple[tuple[int, int], _Attribution] | None:
    """ "CLAUSE, according to SPEAKER.": the statement before the attribution."""
    text = doc.text
    comma = text.rfind(",", sa, w.start)
    if comma < 0 or text[comma + 1 : w.start].strip():
        return None
    who = speaker_after(doc, to.end, sb)
    if who is None or who.media:
        return None
    start = _after_lead_adverbial(doc, sa, comma)
    if doc.regions_in(start, comma) or len(text[start:comma].split()) < 4:
        return None
    return (start, comma), _Attribution(mention(text, w.start, to.end), who)


def lemma_of(w: Word) -> str | None:
    return speech_lemma(w.text)


_LEAD_ADVERBIAL = re.compile(
    r"(?:also\s+)?(?:(?:on|late|early|last|this)\s+)?(?:yesterday|today|meanwhile|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday|overnight|earlier|later|in\s+\w+)\s*,\s*",
    re.IGNORECASE,
)


def _after_lead_adverbial(doc: Doc, sa: int, end: int) -> int:
    """Skip a short leading adverbial ("Yesterday, ", "Also on Tuesday, ")."""
    m = _LEAD_ADVERBIAL.match(doc.text, sa, end)
    return m.end() if m is not None else sa
