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


# --------------------------------------------------------------------------- directions


def test_advancing_from_the_south_is_the_direction_they_come_from() -> None:
    b = _brief(
        "Government troops advancing from the south have yet to reach the outskirts of Korvale, "
        "a military spokesman said on Tuesday."
    )
    (p,) = b.front_lines
    assert p.status.value == "advancing"
    assert _v(p.direction) == "from the south"
    assert _v(p.objective) == "Korvale"


def test_from_the_west_toward_a_town_keeps_both_the_side_and_the_objective() -> None:
    b = _brief("The 3rd Brigade was pushing from the west toward Qarvassi on Wednesday, the army said.")
    (p,) = b.front_lines
    assert _v(p.direction) == "from the west"
    assert _v(p.objective) == "Qarvassi"


def test_pushing_north_from_a_town_is_heading_north_from_it() -> None:
    b = _brief("Rebel units were pushing north from Tervanik toward the town of Qarvassi on Monday, residents said.")
    (p,) = b.front_lines
    assert p.status.value == "advancing"
    assert _v(p.direction) == "north"
    assert _v(p.location) == "Tervanik"
    assert _v(p.objective) == "Qarvassi"
