"""Cell converters: a non-blank cell (text or ``date``) → the value stored in the database.

Each raises ``DomainError`` with a reason in plain Chinese (without the column name,
which the caller adds). Codes, numbers, dates and money are read after NFKC
normalisation, so full-width digits typed with a Chinese input method are accepted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date

from app.domain.assessment import Indicator, format_tenths, parse_grade, parse_score
from app.domain.attendance import Kind, Role
from app.domain.errors import DomainError
from app.domain.money import format_yuan, parse_yuan
from app.domain.periods import parse_date
from app.domain.subsidy import RateKind

Parse = Callable[[object], object]
Show = Callable[[object], str]

METHODS = ("电话查岗", "进村抽查", "集中检查")
RESULTS = ("在岗", "请假", "不在岗")
SEXES = ("男", "女")
YES, NO = "是", "否"
MAX_COUNT = 999_999_999
MAX_FEN = 10**14  # a trillion yuan: beyond any register, far below SQLite's integer limit
PERFORMANCE = Indicator(
    "干部考核", "工作业绩", 1000
)  # bound of the cell; the year's maximum is checked per row

_CODE_RE = re.compile(r"[0-9]{12}")
_SCI_RE = re.compile(r"[0-9.]+[eE][+-]?[0-9]+")
_COUNT_RE = re.compile(r"[0-9]+")
_PHONE_RE = re.compile(r"[0-9][0-9-]{5,18}[0-9]")
_YEAR_RE = re.compile(r"[0-9]{4}")
_LOOSE_DATE_RE = re.compile(r"[0-9]{4}\s*[-/.年]\s*[0-9]{1,2}\s*[-/.月]\s*[0-9]{1,2}\s*日?(\s.*)?")


def text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _ascii(value: object) -> str:
    return unicodedata.normalize("NFKC", text(value)).strip()


def village_code(value: object) -> str:
    code = _ascii(value)
    if _CODE_RE.fullmatch(code):
        return code
    if _SCI_RE.fullmatch(code):
        raise DomainError(
            f"应为 12 位数字，实为 {code}（被 Excel 写成了科学计数法，"
            "请把该列设为“文本”格式后重新输入）"
        )
    if code.isascii() and code.isdigit():
        raise DomainError(f"应为 12 位数字，实为 {code}（{len(code)} 位）")
    raise DomainError(f"应为 12 位数字，实为 {code}（含非数字字符）")


def identifier(value: object) -> str:
    """户编号, 干部编号: any non-blank text, at most 50 characters."""
    ident = text(value)
    if len(ident) > 50:
        raise DomainError(f"编号过长（{len(ident)} 个字符，最多 50 个）：{ident[:20]}…")
    return ident


def iso_date(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raw = _ascii(value)
    try:
        return parse_date(raw).isoformat()
    except DomainError as e:
        if _COUNT_RE.fullmatch(raw):
            raise DomainError(
                f"{e.message}（看起来是 Excel 的日期序号，请把单元格设为日期格式，"
                "或直接写成 2026-03-02）"
            ) from None
        if _LOOSE_DATE_RE.fullmatch(raw):
            raise DomainError(
                f"{e.message}（请写成 2026-03-02 的形式；从 Excel 另存 CSV 时，"
                "请先把日期列的格式设为 yyyy-mm-dd）"
            ) from None
        raise


def count(value: object) -> int:
    raw = _ascii(value)
    if _COUNT_RE.fullmatch(raw):
        if len(raw.split(".")[0].lstrip("0")) > 18:  # far past any count (and int()'s limit)
            raise DomainError(f"数值过大：{raw[:20]}…")
        n = int(raw)
        if n > MAX_COUNT:
            raise DomainError(f"数值过大：{raw}")
        return n
    if raw.startswith("-") and _COUNT_RE.fullmatch(raw[1:].replace(".", "", 1)):
        raise DomainError(f"不能为负数：{raw}")
    raise DomainError(f"应为不小于 0 的整数：{raw}")


def yuan(value: object) -> int:
    fen = parse_yuan(_ascii(value), field="")
    if fen >= MAX_FEN:
        raise DomainError(f"金额过大：{text(value)}")
    return fen


def yes_no(value: object) -> int:
    raw = text(value)
    if raw == YES:
        return 1
    if raw == NO:
        return 0
    raise DomainError(f"应为 是 或 否（空白按 否）：{raw}")


def phone(value: object) -> str:
    raw = _ascii(value)
    if _PHONE_RE.fullmatch(raw) and "--" not in raw:
        return raw
    raise DomainError(f"应为 7 到 20 位的数字（可含“-”），如 13800000000 或 0913-1234567：{raw}")


def year(value: object) -> int:
    raw = _ascii(value)
    if not _YEAR_RE.fullmatch(raw) or not 1950 <= int(raw) <= 2100:
        raise DomainError(f"应为 4 位年份（如 2026）：{raw}")
    return int(raw)


def choice(options: tuple[str, ...]) -> Parse:
    def parse(value: object) -> str:
        raw = text(value)
        if raw not in options:
            raise DomainError(f"应为 {'/'.join(options)}：{raw}")
        return raw

    return parse


def grade(value: object) -> str:
    return parse_grade(text(value))


def role(value: object) -> str:
    return Role.parse(text(value)).value


def attendance_kind(value: object) -> str:
    return Kind.parse(text(value)).value


def rate_kind(value: object) -> str:
    return RateKind.parse(text(value)).value


def score(indicator: Indicator) -> Parse:
    def parse(value: object) -> int:
        return parse_score(_ascii(value), indicator)

    return parse


# ---- showing stored values again (preview, messages) -------------------------------------


def show_plain(value: object) -> str:
    return "" if value is None else str(value)


def show_yuan(value: object) -> str:
    return "" if value is None else format_yuan(int(value))  # type: ignore[arg-type]


def show_tenths(value: object) -> str:
    return "" if value is None else format_tenths(int(value))  # type: ignore[arg-type]


def show_yes_no(value: object) -> str:
    return YES if value else NO
