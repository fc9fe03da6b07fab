"""Procedure variants a question does not mean, though its words fit them as well or better.

First issue or a later procedure on a paper already issued: "làm CCCD lần đầu" asks for "Cấp thẻ
căn cước …", yet "Cấp lại thẻ căn cước" and "Cấp đổi thẻ căn cước" have the shorter names and
share as many of the question's words; "thẻ ABTC cấp mới" loses to "Cấp lại thẻ ABTC" the same
way. A question that says it wants the paper for the first time ("lần đầu", "cấp mới", "làm mới",
"xe mới mua") means a procedure whose name says so too or opens with a verb that issues or
registers ("Cấp", "Đăng ký", "Thành lập"), and not one on a paper already issued (re-issue,
exchange, extension, change, withdrawal…) or on something else
("Chứng nhận kiểm định khí thải xe …", "Tích hợp, cập nhật … thông tin trên thẻ căn cước"),
unless it names that verb itself ("đổi bằng lái lần đầu ra sao" keeps "Đổi giấy phép lái xe").

A minor's variant: "Cấp thẻ căn cước cho người dưới 14 tuổi" is shorter than "… cho người từ đủ
14 tuổi trở lên" and wins on words, but a citizen asks for themselves unless the question
mentions a child or an age ("làm căn cước cho con", "bé 5 tuổi").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from legal_corpus.normalize import fold

FIRST_ISSUE_CUES = ("lần đầu", "cấp mới", "làm mới", "mới mua")
ISSUING_VERBS = ("cấp", "đăng ký", "thành lập", "xin")
# Verbs opening the portal name of a procedure on a paper already issued, longest first.
LATER_VERBS = ("đăng ký thay đổi", "đăng ký biến động", "đăng ký lại", "cấp lại", "cấp đổi", "mở khóa",
               "khôi phục", "gia hạn", "điều chỉnh", "thay đổi", "sửa đổi", "chấm dứt", "thu hồi", "trả lại",
               "đính chính", "hủy", "xóa", "dừng", "khóa", "đổi")
# A question opening "làm <paper>" asks to have it made ("lam so do can gi", "lam mst ca nhan");
# "làm lại", "làm mất", "làm thủ tục", "làm sao" … say nothing of a first issue.
_MAKE = r"^(?:toi |em |minh )?(?:muon |can |di )?lam (?!lai|mat|hong|sai|thu tuc|sao|the|gi|nhu|ho so|don|viec|an)"
_SAYS_FIRST = re.compile("|".join(rf"(?<!\w){re.escape(fold(c))}(?!\w)" for c in FIRST_ISSUE_CUES))
_CUE = re.compile(f"{_SAYS_FIRST.pattern}|{_MAKE}")
_MINORS = re.compile(r"(?<!\w)(?:cho )?(?:nguoi |tre em )?duoi \d+ tuoi(?!\w)")
_CHILD = re.compile(r"(?<!\w)(?:con|be|chau|tre|tuoi|thieu nhi|hoc sinh|so sinh|chua thanh nien)(?!\w)")
_LEADING = re.compile(r"^\W*(?:thu tuc\s+)?(" + "|".join(re.escape(fold(v)) for v in LATER_VERBS) + r")(?!\w)")
_ISSUING = re.compile(r"^\W*(?:thu tuc\s+)?(?:" + "|".join(re.escape(fold(v)) for v in ISSUING_VERBS) + r")(?!\w)")


def cue_spans(folded: str) -> list[tuple[int, int]]:
    """Where a folded question says "first time"."""
    return [m.span() for m in _CUE.finditer(folded)]


@lru_cache(maxsize=8192)
def later_verb(name: str) -> str | None:
    """The folded verb a procedure name opens with when it acts on a paper already issued, else None."""
    m = _LEADING.match(fold(name))
    return m.group(1) if m else None


@lru_cache(maxsize=8192)
def _name_facts(name: str) -> tuple[bool, bool, str | None, bool]:
    """For a name: is it a minor's variant, does it say "first time", its later verb, does it issue."""
    folded = fold(name)
    return (_MINORS.search(folded) is not None, _SAYS_FIRST.search(folded) is not None, later_verb(name),
            _ISSUING.match(folded) is not None)


@lru_cache(maxsize=256)  # a short question is read by the name stage and by the hit reordering
def unmeant(question: str) -> Callable[[str], bool]:
    """A test of procedure names for one question: true for a name the question does not mean.

    That is a procedure for minors and a question about no child; for a first-issue question, a
    procedure that acts on a paper already issued with a verb the question does not say; and for a
    question that says "first time" in so many words, also one that neither says so nor issues.
    "Làm <something>" alone does not ask for an issuing verb: "làm chứng thực bản sao" means
    "Chứng thực bản sao …". The question is read once for many names."""
    folded = fold(question)
    child, says = _CHILD.search(folded) is not None, _SAYS_FIRST.search(folded) is not None
    first = says or _CUE.search(folded) is not None

    def test(name: str) -> bool:
        minors, name_says_first, verb, issuing = _name_facts(name)
        if minors and not child:
            return True
        if not first or name_says_first:
            return False
        if verb is not None:
            return re.search(rf"(?<!\w){re.escape(verb)}(?!\w)", folded) is None
        return says and not issuing

    return test

