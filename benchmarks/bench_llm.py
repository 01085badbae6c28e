"""Benchmarks of the LLM engine against a loopback Chat Completions server (scripted answers).

    .venv/bin/python benchmarks/bench_llm.py [--quick]

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
import json
import math
import statistics
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


def bench_single(runs: int, *, coverage: bool) -> None:
    answer = completion(gold_answer())
    with tempfile.TemporaryDirectory() as tmp, ScriptedServer(responder=lambda r: answer) as server:
        settings = _settings(server, Path(tmp), coverage=coverage)
        summarize(thousand_words(-1), engine="llm", date=ISIL_DATE, settings=settings)  # warm imports, clients
        total: list[float] = []
        own: list[float] = []
        texts = [thousand_words(i) for i in range(runs)]
        for text in texts:
            busy = server.busy_seconds
            t0 = time.perf_counter()
            b = summarize(text, engine="llm", date=ISIL_DATE, settings=settings)
            dt_ = time.perf_counter() - t0
            total.append(dt_)
            own.append(dt_ - (server.busy_seconds - busy))
            assert b.validation is not None and b.validation.ok and not b.provenance.cached  # type: ignore[union-attr]
        hits: list[float] = []
        for text in texts:
            t0 = time.perf_counter()
            b = summarize(text, engine="llm", date=ISIL_DATE, settings=settings)
            hits.append(time.perf_counter() - t0)
            assert b.provenance is not None and b.provenance.cached
    words = len(texts[0].split())
    spans = sum(1 for _ in json.dumps(json.loads(gold_answer())).split('"evidence"')) - 1
    audit = "with" if coverage else "without"
    print(
        f"\n### 1. Library time per article ({words} words, {runs} cold articles, cache on, {audit} coverage audit)\n"
    )
    print(f"- end to end, instant loopback server: {_ms(total)}")
    print(f"- minus the server's own handling time: {_ms(own)}")
    print(f"  (answer: {len(gold_answer())} characters of JSON, {spans} explicit evidence strings)")
    print(f"\n### 2. Cache hit, end to end ({audit} coverage audit)\n")
    print(f"- {_ms(hits)} ({runs} hits)")


# --------------------------------------------------------------------------- 3


async def _batch(texts: list[str], answer: str, latency: float, concurrency: int) -> tuple[float, int]:
    reply = completion(answer, delay=latency)
    with ScriptedServer(responder=lambda r: reply) as server:
        settings = _settings(server, None)
        t0 = time.perf_counter()
        results = await asummarize_many(
            texts, settings=settings, concurrency=concurrency, dates=[ISIL_DATE] * len(texts)
        )
        elapsed = time.perf_counter() - t0
    failures = sum(1 for r in results if isinstance(r, Exception))
    return elapsed, failures


def bench_batch(n: int, latency: float, concurrency: int) -> None:
    ideal = n * latency / concurrency
    print(f"\n### 3. summarize_many: {n} articles, {latency * 1e3:.0f} ms latency, concurrency {concurrency}\n")
    print(f"Ideal: N x latency / concurrency = {ideal:.3f} s.\n")
    print("| articles | answer | elapsed | throughput vs ideal | CPU per article (est.) |")
    print("|---|---|---:|---:|---:|")
    short = [f"Mayor {i} met the council in Lenz on Monday, officials said." for i in range(n)]
    small = json.dumps({"locations": [{"name": {"value": "Lenz"}, "kind": "town"}]})
    for label, texts, answer in [
        ("one sentence", short, small),
        ("1,000 words", [thousand_words(i) for i in range(n)], gold_answer()),
    ]:
        elapsed, failures = asyncio.run(_batch(texts, answer, latency, concurrency))
        cpu = max(0.0, elapsed - ideal) / n
        note = "" if not failures else f" ({failures} failed)"
        print(
            f"| {label}{note} | {len(answer)} chars | {elapsed:.3f} s | {100 * ideal / elapsed:.1f} % "
            f"| {1e3 * cpu:.2f} ms |"
        )


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
    args = parser.parse_args()
    print("## LLM engine benchmark (scripted answers from a loopback server)")
    bench_single(20 if args.quick else 100, coverage=False)
    bench_single(20 if args.quick else 100, coverage=True)
    bench_batch(100 if args.quick else 500, 0.2, 32)
    bench_prompts()


if __name__ == "__main__":
    main()
