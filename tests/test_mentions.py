"""Who speaks: the subjects of speech cues, and whom a pronoun continues (issue 7)."""

from __future__ import annotations

import pytest

from summarizer.mentions import (
    clause_subjects,
    pronoun_antecedent,
    quotation_end,
    speech_cues,
    subject_person,
    tag_verb,
)
from summarizer.names import antecedent
from summarizer.text import SourceText

# --------------------------------------------------------------------------- who speaks: subjects of cues


def subject_of(text: str) -> tuple[str, str, str | None] | None:
    """(kind, the subject phrase, the person) of the last speech cue of ``text`` that has a subject."""
    src = SourceText(text)
    found = clause_subjects(src, 0, len(text))
    if not found:
        return None
    subject = found[0][1]
    return subject.kind, text[subject.start : subject.end], subject_person(src, subject)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jonas Albrecht said the convoy was stopped.", ("name", "Jonas Albrecht", "Jonas Albrecht")),
        ("“We waited,” said convoy leader Jonas Albrecht.", ("name", "Jonas Albrecht", "Jonas Albrecht")),
        (
            "“We hold it,” Ahmed Darwish, the brigade commander, said.",
            ("name", "Ahmed Darwish, the brigade commander", "Ahmed Darwish"),
        ),
        (
            "Dr. Hana Sayed, who runs the clinic, told Reuters it was full.",
            ("name", "Hana Sayed", "Hana Sayed"),
        ),
        (
            "“It is over,” according to the city's governor, Faisal Amiri.",
            ("name", "the city's governor, Faisal Amiri", "Faisal Amiri"),
        ),
        (
            "A commander who gave only his nom de guerre, Tarek, said they would wait.",
            ("name", "Tarek", "Tarek"),
        ),
        (
            "A woman who gave her name as Umm Ahmad said she had been buying flour.",
            ("name", "A woman who gave her name as Umm Ahmad", "Umm Ahmad"),
        ),
        ("He also appealed for calm.", ("pronoun", "He", None)),
        ("Hollande said, calling for calm.", ("name", "Hollande", None)),
        ("Organisers said 10,000 drivers took part.", ("name", "Organisers", None)),
        (
            "The interior ministry, which runs the checkpoint, said it was routine.",
            ("description", "The interior ministry", None),
        ),
        ("“It is full,” one surgeon told the agency.", ("description", "one surgeon", None)),
        ("United States officials met in Paris.", None),
    ],
    ids=[
        "X-said",
        "said-title-X",
        "X-apposition-said",
        "X-relative-clause-told",
        "according-to-title-apposition",
        "nom-de-guerre",
        "gave-her-name-as",
        "pronoun-adverb",
        "participle-hangs-on-said",
        "sentence-initial-common-noun",
        "description",
        "indefinite-description",
        "States-is-no-cue",
    ],
)
def test_cue_subjects(text: str, expected: tuple[str, str, str | None] | None) -> None:
    assert subject_of(text) == expected


def test_a_pronoun_continues_the_subject_of_the_sentence_before() -> None:
    text = (
        "Major Ivan Petrov said his men held the bridge.\n\n"
        "A rebel commander who gave only his nom de guerre, Tarek, said they would wait. “We wait,” he said."
    )
    assert pronoun_antecedent(SourceText(text), text.index("he said")) == ("Tarek",)
    old = antecedent(SourceText(text), text.index("he said"))
    assert old is not None and old.name == "Ivan Petrov"  # the nearest person mention


def test_a_pronoun_after_two_people_has_two_candidates_the_subject_first() -> None:
    text = "Karim Nasser said the minister, Walid Sarraf, had closed it. “We reopen Monday,” he said."
    assert pronoun_antecedent(SourceText(text), text.index("he said")) == ("Karim Nasser", "Walid Sarraf")


def test_a_pronoun_inside_a_quotation_refers_to_a_name_in_it() -> None:
    text = "Marek Zajac drives a taxi. “When I told my father, Henryk, he laughed.”"
    assert pronoun_antecedent(SourceText(text), text.index("he laughed")) == ("Henryk",)


def test_a_quotation_typed_with_doubled_single_marks_ends_at_them() -> None:
    text = "“We are holding,’’ Halloran testified.\n\nHe left."
    src = SourceText(text)
    (region,) = [q for q in src.quotes if not q.nested]
    assert region.closed and quotation_end(src, region) == text.index(" Halloran")  # text.py pairs “...’’
    cue = (text.index("testified"), text.index("testified") + len("testified"))
    assert speech_cues(src, 0, len(text)) == [cue]  # "testified" is a speech verb of the lexicon (issue 8)
    assert tag_verb(src, quotation_end(src, region), len(text)) == (
        text.index("testified"),
        text.index("testified") + len("testified"),
    )
