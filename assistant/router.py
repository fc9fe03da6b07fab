"""Intent routing: which pipeline answers a question, and what a procedure question asks.

Rules, first match wins, on the folded text (after ``normalize_question``) so that
"lam gia" matches like "làm giả":

| # | the question…                                                    | intent       | reason           |
|---|------------------------------------------------------------------|--------------|------------------|
| 0 | is empty                                                         | out_of_scope | empty            |
| 1 | overrides instructions, asks for the prompt, keys, debug modes   | unsafe       | prompt_injection |
| 1 | casts the assistant as an official who issues something          | unsafe       | impersonation    |
|   | ("đóng vai công an, ra quyết định", "bạn là cán bộ thuế, hãy…")  |              |                  |
| 1 | asks to forge, alter or buy documents ("cách làm giả", "mua      | unsafe       | forgery          |
|   | bằng đại học", "bằng lái không cần thi")                         |              |                  |
| 1 | asks to bribe, evade or conceal ("chạy án", "trốn thuế", "né     | unsafe       | evasion          |
|   | phạt", "dúi tiền", "mà không bị phát hiện")                      |              |                  |
| 1 | asks for tactics against the other party ("cách thắng kiện",     | unsafe       | dispute_strategy |
|   | "giấu tài sản", "để vợ không chia được")                         |              |                  |
| 1 | asks how to make or get weapons, explosives, drugs, poison       | unsafe       | harmful          |
| 1 | is off topic (weather, recipes, football, code, diagnosis, plain | out_of_scope | off_topic        |
|   | English chat…) and names nothing legal                           |              |                  |
| 2 | is only a greeting, thanks or small talk ("chào bạn", "cảm ơn")  | greeting     | greeting         |
| 3 | cites a procedure code ("1.001234")                              | procedure    | procedure_code   |
| 3 | cites an article or a document number ("Điều 8 NĐ 100/2019")     | reference    | reference        |
| 4 | asks about a sanction ("mức phạt", "bị xử lý"), not paying one   | legal        | sanction         |
| 4 | asks an aspect (``aspect_of``) or names a procedure ("đăng ký",  | procedure    | procedure        |
|   | "cấp lại", "hồ sơ") with no legal cue ("quy định", "có quyền")   |              |                  |
| 5 | anything else                                                    | legal        | legal            |

Rule 1 refuses requests to *do* it, not questions *about* the offence: forgery,
evasion and dispute cues with a sanction cue ("mức phạt", "bị xử lý", "có phạm
tội") and no request cue ("cách", "chỉ tôi", "ở đâu", "giúp") are legal questions,
and so are victims ("CCCD bị người khác làm giả", "vợ tôi giấu tài sản"). Weapons
and drugs named next to a licence ("giấy phép sử dụng vũ khí") are procedures.
Typed with marks, "gia" must be "giả" to count as forgery ("giá", "gia hạn").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer import Intent
from assistant.query import ACRONYMS, SHORTHAND, normalize_question
from legal_corpus.normalize import fold, has_diacritics
from retrieval.reference import parse_reference


@dataclass(frozen=True)
class Route:
    intent: Intent
    reason: str
    aspect: str | None = None  # fee, time, papers, office, steps, channels, conditions, result


def _re(*alts: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9])(?:{'|'.join(alts)})(?![a-z0-9])")


_W = r"(?:\w+ )"  # one word and its space
_INJECTION = _re(
    rf"bo qua {_W}{{0,3}}(?:huong dan|chi dan|chi thi|quy tac|tai lieu|rang buoc|gioi han)",
    rf"quen (?:het |di )?{_W}{{0,3}}(?:huong dan|chi dan|chi thi|quy tac)",
    rf"(?:ignore|disregard|forget|override) {_W}{{0,3}}(?:instructions?|rules|prompts?|guidelines)",
    r"(?:previous|hidden) instructions", r"system[ _-]?prompt|\[system|system:", r"prompt (?:he thong|goc)",
    rf"(?:repeat|print|reveal) {_W}{{0,3}}(?:above|prompt|instructions)", r"lap lai nguyen van",
    r"(?:chi dan|huong dan|cau hinh) (?:he thong|noi bo|an)", r"api[ _-]?key|khoa (?:bi mat|api)|secret key",
    r"bien moi truong|environment variables?", r"mat khau (?:quan tri|admin|he thong|database|co so du lieu)",
    r"che do (?:nha phat trien|debug|developer|khong gioi han)|developer mode|debug mode|jailbreak",
    r"you are now|do anything now|no restrictions|khong co gioi han", rf"tat {_W}{{0,2}}(?:bo loc|kiem duyet)",
    rf"tra loi {_W}{{0,5}}khong tu choi", r"dump|(?:tai lieu|cong cu) noi bo")
_ROLE = (r"(?:can bo|cong an|canh sat|csgt|tham phan|quan toa|chanh an|kiem sat vien|cong chung vien|thanh tra"
         r"|chu tich|cong chuc|officer|judge|police|notary|official)")
_IMPERSONATION = _re(
    rf"(?:dong vai|xung la|tu xung|gia lam|gia danh)(?! tro) {_W}{{0,2}}{_ROLE}", r"act as",
    r"pretend (?:to be|you are)",
    rf"(?:ban la|voi tu cach(?: la)?|you are) {_W}{{0,2}}{_ROLE}.*(?:hay|viet giup|soan|issue|write|sign)",
    rf"(?:viet|soan|lam|tao) {_W}{{0,3}}(?:quyet dinh|bien ban|giay trieu tap|thong bao trieu tap|lenh|ban an)"
    r".*dau (?:cong an|ubnd|toa|co quan|nha nuoc|phuong|xa)")
_GIA = (r"(?<!chuyen )(?<!tham )(?<!quoc )(?<!co )(?<!dau )(?<!danh )(?<!ty )(?<!tri )(?<!don )"  # "giả"
        r"gia(?! han| tri| ca| dat| dinh| nhap| tang| quyen| tien| von| ke| su| thue| re| bao)")
_FORGERY = _re(
    r"lam gia", r"gia mao", rf"(?:lam|tao|in|khac|che) {_W}{{0,3}}{_GIA}",
    rf"(?:bang|giay|to|con dau|so do|so hong|chung chi|ho chieu|cccd|can cuoc|hoc ba|ma qr)(?: \w+){{0,3}} {_GIA}",
    rf"(?:viet|soan|lam|tao|in) {_W}{{0,3}}(?:to|giay|ban|don|bang) {_W}{{0,6}}{_GIA}",
    r"(?<!chao )(?:mua|ban) (?:cac |tam )?(?:bang|van bang|chung chi)(?! cach| the| tien| chuyen| tai| quy| luu)",
    r"(?:bang|chung chi|giay phep|gplx)(?: \w+){0,4} khong (?:can |phai )?(?:di )?(?:thi|hoc|sat hach)",
    rf"(?:tu |chinh )?sua(?! doi| chua) {_W}{{0,3}}(?:tren |trong )?"
    r"(?:giay to|bang|van bang|hoc ba|bang diem|diem|con dau)(?! cach)",
    r"tay xoa|photoshop", r"tu (?:dong|khac) (?:dau|vao)")
_EVASION = _re(
    r"chay (?:an|toi|chot|viec|an treo)", r"lach luat", r"tron (?:thue|dong|nghia vu|phat)", r"ne (?:thue|phat)",
    r"hoi lo|dut lot|boi tron|lot tay|cua sau", rf"(?:dua|bo|gui|lot) {_W}{{0,2}}phong bi|phong bi (?:cho|bao nhieu)",
    rf"dui {_W}{{0,2}}tien", rf"(?:dua|bieu|lo) {_W}{{0,3}}tien {_W}?cho {_ROLE}", r"khai (?:man|gian)", r"tau tan",
    r"(?:de|cho) (?:khoi|khong) (?:phai )?tra no",
    rf"sang ten {_W}{{0,5}}(?:de|cho) {_W}{{0,3}}(?:khoi|khong|tranh) (?:phai |bi |duoc )?(?:tra|chia|ke bien)",
    r"thao bien so|cho kin|qua mat|khong ai biet", r"quen (?:trong|o|ben) (?:phong|co quan|cong an|so|ubnd|toa)",
    rf"(?:ma|de|sao cho) {_W}{{0,4}}khong (?:bi )?{_W}{{0,3}}(?:phat hien|bao cao|bat(?! [a-z]))")
_PARTY = r"(?:vo|chong|ho|no|ben kia|doi phuong|cac em|nguoi ta|hang xom)"
_DISPUTE = _re(
    rf"(?:de|cach|chien thuat|bi quyet|meo|chac chan|lam sao|lam the nao) {_W}{{0,3}}thang kien",
    rf"giau {_W}{{0,3}}(?:tai san|tien|vang|nha|dat|so tiet kiem)",
    rf"(?:de|cho|khien) {_W}{{0,3}}{_PARTY} (?:\w+ )?khong (?:\w+ )?(?:chia|doi|kien|lay|tranh|nuoi|gap|tham)",
    rf"(?:de|cach|lam sao|muon) {_W}{{0,2}}(?:ep|lam|khien|buoc) (?:cho )?{_PARTY} (?:phai|so|tra)",
    rf"(?:nen|cach|lam sao|de) {_W}{{0,2}}(?:dung chuyen|bia chuyen|vu khong|boi nho|boc phot|noi xau)",
    rf"(?:de|cach|lam sao|muon) {_W}{{0,2}}(?:nhan chung|nguoi lam chung) {_W}{{0,2}}(?:khai|noi)",
    rf"(?:de|cho|khien) {_PARTY} (?:\w+ )?(?:thua|mat trang)", r"mua chuoc", r"khong bao gio phai tra")
_HARMFUL = r"(?:vu khi|(?<!bo )sung|chat no|thuoc no|bom|min|phao|ma tuy|thuoc lac|can sa|heroin|thuoc doc)"
_HARM = _re(  # refused unless about the offence
    rf"(?:che tao|tu che|dieu che|pha che|tong hop|mua|tim mua|dat mua|tu trong|tu lam) {_W}{{0,2}}{_HARMFUL}",
    rf"{_HARMFUL} {_W}{{0,2}}tu che", r"khong tinh lai|tu sat|dau doc|bo vao do uong|tra thu(?! lao| nhap)",
    rf"hack {_W}?(?:tai khoan|facebook|zalo)")
_HARM_ASKED = _re(rf"(?:lam|che|kiem|trong|van chuyen|ban) {_HARMFUL}")  # also "làm", "bạn", "trong"…
_LICENCE = _re(r"(?<!khong can )(?<!khong co )giay (?:phep|chung nhan)", r"cap phep", r"thu tuc", r"ho so",
               r"le phi", r"cai nghien", r"thu hoi", r"khai bao", r"dang ky", r"kinh doanh", r"xuat khau|nhap khau")
_ASK = _re(r"cach", r"chi (?:toi|minh|em|cho|giup|voi)", r"huong dan", r"giup", r"ho (?:toi|minh|em)",
           r"cho (?:toi|minh|em)", r"o dau", r"cho nao", r"dich vu", r"nhan lam", r"lien he", r"muon", r"can tim",
           r"lam sao", r"lam the nao", r"the nao (?:de|cho)", r"(?:de|ma|cho) khong bi", r"khoi bi", r"tranh bi",
           r"phat hien", r"(?:gia|het|mat) bao nhieu", r"duoc khong", r"bi quyet", r"meo", r"nen")
_BI = r"(?<!thiet )(?<!trang )(?<!chuan )(?<!du )(?<!phong )(?:bi|se bi|co bi)"  # "bị", not "thiết bị"
_OFFENCE = _re(r"muc phat", rf"{_BI} {_W}?(?:phat|xu|xu ly|di tu|ngoi tu|bat|truy cuu|khoi to|tu)",
               r"phat (?:bao nhieu|tien|the nao|ra sao)", r"xu phat", r"xu ly (?:the nao|ra sao|hinh su)",
               r"(?:pham|cau thanh|khep|dinh|truy to|xet xu) toi", r"toi (?:gi|danh|lam gia|gia mao|tron|dua|nhan)",
               r"truy cuu", r"hinh phat", r"bao nhieu nam tu", r"trach nhiem hinh su", r"vi pham",
               r"la gi|hop phap|phap luat|quy dinh|bi cam", r"to (?:cao|giac)", r"hau qua")
_VICTIM = _re(rf"bi {_W}{{0,2}}(?:lam gia|gia mao|mao danh)", r"la gia mao", r"thu hoi", r"to giac", r"trinh bao",
              rf"phat hien {_W}{{0,3}}gia", r"(?:vo|chong|ben kia|doi phuong|nguoi ta|con no|nguoi no|cong ty|ho|no)"
              r"(?: toi| minh)? (?:da |dang |lai |co tinh )?(?:giau|tau tan|lam gia|gia mao|vu khong|boi nho|noi xau)")
_OFF_TOPIC = _re(
    rf"(?:viet|sua|debug) {_W}{{0,3}}(?:code|chuong trinh|ham|script)", r"python|javascript|java|sql|quicksort",
    r"machine learning|deep learning|neural network", r"nau (?:mon|com|an|canh|pho|bun)|cong thuc (?:nau|lam banh)",
    r"du bao thoi tiet|thoi tiet (?:hom nay|ngay mai|o|tai|the nao|ra sao|\w+ ngay mai)", r"t[iy] so|ket qua bong da",
    r"gia vang|co phieu nao|bitcoin", r"bai tho|lam tho|truyen cuoi|chuyen cuoi", r"lich trinh du lich",
    r"weather|recipe|football|poem|joke|movie|bake")
_OFF_TOPIC_WEAK = _re(  # off topic unless the question also names something legal (_ANCHOR)
    r"thoi tiet|nau an|mon an|an gi ngon|bong da|ngoai hang|vo dich|world cup|cau thu|lap trinh|tu vi|xem boi",
    r"bai hat|bo phim|phim hay|du lich|giai (?:bai )?toan|bai toan|bai van|phuong trinh|dao ham|thu do cua",
    r"chan doan|trieu chung|(?:bi|la) benh gi|thuoc gi|khang sinh|bi sot|dau (?:bung|dau|rang|hong)|da day",
    r"chua (?:benh|dau|tri)|giam can|ty gia|do la|viet email|tieng anh",
    r"nen mua (?:iphone|samsung|dien thoai|laptop|xe nao)")
_ENGLISH = _re(r"how|what|who|why|where|you|your|please|explain|tell|does|is|are|of|with|about")
_ANCHOR = _re(
    r"luat|nghi dinh|thong tu|quy dinh|phap (?:luat|ly)|thu tuc|ho so|giay \w+|phat|vi pham|dang k[iy]|hop dong",
    r"bao hiem|bh(?:xh|yt|tn)|thue|le phi|quyen|nghia vu|tranh chap|boi thuong|lao dong|doanh nghiep|cong ty",
    r"hanh chinh|toa an|cccd|cmnd|gplx|bang lai|can cuoc|ho chieu|ho khau|(?:tam|thuong) tru|khai sinh|ket hon",
    r"ly hon|thua ke|dat dai|so (?:do|hong)|nha o|tien luong|tro cap|che do|co quan|ubnd|cong an|chinh quyen",
    r"dieu kien|kinh doanh|hanh nghe|xin|cap|nop|quan ly|chap thuan|phe duyet|van ban|bien phap|chap hanh",
    r"law|legal|passport|visa|decree|permit|licen[cs]e|tax|court|regist\w*|marriage|birth|residen\w*|vietnam",
    r"insurance|contract|certificate|divorce")
_GREETING = _re(r"xin chao|chao|hello|hi|hey|alo|cam on|thanks?|thank you|tks|thx|ok|oke|okay|tam biet|bye",
                r"good (?:morning|afternoon|evening)", r"(?:co )?khoe (?:khong|ko)", r"la ai",
                r"(?:co the )?(?:lam|giup) (?:duoc )?(?:gi|nhung gi)")
_FILLER = frozenset("a ad admin anh chi em ban minh nhe nha nhieu rat lam oi da vang shop bot ca moi nguoi you "
                    "so much very tro ly".split())
_SPELLED = re.compile(  # words normalize_question writes with marks, whatever the user typed
    rf"(?<!\w)(?:{'|'.join(sorted({w for v in (*SHORTHAND.values(), 'bạn') for w in v.split()}))}"
    rf"|{'|'.join(a.lower() for a in ACRONYMS.values())})(?!\w)")
_CODE = re.compile(r"(?<![\w.])\d\.\d{6}(?![\w.])|(?<![\w-])demo-[a-z]{2,5}-\d{1,3}(?![\w-])")

# Aspects in tiers. The first tier are question words, and the earliest one in the question wins;
# channels, conditions and steps are often only context ("nộp online thì lệ phí bao nhiêu" asks the fee).
_ASPECTS: tuple[dict[str, re.Pattern[str]], ...] = (
    {"fee": _re(r"le phi", r"(?:co|duoc) mien (?:le )?phi|mien (?:le )?phi (?:khong|ko)", r"muc thu",
                rf"(?:chi )?phi {_W}{{0,4}}bao nhieu", r"(?:mat|ton|dong|nop|tra) (?:le )?phi", r"bao nhieu tien",
                rf"(?:mat|ton|het) {_W}{{0,2}}(?:dong nao|tien)", r"phi(?! nong| chinh phu| cong| loi| thuong| ly)"),
     "time": _re(r"(?:mat|het) (?:toi da )?bao lau", r"bao lau (?:thi |moi |se )?(?:co|xong|nhan|lay|duoc)",
                 r"bao lau", r"(?:may|bao nhieu) ngay", r"(?:co|mat) lau", r"lau (?:khong|ko)",
                 r"thoi (?:gian|han) (?:giai quyet|xu ly|cap|lam|tra)", r"(?:khi nao|bao gio) (?:thi )?(?:co|nhan|lay)"),
     "office": _re(r"(?<!quy dinh )(?<!nam )(?<!de cap )(?:o|tai|len|den|toi|ra) dau", r"noi nao", r"cho nao",
                   r"(?:o|tai|len|den|cho) (?:co quan|cap|xa|phuong|huyen|tinh) nao", r"co quan nao", r"cap nao",
                   r"ai (?:la nguoi )?(?:cap|ky|giai quyet|quyet dinh|tiep nhan)"),
     "papers": _re(r"thanh phan ho so", rf"ho so {_W}{{0,12}}(?:gom|can|co)(?: co)?(?: nhung)? (?:gi|giay)",
                   r"(?:can|mang|chuan bi|xuat trinh) (?:theo )?(?:nhung |them |co )?(?:gi|j|giay|chung cu|to|ho so)",
                   r"nop (?:nhung |them )?(?:gi|j)", rf"(?:giay|don|to khai|van ban|chung cu|tai lieu|ho so) {_W}{{0,2}}"
                   r"(?:gi|j|nao)",
                   r"mau (?:so )?(?:nao|may|gi)", r"theo mau", r"to khai", r"giay to"),
     "result": _re(r"(?:nhan|tra|lay|co) ket qua", r"ket qua (?:giai quyet|la gi|nhan)",
                   rf"(?:duoc cap|nhan duoc|nhan ve) {_W}{{0,3}}(?:gi|nhung gi)")},
    {"channels": _re(r"online", r"truc tuyen", r"qua mang", r"tren mang", r"dich vu cong(?! ich| tac)", r"vneid",
                     r"qua (?:duong )?buu (?:dien|chinh)", rf"(?:gui|nop) {_W}{{0,3}}buu dien", r"qua dien thoai",
                     r"nop (?:truc tiep|qua)", r"(?:cach|hinh thuc) nop", r"bang loi noi", r"trang nao")},
    {"conditions": _re(r"dieu kien", r"yeu cau gi")},
    {"steps": _re(r"thu tuc", r"cac buoc", r"quy trinh", r"trinh tu", r"lam the nao", r"lam sao", r"nhu the nao de",
                  r"(?:phai|can) lam gi", r"(?:cach|huong dan) (?:lam|dang k[iy]|xin|nop|doi|cap)")},
)
_WEAK = re.compile(  # aspect cues that also occur in questions about the law itself ("nghỉ thai sản bao lâu")
    r"bao lau|(?:may|bao nhieu) ngay|bao nhieu tien|phi|co quan nao|giay to|to khai|can (?:nhung )?(?:gi|j)"
    r"|dieu kien|yeu cau gi|lam the nao|lam sao|nhu the nao de|(?:phai|can) lam gi|(?:cach|huong dan) .*"
    r"|trang nao|bang loi noi")
_ACTIVITY = _re(  # naming a procedure
    r"thu tuc", r"ho so", r"dang k[iy]", r"tai cap (?:tinh|xa|huyen|trung uong|bo)", r"trinh bao", r"khai bao",
    r"cap (?:doi|lai|moi|giay|ho chieu|the|ban sao|phep|thi thuc|visa|phieu|tem|chung chi|so|bang)", r"gia han",
    r"xin (?:cap|giay|phep|xac nhan|visa|gia han|chuyen|nhap|thoi)", r"nop (?:ho so|don|to khai|phat|le phi)",
    r"lam (?:lai|moi|giay|ho chieu|cccd|can cuoc|the|so|bang|visa|khai sinh|khai tu|passport|phieu)",
    r"doi (?:cccd|bang|gplx|ho chieu|the|so|giay|can cuoc|sang)", r"chung thuc|cong chung|hop phap hoa|cai chinh",
    r"dich vu cong(?! ich| tac)", r"sang ten|tach (?:thua|ho)|nhap (?:ho khau|quoc tich)|thoi quoc tich",
    r"(?:mo|thanh lap) (?:ho kinh doanh|cong ty|cty|doanh nghiep|chi nhanh|van phong dai dien|hop tac xa)")
_SANCTION = _re(r"muc phat", rf"{_BI} {_W}?(?:phat|xu ly|di tu|truy cuu)", r"xu phat", r"truy cuu", r"hinh phat",
                r"phat (?:bao nhieu|tien|the nao)", r"(?:pham|cau thanh|khep|dinh|truy to|xet xu) toi")
_LEGAL_CUE = _re(r"vi pham", r"quy dinh", r"co quyen", r"nghia vu", r"la gi", r"hop phap")
_PAY_FINE = _re(r"(?:nop|dong|tra) (?:tien )?phat")


def aspect_of(folded: str) -> tuple[str | None, bool]:
    """What a procedure question asks, and whether one of its cues alone makes it a procedure question."""
    aspect, strong = None, False
    for aspects in _ASPECTS:
        found = [(m.start(), a, m.group()) for a, p in aspects.items() for m in p.finditer(folded)]
        if found and aspect is None:
            aspect = min(found)[1]
        strong = strong or any(not _WEAK.fullmatch(cue) for _, _, cue in found)
    return aspect, strong


def _is_greeting(folded: str) -> bool:
    rest = _GREETING.sub(" ", folded)
    return rest != folded and set(re.findall(r"[a-z0-9]+", rest)) <= _FILLER


def _refusal(folded: str, low: str | None) -> Route | None:
    """Rule 1; ``low`` is the lower-case text when typed with marks, to tell "giả" from "giá"."""
    if _INJECTION.search(folded):
        return Route("unsafe", "prompt_injection")
    if _IMPERSONATION.search(folded):
        return Route("unsafe", "impersonation")
    ask = bool(_ASK.search(folded))
    asked = (ask or not _OFFENCE.search(folded)) and not _VICTIM.search(folded)
    if asked and any(low is None or "gia" not in m.group() or "giả" in low[m.start():m.end()]
                     for m in _FORGERY.finditer(folded)):
        return Route("unsafe", "forgery")
    for reason, pattern in (("evasion", _EVASION), ("dispute_strategy", _DISPUTE)):
        if asked and pattern.search(folded):
            return Route("unsafe", reason)
    if (asked and _HARM.search(folded) or ask and _HARM_ASKED.search(folded)) and not _LICENCE.search(folded):
        return Route("unsafe", "harmful")
    english = len(set(_ENGLISH.findall(folded))) >= 2
    if _OFF_TOPIC.search(folded) or ((english or _OFF_TOPIC_WEAK.search(folded)) and not _ANCHOR.search(folded)):
        return Route("out_of_scope", "off_topic")
    return None


def route(question: str) -> Route:
    """The intent of a question (rules in the module docstring) and, for a procedure, its aspect."""
    return route_normalized(normalize_question(question))


def route_normalized(text: str) -> Route:
    """``route`` for a question already through ``normalize_question`` (the pipeline has it at hand)."""
    folded = fold(text)
    if not folded.strip():
        return Route("out_of_scope", "empty")
    typed_marks = has_diacritics(_SPELLED.sub(" ", text.lower()))
    low = text.lower() if typed_marks and len(text) == len(folded) else None
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
        return Route("legal", "sanction")
    if strong or (_ACTIVITY.search(folded) and not _LEGAL_CUE.search(folded)):
        return Route("procedure", "procedure", aspect)
    return Route("legal", "legal")
