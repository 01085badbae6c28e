"""The Redis backend of the response cache, against a real ``redis-server`` on a loopback port (issue 11).

Answers are SCRIPTED (tests/loopback.py). Each test starts its own ``redis-server``
(tests/_redis.py: a free port on 127.0.0.1, ``--save '' --appendonly no``) and stops it
after; without one on PATH the tests skip, saying so.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("redis", reason="the redis package (pip install 'spanbrief[redis]') is needed here")

from _redis import SKIP_REASON, Blackhole, RedisServer, copies, namespaced_keys, redis_binary
from loopback import ISIL_DATE, ScriptedServer, completion, gold_answer, isil_text, settings_for

from summarizer import Briefing, LLMSettings, summarize, summarize_many
from summarizer.config import masked_url
from summarizer.engines.llm.cache import FORMAT, CacheEntry, ResponseCache, close_all, open_cache
from summarizer.engines.llm.cache_redis import RedisStore, namespace
from summarizer.errors import ConfigurationError

pytestmark = pytest.mark.skipif(redis_binary() is None, reason=SKIP_REASON)

TESTS = Path(__file__).resolve().parent
PREFIX = namespace(FORMAT)

# A worker process: briefs copies(n) through its own Redis client (SUMMARIZER_CACHE_URL in its
# environment) and prints, per article, whether it was served from the cache and verified ok.
WORKER = """
import sys, json; sys.path.insert(0, sys.argv[1])
from _redis import copies
from loopback import ISIL_DATE
from summarizer import summarize_many, LLMSettings
from summarizer.config import RetryPolicy
n, concurrency = int(sys.argv[3]), int(sys.argv[4])
s = LLMSettings.from_env(base_url=sys.argv[2], model='scripted-model', retry=RetryPolicy(wait_scale=0.0))
rs = summarize_many(copies(n), engine='llm', dates=[ISIL_DATE] * n, settings=s, concurrency=concurrency)
print(json.dumps([{'cached': r.provenance.cached, 'ok': r.validation.ok} for r in rs]))
"""


@pytest.fixture
def rs() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


def _gold_server() -> ScriptedServer:
    return ScriptedServer(responder=lambda _req: completion(gold_answer()))


def _brief(settings: LLMSettings, text: str | None = None) -> Briefing:
    return summarize(isil_text() if text is None else text, engine="llm", date=ISIL_DATE, settings=settings)


def _entries(server: RedisServer) -> dict[str, bytes]:
    with server.client() as c:
        return {k.decode(): c.get(k) or b"" for k in namespaced_keys(c)}


def _default_cache_dir() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "summarizer" / "llm"


# --------------------------------------------------------------------------- (a) the engine: a miss, then a hit


def test_scripted_miss_then_hit_from_redis_verified_again(rs: RedisServer) -> None:
    with ScriptedServer([completion(gold_answer(), usage=(1500, 900))]) as server:
        settings = settings_for(server, cache_url=rs.url)
        first, second = _brief(settings), _brief(settings)
    assert len(server.requests) == 1
    assert first.provenance is not None and second.provenance is not None
    assert not first.provenance.cached and second.provenance.cached
    assert any(n.startswith("cache: hit for [0, ") and "verified again" in n for n in second.provenance.notes)
    assert second.quotes == first.quotes and second.validation == first.validation
    assert second.provenance.usage == first.provenance.usage
    (key, value) = _entries(rs).popitem()  # one entry, namespaced, the engine's key after the prefix
    entry = CacheEntry.model_validate_json(value)
    assert key == PREFIX + entry.key and PREFIX == "spanbrief:cache:2:"
    assert entry.pieces[0].draft["quotes"] and "result" not in json.loads(value)
    assert not _default_cache_dir().exists()  # the disk cache was not touched


def test_scripted_the_url_comes_from_the_environment_and_no_cache_still_switches_it_off(
    rs: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZER_CACHE_URL", rs.url)
    with _gold_server() as server:
        assert settings_for(server).cache_url == rs.url
        b = _brief(settings_for(server))
        assert b.provenance is not None and not b.provenance.cached and len(_entries(rs)) == 1
        other = _brief(settings_for(server, cache=False))
        monkeypatch.setenv("SUMMARIZER_NO_CACHE", "1")
        off = _brief(settings_for(server), text=copies(1)[0])
    assert len(server.requests) == 3 and len(_entries(rs)) == 1  # nothing read from or written to Redis
    assert other.provenance is not None and not other.provenance.cached
    assert off.provenance is not None and not off.provenance.cached


def test_scripted_ttl_is_set_on_each_entry(rs: RedisServer) -> None:
    with _gold_server() as server:
        _brief(settings_for(server, cache_url=rs.url, cache_ttl=3600))
    with rs.client() as c:
        (key,) = namespaced_keys(c)
        assert 3_500_000 < c.pttl(key) <= 3_600_000


# --------------------------------------------------------------------------- (b) two processes share hits


def _worker(base_url: str, url: str, n: int, concurrency: int = 4) -> subprocess.Popen[str]:
    env = {**os.environ, "SUMMARIZER_CACHE_URL": url}
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(TESTS), base_url, str(n), str(concurrency)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _finish(proc: subprocess.Popen[str]) -> list[dict[str, bool]]:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    result: list[dict[str, bool]] = json.loads(out.strip().splitlines()[-1])
    return result


def test_scripted_two_processes_with_their_own_clients_share_hits(rs: RedisServer) -> None:
    with _gold_server() as server:
        one = _finish(_worker(server.base_url, rs.url, 3))
        asked_by_one = len(server.requests)
        two = _finish(_worker(server.base_url, rs.url, 3))
    assert asked_by_one == 3 and one == [{"cached": False, "ok": True}] * 3
    assert len(server.requests) == 3  # process 2 asked nothing
    assert two == [{"cached": True, "ok": True}] * 3


# --------------------------------------------------------------------------- (c) a worker killed mid-write


def test_scripted_a_worker_killed_while_writing_leaves_no_bad_entry(rs: RedisServer) -> None:
    n = 30
    texts = copies(n)
    with _gold_server() as server:
        proc = _worker(server.base_url, rs.url, n)
        deadline = time.monotonic() + 60
        while len(server.requests) < 12 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)  # in the middle of its run: answers arriving, entries being written
        proc.communicate(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        stored = _entries(rs)
        assert 0 < len(stored) < n
        for key, value in stored.items():  # every key present loads whole, for its own key
            assert CacheEntry.model_validate_json(value).key == key.removeprefix(PREFIX)
        asked = len(server.requests)
        results = summarize_many(
            texts, engine="llm", dates=[ISIL_DATE] * n, settings=settings_for(server, cache_url=rs.url)
        )
    briefings = [r for r in results if isinstance(r, Briefing)]
    assert len(briefings) == n and all(b.validation is not None and b.validation.ok for b in briefings)
    hits = [b for b in briefings if b.provenance is not None and b.provenance.cached]
    assert len(hits) == len(stored)  # each stored entry served, verified again; the rest asked anew
    assert len(server.requests) - asked == n - len(stored)
    assert not any("corrupt" in note for b in briefings if b.provenance for note in b.provenance.notes)


# A writer killed with half of its SET sent: it writes a real entry's bytes over a raw socket, in
# Redis's own protocol, stops halfway and waits to be killed.
HALF_WRITER = """
import socket, sys
key, value = sys.argv[2].encode(), sys.stdin.buffer.read()
cmd = b"*3\\r\\n$3\\r\\nSET\\r\\n$%d\\r\\n%s\\r\\n$%d\\r\\n" % (len(key), key, len(value))
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(cmd + value[: len(value) // 2])
print("half sent", flush=True)
sys.stdin.close()
import time; time.sleep(60)
"""


def test_a_set_cut_off_halfway_by_sigkill_leaves_the_old_value(rs: RedisServer) -> None:
    with _gold_server() as server:
        settings = settings_for(server, cache_url=rs.url)
        first = _brief(settings)
        ((key, old),) = _entries(rs).items()
        newer = CacheEntry.model_validate_json(old).model_copy(update={"notes": ["x" * 200_000]}).model_dump_json()
        proc = subprocess.Popen(
            [sys.executable, "-c", HALF_WRITER, str(rs.port), key],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=False,
        )
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(newer.encode())
        proc.stdin.close()
        assert proc.stdout.readline() == b"half sent\n"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()
        with rs.client() as c:
            c.ping()  # the server has seen the connection go
            assert c.get(key) == old  # the old value, whole
        again = _brief(settings)
    assert len(server.requests) == 1 and again.provenance is not None and again.provenance.cached
    assert again.validation == first.validation


# --------------------------------------------------------------------------- (d) tampered entries


@pytest.mark.parametrize("damage", ["garbage", "truncated-json", "not-a-string"])
def test_scripted_a_bad_value_in_redis_is_reported_deleted_and_replaced(rs: RedisServer, damage: str) -> None:
    with _gold_server() as server:
        settings = settings_for(server, cache_url=rs.url)
        _brief(settings)
        ((key, value),) = _entries(rs).items()
        with rs.client() as c:
            if damage == "garbage":
                c.set(key, os.urandom(300))
            elif damage == "truncated-json":
                c.set(key, value[: len(value) // 2])
            else:  # some other program's list under our key: WRONGTYPE on GET
                c.delete(key)
                c.rpush(key, "x")
        b = _brief(settings)
        assert len(server.requests) == 2
        assert b.provenance is not None and not b.provenance.cached
        assert any("corrupt cache entry ignored and replaced" in n for n in b.provenance.notes), b.provenance.notes
        assert b.validation is not None and b.validation.ok
        with rs.client() as c:
            assert c.type(key) == b"string"
            CacheEntry.model_validate_json(c.get(key) or b"")  # replaced by a good entry
        again = _brief(settings)
    assert len(server.requests) == 2 and again.provenance is not None and again.provenance.cached
    assert not any("corrupt" in n for n in again.provenance.notes)


def test_scripted_a_tampered_entry_with_swapped_speakers_is_not_served_as_verified(rs: RedisServer) -> None:
    with _gold_server() as server:
        settings = settings_for(server, cache_url=rs.url)
        first = _brief(settings)
        ((key, value),) = _entries(rs).items()
        entry = CacheEntry.model_validate_json(value)
        quotes = entry.pieces[0].draft["quotes"]
        quotes[0]["speaker"], quotes[-1]["speaker"] = quotes[-1]["speaker"], quotes[0]["speaker"]
        with rs.client() as c:
            c.set(key, entry.model_dump_json())
        b = _brief(settings)
    assert len(server.requests) == 1 and b.provenance is not None and b.provenance.cached
    assert first.validation is not None and first.validation.ok
    assert b.validation is not None and not b.validation.ok
    speaker_errors = {i.path.split(".")[0] for i in b.validation.errors if ".speaker" in i.path}
    assert speaker_errors == {"quotes[0]", f"quotes[{len(quotes) - 1}]"}
    assert {d.path for d in b.provenance.dropped} >= speaker_errors
    assert len(b.quotes) == len(first.quotes) - 2


# --------------------------------------------------------------------------- (e) Redis gone mid-run


def _store_notes(results: list[Any]) -> list[str]:
    return [n for r in results if isinstance(r, Briefing) and r.provenance for n in r.provenance.notes if "Redis" in n]


def test_scripted_redis_stopped_mid_run_the_run_completes_without_it_and_says_so_once(
    rs: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="summarizer")
    texts = copies(4)

    def stop_after_first(progress: Any) -> None:
        if progress.done == 1:
            rs.stop()

    with _gold_server() as server:
        settings = settings_for(server, cache_url=rs.url)
        results = summarize_many(
            texts, engine="llm", dates=[ISIL_DATE] * 4, settings=settings, concurrency=1, progress=stop_after_first
        )
    assert all(isinstance(r, Briefing) and r.validation is not None and r.validation.ok for r in results), results
    assert len(server.requests) == 4
    notes = _store_notes(results)
    assert len(notes) == 1 and "running without the cache" in notes[0] and masked_url(rs.url) in notes[0], notes
    said = [r for r in caplog.records if "Redis" in r.getMessage()]
    assert len(said) == 1 and said[0].levelno == logging.WARNING


def test_scripted_a_hung_redis_costs_one_connection_per_interval_not_one_per_article(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="summarizer")
    with Blackhole() as hole, _gold_server() as server:
        url = f"redis://127.0.0.1:{hole.port}/0?socket_timeout=0.2&socket_connect_timeout=0.2"
        settings = settings_for(server, cache_url=url)
        results = summarize_many(copies(5), engine="llm", dates=[ISIL_DATE] * 5, settings=settings, concurrency=1)
        assert hole.accepted == 1  # one try, timed out; the four other articles touched no socket
    assert all(isinstance(r, Briefing) and r.validation is not None and r.validation.ok for r in results)
    notes = _store_notes(results)
    assert len(notes) == 1 and "TimeoutError" in notes[0], notes
    assert len([r for r in caplog.records if "Redis" in r.getMessage()]) == 1


def test_redis_back_after_an_outage_is_used_again_after_the_interval(rs: RedisServer) -> None:
    with _gold_server() as server:
        b = _brief(settings_for(server, cache_url=rs.url))
        assert b.provenance is not None
    close_all()
    (value,) = _entries(rs).values()
    entry = CacheEntry.model_validate_json(value)
    cache = ResponseCache(RedisStore(rs.url, prefix=PREFIX, retry_after=0.2))
    text = isil_text()
    assert cache.get(entry.key, text=text).entry == entry and cache.notice() is None
    rs.stop()
    assert cache.get(entry.key, text=text).entry is None
    notice = cache.notice()
    assert notice is not None and notice.startswith("cache: Redis at ") and "unavailable" in notice
    assert cache.notice() is None  # said once
    cache.put(entry)  # skipped at once while left alone
    with RedisServer(port=rs.port) as back:
        assert cache.get(entry.key, text=text).entry is None  # still inside the interval: not tried
        time.sleep(0.25)
        cache.put(entry)  # the one try after the interval: it is back
        assert cache.get(entry.key, text=text).entry == entry and cache.notice() is None
        assert PREFIX + entry.key in _entries(back)
    cache.close()


# --------------------------------------------------------------------------- (f) the password goes nowhere


SECRET = "pw-Very-Secret-7781"


def test_scripted_the_password_in_the_url_appears_in_no_note_log_error_or_entry(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    with RedisServer(password=SECRET) as locked, _gold_server() as server:
        monkeypatch.setenv("SUMMARIZER_CACHE_URL", locked.url)
        settings = settings_for(server)
        assert settings.cache_url == locked.url and SECRET in locked.url
        first, second = _brief(settings), _brief(settings)
        assert second.provenance is not None and second.provenance.cached
        stored = _entries(locked)
        wrong = settings.replace(cache_url=locked.url.replace(SECRET, "pw-Wrong-Guess-1234"))
        close_all()
        refused = _brief(wrong, text=copies(1)[0])
        with pytest.raises(ConfigurationError) as bad:
            open_cache(settings.replace(cache_url=f"redis://:{SECRET}@127.0.0.1:{locked.port}/0?socket_timeout=soon"))
    assert refused.provenance is not None and not refused.provenance.cached
    (note,) = [n for n in refused.provenance.notes if "Redis" in n]
    assert "AuthenticationError" in note and f"redis://:***@127.0.0.1:{locked.port}/0" in note
    shown = [
        *(b.model_dump_json() for b in (first, second, refused)),
        caplog.text,
        str(bad.value),
        repr(settings),
        str(settings),
        settings.cache_label,
        *stored,
        *(v.decode("utf-8", "replace") for v in stored.values()),
    ]
    for secret in (SECRET, "pw-Wrong-Guess-1234"):
        assert not [s for s in shown if secret in s], secret
    assert "***" in str(bad.value) and "cannot be used" in str(bad.value)
    blob = pickle.dumps(settings)
    assert SECRET.encode() not in blob
    back = pickle.loads(blob)
    assert back.cache_url == f"redis://127.0.0.1:{locked.port}/0" and back.replace(cache_url=locked.url) == settings


def test_without_the_redis_package_a_configured_url_is_a_configuration_error_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)  # what Python does for a package that is not installed
    with pytest.raises(ImportError):
        import redis  # noqa: F401
    settings = LLMSettings(base_url="http://127.0.0.1:9/v1", model="m", cache_url=f"redis://:{SECRET}@127.0.0.1:6379/0")
    with pytest.raises(ConfigurationError) as e:
        summarize("Nobody said anything.", engine="llm", settings=settings)
    message = str(e.value)
    assert "pip install 'spanbrief[redis]'" in message and "redis://:***@127.0.0.1:6379/0" in message
    assert SECRET not in message and e.value.__suppress_context__


# --------------------------------------------------------------------------- settings


def test_cache_url_settings_explicit_wins_schemes_checked_ttl_checked() -> None:
    env = {"SUMMARIZER_CACHE_URL": "redis://10.0.0.5:6379/1", "SUMMARIZER_CACHE_TTL": "86400"}
    s = LLMSettings.from_env(env=env)
    assert s.cache_url == "redis://10.0.0.5:6379/1" and s.cache_ttl == 86400.0
    assert LLMSettings.from_env(env=env, cache_url="rediss://cache.internal:6380/0").cache_url == (
        "rediss://cache.internal:6380/0"
    )
    assert LLMSettings.from_env(env={}).cache_url is None and LLMSettings.from_env(env={}).cache_ttl is None
    with pytest.raises(ConfigurationError, match=r"'http://u:\*\*\*@h/' is not a Redis URL") as e:
        LLMSettings.from_env(env={"SUMMARIZER_CACHE_URL": f"http://u:{SECRET}@h/"})
    assert SECRET not in str(e.value)
    for ttl in ("0", "-5", "soon", "nan"):
        with pytest.raises(ConfigurationError, match="cache_ttl must be a positive number"):
            LLMSettings.from_env(env={"SUMMARIZER_CACHE_TTL": ttl})
    assert masked_url(f"redis://user:{SECRET}@h:1/0?password={SECRET}&db=2") == (
        "redis://user:***@h:1/0?password=***&db=2"
    )
