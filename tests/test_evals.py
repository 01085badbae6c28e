"""The scorer: tiny hand-made briefings against a tiny gold, with the numbers worked out by hand."""

from __future__ import annotations

import hashlib
import random
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from summarizer.errors import ConfigurationError
from summarizer.evals import (
    CUTOFF,
    FIELDS,
    _assign_small,
    assign,
    load_fixtures,
    render_markdown,
    score_briefing,
    score_many,
)
from summarizer.locate import ground
from summarizer.schema import (
    ActorKind,
    Briefing,
    DateValue,
    EventType,
    Incident,
    IncidentSubType,
    Location,
    Meeting,
    Mention,
    Participant,
    Position,
    PositionStatus,
    Quantity,
    QuantityQualifier,
    Quote,
    SourceInfo,
    Span,
)

TEXT = (
    '"We will hold the bridge," said Colonel Ana Ruiz. Rebels shelled Varna on Monday, killing 3 people. '
    '"The town is calm," Mayor Ivo Petrov told reporters. The foreign ministers of France and the U.K. met in Rome. '
    "Army units advanced to within 4 km of Varna."
)
QUOTE_1 = "We will hold the bridge,"
QUOTE_2 = "The town is calm,"


def m(value: str, evidence: str | None = None) -> Mention:
    return Mention(value=value, spans=[Span.unlocated(evidence or value)])


def make(**items: Any) -> Briefing:
    """A briefing of TEXT, grounded like an engine's output."""
    source = SourceInfo(sha256=hashlib.sha256(TEXT.encode()).hexdigest(), length=len(TEXT))
    return ground(Briefing(source=source, **items), TEXT)


def quote(text: str, speaker: str, evidence: str | None = None) -> Quote:
    return Quote(text=m(text), speaker=m(speaker, evidence))


def shelling(date: str = "2024-05-20", place: str = "Varna") -> Incident:
    return Incident(
        event_type=EventType.EXPLOSIONS_REMOTE_VIOLENCE,
        sub_type=IncidentSubType.SHELLING,
        cue=m("shelled"),
        location=m(place),
        date=DateValue(date=date, spans=[Span.unlocated("Monday")]),
        fatalities=Quantity(low=3, high=3, best=3, spans=[Span.unlocated("3")]),
    )


def meeting(*names: tuple[str, str]) -> Meeting:
    parts = [Participant(name=m(n, ev), kind=ActorKind.COUNTRY) for n, ev in names]
    return Meeting(cue=m("met"), participants=parts)


def advance(force: str = "Army units", status: PositionStatus = PositionStatus.ADVANCING) -> Position:
    return Position(
        force=m(force),
        objective=m("Varna", "of Varna"),
        distance=Quantity(low=4, high=4, best=4, unit="km", spans=[Span.unlocated("4 km")]),
        status=status,
    )


def gold() -> Briefing:
    return make(
        quotes=[quote(QUOTE_1, "Ana Ruiz"), quote(QUOTE_2, "Ivo Petrov")],
        incidents=[shelling()],
        meetings=[meeting(("France", "France"), ("United Kingdom", "U.K."))],
        front_lines=[advance()],
        locations=[Location(name=m("Varna")), Location(name=m("Rome"))],
    )


def f1s(score: Any) -> dict[str, float]:
    return {f.field: f.f1 for f in score.fields}


# --------------------------------------------------------------------------- whole briefings


def test_gold_against_itself_scores_one_everywhere() -> None:
    score = score_briefing(gold(), gold(), article_id="tiny")
    assert score.article_id == "tiny"
    assert [f.field for f in score.fields] == list(FIELDS)
    assert f1s(score) == dict.fromkeys(FIELDS, 1.0)
    assert all(a.accuracy == 1.0 for f in score.fields for a in f.attributes)


def test_an_empty_prediction_has_recall_zero_and_nothing_wrong_claimed() -> None:
    score = score_briefing(make(), gold())
    quotes = score.field("quotes")
    assert (quotes.tp, quotes.predicted, quotes.gold) == (0, 0, 2)
    assert quotes.precision == 1.0 and quotes.recall == 0.0 and quotes.f1 == 0.0
    assert quotes.missed == (0, 1) and quotes.extra == ()


def test_fields_empty_on_both_sides_are_perfect_and_left_out_of_macro() -> None:
    report = score_many([("a", make(), make())])
    for f in report.fields:
        assert (f.precision, f.recall, f.articles, f.macro_f1) == (1.0, 1.0, 0, 1.0)


# --------------------------------------------------------------------------- quotes


def test_one_missed_quote() -> None:
    score = score_briefing(make(quotes=[quote(QUOTE_1, "Ana Ruiz")]), gold()).field("quotes")
    assert (score.tp, score.precision, score.recall) == (1, 1.0, 0.5)
    assert score.f1 == pytest.approx(2 / 3)
    assert score.missed == (1,)


def test_one_extra_quote() -> None:
    pred = make(
        quotes=[quote(QUOTE_1, "Ana Ruiz"), quote(QUOTE_2, "Ivo Petrov"), quote("Rebels shelled Varna", "Ana Ruiz")]
    )
    score = score_briefing(pred, gold()).field("quotes")
    assert (score.tp, score.predicted) == (2, 3)
    assert score.precision == pytest.approx(2 / 3) and score.recall == 1.0
    assert score.extra == (2,)


def test_wrong_speaker_keeps_the_content_match_but_not_the_speaker() -> None:
    pred = make(quotes=[quote(QUOTE_1, "Ana Ruiz"), quote(QUOTE_2, "Ana Ruiz", "Ana Ruiz")])
    score = score_briefing(pred, gold())
    assert score.field("quotes").f1 == 1.0
    speakers = score.field("quote_speakers")
    assert (speakers.tp, speakers.precision, speakers.recall) == (1, 0.5, 0.5)
    (accuracy,) = score.field("quotes").attributes
    assert (accuracy.name, accuracy.correct, accuracy.total, accuracy.accuracy) == ("speaker", 1, 2, 0.5)


@pytest.mark.parametrize(
    ("predicted", "right"),
    [("Ruiz", True), ("Colonel Ana Ruiz", True), ("Ana Ruiz", True), ("he", False), ("Ivo Petrov", False)],
)
def test_speaker_names_count_by_their_parts(predicted: str, right: bool) -> None:
    pred = make(quotes=[quote(QUOTE_1, predicted, "Ana Ruiz")])
    score = score_briefing(pred, gold())
    assert score.field("quote_speakers").tp == int(right)


def test_a_duplicate_prediction_counts_once() -> None:
    pred = make(quotes=[quote(QUOTE_1, "Ana Ruiz"), quote(QUOTE_1, "Ana Ruiz")])
    score = score_briefing(pred, gold()).field("quotes")
    assert (score.tp, score.predicted, score.extra) == (1, 2, (1,))


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("We will hold the bridge", True),  # the comma left out: IoU 23/24
        ("We will", False),  # IoU 7/24
        ("hold the bridge,", True),  # IoU 16/24
    ],
)
def test_partial_quotes_match_only_above_the_cutoff(text: str, matched: bool) -> None:
    score = score_briefing(make(quotes=[quote(text, "Ana Ruiz")]), gold()).field("quotes")
    assert score.tp == int(matched)
    if matched:
        assert score.matches[0].similarity >= CUTOFF


def test_unlocated_quotes_are_compared_as_text() -> None:
    """An LLM quote with curly marks and no offsets still matches the gold by its words."""
    loose = Quote(text=Mention(value="“We will hold the bridge,”", spans=[]), speaker=Mention(value="Ana Ruiz"))
    pred = make().model_copy(update={"quotes": [loose]})
    score = score_briefing(pred, gold())
    assert score.field("quotes").tp == 1 and score.field("quote_speakers").tp == 1


# --------------------------------------------------------------------------- other fields


def test_participants_match_through_aliases() -> None:
    pred = make(meetings=[meeting(("UK", "U.K."), ("France", "France"))])
    assert score_briefing(pred, gold()).field("participants").f1 == 1.0


def test_a_missing_participant() -> None:
    score = score_briefing(make(meetings=[meeting(("France", "France"))]), gold()).field("participants")
    assert (score.tp, score.gold, score.recall) == (1, 2, 0.5)


def test_an_incident_with_the_wrong_date_matches_but_the_date_is_wrong() -> None:
    score = score_briefing(make(incidents=[shelling(date="2024-05-21")]), gold()).field("incidents")
    assert score.tp == 1
    attrs = {a.name: (a.correct, a.total) for a in score.attributes}
    assert attrs == {"type": (1, 1), "date": (0, 1), "location": (1, 1), "figures": (1, 1)}


def test_a_different_incident_does_not_match() -> None:
    other = Incident(
        event_type=EventType.BATTLES,
        sub_type=IncidentSubType.ARMED_CLASH,
        cue=m("advanced"),
        location=m("Rome"),
    )
    score = score_briefing(make(incidents=[other]), gold()).field("incidents")
    assert (score.tp, score.precision, score.recall) == (0, 0.0, 0.0)


def test_positions_need_the_same_force() -> None:
    assert score_briefing(make(front_lines=[advance("Rebels")]), gold()).field("front_lines").tp == 0
    held = score_briefing(make(front_lines=[advance(status=PositionStatus.HOLDING)]), gold()).field("front_lines")
    assert held.tp == 1
    attrs = {a.name: (a.correct, a.total) for a in held.attributes}
    assert attrs["status"] == (0, 1) and attrs["distance"] == (1, 1)


def test_locations() -> None:
    pred = make(locations=[Location(name=m("Varna")), Location(name=m("Monday"))])
    score = score_briefing(pred, gold()).field("locations")
    assert (score.tp, score.precision, score.recall) == (1, 0.5, 0.5)


# --------------------------------------------------------------------------- many articles


def test_micro_and_macro_averages() -> None:
    """Article a: 2 gold quotes, 2 right. Article b: 2 gold quotes, 1 predicted and right."""
    report = score_many([("a", gold(), gold()), ("b", make(quotes=[quote(QUOTE_1, "Ana Ruiz")]), gold())])
    q = report.field("quotes")
    assert (q.gold, q.predicted, q.tp, q.articles) == (4, 3, 3, 2)
    assert q.precision == 1.0 and q.recall == 0.75 and q.f1 == pytest.approx(6 / 7)
    assert q.macro_precision == 1.0 and q.macro_recall == 0.75
    assert q.macro_f1 == pytest.approx((1.0 + 2 / 3) / 2)
    assert [a.article_id for a in report.articles] == ["a", "b"]


def test_fixture_gold_scores_perfectly_against_itself() -> None:
    """Every gold briefing scores perfectly against itself and zero recall against nothing."""
    fixtures = [f for f in load_fixtures() if f.gold is not None]
    perfect = score_many((f.id, f.gold, f.gold) for f in fixtures if f.gold is not None)
    assert all(f.f1 == 1.0 for f in perfect.fields)
    empty = score_many((f.id, Briefing(source=f.gold.source), f.gold) for f in fixtures if f.gold is not None)
    assert all(f.recall == 0.0 for f in empty.fields if f.gold)


def test_markdown_table() -> None:
    report = score_many([("a", gold(), gold()), ("b", make(), gold())])
    text = render_markdown(report, per_article=True)
    assert "| direct quotes: content | 4 | 2 | 2 | 1.00 | 0.50 | 0.67 |" in text
    assert "| direct quotes: content | speaker | 2 | 2 | 1.00 |" in text
    assert "| b | 0.00 (0/2/0)" in text
    assert "| a |" not in render_markdown(report)


def test_results_are_frozen_and_unknown_fields_are_named() -> None:
    score = score_briefing(gold(), gold())
    with pytest.raises(ValidationError):
        score.field("quotes").tp = 3  # type: ignore[misc]
    with pytest.raises(KeyError, match="no field 'speakers'"):
        score.field("speakers")


# --------------------------------------------------------------------------- assignment


def test_assignment_is_optimal_not_greedy() -> None:
    # Greedy takes (0, 0) = 0.9 and leaves row 1 with 0.1; the optimum pairs both rows.
    pairs = assign([[0.9, 0.8], [0.85, 0.1]])
    assert [(p.gold, p.predicted) for p in pairs] == [(0, 1), (1, 0)]


def test_assignment_never_pairs_below_the_cutoff() -> None:
    assert assign([[0.49, 0.2], [0.1, 0.3]]) == []
    assert [(p.gold, p.predicted) for p in assign([[0.49, 0.7]])] == [(0, 1)]
    assert assign([]) == [] and assign([[]]) == []


def _total(w: list[list[float]], pairs: list[tuple[int, int]]) -> float:
    assert len({i for i, _ in pairs}) == len(pairs) == len({j for _, j in pairs})
    return sum(w[i][j] for i, j in pairs)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.integers(1, 6).flatmap(
            lambda k: st.lists(
                st.lists(st.sampled_from([0.0, 0.5, 0.6, 0.75, 0.9, 1.0]), min_size=k, max_size=k),
                min_size=n,
                max_size=n,
            )
        )
    )
)
def test_exact_fallback_agrees_with_scipy(weights: list[list[float]]) -> None:
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(weights, maximize=True)
    expected = sum(weights[i][j] for i, j in zip(rows, cols, strict=True))
    assert _total(weights, _assign_small(weights)) == pytest.approx(expected)


def test_without_scipy_small_inputs_still_score_and_large_ones_say_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "scipy.optimize", None)  # import fails as if scipy were absent
    assert [(p.gold, p.predicted) for p in assign([[0.9, 0.8], [0.85, 0.1]])] == [(0, 1), (1, 0)]
    rng = random.Random(7)
    big = [[rng.random() for _ in range(20)] for _ in range(20)]
    with pytest.raises(ConfigurationError, match="pip install scipy"):
        assign(big)


def test_quantity_qualifiers_do_not_change_the_figures() -> None:
    exact = Quantity(low=3, high=3, best=3, spans=[Span.unlocated("3")])
    stated_once = Quantity(best=3, qualifier=QuantityQualifier.EXACT, spans=[Span.unlocated("3")])
    g = make(incidents=[shelling()])
    p = make(incidents=[shelling().model_copy(update={"fatalities": stated_once})])
    attrs = {a.name: a.correct for a in score_briefing(p, g).field("incidents").attributes}
    assert attrs["figures"] == 1 and exact.best == stated_once.best
