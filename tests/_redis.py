"""A real ``redis-server`` on a free loopback port, persistence off, for the tests of the Redis cache.

``with RedisServer() as r: r.url`` starts Debian's ``redis-server`` (``--save '' --appendonly
no``, its working directory a temporary one) and stops it after; :func:`redis_binary` is None
when none is on PATH (the tests skip with that reason).
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from typing import Any

import redis

SKIP_REASON = (
    "redis-server is not on PATH (Debian: apt-get install redis-server); the Redis cache tests need a real one"
)


def redis_binary() -> str | None:
    return shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class RedisServer:
    """One ``redis-server`` process on 127.0.0.1; ``password`` sets ``requirepass``."""

    def __init__(self, *, password: str | None = None, port: int | None = None) -> None:
        binary = redis_binary()
        if binary is None:
            raise RuntimeError(SKIP_REASON)
        self.binary = binary
        self.password = password
        self.port = port if port is not None else free_port()
        self._dir = tempfile.TemporaryDirectory(prefix="redis-test-")
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, password=self.password, socket_timeout=5)

    def start(self) -> RedisServer:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        args += ["--dir", self._dir.name, "--daemonize", "no", "--loglevel", "warning"]
        if self.password:
            args += ["--requirepass", self.password]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        with self.client() as c:
            while True:
                try:
                    if c.ping():
                        return self
                except redis.ConnectionError:
                    if self.proc.poll() is not None or time.monotonic() > deadline:
                        err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                        raise RuntimeError(f"redis-server did not start on port {self.port}: {err}") from None
                    time.sleep(0.02)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self._dir.cleanup()


class Blackhole:
    """A loopback listener that accepts connections and never answers (a hung Redis); counts them."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port: int = self._sock.getsockname()[1]
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True, name="blackhole")

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.accepted += 1
            self._held.append(conn)

    def __enter__(self) -> Blackhole:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the accept()
        self._sock.close()
        for conn in self._held:
            conn.close()
        self._thread.join(timeout=5)


def copies(n: int) -> list[str]:
    """``n`` distinct articles the gold answer fits: the fixture article, each with a line of its own added."""
    from loopback import isil_text

    return [f"{isil_text()}\n\nFiled as copy number {i + 1}." for i in range(n)]


def namespaced_keys(client: redis.Redis, prefix: str = "spanbrief:cache:") -> list[bytes]:
    return sorted(client.scan_iter(match=f"{prefix}*"))
