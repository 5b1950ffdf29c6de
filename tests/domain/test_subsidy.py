from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.attendance import PRESENT_KINDS, Kind
from app.domain.errors import DomainError
from app.domain.money import parse_yuan
from app.domain.periods import Month, daterange
from app.domain.subsidy import (
    Adjustment,
    BaseLine,
    FrozenMonth,
    Rate,
    RateKind,
    RateTable,
    Sheet,
    SheetLine,
    base_line,
    build_sheet,
    pending_adjustments,
)

SEP, OCT, NOV, DEC = Month(2026, 9), Month(2026, 10), Month(2026, 11), Month(2026, 12)
LIVING, TRANSPORT = RateKind.LIVING, RateKind.TRANSPORT


def seed_rates(*extra: Rate) -> RateTable:
    return RateTable(
        [Rate(LIVING, date(2020, 1, 1), 600), Rate(TRANSPORT, date(2020, 1, 1), 4000), *extra]
    )


def present(month: Month, *days: int, kind: Kind = Kind.PRESENT) -> dict[date, Kind]:
    return {date(month.year, month.month, day): kind for day in days}


# --- rates ------------------------------------------------------------------------


def test_rate_in_force() -> None:
    rates = seed_rates(Rate(LIVING, date(2026, 10, 16), 800))
    assert rates.in_force(LIVING, date(2026, 10, 15)) == 600
    assert rates.in_force(LIVING, date(2026, 10, 16)) == 800
    assert rates.in_force(LIVING, date(2030, 1, 1)) == 800
    assert rates.in_force(TRANSPORT, date(2026, 10, 16)) == 4000
    with pytest.raises(DomainError) as err:
        rates.in_force(LIVING, date(2019, 12, 31))
    assert err.value.message == "2019-12-31 没有生效的生活补助标准"
    with pytest.raises(DomainError, match="没有生效的交通通讯补助标准"):
        RateTable().in_force(TRANSPORT, date(2026, 1, 1))


def test_rate_table_refuses_two_rates_on_one_day() -> None:
    with pytest.raises(DomainError, match="两个标准"):
        seed_rates(Rate(LIVING, date(2020, 1, 1), 700))
    with pytest.raises(DomainError):
        Rate(LIVING, date(2020, 1, 1), -1)
    assert RateKind.parse("交通通讯补助") is TRANSPORT
    with pytest.raises(DomainError, match="补助类别应为 生活补助/交通通讯补助"):
        RateKind.parse("油费")


# --- base lines -------------------------------------------------------------------


def test_seed_arithmetic_six_days() -> None:
    days = present(OCT, 1, 2, 3) | present(OCT, 4, 5, 6, kind=Kind.MEETING)
    days |= present(OCT, 7, kind=Kind.LEAVE) | present(OCT, 8, kind=Kind.ABSENT)
    days |= present(SEP, 30) | present(NOV, 1)  # other months are not read
    line = base_line("GB001", OCT, days, seed_rates())
    assert line == BaseLine("GB001", 6, 3600, 4000)
    assert line.base_fen == parse_yuan("76.00")


def test_daily_rate_raised_mid_month() -> None:
    rates = seed_rates(Rate(LIVING, date(2026, 10, 16), 800))
    line = base_line("GB001", OCT, present(OCT, 14, 15, 16, 17), rates)
    assert line.living_fen == 600 + 600 + 800 + 800
    assert line.transport_fen == 4000


@pytest.mark.parametrize(
    ("effective", "transport"),
    [(date(2026, 10, 31), 10000), (date(2026, 11, 1), 4000), (date(2026, 10, 2), 10000)],
)
def test_monthly_rate_in_force_on_last_day(effective: date, transport: int) -> None:
    rates = seed_rates(Rate(TRANSPORT, effective, 10000))
    assert base_line("GB001", OCT, present(OCT, 1), rates).transport_fen == transport


def test_zero_present_days_zero_transport_and_no_rate_needed() -> None:
    days = present(OCT, 1, 2, kind=Kind.LEAVE) | present(OCT, 3, kind=Kind.ABSENT)
    assert base_line("GB001", OCT, days, seed_rates()) == BaseLine("GB001", 0, 0, 0)
    only_living = RateTable([Rate(LIVING, date(2020, 1, 1), 600)])
    assert base_line("GB001", OCT, {}, only_living).base_fen == 0
    with pytest.raises(DomainError, match="没有生效的交通通讯补助标准"):
        base_line("GB001", OCT, present(OCT, 1), only_living)


def test_present_day_without_living_rate_is_an_error() -> None:
    rates = RateTable(
        [Rate(LIVING, date(2026, 10, 5), 600), Rate(TRANSPORT, date(2020, 1, 1), 4000)]
    )
    with pytest.raises(DomainError, match="2026-10-04 没有生效的生活补助标准"):
        base_line("GB001", OCT, present(OCT, 4, 5), rates)


# --- adjustments ------------------------------------------------------------------


def test_adjustment_kind_and_note() -> None:
    assert Adjustment("GB001", SEP, 600).note == "补发 2026-09"
    assert Adjustment("GB001", SEP, -600).kind == "扣回"
    assert Adjustment("GB001", SEP, -600).note == "扣回 2026-09"
    with pytest.raises(DomainError):
        Adjustment("GB001", SEP, 0)


def frozen_sep(days: Mapping[date, Kind], *adjustments: Adjustment) -> FrozenMonth:
    return FrozenMonth(SEP, {"GB001": base_line("GB001", SEP, days, seed_rates())}, adjustments)


def recompute_from(
    days: Mapping[str, Mapping[date, Kind]],
) -> Callable[[Month], dict[str, BaseLine]]:
    def recompute(month: Month) -> dict[str, BaseLine]:
        return {c: base_line(c, month, d, seed_rates()) for c, d in days.items()}

    return recompute


def test_attendance_added_after_approval_is_paid_next_month() -> None:
    sep_days = present(SEP, 1, 2, 3, 4, 7, 8)
    approved = {SEP: frozen_sep(sep_days)}
    assert approved[SEP].lines["GB001"].base_fen == 7600
    later = sep_days | present(SEP, 9)
    adjustments = pending_adjustments(OCT, approved, recompute_from({"GB001": later}))
    assert adjustments == [Adjustment("GB001", SEP, 600)]
    assert adjustments[0].note == "补发 2026-09"
    # Nothing changed → nothing pending.
    assert pending_adjustments(OCT, approved, recompute_from({"GB001": sep_days})) == []


def test_attendance_removed_after_approval_is_taken_back() -> None:
    sep_days = present(SEP, 1, 2, 3)
    approved = {SEP: frozen_sep(sep_days)}
    fewer = present(SEP, 1, 2)
    assert pending_adjustments(OCT, approved, recompute_from({"GB001": fewer})) == [
        Adjustment("GB001", SEP, -600)
    ]
    # Every day removed: living and transport both come back.
    assert pending_adjustments(OCT, approved, recompute_from({})) == [
        Adjustment("GB001", SEP, -(1800 + 4000))
    ]


def test_two_approved_months_in_a_row_carry_into_first_unapproved() -> None:
    sep_days = present(SEP, 1, 2)
    approved = {SEP: frozen_sep(sep_days), OCT: FrozenMonth(OCT, {}, ())}
    recompute = recompute_from({"GB001": sep_days | present(SEP, 3)})
    assert pending_adjustments(NOV, approved, recompute) == [Adjustment("GB001", SEP, 600)]
    assert pending_adjustments(OCT, approved, recompute) == []  # approved: frozen
    assert pending_adjustments(DEC, approved, recompute) == []  # not the first unapproved


def test_gap_in_approvals() -> None:
    # Sep and Nov approved, Oct still a draft: Sep's difference goes to October.
    sep_days = present(SEP, 1, 2)
    approved = {SEP: frozen_sep(sep_days), NOV: FrozenMonth(NOV, {}, ())}
    recompute = recompute_from({"GB001": sep_days | present(SEP, 3)})
    assert pending_adjustments(OCT, approved, recompute) == [Adjustment("GB001", SEP, 600)]
    assert pending_adjustments(DEC, approved, recompute) == []


def test_carried_adjustments_are_not_carried_twice() -> None:
    sep_days = present(SEP, 1, 2)
    carried = Adjustment("GB001", SEP, 600)
    approved = {SEP: frozen_sep(sep_days), OCT: FrozenMonth(OCT, {}, (carried,))}
    now = sep_days | present(SEP, 3)
    assert pending_adjustments(NOV, approved, recompute_from({"GB001": now})) == []
    # One more day added afterwards: only that day is carried.
    now2 = now | present(SEP, 4)
    assert pending_adjustments(NOV, approved, recompute_from({"GB001": now2})) == [
        Adjustment("GB001", SEP, 600)
    ]
    # The carried day removed again: taken back.
    assert pending_adjustments(NOV, approved, recompute_from({"GB001": sep_days})) == [
        Adjustment("GB001", SEP, -600)
    ]


def test_cadre_only_in_carried_adjustments_is_taken_back() -> None:
    # GB009 had nothing when September was approved, was paid 76.00 in October,
    # then the attendance was withdrawn (recompute has no line for GB009).
    approved = {
        SEP: FrozenMonth(SEP, {}, ()),
        OCT: FrozenMonth(OCT, {}, (Adjustment("GB009", SEP, 7600),)),
    }
    assert pending_adjustments(NOV, approved, lambda m: {}) == [Adjustment("GB009", SEP, -7600)]


def test_pending_order_is_by_cadre_then_month() -> None:
    approved = {
        SEP: FrozenMonth(SEP, {}, ()),
        OCT: FrozenMonth(OCT, {}, ()),
    }
    days = {"GB002": present(SEP, 1) | present(OCT, 1), "GB001": present(SEP, 2) | present(OCT, 2)}
    result = pending_adjustments(NOV, approved, recompute_from(days))
    assert [(a.cadre_no, str(a.corrects)) for a in result] == [
        ("GB001", "2026-09"),
        ("GB001", "2026-10"),
        ("GB002", "2026-09"),
        ("GB002", "2026-10"),
    ]


# --- sheets -----------------------------------------------------------------------


def test_sheet_json_matches_contract() -> None:
    rates = seed_rates()
    bases = {
        "GB001": base_line("GB001", OCT, present(OCT, 1, 2, 3, 4, 5, 6), rates),
        "GB002": base_line("GB002", OCT, present(OCT, 7, 8, 9, 12, 13, 14), rates),
    }
    sheet = build_sheet(OCT, {"GB001": "王建国", "GB002": "李秀英"}, bases, [])
    assert sheet.to_json() == {
        "month": "2026-10",
        "status": "draft",
        "total": "152.00",
        "total_capital": "壹佰伍拾贰元整",
        "lines": [
            {
                "cadre_no": "GB001",
                "name": "王建国",
                "present_days": 6,
                "living": "36.00",
                "transport": "40.00",
                "adjustment": "0.00",
                "total": "76.00",
                "notes": [],
                "adjustments": [],
            },
            {
                "cadre_no": "GB002",
                "name": "李秀英",
                "present_days": 6,
                "living": "36.00",
                "transport": "40.00",
                "adjustment": "0.00",
                "total": "76.00",
                "notes": [],
                "adjustments": [],
            },
        ],
    }


def test_sheet_with_adjustments() -> None:
    bases = {"GB002": BaseLine("GB002", 6, 3600, 4000), "GB001": BaseLine("GB001", 1, 600, 4000)}
    adjs = [
        Adjustment("GB003", SEP, -600),  # only an adjustment: gets a line with 0 days
        Adjustment("GB001", OCT, 600),
        Adjustment("GB001", SEP, 1200),
    ]
    sheet = build_sheet(NOV, {"GB001": "王建国", "GB002": "李秀英"}, bases, adjs, status="approved")
    assert [line.cadre_no for line in sheet.lines] == ["GB001", "GB002", "GB003"]
    gb001, _gb002, gb003 = sheet.lines
    assert gb001.notes == ["补发 2026-09", "补发 2026-10"]
    assert gb001.adjustment_fen == 1800 and gb001.total_fen == 600 + 4000 + 1800
    assert gb003 == SheetLine("GB003", "", 0, 0, 0, (Adjustment("GB003", SEP, -600),))
    assert gb003.total_fen == -600
    assert sheet.total_fen == 6400 + 7600 - 600
    data = sheet.to_json()
    assert data["status"] == "approved"
    assert data["total"] == "134.00"
    assert data["total_capital"] == "壹佰叁拾肆元整"
    assert data["lines"][0]["adjustment"] == "18.00"
    assert data["lines"][0]["adjustments"] == [
        {"month": "2026-09", "kind": "补发", "amount": "12.00"},
        {"month": "2026-10", "kind": "补发", "amount": "6.00"},
    ]
    assert data["lines"][2]["notes"] == ["扣回 2026-09"]
    assert data["lines"][2]["adjustments"] == [
        {"month": "2026-09", "kind": "扣回", "amount": "-6.00"}
    ]
    assert data["lines"][2]["total"] == "-6.00"


def test_sheet_checks() -> None:
    with pytest.raises(DomainError):
        Sheet(OCT, "paid", ())
    with pytest.raises(DomainError):
        build_sheet(OCT, {}, {"GB001": BaseLine("GB002", 0, 0, 0)}, [])
    assert build_sheet(OCT, {}, {}, []).to_json()["total_capital"] == "零元整"


# --- properties -------------------------------------------------------------------

OCT_DAYS = list(daterange(OCT.first_day, OCT.last_day))


@st.composite
def rate_tables(draw: st.DrawFn) -> RateTable:
    living_dates = draw(st.sets(st.sampled_from(OCT_DAYS), max_size=5))
    transport_dates = draw(st.sets(st.sampled_from(OCT_DAYS + [date(2026, 11, 1)]), max_size=3))
    amount = st.integers(min_value=0, max_value=100_000)
    rates = [
        Rate(LIVING, date(2020, 1, 1), draw(amount)),
        Rate(TRANSPORT, date(2020, 1, 1), draw(amount)),
    ]
    rates += [Rate(LIVING, d, draw(amount)) for d in living_dates]
    rates += [Rate(TRANSPORT, d, draw(amount)) for d in transport_dates]
    return RateTable(rates)


month_attendance = st.dictionaries(st.sampled_from(OCT_DAYS), st.sampled_from(list(Kind)))


@given(rate_tables(), month_attendance)
def test_living_is_sum_of_daily_rates(rates: RateTable, days: dict[date, Kind]) -> None:
    line = base_line("GB001", OCT, days, rates)
    present_days = [d for d, k in days.items() if k in PRESENT_KINDS]
    assert line.present_days == len(present_days)
    assert line.living_fen == sum(rates.in_force(LIVING, d) for d in present_days)
    assert line.transport_fen == (rates.in_force(TRANSPORT, OCT.last_day) if present_days else 0)


@given(
    rate_tables(),
    st.dictionaries(st.sampled_from(["GB001", "GB002", "GB003"]), month_attendance, max_size=3),
    st.lists(
        st.builds(
            Adjustment,
            st.sampled_from(["GB001", "GB004"]),
            st.sampled_from([SEP, Month(2026, 8)]),
            st.integers(min_value=-50_000, max_value=50_000).filter(bool),
        ),
        max_size=5,
    ),
)
def test_sheet_total_is_sum_of_lines(
    rates: RateTable, attendance: dict[str, dict[date, Kind]], adjs: list[Adjustment]
) -> None:
    bases = {c: base_line(c, OCT, d, rates) for c, d in attendance.items()}
    sheet = build_sheet(OCT, {}, bases, adjs)
    assert sheet.total_fen == sum(line.total_fen for line in sheet.lines)
    assert sheet.total_fen == sum(b.base_fen for b in bases.values()) + sum(
        a.amount_fen for a in adjs
    )

    def key(a: Adjustment) -> tuple[str, Month, int]:
        return (a.cadre_no, a.corrects, a.amount_fen)

    carried = sorted((a for line in sheet.lines for a in line.adjustments), key=key)
    assert carried == sorted(adjs, key=key)  # every adjustment on the sheet, once
    assert parse_yuan(sheet.to_json()["total"].lstrip("-")) == abs(sheet.total_fen)


MONTHS = [Month(2026, m) for m in range(1, 7)]
CADRES = ["GB001", "GB002"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(
                st.sampled_from(CADRES),
                st.sampled_from(MONTHS),
                st.integers(min_value=1, max_value=28),
                st.sampled_from([*Kind, None]),
            ),
            max_size=6,
        ),
        min_size=len(MONTHS),
        max_size=len(MONTHS),
    ),
    st.sets(st.sampled_from(MONTHS)),
)
def test_approval_cycle_loses_no_fen(
    edits_per_step: list[list[tuple[str, Month, int, Kind | None]]], skipped: set[Month]
) -> None:
    """Edit attendance, approve months one by one (some skipped): whatever is approved
    plus what is pending always adds up to what the attendance now earns."""
    rates = seed_rates()
    attendance: dict[str, dict[date, Kind]] = {c: {} for c in CADRES}

    def recompute(month: Month) -> dict[str, BaseLine]:
        return {c: base_line(c, month, attendance[c], rates) for c in CADRES}

    approved: dict[Month, FrozenMonth] = {}
    for month, edits in zip(MONTHS, edits_per_step, strict=True):
        for cadre, m, day, kind in edits:
            when = date(m.year, m.month, day)
            if kind is None:
                attendance[cadre].pop(when, None)
            else:
                attendance[cadre][when] = kind
        if month in skipped:
            continue
        carried = tuple(pending_adjustments(month, approved, recompute))
        approved[month] = FrozenMonth(month, recompute(month), carried)

    draft = MONTHS[-1].next()
    pending = pending_adjustments(draft, approved, recompute)
    # Unapproved months in between also carry their own pending adjustments.
    for m in MONTHS:
        if m not in approved:
            pending += pending_adjustments(m, approved, recompute)
    for month in approved:
        for cadre in CADRES:
            paid = approved[month].lines[cadre].base_fen
            paid += sum(
                a.amount_fen
                for f in approved.values()
                for a in f.adjustments
                if a.cadre_no == cadre and a.corrects == month
            )
            paid += sum(
                a.amount_fen for a in pending if a.cadre_no == cadre and a.corrects == month
            )
            assert paid == recompute(month)[cadre].base_fen
    assert all(a.corrects < draft for a in pending)
    assert all(a.amount_fen != 0 for a in pending)
