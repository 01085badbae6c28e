"""The conversation with the model for one chunk, written once for sync and async drivers.

:func:`run_chunk` is a generator: it yields each :class:`~summarizer.engines.llm.transport.Call`
and receives the :class:`~summarizer.engines.llm.transport.Outcome`; a driver does the I/O
(``engine.py`` has a sync and an async one). The steps:

1. *extract*: ask for a :class:`~.draft.Draft` of the text. An answer that is not the
   requested object is read by :func:`.answers.read` (a JSON object inside fences or
   prose, an unambiguous single wrapper key), else re-asked naming what is wrong with
   it, up to ``parse_retries`` times, then :class:`~summarizer.errors.MalformedOutputError`.
   A truncated answer (finish_reason "length") is never parsed as partial truth: the
   text is split in two overlapping halves that are extracted separately, or, when it
   is too short to split, asked once more with twice the room (``max_tokens``); a
   second truncation raises :class:`~summarizer.errors.TruncatedOutputError`.
2. *verify and re-ask*: the draft is grounded and validated; items with errors go back
   to the model, naming each failing field and the validator's message, up to
   ``reasks`` rounds. ``targeted`` re-asks send only the failed items and take back
   only their corrections; ``full`` re-asks continue the conversation and take back a
   whole new draft. What still fails after the last round is dropped later by
   :func:`summarizer.verify.verify`, with the reason. A re-ask that fails at the
   transport level ends the rounds: the verified items are kept, the failing ones are
   dropped, and the report says the re-ask failed (:attr:`Tally.report_notes`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ...config import LLMSettings
from ...errors import LLMError, MalformedOutputError, RecordingMissError, TruncatedOutputError
from ...locate import ground
from ...schema import Briefing, Issue, TokenUsage, ValidationReport
from .answers import read
from .chunking import Piece, split_in_two
from .draft import ITEM_LISTS, Draft, repair_model, to_briefing
from .prompts import PromptSet
from .transport import Call, Outcome, Wait

__all__ = ["Context", "Tally", "failing_items", "run_chunk"]

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
    # What a reader of the report must know (a re-ask that failed); such a run is not cached.
    report_notes: list[str] = field(default_factory=list)

    def take(self, outcome: Outcome) -> None:
        self.requests += outcome.requests
        self.answers += 1
        self.prompt_tokens += outcome.usage.prompt_tokens
        self.completion_tokens += outcome.usage.completion_tokens
        self.total_tokens += outcome.usage.total_tokens
        for w in outcome.waits:
            self.waits.append(w)
            self.notes.append(w.note(len(self.waits)))
        self.notes.extend(outcome.notes)
        if outcome.raw is not None:
            self.responses.append(outcome.raw)

    def add(self, other: Tally) -> None:
        for name in ("requests", "answers", "reasks", "prompt_tokens", "completion_tokens", "total_tokens"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.notes.extend(other.notes)
        self.waits.extend(other.waits)
        self.responses.extend(other.responses)
        self.report_notes.extend(other.report_notes)

    @property
    def usage(self) -> TokenUsage:
        return TokenUsage(
            prompt_tokens=self.prompt_tokens, completion_tokens=self.completion_tokens, total_tokens=self.total_tokens
        )


# --------------------------------------------------------------------------- extraction


def _answer(outcome: Outcome, model: type[BaseModel], ctx: Context, tally: Tally) -> tuple[BaseModel | None, str]:
    """The usable answer in ``outcome`` (noting how it was taken), or None and what is wrong with it."""
    reading = read(outcome, model, strict=ctx.settings.strict)
    if reading.note:
        tally.notes.append(reading.note)
    return reading.answer, reading.problem or outcome.detail


def _extract(
    text: str, ctx: Context, tally: Tally, *, max_tokens: int | None = None
) -> Generator[Call, Outcome, Draft | None]:
    """A parsed draft of ``text``, or None when the answer was truncated."""
    base = ctx.prompts.extract_messages(text, ctx.article_date)
    call = Call(base, Draft, "extract", max_tokens)
    attempt = 0
    while True:
        outcome = yield call
        tally.take(outcome)
        if isinstance(outcome.failure, TruncatedOutputError):
            return None
        draft, problem = _answer(outcome, Draft, ctx, tally)
        if isinstance(draft, Draft):
            return draft
        if attempt == ctx.settings.parse_retries:
            raise MalformedOutputError(
                f"the model's answer is not a briefing object after {attempt + 1} answer(s): {problem}; "
                "try mode='md_json' or 'json_schema' (SUMMARIZER_MODE) or a stronger model",
                model=ctx.model,
                attempts=tally.requests,
            )
        attempt += 1
        tally.reasks += 1
        tally.notes.append(f"re-ask (unusable answer): {problem}"[:300])
        call = Call(ctx.prompts.reparse_messages(base, outcome.text, problem), Draft, "reparse", max_tokens)


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
        try:
            outcome = yield call
        except RecordingMissError:  # replay: a re-ask not recorded is a stale recording set, not a failed re-ask
            raise
        except LLMError as exc:  # the first answer stands: its verified items are kept, the failing dropped
            note = f"re-ask {rnd} failed ({type(exc).__name__}: {exc}); the items it was to correct are dropped"
            tally.notes.append(note[:400])
            tally.report_notes.append(note[:400])
            break
        tally.take(outcome)
        tally.notes.append(f"re-ask {rnd} ({ctx.settings.reask_strategy}): {', '.join(failing)}")
        answer, problem = _answer(outcome, model, ctx, tally)
        if answer is None:
            tally.notes.append(f"re-ask {rnd}: the answer was unusable ({problem or 'no answer'}); stopped")
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
        if halves is not None and end - start >= MIN_SPLIT_CHARS and depth < MAX_SPLIT_DEPTH:
            tally.notes.append(f"truncated answer on [{start}, {end}): split into {len(halves)} parts")
            pieces: list[Piece] = []
            for a, b in halves:
                pieces.extend((yield from run_chunk(text, a, b, ctx, tally, depth + 1)))
            return pieces
        draft = yield from _extract_with_room(sub, start, end, ctx, tally)
    draft, checked = yield from _reask(sub, draft, ctx, tally)
    return [Piece(start, end, draft, checked)]


def _extract_with_room(text: str, start: int, end: int, ctx: Context, tally: Tally) -> Generator[Call, Outcome, Draft]:
    """A text too short to split whose answer was truncated: asked once more with twice the room."""
    room = 2 * ctx.settings.max_tokens
    tally.notes.append(f"truncated answer on [{start}, {end}): asked again with max_tokens={room}")
    draft = yield from _extract(text, ctx, tally, max_tokens=room)
    if draft is None:
        raise TruncatedOutputError(
            f"the model stopped at its token limit (finish_reason 'length') twice on {end - start} characters, "
            f"with max_tokens={ctx.settings.max_tokens} and then {room}: raise max_tokens "
            "(LLMSettings(max_tokens=...)) or use a model that answers within it",
            model=ctx.model,
            attempts=tally.requests,
        )
    return draft
