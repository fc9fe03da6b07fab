"""CPU turns inside one server process, earliest latency deadline first.

Answering and searching are CPU-bound Python: threads of one process take turns on the GIL
anyway, so running twenty requests at once only makes each of them twenty times slower and
all of them late together. The gate lets one request compute at a time and, when several
wait, gives the turn to the one whose latency budget runs out first: an official's search
(100 ms) goes before a citizen's full answer (600 ms), whose streamed first words (300 ms) sit
in between. Under load the total work is the same; what changes is who waits (measured with
``benchmarks/load_api.py``). Calls to an LLM server are not CPU work and never take a turn.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

# Latency budgets per kind of request, from issue 6's targets.
SEARCH_BUDGET_S = 0.1
FIRST_TOKEN_BUDGET_S = 0.3
ANSWER_BUDGET_S = 0.6


class DeadlineGate:
    """One holder at a time; waiters are let in by earliest deadline (then by arrival)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._busy = False
        self._waiting: list[tuple[float, int, threading.Event]] = []
        self._order = itertools.count()

    @contextmanager
    def turn(self, deadline: float) -> Iterator[None]:
        """Hold the gate; ``deadline`` is a ``time.monotonic()`` instant (arrival + budget)."""
        with self._lock:
            if self._busy:
                ready = threading.Event()
                heapq.heappush(self._waiting, (deadline, next(self._order), ready))
            else:
                self._busy, ready = True, None
        if ready is not None:
            ready.wait()  # the holder hands the turn over: _busy stays True
        try:
            yield
        finally:
            with self._lock:
                if self._waiting:
                    heapq.heappop(self._waiting)[2].set()
                else:
                    self._busy = False


def deadline(budget_s: float) -> float:
    return time.monotonic() + budget_s
