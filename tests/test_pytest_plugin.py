"""The pytest plugin (entry point ``pytest11: summarizer``): off by default, fixture articles as items on request."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "fixtures" / "articles"
BASELINE = ROOT / "evals" / "baseline-rules.json"


def _copy(pytester: pytest.Pytester, *ids: str) -> Path:
    dest = pytester.path / "articles"
    for i in ids:
        shutil.copytree(ARTICLES / i, dest / i)
    return dest


def test_off_by_default(pytester: pytest.Pytester) -> None:
    _copy(pytester, "sannar-aid-convoy")
    pytester.makepyfile("def test_plain():\n    assert True\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_each_fixture_article_is_an_item(pytester: pytest.Pytester) -> None:
    root = _copy(pytester, "sannar-aid-convoy", "zahra-valley-front")
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "--summarizer-fixtures", str(root), "--summarizer-engine", "rules", "-v"
    )
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*sannar-aid-convoy PASSED*", "*zahra-valley-front PASSED*"])


def test_an_article_below_the_baseline_fails(pytester: pytest.Pytester) -> None:
    root = _copy(pytester, "sannar-aid-convoy")
    gold = root / "sannar-aid-convoy" / "gold.json"
    base = pytester.path / "base.json"
    text = BASELINE.read_text(encoding="utf-8")
    # a baseline that matched one more quote than the engine does: the article must fail against it
    import json

    data = json.loads(text)
    for a in data["articles"]:
        for f in a.get("fields", []):
            if a["id"] == "sannar-aid-convoy" and f["field"] == "quotes":
                f["tp"] += 1
                f["matched"].append("a quote the baseline had")
    base.write_text(json.dumps(data), encoding="utf-8")
    assert gold.exists()
    result = pytester.runpytest(
        "-p",
        "no:cacheprovider",
        "--summarizer-fixtures",
        str(root),
        "--summarizer-engine",
        "rules",
        "--summarizer-baseline",
        str(base),
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*below the baseline*", "*a quote the baseline had*"])


def test_the_fixtures_and_the_regression_helper(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        import pytest
        from pathlib import Path
        from summarizer.evalrun import load_run
        from summarizer.pytest_plugin import assert_no_regression

        BASE = {str(BASELINE)!r}

        def test_settings(summarizer_settings, summarizer_replay_client):
            assert summarizer_settings.cache is False
            assert getattr(summarizer_settings, "recording_mode", "replay") == "replay"
            assert summarizer_replay_client is summarizer_settings

        def test_same_run_passes():
            assert not assert_no_regression(BASE, BASE).failed

        def test_a_drop_fails():
            base = load_run(Path(BASE))
            worse = base.model_copy(update={{"scores": dict(base.scores, **{{"quotes.f1": 0.0}})}})
            assert_no_regression(worse, base)
        """
    )
    (pytester.path / "recordings").mkdir()
    result = pytester.runpytest("-p", "no:cacheprovider", "--summarizer-recordings", str(pytester.path / "recordings"))
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*regression beyond tolerance in quotes.f1*"])
