"""Person mentions: the antecedents of pronoun speakers."""

from __future__ import annotations

import pytest
from _build import isil_text

from summarizer.lexicon import demonym_country
from summarizer.mentions import acronyms, antecedent, person_mentions
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
