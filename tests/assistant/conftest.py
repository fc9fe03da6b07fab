"""What the pipeline and follow-up tests share: the demo-corpus assistant and a scripted chat model."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from assistant.pipeline import Assistant
from legal_corpus.loaders.demo import load_demo
from retrieval.build import update_index
from retrieval.index import open_index

Messages = list[dict[str, str]]


class ScriptedModel:
    """A chat model that answers from a script (the HTTP backend has its own tests); it keeps every call.

    ``reply`` is the answer, an exception to raise, or a function of the messages returning either.
    """

    name = "scripted"

    def __init__(self, reply: str | Exception | Callable[[Messages], str]):
        self.reply = reply
        self.seen: list[Messages] = []
        self.timeouts: list[float] = []

    def complete(self, messages: Messages, *, timeout: float) -> str:
        self.seen.append(messages)
        self.timeouts.append(timeout)
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply(messages) if callable(self.reply) else self.reply

    def stream(self, messages: Messages, *, timeout: float) -> Iterator[str]:
        yield self.complete(messages, timeout=timeout)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory) -> Assistant:
    directory = tmp_path_factory.mktemp("idx") / "demo"
    update_index(directory, load_demo(), embedder_spec="none", source="demo")
    return Assistant(open_index(directory))


@pytest.fixture(scope="session")
def scripted_model() -> type[ScriptedModel]:
    """The class itself: test modules cannot import from a conftest."""
    return ScriptedModel

