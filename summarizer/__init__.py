"""summarizer: news articles into structured briefings in which every value is tied to spans.

The public API is re-exported here; ``__all__`` is sorted and checked by a test.
"""

from .api import asummarize, asummarize_many, summarize, summarize_many
from .config import LLMSettings, RetryPolicy
from .errors import (
    ConfigurationError,
    DecodeError,
    EmptyTextError,
    EngineError,
    FixtureError,
    InputError,
    LLMError,
    NoLLMConfiguredError,
    SpanError,
    SummarizerError,
)
from .locate import ground, locate
from .schema import (
    SCHEMA_VERSION,
    Briefing,
    DateValue,
    Incident,
    Issue,
    Meeting,
    Mention,
    Participant,
    Position,
    Quantity,
    Quote,
    Span,
    ValidationReport,
)
from .text import read_article
from .validate import validate

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "Briefing",
    "ConfigurationError",
    "DateValue",
    "DecodeError",
    "EmptyTextError",
    "EngineError",
    "FixtureError",
    "Incident",
    "InputError",
    "Issue",
    "LLMError",
    "LLMSettings",
    "Meeting",
    "Mention",
    "NoLLMConfiguredError",
    "Participant",
    "Position",
    "Quantity",
    "Quote",
    "RetryPolicy",
    "Span",
    "SpanError",
    "SummarizerError",
    "ValidationReport",
    "__version__",
    "asummarize",
    "asummarize_many",
    "ground",
    "locate",
    "read_article",
    "summarize",
    "summarize_many",
    "validate",
]
