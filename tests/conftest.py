"""Every test runs isolated: its own cache and user directories, no OPENAI_* / SUMMARIZER_* variables.

Nothing a test does can read a developer's key, reach a real endpoint configured in
the environment, or hit (or fill) the developer's response cache.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

_PREFIXES = ("OPENAI_", "SUMMARIZER_")


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("home")
    for name in list(os.environ):
        if name.startswith(_PREFIXES):
            monkeypatch.delenv(name)
    for var, sub in (("XDG_CACHE_HOME", "cache"), ("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data")):
        (home / sub).mkdir()
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    import sys

    notices = sys.modules.get("summarizer.notices")
    if notices is not None:  # a notice said once per process is said again in each test
        notices.reset()
    servers = sys.modules.get("summarizer.engines.llm.servers")
    if servers is not None:  # what a server was found to be (ports are reused between tests)
        servers.forget()
    yield home

    cache = sys.modules.get("summarizer.engines.llm.cache")
    if cache is not None:  # close the SQLite handles this test opened
        cache.close_all()
