"""One short article through a real OpenAI-compatible server: skipped unless SUMMARIZER_LIVE_BASE_URL is set.

This checks the protocol, not the model: a briefing comes back whose every span is a
slice of the article (the library's promise), or a clear error of the answer's making
(unusable or truncated). A protocol fault (a refused request shape, a server that
keeps failing) fails the test. How to run it against llama-cpp-python's server with a
small GGUF model: README.md, "Local servers".

The environment is read when this module is imported: the suite's autouse fixture
clears every ``SUMMARIZER_*`` variable before each test runs.
"""

from __future__ import annotations

import os
from typing import Any

import httpx2
import pytest

from summarizer import LLMSettings, RetryPolicy, summarize
from summarizer import errors as E
from summarizer.engines.llm import LLMEngine, servers

BASE_URL = os.environ.get("SUMMARIZER_LIVE_BASE_URL")
MODEL = os.environ.get("SUMMARIZER_LIVE_MODEL")
KEY = os.environ.get("OPENAI_API_KEY")

pytestmark = pytest.mark.skipif(not BASE_URL, reason="set SUMMARIZER_LIVE_BASE_URL to run against a real server")

ARTICLE = """\
LENZ, March 3 (Staff) - The council of Lenz voted on Tuesday to close the old river bridge to \
lorries after engineers found cracks in two of its piers.

"The bridge is safe for cars and people on foot, but not for forty tonnes," said Mayor Anna Roth \
after the vote, which passed by nine votes to four.

Lorries will be sent over the ring road from next Monday. Repairs are expected to take about six \
months and to cost 1.2 million euros.
"""


def _models() -> Any:
    assert BASE_URL
    headers = {"Authorization": f"Bearer {KEY}"} if KEY else {}
    return httpx2.get(BASE_URL.rstrip("/") + "/models", headers=headers, timeout=30).json()


def _settings() -> LLMSettings:
    model = MODEL or _models()["data"][0]["id"]
    return LLMSettings(
        api_key=KEY,
        base_url=BASE_URL,
        model=model,
        timeout=900.0,  # a small model on a CPU takes minutes for a prompt of a thousand tokens
        max_tokens=1024,
        reasks=0,
        retry=RetryPolicy(attempts=2),
        cache=False,
        coverage=False,
    )


def test_live_the_mode_for_the_server() -> None:
    settings = _settings()
    mode = LLMEngine(settings).mode
    if servers.is_llama_cpp_python(_models()):
        assert mode.value == "json_object_schema"
    print(f"mode for {BASE_URL}: {mode.value}")


def test_live_one_short_article() -> None:
    try:
        b = summarize(ARTICLE, engine="llm", settings=_settings(), date="2026-03-03")
    except (E.MalformedOutputError, E.TruncatedOutputError) as exc:  # the model's answer, not the protocol
        assert str(exc) and exc.model
        pytest.xfail(f"the model's answer was not usable: {exc}")
    assert b.provenance is not None and b.provenance.engine == "llm" and b.validation is not None
    kinds = [
        name for name in type(b).model_fields if name not in ("schema_version", "source", "provenance", "validation")
    ]
    items = [item for name in kinds for item in getattr(b, name)]
    spans = [span for item in items for span in _spans(item)]
    for span in spans:
        if span.start is not None:
            assert ARTICLE[span.start : span.end] == span.text, span
    print(f"{len(items)} items, {len(spans)} spans; notes: {b.provenance.notes}")


def _spans(value: Any) -> list[Any]:
    """Every span inside a briefing item (its mentions, quantities, dates)."""
    from summarizer.schema import Span

    if isinstance(value, Span):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _spans(v)]
    fields = getattr(type(value), "model_fields", None)
    if fields is None:
        return []
    return [s for name in fields for s in _spans(getattr(value, name))]
