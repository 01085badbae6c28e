"""Snapshot the offline engine's output on every fixture, and diff two snapshots item by item.

    python benchmarks/rules_snapshot.py save BEFORE.json        # at the commit before a refactor
    python benchmarks/rules_snapshot.py diff BEFORE.json        # after it: what changed, per article

A refactor that should not change behaviour must print "no differences"; one that should
(a rule widened) prints every item gained, lost or changed, for the commit message or the
closing note. The output of ``extract()`` (before the validator drops anything) and of
``summarize(engine="rules")`` (what a user gets) are both kept.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer import summarize  # noqa: E402
from summarizer.engines.rules import extract  # noqa: E402
from summarizer.evals import load_fixtures  # noqa: E402
from summarizer.schema import Briefing  # noqa: E402


def _items(b: Briefing) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for kind in b.item_kinds:
        out[kind.name] = [json.dumps(i.model_dump(mode="json"), sort_keys=True) for i in getattr(b, kind.name)]
    out["source"] = [json.dumps(b.source.model_dump(mode="json"), sort_keys=True)]
    return out


def snapshot() -> dict[str, Any]:
    data: dict[str, Any] = {}
    for fx in load_fixtures():
        data[fx.id] = {
            "extract": _items(extract(fx.text, article_date=fx.meta.date)),
            "summarize": _items(summarize(fx.text, engine="rules", date=fx.meta.date)),
        }
    return data


def _short(item: str) -> str:
    d = json.loads(item)
    for key in ("text", "cue", "name", "force"):
        v = d.get(key)
        if isinstance(v, dict) and "value" in v:
            return f"{key}={v['value'][:70]!r}"
        if isinstance(v, str):
            return f"{key}={v[:70]!r}"
    return item[:90]


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for fid in sorted(set(before) | set(after)):
        for stage in ("extract", "summarize"):
            b, a = before.get(fid, {}).get(stage, {}), after.get(fid, {}).get(stage, {})
            for kind in sorted(set(b) | set(a)):
                old, new = set(b.get(kind, [])), set(a.get(kind, []))
                for item in sorted(old - new):
                    lines.append(f"{fid} {stage} {kind}: - {_short(item)}")
                for item in sorted(new - old):
                    lines.append(f"{fid} {stage} {kind}: + {_short(item)}")
    return lines


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("action", choices=("save", "diff"))
    p.add_argument("file", type=Path)
    args = p.parse_args()
    now = snapshot()
    if args.action == "save":
        args.file.write_text(json.dumps(now, indent=1, ensure_ascii=False), encoding="utf-8")
        print(f"saved {len(now)} fixtures to {args.file}")
        return 0
    lines = diff(json.loads(args.file.read_text(encoding="utf-8")), now)
    print("\n".join(lines) if lines else "no differences")
    return 1 if lines else 0


if __name__ == "__main__":
    raise SystemExit(main())
