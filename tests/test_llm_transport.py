"""Transport: one retry layer, Retry-After, backoff within a budget, and the one error boundary.

Server answers are SCRIPTED. Waits are computed and reported in provenance but not
slept (``RetryPolicy.wait_scale=0``): the tests assert the computed waits.
"""

from __future__ import annotations

import inspect
import json
import random
import re
from typing import Any

import httpx2
import instructor.core
import openai
import pytest
from loopback import ISIL_DATE, ScriptedServer, completion, drop, error, gold_answer, isil_text, settings_for

from summarizer import RetryPolicy, summarize, summarize_many
from summarizer import errors as E
from summarizer.engines.llm.transport import ERROR_MAP, _lookup, backoff, is_retryable, retry_after, translate

_WAIT = re.compile(r"retry (\d+): (.+) -> wait ([0-9.]+)s \((retry-after|backoff)\)")


def _waits(notes: list[str]) -> list[tuple[str, float, str]]:
    return [(m.group(2), float(m.group(3)), m.group(4)) for n in notes if (m := _WAIT.fullmatch(n))]


def _brief(server: ScriptedServer, **options: Any) -> Any:
    return summarize(isil_text(), engine="llm", date=ISIL_DATE, settings=settings_for(server, **options))


# --------------------------------------------------------------------------- retries over HTTP


def test_scripted_429_waits_what_retry_after_asks() -> None:
    script = [error(429, "slow down", headers={"Retry-After": "2"}), completion(gold_answer())]
    with ScriptedServer(script) as server:
        b = _brief(server)
    assert len(server.requests) == 2
    assert _waits(b.provenance.notes) == [("HTTP 429", 2.0, "retry-after")]
    assert b.provenance.attempts == 2 and b.provenance.reasks == 0
    assert b.validation.ok


def test_scripted_503_with_retry_after_ms() -> None:
    script = [error(503, headers={"retry-after-ms": "1500"}), completion(gold_answer())]
    with ScriptedServer(script) as server:
        b = _brief(server)
    assert _waits(b.provenance.notes) == [("HTTP 503", 1.5, "retry-after")]


def test_scripted_500_then_success_backs_off_exponentially_with_jitter() -> None:
    policy = RetryPolicy(initial=0.5, jitter=0.5, wait_scale=0.0)
    script = [error(500), error(502), completion(gold_answer())]
    with ScriptedServer(script) as server:
        b = _brief(server, retry=policy)
    assert len(server.requests) == 3
    waits = _waits(b.provenance.notes)
    assert [(r, basis) for r, _, basis in waits] == [("HTTP 500", "backoff"), ("HTTP 502", "backoff")]
    assert 0.25 <= waits[0][1] <= 0.5 and 0.5 <= waits[1][1] <= 1.0  # initial * 2**(n-1), minus up to half
    assert b.provenance.attempts == 3


def test_scripted_timeout_is_retried() -> None:
    script = [completion(gold_answer(), delay=2.0), completion(gold_answer())]
    with ScriptedServer(script) as server:
        b = _brief(server, timeout=0.3, retry=RetryPolicy(jitter=0.0, wait_scale=0.0))
    assert len(server.requests) == 2
    assert _waits(b.provenance.notes) == [("timeout", 0.5, "backoff")]
    assert b.validation.ok


def test_scripted_dropped_connection_is_retried() -> None:
    with ScriptedServer([drop(), completion(gold_answer())]) as server:
        b = _brief(server, retry=RetryPolicy(jitter=0.0, wait_scale=0.0))
    assert _waits(b.provenance.notes) == [("connection dropped", 0.5, "backoff")]


@pytest.mark.parametrize(
    ("status", "cls", "advice"),
    [
        (401, E.AuthenticationError, "OPENAI_API_KEY"),
        (403, E.AuthenticationError, "permissions"),
        (400, E.BadRequestError, "context length"),
        (404, E.BadRequestError, "SUMMARIZER_MODEL"),
    ],
    ids=["401", "403", "400", "404"],
)
def test_scripted_client_errors_fail_at_once(status: int, cls: type[E.LLMError], advice: str) -> None:
    script = [error(status, "scripted refusal"), completion(gold_answer())]
    with ScriptedServer(script) as server, pytest.raises(cls, match=advice) as info:
        _brief(server)
    assert len(server.requests) == 1  # no retry
    assert f"HTTP {status}: scripted refusal" in str(info.value) and info.value.attempts == 1


def test_scripted_an_api_key_echoed_by_the_endpoint_never_reaches_the_error_or_traceback() -> None:
    import traceback

    key = "sk-scripted-secret-0123456789"
    script = [error(401, f"Incorrect API key provided: {key}")]
    with ScriptedServer(script) as server, pytest.raises(E.AuthenticationError) as info:
        summarize(isil_text(), engine="llm", date=ISIL_DATE, settings=settings_for(server, api_key=key))
    assert key not in str(info.value) and "[redacted]" in str(info.value)
    assert key not in "".join(traceback.format_exception(info.value))
    assert server.requests[0].headers.get("authorization") == f"Bearer {key}"  # it was sent, as it must be


def test_scripted_429_past_the_attempt_budget_raises_rate_limit_error() -> None:
    with ScriptedServer([error(429)] * 3) as server, pytest.raises(E.RateLimitError, match="after 3 attempt") as info:
        _brief(server, retry=RetryPolicy(attempts=3, wait_scale=0.0))
    assert len(server.requests) == 3 and info.value.attempts == 3


def test_scripted_retry_after_beyond_the_total_budget_gives_up_at_once() -> None:
    script = [error(429, headers={"Retry-After": "600"}), completion(gold_answer())]
    with ScriptedServer(script) as server, pytest.raises(E.RateLimitError, match="asked to retry after 600s"):
        _brief(server, retry=RetryPolicy(total=30.0, wait_scale=0.0))
    assert len(server.requests) == 1


def test_scripted_exactly_one_layer_retries_even_with_a_callers_client() -> None:
    """A caller's client with SDK retries on: the library switches them off, so 2 attempts = 2 requests."""
    with ScriptedServer([error(500)] * 6) as server:
        client = openai.OpenAI(api_key="k", base_url=server.base_url, max_retries=5)
        with pytest.raises(E.TransportError):
            summarize(
                isil_text(),
                engine="llm",
                client=client,
                model="m",
                settings=settings_for(server).replace(retry=RetryPolicy(attempts=2, wait_scale=0.0)),
            )
        client.close()
    assert len(server.requests) == 2


# --------------------------------------------------------------------------- pure policy


def test_backoff_doubles_up_to_the_cap_and_jitter_only_shortens() -> None:
    p = RetryPolicy(initial=0.5, max_wait=4.0, jitter=0.5)
    assert [backoff(n, p, 0.0) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert [backoff(n, p, 1.0) for n in range(1, 4)] == [0.25, 0.5, 1.0]
    rng = random.Random(7)
    for n in range(1, 8):
        w = backoff(n, p, rng.random())
        assert min(4.0, 0.5 * 2 ** (n - 1)) * 0.5 <= w <= min(4.0, 0.5 * 2 ** (n - 1))


def _status_error(status: int, headers: dict[str, str] | None = None) -> openai.APIStatusError:
    request = httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx2.Response(status, headers=headers or {}, request=request, json={"error": {"message": "m"}})
    cls = {429: openai.RateLimitError, 503: openai.InternalServerError, 500: openai.InternalServerError}.get(
        status, openai.APIStatusError
    )
    return cls("m", response=response, body={"error": {"message": "m"}})


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "0.25"}, 0.25),
        ({"retry-after-ms": "750"}, 0.75),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:10 GMT"}, 10.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
    ids=["seconds", "fraction", "ms", "http-date", "garbage", "absent"],
)
def test_retry_after_header_forms(headers: dict[str, str], expected: float | None) -> None:
    now = 1445412480.0  # 07:28:00 GMT that day
    assert retry_after(_status_error(429, headers), now=now) == expected


def test_retryable_statuses() -> None:
    assert [
        s for s in (400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503, 504) if is_retryable(_status_error(s))
    ] == [
        408,
        409,
        429,
        500,
        502,
        503,
        504,
    ]


# --------------------------------------------------------------------------- the error boundary


def _public_exceptions(module: Any, root: type[BaseException]) -> list[type[BaseException]]:
    return [
        obj
        for name, obj in vars(module).items()
        if not name.startswith("_") and inspect.isclass(obj) and issubclass(obj, root)
    ]


def test_the_error_map_covers_every_public_openai_and_instructor_exception() -> None:
    classes = _public_exceptions(openai, openai.OpenAIError) + _public_exceptions(
        instructor.core, instructor.core.InstructorError
    )
    assert len(classes) > 25
    missing = [c.__name__ for c in classes if c not in ERROR_MAP]
    assert missing == [], f"add these to summarizer.engines.llm.transport.ERROR_MAP: {missing}"
    for cls in classes:
        ours, advice = _lookup(cls.__new__(cls))
        assert issubclass(ours, E.SummarizerError) and advice


def test_translate_gives_our_errors_with_context() -> None:
    err = translate(_status_error(429), model="m", attempts=4)
    assert isinstance(err, E.RateLimitError) and err.model == "m" and err.attempts == 4
    assert "[model=m, attempts=4]" in str(err)
    assert isinstance(translate(_status_error(418)), E.BadRequestError)  # an unknown 4xx status
    assert isinstance(translate(openai.APITimeoutError(request=httpx2.Request("POST", "http://x"))), E.TransportError)
    wrapped = instructor.core.InstructorRetryException("x", n_attempts=2, total_usage=0)
    wrapped.__cause__ = _status_error(503)
    assert isinstance(translate(wrapped), E.TransportError)  # instructor's wrapper is looked through
    assert isinstance(translate(json.JSONDecodeError("x", "doc", 0)), E.MalformedOutputError)
    assert isinstance(translate(instructor.core.ModeError("x", "openai", [])), E.ConfigurationError)


@pytest.mark.parametrize(
    ("first", "options", "reason"),
    [
        (drop(), {}, "connection dropped"),
        (completion(gold_answer(), delay=2.0), {"timeout": 0.3}, "timeout"),
    ],
    ids=["dropped", "timeout"],
)
def test_scripted_batches_retry_and_report_faults_like_single_calls(
    first: Any, options: dict[str, Any], reason: str
) -> None:
    """A batch's own client sends through the SDK's aiohttp transport; faults read the same as in summarize()."""
    with ScriptedServer([first, completion(gold_answer())]) as server:
        settings = settings_for(server, retry=RetryPolicy(jitter=0.0, wait_scale=0.0), **options)
        (b,) = summarize_many([isil_text()], settings=settings, dates=[ISIL_DATE])
    assert not isinstance(b, Exception), b
    assert _waits(b.provenance.notes) == [(reason, 0.5, "backoff")]
    assert b.provenance.attempts == 2 and b.validation.ok


def test_scripted_a_batch_that_keeps_losing_its_connection_says_so() -> None:
    with ScriptedServer([drop(), drop()]) as server:
        settings = settings_for(server, retry=RetryPolicy(attempts=2, wait_scale=0.0))
        (err,) = summarize_many([isil_text()], settings=settings)
    assert isinstance(err, E.TransportError) and "connection dropped" in str(err) and err.attempts == 2


def _chain(exc: BaseException | None) -> list[BaseException]:
    out: list[BaseException] = []
    while exc is not None and len(out) < 16:
        out.append(exc)
        exc = exc.__cause__ or exc.__context__
    return out


@pytest.mark.parametrize("status", [401, 400, 500])
def test_scripted_an_echoed_key_is_in_no_exception_of_the_chain(status: int) -> None:
    # Issue 7: our message was redacted, but err.__context__ (the openai exception) kept the key
    # in str() and .body, in summarize() and in the errors summarize_many returns.
    key = "sk-scripted-secret-0123456789"
    echo = error(status, f"Incorrect API key provided: {key}")
    with ScriptedServer([echo] * 12) as server:
        settings = settings_for(server, api_key=key, retry=RetryPolicy(attempts=1, wait_scale=0.0))
        with pytest.raises(E.LLMError) as info:
            summarize(isil_text(), engine="llm", date=ISIL_DATE, settings=settings)
        try:  # a 401 stops a batch (raised once); a 400 or a 500 is the article's result
            (batch_error,) = summarize_many([isil_text()], engine="llm", settings=settings)
        except E.AuthenticationError as exc:
            batch_error = exc
    assert isinstance(batch_error, E.LLMError)
    for err in (info.value, batch_error):
        for e in _chain(err):
            assert key not in str(e) and key not in repr(getattr(e, "body", None)), type(e)
        assert err.__context__ is None or key not in str(err.__context__)


def test_an_error_without_the_key_keeps_its_cause() -> None:
    with ScriptedServer([error(400, "context length exceeded")]) as server:
        settings = settings_for(server, api_key="sk-scripted-other-0123456789")
        with pytest.raises(E.BadRequestError) as info:
            summarize(isil_text(), engine="llm", date=ISIL_DATE, settings=settings)
    assert isinstance(info.value.__cause__, openai.BadRequestError)  # the detail stays for debugging
