"""The README's Python example runs as written (offline: no LLM is configured in tests)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_readme_python_example_runs(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```python\n(.*?)```", readme, re.S)
    assert first is not None
    monkeypatch.chdir(ROOT)
    assert not os.environ.get("OPENAI_API_KEY")
    namespace: dict[str, object] = {}
    exec(compile(first.group(1), "README.md", "exec"), namespace)
    out = capsys.readouterr()
    assert "rules" in out.out
    assert "Francois Hollande →" in out.out
    assert "100%" in out.out
    briefing = namespace["briefing"]
    assert briefing.validation.coverage is not None  # type: ignore[attr-defined]
    assert "offline rules engine" in out.err
