"""The exception tree of summarizer.

Every error the library raises on purpose is a :class:`SummarizerError`::

    SummarizerError
    ├── ConfigurationError          set-up is wrong; fix it before retrying
    │   ├── NoLLMConfiguredError    no endpoint / key / model for the LLM engine
    │   └── LLMExtraMissingError    the LLM engine's packages (the llm extra) are not installed
    ├── InputError                  the caller's input cannot be used as given
    │   ├── EmptyTextError          empty or whitespace-only article
    │   ├── DecodeError             a file that is not valid UTF-8 text
    │   └── SpanError               offsets outside the source or not reproducing their text
    ├── FixtureError                an on-disk file (fixture, gold, recording) fails to load
    ├── OutDirInUseError            another batch run holds the output directory's lock
    └── EngineError                 an engine ran and failed (carries context)
        └── LLMError                the LLM endpoint or its answer failed
            ├── AuthenticationError 401 / 403: key or permissions
            ├── BadRequestError     400: e.g. context length; retrying will not help
            ├── RateLimitError      429 after the retry budget was spent
            ├── TransportError      5xx, time-outs, dropped connections after retries
            │   └── EndpointUnreachableError  nothing listening, no such host, no connection
            ├── TruncatedOutputError  finish_reason "length"
            ├── MalformedOutputError  the answer is not the requested object
            ├── RecordingMissError  replay mode: no recording of this request
            └── BatchError          a provider batch (OpenAI Batch API, vllm run-batch) failed
                ├── BatchPendingError        still running when the wait ended: rerun to collect it
                └── BatchResultMissingError  the batch's results hold no answer for this article

The offline engine raises nothing of its own: it has no input it cannot read, and a
failure inside it is a bug, reported as such by ``summarize_many`` (an ``EngineError``
naming the article). Messages say what happened and what to do.

In a batch (``summarize_many``) an error that no other article could avoid stops the
run: a :class:`ConfigurationError`, an :class:`AuthenticationError`, and an
:class:`EndpointUnreachableError` for several articles in a row
(:mod:`summarizer.batchrun`). Every other error stays in its article's place.
"""

from __future__ import annotations

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "BatchError",
    "BatchPendingError",
    "BatchResultMissingError",
    "ConfigurationError",
    "DecodeError",
    "EmptyTextError",
    "EndpointUnreachableError",
    "EngineError",
    "FixtureError",
    "InputError",
    "LLMError",
    "LLMExtraMissingError",
    "MalformedOutputError",
    "NoLLMConfiguredError",
    "OutDirInUseError",
    "RateLimitError",
    "RecordingMissError",
    "SpanError",
    "SummarizerError",
    "TransportError",
    "TruncatedOutputError",
]


class SummarizerError(Exception):
    """Root of every error raised on purpose by summarizer."""


class ConfigurationError(SummarizerError):
    """The library is set up wrongly (arguments, environment, files)."""


class NoLLMConfiguredError(ConfigurationError):
    """The LLM engine was asked for, but no endpoint or model is configured."""


class LLMExtraMissingError(ConfigurationError):
    """The LLM engine was asked for, but its packages (``pip install 'spanbrief[llm]'``) are missing."""


class InputError(SummarizerError, ValueError):
    """The caller's input cannot be used as given."""


class EmptyTextError(InputError):
    """The article text is empty or only whitespace."""


class DecodeError(InputError):
    """A file is not valid UTF-8 text."""


class SpanError(InputError):
    """A span's offsets lie outside the source or do not reproduce its text."""


class FixtureError(SummarizerError):
    """An on-disk file (fixture, gold briefing, recording, checkpoint) failed to load."""


class OutDirInUseError(SummarizerError):
    """Another batch run holds the lock of the output directory; wait for it or use another one."""


class EngineError(SummarizerError):
    """An engine ran and failed. Carries what is known of the context."""

    def __init__(
        self,
        message: str,
        *,
        article_id: str | None = None,
        model: str | None = None,
        attempts: int | None = None,
    ) -> None:
        super().__init__(message)
        self.article_id = article_id
        self.model = model
        self.attempts = attempts

    def __str__(self) -> str:
        base = super().__str__()
        ctx = [
            f"{k}={v}"
            for k, v in (("article", self.article_id), ("model", self.model), ("attempts", self.attempts))
            if v is not None
        ]
        return f"{base} [{', '.join(ctx)}]" if ctx else base


class LLMError(EngineError):
    """The LLM endpoint or its answer failed."""


class AuthenticationError(LLMError):
    """The endpoint refused the credentials (401/403)."""


class BadRequestError(LLMError):
    """The endpoint rejected the request (400), e.g. context length exceeded."""


class RateLimitError(LLMError):
    """The endpoint kept answering 429 until the retry budget was spent."""


class TransportError(LLMError):
    """5xx answers, time-outs or dropped connections outlasted the retry budget."""


class EndpointUnreachableError(TransportError):
    """No connection to the endpoint: refused (nothing listening), a host that does not resolve, a connect time-out.

    ``url`` is the address actually used (without credentials); ``reason`` one of
    ``"connection refused"``, ``"host not found"``, ``"connect timeout"``.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        reason: str | None = None,
        article_id: str | None = None,
        model: str | None = None,
        attempts: int | None = None,
    ) -> None:
        super().__init__(message, article_id=article_id, model=model, attempts=attempts)
        self.url = url
        self.reason = reason


class TruncatedOutputError(LLMError):
    """The model stopped at its token limit (finish_reason "length")."""


class MalformedOutputError(LLMError):
    """The model's answer could not be parsed into the schema."""


class RecordingMissError(LLMError):
    """Replay mode (``recording_mode="replay"``): no recording answers this request, and no endpoint is asked.

    Names what was asked: the article (``article_id`` when the caller knows it, else
    ``article_sha256``, the sha256 of its text), the model, the prompt identity
    (``prompt_id``) and the hash of the request (``request_hash``: the file name the
    recording would have in ``recordings_dir``). The request changed since the
    recordings were made (prompt, model, mode, parameters, article or its date), or the
    article was never recorded: record it (``recording_mode="record"``) or replay with
    the settings it was recorded with.
    """

    def __init__(
        self,
        message: str,
        *,
        request_hash: str,
        prompt_id: str | None = None,
        article_sha256: str | None = None,
        recordings_dir: str | None = None,
        article_id: str | None = None,
        model: str | None = None,
    ) -> None:
        super().__init__(message, article_id=article_id, model=model)
        self.request_hash = request_hash
        self.prompt_id = prompt_id
        self.article_sha256 = article_sha256
        self.recordings_dir = recordings_dir

    def __str__(self) -> str:
        base = Exception.__str__(self)
        ctx = [
            f"{k}={v}"
            for k, v in (
                ("article", self.article_id),
                ("article_sha256", self.article_sha256),
                ("model", self.model),
                ("prompt", self.prompt_id),
                ("request", self.request_hash),
            )
            if v is not None
        ]
        return f"{base} [{', '.join(ctx)}]"


class BatchError(LLMError):
    """A provider batch failed as a whole: rejected when validated, or a state that cannot be resumed."""


class BatchPendingError(BatchError):
    """The batch was still running when the wait ended: its state is saved; run the same command again."""


class BatchResultMissingError(BatchError):
    """The batch's results hold no answer for this article (the batch expired or was cancelled first,
    or the results file is another run's): the message says which batch and what to rerun."""
