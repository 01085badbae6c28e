"""Request shaping computed once per (mode, model, roles) equals instructor's shaping of each request.

No server here: the shapes are compared with instructor's own ``handle_response_model``
on the very same messages, and answers (SCRIPTED completions) are parsed by the mode's parser.
"""

from __future__ import annotations

import json

import instructor
import pytest
from instructor.core import IncompleteOutputException
from instructor.processing.response import handle_response_model
from loopback import ISIL_DATE, completion, gold_answer, isil_text, tool_completion
from openai.types.chat import ChatCompletion

from summarizer.engines.llm.draft import Draft, repair_model
from summarizer.engines.llm.prompts import load_prompts
from summarizer.engines.llm.structured import Structured, shape

MODES = [instructor.Mode.TOOLS, instructor.Mode.JSON_SCHEMA, instructor.Mode.JSON, instructor.Mode.MD_JSON]
TRICKY = "Officials said {{ mayor }} {% if x %}today{% endif %} {# c #} ${amount} \ue0000\ue001 and \\1 \\g<0>.\n"


def _conversations() -> list[tuple[str, tuple[dict[str, str], ...], type]]:
    p = load_prompts()
    base = p.extract_messages(isil_text(), ISIL_DATE)
    return [
        ("extract", base, Draft),
        ("extract-tricky", p.extract_messages(TRICKY, None), Draft),
        ("full-reask", p.full_reask_messages(base, '{"quotes": []}', "- quotes[1]: ..."), Draft),
        ("reparse", p.reparse_messages(base, "not json", "Invalid JSON"), Draft),
        ("reparse-empty", p.reparse_messages(base, "", "no choices"), Draft),
        ("repair", p.repair_messages(TRICKY, None, "- quotes[0]: {}"), repair_model(frozenset({"quotes"}))),
    ]


@pytest.mark.parametrize("mode", MODES, ids=[m.value for m in MODES])
def test_shaped_requests_equal_instructors_shaping_of_the_same_messages(mode: instructor.Mode) -> None:
    s = Structured(mode, strict=False)
    for name, messages, model in _conversations():
        prepared, ours = s.request(messages, model)
        want_model, want = handle_response_model(model, mode=mode, messages=[dict(m) for m in messages])
        assert ours == want, name
        assert prepared is want_model, name
        assert shape(mode, model, tuple(m["role"] for m in messages)).exact, name


def test_the_article_travels_verbatim_in_every_mode() -> None:
    messages = load_prompts().extract_messages(TRICKY, None)
    for mode in MODES:
        _, kwargs = Structured(mode, strict=False).request(messages, Draft)
        assert any(TRICKY in m["content"] for m in kwargs["messages"]), mode


def _completion(reply: object) -> ChatCompletion:
    return ChatCompletion.model_validate(reply.body)  # type: ignore[attr-defined]


def test_answers_are_parsed_by_the_modes_parser() -> None:
    gold = Draft.model_validate_json(gold_answer())
    for mode, reply in [
        (instructor.Mode.TOOLS, tool_completion(gold_answer())),
        (instructor.Mode.MD_JSON, completion(gold_answer(fenced=True))),
        (instructor.Mode.JSON, completion(gold_answer())),
        (instructor.Mode.JSON_SCHEMA, completion(gold_answer())),
    ]:
        s = Structured(mode, strict=False)
        prepared, _ = s.request(load_prompts().extract_messages(isil_text(), None), Draft)
        parsed = s.parse(_completion(reply), prepared)
        assert parsed == gold, mode


def test_truncated_and_unparsable_answers_raise_what_instructor_raises() -> None:
    s = Structured(instructor.Mode.JSON, strict=False)
    prepared, _ = s.request(load_prompts().extract_messages("text", None), Draft)
    with pytest.raises(IncompleteOutputException):
        s.parse(_completion(completion('{"quotes": [', finish_reason="length")), prepared)
    with pytest.raises(ValueError, match="Invalid JSON"):
        s.parse(_completion(completion("no json")), prepared)
    strict = Structured(instructor.Mode.JSON, strict=True)
    with pytest.raises(ValueError, match="valid string"):
        strict.parse(_completion(completion(json.dumps({"title": 7}))), prepared)
