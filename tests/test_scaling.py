"""Work grows linearly with the text on the shapes that once made it quadratic (issue 7).

No clock is read: the work is counted, either as Python function calls (cProfile's count,
deterministic for a given input) or as characters a step reads, so the tests hold on a
loaded machine and fail only when the algorithm changes.
"""

from __future__ import annotations

import cProfile
import pstats
import random
from collections.abc import Callable

import pytest

from summarizer import coverage, summarize, validate
from summarizer.engines.rules import extract
from summarizer.schema import Briefing
from summarizer.text import source_text

_NAMES = ("Colonel Ivan Horvat", "General Maria Novak", "Minister Leila Haddad", "Captain Tomas Berg")


def _quote_dense(words: int) -> str:
    """Two short quotations with speakers per paragraph."""
    paras: list[str] = []
    while len(paras) * 15 < words:
        name = _NAMES[len(paras) % len(_NAMES)]
        paras.append(f"“We will hold the line,” said {name}. “They will not cross,” he said.")
    return "\n\n".join(paras) + "\n"


def _third_marks(words: int) -> str:
    """Every third token a quotation mark, straight and curly mixed; one paragraph, no sentence end."""
    rng = random.Random(7)
    marks = ('"', "“", "”", "‘", "’", "'", "«", "»", "„")
    filler = "a b c d said he the troops Smith".split()
    return " ".join(rng.choice(marks) if i % 3 == 2 else rng.choice(filler) for i in range(words))


def _calls(fn: Callable[[], object]) -> int:
    profile = cProfile.Profile()
    profile.enable()
    try:
        fn()
    finally:
        profile.disable()
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


_SHAPES = {"quote-dense with speakers": _quote_dense, "every third token a quotation mark": _third_marks}


@pytest.mark.parametrize("shape", ["quote-dense with speakers", "every third token a quotation mark"])
def test_brief_and_validate_do_linear_work(shape: str) -> None:
    build = _SHAPES[shape]
    small, big = build(1_000), build(4_000)
    for text in (small, big):  # warm-up: lazily built tables (country keys, demonyms...) are one-time costs
        summarize(text + "\n", engine="rules")
    brief = [_calls(lambda t=t: summarize(t, engine="rules")) for t in (small, big)]
    drafts = [extract(t) for t in (small, big)]
    checked = [_calls(lambda t=t, d=d: validate(d, t + " ")) for t, d in zip((small, big), drafts, strict=True)]
    # x4 the words: at most x4.3 the calls (fixed costs make linear work grow a little less than x4).
    assert brief[1] <= 4.3 * brief[0], brief
    # The validator's work is per quote: where the quotes grow more than the words (4 -> 19 of the seeded
    # quotation marks are attributed at 1,000 / 4,000 words), the bound grows with them.
    more_quotes = max(1.0, len(drafts[1].quotes) / len(drafts[0].quotes) / 4)
    assert checked[1] <= 4.3 * more_quotes * checked[0], (checked, [len(d.quotes) for d in drafts])


class _CountingPattern:
    """Stands in for a compiled pattern and adds up the characters each ``search`` may read."""

    def __init__(self, pattern: object) -> None:
        self.pattern = pattern
        self.read = 0

    def search(self, text: str, pos: int = 0, endpos: int = 2**62) -> object:
        self.read += max(0, min(endpos, len(text)) - pos)
        return self.pattern.search(text, pos, endpos)  # type: ignore[attr-defined]


def test_coverage_reads_each_sentence_a_bounded_number_of_times(monkeypatch: pytest.MonkeyPatch) -> None:
    """One endless sentence holding thousands of quotations: the speech-verb search reads it about once,
    not once per quotation."""
    text = _third_marks(6_000)
    src = source_text(text)
    assert len(src.sentences) == 1 and len(src.quotes) > 200
    counting = _CountingPattern(coverage.SPEECH_RE)
    monkeypatch.setattr(coverage, "SPEECH_RE", counting)
    coverage.audit(extract(text), text)
    assert 0 < counting.read <= 3 * len(text)


def test_coverage_tries_only_the_cues_near_a_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long sentence of figures and casualty words: each figure is tried against the cues within the
    window around it, not against every cue of the sentence."""
    text = "Officials said " + " and ".join(f"{k % 9 + 2} were killed in raid {k}" for k in range(1_500)) + ".\n"
    calls = 0
    real = coverage._same_clause

    def counted(*args: object) -> bool:
        nonlocal calls
        calls += 1
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(coverage, "_same_clause", counted)
    report = coverage.audit(extract(text), text)
    figures = sum(1 for m in report.missing if m.kind == "figure") + report.covered
    assert figures > 1_000
    assert calls <= 10 * figures


def test_a_chain_of_participle_cues_is_followed_without_recursion() -> None:
    """ "X said ..., calling for ..., calling for ...": each participle takes the subject of the cue before it.
    The chain is followed in a loop with a memo, so thousands of links neither overflow the stack nor make the
    work grow with the square of their number."""
    lead = "Smith Jones said the army would stay"

    def chain(n: int) -> str:
        return lead + ", calling for calm in the town" * n + ".\n"

    extract(chain(20))  # warm-up
    small, big = _calls(lambda: extract(chain(300))), _calls(lambda: extract(chain(1_200)))
    assert big <= 4.3 * small, (small, big)
    assert [q.speaker.value for q in extract(chain(1_500)).quotes] == ["Smith Jones"]


def test_pronouns_after_a_run_of_outlets_walk_back_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pronoun's antecedent skips news outlets ("Al Jazeera reported"); the walk past them is memoised, so
    800 pronouns each after another outlet do not each walk back over all the outlets before them."""
    from summarizer.engines.rules.doc import Doc

    calls = 0
    real = Doc.antecedent

    def counted(self: Doc, offset: int) -> object:
        nonlocal calls
        calls += 1
        return real(self, offset)

    monkeypatch.setattr(Doc, "antecedent", counted)
    n = 800
    text = "Colonel Ivan Horvat spoke. " + "Al Jazeera reported it. “We stay,” he said. " * n
    quotes = extract(text).quotes
    assert len(quotes) == n and {q.speaker.value for q in quotes} == {"Ivan Horvat"}
    assert calls <= 5 * n, calls


def test_positions_of_one_sentence_merge_through_a_dict() -> None:
    """One sentence naming a force hundreds of times: its positions merge by the force's spans through a dict,
    not by comparing each with every position kept before it."""

    def sentence(n: int) -> str:
        return "The army said " + ", ".join("Vesna forces advanced from the south" for _ in range(n)) + ".\n"

    extract(sentence(10))  # warm-up
    small, big = _calls(lambda: extract(sentence(150))), _calls(lambda: extract(sentence(600)))
    assert big <= 4.3 * small, (small, big)


def _wrong_speakers(words: int) -> tuple[str, Briefing]:
    """The quote-dense text's draft with every quote given a speaker the text does not name there: a validation
    error on about half of the quotes."""
    text = _quote_dense(words)
    draft = extract(text)
    quotes = [
        q.model_copy(update={"speaker": q.speaker.model_copy(update={"value": "Anna Lindqvist"})}) for q in draft.quotes
    ]
    return text, draft.model_copy(update={"quotes": quotes})


def test_verified_fields_are_counted_through_a_set_of_flagged_paths() -> None:
    """Which checked fields are verified is read from the set of paths at or above an error, not by comparing
    each field's path with every error path (with hundreds of failing quotes: millions of ``startswith``)."""
    cases = [_wrong_speakers(n) for n in (1_000, 4_000)]
    for text, draft in cases:
        report = validate(draft, text)  # warm-up
        assert 0 < report.fields_verified < report.fields_checked
        assert sum(1 for i in report.issues if i.severity.value == "error") >= len(draft.quotes) // 2
    small, big = (_calls(lambda t=t, d=d: validate(d, t + " ")) for t, d in cases)
    assert big <= 4.3 * small, (small, big)


def test_speech_cues_bisect_the_quoted_ranges() -> None:
    """One endless sentence of quotation marks and cues: whether a cue is inside a quotation is one bisection
    of the quoted ranges, not a test against every one of them."""
    from summarizer.mentions import speech_cues

    def work(words: int) -> int:
        src = source_text(_third_marks(words))
        speech_cues(src, 0, len(src.text))  # warm-up: the quotations are paired once
        return _calls(lambda: speech_cues(src, 0, len(src.text)))

    small, big = work(2_000), work(8_000)
    assert big <= 4.3 * small, (small, big)


def _unique_name(k: int) -> str:
    letters = "bcdfghjklmnprstvz"
    a, b, c = letters[k % 17], letters[k // 17 % 17], letters[k // 289 % 17]
    return f"{a.upper()}a{b}o{c}i {c.upper()}e{a}u{b}a"


def test_partial_and_surname_mentions_are_looked_up_not_compared_with_every_name() -> None:
    """A surname-only mention ("Horvat said") goes to the last person of that surname named before it (a
    bisection over their starts), and a partial name takes the full name it ends (one look-up among the
    endings of the names): neither lists or compares every person of the text for each mention."""
    from summarizer.names import person_mentions

    def repeated(n: int) -> str:  # one surname, named in full and alone again and again
        return "Colonel Ivan Horvat spoke. Horvat said it again. " * n

    def unique(n: int) -> str:  # every full name a new one
        return "".join(f"Minister {_unique_name(k)} spoke. " for k in range(n))

    for build in (repeated, unique):

        def work(n: int, build: Callable[[int], str] = build) -> int:
            text = build(n)
            person_mentions(source_text(text + " "))  # warm-up
            return _calls(lambda: person_mentions(source_text(text)))

        small, big = work(300), work(1_200)
        assert big <= 4.3 * small, (build.__name__, small, big)
    mentions = person_mentions(source_text(repeated(3)))
    assert [p.name for p in mentions] == ["Ivan Horvat"] * 6


def test_each_sentence_s_cues_and_subjects_are_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every "he said" walks back over the sentences before it for the person a sentence is about, and the
    next one walks over most of the same sentences: their cues and subjects are read once per text (memoised
    per range), not once per pronoun that passes them."""
    from summarizer import mentions

    calls = 0
    real = mentions.speech_cues

    def counted(*args: object) -> list[tuple[int, int]]:
        nonlocal calls
        calls += 1
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(mentions, "speech_cues", counted)
    n = 600
    text = "Ivan Horvat spoke. " + "Al Jazeera reported it. “Go,” he said. " * n
    quotes = extract(text).quotes
    assert len(quotes) == n and {q.speaker.value for q in quotes} == {"Ivan Horvat"}
    assert calls <= 2 * len(source_text(text).sentences), calls
