from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.attendance import (
    PRESENT_KINDS,
    Assignment,
    Kind,
    PeriodResult,
    Requirements,
    Role,
    compliance,
    count_kinds,
    monthly_results,
    results_for,
    weekly_results,
)
from app.domain.errors import DomainError
from app.domain.periods import daterange

REQ = Requirements()
SEPT = (date(2026, 9, 1), date(2026, 9, 30))
OCT = (date(2026, 10, 1), date(2026, 10, 31))


def d(day: str) -> date:
    return date.fromisoformat(day)


def mark(kind: Kind, *days: str) -> dict[date, Kind]:
    return {d(x): kind for x in days}


def secretary(start: str, end: str | None = None) -> Assignment:
    return Assignment("GB001", "610526100201", Role.SECRETARY, d(start), d(end) if end else None)


def stationed(start: str, end: str | None = None) -> Assignment:
    return Assignment("GB002", "610526100201", Role.STATIONED, d(start), d(end) if end else None)


# --- kinds and roles ------------------------------------------------------------


def test_kinds_and_roles() -> None:
    assert Kind.parse("在村") is Kind.PRESENT
    assert Kind.parse(" 会议培训 ") is Kind.MEETING
    assert frozenset({Kind.PRESENT, Kind.MEETING}) == PRESENT_KINDS
    with pytest.raises(DomainError) as err:
        Kind.parse("出差")
    assert err.value.message == "类别应为 在村/会议培训/请假/缺勤：出差"
    assert Role.SECRETARY.is_part_time and Role.FIRST_SECRETARY.is_part_time
    assert not Role.STATIONED.is_part_time
    assert Role.parse("兼职第一书记") is Role.FIRST_SECRETARY
    with pytest.raises(DomainError, match="岗位应为"):
        Role.parse("书记")
    assert str(Kind.LEAVE) == "请假" and f"{Role.STATIONED}" == "驻村干部"


def test_defaults_and_assignment_checks() -> None:
    assert (REQ.weekly_min_days, REQ.weekly_leave_excuse_weekdays, REQ.monthly_min_days) == (
        2,
        3,
        20,
    )
    with pytest.raises(DomainError):
        Assignment("GB001", "610526100201", Role.STATIONED, d("2026-09-10"), d("2026-09-09"))
    a = secretary("2026-09-01", "2026-09-10")
    assert a.covers(d("2026-09-10")) and not a.covers(d("2026-09-11"))
    assert a.overlap(d("2026-08-31"), d("2026-09-06")) == (d("2026-09-01"), d("2026-09-06"))
    assert a.overlap(d("2026-09-11"), d("2026-09-30")) is None


def test_count_kinds_counts_within_span_only() -> None:
    days = mark(Kind.PRESENT, "2026-09-01", "2026-09-02") | mark(Kind.LEAVE, "2026-09-03")
    days |= mark(Kind.ABSENT, "2026-10-01")
    counts = count_kinds(days, *SEPT)
    assert counts == {Kind.PRESENT: 2, Kind.MEETING: 0, Kind.LEAVE: 1, Kind.ABSENT: 0}


# --- weekly (兼职) ----------------------------------------------------------------


def test_weekly_september_hand_worked() -> None:
    # Secretary from Tuesday 2026-09-01: W36 (Aug 31–Sep 6) is covered only partly.
    days = mark(Kind.PRESENT, "2026-08-31", "2026-09-02", "2026-09-03")  # 08-31 before start
    days |= mark(Kind.PRESENT, "2026-09-07") | mark(Kind.MEETING, "2026-09-09")  # W37: 2 → met
    days |= mark(Kind.PRESENT, "2026-09-16") | mark(Kind.ABSENT, "2026-09-17")  # W38: 1 → not met
    days |= mark(Kind.LEAVE, "2026-09-21", "2026-09-22", "2026-09-23")  # W39: 3 weekdays leave
    results = weekly_results(secretary("2026-09-01"), days, *SEPT, REQ)
    assert [r.label for r in results] == ["2026-W36", "2026-W37", "2026-W38", "2026-W39"]
    w36, w37, w38, w39 = results
    assert w36 == PeriodResult(
        "2026-W36", d("2026-08-31"), d("2026-09-06"), 2, 0, 0, None, False, None, False,
        "任职未覆盖整周，不考核",
    )  # fmt: skip
    assert (w37.judged, w37.required, w37.present, w37.met) == (True, 2, 2, True)
    assert (w38.judged, w38.present, w38.absent, w38.met) == (True, 1, 1, False)
    assert w38.note == "未达标：在村1天，应至少2天"
    assert (w39.judged, w39.excused, w39.met, w39.leave) == (False, True, None, 3)
    assert w39.note == "请假3个工作日，本周免考"
    c = compliance(results)
    assert (c.judged, c.met, c.ratio) == (2, 1, Fraction(1, 2))


def test_two_leave_weekdays_do_not_excuse() -> None:
    # W39: leave Mon, Tue and the whole weekend: only 2 weekdays → judged; 1 present → not met.
    days = mark(Kind.LEAVE, "2026-09-21", "2026-09-22", "2026-09-26", "2026-09-27")
    days |= mark(Kind.PRESENT, "2026-09-23")
    (w39,) = weekly_results(secretary("2026-01-01"), days, d("2026-09-21"), d("2026-09-27"), REQ)
    assert (w39.judged, w39.excused, w39.leave, w39.met) == (True, False, 4, False)


def test_three_leave_weekdays_excuse_even_with_presence() -> None:
    days = mark(Kind.LEAVE, "2026-09-23", "2026-09-24", "2026-09-25") | mark(
        Kind.PRESENT, "2026-09-21", "2026-09-22"
    )
    (w39,) = weekly_results(secretary("2026-01-01"), days, d("2026-09-21"), d("2026-09-27"), REQ)
    assert w39.excused and not w39.judged and w39.required is None


def test_excuse_threshold_is_a_setting() -> None:
    days = mark(Kind.LEAVE, "2026-09-21", "2026-09-22")
    req = Requirements(weekly_leave_excuse_weekdays=2)
    (w39,) = weekly_results(secretary("2026-01-01"), days, d("2026-09-21"), d("2026-09-27"), req)
    assert w39.excused


def test_weeks_outside_assignment_are_omitted_and_end_partial() -> None:
    # Ends Thursday 09-10: W38, W39 untouched (omitted); W37 (Sep 7–13) only partly covered.
    days = mark(Kind.PRESENT, "2026-09-07", "2026-09-08", "2026-09-09", "2026-09-11")
    results = weekly_results(secretary("2026-08-01", "2026-09-10"), days, *SEPT, REQ)
    assert [r.label for r in results] == ["2026-W36", "2026-W37"]
    assert results[0].judged and results[0].met is False
    assert not results[1].judged and results[1].present == 3  # 09-11 is after the end
    assert compliance(results).ratio == Fraction(0)


def test_partial_week_with_leave_is_not_excused_but_unjudged() -> None:
    days = mark(Kind.LEAVE, "2026-09-01", "2026-09-02", "2026-09-03")
    (w36, *_) = weekly_results(secretary("2026-09-01"), days, *SEPT, REQ)
    assert not w36.judged and not w36.excused and w36.note == "任职未覆盖整周，不考核"


def test_week_assigned_by_thursday() -> None:
    # W40 (Sep 28–Oct 4) belongs to October: not in September's results, first in October's.
    days = mark(Kind.PRESENT, "2026-09-28", "2026-09-29")
    sept = weekly_results(secretary("2026-01-01"), days, *SEPT, REQ)
    octo = weekly_results(secretary("2026-01-01"), days, *OCT, REQ)
    assert "2026-W40" not in [r.label for r in sept]
    assert octo[0].label == "2026-W40" and octo[0].met


# --- monthly (驻村) ---------------------------------------------------------------


def test_monthly_full_month() -> None:
    present = [f"2026-10-{i:02d}" for i in range(1, 21)]
    (oct_met,) = monthly_results(stationed("2026-01-01"), mark(Kind.PRESENT, *present), *OCT, REQ)
    assert (oct_met.label, oct_met.required, oct_met.present, oct_met.met) == (
        "2026-10",
        20,
        20,
        True,
    )
    assert oct_met.first == d("2026-10-01") and oct_met.last == d("2026-10-31")
    assert oct_met.note == "达标"
    (oct_short,) = monthly_results(
        stationed("2026-01-01"), mark(Kind.PRESENT, *present[:19]), *OCT, REQ
    )
    assert oct_short.met is False and oct_short.note == "未达标：在村19天，应至少20天"


def test_monthly_leave_lowers_requirement() -> None:
    days = mark(Kind.PRESENT, *[f"2026-10-{i:02d}" for i in range(1, 18)])  # 17 present
    days |= mark(Kind.LEAVE, "2026-10-26", "2026-10-27", "2026-10-28")
    (r,) = monthly_results(stationed("2026-01-01"), days, *OCT, REQ)
    assert (r.required, r.present, r.leave, r.met) == (17, 17, 3, True)
    assert r.note == "请假3天，要求减为17天；达标"


def test_monthly_prorated_from_16th() -> None:
    # From 2026-09-16: 15 of 30 days → floor(20 × 15 / 30) = 10, minus 2 leave days = 8.
    days = mark(Kind.LEAVE, "2026-09-10")  # before the start: does not count
    days |= mark(Kind.LEAVE, "2026-09-20", "2026-09-21")
    days |= mark(Kind.PRESENT, *[f"2026-09-{i}" for i in range(22, 30)])  # 8 present
    days |= mark(Kind.PRESENT, "2026-09-01", "2026-09-02")  # before the start
    (r,) = monthly_results(stationed("2026-09-16"), days, *SEPT, REQ)
    assert (r.required, r.present, r.leave, r.judged, r.met) == (8, 8, 2, True, True)
    assert r.note == "任职覆盖15/30天，要求按比例为10天；请假2天，要求减为8天；达标"
    days.pop(d("2026-09-29"))
    (r,) = monthly_results(stationed("2026-09-16"), days, *SEPT, REQ)
    assert (r.present, r.met) == (7, False)


def test_monthly_prorated_rounds_down() -> None:
    # From 2026-10-10: 22 of 31 days → 20 × 22 / 31 = 14.19… → 14.
    (r,) = monthly_results(stationed("2026-10-10"), {}, *OCT, REQ)
    assert r.required == 14 and r.met is False
    # Ends 2026-10-15: 15 of 31 → 300 / 31 = 9.67… → 9 (rounded down, not half up).
    (r,) = monthly_results(stationed("2026-01-01", "2026-10-15"), {}, *OCT, REQ)
    assert r.required == 9


def test_monthly_leave_beyond_requirement_floors_at_zero() -> None:
    days = mark(Kind.LEAVE, *[f"2026-09-{i}" for i in range(16, 28)])  # 12 leave days
    (r,) = monthly_results(stationed("2026-09-16"), days, *SEPT, REQ)
    # nothing is asked of the cadre this month: like an excused week, it is not judged
    assert (r.required, r.present, r.met, r.judged, r.excused) == (None, 0, None, False, True)
    assert "不考核" in r.note


def test_monthly_span_and_assignment() -> None:
    a = stationed("2026-09-16", "2026-10-15")
    results = monthly_results(a, {}, d("2026-08-01"), d("2026-11-30"), REQ)
    assert [r.label for r in results] == ["2026-09", "2026-10"]
    assert [r.required for r in results] == [10, 9]
    # A span cutting a month still judges the whole month the assignment covers.
    (r,) = monthly_results(stationed("2026-01-01"), {}, d("2026-10-05"), d("2026-10-06"), REQ)
    assert r.required == 20 and r.first == d("2026-10-01")


def test_results_for_dispatches_on_role() -> None:
    days = mark(Kind.PRESENT, "2026-09-07", "2026-09-08")
    weekly = results_for(secretary("2026-01-01"), days, *SEPT, REQ)
    monthly = results_for(stationed("2026-01-01"), days, *SEPT, REQ)
    first_secretary = Assignment("GB3", "610526100201", Role.FIRST_SECRETARY, d("2026-01-01"), None)
    assert weekly[0].label == "2026-W36"
    assert [r.label for r in monthly] == ["2026-09"]
    assert len(results_for(first_secretary, days, *SEPT, REQ)) == 4


def test_compliance_none_when_nothing_judged() -> None:
    assert compliance([]).ratio is None
    c = compliance(weekly_results(secretary("2026-09-01", "2026-09-03"), {}, *SEPT, REQ))
    assert (c.judged, c.met, c.ratio) == (0, 0, None)


# --- properties -------------------------------------------------------------------

KINDS = st.sampled_from(list(Kind))


@st.composite
def attendance(draw: st.DrawFn) -> tuple[Assignment, dict[date, Kind], date, date]:
    start = draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)))
    length = draw(st.integers(min_value=0, max_value=200))
    end = draw(st.one_of(st.none(), st.just(start + timedelta(days=length))))
    role = draw(st.sampled_from(list(Role)))
    first = draw(st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 1, 31)))
    last = first + timedelta(days=draw(st.integers(min_value=0, max_value=120)))
    span = list(daterange(first - timedelta(days=7), last + timedelta(days=31)))
    marked = draw(st.lists(st.tuples(st.sampled_from(span), KINDS), max_size=80))
    return Assignment("GB", "610526100201", role, start, end), dict(marked), first, last


@given(attendance())
def test_results_are_consistent(case: tuple[Assignment, dict[date, Kind], date, date]) -> None:
    assignment, days, first, last = case
    results = results_for(assignment, days, first, last, REQ)
    for r in results:
        assert r.present + r.leave + r.absent <= (r.last - r.first).days + 1
        assert r.judged == (r.met is not None) == (r.required is not None)
        assert not (r.judged and r.excused)
        if r.judged:
            assert r.met == (r.present >= r.required)
            assert 0 <= r.required <= max(REQ.weekly_min_days, REQ.monthly_min_days)
    c = compliance(results)
    assert 0 <= c.met <= c.judged
    assert c.ratio is None or 0 <= c.ratio <= 1


@given(attendance(), st.integers(min_value=0, max_value=400))
def test_an_extra_present_day_never_breaks_a_met_period(
    case: tuple[Assignment, dict[date, Kind], date, date], offset: int
) -> None:
    assignment, days, first, last = case
    extra_day = first + timedelta(days=offset % ((last - first).days + 1))
    if days.get(extra_day) == Kind.LEAVE:
        return  # replacing leave raises the requirement by design
    before = results_for(assignment, days, first, last, REQ)
    after = results_for(assignment, days | {extra_day: Kind.PRESENT}, first, last, REQ)
    assert [r.label for r in before] == [r.label for r in after]
    for b, a in zip(before, after, strict=True):
        if b.met:
            assert a.met
    assert compliance(after).met >= compliance(before).met
