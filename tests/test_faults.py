"""The loopback server's fault-injection mode: each fault kind reaches the client as that kind.

Every answer is SCRIPTED (a fixture's gold briefing, cut to a small article, as a perfect
model would answer it); the faults are injected by :class:`loopback.FaultResponder` over
real HTTP. Waits are computed and reported, not slept (``wait_scale=0``), except where a
time-out must really pass.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from loopback import (
    FABRICATED_QUOTE,
    FAULT_KINDS,
    FaultMix,
    FaultResponder,
    FaultServerProcess,
    ScriptedServer,
    SmallArticle,
    answer_key,
    small_articles,
)

from summarizer import LLMSettings, RetryPolicy, summarize, summarize_many
from summarizer import errors as E
from summarizer.schema import Briefing
from summarizer.validate import validate

_WAIT = re.compile(r"retry (\d+): (.+) -> wait ([0-9.]+)s \((retry-after|backoff)\)")


@functools.cache
def _articles() -> tuple[SmallArticle, ...]:
    return tuple(small_articles(["anti-isil-coalition", "daravan-weekly-sitrep"]))


def _article(*, quotes: bool = True) -> SmallArticle:
    return next(a for a in _articles() if bool(a.answer.get("quotes")) == quotes).copy("t1")


def _settings(server: ScriptedServer, **options: Any) -> LLMSettings:
    options.setdefault("retry", RetryPolicy(jitter=0.0, wait_scale=0.0))
    return LLMSettings.from_env(base_url=server.base_url, model="scripted-model", cache=False, **options)


def _serve(article: SmallArticle, mix: FaultMix) -> tuple[ScriptedServer, FaultResponder]:
    responder = FaultResponder({answer_key(article.text): article.answer}, mix)
    return ScriptedServer(responder=responder), responder


def _brief(article: SmallArticle, mix: FaultMix, **options: Any) -> tuple[Briefing, ScriptedServer, FaultResponder]:
    server, responder = _serve(article, mix)
    with server:
        b = summarize(article.text, engine="llm", date=article.date, settings=_settings(server, **options))
    return b, server, responder


def _waits(b: Briefing) -> list[tuple[str, float, str]]:
    assert b.provenance is not None
    return [(m.group(2), float(m.group(3)), m.group(4)) for n in b.provenance.notes if (m := _WAIT.fullmatch(n))]


def _complete(b: Briefing, article: SmallArticle) -> None:
    """Every item of the answer delivered, every one verified, no fabricated words."""
    assert b.validation is not None and b.validation.ok
    assert len(b.items()) == article.items
    assert not validate(b, article.text).errors
    assert all(FABRICATED_QUOTE not in q.text.value for q in b.quotes)


# --------------------------------------------------------------------------- the mix itself


def test_small_articles_are_short_and_their_answers_verify_whole() -> None:
    arts = _articles()
    assert len(arts) >= 10
    assert all(len(a.copy("9999").text) < 2_000 and a.items >= 3 for a in arts)
    clean = FaultMix()
    for a in (x.copy("c") for x in arts[:3]):
        b, server, _ = _brief(a, clean)
        _complete(b, a)
        assert len(server.requests) == 1


def test_draws_are_seeded_per_request_and_follow_the_probabilities() -> None:
    mix = FaultMix(rate_limit=0.2, server_error=0.1, drop=0.05, hang=0.05, fabricated=0.05, seed=7)
    keys = [f"body-{i}:1" for i in range(20_000)]
    first = [mix.draw(k) for k in keys]
    assert first == [mix.draw(k) for k in keys]  # the same request, the same fault
    assert first != [FaultMix(**{**mix.to_json(), "seed": 8}).draw(k) for k in keys]
    seen = Counter(first)
    for kind, p in [("rate_limit", 0.2), ("server_error", 0.1), ("drop", 0.05), ("clean", 0.55)]:
        assert abs(seen[kind] / len(keys) - p) < 0.015, (kind, seen)
    assert seen["malformed"] == 0
    with pytest.raises(ValueError, match="sum to at most 1"):
        FaultMix(rate_limit=0.7, drop=0.5)
    with pytest.raises(ValueError, match="unknown fault kinds"):
        FaultMix(script=("gremlins",))


# --------------------------------------------------------------------------- each kind, once, then clean


def test_a_429_is_retried_after_what_retry_after_asks() -> None:
    a = _article()
    b, server, responder = _brief(a, FaultMix(script=("rate_limit",), retry_after=2.0))
    assert _waits(b) == [("HTTP 429", 2.0, "retry-after")]
    assert len(server.requests) == 2 and responder.served == Counter(rate_limit=1, clean=1)
    _complete(b, a)


def test_a_500_or_503_is_retried() -> None:
    a = _article()
    b, _, responder = _brief(a, FaultMix(script=("server_error",)))
    [(reason, _, basis)] = _waits(b)
    assert reason in ("HTTP 500", "HTTP 503") and basis == "backoff"
    assert responder.served["server_error"] == 1
    _complete(b, a)


def test_a_dropped_connection_is_retried() -> None:
    a = _article()
    b, _, _ = _brief(a, FaultMix(script=("drop",)))
    assert _waits(b) == [("connection dropped", 0.5, "backoff")]
    _complete(b, a)


def test_a_hang_past_the_timeout_is_a_timeout_and_retried() -> None:
    a = _article()
    b, server, _ = _brief(a, FaultMix(script=("hang",), hang_seconds=1.5), timeout=0.3)
    assert _waits(b) == [("timeout", 0.5, "backoff")]
    assert len(server.requests) == 2
    _complete(b, a)


def test_malformed_json_is_re_asked_once() -> None:
    a = _article()
    b, _, responder = _brief(a, FaultMix(script=("malformed",)))
    assert b.provenance is not None and b.provenance.reasks == 1
    assert any(n.startswith("re-ask (unusable answer)") for n in b.provenance.notes)
    assert responder.calls == Counter(extract=1, reask=1)  # the re-ask carries the bad answer
    _complete(b, a)


def test_fenced_json_inside_prose_is_taken_from_the_fence() -> None:
    a = _article()
    b, server, responder = _brief(a, FaultMix(script=("fenced",)))
    assert responder.served == Counter(fenced=1)  # the JSON came between two lines of prose
    assert b.provenance is not None and b.provenance.reasks == 0 and len(server.requests) == 1
    _complete(b, a)


def test_a_wrapped_object_is_unwrapped() -> None:
    a = _article()
    b, server, _ = _brief(a, FaultMix(script=("wrapped",)))
    assert b.provenance is not None
    assert "answer: unwrapped the object from its single key 'briefing'" in b.provenance.notes
    assert len(server.requests) == 1
    _complete(b, a)


def test_a_truncated_answer_on_a_small_article_is_asked_again_with_more_room() -> None:
    a = _article()
    b, server, _ = _brief(a, FaultMix(script=("truncated",)))
    assert b.provenance is not None
    assert any("asked again with max_tokens=8192" in n for n in b.provenance.notes)
    assert [r.body["max_tokens"] for r in server.requests] == [4096, 8192]
    _complete(b, a)


def test_a_fabricated_quote_is_re_asked_and_corrected() -> None:
    a = _article()
    b, server, responder = _brief(a, FaultMix(script=("fabricated",)))
    assert b.provenance is not None and b.provenance.reasks == 1
    assert FABRICATED_QUOTE in server.requests[1].text  # the re-ask names the fabricated item
    assert responder.calls == Counter(extract=1, repair=1)
    _complete(b, a)


def test_a_fabricated_quote_in_an_article_without_quotes_is_withdrawn() -> None:
    a = _article(quotes=False)
    b, _, responder = _brief(a, FaultMix(script=("fabricated",)))
    assert responder.calls == Counter(extract=1, repair=1)
    assert b.provenance is not None and any("withdrawn by the model" in n for n in b.provenance.notes)
    assert b.provenance.dropped[0].path == "quotes[0]" and not b.quotes
    assert not validate(b, a.text).errors and len(b.items()) == a.items


# --------------------------------------------------------------------------- each kind, every time


@pytest.mark.parametrize(
    ("kind", "cls"),
    [
        ("rate_limit", E.RateLimitError),
        ("server_error", E.TransportError),
        ("drop", E.TransportError),
        ("malformed", E.MalformedOutputError),
        ("truncated", E.TruncatedOutputError),
    ],
)
def test_a_fault_on_every_request_ends_as_its_error(kind: str, cls: type[E.SummarizerError]) -> None:
    a = _article()
    server, _ = _serve(a, FaultMix.only(kind, retry_after=1.0))
    settings = _settings(server, retry=RetryPolicy(attempts=3, wait_scale=0))
    with server, pytest.raises(cls):
        summarize(a.text, engine="llm", date=a.date, settings=settings)


def test_a_quote_fabricated_in_every_answer_is_dropped_never_delivered() -> None:
    a = _article()
    b, server, _ = _brief(a, FaultMix.only("fabricated"))
    assert b.provenance is not None and b.provenance.reasks == 2  # both rounds, both fabricated again
    assert all(FABRICATED_QUOTE not in q.text.value for q in b.quotes)
    assert [d.path.split("[")[0] for d in b.provenance.dropped] == ["quotes"]
    # the report keeps the dropped quote's error (it says what was dropped); what is delivered verifies
    assert b.validation is not None and [i.code for i in b.validation.errors] == ["unlocated"]
    assert not validate(b, a.text).errors and len(b.items()) == a.items - 1
    assert len(server.requests) == 3


def test_an_article_the_server_has_no_answer_for_fails_loudly() -> None:
    server, responder = _serve(_article(), FaultMix())
    with server, pytest.raises(E.BadRequestError, match="no scripted answer"):
        summarize("Some other text, said nobody.", engine="llm", settings=_settings(server))
    assert responder.served == Counter(unknown=1)


# --------------------------------------------------------------------------- a child process


def test_the_fault_server_runs_in_a_child_process_and_reports_what_it_served(tmp_path: Path) -> None:
    arts = [a.copy(str(i)) for i, a in enumerate(_articles()[:6])]
    answers = {answer_key(a.text): a.answer for a in arts}
    mix = FaultMix(script=("rate_limit", "wrapped", "fenced"), retry_after=1.0)
    with FaultServerProcess(answers, mix, workdir=tmp_path) as server:
        settings = LLMSettings.from_env(
            base_url=server.base_url, model="m", cache=False, retry=RetryPolicy(wait_scale=0.0)
        )
        results = summarize_many([a.text for a in arts], settings=settings, dates=[a.date for a in arts], concurrency=1)
    stats = server.stats
    assert stats["served"] == {"rate_limit": 1, "wrapped": 1, "fenced": 1, "clean": 4}
    assert stats["calls"] == {"-": 1, "extract": 6} and stats["tokens"]["completion_tokens"] > 0
    for a, b in zip(arts, results, strict=True):
        assert isinstance(b, Briefing)
        _complete(b, a)


def test_every_fault_kind_has_a_test() -> None:
    names = {n for n in globals() if n.startswith("test_")}
    assert len(FAULT_KINDS) == 9 and len(names) >= 15
