"""The schema contract: JSON Schema without drift, span invariants, keeping verified items."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from summarizer.schema import Briefing, Quantity, SourceInfo, Span, json_schema_text

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def test_committed_json_schema_matches_the_models() -> None:
    committed = (SCHEMAS / "briefing.schema.json").read_text(encoding="utf-8")
    assert committed == json_schema_text(), "schema drift: run `python -m summarizer.schema` and commit schemas/"


def test_schema_is_valid_json_with_span_definition() -> None:
    schema = json.loads(json_schema_text())
    assert set(schema["$defs"]["Span"]["properties"]) == {"start", "end", "text", "status"}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"start": 3, "text": "x", "status": "exact"},
        {"text": "x", "status": "exact"},
        {"start": 1, "end": 2, "text": "x", "status": "unlocated"},
        {"start": 5, "end": 2, "text": "x", "status": "exact"},
        {"start": -1, "end": 2, "text": "x", "status": "exact"},
    ],
)
def test_inconsistent_spans_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Span.model_validate(kwargs)


def test_quantity_needs_a_number_and_ordered_bounds() -> None:
    with pytest.raises(ValidationError, match="at least one"):
        Quantity(spans=[])
    with pytest.raises(ValidationError, match="above high"):
        Quantity(low=6, high=5)


def test_briefing_round_trips_through_json() -> None:
    b = Briefing(source=SourceInfo.of("text"))
    assert Briefing.model_validate_json(b.model_dump_json()) == b


def test_unknown_fields_are_rejected() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        Briefing.model_validate({"source": SourceInfo.of("t").model_dump(), "quotez": []})


def test_verified_needs_a_report() -> None:
    with pytest.raises(ValueError, match="no validation report"):
        Briefing(source=SourceInfo.of("t")).verified()


ARTICLE = "Talks resume in Geneva\n\nGENEVA, Oct. 25 - Envoys met on Tuesday, officials said."


def _with_source_fields(title: str, dateline: str) -> Briefing:
    from summarizer.locate import ground
    from summarizer.schema import Mention

    source = SourceInfo.of(ARTICLE).model_copy(
        update={
            "title": Mention(value=title, spans=[Span.unlocated(title)]),
            "dateline": Mention(value=dateline, spans=[Span.unlocated(dateline)]),
        }
    )
    return ground(Briefing(source=source), ARTICLE)


def test_verified_drops_a_title_and_dateline_that_failed() -> None:
    # Issue 7: verified() never dropped source.title / source.dateline; only the LLM engine did.
    from summarizer.validate import validate
    from summarizer.verify import verify

    bad = _with_source_fields("Talks collapse in Vienna", "VIENNA, Nov. 3")
    report = validate(bad, ARTICLE)
    assert {i.path.split(".")[1] for i in report.errors} == {"title", "dateline"}
    for kept in (bad.verified(report), verify(bad, ARTICLE)):
        assert kept.source.title is None and kept.source.dateline is None
        assert kept.provenance is not None
        assert [d.path for d in kept.provenance.dropped] == ["source.dateline", "source.title"]
    good = _with_source_fields("Talks resume in Geneva", "GENEVA, Oct. 25")
    kept = verify(good, ARTICLE)
    assert kept.source.title is not None and kept.source.dateline is not None
    assert kept.validation is not None and kept.validation.ok and kept.validation.coverage is not None


def test_every_issue_code_is_described_once_and_the_docs_table_is_generated() -> None:
    import sys

    import summarizer.validate  # noqa: F401  (the module, not the function of the same name)
    from summarizer.schema import ISSUE_CODES, IssueCode, Severity

    assert set(ISSUE_CODES) == set(IssueCode)
    assert all(isinstance(sev, Severity) and text for sev, text in ISSUE_CODES.values())
    doc = sys.modules["summarizer.validate"].__doc__ or ""
    assert all(f"``{code.value}``" in doc for code in IssueCode)
    source = Path(sys.modules["summarizer.validate"].__file__ or "").read_text(encoding="utf-8")
    assert '"speaker_mismatch"' not in source  # codes are the enum's members, not bare strings
