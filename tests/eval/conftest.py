"""A tiny ALQAC-style benchmark written for the tests: three laws, six questions of every kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from legal_corpus.loaders.alqac import load_alqac
from retrieval.build import update_index

LAWS = [
    {"id": "Luật Du lịch", "articles": [
        {"id": "39", "text": "Hợp đồng lữ hành\n1. Hợp đồng lữ hành là sự thỏa thuận giữa doanh nghiệp kinh doanh "
                             "dịch vụ lữ hành và khách du lịch.\n2. Hợp đồng lữ hành phải được lập thành văn bản."},
        {"id": "5", "text": "Dịch vụ du lịch\n1. Các loại dịch vụ du lịch khác bao gồm dịch vụ thể thao, dịch vụ ăn "
                            "uống và dịch vụ chăm sóc sức khỏe.\n2. Dịch vụ lưu trú do cơ sở lưu trú du lịch cung cấp."},
    ]},
    {"id": "Luật Cư trú", "articles": [
        {"id": "9", "text": "Thời hạn tạm trú\n1. Thời hạn tạm trú tối đa là 02 năm và có thể tiếp tục gia hạn nhiều "
                            "lần.\n2. Công dân có quyền tự do cư trú theo quy định của Luật này."},
        {"id": "20", "text": "Điều kiện đăng ký thường trú\nCông dân có chỗ ở hợp pháp thuộc quyền sở hữu của mình "
                             "thì được đăng ký thường trú tại chỗ ở hợp pháp đó."},
    ]},
    {"id": "Luật Hôn nhân và gia đình", "articles": [
        {"id": "8", "text": "Điều kiện kết hôn\n1. Nam từ đủ 20 tuổi trở lên, nữ từ đủ 18 tuổi trở lên.\n"
                            "2. Việc kết hôn do nam và nữ tự nguyện quyết định."},
    ]},
]


def _q(qid: str, qtype: str, text: str, gold: str, answer: str, choices: dict[str, str] | None = None) -> dict:
    law, article = gold.split("#")
    return {"question_id": qid, "question_type": qtype, "text": text, "answer": answer,
            "relevant_articles": [{"law_id": law, "article_id": article}], **({"choices": choices} if choices else {})}


QUESTIONS = [
    _q("t1", "Đúng/Sai", "Hợp đồng lữ hành không cần phải được lập thành văn bản, đúng hay sai?", "Luật Du lịch#39",
       "Sai"),
    _q("t2", "Đúng/Sai", "Hợp đồng lữ hành phải được lập thành văn bản, đúng hay sai?", "Luật Du lịch#39", "Đúng"),
    _q("t3", "Đúng/Sai", "Thời hạn tạm trú tối đa là 03 năm.", "Luật Cư trú#9", "Sai"),
    _q("m1", "Trắc nghiệm", "Thời hạn tạm trú tối đa là bao lâu?", "Luật Cư trú#9", "B",
       {"A": "01 năm", "B": "02 năm và có thể gia hạn nhiều lần", "C": "03 năm", "D": "05 năm"}),
    _q("m2", "Trắc nghiệm", "Các loại dịch vụ du lịch khác bao gồm?", "Luật Du lịch#5", "D",
       {"A": "Dịch vụ thể thao.", "B": "Dịch vụ ăn uống.", "C": "Dịch vụ chăm sóc sức khỏe.",
        "D": "Cả 3 phương án trên."}),
    _q("f1", "Tự luận", "Nữ từ đủ bao nhiêu tuổi thì được kết hôn?", "Luật Hôn nhân và gia đình#8", "18 tuổi"),
]


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding ``alqac/law_2025.json`` and ``alqac/train_2025.json`` only."""
    data = tmp_path_factory.mktemp("data")
    (data / "alqac").mkdir()
    (data / "alqac" / "law_2025.json").write_text(json.dumps(LAWS, ensure_ascii=False), encoding="utf-8")
    (data / "alqac" / "train_2025.json").write_text(json.dumps(QUESTIONS, ensure_ascii=False), encoding="utf-8")
    return data


@pytest.fixture(scope="session")
def tiny_index(tiny_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A BM25 index of the three laws (collection ``alqac2025``)."""
    index_dir = tmp_path_factory.mktemp("index") / "alqac2025"
    update_index(index_dir, load_alqac(tiny_data / "alqac" / "law_2025.json"), embedder_spec="none", source="alqac")
    return index_dir
