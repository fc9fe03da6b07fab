"""Chat-model backends behind one small protocol; see :mod:`assistant.llm.base`."""

from assistant.llm.base import ChatModel, LLMError, make_chat_model

__all__ = ["ChatModel", "LLMError", "make_chat_model"]
