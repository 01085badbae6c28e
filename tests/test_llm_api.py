"""summarize / asummarize / summarize_many: engine choice, configuration, batches. Answers are SCRIPTED."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from pathlib import Path

import openai
import pytest
from loopback import (
    ISIL_DATE,
    Request,
    ScriptedServer,
    completion,
    error,
    gold_answer,
    isil_text,
    request_article,
    settings_for,
    tool_completion,
)

from summarizer import LLMSettings, RetryPolicy, asummarize, summarize, summarize_many
from summarizer import errors as E
from summarizer.config import Mode
from summarizer.engines.llm.draft import Draft, to_briefing
from summarizer.engines.llm.prompts import load_prompts
from summarizer.locate import ground
from summarizer.validate import validate

# --------------------------------------------------------------------------- configuration


def test_explicit_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://env.invalid:8000/v1")
    monkeypatch.setenv("SUMMARIZER_MODEL", "env-model")
    s = LLMSettings.from_env()
    assert (s.api_key, s.base_url, s.model, s.endpoint_host) == (
        "sk-env",
        "http://env.invalid:8000/v1",
        "env-model",
        "env.invalid:8000",
    )
    t = LLMSettings.from_env(api_key="sk-arg", base_url="http://arg.invalid/v1", model="arg-model")
    assert (t.api_key, t.base_url, t.model) == ("sk-arg", "http://arg.invalid/v1", "arg-model")
    assert "sk-arg" not in repr(t)
    with pytest.raises(AttributeError):
        t.model = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("base_url", "mode"),
    [
        (None, Mode.TOOLS),
        ("https://api.openai.com/v1", Mode.TOOLS),
        ("http://localhost:11434/v1", Mode.JSON_SCHEMA),
        ("http://localhost:8000/v1", Mode.MD_JSON),
    ],
    ids=["openai-default", "openai", "ollama", "other-local"],
)
def test_mode_is_chosen_per_endpoint(base_url: str | None, mode: Mode) -> None:
    assert LLMSettings(api_key="k", base_url=base_url).resolved_mode() is mode
    assert LLMSettings(api_key="k", base_url=base_url, mode="md-json").resolved_mode() is Mode.MD_JSON  # type: ignore[arg-type]


def test_bad_settings_say_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(E.ConfigurationError, match="use one of tools, json_schema"):
        LLMSettings.from_env(mode="xml")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://localhost:8000/v1")
    with pytest.raises(E.NoLLMConfiguredError, match="SUMMARIZER_MODEL"):
        summarize(isil_text(), engine="llm")
    assert LLMSettings(api_key="k").resolved_model() == "gpt-4o-mini"


def test_llm_engine_without_configuration_says_how_to_configure() -> None:
    with pytest.raises(E.NoLLMConfiguredError) as info:
        summarize(isil_text(), engine="llm")
    message = str(info.value)
    for needle in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SUMMARIZER_MODEL", 'engine="rules"', "--engine rules"):
        assert needle in message


def test_auto_without_configuration_uses_the_rules_engine_with_a_notice(caplog: pytest.LogCaptureFixture) -> None:
    b = summarize(isil_text(), date=ISIL_DATE)
    notices = [r for r in caplog.records if r.name == "summarizer"]
    assert len(notices) == 1 and "no LLM configured" in notices[0].getMessage() and "rules" in notices[0].getMessage()
    assert notices[0].levelno == logging.WARNING  # on stderr where the application set up no logging
    assert b.provenance is not None and b.provenance.engine == "rules"
    assert b.validation is not None  # the same validator checked it


def test_scripted_a_configured_llm_that_fails_raises_instead_of_falling_back(monkeypatch: pytest.MonkeyPatch) -> None:
    with ScriptedServer([error(401, "bad key")]) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("SUMMARIZER_MODEL", "scripted-model")
        with pytest.raises(E.AuthenticationError):
            summarize(isil_text())  # engine="auto"
    assert len(server.requests) == 1


def test_scripted_model_argument_and_callers_client() -> None:
    with ScriptedServer([completion(gold_answer())]) as server:
        client = openai.OpenAI(api_key="sk-caller", base_url=server.base_url)
        b = summarize(isil_text(), client=client, model="caller-model", date="2016-10-26")
        client.close()
    req = server.requests[0]
    assert req.body["model"] == "caller-model" and req.headers["authorization"] == "Bearer sk-caller"
    assert b.provenance is not None and b.provenance.model == "caller-model" and b.validation is not None


def test_bad_input_is_rejected_before_any_request() -> None:
    with pytest.raises(E.EmptyTextError):
        summarize("   \n", engine="llm")
    with pytest.raises(E.InputError, match="ISO date"):
        summarize("text", engine="rules", date="26/10/2016")
    with pytest.raises(E.InputError, match="engine must be"):
        summarize("text", engine="gpt")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- async and batches


def test_scripted_asummarize_with_an_async_client() -> None:
    async def main(url: str) -> object:
        async with openai.AsyncOpenAI(api_key="k", base_url=url) as client:
            return await asummarize(isil_text(), client=client, model="m", date=ISIL_DATE)

    with ScriptedServer([completion(gold_answer())]) as server:
        b = asyncio.run(main(server.base_url))
    assert b.validation.ok and len(server.requests) == 1


def _by_article(req: Request) -> object:
    article = request_article(req)
    if "FAIL-400" in article:
        return error(400, "scripted refusal")
    if "FAIL-500" in article:
        return error(500)
    return completion(gold_answer() if "Mosul" in article else "{}")


def test_scripted_summarize_many_keeps_input_order_and_per_article_errors() -> None:
    texts = [isil_text(), "FAIL-400 A short dispatch.", "", "A quiet day in Lenz.", "FAIL-500 Another one."]
    with ScriptedServer(responder=_by_article) as server:
        settings = settings_for(server, retry=RetryPolicy(attempts=2, wait_scale=0.0))
        results = summarize_many(texts, settings=settings, dates=[ISIL_DATE, None, None, "2023-03-07", None])
    assert [type(r).__name__ for r in results] == [
        "Briefing",
        "BadRequestError",
        "EmptyTextError",
        "Briefing",
        "TransportError",
    ]
    assert results[0].validation.ok and results[3].quotes == []
    assert results[1].article_id == "1" and results[4].article_id == "4"
    assert len(server.requests) == 1 + 1 + 1 + 2  # the 400 once, the 500 twice, nothing for the empty text


def test_scripted_summarize_many_with_a_sync_client_uses_threads() -> None:
    with ScriptedServer(responder=_by_article) as server:
        client = openai.OpenAI(api_key="k", base_url=server.base_url)
        results = summarize_many([isil_text(), "Nothing here."], client=client, model="m", concurrency=2)
        client.close()
    assert [type(r).__name__ for r in results] == ["Briefing", "Briefing"]


def test_summarize_many_inside_a_running_loop() -> None:
    async def main() -> list[object]:
        return list(summarize_many(["A quiet day."], engine="rules"))

    (b,) = asyncio.run(main())
    assert b.provenance.engine == "rules"


def test_summarize_many_rejects_a_single_string_and_mismatched_dates() -> None:
    with pytest.raises(E.InputError, match="sequence"):
        summarize_many("one article", engine="rules")
    with pytest.raises(E.InputError, match="one per text"):
        summarize_many(["a", "b"], engine="rules", dates=[dt.date(2020, 1, 1)])


# --------------------------------------------------------------------------- prompts


def test_prompt_identity_changes_with_templates_examples_schema_and_params(tmp_path: Path) -> None:
    shipped = load_prompts()
    ident = shipped.identity(schema_json="{}", params={"temperature": 0.0})
    assert ident == shipped.identity(schema_json="{}", params={"temperature": 0.0})
    assert ident != shipped.identity(schema_json='{"a":1}', params={"temperature": 0.0})
    assert ident != shipped.identity(schema_json="{}", params={"temperature": 0.2})
    copy = tmp_path / "v1"
    copy.mkdir()
    for name in ("system", "user", "repair", "repair_user", "reask", "reparse"):
        (copy / f"{name}.md").write_text(shipped.templates[name], encoding="utf-8")
    (copy / "examples.json").write_text("[]", encoding="utf-8")
    edited = load_prompts(copy)
    assert edited.identity(schema_json="{}", params={"temperature": 0.0}) != ident  # no examples now
    with pytest.raises(E.ConfigurationError, match="missing"):
        load_prompts(tmp_path)


def test_few_shot_examples_are_grounded_in_their_own_articles() -> None:
    for ex in load_prompts().examples:
        date = dt.date.fromisoformat(ex.article_date) if ex.article_date else None
        draft = Draft.model_validate(ex.answer)
        report = validate(ground(to_briefing(draft, ex.article, article_date=date), ex.article), ex.article)
        assert report.ok, [i.message for i in report.errors]


def test_scripted_prompts_directory_is_configurable(tmp_path: Path) -> None:
    shipped = load_prompts()
    custom = tmp_path / "house-style"
    custom.mkdir()
    for name, text in shipped.templates.items():
        (custom / f"{name}.md").write_text(text.replace("You brief news articles", "HOUSE STYLE"), encoding="utf-8")
    with ScriptedServer([completion(json.dumps({}))]) as server:
        b = summarize("A quiet day in Lenz.", engine="llm", settings=settings_for(server, prompts_dir=custom))
    assert "HOUSE STYLE" in server.requests[0].text
    assert b.provenance is not None and b.provenance.prompt_id is not None
    assert b.provenance.prompt_id.startswith("house-style-")


@pytest.mark.parametrize("mode", ["tools", "json_schema", "json", "md_json"])
def test_scripted_own_and_callers_clients_send_the_same_request(mode: str) -> None:
    """The library's own clients POST the shaped request as it is; a caller's client goes through create()."""
    reply = tool_completion(gold_answer()) if mode == "tools" else completion(gold_answer())
    with ScriptedServer([reply, reply]) as server:
        settings = settings_for(server, mode=mode, cache=False)
        own = summarize(isil_text(), engine="llm", date=ISIL_DATE, settings=settings)
        client = openai.OpenAI(api_key="unused", base_url=server.base_url)
        theirs = summarize(isil_text(), engine="llm", date=ISIL_DATE, settings=settings, client=client)
        client.close()
    first, second = server.requests
    assert first.body == second.body and first.headers["authorization"] == second.headers["authorization"]
    assert own.validation.ok and theirs.validation.ok


@pytest.mark.parametrize("engine", ["rules", "llm"])
def test_a_lone_surrogate_is_a_clear_input_error(engine: str) -> None:
    # Issue 7: summarize('a \ud800 said “x”', engine='rules') crashed with UnicodeEncodeError.
    settings = LLMSettings(base_url="http://127.0.0.1:9/v1", model="m")
    with pytest.raises(E.InputError, match=r"lone surrogate \(U\+D800\) at offset 2.*errors='replace'"):
        summarize("a \ud800 said “x”", engine=engine, settings=settings)  # type: ignore[arg-type]
    (result,) = summarize_many(["a \udfff said “x”"], engine="rules")
    assert isinstance(result, E.InputError) and "U+DFFF" in str(result)


def test_pickled_settings_never_hold_the_api_key() -> None:
    # Issue 7: pickle.dumps(LLMSettings) contained the key.
    import copy
    import pickle

    key = "sk-scripted-secret-0123456789"
    settings = LLMSettings(api_key=key, base_url="http://127.0.0.1:9/v1", model="m", max_tokens=777)
    blob = pickle.dumps(settings)
    assert key.encode() not in blob and b"0123456789" not in blob
    back = pickle.loads(blob)
    assert back.api_key is None and back.replace(api_key=key) == settings and back.max_tokens == 777
    assert copy.deepcopy(settings).api_key == key and copy.copy(settings).api_key == key
