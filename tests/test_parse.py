"""Numbers, dates and names read out of spans."""

from __future__ import annotations

import datetime as dt

import pytest

from summarizer.parse import name_supported, parse_dates, parse_quantities

REF = dt.date(2016, 10, 26)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "low", "high", "best", "qualifier", "unit"),
    [
        ("within five or six kilometer of Mosul", 5, 6, None, "range", "km"),
        ("two to three days", 2, 3, None, "range", None),
        ("between 5 and 6 km", 5, 6, None, "range", "km"),
        ("5-6 miles", 5, 6, None, "range", "mi"),
        ("at least 14 killed", 14, None, None, "at_least", None),
        ("more than 300 people", 300, None, None, "more_than", None),
        ("up to 40 fighters", None, 40, None, "at_most", None),
        ("about 1,200 people", None, None, 1200, "approximate", None),
        ("hundreds of families", 100, None, None, "vague", None),
        ("dozens of wounded", 12, None, None, "vague", None),
        ("tens of thousands fled", 10000, None, None, "vague", None),
        ("four simultaneous attacks", 4, 4, 4, "exact", None),
        ("twenty-five soldiers", 25, 25, 25, "exact", None),
        ("one hundred and twenty", 120, 120, 120, "exact", None),
        ("2.5 million people", 2_500_000, 2_500_000, 2_500_000, "exact", None),
        ("a dozen trucks", 12, 12, 12, "exact", None),
    ],
)
def test_quantities(text: str, low: float, high: float, best: float, qualifier: str, unit: str | None) -> None:
    [q] = parse_quantities(text)
    assert (q.low, q.high, q.best, q.qualifier, q.unit) == (low, high, best, qualifier, unit)


def test_ordinals_and_articles_are_not_quantities() -> None:
    assert parse_quantities("for a third day in a remote town") == []


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("on Oct. 25", dt.date(2016, 10, 25), "day"),
        ("October 25, 2016", dt.date(2016, 10, 25), "day"),
        ("25 October", dt.date(2016, 10, 25), "day"),
        ("2016-10-21", dt.date(2016, 10, 21), "day"),
        ("on Tuesday", dt.date(2016, 10, 25), "day"),
        ("last Wednesday", dt.date(2016, 10, 19), "day"),
        ("next Monday", dt.date(2016, 10, 31), "day"),
        ("yesterday", dt.date(2016, 10, 25), "day"),
        ("in October", dt.date(2016, 10, 1), "month"),
        ("March 2015", dt.date(2015, 3, 1), "month"),
        ("since 2014", dt.date(2014, 1, 1), "year"),
        ("on Dec. 30", dt.date(2016, 12, 30), "day"),
    ],
)
def test_dates_resolve_against_the_article_date(text: str, expected: dt.date, precision: str) -> None:
    [d] = parse_dates(text, REF)
    assert (d.date, d.precision) == (expected, precision)


def test_year_is_the_nearest_to_the_article_date() -> None:
    [d] = parse_dates("on Jan. 3", dt.date(2016, 12, 28))
    assert d.date == dt.date(2017, 1, 3)


def test_relative_dates_without_article_date_are_unresolved() -> None:
    [d] = parse_dates("on Tuesday", None)
    assert d.date is None
    [d2] = parse_dates("Oct. 25", None)
    assert (d2.date.month, d2.date.day, d2.year_stated) == (10, 25, False)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("value", "span", "ok"),
    [
        ("United States", "the U.S.-led coalition", True),
        ("US", "the United States, Germany", True),
        ("United Kingdom", "the U.K., Italy", True),
        ("Francois Hollande", "Hollande said", True),
        ("François Hollande", "French President Francois Hollande", True),
        ("Iraq", "Iraqi forces", True),
        ("ISIL", "a Daesh [ISIL] convoy", True),
        ("Islamic State", "a Daesh convoy", True),
        ("Mosul", "the battle for Basra", False),
        ("United States", "told us to assume", False),
        ("Francois Hollande", "Jens Stoltenberg said", False),
    ],
)
def test_names_and_aliases(value: str, span: str, ok: bool) -> None:
    assert name_supported(value, span) is ok
