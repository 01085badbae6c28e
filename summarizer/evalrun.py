"""Eval runs: an engine over the fixture articles, kept on disk, re-scored and compared.

A run file (:class:`EvalRun`, JSON) keeps everything needed to score the run again
without running the engine: each article's briefing as the engine returned it, the
identity of what produced it (engine, model, prompt id, prompts directory, record /
replay mode, library version), per-article metrics and the aggregate scores. When the
gold or the metrics change, :func:`rescore` scores the kept briefings against the
fixtures as they are now.

Per article: field scores (counts, and the anchor texts of the gold items matched and
missed and of the predictions matched to nothing, so a diff can say which items were
gained and lost), the grounding rate before validation (``briefing.validation``: the
report of what the engine returned, before anything was dropped) and after it (the kept
briefing validated again), coverage, re-asks, tokens and latency.

:func:`diff` compares two runs metric by metric (on the articles both ran; aggregates
are recomputed from the per-article counts when the sets differ) and fails a metric
that moves the wrong way by more than its tolerance (:class:`Tolerances`, a TOML file).
The grounding rates may never drop.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from . import __version__, errors
from .config import LLMSettings
from .errors import ConfigurationError, FixtureError, SummarizerError
from .evals import (
    FIELD_LABELS,
    FIELDS,
    SUBFIELD_LABELS,
    FieldScore,
    FieldSummary,
    Fixture,
    SubfieldScore,
    _load_model,
    item_anchor,
    items_of,
    score_briefing,
    summarise_field,
)
from .schema import SCHEMA_VERSION, Briefing
from .validate import validate

__all__ = [
    "ArticleMetrics",
    "ArticleRun",
    "EvalRun",
    "FieldResult",
    "Mode",
    "RunDiff",
    "RunIdentity",
    "Tolerances",
    "aggregate",
    "diff",
    "load_run",
    "load_tolerances",
    "rescore",
    "run_eval",
    "run_settings",
    "summaries",
]

Mode = Literal["replay", "record", "live"]
EngineName = Literal["rules", "llm"]
RUN_FORMAT = "summarizer.eval-run"
NEVER_DROP = ("grounding.before", "grounding.after")  # whatever a tolerance file says
LOWER_IS_BETTER = ("errors", "reasks", "tokens", "latency.mean_s", "latency.total_s")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- the run file


class RunIdentity(_Frozen):
    """What produced a run: enough to tell two runs' engines, models and prompts apart."""

    engine: EngineName
    mode: Mode
    model: str | None = None
    prompt_id: str | None = None  # provenance.prompt_id of the briefings ("several" when they differ)
    prompts_dir: str | None = None
    summarizer_version: str = __version__
    schema_version: str = SCHEMA_VERSION


class SubCounts(_Frozen):
    """Counts of one sub-field of one article (see :class:`summarizer.evals.SubfieldScore`)."""

    field: str
    gold: int
    predicted: int
    tp: int
    matched: int


class FieldResult(_Frozen):
    """One field of one article: counts, and the anchor texts of what matched and what did not."""

    field: str
    gold: int
    predicted: int
    tp: int
    matched: tuple[str, ...] = ()  # gold items matched
    missed: tuple[str, ...] = ()  # gold items not matched
    extra: tuple[str, ...] = ()  # predictions matched to nothing
    subfields: tuple[SubCounts, ...] = ()

    def score(self) -> FieldScore:
        subs = tuple(SubfieldScore(**s.model_dump()) for s in self.subfields)
        return FieldScore(field=self.field, gold=self.gold, predicted=self.predicted, tp=self.tp, subfields=subs)


class ArticleMetrics(_Frozen):
    fields_checked_before: int = 0
    fields_verified_before: int = 0
    fields_checked_after: int = 0
    fields_verified_after: int = 0
    coverage: float | None = None  # briefing.validation.coverage.rate
    dropped: int = 0
    reasks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    cached: bool = False
    latency_s: float = 0.0


class ArticleRun(_Frozen):
    id: str
    split: str = "dev"
    text_sha256: str
    gold_sha256: str | None = None
    briefing: Briefing | None = None  # None: the engine raised (``error``)
    error: str | None = None
    error_type: str | None = None
    metrics: ArticleMetrics = Field(default_factory=ArticleMetrics)
    fields: tuple[FieldResult, ...] = ()


class EvalRun(_Frozen):
    """A run file: ``summarizer eval run -o FILE`` writes one, ``diff`` and ``rescore`` read them."""

    format: Literal["summarizer.eval-run"] = "summarizer.eval-run"
    version: Literal[1] = 1
    created_at: dt.datetime | None = None
    fixtures: str = ""  # the directory the articles came from, as given
    identity: RunIdentity
    articles: tuple[ArticleRun, ...]
    scores: dict[str, float] = Field(default_factory=dict)  # :func:`aggregate` of the articles

    def article(self, article_id: str) -> ArticleRun:
        for a in self.articles:
            if a.id == article_id:
                return a
        raise KeyError(article_id)

    def dump(self) -> str:
        return self.model_dump_json(indent=1, exclude_none=True) + "\n"


def load_run(path: Path) -> EvalRun:
    """Read a run file; a file that is not one raises :class:`FixtureError` naming it."""
    return _load_model(path, EvalRun)


# --------------------------------------------------------------------------- running


def run_settings(
    settings: LLMSettings, mode: Mode, *, recordings_dir: Path | None = None, cache: bool = False
) -> LLMSettings:
    """``settings`` in record / replay / live ``mode`` (the response cache off: it would hide tokens and latency)."""
    changes: dict[str, object] = {"cache": cache}
    if hasattr(settings, "recording_mode"):
        changes["recording_mode"] = mode
        if recordings_dir is not None:
            changes["recordings_dir"] = recordings_dir
    elif mode != "live":
        raise ConfigurationError(
            f"--mode {mode} needs the LLM engine's record/replay, which this build lacks; use live"
        )
    return settings.replace(**changes)


def recording_miss_error() -> type[BaseException] | None:
    """:class:`summarizer.errors.RecordingMissError` where the build has it."""
    found = getattr(errors, "RecordingMissError", None)
    return found if isinstance(found, type) else None


def run_eval(
    fixtures: Sequence[Fixture],
    *,
    engine: EngineName = "rules",
    mode: Mode = "replay",
    settings: LLMSettings | None = None,
    prompts_dir: Path | None = None,
    fixtures_dir: str = "",
    progress: Callable[[ArticleRun], None] | None = None,
) -> EvalRun:
    """Run ``engine`` on every fixture with gold, one article at a time, and score it.

    An article on which the engine raises a :class:`SummarizerError` is kept with its
    error and scored as an empty briefing; a replay miss and a configuration error are
    raised (the run would not be what was asked for).
    """
    from .api import summarize

    miss = recording_miss_error()
    runs: list[ArticleRun] = []
    for f in fixtures:
        if f.gold is None:
            continue
        started = time.perf_counter()
        try:
            b: Briefing | None = summarize(f.text, engine=engine, settings=settings, date=f.meta.date)
            err: SummarizerError | None = None
        except SummarizerError as exc:
            if isinstance(exc, ConfigurationError) or (miss is not None and isinstance(exc, miss)):
                raise  # every article would meet it: the run is not what was asked for
            b, err = None, exc
        latency = time.perf_counter() - started
        art = _article(f, b, latency=latency, error=err)
        runs.append(art)
        if progress is not None:
            progress(art)
    identity = RunIdentity(
        engine=engine, mode=mode, prompts_dir=str(prompts_dir) if prompts_dir else None, **_who(runs)
    )
    if settings is not None and identity.model is None and engine == "llm":
        identity = identity.model_copy(update={"model": settings.model})
    return EvalRun(
        created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        fixtures=fixtures_dir,
        identity=identity,
        articles=tuple(runs),
        scores=aggregate(runs),
    )


def _who(runs: Sequence[ArticleRun]) -> dict[str, str | None]:
    provs = [a.briefing.provenance for a in runs if a.briefing is not None and a.briefing.provenance is not None]
    models = {p.model for p in provs if p.model}
    prompts = {p.prompt_id for p in provs if p.prompt_id}
    return {
        "model": next(iter(models)) if len(models) == 1 else ("several" if models else None),
        "prompt_id": next(iter(prompts)) if len(prompts) == 1 else ("several" if prompts else None),
    }


def _sha(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def _article(f: Fixture, b: Briefing | None, *, latency: float, error: SummarizerError | None = None) -> ArticleRun:
    assert f.gold is not None
    return ArticleRun(
        id=f.id,
        split=f.meta.split,
        text_sha256=_sha(f.text),
        gold_sha256=_sha(f.gold.model_dump_json()),
        briefing=b,
        error=None if error is None else str(error),
        error_type=None if error is None else type(error).__name__,
        metrics=_metrics(b, f.text, latency),
        fields=_fields(b if b is not None else Briefing(source=f.gold.source), f.gold, f.id),
    )


def _metrics(b: Briefing | None, text: str, latency: float) -> ArticleMetrics:
    if b is None:
        return ArticleMetrics(latency_s=round(latency, 4))
    before = b.validation if b.validation is not None else validate(b, text)
    after = validate(b, text)
    prov = b.provenance
    return ArticleMetrics(
        fields_checked_before=before.fields_checked,
        fields_verified_before=before.fields_verified,
        fields_checked_after=after.fields_checked,
        fields_verified_after=after.fields_verified,
        coverage=None if before.coverage is None else round(before.coverage.rate, 6),
        dropped=0 if prov is None else len(prov.dropped),
        reasks=0 if prov is None else prov.reasks,
        prompt_tokens=0 if prov is None else prov.usage.prompt_tokens,
        completion_tokens=0 if prov is None else prov.usage.completion_tokens,
        total_tokens=0 if prov is None else prov.usage.total_tokens,
        cached=False if prov is None else prov.cached,
        latency_s=round(latency, 4),
    )


def _fields(predicted: Briefing, gold: Briefing, article_id: str) -> tuple[FieldResult, ...]:
    score = score_briefing(predicted, gold, article_id=article_id)
    out = []
    for fs in score.fields:
        g_items, p_items = items_of(gold, fs.field), items_of(predicted, fs.field)
        out.append(
            FieldResult(
                field=fs.field,
                gold=fs.gold,
                predicted=fs.predicted,
                tp=fs.tp,
                matched=tuple(item_anchor(g_items[m.gold]) for m in fs.matches),
                missed=tuple(item_anchor(g_items[i]) for i in fs.missed),
                extra=tuple(item_anchor(p_items[j]) for j in fs.extra),
                subfields=tuple(
                    SubCounts(field=s.field, gold=s.gold, predicted=s.predicted, tp=s.tp, matched=s.matched)
                    for s in fs.subfields
                ),
            )
        )
    return tuple(out)


def rescore(run: EvalRun, fixtures: Sequence[Fixture]) -> EvalRun:
    """The run's kept briefings scored against ``fixtures`` as they are now (gold, metrics, validator).

    Articles of the run with no fixture (or no gold) now are left out; fixtures the run
    never saw are not added (run the engine for those). A fixture whose text changed
    since the run raises :class:`FixtureError`: its briefing's spans index another text.
    """
    by_id = {f.id: f for f in fixtures if f.gold is not None}
    kept = []
    for a in run.articles:
        f = by_id.get(a.id)
        if f is None:
            continue
        if _sha(f.text) != a.text_sha256:
            raise FixtureError(f"{f.path / 'article.txt'}: changed since the run was made; run the engine again")
        fresh = _article(f, a.briefing, latency=a.metrics.latency_s)
        kept.append(fresh.model_copy(update={"error": a.error, "error_type": a.error_type}))
    return run.model_copy(update={"articles": tuple(kept), "scores": aggregate(kept)})


# --------------------------------------------------------------------------- aggregates


def summaries(articles: Iterable[ArticleRun]) -> tuple[FieldSummary, ...]:
    """Micro and macro scores per field and sub-field over ``articles``, from their stored counts."""
    arts = list(articles)
    per_field: dict[str, list[FieldScore]] = {name: [] for name in FIELDS}
    for a in arts:
        for fr in a.fields:
            per_field.setdefault(fr.field, []).append(fr.score())
    return tuple(summarise_field(name, rows) for name, rows in per_field.items())


def _r(x: float) -> float:
    return round(x, 6)


def aggregate(articles: Iterable[ArticleRun]) -> dict[str, float]:
    """The flat metrics of a run: ``<field>.f1``, ``<field>.<sub-field>.accuracy``, ``grounding.before``, ..."""
    arts = list(articles)
    out: dict[str, float] = {}
    for s in summaries(arts):
        for k in ("precision", "recall", "f1", "macro_precision", "macro_recall", "macro_f1"):
            out[f"{s.field}.{k}"] = _r(getattr(s, k))
        for sub in s.subfields:
            for k in ("precision", "recall", "f1", "accuracy"):
                out[f"{sub.field}.{k}"] = _r(getattr(sub, k))
    m = [a.metrics for a in arts]
    out["grounding.before"] = _r(
        _rate(sum(x.fields_verified_before for x in m), sum(x.fields_checked_before for x in m))
    )
    out["grounding.after"] = _r(_rate(sum(x.fields_verified_after for x in m), sum(x.fields_checked_after for x in m)))
    covered = [x.coverage for x in m if x.coverage is not None]
    out["coverage"] = _r(sum(covered) / len(covered)) if covered else 1.0
    out["errors"] = float(sum(a.briefing is None for a in arts))
    out["reasks"] = float(sum(x.reasks for x in m))
    out["tokens"] = float(sum(x.total_tokens for x in m))
    out["latency.total_s"] = round(sum(x.latency_s for x in m), 4)
    out["latency.mean_s"] = round(out["latency.total_s"] / len(m), 4) if m else 0.0
    return out


def _rate(num: int, den: int) -> float:
    return 1.0 if den == 0 else num / den


RUN_LABELS = {
    "grounding.before": "grounding rate before validation",
    "grounding.after": "grounding rate after validation",
    "coverage": "coverage (mean per article)",
    "errors": "articles failed",
    "reasks": "re-asks",
    "tokens": "tokens",
    "latency.total_s": "latency, total (s)",
    "latency.mean_s": "latency per article (s)",
}


def metric_label(name: str) -> str:
    """``quotes.f1`` -> ``direct quotes: content · F1``."""
    if name in RUN_LABELS:
        return RUN_LABELS[name]
    stem, _, stat = name.rpartition(".")
    base = FIELD_LABELS.get(stem) or SUBFIELD_LABELS.get(stem)
    if base is None:
        return name
    return f"{base} · {stat.replace('macro_', 'macro ').replace('f1', 'F1')}"


# --------------------------------------------------------------------------- tolerances


class Tolerances(_Frozen):
    """How far a metric may move the wrong way before a diff fails.

    Keys are metric names or ``fnmatch`` patterns (``"*.f1"``); an exact name wins over a
    pattern, a longer pattern over a shorter one. ``max_drop`` is for metrics where higher
    is better, ``max_rise`` for errors, re-asks, tokens and latency. A metric no key matches
    is shown, not gated. The grounding rates are gated at 0 whatever the file says.
    """

    max_drop: dict[str, float] = Field(default_factory=dict)
    max_rise: dict[str, float] = Field(default_factory=dict)

    def limit(self, metric: str) -> float | None:
        if metric in NEVER_DROP:
            return 0.0
        table = self.max_rise if metric in LOWER_IS_BETTER else self.max_drop
        if metric in table:
            return table[metric]
        hits = [p for p in table if fnmatch.fnmatchcase(metric, p)]
        return table[max(hits, key=len)] if hits else None


DEFAULT_TOLERANCES = Tolerances(
    max_drop={"*.f1": 0.02, "*.precision": 0.03, "*.recall": 0.03, "*.accuracy": 0.05, "coverage": 0.02},
    max_rise={"errors": 0.0},
)


def load_tolerances(path: Path) -> Tolerances:
    """Read a tolerances TOML file; errors name the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FixtureError(f"{path}: cannot read the tolerances ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise FixtureError(f"{path}: not TOML ({exc})") from exc
    try:
        tol = Tolerances.model_validate(data)
    except ValueError as exc:
        raise FixtureError(f"{path}: not a tolerances file ({exc}); use [max_drop] and [max_rise] tables") from exc
    bad = [k for k, v in (*tol.max_drop.items(), *tol.max_rise.items()) if v < 0]
    if bad:
        raise FixtureError(f"{path}: tolerances must be >= 0 ({', '.join(bad)})")
    return tol


# --------------------------------------------------------------------------- diff


class MetricDelta(_Frozen):
    name: str
    label: str
    base: float | None
    cand: float | None
    delta: float | None
    tolerance: float | None  # None: shown, not gated
    higher_is_better: bool
    failed: bool


class ArticleChange(_Frozen):
    """One field of one article whose matches changed: gold items gained and lost, extras new and gone."""

    article_id: str
    field: str
    base_tp: int
    cand_tp: int
    gained: tuple[str, ...] = ()
    lost: tuple[str, ...] = ()
    new_extra: tuple[str, ...] = ()
    gone_extra: tuple[str, ...] = ()


class RunDiff(_Frozen):
    base: RunIdentity
    cand: RunIdentity
    compared: tuple[str, ...]  # article ids both runs have
    only_base: tuple[str, ...] = ()
    only_cand: tuple[str, ...] = ()
    gold_changed: tuple[str, ...] = ()  # articles scored against different gold: rescore one of the runs
    metrics: tuple[MetricDelta, ...]
    changes: tuple[ArticleChange, ...] = ()
    grounding: tuple[tuple[str, float, float], ...] = ()  # (article, before-rate base, cand) where it moved

    @property
    def failed(self) -> tuple[MetricDelta, ...]:
        return tuple(m for m in self.metrics if m.failed)


def diff(base: EvalRun, cand: EvalRun, tolerances: Tolerances = DEFAULT_TOLERANCES) -> RunDiff:
    """``cand`` against ``base``: every metric with its delta and verdict, then the articles that changed."""
    b_ids, c_ids = [a.id for a in base.articles], {a.id for a in cand.articles}
    shared = tuple(i for i in b_ids if i in c_ids)
    same_set = set(b_ids) == c_ids
    b_scores = base.scores if same_set else aggregate(base.article(i) for i in shared)
    c_scores = cand.scores if same_set else aggregate(cand.article(i) for i in shared)
    return RunDiff(
        base=base.identity,
        cand=cand.identity,
        compared=shared,
        only_base=tuple(i for i in b_ids if i not in c_ids),
        only_cand=tuple(a.id for a in cand.articles if a.id not in set(b_ids)),
        gold_changed=tuple(i for i in shared if base.article(i).gold_sha256 != cand.article(i).gold_sha256),
        metrics=tuple(_delta(n, b_scores.get(n), c_scores.get(n), tolerances) for n in _names(b_scores, c_scores)),
        changes=tuple(c for i in shared for c in _changes(base.article(i), cand.article(i))),
        grounding=tuple(g for i in shared if (g := _grounding(base.article(i), cand.article(i))) is not None),
    )


def _names(a: dict[str, float], b: dict[str, float]) -> list[str]:
    return [*a, *(k for k in b if k not in a)]


def _delta(name: str, b: float | None, c: float | None, tol: Tolerances) -> MetricDelta:
    higher = name not in LOWER_IS_BETTER
    limit = tol.limit(name)
    delta = None if b is None or c is None else _r(c - b)
    worse = 0.0 if delta is None else (-delta if higher else delta)
    return MetricDelta(
        name=name,
        label=metric_label(name),
        base=b,
        cand=c,
        delta=delta,
        tolerance=limit,
        higher_is_better=higher,
        failed=limit is not None and worse > limit + 1e-9,
    )


def _minus(a: Sequence[str], b: Sequence[str]) -> tuple[str, ...]:
    return tuple((Counter(a) - Counter(b)).elements())


def _changes(b: ArticleRun, c: ArticleRun) -> list[ArticleChange]:
    cf = {f.field: f for f in c.fields}
    out = []
    for bf in b.fields:
        f = cf.get(bf.field)
        if f is None:
            continue
        change = ArticleChange(
            article_id=b.id,
            field=bf.field,
            base_tp=bf.tp,
            cand_tp=f.tp,
            gained=_minus(f.matched, bf.matched),
            lost=_minus(bf.matched, f.matched),
            new_extra=_minus(f.extra, bf.extra),
            gone_extra=_minus(bf.extra, f.extra),
        )
        if change.gained or change.lost or change.new_extra or change.gone_extra:
            out.append(change)
    return out


def _grounding(b: ArticleRun, c: ArticleRun) -> tuple[str, float, float] | None:
    rb = _rate(b.metrics.fields_verified_before, b.metrics.fields_checked_before)
    rc = _rate(c.metrics.fields_verified_before, c.metrics.fields_checked_before)
    return None if abs(rb - rc) < 1e-9 else (b.id, _r(rb), _r(rc))


# --------------------------------------------------------------------------- rendering


def _num(x: float | None, name: str) -> str:
    if x is None:
        return "—"
    if name in ("errors", "reasks", "tokens"):
        return f"{x:,.0f}"
    return f"{x:.3f}"


def _sign(d: float | None, name: str) -> str:
    if d is None or abs(d) < 5e-7:
        return "0"
    return ("+" if d > 0 else "") + _num(d, name)


def delta_rows(d: RunDiff, *, changed_only: bool = False) -> list[tuple[str, str, str, str, str, str]]:
    """(metric, baseline, candidate, delta, tolerance, verdict) strings, for any table renderer."""
    rows = []
    for m in d.metrics:
        if changed_only and not m.failed and (m.delta is None or abs(m.delta) < 5e-7):
            continue
        tol = "—" if m.tolerance is None else ("-" if m.higher_is_better else "+") + _num(m.tolerance, m.name)
        verdict = "FAIL" if m.failed else ("ok" if m.tolerance is not None else "")
        rows.append((m.label, _num(m.base, m.name), _num(m.cand, m.name), _sign(m.delta, m.name), tol, verdict))
    return rows


def _md_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 2) + "---|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return lines


HEADER = ("metric", "baseline", "candidate", "Δ", "tolerance", "")


def diff_markdown(d: RunDiff) -> str:
    """The diff as Markdown fit for a PR comment: verdict, changed metrics, the full table folded, changed items."""
    verdict = (
        f"**{len(d.failed)} metric(s) dropped beyond tolerance**"
        if d.failed
        else "**No metric dropped beyond its tolerance.**"
    )
    lines = [
        "### Eval diff",
        "",
        f"{verdict} Baseline: {_who_text(d.base)}; candidate: {_who_text(d.cand)}; "
        f"{len(d.compared)} article(s) compared.",
        "",
        *_notes(d),
        *_md_table(HEADER, delta_rows(d, changed_only=True) or [("(no metric changed)", "", "", "", "", "")]),
        "",
        "<details><summary>All metrics</summary>",
        "",
        *_md_table(HEADER, delta_rows(d)),
        "",
        "</details>",
        "",
    ]
    if d.changes or d.grounding:
        lines += ["#### Articles that changed", ""]
        lines += [f"- `{a}` grounding before validation: {x:.2f} → {y:.2f}" for a, x, y in d.grounding]
        lines += [_change_line(c, md=True) for c in d.changes]
        lines.append("")
    return "\n".join(lines)


def _who_text(i: RunIdentity) -> str:
    bits = [i.engine, i.mode] + [x for x in (i.model, i.prompt_id) if x]
    return " / ".join(bits)


def _notes(d: RunDiff) -> list[str]:
    out = []
    if d.only_base:
        out.append(f"Only in the baseline (not compared): {', '.join(d.only_base)}.")
    if d.only_cand:
        out.append(f"Only in the candidate (not compared): {', '.join(d.only_cand)}.")
    if d.gold_changed:
        out.append(f"Scored against different gold: {', '.join(d.gold_changed)} (rescore the older run).")
    return [*(f"{n}\n" for n in out)]


def _quote(items: Sequence[str], md: bool) -> str:
    short = [s if len(s) <= 60 else s[:57] + "..." for s in items]
    return ", ".join(f"`{s}`" if md else repr(s) for s in short)


def _change_line(c: ArticleChange, *, md: bool) -> str:
    parts = []
    for what, items in (
        ("gained", c.gained),
        ("lost", c.lost),
        ("new extra", c.new_extra),
        ("extra gone", c.gone_extra),
    ):
        if items:
            parts.append(f"{what} {_quote(items, md)}")
    head = f"`{c.article_id}` {FIELD_LABELS[c.field]}" if md else f"{c.article_id} {FIELD_LABELS[c.field]}"
    return f"- {head} ({c.base_tp} → {c.cand_tp} matched): " + "; ".join(parts)


def diff_text(d: RunDiff) -> str:
    """The diff as plain text columns (no terminal features), then :func:`diff_tail`."""
    rows = [HEADER, *delta_rows(d)]
    return columns(rows) + diff_tail(d)


def columns(rows: Sequence[Sequence[str]]) -> str:
    """Rows as plain left / right aligned columns (the first row is the header)."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "".join(
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))) + "\n"
        for r in rows
    )


def diff_tail(d: RunDiff) -> str:
    """What follows the metrics table in text output: notes, the articles that changed, the verdict."""
    lines = [n.strip() for n in _notes(d)]
    if d.changes or d.grounding:
        lines += ["", "articles that changed:"]
        lines += [f"- {a} grounding before validation: {x:.2f} -> {y:.2f}" for a, x, y in d.grounding]
        lines += [_change_line(c, md=False) for c in d.changes]
    lines.append(
        f"{len(d.failed)} metric(s) dropped beyond tolerance" if d.failed else "no regression beyond tolerance"
    )
    return "\n".join(lines) + "\n"


def diff_json(d: RunDiff) -> str:
    return d.model_dump_json(indent=2) + "\n"


def score_rows(run: EvalRun) -> list[tuple[str, ...]]:
    """(field, gold, predicted, matched, P, R, F1, macro F1, accuracy) per field and sub-field of a run."""
    rows: list[tuple[str, ...]] = []
    for s in summaries(run.articles):
        rows.append(_row(FIELD_LABELS[s.field], s.gold, s.predicted, s.tp, s.precision, s.recall, s.f1, s.macro_f1))
        for sub in s.subfields:
            label = "  " + SUBFIELD_LABELS[sub.field]
            rows.append(
                (
                    *_row(label, sub.gold, sub.predicted, sub.tp, sub.precision, sub.recall, sub.f1, sub.macro_f1)[:-1],
                    f"{sub.accuracy:.2f}",
                )
            )
    return rows


def _row(label: str, g: int, p: int, tp: int, *scores: float) -> tuple[str, ...]:
    return (label, str(g), str(p), str(tp), *(f"{x:.2f}" for x in scores), "")


SCORE_HEADER = ("field", "gold", "predicted", "matched", "P", "R", "F1", "macro F1", "accuracy")


def run_summary(run: EvalRun) -> str:
    """One line of the run-level metrics."""
    s = run.scores
    return (
        f"{len(run.articles)} articles; grounding {s['grounding.before']:.3f} before validation, "
        f"{s['grounding.after']:.3f} after; coverage {s['coverage']:.2f}; errors {s['errors']:.0f}; "
        f"re-asks {s['reasks']:.0f}; tokens {s['tokens']:,.0f}; {s['latency.mean_s']:.3f} s per article"
    )
