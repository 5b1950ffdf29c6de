"""Money: integer fen inside the program, ``Decimal`` or text only at the edges.

A float is never money: :func:`parse_yuan` refuses one outright, so a value that went
through a float somewhere (a spreadsheet cell read carelessly) is caught where it
enters rather than paid a fen short.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from app.domain.errors import DomainError

#: ``6``, ``6.5``, ``6.05``, ``1234.50``, ``1,234.50`` (commas only as thousands groups).
_YUAN_RE = re.compile(r"(-?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?")

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_SECTIONS = ("", "万", "亿")
#: capital_amount handles amounts below 1 000 000 000 000 yuan (a trillion).
_CAPITAL_LIMIT_YUAN = 10**12


def _require_int(fen: int) -> int:
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"金额应为整数分，得到 {type(fen).__name__}")
    return fen


def _from_decimal(value: Decimal, shown: str, field: str) -> int:
    if not value.is_finite():
        raise DomainError(f"{field}应为数字：{shown}", field=field)
    if value < 0:
        raise DomainError(f"{field}不能为负数：{shown}", field=field)
    fen = value * 100
    if fen != fen.to_integral_value():
        raise DomainError(f"{field}最多两位小数：{shown}", field=field)
    return int(fen)


def parse_yuan(text: str | int | Decimal, *, field: str = "金额") -> int:
    """Read an amount in yuan and return it in fen.

    Accepts text (``"6"``, ``"6.5"``, ``"6.05"``, ``"1,234.50"``; blanks around are
    ignored), an ``int`` (whole yuan) or a ``Decimal``. Trailing zeros beyond two decimals
    are harmless (``"6.050"`` is 6.05); a third significant decimal is an error, as are
    negative amounts, floats and anything else.
    """
    if isinstance(text, bool):
        raise DomainError(f"{field}应为数字：{text}", field=field)
    if isinstance(text, float):
        raise DomainError(
            f'{field}不能是浮点数（会丢失分），请以文本形式给出，如 "6.00"：{text!r}',
            field=field,
        )
    if isinstance(text, int):
        if text < 0:
            raise DomainError(f"{field}不能为负数：{text}", field=field)
        return text * 100
    if isinstance(text, Decimal):
        return _from_decimal(text, str(text), field)
    if not isinstance(text, str):
        raise DomainError(f"{field}应为数字：{text!r}", field=field)
    raw = text.strip()
    if not raw:
        raise DomainError(f"{field}不能为空", field=field)
    m = _YUAN_RE.fullmatch(raw)
    if m is None:
        raise DomainError(f"{field}应为以元为单位的数字（最多两位小数）：{raw}", field=field)
    if m[1]:
        raise DomainError(f"{field}不能为负数：{raw}", field=field)
    try:
        value = Decimal(f"{m[2].replace(',', '')}.{m[3] or '0'}")
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise DomainError(f"{field}应为数字：{raw}", field=field) from None
    return _from_decimal(value, raw, field)


def fen_to_decimal(fen: int) -> Decimal:
    """``3600`` → ``Decimal("36.00")`` (always two places)."""
    return Decimal(_require_int(fen)).scaleb(-2)


def format_yuan(fen: int) -> str:
    """``3600`` → ``"36.00"``, ``-600`` → ``"-6.00"``, ``5`` → ``"0.05"``."""
    fen = _require_int(fen)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{cents:02d}"


def format_yuan_grouped(fen: int) -> str:
    """``123456789`` → ``"1,234,567.89"`` (thousands separated by commas)."""
    fen = _require_int(fen)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


def _capital_integer(yuan: int) -> str:
    """Capital numerals of a positive whole number of yuan (without 元)."""
    digits = str(yuan)
    out: list[str] = []
    zero_pending = False
    for index, ch in enumerate(digits):
        position = len(digits) - 1 - index
        section, place = divmod(position, 4)
        digit = int(ch)
        if digit == 0:
            zero_pending = True
        else:
            if zero_pending and out:
                out.append("零")
            zero_pending = False
            out.append(_DIGITS[digit] + _UNITS[place])
        if place == 0 and section > 0 and (yuan // 10 ** (4 * section)) % 10000:
            out.append(_SECTIONS[section])
    return "".join(out)


def capital_amount(fen: int) -> str:
    """The amount in capital numerals (大写金额) as written on Chinese finance forms.

    Rules (after 《支付结算办法》 and its 正确填写票据和结算凭证的基本规定):

    * whole yuan end with 元; an amount without 角 and 分 ends with 整: ``壹拾元整``;
    * zeros inside the whole part: a run of zeros is written as one 零, never at the end
      of a four-digit section: ``壹仟零伍元整``, ``壹万零壹拾元整``, ``壹佰万零壹佰元整``,
      ``壹拾壹万元整``; 十 is always written 壹拾;
    * 角 without 分 ends with 整: ``壹佰元壹角整``; 分 without 角 takes 零 after 元:
      ``壹拾元零伍分``; below one yuan no 元 is written: ``伍分``;
    * zero is ``零元整``; a negative amount is prefixed with 负.
    """
    fen = _require_int(fen)
    if fen < 0:
        return "负" + capital_amount(-fen)
    yuan, cents = divmod(fen, 100)
    if yuan >= _CAPITAL_LIMIT_YUAN:
        raise DomainError(f"金额过大，无法写成大写：{format_yuan(fen)}")
    jiao, fen_digit = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        return "零元整"
    out = _capital_integer(yuan) + "元" if yuan else ""
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif fen_digit and yuan:
        out += "零"
    if fen_digit:
        out += _DIGITS[fen_digit] + "分"
    else:
        out += "整"
    return out


__all__ = [
    "capital_amount",
    "fen_to_decimal",
    "format_yuan",
    "format_yuan_grouped",
    "parse_yuan",
]
