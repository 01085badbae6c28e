"""The library's notices on the ``summarizer`` logger: said once per process, and the warning for a huge article.

A notice about the set-up (no LLM configured: the offline engine is used) is the same
for every call, so :func:`once` says it the first time only: a caller briefing twelve
files one ``summarize()`` at a time sees it once, not twelve times.

:func:`warn_if_large` warns before an article of :data:`LARGE_CHARS` characters or more
is briefed, since it runs long with nothing to show: the offline engine takes on the
order of :data:`RULES_SECONDS_PER_MCHAR` seconds per million characters (a 10 MB text
ran ~98 s), the LLM engine sends it as many chunks. The threshold is one million
characters (~170,000 English words): ten times a long-read, so no real article trips
it, and the first size at which the wait (~10 s offline, 60+ requests) looks like a
hang. It costs a ``len()``.
"""

from __future__ import annotations

import logging
import math
import threading

from .config import LLMSettings

__all__ = ["LARGE_CHARS", "RULES_SECONDS_PER_MCHAR", "estimated_chunks", "once", "reset", "warn_if_large"]

LARGE_CHARS = 1_000_000
RULES_SECONDS_PER_MCHAR = 10.0  # the offline engine here: a 10 MB text ran ~98 s, a 50k-word one ~2 s

log = logging.getLogger("summarizer")
_said: set[str] = set()
_lock = threading.Lock()


def once(message: str, *, level: int = logging.WARNING) -> None:
    """Log ``message`` unless this process already did."""
    with _lock:
        if message in _said:
            return
        _said.add(message)
    log.log(level, message)


def reset() -> None:
    """Forget what was said (each test starts afresh: tests/conftest.py)."""
    with _lock:
        _said.clear()


def estimated_chunks(length: int, *, size: int, overlap: int) -> int:
    """About how many chunks :func:`~summarizer.engines.llm.chunking.plan_chunks` cuts ``length`` characters into.

    The plan cuts on paragraph boundaries, so it makes a few more than this lower bound;
    computing it exactly would split the whole text before the warning could be shown.
    """
    if length <= size:
        return 1
    return math.ceil((length - overlap) / (size - overlap))


def warn_if_large(text: str, *, engine: str, settings: LLMSettings, index: int | None = None) -> None:
    """One warning for an article of :data:`LARGE_CHARS` characters or more, saying what it will take."""
    n = len(text)
    if n < LARGE_CHARS:
        return
    which = "the article" if index is None else f"article {index}"
    if engine == "llm":
        chunks = estimated_chunks(n, size=settings.chunk_chars, overlap=settings.chunk_overlap)
        plan = (
            f"the LLM engine splits it into about {chunks:,} chunks of up to {settings.chunk_chars:,} characters, "
            "one request each (plus re-asks)"
        )
    else:
        seconds = n / 1e6 * RULES_SECONDS_PER_MCHAR
        rate = f"{RULES_SECONDS_PER_MCHAR:g} s per million characters"
        plan = f"the offline engine takes about {rate}: expect ~{_duration(seconds)}"
    log.warning("%s is very large (%s characters): %s", which, f"{n:,}", plan)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"
