"""instructor's request shaping and answer parsing per mode, without its per-call patch machinery.

instructor turns a response model and a mode into request arguments (a forced tool
call, a ``response_format``, or the schema pasted into the system message plus a
closing user message) and parses a completion back into the model. Its patched
``create()`` redoes that shaping on every request and walks the model for async
validators several times: ~5-10 ms of CPU per request for a :class:`~.draft.Draft`,
three times what the openai client itself costs.

Here instructor's own shaping function (``handle_response_model``) runs once per
(mode, response model, roles of the messages), on messages whose contents are
placeholders; a request then puts its own contents into that shape, verbatim (a
replacement is inserted, never scanned again, so an article containing ``{{``,
``{%`` or any placeholder-like text arrives unchanged). A completion is parsed by the
mode's own parser from instructor's registry: the function that
``ResponseSchema.from_response`` and ``process_response`` dispatch to, whose per-call
checks (no async validators) ran once when the shape was made. The request itself
goes out through the bare openai client (:mod:`summarizer.engines.llm.transport`).

``schema_in_format`` makes instructor's JSON_SCHEMA mode into our ``json_object_schema``:
the same messages, with ``response_format: {"type": "json_object", "schema": <the
model's JSON schema>}`` instead of ``{"type": "json_schema", ...}``, the form
llama-cpp-python's server takes for grammar-constrained output (it rejects
``json_schema``; :mod:`summarizer.engines.llm.servers`). instructor 1.17 has no mode
that sends it. As with ``json_schema``, the schema is not pasted into the prompt: the
server's grammar holds the answer to it, and the prompt stays ~15,000 characters
shorter than JSON mode's, which matters on a local server's context (llama-cpp-python
defaults to 2,048 tokens). The answer is parsed by JSON_SCHEMA mode's parser.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import instructor
from instructor.processing.response import handle_response_model
from instructor.v2.core.providers import Provider
from instructor.v2.core.registry import mode_registry
from instructor.v2.validation.async_validators import reject_async_validators
from pydantic import BaseModel

__all__ = ["Shape", "Structured", "shape"]

_SLOT = re.compile("\ue000(\\d+)\ue001")  # private-use characters: never in instructor's own text


def _slot(i: int) -> str:
    return f"\ue000{i}\ue001"


@dataclass(frozen=True, slots=True)
class Shape:
    """The request arguments instructor makes for one (mode, model, roles), with content slots."""

    response_model: type[BaseModel]  # the model instructor parses into (``prepare_response_model``)
    messages: tuple[dict[str, Any], ...]  # contents hold slots ``\\ue000<i>\\ue001`` for message i
    extra: dict[str, Any]  # tools / tool_choice / response_format; shared, never mutated
    exact: bool  # every slot appears once, in a string content: filling reproduces instructor's output

    def fill(self, contents: Sequence[str]) -> list[dict[str, Any]]:
        """The shaped messages with the caller's contents put in their slots."""

        def put(m: re.Match[str]) -> str:
            return contents[int(m.group(1))]

        return [{**m, "content": _SLOT.sub(put, m["content"])} for m in self.messages]


@functools.lru_cache(maxsize=256)
def shape(mode: instructor.Mode, response_model: type[BaseModel], roles: tuple[str, ...]) -> Shape:
    """instructor's shaping of a request with messages of ``roles``, computed once."""
    probe = [{"role": role, "content": _slot(i)} for i, role in enumerate(roles)]
    prepared, kwargs = handle_response_model(response_model, mode=mode, messages=probe)
    assert prepared is not None
    reject_async_validators(prepared)  # the check instructor repeats on every parse, done once
    messages = tuple(dict(m) for m in kwargs.pop("messages"))
    texts = [m.get("content") for m in messages]
    found = [int(i) for t in texts if isinstance(t, str) for i in _SLOT.findall(t)]
    exact = sorted(found) == list(range(len(roles))) and all(isinstance(t, str) for t in texts)
    return Shape(prepared, messages, kwargs, exact)


@functools.cache
def _parser(mode: instructor.Mode) -> Any:
    return mode_registry.get_handlers(Provider.OPENAI, mode).response_parser


@functools.lru_cache(maxsize=64)
def _schema_format(prepared: type[BaseModel]) -> dict[str, Any]:
    """``response_format`` json_object with the schema json_schema mode would send (shared, never mutated)."""
    return {"type": "json_object", "schema": prepared.model_json_schema()}


class Structured:
    """Requests and answers of one instructor mode for the openai Chat Completions API."""

    def __init__(self, mode: instructor.Mode, *, strict: bool, schema_in_format: bool = False) -> None:
        """``schema_in_format`` (JSON_SCHEMA mode only): send it as ``json_object`` with a ``schema``."""
        if schema_in_format and mode is not instructor.Mode.JSON_SCHEMA:
            raise ValueError("schema_in_format needs instructor's JSON_SCHEMA mode")
        self.mode = mode
        self.strict = strict
        self.schema_in_format = schema_in_format

    def request(
        self, messages: Sequence[dict[str, str]], response_model: type[BaseModel]
    ) -> tuple[type[BaseModel], dict[str, Any]]:
        """The model to parse into, and ``messages`` / ``tools`` / ``response_format`` as instructor shapes them."""
        s = shape(self.mode, response_model, tuple(m["role"] for m in messages))
        if not s.exact:  # a shaping this module cannot replay: instructor shapes this very request
            _, kwargs = handle_response_model(response_model, mode=self.mode, messages=[dict(m) for m in messages])
        else:
            kwargs = {"messages": s.fill([m["content"] for m in messages]), **s.extra}
        if self.schema_in_format:
            kwargs["response_format"] = _schema_format(s.response_model)
        return s.response_model, kwargs

    def parse(self, completion: Any, prepared: type[BaseModel]) -> BaseModel:
        """The answer parsed into ``prepared`` (from :meth:`request`) by the mode's parser.

        Raises what instructor's parser raises: ``IncompleteOutputException`` for
        finish_reason "length", pydantic / JSON errors, ``ResponseParsingError``.
        """
        parsed = _parser(self.mode)(
            response=completion,
            response_model=prepared,
            validation_context=None,
            strict=self.strict,
            stream=False,
            is_async=False,
        )
        assert isinstance(parsed, BaseModel)
        return parsed
