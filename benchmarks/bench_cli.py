"""A folder of articles briefed offline by the command line, against the library's own pace.

    python benchmarks/bench_cli.py [--articles 1000] [--repeat 1]

Writes N articles (the fixture articles in turn, each under its own name and with a
"Dispatch N." line so no two texts are the same) into a temporary folder, then:

1. **library**: a child process that reads each file and calls ``summarize(text,
   engine="rules")`` in one loop: one core's throughput for a process, the reference
   (it pays for starting Python and loading the engine, as the CLI does);
2. **CLI, progress on**: ``summarizer brief DIR -f jsonl -o FILE --engine rules`` in a
   child process whose stderr is a pseudo-terminal, so the rich progress bar is drawn;
3. **CLI, plain lines**: the same with stderr a pipe (one progress line per article).

It reports articles per second for each, the CLI's share of the library's throughput
(target: at least 90 %) and the child's CPU time over its wall time (one core = 100 %).
Runs alternate library and CLI; with ``--repeat`` above 1 a last row compares the fastest
of each (noise on a shared machine only ever slows a run).
The CLI's time includes starting Python, reading and extracting the files, merging
nothing (JSONL) and writing every line.
"""

from __future__ import annotations

import argparse
import os
import pty
import resource
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.sources import meta_date  # noqa: E402


def _write_articles(folder: Path, n: int) -> list[tuple[str, object]]:
    fixtures = sorted((ROOT / "fixtures" / "articles").glob("*/article.txt"))
    out = []
    for i in range(n):
        src = fixtures[i % len(fixtures)]
        text = src.read_text(encoding="utf-8")
        head, _, rest = text.partition("\n")
        body = f"{head}\n\nDispatch {i}.\n{rest}"
        (folder / f"{i:05d}-{src.parent.name}.txt").write_text(body, encoding="utf-8")
        out.append((body, meta_date(src)))
    return out


LIBRARY_LOOP = """
import sys
from pathlib import Path
from summarizer import read_article, summarize
for p in sorted(Path(sys.argv[1]).glob("*.txt")):
    summarize(read_article(p), engine="rules")
"""


def _child(argv: list[str], *, tty: bool) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and exit code of one CLI run (stderr a pty when ``tty``)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    if tty:
        master, slave = pty.openpty()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
        os.close(slave)
        while True:  # drain the terminal so the child never blocks on it
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    if not os.read(master, 65536):
                        break
                except OSError:
                    break
            elif proc.poll() is not None:
                break
        code = proc.wait()
        os.close(master)
    else:
        code = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, check=False).returncode
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, code


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    exe = shutil.which("summarizer") or "summarizer"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "news"
        folder.mkdir()
        _write_articles(folder, args.articles)
        out = Path(tmp) / "out.jsonl"
        argv = [exe, "brief", str(folder), "-f", "jsonl", "-o", str(out), "--engine", "rules"]
        for _ in range(args.repeat):
            lib, _, code0 = _child([sys.executable, "-c", LIBRARY_LOOP, str(folder)], tty=False)
            tty_wall, tty_cpu, code1 = _child(argv, tty=True)
            lines = sum(1 for _ in out.open(encoding="utf-8"))
            plain_wall, plain_cpu, code2 = _child(argv, tty=False)
            assert code0 == code1 == code2 == 0, (code0, code1, code2)
            assert lines == args.articles, lines
            rows.append((lib, tty_wall, tty_cpu, plain_wall, plain_cpu))
    n = args.articles
    print(f"{n} articles, {os.cpu_count()} cores\n")
    print("| run | library | CLI, progress bar | share | CPU/wall | CLI, plain lines | share | CPU/wall |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k, (lib, tw, tc, pw, pc) in enumerate(rows, start=1):
        print(
            f"| {k} | {n / lib:.1f}/s ({lib:.1f} s) | {n / tw:.1f}/s ({tw:.1f} s) | {lib / tw:.0%} | {tc / tw:.0%} "
            f"| {n / pw:.1f}/s ({pw:.1f} s) | {lib / pw:.0%} | {pc / pw:.0%} |"
        )
    if len(rows) > 1:  # the fastest of each: this machine's noise only ever slows a run down
        lib, tw, pw = (min(r[k] for r in rows) for k in (0, 1, 3))
        print(f"| best | {n / lib:.1f}/s | {n / tw:.1f}/s | {lib / tw:.0%} | | {n / pw:.1f}/s | {lib / pw:.0%} | |")


if __name__ == "__main__":
    main()
