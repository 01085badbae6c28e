"""Replay of the whole fixture set through the LLM engine (issue 10): target under 5 s.

    .venv/bin/python benchmarks/bench_replay.py [--repeat N]

Every fixture article with a recording under ``fixtures/recordings`` is briefed by the
LLM engine in replay mode (no endpoint: nothing listens at the base URL, so a request
sent anywhere would fail), with its ``meta.json`` date: once as one ``summarize_many``
batch and once as a loop of ``summarize()`` calls, each timed end to end (engine set-up,
reading the recordings, parsing, re-asks, grounding, validation, coverage audit). The
answers replayed are SCRIPTED (the gold briefings; see fixtures/tools/script_recordings.py).
"""

from __future__ import annotations

import argparse
import gc
import socket
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORDINGS = ROOT / "fixtures" / "recordings"
sys.path.insert(0, str(ROOT))

from summarizer import Briefing, LLMSettings, summarize, summarize_many  # noqa: E402
from summarizer.evals import Fixture, fixtures_root, load_fixture  # noqa: E402


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def _fixtures() -> list[Fixture]:
    return [load_fixture(fixtures_root() / p.name) for p in sorted(RECORDINGS.iterdir()) if p.is_dir()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    fxs = _fixtures()
    settings = LLMSettings(recordings_dir=RECORDINGS, recording_mode="replay", base_url=_closed_port_url())
    texts, dates = [f.text for f in fxs], [f.meta.date for f in fxs]
    summarize(fxs[0].text, engine="llm", date=dates[0], settings=settings)  # warm imports
    batch: list[float] = []
    loop: list[float] = []
    exchanges = 0
    for _ in range(args.repeat):
        gc.collect()
        t0 = time.perf_counter()
        results = summarize_many(texts, engine="llm", dates=dates, settings=settings)
        batch.append(time.perf_counter() - t0)
        assert all(isinstance(r, Briefing) for r in results), results
        exchanges = sum(r.provenance.attempts for r in results if isinstance(r, Briefing) and r.provenance)
        gc.collect()
        t0 = time.perf_counter()
        for f in fxs:
            summarize(f.text, engine="llm", date=f.meta.date, settings=settings)
        loop.append(time.perf_counter() - t0)
    words = sum(len(t.split()) for t in texts)
    print(f"{len(fxs)} fixtures, {words:,} words, {exchanges} replayed exchanges; {args.repeat} runs\n")
    print("| how | median | min | max | per article |")
    print("|---|---:|---:|---:|---:|")
    for label, xs in (("summarize_many (one batch)", batch), ("summarize() per article", loop)):
        med = statistics.median(xs)
        print(f"| {label} | {med:.3f} s | {min(xs):.3f} s | {max(xs):.3f} s | {1e3 * med / len(fxs):.1f} ms |")
    print(f"\ntarget: under 5 s for the whole set: {'met' if max(max(batch), max(loop)) < 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
