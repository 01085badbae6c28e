"""summarizer: news articles into structured briefings in which every value is tied to spans.

The public API is re-exported here; ``__all__`` is sorted and checked by a test.
"""

from .api import asummarize, asummarize_many, summarize, summarize_many, summarize_stream
from .batchrun import BatchProgress
from .config import LLMSettings, RetryPolicy
from .errors import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    DecodeError,
    EmptyTextError,
    EndpointUnreachableError,
    EngineError,
    FixtureError,
    InputError,
    LLMError,
    LLMExtraMissingError,
    MalformedOutputError,
    NoLLMConfiguredError,
    RateLimitError,
    RecordingMissError,
    SpanError,
    SummarizerError,
    TransportError,
    TruncatedOutputError,
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
    "AuthenticationError",
    "BadRequestError",
    "BatchProgress",
    "Briefing",
    "ConfigurationError",
    "DateValue",
    "DecodeError",
    "EmptyTextError",
    "EndpointUnreachableError",
    "EngineError",
    "FixtureError",
    "Incident",
    "InputError",
    "Issue",
    "LLMError",
    "LLMExtraMissingError",
    "LLMSettings",
    "MalformedOutputError",
    "Meeting",
    "Mention",
    "NoLLMConfiguredError",
    "Participant",
    "Position",
    "Quantity",
    "Quote",
    "RateLimitError",
    "RecordingMissError",
    "RetryPolicy",
    "Span",
    "SpanError",
    "SummarizerError",
    "TransportError",
    "TruncatedOutputError",
    "ValidationReport",
    "__version__",
    "asummarize",
    "asummarize_many",
    "ground",
    "locate",
    "read_article",
    "summarize",
    "summarize_many",
    "summarize_stream",
    "validate",
]
