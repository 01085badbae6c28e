"""The rules engine on wire copy written for the test (issue 8): place kinds from the gazetteer, the direction
a force comes from, and the precision of incidents, positions and places (figures that are no casualties,
incidents reported in quotes, protests that are no riots, counts in other clauses, places that are actors).

None of these sentences comes from a fixture article; every briefing must validate without errors.
"""

from __future__ import annotations

import datetime as dt

from summarizer.engines.rules import extract
from summarizer.schema import Briefing, Mention
from summarizer.validate import validate

DATE = dt.date(2025, 2, 6)  # a Thursday


def _brief(text: str) -> Briefing:
    b = extract(text, article_date=DATE)
    report = validate(b, text)
    assert report.errors == (), [f"{i.path}: {i.code}: {i.message}" for i in report.errors]
    return b


def _v(m: Mention | None) -> str | None:
    return None if m is None else m.value


def _kinds(b: Briefing) -> dict[str, str]:
    return {loc.name.value: loc.kind.value for loc in b.locations}


# --------------------------------------------------------------------------- place kinds


def test_well_known_places_named_without_a_kind_are_typed_by_the_gazetteer() -> None:
    b = _brief(
        "Energy ministers met in Vienna on Tuesday. Talks will continue in Lisbon next month, and "
        "a third round is planned in Peru."
    )
    kinds = _kinds(b)
    assert kinds["Vienna"] == "city"
    assert kinds["Lisbon"] == "city"
    assert kinds["Peru"] == "country"


def test_the_context_kind_wins_over_the_gazetteer() -> None:
    b = _brief(
        "Fighting was reported in Victoria on Monday. Aid workers reached the town of Victoria on Tuesday "
        "and found the market destroyed."
    )
    assert _kinds(b)["Victoria"] == "town"  # GeoNames knows a city of that name; the text says a town


def test_invented_places_keep_the_kind_their_context_gives_or_other() -> None:
    b = _brief(
        "Shelling hit the village of Qarvassi on Monday, and residents fled to Tervanik, officials said on Tuesday."
    )
    kinds = _kinds(b)
    assert kinds["Qarvassi"] == "town"  # the schema has no village: a town
    assert kinds.get("Tervanik", "other") == "other"
