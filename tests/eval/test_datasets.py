"""Dataset readers on tiny fixture files, and on the real question sets when ../shared/data is there."""

from __future__ import annotations

import gzip
import json
import unicodedata
from pathlib import Path

import pytest

from eval.datasets import DATASETS, DatasetError, Question, dataset_name, load_dataset

NFD_LAW = unicodedata.normalize("NFD", "Luật Viên chức")


def write(path: Path, data: object, jsonl: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if jsonl:
        text = "\n".join(json.dumps(r, ensure_ascii=False) for r in data) + "\n"  # type: ignore[attr-defined]
    else:
        text = json.dumps(data, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    write(tmp_path / "eval" / "zalo_phapdien_dev.jsonl", [
        {"id": "z1", "question": "Cơ sở sản xuất thuốc gồm những cơ sở nào?",
         "zalo_relevant_articles": [{"law_id": "35/2018/tt-byt", "article_id": "2"}],
         "phapdien_dieu_anchors": [" 4500400000000000100000280267440035000020 ", "X2"]},
        {"id": "z2", "question": "Hỏi gì?", "phapdien_dieu_anchors": ["X3"]},
    ], jsonl=True)
    write(tmp_path / "alqac" / "train_2025.json", [
        {"question_id": "t1", "question_type": "Trắc nghiệm", "text": "Viên chức bị chấm dứt hợp đồng khi nào? ",
         "choices": {"A": "Hai năm không hoàn thành nhiệm vụ", "B": "Ốm đau", "C": "Nghỉ phép", "D": "Có thai"},
         "relevant_articles": [{"law_id": NFD_LAW, "article_id": " 29"}], "answer": "A"},
        {"question_id": "t2", "question_type": "Đúng/Sai", "text": "Câu hỏi, đúng hay sai?",
         "relevant_articles": [{"law_id": "Luật Giá", "article_id": "1"}, {"law_id": "Luật Giá", "article_id": "2"}],
         "answer": "Đúng"},
    ])
    write(tmp_path / "alqac" / "questions_2022.json", [
        {"id": "q-1", "text": "Chiếm đoạt di vật của tử sĩ bị phạt bao nhiêu năm?", "answer": "07 năm",
         "relevant_articles": [{"law_id": "01/VBHN-VPQH", "article_id": "418"}]},
    ])
    return tmp_path


def test_zalo_reader(data_dir: Path) -> None:
    spec, qs = load_dataset("zalo-phapdien-dev", data_dir)
    assert spec is DATASETS["zalo-phapdien-dev"] and spec.corpus_source == "phapdien"
    assert qs[0] == Question(id="z1", text="Cơ sở sản xuất thuốc gồm những cơ sở nào?",
                             gold=("4500400000000000100000280267440035000020", "X2"))
    assert [q.id for q in qs] == ["z1", "z2"]


def test_alqac2025_reader_appends_choices_and_normalises_law_ids(data_dir: Path) -> None:
    spec, qs = load_dataset("alqac2025-train", data_dir)
    assert spec is not None and spec.alqac and spec.corpus_path == "alqac/law_2025.json"
    mc, tf = qs
    assert mc.gold == ("Luật Viên chức#29",)
    assert unicodedata.is_normalized("NFC", mc.gold[0]) and mc.gold[0] != f"{NFD_LAW}#29"
    assert mc.text == ("Viên chức bị chấm dứt hợp đồng khi nào?\nA. Hai năm không hoàn thành nhiệm vụ\n"
                       "B. Ốm đau\nC. Nghỉ phép\nD. Có thai")
    assert (mc.qtype, mc.answer, sorted(mc.choices or {})) == ("Trắc nghiệm", "A", ["A", "B", "C", "D"])
    assert tf.text == "Câu hỏi, đúng hay sai?" and tf.choices is None
    assert tf.gold == ("Luật Giá#1", "Luật Giá#2")
    _, bare = load_dataset("alqac2025-train", data_dir, with_choices=False)
    assert bare[0].text == "Viên chức bị chấm dứt hợp đồng khi nào? " and bare[0].choices == mc.choices


def test_alqac2022_reader(data_dir: Path) -> None:
    spec, qs = load_dataset("alqac2022", data_dir)
    assert spec is not None and spec.corpus_path == "alqac/law_2022.json" and spec.collection == "alqac2022"
    assert qs == [Question(id="q-1", text="Chiếm đoạt di vật của tử sĩ bị phạt bao nhiêu năm?",
                           gold=("01/VBHN-VPQH#418",), answer="07 năm")]


def test_generic_jsonl(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.jsonl", [
        {"id": 7, "question": "Thủ tục nào?", "gold": ["a#1", "b#2"]},
        {"id": "m2", "question": "Chọn?", "gold": ["c"], "qtype": "mc", "choices": {"A": "x", "B": "y"}},
    ], jsonl=True)
    spec, qs = load_dataset(str(path), tmp_path / "unused")
    assert spec is None and dataset_name(str(path)) == "mine"
    assert qs[0] == Question(id="7", text="Thủ tục nào?", gold=("a#1", "b#2"))
    assert qs[1].text == "Chọn?\nA. x\nB. y" and qs[1].qtype == "mc"


def test_generic_answer_sets(tmp_path: Path) -> None:
    """Procedure questions with facts, questions to refuse, and an exam question without gold articles."""
    path = write(tmp_path / "mine.jsonl", [
        {"id": "p", "question": "Lệ phí?", "gold_codes": ["1.001193"], "facts": ["Miễn phí"], "aspect": "fee"},
        {"id": "o", "question": "Làm giả con dấu?", "refuse": True, "category": "forgery"},
        {"id": "t", "question": "Đúng hay sai?", "qtype": "Đúng/Sai", "answer": "Sai"},
    ], jsonl=True)
    _, (p, o, t) = load_dataset(str(path), tmp_path)
    assert (p.gold, p.facts, p.category, p.refuse) == (("1.001193",), ("Miễn phí",), "fee", False)
    assert (o.gold, o.refuse, o.category) == ((), True, "forgery")
    assert (t.gold, t.answer, t.qtype) == ((), "Sai", "Đúng/Sai")


def test_bundled_procedure_set_includes_the_out_of_scope_questions(tmp_path: Path) -> None:
    spec, qs = load_dataset("procedures-dev", tmp_path)  # bundled: no data dir needed
    inscope, refuse = [q for q in qs if not q.refuse], [q for q in qs if q.refuse]
    assert spec.index_name == "procedures" and len(inscope) >= 80 and len(refuse) >= 50
    assert all(q.gold and q.facts and not q.refuse for q in inscope)
    assert all(q.refuse and not q.gold and q.category for q in refuse)
    assert len({q.id for q in qs}) == len(qs)


@pytest.mark.parametrize(("content", "message"), [
    ('{"id": "1", "question": "q", "gold": ["a"]}\nnot json\n', ":2: not a JSON line"),
    ('{"id": "1", "question": "q"}\n', "has nothing to score"),
    ('{"id": "1", "gold": ["a"]}\n', "has no 'question'"),
    ("", "no questions"),
])
def test_generic_jsonl_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetError, match=message):
        load_dataset(str(path), tmp_path)


def test_missing_and_unknown_datasets(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="dataset file not found: .*train_2025.json"):
        load_dataset("alqac2025-train", tmp_path)
    with pytest.raises(DatasetError, match="dataset file not found"):
        load_dataset(str(tmp_path / "absent.jsonl"), tmp_path)
    with pytest.raises(DatasetError, match="unknown dataset 'zalo'"):
        load_dataset("zalo", tmp_path)


def test_layout_errors_are_dataset_errors(tmp_path: Path) -> None:
    write(tmp_path / "alqac" / "train_2025.json", [{"question_id": "t", "text": "q", "relevant_articles": [{}]}])
    with pytest.raises(DatasetError, match="unexpected record layout"):
        load_dataset("alqac2025-train", tmp_path)


# Real question sets: sizes, and every gold ref names an article of the corpus the index is built from.

def test_real_zalo(shared_data: Path) -> None:
    spec, qs = load_dataset("zalo-phapdien-dev", shared_data)
    assert len(qs) == 686 and len({q.id for q in qs}) == 686 and all(q.gold and q.text for q in qs)
    corpus = shared_data / spec.corpus_path  # type: ignore[union-attr]
    if not corpus.is_file():
        pytest.skip(f"Pháp điển corpus not found at {corpus}")
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        anchors = {str(json.loads(line).get("dieu_anchor") or "").strip() for line in fh}
    assert all(g in anchors for q in qs for g in q.gold)


@pytest.mark.parametrize(("name", "count"), [("alqac2025-train", 729), ("alqac2022", 520)])
def test_real_alqac(shared_data: Path, name: str, count: int) -> None:
    from legal_corpus.loaders.alqac import load_alqac

    spec, qs = load_dataset(name, shared_data)
    assert len(qs) == count and len({q.id for q in qs}) == count and all(q.gold for q in qs)
    refs = {u.article_ref for doc in load_alqac(shared_data / spec.corpus_path) for u in doc.units}  # type: ignore[union-attr]
    missing = [g for q in qs for g in q.gold if g not in refs]
    assert not missing, missing[:5]
    if name == "alqac2025-train":
        with_options = [q for q in qs if q.choices]
        assert len(with_options) == 286 and all("\nA. " in q.text and "\nD. " in q.text for q in with_options)
        assert sum(len(q.gold) > 1 for q in qs) == 11
