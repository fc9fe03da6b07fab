import json

import pytest

from legal_corpus.loaders.alqac import collection_for, load_alqac
from legal_corpus.report import CorpusError, LoadReport


def test_small_law_file(tmp_path):
    laws = [
        {"id": "Luật Căn cước", "articles": [
            {"id": "1", "text": "Phạm vi điều chỉnh\nLuật này quy định về căn cước."},
            {"id": "2", "text": "Giải thích từ ngữ\n1. Căn cước là thông tin.\n2. Thẻ căn cước là giấy tờ."},
        ]},
        {"id": "91/2015/QH13", "articles": [{"id": "4", "text": "Áp dụng\n\n1. Bộ luật này là luật chung."}]},
        {"id": "Hiến pháp", "articles": [{"id": "3", "text": "Nhà nước bảo đảm quyền làm chủ của Nhân dân."}]},
        {"articles": []},
        "not an object",
    ]
    path = tmp_path / "law_2030.json"
    path.write_text(json.dumps(laws, ensure_ascii=False), encoding="utf-8")
    report = LoadReport("alqac")
    docs = list(load_alqac(path, report))
    assert [d.doc.collection for d in docs] == ["alqac2030"] * 3
    cancuoc, blds, hp = docs
    assert [u.article_ref for u in cancuoc.units] == ["Luật Căn cước#1", "Luật Căn cước#2"]
    assert cancuoc.units[1].citation == "Điều 2 Luật Căn cước"
    assert [k.number for k in cancuoc.units[1].children] == ["1", "2"]
    assert blds.doc.number == "91/2015/QH13" and blds.doc.doc_type == "Luật"
    assert blds.units[0].title == "Áp dụng"
    assert hp.units[0].title == "" and hp.units[0].text.startswith("Nhà nước")
    assert report.records_read == 5 and report.records_loaded == 3
    assert [i.line for i in report.issues] == [4, 5]


def test_bad_files(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        list(load_alqac(tmp_path / "law_2025.json"))
    bad = tmp_path / "law_2025.json"
    bad.write_text("[{", encoding="utf-8")
    with pytest.raises(CorpusError, match="invalid JSON"):
        list(load_alqac(bad))
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    with pytest.raises(CorpusError, match="no law_"):
        list(load_alqac(empty_dir))


def test_collection_names():
    from pathlib import Path
    assert collection_for(Path("law_2025.json")) == "alqac2025"


@pytest.mark.shared_data
def test_real_alqac_corpora(shared_data):
    report = LoadReport("alqac")
    docs = list(load_alqac(shared_data / "alqac", report))
    per_collection = {}
    for d in docs:
        per_collection[d.doc.collection] = per_collection.get(d.doc.collection, 0) + len(d.units)
    assert per_collection == {"alqac2022": 1_377, "alqac2024": 2_249, "alqac2025": 3_368}
    assert report.issues == []
    refs = {u.article_ref for d in docs if d.doc.collection == "alqac2025" for u in d.units}
    train = json.loads((shared_data / "alqac" / "train_2025.json").read_text(encoding="utf-8"))
    gold = {f"{a['law_id']}#{a['article_id']}" for q in train for a in q["relevant_articles"]}
    assert gold <= refs  # every benchmark label resolves to a loaded article
