"""Prompt templates and few-shot examples, loaded from ``prompts/`` and identified by a hash.

A prompt set is one directory (``prompts/v1`` by default; shipped in the wheel as
``summarizer/_prompts``) holding the templates below and ``examples.json``:

=================  ==============================================================
``system.md``      the extraction instructions; ``${examples}`` is replaced by the examples
``user.md``        the article: ``${article_date}``, ``${article}``
``repair.md``      instructions of a targeted re-ask (only the failed items)
``repair_user.md`` its message: ``${article_date}``, ``${article}``, ``${failures}``
``reask.md``       a full re-ask, appended to the conversation: ``${failures}``
``reparse.md``     the answer could not be parsed: ``${problem}``
=================  ==============================================================

Placeholders are :class:`string.Template` ``${name}``: values are inserted as they
are, never interpreted, so an article containing ``{{``, ``{%``, ``$`` or ``{#``
reaches the model unchanged. (The messages are also sent to instructor without a
``context=``, so instructor's Jinja2 rendering never touches them.)

A prompt's identity (:meth:`PromptSet.identity`) is a hash of its templates, its
examples, the answer schema and the generation parameters: change any of them and
the cache no longer serves the old answers.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any

from ...errors import ConfigurationError, FixtureError

__all__ = ["TEMPLATE_NAMES", "Example", "PromptSet", "default_prompts_dir", "load_prompts"]

TEMPLATE_NAMES = ("system", "user", "repair", "repair_user", "reask", "reparse")
DEFAULT_VERSION = "v1"
_MAX_PREVIOUS = 4_000  # characters of an unparsable answer shown back to the model

Message = dict[str, str]


@dataclass(frozen=True, slots=True)
class Example:
    article: str
    article_date: str | None
    answer: dict[str, Any]


def default_prompts_dir() -> Path:
    """``summarizer/_prompts/v1`` in an installed wheel, ``prompts/v1`` in a source checkout."""
    package = Path(__file__).resolve().parents[2]  # summarizer/
    for root in (package / "_prompts", package.parent / "prompts"):
        if (root / DEFAULT_VERSION / "system.md").is_file():
            return root / DEFAULT_VERSION
    raise ConfigurationError(f"prompt templates not found in {package}: reinstall summarizer or pass prompts_dir=")


@dataclass(frozen=True, slots=True)
class PromptSet:
    name: str
    templates: dict[str, str]
    examples: tuple[Example, ...]
    system: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "system", self._fill("system", examples=self.examples_text()))

    # -- identity ------------------------------------------------------------------
    def identity(self, *, schema_json: str, params: dict[str, Any]) -> str:
        """``<name>-<12 hex>``: sha256 over templates, examples, answer schema and generation parameters."""
        blob = json.dumps(
            {
                "templates": self.templates,
                "examples": [_example_dict(e) for e in self.examples],
                "schema": schema_json,
                "params": params,
            },
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return f"{self.name}-{hashlib.sha256(blob.encode('utf-8')).hexdigest()[:12]}"

    # -- messages ------------------------------------------------------------------
    def _fill(self, name: str, **values: str) -> str:
        return Template(self.templates[name]).substitute(values)

    def examples_text(self) -> str:
        parts = []
        for ex in self.examples:
            answer = json.dumps(ex.answer, ensure_ascii=False, separators=(",", ":"))
            parts.append(
                "Example (another article; it shows the shape of an answer):\n"
                f"Article date: {ex.article_date or 'unknown'}\n<example>\n{ex.article}\n</example>\nAnswer: {answer}"
            )
        return "\n\n".join(parts)

    def extract_messages(self, article: str, article_date: dt.date | None) -> tuple[Message, ...]:
        user = self._fill("user", article=article, article_date=_date(article_date))
        return ({"role": "system", "content": self.system}, {"role": "user", "content": user})

    def repair_messages(self, article: str, article_date: dt.date | None, failures: str) -> tuple[Message, ...]:
        user = self._fill("repair_user", article=article, article_date=_date(article_date), failures=failures)
        return ({"role": "system", "content": self.templates["repair"].strip()}, {"role": "user", "content": user})

    def full_reask_messages(self, base: tuple[Message, ...], previous: str, failures: str) -> tuple[Message, ...]:
        return (
            *base,
            {"role": "assistant", "content": previous},
            {"role": "user", "content": self._fill("reask", failures=failures)},
        )

    def reparse_messages(self, base: tuple[Message, ...], previous: str, problem: str) -> tuple[Message, ...]:
        shown = previous if len(previous) <= _MAX_PREVIOUS else previous[:_MAX_PREVIOUS] + " [...]"
        out = list(base)
        if shown.strip():
            out.append({"role": "assistant", "content": shown})
        out.append({"role": "user", "content": self._fill("reparse", problem=problem)})
        return tuple(out)


def _example_dict(e: Example) -> dict[str, Any]:
    return {"article": e.article, "article_date": e.article_date, "answer": e.answer}


def _date(d: dt.date | None) -> str:
    return d.isoformat() if d is not None else "unknown"


@functools.lru_cache(maxsize=8)
def load_prompts(directory: Path | None = None) -> PromptSet:
    """The prompt set in ``directory`` (default: the shipped ``v1``). Cached per directory."""
    root = Path(directory) if directory is not None else default_prompts_dir()
    templates: dict[str, str] = {}
    for name in TEMPLATE_NAMES:
        path = root / f"{name}.md"
        try:
            templates[name] = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigurationError(f"prompt template {path} is missing: copy prompts/v1 and edit it") from exc
    examples = _load_examples(root / "examples.json")
    return PromptSet(name=root.name, templates=templates, examples=examples)


def _load_examples(path: Path) -> tuple[Example, ...]:
    if not path.is_file():
        return ()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return tuple(Example(str(e["article"]), e.get("article_date"), dict(e["answer"])) for e in data)
    except (ValueError, KeyError, TypeError) as exc:
        raise FixtureError(f"{path}: not a list of {{article, article_date, answer}} objects ({exc})") from exc
