"""One place for the input rules every form and the API share (mobile, names, free text)."""
import re
import unicodedata
from datetime import date

#: A booking (TY-…), registration (BM-…) reference: prefix, MMDD, four code characters.
REFERENCE_RE = re.compile(r"^(TY|BM)-\d{4}-[0-9A-Z]{4}$")
#: Mainland China mobile number.
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
#: Names of schools and people: letters (CJK included), digits, spaces and the punctuation such
#: names really use. Anything else (<, >, =, |, quotes …) is refused rather than stored.
NAME_RE = re.compile(r"^[\w\u3400-\u9fff\u00b7\u30fb（）()、·.\- —&＆]+$")
#: A leading character that spreadsheets read as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: The days any page, export or API accepts: every activity week lies between them, and their
#: bounds in UTC (Shanghai midnight) never overflow a datetime, as 0001-01-01 or 9999-12-31 would.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)
#: The largest id a row can have on every backend (PostgreSQL's INTEGER; SQLite would take up to
#: 2^63-1): a larger number in a URL, a query string or a form is "not found", never sent to SQL.
MAX_ID = 2**31 - 1
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Markup such as <script>, <img …>, </b> or <!--: never needed in a school's notes, and refused so
#: it can reach no page, e-mail or export even if an escape were forgotten somewhere.
MARKUP_RE = re.compile(r"<\s*[a-zA-Z/!?]")


def record_id(value) -> int:
    """An id from a URL, query string or form: a whole number 1..MAX_ID, else ValueError.

    Pass as ``type=`` to ``request.args.get`` or as a WTForms ``coerce``.
    """
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise ValueError(f"id out of range: {number}")
    return number


def day_error(value: date) -> str | None:
    if not FIRST_DAY <= value <= LAST_DAY:
        return f"日期超出范围：请选择 {FIRST_DAY:%Y-%m-%d} 至 {LAST_DAY:%Y-%m-%d} 之间的日期。"
    return None


#: Full-width ASCII letters and digits (Ａ–Ｚ, ａ–ｚ, ０–９) → half-width. Punctuation is not here:
#: （初中部） and 七年级：1班 are how people write them and are stored as typed.
_FULLWIDTH_ALNUM = {cp: cp - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
                    for cp in range(r[0], r[1] + 1)}


def normalise_text(value: str | None) -> str:
    """What is stored: trimmed, runs of spaces (ideographic too) folded to one, full-width letters
    and digits (a Chinese IME left on) to half-width — and nothing else. Chinese punctuation stays
    as typed; matching folds it with ``match_key``, never storage or display."""
    if not value:
        return ""
    value = value.translate(_FULLWIDTH_ALNUM)
    return re.sub(r"[ \t\u3000]+", " ", value).strip()


def match_key(value: str | None) -> str:
    """What two spellings of one name have in common, for matching only (never stored or shown):
    full-width folded to half-width (（初中部） = (初中部)), case folded, every space removed.
    "株洲市第二中学（初中部）" and " 株洲市第二中学 (初中部)" give the same key."""
    if not value:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value).casefold())


def normalise_mobile(value: str | None) -> str:
    value = normalise_text(value)
    value = re.sub(r"[\s\-]", "", value)
    if value.startswith("+86"):
        value = value[3:]
    return value


def mobile_error(value: str) -> str | None:
    if not MOBILE_RE.match(value):
        return "请填写正确的11位手机号码（如 13812345678）。"
    return None


def name_error(value: str, label: str, min_len: int, max_len: int) -> str | None:
    if len(value) < min_len or len(value) > max_len:
        return f"{label}应为{min_len}–{max_len}个字。"
    if value.startswith(FORMULA_PREFIXES) or not NAME_RE.match(value):
        return f"{label}只能包含汉字、字母、数字、空格和括号等常用符号。"
    return None


def free_text_error(value: str, label: str, max_len: int) -> str | None:
    if len(value) > max_len:
        return f"{label}不能超过{max_len}个字（当前{len(value)}个）。"
    if CONTROL_RE.search(value):
        return f"{label}包含无法识别的字符，请删除后重试。"
    if value.lstrip().startswith(FORMULA_PREFIXES):
        return f"{label}不能以 = + - @ 等符号开头，请修改后重试。"
    if MARKUP_RE.search(value):
        return f"{label}不能包含网页代码（如 <script>），请删除尖括号后重试。"
    return None


def mask_mobile(value: str | None) -> str:
    """138****5678, for staff lists where the full number is not needed."""
    if not value or len(value) < 7:
        return value or ""
    return value[:3] + "****" + value[-4:]


def mask_email(value: str | None) -> str:
    """w***@example.com: enough for staff to confirm the address without the log keeping it."""
    if not value or "@" not in value:
        return value or ""
    local_part, domain = value.rsplit("@", 1)
    return f"{local_part[:1]}***@{domain}"
