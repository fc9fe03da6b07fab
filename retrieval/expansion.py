"""Everyday words and abbreviations → the terms legal texts use.

Citizens write "làm CCCD", "bằng lái", "sổ đỏ"; the law says "căn cước",
"giấy phép lái xe", "giấy chứng nhận quyền sử dụng đất". The legal term is
added to the query (it replaces the everyday phrase only for the few ``REPHRASE``
phrases), matched on the folded text so "lam cccd" and "làm CCCD" expand alike.
Abbreviations go both ways: the portal's procedure names write "BHYT" where a
citizen spells it out.
"""

from __future__ import annotations

import re
from functools import lru_cache

from legal_corpus.normalize import fold, has_diacritics

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
    ("mở hộ kinh doanh", "thành lập hộ kinh doanh"),  # "mở" a business is "thành lập" it
    ("mở công ty", "thành lập doanh nghiệp"),
    ("mở doanh nghiệp", "thành lập doanh nghiệp"),
    ("mst", "mã số thuế"),
    ("mst", "đăng ký thuế"),  # how one gets a tax code ("Đăng ký thuế lần đầu …")
    ("làm mã số thuế", "đăng ký thuế"),
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

# Everyday phrases that the main law words differently, searched in the law's words instead of
# added to: left in, "phép" draws the few police and army circulars that say "nghỉ phép năm"
# above Điều 113 Bộ luật Lao động, "Nghỉ hằng năm", which is what a worker asking means.
REPHRASE: tuple[tuple[str, str], ...] = (
    ("nghỉ phép hằng năm", "nghỉ hằng năm"),
    ("nghỉ phép hàng năm", "nghỉ hằng năm"),
    ("nghỉ phép năm", "nghỉ hằng năm"),
)
_REPHRASE = re.compile("|".join(rf"(?<!\w){re.escape(fold(k))}(?!\w)" for k, _ in REPHRASE))
_REPHRASED = {fold(k): v for k, v in REPHRASE}


def rephrase(query: str) -> str:
    """``query`` with each ``REPHRASE`` phrase in the law's words (unaccented where it was typed so)."""
    folded = fold(query)
    if len(folded) != len(query) or not _REPHRASE.search(folded):
        return query
    out, pos = [], 0
    for m in _REPHRASE.finditer(folded):
        legal = _REPHRASED[m.group()]
        out += [query[pos:m.start()], legal if has_diacritics(query[m.start():m.end()]) else fold(legal)]
        pos = m.end()
    return "".join(out) + query[pos:]


@lru_cache(maxsize=1024)  # one search asks this of the same query several times
def sources(query: str) -> tuple[tuple[str, str], ...]:
    """(everyday form as found in the folded query, legal term) for each term ``expansions`` adds."""
    folded = fold(query)
    return tuple((m.group(), term) for pattern, term in _PATTERNS
                 if (m := pattern.search(folded)) and fold(term) not in folded)


def expansions(query: str) -> list[str]:
    """Legal terms for the everyday forms found in the query (folded match)."""
    return [term for _, term in sources(query)]


def expand(query: str) -> str:
    extra = expansions(query)
    return f"{query} {' '.join(extra)}" if extra else query
