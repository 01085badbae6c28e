"""Validator and locator speed (issue 2 targets).

    python benchmarks/bench_validate.py

1. Validating a ~1,000-word article with 50 evidence spans: median time, target < 5 ms.
2. Linear in article length: 1k / 4k / 16k / 64k-word articles with 200 spans (located with
   ground() and then validated), target < 0.5 s at 64k words.

Each run starts cold: the per-text caches (normalised view, sentences, quotation marks,
person mentions) are cleared, so the numbers include building them.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.locate import ground  # noqa: E402
from summarizer.schema import Briefing, Evidence, SourceInfo, Span  # noqa: E402
from summarizer.text import source_text  # noqa: E402
from summarizer.validate import validate  # noqa: E402

FIXTURE = ROOT / "fixtures" / "articles" / "anti-isil-coalition"


def _words(text: str) -> int:
    return len(text.split())


def _article(words: int) -> tuple[str, Briefing]:
    """The fixture article repeated (each copy numbered) to ``words`` words (cut at a paragraph), plus its gold."""
    base = (FIXTURE / "article.txt").read_text(encoding="utf-8")
    gold = Briefing.model_validate_json((FIXTURE / "gold.json").read_text(encoding="utf-8"))
    parts, count, i = [base], _words(base), 1
    while count < words:
        for para in [f"Dispatch {i}.", *base.split("\n\n")]:
            parts.append(para)
            count += _words(para)
            if count >= words:
                break
        i += 1
    return "\n\n".join(parts), gold


def _unlocate(b: Briefing, limit: int) -> Briefing:
    """The gold's items as an engine would emit them (evidence strings only), capped at ``limit`` spans."""
    data = b.model_dump(mode="python")
    count = 0

    def walk(node: object) -> object:
        nonlocal count
        if isinstance(node, dict):
            if "spans" in node and isinstance(node["spans"], list):
                node["spans"] = [Span.unlocated(s["text"]).model_dump() for s in node["spans"]]
                count += len(node["spans"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        return node

    walk(data)
    return Briefing.model_validate(data)


def _cap(b: Briefing, spans: int) -> Briefing:
    """Keep items (in order) until ``spans`` evidence spans are reached; repeat items to reach it."""
    from summarizer.locate import iter_evidence

    items = {k: [] for k in ("meetings", "quotes", "front_lines", "incidents", "locations", "summary")}
    total = 0
    while total < spans:
        for path, item in b.items():
            name = path.split("[")[0]
            n = sum(len(ev.spans) for _, ev in iter_evidence(item, path))
            if total + n > spans:
                continue
            items[name].append(item)
            total += n
            if total >= spans:
                break
        else:
            if total == 0:
                break
            continue
        break
    return b.model_copy(update=items)


def _span_count(b: Briefing) -> int:
    from summarizer.locate import iter_evidence

    return sum(len(ev.spans) for p, i in b.items() for _, ev in iter_evidence(i, p) if isinstance(ev, Evidence))


def _time(fn: object, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        source_text.cache_clear()
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    text, gold = _article(1000)
    draft = _cap(_unlocate(gold, 10_000), 50)
    draft = draft.model_copy(update={"source": SourceInfo.of(text, article_date=gold.source.article_date)})
    grounded = ground(draft, text)
    n_spans = _span_count(grounded)
    times = _time(lambda: validate(grounded, text), 200)
    print(
        f"validate: {_words(text)} words, {n_spans} spans, median {statistics.median(times) * 1e3:.2f} ms, "
        f"p90 {sorted(times)[int(len(times) * 0.9)] * 1e3:.2f} ms (200 cold runs)"
    )
    print()
    print("| words | spans | ground (locate) | validate | total | total / words (µs) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for words in (1_000, 4_000, 16_000, 64_000):
        text, gold = _article(words)
        draft = _cap(_unlocate(gold, 10_000), 200)
        draft = draft.model_copy(update={"source": SourceInfo.of(text, article_date=gold.source.article_date)})
        g_times, v_times = [], []
        for _ in range(5):
            source_text.cache_clear()
            t0 = time.perf_counter()
            grounded = ground(draft, text)
            t1 = time.perf_counter()
            validate(grounded, text)
            t2 = time.perf_counter()
            g_times.append(t1 - t0)
            v_times.append(t2 - t1)
        g, v = statistics.median(g_times), statistics.median(v_times)
        print(
            f"| {_words(text):,} | {_span_count(grounded)} | {g * 1e3:.1f} ms | {v * 1e3:.1f} ms | "
            f"{(g + v) * 1e3:.1f} ms | {(g + v) / _words(text) * 1e6:.2f} |"
        )


if __name__ == "__main__":
    main()
