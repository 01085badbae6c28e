"""The response cache: the model's answers for an article, on local disk, shared across processes.

Storage is a :class:`diskcache.Cache` (SQLite + files) under the user's cache
directory by default (``platformdirs``; ``SUMMARIZER_CACHE_DIR`` or
``LLMSettings.cache_dir`` to move it, ``SUMMARIZER_NO_CACHE=1`` or ``cache=False``
to switch it off). Processes share it safely.

The key (:func:`cache_key`) is the sha256 of canonical JSON over everything that
shapes the answer: model, endpoint host, prompt identity, schema hash, mode,
generation and re-ask parameters, article date and the article text. Never the
API key. An entry (:class:`CacheEntry`) stores the raw responses, the usage they
cost and the drafts taken from them; a hit is parsed and validated again against
the text, and an entry that fails to load is reported, deleted and replaced.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import diskcache
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .schema import TokenUsage

__all__ = ["CacheEntry", "CachedPiece", "Lookup", "ResponseCache", "cache_key", "close_all", "open_cache"]

FORMAT = 1
_INLINE_BYTES = 4 * 1024 * 1024


def cache_key(
    *,
    model: str,
    endpoint_host: str,
    prompt_id: str,
    schema_hash: str,
    mode: str,
    params: dict[str, Any],
    article_date: dt.date | None,
    text: str,
) -> str:
    """sha256 over the canonical JSON of what determines the answer (never credentials)."""
    blob = json.dumps(
        {
            "format": FORMAT,
            "model": model,
            "endpoint_host": endpoint_host,
            "prompt_id": prompt_id,
            "schema_hash": schema_hash,
            "mode": mode,
            "params": params,
            "article_date": article_date.isoformat() if article_date else None,
            "text": text,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class CachedPiece(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: int = Field(ge=0)  # relative to the cached text
    end: int = Field(ge=0)
    draft: dict[str, Any]


class CacheEntry(BaseModel):
    """One cached conversation about one text (an article, or a chunk of a long one)."""

    model_config = ConfigDict(extra="forbid")

    format: Literal[1] = 1
    key: str
    created_at: dt.datetime
    model: str
    endpoint_host: str
    prompt_id: str
    text_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    text_length: int = Field(ge=0)
    responses: list[dict[str, Any]] = Field(default_factory=list)  # raw completions, in order
    usage: TokenUsage = Field(default_factory=TokenUsage)
    requests: int = 0
    reasks: int = 0
    notes: list[str] = Field(default_factory=list)
    pieces: list[CachedPiece] = Field(default_factory=list)
    result: str | None = None  # the finished Briefing (JSON) of the whole article
    fingerprint: str | None = None  # the library code that made ``result``


@dataclass(frozen=True, slots=True)
class Lookup:
    entry: CacheEntry | None
    problem: str | None = None  # why an entry that existed could not be used


class ResponseCache:
    """A process-wide handle on one cache directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        # Entries (raw answers, drafts, the result: ~60 KB for a 1,000-word article) stay inside
        # SQLite: diskcache would otherwise write each one above 32 KB to a file of its own in a
        # directory of its own, which costs more than the row. Readers accept both layouts.
        self._store = diskcache.Cache(str(directory), disk_min_file_size=_INLINE_BYTES)

    def get(self, key: str, *, text: str) -> Lookup:
        try:
            raw = self._store.get(key, default=None, retry=True)
        except Exception as exc:  # a damaged value file or pickle: treat as corrupt
            return self._corrupt(key, f"unreadable ({type(exc).__name__})")
        if raw is None:
            return Lookup(None)
        try:
            entry = CacheEntry.model_validate_json(raw if isinstance(raw, (str, bytes)) else json.dumps(raw))
        except (ValidationError, ValueError, TypeError) as exc:
            return self._corrupt(key, f"invalid ({str(exc).splitlines()[0][:120]})")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if entry.key != key or entry.text_sha256 != digest or entry.text_length != len(text):
            return self._corrupt(key, "stored for another text")
        return Lookup(entry)

    def _corrupt(self, key: str, why: str) -> Lookup:
        with contextlib.suppress(Exception):
            self._store.delete(key, retry=True)
        return Lookup(None, f"corrupt cache entry ignored and replaced: {why}")

    def put(self, entry: CacheEntry) -> None:
        self._store.set(entry.key, entry.model_dump_json(), retry=True)

    def close(self) -> None:
        self._store.close()


_lock = threading.Lock()
_open: dict[Path, ResponseCache] = {}


def open_cache(directory: Path) -> ResponseCache:
    """The shared :class:`ResponseCache` for ``directory`` (opened once per process)."""
    path = Path(directory).expanduser().resolve()
    with _lock:
        cache = _open.get(path)
        if cache is None:
            path.mkdir(parents=True, exist_ok=True)
            cache = _open[path] = ResponseCache(path)
        return cache


def close_all() -> None:
    """Close every cache opened by this process (tests; long-running hosts changing directories)."""
    with _lock:
        for cache in _open.values():
            cache.close()
        _open.clear()
