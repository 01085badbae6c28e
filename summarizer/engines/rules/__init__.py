"""The offline rules engine: a grounded briefing with no model and no network.

``extract(text, article_date=...)`` reads quotes, meetings, front-line positions,
incidents, the dateline and places out of an English news article with
deterministic rules. Every span is an exact slice of the text. Modules, by what they find:

- :mod:`.quotes` (with :mod:`.speakers` and :mod:`.cues`): direct and reported speech;
- :mod:`.meetings`: consultations and their participants;
- :mod:`.positions`: front-line positions;
- :mod:`.incidents`: ACLED-like events with their counts;
- :mod:`.places`: the dateline and the places named;
- :mod:`.names`, :mod:`.doc`, :mod:`.evidence`: what they share.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from ...schema import Briefing
from ...verify import verify
from .engine import extract

__all__ = ["RulesEngine", "extract"]


class RulesEngine:
    """The offline engine behind :class:`summarizer.engines.Engine`: :func:`extract`, then verification."""

    def run(self, text: str, *, article_date: dt.date | None = None) -> Briefing:
        return verify(extract(text, article_date=article_date), text)

    async def arun(
        self, text: str, *, article_date: dt.date | None = None, semaphore: asyncio.Semaphore | None = None
    ) -> Briefing:
        return await asyncio.to_thread(self.run, text, article_date=article_date)  # CPU work: off the loop
