"""Benchmarks of the LLM engine against a loopback Chat Completions server (scripted answers).

    .venv/bin/python benchmarks/bench_llm.py [--quick] [--only single|phases|batch|floor|prompts]

1. The library's own time per ~1,000-word article with an instant server: prompt
   building, HTTP client, parsing, locating, validating, cache write. Reported end
   to end and minus the server's own handling time.
2. A cache hit, end to end (``summarize()`` call to briefing).
3. ``summarize_many`` of 500 articles, server latency 200 ms, concurrency 32, against
   the ideal ``N x latency / concurrency``: short articles with small answers (the
   batching machinery) and 1,000-word articles with full answers (CPU included).
4. Prompt overhead per prompt version and mode (everything in the request except
   the article) and the cost of a re-ask both ways (targeted vs full), in tokens.

No tokenizer ships with the project, so tokens are *estimated* as ceil(characters / 4),
the usual rule of thumb for English text and JSON with OpenAI's tokenizers; the
numbers are comparable with each other, not exact for any one model.

Every answer is SCRIPTED (the fixture's gold briefing as a model would return it).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from loopback import (  # noqa: E402
    ISIL_DATE,
    Request,
    ScriptedServer,
    completion,
    gold_answer,
    isil_text,
    request_article,
)

from summarizer import LLMSettings, RetryPolicy, asummarize_many, summarize  # noqa: E402
from summarizer.config import Mode  # noqa: E402


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / 4)


def _filler() -> list[str]:
    other = ROOT / "fixtures" / "articles" / "daravan-weekly-sitrep" / "article.txt"
    return [p for p in other.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def thousand_words(i: int) -> str:
    """The fixture article padded to ~1,000 words with another fixture's paragraphs, made unique by ``i``."""
    text = isil_text()
    for p in _filler():
        if len(text.split()) >= 1_000:
            break
        text += "\n\n" + p
    return f"{text}\n\nEditor's note {i}."


def _settings(server: ScriptedServer, cache_dir: Path | None, **kw: Any) -> LLMSettings:
    return LLMSettings.from_env(
        base_url=server.base_url,
        model="scripted-model",
        cache_dir=cache_dir,
        cache=cache_dir is not None,
        retry=RetryPolicy(wait_scale=0.0),
        **kw,
    )


def _ms(xs: list[float]) -> str:
    xs = sorted(xs)
    return f"median {1e3 * statistics.median(xs):.2f} ms, p90 {1e3 * xs[int(0.9 * (len(xs) - 1))]:.2f} ms"


# --------------------------------------------------------------------------- 1 + 2


def _quotes_only(data: dict[str, Any]) -> None:
    for kind in ("meetings", "front_lines", "incidents", "locations", "summary"):
        data.pop(kind, None)


ANSWERS = {
    "gold, all fields": lambda: gold_answer(),
    "gold quotes only": lambda: gold_answer(edit=_quotes_only),
}


def bench_single(runs: int) -> None:
    words = len(thousand_words(0).split())
    print(f"\n### 1-2. Library time per article ({words} words, {runs} new articles, cache on) and cache hits\n")
    print('Instant loopback server; "own" subtracts the server\'s handling time. Each article is new (a miss).\n')
    print("| answer | checked fields | coverage audit | end to end | own | cache hit, end to end |")
    print("|---|---:|---|---|---|---|")
    for label, make in ANSWERS.items():
        for coverage in (False, True):
            if coverage and label != "gold, all fields":
                continue
            _single_row(label, make(), runs, coverage=coverage)


def _single_row(label: str, answer_text: str, runs: int, *, coverage: bool) -> None:
    answer = completion(answer_text)
    with tempfile.TemporaryDirectory() as tmp, ScriptedServer(responder=lambda r: answer) as server:
        settings = _settings(server, Path(tmp), coverage=coverage)
        summarize(thousand_words(-1), engine="llm", date=ISIL_DATE, settings=settings)  # warm imports, clients
        total: list[float] = []
        own: list[float] = []
        texts = [thousand_words(i) for i in range(runs)]
        fields = 0
        gc.collect()  # start from a collected heap, as timeit does
        for text in texts:
            busy = server.busy_seconds
            t0 = time.perf_counter()
            b = summarize(text, engine="llm", date=ISIL_DATE, settings=settings)
            elapsed = time.perf_counter() - t0
            total.append(elapsed)
            own.append(elapsed - (server.busy_seconds - busy))
            assert b.validation is not None and b.validation.ok and not b.provenance.cached  # type: ignore[union-attr]
            fields = b.validation.fields_checked
        hits: list[float] = []
        for text in texts:
            t0 = time.perf_counter()
            b = summarize(text, engine="llm", date=ISIL_DATE, settings=settings)
            hits.append(time.perf_counter() - t0)
            assert b.provenance is not None and b.provenance.cached
    audit = "on" if coverage else "off"
    print(f"| {label} | {fields} | {audit} | {_ms(total)} | {_ms(own)} | {_ms(hits)} |")


def bench_phases(runs: int) -> None:
    """Where the time of one miss goes (gold answer, all fields, no coverage audit)."""
    import instructor
    import openai
    from openai.types.chat import ChatCompletion

    from summarizer.engines.llm.chunking import Piece
    from summarizer.engines.llm.draft import Draft, to_briefing
    from summarizer.engines.llm.engine import LLMEngine, _Run
    from summarizer.engines.llm.loop import Tally
    from summarizer.engines.llm.prompts import load_prompts
    from summarizer.engines.llm.structured import Structured
    from summarizer.locate import ground
    from summarizer.validate import validate

    reply = completion(gold_answer())
    prompts = load_prompts()
    shaper = Structured(instructor.Mode.MD_JSON, strict=False)
    phases: dict[str, list[float]] = {}

    def tick(name: str, t0: float) -> float:
        now = time.perf_counter()
        phases.setdefault(name, []).append(now - t0)
        return now

    with tempfile.TemporaryDirectory() as tmp, ScriptedServer(responder=lambda r: reply) as server:
        engine = LLMEngine(_settings(server, Path(tmp), coverage=False))  # for its cache write
        client = openai.OpenAI(api_key="k", base_url=server.base_url, max_retries=0)
        ic = instructor.from_openai(client, mode=instructor.Mode.MD_JSON)
        for i in range(runs + 3):
            text = thousand_words(1000 + i)
            t = time.perf_counter()
            msgs = list(prompts.extract_messages(text, ISIL_DATE))
            raw = client.chat.completions.create(model="m", messages=msgs)  # type: ignore[arg-type]
            t = tick("HTTP + JSON of the answer (openai create, no instructor)", t)
            Draft.model_validate_json(raw.choices[0].message.content or "")
            t = tick("parse into the Draft (pydantic alone)", t)
            ic.create_with_completion(model="m", messages=msgs, response_model=Draft, max_retries=0, strict=False)
            t = tick("the same request through instructor's patched create (before)", t)
            prepared, kwargs = shaper.request(msgs, Draft)
            body = {"model": "m", "temperature": 0.0, "max_tokens": 4096, **kwargs}
            completion_ = client.post("/chat/completions", body=body, cast_to=ChatCompletion)
            draft = shaper.parse(completion_, prepared)
            t = tick("the same request as the library sends it (shaped once, POST, instructor's parser)", t)
            assert isinstance(draft, Draft)
            b = to_briefing(draft, text, article_date=ISIL_DATE)
            t = tick("draft -> briefing", t)
            g = ground(b, text)
            t = tick("ground (locate evidence)", t)
            report = validate(g, text)
            t = tick("validate", t)
            run = _Run([Piece(0, len(text), draft)], Tally(responses=[completion_.model_dump(mode="json")]))
            assert report is not None
            engine._store_chunk(text, 0, len(text), ISIL_DATE, run)
            tick("cache write (raw answer, draft)", t)
        client.close()
    print(f"\nWhere a miss spends its time (gold answer, medians of {runs} articles):\n")
    print("| step | median |")
    print("|---|---:|")
    for name, xs in phases.items():
        print(f"| {name} | {1e3 * statistics.median(xs[3:]):.2f} ms |")


# --------------------------------------------------------------------------- 3


class _ChildServer:
    """The loopback server in its own process, so that it does not share the client's GIL."""

    def __init__(self, answer: str, latency: float) -> None:
        args = json.dumps({"answer": answer, "latency": latency})
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().strip()

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def serve(args: str) -> None:
    spec = json.loads(args)
    reply = completion(spec["answer"], delay=spec["latency"])
    with ScriptedServer(responder=lambda r: reply) as server:
        print(server.base_url, flush=True)
        sys.stdin.read()  # until the parent closes our stdin


async def _batch(
    texts: list[str], answer: str, latency: float, concurrency: int, *, coverage: bool
) -> tuple[float, int]:
    server = _ChildServer(answer, latency)
    try:
        settings = LLMSettings.from_env(
            base_url=server.base_url, model="scripted-model", cache=False, coverage=coverage
        )
        # Not timed: a small batch first (first-use imports and code paths of the async
        # client), then a collected heap to start from, as timeit does.
        await asummarize_many(texts[:concurrency], settings=settings, concurrency=concurrency)
        gc.collect()
        t0 = time.perf_counter()
        results = await asummarize_many(
            texts, settings=settings, concurrency=concurrency, dates=[ISIL_DATE] * len(texts)
        )
        elapsed = time.perf_counter() - t0
    finally:
        server.close()
    failures = sum(1 for r in results if isinstance(r, Exception))
    return elapsed, failures


def bench_batch(n: int, latency: float, concurrency: int) -> None:
    ideal = n * latency / concurrency
    print(f"\n### 3. summarize_many: {n} articles, {latency * 1e3:.0f} ms latency, concurrency {concurrency}\n")
    print(f"Ideal: N x latency / concurrency = {ideal:.3f} s. Cache off (every article is a miss).")
    print("The server runs in a child process (it would otherwise share the client's GIL).")
    print("Each timed batch follows an untimed warm-up batch of `concurrency` articles and gc.collect().\n")
    print("| articles | answer | coverage audit | elapsed | throughput vs ideal | CPU per article (est.) |")
    print("|---|---|---|---:|---:|---:|")
    short = [f"Mayor {i} met the council in Lenz on Monday, officials said." for i in range(n)]
    small = json.dumps({"locations": [{"name": {"value": "Lenz"}, "kind": "town"}]})
    for label, texts, answer, coverage in [
        ("one sentence", short, small, False),
        ("one sentence", short, small, True),
        ("1,000 words", [thousand_words(i) for i in range(n)], gold_answer(), False),
        ("1,000 words", [thousand_words(i) for i in range(n)], gold_answer(), True),
    ]:
        elapsed, failures = asyncio.run(_batch(texts, answer, latency, concurrency, coverage=coverage))
        cpu = max(0.0, elapsed - ideal) / n
        note = "" if not failures else f" ({failures} failed)"
        print(
            f"| {label}{note} | {len(answer)} chars | {'on' if coverage else 'off'} | {elapsed:.3f} s "
            f"| {100 * ideal / elapsed:.1f} % | {1e3 * cpu:.2f} ms |"
        )


async def _floor_run(url: str, texts: list[str], kind: str, mode: Any, concurrency: int) -> float:
    """Seconds for ``texts``: bare openai ("sdk", "sdk+aiohttp"), instructor's patched create ("instructor")."""
    import instructor
    import openai

    from summarizer.engines.llm.draft import Draft
    from summarizer.engines.llm.prompts import load_prompts

    prompts = load_prompts()
    sem = asyncio.Semaphore(concurrency)
    http = {"http_client": openai.DefaultAioHttpClient()} if kind == "sdk+aiohttp" else {}
    async with openai.AsyncOpenAI(api_key="k", base_url=url, max_retries=0, **http) as client:
        ic = instructor.from_openai(client, mode=mode) if kind == "instructor" else None

        async def one(text: str) -> object:
            msgs: Any = list(prompts.extract_messages(text, None))
            async with sem:
                if ic is None:
                    return await client.chat.completions.create(model="m", messages=msgs)
                return await ic.create_with_completion(
                    model="m", messages=msgs, response_model=Draft, max_retries=0, strict=False
                )

        t0 = time.perf_counter()
        await asyncio.gather(*(one(t) for t in texts))
        return time.perf_counter() - t0


def bench_floor(n: int, concurrency: int) -> None:
    """Client CPU per request with no latency: the SDK alone, instructor, the whole library."""
    import instructor

    small = json.dumps({"locations": [{"name": {"value": "Lenz"}, "kind": "town"}]})
    texts = [f"Mayor {i} met the council in Lenz on Monday, officials said." for i in range(n)]
    server = _ChildServer(small, 0.0)
    rows: list[tuple[str, float]] = []
    try:
        for _ in range(2):  # the first round warms up; the second is reported
            rows = []
            for label, kind, mode in [
                ("openai AsyncOpenAI alone (httpx2 transport)", "sdk", None),
                ("openai AsyncOpenAI alone (aiohttp transport)", "sdk+aiohttp", None),
                ("instructor's patched create, md_json", "instructor", instructor.Mode.MD_JSON),
                ("instructor's patched create, json_schema", "instructor", instructor.Mode.JSON_SCHEMA),
            ]:
                rows.append((label, asyncio.run(_floor_run(server.base_url, texts, kind, mode, concurrency))))
            for coverage in (False, True):
                settings = LLMSettings.from_env(base_url=server.base_url, model="m", cache=False, coverage=coverage)
                gc.collect()
                t0 = time.perf_counter()
                asyncio.run(asummarize_many(texts, settings=settings, concurrency=concurrency))
                audit = "on" if coverage else "off"
                rows.append((f"summarizer asummarize_many (md_json, coverage {audit})", time.perf_counter() - t0))
    finally:
        server.close()
    print(f"\nClient time per request with an instant server ({n} one-sentence articles, concurrency {concurrency}):\n")
    print("| client | per request |")
    print("|---|---:|")
    for label, elapsed in rows:
        print(f"| {label} | {1e3 * elapsed / n:.2f} ms |")


# --------------------------------------------------------------------------- 4


def _overhead(req: Request) -> tuple[int, int]:
    """(estimated tokens of everything except the article, of the article)."""
    body = dict(req.body)
    article = request_article(req)
    rest = json.dumps({k: v for k, v in body.items() if k != "messages"}, ensure_ascii=False)
    text = "".join(str(m.get("content") or "") for m in body["messages"]) + rest
    return estimate_tokens(text) - estimate_tokens(article), estimate_tokens(article)


def bench_prompts() -> None:
    print("\n### 4. Prompt overhead (estimated tokens: ceil(chars / 4))\n")
    print("| prompt | mode | overhead (instructions + schema + examples) | article |")
    print("|---|---|---:|---:|")
    text = isil_text()
    for mode in Mode:
        with tempfile.TemporaryDirectory() as tmp, ScriptedServer([completion(gold_answer())]) as server:
            b = summarize(text, engine="llm", date=ISIL_DATE, settings=_settings(server, Path(tmp), mode=mode))
            over, art = _overhead(server.requests[0])
        print(f"| {b.provenance.prompt_id if b.provenance else '?'} | {mode.value} | {over} | {art} |")
    bench_reasks(text)


def _fabricate(data: dict[str, Any]) -> None:
    data["quotes"][1]["text"] = "We will hold every bridge until the city is free"


def bench_reasks(text: str) -> None:
    gold = json.loads(gold_answer())
    fix = json.dumps({"quotes": [{"ref": "quotes[1]", **gold["quotes"][1]}]})
    rows = []
    for strategy, second in (("targeted", fix), ("full", gold_answer())):
        script = [completion(gold_answer(edit=_fabricate)), completion(second)]
        with tempfile.TemporaryDirectory() as tmp, ScriptedServer(script) as server:
            settings = _settings(server, Path(tmp), reask_strategy=strategy, mode="md_json")
            b = summarize(text, engine="llm", date=ISIL_DATE, settings=settings)
            assert b.validation is not None and b.validation.ok
            req = server.requests[1]
        prompt = estimate_tokens(json.dumps(req.body, ensure_ascii=False))
        rows.append((strategy, prompt, estimate_tokens(second)))
    print("\nOne hallucinated quote, one re-ask round (md_json mode), estimated tokens of the re-ask:\n")
    print("| strategy | re-ask prompt | re-ask answer | total |")
    print("|---|---:|---:|---:|")
    for strategy, p, c in rows:
        print(f"| {strategy} | {p} | {c} | {p + c} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, a smaller batch")
    parser.add_argument(
        "--only", choices=["single", "phases", "batch", "floor", "prompts"], help="run one part (default: all)"
    )
    parser.add_argument("--serve", help=argparse.SUPPRESS)  # internal: run the batch server (child process)
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve)
    print("## LLM engine benchmark (scripted answers from a loopback server)")
    parts = {
        "single": lambda: bench_single(20 if args.quick else 100),
        "phases": lambda: bench_phases(20 if args.quick else 100),
        "batch": lambda: bench_batch(100 if args.quick else 500, 0.2, 32),
        "floor": lambda: bench_floor(100 if args.quick else 300, 32),
        "prompts": bench_prompts,
    }
    for name, run in parts.items():
        if args.only in (None, name):
            run()


if __name__ == "__main__":
    main()
