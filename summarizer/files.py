"""The project's on-disk formats: reading one JSON file as one model, writing files whole, run locks.

Fixtures' metadata and gold, recordings and their manifest, evaluation run files: each
is a model with ``extra="forbid"``, and each is read by :func:`read_model`, so a broken
file always says the same things — which file, and what is wrong at which field — as a
:class:`~summarizer.errors.FixtureError`.

Every file a run writes into a directory it shares with others (``--out-dir``, a provider
batch's run directory) is written by :func:`atomic_file` / :func:`write_atomic`: whole or
not at all, through a temp file created exclusively under a random name (nothing planted
is followed or overwritten). A run holds its directory with :func:`exclusive_lock`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import FixtureError

__all__ = ["TEMP_GLOB", "atomic_file", "exclusive_lock", "read_model", "write_atomic"]

TEMP_GLOB = ".summarizer-*.tmp"  # the temp files of atomic writes (a killed run's are removed under the lock)

M = TypeVar("M", bound=BaseModel)


def read_model(path: Path, model: type[M], *, text: str | None = None) -> M:
    """``path`` (or its already-read ``text``) as ``model``; a :class:`FixtureError` naming the file otherwise."""
    if text is None:
        try:
            text = path.read_bytes().decode("utf-8")
        except OSError as exc:
            raise FixtureError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
        except UnicodeDecodeError as exc:
            raise FixtureError(f"{path}: not valid UTF-8 at byte {exc.start}; save the file as UTF-8") from exc
    try:
        return model.model_validate(json.loads(text))
    except json.JSONDecodeError as exc:
        raise FixtureError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise FixtureError(
            f"{path}: {exc.error_count()} error(s) against {model.__name__}; first at {where}: {first['msg']}"
        ) from exc


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A file to write ``path`` through: whole on a clean exit, not at all on an error.

    The temp file beside ``path`` is created exclusively (``O_EXCL``, ``O_NOFOLLOW``) under a
    random name, so nothing planted in the directory is followed or overwritten; it gets the
    usual umask permissions, is synced, then renamed over ``path``, and removed on any failure.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _ in range(100):
        tmp = path.with_name(TEMP_GLOB.replace("*", secrets.token_hex(8)))
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
        break
    else:
        raise FileExistsError(errno.EEXIST, "no free temp file name", str(path.parent))
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: Path, body: str | bytes) -> None:
    """Write ``body`` to ``path`` whole or not at all (:func:`atomic_file`)."""
    with atomic_file(path) as f:
        f.write(body.encode("utf-8") if isinstance(body, str) else body)


@contextlib.contextmanager
def exclusive_lock(lock: Path, busy: Callable[[], Exception]) -> Iterator[None]:
    """Hold the lock file ``lock`` (``flock``) for the block, or raise ``busy()`` at once.

    The lock file stays behind; the lock itself is the kernel's and dies with its process,
    so a run that was killed never blocks the next one.
    """
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise busy() from None
        yield
    finally:
        os.close(fd)  # releases the lock
