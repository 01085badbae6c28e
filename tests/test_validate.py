"""The validator on the first fixture article: what it must catch and what it must let through."""

from __future__ import annotations

import datetime as dt

import pytest
from _build import ISIL_DATE, build, date, isil_text, m, qty

from summarizer.errors import EmptyTextError, InputError, SpanError
from summarizer.schema import Briefing, Incident, Meeting, Participant, Position, Quote, Span
from summarizer.validate import validate

TEXT = isil_text()

HOLLANDE_1 = "The recapture is not an end in itself. We must already anticipate the consequences of the fall of Mosul,"
ASSADI_1 = "On our front, we have advanced to within five or six kilometer of Mosul,"
STOLTENBERG_2 = "Because when our neighbors are more stable, we are more secure,"
REPORTER = (
    "Forces from the Iraqi elite counter-terrorism service (CTS) retook areas close to the eastern outskirts of Mosul."
)


def true_quotes() -> list[Quote]:
    return [
        Quote(text=m(HOLLANDE_1), speaker=m("Francois Hollande", "he"), cue=m("said", "he said")),
        Quote(
            text=m("What is at stake is the political future of the city, the region and Iraq,"),
            speaker=m("Francois Hollande", "Hollande"),
            cue=m("said", "Hollande said"),
        ),
        Quote(text=m("all ethnic and religious groups"), speaker=m("Francois Hollande", "Hollande")),
        Quote(
            text=m(ASSADI_1),
            speaker=m("Abdelghani al-Assadi", "General Abdelghani al-Assadi"),
            speaker_title=m("commander", "their commander"),
            cue=m("told AFP"),
            addressee=m("AFP"),
        ),
        Quote(
            text=m("We must now coordinate with forces on other fronts to launch a coordinated"),
            speaker=m("Abdelghani al-Assadi", "he"),
        ),
        Quote(
            text=m("us to assume the mission of liberating the Tal Afar district,"), speaker=m("Jawwad al-Tulaibawi")
        ),
        Quote(text=m(STOLTENBERG_2), speaker=m("Jens Stoltenberg", "he"), cue=m("said", "he said")),
        Quote(
            text=m("Fighting is ongoing in Rutba, which is still contested,"),
            speaker=m("John Dorrian", "Col. John Dorrian"),
        ),
        Quote(
            text=m("NATO would expand its support into Iraq in the coming months"),
            kind="indirect",
            speaker=m("Jens Stoltenberg"),
            cue=m("pledged"),
        ),
    ]


def sound_items() -> dict[str, list[object]]:
    return {
        "quotes": true_quotes(),
        "front_lines": [
            Position(
                force=m("Counter-Terrorism Service", "Iraqi elite counter-terrorism service (CTS)"),
                objective=m("Mosul", "of Mosul,”"),
                distance=qty("five or six kilometer", low=5, high=6, qualifier="range", unit="km"),
                status="advancing",
                status_cue=m("advanced to within", "we have advanced to within"),
            )
        ],
        "incidents": [
            Incident(
                event_type="explosions_remote_violence",
                sub_type="suicide_bomb",
                cue=m("suicide bomb attacks"),
                location=m("Kirkuk", "Iraq’s Kirkuk"),
                date=date("on Oct. 24", dt.date(2016, 10, 24)),
                count=qty("four simultaneous", best=4),
                actors=[m("ISIL", "ISIL conducted")],
            ),
            Incident(
                event_type="battles",
                sub_type="armed_clash",
                cue=m("battled"),
                location=m("Rutba", "western town, Rutba"),
                date=date("for a third day on Oct. 25", dt.date(2016, 10, 25)),
            ),
            Incident(
                event_type="strategic_developments",
                sub_type="displacement",
                cue=m("have had to leave Kirkuk"),
                affected=qty("hundreds of displaced Sunni Arab families", low=100, qualifier="vague"),
            ),
        ],
        "meetings": [
            Meeting(
                cue=m("met in Paris", "and France met in Paris"),
                location=m("Paris", "met in Paris"),
                date=date("on Oct. 25, which", dt.date(2016, 10, 25)),
                participants=[
                    Participant(name=m("United States", "the United States, Germany"), kind="country"),
                    Participant(name=m("United Kingdom", "the U.K., Italy"), kind="country"),
                ],
            )
        ],
    }


def briefing(**overrides: list[object]) -> Briefing:
    items = sound_items()
    items.update(overrides)
    return build(TEXT, ISIL_DATE, **items)


def errors(b: Briefing, text: str = TEXT) -> list[tuple[str, str]]:
    return [(i.code, i.path) for i in validate(b, text).errors]


def test_sound_briefing_verifies_completely() -> None:
    report = validate(briefing(), TEXT)
    assert report.errors == ()
    assert report.grounding_rate == 1.0
    assert report.fields_checked > 30
    infos = {i.path for i in report.issues if i.code == "speaker_via_pronoun"}
    assert "quotes[6].speaker" in infos  # Stoltenberg's second quote: "he" resolves to him


def test_us_alias_is_supported_and_a_wrong_country_is_not() -> None:
    cue = m("met in Paris", "and France met in Paris")
    ok = Participant(name=m("US", "U.S.-led coalition"), kind="country")
    assert errors(briefing(meetings=[Meeting(cue=cue, participants=[ok])])) == []
    wrong = Participant(name=m("US", "the U.K., Italy"), kind="country")
    assert errors(briefing(meetings=[Meeting(cue=cue, participants=[wrong])])) == [
        ("value_not_in_span", "meetings[0].participants[0].name")
    ]


def _with_quote(q: Quote) -> Briefing:
    return briefing(quotes=[q])


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        pytest.param(
            Quote(
                text=m("We will not negotiate with terrorists under any circumstances,"), speaker=m("Francois Hollande")
            ),
            ("unlocated", "quotes[0].text"),
            id="fabricated-quote",
        ),
        pytest.param(
            Quote(text=m(HOLLANDE_1.replace("anticipate", "foresee")), speaker=m("Francois Hollande", "he")),
            ("quote_not_verbatim", "quotes[0].text"),
            id="one-word-changed",
        ),
        pytest.param(
            Quote(text=m(ASSADI_1), speaker=m("Francois Hollande", "Hollande")),
            ("speaker_mismatch", "quotes[0].speaker"),
            id="wrong-speaker-two-paragraphs-away",
        ),
        pytest.param(
            Quote(text=m(STOLTENBERG_2), speaker=m("Francois Hollande", "he")),
            ("speaker_mismatch", "quotes[0].speaker"),
            id="wrong-speaker-through-pronoun",
        ),
        pytest.param(
            Quote(text=m(REPORTER), speaker=m("Abdelghani al-Assadi")),
            ("not_in_quotation_marks", "quotes[0].text"),
            id="reporter-sentence-as-direct-quote",
        ),
    ],
)
def test_catches_bad_quotes(quote: Quote, expected: tuple[str, str]) -> None:
    assert expected in errors(_with_quote(quote))


def test_catches_seven_for_five_or_six_kilometers() -> None:
    pos = Position(
        force=m("Counter-Terrorism Service", "Iraqi elite counter-terrorism service (CTS)"),
        distance=qty("five or six kilometer", best=7, unit="km"),
        status="advancing",
    )
    assert ("quantity_mismatch", "front_lines[0].distance") in errors(briefing(front_lines=[pos]))
    # The model's own words "seven kilometers" are not in the source at all.
    pos2 = pos.model_copy(update={"distance": qty("seven kilometers", best=7, unit="km")})
    assert ("unlocated", "front_lines[0].distance") in errors(briefing(front_lines=[pos2]))


def test_catches_oct_24_for_oct_25() -> None:
    inc = Incident(
        event_type="battles",
        sub_type="armed_clash",
        cue=m("battled"),
        location=m("Rutba", "western town, Rutba"),
        date=date("for a third day on Oct. 25", dt.date(2016, 10, 24)),
    )
    assert ("date_mismatch", "incidents[0].date") in errors(briefing(incidents=[inc]))
    # Pointing the evidence at the real "Oct. 24" of another paragraph is caught too.
    inc2 = inc.model_copy(update={"date": date("Kirkuk on Oct. 24", dt.date(2016, 10, 24))})
    assert ("far_from_item", "incidents[0].date") in errors(briefing(incidents=[inc2]))


def test_catches_basra_for_mosul() -> None:
    pos = Position(force=m("CTS"), objective=m("Basra", "of Mosul,”"), status="advancing")
    assert ("value_not_in_span", "front_lines[0].objective") in errors(briefing(front_lines=[pos]))
    pos2 = pos.model_copy(update={"objective": m("Basra")})
    assert ("unlocated", "front_lines[0].objective") in errors(briefing(front_lines=[pos2]))


def test_curly_vs_straight_marks_pass() -> None:
    q = Quote(
        text=m('"Fighting is ongoing in Rutba, which is still contested,"'),
        speaker=m("John Dorrian", "Col. John Dorrian"),
    )
    b = _with_quote(q)
    assert b.quotes[0].text.spans[0].status.value == "normalized"
    assert errors(b) == []
    q2 = Quote(
        text=m("The coalition continues conducting strikes to support the Iraqi security forces' response efforts"),
        speaker=m("John Dorrian", "he"),
    )
    assert errors(_with_quote(q2)) == []


def test_span_across_a_line_break_passes() -> None:
    wrapped = TEXT.replace("within five or six kilometer", "within five or six\nkilometer")
    q = Quote(text=m(ASSADI_1), speaker=m("Abdelghani al-Assadi", "General Abdelghani al-Assadi"))
    pos = Position(
        force=m("Counter-Terrorism Service", "Iraqi elite counter-terrorism service (CTS)"),
        distance=qty("five or six kilometer", low=5, high=6, qualifier="range", unit="km"),
        status="advancing",
    )
    b = build(wrapped, ISIL_DATE, quotes=[q], front_lines=[pos])
    span = b.quotes[0].text.spans[0]
    assert span.status.value == "normalized" and "\n" in span.text
    assert validate(b, wrapped).errors == ()


def test_range_is_not_an_error_but_a_wrong_qualifier_warns() -> None:
    pos = Position(force=m("CTS"), distance=qty("five or six kilometer", low=5, high=6, qualifier="exact", unit="km"))
    report = validate(briefing(front_lines=[pos]), TEXT)
    assert not report.for_path("front_lines[0].distance") or all(
        i.severity.value != "error" for i in report.for_path("front_lines[0].distance")
    )
    assert ("qualifier_mismatch", "front_lines[0].distance") in [(i.code, i.path) for i in report.warnings]


def test_validator_is_pure_and_deterministic() -> None:
    b = briefing()
    before = b.model_dump_json()
    r1, r2 = validate(b, TEXT), validate(b, TEXT)
    assert b.model_dump_json() == before
    assert r1 == r2
    with pytest.raises(Exception):  # noqa: B017 - the report is frozen
        r1.issues = ()  # type: ignore[misc]


def test_verified_keeps_only_what_passed() -> None:
    bad = Quote(text=m(ASSADI_1), speaker=m("Francois Hollande", "Hollande"))
    b = briefing(quotes=[*true_quotes(), bad])
    report = validate(b, TEXT)
    kept = b.verified(report)
    assert len(kept.quotes) == len(true_quotes())
    assert validate(kept, TEXT).errors == ()
    dropped = {d.path for d in kept.provenance.dropped} if kept.provenance else set()
    assert f"quotes[{len(true_quotes())}]" in dropped
    assert len(b.quotes) == len(true_quotes()) + 1  # the original is unchanged


def test_optional_field_error_clears_the_field_only() -> None:
    pos = Position(force=m("CTS"), objective=m("Basra", "of Mosul,”"), status="advancing")
    b = briefing(front_lines=[pos], meetings=[])
    kept = b.verified(validate(b, TEXT))
    assert len(kept.front_lines) == 1 and kept.front_lines[0].objective is None


def test_wrong_source_is_reported_and_out_of_range_offsets_raise() -> None:
    b = briefing(meetings=[])
    other = TEXT.replace("Mosul", "Mosol")
    assert ("source_mismatch", "source.sha256") in errors(b, other)
    with pytest.raises(SpanError, match="the source has 10 characters"):
        validate(b, TEXT[:10])


def test_bad_argument_types_raise_input_error() -> None:
    with pytest.raises(InputError, match="takes a Briefing"):
        validate({"quotes": []}, TEXT)  # type: ignore[arg-type]
    with pytest.raises(EmptyTextError, match="source text is empty"):
        validate(briefing(), "  \n")
    with pytest.raises(InputError, match="decode bytes"):
        validate(briefing(), TEXT.encode())  # type: ignore[arg-type]


def test_tampered_span_text_is_reported() -> None:
    b = briefing(meetings=[])
    span = b.quotes[0].text.spans[0]
    forged = span.model_copy(update={"start": span.start + 1})
    q = b.quotes[0].model_copy(update={"text": b.quotes[0].text.model_copy(update={"spans": [forged]})})
    b2 = b.model_copy(update={"quotes": [q]})
    assert ("span_text_mismatch", "quotes[0].text") in errors(b2)


def test_evidence_without_spans_is_an_error() -> None:
    q = Quote(text=m(ASSADI_1), speaker=m("Abdelghani al-Assadi").model_copy(update={"spans": []}))
    b = build(TEXT, ISIL_DATE, quotes=[q])
    assert ("no_evidence", "quotes[0].speaker") in errors(b)


def test_enum_without_cue_is_a_warning_not_an_error() -> None:
    inc = Incident(event_type="riots", sub_type="riot", cue=m("battled"), location=m("Rutba", "western town, Rutba"))
    report = validate(briefing(incidents=[inc]), TEXT)
    assert ("enum_without_cue", "incidents[0].sub_type") in [(i.code, i.path) for i in report.warnings]
    assert not any(i.path.startswith("incidents[0]") for i in report.errors)


def test_summary_numbers_must_be_in_their_spans() -> None:
    from summarizer.schema import SummaryPoint

    good = SummaryPoint(
        text="ISIL carried out 4 suicide attacks in Kirkuk.", spans=[Span.unlocated("four simultaneous")]
    )
    bad = SummaryPoint(
        text="ISIL carried out 6 suicide attacks in Kirkuk.", spans=[Span.unlocated("four simultaneous")]
    )
    report = validate(briefing(summary=[good, bad], meetings=[]), TEXT)
    assert [(i.code, i.path) for i in report.errors] == [("quantity_mismatch", "summary[1]")]


ACRONYM_TEXT = (
    "Fighters of the Vesna Liberation Army (VLA) took two villages on Monday, the group said.\n\n"
    "The Vesna Conflict Monitor, an independent group, confirmed one of them.\n\n"
    "Shelling went on overnight near the river. Roads to the north stayed closed.\n\n"
    "“The VLA holds Dravnik,” according to the monitor."
)


def test_an_acronym_the_text_defines_supports_the_full_name_and_back() -> None:
    pos = Position(force=m("Vesna Liberation Army", "VLA holds"), status="holding", status_cue=m("holds", "VLA holds"))
    pos2 = Position(force=m("VLA", "Vesna Liberation Army (VLA)"), status="unknown")
    report = validate(build(ACRONYM_TEXT, None, front_lines=[pos, pos2]), ACRONYM_TEXT)
    assert report.errors == ()
    other = Position(force=m("Vesna Conflict Monitor", "VLA holds"))
    assert [i.code for i in validate(build(ACRONYM_TEXT, None, front_lines=[other]), ACRONYM_TEXT).errors] == [
        "value_not_in_span"
    ]


def test_a_definite_description_of_an_earlier_name_is_a_warning_not_an_error() -> None:
    q = Quote(text=m("The VLA holds Dravnik,"), speaker=m("Vesna Conflict Monitor", "the monitor"))
    report = validate(build(ACRONYM_TEXT, None, quotes=[q]), ACRONYM_TEXT)
    assert report.errors == ()
    assert ("named_by_description", "quotes[0].speaker") in [(i.code, i.path) for i in report.warnings]
    # A description whose head differs, or of a name not given earlier, is not support.
    q2 = Quote(text=m("The VLA holds Dravnik,"), speaker=m("Vesna Liberation Army", "the monitor"))
    assert ("value_not_in_span", "quotes[0].speaker") in errors(build(ACRONYM_TEXT, None, quotes=[q2]), ACRONYM_TEXT)
