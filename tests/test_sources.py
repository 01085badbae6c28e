"""The CLI's PATH arguments as articles: real files under tmp_path, no mocks."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from summarizer.sources import (
    Article,
    ArticleError,
    expand_paths,
    guess_format,
    html_to_article,
    markdown_to_text,
    read_articles,
)

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "articles" / "anti-isil-coalition"

WIRE = (
    "Dam repairs begin at Lake Orvin\n\n"
    "ORVIN, June 3 (Wire) - Engineers began repairing the cracked Orvin dam on Monday, "
    'the regional water board said. "The work will take six weeks," board chair Lena Voss told reporters.\n'
)

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<title>Flood waters cut off Marlow Valley towns | Northern Courier</title>
<meta property="article:published_time" content="2024-03-14T08:30:00Z">
<meta property="og:site_name" content="Northern Courier">
<link rel="canonical" href="https://courier.example/news/marlow-floods">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/sport">Sport pages</a></li>
<li><a href="/subscribe">Subscribe to the Courier today</a></li></ul></nav>
<article>
<h1>Flood waters cut off Marlow Valley towns</h1>
<p>MARLOW, March 14 (Courier) - Flood waters cut off three towns in the Marlow Valley on Thursday after the
river Esk burst its banks overnight, emergency services said.</p>
<p>"We have never seen the water rise this fast," said Anna <b>Kerr</b>, the mayor of Ferrydale, one of the
towns. About 1,200 residents were moved to a school on higher ground.</p>
<p>The regional weather office said more rain was expected on Friday and warned that the Esk could rise
another half metre by the weekend.</p>
</article>
<footer><p>Copyright 2024 Northern Courier. All rights reserved.</p><p>Privacy policy and cookie settings</p></footer>
</body></html>
"""

HOSTILE = """<html><head><title>Port strike ends in Kessa</title></head><body><article>
<h1>Port strike ends in Kessa</h1>
<p>KESSA, Oct 9 (Wire) - Dock workers in Kessa returned to work on Wednesday after a nine-day strike
ended with a pay deal, the port authority said.</p>
<script>alert(1); document.title = "pwned"</script>
<p onclick="alert(2)">The union said members had accepted a raise of 6 percent over two years and that
cranes would be running at full capacity by the weekend.</p>
<style>p { color: red }</style>
</article></body></html>
"""

MARKDOWN = """# Heading with *emphasis*

HALVEN, Feb 2 (Wire) - The city council of **Halven** voted on Tuesday to close the
[old tram depot](https://halven.example/depot), a spokesman said.

## What was decided

- the depot closes in `April`
- 40 staff move to the new *Northgate* yard

> "It is the end of an era," said councillor Piet Maas.

![The depot in 1960](depot.jpg)
"""


def _ok(items: list[Article | ArticleError]) -> list[Article]:
    assert all(isinstance(i, Article) for i in items), items
    return [i for i in items if isinstance(i, Article)]


def _write(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- paths


def test_a_directory_is_walked_recursively_sorted_and_hidden_entries_are_skipped(tmp_path: Path) -> None:
    _write(tmp_path / "b.txt", WIRE)
    _write(tmp_path / "a.md", MARKDOWN)
    _write(tmp_path / "sub" / "c.html", PAGE)
    _write(tmp_path / "sub" / "d.jsonl", json.dumps({"text": WIRE}) + "\n")
    _write(tmp_path / "notes.csv", "not,an,article\n")
    _write(tmp_path / ".hidden.txt", WIRE)
    _write(tmp_path / ".git" / "e.txt", WIRE)
    got = _ok(list(read_articles([str(tmp_path)])))
    assert [a.path for a in got] == [str(tmp_path / p) for p in ("a.md", "b.txt", "sub/c.html", "sub/d.jsonl")]
    assert [a.format for a in got] == ["md", "txt", "html", "jsonl"]
    assert got[1].id == str(tmp_path / "b.txt") and got[1].text == WIRE


def test_a_fixture_directory_is_its_article_dated_by_meta_json() -> None:
    (article,) = _ok(list(read_articles([str(FIXTURE)])))
    assert article.id == str(FIXTURE)
    assert article.path == str(FIXTURE / "article.txt")
    assert article.text == (FIXTURE / "article.txt").read_text(encoding="utf-8")
    assert article.date == dt.date(2016, 10, 26)
    assert article.format == "txt"


def test_a_fixture_directory_found_in_a_walk_is_one_article(tmp_path: Path) -> None:
    _write(tmp_path / "one" / "article.txt", WIRE)
    _write(tmp_path / "one" / "meta.json", json.dumps({"date": "2024-06-03"}))
    _write(tmp_path / "one" / "notes.md", MARKDOWN)  # inside the fixture: not an article of its own
    _write(tmp_path / "two.txt", WIRE)
    assert expand_paths([str(tmp_path)]) == [str(tmp_path / "one"), str(tmp_path / "two.txt")]
    first, _ = _ok(list(read_articles([str(tmp_path)])))
    assert first.date == dt.date(2024, 6, 3)


def test_a_glob_the_shell_did_not_expand_is_expanded_recursively(tmp_path: Path) -> None:
    _write(tmp_path / "news" / "b.html", PAGE)
    _write(tmp_path / "news" / "a.html", HOSTILE)
    _write(tmp_path / "news" / "deep" / "c.html", PAGE)
    _write(tmp_path / "news" / "x.txt", WIRE)
    flat = expand_paths([str(tmp_path / "news" / "*.html")])
    assert flat == [str(tmp_path / "news" / n) for n in ("a.html", "b.html")]
    deep = expand_paths([str(tmp_path / "news" / "**" / "*.html")])
    assert deep == [str(tmp_path / "news" / n) for n in ("a.html", "b.html", "deep/c.html")]


def test_a_missing_path_and_an_empty_glob_are_errors_and_the_rest_is_delivered(tmp_path: Path) -> None:
    good = _write(tmp_path / "good.txt", WIRE)
    missing = str(tmp_path / "nope.txt")
    pattern = str(tmp_path / "*.html")
    got = list(read_articles([missing, str(good), pattern]))
    assert isinstance(got[0], ArticleError) and got[0].id == missing
    assert "no such file or directory" in got[0].message and missing in got[0].message
    assert isinstance(got[1], Article) and got[1].text == WIRE
    assert isinstance(got[2], ArticleError) and "matches no article file" in got[2].message


def test_the_same_file_listed_twice_is_read_once(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.txt", WIRE)
    other = _write(tmp_path / "b.txt", WIRE)
    listed = [str(path), str(other), str(tmp_path / "." / "a.txt"), str(tmp_path)]
    assert expand_paths(listed) == [str(path), str(other)]


def test_a_file_named_explicitly_with_an_unknown_suffix_is_read_as_text(tmp_path: Path) -> None:
    path = _write(tmp_path / "story.wire", WIRE)
    (article,) = _ok(list(read_articles([str(path)])))
    assert (article.format, article.text) == ("txt", WIRE)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        pytest.param(b"\x00\x01\x02binary", "binary file", id="binary"),
        pytest.param(b"caf\xe9 Orvin\n", "not valid UTF-8", id="latin-1"),
        pytest.param(b"  \n\n", "empty", id="empty"),
    ],
)
def test_an_unreadable_text_file_is_an_error_with_the_readers_message(tmp_path: Path, body: bytes, needle: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(body)
    (error,) = list(read_articles([str(path)]))
    assert isinstance(error, ArticleError)
    assert error.path == str(path) and needle in error.message and str(path) in error.message


# --------------------------------------------------------------------------- stdin


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        pytest.param(WIRE, "txt", id="txt"),
        pytest.param(MARKDOWN, "md", id="md"),
        pytest.param(PAGE, "html", id="html"),
        pytest.param('{"text": "a"}\n\n{"text": "b"}\n', "jsonl", id="jsonl"),
        pytest.param('{"text": "a"}\nnot json\n', "txt", id="jsonl-with-a-broken-line-is-text"),
    ],
)
def test_the_format_of_stdin_is_guessed(text: str, fmt: str) -> None:
    assert guess_format(text) == fmt


def test_dash_reads_stdin() -> None:
    (article,) = _ok(list(read_articles(["-"], stdin=io.StringIO(WIRE))))
    assert (article.id, article.path, article.format, article.text) == ("-", None, "txt", WIRE)


def test_jsonl_on_stdin_names_its_lines_after_the_dash() -> None:
    stdin = io.StringIO(json.dumps({"text": WIRE}) + "\n" + json.dumps({"text": "", "id": 7}) + "\n")
    article, error = list(read_articles(["-"], stdin=stdin))
    assert isinstance(article, Article) and article.id == "-:1" and article.line == 1
    assert isinstance(error, ArticleError) and error.id == "-:2" and error.line == 2


def test_empty_stdin_is_an_error() -> None:
    (error,) = list(read_articles(["-"], stdin=io.StringIO("\n  \n")))
    assert isinstance(error, ArticleError) and error.id == "-" and "empty" in error.message


# --------------------------------------------------------------------------- HTML


def test_html_main_text_title_date_url_and_site_without_boilerplate(tmp_path: Path) -> None:
    path = _write(tmp_path / "floods.html", PAGE)
    (article,) = _ok(list(read_articles([str(path)])))
    assert article.format == "html" and article.path == str(path)
    assert article.title == "Flood waters cut off Marlow Valley towns"
    assert article.date == dt.date(2024, 3, 14)
    assert article.url == "https://courier.example/news/marlow-floods"
    assert article.source == "Northern Courier"
    assert article.text.startswith("Flood waters cut off Marlow Valley towns\n\nMARLOW, March 14 (Courier)")
    assert "said Anna Kerr, the mayor of Ferrydale" in article.text  # inline markup gone, words kept
    for boilerplate in ("Subscribe", "Sport pages", "Copyright", "Privacy policy"):
        assert boilerplate not in article.text
    assert "<" not in article.text and ">" not in article.text
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 4 and paragraphs[-1].endswith("by the weekend.")


def test_html_script_and_style_content_is_not_text() -> None:
    article = html_to_article(HOSTILE, id="kessa.html", path=None)
    assert "Dock workers in Kessa returned to work" in article.text
    assert "full capacity by the weekend." in article.text
    for hostile in ("alert", "pwned", "color: red", "onclick", "<"):
        assert hostile not in article.text


def test_html_title_is_added_as_the_first_line_when_the_page_body_lacks_it() -> None:
    page = PAGE.replace("<h1>Flood waters cut off Marlow Valley towns</h1>", "")
    article = html_to_article(page, id="p", path=None)
    assert article.text.split("\n\n")[0] == "Flood waters cut off Marlow Valley towns"
    assert article.text.count("Flood waters cut off Marlow Valley towns") == 1


def test_an_html_page_with_no_article_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "menu.html", "<html><body><nav><a href='/'>Home</a></nav></body></html>")
    (error,) = list(read_articles([str(path)]))
    assert isinstance(error, ArticleError) and error.path == str(path)
    assert "no article text found in the HTML page" in error.message


# --------------------------------------------------------------------------- Markdown


def test_markdown_to_plain_text_with_the_heading_as_title() -> None:
    text, title = markdown_to_text(MARKDOWN)
    assert title == "Heading with emphasis"
    assert text.split("\n\n") == [
        "Heading with emphasis",
        "HALVEN, Feb 2 (Wire) - The city council of Halven voted on Tuesday to close the old tram depot, "
        "a spokesman said.",
        "What was decided",
        "- the depot closes in April\n- 40 staff move to the new Northgate yard",
        '"It is the end of an era," said councillor Piet Maas.',
    ]
    for mark in ("#", "*", "[", "](", ">", "`", "depot.jpg"):
        assert mark not in text


def test_markdown_title_prefers_the_first_level_one_heading() -> None:
    assert markdown_to_text("## Kicker\n\n# Main headline\n\nBody text.\n")[1] == "Main headline"
    assert markdown_to_text("## Only a subhead\n\nBody text.\n")[1] == "Only a subhead"
    assert markdown_to_text("Just a paragraph.\n")[1] is None


def test_markdown_file_with_front_matter(tmp_path: Path) -> None:
    body = (
        '---\ntitle: "Ferry service resumes"\ndate: 2024-05-01 09:00:00 +0100\n---\nTOLLA, May 1 - Ferries ran again.\n'
    )
    path = _write(tmp_path / "ferry.markdown", body)
    (article,) = _ok(list(read_articles([str(path)])))
    assert (article.format, article.title, article.date) == ("md", "Ferry service resumes", dt.date(2024, 5, 1))
    assert article.text == "Ferry service resumes\n\nTOLLA, May 1 - Ferries ran again."


# --------------------------------------------------------------------------- JSONL


def test_jsonl_a_broken_line_is_an_error_and_the_others_are_delivered_in_order(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "orvin-1", "text": WIRE, "date": "2024-06-03", "title": "Dam repairs", "source": "Wire"}),
        "",
        '{"text": "MARLOW, March 14 - Flood waters rose", ',
        json.dumps({"id": 42, "text": "KESSA, Oct 9 - Dock workers returned.", "date": "2024-10-09T07:15:00+02:00"}),
        json.dumps({"text": "TOLLA, May 1 - Ferries ran again.", "url": "https://wire.example/tolla"}),
    ]
    path = _write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    got = list(read_articles([str(path)]))
    assert [type(g).__name__ for g in got] == ["Article", "ArticleError", "Article", "Article"]
    first, error, second, third = got
    assert isinstance(error, ArticleError)
    assert (error.id, error.path, error.line) == (f"{path}:3", str(path), 3)
    assert "not valid JSON" in error.message and error.message.startswith(f"{path}:3: ")
    assert isinstance(first, Article) and isinstance(second, Article) and isinstance(third, Article)
    assert (first.id, first.line, first.text, first.title, first.source) == ("orvin-1", 1, WIRE, "Dam repairs", "Wire")
    assert first.date == dt.date(2024, 6, 3)
    assert (second.id, second.line, second.date) == ("42", 4, dt.date(2024, 10, 9))
    assert (third.id, third.url, third.date) == (f"{path}:5", "https://wire.example/tolla", None)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        pytest.param("[1, 2]", "not an object", id="not-an-object"),
        pytest.param('{"id": "x"}', '"text" is missing', id="missing-text"),
        pytest.param('{"text": "   "}', '"text" is empty', id="empty-text"),
        pytest.param('{"text": 5}', '"text" is a int', id="text-not-a-string"),
        pytest.param('{"text": "a", "date": "14 March"}', "not an ISO date", id="bad-date"),
        pytest.param('{"text": "a", "title": ["x"]}', '"title" is a list', id="title-not-a-string"),
        pytest.param('{"text": "a", "id": true}', '"id" is a bool', id="id-a-bool"),
        pytest.param('{"text": "ab\\ud800c"}', "lone surrogate (U+D800) at character 2", id="lone-surrogate"),
    ],
)
def test_jsonl_line_errors_say_why(tmp_path: Path, line: str, reason: str) -> None:
    path = _write(tmp_path / "one.jsonl", line + "\n")
    (error,) = list(read_articles([str(path)]))
    assert isinstance(error, ArticleError) and error.line == 1
    assert reason in error.message


def test_jsonl_text_may_hold_a_line_separator(tmp_path: Path) -> None:
    text = "TOLLA, May 1 - Ferries ran again.\u2028The harbour reopened."
    path = _write(tmp_path / "sep.jsonl", json.dumps({"text": text}, ensure_ascii=False) + "\n")
    (article,) = _ok(list(read_articles([str(path)])))
    assert article.text == text
