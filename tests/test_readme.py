"""The README's Python example runs as written, as a user would run it: a fresh interpreter, offline."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_python_example_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```python\n(.*?)```", readme, re.S)
    assert first is not None
    code = first.group(1) + "\nassert briefing.validation.coverage is not None\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert out.returncode == 0, out.stderr
    assert "rules" in out.stdout
    assert "Francois Hollande →" in out.stdout
    assert "100%" in out.stdout
    # The one notice of engine="auto" without an LLM: Python prints the library's warning to stderr
    # when the application set up no logging.
    assert out.stderr.count("offline rules engine") == 1, out.stderr
