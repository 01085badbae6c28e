"""The response cache: real diskcache on a temp directory, hits across processes, corrupt entries replaced.

Answers are SCRIPTED. The cache lives under ``XDG_CACHE_HOME``, which the autouse
fixture points at a fresh temporary directory for every test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import diskcache
import pytest
from loopback import ISIL_DATE, ScriptedServer, completion, gold_answer, isil_text, settings_for

from summarizer import LLMSettings, summarize, summarize_many
from summarizer.engines.llm.cache import CacheEntry, cache_key, close_all

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
    # Issue 7: a hit never replays the note of the run that replaced the entry.
    assert not any("corrupt" in n for n in again.provenance.notes), again.provenance.notes


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
    assert "result" not in json.loads(entry.model_dump_json())  # what the model said, never a verdict


def test_scripted_hit_is_verified_again_like_a_fresh_answer() -> None:
    with ScriptedServer([completion(gold_answer())]) as server:
        settings = settings_for(server)
        first = _run(settings)
        b = _run(settings)
    assert len(server.requests) == 1
    assert b.provenance is not None and b.provenance.cached
    assert any(n.startswith("cache: hit for [0, ") and "verified again" in n for n in b.provenance.notes)
    assert b.quotes == first.quotes and b.validation == first.validation


def test_scripted_tampered_hit_with_swapped_speakers_is_not_served_as_verified() -> None:
    # Issue 7: a hit was served with its stored report, so a tampered entry passed as ok.
    with ScriptedServer([completion(gold_answer())]) as server:
        settings = settings_for(server)
        first = _run(settings)
        close_all()
        with diskcache.Cache(str(_default_cache_dir())) as store:
            (key,) = list(store.iterkeys())
            entry = CacheEntry.model_validate_json(store[key])
            quotes = entry.pieces[0].draft["quotes"]
            quotes[0]["speaker"], quotes[-1]["speaker"] = quotes[-1]["speaker"], quotes[0]["speaker"]
            store[key] = entry.model_dump_json()
        b = _run(settings)
    assert len(server.requests) == 1 and b.provenance is not None and b.provenance.cached
    assert first.validation is not None and first.validation.ok
    assert b.validation is not None and not b.validation.ok
    speaker_errors = {i.path.split(".")[0] for i in b.validation.errors if ".speaker" in i.path}
    assert speaker_errors == {"quotes[0]", f"quotes[{len(quotes) - 1}]"}
    assert {d.path for d in b.provenance.dropped} >= speaker_errors  # dropped, with the reason
    assert len(b.quotes) == len(first.quotes) - 2


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


def test_scripted_cache_ttl_sets_the_expiry_of_a_disk_entry_and_an_expired_one_is_asked_again() -> None:
    with ScriptedServer([completion(gold_answer())] * 3) as server:
        _run(settings_for(server, cache_ttl=3600))
        close_all()
        with diskcache.Cache(str(_default_cache_dir())) as store:
            (key,) = list(store.iterkeys())
            _value, expire = store.get(key, expire_time=True)
        assert 3500 < expire - time.time() <= 3600
        store_dir = _default_cache_dir().parent / "short"
        _run(settings_for(server, cache_ttl=0.05, cache_dir=store_dir))
        time.sleep(0.1)
        late = _run(settings_for(server, cache_ttl=0.05, cache_dir=store_dir))
    assert len(server.requests) == 3 and late.provenance is not None and not late.provenance.cached


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


# --------------------------------------------------------------------------- a damaged store fails open
# Issue 7: a corrupt cache database raised sqlite3.DatabaseError on every run (and stopped whole
# batches) until the user deleted it; a cache directory that is a file gave FileExistsError.


def _damage(db: Path, how: str) -> None:
    data = db.read_bytes()
    if how == "random-bytes":
        db.write_bytes(os.urandom(len(data)))
    elif how == "zeroed-header":
        db.write_bytes(b"\0" * 100 + data[100:])
    else:
        db.write_bytes(data[: len(data) // 3])


@pytest.mark.parametrize("how", ["random-bytes", "zeroed-header", "truncated"])
def test_scripted_a_damaged_cache_database_is_moved_aside_and_the_run_goes_on(
    how: str, caplog: pytest.LogCaptureFixture
) -> None:
    with ScriptedServer([completion(gold_answer())] * 2) as server:
        settings = settings_for(server)
        _run(settings)
        close_all()
        _damage(_default_cache_dir() / "cache.db", how)
        b = _run(settings)
        again = _run(settings)
    assert len(server.requests) == 2  # asked again once; then the fresh store served a hit
    assert b.provenance is not None and not b.provenance.cached
    assert any("damaged" in n and "moved aside" in n for n in b.provenance.notes), b.provenance.notes
    assert again.provenance is not None and again.provenance.cached
    assert not any("damaged" in n for n in again.provenance.notes)  # said once
    assert len(list(_default_cache_dir().glob("cache.db.corrupt-*"))) == 1
    assert [r.message for r in caplog.records if "damaged" in r.getMessage()]


def test_scripted_a_batch_goes_on_over_a_damaged_cache_database() -> None:
    texts = [isil_text(), isil_text() + "\n\nA second edition."]
    with ScriptedServer([completion(gold_answer())] * 3) as server:
        settings = settings_for(server)
        _run(settings)
        close_all()
        _damage(_default_cache_dir() / "cache.db", "random-bytes")
        results = summarize_many(texts, engine="llm", dates=[ISIL_DATE] * 2, settings=settings)
    assert all(not isinstance(r, Exception) for r in results), results


def test_scripted_a_cache_directory_that_is_a_file_runs_without_the_cache(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "cache"
    not_a_dir.write_text("my notes", encoding="utf-8")
    with ScriptedServer([completion(gold_answer())] * 2) as server:
        settings = settings_for(server, cache_dir=not_a_dir)
        first, second = _run(settings), _run(settings)
    assert len(server.requests) == 2 and not_a_dir.read_text(encoding="utf-8") == "my notes"
    for b in (first, second):
        assert b.provenance is not None and any("running without the cache" in n for n in b.provenance.notes)
