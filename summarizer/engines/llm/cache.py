"""The response cache: the model's answers for an article, on local disk, shared across processes.

Storage is a :class:`diskcache.Cache` (SQLite + files) under the user's cache
directory by default (``platformdirs``; ``SUMMARIZER_CACHE_DIR`` or
``LLMSettings.cache_dir`` to move it, ``SUMMARIZER_NO_CACHE=1`` or ``cache=False``
to switch it off). Processes share it safely.

The key (:func:`cache_key`) is the sha256 of canonical JSON over everything that
shapes the answer: model, endpoint host, prompt identity, schema hash, mode,
generation and re-ask parameters, article date and the article text. Never the
API key. An entry (:class:`CacheEntry`) stores the raw responses, the usage they
cost and the drafts taken from them: what the model said, never a verdict on it. A
hit is parsed and verified again against the text like a fresh answer; an entry
that fails to load is reported, deleted and replaced.

The cache fails open. A store that cannot be opened or read (a damaged database, a
file where the directory should be) never stops a run: a damaged database is moved
aside (``cache.db.corrupt-<time>``) and a fresh one opened; where that is not
possible the engine runs without a cache. Either way it is logged once (logger
``summarizer``, which Python prints to stderr when nothing else is set up) and
:meth:`ResponseCache.notice` gives it to the provenance of the next briefing (of every
briefing, while the engine runs without a cache).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import diskcache
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...schema import TokenUsage, text_sha256

__all__ = ["CacheEntry", "CachedPiece", "Lookup", "ResponseCache", "cache_key", "close_all", "open_cache"]

FORMAT = 2  # 2: entries hold drafts only (format 1 also held a finished briefing, served unverified)
_INLINE_BYTES = 4 * 1024 * 1024
_DB = "cache.db"
log = logging.getLogger("summarizer")
R = TypeVar("R")


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

    format: Literal[2] = 2
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


@dataclass(frozen=True, slots=True)
class Lookup:
    entry: CacheEntry | None
    problem: str | None = None  # why an entry that existed could not be used


class ResponseCache:
    """A process-wide handle on one cache directory; fails open (see the module docstring)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._notice: str | None = None  # what went wrong with the store, until a briefing said so
        self._notice_lock = threading.Lock()
        self._store: diskcache.Cache | None = None
        try:
            self._store = self._open()
        except (sqlite3.DatabaseError, OSError) as exc:
            self._open_aside(exc)

    def _open(self) -> diskcache.Cache:
        self.directory.mkdir(parents=True, exist_ok=True)
        # Entries (raw answers and drafts: ~60 KB for a 1,000-word article) stay inside SQLite:
        # diskcache would otherwise write each one above 32 KB to a file of its own in a
        # directory of its own, which costs more than the row. Readers accept both layouts.
        return diskcache.Cache(str(self.directory), disk_min_file_size=_INLINE_BYTES)

    def _open_aside(self, exc: BaseException) -> None:
        """After a failed open: move a damaged database aside and open a fresh one, or go without."""
        why = f"{type(exc).__name__}: {exc}"
        if not _damaged(exc) or not (self.directory / _DB).is_file():
            self._give_up(f"cache unusable at {self.directory} ({why}); running without the cache")
            return
        stamp = f"corrupt-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%fZ}"
        aside = self.directory / f"{_DB}.{stamp}"
        try:
            for name in (_DB, f"{_DB}-wal", f"{_DB}-shm"):
                with contextlib.suppress(FileNotFoundError):  # another process may have moved it already
                    (self.directory / name).rename(self.directory / f"{name}.{stamp}")
            self._store = self._open()
        except (sqlite3.DatabaseError, OSError) as again:
            self._give_up(f"cache unusable at {self.directory} ({why}; then {again}); running without the cache")
            return
        self._say(f"cache database at {self.directory} was damaged ({why}); moved aside to {aside.name}, started fresh")

    def _give_up(self, message: str) -> None:
        self._store = None
        self._say(message)

    def _say(self, message: str) -> None:
        with self._notice_lock:
            self._notice = f"cache: {message}"
        log.warning("summarizer: cache: %s", message)

    def notice(self) -> str | None:
        """What went wrong with the store: once after a repair, on every call while there is no store."""
        with self._notice_lock:
            message = self._notice
            if self._store is not None:
                self._notice = None
            return message

    def _guard(self, op: Callable[[diskcache.Cache], R], default: R) -> R:
        """Run ``op`` on the store; a store that breaks while in use is given up, not raised."""
        store = self._store
        if store is None:
            return default
        try:
            return op(store)
        except sqlite3.DatabaseError as exc:
            if not _damaged(exc):  # e.g. "database is locked" past diskcache's own retries: this call only
                log.warning("summarizer: cache: %s at %s; going on without it for this entry", exc, self.directory)
                return default
            with contextlib.suppress(Exception):
                store.close()
            self._store = None
            self._open_aside(exc)  # moved aside and a fresh store opened, or none
            return default

    def get(self, key: str, *, text: str) -> Lookup:
        try:
            raw = self._guard(lambda store: store.get(key, default=None, retry=True), None)
        except Exception as exc:  # a damaged value file or pickle: treat as corrupt
            return self._corrupt(key, f"unreadable ({type(exc).__name__})")
        if raw is None:
            return Lookup(None)
        try:
            entry = CacheEntry.model_validate_json(raw if isinstance(raw, (str, bytes)) else json.dumps(raw))
        except (ValidationError, ValueError, TypeError) as exc:
            return self._corrupt(key, f"invalid ({str(exc).splitlines()[0][:120]})")
        if entry.key != key or entry.text_sha256 != text_sha256(text) or entry.text_length != len(text):
            return self._corrupt(key, "stored for another text")
        return Lookup(entry)

    def _corrupt(self, key: str, why: str) -> Lookup:
        with contextlib.suppress(Exception):
            self._guard(lambda store: store.delete(key, retry=True), False)
        return Lookup(None, f"corrupt cache entry ignored and replaced: {why}")

    def put(self, entry: CacheEntry) -> None:
        self._guard(lambda store: store.set(entry.key, entry.model_dump_json(), retry=True), False)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def _damaged(exc: BaseException) -> bool:
    """A database that is not one or is malformed (not a busy or locked one)."""
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)


_lock = threading.Lock()
_open: dict[Path, ResponseCache] = {}


def open_cache(directory: Path) -> ResponseCache:
    """The shared :class:`ResponseCache` for ``directory`` (opened once per process; never raises)."""
    path = Path(directory).expanduser().resolve()
    with _lock:
        cache = _open.get(path)
        if cache is None:
            cache = _open[path] = ResponseCache(path)
        return cache


def close_all() -> None:
    """Close every cache opened by this process (tests; long-running hosts changing directories)."""
    with _lock:
        for cache in _open.values():
            cache.close()
        _open.clear()
