"""The HTML report: real briefings of the fixture articles and a hostile one, checked as text and in Chromium.

The browser part drives Debian's chromium through chromium-driver (selenium): it clicks
items and reads back which pieces of the article text got the highlight, so the
code-point offsets of the spans are checked against what the browser shows (emoji
before the quotes make UTF-16 offsets wrong by two each).
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import summarizer
from summarizer.daily import DailyArticle, DailyBriefing, merge
from summarizer.html_report import briefing_to_daily, to_html
from summarizer.schema import MatchStatus, Mention, Quote, Span, SummaryPoint

ARTICLES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
HOSTILE = f"""Security adviser warns of booby-trapped web forms 🚨

BRUSSELS, March 4 (Test Wire) — A senior security adviser warned ministers on Tuesday that hostile \
text hidden in news feeds could hijack the tools analysts use 🛰️ every day.

“Anyone can paste {SCRIPT} into a comment box,” Maria Lenz, the chief security adviser at the \
interior ministry, said.

“A picture tag such as {IMG} runs the moment it loads,” Lenz said.

“Even a link that reads javascript:alert(1) can do damage when it is clicked,” she told reporters.

Lenz said the ministry would publish guidance next week.
"""


def _span(text: str, words: str) -> Span:
    start = text.index(words)
    return Span(start=start, end=start + len(words), text=words, status=MatchStatus.EXACT)


def _mention(text: str, words: str) -> Mention:
    return Mention(value=words, spans=[_span(text, words)])


def _hostile_article() -> DailyArticle:
    """The rules engine leaves out quotes that contain markup; the two an LLM could return are added by hand."""
    text = HOSTILE
    b = summarizer.summarize(text, engine="rules", date="2025-03-04")
    by_hand = [
        Quote(
            text=_mention(text, f"Anyone can paste {SCRIPT} into a comment box,"), speaker=_mention(text, "Maria Lenz")
        ),
        Quote(
            text=_mention(text, f"A picture tag such as {IMG} runs the moment it loads,"),
            speaker=_mention(text, "Lenz"),
        ),
    ]
    # a summary point whose span overlaps the first quote's and its speaker's
    overlap = "into a comment box,” Maria Lenz"
    point = SummaryPoint(text=f"Lenz: {SCRIPT} is a risk", spans=[_span(text, overlap)])
    b = b.model_copy(update={"quotes": [*b.quotes, *by_hand], "summary": [*b.summary, point]})
    return DailyArticle(
        id="hostile",
        ok=True,
        title=f"Hostile {SCRIPT}",
        outlet=f"Wire {IMG}",
        url="javascript:alert(1)",
        date=b.source.article_date,
        text=text,
        briefing=b,
    )


def _fixture_articles() -> Iterator[DailyArticle]:
    for d in sorted(ARTICLES.iterdir()):
        meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
        text = (d / "article.txt").read_text(encoding="utf-8")
        b = summarizer.summarize(text, engine="rules", date=meta.get("date"))
        yield DailyArticle(
            id=d.name,
            ok=True,
            path=str(d / "article.txt"),
            title=meta.get("title"),
            outlet="Fixture Wire",
            url=f"https://example.org/{d.name}",
            date=meta.get("date"),
            text=text,
            briefing=b,
        )


@pytest.fixture(scope="module")
def daily() -> DailyBriefing:
    failed = DailyArticle(id="broken.html", ok=False, error="no text could be read <b>", error_type="DecodeError")
    return merge([*_fixture_articles(), _hostile_article(), failed])


@pytest.fixture(scope="module")
def page(daily: DailyBriefing) -> str:
    return to_html(daily)


def _quote_at(daily: DailyBriefing, words: str) -> int:
    return next(n for n, q in enumerate(daily.quotes) if words in q.item.text.value)


# --------------------------------------------------------------------------- as text


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


def test_no_external_resource(page: str) -> None:
    tags = _tags(page)
    assert not [t for t, a in tags if "src" in a or t in ("img", "iframe", "link", "object", "embed", "form")]
    assert not [(t, a) for t, a in tags for name in a if name.startswith("on")]
    hrefs = [a["href"] for _, a in tags if "href" in a]
    assert hrefs and all(h and h.startswith("https://example.org/") for h in hrefs)
    assert "@import" not in page and "url(" not in page
    csp = next(a["content"] or "" for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and re.search(r"script-src 'sha256-[^']+';", csp)
    scripts = [a for t, a in tags if t == "script"]
    assert scripts == [{"type": "application/json", "id": "span-data"}, {}]


def test_hostile_text_is_escaped(page: str) -> None:
    for raw in (SCRIPT, IMG, 'onerror="', "<img", 'href="javascript:'):
        assert raw not in page
    assert html_escaped(SCRIPT) in page and html_escaped(IMG) in page
    assert page.count("<script") == 2  # the JSON data and the one script
    assert "javascript:alert(1)" in page  # shown as text: in the quote and as the article's URL


def html_escaped(s: str) -> str:
    return html.escape(s, quote=True)


def test_counts_flags_dropped_and_failures_are_shown(daily: DailyBriefing, page: str) -> None:
    c = daily.counts
    assert f"{c.fields_matched:,} of {c.fields_checked:,} checked fields matched their source spans" in page
    header = page.split("<section", 1)[0]
    assert "%" not in header.split("<style>")[0] + header.split("</style>")[-1]
    assert c.dropped and page.count('id="dropped"') == 1 and "Dropped by verification" in page
    assert all(html_escaped(d.reason) in page for d in daily.dropped)
    assert c.flagged and page.count("Warning — not fully verified") >= c.flagged
    assert "DecodeError: no text could be read &lt;b&gt;" in page
    for heading in ("Highlights", "Meetings", "Front lines", "Incidents", "Quotes"):
        assert f"<h2>{heading} " in page


def test_span_data_is_json_that_cannot_close_its_block(page: str) -> None:
    block = re.search(r'<script type="application/json" id="span-data">(.*?)</script>', page, re.S)
    assert block and "<" not in block.group(1) and "&" not in block.group(1)
    data = json.loads(block.group(1))
    assert data["items"]


def test_one_article_is_a_daily_of_one() -> None:
    text = "“We will not leave,” said Omar Haddad, a farmer in Kel Amar. 😀 He spoke on Monday."
    b = summarizer.summarize(text, engine="rules", date="2025-01-06")
    page = to_html(briefing_to_daily(b, text, id="one", url="ftp://example.org/x"))
    assert "Daily briefing — 2025-01-06" in page and "ftp://example.org/x" in page and 'href="ftp' not in page


# --------------------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()) and not (
        shutil.which("chromium") and shutil.which("chromedriver")
    ):
        pytest.skip("Debian chromium and chromium-driver are needed: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900"):
        options.add_argument(arg)
    options.binary_location = str(CHROMIUM)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def loaded(browser: Any, page: str, tmp_path: Path) -> Any:
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    browser.get(path.as_uri())
    return browser


_HIGHLIGHTED = """
const pane = document.getElementById('pane'), p = pane.getBoundingClientRect();
const lit = Array.from(document.querySelectorAll('#text-' + arguments[0] + ' .hl'));
const r = lit.length ? lit[0].getBoundingClientRect() : null;
return {text: lit.map(e => e.textContent).join(''), n: document.querySelectorAll('.hl').length,
        visible: !!r && r.top >= p.top && r.bottom <= p.bottom && r.bottom <= window.innerHeight,
        pwned: typeof window.__pwned};
"""


def _click(driver: Any, item_id: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, f'button[data-item="{item_id}"]').click()


def _assert_no_alert(driver: Any) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018 (the property raises when no alert is open)


@pytest.mark.parametrize("words", ["javascript:alert(1)", "window.__pwned=1</script>", "onerror="])
def test_clicking_a_quote_highlights_its_span(loaded: Any, daily: DailyBriefing, words: str, tmp_path: Path) -> None:
    n = _quote_at(daily, words)
    source = daily.quotes[n].sources[0]
    article = next(i for i, a in enumerate(daily.articles) if a.id == source.article)
    span = source.spans[0]
    text = daily.articles[article].text
    assert text is not None and span.start is not None
    _click(loaded, f"quotes-{n}")
    got = loaded.execute_script(_HIGHLIGHTED, article)
    assert got["text"] == span.text == text[span.start : span.end]
    assert got["visible"], "the first highlighted piece is scrolled into its pane"
    assert got["pwned"] == "undefined"
    _assert_no_alert(loaded)
    if words == "javascript:alert(1)":
        loaded.save_screenshot(str(tmp_path / "report.png"))
        shutil.copy(tmp_path / "report.png", "/tmp/report-screenshot.png")


def test_overlapping_spans_and_the_keyboard(loaded: Any, daily: DailyBriefing) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    article = next(i for i, a in enumerate(daily.articles) if a.id == "hostile")
    n = next(i for i, h in enumerate(daily.highlights) if h.sources[0].article == "hostile" and SCRIPT in h.item.text)
    button = loaded.find_element(By.CSS_SELECTOR, f'button[data-item="highlights-{n}"]')
    loaded.execute_script("arguments[0].focus()", button)
    button.send_keys(Keys.ENTER)
    got = loaded.execute_script(_HIGHLIGHTED, article)
    assert got["text"] == "into a comment box,” Maria Lenz"
    assert button.get_attribute("aria-pressed") == "true"
    q = _quote_at(daily, "window.__pwned=1</script>")  # overlaps the point's span: the pieces are shared
    _click(loaded, f"quotes-{q}")
    assert loaded.execute_script(_HIGHLIGHTED, article)["text"] == daily.quotes[q].sources[0].spans[0].text
    assert button.get_attribute("aria-pressed") == "false"
    assert loaded.execute_script("return typeof window.__pwned") == "undefined"
    _assert_no_alert(loaded)


def test_an_item_of_several_sources_highlights_each(loaded: Any, daily: DailyBriefing) -> None:
    sections = ("highlights", "meetings", "front_lines", "incidents", "quotes")
    kind, n, merged = next(
        (k, i, m) for k in sections for i, m in enumerate(getattr(daily, k)) if len(set(m.articles)) > 1
    )
    _click(loaded, f"{kind}-{n}")
    for src in merged.sources:
        article = next(i for i, a in enumerate(daily.articles) if a.id == src.article)
        got = loaded.execute_script(_HIGHLIGHTED, article)
        assert got["text"] == "".join(s.text for s in src.spans)
    status = loaded.execute_script("return document.getElementById('status').textContent")
    assert status.startswith("Source 1 of ")
