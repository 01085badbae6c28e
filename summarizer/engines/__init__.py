"""The engines that turn an article into a verified Briefing: ``rules`` (offline) and ``llm``.

Both implement :class:`Engine`: ``run`` (and ``arun``) take the article and its date and
return a briefing that went through :func:`summarizer.verify.verify`, with
``provenance.engine`` naming the engine. :class:`Dated` wraps either: the date given,
else the one the article's dateline writes, recorded in ``source.article_date_source``. Import them where needed
(``summarizer.engines.rules``, ``summarizer.engines.llm``): the LLM engine pulls in
openai and instructor, which the offline path never needs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from ..parse import read_dateline

if TYPE_CHECKING:
    from ..schema import Briefing

__all__ = ["Dated", "Engine", "resolve_article_date"]

DateSource = Literal["given", "dateline"]


@runtime_checkable
class Engine(Protocol):
    """What :mod:`summarizer.api` needs of an engine."""

    def run(self, text: str, *, article_date: dt.date | None = None) -> Briefing:
        """A verified briefing of ``text``."""
        ...

    async def arun(
        self, text: str, *, article_date: dt.date | None = None, semaphore: asyncio.Semaphore | None = None
    ) -> Briefing:
        """The same, for async callers; ``semaphore`` bounds the requests a batch has in flight."""
        ...


def resolve_article_date(text: str, given: dt.date | None, day: dt.date) -> tuple[dt.date | None, DateSource | None]:
    """The article's date and where it came from: ``given``, else the date of its dateline (a year not written
    is the one that puts it nearest on or before ``day``, the briefing day), else unknown."""
    if given is not None:
        return given, "given"
    found = read_dateline(text, day=day)
    if found is not None and found.date is not None and found.date.date is not None:
        return found.date.date, "dateline"
    return None, None


@dataclass(frozen=True, slots=True)
class Dated:
    """An engine whose article date is that of :func:`resolve_article_date`, its source recorded in the briefing."""

    engine: Engine
    day: dt.date

    def run(self, text: str, *, article_date: dt.date | None = None) -> Briefing:
        date, how = resolve_article_date(text, article_date, self.day)
        return _sourced(self.engine.run(text, article_date=date), how)

    async def arun(
        self, text: str, *, article_date: dt.date | None = None, semaphore: asyncio.Semaphore | None = None
    ) -> Briefing:
        date, how = resolve_article_date(text, article_date, self.day)
        return _sourced(await self.engine.arun(text, article_date=date, semaphore=semaphore), how)


def _sourced(briefing: Briefing, how: DateSource | None) -> Briefing:
    source = briefing.source.model_copy(update={"article_date_source": how})
    return briefing.model_copy(update={"source": source})
