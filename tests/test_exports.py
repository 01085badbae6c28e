"""The public API is exported explicitly and sorted."""

from __future__ import annotations

import summarizer


def test_all_is_sorted_and_complete() -> None:
    # isort style, as ruff's RUF022 keeps it: CONSTANTS, then Classes, then functions.
    assert summarizer.__all__ == sorted(
        summarizer.__all__, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n)
    )
    public = {n for n in dir(summarizer) if not n.startswith("_")} - {"annotations"}
    modules = {n for n in public if type(getattr(summarizer, n)).__name__ == "module"}
    assert public - modules <= set(summarizer.__all__) | {"__version__"}
    for name in summarizer.__all__:
        assert hasattr(summarizer, name), name


def test_every_error_derives_from_the_root() -> None:
    from summarizer import errors

    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.SummarizerError)
