"""The command line, run in-process through ``summarizer.cli.main`` and once as the installed script.

No LLM is configured in tests (see conftest), so ``--engine auto`` takes the offline
engine and says so on stderr; ``--engine llm`` fails with the configuration error.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.cli import main
from summarizer.daily import DailyBriefing
from summarizer.render import to_markdown
from summarizer.schema import Briefing

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "articles" / "anti-isil-coalition"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_brief_prints_a_markdown_briefing_with_the_engine_and_validation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "brief", str(SEED / "article.txt"))
    assert code == 0
    assert out.startswith("# Anti-ISIL coalition’s defense chiefs meet\n")
    assert "engine **rules**" in out
    assert "## Quotes" in out and "**Francois Hollande**" in out
    assert "## Validation" in out and "0 error(s)" in out
    assert "## Coverage" in out
    assert "no LLM configured" in err and err.count("\n") == 1  # the one-line notice of engine=auto


def test_brief_json_takes_the_date_from_meta_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "brief", str(SEED / "article.txt"), "--engine", "rules", "--format", "json")
    assert code == 0 and err == ""
    b = Briefing.model_validate_json(out)
    assert b.provenance is not None and b.provenance.engine == "rules"
    assert b.source.article_date is not None and b.source.article_date.isoformat() == "2016-10-26"
    assert b.validation is not None and b.validation.ok and b.validation.coverage is not None


def test_date_option_overrides_meta_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "brief", str(SEED), "--engine", "rules", "--format", "json", "--date", "2016-10-27")
    assert code == 0
    assert Briefing.model_validate_json(out).source.article_date.isoformat() == "2016-10-27"  # type: ignore[union-attr]


def test_a_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["brief", str(SEED), "--date", "26/10/2016"])
    assert code == 2  # a usage error
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "briefing.md"
    code, out, _ = _run(capsys, "brief", str(SEED / "article.txt"), "--engine", "rules", "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8").startswith("# Anti-ISIL")


def test_a_batch_delivers_the_rest_and_names_what_failed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Le ministre a déclaré".encode("latin-1"))
    good = tmp_path / "good.txt"
    good.write_text("“We will hold the bridge,” Smith said on Tuesday.\n", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    code, out, err = _run(
        capsys, "brief", str(binary), str(good), str(latin1), str(missing), "--engine", "rules", "--format", "json"
    )
    assert code == 1
    daily = DailyBriefing.model_validate_json(out)  # several inputs: one daily briefing, the failed ones listed
    assert [a.ok for a in daily.articles] == [False, True, False, False]
    (b,) = [a.briefing for a in daily.articles if a.briefing is not None]
    assert [q.speaker.value for q in b.quotes] == ["Smith"]
    assert "photo.txt: " in err and "binary" in err
    assert "latin1.txt: " in err and "UTF-8" in err
    assert "missing.txt: " in err
    assert "3 of 4 article(s) failed" in err


def test_a_nul_byte_after_the_first_8_kb_is_still_a_binary_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "padded.txt"
    head = (SEED / "article.txt").read_bytes()
    head = head * (9000 // len(head) + 1)
    assert len(head) > 8192
    article.write_bytes(head + b"\x00\x01\x02 and a binary tail")
    code, out, err = _run(capsys, "brief", str(article), "--engine", "rules")
    assert code == 1 and out == ""
    assert "padded.txt: " in err and "binary" in err


def test_an_empty_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    code, out, err = _run(capsys, "brief", str(empty), "--engine", "rules")
    assert code == 1 and out == ""
    assert "empty" in err


def test_engine_llm_without_configuration_says_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "brief", str(SEED), "--engine", "llm")
    assert code == 1 and out == ""
    assert "OPENAI" in err and err.count("\n") == 1  # the configuration error stops the run, said once


def test_validate_a_gold_briefing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "validate", str(SEED / "gold.json"), str(SEED / "article.txt"))
    assert code == 0
    assert "0 error(s)" in out and "## Coverage" in out


def test_validate_flags_a_changed_quote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads((SEED / "gold.json").read_text(encoding="utf-8"))
    data["quotes"][0]["text"]["value"] = "The recapture is an end in itself."
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = _run(capsys, "validate", str(tampered), str(SEED / "article.txt"), "--format", "json")
    assert code == 1
    report = Briefing.model_validate_json(out).validation
    assert report is not None and "quotes[0].text" in {i.path for i in report.errors}


def test_validate_rejects_a_file_that_is_not_a_briefing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"quotes": 3}', encoding="utf-8")
    code, out, err = _run(capsys, "validate", str(bogus), str(SEED / "article.txt"))
    assert code == 1 and out == ""
    assert "bogus.json" in err and "not a briefing" in err


def test_article_text_is_escaped_never_a_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "article.txt"
    article.write_text("“Watch {{ config }} and <script>x</script> *now*,” Smith said.\n", encoding="utf-8")
    code, out, _ = _run(capsys, "brief", str(article), "--engine", "rules")
    assert code == 0
    assert "{{ config }}" in out  # no template engine touched it
    assert "\\<script\\>" in out and "\\*now\\*" in out and "<script>" not in out


def test_markdown_lists_notes_of_the_engine() -> None:
    text = "<p>“We are close,” Smith said.</p>"
    from summarizer.engines.rules import extract

    md = to_markdown(extract(text))
    assert "## Notes" in md and "HTML markup" in md


def test_the_installed_script_runs_the_readme_command(tmp_path: Path) -> None:
    script = shutil.which("summarizer", path=str(Path(sys.executable).parent))
    assert script is not None, "the console script is not installed: pip install -e ."
    done = subprocess.run(
        [script, "brief", str(SEED / "article.txt")], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "## Quotes" in done.stdout
