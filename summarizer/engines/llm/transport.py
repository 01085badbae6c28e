"""Transport: the one retry layer, and the one boundary where openai / instructor errors become ours.

One completion request goes out through :class:`Transport` (sync) or
:class:`AsyncTransport`: instructor shapes it for the mode and parses the answer
(:mod:`summarizer.engines.llm.structured`), the bare openai client sends it with its
own retries switched off (``max_retries=0``), and tenacity here is the only layer that
retries:

- 429 and 503 wait what ``Retry-After`` (or ``retry-after-ms``) asks;
- other 5xx, 408, 409, time-outs and dropped connections back off exponentially
  with jitter (:func:`backoff`);
- no retry starts whose wait would end past ``RetryPolicy.total`` seconds;
- 401/403 and other 4xx fail at once;
- a server that refuses ``response_format`` json_schema (llama-cpp-python's 500) is not
  retried: with the mode chosen for the endpoint the request is sent once more in
  ``json_object_schema`` (:attr:`_Base.fallback`, a note in the outcome), else it ends as
  a :class:`~summarizer.errors.ConfigurationError` naming that mode
  (:mod:`summarizer.engines.llm.servers`);
- a refused connection, a host that does not resolve and a connect time-out get
  ``RetryPolicy.connect_attempts`` (2) and end as
  :class:`~summarizer.errors.EndpointUnreachableError` naming the URL used (:func:`unreachable`).

An answer that arrived but cannot be used (unparsable, truncated, no choices) is not
a transport fault: it comes back as an :class:`Outcome` with ``failure`` set, and the
engine decides (re-ask, split, or give up). Every error that leaves the library is
translated by :func:`translate`, the single mapping table below.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import random
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit, urlunsplit

import openai
import pydantic
from instructor.core import (
    AsyncValidationError,
    ClientError,
    IncompleteOutputException,
    InstructorError,
    InstructorRetryException,
    ModeError,
    MultimodalError,
    ProviderError,
    ResponseParsingError,
    TokenBudgetError,
    TokenBudgetExceeded,
    TokenUsageUnavailableError,
)
from instructor.core import ConfigurationError as InstructorConfigurationError
from instructor.core import ValidationError as InstructorValidationError
from openai.types.chat import ChatCompletion
from pydantic import BaseModel
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
)
from tenacity.stop import stop_base

from ... import errors as E
from ...config import OPENAI_HOST, RetryPolicy
from ...schema import TokenUsage
from .servers import rejected_message, rejects_json_schema

R = TypeVar("R")

__all__ = [
    "ERROR_MAP",
    "AsyncTransport",
    "Call",
    "Outcome",
    "Transport",
    "Wait",
    "backoff",
    "call_with_retries",
    "dropped",
    "is_retryable",
    "parse_detail",
    "retry_after",
    "translate",
    "unreachable",
]

# --------------------------------------------------------------------------- errors

# Source exception class -> (our class, what to do). Looked up along the exception's MRO,
# so the most specific entry wins. tests/test_llm_transport.py checks every public
# exception class of openai and instructor resolves to an entry here.
ERROR_MAP: dict[type[BaseException], tuple[type[E.SummarizerError], str]] = {
    openai.AuthenticationError: (E.AuthenticationError, "the endpoint refused the key (401): check OPENAI_API_KEY"),
    openai.OAuthError: (E.AuthenticationError, "the endpoint refused the credentials (401): check OPENAI_API_KEY"),
    openai.PermissionDeniedError: (
        E.AuthenticationError,
        "the key may not use this model or endpoint (403): check the key's permissions and SUMMARIZER_MODEL",
    ),
    openai.BadRequestError: (
        E.BadRequestError,
        "the endpoint rejected the request (400), e.g. the context length: lower chunk_chars or use a larger model",
    ),
    openai.NotFoundError: (
        E.BadRequestError,
        "not found (404): check SUMMARIZER_MODEL and that OPENAI_BASE_URL ends in /v1",
    ),
    openai.UnprocessableEntityError: (E.BadRequestError, "the endpoint could not process the request (422)"),
    openai.ConflictError: (E.TransportError, "the endpoint kept answering 409 (conflict): try again later"),
    openai.RateLimitError: (E.RateLimitError, "rate limited (429) past the retry budget: lower concurrency or wait"),
    openai.InternalServerError: (E.TransportError, "the endpoint kept failing (5xx): check the server or try later"),
    openai.APIStatusError: (E.LLMError, "the endpoint answered with an error status"),
    openai.APITimeoutError: (E.TransportError, "the request timed out: raise timeout= or check the server's load"),
    openai.APIConnectionError: (
        E.TransportError,
        "could not reach the endpoint or the connection dropped: is the server running at OPENAI_BASE_URL?",
    ),
    openai.APIResponseValidationError: (E.MalformedOutputError, "the endpoint's answer broke the API protocol"),
    openai.APIError: (E.LLMError, "the endpoint failed"),
    openai.LengthFinishReasonError: (E.TruncatedOutputError, "the model stopped at max_tokens"),
    openai.ContentFilterFinishReasonError: (E.MalformedOutputError, "the endpoint's content filter stopped the answer"),
    openai.WebSocketConnectionClosedError: (E.TransportError, "the connection closed"),
    openai.WebSocketQueueFullError: (E.TransportError, "the connection's queue is full"),
    openai.OpenAIError: (E.LLMError, "the OpenAI client failed"),
    IncompleteOutputException: (
        E.TruncatedOutputError,
        "the model stopped at max_tokens (finish_reason 'length'): raise max_tokens or lower chunk_chars",
    ),
    TokenBudgetError: (E.LLMError, "instructor's token budget was spent"),
    TokenBudgetExceeded: (E.LLMError, "instructor's token budget was spent"),
    TokenUsageUnavailableError: (E.LLMError, "instructor's token budget needs usage the endpoint did not report"),
    InstructorRetryException: (E.MalformedOutputError, "the answer could not be parsed into the schema"),
    ResponseParsingError: (E.MalformedOutputError, "the answer could not be parsed (no JSON / no tool call)"),
    InstructorValidationError: (E.MalformedOutputError, "the answer did not match the schema"),
    AsyncValidationError: (E.MalformedOutputError, "the answer did not match the schema"),
    ModeError: (E.ConfigurationError, "the instructor mode does not fit this client: set mode= / SUMMARIZER_MODE"),
    InstructorConfigurationError: (E.ConfigurationError, "instructor is set up wrongly"),
    ClientError: (E.ConfigurationError, "the client passed is not usable: pass an openai.OpenAI or AsyncOpenAI"),
    ProviderError: (E.ConfigurationError, "the provider is not supported: use an OpenAI-compatible endpoint"),
    MultimodalError: (E.BadRequestError, "the request carried content the endpoint cannot take"),
    InstructorError: (E.LLMError, "instructor failed"),
    pydantic.ValidationError: (E.MalformedOutputError, "the answer did not match the schema"),
    json.JSONDecodeError: (E.MalformedOutputError, "the answer is not valid JSON"),
}


def _status_class(status: int) -> type[E.LLMError]:
    if status in (401, 403):
        return E.AuthenticationError
    if status == 429:
        return E.RateLimitError
    if status >= 500 or status in (408, 409):
        return E.TransportError
    return E.BadRequestError


def translate(exc: BaseException, *, model: str | None = None, attempts: int | None = None) -> E.SummarizerError:
    """The :class:`~summarizer.errors.SummarizerError` for an exception of openai / instructor."""
    if isinstance(exc, E.SummarizerError):
        return exc
    if isinstance(exc, InstructorRetryException) and not isinstance(exc, TokenBudgetError):
        cause = exc.__cause__
        if cause is not None and not isinstance(cause, InstructorRetryException):
            return translate(cause, model=model, attempts=attempts or exc.n_attempts)
    cls, advice = ERROR_MAP[openai.APIConnectionError] if dropped(exc) else _lookup(exc)
    if isinstance(exc, openai.APIStatusError) and cls is E.LLMError:
        cls = _status_class(exc.status_code)
    detail = _detail(exc)
    message = f"{advice}; {detail}" if detail else advice
    if issubclass(cls, E.EngineError):
        return cls(message, model=model, attempts=attempts)
    return cls(message)


def _lookup(exc: BaseException) -> tuple[type[E.SummarizerError], str]:
    for klass in type(exc).__mro__:
        if klass in ERROR_MAP:
            return ERROR_MAP[klass]
    return E.LLMError, f"unexpected {type(exc).__name__}"


def _detail(exc: BaseException) -> str:
    if isinstance(exc, openai.APIStatusError):
        body = exc.body if isinstance(exc.body, dict) else {}
        inner = body.get("error", body) if isinstance(body, dict) else {}
        msg = inner.get("message") if isinstance(inner, dict) else None
        return f"HTTP {exc.status_code}: {msg or exc.message}"[:300]
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else ""


# --------------------------------------------------------------------------- retry policy


def is_retryable(exc: BaseException) -> bool:
    """Time-outs, dropped connections, 408 / 409 / 429 / 5xx, but not a refused response_format."""
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if rejects_json_schema(exc):  # the same request gets the same 500
        return False
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return False


def retry_after(exc: BaseException, *, now: float | None = None) -> float | None:
    """Seconds the endpoint asked to wait (``retry-after-ms`` or ``Retry-After``), if it asked."""
    if not isinstance(exc, openai.APIStatusError):
        return None
    headers = exc.response.headers
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def backoff(attempt: int, policy: RetryPolicy, rand: float) -> float:
    """Exponential backoff after failed attempt ``attempt`` (1-based), minus up to ``jitter`` of it."""
    base = min(policy.max_wait, policy.initial * 2.0 ** (attempt - 1))
    return base * (1.0 - policy.jitter * rand)


@dataclass(frozen=True, slots=True)
class Wait:
    """One retry: why, how long it waited (computed, before ``wait_scale``), and on what basis."""

    reason: str
    seconds: float
    basis: str  # "retry-after" | "backoff"

    def note(self, n: int) -> str:
        return f"retry {n}: {self.reason} -> wait {self.seconds:.3f}s ({self.basis})"


def _reason(exc: BaseException | None) -> str:
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    reason = unreachable(exc) if exc is not None else None
    if reason is not None:
        return reason
    if isinstance(exc, openai.APITimeoutError) and not dropped(exc):
        return "timeout"
    if isinstance(exc, openai.APIConnectionError):
        return "connection dropped"
    return type(exc).__name__


def dropped(exc: BaseException) -> bool:
    """A connection that closed, which the SDK's aiohttp transport reports as a timeout.

    That transport maps every aiohttp connection error to ``httpx2.ConnectTimeout``, so a
    server that hangs up surfaces as ``APITimeoutError``. A real time-out has a
    ``TimeoutError`` among its causes (both transports); a hang-up has none.
    """
    if not isinstance(exc, openai.APIConnectionError):
        return False
    if not isinstance(exc, openai.APITimeoutError):
        return True
    causes: list[BaseException] = []
    cause = exc.__cause__ or exc.__context__
    while cause is not None and len(causes) < 16:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    return bool(causes) and not any(isinstance(c, TimeoutError) for c in causes)


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(out) < 16:
        out.append(cause)
        cause = cause.__cause__ or cause.__context__
    return out


def unreachable(exc: BaseException) -> str | None:
    """Why no connection was made, when none was: ``"connection refused"``, ``"host not found"``, ``"connect timeout"``.

    Read from the exception's causes, the same for both of the SDK's transports: httpx2
    raises ``ConnectError`` / ``ConnectTimeout``, the aiohttp transport wraps aiohttp's
    ``ClientConnectorError`` (refused, DNS) or ``ConnectionTimeoutError`` in httpx2's
    ``ConnectTimeout``. None for anything else (a connection that dropped, a read time-out).
    """
    if not isinstance(exc, openai.APIConnectionError):
        return None
    chain = _chain(exc)
    if any(isinstance(c, ConnectionRefusedError) for c in chain):
        return "connection refused"
    if any(isinstance(c, socket.gaierror) for c in chain):
        return "host not found"
    names = [(type(c).__module__.split(".")[0], type(c).__name__) for c in chain]
    aio = [name for module, name in names if module == "aiohttp"]
    if aio:  # the aiohttp transport calls every aiohttp error ConnectTimeout: aiohttp's own class decides
        return "connect timeout" if aio[0] == "ConnectionTimeoutError" else None
    if ("httpx2", "ConnectTimeout") in names or ("httpcore2", "ConnectTimeout") in names:
        return "connect timeout"
    return None


def _public_url(url: str) -> str:
    """``url`` without user info (a key may ride in ``https://user:key@host``)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


_UNREACHABLE_ADVICE = {
    "connection refused": "nothing is listening at {url} (connection refused): "
    "start the server or set OPENAI_BASE_URL / --base-url",
    "host not found": "the host of {url} does not resolve (no such host): check OPENAI_BASE_URL / --base-url",
    "connect timeout": "no connection to {url} within the time-out: "
    "check that the server is up and OPENAI_BASE_URL / --base-url",
}


def _unreachable_error(
    exc: BaseException, *, client: Any, model: str, attempts: int
) -> E.EndpointUnreachableError | None:
    """The :class:`~summarizer.errors.EndpointUnreachableError` for ``exc``, naming the URL the client used."""
    reason = unreachable(exc)
    if reason is None:
        return None
    url = _public_url(str(getattr(client, "base_url", "") or f"https://{OPENAI_HOST}/v1"))
    message = f"{_UNREACHABLE_ADVICE[reason].format(url=url)}; gave up after {attempts} attempt(s)"
    return E.EndpointUnreachableError(message, url=url, reason=reason, model=model, attempts=attempts)


class _stop_unreachable(stop_base):  # named like tenacity's stops
    """Stop once ``attempts`` attempts made no connection: nothing is listening, stop asking."""

    def __init__(self, attempts: int) -> None:
        self.attempts = attempts

    def __call__(self, retry_state: RetryCallState) -> bool:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        return exc is not None and retry_state.attempt_number >= self.attempts and unreachable(exc) is not None


class _Policy:
    """tenacity's wait / stop / before_sleep for one request, recording the waits it takes."""

    def __init__(self, policy: RetryPolicy, rng: random.Random) -> None:
        self.policy = policy
        self.rng = rng
        self.waits: list[Wait] = []
        self.asked: float | None = None

    def wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after(exc) if exc is not None else None
        self.asked = asked
        if asked is not None:
            return asked
        return backoff(state.attempt_number, self.policy, self.rng.random())

    def before_sleep(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        basis = "retry-after" if self.asked is not None else "backoff"
        self.waits.append(Wait(_reason(exc), float(state.upcoming_sleep), basis))

    def kwargs(self) -> dict[str, Any]:
        p = self.policy
        stop = stop_after_attempt(p.attempts) | stop_before_delay(p.total) | _stop_unreachable(p.connect_attempts)
        return {
            "stop": stop,
            "wait": self.wait,
            "retry": retry_if_exception(is_retryable),
            "before_sleep": self.before_sleep,
            "reraise": True,
        }

    def give_up(self, exc: BaseException, *, model: str, attempts: int, client: Any) -> E.SummarizerError:
        """Our error for ``exc``, chained to it only when no exception of its chain holds the API key.

        The caller raises the result *outside* its ``except`` block: raised inside, Python
        would set ``__context__`` to ``exc`` whatever ``__cause__`` says, and an
        endpoint that echoes the key ("Incorrect API key provided: sk-...") would keep
        it in ``err.__context__`` (its ``str()`` and ``.body``).
        """
        err: E.SummarizerError | None = _unreachable_error(exc, client=client, model=model, attempts=attempts)
        if err is None and rejects_json_schema(exc):
            url = _public_url(str(getattr(client, "base_url", "") or f"https://{OPENAI_HOST}/v1")).rstrip("/")
            err = E.ConfigurationError(f"{rejected_message(url)}; {' '.join(_detail(exc).split())}")
        if err is None:
            err = translate(exc, model=model, attempts=attempts)
            if is_retryable(exc):
                extra = f"gave up after {attempts} attempt(s) within the retry budget ({self.policy.total:g}s)"
                if self.asked is not None and self.asked > 0:
                    extra += f"; the endpoint asked to retry after {self.asked:g}s"
                err.args = (f"{err.args[0]}; {extra}",)
        secret = getattr(client, "api_key", None)
        err = redact(err, secret)
        err.__cause__ = None if holds_secret(exc, secret) else exc
        err.__suppress_context__ = True
        return err


def call_with_retries(
    fn: Callable[[], R],
    *,
    policy: RetryPolicy,
    model: str,
    client: Any,
    rng: random.Random | None = None,
) -> tuple[R, list[Wait]]:
    """``fn()`` (one API call other than a completion: a file upload, a batch poll) under the one retry layer.

    429 / 5xx / dropped connections are retried as completions are (``Retry-After``
    honoured); what outlasts the budget is raised as our error, the key redacted.
    Returns the result and the waits taken.
    """
    pol = _Policy(policy, rng or random.Random())
    attempts = 0
    failed: BaseException | None = None
    try:
        for attempt in Retrying(sleep=_scaled(time.sleep, policy.wait_scale), **pol.kwargs()):
            with attempt:
                attempts += 1
                result = fn()
    except openai.OpenAIError as exc:
        failed = exc
    if failed is not None:  # raised outside the handler: no implicit __context__ (see give_up)
        raise pol.give_up(failed, model=model, attempts=attempts, client=client)
    return result, pol.waits


def redact(err: E.SummarizerError, secret: str | None) -> E.SummarizerError:
    """An endpoint may echo the API key in its error: it never reaches our message."""
    if secret and len(secret) >= 4 and secret in str(err.args[0] if err.args else ""):
        err.args = (str(err.args[0]).replace(secret, "[redacted]"),)
    return err


def holds_secret(exc: BaseException, secret: str | None) -> bool:
    """Whether ``exc`` or any exception chained to it shows ``secret`` (in its text, body or response)."""
    if not secret or len(secret) < 4:
        return False
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        shown = [str(e), repr(e.args), repr(getattr(e, "body", None))]
        response = getattr(e, "response", None)
        if response is not None:
            with contextlib.suppress(Exception):  # a body not read (a stream) holds nothing yet
                shown.append(str(response.text))
        if any(secret in s for s in shown):
            return True
        todo.extend((e.__cause__, e.__context__))
    return False


# --------------------------------------------------------------------------- calls


@dataclass(frozen=True, slots=True)
class Call:
    """One structured completion to request: the messages and the model of the answer."""

    messages: tuple[dict[str, str], ...]
    response_model: type[BaseModel]
    purpose: str = "extract"
    max_tokens: int | None = None  # room for the answer, when not the engine's setting


@dataclass(frozen=True, slots=True)
class Outcome:
    """What came back: a parsed answer, or an answer that could not be used (``failure``)."""

    parsed: BaseModel | None
    raw: dict[str, Any] | None
    usage: TokenUsage
    requests: int
    waits: tuple[Wait, ...] = ()
    failure: E.LLMError | None = None
    detail: str = ""  # what was wrong with the answer, worded for a re-ask
    notes: tuple[str, ...] = ()  # what the transport did beyond waits (a switch of mode), for provenance

    @property
    def text(self) -> str:
        """The answer's text (content or tool-call arguments), for salvage and re-asks."""
        return answer_text(self.raw)


def answer_text(raw: dict[str, Any] | None) -> str:
    if not raw:
        return ""
    choices = raw.get("choices") or []
    if not choices:
        return ""
    message = choices[0].get("message") or {}
    calls = message.get("tool_calls") or []
    if calls:
        return str(calls[0].get("function", {}).get("arguments") or "")
    return str(message.get("content") or "")


def _usage(obj: Any) -> TokenUsage:
    usage = getattr(obj, "usage", obj)
    if usage is None:
        return TokenUsage()
    p = int(getattr(usage, "prompt_tokens", 0) or 0)
    c = int(getattr(usage, "completion_tokens", 0) or 0)
    return TokenUsage(
        prompt_tokens=p, completion_tokens=c, total_tokens=int(getattr(usage, "total_tokens", 0) or p + c)
    )


def _dump(completion: Any) -> dict[str, Any] | None:
    if completion is None:
        return None
    if isinstance(completion, BaseModel):
        return completion.model_dump(mode="json", exclude_none=True)
    return None


class Structured(Protocol):
    """Shapes a request and parses its answer for one instructor mode (:mod:`summarizer.engines.llm.structured`)."""

    def request(
        self, messages: Sequence[dict[str, str]], response_model: type[BaseModel]
    ) -> tuple[type[BaseModel], dict[str, Any]]: ...

    def parse(self, completion: Any, prepared: type[BaseModel]) -> BaseModel: ...


def _read(
    completion: Any, prepared: type[BaseModel], base: _Base, requests: int, waits: tuple[Wait, ...], notes: list[str]
) -> Outcome:
    """The outcome of an answer that arrived: parsed, or unusable (for the engine to decide)."""
    raw, usage, n = _dump(completion), _usage(completion), tuple(notes)
    if not getattr(completion, "choices", None):
        detail = "the endpoint returned no choices"
        return Outcome(None, raw, usage, requests, waits, _malformed(detail, base.model), detail, n)
    try:
        parsed = base.structured.parse(completion, prepared)
    except IncompleteOutputException:
        failure = E.TruncatedOutputError(ERROR_MAP[IncompleteOutputException][1], model=base.model)
        return Outcome(None, raw, usage, requests, waits, failure, "truncated", n)
    except Exception as exc:  # any way the answer breaks the parser makes it unusable, as instructor treated it
        detail = parse_detail(exc)
        return Outcome(None, raw, usage, requests, waits, _malformed(detail, base.model), detail, n)
    return Outcome(parsed, raw, usage, requests, waits, notes=n)


def _malformed(detail: str, model: str) -> E.MalformedOutputError:
    return E.MalformedOutputError(f"the answer could not be parsed into the schema: {detail}"[:400], model=model)


def parse_detail(cause: BaseException) -> str:
    """What was wrong with an answer, worded for a re-ask: pydantic's errors as ``loc: msg``, else the first line."""
    if isinstance(cause, pydantic.ValidationError):
        lines = []
        for err in cause.errors(include_url=False)[:8]:
            loc = ".".join(str(p) for p in err.get("loc", ())) or "(answer)"
            lines.append(f"{loc}: {err.get('msg', '')}")
        return "; ".join(lines)
    return str(cause).splitlines()[0][:300] if str(cause) else type(cause).__name__


@dataclass
class _Base:
    client: Any  # openai.OpenAI / AsyncOpenAI with max_retries=0: tenacity here is the one retry layer
    structured: Structured  # instructor's shaping and parsing for the mode
    model: str
    policy: RetryPolicy
    temperature: float = 0.0
    max_tokens: int = 4096
    rng: random.Random = field(default_factory=random.Random)
    # POST the shaped request as it is (``client.post``, the SDK's documented way to send a
    # request body) instead of ``chat.completions.create()``, whose parameter transform walks
    # the whole request (~0.5-1 ms) and, for the plain JSON sent here, returns it unchanged
    # (tests/test_llm_structured.py checks that per mode). For the library's own clients only:
    # a caller's client gets create(), where whatever the caller hooked in sees every request.
    direct: bool = False
    # The mode was chosen for the endpoint, not set: when the server refuses response_format
    # json_schema, this gives the json_object_schema shaping to use instead (and the engine
    # keeps it for later requests). None: the refusal is the user's to fix (give_up says how).
    fallback: Callable[[], Structured] | None = None

    def _switch(self, failed: BaseException | None, notes: list[str]) -> bool:
        """Switch to the fallback shaping if ``failed`` is the server refusing json_schema; say so."""
        if failed is None or self.fallback is None or not rejects_json_schema(failed):
            return False
        self.structured, self.fallback = self.fallback(), None
        notes.append(
            f"mode: the endpoint refused response_format json_schema ({' '.join(_detail(failed).split())[:120]}); "
            "switched to json_object_schema (SUMMARIZER_MODE=json_object_schema starts there)"
        )
        return True

    def _kwargs(self, call: Call) -> tuple[type[BaseModel], dict[str, Any]]:
        # The messages go out as they are (no Jinja2 rendering, no context): the article
        # reaches the model byte for byte.
        prepared, shaped = self.structured.request(call.messages, call.response_model)
        room = call.max_tokens or self.max_tokens
        return prepared, {"model": self.model, "temperature": self.temperature, "max_tokens": room, **shaped}

    def request_body(self, call: Call) -> dict[str, Any]:
        """The JSON body this transport would POST to /chat/completions for ``call`` (a batch request line's)."""
        return self._kwargs(call)[1]

    def answered(self, call: Call, completion: dict[str, Any]) -> Outcome:
        """The outcome of ``call`` answered by another road: a chat completion from a provider batch's results."""
        prepared, _ = self._kwargs(call)
        try:
            parsed = ChatCompletion.model_validate(completion)
        except pydantic.ValidationError as exc:
            detail = f"the batch result is not a chat completion: {parse_detail(exc)}"
            return Outcome(None, None, TokenUsage(), 1, (), _malformed(detail, self.model), detail)
        return _read(parsed, prepared, self, 1, (), [])


class Transport(_Base):
    """Sync: one structured completion with transport retries."""

    def _send(self, kwargs: dict[str, Any]) -> ChatCompletion:
        if self.direct:
            return self.client.post("/chat/completions", body=kwargs, cast_to=ChatCompletion)  # type: ignore[no-any-return]
        return self.client.chat.completions.create(**kwargs)  # type: ignore[no-any-return]

    def _attempts(self, call: Call, pol: _Policy) -> tuple[Any, type[BaseModel], int, BaseException | None]:
        """The completion (or the error that ended the attempts), the model to parse into, requests made."""
        requests, completion, prepared = 0, None, call.response_model
        try:
            prepared, kwargs = self._kwargs(call)
            for attempt in Retrying(sleep=_scaled(time.sleep, self.policy.wait_scale), **pol.kwargs()):
                with attempt:
                    requests += 1
                    completion = self._send(kwargs)
        except (openai.OpenAIError, InstructorError) as exc:  # instructor's: a request it cannot shape
            return None, prepared, requests, exc
        return completion, prepared, requests, None

    def complete(self, call: Call) -> Outcome:
        pol, notes = _Policy(self.policy, self.rng), list[str]()
        completion, prepared, requests, failed = self._attempts(call, pol)
        if self._switch(failed, notes):
            completion, prepared, more, failed = self._attempts(call, pol)
            requests += more
        if failed is not None:  # raised outside the handler: no implicit __context__ (see give_up)
            raise pol.give_up(failed, model=self.model, attempts=requests, client=self.client)
        return _read(completion, prepared, self, requests, tuple(pol.waits), notes)


class AsyncTransport(_Base):
    """Async: one structured completion with transport retries."""

    async def _send(self, kwargs: dict[str, Any]) -> ChatCompletion:
        if self.direct:
            return await self.client.post("/chat/completions", body=kwargs, cast_to=ChatCompletion)  # type: ignore[no-any-return]
        return await self.client.chat.completions.create(**kwargs)  # type: ignore[no-any-return]

    async def _attempts(self, call: Call, pol: _Policy) -> tuple[Any, type[BaseModel], int, BaseException | None]:
        requests, completion, prepared = 0, None, call.response_model
        try:
            prepared, kwargs = self._kwargs(call)
            async for attempt in AsyncRetrying(sleep=_ascaled(self.policy.wait_scale), **pol.kwargs()):
                with attempt:
                    requests += 1
                    completion = await self._send(kwargs)
        except (openai.OpenAIError, InstructorError) as exc:  # instructor's: a request it cannot shape
            return None, prepared, requests, exc
        return completion, prepared, requests, None

    async def complete(self, call: Call) -> Outcome:
        pol, notes = _Policy(self.policy, self.rng), list[str]()
        completion, prepared, requests, failed = await self._attempts(call, pol)
        if self._switch(failed, notes):
            completion, prepared, more, failed = await self._attempts(call, pol)
            requests += more
        if failed is not None:  # raised outside the handler: no implicit __context__ (see give_up)
            raise pol.give_up(failed, model=self.model, attempts=requests, client=self.client)
        return _read(completion, prepared, self, requests, tuple(pol.waits), notes)


def _scaled(sleep: Callable[[float], None], scale: float) -> Callable[[float], None]:
    def run(seconds: float) -> None:
        if seconds * scale > 0:
            sleep(seconds * scale)

    return run


def _ascaled(scale: float) -> Callable[[float], Any]:
    async def run(seconds: float) -> None:
        await asyncio.sleep(seconds * scale)

    return run
