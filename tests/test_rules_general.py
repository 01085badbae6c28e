"""General rules of the offline engine, table-driven, on sentences written for these tests.

The sentences use invented or well-known places and new wording; none comes from a
fixture article. They cover meetings without an enumeration of parties (hosts,
mediators, observers, delegations named by a demonym), protests, riots, arrests,
evictions, abductions and drone strikes, what is not a figure of an event (residents,
population), front-line withdrawals, captures, holdings and distances, and what is
never a place. Every briefing must validate without errors.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from summarizer.engines.rules import extract
from summarizer.engines.rules.incident_cues import CUES
from summarizer.engines.rules.positions import RULES
from summarizer.schema import Briefing, Incident, Meeting, Mention, Position, Quantity
from summarizer.validate import validate

DATE = dt.date(2024, 5, 16)  # a Thursday
MON, TUE, WED, FRI, SAT, SUN = (dt.date(2024, 5, d) for d in (13, 14, 15, 10, 11, 12))


def _brief(text: str) -> Briefing:
    b = extract(text, article_date=DATE)
    report = validate(b, text)
    assert report.errors == (), [f"{i.path}: {i.code}: {i.message}" for i in report.errors]
    return b


def _v(m: Mention | None) -> str | None:
    return None if m is None else m.value


def _q(q: Quantity | None) -> tuple[float | None, float | None, str] | None:
    return None if q is None else (q.low, q.high, q.spans[0].text)


# --------------------------------------------------------------------------- meetings

_MEETINGS = [
    (
        "invitation",
        "The two delegations met in Geneva on Tuesday at the invitation of Switzerland.",
        [("Switzerland", "host")],
        "Geneva",
        TUE,
    ),
    (
        "hosted-talks-between",
        "Qatar hosted talks between Ethiopia and Eritrea in Doha on Monday.",
        [("Qatar", "host"), ("Ethiopia", "attendee"), ("Eritrea", "attendee")],
        "Doha",
        MON,
    ),
    (
        "envoys-sat-down",
        "Envoys from Armenia and Azerbaijan sat down in Vienna on Wednesday for the first time in a year.",
        [("Armenia", "attendee"), ("Azerbaijan", "attendee")],
        "Vienna",
        WED,
    ),
    (
        "mediation-round-brokered",
        "A mediation round in Nairobi, brokered by Kenya, ended without agreement on Monday.",
        [("Kenya", "mediator")],
        "Nairobi",
        MON,
    ),
    (
        "talks-mediated-by",
        "Ceasefire talks in Cairo, mediated by Egypt and Qatar, resumed on Sunday.",
        [("Egypt", "mediator"), ("Qatar", "mediator")],
        "Cairo",
        SUN,
    ),
    (
        "auspices-and-observer",
        "Negotiations between Serbia and Croatia resumed in Brussels on Tuesday under the auspices of the "
        "European Union. The African Union attended as an observer.",
        [("Serbia", "attendee"), ("Croatia", "attendee"), ("European Union", "mediator"), ("African Union", "guest")],
        "Brussels",
        TUE,
    ),
    (
        "which-hosted",
        "Norway, which hosted the negotiations in Oslo on Monday, said both sides had agreed to meet again.",
        [("Norway", "host")],
        "Oslo",
        MON,
    ),
    (
        "held-talks-acting-as-mediator",
        "Delegations from Sudan and South Sudan held talks in Addis Ababa on Friday, with the African Union "
        "acting as mediator.",
        [("Sudan", "attendee"), ("South Sudan", "attendee"), ("African Union", "mediator")],
        "Addis Ababa",
        FRI,
    ),
    (
        "hosted-by-brought-together-observers",
        "The talks, hosted by Ghana in Accra on Thursday, brought together Mali and Niger. Representatives of the "
        "UN and the EU attended as observers.",
        [("Ghana", "host"), ("Mali", "attendee"), ("Niger", "attendee"), ("UN", "guest"), ("EU", "guest")],
        "Accra",
        DATE,
    ),
    (
        "the-talks-in-the-next-sentence",
        "Qatar hosted talks between Ethiopia and Eritrea in Doha on Monday. The talks were chaired by Kenyan "
        "President Amina Otieno.",
        [("Qatar", "host"), ("Ethiopia", "attendee"), ("Eritrea", "attendee"), ("Amina Otieno", "chair")],
        "Doha",
        MON,
    ),
    (
        "demonym-delegations",
        "Armenian and Azerbaijani envoys met in Vienna on Wednesday, with Omani mediators in the room.",
        [("Armenia", "attendee"), ("Azerbaijan", "attendee"), ("Oman", "mediator")],
        "Vienna",
        WED,
    ),
    (
        "leading-place-and-delegations-of",
        "In Geneva, Swiss diplomats hosted the delegations of Chile and Peru on Friday.",
        [("Switzerland", "host"), ("Chile", "attendee"), ("Peru", "attendee")],
        "Geneva",
        FRI,
    ),
    (
        "demonym-mediated",
        "The Qatari-mediated talks between Ethiopia and Eritrea resumed in Doha on Monday.",
        [("Ethiopia", "attendee"), ("Eritrea", "attendee"), ("Qatar", "mediator")],
        "Doha",
        MON,
    ),
    (
        "leading-date-and-an-organisation-of",
        "On Tuesday, negotiators from Chile and Peru met in Lima under the auspices of the Organization of "
        "American States.",
        [("Chile", "attendee"), ("Peru", "attendee"), ("Organization of American States", "mediator")],
        "Lima",
        TUE,
    ),
    (
        "hosted-his-counterpart",
        "Turkey's foreign minister hosted his Iranian counterpart in Ankara on Monday.",
        [("Turkey", "host"), ("Iran", "attendee")],
        "Ankara",
        MON,
    ),
    (
        "observers-from",
        "Observers from the UN and the African Union followed the talks in Geneva on Tuesday.",
        [("UN", "guest"), ("African Union", "guest")],
        "Geneva",
        TUE,
    ),
    (
        "the-host-in-the-next-sentence",
        "The talks in Doha were attended by Ethiopia and Eritrea. The host, Qatar, said progress was made.",
        [("Ethiopia", "attendee"), ("Eritrea", "attendee"), ("Qatar", "host")],
        "Doha",
        None,
    ),
    (
        "host-country",
        "Host country Norway opened the negotiations in Oslo on Monday.",
        [("Norway", "host")],
        "Oslo",
        MON,
    ),
    (
        "mediators-from",
        "Mediators from Egypt and Qatar met the two delegations in Cairo on Sunday.",
        [("Egypt", "mediator"), ("Qatar", "mediator")],
        "Cairo",
        SUN,
    ),
    (
        "mediated-by-an-envoy",
        "Rebel and government delegations met in Geneva on Tuesday in talks mediated by UN envoy David Lindqvist.",
        [("David Lindqvist", "mediator")],
        "Geneva",
        TUE,
    ),
    (
        "a-person-of-a-country",
        "President Amina Otieno of Kenya met her Ugandan counterpart in Kampala on Friday.",
        [("Amina Otieno", "attendee"), ("Uganda", "attendee")],
        "Kampala",
        FRI,
    ),
    (
        "delegations-of-countries-the-gazetteer-does-not-know",
        "Delegations from the government of Varnia and the Northern Alliance met in Geneva on Tuesday.",
        [("Varnia", "attendee"), ("Northern Alliance", "attendee")],
        "Geneva",
        TUE,
    ),
    (
        "talks-between-unknown-names",
        "Talks between Daravan and Varesh resumed in Vienna on Monday.",
        [("Daravan", "attendee"), ("Varesh", "attendee")],
        "Vienna",
        MON,
    ),
    (
        "chaired-the-sessions",
        "Envoys from Chile and Peru met in Lima on Tuesday. UN envoy David Lindqvist chaired the sessions.",
        [("Chile", "attendee"), ("Peru", "attendee"), ("David Lindqvist", "chair")],
        "Lima",
        TUE,
    ),
    (
        "a-title-that-says-the-role",
        "UN mediator Jane Doe opened the talks in Vienna on Monday.",
        [("Jane Doe", "mediator")],
        "Vienna",
        MON,
    ),
    (
        "a-delegation-from-one-country",
        "A delegation from Kenya met Ugandan officials in Kampala on Friday.",
        [("Kenya", "attendee"), ("Uganda", "attendee")],
        "Kampala",
        FRI,
    ),
    (
        "an-armed-group-at-the-table",
        "Talks between Colombia and the Taliban resumed in Doha on Monday.",
        [("Colombia", "attendee"), ("Taliban", "attendee")],
        "Doha",
        MON,
    ),
    (
        "under-demonym-auspices",
        "The talks were held in Geneva on Tuesday under Swiss auspices.",
        [("Switzerland", "mediator")],
        "Geneva",
        TUE,
    ),
    (
        "present-as-observers",
        "Delegations from Chad and Niger met in Niamey on Monday. Representatives of the African Union and the Arab "
        "League were present as observers.",
        [("Chad", "attendee"), ("Niger", "attendee"), ("African Union", "guest"), ("Arab League", "guest")],
        "Niamey",
        MON,
    ),
    (
        "with-observers",
        "Talks between Chad and Niger opened in Niamey on Monday, with the UN and the EU as observers.",
        [("Chad", "attendee"), ("Niger", "attendee"), ("UN", "guest"), ("EU", "guest")],
        "Niamey",
        MON,
    ),
    (
        "attended-by",
        "The summit in the Peruvian city of Cusco was attended by Chile and Bolivia. Brazil attended as an observer.",
        [("Chile", "attendee"), ("Bolivia", "attendee"), ("Brazil", "guest")],
        "Cusco",
        None,
    ),
]


@pytest.mark.parametrize(
    ("text", "parties", "place", "date"), [c[1:] for c in _MEETINGS], ids=[c[0] for c in _MEETINGS]
)
def test_a_meeting_with_its_parties_and_their_roles(
    text: str, parties: list[tuple[str, str]], place: str, date: dt.date | None
) -> None:
    meetings = _brief(text).meetings
    assert len(meetings) == 1, [[p.name.value for p in m.participants] for m in meetings]
    m: Meeting = meetings[0]
    assert [(p.name.value, p.role.value) for p in m.participants] == parties
    assert _v(m.location) == place
    assert (m.date.date if m.date else None) == date


def test_a_person_of_a_country_represents_it() -> None:
    (m,) = _brief("President Amina Otieno of Kenya met her Ugandan counterpart in Kampala on Friday.").meetings
    assert [(_v(p.title), _v(p.represents)) for p in m.participants] == [("President", "Kenya"), (None, None)]


def test_a_delegation_named_by_a_demonym_is_its_country_with_the_demonym_as_span() -> None:
    (m,) = _brief("Kenyan and Iranian negotiators met in Geneva on Monday.").meetings
    assert [(p.name.value, p.name.spans[0].text, p.kind.value) for p in m.participants] == [
        ("Kenya", "Kenyan", "country"),
        ("Iran", "Iranian", "country"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "A ceasefire mediated by Egypt took effect on Monday.",  # a role phrase without a meeting cue
        "Turkish officials said the talks would resume in Geneva.",  # officials who speak are no party
        "Japan hosted the Olympics in Tokyo in 2021.",  # a host of something that is no meeting
        "France attended the funeral.",
        "The two sides met in Geneva on Tuesday.",  # nobody named
        "Residents of Tarsa and Kapra met in Geneva on Tuesday.",  # unknown names where no party must stand
        "The defense ministers met in Paris to review the offensive against ISIL.",  # a topic, not a party
    ],
    ids=["no-cue", "officials-said", "hosted-games", "funeral", "nobody-named", "residents-of-places", "topic"],
)
def test_no_meeting_without_a_grounded_party(text: str) -> None:
    assert _brief(text).meetings == []


# --------------------------------------------------------------------------- incidents

_INCIDENTS = [
    # id, text, (event type, sub-type, place, date), figures {field: (low, high, span)}
    (
        "rioters-set-fire-and-looted",
        "Rioters set fire to a police station and looted shops in the market town of Bandar on Friday night.",
        ("riots", "riot", "Bandar", FRI),
        {},
    ),
    (
        "youths-clashed-with-police",
        "Hundreds of youths clashed with police in Teloma on Saturday, throwing stones and burning tyres.",
        ("riots", "riot", "Teloma", SAT),
        {"count": (100, None, "Hundreds of youths")},
    ),
    (
        "tens-of-thousands-marched",
        "Tens of thousands marched through the capital, Velora, on Sunday to demand early elections.",
        ("protests", "protest", "Velora", SUN),
        {"count": (10_000, None, "Tens of thousands")},
    ),
    (
        "a-crowd-of-some",
        "A crowd of some 5,000 gathered outside parliament in Rasova on Monday, chanting slogans against the "
        "government.",
        ("protests", "protest", "Rasova", MON),
        {"count": (None, None, "some 5,000")},
    ),
    (
        "arrested-at-a-protest",
        "Police said more than 200 people were arrested in Karsh after the protest on Tuesday.",
        ("protests", "protest", "Karsh", TUE),
        {"affected": (200, None, "more than 200 people")},
    ),
    (
        "arrests-in-the-next-sentence",
        "Rioters torched cars in Velora on Saturday. Police arrested 45 people.",
        ("riots", "riot", "Velora", SAT),
        {"affected": (45, 45, "45 people")},
    ),
    (
        "forced-from-their-homes",
        "Some 1,500 families were forced from their homes in the Nahra district on Wednesday when bulldozers moved in.",
        ("strategic_developments", "displacement", "Nahra district", WED),
        {"affected": (None, None, "Some 1,500 families")},
    ),
    (
        "evicted",
        "Authorities evicted about 300 families from the Sabra settlement on May 10.",
        ("strategic_developments", "displacement", "Sabra", FRI),
        {"affected": (None, None, "about 300 families")},
    ),
    (
        "kidnapped",
        "Gunmen kidnapped two aid workers on the road to Lumara on Monday.",
        ("violence_against_civilians", "abduction", "Lumara", MON),
        {"affected": (2, 2, "two aid workers")},
    ),
    (
        "seized-people",
        "Armed men seized two engineers near the Tessit mine on Sunday.",
        ("violence_against_civilians", "abduction", "Tessit mine", SUN),
        {"affected": (2, 2, "two engineers")},
    ),
    (
        "drone-strike",
        "A drone strike hit a car near Marsa on Tuesday, killing three men.",
        ("explosions_remote_violence", "air_strike", "Marsa", TUE),
        {"fatalities": (3, 3, "three")},
    ),
    (
        "drone-attack",
        "A drone attack on a market in Kapra killed five people on Wednesday.",
        ("explosions_remote_violence", "air_strike", "Kapra", WED),
        {"fatalities": (5, 5, "five")},
    ),
    (
        "the-date-of-its-own-sentence",
        "Demonstrators marched in Ostra on Monday. On Tuesday the government resigned.",
        ("protests", "protest", "Ostra", MON),
        {},
    ),
    (
        "a-date-right-before-the-verb",
        "Rebels on Friday shelled Tarsa, killing at least nine people.",
        ("explosions_remote_violence", "shelling", "Tarsa", FRI),
        {"fatalities": (9, None, "at least nine")},
    ),
    (
        "a-capture-with-took",
        "Rebels took the town of Surin late on Friday.",
        ("battles", "non_state_actor_overtakes_territory", "Surin", FRI),
        {},
    ),
    (
        "students-took-to-the-streets",
        "Thousands of students took to the streets of Velora on Monday.",
        ("protests", "protest", "Velora", MON),
        {"count": (1_000, None, "Thousands of students")},
    ),
    (
        "a-day-is-no-figure",
        "A drone strike on a fuel convoy near Tell Rif on Oct. 10 killed at least four drivers.",
        ("explosions_remote_violence", "air_strike", "Tell Rif", dt.date(2024, 10, 10)),
        {"fatalities": (4, None, "at least four")},
    ),
    (
        "a-planned-closure-is-no-planned-protest",
        "Thousands of people took to the streets of Lurin on Sunday to protest against the planned closure of a camp.",
        ("protests", "protest", "Lurin", SUN),
        {"count": (1_000, None, "Thousands of people")},
    ),
    (
        "entered-the-village-named-before",
        "Rebels dug trenches around the village of Qara. Government troops entered the village on Wednesday.",
        ("battles", "government_regains_territory", "Qara", WED),
        {},
    ),
    (
        "a-place-earlier-in-the-sentence",
        "On Monday, bulldozers began demolishing shelters at the Darak camp, and about 400 families were evicted.",
        ("strategic_developments", "displacement", "Darak camp", MON),
        {"affected": (None, None, "about 400 families")},
    ),
    (
        "an-explosion",
        "An explosion ripped through a market in Kapra on Tuesday, killing seven people.",
        ("explosions_remote_violence", "remote_explosive", "Kapra", TUE),
        {"fatalities": (7, 7, "seven")},
    ),
    (
        "opened-fire-on-civilians",
        "Gunmen opened fire on worshippers at a mosque in Tarsa on Friday, killing 12.",
        ("violence_against_civilians", "attack", "Tarsa", FRI),
        {"fatalities": (12, 12, "12")},
    ),
    (
        "ambushed-by-a-force",
        "Rebels ambushed an army convoy near Hamsa on Wednesday, killing five soldiers.",
        ("battles", "attack", "Hamsa", WED),
        {"fatalities": (5, 5, "five")},
    ),
    (
        "a-missile",
        "A missile struck a residential building in Marun on Monday, wounding 20 people.",
        ("explosions_remote_violence", "shelling", "Marun", MON),
        {"injured": (20, 20, "20")},
    ),
    (
        "a-march-that-drew",
        "A protest march through Velora on Sunday drew some 10,000 people.",
        ("protests", "protest", "Velora", SUN),
        {"count": (None, None, "some 10,000 people")},
    ),
]


@pytest.mark.parametrize(("text", "kind", "figures"), [c[1:] for c in _INCIDENTS], ids=[c[0] for c in _INCIDENTS])
def test_an_incident_with_its_type_place_date_and_figures(
    text: str, kind: tuple[str, str, str, dt.date], figures: dict[str, tuple[float | None, float | None, str]]
) -> None:
    incidents = _brief(text).incidents
    assert len(incidents) == 1, [(i.sub_type.value, _v(i.cue), _v(i.location)) for i in incidents]
    i: Incident = incidents[0]
    assert (i.event_type.value, i.sub_type.value, _v(i.location), i.date.date if i.date else None) == kind
    for name in ("count", "fatalities", "injured", "affected"):
        assert _q(getattr(i, name)) == figures.get(name), name


@pytest.mark.parametrize(
    "text",
    [
        "The village's 2,000 residents had no water for a week after shelling in Dunya on Tuesday.",
        "Kapra, home to 40,000 people, was shelled on Monday.",
        "The fighting forced families from Tarsa, a town of 30,000 residents, on Monday.",
        "Thousands of residents have fled Kapra, home to 40,000 people, since Sunday.",
    ],
    ids=["possessive-residents", "home-to", "a-town-of", "fled-a-town-home-to"],
)
def test_a_count_of_residents_is_no_figure_of_the_event(text: str) -> None:
    (i,) = _brief(text).incidents
    figures = [getattr(i, name) for name in ("count", "fatalities", "injured", "affected")]
    spans = " | ".join(q.spans[0].text for q in figures if q is not None)
    assert not any(n in spans for n in ("2,000", "40,000", "30,000")), spans


@pytest.mark.parametrize(
    "text",
    [
        "A protest was planned for next week in Teloma.",
        "The protest organisers said they would return on Friday.",
        "Protesters said they would march again in Velora on Friday.",
        "Troops marched into the city of Velora on Sunday.",
        "Rebels were driven out of the town of Kapra on Monday.",
        "The government protested the decision on Monday in Velora.",
        "Militants torched a school in Tarsa on Sunday.",
        "Riot police were deployed in Velora on Monday.",
        "Families could be forcibly expelled from Kapra on Monday.",
        "Another protest is scheduled for Friday in Lurin.",
        "DLF vehicles had left the eastern approach to Birat on Monday.",
        "Critics attacked the plan in Velora on Monday.",
    ],
    ids=[
        "planned",
        "organisers",
        "would-march",
        "troops-marched",
        "a-force-driven-out",
        "protested-a-decision",
        "armed-group-torched",
        "riot-police",
        "could-be-expelled",
        "scheduled",
        "an-armed-group-left",
        "attacked-a-plan",
    ],
)
def test_no_unrest_displacement_or_attack_incident(text: str) -> None:
    kinds = {i.sub_type.value for i in _brief(text).incidents}
    assert not kinds & {"protest", "riot", "displacement", "attack"}, kinds


def test_who_reports_an_incident_and_who_claims_a_position() -> None:
    b = _brief(
        "A drone strike hit a market in Kapra on Monday, killing six people, local officials said. "
        "Government troops advanced to within 4 km of Tarsa on Tuesday, military sources said."
    )
    assert [(i.sub_type.value, _v(i.reported_by)) for i in b.incidents] == [("air_strike", "local officials")]
    assert [(p.force.value, _v(p.claimed_by)) for p in b.front_lines] == [("Government troops", "military sources")]


def test_an_incident_reported_by_a_body_named_after_a_place() -> None:
    (i,) = _brief("Mortar fire hit a school in Marun on Monday, according to the Zarqa health directorate.").incidents
    assert (i.sub_type.value, _v(i.reported_by)) == ("shelling", "Zarqa health directorate")


def test_figures_stay_with_their_own_clause_and_a_leading_place_counts() -> None:
    b = _brief(
        "In Hamsa, some 2,000 families were forced from their homes, aid groups said, and a drone strike on a "
        "market in Kapra killed six people on Monday."
    )
    got = {i.sub_type.value: (_v(i.location), _q(i.fatalities), _q(i.affected)) for i in b.incidents}
    assert got == {
        "displacement": ("Hamsa", None, (None, None, "some 2,000 families")),
        "air_strike": ("Kapra", (6, 6, "six"), None),
    }


def test_the_actor_is_the_subject_of_the_cue_not_of_the_reporting_clause() -> None:
    (i,) = _brief(
        "Police said 35 people were arrested after protesters set fire to a bank in Tarsa on Sunday."
    ).incidents
    assert (i.sub_type.value, [a.value for a in i.actors], _q(i.affected)) == ("riot", [], (35, 35, "35 people"))


def test_a_march_that_turned_violent_is_a_riot_where_and_when_the_march_was() -> None:
    b = _brief(
        "Thousands marched through Lurin on Sunday. The march turned violent when young men threw stones at riot "
        "police.\n\nPolice said 78 people had been detained."
    )
    got = [(i.sub_type.value, _v(i.location), i.date.date if i.date else None, _q(i.affected)) for i in b.incidents]
    assert got == [("protest", "Lurin", SUN, None), ("riot", "Lurin", SUN, (78, 78, "78 people"))]


def test_protesters_who_clash_with_police_are_one_riot() -> None:
    b = _brief("Protesters clashed with police in Ostra on Friday and more than 60 were arrested.")
    assert [(i.sub_type.value, _v(i.location)) for i in b.incidents] == [("riot", "Ostra")]
    assert _q(b.incidents[0].affected) == (60, None, "more than 60")
    assert b.front_lines == []  # a crowd and the police: no front line


# --------------------------------------------------------------------------- front lines

_POSITIONS = [
    # id, text, (force, status, location, objective), distance (low, high, unit) or None, direction
    (
        "pulled-back-from",
        "Rebel fighters pulled back from the village of Hamsa on Tuesday.",
        ("Rebel fighters", "withdrawn", "Hamsa", None),
        None,
        None,
    ),
    (
        "withdrew-to",
        "Government forces withdrew to the outskirts of Tarsa after heavy losses.",
        ("Government forces", "withdrawn", "Tarsa", None),
        None,
        None,
    ),
    (
        "retreated-toward-north-of",
        "The militia retreated toward the hills north of Kapra.",
        ("militia", "withdrawn", "Kapra", None),
        None,
        "north",
    ),
    (
        "fell-back-to-a-distance",
        "The rebels fell back to about 10 miles from Norvi on Sunday.",
        ("rebels", "withdrawn", None, "Norvi"),
        (10, 10, "mi"),
        None,
    ),
    (
        "took-the-town-of",
        "Rebels took the town of Surin late on Friday.",
        ("Rebels", "captured", "Surin", None),
        None,
        None,
    ),
    (
        "seized-control-of",
        "Army units seized control of Dalbek on Wednesday.",
        ("Army units", "captured", "Dalbek", None),
        None,
        None,
    ),
    (
        "has-held-the-town-of",
        "Rebel fighters have held the town of Galata since March.",
        ("Rebel fighters", "holding", "Galata", None),
        None,
        None,
    ),
    (
        "dug-in-around",
        "Government troops were dug in around Lasa on Thursday.",
        ("Government troops", "holding", "Lasa", None),
        None,
        None,
    ),
    (
        "still-holds",
        "The militia still holds Bir Zayt.",
        ("militia", "holding", "Bir Zayt", None),
        None,
        None,
    ),
    (
        "still-holds-the-crossing-named-before",
        "Fighting raged at the Hamra crossing on Monday. The militia still holds the crossing.",
        ("militia", "holding", "Hamra crossing", None),
        None,
        None,
    ),
    (
        "now-about-miles-from",
        "Rebel units are now about 10 miles from the provincial capital, Norvi.",
        ("Rebel units", "unknown", None, "Norvi"),
        (10, 10, "mi"),
        None,
    ),
    (
        "were-within",
        "Army troops were within 5 km of Dunya by Tuesday evening.",
        ("Army troops", "advancing", None, "Dunya"),
        (5, 5, "km"),
        None,
    ),
    (
        "positioned-north-of",
        "The rebels are positioned some 20 km north of Tarsa.",
        ("rebels", "holding", None, "Tarsa"),
        (20, 20, "km"),
        "north",
    ),
    (
        "holds-a-line-east-of",
        "The army now holds a line about 8 km east of Marun.",
        ("army", "holding", None, "Marun"),
        (8, 8, "km"),
        "east",
    ),
    (
        "held-the-nearby",
        "The rebels have held the nearby Zarqa dam since August.",
        ("rebels", "holding", "Zarqa", None),
        None,
        None,
    ),
    (
        "a-dateline-dash-and-forces-of",
        "MARUN, Oct. 12 - Fighters of the Southern Front withdrew from the hilltop town of Qara on Friday.",
        ("Southern Front", "withdrawn", "Qara", None),
        None,
        None,
    ),
    (
        "a-withdrawal-of-the-group-named-before",
        "The Daravan Liberation Front (DLF) lost ground this week.\n\nThe rebels’ withdrawal from Birat was confirmed "
        "on Monday.",
        ("DLF", "withdrawn", "Birat", None),
        None,
        None,
    ),
    (
        "dug-in-some-km-from-the-town",
        "Fighting raged in Tarsa on Monday. Rebel fighters remained dug in on a ridge some 2 km from the town.",
        ("Rebel fighters", "holding", None, "Tarsa"),
        (2, 2, "km"),
        None,
    ),
]


@pytest.mark.parametrize(
    ("text", "what", "distance", "direction"), [c[1:] for c in _POSITIONS], ids=[c[0] for c in _POSITIONS]
)
def test_a_front_line_position(
    text: str,
    what: tuple[str, str, str | None, str | None],
    distance: tuple[float, float, str] | None,
    direction: str | None,
) -> None:
    positions = _brief(text).front_lines
    assert len(positions) == 1, [(p.force.value, p.status.value) for p in positions]
    p: Position = positions[0]
    assert (p.force.value, p.status.value, _v(p.location), _v(p.objective)) == what
    assert all(s.text in text for s in p.force.spans)
    d = p.distance
    assert (None if d is None else (d.low or d.best, d.high or d.best, d.unit)) == distance
    assert _v(p.direction) == direction


@pytest.mark.parametrize(
    "text",
    [
        "Armed men seized two engineers near the Tessit mine on Sunday.",  # people, not ground
        "The rebels took part in talks in Geneva.",
        "Police clashed with demonstrators in Ostra on Friday.",
        "The bakery is about 2 km from Tarsa.",  # no force
    ],
    ids=["seized-people", "took-part", "police-and-crowd", "no-force"],
)
def test_no_position(text: str) -> None:
    assert _brief(text).front_lines == []


# --------------------------------------------------------------------------- places


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("Convoys moved along Route 7 toward the Gate 4 crossing point in Kapra.", ["Route 7", "Gate 4", "Kapra"]),
        ("Fighting closed the road between Sannar and Birat on Monday.", ["Sannar", "Birat"]),
        ("Shells landed at the Al-Noor hospital in Sannar.", ["Al-Noor hospital", "Sannar"]),
        ("The ceasefire took effect in May. On Tuesday, fighting resumed in Kapra.", ["Kapra"]),
        ("Omani and Turkish mediators arrived in Geneva on Tuesday.", ["Geneva"]),
        ("Talks were held in the Peruvian city of Cusco.", ["Cusco"]),
        ("The clashes began after Tuesday’s vote in Kapra.", ["Kapra"]),
    ],
    ids=[
        "numbered-roads-and-gates",
        "the-road-between",
        "a-place-noun-after-the-name",
        "a-month-before-a-full-stop",
        "demonyms",
        "demonym-city-of",
        "a-weekday-possessive",
    ],
)
def test_places_and_what_is_never_a_place(text: str, places: list[str]) -> None:
    assert [loc.name.value for loc in _brief(text).locations] == places


# --------------------------------------------------------------------------- keyword stems


def _table_sentences() -> list[str]:
    cases = [c[1] for table in (_MEETINGS, _INCIDENTS, _POSITIONS) for c in table]
    return [s for text in cases for s in text.replace("\n\n", " ").split(". ")]


@pytest.mark.parametrize(
    "table",
    [[(p, stems) for p, *_, stems in CUES], [(p, stems) for p, *_, stems in RULES]],
    ids=["incident-cues", "position-rules"],
)
def test_every_rule_that_matches_a_sentence_finds_one_of_its_stems_there(
    table: list[tuple[re.Pattern[str], tuple[str, ...]]],
) -> None:
    for sentence in _table_sentences():
        lower = sentence.lower()
        for pattern, stems in table:
            if pattern.search(sentence):
                assert any(s in lower for s in stems), (pattern.pattern[:60], sentence)
