"""The LLM engine: any OpenAI-compatible endpoint through instructor, grounded and re-asked.

- :mod:`.draft`: what the model fills (values + verbatim evidence) and its conversion to a Briefing;
- :mod:`.loop`: the conversation per chunk (extract, salvage, re-ask what failed), sync/async agnostic;
- :mod:`.chunking`: long articles split with overlap and merged back;
- :mod:`.client`: openai / instructor clients and the mode per endpoint;
- :mod:`.engine`: :class:`LLMEngine`, tying chunks, cache, validation and provenance together.
"""

from .draft import Draft, draft_from_briefing, to_briefing
from .engine import LLMEngine

__all__ = ["Draft", "LLMEngine", "draft_from_briefing", "to_briefing"]
