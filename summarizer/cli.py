"""The command line: options, inputs and outputs only; the work is done by the library.

    summarizer brief PATH... [-f md|json|jsonl|html] [-o FILE] [--engine auto|llm|rules] [-m MODEL] [--date D]
    summarizer brief PATH... --out-dir DIR [--concurrency N] [--no-resume]
    summarizer brief PATH... --batch [--batch-dir DIR] [--batch-id ID] [--batch-wait S] [-o FILE | --out-dir DIR]
    summarizer brief PATH... --batch-file REQUESTS.jsonl
    summarizer brief PATH... --batch-results RESULTS.jsonl [-o FILE | --out-dir DIR]
    summarizer validate FILE [ARTICLE...] [-f md|json] [-o FILE]

PATHs are files, directories (walked for ``.txt``, ``.md``, ``.html``, ``.jsonl``), globs
and ``-`` for stdin (:mod:`summarizer.sources`). One article gives its briefing; several
give one merged daily briefing (:mod:`summarizer.daily`) in Markdown, JSON or HTML, or
JSONL: one line per input with its id, text and briefing or error. A batch goes on when
an article fails and names it. Errors no article could avoid (no model configured, a
rejected key, nothing listening at the endpoint) stop the run once, with the fix.
Progress goes to stderr: a bar on a terminal, plain lines otherwise.

``--batch`` sends each article's first request through the provider's Batch API
(:mod:`summarizer.engines.llm.provider_batch`) and writes the same outputs as a direct
run; ``--batch-file`` writes the request file for ``vllm run-batch`` (or an upload) and
``--batch-results`` reads the results file such a run produced.

Exit codes: 0 all fine; 1 an article failed, a briefing has errors, the run was stopped
by a configuration or endpoint error, or --out-dir is unusable; 2 bad usage; 3 the
provider batch is still running (run the same command again to collect it).
"""

from __future__ import annotations

import datetime as dt
import enum
import gc
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, TextIO

import typer
from pydantic import ValidationError
from typer.exceptions import TyperException

from . import __version__, api
from .batch import brief_to_dir
from .cli_eval import eval_app
from .config import LLMSettings
from .daily import DailyArticle, DailyBriefing, merge
from .errors import BatchPendingError, FixtureError, SummarizerError
from .render import daily_to_markdown, to_json, to_jsonl_line, to_markdown
from .schema import Briefing
from .sources import Article, ArticleError, read_articles
from .text import read_article
from .verify import check

__all__ = ["app", "main"]

EXIT_CODES = (
    "Exit codes: 0 all fine; 1 some articles failed (or a briefing has errors); 2 usage error; "
    "3 a provider batch (--batch) is still running: run the same command again to collect it."
)
BATCH_PENDING = 3

app = typer.Typer(
    name="summarizer",
    help=f"News articles into briefings in which every value is tied to spans of the source.\n\n{EXIT_CODES}",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(eval_app, name="eval")  # summarizer eval run / diff / rescore (summarizer.cli_eval)


class Fmt(enum.StrEnum):
    md = "md"
    json = "json"
    jsonl = "jsonl"
    html = "html"


class EngineChoice(enum.StrEnum):
    auto = "auto"
    llm = "llm"
    rules = "rules"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"summarizer {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version and exit")
    ] = False,
) -> None:
    """News articles into verifiable briefings."""


# --------------------------------------------------------------------------- logging and progress


class _Stderr(logging.Handler):
    """The library's notices (logger ``summarizer``) as ``summarizer: ...`` lines on the current stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        sys.stderr.write(message if message.startswith("summarizer:") else f"summarizer: {message}")
        sys.stderr.write("\n")


def _show_notices(verbosity: int) -> None:
    log = logging.getLogger("summarizer")
    for h in [h for h in log.handlers if isinstance(h, _Stderr)]:
        log.removeHandler(h)
    level = logging.ERROR if verbosity < 0 else logging.DEBUG if verbosity > 0 else logging.INFO
    log.addHandler(_Stderr(level))
    log.setLevel(level)
    log.propagate = False  # the command is the application: one line per notice


def _say(msg: str) -> None:
    sys.stderr.write(f"summarizer: {msg}\n")


class _Progress:
    """Articles done / failed / cached, tokens and elapsed time: a bar on a terminal, lines otherwise.

    The bar is drawn from the first report on (its total is the batch's), so it also serves
    ``--out-dir`` runs, whose articles are read by the batch. A failed article is always
    named, ``-q`` or not; the per-article lines of a non-terminal are for batches only.
    """

    def __init__(self, *, quiet: bool, name_failures: bool = True, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.name_failures = name_failures
        self.bar: Any = None
        self.task: Any = None

    def begin(self, total: int) -> None:
        """Draw the bar now (a run that knows its articles): a single long article shows its clock too."""
        if self.bar is None and not self.quiet and total and self.stream.isatty():
            self._start(total)

    def _start(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(
            TextColumn("briefing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=Console(file=self.stream),
            # Redrawn twice a second by rich's thread: enough for a clock, and a faster redraw takes
            # the GIL from the offline engine (at 10 Hz the bar cost a tenth of a batch's throughput).
            refresh_per_second=2,
        )
        self.task = self.bar.add_task("brief", total=total, detail="")
        self.bar.start()

    def __call__(self, label: str, p: api.BatchProgress) -> None:
        if self.bar is None and not self.quiet and self.stream.isatty():
            self._start(p.total)
        if isinstance(p.result, SummarizerError) and self.name_failures:
            self._line(f"{label}: {p.result}", always=True)
        detail = f"failed {p.failed} · cached {p.cached} · {p.total_tokens:,} tokens"
        if self.bar is not None:
            self.bar.update(self.task, completed=p.done, detail=detail)
        elif p.total > 1 and not isinstance(p.result, SummarizerError):
            prov = p.result.provenance
            how = "?" if prov is None else prov.engine + (", cached" if prov.cached else "")
            self._line(f"[{p.done}/{p.total}] {label}: done ({how})")

    def _line(self, msg: str, *, always: bool = False) -> None:
        if self.quiet and not always:
            return
        if self.bar is not None:
            self.bar.console.print(f"summarizer: {msg}", markup=False, highlight=False)
        else:
            self.stream.write(f"summarizer: {msg}\n")

    def say(self, msg: str) -> None:
        """A line above the bar (or on stderr), whatever ``-q`` says: for errors."""
        self._line(msg, always=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


# --------------------------------------------------------------------------- brief

PathsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="PATH...", help="files, directories, globs (.txt .md .html .jsonl) or - for stdin", show_default=False
    ),
]


def _iso(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD") from exc


@app.command(epilog=EXIT_CODES)
def brief(
    paths: PathsArg,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="md, json, jsonl (one line per input) or html")] = Fmt.md,
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE", help="write here, not stdout")] = None,
    engine: Annotated[EngineChoice, typer.Option(help="auto: the LLM if one is configured, else rules")] = (
        EngineChoice.auto
    ),
    model: Annotated[str | None, typer.Option("--model", "-m", help="the model the endpoint serves")] = None,
    prompts: Annotated[
        Path | None,
        typer.Option(
            "--prompts", metavar="DIR", envvar="SUMMARIZER_PROMPTS_DIR", help="prompt templates to use instead"
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            metavar="YYYY-MM-DD", help="the article date of every input (default: metadata, else the dateline)"
        ),
    ] = None,
    day: Annotated[
        str | None,
        typer.Option(
            metavar="YYYY-MM-DD", help="the briefing day: dates without a year are read in it (default: today)"
        ),
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option(metavar="DIR", help="one file per article, written as each is done; resumable")
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="articles in flight at once")] = 4,
    no_resume: Annotated[bool, typer.Option("--no-resume", help="with --out-dir: redo articles already done")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="do not read or write the LLM response cache")] = False,
    timeout: Annotated[
        float | None,
        typer.Option(metavar="SECONDS", min=0.001, help="per request to the LLM endpoint (SUMMARIZER_TIMEOUT; 60)"),
    ] = None,
    batch: Annotated[
        bool, typer.Option("--batch", help="first requests through the provider's Batch API (resumable)")
    ] = False,
    batch_dir: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR", help="--batch state and results (default: OUT_DIR/.batch, else ./summarizer-batch)"
        ),
    ] = None,
    batch_id: Annotated[
        str | None, typer.Option(metavar="ID", help="--batch: collect this batch (created by another run)")
    ] = None,
    batch_wait: Annotated[
        float | None,
        typer.Option(metavar="SECONDS", min=0, help="--batch: stop waiting after this long (exit 3; rerun to collect)"),
    ] = None,
    batch_poll: Annotated[
        float, typer.Option(metavar="SECONDS", min=0, help="--batch: first wait between polls (grows to 60 s)")
    ] = 5.0,
    batch_file: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="write the batch request file (for vllm run-batch) and stop"),
    ] = None,
    batch_results: Annotated[
        list[Path] | None,
        typer.Option(metavar="FILE", help="answers from a batch results file (vllm run-batch, Batch API output)"),
    ] = None,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="more detail on stderr")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="only errors on stderr")] = False,
) -> int:
    """Brief articles: one article gives its briefing, several one merged daily briefing."""
    _show_notices(-1 if quiet else verbose)
    article_date, briefing_day = _iso(date), _iso(day)
    if out_dir is not None and output is not None:
        raise typer.BadParameter("use either -o FILE or --out-dir DIR", param_hint="--out-dir")
    settings = LLMSettings.from_env(
        model=model, prompts_dir=prompts, cache=False if no_cache else None, timeout=timeout
    )
    if sum((batch, batch_file is not None, bool(batch_results))) > 1:
        raise typer.BadParameter("use one of --batch, --batch-file and --batch-results", param_hint="--batch")
    if (batch_dir is not None or batch_id is not None or batch_wait is not None) and not batch:
        raise typer.BadParameter("--batch-dir, --batch-id and --batch-wait go with --batch", param_hint="--batch")
    if batch_file is not None and (out_dir is not None or output is not None):
        raise typer.BadParameter(
            "--batch-file writes the request file only: no -o or --out-dir", param_hint="--batch-file"
        )
    answers = None
    if batch or batch_file is not None or batch_results:
        if engine is EngineChoice.rules:
            raise typer.BadParameter("--batch and its kin need the LLM engine (--engine llm)", param_hint="--engine")
        got = _batch_answers(
            paths,
            settings,
            date=article_date,
            day=briefing_day,
            batch=batch,
            batch_dir=batch_dir or (out_dir / ".batch" if out_dir is not None else Path("summarizer-batch")),
            batch_id=batch_id,
            batch_wait=batch_wait,
            batch_poll=batch_poll,
            batch_file=batch_file,
            batch_results=batch_results or [],
            quiet=quiet,
        )
        if isinstance(got, int):
            return got
        answers, engine = got, EngineChoice.llm
    if out_dir is not None:
        if fmt not in (Fmt.md, Fmt.json):
            raise typer.BadParameter("--out-dir writes md or json files", param_hint="--format")
        return _brief_dir(
            paths,
            out_dir,
            engine=engine.value,
            settings=settings,
            date=article_date,
            fmt="json" if fmt is Fmt.json else "md",
            concurrency=concurrency,
            resume=not no_resume,
            day=briefing_day,
            quiet=quiet,
            answers=answers,
        )
    inputs = list(read_articles(paths, stdin=sys.stdin))
    articles = [a for a in inputs if isinstance(a, Article)]
    for bad in inputs:
        if isinstance(bad, ArticleError):
            _say(bad.message)
    progress = _Progress(quiet=quiet)
    progress.begin(len(articles))
    try:
        results = api.summarize_many(
            [a.text for a in articles],
            engine=engine.value,
            settings=settings,
            dates=[article_date or a.date for a in articles],
            day=briefing_day,
            concurrency=concurrency,
            progress=lambda p: _keep(progress, articles[p.index].id, p),
            answers=answers,
        )
    except SummarizerError as exc:  # no article could succeed: said once, with the fix
        progress.close()
        _say(f"stopped: {exc}")
        return 1
    finally:
        progress.close()
    by_id = dict(zip((a.id for a in articles), results, strict=True))
    records = [_record(item, by_id) for item in inputs]
    failed = [r for r in records if not r.ok]
    if any(r.ok for r in records) or fmt is Fmt.jsonl:
        body = _render(records, fmt, day=briefing_day or article_date)
        if not _write(body, output):
            return 1
    if failed:
        _say(f"{len(failed)} of {len(records)} article(s) failed: {', '.join(r.id for r in failed)}")
        return 1
    return 0


def _keep(progress: _Progress, label: str, p: api.BatchProgress) -> None:
    """Report an article, and move what the run holds out of the cyclic collector's way.

    The run keeps every briefing until the end (for the merged output); ``gc.freeze()``
    puts what is alive now in the permanent generation, so the collector's full passes do
    not walk a thousand finished briefings again and again (the CLI owns the process).
    """
    progress(label, p)
    if p.done % 25 == 0:
        gc.freeze()


def _record(item: Article | ArticleError, results: dict[str, api.BatchResult]) -> DailyArticle:
    if isinstance(item, ArticleError):
        return DailyArticle(
            id=item.id, ok=False, path=item.path, line=item.line, error=item.message, error_type="InputError"
        )
    meta = {"id": item.id, "path": item.path, "line": item.line, "url": item.url, "outlet": item.source}
    result = results[item.id]
    if isinstance(result, SummarizerError):
        return DailyArticle(
            ok=False, title=item.title, date=item.date, error=str(result), error_type=type(result).__name__, **meta
        )
    title = item.title or (result.source.title.value if result.source.title is not None else None)
    return DailyArticle(
        ok=True, title=title, date=item.date or result.source.article_date, text=item.text, briefing=result, **meta
    )


def _render(records: list[DailyArticle], fmt: Fmt, *, day: dt.date | None) -> str:
    if fmt is Fmt.jsonl:
        return "".join(to_jsonl_line(r) for r in records)
    if len(records) == 1 and records[0].briefing is not None and fmt is not Fmt.html:
        b = records[0].briefing
        return to_json(b) if fmt is Fmt.json else to_markdown(b)
    daily = merge(_unique(records), day=day or dt.date.today(), created_at=dt.datetime.now(dt.UTC))
    if fmt is Fmt.json:
        return daily.model_dump_json(indent=2) + "\n"
    if fmt is Fmt.html:
        from .html_report import to_html

        return to_html(daily)
    return daily_to_markdown(daily)


def _unique(records: list[DailyArticle]) -> list[DailyArticle]:
    """Records with distinct ids (two feeds may reuse an id: the later one is told apart by its position)."""
    seen: dict[str, int] = {}
    out = []
    for r in records:
        n = seen.get(r.id, 0)
        seen[r.id] = n + 1
        out.append(r if n == 0 else r.model_copy(update={"id": f"{r.id}#{n + 1}"}))
    return out


def _brief_dir(
    paths: list[str],
    out_dir: Path,
    *,
    engine: api.Engine,
    settings: LLMSettings,
    date: dt.date | None,
    fmt: Literal["md", "json"],
    concurrency: int,
    resume: bool,
    day: dt.date | None,
    quiet: bool,
    answers: Any = None,
) -> int:
    progress = _Progress(quiet=quiet, name_failures=False)  # the batch names them, through say()
    try:
        outcome = brief_to_dir(
            paths,
            out_dir,
            engine=engine,
            settings=settings,
            date=date,
            day=day,
            fmt=fmt,
            concurrency=concurrency,
            resume=resume,
            report=progress.say,
            progress=progress,
            answers=answers,
        )
    except KeyboardInterrupt:
        _say("interrupted; finished articles are saved: run the same command again to resume")
        return 130
    except SummarizerError as exc:
        _say(str(exc))
        return 1
    except OSError as exc:  # the directory itself or its run file (one article's output fails only that article)
        where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(out_dir) else ""
        _say(f"cannot use --out-dir {out_dir}: {exc.strerror or exc}{where}")
        return 1
    finally:
        progress.close()
    total = len(outcome.written) + len(outcome.skipped) + len(outcome.failed)
    _say(
        f"{len(outcome.written)} written, {len(outcome.skipped)} already done, {len(outcome.failed)} failed of {total}"
    )
    if outcome.failed:
        _say(f"failed: {', '.join(p for p, _ in outcome.failed)}")
        return 1
    return 0


# --------------------------------------------------------------------------- provider batches


def _batch_answers(
    paths: list[str],
    settings: LLMSettings,
    *,
    date: dt.date | None,
    day: dt.date | None,
    batch: bool,
    batch_dir: Path,
    batch_id: str | None,
    batch_wait: float | None,
    batch_poll: float,
    batch_file: Path | None,
    batch_results: list[Path],
    quiet: bool,
) -> Any:
    """The batch's results to brief from, or the exit code when the run ends here (request file, pending)."""
    say = (lambda _m: None) if quiet else _say
    try:
        api._require_llm()
        from .engines.llm import provider_batch as pb
        from .engines.llm.batchfiles import Results

        if batch_results:
            missing = [str(p) for p in batch_results if not p.is_file()]
            if missing:
                raise typer.BadParameter(f"no such file: {', '.join(missing)}", param_hint="--batch-results")
            results = Results(
                batch_results,
                missing="the results file(s) hold no answer for it: the request it needs differs from every one "
                "answered there (brief with the model, mode, prompts and article dates of the request file)",
            )
            for problem in results.problems:
                _say(f"--batch-results: skipped line {problem}")
            say(f"{results.answered} answer(s) in {len(results)} result line(s) of {len(batch_results)} file(s)")
            return results
        articles = [a for a in read_articles(paths, stdin=sys.stdin) if isinstance(a, Article)]
        texts, dates = [a.text for a in articles], [date or a.date for a in articles]
        if batch_file is not None:
            req = pb.write_requests(texts, batch_file, settings=settings, dates=dates, day=day)
            model = settings.resolved_model()
            _say(
                f"{req.requests} request(s) for {req.articles} article(s) written to {batch_file} "
                f"({req.cached} answered by the cache; model {model}, mode {req.mode}: brief from the results "
                "with the same settings). Run them, e.g. on a GPU host: "
                f"vllm run-batch -i {batch_file} -o results.jsonl --model {model}; "
                "then brief from the results: summarizer brief PATHS... --batch-results results.jsonl"
            )
            return 0
        poll = pb.PollPolicy(interval=batch_poll, max_interval=max(batch_poll, 60.0), timeout=batch_wait)
        run = pb.ProviderBatch(batch_dir, settings, poll=poll, report=say)
        if batch_id is not None:
            run.adopt(batch_id)
        return run.run(texts, dates=dates, day=day)
    except BatchPendingError as exc:
        _say(str(exc))
        return BATCH_PENDING
    except SummarizerError as exc:
        _say(f"stopped: {exc}")
        return 1
    except OSError as exc:
        _say(f"cannot use {exc.filename or batch_dir}: {exc.strerror or exc}")
        return 1


# --------------------------------------------------------------------------- validate


@app.command(epilog="Exit codes: 0 no errors; 1 a briefing has errors or cannot be read; 2 usage error.")
def validate(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="a briefing, a daily briefing, a JSON array or JSONL we wrote")
    ],
    articles: Annotated[
        list[Path] | None,
        typer.Argument(metavar="[ARTICLE...]", help="the article(s), where FILE does not carry their text"),
    ] = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="md or json")] = Fmt.md,
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE")] = None,
) -> int:
    """Check stored briefings against their articles, as the verification step does."""
    _show_notices(0)
    if fmt not in (Fmt.md, Fmt.json):
        raise typer.BadParameter("validate writes md or json", param_hint="--format")
    try:
        pairs = _load_for_validation(file, articles or [])
        checked = [(label, b.model_copy(update={"validation": check(b, text)})) for label, b, text in pairs]
    except SummarizerError as exc:
        _say(str(exc))
        return 1
    if len(checked) == 1:
        b = checked[0][1]
        body = to_json(b) if fmt is Fmt.json else to_markdown(b)
    elif fmt is Fmt.json:
        body = (
            json.dumps(
                [
                    {"id": label, "ok": b.validation.ok, "report": b.validation.model_dump(mode="json")}
                    for label, b in checked
                    if b.validation is not None
                ],
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
    else:
        body = "".join(_validation_line(label, b) for label, b in checked)
    if not _write(body, output):
        return 1
    return 0 if all(b.validation is not None and b.validation.ok for _, b in checked) else 1


def _validation_line(label: str, b: Briefing) -> str:
    r = b.validation
    assert r is not None
    state = "ok" if r.ok else f"{len(r.errors)} error(s)"
    first = f" — first: `{r.errors[0].code}` at `{r.errors[0].path}`" if r.errors else ""
    matched = f"{r.fields_verified} of {r.fields_checked} checked fields matched"
    return f"- {label}: {state}, {len(r.warnings)} warning(s), {matched}{first}\n"


def _briefings_in(raw: str, path: Path) -> list[tuple[str, Briefing, str | None]]:
    """Every briefing of a file we wrote: a briefing, a JSON array of them, a daily briefing or JSONL records."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise
        records = [DailyArticle.model_validate_json(line) for line in raw.splitlines() if line.strip()]
        return [(r.id, r.briefing, r.text) for r in records if r.briefing is not None]
    if isinstance(data, list):
        return [(f"{path}[{i}]", Briefing.model_validate(d), None) for i, d in enumerate(data)]
    if isinstance(data, dict) and data.get("kind") == "daily":
        daily = DailyBriefing.model_validate(data)
        return [(a.id, a.briefing, a.text) for a in daily.articles if a.briefing is not None]
    if isinstance(data, dict) and "ok" in data and "id" in data:  # JSONL of one record
        r = DailyArticle.model_validate(data)
        return [(r.id, r.briefing, r.text)] if r.briefing is not None else []
    return [(str(path), Briefing.model_validate(data), None)]


def _load_for_validation(path: Path, articles: list[Path]) -> list[tuple[str, Briefing, str]]:
    """(label, briefing, text) for every briefing in ``path``; texts from the file or from ``articles``."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FixtureError(
            f"{path}: cannot read the briefing ({getattr(exc, 'strerror', None) or exc}); check the path"
        ) from exc
    try:
        found = _briefings_in(raw, path)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise FixtureError(f"{path}: not a briefing ({where}: {first.get('msg')}); pass a briefing JSON file") from exc
    except json.JSONDecodeError as exc:
        raise FixtureError(f"{path}: not JSON ({exc.msg} at line {exc.lineno}); pass a briefing JSON file") from exc
    missing = [label for label, _, text in found if text is None]
    if missing and len(articles) != len(missing):
        raise FixtureError(
            f"{path}: {len(missing)} briefing(s) without their text; pass as many article files after it "
            f"(got {len(articles)})"
        )
    given = iter(articles)
    return [(label, b, text if text is not None else read_article(next(given))) for label, b, text in found]


# --------------------------------------------------------------------------- output


def _write(body: str, output: str | None, stream: TextIO | None = None) -> bool:
    if output is None:
        (stream or sys.stdout).write(body)
        return True
    try:
        Path(output).write_text(body, encoding="utf-8")
    except OSError as exc:
        _say(f"cannot write {output}: {exc.strerror or exc}")
        return False
    return True


_EVAL_COMMANDS = frozenset({"run", "diff", "rescore", "--help", "-h"})


def _eval_default(args: list[str]) -> list[str]:
    """``summarizer eval [DIR] [options]`` is ``summarizer eval run [DIR] [options]``."""
    if args and args[0] == "eval" and (len(args) == 1 or args[1] not in _EVAL_COMMANDS):
        return ["eval", "run", *args[1:]]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 fine, 1 failures, 2 usage)."""
    command = typer.main.get_command(app)
    args = _eval_default(list(argv) if argv is not None else sys.argv[1:])
    try:
        code = command.main(args=args, prog_name="summarizer", standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        _say("interrupted")
        return 130
    except TyperException as exc:  # usage errors (bad option, bad value): shown with the usage line, exit 2
        show = getattr(exc, "show", None)
        if callable(show):
            show(file=sys.stderr)
        else:
            _say(str(exc))
        return int(getattr(exc, "exit_code", 2))
    return int(code) if isinstance(code, int) else 0


if __name__ == "__main__":  # python -m summarizer.cli
    raise SystemExit(main())
