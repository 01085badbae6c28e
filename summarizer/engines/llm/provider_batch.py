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
3. **ingestion** (:func:`ingest`, or :func:`summarize_many` with ``answers=``): every
   answer goes through the same conversation and verification as a direct run —
   parsed, grounded, validated, re-asked (targeted, synchronously, at the endpoint) and
   what still fails dropped with its reason. A request the batch failed (its error
   file) is asked directly; an article the batch never answered (it expired or was
   cancelled first) is an error record that says so, and the next run asks only for
   what is missing.

Run directory layout: ``requests.jsonl`` (the request file), ``batch.json`` (state),
``output-<batch>.jsonl`` and ``errors-<batch>.jsonl`` (downloaded results). Nothing in
it is named by a ``custom_id`` or an article id.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...config import LLMSettings
from ...errors import BatchError, BatchPendingError, InputError, SummarizerError
from ...schema import Briefing
from .batchfiles import Results, request_line
from .client import sync_client
from .engine import LLMEngine
from .transport import call_with_retries

__all__ = [
    "STATE_FILE",
    "BatchPendingError",
    "BatchState",
    "PollPolicy",
    "ProviderBatch",
    "RequestFile",
    "ingest",
    "write_requests",
]

STATE_FILE = "batch.json"
REQUESTS_FILE = "requests.jsonl"
TERMINAL = frozenset({"completed", "expired", "cancelled", "failed"})
_ADOPT_SCAN = 1_000  # batches listed when looking for one created but not recorded
BatchResult = Briefing | SummarizerError


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
class RequestFile:
    path: Path
    requests: int  # lines written
    articles: int  # texts read
    cached: int  # articles every chunk of which the cache or earlier results answer
    sha256: str  # of the file's bytes
    mode: str  # the structured-output mode the bodies were shaped for (part of every custom_id)


class BatchState(BaseModel):
    """``batch.json``: where a provider batch of a run directory stands."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    requests: int
    articles: int
    requests_sha256: str
    model: str
    endpoint_host: str
    prompt_id: str
    mode: str
    day: dt.date
    input_file_id: str | None = None
    batch_id: str | None = None
    status: str | None = None
    request_counts: dict[str, int] = Field(default_factory=dict)
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: list[str] = Field(default_factory=list)  # why the provider failed the batch as a whole
    results: list[str] = Field(default_factory=list)  # downloaded result files (names in the run directory)
    earlier: list[str] = Field(default_factory=list)  # result files of this directory's earlier batches
    updated_at: dt.datetime


# --------------------------------------------------------------------------- requests


def _engine(settings: LLMSettings | None, *, client: Any = None, answers: Results | None = None) -> LLMEngine:
    resolved = settings if settings is not None else LLMSettings.from_env()
    return LLMEngine(resolved, client=client, answers=answers)


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
    already answers gets no request. Texts are read one at a time.
    """
    from ...api import _check_text
    from .. import resolve_article_date

    engine = _engine(settings)
    briefing_day = day or dt.date.today()
    path = Path(path)
    seen: set[str] = set()
    digest = hashlib.sha256()
    requests = articles = cached = 0
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    date_iter = iter(dates) if dates is not None else None
    try:
        with tmp.open("w", encoding="utf-8", newline="\n") as f:
            for text in texts:
                given = next(date_iter, None) if date_iter is not None else None
                articles += 1
                try:
                    _check_text(text)
                except SummarizerError:
                    continue  # the article's error is reported when the results are ingested
                date, _ = resolve_article_date(text, given, briefing_day)
                todo = [
                    (cid, body)
                    for cid, body in engine.batch_requests(text, article_date=date)
                    if answered is None or not answered.ran(cid)
                ]
                if not todo:
                    cached += 1
                for cid, body in todo:
                    if cid in seen:
                        continue
                    seen.add(cid)
                    line = request_line(cid, body)
                    f.write(line)
                    digest.update(line.encode("utf-8"))
                    requests += 1
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return RequestFile(path, requests, articles, cached, digest.hexdigest(), engine.mode.value)


# --------------------------------------------------------------------------- the batch


class ProviderBatch:
    """One run directory's provider batch: prepare, submit, wait, download; resumable at every step."""

    def __init__(
        self,
        run_dir: Path | str,
        settings: LLMSettings | None = None,
        *,
        client: Any = None,
        poll: PollPolicy | None = None,
        report: Callable[[str], None] = lambda _msg: None,
    ) -> None:
        self.run_dir = Path(run_dir)
        self.engine = _engine(settings, client=client)
        self.settings = self.engine.settings
        self.client = sync_client(self.settings, client)
        self.poll = poll or PollPolicy()
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
            state = BatchState.model_validate_json(self.state_path.read_bytes())
        except (OSError, ValidationError) as exc:
            raise BatchError(
                f"{self.state_path}: not a readable batch state ({str(exc).splitlines()[0][:160]}); "
                "move it away to start over (a batch it named can be collected with --batch-id)"
            ) from None
        return state

    def _save(self) -> None:
        assert self.state is not None
        self.state.updated_at = dt.datetime.now(dt.UTC)
        tmp = self.run_dir / f".{STATE_FILE}.{os.getpid()}.tmp"
        tmp.write_text(self.state.model_dump_json(indent=2), encoding="utf-8")
        os.replace(tmp, self.state_path)

    def _results_paths(self, state: BatchState) -> list[Path]:
        return [self.run_dir / name for name in (*state.earlier, *state.results) if (self.run_dir / name).is_file()]

    def results(self) -> Results:
        """The answers downloaded into the run directory (this batch's and earlier ones')."""
        state = self.state
        if state is None:
            return Results([], missing="no batch was submitted for it")
        why = "the batch's results hold no line for it"
        if state.status in ("expired", "cancelled"):
            why = (
                f"batch {state.batch_id} {state.status} before answering it; "
                "run the same command again to submit what is left"
            )
        elif state.status == "failed":
            why = f"batch {state.batch_id} failed: {'; '.join(state.errors) or 'no reason given'}"
        return Results(self._results_paths(state), missing=why)

    # -- prepare -------------------------------------------------------------------
    def prepare(
        self,
        texts: Iterable[str],
        *,
        dates: Iterable[dt.date | None] | None = None,
        day: dt.date | None = None,
    ) -> RequestFile | None:
        """Write the request file, unless the directory's batch is still to be collected (then None)."""
        state = self.state
        if state is not None and state.batch_id is not None and state.results == [] and state.status not in TERMINAL:
            self.report(f"resuming batch {state.batch_id} ({state.status or 'submitted'}) from {self.run_dir}")
            return None
        if state is not None and state.input_file_id is not None and state.batch_id is None:
            self.report(f"resuming the submission of {state.requests} request(s) from {self.run_dir}")
            return None
        earlier = [*state.earlier, *state.results] if state is not None else []
        with Results([self.run_dir / n for n in earlier if (self.run_dir / n).is_file()]) as answered:
            briefing_day = day or (state.day if state is not None else None) or dt.date.today()
            req = write_requests(
                texts,
                self.run_dir / REQUESTS_FILE,
                settings=self.settings,
                dates=dates,
                day=briefing_day,
                answered=answered,
            )
        e = self.engine
        self.state = BatchState(
            requests=req.requests,
            articles=req.articles,
            requests_sha256=req.sha256,
            model=e.model,
            endpoint_host=e.host,
            prompt_id=e.prompt_id,
            mode=e.mode.value,
            day=briefing_day,
            earlier=earlier,
            updated_at=dt.datetime.now(dt.UTC),
        )
        self._save()
        return req

    # -- submit --------------------------------------------------------------------
    def _api(self, fn: Callable[[], Any]) -> Any:
        result, waits = call_with_retries(fn, policy=self.settings.retry, model=self.engine.model, client=self.client)
        for w in waits:
            self.report(f"batch: {w.reason}; waited {w.seconds:.1f}s ({w.basis})")
        return result

    def submit(self) -> None:
        """Upload the request file and create the batch (each step recorded; nothing done twice)."""
        state = self._require()
        if state.batch_id is not None or state.requests == 0:
            return
        if state.input_file_id is None:
            path = self.run_dir / REQUESTS_FILE
            if hashlib.sha256(path.read_bytes()).hexdigest() != state.requests_sha256:
                raise BatchError(f"{path} changed since it was written: move {self.state_path} away and run again")

            def upload() -> Any:
                with path.open("rb") as f:
                    return self.client.files.create(file=(REQUESTS_FILE, f, "application/jsonl"), purpose="batch")

            state.input_file_id = self._api(upload).id
            self._save()
        found = self._adopt(state)
        if found is None:
            input_file_id = state.input_file_id
            found = self._api(
                lambda: self.client.batches.create(
                    input_file_id=input_file_id,
                    endpoint="/v1/chat/completions",  # batchfiles.URL, as the SDK's Literal type spells it
                    completion_window="24h",
                    metadata={"spanbrief_requests_sha256": state.requests_sha256[:64]},
                )
            )
        self._update(found)
        self.report(f"batch {state.batch_id} submitted: {state.requests} request(s) for {state.articles} article(s)")

    def _adopt(self, state: BatchState) -> Any:
        """A batch already created for our input file (the process died before recording it), or None."""
        if state.input_file_id is None:
            return None

        def scan() -> Any:
            for n, batch in enumerate(self.client.batches.list(limit=100)):
                if batch.input_file_id == state.input_file_id:
                    return batch
                if n >= _ADOPT_SCAN:
                    break
            return None

        found = self._api(scan)
        if found is not None:
            self.report(f"found batch {found.id}, created for this request file before the last run stopped")
        return found

    def adopt(self, batch_id: str) -> None:
        """Collect the batch ``batch_id`` into this run directory (its state lost, or another machine's)."""
        batch = self._api(lambda: self.client.batches.retrieve(batch_id))
        if self.state is None:
            e = self.engine
            self.state = BatchState(
                requests=int(getattr(batch.request_counts, "total", 0) or 0),
                articles=0,
                requests_sha256="",
                model=e.model,
                endpoint_host=e.host,
                prompt_id=e.prompt_id,
                mode=e.mode.value,
                day=dt.date.today(),
                updated_at=dt.datetime.now(dt.UTC),
            )
        elif self.state.batch_id not in (None, batch_id):
            self.state.earlier = [*self.state.earlier, *self.state.results]
            self.state.results = []
        self.state.input_file_id = batch.input_file_id
        self._update(batch)

    def _update(self, batch: Any) -> None:
        state = self._require()
        state.batch_id = batch.id
        state.status = batch.status
        counts = getattr(batch, "request_counts", None)
        if counts is not None:
            state.request_counts = {k: int(getattr(counts, k, 0) or 0) for k in ("total", "completed", "failed")}
        state.output_file_id = getattr(batch, "output_file_id", None)
        state.error_file_id = getattr(batch, "error_file_id", None)
        errors = getattr(getattr(batch, "errors", None), "data", None) or []
        state.errors = [
            ": ".join(str(x) for x in (getattr(e, "code", None), getattr(e, "message", None)) if x) for e in errors
        ]
        self._save()

    def _require(self) -> BatchState:
        if self.state is None:
            raise BatchError(f"no batch in {self.run_dir}: prepare() writes its requests first")
        return self.state

    # -- wait and download -----------------------------------------------------------
    def wait(self) -> str:
        """Poll until the batch ends (its status), or raise :class:`BatchPendingError` at the timeout."""
        state = self._require()
        if state.batch_id is None:
            return "completed" if state.requests == 0 else "not submitted"
        batch_id = state.batch_id
        delay, started = self.poll.interval, time.monotonic()
        shown = None
        while state.status not in TERMINAL:
            batch = self._api(lambda: self.client.batches.retrieve(batch_id))
            self._update(batch)
            line = f"batch {state.batch_id}: {state.status} ({self._counts()})"
            if line != shown:
                self.report(line)
                shown = line
            if state.status in TERMINAL:
                break
            if self.poll.timeout is not None and time.monotonic() - started + delay > self.poll.timeout:
                raise BatchPendingError(
                    f"batch {state.batch_id} is still {state.status} ({self._counts()}); its state is in "
                    f"{self.state_path}: run the same command again to collect it"
                )
            time.sleep(delay)
            delay = min(delay * self.poll.factor, self.poll.max_interval)
        return state.status or "unknown"

    def _counts(self) -> str:
        c = self._require().request_counts
        return f"{c.get('completed', 0)} done, {c.get('failed', 0)} failed of {c.get('total', 0)}"

    def download(self) -> list[Path]:
        """Fetch the output and error files once (to a temp name, then renamed: a cut download is fetched again)."""
        state = self._require()
        if state.results or state.batch_id is None:
            return [self.run_dir / n for n in state.results]
        names = []
        for kind, file_id in (("output", state.output_file_id), ("errors", state.error_file_id)):
            if not file_id:
                continue
            name = f"{kind}-{_safe(state.batch_id)}.jsonl"
            self._fetch(file_id, self.run_dir / name)
            names.append(name)
        state.results = names
        self._save()
        return [self.run_dir / n for n in names]

    def _fetch(self, file_id: str, target: Path) -> None:
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")

        def fetch() -> None:
            with self.client.files.with_streaming_response.content(file_id) as response, tmp.open("wb") as f:
                for chunk in response.iter_bytes(1 << 16):
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())

        try:
            self._api(fetch)
            os.replace(tmp, target)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()

    def run(
        self,
        texts: Sequence[str],
        *,
        dates: Sequence[dt.date | None] | None = None,
        day: dt.date | None = None,
    ) -> Results:
        """prepare + submit + wait + download; the results to ingest (see :func:`ingest`)."""
        self.prepare(texts, dates=dates, day=day)
        self.submit()
        status = self.wait()
        state = self._require()
        if status == "failed":
            raise BatchError(
                f"batch {state.batch_id} failed: {'; '.join(state.errors) or 'no reason given'}; "
                f"fix the cause and move {self.state_path} away to submit again"
            )
        self.download()
        if status in ("expired", "cancelled"):
            self.report(
                f"batch {state.batch_id} {status}: {self._counts()}; the articles it did not answer are reported"
            )
        return self.results()


def _safe(batch_id: str) -> str:
    """A provider's batch id as a file-name part: only ``[A-Za-z0-9_-]`` (never a path)."""
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in batch_id)[:80]
    return cleaned or "batch"


# --------------------------------------------------------------------------- ingestion


def ingest(
    texts: Iterable[str],
    results: Results,
    *,
    settings: LLMSettings | None = None,
    dates: Iterable[dt.date | None] | None = None,
    day: dt.date | None = None,
    concurrency: int = 8,
    window: int = 256,
) -> Iterator[BatchResult]:
    """Brief ``texts`` from a batch's ``results``, in order, ``window`` articles at a time (bounded memory).

    Each result is what :func:`summarizer.summarize_many` gives for the article: its
    verified briefing, or its error (:class:`~summarizer.errors.BatchResultMissingError`
    when the batch never answered it).
    """
    from ...api import summarize_many

    date_iter = iter(dates) if dates is not None else None
    block: list[str] = []
    block_dates: list[dt.date | None] = []

    def flush() -> list[BatchResult]:
        out = summarize_many(
            block,
            engine="llm",
            settings=settings,
            dates=block_dates,
            day=day,
            concurrency=concurrency,
            answers=results,
        )
        block.clear()
        block_dates.clear()
        return out

    for text in texts:
        block.append(text)
        block_dates.append(next(date_iter, None) if date_iter is not None else None)
        if len(block) >= window:
            yield from flush()
    if block:
        yield from flush()


def read_request_ids(path: Path) -> Iterator[str]:
    """The custom_ids of a request file, in order (a check of what a results file should answer)."""
    with path.open("rb") as f:
        for raw in f:
            if raw.strip():
                yield str(json.loads(raw)["custom_id"])
