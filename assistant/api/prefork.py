"""``serve --workers N``: N processes answering on one port, sharing the loaded index's memory.

One Python process uses one core (the GIL), and an uncached question costs about 10 ms of it,
so a single process saturates long before a multi-core server does. The index is loaded once
in the parent, frozen out of the garbage collector's scans, then the workers are forked: the
large arrays (BM25 matrices, token ids, vectors) stay shared copy-on-write pages instead of
being loaded N times. Each worker opens its own store connection and runs its own uvicorn loop
on its own socket on the port (SO_REUSEPORT); the kernel spreads connections between them.

The parent supervises: a worker that dies is replaced; SIGHUP loads the index again in the
parent and replaces the workers one generation at a time (requests in flight finish on the old
ones); SIGTERM or SIGINT stops everything gracefully. Index changes made through one worker
would reach only that worker, so with several workers the admin reload and upload routes answer
409 and point to SIGHUP (``Settings.workers``).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
import traceback
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from retrieval.index import LegalIndex

from .services import settle_heap

log = logging.getLogger("assistant.api")
RESTART_WINDOW_S = 10.0  # a worker dying this soon after its start counts as failing to start
MAX_QUICK_DEATHS = 5  # then the server stops instead of forking forever


def bind(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """A bound TCP socket, made before the long index load so a busy port fails at once.

    It names TCP explicitly: asyncio switches Nagle's algorithm off (TCP_NODELAY) only on
    connections whose socket says IPPROTO_TCP, and without that every small reply waits for the
    client's delayed ACK, about 40 ms.
    """
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def listen(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    sock = bind(host, port, reuse_port=reuse_port)
    sock.listen(2048)
    return sock


def _worker(address: tuple[str, int], make_app: Callable[[LegalIndex], FastAPI], index: LegalIndex) -> None:
    """The child: its own app (and store connection) around the shared index; never returns.

    Each worker listens on its own socket bound to the same port (SO_REUSEPORT), so the kernel
    deals new connections out evenly; with one shared socket, whichever worker woke first took
    them, and a few long-lived connections could all land on one worker."""
    code = 0
    try:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # reloads are the parent's job
        for sig in (signal.SIGTERM, signal.SIGINT):  # not the parent's handlers: uvicorn sets its own
            signal.signal(sig, signal.SIG_DFL)
        sock = listen(*address, reuse_port=True)
        uvicorn.Server(uvicorn.Config(make_app(index), log_level="info")).run(sockets=[sock])
    except BaseException:  # noqa: BLE001 - whatever happens, the child must not return into the parent's code
        traceback.print_exc()
        code = 1
    os._exit(code)


class Supervisor:
    """Forks, watches and replaces the workers."""

    def __init__(self, sock: socket.socket, make_app: Callable[[LegalIndex], FastAPI],
                 load_index: Callable[[], LegalIndex], workers: int):
        """``sock``: bound with ``reuse_port`` and not listening; it holds the port for the workers."""
        self.sock, self.make_app, self.load_index, self.workers = sock, make_app, load_index, workers
        self.address = sock.getsockname()[:2]
        self.children: dict[int, float] = {}  # pid → start time
        self.quick_deaths = 0
        self.stopping = self.reloading = False

    def _fork(self, index: LegalIndex) -> None:
        settle_heap(collect=False)  # so the workers' collectors never walk (and copy) the shared objects
        pid = os.fork()
        if pid == 0:
            _worker(self.address, self.make_app, index)
        self.children[pid] = time.monotonic()

    def _reap(self, index: LegalIndex) -> None:
        while self.children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return
            started = self.children.pop(pid, None)
            if started is None or self.stopping:
                continue
            log.error("worker %d exited (status %d); starting another", pid, status)
            if time.monotonic() - started < RESTART_WINDOW_S:
                self.quick_deaths += 1
                if self.quick_deaths >= MAX_QUICK_DEATHS:
                    raise ChildProcessError(f"workers keep dying at start ({self.quick_deaths} times); "
                                            "see the log above")
            self._fork(index)

    def _replace(self, index: LegalIndex) -> LegalIndex:
        """SIGHUP: a new generation on the reloaded index, then the old one stopped gracefully."""
        try:
            fresh = self.load_index()
        except Exception:  # noqa: BLE001 - a bad index must not stop a serving server
            log.exception("reload refused; the workers keep serving the previous index")
            return index
        old = list(self.children)
        for pid in old:
            self.children.pop(pid)
        for _ in range(self.workers):
            self._fork(fresh)
        for pid in old:
            _signal(pid, signal.SIGTERM)
        log.info("reloaded: %d new workers on %d chunks", self.workers, len(fresh.chunks))
        return fresh

    def run(self, index: LegalIndex) -> None:
        def stop(signum: int, frame: object) -> None:
            self.stopping = True

        def hup(signum: int, frame: object) -> None:
            self.reloading = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGHUP, hup)
        for _ in range(self.workers):
            self._fork(index)
        try:
            while not self.stopping:
                time.sleep(0.2)
                if self.reloading:
                    self.reloading = False
                    index = self._replace(index)
                    settle_heap(collect=True)  # the previous index is garbage now
                self._reap(index)
        finally:
            self.stopping = True
            for pid in self.children:
                _signal(pid, signal.SIGTERM)
            for pid in list(self.children):
                os.waitpid(pid, 0)
            self.sock.close()


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass
