"""Two app processes sharing PostgreSQL: a session continues across them and no write is lost.

Runs benchmarks/multi_instance.py for a short burst, so the load script is checked too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("psycopg_pool")

ROOT = Path(__file__).resolve().parents[2]
NO_SERVER = 3  # the script's exit status when no PostgreSQL can be had


def test_two_instances_continue_sessions_and_lose_no_writes(index_dir, tmp_path):
    out = tmp_path / "results.json"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "multi_instance.py"), "--instances", "2",
                           "--clients", "4", "--duration", "3", "--index", str(index_dir), "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    if done.returncode == NO_SERVER:
        pytest.skip(done.stderr.strip())
    assert done.returncode == 0, done.stdout + done.stderr
    [result] = json.loads(out.read_text(encoding="utf-8"))
    assert result["instances"] == 2 and all(s["requests"] > 0 for s in result["per_instance"])
    assert result["cross_reads"] > 0 and result["broken_reads"] == 0
    assert result["written"]["messages"] > 0 and result["written"]["feedback"] > 0
    assert result["found"] == result["written"]
    assert result["total"]["5xx"] == 0 and result["errors"] == {}
