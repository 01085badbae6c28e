"""The client's CPU per LLM answer once the HTTP response is in (issue 11).

    .venv/bin/python benchmarks/bench_client_cpu.py [--runs N] [--warmup N] [--profile]

The answer is the gold briefing of the first fixture as a model would return it
(``bench_llm.py``'s "gold, all fields", 153 checked fields), on the ~1,000-word article
``bench_llm.thousand_words`` builds; every repetition is a new article (a new string,
so nothing memoised for an earlier text is reused), as in a batch. Per repetition, the
steps the engine runs after the response arrives, in its order:

1. *parse*: the completion (as the openai client returns it) parsed into the Draft by
   the mode's parser (``Structured.parse``), and the completion dumped for the tally
   (``transport._dump``, the raw answer the cache stores);
2. *draft -> briefing* (``draft.to_briefing``);
3. *ground* (``locate.ground``: evidence found in the text);
4. *validate* (``validate.validate``);
5. *coverage audit* (``coverage.audit``) of what is kept;
6. *verify*: ``verify.verify`` with the report already computed (the engine passes
   the re-ask loop's) and the audit off: the filtering, the notes, the copies.

Each step is timed as process CPU time (``time.process_time``); the table gives the
median over the repetitions after ``--warmup`` untimed ones, per step and for the sum.
``--profile`` runs the same loop under cProfile instead and prints the top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_llm import thousand_words  # noqa: E402
from loopback import ISIL_DATE, completion, gold_answer  # noqa: E402
from openai.types.chat import ChatCompletion  # noqa: E402

from summarizer import LLMSettings  # noqa: E402
from summarizer.coverage import audit  # noqa: E402
from summarizer.engines.llm.client import structured  # noqa: E402
from summarizer.engines.llm.draft import Draft, to_briefing  # noqa: E402
from summarizer.engines.llm.transport import _dump  # noqa: E402
from summarizer.locate import ground  # noqa: E402
from summarizer.schema import Briefing, Provenance  # noqa: E402
from summarizer.validate import validate  # noqa: E402
from summarizer.verify import verify  # noqa: E402

STEPS = ("parse", "draft -> briefing", "ground", "validate", "coverage audit", "verify (filter, notes)")


def _one(text: str, reply: ChatCompletion, shaper: Any, prepared: type[Any], clock: Callable[[], float]) -> list[float]:
    """The steps of one answer on ``text``; CPU seconds per step (and the result, checked)."""
    times: list[float] = []
    t = clock()
    draft = shaper.parse(reply, prepared)
    _dump(reply)
    t = _lap(times, t, clock)
    assert isinstance(draft, Draft)
    briefing = to_briefing(draft, text, article_date=ISIL_DATE)
    t = _lap(times, t, clock)
    grounded = ground(briefing, text)
    t = _lap(times, t, clock)
    report = validate(grounded, text)
    t = _lap(times, t, clock)
    kept = grounded.verified(report) if report.errors else grounded
    audit(kept, text)
    t = _lap(times, t, clock)
    prov = Provenance(engine="llm", model="scripted-model", cached=False)
    out = verify(grounded.model_copy(update={"provenance": prov}), text, report=report, coverage=False)
    _lap(times, t, clock)
    assert isinstance(out, Briefing) and report.ok and report.fields_checked == 153, report.fields_checked
    return times


def _lap(times: list[float], t0: float, clock: Callable[[], float]) -> float:
    now = clock()
    times.append(now - t0)
    return now


def _fixture() -> tuple[ChatCompletion, Any, type[Any]]:
    settings = LLMSettings.from_env(base_url="http://127.0.0.1:9/v1", model="scripted-model")
    shaper = structured(settings)
    # the openai client turns the HTTP body into this object before the library sees it
    reply = ChatCompletion.model_validate(completion(gold_answer()).body)
    from summarizer.engines.llm.prompts import load_prompts

    msgs = load_prompts().extract_messages(thousand_words(-1), ISIL_DATE)
    prepared, _ = shaper.request(msgs, Draft)
    return reply, shaper, prepared


def bench(runs: int, warmup: int) -> dict[str, float]:
    reply, shaper, prepared = _fixture()
    texts = [thousand_words(i) for i in range(warmup + runs)]
    for text in texts[:warmup]:
        _one(text, reply, shaper, prepared, time.process_time)
    gc.collect()
    per_step: list[list[float]] = [[] for _ in STEPS]
    totals: list[float] = []
    for text in texts[warmup:]:
        times = _one(text, reply, shaper, prepared, time.process_time)
        for xs, x in zip(per_step, times, strict=True):
            xs.append(x)
        totals.append(sum(times))
    words = len(texts[0].split())
    print(f"\nClient CPU per answer (gold, 153 fields, {words}-word article), medians of {runs}", end="")
    print(f" after {warmup} warm-up:\n")
    print("| step | CPU median | p90 |")
    print("|---|---:|---:|")
    out: dict[str, float] = {}
    for name, xs in zip(STEPS, per_step, strict=True):
        out[name] = statistics.median(xs)
        print(f"| {name} | {1e3 * out[name]:.2f} ms | {1e3 * _p90(xs):.2f} ms |")
    out["total"] = statistics.median(totals)
    print(f"| **total** (sum per answer) | **{1e3 * out['total']:.2f} ms** | {1e3 * _p90(totals):.2f} ms |")
    return out


def _p90(xs: list[float]) -> float:
    s = sorted(xs)
    return s[int(0.9 * (len(s) - 1))]


def profile(runs: int, warmup: int, top: int) -> None:
    reply, shaper, prepared = _fixture()
    texts = [thousand_words(i) for i in range(warmup + runs)]
    for text in texts[:warmup]:
        _one(text, reply, shaper, prepared, time.process_time)
    prof = cProfile.Profile()
    prof.enable()
    for text in texts[warmup:]:
        _one(text, reply, shaper, prepared, time.process_time)
    prof.disable()
    stats = pstats.Stats(prof)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300, help="timed repetitions (default 300)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed repetitions first (default 20)")
    parser.add_argument("--profile", action="store_true", help="cProfile the loop instead of timing it")
    parser.add_argument("--top", type=int, default=40, help="functions shown with --profile")
    args = parser.parse_args()
    if args.profile:
        profile(args.runs, args.warmup, args.top)
    else:
        bench(args.runs, args.warmup)


if __name__ == "__main__":
    main()
