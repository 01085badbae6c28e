"""The LLM engine: chunks, cache, the conversation per chunk, assembly, verification, provenance.

:meth:`LLMEngine.run` (sync) and :meth:`LLMEngine.arun` (async) drive the same
conversation (:func:`.loop.run_chunk`) through :class:`~summarizer.engines.llm.transport.Transport`
or :class:`~summarizer.engines.llm.transport.AsyncTransport`. Per article:

1. the article is split into chunks when long; each chunk's drafts are looked up in
   the cache (same text, model, endpoint, prompt, schema, mode and parameters) or
   asked of the model (with re-asks);
2. the pieces are assembled and go through the one verification step
   (:func:`summarizer.verify.verify`): validated against the whole article, what
   failed dropped with its reason, the coverage audit attached. A cache hit goes
   through the same step: the cache stores what the model said, never a verdict, so a
   tampered or stale entry cannot be served as verified;
3. provenance records what it cost. Notes about this run's cache lookups are never
   stored with an entry, so a later hit does not replay them.

A chunk whose conversation did not finish cleanly (a re-ask that failed at the
transport level) is not cached: the next run asks again.

A provider batch (:mod:`.provider_batch`) asks each chunk's first request through the
provider's batch engine instead: :meth:`LLMEngine.batch_requests` gives those requests
(taken from the conversation itself, so they are the requests a direct run sends), and
an engine built with ``answers=`` (a batch's :class:`~.batchfiles.Results`) takes each
chunk's first answer from there; everything after it (re-parses, re-asks, the halves of
a truncated answer) goes to the endpoint as usual. A request the batch failed is asked
directly; one the batch never answered fails the article with
:class:`~summarizer.errors.BatchResultMissingError`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeVar

import openai

from ... import notices
from ...config import LLMSettings, Mode
from ...errors import BatchResultMissingError, EngineError
from ...schema import Briefing, Provenance, text_sha256
from ...validate import validate as default_validate
from ...verify import verify
from .batchfiles import Results, custom_id
from .cache import CachedPiece, CacheEntry, ResponseCache, cache_key, open_cache
from .chunking import Piece, assemble, plan_chunks
from .client import async_client, client_host, structured, sync_client
from .draft import Draft, schema_hash, schema_json
from .loop import Context, Tally, Validator, run_chunk
from .prompts import load_prompts
from .recordings import AsyncRecorder, Exchange, Recorder
from .recordings import resolve as resolve_recordings
from .servers import endpoint_mode, remember
from .structured import Structured
from .transport import AsyncTransport, Call, Outcome, Transport

__all__ = ["LLMEngine"]

T = TypeVar("T")
_RNG = random.Random()  # jitter of retry waits; seeding a Random per request costs more than the request's own work


@dataclass
class _Run:
    """The pieces of one chunk, what they cost, and notes about this run's cache lookup (never stored)."""

    pieces: list[Piece]
    tally: Tally
    cached: bool = False
    notes: list[str] = field(default_factory=list)


def _drive(gen: Generator[Call, Outcome, T], send: Callable[[Call], Outcome]) -> T:
    """Run the conversation; a request that fails is thrown into it, where it was asked (see loop)."""
    try:
        call = next(gen)
        while True:
            try:
                outcome = send(call)
            except EngineError as exc:
                call = gen.throw(exc)
                continue
            call = gen.send(outcome)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    finally:
        gen.close()


async def _adrive(gen: Generator[Call, Outcome, T], transport: _Sends, sem: asyncio.Semaphore) -> T:
    try:
        call = next(gen)
        while True:
            try:
                async with sem:
                    outcome = await transport.complete(call)
            except EngineError as exc:
                call = gen.throw(exc)
                continue
            call = gen.send(outcome)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    finally:
        gen.close()


def _asked_directly(outcome: Outcome, why: str) -> Outcome:
    return replace(outcome, notes=(*outcome.notes, f"batch: the batch failed this request ({why}); asked directly"))


class _Sends(Protocol):
    async def complete(self, call: Call) -> Outcome: ...


class _BatchFirst:
    """An async transport whose first request is answered from a provider batch's results."""

    def __init__(self, engine: LLMEngine, transport: AsyncTransport, a: int, b: int) -> None:
        self.engine, self.transport, self.a, self.b = engine, transport, a, b
        self.first = True

    async def complete(self, call: Call) -> Outcome:
        if not self.first:
            return await self.transport.complete(call)
        self.first = False
        outcome, why = self.engine.batch_answer(self.transport, call, self.a, self.b)
        if outcome is not None:
            return outcome
        return _asked_directly(await self.transport.complete(call), why)


class LLMEngine:
    """One configured endpoint + model + prompt set. Cheap to keep; safe to share between threads."""

    def __init__(
        self,
        settings: LLMSettings,
        *,
        client: Any = None,
        validate: Validator | None = None,
        own_client: bool = False,
        answers: Results | None = None,
    ) -> None:
        """``validate`` replaces the validator (tests); ``settings.coverage`` attaches the coverage audit.

        ``own_client``: ``client`` was built by the library from ``settings`` (a batch's
        client), so requests may go out as the library's own clients send them (see
        :attr:`summarizer.engines.llm.transport.Transport.direct`); a caller's client always gets
        ``chat.completions.create()``, where the caller's hooks see every request.
        """
        # Replay: the model and mode may come from the recordings' manifest; no client is ever used.
        settings, self.recordings = resolve_recordings(settings)
        if client is not None and settings.recording_mode != "replay":  # the caller's client decides the endpoint
            settings = settings.replace(base_url=str(client.base_url))
        if client is None:
            settings.require_configured()
        self.settings = settings
        self.client = client
        self._direct = client is None or own_client
        self.model = settings.resolved_model()
        self.host = client_host(client) if client is not None else settings.endpoint_host
        manifest = self.recordings.manifest() if settings.recording_mode == "replay" and self.recordings else None
        if manifest is not None and manifest.endpoint_host and not settings.base_url:
            self.host = manifest.endpoint_host  # where the replayed answers came from
        self.mode = endpoint_mode(settings, client)  # may ask the server what it is (servers.py)
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
        # Recording or replaying: every request goes out (a cache hit would send none, so record nothing).
        use_cache = settings.cache and settings.recording_mode == "live"
        self.cache: ResponseCache | None = open_cache(settings) if use_cache else None
        self._validate: Validator = validate or default_validate
        self._structured = structured(settings, self.mode)
        # The mode was chosen for the endpoint: a refusal of json_schema switches (see _switch).
        self._fallback = self._switch if settings.mode is None and self.mode is Mode.JSON_SCHEMA else None
        self.answers = answers  # a provider batch's results: each chunk's first answer (module docstring)

    # -- keys and context -----------------------------------------------------------
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

    def _sync_transport(self, text: str) -> tuple[Transport, Exchange | None]:
        if self.recordings is None:
            return Transport(client=sync_client(self.settings, self.client), **self._transport_args()), None
        ex = self._exchange(text)
        inner = None if self.settings.recording_mode == "replay" else sync_client(self.settings, self.client)
        recorder = Recorder(self.recordings, inner, ex, direct=self._direct)
        return Transport(**{**self._transport_args(), "client": recorder, "direct": True}), ex

    def _async_transport(self, text: str) -> tuple[AsyncTransport, Exchange | None]:
        if self.recordings is None:
            return AsyncTransport(client=async_client(self.settings, self.client), **self._transport_args()), None
        ex = self._exchange(text)
        inner = None if self.settings.recording_mode == "replay" else async_client(self.settings, self.client)
        recorder = AsyncRecorder(self.recordings, inner, ex, direct=self._direct)
        return AsyncTransport(**{**self._transport_args(), "client": recorder, "direct": True}), ex

    def _exchange(self, text: str) -> Exchange:
        return Exchange(self.model, self.mode, self.prompt_id, self.host, text_sha256(text))

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
            "fallback": self._fallback,
        }

    def _switch(self) -> Structured:
        """The endpoint refused json_schema: json_object_schema from now on, here and in later engines.

        This engine's cache key keeps its first mode: a new process with the same settings
        meets the same refusal and finds what this engine stored.
        """
        self._structured, self._fallback = structured(self.settings, Mode.JSON_OBJECT_SCHEMA), None
        remember(self.settings.base_url, Mode.JSON_OBJECT_SCHEMA)
        notices.once(
            f"the server at {self.host} refused response_format json_schema: switched to mode json_object_schema "
            "(set SUMMARIZER_MODE=json_object_schema to start there)"
        )
        return self._structured

    # -- sync -------------------------------------------------------------------------
    def run(self, text: str, *, article_date: dt.date | None = None) -> Briefing:
        started = dt.datetime.now(dt.UTC)
        chunks = plan_chunks(text, size=self.settings.chunk_chars, overlap=self.settings.chunk_overlap)
        transport: Transport | None = None
        exchange: Exchange | None = None
        runs: list[_Run] = []
        for a, b in chunks:
            run, problem = self._cached_chunk(text, a, b, article_date)
            if run is None:
                if transport is None:
                    transport, exchange = self._sync_transport(text)
                tally = Tally()
                send = transport.complete if self.answers is None else self._from_batch(transport, a, b)
                pieces = _drive(run_chunk(text, a, b, self._context(article_date), tally), send)
                run = _Run(pieces, tally, notes=[problem] if problem else [])
                self._store_chunk(text, a, b, article_date, run)
            runs.append(run)
        return self._finish(text, article_date, runs, started, exchange)

    # -- async ------------------------------------------------------------------------
    async def arun(
        self, text: str, *, article_date: dt.date | None = None, semaphore: asyncio.Semaphore | None = None
    ) -> Briefing:
        """Brief ``text``; requests wait on ``semaphore`` (shared by a batch) or on one of ``concurrency``."""
        if isinstance(self.client, openai.OpenAI):  # a sync client: run the sync engine off the loop
            return await asyncio.to_thread(self.run, text, article_date=article_date)
        started = dt.datetime.now(dt.UTC)
        chunks = plan_chunks(text, size=self.settings.chunk_chars, overlap=self.settings.chunk_overlap)
        transport, exchange = self._async_transport(text)
        sem = semaphore or asyncio.Semaphore(self.settings.concurrency)

        async def one(a: int, b: int) -> _Run:
            run, problem = self._cached_chunk(text, a, b, article_date)
            if run is None:
                tally = Tally()
                conversation = run_chunk(text, a, b, self._context(article_date), tally)
                if self.answers is None:
                    pieces = await _adrive(conversation, transport, sem)
                else:
                    pieces = await _adrive(conversation, _BatchFirst(self, transport, a, b), sem)
                run = _Run(pieces, tally, notes=[problem] if problem else [])
                self._store_chunk(text, a, b, article_date, run)
            return run

        if len(chunks) == 1:  # most articles: no task of its own
            runs = [await one(*chunks[0])]
        else:
            runs = list(await asyncio.gather(*(one(a, b) for a, b in chunks)))
        return self._finish(text, article_date, runs, started, exchange)

    # -- provider batches ---------------------------------------------------------------
    def batch_requests(self, text: str, *, article_date: dt.date | None = None) -> list[tuple[str, dict[str, Any]]]:
        """``(custom_id, body)`` of the first request of each chunk of ``text`` that the cache cannot answer."""
        shaper = Transport(client=None, **self._transport_args())
        out: list[tuple[str, dict[str, Any]]] = []
        for a, b in plan_chunks(text, size=self.settings.chunk_chars, overlap=self.settings.chunk_overlap):
            run, _ = self._cached_chunk(text, a, b, article_date)
            if run is not None:
                continue
            conversation = run_chunk(text, a, b, self._context(article_date), Tally())
            try:
                body = shaper.request_body(next(conversation))  # the request a direct run sends first
            finally:
                conversation.close()
            out.append((custom_id(body), body))
        return out

    def batch_answer(
        self, shaper: Transport | AsyncTransport, call: Call, a: int, b: int
    ) -> tuple[Outcome | None, str]:
        """The batch's answer to a chunk's first request; None and why when the batch failed it (ask directly)."""
        assert self.answers is not None
        cid = custom_id(shaper.request_body(call))
        answer = self.answers.get(cid)
        if answer is None or not answer.ran:
            why = (
                self.answers.missing
                if answer is None
                else f"the batch did not run it ({answer.error}); run the same command again to submit what is left"
            )
            raise BatchResultMissingError(
                f"no answer in the batch results for characters [{a}, {b}) (request {cid}): {why}", model=self.model
            )
        if answer.completion is None:
            return None, answer.error or "no answer"
        return shaper.answered(call, answer.completion), ""

    def _from_batch(self, transport: Transport, a: int, b: int) -> Callable[[Call], Outcome]:
        first = True

        def send(call: Call) -> Outcome:
            nonlocal first
            if not first:
                return transport.complete(call)
            first = False
            outcome, why = self.batch_answer(transport, call, a, b)
            return outcome if outcome is not None else _asked_directly(transport.complete(call), why)

        return send

    # -- cache ------------------------------------------------------------------------
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
        )  # the entry's notes tell how its answer came about then: a hit does not replay them as news
        stored = f"cache: hit for [{a}, {b}) (stored {entry.created_at.isoformat(timespec='seconds')}; verified again)"
        return _Run(pieces, tally, cached=True, notes=[stored]), None

    def _entry(self, text: str, article_date: dt.date | None, run: _Run, offset: int) -> CacheEntry:
        t = run.tally
        return CacheEntry(
            key=self.key(text, article_date),
            created_at=dt.datetime.now(dt.UTC),
            model=self.model,
            endpoint_host=self.host,
            prompt_id=self.prompt_id,
            text_sha256=text_sha256(text),
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
        if self.cache is not None and not run.tally.report_notes:  # a conversation cut short is asked again
            self.cache.put(self._entry(text[a:b], article_date, run, a))

    # -- assembly ---------------------------------------------------------------------
    def _finish(
        self,
        text: str,
        article_date: dt.date | None,
        runs: list[_Run],
        started: dt.datetime,
        exchange: Exchange | None = None,
    ) -> Briefing:
        pieces = [p for r in runs for p in r.pieces]
        whole = pieces[0] if len(pieces) == 1 and (pieces[0].start, pieces[0].end) == (0, len(text)) else None
        if whole is not None and whole.checked is not None:  # the re-ask loop already checked this very draft
            briefing, report = whole.checked
        else:
            briefing, report = assemble(pieces, text, article_date=article_date), None
        tally = Tally()
        for r in runs:
            tally.add(r.tally)
        notes = [n for r in runs for n in r.notes] + tally.notes
        notice = self.cache.notice() if self.cache is not None else None
        if notice:
            notes.insert(0, notice)
        if exchange is not None and self.recordings is not None:
            said = exchange.note(self.settings.recording_mode, self.recordings.root)
            notes[:0] = [said] if said else []
        if len(runs) > 1:
            notes.insert(0, f"long article: {len(runs)} chunks of up to {self.settings.chunk_chars} characters")
        cached = all(r.cached for r in runs)
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
            notes=notes,
        )
        return verify(
            briefing.model_copy(update={"provenance": prov}),
            text,
            validator=self._validate,
            coverage=self.settings.coverage,
            report=report,
            notes=tally.report_notes,
        )
