"""Hot reload of the index: under load with no failed request, refused for a corrupt index (the
last good one keeps serving), by admin route or SIGHUP; ``serve`` refuses a corrupt index at start."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
import uvicorn

from assistant.api.app import create_app
from assistant.api.reload import reload_on_sighup
from assistant.cli import main
from legal_corpus.loaders.files import load_files
from retrieval.build import update_index
from retrieval.index import open_index

PIGEON_QUERY = "chim bồ câu sân thượng"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def indexes(index_dir, settings_for, pigeon_decree) -> tuple[Path, Path]:
    """Two indexes under the app's var folder: the test index, and the same plus a pigeon decree."""
    var = settings_for().var_dir
    first, second = var / "index-a", var / "index-b"
    shutil.copytree(index_dir, first)
    shutil.copytree(index_dir, second)
    source = var / "quyet-dinh.txt"
    source.write_text(pigeon_decree, encoding="utf-8")
    update_index(second, load_files(source, collection="laws"), embedder_spec="none", source="files", workers=1)
    return first, second


def pigeon_hits(client) -> list[str]:
    r = client.get("/api/search", params={"q": PIGEON_QUERY})
    return [h["unit_id"] for h in r.json()["results"] if "12/2032" in h["unit_id"]]


def reload(client, index_dir: Path | str | None = None, **kwargs):
    body = None if index_dir is None else {"index_dir": str(index_dir)}
    return client.post("/api/admin/reload", json=body, **kwargs)


def test_reload_swaps_in_the_new_index_and_audits_it(make_client, admin_headers, indexes):
    first, second = indexes
    client = make_client(own_index=True, index_dir=first)
    assert pigeon_hits(client) == []
    r = reload(client, second, headers=admin_headers)
    assert r.status_code == 200, r.text
    assert r.json()["ok"] and r.json()["index_dir"] == str(second.resolve()) and r.json()["by"].startswith("key:")
    assert pigeon_hits(client)
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["last_reload"]["ok"] and ready["last_reload"]["index_dir"] == second.name
    services = client.app.state.services
    assert services.settings.index_dir == second.resolve()  # uploads now go into the served index
    assert reload(client, headers=admin_headers).status_code == 200  # the configured one again: still the second
    assert pigeon_hits(client)
    assert [e.action for e in services.store.audit_log()][:2] == ["index.reload", "index.reload"]


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


CORRUPTIONS = {
    "truncated chunks": lambda d: _truncate(d / "chunks.jsonl"),
    "truncated token table": lambda d: _truncate(next(d.glob("tokens-*.npz"))),
    "broken manifest": lambda d: (d / "manifest.json").write_text("{ \"format_version\": 1,", encoding="utf-8"),
    "missing bm25 model": lambda d: shutil.rmtree(next(d.glob("bm25-*"))),
}


@pytest.mark.parametrize("corrupt", list(CORRUPTIONS))
def test_corrupt_index_is_refused_and_the_last_good_one_serves(make_client, admin_headers, indexes, corrupt):
    first, second = indexes
    client = make_client(own_index=True, index_dir=first)
    before = client.get("/api/search", params={"q": "đăng ký khai sinh"}).json()["results"]
    CORRUPTIONS[corrupt](second)
    r = reload(client, second, headers=admin_headers)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "index_reload_failed" and "chỉ mục cũ vẫn đang phục vụ" in error["message_vi"]
    assert str(second) in error["details"]["reason"] and "Traceback" not in r.text
    assert client.get("/api/search", params={"q": "đăng ký khai sinh"}).json()["results"] == before
    assert client.post("/api/chat", json={"message": "đăng ký khai sinh ở đâu"}).status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    shown = ready.json()["last_reload"]  # the public probe names the index folder, not the server's paths
    assert shown["ok"] is False and str(second) not in ready.text and shown["index_dir"] == second.name
    assert shown["error"] and "/" + second.parent.name not in shown["error"]
    (entry, *_) = client.app.state.services.store.audit_log()
    assert entry.action == "index.reload_failed" and entry.target == str(second.resolve())


def test_reload_brings_up_an_app_that_started_without_an_index(make_client, admin_headers, indexes, tmp_path):
    client = make_client(index_dir=tmp_path / "var" / "missing")
    client.app.state.services.live = None  # as after a failed load at startup
    assert client.get("/readyz").status_code == 503
    assert reload(client, indexes[1], headers=admin_headers).status_code == 200
    assert client.get("/readyz").json()["status"] == "ready" and pigeon_hits(client)


@pytest.mark.parametrize("where", ["/etc", "../../../../tmp", "/", "x\x00y", "~/index"])
def test_reload_only_from_the_apps_folders(client, admin_headers, where):
    r = reload(client, where, headers=admin_headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "index_dir_not_allowed"
    assert client.app.state.services.last_reload is None  # nothing was even tried


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """The app on a loopback port, in a thread (real sockets, real concurrency)."""

    def __init__(self, app):
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def test_reloads_under_load_fail_no_request(settings_for, admin_headers, indexes):
    first, second = indexes
    app = create_app(settings_for(index_dir=first), index=open_index(first))
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    stop = threading.Event()

    def hammer(n: int) -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            while not stop.is_set():
                if n % 2:
                    r = http.get("/api/search", params={"q": PIGEON_QUERY if n % 4 == 1 else "hộ chiếu"})
                else:
                    r = http.post("/api/chat", json={"message": "lệ phí làm hộ chiếu là bao nhiêu"})
                ok = r.status_code == 200 and "error" not in r.json()
                with lock:
                    outcomes["ok" if ok else f"{r.status_code} {r.text[:80]}"] += 1

    with Server(app) as url:
        threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        with httpx.Client(base_url=url, timeout=60, headers=admin_headers) as admin:
            served = []
            for target in (second, first, second):
                time.sleep(0.3)  # requests in flight on the old index when the swap comes
                assert reload(admin, target).status_code == 200
                served.append(bool(pigeon_hits(admin)))
            time.sleep(0.3)
        stop.set()
        for t in threads:
            t.join()
    print(f"\n3 reloads under 8 clients: {sum(outcomes.values())} requests, {dict(outcomes)}")
    assert served == [True, False, True]
    assert set(outcomes) == {"ok"} and outcomes["ok"] > 30, outcomes


def test_sighup_reloads_in_the_background(make_client, indexes):
    first, second = indexes
    client = make_client(own_index=True, index_dir=first)
    served = Path(client.app.state.services.settings.index_dir)
    shutil.rmtree(served)
    shutil.copytree(second, served)  # rebuilt in place, as `python -m assistant index` would
    previous = signal.getsignal(signal.SIGHUP)
    try:
        reload_on_sighup(client.app)
        os.kill(os.getpid(), signal.SIGHUP)
        services = client.app.state.services
        deadline = time.monotonic() + 30
        while services.last_reload is None and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert services.last_reload["ok"] and services.last_reload["by"] == "signal:SIGHUP"
    assert pigeon_hits(client)


def test_serve_reloads_on_sighup(indexes, tmp_path):
    first, second = indexes
    port = free_port()
    env = {**os.environ, "LEGAL_VAR_DIR": str(first.parent), "LEGAL_RATE_LIMIT_PER_MINUTE": "0"}
    server = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--index", str(first), "--port",
                               str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=(tmp_path / "serve.log").open("wb"))
    try:
        url = f"http://127.0.0.1:{port}"
        ready = wait_for(lambda: httpx.get(f"{url}/readyz", timeout=2).json())
        assert ready["status"] == "ready" and ready["last_reload"] is None
        shutil.rmtree(first)
        shutil.copytree(second, first)  # rebuilt in place
        server.send_signal(signal.SIGHUP)
        reloaded = wait_for(lambda: httpx.get(f"{url}/readyz", timeout=2).json()["last_reload"])
        assert reloaded["ok"] and reloaded["by"] == "signal:SIGHUP"
        assert pigeon_hits(httpx.Client(base_url=url))
        assert server.poll() is None  # still serving
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for(probe, timeout_s: float = 60.0):
    """``probe()`` once it answers something truthy without raising."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if value := probe():
                return value
        except (httpx.HTTPError, ValueError):
            pass
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.1)


def test_serve_refuses_a_truncated_index_in_one_line(indexes, capsys):
    _, second = indexes
    _truncate(second / "chunks.jsonl")
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--index", str(second), "--port", str(free_port())])
    err = capsys.readouterr().err.strip()
    assert exit_info.value.code == 2 and err.startswith("error: ") and str(second) in err and "\n" not in err
