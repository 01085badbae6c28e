"""The response cache: real diskcache on a temp directory, hits across processes, corrupt entries replaced.

Answers are SCRIPTED. The cache lives under ``XDG_CACHE_HOME``, which the autouse
fixture points at a fresh temporary directory for every test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import diskcache
import pytest
from loopback import ISIL_DATE, ScriptedServer, completion, gold_answer, isil_text, settings_for

from summarizer import LLMSettings, summarize
from summarizer.cache import CacheEntry, cache_key, close_all

TESTS = Path(__file__).resolve().parent


def _run(settings: LLMSettings) -> object:
    return summarize(isil_text(), engine="llm", date=ISIL_DATE, settings=settings)


def _default_cache_dir() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "summarizer" / "llm"


def test_scripted_second_call_is_a_cache_hit_with_the_same_briefing() -> None:
    with ScriptedServer([completion(gold_answer(), usage=(1500, 900))]) as server:
        first = summarize(isil_text(), engine="llm", date=ISIL_DATE, settings=settings_for(server))
        second = summarize(isil_text(), engine="llm", date=ISIL_DATE, settings=settings_for(server))
    assert len(server.requests) == 1
    assert _default_cache_dir().is_dir()  # the user's cache directory (platformdirs), here a temp dir
    assert first.provenance is not None and second.provenance is not None
    assert not first.provenance.cached and second.provenance.cached
    assert second.provenance.usage == first.provenance.usage  # what the answer cost, kept with it
    assert second.quotes == first.quotes and second.validation == first.validation


def test_scripted_cache_hit_from_a_second_process() -> None:
    with ScriptedServer([completion(gold_answer())]) as server:
        first = summarize(isil_text(), engine="llm", date=ISIL_DATE, settings=settings_for(server))
        code = (
            "import sys, json; sys.path.insert(0, sys.argv[1])\n"
            "from loopback import ISIL_DATE, isil_text\n"
            "from summarizer import summarize, LLMSettings\n"
            "s = LLMSettings.from_env(base_url=sys.argv[2], model='scripted-model')\n"
            "b = summarize(isil_text(), engine='llm', date=ISIL_DATE, settings=s)\n"
            "print(json.dumps({'cached': b.provenance.cached, 'quotes': len(b.quotes), 'ok': b.validation.ok}))\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, str(TESTS), server.base_url],
            capture_output=True,
            text=True,
            timeout=120,
            env=dict(os.environ),
            check=True,
        )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"cached": True, "quotes": len(first.quotes), "ok": True}
    assert len(server.requests) == 1  # the second process asked nothing


def test_scripted_corrupt_entry_is_ignored_and_replaced() -> None:
    with ScriptedServer([completion(gold_answer()), completion(gold_answer())]) as server:
        settings = settings_for(server)
        _run(settings)
        close_all()
        with diskcache.Cache(str(_default_cache_dir())) as store:
            keys = list(store.iterkeys())
            assert len(keys) == 1
            store.set(keys[0], '{"format": 1, "key": "truncated')
        b = _run(settings)
        assert len(server.requests) == 2
        assert b.provenance is not None and not b.provenance.cached
        assert any("corrupt cache entry ignored and replaced" in n for n in b.provenance.notes)
        again = _run(settings)
    assert len(server.requests) == 2 and again.provenance is not None and again.provenance.cached


def test_scripted_entry_stores_raw_response_and_usage_and_drafts() -> None:
    with ScriptedServer([completion(gold_answer(), usage=(1500, 900))]) as server:
        _run(settings_for(server))
    close_all()
    with diskcache.Cache(str(_default_cache_dir())) as store:
        (key,) = list(store.iterkeys())
        entry = CacheEntry.model_validate_json(store[key])
    assert entry.key == key and entry.model == "scripted-model"
    assert entry.responses[0]["choices"][0]["message"]["content"] == gold_answer()
    assert (entry.usage.prompt_tokens, entry.usage.completion_tokens) == (1500, 900)
    assert entry.pieces[0].start == 0 and entry.pieces[0].draft["quotes"]
    assert entry.result is not None and entry.fingerprint


def test_scripted_hit_made_by_other_code_is_revalidated_from_the_drafts() -> None:
    with ScriptedServer([completion(gold_answer())]) as server:
        settings = settings_for(server)
        first = _run(settings)
        close_all()
        with diskcache.Cache(str(_default_cache_dir())) as store:
            (key,) = list(store.iterkeys())
            entry = CacheEntry.model_validate_json(store[key])
            store[key] = entry.model_copy(update={"fingerprint": "0" * 64}).model_dump_json()
        b = _run(settings)
    assert len(server.requests) == 1
    assert b.provenance is not None and b.provenance.cached
    assert "cache: hit (drafts re-validated)" in b.provenance.notes
    assert b.quotes == first.quotes and b.validation is not None and b.validation.ok


def test_scripted_cache_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_NO_CACHE", "1")
    with ScriptedServer([completion(gold_answer()), completion(gold_answer())]) as server:
        a = _run(settings_for(server))
        b = _run(settings_for(server))
    assert len(server.requests) == 2
    assert a.provenance is not None and b.provenance is not None and not b.provenance.cached
    assert not _default_cache_dir().exists()


def test_scripted_cache_dir_is_configurable_and_the_key_never_holds_the_api_key(tmp_path: Path) -> None:
    where = tmp_path / "elsewhere"
    with ScriptedServer([completion(gold_answer())]) as server:
        _run(settings_for(server, api_key="sk-secret-one", cache_dir=where))
        b = _run(settings_for(server, api_key="sk-secret-two", cache_dir=where))
    assert len(server.requests) == 1 and b.provenance is not None and b.provenance.cached
    assert server.requests[0].headers["authorization"] == "Bearer sk-secret-one"
    close_all()
    stored = b"".join(p.read_bytes() for p in where.rglob("*") if p.is_file())
    assert b"sk-secret" not in stored and not _default_cache_dir().exists()


def test_cache_key_covers_what_shapes_the_answer() -> None:
    base = {
        "model": "m",
        "endpoint_host": "h",
        "prompt_id": "v1-x",
        "schema_hash": "s",
        "mode": "md_json",
        "params": {"temperature": 0.0},
        "article_date": ISIL_DATE,
        "text": "t",
    }
    k = cache_key(**base)  # type: ignore[arg-type]
    assert len(k) == 64 and k == cache_key(**base)  # type: ignore[arg-type]
    for field, other in [
        ("model", "m2"),
        ("endpoint_host", "h2"),
        ("prompt_id", "v1-y"),
        ("schema_hash", "s2"),
        ("mode", "tools"),
        ("params", {"temperature": 0.5}),
        ("article_date", None),
        ("text", "t2"),
    ]:
        assert cache_key(**{**base, field: other}) != k, field  # type: ignore[arg-type]
