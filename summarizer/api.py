"""The public face: summarize() picks an engine, grounds and validates its briefing.

(Minimal first cut: the rules engine and the LLM engine plug in here.)
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from .errors import EmptyTextError, InputError, NoLLMConfiguredError
from .schema import Briefing

__all__ = ["Engine", "summarize"]

Engine = Literal["auto", "llm", "rules"]


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise InputError(f"summarize() takes the article as str, got {type(text).__name__}; decode bytes first")
    if not text.strip():
        raise EmptyTextError("the article text is empty or only whitespace: pass the article's text")
    return text


def _parse_date(date: dt.date | str | None) -> dt.date | None:
    if date is None or isinstance(date, dt.date):
        return date
    try:
        return dt.date.fromisoformat(date)
    except ValueError as exc:
        raise InputError(f"date {date!r} is not an ISO date (YYYY-MM-DD)") from exc


def summarize(text: str, *, engine: Engine = "auto", date: dt.date | str | None = None) -> Briefing:
    """Brief one article. Placeholder until the engines land."""
    _check_text(text)
    _parse_date(date)
    raise NoLLMConfiguredError(f"engine {engine!r} is not available yet")
