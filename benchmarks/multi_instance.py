"""Several app instances sharing one PostgreSQL under load: are sessions continued across instances,
and is every record written found afterwards?

    python benchmarks/multi_instance.py [--clients 20] [--duration 30] [--instances 1 2]
                                        [--index var/index/demo-bm25] [--json results.json]

Starts a throwaway PostgreSQL (scripts/pg-test-server.sh; exit status 3 when none can be had),
builds the demo BM25 index once (or reuses ``--index``), then for each instance count starts that
many ``python -m assistant serve`` processes on loopback ports, all with the same read-only index,
``LEGAL_STORE_DSN`` pointing at a fresh schema and no rate limit. Each client keeps one session and
sends every question to the next instance in turn, reads the session back from another instance
(its history must hold the answer just given) and rates every third answer there. Afterwards the
records the clients were told were stored (2 messages per 2xx chat, 1 row per 2xx feedback) are
counted in PostgreSQL: they must be equal. The load generator shares the CPU with the servers, so
on a small machine two instances measure sharing, not added capacity.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
from load_api import QUESTIONS, Server, _free_port
from load_api import Tally as LoadTally

from eval.metrics import percentile

ROOT = Path(__file__).resolve().parents[1]
PG_SCRIPT = ROOT / "scripts" / "pg-test-server.sh"
NO_SERVER = 3  # the script's (and this program's) exit status when PostgreSQL cannot be had


class Tally(LoadTally):
    """Latencies by route, and failures as "route status" (or "route ExceptionName") → count."""

    def merge(self, other: Tally) -> None:
        for route, values in other.latencies.items():
            self.latencies[route].extend(values)
        for key, count in other.errors.items():
            self.errors[key] += count

    def summary(self, seconds: float, route: str | None = None) -> dict[str, float]:
        """Requests, rate, latency percentiles and failures, for one route or all of them."""
        ms = [v * 1000 for r, values in self.latencies.items() if route in (None, r) for v in values]
        failed = {k: v for k, v in self.errors.items() if route in (None, k.split()[0])}
        return {"requests": len(ms), "req_s": len(ms) / seconds, "p50_ms": percentile(ms or [0.0], 50),
                "p95_ms": percentile(ms or [0.0], 95), "p99_ms": percentile(ms or [0.0], 99),
                "errors": sum(failed.values()),
                "5xx": sum(v for k, v in failed.items() if k.split()[1].startswith("5"))}


@dataclass
class Written:
    """What the API acknowledged, and whether each session read back from another instance was whole."""

    messages: int = 0
    feedback: int = 0
    sessions: set[str] = field(default_factory=set)
    cross_reads: int = 0
    broken_reads: int = 0


async def _call(client: httpx.AsyncClient, tally: Tally, route: str, method: str, url: str,
                **kwargs) -> httpx.Response | None:
    start = time.perf_counter()
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        tally.errors[f"{route} {type(exc).__name__}"] += 1
        return None
    tally.record(route, time.perf_counter() - start, response.status_code)
    return response


async def _client(n: int, clients: list[httpx.AsyncClient], tallies: list[Tally], written: Written,
                  deadline: float) -> None:
    rng, session_id, acknowledged, turn = random.Random(n), None, 0, n
    while time.perf_counter() < deadline:
        here, there = turn % len(clients), (turn + 1) % len(clients)
        turn += 1
        r = await _call(clients[here], tallies[here], "chat", "POST", "/api/chat",
                        json={"message": rng.choice(QUESTIONS), "session_id": session_id})
        if r is None or r.status_code != 200:
            continue
        body = r.json()
        session_id, acknowledged = body["session_id"], acknowledged + 2
        written.messages += 2
        written.sessions.add(session_id)
        r = await _call(clients[there], tallies[there], "messages", "GET", f"/api/sessions/{session_id}/messages")
        if r is not None and r.status_code == 200:
            ids = [m["message_id"] for m in r.json()["messages"]]
            written.cross_reads += here != there
            written.broken_reads += len(ids) != acknowledged or ids[-1:] != [body["message_id"]]
        if turn % 3 == 0:
            r = await _call(clients[there], tallies[there], "feedback", "POST", "/api/feedback",
                            json={"message_id": body["message_id"], "rating": rng.choice(["up", "down"])})
            written.feedback += r is not None and r.status_code == 201


async def run_load(urls: list[str], clients: int, seconds: float) -> tuple[list[Tally], Written]:
    tallies, written = [Tally() for _ in urls], Written()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    http = [httpx.AsyncClient(base_url=url, limits=limits, timeout=120) for url in urls]
    try:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*(_client(n, http, tallies, written, deadline) for n in range(clients)))
    finally:
        for client in http:
            await client.aclose()
    return tallies, written


@contextmanager
def postgres() -> Iterator[str]:
    """A throwaway server's DSN; stopped and removed afterwards."""
    directory = tempfile.mkdtemp(prefix="pg-load-")  # under /tmp: the postgres user must reach it
    try:
        done = subprocess.run([str(PG_SCRIPT), "start", directory, str(_free_port())], capture_output=True,
                              text=True)
        if done.returncode:
            print(done.stderr.strip(), file=sys.stderr)
            raise SystemExit(NO_SERVER if done.returncode == NO_SERVER else 1)
        yield done.stdout.strip()
    finally:
        subprocess.run([str(PG_SCRIPT), "stop", directory], capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)


def ensure_index(index: Path) -> None:
    if (index / "manifest.json").is_file():
        return
    print(f"building the demo BM25 index in {index}…", flush=True)
    subprocess.run([sys.executable, "-m", "assistant", "index", "--source", "demo", "--index", str(index),
                    "--embedder", "none"], check=True, cwd=ROOT)


def records_found(dsn: str, schema: str) -> dict[str, int]:
    with psycopg.connect(dsn) as db:
        return {table: db.execute(f"SELECT COUNT(*) FROM {schema}.{table}").fetchone()[0]
                for table in ("messages", "feedback", "sessions")}


def run(dsn: str, index: Path, instances: int, clients: int, seconds: float) -> dict:
    """One measured run on a schema of its own: ``instances`` servers, then the records check."""
    schema = f"load_{instances}_{os.getpid()}"
    servers: list[Server] = []
    try:
        for _ in range(instances):
            servers.append(Server(index, {"LEGAL_STORE_DSN": f"{dsn}?schema={schema}"}))
        for server in servers:
            server.wait_ready()
        tallies, written = asyncio.run(run_load([s.url for s in servers], clients, seconds))
    finally:
        for server in servers:
            server.stop()
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    expected = {"messages": written.messages, "feedback": written.feedback, "sessions": len(written.sessions)}
    return {"instances": instances, "clients": clients, "seconds": seconds,
            "per_instance": [t.summary(seconds) for t in tallies], "total": total.summary(seconds),
            "routes": {route: total.summary(seconds, route) for route in sorted(total.latencies)},
            "errors": dict(total.errors), "cross_reads": written.cross_reads, "broken_reads": written.broken_reads,
            "written": expected, "found": records_found(dsn, schema),
            "peak_pss_mb": [round(s.peak_mb) for s in servers]}


def report(result: dict) -> None:
    print(f"\n{result['instances']} instance(s), {result['clients']} clients, {result['seconds']:.0f} s")
    print(f"{'instance/route':<14} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'errors':>7} {'5xx':>5}")
    rows = [*((f"#{i + 1}", s) for i, s in enumerate(result["per_instance"])), ("total", result["total"]),
            *result["routes"].items()]
    for name, s in rows:
        print(f"{name:<14} {s['requests']:>9,} {s['req_s']:>7.1f} {s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f} "
              f"{s['p99_ms']:>8.1f} {s['errors']:>7} {s['5xx']:>5}")
    if result["errors"]:
        print(f"errors: {result['errors']}")
    print(f"sessions read back from another instance: {result['cross_reads']:,}, "
          f"incomplete: {result['broken_reads']}")
    same = "equal" if result["written"] == result["found"] else "NOT EQUAL"
    print(f"records written {result['written']} vs found in PostgreSQL {result['found']}: {same}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--duration", type=float, default=30.0, help="seconds of load per run")
    p.add_argument("--instances", type=int, nargs="+", default=[1, 2], help="one run per instance count")
    p.add_argument("--index", type=Path, default=ROOT / "var" / "index" / "demo-bm25",
                   help="index served by every instance (built from the demo guides when missing)")
    p.add_argument("--json", type=Path, help="also write the results here")
    args = p.parse_args()
    ensure_index(args.index)
    with postgres() as dsn:
        results = []
        for instances in args.instances:
            results.append(run(dsn, args.index, instances, args.clients, args.duration))
            report(results[-1])
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    lost = any(r["written"] != r["found"] or r["broken_reads"] for r in results)
    raise SystemExit(1 if lost else 0)


if __name__ == "__main__":
    main()
