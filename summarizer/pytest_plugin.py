"""A pytest plugin for prompt regression tests (entry point ``pytest11: summarizer``).

Off unless asked for, so a project's own suite is unaffected:

* ``pytest --summarizer-fixtures DIR [--summarizer-engine llm|rules] [--summarizer-recordings DIR]
  [--summarizer-baseline RUN.json]``: each fixture article under ``DIR`` with gold becomes a
  test item that runs the engine (replaying recordings for ``llm``) and fails when the
  article raises, when its briefing has fields that fail validation, or, with a baseline
  run, when a field matches fewer gold items than the baseline did;
* fixtures ``summarizer_settings`` (:class:`~summarizer.config.LLMSettings` in replay mode,
  no cache, from ``--summarizer-recordings``) and ``summarizer_replay_client`` (the same, for
  tests that build their engine themselves);
* :func:`assert_no_regression` for tests that compare two runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .config import LLMSettings
from .evalrun import DEFAULT_TOLERANCES, EvalRun, RunDiff, Tolerances, diff, diff_text, load_run, run_eval, run_settings
from .evals import Fixture, load_fixture

__all__ = ["assert_no_regression"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("summarizer", "summarizer prompt regression")
    group.addoption("--summarizer-fixtures", metavar="DIR", default=None, help="collect each fixture article as a test")
    group.addoption("--summarizer-engine", choices=("llm", "rules"), default="llm", help="engine to run (default llm)")
    group.addoption("--summarizer-recordings", metavar="DIR", default=None, help="recordings to replay")
    group.addoption("--summarizer-baseline", metavar="RUN.json", default=None, help="fail an article below this run")


def assert_no_regression(
    candidate_run: EvalRun | Path | str,
    baseline_run: EvalRun | Path | str,
    tolerances: Tolerances | None = None,
) -> RunDiff:
    """Fail the test (with the diff as the message) when a metric dropped beyond its tolerance."""
    cand = candidate_run if isinstance(candidate_run, EvalRun) else load_run(Path(candidate_run))
    base = baseline_run if isinstance(baseline_run, EvalRun) else load_run(Path(baseline_run))
    d = diff(base, cand, tolerances or DEFAULT_TOLERANCES)
    if d.failed:
        names = ", ".join(m.name for m in d.failed)
        pytest.fail(f"regression beyond tolerance in {names}\n{diff_text(d)}", pytrace=False)
    return d


def _replay_settings(config: pytest.Config) -> LLMSettings:
    """Replay settings; recordings from the option, else ``SUMMARIZER_RECORDINGS_DIR``, else ``fixtures/recordings``."""
    rec = config.getoption("--summarizer-recordings")
    base = LLMSettings.from_env(cache=False)
    where = Path(rec) if rec else getattr(base, "recordings_dir", None) or config.rootpath / "fixtures" / "recordings"
    return run_settings(base, "replay", recordings_dir=where)


@pytest.fixture
def summarizer_settings(request: pytest.FixtureRequest) -> LLMSettings:
    """LLM settings that replay recordings (``--summarizer-recordings``) and never use the cache."""
    return _replay_settings(request.config)


@pytest.fixture
def summarizer_replay_client(summarizer_settings: LLMSettings) -> Iterator[LLMSettings]:
    """The replay settings, for tests that make the engine themselves (``summarize(..., settings=...)``)."""
    yield summarizer_settings


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    root = parent.config.getoption("--summarizer-fixtures")
    if not root or file_path.name != "gold.json":
        return None
    base = Path(root).resolve()
    if file_path.parent.parent.resolve() != base:
        return None
    return FixtureFile.from_parent(parent, path=file_path)


def pytest_configure(config: pytest.Config) -> None:
    root = config.getoption("--summarizer-fixtures")
    if root and not Path(root).is_dir():
        raise pytest.UsageError(f"--summarizer-fixtures {root}: not a directory")
    if root:  # collect the fixtures even when other paths are given
        base = Path(root).resolve()
        given = [Path(str(a).split("::")[0]).resolve() for a in config.args]
        if not any(g == base or g in base.parents for g in given):
            config.args.append(str(base))


class FixtureFile(pytest.File):
    """A fixture folder's gold.json: one test item, the article."""

    def collect(self) -> Iterator[FixtureItem]:
        yield FixtureItem.from_parent(self, name=self.path.parent.name)


class FixtureItem(pytest.Item):
    """One fixture article run through the engine and checked against gold (and the baseline)."""

    def runtest(self) -> None:
        fixture = load_fixture(self.path.parent)
        engine = self.config.getoption("--summarizer-engine")
        settings = _replay_settings(self.config) if engine == "llm" else None
        run = run_eval([fixture], engine=engine, mode="replay", settings=settings)
        self.user_properties.append(("scores", run.scores))
        art = run.articles[0]
        if art.briefing is None:
            raise ArticleFailure(f"{fixture.id}: the engine raised {art.error_type}: {art.error}")
        m = art.metrics
        if m.fields_verified_after != m.fields_checked_after:
            raise ArticleFailure(
                f"{fixture.id}: {m.fields_checked_after - m.fields_verified_after} field(s) unverified"
            )
        self._against_baseline(fixture, run)

    def _against_baseline(self, fixture: Fixture, run: EvalRun) -> None:
        path = self.config.getoption("--summarizer-baseline")
        if not path:
            return
        base = load_run(Path(path))
        if fixture.id not in {a.id for a in base.articles}:
            return
        fewer = [
            f"{c.field}: {c.base_tp} -> {c.cand_tp} matched; lost {list(c.lost)}"
            for c in diff(base, run).changes
            if c.article_id == fixture.id and c.cand_tp < c.base_tp
        ]
        if fewer:
            raise ArticleFailure(f"{fixture.id} below the baseline:\n" + "\n".join(fewer))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ArticleFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"summarizer fixture {self.name}"


class ArticleFailure(Exception):
    """An article's check failed (shown without a traceback)."""
