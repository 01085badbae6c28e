"""A real loopback HTTP server for the OpenAI Files and Batch APIs (and Chat Completions), for tests and benchmarks.

It implements what a batch client uses, per the OpenAI API reference:

- ``POST /v1/files`` (multipart: ``purpose``, ``file``), ``GET /v1/files/{id}`` and
  ``GET /v1/files/{id}/content``;
- ``POST /v1/batches``, ``GET /v1/batches/{id}``, ``GET /v1/batches`` (a list page,
  ``after`` / ``limit``) and ``POST /v1/batches/{id}/cancel``;
- ``POST /v1/chat/completions`` for the synchronous requests of a batch run (re-asks),
  answered by ``chat``.

A batch moves ``validating`` -> ``in_progress`` -> ``finalizing`` -> its end as it is
polled (``polls`` retrievals in progress), then writes its output file (one line per
answered request: ``{"id", "custom_id", "response": {"status_code", "request_id",
"body"}, "error": null}``) and its error file (requests that failed, and with
``end="expired"`` or ``"cancelled"`` those never run, code ``batch_expired`` /
``batch_cancelled``). Every answer is **scripted**: ``answer(body)`` returns
``(status, body)`` for one request line's body; no model runs.

Faults: ``poll_429`` retrievals answered 429 with ``Retry-After: 0`` first;
``answered`` (with an expired or cancelled end) the number of request lines that ran;
``kill_after_create`` a process id sent SIGKILL right after a batch is created and
before the answer is sent (a client that dies between creating a batch and recording it);
``batch_prefix`` the start of batch ids (a hostile one: ``"../../"``).
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import itertools
import json
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["Answer", "BatchServer", "article_of", "chat_body"]

Answer = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]
_MARK_OPEN, _MARK_CLOSE = "<article>\n", "\n</article>"


def article_of(body: dict[str, Any]) -> str:
    """The article text of a chat request body (between the ``<article>`` markers the prompts use)."""
    text = "\n".join(str(m.get("content") or "") for m in body.get("messages", []))
    a = text.index(_MARK_OPEN) + len(_MARK_OPEN)
    return text[a : text.index(_MARK_CLOSE, a)]


def chat_body(content: str, *, finish_reason: str = "stop", usage: tuple[int, int] = (100, 20)) -> dict[str, Any]:
    """A scripted chat completion whose message content is ``content``."""
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "scripted-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
    }


def _no_chat(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return 500, {"error": {"message": "no synchronous answer scripted", "type": "scripted"}}


@dataclass
class _Batch:
    id: str
    input_file_id: str
    endpoint: str
    completion_window: str
    metadata: dict[str, Any]
    created_at: int
    status: str = "validating"
    polls: int = 0
    output_file_id: str | None = None
    error_file_id: str | None = None
    counts: dict[str, int] = field(default_factory=lambda: {"total": 0, "completed": 0, "failed": 0})
    errors: list[dict[str, Any]] = field(default_factory=list)

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "batch",
            "endpoint": self.endpoint,
            "input_file_id": self.input_file_id,
            "completion_window": self.completion_window,
            "status": self.status,
            "output_file_id": self.output_file_id,
            "error_file_id": self.error_file_id,
            "created_at": self.created_at,
            "request_counts": dict(self.counts),
            "metadata": self.metadata,
            "errors": {"object": "list", "data": self.errors} if self.errors else None,
        }


class BatchServer:
    """The server (see the module docstring); ``with BatchServer(answer) as s: s.base_url``."""

    def __init__(
        self,
        answer: Answer,
        *,
        chat: Answer = _no_chat,
        polls: int = 2,
        end: str = "completed",
        answered: int | None = None,
        poll_429: int = 0,
        kill_after_create: int | None = None,
        batch_prefix: str = "batch-",
    ) -> None:
        self.kill: tuple[str, int] | None = None  # (request, pid): see kill_at
        self.answer, self.chat = answer, chat
        self.polls, self.end, self.answered = polls, end, answered
        self.poll_429 = poll_429
        self.kill_after_create = kill_after_create
        self.batch_prefix = batch_prefix  # a hostile provider's ids ("../../x"): never a path on the client
        self.files: dict[str, tuple[dict[str, Any], bytes]] = {}
        self.batches: dict[str, _Batch] = {}
        self.log: list[tuple[str, str]] = []  # (method, path) of every request
        self.chat_bodies: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> BatchServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def kill_at(self, request: str, pid: int) -> None:
        """SIGKILL ``pid`` when the first request matching ``request`` arrives, before answering it.

        ``request`` is ``"METHOD /path"``; a ``*`` in the path matches any one segment
        (``"GET /files/*/content"``: the first download).
        """
        self.kill = (request, pid)

    def _maybe_kill(self, method: str, path: str) -> None:
        if self.kill is None:
            return
        want_method, _, want_path = self.kill[0].partition(" ")
        got, want = path.split("/"), want_path.split("/")
        if (
            method == want_method
            and len(got) == len(want)
            and all(w in ("*", g) for g, w in zip(got, want, strict=True))
        ):
            os.kill(self.kill[1], signal.SIGKILL)
            self.kill = None

    def count(self, method: str, prefix: str) -> int:
        return sum(1 for m, p in self.log if m == method and p.startswith(prefix))

    # -- the API ------------------------------------------------------------------
    def _id(self, kind: str) -> str:
        return f"{kind}-{next(self._ids)}"

    def add_file(self, name: str, purpose: str, data: bytes) -> dict[str, Any]:
        meta = {
            "id": self._id("file"),
            "object": "file",
            "bytes": len(data),
            "created_at": int(time.time()),
            "filename": name,
            "purpose": purpose,
            "status": "processed",
        }
        self.files[meta["id"]] = (meta, data)
        return meta

    def create_batch(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        fid = body.get("input_file_id")
        if fid not in self.files:
            return 400, {"error": {"message": f"no file {fid}", "type": "invalid_request_error"}}
        if body.get("endpoint") != "/v1/chat/completions" or body.get("completion_window") != "24h":
            return 400, {"error": {"message": "endpoint or completion_window not supported", "type": "invalid"}}
        batch = _Batch(
            f"{self.batch_prefix}{next(self._ids)}",
            fid,
            body["endpoint"],
            "24h",
            dict(body.get("metadata") or {}),
            int(time.time()),
        )
        batch.counts["total"] = sum(1 for line in self.files[fid][1].splitlines() if line.strip())
        self.batches[batch.id] = batch
        return 200, batch.json()

    def poll(self, batch_id: str) -> tuple[int, dict[str, Any]]:
        batch = self.batches.get(batch_id)
        if batch is None:
            return 404, {"error": {"message": f"no batch {batch_id}", "type": "invalid_request_error"}}
        batch.polls += 1
        if batch.status == "validating":
            batch.status = "in_progress"
        elif batch.status == "in_progress" and batch.polls > self.polls:
            batch.status = "finalizing"
        elif batch.status in ("finalizing", "cancelling"):
            self._finish(batch, "cancelled" if batch.status == "cancelling" else self.end)
        return 200, batch.json()

    def _finish(self, batch: _Batch, end: str) -> None:
        lines = [json.loads(x) for x in self.files[batch.input_file_id][1].splitlines() if x.strip()]
        ran = len(lines) if end == "completed" else (self.answered or 0)
        out, err = [], []
        for n, line in enumerate(lines):
            rid = f"batch_req_{n + 1}"
            if n >= ran:
                code = "batch_expired" if end == "expired" else "batch_cancelled"
                message = f"this request could not be executed before the batch was {end}"
                err.append(
                    {
                        "id": rid,
                        "custom_id": line["custom_id"],
                        "response": None,
                        "error": {"code": code, "message": message},
                    }
                )
                continue
            status, body = self.answer(line["body"])
            record = {
                "id": rid,
                "custom_id": line["custom_id"],
                "response": {"status_code": status, "request_id": rid, "body": body},
                "error": None,
            }
            (out if status == 200 else err).append(record)
        batch.counts.update(completed=len(out), failed=len(err))
        if out:
            batch.output_file_id = self.add_file(f"{batch.id}_output.jsonl", "batch_output", _jsonl(out))["id"]
        if err:
            batch.error_file_id = self.add_file(f"{batch.id}_error.jsonl", "batch_output", _jsonl(err))["id"]
        batch.status = end

    def listing(self, query: dict[str, list[str]]) -> dict[str, Any]:
        ordered = list(reversed(self.batches.values()))  # newest first
        after = (query.get("after") or [None])[0]
        if after is not None:
            ids = [b.id for b in ordered]
            ordered = ordered[ids.index(after) + 1 :] if after in ids else []
        limit = int((query.get("limit") or ["20"])[0])
        page = ordered[:limit]
        return {
            "object": "list",
            "data": [b.json() for b in page],
            "first_id": page[0].id if page else None,
            "last_id": page[-1].id if page else None,
            "has_more": len(ordered) > limit,
        }


def _jsonl(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode("utf-8")


def _multipart(content_type: str, data: bytes) -> dict[str, tuple[str | None, bytes]]:
    """The parts of a multipart/form-data body: name -> (filename, bytes)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + data)
    parts: dict[str, tuple[str | None, bytes]] = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        parts[str(name)] = (part.get_filename(), payload if isinstance(payload, bytes) else b"")
    return parts


def _handler(owner: BatchServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _send(self, status: int, body: dict[str, Any] | bytes, headers: dict[str, str] | None = None) -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
            self.send_response(status)
            ctype = "application/octet-stream" if isinstance(body, bytes) else "application/json"
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            path = url.path.removeprefix("/v1")
            with owner._lock:
                owner.log.append(("GET", path))
                owner._maybe_kill("GET", path)
                if path.startswith("/files/") and path.endswith("/content"):
                    got = owner.files.get(unquote(path.split("/")[2]))
                    return self._send(200, got[1]) if got else self._send(404, {"error": {"message": "no file"}})
                if path.startswith("/files/"):
                    got = owner.files.get(unquote(path.split("/")[2]))
                    return self._send(200, got[0]) if got else self._send(404, {"error": {"message": "no file"}})
                if path == "/batches":
                    return self._send(200, owner.listing(parse_qs(url.query)))
                if path.startswith("/batches/"):
                    if owner.poll_429 > 0:
                        owner.poll_429 -= 1
                        rate = {"error": {"message": "rate limited", "type": "rate_limit"}}
                        return self._send(429, rate, {"Retry-After": "0"})
                    return self._send(*owner.poll(unquote(path.split("/")[2])))
            self._send(404, {"error": {"message": f"no route {path}"}})

        def do_POST(self) -> None:
            path = urlsplit(self.path).path.removeprefix("/v1")
            data = self._body()
            with owner._lock:
                owner.log.append(("POST", path))
                owner._maybe_kill("POST", path)
                if path == "/files":
                    parts = _multipart(self.headers.get("Content-Type", ""), data)
                    name, payload = parts.get("file", (None, b""))
                    purpose = parts.get("purpose", (None, b""))[1].decode()
                    return self._send(200, owner.add_file(name or "upload", purpose, payload))
                if path == "/batches":
                    status, body = owner.create_batch(json.loads(data))
                    if status == 200 and owner.kill_after_create is not None:
                        os.kill(owner.kill_after_create, signal.SIGKILL)
                        owner.kill_after_create = None
                    return self._send(status, body)
                if path.startswith("/batches/") and path.endswith("/cancel"):
                    batch = owner.batches.get(unquote(path.split("/")[2]))
                    if batch is None:
                        return self._send(404, {"error": {"message": "no batch"}})
                    if batch.status not in ("completed", "expired", "cancelled", "failed"):
                        batch.status = "cancelling"
                    return self._send(200, batch.json())
                if path == "/chat/completions":
                    body = json.loads(data)
                    owner.chat_bodies.append(body)
                    return self._send(*owner.chat(body))
            self._send(404, {"error": {"message": f"no route {path}"}})

    return Handler
