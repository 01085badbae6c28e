"""The engines that turn an article into a Briefing: ``rules`` (offline) and ``llm``."""
