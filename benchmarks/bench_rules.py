"""Speed of the offline rules engine: time per article and growth with article length (issues 4 and 7).

    python benchmarks/bench_rules.py [--repeat N] [--json FILE]
        [--scaling-sizes N,N,...] [--scaling-repeat N] [--shape NAME] [--only-scaling]

Builds articles of about 1,000 / 4,000 / 16,000 / 50,000 words by concatenating the
fixture articles (paragraph by paragraph, so quotes, names and cues occur at the
density of real reporting), then times ``summarizer.engines.rules.extract`` on each:
the median of ``--repeat`` runs, each on a fresh copy of the string so that no cache
of derived views is reused. Also times the coverage audit of the 50,000-word briefing.

Then the scaling shapes (issue 7): quote-dense text with speakers, text whose every
third token is a quotation mark (one endless paragraph; and with cues, names and
paragraphs), and the fixture paragraphs as a baseline, each at ``--scaling-sizes`` words
(default 12,500 / 50,000 / 200,000). For each it times the whole brief
(``summarize(text, engine="rules")``: extraction, validation and the coverage audit) and
``validate(draft, text)`` of the engine's draft on its own, ``--scaling-repeat`` times each
on fresh strings, and prints the growth of each from one size to the next.

Target: 50,000 words of any shape in under 2 s, growing linearly with length (x4 words
in at most x5 time).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer import summarize, validate  # noqa: E402
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
    quotation marks, capitalised runs everywhere, one paragraph per line; chained cues, runs of outlets and
    one force named again and again (issue 7)."""
    return [
        ("one 65,000-word sentence", "officials said the army of Jane Doe said troops advanced in Mosul and " * 5000),
        ("unbalanced curly quotation marks", "“He said " * 30000),
        ("straight quotation marks and cues", '"a" b "c d, said Smith ' * 15000),
        ("capitalised words only", "The Big Red Army Of Northern Front Said " * 8000),
        ("a cue on every line", "Smith said\n" * 30000),
        ("a chain of 10,000 participle cues", "Smith Jones said the army would stay" + ", calling for calm" * 10000),
        (
            "a pronoun after each of 7,500 outlets",
            "Ivan Horvat spoke. " + "Al Jazeera reported it. “Go,” he said. " * 7500,
        ),
        ("one force 3,000 times in one sentence", "The army said " + "Vesna forces advanced from the south, " * 3000),
    ]


_FIRST = "Ivan Maria Tomas Leila Anton Sara Omar Elena Karim Nadia Pieter Amira Jonas Hana Viktor Dalia".split()
_LAST = "Horvat Novak Haddad Berg Kovac Petrov Sarraf Nasser Lindqvist Amiri Dorrian Westin Ozturk Bakr".split()
_RANKS = ("Colonel", "General", "Minister", "Captain", "Commander", "Governor")


def _quote_dense(words: int) -> str:
    """Short quoted sentences with speakers, one statement of two quotations per paragraph; names vary."""
    out: list[str] = []
    count = 0
    k = 0
    while count < words:
        first, last = _FIRST[k % len(_FIRST)], _LAST[(k // len(_FIRST)) % len(_LAST)]
        rank = _RANKS[k % len(_RANKS)]
        p = f"“We will hold the line,” said {rank} {first} {last}. “They will not cross,” he said."
        out.append(p)
        count += len(p.split())
        k += 1
    return "\n\n".join(out) + "\n"


_MARKS = ('"', "“", "”", "‘", "’", "'", "«", "»", "„")


def _third_marks(words: int) -> str:
    """Every third token a quotation mark, straight and curly mixed (seeded): one paragraph, no sentence end,
    no speech verb."""
    rng = random.Random(7)
    filler = "a b c d e f the troops town".split()
    return " ".join(rng.choice(_MARKS) if i % 3 == 2 else rng.choice(filler) for i in range(words)) + "\n"


def _third_marks_cues(words: int) -> str:
    """The same with names and sentence ends among the filler, a paragraph every 100 tokens, so that quotes
    are attributed and validated."""
    rng = random.Random(7)
    filler = "a b c d e f the said he Smith troops said, army. town".split()
    tokens: list[str] = []
    for i in range(words):
        tokens.append(rng.choice(_MARKS) if i % 3 == 2 else rng.choice(filler))
        if i % 100 == 99:
            tokens.append("\n\n")
    return " ".join(tokens) + "\n"


SCALING_SHAPES = (
    ("fixture paragraphs", _article),
    ("quote-dense with speakers", _quote_dense),
    ("every third token a quotation mark", _third_marks),
    ("every third token a quotation mark, with cues", _third_marks_cues),
)
SCALING_SIZES = (12_500, 50_000, 200_000)


def _scaling(sizes: tuple[int, ...], date: object, repeat: int, only: str | None) -> list[dict[str, object]]:
    """Brief (summarize, engine="rules") and validate alone, each ``repeat`` times on fresh strings, per shape
    and size: the median and the range of the runs."""
    rows: list[dict[str, object]] = []
    exact = any(only == name for name, _ in SCALING_SHAPES)
    for name, build in SCALING_SHAPES:
        if only is not None and (only != name if exact else only not in name):
            continue
        for size in sizes:
            text = build(size)
            briefs: list[float] = []
            engines: list[float] = []
            checks: list[float] = []
            quotes = 0
            for k in range(repeat):
                fresh = text + " " * (2 * k + 1)  # a new string: no cached SourceText, no memoised views
                t0 = time.perf_counter()
                briefing = summarize(fresh, engine="rules", date=date)  # type: ignore[arg-type]
                briefs.append(time.perf_counter() - t0)
                quotes = len(briefing.quotes)
                fresh = text + " " * (2 * k + 2)
                t0 = time.perf_counter()
                draft = extract(fresh, article_date=date)  # type: ignore[arg-type]
                engines.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                validate(draft, fresh)  # the source text's views are built by extract(): validation alone
                checks.append(time.perf_counter() - t0)
            row = {
                "shape": name,
                "words": len(text.split()),
                "brief_s": statistics.median(briefs),
                "brief_runs": briefs,
                "extract_s": statistics.median(engines),
                "extract_runs": engines,
                "validate_s": statistics.median(checks),
                "validate_runs": checks,
                "quotes": quotes,
            }
            rows.append(row)
            print(
                f"  {name}, {row['words']:,} words: brief {_range(briefs)}, extract {_range(engines)}, "
                f"validate {_range(checks)}",
                flush=True,
            )
    return rows


def _range(runs: list[float]) -> str:
    lo, hi = min(runs), max(runs)
    return f"{lo:.2f} s" if len(runs) == 1 else f"{statistics.median(runs):.2f} s ({lo:.2f}-{hi:.2f})"


def _print_scaling(rows: list[dict[str, object]]) -> None:
    print("| shape | words | brief | x brief | extract | x extract | validate | x validate | quotes kept |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    prev: dict[str, object] | None = None
    for r in rows:
        same = prev is not None and prev["shape"] == r["shape"]
        grow_b = f"x{r['brief_s'] / prev['brief_s']:.1f}" if same else ""  # type: ignore[index, operator]
        grow_e = f"x{r['extract_s'] / prev['extract_s']:.1f}" if same else ""  # type: ignore[index, operator]
        grow_v = f"x{r['validate_s'] / prev['validate_s']:.1f}" if same else ""  # type: ignore[index, operator]
        print(
            f"| {r['shape']} | {r['words']:,} | {r['brief_s'] * 1000:.0f} ms | {grow_b} "  # type: ignore[operator]
            f"| {r['extract_s'] * 1000:.0f} ms | {grow_e} "  # type: ignore[operator]
            f"| {r['validate_s'] * 1000:.0f} ms | {grow_v} | {r['quotes']} |"  # type: ignore[operator]
        )
        prev = r


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
    ap.add_argument("--scaling-sizes", default=",".join(map(str, SCALING_SIZES)), help="word counts, comma-separated")
    ap.add_argument("--only-scaling", action="store_true", help="run the scaling shapes only")
    ap.add_argument("--scaling-repeat", type=int, default=1, help="runs per scaling shape and size (median, range)")
    ap.add_argument("--shape", help="only the scaling shape of this name, or those whose name contains this")
    args = ap.parse_args()
    import datetime as dt

    date = dt.date(2024, 6, 15)
    sizes = tuple(int(x) for x in args.scaling_sizes.split(","))
    if args.only_scaling:
        scaling = _scaling(sizes, date, args.scaling_repeat, args.shape)
        print()
        _print_scaling(scaling)
        if args.json:
            Path(args.json).write_text(json.dumps({"scaling": scaling}, indent=2), encoding="utf-8")
        return
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
    print()
    print("Scaling shapes (one run each): brief = summarize(engine='rules'), validate = validate() alone")
    scaling = _scaling(sizes, date, args.scaling_repeat, args.shape)
    print()
    _print_scaling(scaling)
    if args.json:
        out = {"rows": rows, "audit_s": audit_runs, "scaling": scaling}
        Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
