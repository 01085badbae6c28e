"""The bookkeeping of one ``summarize_many`` run: progress reports, and the errors that stop the run.

:class:`Tracker` sees each article's result as it finishes (in completion order, from
one thread at a time) and

- counts it and calls the caller's ``progress`` with a :class:`BatchProgress`; an
  exception the callback raises stops the batch and propagates as it is;
- raises the errors that no other article could avoid, so the batch reports them
  once instead of once per article (:func:`stops_run`): a configuration error (no
  model, the llm extra missing, a mode that does not fit), an authentication error
  (401 / 403: the same key goes with every request);
- is the circuit breaker: :data:`BREAKER` articles in a row that found nothing at the
  endpoint's address (:class:`~summarizer.errors.EndpointUnreachableError`) stop the run
  with that error. One such article among answered ones stays in its place (a server
  restarting); a success or any answer of the endpoint resets the count.

The front end (:mod:`summarizer.api`) cancels what is still running when ``record``
raises. Results recorded before were delivered through ``progress``; the article
whose error stops the run is not: its error is what the batch raises.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from .errors import (
    AuthenticationError,
    ConfigurationError,
    EndpointUnreachableError,
    InputError,
    SummarizerError,
)
from .schema import Briefing

__all__ = ["BREAKER", "BatchProgress", "ProgressCallback", "Tracker", "stops_run"]

BREAKER = 3  # articles in a row with no connection to the endpoint: the batch stops


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchProgress:
    """Where a batch stands, passed to ``progress=`` once per article as it finishes.

    ``index`` is the article just finished (its place in the input), ``result`` its
    briefing or error. ``done`` counts the articles finished so far (briefings and
    errors), ``failed`` the errors among them, ``cached`` the briefings served whole
    from the LLM cache, of ``total``. The tokens are those this run spent so far
    (``provenance.usage`` of the briefings not served from the cache; an article that
    failed reports none); ``elapsed`` is seconds since the batch started.
    """

    index: int
    result: Briefing | SummarizerError
    done: int
    failed: int
    cached: int
    total: int
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    elapsed: float


ProgressCallback = Callable[[BatchProgress], None]


def stops_run(err: SummarizerError) -> bool:
    """An error that every other article of the run would meet too: raise it once."""
    return isinstance(err, ConfigurationError | AuthenticationError)


class Tracker:
    """Counts of one batch; :meth:`record` reports each result and raises what stops the run."""

    def __init__(self, total: int, progress: ProgressCallback | None, *, senders: int) -> None:
        """``senders``: the articles that will reach the engine (the others failed the input check)."""
        self.total = total
        self.progress = progress
        self.trip = min(BREAKER, senders)
        self.started = time.perf_counter()
        self.done = self.failed = self.cached = 0
        self.prompt_tokens = self.completion_tokens = self.total_tokens = 0
        self.unreachable = 0  # in a row

    def record(self, index: int, result: Briefing | SummarizerError) -> None:
        if isinstance(result, SummarizerError):
            self._check(result)
        elif not _from_cache(result):
            self.unreachable = 0
        self._count(result)
        if self.progress is not None:
            self.progress(self.snapshot(index, result))

    def _check(self, err: SummarizerError) -> None:
        if stops_run(err):
            raise err
        if isinstance(err, EndpointUnreachableError):
            self.unreachable += 1
            if self.unreachable >= self.trip:
                err.args = (f"{err.args[0]}; {self._stopped()}",)
                raise err
        elif not isinstance(err, InputError):  # the endpoint answered (or the article broke the engine)
            self.unreachable = 0

    def _stopped(self) -> str:
        return (
            f"the batch stopped: {self.unreachable} article(s) in a row could not connect "
            f"({self.done} of {self.total} finished before)"
        )

    def _count(self, result: Briefing | SummarizerError) -> None:
        self.done += 1
        if isinstance(result, SummarizerError):
            self.failed += 1
            return
        if _from_cache(result):
            self.cached += 1
            return
        if result.provenance is not None:
            usage = result.provenance.usage
            self.prompt_tokens += usage.prompt_tokens
            self.completion_tokens += usage.completion_tokens
            self.total_tokens += usage.total_tokens

    def snapshot(self, index: int, result: Briefing | SummarizerError) -> BatchProgress:
        return BatchProgress(
            index=index,
            result=result,
            done=self.done,
            failed=self.failed,
            cached=self.cached,
            total=self.total,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            total_tokens=self.total_tokens,
            elapsed=time.perf_counter() - self.started,
        )


def _from_cache(briefing: Briefing) -> bool:
    return briefing.provenance is not None and briefing.provenance.cached
