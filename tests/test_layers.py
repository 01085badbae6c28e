"""Dependencies point one way: the pure core knows no engine, no HTTP and no CLI; engines know no front end.

Every ``import`` of every module is read with :mod:`ast` (those inside functions too), so a
lazy import cannot slip past. The rules are the design's (ARCHITECTURE.md, "Rules of
direction"); a new module of the core is added to ``CORE``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "summarizer"

CORE = {
    "schema",
    "text",
    "locate",
    "parse",
    "validate",
    "mentions",
    "names",
    "lexicon",
    "coverage",
    "verify",
    "errors",
    "config",
    "daily",
    "notices",
    "files",
}
FRONT = (
    "summarizer.api",
    "summarizer.cli",
    "summarizer.render",
    "summarizer.html_report",
    "summarizer.evals",
    "summarizer.evalrun",
    "summarizer.cli_eval",
    "summarizer.pytest_plugin",
    "summarizer.batch",
    "summarizer.batchrun",
    "summarizer.sources",
)
HTTP = ("openai", "instructor", "httpx", "httpx2", "aiohttp", "diskcache", "redis", "requests", "urllib.request")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Absolute names of everything ``path`` imports."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            out.add(target)
            out.update(f"{target}.{alias.name}" for alias in node.names)
    return out


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: _module_name(p))
def test_imports_point_one_way(path: Path) -> None:
    name = _module_name(path)
    imports = _imports(path)
    short = name.removeprefix("summarizer.")
    if short in CORE:
        bad = sorted(i for i in imports if _under(i, ("summarizer.engines", *FRONT, *HTTP)))
        assert not bad, f"{name} is core: it may not import engines, front ends or HTTP: {bad}"
    if name.startswith("summarizer.engines"):
        bad = sorted(i for i in imports if _under(i, FRONT))
        assert not bad, f"{name} is an engine: it may not import api, cli, render, evals or batch: {bad}"
    if name.startswith("summarizer.engines.rules"):
        bad = sorted(i for i in imports if _under(i, ("summarizer.engines.llm", *HTTP)))
        assert not bad, f"{name}: the offline engine imports nothing of the LLM engine or HTTP: {bad}"
    if name.startswith("summarizer.engines.llm"):
        bad = sorted(i for i in imports if _under(i, ("summarizer.engines.rules",)))
        assert not bad, f"{name}: the LLM engine imports nothing of the offline engine: {bad}"


def test_every_top_level_module_is_placed() -> None:
    """A new top-level module must be put in the core or named a front end here, not left unchecked."""
    placed = CORE | {f.removeprefix("summarizer.") for f in FRONT} | {"__init__", "__main__", "engines"}
    loose = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in placed)
    assert not loose, f"place these modules in CORE or FRONT in tests/test_layers.py: {loose}"


def test_the_checker_sees_relative_and_lazy_imports() -> None:
    fake = PACKAGE / "engines" / "rules" / "engine.py"
    assert "summarizer.validate" in _imports(fake) or "summarizer.schema" in _imports(fake)
    api = _imports(PACKAGE / "api.py")
    assert "summarizer.engines.rules" in api  # imported inside a function
