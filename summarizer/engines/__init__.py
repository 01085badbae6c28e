"""The engines that turn an article into a verified Briefing: ``rules`` (offline) and ``llm``.

Both implement :class:`Engine`: ``run`` (and ``arun``) take the article and its date and
return a briefing that went through :func:`summarizer.verify.verify`, with
``provenance.engine`` naming the engine. Import them where needed
(``summarizer.engines.rules``, ``summarizer.engines.llm``): the LLM engine pulls in
openai and instructor, which the offline path never needs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from ..schema import Briefing

__all__ = ["Engine"]


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
