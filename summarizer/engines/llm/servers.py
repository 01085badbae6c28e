"""Which request shape the server at the endpoint takes, where servers differ: the mode for ``mode=None``.

llama-cpp-python's server (``python -m llama_cpp.server``, 0.3.x) rejects
``response_format: {"type": "json_schema", ...}``: its request model allows only
``text`` and ``json_object``, and its route turns the validation error into HTTP 500
"... Input should be 'text' or 'json_object' ...". It takes
``{"type": "json_object", "schema": {...}}`` instead and constrains the answer with a
grammar made from the schema: mode ``json_object_schema``. llama.cpp's own
``llama-server``, vLLM and Ollama >= 0.5 accept ``json_schema``.

Two ways to learn it when the settings leave the mode open:

- :func:`endpoint_mode` asks ``GET /v1/models`` once per endpoint and process.
  llama-cpp-python answers every model with ``"owned_by": "me"`` and a
  ``"permissions"`` list (``llama_cpp/server/app.py``); the ids are the model's path,
  a ``.gguf`` file, unless aliased. Such a server gets ``json_object_schema``; any
  other answer keeps the mode of :meth:`~summarizer.config.LLMSettings.resolved_mode`.
  No answer (nothing listening, a time-out: that server's ``/v1/models`` waits for the
  completion in progress) keeps it too, and the next engine asks again. A replay of
  recordings asks nothing.
- :func:`rejects_json_schema` recognises the rejection itself. It is never retried
  (:func:`~.transport.is_retryable`): with the mode chosen for the endpoint the
  transport switches to ``json_object_schema`` once and says so; with ``json_schema``
  set by the user it fails at once with a :class:`~summarizer.errors.ConfigurationError`
  naming the mode to set (:func:`rejected_message`).
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any
from urllib.parse import urlsplit

import httpx2
import openai

from ... import notices
from ...config import OPENAI_HOST, LLMSettings, Mode

__all__ = [
    "PROBE_TIMEOUT",
    "endpoint_mode",
    "forget",
    "is_llama_cpp_python",
    "rejected_message",
    "rejects_json_schema",
    "remember",
]

PROBE_TIMEOUT = 2.0  # seconds for GET /v1/models: a server that is up answers in milliseconds when idle

_lock = threading.Lock()
_known: dict[str, Mode | None] = {}  # base URL -> the mode learnt for it (None: nothing special)

# llama-cpp-python's 500: pydantic's literal_error for response_format.type.
_LLAMA_CPP_PYTHON_500 = "Input should be 'text' or 'json_object'"
# A 400 / 422 that says json_schema (or response_format) is not something it takes.
_UNSUPPORTED = re.compile(
    r"(json_schema|response_format).{0,80}(not supported|unsupported|not allowed|unknown|input should be)"
    r"|(not supported|unsupported|unknown).{0,80}(json_schema|response_format)",
    re.IGNORECASE | re.DOTALL,
)


def is_llama_cpp_python(body: Any) -> bool:
    """Whether a ``GET /v1/models`` answer has llama-cpp-python's shape."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list) or not data:
        return False
    return all(
        isinstance(m, dict)
        and m.get("owned_by") == "me"
        and (isinstance(m.get("permissions"), list) or str(m.get("id", "")).lower().endswith(".gguf"))
        for m in data
    )


def _probe(base_url: str, api_key: str | None) -> tuple[bool, Mode | None]:
    """Whether ``/v1/models`` answered, and the mode its answer calls for (None: nothing special)."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        response = httpx2.get(base_url + "/models", headers=headers, timeout=PROBE_TIMEOUT)
        body = response.json() if response.status_code == 200 else None
    except (httpx2.HTTPError, ValueError):  # no answer, or not JSON
        return False, None
    return True, (Mode.JSON_OBJECT_SCHEMA if is_llama_cpp_python(body) else None)


def endpoint_mode(settings: LLMSettings, client: Any = None) -> Mode:
    """The mode for requests to the endpoint: the setting, else what the server was found to take."""
    if settings.mode is not None:
        return settings.mode
    static = settings.resolved_mode()
    base_url = (str(client.base_url) if client is not None else settings.base_url or "").rstrip("/")
    if not base_url or (urlsplit(base_url).hostname or "") == OPENAI_HOST:
        return static
    if getattr(settings, "recording_mode", "live") == "replay":  # no server is asked anything in a replay
        return static
    with _lock:
        asked, known = base_url in _known, _known.get(base_url)
    if not asked:
        key = getattr(client, "api_key", None) if client is not None else settings.api_key
        asked, known = _probe(base_url, key)
        if not asked:  # no answer: ask again next time
            return static
        with _lock:
            _known[base_url] = known
        if known is Mode.JSON_OBJECT_SCHEMA:
            notices.once(
                f"the server at {base_url} answers /v1/models like llama-cpp-python's server: "
                "mode json_object_schema (set SUMMARIZER_MODE to choose another)",
                level=logging.INFO,
            )
    return known or static


def remember(base_url: str | None, mode: Mode) -> None:
    """Use ``mode`` for ``base_url`` from now on in this process (after a switch)."""
    if base_url:
        with _lock:
            _known[base_url.rstrip("/")] = mode


def forget() -> None:
    """Forget what was learnt (each test starts afresh: tests/conftest.py)."""
    with _lock:
        _known.clear()


def rejects_json_schema(exc: BaseException) -> bool:
    """Whether ``exc`` is the endpoint refusing ``response_format`` json_schema (never worth a retry)."""
    if not isinstance(exc, openai.APIStatusError):
        return False
    body = exc.body.get("error", exc.body) if isinstance(exc.body, dict) else exc.body
    said = body.get("message") if isinstance(body, dict) else body
    text = f"{exc.message} {said if isinstance(said, str) else ''}"
    if exc.status_code >= 500:
        return _LLAMA_CPP_PYTHON_500 in text
    return exc.status_code in (400, 422) and _UNSUPPORTED.search(text) is not None


def rejected_message(url: str) -> str:
    """What to do when the user's ``json_schema`` was refused."""
    return (
        f"the server at {url} does not accept response_format json_schema (llama-cpp-python's server answers so): "
        "set SUMMARIZER_MODE=json_object_schema (mode='json_object_schema'), or md_json for any chat server"
    )
