"""Names that come from outside never choose where a file is written (SECURITY.md, "Paths").

A JSONL record's ``id``, a batch result's ``custom_id``, a provider's batch id and a fixture's
name are data: output names are a cleaned stem plus a hash, a batch's files have fixed names.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from summarizer import summarize_stream
from summarizer.batch import brief_to_dir
from summarizer.engines.llm.provider_batch import PollPolicy, ProviderBatch
from summarizer.errors import FixtureError
from summarizer.evals import load_fixture
from summarizer.schema import Briefing
from tests.loopback import ISIL, ISIL_DATE, gold_answer, isil_text, settings_for
from tests.loopback_batch import BatchServer, chat_body

HOSTILE = ["../../escaped", "/tmp/escaped-abs", "..", ".", "a/../../b", "..\\..\\win", "~/home", "\x00nul", "x" * 600]


def _tree(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


def test_jsonl_ids_never_leave_the_output_directory(tmp_path: Path) -> None:
    text = isil_text()
    feed = tmp_path / "in" / "feed.jsonl"
    feed.parent.mkdir()
    feed.write_text("".join(json.dumps({"id": i, "text": text, "date": "2016-10-26"}) + "\n" for i in HOSTILE))
    out = tmp_path / "deep" / "out"
    outcome = brief_to_dir([feed], out, engine="rules", fmt="json")
    assert len(outcome.written) == len(HOSTILE) and not outcome.failed
    for path in outcome.written:
        assert path.parent == out and path.resolve().parent == out.resolve()
        assert "/" not in path.name and not path.name.startswith(".") and len(path.name.encode()) <= 255
    outside = _tree(tmp_path) - _tree(out) - {out, out.parent, feed, feed.parent}
    assert outside == set(), outside  # nothing written anywhere else
    assert not Path("/tmp/escaped-abs").exists()


def test_hostile_batch_ids_and_custom_ids_name_no_file(tmp_path: Path) -> None:
    def gold(_body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 200, chat_body(gold_answer())

    run_dir = tmp_path / "a" / "run"
    with BatchServer(gold, batch_prefix="../../escaped-") as server:
        settings = settings_for(server)
        pb = ProviderBatch(run_dir, settings, poll=PollPolicy(interval=0.0, max_interval=0.0))
        with pb.run([isil_text()], dates=[ISIL_DATE]) as results:
            assert pb.state is not None and str(pb.state.parts[0].batch_id).startswith("../")
            out = list(
                summarize_stream([isil_text()], answers=results, engine="llm", settings=settings, dates=[ISIL_DATE])
            )
    assert isinstance(out[0], Briefing)
    names = sorted(p.name for p in run_dir.iterdir())
    assert names == [".lock", "batch.json", "output-______escaped-2.jsonl", "requests-0001.jsonl"]  # ids count files
    assert _tree(tmp_path) == {tmp_path / "a", run_dir, *(run_dir / n for n in names)}


@pytest.mark.parametrize(
    ("bad_id", "why"),
    [
        ("../escaped", "should match pattern"),
        ("/abs", "should match pattern"),
        ("other", "differs from the folder name"),
    ],
)
def test_a_fixture_id_is_a_plain_name_and_its_folder_name(tmp_path: Path, bad_id: str, why: str) -> None:
    folder = tmp_path / "fixture"
    folder.mkdir()
    (folder / "article.txt").write_text(isil_text(), encoding="utf-8")
    meta = json.loads((ISIL / "meta.json").read_text(encoding="utf-8"))
    meta["id"] = bad_id
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(FixtureError, match=why):
        load_fixture(folder)
