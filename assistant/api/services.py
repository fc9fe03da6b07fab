"""What the routes share: settings, the live index and its Assistant, the store, metrics.

Searches and answers read the index from many threads at once; an upload or a delete
changes it in place. A readers–writer lock lets reads run together and gives a writer the
index alone, so a search never sees half an update and an upload never waits for a restart.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from assistant.answer import Answer, Event, Persona, Turn
from assistant.pipeline import Assistant
from assistant.settings import Settings
from assistant.storage import Store
from retrieval.index import LegalIndex, open_index

from .errors import ApiError
from .metrics import Metrics
from .schedule import ANSWER_BUDGET_S, FIRST_TOKEN_BUDGET_S, DeadlineGate, deadline

T = TypeVar("T")
STREAM_BATCH_S = 0.02
TOKEN_CHARS = 320
LLM_SHARE_OF_REQUEST = 0.4  # a follow-up rewrite and a composition both fit in one request timeout


def open_warm_index(settings: Settings, directory: Path) -> LegalIndex:
    """The index in ``directory`` as the app serves it (its threads and search cache), warmed."""
    index = open_index(directory, threads=settings.threads, cache_size=settings.search_cache_size)
    index.warm()
    return index


def llm_budget_s(settings: Settings) -> float:
    """How long one LLM call may take: two calls (rewrite, compose) must end before the request times out,
    so a slow model always leaves time for the extractive fallback."""
    return min(settings.llm_timeout_s, settings.request_timeout_s * LLM_SHARE_OF_REQUEST)


class ReadWriteLock:
    """Many readers or one writer; a waiting writer stops new readers so it is not starved."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._writers_waiting = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writer and not self._writers_waiting)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            self._cond.wait_for(lambda: not self._writer and not self._readers)
            self._writers_waiting -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


def settle_heap(*, collect: bool) -> None:
    """Put every object alive now out of the garbage collector's reach.

    A loaded index is a few hundred thousand long-lived objects, and a full collection walks them
    all (0.23 s on the full index, more under load): a pause that some request pays for. Freezing
    only moves lists; ``collect`` first frees what a replaced index left in reference cycles (a
    one-off walk, paid by the reload or upload). A forked worker must not collect: the walk would
    write to, and so copy, every page it shares with its parent.
    """
    if collect:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


@dataclass
class Services:
    settings: Settings
    store: Store
    metrics: Metrics
    live: tuple[LegalIndex, Assistant] | None = None  # one reference, so a reload swaps both at once
    load_error: str = ""  # why the index is not loaded, for /readyz
    last_reload: dict[str, Any] | None = None  # the latest reload attempt, for /readyz
    lock: ReadWriteLock = field(default_factory=ReadWriteLock)
    upload_lock: threading.Lock = field(default_factory=threading.Lock)  # one upload, delete or reload at a time
    chat_model: Any = None
    llm_config_error: str = ""  # why the configured LLM backend could not be set up
    gate: DeadlineGate = field(default_factory=DeadlineGate)  # CPU turns, earliest deadline first
    _derived: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def use_index(self, index: LegalIndex) -> None:
        """Serve this index (again): the Assistant reads the collection list when it is built.

        Requests that already took the previous pair finish on it; the next ones get this one."""
        assistant = Assistant(index, chat_model=self.chat_model, llm_timeout_s=llm_budget_s(self.settings))
        replaced, self.live = self.live is not None, (index, assistant)
        self.metrics.set_gauge("legal_index_chunks", len(index.chunks))
        settle_heap(collect=replaced)

    @property
    def index(self) -> LegalIndex | None:
        return self.live[0] if self.live else None

    @property
    def ready(self) -> bool:
        return self.live is not None

    def require_single_worker(self) -> None:
        """Index changes through one of several workers would reach only that worker (see ``prefork``)."""
        if self.settings.workers > 1:
            raise ApiError("several_workers", "Máy chủ đang chạy nhiều tiến trình: hãy thay đổi chỉ mục trên một "
                           "phiên bản một tiến trình, rồi gửi SIGHUP để nạp lại.",
                           f"This server runs {self.settings.workers} worker processes: change the index with a "
                           "one-worker instance, then send SIGHUP to this server to reload it.", status=409)

    def require_index(self) -> tuple[LegalIndex, Assistant]:
        live = self.live
        if live is None:
            raise ApiError("index_not_ready")
        return live

    def derived(self, name: str, index: LegalIndex, build: Callable[[LegalIndex], T]) -> T:
        """A table computed from ``index`` (the one the caller serves from) once, and again after an upload
        or delete changed it. Call under the read lock."""
        cached = self._derived.get(name)
        if cached is not None and cached[0] is index.columns:  # columns are rebuilt on every change
            return cached[1]
        value = build(index)
        self._derived[name] = (index.columns, value)
        return value

    def answer_turn(self, due: float) -> AbstractContextManager[None]:
        """A CPU turn for answering (``schedule``); with an LLM backend, answers mostly wait on the
        model's server, so they do not queue for the CPU."""
        return self.gate.turn(due) if self.chat_model is None else nullcontext()

    def ask(self, question: str, persona: Persona, history: Sequence[Turn] = ()) -> Answer:
        """Answer under the read lock (an upload may be changing the index), with the session's history,
        in a CPU turn due within the answer budget."""
        _, assistant = self.require_index()
        with self.answer_turn(deadline(ANSWER_BUDGET_S)), self.lock.read():
            answer = assistant.ask(question, persona, history=history)
        self.metrics.observe_stages(answer.timings_ms)
        return answer


async def stream_events(services: Services, question: str, persona: Persona,
                        history: Sequence[Turn] = ()) -> AsyncIterator[Event]:
    """The pipeline's events, computed in worker threads under the read lock, a batch per hop.

    A hop to a worker thread costs more than an extractive token, so each hop takes the events
    ready within ``STREAM_BATCH_S``. The lock is held only while events are computed, never while
    a slow client reads them, so a stalled stream cannot hold up an upload.
    """
    _, assistant = services.require_index()
    events = assistant.stream(question, persona, history=history)
    due = deadline(FIRST_TOKEN_BUDGET_S)

    def batch() -> list[Event]:
        out: list[Event] = []
        start = time.perf_counter()
        with services.answer_turn(due), services.lock.read():
            for event in events:  # leaving the loop early keeps the generator open for the next hop
                out.append(event)
                if time.perf_counter() - start > STREAM_BATCH_S:
                    break
        return out

    try:
        while got := await run_in_threadpool(batch):
            for event in _coalesce(got):
                if event.type == "done":
                    services.metrics.observe_stages(event.data["answer"]["timings_ms"])
                yield event
    finally:
        events.close()


def _coalesce(events: list[Event]) -> Iterator[Event]:
    """Tokens that are ready together, joined into pieces of about ``TOKEN_CHARS`` (fewer, larger sends)."""
    text = ""
    for event in events:
        if event.type == "token":
            text += event.data
            if len(text) < TOKEN_CHARS:
                continue
        if text:
            yield Event("token", text)
            text = ""
        if event.type != "token":
            yield event
    if text:
        yield Event("token", text)


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]
