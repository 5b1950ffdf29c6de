from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import DomainError
from app.domain.periods import (
    HalfYear,
    IsoWeek,
    Month,
    Quarter,
    Year,
    daterange,
    parse_date,
    parse_period,
    weeks_in,
)

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


# --- parse_date ---------------------------------------------------------------


def test_parse_date_strict_form() -> None:
    assert parse_date("2026-09-16") == date(2026, 9, 16)
    assert parse_date(" 2026-02-28 ") == date(2026, 2, 28)
    assert parse_date("2028-02-29") == date(2028, 2, 29)


def test_parse_date_impossible_day() -> None:
    with pytest.raises(DomainError) as err:
        parse_date("2026-02-30")
    assert str(err.value) == "日期不存在：2026-02-30"
    with pytest.raises(DomainError, match="日期不存在"):
        parse_date("2026-13-01")
    with pytest.raises(DomainError, match="日期不存在"):
        parse_date("0000-01-01")


@pytest.mark.parametrize(
    "text",
    [
        "2026-9-16",
        "2026/09/16",
        "20260916",
        "26-09-16",
        "2026-09-16T00:00",
        "",
        "２０２６-０９-１６",
    ],
)
def test_parse_date_wrong_shape(text: str) -> None:
    with pytest.raises(DomainError) as err:
        parse_date(text)
    assert err.value.message.startswith("日期格式应为 YYYY-MM-DD：")


@given(dates)
def test_parse_date_round_trip(d: date) -> None:
    assert parse_date(d.isoformat()) == d


# --- Month --------------------------------------------------------------------


def test_month_basics() -> None:
    m = Month.parse("2026-09")
    assert m == Month(2026, 9)
    assert str(m) == "2026-09"
    assert m.first_day == date(2026, 9, 1)
    assert m.last_day == date(2026, 9, 30)
    assert m.num_days == 30
    assert len(m.days()) == 30 and m.days()[0] == m.first_day and m.days()[-1] == m.last_day
    assert Month.of(date(2026, 9, 16)) == m
    assert date(2026, 9, 30) in m and date(2026, 10, 1) not in m


def test_month_february_and_year_turn() -> None:
    assert Month(2028, 2).num_days == 29
    assert Month(2026, 2).last_day == date(2026, 2, 28)
    assert Month(2026, 12).next() == Month(2027, 1)
    assert Month(2027, 1).prev() == Month(2026, 12)
    assert Month(2026, 9) < Month(2026, 10) < Month(2027, 1)


@pytest.mark.parametrize("text", ["2026-9", "2026-009", "202609", "2026/09", "26-09", "2026-09-01"])
def test_month_parse_wrong_shape(text: str) -> None:
    with pytest.raises(DomainError, match="月份格式应为 YYYY-MM"):
        Month.parse(text)


def test_month_parse_impossible() -> None:
    with pytest.raises(DomainError, match="月份不存在：2026-13"):
        Month.parse("2026-13")
    with pytest.raises(DomainError):
        Month.parse("2026-00")
    with pytest.raises(DomainError):
        Month(2026, 0)


@given(dates)
def test_month_of_contains_day(d: date) -> None:
    m = Month.of(d)
    assert m.first_day <= d <= m.last_day
    assert Month.parse(str(m)) == m
    assert m.next().prev() == m
    assert m.next().first_day == m.last_day + timedelta(days=1)


# --- Quarter, HalfYear, Year --------------------------------------------------


def test_quarter() -> None:
    q = Quarter.parse("2026Q3")
    assert q == Quarter.parse("2026q3") == Quarter(2026, 3)
    assert str(q) == "2026Q3"
    assert q.months() == [Month(2026, 7), Month(2026, 8), Month(2026, 9)]
    assert q.first_day == date(2026, 7, 1)
    assert q.last_day == date(2026, 9, 30)
    assert Quarter.of(date(2026, 9, 30)) == q
    assert Quarter.of(date(2026, 10, 1)) == Quarter(2026, 4)
    assert Quarter(2026, 4).last_day == date(2026, 12, 31)
    assert Quarter(2026, 4).next() == Quarter(2027, 1)


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "2026-Q3", "2026 Q3", "Q3 2026", "2026Q"])
def test_quarter_bad(text: str) -> None:
    with pytest.raises(DomainError):
        Quarter.parse(text)


def test_half_year() -> None:
    h = HalfYear.parse("2026H1")
    assert h == HalfYear.parse("2026h1") == HalfYear(2026, 1)
    assert str(h) == "2026H1"
    assert h.first_day == date(2026, 1, 1) and h.last_day == date(2026, 6, 30)
    assert h.months()[0] == Month(2026, 1) and h.months()[-1] == Month(2026, 6)
    assert len(h.months()) == 6
    h2 = HalfYear(2026, 2)
    assert h2.first_day == date(2026, 7, 1) and h2.last_day == date(2026, 12, 31)
    assert HalfYear.of(date(2026, 7, 1)) == h2
    with pytest.raises(DomainError):
        HalfYear.parse("2026H3")


def test_year() -> None:
    y = Year.parse("2026")
    assert y == Year(2026) and str(y) == "2026"
    assert y.first_day == date(2026, 1, 1) and y.last_day == date(2026, 12, 31)
    assert len(y.months()) == 12 and y.num_days == 365
    assert Year.of(date(2028, 5, 5)).num_days == 366
    with pytest.raises(DomainError):
        Year.parse("26")


def test_parse_period() -> None:
    assert parse_period("2026-09") == Month(2026, 9)
    assert parse_period("2026Q3") == Quarter(2026, 3)
    assert parse_period("2026q3") == Quarter(2026, 3)
    assert parse_period("2026H1") == HalfYear(2026, 1)
    assert parse_period("2026") == Year(2026)
    for bad in ["2026-W05", "2026-13", "2026Q7", "2026/09", "", "abc"]:
        with pytest.raises(DomainError):
            parse_period(bad)


# --- IsoWeek ------------------------------------------------------------------


def test_iso_week() -> None:
    w = IsoWeek.of(date(2026, 1, 28))
    assert w == IsoWeek(2026, 5)
    assert str(w) == "2026-W05"
    assert w.monday == date(2026, 1, 26)
    assert w.sunday == date(2026, 2, 1)
    assert w.days() == list(daterange(date(2026, 1, 26), date(2026, 2, 1)))
    assert w.next() == IsoWeek(2026, 6)
    assert IsoWeek.parse("2026-W05") == w


def test_iso_week_year_boundary() -> None:
    # 2026-01-01 is a Thursday: 2026 has 53 ISO weeks and W01 starts in December 2025.
    assert IsoWeek(2026, 1).monday == date(2025, 12, 29)
    assert IsoWeek.of(date(2027, 1, 1)) == IsoWeek(2026, 53)
    assert IsoWeek(2026, 53).next() == IsoWeek(2027, 1)
    assert IsoWeek(2027, 1).prev() == IsoWeek(2026, 53)
    with pytest.raises(DomainError):
        IsoWeek(2027, 53)


@given(dates)
def test_iso_week_of_contains_day(d: date) -> None:
    w = IsoWeek.of(d)
    assert w.monday <= d <= w.sunday
    assert w.monday.weekday() == 0 and w.sunday.weekday() == 6
    assert w.next().monday == w.monday + timedelta(days=7)


# --- weeks_in -----------------------------------------------------------------


def test_weeks_in_september_2026_by_thursday() -> None:
    # 2026-09-01 is a Tuesday; Thursdays 3, 10, 17, 24 are in September, Oct 1 is not.
    weeks = weeks_in(date(2026, 9, 1), date(2026, 9, 30))
    assert [str(w) for w in weeks] == ["2026-W36", "2026-W37", "2026-W38", "2026-W39"]
    assert weeks[0].monday == date(2026, 8, 31)  # starts in August, still September's
    october = weeks_in(date(2026, 10, 1), date(2026, 10, 31))
    assert october[0].monday == date(2026, 9, 28)  # ends in October: Thursday Oct 1


def test_weeks_in_quarter_and_year() -> None:
    q3 = Quarter(2026, 3)
    weeks = weeks_in(q3.first_day, q3.last_day)
    assert str(weeks[0]) == "2026-W27" and str(weeks[-1]) == "2026-W39"
    assert len(weeks) == 13
    assert len(weeks_in(date(2026, 1, 1), date(2026, 12, 31))) == 53
    assert len(weeks_in(date(2027, 1, 1), date(2027, 12, 31))) == 52
    assert weeks_in(date(2026, 9, 2), date(2026, 9, 1)) == []
    # A span of Friday..Wednesday holds no Thursday.
    assert weeks_in(date(2026, 9, 4), date(2026, 9, 9)) == []


@given(st.integers(min_value=1995, max_value=2085))
def test_every_week_of_a_year_in_exactly_one_month(year: int) -> None:
    by_month = [w for m in Year(year).months() for w in weeks_in(m.first_day, m.last_day)]
    assert by_month == weeks_in(date(year, 1, 1), date(year, 12, 31))
    assert len(set(by_month)) == len(by_month)
    by_quarter = [w for q in Year(year).quarters() for w in weeks_in(q.first_day, q.last_day)]
    assert by_quarter == by_month


def test_daterange() -> None:
    assert list(daterange(date(2026, 2, 27), date(2026, 3, 2))) == [
        date(2026, 2, 27),
        date(2026, 2, 28),
        date(2026, 3, 1),
        date(2026, 3, 2),
    ]
    assert list(daterange(date(2026, 3, 2), date(2026, 3, 1))) == []
