"""Speed of the daily briefing: merging many articles' briefings, and its HTML report.

    python benchmarks/bench_daily.py [--merge-articles N] [--html-articles N] [--repeat N] [--no-browser]

Builds 20 distinct briefings once with the rules engine, each of two fixture articles
joined (about 6,000 characters and 40 items: the size of a wire story with its
quotes), then replicates them under distinct ids and five outlets:

- merge: ``summarizer.daily.merge`` of ``--merge-articles`` (default 1,000) articles;
  target under 1 s;
- HTML: ``summarizer.html_report.to_html`` of a daily briefing of ``--html-articles``
  (default 100) articles, written to a file; target under 2 s;
- open: that file loaded in headless Chromium (Debian chromium and chromium-driver),
  from navigation start to the load event (Navigation Timing); target under 2 s.

Each figure is the median of ``--repeat`` runs (default 5; 3 for the browser).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer import summarize  # noqa: E402
from summarizer.daily import DailyArticle, DailyBriefing, merge  # noqa: E402
from summarizer.evals import load_fixtures  # noqa: E402
from summarizer.html_report import to_html  # noqa: E402

OUTLETS = ("AFP", "Reuters", "AP", "dpa", "Anadolu")
DISTINCT = 20


def _distinct() -> list[DailyArticle]:
    fixtures = load_fixtures()
    out = []
    for k in range(DISTINCT):
        a, b = fixtures[k % len(fixtures)], fixtures[(k + 7) % len(fixtures)]
        text = a.text.rstrip() + "\n\n" + b.text
        date = a.meta.date
        briefing = summarize(text, engine="rules", date=date)
        out.append(
            DailyArticle(id=f"{a.id}+{b.id}", ok=True, title=a.meta.title, date=date, text=text, briefing=briefing)
        )
    return out


def _replicate(base: list[DailyArticle], n: int) -> list[DailyArticle]:
    return [
        base[i % len(base)].model_copy(
            update={
                "id": f"feed.jsonl:{i + 1}",
                "outlet": OUTLETS[i % len(OUTLETS)],
                "url": f"https://news.example/{i + 1}",
            }
        )
        for i in range(n)
    ]


def _median(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def _items(d: DailyBriefing) -> tuple[int, int]:
    sections = (d.highlights, d.meetings, d.front_lines, d.incidents, d.quotes)
    return sum(len(s) for s in sections), sum(len(m.sources) for s in sections for m in s)


def _open_in_chromium(path: Path, repeat: int) -> tuple[float, float] | str:
    if not (Path("/usr/bin/chromium").exists() and Path("/usr/bin/chromedriver").exists()):
        return "skipped: Debian chromium and chromium-driver are needed"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        loads, readies = [], []
        for _ in range(repeat):
            driver.get("about:blank")
            driver.get(path.as_uri())
            nav = driver.execute_script(
                "const n = performance.getEntriesByType('navigation')[0];"
                "return [n.domContentLoadedEventEnd - n.startTime, n.loadEventEnd - n.startTime];"
            )
            readies.append(nav[0] / 1000)
            loads.append(nav[1] / 1000)
        return statistics.median(readies), statistics.median(loads)
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--merge-articles", type=int, default=1_000)
    parser.add_argument("--html-articles", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    t = time.perf_counter()
    base = _distinct()
    setup = time.perf_counter() - t
    chars = statistics.mean(len(a.text or "") for a in base)
    per_article = statistics.mean(_items(merge([a]))[0] for a in base)
    print(
        f"{DISTINCT} distinct briefings (rules engine) in {setup:.1f} s: {chars:,.0f} characters, "
        f"{per_article:.0f} items each on average; {platform.python_version()}, {platform.machine()}\n"
    )

    many = _replicate(base, args.merge_articles)
    merge_s, merged = _median(lambda: merge(many), args.repeat)
    items, sources = _items(merged)

    few = merge(_replicate(base, args.html_articles))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "daily.html"
        html_s, _ = _median(lambda: path.write_text(to_html(few), encoding="utf-8"), args.repeat)
        size = path.stat().st_size
        opened = "not run (--no-browser)" if args.no_browser else _open_in_chromium(path, 3)
    h_items, h_sources = _items(few)

    print("| step | input | result | median | target |")
    print("|---|---|---|---:|---:|")
    print(
        f"| merge | {args.merge_articles:,} articles | {items:,} items from {sources:,} sources "
        f"| {merge_s * 1000:,.0f} ms | < 1 s |"
    )
    print(
        f"| HTML report: write | {args.html_articles:,} articles, {h_items:,} items from {h_sources:,} sources "
        f"| {size / 1e6:.1f} MB | {html_s * 1000:,.0f} ms | < 2 s |"
    )
    if isinstance(opened, tuple):
        print(f"| HTML report: open in Chromium | that file | DOMContentLoaded | {opened[0] * 1000:,.0f} ms | |")
        print(f"| HTML report: open in Chromium | that file | load event | {opened[1] * 1000:,.0f} ms | < 2 s |")
    else:
        print(f"| HTML report: open in Chromium | that file | {opened} | | < 2 s |")


if __name__ == "__main__":
    main()
