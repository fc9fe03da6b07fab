"""Shared test set-up: offline model hub, the real data folder when present, and a small
legal corpus written for the tests (chunked the way the product does)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from legal_corpus.chunking import chunk_documents
from legal_corpus.models import Document, Status
from legal_corpus.structure import UnitFactory, parse_document

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("LEGAL_DATA_DIR", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real corpora (../shared/data); tests that need them skip when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA} (set LEGAL_DATA_DIR)")
    return SHARED_DATA



LAWS = {
    ("Luật Hộ tịch", "Luật", "60/2014/QH13", "2016-01-01", Status.IN_FORCE): """
Điều 13. Thẩm quyền đăng ký khai sinh
Ủy ban nhân dân cấp xã nơi cư trú của người cha hoặc người mẹ thực hiện đăng ký khai sinh.
Điều 16. Thủ tục đăng ký khai sinh
1. Người đi đăng ký khai sinh nộp tờ khai theo mẫu quy định và giấy chứng sinh.
2. Ngay sau khi nhận đủ giấy tờ, công chức tư pháp - hộ tịch ghi nội dung khai sinh vào Sổ hộ tịch.
3. Chính phủ quy định chi tiết việc đăng ký khai sinh cho trẻ em bị bỏ rơi.
Điều 17. Thẩm quyền đăng ký kết hôn
Ủy ban nhân dân cấp xã nơi cư trú của một trong hai bên nam, nữ thực hiện đăng ký kết hôn.
""",
    ("Luật Căn cước", "Luật", "26/2023/QH15", "2024-07-01", Status.IN_FORCE): """
Điều 19. Người được cấp thẻ căn cước
1. Công dân Việt Nam được cấp thẻ căn cước.
2. Công dân Việt Nam từ đủ 14 tuổi trở lên phải thực hiện thủ tục cấp thẻ căn cước.
Điều 23. Trình tự, thủ tục cấp thẻ căn cước
Người đề nghị cấp thẻ căn cước đến cơ quan quản lý căn cước, xuất trình giấy tờ và thu nhận ảnh khuôn mặt, vân tay.
""",
    ("Nghị định xử phạt giao thông", "Nghị định", "100/2019/NĐ-CP", "2020-01-01", Status.IN_FORCE): """
Điều 5. Xử phạt người điều khiển xe ô tô
1. Phạt tiền từ 200.000 đồng đến 400.000 đồng đối với người điều khiển xe không chấp hành hiệu lệnh.
Điều 6. Xử phạt người điều khiển xe mô tô, xe gắn máy
1. Phạt tiền từ 100.000 đồng đến 200.000 đồng đối với người điều khiển xe mô tô không đội mũ bảo hiểm.
""",
    ("Luật Cư trú cũ", "Luật", "81/2006/QH11", "2007-07-01", Status.REPEALED): """
Điều 21. Đăng ký thường trú
Công dân đăng ký thường trú tại Công an xã nơi cư trú theo quy định cũ.
""",
}


def make_docs():
    from datetime import date

    from legal_corpus.models import ParsedDocument

    docs = []
    for (title, doc_type, number, effective, status), text in LAWS.items():
        doc = Document(id=f"vb:{number}", collection="laws", title=title, doc_type=doc_type, number=number,
                       issuer="Quốc hội" if doc_type == "Luật" else "Chính phủ",
                       effective=date.fromisoformat(effective), status=status,
                       source_url=f"http://example.test/{number}")
        _, units = parse_document(text, UnitFactory(doc, status=status))
        docs.append(ParsedDocument(doc=doc, units=units))
    return docs


@pytest.fixture()
def law_docs():
    return make_docs()


@pytest.fixture()
def law_chunks():
    return list(chunk_documents(make_docs()))


@pytest.fixture()
def demo_chunks():
    from legal_corpus.loaders.demo import load_demo

    return list(chunk_documents(load_demo()))
