"""履职情况 as report data: a 兼职 cadre meeting 3 of 4 weeks, a 驻村 cadre 18 of 20 days."""

import json
from datetime import date

import pytest

from app.db import diaries
from app.domain.periods import Month, Quarter, Year
from app.reports.compliance import HEADER, compliance_report, percent

AS_OF = date(2026, 5, 15)
DONGPO = "610526100201"


def fill(db, cadre, kind, *days):
    db["attendance"].insert_all(
        [{"cadre_no": cadre, "day": d, "kind": kind, "village_code": DONGPO} for d in days]
    )


def february(db):
    """GB001 兼职书记: weeks of February 2026 (W06–W09) with 2, 3, 2, 1 present days and a
    day of leave; GB002 驻村干部: 18 present days and 2 absent, one found by a phone check."""
    fill(db, "GB001", "在村", "2026-02-02", "2026-02-03")  # W06: met
    fill(db, "GB001", "在村", "2026-02-09", "2026-02-10", "2026-02-11")  # W07: met
    fill(db, "GB001", "在村", "2026-02-17")  # W08: met, with a meeting
    fill(db, "GB001", "会议培训", "2026-02-18")
    fill(db, "GB001", "在村", "2026-02-24")  # W09: 1 day, not met
    fill(db, "GB001", "请假", "2026-02-25")
    weekdays = [d for d in Month(2026, 2).days() if d.weekday() < 5]
    assert len(weekdays) == 20
    fill(db, "GB002", "在村", *(d.isoformat() for d in weekdays[:18]))
    fill(db, "GB002", "缺勤", "2026-02-26", "2026-02-27")
    db["checks"].insert(
        {"cadre_no": "GB002", "day": "2026-02-26", "method": "电话查岗", "result": "不在岗"}
    )
    for cadre, day in (("GB001", "2026-02-03"), ("GB001", "2026-02-24"), ("GB002", "2026-02-05")):
        diaries.add_entry(
            db, {"day": day, "cadre_no": cadre, "village_code": DONGPO, "situation": "走访"}
        )
    diaries.add_entry(db, {"day": "2026-03-02", "cadre_no": "GB002", "situation": "走访"})
    return db


@pytest.fixture
def db(township_db):
    return february(township_db)


def by_cadre(data):
    return {c["cadre_no"]: c for c in data["cadres"]}


def test_a_month(db):
    data, table = compliance_report(db, Month(2026, 2), as_of=AS_OF)
    json.dumps(data)  # the CLI writes it as JSON
    part_time, stationed = by_cadre(data)["GB001"], by_cadre(data)["GB002"]
    assert part_time["role"] == "兼职书记" and part_time["villages"] == ["东坡村"]
    assert (part_time["required_days"], part_time["present_days"]) == (8, 8)
    assert (part_time["met"], part_time["judged"]) == (3, 4)
    assert part_time["periods_label"] == "3/4周" and part_time["ratio"] == "75.0%"
    assert (part_time["leave_days"], part_time["absent_days"]) == (1, 0)
    assert part_time["diaries"] == 2 and part_time["compliant"] is False
    assert [p["label"] for p in part_time["periods"]] == [f"2026-W0{n}" for n in (6, 7, 8, 9)]
    assert part_time["periods"][3]["note"] == "未达标：在村1天，应至少2天"

    assert (stationed["required_days"], stationed["present_days"]) == (20, 18)
    assert stationed["periods_label"] == "0/1月" and stationed["ratio"] == "0.0%"
    assert (stationed["absent_days"], stationed["unexcused_absences"]) == (2, 1)
    assert stationed["diaries"] == 1 and stationed["compliant"] is False
    assert data["summary"] == {"cadres": 2, "not_compliant": 2, "judged": 5, "met": 3}

    assert tuple(table.header) == HEADER
    assert table.rows == [
        ["GB001", "王建国", "兼职书记", "东坡村", 8, 8, "3/4周", "75.0%", 1, 0, 0, 2],
        ["GB002", "李秀英", "驻村干部", "东坡村", 20, 18, "0/1月", "0.0%", 0, 2, 1, 1],
    ]
    assert table.footer[0][:8] == ["合计", "2 人", "", "", 28, 26, "", "未全部达标 2 人"]
    assert table.title == "蒲城县东坡镇 驻村干部履职情况（2026年2月）"


def test_a_quarter_and_a_year(db):
    data, table = compliance_report(db, Quarter(2026, 1), as_of=AS_OF)
    assert data["title"] == "2026年第一季度"
    # the week of 1 January is covered from Thursday only: not judged
    assert table.rows[0][4:8] == [24, 8, "3/12周", "25.0%"]
    assert table.rows[1][4:8] == [60, 18, "0/3月", "0.0%"]

    data, table = compliance_report(db, Year(2026), as_of=AS_OF)
    # weeks and months not ended by 15 May are listed but not judged
    assert table.rows[0][4:8] == [36, 8, "3/18周", "16.7%"]
    assert table.rows[1][4:8] == [80, 18, "0/4月", "0.0%"]
    months = {p["label"]: p for p in by_cadre(data)["GB002"]["periods"]}
    assert len(months) == 12
    assert months["2026-05"]["judged"] is False and "进行中" in months["2026-05"]["note"]


def test_nothing_judged_yet_and_nobody_posted(db):
    data, table = compliance_report(db, Month(2026, 5), as_of=date(2026, 5, 3))
    assert [c["periods_label"] for c in data["cadres"]] == ["不考核", "不考核"]
    assert [c["compliant"] for c in data["cadres"]] == [None, None]
    assert table.rows[0][7] == "—"
    data, table = compliance_report(db, Month(2025, 6), as_of=AS_OF)
    assert data["cadres"] == [] and table.rows == []


def test_percent_is_rounded_half_up():
    assert percent(1, 8) == "12.5%"
    assert percent(2, 3) == "66.7%"
    assert percent(1, 6) == "16.7%"
    assert percent(1, 16) == "6.3%"  # 6.25 → 6.3
    assert percent(0, 0) is None


def test_the_same_cadres_and_days_as_the_duty_grid_and_the_attendance_table():
    """A cadre with attendance but no post (GB099) is on the month's sheet, grid and
    attendance table: 履职情况 lists him too (role —, 不考核), so every total agrees."""
    from app.db.attendance_edit import month_grid
    from app.db.connection import memory_database
    from app.db.store import require_identity
    from app.demo_setup import make_demo
    from app.reports.attendance import attendance_report

    today, october = date(2026, 11, 28), Month(2026, 10)
    db = memory_database()
    make_demo(db, scale="township", seed=1, today=today)
    db["cadres"].insert(
        {"cadre_no": "GB099", "township_code": require_identity(db).township_code, "name": "临时"}
    )
    village = db.execute("SELECT code FROM villages ORDER BY code LIMIT 1").fetchone()[0]
    days = [f"2026-10-{n:02d}" for n in (5, 6, 7, 8, 9)]
    db["attendance"].insert_all(
        {"cadre_no": "GB099", "day": d, "kind": "在村", "village_code": village} for d in days
    )

    grid = {r.cadre_no: r.present for r in month_grid(db, october, as_of=today).rows}
    data, table = compliance_report(db, october, as_of=today)
    report = {c["cadre_no"]: c["present_days"] for c in data["cadres"]}
    sheet = {
        c["cadre_no"]: c["present_days"] for c in attendance_report(db, october, today)[0]["cadres"]
    }
    assert grid["GB099"] == 5
    assert report == grid == sheet
    assert len(grid) > 10
    extra = by_cadre(data)["GB099"]
    assert (extra["role"], extra["periods_label"], extra["compliant"]) == (None, "不考核", None)
    row = next(r for r in table.rows if r[0] == "GB099")
    assert row[2] == "—" and row[5] == 5 and row[7] == "—"
    assert table.footer[0][5] == sum(grid.values())
