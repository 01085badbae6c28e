"""The non-Latin-names fixture (issue 10): gold spans over Arabic, Cyrillic, Vietnamese and decomposed names.

Offsets are code points of the exact string the caller passed: a name written with a
combining mark (NFD, "e" + U+0301) is one code point longer than the same name precomposed,
and its gold span says so.
"""

from __future__ import annotations

import unicodedata

import pytest

from summarizer.evals import Fixture, load_fixtures
from summarizer.locate import iter_evidence
from summarizer.schema import Span

ID = "non-latin-names"
JOSE_NFD = "Jose\u0301 Ibarra"
DUCHATEL_NFD = "Rene\u0301e Ducha\u0302tel"


def _script(ch: str) -> str | None:
    if unicodedata.combining(ch):
        return "combining mark"
    name = unicodedata.name(ch, "")
    for script in ("ARABIC", "CYRILLIC"):
        if name.startswith(script):
            return script.lower()
    if name.startswith("LATIN") and unicodedata.decomposition(ch).count(" ") >= 1 and "WITH" in name:
        return "precomposed latin"
    return None


@pytest.fixture(scope="module")
def fixture() -> Fixture:
    found = [f for f in load_fixtures() if f.id == ID]
    assert len(found) == 1 and found[0].gold is not None
    return found[0]


def _spans(fx: Fixture) -> list[tuple[str, Span]]:
    assert fx.gold is not None
    return [
        (path, span)
        for prefix, item in [("source", fx.gold.source), *fx.gold.items()]
        for path, ev in iter_evidence(item, prefix)
        for span in ev.spans
    ]


def test_the_article_keeps_its_decomposed_names(fixture: Fixture) -> None:
    assert JOSE_NFD in fixture.text and DUCHATEL_NFD in fixture.text
    assert unicodedata.normalize("NFC", JOSE_NFD) not in fixture.text, "an editor normalised the file to NFC"
    assert len(JOSE_NFD) == len("José Ibarra") + 1  # the combining acute is a code point of its own


@pytest.mark.parametrize("script", ["arabic", "cyrillic", "combining mark", "precomposed latin"])
def test_gold_spans_in_each_script_reproduce_the_article(fixture: Fixture, script: str) -> None:
    spans = [(p, s) for p, s in _spans(fixture) if any(_script(ch) == script for ch in s.text)]
    assert spans, f"no gold span holds a {script} character"
    for path, span in spans:
        assert span.start is not None and span.end is not None, path
        assert fixture.text[span.start : span.end] == span.text, path
        assert span.end - span.start == len(span.text), path


@pytest.mark.parametrize(
    ("name", "code_points"),
    [(JOSE_NFD, 12), (DUCHATEL_NFD, 16), ("Олена Коваль", 12), ("محمود الحسيني", 13), ("Nguyễn Thị Thu", 14)],
    ids=["nfd-jose", "nfd-duchatel", "cyrillic", "arabic", "vietnamese"],
)
def test_a_participant_s_span_counts_code_points(fixture: Fixture, name: str, code_points: int) -> None:
    assert fixture.gold is not None
    names = [p.name for m in fixture.gold.meetings for p in m.participants if p.name.value == name]
    assert len(names) == 1, name
    (span,) = names[0].spans
    assert span.text == name and span.start is not None and span.end is not None
    assert span.end - span.start == code_points
    assert fixture.text[span.start : span.end] == name
