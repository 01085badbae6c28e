"""The one verification step every briefing goes through, whichever engine made it.

:func:`verify` validates a briefing against its source, drops what failed (items,
optional fields and the source's title / dateline alike, each listed in
``provenance.dropped`` with its reason) and attaches the coverage audit of what is
kept; an article with no date known gets one note saying so.
:func:`summarize() <summarizer.api.summarize>` runs it on the rules engine's
output, the LLM engine on the model's answer (fresh or from the cache), and the CLI's
``validate`` command runs its first half, :func:`check`, on a stored briefing.

Both are pure and deterministic: the same briefing and text give the same result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .coverage import audit
from .locate import iter_evidence
from .schema import Briefing, DateValue, ValidationReport
from .validate import validate

__all__ = ["Validator", "check", "no_date_note", "nothing_returned_note", "verify"]

Validator = Callable[[Briefing, str], ValidationReport]


def check(
    briefing: Briefing,
    text: str,
    *,
    validator: Validator = validate,
    coverage: bool = True,
    report: ValidationReport | None = None,
    notes: Sequence[str] = (),
) -> ValidationReport:
    """The report of ``briefing`` against ``text``, with the coverage audit and ``notes`` attached.

    ``report`` is a report of this very briefing already computed (the LLM engine's
    re-ask loop validates its last draft); it is not computed again.
    """
    report = report if report is not None else validator(briefing, text)
    update: dict[str, object] = {}
    if coverage:
        update["coverage"] = audit(briefing, text)
    if notes:
        update["notes"] = (*report.notes, *notes)
    return report.model_copy(update=update) if update else report


def verify(
    briefing: Briefing,
    text: str,
    *,
    validator: Validator = validate,
    coverage: bool = True,
    report: ValidationReport | None = None,
    notes: Sequence[str] = (),
) -> Briefing:
    """``briefing`` with only what passed validation, its report (and coverage of what is kept) attached."""
    report = report if report is not None else validator(briefing, text)
    kept = briefing.verified(report) if report.errors else briefing
    full = check(kept, text, validator=validator, coverage=coverage, report=report, notes=notes)
    if coverage and not briefing.items():
        note = nothing_returned_note(full)
        if note:
            full = full.model_copy(update={"notes": (*full.notes, note)})
    if kept.source.article_date is None:
        full = full.model_copy(update={"notes": (*full.notes, no_date_note(kept))})
    return kept.model_copy(update={"validation": full})


def no_date_note(briefing: Briefing) -> str:
    """The note for an article with no date known, counting the dates kept with their calendar date unresolved."""
    n = sum(
        1
        for prefix, item in briefing.items()
        for _, ev in iter_evidence(item, prefix)
        if isinstance(ev, DateValue) and ev.date is None
    )
    note = "no article date known (pass --date / date=, or a date in the metadata, or a dated dateline)"
    if n == 1:
        return f"{note}: 1 relative date is kept with its calendar date unresolved"
    return f"{note}: {n} relative dates are kept with their calendar date unresolved" if n else note


def nothing_returned_note(report: ValidationReport) -> str | None:
    """A note for a briefing with no items about an article in which the audit finds quotations or figures."""
    if report.coverage is None:
        return None
    counts = {kind: sum(1 for m in report.coverage.missing if m.kind == kind) for kind in ("quote", "figure")}
    if not any(counts.values()):
        return None
    words = {"quote": "direct quotation", "figure": "casualty figure"}
    found = " and ".join(f"{n} {words[k]}{'' if n == 1 else 's'}" for k, n in counts.items() if n)
    return f"the engine returned nothing, but the coverage audit finds {found} in the article"
