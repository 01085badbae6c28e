"""Cue words: the inflected forms of the speech verbs in :data:`summarizer.lexicon.SPEECH_VERBS`."""

from __future__ import annotations

import functools

from ...lexicon import SPEECH_VERBS, table, words

__all__ = ["INDIRECT_CUES", "speech_lemma"]

# The irregular forms of each speech verb ("tell": "told", "tells", "telling"): summarizer/data/speech.toml.
_IRREGULAR: dict[str, tuple[str, ...]] = {}
for _form, _lemma in table("speech", "irregular_forms").items():
    if _lemma in SPEECH_VERBS:
        _IRREGULAR[_lemma] = (*_IRREGULAR.get(_lemma, ()), _form)

# Cues that introduce reported speech ("he said NATO would ...", "she warned that ...").
INDIRECT_CUES = words("speech", "indirect_speech_verbs")


def _forms(lemma: str) -> tuple[str, ...]:
    if lemma in _IRREGULAR:
        return (lemma, *_IRREGULAR[lemma])
    if lemma.endswith("e"):
        return (lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing")
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return (lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing")
    return (lemma, lemma + "s", lemma + "ed", lemma + "ing")


@functools.lru_cache(maxsize=1)
def _form_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for lemma in SPEECH_VERBS:
        for form in _forms(lemma):
            table.setdefault(form, lemma)
    return table


def speech_lemma(word: str) -> str | None:
    """The speech verb ``word`` is a form of ("told" -> "tell"), or None."""
    return _form_table().get(word.lower())
