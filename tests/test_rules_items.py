"""The rules engine's meetings, front-line positions, incidents and places, on sentences written for the test.

None of these sentences comes from a fixture article: they check that each rule
reads its pattern in new wording. Every briefing must also validate without errors.
"""

from __future__ import annotations

import datetime as dt

import pytest

from summarizer.engines.rules import extract
from summarizer.schema import Briefing, Incident, Mention, Position
from summarizer.validate import validate

DATE = dt.date(2024, 5, 16)  # a Thursday


def _brief(text: str) -> Briefing:
    b = extract(text, article_date=DATE)
    report = validate(b, text)
    assert report.errors == (), [f"{i.path}: {i.code}: {i.message}" for i in report.errors]
    return b


def _v(m: Mention | None) -> str | None:
    return None if m is None else m.value


# --------------------------------------------------------------------------- meetings


def test_an_enumeration_of_countries_that_met_is_one_meeting_with_every_party() -> None:
    b = _brief(
        "The foreign ministers of Chile, Peru, Argentina and Brazil met in Lima on Tuesday to discuss water rights."
    )
    (m,) = b.meetings
    assert [p.name.value for p in m.participants] == ["Chile", "Peru", "Argentina", "Brazil"]
    assert {p.kind.value for p in m.participants} == {"country"}
    assert _v(m.location) == "Lima"
    assert m.date is not None and m.date.date == dt.date(2024, 5, 14)
    assert _v(m.topic) == "discuss water rights"


def test_a_host_and_the_people_who_joined_and_attended() -> None:
    b = _brief(
        "Kenyan President Amina Otieno hosted the talks at State House, where she was joined by Ugandan "
        "Foreign Minister Joseph Okello and Rwandan Foreign Minister Claire Mukamana. UN envoy David Lindqvist "
        "attended as an observer."
    )
    (m,) = b.meetings
    got = [(p.name.value, p.role.value, _v(p.represents), _v(p.title)) for p in m.participants]
    assert got == [
        ("Amina Otieno", "host", "Kenya", "President"),
        ("Joseph Okello", "attendee", "Uganda", "Foreign Minister"),
        ("Claire Mukamana", "attendee", "Rwanda", "Foreign Minister"),
        ("David Lindqvist", "guest", "UN", "envoy"),
    ]


def test_talks_with_an_enumeration_after_the_cue() -> None:
    (m,) = _brief("The president held talks with Turkey, Iran and Russia in Astana on Monday.").meetings
    assert [p.name.value for p in m.participants] == ["Turkey", "Iran", "Russia"]
    assert _v(m.location) == "Astana"


def test_a_body_that_will_discuss_a_subject() -> None:
    (m,) = _brief("The UN Security Council will discuss Sudan on May 20.").meetings
    assert [p.name.value for p in m.participants] == ["UN Security Council"]
    assert _v(m.topic) == "Sudan"


@pytest.mark.parametrize(
    "text",
    [
        "The ministers agreed to meet again in Oslo in September.",  # no named party
        "He spoke at a press conference in Brussels on Tuesday.",  # a press conference is no consultation
        "Officials said the meeting room was empty.",
    ],
    ids=["no-party", "press-conference", "meeting-room"],
)
def test_no_meeting(text: str) -> None:
    assert _brief(text).meetings == []


# --------------------------------------------------------------------------- front lines


def _position(text: str) -> Position:
    b = _brief(text)
    assert len(b.front_lines) == 1, [(p.force.value, p.status.value) for p in b.front_lines]
    return b.front_lines[0]


def test_advanced_to_within_a_distance_of_an_objective() -> None:
    p = _position("Rebel fighters advanced to within two to three kilometres of Al-Qaim on Thursday.")
    assert (p.force.value, p.status.value, _v(p.objective)) == ("Rebel fighters", "advancing", "Al-Qaim")
    assert p.distance is not None and (p.distance.low, p.distance.high, p.distance.unit) == (2, 3, "km")
    assert p.as_of is not None and p.as_of.date == DATE


def test_captured_a_town() -> None:
    p = _position("In the north, government troops captured the town of Kafr Nabl on May 12.")
    assert (p.force.value, p.status.value, _v(p.location)) == ("government troops", "captured", "Kafr Nabl")


def test_withdrew_from_a_village() -> None:
    p = _position("Insurgent units withdrew from the village of Tal Hamis after three days of fighting.")
    assert (p.status.value, _v(p.location)) == ("withdrawn", "Tal Hamis")


def test_holding_positions_at_a_distance_and_direction() -> None:
    p = _position("Marines held their positions about 4 km north of Sirte for a second week.")
    assert (p.force.value, p.status.value, _v(p.objective), _v(p.direction)) == ("Marines", "holding", "Sirte", "north")


def test_a_force_reported_by_its_own_side() -> None:
    p = _position("The army said it had taken the southern bridge at Deir Hafer.")
    assert (p.force.value, p.status.value, _v(p.claimed_by)) == ("army", "captured", "army")


def test_a_claimed_advance_toward_a_town() -> None:
    p = _position("The Desert Hawks militia claimed to have advanced ten miles along the road toward Palmyra.")
    assert p.status.value == "advancing" and _v(p.objective) == "Palmyra"
    assert p.distance is not None and p.distance.best == 10 and p.distance.unit == "mi"
    assert _v(p.claimed_by) == "Desert Hawks militia"


@pytest.mark.parametrize(
    "text",
    [
        "Prices advanced to within 2 km of the record.",  # no force
        "The team captured the title in Madrid.",  # no force
        "Negotiators made gains on the economic front.",  # not a force
    ],
    ids=["no-force", "sports", "not-a-force"],
)
def test_no_position(text: str) -> None:
    assert _brief(text).front_lines == []


# --------------------------------------------------------------------------- incidents


def _incident(text: str) -> Incident:
    b = _brief(text)
    assert len(b.incidents) == 1, [(i.sub_type.value, _v(i.location)) for i in b.incidents]
    return b.incidents[0]


def test_an_air_strike_with_place_date_and_casualties() -> None:
    i = _incident("An air strike on a bakery in Maarat killed at least nine people on Monday and wounded 25 others.")
    assert (i.event_type.value, i.sub_type.value, _v(i.location)) == (
        "explosions_remote_violence",
        "air_strike",
        "Maarat",
    )
    assert i.date is not None and i.date.date == dt.date(2024, 5, 13)
    assert i.fatalities is not None and (i.fatalities.low, i.fatalities.qualifier.value) == (9, "at_least")
    assert i.injured is not None and i.injured.best == 25


def test_a_count_of_attacks_and_who_reported_them() -> None:
    i = _incident("Militants carried out three suicide bomb attacks in Baidoa on May 14, Reuters reported.")
    assert i.sub_type.value == "suicide_bomb" and i.count is not None and i.count.best == 3
    assert _v(i.reported_by) == "Reuters"


def test_a_leading_date_and_a_roadside_bomb() -> None:
    i = _incident("On Tuesday, a roadside bomb struck a bus near Tell Abyad, killing four passengers.")
    assert (i.sub_type.value, _v(i.location)) == ("remote_explosive", "Tell Abyad")
    assert i.date is not None and i.date.date == dt.date(2024, 5, 14)
    assert i.fatalities is not None and i.fatalities.best == 4


def test_a_clash_between_two_sides() -> None:
    i = _incident("Army troops and rebel fighters clashed on Wednesday near the Bab al-Hawa crossing.")
    assert i.sub_type.value == "armed_clash"
    assert [a.value for a in i.actors] == ["Army troops", "rebel fighters"]
    assert _v(i.location) == "Bab al-Hawa crossing"


def test_displacement_counts_the_people_affected() -> None:
    i = _incident("More than 3,000 families have fled Jandaris since the weekend, aid groups said.")
    assert i.sub_type.value == "displacement" and _v(i.location) == "Jandaris"
    assert i.affected is not None and (i.affected.low, i.affected.unit) == (3000, "families")


def test_a_capture_is_coded_by_who_took_the_ground() -> None:
    gov = _incident("Government forces recaptured the town of Ras Kamboni on May 10.")
    assert gov.sub_type.value == "government_regains_territory"
    rebels = _incident("Rebel fighters seized the town of Dolo on May 10.")
    assert rebels.sub_type.value == "non_state_actor_overtakes_territory"


def test_a_later_generic_attack_adds_to_the_incident_it_refers_to() -> None:
    b = _brief(
        "Rebel shelling of Aleppo went on all week. The deadliest attack, on May 12, killed 11 civilians in the "
        "Salaheddine district."
    )
    (i,) = b.incidents
    assert (i.sub_type.value, _v(i.location)) == ("shelling", "Salaheddine district")
    assert i.fatalities is not None and i.fatalities.best == 11


@pytest.mark.parametrize(
    "text",
    [
        "Officers were trained in defusing improvised explosive devices.",
        "Analysts warned of the risk of air strikes.",
        "The clashes of the past have left scars.",  # no place, no date
    ],
    ids=["training", "risk", "no-anchor"],
)
def test_no_incident(text: str) -> None:
    assert _brief(text).incidents == []


# --------------------------------------------------------------------------- places


def test_places_and_their_kinds() -> None:
    b = _brief(
        "MOGADISHU, May 16 — Fighting spread from Kismayo to the town of Jamame and into Lower Juba province. "
        "Kenya and Ethiopia sent envoys."
    )
    assert b.source.dateline is not None and b.source.dateline.value == "MOGADISHU, May 16"
    kinds = {loc.name.value: loc.kind.value for loc in b.locations}
    assert kinds == {"Jamame": "town", "Lower Juba province": "region"}


def test_countries_are_places_only_where_the_text_places_something() -> None:
    b = _brief("Troops were deployed in Mali. Mali and Niger signed the accord.")
    assert [loc.name.value for loc in b.locations] == ["Mali"]
    assert len(b.locations[0].name.spans) == 1
