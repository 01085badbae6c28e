"""Settings of the LLM engine: explicit arguments over the environment, read in one place.

The environment is read only by :meth:`LLMSettings.from_env`:

=============================  ============================================================
``OPENAI_API_KEY``             key for the endpoint (not needed by most local servers)
``OPENAI_BASE_URL``            an OpenAI-compatible endpoint, e.g. ``http://localhost:11434/v1``
``SUMMARIZER_MODEL``           the model name the endpoint serves
``SUMMARIZER_MODE``            mode override: ``tools``, ``json_schema``, ``json_object_schema``, ``json``,
                               ``md_json``
``SUMMARIZER_CACHE_DIR``       where the response cache lives (default: the user's cache directory)
``SUMMARIZER_CACHE_URL``       a Redis server to keep the response cache in instead, shared by workers
                               (``redis://[:password@]host:6379/0``, ``rediss://...``, ``unix:///path``)
``SUMMARIZER_CACHE_TTL``       seconds an entry is kept (default: until evicted or deleted)
``SUMMARIZER_NO_CACHE``        ``1`` switches the response cache off
``SUMMARIZER_PROMPTS_DIR``     a directory of prompt templates replacing the shipped ones
``SUMMARIZER_RECORDINGS_DIR``  where recorded exchanges live (``fixtures/recordings`` holds the team's)
``SUMMARIZER_RECORDING_MODE``  ``live`` (default), ``record`` (ask only what is not recorded, write it) or
                               ``replay`` (recordings only, no network; no endpoint, key or model needed)
=============================  ============================================================

Record and replay: :mod:`summarizer.engines.llm.recordings`.

Settings are frozen; derive a changed copy with :meth:`LLMSettings.replace`. A pickled
``LLMSettings`` never holds the API key (it unpickles with ``api_key=None``) nor the
password of ``cache_url`` (it unpickles with the password taken out of the URL): a process
that receives settings supplies its own (``settings.replace(api_key=..., cache_url=...)``
or :meth:`LLMSettings.from_env`). The cache URL is shown only through :func:`masked_url`
(``redis://:***@host:6379/0``); it is left out of ``repr()``.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from .errors import ConfigurationError, NoLLMConfiguredError

__all__ = [
    "DEFAULT_OPENAI_MODEL",
    "OPENAI_HOST",
    "LLMSettings",
    "Mode",
    "ReaskStrategy",
    "RecordingMode",
    "RetryPolicy",
    "endpoint_host",
    "masked_url",
    "no_llm_message",
]

OPENAI_HOST = "api.openai.com"
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
OLLAMA_PORT = 11434

ReaskStrategy = Literal["targeted", "full"]
RecordingMode = Literal["live", "record", "replay"]
RECORDING_MODES: tuple[RecordingMode, ...] = ("live", "record", "replay")
CACHE_URL_SCHEMES = ("redis", "rediss", "unix")


class Mode(StrEnum):
    """How the structured answer is requested (instructor's modes of the same names)."""

    TOOLS = "tools"  # a forced tool call: OpenAI
    JSON_SCHEMA = "json_schema"  # response_format json_schema: vLLM, llama.cpp server, Ollama >= 0.5
    # response_format json_object + "schema" (the server makes a grammar from it): llama-cpp-python's
    # server, which rejects json_schema. Not an instructor mode: its JSON_SCHEMA mode, sent as json_object.
    JSON_OBJECT_SCHEMA = "json_object_schema"
    JSON = "json"  # response_format json_object, schema in the system message
    MD_JSON = "md_json"  # schema in the prompt, the answer in a ```json block: any chat model


def no_llm_message(missing: str = "no endpoint") -> str:
    return (
        f"No LLM configured ({missing}): set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL for a local "
        "OpenAI-compatible server (e.g. http://localhost:11434/v1 for Ollama) together with SUMMARIZER_MODEL, "
        'or pass client=/settings=; or use the offline engine: engine="rules" (CLI: --engine rules)'
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """Transport retries: the only retry layer (the SDK's own retries are switched off).

    429 and 503 wait what ``Retry-After`` asks; 5xx, time-outs and dropped
    connections back off exponentially (``initial * 2**(n-1)``, capped at
    ``max_wait``) with up to ``jitter`` of it taken off at random. No attempt
    starts whose wait would end past ``total`` seconds after the first.
    ``wait_scale`` multiplies the time actually slept (tests use 0); the computed
    waits are what provenance reports.

    A connection that was refused, a host that does not resolve and a connect time-out
    get at most ``connect_attempts``: nothing is listening there, and five attempts with
    backoff (~6 s per article) only delay the report. The second attempt covers a
    server that is still starting; a batch stops after a few such articles in a row.
    """

    attempts: int = 5
    connect_attempts: int = 2
    initial: float = 0.5
    max_wait: float = 20.0
    total: float = 120.0
    jitter: float = 0.5
    wait_scale: float = 1.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.connect_attempts < 1:
            raise ConfigurationError(
                f"RetryPolicy.attempts and connect_attempts must be >= 1, got {self.attempts}, {self.connect_attempts}"
            )
        if min(self.initial, self.max_wait, self.total, self.wait_scale) < 0 or not 0 <= self.jitter <= 1:
            raise ConfigurationError("RetryPolicy: waits must be >= 0 and jitter within [0, 1]")


def _env_flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True, slots=True, kw_only=True)
class LLMSettings:
    """Everything the LLM engine needs. Build with :meth:`from_env` (arguments win over the environment)."""

    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    model: str | None = None
    mode: Mode | None = None  # None: chosen per endpoint (see :meth:`resolved_mode`)
    temperature: float = 0.0
    max_tokens: int = 4096
    timeout: float = 60.0
    strict: bool = False  # pydantic strict parsing of the answer; small local models need lax
    reasks: int = 2  # rounds of re-asks for items that fail validation
    reask_strategy: ReaskStrategy = "targeted"
    parse_retries: int = 1  # re-asks for an answer that cannot be parsed at all
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    cache: bool = True
    cache_dir: Path | None = None
    # A Redis server holding the response cache instead of cache_dir (may carry a password: never shown
    # but through masked_url, never pickled with it). None: the disk cache.
    cache_url: str | None = field(default=None, repr=False)
    cache_ttl: float | None = None  # seconds an entry is kept; None: until evicted or deleted
    prompts_dir: Path | None = None
    chunk_chars: int = 16_000  # articles longer than this are split (~2,700 words)
    chunk_overlap: int = 1_200
    concurrency: int = 8  # chunks of one article in flight at once (async)
    coverage: bool = True  # attach the coverage audit (what the source has that the briefing lacks)
    recordings_dir: Path | None = None  # recorded exchanges (see summarizer.engines.llm.recordings)
    recording_mode: RecordingMode = "live"  # "record": ask only for misses, write them; "replay": no network

    def __post_init__(self) -> None:
        self._check_recordings()
        self._check_cache()
        if self.mode is not None and not isinstance(self.mode, Mode):
            object.__setattr__(self, "mode", _parse_mode(str(self.mode)))
        if self.reasks < 0 or self.parse_retries < 0:
            raise ConfigurationError("reasks and parse_retries must be >= 0")
        if self.reask_strategy not in ("targeted", "full"):
            raise ConfigurationError(f"reask_strategy must be 'targeted' or 'full', got {self.reask_strategy!r}")
        if self.chunk_chars < 2_000 or not 0 <= self.chunk_overlap < self.chunk_chars // 2:
            raise ConfigurationError("chunk_chars must be >= 2000 and chunk_overlap below half of it")
        if self.max_tokens < 1 or self.timeout <= 0 or self.concurrency < 1:
            raise ConfigurationError("max_tokens, timeout and concurrency must be positive")

    def _check_recordings(self) -> None:
        if self.recordings_dir is not None and not isinstance(self.recordings_dir, Path):
            object.__setattr__(self, "recordings_dir", Path(self.recordings_dir))
        mode = str(self.recording_mode).strip().lower()
        if mode not in RECORDING_MODES:
            raise ConfigurationError(
                f"unknown recording mode {self.recording_mode!r}: "
                "use live, record or replay (SUMMARIZER_RECORDING_MODE)"
            )
        object.__setattr__(self, "recording_mode", mode)
        if mode != "live" and self.recordings_dir is None:
            raise ConfigurationError(
                f"recording_mode={mode!r} needs a directory of recordings: "
                "set SUMMARIZER_RECORDINGS_DIR or pass recordings_dir="
            )

    def _check_cache(self) -> None:
        if self.cache_dir is not None and not isinstance(self.cache_dir, Path):
            object.__setattr__(self, "cache_dir", Path(self.cache_dir))
        if self.cache_url is not None:
            url = str(self.cache_url).strip()
            scheme = urlsplit(url).scheme.lower()
            if scheme not in CACHE_URL_SCHEMES:
                raise ConfigurationError(
                    f"cache URL {masked_url(url)!r} is not a Redis URL: use redis://host:6379/0, rediss://... "
                    "or unix:///path (SUMMARIZER_CACHE_URL)"
                )
            object.__setattr__(self, "cache_url", url)
        if self.cache_ttl is not None:
            try:
                ttl = float(self.cache_ttl)
            except (TypeError, ValueError):
                ttl = 0.0
            if not ttl > 0 or ttl != ttl or ttl == float("inf"):
                raise ConfigurationError(
                    f"cache_ttl must be a positive number of seconds, got {self.cache_ttl!r} (SUMMARIZER_CACHE_TTL)"
                )
            object.__setattr__(self, "cache_ttl", ttl)

    # -- construction ----------------------------------------------------------
    @classmethod
    def from_env(
        cls,
        *,
        env: Mapping[str, str] | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        model: str | None = None,
        mode: Mode | str | None = None,
        cache_dir: Path | str | None = None,
        cache_url: str | None = None,
        cache_ttl: float | str | None = None,
        cache: bool | None = None,
        prompts_dir: Path | str | None = None,
        recordings_dir: Path | str | None = None,
        recording_mode: str | None = None,
        **options: object,
    ) -> LLMSettings:
        """Settings from explicit arguments, falling back to the environment for what is not given."""
        e = os.environ if env is None else env
        mode_value = mode if mode is not None else (e.get("SUMMARIZER_MODE") or None)
        dir_value = cache_dir if cache_dir is not None else (e.get("SUMMARIZER_CACHE_DIR") or None)
        url_value = cache_url if cache_url is not None else (e.get("SUMMARIZER_CACHE_URL") or None)
        ttl_value = cache_ttl if cache_ttl is not None else (e.get("SUMMARIZER_CACHE_TTL") or None)
        prompts_value = prompts_dir if prompts_dir is not None else (e.get("SUMMARIZER_PROMPTS_DIR") or None)
        rec_dir = recordings_dir if recordings_dir is not None else (e.get("SUMMARIZER_RECORDINGS_DIR") or None)
        rec_mode = recording_mode if recording_mode is not None else (e.get("SUMMARIZER_RECORDING_MODE") or "live")
        if options.get("timeout") is None and e.get("SUMMARIZER_TIMEOUT"):
            try:
                options["timeout"] = float(e["SUMMARIZER_TIMEOUT"])
            except ValueError:
                raise ConfigurationError(
                    f"SUMMARIZER_TIMEOUT={e['SUMMARIZER_TIMEOUT']!r} is not a number of seconds"
                ) from None
        elif options.get("timeout") is None:
            options.pop("timeout", None)
        return cls(
            api_key=api_key if api_key is not None else (e.get("OPENAI_API_KEY") or None),
            base_url=base_url if base_url is not None else (e.get("OPENAI_BASE_URL") or None),
            model=model if model is not None else (e.get("SUMMARIZER_MODEL") or None),
            mode=_parse_mode(mode_value) if mode_value is not None else None,
            cache=cache if cache is not None else not _env_flag(e.get("SUMMARIZER_NO_CACHE")),
            cache_dir=Path(dir_value) if dir_value is not None else None,
            cache_url=url_value,
            cache_ttl=ttl_value,  # type: ignore[arg-type]  # checked in __post_init__
            prompts_dir=Path(prompts_value) if prompts_value is not None else None,
            recordings_dir=Path(rec_dir) if rec_dir is not None else None,
            recording_mode=rec_mode,  # type: ignore[arg-type]  # checked in __post_init__
            **options,  # type: ignore[arg-type]
        )

    def replace(self, **changes: object) -> LLMSettings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    # -- pickling: never the key --------------------------------------------------
    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled settings carry everything but ``api_key``, which comes back as None, and the password of
        ``cache_url``, which comes back taken out of the URL.

        A pickle travels (to worker processes, queues, object caches, crash dumps); the key
        and the password must not travel with it. The receiving side supplies its own:
        ``settings.replace(api_key=..., cache_url=...)`` or :meth:`from_env` in that process.
        """
        state = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "api_key"}
        if self.cache_url is not None:
            state["cache_url"] = _without_password(self.cache_url)
        return (_unpickle_settings, (state,))

    def __copy__(self) -> LLMSettings:
        return self  # frozen: a copy is the same value (and keeps the key, unlike a pickle)

    def __deepcopy__(self, memo: dict[int, Any]) -> LLMSettings:
        return self

    # -- derived ----------------------------------------------------------------
    @property
    def configured(self) -> bool:
        """A key or a base URL is set, or answers are replayed from recordings: the LLM engine can be tried."""
        return bool(self.api_key or self.base_url) or self.recording_mode == "replay"

    @property
    def endpoint_host(self) -> str:
        """``host[:port]`` of the endpoint (never credentials)."""
        return endpoint_host(self.base_url)

    def resolved_model(self) -> str:
        if self.model:
            return self.model
        if self.endpoint_host == OPENAI_HOST:
            return DEFAULT_OPENAI_MODEL
        raise NoLLMConfiguredError(
            f"no model for the endpoint {self.endpoint_host}: set SUMMARIZER_MODEL (or pass model=) "
            "to a model the server serves, e.g. SUMMARIZER_MODEL=llama3.1:8b for Ollama"
        )

    def resolved_mode(self) -> Mode:
        """The override, else tool calls for OpenAI, JSON schema for Ollama, fenced JSON elsewhere.

        Decided from the settings alone; the LLM engine may refine ``mode=None`` by asking the
        server what it is (:mod:`summarizer.engines.llm.servers`).
        """
        if self.mode is not None:
            return self.mode
        host = urlsplit(self.base_url or f"https://{OPENAI_HOST}/v1")
        if (host.hostname or "") == OPENAI_HOST:
            return Mode.TOOLS
        if host.port == OLLAMA_PORT:
            return Mode.JSON_SCHEMA
        return Mode.MD_JSON

    @property
    def cache_label(self) -> str:
        """Where the response cache lives, fit to show: the Redis URL with its password masked, or the directory."""
        return masked_url(self.cache_url) if self.cache_url is not None else str(self.resolved_cache_dir())

    def resolved_cache_dir(self) -> Path:
        if self.cache_dir is not None:
            return self.cache_dir
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("summarizer", appauthor=False)) / "llm"

    def require_configured(self) -> None:
        if not self.configured:
            raise NoLLMConfiguredError(no_llm_message("neither OPENAI_API_KEY nor OPENAI_BASE_URL is set"))


def _unpickle_settings(state: dict[str, Any]) -> LLMSettings:
    return LLMSettings(**state)


def endpoint_host(base_url: str | None) -> str:
    parts = urlsplit(base_url or f"https://{OPENAI_HOST}/v1")
    host = parts.hostname or OPENAI_HOST
    return f"{host}:{parts.port}" if parts.port else host


_PASSWORD_QUERY = re.compile(r"(?i)^password=")


def masked_url(url: str) -> str:
    """``url`` fit for a log line, a notice or an error: its password (userinfo or ``?password=``) as ``***``."""
    return _redact(url, "***")


def _without_password(url: str) -> str:
    """``url`` with its password (userinfo or ``?password=``) taken out: what a pickle may carry."""
    return _redact(url, None)


def _redact(url: str, mask: str | None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user, colon, _password = userinfo.partition(":")
        if colon:
            netloc = f"{user}:{mask}@{hostport}" if mask is not None else (f"{user}@{hostport}" if user else hostport)
    query = []
    for pair in parts.query.split("&") if parts.query else []:
        if _PASSWORD_QUERY.match(pair):
            if mask is None:
                continue
            pair = f"{pair.partition('=')[0]}={mask}"
        query.append(pair)
    out = f"{parts.scheme}://{netloc}{parts.path}"
    out += f"?{'&'.join(query)}" if query else ""
    return out + (f"#{parts.fragment}" if parts.fragment else "")


def _parse_mode(value: Mode | str) -> Mode:
    if isinstance(value, Mode):
        return value
    try:
        return Mode(value.strip().lower().replace("-", "_"))
    except ValueError as exc:
        choices = ", ".join(m.value for m in Mode)
        raise ConfigurationError(f"unknown mode {value!r}: use one of {choices}") from exc
