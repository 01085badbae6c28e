"""The daily briefing: merging per-article briefings, its JSON contract and its Markdown.

Briefings here are built by hand from short wire-style texts written for these tests,
grounded with :func:`summarizer.locate.ground` and verified like an engine's output, so
the merge sees exactly what a run would give it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from summarizer.daily import DailyArticle, DailyBriefing, daily_json_schema_text, merge
from summarizer.locate import ground
from summarizer.render import daily_to_markdown, to_jsonl_line
from summarizer.schema import (
    Briefing,
    DateValue,
    EventType,
    Incident,
    IncidentSubType,
    Meeting,
    Mention,
    Participant,
    Provenance,
    Quantity,
    QuantityQualifier,
    Quote,
    SourceInfo,
    Span,
    text_sha256,
)
from summarizer.verify import verify

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
DAY = dt.date(2026, 11, 2)

AFP = (
    "Talks resume in Vahran as shelling kills three\n\n"
    "VAHRAN, Nov. 2 (AFP) - Foreign ministers Lena Sokol and Omar Haddad met in Vahran on Monday "
    "to revive the ceasefire talks.\n\n"
    "Shelling killed three people in Darel overnight, the regional governor said.\n\n"
    "“We will not sign a paper that the guns ignore,” Sokol told reporters after the meeting.\n"
)
REUTERS = (
    "Ceasefire talks restart; five dead in Darel shelling\n\n"
    "VAHRAN, Nov. 2 (Reuters) - Lena Sokol and the Arvenian envoy Piet Maris met in Vahran on Monday, "
    "officials said.\n\n"
    "Shelling killed five people in Darel overnight, according to hospital staff.\n\n"
    '"We will not sign a paper that the guns ignore," Sokol said.\n'
)


def _m(value: str, evidence: str | None = None) -> Mention:
    return Mention(value=value, spans=[Span.unlocated(evidence or value)])


def _briefing(text: str, *, killed: str, killed_n: float, envoy: str) -> Briefing:
    day = DateValue(date=DAY, spans=[Span.unlocated("Monday")])
    draft = Briefing(
        source=SourceInfo(sha256=text_sha256(text), length=len(text), article_date=DAY),
        meetings=[
            Meeting(
                cue=_m("met"),
                location=_m("Vahran"),
                date=day,
                participants=[Participant(name=_m("Lena Sokol")), Participant(name=_m(envoy))],
            )
        ],
        incidents=[
            Incident(
                event_type=EventType.EXPLOSIONS_REMOTE_VIOLENCE,
                sub_type=IncidentSubType.SHELLING,
                cue=_m("Shelling"),
                location=_m("Darel"),
                fatalities=Quantity(best=killed_n, spans=[Span.unlocated(killed)]),
            )
        ],
        quotes=[
            Quote(
                text=_m("We will not sign a paper that the guns ignore"),
                speaker=_m("Lena Sokol", "Sokol"),
                cue=_m("said" if "said" in text.split("ignore")[1][:20] else "told"),
            )
        ],
        provenance=Provenance(engine="rules"),
    )
    return verify(ground(draft, text), text)


def _articles() -> list[DailyArticle]:
    afp = _briefing(AFP, killed="three people", killed_n=3, envoy="Omar Haddad")
    reuters = _briefing(REUTERS, killed="five people", killed_n=5, envoy="Piet Maris")
    return [
        DailyArticle(id="afp.txt", ok=True, outlet="AFP", date=DAY, text=AFP, briefing=afp),
        DailyArticle(id="reuters.txt", ok=True, outlet="Reuters", date=DAY, text=REUTERS, briefing=reuters),
        DailyArticle(id="broken.html", ok=False, error="no article text found in the page", error_type="InputError"),
    ]


def test_the_fixture_briefings_verify_cleanly() -> None:
    for a in _articles()[:2]:
        assert a.briefing is not None and a.briefing.validation is not None
        assert a.briefing.validation.ok, a.briefing.validation.errors
        assert len(a.briefing.incidents) == 1 and len(a.briefing.quotes) == 1 and len(a.briefing.meetings) == 1


def test_the_same_incident_is_one_item_and_its_conflicting_figures_are_shown_not_averaged() -> None:
    daily = merge(_articles(), day=DAY)
    assert len(daily.incidents) == 1
    incident = daily.incidents[0]
    assert incident.articles == ["afp.txt", "reuters.txt"]
    assert [c.field for c in incident.conflicts] == ["fatalities"]
    reports = incident.conflicts[0].reports
    assert [(r.value, r.text, r.articles) for r in reports] == [
        ("3", "three people", ("afp.txt",)),
        ("5", "five people", ("reuters.txt",)),
    ]
    # each source keeps its own spans, into its own article
    for src in incident.sources:
        text = daily.article(src.article).text
        assert text is not None
        assert [text[s.start : s.end] for s in src.spans if s.start is not None] == ["Shelling"]


def test_the_same_quote_from_two_outlets_is_one_quote_with_two_sources() -> None:
    daily = merge(_articles(), day=DAY)
    assert len(daily.quotes) == 1
    quote = daily.quotes[0]
    assert quote.articles == ["afp.txt", "reuters.txt"]
    for src in quote.sources:
        text = daily.article(src.article).text
        assert text is not None and src.spans[0].start is not None
        assert text[src.spans[0].start : src.spans[0].end] == "We will not sign a paper that the guns ignore"


def test_one_meeting_with_participants_merged_by_normalised_name() -> None:
    daily = merge(_articles(), day=DAY)
    assert len(daily.meetings) == 1
    people = {p.name: p.articles for p in daily.meetings[0].participants}
    assert people == {
        "Lena Sokol": ("afp.txt", "reuters.txt"),
        "Omar Haddad": ("afp.txt",),
        "Piet Maris": ("reuters.txt",),
    }


def test_items_without_a_place_or_on_other_days_are_not_merged() -> None:
    arts = _articles()[:2]
    b = arts[1].briefing
    assert b is not None
    later = b.model_copy(
        update={"incidents": [b.incidents[0].model_copy(update={"date": DateValue(date=DAY + dt.timedelta(days=1))})]}
    )
    daily = merge([arts[0], arts[1].model_copy(update={"briefing": later})], day=DAY)
    assert len(daily.incidents) == 2
    unplaced = [
        a.model_copy(
            update={
                "briefing": a.briefing.model_copy(
                    update={"incidents": [a.briefing.incidents[0].model_copy(update={"location": None})]}
                )
            }
        )
        for a in arts
        if a.briefing is not None
    ]
    assert len(merge(unplaced).incidents) == 2


def test_a_failed_article_is_listed_and_counted_never_merged() -> None:
    daily = merge(_articles(), day=DAY)
    assert [a.id for a in daily.articles] == ["afp.txt", "reuters.txt", "broken.html"]
    assert daily.counts.articles == 3 and daily.counts.failed == 1
    md = daily_to_markdown(daily)
    assert "## Failed articles" in md and "**failed** [3] broken.html: no article text found in the page" in md


def test_dropped_items_and_warnings_are_marked_and_warnings_follow_the_drops() -> None:
    arts = _articles()
    afp = arts[0].briefing
    assert afp is not None
    real = afp.incidents[0]
    # a fabricated incident first (dropped by verification), then the real one with a qualifier its span lacks
    fake = real.model_copy(update={"cue": _m("Airstrike"), "location": None, "fatalities": None})
    vague = real.model_copy(
        update={
            "fatalities": Quantity(low=3, qualifier=QuantityQualifier.AT_LEAST, spans=[Span.unlocated("three people")])
        }
    )
    draft = afp.model_copy(
        update={"incidents": [fake, vague], "validation": None, "provenance": Provenance(engine="rules")}
    )
    checked = verify(ground(draft, AFP), AFP)
    assert checked.provenance is not None and checked.validation is not None
    assert [d.path for d in checked.provenance.dropped] == ["incidents[0]"]
    assert {(i.code, i.path.split(".")[0]) for i in checked.validation.warnings} == {
        ("qualifier_mismatch", "incidents[1]")
    }
    daily = merge([arts[0].model_copy(update={"briefing": checked})], day=DAY)
    assert [(d.article, d.path) for d in daily.dropped] == [("afp.txt", "incidents[0]")]
    # the warning on the old incidents[1] belongs to the kept incident, incidents[0] of the verified briefing
    (kept,) = daily.incidents
    assert kept.sources[0].path == "incidents[0]"
    assert [(f.path, f.code) for f in kept.flags] == [("incidents[0]", "qualifier_mismatch")]
    assert daily.counts.flagged == 1 and daily.counts.dropped == 1
    md = daily_to_markdown(daily)
    assert "## Dropped by verification" in md and "**dropped** [1] `incidents[0]`" in md
    assert "**unverified** [1] `qualifier_mismatch`" in md


def test_the_daily_json_round_trips_and_the_committed_schema_has_not_drifted() -> None:
    daily = merge(_articles(), day=DAY)
    again = DailyBriefing.model_validate_json(daily.model_dump_json())
    assert again == daily
    committed = (SCHEMAS / "daily.schema.json").read_text(encoding="utf-8")
    assert committed == daily_json_schema_text(), "schema drift: run `python -m summarizer.schema` and commit schemas/"


def test_a_jsonl_line_carries_the_input_its_text_and_briefing() -> None:
    art = _articles()[0]
    line = to_jsonl_line(art)
    assert line.endswith("\n") and "\n" not in line[:-1]
    data = json.loads(line)
    assert data["id"] == "afp.txt" and data["ok"] is True and data["text"] == AFP
    assert DailyArticle.model_validate(data).briefing == art.briefing


def test_the_markdown_reads_in_sections_and_cites_its_articles() -> None:
    md = daily_to_markdown(merge(_articles(), day=DAY))
    assert md.startswith("# Daily briefing — 2026-11-02\n")
    order = [md.index(h) for h in ("## Meetings", "## Incidents", "## Quotes", "## Articles")]
    assert order == sorted(order)
    assert "conflicting fatalities: 3 (“three people”) [1] / 5 (“five people”) [2]" in md
    assert "matched their source spans" in md and "grounding rate" not in md
    assert "1. AFP" not in md  # articles are listed by title or id, with the outlet beside it
    assert "afp.txt" in md and "AFP" in md


def test_merge_refuses_two_articles_with_one_id() -> None:
    a = _articles()[0]
    with pytest.raises(ValueError, match="unique"):
        merge([a, a])
