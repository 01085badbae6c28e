"""The source text: a normalised view with an offset map, sentences, paragraphs, quotations.

Everything here is pure and linear in the length of the text. Offsets are always
indices into the exact string the caller passed (Python code points).

Normalisation (:func:`normalize`) folds what varies between a model's copy of a
passage and the source: Unicode compatibility forms (NFKC) and diacritics, curly
vs straight quotation marks, dashes, runs of whitespace and line breaks, case, and
thousands separators between digits ("1,200" -> "1200"). Each character of the
normalised string remembers the index of the original character it came from, so
a match in the normalised view maps back to original offsets exactly.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DecodeError, EmptyTextError, InputError

__all__ = [
    "DOUBLE_CLOSE",
    "DOUBLE_OPEN",
    "Normalized",
    "QuoteIndex",
    "QuoteRegion",
    "SourceText",
    "check_text",
    "fold_marks",
    "normalize",
    "normalize_query",
    "read_article",
    "source_text",
]

DOUBLE_OPEN = "“„‟«"
DOUBLE_CLOSE = "”»"
SINGLE_OPEN = "‘‚‛‹"
SINGLE_CLOSE = "’›"

_MARKS = {
    **{c: '"' for c in "“”„‟″«»〝〞＂"},
    **{c: "'" for c in "‘’‚‛′‹›＇`´"},
    **{c: "-" for c in "‐‑‒–—―−﹘﹣－"},
}
_SPACE_LIKE = "\t\n\r\x0b\x0c\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
_MARK_TABLE = str.maketrans({**_MARKS, **{c: " " for c in _SPACE_LIKE}})
_ASCII_LOWER = str.maketrans({chr(c): chr(c + 32) for c in range(65, 91)})
_DELETE_RE = re.compile(r"(?<= ) +|(?<=\d),(?=\d{3}(?!\d))")


def fold_marks(s: str) -> str:
    """Quote marks and dashes to ASCII, whitespace runs to one space; case kept.

    The comparison used for verbatim quotes: punctuation typography may differ,
    words and case may not.
    """
    return " ".join(unicodedata.normalize("NFC", s).translate(_MARK_TABLE).split())


@functools.lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    """The normalised form of one non-ASCII character (possibly empty or longer)."""
    if c in _MARKS:
        return _MARKS[c]
    if c in _SPACE_LIKE:
        return " "
    out = unicodedata.normalize("NFKD", c)
    out = "".join(ch for ch in out if not unicodedata.combining(ch))
    out = unicodedata.normalize("NFKC", out).translate(_MARK_TABLE).lower()
    if unicodedata.category(c) in ("Cf", "Cc"):  # zero-width and control characters vanish
        return ""
    return out


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised string and, for each of its characters, the original index."""

    text: str
    starts: Sequence[int]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open range of the normalised text to the original string."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else (self.starts[-1] + 1 if self.starts else 0)
            return pos, pos
        return self.starts[start], self.starts[end - 1] + 1


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching, keeping a map back to original offsets. O(n)."""
    # Stage 1: per-character folding. ASCII maps 1:1 (case, whitespace); non-ASCII may expand.
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for m in _NON_ASCII.finditer(text):
        i = m.start()
        if i > pos:
            parts.append(text[pos:i])
            starts.extend(range(pos, i))
        folded = _fold_char(text[i])
        parts.append(folded)
        starts.extend([i] * len(folded))
        pos = i + 1
    if pos < len(text):
        parts.append(text[pos:])
        starts.extend(range(pos, len(text)))
    stage1 = "".join(parts).translate(_MARK_TABLE).translate(_ASCII_LOWER)
    # Stage 2: drop repeated spaces and thousands separators between digits.
    out_parts: list[str] = []
    out_starts: list[int] = []
    pos = 0
    for m in _DELETE_RE.finditer(stage1):
        a, b = m.start(), m.end()
        if a > pos:
            out_parts.append(stage1[pos:a])
            out_starts.extend(starts[pos:a])
        pos = b
    if pos < len(stage1):
        out_parts.append(stage1[pos:])
        out_starts.extend(starts[pos:])
    return Normalized("".join(out_parts), out_starts)


def normalize_query(query: str) -> str:
    """The normalised form of an evidence string (stripped)."""
    return normalize(query).text.strip()


# --------------------------------------------------------------------------- sentences

_ABBREVIATIONS = frozenset(
    """jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    mr mrs ms dr prof gen col lt maj capt sgt cpl pvt adm brig cmdr cdr gov sen rep rev st mt ft
    no nos vs etc inc ltd co corp jr sr pres dept est approx fig al""".split()
)
# Markup a scraper leaves between words: tags ("<p>", "</p>", "<br>") and entities ("&nbsp;", "&#39;").
_MARKUP = r"(?:</?[A-Za-z][A-Za-z0-9]*\s*/?>|&#?\w{1,8};)"
_MARKUP_END = re.compile(rf"{_MARKUP}$")
_LEADING_MARKUP = re.compile(rf"(?:\s|{_MARKUP})*")
# A sentence ends at a full stop (its closing marks and tags with it) before a space, "<br>" or "&nbsp;"
# and a capital or a number, which tags and an opening mark may lead.
_SENT_END = re.compile(
    r"[.!?]+[\"'”’)\]]*(?:</[A-Za-z]+>)*(?=(?:\s|<br\s*/?>|&nbsp;)+(?:<[A-Za-z]+>)*[\"'“‘(\[]?[A-Z0-9])"
)
_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")
# A paragraph ends at a blank line, or at the end of a line closed by "</p>" (a scraped page's paragraphs).
_PARA_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*|(?<=</p>)[ \t]*\n\s*", re.IGNORECASE)
_LINE_BREAK = re.compile(r"\n\s*")


@dataclass(frozen=True, slots=True)
class QuoteRegion:
    """A quotation: from its opening mark to its closing mark (or paragraph end when unclosed).

    ``pieces`` are the content ranges, one per paragraph for a quote that runs
    over several paragraphs and reopens with a mark. ``nested`` marks a single-quoted
    quotation inside a double-quoted one.
    """

    start: int
    end: int
    pieces: tuple[tuple[int, int], ...]
    closed: bool = True
    nested: bool = False

    @property
    def inner_start(self) -> int:
        return self.pieces[0][0]

    @property
    def inner_end(self) -> int:
        return self.pieces[-1][1]

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end


@dataclass(frozen=True, slots=True)
class QuoteIndex:
    """The quotations of one kind (top-level, or nested single-quoted), looked up by bisection.

    Regions of one kind never overlap one another (:func:`_pair_quotes` keeps at most
    one quotation of a kind open at a time), so in start order their ends are in order
    too, and both lists can be bisected.
    """

    regions: list[QuoteRegion]
    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, regions: list[QuoteRegion]) -> QuoteIndex:
        return cls(regions, [q.start for q in regions], [q.end for q in regions])

    def enclosing(self, start: int, end: int) -> QuoteRegion | None:
        """The first region (in start order) that contains ``[start, end)``: O(log n)."""
        # Regions 0..k start at or before ``start``; regions j.. end at or after ``end``;
        # the first region in both is j, when j <= k.
        k = bisect.bisect_right(self.starts, start) - 1
        j = bisect.bisect_left(self.ends, end)
        return self.regions[j] if j <= k else None

    def overlapping(self, start: int, end: int) -> list[QuoteRegion]:
        """Regions that overlap ``[start, end)``, in order."""
        i = bisect.bisect_left(self.starts, end)
        j = bisect.bisect_right(self.ends, start)
        return self.regions[j:i]


@dataclass(slots=True)
class SourceText:
    """The caller's string plus lazily computed views of it."""

    text: str
    _norm: Normalized | None = field(default=None, repr=False)
    _sentences: list[tuple[int, int]] | None = field(default=None, repr=False)
    _sentence_starts: list[int] | None = field(default=None, repr=False)
    _paragraphs: list[tuple[int, int]] | None = field(default=None, repr=False)
    _quotes: list[QuoteRegion] | None = field(default=None, repr=False)
    _quote_index: tuple[QuoteIndex, QuoteIndex] | None = field(default=None, repr=False)  # (top-level, nested)
    _words: dict[str, list[int]] | None = field(default=None, repr=False)
    _pairs: dict[str, list[int]] | None = field(default=None, repr=False)
    memo: dict[str, Any] = field(default_factory=dict, repr=False)  # derived views owned by other modules

    @property
    def norm(self) -> Normalized:
        if self._norm is None:
            self._norm = normalize(self.text)
        return self._norm

    # -- paragraphs -------------------------------------------------------------
    @property
    def paragraphs(self) -> list[tuple[int, int]]:
        """Paragraph ranges: blocks separated by blank lines or a line end after "</p>" (lines, if there are
        no blank lines)."""
        if self._paragraphs is None:
            splitter = _PARA_BREAK if _BLANK_LINE.search(self.text) else _LINE_BREAK
            self._paragraphs = _blocks(self.text, splitter)
        return self._paragraphs

    def paragraph_index(self, offset: int) -> int:
        starts = self.memo.get("paragraph_starts")
        if starts is None:
            starts = self.memo["paragraph_starts"] = [p[0] for p in self.paragraphs]
        return max(0, bisect.bisect_right(starts, offset) - 1)

    # -- sentences --------------------------------------------------------------
    @property
    def sentences(self) -> list[tuple[int, int]]:
        if self._sentences is None:
            self._sentences = _split_sentences(self.text, self.paragraphs)
            self._sentence_starts = [s for s, _ in self._sentences]
        return self._sentences

    def sentence_index(self, offset: int) -> int:
        """Index of the sentence containing (or nearest before) ``offset``."""
        _ = self.sentences
        assert self._sentence_starts is not None
        return max(0, bisect.bisect_right(self._sentence_starts, offset) - 1)

    def sentence_window(self, start: int, end: int, radius: int = 1) -> tuple[int, int]:
        """The range covering the sentences of ``[start, end)`` plus ``radius`` on each side."""
        sents = self.sentences
        if not sents:
            return 0, len(self.text)
        first = max(0, self.sentence_index(start) - radius)
        last = min(len(sents) - 1, self.sentence_index(max(start, end - 1)) + radius)
        return sents[first][0], sents[last][1]

    # -- quotations -------------------------------------------------------------
    @property
    def quotes(self) -> list[QuoteRegion]:
        if self._quotes is None:
            self._quotes = _pair_quotes(self.text, self.paragraphs)
        return self._quotes

    def quote_index(self, *, nested: bool = False) -> QuoteIndex:
        """The double-quoted regions (or the single-quoted ones nested in them, with ``nested``), indexed."""
        if self._quote_index is None:
            quotes = self.quotes
            self._quote_index = (
                QuoteIndex.of([q for q in quotes if not q.nested]),
                QuoteIndex.of([q for q in quotes if q.nested]),
            )
        return self._quote_index[1 if nested else 0]

    def enclosing_quote(self, start: int, end: int, *, nested: bool = False) -> QuoteRegion | None:
        """The double-quoted region (or single-quoted, with ``nested``) containing the range.

        The first such region in order, as a scan with :meth:`QuoteRegion.contains` would
        find it, by bisection.
        """
        return self.quote_index(nested=nested).enclosing(start, end)

    # -- word index (for the fuzzy tier of the locator) ------------------------------
    def word_positions(self) -> dict[str, list[int]]:
        """Normalised word -> its positions in the normalised text, ascending."""
        if self._words is None:
            self._index_words()
        assert self._words is not None
        return self._words

    def word_pairs(self) -> dict[str, list[int]]:
        """Two consecutive normalised words, as ``"first second"`` -> the positions of the first, ascending.

        Whatever separates the two in the text (a space, a comma, a quotation mark) is not part
        of the key. A pair is far rarer than either of its words: in a long text that repeats
        its vocabulary, the positions of a query's rarest pair stay few where those of its
        rarest word grow with the text.
        """
        if self._pairs is None:
            self._index_words()
        assert self._pairs is not None
        return self._pairs

    def _index_words(self) -> None:
        words: dict[str, list[int]] = {}
        pairs: dict[str, list[int]] = {}
        prev, prev_at = "", -1
        for m in _WORD.finditer(self.norm.text):
            w, at = m.group(), m.start()
            words.setdefault(w, []).append(at)
            if prev_at >= 0:
                pairs.setdefault(f"{prev} {w}", []).append(prev_at)
            prev, prev_at = w, at
        self._words, self._pairs = words, pairs


_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=16)
def source_text(text: str) -> SourceText:
    """The (cached) :class:`SourceText` of a string. The cache holds more texts than ``summarize_many``'s
    default concurrency (8), so that an article's views built by extraction are still there when it is verified."""
    return SourceText(text)


def _blocks(text: str, splitter: re.Pattern[str]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    for m in splitter.finditer(text):
        _add_block(text, pos, m.start(), out)
        pos = m.end()
    _add_block(text, pos, len(text), out)
    return out


def _add_block(text: str, a: int, b: int, out: list[tuple[int, int]]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        out.append((a, b))


def _split_sentences(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for pa, pb in paragraphs:
        start = _skip_markup(text, pa, pb)
        for m in _SENT_END.finditer(text, pa, pb):
            if _is_abbreviation(text, m.start()):
                continue
            end = m.end()
            out.append((start, end))
            start = _skip_markup(text, end, pb)
        if start < pb:
            out.append((start, pb))
    return out


def _skip_markup(text: str, at: int, end: int) -> int:
    """Where the words start at ``at``: after spaces and scraper markup ("<p>", "<br>", "&nbsp;")."""
    m = _LEADING_MARKUP.match(text, at, end)
    return m.end() if m is not None else at


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    j = dot
    while j > 0 and (text[j - 1].isalpha()):
        j -= 1
    word = text[j:dot]
    if not word:
        return False
    if len(word) == 1 and word.isupper():  # initials and "U.S."
        return True
    return word.lower() in _ABBREVIATIONS


def _pair_quotes(text: str, paragraphs: list[tuple[int, int]]) -> list[QuoteRegion]:
    """Pair double quotation marks, paragraph by paragraph, with continuation over paragraphs.

    Curly marks are directional, and so are guillemets (« »), the German „...“ and the
    AP's typewriter marks (``...'' and “...’’: two single marks stand for a double one).
    A straight ``"`` opens when it follows the start, a space, an opening bracket or a
    scraper's markup (``<p>"``, ``<br>"``, ``&nbsp;"``), and closes otherwise. A quotation left open at
    the end of a paragraph continues when the next paragraph opens with a mark
    (the newspaper convention); otherwise it ends, unclosed, with its paragraph.
    Single-quoted quotations nested inside a double-quoted one are added as nested.

    :class:`QuoteIndex` relies on what follows from this: at most one double quotation
    is open at a time (a second opening mark inside one is ignored), so top-level
    regions are non-empty and disjoint; nested ones are paired inside one content
    piece at a time, again with at most one open, so they are disjoint too, and each
    lies within a piece of its top-level quotation (tests/test_text.py checks both).
    """
    regions: list[QuoteRegion] = []
    carry: tuple[int, list[tuple[int, int]], str] | None = None  # (open index, pieces so far, opening mark)
    for p_index, (pa, pb) in enumerate(paragraphs):
        open_at: int | None = None
        opener = ""
        pieces: list[tuple[int, int]] = []
        content_start = pa
        first = pa
        if carry is not None:
            reopen = _reopening(text, pa)
            if reopen:
                open_at, pieces, opener = carry
                content_start = first = pa + reopen
            else:
                q_open, q_pieces, _ = carry
                regions.append(QuoteRegion(q_open, q_pieces[-1][1], tuple(q_pieces), closed=False))
            carry = None
        for mark in _DOUBLE_MARK.finditer(text, first, pb):
            i, c = mark.start(), mark.group()
            if open_at is not None and _closes(c, opener):
                pieces.append((content_start, i))
                regions.append(QuoteRegion(open_at, mark.end(), tuple(pieces)))
                open_at = None
            elif open_at is None and (c in _OPENERS or (c == '"' and _opens(text, i, pa))):
                open_at, opener, pieces, content_start = i, c, [], mark.end()
        if open_at is not None:
            pieces.append((content_start, pb))
            nxt = paragraphs[p_index + 1][0] if p_index + 1 < len(paragraphs) else None
            if nxt is not None and _reopening(text, nxt):
                carry = (open_at, pieces, opener)
            else:
                regions.append(QuoteRegion(open_at, pb, tuple(pieces), closed=False))
    regions.sort(key=lambda r: r.start)
    nested: list[QuoteRegion] = []
    for r in regions:
        for a, b in r.pieces:
            nested.extend(_single_quotes(text, a, b))
    return sorted(regions + nested, key=lambda r: (r.start, r.nested))


# Double quotation marks as reporters type them: curly and straight marks; guillemets; the German
# „...“; and the AP's old typewriter style, ``...'' or “...’’ (two single marks for a double one).
_DOUBLE_MARK = re.compile(f"``|’’|''|[{DOUBLE_OPEN}{DOUBLE_CLOSE}\"]")
_OPENERS = frozenset({*DOUBLE_OPEN, "``"})


def _closes(mark: str, opener: str) -> bool:
    """Whether ``mark`` closes a quotation opened with ``opener``."""
    if opener == "„":  # German: „...“ (or „...”)
        return mark in ("“", "”")
    if opener == "«":
        return mark == "»"
    return mark in DOUBLE_CLOSE or mark in ("’’", "''", '"')


def _reopening(text: str, at: int) -> int:
    """The length of the mark that opens the paragraph at ``at`` (a quotation continued), and of the markup
    before it ("<p>"), else 0."""
    mark = _skip_markup(text, at, min(len(text), at + 40))
    if text.startswith("``", mark):
        return mark - at + 2
    return mark - at + 1 if mark < len(text) and (text[mark] in DOUBLE_OPEN or text[mark] == '"') else 0


def _opens(text: str, i: int, para_start: int) -> bool:
    prev = text[i - 1] if i > para_start else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if nxt.isspace():
        return False
    return (
        prev.isspace()
        or prev in "([{-—–/"
        or (prev in ">;" and _MARKUP_END.search(text, max(para_start, i - 12), i) is not None)
    )


def _single_quotes(text: str, a: int, b: int) -> list[QuoteRegion]:
    out: list[QuoteRegion] = []
    open_at: int | None = None
    for i in range(a, b):
        c = text[i]
        prev = text[i - 1] if i > a else " "
        nxt = text[i + 1] if i + 1 < b else " "
        opens = c in SINGLE_OPEN or (c == "'" and (prev.isspace() or prev in '"“(') and not nxt.isspace())
        if opens and open_at is None:
            open_at = i
            continue
        if c in SINGLE_CLOSE or c == "'":
            is_apostrophe = prev.isalpha() and nxt.isalpha()
            if open_at is not None and not is_apostrophe and not nxt.isalnum():
                out.append(QuoteRegion(open_at, i + 1, ((open_at + 1, i),), nested=True))
                open_at = None
    return out


def read_article(path: str | Path) -> str:
    """Read an article file as UTF-8 text (a leading byte-order mark is dropped).

    Offsets in briefings of the article index into the string returned here.
    Raises :class:`~summarizer.errors.DecodeError` for a binary or non-UTF-8 file and
    :class:`~summarizer.errors.EmptyTextError` for an empty one, naming the file.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise DecodeError(f"{p}: cannot read the file ({exc.strerror or exc}); check the path") from exc
    if b"\x00" in data:
        raise DecodeError(f"{p}: looks like a binary file (NUL bytes), not an article; pass a UTF-8 text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DecodeError(
            f"{p}: not valid UTF-8 at byte {exc.start}; re-encode it, e.g. `iconv -f latin1 -t utf-8 {p.name}`"
        ) from exc
    if not text.strip():
        raise EmptyTextError(f"{p}: the file is empty or only whitespace; nothing to brief")
    return text


def check_text(text: object) -> str:
    """``text`` if it is an article the library can brief, else the :class:`~summarizer.errors.InputError` saying why.

    One check for every entry point (``summarize()``, batches, provider batch request files):
    a str, not empty, and Unicode text (a lone surrogate has no UTF-8, no sha256, no span).
    """
    if not isinstance(text, str):
        raise InputError(f"summarize() takes the article as str, got {type(text).__name__}; decode bytes first")
    if not text.strip():
        raise EmptyTextError("the article text is empty or only whitespace: pass the article's text")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            f"the article text holds a lone surrogate (U+{ord(text[exc.start]):04X}) at offset {exc.start}, "
            "which is not Unicode text: decode the source bytes with errors='replace' (or fix the source)"
        ) from None
    return text
