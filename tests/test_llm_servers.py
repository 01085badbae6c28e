"""Real local servers speak the protocol differently: llama-cpp-python's server and mode json_object_schema.

The emulation of llama-cpp-python's server (``python -m llama_cpp.server``, 0.3.x) is
taken from verified facts (docs/STACK-NOTES "Real local servers") and its source
(``llama_cpp/server/app.py``, ``errors.py``): ``response_format`` json_schema gets HTTP
500 whose message is pydantic's "Input should be 'text' or 'json_object'" (its route
handler turns every exception into an OpenAI-style 500); ``{"type": "json_object",
"schema": ...}`` is accepted; ``GET /v1/models`` lists each model with
``"owned_by": "me"`` and ``"permissions": []``, the id being the model's path. Answers
are SCRIPTED; nothing here patches openai or instructor.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import instructor
import openai
import pytest
from instructor.processing.response import handle_response_model
from loopback import (
    ISIL_DATE,
    Reply,
    Request,
    ScriptedServer,
    completion,
    error,
    gold_answer,
    isil_text,
    settings_for,
)

from summarizer import LLMSettings, asummarize, summarize, summarize_many
from summarizer import errors as E
from summarizer.config import Mode
from summarizer.engines.llm import servers
from summarizer.engines.llm.draft import Draft
from summarizer.engines.llm.prompts import load_prompts
from summarizer.engines.llm.structured import Structured
from summarizer.engines.llm.transport import is_retryable, translate

GGUF = "/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
LLAMA_CPP_PYTHON_MODELS = {
    "object": "list",
    "data": [{"id": GGUF, "object": "model", "owned_by": "me", "permissions": []}],
}
# What its RouteErrorHandler sends for the RequestValidationError of response_format.type.
REJECTION = (
    "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
    "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema', "
    "'ctx': {'expected': \"'text' or 'json_object'\"}}\n"
)


def llama_cpp_python(request: Request) -> Reply:
    """One answer as llama-cpp-python's server gives it: 500 for json_schema, the gold draft otherwise."""
    fmt = request.body.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") not in ("text", "json_object"):
        body = {"error": {"message": REJECTION, "type": "internal_server_error", "param": None, "code": None}}
        return Reply(status=500, body=body)
    return completion(gold_answer())


def _server(**options: Any) -> ScriptedServer:
    return ScriptedServer(responder=llama_cpp_python, **options)


def _brief(server: ScriptedServer, **options: Any) -> Any:
    options.setdefault("cache", False)
    return summarize(isil_text(), engine="llm", date=ISIL_DATE, settings=settings_for(server, **options))


def _schema_format() -> dict[str, Any]:
    return {"type": "json_object", "schema": Draft.model_json_schema()}


# --------------------------------------------------------------------------- the mode


def test_json_object_schema_is_json_schema_modes_request_with_the_schema_in_a_json_object_format() -> None:
    mode = instructor.Mode.JSON_SCHEMA
    messages = load_prompts().extract_messages(isil_text(), ISIL_DATE)
    _, ours = Structured(mode, strict=False, schema_in_format=True).request(messages, Draft)
    _, theirs = handle_response_model(Draft, mode=mode, messages=[dict(m) for m in messages])
    assert ours["messages"] == theirs["messages"]  # the schema is not pasted into the prompt
    assert ours["response_format"] == {
        "type": "json_object",
        "schema": theirs["response_format"]["json_schema"]["schema"],
    }
    _, again = Structured(mode, strict=False).request(messages, Draft)
    assert again["response_format"]["type"] == "json_schema"  # the shared shape is left alone
    with pytest.raises(ValueError, match="JSON_SCHEMA"):
        Structured(instructor.Mode.JSON, strict=False, schema_in_format=True)


def test_json_object_schema_is_selectable_by_name_and_environment() -> None:
    assert LLMSettings(base_url="http://x/v1", mode="json-object-schema").mode is Mode.JSON_OBJECT_SCHEMA  # type: ignore[arg-type]
    env = {"OPENAI_BASE_URL": "http://x/v1", "SUMMARIZER_MODE": "json_object_schema"}
    assert LLMSettings.from_env(env=env).resolved_mode() is Mode.JSON_OBJECT_SCHEMA
    with pytest.raises(E.ConfigurationError, match="json_object_schema"):
        LLMSettings.from_env(mode="xml")  # the list of choices names the new mode


def test_scripted_json_object_schema_request_as_the_server_received_it() -> None:
    with _server() as server:
        b = _brief(server, mode="json_object_schema")
    (req,) = server.requests
    assert req.body["response_format"] == _schema_format()
    assert '"$defs"' not in req.text  # the schema travels in response_format only
    assert b.validation.ok and b.quotes
    text = isil_text()
    spans = [span for q in b.quotes for span in q.text.spans]
    assert spans and all(sp.start is not None and text[sp.start : sp.end] == sp.text for sp in spans)
    assert server.gets == []  # a mode that was set: the server is not asked what it is


def test_scripted_own_and_callers_clients_send_the_same_json_object_schema_request() -> None:
    with ScriptedServer([completion(gold_answer()), completion(gold_answer())]) as server:
        settings = settings_for(server, mode="json_object_schema", cache=False)
        own = summarize(isil_text(), engine="llm", date=ISIL_DATE, settings=settings)
        client = openai.OpenAI(api_key="unused", base_url=server.base_url)
        theirs = summarize(isil_text(), engine="llm", date=ISIL_DATE, settings=settings, client=client)
        client.close()
    first, second = server.requests
    assert first.body == second.body and first.body["response_format"] == _schema_format()
    assert own.validation.ok and theirs.validation.ok


# --------------------------------------------------------------------------- detection by /v1/models


def test_scripted_llama_cpp_python_is_recognised_by_its_models_answer() -> None:
    with _server(models=LLAMA_CPP_PYTHON_MODELS) as server:
        first = _brief(server)
        second = _brief(server)
    assert len(server.requests) == 2  # no refused request: json_object_schema from the first
    assert all(r.body["response_format"] == _schema_format() for r in server.requests)
    assert [g.path for g in server.gets] == ["/v1/models"]  # asked once per endpoint and process
    assert first.validation.ok and second.validation.ok


def test_scripted_the_probe_sends_the_key() -> None:
    with _server(models=LLAMA_CPP_PYTHON_MODELS) as server:
        _brief(server, api_key="sk-local")
    assert server.gets[0].headers["authorization"] == "Bearer sk-local"


VLLM = {"object": "list", "data": [{"id": "Qwen/Qwen2.5-1.5B-Instruct", "object": "model", "owned_by": "vllm"}]}
LLAMA_SERVER = {"object": "list", "data": [{"id": "model.gguf", "object": "model", "owned_by": "llamacpp"}]}
OLLAMA = {"object": "list", "data": [{"id": "llama3.1:8b", "object": "model", "owned_by": "library"}]}


@pytest.mark.parametrize(
    ("models", "expected"),
    [
        pytest.param(LLAMA_CPP_PYTHON_MODELS, True, id="llama-cpp-python"),
        pytest.param(
            {"data": [{"id": "qwen", "object": "model", "owned_by": "me", "permissions": []}]}, True, id="aliased"
        ),
        pytest.param({"data": [{"id": "/m/x.GGUF", "owned_by": "me"}]}, True, id="gguf-path"),
        pytest.param(VLLM, False, id="vllm"),
        pytest.param(LLAMA_SERVER, False, id="llama-server"),
        pytest.param(OLLAMA, False, id="ollama"),
        pytest.param({"data": [{"id": "qwen", "owned_by": "me"}]}, False, id="me-alone"),
        pytest.param({"object": "list", "data": []}, False, id="no-models"),
        pytest.param([1, 2], False, id="not-an-object"),
    ],
)
def test_llama_cpp_python_models_shape(models: Any, expected: bool) -> None:
    assert servers.is_llama_cpp_python(models) is expected


@pytest.mark.parametrize("models", [VLLM, None], ids=["other-server", "no-models-route"])
def test_scripted_other_servers_keep_the_mode_of_the_settings(models: dict[str, Any] | None) -> None:
    with ScriptedServer([completion(gold_answer(fenced=True))], models=models) as server:
        b = _brief(server)
    (req,) = server.requests
    assert "response_format" not in req.body  # md_json, as for any local server
    assert len(server.gets) == 1 and b.validation.ok


# --------------------------------------------------------------------------- the refusal itself


def _learnt_json_schema(server: ScriptedServer) -> None:
    """The mode for ``mode=None`` is json_schema there (as on Ollama's port), not set by the user."""
    servers.remember(server.base_url, Mode.JSON_SCHEMA)


def test_scripted_a_refused_json_schema_switches_once_when_the_mode_was_chosen_for_the_endpoint(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with _server() as server:
        _learnt_json_schema(server)
        first = _brief(server)
        second = _brief(server)  # a later call starts in the mode the first one learnt
    kinds = [r.body["response_format"]["type"] for r in server.requests]
    assert kinds == ["json_schema", "json_object", "json_object"]  # one refusal, no retries of it
    assert server.requests[1].body["response_format"] == _schema_format()
    assert first.validation.ok and second.validation.ok
    assert first.provenance.attempts == 2
    (note,) = [n for n in first.provenance.notes if n.startswith("mode:")]
    assert "refused response_format json_schema" in note and "switched to json_object_schema" in note
    assert not [n for n in second.provenance.notes if n.startswith("mode:")]
    said = [r.getMessage() for r in caplog.records if "switched to mode json_object_schema" in r.getMessage()]
    assert len(said) == 1


def test_scripted_async_switches_too() -> None:
    async def run(server: ScriptedServer) -> Any:
        settings = settings_for(server, cache=False)
        return await asummarize(isil_text(), engine="llm", date=ISIL_DATE, settings=settings)

    with _server() as server:
        _learnt_json_schema(server)
        b = asyncio.run(run(server))
    assert [r.body["response_format"]["type"] for r in server.requests] == ["json_schema", "json_object"]
    assert b.validation.ok and any(n.startswith("mode: ") for n in b.provenance.notes)


def test_scripted_a_forced_json_schema_fails_at_once_naming_the_mode() -> None:
    with _server() as server, pytest.raises(E.ConfigurationError) as info:
        _brief(server, mode="json_schema")
    assert len(server.requests) == 1  # not five attempts of the same refusal
    message = str(info.value)
    assert f"the server at {server.base_url} does not accept response_format json_schema" in message
    assert "llama-cpp-python" in message and "SUMMARIZER_MODE=json_object_schema" in message
    assert "Input should be 'text' or 'json_object'" in message  # what the server said


def test_scripted_a_forced_json_schema_stops_a_batch_at_the_first_article() -> None:
    with _server() as server:
        settings = settings_for(server, mode="json_schema", cache=False)
        with pytest.raises(E.ConfigurationError, match="SUMMARIZER_MODE=json_object_schema"):
            summarize_many([isil_text()] * 8, engine="llm", settings=settings, concurrency=1)
    assert len(server.requests) <= 2  # the articles already in flight; none started after the stop


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (400, "response_format type 'json_schema' is not supported by this server"),
        (422, "Unsupported response_format: json_schema"),
    ],
)
def test_scripted_a_4xx_naming_json_schema_unsupported_is_the_same_clear_error(status: int, message: str) -> None:
    refused = pytest.raises(E.ConfigurationError, match=r"does not accept response_format json_schema.*md_json")
    with ScriptedServer([error(status, message)]) as server, refused:
        _brief(server, mode="json_schema")
    assert len(server.requests) == 1


def test_scripted_an_ordinary_500_is_still_retried() -> None:
    with ScriptedServer([error(500, "CUDA out of memory"), completion(gold_answer())]) as server:
        b = _brief(server, mode="json_schema")
    assert len(server.requests) == 2 and b.validation.ok


def _status_error(status: int, message: str) -> openai.APIStatusError:
    import httpx2

    body = {"error": {"message": message, "type": "x", "param": None, "code": None}}
    request = httpx2.Request("POST", "http://127.0.0.1:8000/v1/chat/completions")
    response = httpx2.Response(status, request=request, content=json.dumps(body).encode())
    cls = {400: openai.BadRequestError, 422: openai.UnprocessableEntityError}.get(status, openai.InternalServerError)
    return cls(message, response=response, body=body)


@pytest.mark.parametrize(
    ("status", "message", "refused"),
    [
        (500, REJECTION, True),
        (500, "script exhausted", False),
        (503, "loading model", False),
        (400, "This model's maximum context length is 2048 tokens", False),
        (400, "Invalid schema for response_format 'Draft': 'additionalProperties' is required", False),
        (400, "json_schema response_format is not supported", True),
        (422, "Input should be 'text' or 'json_object' (response_format.type)", True),
    ],
    ids=["llama-cpp-python", "other-500", "503", "context", "bad-schema", "400-unsupported", "422"],
)
def test_which_answers_are_a_refusal_of_json_schema(status: int, message: str, refused: bool) -> None:
    exc = _status_error(status, message)
    assert servers.rejects_json_schema(exc) is refused
    if refused:
        assert not is_retryable(exc)
    else:
        assert translate(exc).__class__ is not E.ConfigurationError
