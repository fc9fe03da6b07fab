"""Intent routing: which pipeline answers a question, and what a procedure question asks.

Rules, first match wins, all on the folded text ("lam gia" matches like "làm giả"):

| # | the question…                                             | intent       | reason             |
|---|-----------------------------------------------------------|--------------|--------------------|
| 1 | tries to override instructions, extract secrets, hijack   | unsafe       | prompt_injection   |
|   | a role ("bỏ qua hướng dẫn", "ignore instructions",        |              |                    |
|   | "system prompt", "bạn là thẩm phán, hãy ra quyết định")   |              |                    |
| 1 | asks to forge or buy documents ("cách làm giả", "mua bằng | unsafe       | forgery            |
|   | đại học", "làm bằng giả")                                 |              |                    |
| 1 | asks to bribe or evade ("chạy án", "lách luật", "trốn     | unsafe       | evasion            |
|   | thuế", "hối lộ", "né phạt")                               |              |                    |
| 1 | asks for a strategy against the other party ("làm sao     | unsafe       | dispute_strategy   |
|   | thắng kiện", "giấu tài sản", "để đối phương thua")        |              |                    |
| 1 | asks how to make or get weapons, explosives, drugs        | unsafe       | harmful            |
| 1 | is off topic (weather, cooking, football, programming,    | out_of_scope | off_topic          |
|   | medical diagnosis…) and names nothing legal               |              |                    |
| 2 | is only a greeting or thanks ("chào bạn", "cảm ơn ạ")     | greeting     | greeting           |
| 3 | cites a procedure code ("1.001234")                       | procedure    | procedure_code     |
| 3 | cites an article or a document number ("Điều 8 NĐ 100")   | reference    | reference          |
| 4 | has a procedure cue (an aspect below, "thủ tục", "đăng    | procedure    | procedure          |
|   | ký", "cấp lại", "hồ sơ"…) and is not about a sanction     |              |                    |
| 5 | anything else                                             | legal        | legal              |

Forgery, evasion and dispute questions *about the offence* are legal questions
("mức phạt làm giả giấy tờ", "làm giả con dấu bị xử lý thế nào"): a sanction
cue without a request cue ("cách", "chỉ tôi", "ở đâu", "giúp tôi", "để không
bị") routes them on. Weapons and drugs are refused only when asked for
("mua ma túy ở đâu"), since licences for them are real procedures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer import Intent
from assistant.query import normalize_question
from legal_corpus.normalize import fold, has_diacritics
from retrieval.reference import parse_reference


@dataclass(frozen=True)
class Route:
    intent: Intent
    reason: str
    aspect: str | None = None  # fee, time, papers, office, steps, channels, conditions, result


def _re(*alts: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9])(?:{'|'.join(alts)})(?![a-z0-9])")


_INJECTION = _re(
    r"bo qua (?:\w+ ){0,3}(?:huong dan|chi dan|chi thi|quy tac|lenh|yeu cau truoc)",
    r"(?:ignore|disregard|forget) (?:\w+ ){0,3}(?:instructions?|rules|prompts?)", r"system prompt",
    r"prompt (?:he thong|goc)", r"api[ _-]?key", r"mat khau (?:quan tri|admin|he thong)", r"admin password",
    r"dong vai(?! tro)", r"act as", r"pretend (?:to be|you are)", r"jailbreak", r"developer mode",
    r"(?:ban|may|hay) (?:la|lam|dong) (?:mot )?(?:cong an|canh sat|tham phan|quan toa|chanh an|kiem sat vien"
    r"|toa an)\b.*\b(?:hay|ra|dua ra|tuyen|phan quyet|quyet dinh)")
_GIA = (r"(?<!chuyen )(?<!tham )(?<!quoc )(?<!co )(?<!dau )(?<!danh )(?<!ty )(?<!tri )(?<!don )"  # "giả", unaccented
        r"gia(?! han| tri| ca| dat| dinh| nhap| tang| quyen| tien| von| ke| su| thue| re| bao| dinh)")
_FORGERY = _re(r"lam gia", r"gia mao", rf"lam (?:\w+ ){{0,3}}{_GIA}",
               rf"(?:bang|giay to|con dau|so do|so hong|chung chi|ho chieu|cccd|can cuoc|hoc ba)(?: \w+){{0,2}} {_GIA}",
               r"(?<!chao )(?:mua|ban) (?:cac |tam )?(?:bang|van bang|chung chi)(?! cach| the| tien| chuyen| tai| quy| luu)",
               r"(?:tu |chinh )?sua (?:giay to|bang|van bang|hoc ba|bang diem|diem|con dau)(?! cach| chuyen)",
               r"tay xoa|photoshop")
_EVASION = _re(r"chay (?:an|toi|chot|viec|an treo)", r"lach luat", r"tron (?:thue|dong|nghia vu|phat)",
               r"ne (?:thue|phat|nghia vu)", r"hoi lo", r"dut lot", r"boi tron", r"phong bi", r"tranh (?:bi )?phat",
               r"tranh thue", r"tau tan")
_VICTIM = _re(r"bi (?:\w+ ){0,2}(?:lam gia|gia mao|mao danh)", r"la gia mao", r"thu hoi", r"to giac", r"trinh bao",
              r"phat hien (?:\w+ ){0,3}gia")
_DISPUTE = _re(r"thang kien", r"giau (?:\w+ ){0,2}tai san", r"de (?:doi phuong|ben kia|ho|no|chong|vo) (?:thua|mat)",
               r"cho (?:doi phuong|ben kia) (?:thua|mat)")
_HARM = _re(r"(?:lam|che|che tao|tu che|pha che|mua|kiem|tim mua|dat mua|trong|cat giau|van chuyen|ban) "
            r"(?:\w+ ){0,2}(?:vu khi|sung|chat no|thuoc no|bom|min|ma tuy|thuoc lac|can sa|heroin|thuoc doc)",
            r"(?:vu khi|sung|chat no|thuoc no|bom|ma tuy|thuoc lac|can sa|heroin) (?:\w+ ){0,3}"
            r"(?:o dau|cho nao|cong thuc)", r"hack (?:tai khoan|facebook|zalo|vneid|mat khau)")
_ASK = _re(r"cach", r"chi (?:toi|minh|em|cho|giup|voi)", r"huong dan", r"giup", r"ho (?:toi|minh|em)",
           r"cho (?:toi|minh|em)", r"o dau", r"cho nao", r"dich vu", r"nhan lam", r"lien he", r"muon", r"can tim",
           r"lam sao", r"lam the nao", r"the nao (?:de|cho)", r"(?:de|ma|cho) khong bi", r"khoi bi", r"tranh bi",
           r"phat hien", r"(?:gia|het|mat) bao nhieu", r"duoc khong", r"bi quyet", r"meo", r"nen")
_OFFENCE = _re(r"muc phat", r"(?:bi|se bi|co bi) (?:phat|xu|xu ly|di tu|ngoi tu|bat|truy cuu|khoi to|tu)",
               r"phat (?:bao nhieu|tien|the nao|ra sao)", r"xu phat", r"xu ly (?:the nao|ra sao|hinh su)",
               r"(?:pham|cau thanh|khep|dinh|truy to|xet xu) toi", r"toi (?:gi|danh|lam gia|gia mao|tron|dua|nhan)",
               r"truy cuu", r"hinh phat", r"bao nhieu nam tu", r"trach nhiem hinh su", r"vi pham",
               r"la gi|hop phap|phap luat|quy dinh|bi cam", r"to (?:cao|giac)", r"hau qua")
_LEGAL = _re(r"luat", r"nghi dinh", r"thong tu", r"quy dinh", r"phap (?:luat|ly)", r"thu tuc", r"ho so", r"giay \w+",
             r"phat", r"vi pham", r"dang ky", r"hop dong", r"bao hiem", r"bh(?:xh|yt|tn)", r"thue", r"le phi", r"quyen",
             r"nghia vu", r"tranh chap", r"boi thuong", r"lao dong", r"doanh nghiep", r"cong ty", r"hanh chinh",
             r"toa an", r"cccd|cmnd|gplx|can cuoc|ho chieu|ho khau|(?:tam|thuong) tru", r"khai sinh|ket hon|ly hon",
             r"thua ke|dat dai|so (?:do|hong)|nha o", r"luong|tro cap|che do", r"co quan|ubnd|cong an|chinh quyen", r"dieu kien|kinh doanh|hanh nghe|cap|nop|muc dich|quan ly")
_LICENCE = _re(r"giay (?:phep|chung nhan)", r"cap phep", r"thu tuc", r"ho so", r"le phi", r"cai nghien", r"thu hoi",
               r"khai bao", r"dang ky", r"tem", r"kinh doanh", r"xuat khau|nhap khau")
_OFF_TOPIC = _re(r"(?:viet|sua|debug) (?:\w+ ){0,2}(?:code|chuong trinh|ham|script)", r"python|javascript|java|sql",
                 r"nau (?:mon|com|an|canh|pho|bun)", r"cong thuc (?:nau|lam banh|mon)", r"du bao thoi tiet",
                 r"thoi tiet (?:hom nay|ngay mai|o|tai|the nao|ra sao|co mua)", r"ket qua (?:bong da|xo so)",
                 r"ty so", r"weather|recipe|football")
_OFF_TOPIC_WEAK = _re(r"thoi tiet", r"nau an", r"mon an", r"bong da", r"lap trinh", r"chan doan", r"trieu chung",
                      r"(?:bi|la) benh gi", r"(?:uong|dung) thuoc gi", r"tu vi", r"xem boi", r"bai hat", r"bo phim",
                      r"gia vang", r"co phieu nao", r"du lich", r"giai (?:bai )?toan", r"lam tho", r"bai van")
_GREETING = _re(r"xin chao", r"chao", r"hello", r"hi", r"hey", r"alo", r"cam on", r"thanks?", r"thank you", r"tks",
                r"thx", r"ok", r"oke", r"okay", r"tam biet", r"bye", r"good (?:morning|afternoon|evening)")
_FILLER = frozenset("a ad admin anh chi em ban minh nhe nha nhieu rat lam oi da vang shop bot ca moi nguoi you "
                    "so much very tro ly".split())
_CODE = re.compile(r"(?<![\w.])\d\.\d{6}(?![\w.])|(?<![\w-])demo-[a-z]{2,5}-\d{1,3}(?![\w-])")

# Aspects, each a strong cue of a procedure question; the first found in the text wins, "steps" last.
_ASPECTS: dict[str, re.Pattern[str]] = {
    "fee": _re(r"le phi", r"(?:mien|mat|ton|dong|nop|tra) phi", r"(?:chi )?phi (?:\w+ ){0,3}bao nhieu", r"muc thu"),
    "time": _re(r"mat bao lau", r"bao lau (?:thi |moi |se )?(?:co|xong|nhan|lay|duoc cap|lam xong|giai quyet)",
                r"het bao lau", r"(?:may|bao nhieu) ngay (?:thi|moi|de|la|lam viec)",
                r"thoi (?:gian|han) (?:giai quyet|xu ly|cap|lam|tra)", r"(?:khi nao|bao gio) (?:thi )?(?:co|nhan|lay)"),
    "papers": _re(r"giay to", r"ho so (?:\w+ ){0,12}(?:gom|can|co)(?: co)?(?: nhung)? (?:gi|giay|tai lieu)",
                  r"thanh phan ho so", r"(?:can|phai) (?:mang|chuan bi)", r"(?:giay|ho so) gi",
                  r"to khai", r"mau (?:don|to khai)", r"ban sao"),
    "office": _re(r"(?<!quy dinh )(?<!nam )(?<!de cap )(?:o|tai) dau", r"noi nao", r"cho nao",
                  r"(?:xa|phuong|quan|huyen|tinh|cap|ben) nao (?:giai quyet|cap|tiep nhan|lam|xu ly)"),
    "channels": _re(r"online", r"truc tuyen", r"qua mang", r"dich vu cong(?! ich| tac)", r"vneid",
                    r"qua (?:duong )?buu (?:dien|chinh)", r"(?:gui|nop) (?:\w+ ){0,3}buu dien",
                    r"qua (?:app|ung dung)", r"nop (?:truc tiep|qua)", r"(?:cach|hinh thuc) nop"),
    "result": _re(r"(?:nhan|tra|lay|co) ket qua", r"ket qua (?:giai quyet|la gi|nhan)",
                  r"(?:duoc cap|nhan duoc) (?:gi|nhung gi|giay gi)"),
}
_WEAK_ASPECTS: dict[str, re.Pattern[str]] = {  # procedure aspects only next to a procedure activity
    "fee": _re(r"bao nhieu tien", r"(?:chi )?phi", r"gia bao nhieu"),
    "time": _re(r"bao lau", r"may ngay", r"bao nhieu ngay"),
    "papers": _re(r"(?:gom|can|mang|chuan bi) (?:nhung |co )?gi"),
    "office": _re(r"co quan nao"),
    "conditions": _re(r"dieu kien", r"yeu cau"),
    "steps": _re(r"thu tuc", r"cac buoc", r"quy trinh", r"trinh tu", r"lam the nao", r"lam sao", r"nhu the nao de",
                 r"(?:phai|can) lam gi", r"(?:cach|huong dan) (?:lam|dang ky|xin|nop|doi|cap)"),
}
_ACTIVITY = _re(r"thu tuc", r"ho so", r"dang ky", r"tai cap (?:tinh|xa|huyen|trung uong|bo)", r"trinh bao",
                r"cap (?:doi|lai|moi|giay|ho chieu|the|ban sao|phep|thi thuc|visa|phieu|tem|chung chi|so|bang)",
                r"xin (?:cap|giay|phep|xac nhan|visa|gia han|chuyen)", r"gia han", r"nop (?:ho so|don|to khai|phat|le phi)",
                r"lam (?:lai |moi )?(?:giay|ho chieu|cccd|can cuoc|the|so|bang|visa|khai sinh|khai tu|passport"
                r"|dinh danh|ly lich|thu tuc)", r"doi (?:cccd|bang|gplx|ho chieu|the|so|giay|can cuoc)",
                r"(?:chung thuc|cong chung|hop phap hoa|xac nhan)", r"cai chinh", r"dich vu cong(?! ich| tac)")
_SANCTION = _re(r"muc phat", r"(?:bi|se bi|co bi) (?:phat|xu|xu ly|tu|truy cuu)", r"phat (?:bao nhieu|tien|the nao)",
                r"xu phat", r"(?:pham|cau thanh|khep|dinh|truy to|xet xu) toi", r"truy cuu", r"hinh phat")
_LEGAL_CUE = _re(r"vi pham", r"quy dinh", r"co quyen", r"nghia vu", r"la gi", r"co phai")
_PAY_FINE = _re(r"(?:nop|dong|tra) (?:tien )?phat")


def aspect_of(folded: str) -> tuple[str | None, bool]:
    """What a procedure question asks, and whether the cue alone makes it one."""
    strong = [(m.start(), a) for a, p in _ASPECTS.items() if (m := p.search(folded))]
    if strong:
        return min(strong)[1], True
    weak = [a for a, p in _WEAK_ASPECTS.items() if p.search(folded)]
    return (weak[0] if weak else None), False


def _is_greeting(folded: str) -> bool:
    rest = _GREETING.sub(" ", folded)
    return rest != folded and set(re.findall(r"[a-z0-9]+", rest)) <= _FILLER


def _forged(folded: str, low: str | None) -> bool:
    """A forgery cue; typed with marks, "gia" must be "giả" (not "giá", "gia hạn", "đấu giá")."""
    return any(low is None or "gia" not in m.group() or "giả" in low[m.start():m.end()]
               for m in _FORGERY.finditer(folded))


def _refusal(folded: str, low: str | None) -> Route | None:
    if _INJECTION.search(folded):
        return Route("unsafe", "prompt_injection")
    ask, offence = _ASK.search(folded), _OFFENCE.search(folded)
    if _forged(folded, low) and (ask or not offence) and not _VICTIM.search(folded):
        return Route("unsafe", "forgery")
    for reason, pattern in (("evasion", _EVASION), ("dispute_strategy", _DISPUTE)):
        if pattern.search(folded) and (ask or not offence):
            return Route("unsafe", reason)
    if _HARM.search(folded) and not _LICENCE.search(folded) and (ask or not offence):
        return Route("unsafe", "harmful")
    if _OFF_TOPIC.search(folded) or (_OFF_TOPIC_WEAK.search(folded) and not _LEGAL.search(folded)):
        return Route("out_of_scope", "off_topic")
    return None


def route(question: str) -> Route:
    """The intent of a question (see the module's rules), with the aspect of a procedure question."""
    text = normalize_question(question)
    folded = fold(text)
    if not folded.strip():
        return Route("out_of_scope", "empty")
    low = text.lower() if has_diacritics(question) and len(text) == len(folded) else None
    if refused := _refusal(folded, low):
        return refused
    if _is_greeting(folded):
        return Route("greeting", "greeting")
    aspect, strong = aspect_of(folded)
    if _CODE.search(folded):
        return Route("procedure", "procedure_code", aspect)
    ref = parse_reference(text)
    if ref is not None and (ref.article or ref.doc_number):
        return Route("reference", "reference")
    if _SANCTION.search(folded) and not _PAY_FINE.search(folded):
        return Route("legal", "legal")
    if strong or (_ACTIVITY.search(folded) and not _LEGAL_CUE.search(folded)):
        return Route("procedure", "procedure", aspect)
    return Route("legal", "legal")
