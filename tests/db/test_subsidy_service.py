"""Monthly sheets from the database: the seed's arithmetic, rates in force, freeze, 补发/扣回."""

import pytest

from app.db.subsidy import approve_month, sheet_for_month
from app.domain.errors import DomainError
from app.domain.periods import Month

from .conftest import present

OCT, NOV, DEC = Month(2026, 10), Month(2026, 11), Month(2026, 12)


def line(sheet, cadre):
    return next(x for x in sheet.lines if x.cadre_no == cadre)


def test_seed_arithmetic_six_a_day_plus_forty(township_db):
    present(township_db, "GB001", *[f"2026-10-{d:02d}" for d in range(1, 7)])
    sheet = sheet_for_month(township_db, OCT)
    data = sheet.to_json()
    assert data["status"] == "draft"
    gb1 = next(x for x in data["lines"] if x["cadre_no"] == "GB001")
    assert gb1 == {
        **gb1,
        "present_days": 6,
        "living": "36.00",
        "transport": "40.00",
        "adjustment": "0.00",
        "total": "76.00",
        "name": "王建国",
    }
    gb2 = next(x for x in data["lines"] if x["cadre_no"] == "GB002")
    assert gb2["total"] == "0.00"  # assigned, no present day: no transport either
    assert data["total"] == "76.00"


def test_meeting_days_count_leave_and_absence_do_not(township_db):
    present(township_db, "GB001", "2026-10-01", "2026-10-02")
    present(township_db, "GB001", "2026-10-03", kind="会议培训")
    present(township_db, "GB001", "2026-10-05", kind="请假")
    present(township_db, "GB001", "2026-10-06", kind="缺勤")
    assert line(sheet_for_month(township_db, OCT), "GB001").present_days == 3


def test_daily_rate_raised_mid_month(township_db):
    township_db["subsidy_rates"].insert(
        {"kind": "生活补助", "effective_from": "2026-10-16", "amount_fen": 800}
    )
    present(township_db, "GB001", "2026-10-14", "2026-10-15", "2026-10-16", "2026-10-17")
    gb1 = line(sheet_for_month(township_db, OCT), "GB001")
    assert (gb1.living_fen, gb1.transport_fen, gb1.total_fen) == (2800, 4000, 6800)


def test_monthly_rate_in_force_on_the_last_day(township_db):
    present(township_db, "GB001", "2026-10-02")
    township_db["subsidy_rates"].insert(
        {"kind": "交通通讯补助", "effective_from": "2026-10-31", "amount_fen": 10000}
    )
    assert line(sheet_for_month(township_db, OCT), "GB001").transport_fen == 10000
    present(township_db, "GB001", "2026-09-30")
    assert line(sheet_for_month(township_db, Month(2026, 9)), "GB001").transport_fen == 4000


def test_no_rate_in_force_is_a_clear_error(township_db):
    present(township_db, "GB001", "2025-12-31")
    with pytest.raises(DomainError, match="2025-12-31"):
        sheet_for_month(township_db, Month(2025, 12))


def test_approved_month_is_frozen_and_later_changes_carry_over(township_db):
    present(township_db, "GB001", "2026-10-01", "2026-10-02")
    present(township_db, "GB002", *[f"2026-10-{d:02d}" for d in range(1, 21)])
    approved = approve_month(township_db, OCT, "李会计")
    assert approved.status == "approved" and approved.total_fen == (1200 + 4000) + (12000 + 4000)
    # a day added for GB001 and a day taken back for GB002, after approval
    present(township_db, "GB001", "2026-10-03")
    present(township_db, "GB002", "2026-10-20", kind="缺勤")
    township_db["subsidy_rates"].insert(
        {"kind": "生活补助", "effective_from": "2026-10-01", "amount_fen": 700}
    )
    frozen = sheet_for_month(township_db, OCT)
    assert frozen.status == "approved" and frozen.total_fen == approved.total_fen
    nov = sheet_for_month(township_db, NOV)
    gb1, gb2 = line(nov, "GB001"), line(nov, "GB002")
    # GB001: now 3 days × 7.00 = 21.00 vs 12.00 paid → 补发 9.00
    assert gb1.adjustment_fen == 900 and gb1.notes == ["补发 2026-10"]
    # GB002: now 19 days × 7.00 = 133.00 vs 120.00 paid → 补发 13.00
    assert gb2.adjustment_fen == 1300
    township_db.execute("DELETE FROM subsidy_rates WHERE effective_from = '2026-10-01'")
    nov = sheet_for_month(township_db, NOV)
    assert line(nov, "GB002").adjustment_fen == -600 and line(nov, "GB002").notes == [
        "扣回 2026-10"
    ]
    assert nov.to_json()["lines"][1]["notes"] == ["扣回 2026-10"]


def test_an_adjustment_is_paid_once(township_db):
    present(township_db, "GB001", "2026-10-01")
    approve_month(township_db, OCT, "李会计")
    present(township_db, "GB001", "2026-10-02")
    approve_month(township_db, NOV, "李会计")
    assert line(sheet_for_month(township_db, NOV), "GB001").adjustment_fen == 600
    assert all(x.adjustment_fen == 0 for x in sheet_for_month(township_db, DEC).lines)


def test_approving_twice_is_refused_and_changes_nothing(township_db):
    present(township_db, "GB001", "2026-10-01")
    approve_month(township_db, OCT, "李会计")
    before = township_db.execute("SELECT count(*) FROM change_log").fetchone()[0]
    with pytest.raises(DomainError, match="已经审批"):
        approve_month(township_db, OCT, "李会计")
    assert township_db.execute("SELECT count(*) FROM change_log").fetchone()[0] == before


def test_changed_months_shortcut_equals_full_recomputation(township_db):
    """Random late edits: the trigger-kept set of changed months gives the full rule's result."""
    import random

    from app.db.subsidy import approved_months, base_lines
    from app.domain.subsidy import pending_adjustments

    db, rng = township_db, random.Random(7)
    months = [Month(2026, m) for m in range(1, 10)]
    for m in months:
        for cadre in ("GB001", "GB002"):
            present(db, cadre, *[d.isoformat() for d in m.days() if rng.random() < 0.6])
    for step, m in enumerate(months):
        approve_month(db, m, "李会计")
        for _ in range(3):  # late edits in earlier approved months, and now and then a rate
            target = rng.choice(months[: step + 1])
            day = rng.choice(target.days()).isoformat()
            cadre = rng.choice(("GB001", "GB002"))
            if rng.random() < 0.5:
                db.execute("DELETE FROM attendance WHERE cadre_no = ? AND day = ?", [cadre, day])
            else:
                present(db, cadre, day, kind=rng.choice(["在村", "会议培训", "缺勤"]))
        if rng.random() < 0.3:
            db["subsidy_rates"].insert(
                {
                    "kind": "生活补助",
                    "effective_from": rng.choice(months[: step + 1]).first_day.isoformat(),
                    "amount_fen": rng.choice([600, 700, 800]),
                },
                replace=True,
            )
        draft = m.next()
        full = pending_adjustments(draft, approved_months(db), lambda x: base_lines(db, x))
        fast = [
            (a.cadre_no, a.corrects, a.amount_fen)
            for line in sheet_for_month(db, draft).lines
            for a in line.adjustments
        ]
        assert fast == [(a.cadre_no, a.corrects, a.amount_fen) for a in full], step


def test_unapprove_the_latest_month_with_a_reason_and_its_carried_corrections_return(township_db):
    from app.db.subsidy import approval_info, unapprove_month

    db = township_db
    present(db, "GB001", "2026-10-01")
    approve_month(db, OCT, "李会计")
    present(db, "GB001", "2026-10-02")  # late: carried into November
    approve_month(db, NOV, "李会计")
    assert line(sheet_for_month(db, NOV), "GB001").notes == ["补发 2026-10"]
    with pytest.raises(DomainError, match="请先撤销 2026-11"):
        unapprove_month(db, OCT, "算错了", "王书记")
    with pytest.raises(DomainError, match="原因"):
        unapprove_month(db, NOV, "  ", "王书记")
    unapprove_month(db, NOV, "出勤天数需核对", "王书记")
    assert approval_info(db, NOV) is None and approval_info(db, OCT) is not None
    draft = sheet_for_month(db, NOV)
    assert draft.status == "draft"
    assert (
        line(draft, "GB001").notes == ["补发 2026-10"]
        and line(draft, "GB001").adjustment_fen == 600
    )
    reasons = [r[0] for r in db.execute("SELECT reason FROM change_log WHERE action = 'note'")]
    assert any("出勤天数需核对" in r and "王书记" in r for r in reasons)
    with pytest.raises(DomainError, match="尚未审批"):
        unapprove_month(db, NOV, "再撤", "王书记")


def test_line_days_sum_to_the_living_subsidy(township_db):
    from app.db.subsidy import line_days

    db = township_db
    db["subsidy_rates"].insert(
        {"kind": "生活补助", "effective_from": "2026-10-16", "amount_fen": 800}
    )
    present(db, "GB002", "2026-10-15", "2026-10-16")
    present(db, "GB002", "2026-10-17", kind="会议培训")
    present(db, "GB002", "2026-10-18", kind="请假")
    days = line_days(db, OCT, "GB002")
    assert [(d.day.day, d.rate_fen) for d in days] == [(15, 600), (16, 800), (17, 800)]
    assert sum(d.rate_fen for d in days) == line(sheet_for_month(db, OCT), "GB002").living_fen


def test_year_view_adds_up_the_monthly_sheets(township_db):
    from app.db.subsidy import year_view

    db = township_db
    present(db, "GB001", "2026-01-05", "2026-02-03", "2026-02-04")
    approve_month(db, Month(2026, 1), "李会计")
    view = year_view(db, 2026, last=Month(2026, 3))
    assert view.months == [Month(2026, 1), Month(2026, 2), Month(2026, 3)]
    assert view.statuses[Month(2026, 1)] == "approved" and view.statuses[Month(2026, 2)] == "draft"
    gb1 = next(r for r in view.rows if r.cadre_no == "GB001")
    assert gb1.totals == {Month(2026, 1): 4600, Month(2026, 2): 5200, Month(2026, 3): 0}
    assert gb1.total_fen == 9800 and view.total_fen == sum(view.month_totals.values()) == 9800


def test_rates_history_add_and_delete_undoably(township_db):
    from datetime import date

    from app.db import rates, records

    db = township_db
    change = rates.add_rate(db, "交通通讯补助", date(2026, 10, 31), 10000)
    rows = [
        (r.kind.value, r.effective_from.isoformat(), r.amount_fen, r.until)
        for r in rates.rate_rows(db)
    ]
    assert ("交通通讯补助", "2026-01-01", 4000, date(2026, 10, 30)) in rows
    assert ("交通通讯补助", "2026-10-31", 10000, None) in rows
    with pytest.raises(DomainError, match="已有标准"):
        rates.add_rate(db, "交通通讯补助", date(2026, 10, 31), 9000)
    present(db, "GB001", "2026-10-02")
    assert line(sheet_for_month(db, OCT), "GB001").transport_fen == 10000
    records.revert(db, change)
    assert line(sheet_for_month(db, OCT), "GB001").transport_fen == 4000
    gone = rates.delete_rate(db, "生活补助", date(2026, 1, 1))
    with pytest.raises(DomainError):
        sheet_for_month(db, OCT)  # no daily rate in force any more: a plain error
    records.revert(db, gone)
    assert line(sheet_for_month(db, OCT), "GB001").living_fen == 600
