import gzip
import json
import time
import unicodedata
from pathlib import Path

import pytest

from legal_corpus.loaders.procedures import load_procedures
from legal_corpus.loaders.tthc_tables import (
    parse_channels,
    parse_legal_basis,
    parse_papers,
    parse_result,
    split_form,
    split_steps,
)
from legal_corpus.models import Channel, LegalBasis, Level, RequiredPaper, Status
from legal_corpus.report import CorpusError, LoadReport

CHANNELS = (
    "Hình thức nộpThời gianPhí, lệ phíMô tả"
    "Trực tuyến5 Ngày làm việc10 USD(/lần)"
    "Dịch vụ bưu chính1100,000 Việt Nam Đồng"
    "Trực tiếp60 Ngày làm việcLệ phí : 50.000 Đồng(Mức thu (sửa đổi) theo Thông tư)Nộp tại Bộ phận Một cửa"
    "Trực tiếpTrong ngàyKhông có thông tinTrực tiếp: nộp hồ sơ tại trụ sở Công an xã"
)
PAPERS = (
    "--Tên giấy tờMẫu đơn, tờ khaiSố lượng"
    "Tờ khai đề nghị gia hạn tạm trú (mẫu NA5) của Bộ Công an.NA5.doc1 bản chính"
    "Hộ chiếu: nộp 01 bản sao Hộ chiếu còn giá trị0 bản chính,1 bản sao"
    "Trường hợp nộp hồ sơ trực tuyến:Tên giấy tờMẫu đơn, tờ khaiSố lượng"
    "Đơn theo Mẫu số 181 bản chính,1 bản sao"
    "Đơn đề nghị cấp phép theo mẫuMau01.docxMau02.docx2 bản chính"
    "Giấy xác nhận cư trúBản chính: 1 Bản sao: 0"
)
LEGAL = (
    "Tên văn bản pháp lýMã văn bản"
    "Luật Cư trú68/2020/QH14"
    "Luật 51/2019/QH1451/2019/QH14"
    "Luật Nhập cảnh sửa đổi 202323/2023/QH15"
    "Nghị định 82/2015/NĐ-CP82/2015/NĐ-CP"
    "Quyết định công bố thủ tục hành chính5568/QĐ-BCA"
    "QUY ĐỊNH MỨC THU PHÍ XUẤT NHẬP CẢNH25/2021/TT-BTC"
    "Luật Các tổ chức tín dụngLuật số 32/2024/QH15"
    "Thông tư liên tịch hướng dẫn chứng thực01/2016/TTLT-BTP-BNV"
    "sửa đổi, bổ sung Thông tư số 04/2015/TT-BCA ngày 5/1/2015 về mẫu giấy tờ13/2023/NĐ-CP"
)


def test_channels_rows_with_time_fee_note_and_description():
    channels = parse_channels(CHANNELS)
    assert [c.kind for c in channels] == ["Trực tuyến", "Dịch vụ bưu chính", "Trực tiếp", "Trực tiếp"]
    assert channels[0] == Channel("Trực tuyến", "5 Ngày làm việc", "10 USD (/lần)", "")
    # a bare day count glued to an amount: the day count is short, the fee long
    assert (channels[1].time_limit, channels[1].fee) == ("1", "100,000 Việt Nam Đồng")
    assert channels[2].time_limit == "60 Ngày làm việc"
    assert channels[2].fee == "Lệ phí : 50.000 Đồng (Mức thu (sửa đổi) theo Thông tư)"
    assert channels[2].description == "Nộp tại Bộ phận Một cửa"
    # empty fee cell; "Trực tiếp: nộp…" in a description does not start a row
    assert channels[3] == Channel("Trực tiếp", "Trong ngày", "", "Trực tiếp: nộp hồ sơ tại trụ sở Công an xã")


def test_channel_without_fee_cell_keeps_its_whole_time_limit():
    [channel] = parse_channels("Trực tiếp60 Ngày làm việc")
    assert channel == Channel("Trực tiếp", "60 Ngày làm việc")


def test_channel_time_given_as_text_runs_up_to_the_fee():
    [channel] = parse_channels("Trực tuyếnKhông phải trả kết quả cho người nộp thuếMiễn phíQua Cổng dịch vụ công")
    assert channel == Channel("Trực tuyến", "Không phải trả kết quả cho người nộp thuế", "Miễn phí",
                              "Qua Cổng dịch vụ công")


def test_papers_with_forms_quantities_and_case_groups():
    papers = parse_papers(PAPERS)
    assert papers == [
        RequiredPaper("Tờ khai đề nghị gia hạn tạm trú (mẫu NA5) của Bộ Công an.", "NA5.doc", "1 bản chính"),
        RequiredPaper("Hộ chiếu: nộp 01 bản sao Hộ chiếu còn giá trị", "", "0 bản chính,1 bản sao"),
        RequiredPaper("Trường hợp nộp hồ sơ trực tuyến:"),  # a group caption
        RequiredPaper("Đơn theo Mẫu số 18", "", "1 bản chính,1 bản sao"),
        RequiredPaper("Đơn đề nghị cấp phép theo mẫu", "Mau01.docx; Mau02.docx", "2 bản chính"),
        RequiredPaper("Giấy xác nhận cư trú", "", "Bản chính: 1 Bản sao: 0"),
    ]


@pytest.mark.parametrize("cell, name, form", [
    ("Tờ khai (Mẫu CC01 của Bộ Công an)Mẫu CC01 Phiếu thu nhận.doc", "Tờ khai (Mẫu CC01 của Bộ Công an)",
     "Mẫu CC01 Phiếu thu nhận.doc"),
    ("Đơn đề nghị cấp Giấy phép tiếp cận nguồn genDon dang ky TCNG.docx",
     "Đơn đề nghị cấp Giấy phép tiếp cận nguồn gen", "Don dang ky TCNG.docx"),
    ("Bản kê khai không thuộc diện đăng kiểmMauBankekhai.docx", "Bản kê khai không thuộc diện đăng kiểm",
     "MauBankekhai.docx"),
    ("Văn bản theo Mẫu 45, Phụ lục I Nghị định số 23/2026/NĐ-CPMau45.docx",
     "Văn bản theo Mẫu 45, Phụ lục I Nghị định số 23/2026/NĐ-CP", "Mau45.docx"),
    ("Văn bản đề nghị điều chỉnh dự án đầu tưMẫu I.1.8.docx", "Văn bản đề nghị điều chỉnh dự án đầu tư",
     "Mẫu I.1.8.docx"),
    ("Giấy miễn thị thực.", "Giấy miễn thị thực.", ""),
])
def test_split_form_finds_where_the_glued_file_name_starts(cell, name, form):
    assert split_form(cell) == (name, form)


def test_legal_basis_rows_split_at_glued_numbers():
    rows = parse_legal_basis(LEGAL)
    assert [b.number for b in rows] == [
        "68/2020/QH14", "51/2019/QH14", "23/2023/QH15", "82/2015/NĐ-CP", "5568/QĐ-BCA", "25/2021/TT-BTC",
        "32/2024/QH15", "01/2016/TTLT-BTP-BNV", "13/2023/NĐ-CP",
    ]
    assert rows[0] == LegalBasis("Luật Cư trú", "68/2020/QH14")
    assert rows[2].title == "Luật Nhập cảnh sửa đổi 2023"
    assert rows[3].title == "Nghị định 82/2015/NĐ-CP"
    assert rows[5].title == "QUY ĐỊNH MỨC THU PHÍ XUẤT NHẬP CẢNH"
    assert rows[6].title == "Luật Các tổ chức tín dụng"  # "Luật số" belonged to the number cell
    assert rows[8].title.startswith("sửa đổi, bổ sung Thông tư số 04/2015/TT-BCA ngày 5/1/2015")


def test_legal_basis_suffix_ends_where_the_next_title_starts():
    text = ("Nghị định 01/2024/NĐ-CPQUY ĐỊNH MỨC THU02/2024/TT-BTCsửa đổi Thông tư03/2024/TT-NHNN"
            "Hướng dẫn04/2024/TT-BTChông tư số 05/2024/QĐ-TTgQuyết định")
    assert [b.number for b in parse_legal_basis(text)] == [
        "01/2024/NĐ-CP", "02/2024/TT-BTC", "03/2024/TT-NHNN", "04/2024/TT-BTC", "05/2024/QĐ-TTg", "",
    ]


@pytest.mark.parametrize("parse", [parse_channels, parse_papers, parse_legal_basis, split_steps])
def test_no_information_means_empty(parse):
    assert parse("Không có thông tin") == []
    assert parse("") == []


def test_steps_split_at_buoc_or_at_top_list_marker():
    assert split_steps("Bước 1: Chuẩn bị hồ sơ.\nBước 2: Nộp hồ sơ:\n+ tại trụ sở\nBước 3: Nhận kết quả.") == [
        "Bước 1: Chuẩn bị hồ sơ.", "Bước 2: Nộp hồ sơ:\n+ tại trụ sở", "Bước 3: Nhận kết quả."]
    assert split_steps("6.1. Trình tự:\na) Nộp hồ sơ;\n- trực tiếp\nb) Trả kết quả.") == [
        "6.1. Trình tự:", "a) Nộp hồ sơ;\n- trực tiếp", "b) Trả kết quả."]
    assert split_steps("- Nộp hồ sơ\ntại Sở Tư pháp\n- Nhận kết quả") == ["Nộp hồ sơ\ntại Sở Tư pháp", "Nhận kết quả"]


def test_result_drops_codes_and_portal_furniture():
    text = ("Giấy phépMã: KQ.G01.000074Văn bản từ chốiMã: 000.00.00.G12-KQ.3322Từ khóaKhông có thông tin"
            "Mô tảKhông có thông tinChọn cơ quan thực hiệnTỉnh/ Thành phốNộp hồ sơ")
    assert parse_result(text) == "Giấy phép\nVăn bản từ chối"


# --- whole records -----------------------------------------------------------------------------

def _record(code: str = "1.000771", **fields: str) -> dict[str, str]:
    """A portal record whose raw_text holds the sections the way the crawl wrote them."""
    rec = {
        "ma_thu_tuc": code, "ten_thu_tuc": "Gia hạn tạm trú", "agency": "bo-cong-an", "cap_thuc_hien": "Cấp bộ",
        "linh_vuc": "Quản lý xuất nhập cảnh", "doi_tuong_thuc_hien": "Người nước ngoài",
        "co_quan_co_tham_quyen": "Cục Quản lý xuất nhập cảnh", "co_quan_thuc_hien": "Cục Quản lý xuất nhập cảnh",
        "dia_chi_tiep_nhan": "", "detail_url": f"https://dichvucong.gov.vn/{code}",
        "trinh_tu_thuc_hien": "Bước 1: Chuẩn bị hồ sơ.\nBước 2: Nộp hồ sơ.",
        "cach_thuc_thuc_hien": CHANNELS, "thanh_phan_ho_so": PAPERS, "can_cu_phap_ly": LEGAL,
        "yeu_cau_dieu_kien": "Không có thông tin",
        "ket_qua_xu_ly": "Gia hạn tạm trúMã: KQ.G01.000074Từ khóaKhông có thông tinMô tảKhông có thông tin",
    }
    rec.update(fields)
    rec["raw_text"] = (
        f"{rec['ten_thu_tuc']}Mã thủ tục{code}Trình Tự Thực Hiện{rec['trinh_tu_thuc_hien']}"
        f"Cách Thức Thực Hiện{rec['cach_thuc_thuc_hien']}Thành phần hồ sơ{rec['thanh_phan_ho_so']}"
        f"Căn cứ pháp lý{rec['can_cu_phap_ly']}Cơ quan thực hiện{rec['co_quan_thuc_hien']}"
        f"Yêu cầu, điều kiện thực hiện{rec['yeu_cau_dieu_kien']}Kết quả xử lý{rec['ket_qua_xu_ly']}"
    )
    return rec


def _write_jsonl_gz(path: Path, lines: list[str]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path


def test_record_becomes_document_procedure_and_sections(tmp_path):
    path = _write_jsonl_gz(tmp_path / "p.jsonl.gz", [json.dumps(_record(), ensure_ascii=False)])
    [parsed] = load_procedures(path)
    doc, proc = parsed.doc, parsed.procedure
    assert doc.id == "tthc:1.000771" and doc.collection == "procedures" and doc.number == "1.000771"
    assert doc.doc_type == "Thủ tục hành chính" and doc.issuer == "Cục Quản lý xuất nhập cảnh"
    assert doc.status is Status.UNKNOWN and doc.source_url == "https://dichvucong.gov.vn/1.000771"
    assert proc.steps == ("Bước 1: Chuẩn bị hồ sơ.", "Bước 2: Nộp hồ sơ.")
    assert len(proc.channels) == 4 and len(proc.papers) == 6 and len(proc.legal_basis) == 9
    assert proc.result == "Gia hạn tạm trú" and proc.conditions == ""
    units = {u.id.split("#")[1]: u for u in parsed.units}
    assert list(units) == ["tong-quan", "ho-so", "trinh-tu", "cach-thuc", "can-cu"]  # no conditions
    for key, unit in units.items():
        assert unit.level is Level.SECTION and unit.doc is doc and unit.article_ref == "1.000771"
        assert unit.path == ((Level.SECTION, unit.title),) and unit.context == "Gia hạn tạm trú"
        assert unit.id == f"tthc:1.000771#{key}"
    assert "Mã thủ tục: 1.000771" in units["tong-quan"].text
    assert "- Tờ khai đề nghị gia hạn tạm trú (mẫu NA5) của Bộ Công an. (NA5.doc) — 1 bản chính" in units["ho-so"].text
    assert "\nTrường hợp nộp hồ sơ trực tuyến:\n" in units["ho-so"].text
    assert units["cach-thuc"].text.startswith("- Trực tuyến: 5 ngày làm việc; phí: 10 USD (/lần)\n")
    assert "- Luật Cư trú (68/2020/QH14)" in units["can-cu"].text
    assert units["trinh-tu"].title == "Trình tự thực hiện"


def test_truncated_field_is_recovered_from_raw_text():
    # The crawler cut the channel table at "Căn cứ pháp lý" inside a fee note and put the rest
    # into can_cu_phap_ly; the page text still has both sections whole.
    rec = _record(cach_thuc_thuc_hien=(
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1 Ngày100 VNĐ(Căn cứ pháp lý: Thông tư 269/2016/TT-BTC)"
        "Trực tiếp1 Ngày100 VNĐ(Căn cứ pháp lý: Thông tư 269/2016/TT-BTC)"), can_cu_phap_ly="Không có thông tin")
    rec["cach_thuc_thuc_hien"] = "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1 Ngày100 VNĐ("
    rec["can_cu_phap_ly"] = ": Thông tư 269/2016/TT-BTC)Trực tiếp1 Ngày100 VNĐ(Căn cứ pháp lý: Thông tư 269/2016/TT-BTC)"
    report = LoadReport("procedures")
    from legal_corpus.loaders.procedures import parse_procedure

    proc = parse_procedure(rec, report).procedure
    assert [c.kind for c in proc.channels] == ["Trực tuyến", "Trực tiếp"]
    assert proc.channels[1].fee == "100 VNĐ (Căn cứ pháp lý: Thông tư 269/2016/TT-BTC)"
    assert proc.legal_basis == ()
    assert report.defects["field_from_raw_text:channels"] == 1
    assert report.defects["field_from_raw_text:legal_basis"] == 1
    assert report.fields_present["legal_basis"] == 0


def test_decomposed_unicode_is_normalised(tmp_path):
    rec = {k: unicodedata.normalize("NFD", v) for k, v in _record().items()}
    path = _write_jsonl_gz(tmp_path / "nfd.jsonl.gz", [json.dumps(rec, ensure_ascii=False)])
    report = LoadReport("procedures")
    [parsed] = load_procedures(path, report)
    assert parsed.procedure.channels[0].time_limit == "5 Ngày làm việc"
    assert parsed.procedure.legal_basis[3].number == "82/2015/NĐ-CP"
    assert parsed.doc.title == "Gia hạn tạm trú"
    assert report.defects["decomposed_unicode"] == 1


def test_bad_lines_are_reported_and_good_records_kept(tmp_path):
    lines = [
        json.dumps(_record("1.000001"), ensure_ascii=False),
        '{"ma_thu_tuc": "1.000002", broken',
        json.dumps(_record(""), ensure_ascii=False),
        json.dumps(_record("1.000001"), ensure_ascii=False),
        json.dumps(_record("1.000003"), ensure_ascii=False),
    ]
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = LoadReport("procedures")
    codes = [p.doc.number for p in load_procedures(path, report)]
    assert codes == ["1.000001", "1.000003"]
    assert report.records_read == 5 and report.records_loaded == 2
    assert [i.line for i in report.issues] == [2, 3, 4]
    assert "invalid JSON" in report.issues[0].message
    assert "no ma_thu_tuc" in report.issues[1].message and "duplicate" in report.issues[2].message


def test_json_list_is_read(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps([_record("1.000001"), _record("1.000002")], ensure_ascii=False), encoding="utf-8")
    assert [p.doc.id for p in load_procedures(path)] == ["tthc:1.000001", "tthc:1.000002"]


def test_missing_and_non_gzip_files_raise_one_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="nope.jsonl.gz"):
        list(load_procedures(tmp_path / "nope.jsonl.gz"))
    fake = tmp_path / "fake.jsonl.gz"
    fake.write_text(json.dumps(_record(), ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CorpusError, match="fake.jsonl.gz: not a gzip file"):
        list(load_procedures(fake))


def test_gzip_corrupt_in_the_middle_keeps_what_was_read(tmp_path):
    records = [json.dumps(_record(f"1.{i:06d}"), ensure_ascii=False) for i in range(200)]
    data = gzip.compress(("\n".join(records) + "\n").encode("utf-8"))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    report = LoadReport("procedures")
    loaded = list(load_procedures(path, report))
    assert 0 < len(loaded) < 200 and report.records_loaded == len(loaded)
    [issue] = report.issues
    assert issue.file == str(path) and "corrupt or truncated" in issue.message


# --- the real portal crawl -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def real(shared_data):
    path = shared_data / "tthc" / "procedures.jsonl.gz"
    if not path.exists():
        pytest.skip(f"{path} not found")
    report = LoadReport("procedures")
    start = time.perf_counter()
    docs = {p.doc.number: p for p in load_procedures(path, report)}
    print(f"\nloaded {len(docs)} procedures in {time.perf_counter() - start:.1f}s")
    return docs, report


def test_real_data_loads_every_record(real):
    docs, report = real
    assert len(docs) == 2642
    assert report.records_read == report.records_loaded == 2642 and not report.issues


def test_real_record_1_000771(real):
    docs, _ = real
    proc = docs["1.000771"].procedure
    assert len(proc.channels) == 3
    assert {c.kind for c in proc.channels} == {"Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính"}
    for channel in proc.channels:
        assert channel.time_limit.lower() == "5 ngày làm việc"
        assert "10 USD" in channel.fee
    assert any(p.form == "NA5.doc" and p.quantity == "1 bản chính" for p in proc.papers)
    numbers = {b.number for b in proc.legal_basis}
    assert {"47/2014/QH13", "25/2021/TT-BTC", "23/2023/QH15", "82/2015/NĐ-CP", "04/2015/TT-BCA"} <= numbers
    assert proc.result == "Gia hạn tạm trú (không quá 06 tháng)"


def test_real_field_cut_by_the_crawler_is_recovered(real):
    docs, report = real
    proc = docs["3.000337"].procedure  # channel table cut at "(Căn cứ pháp lý: …" in a fee note
    assert [c.kind for c in proc.channels] == ["Trực tuyến", "Dịch vụ bưu chính", "Trực tiếp"]
    assert proc.legal_basis == ()  # the page says "Không có thông tin"
    assert report.defects["field_from_raw_text:channels"] >= 1


def test_real_recovery_rates(real):
    _, report = real
    rates = report.recovery_rates()
    expected = {"steps", "channels", "time_limit", "fee", "papers", "legal_basis", "conditions", "result",
                "competent_office"}
    assert set(rates) == expected
    low = {name: rate for name, rate in rates.items() if rate < 0.95}
    assert not low, f"fields recovered in fewer than 95% of the records that have them: {low}"
