"""The response cache: the model's answers for an article, shared across processes and workers.

Storage sits behind a small interface, :class:`CacheStore` (raw value by key: get, set,
delete, close; and :meth:`~CacheStore.notice`, how a store says it is damaged or
unreachable). Two backends:

* :class:`DiskStore`, the default: a :class:`diskcache.Cache` (SQLite + files) under the
  user's cache directory (``platformdirs``; ``SUMMARIZER_CACHE_DIR`` or
  ``LLMSettings.cache_dir`` to move it). Processes on one machine share it safely.
* :class:`~summarizer.engines.llm.cache_redis.RedisStore`, when ``SUMMARIZER_CACHE_URL`` /
  ``LLMSettings.cache_url`` names a Redis server: workers on several machines share hits
  (``pip install 'spanbrief[redis]'``).

``SUMMARIZER_NO_CACHE=1`` or ``cache=False`` switches the cache off; ``cache_ttl``
(``SUMMARIZER_CACHE_TTL``, seconds) lets entries expire. :func:`open_cache` picks the
backend from the settings.

The key (:func:`cache_key`) is the sha256 of canonical JSON over everything that
shapes the answer: model, endpoint host, prompt identity, schema hash, mode,
generation and re-ask parameters, article date and the article text. Never the
API key. An entry (:class:`CacheEntry`) stores the raw responses, the usage they
cost and the drafts taken from them: what the model said, never a verdict on it. A
hit is parsed and verified again against the text like a fresh answer; an entry
that fails to load is reported, deleted and replaced. An entry is written with one
store operation (an SQLite transaction, one Redis ``SET``): a writer killed in the
middle leaves the old value or none, never part of one.

The cache fails open. A store that cannot be opened or read never stops a run. On disk:
a damaged database is moved aside (``cache.db.corrupt-<time>``) and a fresh one opened;
where that is not possible (a file where the directory should be) the engine runs
without a cache. A Redis server that is unreachable or answers with errors is left alone
for a while and tried again (:mod:`.cache_redis`). Either way it is logged once (logger
``summarizer``, which Python prints to stderr when nothing else is set up) and
:meth:`ResponseCache.notice` gives it to the provenance of the next briefing (of every
briefing, while the engine runs without a cache store at all).
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
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

import diskcache
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...schema import TokenUsage, text_sha256

if TYPE_CHECKING:
    from ...config import LLMSettings

__all__ = [
    "CacheEntry",
    "CacheStore",
    "CachedPiece",
    "DiskStore",
    "Lookup",
    "ResponseCache",
    "StoreUnavailable",
    "cache_key",
    "close_all",
    "open_cache",
]

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


# --------------------------------------------------------------------------- the storage interface


class StoreUnavailable(Exception):
    """The store cannot do this operation now (unreachable, broken, locked): it goes without the cache.

    A store raises it after it has recorded what to say (see :meth:`CacheStore.notice`); the
    message never holds a password.
    """


class CacheStore(Protocol):
    """Raw values by key. Methods raise :class:`StoreUnavailable` when the store cannot serve the call."""

    where: str  # the directory, or the URL with its password masked: fit for a log line

    def get(self, key: str) -> str | bytes | None:
        """The stored value, or None. Any exception but StoreUnavailable: the entry is unreadable (corrupt)."""
        ...

    def set(self, key: str, value: str, *, ttl: float | None = None) -> None:
        """Store ``value`` in one operation: a writer killed midway leaves the old value or none."""
        ...

    def delete(self, key: str) -> None: ...

    def close(self) -> None: ...

    def notice(self) -> str | None:
        """What went wrong with the store, prefixed ``cache:``: once per problem, then None.

        On every call while the store is gone for good (nothing more will be tried).
        """
        ...


class _Notices:
    """The notice of a store: set when something goes wrong (and logged), taken once by the next briefing."""

    def __init__(self) -> None:
        self._notice: str | None = None
        self._notice_lock = threading.Lock()
        self._gone = False  # nothing more will be tried: the notice stays

    def _say(self, message: str) -> None:
        with self._notice_lock:
            self._notice = f"cache: {message}"
        log.warning("summarizer: cache: %s", message)

    def notice(self) -> str | None:
        with self._notice_lock:
            message = self._notice
            if not self._gone:
                self._notice = None
            return message


class DiskStore(_Notices):
    """The diskcache backend: one directory, shared by the processes of one machine."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory
        self.where = str(directory)
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
        self._gone = True
        self._say(message)

    def _guard(self, op: Callable[[diskcache.Cache], R]) -> R:
        """Run ``op`` on the store; a store that breaks while in use is given up or repaired, not raised."""
        store = self._store
        if store is None:
            raise StoreUnavailable(f"no cache at {self.directory}")
        try:
            return op(store)
        except sqlite3.DatabaseError as exc:
            if not _damaged(exc):  # e.g. "database is locked" past diskcache's own retries: this call only
                log.warning("summarizer: cache: %s at %s; going on without it for this entry", exc, self.directory)
                raise StoreUnavailable(str(exc)) from exc
            with contextlib.suppress(Exception):
                store.close()
            self._store = None
            self._open_aside(exc)  # moved aside and a fresh store opened, or none
            raise StoreUnavailable(str(exc)) from exc

    def get(self, key: str) -> str | bytes | None:
        raw = self._guard(lambda store: store.get(key, default=None, retry=True))
        if raw is None or isinstance(raw, (str, bytes)):
            return raw
        return json.dumps(raw)  # a value some other writer stored as an object: validated like any other

    def set(self, key: str, value: str, *, ttl: float | None = None) -> None:
        self._guard(lambda store: store.set(key, value, expire=ttl, retry=True))

    def delete(self, key: str) -> None:
        self._guard(lambda store: store.delete(key, retry=True))

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


# --------------------------------------------------------------------------- the cache


class ResponseCache:
    """A process-wide handle on one store (see :func:`open_cache`); fails open (see the module docstring)."""

    def __init__(self, store: CacheStore | Path, *, ttl: float | None = None) -> None:
        self.store: CacheStore = DiskStore(store) if isinstance(store, Path) else store
        self.ttl = ttl

    @property
    def where(self) -> str:
        return self.store.where

    def notice(self) -> str | None:
        """What went wrong with the store: once after a problem, on every call while there is no store."""
        return self.store.notice()

    def get(self, key: str, *, text: str) -> Lookup:
        try:
            raw = self.store.get(key)
        except StoreUnavailable:
            return Lookup(None)
        except Exception as exc:  # a damaged value file or pickle: treat as corrupt
            return self._corrupt(key, f"unreadable ({type(exc).__name__})")
        if raw is None:
            return Lookup(None)
        try:
            entry = CacheEntry.model_validate_json(raw)
        except (ValidationError, ValueError, TypeError) as exc:
            return self._corrupt(key, f"invalid ({str(exc).splitlines()[0][:120]})")
        if entry.key != key or entry.text_sha256 != text_sha256(text) or entry.text_length != len(text):
            return self._corrupt(key, "stored for another text")
        return Lookup(entry)

    def _corrupt(self, key: str, why: str) -> Lookup:
        with contextlib.suppress(Exception):
            self.store.delete(key)
        return Lookup(None, f"corrupt cache entry ignored and replaced: {why}")

    def put(self, entry: CacheEntry) -> None:
        with contextlib.suppress(StoreUnavailable):
            self.store.set(entry.key, entry.model_dump_json(), ttl=self.ttl)

    def close(self) -> None:
        self.store.close()


def _damaged(exc: BaseException) -> bool:
    """A database that is not one or is malformed (not a busy or locked one)."""
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)


_lock = threading.Lock()
_stores: dict[tuple[str, str], CacheStore] = {}  # one per directory or URL
_open: dict[tuple[str, str, float | None], ResponseCache] = {}  # one per store and TTL


def open_cache(where: LLMSettings | Path | str) -> ResponseCache:
    """The shared :class:`ResponseCache` for the settings' store, or for a cache directory.

    Settings with a ``cache_url`` get the Redis backend (:mod:`.cache_redis`; a
    :class:`~summarizer.errors.ConfigurationError` when the ``redis`` package is missing),
    else the disk cache at :meth:`~summarizer.config.LLMSettings.resolved_cache_dir`.
    Opened once per process and store; never raises for a store that cannot be reached.
    """
    from ...config import LLMSettings

    ttl: float | None = None
    if isinstance(where, LLMSettings):
        ttl = where.cache_ttl
        if where.cache_url is not None:
            name = ("redis", where.cache_url)
        else:
            name = ("disk", str(where.resolved_cache_dir().expanduser().resolve()))
    else:
        name = ("disk", str(Path(where).expanduser().resolve()))
    with _lock:
        cache = _open.get((*name, ttl))
        if cache is None:
            store = _stores.get(name)
            if store is None:
                store = _stores[name] = _make_store(*name)
            cache = _open[(*name, ttl)] = ResponseCache(store, ttl=ttl)
        return cache


def _make_store(kind: str, target: str) -> CacheStore:
    if kind == "redis":
        from .cache_redis import RedisStore, namespace

        return RedisStore(target, prefix=namespace(FORMAT))
    return DiskStore(Path(target))


def close_all() -> None:
    """Close every cache opened by this process (tests; long-running hosts changing directories)."""
    with _lock:
        for store in _stores.values():
            store.close()
        _stores.clear()
        _open.clear()
