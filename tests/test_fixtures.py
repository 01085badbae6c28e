"""The fixture corpus: every article loads, every gold span is exact, every gold briefing validates."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.errors import FixtureError
from summarizer.evals import Fixture, fixtures_root, load_fixture, load_fixtures
from summarizer.locate import iter_evidence
from summarizer.schema import MatchStatus, QuoteKind
from summarizer.text import source_text
from summarizer.validate import validate

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = load_fixtures()
IDS = [f.id for f in FIXTURES]
TEAM_ORIGIN = "written by the summarizer team for tests"


@pytest.fixture(params=FIXTURES, ids=IDS)
def fixture(request: pytest.FixtureRequest) -> Fixture:
    assert isinstance(request.param, Fixture)
    return request.param


def test_the_corpus_has_the_seed_article_and_five_team_articles() -> None:
    assert "anti-isil-coalition" in IDS
    team = [f for f in FIXTURES if f.meta.origin.startswith(TEAM_ORIGIN)]
    assert len(team) >= 5
    assert all(f.gold is not None for f in FIXTURES), "every fixture needs a gold.json"


def test_fixture_loads_with_its_metadata(fixture: Fixture) -> None:
    assert fixture.meta.id == fixture.path.name
    assert fixture.gold is not None
    assert fixture.gold.source.article_date == fixture.meta.date
    assert fixture.gold.source.length == len(fixture.text)
    assert fixture.gold.source.sha256 == hashlib.sha256(fixture.text.encode("utf-8")).hexdigest()
    assert fixture.gold.provenance is not None and fixture.gold.provenance.engine == "gold"


def test_every_fixture_is_in_the_dev_or_the_held_out_split() -> None:
    """Held-out articles were written after the rules engine was finished; dev ones were seen while it was tuned."""
    splits = {f.id: f.meta.split for f in FIXTURES}
    assert set(splits.values()) == {"dev", "heldout"}, splits
    held = [f for f in FIXTURES if f.meta.split == "heldout"]
    assert len(held) >= 3 and all(f.meta.origin.startswith(TEAM_ORIGIN) for f in held)
    assert splits["anti-isil-coalition"] == "dev"


def test_a_split_other_than_dev_or_heldout_is_a_fixture_error(tmp_path: Path) -> None:
    meta = {"id": "x", "title": "T", "date": "2024-01-02", "origin": "o", "split": "train"}
    with pytest.raises(FixtureError, match="split"):
        load_fixture(_write_fixture(tmp_path / "x", meta=meta))
    assert load_fixture(_write_fixture(tmp_path / "y")).meta.split == "dev"


LONG = "long-chunked-report"  # issue 10: long enough for the LLM engine to read it in chunks


def test_team_articles_are_300_to_900_words() -> None:
    counts = {f.id: len(f.text.split()) for f in FIXTURES if f.meta.origin.startswith(TEAM_ORIGIN) and f.id != LONG}
    assert counts and all(300 <= n <= 900 for n in counts.values()), counts


def test_the_long_article_is_over_20000_words() -> None:
    long = [f for f in FIXTURES if f.id == LONG]
    assert [len(f.text.split()) > 20_000 for f in long] == [True]


def test_every_gold_span_reproduces_its_text(fixture: Fixture) -> None:
    assert fixture.gold is not None
    spans = 0
    for prefix, item in [("source", fixture.gold.source), *fixture.gold.items()]:
        for path, ev in iter_evidence(item, prefix):
            assert ev.spans, f"{path} has no span"
            for span in ev.spans:
                assert span.status is MatchStatus.EXACT, f"{path}: {span.text!r} is {span.status.value}"
                assert span.start is not None and span.end is not None
                assert fixture.text[span.start : span.end] == span.text, path
                spans += 1
    assert spans > 20


def test_gold_validates_without_errors(fixture: Fixture) -> None:
    assert fixture.gold is not None
    report = validate(fixture.gold, fixture.text)
    found = {(i.path, i.code): i.message for i in report.errors}
    assert not found, f"validator errors on gold (re-check the gold first): {found}"
    assert report.grounding_rate == 1.0


def test_gold_files_match_their_authoring_modules() -> None:
    """gold.json is regenerated from fixtures/tools/gold/<id>.py; the two must not drift."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "fixtures" / "tools" / "author_gold.py"), "--all", "--check", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("up to date") == len(FIXTURES)


# --------------------------------------------------------------------------- what the corpus covers


def _all_text() -> str:
    return "\n".join(f.text for f in FIXTURES)


def test_corpus_uses_straight_and_curly_quotation_marks() -> None:
    text = _all_text()
    assert "“" in text and "”" in text
    straight = [f for f in FIXTURES if '"' in f.text and "“" not in f.text]
    assert straight, "one article quotes with straight marks only"


def test_corpus_has_a_hard_wrapped_article() -> None:
    wrapped = [f for f in FIXTURES if any("\n" in f.text[a:b] for a, b in source_text(f.text).paragraphs)]
    assert wrapped


def test_corpus_has_an_article_without_quotes() -> None:
    bare = [f for f in FIXTURES if not source_text(f.text).quotes]  # no quotation marks of any style
    assert bare
    assert all(f.gold is not None and not f.gold.quotes for f in bare)


def test_corpus_has_thousands_separators_and_a_multi_paragraph_quote() -> None:
    assert "1,200" in _all_text()
    multi = [
        q
        for f in FIXTURES
        if f.gold is not None
        for q in f.gold.quotes
        if q.kind is QuoteKind.DIRECT and len(q.text.spans) > 1
    ]
    assert multi


# --------------------------------------------------------------------------- load errors


def _write_fixture(folder: Path, *, meta: object | None = None, text: bytes = b"An article.\n") -> Path:
    folder.mkdir(parents=True)
    (folder / "article.txt").write_bytes(text)
    body = meta if meta is not None else {"id": folder.name, "title": "T", "date": "2024-01-02", "origin": "test"}
    (folder / "meta.json").write_text(json.dumps(body), encoding="utf-8")
    return folder


def test_a_minimal_fixture_loads_without_gold(tmp_path: Path) -> None:
    fx = load_fixture(_write_fixture(tmp_path / "tiny"))
    assert fx.gold is None and fx.meta.topics == () and fx.text == "An article.\n"
    assert [f.id for f in load_fixtures(tmp_path)] == ["tiny"]


@pytest.mark.parametrize(
    ("meta", "text", "gold", "culprit", "says"),
    [
        ({"id": "x", "title": "T", "date": "2024-01-02", "origin": "o", "extra": 1}, None, None, "meta.json", "extra"),
        ({"id": "x", "title": "T", "date": "not a date", "origin": "o"}, None, None, "meta.json", "date"),
        ({"id": "other", "title": "T", "date": "2024-01-02", "origin": "o"}, None, None, "meta.json", "folder name"),
        (None, b"caf\xe9\n", None, "article.txt", "UTF-8"),
        (None, None, "{not json", "gold.json", "not JSON"),
        (None, None, json.dumps({"source": {"sha256": "0" * 64, "length": 1}}), "gold.json", "another text"),
        (None, None, json.dumps({"source": {}}), "gold.json", "Briefing"),
    ],
    ids=["extra-key", "bad-date", "id-mismatch", "not-utf8", "gold-not-json", "gold-other-text", "gold-invalid"],
)
def test_load_errors_name_the_file(
    tmp_path: Path, meta: object | None, text: bytes | None, gold: str | None, culprit: str, says: str
) -> None:
    folder = _write_fixture(tmp_path / "x", meta=meta, text=text or b"An article.\n")
    if gold is not None:
        (folder / "gold.json").write_text(gold, encoding="utf-8")
    with pytest.raises(FixtureError) as info:
        load_fixture(folder)
    assert str(folder / culprit) in str(info.value)
    assert says in str(info.value)


def test_missing_files_and_folders_are_fixture_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(FixtureError, match=r"article\.txt"):
        load_fixture(tmp_path / "empty")
    with pytest.raises(FixtureError, match="not a directory"):
        load_fixtures(tmp_path / "nowhere")


def test_default_root_is_the_checkout_fixtures() -> None:
    assert fixtures_root() == ROOT / "fixtures" / "articles"
