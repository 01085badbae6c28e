"""Our span locator vs LangExtract's resolver, on the same documents and extractions (issue 11).

    pip install -e '.[bench]' && pip install --no-deps langextract    # once
    python benchmarks/bench_langextract.py                            # table, benchmarks/langextract.{json,png}
    python benchmarks/bench_langextract.py --quick                    # 1k and 4k words only, fewer repeats

Documents. The sentences of the dev-split fixture articles (held-out ones are not read), split
by :attr:`SourceText.sentences`, each with its straight quotation marks made typographic (``"``
-> “ ”, ``'`` -> ‘ ’), shuffled with a fixed seed and laid out five to a paragraph until the
document reaches 1k, 4k, 16k or 64k words; every pass over the sentences is shuffled again, so a
long document holds each sentence many times but in a different neighbourhood each time.

Extractions. 20 or 200 runs of 6-30 consecutive words (cut at spaces), at random word positions,
each kept only when it occurs exactly once in the document, verbatim and in the normalised view
(so the ground truth — the run's offsets — is unambiguous); in long documents that means runs
that cross a sentence boundary. Extractions may overlap. Half are drawn around a quotation mark
or an apostrophe, so that the quote-mark variant changes them.

Variants, each on the same extractions: ``verbatim``; ``straight_quotes`` (the source's curly
marks typed straight); ``case_space`` (lower case, every fourth space doubled or a line break);
``typo`` (one letter replaced by another, never in the first or last word, so that the true span
is the only one at distance 1); ``shuffled`` (verbatim, listed in a random order; the others are
listed in document order).

Both sides get one document and the list of extraction strings per call, cold: ours builds a
fresh :class:`SourceText` (normalised view, word index) and calls :func:`locate` per string;
theirs is ``Resolver().align(extractions, document, 0, 0)`` with its defaults (fuzzy alignment
on, LCS). A span is correct when its offsets are exactly the planted ones. Times are medians
of repeats after a warm-up, in one process. A second measurement times one fuzzy query on a
document whose views are built (``locate`` of a typo'd string, and ``_fuzzy`` alone) against
the document's length: the cost that must not grow with the article.

LangExtract is imported without its package ``__init__`` (which pulls pandas in through its
visualisation module): a bare package module is registered for ``langextract`` so that
``langextract.resolver`` and ``langextract.core`` load on their own; they need pyyaml, absl-py
and regex (the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import statistics
import sys
import time
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.evals import load_fixtures  # noqa: E402
from summarizer.locate import _fuzzy, locate  # noqa: E402
from summarizer.text import SourceText, normalize_query  # noqa: E402

SIZES = (1_000, 4_000, 16_000, 64_000)
COUNTS = (20, 200)
VARIANTS = ("verbatim", "straight_quotes", "case_space", "typo", "shuffled")
SEED = 11
OUT_JSON = ROOT / "benchmarks" / "langextract.json"
OUT_PNG = ROOT / "benchmarks" / "langextract.png"

Span = tuple[int, int] | None


# --------------------------------------------------------------------------- LangExtract, resolver only


def load_langextract() -> tuple[Any, Any, str]:
    """``(resolver module, core.data module, version)`` without running ``langextract/__init__.py``."""
    spec = importlib.util.find_spec("langextract")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("LangExtract is not installed: pip install --no-deps langextract (see the docstring)")
    if "langextract" not in sys.modules:
        pkg = types.ModuleType("langextract")
        pkg.__path__ = list(spec.submodule_search_locations)
        pkg.__spec__ = spec
        sys.modules["langextract"] = pkg
    from importlib.metadata import version

    from langextract import resolver  # type: ignore[import-not-found]
    from langextract.core import data  # type: ignore[import-not-found]

    assert "pandas" not in sys.modules, "the resolver alone should not import pandas"
    return resolver, data, version("langextract")


# --------------------------------------------------------------------------- documents and extractions


def _typographic(s: str) -> str:
    """Straight quotation marks made curly: opening after a space or a bracket, closing otherwise."""
    out = []
    for i, c in enumerate(s):
        prev = s[i - 1] if i else " "
        if c == '"':
            out.append("“" if prev.isspace() or prev in "([" else "”")
        elif c == "'":
            out.append("‘" if prev.isspace() or prev in "([" else "’")
        else:
            out.append(c)
    return "".join(out)


def corpus_sentences() -> list[str]:
    out: list[str] = []
    for fx in load_fixtures():
        if fx.meta.split != "dev":
            continue
        src = SourceText(fx.text)
        for a, b in src.sentences:
            s = " ".join(fx.text[a:b].split())
            if len(s.split()) >= 4:
                out.append(_typographic(s))
    return out


def build_document(sentences: Sequence[str], words: int, rng: random.Random) -> str:
    paras: list[str] = []
    para: list[str] = []
    count = 0
    while count < words:
        order = list(sentences)
        rng.shuffle(order)
        for s in order:
            para.append(s)
            count += len(s.split())
            if len(para) == 5:
                paras.append(" ".join(para))
                para = []
            if count >= words:
                break
    if para:
        paras.append(" ".join(para))
    return "\n\n".join(paras)


def _word_starts(doc: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    i, n = 0, len(doc)
    while i < n:
        while i < n and doc[i].isspace():
            i += 1
        j = i
        while j < n and not doc[j].isspace():
            j += 1
        if j > i:
            out.append((i, j))
        i = j
    return out


def plant(doc: str, count: int, rng: random.Random) -> list[tuple[int, int]]:
    """``count`` distinct word runs that occur exactly once (verbatim and normalised), in document order."""
    words = _word_starts(doc)
    norm = SourceText(doc).norm.text
    marks = [k for k, (a, b) in enumerate(words) if any(c in "“”‘’" for c in doc[a:b])]
    chosen: set[tuple[int, int]] = set()
    tries = 0
    while len(chosen) < count:
        tries += 1
        if tries > 200_000:
            raise RuntimeError("could not plant enough unique extractions")
        length = rng.randint(6, 30)
        if marks and len(chosen) < count // 2:
            first = max(0, rng.choice(marks) - rng.randint(0, length - 1))
        else:
            first = rng.randrange(len(words))
        last = first + length - 1
        if last >= len(words):
            continue
        a, b = words[first][0], words[last][1]
        s = doc[a:b]
        if (a, b) in chosen or doc.count(s) != 1:
            continue
        ns = normalize_query(s)
        i = norm.find(ns)
        if i < 0 or norm.find(ns, i + 1) >= 0:
            continue
        chosen.add((a, b))
    return sorted(chosen)


def _straight(s: str) -> str:
    return s.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))


def _case_space(s: str, rng: random.Random) -> str:
    parts = s.lower().split(" ")
    out = parts[0]
    for k, p in enumerate(parts[1:], 1):
        out += (rng.choice(("  ", "\n")) if k % 4 == 0 else " ") + p
    return out


def _typo(s: str, rng: random.Random) -> str:
    first_end = s.find(" ")
    last_start = s.rfind(" ")
    letters = [i for i in range(first_end + 1, last_start) if s[i].isalpha() and s[i].isascii()]
    if not letters:
        letters = [i for i in range(1, len(s) - 1) if s[i].isalpha()]
    i = rng.choice(letters)
    c = s[i].lower()
    new = rng.choice([x for x in "abcdefghijklmnopqrstuvwxyz" if x != c])
    return s[:i] + (new.upper() if s[i].isupper() else new) + s[i + 1 :]


def variant(doc: str, truth: list[tuple[int, int]], name: str, rng: random.Random) -> list[tuple[str, tuple[int, int]]]:
    """The extraction strings of a variant, each with its planted span, in the order they are passed."""
    items = [(doc[a:b], (a, b)) for a, b in truth]
    if name == "straight_quotes":
        items = [(_straight(s), t) for s, t in items]
    elif name == "case_space":
        items = [(_case_space(s, rng), t) for s, t in items]
    elif name == "typo":
        items = [(_typo(s, rng), t) for s, t in items]
    elif name == "shuffled":
        rng.shuffle(items)
    return items


# --------------------------------------------------------------------------- the two sides


def ours(doc: str, queries: list[str]) -> list[Span]:
    src = SourceText(doc)  # cold: the normalised view and the word index are built in the timed call
    out: list[Span] = []
    for q in queries:
        s = locate(q, src)
        out.append((s.start, s.end) if s.start is not None and s.end is not None else None)
    return out


def theirs_factory(resolver: Any, data: Any) -> Callable[[str, list[str]], list[Span]]:
    def theirs(doc: str, queries: list[str]) -> list[Span]:
        exts = [data.Extraction(extraction_class="evidence", extraction_text=q) for q in queries]
        aligned = list(resolver.Resolver().align(exts, doc, 0, 0))
        out: list[Span] = []
        for e in aligned:
            ci = e.char_interval
            ok = ci is not None and ci.start_pos is not None and ci.end_pos is not None
            out.append((ci.start_pos, ci.end_pos) if ok else None)
        return out

    return theirs


def timed(
    fn: Callable[[], list[Span]], *, min_repeats: int, max_repeats: int, budget_s: float
) -> tuple[float, list[Span], int]:
    """``(median seconds, result, runs timed)``: a warm-up call, then repeats until ``min_repeats`` and
    ``budget_s`` are both reached. A warm-up longer than ``budget_s`` is itself the one measurement
    (a call of seconds has nothing left to warm up, and LangExtract's take minutes at 64k words)."""
    t0 = time.perf_counter()
    result = fn()
    first = time.perf_counter() - t0
    if first > budget_s:
        return first, result, 1
    times: list[float] = []
    t_start = time.perf_counter()
    while len(times) < max_repeats and (len(times) < min_repeats or time.perf_counter() - t_start < budget_s):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result, len(times)


def fuzzy_query_cost(doc: str, queries: list[str], repeats: int) -> tuple[float, float]:
    """Median seconds per typo'd query on a document whose views are built: (``locate``, ``_fuzzy`` alone)."""
    src = SourceText(doc)
    _ = src.norm, src.word_positions()
    nqs = [normalize_query(q) for q in queries]
    loc: list[float] = []
    fz: list[float] = []
    for _ in range(repeats):
        for q, nq in zip(queries, nqs, strict=True):
            src.memo.clear()  # locate memoises per text: measure the search, not the memo
            t0 = time.perf_counter()
            locate(q, src)
            t1 = time.perf_counter()
            _fuzzy(nq, src)
            t2 = time.perf_counter()
            loc.append(t1 - t0)
            fz.append(t2 - t1)
    return statistics.median(loc), statistics.median(fz)


# --------------------------------------------------------------------------- report


def plot(rows: list[dict[str, Any]], cost: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(17, 5.2))
    colours = dict(zip(VARIANTS, ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple"), strict=True))
    sizes = sorted({r["words"] for r in rows})
    counts = sorted({r["extractions"] for r in rows})
    ax = axes[0]
    for v in VARIANTS:
        sel = [r for r in rows if r["variant"] == v and r["extractions"] == max(counts)]
        sel.sort(key=lambda r: r["words"])
        ax.plot([r["words"] for r in sel], [r["ours_s"] for r in sel], "o-", color=colours[v], label=f"ours, {v}")
        ax.plot([r["words"] for r in sel], [r["theirs_s"] for r in sel], "s--", color=colours[v], alpha=0.6)
    ax.set(xscale="log", yscale="log", xlabel="document words", ylabel="seconds per call (median)")
    ax.set_title(f"time vs words, {max(counts)} extractions\n(solid: ours, dashed: LangExtract)")
    ax.legend(fontsize=7)
    ax = axes[1]
    for v in VARIANTS:
        sel = [r for r in rows if r["variant"] == v and r["words"] == max(sizes)]
        sel.sort(key=lambda r: r["extractions"])
        ax.plot([r["extractions"] for r in sel], [r["ours_s"] for r in sel], "o-", color=colours[v], label=v)
        ax.plot([r["extractions"] for r in sel], [r["theirs_s"] for r in sel], "s--", color=colours[v], alpha=0.6)
    ax.set(xscale="log", yscale="log", xlabel="extractions per call", ylabel="seconds per call (median)")
    ax.set_title(f"time vs extractions, {max(sizes):,} words\n(solid: ours, dashed: LangExtract)")
    ax.legend(fontsize=7)
    ax = axes[2]
    cost = sorted(cost, key=lambda c: c["words"])
    ws = [c["words"] for c in cost]
    ax.plot(ws, [c["fuzzy_us"] for c in cost], "o-", label="ours: fuzzy tier (_fuzzy), views built")
    ax.plot(ws, [c["locate_us"] for c in cost], "o-", label="ours: locate() of a typo'd string, views built")
    ax.plot(ws, [c["theirs_per_extraction_us"] for c in cost], "s--", label="LangExtract: align() time / extractions")
    ax.set(xscale="log", yscale="log", xlabel="document words", ylabel="µs per query (median)")
    ax.set_title("one-character typo: cost per query vs words")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="1k and 4k words only, fewer repeats")
    ap.add_argument("--json", type=Path, default=OUT_JSON)
    ap.add_argument("--png", type=Path, default=OUT_PNG)
    args = ap.parse_args(argv)
    resolver, data, le_version = load_langextract()
    theirs = theirs_factory(resolver, data)
    sizes = SIZES[:2] if args.quick else SIZES
    budget = 0.3 if args.quick else 1.0
    rng = random.Random(SEED)
    sentences = corpus_sentences()
    rows: list[dict[str, Any]] = []
    cost: list[dict[str, Any]] = []
    print(f"LangExtract {le_version} (resolver only); corpus: {len(sentences)} sentences of the dev fixtures")
    print()
    print("| words | extractions | variant | ours correct | theirs correct | ours ms | theirs ms | theirs / ours |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|")
    for words in sizes:
        doc = build_document(sentences, words, rng)
        n_words = len(doc.split())
        for count in COUNTS:
            truth = plant(doc, count, rng)
            for v in VARIANTS:
                items = variant(doc, truth, v, random.Random(f"{SEED}-{words}-{count}-{v}"))
                queries = [q for q, _ in items]
                expected = [t for _, t in items]
                t_ours, got_ours, n_ours = timed(
                    lambda d=doc, q=queries: ours(d, q), min_repeats=5, max_repeats=200, budget_s=budget
                )
                t_theirs, got_theirs, n_theirs = timed(
                    lambda d=doc, q=queries: theirs(d, q), min_repeats=3, max_repeats=20, budget_s=budget
                )
                row = {
                    "words": n_words,
                    "extractions": count,
                    "variant": v,
                    "changed": sum(q != doc[a:b] for q, (a, b) in items),
                    "ours_correct": sum(g == e for g, e in zip(got_ours, expected, strict=True)),
                    "theirs_correct": sum(g == e for g, e in zip(got_theirs, expected, strict=True)),
                    "theirs_located": sum(g is not None for g in got_theirs),
                    "ours_located": sum(g is not None for g in got_ours),
                    "ours_s": t_ours,
                    "theirs_s": t_theirs,
                    "speedup": t_theirs / t_ours,
                    "ours_runs": n_ours,
                    "theirs_runs": n_theirs,
                }
                rows.append(row)
                print(
                    f"| {n_words:,} | {count} | {v} | {row['ours_correct']}/{count} | "
                    f"{row['theirs_correct']}/{count} | "
                    f"{t_ours * 1e3:.2f} | {t_theirs * 1e3:.1f} | {row['speedup']:.0f}× |",
                    flush=True,
                )
                if v == "typo" and count == max(COUNTS):
                    loc, fz = fuzzy_query_cost(doc, queries, 1 if args.quick else 3)
                    cost.append(
                        {
                            "words": n_words,
                            "locate_us": loc * 1e6,
                            "fuzzy_us": fz * 1e6,
                            "theirs_per_extraction_us": t_theirs / count * 1e6,
                        }
                    )
    print()
    print(
        "| words | ours: _fuzzy per query (µs) | ours: locate per typo'd query (µs) "
        "| LangExtract: per extraction (µs) |"
    )
    print("|---:|---:|---:|---:|")
    for c in cost:
        print(f"| {c['words']:,} | {c['fuzzy_us']:.0f} | {c['locate_us']:.0f} | {c['theirs_per_extraction_us']:.0f} |")
    worst = min(rows, key=lambda r: r["speedup"])
    print()
    print(
        f"slowest ratio: {worst['speedup']:.0f}× ({worst['variant']}, {worst['words']:,} words, "
        f"{worst['extractions']} extractions); correct spans: ours {sum(r['ours_correct'] for r in rows)}, "
        f"theirs {sum(r['theirs_correct'] for r in rows)} of {sum(r['extractions'] for r in rows)}"
    )
    args.json.write_text(
        json.dumps({"langextract": le_version, "seed": SEED, "rows": rows, "fuzzy_cost": cost}, indent=1) + "\n",
        encoding="utf-8",
    )
    plot(rows, cost, args.png)
    print(f"wrote {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json} and {args.png}")


if __name__ == "__main__":
    main()
