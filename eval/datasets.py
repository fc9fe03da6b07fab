"""Benchmark question sets read into one record, ``Question``, with gold article refs.

Gold refs use the same ``article_ref`` strings the index puts on its hits, so
scoring is a string comparison: the ``dieu_anchor`` for Pháp điển,
``"<law_id>#<article_id>"`` for ALQAC laws (law id NFC-normalised with
``normalize_line``, exactly as the ALQAC loader does) and the procedure code
(``ma_thu_tuc``) for procedures.

Named datasets (paths relative to the data dir, ``LEGAL_DATA_DIR``):

- ``zalo-phapdien-dev``: ``eval/zalo_phapdien_dev.jsonl``, gold = ``phapdien_dieu_anchors``.
- ``alqac2025-train``: ``alqac/train_2025.json`` (Đúng/Sai, Trắc nghiệm, Tự luận); the query is
  the question with its multiple-choice options appended on their own lines ("A. …"), as a user
  would paste them (``with_choices=False`` sends the bare question).
- ``alqac2022``: ``alqac/questions_2022.json`` (free-text answers).
- ``procedures-dev``: the project's own ``eval/data/procedures_dev.jsonl`` (gold procedure codes and
  required facts) together with ``eval/data/out_of_scope_dev.jsonl`` (questions to refuse).

Any other ``FILE.jsonl`` is read in the generic format documented in ``eval/FORMATS.md``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from legal_corpus.normalize import normalize_line

BUNDLED = Path(__file__).resolve().parent / "data"


class DatasetError(Exception):
    """A dataset that is missing or unreadable; the CLI prints it as one line."""


@dataclass(frozen=True)
class Question:
    id: str
    text: str  # the query exactly as sent to the search
    gold: tuple[str, ...]  # article_refs of the relevant articles
    qtype: str | None = None
    choices: dict[str, str] | None = None
    answer: str | None = None  # "Đúng"/"Sai", an option letter, or a free-text answer
    facts: tuple[str, ...] = ()  # strings a correct answer must contain
    refuse: bool = False  # the assistant must refuse this question
    category: str | None = None  # the asked aspect, or why the question is out of scope


@dataclass(frozen=True)
class DatasetSpec:
    """A named dataset and the corpus its index must be built from."""

    name: str
    path: str  # relative to the data dir; absolute for the sets bundled in eval/data
    reader: Callable[..., list[Question]]  # (path, with_choices=…) → questions
    corpus_source: str  # legal_corpus source name, for the index command
    corpus_path: str  # relative to the data dir
    collection: str  # collection the gold articles live in
    alqac: bool  # score the ALQAC task-1 F2 (how many articles to return)
    index_name: str = ""  # the index folder the standard suite uses (under var/index)


def alqac_ref(law_id: Any, article_id: Any) -> str:
    return f"{normalize_line(str(law_id))}#{str(article_id).strip()}"


def query_with_choices(text: str, choices: Mapping[str, str] | None) -> str:
    """The question followed by "A. …" lines, in the option order of the file."""
    lines = [text.strip()]
    lines += [f"{key}. {str(value).strip()}" for key, value in (choices or {}).items()]
    return "\n".join(lines)


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path}: cannot read JSON ({exc})") from exc


def _load_jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path}: cannot read ({exc})") from exc
    rows = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except ValueError as exc:
            raise DatasetError(f"{path}:{n}: not a JSON line ({exc})") from exc
    return rows


def _field(path: Path, rec: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        if name in rec:
            return rec[name]
    raise DatasetError(f"{path}: record {rec.get('id') or rec.get('question_id')!r} has no {names[0]!r}")


def read_zalo(path: Path, with_choices: bool = True) -> list[Question]:
    return [Question(id=str(r["id"]), text=str(_field(path, r, "question")),
                     gold=tuple(str(a).strip() for a in _field(path, r, "phapdien_dieu_anchors")))
            for r in _load_jsonl(path)]


def read_alqac2025(path: Path, with_choices: bool = True) -> list[Question]:
    out = []
    for r in _load_json(path):
        choices = r.get("choices") or None
        text = str(_field(path, r, "text"))
        out.append(Question(
            id=str(_field(path, r, "question_id")),
            text=query_with_choices(text, choices) if with_choices else text,
            gold=tuple(alqac_ref(a["law_id"], a["article_id"]) for a in _field(path, r, "relevant_articles")),
            qtype=r.get("question_type"), choices=dict(choices) if choices else None,
            answer=r.get("answer"),
        ))
    return out


def read_alqac2022(path: Path, with_choices: bool = True) -> list[Question]:
    return [Question(id=str(_field(path, r, "id")), text=str(_field(path, r, "text")),
                     gold=tuple(alqac_ref(a["law_id"], a["article_id"]) for a in _field(path, r, "relevant_articles")),
                     answer=r.get("answer"))
            for r in _load_json(path)]


def _generic(path: Path, r: Mapping[str, Any], with_choices: bool, **overrides: Any) -> Question:
    choices = r.get("choices") or None
    text = str(_field(path, r, "question"))
    q = Question(id=str(_field(path, r, "id")), text=query_with_choices(text, choices) if with_choices else text,
                 gold=tuple(str(g).strip() for g in (r.get("gold") or r.get("gold_codes") or ())),
                 qtype=r.get("qtype"), choices=dict(choices) if choices else None,
                 answer=None if r.get("answer") is None else str(r["answer"]),
                 facts=tuple(str(f) for f in r.get("facts") or ()), refuse=bool(r.get("refuse", False)),
                 category=r.get("category") or r.get("aspect"))
    q = replace(q, **overrides)
    if not (q.gold or q.answer or q.facts or q.refuse):
        raise DatasetError(f"{path}: record {q.id!r} has nothing to score: give 'gold', 'answer', 'facts' "
                           "or 'refuse'")
    return q


def read_generic(path: Path, with_choices: bool = True) -> list[Question]:
    """The documented generic format (``eval/FORMATS.md``); choices are appended to the question."""
    return [_generic(path, r, with_choices) for r in _load_jsonl(path)]


def read_out_of_scope(path: Path, with_choices: bool = True) -> list[Question]:
    """Questions to refuse, in the generic format (``refuse`` implied)."""
    return [_generic(path, r, with_choices, refuse=True) for r in _load_jsonl(path)]


def read_procedures_dev(path: Path, with_choices: bool = True) -> list[Question]:
    """The procedure questions, then the out-of-scope ones from ``out_of_scope_dev.jsonl`` beside them."""
    return read_generic(path, with_choices) + read_out_of_scope(path.with_name("out_of_scope_dev.jsonl"), with_choices)


DATASETS: dict[str, DatasetSpec] = {
    s.name: s for s in (
        DatasetSpec("zalo-phapdien-dev", "eval/zalo_phapdien_dev.jsonl", read_zalo,
                    "phapdien", "phapdien/phapdien_dieu.jsonl.gz", "phapdien", alqac=False, index_name="phapdien"),
        DatasetSpec("alqac2025-train", "alqac/train_2025.json", read_alqac2025,
                    "alqac", "alqac/law_2025.json", "alqac2025", alqac=True, index_name="alqac2025"),
        DatasetSpec("alqac2022", "alqac/questions_2022.json", read_alqac2022,
                    "alqac", "alqac/law_2022.json", "alqac2022", alqac=True, index_name="alqac2022"),
        DatasetSpec("procedures-dev", str(BUNDLED / "procedures_dev.jsonl"), read_procedures_dev,
                    "procedures", "tthc/procedures.jsonl.gz", "procedures", alqac=False, index_name="procedures"),
    )
}


def dataset_name(dataset: str) -> str:
    """Report name: the named dataset, or the generic file's stem."""
    return dataset if dataset in DATASETS else Path(dataset).stem


def load_dataset(dataset: str, data_dir: Path, with_choices: bool = True,
                 limit: int | None = None) -> tuple[DatasetSpec | None, list[Question]]:
    """A named dataset under ``data_dir``, or a generic JSONL file (only its first ``limit`` questions when
    given); ``DatasetError`` when absent or bad."""
    spec = DATASETS.get(dataset)
    path = Path(data_dir) / spec.path if spec else Path(dataset)
    if spec is None and path.suffix != ".jsonl":
        raise DatasetError(f"unknown dataset {dataset!r}: use one of {', '.join(DATASETS)} or a FILE.jsonl")
    if not path.is_file():
        raise DatasetError(f"dataset file not found: {path}")
    reader = spec.reader if spec else read_generic
    try:
        questions = reader(path, with_choices=with_choices)
    except (KeyError, TypeError, AttributeError) as exc:
        raise DatasetError(f"{path}: unexpected record layout ({type(exc).__name__}: {exc})") from exc
    if not questions:
        raise DatasetError(f"{path}: no questions")
    return spec, questions[:limit] if limit else questions
