"""A real loopback HTTP server that speaks the Chat Completions protocol, for tests and benchmarks.

It listens on ``127.0.0.1`` (an ephemeral port), answers ``POST /v1/chat/completions``
from a per-test *script* and records every request it received. Nothing here
patches openai or instructor: the client under test talks HTTP to this server.

Every answer it gives is **scripted** (written by the test), never recorded from a model.

A script is a list of steps, consumed one per request; a step is a :class:`Reply`
or a callable ``(Request) -> Reply`` that builds the answer from the request (for
answers that depend on the article sent). ``responder=`` serves every request from
one callable instead (benchmarks, long articles). A request beyond the script gets
HTTP 500 with ``"script exhausted"``, so a test that expected fewer calls fails loudly.

``GET /v1/models`` answers ``models=`` (the JSON a server lists its models with) when
given, else 404; those requests are recorded in ``gets``, apart from ``requests``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from summarizer.config import LLMSettings, RetryPolicy
from summarizer.engines.llm.draft import Draft, draft_from_briefing
from summarizer.schema import Briefing

__all__ = [
    "ISIL",
    "ISIL_DATE",
    "Reply",
    "Request",
    "ScriptedServer",
    "completion",
    "drop",
    "error",
    "gold_answer",
    "gold_draft",
    "isil_text",
    "no_choices",
    "request_article",
    "settings_for",
    "tool_completion",
]


@dataclass(frozen=True)
class Request:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    received_at: float

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    @property
    def text(self) -> str:
        """All message contents joined: what the model would read."""
        return "\n".join(str(m.get("content") or "") for m in self.messages)


@dataclass(frozen=True)
class Reply:
    """A scripted answer: status, JSON (or raw) body, headers, a delay, or a dropped connection."""

    status: int = 200
    body: dict[str, Any] | str = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False


def _usage(prompt: int, completion_: int) -> dict[str, int]:
    return {"prompt_tokens": prompt, "completion_tokens": completion_, "total_tokens": prompt + completion_}


def completion(
    content: str,
    *,
    finish_reason: str = "stop",
    usage: tuple[int, int] = (100, 20),
    delay: float = 0.0,
    model: str = "scripted-model",
) -> Reply:
    """A scripted assistant message whose content is ``content`` (JSON text, fenced or not)."""
    body = {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
            }
        ],
        "usage": _usage(*usage),
    }
    return Reply(body=body, delay=delay)


def tool_completion(
    arguments: str,
    *,
    name: str = "Draft",
    finish_reason: str = "tool_calls",
    usage: tuple[int, int] = (100, 20),
) -> Reply:
    """A scripted assistant tool call with the given JSON ``arguments``."""
    message = {
        "role": "assistant",
        "content": None,
        "tool_calls": [{"id": "call_scripted", "type": "function", "function": {"name": name, "arguments": arguments}}],
    }
    body = {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "scripted-model",
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": _usage(*usage),
    }
    return Reply(body=body)


def no_choices(*, usage: tuple[int, int] = (100, 0)) -> Reply:
    """A 200 answer with an empty ``choices`` list (seen from some proxies)."""
    body = {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "scripted-model",
        "choices": [],
        "usage": _usage(*usage),
    }
    return Reply(body=body)


def error(status: int, message: str = "scripted error", *, headers: dict[str, str] | None = None) -> Reply:
    """An OpenAI-style error answer."""
    body = {"error": {"message": message, "type": "scripted", "code": None, "param": None}}
    return Reply(status=status, body=body, headers=dict(headers or {}))


def drop() -> Reply:
    """Close the connection without answering."""
    return Reply(drop=True)


_MARK_OPEN = "<article>\n"
_MARK_CLOSE = "\n</article>"


def request_article(request: Request) -> str:
    """The article text of a request, between the ``<article>`` markers the prompts use."""
    text = request.text
    a = text.index(_MARK_OPEN) + len(_MARK_OPEN)
    b = text.index(_MARK_CLOSE, a)
    return text[a:b]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm
        # and the client's delayed ACK add ~40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def do_GET(self) -> None:
        req = Request("GET", self.path, {k.lower(): v for k, v in self.headers.items()}, {}, time.time())
        models = self.server.owner.models
        with self.server.owner._lock:
            self.server.owner.gets.append(req)
        if self.path.rstrip("/") == "/v1/models" and models is not None:
            self._send(Reply(body=models))
        else:
            self._send(Reply(status=404, body={"error": {"message": "not found"}}))

    def do_POST(self) -> None:
        started = time.perf_counter()
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            body = {"_unparsed": raw.decode("utf-8", "replace")}
        req = Request("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.time())
        reply = self.server.owner._answer(req)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(reply)
        self.server.owner._add_busy(time.perf_counter() - started - reply.delay)

    def _send(self, reply: Reply) -> None:
        payload = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
        data = payload.encode("utf-8")
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in reply.headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, owner: ScriptedServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:  # dropped sockets are expected
        return


class ScriptedServer:
    """``with ScriptedServer([completion(...), error(429, ...)]) as server: ...``"""

    def __init__(
        self,
        script: Sequence[Reply | Callable[[Request], Reply]] = (),
        *,
        responder: Callable[[Request], Reply] | None = None,
        models: dict[str, Any] | None = None,
    ) -> None:
        self._script = list(script)
        self._responder = responder
        self.models = models
        self._lock = threading.Lock()
        self.requests: list[Request] = []
        self.gets: list[Request] = []
        self.busy_seconds = 0.0
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="loopback-llm", daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def _answer(self, req: Request) -> Reply:
        with self._lock:
            self.requests.append(req)
            if self._responder is not None:
                step: Reply | Callable[[Request], Reply] = self._responder
            elif self._script:
                step = self._script.pop(0)
            else:
                return error(500, "script exhausted: the test expected fewer requests")
        return step(req) if callable(step) else step

    def _add_busy(self, seconds: float) -> None:
        with self._lock:
            self.busy_seconds += max(0.0, seconds)

    @property
    def remaining(self) -> int:
        """Steps of the script not yet served."""
        return len(self._script)

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __iter__(self) -> Iterator[Request]:
        return iter(list(self.requests))


# --------------------------------------------------------------------------- the fixture article

ISIL = Path(__file__).resolve().parent.parent / "fixtures" / "articles" / "anti-isil-coalition"
ISIL_DATE = dt.date(2016, 10, 26)


def isil_text() -> str:
    return (ISIL / "article.txt").read_text(encoding="utf-8")


def gold_draft() -> Draft:
    """The hand-checked gold briefing of the fixture, as the draft a perfect model would answer."""
    gold = Briefing.model_validate_json((ISIL / "gold.json").read_text(encoding="utf-8"))
    return draft_from_briefing(gold)


def gold_answer(*, fenced: bool = False, edit: Callable[[dict[str, Any]], None] | None = None) -> str:
    """A scripted answer for the fixture: the gold draft as JSON, optionally edited, optionally fenced."""
    data = gold_draft().model_dump(mode="json", exclude_none=True)
    if edit is not None:
        edit(data)
    text = json.dumps(data, ensure_ascii=False)
    return f"```json\n{text}\n```" if fenced else text


def settings_for(server: ScriptedServer, **options: Any) -> LLMSettings:
    """Settings for the loopback server: no real sleeping (waits are computed and reported, not slept)."""
    options.setdefault("retry", RetryPolicy(wait_scale=0.0))
    return LLMSettings.from_env(base_url=server.base_url, model="scripted-model", **options)
