"""The conversation with the model for one chunk, written once for sync and async drivers.

:func:`run_chunk` is a generator: it yields each :class:`~summarizer.transport.Call`
and receives the :class:`~summarizer.transport.Outcome`; a driver does the I/O
(``engine.py`` has a sync and an async one). The steps:

1. *extract*: ask for a :class:`~.draft.Draft` of the text. An answer that cannot be
   parsed is first salvaged (a JSON object inside ``` fences or prose), then re-asked
   naming the parse error, up to ``parse_retries`` times. A truncated answer
   (finish_reason "length") is never parsed as partial truth: the text is split in
   two overlapping halves that are extracted separately, or, when it is too short to
   split, :class:`~summarizer.errors.TruncatedOutputError` is raised.
2. *verify and re-ask*: the draft is grounded and validated; items with errors go back
   to the model, naming each failing field and the validator's message, up to
   ``reasks`` rounds. ``targeted`` re-asks send only the failed items and take back
   only their corrections; ``full`` re-asks continue the conversation and take back a
   whole new draft. What still fails after the last round is dropped later by
   :meth:`~summarizer.schema.Briefing.verified`, with the reason.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from ...config import LLMSettings
from ...errors import MalformedOutputError, TruncatedOutputError
from ...locate import ground
from ...prompts import PromptSet
from ...schema import Briefing, Issue, TokenUsage, ValidationReport
from ...transport import Call, Outcome, Wait
from .chunking import Piece, split_in_two
from .draft import ITEM_LISTS, Draft, repair_model, to_briefing

__all__ = ["Context", "Tally", "failing_items", "run_chunk", "salvage"]

Validator = Callable[..., ValidationReport]
Conversation = Generator[Call, Outcome, list[Piece]]

MIN_SPLIT_CHARS = 2_000  # a truncated answer on less text than this is an error, not a reason to split
MAX_SPLIT_DEPTH = 3
_REF = re.compile(r"^(" + "|".join(ITEM_LISTS) + r")\[(\d+)\]")


@dataclass(frozen=True, slots=True)
class Context:
    settings: LLMSettings
    prompts: PromptSet
    validate: Validator
    model: str
    article_date: dt.date | None = None


@dataclass
class Tally:
    """What one article (or chunk) cost: requests, answers, re-asks, tokens, notes, raw answers."""

    requests: int = 0
    answers: int = 0
    reasks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    notes: list[str] = field(default_factory=list)
    waits: list[Wait] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)

    def take(self, outcome: Outcome) -> None:
        self.requests += outcome.requests
        self.answers += 1
        self.prompt_tokens += outcome.usage.prompt_tokens
        self.completion_tokens += outcome.usage.completion_tokens
        self.total_tokens += outcome.usage.total_tokens
        for w in outcome.waits:
            self.waits.append(w)
            self.notes.append(w.note(len(self.waits)))
        if outcome.raw is not None:
            self.responses.append(outcome.raw)

    def add(self, other: Tally) -> None:
        for name in ("requests", "answers", "reasks", "prompt_tokens", "completion_tokens", "total_tokens"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.notes.extend(other.notes)
        self.waits.extend(other.waits)
        self.responses.extend(other.responses)

    @property
    def usage(self) -> TokenUsage:
        return TokenUsage(
            prompt_tokens=self.prompt_tokens, completion_tokens=self.completion_tokens, total_tokens=self.total_tokens
        )


# --------------------------------------------------------------------------- parsing


_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)


def salvage(text: str, model: type[BaseModel], *, strict: bool) -> BaseModel | None:
    """Parse a JSON object that arrived inside ``` fences or surrounded by prose."""
    candidates = [m.group(1) for m in _FENCE.finditer(text)]
    a, b = text.find("{"), text.rfind("}")
    if 0 <= a < b:
        candidates.append(text[a : b + 1])
    for c in candidates:
        try:
            return model.model_validate_json(c.strip(), strict=strict)
        except ValidationError:
            continue
    return None


def _answer(outcome: Outcome, model: type[BaseModel], ctx: Context, tally: Tally) -> BaseModel | None:
    if outcome.parsed is not None:
        return outcome.parsed
    if isinstance(outcome.failure, TruncatedOutputError):
        return None
    found = salvage(outcome.text, model, strict=ctx.settings.strict)
    if found is not None:
        tally.notes.append("answer: JSON taken from inside fences / surrounding text")
    return found


def _extract(text: str, ctx: Context, tally: Tally) -> Generator[Call, Outcome, Draft | None]:
    """A parsed draft of ``text``, or None when the answer was truncated."""
    base = ctx.prompts.extract_messages(text, ctx.article_date)
    call = Call(base, Draft, "extract")
    for attempt in range(ctx.settings.parse_retries + 1):
        outcome = yield call
        tally.take(outcome)
        if isinstance(outcome.failure, TruncatedOutputError):
            return None
        draft = _answer(outcome, Draft, ctx, tally)
        if isinstance(draft, Draft):
            return draft
        if attempt == ctx.settings.parse_retries:
            raise MalformedOutputError(
                f"the model's answer could not be parsed after {attempt + 1} answer(s): {outcome.detail}; "
                "try mode='md_json' or 'json_schema' (SUMMARIZER_MODE) or a stronger model",
                model=ctx.model,
                attempts=tally.requests,
            )
        tally.reasks += 1
        tally.notes.append(f"re-ask (unparsable answer): {outcome.detail}"[:300])
        call = Call(ctx.prompts.reparse_messages(base, outcome.text, outcome.detail), Draft, "reparse")
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- re-asks


def failing_items(report: ValidationReport) -> dict[str, list[Issue]]:
    """Error issues grouped by the item they belong to (``quotes[2]``), in item order."""
    out: dict[str, list[Issue]] = {}
    for issue in report.errors:
        m = _REF.match(issue.path)
        if m:
            out.setdefault(m.group(0), []).append(issue)
    return dict(sorted(out.items(), key=lambda kv: (ITEM_LISTS.index(kv[0].split("[")[0]), _index(kv[0]))))


def _index(ref: str) -> int:
    return int(ref[ref.index("[") + 1 : -1])


def describe_failures(draft: Draft, failing: dict[str, list[Issue]]) -> str:
    """The re-ask text: each failed item as the model gave it, and each failing field with the reason."""
    lines: list[str] = []
    for ref, issues in failing.items():
        kind, i = ref.split("[")[0], _index(ref)
        item = getattr(draft, kind)[i]
        given = json.dumps(item.model_dump(mode="json", exclude_none=True), ensure_ascii=False, separators=(",", ":"))
        lines.append(f"- {ref}: {given}")
        for issue in issues:
            lines.append(f"  - {issue.path}: {issue.message} [{issue.code}]")
    return "\n".join(lines)


def apply_repair(draft: Draft, repair: BaseModel, failing: dict[str, list[Issue]]) -> tuple[Draft, list[str]]:
    """``draft`` with the corrected items put back in place; notes on what was fixed or withdrawn."""
    data = {kind: list(getattr(draft, kind)) for kind in ITEM_LISTS}
    notes: list[str] = []
    for kind in ITEM_LISTS:
        for fix in getattr(repair, kind, None) or []:
            ref = fix.ref.strip()
            ref = f"{kind}[{ref}]" if ref.isdigit() else ref
            if ref not in failing or not ref.startswith(kind + "["):
                notes.append(f"re-ask: ignored a correction for {ref!r}, which was not asked for")
                continue
            item_type = Draft.ITEM_TYPES[kind]
            data[kind][_index(ref)] = item_type.model_validate(fix.model_dump(exclude={"ref"}))
            notes.append(f"re-ask: {ref} corrected")
    for ref in getattr(repair, "withdrawn", []) or []:
        if ref in failing:
            notes.append(f"re-ask: {ref} withdrawn by the model")
    return draft.model_copy(update=data), notes


Checked = tuple[Briefing, ValidationReport]


def _check(draft: Draft, text: str, ctx: Context) -> Checked:
    briefing = ground(to_briefing(draft, text, article_date=ctx.article_date), text)
    return briefing, ctx.validate(briefing, text)


def _reask(
    text: str, draft: Draft, ctx: Context, tally: Tally
) -> Generator[Call, Outcome, tuple[Draft, Checked | None]]:
    """The draft after the re-ask rounds, and its check when the last round changed nothing."""
    withdrawn: set[str] = set()  # the model said the article does not support these: not asked again
    checked: Checked | None = None
    for rnd in range(1, ctx.settings.reasks + 1):
        checked = _check(draft, text, ctx)
        failing = {r: i for r, i in failing_items(checked[1]).items() if r not in withdrawn}
        if not failing:
            break
        checked = None
        failures = describe_failures(draft, failing)
        tally.reasks += 1
        if ctx.settings.reask_strategy == "targeted":
            model = repair_model(frozenset(ref.split("[")[0] for ref in failing))
            call = Call(ctx.prompts.repair_messages(text, ctx.article_date, failures), model, "repair")
        else:
            model = Draft
            previous = draft.model_dump_json(exclude_none=True)
            base = ctx.prompts.extract_messages(text, ctx.article_date)
            call = Call(ctx.prompts.full_reask_messages(base, previous, failures), Draft, "reask")
        outcome = yield call
        tally.take(outcome)
        tally.notes.append(f"re-ask {rnd} ({ctx.settings.reask_strategy}): {', '.join(failing)}")
        answer = _answer(outcome, model, ctx, tally)
        if answer is None:
            tally.notes.append(f"re-ask {rnd}: the answer was unusable ({outcome.detail or 'no answer'}); stopped")
            break
        if isinstance(answer, Draft):
            draft = answer
        else:
            draft, notes = apply_repair(draft, answer, failing)
            tally.notes.extend(notes)
            withdrawn.update(r for r in getattr(answer, "withdrawn", None) or [] if r in failing)
    return draft, checked


def run_chunk(text: str, start: int, end: int, ctx: Context, tally: Tally, depth: int = 0) -> Conversation:
    """Pieces (drafts with their ranges in ``text``) for ``text[start:end]``."""
    sub = text[start:end]
    draft = yield from _extract(sub, ctx, tally)
    if draft is None:
        halves = split_in_two(text, start, end, overlap=ctx.settings.chunk_overlap // 2)
        if halves is None or end - start < MIN_SPLIT_CHARS or depth >= MAX_SPLIT_DEPTH:
            raise TruncatedOutputError(
                f"the model stopped at max_tokens={ctx.settings.max_tokens} (finish_reason 'length') on "
                f"{end - start} characters; raise max_tokens or lower chunk_chars",
                model=ctx.model,
                attempts=tally.requests,
            )
        tally.notes.append(f"truncated answer on [{start}, {end}): split into {len(halves)} parts")
        pieces: list[Piece] = []
        for a, b in halves:
            pieces.extend((yield from run_chunk(text, a, b, ctx, tally, depth + 1)))
        return pieces
    draft, checked = yield from _reask(sub, draft, ctx, tally)
    return [Piece(start, end, draft, checked)]
