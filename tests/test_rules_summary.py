"""The rules engine's lead-based summary, on wire copy written for the test (no fixture sentences).

The points are the body's opening claims: past the title, the dateline and photo captions,
with quotations and sentences that lean on an earlier one (a pronoun first) left out; every
span is an exact slice of the text and the briefing validates without errors.
"""

from __future__ import annotations

import datetime as dt

from summarizer.engines.rules import extract
from summarizer.engines.rules.summary import MAX_POINTS
from summarizer.schema import Briefing
from summarizer.validate import validate

DATE = dt.date(2025, 2, 6)


def _brief(text: str) -> Briefing:
    b = extract(text, article_date=DATE)
    report = validate(b, text)
    assert report.errors == (), [f"{i.path}: {i.code}: {i.message}" for i in report.errors]
    for point in b.summary:
        for s in point.spans:
            assert s.start is not None and s.end is not None
            assert text[s.start : s.end] == s.text
            assert s.status.value == "exact"
    return b


def test_the_summary_is_the_body_lead_past_title_and_dateline() -> None:
    text = (
        "Floods cut off northern towns as rivers burst their banks\n\n"
        "KORVALE, Feb. 6 (Meridian Wire) - Floodwaters cut road links to at least nine northern towns on "
        "Wednesday after three days of heavy rain, the regional emergency service said.\n\n"
        "Rescue teams evacuated about 2,000 residents from low-lying districts of Korvale overnight, "
        "the service added in a statement.\n"
    )
    b = _brief(text)
    assert [p.text for p in b.summary] == [
        "Floodwaters cut road links to at least nine northern towns on Wednesday after three days of heavy rain, "
        "the regional emergency service said.",
        "Rescue teams evacuated about 2,000 residents from low-lying districts of Korvale overnight, "
        "the service added in a statement.",
    ]
    assert not any("KORVALE" in p.text or "burst their banks" in p.text for p in b.summary)


def test_photo_captions_quotations_and_pronoun_led_sentences_are_not_points() -> None:
    text = (
        "Port strike enters second week\n\n"
        "Dockworkers picket the main gate of the container terminal on Monday. (AP Photo/Lena Ortiz)\n\n"
        "Dockworkers at the country's largest container port extended their strike into a second week on "
        "Wednesday, leaving more than 40 ships waiting offshore.\n\n"
        '"We will stay out until the contract is signed," union leader Marta Quell told reporters at the gate.\n\n'
        "They have rejected two offers from the port authority since the walkout began.\n\n"
        "The port authority said talks would resume on Friday under a government mediator.\n"
    )
    b = _brief(text)
    points = [p.text for p in b.summary]
    assert points[0].startswith("Dockworkers at the country's largest container port extended their strike")
    assert not any("AP Photo" in p or "picket the main gate" in p for p in points)
    assert not any(p.startswith(('"', "They ")) for p in points)
    assert "The port authority said talks would resume on Friday under a government mediator." in points


def test_a_repeated_title_does_not_use_up_the_lead_paragraphs() -> None:
    title = "Ministers meet on grain exports"
    text = (
        f"{title}\n\n{title}\n\n{title}\n\n"
        "Agriculture ministers from five countries met in Vienna on Wednesday to agree quotas for grain exports "
        "through the Black Sea.\n\n"
        "The ministers of Austria, Hungary, Romania, Bulgaria and Moldova said the quotas would be reviewed "
        "every three months.\n\n"
        "Officials expect the first shipments under the new rules to leave Constanta next week.\n"
    )
    b = _brief(text)
    assert len(b.summary) == MAX_POINTS
    assert b.summary[0].text.startswith("Agriculture ministers from five countries met in Vienna")
    assert b.summary[2].text.startswith("Officials expect the first shipments")


def test_short_or_question_sentences_are_skipped_and_points_are_capped() -> None:
    text = (
        "LIMA (Reuters) - Talks resumed. Will the deal hold this time? Negotiators for the government and the "
        "mining unions resumed wage talks in Lima on Wednesday after a two-week break. Union delegates said they "
        "would put any offer to a vote of members within a week. Mine owners warned that further stoppages "
        "would cost the sector millions of dollars a day. Police stood by outside the ministry building all day "
        "long without incident.\n"
    )
    b = _brief(text)
    assert len(b.summary) == MAX_POINTS
    assert b.summary[0].text.startswith("Negotiators for the government")
    assert not any(p.text.endswith("?") or p.text == "Talks resumed." for p in b.summary)
