"""The word lists are data files shipped in the package, in the one documented format."""

from __future__ import annotations

import tomllib
import zipfile
from importlib import resources
from pathlib import Path

import pytest

from summarizer import lexicon

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
            assert len(set(value)) == len(value), f"[{name}] lists a word twice"


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
