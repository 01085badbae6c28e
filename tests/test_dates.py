"""The article date: from ``date=``, else the dateline (its year from the briefing day), else unknown.

Unknown, it is said once in the report, and relative dates ("on Tuesday") are kept with
their calendar date unresolved, never dropped. The articles are written for the test.
"""

from __future__ import annotations

import datetime as dt

import pytest

from summarizer import summarize, summarize_many
from summarizer.engines.rules import extract
from summarizer.evals import score_briefing
from summarizer.parse import read_dateline
from summarizer.render import to_markdown
from summarizer.schema import Briefing, IssueCode, Severity
from summarizer.validate import validate

BODY = (
    " - French Foreign Minister Claire Dumont met Arvenian Foreign Minister Ivo Maris "
    "in Paris on Tuesday to discuss reopening the Lusa border crossing, officials said.\n\n"
    "On Monday, an air strike hit a market in the town of Dereva, killing at least 12 people, "
    "local officials said."
)
HEADLINE = "Ministers agree to reopen border crossing\n\n"
NO_DATE = HEADLINE + "PARIS (Reuters)" + BODY
DATED = HEADLINE + "PARIS, Nov. 6 (Reuters)" + BODY  # Nov. 6, 2025 is a Thursday
DAY = dt.date(2025, 11, 7)


def _no_date_notes(b: Briefing) -> list[str]:
    assert b.validation is not None
    return [n for n in b.validation.notes if n.startswith("no article date known")]


# --------------------------------------------------------------------------- the dateline


@pytest.mark.parametrize(
    ("text", "day", "dateline", "date"),
    [
        ("VAHRAN, Nov. 2 - Fighters advanced", dt.date(2025, 11, 5), "VAHRAN, Nov. 2", dt.date(2025, 11, 2)),
        ("KAVAL, Nov. 2 (Reuters) - Talks", dt.date(2025, 11, 5), "KAVAL, Nov. 2 (Reuters)", dt.date(2025, 11, 2)),
        ("KAVAL, November 2 — Talks", dt.date(2025, 11, 5), "KAVAL, November 2", dt.date(2025, 11, 2)),
        ("KAVAL, Nov 2, 2024 – Talks", dt.date(2025, 11, 5), "KAVAL, Nov 2, 2024", dt.date(2024, 11, 2)),
        ("LONDON, Sept. 14 (AP) -- Talks", dt.date(2025, 11, 5), "LONDON, Sept. 14 (AP)", dt.date(2025, 9, 14)),
        ("NAIROBI, 3 March (AFP) - Talks", dt.date(2025, 11, 5), "NAIROBI, 3 March (AFP)", dt.date(2025, 3, 3)),
        (
            "MOSUL, Iraq, Oct. 25 (AFP) - Talks",
            dt.date(2025, 11, 5),
            "MOSUL, Iraq, Oct. 25 (AFP)",
            dt.date(2025, 10, 25),
        ),
        ("HARSK, Dec. 30 - Shelling", dt.date(2026, 1, 2), "HARSK, Dec. 30", dt.date(2025, 12, 30)),  # last year
        ("HARSK, Jan. 3 - Shelling", dt.date(2026, 1, 2), "HARSK, Jan. 3", dt.date(2025, 1, 3)),  # never after day
        ("HARSK, Feb. 29 - Shelling", dt.date(2026, 3, 1), "HARSK, Feb. 29", dt.date(2024, 2, 29)),
        (
            "Arms deal signed\nGAZA, May 4 (Reuters) - A",
            dt.date(2025, 6, 1),
            "GAZA, May 4 (Reuters)",
            dt.date(2025, 5, 4),
        ),
        ("PARIS (Reuters) - Ministers met", dt.date(2025, 11, 5), "PARIS (Reuters)", None),
        ("Paris (AFP) - Ministers met", dt.date(2025, 11, 5), "Paris (AFP)", None),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_the_dateline_and_its_date(text: str, day: dt.date, dateline: str, date: dt.date | None) -> None:
    found = read_dateline(text, day=day)
    assert found is not None
    assert text[found.start : found.end] == dateline
    assert (found.date.date if found.date else None) == date


@pytest.mark.parametrize(
    "text",
    [
        "Ministers met in Paris on Tuesday - and agreed.",
        "Paris, Nov. 2 - a lower-case place and no agency is no dateline",
        "In a statement (released late) - nothing",
    ],
)
def test_no_dateline(text: str) -> None:
    assert read_dateline(text, day=DAY) is None


def test_a_date_without_a_year_and_no_day_is_unresolved() -> None:
    found = read_dateline("HARSK, Dec. 30 - Shelling")
    assert found is not None and found.date is not None
    assert (found.date.text, found.date.date) == ("Dec. 30", None)


# --------------------------------------------------------------------------- where the date comes from


def test_the_dateline_gives_the_date_when_none_is_given() -> None:
    b = summarize(DATED, engine="rules", day=DAY)
    assert (b.source.article_date, b.source.article_date_source) == (dt.date(2025, 11, 6), "dateline")
    [meeting] = b.meetings
    [incident] = b.incidents
    assert meeting.date is not None and incident.date is not None
    assert (meeting.date.date, incident.date.date) == (dt.date(2025, 11, 4), dt.date(2025, 11, 3))
    assert _no_date_notes(b) == []


def test_a_given_date_wins_over_the_dateline() -> None:
    b = summarize(DATED, engine="rules", date="2025-11-13", day=DAY)
    assert (b.source.article_date, b.source.article_date_source) == (dt.date(2025, 11, 13), "given")
    assert b.meetings[0].date is not None and b.meetings[0].date.date == dt.date(2025, 11, 11)


def test_batches_take_each_article_date_from_its_dateline_or_the_given_one() -> None:
    out = summarize_many([DATED, NO_DATE, NO_DATE], engine="rules", dates=[None, None, "2025-11-13"], day=DAY)
    sources = [(b.source.article_date, b.source.article_date_source) for b in out if isinstance(b, Briefing)]
    assert sources == [(dt.date(2025, 11, 6), "dateline"), (None, None), (dt.date(2025, 11, 13), "given")]


# --------------------------------------------------------------------------- no date known


def test_a_relative_date_without_an_article_date_is_kept_unresolved() -> None:
    b = summarize(NO_DATE, engine="rules")
    assert (b.source.article_date, b.source.article_date_source) == (None, None)
    [meeting] = b.meetings
    [incident] = b.incidents
    assert meeting.date is not None and incident.date is not None
    assert (meeting.date.date, incident.date.date) == (None, None)
    assert [s.text for s in meeting.date.spans] == ["Tuesday"]
    assert [s.text for s in incident.date.spans] == ["Monday"]


def test_no_date_is_said_once_and_unresolved_dates_are_warnings() -> None:
    b = summarize(NO_DATE, engine="rules")
    [note] = _no_date_notes(b)
    assert "2 relative dates are kept with their calendar date unresolved" in note
    assert b.validation is not None
    unresolved = [i for i in b.validation.issues if i.code is IssueCode.DATE_UNRESOLVED]
    assert {i.path for i in unresolved} == {"meetings[0].date", "incidents[0].date"}
    assert {i.severity for i in unresolved} == {Severity.WARNING}
    assert b.validation.errors == ()
    assert not any(d.path.endswith(".date") for d in (b.provenance.dropped if b.provenance else []))


def test_the_validator_warns_on_an_unresolved_date_and_rejects_one_that_is_no_date() -> None:
    b = extract(NO_DATE)
    assert validate(b, NO_DATE).errors == ()
    date = b.meetings[0].date
    assert date is not None
    wrong = date.model_copy(update={"spans": [b.meetings[0].cue.spans[0]]})  # "met": no date expression
    bad = b.model_copy(update={"meetings": [b.meetings[0].model_copy(update={"date": wrong})]})
    [error] = validate(bad, NO_DATE).errors
    assert (error.code, error.path) == (IssueCode.DATE_MISMATCH, "meetings[0].date")


def test_unresolved_dates_are_covered_and_rendered_as_unresolved() -> None:
    b = summarize(NO_DATE, engine="rules")
    assert b.validation is not None and b.validation.coverage is not None
    assert [m.text for m in b.validation.coverage.missing if m.kind == "date"] == []
    text = to_markdown(b)
    assert "on Tuesday (date unresolved)" in text
    assert "on Monday (date unresolved)" in text


def test_scoring_an_unresolved_date_against_a_calendar_date_counts_it_wrong() -> None:
    unresolved, dated = summarize(NO_DATE, engine="rules"), extract(NO_DATE, article_date=dt.date(2025, 11, 6))
    gold = dated.model_copy(update={"source": unresolved.source})
    [date] = [a for a in score_briefing(unresolved, gold).field("incidents").attributes if a.name == "date"]
    assert (date.correct, date.total) == (0, 1)
    [same] = [a for a in score_briefing(unresolved, unresolved).field("incidents").attributes if a.name == "date"]
    assert (same.correct, same.total) == (1, 1)  # two unresolved dates in the same words agree
