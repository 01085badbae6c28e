"""The LLM engine end to end against a loopback Chat Completions server.

Every model answer here is SCRIPTED by the test (the gold briefing of the fixture
article, edited to plant a fault), never recorded from a model. Assertions are on
what the server received (the article verbatim, the schema, the re-ask naming the
failure), on what came back, and on provenance.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from loopback import (
    ISIL_DATE,
    Request,
    ScriptedServer,
    completion,
    drop,
    error,
    gold_answer,
    gold_draft,
    isil_text,
    no_choices,
    request_article,
    settings_for,
    tool_completion,
)

from summarizer import summarize, summarize_many
from summarizer.config import RetryPolicy
from summarizer.errors import MalformedOutputError, TruncatedOutputError
from summarizer.schema import Briefing

FABRICATED = "We will hold every bridge until the city is free"


def _brief(server: ScriptedServer, text: str | None = None, **options: Any) -> Briefing:
    return summarize(text or isil_text(), engine="llm", date=ISIL_DATE, settings=settings_for(server, **options))


def _schema_text(req: Request) -> str:
    """Where the answer schema travels in each mode: a tool, response_format, or the prompt."""
    body = req.body
    if "tools" in body:
        return json.dumps(body["tools"])
    if body.get("response_format", {}).get("type") == "json_schema":
        return json.dumps(body["response_format"])
    return req.text


# --------------------------------------------------------------------------- a valid answer


def test_scripted_valid_answer_gives_a_verified_briefing() -> None:
    text = isil_text()
    with ScriptedServer([completion(gold_answer(fenced=True), usage=(1500, 900))]) as server:
        b = _brief(server)
    assert len(server.requests) == 1
    req = server.requests[0]
    assert req.path == "/v1/chat/completions"
    assert request_article(req) == text  # the article verbatim
    assert '"QuoteDraft"' in _schema_text(req) and '"front_lines"' in _schema_text(req)  # the schema, in the prompt
    assert req.body["model"] == "scripted-model" and req.body["temperature"] == 0.0
    assert "Article date: 2016-10-26" in req.text
    assert b.validation is not None and b.validation.ok
    assert b.validation.coverage is not None and b.validation.coverage.found > 0  # the coverage audit, attached
    gold = gold_draft()
    assert (len(b.quotes), len(b.incidents), len(b.front_lines)) == (
        len(gold.quotes),
        len(gold.incidents),
        len(gold.front_lines),
    )
    q = b.quotes[0]
    assert q.text.spans[0].start is not None and text[q.text.spans[0].start : q.text.spans[0].end] == q.text.value
    p = b.provenance
    assert p is not None and p.engine == "llm" and p.model == "scripted-model"
    assert p.endpoint_host == server.base_url.split("//")[1].split("/")[0]
    assert p.prompt_id is not None and p.prompt_id.startswith("v1-")
    assert (p.attempts, p.reasks, p.cached, p.dropped) == (1, 0, False, [])
    assert (p.usage.prompt_tokens, p.usage.completion_tokens, p.usage.total_tokens) == (1500, 900, 2400)


@pytest.mark.parametrize(
    ("mode", "reply"),
    [
        ("tools", lambda: tool_completion(gold_answer())),
        ("json_schema", lambda: completion(gold_answer())),
        ("json", lambda: completion(gold_answer())),
    ],
    ids=["tools", "json_schema", "json"],
)
def test_scripted_answer_in_each_mode(mode: str, reply: Any) -> None:
    with ScriptedServer([reply()]) as server:
        b = _brief(server, mode=mode)
    body = server.requests[0].body
    if mode == "tools":
        assert body["tool_choice"] == {"type": "function", "function": {"name": "Draft"}}
        assert "quotes" in body["tools"][0]["function"]["parameters"]["properties"]
    elif mode == "json_schema":
        assert body["response_format"]["type"] == "json_schema"
        assert body["response_format"]["json_schema"]["name"] == "Draft"
    else:
        assert body["response_format"] == {"type": "json_object"}
        assert '"QuoteDraft"' in server.requests[0].text
    assert b.validation is not None and b.validation.ok and len(b.quotes) == len(gold_draft().quotes)


# --------------------------------------------------------------------------- re-asks


def _fabricate_quote(data: dict[str, Any]) -> None:
    data["quotes"][1]["text"] = FABRICATED


def _correct_quote(req: Request) -> Any:
    gold = json.loads(gold_answer())["quotes"][1]
    return completion(json.dumps({"quotes": [{"ref": "quotes[1]", **gold}]}), usage=(1300, 60))


def test_scripted_hallucinated_quote_is_fixed_by_a_targeted_reask() -> None:
    script = [completion(gold_answer(edit=_fabricate_quote), usage=(1500, 900)), _correct_quote]
    with ScriptedServer(script) as server:
        b = _brief(server)
    assert len(server.requests) == 2
    reask = server.requests[1]
    assert "quotes[1].text" in reask.text and "[unlocated]" in reask.text and FABRICATED in reask.text
    assert request_article(reask) == isil_text()
    # Only the failed item goes back, and only its kind's schema.
    assert "quotes[0]" not in reask.text and "front_lines[" not in reask.text
    schema = _schema_text(reask)
    assert "QuoteFix" in schema and "IncidentDraft" not in schema and "MeetingDraft" not in schema
    assert b.validation is not None and b.validation.ok
    assert FABRICATED not in [q.text.value for q in b.quotes] and len(b.quotes) == len(gold_draft().quotes)
    p = b.provenance
    assert p is not None and (p.attempts, p.reasks) == (2, 1) and p.dropped == []
    assert p.usage.total_tokens == 1500 + 900 + 1300 + 60
    assert any("quotes[1] corrected" in n for n in p.notes)


def test_scripted_hallucinated_quote_fixed_by_a_full_reask() -> None:
    script = [completion(gold_answer(edit=_fabricate_quote)), completion(gold_answer())]
    with ScriptedServer(script) as server:
        b = _brief(server, reask_strategy="full")
    reask = server.requests[1]
    roles = [m["role"] for m in reask.messages]
    assert roles[-2:] == ["assistant", "user"] and FABRICATED in reask.messages[-2]["content"]
    assert "quotes[1].text" in reask.messages[-1]["content"]
    assert b.validation is not None and b.validation.ok and len(b.quotes) == len(gold_draft().quotes)


def _wrong_distance(data: dict[str, Any]) -> None:
    data["front_lines"][1]["distance"].update({"low": 7.0, "high": 7.0, "best": 7.0, "qualifier": "exact"})


def test_scripted_wrong_number_that_stays_wrong_is_dropped_and_reported() -> None:
    wrong = json.loads(gold_answer(edit=_wrong_distance))["front_lines"][1]

    def same_again(req: Request) -> Any:
        return completion(json.dumps({"front_lines": [{"ref": "front_lines[1]", **wrong}]}))

    with ScriptedServer([completion(gold_answer(edit=_wrong_distance)), same_again, same_again]) as server:
        b = _brief(server)
    assert len(server.requests) == 3  # the answer, then two re-ask rounds
    for reask in server.requests[1:]:
        assert "front_lines[1].distance" in reask.text and "[quantity_mismatch]" in reask.text
    p = b.provenance
    assert p is not None and p.reasks == 2 and p.attempts == 3
    dropped = {d.path: d.reason for d in p.dropped}
    assert "front_lines[1].distance" in dropped and dropped["front_lines[1].distance"].startswith("quantity_mismatch")
    assert b.front_lines[1].distance is None  # the unverified number is gone; the position stays
    assert b.validation is not None and any(i.code == "quantity_mismatch" for i in b.validation.errors)


# --------------------------------------------------------------------------- unusable answers


def test_scripted_malformed_json_is_reasked_with_the_parse_error() -> None:
    with ScriptedServer([completion('{"quotes": [{"text": '), completion(gold_answer())]) as server:
        b = _brief(server, mode="json")
    assert len(server.requests) == 2
    reask = server.requests[1]
    assert reask.messages[-2] == {"role": "assistant", "content": '{"quotes": [{"text": '}
    assert "could not be read" in reask.messages[-1]["content"]
    assert b.validation is not None and b.validation.ok
    assert b.provenance is not None and (b.provenance.attempts, b.provenance.reasks) == (2, 1)


def test_scripted_malformed_json_twice_raises_a_clear_error() -> None:
    script = [completion("no json here"), completion("still none")]
    with ScriptedServer(script) as server, pytest.raises(MalformedOutputError, match="after 2 answer") as info:
        _brief(server, mode="json")
    assert info.value.model == "scripted-model" and info.value.attempts == 2


def test_scripted_json_inside_fences_is_taken_without_a_reask() -> None:
    fenced = "Here is the briefing:\n" + gold_answer(fenced=True) + "\nHope this helps."
    with ScriptedServer([completion(fenced)]) as server:
        b = _brief(server, mode="json")  # json mode: instructor itself does not strip fences
    assert len(server.requests) == 1
    assert b.validation is not None and b.validation.ok and len(b.quotes) == len(gold_draft().quotes)
    assert b.provenance is not None and any("inside fences" in n for n in b.provenance.notes)


# Issue 7: every Draft field has a default, so any JSON object parsed as an empty draft that was
# reported ok, nothing dropped, and cached. The answers below are of the wrong shape.


@pytest.mark.parametrize("mode", ["json", "md_json", "tools"])
def test_scripted_a_single_wrapper_key_is_unwrapped(mode: str) -> None:
    wrapped = json.dumps({"briefing": json.loads(gold_answer())})
    reply = tool_completion(wrapped) if mode == "tools" else completion(wrapped)
    with ScriptedServer([reply]) as server:
        b = _brief(server, mode=mode)
    assert len(server.requests) == 1
    assert b.validation is not None and b.validation.ok and len(b.quotes) == len(gold_draft().quotes)
    assert b.provenance is not None and any("unwrapped" in n and "'briefing'" in n for n in b.provenance.notes)


@pytest.mark.parametrize(
    "answer",
    [
        json.dumps({"Quotes": [{"text": "x"}], "Incidents": []}),  # keys the schema does not define
        json.dumps({"result": "the article quotes the president"}),  # a wrapper of something else
        'I found these quotes: {"speaker": "Hollande", "text": "We will not give in"} and more.',
        "Here are the quotes I found in the article, as asked. " * 3 + "```json\n{}\n```",
    ],
    ids=["unknown-keys", "wrapper-of-text", "stray-inner-object", "empty-beside-prose"],
)
def test_scripted_an_answer_of_another_shape_is_reasked_then_fails_and_is_never_cached(answer: str) -> None:
    with ScriptedServer([completion(answer)] * 4) as server:
        with pytest.raises(MalformedOutputError, match="not a briefing object after 2") as info:
            _brief(server, mode="md_json")
        reask = server.requests[1].messages[-1]["content"]
        assert "not in the schema" in reask or "nothing outside it" in reask or "JSON" in reask
        assert info.value.attempts == 2
        with pytest.raises(MalformedOutputError):  # not cached: the next run asks again
            _brief(server, mode="md_json")
    assert len(server.requests) == 4


def test_scripted_a_wrong_shape_then_a_right_one_gives_the_briefing() -> None:
    wrong = json.dumps({"Quotes": []})
    with ScriptedServer([completion(wrong), completion(gold_answer())]) as server:
        b = _brief(server, mode="json")
    reask = server.requests[1].messages[-1]["content"]
    assert "'Quotes'" in reask and "not in the schema" in reask and "meetings, quotes" in reask
    assert b.validation is not None and b.validation.ok and len(b.quotes) == len(gold_draft().quotes)


def test_scripted_a_genuinely_empty_answer_is_reported_as_such() -> None:
    with ScriptedServer([completion("{}")]) as server:
        b = _brief(server, mode="json")
    assert b.quotes == [] and b.validation is not None and b.validation.coverage is not None
    assert any("returned nothing" in n and "direct quotation" in n for n in b.validation.notes), b.validation.notes


# Issue 7: a targeted re-ask that failed at the transport level failed the whole article.


@pytest.mark.parametrize("fault", [lambda: error(503), drop], ids=["503", "dropped"])
def test_scripted_a_reask_that_fails_in_transit_keeps_the_verified_items(fault: Any) -> None:
    script = [completion(gold_answer(edit=_fabricate_quote)), fault(), fault(), completion(gold_answer())]
    with ScriptedServer(script) as server:
        b = _brief(server, retry=RetryPolicy(attempts=2, wait_scale=0.0))
        assert len(server.requests) == 3
        again = _brief(server)  # not cached: asked again
    n = len(gold_draft().quotes)
    assert len(b.quotes) == n - 1 and FABRICATED not in [q.text.value for q in b.quotes]
    assert b.provenance is not None and [d.path for d in b.provenance.dropped] == ["quotes[1]"]
    assert b.validation is not None and any("re-ask 1 failed" in note for note in b.validation.notes)
    assert len(server.requests) == 4 and again.provenance is not None and not again.provenance.cached


def test_scripted_no_choices_is_asked_again() -> None:
    with ScriptedServer([no_choices(), completion(gold_answer())]) as server:
        b = _brief(server)
    assert len(server.requests) == 2
    assert b.validation is not None and b.validation.ok
    assert b.provenance is not None and any("no choices" in n for n in b.provenance.notes)


def _quotes_in(article: str) -> str:
    """A scripted answer for part of the fixture: the gold quotes that lie in that part."""
    data = json.loads(gold_answer())
    keep = {k: [] for k in data if isinstance(data[k], list)}
    keep["quotes"] = [q for q in data["quotes"] if q["text"] in article]
    return json.dumps(keep)


def test_scripted_truncated_answer_splits_the_article_and_merges_the_halves() -> None:
    text = isil_text()
    truncated = completion('{"quotes": [{"text": "The recap', finish_reason="length")
    half = lambda req: completion(_quotes_in(request_article(req)))  # noqa: E731
    with ScriptedServer([truncated, half, half]) as server:
        b = _brief(server, reasks=0)
    assert len(server.requests) == 3
    first, second = (request_article(r) for r in server.requests[1:])
    assert text.startswith(first) and text.endswith(second) and len(first) < len(text) and len(second) < len(text)
    assert text.index(second) < len(first)  # the halves overlap
    assert b.validation is not None and b.validation.ok
    gold_quotes = {q["text"] for q in json.loads(gold_answer())["quotes"]}
    assert sorted(q.text.value for q in b.quotes) == sorted(gold_quotes)  # each quote once, none lost
    for q in b.quotes:
        s = q.text.spans[0]
        assert s.start is not None and text[s.start : s.end] == q.text.value
    assert b.provenance is not None and any("truncated answer" in n for n in b.provenance.notes)


SHORT = "“We will hold,” the mayor said on Monday."
SHORT_ANSWER = json.dumps(
    {"quotes": [{"text": "We will hold", "speaker": {"value": "the mayor"}, "speaker_kind": "person", "cue": "said"}]}
)


def test_scripted_truncated_answer_on_a_short_text_is_asked_again_with_more_room() -> None:
    # Issue 7: one finish_reason "length" on a text too short to split failed at once (attempts=1).
    script = [completion('{"quotes": [', finish_reason="length"), completion(SHORT_ANSWER)]
    with ScriptedServer(script) as server:
        b = _brief(server, SHORT, max_tokens=500)
    assert [r.body["max_tokens"] for r in server.requests] == [500, 1000]
    assert [q.text.value for q in b.quotes] == ["We will hold"]
    assert b.provenance is not None and b.provenance.attempts == 2
    assert any("asked again with max_tokens=1000" in n for n in b.provenance.notes)


def test_scripted_truncated_twice_on_a_short_text_is_a_clear_error() -> None:
    script = [completion('{"quotes": [', finish_reason="length")] * 2
    with ScriptedServer(script) as server, pytest.raises(TruncatedOutputError, match="twice") as info:
        _brief(server, SHORT, max_tokens=500)
    assert len(server.requests) == 2 and info.value.attempts == 2
    assert "max_tokens=500 and then 1000" in str(info.value) and "raise max_tokens" in str(info.value)


# --------------------------------------------------------------------------- the article, verbatim


TEMPLATE_ARTICLE = (
    "    Officials said {{ mayor }} would speak {% if x %}today{% endif %}.\n"
    "    \n"
    "    {# not a comment #} The budget is ${amount} and {{{{ braces }}}}.\n"
    "    “We will hold {{ the line }},” the mayor said.\n"
)


def test_scripted_article_with_template_syntax_arrives_verbatim() -> None:
    def answer(req: Request) -> Any:
        return completion(json.dumps({"quotes": [{"text": "We will hold {{ the line }},", "speaker": {"value": "X"}}]}))

    with ScriptedServer([answer, completion(json.dumps({"withdrawn": ["quotes[0]"]}))]) as server:
        b = summarize(TEMPLATE_ARTICLE, engine="llm", settings=settings_for(server))
    for req in server.requests:
        assert request_article(req) == TEMPLATE_ARTICLE  # indentation, blank-space line, {{ }}, {% %}, {# #}, $
    assert b.source.length == len(TEMPLATE_ARTICLE)
    assert b.provenance is not None
    # The speaker "X" is not in the text: the quote was re-asked, withdrawn, and dropped with the reason.
    assert [d.path for d in b.provenance.dropped] == ["quotes[0]"]
    assert b.quotes == []


def test_scripted_no_batch_result_is_silently_empty() -> None:
    # Issue 7: in a fault mix, 12 of 200 delivered briefings were empty, reported ok, and cached.
    texts = [isil_text() + f"\n\nEdition {i}." for i in range(4)]
    wrapped = json.dumps({"briefing": json.loads(gold_answer())})
    stray = 'Quotes: {"speaker": "Hollande", "text": "We will not give in"}'

    def answer(req: Request) -> Any:
        edition = request_article(req).rsplit("Edition ", 1)[1][0]
        return completion({"0": gold_answer(), "1": wrapped, "2": "{}", "3": stray}[edition])

    with ScriptedServer(responder=answer) as server:
        results = summarize_many(texts, engine="llm", dates=[ISIL_DATE] * 4, settings=settings_for(server))
    ok, unwrapped, empty, broken = results
    assert isinstance(ok, Briefing) and isinstance(unwrapped, Briefing) and isinstance(empty, Briefing)
    assert len(unwrapped.quotes) == len(ok.quotes) == len(gold_draft().quotes)
    assert empty.validation is not None and any("returned nothing" in n for n in empty.validation.notes)
    assert isinstance(broken, MalformedOutputError) and broken.article_id == "3"
