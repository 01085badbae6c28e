"""Reading the project's on-disk formats: one JSON file as one Pydantic model, errors naming the file.

Fixtures' metadata and gold, recordings and their manifest, evaluation run files: each
is a model with ``extra="forbid"``, and each is read by :func:`read_model`, so a broken
file always says the same things — which file, and what is wrong at which field — as a
:class:`~summarizer.errors.FixtureError`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .errors import FixtureError

__all__ = ["read_model"]

M = TypeVar("M", bound=BaseModel)


def read_model(path: Path, model: type[M], *, text: str | None = None) -> M:
    """``path`` (or its already-read ``text``) as ``model``; a :class:`FixtureError` naming the file otherwise."""
    if text is None:
        try:
            text = path.read_bytes().decode("utf-8")
        except OSError as exc:
            raise FixtureError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
        except UnicodeDecodeError as exc:
            raise FixtureError(f"{path}: not valid UTF-8 at byte {exc.start}; save the file as UTF-8") from exc
    try:
        return model.model_validate(json.loads(text))
    except json.JSONDecodeError as exc:
        raise FixtureError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise FixtureError(
            f"{path}: {exc.error_count()} error(s) against {model.__name__}; first at {where}: {first['msg']}"
        ) from exc
