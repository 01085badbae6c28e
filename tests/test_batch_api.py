"""summarize_many for scripts: progress reports, errors that stop the run once, notices said once.

LLM answers are SCRIPTED by a loopback server; "nothing listening" is a port bound and
closed again, so the connection is refused.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import openai
import pytest
from loopback import Reply, Request, ScriptedServer, completion, error, request_article, settings_for

import summarizer
from summarizer import (
    BatchProgress,
    Briefing,
    LLMSettings,
    RetryPolicy,
    SummarizerError,
    asummarize_many,
    summarize,
    summarize_many,
)
from summarizer import errors as E
from summarizer.batchrun import BREAKER, Tracker
from summarizer.notices import LARGE_CHARS, warn_if_large

ARTICLES = [f"Dispatch {n}: a quiet day in Lenz. Nothing happened." for n in range(4)]


def _by_article(req: Request) -> Reply:
    article = request_article(req)
    if "FAIL-400" in article:
        return error(400, "scripted refusal")
    delay = 0.4 if "SLOW" in article else 0.0
    return completion("{}", delay=delay)


def _free_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


# --------------------------------------------------------------------------- progress


def test_scripted_progress_reports_each_article_as_it_finishes_with_running_counts() -> None:
    texts = ["SLOW " + ARTICLES[0], ARTICLES[1], "FAIL-400 " + ARTICLES[2], "", ARTICLES[3]]
    seen: list[BatchProgress] = []
    with ScriptedServer(responder=_by_article) as server:
        results = summarize_many(texts, settings=settings_for(server, cache=False), progress=seen.append)
    assert [type(r).__name__ for r in results] == [
        "Briefing",
        "Briefing",
        "BadRequestError",
        "EmptyTextError",
        "Briefing",
    ]
    assert sorted(p.index for p in seen) == [0, 1, 2, 3, 4]
    assert seen[-1].index == 0  # the slow one finished last: completion order, not input order
    assert [p.done for p in seen] == [1, 2, 3, 4, 5] and all(p.total == 5 for p in seen)
    assert [p.result for p in sorted(seen, key=lambda p: p.index)] == results
    last = seen[-1]
    assert (last.failed, last.cached) == (2, 0)
    briefings = [r for r in results if isinstance(r, Briefing)]
    assert last.prompt_tokens == sum(b.provenance.usage.prompt_tokens for b in briefings) > 0
    assert last.completion_tokens == sum(b.provenance.usage.completion_tokens for b in briefings) > 0
    assert last.total_tokens == last.prompt_tokens + last.completion_tokens
    assert [p.elapsed for p in seen] == sorted(p.elapsed for p in seen) and last.elapsed >= 0.4


def test_scripted_progress_counts_cached_briefings_and_spends_no_tokens_on_them() -> None:
    with ScriptedServer(responder=_by_article) as server:
        settings = settings_for(server)
        summarize_many(ARTICLES, settings=settings)
        seen: list[BatchProgress] = []
        summarize_many(ARTICLES, settings=settings, progress=seen.append)
    assert len(server.requests) == len(ARTICLES)  # the second run was served by the cache
    assert (seen[-1].cached, seen[-1].failed, seen[-1].total_tokens) == (4, 0, 0)


def test_scripted_progress_on_a_sync_client_is_called_from_one_thread_at_a_time() -> None:
    inside = threading.Lock()
    threads: set[str] = set()
    overlaps: list[int] = []

    def progress(p: BatchProgress) -> None:
        if not inside.acquire(blocking=False):
            overlaps.append(p.index)
            return
        try:
            threads.add(threading.current_thread().name)
            time.sleep(0.02)  # long enough for a second caller to collide
        finally:
            inside.release()

    with ScriptedServer(responder=_by_article) as server:
        client = openai.OpenAI(api_key="k", base_url=server.base_url)
        results = summarize_many(ARTICLES * 2, client=client, model="m", concurrency=4, progress=progress)
        client.close()
    assert all(isinstance(r, Briefing) for r in results)
    assert overlaps == [] and len(threads) == 1 and not any(t.startswith("summarizer") for t in threads)


def test_rules_batch_reports_progress_too() -> None:
    seen: list[BatchProgress] = []
    results = summarize_many(["A quiet day in Lenz.", "  "], engine="rules", progress=seen.append)
    assert [(p.index, p.done, p.failed) for p in seen] == [(0, 1, 0), (1, 2, 1)]
    assert isinstance(results[1], E.EmptyTextError)


def test_scripted_asummarize_many_takes_progress_too() -> None:
    seen: list[int] = []
    with ScriptedServer(responder=_by_article) as server:
        settings = settings_for(server, cache=False)
        results = asyncio.run(asummarize_many(ARTICLES, settings=settings, progress=lambda p: seen.append(p.done)))
    assert seen == [1, 2, 3, 4] and all(isinstance(r, Briefing) for r in results)


class Stop(Exception):
    pass


def _raise_on_second(seen: list[int]) -> object:
    def progress(p: BatchProgress) -> None:
        seen.append(p.index)
        if len(seen) == 2:
            raise Stop("the caller's callback failed")

    return progress


def test_an_exception_in_progress_stops_the_batch_and_propagates_as_it_is() -> None:
    seen: list[int] = []
    with pytest.raises(Stop):
        summarize_many(["A quiet day."] * 5, engine="rules", progress=_raise_on_second(seen))  # type: ignore[arg-type]
    assert seen == [0, 1]  # nothing after the failing call

    seen.clear()
    with ScriptedServer(responder=_by_article) as server, pytest.raises(Stop):
        settings = settings_for(server, cache=False)
        summarize_many(ARTICLES * 3, settings=settings, concurrency=1, progress=_raise_on_second(seen))  # type: ignore[arg-type]
    assert seen == [seen[0], seen[1]] and len(server.requests) <= 4  # the rest was cancelled


# --------------------------------------------------------------------------- errors that stop the run


def test_scripted_a_401_stops_the_batch_once_instead_of_failing_every_article() -> None:
    seen: list[BatchProgress] = []
    with ScriptedServer(responder=lambda req: error(401, "bad key")) as server:
        settings = settings_for(server, cache=False)
        with pytest.raises(E.AuthenticationError, match="OPENAI_API_KEY"):
            summarize_many(ARTICLES * 3, settings=settings, concurrency=1, progress=seen.append)
    assert seen == [] and len(server.requests) <= 2  # one refusal; at most one more already on its way


def test_scripted_a_401_on_the_thread_path_stops_it_too() -> None:
    with ScriptedServer(responder=lambda req: error(403, "not yours")) as server:
        client = openai.OpenAI(api_key="k", base_url=server.base_url)
        with pytest.raises(E.AuthenticationError, match="permissions"):
            summarize_many(ARTICLES * 3, client=client, model="m", concurrency=2)
        client.close()
    assert len(server.requests) <= 4


def test_a_missing_model_is_raised_once_before_any_request() -> None:
    settings = LLMSettings(base_url=_free_port_url())
    with pytest.raises(E.NoLLMConfiguredError, match="SUMMARIZER_MODEL"):
        summarize_many(ARTICLES, engine="llm", settings=settings, progress=lambda p: pytest.fail("no article ran"))


@pytest.mark.parametrize("path", ["async", "threads"])
def test_nothing_listening_stops_the_batch_fast_and_names_the_url(path: str) -> None:
    # 12 files, nothing listening: every article used to retry ~6 s in turn (69 s in all).
    url = _free_port_url()
    settings = LLMSettings(base_url=url, model="m", cache=False)  # the real retry policy, real sleeps
    client = openai.OpenAI(api_key="k", base_url=url) if path == "threads" else None
    seen: list[BatchProgress] = []
    started = time.perf_counter()
    with pytest.raises(E.EndpointUnreachableError) as info:
        summarize_many([*ARTICLES] * 3, settings=settings, client=client, progress=seen.append)
    took = time.perf_counter() - started
    if client is not None:
        client.close()
    err = info.value
    assert took < 10, took
    assert err.reason == "connection refused" and err.url is not None and err.url.rstrip("/") == url
    message = str(err)
    for needle in (f"nothing is listening at {url}", "(connection refused)", "OPENAI_BASE_URL", "--base-url"):
        assert needle in message
    assert f"{BREAKER} article(s) in a row" in message and err.attempts == 2
    assert len(seen) < BREAKER and all(isinstance(p.result, E.EndpointUnreachableError) for p in seen)


def test_a_single_call_to_nothing_says_so_after_two_attempts() -> None:
    url = _free_port_url()
    settings = LLMSettings(base_url=url, model="m", retry=RetryPolicy(wait_scale=0.0))
    with pytest.raises(E.EndpointUnreachableError, match="nothing is listening at") as info:
        summarize(ARTICLES[0], engine="llm", settings=settings)
    assert info.value.attempts == 2 and isinstance(info.value, E.TransportError)


def _unreachable() -> E.EndpointUnreachableError:
    return E.EndpointUnreachableError("nothing is listening", url="http://x/v1", reason="connection refused")


def test_the_breaker_counts_unreachable_articles_in_a_row_only() -> None:
    answered = summarize("A quiet day in Lenz.", engine="rules")
    tracker = Tracker(10, None, senders=10)
    for result in [_unreachable(), _unreachable(), answered, _unreachable(), E.EmptyTextError("empty")]:
        tracker.record(0, result)  # an answer resets the count; an input error does not
    tracker.record(0, _unreachable())
    with pytest.raises(E.EndpointUnreachableError, match=r"3 article\(s\) in a row"):
        tracker.record(0, _unreachable())


def test_the_breaker_of_a_small_batch_trips_at_its_size() -> None:
    tracker = Tracker(2, None, senders=1)
    with pytest.raises(E.EndpointUnreachableError):
        tracker.record(0, _unreachable())


def test_every_error_a_batch_raises_or_returns_is_exported() -> None:
    for cls in (
        E.AuthenticationError,
        E.BadRequestError,
        E.ConfigurationError,
        E.EmptyTextError,
        E.EndpointUnreachableError,
        E.EngineError,
        E.InputError,
        E.LLMError,
        E.LLMExtraMissingError,
        E.MalformedOutputError,
        E.NoLLMConfiguredError,
        E.RateLimitError,
        E.TransportError,
        E.TruncatedOutputError,
    ):
        assert getattr(summarizer, cls.__name__) is cls and cls.__name__ in summarizer.__all__
    assert summarizer.BatchProgress is BatchProgress and issubclass(E.EndpointUnreachableError, SummarizerError)


# --------------------------------------------------------------------------- messages once


def _notices(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "summarizer" and "no LLM configured" in r.getMessage()]


def test_the_no_llm_notice_is_said_once_per_process(caplog: pytest.LogCaptureFixture) -> None:
    for _ in range(3):
        summarize("A quiet day in Lenz.")
    summarize_many(["A quiet day.", "Another quiet day."])
    assert len(_notices(caplog)) == 1


# --------------------------------------------------------------------------- very large articles


def test_a_very_large_article_gets_one_warning_saying_what_it_will_take(caplog: pytest.LogCaptureFixture) -> None:
    settings = LLMSettings(base_url=_free_port_url(), model="m", retry=RetryPolicy(wait_scale=0.0), cache=False)
    big = "A quiet day in Lenz. Nothing happened at all.\n\n" * (LARGE_CHARS // 40)
    with pytest.raises(E.EndpointUnreachableError):
        summarize(big, engine="llm", settings=settings)
    (warning,) = [r for r in caplog.records if "very large" in r.getMessage()]
    assert warning.levelno == logging.WARNING and f"{len(big):,} characters" in warning.getMessage()
    assert "about 80 chunks of up to 16,000 characters" in warning.getMessage()  # 1,175,000 in steps of 14,800

    caplog.clear()
    warn_if_large(big * 10, engine="rules", settings=settings, index=7)
    (rules,) = [r.getMessage() for r in caplog.records]
    assert rules.startswith("article 7 is very large") and "expect ~" in rules and "min" in rules
    caplog.clear()
    warn_if_large(big[: LARGE_CHARS - 1], engine="rules", settings=settings)
    assert caplog.records == []


# --------------------------------------------------------------------------- without the llm extra

_BLOCKED = """
import sys
from importlib.abc import MetaPathFinder

BLOCKED = {"openai", "instructor", "tenacity", "diskcache"}

class Refuse(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked)", name=name)
        return None

sys.meta_path.insert(0, Refuse())
"""

_PROBE = """
import summarizer
from summarizer import LLMExtraMissingError, LLMSettings, summarize, summarize_many

b = summarize("A quiet day in Lenz.", engine="rules")
assert b.provenance.engine == "rules"
(m,) = summarize_many(["A quiet day in Lenz."], engine="rules")
assert m.provenance.engine == "rules"
summarize("A quiet day in Lenz.")  # auto, nothing configured: the offline engine
loaded = sorted(n for n in sys.modules if n.partition(".")[0] in BLOCKED)
assert not loaded, loaded
settings = LLMSettings(base_url="http://127.0.0.1:9/v1", model="m")
for call in (
    lambda: summarize("A quiet day.", engine="llm", settings=settings),
    lambda: summarize("A quiet day.", settings=settings),  # auto with an endpoint configured
    lambda: summarize_many(["A quiet day."], engine="llm", settings=settings),
):
    try:
        call()
    except LLMExtraMissingError as exc:
        print("ERROR:", exc)
    else:
        raise AssertionError("no error without the llm extra")
"""


def test_without_the_llm_extra_the_offline_path_works_and_the_llm_engine_says_what_to_install(
    tmp_path: Path,
) -> None:
    script = tmp_path / "probe.py"
    script.write_text(textwrap.dedent(_BLOCKED) + textwrap.dedent(_PROBE), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 3
    for line in lines:
        assert "the LLM engine needs the llm extra: pip install 'spanbrief[llm]' (missing module" in line
