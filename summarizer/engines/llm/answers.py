"""Is the model's answer the object that was asked for? Reading an answer, and saying why not.

Every field of a :class:`~.draft.Draft` has a default, so a lax parser would turn any
JSON object into an empty draft: ``{"briefing": {...}}`` (a wrapper small local models
often add), the inner object a fence extractor picked out of broken output, or prose
with a ``{}`` in it. The top level of every answer model forbids unknown keys, and
:func:`read` decides what an answer is:

- parsed as it came: the answer (unless it is an empty draft beside a lot of other text);
- one JSON object found inside fences or prose that parses: that object, with a note;
- an object whose only key is not in the schema and holds an object that parses: that
  inner object, *unwrapped*, with a note (unambiguous: there is nothing else it could be);
- anything else: no answer, and a problem worded for the re-ask and the final error
  (the top-level keys the schema does not define, or the parser's complaint).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from ...errors import TruncatedOutputError
from .draft import ITEM_LISTS, Draft
from .transport import Outcome, parse_detail

__all__ = ["Reading", "is_empty", "read"]

_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)
# An empty draft is suspicious when the answer has this much other text (non-space characters):
# more than a lead-in such as "Here is the JSON:", less than any real content.
_OTHER_TEXT = 80


@dataclass(frozen=True, slots=True)
class Reading:
    answer: BaseModel | None
    note: str | None = None  # how the answer was taken, for provenance
    problem: str | None = None  # why there is no answer, for the re-ask and the error


def is_empty(draft: BaseModel) -> bool:
    """A draft with no item and no title or dateline: the model said nothing."""
    if not isinstance(draft, Draft):
        return False
    return draft.title is None and draft.dateline is None and not any(getattr(draft, k) for k in ITEM_LISTS)


def read(outcome: Outcome, model: type[BaseModel], *, strict: bool) -> Reading:
    """The answer in ``outcome`` as an instance of ``model``, or why there is none."""
    if isinstance(outcome.failure, TruncatedOutputError):
        return Reading(None, problem="truncated")
    text = outcome.text
    if outcome.parsed is not None:
        if is_empty(outcome.parsed) and _other_text(text) > _OTHER_TEXT:
            return Reading(None, problem=_EMPTY_BESIDE_TEXT)
        return Reading(outcome.parsed)
    first_problem: str | None = None
    for obj, whole in _objects(text):
        reading = _take(obj, model, strict=strict, whole=whole)
        if reading.answer is not None:
            if is_empty(reading.answer) and _other_text(text) > _OTHER_TEXT:
                return Reading(None, problem=_EMPTY_BESIDE_TEXT)
            return reading
        first_problem = first_problem or reading.problem
    return Reading(None, problem=first_problem or outcome.detail or "the answer holds no JSON object")


_EMPTY_BESIDE_TEXT = (
    "the answer's JSON object is empty but the answer holds other text: put everything you found "
    "inside the one JSON object, and nothing outside it"
)


def _take(obj: Any, model: type[BaseModel], *, strict: bool, whole: bool) -> Reading:
    if not isinstance(obj, dict):
        return Reading(None, problem=f"the answer is a JSON {type(obj).__name__}, not the requested object")
    try:
        answer = model.model_validate(obj, strict=strict)
    except ValidationError as exc:
        unknown = sorted(k for k in obj if k not in model.model_fields)
        if len(obj) == 1 and unknown and isinstance(obj[unknown[0]], dict):
            inner = _take(obj[unknown[0]], model, strict=strict, whole=True)
            if inner.answer is not None:
                return Reading(inner.answer, f"answer: unwrapped the object from its single key {unknown[0]!r}")
        if unknown:
            return Reading(None, problem=_unknown_keys(unknown, model))
        return Reading(None, problem=parse_detail(exc))
    note = None if whole else "answer: JSON taken from inside fences / surrounding text"
    return Reading(answer, note)


def _unknown_keys(unknown: list[str], model: type[BaseModel]) -> str:
    shown = ", ".join(repr(k) for k in unknown[:6])
    fields = ", ".join(model.model_fields)
    return (
        f"the answer is not the requested object: its top-level keys {shown} are not in the schema; "
        f"answer with the object itself, whose keys are {fields}"
    )


def _objects(text: str) -> Iterator[tuple[Any, bool]]:
    """JSON values in ``text``: the whole of it, fenced blocks, then the outermost braces (with ``whole``)."""
    stripped = text.strip()
    candidates = [(stripped, True)]
    candidates += [(m.group(1).strip(), False) for m in _FENCE.finditer(text)]
    a, b = text.find("{"), text.rfind("}")
    if 0 <= a < b:
        candidates.append((text[a : b + 1], False))
    seen: set[str] = set()
    for candidate, whole in candidates:
        if not candidate or candidate in seen:
            continue
        seen.add(candidate)
        try:
            yield json.loads(candidate), whole
        except ValueError:
            continue


def _other_text(text: str) -> int:
    """Non-space characters of ``text`` outside its first JSON object and fences."""
    a, b = text.find("{"), text.rfind("}")
    rest = text[:a] + text[b + 1 :] if 0 <= a < b else text
    rest = rest.replace("```json", "").replace("```JSON", "").replace("```", "")
    return sum(1 for ch in rest if not ch.isspace())
