"""``summarizer eval``: run an engine over the fixtures, compare two runs, re-score a run.

    summarizer eval run [DIR] [--engine llm|rules] [--mode replay|record|live] [--prompts DIR] [-m M] -o RUN.json
    summarizer eval diff BASE.json CAND.json [--format table|md|json] [--tolerances FILE]
    summarizer eval rescore RUN.json [DIR] -o RUN2.json

Exit codes: 0 fine; 1 a metric dropped beyond its tolerance (diff), an article failed
(run) or a file is unusable; 2 usage error; 3 replay found no recording for a request.
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from . import evalrun
from .config import LLMSettings
from .errors import SummarizerError
from .evals import load_fixtures

__all__ = ["eval_app"]

EXIT_CODES = "Exit codes: 0 fine; 1 regression, failed article or unusable file; 2 usage; 3 replay miss."
DEFAULT_TOLERANCES = Path("evals/tolerances.toml")

eval_app = typer.Typer(
    name="eval",
    help=f"Score an engine against the fixtures' gold and compare runs.\n\n{EXIT_CODES}",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class EngineArg(enum.StrEnum):
    llm = "llm"
    rules = "rules"


class ModeArg(enum.StrEnum):
    replay = "replay"
    record = "record"
    live = "live"


class DiffFormat(enum.StrEnum):
    table = "table"
    md = "md"
    json = "json"


def _say(msg: str) -> None:
    sys.stderr.write(f"summarizer: {msg}\n")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], title: str) -> None:
    """Rows as a rich table on a terminal, plain columns otherwise."""
    if not sys.stdout.isatty():
        sys.stdout.write(evalrun.columns([header, *rows]))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(*header, title=title)
    for r in rows:
        t.add_row(*r)
    Console().print(t)


def _show(run: evalrun.EvalRun) -> None:
    _table(evalrun.SCORE_HEADER, evalrun.score_rows(run), "scores per field")
    sys.stdout.write(evalrun.run_summary(run) + "\n")


def _write(run: evalrun.EvalRun, output: Path | None) -> bool:
    if output is None:
        return True
    try:
        output.write_text(run.dump(), encoding="utf-8")
    except OSError as exc:
        _say(f"cannot write {output}: {exc.strerror or exc}")
        return False
    return True


@eval_app.command("run", epilog=EXIT_CODES)
def run_cmd(
    directory: Annotated[Path, typer.Argument(metavar="[DIR]", help="fixture articles")] = Path("fixtures/articles"),
    engine: Annotated[EngineArg, typer.Option(help="the engine to score")] = EngineArg.llm,
    mode: Annotated[ModeArg, typer.Option(help="LLM requests: replay recordings, record them, or live")] = (
        ModeArg.replay
    ),
    prompts: Annotated[Path | None, typer.Option("--prompts", metavar="DIR", help="prompt templates to use")] = None,
    model: Annotated[str | None, typer.Option("--model", "-m", help="the model the endpoint serves")] = None,
    recordings: Annotated[
        Path | None, typer.Option("--recordings", metavar="DIR", help="where recordings are read and written")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="RUN.json", help="write the run file")
    ] = None,
) -> int:
    """Run an engine on every fixture article with gold, score it, and keep the run."""
    try:
        fixtures = load_fixtures(directory)
        settings = None
        if engine is EngineArg.llm:
            base = LLMSettings.from_env(model=model, prompts_dir=prompts)
            settings = evalrun.run_settings(base, mode.value, recordings_dir=recordings)
        run = evalrun.run_eval(
            fixtures,
            engine=engine.value,
            mode=mode.value,
            settings=settings,
            prompts_dir=prompts,
            fixtures_dir=str(directory),
        )
    except SummarizerError as exc:
        miss = evalrun.recording_miss_error()
        _say(str(exc))
        return 3 if miss is not None and isinstance(exc, miss) else 1
    _show(run)
    if not _write(run, output):
        return 1
    failed = [a.id for a in run.articles if a.briefing is None]
    if failed:
        _say(f"{len(failed)} article(s) failed: {', '.join(failed)}")
        return 1
    return 0


@eval_app.command("diff", epilog=EXIT_CODES)
def diff_cmd(
    base: Annotated[Path, typer.Argument(metavar="BASE.json", help="the baseline run")],
    cand: Annotated[Path, typer.Argument(metavar="CAND.json", help="the candidate run")],
    fmt: Annotated[DiffFormat, typer.Option("--format", "-f", help="table, md (a PR comment) or json")] = (
        DiffFormat.table
    ),
    tolerances: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help=f"TOML of max drops per metric (default {DEFAULT_TOLERANCES} if present)"),
    ] = None,
) -> int:
    """Compare a candidate run with a baseline: exit 1 when a metric drops beyond its tolerance."""
    try:
        tol_path: Path | None = tolerances
        if tol_path is None and DEFAULT_TOLERANCES.is_file():
            tol_path = DEFAULT_TOLERANCES
        tol = evalrun.load_tolerances(tol_path) if tol_path is not None else evalrun.DEFAULT_TOLERANCES
        d = evalrun.diff(evalrun.load_run(base), evalrun.load_run(cand), tol)
    except SummarizerError as exc:
        _say(str(exc))
        return 1
    if fmt is DiffFormat.json:
        sys.stdout.write(evalrun.diff_json(d))
    elif fmt is DiffFormat.md:
        sys.stdout.write(evalrun.diff_markdown(d))
    else:
        _table(evalrun.HEADER, evalrun.delta_rows(d), "baseline → candidate")
        sys.stdout.write(evalrun.diff_tail(d))
    return 1 if d.failed else 0


@eval_app.command("rescore", epilog=EXIT_CODES)
def rescore_cmd(
    run_file: Annotated[Path, typer.Argument(metavar="RUN.json", help="a run file")],
    directory: Annotated[Path, typer.Argument(metavar="[DIR]", help="fixture articles")] = Path("fixtures/articles"),
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="RUN2.json", help="write here")] = None,
) -> int:
    """Score a run's kept briefings again, against the gold and metrics of now."""
    try:
        run = evalrun.rescore(evalrun.load_run(run_file), load_fixtures(directory))
    except SummarizerError as exc:
        _say(str(exc))
        return 1
    _show(run)
    return 0 if _write(run, output) else 1
