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

Fault injection: :class:`FaultResponder` (``ScriptedServer(responder=FaultResponder(answers,
mix))``) answers each request with the good answer of its article (a gold draft found by the
article text in the request; a targeted re-ask gets the gold items it names) or, with the
probabilities of a :class:`FaultMix`, with one fault: 429 + ``Retry-After``, 500 / 503, a
dropped connection, a hang past the client's time-out, malformed JSON, fenced JSON inside
prose, a wrapped object (``{"briefing": {...}}``), a truncated answer (finish_reason
"length") or a fabricated quote. The draw is seeded and depends only on the request body and
how many times that body was seen, so a run is reproducible whatever the order of requests.
:class:`FaultServerProcess` runs such a server in a child process (``python tests/loopback.py
--faults SPEC.json``) for benchmarks.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import math
import random
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from summarizer.config import LLMSettings, RetryPolicy
from summarizer.engines.llm.draft import ITEM_LISTS, Draft, draft_from_briefing
from summarizer.schema import Briefing

__all__ = [
    "FABRICATED_QUOTE",
    "FAULT_KINDS",
    "ISIL",
    "ISIL_DATE",
    "FaultMix",
    "FaultResponder",
    "FaultServerProcess",
    "Reply",
    "Request",
    "ScriptedServer",
    "answer_key",
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


# --------------------------------------------------------------------------- fault injection

FAULT_KINDS = (
    "rate_limit",  # 429 with Retry-After
    "server_error",  # 500 or 503 (half each)
    "drop",  # the connection closed without an answer
    "hang",  # no answer before the client's time-out
    "malformed",  # the draft as a Python literal: single quotes, not JSON
    "fenced",  # the JSON inside a ```json fence between two lines of prose
    "wrapped",  # {"briefing": {...}} (a re-ask's answer: {"repair": {...}})
    "truncated",  # the first half of the JSON, finish_reason "length"
    "fabricated",  # one quote's words replaced by words the article does not hold
)
# Words no article of the project holds: a fabricated quote can never verify.
FABRICATED_QUOTE = "We have kept every promise we ever made to the people of this valley and we always will"
_REFS = re.compile(r"^- ((" + "|".join(ITEM_LISTS) + r")\[(\d+)\]): ", re.MULTILINE)


def answer_key(article: str) -> str:
    """The key a :class:`FaultResponder` finds an article's answer by: the sha256 of its text."""
    return hashlib.sha256(article.encode("utf-8")).hexdigest()


@dataclass(frozen=True, kw_only=True)
class FaultMix:
    """The probability of each fault per request (the rest is answered well), and its parameters."""

    rate_limit: float = 0.0
    server_error: float = 0.0
    drop: float = 0.0
    hang: float = 0.0
    malformed: float = 0.0
    fenced: float = 0.0
    wrapped: float = 0.0
    truncated: float = 0.0
    fabricated: float = 0.0
    retry_after: float = 1.0  # seconds, sent as the 429's Retry-After (whole seconds are sent as an integer)
    hang_seconds: float = 5.0  # how long a hang holds the request: set it past the client's time-out
    seed: int = 0
    script: tuple[str, ...] = ()  # the first requests get these kinds ("clean": none) in order, then draws

    def __post_init__(self) -> None:
        rates = [getattr(self, k) for k in FAULT_KINDS]
        if min(rates) < 0 or sum(rates) > 1 + 1e-9:
            raise ValueError(f"fault probabilities must be >= 0 and sum to at most 1, got {rates}")
        unknown = set(self.script) - {*FAULT_KINDS, "clean"}
        if unknown:
            raise ValueError(f"unknown fault kinds in script: {sorted(unknown)}")

    @classmethod
    def only(cls, kind: str, **params: Any) -> FaultMix:
        """Every request gets ``kind`` (``"clean"``: none)."""
        mix = cls(**params)
        rates: dict[str, Any] = {kind: 1.0}
        return mix if kind == "clean" else dataclasses.replace(mix, **rates)

    def draw(self, key: str) -> str:
        """The fault for the request ``key`` (a fault kind or ``"clean"``), the same for the same key and seed."""
        u = random.Random(f"{self.seed}:{key}").random()
        edge = 0.0
        for kind in FAULT_KINDS:
            edge += getattr(self, kind)
            if u < edge:
                return kind
        return "clean"

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FaultMix:
        return cls(**{**data, "script": tuple(data.get("script") or ())})


def _tokens(text: str) -> int:
    return math.ceil(len(text) / 4)  # an estimate (no tokenizer ships with the project)


class FaultResponder:
    """A responder for :class:`ScriptedServer`: good answers from ``answers``, faults drawn from ``mix``.

    ``answers`` maps :func:`answer_key` of an article text to its good draft (JSON data). A
    request is answered by its kind: a first extraction, a re-ask for an unusable answer or a
    full re-ask (a conversation holding an assistant message) get the whole draft; a targeted
    re-ask (``- quotes[2]: ...`` lines) gets the draft's items at those refs, and ``withdrawn``
    for a ref the draft does not have. An article it has no answer for gets HTTP 400.

    ``served`` counts what was served (fault kinds, ``clean``), ``calls`` the kinds of request,
    ``tokens`` the usage reported (prompt and completion estimated as ceil(chars / 4)).
    """

    def __init__(self, answers: Mapping[str, dict[str, Any]], mix: FaultMix) -> None:
        self.answers = answers
        self.mix = mix
        self._lock = threading.Lock()
        self._seen: Counter[str] = Counter()
        self._count = 0
        self.served: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.tokens: Counter[str] = Counter()

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {"served": dict(self.served), "calls": dict(self.calls), "tokens": dict(self.tokens)}

    def __call__(self, req: Request) -> Reply:
        digest = hashlib.sha256(json.dumps(req.body, sort_keys=True).encode("utf-8")).hexdigest()
        with self._lock:
            self._seen[digest] += 1
            nth = self._seen[digest]
            order = self._count
            self._count += 1
        key = f"{digest}:{nth}"
        fault = self.mix.script[order] if order < len(self.mix.script) else self.mix.draw(key)
        reply, served, call = self._reply(req, fault, key)
        with self._lock:
            self.served[served] += 1
            self.calls[call] += 1
            if isinstance(reply.body, dict) and "usage" in reply.body:
                for k in ("prompt_tokens", "completion_tokens"):
                    self.tokens[k] += reply.body["usage"][k]
        return reply

    def _reply(self, req: Request, fault: str, key: str) -> tuple[Reply, str, str]:
        if fault == "rate_limit":
            wait = self.mix.retry_after
            header = str(int(wait)) if float(wait).is_integer() else f"{wait:g}"
            return error(429, "rate limited (injected)", headers={"Retry-After": header}), fault, "-"
        if fault == "server_error":
            status = 500 if random.Random(f"{self.mix.seed}:status:{key}").random() < 0.5 else 503
            return error(status, "server error (injected)"), fault, "-"
        if fault == "drop":
            return drop(), fault, "-"
        if fault == "hang":
            return Reply(status=504, body=error(504, "hung (injected)").body, delay=self.mix.hang_seconds), fault, "-"
        try:
            article = request_article(req)
        except ValueError:
            return error(400, "loopback: no <article> in the request"), "unknown", "unknown"
        good = self.answers.get(answer_key(article))
        if good is None:
            return error(400, "loopback: no scripted answer for this article"), "unknown", "unknown"
        call, data = self._good(req, good)
        content, served, finish = _damaged(data, fault, call, article, self.mix.seed)
        usage = (_tokens(req.text), _tokens(content))
        return completion(content, finish_reason=finish, usage=usage), served, call

    @staticmethod
    def _good(req: Request, good: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        msgs = req.messages
        if any(m.get("role") == "assistant" for m in msgs):
            return "reask", good
        refs = _REFS.findall(str(msgs[-1].get("content") or "")) if msgs else []
        if not refs:
            return "extract", good
        fix: dict[str, Any] = {"withdrawn": []}
        for ref, kind, index in refs:
            items = good.get(kind) or []
            if int(index) < len(items):
                fix.setdefault(kind, []).append({"ref": ref, **items[int(index)]})
            else:
                fix["withdrawn"].append(ref)
        return "repair", fix


def _damaged(data: dict[str, Any], fault: str, call: str, article: str, seed: int) -> tuple[str, str, str]:
    """(content, what was served, finish_reason) of the good ``data`` under ``fault``."""
    text = json.dumps(data, ensure_ascii=False)
    if fault == "malformed":
        return repr(data), fault, "stop"
    if fault == "fenced":
        return f"Here is the JSON you asked for:\n```json\n{text}\n```\nI hope this helps.", fault, "stop"
    if fault == "wrapped":
        return json.dumps({"repair" if call == "repair" else "briefing": data}, ensure_ascii=False), fault, "stop"
    if fault == "truncated":
        return text[: len(text) // 2], fault, "length"
    if fault == "fabricated":
        quotes = data.get("quotes")
        assert FABRICATED_QUOTE not in article
        if quotes:
            i = random.Random(f"{seed}:{text}").randrange(len(quotes))
            quotes = [*quotes[:i], {**quotes[i], "text": FABRICATED_QUOTE, "kind": "direct"}, *quotes[i + 1 :]]
        elif call == "repair":  # a re-ask for other kinds of item: no quote to fabricate
            return text, "clean", "stop"
        else:
            speaker = {"value": "a government spokesman"}
            quotes = [{"text": FABRICATED_QUOTE, "kind": "direct", "speaker": speaker, "cue": "said"}]
        return json.dumps({**data, "quotes": quotes}, ensure_ascii=False), fault, "stop"
    return text, "clean", "stop"


class FaultServerProcess:
    """A fault-injecting loopback server in a child process (it does not share the client's GIL).

    ``with FaultServerProcess(answers, mix) as server: ... server.base_url``; :meth:`close`
    (or leaving the block) stops it and returns its :meth:`FaultResponder.stats`, also kept
    in ``stats``.
    """

    def __init__(self, answers: Mapping[str, dict[str, Any]], mix: FaultMix, *, workdir: Path) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        answers_path = workdir / "answers.json"
        answers_path.write_text(json.dumps(dict(answers), ensure_ascii=False), encoding="utf-8")
        spec = workdir / "faults.json"
        spec.write_text(json.dumps({"mix": mix.to_json(), "answers": str(answers_path)}), encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--faults", str(spec)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().strip()
        if not self.base_url.startswith("http"):
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError(f"the fault server did not start (said {self.base_url!r})")
        self.stats: dict[str, Any] = {}

    def close(self) -> dict[str, Any]:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None and self.proc.stdout is not None
            self.proc.stdin.close()
            self.stats = json.loads(self.proc.stdout.readline() or "{}")
            self.proc.wait(timeout=30)
            self.proc.stdout.close()
        return self.stats

    def __enter__(self) -> FaultServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve_faults(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    answers = json.loads(Path(spec["answers"]).read_text(encoding="utf-8"))
    responder = FaultResponder(answers, FaultMix.from_json(spec["mix"]))
    with ScriptedServer(responder=responder) as server:
        print(server.base_url, flush=True)
        sys.stdin.read()  # until the parent closes our stdin
        print(json.dumps(responder.stats()), flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--faults":
        _serve_faults(sys.argv[2])
    else:
        sys.exit("usage: python tests/loopback.py --faults SPEC.json")


# --------------------------------------------------------------------------- small articles with answers

FIXTURES = ISIL.parent
# The fixtures of the dev split (never the held-out ones): the texts small articles are cut from.
DEV_FIXTURES = (
    "anti-isil-coalition",
    "baltic-cable-summit",
    "daravan-weekly-sitrep",
    "dorun-front-incidents",
    "kel-amar-camp-protest",
    "muscat-ceasefire-talks",
    "sannar-aid-convoy",
    "wadi-rahma-incidents",
    "zahra-valley-front",
)


@dataclass(frozen=True)
class SmallArticle:
    """A run of a fixture's paragraphs, and the part of its gold answer that verifies on it."""

    name: str
    text: str
    date: dt.date | None
    answer: dict[str, Any]  # the draft data (JSON) a perfect model would answer

    @property
    def items(self) -> int:
        return sum(len(self.answer.get(kind) or []) for kind in ITEM_LISTS)

    def copy(self, tag: str) -> SmallArticle:
        """The same article made distinct by a closing line naming ``tag``."""
        return dataclasses.replace(self, name=f"{self.name}#{tag}", text=f"{self.text}\n\n(Copy {tag}.)")


def _offsets(obj: Any) -> Iterator[tuple[int, int]]:
    if isinstance(obj, dict):
        if isinstance(obj.get("start"), int) and isinstance(obj.get("end"), int):
            yield obj["start"], obj["end"]
        for v in obj.values():
            yield from _offsets(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _offsets(v)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\S(?:.|\n(?!\n))*", text)]


def _verified_answer(draft: dict[str, Any], text: str, date: dt.date | None) -> dict[str, Any]:
    """``draft`` less the items (and title / dateline) that do not verify on ``text``."""
    from summarizer.engines.llm.draft import to_briefing
    from summarizer.engines.llm.loop import failing_items
    from summarizer.locate import ground
    from summarizer.validate import validate

    data: dict[str, Any] = json.loads(json.dumps(draft))
    for _ in range(6):
        report = validate(ground(to_briefing(Draft.model_validate(data), text, article_date=date), text), text)
        failing = failing_items(report)
        other = [i for i in report.errors if not any(i.path.startswith(ref) for ref in failing)]
        if not failing and not other:
            return data
        for ref in sorted(failing, key=lambda r: -int(r[r.index("[") + 1 : -1])):
            kind, index = ref.split("[")[0], int(ref[ref.index("[") + 1 : -1])
            del data[kind][index]
        if other:
            data.pop("title", None)
            data.pop("dateline", None)
    raise AssertionError(f"the gold answer of a small article does not verify: {report.errors[:3]}")


def small_articles(names: Sequence[str] = DEV_FIXTURES, *, max_chars: int = 1_900) -> list[SmallArticle]:
    """Every longest run of whole paragraphs of at most ``max_chars`` of each fixture, with its answer.

    An item of the fixture's gold is kept when all its spans lie in the run and it verifies
    there (a quote whose speaker is named in a paragraph left out does not); runs with
    fewer than three such items are left out. Short enough (< 2,000 characters) that a
    truncated answer is asked again with more room instead of splitting the article.
    """
    out: list[SmallArticle] = []
    for name in names:
        folder = FIXTURES / name
        text = (folder / "article.txt").read_text(encoding="utf-8")
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        date = dt.date.fromisoformat(meta["date"]) if meta.get("date") else None
        gold = Briefing.model_validate_json((folder / "gold.json").read_text(encoding="utf-8"))
        paras = _paragraphs(text)
        last_end = -1
        for i, (a, _) in enumerate(paras):
            j = i
            while j + 1 < len(paras) and paras[j + 1][1] - a <= max_chars:
                j += 1
            b = paras[j][1]
            if b - a > max_chars or b <= last_end:
                continue  # a paragraph too long alone, or a run inside the previous one
            last_end = b
            out.extend(_window(name, text, a, b, gold, date))
    return out


def _window(name: str, text: str, a: int, b: int, gold: Briefing, date: dt.date | None) -> list[SmallArticle]:
    def inside(obj: Any) -> bool:
        spans = list(_offsets(obj))
        return bool(spans) and all(a <= s and e <= b for s, e in spans)

    dumped = gold.model_dump(mode="json")
    update: dict[str, Any] = {}
    for kind in gold.item_kinds:
        update[kind.name] = [it for it, d in zip(getattr(gold, kind.name), dumped[kind.name], strict=True) if inside(d)]
    src = dumped["source"]
    source = gold.source.model_copy(
        update={
            "title": gold.source.title if inside(src.get("title")) else None,
            "dateline": gold.source.dateline if inside(src.get("dateline")) else None,
        }
    )
    part = gold.model_copy(update={**update, "source": source})
    window = text[a:b]
    draft = draft_from_briefing(part).model_dump(mode="json", exclude_none=True)
    answer = _verified_answer(draft, f"{window}\n\n(Copy 0000.)", date)
    article = SmallArticle(f"{name}[{a}:{b}]", window, date, answer)
    return [article] if article.items >= 3 else []
