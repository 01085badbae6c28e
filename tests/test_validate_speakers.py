"""The speaker check follows the attribution the source gives a quote, not who is named nearby (issue 7).

Each case is a short text in the ways wire copy attributes quotes, written for the test.
A quote's speaker passes when the structure gives it the words -- its own sentence's cue
and subject, a pronoun that continues the previous speaker, the quote before it in the
paragraph -- and is an error when the structure points at someone else, however near the
claimed speaker is named. Where the text is truly ambiguous it is a warning.
"""

from __future__ import annotations

import pytest

from summarizer.schema import Briefing, MatchStatus, Mention, Quote, Severity, SourceInfo, Span
from summarizer.validate import validate


def mention(text: str, value: str, evidence: str, within: str | None = None) -> Mention:
    """``value`` with one exact span: ``evidence`` where it first occurs (inside ``within``, if given)."""
    base = text.index(within) if within is not None else 0
    start = text.index(evidence, base)
    return Mention(
        value=value, spans=[Span(start=start, end=start + len(evidence), text=evidence, status=MatchStatus.EXACT)]
    )


def quote_of(text: str, words: str, speaker: str, evidence: str, within: str | None = None) -> Quote:
    return Quote(text=mention(text, words, words), speaker=mention(text, speaker, evidence, within))


def speaker_issues(text: str, q: Quote) -> list[tuple[str, Severity]]:
    briefing = Briefing(source=SourceInfo.of(text), quotes=[q])
    return [(i.code, i.severity) for i in validate(briefing, text).issues if i.path == "quotes[0].speaker"]


def errors(text: str, q: Quote) -> list[str]:
    return [code for code, severity in speaker_issues(text, q) if severity is Severity.ERROR]


def warnings(text: str, q: Quote) -> list[str]:
    return [code for code, severity in speaker_issues(text, q) if severity is Severity.WARNING]


# --------------------------------------------------------------------------- the quote's own sentence

OWN_CUE = [
    # (id, text, the quote's words, its speaker, the speaker's evidence, someone named in the next sentence)
    (
        "said-X",
        "“The road is open,” said Col. Ahmed Darwish, a spokesman for the army. Maria Lenz, a monitor, disagreed.",
        "The road is open,",
        "Ahmed Darwish",
        "Ahmed Darwish",
        ("Maria Lenz", "Maria Lenz"),
    ),
    (
        "X-said",
        "“The road is open,” Darwish said on Monday. Maria Lenz, a monitor, disagreed.\n\nAhmed Darwish is a colonel.",
        "The road is open,",
        "Ahmed Darwish",
        "Darwish",
        ("Maria Lenz", "Maria Lenz"),
    ),
    (
        "X-said-colon",
        "Maria Lenz spoke first. Ahmed Darwish said: “The road is open and it will stay open.”",
        "The road is open and it will stay open.",
        "Ahmed Darwish",
        "Ahmed Darwish",
        ("Maria Lenz", "Maria Lenz"),
    ),
    (
        "X-told-Reuters",
        "“We have enough fuel for a week,” Ahmed Darwish told Reuters. Maria Lenz said the figure was lower.",
        "We have enough fuel for a week,",
        "Ahmed Darwish",
        "Ahmed Darwish",
        ("Maria Lenz", "Maria Lenz"),
    ),
    (
        "according-to-X",
        "“Two bridges are down,” according to Maria Lenz, a spokeswoman for the monitor. Ahmed Darwish denied it.",
        "Two bridges are down,",
        "Maria Lenz",
        "Maria Lenz",
        ("Ahmed Darwish", "Ahmed Darwish"),
    ),
    (
        "title-before-name",
        "“We waited for nine hours,” said convoy leader Jonas Albrecht. Maria Lenz, who met the convoy, agreed.",
        "We waited for nine hours,",
        "Jonas Albrecht",
        "Jonas Albrecht",
        ("Maria Lenz", "Maria Lenz"),
    ),
    (
        "apposition-X-the-commander-said",
        "“We hold the ridge,” Ahmed Darwish, the brigade commander, said. Maria Lenz could not confirm it.",
        "We hold the ridge,",
        "Ahmed Darwish",
        "Ahmed Darwish",
        ("Maria Lenz", "Maria Lenz"),
    ),
    (
        "pronoun-he-said",
        "Ahmed Darwish spoke by telephone. “We hold the ridge,” he said. Maria Lenz could not confirm it.",
        "We hold the ridge,",
        "Ahmed Darwish",
        "he",
        ("Maria Lenz", "Maria Lenz"),
    ),
    (
        "the-minister-said",
        "Defence Minister Ahmed Darwish visited the front. “We hold the ridge,” the minister said. "
        "Maria Lenz could not confirm it.",
        "We hold the ridge,",
        "Ahmed Darwish",
        "the minister",
        ("Maria Lenz", "Maria Lenz"),
    ),
    # Issue 8: cue verbs of testimony and posts, and how wire copy joins a cue to its subject.
    (
        "X-testified",
        "“I never gave that order,” Ahmed Darwish testified. Maria Lenz said the order was given.",
        "I never gave that order,",
        "Ahmed Darwish",
        "Ahmed Darwish",
        ("Maria Lenz", "Maria Lenz"),
    ),
    (
        "X-radioed",
        "“Pull back to the ridge,” Ahmed Darwish radioed. Maria Lenz heard the call.",
        "Pull back to the ridge,",
        "Ahmed Darwish",
        "Ahmed Darwish",
        ("Maria Lenz", "Maria Lenz"),
    ),
    (
        "X-accused-Y-of",
        "Ahmed Darwish accused the ministry of “ignoring every warning”. Maria Lenz defended it.",
        "ignoring every warning",
        "Ahmed Darwish",
        "Ahmed Darwish",
        ("Maria Lenz", "Maria Lenz"),
    ),
    (
        "X-had-described-Y-as",
        "Ahmed Darwish had described the withdrawal as a ``disgrace.'' Maria Lenz disagreed.",
        "disgrace.",
        "Ahmed Darwish",
        "Ahmed Darwish",
        ("Maria Lenz", "Maria Lenz"),
    ),
    (
        "X-said-before-adding",
        "Ahmed Darwish said the road was shut, before adding that “it will reopen”. Maria Lenz doubted it.",
        "it will reopen",
        "Ahmed Darwish",
        "Ahmed Darwish",
        ("Maria Lenz", "Maria Lenz"),
    ),
    (
        "X-party-state-said",
        "Sen. Ahmed Darwish, D-Mass., said: “The bill is dead.” Maria Lenz disagreed.",
        "The bill is dead.",
        "Ahmed Darwish",
        "Ahmed Darwish",
        ("Maria Lenz", "Maria Lenz"),
    ),
    (
        "nested-quote-cued-inside-the-quote",
        "Ahmed Darwish testified first.\n\nMaria Lenz said: “The captain told me, ‘Get off the ship now.’ I did.”",
        "Get off the ship now.",
        "captain",
        "captain",
        ("Maria Lenz", "Maria Lenz"),
    ),
    (
        "fragment-X-called-for",
        "Ahmed Darwish called for “an immediate ceasefire” on Monday. Maria Lenz welcomed the call.",
        "an immediate ceasefire",
        "Ahmed Darwish",
        "Ahmed Darwish",
        ("Maria Lenz", "Maria Lenz"),
    ),
]


@pytest.mark.parametrize(
    ("text", "words", "speaker", "evidence", "other"), [c[1:] for c in OWN_CUE], ids=[c[0] for c in OWN_CUE]
)
def test_the_speaker_of_the_quotes_own_cue_passes(
    text: str, words: str, speaker: str, evidence: str, other: tuple[str, str]
) -> None:
    assert errors(text, quote_of(text, words, speaker, evidence)) == []


@pytest.mark.parametrize(
    ("text", "words", "speaker", "evidence", "other"), [c[1:] for c in OWN_CUE], ids=[c[0] for c in OWN_CUE]
)
def test_someone_named_in_the_next_sentence_is_an_error(
    text: str, words: str, speaker: str, evidence: str, other: tuple[str, str]
) -> None:
    assert errors(text, quote_of(text, words, *other)) == ["speaker_mismatch"]


def test_a_description_as_the_subject_names_no_one_else() -> None:
    text = (
        "Dr. Hana Sayed ran the clinic. “We ran out of blood by midday,” one surgeon told the agency.\n\n"
        "“Nothing has come in since April,” according to a statement from the neighbourhood council."
    )
    assert errors(text, quote_of(text, "We ran out of blood by midday,", "one surgeon", "one surgeon")) == []
    assert errors(text, quote_of(text, "We ran out of blood by midday,", "Hana Sayed", "Hana Sayed")) == [
        "speaker_mismatch"
    ]
    council = "Nothing has come in since April,"
    assert errors(text, quote_of(text, council, "neighbourhood council", "neighbourhood council")) == []
    assert errors(text, quote_of(text, council, "Hana Sayed", "Hana Sayed")) == ["speaker_mismatch"]


def test_a_news_outlet_relaying_the_words_is_not_their_speaker() -> None:
    text = "Ahmed Darwish spoke in Geneva. “The talks are over,” he said on Tuesday, AFP reported."
    q = quote_of(text, "The talks are over,", "Ahmed Darwish", "he")
    assert errors(text, q) == []


# --------------------------------------------------------------------------- pronouns continue a speaker


def test_he_said_continues_the_speaker_of_the_sentence_before() -> None:
    """A one-word name in apposition ("his nom de guerre, Tarek,") is the subject the pronoun continues,
    though someone else was the last full name before it."""
    text = (
        "Major Ivan Petrov said his men had held the bridge since Tuesday.\n\n"
        "A rebel commander who gave only his nom de guerre, Tarek, said his fighters would wait. "
        "“We will sit on the hills and let them leave,” he said."
    )
    words = "We will sit on the hills and let them leave,"
    assert speaker_issues(text, quote_of(text, words, "Tarek", "he", "he said.")) == [
        ("speaker_via_pronoun", Severity.INFO)
    ]
    assert errors(text, quote_of(text, words, "Ivan Petrov", "he", "he said.")) == ["speaker_mismatch"]


def test_a_pronoun_inside_a_quote_refers_to_someone_named_in_it() -> None:
    text = "Marek Zajac has driven a taxi for 11 years. “When I told my father, Henryk, he said, ‘Sell it now.’”"
    nested = Quote(text=mention(text, "Sell it now.", "Sell it now."), speaker=mention(text, "Henryk", "he", "he said"))
    assert errors(text, nested) == []
    wrong = nested.model_copy(update={"speaker": mention(text, "Marek Zajac", "Marek Zajac")})
    assert errors(text, wrong) == ["speaker_mismatch"]


# --------------------------------------------------------------------------- follow-on quotes


def test_an_unattributed_follow_on_quote_continues_the_quote_before_it() -> None:
    text = (
        "Ahmed Darwish defended the checkpoint. “Every truck is inspected,” he said. “Nobody is being starved.”\n\n"
        "Maria Lenz, who runs the clinic, disagreed."
    )
    follow_on = "Nobody is being starved."
    assert errors(text, quote_of(text, follow_on, "Ahmed Darwish", "he")) == []
    assert errors(text, quote_of(text, follow_on, "Maria Lenz", "Maria Lenz")) == ["speaker_mismatch"]


def test_a_quote_with_no_attribution_at_all_only_warns() -> None:
    text = "Ahmed Darwish visited the camp on Monday.\n\n“Nobody is being starved.”\n\nThe camp has 4,000 people."
    q = quote_of(text, "Nobody is being starved.", "Ahmed Darwish", "Ahmed Darwish")
    assert warnings(text, q) == ["speaker_unattributed"] and errors(text, q) == []


# --------------------------------------------------------------------------- truly ambiguous: a warning


def test_a_pronoun_with_two_candidates_is_a_warning_for_either_and_an_error_for_anyone_else() -> None:
    text = (
        "Karim Nasser said the minister, Walid Sarraf, had ordered the crossing closed. "
        "“We will reopen it on Monday,” he said.\n\nMaria Lenz, a monitor, was not convinced."
    )
    words = "We will reopen it on Monday,"
    for candidate in ("Karim Nasser", "Walid Sarraf"):
        q = quote_of(text, words, candidate, "he", "he said")
        assert warnings(text, q) == ["speaker_ambiguous"] and errors(text, q) == [], candidate
    assert errors(text, quote_of(text, words, "Maria Lenz", "Maria Lenz")) == ["speaker_mismatch"]


def test_a_definite_description_of_someone_named_just_before_is_a_warning() -> None:
    text = (
        "Ali Karam, 45, lost his shop in the fire. “Everything I had was in there,” the father of three said.\n\n"
        "Maria Lenz, a monitor, counted 30 shops burned."
    )
    words = "Everything I had was in there,"
    q = quote_of(text, words, "Ali Karam", "Ali Karam")
    assert warnings(text, q) == ["speaker_ambiguous"] and errors(text, q) == []
    assert errors(text, quote_of(text, words, "Maria Lenz", "Maria Lenz")) == ["speaker_mismatch"]


def test_words_inside_a_sentence_the_cue_after_reports_may_be_the_subjects() -> None:
    text = "Protesters chanted “The blood of the village is our blood”, witnesses said. Police fired tear gas."
    words = "The blood of the village is our blood"
    q = quote_of(text, words, "Protesters", "Protesters")
    assert warnings(text, q) == ["speaker_ambiguous"] and errors(text, q) == []
    assert errors(text, quote_of(text, words, "witnesses", "witnesses")) == []
    assert errors(text, quote_of(text, words, "Police", "Police")) == ["speaker_mismatch"]
