"""The daily-briefing command line: folders and feeds in, one merged briefing (or JSONL) out.

Run in-process through ``summarizer.cli.main``; the inputs are real files under
``tmp_path``, written here in wire style (the fixture articles are read where a full
article is needed). No LLM is configured (see conftest): ``auto`` takes the offline engine.
"""

from __future__ import annotations

import io
import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.cli import main
from summarizer.daily import DailyArticle, DailyBriefing

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "fixtures" / "articles"
SEED = ARTICLES / "anti-isil-coalition"

HTML = """<!doctype html><html><head><title>Ferry inquiry opens | Harbour Times</title>
<meta property="article:published_time" content="2026-11-30T08:00:00Z">
<link rel="canonical" href="https://harbour.example/ferry-inquiry"></head>
<body><nav>Home | World | Sport</nav><article><h1>Ferry inquiry opens</h1>
<p>PORT AUREL, Nov. 30 (Harbour Times) - An inquiry into the sinking of the ferry Marisol opened on Monday.</p>
<p>"We owe the families the truth," the inquiry's chair, Judge Elena Varga, told the hearing.</p>
<p>Eleven people died when the ferry capsized in October, officials said.</p></article>
<footer>Copyright Harbour Times</footer></body></html>
"""

MD = """# Talks *resume* in Vahran

VAHRAN, Nov. 30 (AFP) - Foreign ministers Lena Sokol and Omar Haddad met in Vahran on Monday.

"We will not sign a paper that the guns ignore," Sokol told reporters after the meeting.
"""


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _folder(tmp_path: Path) -> Path:
    news = tmp_path / "news"
    (news / "wire").mkdir(parents=True)
    shutil.copy(SEED / "article.txt", news / "coalition.txt")
    (news / "wire" / "ferry.html").write_text(HTML, encoding="utf-8")
    (news / "wire" / "talks.md").write_text(MD, encoding="utf-8")
    lines = [
        json.dumps({"id": "feed-1", "text": MD.replace("# ", ""), "date": "2026-11-30", "source": "AFP"}),
        "{not json",
        json.dumps({"id": "feed-3", "text": (SEED / "article.txt").read_text(encoding="utf-8"), "source": "Reuters"}),
    ]
    (news / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (news / ".hidden.txt").write_text("not an article", encoding="utf-8")
    return news


def test_a_folder_gives_one_jsonl_line_per_input_in_order_with_the_broken_line_in_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    news = _folder(tmp_path)
    code, out, err = _run(capsys, "brief", str(news), "--format", "jsonl", "--engine", "rules")
    assert code == 1  # one input failed
    records = [DailyArticle.model_validate_json(line) for line in out.splitlines()]
    assert [(r.id, r.ok) for r in records] == [
        (str(news / "coalition.txt"), True),
        ("feed-1", True),
        (f"{news / 'feed.jsonl'}:2", False),
        ("feed-3", True),
        (str(news / "wire" / "ferry.html"), True),
        (str(news / "wire" / "talks.md"), True),
    ]
    broken = records[2]
    assert broken.line == 2 and broken.error is not None and "JSON" in broken.error
    ferry = records[4]
    assert ferry.title == "Ferry inquiry opens" and ferry.url == "https://harbour.example/ferry-inquiry"
    assert ferry.text is not None and "Home | World" not in ferry.text and "<p>" not in ferry.text
    md = records[5]
    assert md.text is not None and md.text.startswith("Talks resume in Vahran\n") and "*" not in md.text
    for r in records:  # every span indexes into the text the line carries
        if r.briefing is None:
            continue
        assert r.text is not None
        for _, item in r.briefing.items():
            for span in _spans(item):
                if span.start is not None:
                    assert r.text[span.start : span.end] == span.text
    assert f"{news / 'feed.jsonl'}:2" in err and "1 of 6 article(s) failed" in err


def _spans(node: object) -> list:  # type: ignore[type-arg]
    from summarizer.locate import iter_evidence

    return [s for _, ev in iter_evidence(node) for s in ev.spans]  # type: ignore[arg-type]


def test_several_articles_give_one_merged_daily_briefing_in_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    news = _folder(tmp_path)
    code, out, err = _run(capsys, "brief", str(news), "--engine", "rules", "--day", "2026-12-01")
    assert code == 1
    assert out.startswith("# Daily briefing — 2026-12-01\n")
    assert "## Quotes" in out and "## Articles" in out and "## Failed articles" in out
    # the coalition article is carried twice (a file and a feed record): its quotes are merged, citing both
    assert "[1][4]" in out
    assert "We will not sign a paper that the guns ignore" in out
    assert out.count("We will not sign a paper that the guns ignore") == 1  # one quote, two sources
    assert "no LLM configured" not in err  # --engine rules


def test_the_daily_json_is_read_back_by_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    news = _folder(tmp_path)
    target = tmp_path / "daily.json"
    code, _, _ = _run(capsys, "brief", str(news), "-f", "json", "-o", str(target), "--engine", "rules")
    assert code == 1
    daily = DailyBriefing.model_validate_json(target.read_text(encoding="utf-8"))
    assert daily.counts.articles == 6 and daily.counts.failed == 1
    code, out, err = _run(capsys, "validate", str(target))
    assert code == 0, err
    assert out.count("\n") == 5 and all(line.endswith("matched") or "matched" in line for line in out.splitlines())


def test_validate_reads_back_jsonl_and_a_single_briefing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    news = _folder(tmp_path)
    lines = tmp_path / "out.jsonl"
    _run(capsys, "brief", str(news), "-f", "jsonl", "-o", str(lines), "--engine", "rules")
    code, out, _ = _run(capsys, "validate", str(lines), "-f", "json")
    assert code == 0
    assert [r["ok"] for r in json.loads(out)] == [True] * 5
    one = tmp_path / "one.json"
    _run(capsys, "brief", str(SEED), "-f", "json", "-o", str(one), "--engine", "rules")
    code, _, _ = _run(capsys, "validate", str(one), str(SEED / "article.txt"))
    assert code == 0
    code, _, err = _run(capsys, "validate", str(one))
    assert code == 1 and "without their text" in err


def test_stdin_and_a_quoted_glob(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    news = _folder(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(MD))
    code, out, _ = _run(capsys, "brief", "-", "--engine", "rules")
    assert code == 0 and out.startswith("# Talks resume in Vahran")
    code, out, _ = _run(capsys, "brief", f"{news}/**/*.md", "-f", "jsonl", "--engine", "rules")
    assert code == 0 and [json.loads(line)["id"] for line in out.splitlines()] == [str(news / "wire" / "talks.md")]


def test_the_html_report_is_one_file_naming_every_article(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    news = _folder(tmp_path)
    target = tmp_path / "report.html"
    code, _, _ = _run(capsys, "brief", str(news), "-f", "html", "-o", str(target), "--engine", "rules")
    assert code == 1
    html = target.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "Ferry inquiry opens" in html and "feed.jsonl:2" in html


def test_the_no_llm_notice_is_said_once_and_progress_lines_name_each_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = []
    for i in range(4):
        f = tmp_path / f"a{i}.md"
        f.write_text(MD, encoding="utf-8")
        files.append(str(f))
    code, _, err = _run(capsys, "brief", *files)
    assert code == 0
    assert err.count("no LLM configured") == 1
    assert [line for line in err.splitlines() if line.startswith("summarizer: [")] == [
        f"summarizer: [{n}/4] {files[i]}: done (rules)" for n, i in zip(range(1, 5), range(4), strict=True)
    ] or sorted(err.splitlines()[1:]) == sorted(f"summarizer: [{n}/4]" for n in range(1, 5))


def test_quiet_says_nothing_but_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(tmp_path / "missing.txt")]
    for i in range(2):
        f = tmp_path / f"a{i}.md"
        f.write_text(MD, encoding="utf-8")
        files.append(str(f))
    code, _, err = _run(capsys, "brief", "-q", *files)
    assert code == 1
    assert "no LLM configured" not in err and "[1/2]" not in err
    assert "missing.txt" in err


def test_nothing_listening_stops_the_run_once_naming_the_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    monkeypatch.setenv("SUMMARIZER_MODEL", "test-model")
    files = []
    for i in range(8):
        f = tmp_path / f"a{i}.md"
        f.write_text(MD, encoding="utf-8")
        files.append(str(f))
    code, out, err = _run(capsys, "brief", *files, "--no-cache")
    assert code == 1 and out == ""
    stopped = [line for line in err.splitlines() if "stopped:" in line]
    assert len(stopped) == 1 and f"127.0.0.1:{port}" in stopped[0], err


def test_usage_errors_exit_2_and_help_names_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "brief", str(SEED), "--date", "26/10/2016")
    assert code == 2 and "YYYY-MM-DD" in err
    code, _, err = _run(capsys, "brief", str(SEED), "--format", "pdf")
    assert code == 2
    code, out, _ = _run(capsys, "brief", "--help")
    assert code == 0 and "Exit codes" in out and "--concurrency" in out and "--prompts" in out
    code, out, _ = _run(capsys, "--version")
    assert code == 0 and out.startswith("summarizer ")


def test_python_dash_m_summarizer_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "summarizer", "brief", str(SEED), "--engine", "rules", "-f", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["provenance"]["engine"] == "rules"


def test_out_dir_takes_any_input_and_writes_one_file_per_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    news = _folder(tmp_path)
    out = tmp_path / "out"
    code, _, err = _run(capsys, "brief", str(news), "--out-dir", str(out), "-f", "json", "--engine", "rules")
    assert code == 1  # the broken feed line
    names = sorted(p.name.split(".")[0] for p in out.glob("*.json") if p.name != "summarizer-run.json")
    assert names == ["coalition", "feed-1", "feed-3", "ferry", "talks"]
    assert "5 written, 0 already done, 1 failed of 6" in err
    assert [line for line in err.splitlines() if line.startswith("summarizer: [")][-1].startswith("summarizer: [5/5]")
    code, _, err = _run(capsys, "brief", str(news), "--out-dir", str(out), "-f", "json", "--engine", "rules")
    assert "0 written, 5 already done, 1 failed of 6" in err


def test_a_terminal_gets_a_progress_bar(tmp_path: Path) -> None:
    import os
    import pty

    files = []
    for i in range(3):
        f = tmp_path / f"a{i}.md"
        f.write_text(MD, encoding="utf-8")
        files.append(str(f))
    master, slave = pty.openpty()
    cmd = [sys.executable, "-m", "summarizer", "brief", *files, "--engine", "rules", "-o", str(tmp_path / "o.md")]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(timeout=120) == 0
    os.close(master)
    text = seen.decode("utf-8", "replace")
    assert "briefing" in text and "3/3" in text and "failed 0" in text
    assert "[1/3]" not in text  # no plain lines on a terminal
