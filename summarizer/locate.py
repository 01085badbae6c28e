"""The span locator: verbatim evidence strings -> offsets in the source.

Three tiers, first hit wins:

1. exact — the string occurs verbatim;
2. normalised — it occurs in the normalised view (NFKC and diacritics, quote marks,
   dashes, whitespace and line breaks, case, thousands separators), mapped back
   through the offset map;
3. fuzzy — a source substring within a bounded edit distance (at most
   ``max(1, 10 %)`` of the normalised length), found around the positions of the
   query's rarest words, so the cost does not grow with the article's length
   times the query's.

When a string occurs several times, the occurrence nearest the item's other spans
(its *anchors*) wins; without anchors, the first. Nothing depends on the order in
which items are listed. Evidence that cannot be found gets status ``unlocated``
and no offsets, never a guess.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import functools
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel
from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq, Levenshtein

from .schema import Briefing, Evidence, MatchStatus, Span
from .text import SourceText, normalize_query, source_text

__all__ = ["Candidate", "find_candidates", "ground", "iter_evidence", "locate", "locate_group", "locate_interrupted"]

_MAX_OCCURRENCES = 64


@dataclass(frozen=True, slots=True)
class Candidate:
    start: int
    end: int
    status: MatchStatus


def _as_source(source: str | SourceText) -> SourceText:
    return source if isinstance(source, SourceText) else source_text(source)


def find_candidates(query: str, source: str | SourceText) -> list[Candidate]:
    """All occurrences of ``query`` at the first tier that finds any (at most 64); memoised per text."""
    src = _as_source(source)
    memo: dict[str, list[Candidate]] = src.memo.setdefault("candidates", {})
    found = memo.get(query)
    if found is None:
        found = memo[query] = _find(query, src)
    return found


def _find(query: str, src: SourceText, *, fuzzy: bool = True) -> list[Candidate]:
    text = src.text
    q = query.strip()
    if not q:
        return []
    out: list[Candidate] = []
    i = text.find(q)
    while i >= 0 and len(out) < _MAX_OCCURRENCES:
        if _whole(text, i, i + len(q)):
            out.append(Candidate(i, i + len(q), MatchStatus.EXACT))
        i = text.find(q, i + 1)
    if out:
        return out
    nq = normalize_query(q)
    if not nq:
        return []
    norm = src.norm
    i = norm.text.find(nq)
    while i >= 0 and len(out) < _MAX_OCCURRENCES:
        if _whole(norm.text, i, i + len(nq)):
            a, b = norm.to_original(i, i + len(nq))
            out.append(Candidate(a, b, MatchStatus.NORMALIZED))
        i = norm.text.find(nq, i + 1)
    if out or not fuzzy:
        return out
    return _fuzzy(nq, src)


def _whole(text: str, a: int, b: int) -> bool:
    """Whether ``text[a:b]`` does not cut a word: "he" is not the end of "the"."""
    if a > 0 and text[a].isalnum() and text[a - 1].isalnum():
        return False
    return not (b < len(text) and text[b - 1].isalnum() and text[b].isalnum())


_WORD = re.compile(r"\w+")
_FUZZY_ANCHORS = 3  # the query's rarest words or word pairs whose occurrences propose where it starts
_FUZZY_SCAN = 4096  # occurrences of one anchor looked at, at most (a pathological text, not a cap on results)


def _fuzzy(nq: str, src: SourceText) -> list[Candidate]:
    """Bounded-edit-distance matches, searched around the occurrences of the query's rarest words and word pairs.

    Anchors (a word of three letters or more, or two consecutive words) are taken rarest
    first, each apart from those taken before by at least one word, until one more than
    the best distance found so far are taken (at most :data:`_FUZZY_ANCHORS`): one edit
    breaks at most one of them, so a match within that distance keeps one of them and is
    proposed by it. (Anchors with the query's first or last word, which may be cut from a
    longer word of the text, are searched but not counted.)

    Each occurrence of an anchor proposes a start; the query's other words vote on it by
    bisection in the word index: a word with no occurrence near its place costs at least
    half an edit (one edit can break two words). A start proposed by the k-th anchor and
    by none before it has an edit in each of the k - 1 anchors before, so only the words
    outside them are counted, against what is left of the distance. A start is aligned
    only while the words it misses can still allow the best distance found, and a window
    only while its longest common subsequence with the query can too. The cost depends on
    how often the anchors occur, not on the article's length.
    """
    budget = max(1, len(nq) // 10)
    if len(nq) < 8:
        return []
    qwords = [(m.group(), m.start()) for m in _WORD.finditer(nq)]
    words = src.word_positions()
    if not any(w in words and len(w) >= 3 for w, _ in qwords):
        return []
    # Words checked rarest first, so a wrong start stops early (words not in the text miss everywhere). The
    # first and last are not: the query may begin or end inside a word of the text ("sels" of "vessels").
    last_word = len(qwords) - 1
    checks = sorted(
        (
            (words.get(w, []), off, i)
            for i, (w, off) in enumerate(qwords)
            if 0 < i < last_word and (len(w) >= 3 or w not in words)
        ),
        key=lambda c: len(c[0]),
    )
    norm = src.norm.text
    found: dict[tuple[int, int], int] = {}
    best = budget
    seen: list[int] = []
    taken: list[tuple[int, int]] = []  # anchors that a match within the distance breaks only by an edit
    scanned = 0
    for positions, offset, first, last in _fuzzy_anchors(qwords, src):
        if len(taken) >= min(best + 1, _FUZZY_ANCHORS) or scanned >= 2 * _FUZZY_ANCHORS:
            break
        if any(first <= b + 1 and a <= last + 1 for a, b in taken):
            continue  # shares a word with (or touches) an anchor taken: one edit could break both
        scanned += 1
        before = len(taken)  # edits a start new with this anchor has in the anchors before it
        outside = [(occ, off) for occ, off, i in checks if not any(a - 1 <= i <= b + 1 for a, b in taken)]
        if first > 0 and last < last_word:  # an end word may be cut from a longer one: no edit needed
            taken.append((first, last))
        starts: list[tuple[int, int]] = []
        for pos in positions[:_FUZZY_SCAN]:
            guess = pos - offset
            k = bisect.bisect_left(seen, guess - budget)
            if k < len(seen) and seen[k] <= guess + budget:
                continue
            seen.insert(k, guess)
            misses = _misses(outside, guess, 3 * budget, 2 * (best - before))
            if before + (misses + 1) // 2 <= best:
                starts.append((misses, guess))
        starts.sort()
        for misses, guess in starts:
            if before + (misses + 1) // 2 > best:
                break
            hit = _fuzzy_window(nq, norm, guess, budget, best)
            if hit is not None:
                a, b, dist = hit
                found[(a, b)] = min(dist, found.get((a, b), dist))
                best = min(best, dist)
    if not found:
        return []
    least = min(found.values())
    out: list[Candidate] = []
    for a, b in sorted(k for k, d in found.items() if d == least):
        oa, ob = src.norm.to_original(a, b)
        out.append(Candidate(oa, ob, MatchStatus.FUZZY))
    return out


def _fuzzy_anchors(qwords: list[tuple[str, int]], src: SourceText) -> list[tuple[list[int], int, int, int]]:
    """The query's words of three letters or more and its pairs of consecutive words that occur in the text,
    as ``(positions, offset in the query, first word, last word)``, rarest first."""
    words, pairs = src.word_positions(), src.word_pairs()
    anchors = [(words[w], off, i, i) for i, (w, off) in enumerate(qwords) if len(w) >= 3 and w in words]
    for i, ((w1, off), (w2, _)) in enumerate(itertools.pairwise(qwords)):
        pos = pairs.get(f"{w1} {w2}")
        if pos is not None:
            anchors.append((pos, off, i, i + 1))
    anchors.sort(key=lambda a: len(a[0]))
    return anchors


def _misses(checks: list[tuple[list[int], int]], guess: int, tol: int, limit: int) -> int:
    """How many checked words have no occurrence within ``tol`` of where ``guess`` puts them; counting stops
    past ``limit``."""
    misses = 0
    for occ, off in checks:
        want = guess + off
        j = bisect.bisect_left(occ, want - tol)
        if j == len(occ) or occ[j] > want + tol:
            misses += 1
            if misses > limit:
                break
    return misses


def _fuzzy_window(nq: str, norm: str, guess: int, budget: int, best: int) -> tuple[int, int, int] | None:
    """The best match of ``nq`` around ``guess`` as ``(start, end, distance)``, if within ``budget``;
    ``None`` at once when no substring there can come within ``best``."""
    lo, hi = max(0, guess - budget), min(len(norm), guess + len(nq) + budget)
    # The match lies in [lo - budget, hi + budget); its distance is at least the query's characters
    # left out of their longest common subsequence with that stretch.
    if len(nq) - LCSseq.similarity(nq, norm[max(0, lo - budget) : hi + budget]) > best:
        return None
    al = fuzz.partial_ratio_alignment(nq, norm[lo:hi])
    if al is None:
        return None
    a, b = _widen(nq, norm, lo + al.dest_start, lo + al.dest_end, budget)
    dist = Levenshtein.distance(nq, norm[a:b], score_cutoff=budget)
    return (a, b, dist) if dist <= budget else None


def _widen(nq: str, norm: str, a: int, b: int, budget: int) -> tuple[int, int]:
    """Pick the boundaries near ``[a, b)`` with the smallest edit distance to the query.

    Every pair of boundaries within ``budget`` of ``a`` and of ``b`` is a candidate, taken
    in order (start, then end), the first with the smallest distance winning; only the
    pairs whose length differs from the query's by less than the best distance so far are
    measured, since the distance is at least that difference.
    """
    n = len(nq)
    best = (Levenshtein.distance(nq, norm[a:b]), a, b)
    for x in range(max(0, a - budget), a + budget + 1):
        for y in range(
            max(b - budget, x + n - best[0] + 1, x + 1), min(b + budget, len(norm), x + n + best[0] - 1) + 1
        ):
            if abs(y - x - n) >= best[0]:
                continue
            d = Levenshtein.distance(nq, norm[x:y], score_cutoff=best[0])
            if d < best[0]:
                best = (d, x, y)
    return best[1], best[2]


def _nearest(cands: list[Candidate], anchors: list[tuple[int, int]]) -> Candidate:
    """The candidate nearest the anchors, by the gap between the two (0 when they overlap)."""
    if not anchors or len(cands) == 1:
        return cands[0]
    return min(cands, key=lambda c: (min(max(a - c.end, c.start - b, 0) for a, b in anchors), c.start))


def _to_span(c: Candidate, src: SourceText) -> Span:
    return Span(start=c.start, end=c.end, text=src.text[c.start : c.end], status=c.status)


def locate(query: str, source: str | SourceText, *, anchors: Iterable[int] = ()) -> Span:
    """Find one evidence string; prefer the occurrence nearest ``anchors`` (offsets)."""
    src = _as_source(source)
    cands = find_candidates(query, src)
    if not cands:
        return Span.unlocated(query)
    return _to_span(_nearest(cands, [(a, a) for a in anchors]), src)


def locate_group(queries: list[str], source: str | SourceText, *, primary: Iterable[int] = ()) -> list[Span]:
    """Locate the evidence strings of one item together.

    Strings found once anchor the item; each string found several times takes the
    occurrence nearest those anchors — by the gap to the anchor's whole span, so a cue
    right after a long quote beats one just before its first word — or nearest the other
    strings' occurrences when none is unique. ``primary`` are the indices of the item's
    own anchor evidence (a quote's words): other strings' occurrences inside it are
    passed over when they occur elsewhere too (a quote's speaker or cue is not inside
    the quote). The result is independent of the order of ``queries``.
    """
    src = _as_source(source)
    found = [find_candidates(q, src) for q in queries]
    keys = set(primary)
    inside = [(found[i][0].start, found[i][0].end) for i in keys if len(found[i]) == 1]
    for i, cands in enumerate(found):
        if inside and i not in keys and len(cands) > 1:
            found[i] = [c for c in cands if not any(a <= c.start and c.end <= b for a, b in inside)] or cands
    anchors = [(c[0].start, c[0].end) for c in found if len(c) == 1]
    if not anchors:
        # No unique string: anchor on the pair of occurrences that lie closest together.
        anchors = _closest_pair_anchor(found)
    out: list[Span] = []
    for q, cands in zip(queries, found, strict=True):
        out.append(_to_span(_nearest(cands, anchors), src) if cands else Span.unlocated(q))
    return out


def _closest_pair_anchor(found: list[list[Candidate]]) -> list[tuple[int, int]]:
    multi = [c for c in found if c]
    if len(multi) < 2:
        return []
    best: tuple[int, int] | None = None
    for i, ci in enumerate(multi):
        for cj in multi[i + 1 :]:
            for a in ci:
                for b in cj:
                    d = abs(a.start - b.start)
                    if best is None or d < best[0]:
                        best = (d, min(a.start, b.start))
    return [] if best is None else [(best[1], best[1])]


# --------------------------------------------------------------------------- briefings


@functools.cache
def _walk_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model class that may hold evidence: everything but spans, the report and the fields
    whose type holds no model (a str, a number, an enum, a date: nothing below them to walk)."""
    skip = ("validation", "provenance", "spans")
    return tuple(n for n, f in cls.__pydantic_fields__.items() if n not in skip and _may_hold_model(f.annotation))


_SCALARS = (str, bytes, int, float, enum.Enum, dt.date, type(None))


def _may_hold_model(annotation: Any) -> bool:
    """False only for a type that provably holds no model (scalars, their unions, lists and literals)."""
    origin = get_origin(annotation)
    if origin is Literal:
        return False
    if origin is not None:
        args = [a for a in get_args(annotation) if a is not Ellipsis]
        return not args or any(_may_hold_model(a) for a in args)
    return not (isinstance(annotation, type) and issubclass(annotation, _SCALARS))


def iter_evidence(node: BaseModel, path: str = "") -> Iterator[tuple[str, Evidence]]:
    """Every evidence-bearing value below ``node`` with its path (``quotes[2].speaker``)."""
    if isinstance(node, Evidence):
        yield path, node
    cls: type[BaseModel] = type(node)
    for name in _walk_fields(cls):
        child = getattr(node, name)
        if isinstance(child, BaseModel):
            yield from iter_evidence(child, f"{path}.{name}" if path else name)
        elif isinstance(child, list) and child and isinstance(child[0], BaseModel):
            sub = f"{path}.{name}" if path else name
            for i, item in enumerate(child):
                yield from iter_evidence(item, f"{sub}[{i}]")


def ground(briefing: Briefing, source: str) -> Briefing:
    """A copy of ``briefing`` whose unlocated spans are located in ``source`` where possible.

    Spans that already carry offsets are kept as they are (the validator checks
    them). The spans of one top-level item are located together, so a string that
    occurs several times resolves to the occurrence nearest the item's other spans.
    An item's anchor evidence that is not in the source as one
    string but as two pieces around a short interruption ("Passengers, she said, had
    waited ...") becomes those two spans (:func:`locate_interrupted`).

    Only the nodes whose spans change are built again, in one validation of the briefing's data in
    which every other node (and every span) is passed as the instance it is: pydantic takes an
    instance of the right model as it is, so nothing already valid is validated again, and what
    did not change is shared with ``briefing``.
    """
    src = source_text(source)
    anchor_of = {k.name: k.anchor for k in briefing.item_kinds}
    groups = [("source", briefing.source), *briefing.items()]
    changes: dict[str, dict[int, list[Span]]] = {}  # evidence path -> span index -> its replacement
    for prefix, item in groups:
        slots: list[tuple[str, int]] = []
        queries: list[str] = []
        anchor = anchor_of.get(prefix.split("[")[0])
        anchor_path = f"{prefix}.{anchor}" if anchor else None
        for path, ev in iter_evidence(item, prefix):
            for k, span in enumerate(ev.spans):
                if not span.located:
                    slots.append((path, k))
                    queries.append(span.text)
        if not queries:
            continue
        primary = [i for i, (path, _) in enumerate(slots) if path == anchor_path]
        spans = locate_group(queries, src, primary=primary)
        for i, (path, k) in enumerate(slots):
            found: list[Span] = [spans[i]]
            if not spans[i].located and path == anchor_path:
                found = locate_interrupted(queries[i], src) or found
            changes.setdefault(path, {})[k] = found
    data = _with_spans(briefing, "", changes)
    return briefing.model_copy() if data is briefing else type(briefing).model_validate(data)


def _with_spans(node: BaseModel, path: str, changes: dict[str, dict[int, list[Span]]]) -> Any:
    """The data of ``node`` (at ``path``) with the spans ``changes`` names replaced, or ``node`` itself
    when nothing below it changes."""
    data = dict(node.__dict__)
    changed = False
    if isinstance(node, Evidence) and path in changes:
        spans = list(node.spans)
        # Highest index first: an anchor split in two shifts the indices of later spans of its evidence.
        for k, found in sorted(changes[path].items(), reverse=True):
            spans[k : k + 1] = found
        data["spans"] = spans
        changed = True
    for name in _walk_fields(type(node)):
        child = data[name]
        sub = f"{path}.{name}" if path else name
        if isinstance(child, BaseModel):
            new = _with_spans(child, sub, changes)
            if new is not child:
                data[name] = new
                changed = True
        elif isinstance(child, list) and child and isinstance(child[0], BaseModel):
            items = [_with_spans(c, f"{sub}[{i}]", changes) for i, c in enumerate(child)]
            if any(a is not b for a, b in zip(items, child, strict=True)):
                data[name] = items
                changed = True
    return data if changed else node


_MAX_INTERRUPTION = 60  # characters between the two pieces: ", she said, ", " (Reuters) "
_MAX_SPLIT_WORDS = 80  # longer evidence is not tried piece by piece
_SENTENCE_END = re.compile(r"[.!?][\"'”’»)]*\s")


def _interruption(gap: str) -> bool:
    """Whether ``gap`` can be an attribution inside one sentence: short, some words, no sentence end."""
    return (
        0 < len(gap) <= _MAX_INTERRUPTION
        and "\n\n" not in gap
        and any(c.isalpha() for c in gap)
        and not _SENTENCE_END.search(gap)
    )


def locate_interrupted(query: str, source: str | SourceText) -> list[Span]:
    """Evidence found as two pieces around a short interruption, as spans; ``[]`` if not.

    Writers break a quote or a paraphrase with its attribution ("Passengers, she said,
    had waited long enough"); a model gives the words without the break. Each split
    at a word boundary is tried: the first piece found verbatim (or normalised, never
    fuzzily), the second starting within :data:`_MAX_INTERRUPTION` characters after it,
    with no paragraph break between. The first such pair in the text wins.
    """
    src = _as_source(source)
    words = query.split()
    if not 2 <= len(words) <= _MAX_SPLIT_WORDS:
        return []
    text = src.text
    for cut in range(1, len(words)):
        left, right = " ".join(words[:cut]), " ".join(words[cut:])
        lefts = _find(left, src, fuzzy=False)
        if not lefts:
            continue
        rights = _find(right, src, fuzzy=False)
        for a in lefts:
            for b in rights:
                if _interruption(text[a.end : b.start]):
                    return [_to_span(a, src), _to_span(b, src)]
    return []
