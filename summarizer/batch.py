"""Batch runs into a directory: one output file per article, written as each finishes, resumable.

``brief_to_dir(paths, out_dir)`` briefs articles concurrently and writes
``<out_dir>/<stem>.<hash>.md`` (or ``.json``) atomically as each one completes, recording
it in the run file ``<out_dir>/summarizer-run.json`` under the article's resolved path.
The stem is the file's (a fixture directory's name for its ``article.txt``), cut to keep
the name within 255 bytes; the hash is 8 hex digits of the sha256 of the resolved path,
so a name belongs to one article whatever the order of the list, and never to the run
file. Run the same command again after an interruption and the articles already done
(same text, same sha256, output present) are skipped. A broken article, or one whose
output cannot be written, is reported and the others are still delivered. A run holds
the lock file ``<out_dir>/.summarizer.lock`` (``flock``) throughout; a second run on the
same directory is refused with :class:`~summarizer.errors.OutDirInUseError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import errno
import hashlib
import itertools
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from . import api
from .batchrun import BatchProgress
from .config import LLMSettings
from .errors import FixtureError, OutDirInUseError, SummarizerError
from .files import TEMP_GLOB, exclusive_lock, write_atomic
from .render import to_json, to_markdown
from .schema import Briefing, text_sha256
from .sources import Article, ArticleError, article_path, meta_date, read_articles

__all__ = ["LOCK_FILE", "RUN_FILE", "BatchOutcome", "RunEntry", "RunFile", "article_path", "brief_to_dir", "meta_date"]

RUN_FILE = "summarizer-run.json"
LOCK_FILE = ".summarizer.lock"  # flock()ed for the whole run: one run per output directory
_RESERVED = frozenset({RUN_FILE, LOCK_FILE})  # names in an output directory that are never an article's
_NAME_MAX = 255  # bytes in a file name on common file systems
Format = Literal["md", "json"]


class RunEntry(BaseModel):
    """One finished article of a batch run."""

    model_config = ConfigDict(extra="forbid")

    sha256: str
    output: str
    engine: str
    finished_at: dt.datetime


class RunFile(BaseModel):
    """The run file of an output directory: what is done, keyed by the article's path."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    format: Format
    done: dict[str, RunEntry] = {}


@dataclass
class BatchOutcome:
    written: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def render(briefing: Briefing, fmt: Format) -> str:
    return to_json(briefing) if fmt == "json" else to_markdown(briefing)


def _load_run(path: Path, fmt: Format) -> RunFile:
    if not path.exists():
        return RunFile(format=fmt)
    try:
        run = RunFile.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as exc:
        raise FixtureError(f"{path}: not a readable run file ({exc}); delete it to start the run over") from exc
    if run.format != fmt:
        raise FixtureError(f"{path}: this directory holds a {run.format} run; use --format {run.format} or another dir")
    return run


def _key(article: Path) -> str:
    """The run-file key of an article: its resolved path (absolute if it cannot be resolved).

    A path that is not UTF-8 could not be stored in the run file as it is; it is keyed by its
    bytes in hex instead (a resolved path starts with ``/``, so the two kinds never meet).
    """
    try:
        path = str(article.resolve())
    except (OSError, RuntimeError):  # a symlink loop is a RuntimeError before Python 3.13
        path = os.path.abspath(article)
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return "bytes:" + os.fsencode(path).hex()
    return path


def _stem(article: Article) -> str:
    """The readable part of an output name: the file's stem (its fixture directory's name for an
    ``article.txt``), a feed record's id, or ``stdin``."""
    if article.line is not None or article.path is None:
        base = (
            article.id
            if article.id != f"{article.path}:{article.line}"
            else f"{Path(article.path or 'stdin').stem}-{article.line}"
        )
        return "".join(c if c.isalnum() or c in "-_." else "_" for c in base).strip(".") or "article"
    p = Path(os.path.abspath(article.path))
    return (p.parent.name if p.name == "article.txt" else p.stem) or "article"


def _article_key(article: Article) -> str:
    """The run-file key of an article: its file's resolved path, with the line of a feed record."""
    base = _key(Path(article.path)) if article.path is not None else "stdin"
    return base if article.line is None else f"{base}:{article.line}"


def _candidate_names(stem_text: str, key: str, fmt: Format) -> Iterator[str]:
    """Output names for an article, best first: ``<stem>.<8 hex of sha256(key)>.<fmt>``, then longer hashes.

    The stem is cut (at a character boundary) so that every name fits in 255 bytes.
    """
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    stem = stem_text.encode("utf-8", "surrogateescape")
    tags = itertools.chain([digest[:8], digest[:16], digest], (f"{digest}-{k}" for k in itertools.count(2)))
    for tag in tags:
        suffix = f".{tag}.{fmt}".encode()
        cut = stem[: _NAME_MAX - len(suffix)].decode("utf-8", "ignore").encode("utf-8")
        yield (cut + suffix).decode("utf-8", "surrogateescape")


def _reusable(entry: RunEntry, out_dir: Path, owners: Counter[str]) -> bool:
    """Whether a recorded output can stand for its article (old run files named outputs by position)."""
    name = entry.output
    return (
        name not in _RESERVED
        and name not in ("", ".", "..")
        and os.path.basename(name) == name
        and owners[name] == 1
        and (out_dir / name).is_file()
    )


def _locked(out_dir: Path) -> contextlib.AbstractContextManager[None]:
    """Hold the lock of ``out_dir`` for the block, or raise :class:`OutDirInUseError` at once."""
    lock = out_dir / LOCK_FILE
    return exclusive_lock(
        lock,
        lambda: OutDirInUseError(
            f"another summarizer run is using {out_dir} (lock file {lock}); wait for it or use another --out-dir"
        ),
    )


async def _abrief(
    paths: Sequence[str],
    out_dir: Path,
    *,
    engine: api.Engine,
    settings: LLMSettings | None,
    date: dt.date | None,
    day: dt.date | None,
    fmt: Format,
    concurrency: int,
    resume: bool,
    report: Callable[[str], None],
    progress: Callable[[str, BatchProgress], None] | None,
    answers: Any = None,
) -> BatchOutcome:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file of that name
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(out_dir)) from None
    with _locked(out_dir):
        return await _arun(
            paths,
            out_dir,
            engine=engine,
            settings=settings,
            date=date,
            day=day,
            fmt=fmt,
            concurrency=concurrency,
            resume=resume,
            report=report,
            progress=progress,
            answers=answers,
        )


async def _arun(
    paths: Sequence[str],
    out_dir: Path,
    *,
    engine: api.Engine,
    settings: LLMSettings | None,
    date: dt.date | None,
    day: dt.date | None,
    fmt: Format,
    concurrency: int,
    resume: bool,
    report: Callable[[str], None],
    progress: Callable[[str, BatchProgress], None] | None = None,
    answers: Any = None,
) -> BatchOutcome:
    for stale in out_dir.glob(TEMP_GLOB):  # left by a killed run; with the lock held no writer is live
        with contextlib.suppress(OSError):
            stale.unlink()
    run_path = out_dir / RUN_FILE
    run = _load_run(run_path, fmt) if resume else RunFile(format=fmt)
    owners = Counter(e.output for e in run.done.values())
    outcome = BatchOutcome()
    todo: list[tuple[Article, str, str]] = []
    seen: set[str] = set()
    for item in read_articles(paths):
        if isinstance(item, ArticleError):
            outcome.failed.append((item.id, item.message))
            report(item.message)
            continue
        key = _article_key(item)
        if key in seen:  # the same file listed twice is briefed once
            outcome.skipped.append(item.id)
            continue
        seen.add(key)
        if key not in run.done and item.id in run.done:  # older run files were keyed by the path as given
            run.done[key] = run.done.pop(item.id)
        digest = text_sha256(item.text)
        entry = run.done.get(key)
        if entry is not None and entry.sha256 == digest and _reusable(entry, out_dir, owners):
            outcome.skipped.append(item.id)
            continue
        todo.append((item, key, digest))
    # Names held by the run file's other articles, the run file itself and each other are never reused.
    taken = {e.output: k for k, e in run.done.items()} | dict.fromkeys(_RESERVED, "")
    names: dict[str, str] = {}
    for article, key, _ in todo:
        name = next(n for n in _candidate_names(_stem(article), key, fmt) if taken.get(n, key) == key)
        taken[name] = key
        names[key] = name

    unwritten = 0  # briefed, but its file could not be written: failed, for the progress counts too

    def done(p: BatchProgress) -> None:
        """Write each briefing as it finishes (called by the batch, one article at a time)."""
        nonlocal unwritten
        article, key, digest = todo[p.index]
        if isinstance(p.result, SummarizerError):
            outcome.failed.append((article.id, str(p.result)))
            report(f"{article.id}: {p.result}")
        else:
            problem = _deliver(article, key, digest, p.result)
            if problem is not None:
                unwritten += 1
                p = dataclasses.replace(p, result=problem)
        if progress is not None:
            progress(article.id, dataclasses.replace(p, failed=p.failed + unwritten))

    def _deliver(article: Article, key: str, digest: str, briefing: Briefing) -> SummarizerError | None:
        target = out_dir / names[key]
        try:
            write_atomic(target, render(briefing, fmt))
        except OSError as exc:  # this article's output only (a directory on its name, a full disk)
            msg = f"cannot write {target}: {exc.strerror or exc}"
            outcome.failed.append((article.id, msg))
            report(f"{article.id}: {msg}")
            return SummarizerError(msg)
        engine_used = briefing.provenance.engine if briefing.provenance else "unknown"
        run.done[key] = RunEntry(
            sha256=digest, output=target.name, engine=engine_used, finished_at=dt.datetime.now(dt.UTC)
        )
        write_atomic(run_path, run.model_dump_json(indent=2))
        outcome.written.append(target)
        return None

    if todo:  # errors no article could avoid (configuration, nothing listening) are raised once, here
        await api.asummarize_many(
            [a.text for a, _, _ in todo],
            engine=engine,
            settings=settings,
            dates=[date if date is not None else a.date for a, _, _ in todo],
            day=day,
            concurrency=max(1, concurrency),
            progress=done,
            answers=answers,
        )
    return outcome


def brief_to_dir(
    paths: Sequence[str | Path],
    out_dir: Path,
    *,
    engine: api.Engine = "auto",
    settings: LLMSettings | None = None,
    date: dt.date | None = None,
    day: dt.date | None = None,
    fmt: Format = "md",
    concurrency: int = 4,
    resume: bool = True,
    report: Callable[[str], None] = lambda _msg: None,
    progress: Callable[[str, BatchProgress], None] | None = None,
    answers: Any = None,
) -> BatchOutcome:
    """Brief ``paths`` into ``out_dir`` (see the module docstring); returns what was written, skipped, failed.

    ``paths`` are read by :func:`summarizer.sources.read_articles` (files, directories, globs,
    feeds); ``date`` is every article's date (default: its metadata, else its dateline read
    in ``day``). ``progress`` is told of each article as it finishes (its id and the
    batch's counts), after its file is written.
    Errors no article could avoid (no model, a rejected key, nothing listening at the
    endpoint) stop the run and are raised; what was written stays recorded.
    ``answers``: a provider batch's results, which answer each article's first request
    (:mod:`summarizer.engines.llm.provider_batch`).
    """
    return asyncio.run(
        _abrief(
            [str(p) for p in paths],
            out_dir,
            engine=engine,
            settings=settings,
            date=date,
            day=day,
            fmt=fmt,
            concurrency=concurrency,
            resume=resume,
            report=report,
            progress=progress,
            answers=answers,
        )
    )
