"""Provider batch runs: each article's first request through the provider's batch engine.

The heavy part of a briefing is inference, and batch engines already scale it: the
OpenAI Batch API (``/v1/files`` + ``/v1/batches``, half the price, a 24-hour window)
and ``vllm run-batch``, which reads the same request file on a GPU host. This module
hands them the work and does only what the library must do itself:

1. **requests** (:func:`write_requests`): one request line per chunk of each article
   that the cache (and the run directory's earlier results) cannot answer; the body is
   the request a direct run would send first, its ``custom_id`` the hash of that body
   (:mod:`.batchfiles`), so duplicates and reruns add nothing. Written as the articles
   stream past: memory does not grow with their number.
2. **the batch** (:class:`ProviderBatch`): upload through the Files API, create the
   batch, poll with backoff (429s and 5xx retried by the one retry layer, Retry-After
   honoured), download the output and error files. Every step is recorded in the run
   directory's ``batch.json`` before and after it, so a process killed at any point
   resumes with the same command: a batch created but not yet recorded is found again
   by its input file, never created twice.
3. **ingestion** (:func:`summarizer.summarize_stream` or :func:`summarizer.summarize_many`
   with ``answers=`` the batch's :class:`~.batchfiles.Results`): every
   answer goes through the same conversation and verification as a direct run —
   parsed, grounded, validated, re-asked (targeted, synchronously, at the endpoint) and
   what still fails dropped with its reason. A request the batch failed (its error
   file) is asked directly; an article the batch never answered (it expired or was
   cancelled first) is an error record that says so, and the next run asks only for
   what is missing.

A run with more requests than one batch may hold (:class:`BatchLimits`: 50,000 requests
or 200 MB for the OpenAI Batch API) is split into several batches, each submitted,
polled and collected on its own.

Run directory layout: ``requests-0001.jsonl``, ... (the request files), ``batch.json``
(state), ``output-<batch>.jsonl`` and ``errors-<batch>.jsonl`` (downloaded results).
Nothing in it is named by a ``custom_id`` or an article id.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...config import LLMSettings
from ...errors import BatchError, BatchPendingError, InputError, SummarizerError
from ...files import TEMP_GLOB, atomic_file, exclusive_lock, write_atomic
from ...text import check_text
from .batchfiles import Results, request_line
from .client import sync_client
from .engine import LLMEngine
from .transport import call_with_retries

__all__ = [
    "STATE_FILE",
    "BatchLimits",
    "BatchPart",
    "BatchPendingError",
    "BatchState",
    "PollPolicy",
    "ProviderBatch",
    "RequestFile",
    "write_requests",
]

STATE_FILE = "batch.json"
TERMINAL = frozenset({"completed", "expired", "cancelled", "failed"})
_ADOPT_SCAN = 1_000  # batches listed when looking for one created but not recorded


@dataclass(frozen=True, slots=True)
class PollPolicy:
    """How to wait for a batch: the first interval, growing by ``factor`` up to ``max_interval``, seconds.

    ``timeout``: stop waiting after this long (the state is kept: rerun to collect);
    None waits for the batch's own end (at most its completion window).
    """

    interval: float = 5.0
    max_interval: float = 60.0
    factor: float = 1.5
    timeout: float | None = None


@dataclass(frozen=True, slots=True)
class BatchLimits:
    """What one batch may hold: the OpenAI Batch API takes up to 50,000 requests and 200 MB per input file.

    A run with more is split into several batches (``requests-0001.jsonl``, ...), each
    submitted, polled and collected on its own.
    """

    max_requests: int = 50_000
    max_bytes: int = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class RequestFile:
    path: Path
    requests: int  # lines written
    articles: int  # texts read
    cached: int  # articles every chunk of which the cache or earlier results answer
    sha256: str  # of the file's bytes
    mode: str  # the structured-output mode the bodies were shaped for (part of every custom_id)
    bytes: int = 0


class BatchPart(BaseModel):
    """One provider batch of a run: its request file and where it stands."""

    model_config = ConfigDict(extra="forbid")

    requests_file: str | None  # in the run directory; None for a batch adopted by id
    requests: int
    requests_sha256: str = ""
    input_file_id: str | None = None
    batch_id: str | None = None
    status: str | None = None
    request_counts: dict[str, int] = Field(default_factory=dict)
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: list[str] = Field(default_factory=list)  # why the provider failed the batch as a whole
    results: list[str] = Field(default_factory=list)  # downloaded result files (names in the run directory)

    @property
    def label(self) -> str:
        return self.batch_id or self.requests_file or "batch"

    @property
    def collected(self) -> bool:
        return self.status in TERMINAL and (self.status == "failed" or bool(self.results) or not self._has_files)

    @property
    def _has_files(self) -> bool:
        return bool(self.output_file_id or self.error_file_id)


class BatchState(BaseModel):
    """``batch.json``: where the provider batches of a run directory stand."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[2] = 2
    articles: int
    model: str
    endpoint_host: str
    prompt_id: str
    mode: str
    day: dt.date
    parts: list[BatchPart] = Field(default_factory=list)
    earlier: list[str] = Field(default_factory=list)  # result files of this directory's earlier runs
    updated_at: dt.datetime

    @property
    def requests(self) -> int:
        return sum(p.requests for p in self.parts)

    @property
    def collected(self) -> bool:
        return all(p.collected for p in self.parts)


# --------------------------------------------------------------------------- requests


def _engine(settings: LLMSettings | None, *, client: Any = None, answers: Results | None = None) -> LLMEngine:
    resolved = settings if settings is not None else LLMSettings.from_env()
    return LLMEngine(resolved, client=client, answers=answers)


class _Writer:
    """Request lines into one file, or into numbered parts of at most ``limits`` each (each written whole)."""

    def __init__(self, target: Callable[[int], Path], limits: BatchLimits | None) -> None:
        self.target, self.limits = target, limits
        self.files: list[tuple[Path, int, int, str]] = []  # (path, lines, bytes, sha256)
        self._file: contextlib.AbstractContextManager[BinaryIO] | None = None
        self._f: BinaryIO | None = None
        self._lines, self._bytes, self._digest = 0, 0, hashlib.sha256()

    def _open(self) -> BinaryIO:
        self._file = atomic_file(self.target(len(self.files) + 1))
        self._f = self._file.__enter__()
        self._lines, self._bytes, self._digest = 0, 0, hashlib.sha256()
        return self._f

    def write(self, line: str) -> None:
        data = line.encode("utf-8")
        lim = self.limits
        if lim is not None and len(data) > lim.max_bytes:
            raise InputError(f"one request is {len(data):,} bytes, more than a batch file may hold ({lim.max_bytes:,})")
        full = lim is not None and (self._lines >= lim.max_requests or self._bytes + len(data) > lim.max_bytes)
        if self._f is not None and full:
            self._close()
        f = self._f if self._f is not None else self._open()
        f.write(data)
        self._lines += 1
        self._bytes += len(data)
        self._digest.update(data)

    def _close(self) -> None:
        assert self._file is not None
        self._file.__exit__(None, None, None)  # synced and renamed into place
        self.files.append((self.target(len(self.files) + 1), self._lines, self._bytes, self._digest.hexdigest()))
        self._file = self._f = None

    def finish(self, *, always: bool) -> None:
        if self._f is None and always and not self.files:
            self._open()  # an empty request file, for a caller who asked for one
        if self._f is not None:
            self._close()

    def abort(self, exc: BaseException) -> None:
        if self._file is not None:
            with contextlib.suppress(BaseException):
                self._file.__exit__(type(exc), exc, exc.__traceback__)  # the temp file removed
            self._file = self._f = None


def _write(
    texts: Iterable[str],
    writer: _Writer,
    engine: LLMEngine,
    *,
    dates: Iterable[dt.date | None] | None,
    day: dt.date,
    answered: Results | None,
) -> tuple[int, int]:
    """Stream ``texts`` into ``writer``; (articles read, articles needing no request)."""
    from .. import resolve_article_date

    seen: set[str] = set()
    articles = cached = 0
    date_iter = iter(dates) if dates is not None else None
    for text in texts:
        given = next(date_iter, None) if date_iter is not None else None
        articles += 1
        try:
            check_text(text)
        except SummarizerError:
            continue  # the article's error is reported when the results are ingested
        date, _ = resolve_article_date(text, given, day)
        todo = [
            (cid, body)
            for cid, body in engine.batch_requests(text, article_date=date)
            if answered is None or not answered.ran(cid)
        ]
        if not todo:
            cached += 1
        for cid, body in todo:
            if cid not in seen:
                seen.add(cid)
                writer.write(request_line(cid, body))
    return articles, cached


def write_requests(
    texts: Iterable[str],
    path: Path | str,
    *,
    settings: LLMSettings | None = None,
    dates: Iterable[dt.date | None] | None = None,
    day: dt.date | None = None,
    answered: Results | None = None,
) -> RequestFile:
    """Write the batch request file for ``texts`` to ``path`` (atomically) and say what it holds.

    ``dates`` are the articles' dates (None: the dateline's, read in ``day``, as
    :func:`summarizer.summarize_many` reads it); a chunk the cache or ``answered``
    already answers gets no request. Texts are read one at a time; the file has no size
    limit (``vllm run-batch`` takes any; :class:`ProviderBatch` splits for the Batch API).
    """
    engine = _engine(settings)
    target = Path(path)
    writer = _Writer(lambda _n: target, None)
    try:
        articles, cached = _write(texts, writer, engine, dates=dates, day=day or dt.date.today(), answered=answered)
        writer.finish(always=True)
    except BaseException as exc:
        writer.abort(exc)
        raise
    _, lines, size, sha = writer.files[0]
    return RequestFile(target, lines, articles, cached, sha, engine.mode.value, size)


# --------------------------------------------------------------------------- the batch


class ProviderBatch:
    """One run directory's provider batches: prepare, submit, wait, download; resumable at every step."""

    def __init__(
        self,
        run_dir: Path | str,
        settings: LLMSettings | None = None,
        *,
        client: Any = None,
        poll: PollPolicy | None = None,
        limits: BatchLimits | None = None,
        report: Callable[[str], None] = lambda _msg: None,
    ) -> None:
        self.run_dir = Path(run_dir)
        self.engine = _engine(settings, client=client)
        self.settings = self.engine.settings
        self.client = sync_client(self.settings, client)
        self.poll = poll or PollPolicy()
        self.limits = limits or BatchLimits()
        self.report = report
        self.state_path = self.run_dir / STATE_FILE
        try:
            self.run_dir.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise InputError(f"--batch-dir {self.run_dir} is a file: give a directory for the batch's state") from None
        self.state = self._load()

    # -- state ---------------------------------------------------------------------
    def _load(self) -> BatchState | None:
        if not self.state_path.exists():
            return None
        try:
            return BatchState.model_validate_json(self.state_path.read_bytes())
        except (OSError, ValidationError) as exc:
            raise BatchError(
                f"{self.state_path}: not a readable batch state ({str(exc).splitlines()[0][:160]}); "
                "move it away to start over (a batch it named can be collected with --batch-id)"
            ) from None

    def _save(self) -> None:
        state = self._require()
        state.updated_at = dt.datetime.now(dt.UTC)
        write_atomic(self.state_path, state.model_dump_json(indent=2))

    def _require(self) -> BatchState:
        if self.state is None:
            raise BatchError(f"no batch in {self.run_dir}: prepare() writes its requests first")
        return self.state

    def _new_state(self, articles: int, day: dt.date, earlier: list[str]) -> BatchState:
        e = self.engine
        return BatchState(
            articles=articles,
            model=e.model,
            endpoint_host=e.host,
            prompt_id=e.prompt_id,
            mode=e.mode.value,
            day=day,
            earlier=earlier,
            updated_at=dt.datetime.now(dt.UTC),
        )

    def results(self) -> Results:
        """The answers downloaded into the run directory (these batches' and earlier ones')."""
        state = self.state
        if state is None:
            return Results([], missing="no batch was submitted for it")
        ended = [p for p in state.parts if p.status in ("expired", "cancelled", "failed")]
        why = "the batch's results hold no line for it"
        if ended:
            said = "; ".join(
                f"batch {p.label} {p.status}" + (f" ({'; '.join(p.errors)})" if p.errors else "") for p in ended
            )
            why = f"{said} before answering it; run the same command again to submit what is left"
        names = [*state.earlier, *(n for p in state.parts for n in p.results)]
        return Results([self.run_dir / n for n in names if (self.run_dir / n).is_file()], missing=why)

    # -- prepare -------------------------------------------------------------------
    def prepare(
        self,
        texts: Iterable[str],
        *,
        dates: Iterable[dt.date | None] | None = None,
        day: dt.date | None = None,
    ) -> list[RequestFile] | None:
        """Write the request file(s), unless the directory's batches are still to be collected (then None)."""
        state = self.state
        if state is not None and state.parts and not state.collected:
            running = ", ".join(f"{p.label} ({p.status or 'not submitted'})" for p in state.parts if not p.collected)
            self.report(f"resuming from {self.run_dir}: {running}")
            return None
        earlier = [*state.earlier, *(n for p in state.parts for n in p.results)] if state is not None else []
        briefing_day = day or (state.day if state is not None else None) or dt.date.today()
        for old in self.run_dir.glob("requests-*.jsonl"):
            old.unlink()
        writer = _Writer(lambda n: self.run_dir / f"requests-{n:04d}.jsonl", self.limits)
        with Results([self.run_dir / n for n in earlier if (self.run_dir / n).is_file()]) as answered:
            try:
                articles, cached = _write(texts, writer, self.engine, dates=dates, day=briefing_day, answered=answered)
                writer.finish(always=False)
            except BaseException as exc:
                writer.abort(exc)
                raise
        self.state = self._new_state(articles, briefing_day, earlier)
        self.state.parts = [
            BatchPart(requests_file=path.name, requests=lines, requests_sha256=sha)
            for path, lines, _, sha in writer.files
        ]
        self._save()
        mode = self.engine.mode.value
        return [RequestFile(path, lines, articles, cached, sha, mode, size) for path, lines, size, sha in writer.files]

    # -- submit --------------------------------------------------------------------
    def _api(self, fn: Callable[[], Any]) -> Any:
        result, waits = call_with_retries(fn, policy=self.settings.retry, model=self.engine.model, client=self.client)
        for w in waits:
            self.report(f"batch: {w.reason}; waited {w.seconds:.1f}s ({w.basis})")
        return result

    def submit(self) -> None:
        """Upload each request file and create its batch (each step recorded; nothing done twice)."""
        state = self._require()
        pending = [p for p in state.parts if p.batch_id is None and p.requests_file is not None]
        if not pending:
            return
        found = self._created([p.input_file_id for p in pending if p.input_file_id is not None])
        for part in pending:
            if part.input_file_id is None:
                part.input_file_id = self._upload(part)
                self._save()
            batch = found.get(part.input_file_id)
            if batch is not None:
                self.report(f"found batch {batch.id}, created for {part.requests_file} before the last run stopped")
            else:
                batch = self._create(part.input_file_id, part.requests_sha256)
            self._update(part, batch)
            self.report(f"batch {part.batch_id} submitted: {part.requests} request(s) ({part.requests_file})")

    def _create(self, input_file_id: str, sha: str) -> Any:
        return self._api(
            lambda: self.client.batches.create(
                input_file_id=input_file_id,
                endpoint="/v1/chat/completions",  # batchfiles.URL, as the SDK's Literal type spells it
                completion_window="24h",
                metadata={"spanbrief_requests_sha256": sha[:64]},
            )
        )

    def _retrieve(self, batch_id: str) -> Any:
        return self._api(lambda: self.client.batches.retrieve(batch_id))

    def _upload(self, part: BatchPart) -> str:
        assert part.requests_file is not None
        path = self.run_dir / part.requests_file
        if hashlib.sha256(path.read_bytes()).hexdigest() != part.requests_sha256:
            raise BatchError(f"{path} changed since it was written: move {self.state_path} away and run again")

        def upload() -> Any:
            with path.open("rb") as f:
                return self.client.files.create(file=(path.name, f, "application/jsonl"), purpose="batch")

        return str(self._api(upload).id)

    def _created(self, input_file_ids: list[str]) -> dict[str, Any]:
        """Batches already created for these input files (the process died before recording them)."""
        if not input_file_ids:
            return {}
        wanted = set(input_file_ids)

        def scan() -> dict[str, Any]:
            out: dict[str, Any] = {}
            for n, batch in enumerate(self.client.batches.list(limit=100)):
                if batch.input_file_id in wanted and batch.input_file_id not in out:
                    out[batch.input_file_id] = batch
                if len(out) == len(wanted) or n >= _ADOPT_SCAN:
                    break
            return out

        return self._api(scan)  # type: ignore[no-any-return]

    def adopt(self, batch_id: str) -> None:
        """Collect the batch ``batch_id`` into this run directory (its state lost, or another machine's)."""
        batch = self._retrieve(batch_id)
        state = self.state
        if state is None or state.collected:
            earlier = [*state.earlier, *(n for p in state.parts for n in p.results)] if state is not None else []
            state = self.state = self._new_state(0, dt.date.today() if state is None else state.day, earlier)
        part = next((p for p in state.parts if p.batch_id == batch_id), None)
        if part is None:
            total = int(getattr(batch.request_counts, "total", 0) or 0)
            part = BatchPart(requests_file=None, requests=total, input_file_id=batch.input_file_id)
            state.parts.append(part)
        self._update(part, batch)

    def _update(self, part: BatchPart, batch: Any) -> None:
        part.batch_id = batch.id
        part.status = batch.status
        counts = getattr(batch, "request_counts", None)
        if counts is not None:
            part.request_counts = {k: int(getattr(counts, k, 0) or 0) for k in ("total", "completed", "failed")}
        part.output_file_id = getattr(batch, "output_file_id", None)
        part.error_file_id = getattr(batch, "error_file_id", None)
        errors = getattr(getattr(batch, "errors", None), "data", None) or []
        part.errors = [
            ": ".join(str(x) for x in (getattr(e, "code", None), getattr(e, "message", None)) if x) for e in errors
        ]
        self._save()

    # -- wait and download -----------------------------------------------------------
    def wait(self) -> None:
        """Poll until every batch ends, or raise :class:`BatchPendingError` at the timeout."""
        state = self._require()
        delay, started = self.poll.interval, time.monotonic()
        shown: dict[str, str] = {}
        while True:
            running = [p for p in state.parts if p.batch_id is not None and p.status not in TERMINAL]
            if not running:
                return
            for part in running:
                assert part.batch_id is not None
                self._update(part, self._retrieve(part.batch_id))
                line = f"batch {part.batch_id}: {part.status} ({_counts(part)})"
                if shown.get(part.label) != line:
                    self.report(line)
                    shown[part.label] = line
            if all(p.status in TERMINAL for p in running):
                continue
            if self.poll.timeout is not None and time.monotonic() - started + delay > self.poll.timeout:
                still = ", ".join(
                    f"{p.batch_id} {p.status} ({_counts(p)})" for p in running if p.status not in TERMINAL
                )
                raise BatchPendingError(
                    f"batch still running: {still}; its state is in {self.state_path}: "
                    "run the same command again to collect it"
                )
            time.sleep(delay)
            delay = min(delay * self.poll.factor, self.poll.max_interval)

    def download(self) -> list[Path]:
        """Fetch each ended batch's output and error files once (to a temp name, then renamed)."""
        state = self._require()
        for part in state.parts:
            if part.results or part.batch_id is None or part.status not in TERMINAL:
                continue
            names = []
            for kind, file_id in (("output", part.output_file_id), ("errors", part.error_file_id)):
                if file_id:
                    name = f"{kind}-{_safe(part.batch_id)}.jsonl"
                    self._fetch(file_id, self.run_dir / name)
                    names.append(name)
            part.results = names
            self._save()
        return [self.run_dir / n for p in state.parts for n in p.results]

    def _fetch(self, file_id: str, target: Path) -> None:
        def fetch() -> None:  # a cut download is fetched again whole: the retry opens a fresh temp file
            with self.client.files.with_streaming_response.content(file_id) as response, atomic_file(target) as f:
                for chunk in response.iter_bytes(1 << 16):
                    f.write(chunk)

        self._api(fetch)

    def run(
        self,
        texts: Sequence[str],
        *,
        dates: Sequence[dt.date | None] | None = None,
        day: dt.date | None = None,
    ) -> Results:
        """prepare + submit + wait + download; the results to brief from (``answers=`` of summarize_stream).

        Holds the run directory's lock throughout (a second run on it is refused) and first
        removes what a killed run left half-written.
        """
        with _locked(self.run_dir):
            for stale in self.run_dir.glob(TEMP_GLOB):
                with contextlib.suppress(OSError):
                    stale.unlink()
            self.prepare(texts, dates=dates, day=day)
            self.submit()
            self.wait()
            self.download()
        for part in self._require().parts:
            if part.status in ("expired", "cancelled", "failed"):
                why = f": {'; '.join(part.errors)}" if part.errors else ""
                self.report(
                    f"batch {part.batch_id} {part.status}{why} ({_counts(part)}); "
                    "the articles it did not answer are reported, and the next run submits them again"
                )
        return self.results()


def _locked(run_dir: Path) -> contextlib.AbstractContextManager[None]:
    return exclusive_lock(
        run_dir / ".lock",
        lambda: BatchError(
            f"another run is using the batch directory {run_dir}; wait for it or give another --batch-dir"
        ),
    )


def _counts(part: BatchPart) -> str:
    c = part.request_counts
    return f"{c.get('completed', 0)} done, {c.get('failed', 0)} failed of {c.get('total', 0)}"


def _safe(batch_id: str) -> str:
    """A provider's batch id as a file-name part: only ``[A-Za-z0-9_-]`` (never a path)."""
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in batch_id)[:80]
    return cleaned or "batch"
