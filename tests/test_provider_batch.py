"""Provider batch runs (OpenAI Batch API / vllm run-batch) against a real loopback Files + Batches server.

Every answer is scripted (the fixture's gold draft as a model would return it); no model runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from summarizer import summarize_many, summarize_stream
from summarizer.engines.llm.batchfiles import Results, custom_id
from summarizer.engines.llm.provider_batch import (
    BatchLimits,
    BatchPendingError,
    PollPolicy,
    ProviderBatch,
    write_requests,
)
from summarizer.errors import BatchError, BatchResultMissingError, InputError
from summarizer.schema import Briefing
from tests.loopback import ISIL_DATE, ScriptedServer, completion, gold_answer, isil_text, settings_for
from tests.loopback_batch import BatchServer, article_of, chat_body

FAST = PollPolicy(interval=0.0, max_interval=0.0)
ROOT = Path(__file__).resolve().parent.parent


def _texts(n: int) -> list[str]:
    """n distinct articles the gold answer verifies in (the fixture with a line of its own)."""
    return [f"{isil_text()}\n\nEditor's note {k}: this copy was filed for desk {k}." for k in range(n)]


def gold(_body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return 200, chat_body(gold_answer())


def _run(server: BatchServer, run_dir: Path, texts: list[str], **options: Any) -> list[Any]:
    settings = settings_for(server, **options)
    pb = ProviderBatch(run_dir, settings, poll=FAST)
    with pb.run(texts, dates=[ISIL_DATE] * len(texts)) as results:
        return list(
            summarize_stream(texts, answers=results, engine="llm", settings=settings, dates=[ISIL_DATE] * len(texts))
        )


def _comparable(b: Briefing) -> dict[str, Any]:
    data = b.model_dump(mode="json")
    data.pop("provenance")
    return data


def test_a_batch_run_delivers_what_a_direct_run_delivers_with_one_request_per_distinct_article(tmp_path: Path) -> None:
    texts = _texts(3)
    texts.append(texts[0])  # a duplicate: no second request
    with BatchServer(gold) as server:
        out = _run(server, tmp_path / "run", texts)
        lines = (tmp_path / "run" / "requests-0001.jsonl").read_text().splitlines()
        assert server.count("POST", "/files") == 1 and server.count("POST", "/batches") == 1
        assert server.chat_bodies == []  # every first answer came through the batch
    ids = [json.loads(x)["custom_id"] for x in lines]
    assert len(ids) == 3 == len(set(ids))
    assert all(json.loads(x)["url"] == "/v1/chat/completions" for x in lines)
    assert all(isinstance(b, Briefing) for b in out)
    with ScriptedServer(responder=lambda _req: completion(gold_answer())) as direct:
        expected = summarize_many(texts, engine="llm", settings=settings_for(direct), dates=[ISIL_DATE] * 4)
    for got, want in zip(out, expected, strict=True):
        assert isinstance(got, Briefing) and isinstance(want, Briefing)
        assert _comparable(got) == _comparable(want)  # the same verification step, the same briefing
        assert got.validation is not None and got.validation.ok
        assert got.quotes and got.provenance is not None and got.provenance.engine == "llm"


def test_more_requests_than_a_batch_may_hold_go_in_several_batches(tmp_path: Path) -> None:
    texts = _texts(5)
    with BatchServer(gold) as server:
        settings = settings_for(server)
        pb = ProviderBatch(tmp_path / "run", settings, poll=FAST, limits=BatchLimits(max_requests=2))
        with pb.run(texts, dates=[ISIL_DATE] * 5) as results:
            out = list(summarize_stream(texts, answers=results, engine="llm", settings=settings, dates=[ISIL_DATE] * 5))
        assert [b.counts["total"] for b in server.batches.values()] == [2, 2, 1]
    assert sorted(p.name for p in (tmp_path / "run").glob("requests-*")) == [
        f"requests-000{n}.jsonl" for n in (1, 2, 3)
    ]
    assert all(isinstance(b, Briefing) for b in out)
    with pytest.raises(InputError, match="more than a batch file may hold"):
        ProviderBatch(tmp_path / "other", settings, limits=BatchLimits(max_bytes=1_000)).prepare(texts)


def test_custom_ids_are_stable_across_runs_and_derived_from_the_request(tmp_path: Path) -> None:
    texts = _texts(2)
    with BatchServer(gold) as server:
        s = settings_for(server, cache=False)
        a = write_requests(texts, tmp_path / "a.jsonl", settings=s, dates=[ISIL_DATE] * 2)
        b = write_requests(reversed(texts), tmp_path / "b.jsonl", settings=s, dates=[ISIL_DATE] * 2)
    ids_a = [json.loads(x)["custom_id"] for x in (tmp_path / "a.jsonl").read_text().splitlines()]
    ids_b = [json.loads(x)["custom_id"] for x in (tmp_path / "b.jsonl").read_text().splitlines()]
    assert a.requests == b.requests == 2 and ids_a == ids_b[::-1]
    first = json.loads((tmp_path / "a.jsonl").read_text().splitlines()[0])
    assert first["custom_id"] == custom_id(first["body"]) and first["body"]["model"] == "scripted-model"


def test_a_rerun_after_a_finished_batch_submits_nothing(tmp_path: Path) -> None:
    texts = _texts(2)
    with BatchServer(gold) as server:
        _run(server, tmp_path / "run", texts, cache=False)
        again = _run(server, tmp_path / "run", texts, cache=False)  # no cache: the run directory's results answer
        assert server.count("POST", "/batches") == 1 and server.count("POST", "/files") == 1
    assert all(isinstance(b, Briefing) and b.validation is not None and b.validation.ok for b in again)


def test_requests_the_batch_failed_are_asked_directly_and_said_so(tmp_path: Path) -> None:
    texts = _texts(3)

    def flaky(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if "desk 1." in article_of(body):
            return 500, {"error": {"message": "scripted server error", "type": "server_error"}}
        return gold(body)

    with BatchServer(flaky, chat=gold) as server:
        out = _run(server, tmp_path / "run", texts)
        assert len(server.chat_bodies) == 1 and "desk 1." in article_of(server.chat_bodies[0])
    assert all(isinstance(b, Briefing) for b in out)
    notes = out[1].provenance.notes if isinstance(out[1], Briefing) and out[1].provenance else []
    assert any("batch failed this request (HTTP 500: scripted server error); asked directly" in n for n in notes)


def test_an_expired_batch_reports_which_articles_came_back_and_a_rerun_asks_only_for_the_rest(tmp_path: Path) -> None:
    texts = _texts(4)
    with BatchServer(gold, end="expired", answered=2) as server:
        out = _run(server, tmp_path / "run", texts)
        done = [b for b in out if isinstance(b, Briefing)]
        missing = [e for e in out if isinstance(e, BatchResultMissingError)]
        assert len(done) == 2 and len(missing) == 2
        assert "batch_expired" in str(missing[0]) and "run the same command again to submit what is left" in str(
            missing[0]
        )
        server.end = "completed"
        again = _run(server, tmp_path / "run", texts)
        second = list(server.batches.values())[-1]
        assert len(server.batches) == 2 and second.counts["total"] == 2  # only what was missing
    assert all(isinstance(b, Briefing) for b in again)


def test_two_runs_on_one_batch_directory_are_refused(tmp_path: Path) -> None:
    import fcntl

    (tmp_path / "run").mkdir()
    with (tmp_path / "run" / ".lock").open("w") as held, BatchServer(gold) as server:
        fcntl.flock(held, fcntl.LOCK_EX)
        pb = ProviderBatch(tmp_path / "run", settings_for(server), poll=FAST)
        with pytest.raises(BatchError, match="another run is using"):
            pb.run(_texts(1), dates=[ISIL_DATE])
        assert server.log == [] or all(m == "GET" and p == "/models" for m, p in server.log)


def test_rate_limited_polls_are_retried_honouring_retry_after(tmp_path: Path) -> None:
    said: list[str] = []
    texts = _texts(1)
    with BatchServer(gold, poll_429=3) as server:
        settings = settings_for(server)
        pb = ProviderBatch(tmp_path / "run", settings, poll=FAST, report=said.append)
        with pb.run(texts, dates=[ISIL_DATE]) as results:
            out = list(summarize_stream(texts, answers=results, engine="llm", settings=settings, dates=[ISIL_DATE]))
    assert isinstance(out[0], Briefing)
    assert sum("429" in s and "retry-after" in s for s in said) == 3


def test_a_wait_that_times_out_keeps_the_state_and_the_next_run_collects(tmp_path: Path) -> None:
    texts = _texts(1)
    with BatchServer(gold, polls=50) as server:
        settings = settings_for(server)
        pb = ProviderBatch(tmp_path / "run", settings, poll=PollPolicy(interval=0.01, max_interval=0.01, timeout=0.05))
        with pytest.raises(BatchPendingError, match="run the same command again to collect it"):
            pb.run(texts, dates=[ISIL_DATE])
        server.polls = 0
        out = _run(server, tmp_path / "run", texts)
        assert len(server.batches) == 1
    assert isinstance(out[0], Briefing)


@pytest.mark.parametrize(
    "moment",
    ["POST /batches", "GET /batches/*", "GET /files/*/content"],  # created, not recorded / polling / downloading
)
def test_a_process_killed_at_any_moment_resumes_with_the_same_command_and_no_second_batch(
    tmp_path: Path, moment: str
) -> None:
    texts = _texts(2)
    run_dir = tmp_path / "run"
    (tmp_path / "texts.json").write_text(json.dumps(texts))
    script = textwrap.dedent(
        f"""
        import json, sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from summarizer.config import LLMSettings, RetryPolicy
        from summarizer.engines.llm.provider_batch import PollPolicy, ProviderBatch
        import datetime as dt
        texts = json.load(open({str(tmp_path / "texts.json")!r}))
        s = LLMSettings.from_env(base_url=sys.argv[1], model="scripted-model", retry=RetryPolicy(wait_scale=0.0))
        pb = ProviderBatch({str(run_dir)!r}, s, poll=PollPolicy(interval=0.0, max_interval=0.0))
        pb.run(texts, dates=[dt.date(2016, 10, 26)] * len(texts))
        print("finished")
        """
    )
    with BatchServer(gold) as server:
        env = {**os.environ, "OPENAI_API_KEY": "k"}
        child = subprocess.Popen([sys.executable, "-c", script, server.base_url], env=env, stdout=subprocess.PIPE)
        server.kill_at(moment, child.pid)
        out, _ = child.communicate(timeout=120)
        assert child.returncode == -9 and b"finished" not in out
        part = json.loads((run_dir / "batch.json").read_text())["parts"][0]
        if moment == "POST /batches":
            assert part["input_file_id"] and part["batch_id"] is None  # created, not recorded
        results = _run(server, run_dir, texts)
        assert len(server.batches) == 1 and server.count("POST", "/batches") == 1
        assert server.count("POST", "/files") == 1  # the request file went up once
    assert all(isinstance(b, Briefing) and b.validation is not None and b.validation.ok for b in results)
    assert not list(run_dir.glob(".*.tmp"))  # what a killed run left half-written is gone after the rerun


def test_a_fabricated_quote_in_a_batch_answer_gets_a_targeted_reask_at_the_endpoint(tmp_path: Path) -> None:
    def fabricate(data: dict[str, Any]) -> None:
        data["quotes"][0]["text"] = "We will never negotiate with anyone, ever."

    def answer(_body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 200, chat_body(gold_answer(edit=fabricate))

    def withdraw(_body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 200, chat_body(json.dumps({"withdrawn": ["quotes[0]"]}))

    texts = _texts(1)
    with BatchServer(answer, chat=withdraw) as server:
        out = _run(server, tmp_path / "run", texts)
        assert len(server.chat_bodies) == 1  # one targeted re-ask, sent directly
    b = out[0]
    assert isinstance(b, Briefing) and b.provenance is not None
    assert all("never negotiate" not in q.text.value for q in b.quotes)
    assert any(d.path.startswith("quotes[") for d in b.provenance.dropped)
    assert b.provenance.reasks == 1


def test_a_hostile_results_file_names_nothing_and_its_bad_lines_are_reported(tmp_path: Path) -> None:
    texts = _texts(1)
    with BatchServer(gold) as server:
        s = settings_for(server)
        write_requests(texts, tmp_path / "req.jsonl", settings=s, dates=[ISIL_DATE])
        line = json.loads((tmp_path / "req.jsonl").read_text())
        good = {"custom_id": line["custom_id"], "response": {"status_code": 200, "body": chat_body(gold_answer())}}
        evil = {"custom_id": "../../../../tmp/evil", "response": {"status_code": 200, "body": chat_body("{}")}}
        (tmp_path / "res.jsonl").write_text("not json\n" + json.dumps(evil) + "\n[1]\n" + json.dumps(good) + "\n")
        with Results([tmp_path / "res.jsonl"]) as results:
            assert results.bad_lines == 2 and results.problems[0].startswith("res.jsonl:1: not JSON")
            out = list(summarize_stream(texts, answers=results, engine="llm", settings=s, dates=[ISIL_DATE]))
    assert isinstance(out[0], Briefing)
    assert not Path("/tmp/evil").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["req.jsonl", "res.jsonl"]


def test_a_vllm_style_results_file_is_ingested(tmp_path: Path) -> None:
    """``vllm run-batch`` output: the completion may sit directly under ``response``."""
    texts = _texts(2)
    with BatchServer(gold) as server:
        s = settings_for(server)
        write_requests(texts, tmp_path / "req.jsonl", settings=s, dates=[ISIL_DATE] * 2)
        out_lines = []
        for n, raw in enumerate((tmp_path / "req.jsonl").read_text().splitlines()):
            req = json.loads(raw)
            body = chat_body(gold_answer())
            response = body if n == 0 else {"status_code": 200, "request_id": f"vllm-{n}", "body": body}
            out_lines.append(
                json.dumps({"id": f"vllm-{n}", "custom_id": req["custom_id"], "response": response, "error": None})
            )
        (tmp_path / "res.jsonl").write_text("\n".join(out_lines) + "\n")
        with Results([tmp_path / "res.jsonl"]) as results:
            out = list(summarize_stream(texts, answers=results, engine="llm", settings=s, dates=[ISIL_DATE] * 2))
        assert server.chat_bodies == []
    assert all(isinstance(b, Briefing) and b.validation is not None and b.validation.ok for b in out)


# --------------------------------------------------------------------------- the command line


def _articles(tmp_path: Path, n: int) -> list[str]:
    folder = tmp_path / "news"
    folder.mkdir()
    paths = []
    for k, text in enumerate(_texts(n)):
        (folder / f"story{k}.txt").write_text(text, encoding="utf-8")
        paths.append(str(folder / f"story{k}.txt"))
    return paths


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> Any:
    def point(server: BatchServer) -> None:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
        monkeypatch.setenv("SUMMARIZER_MODEL", "scripted-model")

    return point


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    from summarizer.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_batch_writes_the_outputs_of_a_normal_run_and_a_rerun_submits_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cli_env: Any
) -> None:
    paths = _articles(tmp_path, 3)
    args = ("brief", *paths, "--batch", "--batch-poll", "0", "--batch-dir", str(tmp_path / "b"), "--date", "2016-10-26")
    with BatchServer(gold) as server:
        cli_env(server)
        code, out, err = _cli(capsys, *args, "-f", "jsonl")
        assert code == 0, err
        records = [json.loads(x) for x in out.splitlines()]
        assert [r["ok"] for r in records] == [True] * 3 and "submitted: 3 request(s) (requests-0001.jsonl)" in err
        briefings = [Briefing.model_validate(r["briefing"]) for r in records]
        assert all(b.validation is not None and b.validation.ok and b.quotes for b in briefings)
        code, _, err = _cli(capsys, *args, "-f", "jsonl")
        assert code == 0 and len(server.batches) == 1 and server.chat_bodies == []
        code, _, err = _cli(capsys, *args, "--out-dir", str(tmp_path / "out"), "-f", "json")
        assert code == 0, err
    written = sorted(p.name for p in (tmp_path / "out").glob("story*.json"))
    assert len(written) == 3 and "sk-test" not in (tmp_path / "b" / "batch.json").read_text()


def test_cli_batch_file_then_batch_results_as_with_vllm_run_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cli_env: Any
) -> None:
    paths = _articles(tmp_path, 2)
    req, res = tmp_path / "requests.jsonl", tmp_path / "results.jsonl"
    with BatchServer(gold) as server:
        cli_env(server)
        code, out, err = _cli(capsys, "brief", *paths, "--batch-file", str(req), "--date", "2016-10-26")
        assert code == 0 and out == "" and "vllm run-batch -i" in err and "--batch-results" in err
        lines = [json.loads(x) for x in req.read_text().splitlines()]
        answered = [
            {"id": f"r{n}", "custom_id": x["custom_id"], "response": {"status_code": 200, "body": gold(x["body"])[1]}}
            for n, x in enumerate(lines)
        ]
        res.write_text("".join(json.dumps(a) + "\n" for a in answered))
        code, out, err = _cli(
            capsys, "brief", *paths, "--batch-results", str(res), "--date", "2016-10-26", "-f", "jsonl"
        )
        assert code == 0, err
        assert server.count("POST", "/") == 0  # nothing asked: every answer came from the file
    assert [json.loads(x)["ok"] for x in out.splitlines()] == [True, True]


def test_cli_batch_wait_exits_3_and_the_rerun_collects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cli_env: Any
) -> None:
    paths = _articles(tmp_path, 1)
    args = ("brief", *paths, "--batch", "--batch-poll", "0", "--batch-dir", str(tmp_path / "b"), "--date", "2016-10-26")
    with BatchServer(gold, polls=10_000) as server:
        cli_env(server)
        code, out, err = _cli(capsys, *args, "--batch-wait", "0")
        assert code == 3 and out == "" and "run the same command again to collect it" in err
        server.polls = 0
        code, out, err = _cli(capsys, *args)
        assert code == 0 and "resuming from" in err and len(server.batches) == 1


@pytest.mark.parametrize(
    "extra",
    [("--batch", "--batch-file", "x.jsonl"), ("--batch-id", "b-1"), ("--batch", "--engine", "rules")],
)
def test_cli_batch_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...]
) -> None:
    paths = _articles(tmp_path, 1)
    code, _, err = _cli(capsys, "brief", *paths, *extra)
    assert code == 2 and "--batch" in err


def test_the_request_timeout_comes_from_the_option_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer.config import LLMSettings
    from summarizer.errors import ConfigurationError

    monkeypatch.setenv("SUMMARIZER_TIMEOUT", "2.5")
    assert LLMSettings.from_env().timeout == 2.5
    assert LLMSettings.from_env(timeout=7.0).timeout == 7.0  # an explicit argument wins
    monkeypatch.setenv("SUMMARIZER_TIMEOUT", "soon")
    with pytest.raises(ConfigurationError, match="SUMMARIZER_TIMEOUT='soon' is not a number of seconds"):
        LLMSettings.from_env()
    monkeypatch.delenv("SUMMARIZER_TIMEOUT")
    assert LLMSettings.from_env(timeout=None).timeout == 60.0
