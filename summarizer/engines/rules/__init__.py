"""The offline rules engine: a grounded briefing with no model and no network.

``extract(text, article_date=...)`` reads quotes, meetings, front-line positions,
incidents, the dateline and places out of an English news article with
deterministic rules. Every span is an exact slice of the text. Modules, by what they find:

- :mod:`.quotes` (with :mod:`.speakers` and :mod:`.cues`): direct and reported speech;
- :mod:`.meetings`: consultations and their participants;
- :mod:`.positions`: front-line positions;
- :mod:`.incidents`: ACLED-like events with their counts;
- :mod:`.places`: the dateline and the places named;
- :mod:`.names`, :mod:`.doc`, :mod:`.evidence`: what they share.
"""

from .engine import extract

__all__ = ["extract"]
