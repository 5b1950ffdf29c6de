"""Calendar periods: dates, months, quarters, half-years, years and ISO weeks.

Text forms (strict, ASCII digits only):

=============  ============  =====================
period         text          example
=============  ============  =====================
date           YYYY-MM-DD    ``2026-09-16``
month          YYYY-MM       ``2026-09``
quarter        YYYYQn        ``2026Q3`` (``q`` too)
half-year      YYYYHn        ``2026H1`` (``h`` too)
year           YYYY          ``2026``
ISO week       YYYY-Www      ``2026-W05``
=============  ============  =====================

Weeks are assigned to months, quarters and years by their Thursday (see
:func:`weeks_in`), the ISO 8601 rule: a week belongs to the period that holds most of
its days.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.errors import DomainError

_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")
_QUARTER_RE = re.compile(r"([0-9]{4})[Qq]([0-9])")
_HALF_RE = re.compile(r"([0-9]{4})[Hh]([0-9])")
_YEAR_RE = re.compile(r"([0-9]{4})")
_WEEK_RE = re.compile(r"([0-9]{4})-[Ww]([0-9]{2})")

_ONE_DAY = timedelta(days=1)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else str(value)


MIN_YEAR, MAX_YEAR = 1900, 2100  # dates the program keeps; beyond is a typing error


def _check_year(year: int, text: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(f"年份超出范围（{MIN_YEAR}–{MAX_YEAR}）：{text}")


def parse_date(text: str) -> date:
    """Parse a strict ``YYYY-MM-DD`` date (surrounding blanks are ignored)."""
    raw = _text(text)
    if not isinstance(text, str) or not (m := _DATE_RE.fullmatch(raw)):
        raise DomainError(f"日期格式应为 YYYY-MM-DD：{raw}")
    try:
        day = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise DomainError(f"日期不存在：{raw}") from None
    _check_year(day.year, raw)
    return day


def daterange(first: date, last: date) -> Iterator[date]:
    """Every day from ``first`` to ``last``, both included (nothing if last < first)."""
    day = first
    while day <= last:
        yield day
        day += _ONE_DAY


class _Span:
    """Shared behaviour of periods that know their first and last day."""

    __slots__ = ()

    @property
    def first_day(self) -> date:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def last_day(self) -> date:  # pragma: no cover - overridden
        raise NotImplementedError

    def days(self) -> list[date]:
        """All days of the period, in order."""
        return list(daterange(self.first_day, self.last_day))

    @property
    def num_days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.contains(day)


@dataclass(frozen=True, order=True, slots=True)
class Month(_Span):
    """A calendar month, e.g. ``Month(2026, 9)`` printed ``2026-09``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999 or not 1 <= self.month <= 12:
            raise DomainError(f"月份不存在：{self.year:04d}-{self.month:02d}")

    @classmethod
    def parse(cls, text: str) -> Month:
        raw = _text(text)
        if not isinstance(text, str) or not (m := _MONTH_RE.fullmatch(raw)):
            raise DomainError(f"月份格式应为 YYYY-MM：{raw}")
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise DomainError(f"月份不存在：{raw}")
        _check_year(year, raw)
        return cls(year, month)

    @classmethod
    def of(cls, d: date) -> Month:
        return cls(d.year, d.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, self.num_days)

    @property
    def num_days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    def months(self) -> list[Month]:
        return [self]

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def prev(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, order=True, slots=True)
class Quarter(_Span):
    """A calendar quarter, e.g. ``Quarter(2026, 3)`` printed ``2026Q3``."""

    year: int
    q: int

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999 or not 1 <= self.q <= 4:
            raise DomainError(f"季度不存在：{self.year:04d}Q{self.q}")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        raw = _text(text)
        if not isinstance(text, str) or not (m := _QUARTER_RE.fullmatch(raw)):
            raise DomainError(f"季度格式应为 YYYYQn（如 2026Q3）：{raw}")
        year, q = int(m[1]), int(m[2])
        if not 1 <= q <= 4:
            raise DomainError(f"季度不存在：{raw}")
        _check_year(year, raw)
        return cls(year, q)

    @classmethod
    def of(cls, d: date) -> Quarter:
        return cls(d.year, (d.month - 1) // 3 + 1)

    def months(self) -> list[Month]:
        return [Month(self.year, 3 * (self.q - 1) + i) for i in (1, 2, 3)]

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.q - 2, 1)

    @property
    def last_day(self) -> date:
        return Month(self.year, 3 * self.q).last_day

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.q == 4 else Quarter(self.year, self.q + 1)

    def prev(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.q == 1 else Quarter(self.year, self.q - 1)

    def __str__(self) -> str:
        return f"{self.year:04d}Q{self.q}"


@dataclass(frozen=True, order=True, slots=True)
class HalfYear(_Span):
    """A half-year, e.g. ``HalfYear(2026, 1)`` printed ``2026H1`` (January–June)."""

    year: int
    half: int

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999 or self.half not in (1, 2):
            raise DomainError(f"半年不存在：{self.year:04d}H{self.half}")

    @classmethod
    def parse(cls, text: str) -> HalfYear:
        raw = _text(text)
        if not isinstance(text, str) or not (m := _HALF_RE.fullmatch(raw)):
            raise DomainError(f"半年格式应为 YYYYHn（如 2026H1）：{raw}")
        year, half = int(m[1]), int(m[2])
        if half not in (1, 2):
            raise DomainError(f"半年不存在：{raw}")
        _check_year(year, raw)
        return cls(year, half)

    @classmethod
    def of(cls, d: date) -> HalfYear:
        return cls(d.year, 1 if d.month <= 6 else 2)

    def months(self) -> list[Month]:
        return [Month(self.year, 6 * (self.half - 1) + i) for i in range(1, 7)]

    def quarters(self) -> list[Quarter]:
        return [Quarter(self.year, 2 * self.half - 1), Quarter(self.year, 2 * self.half)]

    @property
    def first_day(self) -> date:
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    def __str__(self) -> str:
        return f"{self.year:04d}H{self.half}"


@dataclass(frozen=True, order=True, slots=True)
class Year(_Span):
    """A calendar year, printed ``2026``."""

    year: int

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise DomainError(f"年份不存在：{self.year}")

    @classmethod
    def parse(cls, text: str) -> Year:
        raw = _text(text)
        if not isinstance(text, str) or not _YEAR_RE.fullmatch(raw):
            raise DomainError(f"年度格式应为 YYYY：{raw}")
        _check_year(int(raw), raw)
        return cls(int(raw))

    @classmethod
    def of(cls, d: date) -> Year:
        return cls(d.year)

    def months(self) -> list[Month]:
        return [Month(self.year, i) for i in range(1, 13)]

    def quarters(self) -> list[Quarter]:
        return [Quarter(self.year, i) for i in range(1, 5)]

    @property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 12, 31)

    def next(self) -> Year:
        return Year(self.year + 1)

    def prev(self) -> Year:
        return Year(self.year - 1)

    def __str__(self) -> str:
        return f"{self.year:04d}"


def _weeks_in_iso_year(year: int) -> int:
    return date(year, 12, 28).isocalendar()[1]


@dataclass(frozen=True, order=True, slots=True)
class IsoWeek(_Span):
    """An ISO 8601 week (Monday–Sunday), printed ``2026-W05``.

    ``year`` is the ISO week-numbering year, which differs from the calendar year for a
    few days around New Year (2027-01-01 is in ``2026-W53``).
    """

    year: int
    week: int

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999 or not 1 <= self.week <= _weeks_in_iso_year(self.year):
            raise DomainError(f"周不存在：{self.year:04d}-W{self.week:02d}")

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        raw = _text(text)
        if not isinstance(text, str) or not (m := _WEEK_RE.fullmatch(raw)):
            raise DomainError(f"周的格式应为 YYYY-Www（如 2026-W05）：{raw}")
        year, week = int(m[1]), int(m[2])
        _check_year(year, raw)
        if not 1 <= week <= _weeks_in_iso_year(year):
            raise DomainError(f"周不存在：{raw}")
        return cls(year, week)

    @classmethod
    def of(cls, d: date) -> IsoWeek:
        iso = d.isocalendar()
        return cls(iso[0], iso[1])

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def thursday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 4)

    @property
    def sunday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 7)

    @property
    def first_day(self) -> date:
        return self.monday

    @property
    def last_day(self) -> date:
        return self.sunday

    def next(self) -> IsoWeek:
        return IsoWeek.of(self.monday + timedelta(days=7))

    def prev(self) -> IsoWeek:
        return IsoWeek.of(self.monday - timedelta(days=7))

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"


Period = Month | Quarter | HalfYear | Year


def parse_period(text: str) -> Month | Quarter | HalfYear | Year:
    """Parse ``2026-09`` (month), ``2026Q3`` (quarter), ``2026H1`` (half-year), ``2026`` (year)."""
    raw = _text(text)
    if isinstance(text, str):
        if _MONTH_RE.fullmatch(raw):
            return Month.parse(raw)
        if _QUARTER_RE.fullmatch(raw):
            return Quarter.parse(raw)
        if _HALF_RE.fullmatch(raw):
            return HalfYear.parse(raw)
        if _YEAR_RE.fullmatch(raw):
            return Year.parse(raw)
    raise DomainError(
        f"期间格式应为 YYYY-MM（月）、YYYYQn（季度）、YYYYHn（半年）或 YYYY（年）：{raw}"
    )


def weeks_in(first: date, last: date) -> list[IsoWeek]:
    """The ISO weeks that belong to the span ``[first, last]`` (both days included).

    A week belongs to the span when its **Thursday** falls within it. This is how weeks
    are assigned to months, quarters and years: every week belongs to exactly one month
    (and one quarter, one year), the one holding at least four of its seven days, so
    weekly figures add up without counting a week twice. The week Monday 2026-08-31 to
    Sunday 2026-09-06 belongs to September (Thursday 09-03); the week Monday 2026-09-28
    to Sunday 2026-10-04 belongs to October (Thursday 10-01).

    Weeks may therefore start before ``first`` or end after ``last``.
    """
    if last < first:
        return []
    week = IsoWeek.of(first)
    if week.thursday < first:
        week = week.next()
    weeks: list[IsoWeek] = []
    while week.thursday <= last:
        weeks.append(week)
        week = week.next()
    return weeks


__all__ = [
    "HalfYear",
    "IsoWeek",
    "Month",
    "Period",
    "Quarter",
    "Year",
    "daterange",
    "parse_date",
    "parse_period",
    "weeks_in",
]
