"""Importer for the official Pháp điển đề mục HTML pages (legal_corpus.loaders.phapdien_html)."""

from __future__ import annotations

import gzip
import json
import os
import unicodedata
from pathlib import Path

import pytest

from legal_corpus.loaders.phapdien import convert_records
from legal_corpus.loaders.phapdien_html import iter_html_records, load_phapdien_html
from legal_corpus.normalize import normalize_text
from legal_corpus.report import CorpusError, LoadReport

KEYS = {"demuc_uuid", "demuc_code", "demuc_title", "chuong", "dieu_anchor", "dieu_code", "dieu_title",
        "source_note", "source_url", "text", "related_anchors"}
VBPL = "http://vbpl.vn/TW/Pages/vbpq-toanvan.aspx?ItemID="

# Written for these tests in the shape of the official pages: BOM, no <html>/<body>,
# <p>s nested in p.pNoiDung, a chapter-level pChiDan, a table and an attachment link.
PAGE = (
    "\ufeff<link href='../lib/css/style.css' rel='stylesheet' type='text/css' />\n"
    "<h3 style='text-align: center'>\n    Đề mục 99.4\n    <br />\n    Thử nghiệm   nhập liệu\n</h3>\n"
    "<p style='display: none'>(Xem: <a class='viewDSVB' href='#' "
    "onclick=\"ViewDanhSachVB(this,'00000000-aaaa-bbbb-cccc-000000000001')\">x</a>)</p>"
    "<div class='_content'>"
    "<p class='pDieu'><a name='9900400000000000000000100000000000000000'></a>Điều 99.4.LQ.1. </p>"
    "<p class='pGhiChu'><a href='" + VBPL + "1#Dieu_1' target='_blank'>(Điều 1 Luật số 1/2020/QH14, "
    "có hiệu lực thi hành kể từ ngày 01/01/2021)</a></p>"
    "<p class='pNoiDung'><p>Văn bản trước mọi chương.</p></p>"
    "<p class='pChuong'><a name='99004000000000001000'></a>Phần thứ nhất</p>"
    "<p class='pChuong'>QUY ĐỊNH CHUNG</p>"
    "<p class='pChuong'><a name='99004000000000001001'></a>Chương I</p>"
    "<p class='pChuong'>PHẠM VI</p>"
    "<p class='pDieu'><a name='9900400000000000100000200000000000000000'></a>Điều 99.4.LQ.2. Phạm  vi "
    "điều chỉnh</p>"
    "<p class='pGhiChu'><a href='" + VBPL + "1#Chuong_I_Dieu_2' target='_blank'>(Điều 2 Luật số "
    "1/2020/QH14, có hiệu lực thi hành kể từ ngày 01/01/2021)</a></p>"
    "<p class='pNoiDung'><p>1. Khoản một:</p>\n\n<p>a) Điểm <b>a</b> của   thuỷ sản;</p>\n\n"
    "<p>b) Điểm b<br/>dòng sau.</p></p>"
    "<p class='pChiDan'>(Điều này có nội dung liên quan đến <a href='" + VBPL + "7#Dieu_3' "
    "target='_blank'>Điều 3. Ngoài bộ pháp điển</a>; <a href='#' "
    "onclick=\"ViewNoiDungPhapDien('0100100000000000100000100000000000000000'); return false;\">Điều 1.1.LQ.1."
    "</a>; <a href='#' onclick=\"ViewNoiDungPhapDien('01001000000000002000'); return false;\">Chương II</a>)</p>"
    "<p class='pChuong'><a name='99004000000000002000'></a>Chương II</p>"
    "<p class='pChuong'>BẢNG VÀ PHỤ LỤC</p>"
    "<p class='pChiDan'>(Chương này có nội dung liên quan đến <a href='#' "
    "onclick=\"ViewNoiDungPhapDien('0200100000000000100000100000000000000000'); return false;\">Điều 2.1.LQ.1."
    "</a>)</p>"
    "<p class='pDieu'><a name='9900400000000000200000300000000000000000'></a>Điều 99.4.TT.1.3. Mức "
    + unicodedata.normalize("NFD", "phí") + "</p>"
    "<p class='pGhiChu'><a href='" + VBPL + "2#Dieu_3' target='_blank'>(Điều 3 Thông tư số 2/2021/TT-BTC, "
    "có hiệu lực thi hành kể từ ngày 01/02/2021)</a></p>"
    "<p class='pNoiDung'><p>Mức phí như sau:</p><table><tr><td><p>STT</p></td><td>Loại</td></tr>"
    "<tr><td>1</td><td>Cấp mới<br/>(lần đầu)</td></tr></table>"
    "<p><a href='/attachments/Mau_01.docx'>Mau_01.docx</a></p></p>"
    "</div>"
)


def _page_records() -> list[dict]:
    demuc = {"demuc_uuid": "00000000-aaaa-bbbb-cccc-000000000001", "demuc_code": "99.4",
             "demuc_title": "Thử nghiệm nhập liệu"}
    return [
        {**demuc, "chuong": None, "dieu_anchor": "9900400000000000000000100000000000000000",
         "dieu_code": "99.4.LQ.1", "dieu_title": "",
         "source_note": "(Điều 1 Luật số 1/2020/QH14, có hiệu lực thi hành kể từ ngày 01/01/2021)",
         "source_url": VBPL + "1#Dieu_1", "text": "Văn bản trước mọi chương.", "related_anchors": []},
        {**demuc, "chuong": "Phần thứ nhất - QUY ĐỊNH CHUNG - Chương I - PHẠM VI",
         "dieu_anchor": "9900400000000000100000200000000000000000",
         "dieu_code": "99.4.LQ.2", "dieu_title": "Phạm vi điều chỉnh",
         "source_note": "(Điều 2 Luật số 1/2020/QH14, có hiệu lực thi hành kể từ ngày 01/01/2021)",
         "source_url": VBPL + "1#Chuong_I_Dieu_2",
         "text": "1. Khoản một:\na) Điểm a của thủy sản;\nb) Điểm b\ndòng sau.",
         "related_anchors": ["0100100000000000100000100000000000000000", "01001000000000002000"]},
        # The chapter's own "Chương này … liên quan" links belong to no article.
        {**demuc, "chuong": "Chương II - BẢNG VÀ PHỤ LỤC", "dieu_anchor": "9900400000000000200000300000000000000000",
         "dieu_code": "99.4.TT.1.3", "dieu_title": "Mức phí",
         "source_note": "(Điều 3 Thông tư số 2/2021/TT-BTC, có hiệu lực thi hành kể từ ngày 01/02/2021)",
         "source_url": VBPL + "2#Dieu_3",
         "text": "Mức phí như sau:\nSTT\nLoại\n1\nCấp mới\n(lần đầu)\nMau_01.docx", "related_anchors": []},
    ]


def _write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_handwritten_page_gives_jsonl_shaped_records(tmp_path: Path) -> None:
    report = LoadReport("phapdien")
    records = list(iter_html_records(_write(tmp_path / "page.html", PAGE), report))
    assert records == _page_records()
    assert all(set(r) == KEYS for r in records)
    assert all(unicodedata.is_normalized("NFC", r["dieu_title"] + r["text"]) for r in records)
    assert (report.records_read, report.issues) == (3, [])


def _cp1258(text: str) -> bytes:
    """Windows-1258 keeps tone marks as combining characters after the (precomposed) vowel."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            tones = [m for m in marks if m in "\u0300\u0301\u0303\u0309\u0323"]
            vowel = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in tones))
            out.append((vowel + "".join(tones)).encode("cp1258"))
    return b"".join(out)


def test_charset_from_meta_tag(tmp_path: Path) -> None:
    page = PAGE.lstrip("\ufeff").replace("<h3", "<meta http-equiv='Content-Type' "
                                         "content='text/html; charset=windows-1258'><h3", 1)
    report = LoadReport("phapdien")
    records = list(iter_html_records(_write(tmp_path / "cp.html", _cp1258(page)), report))
    assert records == _page_records()
    assert report.issues == []


def test_bad_files_are_reported_and_skipped(tmp_path: Path) -> None:
    _write(tmp_path / "a_not_demuc.html", "<html><body><h3>Tin tức</h3><p>Không phải đề mục.</p></body></html>")
    _write(tmp_path / "b_invalid_bytes.html", PAGE.encode("utf-8").replace(
        "Khoản một".encode(), b"Kho\xff\xfe n m\xc3t"))
    _write(tmp_path / "c_garbage.html", bytes(range(256)) * 8)
    _write(tmp_path / "d_no_anchor.html", PAGE.replace("<a name='9900400000000000100000200000000000000000'></a>", ""))
    _write(tmp_path / "notes.txt", "ignored: not .html")
    report = LoadReport("phapdien")
    records = list(iter_html_records(tmp_path, report))
    messages = [(Path(i.file).name, i.message) for i in report.issues]
    assert [name for name, _ in messages] == [
        "a_not_demuc.html", "b_invalid_bytes.html", "c_garbage.html", "c_garbage.html", "d_no_anchor.html"]
    assert "not a Pháp điển đề mục page" in messages[0][1]
    assert "invalid utf-8 bytes" in messages[1][1] and "not a Pháp điển" in messages[3][1]
    assert "without anchor" in messages[4][1]
    # The page with bad bytes is still read (bad bytes become U+FFFD); the article without an
    # anchor is dropped, its neighbours are kept.
    assert len(records) == 3 + 2
    assert "\ufffd" in records[1]["text"]
    assert report.records_read == 6


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no-such"):
        list(iter_html_records(tmp_path / "no-such"))


DATA = Path(os.environ.get("LEGAL_DATA_DIR") or Path(__file__).resolve().parents[2].parent / "shared" / "data")
SAMPLE, JSONL = DATA / "phapdien" / "raw_sample", DATA / "phapdien" / "phapdien_dieu.jsonl.gz"
FIELDS = ("demuc_uuid", "demuc_code", "demuc_title", "dieu_code", "dieu_title", "chuong", "source_note",
          "source_url", "related_anchors", "text")
# The jsonl's crawler gave the links of a chapter heading ("Chương này có nội dung liên quan
# đến …", right after "Chương II" in đề mục 23.10) to the article before the heading; the
# importer drops them (they are not that article's). Anchor → number of such trailing links.
JSONL_HEADING_LINKS = {"2301000000000000100000200000000000000000": 3}


def _norm(value: object) -> object:
    if isinstance(value, list):
        return [normalize_text(v) for v in value]
    return normalize_text(value or "")  # type: ignore[arg-type]


@pytest.mark.shared_data
@pytest.mark.skipif(not (SAMPLE.is_dir() and JSONL.is_file()), reason=f"real data not found at {DATA}")
def test_sample_pages_agree_with_jsonl() -> None:
    report = LoadReport("phapdien")
    records = list(iter_html_records(SAMPLE, report))
    assert (len(records), report.records_read, report.issues) == (64, 64, [])
    uuids = {r["demuc_uuid"] for r in records}
    assert uuids == {p.stem for p in SAMPLE.glob("*.html")}
    with gzip.open(JSONL, "rt", encoding="utf-8") as f:
        expected = {r["dieu_anchor"]: r for r in map(json.loads, f) if r["demuc_uuid"] in uuids}
    assert sorted(expected) == sorted(r["dieu_anchor"] for r in records)
    for rec in records:
        want = dict(expected[rec["dieu_anchor"]])
        cut = JSONL_HEADING_LINKS.get(rec["dieu_anchor"], 0)
        if cut:
            assert len(want["related_anchors"]) > cut
            want["related_anchors"] = want["related_anchors"][:-cut]
        for field in FIELDS:
            assert _norm(rec[field]) == _norm(want[field]), (rec["dieu_code"], field)


@pytest.mark.shared_data
@pytest.mark.skipif(not (SAMPLE.is_dir() and JSONL.is_file()), reason=f"real data not found at {DATA}")
def test_html_and_jsonl_give_the_same_units() -> None:
    """Imported pages become the same documents and citable units as the jsonl records."""
    report = LoadReport("phapdien-html")
    html_docs = list(load_phapdien_html(SAMPLE, report))
    assert (report.records_read, report.records_loaded, report.issues) == (64, 64, [])
    uuids = {p.stem for p in SAMPLE.glob("*.html")}
    with gzip.open(JSONL, "rt", encoding="utf-8") as f:
        rows = [(str(JSONL), i, r) for i, r in enumerate(map(json.loads, f), 1) if r["demuc_uuid"] in uuids]
    jsonl_docs = convert_records(rows, LoadReport("phapdien"))

    def units(docs):
        return {u.id: (u.citation, u.heading, u.context, u.status, u.text, u.doc.label)
                for d in docs for u in d.walk()}

    got, want = units(html_docs), units(jsonl_docs)
    assert got.keys() == want.keys() and len(got) > 64
    assert all(got[k] == want[k] for k in got)
