"""openai clients for the LLM engine (built once, SDK retries off) and the instructor mode per endpoint.

Clients built from settings are cached (an openai client costs milliseconds to
create: connection pool, TLS context). Async clients are cached per event loop,
since their connection pool belongs to the loop that opened it. A caller's own
client is used as it is, except that its retries are switched off
(``with_options(max_retries=0)``): :mod:`summarizer.engines.llm.transport` is the one retry layer.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import ssl
import threading
import weakref
from typing import Any, TypeVar

import httpx2
import instructor
import openai

from ...config import LLMSettings, Mode, endpoint_host
from ...errors import ConfigurationError
from .structured import Structured

__all__ = ["INSTRUCTOR_MODES", "async_client", "client_host", "new_async_client", "structured", "sync_client"]

# instructor may log at ERROR level; without a handler of its own that lands on stderr
# through logging's last resort. A NullHandler keeps it quiet unless the application
# configures logging (records still propagate to its handlers).
logging.getLogger("instructor").addHandler(logging.NullHandler())

INSTRUCTOR_MODES: dict[Mode, instructor.Mode] = {
    Mode.TOOLS: instructor.Mode.TOOLS,
    Mode.JSON_SCHEMA: instructor.Mode.JSON_SCHEMA,
    Mode.JSON: instructor.Mode.JSON,
    Mode.MD_JSON: instructor.Mode.MD_JSON,
    Mode.JSON_OBJECT_SCHEMA: instructor.Mode.JSON_SCHEMA,  # its messages; the schema in a json_object format
}

C = TypeVar("C", openai.OpenAI, openai.AsyncOpenAI)
_LOCAL_KEY = "unused"  # local servers ignore the key, but the SDK insists on one
_lock = threading.Lock()
_sync: dict[tuple[str | None, str | None, float], openai.OpenAI] = {}
_async: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[tuple[str | None, str | None, float], openai.AsyncOpenAI]
] = weakref.WeakKeyDictionary()


def _client_kwargs(settings: LLMSettings) -> dict[str, Any]:
    settings.require_configured()
    return {
        "api_key": settings.api_key or _LOCAL_KEY,
        "base_url": settings.base_url,
        "timeout": settings.timeout,
        "max_retries": 0,
    }


def _key(settings: LLMSettings) -> tuple[str | None, str | None, float]:
    return (settings.api_key, settings.base_url, settings.timeout)


def client_host(client: openai.OpenAI | openai.AsyncOpenAI) -> str:
    return endpoint_host(str(client.base_url))


def _no_retries(client: C) -> C:
    """The caller's client with the SDK's retries off (a copy only when they are on)."""
    return client if client.max_retries == 0 else client.with_options(max_retries=0)


def structured(settings: LLMSettings, mode: Mode | None = None) -> Structured:
    """instructor's request shaping and parsing for ``mode`` (default: the settings' mode for the endpoint)."""
    m = mode or settings.resolved_mode()
    return Structured(INSTRUCTOR_MODES[m], strict=settings.strict, schema_in_format=m is Mode.JSON_OBJECT_SCHEMA)


def sync_client(settings: LLMSettings, client: Any = None) -> openai.OpenAI:
    """The openai client of the sync engine (the caller's, with retries off, or a shared one)."""
    if client is None:
        with _lock:
            shared = _sync.get(_key(settings))
            if shared is None:
                shared = _sync[_key(settings)] = openai.OpenAI(**_client_kwargs(settings))
        return shared
    if isinstance(client, openai.AsyncOpenAI):
        raise ConfigurationError("summarize() needs an openai.OpenAI client; pass AsyncOpenAI to asummarize()")
    if not isinstance(client, openai.OpenAI):
        raise ConfigurationError(f"client= must be openai.OpenAI or openai.AsyncOpenAI, got {type(client).__name__}")
    return _no_retries(client)


def new_async_client(settings: LLMSettings) -> openai.AsyncOpenAI:
    """A fresh async client for one batch (the caller closes it; call inside the running loop).

    It sends through the SDK's aiohttp transport (``openai.DefaultAioHttpClient``, the
    SDK's option "for improved concurrency performance"; aiohttp is installed with
    instructor): with dozens of requests in flight it costs about half the CPU per
    request of the default httpx2 pool, which bounds a batch's throughput on few cores.
    Without aiohttp the default transport is used.
    """
    kwargs = _client_kwargs(settings)
    with contextlib.suppress(RuntimeError):  # raised by the SDK when aiohttp is not installed
        kwargs["http_client"] = openai.DefaultAioHttpClient(timeout=settings.timeout, verify=_ssl_context())
    return openai.AsyncOpenAI(**kwargs)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The TLS context httpx2 builds for ``verify=True`` (CA bundle, SSL_CERT_FILE / SSL_CERT_DIR), once.

    Building one loads the CA bundle: ~50 ms, which every batch's new client would pay.
    """
    return httpx2.create_ssl_context(verify=True, cert=None, trust_env=True)


def async_client(settings: LLMSettings, client: Any = None) -> openai.AsyncOpenAI:
    """The openai client of the async engine (call inside the running loop)."""
    if client is None:
        loop = asyncio.get_running_loop()
        with _lock:
            per_loop = _async.setdefault(loop, {})
            shared = per_loop.get(_key(settings))
            if shared is None:
                shared = per_loop[_key(settings)] = openai.AsyncOpenAI(**_client_kwargs(settings))
        return shared
    if not isinstance(client, openai.AsyncOpenAI):
        raise ConfigurationError(f"an async run needs openai.AsyncOpenAI, got {type(client).__name__}")
    return _no_retries(client)
