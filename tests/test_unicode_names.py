"""Names in other scripts and with combining marks, and quotations among scraper remnants (issue 10).

Each case is a short text in wire style, written for the test: a surname in Cyrillic or
Arabic script names the person named in full before it, as a Latin surname does; a name
written with combining marks (NFD, as text pasted from some editors arrives) is read as
its precomposed spelling is; a transliteration in brackets after a name is the same
person; a straight quotation mark right after ``<p>``, ``<br>`` or ``&nbsp;`` opens a
quotation; and a cue does not reach back over a ``</p>`` that ends a line.
"""

from __future__ import annotations

import unicodedata

import pytest

from summarizer.mentions import pronoun_antecedent
from summarizer.names import person_mentions
from summarizer.parse import name_supported
from summarizer.schema import Briefing, MatchStatus, Mention, Quote, QuoteKind, Severity, SourceInfo, Span
from summarizer.text import SourceText
from summarizer.validate import validate


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def mention(text: str, value: str, evidence: str, within: str | None = None) -> Mention:
    """``value`` with one exact span: ``evidence`` where it first occurs (inside ``within``, if given)."""
    start = text.index(evidence, text.index(within) if within is not None else 0)
    return Mention(
        value=value, spans=[Span(start=start, end=start + len(evidence), text=evidence, status=MatchStatus.EXACT)]
    )


def problems(
    text: str, words: str, speaker: str, evidence: str, within: str | None = None, *, indirect: bool = False
) -> list[str]:
    """The codes of the errors and warnings the validator reports for one quote."""
    quote = Quote(
        kind=QuoteKind.INDIRECT if indirect else QuoteKind.DIRECT,
        text=mention(text, words, words),
        speaker=mention(text, speaker, evidence, within),
    )
    report = validate(Briefing(source=SourceInfo.of(text), quotes=[quote]), text)
    return [f"{i.path}: {i.code}" for i in report.issues if i.severity is not Severity.INFO]


# --------------------------------------------------------------------------- a surname names the full name

KOVAL = "Олена Коваль"
KHATIB = "يوسف الخطيب"
LEFEVRE = nfd("Aimée Lefèvre")

SURNAMES = [
    ("cyrillic", KOVAL, "Коваль", "Олена Коваль"),
    ("arabic", KHATIB, "الخطيب", "يوسف الخطيب"),
    ("latin-nfd", LEFEVRE, nfd("Lefèvre"), LEFEVRE),
    ("nfd-value-nfc-span", LEFEVRE, "Lefèvre", "Aimée Lefèvre"),
    ("nfc-value-nfd-span", "Aimée Lefèvre", nfd("Lefèvre"), LEFEVRE),
]


@pytest.mark.parametrize(("value", "span", "full"), [c[1:] for c in SURNAMES], ids=[c[0] for c in SURNAMES])
def test_a_surname_in_any_script_supports_the_full_name(value: str, span: str, full: str) -> None:
    assert name_supported(value, span)
    assert name_supported(value, full)
    assert not name_supported(value, "Коваленко") and not name_supported(value, "Halloran")


def test_a_name_in_no_case_or_with_combining_marks_is_a_person_mention() -> None:
    text = (
        f"{KOVAL} (Olena Koval), the deputy energy minister of Brask, met {KHATIB} (Yousef al-Khatib) and "
        f"{LEFEVRE} on Monday.\n\nКоваль said the pipes were ready. {nfd('Lefèvre')} agreed."
    )
    names = {text[p.start : p.end]: p.name for p in person_mentions(SourceText(text))}
    assert names[KOVAL] == KOVAL and names[KHATIB] == KHATIB and names[LEFEVRE] == LEFEVRE
    assert names["Коваль"] == KOVAL and names[nfd("Lefèvre")] == LEFEVRE


CYRILLIC = (
    f"{KOVAL} (Olena Koval), the deputy energy minister of Brask, attended the talks in Sorvik.\n\n"
    "“The pipes are ready and the money is there,” Коваль said.\n\n"
    "Коваль said Brask would open its valves before the winter."
)
ARABIC = (
    f"{KHATIB} (Yousef al-Khatib), the head of the Qasr Port Authority, arrived late.\n\n"
    "“We needed time to read the text,” الخطيب told reporters. He said the port would reopen on Monday."
)
DECOMPOSED = (
    "Tomas Brandt, the chairman of the dam board, spoke first.\n\n"
    f"{LEFEVRE}, a geologist from the survey office, attended as an observer. {nfd('Lefèvre')}, whose office "
    "inspects the dam, warned that the concrete was old.\n\n"
    "“A crack you cannot see is still a crack,” she said."
)

SPEAKERS = [
    # (id, text, the quote's words, its speaker, the speaker's evidence, where it is, reported speech)
    ("cyrillic-X-said", CYRILLIC, "The pipes are ready and the money is there,", KOVAL, "Коваль", "Коваль said", False),
    (
        "cyrillic-indirect",
        CYRILLIC,
        "Brask would open its valves before the winter",
        KOVAL,
        "Коваль",
        "Коваль said B",
        True,
    ),
    ("arabic-told", ARABIC, "We needed time to read the text,", KHATIB, "الخطيب", "الخطيب told", False),
    ("arabic-he-said", ARABIC, "the port would reopen on Monday", KHATIB, "He", None, True),
    ("transliteration-he-said", ARABIC, "the port would reopen on Monday", "Yousef al-Khatib", "He", None, True),
    ("nfd-warned", DECOMPOSED, "the concrete was old", LEFEVRE, nfd("Lefèvre"), nfd("Lefèvre") + ", whose", True),
    ("nfd-she-said", DECOMPOSED, "A crack you cannot see is still a crack,", LEFEVRE, "she", None, False),
    ("nfc-value-she-said", DECOMPOSED, "A crack you cannot see is still a crack,", "Aimée Lefèvre", "she", None, False),
]


@pytest.mark.parametrize(
    ("text", "words", "speaker", "evidence", "within", "indirect"),
    [c[1:] for c in SPEAKERS],
    ids=[c[0] for c in SPEAKERS],
)
def test_speakers_named_in_other_scripts_validate(
    text: str, words: str, speaker: str, evidence: str, within: str | None, indirect: bool
) -> None:
    assert problems(text, words, speaker, evidence, within, indirect=indirect) == []


def test_a_wrong_speaker_in_another_script_is_still_an_error() -> None:
    assert problems(ARABIC, "We needed time to read the text,", KOVAL, "الخطيب", "الخطيب told")


def test_a_pronoun_after_a_decomposed_name_refers_to_it() -> None:
    src = SourceText(DECOMPOSED)
    assert pronoun_antecedent(src, DECOMPOSED.index("she said")) == (LEFEVRE,)


def test_a_transliteration_in_brackets_is_the_same_person() -> None:
    src = SourceText(ARABIC)
    names = pronoun_antecedent(src, ARABIC.index("He said"))
    assert names and names[0] in (KHATIB, "Yousef al-Khatib") and len(names) == 1


# --------------------------------------------------------------------------- scraper remnants

HTML = (
    "<p>Agriculture Minister Ingrid Sorensen met the growers in Halden on Monday.</p>\n\n"
    '<p>"Nobody wants the orchards closed. But the water is not there," she told reporters.</p>\n'
    '<p>Dahl said the meeting had been "useful, but only a beginning."</p>\n\n'
    '<p>"We have grown apples here for a century," said Erik Dahl, who leads the growers.<br>'
    '"If the wells dry up, the valley empties," he added.</p>\n\n'
    '<p>&nbsp;"We will be back in a week," Dahl said.</p>'
)

AFTER_MARKUP = [
    ("after-p", "We have grown apples here for a century,", "Erik Dahl", "Erik Dahl"),
    ("after-br", "If the wells dry up, the valley empties,", "Erik Dahl", "he"),
    ("after-nbsp", "We will be back in a week,", "Erik Dahl", "Dahl", "Dahl said."),
]


@pytest.mark.parametrize("case", AFTER_MARKUP, ids=[c[0] for c in AFTER_MARKUP])
def test_a_straight_mark_after_a_tag_or_entity_opens_a_quote(case: tuple[str, ...]) -> None:
    _, words, speaker, evidence, *within = case
    assert problems(HTML, words, speaker, evidence, *within) == []


def test_a_cue_does_not_reach_back_over_a_closing_paragraph_tag() -> None:
    assert problems(HTML, "useful, but only a beginning.", "Erik Dahl", "Dahl", "Dahl said the meeting") == []
    assert problems(HTML, "useful, but only a beginning.", "Ingrid Sorensen", "Dahl", "Dahl said the meeting")


def test_straight_marks_in_plain_text_pair_as_before() -> None:
    text = 'He called the plan "a disgrace" and "a gift to smugglers," Voss said.\n\nThe 5" pipe burst;"'
    regions = [(text[q.start : q.end]) for q in SourceText(text).quotes if not q.nested]
    assert regions == ['"a disgrace"', '"a gift to smugglers,"']
