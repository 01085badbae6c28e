"""The LLM engine: chunks, cache, the conversation per chunk, assembly, validation, provenance.

:meth:`LLMEngine.run` (sync) and :meth:`LLMEngine.arun` (async) drive the same
conversation (:func:`.loop.run_chunk`) through :class:`~summarizer.transport.Transport`
or :class:`~summarizer.transport.AsyncTransport`. Per article:

1. the cache is asked for a finished result (same text, model, endpoint, prompt,
   schema, mode and parameters); a result made by the same library code is reused
   after its integrity is checked (deterministic validation of the same inputs by
   the same code gives the same report); otherwise the stored drafts are grounded
   and validated again;
2. on a miss, the article is split into chunks when long, each chunk looked up in
   the cache or asked of the model (with re-asks), and the pieces assembled;
3. the assembled briefing is validated against the whole article, unverified items
   are dropped with their reasons, the coverage audit (when given) is attached to
   the report, and provenance records what it cost.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import hashlib
import importlib.metadata
import random
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import openai

from ...cache import CachedPiece, CacheEntry, ResponseCache, cache_key, open_cache
from ...config import LLMSettings
from ...prompts import load_prompts
from ...schema import Briefing, Coverage, DroppedItem, Provenance, ValidationReport
from ...transport import AsyncTransport, Call, Outcome, Transport
from ...validate import validate as default_validate
from .chunking import Piece, assemble, plan_chunks
from .client import async_client, client_host, structured, sync_client
from .draft import Draft, schema_hash, schema_json
from .loop import Context, Tally, Validator, run_chunk

__all__ = ["LLMEngine", "core_fingerprint"]

T = TypeVar("T")
_RNG = random.Random()  # jitter of retry waits; seeding a Random per request costs more than the request's own work
_SOURCE_FIELDS = ("title", "dateline")


@functools.cache
def core_fingerprint() -> str:
    """sha256 over the package's own code and data versions: what turns drafts into a checked briefing."""
    root = Path(__file__).resolve().parents[2]
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    for dist in ("pycountry", "pydantic", "rapidfuzz"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            h.update(f"{dist}={importlib.metadata.version(dist)}".encode())
    return h.hexdigest()


@dataclass
class _Run:
    """The pieces of one chunk and what they cost."""

    pieces: list[Piece]
    tally: Tally
    cached: bool = False
    notes: list[str] = field(default_factory=list)


def _drive(gen: Generator[Call, Outcome, T], send: Callable[[Call], Outcome]) -> T:
    try:
        call = next(gen)
        while True:
            call = gen.send(send(call))
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    finally:
        gen.close()


async def _adrive(gen: Generator[Call, Outcome, T], transport: AsyncTransport, sem: asyncio.Semaphore) -> T:
    try:
        call = next(gen)
        while True:
            async with sem:
                outcome = await transport.complete(call)
            call = gen.send(outcome)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    finally:
        gen.close()


class LLMEngine:
    """One configured endpoint + model + prompt set. Cheap to keep; safe to share between threads."""

    def __init__(
        self,
        settings: LLMSettings,
        *,
        client: Any = None,
        validate: Validator | None = None,
        audit: Callable[[Briefing, str], Coverage] | None = None,
        own_client: bool = False,
    ) -> None:
        """``audit`` (e.g. :func:`summarizer.coverage.audit`) fills ``validation.coverage`` of each result.

        ``own_client``: ``client`` was built by the library from ``settings`` (a batch's
        client), so requests may go out as the library's own clients send them (see
        :attr:`summarizer.transport.Transport.direct`); a caller's client always gets
        ``chat.completions.create()``, where the caller's hooks see every request.
        """
        if client is not None:  # the caller's client decides the endpoint (host, mode)
            settings = settings.replace(base_url=str(client.base_url))
        if client is None:
            settings.require_configured()
        self.settings = settings
        self.client = client
        self._direct = client is None or own_client
        self.model = settings.resolved_model()
        self.host = client_host(client) if client is not None else settings.endpoint_host
        self.mode = settings.resolved_mode()
        self.prompts = load_prompts(settings.prompts_dir)
        self.params: dict[str, Any] = {
            "temperature": settings.temperature,
            "max_tokens": settings.max_tokens,
            "strict": settings.strict,
        }
        self.prompt_id = self.prompts.identity(
            schema_json=schema_json(Draft), params={**self.params, "mode": self.mode}
        )
        self._loop_params = {
            "reasks": settings.reasks,
            "reask_strategy": settings.reask_strategy,
            "parse_retries": settings.parse_retries,
            "chunk_overlap": settings.chunk_overlap,
        }
        self.cache: ResponseCache | None = open_cache(settings.resolved_cache_dir()) if settings.cache else None
        self._validate: Validator = validate or default_validate
        self._structured = structured(settings)
        self._audit = audit

    # -- keys and context -----------------------------------------------------------
    def _fingerprint(self) -> str:
        """What made a stored result: the library's code and whether coverage was attached."""
        return f"{core_fingerprint()}:coverage={int(self._audit is not None)}"

    def key(self, text: str, article_date: dt.date | None) -> str:
        return cache_key(
            model=self.model,
            endpoint_host=self.host,
            prompt_id=self.prompt_id,
            schema_hash=schema_hash(Draft),
            mode=self.mode.value,
            params={**self.params, **self._loop_params},
            article_date=article_date,
            text=text,
        )

    def _context(self, article_date: dt.date | None) -> Context:
        return Context(self.settings, self.prompts, self._validate, self.model, article_date)

    def _transport_args(self) -> dict[str, Any]:
        s = self.settings
        return {
            "model": self.model,
            "policy": s.retry,
            "temperature": s.temperature,
            "max_tokens": s.max_tokens,
            "structured": self._structured,
            "direct": self._direct,
            "rng": _RNG,
        }

    # -- sync -------------------------------------------------------------------------
    def run(self, text: str, *, article_date: dt.date | None = None) -> Briefing:
        started = dt.datetime.now(dt.UTC)
        done, note = self._cached_result(text, article_date)
        if done is not None:
            return done
        chunks = plan_chunks(text, size=self.settings.chunk_chars, overlap=self.settings.chunk_overlap)
        transport: Transport | None = None
        runs: list[_Run] = []
        for a, b in chunks:
            run, problem = self._cached_chunk(text, a, b, article_date)
            if run is None:
                if transport is None:
                    transport = Transport(client=sync_client(self.settings, self.client), **self._transport_args())
                tally = Tally(notes=[problem] if problem else [])
                pieces = _drive(run_chunk(text, a, b, self._context(article_date), tally), transport.complete)
                run = _Run(pieces, tally)
                self._store_chunk(text, a, b, article_date, run)
            runs.append(run)
        return self._finish(text, article_date, runs, started, note)

    # -- async ------------------------------------------------------------------------
    async def arun(
        self, text: str, *, article_date: dt.date | None = None, semaphore: asyncio.Semaphore | None = None
    ) -> Briefing:
        """Brief ``text``; requests wait on ``semaphore`` (shared by a batch) or on one of ``concurrency``."""
        if isinstance(self.client, openai.OpenAI):  # a sync client: run the sync engine off the loop
            return await asyncio.to_thread(self.run, text, article_date=article_date)
        started = dt.datetime.now(dt.UTC)
        done, note = self._cached_result(text, article_date)
        if done is not None:
            return done
        chunks = plan_chunks(text, size=self.settings.chunk_chars, overlap=self.settings.chunk_overlap)
        transport = AsyncTransport(client=async_client(self.settings, self.client), **self._transport_args())
        sem = semaphore or asyncio.Semaphore(self.settings.concurrency)

        async def one(a: int, b: int) -> _Run:
            run, problem = self._cached_chunk(text, a, b, article_date)
            if run is None:
                tally = Tally(notes=[problem] if problem else [])
                pieces = await _adrive(run_chunk(text, a, b, self._context(article_date), tally), transport, sem)
                run = _Run(pieces, tally)
                self._store_chunk(text, a, b, article_date, run)
            return run

        if len(chunks) == 1:  # most articles: no task of its own
            runs = [await one(*chunks[0])]
        else:
            runs = list(await asyncio.gather(*(one(a, b) for a, b in chunks)))
        return self._finish(text, article_date, runs, started, note)

    # -- cache ------------------------------------------------------------------------
    def _cached_result(self, text: str, article_date: dt.date | None) -> tuple[Briefing | None, str | None]:
        """A finished briefing from the cache, if one was stored by this very code; else a note."""
        if self.cache is None:
            return None, None
        look = self.cache.get(self.key(text, article_date), text=text)
        entry = look.entry
        if entry is None or entry.result is None or entry.fingerprint != self._fingerprint():
            return None, look.problem
        try:
            briefing = Briefing.model_validate_json(entry.result)
            _check_integrity(briefing, text)
        except (ValueError, AssertionError) as exc:
            return None, f"cached result failed its integrity check ({str(exc)[:80]}); rebuilt"
        prov = briefing.provenance or Provenance(engine="llm")
        notes = [*prov.notes, f"cache: hit (stored {entry.created_at.isoformat(timespec='seconds')})"]
        return briefing.model_copy(
            update={"provenance": prov.model_copy(update={"cached": True, "notes": notes})}
        ), None

    def _cached_chunk(self, text: str, a: int, b: int, article_date: dt.date | None) -> tuple[_Run | None, str | None]:
        """The stored drafts of ``text[a:b]`` (parsed again), or None and why not."""
        if self.cache is None:
            return None, None
        sub = text[a:b]
        look = self.cache.get(self.key(sub, article_date), text=sub)
        entry = look.entry
        if entry is None or not entry.pieces:
            return None, look.problem
        try:
            pieces = [Piece(a + p.start, a + p.end, Draft.model_validate(p.draft)) for p in entry.pieces]
        except ValueError as exc:
            return None, f"corrupt cache entry ignored and replaced: drafts invalid ({str(exc).splitlines()[0][:80]})"
        u = entry.usage
        tally = Tally(
            requests=entry.requests,
            reasks=entry.reasks,
            prompt_tokens=u.prompt_tokens,
            completion_tokens=u.completion_tokens,
            total_tokens=u.total_tokens,
            notes=list(entry.notes),
        )
        return _Run(pieces, tally, cached=True), None

    def _entry(self, text: str, article_date: dt.date | None, run: _Run, offset: int) -> CacheEntry:
        t = run.tally
        return CacheEntry(
            key=self.key(text, article_date),
            created_at=dt.datetime.now(dt.UTC),
            model=self.model,
            endpoint_host=self.host,
            prompt_id=self.prompt_id,
            text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            text_length=len(text),
            responses=t.responses,
            usage=t.usage,
            requests=t.requests,
            reasks=t.reasks,
            notes=t.notes,
            pieces=[
                CachedPiece(start=p.start - offset, end=p.end - offset, draft=p.draft.model_dump(mode="json"))
                for p in run.pieces
            ],
        )

    def _store_chunk(self, text: str, a: int, b: int, article_date: dt.date | None, run: _Run) -> None:
        if self.cache is not None and not (a == 0 and b == len(text)):
            self.cache.put(self._entry(text[a:b], article_date, run, a))

    def _store_result(self, text: str, article_date: dt.date | None, runs: list[_Run], result: Briefing) -> None:
        if self.cache is None:
            return
        if len(runs) == 1:
            whole = runs[0]  # one chunk (the whole text): this entry holds its drafts and the result
        else:  # a long article: its chunks hold the drafts; this entry holds the total cost and the result
            tally = Tally()
            for r in runs:
                tally.add(r.tally)
            tally.notes, tally.waits, tally.responses = [], [], []
            whole = _Run([], tally)
        entry = self._entry(text, article_date, whole, 0)
        entry = entry.model_copy(update={"result": result.model_dump_json(), "fingerprint": self._fingerprint()})
        self.cache.put(entry)

    # -- assembly ---------------------------------------------------------------------
    def _finish(
        self, text: str, article_date: dt.date | None, runs: list[_Run], started: dt.datetime, note: str | None
    ) -> Briefing:
        pieces = [p for r in runs for p in r.pieces]
        whole = pieces[0] if len(pieces) == 1 and (pieces[0].start, pieces[0].end) == (0, len(text)) else None
        if whole is not None and whole.checked is not None:  # the re-ask loop already checked this very draft
            briefing, report = whole.checked
        else:
            briefing = assemble(pieces, text, article_date=article_date)
            report = self._validate(briefing, text)
        briefing, dropped = _drop_source_fields(briefing, report)
        tally = Tally()
        for r in runs:
            tally.add(r.tally)
        notes = ([note] if note else []) + tally.notes
        if len(runs) > 1:
            notes.insert(0, f"long article: {len(runs)} chunks of up to {self.settings.chunk_chars} characters")
        cached = all(r.cached for r in runs)
        if cached:
            notes.append("cache: hit (drafts re-validated)")
        prov = Provenance(
            engine="llm",
            model=self.model,
            endpoint_host=self.host,
            prompt_id=self.prompt_id,
            created_at=started,
            attempts=tally.requests,
            reasks=tally.reasks,
            usage=tally.usage,
            cached=cached,
            dropped=dropped,
            notes=notes,
        )
        result = briefing.model_copy(update={"provenance": prov})
        # verified() rebuilds the briefing; with no errors there is nothing to drop.
        result = result.verified(report) if report.errors else result.model_copy(update={"validation": report})
        if self._audit is not None:  # coverage of what is kept: dropped items cover nothing
            report = report.model_copy(update={"coverage": self._audit(result, text)})
            result = result.model_copy(update={"validation": report})
        self._store_result(text, article_date, runs, result)
        return result


def _drop_source_fields(briefing: Briefing, report: ValidationReport) -> tuple[Briefing, list[DroppedItem]]:
    """Clear a title / dateline that failed validation (``verified()`` keeps source fields)."""
    dropped: list[DroppedItem] = []
    update: dict[str, Any] = {}
    for name in _SOURCE_FIELDS:
        issues = [i for i in report.errors if i.path == f"source.{name}" or i.path.startswith(f"source.{name}.")]
        if issues and getattr(briefing.source, name) is not None:
            update[name] = None
            dropped.append(DroppedItem(path=f"source.{name}", reason=f"{issues[0].code}: {issues[0].message}"))
    if not update:
        return briefing, dropped
    return briefing.model_copy(update={"source": briefing.source.model_copy(update=update)}), dropped


def _check_integrity(briefing: Briefing, text: str) -> None:
    """The stored result belongs to ``text`` and every located span reproduces its text."""
    if briefing.source.sha256 != hashlib.sha256(text.encode("utf-8")).hexdigest():
        raise AssertionError("source sha256 differs")
    from ...locate import iter_evidence

    groups = [("source", briefing.source), *briefing.items()]
    for prefix, item in groups:
        for _, ev in iter_evidence(item, prefix):
            for s in ev.spans:
                if s.start is not None and text[s.start : s.end] != s.text:
                    raise AssertionError(f"span [{s.start}, {s.end}) does not reproduce its text")
