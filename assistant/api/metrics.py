"""Request and answer-stage metrics in the Prometheus text format (written here: no extra dependency).

Counters, latency histograms and gauges live in plain dicts under one lock; ``render`` writes
the exposition format version 0.0.4 that every Prometheus scraper reads.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Mapping

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
METRICS = {  # name → (type, help)
    "legal_http_requests_total": ("counter", "HTTP requests by method, route and status"),
    "legal_http_errors_total": ("counter", "HTTP responses with status >= 400 by route and status"),
    "legal_http_request_duration_seconds": ("histogram", "time to the end of the response, by route"),
    "legal_answer_stage_seconds": ("histogram", "answer pipeline time per stage (route, retrieve, compose…)"),
    "legal_rate_limited_total": ("counter", "requests refused by the per-client rate limit"),
    "legal_index_chunks": ("gauge", "chunks in the loaded index"),
    "legal_index_ready": ("gauge", "1 when the index is loaded"),
}
Labels = tuple[tuple[str, str], ...]


def _labels(labels: Mapping[str, str] | None) -> Labels:
    return tuple(sorted((labels or {}).items()))


def _fmt(labels: Labels, extra: tuple[str, str] | None = None) -> str:
    pairs = [*labels, *([extra] if extra else [])]
    if not pairs:
        return ""
    esc = [(k, v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")) for k, v in pairs]
    return "{" + ",".join(f'{k}="{v}"' for k, v in esc) + "}"


class Histogram:
    __slots__ = ("counts", "sum", "count")

    def __init__(self) -> None:
        self.counts = [0] * len(BUCKETS)
        self.sum = 0.0
        self.count = 0

    def observe(self, value: float) -> None:
        i = bisect.bisect_left(BUCKETS, value)
        if i < len(BUCKETS):
            self.counts[i] += 1
        self.sum += value
        self.count += 1


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, dict[Labels, float]] = {}
        self._hists: dict[str, dict[Labels, Histogram]] = {}

    def inc(self, name: str, labels: Mapping[str, str] | None = None, value: float = 1.0) -> None:
        key = _labels(labels)
        with self._lock:
            series = self._values.setdefault(name, {})
            series[key] = series.get(key, 0.0) + value

    def set_gauge(self, name: str, value: float, labels: Mapping[str, str] | None = None) -> None:
        with self._lock:
            self._values.setdefault(name, {})[_labels(labels)] = value

    def observe(self, name: str, seconds: float, labels: Mapping[str, str] | None = None) -> None:
        key = _labels(labels)
        with self._lock:
            self._hists.setdefault(name, {}).setdefault(key, Histogram()).observe(seconds)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        labels = {"method": method, "route": route, "status": str(status)}
        self.inc("legal_http_requests_total", labels)
        if status >= 400:
            self.inc("legal_http_errors_total", {"route": route, "status": str(status)})
        self.observe("legal_http_request_duration_seconds", seconds, {"method": method, "route": route})

    def observe_stages(self, timings_ms: Mapping[str, float]) -> None:
        for stage, ms in timings_ms.items():
            self.observe("legal_answer_stage_seconds", ms / 1000, {"stage": stage})

    def render(self) -> str:
        lines: list[str] = []
        with self._lock:
            for name, (kind, help_text) in METRICS.items():
                values, hists = self._values.get(name, {}), self._hists.get(name, {})
                if not values and not hists:
                    continue
                lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
                lines += [f"{name}{_fmt(labels)} {value:g}" for labels, value in sorted(values.items())]
                for labels, h in sorted(hists.items()):
                    cumulative = 0
                    for bound, n in zip(BUCKETS, h.counts, strict=True):
                        cumulative += n
                        lines.append(f"{name}_bucket{_fmt(labels, ('le', f'{bound:g}'))} {cumulative}")
                    lines.append(f"{name}_bucket{_fmt(labels, ('le', '+Inf'))} {h.count}")
                    lines.append(f"{name}_sum{_fmt(labels)} {h.sum:.6f}")
                    lines.append(f"{name}_count{_fmt(labels)} {h.count}")
        return "\n".join(lines) + "\n"
