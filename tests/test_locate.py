"""The span locator: exact, normalised and fuzzy tiers, nearest occurrence, planted-span oracles."""

from __future__ import annotations

import re
import string

from _build import isil_text, m
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.locate import find_candidates, ground, locate, locate_group, locate_interrupted
from summarizer.schema import Briefing, MatchStatus, Quote, SourceInfo, Span

TEXT = isil_text()


def test_exact_match_gives_exact_offsets() -> None:
    span = locate("Jens Stoltenberg", TEXT)
    assert span.status is MatchStatus.EXACT
    assert TEXT[span.start : span.end] == "Jens Stoltenberg" == span.text


def test_quote_with_other_marks_is_found() -> None:
    span = locate('"Fighting is ongoing in Rutba, which is still contested,"', TEXT)
    assert span.status is MatchStatus.NORMALIZED
    assert span.text == "“Fighting is ongoing in Rutba, which is still contested,”"


def test_span_across_a_line_break() -> None:
    text = "He said the army had advanced to within five or six\nkilometers of the city."
    span = locate("within five or six kilometers", text)
    assert span.status is MatchStatus.NORMALIZED
    assert span.text == "within five or six\nkilometers"


def test_thousands_separator_is_folded_both_ways() -> None:
    text = "Officials said 1,200 families fled, and 3400 more were expected."
    a = locate("1200 families", text)
    b = locate("3,400 more", text)
    assert (a.text, b.text) == ("1,200 families", "3400 more")


def test_case_dashes_and_diacritics_are_folded() -> None:
    text = "President François Hollande spoke — briefly — in Paris."
    span = locate("francois hollande spoke - briefly", text)
    assert span.text == "François Hollande spoke — briefly"


def test_fuzzy_match_within_bounded_distance() -> None:
    span = locate("We must already anticipate the consequence of the fall of Mosul", TEXT)
    assert span.status is MatchStatus.FUZZY
    assert span.text == "We must already anticipate the consequences of the fall of Mosul"


def test_fuzzy_does_not_accept_a_paraphrase() -> None:
    span = locate("We have to prepare now for what happens after Mosul falls", TEXT)
    assert span.status is MatchStatus.UNLOCATED and span.start is None


def test_unlocatable_evidence_gets_no_offsets() -> None:
    span = locate("a sentence that appears nowhere in the article", TEXT)
    assert span == Span(text="a sentence that appears nowhere in the article")


def test_nearest_occurrence_to_the_items_other_spans_wins() -> None:
    # "he said" occurs many times; grouped with the Stoltenberg quote it must resolve beside it.
    quote = "Because when our neighbors are more stable, we are more secure,"
    spans = locate_group(["he said", quote], TEXT)
    assert spans[0].start is not None and spans[1].end is not None
    assert 0 < spans[0].start - spans[1].end < 5


def test_grouping_does_not_depend_on_order() -> None:
    q = "Because when our neighbors are more stable, we are more secure,"
    a = locate_group(["he said", q, "Mosul"], TEXT)
    b = locate_group(["Mosul", "he said", q], TEXT)
    assert {s.model_dump_json() for s in a} == {s.model_dump_json() for s in b}


def test_ground_locates_each_item_independently_of_list_order() -> None:
    q1 = Quote(text=m("Because when our neighbors are more stable"), speaker=m("Stoltenberg", "he"))
    q2 = Quote(text=m("We must now coordinate with forces on other fronts"), speaker=m("al-Assadi", "he"))
    src = SourceInfo.of(TEXT)
    a = ground(Briefing(source=src, quotes=[q1, q2]), TEXT)
    b = ground(Briefing(source=src, quotes=[q2, q1]), TEXT)
    assert a.quotes[0] == b.quotes[1] and a.quotes[1] == b.quotes[0]
    assert a.quotes[1].speaker.spans[0].start != a.quotes[0].speaker.spans[0].start


def test_ground_keeps_spans_that_already_have_offsets() -> None:
    fixed = Span(start=0, end=4, text=TEXT[:4], status=MatchStatus.EXACT)
    q = Quote(text=m("x").model_copy(update={"spans": [fixed]}), speaker=m("Hollande"))
    out = ground(Briefing(source=SourceInfo.of(TEXT), quotes=[q]), TEXT)
    assert out.quotes[0].text.spans[0] == fixed


def test_candidates_are_capped() -> None:
    assert len(find_candidates("a", " ".join(["a"] * 1000))) == 64


def test_a_match_never_cuts_a_word() -> None:
    assert locate("he", "the other said it").status is MatchStatus.UNLOCATED
    assert locate("he", "then he said it").start == 5
    assert locate("Iraq", "Iraqi forces").status is MatchStatus.UNLOCATED


# --------------------------------------------------------------------------- planted-span oracles

WORDS = st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=9)
FILLER = st.lists(WORDS, min_size=0, max_size=40).map(" ".join)
PLANT = st.sampled_from(
    [
        "“We will not retreat,” the general said",
        "Jawwad al-Tulaibawi",
        "at least 1,200 people",
        "five or six kilometers",
        "U.S.-led coalition",
        "Kirkuk on Oct. 24",
    ]
)


@settings(max_examples=150, deadline=None)
@given(before=FILLER, plant=PLANT, after=FILLER)
def test_planted_span_is_found_at_its_offsets(before: str, plant: str, after: str) -> None:
    text = f"{before} {plant} {after}"
    start = len(before) + 1
    span = locate(plant, text)
    assert (span.start, span.end, span.status) == (start, start + len(plant), MatchStatus.EXACT)


def _vary(plant: str) -> str:
    return re.sub(r"(?<=\d),(?=\d)", "", plant.replace("“", '"').replace("”", '"')).upper()


@settings(max_examples=150, deadline=None)
@given(before=FILLER, plant=PLANT, after=FILLER, breaker=st.sampled_from([" ", "\n", "  ", "\n\t"]))
def test_planted_span_is_found_through_normalisation(before: str, plant: str, after: str, breaker: str) -> None:
    planted = plant.replace(" ", breaker, 1)
    text = f"{before} {planted} {after}"
    start = len(before) + 1
    span = locate(_vary(plant), text)
    assert span.status in (MatchStatus.EXACT, MatchStatus.NORMALIZED)
    assert (span.start, span.end) == (start, start + len(planted))


@settings(max_examples=100, deadline=None)
@given(
    parts=st.lists(FILLER, min_size=3, max_size=3),
    plants=st.lists(PLANT, min_size=2, max_size=2, unique=True),
    data=st.data(),
)
def test_planted_items_located_in_any_order(parts: list[str], plants: list[str], data: st.DataObject) -> None:
    text = f"{parts[0]} {plants[0]} {parts[1]} {plants[1]} {parts[2]}"
    expected = {p: text.index(p) for p in plants}
    order = data.draw(st.permutations(plants))
    spans = locate_group(list(order), text)
    assert {s.text: s.start for s in spans} == expected


LONG = (
    "Marta Lind, the port authority's director, opened the hearing on Monday. The board said "
    "it would publish its findings. Several captains said the channel had not been dredged.\n\n"
    "Passengers, Lind said, had waited long enough for a safe crossing. "
    '"We will reopen the ferry when the channel is safe," Lind said after the hearing.\n'
)


def _quote(text: str, speaker: str, cue: str, *, kind: str = "direct") -> Briefing:
    q = Quote(text=m(text), speaker=m(speaker), cue=m(cue), kind=kind)  # type: ignore[arg-type]
    return Briefing(source=SourceInfo(sha256="0" * 64, length=len(LONG)), quotes=[q])


def test_a_repeated_cue_resolves_beside_the_whole_quote() -> None:
    # "said" occurs four times; the one in '," Lind said' after the quote is nearer the quote than the one
    # just before its first word ("Passengers, Lind said, ..."), though farther from that first word.
    b = ground(_quote("We will reopen the ferry when the channel is safe,", "Lind", "said"), LONG)
    cue, text = b.quotes[0].cue.spans[0], b.quotes[0].text.spans[0]  # type: ignore[union-attr]
    assert cue.start is not None and text.end is not None
    assert LONG[text.end : cue.start] == '" Lind ', (cue, text)


def test_a_speaker_named_inside_the_quote_is_not_taken_from_there() -> None:
    text = (
        "The harbour board met on Monday.\n\n"
        '"Nobody on the harbour board has read the report," said the board, in a statement.\n'
    )
    q = Quote(text=m("Nobody on the harbour board has read the report,"), speaker=m("board"), cue=m("said"))
    b = ground(Briefing(source=SourceInfo(sha256="0" * 64, length=len(text)), quotes=[q]), text)
    quote, speaker = b.quotes[0].text.spans[0], b.quotes[0].speaker.spans[0]
    assert quote.start is not None and quote.end is not None and speaker.start is not None
    assert not quote.start <= speaker.start < quote.end  # not the "board" inside the quote's words
    assert text[speaker.start - 4 : speaker.end] == "the board"


def test_evidence_broken_by_its_attribution_is_found_as_two_spans() -> None:
    b = ground(_quote("Passengers had waited long enough for a safe crossing", "Lind", "said", kind="indirect"), LONG)
    spans = b.quotes[0].text.spans
    assert [s.text for s in spans] == ["Passengers", "had waited long enough for a safe crossing"]
    assert all(s.start is not None and LONG[s.start : s.end] == s.text for s in spans)


def test_pieces_too_far_apart_or_across_paragraphs_are_not_joined() -> None:
    far = ground(_quote("The board said the channel had not been dredged", "board", "said", kind="indirect"), LONG)
    assert [s.located for s in far.quotes[0].text.spans] == [False]
    # "...dredged.\n\nPassengers, Lind said, had waited long enough": a paragraph between the pieces
    assert locate_interrupted("the channel had not been dredged had waited long enough", LONG) == []


def _common_words_text(words: int, seed: int) -> str:
    """``words`` words drawn from 40 common ones: every word and pair occurs far more than 64 times."""
    import random

    rng = random.Random(seed)
    vocab = [f"{a}{b}ter" for a in "bcdfghjklm" for b in "aeio"]
    return " ".join(rng.choice(vocab) for _ in range(words))


def test_a_typo_far_into_a_64k_word_text_of_common_words_is_found_at_its_offsets() -> None:
    # The fuzzy tier once looked only at the first 64 occurrences of the query's rarest words.
    text = _common_words_text(64_000, seed=3)
    cut = [mm.start() for mm in re.finditer(r"\S+", text)]
    a = cut[60_000]
    b = cut[60_012] - 1
    passage = text[a:b]
    assert text.count(passage) == 1
    i = len(passage) // 2 + (1 if passage[len(passage) // 2] == " " else 0)
    query = passage[:i] + ("z" if passage[i] != "z" else "y") + passage[i + 1 :]
    span = locate(query, text)
    assert (span.start, span.end, span.status) == (a, b, MatchStatus.FUZZY)


def test_a_fuzzy_query_cut_from_inside_words_at_both_ends_is_found() -> None:
    # "sels" of "vessels" and "centra" of "central": the end words are not in the text as words.
    text = "The coast guard stopped two vessels in the central channel on Monday."
    span = locate("sels in the ce,ntra", text)
    assert span.status is MatchStatus.FUZZY and span.start == text.index("sels") and span.text.endswith("centra")
