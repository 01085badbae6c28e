"""The deterministic validator: each field of a briefing checked against its spans of the source.

``validate(briefing, source)`` is pure: no network, no model, and the briefing is
never changed. It returns a frozen :class:`~summarizer.schema.ValidationReport`
whose issues name the field (``quotes[2].speaker``), a code, a severity and a
short message. The codes (:class:`~summarizer.schema.IssueCode`), with their severity
and meaning, are listed below; the table is generated from
:data:`summarizer.schema.ISSUE_CODES`, the one place they are described.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import EmptyTextError, InputError, SpanError
from .lexicon import PERSON_TITLES, SPEECH_RE, fold_name, is_capitalised, table
from .locate import iter_evidence
from .mentions import (
    Subject,
    clause_subjects,
    cue_subject,
    pronoun_antecedent,
    pronoun_at,
    quotation_at,
    quotation_end,
    speech_cues,
    tag_verb,
)
from .names import acronyms, aliases, person_mentions
from .parse import (
    ParsedQuantity,
    canonical_unit,
    name_supported,
    parse_dates,
    parse_quantities,
    phrase_supported,
)
from .schema import (
    Briefing,
    DateValue,
    Evidence,
    Incident,
    IncidentSubType,
    Issue,
    IssueCode,
    MatchStatus,
    Mention,
    Position,
    PositionStatus,
    Quantity,
    QuantityQualifier,
    Quote,
    QuoteKind,
    Severity,
    Span,
    SummaryPoint,
    ValidationReport,
    issue_codes_table,
    text_sha256,
)
from .text import QuoteRegion, SourceText, fold_marks, source_text

__all__ = ["validate"]
__doc__ = f"{__doc__}\n{issue_codes_table()}\n"

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# Cue stems per enum choice (summarizer/data/incidents.toml, positions.toml): a choice with none of its cues
# near the item gets a warning.
_SUBTYPE_CUES = {IncidentSubType(k): re.compile(v, re.I) for k, v in table("incidents", "sub_type_cues").items()}
_STATUS_CUES = {PositionStatus(k): re.compile(v, re.I) for k, v in table("positions", "status_cues").items()}


@dataclass
class _Run:
    """Mutable state of one validation run (local to validate())."""

    src: SourceText
    briefing: Briefing
    issues: list[Issue] = field(default_factory=list)

    def add(self, code: IssueCode, severity: Severity, path: str, message: str, span: Span | None = None) -> None:
        start = span.start if span is not None else None
        end = span.end if span is not None else None
        self.issues.append(Issue(code=code, severity=severity, path=path, message=message, start=start, end=end))


def validate(briefing: Briefing, source: str) -> ValidationReport:
    """Check every field of ``briefing`` against ``source``; return a frozen report.

    Raises :class:`~summarizer.errors.InputError` when the arguments are of the wrong
    type and :class:`~summarizer.errors.SpanError` when a span's offsets lie outside
    the source (the briefing was made from another text). Everything else is
    reported as issues.
    """
    if not isinstance(briefing, Briefing):
        raise InputError(
            f"validate() takes a Briefing, got {type(briefing).__name__}; load JSON with Briefing.model_validate_json"
        )
    if not isinstance(source, str):
        raise InputError(
            f"validate() takes the source text as str, got {type(source).__name__}; decode bytes as UTF-8 first"
        )
    if not source.strip():
        raise EmptyTextError("the source text is empty: validate a briefing against the article it was made from")
    src = source_text(source)
    run = _Run(src, briefing)
    digest = text_sha256(source)
    if briefing.source.sha256 != digest:
        run.add(
            IssueCode.SOURCE_MISMATCH,
            ERROR,
            "source.sha256",
            "the briefing was made from another text (sha256 differs)",
        )

    evidence = list(iter_evidence(briefing.source, "source"))
    for prefix, item in briefing.items():
        evidence.extend(iter_evidence(item, prefix))
    for path, ev in evidence:
        _check_spans(run, path, ev)

    for path, ev in evidence:
        _check_value(run, path, ev)
    for i, quote in enumerate(briefing.quotes):
        _check_quote(run, f"quotes[{i}]", quote)
    for i, incident in enumerate(briefing.incidents):
        _check_incident(run, f"incidents[{i}]", incident)
    for i, position in enumerate(briefing.front_lines):
        _check_position(run, f"front_lines[{i}]", position)
    for i, meeting in enumerate(briefing.meetings):
        fields = [("location", meeting.location), ("date", meeting.date), ("topic", meeting.topic)]
        _check_related(run, f"meetings[{i}]", meeting.cue, fields)

    flagged = _error_prefixes(i.path for i in run.issues if i.severity is ERROR)
    verified = sum(1 for path, _ in evidence if path not in flagged)
    issues = tuple(sorted(run.issues, key=lambda i: (_path_key(i.path), i.severity.value, i.code)))
    return ValidationReport(source_sha256=digest, issues=issues, fields_checked=len(evidence), fields_verified=verified)


def _error_prefixes(error_paths: Iterable[str]) -> set[str]:
    """The paths with an error at or below them: each error path and each of its prefixes that ends before a
    "." or a "[" ("quotes[3].speaker.spans[0]" flags "quotes", "quotes[3]", "quotes[3].speaker" ...). A field is
    verified when its path is not among them: one set look-up, not a comparison with every error path."""
    out: set[str] = set()
    for p in error_paths:
        out.add(p)
        out.update(p[:k] for k, ch in enumerate(p) if ch in ".[")
    return out


def _path_key(path: str) -> tuple[object, ...]:
    return tuple(int(t) if t.isdigit() else t for t in re.findall(r"[A-Za-z_]+|\d+", path))


# --------------------------------------------------------------------------- spans


def _located(ev: Evidence) -> list[Span]:
    return [s for s in ev.spans if s.located]


def _check_spans(run: _Run, path: str, ev: Evidence) -> None:
    text = run.src.text
    if not ev.spans:
        run.add(IssueCode.NO_EVIDENCE, ERROR, path, "no span supports this value")
        return
    for k, span in enumerate(ev.spans):
        if not span.located:
            run.add(IssueCode.UNLOCATED, ERROR, path, f"evidence {_short(span.text)} was not found in the source")
            continue
        assert span.start is not None and span.end is not None
        if span.end > len(text):
            raise SpanError(
                f"{path}.spans[{k}] ends at {span.end} but the source has {len(text)} characters: "
                "validate the briefing against the text it was made from"
            )
        if text[span.start : span.end] != span.text:
            run.add(
                IssueCode.SPAN_TEXT_MISMATCH,
                ERROR,
                path,
                f"source[{span.start}:{span.end}] is {_short(text[span.start : span.end])}, not {_short(span.text)}",
                span,
            )
        elif span.status is MatchStatus.FUZZY:
            run.add(
                IssueCode.FUZZY_MATCH, WARNING, path, f"evidence matched only approximately: {_short(span.text)}", span
            )


def _good(run: _Run, ev: Evidence) -> list[Span]:
    """Located spans whose offsets reproduce their text."""
    text = run.src.text
    return [s for s in _located(ev) if text[s.start : s.end] == s.text]


# --------------------------------------------------------------------------- values


def _field_name(path: str) -> str:
    return re.sub(r"\[\d+\]$", "", path.rsplit(".", 1)[-1])


def _check_value(run: _Run, path: str, ev: Evidence) -> None:
    spans = _good(run, ev)
    if not spans:
        return
    if isinstance(ev, Quantity):
        _check_quantity(run, path, ev, spans)
    elif isinstance(ev, DateValue):
        _check_date(run, path, ev, spans)
    elif isinstance(ev, SummaryPoint):
        _check_summary(run, path, ev, spans)
    elif isinstance(ev, Mention):
        name = _field_name(path)
        if (name == "text" and path.startswith("quotes[")) or (name == "speaker"):
            return  # checked with the quote
        support = [_support(run, ev.value, s.text, s.start or 0) for s in spans]
        if "named" in support:
            return
        if "described" in support:
            run.add(
                IssueCode.NAMED_BY_DESCRIPTION,
                WARNING,
                path,
                f"{_short(ev.value)} is referred to as {_short(spans[support.index('described')].text)}",
                spans[support.index("described")],
            )
            return
        run.add(
            IssueCode.VALUE_NOT_IN_SPAN,
            ERROR,
            path,
            f"{_short(ev.value)} is not supported by {_short(spans[0].text)}",
            spans[0],
        )


def _forms(run: _Run, value: str) -> tuple[str, ...]:
    """The value and its acronym or full name where the text defines one ("Vesna Liberation Army (VLA)"), and
    the same person's name in the other script where the text gives both ("Олена Коваль (Olena Koval)")."""
    memo: dict[str, tuple[str, ...]] = run.src.memo.setdefault("validate.forms", {})  # per text: values repeat
    found = memo.get(value)
    if found is not None:
        return found
    key = fold_name(value)
    out = [value, *sorted(a for name, also in aliases(run.src).items() if fold_name(name) == key for a in also)]
    for acr, full in acronyms(run.src).items():
        if key == fold_name(full):
            out.append(acr)
        elif value == acr:
            out.append(full)
    memo[value] = forms = tuple(out)
    return forms


_DETERMINERS = ("the", "this", "that")


def _support(run: _Run, value: str, said: str, start: int) -> str | None:
    """ "named" when ``said`` (the text at ``start``) supports the value (aliases and defined acronyms
    included), "described" when it is a definite description of a name given earlier ("the monitor"
    for "Vesna Conflict Monitor"), else None."""
    for form in _forms(run, value):
        if phrase_supported(form, said):  # a phrase is supported when it is a supported name, too
            return "named"
    words = fold_name(said).split()
    before = run.src.text[max(0, start - 5) : start].lower().split()
    if words and words[0] not in _DETERMINERS and before and before[-1] in _DETERMINERS:
        words = [before[-1], *words]  # the span is "monitor" in "the monitor"
    full = fold_name(value).split()
    if 2 <= len(words) <= 3 and words[0] in _DETERMINERS and len(full) >= 2 and words[-1] == full[-1]:
        earlier = run.src.text[:start]
        if re.search(re.escape(value), earlier, re.IGNORECASE):
            return "described"
    return None


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _quantity_matches(q: Quantity, p: ParsedQuantity) -> bool:
    for name in ("low", "high", "best"):
        given = getattr(q, name)
        if given is None:
            continue
        parsed = getattr(p, name)
        if parsed is not None and _close(given, parsed):
            continue
        if name == "best" and p.low is not None and p.high is not None and p.low <= given <= p.high:
            continue  # a best estimate inside a stated range
        if (
            name in ("low", "high")
            and p.best is not None
            and _close(given, p.best)
            and p.qualifier is QuantityQualifier.APPROXIMATE
        ):
            continue  # "about 20" typed as low=high=20
        return False
    return True


def _describe(p: ParsedQuantity) -> str:
    def f(x: float | None) -> str:
        return "?" if x is None else (str(int(x)) if float(x).is_integer() else str(x))

    if p.qualifier is QuantityQualifier.RANGE:
        body = f"{f(p.low)}-{f(p.high)}"
    elif p.low is not None and p.low == p.high:
        body = f(p.low)
    else:
        body = f"low={f(p.low)} high={f(p.high)} best={f(p.best)}"
    return f"{body} ({p.qualifier}{', ' + p.unit if p.unit else ''})"


def _check_quantity(run: _Run, path: str, q: Quantity, spans: list[Span]) -> None:
    parsed = [p for s in spans for p in parse_quantities(s.text)]
    matching = [p for p in parsed if _quantity_matches(q, p)]
    if not matching:
        said = ", ".join(_describe(p) for p in parsed) or "no number"
        run.add(
            IssueCode.QUANTITY_MISMATCH,
            ERROR,
            path,
            f"the span {_short(spans[0].text)} says {said}; the value says low={q.low} high={q.high} best={q.best}",
            spans[0],
        )
        return
    best = matching[0]
    if q.qualifier is not best.qualifier:
        run.add(
            IssueCode.QUALIFIER_MISMATCH,
            WARNING,
            path,
            f"the span reads as {best.qualifier.value}, the value says {q.qualifier.value}",
            spans[0],
        )
    if q.unit:
        unit = canonical_unit(q.unit)
        if best.unit is not None and best.unit != unit:
            run.add(
                IssueCode.QUANTITY_MISMATCH,
                ERROR,
                path,
                f"the span's unit is {best.unit}, the value's is {unit}",
                spans[0],
            )
        elif best.unit is None and not any(fold_name(q.unit) in fold_name(s.text) for s in spans):
            run.add(IssueCode.UNIT_NOT_IN_SPAN, WARNING, path, f"unit {q.unit!r} does not appear in the span", spans[0])


def _check_date(run: _Run, path: str, d: DateValue, spans: list[Span]) -> None:
    article_date = run.briefing.source.article_date
    parsed = [p for s in spans for p in parse_dates(s.text, article_date)]
    if not parsed:
        run.add(IssueCode.DATE_MISMATCH, ERROR, path, f"no date in the span {_short(spans[0].text)}", spans[0])
        return
    if d.date is None:  # kept as the source says it, not claimed as a calendar date
        run.add(
            IssueCode.DATE_UNRESOLVED, WARNING, path, f"{_short(parsed[0].text)}: calendar date unresolved", spans[0]
        )
        return
    for p in parsed:
        if p.date is None:
            continue
        same = p.date == d.date if p.year_stated else (p.date.month, p.date.day) == (d.date.month, d.date.day)
        if p.precision == "month":
            same = (p.date.year, p.date.month) == (d.date.year, d.date.month) or (
                not p.year_stated and p.date.month == d.date.month
            )
        if p.precision == "year":
            same = p.date.year == d.date.year
        if same:
            if p.precision != d.precision.value:
                run.add(
                    IssueCode.DATE_MISMATCH,
                    ERROR,
                    path,
                    f"the span gives a {p.precision}, the value a {d.precision.value}",
                )
            return
    if all(p.date is None for p in parsed):
        run.add(
            IssueCode.DATE_UNRESOLVED, WARNING, path, "a relative date with no article date to resolve it", spans[0]
        )
        return
    said = ", ".join(f"{p.text!r} = {p.date}" for p in parsed if p.date is not None)
    run.add(
        IssueCode.DATE_MISMATCH, ERROR, path, f"the span says {said}; the value says {d.date.isoformat()}", spans[0]
    )


def _numbers(p: ParsedQuantity) -> set[float]:
    return {x for x in (p.low, p.high, p.best) if x is not None}


def _check_summary(run: _Run, path: str, point: SummaryPoint, spans: list[Span]) -> None:
    """A summary is in the engine's words; every number it states must be in its spans."""
    stated = parse_quantities(point.text)
    supported = [p for s in spans for p in parse_quantities(s.text)]
    for p in stated:
        if not any(_numbers(p) <= _numbers(q) for q in supported):
            run.add(IssueCode.QUANTITY_MISMATCH, ERROR, path, f"the summary states {p.text!r}, which its spans do not")


# --------------------------------------------------------------------------- quotes


def _strip_marks(s: str) -> str:
    return " ".join(fold_marks(s).replace('"', " ").split()).strip(" '")


def _check_quote(run: _Run, path: str, quote: Quote) -> None:
    spans = _good(run, quote.text)
    if not spans:
        return
    src = run.src
    joined = " ".join(s.text for s in sorted(spans, key=lambda s: s.start or 0))
    if quote.kind is QuoteKind.DIRECT:
        if _strip_marks(quote.text.value) != _strip_marks(joined):
            run.add(
                IssueCode.QUOTE_NOT_VERBATIM,
                ERROR,
                f"{path}.text",
                f"the quote differs from the source's words {_short(joined)}",
                spans[0],
            )
        for s in spans:
            assert s.start is not None and s.end is not None
            if src.enclosing_quote(s.start, s.end) is None:
                run.add(
                    IssueCode.NOT_IN_QUOTATION_MARKS,
                    ERROR,
                    f"{path}.text",
                    "a direct quote must lie inside quotation marks of the source",
                    s,
                )
    elif not phrase_supported(quote.text.value, joined):
        run.add(
            IssueCode.VALUE_NOT_IN_SPAN, ERROR, f"{path}.text", f"the paraphrase is not supported by {_short(joined)}"
        )
    start = min(s.start for s in spans if s.start is not None)
    end = max(s.end for s in spans if s.end is not None)
    win = src.sentence_window(start, end, radius=1)
    _check_speaker(run, path, quote, win, start)
    if quote.cue is not None:
        cue_spans = _good(run, quote.cue)
        if cue_spans and not any(_within(s, win) for s in cue_spans):
            run.add(
                IssueCode.CUE_NOT_NEAR,
                ERROR,
                f"{path}.cue",
                "the cue is not in the quote's sentence or the next",
                cue_spans[0],
            )
        elif cue_spans and not any(SPEECH_RE.search(s.text) for s in cue_spans):
            run.add(
                IssueCode.ENUM_WITHOUT_CUE, WARNING, f"{path}.cue", f"{_short(cue_spans[0].text)} has no speech verb"
            )


def _within(span: Span, win: tuple[int, int]) -> bool:
    return span.start is not None and span.end is not None and win[0] <= span.start and span.end <= win[1]


def _named_in(value: str, text: str, a: int, b: int) -> bool:
    """Whether a name (or a part of it, or an alias) occurs in ``text[a:b]``."""
    window = unicodedata.normalize("NFC", text[a:b])  # compared in NFC: offsets are not read from it
    if name_supported(value, window):
        return True
    parts = [
        t for t in re.findall(r"[\w'’-]+", unicodedata.normalize("NFC", value)) if len(t) >= 3 and is_capitalised(t)
    ]
    parts = [t for t in parts if fold_name(t) not in PERSON_TITLES]
    return any(re.search(rf"\b{re.escape(t)}\b", window) for t in parts)


# --------------------------------------------------------------------------- speakers
#
# A direct quote's speaker is checked against the attribution the source gives the quote:
#
# 1. the cue of the quote's own sentence and its subject: "“...,” said X", "“...,” X said",
#    "X said: “...”", "“...,” according to X", "“...,” he said" (a pronoun is resolved by
#    mentions.pronoun_antecedent to the speaker it continues);
# 2. else, for a quote with no cue that opens its sentence, the attribution of the quote before
#    it in the same paragraph: an unattributed follow-on quote continues that speaker.
#
# A speaker who is merely named nearby is an error when the attribution points to someone
# else, and a warning where the text is ambiguous (a pronoun with two candidates, a definite
# description such as "the 45-year-old"). Only a quote with no attribution at all, and reported
# speech, fall back on who is named beside it.


@dataclass(frozen=True, slots=True)
class _Attribution:
    """Who the source gives a quotation to: the subject of a cue, and whether it was borrowed from the
    quotation before it in the paragraph."""

    subject: Subject
    continued: bool = False
    lead_in: tuple[int, int] | None = None  # the reporter's words before a quotation a cue after it gives


@dataclass(frozen=True, slots=True)
class _Finding:
    code: IssueCode | None  # None: nothing to report
    severity: Severity
    message: str


_AGREES = _Finding(None, INFO, "")  # the source gives the quote to the speaker: nothing to report
_FOLLOW_ON_DEPTH = 3  # how many unattributed quotations in a row may continue one speaker


def _check_speaker(run: _Run, path: str, quote: Quote, win: tuple[int, int], quote_start: int) -> None:
    spath = f"{path}.speaker"
    spans = _good(run, quote.speaker)
    if not _speaker_spans_name_it(run, spath, quote.speaker.value, spans):
        return
    finding: _Finding | None = None
    if quote.kind is QuoteKind.DIRECT:
        attribution = _attribution(run.src, _quote_region(run.src, quote))
        if attribution is not None:
            finding = _against_attribution(run, quote.speaker.value, attribution)
    if finding is None:
        finding = _against_neighbourhood(run, quote, spans, win, quote_start)
    if finding.code is not None:
        run.add(finding.code, finding.severity, spath, finding.message)


def _speaker_spans_name_it(run: _Run, spath: str, speaker: str, spans: list[Span]) -> bool:
    """Each span of the speaker names it, describes it ("the monitor") or is a pronoun or title."""
    for s in spans:
        if _support(run, speaker, s.text, s.start or 0) is None and not _is_reference(s.text):
            run.add(IssueCode.VALUE_NOT_IN_SPAN, ERROR, spath, f"{_short(s.text)} does not name {speaker!r}", s)
            return False
    return True


# -- step 1: the attribution the source gives the quotation


def _quote_region(src: SourceText, quote: Quote) -> QuoteRegion | None:
    """The quotation a direct quote's first span lies in (the single-quoted one, for a nested quote)."""
    spans = [s for s in quote.text.spans if s.start is not None and s.end is not None]
    if not spans:
        return None
    first = min(spans, key=lambda s: s.start or 0)
    assert first.start is not None and first.end is not None
    nested = src.enclosing_quote(first.start, first.end, nested=True)
    if nested is not None and 2 * (first.end - first.start) >= nested.inner_end - nested.inner_start:
        return nested
    return quotation_at(src, first.start, first.end)


def _attribution(src: SourceText, region: QuoteRegion | None, depth: int = 0) -> _Attribution | None:
    """The quotation's own cue, else (for one that opens its sentence) the attribution of the one before."""
    if region is None:
        return None
    opens = _opens_sentence(src, region)
    if opens:
        own = _cue_after(src, region) or _cue_before(src, region)
    else:
        own = _cue_before(src, region)
        if own is None:
            after = _cue_after(src, region)
            lead_in = (src.sentence_window(region.start, region.start + 1, radius=0)[0], region.start)
            return _Attribution(after, lead_in=lead_in) if after is not None else None
    if own is not None:
        return _Attribution(own)
    if depth >= _FOLLOW_ON_DEPTH or not opens:
        return None
    found = _attribution(src, _quote_before(src, region), depth + 1)
    return _Attribution(found.subject, continued=True) if found is not None else None


def _cue_after(src: SourceText, region: QuoteRegion) -> Subject | None:
    """The subject of the first cue after the quotation in its sentence ("“...,” he said", "“...,” said X",
    and for one that opens its sentence a tag with another verb: "“...,” Halloran testified"); a news
    outlet relaying the words ("..., AFP reported") is passed over."""
    end = quotation_end(src, region)
    hi = min(_quote_bounds(src, region)[1], src.sentence_window(end - 1, end, radius=0)[1], end + 300)
    cues = speech_cues(src, end, hi)
    tag = tag_verb(src, end, hi) if not cues and _opens_sentence(src, region) else None
    for cue in cues or ([tag] if tag else []):
        subject = cue_subject(src, cue, end, hi)
        if subject is None:
            return None  # the first cue after a quotation is its cue: no clear subject
        if not _relay(src, cue, subject):
            return subject
    return None


def _cue_before(src: SourceText, region: QuoteRegion) -> Subject | None:
    """The subject of the nearest cue before the quotation in its sentence ("X said: “...”", "X called for
    “...”"). A quotation inside a sentence of the reporter's is given by this cue, else by the one after
    it -- and then its words may be another's the cue reports ("Protesters chanted “...”, witnesses said")."""
    lo = max(_quote_bounds(src, region)[0], src.sentence_window(region.start, region.start + 1, radius=0)[0])
    for cue, subject in clause_subjects(src, max(lo, region.start - 300), region.start):
        if not _relay(src, cue, subject):
            return subject
    return None


def _quote_bounds(src: SourceText, region: QuoteRegion) -> tuple[int, int]:
    """Where the cue of a quotation may stand: for a nested one, inside the piece of the quotation around it."""
    if region.nested:
        outer = src.enclosing_quote(region.start, region.end)
        if outer is not None:
            for a, b in outer.pieces:
                if a <= region.start and region.end <= b:
                    return a, b
    return 0, len(src.text)


def _relay(src: SourceText, cue: tuple[int, int], subject: Subject) -> bool:
    """ "AFP reported", "state television reported": an outlet passing the words on, not their speaker."""
    return src.text[cue[0] : cue[1]].lower().startswith("report") and subject.kind == "description"


def _opens_sentence(src: SourceText, region: QuoteRegion) -> bool:
    start = src.sentence_window(region.start, region.start + 1, radius=0)[0]
    return not src.text[start : region.start].strip(" \t\n([—–-")


def _quote_before(src: SourceText, region: QuoteRegion) -> QuoteRegion | None:
    """The quotation of the same kind just before ``region``, if it ends in the same paragraph."""
    regions = src.quotes
    starts: list[int] | None = src.memo.get("validate.quote_starts")
    if starts is None:
        starts = src.memo["validate.quote_starts"] = [r.start for r in regions]
    para = src.paragraph_index(region.start)
    k = bisect.bisect_left(starts, region.start)
    for r in reversed(regions[max(0, k - 8) : k]):
        if r.nested == region.nested and quotation_end(src, r) <= region.start:
            return r if src.paragraph_index(quotation_end(src, r) - 1) == para else None
    return None


# -- step 2: the claimed speaker against that attribution


def _against_attribution(run: _Run, speaker: str, attribution: _Attribution) -> _Finding | None:
    """Whether the attribution gives the quote to ``speaker``; None when it names no one it can be checked
    against. A mismatch is an error, unless the quotation stands inside a sentence whose cue comes after
    it and the speaker is named before it there ("Protesters chanted “...”, witnesses said"): a warning."""
    finding = _subject_gives(run, speaker, attribution)
    lead_in = attribution.lead_in
    if finding is not None and finding.severity is ERROR and lead_in and _names(run, speaker, *lead_in):
        said = _short(run.src.text[attribution.subject.start : attribution.subject.end])
        return _Finding(
            IssueCode.SPEAKER_AMBIGUOUS, WARNING, f"{said} reports the sentence; the words may be {speaker!r}'s"
        )
    return finding


def _subject_gives(run: _Run, speaker: str, attribution: _Attribution) -> _Finding | None:
    subject = attribution.subject
    src = run.src
    said = _short(src.text[subject.start : subject.end])
    by = "the quote before it, which continues here" if attribution.continued else "its cue"
    if subject.kind == "pronoun":
        return _against_pronoun(run, speaker, subject, by)
    if _names(run, speaker, subject.start, subject.end):
        return _AGREES
    if subject.kind == "title" and subject.name is not None:
        if _same_speaker(run, speaker, subject.name):
            return _AGREES
        return _Finding(IssueCode.SPEAKER_MISMATCH, ERROR, f"{said} ({by}) refers to {subject.name!r}, not {speaker!r}")
    if subject.kind == "description":
        if _support(run, speaker, src.text[subject.start : subject.end], subject.start) == "described":
            return _Finding(IssueCode.NAMED_BY_DESCRIPTION, WARNING, f"{speaker!r} is referred to as {said}")
        if _may_describe(run, speaker, subject):
            return _Finding(IssueCode.SPEAKER_AMBIGUOUS, WARNING, f"{said} ({by}) may or may not be {speaker!r}")
    return _Finding(IssueCode.SPEAKER_MISMATCH, ERROR, f"{by} gives the quote to {said}, not to {speaker!r}")


def _against_pronoun(run: _Run, speaker: str, subject: Subject, by: str) -> _Finding | None:
    if subject.head not in ("he", "she"):
        return None  # "they", "it": a body or a group, not resolved here
    names = pronoun_antecedent(run.src, subject.start)
    if not names:
        return None
    pronoun = f"{run.src.text[subject.start : subject.end]!r} at {subject.start} ({by})"
    candidates = " or ".join(repr(n) for n in names)
    if len(names) == 1 and _same_speaker(run, speaker, names[0]):
        return _Finding(IssueCode.SPEAKER_VIA_PRONOUN, INFO, f"{pronoun} refers to {candidates}")
    if any(_same_speaker(run, speaker, n) for n in names):
        return _Finding(IssueCode.SPEAKER_AMBIGUOUS, WARNING, f"{pronoun} may refer to {candidates}")
    return _Finding(IssueCode.SPEAKER_MISMATCH, ERROR, f"{pronoun} refers to {candidates}, not {speaker!r}")


def _may_describe(run: _Run, speaker: str, subject: Subject) -> bool:
    """A definite description of one person ("the 45-year-old") may refer back to a speaker named just before it."""
    if not (subject.definite and subject.person):
        return False
    para = run.src.paragraph_index(subject.start)
    floor = run.src.paragraphs[max(0, para - 1)][0]
    quoted = quotation_at(run.src, subject.start, subject.end)
    if quoted is not None:  # "“The captain told me, ‘...’”": a description inside a quotation is someone the
        floor = max(floor, quoted.inner_start)  # quoted speaker talks about, named (if at all) in that quotation
    return any(_named_in(form, run.src.text, floor, subject.start) for form in _forms(run, speaker))


def _names(run: _Run, speaker: str, a: int, b: int) -> bool:
    """Whether ``text[a:b]`` names the speaker (a part of the name, an alias or a defined acronym included)."""
    return any(_named_in(form, run.src.text, a, b) for form in _forms(run, speaker)) or phrase_supported(
        speaker, run.src.text[a:b]
    )


def _same_speaker(run: _Run, speaker: str, name: str) -> bool:
    return any(name_supported(form, name) or name_supported(name, form) for form in _forms(run, speaker))


# -- no attribution: who is named beside the quote


def _against_neighbourhood(
    run: _Run, quote: Quote, spans: list[Span], win: tuple[int, int], quote_start: int
) -> _Finding:
    """For reported speech and a quotation the source attributes to no one: the speaker must be named in
    or beside the quote's sentence, or be what a pronoun or title there refers to. For a direct quote,
    being named there is only a warning: nothing in the text gives it the words."""
    src = run.src
    speaker = quote.speaker.value
    if _names(run, speaker, *win):
        if quote.kind is QuoteKind.DIRECT:
            return _Finding(
                IssueCode.SPEAKER_UNATTRIBUTED, WARNING, f"no cue gives the quote to {speaker!r}, named beside it"
            )
        return _AGREES
    described = next((s for s in spans if _support(run, speaker, s.text, s.start or 0) == "described"), None)
    if described is not None and _within(described, win):
        return _Finding(
            IssueCode.NAMED_BY_DESCRIPTION, WARNING, f"{speaker!r} is referred to as {_short(described.text)}"
        )
    ref = _nearest_reference(run, quote, spans, quote_start)
    if ref is None:
        others = sorted({p.name for p in person_mentions(src) if win[0] <= p.start < win[1]})
        if others:
            return _Finding(
                IssueCode.SPEAKER_MISMATCH, ERROR, f"the quote's sentences name {', '.join(others)}, not {speaker!r}"
            )
        return _Finding(
            IssueCode.SPEAKER_NOT_NEAR, ERROR, f"{speaker!r} is not named in or beside the quote's sentence"
        )
    names = pronoun_antecedent(src, ref[0])
    if any(_same_speaker(run, speaker, n) for n in names):
        return _Finding(IssueCode.SPEAKER_VIA_PRONOUN, INFO, f"{ref[2]!r} at {ref[0]} refers to {names[0]!r}")
    named = f"refers to {' or '.join(repr(n) for n in names)}" if names else "has no person before it"
    return _Finding(IssueCode.SPEAKER_MISMATCH, ERROR, f"{ref[2]!r} at {ref[0]} {named}, not {speaker!r}")


def _nearest_reference(run: _Run, quote: Quote, spans: list[Span], quote_start: int) -> tuple[int, int, str] | None:
    """The pronoun or title nearest the quote, searched in its own sentences, then one sentence either side."""
    src = run.src
    text_spans = [(s.start, s.end) for s in _good(run, quote.text) if s.start is not None and s.end is not None]
    q_end = max(e for _, e in text_spans)
    for radius in (0, 1):
        a, b = src.sentence_window(quote_start, q_end, radius=radius)
        refs = [r for r in _subject_refs(src, a, b) if not any(_overlaps(r, t) for t in text_spans)]
        refs += [
            (s.start, s.end, s.text)
            for s in spans
            if s.start is not None and s.end is not None and _within(s, (a, b)) and _is_reference(s.text)
        ]
        if refs:
            return min(refs, key=lambda r: abs(r[0] - quote_start))
    return None


def _overlaps(r: tuple[int, int, str], span: tuple[int, int]) -> bool:
    return r[0] < span[1] and span[0] < r[1]


def _subject_refs(src: SourceText, a: int, b: int) -> list[tuple[int, int, str]]:
    """Subject pronouns (he, she, they) in ``[a, b)`` that are not inside a quotation."""
    return [
        r
        for r in pronoun_at(src.text, a, b)
        if r[2].lower() in ("he", "she", "they") and src.enclosing_quote(r[0], r[1]) is None
    ]


def _is_reference(s: str) -> bool:
    words = fold_name(s).split()
    if not words:
        return False
    return (len(words) == 1 and words[0] in {"he", "she", "they", "him", "her", "them"}) or (
        words[-1] in PERSON_TITLES and len(words) <= 3
    )


# --------------------------------------------------------------------------- related fields


def _check_incident(run: _Run, path: str, inc: Incident) -> None:
    cues = _good(run, inc.cue)
    if cues:
        pattern = _SUBTYPE_CUES.get(inc.sub_type)
        win = run.src.sentence_window(cues[0].start or 0, cues[0].end or 0, radius=0)
        context = run.src.text[win[0] : win[1]]
        if pattern and not pattern.search(context):
            run.add(
                IssueCode.ENUM_WITHOUT_CUE,
                WARNING,
                f"{path}.sub_type",
                f"no cue for {inc.sub_type.value!r} near the incident",
            )
    fields: list[tuple[str, Evidence | None]] = [
        ("location", inc.location),
        ("date", inc.date),
        ("count", inc.count),
        ("fatalities", inc.fatalities),
        ("injured", inc.injured),
        ("affected", inc.affected),
        ("reported_by", inc.reported_by),
        *((f"actors[{k}]", a) for k, a in enumerate(inc.actors)),
    ]
    _check_related(run, path, inc.cue, fields)


def _check_position(run: _Run, path: str, pos: Position) -> None:
    anchor_ev = pos.status_cue or pos.force
    anchors = _good(run, anchor_ev)
    if anchors and pos.status is not PositionStatus.UNKNOWN:
        pattern = _STATUS_CUES.get(pos.status)
        win = run.src.sentence_window(anchors[0].start or 0, anchors[0].end or 0, radius=0)
        if pattern and not pattern.search(run.src.text[win[0] : win[1]]):
            run.add(
                IssueCode.ENUM_WITHOUT_CUE,
                WARNING,
                f"{path}.status",
                f"no cue for {pos.status.value!r} near the position",
            )
    fields: list[tuple[str, Evidence | None]] = [
        ("force", pos.force),
        ("location", pos.location),
        ("objective", pos.objective),
        ("distance", pos.distance),
        ("direction", pos.direction),
        ("as_of", pos.as_of),
        ("claimed_by", pos.claimed_by),
    ]
    _check_related(run, path, anchor_ev, fields)


def _check_related(run: _Run, path: str, anchor: Evidence, fields: Iterable[tuple[str, Evidence | None]]) -> None:
    """Fields of one item should come from around the item's anchor span (±1 paragraph).

    A date or a figure from elsewhere in the article is an error (it is what users
    act on); a name from elsewhere is a warning.
    """
    anchors = _good(run, anchor)
    if not anchors:
        return
    src = run.src
    para = src.paragraph_index(anchors[0].start or 0)
    for name, ev in fields:
        if ev is None or ev is anchor:
            continue
        spans = _good(run, ev)
        if not spans:
            continue
        if any(abs(src.paragraph_index(s.start or 0) - para) <= 1 for s in spans):
            continue
        severe = isinstance(ev, DateValue | Quantity)
        run.add(
            IssueCode.FAR_FROM_ITEM if severe else IssueCode.RELATED_FAR,
            ERROR if severe else WARNING,
            f"{path}.{name}",
            "taken from another part of the article than the item itself",
            spans[0],
        )


def _short(s: str, n: int = 60) -> str:
    s = " ".join(s.split())
    return repr(s if len(s) <= n else s[: n - 1] + "…")
