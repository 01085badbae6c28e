"""The coverage audit: quotations, casualty figures and dates of the source that a briefing leaves out."""

from __future__ import annotations

import datetime as dt

import pytest

from summarizer.coverage import audit
from summarizer.engines.rules import extract
from summarizer.errors import InputError
from summarizer.evals import load_fixtures
from summarizer.schema import Briefing, Coverage, Mention, Quote, SourceInfo, Span

TEXT = (
    "An air strike killed at least 14 people in Kafr Dalal on Tuesday, officials said.\n\n"
    "“The market was full,” said Leila Mansour, a nurse.\n\n"
    "Troops advanced to within 5 km of the town in 2023, a “victory” for the army."
)


def _empty(text: str) -> Briefing:
    import hashlib

    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Briefing(source=SourceInfo(sha256=digest, length=len(text)))


def _kinds(c: Coverage) -> list[tuple[str, str]]:
    return [(m.kind, m.text) for m in c.missing]


def test_an_empty_briefing_misses_every_quote_figure_and_date() -> None:
    c = audit(_empty(TEXT), TEXT)
    assert _kinds(c) == [
        ("figure", "at least 14"),
        ("date", "Tuesday"),
        ("quote", "The market was full,"),
        ("date", "in 2023"),
    ]
    assert (c.found, c.covered) == (4, 0)
    for m in c.missing:
        assert TEXT[m.start : m.end] == m.text


def test_distances_years_and_the_day_of_a_date_are_not_casualty_figures() -> None:
    text = "Shells hit the town on Oct. 25, 2016, and troops were killed 5 km away."
    assert [m.kind for m in audit(_empty(text), text).missing] == ["date"]


def test_a_quote_covering_the_quotation_covers_it() -> None:
    b = _empty(TEXT)
    a = TEXT.index("The market")
    quote = Quote(
        text=Mention(
            value="The market was full", spans=[Span(start=a, end=a + 19, text=TEXT[a : a + 19], status="exact")]
        ),
        speaker=Mention(value="Leila Mansour", spans=[Span.unlocated("Leila Mansour")]),
    )
    c = audit(b.model_copy(update={"quotes": [quote]}), TEXT)
    assert "quote" not in [m.kind for m in c.missing]
    assert c.covered == 1


def test_the_rules_briefing_covers_what_it_extracts() -> None:
    b = extract(TEXT, article_date=dt.date(2024, 5, 24))
    c = audit(b, TEXT)
    assert "quote" not in [m.kind for m in c.missing]
    # the scare-quoted "victory" has no speech verb in its sentence and is under three words: not counted
    assert all(m.text != "victory" for m in c.missing)


def test_a_short_quotation_in_a_sentence_with_a_speech_verb_counts() -> None:
    text = "He also appealed for “vigilance” in the city, Francois Hollande said on Tuesday."
    c = audit(_empty(text), text)
    assert ("quote", "vigilance") in _kinds(c)


@pytest.mark.parametrize("fixture", load_fixtures(), ids=lambda f: f.id)
def test_gold_briefings_cover_most_of_their_article(fixture: object) -> None:
    from summarizer.evals import Fixture

    assert isinstance(fixture, Fixture) and fixture.gold is not None
    c = audit(fixture.gold, fixture.text)
    assert c.found >= 1
    assert c.rate >= 0.5, _kinds(c)
    for m in c.missing:
        assert fixture.text[m.start : m.end] == m.text


def test_wrong_types_are_clear_errors() -> None:
    with pytest.raises(InputError, match="Briefing"):
        audit("not a briefing", TEXT)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="str"):
        audit(_empty(TEXT), b"bytes")  # type: ignore[arg-type]
