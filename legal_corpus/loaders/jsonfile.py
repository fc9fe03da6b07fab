"""Read JSON records from .jsonl, .jsonl.gz or a .json list, keeping the good ones.

One bad line must not cost the thousands of good lines around it: it is
recorded in the report with its file and line, and reading goes on. A file
that cannot be opened, or a gzip stream that breaks off, is a clear
``CorpusError`` or a recorded error, never a traceback.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ..report import CorpusError, LoadReport


def require_path(path: Path | str) -> Path:
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    return path


def _open_bytes(path: Path) -> BinaryIO:
    raw = path.open("rb")
    gzipped = raw.read(2) == b"\x1f\x8b"
    raw.seek(0)
    if path.suffix == ".gz" and not gzipped:
        raw.close()
        raise CorpusError(f"{path}: not a gzip file")
    return gzip.GzipFile(fileobj=raw) if gzipped else raw


def iter_json_records(path: Path | str, report: LoadReport) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) for each JSON object in the file.

    Lines are decoded one by one, so a line in another encoding costs only
    that line.
    """
    path = require_path(path)
    if path.is_dir():
        raise CorpusError(f"{path}: expected a .jsonl, .jsonl.gz or .json file, got a folder")
    if path.suffix == ".json":
        yield from _iter_json_list(path, report)
        return
    try:
        stream = _open_bytes(path)
    except OSError as exc:
        raise CorpusError(f"{path}: cannot open ({exc})") from exc
    line_no = 0
    with stream:
        while True:
            try:
                raw = stream.readline()
            except (EOFError, OSError, zlib.error) as exc:
                report.error(path, line_no + 1, f"compressed stream is corrupt or truncated ({exc}); "
                             f"kept the {line_no} lines read before it")
                return
            if not raw:
                return
            line_no += 1
            if not raw.strip():
                continue
            report.records_read += 1
            try:
                obj = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                report.error(path, line_no, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
                continue
            except json.JSONDecodeError as exc:
                report.error(path, line_no, f"invalid JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(obj, dict):
                report.error(path, line_no, f"expected a JSON object, got {type(obj).__name__}")
                continue
            yield line_no, obj


def _iter_json_list(path: Path, report: LoadReport) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})") from exc
    if not isinstance(data, list):
        raise CorpusError(f"{path}: expected a JSON list of records")
    for i, obj in enumerate(data, 1):
        report.records_read += 1
        if not isinstance(obj, dict):
            report.error(path, i, f"item {i}: expected a JSON object, got {type(obj).__name__}")
            continue
        yield i, obj
