"""The word lists are data files shipped in the package, in the one documented format."""

from __future__ import annotations

import re
import tomllib
import zipfile
from enum import StrEnum
from importlib import resources
from pathlib import Path

import pycountry
import pytest

from summarizer import lexicon
from summarizer.engines.rules.cues import speech_lemma
from summarizer.parse import canonical_unit
from summarizer.schema import IncidentSubType, LocationKind, PositionStatus, QuantityQualifier

DATA = resources.files("summarizer").joinpath("data")
KINDS = {"words": list, "table": dict, "pattern": str}


@pytest.mark.parametrize("domain", lexicon.data_files())
def test_every_list_follows_the_format(domain: str) -> None:
    with DATA.joinpath(f"{domain}.toml").open("rb") as f:
        doc = tomllib.load(f)
    assert doc, f"{domain}.toml is empty"
    for name, entry in doc.items():
        assert isinstance(entry, dict), f"[{name}] must be a table"
        assert isinstance(entry.get("doc"), str) and entry["doc"].strip(), f"[{name}] needs a doc string"
        kinds = [k for k in KINDS if k in entry]
        assert len(kinds) == 1 and set(entry) == {"doc", kinds[0]}, f"[{name}]: doc plus one of {list(KINDS)}"
        value = entry[kinds[0]]
        assert isinstance(value, KINDS[kinds[0]]) and value, f"[{name}].{kinds[0]} is empty or of the wrong type"
        if kinds[0] == "words":
            assert all(isinstance(w, str) and w == w.strip() and w for w in value), name
            assert all(w == w.lower() for w in value), f"[{name}]: word lists are lower case"
            assert len(set(value)) == len(value), f"[{name}] lists a word twice"
        if kinds[0] == "table":
            for key, v in value.items():
                ok = isinstance(v, (str, int)) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
                assert ok and v != [], f"[{name}].{key}: a string, an integer or an array of strings"
                assert not isinstance(v, list) or len(set(v)) == len(v), f"[{name}].{key} lists a name twice"


def test_a_missing_list_names_the_file() -> None:
    with pytest.raises(KeyError, match=r"summarizer/data/speech.toml has no \[nothing\]"):
        lexicon.words("speech", "nothing")


def test_the_data_files_are_in_the_wheel(tmp_path: Path) -> None:
    """Built with the project's own backend: the lists must travel with the package."""
    hatchling = pytest.importorskip("hatchling.builders.wheel")
    root = Path(__file__).resolve().parent.parent
    builder = hatchling.WheelBuilder(str(root))
    (wheel,) = list(builder.build(directory=str(tmp_path), versions=["standard"]))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"summarizer/data/{d}.toml" for d in lexicon.data_files()} <= names
    assert "summarizer/_prompts/v1/system.md" in names


# --------------------------------------------------------------------------- what the lists must be


@pytest.mark.parametrize(
    ("domain", "name", "enum"),
    [("incidents", "sub_type_cues", IncidentSubType), ("positions", "status_cues", PositionStatus)],
)
def test_cue_tables_are_regexes_keyed_by_the_schemas_enum(domain: str, name: str, enum: type[StrEnum]) -> None:
    cues = lexicon.table(domain, name)
    assert set(cues) <= {m.value for m in enum}
    for pattern in cues.values():
        re.compile(pattern)


def test_tables_hold_values_of_the_schema_and_iso() -> None:
    assert {QuantityQualifier(v) for v in lexicon.table("quantities", "qualifiers").values()}
    assert {LocationKind(v) for v in lexicon.table("places", "place_kinds").values()}
    codes = {*lexicon.table("places", "country_aliases"), *lexicon.table("places", "demonyms").values()}
    assert all(pycountry.countries.get(alpha_2=c) is not None for c in codes), "ISO 3166 alpha-2 codes"


@pytest.mark.parametrize(
    ("subset", "of"),
    [
        (("quantities", "figure_qualifiers"), ("quantities", "qualifiers")),
        (("quantities", "distance_qualifiers"), ("quantities", "qualifiers")),
        (("speech", "indirect_speech_verbs"), ("speech", "speech_verbs")),
        (("speech", "infinitive_cues"), ("speech", "speech_verbs")),
        (("forces", "generic_armed_groups"), ("forces", "force_heads")),
    ],
    ids=lambda d: ".".join(d),
)
def test_a_narrower_list_stays_inside_the_list_it_narrows(subset: tuple[str, str], of: tuple[str, str]) -> None:
    with DATA.joinpath(f"{of[0]}.toml").open("rb") as f:
        entry = tomllib.load(f)[of[1]]
    assert lexicon.words(*subset) <= set(entry.get("words", entry.get("table", ())))


def test_the_lexicon_and_the_engine_read_one_table_of_speech_forms() -> None:
    """The validator's speech cues (lexicon) and the engine's speech lemmas come from one table."""
    for form, lemma in lexicon.table("speech", "irregular_forms").items():
        assert form in lexicon.SPEECH_FORMS and lexicon.SPEECH_RE.fullmatch(form)
        if lemma in lexicon.SPEECH_VERBS:
            assert speech_lemma(form) == lemma
    assert lexicon.SPEECH_RE.fullmatch("according to")


def test_every_distance_unit_is_a_measure_unit_of_length() -> None:
    units = {u: canonical_unit(u) for u in lexicon.DISTANCE_UNITS}
    assert set(units.values()) == {"km", "mi", "m"}
    assert all(lexicon.MEASURE_UNITS[u] == canonical for u, canonical in units.items())


def test_every_month_and_weekday_has_its_number() -> None:
    assert set(lexicon.MONTHS.values()) == set(range(1, 13))
    assert sorted(lexicon.WEEKDAYS.values()) == list(range(7))
    full = lexicon.table("dates", "month_names")
    assert all(lexicon.MONTHS[name[:3]] == n for name, n in full.items() if name != "may"), "'Oct.' is October"


def test_alternation_prefers_the_longest_phrase() -> None:
    pattern = re.compile(rf"(?:{lexicon.alternation(['gun', 'gun battle', 'a.b'])})")
    assert pattern.match("gun  battle").group() == "gun  battle"
    assert pattern.match("axb") is None
