"""Long articles: chunk plans, offsets mapped back, overlapping copies merged. Answers are SCRIPTED."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from loopback import Request, ScriptedServer, completion, isil_text, request_article
from loopback import settings_for as loopback_settings

from summarizer import summarize
from summarizer.engines.llm.chunking import plan_chunks, split_in_two

_WORDS = st.text(alphabet="abcdefghij ", min_size=1, max_size=60).map(lambda s: s.strip() or "x")


@given(
    paragraphs=st.lists(st.lists(_WORDS, min_size=1, max_size=6), min_size=1, max_size=60),
    size=st.integers(min_value=80, max_value=600),
    overlap=st.integers(min_value=0, max_value=39),
)
@settings(max_examples=150, deadline=None)
def test_chunk_plans_cover_the_text_within_the_size_and_overlap(
    paragraphs: list[list[str]], size: int, overlap: int
) -> None:
    text = "\n\n".join(". ".join(p) + "." for p in paragraphs)
    chunks = plan_chunks(text, size=size, overlap=overlap)
    assert chunks[0][0] <= len(text) - len(text.lstrip())
    assert text[chunks[-1][1] :].strip() == ""
    for a, b in chunks:
        assert 0 <= a < b <= len(text) and (b - a <= size or len(chunks) == 1)
    for (a1, b1), (a2, b2) in itertools.pairwise(chunks):
        assert a1 < a2 and b1 < b2  # progress
        assert a2 <= b1 or text[b1:a2].strip() == ""  # no gap holding text
        assert b1 - a2 <= max(overlap, 0) or a2 >= b1


def test_chunks_start_and_end_on_paragraph_boundaries() -> None:
    text = "\n\n".join(f"Paragraph {i} says something about town {i}." for i in range(200))
    chunks = plan_chunks(text, size=2_000, overlap=200)
    assert len(chunks) > 3
    for a, b in chunks:
        assert a == 0 or text[a - 2 : a] == "\n\n"
        assert b == len(text) or text[b : b + 2] == "\n\n"
    assert all(b2 > a2 for (_, b2), (a2, _) in itertools.pairwise(chunks))  # they overlap


def test_split_in_two_halves_a_chunk_and_refuses_a_single_character() -> None:
    text = isil_text()
    halves = split_in_two(text, 0, len(text), overlap=400)
    assert halves is not None and len(halves) == 2
    (a1, b1), (a2, b2) = halves
    assert a1 == 0 and b2 == len(text) and a2 < b1
    assert split_in_two("w", 0, 1, overlap=10) is None


# --------------------------------------------------------------------------- 50,000 words end to end

_STATEMENT = re.compile(r"“(Convoy (\d+) reached the bridge at dawn,)” Col\. John Dorrian said")


def _long_article(words: int) -> tuple[str, int]:
    filler = [p for p in isil_text().split("\n\n") if "“" not in p and len(p) > 120]
    paragraphs: list[str] = []
    n = total = 0
    while total < words:
        if len(paragraphs) % 6 == 0:
            n += 1
            p = f"“Convoy {n} reached the bridge at dawn,” Col. John Dorrian said in briefing number {n}."
        else:
            p = filler[len(paragraphs) % len(filler)]
        paragraphs.append(p)
        total += len(p.split())
    return "\n\n".join(paragraphs), n


def _statements(req: Request) -> object:
    """SCRIPTED: every convoy statement in the chunk the request carries, as quotes."""
    quotes = [
        {"text": m.group(1), "speaker": {"value": "John Dorrian"}, "cue": "said"}
        for m in _STATEMENT.finditer(request_article(req))
    ]
    return completion(json.dumps({"quotes": quotes}))


@pytest.mark.slow
def test_scripted_article_of_50000_words_is_chunked_and_merged() -> None:
    text, statements = _long_article(50_000)
    with ScriptedServer(responder=_statements) as server:
        b = summarize(text, engine="llm", settings=loopback_settings(server, chunk_chars=16_000, chunk_overlap=1_200))
    articles = [request_article(r) for r in server.requests]
    assert len(articles) > 15 and all(len(a) <= 16_000 for a in articles)
    assert all(a in text for a in articles)  # each chunk is a verbatim slice of the article
    assert b.validation is not None and b.validation.ok
    # Every statement exactly once (copies from overlapping chunks merged), at its offsets in the whole text.
    assert len(b.quotes) == statements
    for q in b.quotes:
        s = q.text.spans[0]
        assert s.start is not None and text[s.start : s.end] == q.text.value
        n = int(q.text.value.split()[1])
        assert text.index(f"“Convoy {n} reached") + 1 == s.start
    assert b.provenance is not None and b.provenance.attempts == len(server.requests)
    assert b.provenance.notes[0].startswith(f"long article: {len(server.requests)} chunks")
