"""``python -m assistant serve`` refuses a bad index or a busy port in one line, exit status 2."""

from __future__ import annotations

import socket

import pytest

from assistant.cli import main


def serve(capsys, *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", *args])
    return exit_info.value.code, capsys.readouterr().err.strip()


@pytest.mark.parametrize("make", ["missing", "corrupt"])
def test_bad_index_is_one_line_and_status_2(tmp_path, capsys, make):
    index = tmp_path / "index"
    if make == "corrupt":
        index.mkdir()
        (index / "manifest.json").write_text("{ broken", encoding="utf-8")
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    code, err = serve(capsys, "--index", str(index), "--port", str(port))
    assert code == 2 and err.startswith("error: ") and str(index) in err and "\n" not in err


@pytest.mark.parametrize("workers", ["1", "2"])
def test_busy_port_is_one_line_and_status_2(index_dir, capsys, workers):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, err = serve(capsys, "--index", str(index_dir), "--port", str(port), "--workers", workers)
    assert code == 2 and err == f"error: cannot listen on 127.0.0.1:{port} (Address already in use)"
