"""A provider batch of many small articles: request-file writing and result ingestion, time and peak memory.

    python benchmarks/bench_provider_batch.py [--sizes 10000,100000] [--window 256] [--concurrency 8]

Builds N distinct one-paragraph articles, each with one direct quote and its speaker,
then, each phase in a fresh child process (so its peak RSS is its own):

1. **requests**: :func:`summarizer.engines.llm.provider_batch.write_requests` streams the
   articles into the request file (the first request of each, as a direct run would
   send it; custom_id = the hash of the body);
2. a stand-in for the provider (not timed as ours) answers every line with a
   **scripted** answer (the article's quote and speaker as a model would return them,
   no model runs) into a results file in the Batch API's output format;
3. **ingestion**: :class:`~summarizer.engines.llm.batchfiles.Results` indexes the
   results file and :func:`summarizer.summarize_stream` (``answers=``) briefs every
   article from it, ``--window`` articles at a time: parse, ground, validate, coverage,
   verify, as a direct run does. Nothing is sent anywhere (the endpoint is a closed port:
   a request that went out would fail the article, and the counts would show it).

Reports per size: time, articles per second, and the child's peak RSS (``ru_maxrss``)
against the same child's RSS after its imports; the cache is off (each answer is
verified, none is served from a store).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NAMES = ["Anna Berg", "Tomas Ruiz", "Leila Haddad", "Piotr Nowak", "Grace Mensah", "Ivo Petrov", "Sara Lind"]
PLACES = ["KESTREL", "VAHRAN", "ODESSA", "TIRANA", "KUMASI", "BERGEN", "SEVILLE"]


def article(k: int) -> tuple[str, dict[str, object]]:
    """Article k and the draft a perfect model would answer for it."""
    name, place = NAMES[k % len(NAMES)], PLACES[k % len(PLACES)]
    quote = f"We will reopen crossing number {k} within {k % 9 + 2} days,"
    text = (
        f"{place}, Nov. 2 (Reuters) - \u201c{quote}\u201d Interior Minister {name} said on Tuesday, "
        f"after talks on checkpoint {k} ended without a deal.\n"
    )
    draft = {
        "quotes": [
            {
                "text": quote,
                "kind": "direct",
                "speaker": {"value": name, "evidence": name},
                "speaker_kind": "person",
                "cue": "said",
            }
        ]
    }
    return text, draft


def texts(n: int):
    for k in range(n):
        yield article(k)[0]


SETTINGS = """
from summarizer.config import LLMSettings, Mode
settings = LLMSettings(base_url="http://127.0.0.1:9/v1", model="bench-model", api_key="k", mode=Mode.MD_JSON,
                       cache=False, coverage=True)
"""

WRITE = (
    SETTINGS
    + """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from benchmarks.bench_provider_batch import texts
from summarizer.engines.llm.provider_batch import write_requests
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
req = write_requests(texts(int(sys.argv[2])), sys.argv[3], settings=settings)
wall = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": wall, "requests": req.requests, "base_kb": base, "peak_kb": peak}))
"""
)

INGEST = (
    SETTINGS
    + """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from benchmarks.bench_provider_batch import texts
from summarizer.engines.llm.batchfiles import Results
from summarizer import summarize_stream
from summarizer.schema import Briefing
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
ok = verified = failed = 0
with Results([sys.argv[3]]) as results:
    indexed = time.perf_counter() - t
    for b in summarize_stream(texts(int(sys.argv[2])), answers=results, engine="llm", settings=settings,
                              window=int(sys.argv[4]), concurrency=int(sys.argv[5])):
        if isinstance(b, Briefing):
            ok += 1
            verified += bool(b.quotes) and b.validation is not None and b.validation.ok and not b.provenance.dropped
        else:
            failed += 1
wall = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": wall, "index_seconds": indexed, "ok": ok, "verified": verified, "failed": failed,
                  "base_kb": base, "peak_kb": peak}))
"""
)


def answer_all(requests: Path, results: Path) -> int:
    """The provider's part: one scripted answer per request line, in the Batch API's output format."""
    n = 0
    with requests.open(encoding="utf-8") as src, results.open("w", encoding="utf-8") as out:
        for raw in src:
            line = json.loads(raw)
            content = line["body"]["messages"][-1]["content"]
            k = int(content.split("crossing number ", 1)[1].split(" ", 1)[0])
            body = {
                "id": f"chatcmpl-{n}",
                "object": "chat.completion",
                "created": 1_700_000_000,
                "model": "bench-model",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": json.dumps(article(k)[1])},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 100, "completion_tokens": 40, "total_tokens": 140},
            }
            record = {"id": f"req-{n}", "custom_id": line["custom_id"], "response": {"status_code": 200, "body": body}}
            out.write(json.dumps(record) + "\n")
            n += 1
    return n


def child(script: str, *args: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run([sys.executable, "-c", script, str(ROOT), *args], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--window", type=int, default=256)
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            req, res = Path(tmp) / f"req-{n}.jsonl", Path(tmp) / f"res-{n}.jsonl"
            w = child(WRITE, str(n), str(req))
            t = time.perf_counter()
            answered = answer_all(req, res)
            provider = time.perf_counter() - t
            i = child(INGEST, str(n), str(res), str(args.window), str(args.concurrency))
            rows.append((n, w, i, answered, provider, req.stat().st_size, res.stat().st_size))
            print(f"done {n}: write {w['seconds']:.1f}s, ingest {i['seconds']:.1f}s", file=sys.stderr)
    print("| articles | phase | time | articles/s | peak RSS | RSS after imports | growth | notes |")
    print("|---:|---|---:|---:|---:|---:|---:|---|")
    for n, w, i, answered, provider, req_bytes, res_bytes in rows:
        for name, r, note in (
            ("request file", w, f"{w['requests']:,} lines, {req_bytes / 1e6:.0f} MB"),
            (
                "ingestion",
                i,
                f"{i['ok']:,} briefed, {i['verified']:,} fully verified, {i['failed']:,} failed; "
                f"index of {res_bytes / 1e6:.0f} MB of results {i['index_seconds']:.1f}s",
            ),
        ):
            mb, base = r["peak_kb"] / 1024, r["base_kb"] / 1024
            print(
                f"| {n:,} | {name} | {r['seconds']:.1f} s | {n / r['seconds']:,.0f} | {mb:.0f} MB | {base:.0f} MB "
                f"| {mb - base:.0f} MB | {note} |"
            )
        print(f"| {n:,} | (provider stand-in) | {provider:.1f} s | | | | | {answered:,} scripted answers |")


if __name__ == "__main__":
    main()
