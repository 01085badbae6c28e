"""Field-level accuracy of the offline rules engine against the hand-checked gold (issue 4).

    python benchmarks/bench_accuracy.py [--per-article] [--json FILE] [--details]

Runs ``summarizer.engines.rules.extract(text, article_date=meta.date)`` on every fixture
article with a gold briefing, scores each briefing with ``summarizer.evals`` (optimal
one-to-one matching, 0.5 similarity cut-off) and prints the Markdown tables: micro and
macro P/R/F1 per field, then attribute accuracy over matched pairs (speaker accuracy of
direct quotes among them). An article on which the engine raises is scored as an empty
briefing and named in a note. ``--details`` lists the missed and extra items per article.

The tables are printed three times: all fixtures, the ``dev`` split (``meta.json``
``"split": "dev"``: articles in the tree while the rules were tuned) and the ``heldout``
split (articles written after the engine was finished, by someone who had not read it).

Issue 4 targets (direct quotes): precision >= 0.95 and recall >= 0.90 on content, speaker
accuracy >= 0.85; precision >= 0.8 for the other fields.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.evals import FIELDS, EvalReport, Fixture, load_fixtures, render_markdown, score_many  # noqa: E402
from summarizer.schema import Briefing  # noqa: E402


def _extract() -> Any:
    try:
        from summarizer.engines.rules import extract
    except ImportError as exc:
        raise SystemExit(f"the rules engine is not available ({exc}); nothing to measure") from exc
    return extract


def run(fixtures: list[Fixture]) -> tuple[EvalReport, list[str], dict[str, Briefing]]:
    extract = _extract()
    notes: list[str] = []
    predicted: dict[str, Briefing] = {}
    for f in fixtures:
        assert f.gold is not None
        try:
            predicted[f.id] = extract(f.text, article_date=f.meta.date)
        except Exception as exc:  # a crash is a result to report, not a reason to stop measuring
            notes.append(f"{f.id}: the engine raised {type(exc).__name__}: {exc} (scored as an empty briefing)")
            predicted[f.id] = Briefing(source=f.gold.source)
    report = score_many((f.id, predicted[f.id], f.gold) for f in fixtures if f.gold is not None)
    return report, notes, predicted


SPLITS = (("all fixtures", None), ("dev split (seen while the rules were tuned)", "dev"), ("held-out split", "heldout"))


def _subset(fixtures: list[Fixture], predicted: dict[str, Briefing], split: str) -> EvalReport:
    chosen = [f for f in fixtures if f.meta.split == split and f.gold is not None]
    return score_many((f.id, predicted[f.id], f.gold) for f in chosen if f.gold is not None)


def _item_text(item: Any) -> str:
    for attr in ("text", "name", "force", "cue"):
        value = getattr(item, attr, None)
        if value is not None and hasattr(value, "value"):
            return str(value.value)[:70]
    return type(item).__name__


def _field_items(b: Briefing, field: str) -> list[Any]:
    if field in ("quotes", "quote_speakers"):
        return [q for q in b.quotes if q.kind.value == "direct"]
    if field == "indirect_quotes":
        return [q for q in b.quotes if q.kind.value == "indirect"]
    if field == "participants":
        return [p for m in b.meetings for p in m.participants]
    return list(getattr(b, field))


def details(report: EvalReport, fixtures: list[Fixture], predicted: dict[str, Briefing]) -> str:
    golds = {f.id: f.gold for f in fixtures}
    lines: list[str] = []
    for art in report.articles:
        gold = golds[art.article_id]
        assert gold is not None
        for fs in art.fields:
            g_items, p_items = _field_items(gold, fs.field), _field_items(predicted[art.article_id], fs.field)
            for i in fs.missed:
                lines.append(f"- {art.article_id} {fs.field}: missed {_item_text(g_items[i])!r}")
            for j in fs.extra:
                lines.append(f"- {art.article_id} {fs.field}: extra {_item_text(p_items[j])!r}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-article", action="store_true", help="add a table of F1 per article and field")
    ap.add_argument("--details", action="store_true", help="list missed and extra items")
    ap.add_argument("--json", type=Path, help="also write the full report as JSON")
    args = ap.parse_args(argv)
    fixtures = [f for f in load_fixtures() if f.gold is not None]
    report, notes, predicted = run(fixtures)
    for label, split in SPLITS:
        part = report if split is None else _subset(fixtures, predicted, split)
        ids = [a.article_id for a in part.articles]
        print(f"## {label}\n\nrules engine on {len(ids)} fixture articles: {', '.join(ids) or '(none)'}\n")
        print(render_markdown(part, per_article=args.per_article))
    for note in notes:
        print(f"Note: {note}")
    if args.details:
        print(details(report, fixtures, predicted))
    if args.json:
        args.json.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    assert [f.field for f in report.fields] == list(FIELDS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
