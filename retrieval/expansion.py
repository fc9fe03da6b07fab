"""Everyday words and abbreviations → the terms legal texts use.

Citizens write "làm CCCD", "bằng lái", "sổ đỏ"; the law says "căn cước",
"giấy phép lái xe", "giấy chứng nhận quyền sử dụng đất". The legal term is
added to the query (never replaces it), matched on the folded text so
"lam cccd" and "làm CCCD" expand alike. Abbreviations go both ways: the
portal's procedure names write "BHYT" where a citizen spells it out.
"""

from __future__ import annotations

import re

from legal_corpus.normalize import fold

# (everyday form, legal term). Facts of usage, kept short and unambiguous.
TERMS: tuple[tuple[str, str], ...] = (
    ("cccd", "căn cước"),
    ("căn cước công dân", "căn cước"),
    ("cmnd", "chứng minh nhân dân"),
    ("gplx", "giấy phép lái xe"),
    ("bằng lái", "giấy phép lái xe"),
    ("sổ đỏ", "giấy chứng nhận quyền sử dụng đất"),
    ("sổ hồng", "giấy chứng nhận quyền sở hữu nhà ở quyền sử dụng đất"),
    ("đất thổ cư", "đất ở"),
    ("hộ khẩu", "đăng ký thường trú"),
    ("nhập khẩu", "đăng ký thường trú"),
    ("bhxh", "bảo hiểm xã hội"),
    ("bhyt", "bảo hiểm y tế"),
    ("bhtn", "bảo hiểm thất nghiệp"),
    ("đkkd", "đăng ký kinh doanh"),
    ("hkd", "hộ kinh doanh"),
    ("mst", "mã số thuế"),
    ("tncn", "thu nhập cá nhân"),
    ("ubnd", "ủy ban nhân dân"),
    ("lđtbxh", "lao động thương binh và xã hội"),
    ("lđtb&xh", "lao động thương binh và xã hội"),
    ("bqp", "bộ quốc phòng"),
    ("bca", "bộ công an"),
    ("hđnd", "hội đồng nhân dân"),
    ("nghỉ đẻ", "thai sản"),
    ("lương hưu", "lương hưu hưu trí"),
    ("xe máy", "xe mô tô xe gắn máy"),
    ("làm giấy khai sinh", "đăng ký khai sinh"),  # the procedure; a copy of the paper is another one
    ("ghi sai", "cải chính"),
    ("làm hộ chiếu", "cấp hộ chiếu"),
    ("passport", "hộ chiếu"),
    ("làm lại", "cấp lại"),
    ("cà vẹt", "chứng nhận đăng ký xe"),
    ("cavet", "chứng nhận đăng ký xe"),
    ("giấy đăng ký xe", "chứng nhận đăng ký xe"),
    ("sang tên xe", "thay đổi chủ xe"),
    ("sang tên đổi chủ", "thay đổi chủ xe"),
    ("độc thân", "tình trạng hôn nhân"),
    ("1 lần", "một lần"),
    # Portal names abbreviate what citizens spell out ("Đăng ký đóng, cấp thẻ BHYT …").
    ("bảo hiểm y tế", "bhyt"),
    ("bảo hiểm xã hội", "bhxh"),
    ("tai nạn lao động", "tnlđ"),
    ("bệnh nghề nghiệp", "bnn"),
    ("định danh điện tử", "tài khoản định danh điện tử vneid"),
    ("lý lịch tư pháp", "phiếu lý lịch tư pháp"),
)

_PATTERNS = [(re.compile(rf"(?<!\w){re.escape(fold(k))}(?!\w)"), v) for k, v in TERMS]


def expansions(query: str) -> list[str]:
    """Legal terms for the everyday forms found in the query (folded match)."""
    folded = fold(query)
    return [term for pattern, term in _PATTERNS if pattern.search(folded) and fold(term) not in folded]


def expand(query: str) -> str:
    extra = expansions(query)
    return f"{query} {' '.join(extra)}" if extra else query
