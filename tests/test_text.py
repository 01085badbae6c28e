"""Normalisation with an offset map, sentences, paragraphs and quotation-mark pairing."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from _build import isil_text
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.engines.rules.doc import Doc
from summarizer.errors import DecodeError, EmptyTextError
from summarizer.text import QuoteRegion, SourceText, fold_marks, normalize, read_article


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_offset_map_points_into_the_original(text: str) -> None:
    norm = normalize(text)
    assert len(norm.starts) == len(norm.text)
    assert list(norm.starts) == sorted(norm.starts)
    assert all(0 <= i < len(text) for i in norm.starts)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii", exclude_characters="\x00"), max_size=100))
def test_ascii_letters_map_to_themselves(text: str) -> None:
    norm = normalize(text)
    for ch, i in zip(norm.text, norm.starts, strict=True):
        if ch.isalnum():
            assert text[i].lower() == ch


def test_folds_marks_dashes_space_case_and_digit_commas() -> None:
    norm = normalize("“Hello”  —\n World: 1,200 and 3,40")
    assert norm.text == '"hello" - world: 1200 and 3,40'
    a = norm.text.index("1200")
    assert norm.to_original(a, a + 4) == (19, 24)


def test_expanding_characters_keep_the_map() -> None:
    norm = normalize("ﬁnal … Ōsaka")
    assert norm.text == "final ... osaka"
    assert norm.to_original(0, 5) == (0, 4)


def test_fold_marks_keeps_case_and_words() -> None:
    assert fold_marks("“It’s  over,”\nhe said") == '"It\'s over," he said'


def test_paragraphs_and_sentences_of_the_fixture() -> None:
    src = SourceText(isil_text())
    assert len(src.paragraphs) == 26
    texts = [src.text[a:b] for a, b in src.sentences]
    assert "“The recapture is not an end in itself." in texts
    # "Oct." and "U.S." do not end sentences.
    assert any(t.startswith("The defense ministers of the United States") and t.endswith("city.") for t in texts)


def test_hard_wrapped_text_uses_lines_only_without_blank_lines() -> None:
    src = SourceText("First line of a paragraph\ncontinues here.\n\nSecond paragraph.")
    assert len(src.paragraphs) == 2
    src2 = SourceText("One.\nTwo.\nThree.")
    assert len(src2.paragraphs) == 3


def test_quotes_are_paired_curly_and_straight() -> None:
    src = SourceText("He said \"we stay\" and she said “we go.” Then 'fine' came.")
    regions = [src.text[q.start : q.end] for q in src.quotes if not q.nested]
    assert regions == ['"we stay"', "“we go.”"]


def test_quote_over_paragraphs_reopens_with_a_mark() -> None:
    text = "“We will fight on,\n\n“and we will win,” he said.\n\nNext."
    src = SourceText(text)
    [q] = [q for q in src.quotes if not q.nested]
    assert (q.start, q.end, q.closed) == (0, text.index("” he") + 1, True)
    assert len(q.pieces) == 2
    assert src.enclosing_quote(text.index("fight"), text.index("win") + 3) is q


def test_unclosed_quote_ends_with_its_paragraph() -> None:
    text = "He said “this never closes.\n\nA new paragraph."
    [q] = SourceText(text).quotes
    assert not q.closed and q.end == text.index("\n")


def test_nested_single_quotes_and_apostrophes() -> None:
    text = "“They called it ‘the last stand’ in Iraq’s north,” he said."
    src = SourceText(text)
    nested = [text[q.start : q.end] for q in src.quotes if q.nested]
    assert nested == ["‘the last stand’"]


def test_read_article_decodes_utf8_and_drops_a_bom(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes("\ufeff“Hi,” he said.".encode())
    assert read_article(f) == "“Hi,” he said."


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        ("café".encode("latin-1"), DecodeError, "not valid UTF-8 at byte 3"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", DecodeError, "binary file"),
        (b"  \n ", EmptyTextError, "empty"),
    ],
)
def test_read_article_rejects_bad_files_clearly(tmp_path: Path, content: bytes, error: type, message: str) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    with pytest.raises(error, match=message) as info:
        read_article(f)
    assert "bad.txt" in str(info.value)


def test_read_article_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DecodeError, match="cannot read"):
        read_article(tmp_path / "nope.txt")


# --------------------------------------------------------------------------- the quotation index

# Text crowded with every kind of mark, paragraph breaks and apostrophes, so that pairing, nesting,
# unclosed quotations and continuation over paragraphs all occur.
_MARKY = st.text(alphabet=list("ab .,(\"“”„‟«»'‘’‚‛‹›`\n"), max_size=120)


def _scan(src: SourceText, start: int, end: int, nested: bool) -> QuoteRegion | None:
    """The brute-force answer: the first region of the kind, in order, that contains the range."""
    return next((q for q in src.quotes if q.nested == nested and q.contains(start, end)), None)


@settings(max_examples=400, deadline=None)
@given(_MARKY)
def test_quotations_of_one_kind_never_overlap(text: str) -> None:
    """The invariant the bisecting index rests on: in start order, each region of a kind ends before the next
    starts; every nested region lies in a piece of a top-level one."""
    src = SourceText(text)
    for nested in (False, True):
        regions = src.quote_index(nested=nested).regions
        assert regions == [q for q in src.quotes if q.nested == nested]
        assert all(q.start < q.end for q in regions)
        assert all(a.end <= b.start for a, b in itertools.pairwise(regions))
    for q in src.quote_index(nested=True).regions:
        outer = [r for r in src.quote_index().regions if any(a <= q.start and q.end <= b for a, b in r.pieces)]
        assert len(outer) == 1


@settings(max_examples=400, deadline=None)
@given(_MARKY, st.lists(st.tuples(st.integers(-2, 125), st.integers(-2, 125)), min_size=1, max_size=30))
def test_enclosing_quote_agrees_with_a_linear_scan(text: str, ranges: list[tuple[int, int]]) -> None:
    src = SourceText(text)
    for start, end in ranges:  # empty and inverted ranges included: the semantics are contains(start, end)
        for nested in (False, True):
            assert src.enclosing_quote(start, end, nested=nested) is _scan(src, start, end, nested)


@settings(max_examples=300, deadline=None)
@given(_MARKY, st.lists(st.tuples(st.integers(-2, 125), st.integers(-2, 125)), min_size=1, max_size=30))
def test_rules_doc_reads_the_same_index(text: str, ranges: list[tuple[int, int]]) -> None:
    """``Doc.quote_at`` / ``Doc.regions_in`` delegate to the source text's index and agree with a scan."""
    src = SourceText(text)
    doc = Doc(src)
    top = [q for q in src.quotes if not q.nested]
    assert doc.regions is src.quote_index().regions
    for start, end in ranges:
        assert doc.quote_at(start) is next((q for q in top if q.start <= start < q.end), None)
        assert doc.regions_in(start, end) == [q for q in top if q.start < end and q.end > start]


def test_enclosing_quote_at_touching_quotations_keeps_the_first() -> None:
    """At the boundary of two adjacent quotations an empty range lies in both: the first one is returned,
    as the linear scan returned it."""
    text = "“one”“two” and ‘x’"
    src = SourceText(text)
    first, second = src.quote_index().regions
    assert first.end == second.start
    assert src.enclosing_quote(first.end, first.end) is first
    assert src.enclosing_quote(first.end, first.end + 1) is second
    assert src.enclosing_quote(0, len(text)) is None
