"""The CPU gate: one holder at a time, and the waiter due first goes next."""

from __future__ import annotations

import threading
import time

from assistant.api.schedule import DeadlineGate


def _wait_for(check, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.005)


def test_waiters_enter_by_deadline_then_arrival():
    gate = DeadlineGate()
    entered: list[str] = []
    deadlines = {"chat": 0.6, "search": 0.1, "stream": 0.3, "search-later": 0.1}

    def request(name: str) -> None:
        with gate.turn(deadlines[name]):
            entered.append(name)

    with gate.turn(0.0):
        threads = []
        for queued, name in enumerate(deadlines, 1):  # queued in this order while the gate is held
            threads.append(threading.Thread(target=request, args=(name,)))
            threads[-1].start()
            _wait_for(lambda queued=queued: len(gate._waiting) == queued)
    for t in threads:
        t.join(10)
    assert entered == ["search", "search-later", "stream", "chat"]


def test_one_holder_at_a_time():
    gate = DeadlineGate()
    inside, most = 0, 0
    lock = threading.Lock()

    def work(i: int) -> None:
        nonlocal inside, most
        with gate.turn(float(i % 3)):
            with lock:
                inside += 1
                most = max(most, inside)
            time.sleep(0.002)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert most == 1 and inside == 0
    with gate.turn(0.0):  # and the gate is free again afterwards
        pass


def test_an_error_inside_still_hands_the_turn_on():
    gate = DeadlineGate()
    try:
        with gate.turn(0.0):
            raise ValueError("boom")
    except ValueError:
        pass
    done = threading.Event()
    threading.Thread(target=lambda: (gate.turn(0.0).__enter__(), done.set())).start()
    assert done.wait(5)
