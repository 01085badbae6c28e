"""Batch runs into a directory: one file per article as each is done, failures named, interrupted runs resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summarizer.batch import RUN_FILE, RunFile, brief_to_dir
from summarizer.cli import main
from summarizer.schema import Briefing

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "fixtures" / "articles"


def _articles(tmp: Path, n: int) -> list[Path]:
    """``n`` distinct articles (the seed article with a numbered first line)."""
    base = (ARTICLES / "anti-isil-coalition" / "article.txt").read_text(encoding="utf-8")
    out = []
    for i in range(n):
        p = tmp / f"a{i:03d}.txt"
        p.write_text(f"Dispatch {i}\n\n{base}", encoding="utf-8")
        out.append(p)
    return out


def test_out_dir_gets_one_file_per_article_and_names_the_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"caf\xe9 latin-1")
    out = tmp_path / "out"
    argv = ["brief", str(ARTICLES / "baltic-cable-summit"), str(broken), str(ARTICLES / "zahra-valley-front")]
    code = main([*argv, "--format", "json", "--out-dir", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "broken.txt: " in err and "not valid UTF-8" in err
    assert "2 written, 0 already done, 1 failed of 3" in err
    files = sorted(p.name for p in out.iterdir())
    assert files == ["baltic-cable-summit.json", "summarizer-run.json", "zahra-valley-front.json"]
    b = Briefing.model_validate_json((out / "baltic-cable-summit.json").read_text(encoding="utf-8"))
    assert b.provenance is not None and b.provenance.engine == "rules"
    assert str(b.source.article_date) == "2024-03-07"  # from meta.json beside the article
    run = RunFile.model_validate_json((out / RUN_FILE).read_text(encoding="utf-8"))
    assert sorted(Path(k).parent.name for k in run.done) == ["baltic-cable-summit", "zahra-valley-front"]
    # A second run skips what is done and still reports the broken file.
    code = main([*argv, "--format", "json", "--out-dir", str(out)])
    assert code == 1
    assert "0 written, 2 already done, 1 failed of 3" in capsys.readouterr().err


def test_a_changed_article_is_briefed_again(tmp_path: Path) -> None:
    [a, b] = _articles(tmp_path, 2)
    out = tmp_path / "out"
    first = brief_to_dir([a, b], out, engine="rules")
    assert len(first.written) == 2
    a.write_text(a.read_text(encoding="utf-8") + "\n\nA late paragraph.", encoding="utf-8")
    second = brief_to_dir([a, b], out, engine="rules")
    assert [p.name for p in second.written] == ["a000.md"] and second.skipped == [str(b)]
    third = brief_to_dir([a, b], out, engine="rules", resume=False)
    assert len(third.written) == 2


def test_a_run_file_of_another_format_is_refused_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    [a] = _articles(tmp_path, 1)
    out = tmp_path / "out"
    assert main(["brief", str(a), "--out-dir", str(out)]) == 0
    assert main(["brief", str(a), "--out-dir", str(out), "--format", "json"]) == 1
    assert "holds a md run; use --format md" in capsys.readouterr().err


def test_out_dir_and_output_file_exclude_each_other(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["brief", "x.txt", "--out-dir", str(tmp_path), "-o", str(tmp_path / "f")])
    assert info.value.code == 2
    assert "either -o FILE or --out-dir DIR" in capsys.readouterr().err


def test_an_interrupted_run_resumes_where_it_stopped(tmp_path: Path) -> None:
    articles = _articles(tmp_path, 120)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "summarizer.cli", "brief", *map(str, articles), "--engine", "rules"]
    cmd += ["--format", "json", "--out-dir", str(out), "--concurrency", "1"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        done = [p for p in out.glob("a*.json")] if out.exists() else []
        if len(done) >= 3:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "run the same command again to resume" in err
    run = RunFile.model_validate_json((out / RUN_FILE).read_text(encoding="utf-8"))
    finished = len(run.done)
    assert 3 <= finished < len(articles)
    for entry in run.done.values():  # every recorded output is whole
        json.loads((out / entry.output).read_text(encoding="utf-8"))
    assert not list(out.glob(".*.tmp"))
    again = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    written = len(articles) - finished
    assert f"{written} written, {finished} already done, 0 failed of {len(articles)}" in again.stderr
    assert len(list(out.glob("a*.json"))) == len(articles)


def test_planted_temp_file_symlinks_are_not_followed(tmp_path: Path) -> None:
    articles = _articles(tmp_path, 3)
    out = tmp_path / "out"
    brief_to_dir(articles, out, engine="rules", fmt="json")
    run = RunFile.model_validate_json((out / RUN_FILE).read_text(encoding="utf-8"))
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    # Links at the names a predictable temp file would take, next to each output and the run file.
    for name in [RUN_FILE, *(e.output for e in run.done.values())]:
        (out / f".{name}.tmp").symlink_to(victim)
    again = brief_to_dir(articles, out, engine="rules", fmt="json", resume=False)
    assert len(again.written) == 3 and not again.failed
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not (out / RUN_FILE).is_symlink()
    for entry in RunFile.model_validate_json((out / RUN_FILE).read_text(encoding="utf-8")).done.values():
        assert not (out / entry.output).is_symlink()
        Briefing.model_validate_json((out / entry.output).read_text(encoding="utf-8"))
