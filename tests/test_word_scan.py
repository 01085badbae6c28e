"""lexicon.finditer_at_words gives the matches of pattern.finditer (dates, quantities, casualty cues)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from summarizer import coverage, parse
from summarizer.lexicon import finditer_at_words

ROOT = Path(__file__).resolve().parent.parent
_VOCAB = (  # the words and fragments the scans meet, "|"-separated
    "at least|no fewer than|more|upwards of|in excess of|up to|about|an estimated|dozens|"
    "tens of thousands|between|five|fiveor|twenty-one|one|ones|a|an|a hundred|dozen|dozenskm|fivekm|tento|"
    "km|5|5,000|1.5|million|or|to|and|-|–|killed|Killed|killedx|dead_|fled|Oct.|Oct|25|2016|2016-10-26|in|"
    "mid-|mid|March|may|since|last|Tuesday|Tuesdays|yesterday|Sept.|3rd|of|ſept|ſix|K|İn|_Oct|Oct_|٣|this|"
    "next|early|Nov.x"
).split("|")
_SEPARATORS = ["", " ", " ", ".", ", ", "-", "\n"]


def _texts() -> list[str]:
    rng = random.Random(11)
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures" / "articles").glob("*/article.txt"))]
    for _ in range(5_000):
        texts.append("".join(rng.choice(_VOCAB) + rng.choice(_SEPARATORS) for _ in range(rng.randint(1, 12))))
    return texts


def _sig(matches: object) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in matches]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("pattern", "openers", "prefixes"),
    [
        (parse._DATE_RE, parse._DATE_OPENERS, ()),
        (parse._QUANTITY_RE, parse._QUANTITY_OPENERS, parse._QUANTITY_PREFIXES),
    ],
    ids=["dates", "quantities"],
)
def test_the_word_scan_finds_what_finditer_finds(pattern, openers, prefixes) -> None:  # type: ignore[no-untyped-def]
    for text in _texts():
        assert _sig(finditer_at_words(pattern, text, openers, prefixes)) == _sig(pattern.finditer(text)), text


def test_the_word_scan_takes_pos_and_endpos_as_finditer_does() -> None:
    rng = random.Random(3)
    assert coverage._CASUALTY_OPENERS is not None
    for text in _texts():
        for _ in range(3):
            a, b = sorted((rng.randint(0, len(text)), rng.randint(0, len(text))))
            fast = finditer_at_words(coverage._CASUALTY, text, coverage._CASUALTY_OPENERS, pos=a, endpos=b)
            assert [m.span() for m in fast] == [m.span() for m in coverage._CASUALTY.finditer(text, a, b)]


def test_without_its_prefixes_the_quantity_scan_would_miss_matches() -> None:
    """The check above is not vacuous: number words run into what follows them ("fiveor six")."""
    text = "fiveor six were hurt"
    assert _sig(parse._QUANTITY_RE.finditer(text))
    assert not _sig(finditer_at_words(parse._QUANTITY_RE, text, parse._QUANTITY_OPENERS))
