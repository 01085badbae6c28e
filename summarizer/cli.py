"""The command line: argument parsing and file handling only; the work is done by the library.

    summarizer brief PATH... [--engine auto|llm|rules] [--format md|json] [-o FILE] [--date YYYY-MM-DD]
    summarizer brief PATH... --out-dir DIR [--concurrency N] [--no-resume]
    summarizer validate BRIEFING.json ARTICLE.txt [--format md|json] [-o FILE]

``brief`` reads each article as UTF-8 (a directory stands for its ``article.txt``),
takes the article date from ``--date`` or from a ``meta.json`` beside the article,
and briefs it with :func:`summarizer.api.summarize`. A batch goes on when one
article fails, names it on stderr and exits 1. With ``--out-dir`` each briefing is
written to its own file as soon as it is done, and a rerun of an interrupted batch
skips what is already there (:mod:`summarizer.batch`); a second run on a directory
in use is refused. ``validate`` checks a briefing against its article and exits 1
when the validator finds errors.

Exit codes: 0 success; 1 an article failed, a briefing has errors or the --out-dir is
in use or unusable; 2 bad usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from . import api
from .batch import article_path, brief_to_dir, meta_date
from .errors import FixtureError, SummarizerError
from .render import to_json, to_json_many, to_markdown
from .schema import Briefing
from .text import read_article
from .verify import check

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="summarizer", description="News articles into verifiable briefings.")
    sub = p.add_subparsers(dest="command", required=True)
    brief = sub.add_parser("brief", help="brief one or more articles")
    brief.add_argument("paths", nargs="+", metavar="PATH", help="article files (UTF-8 text) or fixture directories")
    brief.add_argument("--engine", choices=("auto", "llm", "rules"), default="auto", help="default: auto")
    brief.add_argument("--date", type=_iso_date, help="article date YYYY-MM-DD (default: meta.json beside the file)")
    _output_options(brief)
    brief.add_argument("--out-dir", metavar="DIR", help="one file per article, written as each is done; resumable")
    brief.add_argument("--concurrency", type=int, default=4, help="articles in flight with --out-dir (default: 4)")
    brief.add_argument("--no-resume", action="store_true", help="with --out-dir: redo articles already done")
    check = sub.add_parser("validate", help="check a briefing (JSON) against its article")
    check.add_argument("briefing", metavar="BRIEFING.json")
    check.add_argument("article", metavar="ARTICLE.txt")
    _output_options(check)
    return p


def _output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("md", "json"), default="md", help="default: md")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: use YYYY-MM-DD") from exc


class _Stderr(logging.Handler):
    """The library's notices (logger ``summarizer``) as ``summarizer: ...`` lines on the current stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        sys.stderr.write(message if message.startswith("summarizer:") else f"summarizer: {message}")
        sys.stderr.write("\n")


def _show_notices() -> None:
    log = logging.getLogger("summarizer")
    if not any(isinstance(h, _Stderr) for h in log.handlers):
        log.addHandler(_Stderr(logging.INFO))
        log.propagate = False  # the command is the application: one line per notice


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _show_notices()
    if args.command == "brief" and args.out_dir is not None:
        if args.output is not None:
            _parser().error("use either -o FILE or --out-dir DIR")
        return _brief_dir(args)
    if args.command == "brief":
        return _brief(args.paths, engine=args.engine, date=args.date, fmt=args.format, output=args.output)
    return _validate(Path(args.briefing), Path(args.article), fmt=args.format, output=args.output)


# --------------------------------------------------------------------------- brief


def _brief_one(path: Path, *, engine: api.Engine, date: dt.date | None) -> Briefing:
    article = article_path(path)
    text = read_article(article)
    when = date if date is not None else meta_date(article)
    return api.summarize(text, engine=engine, date=when)  # with its validation report and coverage


def _brief_dir(args: argparse.Namespace) -> int:
    def say(msg: str) -> None:
        print(f"summarizer: {msg}", file=sys.stderr)

    try:
        outcome = brief_to_dir(
            args.paths,
            Path(args.out_dir),
            engine=args.engine,
            date=args.date,
            fmt=args.format,
            concurrency=args.concurrency,
            resume=not args.no_resume,
            report=say,
        )
    except KeyboardInterrupt:
        say("interrupted; finished articles are saved: run the same command again to resume")
        return 130
    except SummarizerError as exc:
        say(str(exc))
        return 1
    except OSError as exc:  # the directory itself or its run file (one article's output fails only that article)
        where = f" ({exc.filename})" if exc.filename and str(exc.filename) != args.out_dir else ""
        say(f"cannot use --out-dir {args.out_dir}: {exc.strerror or exc}{where}")
        return 1
    total = len(args.paths)
    say(f"{len(outcome.written)} written, {len(outcome.skipped)} already done, {len(outcome.failed)} failed of {total}")
    if outcome.failed:
        say(f"failed: {', '.join(p for p, _ in outcome.failed)}")
        return 1
    return 0


def _brief(paths: list[str], *, engine: api.Engine, date: dt.date | None, fmt: str, output: str | None) -> int:
    done: list[Briefing] = []
    failed: list[str] = []
    for raw in paths:
        try:
            done.append(_brief_one(Path(raw), engine=engine, date=date))
        except SummarizerError as exc:
            failed.append(raw)
            print(f"summarizer: {raw}: {exc}", file=sys.stderr)
    if done:
        if fmt == "json":
            body = to_json(done[0]) if len(paths) == 1 else to_json_many(done)
        else:
            body = "\n---\n\n".join(to_markdown(b) for b in done)
        if not _write(body, output):
            return 1
    if failed:
        print(f"summarizer: {len(failed)} of {len(paths)} article(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------- validate


def _load_briefing(path: Path) -> Briefing:
    try:
        return Briefing.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise FixtureError(f"{path}: cannot read the briefing ({exc.strerror or exc}); check the path") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise FixtureError(f"{path}: not a briefing ({where}: {first.get('msg')}); pass a briefing JSON file") from exc


def _validate(briefing_path: Path, article_path: Path, *, fmt: str, output: str | None) -> int:
    try:
        briefing = _load_briefing(briefing_path)
        text = read_article(article_path)
        report = check(briefing, text)  # the verification step's report, nothing dropped: the user sees it all
    except SummarizerError as exc:
        print(f"summarizer: {exc}", file=sys.stderr)
        return 1
    checked = briefing.model_copy(update={"validation": report})
    body = to_json(checked) if fmt == "json" else to_markdown(checked)
    if not _write(body, output):
        return 1
    return 0 if report.ok else 1


# --------------------------------------------------------------------------- output


def _write(body: str, output: str | None, stream: TextIO | None = None) -> bool:
    if output is None:
        (stream or sys.stdout).write(body)
        return True
    try:
        Path(output).write_text(body, encoding="utf-8")
    except OSError as exc:
        print(f"summarizer: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


if __name__ == "__main__":  # python -m summarizer.cli
    raise SystemExit(main())
