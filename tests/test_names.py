"""What a capitalised run names and who the people of a text are: one reading for the validator and the engine."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from _build import isil_text

from summarizer.engines.rules import extract
from summarizer.lexicon import demonym_country
from summarizer.mentions import pronoun_antecedent
from summarizer.names import (
    NameKind,
    acronyms,
    antecedent,
    classify,
    kind_of,
    names_in,
    person_mentions,
)
from summarizer.schema import ActorKind
from summarizer.text import SourceText

PACKAGE = Path(__file__).resolve().parent.parent / "summarizer"

# --------------------------------------------------------------------------- what a name names


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("AFP", NameKind.OUTLET),
        ("The Associated Press", NameKind.OUTLET),
        ("Al Jazeera", NameKind.OUTLET),
        ("BBC Arabic", NameKind.OUTLET),
        ("Hashd al-Shaabi", NameKind.ARMED_GROUP),
        ("ISIL fighters", NameKind.ARMED_GROUP),
        ("Vesna Liberation Army", NameKind.ARMED_GROUP),
        ("Wagner", NameKind.ARMED_GROUP),
        ("Richard Wagner", NameKind.OTHER),
        ("Iraq", NameKind.COUNTRY),
        ("Interior Ministry", NameKind.ORGANISATION),
        ("Kasra Guards", NameKind.ORGANISATION),
        ("Kyiv Herald", NameKind.ORGANISATION),
        ("NATO", NameKind.ORGANISATION),
        ("United Nations", NameKind.ORGANISATION),
        ("Tahrir Square", NameKind.PLACE),
        ("Jens Stoltenberg", NameKind.OTHER),
        ("Michael Bloomberg", NameKind.OTHER),
    ],
)
def test_classify(name: str, kind: NameKind) -> None:
    assert classify(name) is kind


def test_kind_of_is_classify_as_an_actor_kind() -> None:
    assert kind_of("AFP") is ActorKind.ORGANISATION  # an outlet is an organisation that reports
    assert kind_of("Tahrir Square") is ActorKind.OTHER  # a place is no actor
    assert kind_of("Hashd al-Shaabi") is ActorKind.ARMED_GROUP


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Meanwhile NATO Secretary General Jens Stoltenberg spoke.",
            [("Jens Stoltenberg", "person", "Secretary General", "NATO")],
        ),
        ("Today Warsaw woke up late.", [("Warsaw", "other", None, None)]),  # a sentence's first word is no name
        ("Asked about it, Maria Novak left.", [("Maria Novak", "other", None, None)]),
        ("WHO said so.", [("WHO", "organisation", None, None)]),  # "who" only leaves a person's name
        ("Flights to New York resumed.", [("Flights", "other", None, None), ("New York", "other", None, None)]),
        (
            "UN mediator Anna Weber arrived.",
            [("UN", "organisation", None, None), ("Anna Weber", "person", "mediator", "UN")],
        ),
    ],
    ids=["title-and-affiliation", "today", "asked", "WHO", "New-York", "lowercase-title"],
)
def test_names_in(text: str, expected: list[tuple[str, str, str | None, str | None]]) -> None:
    def part(span: tuple[int, int] | None) -> str | None:
        return None if span is None else text[span[0] : span[1]]

    found = [(n.text, n.kind.value, part(n.title), part(n.represents)) for n in names_in(text, 0, len(text))]
    assert found == expected


# --------------------------------------------------------------------------- who "he" is: one answer


@pytest.mark.parametrize(
    "between",
    [
        "Al Jazeera reported it.",
        "BBC Arabic reported it.",
        "The Kyiv Herald reported it.",
        "Asaib Ahl al-Haq fighters moved in.",
        "Kasra Guards stood at Nasr Avenue.",
        "Shells fell 3 km south of Kel Amar.",
        "The road between Kel Amar and Dar Sufa was cut.",
        "Rebels held the Kel Amar district.",
    ],
)
def test_validator_and_engine_agree_who_he_is(between: str) -> None:
    """An outlet, a group, a body or a place named between a person and "he said" is no antecedent, for the
    validator's reading of the pronoun and for the offline engine's alike."""
    text = f"Colonel Ivan Horvat spoke on Monday.\n\n{between}\n\n“We stay,” he said."
    src = SourceText(text)
    at = text.index("he said")
    nearest = antecedent(src, at)
    assert nearest is not None and nearest.name == "Ivan Horvat"
    assert pronoun_antecedent(src, at) == ("Ivan Horvat",)
    assert [q.speaker.value for q in extract(text).quotes] == ["Ivan Horvat"]


# --------------------------------------------------------------------------- the lists


def _lists() -> dict[str, list[str]]:
    with (PACKAGE / "data" / "names.toml").open("rb") as f:
        return {name: entry["words"] for name, entry in tomllib.load(f).items()}


def test_every_list_of_names_toml_is_read_by_the_names_module() -> None:
    source = (PACKAGE / "names.py").read_text(encoding="utf-8") + (PACKAGE / "lexicon.py").read_text(encoding="utf-8")
    unread = [name for name in _lists() if f'"{name}"' not in source]
    assert not unread, unread


def test_lists_of_different_roles_do_not_overlap() -> None:
    lists = _lists()
    assert not set(lists["not_names"]) & set(lists["not_person_words"])  # stripped from any name / from a person's
    assert not set(lists["org_words"]) & set(lists["place_words"])  # an organisation's name / a place's


# --------------------------------------------------------------------------- the people of a text


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
        # what the offline engine's classifier knows, the mentions know: no outlet, group or body is a person
        ("Al Jazeera reported it; Asaib Ahl al-Haq denied it.", []),
        ("The Kyiv Herald and Hashd al-Shaabi were named, and Interior Ministry staff left.", []),
        # places marked by the words around them, as the engine's places mark them
        ("Shells fell 3 km south of Kel Amar and on the road between Dar Sufa and Nour Tala.", []),
        ("Rebels held the Kel Amar district.", []),
        # titles and particles of both former lists
        (
            "Mediator Anna Weber met Pedro dos Santos.",
            [("Anna Weber", "Anna Weber"), ("Pedro dos Santos", "Pedro dos Santos")],
        ),
    ],
    ids=lambda v: v[:40] if isinstance(v, str) else None,
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


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        ("Secretary of State John Kerry said", "John Kerry", "Secretary of State"),
        ("Minister of Defence Anna Berg said", "Anna Berg", "Minister of Defence"),
        ("the Ministry of Defence said", "Ministry of Defence", None),
        ("President Joe Biden said", "Joe Biden", "President"),
        ("UN Secretary-General Antonio Guterres said", "Antonio Guterres", "Secretary-General"),
    ],
)
def test_a_title_goes_on_with_of_into_title_words(text: str, name: str, title: str | None) -> None:
    (found,) = names_in(text, 0, len(text))
    assert (found.text, text[found.title[0] : found.title[1]] if found.title else None) == (name, title)


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("Cheuk Hau-yip, the commander, spoke.", ["Cheuk Hau-yip"]),
        ("Kim Jong-un met Tsai Ing-wen on Monday.", ["Kim Jong-un", "Tsai Ing-wen"]),
        ("Hamas-run Gaza, Soviet-era tanks and Kurdish-led forces.", []),
        ("Tehran-backed militias and Assad-aligned troops.", []),
    ],
)
def test_a_hyphenated_given_name_is_one_name_and_a_hyphenated_adjective_none(text: str, people: list[str]) -> None:
    assert [p.name for p in person_mentions(SourceText(text))] == people
