"""Record and replay: the model's answers kept as files, keyed by the request they answer.

``LLMSettings.recording_mode`` (``SUMMARIZER_RECORDING_MODE``) with
``LLMSettings.recordings_dir`` (``SUMMARIZER_RECORDINGS_DIR``):

- ``"live"`` (default): no recordings;
- ``"record"``: a request with a recording is answered from it, any other is sent to the
  endpoint and its answer written as a new recording;
- ``"replay"``: recordings only. Nothing is sent anywhere (no endpoint, key or model is
  needed); a request without a recording raises
  :class:`~summarizer.errors.RecordingMissError` naming the article, the model, the prompt
  identity and the request hash.

**The key** (:func:`request_hash`) is the sha256 of the canonical JSON (sorted keys, no
whitespace, UTF-8) of the request body as it goes to ``POST /chat/completions``: model,
messages, the answer schema where the mode sends one (``tools`` / ``tool_choice`` /
``response_format``), ``temperature`` and ``max_tokens``. Change the prompt, the model, the
mode, a parameter, the article or its date, and the request is another one. A re-ask is a
request of its own (its messages differ), so a re-ask chain replays step by step.

**Where it sits.** At the boundary of :mod:`.transport`: :class:`Recorder` (and
:class:`AsyncRecorder`) stand where the openai client stands, take the body
:class:`~.transport.Transport` would POST, and either answer it from its file or hand it to
the real client. So the key is the exact body sent, and the parsing, salvage and re-ask
logic above run unchanged on a replayed answer. A replayed answer never goes through a
retry or a wait; in record mode only the endpoint's requests do (tenacity, as live). Only
answers that arrived (HTTP 200) are recorded, unusable ones included, since the engine's
next request (a re-parse) depends on them. In ``record`` and ``replay`` modes the
response cache is off: a cache hit would send no request, so it would record nothing and
replay something other than the recordings.

**On disk**: one file per exchange, ``<recordings_dir>/<request hash>.json``
(:class:`Recording`, indented JSON), and ``recordings.json`` (:class:`Manifest`: the
model, mode and prompt identity the set was recorded with). Replay looks for
``<hash>.json`` anywhere under the directory (``fixtures/recordings/<fixture id>/``), and
takes the model and mode from the manifest when the settings give none. A recording
stores the response body and its usage, and of the request only a digest (each message's
role, length, sha256 and first characters; the schema's sha256): never headers, never the
key. See fixtures/README.md, "Recordings".
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ConfigDict, Field

from ...config import LLMSettings, Mode
from ...errors import FixtureError, NoLLMConfiguredError, RecordingMissError
from ...files import read_model
from ...schema import TokenUsage

__all__ = [
    "MANIFEST",
    "SCRIPTED_NOTE",
    "AsyncRecorder",
    "Exchange",
    "Manifest",
    "MessageDigest",
    "Recorder",
    "Recording",
    "RecordingStore",
    "RequestDigest",
    "open_store",
    "request_hash",
    "resolve",
]

FORMAT = 1
MANIFEST = "recordings.json"
SCRIPTED_NOTE = "scripted answer written by the team from the gold briefing; not recorded from a model"
_HEX64 = r"^[0-9a-f]{64}$"
_HEAD = 160  # characters of each message kept in the digest, for a reader of the file


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def request_hash(body: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of a Chat Completions request body: the recording's key and file name."""
    return _sha256(_canonical(body))


# --------------------------------------------------------------------------- the files


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MessageDigest(_Strict):
    role: str
    chars: int = Field(ge=0)
    sha256: str = Field(pattern=_HEX64)
    head: str  # the first characters, for a reader; the key is the whole request


class RequestDigest(_Strict):
    """What was asked, enough to tell two requests apart by eye; the request itself is not stored."""

    model: str
    params: dict[str, Any]  # scalars as sent; a schema-bearing value (tools, response_format) as "sha256:<hex>"
    messages: list[MessageDigest]

    @classmethod
    def of(cls, body: dict[str, Any]) -> RequestDigest:
        params: dict[str, Any] = {}
        for k, v in sorted(body.items()):
            if k in ("model", "messages"):
                continue
            small = v is None or isinstance(v, str | int | float | bool) or len(_canonical(v)) <= 80
            params[k] = v if small else f"sha256:{_sha256(_canonical(v))}"
        messages = [
            MessageDigest(role=str(m.get("role")), chars=len(c), sha256=_sha256(c), head=c[:_HEAD])
            for m in body.get("messages", [])
            for c in [m.get("content") if isinstance(m.get("content"), str) else _canonical(m.get("content"))]
        ]
        return cls(model=str(body.get("model")), params=params, messages=messages)


class Recording(_Strict):
    """One exchange: the hash of the request, a digest of it, and the response body as it arrived."""

    format: Literal[1] = 1
    request_sha256: str = Field(pattern=_HEX64)
    model: str
    prompt_id: str | None = None
    article_sha256: str | None = Field(default=None, pattern=_HEX64)  # the whole article's text
    scripted: bool = False  # true: the answer was written by the team, not a model's
    note: str | None = None
    request: RequestDigest
    response: dict[str, Any]  # the Chat Completions response body (no headers)
    usage: TokenUsage = Field(default_factory=TokenUsage)

    def completion(self) -> ChatCompletion:
        """The response as the openai client builds it from a body (nested objects, no validation)."""
        return ChatCompletion.construct(**self.response)


class Manifest(_Strict):
    """``recordings.json``: what the set was recorded with; replay's model and mode when the settings give none."""

    format: Literal[1] = 1
    model: str
    mode: Mode  # the request mode (tools, json_schema, ...), part of every request's shape
    prompt_id: str
    endpoint_host: str | None = None  # where the answers came from (never credentials)
    scripted: bool = False
    note: str | None = None


def _load(path: Path, model: type[Recording] | type[Manifest]) -> Any:
    return read_model(path, model)


def _write(path: Path, model: BaseModel) -> None:
    """Write atomically (a reader never sees half a file), indented, UTF-8, newline-terminated."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem[:16]}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(model.model_dump_json(indent=2) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class RecordingStore:
    """The recordings under one directory: looked up by request hash anywhere below it, written at its top."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._index: dict[str, Path] | None = None
        self._manifest: tuple[tuple[int, int] | None, Manifest | None] | None = None  # (file stamp, manifest)

    def _scan(self) -> dict[str, Path]:
        found: dict[str, Path] = {}
        if self.root.is_dir():
            for path in sorted(self.root.rglob("*.json")):
                if path.name != MANIFEST and len(path.stem) == 64:
                    found.setdefault(path.stem, path)
        return found

    def path(self, key: str, *, rescan: bool = False) -> Path | None:
        with self._lock:
            if self._index is None or (rescan and key not in self._index):
                self._index = self._scan()
            return self._index.get(key)

    def get(self, key: str) -> Recording | None:
        """The recording of the request with hash ``key`` (the directory is read again before a miss)."""
        path = self.path(key) or self.path(key, rescan=True)
        if path is None:
            return None
        rec: Recording = _load(path, Recording)
        if rec.request_sha256 != key:
            raise FixtureError(f"{path}: records request {rec.request_sha256}, not the one its name says ({key})")
        return rec

    def put(self, rec: Recording) -> Path:
        path = self.root / f"{rec.request_sha256}.json"
        _write(path, rec)
        with self._lock:
            if self._index is not None:
                self._index[rec.request_sha256] = path
        return path

    def manifest(self) -> Manifest | None:
        """``recordings.json`` (read again when the file changed), or None."""
        path = self.root / MANIFEST
        try:
            st = path.stat()
            stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
        with self._lock:
            if self._manifest is None or self._manifest[0] != stamp:
                self._manifest = (stamp, _load(path, Manifest) if stamp is not None else None)
            return self._manifest[1]

    def write_manifest(self, manifest: Manifest) -> None:
        if self.manifest() != manifest:
            _write(self.root / MANIFEST, manifest)


_stores: dict[Path, RecordingStore] = {}
_stores_lock = threading.Lock()


def open_store(settings: LLMSettings) -> RecordingStore:
    """The store of ``settings.recordings_dir``, one per directory and process (its index is shared)."""
    assert settings.recordings_dir is not None  # LLMSettings checks it for record / replay
    root = settings.recordings_dir.expanduser().resolve()
    with _stores_lock:
        store = _stores.get(root)
        if store is None:
            store = _stores[root] = RecordingStore(root)
        return store


def resolve(settings: LLMSettings) -> tuple[LLMSettings, RecordingStore | None]:
    """``settings`` with, in replay, the manifest's model and mode where none is given; and the store."""
    if settings.recording_mode == "live":
        return settings, None
    store = open_store(settings)
    if settings.recording_mode == "record":
        return settings, store
    if not store.root.is_dir():
        raise NoLLMConfiguredError(
            f"replay: {store.root} is not a directory of recordings; record some there first "
            "(recording_mode='record', SUMMARIZER_RECORDING_MODE=record) or set SUMMARIZER_RECORDINGS_DIR"
        )
    manifest = store.manifest()
    changes: dict[str, Any] = {}
    if settings.model is None and manifest is not None:
        changes["model"] = manifest.model
    if settings.mode is None and manifest is not None:
        changes["mode"] = manifest.mode
    if settings.mode is None and manifest is None:
        changes["mode"] = settings.resolved_mode()  # fixed here: an endpoint is never probed for its mode in replay
    if settings.model is None and manifest is None:
        raise NoLLMConfiguredError(
            f"replay: no model given and no {MANIFEST} in {store.root} to take it from: "
            "set SUMMARIZER_MODEL (or pass model= / --model) to the model the recordings were made with"
        )
    return (settings.replace(**changes) if changes else settings), store


# --------------------------------------------------------------------------- the client side


@dataclass
class Exchange:
    """What a recorder knows of the article it serves (for the files it writes and the errors it raises)."""

    model: str
    mode: Mode
    prompt_id: str
    host: str
    article_sha256: str
    replayed: int = 0
    recorded: int = 0
    scripted: int = 0

    def note(self, mode: str, root: Path) -> str | None:
        """The provenance note on where this article's answers came from."""
        if not (self.replayed or self.recorded):
            return None
        if mode == "replay":
            text = f"replay: {self.replayed} answer(s) from the recordings in {root}"
        else:
            text = f"record: {self.recorded} answer(s) asked of the endpoint and recorded in {root}, "
            text += f"{self.replayed} replayed from there"
        if self.scripted:
            text += f"; {self.scripted} of them scripted by the team (not a model's answers)"
        return text


class _RecorderBase:
    """Answers a request from its recording, or (record mode) from ``inner`` and writes the recording."""

    def __init__(self, store: RecordingStore, inner: Any, exchange: Exchange, *, direct: bool = True) -> None:
        self.store = store
        self.inner = inner  # None in replay: nothing to send with
        self.exchange = exchange
        self.direct = direct  # how to send through ``inner``: POST the body (ours) or create() (a caller's)

    # What transport.py reads of a client when it names the endpoint in an error or redacts the key.
    @property
    def base_url(self) -> Any:
        return getattr(self.inner, "base_url", None) or f"replay://{self.store.root}"

    @property
    def api_key(self) -> str | None:
        return getattr(self.inner, "api_key", None)

    def _replayed(self, body: dict[str, Any]) -> tuple[str, ChatCompletion | None]:
        key = request_hash(body)
        rec = self.store.get(key)
        if rec is None:
            if self.inner is None:
                raise self._miss(key, body)
            return key, None
        self.exchange.replayed += 1
        self.exchange.scripted += rec.scripted
        return key, rec.completion()

    def _record(self, key: str, body: dict[str, Any], completion: ChatCompletion) -> None:
        ex = self.exchange
        u = completion.usage
        usage = TokenUsage(
            prompt_tokens=u.prompt_tokens if u else 0,
            completion_tokens=u.completion_tokens if u else 0,
            total_tokens=u.total_tokens if u else 0,
        )
        rec = Recording(
            request_sha256=key,
            model=ex.model,
            prompt_id=ex.prompt_id,
            article_sha256=ex.article_sha256,
            request=RequestDigest.of(body),
            response=completion.to_dict(mode="json"),
            usage=usage,
        )
        self.store.put(rec)
        self.store.write_manifest(Manifest(model=ex.model, mode=ex.mode, prompt_id=ex.prompt_id, endpoint_host=ex.host))
        ex.recorded += 1

    def _miss(self, key: str, body: dict[str, Any]) -> RecordingMissError:
        ex = self.exchange
        manifest = self.store.manifest()
        hints: list[str] = []
        if manifest is not None:
            if manifest.prompt_id != ex.prompt_id:
                hints.append(f"they were recorded with prompt {manifest.prompt_id}, this run uses {ex.prompt_id}")
            if manifest.model != ex.model:
                hints.append(f"with model {manifest.model!r}, this run asks {ex.model!r}")
            if manifest.mode != ex.mode:
                hints.append(f"in mode {manifest.mode.value}, this run uses {ex.mode.value}")
        why = "; ".join(hints) if hints else "this article (or its date, or this re-ask) was not recorded"
        message = (
            f"replay: no recording of this request in {self.store.root} ({why}); record it "
            "(SUMMARIZER_RECORDING_MODE=record with an endpoint, or fixtures/tools/script_recordings.py for the "
            "fixtures) or replay with the settings the recordings were made with"
        )
        return RecordingMissError(
            message,
            request_hash=key,
            prompt_id=ex.prompt_id,
            article_sha256=ex.article_sha256,
            recordings_dir=str(self.store.root),
            model=ex.model,
        )


class Recorder(_RecorderBase):
    """Sync: stands where the openai client stands (``post`` as :class:`~.transport.Transport` calls it)."""

    def post(self, path: str, *, body: dict[str, Any], cast_to: type[ChatCompletion]) -> ChatCompletion:
        key, replayed = self._replayed(body)
        if replayed is not None:
            return replayed
        if self.direct:
            completion: ChatCompletion = self.inner.post(path, body=body, cast_to=cast_to)
        else:
            completion = self.inner.chat.completions.create(**body)
        self._record(key, body, completion)
        return completion


class AsyncRecorder(_RecorderBase):
    """Async: stands where the openai ``AsyncOpenAI`` client stands."""

    async def post(self, path: str, *, body: dict[str, Any], cast_to: type[ChatCompletion]) -> ChatCompletion:
        key, replayed = self._replayed(body)
        if replayed is not None:
            return replayed
        if self.direct:
            completion: ChatCompletion = await self.inner.post(path, body=body, cast_to=cast_to)
        else:
            completion = await self.inner.chat.completions.create(**body)
        self._record(key, body, completion)
        return completion
