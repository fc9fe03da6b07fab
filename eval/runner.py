"""Run a question set through the search and the answer pipeline, caching each result as it finishes.

One index load per dataset, then for every question: the same ``LegalIndex.search``
users' queries take (for the retrieval metrics) and ``Assistant.ask`` (for the
answer metrics). Each result is appended to a cache file named by a key of the
dataset, the index fingerprint, the run settings and the code fingerprint, so an
interrupted run continues where it stopped and a finished one is not recomputed,
while a changed index, setting or code starts afresh.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from assistant.answer import Answer
from assistant.cards import card_text
from assistant.choice import detect
from assistant.llm.base import ChatModel

from .answers import answer_kind
from .datasets import Question
from .provenance import code_fingerprint, index_summary

TF_PREFIX = "Nhận định sau đúng hay sai: "  # what ALQAC's task states for a bare statement


class RunError(Exception):
    """An index that cannot be read, duplicate question ids…: printed as one line by the CLI."""


@dataclass(frozen=True)
class RunSettings:
    """Everything besides the code and the index that changes a per-question result."""

    composer: str = "extractive"
    model: str = ""  # the LLM model name, for LLM composers
    persona: str = "citizen"
    k: int = 100  # hits per question for the retrieval metrics
    with_choices: bool = True
    retrieval: bool = True
    answers: bool = True


@dataclass
class DatasetRun:
    records: list[dict[str, Any]]  # one per question, in dataset order
    computed: int  # how many were computed now (the others came from the cache)
    index: dict[str, Any]  # index_summary of the manifest
    cache_key: str


def asked_text(q: Question) -> str:
    """What the assistant is asked: the question as a user pastes it; a bare statement to judge gets the
    "đúng hay sai" cue the benchmark's task gives."""
    if answer_kind(q) == "true_false" and detect(q.text) is None:
        return TF_PREFIX + q.text
    return q.text


def cache_key(dataset: str, index: dict[str, Any], settings: RunSettings) -> str:
    blob = json.dumps({"dataset": dataset, "index": index, "settings": asdict(settings), "code": code_fingerprint()},
                      sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(blob.encode(), digest_size=8).hexdigest()


class ResultCache:
    """``<dir>/<dataset>-<key>.jsonl``: one finished question a line; a torn last line is ignored."""

    def __init__(self, directory: Path, dataset: str, key: str) -> None:
        self.directory, self.prefix = Path(directory), "".join(c if c.isalnum() or c in "-_." else "_" for c in dataset)
        self.path = self.directory / f"{self.prefix}-{key}.jsonl"

    def load(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        if self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    rec = json.loads(line)
                    out[str(rec["id"])] = rec
                except (ValueError, KeyError, TypeError):
                    continue
        return out

    @contextmanager
    def writer(self) -> Iterator[Any]:
        self.directory.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            def write(rec: dict[str, Any]) -> None:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                fh.flush()

            yield write

    def drop_stale(self) -> None:
        """Remove this dataset's caches made with other keys (older code, index or settings)."""
        for path in self.directory.glob(f"{self.prefix}-*.jsonl"):
            if path != self.path and len(path.stem) == len(self.path.stem):
                path.unlink()


class ArticleTexts:
    """Article text by ``article_ref``, to check that a citation's quote is verbatim."""

    def __init__(self, index: Any) -> None:
        self.index = index
        self._rows: dict[str, list[int]] | None = None

    def text(self, ref: str) -> str:
        if self._rows is None:
            self._rows = {}
            for row, chunk in enumerate(self.index.chunks):
                self._rows.setdefault(chunk.article_ref, []).append(row)
        return _flat(" ".join(self.index.chunks[r].text for r in self._rows.get(ref, ())))


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def answer_record(answer: Answer, texts: ArticleTexts) -> dict[str, Any]:
    """The parts of an Answer the scorers read; each citation marked valid when it names a retrieved article
    and its quote (if any) occurs verbatim in that article."""
    hit_refs = [h["article_ref"] for h in answer.hits]
    cites = [{"article_ref": c.article_ref, "label": c.label,
              "valid": c.article_ref in hit_refs and (not c.quote or _flat(c.quote) in texts.text(c.article_ref))}
             for c in answer.citations]
    return {"text": answer.text, "intent": answer.intent, "refused": answer.refused, "grounded": answer.grounded,
            "composer": answer.composer, "notes": list(answer.notes), "procedure_codes": answer.procedure_codes,
            "card": asdict(answer.card) if answer.card else None,
            "card_text": card_text(answer.card) if answer.card else "", "hits": hit_refs, "citations": cites,
            "timings_ms": dict(answer.timings_ms)}


def run_question(q: Question, index: Any, assistant: Any, settings: RunSettings, texts: ArticleTexts) -> dict:
    rec: dict[str, Any] = {"id": q.id}
    if settings.retrieval and q.gold:
        start = time.perf_counter()
        hits = index.search(q.text, k=settings.k)
        rec["search_ms"] = round((time.perf_counter() - start) * 1000, 3)
        rec["hits"] = [[h.article_ref, round(h.score, 6)] for h in hits]  # the search gives one hit per article
    if settings.answers:
        rec["answer"] = answer_record(assistant.ask(asked_text(q), settings.persona), texts)  # type: ignore[arg-type]
    return rec


def run_dataset(name: str, questions: Sequence[Question], index_dir: Path, settings: RunSettings, cache_dir: Path,
                *, chat_model: ChatModel | None = None, llm_timeout_s: float = 30.0,
                progress: bool = True) -> DatasetRun:
    """Every question's record, computing only those missing from the cache (the index is loaded only then)."""
    from retrieval.store import IndexLoadError, read_manifest

    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise RunError(f"{name}: question ids must be unique (the cache is keyed by them)")
    try:
        summary = index_summary(read_manifest(Path(index_dir)))
    except (IndexLoadError, OSError) as exc:
        raise RunError(f"cannot read index {index_dir}: {exc}") from exc
    key = cache_key(name, summary, settings)
    cache = ResultCache(cache_dir, name, key)
    done = cache.load()
    todo = [q for q in questions if q.id not in done]
    if todo:
        from assistant.pipeline import Assistant
        from retrieval.index import open_index

        try:
            index = open_index(Path(index_dir))
        except IndexLoadError as exc:
            raise RunError(str(exc)) from exc
        index.warm()
        assistant = Assistant(index, chat_model=chat_model, llm_timeout_s=llm_timeout_s)
        texts = ArticleTexts(index)
        with cache.writer() as write, tqdm(total=len(questions), initial=len(questions) - len(todo), desc=name,
                                           unit="q", disable=not progress, file=sys.stderr) as bar:
            for q in todo:
                done[q.id] = run_question(q, index, assistant, settings, texts)
                write(done[q.id])
                bar.update()
    cache.drop_stale()
    return DatasetRun([done[i] for i in ids], len(todo), summary, key)
