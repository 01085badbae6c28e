"""The engines that turn an article into a Briefing: ``rules`` (offline) and ``llm``.

Import them where needed (``summarizer.engines.rules``, ``summarizer.engines.llm``):
the LLM engine pulls in openai and instructor, which the offline path never needs.
"""
