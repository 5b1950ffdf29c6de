from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import DomainError
from app.domain.money import (
    capital_amount,
    fen_to_decimal,
    format_yuan,
    format_yuan_grouped,
    parse_yuan,
)

fens = st.integers(min_value=0, max_value=10**13)


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("6", 600),
        ("6.5", 650),
        ("6.05", 605),
        ("0.05", 5),
        ("0", 0),
        ("40.00", 4000),
        ("1,234.50", 123450),
        ("1234.50", 123450),
        ("1,234,567.89", 123456789),
        (" 6.00 ", 600),
        ("6.050", 605),  # a trailing zero is not a third decimal
        (6, 600),
        (Decimal("6.05"), 605),
        (Decimal(100), 10000),
    ],
)
def test_parse_yuan(text: str | int | Decimal, fen: int) -> None:
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["6.055", "0.001", Decimal("6.055")])
def test_parse_yuan_three_decimals(text: str | Decimal) -> None:
    with pytest.raises(DomainError, match="最多两位小数"):
        parse_yuan(text)


@pytest.mark.parametrize("text", ["-6", "-0.05", -1, Decimal("-6.00")])
def test_parse_yuan_negative(text: str | int | Decimal) -> None:
    with pytest.raises(DomainError, match="不能为负数"):
        parse_yuan(text)


@pytest.mark.parametrize(
    "text",
    ["", "  ", "abc", "6元", "¥6", "6,5", "12,34.00", "1.2.3", ".5", "6.", "1e3", "NaN", "+6"],
)
def test_parse_yuan_garbage(text: str) -> None:
    with pytest.raises(DomainError):
        parse_yuan(text)


def test_parse_yuan_refuses_float_and_names_field() -> None:
    with pytest.raises(DomainError) as err:
        parse_yuan(6.0, field="标准")  # type: ignore[arg-type]
    assert "浮点数" in err.value.message and "文本" in err.value.message
    assert err.value.message.startswith("标准")
    assert err.value.field == "标准"
    with pytest.raises(DomainError):
        parse_yuan(True)  # type: ignore[arg-type]
    with pytest.raises(DomainError):
        parse_yuan(Decimal("NaN"))


def test_formatting() -> None:
    assert format_yuan(3600) == "36.00"
    assert format_yuan(-600) == "-6.00"
    assert format_yuan(5) == "0.05"
    assert format_yuan(0) == "0.00"
    assert format_yuan(-5) == "-0.05"
    assert format_yuan_grouped(123456789) == "1,234,567.89"
    assert format_yuan_grouped(-100000) == "-1,000.00"
    assert format_yuan_grouped(99) == "0.99"
    assert fen_to_decimal(3600) == Decimal("36.00")
    assert str(fen_to_decimal(3600)) == "36.00"
    assert str(fen_to_decimal(0)) == "0.00"
    assert str(fen_to_decimal(-5)) == "-0.05"
    with pytest.raises(TypeError):
        format_yuan(6.0)  # type: ignore[arg-type]


@given(fens)
def test_round_trip(fen: int) -> None:
    assert parse_yuan(format_yuan(fen)) == fen
    assert parse_yuan(format_yuan_grouped(fen)) == fen
    assert parse_yuan(fen_to_decimal(fen)) == fen
    assert Decimal(format_yuan(fen)) == fen_to_decimal(fen)


CAPITAL = [
    ("0.05", "伍分"),
    ("0.00", "零元整"),
    ("10.00", "壹拾元整"),
    ("10.05", "壹拾元零伍分"),
    ("100.10", "壹佰元壹角整"),
    ("260.00", "贰佰陆拾元整"),
    ("1,000,000.00", "壹佰万元整"),
    ("1,234,567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    ("1,005.00", "壹仟零伍元整"),
    ("100,000,000.00", "壹亿元整"),
    ("10,010.00", "壹万零壹拾元整"),
    ("110,000.00", "壹拾壹万元整"),
    ("1,000,100.00", "壹佰万零壹佰元整"),
    # further hand-worked cases of the same rules
    ("0.10", "壹角整"),
    ("0.15", "壹角伍分"),
    ("76.00", "柒拾陆元整"),
    ("152.00", "壹佰伍拾贰元整"),
    ("9,812.00", "玖仟捌佰壹拾贰元整"),
    ("100,000,100.00", "壹亿零壹佰元整"),
    ("105,000,000.00", "壹亿零伍佰万元整"),
    ("1,010.01", "壹仟零壹拾元零壹分"),
    ("20,000,000.30", "贰仟万元叁角整"),
]


@pytest.mark.parametrize(("yuan", "capital"), CAPITAL)
def test_capital_amount(yuan: str, capital: str) -> None:
    assert capital_amount(parse_yuan(yuan)) == capital


def test_capital_amount_negative() -> None:
    assert capital_amount(-600) == "负陆元整"
    assert capital_amount(-1005) == "负壹拾元零伍分"


@given(st.integers(min_value=1, max_value=10**13))
def test_capital_amount_shape(fen: int) -> None:
    text = capital_amount(fen)
    assert "零零" not in text
    assert not text.startswith("零")
    assert "零元" not in text and "零万" not in text and "零亿" not in text
    assert text.endswith("整") == (fen % 10 == 0)
    assert ("元" in text) == (fen >= 100)
    assert set(text) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")
