"""The article as the rules see it: the source text, its sentences, quotations and person mentions."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from dataclasses import dataclass, field, replace

from ...names import Name, PersonMention, antecedent, names_in, person_mentions
from ...schema import ActorKind
from ...text import QuoteRegion, SourceText

__all__ = ["Doc", "Stems", "Word"]

_WORD = re.compile(r"(?:[A-Z]\.){2,}(?:-[\w’']+)*|[\w’']+(?:[-.][\w’']+)*\.?|[,:;()\[\]“”\"—–]")


@dataclass(frozen=True, slots=True)
class Word:
    start: int
    end: int
    text: str


def _tokenize(text: str) -> list[Word]:
    out: list[Word] = []
    for m in _WORD.finditer(text):
        a, b, w = m.start(), m.end(), m.group()
        if len(w) > 1 and w.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+|[A-Z][a-z]{0,3}\.", w):
            b, w = b - 1, w[:-1]
        out.append(Word(a, b, w))
    return out


class Stems:
    """The keyword stems of a table of rules ("shell", "air", "evict"): any one of a rule's stems must occur in a
    sentence before its pattern is tried there."""

    def __init__(self, *groups: tuple[str, ...]) -> None:
        words = sorted({w for g in groups for w in g}, key=lambda w: (-len(w), w))
        self.regex = re.compile("|".join(re.escape(w) for w in words))
        # A longer stem found ("marcher") also holds the shorter ones inside it ("march").
        self.covers = {w: frozenset(v for v in words if v in w) for w in words}


def _with_acronyms(text: str, names: list[Name]) -> list[Name]:
    """An acronym defined after a name ("the Daravan Liberation Front (DLF)") is of that name's kind."""
    kinds: dict[str, ActorKind] = {}
    for name, nxt in itertools.pairwise(names):
        defined = text[name.end : nxt.start] == " (" and text[nxt.end : nxt.end + 1] == ")"
        if defined and nxt.text.isupper() and name.kind not in (ActorKind.OTHER, ActorKind.PERSON):
            kinds[nxt.text] = name.kind
    if not kinds:
        return names
    return [replace(n, kind=kinds[n.text]) if n.text in kinds and n.title is None else n for n in names]


@dataclass(slots=True)
class Doc:
    """One article, with the derived views every rule module reads."""

    src: SourceText
    article_date: dt.date | None = None
    _people: list[PersonMention] | None = field(default=None, repr=False)
    _people_starts: list[int] = field(default_factory=list, repr=False)
    _words: list[Word] | None = field(default=None, repr=False)
    _word_starts: list[int] = field(default_factory=list, repr=False)
    _names: list[Name] | None = field(default=None, repr=False)
    _name_starts: list[int] = field(default_factory=list, repr=False)
    _para_starts: list[int] | None = field(default=None, repr=False)
    _lower: str | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return self.src.text

    @property
    def regions(self) -> list[QuoteRegion]:
        """Top-level (double-mark) quotations, in order."""
        return self.src.quote_index().regions

    def quote_at(self, offset: int) -> QuoteRegion | None:
        """The quotation whose marks enclose ``offset``, if any (the source text's index, by bisection)."""
        return self.src.enclosing_quote(offset, offset + 1)

    def regions_in(self, start: int, end: int) -> list[QuoteRegion]:
        """Quotations overlapping ``[start, end)``, in order."""
        return self.src.quote_index().overlapping(start, end)

    def sentence(self, offset: int) -> tuple[int, int]:
        sents = self.src.sentences
        if not sents:
            return 0, len(self.text)
        return sents[self.src.sentence_index(offset)]

    def words(self, start: int, end: int) -> list[Word]:
        """Words and clause punctuation lying within ``text[start:end]``; a final full stop is split off."""
        if self._words is None:
            self._words = _tokenize(self.text)
            self._word_starts = [w.start for w in self._words]
        i = bisect.bisect_left(self._word_starts, start)
        j = bisect.bisect_left(self._word_starts, end)
        out = self._words[i:j]
        while out and out[-1].end > end:
            out.pop()
        return out

    def names(self, start: int, end: int) -> list[Name]:
        """The names of :func:`~summarizer.names.names_in` that lie within ``[start, end)`` (one pass, then bisect)."""
        if self._names is None:
            self._names = _with_acronyms(self.text, names_in(self.text, 0, len(self.text)))
            self._name_starts = [n.start for n in self._names]
        i = bisect.bisect_left(self._name_starts, start)
        j = bisect.bisect_left(self._name_starts, end)
        return [n for n in self._names[i:j] if n.end <= end]

    @property
    def lower(self) -> str:
        """The text in lower case, offset for offset (a character whose lower case is longer stays as it is)."""
        if self._lower is None:
            low = self.text.lower()
            if len(low) != len(self.text):
                low = "".join(c.lower() if len(c.lower()) == 1 else c for c in self.text)
            self._lower = low
        return self._lower

    def sentences_with(self, stems: Stems) -> list[tuple[int, int, frozenset[str]]]:
        """The sentences that hold any of ``stems`` (lower case, anywhere in a word), with the stems each holds.

        One scan of the lower-cased text: a case-sensitive scan for literal words is several times faster
        than a case-insensitive one, and the rules then only try the patterns whose stems a sentence holds.
        """
        sents = self.src.sentences
        found: dict[int, set[str]] = {}
        for m in stems.regex.finditer(self.lower):
            found.setdefault(self.src.sentence_index(m.start()), set()).update(stems.covers[m.group()])
        return [(*sents[i], frozenset(f)) for i, f in sorted(found.items()) if i < len(sents)]

    def paragraph(self, offset: int) -> int:
        """Index of the paragraph holding ``offset``."""
        if self._para_starts is None:
            self._para_starts = [a for a, _ in self.src.paragraphs]
        return max(0, bisect.bisect_right(self._para_starts, offset) - 1)

    @property
    def people(self) -> list[PersonMention]:
        if self._people is None:
            self._people = person_mentions(self.src)
            self._people_starts = [p.start for p in self._people]
        return self._people

    def person_at(self, start: int, end: int) -> PersonMention | None:
        """The person mention overlapping ``[start, end)``, if the mention finder knows one."""
        people = self.people
        i = bisect.bisect_left(self._people_starts, end) - 1
        if i >= 0 and people[i].end > start:
            return people[i]
        return None

    def antecedent(self, offset: int) -> PersonMention | None:
        """The nearest person mentioned before ``offset`` (:func:`summarizer.names.antecedent`, the validator's too)."""
        return antecedent(self.src, offset)
