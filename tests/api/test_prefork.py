"""``serve --workers 2``: both workers answer, a dead one is replaced, SIGHUP renews them, SIGTERM stops all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="worker processes need fork")


def _children(pid: int) -> set[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return {int(p) for p in text.split()}


def _wait(check, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture()
def server(index_dir, tmp_path, admin_headers):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "LEGAL_VAR_DIR": str(tmp_path), "LEGAL_RATE_LIMIT_PER_MINUTE": "0",
           "LEGAL_ADMIN_API_KEYS": f'["{admin_headers["X-API-Key"]}"]', "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--index", str(index_dir), "--port",
                             str(port), "--workers", "2"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        assert proc.poll() is None, proc.stdout.read().decode()
        try:
            return httpx.get(f"{url}/readyz", timeout=2).status_code == 200 and len(_children(proc.pid)) == 2
        except httpx.HTTPError:
            return False

    _wait(ready)
    yield proc, url
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_two_workers_share_the_port_and_are_supervised(server, admin_headers):
    proc, url = server
    first = _children(proc.pid)
    assert len(first) == 2
    with httpx.Client(base_url=url, timeout=30) as client:
        for _ in range(20):  # new connections each time: the kernel hands them to either worker
            r = httpx.get(f"{url}/api/search", params={"q": "đăng ký khai sinh"}, timeout=30)
            assert r.status_code == 200 and r.json()["results"]
        chat = client.post("/api/chat", json={"message": "lệ phí đăng ký khai sinh"})
        assert chat.status_code == 200 and chat.json()["answer"]["citations"]
        refused = client.post("/api/admin/reload", headers=admin_headers)
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "several_workers"

    victim = min(first)
    os.kill(victim, signal.SIGKILL)
    replaced = _wait(lambda: (c := _children(proc.pid)) and len(c) == 2 and victim not in c and c)
    assert len(replaced & first) == 1

    os.kill(proc.pid, signal.SIGHUP)  # a new generation on the index loaded again
    renewed = _wait(lambda: (c := _children(proc.pid)) and len(c) == 2 and not (c & replaced) and c)
    assert httpx.get(f"{url}/readyz", timeout=30).status_code == 200 and len(renewed) == 2

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    for pid in renewed:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_replies_are_not_held_back_by_nagle():
    import asyncio

    from assistant.api.prefork import listen

    async def accepted_nodelay() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport) -> None:
                sock = transport.get_extra_info("socket")
                seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

        sock = listen("127.0.0.1", 0)
        server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
        _, writer = await asyncio.open_connection(*sock.getsockname())
        try:
            return await asyncio.wait_for(seen, 10)
        finally:
            writer.close()
            server.close()

    assert asyncio.run(accepted_nodelay()) != 0


def test_workers_that_keep_dying_at_start_stop_the_server(capfd):
    from assistant.api.prefork import MAX_QUICK_DEATHS, Supervisor, bind

    def broken_app(index):
        raise RuntimeError("store unreachable")

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    sock = bind("127.0.0.1", 0, reuse_port=True)
    try:
        with pytest.raises(ChildProcessError, match=f"{MAX_QUICK_DEATHS} times"):
            Supervisor(sock, broken_app, lambda: None, workers=1).run(index=None)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    assert "store unreachable" in capfd.readouterr().err
