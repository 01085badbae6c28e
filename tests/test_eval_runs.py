"""summarizer eval: run files, rescore, diff and its tolerances, the commands and the committed baseline."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from summarizer import errors
from summarizer.cli import main
from summarizer.config import LLMSettings
from summarizer.errors import FixtureError
from summarizer.evalrun import (
    DEFAULT_TOLERANCES,
    EvalRun,
    Tolerances,
    aggregate,
    diff,
    diff_markdown,
    load_run,
    load_tolerances,
    rescore,
    run_eval,
)
from summarizer.evals import SUBFIELDS, Fixture, load_fixtures

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "evals" / "baseline-rules.json"
TOLERANCES = ROOT / "evals" / "tolerances.toml"
FIXTURES = ROOT / "fixtures" / "articles"


@pytest.fixture(scope="module")
def fixtures() -> list[Fixture]:
    return [f for f in load_fixtures() if f.gold is not None]


@pytest.fixture(scope="module")
def fresh(fixtures: list[Fixture]) -> EvalRun:
    return run_eval(fixtures, engine="rules")


def _without_quotes(run: EvalRun, article_id: str, keep: int) -> EvalRun:
    arts = []
    for a in run.articles:
        if a.id == article_id and a.briefing is not None:
            b = a.briefing.model_copy(update={"quotes": a.briefing.quotes[:keep]})
            a = a.model_copy(update={"briefing": b})
        arts.append(a)
    return run.model_copy(update={"articles": tuple(arts)})


# --------------------------------------------------------------------------- run files


def test_a_run_file_round_trips_and_keeps_what_rescoring_needs(fresh: EvalRun, tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    path.write_text(fresh.dump(), encoding="utf-8")
    back = load_run(path)
    assert back == fresh
    assert all(a.briefing is not None and a.text_sha256 and a.gold_sha256 for a in back.articles)
    assert back.identity.engine == "rules"


def test_every_sub_field_has_its_own_scores(fresh: EvalRun) -> None:
    for sub in SUBFIELDS:
        for stat in ("precision", "recall", "f1", "accuracy"):
            assert 0.0 <= fresh.scores[f"{sub}.{stat}"] <= 1.0, sub
    for name in ("grounding.before", "grounding.after", "coverage", "reasks", "tokens", "latency.mean_s"):
        assert name in fresh.scores


def test_rescore_of_an_unchanged_run_gives_the_same_scores(fresh: EvalRun, fixtures: list[Fixture]) -> None:
    assert rescore(fresh, fixtures).scores == fresh.scores


def test_rescore_sees_a_changed_briefing(fresh: EvalRun, fixtures: list[Fixture]) -> None:
    worse = rescore(_without_quotes(fresh, "anti-isil-coalition", 0), fixtures)
    assert worse.scores["quotes.recall"] < fresh.scores["quotes.recall"]


def test_rescore_refuses_a_run_of_another_text(fresh: EvalRun, fixtures: list[Fixture]) -> None:
    first = fresh.articles[0].model_copy(update={"text_sha256": "0" * 64})
    with pytest.raises(FixtureError, match="changed since the run"):
        rescore(fresh.model_copy(update={"articles": (first, *fresh.articles[1:])}), fixtures)


def test_a_file_that_is_not_a_run_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "summarizer.eval-run", "surprise": 1}', encoding="utf-8")
    with pytest.raises(FixtureError, match=r"bad\.json"):
        load_run(bad)


# --------------------------------------------------------------------------- diff


def test_a_run_against_itself_passes(fresh: EvalRun) -> None:
    d = diff(fresh, fresh)
    assert not d.failed and not d.changes and d.compared == tuple(a.id for a in fresh.articles)


def test_lost_quotes_fail_the_diff_and_are_named(fresh: EvalRun, fixtures: list[Fixture]) -> None:
    cand = rescore(_without_quotes(_without_quotes(fresh, "anti-isil-coalition", 0), "sannar-aid-convoy", 0), fixtures)
    d = diff(fresh, cand)
    assert "quotes.recall" in {m.name for m in d.failed}
    lost = {c.article_id: c.lost for c in d.changes if c.field == "quotes"}
    assert lost["anti-isil-coalition"] and lost["sannar-aid-convoy"]
    md = diff_markdown(d)
    assert "dropped beyond tolerance" in md and "lost `" in md and "<details>" in md


def test_grounding_may_never_drop_whatever_the_tolerances_say(fresh: EvalRun) -> None:
    loose = Tolerances(max_drop={"*": 1.0, "grounding.before": 1.0})
    scores = dict(fresh.scores, **{"grounding.before": fresh.scores["grounding.before"] - 0.001})
    d = diff(fresh, fresh.model_copy(update={"scores": scores}), loose)
    assert [m.name for m in d.failed] == ["grounding.before"]


def test_articles_only_one_run_has_are_left_out_of_the_comparison(fresh: EvalRun) -> None:
    fewer = fresh.model_copy(update={"articles": fresh.articles[1:]})
    fewer = fewer.model_copy(update={"scores": aggregate(fewer.articles)})
    d = diff(fresh, fewer)
    assert d.only_base == (fresh.articles[0].id,) and not d.failed


@pytest.mark.parametrize(
    ("metric", "pattern", "limit"),
    [("quotes.f1", "*.f1", 0.02), ("incidents.date.accuracy", "*.accuracy", 0.05), ("quotes.macro_f1", None, None)],
    ids=["field-f1", "sub-field-accuracy", "ungated"],
)
def test_the_committed_tolerances(metric: str, pattern: str | None, limit: float | None) -> None:
    tol = load_tolerances(TOLERANCES)
    assert tol == DEFAULT_TOLERANCES
    assert tol.limit(metric) == limit


def test_a_bad_tolerances_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "tol.toml"
    bad.write_text("[max_drop]\n'*.f1' = -1\n", encoding="utf-8")
    with pytest.raises(FixtureError, match=r"tol\.toml"):
        load_tolerances(bad)


# --------------------------------------------------------------------------- the committed baseline


def test_the_committed_baseline_is_what_the_rules_engine_scores_now(fresh: EvalRun) -> None:
    """A change to the rules, the validator, the scorer or the fixtures updates the baseline in the same commit:
    ``summarizer eval run --engine rules -o evals/baseline-rules.json`` (README, "Prompt regression testing")."""
    base = load_run(BASELINE)
    how = "regenerate it: summarizer eval run --engine rules -o evals/baseline-rules.json"
    assert [a.id for a in base.articles] == [a.id for a in fresh.articles], f"the fixtures changed; {how}"
    timing = ("latency.total_s", "latency.mean_s")
    assert {k: v for k, v in base.scores.items() if k not in timing} == {
        k: v for k, v in fresh.scores.items() if k not in timing
    }, f"the scores changed; {how}"
    for b, f in zip(base.articles, fresh.articles, strict=True):
        assert b.briefing == f.briefing, f"{b.id}: the briefing changed; {how}"
        assert b.fields == f.fields, f"{b.id}: its scores changed; {how}"


# --------------------------------------------------------------------------- the commands


def test_eval_run_diff_and_rescore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run.json"
    assert main(["eval", "run", str(FIXTURES), "--engine", "rules", "-o", str(run)]) == 0
    out = capsys.readouterr().out
    assert "incident fatalities" in out and "front-line distance" in out and "grounding" in out
    assert main(["eval", "diff", str(BASELINE), str(run), "--tolerances", str(TOLERANCES)]) == 0
    assert "no regression" in capsys.readouterr().out
    again = tmp_path / "again.json"
    assert main(["eval", "rescore", str(run), str(FIXTURES), "-o", str(again)]) == 0
    assert load_run(again).scores == load_run(run).scores


def test_eval_diff_exits_1_on_a_regression_with_markdown_and_json(
    fresh: EvalRun, fixtures: list[Fixture], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, cand = tmp_path / "base.json", tmp_path / "cand.json"
    base.write_text(fresh.dump(), encoding="utf-8")
    worse = rescore(_without_quotes(_without_quotes(fresh, "anti-isil-coalition", 0), "sannar-aid-convoy", 0), fixtures)
    cand.write_text(worse.dump(), encoding="utf-8")
    assert main(["eval", "diff", str(base), str(cand), "--format", "md"]) == 1
    assert "### Eval diff" in capsys.readouterr().out
    assert main(["eval", "diff", str(base), str(cand), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert any(m["name"] == "quotes.recall" and m["failed"] for m in data["metrics"])
    assert main(["eval", "diff", str(base), str(cand)]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_eval_diff_names_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "diff", str(tmp_path / "nope.json"), str(BASELINE)]) == 1
    assert "nope.json" in capsys.readouterr().err


@pytest.mark.skipif(
    not hasattr(errors, "RecordingMissError")
    or "recording_mode" not in {f.name for f in dataclasses.fields(LLMSettings)},
    reason="the LLM engine's record/replay is not in this build",
)
def test_a_replay_miss_exits_3_with_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("SUMMARIZER_MODEL", "m")
    empty = tmp_path / "recordings"
    empty.mkdir()
    argv = ["eval", "run", str(FIXTURES), "--engine", "llm", "--mode", "replay", "--recordings", str(empty)]
    assert main(argv) == 3
    assert "no recording" in capsys.readouterr().err


def test_eval_with_a_folder_and_no_subcommand_is_eval_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    src = Path(__file__).resolve().parent.parent / "fixtures" / "articles" / "baltic-cable-summit"
    (folder / src.name).mkdir()
    for name in ("article.txt", "meta.json", "gold.json"):
        (folder / src.name / name).write_bytes((src / name).read_bytes())
    out = tmp_path / "run.json"
    code = main(["eval", str(folder), "--engine", "rules", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    run = json.loads(out.read_text(encoding="utf-8"))
    assert [a["id"] for a in run["articles"]] == ["baltic-cable-summit"]
