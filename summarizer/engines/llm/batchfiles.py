"""The files of a provider batch: request lines out, result lines in (OpenAI Batch API, ``vllm run-batch``).

A *request line* is ``{"custom_id", "method": "POST", "url": "/v1/chat/completions",
"body"}``; ``body`` is byte for byte the JSON the engine would POST for the first
request of a chunk, and ``custom_id`` is derived from it (:func:`custom_id`: the
sha256 of its canonical JSON), so the same article with the same settings always
gets the same id: a rerun or a duplicate article adds no request, and an answer
can only ever be matched to the request it answers.

A *result line* is ``{"id", "custom_id", "response": {"status_code", "request_id",
"body"}, "error"}`` as the OpenAI Batch API writes its output and error files
(``vllm run-batch`` writes the same; a line whose ``response`` is the completion
itself is read too). :class:`Results` indexes result files by ``custom_id`` in one
streaming pass, keeping only offsets (a line is read again when its article is
briefed), so a results file of 100,000 answers is never held in memory. A
``custom_id`` is only ever a key: it never names a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["URL", "BatchAnswer", "Results", "custom_id", "request_line"]

URL = "/v1/chat/completions"
_ID_PREFIX = "sb-"
_MAX_PROBLEMS = 20  # malformed lines named in the report (the rest counted)
_NOT_RUN = frozenset({"batch_expired", "batch_cancelled"})  # error codes of requests a batch never ran


def custom_id(body: dict[str, Any]) -> str:
    """The request's id: ``sb-`` and 40 hex digits of the sha256 of its canonical JSON body."""
    blob = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return _ID_PREFIX + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:40]


def request_line(cid: str, body: dict[str, Any]) -> str:
    """One line of a batch input file (with its newline)."""
    line = {"custom_id": cid, "method": "POST", "url": URL, "body": body}
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"


@dataclass(frozen=True, slots=True)
class BatchAnswer:
    """What a batch returned for one request: a chat completion, or why there is none (``error``)."""

    custom_id: str
    completion: dict[str, Any] | None
    error: str | None = None
    ran: bool = True  # False: the batch ended (expired, cancelled) before running the request

    @property
    def rank(self) -> int:
        """An answer beats a failure, a failure beats a request that never ran."""
        return 2 if self.completion is not None else 1 if self.ran else 0


def _read_line(raw: bytes) -> tuple[str, BatchAnswer] | str:
    """The custom_id and answer of one result line, or what is wrong with the line."""
    try:
        obj = json.loads(raw)
    except ValueError as exc:
        return f"not JSON ({exc})"
    if not isinstance(obj, dict):
        return "not a JSON object"
    cid = obj.get("custom_id")
    if not isinstance(cid, str) or not cid:
        return "no custom_id"
    response, error = obj.get("response"), obj.get("error")
    body: Any = None
    status = None
    if isinstance(response, dict):
        status = response.get("status_code", 200)
        body = response.get("body") if "body" in response else (response if "choices" in response else None)
    if status == 200 and isinstance(body, dict) and body.get("choices") is not None and not error:
        return cid, BatchAnswer(cid, body)
    code = error.get("code") if isinstance(error, dict) else None
    return cid, BatchAnswer(cid, None, _why(status, body, error), ran=code not in _NOT_RUN)


def _why(status: Any, body: Any, error: Any) -> str:
    parts = []
    if isinstance(error, dict):
        parts.append(": ".join(str(error[k]) for k in ("code", "message") if error.get(k)))
    elif error:
        parts.append(str(error))
    if status is not None and status != 200:
        inner = body.get("error") if isinstance(body, dict) else None
        message = inner.get("message") if isinstance(inner, dict) else None
        parts.append(f"HTTP {status}" + (f": {message}" if message else ""))
    return "; ".join(p for p in parts if p)[:300] or "no answer in the result line"


def _close_all(fds: list[int]) -> None:
    while fds:
        os.close(fds.pop())


class Results:
    """Result files indexed by ``custom_id`` (offsets only); an answer is read when asked for.

    When an id occurs more than once (an output file and an error file, or a rerun's
    results appended), an answer beats a failure, a failure beats a request the batch
    never ran, and the later line beats the earlier. ``missing`` says why an id that is
    not here has no answer (e.g. "batch b-1 expired").
    """

    def __init__(self, paths: Sequence[Path | str], *, missing: str = "no result line for it") -> None:
        self.paths = [Path(p) for p in paths]
        self.missing = missing
        self.problems: list[str] = []
        self.bad_lines = 0
        self._index: dict[str, tuple[int, int, int, int]] = {}  # id -> (file, offset, length, BatchAnswer.rank)
        self._fds: list[int] = []
        self._closer = weakref.finalize(self, _close_all, self._fds)  # closed with the object if not before
        try:
            for n, path in enumerate(self.paths):
                self._fds.append(os.open(path, os.O_RDONLY | os.O_CLOEXEC))
                self._scan(n, path)
        except BaseException:
            self.close()
            raise

    def _scan(self, n: int, path: Path) -> None:
        with path.open("rb") as f:
            offset = 0
            for lineno, raw in enumerate(f, 1):
                length = len(raw)
                if raw.strip():
                    read = _read_line(raw)
                    if isinstance(read, str):
                        self.bad_lines += 1
                        if len(self.problems) < _MAX_PROBLEMS:
                            self.problems.append(f"{path.name}:{lineno}: {read}")
                    else:
                        cid, answer = read
                        old = self._index.get(cid)
                        if old is None or answer.rank >= old[3]:
                            self._index[cid] = (n, offset, length, answer.rank)
                offset += length

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, cid: object) -> bool:
        return cid in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    @property
    def answered(self) -> int:
        """Requests with an answer."""
        return sum(1 for v in self._index.values() if v[3] == 2)

    def ran(self, cid: str) -> bool:
        """Whether the batch ran request ``cid`` (answered or failed): no need to submit it again."""
        where = self._index.get(cid)
        return where is not None and where[3] >= 1

    def get(self, cid: str) -> BatchAnswer | None:
        """The answer to request ``cid``, or None when the files hold no line for it."""
        where = self._index.get(cid)
        if where is None:
            return None
        n, offset, length, _ = where
        read = _read_line(os.pread(self._fds[n], length, offset))
        if isinstance(read, str):  # the file changed under us since it was indexed
            return BatchAnswer(cid, None, f"result line unreadable on second reading ({read})")
        return read[1]

    def close(self) -> None:
        self._closer()

    def __enter__(self) -> Results:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
