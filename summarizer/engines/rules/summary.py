"""A lead-based summary: the claims a news article opens with, each with its evidence.

News copy is written in the inverted pyramid: the lead sentence (and the one or two after
it) states what happened, who and where. The offline engine cannot paraphrase, so its
summary points are those opening sentences, trimmed of the dateline ("MOSUL, Iraq (AFP) -")
and of photo credits, each with the span of the source it is, which the validator checks
like any other evidence. Sentences that are a direct quotation from start to end, a
question, or too short to state a claim are skipped: they rarely carry the news.
"""

from __future__ import annotations

import re

from ...parse import phrase_supported
from ...schema import Mention, SummaryPoint
from .doc import Doc
from .evidence import span, trim

__all__ = ["MAX_POINTS", "lead_summary", "title_range"]

MAX_POINTS = 3
_MIN_WORDS = 7
_MAX_CHARS = 400  # longer "sentences" are lists, tables or run-on text, not a lead
_LEAD_PARAGRAPHS = 4  # the claims of a lead lie in its first paragraphs
# A photo caption's credit: "(AP Photo/Jane Doe)", "/ REUTERS Photo", "Photo: AFP", "(Getty Images)".
_CREDIT = re.compile(
    r"\((?:AP|AFP|Reuters|EPA|Getty)[^)]{0,40}(?:Photo|Images)[^)]*\)|/\s*\w+\s+Photo\b|\bPhotos?:\s|\bPhoto\s*$",
    re.IGNORECASE,
)
_OPEN_QUOTES = "\"“«„‘'‚`"
# A sentence that opens with one of these leans on an earlier one: no claim of its own.
_LEANING = frozenset("he she it they this that these those his her its their we i".split())


def title_range(doc: Doc) -> tuple[int, int] | None:
    """The headline: a first paragraph of one short line of words that does not end like a sentence."""
    paras = doc.src.paragraphs
    if len(paras) < 2:
        return None
    a, b = paras[0]
    first = doc.text[a:b]
    looks = len(first) <= 160 and "\n" not in first and phrase_supported(first, first)  # words, not marks
    return (a, b) if looks and not first.rstrip().endswith((".", ",", ":", ";")) else None


def lead_summary(doc: Doc, *, dateline: Mention | None = None, title: Mention | None = None) -> list[SummaryPoint]:
    """Up to :data:`MAX_POINTS` opening sentences of the article's body as summary points."""
    text = doc.text
    body_start = _body_start(doc, dateline, title)
    captions = [p for p in doc.src.paragraphs if p[1] > body_start and _CREDIT.search(text, p[0], p[1])]
    limit = _paragraph_end(doc, body_start, _LEAD_PARAGRAPHS, captions)
    points: list[SummaryPoint] = []
    for a, b in doc.src.sentences:
        if b <= body_start or any(pa <= a < pb for pa, pb in captions):
            continue
        if a >= limit or len(points) >= MAX_POINTS:
            break
        a = max(a, body_start)
        a, b = trim(text, a, b, tail=" \t\r\n")
        if _is_claim(doc, a, b):
            points.append(SummaryPoint(text=" ".join(text[a:b].split()), spans=[span(text, a, b)]))
    return points


def _body_start(doc: Doc, dateline: Mention | None, title: Mention | None) -> int:
    """Where the body's first sentence starts: after the title and past the dateline and its dash."""
    start = 0
    if title is not None and title.spans and title.spans[0].end is not None:
        start = title.spans[0].end
    if dateline is not None and dateline.spans and dateline.spans[0].end is not None:
        start = max(start, dateline.spans[0].end)
        text = doc.text
        while start < len(text) and (text[start].isspace() or text[start] in "-–—:"):
            start += 1
    return start


def _paragraph_end(doc: Doc, start: int, count: int, captions: list[tuple[int, int]]) -> int:
    """The end of the ``count``-th paragraph of the body; captions and headings (a repeated title) do not count."""
    paras = [
        p
        for p in doc.src.paragraphs
        if p[1] > start and p not in captions and len(doc.text[max(p[0], start) : p[1]].split()) >= _MIN_WORDS
    ]
    return paras[min(count, len(paras)) - 1][1] if paras else len(doc.text)


def _is_claim(doc: Doc, a: int, b: int) -> bool:
    sentence = doc.text[a:b]
    words = sentence.split()
    if b - a > _MAX_CHARS or len(words) < _MIN_WORDS or sentence.rstrip().endswith("?"):
        return False
    if sentence[:1] in _OPEN_QUOTES or words[0].lower().strip(",") in _LEANING:
        return False  # a quotation leads (the speaker's words, not the news), or a pronoun leans back
    quoted = sum(min(q.end, b) - max(q.start, a) for q in doc.regions_in(a, b))
    return quoted * 2 < b - a  # mostly someone's words: a quote, which the quotes section has
