"""Attendance and the time requirement (驻村时限).

One record per cadre per calendar day, of one :class:`Kind`. A day without a record is
"not recorded": neither present nor leave.

Requirements (defaults, editable in settings):

* 兼职书记 / 兼职第一书记 (part-time): at least 2 present days in every ISO week
  (Monday–Sunday) of the assignment. A week the assignment covers only partly is not
  judged; a week with 3 or more weekdays of approved leave is excused.
* 驻村干部 (stationed): at least 20 present days in every calendar month of the
  assignment; leave days lower the requirement day for day; a month the assignment
  covers only partly is prorated by the days covered, rounded down.
* Compliance ratio = met periods / judged periods.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from app.domain._compat import StrEnum
from app.domain.errors import DomainError
from app.domain.periods import Month, daterange, weeks_in


class Kind(StrEnum):
    """The kind of an attendance day."""

    PRESENT = "在村"
    MEETING = "会议培训"
    LEAVE = "请假"
    ABSENT = "缺勤"

    @classmethod
    def parse(cls, text: str) -> Kind:
        raw = text.strip() if isinstance(text, str) else str(text)
        for kind in cls:
            if kind.value == raw:
                return kind
        allowed = "/".join(k.value for k in cls)
        raise DomainError(f"类别应为 {allowed}：{raw}", field="类别")


#: Kinds that count as a day present in the village (a meeting or training counts).
PRESENT_KINDS: frozenset[Kind] = frozenset({Kind.PRESENT, Kind.MEETING})


class Role(StrEnum):
    """The post a cadre holds in a village (岗位)."""

    STATIONED = "驻村干部"
    SECRETARY = "兼职书记"
    FIRST_SECRETARY = "兼职第一书记"

    @property
    def is_part_time(self) -> bool:
        return self is not Role.STATIONED

    @classmethod
    def parse(cls, text: str) -> Role:
        raw = text.strip() if isinstance(text, str) else str(text)
        for role in cls:
            if role.value == raw:
                return role
        allowed = "/".join(r.value for r in cls)
        raise DomainError(f"岗位应为 {allowed}：{raw}", field="岗位")


@dataclass(frozen=True, slots=True)
class Requirements:
    """The time requirement in force (defaults from DOMAIN.md)."""

    weekly_min_days: int = 2
    weekly_leave_excuse_weekdays: int = 3
    monthly_min_days: int = 20

    def __post_init__(self) -> None:
        if not 0 <= self.weekly_min_days <= 7:
            raise DomainError("每周驻村天数应在 0 到 7 之间", field="weekly_min_days")
        if self.weekly_leave_excuse_weekdays < 1:
            raise DomainError(
                "免考所需的请假工作日数应至少为 1", field="weekly_leave_excuse_weekdays"
            )
        if not 0 <= self.monthly_min_days <= 31:
            raise DomainError("每月驻村天数应在 0 到 31 之间", field="monthly_min_days")


@dataclass(frozen=True, slots=True)
class Assignment:
    """A cadre's post in a village from ``start`` to ``end`` (inclusive; None = open)."""

    cadre_no: str
    village_code: str
    role: Role
    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise DomainError(f"结束日期 {self.end} 早于开始日期 {self.start}", field="结束日期")

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def overlap(self, first: date, last: date) -> tuple[date, date] | None:
        """The part of ``[first, last]`` the assignment covers, or None."""
        lo = max(first, self.start)
        hi = last if self.end is None else min(last, self.end)
        return (lo, hi) if lo <= hi else None


@dataclass(frozen=True, slots=True)
class PeriodResult:
    """The requirement judged for one week (兼职) or one month (驻村).

    ``first``/``last`` are the whole week or month; the counts cover only the days of
    it that the assignment covers. ``required`` is None when the period is not judged.
    ``met`` is None when not judged.
    """

    label: str
    first: date
    last: date
    present: int
    leave: int
    absent: int
    required: int | None
    judged: bool
    met: bool | None
    excused: bool
    note: str

    @property
    def is_week(self) -> bool:
        """A week (兼职, Monday–Sunday) rather than a month (驻村)."""
        return (self.last - self.first).days == 6


def count_kinds(days: Mapping[date, Kind], first: date, last: date) -> dict[Kind, int]:
    """How many days of each kind lie in ``[first, last]`` (every kind present, maybe 0)."""
    counts = dict.fromkeys(Kind, 0)
    for day in daterange(first, last):
        kind = days.get(day)
        if kind is not None:
            counts[Kind(kind)] += 1
    return counts


def count_present(days: Mapping[date, Kind], first: date, last: date) -> int:
    """Present days (在村 or 会议培训) in ``[first, last]``."""
    counts = count_kinds(days, first, last)
    return sum(counts[k] for k in PRESENT_KINDS)


def _present(counts: Mapping[Kind, int]) -> int:
    return sum(counts[k] for k in PRESENT_KINDS)


def weekly_results(
    assignment: Assignment,
    days: Mapping[date, Kind],
    first: date,
    last: date,
    req: Requirements,
) -> list[PeriodResult]:
    """The weekly requirement of a part-time post over ``[first, last]``.

    The weeks are those of :func:`app.domain.periods.weeks_in` (Thursday within the
    span) that the assignment touches. A week the assignment does not cover in full is
    listed but not judged. A fully covered week with ``weekly_leave_excuse_weekdays`` or
    more weekdays (Mon–Fri) of leave is excused. Any other week is met when it has at
    least ``weekly_min_days`` present days.
    """
    results: list[PeriodResult] = []
    for week in weeks_in(first, last):
        span = assignment.overlap(week.monday, week.sunday)
        if span is None:
            continue
        counts = count_kinds(days, span[0], span[1])
        present = _present(counts)
        leave, absent = counts[Kind.LEAVE], counts[Kind.ABSENT]
        full = span == (week.monday, week.sunday)
        leave_weekdays = sum(
            1 for d in daterange(span[0], span[1]) if d.weekday() < 5 and days.get(d) == Kind.LEAVE
        )
        required: int | None = None
        met: bool | None = None
        excused = False
        if not full:
            note = "任职未覆盖整周，不考核"
        elif leave_weekdays >= req.weekly_leave_excuse_weekdays:
            excused = True
            note = f"请假{leave_weekdays}个工作日，本周免考"
        else:
            required = req.weekly_min_days
            met = present >= required
            note = "达标" if met else f"未达标：在村{present}天，应至少{required}天"
        results.append(
            PeriodResult(
                label=str(week),
                first=week.monday,
                last=week.sunday,
                present=present,
                leave=leave,
                absent=absent,
                required=required,
                judged=required is not None,
                met=met,
                excused=excused,
                note=note,
            )
        )
    return results


def monthly_requirement(
    monthly_min_days: int, covered_days: int, month_days: int, leave_days: int
) -> int:
    """floor(min × covered / days in month) − leave days, never below 0."""
    prorated = monthly_min_days * covered_days // month_days
    return max(0, prorated - leave_days)


def monthly_results(
    assignment: Assignment,
    days: Mapping[date, Kind],
    first: date,
    last: date,
    req: Requirements,
) -> list[PeriodResult]:
    """The monthly requirement of a stationed cadre (驻村干部) over ``[first, last]``.

    Every calendar month that overlaps both ``[first, last]`` and the assignment is
    judged on the days of that month the assignment covers (the whole month when it
    covers all of it, even if ``[first, last]`` cuts the month):
    required = floor(``monthly_min_days`` × covered days / days in the month) − leave days
    in the covered part, at least 0; met = present days in the covered part ≥ required.
    """
    results: list[PeriodResult] = []
    if last < first:
        return results
    month = Month.of(first)
    while month.first_day <= last:
        span = assignment.overlap(month.first_day, month.last_day)
        if span is not None:
            results.append(_month_result(month, span, days, req))
        month = month.next()
    return results


def _month_result(
    month: Month, span: tuple[date, date], days: Mapping[date, Kind], req: Requirements
) -> PeriodResult:
    counts = count_kinds(days, span[0], span[1])
    present = _present(counts)
    leave, absent = counts[Kind.LEAVE], counts[Kind.ABSENT]
    covered = (span[1] - span[0]).days + 1
    prorated = req.monthly_min_days * covered // month.num_days
    required = monthly_requirement(req.monthly_min_days, covered, month.num_days, leave)
    judged = required > 0  # nothing asked (all leave, a day or two covered): not judged
    met = present >= required if judged else None
    notes: list[str] = []
    if covered < month.num_days:
        notes.append(f"任职覆盖{covered}/{month.num_days}天，要求按比例为{prorated}天")
    if leave:
        notes.append(f"请假{leave}天，要求减为{required}天")
    if not judged:
        notes.append("应在村0天，本月不考核")
    else:
        notes.append("达标" if met else f"未达标：在村{present}天，应至少{required}天")
    return PeriodResult(
        label=str(month),
        first=month.first_day,
        last=month.last_day,
        present=present,
        leave=leave,
        absent=absent,
        required=required if judged else None,
        judged=judged,
        met=met,
        excused=not judged,
        note="；".join(notes),
    )


def results_for(
    assignment: Assignment,
    days: Mapping[date, Kind],
    first: date,
    last: date,
    req: Requirements,
) -> list[PeriodResult]:
    """Weekly results for part-time posts, monthly results for stationed cadres."""
    if assignment.role.is_part_time:
        return weekly_results(assignment, days, first, last, req)
    return monthly_results(assignment, days, first, last, req)


@dataclass(frozen=True, slots=True)
class Compliance:
    """Met periods out of judged periods; ``ratio`` is None when nothing was judged."""

    judged: int
    met: int
    ratio: Fraction | None

    @classmethod
    def of(cls, met: int, judged: int) -> Compliance:
        """``met`` of ``judged`` periods, with their ratio."""
        return cls(judged, met, Fraction(met, judged) if judged else None)


def compliance(results: Iterable[PeriodResult]) -> Compliance:
    judged = met = 0
    for result in results:
        if result.judged:
            judged += 1
            if result.met:
                met += 1
    return Compliance.of(met, judged)


__all__ = [
    "PRESENT_KINDS",
    "Assignment",
    "Compliance",
    "Kind",
    "PeriodResult",
    "Requirements",
    "Role",
    "compliance",
    "count_kinds",
    "count_present",
    "monthly_requirement",
    "monthly_results",
    "results_for",
    "weekly_results",
]
