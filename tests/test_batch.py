"""Batch runs into a directory: one file per article as each is done, failures named, interrupted runs resume."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from summarizer.api import summarize
from summarizer.batch import LOCK_FILE, RUN_FILE, RunFile, brief_to_dir
from summarizer.cli import main
from summarizer.render import to_json
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
    assert [re.sub(r"\.[0-9a-f]{8}\.", ".*.", f) for f in files] == [
        LOCK_FILE,
        "baltic-cable-summit.*.json",  # the fixture directory's name and a hash of the article's path
        "summarizer-run.json",
        "zahra-valley-front.*.json",
    ]
    b = Briefing.model_validate_json((out / files[1]).read_text(encoding="utf-8"))
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
    assert [p.name for p in second.written] == [p.name for p in first.written if p.name.startswith("a000.")]
    assert second.skipped == [str(b)]
    third = brief_to_dir([a, b], out, engine="rules", resume=False)
    assert len(third.written) == 2


def test_a_run_file_of_another_format_is_refused_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    [a] = _articles(tmp_path, 1)
    out = tmp_path / "out"
    assert main(["brief", str(a), "--out-dir", str(out)]) == 0
    assert main(["brief", str(a), "--out-dir", str(out), "--format", "json"]) == 1
    assert "holds a md run; use --format md" in capsys.readouterr().err


def test_out_dir_and_output_file_exclude_each_other(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["brief", "x.txt", "--out-dir", str(tmp_path), "-o", str(tmp_path / "f")])
    assert code == 2  # a usage error
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


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_text(encoding="utf-8").encode("utf-8")).hexdigest()


def _recorded(out: Path) -> dict[str, Briefing]:
    """The briefing each run-file entry points at, by the entry's key (a missing or foreign file fails)."""
    run = RunFile.model_validate_json((out / RUN_FILE).read_text(encoding="utf-8"))
    return {k: Briefing.model_validate_json((out / e.output).read_text(encoding="utf-8")) for k, e in run.done.items()}


def test_an_article_named_like_the_run_file_keeps_its_briefing(tmp_path: Path) -> None:
    [seed] = _articles(tmp_path, 1)
    clash = tmp_path / "summarizer-run.txt"  # --format json would name its briefing summarizer-run.json
    clash.write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    first = brief_to_dir([clash, seed], out, engine="rules", fmt="json")
    assert len(first.written) == 2 and not first.failed
    recorded = _recorded(out)
    assert {b.source.sha256 for b in recorded.values()} == {_sha(clash)}
    assert sorted(Path(k).name for k in recorded) == ["a000.txt", "summarizer-run.txt"]
    again = brief_to_dir([clash, seed], out, engine="rules", fmt="json")
    assert again.written == [] and sorted(again.skipped) == sorted([str(clash), str(seed)])


def test_same_stem_in_two_folders_keeps_two_briefings_when_the_list_changes(tmp_path: Path) -> None:
    [seed, other] = _articles(tmp_path, 2)
    x, y = tmp_path / "x" / "a.txt", tmp_path / "y" / "a.txt"
    for src, dst in ((seed, x), (other, y)):
        dst.parent.mkdir()
        dst.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    first = brief_to_dir([y], out, engine="rules", fmt="json")
    [y_name] = [p.name for p in first.written]
    second = brief_to_dir([x, y], out, engine="rules", fmt="json")  # y moved to second place in the list
    assert second.skipped == [str(y)] and len(second.written) == 1
    assert second.written[0].name != y_name and y_name.startswith("a.") and second.written[0].name.startswith("a.")
    run = RunFile.model_validate_json((out / RUN_FILE).read_text(encoding="utf-8"))
    assert run.done[str(y.resolve())].output == y_name  # a stable name per article
    recorded = _recorded(out)
    assert {k: b.source.sha256 for k, b in recorded.items()} == {
        str(x.resolve()): _sha(x),
        str(y.resolve()): _sha(y),
    }


def test_an_older_run_file_is_honoured_where_its_outputs_are_sound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    [a, b, c] = (Path(p.name) for p in _articles(tmp_path, 3))
    clash = Path("summarizer-run.txt")
    clash.write_text("“We hold the bridge,” Smith said on Tuesday.\n", encoding="utf-8")
    out = Path("out")
    out.mkdir()
    (out / "a000.json").write_text(to_json(summarize(a.read_text(encoding="utf-8"), engine="rules")), encoding="utf-8")
    (out / "a001.json").write_text("{}", encoding="utf-8")
    when = "2024-01-01T00:00:00Z"
    old = {  # keyed by the path as given, outputs named by position in the list
        str(a): {"sha256": _sha(a), "output": "a000.json", "engine": "rules", "finished_at": when},
        str(b): {"sha256": _sha(b), "output": "a001.json", "engine": "rules", "finished_at": when},
        str(c): {"sha256": _sha(c), "output": "a001.json", "engine": "rules", "finished_at": when},
        str(clash): {"sha256": _sha(clash), "output": RUN_FILE, "engine": "rules", "finished_at": when},
    }
    (out / RUN_FILE).write_text(json.dumps({"version": 1, "format": "json", "done": old}), encoding="utf-8")
    outcome = brief_to_dir([a, b, c, clash], out, engine="rules", fmt="json")
    assert outcome.skipped == [str(a)] and not outcome.failed  # a shared or reserved output is redone
    assert len(outcome.written) == 3 and not {p.name for p in outcome.written} & {"a001.json", RUN_FILE}
    run = RunFile.model_validate_json((out / RUN_FILE).read_text(encoding="utf-8"))
    assert run.done[str(a.resolve())].output == "a000.json"
    assert {k: v.source.sha256 for k, v in _recorded(out).items()} == {
        str(p.resolve()): _sha(p) for p in (a, b, c, clash)
    }
    assert sorted(brief_to_dir([a, b, c, clash], out, engine="rules", fmt="json").skipped) == sorted(
        map(str, (a, b, c, clash))
    )


def test_a_write_that_fails_for_one_article_fails_that_article_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    articles = _articles(tmp_path, 61)
    out = tmp_path / "out"
    first = brief_to_dir(articles, out, engine="rules")
    assert len(first.written) == 61
    run = RunFile.model_validate_json((out / RUN_FILE).read_text(encoding="utf-8"))
    squatted = out / run.done[str(articles[30].resolve())].output
    squatted.unlink()
    squatted.mkdir()  # a directory where the briefing of a030 must go
    (squatted / "keep").write_text("x", encoding="utf-8")
    code = main(["brief", *map(str, articles), "--engine", "rules", "--out-dir", str(out), "--no-resume"])
    err = capsys.readouterr().err
    assert code == 1
    assert "60 written, 0 already done, 1 failed of 61" in err
    assert f"{articles[30]}: cannot write " in err and err.count("a030.txt") == 2  # its error, and the summary
    run = RunFile.model_validate_json((out / RUN_FILE).read_text(encoding="utf-8"))
    assert sorted(run.done) == sorted(str(p.resolve()) for i, p in enumerate(articles) if i != 30)
    assert all((out / e.output).is_file() for e in run.done.values())
    assert (squatted / "keep").is_file() and not list(out.glob(".*.tmp"))


def test_long_file_names_are_cut_to_fit_and_stay_distinct(tmp_path: Path) -> None:
    [seed] = _articles(tmp_path, 1)
    long_a, long_b = tmp_path / ("é" * 123 + "a.txt"), tmp_path / ("é" * 123 + "b.txt")  # 251 bytes each
    for p in (long_a, long_b):
        p.write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    outcome = brief_to_dir([long_a, long_b], out, engine="rules", fmt="json")
    assert not outcome.failed and len(outcome.written) == 2
    names = [p.name for p in outcome.written]
    assert len(set(names)) == 2 and all(len(n.encode("utf-8")) <= 255 and n.startswith("é" * 100) for n in names)
    assert {n.split(".")[0] for n in names} == {"é" * 120}  # cut at a character boundary: only the hash differs
    assert len(_recorded(out)) == 2


def test_an_out_dir_that_is_a_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    [a] = _articles(tmp_path, 1)
    taken = tmp_path / "taken"
    taken.write_text("not a directory\n", encoding="utf-8")
    assert main(["brief", str(a), "--engine", "rules", "--out-dir", str(taken)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"summarizer: cannot use --out-dir {taken}: ") and err.count("\n") == 1
    assert taken.read_text(encoding="utf-8") == "not a directory\n"


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}


def _locked(path: Path) -> bool:
    """Whether another process holds an flock on ``path``."""
    import fcntl

    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_a_second_run_on_the_same_out_dir_is_refused_while_the_first_goes_on(tmp_path: Path) -> None:
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    firsts, seconds = _articles(tmp_path / "first", 20), _articles(tmp_path / "second", 3)
    # The first run's last article is a named pipe: reading it blocks until the test writes to it,
    # so the first run is certainly still running (and holding the directory) when the second starts.
    pipe = tmp_path / "first" / "zz-late.txt"
    os.mkfifo(pipe)
    out = tmp_path / "out"
    base = [sys.executable, "-m", "summarizer.cli", "brief", "--engine", "rules", "--out-dir", str(out)]
    proc = subprocess.Popen(
        [*base, *map(str, firsts), str(pipe)], cwd=ROOT, env=_env(), stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None and not _locked(out / LOCK_FILE):
            time.sleep(0.05)
        second = subprocess.run(
            [*base, *map(str, seconds)], cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=120
        )
        assert proc.poll() is None, "the first run ended before the second one started"
        # Opening a pipe for writing waits for its reader: from a thread, so a first run that died
        # before reading it fails the test instead of hanging it.
        feeder = threading.Thread(
            target=pipe.write_text,
            args=("“We hold the bridge,” said Colonel Ivan Horvat on Monday.\n",),
            kwargs={"encoding": "utf-8"},
            daemon=True,
        )
        feeder.start()
        feeder.join(timeout=120)
        assert not feeder.is_alive(), "the first run never read its last article"
        _, first_err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=60)
    assert second.returncode == 1, second.stderr
    assert second.stderr.count("another summarizer run is using") == 1 and "Traceback" not in second.stderr
    assert f"another summarizer run is using {out} (lock file {out / LOCK_FILE})" in second.stderr
    assert proc.returncode == 0, first_err
    run = RunFile.model_validate_json((out / RUN_FILE).read_text(encoding="utf-8"))
    assert set(run.done) == {str(p.resolve()) for p in [*firsts, pipe]}  # the first run lost nothing
    assert all((out / e.output).is_file() for e in run.done.values())
    assert main(["brief", *map(str, seconds), "--engine", "rules", "--out-dir", str(out)]) == 0  # the lock is free


def test_a_lock_held_by_a_killed_process_does_not_block(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    [a] = _articles(tmp_path, 1)
    out = tmp_path / "out"
    out.mkdir()
    hold = (
        "import fcntl, os, sys, time\n"
        "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "print('locked', flush=True)\n"
        "time.sleep(600)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", hold, str(out / LOCK_FILE)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        argv = ["brief", str(a), "--engine", "rules", "--out-dir", str(out)]
        assert main(argv) == 1
        assert "another summarizer run is using" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.communicate(timeout=60)
    assert (out / LOCK_FILE).exists()  # left behind by the killed holder
    assert main(argv) == 0
    assert "1 written, 0 already done, 0 failed of 1" in capsys.readouterr().err


def test_temp_files_left_by_a_killed_run_are_cleared(tmp_path: Path) -> None:
    [a] = _articles(tmp_path, 1)
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (out / ".summarizer-0123456789abcdef.tmp").write_text('{"half', encoding="utf-8")
    (out / ".summarizer-fedcba9876543210.tmp").symlink_to(victim)
    assert len(brief_to_dir([a], out, engine="rules").written) == 1
    assert not list(out.glob(".*.tmp")) and victim.read_text(encoding="utf-8") == "precious\n"
