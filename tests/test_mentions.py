"""Person mentions: the antecedents of pronoun speakers."""

from __future__ import annotations

import pytest
from _build import isil_text

from summarizer.lexicon import demonym_country
from summarizer.mentions import (
    acronyms,
    antecedent,
    clause_subjects,
    person_mentions,
    pronoun_antecedent,
    quotation_end,
    speech_cues,
    subject_person,
    tag_verb,
)
from summarizer.text import SourceText


def names(text: str) -> list[tuple[str, str]]:
    src = SourceText(text)
    return [(p.name, text[p.start : p.end]) for p in person_mentions(src)]


def test_people_of_the_first_fixture() -> None:
    found = {name for name, _ in names(isil_text())}
    assert found == {
        "Francois Hollande",
        "Abdelghani al-Assadi",
        "Jawwad al-Tulaibawi",
        "Jens Stoltenberg",
        "John Dorrian",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Latvian Foreign Minister Ilze Berzina hosted the talks.", [("Ilze Berzina", "Ilze Berzina")]),
        ("It was attended by Commissioner Pieter de Graaf.", [("Pieter de Graaf", "Pieter de Graaf")]),
        ("said Col. John Dorrian, a spokesman", [("John Dorrian", "John Dorrian")]),
        (
            "Danish Foreign Minister Mette Lund Holm spoke. Later Holm left.",
            [("Mette Lund Holm", "Mette Lund Holm"), ("Mette Lund Holm", "Holm")],
        ),
        ("The talks at Riga Castle ended. The Associated Press reported.", []),
        ("Iraqi Kurds and Sunni Arab politicians opposed it in Kurdish-controlled Kirkuk.", []),
        ("Officials met on Oct. 25 in Paris.", []),
        ("Shells hit the village of Tell Hawa overnight, and Dar Sufa too.", []),
        ("The army’s 9th Armoured Division advanced toward Umm Jalal.", []),
        ("Fighting in Qasr Aliya went on; Mayor Ali Karam fled to Kafr Dalal.", [("Ali Karam", "Ali Karam")]),
        (
            "Envoy Salim al-Harthy spoke. Later al-Harthy left. Al-Harthy said no.",
            [
                ("Salim al-Harthy", "Salim al-Harthy"),
                ("Salim al-Harthy", "al-Harthy"),
                ("Salim al-Harthy", "Al-Harthy"),
            ],
        ),
        ("Crowds marched to Kel Amar on Sunday. Buses left the capital, Kel Amar, at dawn.", []),
        ("They gathered at Nasr Avenue, where Kasra Guards stood.", []),
        (
            "Hamid Sayer spoke first. Then Yasin Sayer spoke. Sayer added more.",
            [("Hamid Sayer", "Hamid Sayer"), ("Yasin Sayer", "Yasin Sayer"), ("Yasin Sayer", "Sayer")],
        ),
    ],
)
def test_person_mentions(text: str, expected: list[tuple[str, str]]) -> None:
    assert names(text) == expected


def test_a_place_between_person_and_pronoun_is_not_the_antecedent() -> None:
    text = (
        "Mayor Ali Karam spoke on Monday.\n\nShells hit the village of Tell Hawa overnight.\n\n"
        "“We lost everything,” he said."
    )
    who = antecedent(SourceText(text), text.index("he said"))
    assert who is not None and who.name == "Ali Karam"


def test_antecedent_is_the_nearest_earlier_person() -> None:
    text = "Jens Stoltenberg spoke first. Then John Dorrian spoke, and he said it was over."
    src = SourceText(text)
    who = antecedent(src, text.index("he said"))
    assert who is not None and who.name == "John Dorrian"
    assert antecedent(src, 3) is None


@pytest.mark.parametrize(
    ("word", "country"),
    [
        ("Iraqi", "Iraq"),
        ("Latvian", "Latvia"),
        ("Estonian", "Estonia"),
        ("Syrian", "Syria"),
        ("Danish", "Denmark"),
        ("Omani", "Oman"),
        ("Qatari", "Qatar"),
    ],
)
def test_demonyms(word: str, country: str) -> None:
    assert demonym_country(word) == country


def test_acronyms_defined_in_brackets() -> None:
    text = (
        "Fighters of the Vesna Liberation Army (VLA) met the Iraqi elite counter-terrorism service (CTS), "
        "the Islamic State of Iraq and the Levant (ISIL) and a unit (X1) near the border."
    )
    assert acronyms(SourceText(text)) == {
        "VLA": "Vesna Liberation Army",
        "CTS": "counter-terrorism service",
        "ISIL": "Islamic State of Iraq and the Levant",
    }


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
    assert not region.closed and quotation_end(src, region) == text.index(" Halloran")
    assert speech_cues(src, 0, len(text)) == []  # "testified" is not in the lexicon
    assert tag_verb(src, quotation_end(src, region), len(text)) == (
        text.index("testified"),
        text.index("testified") + len("testified"),
    )
