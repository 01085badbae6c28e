"""The article as the rules see it: the source text, its sentences, quotations and person mentions."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field

from ...mentions import PersonMention, person_mentions
from ...text import QuoteRegion, SourceText

__all__ = ["Doc", "Word"]

_WORD = re.compile(r"(?:[A-Z]\.){2,}(?:-[\w’']+)*|[\w’']+(?:[-.][\w’']+)*\.?|[,:;()\[\]“”\"—–]")


@dataclass(frozen=True, slots=True)
class Word:
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Doc:
    """One article, with the derived views every rule module reads."""

    src: SourceText
    article_date: dt.date | None = None
    _regions: list[QuoteRegion] | None = field(default=None, repr=False)
    _region_starts: list[int] | None = field(default=None, repr=False)
    _people: list[PersonMention] | None = field(default=None, repr=False)
    _people_starts: list[int] = field(default_factory=list, repr=False)

    @property
    def text(self) -> str:
        return self.src.text

    @property
    def regions(self) -> list[QuoteRegion]:
        """Top-level (double-mark) quotations, in order."""
        if self._regions is None:
            self._regions = [q for q in self.src.quotes if not q.nested]
            self._region_starts = [q.start for q in self._regions]
        return self._regions

    def quote_at(self, offset: int) -> QuoteRegion | None:
        """The quotation whose marks enclose ``offset``, if any."""
        regions = self.regions
        assert self._region_starts is not None
        i = bisect.bisect_right(self._region_starts, offset) - 1
        # Regions do not overlap, so only the nearest one starting before can contain the offset.
        if i >= 0 and regions[i].start <= offset < regions[i].end:
            return regions[i]
        return None

    def regions_in(self, start: int, end: int) -> list[QuoteRegion]:
        """Quotations overlapping ``[start, end)``, in order."""
        regions = self.regions
        assert self._region_starts is not None
        i = bisect.bisect_left(self._region_starts, end)
        out: list[QuoteRegion] = []
        while i > 0 and regions[i - 1].end > start:
            i -= 1
            out.append(regions[i])
        return out[::-1]

    def sentence(self, offset: int) -> tuple[int, int]:
        sents = self.src.sentences
        if not sents:
            return 0, len(self.text)
        return sents[self.src.sentence_index(offset)]

    def words(self, start: int, end: int) -> list[Word]:
        """Words and clause punctuation of ``text[start:end]``; a final full stop is split off."""
        out: list[Word] = []
        for m in _WORD.finditer(self.text, start, end):
            a, b, w = m.start(), m.end(), m.group()
            if len(w) > 1 and w.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+|[A-Z][a-z]{0,3}\.", w):
                b, w = b - 1, w[:-1]
            out.append(Word(a, b, w))
        return out

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
        """The nearest person mention that ends before ``offset`` (the pronoun rule of the validator)."""
        people = self.people
        i = bisect.bisect_left(self._people_starts, offset) - 1
        while i >= 0 and people[i].end > offset:
            i -= 1
        return people[i] if i >= 0 else None
