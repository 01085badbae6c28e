"""Scoring speed: every fixture article x every field and sub-field, from a run file (issue 10).

    python benchmarks/bench_eval.py [RUN.json] [--repeat N]

Times :func:`summarizer.evalrun.rescore`'s scoring only (one-to-one matching of every field,
sub-field counts, aggregation) over the briefings a run file keeps, without running the
engine and without re-validating (``evals/baseline-rules.json`` by default); also the whole
rescore (with the grounding-after validation) and the diff of two runs. Target: scoring
18+ articles under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.evalrun import _fields, aggregate, diff, load_run, rescore  # noqa: E402
from summarizer.evals import load_fixtures  # noqa: E402
from summarizer.schema import Briefing  # noqa: E402


def _median(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", nargs="?", type=Path, default=ROOT / "evals" / "baseline-rules.json")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    run = load_run(args.run)
    gold = {f.id: f.gold for f in load_fixtures() if f.gold is not None}
    pairs = [(a, gold[a.id]) for a in run.articles if a.id in gold]
    n_items = sum(len(a.briefing.items()) if a.briefing else 0 for a, _ in pairs)

    def score() -> None:
        arts = [
            a.model_copy(update={"fields": _fields(a.briefing or Briefing(source=g.source), g, a.id)}) for a, g in pairs
        ]
        aggregate(arts)

    fixtures = load_fixtures()
    scoring = _median(score, args.repeat)
    full = _median(lambda: rescore(run, fixtures), args.repeat)
    diffing = _median(lambda: diff(run, run), args.repeat)
    print(f"{len(pairs)} articles, {n_items} predicted items; median of {args.repeat}")
    print(f"| step | seconds |\n|---|---:|\n| scoring (all fields and sub-fields, aggregate) | {scoring:.3f} |")
    print(f"| rescore (scoring + grounding after validation) | {full:.3f} |\n| diff of two runs | {diffing:.4f} |")
    print("target: scoring under 1 s:", "met" if scoring < 1.0 else "MISSED")
    return 0 if scoring < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
