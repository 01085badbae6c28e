"""Faults, measured (issue 11): 1,000 small articles through a loopback server that misbehaves.

    .venv/bin/python benchmarks/bench_faults.py [--quick] [--articles N] [--concurrency C]

The articles are runs of whole paragraphs (< 2,000 characters) of the dev-split fixtures,
each with the part of its gold briefing that verifies on it, made distinct by a closing
line (``tests/loopback.py: small_articles``); every answer can therefore be checked. The
server (``FaultServerProcess``, a child process) answers each request with the gold draft
of the article it finds in the request, or, with these probabilities, with a fault: 20 %
429 + Retry-After, 10 % 500/503, 5 % dropped connections, 5 % hangs past the client's
time-out, 2.5 % malformed JSON + 2.5 % fenced JSON in prose, 5 % wrapped objects, 5 %
truncated answers (finish_reason "length"), 5 % fabricated quotes. Draws are seeded per
request body, so a rerun meets the same faults.

Two paths, each against a clean run of the same articles and settings:

1. ``summarize_many`` (concurrency C) with short time-outs: ``timeout=1.0`` s, hangs of
   1.5 s, ``Retry-After: 1``, ``RetryPolicy(initial=0.2, max_wait=2, total=30)``, slept
   for real (``wait_scale=1``).
2. The CLI, ``summarizer brief FEED.jsonl --engine llm --out-dir DIR -f json``, with its
   own defaults (it has no time-out option: 60 s, so hangs last 61 s; the cache on, in a
   fresh directory), then the same faulty run killed with SIGKILL three times (after 10 %,
   50 % and 90 % of the articles were written) and rerun each time, then run to the end:
   no article lost, none duplicated, every output file a valid briefing of its article.

Every answer is SCRIPTED (gold briefings as a perfect model would give them).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from loopback import FABRICATED_QUOTE, FaultMix, FaultServerProcess, SmallArticle, answer_key, small_articles  # noqa: E402

from summarizer import LLMSettings, RetryPolicy, asummarize_many  # noqa: E402
from summarizer.errors import SummarizerError  # noqa: E402
from summarizer.schema import Briefing, text_sha256  # noqa: E402
from summarizer.validate import validate  # noqa: E402

MIX: dict[str, Any] = {
    "rate_limit": 0.20,
    "server_error": 0.10,
    "drop": 0.05,
    "hang": 0.05,
    "malformed": 0.025,
    "fenced": 0.025,
    "wrapped": 0.05,
    "truncated": 0.05,
    "fabricated": 0.05,
}
SEED = 11
TIMEOUT = 1.0  # summarize_many's client time-out
POLICY = RetryPolicy(attempts=5, initial=0.2, max_wait=2.0, total=30.0, jitter=0.5, wait_scale=1.0)
CLI_TIMEOUT = 60.0  # LLMSettings' default: the CLI has no option for it
_RETRY = re.compile(r"retry \d+: ")


def corpus(n: int) -> list[SmallArticle]:
    base = small_articles()
    return [base[i % len(base)].copy(f"{i:04d}") for i in range(n)]


def mix(*, faults: bool, hang: float) -> FaultMix:
    clean = FaultMix(retry_after=1.0, hang_seconds=hang, seed=SEED)
    return dataclasses.replace(clean, **MIX) if faults else clean


@dataclass
class Tally:
    """What one path delivered, judged against the articles' gold answers."""

    n: int = 0
    delivered: int = 0
    all_verified: int = 0  # delivered, and an independent validation finds no error
    complete: int = 0  # all_verified and every gold item present
    silently_empty: int = 0  # delivered with 0 items, gold has items, report ok: must be 0
    unverified_as_verified: int = 0  # items an independent validation rejects: must be 0
    fabricated_delivered: int = 0  # must be 0
    errors: Counter[str] = field(default_factory=Counter)
    retries: int = 0  # transport retries the delivered briefings report
    reasks: int = 0
    client_tokens: int = 0
    missing: int = 0  # neither delivered nor an error record (lost): must be 0

    def add(self, article: SmallArticle, result: Briefing | str | None) -> None:
        self.n += 1
        if result is None:
            self.missing += 1
            return
        if isinstance(result, str):
            self.errors[result] += 1
            return
        self.delivered += 1
        report = validate(result, article.text)
        bad = {i.path.split(".")[0] for i in report.errors}
        self.unverified_as_verified += len(bad)
        fabricated = any(FABRICATED_QUOTE in q.text.value for q in result.quotes)
        self.fabricated_delivered += fabricated
        items = len(result.items())
        if not bad and not fabricated:
            self.all_verified += 1
            self.complete += items == article.items
        ok = result.validation is not None and result.validation.ok
        self.silently_empty += items == 0 and article.items > 0 and ok
        if result.provenance is not None:
            self.retries += sum(1 for note in result.provenance.notes if _RETRY.match(note))
            self.reasks += result.provenance.reasks
            self.client_tokens += result.provenance.usage.total_tokens


def _tokens(stats: dict[str, Any]) -> int:
    return int(sum(stats.get("tokens", {}).values()))


def _requests(stats: dict[str, Any]) -> int:
    return int(sum(stats.get("served", {}).values()))


# --------------------------------------------------------------------------- 1. summarize_many


def run_many(
    arts: list[SmallArticle], *, faults: bool, concurrency: int, work: Path
) -> tuple[Tally, dict[str, Any], float]:
    answers = {answer_key(a.text): a.answer for a in arts}
    with FaultServerProcess(answers, mix(faults=faults, hang=1.5), workdir=work) as server:
        settings = LLMSettings.from_env(
            base_url=server.base_url, model="scripted-model", cache=False, timeout=TIMEOUT, retry=POLICY
        )
        t0 = time.perf_counter()
        results = asyncio.run(
            asummarize_many(
                [a.text for a in arts], settings=settings, dates=[a.date for a in arts], concurrency=concurrency
            )
        )
        wall = time.perf_counter() - t0
    tally = Tally()
    for a, r in zip(arts, results, strict=True):
        tally.add(a, type(r).__name__ if isinstance(r, SummarizerError) else r)
    return tally, server.stats, wall


# --------------------------------------------------------------------------- 2. the CLI


def _feed(arts: list[SmallArticle], path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        for i, a in enumerate(arts):
            date = a.date.isoformat() if a.date else None
            f.write(json.dumps({"id": f"fault-{i:04d}", "text": a.text, "date": date}, ensure_ascii=False) + "\n")


def _cli(feed: Path, out: Path, base_url: str, cache: Path, concurrency: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    env |= {"OPENAI_BASE_URL": base_url, "SUMMARIZER_MODEL": "scripted-model", "SUMMARIZER_CACHE_DIR": str(cache)}
    cmd = [sys.executable, "-m", "summarizer", "brief", str(feed), "--engine", "llm", "--out-dir", str(out)]
    cmd += ["-f", "json", "--concurrency", str(concurrency), "-q"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _outputs(out: Path) -> list[Path]:
    return [p for p in out.glob("*.json") if p.name != "summarizer-run.json"]


@dataclass
class CliRun:
    wall: float
    rc: int
    stderr: str
    killed: bool = False
    files: int = 0  # output files in the directory after the run


def cli_once(feed: Path, out: Path, base_url: str, cache: Path, concurrency: int, kill_at: int | None) -> CliRun:
    t0 = time.perf_counter()
    proc = _cli(feed, out, base_url, cache, concurrency)
    if kill_at is not None:
        while proc.poll() is None and len(_outputs(out)) < kill_at:
            time.sleep(0.05)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            assert proc.stderr is not None
            proc.stderr.close()
            return CliRun(time.perf_counter() - t0, proc.returncode, "", killed=True, files=len(_outputs(out)))
    _, err = proc.communicate()
    return CliRun(time.perf_counter() - t0, proc.returncode, err, files=len(_outputs(out)))


_ERR_KINDS = [
    ("rate limit", "RateLimitError"),
    ("HTTP 429", "RateLimitError"),
    ("timed out", "TransportError (timeout)"),
    ("token limit", "TruncatedOutputError"),
    ("not a briefing object", "MalformedOutputError"),
    ("(5xx)", "TransportError (5xx)"),
    ("HTTP 5", "TransportError (5xx)"),
    ("connection", "TransportError (connection)"),
]


def _kind(message: str) -> str:
    return next((k for needle, k in _ERR_KINDS if needle in message), f"other: {message[:60]}")


def judge_dir(arts: list[SmallArticle], out: Path, stderr: str) -> tuple[Tally, dict[str, int]]:
    """The out-dir against the articles: each written once, valid, or named failed by the last run."""
    by_sha = {text_sha256(a.text): i for i, a in enumerate(arts)}
    found: dict[int, Briefing] = {}
    checks = Counter[str]()
    for path in _outputs(out):
        try:
            b = Briefing.model_validate_json(path.read_bytes())
        except ValueError:
            checks["invalid output files"] += 1
            continue
        i = by_sha.get(b.source.sha256)
        if i is None:
            checks["output files of no article"] += 1
        elif i in found:
            checks["duplicated articles"] += 1
        else:
            found[i] = b
    run = json.loads((out / "summarizer-run.json").read_text(encoding="utf-8"))
    checks["run-file entries"] = len(run["done"])
    checks["temp files left"] = len(list(out.glob(".summarizer-*.tmp")))
    failed: dict[int, str] = {}
    for line in stderr.splitlines():
        m = re.match(r"(?:summarizer: )?fault-(\d{4}): (.*)", line)
        if m:
            failed[int(m.group(1))] = _kind(m.group(2))
    tally = Tally()
    for i, a in enumerate(arts):
        result: Briefing | str | None = found.get(i)
        if result is None:
            result = failed.get(i)
        elif i in failed:
            checks["both written and failed"] += 1
        tally.add(a, result)
    return tally, dict(checks)


def run_cli(
    arts: list[SmallArticle], *, faults: bool, concurrency: int, work: Path, kills: tuple[float, ...] = ()
) -> tuple[Tally, dict[str, int], dict[str, Any], list[CliRun]]:
    answers = {answer_key(a.text): a.answer for a in arts}
    work.mkdir(parents=True, exist_ok=True)
    feed = work / "feed.jsonl"
    _feed(arts, feed)
    out, cache = work / "out", work / "cache"
    runs: list[CliRun] = []
    with FaultServerProcess(answers, mix(faults=faults, hang=CLI_TIMEOUT + 1), workdir=work / "server") as server:
        for share in kills:
            runs.append(cli_once(feed, out, server.base_url, cache, concurrency, kill_at=int(share * len(arts))))
        runs.append(cli_once(feed, out, server.base_url, cache, concurrency, kill_at=None))
    tally, checks = judge_dir(arts, out, runs[-1].stderr)
    return tally, checks, server.stats, runs


# --------------------------------------------------------------------------- report


def _pct(x: int, n: int) -> str:
    return f"{x} ({100 * x / n:.1f} %)" if n else "0"


def table(rows: list[tuple[str, Tally, dict[str, Any], float, Tally, dict[str, Any], float]]) -> None:
    print("| | " + " | ".join(r[0] for r in rows) + " |")
    print("|---|" + "---:|" * len(rows))

    def line(label: str, cells: list[str]) -> None:
        print(f"| {label} | " + " | ".join(cells) + " |")

    line("articles", [str(t.n) for _, t, *_ in rows])
    line("delivered", [_pct(t.delivered, t.n) for _, t, *_ in rows])
    line("delivered, every item verified", [_pct(t.all_verified, t.n) for _, t, *_ in rows])
    line("delivered complete (every gold item, all verified)", [_pct(t.complete, t.n) for _, t, *_ in rows])
    line(
        "error records (by kind)",
        [f"{sum(t.errors.values())}: " + ", ".join(f"{k} {v}" for k, v in t.errors.most_common()) for _, t, *_ in rows],
    )
    line("lost (neither delivered nor an error record)", [str(t.missing) for _, t, *_ in rows])
    line("silently empty", [str(t.silently_empty) for _, t, *_ in rows])
    line("items delivered that do not verify", [str(t.unverified_as_verified) for _, t, *_ in rows])
    line("fabricated quotes delivered", [str(t.fabricated_delivered) for _, t, *_ in rows])
    line("transport retries (reported by delivered briefings)", [str(t.retries) for _, t, *_ in rows])
    line("re-asks (delivered briefings)", [str(t.reasks) for _, t, *_ in rows])
    line(
        "requests served (clean run)",
        [f"{_requests(s)} ({_requests(cs)})" for _, _, s, _, _, cs, _ in rows],
    )
    line(
        "tokens billed by the server, vs clean",
        [
            f"{_tokens(s):,} vs {_tokens(cs):,} (+{100 * (_tokens(s) / max(1, _tokens(cs)) - 1):.1f} %)"
            for _, _, s, _, _, cs, _ in rows
        ],
    )
    line(
        "tokens reported by delivered briefings, vs clean",
        [f"{t.client_tokens:,} vs {ct.client_tokens:,}" for _, t, _, _, ct, _, _ in rows],
    )
    line("wall time vs clean", [f"{w:.1f} s vs {cw:.1f} s ({w / cw:.1f}x)" for _, _, _, w, _, _, cw in rows])
    served = [", ".join(f"{k} {v}" for k, v in sorted(s["served"].items())) for _, _, s, *_ in rows]
    line("what the server served", served)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 articles")
    parser.add_argument("--articles", type=int, default=None)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    n = args.articles or (200 if args.quick else 1_000)
    c = args.concurrency
    arts = corpus(n)
    print(f"## Faults, measured (issue 11)\n\n{n} articles ({len(small_articles())} distinct paragraph runs of the")
    print(f"dev fixtures, {sum(a.items for a in arts) / n:.1f} gold items each on average), concurrency {c}.\n")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        clean_many = run_many(arts, faults=False, concurrency=c, work=work / "m0")
        faulty_many = run_many(arts, faults=True, concurrency=c, work=work / "m1")
        clean_cli = run_cli(arts, faults=False, concurrency=c, work=work / "c0")
        faulty_cli = run_cli(arts, faults=True, concurrency=c, work=work / "c1")
        killed_cli = run_cli(arts, faults=True, concurrency=c, work=work / "c2", kills=(0.1, 0.5, 0.9))
    rows = [
        ("summarize_many", faulty_many[0], faulty_many[1], faulty_many[2], clean_many[0], clean_many[1], clean_many[2]),
        (
            "CLI --out-dir",
            faulty_cli[0],
            faulty_cli[2],
            faulty_cli[3][-1].wall,
            clean_cli[0],
            clean_cli[2],
            clean_cli[3][-1].wall,
        ),
    ]
    table(rows)
    for label, (tally, *_rest) in (("summarize_many", clean_many), ("CLI", clean_cli)):
        errors = dict(tally.errors)
        print(f"\nClean run, {label}: {tally.delivered} delivered, {tally.complete} complete, errors {errors}.")
    tally, checks, _, runs = killed_cli
    print("\nCLI killed with SIGKILL after 10 %, 50 % and 90 % of the files were written, rerun each time:\n")
    print("| run | ended | wall | files in the directory after |")
    print("|---|---|---:|---:|")
    for k, r in enumerate(runs, 1):
        print(f"| {k} | {'killed' if r.killed else f'exit {r.rc}'} | {r.wall:.1f} s | {r.files} |")
    print(
        f"\nAfter the last run: {tally.delivered} delivered ({tally.complete} complete), "
        f"{sum(tally.errors.values())} named failed by the last run ({dict(tally.errors)}), "
        f"{tally.missing} lost, checks {checks}, {tally.silently_empty} silently empty, "
        f"{tally.unverified_as_verified} items delivered that do not verify."
    )


if __name__ == "__main__":
    main()
