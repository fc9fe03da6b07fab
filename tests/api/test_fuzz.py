"""Fuzz every operation of the OpenAPI schema (schemathesis, bounded): no 5xx, every error the JSON
error body, every response as documented.

Runs benchmarks/fuzz_api.py with 25 examples per operation and generation mode (about 600
requests, ~15 s on 2 cores), so the script that reports the larger run is checked too; the
counts per status code are printed (``pytest -s``). The pure check is tested on its own below.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("schemathesis")

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "fuzz_api.py"


def test_fuzzing_finds_no_server_error_and_only_json_errors(index_dir, tmp_path):
    out = tmp_path / "fuzz.json"
    done = subprocess.run([sys.executable, str(SCRIPT), "--index", str(index_dir), "--examples", "25",
                           "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    print(f"\nfuzzing: {result['requests']} requests in {result['seconds']} s, by status {result['by_status']}")
    assert result["failures"] == [] and result["requests"] >= 400
    assert not any(int(status) >= 500 for status in result["by_status"])
    operations = result["by_operation"]
    assert len(operations) >= 20 and "POST /api/admin/reload" in operations
    for label in ("POST /api/chat", "GET /api/search", "POST /api/feedback", "POST /api/documents"):
        assert any(400 <= int(s) < 500 for s in operations[label]), label  # the bad inputs were tried


def _script():
    spec = importlib.util.spec_from_file_location("fuzz_api", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("status", "body", "bad"), [
    (200, b"whatever", False),
    (404, b'{"error": {"code": "not_found", "message": "a / b"}}', False),
    (422, b'{"detail": [{"loc": ["body"]}]}', True),  # FastAPI's own shape would be refused
    (500, b"Internal Server Error", True),
    (400, b'{"error": "boom"}', True),
])
def test_error_shape_check(status, body, bad):
    assert bool(_script().error_shape_problem(status, body)) is bad
