import gzip
import json
import unicodedata
from pathlib import Path

import pytest

from legal_corpus.loaders.phapdien import is_attachment_only, load_phapdien
from legal_corpus.models import Level, Status
from legal_corpus.report import CorpusError, LoadReport


def _rec(anchor, text, note, **kw):
    base = {
        "demuc_uuid": "u1", "demuc_code": "15.3", "demuc_title": "Hộ tịch", "chuong": "Chương II - ĐĂNG KÝ",
        "dieu_anchor": anchor, "dieu_code": f"15.3.LQ.{anchor[-2:]}", "dieu_title": "Thủ tục đăng ký khai sinh",
        "source_note": note, "source_url": f"http://vbpl.vn/x.aspx?ItemID=1#Dieu_{anchor}", "text": text,
        "related_anchors": ["A9"],
    }
    base.update(kw)
    return base


NOTE_FULL = ("(Điều 16 Luật số 60/2014/QH13 Luật Hộ tịch ngày 20/11/2014 của Quốc hội, "
             "có hiệu lực thi hành kể từ ngày 01/01/2016)")
NOTE_SHORT = "(Điều {n} Luật số 60/2014/QH13, có hiệu lực thi hành kể từ ngày 01/01/2016)"
NOTE_REPEALED = ("(Điều 7 Luật số 23/2004/QH11, có hiệu lực thi hành kể từ ngày 01/01/2005, bị bãi bỏ bởi "
                 "Điều 2 Luật số 48/2014/QH13 có hiệu lực thi hành kể từ ngày 01/01/2015)")
BODY = "1. Người đi đăng ký khai sinh nộp tờ khai.\n2. Ngay sau khi nhận đủ giấy tờ:\na) kiểm tra;\nb) ghi sổ."


def _write_gz(path: Path, lines: list[str]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path


@pytest.fixture()
def small_dump(tmp_path):
    records = [
        _rec("A01", BODY, NOTE_FULL),
        _rec("A02", unicodedata.normalize("NFD", "Hoà giải viên được hỗ trợ."), NOTE_SHORT.format(n=17),
             dieu_title=""),
        _rec("A02", unicodedata.normalize("NFD", "Hoà giải viên được hỗ trợ."), NOTE_SHORT.format(n=17)),
        _rec("A03", "Bài khác có cùng anchor", NOTE_SHORT.format(n=18)),
        _rec("A03", "Một điều khác hẳn", NOTE_SHORT.format(n=19)),
        _rec("B01", "Nội dung cũ.", NOTE_REPEALED, demuc_code="20.1"),
        _rec("", "no anchor", NOTE_SHORT.format(n=1)),
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines.insert(3, "{not json")
    return _write_gz(tmp_path / "dump.jsonl.gz", lines)


def test_records_group_into_source_documents_with_citations(small_dump):
    report = LoadReport("phapdien")
    docs = {d.doc.number: d for d in load_phapdien(small_dump, report)}
    assert set(docs) == {"60/2014/QH13", "23/2004/QH11"}
    hotich = docs["60/2014/QH13"]
    assert hotich.doc.title == "Luật Hộ tịch"
    assert hotich.doc.issuer == "Quốc hội"
    assert hotich.doc.effective.isoformat() == "2016-01-01"
    assert hotich.doc.source_url == "http://vbpl.vn/x.aspx?ItemID=1"
    first = hotich.units[0]
    assert first.citation == "Điều 16 Luật Hộ tịch 2014 (60/2014/QH13)"
    assert first.article_ref == "A01"
    assert first.context == "Đề mục 15.3 Hộ tịch › Chương II - ĐĂNG KÝ"
    assert first.related == ("A9",)
    assert first.get_meta("dieu_code") == "15.3.LQ.01"
    point = first.children[1].children[0]
    assert (point.level, point.citation) == (Level.DIEM, "Điểm a Khoản 2 Điều 16 Luật Hộ tịch 2014 (60/2014/QH13)")


def test_defects_are_counted_not_hidden(small_dump):
    report = LoadReport("phapdien")
    docs = list(load_phapdien(small_dump, report))
    ids = [u.id for d in docs for u in d.units]
    assert report.records_read == 8
    assert report.records_loaded == 5  # 8 read − bad JSON − no anchor − identical duplicate
    assert [(i.line, i.message.split(" (")[0]) for i in report.issues] == [(4, "invalid JSON"),
                                                                           (8, "record has no dieu_anchor")]
    assert report.defects["duplicate_anchor_same_article_skipped"] == 1
    assert report.defects["duplicate_anchor_different_article"] == 1
    assert report.defects["decomposed_unicode"] == 2
    assert report.defects["empty_title"] == 1
    assert "phapdien:A03" in ids and "phapdien:A03~2" in ids
    text = next(u.text for d in docs for u in d.units if u.id == "phapdien:A02")
    assert text == "Hòa giải viên được hỗ trợ." and unicodedata.is_normalized("NFC", text)


def test_repealed_articles_carry_their_status(small_dump):
    docs = {d.doc.number: d for d in load_phapdien(small_dump, LoadReport("phapdien"))}
    old = docs["23/2004/QH11"]
    assert old.units[0].status is Status.REPEALED
    assert "bị bãi bỏ bởi" in old.units[0].status_note
    assert old.doc.status is Status.REPEALED
    assert docs["60/2014/QH13"].units[0].status is Status.IN_FORCE


def test_truncated_gzip_keeps_what_was_read(tmp_path):
    good = tmp_path / "good.jsonl.gz"
    _write_gz(good, [json.dumps(_rec(f"A{i:02d}", "x " * 2000 + str(i), NOTE_SHORT.format(n=i))) for i in range(40)])
    data = good.read_bytes()
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) * 2 // 3])
    report = LoadReport("phapdien")
    units = [u for d in load_phapdien(cut, report) for u in d.units]
    assert 0 < len(units) < 40
    assert len(report.issues) == 1
    assert "corrupt or truncated" in report.issues[0].message and "cut.jsonl.gz" in report.issues[0].file


def test_unreadable_inputs_raise_one_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        list(load_phapdien(tmp_path / "missing.jsonl.gz"))
    fake = tmp_path / "fake.jsonl.gz"
    fake.write_text("plain text, not gzip")
    with pytest.raises(CorpusError, match="not a gzip file"):
        list(load_phapdien(fake))


def test_attachment_only_texts():
    assert is_attachment_only("Phu luc kem theo Thong tu 28-2018-BGDĐT.doc")
    assert is_attachment_only("Ban hành kèm theo Thông tư này Quy chế.\nQuy che dinh kem.doc")
    assert not is_attachment_only("1. Khoản một.\n2. Khoản hai.\nMẫu số 01.doc")
    assert not is_attachment_only("Không có tệp đính kèm.")


@pytest.fixture(scope="module")
def full_phapdien(shared_data):
    report = LoadReport("phapdien")
    docs = list(load_phapdien(shared_data / "phapdien" / "phapdien_dieu.jsonl.gz", report))
    return docs, report


def test_full_phapdien_matches_the_data_readme(full_phapdien):
    docs, report = full_phapdien
    assert report.records_read == 62_323
    assert report.issues == []
    d = report.defects
    assert d["duplicate_anchor_same_article_skipped"] + d["duplicate_anchor_different_article"] == 29
    assert d["duplicate_anchor_different_article"] == 20
    assert report.records_loaded == 62_323 - 9
    assert (d["empty_text"], d["empty_title"], d["decomposed_unicode"]) == (393, 2_631, 2_400)
    assert (d["text_over_2000_chars"], d["text_over_5000_chars"]) == (8_698, 1_202)
    articles = [u for doc in docs for u in doc.units]
    assert len(articles) == 62_314
    assert len({u.id for u in articles}) == 62_314
    assert max(len(u.text) for u in articles) >= 290_000
    assert all(unicodedata.is_normalized("NFC", u.text) for u in articles[::97])


def test_full_phapdien_resolves_documents_and_statuses(full_phapdien):
    docs, _ = full_phapdien
    by_number = {d.doc.number: d for d in docs}
    hotich = by_number["60/2014/QH13"]
    art16 = next(u for u in hotich.units if u.number == "16")
    assert art16.citation == "Điều 16 Luật Hộ tịch 2014 (60/2014/QH13)"
    assert art16.title == "Thủ tục đăng ký khai sinh"
    assert [k.number for k in art16.children] == ["1", "2", "3"]
    statuses = [u.status for d in docs for u in d.units]
    assert statuses.count(Status.REPEALED) > 50
    assert statuses.count(Status.PARTLY_REPEALED) > 500
    assert statuses.count(Status.AMENDED) > 3_000
    with_type = sum(1 for d in docs if d.doc.doc_type)
    assert with_type / len(docs) > 0.99


def test_a_line_in_another_encoding_costs_only_that_line(tmp_path):
    good = json.dumps(_rec("A01", BODY, NOTE_FULL), ensure_ascii=False).encode("utf-8")
    latin = json.dumps(_rec("A02", "Nội dung", NOTE_FULL), ensure_ascii=False).encode("utf-16-le")
    later = json.dumps(_rec("A03", "Điều sau", NOTE_SHORT.format(n=3)), ensure_ascii=False).encode("utf-8")
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join([good, latin, later]) + b"\n")
    report = LoadReport("phapdien")
    anchors = [u.article_ref for d in load_phapdien(path, report) for u in d.units]
    assert anchors == ["A01", "A03"]
    assert len(report.issues) == 1 and report.issues[0].line == 2
    assert "not UTF-8" in report.issues[0].message or "invalid JSON" in report.issues[0].message
