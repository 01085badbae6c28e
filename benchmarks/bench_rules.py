"""Speed of the offline rules engine: time per article and growth with article length (issue 4).

    python benchmarks/bench_rules.py [--repeat N] [--json FILE]

Builds articles of about 1,000 / 4,000 / 16,000 / 50,000 words by concatenating the
fixture articles (paragraph by paragraph, so quotes, names and cues occur at the
density of real reporting), then times ``summarizer.engines.rules.extract`` on each:
the median of ``--repeat`` runs, each on a fresh copy of the string so that no cache
of derived views is reused. Also times the coverage audit of the 50,000-word briefing.

Target: 50,000 words in under 2 s, growing linearly with length.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.coverage import audit  # noqa: E402
from summarizer.engines.rules import extract  # noqa: E402
from summarizer.evals import load_fixtures  # noqa: E402

SIZES = (1_000, 4_000, 16_000, 50_000)


def _article(words: int) -> str:
    paragraphs = [p for f in load_fixtures() for p in f.text.split("\n\n") if p.strip()]
    out: list[str] = []
    count = 0
    i = 0
    while count < words:
        p = paragraphs[i % len(paragraphs)]
        out.append(p)
        count += len(p.split())
        i += 1
    return "\n\n".join(out) + "\n"


def _worst_cases() -> list[tuple[str, str]]:
    """Shapes that would expose quadratic work: one endless sentence, a cue every two words, thousands of
    quotation marks, capitalised runs everywhere, one paragraph per line."""
    return [
        ("one 65,000-word sentence", "officials said the army of Jane Doe said troops advanced in Mosul and " * 5000),
        ("unbalanced curly quotation marks", "“He said " * 30000),
        ("straight quotation marks and cues", '"a" b "c d, said Smith ' * 15000),
        ("capitalised words only", "The Big Red Army Of Northern Front Said " * 8000),
        ("a cue on every line", "Smith said\n" * 30000),
    ]


def _time(fn: object, text: str, repeat: int) -> list[float]:
    runs = []
    for k in range(repeat):
        fresh = text + " " * (k + 1)  # a new string: no cached SourceText, no memoised views
        t0 = time.perf_counter()
        fn(fresh)  # type: ignore[operator]
        runs.append(time.perf_counter() - t0)
    return runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    import datetime as dt

    date = dt.date(2024, 6, 15)
    rows = []
    for size in SIZES:
        text = _article(size)
        words = len(text.split())
        runs = _time(lambda t: extract(t, article_date=date), text, args.repeat)
        med = statistics.median(runs)
        b = extract(text, article_date=date)
        rows.append(
            {
                "words": words,
                "chars": len(text),
                "median_s": med,
                "min_s": min(runs),
                "ms_per_1000_words": med * 1000 / (words / 1000),
                "quotes": len(b.quotes),
                "items": len(b.items()),
            }
        )
    big = _article(SIZES[-1])
    briefing = extract(big, article_date=date)
    audit_runs = _time(lambda t: audit(briefing, t[:-1] if t.endswith(" ") else t), big, args.repeat)
    print(f"rules engine, median of {args.repeat} runs — Python {platform.python_version()} on {platform.machine()}")
    print()
    print("| words | characters | median | min | ms per 1,000 words | quotes | items |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['words']:,} | {r['chars']:,} | {r['median_s'] * 1000:.0f} ms | {r['min_s'] * 1000:.0f} ms "
            f"| {r['ms_per_1000_words']:.1f} | {r['quotes']} | {r['items']} |"
        )
    print()
    audit_ms = statistics.median(audit_runs) * 1000
    print(f"coverage audit of the {rows[-1]['words']:,}-word briefing: median {audit_ms:.0f} ms")
    print()
    print("Worst-case shapes (one run each): inputs built to crowd the rules, not articles")
    print()
    print("| shape | words | time |")
    print("|---|---:|---:|")
    for name, text in _worst_cases():
        t0 = time.perf_counter()
        extract(text, article_date=date)
        print(f"| {name} | {len(text.split()):,} | {(time.perf_counter() - t0) * 1000:.0f} ms |")
    verdict = "meets" if rows[-1]["median_s"] < 2.0 else "MISSES"
    print(f"50,000 words in {rows[-1]['median_s']:.2f} s: {verdict} the 2 s target")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "audit_s": audit_runs}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
