"""The Redis backend of the response cache: one server shared by workers on several machines.

Chosen by ``SUMMARIZER_CACHE_URL`` / ``LLMSettings.cache_url`` (``redis://[user][:password]@host:6379/0``,
``rediss://...`` for TLS, ``unix:///path/redis.sock``); the ``redis`` package comes with
``pip install 'spanbrief[redis]'`` and is imported only when such a URL is configured (without
it: a :class:`~summarizer.errors.ConfigurationError` naming that command).

Keys are namespaced, ``spanbrief:cache:<format>:<key>`` (:func:`namespace`), so the cache can
share a database with other data and a new entry format never reads an old one. A value is
the entry's JSON, written with one ``SET`` (with ``PX`` when ``cache_ttl`` is set): Redis runs
a command only once it has all of it, so a worker killed in the middle of a write leaves the
old value or none. Entries are checked on read by :class:`~.cache.ResponseCache` like the
disk cache's (corrupt: reported, deleted, replaced) and every hit is verified again.

It fails open. A server that refuses the connection, times out, rejects the password or answers
with an error (out of memory, read-only replica, ...) is left alone for :data:`RETRY_AFTER`
seconds: calls meanwhile go without the cache at once, touching no socket, and the next call
after that tries one more time. So a dead Redis costs at most one connection attempt per
interval, never seconds per article; the client's own retries are off, connecting waits
:data:`CONNECT_TIMEOUT` and a command :data:`COMMAND_TIMEOUT` (a ``socket_timeout`` /
``socket_connect_timeout`` in the URL's query wins). Each outage is said once: a log line
and a note in the provenance of the next briefing. The URL is only ever shown with its
password masked, and a password that turns up in the client's error text is masked there too.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from ...config import masked_url
from ...errors import ConfigurationError
from .cache import StoreUnavailable, _Notices

__all__ = ["COMMAND_TIMEOUT", "CONNECT_TIMEOUT", "RETRY_AFTER", "RedisStore", "namespace"]

RETRY_AFTER = 30.0  # seconds a failed server is left alone before one more try
CONNECT_TIMEOUT = 1.0
COMMAND_TIMEOUT = 2.0  # a 1,000-word article's entry is ~60 KB
log = logging.getLogger("summarizer")


def namespace(fmt: int) -> str:
    """The prefix of every key of entry format ``fmt``."""
    return f"spanbrief:cache:{fmt}:"


class _WrongType(ValueError):
    """The key holds something that is not a string value: treated as a corrupt entry."""


class RedisStore(_Notices):
    """Raw values in Redis under ``prefix``; see the module docstring for how it fails open."""

    def __init__(self, url: str, *, prefix: str, retry_after: float = RETRY_AFTER) -> None:
        super().__init__()
        self.where = masked_url(url)
        self.prefix = prefix
        self.retry_after = retry_after
        self._secrets = _secrets(url)
        try:
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry
        except ImportError:
            raise ConfigurationError(
                f"the response cache is set to the Redis server {self.where} (SUMMARIZER_CACHE_URL / cache_url) "
                "but the redis package is not installed: pip install 'spanbrief[redis]' "
                "(or unset SUMMARIZER_CACHE_URL to use the disk cache)"
            ) from None
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._wrong_type = "WRONGTYPE"
        try:
            self._client: Any = redis.Redis.from_url(
                url,
                socket_connect_timeout=CONNECT_TIMEOUT,
                socket_timeout=COMMAND_TIMEOUT,
                retry=Retry(NoBackoff(), 0),
                retry_on_timeout=False,
                health_check_interval=0,
            )
        except (ValueError, TypeError) as exc:  # a bad port, db or query option: the message may quote the URL
            raise ConfigurationError(
                f"cache URL {self.where} cannot be used: {self._scrub(str(exc))} (SUMMARIZER_CACHE_URL)"
            ) from None
        self._lock = threading.Lock()
        self._down_until = 0.0  # time.monotonic() before which no call touches the server
        self._outage = False  # said, and not yet reachable again

    # -- the interface ------------------------------------------------------------------
    def get(self, key: str) -> bytes | None:
        value: bytes | None = self._call(lambda c: c.get(self.prefix + key), key=key)
        return value

    def set(self, key: str, value: str, *, ttl: float | None = None) -> None:
        px = max(1, round(ttl * 1000)) if ttl is not None else None
        self._call(lambda c: c.set(self.prefix + key, value.encode("utf-8"), px=px))

    def delete(self, key: str) -> None:
        self._call(lambda c: c.delete(self.prefix + key))

    def close(self) -> None:
        with contextlib.suppress(*self._errors):
            self._client.close()

    # -- failing open -------------------------------------------------------------------
    def _call(self, op: Any, *, key: str | None = None) -> Any:
        with self._lock:
            now = time.monotonic()
            if now < self._down_until:
                raise StoreUnavailable(f"Redis at {self.where} left alone after a failure")
            if self._outage:  # this call is the one try of the interval; the others meanwhile go without
                self._down_until = now + self.retry_after
        try:
            result = op(self._client)
        except self._errors as exc:
            if key is not None and self._wrong_type in str(exc):
                raise _WrongType(f"{self.prefix}{key} is not a string value") from None
            self._failed(exc)
            raise StoreUnavailable(f"Redis at {self.where}: {type(exc).__name__}") from None
        with self._lock:
            back, self._outage, self._down_until = self._outage, False, 0.0
        if back:
            log.info("summarizer: cache: Redis at %s is reachable again", self.where)
        return result

    def _failed(self, exc: BaseException) -> None:
        with self._lock:
            self._down_until = time.monotonic() + self.retry_after
            first, self._outage = not self._outage, True
        if first:
            why = self._scrub(f"{type(exc).__name__}: {exc}")
            self._say(
                f"Redis at {self.where} unavailable ({why}); running without the cache, "
                f"trying again after {self.retry_after:g} s"
            )

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


def _secrets(url: str) -> list[str]:
    """The password of ``url`` in the forms it may take in an error text (as written, decoded)."""
    parts = urlsplit(url)
    found = [parts.password or ""]
    found += [v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() == "password"]
    found += [unquote(s) for s in found]
    return sorted({s for s in found if s}, key=len, reverse=True)
