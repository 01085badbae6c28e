"""The item kinds of a briefing are described once (``Briefing.item_kinds``) and read by every part.

The first tests check that each kind has what each part needs: a list field, a draft for the
model to fill, a renderer, and a scoring rule (or a reason it has none). The last one adds a
new kind end to end, the way a contributor would: one item model and its registry entry, one
renderer entry, and the generic machinery does the rest — the draft the model fills, the
conversion to a briefing, grounding, validation, dropping what fails, chunk merging, rendering.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import instructor
import pytest
from pydantic import BaseModel, ConfigDict, Field

from summarizer import render
from summarizer.engines.llm.chunking import Piece, assemble
from summarizer.engines.llm.draft import DRAFTS, draft_from_briefing, draft_item, draft_model, to_briefing
from summarizer.engines.llm.structured import Structured
from summarizer.evals import SCORED_KINDS, UNSCORED_KINDS
from summarizer.locate import ground
from summarizer.schema import ITEM_KINDS, Briefing, ItemKind, Mention, Quantity
from summarizer.verify import verify

PACKAGE = Path(__file__).resolve().parent.parent / "summarizer"


def test_no_module_keeps_its_own_list_of_item_kinds() -> None:
    """A tuple, list or set literal naming three or more item kinds is a second copy of the registry
    (the rules engine's markup filter kept one until it read ``Briefing.item_kinds``)."""
    names = {k.name for k in ITEM_KINDS}
    copies = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                listed = {e.value for e in node.elts if isinstance(e, ast.Constant) and e.value in names}
                if len(listed) >= 3:
                    copies.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert copies == [], f"lists of item kinds outside the registry: {copies}"


@pytest.mark.parametrize("kind", ITEM_KINDS, ids=lambda k: k.name)
def test_every_kind_has_its_entry_in_every_part(kind: ItemKind) -> None:
    assert kind.name in Briefing.model_fields
    assert kind.model in DRAFTS  # the shipped kinds have hand-written drafts
    assert kind.name in render.RENDERERS
    assert (kind.name in SCORED_KINDS) != (kind.name in UNSCORED_KINDS)
    if kind.anchor is not None:
        assert kind.anchor in kind.model.model_fields


def test_the_draft_lists_the_kinds_in_registry_order() -> None:
    draft = draft_model(Briefing)
    assert list(draft.model_fields) == ["title", "dateline", *(k.name for k in ITEM_KINDS)]
    assert draft.model_json_schema()["additionalProperties"] is False


def test_a_subclass_that_names_a_missing_field_is_refused() -> None:
    with pytest.raises(TypeError, match="lacks"):

        class Broken(Briefing):  # pragma: no cover - the class statement itself raises
            item_kinds = (*ITEM_KINDS, ItemKind("pledges", BaseModel, "text", "Pledges"))


# --------------------------------------------------------------------------- a new kind, end to end


class Pledge(BaseModel):
    """A pledge of money or forces: who pledged, the words, how much."""

    model_config = ConfigDict(extra="forbid")

    text: Mention  # the pledge as the article words it (verbatim, like a cue)
    pledger: Mention
    amount: Quantity | None = None


class PledgeBriefing(Briefing):
    pledges: list[Pledge] = Field(default_factory=list)
    item_kinds = (*ITEM_KINDS, ItemKind("pledges", Pledge, "text", "Pledges"))


ARTICLE = (
    "BRUSSELS, March 3 - Donors met in Brussels on Monday. Japan pledged $2 billion for reconstruction, "
    "officials said.\n\nNorway promised 300 engineers for the demining effort, its minister said."
)


def _render_pledge(p: Pledge) -> str:
    amount = f" — {p.amount.spans[0].text}" if p.amount is not None else ""
    return f"**{p.pledger.value}**: {p.text.value}{amount}"


def test_a_new_item_kind_end_to_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(render.RENDERERS, "pledges", _render_pledge)  # the one renderer entry
    draft_cls = draft_model(PledgeBriefing)

    # The draft the model fills is derived from the item model: Mention -> Ref, a verbatim
    # field -> str, Quantity -> Num; the request carries it in the mode's shape.
    pledge_draft = draft_item(Pledge)
    assert set(pledge_draft.model_fields) == {"text", "pledger", "amount"}
    _, request = Structured(instructor.Mode.TOOLS, strict=False).request(
        [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}], draft_cls
    )
    schema = json.dumps(request["tools"])
    assert "PledgeDraft" in schema and '"pledges"' in schema

    answer = {
        "pledges": [
            {
                "text": "pledged $2 billion for reconstruction",
                "pledger": {"value": "Japan"},
                "amount": {"evidence": "$2 billion", "low": 2e9, "high": 2e9, "best": 2e9, "unit": "USD"},
            },
            {"text": "promised 300 engineers", "pledger": {"value": "Norway"}},
            {"text": "pledged 50 tanks", "pledger": {"value": "Ruritania"}},  # not in the article
        ]
    }
    draft = draft_cls.model_validate(answer)
    briefing = ground(to_briefing(draft, ARTICLE), ARTICLE)
    assert isinstance(briefing, PledgeBriefing) and len(briefing.pledges) == 3
    kept = verify(briefing, ARTICLE)
    assert [p.pledger.value for p in kept.pledges] == ["Japan", "Norway"]  # the fabricated one dropped
    assert kept.provenance is not None and [d.path for d in kept.provenance.dropped] == ["pledges[2]"]
    japan = kept.pledges[0]
    assert japan.amount is not None and ARTICLE[japan.amount.spans[0].start : japan.amount.spans[0].end] == "$2 billion"

    markdown = render.to_markdown(kept)
    assert "## Pledges" in markdown and "**Japan**: pledged $2 billion for reconstruction" in markdown

    # Back to the draft a perfect model would give, and merged from two chunks like a long article.
    again = draft_from_briefing(kept)
    assert [p.pledger.value for p in again.pledges] == ["Japan", "Norway"]  # type: ignore[attr-defined]
    cut = ARTICLE.index("\n\n")
    pieces = [
        Piece(0, cut, draft_cls.model_validate({"pledges": answer["pledges"][:1]})),
        Piece(cut, len(ARTICLE), draft_cls.model_validate({"pledges": answer["pledges"][1:2]})),
    ]
    merged = assemble(pieces, ARTICLE)
    assert isinstance(merged, PledgeBriefing) and [p.pledger.value for p in merged.pledges] == ["Japan", "Norway"]
