"""The public face: summarize() picks an engine, and every briefing comes back validated.

Engine choice (``engine=``):

- ``"auto"`` (default): the LLM engine when one is configured (a key, a base URL or
  a client), else the offline rules engine, with a one-line notice on stderr;
- ``"llm"``: the LLM engine, or :class:`~summarizer.errors.NoLLMConfiguredError`
  saying how to configure one;
- ``"rules"``: the offline engine.

A configured LLM that fails raises: there is no silent fallback to the rules engine.
Notices go to the ``summarizer`` logger (Python prints a warning to stderr when the
application set up no logging; the CLI shows them as ``summarizer: ...`` lines).
Either engine's briefing is validated against the text; what fails is dropped and
listed in ``provenance.dropped``, and the report is in ``briefing.validation``.

Batches: :func:`summarize_many` / :func:`asummarize_many` return one result per
article, in input order: a :class:`~summarizer.schema.Briefing`, or the
:class:`~summarizer.errors.SummarizerError` that article raised. One bad article
never aborts the batch; an error that every article would meet does, raised once
(see :func:`asummarize_many` and :mod:`summarizer.batchrun`). ``progress=`` is told of
each article as it finishes (:class:`~summarizer.batchrun.BatchProgress`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import logging
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from typing import Any, Literal, TypeVar

from . import notices
from .batchrun import BatchProgress, ProgressCallback, Tracker
from .config import LLMSettings, no_llm_message
from .engines import Dated
from .engines import Engine as EngineImpl
from .errors import (
    EngineError,
    InputError,
    LLMExtraMissingError,
    NoLLMConfiguredError,
    SummarizerError,
)
from .schema import Briefing
from .text import check_text

__all__ = [
    "BatchProgress",
    "BatchResult",
    "Engine",
    "asummarize",
    "asummarize_many",
    "summarize",
    "summarize_many",
    "summarize_stream",
]

Engine = Literal["auto", "llm", "rules"]
BatchResult = Briefing | SummarizerError
T = TypeVar("T")

log = logging.getLogger("summarizer")

AUTO_NOTICE = (
    "summarizer: no LLM configured (OPENAI_API_KEY / OPENAI_BASE_URL); using the offline rules engine "
    "(engine='rules' or --engine rules silences this)"
)


def _parse_date(date: dt.date | str | None) -> dt.date | None:
    if date is None or isinstance(date, dt.date):
        return date.date() if isinstance(date, dt.datetime) else date
    if not isinstance(date, str):
        raise InputError(f"date must be a datetime.date or an ISO string, got {type(date).__name__}")
    try:
        return dt.date.fromisoformat(date)
    except ValueError as exc:
        raise InputError(f"date {date!r} is not an ISO date (YYYY-MM-DD)") from exc


def _settings(settings: LLMSettings | None, model: str | None) -> LLMSettings:
    base = settings if settings is not None else LLMSettings.from_env()
    return base.replace(model=model) if model is not None else base


def _choose(engine: str, settings: LLMSettings, client: object) -> Literal["llm", "rules"]:
    configured = client is not None or settings.configured
    if engine == "rules":
        return "rules"
    if engine == "llm":
        if not configured:
            raise NoLLMConfiguredError(no_llm_message("neither OPENAI_API_KEY nor OPENAI_BASE_URL is set"))
        return "llm"
    if engine == "auto":
        if configured:
            return "llm"
        notices.once(AUTO_NOTICE)  # once per process: a loop of summarize() calls says it once
        return "rules"
    raise InputError(f"engine must be 'auto', 'llm' or 'rules', got {engine!r}")


def _rules(day: dt.date) -> EngineImpl:
    from .engines.rules import RulesEngine

    return Dated(RulesEngine(), day)


LLM_EXTRA_MESSAGE = "the LLM engine needs the llm extra: pip install 'spanbrief[llm]'"


def _require_llm() -> None:
    """Import the LLM engine, or say which extra to install (the offline path never imports it)."""
    try:
        import summarizer.engines.llm  # noqa: F401
    except ModuleNotFoundError as exc:
        if (exc.name or "summarizer").partition(".")[0] == "summarizer":
            raise  # a module of ours missing is a broken install, not a missing extra
        raise LLMExtraMissingError(f"{LLM_EXTRA_MESSAGE} (missing module {exc.name!r})") from None


def _llm_engine(
    settings: LLMSettings, client: object, day: dt.date, *, own_client: bool = False, answers: Any = None
) -> EngineImpl:
    _require_llm()
    from .engines.llm import LLMEngine

    return Dated(LLMEngine(settings, client=client, own_client=own_client, answers=answers), day)


def _day(day: dt.date | str | None) -> dt.date:
    """The briefing day (a dateline's date without a year is read in it): ``day``, or today."""
    return _parse_date(day) or dt.date.today()


# --------------------------------------------------------------------------- one article


def summarize(
    text: str,
    *,
    engine: Engine = "auto",
    model: str | None = None,
    date: dt.date | str | None = None,
    day: dt.date | str | None = None,
    client: Any = None,
    settings: LLMSettings | None = None,
) -> Briefing:
    """Brief one article.

    ``model`` overrides the configured model; ``date`` is the article's date (resolves
    "on Tuesday"); without it, the date the dateline writes ("PARIS, Nov. 2 (Reuters) -"),
    its year read in ``day`` (the briefing day, default today), and where it came from is in
    ``source.article_date_source``; with neither, the report says so. ``client`` is an
    ``openai.OpenAI`` to use as it is (its retries are switched off: the library retries);
    ``settings`` replaces the environment (:meth:`LLMSettings.from_env`).
    """
    text = check_text(text)
    article_date = _parse_date(date)
    resolved = _settings(settings, model)
    which = _choose(engine, resolved, client)
    eng = _rules(_day(day)) if which == "rules" else _llm_engine(resolved, client, _day(day))
    notices.warn_if_large(text, engine=which, settings=resolved)
    return eng.run(text, article_date=article_date)


async def asummarize(
    text: str,
    *,
    engine: Engine = "auto",
    model: str | None = None,
    date: dt.date | str | None = None,
    day: dt.date | str | None = None,
    client: Any = None,
    settings: LLMSettings | None = None,
) -> Briefing:
    """:func:`summarize` for async code; ``client`` may be an ``openai.AsyncOpenAI`` (or a sync one)."""
    text = check_text(text)
    article_date = _parse_date(date)
    resolved = _settings(settings, model)
    which = _choose(engine, resolved, client)
    eng = _rules(_day(day)) if which == "rules" else _llm_engine(resolved, client, _day(day))
    notices.warn_if_large(text, engine=which, settings=resolved)
    return await eng.arun(text, article_date=article_date)


# --------------------------------------------------------------------------- batches


def _as_error(exc: BaseException, index: int) -> SummarizerError:
    if isinstance(exc, SummarizerError):
        err = exc
    else:
        err = EngineError(f"unexpected {type(exc).__name__}: {exc}")
        err.__cause__ = exc
    if isinstance(err, EngineError) and err.article_id is None:
        err.article_id = str(index)
    return err


def _dates(texts: Sequence[str], dates: Sequence[dt.date | str | None] | None) -> list[dt.date | None]:
    if dates is None:
        return [None] * len(texts)
    if len(dates) != len(texts):
        raise InputError(f"dates has {len(dates)} entries for {len(texts)} texts: give one per text, or none")
    return [_parse_date(d) for d in dates]


def _checked(texts: Sequence[str]) -> list[str | SummarizerError]:
    out: list[str | SummarizerError] = []
    for i, t in enumerate(texts):
        try:
            out.append(check_text(t))
        except SummarizerError as exc:
            out.append(_as_error(exc, i))
    return out


_STOPS_DOC = """
    Errors that stop the batch: they are raised once, after what is still running is
    cancelled, instead of being returned for every article. A
    :class:`~summarizer.errors.ConfigurationError` (no LLM or no model configured, the
    llm extra missing), an :class:`~summarizer.errors.AuthenticationError` (401 / 403),
    an :class:`~summarizer.errors.EndpointUnreachableError` for three articles in a row
    (nothing listening, no such host, no connection: the circuit breaker of
    :mod:`summarizer.batchrun`), and whatever ``progress`` raises (as it is). Every other
    error (an empty text, a malformed answer, a 500 or a 400 for one article) is that
    article's result.

    ``progress`` is called once per article as it finishes, in completion order and never
    concurrently, with a :class:`~summarizer.batchrun.BatchProgress` (counts, tokens,
    elapsed time). When the batch stops, the articles finished before were delivered
    through it; the one whose error stops the batch was not.
"""


async def asummarize_many(
    texts: Sequence[str],
    *,
    engine: Engine = "auto",
    model: str | None = None,
    dates: Sequence[dt.date | str | None] | None = None,
    day: dt.date | str | None = None,
    client: Any = None,
    settings: LLMSettings | None = None,
    concurrency: int = 8,
    progress: ProgressCallback | None = None,
    answers: Any = None,
) -> list[BatchResult]:
    """Brief many articles with at most ``concurrency`` requests in flight; results in input order.

    ``answers``: a provider batch's results (:class:`summarizer.engines.llm.batchfiles.Results`),
    which answer each chunk's first request (:mod:`summarizer.engines.llm.provider_batch`).
    """
    if isinstance(texts, str):
        raise InputError("summarize_many() takes a sequence of article texts; for one article use summarize()")
    if concurrency < 1:
        raise InputError(f"concurrency must be >= 1, got {concurrency}")
    article_dates, briefing_day = _dates(texts, dates), _day(day)  # a text without a date: its dateline's
    items = _checked(texts)
    resolved = _settings(settings, model)
    which = _choose(engine, resolved, client)
    tracker = Tracker(len(items), progress, senders=sum(isinstance(it, str) for it in items))
    if which == "rules":
        return await _many_rules(items, article_dates, resolved, tracker, briefing_day)
    _require_llm()
    import openai

    if isinstance(client, openai.OpenAI):  # a sync client: threads instead of the event loop
        return await asyncio.to_thread(
            _many_threads, items, article_dates, resolved, client, concurrency, tracker, briefing_day, answers
        )
    from .engines.llm.client import new_async_client

    replay = resolved.recording_mode == "replay"  # answers from recordings: no client, no connection
    own = new_async_client(resolved) if client is None and not replay else None
    try:
        eng = _llm_engine(
            resolved, client if client is not None else own, briefing_day, own_client=own is not None, answers=answers
        )
        sem = asyncio.Semaphore(concurrency)

        async def one(i: int, item: str | SummarizerError) -> tuple[int, BatchResult]:
            if isinstance(item, SummarizerError):
                return i, item
            notices.warn_if_large(item, engine="llm", settings=resolved, index=i)
            try:
                return i, await eng.arun(item, article_date=article_dates[i], semaphore=sem)
            except Exception as exc:
                return i, _as_error(exc, i)

        return await _collect([one(i, it) for i, it in enumerate(items)], tracker)
    finally:
        if own is not None:
            await own.close()


asummarize_many.__doc__ = f"{asummarize_many.__doc__}\n{_STOPS_DOC}"


async def _collect(jobs: list[Awaitable[tuple[int, BatchResult]]], tracker: Tracker) -> list[BatchResult]:
    """Run the jobs, recording each as it finishes; whatever ``record`` raises cancels the rest."""
    tasks = [asyncio.ensure_future(job) for job in jobs]
    out: list[BatchResult | None] = [None] * len(tasks)
    try:
        for next_done in asyncio.as_completed(tasks):
            i, result = await next_done
            tracker.record(i, result)
            out[i] = result
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return _complete(out)


def _complete(out: list[BatchResult | None]) -> list[BatchResult]:
    done = [r for r in out if r is not None]
    assert len(done) == len(out), "every article has a result"
    return done


async def _many_rules(
    items: list[str | SummarizerError],
    article_dates: list[dt.date | None],
    settings: LLMSettings,
    tracker: Tracker,
    day: dt.date,
) -> list[BatchResult]:
    """The offline engine, one article after another (it is CPU-bound: threads would only contend).

    Between articles the event loop gets control, so a cancellation (Ctrl-C under
    ``asyncio.run``) stops the batch after the article in hand, not after the last one.
    """
    rules = _rules(day)
    out: list[BatchResult] = []
    for i, it in enumerate(items):
        if isinstance(it, str):
            notices.warn_if_large(it, engine="rules", settings=settings, index=i)
        result = it if isinstance(it, SummarizerError) else _try(i, rules.run, it, article_date=article_dates[i])
        tracker.record(i, result)
        out.append(result)
        await asyncio.sleep(0)
    return out


def _try(index: int, fn: Callable[..., Briefing], *args: Any, **kwargs: Any) -> BatchResult:
    try:
        return fn(*args, **kwargs)
    except Exception as exc:
        return _as_error(exc, index)


def _many_threads(
    items: list[str | SummarizerError],
    article_dates: list[dt.date | None],
    settings: LLMSettings,
    client: Any,
    concurrency: int,
    tracker: Tracker,
    day: dt.date,
    answers: Any = None,
) -> list[BatchResult]:
    """The batch on a sync client: workers in threads, results recorded by this thread alone, as they finish."""
    eng = _llm_engine(settings, client, day, answers=answers)
    out: list[BatchResult | None] = [None] * len(items)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="summarizer")
    try:
        running: dict[concurrent.futures.Future[BatchResult], int] = {}
        for i, it in enumerate(items):
            if isinstance(it, SummarizerError):
                tracker.record(i, it)
                out[i] = it
                continue
            notices.warn_if_large(it, engine="llm", settings=settings, index=i)
            running[pool.submit(_try, i, eng.run, it, article_date=article_dates[i])] = i
        for fut in concurrent.futures.as_completed(running):
            i = running[fut]
            result = out[i] = fut.result()
            tracker.record(i, result)
    finally:  # a stop: the articles not started are cancelled, those running finish (their results dropped)
        pool.shutdown(wait=True, cancel_futures=True)
    return _complete(out)


def summarize_many(
    texts: Sequence[str],
    *,
    engine: Engine = "auto",
    model: str | None = None,
    dates: Sequence[dt.date | str | None] | None = None,
    day: dt.date | str | None = None,
    client: Any = None,
    settings: LLMSettings | None = None,
    concurrency: int = 8,
    progress: ProgressCallback | None = None,
    answers: Any = None,
) -> list[BatchResult]:
    """Brief many articles concurrently; one result per text, in input order (a Briefing or the error).

    ``answers``: a provider batch's results (see :func:`asummarize_many`).
    """
    return _run_sync(
        lambda: asummarize_many(
            texts,
            engine=engine,
            model=model,
            dates=dates,
            day=day,
            client=client,
            settings=settings,
            concurrency=concurrency,
            progress=progress,
            answers=answers,
        )
    )


summarize_many.__doc__ = f"{summarize_many.__doc__}\n{_STOPS_DOC}"


def summarize_stream(
    texts: Iterable[str],
    *,
    engine: Engine = "auto",
    model: str | None = None,
    dates: Iterable[dt.date | str | None] | None = None,
    day: dt.date | str | None = None,
    client: Any = None,
    settings: LLMSettings | None = None,
    concurrency: int = 8,
    window: int = 256,
    answers: Any = None,
) -> Iterator[BatchResult]:
    """Brief ``texts`` as they come, ``window`` at a time: one result per text, in order, in bounded memory.

    The same as :func:`summarize_many` over consecutive windows of ``window`` texts (its
    stops included), for feeds too long to hold: a text is read when its window starts and
    its result is yielded when its window ends. ``answers``: a provider batch's results
    (:mod:`summarizer.engines.llm.provider_batch`).
    """
    if isinstance(texts, str):
        raise InputError("summarize_stream() takes an iterable of article texts; for one article use summarize()")
    if window < 1:
        raise InputError(f"window must be >= 1, got {window}")
    date_iter = iter(dates) if dates is not None else None
    block: list[str] = []
    block_dates: list[dt.date | str | None] = []

    def flush() -> list[BatchResult]:
        out = summarize_many(
            block,
            engine=engine,
            model=model,
            dates=block_dates,
            day=day,
            client=client,
            settings=settings,
            concurrency=concurrency,
            answers=answers,
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


def _run_sync(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion from sync code, also when this thread already runs a loop."""

    async def main() -> T:
        return await make()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(main())
    box: list[T] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            box.append(asyncio.run(main()))
        except BaseException as exc:
            errors.append(exc)

    t = threading.Thread(target=worker, name="summarizer-batch")
    t.start()
    t.join()
    if errors:
        raise errors[0]
    return box[0]
