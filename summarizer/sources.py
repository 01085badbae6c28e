"""The CLI's PATH arguments as articles: files, directories, globs and stdin, in four formats.

:func:`read_articles` turns what the user typed into a stream of :class:`Article` (the
text to brief, with what metadata the source had) and :class:`ArticleError` (a path that
cannot be read, a broken JSONL line), in the order given, so that one bad input does not
stop the others. Nothing is raised for a bad input; each error's message names the input
and says what to do.

Formats, by suffix (unknown suffixes of files named explicitly are read as text):

- ``.txt``: :func:`summarizer.text.read_article`; a fixture directory (one holding
  ``article.txt``) is that article, dated by its ``meta.json``.
- ``.md`` / ``.markdown``: CommonMark parsed with markdown-it-py to plain text
  (:func:`markdown_to_text`); the first level-1 heading is the title.
- ``.html`` / ``.htm``: the main text and metadata as trafilatura extracts them
  (:func:`html_to_article`), boilerplate and scripts left out.
- ``.jsonl``: one JSON object a line, ``{"text": ..., "id", "title", "date", "url", "source"}``.

Briefing spans index into :attr:`Article.text`, the string delivered here, not the file's
bytes: for Markdown and HTML that is the extracted plain text.
"""

from __future__ import annotations

import datetime as dt
import functools
import glob
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

from .errors import EmptyTextError, FixtureError, InputError
from .text import read_article

if TYPE_CHECKING:  # imported where used: a folder of .txt files never pays for the HTML and Markdown parsers
    from markdown_it import MarkdownIt
    from markdown_it.token import Token
    from trafilatura.settings import Document

__all__ = [
    "Article",
    "ArticleError",
    "article_path",
    "expand_paths",
    "guess_format",
    "html_to_article",
    "markdown_to_text",
    "meta_date",
    "read_articles",
]

Format = Literal["txt", "md", "html", "jsonl"]

SUFFIXES: dict[str, Format] = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
}
STDIN = "-"


@dataclass(frozen=True)
class Article:
    """One article to brief. Briefing spans index into exactly :attr:`text`."""

    id: str  # what the user sees: the path as given, "<path>:<line>" or the record's id for JSONL, "-" for stdin
    text: str
    format: Format
    path: str | None = None  # the file it came from (None for stdin)
    line: int | None = None  # 1-based line number, for JSONL
    title: str | None = None
    date: dt.date | None = None  # publication date from metadata (meta.json, JSONL "date", HTML metadata)
    url: str | None = None
    source: str | None = None  # outlet / site name


@dataclass(frozen=True)
class ArticleError:
    """An input that yields no article. ``message`` names it, says what is wrong and what to do."""

    id: str
    path: str | None
    line: int | None
    message: str


# --------------------------------------------------------------------------- paths


def expand_paths(paths: Sequence[str]) -> list[str | ArticleError]:
    """The inputs ``paths`` stand for, in order: files, fixture directories and ``"-"`` (stdin).

    A directory is walked recursively (sorted; hidden entries skipped) for files with a
    known suffix; a directory holding ``article.txt`` is one fixture and is returned
    itself. A path that does not exist but has glob characters is expanded as a pattern
    (``**`` recursive) when the shell did not. A file listed twice is returned once.
    A missing path, or a pattern that matches no article, is an :class:`ArticleError`.
    """
    out: list[str | ArticleError] = []
    seen: set[str] = set()
    for given in paths:
        for item in _expand_one(given):
            if isinstance(item, ArticleError):
                out.append(item)
                continue
            key = item if item == STDIN else str(article_path(Path(item)).resolve())
            if key not in seen:
                seen.add(key)
                out.append(item)
    return out


def _expand_one(given: str) -> list[str | ArticleError]:
    if given == STDIN:
        return [STDIN]
    path = Path(given)
    if path.is_dir():
        return [given] if _is_fixture(path) else list(_walk(path, set()))
    if path.exists():
        return [given]
    if any(c in given for c in "*?["):
        return _expand_glob(given)
    return [ArticleError(given, given, None, f"{given}: no such file or directory; check the path")]


def _expand_glob(pattern: str) -> list[str | ArticleError]:
    found: list[str | ArticleError] = []
    for match in sorted(glob.glob(pattern, recursive=True)):
        path = Path(match)
        if path.is_dir():
            found.extend([match] if _is_fixture(path) else _walk(path, set()))
        elif path.suffix.lower() in SUFFIXES:
            found.append(match)
    if found:
        return found
    kinds = ", ".join(SUFFIXES)
    msg = f"{pattern}: the pattern matches no article file ({kinds} or fixture directory); check the pattern"
    return [ArticleError(pattern, None, None, msg)]


def _walk(directory: Path, seen: set[Path]) -> Iterator[str]:
    """Article files under ``directory``, sorted by name at each level; fixtures as one entry."""
    real = directory.resolve()
    if real in seen:  # a symbolic link back up the tree
        return
    seen.add(real)
    for entry in sorted(directory.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if _is_fixture(entry):
                yield str(entry)
            else:
                yield from _walk(entry, seen)
        elif entry.suffix.lower() in SUFFIXES:
            yield str(entry)


def _is_fixture(path: Path) -> bool:
    return (path / "article.txt").is_file()


# --------------------------------------------------------------------------- reading


def article_path(path: Path) -> Path:
    """A fixture directory stands for its ``article.txt``."""
    return path / "article.txt" if path.is_dir() else path


def meta_date(article: Path) -> dt.date | None:
    """The ``date`` of a ``meta.json`` beside the article (the fixture layout), if there is one."""
    meta = article.parent / "meta.json"
    if not meta.is_file():
        return None
    try:
        value = json.loads(meta.read_text(encoding="utf-8")).get("date")
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except (ValueError, AttributeError, OSError, UnicodeDecodeError) as exc:
        raise FixtureError(f"{meta}: cannot read its date ({exc}); fix the file or pass --date") from exc


def read_articles(paths: Sequence[str], *, stdin: TextIO | None = None) -> Iterator[Article | ArticleError]:
    """The articles of ``paths`` (see :func:`expand_paths`), read one at a time, in order.

    ``"-"`` reads ``stdin`` (``sys.stdin`` when not given), its format guessed from the text.
    """
    for item in expand_paths(paths):
        if isinstance(item, ArticleError):
            yield item
        elif item == STDIN:
            yield from _read_stdin(stdin if stdin is not None else sys.stdin)
        else:
            yield from _read_path(item)


def _read_path(given: str) -> Iterator[Article | ArticleError]:
    path = Path(given)
    try:
        if path.is_dir():
            yield _read_fixture(given)
            return
        fmt = SUFFIXES.get(path.suffix.lower(), "txt")
        text = read_article(path)
    except (InputError, FixtureError) as exc:
        yield ArticleError(given, given, None, str(exc))
        return
    yield from _parse(text, fmt, name=given, path=given)


def _read_fixture(given: str) -> Article:
    article = article_path(Path(given))
    return Article(id=given, text=read_article(article), format="txt", path=str(article), date=meta_date(article))


def _read_stdin(stream: TextIO) -> Iterator[Article | ArticleError]:
    text = stream.read().removeprefix("\ufeff")
    problem = _surrogate_problem(text) or (None if text.strip() else "stdin is empty; pipe an article in")
    if problem:
        yield ArticleError(STDIN, None, None, f"{STDIN}: {problem}")
        return
    yield from _parse(text, guess_format(text), name=STDIN, path=None)


def guess_format(text: str) -> Format:
    """The format of text read from stdin: JSONL, HTML, Markdown (a leading ``# `` heading) or plain text."""
    lines = [line for line in text.split("\n") if line.strip()]
    if lines and all(_is_json_object(line) for line in lines):
        return "jsonl"
    head = text.lstrip()
    if head.startswith("<") or "<html" in head[:4096].lower():
        return "html"
    return "md" if lines and lines[0].startswith("# ") else "txt"


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _parse(text: str, fmt: Format, *, name: str, path: str | None) -> Iterator[Article | ArticleError]:
    """The article(s) of one decoded input."""
    try:
        if fmt == "jsonl":
            yield from _jsonl_articles(text, name=name, path=path)
        elif fmt == "html":
            yield html_to_article(text, id=name, path=path)
        elif fmt == "md":
            yield _markdown_article(text, id=name, path=path)
        else:  # a text file dated by a meta.json beside it (the fixture layout), if there is one
            yield Article(id=name, text=text, format="txt", path=path, date=meta_date(Path(path)) if path else None)
    except (InputError, FixtureError) as exc:
        yield ArticleError(name, path, None, str(exc))


def _surrogate_problem(text: str) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"a lone surrogate (U+{ord(text[exc.start]):04X}) at character {exc.start} is not text; fix the encoding"
    return None


def _parse_date(value: str) -> dt.date:
    """An ISO date, or the date of an ISO datetime ("2024-03-14T08:30:00Z"). Raises ValueError."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return dt.datetime.fromisoformat(value).date()


# --------------------------------------------------------------------------- HTML


def html_to_article(html: str, *, id: str, path: str | None) -> Article:
    """The main text of an HTML page with its title, date, canonical URL and site name (trafilatura).

    Paragraphs (trafilatura's blocks) are separated by blank lines; the title is the first
    line, added when the extracted text does not begin with it. Raises
    :class:`~summarizer.errors.EmptyTextError` when no article text is found.
    """
    import trafilatura
    from trafilatura.settings import Document

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    text = _document_text(doc) if isinstance(doc, Document) else ""
    if not text.strip() or not isinstance(doc, Document):
        raise EmptyTextError(
            f"{id}: no article text found in the HTML page; pass the article's own page, or its text as .txt"
        )
    title = doc.title or None
    if title and " ".join(text.split("\n", 1)[0].split()) != " ".join(title.split()):
        text = f"{title}\n\n{text}"
    return Article(
        id=id,
        text=text,
        format="html",
        path=path,
        title=title,
        date=_html_date(doc.date),
        url=doc.url or None,
        source=doc.sitename or None,
    )


def _document_text(doc: Document) -> str:
    """The extracted text, one block (heading, paragraph, list, quote, table) per paragraph.

    trafilatura's own ``doc.text`` ends every block and every ``<br>`` with one newline, so
    paragraphs cannot be told from line breaks; each block is serialised on its own here.
    """
    if doc.body is None:
        return doc.text or ""
    from trafilatura.xml import xmltotxt

    blocks = (xmltotxt(child, False).strip() for child in doc.body)
    text = "\n\n".join(block for block in blocks if block)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _html_date(value: str | None) -> dt.date | None:
    try:
        return _parse_date(value) if value else None
    except ValueError:
        return None  # htmldate formats as YYYY-MM-DD; anything else is no date rather than a wrong one


# --------------------------------------------------------------------------- Markdown


@functools.cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def markdown_to_text(source: str) -> tuple[str, str | None]:
    """Markdown to plain text, and its title.

    Headings, paragraphs, block quotes and code blocks become paragraphs separated by
    blank lines; list items become lines (``- `` or ``1. ``); emphasis and link marks are
    dropped (a link is its text), images and raw HTML too. The title is the first level-1
    heading (else the first heading, else a front-matter ``title:``) and stays in the text
    as its first line, as a ``.txt`` article's headline does.
    """
    fields, body = _front_matter(source)
    text, title = _render_markdown(_markdown().parse(body))
    if title is None and fields.get("title"):
        title = fields["title"]
        text = f"{title}\n\n{text}" if text else title
    return text, title


def _markdown_article(source: str, *, id: str, path: str | None) -> Article:
    text, title = markdown_to_text(source)
    if not text.strip():
        raise EmptyTextError(f"{id}: the Markdown has no text once its markup is removed; nothing to brief")
    when = _front_matter(source)[0].get("date")
    return Article(id=id, text=text, format="md", path=path, title=title, date=_front_matter_date(when))


def _render_markdown(tokens: list[Token]) -> tuple[str, str | None]:
    blocks: list[str] = []
    lines: list[str] = []  # the lines of the list being read
    lists: list[str] = []  # bullet or ordered, outermost first
    marker = ""
    heading: str | None = None
    h1: str | None = None
    first: str | None = None
    for tok in tokens:
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            lists.append(tok.type)
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if not lists and lines:
                blocks.append("\n".join(lines))
                lines = []
        elif tok.type == "list_item_open":
            marker = f"{tok.info}{tok.markup} " if lists[-1] == "ordered_list_open" else "- "
        elif tok.type == "heading_open":
            heading = tok.tag
        elif tok.type in ("inline", "fence", "code_block"):
            text = _inline_text(tok.children or []) if tok.type == "inline" else tok.content.rstrip("\n")
            if not text.strip():
                continue
            if lists:
                lines.append("  " * (len(lists) - 1) + (marker or "  ") + text)
                marker = ""
            else:
                blocks.append(text)
            if heading is not None:
                first = first or text
                h1 = h1 or (text if heading == "h1" else None)
                heading = None
    return "\n\n".join(blocks), h1 or first


def _inline_text(children: list[Token]) -> str:
    """The text of an inline run: marks dropped, code kept, images and raw HTML left out."""
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
    return "".join(parts).strip()


def _front_matter(source: str) -> tuple[dict[str, str], str]:
    """Simple ``key: value`` lines of a front-matter block (``---`` ... ``---``) at the top, and the rest."""
    lines = source.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, source
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None or ":" not in lines[1]:
        return {}, source
    fields: dict[str, str] = {}
    for line in lines[1:end]:
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key[0].isspace():
            fields[key.strip().lower()] = value.strip().strip("\"'")
    return fields, "\n".join(lines[end + 1 :])


def _front_matter_date(value: str | None) -> dt.date | None:
    for candidate in (value, value[:10] if value else None):  # Jekyll writes "2024-03-14 10:00:00 +0100"
        try:
            return _parse_date(candidate) if candidate else None
        except ValueError:
            continue
    return None


# --------------------------------------------------------------------------- JSONL

_FIELDS = ("id", "text", "title", "date", "url", "source")


def _jsonl_articles(text: str, *, name: str, path: str | None) -> Iterator[Article | ArticleError]:
    """One article per non-blank line; a broken line is an error of its own, the others still delivered."""
    for number, line in enumerate(text.split("\n"), start=1):  # not splitlines: JSON strings may hold U+2028
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            yield _jsonl_record(line, where=where, path=path, number=number)
        except ValueError as exc:
            yield ArticleError(where, path, number, f"{where}: {exc}")


def _jsonl_record(line: str, *, where: str, path: str | None, number: int) -> Article:
    """The article of one JSONL line. Raises ValueError with the reason and what to do."""
    try:
        record: Any = json.loads(line)
    except ValueError as exc:
        raise ValueError(f"not valid JSON ({exc}); each line must be one JSON object") from None
    if not isinstance(record, dict):
        raise ValueError(f"a JSON {type(record).__name__}, not an object; each line must be a JSON object")
    fields: dict[str, Any] = {key: record.get(key) for key in _FIELDS}
    for key, value in fields.items():
        _check_field(key, value)
    when = fields["date"]
    try:
        date = _parse_date(when) if when else None
    except ValueError:
        raise ValueError(f'"date" {when!r} is not an ISO date; write it as "2024-03-14" or an ISO datetime') from None
    ident = fields["id"]
    return Article(
        id=where if ident is None else str(ident),
        text=fields["text"],
        format="jsonl",
        path=path,
        line=number,
        title=fields["title"] or None,
        date=date,
        url=fields["url"] or None,
        source=fields["source"] or None,
    )


def _check_field(key: str, value: object) -> None:
    if key == "text" and (not isinstance(value, str) or not value.strip()):
        got = "missing" if value is None else f"a {type(value).__name__}" if not isinstance(value, str) else "empty"
        raise ValueError(f'"text" is {got}; every line needs the article as a non-empty "text" string')
    if key == "id" and isinstance(value, int) and not isinstance(value, bool):
        return
    if value is not None and not isinstance(value, str):
        kinds = "a string or an integer" if key == "id" else "a string"
        raise ValueError(f'"{key}" is a {type(value).__name__}; it must be {kinds} or left out')
    problem = _surrogate_problem(value) if isinstance(value, str) else None
    if problem:
        raise ValueError(f'"{key}" has {problem}')
