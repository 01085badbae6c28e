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


# --------------------------------------------------------------------------- incidents that are none


def test_no_strike_any_strike_and_feared_shelling_are_no_incidents() -> None:
    for text in (
        "The army said it had carried out no air strikes near Korvale on Monday.",
        'The minister warned that "any air strike on Tervanik will be answered" and said talks would go on.',
        "Residents of Qarvassi fear more shelling after the army moved artillery to the hills on Monday.",
        "Aid agencies warned of possible attacks on the camp at Marvok on Tuesday.",
    ):
        assert _brief(text).incidents == [], text


def test_a_called_off_or_planned_march_is_no_protest() -> None:
    for text in (
        "Organisers called off a march planned for Sunday in Tervanik after police banned it.",
        "Police in Korvale on Monday banned a rally that unions had called against the fuel tax.",
        "A march planned for Sunday in Qarvassi will go ahead, the organisers said on Monday.",
    ):
        assert [i for i in _brief(text).incidents if i.sub_type.value == "protest"] == [], text


def test_no_one_detained_is_no_figure() -> None:
    b = _brief("Police said the protest in Korvale on Saturday was peaceful and no one was detained.")
    (i,) = b.incidents
    assert i.sub_type.value == "protest"
    assert i.affected is None


def test_the_march_after_a_march_is_the_same_protest() -> None:
    text = (
        "Thousands of people marched through Korvale on Sunday against a rise in fuel prices.\n\n"
        "The march set off from Liberty Square at noon and ended outside parliament.\n\n"
        "On Monday, a second protest in Tervanik drew about 500 people.\n"
    )
    b = _brief(text)
    protests = [i for i in b.incidents if i.sub_type.value == "protest"]
    assert [_v(i.location) for i in protests] == ["Korvale", "Tervanik"]


def test_labour_strikes_diplomatic_protests_and_shows_of_force_are_no_incidents() -> None:
    for text in (
        "Dockworkers in Korvale launched strikes on Monday over pay, halting traffic at the port.",
        "The foreign ministry in Korvale lodged a formal protest with the ambassador on Monday.",
        "Two judges in Tervanik resigned in protest on Tuesday at the new security law.",
        "The army staged a demonstration of force near Tervanik on Monday, parading 40 tanks.",
        "Ambassador Lena Ortiz said in Korvale on Monday that the shelling of civilian areas must stop.",
        "The bishop of Marvok on Sunday called for an end to the shelling of the old town.",
    ):
        assert _brief(text).incidents == [], text


def test_a_clash_needs_an_armed_side() -> None:
    for text in (
        "The two ministers clashed over the budget at a cabinet meeting in Korvale on Tuesday.",
        "Opposition deputies clashed with the speaker in parliament in Tervanik on Monday.",
    ):
        assert _brief(text).incidents == [], text
    (i,) = _brief("Rebels clashed with troops near Qarvassi on Monday, a monitor said.").incidents
    assert i.sub_type.value == "armed_clash"
    assert _v(i.location) == "Qarvassi"


def test_fighters_expelled_from_villages_are_not_people_displaced() -> None:
    b = _brief("The ministry said its forces had expelled the fighters from two villages near Marvok on Monday.")
    assert [i for i in b.incidents if i.sub_type.value == "displacement"] == []
    b = _brief("Troops expelled some 300 families from the village of Tervanik on Monday, residents said.")
    (i,) = b.incidents
    assert i.sub_type.value == "displacement"
    assert i.affected is not None and i.affected.best == 300


def test_a_generic_attack_is_the_typed_event_of_its_sentence() -> None:
    b = _brief(
        "Rebel shelling hit Tervanik on Sunday, killing four people.\n\n"
        "In a separate attack on Monday, shelling killed two soldiers near Marvok, the army said.\n"
    )
    assert [(i.sub_type.value, _v(i.location)) for i in b.incidents] == [
        ("shelling", "Tervanik"),
        ("shelling", "Marvok"),
    ]
    assert b.incidents[1].fatalities is not None and b.incidents[1].fatalities.best == 2


def test_the_headline_incident_is_the_one_the_lead_tells() -> None:
    text = (
        "Air strike kills 12 in Korvale market\n\n"
        "KORVALE, Feb. 6 (Meridian Wire) - An air strike on a market in Korvale killed at least 12 people on "
        "Monday, a doctor said.\n\n"
        "The strike also destroyed 40 stalls, traders said.\n"
    )
    b = _brief(text)
    (i,) = b.incidents
    assert i.cue.spans[0].start is not None and i.cue.spans[0].start > text.index("KORVALE")
    assert _v(i.location) == "Korvale"
    assert i.date is not None and i.date.date == dt.date(2025, 2, 3)


def test_a_count_in_a_clause_about_another_event_is_not_the_incident_s() -> None:
    b = _brief("An air strike hit Korvale on Monday, and 12 people died in a road accident near Tervanik the same day.")
    (i,) = b.incidents
    assert i.fatalities is None


def test_arrests_after_a_sentence_about_another_day_are_not_the_first_protest_s() -> None:
    b = _brief(
        "Protesters marched through Korvale on Sunday. On Monday, a smaller group gathered outside parliament "
        "in Korvale, and police arrested 12 people."
    )
    first = b.incidents[0]
    assert first.sub_type.value == "protest"
    assert first.affected is None


def test_an_incident_retold_in_a_quote_is_the_one_reported() -> None:
    text = (
        "Shelling hit the market in Tervanik on Monday, killing three people, residents said.\n\n"
        "\u201cThey shelled the market again and again,\u201d said shopkeeper Amal Haddad, 42, in Tervanik.\n\n"
        "\u201cThe air strike on Marvok on Sunday destroyed my house,\u201d said farmer Omar Zaki.\n"
    )
    b = _brief(text)
    assert [(i.sub_type.value, _v(i.location)) for i in b.incidents] == [
        ("shelling", "Tervanik"),
        ("air_strike", "Marvok"),  # told only in a quote: kept
    ]


# --------------------------------------------------------------------------- positions that are none


def test_a_move_that_may_come_or_did_not_happen_is_no_position() -> None:
    for text in (
        "Commanders said the army could reach the outskirts of Tervanik within days.",
        "Officials said troops were expected to reach the outskirts of Korvale on Tuesday.",
        "The army has not retaken Qarvassi, despite claims on state television.",
    ):
        assert _brief(text).front_lines == [], text
    (p,) = _brief("The militia claimed to have advanced five miles along the highway toward Marvok.").front_lines
    assert p.status.value == "advancing"
    assert _v(p.objective) == "Marvok"


def test_an_area_named_without_its_noun_is_the_area() -> None:
    b = _brief(
        "Violence spread across Qarvassi on Monday.\n\n"
        "Shelling hit two villages in Qarvassi province on Monday, killing four people, officials said.\n"
    )
    assert _kinds(b) == {"Qarvassi province": "region"}
    (loc,) = b.locations
    assert [s.text for s in loc.name.spans] == ["Qarvassi", "Qarvassi province"]


def test_a_city_and_its_province_stay_two_places() -> None:
    b = _brief("Suicide bombers struck in Kirkuk on Monday, and families fled Kirkuk province, officials said.")
    kinds = _kinds(b)
    assert kinds["Kirkuk"] == "city"
    assert kinds["Kirkuk province"] == "region"


def test_a_force_retelling_its_move_in_a_quote_is_one_position() -> None:
    text = (
        "Army commandos retook areas close to the northern outskirts of Korvale on Monday.\n\n"
        "\u201cWe have advanced to within three kilometers of Korvale,\u201d their commander, "
        "Col. Amin Saleh, told reporters.\n"
    )
    b = _brief(text)
    (p,) = b.front_lines
    assert p.status.value == "advancing"
    assert _v(p.objective) == "Korvale"
    assert p.distance is not None and p.distance.best == 3


def test_a_later_mention_of_the_day_s_incident_without_a_place_is_that_incident() -> None:
    text = (
        "Rebel shelling hit the town of Tervanik on Sunday, killing four people, residents said.\n\n"
        "The shelling on Sunday also wounded at least 11 people, the local hospital said on Monday.\n"
    )
    b = _brief(text)
    (i,) = b.incidents
    assert _v(i.location) == "Tervanik"
    assert i.injured is not None and i.injured.low == 11


def test_the_toll_of_an_earlier_attack_in_a_relative_clause_is_not_the_incident_s() -> None:
    b = _brief("Shelling struck Tervanik on Monday, a town where 12 people were killed in a similar attack last year.")
    (i,) = b.incidents
    assert i.fatalities is None
